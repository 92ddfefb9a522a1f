//! The template corpus (`tests/templates/`): one template per event type and failure setting,
//! and a few stacks with several functions, each with its golden output beside it
//! (`NAME.expected`): the template-wide notes, then per function the scenario text the importer
//! writes and the findings `advise` gives on a run of it (seed 1). Every imported scenario must
//! pass the core's validation and the player's budget, and run to its horizon.
//!
//! After a deliberate change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p lambdascope-stack --test templates` and review the diff.

use lambdascope_sim::{Budget, Run};
use lambdascope_stack::advice::advise;
use lambdascope_stack::import::import;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/templates");

fn render(name: &str, text: &str) -> String {
    let imported = import(name, text, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = String::new();
    for n in &imported.notes {
        out.push_str(&format!("template note: {n}\n"));
    }
    for f in &imported.functions {
        out.push_str(&format!("\n=== {} (scenario)\n{}", f.function, f.text));
        let s = f.scenario.as_ref().unwrap_or_else(|e| {
            panic!("{name}: {} does not validate:\n{e}\n{}", f.function, f.text)
        });
        assert_eq!(
            Budget::PLAYER.refusals(s),
            Vec::new(),
            "{name}: {}",
            f.function
        );
        let run = Run::new(s, 1, Vec::new());
        assert_eq!(
            run.stopped_early(),
            None,
            "{name}: {} ran out of budget",
            f.function
        );
        out.push_str(&format!("=== {} (findings)\n", f.function));
        for finding in advise(s, &run) {
            let observed = match &finding.observed {
                Some(o) => format!(
                    "{}{} @ {} ms",
                    if o.what_if.is_some() { "what if: " } else { "" },
                    o.text,
                    o.at_ms
                ),
                None => "not seen".into(),
            };
            out.push_str(&format!(
                "{} | {} | {} | {observed}\n",
                finding.rule,
                f.origin_of(&finding.subject),
                finding.row
            ));
        }
    }
    out
}

#[test]
fn every_template_imports_to_its_golden_scenarios_and_findings() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 14, "{names:?}");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(format!("{DIR}/{name}")).unwrap();
        let got = render(name, &text);
        let golden = format!("{DIR}/{}.expected", name.rsplit_once('.').unwrap().0);
        if update {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            stale.push(format!("{name}:\n{got}"));
        }
    }
    assert!(
        stale.is_empty(),
        "output differs from the golden file (UPDATE_GOLDEN=1 to accept):\n{}",
        stale.join("\n")
    );
}
