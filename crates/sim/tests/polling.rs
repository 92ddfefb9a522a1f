//! Event source mappings: SQS standard and FIFO, Kinesis, DynamoDB Streams (fact sheet §3, §9,
//! §11). Every test asserts simulated times and dispositions and names the sheet row it checks.
//!
//! Timing of one batch in these scenarios (hop 40 ms, Init 300 ms, handler 200 ms unless said):
//! polled at `p` → at the mapping `p+40` → at the function `p+80` → (cold: Init until `p+380`)
//! → handler ends `p+580` → answer at the mapping `p+620` → delete at the queue `p+660`.
//!
//! Modules: `sqs` (standard queues), `fifo`, `streams` (Kinesis and DynamoDB), `validation`,
//! `properties` (conservation, ordering, determinism over random scenarios and seeds),
//! `content` (the bundled `sqs-*`, `fifo-*`, `kinesis-*`, `dynamodb-*` stories).

// The purity bans are for the library; tests read the bundled scenario files.
#![allow(clippy::disallowed_methods)]

#[path = "support/content_files.rs"]
mod content_files;
#[path = "support/soak.rs"]
mod soak;

use std::collections::BTreeMap;

use lambdascope_sim::trace::*;
use lambdascope_sim::{narrate, Scenario, Sim, SimTime, Timeline};

fn scenario(text: &str) -> Scenario {
    Scenario::parse("test.toml", text).unwrap_or_else(|e| panic!("invalid test scenario:\n{e}"))
}

fn run(text: &str, seed: u64) -> Sim {
    let mut sim = Sim::new(&scenario(text), seed);
    sim.run();
    sim
}

/// A scenario with one source; `function` and `extra` are TOML fragments.
fn one(horizon_s: u64, function: &str, source: &str, extra: &str) -> String {
    format!(
        "format_version = 1\nid = \"t\"\ntitle = \"t\"\nhorizon_s = {horizon_s}\n[function]\nduration = {{ distribution = \"fixed\", ms = 200 }}\n{function}\n[[sources]]\n{source}\n{extra}\n"
    )
}

/// The invocation of the item with event number `event`.
fn item(sim: &Sim, event: u32) -> InvocationId {
    sim.trace()
        .iter()
        .find_map(|e| match &e.kind {
            Trace::EventCreated { inv, event: ev, .. } if ev.0 == event => Some(*inv),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no event #{event}"))
}

/// (time, disposition) of an item by event number.
fn disposed(sim: &Sim, event: u32) -> Option<(u64, Disposition)> {
    let inv = item(sim, event);
    sim.trace().iter().find_map(|e| match &e.kind {
        Trace::Disposed {
            inv: i,
            disposition,
        } if *i == inv => Some((e.at.as_ms(), disposition.clone())),
        _ => None,
    })
}

/// One polled batch: (time, batch, [(event, delivery)]).
type Polled = (u64, InvocationId, Vec<(u32, u32)>);

/// Every batch, in order.
fn batches(sim: &Sim) -> Vec<Polled> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::BatchPolled { batch, items, .. } => Some((
                e.at.as_ms(),
                *batch,
                items.iter().map(|i| (i.event.0, i.delivery)).collect(),
            )),
            _ => None,
        })
        .collect()
}

fn count(sim: &Sim, pred: impl Fn(&Trace) -> bool) -> usize {
    sim.trace().iter().filter(|e| pred(&e.kind)).count()
}

fn times(sim: &Sim, pred: impl Fn(&Trace) -> bool) -> Vec<u64> {
    sim.trace()
        .iter()
        .filter(|e| pred(&e.kind))
        .map(|e| e.at.as_ms())
        .collect()
}

const SQS: &str = "kind = \"sqs\"\nid = \"q\"\nqueue = \"orders\"";
const RBIF: &str = "function_response_types = [\"ReportBatchItemFailures\"]";

mod sqs {
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
        let src = format!(
            "{SQS}\nbatch_size = 1\nmax_receive_count = 3\ndead_letter_queue = \"orders-dlq\""
        );
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
            text.iter().any(|s| s.contains("receive 2 of message #1")
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
        assert!((token.progress - 0.5).abs() < 1e-6);
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
}

mod fifo {
    use super::*;

    const FIFO: &str = "kind = \"sqs\"\nid = \"q\"\nqueue = \"orders.fifo\"\nfifo = true\nmessage_groups = 2\nbatch_size = 1";

    /// L-SQS-SCALE: order is kept per message group and a failing group is held back — nothing
    /// more is taken from it until its message is handled — while the other group flows.
    #[test]
    fn failing_group_is_held_back_while_the_other_flows() {
        // #0 g0 (fails on its first delivery), #1 g1, #2 g0, #3 g1.
        let f = "flaky_items = [{ item = 0, failures = 1 }]";
        let sim = run(
            &one(120, f, FIFO, "[[workload]]\nsource = \"q\"\ncount = 4"),
            1,
        );
        let first = |ev: u32| {
            batches(&sim)
                .iter()
                .find(|b| b.2.iter().any(|i| i.0 == ev))
                .map(|b| b.0)
                .unwrap()
        };
        assert_eq!((first(0), first(1)), (0, 0), "one batch per group at once");
        // g1 flows: #1 deleted at 660, then #3 is taken (warm environment: 360 ms round trip).
        assert_eq!(disposed(&sim, 1).unwrap().0, 660);
        assert_eq!(first(3), 660);
        assert_eq!(disposed(&sim, 3).unwrap().0, 660 + 360);
        // g0 waits for #0's visibility timeout (30 s), #0 succeeds on receive 2, and only then #2.
        assert_eq!(
            disposed(&sim, 0),
            Some((
                30_360,
                Disposition::Deleted {
                    receive_count: 2,
                    failure_ignored: false
                }
            ))
        );
        assert_eq!(first(2), 30_360);
        assert_eq!(disposed(&sim, 2).unwrap().0, 30_720);
    }

