// Writes the app's other pages beside index.html (run by scripts/post-build, after the prerender,
// before the minifier): one page per bundle, so each can preload its own bundle's wasm in its
// <head> (issue 16). A page's bundle is named by its <meta name="lambdascope-bundle">, which
// static/embed.js reads to forward an address that belongs to another page.
//
//   lessons.html  the lessons (lambdascope-app), with the `#lessons` still
//   compare.html  the comparison (lambdascope-compare), with the `#compare` still
//   import.html   the Import view (lambdascope-import), with the loading line
//
// Each is index.html with three things changed: the bundle meta and preload links, the title,
// and the first frame in the app's element.
//
// Usage: node scripts/pages.mjs DIR
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
  console.error('usage: node scripts/pages.mjs DIR (a build directory with index.html)');
  process.exit(2);
}
const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
const fail = (why) => { console.error(`pages.mjs: index.html ${why}`); process.exit(1); };
if (!index.includes('<meta name="lambdascope-bundle" content="lambdascope-player"')) fail('does not name its bundle');
for (const f of ['lambdascope-player.js', 'lambdascope-player_bg.wasm']) {
  if (!index.includes(`href="./${f}"`)) fail(`does not preload ${f}`);
}
// The app's element and whatever is drawn in it (the explore page's still, or the loading line
// in a debug build), up to the element's end just before <noscript>.
const ELEMENT = /(<div data-lambdascope="[^"]*">)([\s\S]*?)(<\/div>\s*<noscript>)/;
if (!ELEMENT.test(index)) fail('has no [data-lambdascope] element before its <noscript>');
const LOADING = '<p class="ls-loading">Loading the simulator…</p>';

function page(bundle, title, frame) {
  return index
    .replace('<meta name="lambdascope-bundle" content="lambdascope-player"', `<meta name="lambdascope-bundle" content="${bundle}"`)
    .replaceAll('href="./lambdascope-player.js"', `href="./${bundle}.js"`)
    .replaceAll('href="./lambdascope-player_bg.wasm"', `href="./${bundle}_bg.wasm"`)
    .replace(/<title>[^<]*<\/title>/, `<title>${title}</title>`)
    .replace(ELEMENT, (_, open, __, close) => open + frame + close);
}
// The lessons page opens on `#lessons` and the comparison's on `#compare` (embed.js sets them on
// a bare address): their stills, when the prerender drew them (release builds).
function stillOf(name) {
  const still = path.join(dir, 'stills', `${name}.html`);
  if (!fs.existsSync(still)) return LOADING;
  const html = fs.readFileSync(still, 'utf8').trim();
  if (!html.startsWith('<div class="ls-prerendered-box">')) fail(`… stills/${name}.html is not a still`);
  return html;
}
const pages = {
  'lessons.html': page('lambdascope-app', 'lambdascope lessons: how AWS services invoke a Lambda function', stillOf('lessons')),
  'compare.html': page('lambdascope-compare', 'lambdascope: one fault, three ways to invoke a function', stillOf('compare')),
  'import.html': page('lambdascope-import', 'lambdascope: your own stack, imported from SAM or CloudFormation', LOADING),
};
for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(dir, name), html);
console.log(`pages: ${Object.keys(pages).join(', ')}`);
