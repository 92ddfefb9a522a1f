//! Properties over random valid scenarios and seeds: no panic, time moves forward, every
//! invocation ends in exactly one disposition or is still in flight, limits hold, runs repeat.

use std::collections::{BTreeMap, BTreeSet};

use lambdascope_sim::scenario::*;
use lambdascope_sim::trace::*;
use lambdascope_sim::{Scenario, Sim};
use proptest::prelude::*;

fn source_strategy(i: usize) -> impl Strategy<Value = Source> {
    let id = format!("s{i}");
    prop_oneof![
        (0u64..35_000, any::<bool>()).prop_map({
            let id = id.clone();
            move |(t, http)| {
                Source::ApiGateway(ApiGatewaySource {
                    id: id.clone(),
                    api_type: if http { ApiType::Http } else { ApiType::Rest },
                    integration_timeout_ms: Some(50 + t.min(if http { 29_950 } else { 28_950 })),
                    timeout_quota_raised: false,
                })
            }
        }),
        (any::<bool>(), 1u32..6).prop_map({
            let id = id.clone();
            move |(viewer, status)| {
                Source::Cloudfront(CloudfrontSource {
                    id: id.clone(),
                    trigger: if viewer {
                        EdgeTrigger::ViewerRequest
                    } else {
                        EdgeTrigger::OriginRequest
                    },
                    viewer_timeout_s: 5,
                    origin_timeout_s: 30,
                    viewer_response_limit_bytes: 40 * 1024,
                    origin_response_limit_bytes: 1024 * 1024,
                    error_status: 500 + status as u16,
                    throttle_status: 503,
                    oversized_response_status: 502,
                })
            }
        }),
        (
            any::<bool>(),
            1u32..4,
            proptest::option::of(1_000u64..20_000)
        )
            .prop_map({
                let id = id.clone();
                move |(event, attempts, rt)| {
                    Source::Custom(CustomSource {
                        id: id.clone(),
                        invocation_type: if event {
                            InvocationType::Event
                        } else {
                            InvocationType::RequestResponse
                        },
                        sdk_max_attempts: attempts,
                        sdk_backoff_base_ms: 100,
                        sdk_max_backoff_ms: 2000,
                        read_timeout_ms: rt,
                    })
                }
            }),
        (0u64..3000, 0u32..3).prop_map({
            let id = id.clone();
            move |(delay, dup)| {
                Source::S3(S3Source {
                    id: id.clone(),
                    bucket: "b".into(),
                    delivery_delay_ms: delay,
                    late_delivery_probability: dup as f64 * 0.1,
                    late_delivery_delay_ms: 60_000,
                    duplicate_probability: dup as f64 * 0.25,
                })
            }
        }),
        (0u64..5000).prop_map({
            let id = id.clone();
            move |u| {
                Source::Sns(SnsSource {
                    id: id.clone(),
                    topic: "t".into(),
                    unreachable_for_ms: u,
                    dead_letter_queue: (u % 2 == 0).then(|| "sns-dlq".into()),
                })
            }
        }),
        (0u32..5, 60u32..200, 0u64..200_000, any::<bool>()).prop_map(move |(r, age, u, dlq)| {
            Source::EventBridge(EventBridgeSource {
                id: id.clone(),
                bus: "b".into(),
                maximum_retry_attempts: r,
                maximum_event_age_s: age,
                dead_letter_queue: dlq.then(|| "q".into()),
                unreachable_for_ms: u,
                retry_backoff_initial_ms: 500,
                retry_backoff_max_ms: 10_000,
            })
        }),
    ]
}

fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    let behaviour = prop_oneof![
        Just(Behaviour::Succeed),
        Just(Behaviour::Throw),
        (0u32..4).prop_map(|a| Behaviour::ThrowFirst { attempts: a }),
        (0u32..=4).prop_map(|p| Behaviour::ThrowProbability { p: p as f64 / 4.0 }),
        Just(Behaviour::TimeOut),
        (1u32..4).prop_map(|f| Behaviour::Slow { factor: f }),
    ];
    let function = (
        1u32..20,
        1u64..3000,
        0u64..3000,
        behaviour,
        proptest::option::of(0u32..6),
        0u32..3,
    );
    let async_cfg = (
        0u32..=2,
        60u32..400,
        0u32..3,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let sources = (1usize..4).prop_flat_map(|n| (0..n).map(source_strategy).collect::<Vec<_>>());
    let loads = proptest::collection::vec(
        (0usize..3, 1u64..6, 0u64..20_000, 1u64..3, 0u64..2_000_000),
        1..4,
    );
    (function, async_cfg, sources, loads).prop_map(
        |(
            (timeout, dur, init, behaviour, reserved, prov),
            (retries, age, dup, dlq, onf, ons),
            sources,
            loads,
        )| {
            let provisioned = reserved.map_or(prov, |r| prov.min(r));
            // Lambda@Edge functions cannot use provisioned concurrency (CF-RESTR).
            let provisioned = if sources.iter().any(|s| matches!(s, Source::Cloudfront(_))) {
                0
            } else {
                provisioned
            };
            let n = sources.len();
            let workload = loads
                .into_iter()
                .map(|(s, count, at, repeat, bytes)| Workload {
                    source: format!("s{}", s % n),
                    pattern: Pattern::Burst,
                    at_ms: at,
                    count,
                    repeat,
                    every_ms: 7_000,
                    rate_per_s: 0,
                    duration_s: 0,
                    payload_bytes: bytes,
                })
                .collect();
            let dest = |name: &str| Destination {
                kind: DestinationKind::Sqs,
                name: name.into(),
                fifo: false,
            };
            let file = ScenarioFile {
                format_version: 1,
                id: "prop".into(),
                title: "property".into(),
                summary: String::new(),
                horizon_s: 900,
                network: Network::default(),
                account: Account {
                    concurrency: 20,
                    minimum_unreserved: 10,
                    scaling_rate_per_10s: 5,
                    // Other functions hold part of the unreserved pool (never more than what a
                    // reservation of up to 10 leaves).
                    other_functions_concurrency: 2,
                },
                function: Function {
                    timeout_s: timeout,
                    duration: DurationDist::Uniform {
                        min_ms: 1,
                        max_ms: dur,
                    },
                    init_ms: init,
                    behaviour,
                    reserved_concurrency: reserved,
                    provisioned_concurrency: provisioned,
                    ..Function::default()
                },
                async_config: AsyncConfig {
                    maximum_retry_attempts: retries,
                    maximum_event_age_s: age,
                    duplicate_probability: dup as f64 * 0.2,
                    dead_letter_queue: dlq.then(|| dest("dlq")),
                    on_failure: onf.then(|| dest("fail")),
                    on_success: ons.then(|| dest("ok")),
                    ..AsyncConfig::default()
                },
                sources,
                workload,
            };
            Scenario::from_file(file)
                .unwrap_or_else(|e| panic!("generator made an invalid scenario: {e:?}"))
        },
    )
}

