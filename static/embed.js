// lambdascope loader: one module script that mounts an independent player into every
// <lambdascope-player> and [data-lambdascope] element of the page.
//
//   <div data-lambdascope="async-retries-dlq" data-at="62000"></div>
//   <script type="module" src="https://example.org/lambdascope/embed.js"></script>
//
// It is a file, not an inline script, so pages with a strict Content-Security-Policy
// (script-src 'self' 'wasm-unsafe-eval') can use it; the app's own index.html loads through it too.
// It also
//   * tells the players where their stylesheet is (lambdascope.css, beside this file): each
//     player links it inside its own shadow root, so nothing depends on the page's <head>;
//   * fetches the WebAssembly only once a player is within 400 px of the viewport;
//   * mounts players into elements added later (single-page docs sites), and destroys those
//     whose element was removed;
//   * sizes iframe embeds on this page: an <iframe data-lambdascope-frame src=".../?embed&...">
//     gets the height its player posts ({ type: "lambdascope:resize", height }), and tells them
//     the host page's theme ({ type: "lambdascope:theme", theme }).
const base = new URL('./', import.meta.url);
// Share links made by these players point at the full app beside this file.
globalThis.lambdascopeBase ??= base.href;
globalThis.lambdascopeStyles = new URL('lambdascope.css', base).href;
// The bundled scenarios' files are beside the bundle, in scenarios/ (a host may point share
// links elsewhere through lambdascopeBase, not these).
globalThis.lambdascopeFiles = base.href;

// The element form of a player, <lambdascope-player data-lambdascope="…" data-at="…">: the same
// data-* attributes and the same player as the <div> form (both are drawn in a shadow root).
if (!customElements.get('lambdascope-player')) {
  customElements.define('lambdascope-player', class LambdascopePlayer extends HTMLElement {});
}

// ---- The app's pages: one per bundle (issue 16) ----
// index.html (the player), lessons.html (the lessons), compare.html (the
// comparison) and import.html (the Import view) each preload their own bundle's wasm in their <head>, so its
// download starts with the page's first round trip instead of after this script's. Each says
// which bundle that is (<meta name="lambdascope-bundle">). An address that asks one page for a
// view another page's bundle draws (an older link such as index.html#lessons, or a view's own
// reload when its URL changed to another's view) is forwarded there before anything else runs.
const PAGES = { 'lambdascope-player': './', 'lambdascope-app': 'lessons.html', 'lambdascope-compare': 'compare.html', 'lambdascope-import': 'import.html' };
// The app's own pages (<body class="ls-page">), whose address speaks to the player; every other
// page only embeds players.
const appPage = document.body.classList.contains('ls-page');
const pageBundle = appPage ? document.querySelector('meta[name="lambdascope-bundle"]')?.content ?? null : null;
// A page's bare address opens its view: the lessons page the lessons (its still is drawn for
// `#lessons`), the comparison's and the import page theirs. Bare of what the app reads, that is:
// a query of only a host's or a campaign's parameters (`?utm_source=…`, `?fbclid=…`) is kept and
// the view's fragment added (without that, it read as an explore link and left for `./`).
const HOME = { 'lambdascope-app': '#lessons', 'lambdascope-compare': '#compare', 'lambdascope-import': '#import' };
const APP_KEYS = ['compare', 'import', 'lessons', 'lesson', 'beat', 's', 'scenario', 'z', 'toml', 'seed', 't', 'in', 'speed', 'filter', 'embed', 'controls', 'theme', 'autoplay'];
if (HOME[pageBundle] && !location.hash && !pairs(location.search.slice(1)).some(([k]) => APP_KEYS.includes(k))) {
  history.replaceState(null, '', location.search + HOME[pageBundle]);
}
// The bundle this page loads: its own, when that draws the view the URL asks for; null when the
// address belongs to another page.
const needed = bundle();
const chosen = !pageBundle || needed === pageBundle ? needed : null;
if (!chosen) location.replace(new URL(PAGES[needed], base).href + location.search + location.hash);

// The stills the build drew for the app page's addresses (<meta name="lambdascope-stills">, below).
const STILLS = document.querySelector('meta[name="lambdascope-stills"]')?.content.split(' ') ?? [];

