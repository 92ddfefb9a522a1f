//! Reading scenario TOML into the scenario types, and writing them back, by hand instead of with
//! serde's derives.
//!
//! Why: the derived `Deserialize`/`Serialize` impls for the scenario types were the largest part
//! of the browser download. Each derived impl is compiled once per deserializer type it meets
//! (toml's document and value deserializers, and serde's private buffering deserializer for every
//! internally tagged enum such as `kind = "sqs"`), and `Source` alone came to 59 KB of wasm. They
//! were also most of the first parse's cost in the browser, because all that code is compiled on
//! first use. This reader walks toml's spanned document ([`DeTable`]) once, with one small
//! function per type (figures in ARCHITECTURE.md, "The file formats are read by hand").
//!
//! It also gives better errors than the derives did: every problem is reported, not only the
//! first, each with its own line (from the span of the key or value) and the field's path in the
//! same notation validation uses (`sources[1].batch_size`).
//!
//! The contract, kept by the types' declarations ([`declare!`](super::schema::declare)):
//! * an unknown key is an error naming the known ones (`deny_unknown_fields`);
//! * a missing key takes its default, or is an error ("is required") if it has none;
//! * a wrong type or an integer too large for its field says, in words, what the field takes
//!   ("must be a whole number of seconds from 1 to 900 (got "three")");
//! * `write` produces a table that `read` turns back into an equal value (tested for every
//!   bundled scenario), omitting `None` options as the toml serializer did.

use std::ops::Range;

use toml::{Table, Value};

/// A value of the document with its byte span.
pub(crate) use super::toml_doc::Item;
use super::toml_doc::{self, DeTable, DeValue};

use super::schema::{quoted, toml_limit, FieldInfo, ValueSpec};
use super::{ScenarioError, ScenarioErrors};

/// Collects the problems found while reading one document.
pub(crate) struct Reader<'a> {
    text: &'a str,
    errors: Vec<ScenarioError>,
}

impl<'a> Reader<'a> {
    fn error(&mut self, span: Range<usize>, field: &str, message: String) {
        self.errors.push(ScenarioError {
            line: Some(line_of_offset(self.text, span.start)),
            field: if field.is_empty() {
                "(file)".into()
            } else {
                field.into()
            },
            message,
        });
    }
}

pub(crate) fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Parses `text` and reads a `T` from the whole document: a TOML syntax error (its message and
/// line, field `(syntax)`) or every reading problem, in document order.
pub(crate) fn read_document<T: TomlField>(file: &str, text: &str) -> Result<T, ScenarioErrors> {
    let fail = |errors| ScenarioErrors {
        file: file.to_string(),
        errors,
    };
    let root = toml_doc::parse(text).map_err(|e| {
        fail(vec![ScenarioError {
            line: Some(line_of_offset(text, e.at)),
            field: "(syntax)".into(),
            message: e.message,
        }])
    })?;
    let mut r = Reader {
        text,
        errors: Vec::new(),
    };
    let value = T::read(&root, "", &mut r, &FieldInfo::root(T::SPEC));
    match value {
        Some(v) if r.errors.is_empty() => Ok(v),
        _ => {
            if r.errors.is_empty() {
                r.error(0..0, "", "could not be read".into());
            }
            // No line (whole-file problems) first, as `Option` orders.
            crate::order::sort_by_u64_key(&mut r.errors, |e| e.line.map_or(0, |l| l as u64 + 1));
            Err(fail(r.errors))
        }
    }
}

/// A type the scenario format can hold.
pub(crate) trait TomlField: Sized {
    /// What the format sees in this type (for messages, the panel and the reference).
    const SPEC: ValueSpec;
    /// Reads `v` (at `path`, for messages; `info` is the field's declaration, for wording what
    /// it accepts); `None` after recording why in `r`.
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self>;
    /// The TOML for this value; `None` leaves the key out (an unset option).
    fn write(&self) -> Option<Value>;
}

/// How a value is shown after "got" in a message.
fn describe(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => super::schema::quote(s),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

fn wrong(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) {
    r.error(v.span(), path, info.must_be(&describe(v.get_ref())));
}

fn integer(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<i128> {
    match v.get_ref() {
        // TOML integers are 64-bit signed: a longer one is refused here, not read as a u64
        // that could never be written back.
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Some(n.into()),
            Err(_) => {
                r.error(
                    v.span(),
                    path,
                    info.must_be(&format!("{i}, which is too large")),
                );
                None
            }
        },
        _ => {
            wrong(v, path, r, info);
            None
        }
    }
}

macro_rules! toml_integer {
    ($($t:ty),*) => {$(
        impl TomlField for $t {
            const SPEC: ValueSpec = ValueSpec::Whole {
                min: toml_limit(<$t>::MIN as i128),
                max: toml_limit(<$t>::MAX as i128),
            };
            fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
                let n = integer(v, path, r, info)?;
                match <$t>::try_from(n) {
                    Ok(x) => Some(x),
                    Err(_) => {
                        let size = if n < 0 { "too small" } else { "too large" };
                        r.error(v.span(), path, info.must_be(&format!("{n}, which is {size}")));
                        None
                    }
                }
            }
            fn write(&self) -> Option<Value> {
                // TOML integers are i64; a larger u64 cannot be written (and validation refuses
                // such values anyway).
                i64::try_from(*self).ok().map(Value::Integer)
            }
        }
    )*};
}
toml_integer!(u16, u32, u64, i64);

impl TomlField for f64 {
    const SPEC: ValueSpec = ValueSpec::Number;
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        match v.get_ref() {
            // An integer where a float is expected is fine (`p = 1`), as it was with serde.
            DeValue::Integer(_) => integer(v, path, r, info).map(|n| n as f64),
            DeValue::Float(f) => Some(*f),
            _ => {
                wrong(v, path, r, info);
                None
            }
        }
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Float(*self))
    }
}

