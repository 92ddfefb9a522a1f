// Embedding, share links, export and untrusted input (issue 6), against the release build in dist/.
//
// Two servers, two origins, as on the web: the app (dist/, served with a strict
// Content-Security-Policy and CORS for its module scripts) and a "docs site" serving the host pages
// in e2e/fixtures/ (`{{APP}}` in them becomes the app's address). Every page records CSP
// violations, dialogs and `window.__pwned`; every test fails on page errors, console errors or
// warnings, or failed requests. Screenshots: target/e2e/embed-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, watchConsole, shot, until, ROOT, DIST } from './lib.mjs';

/**
 * The app's own policy: scripts only from itself (no inline script), WebAssembly allowed, no
 * <style> elements and no style attributes. (The player positions its timeline marks and sizes
 * its stage through the CSSOM, which CSP does not govern; with style attributes this policy
 * refused 11 of them and drew every mark at 0.)
 */
const APP_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'";
/** A docs site's policy that admits the app's loader from the app's origin and nothing inline. */
const hostCsp = (app) => `default-src 'self'; script-src 'self' ${app} 'wasm-unsafe-eval'; style-src 'self' ${app}; `
  + `connect-src 'self' ${app}; frame-src ${app}; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'`;

let app, host, browser, hostDir;
before(async () => {
  app = await serve(DIST, (file) => ({
    'Access-Control-Allow-Origin': '*',
    ...(file.endsWith('.html') ? { 'Content-Security-Policy': APP_CSP } : {}),
  }));
  const appOrigin = app.url.replace(/\/$/, '');
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-host-'));
  // (The host pages; the docs-site sources in subdirectories are the docs-*.test.mjs files'.)
  for (const f of fs.readdirSync(path.join(ROOT, 'e2e', 'fixtures')).filter((f) => path.extname(f))) {
    const text = fs.readFileSync(path.join(ROOT, 'e2e', 'fixtures', f), 'utf8');
    fs.writeFileSync(path.join(hostDir, f), text.replaceAll('{{APP}}', app.url));
  }
  // The release build, copied into a subdirectory of the docs site (relative asset URLs).
  fs.cpSync(DIST, path.join(hostDir, 'lambdascope'), { recursive: true });
  host = await serve(hostDir, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': hostCsp(appOrigin) } : {}));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
  if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
});

/** In every document (frames too): CSP violations, and a flag an injected script would set. */
function recordViolations() {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
}

async function open(url, { width = 1280, height = 900, ...ctx } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...ctx });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(url);
  return { page, problems, dialogs, context, close: () => context.close() };
}

