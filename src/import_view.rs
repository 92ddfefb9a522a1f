//! The Import view's logic (issue 13), pure so it is tested natively: a pasted or dropped AWS SAM
//! or CloudFormation template → its functions (through `lambdascope-stack`), the chosen one's
//! advice with the moment each finding shows in the run, and the share state that shows that
//! moment. Only the full app reaches this module: the player bundle's entry point never names the
//! Import view, so the template reader and the advice stay out of its download.
//!
//! Everything here treats the template as untrusted text: sizes are checked before anything is
//! read, every refusal names its line, and what the page shows of the template (names, the line
//! of an error) is plain text for the DOM's text nodes, never markup.

use lambdascope_sim::share::{ScenarioRef, ShareState};
use lambdascope_sim::{Budget, Run, Scenario, SimTime, TimedInput};
use lambdascope_stack::advice::advise;
use lambdascope_stack::import::{import, Import, Imported};
use lambdascope_stack::intrinsic::Note;
use lambdascope_stack::yaml::{ReadError, MAX_TEMPLATE_BYTES};

/// The template a first-time visitor can try: a small shop with four functions (a queue worker,
/// an API, a stream processor, an upload handler), a parameter taken at its default and a
/// setting that is not simulated. It is one of the importer's own test templates, so it is known
/// to import, play and get advice (`crates/stack/tests/templates/combined-shop.expected`).
pub const SAMPLE_NAME: &str = "combined-shop.yaml";
pub const SAMPLE: &str = include_str!("../crates/stack/tests/templates/combined-shop.yaml");

/// The seed of every imported run: the player's default, so the advice counts and the instants it
/// links to are those of the run the player shows.
pub const SEED: u64 = 1;

/// The longest piece of a template line shown beside an error.
const EXCERPT_CHARS: usize = 120;

/// Why a template could not be imported: the message (naming what is allowed), its line, and the
/// template's text on that line for context.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub line: Option<u32>,
    pub message: String,
    pub excerpt: Option<String>,
}

impl Failure {
    pub fn plain(message: String) -> Failure {
        Failure {
            line: None,
            message,
            excerpt: None,
        }
    }
}

/// `1.5 MB`, `12 KB`, `900 bytes`.
fn size_words(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    } else if bytes >= 1024.0 {
        format!("{:.0} KB", bytes / 1024.0)
    } else {
        format!("{bytes:.0} bytes")
    }
}

/// A dropped or picked file larger than any template is refused before it is read.
pub fn check_file_size(name: &str, bytes: f64) -> Result<(), Failure> {
    if bytes > MAX_TEMPLATE_BYTES as f64 {
        return Err(Failure::plain(format!(
            "{} is {}: a template is at most 1 MB (CloudFormation's own limit), so it was not read",
            shown_name(name),
            size_words(bytes)
        )));
    }
    Ok(())
}

/// A file name as the page shows it: at most 80 characters, control characters escaped (it is
/// shown as text; this only keeps it readable).
pub fn shown_name(name: &str) -> String {
    lambdascope_stack::yaml::shown(name)
}

/// Reads a template: every function's scenario, or why it cannot be read (with its line).
pub fn read(name: &str, text: &str) -> Result<Import, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::plain(
            "there is no template yet: paste one (YAML or JSON), drop a file here, or try the sample"
                .into(),
        ));
    }
    if text.contains('\0') {
        return Err(Failure::plain(format!(
            "{} is not text (it holds NUL bytes): a template is YAML or JSON text",
            shown_name(name)
        )));
    }
    import(name, text, None).map_err(|e| failure(text, e))
}

/// A reader's refusal with the template's text on its line.
fn failure(text: &str, e: ReadError) -> Failure {
    let excerpt = e.line.and_then(|l| {
        let line = text.lines().nth(l.checked_sub(1)? as usize)?;
        let mut shown: String = line.chars().take(EXCERPT_CHARS).collect();
        if line.chars().count() > EXCERPT_CHARS {
            shown.push('…');
        }
        Some(shown)
    });
    Failure {
        line: e.line,
        message: e.message,
        excerpt,
    }
}

/// The scenario a player can play for `f`, or why not (AWS's reasons the core refused it, or
/// what is over the player's budget).
pub fn playable(f: &Imported) -> Result<&Scenario, String> {
    let s = f.scenario.as_ref().map_err(|e| {
        format!(
            "its scenario would be refused, so it cannot be played: {}",
            e.to_string().trim_end()
        )
    })?;
    match Budget::PLAYER.refusals(s).first() {
        None => Ok(s),
        Some((field, why)) => Err(format!(
            "its scenario is more than a player can draw: {field}: {why}"
        )),
    }
}

