//! A debug export for `scripts/bench-sim --wasm` (issue 16): runs one simulation in the player
//! bundle and reports it with `Sim::bench_json`, as `crates/sim/examples/bench.rs --json` does
//! natively, so the benchmark compares the speed of the same workload on both targets and checks
//! that both gave the same totals and trace digest. Not part of the embedding API and not in what ships: it is
//! compiled only with the `bench` feature, which `scripts/bench-sim --wasm` builds the player
//! bundle with (the same `scripts/build-player`, profile and `wasm-opt` as the shipped one) into
//! `target/bench-wasm/`. In the shipped bundle it cost 4.7 KB gzip: the digest formats every
//! trace event with `Debug`, which the player otherwise never does.
//!
//! ```js
//! const m = await import('./lambdascope-player.js'); await m.default();
//! m.benchSim(tomlText, 1, false)  // '{"secs":…,"trace_events":…,"digest":null,"totals":"Totals { … }"}'
//! ```

use lambdascope_sim::{Retention, Scenario, Sim};
use wasm_bindgen::prelude::*;

/// Parses `toml`, runs it to its horizon with `seed` (keeping the trace when `full`), and returns
/// the JSON line described in the module doc; a scenario that does not parse is an error naming
/// its problems.
#[wasm_bindgen(js_name = benchSim)]
pub fn bench_sim(toml: &str, seed: u32, full: bool) -> Result<String, String> {
    let scenario = Scenario::parse("bench", toml).map_err(|e| e.to_string())?;
    let retention = if full {
        Retention::Full
    } else {
        Retention::Aggregates
    };
    let clock = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("benchSim needs a page with window.performance")?;
    let started = clock.now();
    let mut sim = Sim::with_retention(&scenario, u64::from(seed), retention);
    sim.run();
    let secs = (clock.now() - started) / 1000.0;
    Ok(sim.bench_json(secs))
}
