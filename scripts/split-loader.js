// The player's second module (issue 16; scripts/split-player.mjs puts this at the top of the
// player's glue). The release build moves the functions a reader who watches, or uses the
// player's basic controls (play, pause, steps, reset, speed, the timeline), never runs — the
// parameter form, the share menu's exports, the charts, the help sheet, error paths — into
// SECONDARY, so the module every page downloads first is 37.7 KB (11 %) smaller. The primary module
// imports each moved function as `placeholder.N` (N: its slot in the function table); the
// secondary, once instantiated, fills those slots in the shared table with the real functions.
//
// When it loads:
//  * where a player shows its tools (the explore page, a `controls=full` embed), as soon as the
//    browser is idle after the player started: compiled off the main thread while the reader
//    looks at the diagram;
//  * elsewhere (embeds, docs pages), the first time a reader points at, presses, or tabs into a
//    player — before the event reaches it, so the tool it opens is usually there already;
//  * otherwise, when a placeholder is called first: fetched and compiled synchronously, then
//    called — a freeze of the download's length, once. A page pays it when a tool is used
//    before the download above finished (a tap right after the first touch), or on a path the
//    build's profile did not see; e2e/split.test.mjs fails when watching an embed, or a first
//    tap on its basic controls, takes it.
// A module that cannot be loaded throws a WebAssembly.RuntimeError naming the file, which the
// player's crash card shows (src/mount.rs) instead of a player in a broken state.
const __lsSplit = (() => {
  const url = new URL(SECONDARY, import.meta.url);
  let primary = null;
  let loaded = false;
  let pending = null;
  const how = { prefetched: 0, synchronous: 0 };
  const install = (module) => {
    if (loaded) return;
    new WebAssembly.Instance(module, { primary });
    loaded = true;
  };
  // (src/mount.rs's crash card knows this message by its first words, "could not load ".)
  const failed = (why) => new WebAssembly.RuntimeError(`could not load ${SECONDARY} (${why})`);
  function prefetch() {
    if (loaded || pending || !primary) return;
    const bytes = () => fetch(url).then((r) => {
      if (!r.ok) throw failed(`HTTP ${r.status}`);
      return r.arrayBuffer();
    });
    // (A server without the application/wasm type gets the non-streaming compile.)
    pending = WebAssembly.compileStreaming(fetch(url))
      .catch(() => bytes().then((b) => WebAssembly.compile(b)))
      .then((module) => { if (!loaded) how.prefetched += 1; install(module); })
      // A failed prefetch is retried by the first placeholder call, which reports it.
      .catch(() => { pending = null; });
  }
  function loadNow() {
    const x = new XMLHttpRequest();
    x.open('GET', url, false);
    x.overrideMimeType('text/plain; charset=x-user-defined');
    try {
      x.send();
    } catch (e) {
      throw failed(e.message);
    }
    if (x.status !== 200) throw failed(`HTTP ${x.status}`);
    const s = x.responseText;
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
    how.synchronous += 1;
    try {
      install(new WebAssembly.Module(b));
    } catch (e) {
      throw failed(e.message);
    }
  }
  const placeholder = new Proxy({}, {
    get: (_, slot) => function () {
      if (!loaded) loadNow();
      return primary[TABLE].get(Number(slot)).apply(this, arguments);
    },
  });
  const idle = (f) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 3000 }) : setTimeout(f, 500));
  // Whether a mounted player shows its tools (`controls=full`: the service strip is drawn), in the
  // page or in a shadow root of its element or of the element's child.
  const showsTools = () => [...document.querySelectorAll('[data-lambdascope-mounted]')].some((el) =>
    [el, el.shadowRoot, ...[...el.children].map((c) => c.shadowRoot)].some((root) => root && root.querySelector('.ls-strip')));
  function started() {
    if (typeof document === 'undefined') return;
    // (Capture listeners on the window run before any of the player's own: `pointerover` before
    // a hover's, `focus` before the player's focus handling, which `focusin` would follow.)
    const touched = (e) => {
      if (e.composedPath().some((n) => n.nodeType === 1 && n.hasAttribute('data-lambdascope-mounted'))) prefetch();
    };
    for (const type of ['pointerover', 'pointerdown', 'keydown', 'focus']) addEventListener(type, touched, { capture: true, passive: true });
    mounted();
  }
  // (A player is drawn a task or more after it is mounted: looked for again, for about a second.)
  function mounted(tries = 5) {
    if (loaded || pending) return;
    idle(() => {
      if (showsTools()) prefetch();
      else if (tries > 1) setTimeout(() => mounted(tries - 1), 200);
    });
  }
  // For the tests and the benchmark: how the secondary came (window.lambdascopeSplit).
  if (typeof window !== 'undefined') {
    window.lambdascopeSplit = { get loaded() { return loaded; }, how, file: SECONDARY };
  }
  return {
    imports: (imports) => Object.assign(imports, { placeholder }),
    primary: (exports) => { primary = exports; },
    started,
    mounted,
  };
})();