    /// L-SQS-ERR: for FIFO with partial responses the function reports the failed message and
    /// every later one, so nothing after it in its group is deleted first.
    #[test]
    fn partial_response_reports_the_failure_and_everything_after_it() {
        let src = FIFO
            .replace("batch_size = 1", &format!("batch_size = 10\n{RBIF}"))
            .replace("message_groups = 2", "message_groups = 1");
        let sim = run(
            &one(
                60,
                "flaky_items = [{ item = 1, failures = 1 }]\non_item_failure = \"report\"",
                &src,
                "[[workload]]\nsource = \"q\"\ncount = 4",
            ),
            1,
        );
        let reported: Vec<u32> = sim
            .trace()
            .iter()
            .find_map(|e| match &e.kind {
                Trace::ItemFailuresReported { items, .. } => {
                    Some(items.iter().map(|i| i.event.0).collect())
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(reported, vec![1, 2, 3]);
        assert_eq!(disposed(&sim, 0).unwrap().0, 660);
        let second = &batches(&sim)[1];
        assert_eq!(
            (second.0, second.2.clone()),
            (30_000, vec![(1, 2), (2, 2), (3, 2)])
        );
    }

    /// L-SQS-PARAM: FIFO batch size is 1–10 and there is no batching window.
    #[test]
    fn fifo_limits_are_validated() {
        let text = one(
            60,
            "",
            &FIFO.replace(
                "batch_size = 1",
                "batch_size = 11\nmaximum_batching_window_s = 1",
            ),
            "",
        );
        let err = Scenario::parse("fifo.toml", &text).unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "sources[0].batch_size",
                "sources[0].maximum_batching_window_s"
            ]
        );
        assert!(
            err.errors[0].message.contains("1–10"),
            "{}",
            err.errors[0].message
        );
    }
}

mod streams {
    use super::*;

    fn kinesis(extra: &str) -> String {
        format!("kind = \"kinesis\"\nid = \"k\"\nstream = \"clicks\"\nstarting_position = \"TRIM_HORIZON\"\n{extra}")
    }

    fn processed_at(sim: &Sim, ev: u32) -> u64 {
        match disposed(sim, ev) {
            Some((t, Disposition::Processed { .. })) => t,
            d => panic!("#{ev}: {d:?}"),
        }
    }

    /// L-KIN: a batch holds records of one shard; one batch per shard in flight; records go to the
    /// shard of their key. Polled once a second ([U] cadence, L-KIN), here at t = 0.
    #[test]
    fn each_shard_has_its_own_batches() {
        let sim = run(
            &one(
                30,
                "",
                &kinesis("shards = 2\npartition_keys = 2"),
                "[[workload]]\nsource = \"k\"\ncount = 6",
            ),
            1,
        );
        let b = batches(&sim);
        assert_eq!(
            b.iter()
                .map(|x| (x.0, x.2.iter().map(|i| i.0).collect::<Vec<_>>()))
                .collect::<Vec<_>>(),
            vec![(0, vec![0, 2, 4]), (0, vec![1, 3, 5])]
        );
        for ev in 0..6 {
            assert_eq!(processed_at(&sim, ev), 620);
        }
        let shard0 = sim.topology().by_key("shard:k:0").unwrap().id;
        assert_eq!(
            count(
                &sim,
                |k| matches!(k, Trace::CheckpointAdvanced { shard, sequence: 4, records: 3, blocked: false } if *shard == shard0)
            ),
            1
        );
    }

    /// L-KIN / L-DDB: the cadence: records written at 100 ms wait for the next poll — 1 s for
    /// Kinesis, 250 ms for DynamoDB (both [U] parameters).
    #[test]
    fn poll_cadence_differs_between_kinesis_and_dynamodb() {
        let w = "[[workload]]\nsource = \"k\"\nat_ms = 100";
        let k = run(&one(30, "", &kinesis(""), w), 1);
        assert_eq!(batches(&k)[0].0, 1000);
        let d = run(
            &one(
                30,
                "",
                "kind = \"dynamodb_streams\"\nid = \"k\"\nstarting_position = \"TRIM_HORIZON\"",
                w,
            ),
            1,
        );
        assert_eq!(batches(&d)[0].0, 250);
    }

    /// L-RETRIES / L-KIN / KDS-RET: with the defaults (retries −1, age −1) a poison record blocks
    /// its shard until it leaves the stream at the end of retention (24 h); other shards flow.
    #[test]
    fn poison_record_blocks_its_shard_until_it_expires() {
        let sim = run(
            &one(
                86_500,
                "poison_items = [0]",
                &kinesis("shards = 2\npartition_keys = 2"),
                "[[workload]]\nsource = \"k\"\ncount = 4",
            ),
            1,
        );
        assert_eq!(processed_at(&sim, 1), 620);
        assert_eq!(processed_at(&sim, 3), 620);
        let (t0, d0) = disposed(&sim, 0).unwrap();
        assert_eq!(d0, Disposition::Expired { age_ms: 86_400_000 });
        assert_eq!(t0, 86_400_000);
        // #2 sits behind it in the same shard and expires with it, never processed.
        assert_eq!(
            disposed(&sim, 2),
            Some((86_400_000, Disposition::Expired { age_ms: 86_400_000 }))
        );
        let shard0 = sim.topology().by_key("shard:k:0").unwrap().id;
        assert_eq!(
            count(
                &sim,
                |k| matches!(k, Trace::ShardBlocked { shard, .. } if *shard == shard0)
            ),
            1
        );
        // Retried whole, with backoff capped at 60 s ([U]): about one try a minute for a day.
        let tries = batches(&sim)
            .iter()
            .filter(|b| b.2.iter().any(|i| i.0 == 0))
            .count();
        assert!((1430..1450).contains(&tries), "{tries} tries");
        // IteratorAge grows while blocked (L-RETRIES).
        let ages: Vec<u64> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::BatchPolled {
                    iterator_age_ms: Some(a),
                    items,
                    ..
                } if items[0].event.0 == 0 => Some(*a),
                _ => None,
            })
            .collect();
        assert!(ages.windows(2).all(|w| w[0] <= w[1]) && *ages.last().unwrap() > 86_000_000);
    }

