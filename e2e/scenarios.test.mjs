// Issue 16: "an embed fetches only its own scenario". The player's bundle carries the default
// scenario's text alone; every other bundled scenario is a file beside it (dist/scenarios/ID.toml)
// that a player fetches when it opens that one (src/scenarios.rs). The page's loader preloads the
// one its address names, so it arrives beside the bundle (static/embed.js).
//
// * dist/scenarios holds every content/scenarios file as it is; the player's wasm holds the
//   default's text and not another's.
// * The explore page asks for no scenario file; an embed for its own, once (the preload is the
//   request the player's fetch uses: no second request, no "preloaded but not used" warning);
//   the picker for the one picked, once, however often it is picked.
// * A file that cannot be had leaves the player usable and says why: at the start it shows the
//   default, from the picker it keeps the run it had.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { watchConsole, shot, until, DIST, ROOT, startApp, stopApp } from './lib.mjs';

let server, browser;
before(async () => ({ server, browser } = await startApp()));
after(() => stopApp({ server, browser }));

/** Opens `address`, recording each request for a scenario file (its name) and the console. */
async function open(address = '', { width = 412, height = 823, block = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const fetched = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.includes('/scenarios/')) fetched.push(path.basename(p));
  });
  if (block) await page.route(`**/scenarios/${block}`, (route) => route.abort('internetdisconnected'));
  await page.goto(server.url + address);
  await until(() => page.locator('.ls-player[data-ls-at]').count(), 'the live player', 60_000);
  return { page, problems, fetched, close: () => context.close() };
}

const picked = (page) => page.locator('select[data-ls="picker"] option:checked').textContent();
const field = (id, key) => fs.readFileSync(path.join(ROOT, 'content/scenarios', `${id}.toml`), 'utf8').match(new RegExp(`^${key} = "(.*)"$`, 'm'))[1];
const title = (id) => field(id, 'title');
/** Picks `id` in the picker and waits until the player plays it (the select shows a choice at once). */
async function choose(page, id) {
  const value = await page.locator('select[data-ls="picker"] option', { hasText: title(id) }).getAttribute('value');
  await page.locator('select[data-ls="picker"]').selectOption(value);
}
const playing = (page, id) => until(async () => (await page.locator('.ls-summary').textContent()) === field(id, 'summary'), `the player on ${id}`);

test('dist/scenarios holds every bundled scenario as written; the player bundle holds the default alone', () => {
  const sources = fs.readdirSync(path.join(ROOT, 'content/scenarios')).filter((f) => f.endsWith('.toml')).sort();
  const shipped = fs.readdirSync(path.join(DIST, 'scenarios')).filter((f) => f.endsWith('.toml')).sort();
  assert.deepEqual(shipped, sources);
  for (const f of sources) {
    const text = fs.readFileSync(path.join(ROOT, 'content/scenarios', f));
    assert.ok(text.equals(fs.readFileSync(path.join(DIST, 'scenarios', f))), f);
    // Precompressed like every other file, and the same text.
    assert.ok(zlib.gunzipSync(fs.readFileSync(path.join(DIST, 'scenarios', `${f}.gz`))).equals(text), `${f}.gz`);
    assert.ok(zlib.brotliDecompressSync(fs.readFileSync(path.join(DIST, 'scenarios', `${f}.br`))).equals(text), `${f}.br`);
  }
  const wasm = fs.readFileSync(path.join(DIST, 'lambdascope-player_bg.wasm'));
  const summary = (id) => fs.readFileSync(path.join(ROOT, 'content/scenarios', `${id}.toml`), 'utf8').match(/^summary = "(.{60})/m)[1];
  assert.ok(wasm.includes(summary('overview')), 'the default scenario is inside the player');
  for (const id of ['sqs-batch-poison', 'async-retries-dlq', 'stepfunctions-map']) {
    assert.ok(!wasm.includes(summary(id)), `${id}'s text is not inside the player`);
  }
  // The lessons' bundle still plays every scenario at once (its page's goal is met).
  assert.ok(fs.readFileSync(path.join(DIST, 'lambdascope-app_bg.wasm')).includes(summary('sqs-batch-poison')));
});

test('the explore page fetches no scenario; the picker fetches the one picked, once', async () => {
  const { page, problems, fetched, close } = await open();
  assert.equal(await picked(page), title('overview'));
  await page.waitForTimeout(300);
  assert.deepEqual(fetched, [], 'the default is inside the bundle');
  // Every scenario is listed from the first frame on, from the index (nothing read to list it).
  assert.equal(await page.locator('select[data-ls="picker"] option[value]:not([value=""])').count(), fs.readdirSync(path.join(DIST, 'scenarios')).filter((f) => f.endsWith('.toml')).length);
  await choose(page, 'sqs-batch-poison');
  await playing(page, 'sqs-batch-poison');
  assert.equal(await picked(page), title('sqs-batch-poison'));
  // The diagram is that scenario's: its queue and its dead-letter queue.
  await until(() => page.locator('.ls-node[data-node="dlq:orders"]').count(), 'the poison scenario\'s DLQ');
  assert.deepEqual(fetched, ['sqs-batch-poison.toml']);
  await page.locator('[data-ls="play"], button[aria-label^="Play"]').first().click();
  await until(async () => Number(await page.locator('.ls-player').getAttribute('data-ls-at')) > 0, 'the run playing');
  await choose(page, 'overview');
  await playing(page, 'overview');
  await choose(page, 'sqs-batch-poison');
  await playing(page, 'sqs-batch-poison');
  assert.deepEqual(fetched, ['sqs-batch-poison.toml'], 'read once a page');
  await page.screenshot({ path: shot('scenarios-picked-390.png') });
  assert.deepEqual(problems, []);
  await close();
});

test('an embed fetches its own scenario once, preloaded beside the bundle', async () => {
  const { page, problems, fetched, close } = await open('?embed&s=async-retries-dlq');
  await until(async () => (await page.locator('.ls-title').textContent()) === title('async-retries-dlq'), 'the embed\'s title');
  assert.deepEqual(fetched, ['async-retries-dlq.toml']);
  // The preload's request is the one the player used: issued before the bundle ran.
  const [entry] = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('/scenarios/')).map((e) => ({ by: e.initiatorType, start: e.startTime })));
  assert.equal(entry.by, 'link', 'the loader\'s preload');
  await page.waitForTimeout(3500); // Chromium warns 3 s after load about a preload nobody used.
  assert.deepEqual(problems, []);
  await close();
});

