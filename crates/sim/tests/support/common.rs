//! Helpers shared by the integration-test binaries (`sim`, `polling`, `stepfunctions`; each
//! includes this file with `#[path]`, beside `content_files.rs`, which `run_bundled` needs).
#![allow(dead_code)]

use std::collections::BTreeMap;

use lambdascope_sim::trace::*;
use lambdascope_sim::{Scenario, Sim, SimTime};

/// A scenario from TOML, panicking with the validation errors if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    match Scenario::parse("test.toml", text) {
        Ok(s) => s,
        Err(e) => panic!("invalid test scenario:\n{e}"),
    }
}

/// Runs to the horizon.
pub fn run(text: &str, seed: u64) -> Sim {
    let mut sim = Sim::new(&scenario(text), seed);
    sim.run();
    sim
}

/// (start, end, outcome) of each handler run of `inv`.
pub fn attempts(sim: &Sim, inv: u32) -> Vec<(u64, u64, AttemptOutcome)> {
    let mut starts = Vec::new();
    for e in sim.trace() {
        match &e.kind {
            Trace::AttemptStarted {
                inv: i, attempt, ..
            } if i.0 == inv => starts.push((*attempt, e.at.as_ms())),
            _ => {}
        }
    }
    starts
        .into_iter()
        .map(|(attempt, start)| {
            let (end, outcome) = sim
                .trace()
                .iter()
                .find_map(|e| match &e.kind {
                    Trace::AttemptFinished {
                        inv: i,
                        attempt: a,
                        outcome,
                        ..
                    } if i.0 == inv && *a == attempt => Some((e.at.as_ms(), outcome.clone())),
                    _ => None,
                })
                .expect("attempt finished");
            (start, end, outcome)
        })
        .collect()
}

/// The disposition of `inv` and when it happened.
pub fn disposition(sim: &Sim, inv: u32) -> Option<(u64, Disposition)> {
    sim.trace().iter().find_map(|e| match &e.kind {
        Trace::Disposed {
            inv: i,
            disposition,
        } if i.0 == inv => Some((e.at.as_ms(), disposition.clone())),
        _ => None,
    })
}

pub fn count(sim: &Sim, pred: impl Fn(&Trace) -> bool) -> usize {
    sim.trace().iter().filter(|e| pred(&e.kind)).count()
}

pub fn first_at(sim: &Sim, pred: impl Fn(&Trace) -> bool) -> Option<SimTime> {
    sim.trace().iter().find(|e| pred(&e.kind)).map(|e| e.at)
}

/// When each matching event happened, in ms.
pub fn times(sim: &Sim, pred: impl Fn(&Trace) -> bool) -> Vec<u64> {
    sim.trace()
        .iter()
        .filter(|e| pred(&e.kind))
        .map(|e| e.at.as_ms())
        .collect()
}

/// How many invocations ended each way, by disposition label.
pub fn disposition_counts(sim: &Sim) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for e in sim.trace() {
        if let Trace::Disposed { disposition, .. } = &e.kind {
            *m.entry(disposition.label()).or_default() += 1;
        }
    }
    m
}

/// The bundled scenario `content/scenarios/{id}.toml`, run to its horizon.
pub fn run_bundled(id: &str, seed: u64) -> Sim {
    let (_, text) = crate::content_files::content_files("scenarios", &[id])
        .into_iter()
        .find(|(n, _)| n == &format!("{id}.toml"))
        .unwrap_or_else(|| panic!("{id}.toml missing"));
    run(&text, seed)
}

/// A scenario with one source and a function, as TOML. `extra` is appended verbatim.
pub fn one_source(source: &str, function: &str, extra: &str) -> String {
    format!(
        r#"
format_version = 1
id = "t"
title = "test"
horizon_s = 3600

[function]
{function}

[[sources]]
{source}

{extra}
"#
    )
}
