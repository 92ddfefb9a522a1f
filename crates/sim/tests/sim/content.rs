//! Every bundled scenario parses, runs, and ends the way the fact sheet says.

use crate::common::run_bundled;
use lambdascope_sim::{Scenario, Sim, SourceKind};

pub fn bundled() -> Vec<(String, String)> {
    crate::content_files::content_files("scenarios", &[])
}

#[test]
fn every_bundled_scenario_parses_and_runs() {
    let files = bundled();
    assert!(
        files.len() >= 8,
        "expected the bundled scenarios, found {}",
        files.len()
    );
    let mut ids = std::collections::BTreeSet::new();
    for (name, text) in files {
        let s = Scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            ids.insert(s.id().to_string()),
            "duplicate scenario id {}",
            s.id()
        );
        assert_eq!(
            format!("{}.toml", s.id()),
            name,
            "file name must be the scenario id"
        );
        let mut sim = Sim::new(&s, 1);
        sim.run();
        assert!(
            sim.totals().invocations > 0,
            "{name} produced no invocations"
        );
        // A kind's name is serde's tag for it in the trace JSON (lessons and the CLI's
        // `trace` output use the same words).
        for e in sim.trace() {
            let table = toml::Value::try_from(&e.kind).unwrap();
            assert_eq!(table["kind"].as_str(), Some(e.kind.kind_name()), "{name}");
        }
    }
}

/// The writer is the reader's inverse on every bundled scenario: table → text → parse gives the
/// same scenario (the parameter panel and share links rely on it).
#[test]
fn every_bundled_scenario_reads_back_from_its_table() {
    for (name, text) in bundled() {
        let s = Scenario::parse(&name, &text).unwrap();
        let written = toml::to_string(&s.to_table()).unwrap();
        let again = Scenario::parse(&name, &written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(again, s, "{name}");
    }
}

/// Every source kind is shown by at least one bundled scenario, and `SourceKind::word` is the
/// file format's own word for it (what the writer writes and the reader read). A new kind
/// needs a bundled scenario (ARCHITECTURE.md, "Adding a source").
#[test]
fn every_source_kind_has_a_bundled_scenario_and_reads_by_its_word() {
    let mut shown = std::collections::BTreeSet::new();
    for (name, text) in bundled() {
        let s = Scenario::parse(&name, &text).unwrap();
        let table = s.to_table();
        for (i, src) in s.file.sources.iter().enumerate() {
            assert_eq!(
                table["sources"][i]["kind"].as_str(),
                Some(src.kind().word()),
                "{name}: sources[{i}]"
            );
            shown.insert(src.kind());
        }
    }
    let missing: Vec<_> = SourceKind::ALL
        .iter()
        .filter(|k| !shown.contains(k))
        .collect();
    assert!(missing.is_empty(), "no bundled scenario shows {missing:?}");
}

fn dispositions(sim: &Sim) -> Vec<lambdascope_sim::Disposition> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.kind {
            lambdascope_sim::Trace::Disposed { disposition, .. } => Some(disposition.clone()),
            _ => None,
        })
        .collect()
}

use lambdascope_sim::trace::{Disposition as D, FailureCondition as C};

