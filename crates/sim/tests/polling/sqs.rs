//! Standard SQS queues: batches, visibility timeout, redrive to the DLQ, partial batch responses,
//! the pollers' backoff and ramp, retention (§3b).

use super::*;

/// L-SQS-CFG: Lambda deletes the messages after the batch succeeds; L-ESM: one batch is one
/// synchronous invocation; L-SQS-PARAM: batch size 10 by default.
#[test]
fn happy_path_one_batch_then_deleted() {
    let sim = run(
        &one(60, "", SQS, "[[workload]]\nsource = \"q\"\ncount = 5"),
        1,
    );
    let b = batches(&sim);
    assert_eq!(
        b.len(),
        1,
        "5 messages sent together form one batch of up to 10"
    );
    assert_eq!(b[0].0, 0);
    assert_eq!(b[0].2, vec![(0, 1), (1, 1), (2, 1), (3, 1), (4, 1)]);
    assert_eq!(
        times(&sim, |k| matches!(k, Trace::AttemptStarted { .. })),
        vec![80]
    );
    for ev in 0..5 {
        assert_eq!(
            disposed(&sim, ev),
            Some((
                660,
                Disposition::Deleted {
                    receive_count: 1,
                    failure_ignored: false
                }
            ))
        );
    }
    assert_eq!(sim.totals().batches, 1);
    assert_eq!(sim.totals().handler_runs, 1);
}

/// L-SQS-CFG: any error in a batch (no partial response) makes every message of it visible
/// again after the visibility timeout (30 s default, SQS-API), with a higher receive count.
#[test]
fn failed_batch_comes_back_whole_after_visibility_timeout() {
    let sim = run(
        &one(
            100,
            "poison_items = [1]",
            SQS,
            "[[workload]]\nsource = \"q\"\ncount = 3",
        ),
        1,
    );
    let back = |t: u64| {
        sim.trace()
            .iter()
            .filter(|e| e.at.as_ms() == t && matches!(e.kind, Trace::VisibleAgain { .. }))
            .count()
    };
    assert_eq!((back(30_000), back(60_000), back(90_000)), (3, 3, 3));
    let b = batches(&sim);
    assert_eq!(
        b.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![0, 30_000, 60_000, 90_000]
    );
    assert_eq!(
        b[1].2,
        vec![(0, 2), (1, 2), (2, 2)],
        "same messages, receive 2"
    );
    assert_eq!(
        count(&sim, |k| matches!(k, Trace::Disposed { .. })),
        0,
        "no redrive policy: nothing is deleted or moved"
    );
}

/// L-SQS-CFG: SQS (not Lambda) moves a message to the queue's DLQ when a receive would take it
/// past maxReceiveCount: three failed receives at 0, 30 s, 60 s, moved at 90 s.
#[test]
fn poison_message_reaches_the_dlq_after_max_receive_count() {
    let src =
        format!("{SQS}\nbatch_size = 1\nmax_receive_count = 3\ndead_letter_queue = \"orders-dlq\"");
    let sim = run(
        &one(
            200,
            "poison_items = [2]",
            &src,
            "[[workload]]\nsource = \"q\"\ncount = 4",
        ),
        1,
    );
    assert_eq!(
        disposed(&sim, 2),
        Some((
            90_000,
            Disposition::MovedToDlq {
                dlq: "orders-dlq".into(),
                receive_count: 3
            }
        ))
    );
    let poison: Vec<(u64, u32)> = batches(&sim)
        .into_iter()
        .filter(|b| b.2[0].0 == 2)
        .map(|b| (b.0, b.2[0].1))
        .collect();
    assert_eq!(poison, vec![(0, 1), (30_000, 2), (60_000, 3)]);
    for ev in [0, 1, 3] {
        assert_eq!(
            disposed(&sim, ev),
            Some((
                660,
                Disposition::Deleted {
                    receive_count: 1,
                    failure_ignored: false
                }
            ))
        );
    }
    // The DLQ node receives the message as a token.
    let dlq = sim.topology().by_key("dlq:q").expect("queue DLQ node").id;
    assert_eq!(
        count(
            &sim,
            |k| matches!(k, Trace::Sent { to, message: Message::ToDeadLetterQueue, .. } if *to == dlq)
        ),
        1
    );
}

