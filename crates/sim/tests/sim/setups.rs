//! Setups the format could not express before issue 15 (round 2 of the core): an Init longer than
//! 10 s, other functions holding part of the account's concurrency, an SNS subscription's own
//! DLQ after its ~23-day delivery policy, S3's occasional late notification, and FIFO partial
//! batch failures per message group. Exact simulated times where the rows give them.

use crate::common::*;
use lambdascope_sim::trace::*;

fn custom_call(function: &str) -> String {
    one_source(
        "kind = \"custom\"\nid = \"app\"",
        function,
        "[[workload]]\nsource = \"app\"\n",
    )
}

/// L-ENV: an Init over 10 s is stopped at 10 s and run again inside the first invoke, where it
/// counts against the function timeout. The call reaches the function at 40 ms (one hop); Init
/// shows 10 s; the invoke then holds the repeated 15 s Init and the 200 ms handler.
#[test]
fn init_over_ten_seconds_is_retried_inside_the_first_invoke() {
    let sim = run(&custom_call("timeout_s = 30\ninit_ms = 15000"), 1);
    let init_ends = sim.trace().iter().find_map(|e| match &e.kind {
        Trace::AttemptStarted {
            cold: true,
            init_ends,
            ..
        } => Some(init_ends.as_ms()),
        _ => None,
    });
    assert_eq!(init_ends, Some(40 + 10_000));
    assert_eq!(
        attempts(&sim, 0),
        vec![(40, 40 + 10_000 + 15_000 + 200, AttemptOutcome::Succeeded)]
    );
    // Under a 12 s timeout the repeated Init leaves no time: the invoke times out.
    let sim = run(&custom_call("timeout_s = 12\ninit_ms = 15000"), 1);
    assert_eq!(
        attempts(&sim, 0),
        vec![(40, 40 + 10_000 + 12_000, AttemptOutcome::TimedOut)]
    );
    // Up to 10 s, Init is its own phase and does not count against the timeout.
    let sim = run(&custom_call("timeout_s = 1\ninit_ms = 9000"), 1);
    assert_eq!(
        attempts(&sim, 0),
        vec![(40, 40 + 9_000 + 200, AttemptOutcome::Succeeded)]
    );
}

/// L-RESERVED: without a reservation the function shares the account's unreserved pool with the
/// account's other functions; with one, what they use does not matter.
#[test]
fn other_functions_shrink_the_unreserved_pool() {
    let burst = |function: &str| {
        one_source(
            "kind = \"custom\"\nid = \"app\"\nsdk_max_attempts = 1",
            &format!("{function}\ntimeout_s = 60\nduration = {{ distribution = \"fixed\", ms = 30000 }}"),
            "[account]\nconcurrency = 1000\nother_functions_concurrency = 990\n\n[[workload]]\nsource = \"app\"\ncount = 25\n",
        )
    };
    let sim = run(&burst(""), 1);
    assert_eq!(sim.totals().peak_concurrency, 10);
    assert_eq!(
        count(&sim, |t| matches!(
            t,
            Trace::Throttled {
                reason: ThrottleReason::ConcurrentInvocationLimitExceeded,
                ..
            }
        )),
        15
    );
    // A reservation of 10 is the function's own, whatever the others use (they may hold up to
    // 1000 − 10 = 990 of the rest).
    let sim = run(&burst("reserved_concurrency = 10"), 1);
    assert_eq!(sim.totals().peak_concurrency, 10);
    assert!(sim.scenario().file.account.other_functions_concurrency == 990);
    // Others holding more than the reservation leaves are refused by name.
    let err = lambdascope_sim::Scenario::parse(
        "t.toml",
        &burst("reserved_concurrency = 20").replace("= 990", "= 995"),
    )
    .unwrap_err();
    assert_eq!(err.errors[0].field, "account.other_functions_concurrency");
}

