//! The TOML reader behind [`super::toml_io`]: a TOML 1.0 document as a tree of values, each with
//! the byte span it came from (for the line in a message), keys in document order.
//!
//! Why not the `toml` crate's parser, which the native tools and the tests still use: size in the
//! browser. Its parser (toml_parser, toml's spanned document, their maps), with the standard
//! library's float parser and its 10 KB table of powers of five, were about 30 KB gzip of every
//! bundle (the player: 390.9 → 361.1 KB gzip without them), for files of a few dozen lines. This
//! one reads what the `toml` crate reads (TOML 1.1: inline tables over several lines, `\e`,
//! `\xHH`, times without seconds) in one pass, and the tests hold it to the crate: every bundled
//! file and a list of edge cases read to the same values, malformed cases are refused by both,
//! and random documents get the same values or the same refusal. What it gives up: its syntax
//! messages are its own wording, and a date or time is kept as its text (no scenario field takes
//! one; the reader says "must be …, got the date …").

use std::fmt;
use std::ops::Range;

/// A value and the bytes it was read from.
#[derive(Debug)]
pub(crate) struct Item {
    span: Range<usize>,
    value: DeValue,
    /// How a table or array came to be: what may still be added to it.
    origin: Origin,
}

impl Item {
    pub(crate) fn get_ref(&self) -> &DeValue {
        &self.value
    }
    pub(crate) fn span(&self) -> Range<usize> {
        self.span.clone()
    }
    /// What a header or key naming this item goes into: for an `[[array of tables]]`, its last
    /// table; any other item itself.
    fn current(&mut self) -> &mut Item {
        if self.origin == Origin::TableArray
            && matches!(&self.value, DeValue::Array(items) if !items.is_empty())
        {
            let DeValue::Array(items) = &mut self.value else {
                unreachable!("matched above")
            };
            return items.last_mut().expect("not empty");
        }
        self
    }

    fn new(span: Range<usize>, value: DeValue, origin: Origin) -> Item {
        Item {
            span,
            value,
            origin,
        }
    }
}

#[derive(Debug)]
pub(crate) enum DeValue {
    String(String),
    Integer(DeInteger),
    Float(f64),
    Boolean(bool),
    /// An offset or local date-time, date or time, as written.
    Datetime(String),
    Array(Vec<Item>),
    Table(DeTable),
}

/// An integer as written, without underscores or its radix prefix: the reader decides whether it
/// fits the field (and says "too large" with the number itself when it does not).
#[derive(Debug)]
pub(crate) struct DeInteger {
    digits: String,
    radix: u32,
}

impl DeInteger {
    pub(crate) fn as_str(&self) -> &str {
        &self.digits
    }
    pub(crate) fn radix(&self) -> u32 {
        self.radix
    }
}

impl fmt::Display for DeInteger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.radix {
            16 => "0x",
            8 => "0o",
            2 => "0b",
            _ => "",
        };
        write!(f, "{prefix}{}", self.digits)
    }
}

/// A table's keys and values in document order. A key is found by a scan: a table has a few
/// keys, and at most [`MAX_KEYS`].
#[derive(Debug, Default)]
pub(crate) struct DeTable {
    entries: Vec<(Key, Item)>,
}

/// The most keys one table may have. A scenario's tables have a few dozen; the bound keeps the
/// scans for duplicates linear in practice: a hostile 64 KB link of 6,000 keys in one table took
/// the reader quadratic time (10,000 keys: 0.2 s natively, several times that on a phone), and an
/// index by name cost every bundle 1.3 KB gzip. The `toml` crate has no such bound.
const MAX_KEYS: usize = 1_000;

impl DeTable {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Key, Item)> {
        self.entries.iter()
    }
    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k.name == name)
    }
    fn get_mut(&mut self, name: &str) -> Option<&mut Item> {
        let at = self.position(name)?;
        Some(&mut self.entries[at].1)
    }
    /// Adds a key that is not there yet; its position.
    fn push(&mut self, key: Key, item: Item) -> Result<usize, SyntaxError> {
        if self.entries.len() == MAX_KEYS {
            return Err(SyntaxError::at(
                key.span.start,
                format!("a table has more than {MAX_KEYS} keys: at most {MAX_KEYS} are allowed"),
            ));
        }
        self.entries.push((key, item));
        Ok(self.entries.len() - 1)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A value written after `=` (an array written this way cannot be appended to).
    Value,
    /// An inline table `{ … }`: closed once written.
    Inline,
    /// A table named by a `[header]`.
    Header,
    /// A table that exists because a header or dotted key named something inside it.
    Implicit,
    /// A table made by a dotted key (`a.b = 1` makes `a`).
    Dotted,
    /// The array an `[[array.of.tables]]` header appends to.
    TableArray,
}

/// A syntax error: what is wrong and the byte where it was found.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) at: usize,
}

impl SyntaxError {
    fn at(at: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            at,
        }
    }
}

/// Reads a whole document: its root table and the span of the text.
pub(crate) fn parse(text: &str) -> Result<Item, SyntaxError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        depth: 0,
    };
    if text.starts_with('\u{feff}') {
        p.i = 3;
    }
    let mut root = Item::new(
        0..text.len(),
        DeValue::Table(DeTable::default()),
        Origin::Header,
    );
    // The table keys go into: a path from the root (an array of tables stands for its last).
    let mut current: Vec<String> = Vec::new();
    loop {
        p.skip_blank();
        match p.peek() {
            None => break,
            Some(b'#') => p.skip_comment()?,
            Some(b'\n') => p.i += 1,
            Some(b'\r') if p.s.get(p.i + 1) == Some(&b'\n') => p.i += 2,
            Some(b'[') => {
                current = p.header(&mut root)?;
                p.end_of_line()?;
            }
            Some(_) => {
                let table = descend(&mut root, &current)
                    .ok_or_else(|| p.error("this table cannot take keys"))?;
                p.key_value(table)?;
                p.end_of_line()?;
            }
        }
    }
    Ok(root)
}

