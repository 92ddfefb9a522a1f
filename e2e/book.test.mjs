// The example mdBook (scripts/build-book): its pages carry working, independent players made by
// the mdbook-lambdascope preprocessor from ```lambdascope blocks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, watchConsole, shot, until, ROOT } from './lib.mjs';

const BOOK = path.join(ROOT, 'examples', 'book', 'book');
let server, browser;
before(async () => {
  server = await serve(BOOK);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a book page with two blocks gets two players, one opening at the chosen moment', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + 'async.html');
  const players = page.locator('.lambdascope-embed');
  // (Each player is in its element's shadow root: locators look inside, querySelector does not.)
  await until(async () => (await page.locator('.lambdascope-embed .ls-diagram .ls-node').count()) > 0
    && (await page.locator('.lambdascope-embed .ls-clock').count()) === 2, 'two players', 15000);
  assert.equal(await players.count(), 2);
  // The second block says at = "62s": that player lands paused at 1:02.000.
  const clock = players.nth(1).locator('.ls-clock');
  assert.match(await clock.textContent(), /1:02\.000/);
  // The book's own text is still there around the players.
  assert.match(await page.locator('main').textContent(), /retries it twice/);
  await page.screenshot({ path: shot('book-async.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('an inline scenario block runs the scenario written in the book', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + 'sync.html');
  // The live player (the chapter also carries its prerendered frame until then).
  await page.waitForSelector('.lambdascope-embed[data-lambdascope-mounted] .ls-diagram .ls-node', { timeout: 15000 });
  const text = await page.locator('.lambdascope-embed[data-lambdascope-mounted] .ls-root .ls-player').textContent();
  assert.match(text, /API Gateway/);
  await page.screenshot({ path: shot('book-sync.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a book player's Copy link opens the full app beside the book, at the same moment", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + 'async.html');
  // (The players are in their elements' shadow roots: locators look inside, querySelector does not.)
  await until(async () => (await page.locator('.lambdascope-embed[data-lambdascope-mounted] .ls-legend').count()) === 2, 'two live players', 30000);
  // Until its stylesheet has loaded a live player stays hidden behind the chapter's prerendered
  // still (both in the host: src/mount.rs, keep_still_until_styled); wait for the handover.
  await page.waitForFunction(() => !document.querySelector('.lambdascope-embed > .ls-prerendered-box'));
  const player = page.locator('.lambdascope-embed').nth(1);
  await player.locator('.ls-clock').waitFor();
  await player.locator('details.ls-share summary').click();
  await player.locator('[data-ls=copy-link]').click();
  await player.locator('[data-ls=share-status]').filter({ hasText: /copied|did not allow/ }).waitFor();
  const link = await player.locator('[data-ls=share-text]').inputValue();
  assert.match(link, new RegExp(`^${server.url}lambdascope/\\?s=async-retries-dlq&seed=\\d+&t=62000&`));
  const app = await context.newPage();
  const appProblems = watchConsole(app);
  await app.goto(link);
  await app.waitForSelector('.ls-diagram .ls-node');
  assert.match(await app.locator('.ls-clock').textContent(), /^1:02\.000/);
  assert.equal(await app.locator('.ls-player').getAttribute('data-ls-playing'), 'false');
  assert.deepEqual([...problems, ...appProblems], []);
  await context.close();
});
