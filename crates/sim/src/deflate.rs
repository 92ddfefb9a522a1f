//! A small DEFLATE (RFC 1951) encoder for share links: LZ77 matches found through a hash chain,
//! written as one block of the fixed Huffman codes. Any inflater reads it, miniz_oxide's among
//! them, so links written before it still open and links written by it open anywhere.
//!
//! Why not miniz_oxide's encoder, which the crate used: size in the browser. Its compressor
//! (level 9: dynamic Huffman tables, lazy matching, its tables of codes) was 6.7 KB of the player's
//! gzip download, for scenario texts of a few KB. Fixed codes need no code to build or send
//! tables, and cost ratio on such texts: +23 % over level 9 on the bundled scenarios (the test
//! below holds it under 30 %), about 130 more characters in a link with an inline scenario.

/// The window and the longest match DEFLATE allows.
const WINDOW: usize = 32 * 1024;
const MAX_MATCH: usize = 258;
const MIN_MATCH: usize = 3;
/// Length codes 257…285: each one's shortest length and its number of extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// How many earlier places with the same three bytes are tried for each position.
const CHAIN: usize = 128;
const HASH_BITS: u32 = 15;

/// `data` compressed as a raw DEFLATE stream (no zlib header), one final fixed-code block.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = Bits::default();
    out.put(1, 1); // BFINAL
    out.put(1, 2); // BTYPE = 01: fixed Huffman codes
    let mut head = vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = vec![u32::MAX; data.len()];
    let hash = |i: usize| {
        let v = u32::from(data[i]) | u32::from(data[i + 1]) << 8 | u32::from(data[i + 2]) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    };
    let insert = |i: usize, head: &mut [u32], prev: &mut [u32]| {
        if i + MIN_MATCH <= data.len() {
            let h = hash(i);
            prev[i] = head[h];
            head[h] = i as u32;
        }
    };
    let mut i = 0;
    while i < data.len() {
        let (mut best_len, mut best_dist) = (0, 0);
        if i + MIN_MATCH <= data.len() {
            let mut candidate = head[hash(i)];
            let mut tries = 0;
            let longest = MAX_MATCH.min(data.len() - i);
            while candidate != u32::MAX && tries < CHAIN {
                let c = candidate as usize;
                if i - c > WINDOW {
                    break;
                }
                let len = data[c..]
                    .iter()
                    .zip(&data[i..i + longest])
                    .take_while(|(a, b)| a == b)
                    .count();
                if len > best_len {
                    (best_len, best_dist) = (len, i - c);
                    if len == longest {
                        break;
                    }
                }
                candidate = prev[c];
                tries += 1;
            }
        }
        if best_len >= MIN_MATCH {
            out.length(best_len);
            out.distance(best_dist);
            for k in i..i + best_len {
                insert(k, &mut head, &mut prev);
            }
            i += best_len;
        } else {
            out.literal(u16::from(data[i]));
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    out.literal(256); // end of block
    out.finish()
}

/// The output bit stream: bits go in from the least significant end of each byte; Huffman codes
/// are sent most significant bit first (RFC 1951 §3.1.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    acc: u32,
    count: u32,
}

