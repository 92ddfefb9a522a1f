// Issue 12, items 3 and 4, against the release build in dist/ (`scripts/build` first):
//
// * every export of a hostile inline scenario (e2e/fixtures/hostile-scenario.toml: markup in its
//   title, names and error type) is inert: the Markdown transcript, the trace JSON, the SVG frame
//   and the iframe and script snippets;
// * every wrong link parameter or embed attribute gets a notice that names it (`lesson`, `beat`,
//   `compare`, `data-t`), and stored progress is sanitised on read and written back clean.
//
// The app is served with its strict Content-Security-Policy. Every page records CSP violations,
// dialogs (`alert(…)` in the scenario would open one) and `window.__pwned`; every test fails on
// page errors, console errors or warnings, or failed requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, watchConsole, shot, ROOT, siteWith, until } from './lib.mjs';

const APP_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'";

const HOSTILE = fs.readFileSync(path.join(ROOT, 'e2e', 'fixtures', 'hostile-scenario.toml'), 'utf8');
const TITLE = HOSTILE.match(/^title = "(.*)"$/m)[1];

let app, browser, site;
before(async () => {
  // dist/ plus one host page of our own, on the app's origin.
  site = siteWith({
    'data-t.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>data-t</title>
<script type="module" src="embed.js"></script></head>
<body><div id="p" data-lambdascope="overview" data-t="soon" data-controls="minimal"></div></body></html>`,
    'two.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>two players</title>
<script type="module" src="embed.js"></script></head>
<body><div id="a" data-lambdascope="overview"></div><div id="b" data-lambdascope="sqs-partial-batch"></div></body></html>`,
  }, 'ls-hostile-');
  app = await serve(site.dir, (file) => (file.endsWith('.html') ? { 'Content-Security-Policy': APP_CSP } : {}));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
  site?.remove();
});

function recordViolations() {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
}

async function open(url, { init } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  if (init) await init(page);
  await page.goto(url);
  return { page, problems, dialogs, close: () => context.close() };
}