    /// L-KIN-PARAM / L-KIN-FAIL: bisection splits a failing batch in halves until the bad record is
    /// alone; splitting uses no retry, so with MaximumRetryAttempts 0 only that record is given up,
    /// and the on-failure destination (SQS) gets metadata only.
    #[test]
    fn bisection_isolates_one_bad_record() {
        let src = kinesis("batch_size = 8\nbisect_batch_on_function_error = true\nmaximum_retry_attempts = 0\non_failure = { kind = \"sqs\", name = \"failed-clicks\" }");
        let sim = run(
            &one(
                60,
                "poison_items = [5]",
                &src,
                "[[workload]]\nsource = \"k\"\ncount = 8",
            ),
            1,
        );
        let splits: Vec<(usize, usize)> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::BatchBisected { first, second, .. } => Some((first.len(), second.len())),
                _ => None,
            })
            .collect();
        assert_eq!(splits, vec![(4, 4), (2, 2), (1, 1)]);
        assert_eq!(
            count(&sim, |k| matches!(k, Trace::RetryScheduled { .. })),
            0
        );
        assert_eq!(
            disposed(&sim, 5).map(|d| d.1),
            Some(Disposition::SentToFailureTarget {
                condition: FailureCondition::RetryAttemptsExhausted,
                targets: vec!["sqs:failed-clicks".into()],
                approximate_invoke_count: 4
            })
        );
        for ev in [0, 1, 2, 3, 4, 6, 7] {
            processed_at(&sim, ev);
        }
        assert_eq!(
            count(&sim, |k| matches!(
                k,
                Trace::Sent {
                    message: Message::FailureRecord {
                        records: 1,
                        with_payload: false,
                        ..
                    },
                    ..
                }
            )),
            1
        );
    }

    /// L-KIN-FAIL: an S3 on-failure destination also gets the payload.
    #[test]
    fn s3_on_failure_destination_gets_the_payload() {
        let src = kinesis(
            "maximum_retry_attempts = 1\non_failure = { kind = \"s3\", name = \"failed-batches\" }",
        );
        let sim = run(
            &one(
                60,
                "poison_items = [0]",
                &src,
                "[[workload]]\nsource = \"k\"",
            ),
            1,
        );
        assert_eq!(
            count(&sim, |k| matches!(
                k,
                Trace::Sent {
                    message: Message::FailureRecord {
                        with_payload: true,
                        condition: FailureCondition::RetryAttemptsExhausted,
                        ..
                    },
                    ..
                }
            )),
            1
        );
        assert_eq!(
            disposed(&sim, 0).unwrap().1,
            Disposition::SentToFailureTarget {
                condition: FailureCondition::RetryAttemptsExhausted,
                targets: vec!["s3:failed-batches".into()],
                approximate_invoke_count: 2,
            }
        );
    }

    /// L-PBR: a partial batch response checkpoints at the lowest reported sequence number and
    /// retries everything from there (so records after it are delivered again).
    #[test]
    fn partial_batch_response_checkpoints_at_the_lowest_reported_record() {
        let src = kinesis(&format!("{RBIF}\nmaximum_retry_attempts = 1"));
        let sim = run(
            &one(
                60,
                "poison_items = [2]\non_item_failure = \"report\"",
                &src,
                "[[workload]]\nsource = \"k\"\ncount = 5",
            ),
            1,
        );
        assert_eq!(processed_at(&sim, 0), 620);
        assert_eq!(processed_at(&sim, 1), 620);
        let b = batches(&sim);
        assert_eq!(
            b[1].2,
            vec![(2, 2), (3, 2), (4, 2)],
            "the retry starts at #2 and carries #3, #4 again"
        );
        assert_eq!(b[1].0, 620 + 1000, "after the first backoff ([U] 1 s)");
        // The retry fails at #2 again: retries are used up and #2…#4 are discarded.
        for ev in [2, 3, 4] {
            assert!(matches!(
                disposed(&sim, ev).unwrap().1,
                Disposition::Discarded {
                    condition: FailureCondition::RetryAttemptsExhausted,
                    ..
                }
            ));
        }
    }

    /// L-KIN-PARAM: MaximumRecordAgeInSeconds discards a record older than the limit before a retry.
    #[test]
    fn maximum_record_age_discards_old_records() {
        let sim = run(
            &one(
                300,
                "poison_items = [0]",
                &kinesis("maximum_record_age_s = 60"),
                "[[workload]]\nsource = \"k\"",
            ),
            1,
        );
        let (t, d) = disposed(&sim, 0).unwrap();
        assert_eq!(
            d,
            Disposition::Discarded {
                condition: FailureCondition::RecordAgeExceeded,
                approximate_invoke_count: batches(&sim).len() as u32
            }
        );
        assert!(
            (60_000..=121_000).contains(&t),
            "discarded at the first retry after 60 s, not at {t}"
        );
        assert!(batches(&sim).iter().all(|b| b.0 <= 60_000));
    }

    /// L-KIN-FAIL: errors before the invocation (throttles) use no retries: with
    /// MaximumRetryAttempts 0 a throttled record is still not given up.
    #[test]
    fn throttles_use_no_retries() {
        let sim = run(
            &one(
                60,
                "reserved_concurrency = 0",
                &kinesis("maximum_retry_attempts = 0"),
                "[[workload]]\nsource = \"k\"",
            ),
            1,
        );
        assert!(sim.totals().throttles >= 5);
        assert_eq!(
            count(&sim, |k| matches!(
                k,
                Trace::RetryScheduled {
                    reason: RetryReason::StreamBatchFailed,
                    ..
                }
            )),
            0
        );
        assert!(
            count(&sim, |k| matches!(
                k,
                Trace::RetryScheduled {
                    reason: RetryReason::EsmThrottled,
                    ..
                }
            )) >= 5
        );
        assert_eq!(disposed(&sim, 0), None, "still waiting in the stream");
    }

    /// L-DDB: LATEST misses records written while the mapping was being created; TRIM_HORIZON
    /// reads them; AT_TIMESTAMP (Kinesis) starts at its time (L-KIN-PARAM).
    #[test]
    fn starting_positions() {
        let w = "[[workload]]\nsource = \"k\"\ncount = 2\n[[workload]]\nsource = \"k\"\ncount = 2\nat_ms = 4000\n[[workload]]\nsource = \"k\"\ncount = 2\nat_ms = 8000";
        let latest = run(
            &one(
                60,
                "",
                &kinesis("mapping_enabled_at_ms = 5000").replace("TRIM_HORIZON", "LATEST"),
                w,
            ),
            1,
        );
        for ev in 0..4 {
            assert_eq!(
                disposed(&latest, ev),
                Some((
                    5000,
                    Disposition::NotRead {
                        starting_position: "LATEST".into()
                    }
                ))
            );
        }
        assert!(matches!(
            disposed(&latest, 4).unwrap().1,
            Disposition::Processed { .. }
        ));
        let trim = run(&one(60, "", &kinesis("mapping_enabled_at_ms = 5000"), w), 1);
        assert!((0..6).all(|ev| matches!(
            disposed(&trim, ev).unwrap().1,
            Disposition::Processed { .. }
        )));
        assert_eq!(
            batches(&trim)[0].0,
            5000,
            "polling starts when the mapping is ready"
        );
        let at = run(
            &one(
                60,
                "",
                &kinesis("starting_position_timestamp_ms = 3000")
                    .replace("TRIM_HORIZON", "AT_TIMESTAMP"),
                w,
            ),
            1,
        );
        assert_eq!(
            disposed(&at, 0),
            Some((
                0,
                Disposition::NotRead {
                    starting_position: "AT_TIMESTAMP".into()
                }
            ))
        );
        assert!(matches!(
            disposed(&at, 2).unwrap().1,
            Disposition::Processed { .. }
        ));
    }

    /// L-KIN-PARAM / L-KIN: a parallelization factor runs batches of one shard concurrently with
    /// order kept per key, so a failing key blocks only its own lane.
    #[test]
    fn parallelization_factor_keeps_other_keys_flowing() {
        let w = "[[workload]]\nsource = \"k\"\ncount = 6";
        let one_lane = run(
            &one(20, "poison_items = [0]", &kinesis("partition_keys = 2"), w),
            1,
        );
        assert!(
            (0..6).all(|ev| disposed(&one_lane, ev).is_none()),
            "PF 1: the whole shard waits"
        );
        let two = run(
            &one(
                20,
                "poison_items = [0]",
                &kinesis("partition_keys = 2\nparallelization_factor = 2"),
                w,
            ),
            1,
        );
        for ev in [1, 3, 5] {
            assert_eq!(processed_at(&two, ev), 620, "key k1 flows in its own lane");
        }
        assert!([0, 2, 4].iter().all(|ev| disposed(&two, *ev).is_none()));
    }

    /// L-DDB: at most 2 functions read a DynamoDB stream shard (1 for a global table); more are
    /// throttled. [U] how often: readers take turns, so this mapping loses 1 read in 3.
    #[test]
    fn dynamodb_reader_limit_throttles_reads() {
        let src = "kind = \"dynamodb_streams\"\nid = \"k\"\nstarting_position = \"TRIM_HORIZON\"\nother_readers_per_shard = 2";
        let sim = run(
            &one(
                30,
                "",
                src,
                "[[workload]]\nsource = \"k\"\ncount = 3\nrepeat = 3\nevery_ms = 1000",
            ),
            1,
        );
        assert!(
            count(&sim, |k| matches!(
                k,
                Trace::ReadThrottled {
                    readers: 3,
                    limit: 2,
                    ..
                }
            )) >= 1
        );
        assert!(
            (0..9).all(|ev| matches!(disposed(&sim, ev).unwrap().1, Disposition::Processed { .. })),
            "throttled reads are tried again"
        );
        // Global table: limit 1; with one other reader this mapping gets every other read, so the
        // second record's first read (at 1 000 ms) is throttled and it is read at the next poll.
        let w = "[[workload]]\nsource = \"k\"\nrepeat = 2\nevery_ms = 1000";
        let global = run(
            &one(
                30,
                "",
                &src.replace(
                    "other_readers_per_shard = 2",
                    "other_readers_per_shard = 1\nglobal_table = true",
                ),
                w,
            ),
            1,
        );
        assert_eq!(
            times(&global, |k| matches!(
                k,
                Trace::ReadThrottled {
                    readers: 2,
                    limit: 1,
                    ..
                }
            )),
            vec![1000]
        );
        assert_eq!(
            batches(&global).iter().map(|b| b.0).collect::<Vec<_>>(),
            vec![0, 1250]
        );
        let alone = run(
            &one(
                30,
                "",
                &src.replace("other_readers_per_shard = 2", "other_readers_per_shard = 1"),
                "[[workload]]\nsource = \"k\"",
            ),
            1,
        );
        assert_eq!(
            count(&alone, |k| matches!(k, Trace::ReadThrottled { .. })),
            0,
            "two readers are allowed"
        );
    }

    /// L-ESM: streams honour the batching window too.
    #[test]
    fn stream_batching_window() {
        let sim = run(
            &one(
                30,
                "",
                &kinesis("batch_size = 100\nmaximum_batching_window_s = 3"),
                "[[workload]]\nsource = \"k\"\ncount = 4",
            ),
            1,
        );
        let b = batches(&sim);
        assert_eq!((b.len(), b[0].0, b[0].2.len()), (1, 3000, 4));
    }

    /// Issue 15, item 4 (L-ESM [D]): with records trickling in, a W-second window yields a batch
    /// when the window ends — every W seconds plus the invocation itself, since the next window
    /// starts when the previous invocation completes — not at the first poll after the window (a
    /// 5 s window gave a batch every 6 s).
    #[test]
    fn a_trickle_gets_a_batch_as_each_window_ends() {
        let sim = run(
            &one(
                60,
                "",
                &kinesis("batch_size = 100\nmaximum_batching_window_s = 5"),
                "[[workload]]\nsource = \"k\"\npattern = \"rate\"\nrate_per_s = 3\nduration_s = 60",
            ),
            1,
        );
        let b = batches(&sim);
        assert!(b.len() >= 9, "{} batches", b.len());
        // The first window starts at the first record and is read as it ends.
        assert_eq!(b[0].0, 5000);
        let intervals: Vec<u64> = b.windows(2).map(|w| w[1].0 - w[0].0).collect();
        // Each later one: the 5 s window after the previous batch's invocation completed (two
        // hops and a 200 ms run, plus a cold start on the first).
        for (i, gap) in intervals.iter().enumerate() {
            assert!(
                (5_000..5_000 + 800).contains(gap),
                "interval {i}: {gap} ms (all: {intervals:?})"
            );
        }
    }

    /// The scene shows a blocked shard, its waiting records and a growing iterator age.
    #[test]
    fn scene_shows_blocked_shard_and_iterator_age() {
        let sim = run(
            &one(
                120,
                "poison_items = [0]",
                &kinesis(""),
                "[[workload]]\nsource = \"k\"\ncount = 3",
            ),
            1,
        );
        let tl = Timeline::new(sim.topology().clone(), sim.trace().to_vec());
        let shard = sim.topology().by_key("shard:k:0").unwrap().id.0 as usize;
        let a = tl.scene_at(SimTime(10_000));
        let b = tl.scene_at(SimTime(100_000));
        assert!(a.nodes[shard].blocked && b.nodes[shard].blocked);
        assert_eq!(a.nodes[shard].visible + a.nodes[shard].in_flight, 3);
        assert_eq!(a.nodes[shard].iterator_age_ms, Some(10_000));
        assert_eq!(b.nodes[shard].iterator_age_ms, Some(100_000));
        assert_eq!(a.nodes[shard].checkpoint, None);
    }
}