/** Every document of the page (the page and its frames): no CSP violation, nothing injected ran. */
async function assertClean(page, problems, dialogs) {
  for (const f of page.frames()) {
    assert.deepEqual(await f.evaluate(() => window.__csp ?? []), [], `CSP violations in ${f.url()}`);
    assert.equal(await f.evaluate(() => window.__pwned), undefined, `injected script ran in ${f.url()}`);
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(problems, []);
}

const clock = (loc) => loc.locator('.ls-clock').evaluate((e) => e.firstChild.textContent.trim());
const playing = (loc) => loc.locator('.ls-player').getAttribute('data-ls-playing');
// Players on host pages live in shadow roots: Playwright's locators look inside them,
// document.querySelector does not.
const ready = (page, sel, n = 1) => until(async () => (await page.locator(`${sel} .ls-diagram .ls-node`).count()) > 0
  && (await page.locator(`${sel} .ls-player`).count()) === n, `${n} players in ${sel}`);
const playingIs = (loc, value) => until(async () => (await playing(loc)) === value, `data-ls-playing=${value}`);

async function download(page, button) {
  // The buttons live in the Share & export menu: open it first.
  await button.evaluate((b) => { const d = b.closest('details'); if (d) d.open = true; });
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

/** Opens a player's Share & export menu and copies the link; returns the text in the field. */
async function copyLink(player) {
  const details = player.locator('details.ls-share');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  await player.locator('[data-ls=copy-link]').click();
  await player.locator('[data-ls=share-status]').filter({ hasText: /copied|did not allow/ }).waitFor();
  return player.locator('[data-ls=share-text]').inputValue();
}

/** Everything a viewer sees of one moment: clock, boxes, tokens, log and injected faults. */
async function moment(player) {
  // (A host page's player is in its element's shadow root.)
  return player.evaluate((host, root = host.shadowRoot ?? host) => ({
    clock: root.querySelector('.ls-clock').textContent,
    playing: root.querySelector('.ls-player').dataset.lsPlaying,
    boxes: [...root.querySelectorAll('.ls-diagram .ls-node')].map((n) => n.getAttribute('class') + '|' + n.textContent).join('\n'),
    tokens: root.querySelector('.ls-tokens').dataset.tokens,
    pixels: root.querySelector('.ls-tokens').toDataURL(),
    log: [...root.querySelectorAll('.ls-log-row')].map((r) => r.textContent),
    faults: [...root.querySelectorAll('.ls-branch li')].map((r) => r.textContent),
  }));
}

test('three script embeds on one docs page run independently and leave the host page alone', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'three.html');
  await ready(page, '[data-lambdascope]', 3);
  const [a, b, c] = ['#a', '#b', '#c'].map((s) => page.locator(s));
  assert.equal(await a.locator('.ls-title').textContent(), 'API Gateway: request, cold start, warm reuse');
  assert.match(await b.locator('.ls-title').textContent(), /^Asynchronous/);
  assert.match(await c.locator('.ls-title').textContent(), /SQS/);
  // A: data-autoplay="0" → paused at the start. B: data-at → paused at 1:02.000. C: dark theme.
  assert.equal(await playing(a), 'false');
  assert.equal(await clock(a), '0:00.000');
  assert.equal(await playing(b), 'false');
  assert.equal(await clock(b), '1:02.000');
  assert.ok(await c.locator('.ls-player.ls-theme-dark').count());
  assert.ok(await a.locator('.ls-player.ls-theme-light').count());
  // Minimal controls: transport and timeline, no picker, service strip or side panel.
  for (const p of [a, b, c]) {
    assert.equal(await p.locator('.ls-controls').count(), 1);
    assert.equal(await p.locator('.ls-strip, .ls-side, select[data-ls=picker]').count(), 0);
  }
  // Each player has its own ids: three arrowhead markers, no duplicates.
  const ids = await page.locator('.ls-player [id]').evaluateAll((els) => els.map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
  // The host's styles are untouched, and host rules do not restyle the players' buttons.
  const looks = await page.evaluate(() => {
    const cs = (sel, p) => getComputedStyle(document.querySelector(sel))[p];
    return { font: cs('body', 'fontFamily'), ink: cs('body', 'color'), h1: cs('h1', 'color'), p: cs('#intro', 'marginTop'),
      bodyMargin: cs('body', 'marginTop'), box: cs('#intro', 'boxSizing') };
  });
  looks.btn = await page.locator('#a .ls-btn').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.deepEqual(looks, { font: 'Georgia, serif', ink: 'rgb(10, 20, 30)', h1: 'rgb(120, 0, 0)', p: '12px', bodyMargin: '24px', box: 'content-box', btn: 'rgb(255, 255, 255)' });
  await page.screenshot({ path: shot('embed-three.png'), fullPage: false });
  // A docs site that adds an element later (client-side navigation) gets a fourth player.
  await page.evaluate(() => {
    const el = document.createElement('div');
    el.id = 'd';
    el.dataset.lambdascope = 'kinesis-happy-path';
    el.dataset.controls = 'none';
    document.getElementById('intro').after(el);
  });
  await ready(page, '[data-lambdascope]', 4);
  assert.match(await page.locator('#d .ls-title').textContent(), /Kinesis/);
  await assertClean(page, problems, dialogs);
  await close();
});

test('under prefers-reduced-motion an embed never starts by itself, even when scrolled into view', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'three.html', { height: 600, reducedMotion: 'reduce' });
  await ready(page, '[data-lambdascope]', 3);
  await page.locator('#c').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  for (const id of ['#a', '#b', '#c']) assert.equal(await playing(page.locator(id)), 'false', id);
  assert.equal(await clock(page.locator('#c')), '0:00.000');
  // Asked to, it plays: event by event.
  await page.locator('#c .ls-player').focus();
  await page.keyboard.press(' ');
  await until(async () => (await clock(page.locator('#c'))) !== '0:00.000', 'C to move');
  await assertClean(page, problems, dialogs);
  await close();
});

