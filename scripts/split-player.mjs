// Splits the release player bundle in two (run by scripts/build-player after wasm-opt; issue 16):
// the functions named in scripts/player-cold.txt — what the profile of a reader who watches the
// explore page and every bundled embed never ran (scripts/profile-split.mjs) — move into
// BUNDLE_bg.secondary.wasm, which the glue loads when a reader first touches a player (or, where
// a player shows its tools, when the browser is idle); scripts/split-loader.js says when and how.
//
// Deterministic: the list is committed, keyed by each function's name without the build's
// crate hashes (scripts/split-wasm.mjs), so the same source gives the same two modules and no
// browser runs in the build. A function the list does not name stays in the primary module
// (new code is never moved by accident); a list gone stale costs bytes, which e2e/bytes.test.mjs
// catches, or moves a function a watcher runs, which e2e/split.test.mjs catches.
//
// Usage: node scripts/split-player.mjs DIR BUNDLE   (DIR/BUNDLE_bg.wasm, names kept; DIR/BUNDLE.js)
// Also keeps the names-kept module and the unpatched glue in target/split/ for scripts/profile-split.mjs.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fail, fixExternrefExport, nameKey, readModule, splittable, stableName, tempDir, wasmSplit } from './split-wasm.mjs';

const [dir, bundle] = process.argv.slice(2);
if (!dir || !bundle) {
  console.error('usage: node scripts/split-player.mjs DIR BUNDLE');
  process.exit(2);
}
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const wasmFile = path.join(dir, `${bundle}_bg.wasm`);
const glueFile = path.join(dir, `${bundle}.js`);
const secondaryName = `${bundle}_bg.secondary.wasm`;
const coldFile = path.join(ROOT, 'scripts', 'player-cold.txt');

const keep = path.join(ROOT, 'target', 'split');
fs.mkdirSync(keep, { recursive: true });
fs.copyFileSync(wasmFile, path.join(keep, `${bundle}-named_bg.wasm`));
fs.copyFileSync(glueFile, path.join(keep, `${bundle}.js`));

const cold = new Set(fs.readFileSync(coldFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
const tmp = tempDir();
const mod = readModule(wasmFile, tmp);
// Kept in the first module whatever the profile says, with every function they call directly:
//  * the crash card (src/mount.rs), which must work when the second module cannot be had (a
//    healthy page never runs it, so the profile calls it cold);
//  * the framework's own code, where not made for one of our types: Yew's diffing, scheduler
//    and hash maps take paths that depend on timing (which frames a busy phone skips, which
//    attribute sets two renders compare), so a profile cannot be trusted to have seen them all
//    (one run moved Yew's attribute diff by maps, and an embed loaded the second module at its
//    first frames). +4.6 KB gzip to the first module.
const CRASH = /lambdascope::mount::(install_crash_handlers|show_crash|our_trap|overlay|drawn_into)\b/;
const FRAMEWORK = /^(?!.*lambdascope)<?(yew|hashbrown|indexmap|implicit_clone)::/;
const crash = mod.names.filter((n) => CRASH.test(stableName(n)));
if (crash.length < 4) fail(`expected the crash card's functions (${CRASH}) in the bundle, found ${crash}`);
const kept = new Set([...crash, ...mod.names.filter((n) => FRAMEWORK.test(stableName(n)))]);
for (const todo = [...kept]; todo.length;) {
  for (const callee of mod.calls.get(todo.pop()) ?? []) if (!kept.has(callee)) { kept.add(callee); todo.push(callee); }
}
const split = [];
mod.names.forEach((name, i) => {
  if (mod.pinned.has(name) || kept.has(name) || /^\d+$/.test(name)) return;
  if (cold.has(nameKey(name))) split.push(i);
});
if (split.length < 100) fail(`only ${split.length} of ${mod.names.length} functions are on ${coldFile}: refresh it (node scripts/profile-split.mjs)`);
const list = path.join(tmp, 'split.txt');
fs.writeFileSync(list, split.join('\n') + '\n');

const input = splittable(mod, tmp);
const primary = path.join(tmp, 'primary.wasm');
const secondary = path.join(tmp, 'secondary.wasm');
wasmSplit(['--split', input, '--split-funcs', `@${list}`, '-o1', primary, '-o2', secondary]);
fixExternrefExport(primary, tmp);

// The two must fit together the way the loader assumes: the primary imports its placeholders
// from `placeholder` and exports the function table; the secondary imports only from `primary`.
const [p, s] = [fs.readFileSync(primary), fs.readFileSync(secondary)];
const compile = (what, bytes) => {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    return fail(`the ${what} module does not compile: ${e.message}`);
  }
};
const pMod = compile('primary', p);
const sMod = compile('secondary', s);
const placeholders = WebAssembly.Module.imports(pMod).filter((i) => i.module === 'placeholder');
if (placeholders.length === 0) fail('the primary module imports no placeholder');
const tables = WebAssembly.Module.exports(pMod).filter((e) => e.kind === 'table' && e.name !== '__wbindgen_externrefs');
if (tables.length !== 1) fail(`expected the primary to export one function table, found ${tables.map((t) => t.name)}`);
const foreign = WebAssembly.Module.imports(sMod).filter((i) => i.module !== 'primary');
if (foreign.length) fail(`the secondary imports from ${foreign[0].module}, not only from the primary`);

// The glue: the loader at the top, told the file and the table; the imports given the
// placeholders; the loader told the primary's exports before the start function runs (which
// may call a placeholder), that it started, and when players were mounted later.
let glue = fs.readFileSync(glueFile, 'utf8');
const patch = (from, to, times) => {
  const n = glue.split(from).length - 1;
  if (n !== times) fail(`${glueFile}: expected \`${from}\` ${times} time(s), found ${n}`);
  glue = glue.replaceAll(from, to);
};
patch('const imports = __wbg_get_imports();', 'const imports = __lsSplit.imports(__wbg_get_imports());', 2);
patch('    wasm = instance.exports;\n', '    wasm = instance.exports;\n    __lsSplit.primary(wasm);\n', 1);
patch('    wasm.__wbindgen_start();\n', '    wasm.__wbindgen_start();\n    __lsSplit.started();\n', 1);
// (embed.js calls `mount()` for players added later: one of those may show its tools.)
patch('export function mount() {\n    const ret = wasm.a();\n', 'export function mount() {\n    const ret = wasm.a();\n    __lsSplit.mounted();\n', 1);
const loader = fs.readFileSync(path.join(ROOT, 'scripts', 'split-loader.js'), 'utf8')
  .replace(/\bSECONDARY\b/g, JSON.stringify(secondaryName))
  .replace(/\bTABLE\b/g, JSON.stringify(tables[0].name));
fs.writeFileSync(glueFile, loader + glue);
fs.writeFileSync(wasmFile, p);
fs.writeFileSync(path.join(dir, secondaryName), s);
fs.rmSync(tmp, { recursive: true, force: true });

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
console.log(`split: ${split.length} of ${mod.names.length} functions to ${secondaryName}; `
  + `primary ${p.length} B (${gz(p)} gzip), secondary ${s.length} B (${gz(s)} gzip), ${placeholders.length} placeholders`);
