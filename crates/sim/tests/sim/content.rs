//! Every bundled scenario parses, runs, and ends the way the fact sheet says.

use std::path::PathBuf;

use lambdascope_sim::{Scenario, Sim};

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content/scenarios")
}

pub fn bundled() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(scenario_dir())
        .expect("content/scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())).collect()
}

#[test]
fn every_bundled_scenario_parses_and_runs() {
    let files = bundled();
    assert!(files.len() >= 8, "expected the bundled scenarios, found {}", files.len());
    let mut ids = std::collections::BTreeSet::new();
    for (name, text) in files {
        let s = Scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(ids.insert(s.id().to_string()), "duplicate scenario id {}", s.id());
        assert_eq!(format!("{}.toml", s.id()), name, "file name must be the scenario id");
        let mut sim = Sim::new(&s, 1);
        sim.run();
        assert!(sim.totals().invocations > 0, "{name} produced no invocations");
    }
}
