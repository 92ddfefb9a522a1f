// Renames a wasm-bindgen bundle's imports and exports to short names, in the wasm and in its
// JavaScript glue together (run by scripts/build-player on every release bundle, before
// wasm-opt and esbuild).
//
// Why (issue 16): wasm-bindgen names each of the ~260 functions the wasm imports from its glue
// `__wbg_<method>_<16 hex digits>`, all from the module "./<bundle>_bg.js", and its closure
// exports after their full Rust types. Those names are written twice, in the wasm's import
// section and as the keys of the glue's import object, and their random hex digits are what
// gzip cannot shrink: about 6 KB of the player's 356 KB gzip were names. Nothing outside the glue
// sees them: the glue builds the import object and reaches every export as `wasm.<name>`.
//
// Safe by construction or not at all: an import's name must occur exactly once in the glue, as
// `name:` (its key in the import object), the module's name exactly once, as `"module":`, and an
// export is renamed only where the glue writes `wasm.<name>`. Anything else stops the build with
// a message naming what was not found, rather than emit a bundle whose imports do not resolve.
//
// Usage: node scripts/short-names.mjs DIR/BUNDLE   (rewrites BUNDLE.js and BUNDLE_bg.wasm)
import fs from 'node:fs';
import { assemble, name, reader, sections as sectionsOf, u32 } from './wasm-binary.mjs';

const stem = process.argv[2];
if (!stem) {
  console.error('usage: node scripts/short-names.mjs DIR/BUNDLE (BUNDLE.js and BUNDLE_bg.wasm beside each other)');
  process.exit(2);
}
const wasmPath = `${stem}_bg.wasm`;
const jsPath = `${stem}.js`;
const fail = (why) => {
  console.error(`short-names: ${stem}: ${why}`);
  process.exit(1);
};

// Short, distinct names: a … z, A … Z, then two characters, and so on (never `__proto__`).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = ALPHABET + '0123456789_$';
function shortName(i) {
  let s = ALPHABET[i % ALPHABET.length];
  i = Math.floor(i / ALPHABET.length);
  while (i > 0) { i -= 1; s += DIGITS[i % DIGITS.length]; i = Math.floor(i / DIGITS.length); }
  return s;
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const file of [wasmPath, jsPath]) if (!fs.existsSync(file)) fail(`${file} does not exist`);
const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, 'utf8');
// Sections as [id, body] in order; the import (2) and export (7) sections are rewritten.
const sections = sectionsOf(wasm) ?? fail(`${wasmPath} is not a WebAssembly module`);

const importNames = new Map(); // old field name → new
const moduleNames = new Map(); // old module name → new
const importSection = sections.find(([id]) => id === 2);
if (importSection) {
  const r = reader(importSection[1]);
  const count = r.u32();
  const parts = [u32(count)];
  for (let i = 0; i < count; i += 1) {
    const module = r.name();
    const field = r.name();
    const descStart = r.pos;
    const kind = r.byte();
    if (kind === 0) r.u32();                       // function: its type
    else if (kind === 1) { r.byte(); r.limits(); } // table: element type, limits
    else if (kind === 2) r.limits();               // memory
    else if (kind === 3) { r.byte(); r.byte(); }   // global: value type, mutability
    else if (kind === 4) { r.byte(); r.u32(); }    // tag
    else fail(`import ${module}.${field} has an unknown kind ${kind}`);
    if (!moduleNames.has(module)) moduleNames.set(module, shortName(moduleNames.size));
    if (!importNames.has(field)) importNames.set(field, shortName(importNames.size));
    parts.push(name(moduleNames.get(module)), name(importNames.get(field)), importSection[1].subarray(descStart, r.pos));
  }
  importSection[1] = Buffer.concat(parts);
}

// Exports that keep their names: wasm-bindgen's own (`__wbindgen_malloc`, …) and the memory are
// the same in every bundle, short enough, and what a debugger or a test reaching into the running
// instance names (e2e/hostile.test.mjs traps the allocator through `__wbindgen_malloc`).
const KEPT = /^(__wbindgen_|__externref_|memory$)/;
const exportNames = new Map(); // old export name → new (only those the glue reaches as wasm.NAME)
const exportSection = sections.find(([id]) => id === 7);
if (exportSection) {
  const r = reader(exportSection[1]);
  const count = r.u32();
  const parts = [u32(count)];
  const taken = new Set();
  const olds = [];
  for (let i = 0; i < count; i += 1) {
    const old = r.name();
    const kind = r.byte();
    const index = r.u32();
    olds.push([old, kind, index]);
    taken.add(old);
  }
  let next = 0;
  for (const [old, kind, index] of olds) {
    let fresh = old;
    if (!KEPT.test(old) && new RegExp(`\\bwasm\\.${escape(old)}\\b`).test(js)) {
      do { fresh = shortName(next++); } while (taken.has(fresh));
      taken.add(fresh);
      exportNames.set(old, fresh);
    }
    parts.push(name(fresh), Buffer.from([kind]), u32(index));
  }
  exportSection[1] = Buffer.concat(parts);
}

// --- the glue, rewritten to match ---
for (const [old, fresh] of moduleNames) {
  const quoted = new RegExp(`"${escape(old)}"\\s*:`, 'g');
  const found = js.match(quoted)?.length ?? 0;
  if (found !== 1) fail(`the import module "${old}" appears ${found} times as a key in ${jsPath}, not once`);
  js = js.replace(quoted, `"${fresh}":`);
}
for (const [old, fresh] of importNames) {
  const word = new RegExp(`\\b${escape(old)}\\b`, 'g');
  const found = js.match(word)?.length ?? 0;
  if (found !== 1) fail(`the import ${old} appears ${found} times in ${jsPath}, not once (as its key)`);
  const key = new RegExp(`\\b${escape(old)}(\\s*):`);
  if (!key.test(js)) fail(`the import ${old} is not a key (\`${old}:\`) in ${jsPath}`);
  js = js.replace(key, `${fresh}$1:`);
}
for (const [old, fresh] of exportNames) {
  js = js.replace(new RegExp(`\\bwasm\\.${escape(old)}\\b`, 'g'), `wasm.${fresh}`);
}

const rewritten = assemble(wasm, sections);
fs.writeFileSync(wasmPath, rewritten);
fs.writeFileSync(jsPath, js);
console.log(`short-names: ${stem}: ${importNames.size} imports, ${exportNames.size} exports renamed; wasm ${wasm.length} → ${rewritten.length} B`);
