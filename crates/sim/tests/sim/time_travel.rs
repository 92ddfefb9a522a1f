//! Determinism, keyframes, forks and the view model.

use crate::common::*;
use lambdascope_sim::scene::EnvPhase;
use lambdascope_sim::trace::*;
use lambdascope_sim::{Run, Sim, SimTime, TimedInput};

fn busy_async() -> String {
    one_source(
        "kind = \"s3\"\nid = \"uploads\"\nduplicate_probability = 0.3",
        "behaviour = { kind = \"throw_probability\", p = 0.4 }\nduration = { distribution = \"uniform\", min_ms = 100, max_ms = 2500 }\nreserved_concurrency = 3",
        "[async]\ndead_letter_queue = { kind = \"sqs\", name = \"dlq\" }\n\n[[workload]]\nsource = \"uploads\"\npattern = \"rate\"\nrate_per_s = 5\nduration_s = 60\n",
    )
}

#[test]
fn same_seed_same_trace_other_seed_other_trace() {
    let a = run(&busy_async(), 11);
    let b = run(&busy_async(), 11);
    let c = run(&busy_async(), 12);
    assert_eq!(a.trace(), b.trace());
    assert_ne!(a.trace(), c.trace());
}

/// A keyframe is a clone: restoring it and replaying reaches the very same state.
#[test]
fn restoring_a_keyframe_and_replaying_gives_the_same_state() {
    let s = scenario(&busy_async());
    for seed in 0..10 {
        let mut sim = Sim::new(&s, seed);
        for _ in 0..300 {
            sim.step();
        }
        let keyframe = sim.clone();
        sim.run();
        let mut replay = keyframe.clone();
        replay.run();
        assert_eq!(sim.state_digest(), replay.state_digest());
        assert_eq!(sim.trace(), replay.trace());
    }
}

#[test]
fn time_never_goes_backwards() {
    let sim = run(&busy_async(), 5);
    for w in sim.trace().windows(2) {
        assert!(w[0].at <= w[1].at);
    }
}

/// Forking at t with an input equals running from scratch with that input in the log.
#[test]
fn fork_equals_a_fresh_run_with_the_same_inputs() {
    let s = scenario(&busy_async());
    let base = Run::new(&s, 3, vec![]);
    assert!(base.keyframe_count() > 2, "the test should cross keyframes");
    for at in [0u64, 5_000, 31_337, 59_000, 200_000] {
        let t = SimTime(at);
        let forked = base.fork(t, Input::FailNextAttempt);
        let fresh = Run::new(
            &s,
            3,
            vec![TimedInput {
                at: t,
                input: Input::FailNextAttempt,
            }],
        );
        assert_eq!(forked.trace(), fresh.trace(), "fork at {at}");
        // The past before t is shared with the base run.
        let prefix = base.trace().iter().take_while(|e| e.at < t).count();
        assert_eq!(&forked.trace()[..prefix], &base.trace()[..prefix]);
    }
    // Forking twice: the second fork keeps the first input when it is earlier, drops it when later.
    let f1 = base.fork(SimTime(10_000), Input::Throttle { for_ms: 5000 });
    let f2 = f1.fork(SimTime(20_000), Input::FailNextAttempt);
    assert_eq!(f2.inputs().len(), 2);
    let f3 = f2.fork(SimTime(15_000), Input::TimeOutNextAttempt);
    assert_eq!(
        f3.inputs().iter().map(|i| i.at.as_ms()).collect::<Vec<_>>(),
        vec![10_000, 15_000]
    );
    assert_eq!(f3.trace(), Run::new(&s, 3, f3.inputs().to_vec()).trace());
}

