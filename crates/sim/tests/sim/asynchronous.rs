//! Asynchronous invocation: §2 and §6 of the fact sheet.

use crate::common::*;
use lambdascope_sim::trace::*;

const HOP: u64 = 40;
const QUEUE_DELAY: u64 = 100;

fn custom_event(function: &str, async_cfg: &str) -> String {
    one_source(
        "kind = \"custom\"\nid = \"app\"\ninvocation_type = \"event\"",
        function,
        &format!("[async]\n{async_cfg}\n\n[[workload]]\nsource = \"app\"\n"),
    )
}

/// L-ASYNC-ERR: a function that always throws runs 3 times: at ≈0, ≈60 s and ≈180 s (waits of
/// one then two minutes), then goes to the DLQ with RetriesExhausted and count 3 (L-ASYNC-REC).
#[test]
fn three_attempts_at_0_60_180s_then_dlq() {
    let text = custom_event(
        "behaviour = { kind = \"throw\" }\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 500 }",
        "dead_letter_queue = { kind = \"sqs\", name = \"orders-dlq\" }",
    );
    for seed in 0..50 {
        let sim = run(&text, seed);
        let runs = attempts(&sim, 0);
        let starts: Vec<u64> = runs.iter().map(|r| r.0).collect();
        // Queued after one hop; picked after the queue delay; one hop to the function.
        let first = HOP + QUEUE_DELAY + HOP;
        // Each retry waits from the end of the failed attempt, then one hop back and one hop out.
        let second = first + 500 + 60_000 + HOP;
        let third = second + 500 + 120_000 + HOP;
        assert_eq!(starts, vec![first, second, third], "seed {seed}");
        assert!(
            (0..1000).contains(&starts[0])
                && (60_000..62_000).contains(&starts[1])
                && (180_000..183_000).contains(&starts[2])
        );
        let (at, d) = disposition(&sim, 0).unwrap();
        assert_eq!(
            at,
            third + 500 + HOP,
            "the DLQ receives the event one hop after the last attempt"
        );
        assert_eq!(
            d,
            Disposition::SentToFailureTarget {
                condition: FailureCondition::RetriesExhausted,
                targets: vec!["sqs:orders-dlq".into()],
                approximate_invoke_count: 3
            }
        );
    }
}

/// L-EIC-API: maximum_retry_attempts = 0 → one attempt; with nothing configured the event is discarded.
#[test]
fn zero_retries_and_no_target_discards_after_one_attempt() {
    let sim = run(
        &custom_event(
            "behaviour = { kind = \"throw\" }",
            "maximum_retry_attempts = 0",
        ),
        3,
    );
    assert_eq!(attempts(&sim, 0).len(), 1);
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::Discarded {
            condition: FailureCondition::RetriesExhausted,
            approximate_invoke_count: 1
        }
    );
}

/// L-ASYNC-CFG: with a 90 s maximum event age the first retry (at ≈60 s) fits and the second
/// (at ≈180 s) does not: the event fails with EventAgeExceeded after 2 runs.
#[test]
fn maximum_event_age_cuts_retries() {
    let sim = run(
        &custom_event(
            "behaviour = { kind = \"throw\" }",
            "maximum_event_age_s = 90\non_failure = { kind = \"sns\", name = \"alerts\" }",
        ),
        3,
    );
    assert_eq!(attempts(&sim, 0).len(), 2);
    match disposition(&sim, 0).unwrap().1 {
        Disposition::SentToFailureTarget {
            condition,
            approximate_invoke_count,
            targets,
        } => {
            assert_eq!(condition, FailureCondition::EventAgeExceeded);
            assert_eq!(approximate_invoke_count, 2);
            assert_eq!(targets, vec!["sns:alerts".to_string()]);
        }
        d => panic!("{d:?}"),
    }
}

/// L-ASYNC-REC: reserved concurrency 0 sends the event straight to the DLQ and on-failure
/// destination, zero invocations.
#[test]
fn zero_reserved_concurrency_goes_straight_to_failure_targets() {
    let sim = run(
        &custom_event("reserved_concurrency = 0", "dead_letter_queue = { kind = \"sqs\", name = \"dlq\" }\non_failure = { kind = \"s3\", name = \"failures\" }"),
        1,
    );
    assert!(attempts(&sim, 0).is_empty());
    assert_eq!(count(&sim, |t| matches!(t, Trace::Throttled { .. })), 0);
    let (at, d) = disposition(&sim, 0).unwrap();
    assert_eq!(at, HOP + QUEUE_DELAY + HOP);
    assert_eq!(
        d,
        Disposition::SentToFailureTarget {
            condition: FailureCondition::ZeroReservedConcurrency,
            targets: vec!["s3:failures".into(), "sqs:dlq".into()],
            approximate_invoke_count: 0
        }
    );
}