/// The moment of a run a finding shows: when, in words, and on which fork.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub text: String,
    pub at: SimTime,
    /// The fault of a "what if" fork, applied from the start of the run.
    pub what_if: Option<TimedInput>,
}

/// One finding as the page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    /// What it is about, as the template names it (logical id and line).
    pub subject: String,
    /// The fact sheet's row.
    pub row: &'static str,
    pub problem: String,
    pub moment: Option<Moment>,
}

/// The advice for `f` (whose scenario is `s`), from the run the player shows with `seed`.
pub fn advice(f: &Imported, s: &Scenario, seed: u64) -> Vec<Finding> {
    let run = Run::new(s, seed, Vec::new());
    advise(s, &run)
        .into_iter()
        .map(|x| Finding {
            rule: x.rule,
            subject: f.origin_of(&x.subject),
            row: x.row,
            problem: x.problem,
            moment: x.observed.map(|o| Moment {
                text: o.text,
                at: SimTime(o.at_ms),
                what_if: o.what_if,
            }),
        })
        .collect()
}

/// The share state of the run of `s` with `seed` (and a moment's fault, if any), paused at the
/// moment.
pub fn moment_state(s: &Scenario, seed: u64, m: Option<&Moment>) -> ShareState {
    ShareState {
        scenario: Some(ScenarioRef::Inline(crate::share_link::scenario_toml(s))),
        seed: Some(seed),
        inputs: m.and_then(|m| m.what_if.clone()).into_iter().collect(),
        t: m.map(|m| m.at),
        ..ShareState::default()
    }
}

/// A scenario that arrived in this page's address (a reload, or a link copied from the Import
/// view: the player keeps the address current), shown as a function without a template.
pub fn from_link(text: &str) -> Imported {
    let scenario = Scenario::parse("the scenario in this page's address", text);
    Imported {
        function: scenario
            .as_ref()
            .map(|s| s.file.function.name.clone())
            .unwrap_or_else(|_| "the scenario in this page's address".into()),
        line: 0,
        text: text.to_string(),
        scenario,
        notes: Vec::new(),
        origins: Vec::new(),
    }
}

/// Where line `line` (from 1) of `text` starts and ends, in UTF-16 code units (what a textarea's
/// `setSelectionRange` counts), so the page can select the line a note or an error names.
pub fn line_range(text: &str, line: u32) -> Option<(u32, u32)> {
    let mut start = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i + 1 == line as usize {
            return Some((start, start + len));
        }
        start += len + 1;
    }
    None
}