/// L-SQS-ERR: with ReportBatchItemFailures only the listed messages return to the queue.
#[test]
fn partial_batch_response_returns_only_the_failed_message() {
    let src = format!("{SQS}\n{RBIF}\nmax_receive_count = 2\ndead_letter_queue = \"dlq\"");
    let sim = run(
        &one(
            120,
            "poison_items = [2]\non_item_failure = \"report\"",
            &src,
            "[[workload]]\nsource = \"q\"\ncount = 5",
        ),
        1,
    );
    let reported: Vec<(u64, bool)> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::ItemFailuresReported {
                items, honoured, ..
            } => Some((e.at.as_ms(), *honoured))
                .filter(|_| items.len() == 1 && items[0].event.0 == 2),
            _ => None,
        })
        .collect();
    assert_eq!(
        reported,
        vec![(620, true), (30_320, true)],
        "the second run is warm: no Init"
    );
    for ev in [0, 1, 3, 4] {
        assert_eq!(
            disposed(&sim, ev),
            Some((
                660,
                Disposition::Deleted {
                    receive_count: 1,
                    failure_ignored: false
                }
            ))
        );
    }
    assert_eq!(
        batches(&sim)
            .iter()
            .map(|b| (b.0, b.2.clone()))
            .collect::<Vec<_>>(),
        vec![
            (0, vec![(0, 1), (1, 1), (2, 1), (3, 1), (4, 1)]),
            (30_000, vec![(2, 2)])
        ]
    );
    assert_eq!(
        disposed(&sim, 2),
        Some((
            60_000,
            Disposition::MovedToDlq {
                dlq: "dlq".into(),
                receive_count: 2
            }
        ))
    );
    // With RBIF on Lambda does not scale down on function failure (L-SQS-ERR).
    assert_eq!(
        count(&sim, |k| matches!(
            k,
            Trace::PollersScaled {
                reason: ScaleReason::FunctionError,
                ..
            }
        )),
        0
    );
}

/// L-PBR: a returned batchItemFailures list is ignored unless ReportBatchItemFailures is on:
/// the batch counts as a success and the "failed" message is deleted — silently lost.
#[test]
fn returned_failures_without_the_setting_are_silently_lost() {
    let sim = run(
        &one(
            120,
            "poison_items = [2]\non_item_failure = \"report\"",
            SQS,
            "[[workload]]\nsource = \"q\"\ncount = 5",
        ),
        1,
    );
    assert_eq!(
        count(&sim, |k| matches!(
            k,
            Trace::ItemFailuresReported {
                honoured: false,
                ..
            }
        )),
        1
    );
    assert_eq!(
        disposed(&sim, 2),
        Some((
            660,
            Disposition::Deleted {
                receive_count: 1,
                failure_ignored: true
            }
        ))
    );
    for ev in [0, 1, 3, 4] {
        assert_eq!(
            disposed(&sim, ev),
            Some((
                660,
                Disposition::Deleted {
                    receive_count: 1,
                    failure_ignored: false
                }
            ))
        );
    }
    assert_eq!(sim.totals().batches, 1, "nothing comes back");
}

/// L-SQS-ERR: a function error (without RBIF) makes Lambda lower the mapping's concurrency;
/// [U] by `error_backoff_percent` (50 %), never below 2 (L-SQS-SCALE).
#[test]
fn function_error_backs_off_the_mapping() {
    let sim = run(
        &one(
            20,
            "behaviour = { kind = \"throw\" }",
            &format!("{SQS}\nbatch_size = 1"),
            "[[workload]]\nsource = \"q\"\ncount = 3",
        ),
        1,
    );
    let scaled: Vec<(u64, u32, ScaleReason)> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::PollersScaled {
                concurrency,
                reason,
                ..
            } => Some((e.at.as_ms(), *concurrency, *reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        scaled,
        vec![
            (0, 5, ScaleReason::Initial),
            (620, 2, ScaleReason::FunctionError)
        ]
    );
}

/// L-SQS-SCALE / L-SQS-CFG: 5 concurrent batches at first, up to 300 more each minute while
/// messages wait, up to the ceiling: [U] 1,250 by default (§9.1).
#[test]
fn pollers_ramp_from_5_by_300_a_minute_to_the_cap() {
    let function = "timeout_s = 25\nduration = { distribution = \"fixed\", ms = 20000 }";
    let text = one(
        330,
        "",
        &format!("{SQS}\nbatch_size = 1\nvisibility_timeout_s = 150"),
        "[[workload]]\nsource = \"q\"\ncount = 30000",
    )
    .replace(
        "duration = { distribution = \"fixed\", ms = 200 }\n",
        &format!("{function}\n"),
    )
    .replace("[function]", "[account]\nconcurrency = 5000\n[function]");
    let sim = run(&text, 1);
    let scaled: Vec<(u64, u32)> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::PollersScaled { concurrency, .. } => Some((e.at.as_ms(), *concurrency)),
            _ => None,
        })
        .collect();
    assert_eq!(
        scaled,
        vec![
            (0, 5),
            (60_000, 305),
            (120_000, 605),
            (180_000, 905),
            (240_000, 1205),
            (300_000, 1250)
        ]
    );
    assert_eq!(sim.totals().throttles, 0);
    assert!(sim.totals().peak_concurrency <= 1250);
    assert!(
        sim.totals().peak_concurrency > 1205,
        "the cap is reached: {}",
        sim.totals().peak_concurrency
    );
}