// ---- The scenario's file (issue 16) ----
// The player's bundle carries the default scenario's text alone; another one the address names
// (`s=ID` or `scenario=ID`, the fragment's last, as share_link::from_url reads them) is a file
// beside this script (scenarios/ID.toml) that the player fetches once it runs. Preloaded here, it
// arrives beside the bundle instead of a round trip after it (the same mode and credentials as
// the player's fetch(), so that fetch takes it). Only a scenario the build drew an embed still
// for is a bundled one (the page's still list, below): an unknown id is the player's to report,
// with no 404 here. An inline scenario (`z=`, `toml=`) needs no file.
if (appPage && chosen === 'lambdascope-player') {
  const said = [location.search, location.hash].flatMap((part) => pairs(part.replace(/^[#?]+/, '')));
  const named = said.filter(([k]) => k === 's' || k === 'scenario').map(([, v]) => v).at(-1);
  if (named && named !== 'overview' && !said.some(([k]) => k === 'z' || k === 'toml') && STILLS.includes(`embed-${named}`)) {
    document.head.append(Object.assign(document.createElement('link'), {
      rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: new URL(`scenarios/${named}.toml`, base).href,
    }));
  }
}

// ---- Prerendered first frames (issue 16: ARCHITECTURE.md, src/prerender_main.rs) ----
// The app page carries the default view's still. Another address gets the still drawn for
// exactly what it asks (stills/NAME.html, if on the page's list), else the loading line; a still
// that arrives after the live page mounted (which cleared the loading line) is dropped.
{
  // What a still cannot carry: the style properties the components set (data-ls-style, set via
  // the CSSOM, which a strict CSP allows) and, on the app page, the system's dark theme.
  const fit = (root) => {
    for (const el of root.querySelectorAll('.ls-prerendered [data-ls-style]')) el.style.cssText = el.dataset.lsStyle;
    if (!appPage || !matchMedia('(prefers-color-scheme: dark)').matches) return;
    for (const p of root.querySelectorAll('.ls-prerendered .ls-theme-light')) p.classList.replace('ls-theme-light', 'ls-theme-dark');
  };
  // The page's own still is for its address alone: index.html's for no parameters at all,
  // lessons.html's for `#lessons` (and no stored progress), compare.html's for `#compare`.
  const OWN = { 'lambdascope-app': 'lessons', 'lambdascope-compare': 'compare' };
  const own = OWN[pageBundle] ? stillName() === OWN[pageBundle] : !(location.search || location.hash);
  if (!chosen) { /* forwarded: the next page draws its own */ } else if (!appPage || own) fit(document);
  else {
    const loading = Object.assign(document.createElement('p'), { className: 'ls-loading', textContent: 'Loading the simulator…' });
    document.querySelector('.ls-prerendered-box')?.replaceWith(loading);
    const name = stillName();
    if (name && STILLS.includes(name) && loading.isConnected) {
      fetch(new URL(`stills/${name}.html`, base))
        .then((r) => (r.ok ? r.text() : null))
        .then((html) => {
          if (!html || !loading.isConnected) return;
          // The build's own markup (never user text), parsed inert.
          const still = new DOMParser().parseFromString(html, 'text/html').body.firstElementChild;
          if (!still?.classList.contains('ls-prerendered-box')) return;
          fit(still);
          if (name.startsWith('embed-')) document.body.classList.add('ls-embed');
          loading.replaceWith(still);
        })
        .catch(() => {});
    }
  }
}
// The still for exactly what this address asks, or null: none for a parameter that could change
// the first frame or one not known here, reduced motion, or (lessons) stored progress.
function stillName() {
  if (matchMedia('(prefers-reduced-motion: reduce)').matches) return null;
  const query = pairs(location.search.slice(1));
  const fragment = pairs(location.hash.slice(1));
  const only = (ps, ok) => new Set(ps.map(([k]) => k)).size === ps.length && ps.every(([k, v]) => ok[k]?.(v));
  const get = (ps, key) => ps.find(([k]) => k === key)?.[1];
  const id = (v) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(v);
  const flag = (v) => v === '';
  // `?embed&s=ID` (minimal controls are an embed's default).
  if (!fragment.length && only(query, { embed: flag, s: id, controls: (v) => v === 'minimal' })
    && get(query, 'embed') !== undefined && get(query, 's')) return `embed-${get(query, 's')}`;
  // The comparison's own link, `#compare` (its default fault; a fault's link gets no still).
  if (!query.length && fragment.length === 1 && fragment[0][0] === 'compare' && fragment[0][1] === '') return 'compare';
  // A lessons link, in the fragment or else the query (as route() reads it).
  const lessons = fragment.length ? (query.length ? [] : fragment) : query;
  if (!lessons.length || !only(lessons, { lessons: flag, lesson: id, beat: (v) => /^[1-9][0-9]{0,2}$/.test(v) })) return null;
  try {
    if (localStorage.getItem('lambdascope.progress') !== null) return null;
  } catch { /* no storage: no progress either */ }
  const lesson = get(lessons, 'lesson');
  if (lesson) return `lesson-${lesson}-${get(lessons, 'beat') ?? 1}`;
  return get(lessons, 'beat') === undefined ? 'lessons' : null;
}
// ---- end of the prerendered frames ----

// Iframe embeds. A frame posts its height whenever it changes; one that loaded before this
// script could listen is asked again ({ type: "lambdascope:measure" }).
const FRAMES = 'iframe[data-lambdascope-frame]';
addEventListener('message', (e) => {
  const d = e.data;
  if (!d || d.type !== 'lambdascope:resize' || !Number.isFinite(d.height)) return;
  for (const frame of document.querySelectorAll(FRAMES)) {
    if (frame.contentWindow === e.source) frame.style.height = `${Math.max(0, Math.ceil(d.height))}px`;
  }
});
const measure = (frame) => frame.contentWindow?.postMessage({ type: 'lambdascope:measure' }, '*');
const asked = new WeakSet();
function watchFrames() {
  for (const frame of document.querySelectorAll(FRAMES)) {
    if (asked.has(frame)) continue;
    asked.add(frame);
    measure(frame);
    frame.addEventListener('load', () => { measure(frame); forwardTheme(true); });
  }
}
watchFrames();

// Where the common docs generators put their dark-mode marker, in the order they are asked:
// [element, attribute, value, theme]; the first row whose element has that attribute with that
// value decides ("class": a class of that name; "*": any value). The player reads the same table
// (THEME_MARKERS in src/embed.rs; a test checks they agree).
const THEME_MARKERS = [
  ["html", "data-theme", "dark", "dark"],
  ["html", "data-theme", "light", "light"],
  ["body", "data-theme", "dark", "dark"],
  ["body", "data-theme", "light", "light"],
  ["body", "data-md-color-scheme", "slate", "dark"],
  ["body", "data-md-color-scheme", "*", "light"],
  ["html", "data-md-color-scheme", "slate", "dark"],
  ["html", "data-md-color-scheme", "*", "light"],
  ["html", "class", "dark", "dark"],
  ["html", "class", "coal", "dark"],
  ["html", "class", "navy", "dark"],
  ["html", "class", "ayu", "dark"],
  ["html", "class", "light", "light"],
  ["html", "class", "rust", "light"]
];
// 'dark', 'light', or null to let each frame follow the system.
function hostTheme() {
  for (const [on, attr, value, theme] of THEME_MARKERS) {
    const el = on === 'html' ? document.documentElement : document.body;
    if (!el) continue;
    const v = attr === 'class' ? (el.classList.contains(value) ? value : null) : el.getAttribute(attr);
    if (v !== null && (value === '*' || v === value)) return theme;
  }
  return null;
}
// Iframe embeds cannot see the host page: tell each one the host's theme, now and whenever the
// host toggles it (issue 14), with the message the player already understands.
// A marker that goes away (VitePress's light mode is no class at all) sends 'auto': the frame
// goes back to its own setting or the system's.
let sentTheme = 'auto';
function forwardTheme(force) {
  const theme = hostTheme() ?? 'auto';
  if (theme === sentTheme && !force) return;
  sentTheme = theme;
  for (const frame of document.querySelectorAll(FRAMES)) {
    frame.contentWindow?.postMessage({ type: 'lambdascope:theme', theme }, '*');
  }
}
const themeWatch = { attributes: true, attributeFilter: [...new Set(THEME_MARKERS.map((m) => m[1]))] };
new MutationObserver(() => forwardTheme(false)).observe(document.documentElement, themeWatch);
if (document.body) new MutationObserver(() => forwardTheme(false)).observe(document.body, themeWatch);

// Four bundles: lambdascope-player (the explore view and every embed: the only one that draws a
// player), lambdascope-app (the lessons), lambdascope-compare (the comparison) and
// lambdascope-import (the Import view: template reader, importer, advice). This reads the URL as
// the app does (a test in src/components/app.rs checks every view's key is here): an embed
// (`embed` switched on, in the query or the fragment, the fragment's word last, as
// share_link::from_url reads it) is the player's; else the view is `route()`'s: of the fragment,
// or of the query when there is none, with any leading `#`/`?` trimmed; `compare`, then
// `import`, then `lesson`/`lessons` without a scenario. (Each bundle reloads the page when its
// URL changes to another's view, so this choice is made again; a rule that disagreed with
// `route()` reloaded forever.)
function bundle() {
  if (!appPage || embedded()) return 'lambdascope-player';
  const fragment = location.hash.replace(/^#/, '');
  const keys = pairs((fragment || location.search).replace(/^[#?]+/, '')).map(([k]) => k);
  const has = (k) => keys.includes(k);
  const scenario = ['s', 'scenario', 'z', 'toml'].some(has);
  if (has('compare')) return 'lambdascope-compare';
  if (has('import')) return 'lambdascope-import';
  return !scenario && (has('lessons') || has('lesson')) ? 'lambdascope-app' : 'lambdascope-player';
}
// An address part's [key, raw value] pairs in order (`part` without its leading `?` or `#`):
// what every rule here reads an address with.
function pairs(part) {
  return part.split('&').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    return at < 0 ? [kv, ''] : [kv.slice(0, at), kv.slice(at + 1)];
  });
}
// Whether the address asks for an embed page (`?embed`, `embed=1`; `embed=0` is not one).
function embedded() {
  let on = false;
  for (const part of [location.search, location.hash]) {
    for (const [k, raw] of pairs(part.replace(/^[#?]+/, ''))) {
      if (k !== 'embed') continue;
      let v;
      try { v = decodeURIComponent(raw); } catch { continue; }
      if (['', '1', 'true', 'yes', 'on'].includes(v)) on = true;
      else if (['0', 'false', 'no', 'off'].includes(v)) on = false;
    }
  }
  return on;
}

const SELECTOR = 'lambdascope-player:not([data-lambdascope-mounted]), [data-lambdascope]:not([data-lambdascope-mounted])';
let started = null;
// The first call loads the app (its start function mounts every player on the page); later
// calls mount players added since. Pages with only iframes never download it.
function start() {
  if (!chosen) return;   // forwarded to another page
  if (!started) {
    // Compile the WebAssembly while the glue script loads, not after it: the app's init accepts
    // a promise of a compiled module. (A server without the application/wasm type gets the
    // non-streaming compile.)
    const name = chosen;
    const wasm = new URL(`${name}_bg.wasm`, base);
    const compiled = WebAssembly.compileStreaming(fetch(wasm))
      .catch(() => fetch(wasm).then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)));
    started = import(new URL(`${name}.js`, base).href)
      .then((app) => app.default({ module_or_path: compiled }).then(() => app))
      .catch((e) => console.error('lambdascope: could not load the player', e));
  } else {
    started.then((app) => app?.mount());
  }
}

const near = new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) {
    near.disconnect();
    start();
  }
}, { rootMargin: '400px' });
const watch = () => document.querySelectorAll(SELECTOR).forEach((el) => near.observe(el));

// The app page (and any page that says so) loads at once.
if (appPage) start();
else watch();

// (Not on the app's own pages: their one player is the page, never replaced, and it has no
// iframes to size; watching there ran this on every node the playing player inserts, about
// 1 ms a frame on a phone.)
if (!appPage) new MutationObserver((records) => {
  watchFrames();
  // Players whose element left the page (a single-page docs site replaced its content) are
  // destroyed: their timers, observers and DOM go with them.
  // (Only removals that took a mounted player with them: a player's own re-renders remove nodes
  // every frame, and those must not call into the app.)
  const MOUNTED = '[data-lambdascope-mounted]';
  const tookPlayer = (n) => n.nodeType === 1 && (n.matches(MOUNTED) || n.querySelector(MOUNTED));
  if (started && records.some((r) => [...r.removedNodes].some(tookPlayer))) started.then((app) => app?.sweep?.());
  if (!document.querySelector(SELECTOR)) return;
  if (started) start();
  else watch();
}).observe(document.documentElement, { childList: true, subtree: true });