/// "Where is message 3 at 1.25 s?" is a unit test: tokens interpolate between send and arrival.
#[test]
fn scene_places_tokens_and_environments() {
    let text = one_source(
        "kind = \"api_gateway\"\nid = \"api\"",
        "init_ms = 300\nduration = { distribution = \"fixed\", ms = 1000 }",
        "[[workload]]\nsource = \"api\"\n",
    );
    let run = Run::new(&scenario(&text), 1, vec![]);
    let tl = run.timeline();
    let topo = &tl.topology;
    // 20 ms after departure, the request is halfway from the client to API Gateway.
    let s = tl.scene_at(SimTime(20));
    assert_eq!(s.tokens.len(), 1);
    assert_eq!(topo.node(s.tokens[0].from).key, "caller:api");
    assert_eq!(topo.node(s.tokens[0].to).key, "source:api");
    assert!((s.tokens[0].progress_at(20.0) - 0.5).abs() < 1e-6);
    // Between whole milliseconds the token is drawn between them (40 ms hop: 1/80 per half ms).
    let t = &s.tokens[0];
    assert_eq!((t.departs, t.arrives), (SimTime(0), SimTime(40)));
    assert!((t.progress_at(20.5) - 20.5 / 40.0).abs() < 1e-6);
    assert!((t.progress_at(19.75) - 19.75 / 40.0).abs() < 1e-6);
    assert_eq!((t.progress_at(-3.0), t.progress_at(41.0)), (0.0, 1.0));
    assert_eq!(s.nodes[topo.sources[0].1.unwrap().0 as usize].waiting, 1);
    // At 250 ms the environment is initialising; at 1,250 ms the handler is busy.
    assert_eq!(
        tl.scene_at(SimTime(250)).environments[0].phase,
        EnvPhase::Initializing
    );
    let s = tl.scene_at(SimTime(1250));
    assert_eq!(s.environments[0].phase, EnvPhase::Busy);
    assert_eq!(s.concurrency_in_use, 1);
    assert!(s.tokens.is_empty());
    // After the answer arrives the caller has seen 200 and the environment is idle (warm).
    let s = tl.scene_at(SimTime(2000));
    assert_eq!(
        s.nodes[topo.sources[0].1.unwrap().0 as usize].last_status,
        Some(200)
    );
    assert_eq!(s.environments[0].phase, EnvPhase::Idle);
    assert_eq!(s.counters.succeeded, 1);
}

/// Scrubbing: the scene at t is the same whether reached forwards, backwards, or from a keyframe.
#[test]
fn scene_at_is_a_pure_function_of_time() {
    let run = Run::new(&scenario(&busy_async()), 8, vec![]);
    let tl = run.timeline();
    assert!(tl.trace.len() > 3 * lambdascope_sim::scene::KEYFRAME_EVERY);
    let times: Vec<SimTime> = (0..60).map(|i| SimTime(i * 4_567)).collect();
    let forward: Vec<_> = times.iter().map(|t| tl.scene_at(*t)).collect();
    let backward: Vec<_> = times.iter().rev().map(|t| tl.scene_at(*t)).collect();
    for (f, b) in forward.iter().zip(backward.iter().rev()) {
        assert_eq!(f, b);
    }
    // Compare a keyframe-accelerated scene with a fold from scratch (a timeline with no keyframes).
    let s = tl.scene_at(SimTime(123_456));
    let scratch = lambdascope_sim::Timeline::new(
        tl.topology.clone(),
        tl.trace[..tl.index_at(SimTime(123_456))].to_vec(),
    );
    assert_eq!(
        s.queue_depth,
        scratch.scene_at(SimTime(123_456)).queue_depth
    );
    assert_eq!(s.counters, scratch.scene_at(SimTime(123_456)).counters);
}

