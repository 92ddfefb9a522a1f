//! Scenario files: versioned TOML describing the sources, the function, its settings, the
//! destinations and the workload. This is the file edge of the core: these types are the file
//! format (`format_version = 1`, unknown fields rejected), and [`Scenario::parse`] turns text into
//! a validated [`Scenario`] or a list of [`ScenarioError`]s that name the line, the field, the bad
//! value and what is allowed. Configurations AWS itself refuses are refused here with AWS's reason.
//!
//! Every field is declared once ([`schema::declare!`](schema)): type, default, range or words,
//! fact-sheet row, doc. Every default below is the fact sheet's (`../shared/lambda-semantics.md`),
//! cited by source key; values the sheet marks undocumented (`[U]`) are parameters that say so.
//! [`validate`] holds only the rules that relate several fields (or AWS's own conditions).

use serde::Serialize;

mod asynchronous;
mod function;
mod polling;
#[cfg(feature = "reference")]
mod reference;
pub mod schema;
mod sources;
mod stepfunctions;
pub(crate) mod toml_doc;
pub use toml_doc::parse_f64;
pub(crate) mod toml_io;
mod validate;
mod workload;
pub use asynchronous::*;
pub use function::*;
pub use polling::*;
#[cfg(feature = "reference")]
pub use reference::format_reference;
use schema::declare;
pub use schema::{Bounds, FieldInfo, ValueSpec};
pub use sources::*;
pub use stepfunctions::*;
use toml_io::TomlField;
pub use validate::validate;
pub(crate) use validate::{check_range, check_uniform};
pub use workload::*;

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;
/// Inline scenarios (share links, embeds) are untrusted: refuse anything bigger than this.
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024;
/// The longest run a scenario may ask for: 30 days, so SNS's ~23-day delivery policy (SNS-RETRY)
/// can be seen to end; idle gaps are compressed in playback.
pub const MAX_HORIZON_S: u64 = 30 * 86_400;

declare! {
    /// A scenario file, as written.
    pub struct ScenarioFile {
        /// The format version: 1.
        pub format_version: u32,
        /// Stable id used in URLs, lessons and the scenario picker (lowercase, digits, `-`).
        pub id: String,
        /// The scenario's title, shown in the picker.
        pub title: String,
        /// One paragraph saying what the scenario shows.
        pub summary: String = String::new(),
        /// How far to simulate, in seconds (at most 30 days).
        #[field(range(1, MAX_HORIZON_S as i64))]
        pub horizon_s: u64 = 600,
        /// The diagram's pace.
        pub network: Network = Network::default(),
        /// Account-level concurrency (§4).
        pub account: Account = Account::default(),
        /// The function and its handler's behaviour.
        pub function: Function = Function::default(),
        /// Lambda's event invoke config for asynchronous invocation (§2).
        pub async_config as "async": AsyncConfig = AsyncConfig::default(),
        /// The services (or your code) that invoke the function: `[[sources]]` tables.
        pub sources: Vec<Source>,
        /// The events the sources produce: `[[workload]]` tables.
        pub workload: Vec<Workload> = Vec::new(),
    }
}

declare! {
    /// Transit time of a message between two boxes of the diagram. Not an AWS behaviour: it is
    /// the drawing's pace, kept as a parameter so nothing appears to teleport.
    pub struct Network impl Default {
        /// Time a message takes between two boxes of the diagram (not an AWS behaviour).
        #[field(range(1, 10_000))]
        pub hop_ms: u64 = 40,
    }
}

