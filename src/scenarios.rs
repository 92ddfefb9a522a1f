//! The scenarios shipped inside the app: `content/scenarios/*.toml`, embedded at compile time.
//! Adding a scenario is one line in [`FILES`]; a test fails if a file in the directory is missing
//! from the list (or the other way round), and every file must parse.

use lambdascope_sim::{Method, Scenario};

/// The scenario shown when the page opens.
pub const DEFAULT_ID: &str = "overview";

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        /// (file name, TOML text) of every bundled scenario.
        pub const FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../content/scenarios/", $name)))),*
        ];
    };
}

bundled![
    "overview.toml",
    "apigw-happy-path.toml",
    "apigw-errors.toml",
    "apigw-timeout-504.toml",
    "cloudfront-edge.toml",
    "custom-sdk-retries.toml",
    "custom-read-timeout.toml",
    "async-retries-dlq.toml",
    "async-destinations.toml",
    "async-throttling.toml",
    "s3-duplicates.toml",
    "sns-unreachable.toml",
    "eventbridge-dlq.toml",
    "provisioned-concurrency.toml",
    "scaling-rate.toml",
    "zero-reserved-concurrency.toml",
    "sqs-happy-path.toml",
    "sqs-batch-poison.toml",
    "sqs-poison-dlq.toml",
    "sqs-partial-batch.toml",
    "sqs-report-ignored.toml",
    "sqs-scaling.toml",
    "sqs-throttled.toml",
    "fifo-happy-path.toml",
    "fifo-group-held-back.toml",
    "kinesis-happy-path.toml",
    "kinesis-poison-blocks-shard.toml",
    "kinesis-bisect.toml",
    "kinesis-partial-batch.toml",
    "dynamodb-happy-path.toml",
    "dynamodb-latest-missed.toml",
    "dynamodb-too-many-readers.toml",
    "stepfunctions-sequence.toml",
    "stepfunctions-retry-catch.toml",
    "stepfunctions-parallel-fail-fast.toml",
    "stepfunctions-map.toml",
    "stepfunctions-callback.toml",
    "stepfunctions-throttle-retry.toml",
];

/// A bundled scenario, parsed.
#[derive(Clone, Debug)]
pub struct Bundled {
    /// Its index in [`FILES`] (stable: the player refers to bundled scenarios by it).
    pub index: usize,
    pub file: &'static str,
    pub scenario: Scenario,
    /// The picker group: the one method its sources use, or `None` when they mix methods.
    pub group: Option<Method>,
}

fn parse(index: usize) -> Option<Bundled> {
    let (file, text) = FILES.get(index)?;
    let scenario = Scenario::parse(file, text).ok()?;
    let methods = scenario.methods();
    let group = if methods.len() == 1 {
        Some(methods[0])
    } else {
        None
    };
    Some(Bundled {
        index,
        file,
        scenario,
        group,
    })
}

/// Every bundled scenario that parses, in [`FILES`] order. (A file that does not parse is a
/// content bug the content test catches; the app skips it rather than fail.) Parsing all of
/// them takes tens of milliseconds in the browser, so the player does it after its first paint.
pub fn bundled() -> Vec<Bundled> {
    (0..FILES.len()).filter_map(parse).collect()
}

/// Position of a scenario in a parsed list, by id.
pub fn index_of(list: &[Bundled], id: &str) -> Option<usize> {
    list.iter().position(|b| b.scenario.id() == id)
}

/// One bundled scenario by id, parsing only that file (file stems are ids; a test checks it).
pub fn by_id(id: &str) -> Option<Bundled> {
    FILES
        .iter()
        .position(|(f, _)| f.strip_suffix(".toml") == Some(id))
        .and_then(parse)
}

/// Picker group label.
pub fn group_label(group: Option<Method>) -> &'static str {
    match group {
        Some(Method::Synchronous) => "Synchronous",
        Some(Method::Asynchronous) => "Asynchronous",
        Some(Method::Polling) => "Polling",
        None => "Mixed methods",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_content_is_bundled_and_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/content/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "src/scenarios.rs FILES must list every content/scenarios/*.toml"
        );
        for (name, text) in FILES {
            if let Err(e) = Scenario::parse(name, text) {
                panic!("{e}");
            }
        }
        let all = bundled();
        assert_eq!(all.len(), FILES.len());
        for b in &all {
            assert_eq!(
                Some(b.scenario.id()),
                b.file.strip_suffix(".toml"),
                "a bundled file is named after its id"
            );
            assert_eq!(by_id(b.scenario.id()).map(|x| x.index), Some(b.index));
        }
        assert!(
            by_id(DEFAULT_ID).is_some(),
            "the default scenario is bundled"
        );
        assert!(by_id("no-such-scenario").is_none());
    }
}
