// Issue 16: one page per bundle, each preloading its own bundle's wasm in its <head> so the
// download starts with the page's first round trip (scripts/pages.mjs writes lessons.html,
// compare.html and import.html from index.html; static/embed.js forwards an address to its view's page).
//
// * Each page names its bundle and preloads exactly that bundle's glue and wasm; the page then
//   fetches that one wasm once (the preload is what the loader uses: no second request, no
//   "preloaded but not used" warning) and no other bundle's.
// * A bare lessons.html / import.html opens its view; lessons.html carries the `#lessons` still
//   (visible with JavaScript off, and before the wasm arrives).
// * Older addresses (index.html#lessons, #lesson=…, #compare, #import, ?lesson=… in the query)
//   are forwarded to the right page with their parameters, and draw there (a lesson's "explore
//   from here" link too: the explore view is the player page's alone).
// * The site navigation links each view on its own page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { watchConsole, shot, until, DIST, startApp, stopApp } from './lib.mjs';

let server, browser;
before(async () => ({ server, browser } = await startApp()));
after(() => stopApp({ server, browser }));

const BUNDLES = { 'index.html': 'lambdascope-player', 'lessons.html': 'lambdascope-app', 'compare.html': 'lambdascope-compare', 'import.html': 'lambdascope-import' };

/** Opens `address` (relative to the app), recording every request for a .wasm and the console. */
async function open(address, { javaScript = true, holdWasm = false, width = 412, height = 823 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: javaScript });
  const page = await context.newPage();
  const problems = watchConsole(page);
  // (A page's bundle: its `_bg.wasm`; the player's second module is e2e/split.test.mjs's.)
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) wasm.push(path.basename(new URL(r.url()).pathname)); });
  let release;
  if (holdWasm) {
    const held = new Promise((r) => { release = r; });
    await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  }
  await page.goto(server.url + address);
  return { page, problems, wasm, release, close: () => context.close() };
}