declare! {
    /// The three invocation methods (plus Step Functions, which calls synchronously).
    /// (Serialized in the trace JSON's topology, in the file format's words.)
    #[derive(PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Method words {
        Synchronous = "synchronous",
        Asynchronous = "asynchronous",
        Polling = "polling",
    }
}
impl Method {
    pub fn label(self) -> &'static str {
        self.word()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

/// One problem in a scenario, with where it is and what would be accepted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioError {
    /// 1-based line in the file, when it can be located.
    pub line: Option<usize>,
    /// Dotted path of the field, e.g. `sources[1].integration_timeout_ms`.
    pub field: String,
    pub message: String,
}
impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// All the problems found in one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioErrors {
    pub file: String,
    pub errors: Vec<ScenarioError>,
}
impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {e}", self.file)?;
        }
        Ok(())
    }
}
impl std::error::Error for ScenarioErrors {}

impl ScenarioFile {
    /// This file as a TOML table (see [`Scenario::to_table`]); unvalidated, for editors.
    pub fn to_table(&self) -> toml::Table {
        let mut t = toml::Table::new();
        self.write_fields(&mut t);
        t
    }

    /// The declaration of the field at `path` (`function.timeout_s`, `sources[2].bucket`,
    /// `function.behaviour.kind`): its type, range or words, default, unit, row. This file is
    /// needed to know which kind each `[[sources]]` table (or tagged table) is.
    pub fn field_info(&self, path: &str) -> Option<FieldInfo> {
        schema::field_at(Self::FIELDS, &toml::Value::Table(self.to_table()), path)
    }
}

/// A scenario that parsed and passed validation. The engine only ever sees these.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub file: ScenarioFile,
}

impl Scenario {
    /// Parses and validates TOML text. `file` names the origin in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioErrors> {
        parse_checked(file, text, "scenarios", validate).map(|file| Scenario { file })
    }

    /// Re-validates an edited scenario (the app's parameter panel edits fields in place).
    pub fn from_file(file: ScenarioFile) -> Result<Scenario, Vec<(String, String)>> {
        let errors = validate(&file);
        if errors.is_empty() {
            Ok(Scenario { file })
        } else {
            Err(errors)
        }
    }

    pub fn id(&self) -> &str {
        &self.file.id
    }
    /// The scenario as a TOML table: what [`Scenario::parse`] reads back into an equal scenario
    /// (every field written out, defaults included; unset options left out).
    pub fn to_table(&self) -> toml::Table {
        self.file.to_table()
    }
    pub fn horizon_ms(&self) -> u64 {
        self.file.horizon_s.saturating_mul(1000)
    }
    /// Invocation methods used by this scenario's sources, in order.
    pub fn methods(&self) -> Vec<Method> {
        let mut m: Vec<Method> = self.file.sources.iter().map(|s| s.method()).collect();
        crate::order::sort_by_u64_key(&mut m, |m| *m as u64);
        m.dedup();
        m
    }
}

/// The shared front half of every content parser (scenarios, lessons): refuse oversized text,
/// read it with `toml_io` (syntax and format errors carry their line), then run `check`, whose
/// `(field path, message)` problems are located to their line with [`locate`].
pub(crate) fn parse_checked<T: TomlField>(
    file: &str,
    text: &str,
    what: &str,
    check: impl FnOnce(&T) -> Vec<(String, String)>,
) -> Result<T, ScenarioErrors> {
    let fail = |errors| {
        Err(ScenarioErrors {
            file: file.to_string(),
            errors,
        })
    };
    if text.len() > MAX_SCENARIO_BYTES {
        return fail(vec![ScenarioError {
            line: None,
            field: "(file)".into(),
            message: format!(
                "is {} bytes; {what} are limited to {MAX_SCENARIO_BYTES} bytes",
                text.len()
            ),
        }]);
    }
    let parsed = toml_io::read_document::<T>(file, text)?;
    let errors = check(&parsed);
    if errors.is_empty() {
        Ok(parsed)
    } else {
        fail(
            errors
                .into_iter()
                .map(|(field, message)| ScenarioError {
                    line: locate(text, &field),
                    field,
                    message,
                })
                .collect(),
        )
    }
}

