//! Editable parameters for the side panel, read from and written to the scenario generically.
//!
//! The scenario format is owned by the core, which declares every field once (type, default,
//! range or words, unit, fact-sheet row). Rather than restate its fields (and go stale when the
//! core adds one), the panel converts the file to a [`toml::Value`], lists the scalar fields under
//! the selected box's table, asks the core for each field's declaration
//! ([`ScenarioFile::field_info`]) for its kind, default, range and choices, and writes an edit back
//! through the core's own reader and validation. The core is therefore the only authority on what
//! is allowed: a refused value shows the core's reason ("must be a whole number of seconds from 1
//! to 900 (got 901) — L-TIMEOUT").

use lambdascope_sim::scenario::{FieldInfo, ScenarioFile, ValueSpec};
use lambdascope_sim::topology::NodeKind;
use lambdascope_sim::{Budget, Scenario};
use toml::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Int,
    Float,
    Bool,
    Text,
    /// A list of numbers, edited as `60, 120`.
    List,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Field path as the core's validation names it: `function.timeout_s`, `sources[2].bucket`.
    pub path: String,
    /// The field's own name (last segment), as AWS spells it in snake case.
    pub name: String,
    pub value: String,
    pub kind: ValueKind,
    pub default: Option<String>,
    /// "1–900", from the core's validation message.
    pub range: Option<String>,
    /// Allowed words for an enumerated field, from its declaration.
    pub choices: Vec<String>,
    /// The fact-sheet row behind its default or limits (`L-TIMEOUT`), if any.
    pub row: String,
}

/// Fields not worth editing in the panel (identity, and the workload's link to its source).
fn skipped(name: &str) -> bool {
    matches!(name, "id" | "source" | "format_version")
}

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((k, rest)) => {
                out.push(Seg::Key(k.to_string()));
                if let Ok(i) = rest.trim_end_matches(']').parse() {
                    out.push(Seg::Index(i));
                }
            }
            None => out.push(Seg::Key(part.to_string())),
        }
    }
    out
}

fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get_mut(k.as_str()),
        Seg::Index(i) => v.get_mut(*i),
    })
}

fn to_value(file: &ScenarioFile) -> Value {
    Value::Table(file.to_table())
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Datetime(d) => d.to_string(),
        Value::Table(_) => String::new(),
    }
}

/// The tables (as paths) whose fields belong to a box of the diagram.
fn tables_for(file: &ScenarioFile, kind: &NodeKind) -> Vec<String> {
    let workloads_of = |i: usize| -> Vec<String> {
        let id = file
            .sources
            .get(i)
            .map(|s| s.id().to_string())
            .unwrap_or_default();
        file.workload
            .iter()
            .enumerate()
            .filter(|(_, w)| w.source == id)
            .map(|(j, _)| format!("workload[{j}]"))
            .collect()
    };
    match kind {
        NodeKind::Function => vec!["function".into(), "account".into()],
        NodeKind::EventQueue => vec!["async".into()],
        NodeKind::OnSuccess => vec!["async.on_success".into()],
        NodeKind::OnFailure => vec!["async.on_failure".into()],
        NodeKind::DeadLetterQueue => vec!["async.dead_letter_queue".into()],
        NodeKind::Source { index, .. } => {
            let mut t = vec![format!("sources[{index}]")];
            t.extend(workloads_of(*index));
            t
        }
        NodeKind::Caller { of_source } => workloads_of(*of_source),
        NodeKind::EventSourceMapping { of_source }
        | NodeKind::Shard { of_source, .. }
        | NodeKind::QueueDlq { of_source }
        | NodeKind::DeliveryDlq { of_source } => {
            vec![format!("sources[{of_source}]")]
        }
        NodeKind::MappingOnFailure { of_source } => {
            vec![format!("sources[{of_source}].on_failure")]
        }
        NodeKind::State {
            of_source, name, ..
        } => {
            // The state's table in the source's `states` array, found by name.
            let root = to_value(file);
            let states = get(&root, &parse_path(&format!("sources[{of_source}].states")))
                .and_then(|v| v.as_array());
            states
                .and_then(|a| {
                    a.iter()
                        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name.as_str()))
                })
                .map(|j| vec![format!("sources[{of_source}].states[{j}]")])
                .unwrap_or_default()
        }
        // The worker's settings live in its task's `callback` table (the task's box edits them).
        NodeKind::TaskTokenWorker { .. } => Vec::new(),
    }
}

