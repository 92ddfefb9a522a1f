// The lessons and the comparison (issue 5), end to end against the release build in dist/
// (`scripts/build` first). Every test also fails on any page error, console error or
// warning, or failed request. Screenshots go to target/e2e/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { watchConsole, shot, until, startApp, stopApp, expectText } from './lib.mjs';

let server, browser;
before(async () => ({ server, browser } = await startApp()));
after(() => stopApp({ server, browser }));

/** A fresh page (fresh local storage) at `hash`. */
async function open(hash, { width = 1440, height = 1000, ...ctx } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, ...ctx });
  const page = await context.newPage();
  const problems = watchConsole(page);
  // Record every announcement of the live region, with the time it was made.
  await page.addInitScript(() => {
    window.__said = [];
    new MutationObserver(() => {
      const el = document.querySelector('[data-ls="announce"]');
      if (el && el.textContent && window.__said.at(-1)?.text !== el.textContent) window.__said.push({ text: el.textContent, at: performance.now() });
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(server.url + hash);
  return { page, context, problems, close: () => context.close() };
}

const lesson = (page) => page.locator('.ls-lesson');
const phase = (page) => lesson(page).getAttribute('data-ls-phase');
const beat = async (page) => Number(await lesson(page).getAttribute('data-ls-beat'));
const clock = (page) => page.locator('.ls-lesson .ls-clock').textContent();
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { tag: a?.tagName.toLowerCase(), ls: a?.dataset?.ls ?? null, type: a?.getAttribute('type') ?? null, text: a?.textContent?.trim() ?? '' };
});
/** Presses Tab until `pred(focused)` holds; fails after `max` presses. */
async function tabTo(page, pred, { max = 60, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (pred(await focused(page))) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`focus never reached the target; it is on ${JSON.stringify(await focused(page))}`);
}
async function untilPhase(page, want, timeout = 30000) {
  await page.waitForFunction((w) => document.querySelector('.ls-lesson')?.dataset.lsPhase === w, want, { timeout });
}

test('chapter 5 by keyboard alone: predict wrong, retry, predict right, finish, transcript', async () => {
  const { page, problems, close } = await open('#lessons');
  await page.waitForSelector('.ls-lesson');
  // A newcomer lands on chapter 1, asked a question before anything plays.
  assert.equal(await page.locator('.ls-chapters [aria-current="page"]').getAttribute('data-lesson'), 'three-ways');
  assert.equal(await phase(page), 'ask');
  // Keyboard only from here on: Tab to chapter 5 in the chapter list and open it.
  await page.evaluate(() => document.activeElement?.blur());
  await tabTo(page, (f) => f.text.startsWith('5') && f.text.includes('Asynchronous'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('.ls-lesson[data-ls-beat="1"] .ls-kicker:text("Chapter 5")');
  assert.equal(await phase(page), 'ready', 'beat 1 has no question: it waits for the learner');
  assert.equal(await clock(page), '0:00.000');
  // Tab into the lesson: Continue (Enter) plays beat 1.
  await tabTo(page, (f) => f.ls === 'continue');
  await page.keyboard.press('Enter');
  assert.equal(await phase(page), 'playing');
  await untilPhase(page, 'done');
  // → at a beat's end goes on. Beats 2 and 3 show two failed attempts.
  for (let b = 2; b <= 3; b++) {
    await page.keyboard.press('ArrowRight');
    assert.equal(await beat(page), b);
    assert.equal(await phase(page), 'playing');
    await untilPhase(page, 'done');
  }
  // Back a beat lands paused at its start; → plays it; R replays the current beat.
  const endOf3 = await clock(page);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await beat(page), 2);
  assert.equal(await phase(page), 'ready');
  assert.equal(await lesson(page).getAttribute('data-ls-playing'), 'false');
  assert.equal(await clock(page), '0:01.040', 'beat 2 starts where beat 1 was reached');
  await page.keyboard.press('ArrowRight');
  assert.equal(await phase(page), 'playing');
  await untilPhase(page, 'done');
  await page.keyboard.press('ArrowRight');
  await untilPhase(page, 'done');
  assert.equal(await clock(page), endOf3);
  await page.keyboard.press('r');
  assert.equal(await phase(page), 'playing');
  assert.ok((await clock(page)) < endOf3, 'replay starts the beat over');
  await untilPhase(page, 'done');
  assert.equal(await clock(page), endOf3, 'and stops where the beat is reached, every time');
  // Beat 4 asks, after two failed attempts, how many runs there will be in all — before it plays.
  await page.keyboard.press('ArrowRight');
  assert.equal(await beat(page), 4);
  assert.equal(await phase(page), 'ask');
  assert.equal(await clock(page), endOf3, 'nothing of beat 4 has played before the prediction');
  // The question has the focus: a number.
  let f = await focused(page);
  assert.deepEqual([f.tag, f.type], ['input', 'number']);
  await page.screenshot({ path: shot('lesson-question.png') });
  await page.keyboard.type('4');
  await page.keyboard.press('Enter');
  assert.equal(await phase(page), 'playing', 'the beat plays after the answer');
  // The focus stays in the lesson (on Continue), so the lesson's keys keep working.
  assert.equal((await focused(page)).ls, 'continue');
  // From the opening 0.5×: 1×, 2×, 5×.
  for (let i = 0; i < 3; i++) await page.keyboard.press('+');
  await expectText(page, '.ls-lesson .ls-speed-val', '5×');
  await untilPhase(page, 'done');
  assert.match(await clock(page), /^3:04\./, 'revealed once attempt 3 has failed');
  const wrong = await page.locator('[data-ls="feedback"]').textContent();
  assert.match(wrong, /Not quite\. You said 4; the simulation says 3\./);
  assert.match(wrong, /Three: the first attempt and two retries/);
  assert.match(wrong, /L-ASYNC-ERR/);
  await page.screenshot({ path: shot('lesson-wrong.png') });
  // Try again, by keyboard: back to the question at the beat's start.
  await tabTo(page, (f) => f.ls === 'retry', { back: true });
  await page.keyboard.press('Enter');
  assert.equal(await phase(page), 'ask');
  assert.equal(await clock(page), endOf3);
  f = await focused(page);
  assert.equal(f.type, 'number');
  await page.keyboard.type('3');
  await page.keyboard.press('Enter');
  await untilPhase(page, 'done');
  assert.match(await page.locator('[data-ls="feedback"]').textContent(), /^✓ Right: 3\./);
  await page.screenshot({ path: shot('lesson-right.png') });
  // Beat 5 asks where the event ends up: radio buttons, chosen with the keyboard.
  await page.keyboard.press('ArrowRight');
  assert.equal(await beat(page), 5);
  assert.equal(await phase(page), 'ask');
  f = await focused(page);
  assert.equal(f.type, 'radio');
  await page.keyboard.press('ArrowDown'); // "Nowhere: it was dropped"
  await page.keyboard.press('Enter');
  await untilPhase(page, 'done');
  assert.match(await page.locator('[data-ls="feedback"]').textContent(), /Not quite\. You said Nowhere: it was dropped; the simulation says The SQS dead-letter queue\./);
  await tabTo(page, (f) => f.ls === 'retry', { back: true });
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).type, 'radio');
  await page.keyboard.press('Space'); // the first choice, which has the focus
  await page.keyboard.press('Enter');
  await untilPhase(page, 'done');
  assert.match(await page.locator('[data-ls="feedback"]').textContent(), /Right: The SQS dead-letter queue/);
  assert.match(await page.locator('.ls-done').textContent(), /You finished chapter 5/);
  assert.equal(await page.locator('[data-ls="continue"]').getAttribute('aria-disabled'), 'true');
  assert.equal(await page.locator('.ls-chapters [data-lesson="async-retries"] .ls-ch-done').count(), 1, 'marked finished');
  assert.equal(await clock(page), '3:04.100', 'the event reached the DLQ at 3:04.100');
  assert.equal(await page.locator('.ls-lesson .ls-node-dlq .ls-count').textContent(), '1');
  await page.screenshot({ path: shot('lesson-finished.png') });

  // The transcript: T shows it; it says what happened, beat by beat, with both tries.
  await page.keyboard.press('t');
  const tx = await page.locator('[data-ls="transcript"]').textContent();
  for (const want of ['Beat 1', 'You answered 4: not right.', 'You answered 3: right.', 'Attempt 1 of invocation 0 fails', 'Attempt 3 of invocation 0 fails',
    'Lambda will retry invocation 0 in', 'You answered Nowhere: it was dropped: not right.', 'You answered The SQS dead-letter queue: right.']) {
    assert.ok(tx.includes(want), `the transcript says "${want}"`);
  }
  await page.locator('[data-ls="transcript"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('lesson-transcript.png') });
  // Downloaded as Markdown (keyboard: Tab to the button).
  await tabTo(page, (f) => f.ls === 'download');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(download.suggestedFilename(), 'lambdascope-async-retries.md');
  const md = fs.readFileSync(await download.path(), 'utf8');
  assert.match(md, /^# Chapter 5: Asynchronous: two retries, then the dead-letter queue/);
  assert.match(md, /## Beat 5 of 5/);
  assert.match(md, /\| 3:04\.100 \| Invocation 0 failed \(RetriesExhausted, 3 handler runs\) and went to sqs:parse-invoice-dlq\. \|/);
  assert.match(md, /- You answered 4: not right\.\n- You answered 3: right\./);
  // The address bar is a deep link to where the learner is.
  assert.ok(page.url().endsWith('#lesson=async-retries&beat=5'), page.url());
  assert.deepEqual(problems, []);
  await close();
});

test('progress is kept: a reload resumes at the lesson and beat, paused', async () => {
  const { page, context, problems, close } = await open('#lessons');
  await page.waitForSelector('.ls-lesson');
  await page.locator('[data-ls="question"] button:text("Just play it")').click();
  assert.equal(await phase(page), 'playing');
  await page.locator('.ls-lesson').focus();
  // → while a beat plays skips to its end; → at its end goes on.
  for (const [b, ph] of [[1, 'done'], [2, 'playing'], [2, 'done'], [3, 'playing'], [3, 'done'], [4, 'ask']]) {
    await page.keyboard.press('ArrowRight');
    // The key is handled in the page's next task; read the state once it has settled.
    await until(async () => (await beat(page)) === b && (await phase(page)) === ph, `beat ${b} ${ph}`, 1_000)
      .catch(() => {});
    assert.deepEqual([await beat(page), await phase(page)], [b, ph]);
  }
  // Reload: chapter 1, beat 4, asking, nothing moving.
  await page.reload();
  await page.waitForSelector('.ls-lesson');
  assert.equal(await beat(page), 4);
  assert.equal(await phase(page), 'ask');
  assert.equal(await lesson(page).getAttribute('data-ls-playing'), 'false');
  // The lessons page opened afresh in another tab (same browser profile) resumes there too.
  const again = await context.newPage();
  const problems2 = watchConsole(again);
  await again.goto(server.url + '#lessons');
  await again.waitForSelector('.ls-lesson');
  assert.equal(await beat(again), 4);
  assert.equal(await phase(again), 'ask');
  assert.match(await again.locator('[data-ls="narration"]').textContent(), /^A poller takes the event from the queue/);
  // The explore page offers to continue there.
  const other = await context.newPage();
  const problems3 = watchConsole(other);
  await other.goto(server.url);
  await other.waitForSelector('.ls-player .ls-start a');
  assert.match(await other.locator('.ls-start a').textContent(), /continue chapter 1, Three ways to invoke a function, at beat 4/);
  assert.equal(await other.locator('.ls-start a').getAttribute('href'), 'lessons.html#lesson=three-ways&beat=4');
  await again.close();
  await other.close();
  assert.deepEqual([...problems2, ...problems3], []);
  // A reload can cut short the browser's own favicon fetch (net::ERR_ABORTED): not the app's.
  assert.deepEqual(problems.filter((p) => !/^request failed: .*\/favicon\.svg$/.test(p)), []);
  await close();
});

test('a deep link lands paused on its beat; explore freely hands over the same run at the same moment', async () => {
  const { page, problems, close } = await open('#lesson=async-retries&beat=3');
  await page.waitForSelector('.ls-lesson');
  assert.equal(await beat(page), 3);
  assert.equal(await phase(page), 'ready');
  assert.equal(await lesson(page).getAttribute('data-ls-playing'), 'false');
  assert.match(await page.locator('[data-ls="narration"]').textContent(), /^Attempt 2, a minute later, fails too\./);
  const at = await clock(page);
  assert.equal(at, '0:02.380', 'beat 3 starts when attempt 1 has failed');
  await page.waitForTimeout(400);
  assert.equal(await clock(page), at, 'nothing moves by itself');
  await page.screenshot({ path: shot('lesson-deeplink.png') });
  // Explore freely from here: the explore page (its own bundle), the full player paused at the
  // same instant of the same run.
  // (Which bundle a page loads: its `_bg.wasm`. The player's second module, `_bg.secondary.wasm`,
  // fetched when a page is idle or touched, is e2e/split.test.mjs's.)
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.locator('[data-ls="explore"]').click();
  await page.waitForSelector('.ls-player .ls-controls');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(wasm, ['/lambdascope-player_bg.wasm']);
  assert.equal(await page.locator('.ls-player').getAttribute('data-ls-playing'), 'false');
  assert.ok((await page.locator('.ls-player .ls-clock').textContent()).startsWith(at));
  assert.equal(await page.locator('select[data-ls="picker"] option:checked').textContent(), 'Asynchronous: three attempts, then the dead-letter queue');
  await page.screenshot({ path: shot('lesson-explore.png') });
  // The address bar is now the share link of this run at this instant (it still names the lesson).
  const exploring = new URL(page.url());
  assert.equal(exploring.hash, '');
  assert.match(exploring.search, /^\?s=async-retries-dlq&/);
  assert.match(exploring.search, /&t=2380(&|$)/);
  assert.match(exploring.search, /lesson=async-retries/);
  await page.locator('[data-ls="back-to-lesson"]').click();
  await page.waitForSelector('.ls-lesson');
  assert.equal(await beat(page), 3);
  assert.equal(await clock(page), at);
  assert.equal(page.url(), server.url + 'lessons.html#lesson=async-retries&beat=3', 'back to a clean lesson link');
  // The exploring URL opens the player at that instant, with its way back.
  await page.goto(exploring.href);
  await page.waitForSelector('.ls-player .ls-controls');
  assert.ok((await page.locator('.ls-player .ls-clock').textContent()).startsWith(at));
  assert.equal(await page.locator('[data-ls="back-to-lesson"]').getAttribute('href'), 'lessons.html#lesson=async-retries&beat=3');
  // A share link naming no lesson, or one that does not exist, has no way back to one.
  for (const q of ['?s=async-retries-dlq&t=2380', '?s=async-retries-dlq&lesson=no-such-lesson&beat=2', '?s=async-retries-dlq&lesson=async-retries&beat=99']) {
    await page.goto(server.url + q);
    await page.waitForSelector('.ls-player .ls-controls');
    assert.equal(await page.locator('[data-ls="back-to-lesson"]').count(), 0, q);
    assert.equal(await page.locator('.ls-player .ls-start').count(), 1, q);
  }
  // A link to a lesson that does not exist says so and opens chapter 1.
  await page.goto(server.url + '#lesson=no-such-lesson&beat=2');
  await page.waitForSelector('.ls-course .ls-notice');
  assert.match(await page.locator('.ls-course .ls-notice').textContent(), /no lesson `no-such-lesson`/);
  assert.deepEqual(problems, []);
  await close();
});

test('the live region reads the beat, then the events, one at a time and not too fast', async () => {
  const { page, problems, close } = await open('#lesson=async-retries&beat=2');
  await page.waitForSelector('.ls-lesson');
  await page.locator('.ls-lesson').focus();
  await page.keyboard.press('ArrowRight'); // play beat 2 (attempt 1 fails, a retry is scheduled)
  await untilPhase(page, 'done');
  // Let the queue drain: each line is held about 60 ms a character.
  await page.waitForFunction(() => window.__said.some((s) => s.text.startsWith('End of beat 2')), null, { timeout: 60000 });
  const said = await page.evaluate(() => window.__said);
  const texts = said.map((s) => s.text);
  assert.equal(texts[0], 'Beat 2 of 5. The function cannot parse this invoice. Attempt 1 fails, and the event goes back to the queue to wait about a minute.');
  assert.ok(texts.some((t) => /^Attempt 1 of invocation 0 fails/.test(t)), JSON.stringify(texts));
  assert.ok(texts.some((t) => /^Lambda will retry invocation 0 in /.test(t)), JSON.stringify(texts));
  assert.ok(texts.includes('End of beat 2. Continue when you are ready.'), JSON.stringify(texts));
  for (let i = 1; i < said.length; i++) {
    assert.ok(said[i].at - said[i - 1].at >= 1400, `"${said[i].text}" came ${said[i].at - said[i - 1].at} ms after the one before`);
  }
  assert.deepEqual(problems, []);
  await close();
});

test('comparison: one fault, three methods, one clock, and the table', async () => {
  const { page, problems, close } = await open('#compare');
  await page.waitForSelector('.ls-compare .ls-lane .ls-diagram');
  assert.deepEqual(await page.locator('.ls-lane h3').allTextContents(), ['Synchronous · API Gateway', 'Asynchronous · S3', 'Polling · SQS']);
  // One clock: every lane's diagram shows the same instant.
  await page.locator('.ls-compare').focus();
  await page.keyboard.press('Space');
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  const instants = await page.locator('.ls-lane .ls-diagram').evaluateAll((ds) => ds.map((d) => d.dataset.at));
  assert.equal(new Set(instants).size, 1, JSON.stringify(instants));
  const row = async (name) => page.locator(`.ls-summary-table tr:has(th:text("${name}")) td`).allTextContents();
  assert.deepEqual(await row('What the caller saw'), ['502 ×6', '202 Accepted ×6 at hand-off; never the outcome', 'nobody waits: 6 messages queued']);
  assert.deepEqual(await row('Handler runs'), ['6', '18', '6']);
  // Choose the poison record by keyboard (radio buttons), and the table follows.
  await page.locator('input[name^="ls-fault"][value="function-error"]').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.ls-compare').dataset.fault === 'poison');
  assert.ok(page.url().endsWith('#compare=poison'));
  assert.deepEqual(await row('What the caller saw'), ['200 ×5, 502 ×1', '202 Accepted ×6 at hand-off; never the outcome', 'nobody waits: 6 messages queued']);
  const ended = await row('Where the events ended');
  assert.match(ended[0], /5 succeeded.*1 error 502 to the caller/);
  assert.match(ended[1], /5 succeeded.*1 in the DLQ \(sqs:failed-events\)/);
  assert.match(ended[2], /3 in the queue's DLQ \(jobs-dlq\).*3 processed, deleted from the queue/, 'the poison message took its batch with it');
  await page.locator('.ls-compare').focus();
  await page.keyboard.press('End');
  await page.screenshot({ path: shot('compare-poison.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await close();
});

test('narrow screens: lessons and comparison fit 360 px without sideways scrolling', async () => {
  for (const hash of ['#lesson=three-ways&beat=2', '#compare=throttle']) {
    const { page, problems, close } = await open(hash, { width: 360, height: 800 });
    await page.waitForSelector('.ls-diagram .ls-node');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${hash} scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: shot(`narrow-${hash.slice(1, 8)}.png`), fullPage: true });
    assert.deepEqual(problems, []);
    await close();
  }
});

test('the explore page loads the player-only bundle; its way into the lessons loads the full app on the lessons page', async () => {
  const { page, problems, close } = await open('');
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) wasm.push(new URL(r.url()).pathname); });
  // (Requests made before the listener: read them from the resource timing list.)
  await page.waitForSelector('.ls-diagram .ls-node');
  const before = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('_bg.wasm')));
  assert.deepEqual(before, ['/lambdascope-player_bg.wasm'], 'the explore page downloads the player alone');
  // "Start with chapter 1" goes to the lessons page (the player bundle has no lessons), which
  // loads the full app; it opens the lesson at its first beat.
  await page.locator('.ls-start a').click();
  await page.waitForSelector('.ls-lesson .ls-diagram .ls-node');
  assert.equal(new URL(page.url()).pathname, '/lessons.html');
  assert.equal(await beat(page), 1);
  assert.deepEqual(wasm, ['/lambdascope-app_bg.wasm']);
  // The comparison is its own page and bundle; the lessons page's bundle does not carry it.
  await page.locator('.ls-sitenav a:text("Compare")').click();
  await page.waitForSelector('.ls-compare');
  assert.equal(new URL(page.url()).pathname, '/compare.html');
  assert.deepEqual(wasm, ['/lambdascope-app_bg.wasm', '/lambdascope-compare_bg.wasm']);
  // Explore is the explore page again, with its own bundle.
  await page.locator('.ls-sitenav a:text("Explore")').click();
  await page.waitForSelector('.ls-player .ls-start a');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(wasm, ['/lambdascope-app_bg.wasm', '/lambdascope-compare_bg.wasm', '/lambdascope-player_bg.wasm']);
  // The reload can cut short the browser's own favicon fetch (net::ERR_ABORTED): not the app's.
  assert.deepEqual(problems.filter((p) => !/^request failed: .*\/favicon\.svg$/.test(p)), []);
  await close();
});
