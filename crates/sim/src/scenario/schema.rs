//! One declaration per field: what the scenario format knows about each of its fields.
//!
//! Every type of the file format is declared once with [`declare!`]: its fields, their types,
//! defaults, allowed ranges or words, the fact-sheet row they come from and their doc comment.
//! From that declaration come the struct itself, its `Default`, reading and writing
//! (`toml_io`), the single-field checks of validation ([`check_table`]: ranges and allowed
//! words, so `validate` keeps only the rules that relate several fields), the metadata the
//! app's parameter panel asks for ([`ScenarioFile::field_info`](super::ScenarioFile::field_info))
//! and the generated format reference (`docs/scenario-format.md`, [`format_reference`]).
//!
//! Why a declarative macro and not a derive: a proc-macro crate would be a second crate (and a
//! `syn` build) for about the same amount of code; `macro_rules!` keeps the declarations plain
//! Rust-looking struct definitions, and a field added to a struct without a declaration cannot
//! exist, because the struct *is* the declaration.
//!
//! Errors are worded for people: "must be a whole number of seconds from 1 to 900 (got
//! "three")", never a Rust type name. The unit comes from the key's suffix (`_ms`, `_s`,
//! `_bytes`...), which the format already uses to say it.

/// An integer type's limit as the format sees it: TOML integers are 64-bit signed, so a `u64`
/// field's largest value is `i64::MAX`.
pub(crate) const fn toml_limit(x: i128) -> i64 {
    if x > i64::MAX as i128 {
        i64::MAX
    } else {
        x as i64
    }
}

/// What a field holds, as the file format sees it (its Rust type, in words).
#[derive(Clone, Copy, Debug)]
pub enum ValueSpec {
    /// An integer between the type's limits.
    Whole { min: i64, max: i64 },
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Flag,
    /// A string.
    Text,
    /// One of a fixed set of words.
    Words(&'static [&'static str]),
    /// A table with these fields.
    Table(&'static [FieldInfo]),
    /// A table whose `tag` key picks one of `variants` (e.g. `kind = "sqs"`).
    Tagged {
        tag: &'static str,
        words: &'static [&'static str],
        variants: &'static [Variant],
    },
    /// An array of values.
    List(&'static ValueSpec),
    /// A value that may be left out (unset).
    Optional(&'static ValueSpec),
}

/// One variant of a tagged table: the word of its tag and its own fields.
#[derive(Clone, Copy, Debug)]
pub struct Variant {
    pub word: &'static str,
    pub fields: &'static [FieldInfo],
}

/// Declared limits on a field's value, beyond its type's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bounds {
    /// Only the type's own limits.
    Type,
    /// An integer (or each integer of a list) from `min` to `max`.
    Whole(i64, i64),
    /// A number from `min` to `max` (probabilities: 0 to 1).
    Number(f64, f64),
    /// A string (or each string of a list) that is one of these words.
    Choices(&'static [&'static str]),
}

/// Everything the format knows about one field.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// The TOML key.
    pub key: &'static str,
    /// What the key holds (from the field's type).
    pub spec: ValueSpec,
    /// Limits declared on the field.
    pub bounds: Bounds,
    /// The fact-sheet rows (`../shared/lambda-semantics.md` source keys) its default and limits
    /// come from; empty for drawing or story parameters.
    pub row: &'static str,
    /// `[U]`: an undocumented timing or rate, a parameter with the sheet's suggested default.
    pub undocumented: bool,
    /// The value a file that leaves the key out gets (`None` inside: an unset option);
    /// `None` for a required key.
    pub default: Option<fn() -> Option<toml::Value>>,
    /// The doc comment, for the format reference (only with the `reference` feature, so the
    /// browser bundles leave the prose out).
    #[cfg(feature = "reference")]
    pub doc: &'static str,
}

