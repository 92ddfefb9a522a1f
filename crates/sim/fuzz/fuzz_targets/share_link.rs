//! Fuzz the share-link parser (untrusted input: every URL a reader clicks, every embed's
//! attributes): `ShareState::from_query` must never panic, every error must name its parameter,
//! and whatever it accepts must write back out to a query that reads back equal. An inline
//! scenario it carries goes through the same parse and player budget as the app's.
#![no_main]

use lambdascope_sim::share::ShareState;
use lambdascope_sim::{Budget, Run, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let state = match ShareState::from_query(query) {
        Ok(s) => s,
        Err(errors) => {
            assert!(!errors.is_empty(), "an Err carries at least one problem");
            return;
        }
    };
    let again = ShareState::from_query(&state.to_query())
        .unwrap_or_else(|e| panic!("a link written by to_query does not read back: {e:?}"));
    assert_eq!(again, state);
    if let Some(lambdascope_sim::share::ScenarioRef::Inline(text)) = &state.scenario {
        if let Ok(scenario) = Scenario::parse("link", text) {
            // The player's path: refuse what it cannot draw, else run within a small budget (so
            // each input stays fast) and check the run stops near it: at most one step past
            // the limit, and one step produces at most one burst chunk's events a few times over.
            let budget = Budget {
                max_trace_events: 20_000,
                ..Budget::PLAYER
            };
            if budget.refusals(&scenario).is_empty() {
                let run = Run::with_budget(&scenario, state.seed.unwrap_or(1), state.inputs.clone(), budget);
                assert!(run.trace().len() < 20_000 + 8 * 4096, "{} events", run.trace().len());
            }
        }
    }
});
