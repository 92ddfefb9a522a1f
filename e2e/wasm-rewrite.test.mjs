// The two rewrites scripts/build-player makes to every release bundle (issue 16):
// scripts/short-names.mjs (imports and exports renamed in the wasm and its glue together) and
// scripts/merge-data.mjs (data segments joined). Each is run on a small module assembled here
// from text (binaryen's wasm-as) and held to what it must keep: the same memory, imports that the
// glue still provides, and a refusal, naming the import, where the glue does not match.
// The shipped bundles are checked too: short names and one data segment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DIST, ROOT } from './lib.mjs';
import { reader, sections } from '../scripts/wasm-binary.mjs';

const WASM_AS = path.join(ROOT, 'node_modules', '.bin', 'wasm-as');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-rewrite-'));

// Only the features the bundles use: wasm-as --all-features would write imports in the compact
// form of a later proposal, which no Rust toolchain emits and the rewrite does not read.
function assemble(name, wat) {
  const source = path.join(tmp, `${name}.wat`);
  const out = path.join(tmp, `${name}.wasm`);
  fs.writeFileSync(source, wat);
  const run = spawnSync(WASM_AS, ['--enable-bulk-memory', '--enable-reference-types', source, '-o', out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return out;
}
const script = (name, ...args) => spawnSync('node', [path.join(ROOT, 'scripts', name), ...args], { encoding: 'utf8' });

// [offset, length] of each data segment (all active at constant offsets here).
function dataSegments(bytes) {
  const data = sections(bytes).find(([id]) => id === 11);
  if (!data) return [];
  const r = reader(data[1]);
  const out = [];
  for (let i = r.u32(); i > 0; i -= 1) {
    assert.equal(r.u32(), 0, 'an active segment');
    assert.equal(r.byte(), 0x41, 'at an i32.const offset');
    const offset = r.s32();
    r.byte();
    const length = r.u32();
    out.push([offset, length]);
    r.pos += length;
  }
  return out;
}

test('merge-data joins near segments, keeps far ones apart, and leaves the memory as it was', async () => {
  const file = assemble('data', `(module
    (memory (export "memory") 1)
    (data (i32.const 1024) "abc")
    (data (i32.const 1030) "\\01\\02")
    (data (i32.const 1200) "near")
    (data (i32.const 4000) "far away")
    (data (i32.const 4010) "x"))`);
  const before = fs.readFileSync(file);
  const run = script('merge-data.mjs', file);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /5 → 2 data segments/);
  const after = fs.readFileSync(file);
  // 1024…1204 is one segment (gaps of 3 and 168 bytes); 4000 is 2,796 bytes on, so its own.
  assert.deepEqual(dataSegments(after), [[1024, 180], [4000, 11]]);
  const memory = async (bytes) => new Uint8Array((await WebAssembly.instantiate(bytes)).instance.exports.memory.buffer);
  assert.deepEqual(await memory(after), await memory(before));
});

test('merge-data leaves a module with a passive segment as it is', () => {
  const file = assemble('passive', `(module
    (memory 1)
    (data (i32.const 16) "a")
    (data "passive")
    (func (export "f") (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 1))))`);
  const before = fs.readFileSync(file);
  const run = script('merge-data.mjs', file);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /left as it is/);
  assert.deepEqual(fs.readFileSync(file), before);
});

const WAT_BINDGEN = `(module
  (import "./demo_bg.js" "__wbg_answer_0123456789abcdef" (func $answer (result i32)))
  (import "./demo_bg.js" "__wbg_double_fedcba9876543210" (func $double (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasm_bindgen_convert_closures_invoke_a_very_long_name") (result i32)
    (call $double (call $answer)))
  (func (export "__wbindgen_malloc") (param i32 i32) (result i32) (i32.const 8)))`;
