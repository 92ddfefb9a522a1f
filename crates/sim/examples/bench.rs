//! Simulation benchmark: prints trace events per second, invocations per second and peak memory.
//!
//! `scripts/bench-sim` runs each case in its own process (so the peak-memory reading belongs to
//! that case alone) with the speed-oriented `bench-native` profile:
//!
//! ```text
//! cargo run -p lambdascope-sim --profile bench-native --example bench -- CASE
//! ```
//! Cases: `async-1m` (1,000,000 async invocations, 3 attempts each, aggregate retention),
//! `sync-throttle` (a synchronous burst that throttles, SDK retries), `async-100k-full` (full
//! trace retention, to show what keeping every event costs). Polling cases are added alongside.

// A benchmark measures wall-clock time and reads /proc: the purity bans are for the library.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use lambdascope_sim::{Retention, Scenario, Sim};

struct Case {
    name: &'static str,
    retention: Retention,
    toml: String,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "async-1m",
            retention: Retention::Aggregates,
            // 2,000 events/s for 500 s; every run throws, so each event runs 3 times (0, ~60 s, ~180 s).
            toml: r#"
format_version = 1
id = "bench-async"
title = "1,000,000 asynchronous invocations, 3 attempts each"
horizon_s = 900
[account]
concurrency = 5000
[function]
duration = { distribution = "uniform", min_ms = 50, max_ms = 150 }
behaviour = { kind = "throw" }
[async]
dead_letter_queue = { kind = "sqs", name = "dlq" }
[[sources]]
kind = "custom"
id = "app"
invocation_type = "event"
[[workload]]
source = "app"
pattern = "rate"
rate_per_s = 2000
duration_s = 500
"#
            .into(),
        },
        Case {
            name: "sync-throttle",
            retention: Retention::Aggregates,
            // Bursts of 2,000 calls every 2 s against reserved concurrency 500: most throttle and
            // the SDK retries them with jittered backoff.
            toml: r#"
format_version = 1
id = "bench-sync"
title = "Synchronous bursts that throttle"
horizon_s = 400
[function]
duration = { distribution = "uniform", min_ms = 200, max_ms = 900 }
reserved_concurrency = 500
[[sources]]
kind = "custom"
id = "app"
[[workload]]
source = "app"
count = 2000
repeat = 150
every_ms = 2000
"#
            .into(),
        },
        Case {
            name: "async-100k-full",
            retention: Retention::Full,
            toml: r#"
format_version = 1
id = "bench-full"
title = "100,000 asynchronous invocations with the full trace kept"
horizon_s = 400
[account]
concurrency = 5000
[function]
duration = { distribution = "uniform", min_ms = 50, max_ms = 150 }
behaviour = { kind = "throw" }
[[sources]]
kind = "custom"
id = "app"
invocation_type = "event"
[[workload]]
source = "app"
pattern = "rate"
rate_per_s = 1000
duration_s = 100
"#
            .into(),
        },
    ]
}