/// A cursor carried from frame to frame sees what `scene_at` sees, on every bundled scenario and
/// many seeds, along a player's walk: frame-sized steps (some with no event in them, some with
/// many), the same instant twice (paused), seeks back, and jumps past several keyframes.
#[test]
fn a_scene_carried_forward_by_a_cursor_equals_scene_at() {
    let files = crate::content_files::content_files("scenarios", &[]);
    assert!(files.len() > 30);
    let mut rng = lambdascope_sim::rng::Rng::new(0x9e37_79b9_7f4a_7c15);
    let mut next = |n: u64| rng.range_inclusive(0, n.max(1) - 1);
    let (mut reused_steps, mut checked) = (0, 0);
    for (name, text) in files
        .iter()
        .chain([(String::from("busy"), busy_async())].iter())
    {
        for seed in 0..4 {
            let run = Run::new(&scenario(text), seed, vec![]);
            let tl = run.timeline();
            let end = tl.end().as_ms() + 100;
            let mut cursor = lambdascope_sim::SceneCursor::default();
            let mut t = 0u64;
            for _ in 0..160 {
                let before = t;
                t = match next(20) {
                    0 => t.saturating_sub(next(end / 3 + 1)), // seek back
                    1 => t + next(end / 2 + 1),               // jump ahead
                    2 => t,                                   // paused
                    _ => t + 1 + next(end / 200 + 16),        // a frame at some speed
                }
                .min(end);
                if t >= before {
                    reused_steps += 1;
                }
                let carried = tl.scene_from(&mut cursor, SimTime(t));
                assert_eq!(
                    carried,
                    tl.scene_at(SimTime(t)),
                    "{name}, seed {seed}, {before} ms → {t} ms"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 20_000 && reused_steps > checked / 2,
        "{checked} scenes, {reused_steps} forward"
    );
}

/// Retry countdowns are visible in the scene while an event waits in the queue.
#[test]
fn retry_timer_counts_down() {
    let text = one_source(
        "kind = \"custom\"\nid = \"app\"\ninvocation_type = \"event\"",
        "behaviour = { kind = \"throw_first\", attempts = 1 }\ninit_ms = 0\nduration = { distribution = \"fixed\", ms = 500 }",
        "[[workload]]\nsource = \"app\"\n",
    );
    let run = Run::new(&scenario(&text), 1, vec![]);
    let tl = run.timeline();
    let s = tl.scene_at(SimTime(30_000));
    assert_eq!(s.retry_timers.len(), 1);
    let first_end = 40 + 100 + 40 + 500;
    assert_eq!(s.retry_timers[0].remaining_ms, first_end + 60_000 - 30_000);
    assert_eq!(s.queue_depth, 1);
    // Idle-gap compression: the minute of waiting is one gap.
    let gaps = tl.idle_gaps(5_000);
    assert!(gaps.iter().any(|(a, b)| b.since(*a) > 55_000), "{gaps:?}");
    // Markers show the error and the retry.
    let kinds: Vec<_> = tl.markers().iter().map(|m| m.kind).collect();
    assert!(kinds.contains(&lambdascope_sim::scene::MarkerKind::Error));
    assert!(kinds.contains(&lambdascope_sim::scene::MarkerKind::Retry));
}

/// Aggregate retention keeps the same totals without the trace.
#[test]
fn aggregate_retention_counts_the_same() {
    let s = scenario(&busy_async());
    let mut full = Sim::new(&s, 4);
    full.run();
    let mut agg = Sim::with_retention(&s, 4, lambdascope_sim::Retention::Aggregates);
    agg.run();
    assert!(agg.trace().is_empty());
    assert_eq!(full.totals(), agg.totals());
}

/// A share link carries the whole state: scenario, seed and fault log → URL → the same trace.
#[test]
fn share_link_round_trip_reproduces_the_trace() {
    use lambdascope_sim::share::{ScenarioRef, ShareState};
    let text = busy_async();
    let s = scenario(&text);
    let base = Run::new(&s, 21, vec![]);
    let forked = base
        .fork(SimTime(12_000), Input::FailNextAttempt)
        .fork(SimTime(20_000), Input::Throttle { for_ms: 4_000 });
    for scenario_ref in [
        ScenarioRef::Inline(text.clone()),
        ScenarioRef::Bundled("t".into()),
    ] {
        let state = ShareState {
            scenario: Some(scenario_ref),
            seed: Some(21),
            inputs: forked.inputs().to_vec(),
            t: Some(SimTime(25_000)),
            ..Default::default()
        };
        let back = ShareState::from_query(&state.to_query()).unwrap();
        assert_eq!(back, state);
        let reopened = Run::new(&s, back.seed.unwrap(), back.inputs.clone());
        assert_eq!(reopened.trace(), forked.trace());
        assert_eq!(
            reopened.timeline().scene_at(back.t.unwrap()),
            forked.timeline().scene_at(SimTime(25_000))
        );
    }
}

/// The benchmark's record (issue 16: `scripts/bench-sim --wasm` compares it across targets):
/// the same totals whether or not the trace is kept, and the digest only when it is.
#[test]
fn bench_record_carries_totals_and_the_trace_digest() {
    let s = scenario(&busy_async());
    let mut full = Sim::with_retention(&s, 3, lambdascope_sim::Retention::Full);
    full.run();
    let mut agg = Sim::with_retention(&s, 3, lambdascope_sim::Retention::Aggregates);
    agg.run();
    let digest = format!("{:016x}", lambdascope_sim::rng::trace_digest(full.trace()));
    let full_json = full.bench_json(1.5);
    let agg_json = agg.bench_json(1.5);
    assert!(full_json.starts_with("{\"secs\":1.5,"), "{full_json}");
    assert!(
        full_json.contains(&format!("\"digest\":\"{digest}\"")),
        "{full_json}"
    );
    assert!(agg_json.contains("\"digest\":null"), "{agg_json}");
    let totals = |j: &str| j[j.find("\"totals\":").unwrap()..].to_string();
    assert_eq!(totals(&full_json), totals(&agg_json));
    assert!(totals(&full_json).contains(&format!("trace_events: {}", full.trace().len())));
}
