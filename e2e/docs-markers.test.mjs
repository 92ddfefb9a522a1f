// The JavaScript generators' theme markers and single-page navigation (issue 14), on pages that
// mimic them: VitePress (and Tailwind sites) toggle a `dark` class on <html>, Docusaurus sets
// <html data-theme>. Installing either from npm would cost CI more than it tells: what a player
// sees of them is these markers and a content swap. Served under the strict policy of the app's
// own pages. Screenshots: target/e2e/docs-markers-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchConsole, shot, siteWith, until } from './lib.mjs';
import { recordPage, darkness, styled } from './docs-lib.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'";
const page = (title, htmlAttrs, body) => `<!DOCTYPE html>
<html lang="en" ${htmlAttrs}><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title>
<script type="module" src="embed.js"></script></head>
<body><main id="content">${body}</main></body></html>`;
const PLAYERS = `<h1>Queues</h1>
<lambdascope-player id="s" data-lambdascope="sqs-happy-path" data-controls="minimal"></lambdascope-player>
<iframe id="f" data-lambdascope-frame src="index.html?embed&s=apigw-happy-path&controls=minimal" title="lambdascope" width="100%" height="400" frameborder="0"></iframe>`;

let server, browser, site;
before(async () => {
  site = siteWith({
    'vitepress.html': page('VitePress-like', 'class=""', PLAYERS),
    'docusaurus.html': page('Docusaurus-like', 'data-theme="light"', PLAYERS),
  }, 'ls-markers-');
  server = await serve(site.dir, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': CSP } : {}));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  site?.remove();
});

async function open(name) {
  const p = await browser.newPage({ viewport: { width: 1100, height: 1000 }, colorScheme: 'light' });
  const problems = watchConsole(p);
  await recordPage(p);
  await p.goto(`${server.url}${name}`);
  await p.locator('#s .ls-stage svg').waitFor({ timeout: 30_000 });
  await p.frameLocator('#f').locator('.ls-stage svg').waitFor({ timeout: 30_000 });
  return { p, problems };
}
const all = (p, dark, what) => until(async () => (await darkness(p)).every((d) => d === dark), what);

test('VitePress: the dark class on <html> turns the element player and the frame dark, and back', async () => {
  const { p, problems } = await open('vitepress.html');
  await styled(p.locator('#s'));
  assert.deepEqual(await darkness(p), [false, false]);
  await p.evaluate(() => document.documentElement.classList.add('dark'));
  await all(p, true, 'dark');
  await p.screenshot({ path: shot('docs-markers-vitepress-dark.png') });
  await p.evaluate(() => document.documentElement.classList.remove('dark'));
  await all(p, false, 'light again');
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await p.close();
});

test('Docusaurus: html[data-theme] is followed; a route change that keeps the element brings it back at its moment', async () => {
  const { p, problems } = await open('docusaurus.html');
  await p.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await all(p, true, 'dark');
  await p.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
  await all(p, false, 'light');
  // A client-side route change that keeps the page's nodes (a router's cache) and puts the same
  // element back: it is destroyed while away, and shows the same moment when it returns.
  const player = p.locator('#s .ls-player');
  await player.focus();
  for (const k of ['End', 'b']) await p.keyboard.press(k);
  const at = await player.getAttribute('data-ls-at');
  await p.evaluate(() => {
    const main = document.getElementById('content');
    window.__kept = [...main.childNodes];
    main.replaceChildren(Object.assign(document.createElement('h1'), { textContent: 'Another page' }));
  });
  await until(async () => (await p.locator('.ls-player').count()) === 0, 'the player gone');
  assert.equal(await p.evaluate(() => window.__kept[2].shadowRoot.querySelector('.ls-player')), null, 'destroyed, not hidden');
  await p.evaluate(() => document.getElementById('content').replaceChildren(...window.__kept));
  await until(async () => (await p.locator('#s .ls-player').count()) === 1, 'the player back');
  assert.equal(await player.getAttribute('data-ls-at'), at, 'the same moment');
  assert.equal(await player.getAttribute('data-ls-playing'), 'false');
  await p.screenshot({ path: shot('docs-markers-docusaurus.png') });
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(problems, []);
  await p.close();
});
