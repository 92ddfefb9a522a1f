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
//! The contract, kept by [`toml_struct!`], [`toml_tagged!`] and [`toml_words!`]:
//! * an unknown key is an error naming the known ones (`deny_unknown_fields`);
//! * a missing key takes its default, or is an error (`missing field`) if it has none;
//! * a wrong type or out-of-range integer names the value and what was expected;
//! * `write` produces a table that `read` turns back into an equal value (tested for every
//!   bundled scenario), omitting `None` options as the toml serializer did.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

use super::{ScenarioError, ScenarioErrors};

/// A value of the document with its byte span.
pub(crate) type Item<'i> = Spanned<DeValue<'i>>;

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

/// Parses `text` and reads a `T` from the whole document: TOML syntax errors (toml's message and
/// line, field `(syntax)`) or every reading problem, in document order.
pub(crate) fn read_document<T: TomlField>(file: &str, text: &str) -> Result<T, ScenarioErrors> {
    let fail = |errors| ScenarioErrors {
        file: file.to_string(),
        errors,
    };
    let table = DeTable::parse(text).map_err(|e| {
        fail(vec![ScenarioError {
            line: e.span().map(|s| line_of_offset(text, s.start)),
            field: "(syntax)".into(),
            message: e.message().trim().to_string(),
        }])
    })?;
    let span = table.span();
    let root = Spanned::new(span, DeValue::Table(table.into_inner()));
    let mut r = Reader {
        text,
        errors: Vec::new(),
    };
    let value = T::read(&root, "", &mut r);
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
    /// Reads `v` (at `path`, for messages); `None` after recording why in `r`.
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self>;
    /// The TOML for this value; `None` leaves the key out (an unset option).
    fn write(&self) -> Option<Value>;
}

/// How a value is described in an "invalid type" message (serde's wording).
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("string {:?}", s.as_ref()),
        DeValue::Integer(i) => format!("integer `{i}`"),
        DeValue::Float(f) => format!("floating point `{f}`"),
        DeValue::Boolean(b) => format!("boolean `{b}`"),
        DeValue::Datetime(d) => format!("datetime `{d}`"),
        DeValue::Array(_) => "array".into(),
        DeValue::Table(_) => "table".into(),
    }
}

fn invalid_type(v: &Item<'_>, path: &str, r: &mut Reader, expected: &str) {
    let what = describe(v.get_ref());
    r.error(
        v.span(),
        path,
        format!("invalid type: {what}, expected {expected}"),
    );
}

fn integer(v: &Item<'_>, path: &str, r: &mut Reader, expected: &str) -> Option<i128> {
    match v.get_ref() {
        // TOML integers are 64-bit signed: a longer one is refused here, not read as a u64
        // that could never be written back.
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Some(n.into()),
            Err(_) => {
                r.error(
                    v.span(),
                    path,
                    format!("invalid value: integer `{i}`, expected {expected}"),
                );
                None
            }
        },
        _ => {
            invalid_type(v, path, r, expected);
            None
        }
    }
}