/// Notes as the page lists them, by line: the template's own, then the function's.
pub fn notes<'a>(template: &'a [Note], function: &'a [Note]) -> Vec<&'a Note> {
    let mut all: Vec<&Note> = template.iter().chain(function).collect();
    all.sort_by_key(|n| n.line);
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Import {
        read(SAMPLE_NAME, SAMPLE).unwrap()
    }

    #[test]
    fn the_sample_imports_and_every_function_plays() {
        let t = sample();
        let names: Vec<&str> = t.functions.iter().map(|f| f.function.as_str()).collect();
        assert_eq!(
            names,
            ["FulfilOrder", "PlaceOrder", "TrackActivity", "StoreReceipt"]
        );
        for f in &t.functions {
            assert!(playable(f).is_ok(), "{}", f.function);
        }
        // What the page lists as not mapped, with lines.
        let place = &t.functions[1];
        let lines: Vec<String> = notes(&t.notes, &place.notes)
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            lines,
            ["line 7: parameter `ApiTimeout` taken at its default `35`"]
        );
    }

    #[test]
    fn findings_name_the_template_and_the_moment_they_show() {
        let t = sample();
        let fulfil = &t.functions[0];
        let f = advice(fulfil, playable(fulfil).unwrap(), SEED);
        let rows: Vec<(&str, &str, Option<u64>)> = f
            .iter()
            .map(|x| {
                (
                    x.rule,
                    x.subject.as_str(),
                    x.moment.as_ref().map(|m| m.at.as_ms()),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "sqs-visibility-timeout",
                    "OrdersQueue (line 18)",
                    Some(30_000)
                ),
                (
                    "sqs-batch-without-partial-response",
                    "FulfilOrder.Events.Orders (line 39)",
                    Some(30_000)
                ),
                (
                    "sqs-no-redrive-policy",
                    "OrdersQueue (line 18)",
                    Some(150_000)
                ),
            ]
        );
        assert!(f
            .iter()
            .all(|x| x.moment.as_ref().unwrap().what_if.is_none()));
    }

    /// A what-if finding's link carries its fault: opening it plays the fork where it shows.
    #[test]
    fn a_what_if_moment_is_a_link_to_its_fork() {
        let t = sample();
        let place = &t.functions[1];
        let s = playable(place).unwrap();
        let f = advice(place, s, SEED);
        let m = f[0].moment.as_ref().unwrap();
        assert_eq!(m.at, SimTime(30_040));
        let fault = m.what_if.clone().expect("a fork");
        let st = moment_state(s, SEED, Some(m));
        let back = ShareState::from_query(&st.to_query()).unwrap();
        assert_eq!(back.inputs, vec![fault.clone()]);
        assert_eq!(back.t, Some(SimTime(30_040)));
        let Some(ScenarioRef::Inline(text)) = &back.scenario else {
            panic!("inline")
        };
        let again = Scenario::parse("link", text).unwrap();
        assert_eq!(&again, s, "the link's scenario is the imported one");
        // The run the player builds from that link shows the 504 at the moment.
        let run = Run::new(&again, SEED, vec![fault]);
        assert!(
            run.trace()
                .iter()
                .any(|e| e.at == m.at
                    && matches!(e.kind, lambdascope_sim::Trace::CallerGaveUp { .. }))
        );
    }

    #[test]
    fn malformed_templates_name_their_line_and_show_it_as_text() {
        let text = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Timeout: 5\n  <b onmouseover=alert(1)>: [\n";
        let e = read("t.yaml", text).unwrap_err();
        let line = e.line.expect("a line");
        assert!((4..=5).contains(&line), "{e:?}");
        assert!(e.message.starts_with("not valid YAML or JSON"), "{e:?}");
        assert_eq!(
            e.excerpt.as_deref(),
            text.lines().nth(line as usize - 1),
            "the line itself, as text"
        );
        let json = "{\n  \"Resources\": {\n    \"Fn\": {\"Type\": \"AWS::Lambda::Function\" \"x\": 1}\n  }\n}\n";
        let e = read("t.json", json).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(
            e.excerpt.as_deref(),
            Some("    \"Fn\": {\"Type\": \"AWS::Lambda::Function\" \"x\": 1}")
        );
        // A long line is cut for the page.
        let long = format!("Resources:\n  Fn: {{Type: x}}}} {}\n", "x".repeat(500));
        let e = read("t.yaml", &long).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        let shown = e.excerpt.unwrap();
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn empty_binary_huge_deep_and_function_less_input_is_refused_with_what_is_allowed() {
        assert!(read("t", "  \n")
            .unwrap_err()
            .message
            .starts_with("there is no template yet"));
        assert_eq!(
            read("x.png", "\u{89}PNG\0\0").unwrap_err().message,
            "x.png is not text (it holds NUL bytes): a template is YAML or JSON text"
        );
        assert_eq!(
            check_file_size("big.yaml", 3.0 * 1024.0 * 1024.0).unwrap_err().message,
            "big.yaml is 3.0 MB: a template is at most 1 MB (CloudFormation's own limit), so it was not read"
        );
        assert!(check_file_size("ok.yaml", 20_000.0).is_ok());
        let huge = format!("Resources: {{}}\n#{}", "x".repeat(MAX_TEMPLATE_BYTES));
        assert!(read("t", &huge)
            .unwrap_err()
            .message
            .contains("1048576 bytes"));
        let deep = format!("Resources: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = read("t", &deep).unwrap_err();
        assert_eq!(e.line, Some(1), "{e:?}");
        let e = read("t", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n").unwrap_err();
        assert!(
            e.message.starts_with("no Lambda function in the template"),
            "{e:?}"
        );
        // A hostile name is kept as it is (the page shows it as text), only shortened.
        assert_eq!(
            shown_name("<img src=x onerror=alert(1)>.yaml"),
            "<img src=x onerror=alert(1)>.yaml"
        );
    }

    #[test]
    fn a_scenario_from_the_address_is_a_function_without_a_template() {
        let t = sample();
        let s = playable(&t.functions[0]).unwrap();
        let text = crate::share_link::scenario_toml(s);
        let f = from_link(&text);
        assert_eq!(f.function, "FulfilOrder");
        assert_eq!(playable(&f).unwrap(), s);
        assert_eq!(advice(&f, s, SEED).len(), 3);
        let bad = from_link("format_version = 1\nid = 3\n");
        assert!(playable(&bad)
            .unwrap_err()
            .starts_with("its scenario would be refused"));
    }

    #[test]
    fn a_line_is_found_in_utf16_units() {
        let text = "a: 1\nnäme: «x» 😀\n\nlast";
        assert_eq!(line_range(text, 1), Some((0, 4)));
        // `😀` is two UTF-16 units.
        assert_eq!(line_range(text, 2), Some((5, 5 + 12)));
        assert_eq!(line_range(text, 3), Some((18, 18)));
        assert_eq!(line_range(text, 4), Some((19, 23)));
        assert_eq!(line_range(text, 5), None);
        assert_eq!(line_range(text, 0), None);
    }
}
