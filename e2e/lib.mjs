// Shared by the end-to-end tests and scripts/bench-web: a static server over dist/ and a
// headless Chromium launched the way toolchain.md §4 describes.
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.LS_DIST || path.join(ROOT, 'dist');
export const SHOTS = path.join(ROOT, 'target', 'e2e');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.ico': 'image/x-icon', '.toml': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on a free localhost port; unknown paths get index.html (an app route), missing assets 404.
 * `headers`: extra response headers (e.g. a Content-Security-Policy), an object or a function of the file path.
 * `trickle`: { bytes, ms } sends each HTML page in pieces of `bytes`, `ms` apart, as a slow
 * connection does: the browser parses and paints what it has before the rest arrives.
 */
export function serve(dir = DIST, headers = {}, { trickle } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) file = path.join(file, 'index.html');
      else if (err) {
        if (path.extname(file)) { res.writeHead(404); return res.end('not found'); }
        file = path.join(dir, 'index.html');
      }
      fs.readFile(file, (e2, body) => {
        if (e2) { res.writeHead(404); return res.end('not found'); }
        const extra = typeof headers === 'function' ? headers(file) : headers;
        res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store', ...extra });
        if (!trickle || path.extname(file) !== '.html') return res.end(body);
        let at = 0;
        const more = () => {
          res.write(body.subarray(at, at + trickle.bytes));
          at += trickle.bytes;
          if (at < body.length) setTimeout(more, trickle.ms); else res.end();
        };
        more();
      });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({
      url: `http://127.0.0.1:${server.address().port}/`,
      // Connections still open (a keep-alive, a held request) would keep it up.
      close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
    });
  }));
}

/** The bundled scenarios' ids, sorted: the files the release build ships in dist/scenarios/. */
export function bundledIds() {
  return fs.readdirSync(path.join(DIST, 'scenarios')).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -5)).sort();
}

/**
 * A copy of dist/ in a temporary directory with host pages of our own beside it (`pages`:
 * { 'name.html': html }), so they are served on the app's origin; `remove()` deletes it.
 */
export function siteWith(pages = {}, prefix = 'ls-site-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(DIST, dir, { recursive: true });
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(dir, name), html);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A host page as a docs site writes one: the loader in its head, BODY in a plain phone-width column. */
export function hostPage(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${title}</title><script type="module" src="embed.js"></script></head>
<body style="margin:0 12px;font:16px system-ui">
${body}
</body></html>`;
}

/**
 * For a test file: before its tests, a copy of dist/ with PAGES (siteWith), served, and a
 * browser; after them, all three gone. Returns the object whose `server`, `browser` and `site`
 * the hooks fill in.
 */
export function useSite(pages, prefix) {
  const env = {};
  before(async () => {
    env.site = siteWith(pages, prefix);
    env.server = await serve(env.site.dir);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    env.site?.remove();
  });
  return env;
}

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launch(extraArgs = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A test file's app server (over dist/) and browser: `before(async () => ({ server, browser } = await startApp()))`. */
export async function startApp() {
  return { server: await serve(), browser: await launch() };
}
/** Their end, in `after` (either may be missing when `before` failed). */
export async function stopApp({ server, browser }) {
  await browser?.close();
  await server?.close();
}

/** Records page errors and console errors/warnings; `check()` throws if there were any. */
export function watchConsole(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  // A request the page's own navigation cancelled (a reload while the favicon was still loading)
  // is not a failure of the file: Chromium reports it as net::ERR_ABORTED.
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

/**
 * Asserts that the text of `selector` inside `target` (a page or a locator) is `expected`, or
 * matches it when it is a RegExp, giving it up to 5 s to get there. Read after a key press or a
 * click, a child component's text can be a step behind: Yew's scheduler yields after a 16 ms
 * slice, and under load it redraws a child one task after its parent (a full run read the speed
 * a press behind, both presses handled). A text that never comes still fails, showing the one
 * there is.
 */
export async function expectText(target, selector, expected, message) {
  const read = () => target.locator(selector).textContent();
  const ok = (t) => (expected instanceof RegExp ? expected.test(t) : t === expected);
  await until(async () => ok(await read()), selector, 5000).catch(() => {});
  const text = await read();
  if (expected instanceof RegExp) assert.match(text, expected, message);
  else assert.equal(text, expected, message);
}

/** As [`expectText`], for how many elements match `selector`. */
export async function expectCount(target, selector, n, message) {
  const read = () => target.locator(selector).count();
  await until(async () => (await read()) === n, selector, 5000).catch(() => {});
  assert.equal(await read(), n, message);
}

export function shot(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  return path.join(SHOTS, name);
}

/**
 * Waits until `check()` (async) is true, polling every 50 ms; throws naming `what` after
 * `timeout` ms. For conditions inside players' shadow roots, which page.waitForFunction's
 * document.querySelector cannot see (Playwright's locators can).
 */
export async function until(check, what = 'a condition', timeout = 30_000) {
  for (const end = Date.now() + timeout; !(await check());) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
