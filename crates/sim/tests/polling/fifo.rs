//! FIFO queues: order per message group, a failing group held back, FIFO partial responses (§3b).

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
        err.errors[0]
            .message
            .starts_with("must be from 1 to 10 (got 11)"),
        "{}",
        err.errors[0].message
    );
}