/// L-ASYNC-ERR: throttles go back to the queue with backoff 1 s, 2 s, 4 s... and do not use up
/// the two function-error retries. Reserved concurrency 1 and three 10 s events at once.
#[test]
fn throttles_back_off_and_do_not_consume_retries() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"\ninvocation_type = \"event\"",
        "reserved_concurrency = 1\ntimeout_s = 30\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 10000 }",
        "[[workload]]\nsource = \"app\"\ncount = 3\n",
    );
    let sim = run(&text, 1);
    assert!(count(&sim, |t| matches!(t, Trace::Throttled { .. })) >= 4);
    for inv in 0..3 {
        assert!(
            matches!(
                disposition(&sim, inv).unwrap().1,
                Disposition::Succeeded { .. }
            ),
            "invocation {inv}"
        );
        assert_eq!(
            attempts(&sim, inv).len(),
            1,
            "throttled tries are not handler runs"
        );
    }
    // Backoff of one invocation doubles: 1 s, 2 s, 4 s, ...
    let waits: Vec<u64> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::RetryScheduled {
                inv,
                due,
                reason: RetryReason::Throttled,
                ..
            } if inv.0 == 2 => Some(due.since(e.at)),
            _ => None,
        })
        .collect();
    assert!(waits.len() >= 2, "{waits:?}");
    for w in waits.windows(2) {
        assert_eq!(w[1], (w[0] * 2).min(300_000));
    }
    assert_eq!(waits[0], 1000);
    assert_eq!(
        count(&sim, |t| matches!(
            t,
            Trace::RetryScheduled {
                reason: RetryReason::FunctionError,
                ..
            }
        )),
        0
    );
}

/// L-ASYNC-ERR: throttle backoff caps at 5 minutes.
#[test]
fn throttle_backoff_caps_at_five_minutes() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"\ninvocation_type = \"event\"",
        "",
        "[async]\nmaximum_event_age_s = 3600\n\n[[workload]]\nsource = \"app\"\n",
    );
    let mut sim = lambdascope_sim::Sim::new(&scenario(&text), 1);
    sim.apply(Input::Throttle { for_ms: 4_000_000 });
    sim.run();
    let waits: Vec<u64> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::RetryScheduled {
                due,
                reason: RetryReason::Throttled,
                ..
            } => Some(due.since(e.at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        &waits[..10],
        &[1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000]
    );
    assert!(waits.iter().all(|w| *w <= 300_000));
    // The hour runs out while throttled: EventAgeExceeded, zero runs.
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::Discarded {
            condition: FailureCondition::EventAgeExceeded,
            approximate_invoke_count: 0
        }
    );
}

/// L-ASYNC-REC: an on-success destination receives a record after a successful run.
#[test]
fn on_success_destination_gets_a_record() {
    let sim = run(
        &custom_event(
            "",
            "on_success = { kind = \"event_bridge\", name = \"audit\" }",
        ),
        1,
    );
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::Succeeded {
            status: None,
            destination: Some("event_bridge:audit".into())
        }
    );
}

/// L-INVOKE: asynchronous payloads over 1 MB are refused with 413; 900 KB is fine.
#[test]
fn async_payload_limit_is_1_mb() {
    let big = one_source(
        "kind = \"custom\"\nid = \"app\"\ninvocation_type = \"event\"",
        "",
        "[[workload]]\nsource = \"app\"\npayload_bytes = 1100000\n",
    );
    assert_eq!(
        disposition(&run(&big, 1), 0).unwrap().1,
        Disposition::ErrorReturned {
            status: 413,
            error: "RequestTooLargeException".into()
        }
    );
    let ok = big.replace("1100000", "900000");
    assert!(matches!(
        disposition(&run(&ok, 1), 0).unwrap().1,
        Disposition::Succeeded { .. }
    ));
}

/// L-ASYNC / L-INVOKE: Event invoke answers 202 right after queueing.
#[test]
fn event_invoke_gets_202_before_the_function_runs() {
    let sim = run(&custom_event("", ""), 1);
    let accepted = first_at(&sim, |t| {
        matches!(
            t,
            Trace::Sent {
                message: Message::Accepted,
                ..
            }
        )
    })
    .unwrap();
    let started = first_at(&sim, |t| matches!(t, Trace::AttemptStarted { .. })).unwrap();
    assert_eq!(accepted.as_ms(), HOP);
    assert!(accepted < started);
}

