// Issue 12, items 1 and 2, against the release build in dist/: nothing a link or a host page
// sends can blank a player or its neighbours.
//
// * A 257-character link with one burst of 20,000 failing asynchronous events used to exhaust
//   WebAssembly memory (`unreachable`, a blank page). It now plays, stops cleanly at the player's
//   run budget and says so, with the page's memory bounded.
// * A burst of 1,000,000 events is refused up front by field name; the default plays instead.
// * On a host page with three script embeds sharing one wasm instance, a hostile `data-toml`
//   gets its own notice and the other two keep playing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, watchConsole, shot, siteWith } from './lib.mjs';

const burst = (n) => `format_version = 1
id = "burst"
title = "One burst of ${n}"
horizon_s = 3600
[function]
duration = { distribution = "fixed", ms = 800 }
behaviour = { kind = "throw" }
[[sources]]
kind = "s3"
id = "u"
bucket = "b"
[[workload]]
source = "u"
count = ${n}
`;

const status = (pid) => fs.readFileSync(`/proc/${pid}/status`, 'utf8');
const parent = (pid) => Number(status(pid).match(/PPid:\s+(\d+)/)[1]);

const cmdline = (pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');

/** Peak resident memory (MB) of the renderer processes of the browser launched with `marker`
 *  (an inert switch on its command line; its renderers are its descendants in /proc). */
function rendererPeaksMb(marker) {
  const peaks = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    try {
      if (!cmdline(pid).includes('--type=renderer')) continue;
      let p = pid;
      while (p > 1 && !cmdline(p).includes(marker)) p = parent(p);
      if (p <= 1) continue;
      peaks.push(Number(status(pid).match(/VmHWM:\s+(\d+)/)[1]) / 1024);
    } catch { /* the process ended while being read */ }
  }
  assert.ok(peaks.length > 0, 'found the renderer');
  return peaks;
}

/** Opens `url` in a fresh browser (so its renderer's peak memory is this page's alone). */
async function openAlone(url, viewport = { width: 1280, height: 900 }) {
  const marker = `--lambdascope-probe=${process.pid}-${Math.random().toString(36).slice(2)}`;
  const browser = await launch([marker]);
  const page = await browser.newPage({ viewport });
  const problems = watchConsole(page);
  await page.goto(url);
  await page.waitForSelector('.ls-stage svg', { timeout: 60_000 });
  return { browser, page, problems, marker };
}

/** The player's clock reading, as shown. */
const clock = (player) => player.locator('.ls-clock').first().innerText();

let app, site;
before(async () => {
  const attr = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  site = siteWith({
    'three-hostile.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>three</title>
<script type="module" src="embed.js"></script></head>
<body>
<div id="a" data-lambdascope="apigw-happy-path" data-controls="minimal" data-speed="1"></div>
<div id="b" data-lambdascope data-toml="${attr(burst(1_000_000))}" data-controls="minimal"></div>
<div id="c" data-lambdascope data-toml="${attr(burst(20_000))}" data-controls="minimal"></div>
<div id="d" data-lambdascope="sqs-happy-path" data-controls="minimal" data-speed="1"></div>
</body></html>`,
  }, 'ls-budget-');
  app = await serve(site.dir);
});
after(async () => {
  await app?.close();
  site?.remove();
});

test('a 20,000-event link plays, stops at the budget with a notice, and stays within 256 MB', async () => {
  // The same page with a tiny scenario first: what the renderer costs without a big run.
  const small = await openAlone(`${app.url}#toml=${encodeURIComponent(burst(10))}`);
  await small.page.waitForTimeout(1500);
  const baseline = Math.max(...rendererPeaksMb(small.marker));
  assert.deepEqual(small.problems, []);
  await small.browser.close();

  for (const url of [`${app.url}#toml=${encodeURIComponent(burst(20_000))}`,
    `${app.url}?embed&toml=${encodeURIComponent(burst(20_000))}`]) {
    const { browser, page, problems, marker } = await openAlone(url);
    const notice = page.locator('.ls-budget');
    await notice.waitFor({ timeout: 30_000 });
    const text = await notice.innerText();
    assert.match(text, /stopped at .* of simulated time/);
    assert.match(text, /at most 500,000 trace events/);
    // It plays: the clock moves.
    const t0 = await clock(page);
    await page.waitForTimeout(1500);
    assert.notEqual(await clock(page), t0, 'the clock advances');
    // A fault injected into a run at the budget builds the new run beside the old one: the
    // page's worst moment.
    const fault = page.locator('.ls-fault', { hasText: 'Fail next attempt' });
    if (!url.includes('embed')) assert.ok(await fault.count() > 0, 'the explore page offers faults');
    if (await fault.count()) {
      await fault.first().click();
      await page.locator('.ls-branch li').first().waitFor({ timeout: 30_000 });
    }
    await page.waitForTimeout(1000);
    const peak = Math.max(...rendererPeaksMb(marker));
    assert.ok(peak - baseline < 256, `the page grew by ${Math.round(peak - baseline)} MB (peak ${Math.round(peak)} MB)`);
    await page.screenshot({ path: shot(url.includes('embed') ? 'budget-embed-20000.png' : 'budget-20000.png') });
    assert.deepEqual(problems, []);
    await browser.close();
  }
});

test('a 1,000,000-event burst is refused by field name and the default plays', async () => {
  const { browser, page, problems } = await openAlone(`${app.url}#toml=${encodeURIComponent(burst(1_000_000))}`);
  const notice = page.locator('.ls-notice').first();
  await notice.waitFor();
  const text = await notice.innerText();
  assert.match(text, /workload\[0\]\.count: 1,000,000 events in one burst/);
  assert.match(text, /at most 20,000 here/);
  assert.match(await page.locator('[data-ls=picker] option:checked').textContent(), /Three ways to invoke one function/, 'the default scenario');
  const t0 = await clock(page);
  await page.waitForTimeout(1200);
  assert.notEqual(await clock(page), t0, 'the default scenario plays');
  assert.deepEqual(problems, []);
  await browser.close();
});

test('one hostile embed among four: it explains itself, the others keep playing', async () => {
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = watchConsole(page);
  await page.goto(`${app.url}three-hostile.html`);
  for (const id of ['a', 'b', 'c', 'd']) {
    const p = page.locator(`#${id}`);
    await p.scrollIntoViewIfNeeded();
    await p.locator('.ls-stage svg').waitFor({ timeout: 60_000 });
  }
  assert.match(await page.locator('#b .ls-notice').first().innerText(), /workload\[0\]\.count: 1,000,000 events in one burst/);
  assert.match(await page.locator('#c .ls-budget').innerText(), /at most 500,000 trace events/);
  // The well-behaved players still run: each clock moves while it is on screen.
  for (const id of ['a', 'd']) {
    const p = page.locator(`#${id}`);
    await p.scrollIntoViewIfNeeded();
    const before = await clock(p);
    await page.waitForTimeout(1200);
    assert.notEqual(await clock(p), before, `#${id} keeps playing`);
  }
  await page.screenshot({ path: shot('budget-three-embeds.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await browser.close();
});
