// Issue 14 (part): removed players are cleaned up. A single-page docs site replaces its content on
// every in-site click; a player whose element left the page used to keep its DOM, listeners and
// its narrator's interval alive (+5,688 nodes and more intervals every round trip). Now embed.js
// asks the app to sweep: every player whose element is gone is destroyed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { watchConsole, shot, until, useSite } from './lib.mjs';

const env = useSite({
  'spa.html': `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A single-page docs site</title>
<script type="module" src="embed.js"></script></head>
<body><nav>docs</nav><main id="content"></main></body></html>`,
}, 'ls-life-');

test('players removed by a single-page navigation are destroyed: DOM and intervals back to baseline', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems = watchConsole(page);
  // Count the intervals alive on the page (set and not yet cleared).
  await page.addInitScript(() => {
    const live = new Set();
    const set = window.setInterval.bind(window);
    const clear = window.clearInterval.bind(window);
    window.setInterval = (...a) => { const id = set(...a); live.add(id); return id; };
    window.clearInterval = (id) => { live.delete(id); return clear(id); };
    window.__liveIntervals = () => live.size;
  });
  await page.goto(`${env.server.url}spa.html`);
  const cdp = await page.context().newCDPSession(page);
  const nodesAfterGc = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(200);
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Memory.getDOMCounters')).nodes;
  };
  // "Navigate" to a page with two players, then away, like an instant-navigation docs site.
  const visit = async (n) => {
    await page.evaluate((n) => {
      document.getElementById('content').innerHTML = `<h1>Page ${n}</h1>
        <div data-lambdascope="async-retries-dlq" data-controls="minimal"></div>
        <p>Between the players.</p>
        <div data-lambdascope="sqs-happy-path"></div>`;
    }, n);
    // (Each player lives in its element's shadow root: a locator looks inside, querySelector not.)
    await until(async () => (await page.locator('#content .ls-player .ls-stage svg').count()) === 2);
    await page.waitForTimeout(600);
  };
  const leave = async () => {
    await page.evaluate(() => { document.getElementById('content').innerHTML = '<h1>A page without players</h1>'; });
    await page.waitForTimeout(400);
  };
  // Baseline: the page before any player.
  const baseline = await nodesAfterGc();
  const intervalsBaseline = await page.evaluate(() => window.__liveIntervals());
  await visit(0);
  await page.screenshot({ path: shot('lifecycle-visit.png') });
  await leave();
  for (let i = 1; i <= 5; i++) {
    await visit(i);
    await leave();
  }
  const nodes = await nodesAfterGc();
  const intervals = await page.evaluate(() => window.__liveIntervals());
  assert.ok(nodes - baseline < 100, `DOM nodes after six round trips: ${nodes} (before any player ${baseline})`);
  assert.equal(intervals, intervalsBaseline, 'no interval outlives its player');
  assert.equal(intervals, 0, 'no player left, no interval');
  // A player put back later is mounted afresh.
  await visit(6);
  assert.equal(await page.locator('#content .ls-player').count(), 2);
  assert.deepEqual(problems, []);
});

test('auto theme follows the host toggle, in script embeds and in iframes', async () => {
  fs.writeFileSync(path.join(env.site.dir, 'furo.html'), `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sphinx + Furo</title>
<script type="module" src="embed.js"></script></head>
<body data-theme="light">
<div id="s" data-lambdascope="apigw-happy-path" data-controls="minimal"></div>
<iframe id="f" data-lambdascope-frame src="index.html?embed&s=apigw-happy-path&controls=minimal" style="width:100%;height:400px;border:0"></iframe>
</body></html>`);
  const page = await env.browser.newPage({ viewport: { width: 900, height: 1000 }, colorScheme: 'light' });
  const problems = watchConsole(page);
  await page.goto(`${env.server.url}furo.html`);
  await page.locator('#s .ls-stage svg').waitFor({ timeout: 30_000 });
  const frame = page.frameLocator('#f');
  await frame.locator('.ls-stage svg').waitFor({ timeout: 30_000 });
  const dark = async () => [
    await page.locator('#s .ls-player').evaluate((e) => e.classList.contains('ls-theme-dark')),
    await frame.locator('.ls-player').evaluate((e) => e.classList.contains('ls-theme-dark')),
  ];
  assert.deepEqual(await dark(), [false, false], 'light host, light players');
  // The reader flips Furo's toggle: both players follow, live.
  await page.evaluate(() => document.body.setAttribute('data-theme', 'dark'));
  await page.waitForTimeout(500);
  assert.deepEqual(await dark(), [true, true], 'dark host, dark players');
  await page.screenshot({ path: shot('theme-host-dark.png'), fullPage: true });
  await page.evaluate(() => document.body.setAttribute('data-theme', 'light'));
  await page.waitForTimeout(500);
  assert.deepEqual(await dark(), [false, false], 'and back');
  // MkDocs Material's marker, on <body>.
  await page.evaluate(() => { document.body.removeAttribute('data-theme'); document.body.setAttribute('data-md-color-scheme', 'slate'); });
  await page.waitForTimeout(500);
  assert.deepEqual(await dark(), [true, true], 'Material slate');
  assert.deepEqual(problems, []);
});