/// The editable fields of one box, with their current values, defaults and ranges.
pub fn params_for(file: &ScenarioFile, kind: &NodeKind) -> Vec<Param> {
    let root = to_value(file);
    let mut out = Vec::new();
    for table in tables_for(file, kind) {
        let Some(Value::Table(t)) = get(&root, &parse_path(&table)) else {
            continue;
        };
        let mut fields: Vec<(String, Value)> = Vec::new();
        flatten(&table, &Value::Table(t.clone()), &mut fields);
        // Optional fields the file leaves unset (absent from the written table), from the
        // table's declaration.
        if let Some(info) = file.field_info(&table) {
            for f in table_fields(&info, t) {
                if f.default_text().as_deref() == Some("") && !t.contains_key(f.key) {
                    fields.push((format!("{table}.{}", f.key), Value::String(String::new())));
                }
            }
        }
        for (path, v) in fields {
            let name = path.rsplit('.').next().unwrap_or(&path).to_string();
            // The identity of a box is not a parameter (and a source's kind is its box).
            if skipped(&name)
                || (name == "kind"
                    && path == format!("{table}.kind")
                    && table.starts_with("sources["))
            {
                continue;
            }
            let Some(info) = file.field_info(&path) else {
                continue;
            };
            let Some(kind) = kind_of_field(&info) else {
                continue;
            };
            let value = match &v {
                Value::String(s) if s.is_empty() => String::new(),
                v => show(v),
            };
            out.push(Param {
                default: info
                    .default_text()
                    .filter(|d| !d.is_empty())
                    .map(|d| d.trim_matches('"').to_string()),
                range: info.range_text(),
                choices: info.choices().iter().map(|c| c.to_string()).collect(),
                row: info.row.to_string(),
                path,
                name,
                value,
                kind,
            });
        }
    }
    out
}

/// The fields a table's declaration lists (a tagged table's: those of the variant `table` is).
fn table_fields(info: &FieldInfo, table: &toml::Table) -> &'static [FieldInfo] {
    let spec = match info.spec {
        ValueSpec::Optional(inner) => *inner,
        spec => spec,
    };
    match spec {
        ValueSpec::Table(fields) => fields,
        ValueSpec::Tagged { tag, variants, .. } => {
            let word = table.get(tag).and_then(|w| w.as_str());
            variants
                .iter()
                .find(|v| Some(v.word) == word)
                .map_or(&[][..], |v| v.fields)
        }
        _ => &[],
    }
}

