//! `lambdascope`: run lambdascope scenarios natively, on the same core the browser runs.
//!
//! ```text
//! lambdascope run FILE [--seed N] [--until DURATION] [--format text|json]
//! lambdascope check FILE...
//! lambdascope trace FILE [--seed N] [--until DURATION]
//! lambdascope import TEMPLATE [--function ID] [--out DIR]
//! lambdascope advise FILE [--function ID] [--seed N] [--format text|json]
//! ```
//! Errors go to stderr with exit code 1 (2 for usage errors).

use std::io::Write;
use std::process::ExitCode;

use lambdascope_sim::report::Report;
use lambdascope_sim::time::parse_duration;
use lambdascope_sim::{Scenario, Sim, SimTime};

mod stack;

const USAGE: &str = "\
usage:
  lambdascope run FILE [--seed N] [--until DURATION] [--format text|json]
      simulate FILE and print, per invocation, its attempts and final disposition, plus totals
  lambdascope check FILE...
      validate scenario files; prints one line per problem (file, line, field, allowed values)
  lambdascope trace FILE [--seed N] [--until DURATION]
      print every trace event as one JSON object per line
  lambdascope lesson FILE...
      plan lessons against the bundled scenarios (the scenarios folder beside the lessons folder):
      when each beat starts and is reached, and each question's computed answer
  lambdascope import TEMPLATE [--function ID] [--out DIR]
      read an AWS SAM or CloudFormation template (YAML or JSON) and write one scenario per Lambda
      function (or only ID): to stdout, or as DIR/<scenario-id>.toml. What the template says that
      cannot be mapped is listed on stderr with its line
  lambdascope advise FILE [--function ID] [--seed N] [--format text|json]
      FILE is a template or a scenario (.toml): simulate it and print findings, each with the
      logical id, the fact sheet's row and what happened in the run

DURATION is a whole number with ms, s, m or h (e.g. 90s, 5m); it defaults to the scenario's horizon_s.
The seed defaults to 1. The same FILE, seed and DURATION always give the same output.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match try_main(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("lambdascope: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Error(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    Error(String),
}

struct Options {
    files: Vec<String>,
    seed: u64,
    until: Option<SimTime>,
    json: bool,
    function: Option<String>,
    out: Option<String>,
}

fn parse_options(args: &[String]) -> Result<Options, Failure> {
    let mut o = Options {
        files: Vec::new(),
        seed: 1,
        until: None,
        json: false,
        function: None,
        out: None,
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let value = |i: usize| {
            args.get(i + 1)
                .cloned()
                .ok_or_else(|| Failure::Usage(format!("{a} needs a value")))
        };
        match a.as_str() {
            "--seed" => {
                let v = value(i)?;
                o.seed = v.parse().map_err(|_| {
                    Failure::Usage(format!(
                        "--seed `{v}` is not a whole number from 0 to {}",
                        u64::MAX
                    ))
                })?;
                i += 1;
            }
            "--until" => {
                let v = value(i)?;
                o.until =
                    Some(parse_duration(&v).map_err(|e| Failure::Usage(format!("--until: {e}")))?);
                i += 1;
            }
            "--format" => {
                let v = value(i)?;
                o.json = match v.as_str() {
                    "json" => true,
                    "text" => false,
                    _ => {
                        return Err(Failure::Usage(format!(
                            "--format `{v}` is not supported: use text or json"
                        )))
                    }
                };
                i += 1;
            }
            "--function" => {
                o.function = Some(value(i)?);
                i += 1;
            }
            "--out" => {
                o.out = Some(value(i)?);
                i += 1;
            }
            "-h" | "--help" => return Err(Failure::Usage("help".into())),
            s if s.starts_with("--") => return Err(Failure::Usage(format!("unknown option {s}"))),
            _ => o.files.push(a.clone()),
        }
        i += 1;
    }
    Ok(o)
}

fn load(path: &str) -> Result<Scenario, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Error(format!("{path}: cannot read: {e}")))?;
    Scenario::parse(path, &text).map_err(|e| Failure::Error(e.to_string()))
}