/// Each bundled story ends the way the fact sheet says, whatever the seed.
#[test]
fn bundled_stories_match_the_fact_sheet() {
    for seed in [1, 2, 3, 42, 1234] {
        // APIGW-504: 504 at 29 s while the only run succeeds at 40 s.
        let s = run_bundled("apigw-timeout-504", seed);
        assert_eq!(
            dispositions(&s),
            vec![D::ErrorReturned {
                status: 504,
                error: "Endpoint request timed out".into()
            }]
        );
        assert_eq!(
            (s.totals().handler_runs, s.totals().function_errors),
            (1, 0)
        );

        // L-APIGW-ERR: only 200, 500 (throttle) and 502 (function error); never a retry.
        let s = run_bundled("apigw-errors", seed);
        for d in dispositions(&s) {
            match d {
                D::Succeeded {
                    status: Some(200), ..
                } => {}
                D::ErrorReturned { status: 500, error } => {
                    assert!(error.contains("TooManyRequests"), "{error}")
                }
                D::ErrorReturned { status: 502, error } => {
                    assert!(error.contains("PaymentDeclined"), "{error}")
                }
                d => panic!("unexpected {d:?}"),
            }
        }
        assert_eq!(s.totals().retries, 0);
        assert_eq!(
            s.totals().throttles,
            6,
            "bursts of 4 against reserved concurrency 2"
        );

        // L-ASYNC-ERR / L-ASYNC-REC: 3 runs then the DLQ.
        let s = run_bundled("async-retries-dlq", seed);
        assert_eq!(s.totals().handler_runs, 3);
        assert_eq!(
            dispositions(&s),
            vec![D::SentToFailureTarget {
                condition: C::RetriesExhausted,
                targets: vec!["sqs:parse-invoice-dlq".into()],
                approximate_invoke_count: 3
            }]
        );

        // L-ASYNC-REC: reserved 0 → DLQ and on-failure, zero runs, no retries.
        let s = run_bundled("zero-reserved-concurrency", seed);
        assert_eq!(s.totals().handler_runs, 0);
        assert!(dispositions(&s).iter().all(|d| matches!(d, D::SentToFailureTarget { condition: C::ZeroReservedConcurrency, approximate_invoke_count: 0, targets } if targets.len() == 2)));

        // L-ASYNC-ERR: throttles cost no retries; all ten succeed with one run each.
        let s = run_bundled("async-throttling", seed);
        assert!(s.totals().throttles > 0);
        assert_eq!(
            (
                s.totals().handler_runs,
                s.totals().succeeded,
                s.totals().function_errors
            ),
            (10, 10, 0)
        );

        // CLI-TIMEOUT: two runs for one call, and no answer.
        let s = run_bundled("custom-read-timeout", seed);
        assert_eq!(s.totals().handler_runs, 2);
        assert!(matches!(
            dispositions(&s)[..],
            [D::ErrorReturned { status: 0, .. }]
        ));

        // SDK-RETRY / L-INVOKE: statuses are 200, 200+FunctionError, or 429 after 3 sends.
        let s = run_bundled("custom-sdk-retries", seed);
        for d in dispositions(&s) {
            assert!(
                matches!(
                    d,
                    D::Succeeded {
                        status: Some(200),
                        ..
                    } | D::ErrorReturned {
                        status: 200 | 429,
                        ..
                    }
                ),
                "{d:?}"
            );
        }

        // CF-CHOOSE: viewer trigger errors are timeouts at 5 s, no retries.
        let s = run_bundled("cloudfront-edge", seed);
        assert_eq!(s.totals().handler_runs, s.totals().invocations);
        for e in s.trace() {
            if let lambdascope_sim::Trace::AttemptStarted {
                init_ends, ends, ..
            } = &e.kind
            {
                assert!(ends.since(*init_ends) <= 5000);
            }
        }

        // S3-NOTIF: duplicates run the handler again.
        let s = run_bundled("s3-duplicates", seed);
        assert_eq!(s.totals().handler_runs, s.totals().invocations);
        assert_eq!(
            s.totals().invocations,
            s.totals().events + s.totals().duplicates
        );

        // SNS-RETRY: delivery retries while unreachable; then Lambda's retry fixes the first-run error.
        let s = run_bundled("sns-unreachable", seed);
        assert!(
            s.totals().by_kind[lambdascope_sim::Trace::KIND_NAMES
                .iter()
                .position(|k| *k == "delivery_failed")
                .unwrap()]
                >= 2 * 10
        );
        assert!(s
            .trace()
            .iter()
            .filter(|e| matches!(e.kind, lambdascope_sim::Trace::DeliveryFailed { .. }))
            .all(|e| e.at.as_ms() < 20_000));
        assert_eq!((s.totals().handler_runs, s.totals().succeeded), (4, 2));

        // EB-RETRY / EB-RP: the first event cannot be delivered within 4 retries → target DLQ with
        // zero runs; the rest reach Lambda and never touch EventBridge's DLQ.
        let s = run_bundled("eventbridge-dlq", seed);
        for d in dispositions(&s) {
            match d {
                D::SentToFailureTarget {
                    condition: C::DeliveryRetriesExhausted,
                    targets,
                    approximate_invoke_count: 0,
                } => assert_eq!(targets, vec!["sqs:crm-target-dlq".to_string()]),
                D::SentToFailureTarget {
                    condition: C::RetriesExhausted,
                    targets,
                    approximate_invoke_count: 3,
                } => assert_eq!(targets, vec!["sqs:sync-crm-dlq".to_string()]),
                D::Succeeded { .. } => {}
                d => panic!("unexpected {d:?}"),
            }
        }

        // L-RESERVED: 3 warm provisioned + 3 cold spill-over.
        let s = run_bundled("provisioned-concurrency", seed);
        assert_eq!((s.totals().cold_starts, s.totals().handler_runs), (3, 6));

        // L-SCALING: 1,000 environments at once, 100 throttled and retried by the SDK.
        let s = run_bundled("scaling-rate", seed);
        let at_once = s.trace().iter().filter(|e| e.at.as_ms() == 40);
        assert_eq!(
            at_once
                .filter(|e| matches!(e.kind, lambdascope_sim::Trace::Throttled { .. }))
                .count(),
            100
        );
        assert_eq!(s.totals().cold_starts, 1100);
        assert_eq!(s.totals().succeeded, 1100);
    }
}
