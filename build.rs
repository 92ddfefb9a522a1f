//! Generates `scenarios.rs` in `OUT_DIR` (included by `src/scenarios.rs`): the bundled scenarios'
//! files, and an index of them (id, title, picker group, source kinds) read at build time with the
//! simulator's own parser. Why (issue 16): the player bundle no longer carries every scenario's
//! text (7 KB gzip), only the default one; the others are static files beside it
//! (`dist/scenarios/ID.toml`) fetched when a player opens one, and the picker and the side panel
//! list them from this index without parsing anything in the browser. A file that does not parse
//! fails the build here, with the simulator's message.

use std::fmt::Write as _;
use std::path::Path;

/// Every bundled scenario, in the picker's order within each group: adding a scenario is one line
/// here (`scenarios::tests` fails when a file in `content/scenarios/` is missing from this list,
/// or the other way round). The first is the default, the one compiled into every bundle.
const ORDER: &[&str] = &[
    "overview",
    "apigw-happy-path",
    "apigw-errors",
    "apigw-timeout-504",
    "cloudfront-edge",
    "custom-sdk-retries",
    "custom-read-timeout",
    "async-retries-dlq",
    "async-destinations",
    "async-throttling",
    "s3-duplicates",
    "sns-unreachable",
    "eventbridge-dlq",
    "provisioned-concurrency",
    "scaling-rate",
    "zero-reserved-concurrency",
    "sqs-happy-path",
    "sqs-batch-poison",
    "sqs-poison-dlq",
    "sqs-partial-batch",
    "sqs-report-ignored",
    "sqs-scaling",
    "sqs-throttled",
    "fifo-happy-path",
    "fifo-group-held-back",
    "kinesis-happy-path",
    "kinesis-poison-blocks-shard",
    "kinesis-bisect",
    "kinesis-partial-batch",
    "dynamodb-happy-path",
    "dynamodb-latest-missed",
    "dynamodb-too-many-readers",
    "stepfunctions-sequence",
    "stepfunctions-retry-catch",
    "stepfunctions-parallel-fail-fast",
    "stepfunctions-map",
    "stepfunctions-callback",
    "stepfunctions-throttle-retry",
];

fn main() {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("content/scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=build.rs");
    let mut files =
        String::from("/// (file name, TOML text) of every bundled scenario, in [`INDEX`] order.\n");
    files.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    let mut index =
        String::from("/// Every bundled scenario, as the picker and the side panel list it.\n");
    index.push_str("pub const INDEX: &[Entry] = &[\n");
    for id in ORDER {
        let path = dir.join(format!("{id}.toml"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = format!("{id}.toml");
        let scenario =
            lambdascope_sim::Scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            scenario.id(),
            *id,
            "{name}: a bundled file is named after its id"
        );
        let methods = scenario.methods();
        let group = match methods.as_slice() {
            [one] => format!("Some(Method::{one:?})"),
            _ => "None".to_string(),
        };
        let mut kinds: Vec<lambdascope_sim::SourceKind> =
            scenario.file.sources.iter().map(|s| s.kind()).collect();
        kinds.sort();
        kinds.dedup();
        let kinds: Vec<String> = kinds.iter().map(|k| format!("SourceKind::{k:?}")).collect();
        let _ = writeln!(
            files,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
        let _ = writeln!(
            index,
            "    Entry {{ id: {id:?}, title: {:?}, group: {group}, kinds: &[{}] }},",
            scenario.file.title,
            kinds.join(", ")
        );
    }
    files.push_str("];\n");
    index.push_str("];\n");
    let default = dir.join(format!("{}.toml", ORDER[0]));
    let out = format!(
        "{files}\n{index}\n/// The default scenario's text: the one every bundle carries.\n\
         pub const DEFAULT_TEXT: &str = include_str!({:?});\n",
        default.display().to_string()
    );
    let out_path = Path::new(&std::env::var("OUT_DIR").unwrap()).join("scenarios.rs");
    std::fs::write(out_path, out).unwrap();
}
