//! Native = wasm (issue 12): the digest of the full trace of every bundled scenario and every
//! lesson run, checked against one golden file by the same test compiled twice — natively
//! (`cargo test`) and for `wasm32-unknown-unknown` in headless Chromium (`cargo test --target
//! wasm32-unknown-unknown`). A run is a pure function of (scenario, seed, inputs) on every target;
//! if the browser's build ever drifted from the native one (a platform-dependent width, float or
//! iteration order), one of the two would fail here.
//!
//! After a deliberate change of behaviour, regenerate natively with
//! `UPDATE_DIGESTS=1 cargo test -p lambdascope --test digests` and say in the commit why the
//! runs changed.

use lambdascope::{course, scenarios};
use lambdascope_sim::rng::trace_digest;
use lambdascope_sim::{Run, Scenario};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("digests.txt");

/// The seed bundled scenarios are digested with (any fixed seed would do).
const SEED: u64 = 1;

/// `name digest trace-length`, one line per run: every bundled scenario at [`SEED`], then every
/// run every lesson plans (a beat that injects a fault plays on a fork: its own run).
fn computed() -> String {
    let mut lines = Vec::new();
    for (file, text) in scenarios::FILES {
        let scenario = Scenario::parse(file, text).expect("bundled scenarios parse");
        let run = Run::new(&scenario, SEED, Vec::new());
        lines.push(format!(
            "scenario:{file} {:016x} {}",
            trace_digest(run.trace()),
            run.trace().len()
        ));
    }
    for lesson in course::chapters() {
        let scenario = course::scenario_for(&lesson).expect("lesson scenario is bundled");
        let plan = lesson.plan(&scenario).expect("lessons plan");
        for (i, run) in plan.runs.iter().enumerate() {
            lines.push(format!(
                "lesson:{}:run{i} {:016x} {}",
                lesson.id,
                trace_digest(run.trace()),
                run.trace().len()
            ));
        }
    }
    lines.join("\n") + "\n"
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_bundled_run_has_its_golden_digest() {
    let got = computed();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UPDATE_DIGESTS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/digests.txt");
        std::fs::write(path, &got).expect("write tests/digests.txt");
        return;
    }
    let differ: Vec<String> = got
        .lines()
        .zip(GOLDEN.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  got  {a}\n  want {b}"))
        .collect();
    assert!(
        differ.is_empty() && got.lines().count() == GOLDEN.lines().count(),
        "{} of {} runs differ from tests/digests.txt ({} lines there):\n{}",
        differ.len(),
        got.lines().count(),
        GOLDEN.lines().count(),
        differ.join("\n")
    );
}
