//! Synchronous invocation: §1 and §7 of the fact sheet.

use crate::common::*;
use lambdascope_sim::trace::*;

const HOP: u64 = 40;

fn apigw(function: &str, source_extra: &str) -> String {
    one_source(
        &format!("kind = \"api_gateway\"\nid = \"api\"\n{source_extra}"),
        function,
        "[[workload]]\nsource = \"api\"\n",
    )
}

/// L-APIGW-ERR / APIGW-504: the client gets 504 at the 29 s integration timeout while the
/// function keeps running to its own end at 40 s; no retry.
#[test]
fn api_gateway_504_at_29s_while_function_finishes_at_40s() {
    for seed in 0..20 {
        let sim = run(
            &apigw(
                "timeout_s = 60\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 40000 }",
                "",
            ),
            seed,
        );
        let runs = attempts(&sim, 0);
        assert_eq!(
            runs.len(),
            1,
            "API Gateway and Lambda never retry (L-RETRIES)"
        );
        // Request reaches API Gateway after one hop, Lambda after two.
        assert_eq!(
            runs[0],
            (2 * HOP, 2 * HOP + 40_000, AttemptOutcome::Succeeded)
        );
        let gave_up = first_at(&sim, |t| matches!(t, Trace::CallerGaveUp { .. })).unwrap();
        assert_eq!(
            gave_up.as_ms(),
            HOP + 29_000,
            "integration timeout counts from API Gateway's send"
        );
        let (at, d) = disposition(&sim, 0).unwrap();
        assert_eq!(at, HOP + 29_000 + HOP);
        assert_eq!(
            d,
            Disposition::ErrorReturned {
                status: 504,
                error: "Endpoint request timed out".into()
            }
        );
        assert!(
            at < runs[0].1,
            "the 504 arrives before the function finishes"
        );
    }
}

/// L-APIGW-ERR: the function ran and threw → 502, once.
#[test]
fn api_gateway_502_on_function_error() {
    let sim = run(
        &apigw(
            "behaviour = { kind = \"throw\" }\nerror_type = \"OrderInvalid\"",
            "",
        ),
        1,
    );
    assert_eq!(attempts(&sim, 0).len(), 1);
    match disposition(&sim, 0).unwrap().1 {
        Disposition::ErrorReturned { status: 502, error } => {
            assert!(error.contains("OrderInvalid"), "{error}")
        }
        d => panic!("expected 502, got {d:?}"),
    }
}

/// L-APIGW-ERR / APIGW-RP429: Lambda throttles (reserved concurrency 0) → 500, code never runs.
#[test]
fn api_gateway_500_on_throttle() {
    let sim = run(&apigw("reserved_concurrency = 0", ""), 1);
    assert!(attempts(&sim, 0).is_empty());
    assert_eq!(
        count(&sim, |t| matches!(
            t,
            Trace::Throttled {
                reason: ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded,
                ..
            }
        )),
        1
    );
    assert!(matches!(
        disposition(&sim, 0).unwrap().1,
        Disposition::ErrorReturned { status: 500, .. }
    ));
}

/// APIGW-HTTPQ: an HTTP API's timeout defaults to 30 s (and cannot exceed it).
#[test]
fn http_api_times_out_at_30s() {
    let sim = run(
        &apigw(
            "timeout_s = 60\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 45000 }",
            "api_type = \"http\"",
        ),
        1,
    );
    assert_eq!(
        first_at(&sim, |t| matches!(t, Trace::CallerGaveUp { .. }))
            .unwrap()
            .as_ms(),
        HOP + 30_000
    );
}

/// L-TIMEOUT: a function that runs past its timeout is cut at the timeout; API Gateway shows 502.
#[test]
fn function_timeout_is_a_502_behind_api_gateway() {
    let sim = run(
        &apigw(
            "timeout_s = 3\ninit_ms = 0\nbehaviour = { kind = \"time_out\" }",
            "",
        ),
        1,
    );
    let runs = attempts(&sim, 0);
    assert_eq!(
        runs,
        vec![(2 * HOP, 2 * HOP + 3000, AttemptOutcome::TimedOut)]
    );
    assert!(matches!(
        disposition(&sim, 0).unwrap().1,
        Disposition::ErrorReturned { status: 502, .. }
    ));
}

/// L-INVOKE: a 7 MB request is refused with 413 before running; API Gateway maps the refusal to 500.
#[test]
fn oversized_sync_payload_is_refused() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"",
        "",
        "[[workload]]\nsource = \"app\"\npayload_bytes = 7340032\n",
    );
    let sim = run(&text, 1);
    assert!(attempts(&sim, 0).is_empty());
    assert_eq!(
        disposition(&sim, 0).unwrap().1,
        Disposition::ErrorReturned {
            status: 413,
            error: "RequestTooLargeException".into()
        }
    );
}

/// L-INVOKE + SDK-RETRY: a function error is 200 + FunctionError and the SDK does not retry it.
#[test]
fn custom_invoke_function_error_is_200_and_not_retried() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"",
        "behaviour = { kind = \"throw\" }",
        "[[workload]]\nsource = \"app\"\n",
    );
    let sim = run(&text, 1);
    assert_eq!(attempts(&sim, 0).len(), 1);
    match disposition(&sim, 0).unwrap().1 {
        Disposition::ErrorReturned { status: 200, error } => {
            assert!(error.contains("FunctionError: Handled"), "{error}")
        }
        d => panic!("{d:?}"),
    }
}

