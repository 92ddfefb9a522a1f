//! A whole run, kept for time travel: the trace (as a [`Timeline`]), world keyframes, and the
//! input log. Forking at `t` restores the last keyframe at or before `t`, replays to `t`, applies
//! the new input and runs on — RaftScope's fork, made exact by determinism. The input log plus
//! scenario and seed is the whole state of a share link.

use serde::Serialize;

use crate::scenario::Scenario;
use crate::scene::Timeline;
use crate::time::SimTime;
use crate::trace::{Input, TraceEvent};
use crate::world::Sim;

/// World keyframe spacing, in steps, while the world is small. A larger world is keyframed less
/// often: never before as many steps as the entries a copy of it holds
/// ([`Sim::state_size`]), so keyframes together cost at most about one copied entry per step
/// (memory linear in the run, not quadratic in a burst), and a fork replays at most about as many
/// steps as copying the keyframe already cost.
pub const WORLD_KEYFRAME_EVERY: usize = 512;

/// How much one run may hold. The simulation's cost grows with its trace (every event is kept for
/// time travel, plus keyframes linear in it), so a budget on trace events is a budget on memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub max_trace_events: usize,
    /// Most events that may start within one second (bursts summed over workloads and repeats,
    /// plus rates): every one of them is on screen at once, so this bounds what a frame draws,
    /// and a run's first instant cannot spend the whole budget.
    pub max_burst: u64,
}

impl Budget {
    /// What a browser player holds: 500,000 trace events. Measured (`e2e/budget.test.mjs`, the
    /// renderer's peak memory against a tiny scenario's): a run that reaches 1,000,000 events
    /// cost the page about 200 MB, mostly the trace, its growth and the timeline's keyframes;
    /// at 500,000 about 100 MB, which leaves room under the player's 256 MB for a fork (a fault
    /// injected into such a run builds the new run beside the old one). Every bundled scenario
    /// and lesson is over 30× below it (the largest, sqs-scaling, has 14,468 events).
    pub const PLAYER: Budget = Budget {
        max_trace_events: 500_000,
        max_burst: 20_000,
    };
    /// No limit (tests and tools that know their input).
    pub const UNLIMITED: Budget = Budget {
        max_trace_events: usize::MAX,
        max_burst: u64::MAX,
    };

    /// What this budget refuses up front, each problem naming its field, the limit and where
    /// the scenario can run instead. A scenario that passes runs to its horizon or stops cleanly
    /// at the trace budget ([`Run::stopped_early`]).
    pub fn refusals(&self, scenario: &Scenario) -> Vec<(String, String)> {
        use crate::scenario::Pattern;
        let mut out = Vec::new();
        let limit = group_thousands(self.max_burst);
        // Every burst's start, in one-second windows, summed over workloads and repeats (25
        // workloads of 20,000 at the same instant are one burst of 500,000 on screen); a rate
        // workload adds its rate to every window (an upper bound: it may not overlap them all).
        let mut windows: Vec<(u64, u64, usize)> = Vec::new();
        let mut rates = 0u64;
        for (i, w) in scenario.file.workload.iter().enumerate() {
            match w.pattern {
                Pattern::Burst if w.count > self.max_burst => out.push((
                    format!("workload[{i}].count"),
                    format!(
                        "{} events in one burst is more than a player in the browser draws at \
                         once: at most {limit} here (the CLI runs up to 1,000,000: lambdascope run FILE)",
                        group_thousands(w.count),
                    ),
                )),
                Pattern::Burst => windows.extend(
                    (0..w.repeat.max(1))
                        .map(|k| ((w.at_ms + k * w.every_ms) / 1000, w.count, i)),
                ),
                Pattern::Rate => rates = rates.saturating_add(w.rate_per_s),
            }
        }
        if !out.is_empty() {
            return out;
        }
        crate::order::sort_by_u64_key(&mut windows, |w| w.0);
        let mut busiest: Option<(u64, u64, Vec<usize>)> = None;
        for group in windows.chunk_by(|a, b| a.0 == b.0) {
            let events = group.iter().map(|w| w.1).sum::<u64>().saturating_add(rates);
            if busiest.as_ref().is_none_or(|b| events > b.1) {
                // In workload order, once each (the program's one numeric sort: see
                // ARCHITECTURE.md on why `sort_unstable` is not used).
                let mut who: Vec<usize> = group.iter().map(|w| w.2).collect();
                crate::order::sort_by_u64_key(&mut who, |w| *w as u64);
                who.dedup();
                busiest = Some((group[0].0, events, who));
            }
        }
        let (second, events, who) = match busiest {
            Some(b) => b,
            None => (0, rates, Vec::new()),
        };
        if events > self.max_burst {
            let mut fields: Vec<String> = who.iter().map(|i| format!("workload[{i}]")).collect();
            fields.extend(
                scenario
                    .file
                    .workload
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.pattern == Pattern::Rate)
                    .map(|(i, _)| format!("workload[{i}].rate_per_s")),
            );
            out.push((
                fields.join(", "),
                format!(
                    "together start {} events within one second (from {} s) — more than a \
                     player in the browser draws at once: at most {limit} here (the CLI has no \
                     such limit: lambdascope run FILE)",
                    group_thousands(events),
                    second
                ),
            ));
        }
        out
    }
}

/// Where a run stopped because it reached its [`Budget`]: everything before `at` is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetStop {
    /// The simulated instant of the last event kept.
    pub at: SimTime,
    /// The budget's limit, in trace events.
    pub limit: usize,
}