impl Bits {
    /// `n` bits of `value`, least significant first.
    fn put(&mut self, value: u32, n: u32) {
        self.acc |= value << self.count;
        self.count += n;
        while self.count >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }
    /// A Huffman code of `n` bits, most significant first.
    fn code(&mut self, code: u32, n: u32) {
        self.put(code.reverse_bits() >> (32 - n), n);
    }
    /// A literal byte or the end-of-block symbol (256), in the fixed literal/length code.
    fn literal(&mut self, symbol: u16) {
        let s = u32::from(symbol);
        match s {
            0..=143 => self.code(0x30 + s, 8),
            144..=255 => self.code(0x190 + s - 144, 9),
            256..=279 => self.code(s - 256, 7),
            _ => self.code(0xC0 + s - 280, 8),
        }
    }
    /// A match length 3…258: its symbol 257…285 and extra bits.
    fn length(&mut self, len: usize) {
        // The last code whose base length is at most `len` (RFC 1951 §3.2.5's table).
        let k = LENGTH_BASE.partition_point(|&base| usize::from(base) <= len) - 1;
        self.literal(257 + k as u16);
        self.put(
            (len - usize::from(LENGTH_BASE[k])) as u32,
            LENGTH_EXTRA[k].into(),
        );
    }
    /// A distance 1…32768: its 5-bit fixed code 0…29 and extra bits.
    fn distance(&mut self, dist: usize) {
        let (code, base, extra) = if dist <= 4 {
            (dist as u32 - 1, dist, 0)
        } else {
            // Codes 4 and up come in pairs; each pair has one more extra bit than the last.
            let d = dist - 1;
            let extra = usize::BITS - d.leading_zeros() - 2;
            let half = (d >> extra) & 1;
            let code = 2 * extra + 2 + half as u32;
            let base = ((2 + half) << extra) + 1;
            (code, base, extra)
        };
        self.code(code, 5);
        self.put((dist - base) as u32, extra);
    }
    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.acc as u8);
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(bytes: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec(bytes).expect("a valid DEFLATE stream")
    }

    #[test]
    fn every_length_and_distance_round_trips() {
        // A run of a distinct prefix then copies at every distance and length the code has.
        for dist in [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 24, 25, 32, 33, 100, 257, 1000, 4097, 20000,
            32768,
        ] {
            for len in [
                3, 4, 10, 11, 12, 13, 18, 19, 34, 35, 66, 67, 130, 131, 200, 257, 258,
            ] {
                let mut data: Vec<u8> = (0..dist).map(|i| (i * 7 + i / 251) as u8).collect();
                let copy: Vec<u8> = (0..len)
                    .map(|k| data[data.len() - dist + k % dist])
                    .collect();
                data.extend(copy);
                assert_eq!(
                    inflate(&compress(&data)),
                    data,
                    "distance {dist}, length {len}"
                );
            }
        }
    }

    #[test]
    fn random_and_repetitive_texts_round_trip() {
        let mut rng = crate::rng::Rng::new(7);
        for case in 0..300 {
            let n = rng.range_inclusive(0, 3000) as usize;
            let alphabet = rng.range_inclusive(1, if case % 3 == 0 { 4 } else { 256 });
            let data: Vec<u8> = (0..n)
                .map(|_| rng.range_inclusive(0, alphabet - 1) as u8)
                .collect();
            assert_eq!(inflate(&compress(&data)), data, "case {case}");
        }
        assert_eq!(inflate(&compress(b"")), b"");
        let long = vec![b'a'; 70_000];
        assert_eq!(inflate(&compress(&long)), long);
    }
}

// The test reads the bundled scenario files: fixtures, not I/O the core does.
#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod ratio {
    /// What fixed codes cost against miniz_oxide's level 9 on the texts links carry: every bundled
    /// scenario. Measured December 2026: 19,815 B against 16,159 B for all 38 (+23 %; at most
    /// +27 % on one, async-throttling), so a link with an inline scenario is ~130 characters
    /// longer on average.
    #[test]
    fn within_30_percent_of_miniz_level_9_on_every_bundled_scenario() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/scenarios");
        let (mut ours, mut theirs) = (0, 0);
        for entry in std::fs::read_dir(&dir).expect("content/") {
            let path = entry.expect("a file").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .expect("readable")
                .into_bytes();
            let (a, b) = (
                super::compress(&text).len(),
                miniz_oxide::deflate::compress_to_vec(&text, 9).len(),
            );
            assert!(
                a * 10 <= b * 13,
                "{}: {a} B against miniz's {b} B",
                path.display()
            );
            (ours, theirs) = (ours + a, theirs + b);
        }
        assert!(
            theirs > 10_000,
            "the bundled scenarios were read ({theirs} B)"
        );
        eprintln!(
            "fixed-code deflate: {ours} B for every bundled scenario; miniz level 9: {theirs} B"
        );
    }
}
