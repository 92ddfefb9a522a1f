//! The scenario format reference (`docs/scenario-format.md`) is generated from the field
//! declarations and must be current: a field added to the format appears there by construction.

use lambdascope_sim::scenario::{format_reference, ScenarioFile, Source};

fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario-format.md")
}

#[test]
fn reference_is_current() {
    let generated = format_reference();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path(), &generated).expect("write docs/scenario-format.md");
    }
    let on_disk = std::fs::read_to_string(path()).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/scenario-format.md is out of date: run UPDATE_DOCS=1 cargo test -p lambdascope-sim --test sim reference"
    );
}

/// Every declared field of every table appears in the reference, with its row where it has one.
#[test]
fn every_declared_field_is_documented() {
    let text = format_reference();
    let mut tables: Vec<&'static [lambdascope_sim::scenario::FieldInfo]> =
        vec![ScenarioFile::FIELDS];
    tables.extend(Source::VARIANTS.iter().map(|v| v.fields));
    for fields in tables {
        for f in fields {
            assert!(
                text.contains(&format!("| `{}` |", f.key)),
                "{} missing",
                f.key
            );
            if !f.row.is_empty() {
                assert!(text.contains(f.row), "row {} of {} missing", f.row, f.key);
            }
        }
    }
    for must in [
        "`timeout_s` | a whole number of seconds from 1 to 900 | `3` | L-TIMEOUT |",
        "`other_functions_concurrency`",
        "`late_delivery_probability`",
        "## `sources with kind = \"sns\"`",
    ] {
        assert!(text.contains(must), "{must}");
    }
}