impl std::fmt::Display for BudgetStop {
    /// What the player shows: where the run stopped, which limit, and how to go further.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "This run stopped at {} of simulated time: a player in the browser keeps at most {} \
             trace events, and this scenario produces more. Everything up to there is exact. \
             Shorten horizon_s or lower the workload's count, rate_per_s or repeat to see the \
             end here, or run it to its horizon with the CLI (lambdascope run FILE).",
            self.at,
            group_thousands(self.limit as u64)
        )
    }
}

/// `1000000` → `1,000,000`.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One intervention at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimedInput {
    pub at: SimTime,
    pub input: Input,
}

#[derive(Clone, Debug)]
pub struct Run {
    scenario: Scenario,
    seed: u64,
    inputs: Vec<TimedInput>,
    timeline: Timeline,
    /// (trace length at the keyframe, world at that point).
    keyframes: Vec<(usize, Sim)>,
    totals: crate::totals::Totals,
    budget: Budget,
    stopped: Option<BudgetStop>,
}

/// A keyframe without its trace (the trace lives once, in the timeline): (trace length, world).
fn keyframe_of(sim: &mut Sim) -> (usize, Sim) {
    let trace = std::mem::take(&mut sim.trace);
    let kf = (trace.len(), sim.clone());
    sim.trace = trace;
    kf
}

impl Run {
    /// Runs `scenario` with `seed` and `inputs` (sorted by time; ties keep their order) to the
    /// horizon, or until the player's [`Budget::PLAYER`] is reached ([`Run::stopped_early`]).
    pub fn new(scenario: &Scenario, seed: u64, inputs: Vec<TimedInput>) -> Run {
        Run::with_budget(scenario, seed, inputs, Budget::PLAYER)
    }

    /// [`Run::new`] with another budget.
    pub fn with_budget(
        scenario: &Scenario,
        seed: u64,
        inputs: Vec<TimedInput>,
        budget: Budget,
    ) -> Run {
        let sim = Sim::new(scenario, seed);
        Run::continue_from(scenario.clone(), seed, inputs, sim, Vec::new(), 0, budget)
    }

    fn continue_from(
        scenario: Scenario,
        seed: u64,
        mut inputs: Vec<TimedInput>,
        mut sim: Sim,
        mut keyframes: Vec<(usize, Sim)>,
        applied: usize,
        budget: Budget,
    ) -> Run {
        crate::order::sort_by_u64_key(&mut inputs, |i| i.at.as_ms());
        let mut next_input = applied;
        let mut since_keyframe = 0usize;
        let mut stopped = None;
        if keyframes.is_empty() {
            keyframes.push(keyframe_of(&mut sim));
        }
        loop {
            if sim.trace.len() >= budget.max_trace_events {
                stopped = Some(BudgetStop {
                    at: sim.trace.last().map_or(sim.now(), |e| e.at),
                    limit: budget.max_trace_events,
                });
                break;
            }
            // Inputs take effect after everything due at or before their instant.
            let due = sim.next_time();
            if let Some(inp) = inputs.get(next_input) {
                if due.is_none_or(|d| d > inp.at) {
                    sim.advance_to(inp.at);
                    sim.apply(inp.input.clone());
                    next_input += 1;
                    continue;
                }
            }
            if !sim.step() {
                break;
            }
            since_keyframe += 1;
            if since_keyframe >= WORLD_KEYFRAME_EVERY.max(sim.state_size()) {
                keyframes.push(keyframe_of(&mut sim));
                since_keyframe = 0;
            }
        }
        // Inputs beyond the horizon never apply; keep them out of the log.
        inputs.truncate(next_input);
        let totals = sim.totals().clone();
        let topo = sim.topology().clone();
        let trace = sim.into_trace();
        Run {
            timeline: Timeline::new(topo, trace),
            scenario,
            seed,
            inputs,
            keyframes,
            totals,
            budget,
            stopped,
        }
    }

    /// A new run that shares this one's past up to `at`, then applies `input` at `at`.
    /// Inputs after `at` are dropped (the future is re-simulated, as in RaftScope's fork).
    pub fn fork(&self, at: SimTime, input: Input) -> Run {
        let mut inputs: Vec<TimedInput> =
            self.inputs.iter().filter(|i| i.at <= at).cloned().collect();
        let applied_before = inputs.len();
        inputs.push(TimedInput { at, input });
        // The last keyframe whose world has not yet passed `at`, and whose applied inputs are a
        // prefix of the kept ones (inputs at the keyframe's own instant may or may not have run).
        let k = self
            .keyframes
            .iter()
            .rposition(|(_, w)| w.now() < at)
            .unwrap_or(0);
        let (trace_len, world) = &self.keyframes[k];
        let mut world = world.clone();
        world.trace = self.timeline.trace[..*trace_len].to_vec();
        // A keyframe has applied every input before its instant and none after it; one exactly
        // at its instant may or may not have run, so then replay from the start to stay exact.
        if inputs[..applied_before].iter().any(|i| i.at == world.now()) {
            return Run::with_budget(&self.scenario, self.seed, inputs, self.budget);
        }
        let applied = inputs[..applied_before]
            .iter()
            .filter(|i| i.at < world.now())
            .count();
        let keyframes = self.keyframes[..=k].to_vec();
        Run::continue_from(
            self.scenario.clone(),
            self.seed,
            inputs,
            world,
            keyframes,
            applied,
            self.budget,
        )
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
    pub fn trace(&self) -> &[TraceEvent] {
        &self.timeline.trace
    }
    pub fn inputs(&self) -> &[TimedInput] {
        &self.inputs
    }
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// `Some` when the run reached its budget before the horizon: the trace ends there.
    pub fn stopped_early(&self) -> Option<BudgetStop> {
        self.stopped
    }
    pub fn totals(&self) -> &crate::totals::Totals {
        &self.totals
    }
    /// World states kept for forking (for determinism tests).
    pub fn keyframe_count(&self) -> usize {
        self.keyframes.len()
    }
}
