// Issue 13, the Import view (`#import`, full app only), against the release build in dist/
// (`scripts/build` first): the sample template plays with its advice beside it, and a
// finding seeks the player to its moment (a what-if finding, on its fork); a pasted, dropped or
// picked template that cannot be read gets its error with its line, as text; a phone gets one
// column; the player-only pages still fetch the player bundle alone.
//
// Served with the app's strict Content-Security-Policy. Every page records CSP violations,
// dialogs and `window.__pwned`; every test fails on page errors, console errors or warnings, or
// failed requests. Screenshots go to target/e2e/ (look at them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watchConsole, shot, ROOT } from './lib.mjs';

const APP_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'";
const SAMPLE = fs.readFileSync(path.join(ROOT, 'crates', 'stack', 'tests', 'templates', 'combined-shop.yaml'), 'utf8');
/** The sample's line (from 1) that is exactly `text`. */
const lineOf = (text) => SAMPLE.split('\n').indexOf(text) + 1;

let app, browser;
before(async () => {
  app = await serve(undefined, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': APP_CSP } : {}));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

function recordViolations() {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
}

async function open(hash, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(app.url + hash);
  return { page, problems, dialogs, close: () => context.close() };
}

async function assertClean({ page, problems, dialogs }) {
  assert.deepEqual(await page.evaluate(() => window.__csp ?? []), [], 'CSP violations');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'an injected script ran');
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(problems, []);
}

// (A page's bundle: its `_bg.wasm`; the player's second module is e2e/split.test.mjs's.)
const wasmFetched = (page) => page.evaluate(() => performance.getEntriesByType('resource')
  .map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('_bg.wasm')));
const player = (page) => page.locator('.ls-import-play .ls-player');
const simMs = async (page) => Number(await page.locator('.ls-import-play .ls-scrubber').getAttribute('aria-valuenow'));
const clock = (page) => page.locator('.ls-import-play .ls-clock').evaluate((e) => e.firstChild.textContent.trim());
const error = (page) => page.locator('[data-ls="import-error"]');

/** Pastes `text` into the template box the way a person does (clipboard, then Ctrl+V). */
async function paste(page, text) {
  await page.locator('[data-ls="template"]').fill('');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.locator('[data-ls="template"]').focus();
  await page.keyboard.press('Control+V');
}

/** Drops a file named `name` holding `body` (or `size` bytes of it) on the view. */
async function drop(page, name, body, size = 0) {
  await page.evaluate(([name, body, size]) => {
    const text = size ? body.repeat(Math.ceil(size / body.length)).slice(0, size) : body;
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'application/yaml' }));
    const target = document.querySelector('.ls-import');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, [name, body, size]);
}

