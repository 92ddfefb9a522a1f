// Shared by the docs-site tests (e2e/docs-*.test.mjs, issue 14): what every one of them checks
// of the players on a generated site.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { until } from './lib.mjs';

/**
 * The policy the docs sites are served with: styles as strict as the app's own (no <style>, no
 * style attributes: the players link their sheet and write positions through the CSSOM), scripts
 * from the site and inline (MkDocs Material and Furo both set the reader's palette with an inline
 * script before the page paints; that is theirs, not ours), WebAssembly allowed.
 */
export const DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'";

/**
 * Before anything of the page runs: records CSP violations (`window.__csp`), counts live
 * intervals (`window.__liveIntervals()`) and keeps the players' WebAssembly memory
 * (`window.__wasmMemory`).
 */
export function recordPage(page) {
  return page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    const live = new Set();
    const set = window.setInterval.bind(window);
    const clear = window.clearInterval.bind(window);
    window.setInterval = (...a) => { const id = set(...a); live.add(id); return id; };
    window.clearInterval = (id) => { live.delete(id); return clear(id); };
    window.__liveIntervals = () => live.size;
    const keep = (result) => {
      const instance = result.instance ?? result;
      if (instance.exports?.memory instanceof WebAssembly.Memory) window.__wasmMemory = instance.exports.memory;
      return result;
    };
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = (...a) => instantiate(...a).then(keep);
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...a) => streaming(...a).then(keep);
  });
}

/** DOM nodes of the page after two garbage collections. */
export async function nodesAfterGc(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(200);
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Memory.getDOMCounters')).nodes;
}

/**
 * The player in `host` (a locator of its element) is drawn with its own stylesheet, whatever the
 * host's rules say: play button at its size, the player's own font and spacing.
 */
export async function styled(host) {
  const looks = await host.locator('.ls-player').evaluate((p) => {
    const cs = getComputedStyle(p);
    const play = p.querySelector('[data-ls=play]').getBoundingClientRect();
    const ul = p.querySelector('.ls-strip ul');
    return {
      play: [Math.round(play.width), Math.round(play.height)], font: cs.fontSize, spacing: cs.letterSpacing,
      strip: ul ? getComputedStyle(ul).display : 'grid', sheet: !!p.getRootNode().querySelector?.('link[data-ls-css]'),
    };
  });
  assert.ok(looks.play[0] >= 30 && looks.play[1] >= 30, `play button ${looks.play} px`);
  assert.deepEqual({ ...looks, play: null }, { play: null, font: '14px', spacing: 'normal', strip: 'grid', sheet: true });
}

/**
 * The player `sel` on `page` (attributes `attrs`) against the same player on a bare page, in a
 * column as wide: its height there and here, within 1.3×. The bare page is written into `siteDir`
 * (served at `url`, the site's copy of dist/ at `embed`): a script makes the player, since the
 * policy allows no inline style.
 */
export async function fitsColumn(browser, page, { siteDir, url, sel, attrs, embed = 'lambdascope/embed.js' }) {
  const full = async (p, s) => {
    await p.locator(`${s} .ls-side .ls-log`).waitFor();
    await p.waitForTimeout(500);
    return p.locator(s).evaluate((e) => e.getBoundingClientRect().toJSON());
  };
  const here = await full(page, sel);
  fs.writeFileSync(path.join(siteDir, 'bare.js'), `const q = new URLSearchParams(location.search);
const main = document.querySelector('main');
main.style.width = q.get('w') + 'px';
const el = document.createElement('div');
el.id = 'bare';
for (const [k, v] of JSON.parse(q.get('attrs'))) el.setAttribute(k, v);
main.append(el);
`);
  fs.writeFileSync(path.join(siteDir, 'bare.html'), `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A bare page</title>
<script src="bare.js" defer></script><script type="module" src="${embed}"></script></head>
<body><main></main></body></html>`);
  const bare = await browser.newPage({ viewport: page.viewportSize() });
  await bare.goto(`${url}bare.html?w=${Math.round(here.width)}&attrs=${encodeURIComponent(JSON.stringify(attrs))}`);
  const there = await full(bare, '#bare');
  await bare.close();
  const ratio = here.height / there.height;
  console.log(`${sel}: ${Math.round(here.width)} px wide, ${Math.round(here.height)} px tall; on a bare page ${Math.round(there.height)} px (${ratio.toFixed(2)}×)`);
  assert.ok(Math.abs(there.width - here.width) < 1, `the same width: ${there.width} vs ${here.width}`);
  assert.ok(ratio <= 1.3, `${Math.round(here.height)} px tall in the docs column, ${Math.round(there.height)} px on a bare page`);
  return { width: Math.round(here.width), height: here.height, bare: there.height };
}

/** Whether each player of the page is dark: the script embeds, then the iframe embeds. */
export async function darkness(page) {
  const own = await page.locator('.ls-player').evaluateAll((ps) => ps.map((p) => p.classList.contains('ls-theme-dark')));
  const frames = [];
  for (let i = 0; i < await page.locator('iframe[data-lambdascope-frame]').count(); i++) {
    frames.push(await page.frameLocator('iframe[data-lambdascope-frame]').nth(i).locator('.ls-player')
      .evaluate((p) => p.classList.contains('ls-theme-dark')));
  }
  return [...own, ...frames];
}

/**
 * Keys pressed in the player of `host` move it and nothing else: no key reaches the host page's
 * listeners, the page does not scroll.
 */
export async function keysStayIn(page, host, keys) {
  await page.evaluate(() => {
    window.__hostKeys = [];
    document.addEventListener('keydown', (e) => window.__hostKeys.push(e.key));
  });
  const player = host.locator('.ls-player');
  await player.focus();
  const y = await page.evaluate(() => window.scrollY);
  const moments = [];
  for (const k of keys) {
    await page.keyboard.press(k);
    moments.push(await player.getAttribute('data-ls-at'));
  }
  assert.ok(new Set(moments).size > 1, `the player moved: ${moments}`);
  assert.deepEqual(await page.evaluate(() => window.__hostKeys), [], 'no key reached the host page');
  assert.equal(await page.evaluate(() => window.scrollY), y, 'the page did not scroll');
  await until(async () => (await player.evaluate((p) => p.getRootNode().activeElement === p)), 'the player keeps the focus', 2000);
}