impl FieldInfo {
    /// A field's info for a value read at the top of a document (no key, no limits).
    pub(crate) fn root(spec: ValueSpec) -> FieldInfo {
        FieldInfo {
            key: "",
            spec,
            bounds: Bounds::Type,
            row: "",
            undocumented: false,
            default: None,
            #[cfg(feature = "reference")]
            doc: "",
        }
    }

    /// The scalar at the bottom of options and lists.
    pub fn scalar(&self) -> &ValueSpec {
        let mut s = &self.spec;
        while let ValueSpec::Optional(inner) | ValueSpec::List(inner) = s {
            s = inner;
        }
        s
    }

    /// The unit the key's suffix names, as a plural noun ("seconds"), if any.
    pub fn unit(&self) -> Option<&'static str> {
        unit_of(self.key)
    }

    /// The allowed integers (declared, else the type's), for an integer field.
    pub fn whole_range(&self) -> Option<(i64, i64)> {
        match (self.bounds, self.scalar()) {
            (Bounds::Whole(lo, hi), _) => Some((lo, hi)),
            (_, ValueSpec::Whole { min, max }) => Some((*min, *max)),
            _ => None,
        }
    }

    /// Whether the range was declared (not just the type's).
    pub fn has_declared_range(&self) -> bool {
        matches!(self.bounds, Bounds::Whole(..) | Bounds::Number(..))
    }

    /// The words a field accepts: declared choices, an enumeration's words, or a tag's.
    pub fn choices(&self) -> &'static [&'static str] {
        if let Bounds::Choices(words) = self.bounds {
            return words;
        }
        match self.scalar() {
            ValueSpec::Words(w) => w,
            _ => &[],
        }
    }

    /// The range as the panel shows it: "1–900", "0–1".
    pub fn range_text(&self) -> Option<String> {
        match self.bounds {
            Bounds::Number(lo, hi) => Some(format!("{lo}–{hi}")),
            _ if self.has_declared_range() || self.is_whole() => {
                let (lo, hi) = self.whole_range()?;
                let hi = if hi >= u32::MAX as i64 {
                    "…".to_string()
                } else {
                    hi.to_string()
                };
                Some(format!("{lo}–{hi}"))
            }
            _ => None,
        }
    }

    fn is_whole(&self) -> bool {
        matches!(self.scalar(), ValueSpec::Whole { .. })
    }

    /// The default as TOML text (`3`, `"orders"`, `[60, 120]`), or `None` for a required key;
    /// `Some("")` for an option that is unset unless given.
    pub fn default_text(&self) -> Option<String> {
        let make = self.default?;
        Some(make().map(|v| inline_toml(&v)).unwrap_or_default())
    }

    /// What the field accepts, in words: "a whole number of seconds from 1 to 900".
    pub fn expectation(&self) -> String {
        describe_spec(&self.spec, self.bounds, self.unit())
    }

    /// The message for a value this field does not accept: "must be … (got …)".
    pub fn must_be(&self, got: &str) -> String {
        let mut m = format!("must be {} (got {got})", self.expectation());
        if !self.row.is_empty() && self.bounds != Bounds::Type {
            m.push_str(&format!(" — {}", self.row));
        }
        m
    }
}

fn unit_of(key: &str) -> Option<&'static str> {
    [
        ("_ms", "milliseconds"),
        ("_seconds", "seconds"),
        ("_s", "seconds"),
        ("_hours", "hours"),
        ("_bytes", "bytes"),
        ("_mb", "megabytes"),
        ("_percent", "percent"),
    ]
    .iter()
    .find(|(suffix, _)| key.ends_with(suffix))
    .map(|(_, unit)| *unit)
}