test('every rule of the player stylesheet is scoped to lambdascope classes', () => {
  const css = fs.readFileSync(path.join(DIST, 'lambdascope.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const selectors = [];
  let depth = 0; let buf = ''; const stack = [];
  for (const ch of css) {
    if (ch === '{') { stack.push(buf.trim()); if (!buf.trim().startsWith('@') && !stack.slice(0, -1).some((s) => s.startsWith('@keyframes'))) selectors.push(buf.trim()); buf = ''; depth++; }
    else if (ch === '}') { stack.pop(); depth--; buf = ''; }
    else if (ch === ';') buf = '';
    else buf += ch;
  }
  assert.ok(selectors.length > 100, `parsed ${selectors.length} rules`);
  const unscoped = selectors.flatMap((s) => s.split(',')).map((s) => s.trim())
    // Each selector must start at a lambdascope element: an `ls-` class, the app's own page, or
    // the host of a player's shadow root (`:host` matches nothing else).
    .filter((s) => !/^(\.ls-[\w-]+|body\.ls-page\b|body\s*>\s*\.ls-crash$|:host$)/.test(s));
  assert.deepEqual(unscoped, []);
});

test('keys pressed in one player move only that player; the host page neither scrolls nor sees them', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'three.html', { height: 700 });
  await ready(page, '[data-lambdascope]', 3);
  await page.evaluate(() => {
    window.__hostKeys = [];
    document.addEventListener('keydown', (e) => window.__hostKeys.push(e.key));
    window.scrollTo(0, 120);
  });
  const [a, b] = [page.locator('#a'), page.locator('#b')];
  const before = { y: await page.evaluate(() => window.scrollY), b: await clock(b), c: await moment(page.locator('#c')) };
  await a.locator('.ls-player').focus();
  for (const k of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'End', 'Home', 'ArrowRight', 'ArrowRight', ' ', ' ', 'ArrowLeft']) await page.keyboard.press(k);
  assert.notEqual(await clock(a), '0:00.000', 'A stepped');
  assert.equal(await playing(a), 'false', 'Space twice: playing, then paused again');
  assert.equal(await clock(b), before.b, 'B did not move');
  const c = await moment(page.locator('#c'));
  assert.equal(c.clock, before.c.clock, 'C did not move');
  assert.equal(await page.evaluate(() => window.scrollY), before.y, 'the host did not scroll');
  assert.deepEqual(await page.evaluate(() => window.__hostKeys), [], 'no handled key reached the host page');
  // Now B has the keys, and A stays where it is.
  const aNow = await clock(a);
  await b.locator('.ls-player').focus();
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await clock(b), before.b);
  assert.equal(await clock(a), aNow);
  // A key the player does not use still belongs to the host (Tab moves focus, PageDown scrolls).
  await page.keyboard.press('PageDown');
  assert.deepEqual(await page.evaluate(() => window.__hostKeys), ['PageDown']);
  await assertClean(page, problems, dialogs);
  await close();
});

test('an embedded player pauses while off-screen or in a hidden tab and resumes when seen again', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'three.html', { height: 600 });
  await ready(page, '[data-lambdascope]', 3);
  const c = page.locator('#c');
  // C starts below the fold: it waits.
  await playingIs(c, 'false');
  const t0 = await clock(c);
  await page.waitForTimeout(400);
  assert.equal(await clock(c), t0, 'off-screen: the clock stands still');
  await c.scrollIntoViewIfNeeded();
  await playingIs(c, 'true');
  await page.waitForTimeout(300);
  assert.notEqual(await clock(c), t0, 'on screen: it plays');
  // A hidden tab (emulated: Playwright's headless tabs are always visible).
  const setHidden = (hidden) => page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await setHidden(true);
  await playingIs(c, 'false');
  await setHidden(false);
  await playingIs(c, 'true');
  // Scrolled away again: paused again. A player the user paused stays paused when seen.
  await page.evaluate(() => window.scrollTo(0, 0));
  await playingIs(c, 'false');
  await c.scrollIntoViewIfNeeded();
  await playingIs(c, 'true');
  await c.locator('.ls-player').focus();
  await page.keyboard.press(' ');
  assert.equal(await playing(c), 'false');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(200);
  await c.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  assert.equal(await playing(c), 'false', 'the user paused it: it stays paused');
  await assertClean(page, problems, dialogs);
  await close();
});

