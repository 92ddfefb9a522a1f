//! Fuzz the scenario parser and validator (untrusted input: share links, embeds), and run
//! whatever validates for a bounded stretch, so a scenario that parses can never panic the core;
//! and check that what parses writes back out to an equal scenario.
#![no_main]

use lambdascope_sim::{Scenario, Sim, SimTime};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::parse("fuzz.toml", text) else {
        return;
    };
    // What the parameter panel and share links rely on: the scenario written back out reads
    // back equal.
    let written = toml::to_string(&scenario.to_table()).expect("a scenario table is valid TOML");
    let again = Scenario::parse("again.toml", &written)
        .unwrap_or_else(|e| panic!("the written scenario does not read back: {e}\n{written}"));
    assert_eq!(again, scenario, "{written}");
    // Bound the work per input: big workloads are valid but would make the fuzzer crawl.
    let events: u64 = scenario.file.workload.iter().map(|w| w.total()).sum();
    if events > 200 {
        return;
    }
    let mut sim = Sim::new(&scenario, 1);
    sim.advance_to(SimTime::secs(3600));
    let _ = lambdascope_sim::report::Report::build(
        sim.scenario(),
        sim.topology(),
        1,
        sim.now(),
        sim.trace(),
        sim.totals(),
    );
});