/// The table at `path` below `root` (for an array of tables, its last element).
fn descend<'a>(root: &'a mut Item, path: &[String]) -> Option<&'a mut DeTable> {
    let mut here = root;
    for name in path {
        let DeValue::Table(t) = &mut here.value else {
            return None;
        };
        let at = t.position(name)?;
        here = t.entries[at].1.current();
    }
    match &mut here.value {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    /// Lists and inline tables open around the value being read.
    depth: usize,
}

/// How deep lists and inline tables may nest, and how many parts a key may have: the `toml`
/// crate's limits (80). The reader recurses into each list and table, and a share link can carry
/// 64 KB of TOML: 60,000 `[` would otherwise exhaust the WebAssembly stack, a crash, not an error.
const MAX_DEPTH: usize = 80;

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads a decimal number: `[+-]digits[.digits][e[+-]digits]`, `.5`, `5.`, `inf`, `infinity`
/// and `nan` (any case), as Rust's `str::parse::<f64>` does; `None` for anything else.
///
/// Exact (correctly rounded) when the digits make an integer below 2^53 and the power of ten is
/// at most 22 either way, which covers every number a scenario, a share link or a form holds
/// (0.34, 1.5, 2.5e-3, 86400). Beyond that, within a few units in the last place (so a number
/// within a few units of the largest float may read as infinity). Why not `str::parse`: its
/// exact algorithm carries a 10 KB table of powers of five into the download.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    if rest.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    let b = rest.as_bytes();
    // Nineteen significant digits are kept; the rest only move the exponent.
    let (mut mantissa, mut exp10, mut digits) = (0u64, 0i64, 0usize);
    let mut i = 0;
    let mut seen_point = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                digits += 1;
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if seen_point {
                        exp10 -= 1;
                    }
                } else if !seen_point {
                    exp10 += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() {
        if b[i] != b'e' && b[i] != b'E' {
            return None;
        }
        let e = &rest[i + 1..];
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // Saturates: an exponent this long is an overflow or an underflow either way.
        let n = digits
            .bytes()
            .fold(0i64, |n, c| (n * 10 + i64::from(c - b'0')).min(100_000));
        exp10 += if e.starts_with('-') { -n } else { n };
    }
    if mantissa == 0 {
        return Some(sign * 0.0);
    }
    // With digits that make an integer below 2^53 and a power of ten up to 22 either way, both
    // are exact and the one rounding of the product or quotient is the correct one. Beyond,
    // each further factor of 10^22 rounds once more.
    let (mut value, mut e) = (mantissa as f64, exp10.clamp(-800, 400));
    while e > 22 {
        value *= POW10[22];
        e -= 22;
    }
    while e < -22 {
        value /= POW10[22];
        e += 22;
    }
    value = if e >= 0 {
        value * POW10[e as usize]
    } else {
        value / POW10[(-e) as usize]
    };
    Some(sign * value)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError::at(self.i.min(self.s.len()), message)
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    /// Spaces and tabs.
    fn skip_blank(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_comment(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek() {
            if c == b'\n' || (c == b'\r' && self.s.get(self.i + 1) == Some(&b'\n')) {
                break;
            }
            if c < 0x20 && c != b'\t' || c == 0x7f {
                return Err(self.error("a comment cannot hold a control character"));
            }
            self.i += 1;
        }
        Ok(())
    }

    /// Blank space, newlines and comments (inside an array).
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        loop {
            self.skip_blank();
            match self.peek() {
                Some(b'#') => self.skip_comment()?,
                Some(b'\n') => self.i += 1,
                Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                _ => return Ok(()),
            }
        }
    }

    /// After a key/value pair or a header: blank space, a comment, then the end of the line.
    fn end_of_line(&mut self) -> Result<(), SyntaxError> {
        self.skip_blank();
        if self.peek() == Some(b'#') {
            self.skip_comment()?;
        }
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => Ok(()),
            _ => Err(self.error("expected the end of the line (one key = value a line)")),
        }
    }

    /// `[a.b]` or `[[a.b]]`: creates the table and returns its path.
    fn header(&mut self, root: &mut Item) -> Result<Vec<String>, SyntaxError> {
        let start = self.i;
        let array = self.s.get(self.i + 1) == Some(&b'[');
        self.i += if array { 2 } else { 1 };
        self.skip_blank();
        let keys = self.dotted_key()?;
        self.skip_blank();
        self.expect(b']', "expected `]` to end the table header")?;
        if array {
            self.expect(b']', "expected `]]` to end the array-of-tables header")?;
        }
        let span = start..self.i;
        let path: Vec<String> = keys.iter().map(|k| k.name.clone()).collect();
        let (last, parents) = keys.split_last().expect("a dotted key has a part");
        let mut here = root;
        for k in parents {
            here = child_table(here, k, Origin::Implicit)?;
        }
        let DeValue::Table(t) = &mut here.value else {
            unreachable!("child_table returns tables")
        };
        let clash =
            |what: &str| SyntaxError::at(last.span.start, format!("`{}` {what}", path.join(".")));
        match t.get_mut(&last.name) {
            None if array => {
                let first = Item::new(
                    span.clone(),
                    DeValue::Table(DeTable::default()),
                    Origin::Header,
                );
                t.push(
                    last.clone(),
                    Item::new(span, DeValue::Array(vec![first]), Origin::TableArray),
                )?;
            }
            None => {
                t.push(
                    last.clone(),
                    Item::new(span, DeValue::Table(DeTable::default()), Origin::Header),
                )?;
            }
            Some(item) if array => match (&mut item.value, item.origin) {
                (DeValue::Array(items), Origin::TableArray) => items.push(Item::new(
                    span,
                    DeValue::Table(DeTable::default()),
                    Origin::Header,
                )),
                _ => return Err(clash("is already defined, and not as an array of tables")),
            },
            Some(item) => match (&item.value, item.origin) {
                (DeValue::Table(_), Origin::Implicit) => {
                    item.origin = Origin::Header;
                    item.span = span;
                }
                _ => return Err(clash("is defined twice")),
            },
        }
        Ok(path)
    }

    /// `key = value` into `table`.
    fn key_value(&mut self, table: &mut DeTable) -> Result<(), SyntaxError> {
        let keys = self.dotted_key()?;
        self.skip_blank();
        self.expect(b'=', "expected `=` after the key")?;
        self.skip_blank();
        let value = self.value()?;
        let (last, parents) = keys.split_last().expect("a dotted key has a part");
        let mut here = table;
        for k in parents {
            // A dotted key extends only tables that dotted keys made (TOML 1.0): not a header's
            // table, nor an inline table written whole.
            let at = match here.position(&k.name) {
                None => here.push(
                    k.clone(),
                    Item::new(
                        k.span.clone(),
                        DeValue::Table(DeTable::default()),
                        Origin::Dotted,
                    ),
                )?,
                Some(at)
                    if matches!(here.entries[at].1.value, DeValue::Table(_))
                        && here.entries[at].1.origin == Origin::Dotted =>
                {
                    at
                }
                Some(_) => {
                    return Err(SyntaxError::at(
                        k.span.start,
                        format!("`{}` is already defined", k.name),
                    ))
                }
            };
            let DeValue::Table(inner) = &mut here.entries[at].1.value else {
                unreachable!("checked above")
            };
            here = inner;
        }
        if here.get_mut(&last.name).is_some() {
            return Err(SyntaxError::at(
                last.span.start,
                format!("duplicate key `{}`", last.name),
            ));
        }
        here.push(last.clone(), value)?;
        Ok(())
    }

    /// `a`, `"a b"`, `a.b.'c'`: the parts with their spans.
    fn dotted_key(&mut self) -> Result<Vec<Key>, SyntaxError> {
        let mut keys = Vec::new();
        loop {
            self.skip_blank();
            let start = self.i;
            let name = match self.peek() {
                Some(b'"') => {
                    if self.s[self.i..].starts_with(b"\"\"\"") {
                        return Err(self.error("a key cannot be a multi-line string"));
                    }
                    self.basic_string()?
                }
                Some(b'\'') => {
                    if self.s[self.i..].starts_with(b"'''") {
                        return Err(self.error("a key cannot be a multi-line string"));
                    }
                    self.literal_string()?
                }
                _ => {
                    while matches!(
                        self.peek(),
                        Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')
                    ) {
                        self.i += 1;
                    }
                    if self.i == start {
                        return Err(self.error(
                            "expected a key (letters, digits, `_` and `-`, or a quoted string)",
                        ));
                    }
                    self.text[start..self.i].to_string()
                }
            };
            if keys.len() == MAX_DEPTH {
                return Err(self.error(&format!("a key has more than {MAX_DEPTH} parts")));
            }
            keys.push(Key {
                name,
                span: start..self.i,
            });
            self.skip_blank();
            if self.peek() == Some(b'.') {
                self.i += 1;
            } else {
                return Ok(keys);
            }
        }
    }

    fn value(&mut self) -> Result<Item, SyntaxError> {
        let start = self.i;
        let plain = |p: &Self, v| Ok(Item::new(start..p.i, v, Origin::Value));
        match self.peek() {
            Some(quote @ (b'"' | b'\'')) => {
                let s = if self.s[self.i..].starts_with(&[quote; 3]) {
                    self.multiline(quote)?
                } else if quote == b'"' {
                    self.basic_string()?
                } else {
                    self.literal_string()?
                };
                plain(self, DeValue::String(s))
            }
            Some(b'[') => {
                let mut items = Vec::new();
                self.separated(b']', "expected `,` or `]` in the list", |p| {
                    items.push(p.value()?);
                    Ok(())
                })?;
                plain(self, DeValue::Array(items))
            }
            Some(b'{') => {
                // TOML 1.1, as the `toml` crate reads it: newlines, comments and a trailing comma
                // are allowed inside.
                let mut t = DeTable::default();
                self.separated(b'}', "expected `,` or `}` in the inline table", |p| {
                    p.key_value(&mut t)
                })?;
                Ok(Item::new(start..self.i, DeValue::Table(t), Origin::Inline))
            }
            Some(b't') if self.s[self.i..].starts_with(b"true") => {
                self.i += 4;
                self.delimited()?;
                plain(self, DeValue::Boolean(true))
            }
            Some(b'f') if self.s[self.i..].starts_with(b"false") => {
                self.i += 5;
                self.delimited()?;
                plain(self, DeValue::Boolean(false))
            }
            Some(b'0'..=b'9' | b'+' | b'-' | b'i' | b'n') => {
                let v = self.number_or_date()?;
                self.delimited()?;
                plain(self, v)
            }
            Some(b'\n' | b'\r' | b'#') | None => Err(self.error("expected a value after `=`")),
            Some(_) => Err(self.error(
                "expected a value: a number, true or false, a \"string\", a [list] or an { inline table }",
            )),
        }
    }

    /// After an opening `[` or `{`: items (each read by `item`) separated by commas, a trailing
    /// comma allowed, with blank space, newlines and comments between, up to `close`.
    fn separated(
        &mut self,
        close: u8,
        what: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error(&format!(
                "lists and inline tables nest more than {MAX_DEPTH} deep"
            )));
        }
        self.depth += 1;
        self.i += 1;
        let read = self.separated_items(close, what, &mut item);
        self.depth -= 1;
        read
    }

    fn separated_items(
        &mut self,
        close: u8,
        what: &str,
        item: &mut impl FnMut(&mut Self) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        loop {
            self.skip_space()?;
            if self.peek() == Some(close) {
                self.i += 1;
                return Ok(());
            }
            item(self)?;
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(c) if c == close => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.error(what)),
            }
        }
    }

    /// A value ends at blank space, a newline, a comment, `,`, `]` or `}`.
    fn delimited(&self) -> Result<(), SyntaxError> {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'#' | b',' | b']' | b'}') => Ok(()),
            _ => Err(self.error("unexpected character after the value")),
        }
    }

    fn number_or_date(&mut self) -> Result<DeValue, SyntaxError> {
        let start = self.i;
        while matches!(
            self.peek(),
            Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'+' | b'-' | b'.' | b':')
        ) {
            self.i += 1;
        }
        // A date and a time may be separated by one space.
        let date = |t: &[u8]| {
            t.len() >= 10 && t[4] == b'-' && t[7] == b'-' && t[..4].iter().all(u8::is_ascii_digit)
        };
        if date(&self.s[start..self.i])
            && self.i - start == 10
            && self.peek() == Some(b' ')
            && self.s.get(self.i + 1).is_some_and(u8::is_ascii_digit)
        {
            self.i += 1;
            while matches!(
                self.peek(),
                Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.' | b':')
            ) {
                self.i += 1;
            }
        }
        let token = &self.text[start..self.i];
        let t = token.as_bytes();
        if date(t) || (t.len() >= 5 && t[2] == b':') {
            return if datetime_shape(token) {
                Ok(DeValue::Datetime(token.to_string()))
            } else {
                Err(SyntaxError::at(start, "malformed date or time"))
            };
        }
        number(token).ok_or_else(|| {
            SyntaxError::at(start, format!("`{token}` is not a number TOML can read"))
        })
    }

    /// `"…"` with its escapes.
    fn basic_string(&mut self) -> Result<String, SyntaxError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self
                .next_char()
                .ok_or_else(|| self.error("unterminated string: expected `\"`"))?;
            match c {
                '"' => return Ok(out),
                '\\' => self.escape(&mut out)?,
                '\n' | '\r' => {
                    return Err(self.error("unterminated string: a \"string\" ends on its line"))
                }
                c if is_control(c) => {
                    return Err(self
                        .error("a string cannot hold a control character (write it as an escape)"))
                }
                c => out.push(c),
            }
        }
    }

    /// `'…'`, as written.
    fn literal_string(&mut self) -> Result<String, SyntaxError> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                Some(b'\'') => {
                    let s = self.text[start..self.i].to_string();
                    self.i += 1;
                    return Ok(s);
                }
                None | Some(b'\n' | b'\r') => {
                    return Err(self.error("unterminated string: expected `'`"))
                }
                Some(c) if c < 0x20 && c != b'\t' || c == 0x7f => {
                    return Err(self.error("a string cannot hold a control character"))
                }
                Some(_) => self.i += 1,
            }
        }
    }

    /// `"""…"""` (with escapes) or `'''…'''` (as written); a newline right after the opening
    /// quotes is not part of it.
    fn multiline(&mut self, quote: u8) -> Result<String, SyntaxError> {
        self.i += 3;
        if self.s[self.i..].starts_with(b"\r\n") {
            self.i += 2;
        } else if self.peek() == Some(b'\n') {
            self.i += 1;
        }
        let mut out = String::new();
        loop {
            if self.peek() == Some(quote) {
                let run = self.s[self.i..].iter().take_while(|c| **c == quote).count();
                if run >= 3 {
                    if run > 5 {
                        return Err(self.error("too many quotes at the end of a multi-line string"));
                    }
                    out.extend(std::iter::repeat_n(quote as char, run - 3));
                    self.i += run;
                    return Ok(out);
                }
            }
            let c = self
                .next_char()
                .ok_or_else(|| self.error("unterminated multi-line string"))?;
            match c {
                '\\' if quote == b'"' => {
                    // A backslash at the end of a line joins it to the next text.
                    let rest = &self.s[self.i..];
                    let blank = rest
                        .iter()
                        .take_while(|c| matches!(c, b' ' | b'\t'))
                        .count();
                    if matches!(rest.get(blank), Some(b'\n' | b'\r')) {
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.i += 1;
                        }
                    } else {
                        self.escape(&mut out)?;
                    }
                }
                // A CRLF inside stays as written, as the `toml` crate keeps it.
                '\r' if self.peek() == Some(b'\n') => out.push('\r'),
                '\n' | '\t' => out.push(c),
                c if is_control(c) => {
                    return Err(self.error("a string cannot hold a control character"))
                }
                c => out.push(c),
            }
        }
    }

    /// After a backslash in a basic string.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = self
            .next_char()
            .ok_or_else(|| self.error("unterminated string"))?;
        let hex = |p: &mut Self, n: usize| -> Result<char, SyntaxError> {
            let digits = p
                .text
                .get(p.i..p.i + n)
                .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
            let code = digits.and_then(|d| u32::from_str_radix(d, 16).ok());
            let c = code
                .and_then(char::from_u32)
                .ok_or_else(|| p.error("invalid unicode escape"))?;
            p.i += n;
            Ok(c)
        };
        out.push(match c {
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            '"' => '"',
            '\\' => '\\',
            'e' => '\u{1b}',
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => hex(self, 8)?,
            _ => return Err(self.error("unknown escape: allowed \\b \\t \\n \\f \\r \\e \\\" \\\\ \\xXX \\uXXXX \\UXXXXXXXX")),
        });
        Ok(())
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.text.get(self.i..)?.chars().next()?;
        self.i += c.len_utf8();
        Some(c)
    }
}

