// The little of the WebAssembly binary format that scripts/short-names.mjs and
// scripts/merge-data.mjs rewrite: a module as its sections, and the integers and names inside
// them. Sections they do not touch are copied byte for byte.

/// A cursor over `bytes`: unsigned and signed LEB128 integers, names, limits.
export function reader(bytes, pos = 0) {
  const r = {
    pos,
    byte() { return bytes[r.pos++]; },
    u32() {
      let result = 0, shift = 0, b;
      do { b = bytes[r.pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return result;
    },
    s32() {
      let result = 0, shift = 0, b;
      do { b = bytes[r.pos++]; result |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      if (shift < 32 && (b & 0x40)) result |= -1 << shift;
      return result;
    },
    name() {
      const n = r.u32();
      const s = Buffer.from(bytes.subarray(r.pos, r.pos + n)).toString('utf8');
      r.pos += n;
      return s;
    },
    limits() { const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); },
  };
  return r;
}

/// An unsigned LEB128.
export function u32(n) {
  const out = [];
  do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);
  return Buffer.from(out);
}

/// A signed LEB128 (an i32.const's immediate).
export function s32(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); break; }
    out.push(b | 0x80);
  }
  return Buffer.from(out);
}

/// A name: its UTF-8 length, then its bytes.
export function name(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([u32(b.length), b]);
}

/// The module's sections as `[id, body]` in order, or null when `wasm` is not a module.
export function sections(wasm) {
  if (wasm.length < 8 || wasm.readUInt32LE(0) !== 0x6d736100) return null;
  const out = [];
  const r = reader(wasm, 8);
  while (r.pos < wasm.length) {
    const id = r.byte();
    const size = r.u32();
    out.push([id, wasm.subarray(r.pos, r.pos + size)]);
    r.pos += size;
  }
  return out;
}

/// The module again: `wasm`'s header (magic and version), then `list`'s sections.
export function assemble(wasm, list) {
  const out = [wasm.subarray(0, 8)];
  for (const [id, body] of list) out.push(Buffer.from([id]), u32(body.length), body);
  return Buffer.concat(out);
}