impl TomlField for bool {
    const SPEC: ValueSpec = ValueSpec::Flag;
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                wrong(v, path, r, info);
                None
            }
        }
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Boolean(*self))
    }
}

impl TomlField for String {
    const SPEC: ValueSpec = ValueSpec::Text;
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.clone()),
            _ => {
                wrong(v, path, r, info);
                None
            }
        }
    }
    fn write(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl<T: TomlField> TomlField for Option<T> {
    const SPEC: ValueSpec = ValueSpec::Optional(&T::SPEC);
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        T::read(v, path, r, info).map(Some)
    }
    fn write(&self) -> Option<Value> {
        self.as_ref().and_then(T::write)
    }
}

impl<T: TomlField> TomlField for Vec<T> {
    const SPEC: ValueSpec = ValueSpec::List(&T::SPEC);
    fn read(v: &Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        let DeValue::Array(items) = v.get_ref() else {
            wrong(v, path, r, info);
            return None;
        };
        // Read every element (to report every problem), then fail if any did.
        let read: Vec<Option<T>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| T::read(item, &format!("{path}[{i}]"), r, info))
            .collect();
        read.into_iter().collect()
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Array(self.iter().filter_map(T::write).collect()))
    }
}

/// What [`Fields::lookup`] found for a key.
enum Lookup<'t> {
    Found(&'t Item, String),
    Default,
    Missing,
}

/// A table being read: hands out its fields by key, remembers which keys were asked for, and at
/// [`Fields::finish`] reports the keys nobody asked for.
pub(crate) struct Fields<'t> {
    table: &'t DeTable,
    span: Range<usize>,
    path: String,
    asked: Vec<&'static str>,
    errors_before: usize,
}

impl<'t> Fields<'t> {
    /// The table at `v`, or an error if `v` is something else.
    pub(crate) fn of(v: &'t Item, path: &str, r: &mut Reader, info: &FieldInfo) -> Option<Self> {
        match v.get_ref() {
            DeValue::Table(table) => Some(Fields {
                table,
                span: v.span(),
                path: path.to_string(),
                asked: Vec::new(),
                errors_before: r.errors.len(),
            }),
            _ => {
                wrong(v, path, r, info);
                None
            }
        }
    }

    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'t Item> {
        self.table
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The field `key`, declared among `fields`: read if present; else `default`, or a
    /// "required" error if there is no default.
    ///
    /// The default comes as a value, not a closure: a closure type per call site made one copy of
    /// this function per field (200 of them, most of the scenario reader's size); now there is
    /// one per field type, and the lookup is shared by all.
    pub(crate) fn field<T: TomlField>(
        &mut self,
        r: &mut Reader,
        fields: &'static [FieldInfo],
        key: &'static str,
        default: Option<T>,
    ) -> Option<T> {
        let info = declared(fields, key);
        match self.lookup(r, key, default.is_some(), &info) {
            Lookup::Found(v, path) => T::read(v, &path, r, &info),
            Lookup::Default => default,
            Lookup::Missing => None,
        }
    }