fn describe_spec(spec: &ValueSpec, bounds: Bounds, unit: Option<&str>) -> String {
    let of_unit = unit.map(|u| format!(" of {u}")).unwrap_or_default();
    match (spec, bounds) {
        (ValueSpec::Optional(inner), _) => describe_spec(inner, bounds, unit),
        (ValueSpec::List(inner), _) => {
            format!("a list, each {}", describe_spec(inner, bounds, unit))
        }
        (ValueSpec::Whole { .. }, Bounds::Whole(lo, hi)) => {
            format!("a whole number{of_unit} from {lo} to {hi}")
        }
        (ValueSpec::Whole { min, max }, _) if *min == 0 && *max > 1_000_000_000 => {
            format!("a whole number{of_unit}, 0 or more")
        }
        (ValueSpec::Whole { min, max }, _) => {
            format!("a whole number{of_unit} from {min} to {max}")
        }
        (ValueSpec::Number, Bounds::Number(lo, hi)) => format!("a number from {lo} to {hi}"),
        (ValueSpec::Number, _) => "a number".into(),
        (ValueSpec::Flag, _) => "true or false".into(),
        (ValueSpec::Text, Bounds::Choices(words)) | (&ValueSpec::Words(words), _) => {
            format!("one of {}", quoted(words))
        }
        (ValueSpec::Text, _) => "a string".into(),
        (ValueSpec::Table(_), _) => "a table".into(),
        (ValueSpec::Tagged { tag, words, .. }, _) => {
            format!("a table whose `{tag}` is one of {}", quoted(words))
        }
    }
}

/// `a`, `b`, `c` — how allowed words are listed in messages.
pub(crate) fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `s` as a TOML basic string (`"a \"b\""`): how messages quote a value after "got", and how
/// a string is written on one line. Not `format!("{s:?}")`: release bundles compile `Debug`
/// formatting to nothing (`-Zfmt-debug=none`, scripts/release-env), and Rust's escapes
/// (`\u{1b}`) are not TOML's (`\u001B`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as it would be typed in a file, on one line.
pub fn inline_toml(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => quote(s),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => {
            let s = f.to_string();
            if s.contains('.') {
                s
            } else {
                format!("{s}.0")
            }
        }
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(a) => format!(
            "[{}]",
            a.iter().map(inline_toml).collect::<Vec<_>>().join(", ")
        ),
        toml::Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{k} = {}", inline_toml(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The range check every integer field gets from its declaration.
pub(crate) fn check_whole(n: i64, path: &str, info: &FieldInfo, e: &mut Vec<(String, String)>) {
    if let Some((lo, hi)) = info.whole_range() {
        if n < lo || n > hi {
            e.push((path.to_string(), info.must_be(&n.to_string())));
        }
    }
}

/// The range check of a number field (NaN is never in range).
pub(crate) fn check_number(x: f64, path: &str, info: &FieldInfo, e: &mut Vec<(String, String)>) {
    if let Bounds::Number(lo, hi) = info.bounds {
        if !(lo..=hi).contains(&x) {
            e.push((path.to_string(), info.must_be(&x.to_string())));
        }
    }
}

/// The allowed-words check of a string field.
pub(crate) fn check_choice(s: &str, path: &str, info: &FieldInfo, e: &mut Vec<(String, String)>) {
    if let Bounds::Choices(words) = info.bounds {
        if !words.contains(&s) {
            e.push((path.to_string(), info.must_be(&quote(s))));
        }
    }
}

/// Finds the info of the field at `path` (`function.timeout_s`, `sources[2].bucket`,
/// `function.behaviour.kind`) in a document of this shape: `value` is the document as written,
/// needed to know which variant a tagged table is.
pub fn field_at(root: &'static [FieldInfo], value: &toml::Value, path: &str) -> Option<FieldInfo> {
    let mut fields = root;
    let mut here = value;
    let mut found: Option<FieldInfo> = None;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        // The tag of a tagged table is a field of its own: one of the variants' words.
        let info = match fields.iter().find(|f| f.key == key) {
            Some(f) => *f,
            None => return tag_info(found?, key),
        };
        here = here.get(key).unwrap_or(&toml::Value::Boolean(false));
        let mut spec = info.spec;
        if let ValueSpec::Optional(inner) = spec {
            spec = *inner;
        }
        if let (ValueSpec::List(inner), Some(i)) = (spec, index) {
            spec = *inner;
            here = here.get(i)?;
        }
        fields = match spec {
            ValueSpec::Table(f) => f,
            ValueSpec::Tagged { tag, variants, .. } => {
                let word = here.get(tag).and_then(|w| w.as_str());
                variants
                    .iter()
                    .find(|v| Some(v.word) == word)
                    .map_or(&[][..], |v| v.fields)
            }
            _ => &[],
        };
        found = Some(FieldInfo { spec, ..info });
    }
    found
}