fn check_invariants(s: &Scenario, sim: &Sim) {
    let trace = sim.trace();
    let mut created: BTreeMap<InvocationId, (usize, bool)> = BTreeMap::new();
    let mut disposed: BTreeSet<InvocationId> = BTreeSet::new();
    let mut runs: BTreeMap<InvocationId, u32> = BTreeMap::new();
    let mut accepted: BTreeMap<InvocationId, u64> = BTreeMap::new();
    let mut busy: i64 = 0;
    let limit = s
        .file
        .function
        .reserved_concurrency
        .unwrap_or(s.file.account.concurrency) as i64;
    for (i, e) in trace.iter().enumerate() {
        if i > 0 {
            assert!(trace[i - 1].at <= e.at, "time went backwards at {i}");
        }
        match &e.kind {
            Trace::EventCreated {
                inv,
                source,
                duplicate,
                ..
            } => {
                let idx = sim
                    .topology()
                    .sources
                    .iter()
                    .position(|(n, _)| n == source)
                    .unwrap();
                assert!(
                    created.insert(*inv, (idx, *duplicate)).is_none(),
                    "invocation created twice"
                );
            }
            Trace::Disposed { inv, .. } => {
                assert!(created.contains_key(inv), "disposed before created");
                assert!(disposed.insert(*inv), "invocation {inv:?} disposed twice");
            }
            Trace::Enqueued { inv, .. } => {
                accepted.entry(*inv).or_insert(e.at.as_ms());
            }
            Trace::AttemptStarted { inv, .. } => {
                *runs.entry(*inv).or_default() += 1;
                busy += 1;
                assert!(busy <= limit, "concurrency {busy} over limit {limit}");
                let (src, _) = created[inv];
                if s.file.sources[src].method() == Method::Asynchronous {
                    // Nothing runs after the event's maximum age (L-ASYNC-CFG).
                    let age = e.at.as_ms() - accepted[inv];
                    assert!(
                        age <= s.file.async_config.maximum_event_age_s as u64 * 1000,
                        "attempt at age {age} ms"
                    );
                }
            }
            Trace::AttemptFinished { .. } => busy -= 1,
            _ => {}
        }
    }
    // Conservation: every invocation is disposed exactly once or still in flight at the horizon.
    let in_flight = created.len() - disposed.len();
    assert_eq!(sim.totals().invocations as usize, created.len());
    assert!(sim.live_invocations() >= in_flight);
    // Attempt limits per invocation model.
    for (inv, n) in &runs {
        let (src, _) = created[inv];
        let max = match &s.file.sources[src] {
            Source::Custom(CustomSource {
                invocation_type: InvocationType::RequestResponse,
                sdk_max_attempts,
                ..
            }) => *sdk_max_attempts,
            src if src.method() == Method::Synchronous => 1,
            _ => 1 + s.file.async_config.maximum_retry_attempts,
        };
        assert!(
            *n <= max,
            "invocation {inv:?} ran {n} times, at most {max} allowed"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::soak::cases(96), ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_the_invariants(s in scenario_strategy(), seed in any::<u64>()) {
        let _timer = crate::soak::time_case("random_scenarios_keep_the_invariants", || {
            format!("seed {seed}: {}", s.to_table()).replace('\n', " ")
        });
        let mut sim = Sim::new(&s, seed);
        sim.run();
        check_invariants(&s, &sim);
        let mut again = Sim::new(&s, seed);
        again.run();
        prop_assert_eq!(sim.trace(), again.trace());
        // The view model folds the whole trace without panicking, and its counters are the
        // run's totals, every one of them (one fold, `Totals::count`, for both).
        let tl = lambdascope_sim::Timeline::new(sim.topology().clone(), sim.trace().to_vec());
        let end = tl.scene_at(sim.horizon());
        prop_assert_eq!(&end.counters, sim.totals());
        for i in 0..sim.trace().len() {
            let _ = lambdascope_sim::narrate::sentence(sim.topology(), sim.trace(), i);
        }
    }
}
