// Issue 16 against the release build in dist/: the player in two modules (scripts/split-player.mjs,
// scripts/split-loader.js).
//
// * Watching any bundled scenario's embed to its end, at 412 px, never asks for the second
//   module: what a watcher runs is all in the first. Nor does the explore page's first drawing of
//   any scenario, at 412 and 1440 px, need it before the idle prefetch lands. (When these fail
//   after a change, the cold list is stale: scripts/profile-split.mjs refreshes it.)
// * On a phone, a minimal embed's basic controls (pause and play, steps, reset, the timeline and
//   their keys) work at the first tap without it.
// * A docs page's script embed does not ask for it either until a reader presses a key in the
//   player; then it comes by the prefetch, not synchronously, and the help sheet opens.
// * The app page fetches it once the browser is idle after the player started, and the settings
//   form and the charts work from it; so does a docs page when a player with its tools is added
//   later.
// * A tool used before the prefetch finished loads it synchronously, and works.
// * A second module the server cannot give shows the crash card naming the file, and no
//   player is left half working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { until, DIST, watchConsole, shot, hostPage, useSite, bundledIds } from './lib.mjs';

const SECONDARY = 'lambdascope-player_bg.secondary.wasm';
const env = useSite({
  'docs.html': hostPage('A docs page', `<h1>Asynchronous invocation</h1>
<div id="p" data-lambdascope="async-retries-dlq" data-controls="minimal"></div>`),
}, 'ls-split-');

// A phone-width page at ADDRESS, with its console watched and `seen`: every request for the
// second module, with how it was made ('fetch' by the prefetch, 'xhr' by a placeholder's
// synchronous load). `route` (pattern, handler) is set up before the page loads; `touch`: a
// touch screen (taps).
async function open(address, route, { touch = false } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 412, height: 823 }, hasTouch: touch });
  const page = await context.newPage();
  const errors = watchConsole(page);
  const seen = [];
  page.on('request', (r) => { if (r.url().endsWith(SECONDARY)) seen.push(r.resourceType()); });
  if (route) await page.route(...route);
  if (address !== null) await page.goto(env.server.url + address);
  return { context, page, errors, seen };
}

// A route for open(): the prefetch's request is never answered; a placeholder's synchronous
// request goes through (and shows in `seen` as 'xhr').
const holdPrefetch = [`**/${SECONDARY}`, async (route) => {
  if (route.request().resourceType() !== 'fetch') await route.continue();
}];

test('the two modules are in dist/, and the player\'s first module imports its placeholders', async () => {
  const primary = fs.readFileSync(path.join(DIST, 'lambdascope-player_bg.wasm'));
  const secondary = fs.readFileSync(path.join(DIST, SECONDARY));
  const imports = WebAssembly.Module.imports(await WebAssembly.compile(primary));
  const placeholders = imports.filter((i) => i.module === 'placeholder');
  assert.ok(placeholders.length > 100, `${placeholders.length} placeholders`);
  const fromSecondary = WebAssembly.Module.imports(await WebAssembly.compile(secondary));
  assert.deepEqual([...new Set(fromSecondary.map((i) => i.module))], ['primary']);
  for (const f of [SECONDARY, `${SECONDARY}.gz`, `${SECONDARY}.br`]) assert.ok(fs.existsSync(path.join(DIST, f)), f);
});