/// SNS-RETRY: SNS retries a server-side delivery failure 100,015 times over about 23 days, then
/// drops the message — unless the subscription has a DLQ, which then receives it. A 24-day run
/// (horizons go to 30 days now) shows the policy end.
#[test]
fn sns_subscription_dlq_receives_what_the_delivery_policy_gave_up_on() {
    let text = |dlq: &str| {
        format!(
            r#"
format_version = 1
id = "t"
title = "test"
horizon_s = {}

[[sources]]
kind = "sns"
id = "topic"
unreachable_for_ms = {}
{dlq}

[[workload]]
source = "topic"
"#,
            24 * 86_400,
            25 * 86_400_000u64
        )
    };
    let sim = run(&text("dead_letter_queue = \"undelivered\""), 1);
    let tries = count(&sim, |t| matches!(t, Trace::DeliveryFailed { .. }));
    assert_eq!(
        tries, 100_015,
        "every attempt of the delivery policy failed"
    );
    let (at, d) = disposition(&sim, 0).expect("disposed");
    match d {
        Disposition::SentToFailureTarget { targets, .. } => {
            assert_eq!(targets, vec!["sqs:undelivered".to_string()])
        }
        other => panic!("{other:?}"),
    }
    let days = at as f64 / 86_400_000.0;
    assert!((22.5..23.5).contains(&days), "{days} days");
    assert!(sim
        .topology()
        .nodes
        .iter()
        .any(|n| n.key == "sns_dlq:topic" && n.label == "Subscription DLQ"));
    // Without a DLQ the message is dropped when the policy ends: one hop before the record
    // would have reached the DLQ.
    let sim = run(&text(""), 1);
    let (dropped_at, d) = disposition(&sim, 0).expect("disposed");
    assert!(matches!(d, Disposition::Discarded { .. }), "{d:?}");
    assert_eq!(dropped_at + 40, at);
}

/// S3-NOTIF: notifications arrive "typically within seconds, sometimes a minute or longer". With
/// the late chance at 1 every notification takes the late delay; at 0 none does; in between,
/// about that share of them.
#[test]
fn s3_notifications_are_sometimes_a_minute_late() {
    let text = |p: &str, count: u32| {
        one_source(
            &format!("kind = \"s3\"\nid = \"up\"\ndelivery_delay_ms = 1000\nlate_delivery_probability = {p}\nlate_delivery_delay_ms = 75000"),
            "",
            &format!("[[workload]]\nsource = \"up\"\ncount = {count}\n"),
        )
    };
    let reached = |sim: &lambdascope_sim::Sim| -> Vec<u64> {
        sim.trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::AttemptStarted { .. } => Some(e.at.as_ms()),
                _ => None,
            })
            .collect()
    };
    let on_time = run(&text("0.0", 1), 1);
    let late = run(&text("1.0", 1), 1);
    let (a, b) = (reached(&on_time)[0], reached(&late)[0]);
    assert_eq!(
        b - a,
        75_000 - 1_000,
        "the late one waits 75 s instead of 1 s"
    );
    let mixed = run(&text("0.1", 400), 7);
    let late_count = reached(&mixed).iter().filter(|t| **t >= 75_000).count();
    assert!((20..=60).contains(&late_count), "{late_count} of 400 late");
}

/// L-SQS-ERR / L-PBR: a FIFO handler that fails a message group reports that group's messages in
/// the batch (the failed one and every later one of its group); the other groups' messages
/// succeed and are deleted at once instead of being held back behind an unrelated failure.
#[test]
fn fifo_partial_batch_failure_reports_only_the_failing_group() {
    let text = one_source(
        "kind = \"sqs\"\nid = \"q\"\nqueue = \"orders.fifo\"\nfifo = true\nmessage_groups = 3\nbatch_size = 10\nfunction_response_types = [\"ReportBatchItemFailures\"]\nmax_receive_count = 2\ndead_letter_queue = \"orders-dlq.fifo\"",
        "poison_groups = [1]\non_item_failure = \"report\"",
        "[[workload]]\nsource = \"q\"\ncount = 6\n",
    );
    let sim = run(&text, 1);
    // Messages #0…#5 (invocations 0…5) are in groups g0, g1, g2, g0, g1, g2.
    let ended = |inv: u32| disposition(&sim, inv).expect("disposed");
    let first_delete = ended(0).0;
    for inv in [0, 2, 3, 5] {
        let (at, d) = ended(inv);
        assert!(matches!(d, Disposition::Deleted { .. }), "#{inv}: {d:?}");
        assert_eq!(at, first_delete, "deleted with the first batch");
    }
    for inv in [1, 4] {
        let (at, d) = ended(inv);
        assert!(matches!(d, Disposition::MovedToDlq { .. }), "#{inv}: {d:?}");
        assert!(at > first_delete + 30_000, "after a visibility timeout");
    }
}
