// Refreshes scripts/player-cold.txt, the list of functions the release build moves out of the
// player's first module (scripts/split-player.mjs; issue 16). Run it after a release build
// (scripts/build) when e2e/split.test.mjs says a watcher loaded the second module, or when the
// player's budget in e2e/bytes.test.mjs is tight after a change: about 12 minutes.
//
//   node scripts/profile-split.mjs
//   node scripts/profile-split.mjs --reuse DIR   # the runs' profiles an interrupted run left in DIR
//
// How: binaryen's wasm-split instruments the names-kept player the build kept in target/split/
// (every function records whether it ran); a copy of dist/ with that player is driven in headless
// Chromium through what a reader who only watches does:
//  * the explore page and a few embeds at 412 and 1440 px at the default speed, pointed at and
//    focused (a reader's first touch, which starts the second module's download);
//  * every bundled scenario's embed at 412 px, played to its end at the top speed;
//  * the explore page opened on every bundled scenario (a share link), at 412 and 1440 px;
//  * the player's basic controls used by touch at 412 px and by mouse at 1440 (play, pause, steps,
//    reset, speed, seed, the method chips, the timeline dragged) and by their keys;
//  * one embed with `controls=none`, one dark;
//  * a docs page's script embeds (shadow roots), scrolled out of view and back, one added and
//    one taken away as a single-page docs site does;
//  * some of these again with the CPU 4× slower (frames skipped, work yielded);
//  * the crash card, which must work without the second module;
//  * each page hidden and left.
// The functions none of those runs called are written to the list, keyed by their stable names.
// A name shared by several functions is cold only when all of them are.
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, siteWith, hostPage, bundledIds, DIST, ROOT } from '../e2e/lib.mjs';
import { fail, fixExternrefExport, nameKey, readModule, splittable, tempDir, wasmSplit } from './split-wasm.mjs';

const bundle = 'lambdascope-player';
const named = path.join(ROOT, 'target', 'split', `${bundle}-named_bg.wasm`);
const glue = path.join(ROOT, 'target', 'split', `${bundle}.js`);
if (!fs.existsSync(named) || !fs.existsSync(glue)) fail(`${named} missing: run scripts/build first`);

const tmp = tempDir();
const mod = readModule(named, tmp);
const input = splittable(mod, tmp);
const instrumented = path.join(tmp, 'instrumented.wasm');
wasmSplit(['--instrument', input, '-o', instrumented]);
fixExternrefExport(instrumented, tmp);

// The site: a copy of dist/ (e2e/lib.mjs's siteWith) with the instrumented, unsplit player and
// its unpatched glue, and a docs page with two script embeds (shadow roots), the second far below
// the first.
const { dir: site, remove: removeSite } = siteWith({
  'profile-docs.html': hostPage('docs', `<main><h1>A docs page</h1><lambdascope-player data-lambdascope="async-retries-dlq"></lambdascope-player>
<div style="height: 3000px"></div><div data-lambdascope="sqs-batch-poison" data-controls="minimal"></div></main>`),
}, 'lambdascope-profile-');
for (const f of fs.readdirSync(site)) if (f.startsWith(`${bundle}.js`) || f.startsWith(`${bundle}_bg.`)) fs.rmSync(path.join(site, f));
fs.copyFileSync(instrumented, path.join(site, `${bundle}_bg.wasm`));
fs.copyFileSync(glue, path.join(site, `${bundle}.js`));
for (const f of fs.readdirSync(site).filter((f) => f.endsWith('.html'))) {
  const file = path.join(site, f);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/ integrity="[^"]*"/g, ''));
}