fn is_control(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

/// The table `k` inside `here`'s table, made (as `origin`) if missing; an array of tables stands
/// for its last element.
fn child_table<'a>(
    here: &'a mut Item,
    k: &Key,
    origin: Origin,
) -> Result<&'a mut Item, SyntaxError> {
    let wrong = |what: String| SyntaxError::at(k.span.start, what);
    let DeValue::Table(t) = &mut here.value else {
        return Err(wrong(format!("`{}` is not a table", k.name)));
    };
    let at = match t.position(&k.name) {
        Some(at) => at,
        None => t.push(
            k.clone(),
            Item::new(k.span.clone(), DeValue::Table(DeTable::default()), origin),
        )?,
    };
    let item = t.entries[at].1.current();
    match (&item.value, item.origin) {
        (DeValue::Table(_), Origin::Implicit | Origin::Header | Origin::Dotted) => Ok(item),
        (DeValue::Table(_), _) => Err(wrong(format!(
            "`{}` is an inline table: it cannot be extended",
            k.name
        ))),
        _ => Err(wrong(format!(
            "`{}` is already a value, not a table",
            k.name
        ))),
    }
}

/// A TOML integer or float: `+1_000`, `0x1F`, `0o17`, `0b101`, `3.5e-2`, `-inf`, `nan`.
fn number(token: &str) -> Option<DeValue> {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = token.strip_prefix(prefix) {
            let digits = plain_digits(rest, |c| c.is_digit(radix))?;
            return Some(DeValue::Integer(DeInteger { digits, radix }));
        }
    }
    let (sign, unsigned) = match token.as_bytes().first()? {
        b'+' => ("", &token[1..]),
        b'-' => ("-", &token[1..]),
        _ => ("", token),
    };
    if unsigned == "inf" || unsigned == "nan" {
        return parse_f64(token).map(DeValue::Float);
    }
    let split = unsigned.find(['.', 'e', 'E']);
    let int_part = &unsigned[..split.unwrap_or(unsigned.len())];
    let int = plain_digits(int_part, |c| c.is_ascii_digit())?;
    if int.len() > 1 && int.starts_with('0') {
        return None;
    }
    let Some(at) = split else {
        return Some(DeValue::Integer(DeInteger {
            digits: format!("{sign}{int}"),
            radix: 10,
        }));
    };
    let mut rest = &unsigned[at..];
    let mut text = format!("{sign}{int}");
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac.find(['e', 'E']).unwrap_or(frac.len());
        text.push('.');
        text.push_str(&plain_digits(&frac[..end], |c| c.is_ascii_digit())?);
        rest = &frac[end..];
    }
    if !rest.is_empty() {
        let exp = &rest[1..];
        let (esign, edigits) = match exp.as_bytes().first()? {
            b'+' => ("", &exp[1..]),
            b'-' => ("-", &exp[1..]),
            _ => ("", exp),
        };
        text.push('e');
        text.push_str(esign);
        text.push_str(&plain_digits(edigits, |c| c.is_ascii_digit())?);
    }
    // Too large for a float is an error, as the `toml` crate has it (only `inf` is infinite).
    parse_f64(&text)
        .filter(|f| f.is_finite())
        .map(DeValue::Float)
}

