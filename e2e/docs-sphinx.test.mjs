// A real Sphinx site with the Furo theme (issue 14): e2e/fixtures/docs-sphinx built with the
// Sphinx and Furo that scripts/setup installs into target/docs-venv, with the release build in
// _static/lambdascope/ and embed.js added by html_js_files, as the README's recipe says. Players
// come from `.. raw:: html`. Screenshots: target/e2e/docs-sphinx-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, watchConsole, shot, until, ROOT, DIST } from './lib.mjs';
import { DOCS_CSP, recordPage, styled, fitsColumn, darkness, keysStayIn } from './docs-lib.mjs';

const SPHINX = path.join(ROOT, 'target', 'docs-venv', 'bin', 'sphinx-build');
// Furo writes style attributes and a <style> element of its own: its pages need inline styles.
// (The players need none: e2e/docs-mkdocs and e2e/embed check them under `style-src 'self'`.)
const FURO_CSP = DOCS_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

let server, browser, dir, site;
before(async () => {
  assert.ok(fs.existsSync(SPHINX), `${SPHINX} is missing: run scripts/setup`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-sphinx-'));
  const src = path.join(dir, 'src');
  fs.cpSync(path.join(ROOT, 'e2e', 'fixtures', 'docs-sphinx'), src, { recursive: true });
  fs.cpSync(DIST, path.join(src, '_static', 'lambdascope'), { recursive: true });
  site = path.join(dir, 'html');
  execFileSync(SPHINX, ['-q', '-W', '-b', 'html', src, site], { stdio: ['ignore', 'ignore', 'inherit'] });
  server = await serve(site, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': FURO_CSP } : {}));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const players = (page, n) => until(async () => (await page.locator('article .ls-player .ls-stage svg').count()) === n, `${n} players`);

test('a Furo page: players styled, as tall as on a bare page, following the theme toggle, keeping their keys', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchConsole(page);
  await recordPage(page);
  await page.goto(`${server.url}index.html`);
  await page.locator('article a', { hasText: 'Asynchronous invocation' }).click();
  await players(page, 2);
  await page.frameLocator('iframe[data-lambdascope-frame]').locator('.ls-stage svg').waitFor();
  for (const player of [page.locator('article [data-lambdascope]').first(), page.locator('#full')]) await styled(player);
  const fit = await fitsColumn(browser, page, {
    siteDir: site, url: server.url, sel: '#full', attrs: [['data-lambdascope', 'async-retries-dlq'], ['data-autoplay', '0']],
    embed: '_static/lambdascope/embed.js',
  });
  assert.ok(fit.width > 600, `Furo's content column: ${fit.width} px`);
  await page.screenshot({ path: shot('docs-sphinx-light.png'), fullPage: true });
  // Furo's toggle cycles auto → dark → light (on a light system) and sets <body data-theme>.
  const toggle = page.locator('.theme-toggle:visible').first();
  await toggle.click();
  assert.equal(await page.evaluate(() => document.body.dataset.theme), 'dark');
  await until(async () => (await darkness(page)).every((d) => d === true), 'every player dark');
  await page.screenshot({ path: shot('docs-sphinx-dark.png'), fullPage: true });
  await toggle.click();
  assert.equal(await page.evaluate(() => document.body.dataset.theme), 'light');
  await until(async () => (await darkness(page)).every((d) => d === false), 'every player light');
  // Furo's `auto` is no marker: every player follows the system again (light here), the frames
  // too (embed.js tells them `auto`).
  await toggle.click();
  assert.equal(await page.evaluate(() => document.body.dataset.theme), 'auto');
  await until(async () => (await darkness(page)).every((d) => d === false), 'every player on the system theme');
  await keysStayIn(page, page.locator('article [data-lambdascope]').first(), ['ArrowRight', 'ArrowRight', ' ', ' ', 'End', 'Home', 'n']);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a Furo page on a phone: the players fit the screen', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const problems = watchConsole(page);
  await recordPage(page);
  await page.goto(`${server.url}async.html`);
  await page.locator('#full').scrollIntoViewIfNeeded();
  await players(page, 2);
  await styled(page.locator('#full'));
  const rights = await page.locator('article [data-lambdascope]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  for (const r of rights) assert.ok(r <= 390, `a player ends at ${r} px`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no sideways scrolling');
  await page.locator('article [data-lambdascope]').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('docs-sphinx-phone.png') });
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await page.close();
});