/// Polling cases (issue 3): an SQS queue that receives 1,000,000 messages, and a Kinesis stream
/// with 100 shards. Both keep aggregates only.
fn polling_cases() -> Vec<Case> {
    vec![
        Case {
            name: "sqs-1m",
            retention: Retention::Aggregates,
            // 5,000 messages/s for 200 s into a standard queue, batches of 10. The mapping starts
            // with 5 pollers and adds 300 a minute (L-SQS-SCALE), so a backlog builds for the
            // first minute and drains after. Two poison messages are reported with
            // batchItemFailures and end in the queue's DLQ after 3 receives.
            toml: r#"
format_version = 1
id = "bench-sqs"
title = "1,000,000 SQS messages through an event source mapping"
horizon_s = 400
[account]
concurrency = 3000
[function]
duration = { distribution = "uniform", min_ms = 100, max_ms = 300 }
poison_items = [7, 123456]
on_item_failure = "report"
[[sources]]
kind = "sqs"
id = "queue"
batch_size = 10
function_response_types = ["ReportBatchItemFailures"]
max_receive_count = 3
dead_letter_queue = "dlq"
[[workload]]
source = "queue"
pattern = "rate"
rate_per_s = 5000
duration_s = 200
"#
            .into(),
        },
        Case {
            name: "kinesis-100-shards",
            retention: Retention::Aggregates,
            // 10,000 records/s for 120 s over 100 shards (10,000 keys), default batch 100, one poll
            // a second per shard (L-KIN). One poison record is bisected out and sent to the
            // on-failure destination after 3 retries (L-KIN-FAIL).
            toml: r#"
format_version = 1
id = "bench-kinesis"
title = "A 100-shard Kinesis stream"
horizon_s = 240
[account]
concurrency = 3000
[function]
duration = { distribution = "uniform", min_ms = 50, max_ms = 250 }
poison_items = [500]
[[sources]]
kind = "kinesis"
id = "stream"
shards = 100
partition_keys = 10000
starting_position = "TRIM_HORIZON"
bisect_batch_on_function_error = true
maximum_retry_attempts = 3
on_failure = { kind = "sqs", name = "failed" }
[[workload]]
source = "stream"
pattern = "rate"
rate_per_s = 10000
duration_s = 120
"#
            .into(),
        },
    ]
}

/// One more line for polling runs: batches, redeliveries and where the items ended.
fn print_polling(t: &lambdascope_sim::Totals) {
    if t.batches > 0 {
        println!(
            "{:<16} batches {} · redeliveries {} · deleted {} · moved to DLQ {} · processed {} · expired {} · to failure target {}",
            "", t.batches, t.redeliveries, t.deleted, t.moved_to_dlq, t.processed, t.expired, t.sent_to_failure_target
        );
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--toml CASE`: print the case's scenario (the WebAssembly side runs the same text);
    // `--json CASE`: one JSON line instead of the table.
    let mode = match args.first().map(String::as_str) {
        Some("--toml") | Some("--json") => Some(args.remove(0)),
        _ => None,
    };
    let wanted = args;
    let mut all = cases();
    all.extend(polling_cases());
    let names: Vec<&str> = all.iter().map(|c| c.name).collect();
    for w in &wanted {
        if !names.contains(&w.as_str()) {
            eprintln!("unknown case `{w}`: choose from {}", names.join(", "));
            std::process::exit(2);
        }
    }
    for case in all
        .into_iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|w| w == c.name))
    {
        if mode.as_deref() == Some("--toml") {
            print!("{}", case.toml);
            continue;
        }
        let scenario = Scenario::parse(case.name, &case.toml).expect("bench scenario is valid");
        let started = Instant::now();
        let mut sim = Sim::with_retention(&scenario, 1, case.retention);
        sim.run();
        let secs = started.elapsed().as_secs_f64();
        if mode.as_deref() == Some("--json") {
            println!("{}", sim.bench_json(secs));
            continue;
        }
        let t = sim.totals();
        println!(
            "{:<16} {:>10} invocations {:>11} trace events {:>10} handler runs in {:>6.2} s: {:>6.2} M events/s, {:>8.0} invocations/s, peak RSS {:>6.1} MB ({} retention, {} kept)",
            case.name,
            t.invocations,
            t.trace_events,
            t.handler_runs,
            secs,
            t.trace_events as f64 / secs / 1e6,
            t.invocations as f64 / secs,
            peak_rss_mb().unwrap_or(f64::NAN),
            if case.retention == Retention::Full { "full" } else { "aggregate" },
            sim.trace().len(),
        );
        println!(
            "{:<16} throttles {} · retries {} · succeeded {} · errors returned {} · to failure target {} · discarded {} · peak concurrency {}",
            "", t.throttles, t.retries, t.succeeded, t.error_returned, t.sent_to_failure_target, t.discarded, t.peak_concurrency
        );
        print_polling(t);
    }
}
