//! The run budget (issue 12): what a browser player holds, and how a run that would need more
//! stops — cleanly, exactly up to where it stops, with keyframes linear in the trace.

use lambdascope_sim::run::{Budget, Run};
use lambdascope_sim::trace::{Input, Trace};
use lambdascope_sim::SimTime;

use crate::common::{one_source, scenario};

fn s3_burst(count: u64) -> String {
    one_source(
        "kind = \"s3\"\nid = \"uploads\"\nbucket = \"b\"",
        "duration = { distribution = \"fixed\", ms = 800 }\nbehaviour = { kind = \"throw\" }",
        &format!("[[workload]]\nsource = \"uploads\"\ncount = {count}"),
    )
}

/// The shape of the link that blanked the page (one burst of 20,000 asynchronous events that all
/// fail), a quarter the size, against a budget a tenth of the player's (debug builds are slow).
#[test]
fn a_burst_that_needs_more_than_the_budget_stops_cleanly_at_it() {
    let s = scenario(&s3_burst(5_000));
    let budget = Budget {
        max_trace_events: 100_000,
        max_burst: 20_000,
    };
    assert!(budget.refusals(&s).is_empty());
    let run = Run::with_budget(&s, 7, Vec::new(), budget);
    let stop = run
        .stopped_early()
        .expect("5,000 failing events need more than 100,000 events");
    let len = run.trace().len();
    // One step may add a few events past the limit, never a burst's worth.
    assert!((100_000..100_064).contains(&len), "trace length {len}");
    assert_eq!(stop.limit, 100_000);
    assert_eq!(stop.at, run.trace().last().unwrap().at);
    assert!(
        stop.at > SimTime::ZERO,
        "the burst's own instant did not spend the budget"
    );
    // Everything up to the stop is exactly the unlimited run's beginning.
    let full = Run::with_budget(&s, 7, Vec::new(), Budget::UNLIMITED);
    assert!(full.stopped_early().is_none());
    assert_eq!(&full.trace()[..len], run.trace());
    // The message names where it stopped and what to change.
    let text = stop.to_string();
    assert!(text.contains("100,000 trace events"), "{text}");
    assert!(text.contains("horizon_s"), "{text}");
}

/// Keyframes are spaced by the world's size, so 5,000 live invocations are not copied every
/// 512 steps: the keyframes' count stays far below the fixed-spacing count.
#[test]
fn keyframes_of_a_large_world_are_spaced_by_its_size() {
    let s = scenario(&s3_burst(5_000));
    let run = Run::with_budget(&s, 1, Vec::new(), Budget::UNLIMITED);
    let fixed_spacing = run.trace().len() / lambdascope_sim::run::WORLD_KEYFRAME_EVERY;
    assert!(
        run.keyframe_count() * 10 < fixed_spacing,
        "{} keyframes for {} events (fixed spacing would take {fixed_spacing})",
        run.keyframe_count(),
        run.trace().len()
    );
    // A fork still lands exactly: same trace as a fresh run with the same input log.
    let at = SimTime(90_000);
    let forked = run.fork(at, Input::FailNextAttempt);
    let fresh = Run::with_budget(&s, 1, forked.inputs().to_vec(), Budget::UNLIMITED);
    assert_eq!(forked.trace(), fresh.trace());
}

/// A burst is produced in chunks, all at its instant: the events and their order within the
/// source are those of one step, and a burst's first instant cannot exceed the budget by more
/// than a chunk.
#[test]
fn a_large_burst_is_produced_at_its_instant_in_chunks() {
    let s = scenario(&s3_burst(10_000));
    let run = Run::with_budget(&s, 3, Vec::new(), Budget::UNLIMITED);
    let created: Vec<SimTime> = run
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, Trace::EventCreated { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(created.len(), 10_000);
    assert!(created.iter().all(|t| *t == SimTime::ZERO));
    let small = Budget {
        max_trace_events: 5_000,
        max_burst: 20_000,
    };
    let stopped = Run::with_budget(&s, 3, Vec::new(), small);
    assert!(stopped.stopped_early().is_some());
    assert!(
        stopped.trace().len() < 5_000 + 4 * 4096,
        "{}",
        stopped.trace().len()
    );
}

/// What the player cannot draw at all is refused up front, naming the field and the limit.
#[test]
fn a_burst_larger_than_a_player_draws_is_refused_by_name() {
    let s = scenario(&s3_burst(1_000_000));
    let refusals = Budget::PLAYER.refusals(&s);
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].0, "workload[0].count");
    assert!(
        refusals[0].1.contains("1,000,000 events in one burst"),
        "{}",
        refusals[0].1
    );
    assert!(
        refusals[0].1.contains("at most 20,000"),
        "{}",
        refusals[0].1
    );
    assert!(Budget::PLAYER
        .refusals(&scenario(&s3_burst(20_000)))
        .is_empty());
}

/// Bursts that start together count together: many workloads at one instant, or one workload
/// repeated a millisecond apart, are one burst on screen.
#[test]
fn bursts_that_start_together_are_refused_together() {
    let source = "kind = \"s3\"\nid = \"uploads\"\nbucket = \"b\"";
    let many: String = (0..25)
        .map(|_| "[[workload]]\nsource = \"uploads\"\ncount = 20000\n")
        .collect();
    let s = scenario(&one_source(source, "", &many));
    let refusals = Budget::PLAYER.refusals(&s);
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(
        refusals[0].0.starts_with("workload[0], workload[1]"),
        "{}",
        refusals[0].0
    );
    assert!(
        refusals[0]
            .1
            .contains("together start 500,000 events within one second"),
        "{}",
        refusals[0].1
    );
    let repeated = scenario(&one_source(
        source,
        "",
        "[[workload]]\nsource = \"uploads\"\ncount = 20000\nrepeat = 25\nevery_ms = 1",
    ));
    let refusals = Budget::PLAYER.refusals(&repeated);
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0].0, "workload[0]");
    // The same bursts a second apart are fine: each second draws 20,000.
    let spread = scenario(&one_source(
        source,
        "",
        "[[workload]]\nsource = \"uploads\"\ncount = 20000\nrepeat = 25\nevery_ms = 1000",
    ));
    assert!(Budget::PLAYER.refusals(&spread).is_empty());
    // A rate adds to every second.
    let with_rate = scenario(&one_source(
        source,
        "",
        "[[workload]]\nsource = \"uploads\"\ncount = 15000\n[[workload]]\nsource = \"uploads\"\npattern = \"rate\"\nrate_per_s = 6000\nduration_s = 10",
    ));
    let refusals = Budget::PLAYER.refusals(&with_rate);
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0].0, "workload[0], workload[1].rate_per_s");
}

/// Every bundled scenario runs to its horizon within the player's budget, with room to spare.
#[test]
fn every_bundled_scenario_fits_the_player_budget_thirty_times_over() {
    for (file, text) in crate::content_files::content_files("scenarios", &[]) {
        let s = lambdascope_sim::Scenario::parse(&file, &text).unwrap();
        assert!(Budget::PLAYER.refusals(&s).is_empty(), "{file}");
        let run = Run::new(&s, 1, Vec::new());
        assert!(run.stopped_early().is_none(), "{file}");
        assert!(
            run.trace().len() * 30 < Budget::PLAYER.max_trace_events,
            "{file}: {} events",
            run.trace().len()
        );
    }
}