const GLUE = `function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_answer_0123456789abcdef: function() { return 21; },
        __wbg_double_fedcba9876543210: function(arg0) { return arg0 * 2; },
    };
    return { __proto__: null, "./demo_bg.js": import0 };
}
let wasm;
export function run() { return wasm.wasm_bindgen_convert_closures_invoke_a_very_long_name(); }
export function alloc() { return wasm.__wbindgen_malloc(1, 1); }
`;

test('short-names renames imports and exports in the wasm and its glue together, and they still meet', async () => {
  const wasmFile = assemble('demo_bg', WAT_BINDGEN);
  const glueFile = path.join(tmp, 'demo.js');
  fs.writeFileSync(glueFile, GLUE);
  const run = script('short-names.mjs', path.join(tmp, 'demo'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /2 imports, 1 exports renamed/);
  const glue = fs.readFileSync(glueFile, 'utf8');
  assert.doesNotMatch(glue, /__wbg_answer|__wbg_double|demo_bg\.js|a_very_long_name/, 'no long name is left in the glue');
  assert.match(glue, /wasm\.__wbindgen_malloc\(/, "wasm-bindgen's own export keeps its name");
  const module = await WebAssembly.compile(fs.readFileSync(wasmFile));
  const imports = WebAssembly.Module.imports(module);
  assert.deepEqual(imports.map((i) => i.module), ['a', 'a']);
  assert.ok(imports.every((i) => i.name.length <= 2), JSON.stringify(imports));
  // The rewritten glue builds the imports and calls the exports: the answer is still 21 × 2.
  const load = new Function(`${glue.replace(/export function/g, 'function')}
    return async (module) => { wasm = (await WebAssembly.instantiate(module, __wbg_get_imports())).exports; return { run, alloc }; };`)();
  const exports = await load(module);
  assert.equal(exports.run(), 42);
  assert.equal(exports.alloc(), 8);
});

test('short-names refuses a glue whose import keys it cannot match, naming the import, and writes nothing', () => {
  const wasmFile = assemble('odd_bg', WAT_BINDGEN.replaceAll('./demo_bg.js', './odd_bg.js'));
  const glueFile = path.join(tmp, 'odd.js');
  // The import's name appears twice: as its key and in a comment.
  const glue = GLUE.replaceAll('./demo_bg.js', './odd_bg.js')
    .replace('let wasm;', 'let wasm; // see __wbg_answer_0123456789abcdef');
  fs.writeFileSync(glueFile, glue);
  const wasmBefore = fs.readFileSync(wasmFile);
  const run = script('short-names.mjs', path.join(tmp, 'odd'));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /the import __wbg_answer_0123456789abcdef appears 2 times in .*odd\.js, not once/);
  assert.deepEqual(fs.readFileSync(wasmFile), wasmBefore);
  assert.equal(fs.readFileSync(glueFile, 'utf8'), glue);
});

test('the shipped bundles import by short names from one module and carry one data segment', async () => {
  for (const bundle of ['lambdascope-player', 'lambdascope-app', 'lambdascope-compare', 'lambdascope-import']) {
    const bytes = fs.readFileSync(path.join(DIST, `${bundle}_bg.wasm`));
    const all = WebAssembly.Module.imports(await WebAssembly.compile(bytes));
    // The player's first module also imports, from `placeholder`, the functions split off into
    // its second (scripts/split-player.mjs), named by their slot in the function table.
    const split = bundle === 'lambdascope-player';
    const imports = all.filter((i) => i.module !== 'placeholder');
    assert.equal(all.length - imports.length > 100, split, `${bundle}: ${all.length - imports.length} placeholders`);
    assert.ok(all.filter((i) => i.module === 'placeholder').every((i) => /^\d+$/.test(i.name)));
    assert.ok(imports.length > 100, `${bundle}: ${imports.length} imports`);
    assert.deepEqual([...new Set(imports.map((i) => i.module))], ['a'], bundle);
    assert.ok(imports.every((i) => i.name.length <= 2), `${bundle}: every import name is short`);
    assert.equal(dataSegments(bytes).length, 1, `${bundle}: one data segment`);
  }
});