/// Finds the line of a dotted field path such as `sources[1].integration_timeout_ms` or
/// `function.timeout_s` by walking table headers. Good enough for hand-written files; returns
/// `None` rather than a wrong line when the layout is unusual (inline tables, dotted keys).
pub fn locate(text: &str, path: &str) -> Option<usize> {
    // Split `a[2].b` into table `a`, index 2, key `b`; `a.b` into table `a`, key `b`; `b` top-level.
    let (table, index, key) = match path.split_once('.') {
        Some((head, key)) => match head.split_once('[') {
            Some((t, rest)) => (
                t.to_string(),
                rest.trim_end_matches(']').parse::<usize>().ok(),
                key,
            ),
            None => (head.to_string(), None, key),
        },
        None => match path.split_once('[') {
            Some((t, rest)) => (
                t.to_string(),
                rest.trim_end_matches(']').parse::<usize>().ok(),
                "",
            ),
            None => (String::new(), None, path),
        },
    };
    let key = key.split(['.', '[']).next().unwrap_or("");
    let mut seen = 0usize;
    let mut in_target = table.is_empty();
    let mut header_line = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let current_table = h.trim();
            in_target = false;
            if current_table == table {
                if index == Some(seen) {
                    in_target = true;
                    header_line = Some(n + 1);
                }
                seen += 1;
            }
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            in_target = index.is_none() && h.trim() == table;
            if in_target {
                header_line = Some(n + 1);
            }
            continue;
        }
        if in_target && !key.is_empty() {
            if let Some((k, _)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(n + 1);
                }
            }
        }
    }
    header_line
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
format_version = 1
id = "mini"
title = "Mini"

[function]
timeout_s = 3

[[sources]]
kind = "api_gateway"
id = "api"

