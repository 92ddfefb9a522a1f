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

/// World keyframe spacing, in steps.
pub const WORLD_KEYFRAME_EVERY: usize = 512;

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
    totals: crate::world::Totals,
}

/// A keyframe without its trace (the trace lives once, in the timeline): (trace length, world).
fn keyframe_of(sim: &mut Sim) -> (usize, Sim) {
    let trace = std::mem::take(&mut sim.trace);
    let kf = (trace.len(), sim.clone());
    sim.trace = trace;
    kf
}

impl Run {
    /// Runs `scenario` with `seed` and `inputs` (sorted by time; ties keep their order) to the horizon.
    pub fn new(scenario: &Scenario, seed: u64, inputs: Vec<TimedInput>) -> Run {
        let sim = Sim::new(scenario, seed);
        Run::continue_from(scenario.clone(), seed, inputs, sim, Vec::new(), 0)
    }

    fn continue_from(
        scenario: Scenario,
        seed: u64,
        mut inputs: Vec<TimedInput>,
        mut sim: Sim,
        mut keyframes: Vec<(usize, Sim)>,
        applied: usize,
    ) -> Run {
        crate::order::sort_by_u64_key(&mut inputs, |i| i.at.as_ms());
        let mut next_input = applied;
        let mut steps = 0usize;
        if keyframes.is_empty() {
            keyframes.push(keyframe_of(&mut sim));
        }
        loop {
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
            steps += 1;
            if steps.is_multiple_of(WORLD_KEYFRAME_EVERY) {
                keyframes.push(keyframe_of(&mut sim));
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
            return Run::new(&self.scenario, self.seed, inputs);
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
    pub fn totals(&self) -> &crate::world::Totals {
        &self.totals
    }
    /// World states kept for forking (for determinism tests).
    pub fn keyframe_count(&self) -> usize {
        self.keyframes.len()
    }
}
