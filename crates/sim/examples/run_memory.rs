//! What a whole `Run` (trace + world keyframes + timeline keyframes: what the browser player
//! builds) costs for one scenario file: wall time, peak memory, trace length, keyframe counts.
//!
//! ```text
//! cargo run -p lambdascope-sim --profile bench-native --example run_memory -- FILE [SEED]
//! ```
//! `scripts/bench-sim --budget` runs it over the hostile-input corpus in `e2e/fixtures/`.

// A benchmark measures wall-clock time and reads /proc: the purity bans are for the library.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use lambdascope_sim::{Run, Scenario};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: run_memory FILE [SEED]");
    let seed: u64 = args.next().map_or(1, |s| s.parse().expect("seed"));
    let text = std::fs::read_to_string(&path).expect("read scenario");
    let scenario = match Scenario::parse(&path, &text) {
        Ok(s) => s,
        Err(e) => {
            println!("{path}: refused: {e}");
            return;
        }
    };
    eprintln!(
        "size_of TraceEvent {} B; after parse: peak {:.1} MB",
        std::mem::size_of::<lambdascope_sim::TraceEvent>(),
        peak_rss_mb()
    );
    let t0 = Instant::now();
    let run = Run::new(&scenario, seed, Vec::new());
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{path}: {:.2} s, peak {:.1} MB, {} trace events, {} world keyframes, budget: {}",
        secs,
        peak_rss_mb(),
        run.trace().len(),
        run.keyframe_count(),
        run.stopped_early()
            .map_or("not reached".to_string(), |s| s.to_string()),
    );
}
