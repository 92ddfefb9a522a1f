// lambdascope loader: one module script that mounts an independent player into every
// [data-lambdascope] element of the page.
//
//   <div data-lambdascope="async-retries-dlq" data-at="62000"></div>
//   <script type="module" src="https://example.org/lambdascope/embed.js"></script>
//
// It is a file, not an inline script, so pages with a strict Content-Security-Policy
// (script-src 'self' 'wasm-unsafe-eval') can use it; the app's own index.html loads through it too.
// It also
//   * adds the player's stylesheet (lambdascope.css, beside this file) unless the page has it;
//   * fetches the WebAssembly only once a player is within 400 px of the viewport;
//   * mounts players into elements added later (single-page docs sites), and destroys those
//     whose element was removed;
//   * sizes iframe embeds on this page: an <iframe data-lambdascope-frame src=".../?embed&...">
//     gets the height its player posts ({ type: "lambdascope:resize", height }).
const base = new URL('./', import.meta.url);
// Share links made by these players point at the full app beside this file.
globalThis.lambdascopeBase ??= base.href;

if (!document.querySelector('link[rel="stylesheet"][href*="lambdascope.css"]')) {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('lambdascope.css', base).href;
  document.head.append(css);
}

// The app page's prerendered first frame (issue 16, scripts/post-build) is the default explore
// view: while the bundle loads for a URL that asks for something else (a scenario, a lesson, an
// embed), the page says it is loading instead of showing the wrong diagram.
if (document.body?.classList.contains('ls-page') && (location.search || location.hash)) {
  document.querySelector('.ls-prerendered-box')
    ?.replaceWith(Object.assign(document.createElement('p'), { className: 'ls-loading', textContent: 'Loading the simulator…' }));
}

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

// The host page's own dark-mode marker, where the common generators put it (the same rules as
// the player's `host_theme`): 'dark', 'light', or null to let each frame follow the system.
function hostTheme() {
  const html = document.documentElement;
  const body = document.body;
  const named = (t) => (t === 'dark' || t === 'light' ? t : null);
  const scheme = body?.getAttribute('data-md-color-scheme') ?? html.getAttribute('data-md-color-scheme');
  return named(html.getAttribute('data-theme'))
    ?? named(body?.getAttribute('data-theme'))
    ?? (scheme ? (scheme === 'slate' ? 'dark' : 'light') : null)
    ?? (html.classList.contains('dark') ? 'dark' : null)
    ?? (['coal', 'navy', 'ayu'].some((c) => html.classList.contains(c)) ? 'dark' : null)
    ?? (['light', 'rust'].some((c) => html.classList.contains(c)) ? 'light' : null);
}
// Iframe embeds cannot see the host page: tell each one the host's theme, now and whenever the
// host toggles it (issue 14), with the message the player already understands.
let sentTheme = null;
function forwardTheme(force) {
  const theme = hostTheme();
  if (!theme || (theme === sentTheme && !force)) return;
  sentTheme = theme;
  for (const frame of document.querySelectorAll(FRAMES)) {
    frame.contentWindow?.postMessage({ type: 'lambdascope:theme', theme }, '*');
  }
}
new MutationObserver(() => forwardTheme(false)).observe(document.documentElement, {
  attributes: true, subtree: false, attributeFilter: ['class', 'data-theme', 'data-md-color-scheme'],
});
if (document.body) {
  new MutationObserver(() => forwardTheme(false)).observe(document.body, {
    attributes: true, attributeFilter: ['class', 'data-theme', 'data-md-color-scheme'],
  });
}

// Two bundles: lambdascope-app (player, lessons, comparison) and lambdascope-player (the player
// alone, a sixth smaller). Only the app's own page asking for the lessons or the comparison needs
// the first. This reads the URL as `route()` in src/components/app.rs does: the fragment, or the
// query when there is none; `compare`, or `lesson`/`lessons` without a scenario. (The player
// bundle reloads the page when its URL changes to one of those, so this choice is made again.)
function bundle() {
  if (!document.body.classList.contains('ls-page')) return 'lambdascope-player';
  const url = location.hash.replace(/^#/, '') || location.search.replace(/^\?/, '');
  const keys = url.split('&').map((kv) => kv.split('=')[0]);
  const has = (k) => keys.includes(k);
  if (has('embed')) return 'lambdascope-player';
  const scenario = ['s', 'scenario', 'z', 'toml'].some(has);
  return has('compare') || (!scenario && (has('lessons') || has('lesson')))
    ? 'lambdascope-app'
    : 'lambdascope-player';
}

const SELECTOR = '[data-lambdascope]:not([data-lambdascope-mounted])';
let started = null;
// The first call loads the app (its start function mounts every player on the page); later
// calls mount players added since. Pages with only iframes never download it.
function start() {
  if (!started) {
    // Compile the WebAssembly while the glue script loads, not after it: the app's init accepts
    // a promise of a compiled module. (A server without the application/wasm type gets the
    // non-streaming compile.)
    const name = bundle();
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
if (document.body.classList.contains('ls-page')) start();
else watch();

new MutationObserver((records) => {
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
