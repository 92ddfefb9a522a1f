// Experiment (scripts/experiments/wasm-split): serves DIR (a site whose player is split) and drives
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
  page.on('console', (m) => { if (m.type() !== 'log') console.log('console', m.type(), m.text().slice(0, 200)); else console.log('log', m.text()); });
  await page.addInitScript(() => {
    let primary = null, loaded = false;
    // Synchronously, the first time a split-off function is called: a failed load throws (and the
    // player's crash card shows) instead of calling the placeholder again.
    const load = () => {
      if (loaded) return;
      const x = new XMLHttpRequest(); x.open('GET', 'lambdascope-player_bg.secondary.wasm', false);
      x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
      if (x.status !== 200) throw new Error(`the secondary module: HTTP ${x.status}`);
      const s = x.responseText, b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
      new WebAssembly.Instance(new WebAssembly.Module(b), { primary });
      loaded = true;
      console.log('secondary loaded');
    };
    const placeholder = new Proxy({}, { get: (_, idx) => (...args) => { load(); return primary.table.get(Number(idx))(...args); } });
    const withPh = (imports) => Object.assign({}, imports, { placeholder });
    const keep = (r) => { primary = (r.instance || r).exports; window.__primary = primary; return r; };
    const is = WebAssembly.instantiateStreaming, i = WebAssembly.instantiate;
    WebAssembly.instantiateStreaming = (src, imports) => is.call(WebAssembly, src, withPh(imports)).then(keep);
    WebAssembly.instantiate = (src, imports) => i.call(WebAssembly, src, withPh(imports)).then(keep);
  });
  const t0 = Date.now();
  await page.goto(server.url + url);
  await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node', { timeout: 30000 });
  await page.waitForTimeout(3000);
  console.log(url, 'mounted; tokens', await page.evaluate(() => document.querySelector('.ls-tokens')?.dataset.tokens), 'clock', await page.locator('.ls-clock').first().textContent());
  // A tool: open a box's panel and edit a value.
  if (!url.includes('embed')) {
    await page.locator('.ls-node[data-node="function"]').click();
    await page.waitForTimeout(500);
    console.log('panel', await page.locator('.ls-panel h2').textContent());
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
