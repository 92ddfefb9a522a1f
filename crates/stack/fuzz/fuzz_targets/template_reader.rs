//! Fuzz the template reader and importer (untrusted input: whatever is pasted into the Import
//! view): reading and importing must never panic, every refusal names what was wrong, and every
//! scenario the importer writes either validates or is refused by the core with its reasons —
//! and one that validates runs (bounded) and can be advised on.
//!
//! `cargo +nightly fuzz run template_reader -- -max_len=20000` (seed it with tests/templates/).
#![no_main]

use lambdascope_sim::{Run, SimTime};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let imported = match lambdascope_stack::import::import("fuzz.yaml", text, None) {
        Ok(i) => i,
        Err(e) => {
            assert!(!e.message.is_empty());
            return;
        }
    };
    for f in imported.functions {
        let Ok(scenario) = f.scenario else { continue };
        // Bound the work per input: a huge workload is valid but would make the fuzzer crawl.
        let events: u64 = scenario.file.workload.iter().map(|w| w.total()).sum();
        if events > 200 || scenario.horizon_ms() > SimTime::secs(3600).as_ms() {
            continue;
        }
        let run = Run::new(&scenario, 1, Vec::new());
        let _ = lambdascope_stack::advice::advise(&scenario, &run);
    }
});