/// S3-NOTIF: at-least-once — with duplicate_probability 1 every object event runs the handler twice.
#[test]
fn s3_duplicates_run_the_handler_twice() {
    let text = one_source(
        "kind = \"s3\"\nid = \"uploads\"\nduplicate_probability = 1.0",
        "",
        "[[workload]]\nsource = \"uploads\"\ncount = 4\n",
    );
    let sim = run(&text, 9);
    assert_eq!(sim.totals().events, 4);
    assert_eq!(sim.totals().duplicates, 4);
    assert_eq!(sim.totals().handler_runs, 8);
    let report = lambdascope_sim::report::Report::build(
        sim.scenario(),
        sim.topology(),
        9,
        sim.horizon(),
        sim.trace(),
        sim.totals(),
    );
    assert!(report
        .invocations
        .iter()
        .all(|r| r.handler_runs_for_event == 2));
    // The S3 delivery delay applies before the event reaches Lambda.
    let first_event = first_at(&sim, |t| {
        matches!(
            t,
            Trace::Sent {
                message: Message::Event,
                ..
            }
        )
    })
    .unwrap();
    assert_eq!(first_event.as_ms(), 1000);
}

/// L-ASYNC-ERR: the internal queue itself may deliver twice although nothing failed.
#[test]
fn internal_queue_duplicates_are_counted() {
    let sim = run(&custom_event("", "duplicate_probability = 1.0"), 2);
    assert_eq!(sim.totals().duplicates, 1);
    assert_eq!(sim.totals().handler_runs, 2);
}

/// SNS-RETRY: while Lambda cannot be reached SNS retries on its fixed policy (3 immediate,
/// then 1 s apart...), and once Lambda accepts, Lambda's queue takes over.
#[test]
fn sns_retries_delivery_only_while_lambda_is_unreachable() {
    let text = one_source(
        "kind = \"sns\"\nid = \"topic\"\nunreachable_for_ms = 2500",
        "behaviour = { kind = \"throw\" }",
        "[async]\nmaximum_retry_attempts = 1\n\n[[workload]]\nsource = \"topic\"\n",
    );
    let sim = run(&text, 1);
    let fails: Vec<u64> = sim
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, Trace::DeliveryFailed { .. }))
        .map(|e| e.at.as_ms())
        .collect();
    // Tries 1–4 immediately (each one hop), 5 and 6 one second apart; try 7 lands after 2.5 s.
    assert_eq!(fails, vec![40, 80, 120, 160, 1200, 2240]);
    assert!(
        first_at(&sim, |t| matches!(t, Trace::Enqueued { .. }))
            .unwrap()
            .as_ms()
            > 2500
    );
    // The function error is Lambda's business: 2 runs (1 retry), not SNS's.
    assert_eq!(attempts(&sim, 0).len(), 2);
}

/// EB-RETRY / EB-RP: EventBridge's target DLQ receives events it could not deliver — and never a
/// function error, which Lambda's own retries and DLQ handle.
#[test]
fn eventbridge_dlq_only_for_delivery_failures() {
    let unreachable = one_source(
        "kind = \"event_bridge\"\nid = \"bus\"\nmaximum_retry_attempts = 3\nunreachable_for_ms = 86400000\ndead_letter_queue = \"eb-dlq\"",
        "",
        "[[workload]]\nsource = \"bus\"\n",
    );
    let sim = run(&unreachable, 4);
    assert_eq!(
        count(&sim, |t| matches!(t, Trace::DeliveryFailed { .. })),
        4,
        "1 try + 3 retries"
    );
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::SentToFailureTarget {
            condition: FailureCondition::DeliveryRetriesExhausted,
            targets: vec!["sqs:eb-dlq".into()],
            approximate_invoke_count: 0
        }
    );
    let failing_function = one_source(
        "kind = \"event_bridge\"\nid = \"bus\"\ndead_letter_queue = \"eb-dlq\"",
        "behaviour = { kind = \"throw\" }",
        "[async]\ndead_letter_queue = { kind = \"sqs\", name = \"fn-dlq\" }\n\n[[workload]]\nsource = \"bus\"\n",
    );
    let sim = run(&failing_function, 4);
    assert_eq!(attempts(&sim, 0).len(), 3);
    match disposition(&sim, 0).unwrap().1 {
        Disposition::SentToFailureTarget { targets, .. } => {
            assert_eq!(targets, vec!["sqs:fn-dlq".to_string()])
        }
        d => panic!("{d:?}"),
    }
}

