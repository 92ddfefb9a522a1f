// Experiment (scripts/experiments/wasm-split): the split player's loader, prepended to its glue.
// The primary module imports each split-off function as `placeholder.N` (N: its slot in the
// function table); the first call of any loads the secondary module synchronously (it fills
// those slots in the shared table) and calls the slot. A real build would compile the secondary
// ahead when the page is idle, so a call only instantiates it.
{
  let primary = null, loaded = false;
  const load = () => {
    if (loaded) return;
    const x = new XMLHttpRequest(); x.open('GET', new URL('lambdascope-player_bg.secondary.wasm', import.meta.url), false);
    x.overrideMimeType('text/plain; charset=x-user-defined'); x.send();
    if (x.status !== 200) throw new Error(`the secondary module: HTTP ${x.status}`);
    const s = x.responseText, b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
    new WebAssembly.Instance(new WebAssembly.Module(b), { primary }); loaded = true;
    window.__secondaryLoadedAt = performance.now();
  };
  const placeholder = new Proxy({}, { get: (_, idx) => (...args) => { load(); return primary.table.get(Number(idx))(...args); } });
  const withPh = (imports) => (imports && imports.a ? Object.assign({}, imports, { placeholder }) : imports);
  const keep = (r) => { if (r && (r.instance || r).exports && (r.instance || r).exports.table) primary = (r.instance || r).exports; return r; };
  const is = WebAssembly.instantiateStreaming, i = WebAssembly.instantiate;
  WebAssembly.instantiateStreaming = (src, imports) => is.call(WebAssembly, src, withPh(imports)).then(keep);
  WebAssembly.instantiate = (src, imports) => i.call(WebAssembly, src, withPh(imports)).then(keep);
}
