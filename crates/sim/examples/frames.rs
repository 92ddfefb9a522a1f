//! What one animation frame costs the core while a run plays: the scene at each frame's instant,
//! from the nearest keyframe (`Timeline::scene_at`) and carried forward from the last frame
//! (`Timeline::scene_from`, issue 16). Prints microseconds per frame for each and checks that both
//! give the same scenes.
//!
//! ```text
//! cargo run -p lambdascope-sim --profile bench-native --example frames
//! ```
//! The scenarios are `scripts/bench-web`'s frame-time bursts: N S3 events in flight on a 10 s hop,
//! played at 1× (a 16 ms step per frame) from 10 s to 20 s.

// A benchmark measures wall-clock time: the purity bans are for the library.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::time::Instant;

use lambdascope_sim::{Run, Scenario, SceneCursor, SimTime};

fn burst(n: u32) -> String {
    format!(
        r#"format_version = 1
id = "bench-{n}-tokens"
title = "{n} S3 events in flight"
horizon_s = 60
network = {{ hop_ms = 10000 }}
[function]
duration = {{ distribution = "fixed", ms = 100 }}
init_ms = 0
[[sources]]
kind = "s3"
id = "uploads"
delivery_delay_ms = 0
[[workload]]
source = "uploads"
pattern = "rate"
rate_per_s = {}
duration_s = 40
"#,
        n / 10
    )
}

fn main() {
    for n in [1_000, 5_000] {
        let scenario = Scenario::parse("burst", &burst(n)).expect("bench scenario is valid");
        let run = Run::new(&scenario, 1, vec![]);
        let tl = run.timeline();
        let frames: Vec<SimTime> = (0..625).map(|i| SimTime(10_000 + i * 16)).collect();
        let started = Instant::now();
        let from_keyframes: Vec<_> = frames.iter().map(|t| tl.scene_at(*t)).collect();
        let keyframed = started.elapsed().as_secs_f64() / frames.len() as f64;
        let mut cursor = SceneCursor::default();
        let started = Instant::now();
        let carried: Vec<_> = frames
            .iter()
            .map(|t| tl.scene_from(&mut cursor, *t))
            .collect();
        let forward = started.elapsed().as_secs_f64() / frames.len() as f64;
        assert!(
            from_keyframes == carried,
            "the two ways give different scenes"
        );
        let tokens = from_keyframes
            .iter()
            .map(|s| s.tokens.len())
            .max()
            .unwrap_or(0);
        println!(
            "{n:>5} tokens ({tokens} at most in one frame, {} trace events): scene_at {:>7.1} µs/frame, scene_from {:>7.1} µs/frame ({:.1}× less)",
            tl.trace.len(),
            keyframed * 1e6,
            forward * 1e6,
            keyframed / forward
        );
    }
}
