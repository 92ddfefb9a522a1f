// Issue 15 item 2 against the release build in dist/: the function's scaling budget (L-SCALING:
// 1,000 new environments per 10 s, refilled continuously) is drawn from the core's scene.
//
// 5,000 callers invoke at once (no SDK retries, so the numbers are the sheet's alone): their
// Invokes reach Lambda at 40 ms, which creates 1,000 environments and throttles the other 4,000.
// At 45 ms the budget is empty (the next environment in 5 ms); at 5,040 ms half of it is back.
// The gauge in the function's box and the metric under the diagram show exactly those values,
// on a phone and on a desktop, and the `?` sheet's legend says what the gauge is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { watchConsole, shot, startApp, stopApp } from './lib.mjs';

const CALLERS = `format_version = 1
id = "five-thousand"
title = "5,000 callers at once"
horizon_s = 60

[account]
concurrency = 10000

[function]
name = "flash-sale"
timeout_s = 30
duration = { distribution = "fixed", ms = 20000 }

[[sources]]
kind = "custom"
id = "app"
sdk_max_attempts = 1

[[workload]]
source = "app"
count = 5000
`;
const z = zlib.deflateRawSync(Buffer.from(CALLERS)).toString('base64url');

let server, browser;
before(async () => ({ server, browser } = await startApp()));
after(() => stopApp({ server, browser }));

async function at(ms, width, height) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}?z=${z}&t=${ms}`);
  await page.waitForSelector('.ls-node-function .ls-scaling');
  await page.waitForSelector('[data-metric="New environments left"]');
  return { page, problems, close: () => context.close() };
}

/** What the gauge and the metric show, and how big they are on screen. */
function read(page) {
  return page.evaluate(() => {
    const g = document.querySelector('.ls-node-function .ls-scaling');
    const box = document.querySelector('.ls-node-function .ls-box').getBoundingClientRect();
    const bar = g.querySelector('.ls-scaling-track').getBoundingClientRect();
    const fill = g.querySelector('.ls-scaling-fill').getBoundingClientRect();
    const chart = document.querySelector('[data-metric="New environments left"]');
    const value = chart.querySelector('figcaption b');
    return {
      left: g.dataset.left,
      rate: g.dataset.rate,
      texts: [...g.querySelectorAll('text')].map((t) => t.textContent),
      label: document.querySelector('.ls-node-function').getAttribute('aria-label'),
      share: fill.width / bar.width,
      barWidth: bar.width,
      inside: bar.left >= box.left && bar.right <= box.right && bar.top >= box.top && bar.bottom <= box.bottom,
      metric: value.textContent,
      metricPx: parseFloat(getComputedStyle(value).fontSize),
      clock: document.querySelector('.ls-clock').textContent,
    };
  });
}

test('the scaling gauge and metric show the scene’s budget for 5,000 callers, phone and desktop', async () => {
  for (const [width, height] of [[390, 844], [1440, 900]]) {
    const empty = await at(45, width, height);
    const e = await read(empty.page);
    assert.match(e.clock, /^0:00\.045 \//, `${width}: landed at 45 ms`);
    assert.equal(e.left, '0', `${width}: nothing left at 45 ms`);
    assert.equal(e.rate, '1000');
    assert.deepEqual(e.texts, ['new 0/1000', '+100/s']);
    assert.match(e.label, /scaling budget: 0 of 1000 new environments left, the next in 5 ms/);
    assert.ok(e.share < 0.01, `${width}: the bar is empty (${e.share})`);
    assert.ok(e.inside, `${width}: the gauge sits in the function's box`);
    assert.ok(e.barWidth >= 40, `${width}: the bar is ${e.barWidth} px wide`);
    assert.equal(e.metric, '0');
    assert.ok(e.metricPx >= 12, `${width}: the metric's value is ${e.metricPx} px`);
    await empty.page.screenshot({ path: shot(`scaling-empty-${width}.png`) });
    assert.deepEqual(empty.problems, []);
    await empty.close();

    const half = await at(5040, width, height);
    const h = await read(half.page);
    assert.match(h.clock, /^0:05\.040 \//, `${width}: landed at 5,040 ms`);
    assert.equal(h.left, '500', `${width}: half refilled at 5,040 ms`);
    assert.deepEqual(h.texts, ['new 500/1000', '+100/s']);
    assert.ok(Math.abs(h.share - 0.5) < 0.02, `${width}: the bar is half full (${h.share})`);
    assert.equal(h.metric, '500');
    await half.page.locator('.ls-node-function').screenshot({ path: shot(`scaling-half-${width}.png`) });
    assert.deepEqual(half.problems, []);
    await half.close();
  }
});

test('the ? sheet’s legend explains the gauge', async () => {
  const { page, problems, close } = await at(45, 390, 844);
  await page.locator('.ls-node-function').focus();
  await page.keyboard.press('?');
  const entry = page.locator('.ls-help .ls-legend li', { hasText: 'scaling budget' });
  await entry.waitFor();
  assert.match(await entry.textContent(), /1,000 per 10 s, refilled continuously.*429/);
  assert.equal(await entry.locator('.ls-scaling-fill').count(), 1);
  assert.deepEqual(problems, []);
  await close();
});