test('iframe embeds post their height to the host, get sized by embed.js, and honour controls and theme', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.addInitScript(recordViolations);
  // The host records every message with the frame it came from.
  await context.addInitScript(() => {
    if (window !== window.top) return;
    window.__msgs = [];
    addEventListener('message', (e) => {
      const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source);
      window.__msgs.push({ from: frame ? frame.id : null, data: e.data });
    });
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(host.url + 'iframes.html');
  const resizes = (id) => page.evaluate((id) => window.__msgs.filter((m) => m.from === id && m.data.type === 'lambdascope:resize').map((m) => m.data), id);
  await page.waitForFunction(() => ['f1', 'f2'].every((id) => window.__msgs.some((m) => m.from === id && m.data.height > 250)), null, { timeout: 20000 });
  const f1 = page.frameLocator('#f1');
  const f2 = page.frameLocator('#f2');
  await f1.locator('.ls-diagram .ls-node').first().waitFor();
  // embed.js set each frame to the height its player reported.
  const settled = async (id) => {
    await page.waitForFunction((id) => {
      const m = window.__msgs.filter((x) => x.from === id && x.data.type === 'lambdascope:resize');
      const last = m[m.length - 1];
      return last && Math.abs(document.getElementById(id).getBoundingClientRect().height - 2 - last.data.height) < 1.5;
    }, id);
    const r = await resizes(id);
    return r[r.length - 1].height;
  };
  const h1 = await settled('f1');
  const inner = await f1.locator('html').evaluate((h) => Math.ceil(h.getBoundingClientRect().height));
  assert.equal(h1, inner, 'the reported height is the document height');
  for (const m of await resizes('f1')) assert.deepEqual(Object.keys(m).sort(), ['height', 'type', 'width']);
  // f1: ?embed → minimal controls, paused at the link's instant, no page background.
  assert.equal(await clock(f1.locator('body')), '1:02.000');
  assert.equal(await f1.locator('.ls-player').getAttribute('data-ls-playing'), 'false');
  assert.equal(await f1.locator('.ls-controls').count(), 1);
  assert.equal(await f1.locator('.ls-strip, .ls-side').count(), 0);
  assert.equal(await f1.locator('body').evaluate((b) => b.className), 'ls-page ls-embed');
  assert.equal(await f1.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgba(0, 0, 0, 0)');
  // f2: controls=none, theme=dark.
  assert.equal(await f2.locator('.ls-controls, .ls-scrubber, details.ls-share').count(), 0);
  assert.equal(await f2.locator('.ls-player.ls-theme-dark').count(), 1);
  const h2 = await settled('f2');
  assert.ok(h2 < h1, `a diagram-only embed is shorter: ${h2} vs ${h1}`);
  // Content grows (the Share menu opens): a new height is posted and the frame follows.
  await f1.locator('details.ls-share summary').click();
  await page.waitForFunction((h) => window.__msgs.some((m) => m.from === 'f1' && m.data.height > h), h1);
  assert.ok((await settled('f1')) > h1);
  // The host switches the theme live.
  await page.evaluate(() => document.getElementById('f2').contentWindow.postMessage({ type: 'lambdascope:theme', theme: 'light' }, '*'));
  await f2.locator('.ls-player.ls-theme-light').waitFor();
  // f3 is far below the fold: it waits, and plays once scrolled into view.
  const f3 = page.frameLocator('#f3');
  await f3.locator('.ls-diagram .ls-node').first().waitFor();
  await page.waitForTimeout(300);
  assert.equal(await f3.locator('.ls-player').getAttribute('data-ls-playing'), 'false');
  await page.locator('#f3').scrollIntoViewIfNeeded();
  await f3.locator('.ls-player[data-ls-playing=true]').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot('embed-iframes.png') });
  await assertClean(page, problems, dialogs);
  await context.close();
});

