// End-to-end tests of the release build in dist/ (run `scripts/build` first), in headless
// Chromium through Playwright. Every test also fails on any page error, console error or warning,
// or failed request. Screenshots go to target/e2e/ (look at them: a blank page can pass a DOM test).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { watchConsole, shot, until, startApp, stopApp, expectText, expectCount } from './lib.mjs';

let server, browser;
before(async () => ({ server, browser } = await startApp()));
after(() => stopApp({ server, browser }));

/** A fresh page at `hash`, its problem list, and helpers. */
async function open(hash = '', { width = 1440, height = 1000, ...ctx } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...ctx });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + hash);
  await page.waitForSelector('.ls-diagram .ls-node');
  // The log, panel and charts follow right after the first paint.
  await page.waitForSelector('.ls-log');
  return { page, problems, close: () => context.close() };
}

/** Steps from the start until the caller's status badge appears; returns the status it shows. */
async function firstStatus(page) {
  await page.keyboard.press('Home');
  for (let i = 0; i < 400; i++) {
    const badge = page.locator('.ls-node-caller .ls-status');
    if (await badge.count()) return badge.first().textContent();
    await page.keyboard.press('ArrowRight');
  }
  return null;
}
const clock = (page) => page.locator('.ls-clock').evaluate((e) => e.firstChild.textContent);
/** "m:ss.mmm" or "h:mm:ss.mmm" → ms. */
function ms(text) {
  const [rest, milli] = text.trim().split('.');
  return rest.split(':').map(Number).reduce((a, b) => a * 60 + b, 0) * 1000 + Number(milli);
}
/** The event log's rows as [ms, sentence]. */
async function log(page) {
  const rows = await page.locator('.ls-log-row').evaluateAll((rs) => rs.map((r) => [r.querySelector('.ls-log-time').textContent, r.querySelector('.ls-log-text').textContent]));
  return rows.map(([t, s]) => [ms(t), s]).reverse();
}
/** What the diagram shows: every box's text and classes, plus the token canvas's pixels. */
async function sceneFingerprint(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.ls-diagram .ls-node')].map((n) => n.getAttribute('class') + '|' + n.textContent).join('\n');
    const canvas = document.querySelector('.ls-tokens');
    return { clock: document.querySelector('.ls-clock').textContent, boxes, tokens: canvas.dataset.tokens, pixels: canvas.toDataURL() };
  });
}