/// L-SCALINGCFG: MaximumConcurrency caps the mapping's concurrent invokes.
#[test]
fn maximum_concurrency_caps_the_ramp() {
    let text = one(
        200,
        "timeout_s = 25",
        &format!("{SQS}\nbatch_size = 1\nmaximum_concurrency = 12\nvisibility_timeout_s = 150"),
        "[[workload]]\nsource = \"q\"\ncount = 3000",
    )
    .replace("ms = 200 }", "ms = 20000 }");
    let sim = run(&text, 1);
    let scaled: Vec<u32> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::PollersScaled { concurrency, .. } => Some(*concurrency),
            _ => None,
        })
        .collect();
    assert_eq!(scaled, vec![5, 12]);
    assert_eq!(sim.totals().peak_concurrency, 12);
}

/// L-SQS-ERR: a throttled batch is retried with backoff until its visibility timeout would
/// run out; then Lambda lets go and the message returns with a higher receive count (KC-SQS:
/// mappings ignore reserved concurrency when polling, so they get throttled).
#[test]
fn throttled_batch_returns_after_the_visibility_timeout_with_a_higher_receive_count() {
    let text = one(
        60,
        "timeout_s = 19\nreserved_concurrency = 1",
        &format!("{SQS}\nbatch_size = 1\nvisibility_timeout_s = 20"),
        "[[workload]]\nsource = \"q\"\ncount = 2",
    )
    .replace("ms = 200 }", "ms = 18000 }");
    let sim = run(&text, 1);
    // Batch of #0 runs 80 → 18 380; #1's batch is refused at 80, then re-sent 1, 2, 4, 8 s after
    // each 429 reaches the mapping (refused at 1 160, 3 240, 7 320, 15 400); the next wait
    // (16 s) would end after the visibility timeout (20 s), so Lambda lets go.
    assert_eq!(
        times(&sim, |k| matches!(k, Trace::Throttled { .. })),
        vec![80, 1160, 3240, 7320, 15_400]
    );
    assert_eq!(
        count(&sim, |k| matches!(
            k,
            Trace::RetryScheduled {
                reason: RetryReason::EsmThrottled,
                ..
            }
        )),
        4
    );
    let back = sim
        .trace()
        .iter()
        .find(|e| matches!(e.kind, Trace::VisibleAgain { event, .. } if event.0 == 1))
        .unwrap();
    assert_eq!(back.at.as_ms(), 20_000);
    assert_eq!(
        disposed(&sim, 0),
        Some((
            18_460,
            Disposition::Deleted {
                receive_count: 1,
                failure_ignored: false
            }
        ))
    );
    assert_eq!(
        disposed(&sim, 1),
        Some((
            20_000 + 40 + 40 + 18_000 + 40 + 40,
            Disposition::Deleted {
                receive_count: 2,
                failure_ignored: false
            }
        ))
    );
    assert_eq!(
        sim.totals().handler_runs,
        2,
        "a throttled batch never ran the handler"
    );
}

/// L-ESM: with a batching window the batch goes when the window ends (or it is full).
#[test]
fn batching_window_collects_messages_until_it_ends() {
    let src = format!("{SQS}\nbatch_size = 100\nmaximum_batching_window_s = 2");
    let sim = run(&one(30, "", &src, "[[workload]]\nsource = \"q\"\ncount = 5\n[[workload]]\nsource = \"q\"\ncount = 5\nat_ms = 1000"), 1);
    let b = batches(&sim);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].0, b[0].2.len()), (2000, 10));
    assert_eq!(disposed(&sim, 9).map(|d| d.0), Some(2660));
}

/// L-ESM: a batch goes out when it reaches 6 MB (not modifiable): 2 MB messages go 3 at a time.
#[test]
fn six_megabyte_cap_splits_batches() {
    let sim = run(
        &one(
            30,
            "",
            SQS,
            "[[workload]]\nsource = \"q\"\ncount = 5\npayload_bytes = 2097152",
        ),
        1,
    );
    let sizes: Vec<(u64, usize)> = batches(&sim).iter().map(|b| (b.0, b.2.len())).collect();
    assert_eq!(sizes, vec![(0, 3), (0, 2)]);
}