fn simulate(o: &Options) -> Result<Sim, Failure> {
    let [file] = o.files.as_slice() else {
        return Err(Failure::Usage(format!(
            "expected exactly one FILE, got {}",
            o.files.len()
        )));
    };
    let scenario = load(file)?;
    let mut sim = Sim::new(&scenario, o.seed);
    match o.until {
        Some(t) => sim.advance_to(t),
        None => sim.run(),
    }
    Ok(sim)
}

fn try_main(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    let o = parse_options(rest)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| Failure::Error(format!("cannot write output: {e}"));
    match command.as_str() {
        "run" => {
            let sim = simulate(&o)?;
            let horizon = o.until.unwrap_or(sim.horizon()).min(sim.horizon());
            let report = Report::build(
                sim.scenario(),
                sim.topology(),
                o.seed,
                horizon,
                sim.trace(),
                sim.totals(),
            );
            if o.json {
                serde_json::to_writer_pretty(&mut out, &report)
                    .map_err(|e| Failure::Error(e.to_string()))?;
                writeln!(out).map_err(io)?;
            } else {
                write!(out, "{}", report.to_text()).map_err(io)?;
            }
        }
        "trace" => {
            let sim = simulate(&o)?;
            for e in sim.trace() {
                serde_json::to_writer(&mut out, e).map_err(|e| Failure::Error(e.to_string()))?;
                writeln!(out).map_err(io)?;
            }
        }
        "check" => {
            if o.files.is_empty() {
                return Err(Failure::Usage("check needs at least one FILE".into()));
            }
            let mut bad = 0;
            for f in &o.files {
                match load(f) {
                    Ok(s) => writeln!(out, "{f}: ok ({})", s.file.title).map_err(io)?,
                    Err(Failure::Error(msg)) | Err(Failure::Usage(msg)) => {
                        bad += 1;
                        out.flush().map_err(io)?;
                        eprintln!("{msg}");
                    }
                }
            }
            if bad > 0 {
                out.flush().map_err(io)?;
                return Err(Failure::Error(format!(
                    "{bad} of {} file(s) have problems",
                    o.files.len()
                )));
            }
        }
        "lesson" => {
            if o.files.is_empty() {
                return Err(Failure::Usage("lesson needs at least one FILE".into()));
            }
            for f in &o.files {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| Failure::Error(format!("{f}: cannot read: {e}")))?;
                let lesson = lambdascope_sim::lesson::Lesson::parse(f, &text)
                    .map_err(|e| Failure::Error(e.to_string()))?;
                let dir = std::path::Path::new(f)
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join("../scenarios");
                let path = dir.join(format!("{}.toml", lesson.scenario));
                let scenario = load(&path.display().to_string())?;
                let plan = lesson.plan(&scenario).map_err(Failure::Error)?;
                writeln!(
                    out,
                    "{f}: {} (chapter {}, scenario {}, seed {})",
                    lesson.title, lesson.chapter, lesson.scenario, lesson.seed
                )
                .map_err(io)?;
                for (i, (beat, p)) in lesson.beats.iter().zip(&plan.beats).enumerate() {
                    writeln!(
                        out,
                        "  beat {}: {} → {} (run {})",
                        i + 1,
                        p.starts,
                        p.reached,
                        p.run
                    )
                    .map_err(io)?;
                    if let (Some(q), Some(a)) = (&beat.question, &p.answer) {
                        writeln!(out, "    Q: {}  A: {a}", q.prompt).map_err(io)?;
                    }
                }
            }
        }
        "import" => stack::import(&o, &mut out)?,
        "advise" => stack::advise(&o, &mut out)?,
        other => return Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
    out.flush().map_err(io)
}