/// The info of a tagged table's tag key (`kind`): one of its variants' words.
fn tag_info(table: FieldInfo, key: &str) -> Option<FieldInfo> {
    match table.spec {
        ValueSpec::Tagged { tag, words, .. } if tag == key => Some(FieldInfo {
            key: tag,
            spec: ValueSpec::Words(words),
            bounds: Bounds::Type,
            row: table.row,
            undocumented: false,
            default: None,
            #[cfg(feature = "reference")]
            doc: "Which kind of table this is.",
        }),
        _ => None,
    }
}

/// `TomlField` for a struct, with its fields declared once:
///
/// ```ignore
/// declare! {
///     /// Account-level concurrency (§4).
///     pub struct Account impl Default {
///         /// Account concurrency per Region (L-QUOTAS [D]).
///         #[field(range(1, 1_000_000), row("L-QUOTAS"))]
///         pub concurrency: u32 = 1000,
///         /// Required: no default.
///         pub id: String,
///         /// A key that differs from the field's name.
///         pub async_config as "async": AsyncConfig = AsyncConfig::default(),
///     }
/// }
/// ```
///
/// `impl Default` asks for a `Default` built from the fields' defaults (each field must have
/// one). `#[field(...)]` takes `range(lo, hi)`, `number(lo, hi)`, `choices("a", "b")`,
/// `row("KEY")` and `undocumented`, in any order.
macro_rules! declare {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident $(impl $dflt:ident)? {
            $(
                $(#[doc = $doc:literal])*
                $(#[field($($fmeta:tt)*)])?
                pub $field:ident $(as $key:literal)? : $fty:ty $(= $default:expr)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $ty {
            $( $(#[doc = $doc])* pub $field: $fty, )*
        }
        $crate::scenario::schema::declare!(@default [$($dflt)?] $ty { $($field $(= $default)?),* });
        impl $ty {
            /// The declarations of this type's fields, in file order.
            pub const FIELDS: &'static [$crate::scenario::schema::FieldInfo] = &[
                $( $crate::scenario::schema::declare!(@info $field $($key)?: $fty $(= $default)?; [$($doc)*] $($($fmeta)*)?) ),*
            ];
            pub(crate) fn read_fields(
                f: &mut $crate::scenario::toml_io::Fields<'_>,
                r: &mut $crate::scenario::toml_io::Reader,
            ) -> Option<Self> {
                $( let $field = f.field::<$fty>(
                    r,
                    Self::FIELDS,
                    $crate::scenario::schema::declare!(@key $field $($key)?),
                    $crate::scenario::schema::declare!(@given $($default)?),
                ); )*
                Some($ty { $( $field: $field? ),* })
            }
            pub(crate) fn write_fields(&self, t: &mut toml::Table) {
                let $ty { $($field),* } = self;
                $( $crate::scenario::toml_io::put(t, $crate::scenario::schema::declare!(@key $field $($key)?), $field); )*
            }
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            const SPEC: $crate::scenario::schema::ValueSpec =
                $crate::scenario::schema::ValueSpec::Table(Self::FIELDS);
            fn read(
                v: &$crate::scenario::toml_io::Item,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
                info: &$crate::scenario::schema::FieldInfo,
            ) -> Option<Self> {
                let mut f = $crate::scenario::toml_io::Fields::of(v, path, r, info)?;
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

    // An enum written as a table whose `$tag` names the variant; each variant is a struct
    // declared with `declare!` whose fields sit beside the tag.
    (
        $(#[$meta:meta])*
        pub enum $ty:ident by $tag:literal {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $word:literal ($inner:ty) ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $ty {
            $( $(#[doc = $vdoc])* $variant($inner), )*
        }
        impl $ty {
            /// The words its tag accepts, in declaration order.
            pub const TAGS: &'static [&'static str] = &[$($word),*];
            /// Each variant's word and fields.
            pub const VARIANTS: &'static [$crate::scenario::schema::Variant] = &[
                $( $crate::scenario::schema::Variant { word: $word, fields: <$inner>::FIELDS } ),*
            ];
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            const SPEC: $crate::scenario::schema::ValueSpec =
                $crate::scenario::schema::ValueSpec::Tagged {
                    tag: $tag,
                    words: Self::TAGS,
                    variants: Self::VARIANTS,
                };
            fn read(
                v: &$crate::scenario::toml_io::Item,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
                info: &$crate::scenario::schema::FieldInfo,
            ) -> Option<Self> {
                let mut f = $crate::scenario::toml_io::Fields::of(v, path, r, info)?;
                let (tag, at) = f.tag(r, $tag, Self::TAGS)?;
                let value = match tag.as_str() {
                    $( $word => <$inner>::read_fields(&mut f, r).map($ty::$variant), )*
                    other => {
                        f.unknown_variant(r, $tag, at, other, Self::TAGS);
                        return None;
                    }
                };
                f.finish(r, value)
            }
            fn write(&self) -> Option<toml::Value> {
                match self {
                    $( $ty::$variant(inner) => {
                        $crate::scenario::toml_io::tagged($tag, $word, |t| inner.write_fields(t))
                    } )*
                }
            }
        }
    };

    // An enum written as a table whose `$tag` names the variant, with the variant's own fields
    // (declared like a struct's) beside the tag; a variant without braces has none.
    (
        $(#[$meta:meta])*
        pub enum $ty:ident by $tag:literal fields { $($body:tt)* }
    ) => {
        $crate::scenario::schema::declare!(@enum_def [$(#[$meta])*] $ty { $($body)* });
        $crate::scenario::schema::declare!(impl enum $ty by $tag fields { $($body)* });
    };
    (
        @enum_def [$($meta:tt)*] $ty:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $word:literal $({
                    $(
                        $(#[doc = $doc:literal])*
                        $(#[field($($fmeta:tt)*)])?
                        $field:ident : $fty:ty $(= $default:expr)?
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        $($meta)*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $ty {
            $( $(#[doc = $vdoc])* $variant $({ $( $(#[doc = $doc])* $field: $fty ),* })?, )*
        }
    };
    // The file format of an enum defined elsewhere (the trace's `Input`, read from lessons).
    (
        impl enum $ty:ident by $tag:literal fields {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $word:literal $({
                    $(
                        $(#[doc = $doc:literal])*
                        $(#[field($($fmeta:tt)*)])?
                        $field:ident : $fty:ty $(= $default:expr)?
                    ),* $(,)?
                })?
            ),* $(,)?
        }
    ) => {
        impl $ty {
            /// The words its tag accepts, in declaration order.
            pub const TAGS: &'static [&'static str] = &[$($word),*];
            /// Each variant's word and fields.
            pub const VARIANTS: &'static [$crate::scenario::schema::Variant] = &[
                $( $crate::scenario::schema::Variant {
                    word: $word,
                    fields: &[ $($( $crate::scenario::schema::declare!(@info $field: $fty $(= $default)?; [$($doc)*] $($($fmeta)*)?) ),*)? ],
                } ),*
            ];
            fn variant_fields(word: &str) -> &'static [$crate::scenario::schema::FieldInfo] {
                Self::VARIANTS.iter().find(|v| v.word == word).map_or(&[], |v| v.fields)
            }
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            const SPEC: $crate::scenario::schema::ValueSpec =
                $crate::scenario::schema::ValueSpec::Tagged {
                    tag: $tag,
                    words: Self::TAGS,
                    variants: Self::VARIANTS,
                };
            // A variant without fields has nothing that could fail, so its label goes unused.
            #[allow(unused_labels)]
            fn read(
                v: &$crate::scenario::toml_io::Item,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
                info: &$crate::scenario::schema::FieldInfo,
            ) -> Option<Self> {
                let mut f = $crate::scenario::toml_io::Fields::of(v, path, r, info)?;
                let (tag, at) = f.tag(r, $tag, Self::TAGS)?;
                let value = match tag.as_str() {
                    $( $word => {
                        let _fields = Self::variant_fields($word);
                        $($( let $field = f.field::<$fty>(
                            r,
                            _fields,
                            stringify!($field),
                            $crate::scenario::schema::declare!(@given $($default)?),
                        ); )*)?
                        'fields: {
                            Some($ty::$variant $({ $($field: match $field {
                                Some(x) => x,
                                None => break 'fields None,
                            }),* })?)
                        }
                    } )*
                    other => {
                        f.unknown_variant(r, $tag, at, other, Self::TAGS);
                        return None;
                    }
                };
                f.finish(r, value)
            }
            fn write(&self) -> Option<toml::Value> {
                match self {
                    $( $ty::$variant $({ $($field),* })? => {
                        $crate::scenario::toml_io::tagged($tag, $word, |_t| {
                            $($( $crate::scenario::toml_io::put(_t, stringify!($field), $field); )*)?
                        })
                    } )*
                }
            }
        }
    };

    // A plain enum written as one of a fixed set of words.
    (
        $(#[$meta:meta])*
        pub enum $ty:ident words {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $ty {
            $( $(#[$vmeta])* $variant, )*
        }
        impl $ty {
            /// The words this field accepts, in the file format's spelling.
            pub const WORDS: &'static [&'static str] = &[$($word),*];
            /// This value's word.
            pub fn word(self) -> &'static str {
                match self { $( $ty::$variant => $word ),* }
            }
        }
        impl $crate::scenario::toml_io::TomlField for $ty {
            const SPEC: $crate::scenario::schema::ValueSpec =
                $crate::scenario::schema::ValueSpec::Words(Self::WORDS);
            fn read(
                v: &$crate::scenario::toml_io::Item,
                path: &str,
                r: &mut $crate::scenario::toml_io::Reader,
                info: &$crate::scenario::schema::FieldInfo,
            ) -> Option<Self> {
                let word = <String as $crate::scenario::toml_io::TomlField>::read(v, path, r, info)?;
                match word.as_str() {
                    $( $word => Some($ty::$variant), )*
                    other => {
                        $crate::scenario::toml_io::unknown_word(v, path, r, other, info);
                        None
                    }
                }
            }
            fn write(&self) -> Option<toml::Value> {
                Some(toml::Value::String(self.word().to_string()))
            }
        }
    };

    (@default [] $ty:ident { $($field:ident $(= $default:expr)?),* }) => {};
    (@default [Default] $ty:ident { $($field:ident $(= $default:expr)?),* }) => {
        impl Default for $ty {
            fn default() -> Self {
                $ty { $( $field: $crate::scenario::schema::declare!(@needs_default $field $($default)?) ),* }
            }
        }
    };
    (@needs_default $field:ident $default:expr) => { $default };
    (@needs_default $field:ident) => {
        compile_error!(concat!("`impl Default` needs a default for `", stringify!($field), "`"))
    };
    (@key $field:ident) => { stringify!($field) };
    (@key $field:ident $key:literal) => { $key };
    (@given) => { None };
    (@given $default:expr) => { Some($default) };

    (@info $field:ident $($key:literal)?: $fty:ty $(= $default:expr)?; [$($doc:literal)*] $($fmeta:tt)*) => {
        $crate::scenario::schema::FieldInfo {
            key: $crate::scenario::schema::declare!(@key $field $($key)?),
            spec: <$fty as $crate::scenario::toml_io::TomlField>::SPEC,
            bounds: $crate::scenario::schema::declare!(@bounds $($fmeta)*),
            row: $crate::scenario::schema::declare!(@row $($fmeta)*),
            undocumented: $crate::scenario::schema::declare!(@undocumented $($fmeta)*),
            default: $crate::scenario::schema::declare!(@default_fn $fty $(= $default)?),
            #[cfg(feature = "reference")]
            doc: concat!($($doc, "\n"),*),
        }
    };
    (@default_fn $fty:ty = $default:expr) => {
        Some(|| {
            let value: $fty = $default;
            $crate::scenario::toml_io::TomlField::write(&value)
        })
    };
    (@default_fn $fty:ty) => { None };

    // `#[field(...)]` items, munched one at a time by each of these.
    (@bounds) => { $crate::scenario::schema::Bounds::Type };
    (@bounds range($lo:expr, $hi:expr) $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::Bounds::Whole($lo, $hi)
    };
    (@bounds number($lo:expr, $hi:expr) $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::Bounds::Number($lo, $hi)
    };
    (@bounds choices($($word:literal),*) $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::Bounds::Choices(&[$($word),*])
    };
    (@bounds $other:ident $(($($arg:tt)*))? $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::declare!(@bounds $($($rest)*)?)
    };
    (@row) => { "" };
    (@row row($row:literal) $(, $($rest:tt)*)?) => { $row };
    (@row $other:ident $(($($arg:tt)*))? $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::declare!(@row $($($rest)*)?)
    };
    (@undocumented) => { false };
    (@undocumented undocumented $(, $($rest:tt)*)?) => { true };
    (@undocumented $other:ident $(($($arg:tt)*))? $(, $($rest:tt)*)?) => {
        $crate::scenario::schema::declare!(@undocumented $($($rest)*)?)
    };
}
pub(crate) use declare;

/// Checks a written table against its fields' declarations: each integer against its range,
/// each number against its bounds, each string against its allowed words, through options,
/// lists, tables and tagged tables. One walker over the written value instead of a generated
/// check per type: the same rules, a fraction of the code in the browser bundle (validation
/// writes the scenario once to run it).
pub(crate) fn check_table(
    fields: &'static [FieldInfo],
    table: &toml::Table,
    path: &str,
    e: &mut Vec<(String, String)>,
) {
    for info in fields {
        if let Some(v) = table.get(info.key) {
            let here = if path.is_empty() {
                info.key.to_string()
            } else {
                format!("{path}.{}", info.key)
            };
            check_value(&info.spec, info, v, &here, e);
        }
    }
}

fn check_value(
    spec: &ValueSpec,
    info: &FieldInfo,
    v: &toml::Value,
    path: &str,
    e: &mut Vec<(String, String)>,
) {
    match (spec, v) {
        (ValueSpec::Optional(inner), _) => check_value(inner, info, v, path, e),
        (ValueSpec::List(inner), toml::Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(inner, info, item, &format!("{path}[{i}]"), e);
            }
        }
        (ValueSpec::Whole { .. }, toml::Value::Integer(n)) => check_whole(*n, path, info, e),
        (ValueSpec::Number, toml::Value::Float(x)) => check_number(*x, path, info, e),
        (ValueSpec::Number, toml::Value::Integer(n)) => check_number(*n as f64, path, info, e),
        (ValueSpec::Text, toml::Value::String(s)) => check_choice(s, path, info, e),
        (ValueSpec::Table(fields), toml::Value::Table(t)) => check_table(fields, t, path, e),
        (ValueSpec::Tagged { tag, variants, .. }, toml::Value::Table(t)) => {
            let word = t.get(*tag).and_then(|w| w.as_str());
            if let Some(variant) = variants.iter().find(|v| Some(v.word) == word) {
                check_table(variant.fields, t, path, e);
            }
        }
        _ => {}
    }
}
