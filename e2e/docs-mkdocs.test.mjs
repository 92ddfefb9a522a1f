// A real MkDocs Material site (issue 14): e2e/fixtures/docs-mkdocs built with the MkDocs and
// Material that scripts/setup installs into target/docs-venv, with the release build in
// docs/lambdascope/ and embed.js added as the README's recipe says. Navigated by clicking, with
// Material's instant navigation (it replaces the page's <head> and content without a reload).
// Screenshots: target/e2e/docs-mkdocs-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, watchConsole, shot, until, ROOT, DIST } from './lib.mjs';
import { DOCS_CSP, recordPage, styled, fitsColumn, darkness, keysStayIn, nodesAfterGc } from './docs-lib.mjs';

const MKDOCS = path.join(ROOT, 'target', 'docs-venv', 'bin', 'mkdocs');

let server, browser, dir, site;
before(async () => {
  assert.ok(fs.existsSync(MKDOCS), `${MKDOCS} is missing: run scripts/setup`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-mkdocs-'));
  fs.cpSync(path.join(ROOT, 'e2e', 'fixtures', 'docs-mkdocs'), dir, { recursive: true });
  fs.cpSync(DIST, path.join(dir, 'docs', 'lambdascope'), { recursive: true });
  site = path.join(dir, 'site');
  fs.mkdirSync(site);
  server = await serve(site, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': DOCS_CSP } : {}));
  // Instant navigation follows only the links of the sitemap, which carries site_url's host and port.
  execFileSync(MKDOCS, ['build', '--quiet', '--strict', '--site-dir', site], {
    cwd: dir, env: { ...process.env, LS_SITE_URL: server.url, NO_MKDOCS_2_WARNING: '1' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Clicks the navigation entry `name` and waits for `players` players (and frames) to draw. */
async function go(page, name, players) {
  await page.locator('.md-sidebar--primary .md-nav__link', { hasText: name }).first().click();
  await page.locator('h1', { hasText: { Home: 'Invocation models', Asynchronous: 'Asynchronous', Queues: 'Queues' }[name] }).waitFor();
  await until(async () => (await page.locator('article .ls-player .ls-stage svg').count()) === players, `${players} players on ${name}`);
}

test('players reached by instant navigation are styled, fit the column, follow the palette and keep their keys', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchConsole(page);
  await recordPage(page);
  await page.goto(`${server.url}index.html`);
  await page.evaluate(() => { window.__sameDocument = true; });
  await go(page, 'Asynchronous', 2);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'instant navigation: no page load');
  const frame = page.frameLocator('iframe[data-lambdascope-frame]');
  await frame.locator('.ls-stage svg').waitFor();
  // Styled after the click: the play buttons have their size, the strip is a grid of ten.
  for (const player of [page.locator('article [data-lambdascope]').first(), page.locator('#full')]) await styled(player);
  assert.equal(await page.locator('#full .ls-svc').count(), 10);
  // Nothing hangs on <head> (Material replaced it): each player links its sheet in its shadow root.
  assert.equal(await page.locator('head link[href*="lambdascope.css"]').count(), 0);
  // A full-controls player in Material's 688 px column is as tall as on a bare page that wide.
  const fit = await fitsColumn(browser, page, {
    siteDir: site, url: server.url, sel: '#full', attrs: [['data-lambdascope', 'async-retries-dlq'], ['data-autoplay', '0']],
  });
  assert.equal(fit.width, 688, "Material's content column");
  await page.screenshot({ path: shot('docs-mkdocs-light.png'), fullPage: true });
  // The reader flips Material's palette: script players and the frame follow, and back.
  await page.locator('form[data-md-component=palette] label:visible').click();
  await until(async () => (await darkness(page)).every((d) => d === true), 'every player dark');
  assert.equal(await page.evaluate(() => document.body.dataset.mdColorScheme), 'slate');
  await page.screenshot({ path: shot('docs-mkdocs-dark.png'), fullPage: true });
  await page.locator('form[data-md-component=palette] label:visible').click();
  await until(async () => (await darkness(page)).every((d) => d === false), 'every player light again');
  // `n` is Material's "next page" key and the player's "next event": in the player it is the player's.
  await keysStayIn(page, page.locator('article [data-lambdascope]').first(), ['n', 'ArrowRight', ' ', ' ', 'End', 'Home', 'b']);
  assert.match(page.url(), /async\.html$/, 'the page did not turn');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('five round trips by instant navigation leave the DOM, intervals and memory as they were; a player comes back at its moment', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = watchConsole(page);
  await recordPage(page);
  await page.goto(`${server.url}index.html`);
  const cdp = await page.context().newCDPSession(page);
  const measure = async () => {
    const nodes = await nodesAfterGc(page, cdp);
    return {
      nodes,
      heap: (await cdp.send('Runtime.getHeapUsage')).usedSize,
      wasm: await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0),
      intervals: await page.evaluate(() => window.__liveIntervals()),
    };
  };
  // Once there and back first: the WebAssembly and Material's own caches are loaded.
  await go(page, 'Asynchronous', 2);
  await go(page, 'Queues', 2);
  await go(page, 'Home', 0);
  const baseline = await measure();
  const rounds = [];
  for (let i = 0; i < 5; i++) {
    await go(page, 'Asynchronous', 2);
    await page.waitForTimeout(300);
    await go(page, 'Queues', 2);
    await page.waitForTimeout(300);
    await go(page, 'Home', 0);
    rounds.push(await measure());
  }
  const last = rounds.at(-1);
  console.log('baseline', baseline, 'after each round trip', rounds);
  assert.ok(last.nodes - baseline.nodes < 100, `DOM nodes ${last.nodes}, baseline ${baseline.nodes}`);
  assert.equal(last.intervals, baseline.intervals, 'no interval outlives its player');
  assert.ok(last.heap - baseline.heap < 2_000_000, `JS heap ${last.heap} B, baseline ${baseline.heap} B`);
  assert.ok(last.wasm <= rounds[0].wasm, `WebAssembly memory grows no more after the first round trip: ${rounds.map((r) => r.wasm)}`);
  // A player left at a moment shows that moment again when the reader comes back (Back).
  await go(page, 'Queues', 2);
  const first = page.locator('article [data-lambdascope]').first();
  await first.locator('.ls-player').focus();
  for (const k of ['End', 'b', 'b']) await page.keyboard.press(k);
  const at = await first.locator('.ls-player').getAttribute('data-ls-at');
  assert.notEqual(at, '0');
  await go(page, 'Home', 0);
  await page.goBack();
  await until(async () => (await page.locator('article .ls-player .ls-stage svg').count()) === 2, 'the players back');
  assert.equal(await first.locator('.ls-player').getAttribute('data-ls-at'), at, 'the same moment');
  assert.equal(await first.locator('.ls-player').getAttribute('data-ls-playing'), 'false', 'paused there');
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('on a phone the players fit the screen', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const problems = watchConsole(page);
  await recordPage(page);
  await page.goto(`${server.url}async.html`);
  await page.locator('#full').scrollIntoViewIfNeeded();
  await until(async () => (await page.locator('article .ls-player .ls-stage svg').count()) === 2, 'two players');
  await styled(page.locator('#full'));
  const widths = await page.locator('article [data-lambdascope]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  for (const w of widths) assert.ok(w <= 390, `a player ends at ${w} px`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no sideways scrolling');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot('docs-mkdocs-phone.png'), fullPage: true });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});
