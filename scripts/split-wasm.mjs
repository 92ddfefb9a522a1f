// What scripts/split-player.mjs (the release build) and scripts/profile-split.mjs (a developer's
// refresh of the cold list) share: reading a names-kept bundle's functions, naming them stably
// across builds, and running binaryen's wasm-split (issue 16).
//
// Why binaryen 108 (Debian's package, unpacked by scripts/setup into target/binaryen-108): the
// npm binaryen the build optimizes with (132) ships no wasm-split, and no newer build is on this
// machine's registries. Two workarounds for that old version, each checked, so a changed input
// fails the build instead of shipping a wrong module:
//  * its parser does not know `table.fill`, which wasm-bindgen's externref table setup uses once
//    to fill one slot: rewritten to the `table.set` it is;
//  * it exports `__wbindgen_externrefs` under the funcref table's index: patched back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
export const FEATURES = ['--enable-bulk-memory', '--enable-reference-types', '--enable-sign-ext',
  '--enable-nontrapping-float-to-int', '--enable-mutable-globals', '--enable-multivalue'];
const SPLIT_HOME = process.env.LS_BINARYEN_SPLIT || path.join(ROOT, 'target', 'binaryen-108');
const SPLIT_BIN = path.join(SPLIT_HOME, 'usr', 'bin', 'wasm-split');

export function fail(why) {
  console.error(`split: ${why}`);
  process.exit(1);
}

function run(file, args) {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LD_LIBRARY_PATH: path.join(SPLIT_HOME, 'usr', 'lib', 'x86_64-linux-gnu') },
    });
  } catch (e) {
    const err = String(e.stderr || '').split('\n').filter((l) => !/^warning: data index/.test(l)).join('\n');
    fail(`${path.basename(file)} ${args.join(' ')} failed: ${err || e.message}`);
  }
}

export const wasmSplit = (args) => {
  if (!fs.existsSync(SPLIT_BIN)) fail(`${SPLIT_BIN} missing: scripts/setup unpacks Debian's binaryen there`);
  return run(SPLIT_BIN, [...args, ...FEATURES]);
};
const wasmDis = (input, output) => run(path.join(BIN, 'wasm-dis'), [input, '-o', output]);
const wasmAs = (input, output) => run(path.join(BIN, 'wasm-as'), [...FEATURES, input, '-o', output]);

export function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lambdascope-split-'));
}

// A function's name with what changes between builds of the same code left out: the crate
// disambiguators (`yew[8187baefbc647de9]`) and binaryen's suffix for a repeated name (`fmt.252`).
export function stableName(name) {
  return name.replace(/\[[0-9a-f]{16}\]/g, '').replace(/\.\d+$/, '');
}
// What the cold list stores: 12 hex digits of the stable name's SHA-1 (a line per function, not
// a Rust type name of a few hundred characters).
export const nameKey = (name) => crypto.createHash('sha1').update(stableName(name)).digest('hex').slice(0, 12);

const NAME = String.raw`\$(?:"(?:[^"\\]|\\.)*"|[^\s()]+)`;
const unquote = (n) => (n.startsWith('$"')
  ? n.slice(2, -1).replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16))
    : e === 'n' ? '\n' : e === 't' ? '\t' : e))
  : n.slice(1));

// Reads a names-kept wasm: its text (wasm-dis), every defined function's name in order (in a
// module without names, wasm-split 108 names a function by its position among the defined
// functions, imports not counted), which are exported or the start function (never split), and
// each one's direct callees.
export function readModule(wasmFile, dir) {
  const wat = path.join(dir, 'named.wat');
  wasmDis(wasmFile, wat);
  const text = fs.readFileSync(wat, 'utf8');
  const funcRe = new RegExp(String.raw`^ \(func (${NAME})`, 'gm');
  const names = [];
  const starts = [];
  for (let m; (m = funcRe.exec(text));) {
    starts.push(m.index);
    names.push(unquote(m[1]));
  }
  if (names.length === 0) fail(`${wasmFile} defines no function`);
  const first = starts[0];
  // Each function's direct callees (`call`, `return_call`), by name.
  const callRe = new RegExp(String.raw`\((?:call|return_call) (${NAME})`, 'g');
  const calls = new Map(names.map((name, i) => [name, new Set(
    [...text.slice(starts[i], starts[i + 1] ?? text.length).matchAll(callRe)].map((c) => unquote(c[1])))]));
  const head = text.slice(0, first);
  const pinned = new Set();
  for (const line of head.split('\n')) {
    if (!/^ \((export|start) /.test(line)) continue;
    for (const r of line.matchAll(new RegExp(`\\(func (${NAME})\\)|^ \\(start (${NAME})`, 'g'))) pinned.add(unquote(r[1] || r[2]));
  }
  if (names.filter((n) => !/^\d+$/.test(n)).length < names.length / 2) fail(`${wasmFile} has no names section (build it with -g)`);
  return { text, names, pinned, calls };
}

// The module as wasm-split 108 can read it: without names (functions are then named by index),
// its one `table.fill` of one slot written as a `table.set`.
export function splittable(mod, dir) {
  const fill = /\(table\.fill (\$[\w$]+)\n(\s+)\(local\.get (\$[\w$]+)\)\n\s+\(ref\.null noextern\)\n\s+\(i32\.const 1\)\n(\s+)\)/g;
  const n = (mod.text.match(/\(table\.fill/g) || []).length;
  const m = mod.text.match(fill);
  if (n !== 1 || !m || m.length !== 1) fail(`expected one table.fill of one slot (wasm-bindgen's externref table), found ${n}`);
  const input = path.join(dir, 'input.wat');
  fs.writeFileSync(input, mod.text.replace(fill, '(table.set $1\n$2(local.get $3)\n$2(ref.null noextern)\n$4)'));
  const out = path.join(dir, 'input.wasm');
  wasmAs(input, out);
  return out;
}

// wasm-split 108 exports the externref table under the funcref table's index; this puts it back
// (checked: exactly one such export, and the module has the two tables). Through binaryen 132's
// text and back, not by patching the export section alone (scripts/wasm-binary.mjs could):
// 132 writes 108's module 388 B gzip smaller, measured on the player's first module.
export function fixExternrefExport(file, dir) {
  const wat = path.join(dir, 'fix.wat');
  wasmDis(file, wat);
  let text = fs.readFileSync(wat, 'utf8');
  const wrong = '(export "__wbindgen_externrefs" (table $0))';
  const count = text.split(wrong).length - 1;
  if (count !== 1 || !/^ \(table \$1 \d+ externref\)/m.test(text)) {
    fail(`${path.basename(file)}: expected wasm-split's one misplaced __wbindgen_externrefs export, found ${count}`);
  }
  text = text.replace(wrong, '(export "__wbindgen_externrefs" (table $1))');
  fs.writeFileSync(wat, text);
  wasmAs(wat, file);
}