    /// Finds `key` (recording that it was asked for); reports it missing if it has no default.
    #[inline(never)]
    fn lookup(
        &mut self,
        r: &mut Reader,
        key: &'static str,
        has_default: bool,
        info: &FieldInfo,
    ) -> Lookup<'t> {
        self.asked.push(key);
        match self.get(key) {
            Some(v) => Lookup::Found(v, self.path_of(key)),
            None if has_default => Lookup::Default,
            None => {
                r.error(
                    self.span.clone(),
                    &self.path_of(key),
                    format!("is required: give {}", info.expectation()),
                );
                Lookup::Missing
            }
        }
    }

    /// The required string under `key` (a tag such as `kind`, one of `words`) and where it is,
    /// for an error about its value.
    pub(crate) fn tag(
        &mut self,
        r: &mut Reader,
        key: &'static str,
        words: &'static [&'static str],
    ) -> Option<(String, Range<usize>)> {
        let span = self.get(key).map(|v| v.span());
        let info = FieldInfo {
            key,
            ..FieldInfo::root(ValueSpec::Words(words))
        };
        let value: String = match self.lookup(r, key, false, &info) {
            Lookup::Found(v, path) => String::read(v, &path, r, &info)?,
            _ => return None,
        };
        Some((value, span.unwrap_or_else(|| self.span.clone())))
    }

    /// Records an unknown value of the tag `key`.
    pub(crate) fn unknown_variant(
        &self,
        r: &mut Reader,
        key: &'static str,
        at: Range<usize>,
        value: &str,
        allowed: &'static [&'static str],
    ) {
        let info = FieldInfo {
            key,
            ..FieldInfo::root(ValueSpec::Words(allowed))
        };
        r.error(
            at,
            &self.path_of(key),
            info.must_be(&super::schema::quote(value)),
        );
    }

    /// Reports unknown keys; `value` if this table had no problem.
    pub(crate) fn finish<T>(self, r: &mut Reader, value: Option<T>) -> Option<T> {
        for (k, _) in self.table.iter() {
            let key = k.name.as_str();
            if !self.asked.contains(&key) {
                r.error(
                    k.span.clone(),
                    &self.path_of(key),
                    format!(
                        "is not a key of this table (unknown key `{key}`): allowed {}",
                        quoted(&self.asked)
                    ),
                );
            }
        }
        if r.errors.len() > self.errors_before {
            None
        } else {
            value
        }
    }
}

/// The declaration of `key` among `fields`. Always there (the macros pass each field's own
/// list); a plain text field otherwise, so a slip shows as a vague message, never a panic.
fn declared(fields: &'static [FieldInfo], key: &'static str) -> FieldInfo {
    fields
        .iter()
        .find(|f| f.key == key)
        .copied()
        .unwrap_or(FieldInfo {
            key,
            ..FieldInfo::root(ValueSpec::Text)
        })
}

/// Puts `value` under `key` unless it writes nothing (an unset option).
pub(crate) fn put<T: TomlField>(table: &mut Table, key: &str, value: &T) {
    if let Some(v) = value.write() {
        table.insert(key.to_string(), v);
    }
}

/// Records a word outside a fixed set.
pub(crate) fn unknown_word(v: &Item, path: &str, r: &mut Reader, word: &str, info: &FieldInfo) {
    r.error(v.span(), path, info.must_be(&super::schema::quote(word)));
}

/// Writes a tagged value: the tag first, then the variant's fields.
pub(crate) fn tagged(key: &str, tag: &str, fields: impl FnOnce(&mut Table)) -> Option<Value> {
    let mut t = Table::new();
    t.insert(key.to_string(), Value::String(tag.to_string()));
    fields(&mut t);
    Some(Value::Table(t))
}