test('the sample plays with its advice beside it; a finding seeks the player to its moment', async () => {
  const s = await open('#import');
  const { page } = s;
  await page.waitForSelector('[data-ls="sample"]');
  assert.match(await page.locator('.ls-private').textContent(), /^Nothing leaves your browser\./);
  assert.deepEqual(await wasmFetched(page), ['/lambdascope-import_bg.wasm'], 'the Import view is a bundle of its own');
  await page.locator('[data-ls="sample"]').click();
  await page.waitForSelector('.ls-import-play .ls-diagram .ls-node');
  // Four functions to pick from; the first plays at once.
  const names = ['FulfilOrder', 'PlaceOrder', 'TrackActivity', 'StoreReceipt'];
  assert.deepEqual(await page.locator('[data-ls="function"] option').allTextContents(),
    names.map((n) => `${n} (line ${lineOf(`  ${n}:`) + 1})`), 'each with the line its definition starts on');
  assert.equal(await player(page).getAttribute('data-ls-playing'), 'true');
  const t0 = await simMs(page);
  await page.waitForFunction((t) => Number(document.querySelector('.ls-import-play .ls-scrubber').getAttribute('aria-valuenow')) > t, t0);
  // The advice: the corpus's golden findings, each naming the template's logical id and line.
  const findings = page.locator('[data-ls="findings"] > li');
  assert.deepEqual(await findings.evaluateAll((li) => li.map((l) => l.dataset.rule)),
    ['sqs-visibility-timeout', 'sqs-batch-without-partial-response', 'sqs-no-redrive-policy']);
  assert.deepEqual(await page.locator('.ls-finding-subject').allTextContents(),
    ['OrdersQueue (line 18)', 'FulfilOrder.Events.Orders (line 39)', 'OrdersQueue (line 18)']);
  // What was not mapped, with the template line it is about (where FilterCriteria's value starts).
  const note = await page.locator('[data-ls="notes"] li').textContent();
  const [, line] = note.match(/^line (\d+) FulfilOrder\.Events\.Orders\.FilterCriteria is not simulated/);
  assert.equal(Number(line), lineOf('            FilterCriteria:') + 1);
  await page.screenshot({ path: shot('import-sample.png'), fullPage: true });

  // Following a finding reopens the player paused at its moment: the clock and the scrubber.
  await findings.nth(2).locator('[data-ls="moment"]').click();
  await page.waitForFunction(() => document.querySelector('.ls-import-play .ls-scrubber')?.getAttribute('aria-valuenow') === '150000');
  assert.equal(await player(page).getAttribute('data-ls-playing'), 'false');
  assert.equal(await clock(page), '2:30.000');
  assert.equal(await findings.nth(2).locator('[data-ls="moment"]').getAttribute('aria-current'), 'true');
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('ls-player')), 'the player has the focus');
  const handle = await page.locator('.ls-import-play .ls-handle').evaluate((e) => e.style.left);
  assert.notEqual(handle, '0%', 'the scrubber moved');
  await findings.nth(0).locator('[data-ls="moment"]').click();
  await page.waitForFunction(() => document.querySelector('.ls-import-play .ls-scrubber')?.getAttribute('aria-valuenow') === '30000');
  assert.equal(await clock(page), '0:30.000');
  // The address carries the scenario (the player keeps it current), still on the Import view.
  let url = new URL(page.url());
  assert.equal(url.hash, '#import');
  assert.ok(url.searchParams.get('z'), 'the scenario is in the address');
  assert.equal(url.searchParams.get('t'), '30000');

  // Another function: its what-if finding opens the fork where the client gets its 504.
  await page.locator('[data-ls="function"]').selectOption({ label: `PlaceOrder (line ${lineOf('  PlaceOrder:') + 1})` });
  await page.waitForSelector('.ls-finding[data-rule="api-timeout-below-function-timeout"]');
  const whatIf = page.locator('.ls-finding [data-ls="moment"]');
  assert.match(await whatIf.textContent(), /^What if: when a request's run lasts to the function's timeout/);
  await whatIf.click();
  await page.waitForFunction(() => document.querySelector('.ls-import-play .ls-scrubber')?.getAttribute('aria-valuenow') === '30040');
  assert.equal(await clock(page), '0:30.040');
  url = new URL(page.url());
  assert.match(url.searchParams.get('in') ?? '', /:timeout$/, 'the fork\'s fault is part of the address');
  await page.screenshot({ path: shot('import-what-if.png'), fullPage: true });
  // The link itself opens that moment in Explore.
  const href = await whatIf.getAttribute('href');
  assert.match(href, /[?&]t=30040(&|$)/);
  assert.match(href, /[?&]in=/);

  // A reload (or the copied address) shows the scenario again, with its advice, at the moment.
  await page.reload();
  await page.waitForSelector('.ls-import-play .ls-diagram .ls-node');
  assert.match(await page.locator('.ls-import-what').textContent(), /^The scenario in this page's address/);
  assert.equal(await clock(page), '0:30.040');
  assert.equal(await page.locator('.ls-finding').count(), 1);
  // From there, another template can still be imported.
  await page.locator('[data-ls="edit"]').click();
  await page.locator('[data-ls="sample"]').click();
  await page.waitForFunction(() => /^combined-shop\.yaml: 4 functions$/.test(document.querySelector('.ls-import-what')?.textContent ?? ''));
  await assertClean(s);
  await s.close();
});