async function assertClean({ page, problems, dialogs }) {
  for (const f of page.frames()) {
    assert.deepEqual(await f.evaluate(() => window.__csp ?? []), [], `CSP violations in ${f.url()}`);
    assert.equal(await f.evaluate(() => window.__pwned), undefined, `injected script ran in ${f.url()}`);
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(problems, []);
}

const notice = async (page, scope = '') => {
  const loc = page.locator(`${scope} .ls-notice`.trim());
  await loc.first().waitFor({ timeout: 20000 });
  return loc.first().textContent();
};
const beatShown = (page) => page.locator('.ls-lesson').getAttribute('data-ls-beat');
const currentChapter = (page) => page.locator('.ls-chapters [aria-current="page"]').getAttribute('data-lesson');

test('a wrong lesson, beat or compare in a link is named in the page notice, and the page goes on', async () => {
  // Ill-formed values: the link parser refuses them, the notice names the parameter and what is allowed.
  let s = await open(`${app.url}#lesson=%3Cimg%20src=x%20onerror=alert(1)%3E&beat=0`);
  let text = await notice(s.page, '.ls-course');
  assert.match(text, /URL parameter `lesson`: `<img src=x onerror=alert\(1\)>` is not a lesson id: use 1–64 lowercase letters, digits and `-`/);
  assert.match(text, /URL parameter `beat`: `0` is not a beat number: allowed 1–1000/);
  await s.page.waitForSelector('.ls-lesson');
  assert.equal(await currentChapter(s.page), 'three-ways', 'chapter 1 instead');
  assert.equal(await s.page.locator('.ls-course img').count(), 0);
  await assertClean(s);
  await s.close();

  // A beat past the end of a real lesson: named, with the lesson's length; its last beat opens.
  s = await open(`${app.url}#lesson=sqs&beat=999`);
  text = await notice(s.page, '.ls-course');
  const m = text.match(/URL parameter `beat`: 999 is past the end of lesson `sqs` \(it has (\d+) beats: allowed 1–(\d+)\); here is beat (\d+)\./);
  assert.ok(m, text);
  assert.equal(m[1], m[2]);
  assert.equal(m[1], m[3]);
  await s.page.waitForSelector('.ls-lesson');
  assert.equal(await currentChapter(s.page), 'sqs');
  assert.equal(await beatShown(s.page), m[1], 'the last beat is shown');
  await s.page.screenshot({ path: shot('hostile-notice-beat.png') });
  await assertClean(s);
  await s.close();

  // beat=0 of a real lesson: the lesson opens at its first beat.
  s = await open(`${app.url}#lesson=sqs&beat=0`);
  assert.match(await notice(s.page, '.ls-course'), /^URL parameter `beat`: `0` is not a beat number: allowed 1–1000$/);
  await s.page.waitForSelector('.ls-lesson');
  assert.equal(await currentChapter(s.page), 'sqs');
  assert.equal(await beatShown(s.page), '1');
  await assertClean(s);
  await s.close();

  // A well-formed id of no lesson: named, with the lessons there are.
  s = await open(`${app.url}#lesson=no-such-lesson&beat=2`);
  assert.match(await notice(s.page, '.ls-course'), /^URL parameter `lesson`: there is no lesson `no-such-lesson` \(allowed: three-ways, api-gateway, .*\); here is chapter 1\.$/);
  await assertClean(s);
  await s.close();

  // A fault the comparison does not know: named, with the faults it does; the default runs.
  s = await open(`${app.url}#compare=meteor`);
  assert.equal(await notice(s.page), 'URL parameter `compare`: `meteor` is not a fault: allowed none, function-error, throttle, timeout, poison; here is function-error.');
  await s.page.waitForFunction(() => document.querySelectorAll('.ls-diagram .ls-node').length > 0, null, { timeout: 20000 });
  await s.page.screenshot({ path: shot('hostile-notice-compare.png') });
  await assertClean(s);
  await s.close();

  // The same in the query (share links put lesson and beat there).
  s = await open(`${app.url}?lesson=sqs&beat=0`);
  assert.match(await notice(s.page, '.ls-course'), /URL parameter `beat`/);
  await assertClean(s);
  await s.close();
});

test('an error in data-t is named data-t', async () => {
  const s = await open(`${app.url}data-t.html`);
  const box = s.page.locator('#p [data-ls=problems]');
  await box.waitFor({ timeout: 20000 });
  const text = await box.textContent();
  assert.match(text, /attribute `data-t`: `soon` is not a time in whole milliseconds/);
  assert.doesNotMatch(text, /data-at/);
  await assertClean(s);
  await s.close();
});

test('stored progress is sanitised on read and written back clean; the banner offers a beat that exists', async () => {
  const junk = 'v=1&current=sqs&label=chapter%209,%20SQS&at.sqs=999&at.gone=3&evil=%3Cimg%20src=x%20onerror=alert(1)%3E&done=gone,sqs';
  const s = await open(app.url, {
    // Before the app reads it, once (a reload must see what the app wrote back).
    init: (page) => page.addInitScript((junk) => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem('lambdascope.progress', junk);
        sessionStorage.setItem('seeded', '1');
      }
    }, junk),
  });
  const start = s.page.locator('.ls-start');
  await start.waitFor({ timeout: 20000 });
  const m = (await start.textContent()).match(/continue chapter 9, SQS, at beat (\d+) →/);
  assert.ok(m, await start.textContent());
  const last = Number(m[1]);
  assert.ok(last >= 1 && last < 20, `beat ${last} of a short lesson, not 1000`);
  assert.equal(await start.locator('a').getAttribute('href'), `lessons.html#lesson=sqs&beat=${last}`);
  assert.equal(
    await s.page.evaluate(() => localStorage.getItem('lambdascope.progress')),
    `v=1&current=sqs&label=chapter%209,%20SQS&at.sqs=${last - 1}&done=sqs`,
    'junk keys and unknown lessons dropped, the beat clamped, written back',
  );
  // The lessons page resumes there, with no notice (stored progress is not a link).
  await s.page.goto(`${app.url}#lessons`);
  await s.page.waitForSelector('.ls-lesson');
  assert.equal(await currentChapter(s.page), 'sqs');
  assert.equal(await beatShown(s.page), String(last));
  assert.equal(await s.page.locator('.ls-course .ls-notice').count(), 0);
  // The player-only bundle reloads the page for the lessons, which can cut short the browser's
  // own favicon fetch (net::ERR_ABORTED): not the app's (as in lessons.test.mjs).
  s.problems.splice(0, Infinity, ...s.problems.filter((p) => !/^request failed: .*\/favicon\.svg$/.test(p)));
  await assertClean(s);
  await s.close();
});