test('watching every bundled scenario\'s embed to its end never loads the second module', async () => {
  const ids = bundledIds();
  assert.ok(ids.length >= 30, `${ids.length} scenarios`);
  const { context, page, errors, seen } = await open(null);
  for (const id of ids) {
    await page.goto(`${env.server.url}?embed&s=${id}&speed=100`);
    await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node');
    // At the top speed every bundled scenario reaches its end within a few seconds: the clock
    // stops moving.
    let last = '';
    await until(async () => {
      const now = await page.locator('.ls-clock').first().innerText();
      const still = now === last;
      last = now;
      if (!still) await page.waitForTimeout(700);
      return still;
    }, `${id} reaching its end`, 60_000);
    assert.deepEqual(seen, [], `${id}: watching it loaded ${SECONDARY}; refresh scripts/player-cold.txt (node scripts/profile-split.mjs)`);
    assert.equal(await page.evaluate(() => window.lambdascopeSplit.loaded), false, id);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the explore page opened on any bundled scenario, at 412 and 1440 px, draws it without the second module', async () => {
  // A share link opens the explore page on its scenario: its first frames draw that scenario's
  // settings and side column before the idle prefetch can land. The prefetch is held back for
  // good here, so anything those frames call in the second module shows as a synchronous load.
  const ids = bundledIds();
  await Promise.all([412, 1440].map(async (width) => {
    const { context, page, errors, seen } = await open(null, holdPrefetch);
    await page.setViewportSize({ width, height: width > 800 ? 900 : 823 });
    for (const id of ids) {
      await page.goto(`${env.server.url}?s=${id}`);
      await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node');
      await page.locator('[data-lambdascope-mounted] .ls-strip').first().waitFor();
      await page.waitForTimeout(600);
      assert.ok(!seen.includes('xhr'), `${id} at ${width} px: the explore page's first frames loaded ${SECONDARY} synchronously; refresh scripts/player-cold.txt (node scripts/profile-split.mjs)`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }));
});

test('on a phone, a minimal embed\'s basic controls work at the first tap without the second module', async () => {
  // Play and pause, the steps, reset, the timeline and their keys are the player, not its
  // tools: a reader's first tap must not wait for a download. The prefetch the tap starts is
  // held back for good, so a control that needed the second module would load it synchronously.
  const { context, page, errors, seen } = await open(null, holdPrefetch, { touch: true });
  await page.goto(env.server.url + 'docs.html');
  const player = page.locator('#p .ls-player');
  await player.locator('.ls-stage svg .ls-node').first().waitFor();
  const clock = () => player.locator('.ls-clock').innerText();
  await player.locator('button[aria-label="Pause"]').tap();
  await player.locator('button[aria-label="Play"]').waitFor();
  const paused = await clock();
  await player.locator('button[aria-label="Step forward one event"]').tap();
  await until(async () => (await clock()) !== paused, 'the clock moving on a step forward');
  const stepped = await clock();
  await player.locator('button[aria-label="Step back one event"]').tap();
  await until(async () => (await clock()) !== stepped, 'the clock moving on a step back');
  await player.locator('button[aria-label="Reset"]').tap();
  await until(async () => (await clock()).startsWith('0:00.000'), 'the clock back at zero after reset');
  const box = await player.locator('.ls-scrubber').boundingBox();
  await page.touchscreen.tap(box.x + box.width * 0.5, box.y + box.height / 2);
  await until(async () => !(await clock()).startsWith('0:00.000'), 'the clock moved by a tap on the timeline');
  // A keyboard beside the phone (or a switch device): the same controls by key.
  await player.focus();
  for (const key of ['ArrowRight', 'ArrowLeft', 'End', 'Home']) await page.keyboard.press(key);
  const playPause = () => player.locator('button.ls-primary').getAttribute('aria-label');
  const before = await playPause();
  await page.keyboard.press(' ');
  await until(async () => (await playPause()) !== before, 'Space toggling play and pause');
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 0, synchronous: 0 });
  assert.ok(!seen.includes('xhr'), `a basic control loaded ${SECONDARY} synchronously; refresh scripts/player-cold.txt (node scripts/profile-split.mjs)`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a docs page\'s embed fetches the second module when a reader presses a key in it, and the help opens', async () => {
  const { context, page, errors, seen } = await open('docs.html');
  const player = page.locator('#p .ls-player');
  await player.locator('.ls-stage svg .ls-node').first().waitFor();
  await page.waitForTimeout(2500);
  assert.deepEqual(seen, [], 'nothing fetched while the reader only watches');
  await player.focus();
  await until(() => page.evaluate(() => window.lambdascopeSplit.loaded), 'the second module, after focusing the player');
  assert.deepEqual(seen, ['fetch']);
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 1, synchronous: 0 });
  await page.keyboard.press('?');
  await player.locator('.ls-help').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a single-page docs site\'s navigation does not load the second module; a player with its tools added later has it fetched when idle', async () => {
  const { context, page, errors, seen } = await open('docs.html');
  await page.locator('#p .ls-player .ls-stage svg .ls-node').first().waitFor();
  // A player element added to the page, as a single-page site's navigation does.
  const add = (id, scenario, controls) => page.evaluate(([id, scenario, controls]) => {
    const el = document.createElement('div');
    el.id = id;
    el.setAttribute('data-lambdascope', scenario);
    el.setAttribute('data-controls', controls);
    document.body.append(el);
  }, [id, scenario, controls]);
  // A minimal player added (the loader's mount()), then taken away (its sweep()).
  await add('q', 'kinesis-happy-path', 'minimal');
  await page.locator('#q .ls-player .ls-stage svg .ls-node').first().waitFor();
  await page.evaluate(() => document.getElementById('q').remove());
  await page.waitForTimeout(1500);
  assert.deepEqual(seen, [], 'minimal embeds added and removed: not fetched');
  await add('full', 'sqs-happy-path', 'full');
  await page.locator('#full .ls-player .ls-strip').waitFor();
  await until(() => page.evaluate(() => window.lambdascopeSplit.loaded), 'the second module, once the full player mounted');
  assert.deepEqual(seen, ['fetch']);
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 1, synchronous: 0 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the app page fetches the second module when idle, and its tools work from it', async () => {
  const { context, page, errors, seen } = await open('');
  await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node');
  await until(() => page.evaluate(() => window.lambdascopeSplit.loaded), 'the second module on the app page');
  assert.deepEqual(seen, ['fetch']);
  // The settings form for the function box, edited.
  await page.locator('.ls-diagram .ls-node').first().click();
  await page.locator('.ls-side form, .ls-panel form').first().waitFor();
  // The charts drawn below.
  await page.locator('.ls-charts').scrollIntoViewIfNeeded();
  await page.locator('.ls-charts svg, .ls-charts canvas').first().waitFor();
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 1, synchronous: 0 });
  assert.deepEqual(errors, []);
  await page.screenshot({ path: shot('split-app-tools.png'), fullPage: true });
  await context.close();
});