test('bad templates get a clear error with their line; hostile text stays text', async () => {
  const s = await open('#import');
  const { page } = s;
  await page.waitForSelector('[data-ls="template"]');
  // Malformed YAML, pasted: the error names the line and shows it; the line button selects it.
  const bad = 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Timeout: 5\n  Other: [1\n';
  await paste(page, bad);
  await error(page).waitFor();
  const text = await error(page).textContent();
  const [, n] = text.match(/^The template could not be imported\. Line (\d+): not valid YAML or JSON/);
  assert.ok(await error(page).locator('.ls-excerpt').textContent().then((x) => x.endsWith(bad.split('\n')[Number(n) - 1])));
  await error(page).locator('button').click();
  const selected = await page.locator('[data-ls="template"]').evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, bad.split('\n')[Number(n) - 1]);
  await page.screenshot({ path: shot('import-error.png') });
  // Malformed JSON, typed and imported with the button.
  await page.locator('[data-ls="template"]').fill('{\n  "Resources": {\n    "Fn": {"Type": "AWS::Lambda::Function" "x": 1}\n  }\n}\n');
  await page.locator('[data-ls="import"]').click();
  await page.waitForFunction(() => /Line 3: /.test(document.querySelector('[data-ls="import-error"]')?.textContent ?? ''));
  // Deeply nested, no function, not text, too big (a dropped file is not even read).
  await paste(page, `Resources: ${'['.repeat(5000)}`);
  await page.waitForFunction(() => /Line 1: .*nest/i.test(document.querySelector('[data-ls="import-error"]')?.textContent ?? ''));
  await paste(page, 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n');
  await page.waitForFunction(() => /no Lambda function in the template/.test(document.querySelector('[data-ls="import-error"]')?.textContent ?? ''));
  await drop(page, 'huge.yaml', 'Resources: {}\n# padding\n', 3 * 1024 * 1024);
  await page.waitForFunction(() => /huge\.yaml is 3\.0 MB: a template is at most 1 MB/.test(document.querySelector('[data-ls="import-error"]')?.textContent ?? ''));
  await page.locator('[data-ls="file"]').setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) });
  await page.waitForFunction(() => /x\.png is not text/.test(document.querySelector('[data-ls="import-error"]')?.textContent ?? ''));
  // Hostile strings (a file name, a parameter default, a description) are shown as text.
  const hostile = [
    'Description: "<img src=x onerror=window.__pwned=1>"',
    'Parameters:',
    '  Slow:',
    '    Type: Number',
    '    Default: "<script>window.__pwned=2</script>"',
    'Resources:',
    '  Fn:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Timeout: !Ref Slow',
    '      Events:',
    '        Q:',
    '          Type: SQS',
    '          Properties: { Queue: "arn:aws:sqs:us-east-1:1:<b>q</b>" }',
    '',
  ].join('\n');
  await drop(page, '<img src=y onerror=window.__pwned=3>.yaml', hostile);
  await page.waitForSelector('[data-ls="import-result"]');
  assert.match(await page.locator('.ls-import-what').textContent(), /^<img src=y onerror=window\.__pwned=3>\.yaml: 1 function$/);
  const notes = await page.locator('[data-ls="notes"]').textContent();
  assert.match(notes, /<script>window\.__pwned=2<\/script>/);
  assert.equal(await page.locator('.ls-import img, .ls-import script, .ls-import-bar b, .ls-advice b').count(), 0, 'no markup from the template');
  await page.screenshot({ path: shot('import-hostile.png'), fullPage: true });
  // A file that reads fine replaces it (the file picker).
  await page.locator('[data-ls="edit"]').click();
  await page.locator('[data-ls="file"]').setInputFiles({ name: 'shop.yaml', mimeType: 'application/yaml', buffer: Buffer.from(SAMPLE) });
  await page.waitForFunction(() => /^shop\.yaml: 4 functions$/.test(document.querySelector('.ls-import-what')?.textContent ?? ''));
  await assertClean(s);
  await s.close();
});

test('on a phone (390 px) the advice is below the player and nothing scrolls sideways', async () => {
  const s = await open('#import', { width: 390, height: 844 });
  const { page } = s;
  await page.waitForSelector('[data-ls="sample"]');
  await page.screenshot({ path: shot('import-phone-empty.png'), fullPage: true });
  await page.locator('[data-ls="sample"]').click();
  await page.waitForSelector('.ls-import-play .ls-diagram .ls-node');
  await page.waitForSelector('.ls-import-play .ls-player.ls-narrow');
  const box = async (sel) => page.locator(sel).first().boundingBox();
  const [play, advice] = [await box('.ls-import-play'), await box('.ls-advice')];
  assert.ok(advice.y >= play.y + play.height - 1, 'the advice is below the player');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: shot('import-phone.png'), fullPage: true });
  // A finding down the page brings the player, at its moment, back into view.
  await page.locator('[data-ls="moment"]').nth(1).scrollIntoViewIfNeeded();
  await page.locator('[data-ls="moment"]').nth(1).click();
  await page.waitForFunction(() => document.querySelector('.ls-import-play .ls-scrubber')?.getAttribute('aria-valuenow') === '30000');
  const top = await page.locator('.ls-import-play .ls-player').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(top > -5 && top < 844, `the player is in view (top ${top})`);
  await page.screenshot({ path: shot('import-phone-moment.png') });
  await assertClean(s);
  await s.close();
});

test('the player-only pages fetch the player bundle; the way into the Import view loads its own bundle, and back', async () => {
  const s = await open('');
  const { page } = s;
  await page.waitForSelector('.ls-diagram .ls-node');
  assert.deepEqual(await wasmFetched(page), ['/lambdascope-player_bg.wasm']);
  // The player bundle has no Import view: its link reloads the page, and the loader fetches the
  // Import view's bundle.
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.locator('.ls-sitenav a:text("Your stack")').click();
  await page.waitForSelector('[data-ls="sample"]');
  assert.deepEqual(wasm, ['/lambdascope-import_bg.wasm']);
  // And its way into the lessons loads the full app (which has no Import view either).
  wasm.length = 0;
  await page.locator('.ls-sitenav a:text("Lessons")').click();
  await page.waitForSelector('.ls-course, .ls-lesson');
  assert.deepEqual(wasm, ['/lambdascope-app_bg.wasm']);
  // An embed page (`?embed`) stays on the player bundle.
  const e = await open('?embed&s=overview');
  await e.page.waitForSelector('.ls-diagram .ls-node');
  assert.deepEqual(await wasmFetched(e.page), ['/lambdascope-player_bg.wasm']);
  await assertClean(e);
  await e.close();
  // The reload can cut short the browser's own favicon fetch (net::ERR_ABORTED): not the app's.
  s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !/^request failed: .*\/favicon\.svg$/.test(p)));
  await assertClean(s);
  await s.close();
});