mod validation {
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
                "sources[0].parallelization_factor",
                "sources[0].maximum_retry_attempts",
                "sources[0].maximum_record_age_s",
                "sources[0].retention_period_hours"
            ]
        );
        assert_eq!(e[0].1, Some(12), "the line of the field");
        let missing = Scenario::parse(
            "bad.toml",
            &one(60, "", "kind = \"kinesis\"\nid = \"k\"", ""),
        )
        .unwrap_err();
        assert!(
            missing.errors[0].message.contains("starting_position"),
            "{}",
            missing.errors[0].message
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
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct SqsCase {
        fifo: bool,
        groups: u32,
        batch: u32,
        bursts: Vec<(u64, u64)>,
        poison: Vec<u64>,
        flaky: Vec<(u64, u32)>,
        report: bool,
        rbif: bool,
        max_receive: Option<u32>,
        timeout_s: u32,
        visibility_s: u32,
        reserved: Option<u32>,
        duration_ms: u64,
        seed: u64,
    }

    fn sqs_case() -> impl Strategy<Value = SqsCase> {
        (
            (
                any::<bool>(),
                1u32..4,
                1u32..12,
                prop::collection::vec((0u64..60_000, 1u64..15), 1..4),
            ),
            (
                prop::collection::vec(0u64..40, 0..4),
                prop::collection::vec((0u64..40, 1u32..3), 0..3),
                any::<bool>(),
                any::<bool>(),
            ),
            (
                prop::option::of(1u32..5),
                1u32..4,
                6u32..12,
                prop::option::of(0u32..4),
                50u64..4000,
                any::<u64>(),
            ),
        )
            .prop_map(
                |(
                    (fifo, groups, batch, bursts),
                    (poison, flaky, report, rbif),
                    (max_receive, timeout_s, vis_mult, reserved, duration_ms, seed),
                )| SqsCase {
                    fifo,
                    groups,
                    batch: if fifo { batch.min(10) } else { batch },
                    bursts,
                    poison,
                    flaky,
                    report,
                    rbif,
                    max_receive,
                    timeout_s,
                    // At least AWS's advice of 6 × the timeout, so a batch ends before its messages return.
                    visibility_s: timeout_s * vis_mult,
                    reserved,
                    duration_ms,
                    seed,
                },
            )
    }

    fn sqs_text(c: &SqsCase) -> String {
        let mut src = format!(
            "kind = \"sqs\"\nid = \"q\"\nbatch_size = {}\nvisibility_timeout_s = {}\n",
            c.batch, c.visibility_s
        );
        if c.fifo {
            src += &format!("fifo = true\nmessage_groups = {}\n", c.groups);
        } else if c.batch > 10 {
            src += "maximum_batching_window_s = 1\n";
        }
        if c.rbif {
            src += &format!("{RBIF}\n");
        }
        if let Some(m) = c.max_receive {
            src += &format!("max_receive_count = {m}\ndead_letter_queue = \"dlq\"\n");
        }
        let mut f = format!(
            "timeout_s = {}\npoison_items = {:?}\n",
            c.timeout_s, c.poison
        );
        f += &format!(
            "flaky_items = [{}]\n",
            c.flaky
                .iter()
                .map(|(i, n)| format!("{{ item = {i}, failures = {n} }}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if c.report {
            f += "on_item_failure = \"report\"\n";
        }
        if let Some(r) = c.reserved {
            f += &format!("reserved_concurrency = {r}\n");
        }
        let w: String = c
            .bursts
            .iter()
            .map(|(at, n)| format!("[[workload]]\nsource = \"q\"\nat_ms = {at}\ncount = {n}\n"))
            .collect();
        one(240, &f, &src, &w).replace("ms = 200 }", &format!("ms = {} }}", c.duration_ms))
    }

    /// Conservation, sampled through the view model at many instants: visible + in flight +
    /// deleted + dead-lettered + expired = sent. Each message is disposed at most once.
    fn check_conservation(sim: &Sim) {
        let tl = Timeline::new(sim.topology().clone(), sim.trace().to_vec());
        let q = sim.topology().by_key("source:q").unwrap().id.0 as usize;
        let end = sim.horizon().as_ms();
        for t in (0..=end).step_by(7_919).chain([end]) {
            let s = tl.scene_at(SimTime(t));
            let c = &s.counters;
            let n = &s.nodes[q];
            assert_eq!(
                u64::from(n.visible + n.in_flight) + c.deleted + c.moved_to_dlq + c.expired,
                c.events,
                "at {t} ms"
            );
        }
        let mut seen = BTreeMap::new();
        for e in sim.trace() {
            if let Trace::Disposed { inv, .. } = &e.kind {
                assert!(seen.insert(*inv, e.at).is_none(), "{inv:?} disposed twice");
            }
        }
        let (visible, in_flight) = sim.sqs_counts(0).unwrap();
        let t = sim.totals();
        assert_eq!(
            visible as u64 + in_flight as u64 + t.deleted + t.moved_to_dlq + t.expired,
            t.events
        );
    }

    /// FIFO: a message of a group is only received when every earlier message of its group is
    /// gone (deleted or dead-lettered) or earlier in the same batch; deletions follow group order.
    fn check_group_order(sim: &Sim, groups: u32) {
        let group_of: BTreeMap<u32, u32> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::Stored {
                    key: Some(k),
                    sequence,
                    ..
                } => Some((*sequence as u32, k.trim_start_matches('g').parse().unwrap())),
                _ => None,
            })
            .collect();
        let inv_event: BTreeMap<InvocationId, u32> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::EventCreated { inv, event, .. } => Some((*inv, event.0)),
                _ => None,
            })
            .collect();
        let mut gone: BTreeMap<u32, bool> = group_of.keys().map(|e| (*e, false)).collect();
        let mut deleted: Vec<Vec<u32>> = vec![Vec::new(); groups as usize];
        for e in sim.trace() {
            match &e.kind {
                Trace::BatchPolled { items, .. } => {
                    for (pos, i) in items.iter().enumerate() {
                        let g = group_of[&i.event.0];
                        for (&earlier, &is_gone) in gone.range(..i.event.0) {
                            if group_of[&earlier] == g && !is_gone {
                                assert!(
                                    items[..pos].iter().any(|x| x.event.0 == earlier),
                                    "#{} received before #{earlier} of group g{g} was done",
                                    i.event.0
                                );
                            }
                        }
                    }
                }
                Trace::Disposed { inv, disposition } => {
                    let ev = inv_event[inv];
                    gone.insert(ev, true);
                    if matches!(disposition, Disposition::Deleted { .. }) {
                        deleted[group_of[&ev] as usize].push(ev);
                    }
                }
                _ => {}
            }
        }
        for d in deleted {
            assert!(
                d.windows(2).all(|w| w[0] < w[1]),
                "deletions out of group order: {d:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: crate::soak::cases(96), ..ProptestConfig::default() })]

        /// SQS conservation (standard and FIFO), per-group order (FIFO), determinism.
        #[test]
        fn sqs_conserves_messages_and_keeps_group_order(c in sqs_case()) {
            let text = sqs_text(&c);
            let _timer = crate::soak::time_case("sqs_conserves_messages_and_keeps_group_order", || {
                format!("seed {}: {}", c.seed, text.replace('\n', " "))
            });
            let sim = run(&text, c.seed);
            check_conservation(&sim);
            if c.fifo {
                check_group_order(&sim, c.groups);
            }
            let again = run(&text, c.seed);
            prop_assert_eq!(sim.trace(), again.trace());
            prop_assert_eq!(sim.state_digest(), again.state_digest());
        }

        /// Streams: per-key order of first deliveries and of processing, on every shard; every
        /// record is disposed at most once; determinism.
        #[test]
        fn streams_keep_order_per_key(
            dynamodb in any::<bool>(), shards in 1u32..4, keys in 1u32..6, pf in 1u32..3, batch in 1u32..10,
            bursts in prop::collection::vec((0u64..20_000, 1u64..12), 1..4), poison in prop::collection::vec(0u64..30, 0..3),
            flaky in prop::collection::vec((0u64..30, 1u32..4), 0..3), bisect in any::<bool>(), rbif in any::<bool>(), report in any::<bool>(),
            retries in -1i64..3, reserved in prop::option::of(0u32..3), duration in 50u64..2000, seed in any::<u64>(),
        ) {
            let kind = if dynamodb { "dynamodb_streams" } else { "kinesis" };
            let mut src = format!("kind = \"{kind}\"\nid = \"k\"\nstarting_position = \"TRIM_HORIZON\"\nshards = {shards}\npartition_keys = {keys}\nparallelization_factor = {pf}\nbatch_size = {batch}\nmaximum_retry_attempts = {retries}\nbisect_batch_on_function_error = {bisect}\n");
            if rbif {
                src += &format!("{RBIF}\n");
            }
            let mut f = format!("poison_items = {poison:?}\nflaky_items = [{}]\n", flaky.iter().map(|(i, n)| format!("{{ item = {i}, failures = {n} }}")).collect::<Vec<_>>().join(", "));
            if report {
                f += "on_item_failure = \"report\"\n";
            }
            if let Some(r) = reserved {
                f += &format!("reserved_concurrency = {r}\n");
            }
            let w: String = bursts.iter().map(|(at, n)| format!("[[workload]]\nsource = \"k\"\nat_ms = {at}\ncount = {n}\n")).collect();
            let text = one(180, &f, &src, &w).replace("ms = 200 }", &format!("ms = {duration} }}"));
            let sim = run(&text, seed);
            let key_of: BTreeMap<u32, String> = sim.trace().iter().filter_map(|e| match &e.kind {
                Trace::Stored { key: Some(k), sequence, .. } => Some((*sequence as u32, k.clone())),
                _ => None,
            }).collect();
            let inv_event: BTreeMap<InvocationId, u32> = sim.trace().iter().filter_map(|e| match &e.kind {
                Trace::EventCreated { inv, event, .. } => Some((*inv, event.0)),
                _ => None,
            }).collect();
            let mut first: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            let mut delivered = std::collections::BTreeSet::new();
            let mut done: BTreeMap<String, Vec<u32>> = BTreeMap::new();
            let mut disposed = std::collections::BTreeSet::new();
            for e in sim.trace() {
                match &e.kind {
                    Trace::BatchPolled { items, .. } => {
                        for i in items {
                            if delivered.insert(i.event.0) {
                                first.entry(key_of[&i.event.0].clone()).or_default().push(i.event.0);
                            }
                        }
                    }
                    Trace::Disposed { inv, disposition } => {
                        let ev = inv_event[inv];
                        prop_assert!(disposed.insert(ev), "#{} disposed twice", ev);
                        if matches!(disposition, Disposition::Processed { .. }) {
                            done.entry(key_of[&ev].clone()).or_default().push(ev);
                        }
                    }
                    _ => {}
                }
            }
            for (k, v) in first.iter().chain(done.iter()) {
                prop_assert!(v.windows(2).all(|w| w[0] < w[1]), "key {} out of order: {:?}", k, v);
            }
            let again = run(&text, seed);
            prop_assert_eq!(sim.trace(), again.trace());
        }
    }

    /// Same seed ⇒ same trace for every bundled polling story; a fork with an input matches a
    /// fresh run that has that input from the start.
    #[test]
    fn runs_and_forks_are_deterministic() {
        for (name, text) in super::content::polling_files() {
            let s = scenario(&text);
            let a = lambdascope_sim::Run::new(&s, 7, Vec::new());
            let b = lambdascope_sim::Run::new(&s, 7, Vec::new());
            assert_eq!(a.trace(), b.trace(), "{name}");
            let mut sim = Sim::new(&s, 7);
            sim.run();
            assert_eq!(a.trace(), sim.trace(), "{name}: Run and Sim agree");
            let at = SimTime(1500);
            let forked = a.fork(at, Input::FailNextAttempt);
            let fresh = lambdascope_sim::Run::new(
                &s,
                7,
                vec![lambdascope_sim::TimedInput {
                    at,
                    input: Input::FailNextAttempt,
                }],
            );
            assert_eq!(
                forked.trace(),
                fresh.trace(),
                "{name}: fork = fresh run with the input"
            );
        }
    }
}