const INLINE = `format_version = 1
id = "my-own"
title = "My own scenario: two requests"
[function]
duration = { distribution = "fixed", ms = 200 }
[[sources]]
kind = "api_gateway"
id = "api"
[[workload]]
source = "api"
repeat = 2
every_ms = 700
`;

test('a share link lands paused at the same moment, with the same faults, log and trace', async () => {
  const ctx = { permissions: ['clipboard-read', 'clipboard-write'] };
  const first = await open(app.url + '?s=async-retries-dlq&seed=5', ctx);
  await ready(first.page, 'body');
  const player = first.page.locator('.ls-root');
  await player.locator('.ls-player').focus();
  await first.page.keyboard.press('Home');
  for (let i = 0; i < 6; i++) await first.page.keyboard.press('ArrowRight');
  await player.locator('.ls-fault', { hasText: 'Throttle 10 s' }).click();
  for (let i = 0; i < 9; i++) await first.page.keyboard.press('ArrowRight');
  await player.locator('.ls-chip', { hasText: 'ASYNC' }).click();
  const link = await copyLink(player);
  assert.match(await player.locator('[data-ls=share-status]').textContent(), /Link copied/);
  assert.equal(await first.page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?s=async-retries-dlq&seed=5&t=\d+&in=\d+:throttle\.10000&speed=0\.5&filter=asynchronous$/);
  const was = await moment(player);
  assert.equal(was.faults.length, 1);
  const json1 = JSON.parse((await download(first.page, player.locator('[data-ls=export-json]'))).text);

  const second = await open(link, ctx);
  await ready(second.page, 'body');
  const again = second.page.locator('.ls-root');
  const now = await moment(again);
  assert.equal(now.playing, 'false', 'a link to a moment lands paused');
  assert.deepEqual(now, was, 'same clock, boxes, tokens, log and faults');
  assert.equal(await again.locator('.ls-chip.ls-on').textContent(), await player.locator('.ls-chip.ls-on').textContent(), 'same method filter');
  const json2 = JSON.parse((await download(second.page, again.locator('[data-ls=export-json]'))).text);
  assert.deepEqual(json2.trace, json1.trace, 'the same trace, event for event');
  assert.deepEqual([json2.seed, json2.inputs, json2.at], [json1.seed, json1.inputs, json1.at]);
  assert.equal(await copyLink(again), link, 'and the same link again');
  await assertClean(first.page, first.problems, first.dialogs);
  await assertClean(second.page, second.problems, second.dialogs);
  await first.close();
  await second.close();

  // An inline scenario travels inside the link (deflated in `z`) and round-trips too.
  const third = await open(app.url + '#toml=' + encodeURIComponent(INLINE) + '&t=900', ctx);
  await ready(third.page, 'body');
  const inline = third.page.locator('.ls-root');
  const zlink = await copyLink(inline);
  assert.match(zlink, /\?z=[\w-]+&seed=1&t=900&speed=0\.5$/);
  const before = await moment(inline);
  const fourth = await open(zlink, ctx);
  await ready(fourth.page, 'body');
  assert.deepEqual(await moment(fourth.page.locator('.ls-root')), before);
  assert.match(await fourth.page.locator('select[data-ls=picker]').evaluate((s) => s.selectedOptions[0].textContent), /My own scenario: two requests \(inline\)/);
  await assertClean(third.page, third.problems, third.dialogs);
  await assertClean(fourth.page, fourth.problems, fourth.dialogs);
  await third.close();
  await fourth.close();
});

