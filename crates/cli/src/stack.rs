//! `lambdascope import` and `lambdascope advise`: file I/O and printing around
//! `lambdascope-stack`, which does the reading, mapping and advising.

use std::io::Write;

use lambdascope_sim::{Run, Scenario, SimTime};
use lambdascope_stack::advice::{advise as findings_for, Finding};
use lambdascope_stack::import::{import as import_template, kebab, Imported};

use crate::{Failure, Options};

fn one_file(o: &Options) -> Result<&str, Failure> {
    match o.files.as_slice() {
        [f] => Ok(f),
        other => Err(Failure::Usage(format!(
            "expected exactly one FILE, got {}",
            other.len()
        ))),
    }
}

fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Error(format!("{path}: cannot read: {e}")))
}

fn io(e: std::io::Error) -> Failure {
    Failure::Error(format!("cannot write output: {e}"))
}

fn read_template(o: &Options) -> Result<(&str, lambdascope_stack::import::Import), Failure> {
    let file = one_file(o)?;
    let text = read(file)?;
    let imported = import_template(file, &text, o.function.as_deref())
        .map_err(|e| Failure::Error(format!("{file}: {e}")))?;
    for n in &imported.notes {
        eprintln!("{file}: {n}");
    }
    Ok((file, imported))
}

/// `import TEMPLATE [--function ID] [--out DIR]`: the scenarios on stdout (or in DIR), what was
/// not mapped on stderr; exit 1 if a scenario would be refused (its text is still written).
pub(crate) fn import(o: &Options, out: &mut impl Write) -> Result<(), Failure> {
    let (file, imported) = read_template(o)?;
    let mut refused = 0;
    let mut written: Vec<String> = Vec::new();
    for (k, f) in imported.functions.iter().enumerate() {
        for n in &f.notes {
            eprintln!("{file}: {}: {n}", f.function);
        }
        let verdict = match &f.scenario {
            Ok(_) => "ok".to_string(),
            Err(e) => {
                refused += 1;
                eprintln!("{e}");
                "refused (see stderr)".to_string()
            }
        };
        match &o.out {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::Error(format!("{dir}: cannot create: {e}")))?;
                let mut name = kebab(&f.function);
                while written.contains(&name) {
                    name.push_str("-2");
                }
                let path = std::path::Path::new(dir).join(format!("{name}.toml"));
                std::fs::write(&path, &f.text).map_err(|e| {
                    Failure::Error(format!("{}: cannot write: {e}", path.display()))
                })?;
                writeln!(out, "{}: {} ({verdict})", path.display(), f.function).map_err(io)?;
                written.push(name);
            }
            None => {
                if k > 0 {
                    writeln!(out).map_err(io)?;
                }
                write!(out, "{}", f.text).map_err(io)?;
            }
        }
    }
    if refused > 0 {
        out.flush().map_err(io)?;
        return Err(Failure::Error(format!(
            "{refused} of {} scenario(s) would be refused (see above)",
            imported.functions.len()
        )));
    }
    Ok(())
}

/// One scenario to advise on, with the template it came from (if any).
struct Subject {
    scenario: Scenario,
    imported: Option<Imported>,
}

/// `advise FILE`: findings for a template's functions, or for one scenario file.
pub(crate) fn advise(o: &Options, out: &mut impl Write) -> Result<(), Failure> {
    let file = one_file(o)?;
    let mut subjects = Vec::new();
    let mut refused = 0;
    if file.ends_with(".toml") {
        let text = read(file)?;
        let scenario = Scenario::parse(file, &text).map_err(|e| Failure::Error(e.to_string()))?;
        subjects.push(Subject {
            scenario,
            imported: None,
        });
    } else {
        let (_, imported) = read_template(o)?;
        for f in imported.functions {
            match f.scenario.clone() {
                Ok(scenario) => subjects.push(Subject {
                    scenario,
                    imported: Some(f),
                }),
                Err(e) => {
                    refused += 1;
                    eprintln!(
                        "{}: its scenario would be refused, so it is not simulated:\n{e}",
                        f.function
                    );
                }
            }
        }
    }
    let mut json = Vec::new();
    for (k, s) in subjects.iter().enumerate() {
        let run = Run::new(&s.scenario, o.seed, Vec::new());
        let findings = findings_for(&s.scenario, &run);
        let name = |n: &str| match &s.imported {
            Some(i) => i.origin_of(n),
            None => n.to_string(),
        };
        if o.json {
            json.push(serde_json::json!({
                "function": s.imported.as_ref().map_or(s.scenario.file.function.name.clone(), |i| i.function.clone()),
                "scenario": s.scenario.id(),
                "seed": o.seed,
                "horizon_ms": s.scenario.horizon_ms(),
                "findings": findings.iter().map(|f| serde_json::json!({
                    "rule": f.rule,
                    "subject": name(&f.subject),
                    "row": f.row,
                    "problem": f.problem,
                    "observed": f.observed,
                })).collect::<Vec<_>>(),
                "not_mapped": s.imported.as_ref().map_or(Vec::new(), |i| i.notes.iter().map(|n| n.to_string()).collect()),
            }));
            continue;
        }
        if k > 0 {
            writeln!(out).map_err(io)?;
        }
        write_text(out, s, &findings, o.seed, &name).map_err(io)?;
    }
    if o.json {
        let doc = serde_json::json!({ "format_version": 1, "functions": json });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Failure::Error(e.to_string()))?;
        writeln!(out).map_err(io)?;
    }
    if refused > 0 {
        out.flush().map_err(io)?;
        return Err(Failure::Error(format!(
            "{refused} function(s) could not be simulated (see above)"
        )));
    }
    Ok(())
}

fn write_text(
    out: &mut impl Write,
    s: &Subject,
    findings: &[Finding],
    seed: u64,
    name: &dyn Fn(&str) -> String,
) -> std::io::Result<()> {
    let who = match &s.imported {
        Some(i) => format!("{} (line {})", i.function, i.line),
        None => s.scenario.file.function.name.clone(),
    };
    writeln!(
        out,
        "{who}: scenario {}, seed {seed}, {} simulated — {} finding{}",
        s.scenario.id(),
        SimTime(s.scenario.horizon_ms()),
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    )?;
    for f in findings {
        writeln!(out, "\n  {} — {} [{}]", f.rule, name(&f.subject), f.row)?;
        writeln!(out, "    {}", f.problem)?;
        match &f.observed {
            Some(ob) => writeln!(
                out,
                "    {}: {} (from {})",
                if ob.what_if.is_some() {
                    "What if"
                } else {
                    "In this run"
                },
                ob.text,
                SimTime(ob.at_ms)
            )?,
            None => writeln!(out, "    Not seen in this run.")?,
        }
    }
    if let Some(i) = &s.imported {
        if !i.notes.is_empty() {
            writeln!(out, "\n  Not mapped, or mapped by an assumption:")?;
            for n in &i.notes {
                writeln!(out, "    {n}")?;
            }
        }
    }
    Ok(())
}