test('a scenario file that cannot be had: the player opens the default and says why; the picker keeps the run', async () => {
  {
    const { page, problems, close } = await open('?s=kinesis-bisect', { block: 'kinesis-bisect.toml' });
    await until(() => page.locator('.ls-notice').count(), 'the notice');
    assert.match(await page.locator('.ls-notice').textContent(), /^The scenario `kinesis-bisect` could not be loaded \(http:\/\/\S+\/scenarios\/kinesis-bisect\.toml: Failed to fetch\), showing the default instead\.$/);
    assert.equal(await picked(page), title('overview'));
    // The notice is the run's: the next scenario loaded takes it away.
    await choose(page, 'apigw-happy-path');
    await playing(page, 'apigw-happy-path');
    assert.ok((await page.locator('.ls-notice').allTextContents()).every((t) => !/could not be loaded/.test(t)), 'the opening notice went with its run');
    // The one failed request (the mount's; the player takes its answer, it does not ask again).
    assert.deepEqual(problems.filter((p) => p.startsWith('request failed')), [`request failed: ${server.url}scenarios/kinesis-bisect.toml`]);
    assert.deepEqual(problems.filter((p) => !p.includes('kinesis-bisect.toml') && !p.includes('ERR_INTERNET_DISCONNECTED')), []);
    await close();
  }
  const { page, problems, fetched, close } = await open('', { block: 'sqs-happy-path.toml' });
  await choose(page, 'sqs-happy-path');
  await until(() => page.locator('.ls-notice').count(), 'the notice');
  assert.match(await page.locator('.ls-notice').textContent(), new RegExp(`^The scenario \`sqs-happy-path\` could not be loaded \\(http://\\S+/scenarios/sqs-happy-path\\.toml: Failed to fetch\\)\\. Still showing “${title('overview')}”\\.$`));
  assert.equal(await picked(page), title('overview'), 'the picker shows the run that is playing');
  assert.equal(await page.locator('.ls-summary').textContent(), field('overview', 'summary'));
  assert.deepEqual(fetched, ['sqs-happy-path.toml']);
  // Still usable: it plays, and another scenario loads (and clears the notice).
  await choose(page, 's3-duplicates');
  await playing(page, 's3-duplicates');
  assert.equal(await picked(page), title('s3-duplicates'));
  assert.ok((await page.locator('.ls-notice').allTextContents()).every((t) => !/could not be loaded/.test(t)), 'the notice went with the run');
  await page.screenshot({ path: shot('scenarios-offline-390.png') });
  assert.deepEqual(problems.filter((p) => !p.includes('sqs-happy-path.toml') && !p.includes('ERR_INTERNET_DISCONNECTED')), []);
  await close();
});