pub mod content {
    use super::*;

    /// The bundled polling scenarios (`sqs-*`, `fifo-*`, `kinesis-*`, `dynamodb-*`).
    pub fn polling_files() -> Vec<(String, String)> {
        crate::content_files::content_files(
            "scenarios",
            &["sqs-", "fifo-", "kinesis-", "dynamodb-"],
        )
    }

    fn bundled(id: &str, seed: u64) -> Sim {
        let (_, text) = polling_files()
            .into_iter()
            .find(|(n, _)| n == &format!("{id}.toml"))
            .unwrap_or_else(|| panic!("{id}.toml missing"));
        run(&text, seed)
    }

    fn by_label(sim: &Sim) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for e in sim.trace() {
            if let Trace::Disposed { disposition, .. } = &e.kind {
                *m.entry(disposition.label()).or_default() += 1;
            }
        }
        m
    }

    #[test]
    fn every_polling_story_parses_runs_and_is_narrated() {
        let files = polling_files();
        assert!(files.len() >= 10, "found {}", files.len());
        for (name, text) in files {
            let s = Scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(format!("{}.toml", s.id()), name);
            let mut sim = Sim::new(&s, 1);
            sim.run();
            assert!(sim.totals().batches > 0, "{name}: no batch");
            for i in 0..sim.trace().len() {
                assert!(!narrate::sentence(sim.topology(), sim.trace(), i).is_empty());
            }
            let tl = Timeline::new(sim.topology().clone(), sim.trace().to_vec());
            let _ = tl.scene_at(SimTime(sim.horizon().as_ms() / 2));
            let report = lambdascope_sim::report::Report::build(
                sim.scenario(),
                sim.topology(),
                1,
                sim.horizon(),
                sim.trace(),
                sim.totals(),
            );
            assert!(
                report.invocations.iter().any(|r| !r.batches.is_empty()),
                "{name}: report shows batch membership"
            );
        }
    }

    /// Each story ends the way the sheet says, for several seeds.
    #[test]
    fn bundled_polling_stories_match_the_fact_sheet() {
        for seed in [1, 2, 3, 42] {
            // L-SQS-CFG / L-SQS-PARAM: everything deleted after one batch each.
            let s = bundled("sqs-happy-path", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("deleted", 20)]));

            // L-SQS-CFG: the poison message goes to the queue's DLQ after maxReceiveCount (3) receives.
            let s = bundled("sqs-poison-dlq", seed);
            assert_eq!(
                by_label(&s),
                BTreeMap::from([("deleted", 5), ("moved_to_dlq", 1)])
            );
            assert!(s.trace().iter().any(|e| matches!(
                &e.kind,
                Trace::Disposed {
                    disposition: Disposition::MovedToDlq {
                        receive_count: 3,
                        ..
                    },
                    ..
                }
            )));

            // L-SQS-CFG: without a partial response the whole batch fails with its poison message.
            let s = bundled("sqs-batch-poison", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("moved_to_dlq", 10)]));

            // L-SQS-ERR: with ReportBatchItemFailures only the poison message goes around again.
            let s = bundled("sqs-partial-batch", seed);
            assert_eq!(
                by_label(&s),
                BTreeMap::from([("deleted", 9), ("moved_to_dlq", 1)])
            );

            // L-PBR: the function reports a failure the mapping ignores: the message is lost.
            let s = bundled("sqs-report-ignored", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("deleted", 10)]));
            assert_eq!(
                s.trace()
                    .iter()
                    .filter(|e| matches!(
                        &e.kind,
                        Trace::Disposed {
                            disposition: Disposition::Deleted {
                                failure_ignored: true,
                                ..
                            },
                            ..
                        }
                    ))
                    .count(),
                1
            );

            // L-SQS-ERR / KC-SQS: throttled batches come back with higher receive counts; none lost.
            let s = bundled("sqs-throttled", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("deleted", 8)]));
            assert!(s.trace().iter().any(|e| matches!(
                &e.kind,
                Trace::Disposed {
                    disposition: Disposition::Deleted {
                        receive_count: 2..,
                        ..
                    },
                    ..
                }
            )));

            // L-SQS-SCALE: 5 pollers, then +300 after a minute of backlog.
            let s = bundled("sqs-scaling", seed);
            assert!(s.trace().iter().any(|e| e.at.as_ms() == 60_000
                && matches!(
                    e.kind,
                    Trace::PollersScaled {
                        concurrency: 305,
                        ..
                    }
                )));

            // L-SQS-SCALE: the failing group waits, the other flows; all end deleted.
            let s = bundled("fifo-group-held-back", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("deleted", 6)]));
            let s = bundled("fifo-happy-path", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("deleted", 9)]));

            // L-KIN: all records processed, per shard.
            let s = bundled("kinesis-happy-path", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("processed", 40)]));

            // L-RETRIES / KDS-RET: the poison record holds its shard until it expires at 24 h.
            let s = bundled("kinesis-poison-blocks-shard", seed);
            let l = by_label(&s);
            assert_eq!((l.get("processed"), l.get("expired")), (Some(&3), Some(&3)));

            // L-KIN-PARAM / L-KIN-FAIL: bisection isolates the bad record; only it goes to the destination.
            let s = bundled("kinesis-bisect", seed);
            assert_eq!(
                by_label(&s),
                BTreeMap::from([("processed", 15), ("sent_to_failure_target", 1)])
            );

            // L-PBR: checkpoint at the reported record; later records delivered again.
            let s = bundled("kinesis-partial-batch", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("processed", 10)]));
            assert!(s.totals().redeliveries > 0);

            // L-DDB: LATEST misses what was written while the mapping was being created.
            let s = bundled("dynamodb-latest-missed", seed);
            let l = by_label(&s);
            assert_eq!(
                (l.get("not_read"), l.get("processed")),
                (Some(&5), Some(&5))
            );

            // L-DDB-PARAM / §9.8: retries until max record age; DynamoDB reader limit.
            let s = bundled("dynamodb-happy-path", seed);
            assert_eq!(by_label(&s), BTreeMap::from([("processed", 12)]));
            let s = bundled("dynamodb-too-many-readers", seed);
            assert!(s
                .trace()
                .iter()
                .any(|e| matches!(e.kind, Trace::ReadThrottled { .. })));
            assert_eq!(by_label(&s), BTreeMap::from([("processed", 12)]));
        }
    }
}