/// SDK-RETRY: a 429 is retried by the SDK, 3 attempts in total, with jittered backoff.
#[test]
fn custom_invoke_throttle_is_retried_three_times_by_the_sdk() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"",
        "reserved_concurrency = 0",
        "[[workload]]\nsource = \"app\"\n",
    );
    let mut delays = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let sim = run(&text, seed);
        assert_eq!(count(&sim, |t| matches!(t, Trace::Throttled { .. })), 3);
        assert_eq!(
            count(&sim, |t| matches!(
                t,
                Trace::Sent {
                    message: Message::Invoke { .. },
                    ..
                }
            )),
            3
        );
        let d = disposition(&sim, 0).unwrap();
        assert!(matches!(
            d.1,
            Disposition::ErrorReturned { status: 429, .. }
        ));
        for e in sim.trace() {
            if let Trace::RetryScheduled {
                due,
                reason: RetryReason::SdkThrottleRetry,
                next_try,
                ..
            } = &e.kind
            {
                let cap = 1000 * (1 << (next_try - 2));
                assert!(
                    due.since(e.at) <= cap,
                    "backoff {} above cap {cap}",
                    due.since(e.at)
                );
                delays.insert(due.since(e.at));
            }
        }
    }
    assert!(delays.len() > 10, "backoff is jittered: {delays:?}");
}

/// CLI-TIMEOUT: the client's 60 s read timeout re-sends a 70 s call, so the handler runs twice.
#[test]
fn client_read_timeout_runs_the_function_twice() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"\nread_timeout_ms = 60000\nsdk_max_attempts = 2",
        "timeout_s = 900\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 70000 }",
        "[[workload]]\nsource = \"app\"\n",
    );
    let sim = run(&text, 1);
    let runs = attempts(&sim, 0);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0].0, HOP);
    assert_eq!(
        runs[1].0,
        60_000 + HOP,
        "the re-send leaves at the read timeout"
    );
    assert_eq!(
        disposition(&sim, 0).unwrap(),
        (
            120_000,
            Disposition::ErrorReturned {
                status: 0,
                error: "ReadTimeout: no answer within 60000 ms".into()
            }
        )
    );
}

/// CF-CHOOSE: a viewer trigger caps the function at 5 s; the viewer sees 503 ("Lambda limit
/// exceeded", CF-ERR, §7), no retry.
#[test]
fn lambda_at_edge_viewer_trigger_cuts_at_5s() {
    let text = one_source(
        "kind = \"cloudfront\"\nid = \"cdn\"\ntrigger = \"viewer_request\"",
        "timeout_s = 30\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 8000 }",
        "[[workload]]\nsource = \"cdn\"\n",
    );
    let sim = run(&text, 1);
    assert_eq!(
        attempts(&sim, 0),
        vec![(2 * HOP, 2 * HOP + 5000, AttemptOutcome::TimedOut)]
    );
    // Answered at the front door two hops after the cut, at the viewer two more.
    assert_eq!(
        disposition(&sim, 0),
        Some((
            2 * HOP + 5000 + 2 * HOP,
            Disposition::ErrorReturned {
                status: 503,
                error: "FunctionError: Unhandled (Task timed out)".into()
            }
        ))
    );
}

/// §7 (CF-ERR): what the viewer gets depends on how the edge function failed — it threw → 503,
/// throttled → 503, oversized generated response → 502 (a parameter: AMPLIFY reports 503).
#[test]
fn lambda_at_edge_status_by_failure_kind() {
    let cdn = "kind = \"cloudfront\"\nid = \"cdn\"\ntrigger = \"viewer_response\"";
    let status = |function: &str, extra_source: &str| {
        let text = one_source(
            &format!("{cdn}{extra_source}"),
            function,
            "[[workload]]\nsource = \"cdn\"\n",
        );
        match disposition(&run(&text, 1), 0).unwrap().1 {
            Disposition::ErrorReturned { status, .. } => status,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(status("behaviour = { kind = \"throw\" }", ""), 503);
    assert_eq!(status("reserved_concurrency = 0", ""), 503);
    assert_eq!(status("response_bytes = 51200", ""), 502);
    assert_eq!(
        status(
            "response_bytes = 51200",
            "\noversized_response_status = 503"
        ),
        503
    );
    assert_eq!(
        status("behaviour = { kind = \"throw\" }", "\nerror_status = 500"),
        500
    );
}

/// CF-QUOTA: a viewer function may generate at most 40 KB; 50 KB is an error to the viewer.
#[test]
fn lambda_at_edge_response_size_limit() {
    let text = one_source(
        "kind = \"cloudfront\"\nid = \"cdn\"\ntrigger = \"viewer_response\"",
        "response_bytes = 51200",
        "[[workload]]\nsource = \"cdn\"\n",
    );
    let sim = run(&text, 1);
    assert_eq!(
        attempts(&sim, 0)[0].2,
        AttemptOutcome::ResponseTooLarge {
            limit_bytes: 40 * 1024
        }
    );
    assert!(matches!(
        disposition(&sim, 0).unwrap().1,
        Disposition::ErrorReturned { status: 502, .. }
    ));
    // The same response from an origin trigger fits in 1 MB.
    let origin = text.replace("viewer_response", "origin_response");
    assert!(matches!(
        disposition(&run(&origin, 1), 0).unwrap().1,
        Disposition::Succeeded {
            status: Some(200),
            ..
        }
    ));
}
