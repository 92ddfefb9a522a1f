// Experiment (scripts/experiments/wasm-split): serves DIR (a site whose player is instrumented by
// wasm-split --instrument) and, for each address, loads it, lets it play 4 s and writes the
// profile (`__write_profile`) to OUT-N.prof.
import fs from 'node:fs';
import { launch, serve } from '../../e2e/lib.mjs';
const dir = process.argv[2], out = process.argv[3], urls = process.argv.slice(4);
const server = await serve(dir);
const browser = await launch();
let n = 0;
// An address may end in `@WIDTH` (CSS px; 412 otherwise): `?embed&s=x@1440` is a desktop's.
for (const arg of urls) {
  const [url, width = '412'] = arg.split('@');
  const page = await (await browser.newContext({ viewport: { width: Number(width), height: 823 } })).newPage();
  page.on('pageerror', (e) => console.log('pageerror', e.message)); page.on('console', (m) => console.log('console', m.type(), m.text())); page.on('requestfailed', (r) => console.log('failed', r.url()));
  await page.addInitScript(() => {
    const keep = (r) => { window.__inst = r.instance || r; return r; };
    const is = WebAssembly.instantiateStreaming, i = WebAssembly.instantiate;
    WebAssembly.instantiateStreaming = (...a) => is.apply(WebAssembly, a).then(keep);
    WebAssembly.instantiate = (...a) => i.apply(WebAssembly, a).then(keep);
  });
  await page.goto(server.url + url);
  await page.waitForSelector('[data-lambdascope-mounted] .ls-stage svg .ls-node', { timeout: 60000 });
  await page.waitForTimeout(4000);
  const bytes = await page.evaluate(() => {
    const e = window.__inst.exports; const size = 1 << 20;
    const ptr = e.__wbindgen_malloc(size, 8);
    const len = e.__write_profile(ptr, size);
    return Array.from(new Uint8Array(e.memory.buffer, ptr, len));
  });
  fs.writeFileSync(`${out}-${n++}.prof`, Buffer.from(bytes));
  console.log(arg, bytes.length);
  await page.close();
}
await browser.close(); await server.close();
