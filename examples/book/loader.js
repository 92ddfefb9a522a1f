// Loads the lambdascope player from lambdascope/ beside this file and mounts one independent player
// in every [data-lambdascope] element of the page. A classic script (mdBook's additional-js),
// so it uses a dynamic import for the ES-module glue.
(function () {
  var here = document.currentScript && document.currentScript.src;
  var base = (here ? here.replace(/[^/]*$/, '') : './') + 'lambdascope/';
  // Share links made by these players open the full app beside the player (which the player
  // would otherwise find from this stylesheet's address, hashed by mdBook when book.toml links it).
  window.lambdascopeBase = window.lambdascopeBase || base;
  // The bundled scenarios' files (lambdascope/scenarios/): a player fetches the one it opens.
  window.lambdascopeFiles = base;
  // book.toml's additional-css already links it (for the prerendered frames); other books may not.
  var css = document.querySelector('link[rel="stylesheet"][href*="lambdascope/lambdascope"]');
  if (!css) {
    css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = base + 'lambdascope.css';
    document.head.appendChild(css);
  }
  // Each player links its stylesheet again inside its shadow root: the page's own copy (mdBook
  // hashes its name), which a host that lets it be cached serves from the cache, rather than
  // lambdascope/lambdascope.css, one more request for the same rules.
  window.lambdascopeStyles = window.lambdascopeStyles || css.href;
  // The player-only bundle: a book's players need no lessons or comparison (a sixth smaller).
  import(base + 'lambdascope-player.js')
    .then(function (m) { return m.default({ module_or_path: base + 'lambdascope-player_bg.wasm' }); })
    .catch(function (e) { console.error('lambdascope: could not load the player', e); });
})();