[[workload]]
source = "api"
"#;

    #[test]
    fn minimal_file_parses_with_sheet_defaults() {
        let s = Scenario::parse("mini.toml", MINI).unwrap();
        assert_eq!(s.file.account.concurrency, 1000);
        assert_eq!(s.file.async_config.maximum_retry_attempts, 2);
        assert_eq!(s.file.async_config.maximum_event_age_s, 21_600);
        assert_eq!(s.file.function.timeout_s, 3);
    }

    #[test]
    fn every_reading_problem_is_reported_with_its_own_line_and_path() {
        let text = MINI
            .replace("timeout_s = 3", "timeout_s = \"three\"\nmemory = 128")
            .replace(
                "kind = \"api_gateway\"",
                "kind = \"api_gateway\"\napi_type = \"soap\"",
            )
            .replace("source = \"api\"", "source = \"api\"\ncount = -1");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let got: Vec<(Option<usize>, &str)> = err
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(7), "function.timeout_s"),
                (Some(8), "function.memory"),
                (Some(12), "sources[0].api_type"),
                (Some(17), "workload[0].count"),
            ],
            "{err}"
        );
        let m: Vec<&str> = err.errors.iter().map(|e| e.message.as_str()).collect();
        // Plain words, never a Rust type name (issue 15).
        assert_eq!(
            err.errors[0].to_string(),
            "line 7: function.timeout_s: must be a whole number of seconds from 1 to 900 (got \"three\") — L-TIMEOUT"
        );
        assert!(
            m[1].starts_with(
                "is not a key of this table (unknown key `memory`): allowed `name`, `timeout_s`"
            ),
            "{}",
            m[1]
        );
        assert_eq!(
            m[2],
            "must be one of `rest`, `http`, `websocket` (got \"soap\")"
        );
        assert_eq!(
            m[3],
            "must be a whole number from 1 to 1000000 (got -1, which is too small)"
        );
        for m in &m {
            for rust in ["u32", "u64", "i64", "f64", "invalid type", "variant"] {
                assert!(!m.contains(rust), "{m}");
            }
        }
    }

    #[test]
    fn missing_fields_and_unknown_kinds_are_named() {
        let no_id = MINI.replace("id = \"api\"\n", "");
        let err = Scenario::parse("m.toml", &no_id).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].id");
        assert_eq!(err.errors[0].message, "is required: give a string");
        assert_eq!(
            err.errors[0].line,
            Some(9),
            "the line of its [[sources]] table"
        );

        let pigeon = MINI.replace("\"api_gateway\"", "\"carrier_pigeon\"");
        let err = Scenario::parse("p.toml", &pigeon).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].kind");
        assert_eq!(err.errors[0].line, Some(10));
        assert!(
            err.errors[0]
                .message
                .starts_with("must be one of `api_gateway`, `cloudfront`"),
            "{err}"
        );

        let broken = MINI.replace("timeout_s = 3", "timeout_s = ");
        let err = Scenario::parse("s.toml", &broken).unwrap_err();
        assert_eq!(err.errors[0].field, "(syntax)");
        assert_eq!(err.errors[0].line, Some(7));
    }

    #[test]
    fn a_written_scenario_reads_back_equal() {
        // Every field written, defaults included; an integer where a float goes is accepted.
        let text = MINI.replace(
            "[function]",
            "[function]\nbehaviour = { kind = \"throw_probability\", p = 1 }",
        );
        let s = Scenario::parse("w.toml", &text).unwrap();
        assert_eq!(
            s.file.function.behaviour,
            Behaviour::ThrowProbability { p: 1.0 }
        );
        let table = s.to_table();
        assert_eq!(
            table["async"]["retry_delays_s"].as_array().map(Vec::len),
            Some(2)
        );
        assert!(
            table["sources"][0].get("integration_timeout_ms").is_none(),
            "an unset option is left out"
        );
        let text = toml::to_string(&table).unwrap();
        assert_eq!(Scenario::parse("again.toml", &text).unwrap(), s);
    }

    #[test]
    fn unknown_field_is_rejected_with_its_line() {
        let text = MINI.replace("timeout_s = 3", "timeout_s = 3\ntimeout = 4");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let e = &err.errors[0];
        assert_eq!(e.line, Some(8));
        assert!(e.message.contains("timeout"), "{}", e.message);
        assert!(err.to_string().starts_with("bad.toml: line 8"), "{err}");
    }

    #[test]
    fn out_of_range_values_name_field_line_and_range() {
        let text = MINI.replace("timeout_s = 3", "timeout_s = 901");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        assert_eq!(err.errors[0].field, "function.timeout_s");
        assert_eq!(err.errors[0].line, Some(7));
        assert_eq!(
            err.errors[0].message,
            "must be a whole number of seconds from 1 to 900 (got 901) — L-TIMEOUT"
        );
        // A number too large for the field's type says so.
        let text = MINI.replace("timeout_s = 3", "timeout_s = 5000000000");
        let err = Scenario::parse("big.toml", &text).unwrap_err();
        assert_eq!(
            err.errors[0].message,
            "must be a whole number of seconds from 1 to 900 (got 5000000000, which is too large) — L-TIMEOUT"
        );
    }

    #[test]
    fn http_api_timeout_above_30s_is_rejected_as_aws_does() {
        let text = MINI.replace(
            "id = \"api\"",
            "id = \"api\"\napi_type = \"http\"\nintegration_timeout_ms = 31000",
        );
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].integration_timeout_ms");
        assert_eq!(err.errors[0].line, Some(13));
        assert!(err.errors[0].message.contains("30 s"));
    }

    #[test]
    fn fifo_destination_and_s3_on_success_are_rejected() {
        let text = format!("{MINI}\n[async]\non_success = {{ kind = \"s3\", name = \"b\" }}\ndead_letter_queue = {{ kind = \"sqs\", name = \"q\", fifo = true }}\n");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"async.on_success.kind"), "{fields:?}");
        assert!(
            fields.contains(&"async.dead_letter_queue.fifo"),
            "{fields:?}"
        );
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let big = "#".repeat(MAX_SCENARIO_BYTES + 1);
        assert!(Scenario::parse("big.toml", &big).unwrap_err().errors[0]
            .message
            .contains("limited"));
    }
}