/// Digits with single underscores between them, without the underscores.
fn plain_digits(s: &str, digit: impl Fn(char) -> bool) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut last_digit = false;
    for c in s.chars() {
        if c == '_' && last_digit {
            last_digit = false;
        } else if digit(c) {
            out.push(c);
            last_digit = true;
        } else {
            return None;
        }
    }
    (last_digit).then_some(out)
}

/// `1979-05-27`, `07:32:00`, `07:32`, `1979-05-27T07:32:00.999-07:00`, `1979-05-27 07:32Z`: the
/// shapes of TOML's dates and times (digits in the right places; ranges are not checked).
fn datetime_shape(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    // Seconds are optional (TOML 1.1, as the `toml` crate reads it).
    let time = |at: usize| -> Option<usize> {
        if !(digits(at..at + 2) && b.get(at + 2) == Some(&b':') && digits(at + 3..at + 5)) {
            return None;
        }
        if b.get(at + 5) != Some(&b':') {
            return Some(at + 5);
        }
        if !digits(at + 6..at + 8) {
            return None;
        }
        let mut end = at + 8;
        if b.get(end) == Some(&b'.') {
            let n = b[end + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if n == 0 {
                return None;
            }
            end += 1 + n;
        }
        Some(end)
    };
    if b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
    {
        if b.len() == 10 {
            return true;
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return false;
        }
        let Some(end) = time(11) else { return false };
        let offset = &b[end..];
        return offset.is_empty()
            || offset == b"Z"
            || offset == b"z"
            || (offset.len() == 6
                && matches!(offset[0], b'+' | b'-')
                && offset[3] == b':'
                && offset[1..3]
                    .iter()
                    .chain(&offset[4..])
                    .all(u8::is_ascii_digit));
    }
    time(0) == Some(b.len())
}

#[cfg(test)]
// The tests read the content folder to compare every bundled file with the `toml` crate's reading.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    /// The document as the `toml` crate's value (for comparing the two readers).
    fn to_value(item: &Item) -> toml::Value {
        match &item.value {
            DeValue::String(s) => toml::Value::String(s.clone()),
            DeValue::Integer(i) => {
                toml::Value::Integer(i64::from_str_radix(i.as_str(), i.radix()).unwrap())
            }
            DeValue::Float(f) => toml::Value::Float(*f),
            DeValue::Boolean(b) => toml::Value::Boolean(*b),
            DeValue::Datetime(d) => toml::Value::Datetime(d.parse().unwrap()),
            DeValue::Array(items) => toml::Value::Array(items.iter().map(to_value).collect()),
            DeValue::Table(t) => toml::Value::Table(
                t.iter()
                    .map(|(k, v)| (k.name.clone(), to_value(v)))
                    .collect(),
            ),
        }
    }

    /// Equal, floats within a few units in the last place of each other ([`parse_f64`] is exact
    /// only in the common range).
    fn same(a: &toml::Value, b: &toml::Value) -> bool {
        use toml::Value::*;
        match (a, b) {
            (Float(x), Float(y)) => {
                x == y
                    || (x.is_nan() && y.is_nan())
                    || (x - y).abs() <= 4.0 * f64::EPSILON * y.abs()
            }
            (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
            (Table(x), Table(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    fn agree(text: &str) {
        let ours = parse(text).unwrap_or_else(|e| panic!("{} at {}: {text}", e.message, e.at));
        let theirs: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let (ours, theirs) = (to_value(&ours), toml::Value::Table(theirs));
        assert!(same(&ours, &theirs), "{text}\n{ours:?}\n{theirs:?}");
    }

    fn content(folder: &str) -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../content")
            .join(folder);
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn agrees_with_the_toml_crate() {
        let mut files = content("scenarios");
        files.extend(content("lessons"));
        files.push((
            "hostile".into(),
            include_str!("../../../../e2e/fixtures/hostile-scenario.toml").into(),
        ));
        assert!(files.len() > 40);
        for (name, text) in &files {
            let ours =
                parse(text).unwrap_or_else(|e| panic!("{name}: {} at byte {}", e.message, e.at));
            let theirs: toml::Table = toml::from_str(text).unwrap();
            assert_eq!(to_value(&ours), toml::Value::Table(theirs), "{name}");
        }
        for text in [
            "",
            "# only a comment\n",
            "a = 1\r\nb = 'x'\r\n",
            "\u{feff}a = 1",
            "a = +1_000\nb = -17\nc = 0\nd = 0xDEAD_beef\ne = 0o755\nf = 0b1101\ng = -0",
            "a = 1.5\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991\nh = 0.1\ni = 3.14159265358979323846\nj = 1e-400\nk = 1.5e300\nl = 0e0\nm = inf\nn = -inf\no = +inf\np = 9007199254740993\nq = 123456789012345678901234567890.5",
            "a = true\nb = false",
            r#"s = "tab\tnewline\nquote\" backslash\\ unicode \u00e9 \U0001F600 \b\f\r""#,
            "s = 'C:\\Users\\nodejs\\templates'\nt = '<\\i\\c*\\s*>'\nu = ''",
            "s = \"\"\"\nRoses are red\nViolets are blue\"\"\"",
            "s = \"\"\"\\\n  The quick \\\n\n  brown fox.\\\n  \"\"\"",
            "s = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\nt = \"\"\"Here are fifteen quotation marks: \"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\"\"\"\\\".\"\"\"\nu = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"",
            "s = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\nt = ''''That,' she said, 'is still pointless.''''",
            "a = [1, 2, 3]\nb = [ \"x\", 'y', \"\"\"z\"\"\" ]\nc = [ [ 1, 2 ], [\"a\", 'b'] ]\nd = [\n  1,\n  2, # two\n]\ne = []\nf = [ { x = 1 }, { y = [2] } ]",
            "name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = { x = 1, y = 2 }\nanimal = { type.name = \"pug\" }\nempty = {}",
            "fruit.name = \"banana\"\nfruit. color = \"yellow\"\nfruit . flavor = \"banana\"\n\"quoted key\" = 1\n'literal key' = 2\n\"\" = 3\n3.14159 = \"pi\"",
            "[table-1]\nkey1 = \"some string\"\nkey2 = 123\n\n[table-2]\nkey1 = \"another string\"\nkey2 = 456",
            "[dog.\"tater.man\"]\ntype.name = \"pug\"\n[ j . \"ʞ\" . 'l' ]\n[x.y.z.w]\n[x]",
            "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true",
            "[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n[[products]]\nname = \"Nail\"\nsku = 284758393\ncolor = \"gray\"",
            "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"\n[[fruits.varieties]]\nname = \"granny smith\"\n[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"",
            "odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00-07:00\nodt3 = 1979-05-27 07:32:00.999999-07:00\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\nlt2 = 00:32:00.999999",
            "a = 1 # trailing comment\n  b = 2\t\n[t] # header comment\nc = [1,2,]",
            // TOML 1.1, which the `toml` crate reads (and so scenarios written for it).
            "a = { b = 1, }\nc = {\n  d = 2, # two\n  e.f = 3\n}\ng = \"\\e\\x41\"\nh = 07:32\ni = 1979-05-27T07:32\nj = 1979-05-27 07:32Z\nk = \"\"\"\"\"\"\"",
            "k = 1.5e300\nl = -2.5e-300\nm = 123456789012345678901234567890.0\nn = 1e-310",
            "a = \"\"\"x\r\ny\"\"\"\r\nb = '''x\r\ny'''\r\nc = \"\"\"x\\\r\n  y\"\"\"\nd = 1_000.5_5\ne = -nan\nf = 1e+05\ng = 'x\ty'\n\"h\\u0041\" = 1\ni = [\n# c\n1 # d\n, 2]",

        ] {
            agree(text);
        }
    }

    #[test]
    fn refuses_what_the_toml_crate_refuses() {
        for text in [
            "a = ",
            "a = 1\na = 2",
            "a = 01",
            "a = 1__0",
            "a = _1",
            "a = 1_",
            "a = 0x",
            "a = +0x10",
            "a = 1.",
            "a = .5",
            "a = 1e",
            "a = 1.e5",
            "a = tru",
            "a = \"open",
            "a = 'open",
            "a = \"\"\"open",
            "a = \"bad \\q escape\"",
            "a = \"bad \\uD800 escape\"",
            "a = [1 2]",
            "a = 1 b = 2",
            "[a]\n[a]",
            "[a]\nb = 1\n[a.b]",
            "a = {}\n[a]",
            "a.b = 1\n[a]",
            "[fruit]\napple.color = \"red\"\n[fruit.apple]",
            "a = [1]\n[[a]]",
            "[[a]]\n[a]",
            "[a.b]\nc = 1\n[a]\nb.d = 2",
            "a = { b = 1 }\na.c = 2",
            "[a",
            "[[a]",
            "[]",
            "= 1",
            "a.. b = 1",
            "é = 1",
            "a = 1\rb = 2",
            "a = \"x\u{0}y\"",
            "a = 0_0",
            "[a]\nb = 1\n[a.c]\n[a]",
            "a = 1979-05-27T07",
            "a = \"\\ä\"",
            "a = \"\\x4\"",
            "a = { b = 1,, }",
            "a = { , }",
        ] {
            assert!(
                toml::from_str::<toml::Table>(text).is_err(),
                "the toml crate accepts {text:?}"
            );
            assert!(parse(text).is_err(), "accepted {text:?}");
        }
    }

    /// Pieces of TOML, right and wrong, that random documents are strung from.
    const PIECES: &[&str] = &[
        "a",
        "b",
        "c",
        "\"k y\"",
        "'l'",
        "a.b",
        "b . c",
        "=",
        " = ",
        " ",
        "\t",
        "\n",
        "\r\n",
        "#x\n",
        ",",
        "[",
        "]",
        "{",
        "}",
        "[[",
        "]]",
        "[a]\n",
        "[a.b]\n",
        "[[t]]\n",
        "[t.u]\n",
        "1",
        "-2",
        "+3",
        "0",
        "007",
        "1_000",
        "1__0",
        "0x1f",
        "0o7",
        "0b10",
        "1.5",
        "-0.25",
        "2e3",
        "1e-2",
        "1.",
        ".5",
        "inf",
        "nan",
        "true",
        "false",
        "\"s\"",
        "\"\\n\\u00e9\"",
        "\"\\q\"",
        "'lit'",
        "\"\"\"m\nl\"\"\"",
        "'''r\n'''",
        "\"open",
        "1979-05-27",
        "07:32:00",
        "1979-05-27T07:32:00Z",
        "x = 1\n",
        "y = [1, 2]\n",
        "z = { p = 1, q.r = 2 }\n",
        "t = { }\n",
        "a.b.c = 1\n",
        "\"\"",
        "é",
        "\u{7f}",
    ];

    /// The same values from both readers, or a refusal from both.
    fn read_alike(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let theirs = toml::from_str::<toml::Table>(text);
        let ours = parse(text);
        match (&theirs, &ours) {
            (Ok(t), Ok(o)) => {
                let (o, t) = (to_value(o), toml::Value::Table(t.clone()));
                proptest::prop_assert!(same(&o, &t), "{text:?}\n{o:?}\n{t:?}");
            }
            (Err(_), Err(_)) => {}
            _ => proptest::prop_assert!(
                false,
                "{text:?}: toml {:?}, ours {:?}",
                theirs.as_ref().map(|_| ()),
                ours.as_ref().map(|_| ()).map_err(|e| &e.message)
            ),
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, failure_persistence: None, ..Default::default() })]
        /// A document the `toml` crate reads, this reader reads to the same values; one it refuses,
        /// this reader refuses too.
        #[test]
        fn random_documents_read_as_the_toml_crate_reads_them(picks in proptest::collection::vec(0..PIECES.len(), 0..14)) {
            let text: String = picks.iter().map(|i| PIECES[*i]).collect();
            read_alike(&text)?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, failure_persistence: None, ..Default::default() })]
        /// The same, on strings of TOML's own punctuation, letters, digits, quotes, escapes and
        /// non-ASCII text in any order: what no hand-picked piece would try (and no panic).
        #[test]
        fn random_text_reads_as_the_toml_crate_reads_it(text in "[\\[\\]{}=\"'.,#abtfnrux0-9 \n\t\r\\\\_+:eE\u{e9}\u{1F600}-]{0,40}") {
            read_alike(&text)?;
        }
    }

    const KEYS: &[&str] = &[
        "a", "b", "a.b", "a.c", "\"q k\"", "t.x", "u", "'v'.w", "x-y", "1",
    ];
    const VALUES: &[&str] = &[
        "1",
        "-0",
        "+17",
        "0xff",
        "3.25",
        "-1e-3",
        "6.02e23",
        "nan",
        "-inf",
        "true",
        "\"s\\t\\u0041\"",
        "'r'",
        "\"\"\"a\nb\"\"\"",
        "'''\nc'''",
        "[]",
        "[1, 2, ]",
        "[\n 'x', # c\n [true]\n]",
        "{}",
        "{ a = 1 }",
        "{ a.b = 1, a.c = [2] }",
        "{ a = 1,\n b = 2, }",
        "1979-05-27",
        "1979-05-27T07:32:00.5+01:00",
        "07:32",
        "[{ a = 1 }, { b = 2 }]",
        "01",
        "1.",
        "{ a = 1, a = 2 }",
    ];
    const HEADERS: &[&str] = &[
        "[a]",
        "[a.b]",
        "[t]",
        "[[t]]",
        "[t.u]",
        "[[t.w]]",
        "[ \"q k\" ]",
        "[a.d]",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, failure_persistence: None, ..Default::default() })]
        /// The same, on documents made of whole lines: headers and `key = value`.
        #[test]
        fn random_lines_read_as_the_toml_crate_reads_them(lines in proptest::collection::vec((0..3usize, 0..KEYS.len(), 0..VALUES.len(), 0..HEADERS.len()), 0..9)) {
            let text: String = lines
                .iter()
                .map(|(kind, k, v, h)| if *kind == 0 { format!("{}\n", HEADERS[*h]) } else { format!("{} = {} # c\n", KEYS[*k], VALUES[*v]) })
                .collect();
            read_alike(&text)?;
        }
    }

    /// A table holds at most MAX_KEYS keys, however they come.
    #[test]
    fn a_table_holds_at_most_a_thousand_keys() {
        let keys = |n: usize| -> String { (0..n).map(|i| format!("k{i} = 1\n")).collect() };
        assert!(parse(&keys(1_000)).is_ok());
        let err = parse(&keys(1_001)).unwrap_err();
        assert!(
            err.message.starts_with("a table has more than 1000 keys"),
            "{}",
            err.message
        );
        let dotted: String = (0..1_001).map(|i| format!("t.k{i} = 1\n")).collect();
        assert!(parse(&dotted).is_err());
        let headers: String = (0..1_001).map(|i| format!("[t{i}]\n")).collect();
        assert!(parse(&headers).is_err());
        let inline = format!(
            "a = {{ {} }}",
            (0..1_001)
                .map(|i| format!("k{i} = 1"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(parse(&inline).is_err());
    }

    /// The `toml` crate's limits, so that a hostile link cannot run the reader out of stack.
    #[test]
    fn nesting_and_key_length_have_the_toml_crates_limits() {
        for n in [1, 79, 80, 81, 500, 60_000] {
            for text in [
                format!("a = {}1{}", "[".repeat(n), "]".repeat(n)),
                format!("a = {}1{}", "{b = ".repeat(n), "}".repeat(n)),
                format!("{}a = 1", "a.".repeat(n - 1)),
                format!("[{}a]", "a.".repeat(n - 1)),
            ] {
                let ok = n <= 80;
                if n < 1000 {
                    assert_eq!(
                        toml::from_str::<toml::Table>(&text).is_ok(),
                        ok,
                        "toml, {n}: {}",
                        &text[..20.min(text.len())]
                    );
                }
                assert_eq!(
                    parse(&text).is_ok(),
                    ok,
                    "ours, {n}: {}",
                    &text[..20.min(text.len())]
                );
            }
        }
    }

    #[test]
    fn numbers_read_as_the_standard_library_reads_them() {
        for s in [
            "0",
            "1",
            "-1",
            "+1",
            "0.1",
            "0.34",
            "1.5",
            "2.5e-3",
            "86400",
            "1e22",
            "1e23",
            "123456789.123456789",
            "9007199254740992",
            "9007199254740993",
            "0.000001",
            "1.5e300",
            "2.2250738585072014e-308",
            "1e-400",
            "1e400",
            ".5",
            "5.",
            "inf",
            "-Infinity",
            "NaN",
            "00012",
            "3.14159265358979323846",
        ] {
            let ours = parse_f64(s).unwrap();
            let std: f64 = s.parse().unwrap();
            if std.is_nan() {
                assert!(ours.is_nan(), "{s}");
            } else {
                let close = ours == std || ((ours - std) / std).abs() < 1e-15;
                assert!(close, "{s}: {ours} vs {std}");
            }
        }
        // Exact where a scenario's numbers are.
        for n in 0..20_000u32 {
            let s = format!("{}.{:02}", n / 100, n % 100);
            assert_eq!(parse_f64(&s), s.parse().ok(), "{s}");
            let s = format!("{n}e-{}", n % 23);
            assert_eq!(parse_f64(&s), s.parse().ok(), "{s}");
        }
        for bad in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1_0", " 1", "1 ", "infinite",
        ] {
            assert_eq!(parse_f64(bad), None, "{bad:?}");
            assert!(bad.parse::<f64>().is_err(), "{bad:?} parses in std");
        }
    }
}
