//! Properties over random scenarios and seeds: SQS conservation, FIFO group order, stream key
//! order, determinism.

use super::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

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
    // Failing seeds are kept beside this file (`properties.proptest-regressions`): proptest's
    // default would put them in `tests/proptest-regressions/properties.txt`, the `sim` binary's.
    #![proptest_config(ProptestConfig {
        cases: crate::soak::cases(96),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

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
