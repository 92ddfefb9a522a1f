//! What the file format refuses for event source mappings, with AWS's reasons.

use super::*;

fn errors(text: &str) -> Vec<(String, Option<usize>, String)> {
    Scenario::parse("bad.toml", text)
        .unwrap_err()
        .errors
        .into_iter()
        .map(|e| (e.field, e.line, e.message))
        .collect()
}

/// L-SQS-CFG: Lambda refuses a mapping whose function timeout exceeds the visibility timeout.
#[test]
fn function_timeout_above_visibility_timeout_is_rejected() {
    let e = errors(&one(60, "timeout_s = 40", SQS, ""));
    assert_eq!(e[0].0, "sources[0].visibility_timeout_s");
    assert!(
        e[0].2.contains("40 s") && e[0].2.contains("L-SQS-CFG"),
        "{}",
        e[0].2
    );
}

/// L-ESM-API / L-SQS-CFG: batch size above 10 needs a batching window of at least 1 s. The
/// row also names streams, but the sheet's stream defaults (BatchSize 100, no window,
/// L-KIN-PARAM, §11) contradict it and AWS accepts them: streams are exempt here.
#[test]
fn big_batch_needs_a_window() {
    let e = errors(&one(60, "", &format!("{SQS}\nbatch_size = 50"), ""));
    assert_eq!(e[0].0, "sources[0].maximum_batching_window_s");
    assert!(e[0].2.contains("L-ESM-API"));
    assert!(Scenario::parse(
        "ok.toml",
        &one(
            60,
            "",
            "kind = \"kinesis\"\nid = \"k\"\nstarting_position = \"LATEST\"\nbatch_size = 500",
            ""
        )
    )
    .is_ok());
}

/// L-KIN-PARAM / L-DDB-PARAM: ranges, the required starting position, DynamoDB has no AT_TIMESTAMP.
#[test]
fn stream_parameters_are_checked() {
    let e = errors(&one(60, "", "kind = \"kinesis\"\nid = \"k\"\nstarting_position = \"LATEST\"\nparallelization_factor = 11\nmaximum_retry_attempts = -2\nmaximum_record_age_s = 30\nretention_period_hours = 10", ""));
    let fields: Vec<&str> = e.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            // Each field's own range first (in declaration order), then the rules that
            // relate values (a record age of -1 or at least 60).
            "sources[0].parallelization_factor",
            "sources[0].maximum_retry_attempts",
            "sources[0].retention_period_hours",
            "sources[0].maximum_record_age_s"
        ]
    );
    assert_eq!(e[0].1, Some(12), "the line of the field");
    let missing = Scenario::parse(
        "bad.toml",
        &one(60, "", "kind = \"kinesis\"\nid = \"k\"", ""),
    )
    .unwrap_err();
    assert_eq!(missing.errors[0].field, "sources[0].starting_position");
    assert_eq!(
        missing.errors[0].message,
        "is required: give one of `TRIM_HORIZON`, `LATEST`, `AT_TIMESTAMP`"
    );
    let e = errors(&one(
        60,
        "",
        "kind = \"dynamodb_streams\"\nid = \"k\"\nstarting_position = \"AT_TIMESTAMP\"",
        "",
    ));
    assert_eq!(e[0].0, "sources[0].starting_position");
}

/// L-KIN-FAIL: stream on-failure destinations are SQS, SNS or S3; SQS has no Lambda destinations.
#[test]
fn destinations_and_redrive_are_checked() {
    let e = errors(&one(60, "", "kind = \"kinesis\"\nid = \"k\"\nstarting_position = \"LATEST\"\non_failure = { kind = \"lambda\", name = \"f\" }", ""));
    assert_eq!(e[0].0, "sources[0].on_failure.kind");
    let e = errors(&one(60, "", &format!("{SQS}\nmax_receive_count = 3"), ""));
    assert_eq!(e[0].0, "sources[0].dead_letter_queue");
    let unknown = Scenario::parse(
        "bad.toml",
        &one(
            60,
            "",
            &format!("{SQS}\non_failure = {{ kind = \"sqs\", name = \"x\" }}"),
            "",
        ),
    )
    .unwrap_err();
    assert!(
        unknown.errors[0].message.contains("on_failure"),
        "{}",
        unknown.errors[0].message
    );
}
