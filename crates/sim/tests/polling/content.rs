//! The bundled `sqs-*`, `fifo-*`, `kinesis-*`, `dynamodb-*` stories end the way the sheet says.

use super::*;

/// The bundled polling scenarios (`sqs-*`, `fifo-*`, `kinesis-*`, `dynamodb-*`).
pub fn polling_files() -> Vec<(String, String)> {
    crate::content_files::content_files("scenarios", &["sqs-", "fifo-", "kinesis-", "dynamodb-"])
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
        let s = run_bundled("sqs-happy-path", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("deleted", 20)]));

        // L-SQS-CFG: the poison message goes to the queue's DLQ after maxReceiveCount (3) receives.
        let s = run_bundled("sqs-poison-dlq", seed);
        assert_eq!(
            disposition_counts(&s),
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
        let s = run_bundled("sqs-batch-poison", seed);
        assert_eq!(
            disposition_counts(&s),
            BTreeMap::from([("moved_to_dlq", 10)])
        );

        // L-SQS-ERR: with ReportBatchItemFailures only the poison message goes around again.
        let s = run_bundled("sqs-partial-batch", seed);
        assert_eq!(
            disposition_counts(&s),
            BTreeMap::from([("deleted", 9), ("moved_to_dlq", 1)])
        );

        // L-PBR: the function reports a failure the mapping ignores: the message is lost.
        let s = run_bundled("sqs-report-ignored", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("deleted", 10)]));
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
        let s = run_bundled("sqs-throttled", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("deleted", 8)]));
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
        let s = run_bundled("sqs-scaling", seed);
        assert!(s.trace().iter().any(|e| e.at.as_ms() == 60_000
            && matches!(
                e.kind,
                Trace::PollersScaled {
                    concurrency: 305,
                    ..
                }
            )));

        // L-SQS-SCALE: the failing group waits, the other flows; all end deleted.
        let s = run_bundled("fifo-group-held-back", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("deleted", 6)]));
        let s = run_bundled("fifo-happy-path", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("deleted", 9)]));

        // L-KIN: all records processed, per shard.
        let s = run_bundled("kinesis-happy-path", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("processed", 40)]));

        // L-RETRIES / KDS-RET: the poison record holds its shard until it expires at 24 h.
        let s = run_bundled("kinesis-poison-blocks-shard", seed);
        let l = disposition_counts(&s);
        assert_eq!((l.get("processed"), l.get("expired")), (Some(&3), Some(&3)));

        // L-KIN-PARAM / L-KIN-FAIL: bisection isolates the bad record; only it goes to the destination.
        let s = run_bundled("kinesis-bisect", seed);
        assert_eq!(
            disposition_counts(&s),
            BTreeMap::from([("processed", 15), ("sent_to_failure_target", 1)])
        );

        // L-PBR: checkpoint at the reported record; later records delivered again.
        let s = run_bundled("kinesis-partial-batch", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("processed", 10)]));
        assert!(s.totals().redeliveries > 0);

        // L-DDB: LATEST misses what was written while the mapping was being created.
        let s = run_bundled("dynamodb-latest-missed", seed);
        let l = disposition_counts(&s);
        assert_eq!(
            (l.get("not_read"), l.get("processed")),
            (Some(&5), Some(&5))
        );

        // L-DDB-PARAM / §9.8: retries until max record age; DynamoDB reader limit.
        let s = run_bundled("dynamodb-happy-path", seed);
        assert_eq!(disposition_counts(&s), BTreeMap::from([("processed", 12)]));
        let s = run_bundled("dynamodb-too-many-readers", seed);
        assert!(s
            .trace()
            .iter()
            .any(|e| matches!(e.kind, Trace::ReadThrottled { .. })));
        assert_eq!(disposition_counts(&s), BTreeMap::from([("processed", 12)]));
    }
}