const live = (page) => until(() => page.locator('[data-lambdascope-mounted]').count(), 'the live page', 60_000);
const here = (page) => page.evaluate(() => location.pathname.replace(/^\//, '') + location.search + location.hash);

for (const [file, bundle] of Object.entries(BUNDLES)) {
  test(`${file} names and preloads its own bundle, ${bundle}, and nothing else`, () => {
    const html = fs.readFileSync(path.join(DIST, file), 'utf8');
    assert.match(html, new RegExp(`<meta name="lambdascope-bundle" content="${bundle}"`));
    const preloads = [...html.matchAll(/<link rel="(?:modulepreload|preload)"[^>]*href="\.\/([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(preloads.sort(), [`${bundle}.js`, `${bundle}_bg.wasm`]);
    // A preload the loader's fetch() can reuse: same mode (CORS, same-origin credentials).
    assert.match(html, new RegExp(`<link rel="preload" href="\\./${bundle}_bg\\.wasm" as="fetch" type="application/wasm" crossorigin`));
  });
}

for (const [address, bundle, lands] of [
  ['', 'lambdascope-player', /^(\?s=overview.*)?$/],
  ['?embed&s=async-retries-dlq', 'lambdascope-player', /^\?embed&s=async-retries-dlq$/],
  ['lessons.html', 'lambdascope-app', /^lessons\.html#lesson=three-ways&beat=1$/],
  ['compare.html', 'lambdascope-compare', /^compare\.html#compare$/],
  ['compare.html#compare=timeout', 'lambdascope-compare', /^compare\.html#compare=timeout$/],
  ['import.html', 'lambdascope-import', /^import\.html#import$/],
]) {
  test(`${address || 'index.html'} downloads ${bundle}'s wasm once, from its preload, and no other`, async () => {
    const { page, problems, wasm, close } = await open(address);
    await live(page);
    await page.waitForTimeout(3500);   // Chromium warns of an unused preload a few seconds after load
    assert.deepEqual(wasm, [`${bundle}_bg.wasm`]);
    assert.match(await here(page), lands);
    assert.deepEqual(problems, []);
    await close();
  });
}

test('the lessons page shows its still with JavaScript off and before the wasm arrives, then goes live', async () => {
  {
    const { page, close } = await open('lessons.html', { javaScript: false });
    // (Drawn at each width the lessons page has; the stylesheet shows the one that fits.)
    const still = page.locator('.ls-prerendered .ls-app').filter({ visible: true });
    assert.equal(await still.count(), 1, 'one lessons still on screen');
    assert.match(await still.innerText(), /Three ways to invoke a function/);
    await close();
  }
  const { page, problems, release, close } = await open('lessons.html', { holdWasm: true });
  await page.waitForTimeout(500);
  assert.equal(await here(page), 'lessons.html#lessons');
  assert.equal(await page.locator('.ls-prerendered .ls-app').filter({ visible: true }).count(), 1, 'the still is on screen while the wasm is held back');
  await page.screenshot({ path: shot('pages-lessons-still.png') });
  release();
  await live(page);
  await until(async () => (await page.locator('.ls-prerendered').count()) === 0, 'the still to be replaced');
  assert.match(await page.locator('.ls-lesson').first().innerText(), /Three ways to invoke a function/);
  assert.deepEqual(problems, []);
  await close();
});

for (const [old, to, shows, kept] of [
  ['#lessons', 'lessons.html', '.ls-lesson', 'lesson'],
  ['#lesson=async-retries&beat=2', 'lessons.html', '.ls-lesson', 'lesson=async-retries&beat=2'],
  ['?lesson=async-retries&beat=2', 'lessons.html', '.ls-lesson', 'lesson=async-retries&beat=2'],
  ['#compare=poison', 'compare.html', '.ls-compare', 'compare=poison'],
  ['lessons.html#compare=poison', 'compare.html', '.ls-compare', 'compare=poison'],
  ['#import', 'import.html', '.ls-import', 'import'],
  ['import.html#s=sqs-happy-path', '', '.ls-player .ls-scrubber', 's=sqs-happy-path'],
  ['lessons.html#s=sqs-happy-path&lesson=sqs&beat=1', '', '.ls-player .ls-scrubber', 's=sqs-happy-path'],
  ['lessons.html?s=sqs-happy-path&lesson=sqs&beat=1', '', '[data-ls="back-to-lesson"]', 'lesson=sqs&beat=1'],
  // The loader reads an address as the app does (a rule that disagreed reloaded forever, or drew
  // nothing): an embed is the player's wherever `embed` is; `compare` wins over `import`, as in
  // route(); a fragment's leading `?` is trimmed; a query of only a campaign's parameters keeps
  // its page's own view.
  ['?embed#compare', '', '.ls-player .ls-diagram .ls-node', 'embed'],
  ['compare.html#import&compare', 'compare.html', '.ls-compare', 'import&compare'],
  ['lessons.html#?lesson=async-retries', 'lessons.html', '.ls-lesson', 'lesson=async-retries'],
  ['compare.html?utm_source=feed', 'compare.html', '.ls-compare', 'utm_source=feed#compare'],
  ['lessons.html?fbclid=x1', 'lessons.html', '.ls-lesson', 'fbclid=x1#lesson'],
]) {
  test(`${old} is drawn on ${to || 'index.html'}, with its parameters`, async () => {
    const { page, problems, wasm, close } = await open(old);
    await live(page);
    await until(() => page.locator(shows).count(), shows);
    const at = await here(page);
    assert.equal(at.split(/[#?]/)[0], to, `${old} → ${at}`);
    assert.ok(at.includes(kept), `${old} → ${at} keeps ${kept}`);
    // The page it was drawn on loaded its own bundle (a forwarded address's first page may have
    // started its preload before leaving; the view is drawn by the second's).
    assert.equal(wasm.at(-1), `${BUNDLES[to || 'index.html']}_bg.wasm`);
    assert.deepEqual(problems, []);
    await close();
  });
}

test('the site navigation links each view on its own page, and following it loads that page', async () => {
  const { page, problems, wasm, close } = await open('', { width: 1280, height: 900 });
  await live(page);
  const links = () => page.locator('.ls-sitenav a').evaluateAll((as) => as.map((a) => `${a.textContent} ${a.getAttribute('href')}`));
  assert.deepEqual(await links(), ['Explore #', 'Lessons lessons.html#lessons', 'Compare compare.html#compare', 'Your stack import.html#import']);
  await page.locator('.ls-sitenav a', { hasText: 'Lessons' }).click();
  await page.waitForURL(/lessons\.html#lessons$/);
  await live(page);
  await until(() => page.locator('.ls-lesson').count(), 'the lesson');
  assert.deepEqual(await links(), ['Explore ./', 'Lessons #lessons', 'Compare compare.html#compare', 'Your stack import.html#import']);
  // The comparison is a page (and a bundle) of its own.
  await page.locator('.ls-sitenav a', { hasText: 'Compare' }).click();
  await page.waitForURL(/compare\.html#compare$/);
  await live(page);
  await until(() => page.locator('.ls-compare').count(), 'the comparison');
  assert.deepEqual(await links(), ['Explore ./', 'Lessons lessons.html#lessons', 'Compare #compare', 'Your stack import.html#import']);
  assert.deepEqual(wasm, ['lambdascope-player_bg.wasm', 'lambdascope-app_bg.wasm', 'lambdascope-compare_bg.wasm']);
  assert.deepEqual(problems, []);
  await close();
});