/// How a declared field is edited; `None` for what the panel does not edit (tables, lists of
/// tables, lists of words).
fn kind_of_field(info: &FieldInfo) -> Option<ValueKind> {
    let mut spec = &info.spec;
    if let ValueSpec::Optional(inner) = spec {
        spec = inner;
    }
    match spec {
        ValueSpec::Whole { .. } => Some(ValueKind::Int),
        ValueSpec::Number => Some(ValueKind::Float),
        ValueSpec::Flag => Some(ValueKind::Bool),
        ValueSpec::Text | ValueSpec::Words(_) => Some(ValueKind::Text),
        ValueSpec::List(ValueSpec::Whole { .. }) => Some(ValueKind::List),
        _ => None,
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    if let Value::Table(t) = v {
        for (k, x) in t {
            let p = format!("{prefix}.{k}");
            match x {
                Value::Table(_) => flatten(&p, x, out),
                _ => out.push((p, x.clone())),
            }
        }
    }
}

/// Parses the text typed for a field of this kind.
fn parse_text(kind: ValueKind, text: &str) -> Result<Value, String> {
    let t = text.trim().replace(['_', ','], "");
    match kind {
        ValueKind::Int => t
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| format!("`{}` is not a whole number", text.trim())),
        ValueKind::Float => lambdascope_sim::parse_f64(&t)
            .filter(|f| f.is_finite())
            .map(Value::Float)
            .ok_or_else(|| format!("`{}` is not a number", text.trim())),
        ValueKind::Bool => match t.as_str() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!("`{}` is not true or false", text.trim())),
        },
        ValueKind::Text => Ok(Value::String(text.trim().to_string())),
        ValueKind::List => text
            .split([',', ' '])
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                p.trim()
                    .replace('_', "")
                    .parse::<i64>()
                    .map(Value::Integer)
                    .map_err(|_| format!("`{}` is not a whole number", p.trim()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// `file` with the field at `path` set to `v` (or removed when `v` is `None`), written out as
/// TOML and read back by the core's own parser and validation ([`Scenario::parse`]), so the
/// app links one deserializer, not two. Errors are the core's `(field, message)` pairs.
fn with_value(
    file: &ScenarioFile,
    path: &str,
    v: Option<Value>,
) -> Result<Scenario, Vec<(String, String)>> {
    let fail = |m: String| vec![(path.to_string(), m)];
    let mut root = to_value(file);
    let segs = parse_path(path);
    let (last, parent) = segs.split_last().ok_or_else(|| fail("empty path".into()))?;
    let Seg::Key(key) = last else {
        return Err(fail("not a field".into()));
    };
    let Some(Value::Table(t)) = get_mut(&mut root, parent) else {
        return Err(fail("no such table".into()));
    };
    match v {
        Some(v) => {
            t.insert(key.clone(), v);
        }
        None => {
            t.remove(key.as_str());
        }
    }
    let Value::Table(doc) = root else {
        return Err(fail("not a table".into()));
    };
    Scenario::parse("edit", &crate::share_link::toml_text(&doc))
        .map_err(|e| e.errors.into_iter().map(|e| (e.field, e.message)).collect())
}

/// Applies an edit: returns the re-validated scenario, or why the value is refused (the core's
/// messages, the ones about this field first). An empty text unsets an optional field or puts
/// a field back to its default.
pub fn set(
    file: &ScenarioFile,
    path: &str,
    kind: ValueKind,
    text: &str,
) -> Result<Scenario, String> {
    let v = if text.trim().is_empty() {
        None
    } else {
        Some(parse_text(kind, text)?)
    };
    let scenario = with_value(file, path, v).map_err(|errors| {
        let mut mine: Vec<String> = errors
            .iter()
            .filter(|(f, _)| f == path || f.starts_with(&format!("{path}.")) || f == "(syntax)")
            .map(|(_, m)| m.clone())
            .collect();
        if mine.is_empty() {
            mine = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        }
        mine.join("; ")
    })?;
    // Valid for the core, but more than a player in the browser draws (issue 12's budget).
    let refused = Budget::PLAYER.refusals(&scenario);
    if refused.is_empty() {
        Ok(scenario)
    } else {
        Err(refused
            .into_iter()
            .map(|(f, m)| if f == path { m } else { format!("{f}: {m}") })
            .collect::<Vec<_>>()
            .join("; "))
    }
}

/// "integration_timeout_ms" → "integration timeout (ms)".
pub fn label(name: &str) -> String {
    for (suffix, unit) in [
        ("_ms", "ms"),
        ("_s", "s"),
        ("_mb", "MB"),
        ("_bytes", "bytes"),
        ("_per_s", "per s"),
        ("_per_10s", "per 10 s"),
    ] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{} ({unit})", stem.replace('_', " "));
        }
    }
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
format_version = 1
id = "p"
title = "Params"
[function]
timeout_s = 3
[async]
dead_letter_queue = { kind = "sqs", name = "dlq" }
[[sources]]
kind = "api_gateway"
id = "api"
[[sources]]
kind = "s3"
id = "up"
[[workload]]
source = "up"
count = 2
"#;

    fn file() -> ScenarioFile {
        Scenario::parse("p.toml", FILE).unwrap().file
    }

    fn find<'a>(ps: &'a [Param], path: &str) -> &'a Param {
        ps.iter().find(|p| p.path == path).unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                ps.iter().map(|p| &p.path).collect::<Vec<_>>()
            )
        })
    }

    #[test]
    fn function_fields_come_with_the_cores_defaults_and_ranges() {
        let ps = params_for(&file(), &NodeKind::Function);
        let t = find(&ps, "function.timeout_s");
        assert_eq!((t.value.as_str(), t.kind), ("3", ValueKind::Int));
        assert_eq!(t.default.as_deref(), Some("3"));
        assert_eq!(t.range.as_deref(), Some("1–900"));
        let init = find(&ps, "function.init_ms");
        assert_eq!(init.range.as_deref(), Some("0–900000"));
        assert_eq!(t.row, "L-TIMEOUT");
        // Unset optional field is still offered.
        assert_eq!(find(&ps, "function.reserved_concurrency").value, "");
        assert!(find(&ps, "account.concurrency").range.is_some());
        let b = find(&ps, "function.behaviour.kind");
        assert!(
            b.choices.contains(&"throw".to_string()) && b.choices.contains(&"time_out".to_string()),
            "{:?}",
            b.choices
        );
    }

    #[test]
    fn out_of_range_is_refused_with_the_cores_reason() {
        let err = set(&file(), "function.timeout_s", ValueKind::Int, "901").unwrap_err();
        assert_eq!(
            err,
            "must be a whole number of seconds from 1 to 900 (got 901) — L-TIMEOUT"
        );
        let err = set(&file(), "function.timeout_s", ValueKind::Int, "soon").unwrap_err();
        assert!(err.contains("not a whole number"), "{err}");
        let err = set(&file(), "async.maximum_retry_attempts", ValueKind::Int, "3").unwrap_err();
        assert!(err.contains("from 0 to 2 (got 3)"), "{err}");
        let ok = set(&file(), "function.timeout_s", ValueKind::Int, "10").unwrap();
        assert_eq!(ok.file.function.timeout_s, 10);
        // Empty puts a field back to its default.
        let reset = set(&ok.file, "function.timeout_s", ValueKind::Int, "").unwrap();
        assert_eq!(reset.file.function.timeout_s, 3);
    }

    #[test]
    fn source_and_workload_fields_are_listed_for_the_source() {
        let f = file();
        let ps = params_for(
            &f,
            &NodeKind::Source {
                index: 1,
                kind: lambdascope_sim::SourceKind::S3,
                method: lambdascope_sim::Method::Asynchronous,
            },
        );
        assert_eq!(find(&ps, "sources[1].delivery_delay_ms").value, "1000");
        assert_eq!(find(&ps, "workload[0].count").value, "2");
        assert!(!ps.iter().any(|p| p.path == "sources[1].id"
            || p.path == "sources[1].kind"
            || p.path == "workload[0].source"));
        let api = params_for(
            &f,
            &NodeKind::Source {
                index: 0,
                kind: lambdascope_sim::SourceKind::ApiGateway,
                method: lambdascope_sim::Method::Synchronous,
            },
        );
        let ty = find(&api, "sources[0].api_type");
        assert_eq!(ty.choices, vec!["rest", "http", "websocket"]);
        let err = set(&f, "sources[0].api_type", ValueKind::Text, "soap").unwrap_err();
        assert!(err.contains("rest"), "{err}");
        let s = set(
            &f,
            "sources[0].integration_timeout_ms",
            ValueKind::Int,
            "5000",
        )
        .unwrap();
        assert!(matches!(
            s.file.sources[0],
            lambdascope_sim::scenario::Source::ApiGateway(
                lambdascope_sim::scenario::ApiGatewaySource {
                    integration_timeout_ms: Some(5000),
                    ..
                }
            )
        ));
        let err = set(
            &f,
            "sources[0].integration_timeout_ms",
            ValueKind::Int,
            "40000",
        )
        .unwrap_err();
        assert!(err.contains("29"), "{err}");
    }

    #[test]
    fn retry_delays_edit_as_a_list() {
        let s = set(&file(), "async.retry_delays_s", ValueKind::List, "30, 90").unwrap();
        assert_eq!(s.file.async_config.retry_delays_s, vec![30, 90]);
        let ps = params_for(&s.file, &NodeKind::EventQueue);
        assert_eq!(find(&ps, "async.retry_delays_s").value, "30, 90");
    }

    /// Every editable field the core declares for a source kind is offered in that source's
    /// panel: a field added to the format shows up here with no change to the app.
    #[test]
    fn every_declared_scalar_field_of_every_source_kind_is_offered() {
        let text = r#"
format_version = 1
id = "all"
title = "All kinds"
[[sources]]
kind = "api_gateway"
id = "a"
[[sources]]
kind = "cloudfront"
id = "b"
[[sources]]
kind = "custom"
id = "c"
[[sources]]
kind = "s3"
id = "d"
[[sources]]
kind = "sns"
id = "e"
[[sources]]
kind = "event_bridge"
id = "f"
[[sources]]
kind = "sqs"
id = "g"
[[sources]]
kind = "kinesis"
id = "h"
starting_position = "LATEST"
[[sources]]
kind = "dynamodb_streams"
id = "i"
starting_position = "LATEST"
"#;
        let f = Scenario::parse("all.toml", text).unwrap().file;
        let topo =
            lambdascope_sim::topology::Topology::of(&Scenario::from_file(f.clone()).unwrap());
        for (index, src) in f.sources.iter().enumerate() {
            let node = topo
                .nodes
                .iter()
                .find(|n| matches!(&n.kind, NodeKind::Source { index: i, .. } if *i == index))
                .unwrap();
            let offered = params_for(&f, &node.kind);
            let variant = lambdascope_sim::scenario::Source::VARIANTS
                .iter()
                .find(|v| v.word == src.kind().word())
                .unwrap();
            for info in variant.fields {
                if skipped(info.key) || kind_of_field(info).is_none() {
                    continue;
                }
                let path = format!("sources[{index}].{}", info.key);
                let p = offered.iter().find(|p| p.path == path);
                assert!(p.is_some(), "{path} is not offered");
                assert_eq!(p.unwrap().row, info.row, "{path}");
            }
        }
    }

    #[test]
    fn labels_read_like_words() {
        assert_eq!(label("integration_timeout_ms"), "integration timeout (ms)");
        assert_eq!(label("timeout_s"), "timeout (s)");
        assert_eq!(label("api_type"), "api type");
    }
}
