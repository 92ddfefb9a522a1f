// Issue 16 against the release build in dist/: the explore page's first frame is prerendered at
// build time by the same Yew components (scripts/post-build → src/prerender_main.rs).
//
// * With JavaScript off, dist/index.html shows the default scenario's diagram: exactly one of its
//   two frames is visible, the narrow one at 412 px and the wide one at 1440 px, and each is the
//   layout the live player picks at that width (frames under target/e2e/prerender-*.png).
// * With JavaScript on, the live player replaces the frame with no console error, no layout
//   shift above 0.05 and the same layout; a URL that asks for another scenario never shows the
//   prerendered (default) diagram.
// * The example book's chapter (scripts/build-book) carries each block's frame at its seed and
//   instant, and hands over to its players the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, watchConsole, shot, until, ROOT } from './lib.mjs';

let server, book, browser;
before(async () => {
  server = await serve();
  book = await serve(path.join(ROOT, 'examples', 'book', 'book'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await book?.close();
});

// Layout shifts (CLS: without recent input, summed), from the page's very start.
const SHIFTS = `window.__cls = 0; new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({ type: 'layout-shift', buffered: true });`;

for (const [width, frame, narrow] of [[412, 'ls-pre-narrow', true], [1440, 'ls-pre-wide', false]]) {
  test(`with JavaScript off, the default diagram is on the page at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url);
    const visible = page.locator('.ls-prerendered:visible');
    assert.equal(await visible.count(), 1, 'exactly one prerendered frame is shown');
    assert.equal(await visible.getAttribute('class'), `ls-prerendered ${frame}`);
    const player = visible.locator('.ls-player');
    assert.equal(await player.evaluate((e) => e.classList.contains('ls-narrow')), narrow);
    // The overview scenario's boxes, drawn and on screen.
    const nodes = visible.locator('.ls-diagram .ls-node');
    assert.ok(await nodes.count() >= 10, `${await nodes.count()} boxes`);
    for (const name of ['API Gateway', 'Event queue', 'Dead-letter queue']) {
      assert.ok(await visible.locator('.ls-diagram .ls-node', { hasText: name }).first().isVisible(), name);
    }
    const box = await visible.locator('.ls-diagram').boundingBox();
    assert.ok(box.width > 300 && box.height > 200, `diagram ${box.width}×${box.height}`);
    await page.screenshot({ path: shot(`prerender-nojs-${width}.png`) });
    await context.close();
  });

  test(`with JavaScript on, the live player takes the frame's place without a jump at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.addInitScript(SHIFTS);
    await page.goto(server.url);
    await page.waitForSelector('[data-lambdascope-mounted] .ls-player .ls-diagram .ls-node');
    // The rest of the player arrives after the first paint; let it settle.
    await page.waitForSelector('[data-lambdascope-mounted] .ls-legend');
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.ls-prerendered').count(), 0, 'the prerendered frames are gone');
    assert.equal(await page.locator('.ls-player').count(), 1);
    assert.equal(await page.locator('.ls-player').evaluate((e) => e.classList.contains('ls-narrow')), narrow,
      'the live player picked the layout of the frame that was shown');
    const cls = await page.evaluate(() => window.__cls);
    assert.ok(cls <= 0.05, `layout shift ${cls.toFixed(3)} > 0.05`);
    await page.screenshot({ path: shot(`prerender-live-${width}.png`) });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a URL that asks for another scenario never paints the prerendered default', async () => {
  const context = await browser.newContext({ viewport: { width: 412, height: 900 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  // Checked in every animation frame from the start: a frame is painted after its callbacks.
  await page.addInitScript(`window.__sawDefault = false; const look = () => {
    if (document.querySelector('.ls-prerendered')) window.__sawDefault = true;
    if (!document.querySelector('[data-lambdascope-mounted] .ls-diagram')) requestAnimationFrame(look);
  }; requestAnimationFrame(look);`);
  await page.goto(server.url + '?s=async-retries-dlq');
  await page.waitForSelector('[data-lambdascope-mounted] .ls-diagram .ls-node');
  assert.equal(await page.evaluate(() => window.__sawDefault), false);
  assert.match(await page.locator('.ls-summary').textContent(), /sends the event to the DLQ/);
  assert.deepEqual(problems, []);
  await context.close();
});

// The viewports of issue 16's measurements. (In a 1600 px tall window, where both players and
// the text after them are on screen at once, the rest of each player arriving after its first
// paint — legend, fault menu, charts — moves what is below it: 0.09 at 1280 px.)
for (const [width, height] of [[412, 823], [1440, 900]]) {
  test(`the book's chapter shows each block's frame without JavaScript, and hands over without a jump at ${width} px`, async () => {
    const off = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: false });
    const still = await off.newPage();
    await still.goto(book.url + 'async.html');
    const frames = still.locator('.ls-prerendered:visible');
    assert.equal(await frames.count(), 2, 'one frame per ```lambdascope block');
    // The second block opens at 62 s: its frame is drawn at that instant.
    assert.match(await frames.nth(0).locator('.ls-clock').textContent(), /^0:00\.000/);
    assert.match(await frames.nth(1).locator('.ls-clock').textContent(), /^1:02\.000/);
    assert.ok(await frames.nth(0).locator('.ls-diagram .ls-node', { hasText: 'Dead-letter queue' }).isVisible());
    await still.screenshot({ path: shot(`prerender-book-nojs-${width}.png`) });
    await off.close();

    const on = await browser.newContext({ viewport: { width, height } });
    const page = await on.newPage();
    const problems = watchConsole(page);
    await page.addInitScript(SHIFTS);
    await page.goto(book.url + 'async.html');
    // (The live players are in their elements' shadow roots: locators look inside.)
    await until(async () => (await page.locator('[data-lambdascope-mounted] .ls-legend').count()) === 2, 'two live players', 30000);
    await page.waitForTimeout(500);
    assert.equal(await page.locator('.ls-prerendered').count(), 0);
    const cls = await page.evaluate(() => window.__cls);
    assert.ok(cls <= 0.05, `layout shift ${cls.toFixed(3)} > 0.05`);
    assert.deepEqual(problems, []);
    await on.close();
  });
}
