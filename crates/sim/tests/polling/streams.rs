//! Kinesis and DynamoDB Streams: shards, poll cadence, blocking retries, bisection, on-failure
//! destinations, starting positions, parallelization, batching windows (§3c).

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
