//! The `lambdascope` binary, driven as a user (or a docs build script) would.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lambdascope"))
}

fn scenario(name: &str) -> String {
    format!(
        "{}/../../content/scenarios/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn run_json_reports_attempts_and_dispositions() {
    let out = bin()
        .args([
            "run",
            &scenario("async-retries-dlq.toml"),
            "--seed",
            "7",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["scenario"], "async-retries-dlq");
    assert_eq!(v["seed"], 7);
    let inv = &v["invocations"][0];
    let starts: Vec<u64> = inv["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(starts.len(), 3);
    assert!(
        starts[0] < 2_000
            && (60_000..64_000).contains(&starts[1])
            && (180_000..186_000).contains(&starts[2]),
        "{starts:?}"
    );
    assert_eq!(inv["disposition"]["disposition"], "sent_to_failure_target");
    assert_eq!(inv["disposition"]["condition"], "RetriesExhausted");
    assert_eq!(inv["disposition"]["approximate_invoke_count"], 3);
    assert_eq!(v["totals"]["handler_runs"], 3);
}

#[test]
fn run_text_is_deterministic_per_seed() {
    let a = bin()
        .args(["run", &scenario("overview.toml"), "--seed", "5"])
        .output()
        .unwrap();
    let b = bin()
        .args(["run", &scenario("overview.toml"), "--seed", "5"])
        .output()
        .unwrap();
    let c = bin()
        .args(["run", &scenario("overview.toml"), "--seed", "6"])
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let text = String::from_utf8(a.stdout).unwrap();
    assert!(
        text.contains("totals:") && text.contains("dispositions:"),
        "{text}"
    );
}

#[test]
fn until_stops_early_and_leaves_work_in_flight() {
    let out = bin()
        .args([
            "run",
            &scenario("apigw-timeout-504.toml"),
            "--until",
            "10s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["in_flight"], 1);
    assert!(v["invocations"][0]["disposition"].is_null());
}

#[test]
fn trace_prints_json_lines_in_time_order() {
    let out = bin()
        .args(["trace", &scenario("apigw-happy-path.toml")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 50);
    assert!(lines
        .windows(2)
        .all(|w| w[0]["at"].as_u64() <= w[1]["at"].as_u64()));
    assert_eq!(lines[0]["kind"], "event_created");
    assert!(lines.iter().any(|l| l["kind"] == "sent"
        && l["message"]["type"] == "response"
        && l["message"]["status"] == 200));
}

#[test]
fn check_accepts_all_bundled_and_names_problems_with_lines() {
    let dir = format!("{}/../../content/scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    let out = bin().arg("check").args(&files).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = std::env::temp_dir().join(format!("lambdascope-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "format_version = 1\nid = \"bad\"\ntitle = \"x\"\n[function]\ntimeout_s = 1000\n[[sources]]\nkind = \"api_gateway\"\nid = \"api\"\napi_type = \"http\"\nintegration_timeout_ms = 45000\n").unwrap();
    let out = bin().arg("check").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 5: function.timeout_s: must be a whole number of seconds from 1 to 900 (got 1000) — L-TIMEOUT"),
        "{err}"
    );
    assert!(
        err.contains(
            "line 10: sources[0].integration_timeout_ms: must be from 50 to 30000 (got 45000): an HTTP API's integration timeout"
        ),
        "{err}"
    );
    std::fs::remove_file(&bad).ok();
}

#[test]
fn usage_errors_exit_2_and_say_what_is_allowed() {
    let out = bin()
        .args(["run", &scenario("overview.toml"), "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use text or json"));
    let out = bin()
        .args(["run", &scenario("overview.toml"), "--until", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["run", "/nonexistent.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn lesson_prints_beats_and_computed_answers() {
    let file = format!(
        "{}/../../content/lessons/05-async-retries.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = bin().args(["lesson", &file]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "How many times will it have run in all when Lambda gives up on this event?  A: 3"
        ),
        "{text}"
    );
    assert!(text.contains("A: sqs:parse-invoice-dlq"), "{text}");
    // The run-count question is answered by the beat that plays attempt 3.
    assert!(
        text.contains(
            "beat 4: 1 min 03 s → 3 min 04 s (run 0)\n    Q: The handler has failed twice."
        ),
        "{text}"
    );
}

fn template(name: &str) -> String {
    format!(
        "{}/../stack/tests/templates/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn import_writes_scenarios_that_check_and_run() {
    let dir = std::env::temp_dir().join(format!("lambdascope-import-{}", std::process::id()));
    let out = bin()
        .args(["import", &template("combined-shop.yaml"), "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8(out.stdout).unwrap();
    for id in [
        "place-order",
        "fulfil-order",
        "track-activity",
        "store-receipt",
    ] {
        assert!(listed.contains(&format!("{id}.toml")), "{listed}");
        let file = dir.join(format!("{id}.toml"));
        let check = bin().arg("check").arg(&file).output().unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let run = bin()
        .args(["run", "--format", "json"])
        .arg(dir.join("fulfil-order.toml"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v["scenario"], "fulfil-order");
    // Sixty messages in batches of ten; the batch holding the poison message keeps coming back.
    assert_eq!(v["totals"]["events"], 60, "{}", v["totals"]);
    assert_eq!(v["totals"]["redeliveries"], 50, "{}", v["totals"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn import_to_stdout_is_the_scenario_and_unmapped_settings_go_to_stderr() {
    let out = bin()
        .args([
            "import",
            &template("cfn-mapping-conditions.yaml"),
            "--function",
            "RunJob",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("# RunJob.Timeout (line 35)\ntimeout_s = 20\n"),
        "{text}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "cfn-mapping-conditions.yaml: line 66: `JobsTable` (AWS::Glue::Table) is not read"
        ),
        "{err}"
    );
    assert!(
        err.contains("RunJob: line 10: parameter `WorkerTimeout` taken at its default `20`"),
        "{err}"
    );
}

#[test]
fn advise_prints_findings_with_logical_ids_rows_and_the_run() {
    let out = bin()
        .args(["advise", &template("sqs-orders.yaml")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("ProcessOrders (line 30): scenario process-orders, seed 1"),
        "{text}"
    );
    assert!(
        text.contains("  sqs-visibility-timeout — OrdersQueue (line 18) [L-SQS-CFG]\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "In this run: 10 messages moved to the DLQ, 9 of them not poison (from 1 min 30 s)"
        ),
        "{text}"
    );

    let json = bin()
        .args([
            "advise",
            &template("s3-thumbnails.yaml"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let f = &v["functions"][0]["findings"][0];
    assert_eq!(f["rule"], "async-without-failure-target");
    assert_eq!(f["subject"], "MakeThumbnail (line 10)");
    assert_eq!(f["row"], "L-ASYNC-REC");
    assert_eq!(
        f["observed"]["text"],
        "1 event was discarded after 3 attempts"
    );
}

#[test]
fn advise_reads_a_scenario_file_too() {
    let out = bin()
        .args(["advise", &scenario("kinesis-poison-blocks-shard.toml")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("stream-unbounded-retries — clicks [L-KIN-FAIL]"),
        "{text}"
    );
}

#[test]
fn a_template_without_a_function_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("lambdascope-nofn-{}.yaml", std::process::id()));
    std::fs::write(&dir, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n").unwrap();
    let out = bin().arg("import").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.ends_with("no Lambda function in the template: lambdascope imports AWS::Serverless::Function and AWS::Lambda::Function resources\n"), "{err}");
    std::fs::remove_file(&dir).unwrap();
}
