// Joins a wasm's active data segments that lie close together into one, the bytes between them
// written as the zeros they already are (run by scripts/build-player after wasm-opt).
//
// Why (issue 16): wasm-opt's memory packing splits the data at every run of zeros that costs more
// than a segment's header (an offset and a length), which is right for the raw size and wrong for
// what is downloaded: the player had 452 segments, and their headers' ever-changing offsets are
// what gzip cannot shrink, while a few dozen zeros cost it almost nothing. Measured on the player:
// its data section 39.6 → 38.1 KB gzip.
//
// Only active segments into memory 0 at constant offsets, in increasing order and not
// overlapping, are joined; a module with any other kind (a passive segment read by memory.init)
// is left as it is. Gaps longer than MAX_GAP bytes (a large zeroed static) stay gaps.
//
// Usage: node scripts/merge-data.mjs FILE.wasm
import fs from 'node:fs';
import { assemble, reader, s32, sections as sectionsOf, u32 } from './wasm-binary.mjs';

const MAX_GAP = 256;
const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/merge-data.mjs FILE.wasm');
  process.exit(2);
}
if (!fs.existsSync(file)) {
  console.error(`merge-data: ${file} does not exist`);
  process.exit(1);
}
const wasm = fs.readFileSync(file);
const sections = sectionsOf(wasm);
if (!sections) {
  console.error(`merge-data: ${file} is not a WebAssembly module`);
  process.exit(1);
}
const data = sections.find(([id]) => id === 11);
if (!data) process.exit(0);

// Read the segments: each must be `0x00 (i32.const OFFSET) end BYTES`.
const segments = [];
{
  const r = reader(data[1]);
  const count = r.u32();
  for (let i = 0; i < count; i += 1) {
    const flags = r.u32();
    if (flags !== 0 || r.byte() !== 0x41) {
      console.log(`merge-data: ${file}: segment ${i} is not an active segment at a constant offset; left as it is`);
      process.exit(0);
    }
    const offset = r.s32();
    if (r.byte() !== 0x0b) {
      console.log(`merge-data: ${file}: segment ${i}'s offset is not a lone constant; left as it is`);
      process.exit(0);
    }
    const length = r.u32();
    segments.push({ offset, bytes: data[1].subarray(r.pos, r.pos + length) });
    r.pos += length;
  }
}
for (let i = 1; i < segments.length; i += 1) {
  const before = segments[i - 1];
  if (segments[i].offset < before.offset + before.bytes.length) {
    console.log(`merge-data: ${file}: segments ${i - 1} and ${i} overlap or are out of order; left as they are`);
    process.exit(0);
  }
}

// Join neighbours whose gap is at most MAX_GAP.
const joined = [];
for (const s of segments) {
  const last = joined.at(-1);
  if (last && s.offset - (last.offset + last.length) <= MAX_GAP) {
    last.parts.push(Buffer.alloc(s.offset - (last.offset + last.length)), s.bytes);
    last.length = s.offset + s.bytes.length - last.offset;
  } else {
    joined.push({ offset: s.offset, length: s.bytes.length, parts: [s.bytes] });
  }
}
const body = [u32(joined.length)];
for (const j of joined) {
  const bytes = Buffer.concat(j.parts);
  body.push(Buffer.from([0x00, 0x41]), s32(j.offset), Buffer.from([0x0b]), u32(bytes.length), bytes);
}
data[1] = Buffer.concat(body);
// The data count section (bulk memory) must agree with the data section.
const dataCount = sections.find(([id]) => id === 12);
if (dataCount) dataCount[1] = u32(joined.length);

const rewritten = assemble(wasm, sections);
fs.writeFileSync(file, rewritten);
console.log(`merge-data: ${file}: ${segments.length} → ${joined.length} data segments; ${wasm.length} → ${rewritten.length} B`);