async function download(page, button) {
  await button.evaluate((b) => { const d = b.closest('details'); if (d) d.open = true; });
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return fs.readFileSync(await dl.path(), 'utf8');
}

/** Clicks one of the Share menu's copy buttons; returns the text it put in the field. */
async function copied(page, player, what) {
  const details = player.locator('details.ls-share');
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click();
  const field = player.locator('[data-ls=share-text]');
  const before = await field.inputValue();
  await player.locator(`[data-ls=copy-${what}]`).click();
  await page.waitForFunction(([el, before]) => el.value !== before, [await field.elementHandle(), before]);
  return field.inputValue();
}

/**
 * The elements and attributes `html` parses to, as the page that pastes it would. In a blank page
 * of its own: parsing the SVG (whose style attributes are by design) in the app's page would
 * count as the app breaking its own style-src policy.
 */
const parsed = (page, html, type) => page.evaluate(([html, type]) => {
  const doc = new DOMParser().parseFromString(html, type);
  const root = type === 'text/html' ? doc.body : doc.documentElement;
  return [...root.querySelectorAll('*')].map((e) => ({
    tag: e.localName,
    ns: e.namespaceURI,
    attrs: Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])),
  }));
}, [html, type]);

test('every export of a hostile inline scenario is inert', async () => {
  const z = zlib.deflateRawSync(Buffer.from(HOSTILE)).toString('base64url');
  const s = await open(`${app.url}?z=${z}&t=62000`);
  const { page } = s;
  const blank = await browser.newPage();
  await page.waitForFunction(() => document.querySelectorAll('.ls-diagram .ls-node').length > 0, null, { timeout: 20000 });
  const player = page.locator('.ls-root');
  assert.equal(await page.locator('.ls-player img, .ls-player iframe, .ls-player script').count(), 0, 'the player shows the markup as text');

  // Markdown: no `<` at all (every one from the scenario is an entity); the hostile text is there.
  const md = await download(page, player.locator('[data-ls=export-md]'));
  fs.writeFileSync(shot('hostile-transcript.md'), md);
  assert.ok(!md.includes('<'), md);
  assert.ok(md.startsWith('# &lt;img src=x onerror=alert(1)&gt; \\| \\`code\\` \\[x\\](javascript:alert(1)) # &lt;script&gt;'), md);
  assert.match(md, /the handler throws &lt;\/td&gt;&lt;img src=x onerror=alert\(2\)&gt;\\\|Err\\`/);
  for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| time'))) {
    assert.equal(line.replaceAll('\\|', '').split('|').length, 4, `one row, two cells: ${line}`);
  }

  // JSON: the same text, read back exactly, with no `<`, `>` or `&` written raw.
  const json = await download(page, player.locator('[data-ls=export-json]'));
  assert.ok(!/[<>&]/.test(json), json.slice(0, 400));
  const doc = JSON.parse(json);
  assert.equal(doc.scenario.title, TITLE);
  assert.ok(doc.trace.some((e) => e.outcome?.error_type === '</td><img src=x onerror=alert(2)>|Err`'));

  // SVG: only SVG elements, no event handler, no tag from the scenario in its text.
  const svg = await download(page, player.locator('[data-ls=export-svg]'));
  fs.writeFileSync(shot('hostile-frame.svg'), svg);
  assert.doesNotMatch(svg, /<img|<svg onload|<script|<iframe|onerror=alert\(\d\)>/);
  assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the title is in the caption, as text');
  const elements = await parsed(blank, svg, 'image/svg+xml');
  assert.ok(elements.length > 10);
  for (const e of elements) {
    assert.equal(e.ns, 'http://www.w3.org/2000/svg', JSON.stringify(e));
    assert.ok(!['script', 'foreignObject', 'iframe', 'img', 'a'].includes(e.tag), JSON.stringify(e));
    assert.deepEqual(Object.keys(e.attrs).filter((a) => a.startsWith('on')), [], JSON.stringify(e));
  }
  const title = elements.find((e) => e.tag === 'title');
  assert.ok(title);
  assert.equal(await blank.evaluate((svg) => new DOMParser().parseFromString(svg, 'image/svg+xml').querySelector('title').textContent, svg),
    `${TITLE} at 1:02.000 (seed 1) · lambdascope`);

  // Snippets: one iframe, or one div and one script, with their own attributes only.
  const iframe = await copied(page, player, 'iframe');
  const frameEls = await parsed(blank, iframe, 'text/html');
  assert.deepEqual(frameEls.map((e) => e.tag), ['iframe'], iframe);
  assert.deepEqual(Object.keys(frameEls[0].attrs).sort(), ['data-lambdascope-frame', 'frameborder', 'height', 'loading', 'src', 'title', 'width']);
  assert.equal(frameEls[0].attrs.title, `lambdascope: ${TITLE}`);
  assert.match(frameEls[0].attrs.src, /^http:\/\/127\.0\.0\.1:\d+\/\?embed&controls=minimal&z=[A-Za-z0-9_-]+&t=62000(&speed=[0-9.]+)?$/, "seed 1 and the default speed are what an embed does anyway");
  const script = await copied(page, player, 'script');
  const scriptEls = await parsed(blank, script, 'text/html');
  assert.deepEqual(scriptEls.map((e) => e.tag), ['div', 'script'], script);
  assert.deepEqual(Object.keys(scriptEls[0].attrs).sort(), ['data-lambdascope', 'data-link']);
  assert.deepEqual(Object.keys(scriptEls[1].attrs).sort(), ['src', 'type']);
  assert.match(scriptEls[1].attrs.src, /^http:\/\/127\.0\.0\.1:\d+\/embed\.js$/);
  // And the snippet's link brings the same scenario back.
  const link = await copied(page, player, 'link');
  assert.match(link, /[?&]z=[A-Za-z0-9_-]+/);

  await page.screenshot({ path: shot('hostile-exports.png') });
  await blank.close();
  await assertClean(s);
  await s.close();
});

// Issue 16: the release bundles abort on a panic without its message (scripts/release-env), so the
// crash overlay comes from the page's error event: a real trap in the shipped WebAssembly (an
// invalid allocation request to its own allocator, which aborts) must cover every player on the
// page with the card; the host page's own errors, its own WebAssembly's traps included, must not.
test('a trap in the player shows the crash card over every player; the host page\'s own errors do not', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url + 'two.html');
  const cards = () => page.evaluate(() => ['a', 'b'].map((id) => {
    const card = document.getElementById(id).shadowRoot?.querySelector('.ls-crash');
    return card ? { role: card.getAttribute('role'), text: card.innerText } : null;
  }));
  await until(() => page.evaluate(() => ['a', 'b'].every((id) =>
    document.getElementById(id).shadowRoot?.querySelector('.ls-diagram .ls-node'))), 'both players drawn');

  // The host's own failures: a plain error, and a trap in a module of its own (compiled from bytes:
  // (module (func (export "f") unreachable))).
  await page.evaluate(() => {
    setTimeout(() => { throw new Error('the host page failed'); });
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0,
      7, 5, 1, 1, 102, 0, 0, 10, 5, 1, 3, 0, 0, 11]);
    const own = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    setTimeout(() => own.exports.f());
  });
  await until(() => errors.length === 2, 'the host page\'s two errors');
  assert.deepEqual(await cards(), [null, null], 'the host page\'s errors are not the player\'s');

  // Ours: the glue is already loaded, so `default()` hands back the running instance's exports.
  await page.evaluate(async () => {
    const glue = await import('./lambdascope-player.js');
    const wasm = await glue.default();
    setTimeout(() => wasm.__wbindgen_malloc(1, 3));   // alignment 3: the allocator aborts
  });
  await until(async () => (await cards()).every(Boolean), 'a card over each player');
  for (const card of await cards()) {
    assert.equal(card.role, 'alert');
    assert.match(card.text, /lambdascope stopped/);
    assert.match(card.text, /an internal check failed \(WebAssembly: unreachable\)\nat http:\/\/127\.0\.0\.1:\d+\/lambdascope-player_bg\.wasm:wasm-function\[\d+\]:0x[0-9a-f]+/);
  }
  await page.screenshot({ path: shot('hostile-crash.png') });
  await context.close();
});