test('the page loads, shows all ten sources and the default scenario is moving', async () => {
  const { page, problems, close } = await open();
  const names = await page.locator('.ls-svc .ls-svc-name').allTextContents();
  assert.deepEqual(names, ['API Gateway', 'CloudFront', 'Your code (SDK)', 'S3', 'EventBridge', 'SNS', 'SQS', 'DynamoDB Streams', 'Kinesis', 'Step Functions']);
  // Each is marked by method in text, not only colour.
  const methods = await page.locator('.ls-svc .ls-badge-text').allTextContents();
  assert.deepEqual([...new Set(methods)].sort(), ['ASYNC', 'POLL', 'SYNC']);
  const t0 = ms(await clock(page));
  await page.waitForTimeout(600);
  const t1 = ms(await clock(page));
  assert.ok(t1 > t0, `the clock moves: ${t0} → ${t1}`);
  assert.equal(await page.locator('.ls-player').getAttribute('data-ls-playing'), 'true');
  // Tokens appear on the canvas while it plays.
  await page.waitForFunction(() => Number(document.querySelector('.ls-tokens').dataset.tokens) > 0, null, { timeout: 10000 });
  await page.screenshot({ path: shot('overview.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('asynchronous failure: three attempts about 1 and 2 minutes apart, then the DLQ', async () => {
  const { page, problems, close } = await open('#scenario=async-retries-dlq');
  await page.locator('.ls-player').focus();
  await page.keyboard.press('End');
  const rows = await log(page);
  const starts = rows.filter(([, s]) => /^Attempt \d of invocation 0 starts/.test(s)).map(([t]) => t);
  const fails = rows.filter(([, s]) => /^Attempt \d of invocation 0 fails/.test(s)).map(([t]) => t);
  assert.equal(starts.length, 3, `three attempts: ${JSON.stringify(rows)}`);
  assert.equal(fails.length, 3);
  // L-ASYNC-ERR: about one minute, then about two minutes, between attempts.
  const gap1 = starts[1] - fails[0], gap2 = starts[2] - fails[1];
  assert.ok(gap1 >= 59_000 && gap1 <= 62_000, `first retry after ${gap1} ms`);
  assert.ok(gap2 >= 119_000 && gap2 <= 122_000, `second retry after ${gap2} ms`);
  const dead = rows.find(([, s]) => /went to/.test(s));
  assert.ok(dead && dead[0] > fails[2], `dead-lettered after the third failure: ${JSON.stringify(dead)}`);
  assert.equal(await page.locator('.ls-node-dlq .ls-count').textContent(), '1');
  // The timeline marks them: three errors, two retries, one dead-lettering.
  assert.equal(await page.locator('.ls-scrubber .ls-mk-error').count(), 3);
  assert.equal(await page.locator('.ls-scrubber .ls-mk-retry').count(), 2);
  assert.equal(await page.locator('.ls-scrubber .ls-mk-dead').count(), 1);
  // The DLQ is empty one event earlier, and the arrival time is the disposal time.
  await page.keyboard.press('ArrowLeft');
  assert.ok(ms(await clock(page)) < dead[0]);
  assert.equal(await page.locator('.ls-node-dlq .ls-count').textContent(), '0');
  // At the second attempt's start, one environment is busy and the clock shows AWS time.
  await page.keyboard.press('Home');
  let guard = 0;
  while (ms(await clock(page)) < starts[1] && guard++ < 200) await page.keyboard.press('ArrowRight');
  assert.equal(ms(await clock(page)), starts[1]);
  assert.equal(await page.locator('.ls-env-busy, .ls-env-init').count(), 1);
  await page.screenshot({ path: shot('async-second-attempt.png') });
  // The idle minute shows as a compressed band labelled with the skipped time.
  const labels = await page.locator('.ls-gaplabel').allTextContents();
  assert.ok(labels.some((l) => /^\+5\d(\.\d+)? s$/.test(l)) && labels.some((l) => /^\+1 min 5\d s$/.test(l)), JSON.stringify(labels));
  assert.deepEqual(problems, []);
  await close();
});

test('scrubbing back and forward shows the same scene for the same time', async () => {
  const { page, problems, close } = await open('#scenario=overview');
  const track = page.locator('.ls-scrubber .ls-track');
  const box = await track.boundingBox();
  const at = (f) => ({ x: box.x + box.width * f, y: box.y + box.height / 2 });
  const click = async (f) => { const p = at(f); await page.mouse.click(p.x, p.y); };
  await click(0.37);
  const first = await sceneFingerprint(page);
  assert.equal(await page.locator('.ls-player').getAttribute('data-ls-playing'), 'false', 'scrubbing pauses');
  await click(0.81);
  const elsewhere = await sceneFingerprint(page);
  assert.notEqual(elsewhere.clock, first.clock);
  // Drag back across the timeline and release at the same spot.
  const a = at(0.9), b = at(0.37);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, a.y, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  const again = await sceneFingerprint(page);
  assert.deepEqual(again, first);
  await page.screenshot({ path: shot('scrubbed.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('injecting a fault forks the run from the current moment', async () => {
  // As written, the first request succeeds.
  const base = await open('#scenario=apigw-happy-path');
  await base.page.locator('.ls-player').focus();
  assert.equal(await firstStatus(base.page), '200');
  assert.deepEqual(base.problems, []);
  await base.close();

  const { page, problems, close } = await open('#scenario=apigw-happy-path&t=10');
  const player = page.locator('.ls-player');
  const before = await log(page);
  await page.getByRole('button', { name: 'Fail next attempt' }).click();
  await expectCount(page, '.ls-branch li', 1);
  await expectCount(page, '.ls-scrubber .ls-mk-input', 1, 'the fork is marked on the timeline');
  assert.equal(await clock(page), '0:00.010', 'the cursor stays where the fault was injected');
  assert.deepEqual((await log(page)).filter(([t]) => t < 10), before.filter(([t]) => t < 10), 'the past is unchanged');
  await player.focus();
  assert.equal(await firstStatus(page), '502', 'the function error reaches the client as 502');
  assert.ok((await log(page)).some(([, s]) => /sees 502/.test(s)), 'and the log says so');
  await page.keyboard.press('End');
  await page.screenshot({ path: shot('forked.png') });
  // Scrub back before the first fault and inject another: the new branch replaces the old one.
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'Throttle 10 s' }).click();
  const branch = await page.locator('.ls-branch li').allTextContents();
  assert.equal(branch.length, 1, JSON.stringify(branch));
  assert.match(branch[0], /throttled/);
  await player.focus();
  assert.equal(await firstStatus(page), '500', 'a throttle reaches the client as 500');
  assert.deepEqual(problems, []);
  await close();
});

test('poisoning the next event fails just that one, from that moment on', async () => {
  const { page, problems, close } = await open('#scenario=apigw-happy-path&t=2500');
  const before = await log(page);
  const button = page.getByRole('button', { name: /^Poison the next event/ });
  const n = (await button.textContent()).match(/#(\d+)\)$/)[1];
  await button.click();
  assert.equal(await clock(page), '0:02.500');
  assert.deepEqual((await log(page)).filter(([t]) => t <= 2500), before.filter(([t]) => t <= 2500), 'the past is unchanged');
  await page.locator('.ls-player').focus();
  // Step to the answer of the poisoned request: the client sees 502 for it...
  for (let i = 0; i < 200 && (await page.locator('.ls-node-caller .ls-status').textContent()) !== '502'; i++) await page.keyboard.press('ArrowRight');
  const errors = (await log(page)).filter(([, s]) => /sees 502/.test(s));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.ok(errors[0][0] > 2500);
  // ... and for no other: one caller-error mark on the whole timeline, later answers are 200.
  assert.equal(await page.locator('.ls-scrubber .ls-mk-caller').count(), 1);
  await page.keyboard.press('End');
  await expectText(page, '.ls-node-caller .ls-status', '200');
  assert.ok((await page.locator('.ls-inject').textContent()).includes(`Poisoned (function.poison_items): event #${n}.`));
  assert.deepEqual(problems, []);
  await close();
});

test('the whole player works by keyboard alone, and only while it has focus', async () => {
  const { page, problems, close } = await open('#scenario=async-retries-dlq');
  const player = page.locator('.ls-player');
  // Keys pressed outside the player do nothing to it.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Space');
  await page.keyboard.press('End');
  assert.equal(await player.getAttribute('data-ls-playing'), 'true');
  // Tab into it.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('ls-player')), true);
  await page.keyboard.press('Space');
  assert.equal(await player.getAttribute('data-ls-playing'), 'false', 'Space pauses');
  await page.keyboard.press('Home');
  assert.equal(await clock(page), '0:00.000');
  await page.keyboard.press('ArrowRight');
  const stepped = ms(await clock(page));
  assert.ok(stepped > 0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  assert.equal(ms(await clock(page)), stepped, '← undoes →');
  const speed0 = await page.locator('.ls-speed b').textContent();
  await page.keyboard.press('+');
  await until(async () => (await page.locator('.ls-speed b').textContent()) !== speed0, 'a faster speed', 5000).catch(() => {});
  assert.notEqual(await page.locator('.ls-speed b').textContent(), speed0);
  await page.keyboard.press('-');
  await expectText(page, '.ls-speed b', speed0);
  await page.keyboard.press('End');
  assert.ok(ms(await clock(page)) > 180_000);
  await page.keyboard.press('?');
  await page.waitForSelector('.ls-help');
  await page.screenshot({ path: shot('help.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.ls-help').count(), 0);
  // Tab to the function box and open it with Enter.
  let guard = 0;
  while (!(await page.evaluate(() => document.activeElement?.dataset?.node === 'function')) && guard++ < 60) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ls-panel h2:text("The Lambda function")');
  // Tab to the timeout field, type an out-of-range value: refused with the reason.
  guard = 0;
  while (!(await page.evaluate(() => document.activeElement?.closest?.('[data-path]')?.dataset.path === 'function.timeout_s')) && guard++ < 80) await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('901');
  await page.keyboard.press('Enter');
  const err = await page.locator('[data-path="function.timeout_s"] .ls-field-error').textContent();
  assert.match(err, /^must be a whole number of seconds from 1 to 900 \(got 901\)/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await expectText(page, '[data-path="function.timeout_s"] .ls-field-error', '');
  await expectText(page, 'select[data-ls="picker"] option:checked', /\(edited\)/);
  await page.screenshot({ path: shot('keyboard-panel.png') });
  await page.keyboard.press('Escape');
  assert.notEqual(await page.locator('.ls-panel h2').textContent(), 'The Lambda function', 'Esc closes the panel');
  assert.deepEqual(problems, []);
  await close();
});

test('usable at 360 px: narrow layout, no sideways scrolling', async () => {
  const { page, problems, close } = await open('#scenario=overview&t=5000', { width: 360, height: 800 });
  assert.equal(await page.locator('.ls-player.ls-narrow').count(), 1);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  const diagram = await page.locator('.ls-diagram').boundingBox();
  assert.ok(diagram.width <= 360 && diagram.width > 300, JSON.stringify(diagram));
  await page.screenshot({ path: shot('narrow-360.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await close();
});

test('reduced motion: starts paused and jumps from event to event', async () => {
  const { page, problems, close } = await open('#scenario=async-retries-dlq', { reducedMotion: 'reduce' });
  const player = page.locator('.ls-player');
  assert.equal(await player.getAttribute('data-ls-playing'), 'false');
  await page.waitForTimeout(300);
  assert.equal(await clock(page), '0:00.000', 'nothing moves by itself');
  await player.focus();
  await page.keyboard.press('End');
  const instants = new Set((await log(page)).map(([t]) => t));
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  const seen = [];
  for (let i = 0; i < 12; i++) { await page.waitForTimeout(120); seen.push(ms(await clock(page))); }
  assert.ok(seen.at(-1) > 0, 'it plays when asked');
  // Every instant shown is an event instant (trace events include the minor ones the log hides,
  // so check against the full log).
  await page.locator('.ls-log .ls-check input').check();
  await page.keyboard.press('End');
  const all = new Set((await log(page)).map(([t]) => t));
  for (const t of seen) assert.ok(t === 0 || all.has(t), `${t} is not an event instant`);
  assert.ok(instants.size > 0);
  assert.deepEqual(problems, []);
  await close();
});

test('dark colour scheme and a polling scenario render', async () => {
  const { page, problems, close } = await open('#scenario=kinesis-poison-blocks-shard&t=3000', { colorScheme: 'dark' });
  const bg = await page.locator('.ls-player').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(bg, 'rgb(21, 21, 26)');
  assert.ok(await page.locator('.ls-node-shard').count() >= 1);
  assert.ok(await page.locator('.ls-node-esm').count() >= 1);
  await page.screenshot({ path: shot('dark-kinesis.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('the player speaks significant events to screen readers, one at a time', async () => {
  const { page, problems, close } = await open();
  // Collect what the polite live region says over 15 s of play (each line is held long enough to
  // be read aloud: about 60 ms a character).
  const said = await page.evaluate(async () => {
    const el = document.querySelector('.ls-player [data-ls="announce"]');
    const lines = [];
    const seen = new Set();
    const t0 = performance.now();
    while (performance.now() - t0 < 15000) {
      const serial = el.dataset.serial;
      if (el.textContent && !seen.has(serial)) { seen.add(serial); lines.push([performance.now() - t0, el.textContent]); }
      await new Promise((r) => setTimeout(r, 50));
    }
    return lines;
  });
  assert.ok(said.length >= 2, `announcements: ${JSON.stringify(said)}`);
  assert.ok(said.every(([, s]) => /invocation|event|Attempt|caller|queue/i.test(s)), JSON.stringify(said));
  // Paced: a screen reader gets time to finish each one.
  for (let i = 1; i < said.length; i++) assert.ok(said[i][0] - said[i - 1][0] >= 1000, `spacing ${JSON.stringify(said)}`);
  assert.deepEqual(problems, []);
  await close();
});

test('a player link followed within the page opens its scenario at its instant', async () => {
  const { page, problems, close } = await open();
  // Typed into the address bar (or followed from a docs page in the same tab): only the fragment
  // changes, so the page does not reload; the player must still take the new request.
  await page.evaluate(() => { location.hash = '#scenario=sqs-happy-path&t=5000'; });
  await page.waitForFunction(() => document.querySelector('select[data-ls="picker"] option:checked')?.value !== undefined
    && document.querySelector('.ls-player .ls-clock')?.textContent.startsWith('0:05.000'));
  assert.match(await page.locator('select[data-ls="picker"] option:checked').textContent(), /SQS/);
  assert.equal(await page.locator('.ls-player').getAttribute('data-ls-playing'), 'false', 'a link to a moment lands paused');
  // And the Explore link goes back to the page's own player.
  await page.locator('.ls-sitenav a:text("Explore")').click();
  await page.waitForFunction(() => !document.querySelector('.ls-player .ls-clock')?.textContent.startsWith('0:05.000'));
  assert.match(await page.locator('select[data-ls="picker"] option:checked').textContent(), /^Three ways to invoke one function$/);
  assert.deepEqual(problems, []);
  await close();
});