macro_rules! toml_integer {
    ($($t:ty),*) => {$(
        impl TomlField for $t {
            fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
                let n = integer(v, path, r, stringify!($t))?;
                match <$t>::try_from(n) {
                    Ok(x) => Some(x),
                    Err(_) => {
                        r.error(
                            v.span(),
                            path,
                            format!("invalid value: integer `{n}`, expected {}", stringify!($t)),
                        );
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

/// A scalar `pick` finds in `v`, or an "invalid type" error naming `expected`.
fn scalar<T>(
    v: &Item<'_>,
    path: &str,
    r: &mut Reader,
    expected: &str,
    pick: impl FnOnce(&DeValue<'_>) -> Option<T>,
) -> Option<T> {
    let got = pick(v.get_ref());
    if got.is_none() {
        invalid_type(v, path, r, expected);
    }
    got
}

impl TomlField for f64 {
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
        match v.get_ref() {
            // An integer where a float is expected is fine (`p = 1`), as it was with serde.
            DeValue::Integer(_) => integer(v, path, r, "f64").map(|n| n as f64),
            _ => scalar(v, path, r, "f64", |d| match d {
                DeValue::Float(f) => f.as_str().parse().ok(),
                _ => None,
            }),
        }
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Float(*self))
    }
}

impl TomlField for bool {
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
        scalar(v, path, r, "a boolean", |d| match d {
            DeValue::Boolean(b) => Some(*b),
            _ => None,
        })
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Boolean(*self))
    }
}

impl TomlField for String {
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
        scalar(v, path, r, "a string", |d| match d {
            DeValue::String(s) => Some(s.to_string()),
            _ => None,
        })
    }
    fn write(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl<T: TomlField> TomlField for Option<T> {
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
        T::read(v, path, r).map(Some)
    }
    fn write(&self) -> Option<Value> {
        self.as_ref().and_then(T::write)
    }
}

impl<T: TomlField> TomlField for Vec<T> {
    fn read(v: &Item<'_>, path: &str, r: &mut Reader) -> Option<Self> {
        let DeValue::Array(items) = v.get_ref() else {
            invalid_type(v, path, r, "an array");
            return None;
        };
        // Read every element (to report every problem), then fail if any did.
        let read: Vec<Option<T>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| T::read(item, &format!("{path}[{i}]"), r))
            .collect();
        read.into_iter().collect()
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Array(self.iter().filter_map(T::write).collect()))
    }
}

/// What [`Fields::lookup`] found for a key.
enum Lookup<'t, 'i> {
    Found(&'t Item<'i>, String),
    Default,
    Missing,
}

/// A table being read: hands out its fields by key, remembers which keys were asked for, and at
/// [`Fields::finish`] reports the keys nobody asked for.
pub(crate) struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    path: String,
    asked: Vec<&'static str>,
    errors_before: usize,
}