test('when the clipboard refuses, the link is left selected in a visible field', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(app.url + '?s=overview&t=5000');
  await ready(page, 'body');
  const player = page.locator('.ls-root');
  const text = await copyLink(player);
  assert.match(await player.locator('[data-ls=share-status]').textContent(), /did not allow copying/);
  const sel = await page.evaluate(() => {
    const t = document.activeElement;
    return { tag: t.tagName, all: t.selectionStart === 0 && t.selectionEnd === t.value.length, visible: t.getBoundingClientRect().height > 0 };
  });
  assert.deepEqual(sel, { tag: 'TEXTAREA', all: true, visible: true });
  assert.match(text, /\?s=overview&seed=1&t=5000&speed=0\.5$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('exports: the trace as JSON, the frame as a standalone SVG that renders as an image, the transcript as Markdown', async () => {
  const { page, problems, dialogs, close } = await open(app.url + '?s=async-retries-dlq&t=62420&in=500:fail');
  await ready(page, 'body');
  const player = page.locator('.ls-root');
  await player.locator('details.ls-share summary').click();
  const json = await download(page, player.locator('[data-ls=export-json]'));
  assert.equal(json.name, 'lambdascope-async-retries-dlq-seed1-t62420.json');
  const doc = JSON.parse(json.text);
  assert.equal(doc.format_version, 1);
  assert.equal(doc.link, 's=async-retries-dlq&seed=1&t=62420&in=500:fail&speed=0.5');
  assert.ok(doc.trace.length > 10 && doc.trace.every((e) => typeof e.at === 'number' && typeof e.kind === 'string'));
  assert.ok(doc.trace.some((e) => e.kind === 'input_applied'));

  const md = await download(page, player.locator('[data-ls=export-md]'));
  assert.equal(md.name, 'lambdascope-async-retries-dlq-seed1-t62420.md');
  assert.match(md.text, /^# Asynchronous/);
  assert.match(md.text, /\| time \| what happens \|/);
  assert.match(md.text, /- at 500 ms: the next attempt fails/);
  assert.match(md.text, /\[Replay this run in lambdascope\]\(http:\/\/127\.0\.0\.1:\d+\/\?s=async-retries-dlq&seed=1&t=62420&in=500:fail&speed=0\.5\)/);

  const svg = await download(page, player.locator('[data-ls=export-svg]'));
  assert.equal(svg.name, 'lambdascope-async-retries-dlq-seed1-t62420.svg');
  assert.match(svg.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(svg.text, /<script|\son\w+=|class=|<foreignObject|href="http/i, 'nothing active, nothing external, no stylesheet needed');
  assert.match(svg.text, /<title>Asynchronous[^<]* at 1:02\.420 \(seed 1\) · lambdascope<\/title>/);
  assert.match(svg.text, /<image [^>]*href="data:image\/png;base64,/, 'the tokens come along');
  // It renders on its own, as an <img> (where no script or outside stylesheet applies).
  fs.writeFileSync(shot('embed-frame.svg'), svg.text);
  const viewer = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await viewer.setContent('<body style="margin:0;background:#888"><img id="i"></body>');
  const stats = await viewer.evaluate(async (text) => {
    const img = document.getElementById('i');
    img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return { w: img.naturalWidth, h: img.naturalHeight, colours: colours.size };
  }, svg.text);
  assert.ok(stats.w > 300 && stats.h > 200, JSON.stringify(stats));
  assert.ok(stats.colours > 8, `a drawing, not a blank: ${JSON.stringify(stats)}`);
  await viewer.screenshot({ path: shot('embed-frame-svg.png') });
  await viewer.close();
  await assertClean(page, problems, dialogs);
  await close();
});

const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  "'><svg onload=window.__pwned=1>",
  'javascript:window.__pwned=1',
  "';window.__pwned=1;//",
  '{{constructor.constructor("window.__pwned=1")()}}',
  '%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E',
  '<iframe src="javascript:window.parent.__pwned=1">',
];
const PARAMS = ['s', 'scenario', 'seed', 't', 'in', 'lesson', 'beat', 'speed', 'filter', 'z', 'controls', 'theme', 'autoplay', 'embed'];

test('hostile URLs: every parameter reported inside the player, nothing runs, and the player still works', async () => {
  for (const payload of PAYLOADS) {
    const q = PARAMS.map((p) => `${p}=${encodeURIComponent(payload)}`).join('&');
    const { page, problems, dialogs, close } = await open(`${app.url}?${q}#t=${encodeURIComponent(payload)}`);
    await ready(page, 'body');
    const box = page.locator('[data-ls=problems]');
    const text = await box.textContent();
    for (const p of PARAMS) assert.match(text, new RegExp(`URL parameter \`${p}\``), `${p} is reported for ${payload}`);
    // Shown as text: the payload's markup made no element.
    assert.equal(await page.locator('.ls-player img, .ls-player script, .ls-player iframe, .ls-player svg[onload]').count(), 0);
    // The player works: the default scenario, and keys move it.
    await page.locator('.ls-player').focus();
    await page.keyboard.press('End');
    assert.notEqual(await clock(page.locator('body')), '0:00.000');
    await page.waitForTimeout(100);
    await assertClean(page, problems, dialogs);
    await close();
  }
  // Oversize: one message, not a flood, and the page works.
  // (In the fragment: a real server refuses a 120 KB request line before the app could.)
  const { page, problems, dialogs, close } = await open(`${app.url}?s=overview#pad=${'A'.repeat(120_000)}`);
  await ready(page, 'body');
  const items = await page.locator('[data-ls=problems] li').allTextContents();
  assert.equal(items.length, 1);
  assert.match(items[0], /links are limited to 98304/);
  await assertClean(page, problems, dialogs);
  await close();
});

test('hostile inline scenarios: markup shows as text, errors name line, field and what is allowed, the page goes on', async () => {
  const deflate = (text) => zlib.deflateRawSync(Buffer.from(text)).toString('base64url');
  const evil = INLINE.replace('My own scenario: two requests', '<img src=x onerror=window.__pwned=1> & \\"quotes\\"')
    .replace('id = "api"', 'id = "api"\n# </script><script>window.__pwned=1</script>');
  const { page, problems, dialogs, close } = await open(`${app.url}?z=${deflate(evil)}&t=500`);
  await ready(page, 'body');
  assert.match(await page.locator('select[data-ls=picker]').evaluate((s) => s.selectedOptions[0].textContent), /^<img src=x onerror=window.__pwned=1> & "quotes" \(inline\)$/);
  assert.equal(await page.locator('.ls-player img').count(), 0);
  await assertClean(page, problems, dialogs);
  await close();

  // Invalid: the error names the line, the field and what is allowed; the default scenario runs.
  for (const [bad, expected] of [
    [INLINE.replace('ms = 200 }', 'ms = 200 }\ntimeout_s = 5000'), /inline scenario: line 6: function\.timeout_s: must be a whole number of seconds from 1 to 900 \(got 5000\)/],
    [INLINE.replace('"api_gateway"', '"carrier_pigeon"'), /inline scenario: line 7: sources\[0\]\.kind: must be one of `api_gateway`, `cloudfront`.* \(got "carrier_pigeon"\)/],
  ]) {
    const second = await open(`${app.url}?z=${deflate(bad)}`);
    await ready(second.page, 'body');
    const notice = await second.page.locator('.ls-notice').textContent();
    assert.match(notice, /could not be loaded, showing the default instead/);
    assert.match(notice, expected);
    assert.ok(await second.page.locator('.ls-diagram .ls-node').count() > 3, 'the default scenario runs');
    await second.page.locator('.ls-player').focus();
    await second.page.keyboard.press('End');
    assert.notEqual(await clock(second.page.locator('body')), '0:00.000');
    await assertClean(second.page, second.problems, second.dialogs);
    await second.close();
  }

  // A deflate bomb (1 MB of `#`, a few KB in the link) is refused before it is inflated.
  const third = await open(`${app.url}?z=${deflate('#'.repeat(1 << 20))}`);
  await ready(third.page, 'body');
  assert.match(await third.page.locator('[data-ls=problems]').textContent(), /URL parameter `z`: does not inflate to a scenario of at most 65536 bytes/);
  await assertClean(third.page, third.problems, third.dialogs);
  await third.close();
});

test('hostile embed attributes on a host page: reported inside each widget, nothing runs, the widgets work', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'hostile.html');
  await ready(page, '', 3);
  const x1 = await page.locator('#x1 [data-ls=problems]').textContent();
  for (const a of ['data-lambdascope', 'data-seed', 'data-at', 'data-faults', 'data-speed', 'data-filter', 'data-theme']) {
    assert.match(x1, new RegExp(`attribute \`${a}\``), a);
  }
  assert.match(await page.locator('#x2 .ls-title').textContent(), /^<img src=x onerror=window.__pwned=1> title$/);
  assert.match(await page.locator('#x3 .ls-notice').textContent(), /inline scenario: line 7: sources\[0\]\.kind: must be one of `api_gateway`.* \(got "carrier_pigeon"\)/);
  assert.equal(await page.locator('.ls-player img').count(), 0);
  for (const id of ['#x1', '#x2', '#x3']) {
    await page.locator(`${id} .ls-player`).focus();
    await page.keyboard.press('End');
    assert.notEqual(await clock(page.locator(id)), '0:00.000', `${id} works`);
  }
  await page.screenshot({ path: shot('embed-hostile.png'), fullPage: true });
  await assertClean(page, problems, dialogs);
  await close();
});

test('under a strict CSP (no inline script) the app page and a host page with both embeds run without violations', async () => {
  // The built page has no inline script at all: Trunk's loader is replaced by embed.js.
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc=/, `inline script in dist/index.html: ${body.slice(0, 80)}`);
    assert.equal(body.trim(), '');
  }
  assert.doesNotMatch(html, /\son\w+=/, 'no inline event handlers');

  const own = await open(app.url + '?s=sqs-happy-path&t=1500');
  await ready(own.page, 'body');
  const csp = (await own.page.request.get(app.url)).headers()['content-security-policy'];
  assert.equal(csp, APP_CSP, 'served with the strict policy');
  const player = own.page.locator('.ls-root');
  // Positions set through the CSSOM hold under the policy: the timeline's fill and handle sit at
  // the instant (not at 0), the idle bands and marks are spread along the bar.
  const geometry = await own.page.evaluate(() => {
    const track = document.querySelector('.ls-scrubber .ls-track').getBoundingClientRect();
    const at = (sel) => [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect().left - track.left);
    return { fill: document.querySelector('.ls-fill').getBoundingClientRect().width, handle: at('.ls-handle')[0], marks: at('.ls-mk, .ls-gapband') };
  });
  assert.ok(geometry.fill > 0 && geometry.handle > 0, JSON.stringify(geometry));
  assert.ok(new Set(geometry.marks.map(Math.round)).size > 1, `marks spread along the bar: ${JSON.stringify(geometry.marks)}`);
  await player.locator('details.ls-share summary').click();
  await download(own.page, player.locator('[data-ls=export-svg]'));
  await copyLink(player);
  await own.page.locator('.ls-player').focus();
  await own.page.keyboard.press(' ');
  await own.page.waitForTimeout(300);
  await assertClean(own.page, own.problems, own.dialogs);
  await own.close();

  const { page, problems, dialogs, close } = await open(host.url + 'csp.html');
  await ready(page, '#s');
  await page.frameLocator('#f').locator('.ls-diagram .ls-node').first().waitFor();
  assert.equal(await clock(page.locator('#s')), '0:05.460');
  assert.equal(await page.locator('#s .ls-branch li').count(), 1, 'the fault from data-faults');
  assert.equal(await clock(page.frameLocator('#f').locator('body')), '0:01.000');
  await page.waitForFunction(() => document.getElementById('f').getBoundingClientRect().height > 300);
  await page.screenshot({ path: shot('embed-csp.png'), fullPage: true });
  // (A cross-origin frame below the fold is not painted into a full-page shot: look at it in view.)
  await page.locator('#f').scrollIntoViewIfNeeded();
  // Chrome paints an off-screen cross-origin frame only once it is in view: wait for two of its
  // animation frames (they do not run while it is throttled), or the shot shows an empty box.
  const frame = page.frames().find((f) => f.url().includes('embed'));
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: shot('embed-csp-frame.png') });
  await assertClean(page, problems, dialogs);
  await close();
});

test('the built app works from any directory of a site, and its share links stay there', async () => {
  const { page, problems, dialogs, close } = await open(host.url + 'lambdascope/?s=overview&t=5000');
  await ready(page, 'body');
  assert.equal(await clock(page.locator('body')), '0:05.000');
  const link = await copyLink(page.locator('.ls-root'));
  assert.equal(link, `${host.url}lambdascope/?s=overview&seed=1&t=5000&speed=0.5`);
  await assertClean(page, problems, dialogs);
  await close();
  // A script embed elsewhere on the site: its share link opens the full app in that directory.
  const second = await open(host.url + 'same-site.html');
  await ready(second.page, '#p');
  assert.equal(await copyLink(second.page.locator('#p')), `${host.url}lambdascope/?s=sqs-happy-path&seed=1&t=1500&speed=0.5`);
  await assertClean(second.page, second.problems, second.dialogs);
  await second.close();
});
