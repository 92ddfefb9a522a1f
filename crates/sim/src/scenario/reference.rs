//! The scenario format reference (`docs/scenario-format.md`), generated from the field
//! declarations: one table per table of the format, a row per key, with its value in words, its
//! default, its fact-sheet row and the first sentence of its doc comment.

use super::schema::{FieldInfo, ValueSpec};

/// The scenario format reference (`docs/scenario-format.md`), generated from the declarations.
pub fn format_reference() -> String {
    use super::ScenarioFile;
    let mut out = String::from(
        "# Scenario format reference\n\n\
         Generated from the field declarations in `crates/sim/src/scenario` (regenerate with\n\
         `UPDATE_DOCS=1 cargo test -p lambdascope-sim --test sim reference`); a test fails\n\
         when this file is out of date. A scenario is a TOML file\n\
         (`format_version = 1`); unknown keys are refused. *Row* names the fact-sheet row\n\
         (`lambda-semantics.md`) a default or limit comes from; `[U]` marks an undocumented\n\
         timing or rate, kept a parameter with the sheet's suggested default.\n",
    );
    let mut seen: Vec<*const FieldInfo> = Vec::new();
    section(&mut out, "The file", "", ScenarioFile::FIELDS, &mut seen);
    out
}

fn section(
    out: &mut String,
    title: &str,
    note: &str,
    fields: &'static [FieldInfo],
    seen: &mut Vec<*const FieldInfo>,
) {
    if seen.contains(&fields.as_ptr()) {
        return;
    }
    seen.push(fields.as_ptr());
    out.push_str(&format!("\n## {title}\n\n"));
    if !note.is_empty() {
        out.push_str(note);
        out.push_str("\n\n");
    }
    out.push_str("| key | value | default | row | what |\n|---|---|---|---|---|\n");
    let mut nested: Vec<(String, String, &'static [FieldInfo])> = Vec::new();
    for f in fields {
        let default = match f.default_text() {
            None => "required".to_string(),
            Some(t) if t.is_empty() => "unset".to_string(),
            Some(t) if t.len() > 40 => "see below".to_string(),
            Some(t) => format!("`{}`", t.replace('|', "\\|")),
        };
        let row = match (f.row, f.undocumented) {
            ("", true) => "[U]".to_string(),
            (r, true) => format!("{r} [U]"),
            (r, false) => r.to_string(),
        };
        let what = first_sentence(f.doc);
        out.push_str(&format!(
            "| `{}` | {} | {default} | {row} | {} |\n",
            f.key,
            f.expectation().replace('|', "\\|"),
            what.replace('|', "\\|")
        ));
        let mut spec = &f.spec;
        while let ValueSpec::Optional(inner) | ValueSpec::List(inner) = spec {
            spec = inner;
        }
        match spec {
            ValueSpec::Table(inner) => nested.push((f.key.to_string(), String::new(), inner)),
            ValueSpec::Tagged { tag, variants, .. } => {
                for v in *variants {
                    nested.push((
                        format!("{} with {tag} = \"{}\"", f.key, v.word),
                        String::new(),
                        v.fields,
                    ));
                }
            }
            _ => {}
        }
    }
    for (title, note, fields) in nested {
        section(out, &format!("`{title}`"), &note, fields, seen);
    }
}

/// The first sentence of a doc comment, on one line.
fn first_sentence(doc: &str) -> String {
    let text = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text,
    }
}