impl<'t, 'i> Fields<'t, 'i> {
    /// The table at `v`, or an error if `v` is something else.
    pub(crate) fn of(v: &'t Item<'i>, path: &str, r: &mut Reader) -> Option<Self> {
        match v.get_ref() {
            DeValue::Table(table) => Some(Fields {
                table,
                span: v.span(),
                path: path.to_string(),
                asked: Vec::new(),
                errors_before: r.errors.len(),
            }),
            _ => {
                invalid_type(v, path, r, "a table");
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

    fn get(&self, key: &str) -> Option<&'t Item<'i>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// The field `key`: read if present; else `default`, or a "missing field" error if there is
    /// no default.
    ///
    /// The default comes as a value, not a closure: a closure type per call site made one copy of
    /// this function per field (200 of them, most of the scenario reader's size); now there is
    /// one per field type, and the lookup is shared by all.
    pub(crate) fn field<T: TomlField>(
        &mut self,
        r: &mut Reader,
        key: &'static str,
        default: Option<T>,
    ) -> Option<T> {
        match self.lookup(r, key, default.is_some()) {
            Lookup::Found(v, path) => T::read(v, &path, r),
            Lookup::Default => default,
            Lookup::Missing => None,
        }
    }

    /// Finds `key` (recording that it was asked for); reports it missing if it has no default.
    #[inline(never)]
    fn lookup(&mut self, r: &mut Reader, key: &'static str, has_default: bool) -> Lookup<'t, 'i> {
        self.asked.push(key);
        match self.get(key) {
            Some(v) => Lookup::Found(v, self.path_of(key)),
            None if has_default => Lookup::Default,
            None => {
                r.error(
                    self.span.clone(),
                    &self.path_of(key),
                    format!("missing field `{key}`"),
                );
                Lookup::Missing
            }
        }
    }

    /// The required string under `key` (a tag such as `kind`) and where it is, for an error
    /// about its value.
    pub(crate) fn tag(
        &mut self,
        r: &mut Reader,
        key: &'static str,
    ) -> Option<(String, Range<usize>)> {
        let span = self.get(key).map(|v| v.span());
        let value: String = self.field(r, key, None)?;
        Some((value, span.unwrap_or_else(|| self.span.clone())))
    }

    /// Records an unknown value of the tag `key`.
    pub(crate) fn unknown_variant(
        &self,
        r: &mut Reader,
        key: &str,
        at: Range<usize>,
        value: &str,
        allowed: &[&str],
    ) {
        r.error(at, &self.path_of(key), unknown_variant(value, allowed));
    }

    /// Reports unknown keys; `value` if this table had no problem.
    pub(crate) fn finish<T>(self, r: &mut Reader, value: Option<T>) -> Option<T> {
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if !self.asked.contains(&key) {
                r.error(
                    k.span(),
                    &self.path_of(key),
                    format!(
                        "unknown field `{key}`, expected one of {}",
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

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Puts `value` under `key` unless it writes nothing (an unset option).
pub(crate) fn put<T: TomlField>(table: &mut Table, key: &str, value: &T) {
    if let Some(v) = value.write() {
        table.insert(key.to_string(), v);
    }
}

/// `TomlField` for a struct read from a table, from its field list:
///
/// ```ignore
/// toml_struct!(Destination { kind, name, fifo = false });          // kind, name required
/// toml_struct!(defaults Network { hop_ms });                       // defaults from Default
/// toml_struct!(ScenarioFile { async_config as "async" = ..., ... }); // key differs from field
/// ```
///
/// The struct literal and the destructuring in `write` are exhaustive, so a field added to the
/// struct and not here is a compile error.
macro_rules! toml_struct {
    (defaults $ty:ident { $($field:ident $(as $key:literal)?),* $(,)? }) => {
        impl $ty {
            pub(crate) fn read_fields(
                f: &mut $crate::scenario::toml_io::Fields<'_, '_>,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                let defaults = <$ty as Default>::default();
                $( let $field = f.field(r, toml_struct!(@key $field $($key)?), Some(defaults.$field)); )*
                Some($ty { $( $field: $field? ),* })
            }
        }
        toml_struct!(@impl $ty { $($field $(as $key)?),* });
    };
    ($ty:ident { $($field:ident $(as $key:literal)? $(= $default:expr)?),* $(,)? }) => {
        impl $ty {
            pub(crate) fn read_fields(
                f: &mut $crate::scenario::toml_io::Fields<'_, '_>,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                $( let $field = f.field(r, toml_struct!(@key $field $($key)?), toml_struct!(@default $($default)?)); )*
                Some($ty { $( $field: $field? ),* })
            }
        }
        toml_struct!(@impl $ty { $($field $(as $key)?),* });
    };
    (@impl $ty:ident { $($field:ident $(as $key:literal)?),* }) => {
        impl $ty {
            pub(crate) fn write_fields(&self, t: &mut toml::Table) {
                let $ty { $($field),* } = self;
                $( $crate::scenario::toml_io::put(t, toml_struct!(@key $field $($key)?), $field); )*
            }
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            fn read(
                v: &$crate::scenario::toml_io::Item<'_>,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                let mut f = $crate::scenario::toml_io::Fields::of(v, path, r)?;
                let value = Self::read_fields(&mut f, r);
                f.finish(r, value)
            }
            fn write(&self) -> Option<toml::Value> {
                let mut t = toml::Table::new();
                self.write_fields(&mut t);
                Some(toml::Value::Table(t))
            }
        }
    };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@default) => { None };
    (@default $default:expr) => { Some($default) };
}
pub(crate) use toml_struct;

/// `TomlField` for an internally tagged enum: `$tag` names the variant, the same table holds its
/// fields. Struct variants list their fields as [`toml_struct!`] does (a unit variant is one with
/// no fields: `Succeed = "succeed" {}`); newtype variants wrap a `toml_struct!` type whose fields
/// sit beside the tag.
///
/// ```ignore
/// toml_tagged!(DurationDist by "distribution" {
///     Fixed = "fixed" { ms },
///     Uniform = "uniform" { min_ms, max_ms },
/// });
/// toml_tagged!(StateDef by "type" {} newtype { Task = "task" (TaskState), ... });
/// ```
macro_rules! toml_tagged {
    ($ty:ident by $tag:literal {
        $( $variant:ident = $word:literal { $($field:ident $(= $default:expr)?),* $(,)? } ),* $(,)?
    } $( newtype { $( $nvariant:ident = $nword:literal ($inner:ty) ),* $(,)? } )?) => {
        impl $ty {
            /// The words its tag accepts, in declaration order.
            pub const TAGS: &'static [&'static str] = &[$($word,)* $($($nword,)*)?];
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            // A unit variant has no field that could fail, so its `'fields` label goes unused.
            #[allow(unused_labels)]
            fn read(
                v: &$crate::scenario::toml_io::Item<'_>,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                let mut f = $crate::scenario::toml_io::Fields::of(v, path, r)?;
                let (tag, at) = f.tag(r, $tag)?;
                let value = match tag.as_str() {
                    $( $word => {
                        $( let $field = f.field(
                            r,
                            stringify!($field),
                            $crate::scenario::toml_io::toml_struct!(@default $($default)?),
                        ); )*
                        'fields: {
                            Some($ty::$variant { $($field: match $field {
                                Some(x) => x,
                                None => break 'fields None,
                            }),* })
                        }
                    } )*
                    $($( $nword => <$inner>::read_fields(&mut f, r).map($ty::$nvariant), )*)?
                    other => {
                        f.unknown_variant(r, $tag, at, other, Self::TAGS);
                        return None;
                    }
                };
                f.finish(r, value)
            }
            fn write(&self) -> Option<toml::Value> {
                match self {
                    $( $ty::$variant { $($field),* } => {
                        $crate::scenario::toml_io::tagged($tag, $word, |_t| {
                            $( $crate::scenario::toml_io::put(_t, stringify!($field), $field); )*
                        })
                    } )*
                    $($( $ty::$nvariant(inner) => {
                        $crate::scenario::toml_io::tagged($tag, $nword, |t| inner.write_fields(t))
                    } )*)?
                }
            }
        }
    };
}
pub(crate) use toml_tagged;

/// `TomlField` for an enum written as one of a fixed set of words.
macro_rules! toml_words {
    ($ty:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        impl $ty {
            /// The words this field accepts, in the file format's spelling.
            pub const WORDS: &'static [&'static str] = &[$($word),*];
            /// This value's word.
            pub fn word(self) -> &'static str {
                match self { $( $ty::$variant => $word ),* }
            }
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            fn read(
                v: &$crate::scenario::toml_io::Item<'_>,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                let word = String::read(v, path, r)?;
                match word.as_str() {
                    $( $word => Some($ty::$variant), )*
                    other => {
                        $crate::scenario::toml_io::unknown_word(v, path, r, other, Self::WORDS);
                        None
                    }
                }
            }
            fn write(&self) -> Option<toml::Value> {
                Some(toml::Value::String(self.word().to_string()))
            }
        }
    };
}
pub(crate) use toml_words;

pub(crate) fn unknown_word(v: &Item<'_>, path: &str, r: &mut Reader, word: &str, allowed: &[&str]) {
    r.error(v.span(), path, unknown_variant(word, allowed));
}

/// One wording for a word outside a fixed set, whether a tag or a plain enum value (the parameter
/// panel reads the allowed words back out of it).
fn unknown_variant(word: &str, allowed: &[&str]) -> String {
    format!(
        "unknown variant `{word}`, expected one of {}",
        quoted(allowed)
    )
}

/// Writes a tagged value: the tag first, then the variant's fields.
pub(crate) fn tagged(key: &str, tag: &str, fields: impl FnOnce(&mut Table)) -> Option<Value> {
    let mut t = Table::new();
    t.insert(key.to_string(), Value::String(tag.to_string()));
    fields(&mut t);
    Some(Value::Table(t))
}