const ids = bundledIds();
if (ids.length < 10) fail(`only ${ids.length} bundled scenarios in ${DIST}/scenarios`);
const runs = [
  ['', 412, 5000], ['', 1440, 5000],
  ['?embed&s=async-retries-dlq', 1440, 4000], ['?embed&s=sqs-batch-poison', 1440, 4000],
  ['?embed&s=stepfunctions-map&controls=none', 412, 4000], ['?embed&s=apigw-errors&theme=dark', 412, 4000],
  ['profile-docs.html', 412, 4000, 'docs'],
  // A reader's own hands on the player's basic controls (play and pause, steps, reset, speed,
  // seed, the method chips, the timeline, their keys): by touch on a phone, by mouse on a
  // desktop. These are the player, not its tools: a first tap on Pause must not wait for the
  // second module (it did, on every control, until these runs were added).
  ['profile-docs.html', 412, 2500, 'controls'],
  ['?embed&s=stepfunctions-map', 1440, 2500, 'controls'],
  ['?embed&s=sqs-batch-poison', 412, 2500, 'controls'],
  // The crash card, which must work when the second module cannot be loaded: drawn here after a
  // trap (an invalid request to the player's allocator, as e2e/hostile.test.mjs makes).
  ['profile-docs.html', 412, 2000, 'crash'],
  ...ids.map((id) => [`?embed&s=${id}&speed=100`, 412, 6000]),
  // The explore page opened on each scenario (a share link): its first frames draw that
  // scenario's settings and side column with every tool, before the idle prefetch can land.
  ...ids.flatMap((id) => [[`?s=${id}`, 412, 2500], [`?s=${id}`, 1440, 2500]]),
  // Again on a slow phone's CPU (4× slower): frames skipped and work yielded where a quick
  // machine does neither.
  ...[['', 412, 6000], ['profile-docs.html', 412, 5000, 'docs'], ['profile-docs.html', 412, 2500, 'controls'],
    ...ids.filter((_, i) => i % 4 === 0).map((id) => [`?embed&s=${id}&speed=100`, 412, 6000])]
    .map(([address, width, wait, kind]) => [address, width, wait, kind, 4]),
];

// The basic controls of the first player on the page, each used once or twice, by touch (`tap`)
// or by mouse, then by key.
async function useControls(page, touch) {
  const player = page.locator('[data-lambdascope-mounted] .ls-player').first();
  const press = async (control) => {
    await (touch ? control.tap() : control.click());
    await page.waitForTimeout(300);
  };
  for (const label of ['Pause', 'Play', 'Pause', 'Step forward one event', 'Step forward one event', 'Step back one event', 'Reset', 'Play']) {
    const button = player.locator(`button[aria-label="${label}"]`);
    if (!(await button.count())) fail(`no ${label} button in the player at ${page.url()}`);
    await press(button.first());
  }
  // (Some layouts fold the chips away.)
  for (const chip of await player.locator('.ls-filter .ls-chip').all()) if (await chip.isVisible()) await press(chip);
  // (An embed's strip may leave out the speed or the seed.)
  const speed = player.locator('input[aria-label="Speed (logarithmic)"]');
  if (await speed.isVisible()) await speed.fill('1');
  const seed = player.locator('input[aria-label="Random seed"]');
  if (await seed.isVisible()) {
    await seed.fill('8');
    await seed.press('Enter');
  }
  await page.waitForTimeout(500);
  const box = await player.locator('.ls-scrubber').boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await player.locator('.ls-scrubber').focus();
  for (const key of ['ArrowRight', 'ArrowLeft', 'End', 'Home']) await page.keyboard.press(key);
  await player.focus();
  for (const key of [' ', 'ArrowRight', 'ArrowLeft', '+', '-', 'Home', 'End', 'r', ' ']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(500);
}

const reuse = process.argv[2] === '--reuse' ? process.argv[3] : null;
const profiles = reuse ? fs.readdirSync(reuse).filter((f) => /^run-\d+\.prof$/.test(f)).map((f) => path.join(reuse, f)) : [];
if (reuse && profiles.length !== runs.length) fail(`${reuse} holds ${profiles.length} profiles, not ${runs.length}`);
const server = await serve(site);
const browser = await launch();
let n = 0;
for (const [address, width, wait, kind, cpu = 1] of reuse ? [] : runs) {
  const touch = kind === 'controls' && width < 800;
  const context = await browser.newContext({ viewport: { width, height: 823 }, hasTouch: touch });
  const page = await context.newPage();
  if (cpu > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpu });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const keep = (r) => { window.__lsProfiled = r.instance || r; return r; };
    const is = WebAssembly.instantiateStreaming;
    const i = WebAssembly.instantiate;
    WebAssembly.instantiateStreaming = (...a) => is.apply(WebAssembly, a).then(keep);
    WebAssembly.instantiate = (...a) => i.apply(WebAssembly, a).then(keep);
  });
  await page.goto(server.url + address);
  await page.waitForSelector('[data-lambdascope-mounted]', { state: 'attached', timeout: 60000 });
  await page.waitForTimeout(wait);
  if (kind === 'docs' || address === '') {
    // A reader's first touch: the pointer over the diagram, then the player focused. (The loader
    // starts fetching the second module then, so what the touch itself runs must be in the
    // first.)
    const stage = page.locator('.ls-stage').first();
    const box = await stage.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await page.locator('.ls-player').first().focus();
    await page.waitForTimeout(500);
  }
  if (kind === 'docs') {
    // The second player mounts when scrolled to; the first pauses while out of view.
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(3000);
    await page.mouse.wheel(0, -3000);
    await page.waitForTimeout(1500);
    // A single-page docs site's navigation: a player added (the loader's `mount()`), then one
    // taken away (its `sweep()`).
    await page.evaluate(() => {
      const el = document.createElement('div');
      el.setAttribute('data-lambdascope', 'sqs-happy-path');
      document.querySelector('main').prepend(el);
    });
    await page.waitForTimeout(2500);
    await page.evaluate(() => document.querySelector('lambdascope-player').remove());
    await page.waitForTimeout(1000);
  }
  if (kind === 'controls') await useControls(page, touch);
  if (kind === 'crash') {
    await page.evaluate(async () => {
      const wasm = await (await import('./lambdascope-player.js')).default();
      setTimeout(() => wasm.__wbindgen_malloc(1, 3));
    });
    await page.locator('.ls-crash').first().waitFor();
    errors.length = 0;
  }
  // The page going away: what a reader's tab switch or close runs.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  });
  await page.waitForTimeout(200);
  if (errors.length) fail(`${address} at ${width} px: ${errors[0]}`);
  const bytes = await page.evaluate(() => {
    const e = window.__lsProfiled.exports;
    const size = 1 << 20;
    const ptr = e.__wbindgen_malloc(size, 8);
    const len = e.__write_profile(ptr, size);
    return Array.from(new Uint8Array(e.memory.buffer, ptr, len));
  });
  const file = path.join(tmp, `run-${n++}.prof`);
  fs.writeFileSync(file, Buffer.from(bytes));
  profiles.push(file);
  console.log(`profiled ${address || '/'} at ${width} px${cpu > 1 ? `, CPU ${cpu}× slower` : ''}`);
  await context.close();
}
await browser.close();
await server.close();