/// EB-API: maximum_event_age_s bounds EventBridge's delivery retries too.
#[test]
fn eventbridge_max_age_bounds_delivery_retries() {
    let text = one_source(
        "kind = \"event_bridge\"\nid = \"bus\"\nmaximum_event_age_s = 60\nunreachable_for_ms = 86400000",
        "",
        "[[workload]]\nsource = \"bus\"\n",
    );
    let sim = run(&text, 4);
    let (at, d) = disposition(&sim, 0).unwrap();
    assert!(at <= 60_000 + 40, "{at}");
    assert_eq!(
        d,
        Disposition::Discarded {
            condition: FailureCondition::DeliveryRetriesExhausted,
            approximate_invoke_count: 0
        }
    );
}

/// `function.poison_items` outside polling: the event with that number fails every attempt (a
/// notification the handler cannot process) and the others succeed. Asynchronously it is retried
/// twice and dead-lettered (L-ASYNC-ERR, L-ASYNC-REC); synchronously its caller gets the error
/// once and nobody retries (L-INVOKE, L-APIGW-ERR).
#[test]
fn a_poison_event_fails_every_attempt_and_only_it() {
    let text = one_source(
        "kind = \"s3\"\nid = \"up\"",
        "poison_items = [1]",
        "[async]\ndead_letter_queue = { kind = \"sqs\", name = \"dlq\" }\n\n[[workload]]\nsource = \"up\"\nrepeat = 3\nevery_ms = 1000\n",
    );
    let sim = run(&text, 1);
    assert_eq!(attempts(&sim, 0).len(), 1);
    assert_eq!(
        attempts(&sim, 1).len(),
        3,
        "the poison event: the first attempt and two retries"
    );
    assert!(attempts(&sim, 1)
        .iter()
        .all(|a| matches!(a.2, AttemptOutcome::FunctionError { .. })));
    assert_eq!(attempts(&sim, 2).len(), 1);
    assert!(matches!(
        disposition(&sim, 0).unwrap().1,
        Disposition::Succeeded { .. }
    ));
    assert!(matches!(
        disposition(&sim, 1).unwrap().1,
        Disposition::SentToFailureTarget {
            approximate_invoke_count: 3,
            ..
        }
    ));
    assert!(matches!(
        disposition(&sim, 2).unwrap().1,
        Disposition::Succeeded { .. }
    ));

    let text = one_source(
        "kind = \"api_gateway\"\nid = \"api\"",
        "poison_items = [1]",
        "[[workload]]\nsource = \"api\"\nrepeat = 3\nevery_ms = 1000\n",
    );
    let sim = run(&text, 1);
    assert_eq!(
        (
            attempts(&sim, 0).len(),
            attempts(&sim, 1).len(),
            attempts(&sim, 2).len()
        ),
        (1, 1, 1)
    );
    assert!(matches!(
        disposition(&sim, 1).unwrap().1,
        Disposition::ErrorReturned { status: 502, .. }
    ));
    assert!(matches!(
        disposition(&sim, 2).unwrap().1,
        Disposition::Succeeded {
            status: Some(200),
            ..
        }
    ));
}

/// L-ASYNC-CFG, regression (found by the property test): a retry due just inside the maximum age
/// reaches the function one hop later, just outside it. That attempt must not run.
#[test]
fn a_retry_that_would_start_past_the_maximum_age_does_not_run() {
    // Accepted at 40 ms; attempt 1 starts at 180 ms and fails at 1,020 ms; the retry is due 59 s
    // later (age 59,980 ms ≤ 60 s) but would start at age 60,020 ms.
    let text = custom_event(
        "behaviour = { kind = \"throw\" }\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 840 }",
        "maximum_event_age_s = 60\nretry_delays_s = [59, 120]",
    );
    let sim = run(&text, 1);
    assert_eq!(attempts(&sim, 0).len(), 1);
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::Discarded {
            condition: FailureCondition::EventAgeExceeded,
            approximate_invoke_count: 1
        }
    );
}