test('a tool opened before the prefetch finished loads the second module synchronously, and opens', async () => {
  // The prefetch is held back until the test lets it go.
  let release;
  const held = new Promise((r) => { release = r; });
  const { context, page, errors } = await open('docs.html', [`**/${SECONDARY}`, async (route) => {
    if (route.request().resourceType() === 'fetch') await held;
    await route.continue();
  }]);
  const player = page.locator('#p .ls-player');
  await player.locator('.ls-stage svg .ls-node').first().waitFor();
  await player.focus();
  await page.keyboard.press('?');
  await player.locator('.ls-help').waitFor();
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 0, synchronous: 1 });
  release();
  await page.waitForTimeout(500);
  assert.deepEqual(await page.evaluate(() => window.lambdascopeSplit.how), { prefetched: 0, synchronous: 1 }, 'the late prefetch is not installed twice');
  assert.deepEqual(errors.filter((e) => !/Synchronous XMLHttpRequest/.test(e)), []);
  await context.close();
});

test('a second module the server cannot give shows the crash card, naming the file', async () => {
  const { context, page } = await open('docs.html', [`**/${SECONDARY}`, (route) => route.fulfill({ status: 404, body: 'not here' })]);
  const player = page.locator('#p .ls-player');
  await player.locator('.ls-stage svg .ls-node').first().waitFor();
  await player.focus();
  await page.keyboard.press('?');
  const card = page.locator('#p .ls-crash');
  await card.waitFor();
  const text = await card.innerText();
  assert.match(text, new RegExp(`part of the player could not be downloaded: ${SECONDARY.replaceAll('.', '\\.')} \\(HTTP 404\\)`));
  assert.doesNotMatch(text, /internal check/);
  await page.screenshot({ path: shot('split-crash.png') });
  await context.close();
});
