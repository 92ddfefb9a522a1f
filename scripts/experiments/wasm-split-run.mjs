// Experiment (scripts/experiments/wasm-split): serves DIR (a site whose player is split, its
// loader wasm-split-shim.js in the glue) and drives
// each address: an embed left to play, the explore page through the panel, an edit and an export.
// Prints what it saw and which .wasm files were requested.
import path from 'node:path';
import { launch, serve } from '../../e2e/lib.mjs';
const dir = process.argv[2], urls = process.argv.slice(3);
const log = [];
const server = await serve(dir);
const browser = await launch();
for (const url of urls) {
  const page = await (await browser.newContext({ viewport: { width: 412, height: 823 } })).newPage();
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) log.push(new URL(r.url()).pathname); });
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  page.on('console', (m) => { if (m.type() !== 'log') console.log('console', m.type(), m.text().slice(0, 200)); });
  await page.goto(server.url + url);
  await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node', { timeout: 30000 });
  await page.waitForTimeout(3000);
  console.log(url, 'mounted; tokens', await page.evaluate(() => document.querySelector('.ls-tokens')?.dataset.tokens), 'clock', await page.locator('.ls-clock').first().textContent());
  // A tool: open a box's panel and edit a value.
  if (!url.includes('embed')) {
    await page.locator('.ls-node[data-node="function"]').click();
    await page.waitForTimeout(500);
    console.log('panel', await page.locator('.ls-panel h2').textContent(), '· secondary loaded at',
      await page.evaluate(() => window.__secondaryLoadedAt?.toFixed(0)), 'ms');
    const input = page.locator('.ls-panel [data-path="function.timeout_s"] input');
    await input.fill('2'); await input.press('Enter'); await page.waitForTimeout(500);
    console.log('picker', await page.locator('select[data-ls="picker"] option:checked').textContent());
    await page.locator('details.ls-share summary').click();
    await page.locator('[data-ls="export-json"]').click(); await page.waitForTimeout(300);
    console.log('share status', await page.locator('[data-ls="share-status"]').textContent());
  }
  await page.screenshot({ path: path.join(dir, '..', `shot-${url ? 'embed' : 'explore'}.png`) });
  await page.close();
}
console.log('wasm requests', log);
await browser.close(); await server.close();