const all = path.join(tmp, 'all.prof');
wasmSplit(['--merge-profiles', ...profiles, '-o', all]);
// wasm-split -v lists the functions it keeps and moves; in a module without names they are
// named by their position among the defined functions (readModule's order).
const out = wasmSplit(['--split', input, '--profile', all, '-o1', path.join(tmp, 'p.wasm'), '-o2', path.join(tmp, 's.wasm'), '-v']);
const listed = (label) => {
  const line = out.split('\n').find((l) => l.startsWith(label));
  if (line === undefined) fail(`wasm-split -v printed no "${label}" line`);
  return new Set(line.slice(label.length).split(',').map((s) => s.trim()).filter(Boolean).map(Number));
};
const kept = listed('Keeping functions:');
const moved = listed('Splitting out functions:');
const hot = new Set();
const moves = new Set();
mod.names.forEach((name, i) => {
  if (!kept.has(i) && !moved.has(i)) fail(`function ${i} (${name}) is neither kept nor split`);
  if (/^\d+$/.test(name)) return;
  (kept.has(i) ? hot : moves).add(nameKey(name));
});
const cold = [...moves].filter((k) => !hot.has(k)).sort();
const list = path.join(ROOT, 'scripts', 'player-cold.txt');
fs.writeFileSync(list, `# The player functions the release build moves to its second module (scripts/split-player.mjs):
# what ${runs.length} profiled runs of a reader who watches, or uses the basic controls, never called. Written by
# scripts/profile-split.mjs (${new Date().toISOString().slice(0, 10)}); one key per line, the first 12 hex digits of
# the SHA-1 of the function's name without crate hashes (scripts/split-wasm.mjs).
${cold.join('\n')}
`);
console.log(`profile-split: ${cold.length} cold of ${mod.names.length} functions (${moved.size} moved, ${kept.size} kept by the profile) → ${path.relative(ROOT, list)}`);
fs.rmSync(tmp, { recursive: true, force: true });
removeSite();