/// Issue 15 item 5 (EB-RETRY [D]: "up to 24 hours and up to 185 times"): an event EventBridge
/// cannot deliver is retried with exponential backoff and jitter, and with the default backoff
/// its 185 retries spread over about a day — they used to be spent in about 2.3 h.
#[test]
fn eventbridge_delivery_retries_spread_over_about_a_day() {
    let text = r#"
format_version = 1
id = "t"
title = "test"
horizon_s = 100000
[[sources]]
kind = "event_bridge"
id = "bus"
bus = "b"
unreachable_for_ms = 200000000
[[workload]]
source = "bus"
"#;
    for seed in 1..=5 {
        let sim = run(text, seed);
        let tries: Vec<u64> = sim
            .trace()
            .iter()
            .filter(|e| matches!(e.kind, Trace::DeliveryFailed { .. }))
            .map(|e| e.at.as_ms())
            .collect();
        assert_eq!(
            tries.len(),
            186,
            "seed {seed}: the first try and 185 retries"
        );
        let (at, d) = disposition(&sim, 0).expect("given up");
        assert!(
            matches!(
                d,
                Disposition::Discarded {
                    condition: FailureCondition::DeliveryRetriesExhausted,
                    ..
                }
            ),
            "{d:?}"
        );
        let hours = at as f64 / 3_600_000.0;
        assert!(
            (20.0..=24.0).contains(&hours),
            "seed {seed}: gave up after {hours:.1} h"
        );
        // Exponential at first (each wait about double the last, within the jitter), then capped.
        let waits: Vec<u64> = tries.windows(2).map(|w| w[1] - w[0]).collect();
        // (Each wait also holds the message's hop to Lambda.)
        assert!(waits[0] <= 1_200 && waits[5] >= 16_000, "{:?}", &waits[..8]);
        assert!(waits.iter().all(|w| *w <= 640_200), "capped at 640 s");
    }
}

/// Issue 15 item 1 (L-ASYNC-ERR [D], §2: throttled events back off up to 5 min and complete while
/// younger than the maximum age): a backlog of n events against reserved concurrency c keeps c
/// environments busy until it is gone — freed concurrency goes to the oldest waiting event at once
/// instead of every event retrying in lockstep on the same backoff — and nothing that had time to
/// run expires.
#[test]
fn a_throttled_backlog_drains_at_full_concurrency() {
    for (c, n, d_ms) in [(2u64, 20u64, 2_000u64), (3, 30, 1_000), (5, 40, 2_500)] {
        for seed in 1..=3 {
            let text = format!(
                r#"
format_version = 1
id = "t"
title = "test"
horizon_s = 3600
[function]
duration = {{ distribution = "fixed", ms = {d_ms} }}
reserved_concurrency = {c}
[async]
maximum_event_age_s = 300
[[sources]]
kind = "custom"
id = "app"
invocation_type = "event"
[[workload]]
source = "app"
count = {n}
"#
            );
            let sim = run(&text, seed);
            let label = format!("c={c} n={n} d={d_ms} seed {seed}");
            // Everything ran and succeeded: the backlog needed about n·d/c, well under 300 s.
            assert_eq!(sim.totals().succeeded, n, "{label}");
            assert_eq!(sim.totals().handler_runs, n, "{label}");
            // Concurrency in use, from the trace: +1 at each start, −1 at each end.
            let mut steps: Vec<(u64, i64)> = Vec::new();
            for e in sim.trace() {
                if let Trace::AttemptStarted { ends, .. } = &e.kind {
                    steps.push((e.at.as_ms(), 1));
                    steps.push((ends.as_ms(), -1));
                }
            }
            steps.sort();
            let last_start = sim
                .trace()
                .iter()
                .filter(|e| matches!(e.kind, Trace::AttemptStarted { .. }))
                .map(|e| e.at.as_ms())
                .max()
                .unwrap();
            // Time at full concurrency between the first start and the last start.
            let (mut busy, mut full_ms, mut prev) = (0i64, 0u64, steps[0].0);
            for (t, delta) in &steps {
                let t = (*t).min(last_start);
                if busy == c as i64 {
                    full_ms += t - prev;
                }
                prev = t;
                busy += delta;
            }
            let span = last_start - steps[0].0;
            assert!(
                full_ms * 10 >= span * 8,
                "{label}: at full concurrency {full_ms} of {span} ms"
            );
            // And the last run starts about when n·d/c says (plus Init and hops), not minutes later.
            let ideal = (n / c - 1) * d_ms;
            assert!(
                last_start <= ideal + ideal / 4 + 3_000,
                "{label}: last start {last_start} ms, ideal {ideal}"
            );
        }
    }
}