/// SQS-API: messages older than the retention period are gone, even while Lambda keeps failing
/// to process them (here reserved concurrency 0 throttles every invoke).
#[test]
fn messages_expire_after_the_retention_period() {
    let sim = run(
        &one(
            100,
            "reserved_concurrency = 0",
            &format!("{SQS}\nmessage_retention_period_s = 60"),
            "[[workload]]\nsource = \"q\"\ncount = 2",
        ),
        1,
    );
    assert_eq!(
        disposed(&sim, 0),
        Some((60_000, Disposition::Expired { age_ms: 60_000 }))
    );
    assert_eq!(
        disposed(&sim, 1),
        Some((60_000, Disposition::Expired { age_ms: 60_000 }))
    );
    assert_eq!(sim.totals().handler_runs, 0);
}

/// The narration names the batch, its receive counts and the message coming back.
#[test]
fn narration_tells_the_story() {
    let sim = run(
        &one(
            40,
            "poison_items = [1]",
            SQS,
            "[[workload]]\nsource = \"q\"\ncount = 3",
        ),
        1,
    );
    let text: Vec<String> = sim
        .trace()
        .iter()
        .enumerate()
        .map(|(i, _)| narrate::sentence(sim.topology(), sim.trace(), i))
        .collect();
    assert!(
        text.iter()
            .any(|s| s.contains("batch of 3 messages: #0, #1, #2")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|s| s.contains("Message #1 becomes visible again") && s.contains("receive 1")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|s| s.contains("#1 (receive 2)")),
        "{text:#?}"
    );
    // A failed batch comes back as a new receive, never as Lambda's retry (L-SQS-ERR): the
    // handler's runs are told as batches and receives, not "Attempt 2 of invocation N".
    assert!(
        text.iter()
            .any(|s| s.contains("receive 2 of message #1")
                && s.contains("fails: the handler throws")),
        "{text:#?}"
    );
    assert!(
        !text
            .iter()
            .any(|s| s.starts_with("Attempt ") || s.contains("Lambda will retry")),
        "{text:#?}"
    );
}
/// The view model: queue counts, the batch as one token carrying its messages, the mapping's
/// concurrency and batches in flight (what the app draws).
#[test]
fn scene_shows_the_queue_the_batch_and_the_mapping() {
    let sim = run(
        &one(
            100,
            "poison_items = [1]",
            SQS,
            "[[workload]]\nsource = \"q\"\ncount = 3",
        ),
        1,
    );
    let tl = Timeline::new(sim.topology().clone(), sim.trace().to_vec());
    let q = sim.topology().by_key("source:q").unwrap().id;
    let esm = sim.topology().by_key("esm:q").unwrap().id;
    let at = |t: u64| tl.scene_at(SimTime(t));
    // Halfway from the queue to the mapping: one token, the whole batch.
    let s = at(20);
    let token = s
        .tokens
        .iter()
        .find(|t| t.from == q && t.to == esm)
        .expect("batch token");
    assert!(matches!(&token.message, Message::Batch { items, try_no: 1 } if items.len() == 3));
    assert!((token.progress_at(20.0) - 0.5).abs() < 1e-6);
    assert_eq!(
        (
            s.nodes[q.0 as usize].visible,
            s.nodes[q.0 as usize].in_flight
        ),
        (0, 3)
    );
    assert_eq!(s.nodes[esm.0 as usize].concurrency_limit, Some(5));
    assert_eq!(
        (s.batches.len(), s.nodes[esm.0 as usize].batches_in_flight),
        (1, 1)
    );
    // Running: the environment runs the batch invocation.
    let s = at(300);
    assert_eq!(s.environments[0].inv, Some(s.batches[0].batch));
    // Answered (failed) at 620: no batch left, messages still invisible until 30 s.
    let s = at(1000);
    assert!(s.batches.is_empty());
    assert_eq!(
        (
            s.nodes[q.0 as usize].visible,
            s.nodes[q.0 as usize].in_flight
        ),
        (0, 3)
    );
    assert_eq!(
        s.nodes[esm.0 as usize].concurrency_limit,
        Some(2),
        "backed off after the error"
    );
    // At 30 s they are visible again and received again in the same instant.
    let s = at(30_000);
    assert_eq!(
        (
            s.nodes[q.0 as usize].visible,
            s.nodes[q.0 as usize].in_flight
        ),
        (0, 3)
    );
    assert_eq!(s.counters.batches, 2);
}
