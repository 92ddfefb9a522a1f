//! Share links and embed options: what a URL or an embed's attributes ask the player to show, and
//! the link that reproduces what a player shows now (issue 6). Pure: tested natively.
//!
//! The state half (scenario, seed, injected faults, instant, lesson and beat, speed, filter) is the
//! core's [`ShareState`]; every string of it is read by [`ShareState::from_query`] and written by
//! [`ShareState::to_query`], so there is one parser for links. This module adds
//!
//! * the presentation half ([`ViewOptions`]: `embed`, `controls`, `theme`, `autoplay`), which is
//!   not state and never travels in a "Copy link" link except in embed snippets;
//! * salvage: a link with one bad parameter still applies the good ones, and every bad one becomes
//!   a [`Problem`] shown inside the player;
//! * script-embed attributes (`data-seed`, `data-at`, `data-faults`, ...), mapped onto the same
//!   query parameters so they go through the same parser;
//! * the other direction: [`state_of`] turns what a player shows into a [`ShareState`], carrying
//!   an edited or inline scenario as TOML (the core deflates it into `z`).

use lambdascope_sim::share::{
    percent_decode, percent_encode, ScenarioRef, ShareState, MAX_QUERY_BYTES,
};
use lambdascope_sim::{Method, Scenario, SimTime, TimedInput};

/// How much of the player an embed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ControlsMode {
    /// Everything: scenario picker, service strip, transport, fault injection, charts, side panel.
    #[default]
    Full,
    /// The diagram with the transport bar and the timeline (the `?embed` default).
    Minimal,
    /// The diagram alone (keys still work while it has focus).
    None,
}

impl ControlsMode {
    pub fn label(self) -> &'static str {
        match self {
            ControlsMode::Full => "full",
            ControlsMode::Minimal => "minimal",
            ControlsMode::None => "none",
        }
    }
}

/// Colour scheme. `Auto` follows the host page (docs-site dark mode markers) or the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn label(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// How a player is presented. Not part of the shared state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ViewOptions {
    /// Iframe embed (`?embed`): no page background, resize messages to the parent window.
    pub embed: bool,
    pub controls: ControlsMode,
    pub theme: Theme,
    /// `None`: play on open unless the link gives an instant or the user prefers reduced motion.
    pub autoplay: Option<bool>,
}

/// One thing wrong with a link or an embed's attributes, shown inside the player.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: "URL parameter `seed`", "attribute `data-seed`".
    pub source: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// Everything a URL or an element asks for.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Request {
    pub state: ShareState,
    pub view: ViewOptions,
    pub problems: Vec<Problem>,
}

/// Fields set in `later` replace those in `base`.
pub fn merge(base: &mut ShareState, later: ShareState) {
    if later.scenario.is_some() {
        base.scenario = later.scenario;
    }
    if later.seed.is_some() {
        base.seed = later.seed;
    }
    if !later.inputs.is_empty() {
        base.inputs = later.inputs;
    }
    if later.t.is_some() {
        base.t = later.t;
    }
    if later.lesson.is_some() {
        base.lesson = later.lesson;
    }
    if later.beat.is_some() {
        base.beat = later.beat;
    }
    if later.speed.is_some() {
        base.speed = later.speed;
    }
    if later.filter.is_some() {
        base.filter = later.filter;
    }
}

/// Reads the state half of a query string with the core's parser. A bad parameter does not spoil
/// the good ones: when the whole string is refused, each parameter is parsed on its own.
fn parse_state(query: &str, name_of: &dyn Fn(&str) -> String) -> (ShareState, Vec<Problem>) {
    let problem = |e: lambdascope_sim::share::ShareError| Problem {
        source: name_of(&e.param),
        message: e.message,
    };
    match ShareState::from_query(query) {
        Ok(st) => (st, Vec::new()),
        Err(errors) if errors.iter().any(|e| e.param == "(query)") => (
            ShareState::default(),
            errors.into_iter().map(problem).collect(),
        ),
        Err(_) => {
            let mut st = ShareState::default();
            let mut problems = Vec::new();
            for pair in query
                .trim_start_matches(['?', '#'])
                .split('&')
                .filter(|p| !p.is_empty())
            {
                match ShareState::from_query(pair) {
                    Ok(one) => merge(&mut st, one),
                    Err(es) => problems.extend(es.into_iter().map(problem)),
                }
            }
            (st, problems)
        }
    }
}

/// Shortens quoted user text in messages (a hostile value must not flood the player).
pub(crate) fn quote(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("`{short}…`")
    } else {
        format!("`{short}`")
    }
}

/// Applies one presentation option (`embed`, `controls`, `theme`, `autoplay`); other keys are
/// ignored (they are state, or the host's own). `Err` says what is allowed.
fn apply_view(view: &mut ViewOptions, key: &str, value: &str) -> Result<bool, String> {
    let flag = |v: &str| match v {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "{} is not a switch: allowed 1, 0, true, false (or no value)",
            quote(v)
        )),
    };
    match key {
        "embed" => view.embed = flag(value)?,
        "autoplay" => view.autoplay = Some(flag(value)?),
        "controls" => {
            view.controls = match value {
                "full" => ControlsMode::Full,
                "minimal" => ControlsMode::Minimal,
                "none" => ControlsMode::None,
                _ => {
                    return Err(format!(
                        "{} is not a controls setting: allowed full, minimal, none",
                        quote(value)
                    ))
                }
            }
        }
        "theme" => {
            view.theme = match value {
                "auto" => Theme::Auto,
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                _ => {
                    return Err(format!(
                        "{} is not a theme: allowed light, dark, auto",
                        quote(value)
                    ))
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Reads a page URL: `search` (`?s=...&embed&controls=minimal`) and, for old deep links,
/// `hash` (`#scenario=...&t=...`, which wins where both say something).
pub fn from_url(search: &str, hash: &str) -> Request {
    let name = |p: &str| format!("URL parameter `{p}`");
    let mut req = Request::default();
    for part in [search, hash] {
        let q = part.trim_start_matches(['?', '#']);
        if q.is_empty() {
            continue;
        }
        let (st, problems) = parse_state(q, &name);
        merge(&mut req.state, st);
        req.problems.extend(problems);
        if q.len() > MAX_QUERY_BYTES {
            continue;
        }
        let controls_given = q
            .split('&')
            .any(|p| p.split('=').next() == Some("controls"));
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(value) = percent_decode(raw) else {
                if matches!(key, "embed" | "controls" | "theme" | "autoplay") {
                    req.problems.push(Problem {
                        source: name(key),
                        message: "is not valid percent-encoded UTF-8".into(),
                    });
                }
                continue;
            };
            // `toml=` carries an inline scenario as plain TOML (older deep links, the browser
            // benchmark); `z=` is its compressed form in share links.
            if key == "toml" {
                req.state.scenario = Some(ScenarioRef::Inline(value));
                continue;
            }
            if let Err(message) = apply_view(&mut req.view, key, &value) {
                req.problems.push(Problem {
                    source: name(key),
                    message,
                });
            }
        }
        if req.view.embed && !controls_given {
            req.view.controls = ControlsMode::Minimal;
        }
    }
    req
}

/// Script-embed attributes and the query parameter each one stands for.
pub const ATTRIBUTES: [(&str, &str); 9] = [
    ("data-lambdascope", "s"),
    ("data-seed", "seed"),
    ("data-at", "t"),
    ("data-t", "t"),
    ("data-faults", "in"),
    ("data-speed", "speed"),
    ("data-filter", "filter"),
    ("data-lesson", "lesson"),
    ("data-beat", "beat"),
];

/// Presentation attributes.
const VIEW_ATTRIBUTES: [(&str, &str); 3] = [
    ("data-controls", "controls"),
    ("data-theme", "theme"),
    ("data-autoplay", "autoplay"),
];

/// Reads a script embed's attributes (`attr(name)` returns an attribute's value). Besides the
/// ones in [`ATTRIBUTES`], `data-link` holds a whole share query (`seed=7&t=61000&in=...`, or
/// `z=...` for an inline scenario) and `data-toml` an inline scenario as plain TOML. The returned
/// state's inline scenario, if any, is still to be parsed by the core.
pub fn from_attributes(attr: &dyn Fn(&str) -> Option<String>) -> Request {
    let mut req = Request::default();
    for (a, key) in ATTRIBUTES {
        let Some(v) = attr(a) else {
            continue;
        };
        let v = v.trim();
        // An empty data-lambdascope means "the default scenario".
        if v.is_empty() && a == "data-lambdascope" {
            continue;
        }
        // Each attribute on its own, so a problem is named by the attribute the author wrote:
        // `data-at` and `data-t` are both the parameter `t`. (Later ones win, as in a query.)
        let (st, problems) = parse_state(&format!("{key}={}", percent_encode(v)), &|_| {
            format!("attribute `{a}`")
        });
        merge(&mut req.state, st);
        req.problems.extend(problems);
    }
    if let Some(link) = attr("data-link") {
        let (st, problems) = parse_state(link.trim(), &|p: &str| {
            format!("attribute `data-link`, parameter `{p}`")
        });
        merge(&mut req.state, st);
        req.problems.extend(problems);
    }
    if let Some(toml) = attr("data-toml") {
        req.state.scenario = Some(ScenarioRef::Inline(toml));
    }
    for (a, key) in VIEW_ATTRIBUTES {
        if let Some(v) = attr(a) {
            if let Err(message) = apply_view(&mut req.view, key, v.trim()) {
                req.problems.push(Problem {
                    source: format!("attribute `{a}`"),
                    message,
                });
            }
        }
    }
    req
}

/// A scenario as TOML text that [`Scenario::parse`] reads back to the same scenario.
///
/// Written from the core's table of the scenario by [`toml_text`]: the `toml` crate's own text
/// serializer would add 67 KB to the wasm (19 KB gzipped; measured).
pub fn scenario_toml(s: &Scenario) -> String {
    toml_text(&s.to_table())
}

/// A TOML document for `table`: plain values first, then `[sub.tables]`, then `[[arrays]]` of
/// tables; anything nested deeper inside arrays is written inline.
pub fn toml_text(table: &toml::Table) -> String {
    let mut out = String::new();
    write_table(&mut out, &[], table);
    out
}

fn is_table_array(v: &toml::Value) -> bool {
    matches!(v, toml::Value::Array(a) if !a.is_empty() && a.iter().all(|x| x.is_table()))
}

fn write_table(out: &mut String, path: &[String], t: &toml::Table) {
    for (k, v) in t
        .iter()
        .filter(|(_, v)| !v.is_table() && !is_table_array(v))
    {
        out.push_str(&format!("{} = {}\n", toml_key(k), toml_inline(v)));
    }
    let header = |k: &str| {
        path.iter()
            .map(|p| toml_key(p))
            .chain([toml_key(k)])
            .collect::<Vec<_>>()
            .join(".")
    };
    let sub = |k: &str| {
        path.iter()
            .cloned()
            .chain([k.to_string()])
            .collect::<Vec<_>>()
    };
    for (k, v) in t {
        if let toml::Value::Table(inner) = v {
            out.push_str(&format!("\n[{}]\n", header(k)));
            write_table(out, &sub(k), inner);
        }
    }
    for (k, v) in t.iter().filter(|(_, v)| is_table_array(v)) {
        for item in v.as_array().into_iter().flatten() {
            out.push_str(&format!("\n[[{}]]\n", header(k)));
            if let Some(inner) = item.as_table() {
                write_table(out, &sub(k), inner);
            }
        }
    }
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        lambdascope_sim::scenario::schema::quote(k)
    }
}

/// A finite float as TOML writes one: always with a fraction (`1.0`), so it reads back as a
/// float. Display's digits, which are the shortest that read back exactly and never an exponent
/// (`1e-7` is written `0.0000001`, still TOML). Not `format!("{f:?}")`: release bundles compile
/// `Debug` formatting to nothing (scripts/release-env); nor `{:e}`, which costs the bundle the
/// exponent printer (~2.5 KB raw) for values no scenario field allows.
fn toml_float(f: f64) -> String {
    let s = f.to_string();
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

fn toml_inline(v: &toml::Value) -> String {
    use toml::Value::*;
    match v {
        String(s) => lambdascope_sim::scenario::schema::quote(s),
        Integer(i) => i.to_string(),
        Float(f) if f.is_nan() => "nan".into(),
        Float(f) if f.is_infinite() => (if *f > 0.0 { "inf" } else { "-inf" }).into(),
        Float(f) => toml_float(*f),
        Boolean(b) => b.to_string(),
        Datetime(d) => d.to_string(),
        Array(a) => format!(
            "[{}]",
            a.iter().map(toml_inline).collect::<Vec<_>>().join(", ")
        ),
        Table(t) => {
            let items: Vec<std::string::String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_inline(v)))
                .collect();
            if items.is_empty() {
                "{}".into()
            } else {
                format!("{{ {} }}", items.join(", "))
            }
        }
    }
}

/// What a player shows now, as shareable state.
pub struct Showing<'a> {
    /// The bundled scenario this run came from, if it is unedited.
    pub bundled_id: Option<&'a str>,
    pub scenario: &'a Scenario,
    pub seed: u64,
    pub inputs: &'a [TimedInput],
    pub at: SimTime,
    pub speed: f64,
    pub filter: Option<Method>,
    pub lesson: Option<&'a str>,
    pub beat: Option<u32>,
}

/// The state that reproduces `s`: a bundled id when the scenario is an unedited bundled one, the
/// scenario's TOML otherwise.
pub fn state_of(s: &Showing) -> ShareState {
    let scenario = match s.bundled_id {
        Some(id) => ScenarioRef::Bundled(id.to_string()),
        None => ScenarioRef::Inline(scenario_toml(s.scenario)),
    };
    ShareState {
        scenario: Some(scenario),
        seed: Some(s.seed),
        inputs: s.inputs.to_vec(),
        t: Some(s.at),
        lesson: s.lesson.map(str::to_string),
        beat: s.beat,
        speed: Some(s.speed),
        filter: s.filter,
    }
}

/// The full app at this state: `base` is the app page's URL (no query).
pub fn link(base: &str, st: &ShareState) -> String {
    format!("{base}?{}", st.to_query())
}

/// `&`, `<`, `>`, `"` and `'` as HTML entities, for snippets the user pastes into a page.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The seed a player runs with when its link or element names none.
pub const DEFAULT_SEED: u64 = 1;

/// `st` without what an embed does anyway: seed [`DEFAULT_SEED`], the default speed, and an
/// instant at the very start (an embed without one plays from there when seen; with one it lands
/// paused at it). A snippet made at the start of a default run is then `?embed&controls=minimal&
/// s=ID`, exactly the address the build drew a still for (issue 16: its diagram is on screen
/// before the WebAssembly arrives), and shorter for a docs author to read. "Copy link" keeps
/// everything: it promises the moment.
pub fn embed_state(st: &ShareState) -> ShareState {
    ShareState {
        seed: st.seed.filter(|s| *s != DEFAULT_SEED),
        t: st.t.filter(|t| *t != SimTime::ZERO),
        speed: st.speed.filter(|v| *v != crate::playback::DEFAULT_SPEED),
        ..st.clone()
    }
}

/// An iframe showing this state with minimal controls. Its height is a starting value: the
/// player reports its real height (see the README's resize protocol). Sized with attributes, not
/// a style attribute, so it works on a host page whose CSP refuses inline styles.
pub fn iframe_snippet(base: &str, st: &ShareState, title: &str) -> String {
    let src = format!(
        "{base}?embed&controls=minimal&{}",
        embed_state(st).to_query()
    );
    format!(
        "<iframe src=\"{}\" title=\"{}\" data-lambdascope-frame width=\"100%\" height=\"560\" frameborder=\"0\" loading=\"lazy\"></iframe>",
        escape_attr(&src),
        escape_attr(&format!("lambdascope: {title}"))
    )
}

/// A script embed showing this state: the element and the one module script (`data-link` only
/// for what [`embed_state`] keeps).
pub fn script_snippet(base: &str, st: &ShareState) -> String {
    let st = embed_state(st);
    let (id, rest) = match &st.scenario {
        Some(ScenarioRef::Bundled(id)) => (
            id.clone(),
            ShareState {
                scenario: None,
                ..st.clone()
            },
        ),
        _ => (String::new(), st.clone()),
    };
    let link = rest.to_query();
    let link = if link.is_empty() {
        String::new()
    } else {
        format!(" data-link=\"{}\"", escape_attr(&link))
    };
    format!(
        "<div data-lambdascope=\"{}\"{link}></div>\n<script type=\"module\" src=\"{}embed.js\"></script>",
        escape_attr(&id),
        escape_attr(base_dir(base))
    )
}

/// The directory of a page URL (`https://x/app/index.html` → `https://x/app/`).
pub fn base_dir(url: &str) -> &str {
    match url.rfind('/') {
        Some(i) => &url[..=i],
        None => url,
    }
}

/// A file-name-safe version of a scenario id (ids from inline scenarios are untrusted).
pub fn file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(48)
        .collect();
    if s.trim_matches('-').is_empty() {
        "scenario".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdascope_sim::{Input, Run};
    use std::collections::BTreeMap;

    fn attrs(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    #[test]
    fn every_bundled_scenario_survives_toml_and_a_link() {
        for (file, text) in crate::scenarios::FILES {
            let s = Scenario::parse(file, text).unwrap();
            let toml = scenario_toml(&s);
            assert_eq!(
                Scenario::parse("again", &toml).unwrap(),
                s,
                "{file}: TOML round trip"
            );
            let showing = Showing {
                bundled_id: None,
                scenario: &s,
                seed: 3,
                inputs: &[],
                at: SimTime(10),
                speed: 1.0,
                filter: None,
                lesson: None,
                beat: None,
            };
            let q = state_of(&showing).to_query();
            assert!(q.len() < MAX_QUERY_BYTES, "{file}: {} bytes", q.len());
            let back = ShareState::from_query(&q).unwrap();
            let Some(ScenarioRef::Inline(t)) = back.scenario else {
                panic!("{file}: not inline")
            };
            assert_eq!(
                Scenario::parse("link", &t).unwrap(),
                s,
                "{file}: link round trip"
            );
        }
    }

    #[test]
    fn the_toml_writer_quotes_what_needs_quoting() {
        let text = "format_version = 1\nid = \"x\"\ntitle = \"Quotes \\\" back\\\\slash \\n newline \\u0007 bell <script>é\"\nsummary = \"\"\n\n[function]\ntimeout_s = 3\n\n[[sources]]\nkind = \"s3\"\nid = \"up loads\"\n";
        let value: toml::Table = toml::from_str(text).unwrap();
        let written = toml_text(&value);
        let again: toml::Table =
            toml::from_str(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(again, value, "{written}");
        let mut t = toml::Table::new();
        t.insert("a key".into(), toml::Value::Float(1.0));
        t.insert("tiny".into(), toml::Value::Float(1e-7));
        for (i, f) in [
            0.0,
            -0.0,
            2.5,
            -3.0,
            1e-5,
            9.999e-6,
            1e15,
            1e16,
            -1.7976931348623157e308,
            5e-324,
            0.1 + 0.2,
        ]
        .into_iter()
        .enumerate()
        {
            t.insert(format!("f{i}"), toml::Value::Float(f));
        }
        t.insert(
            "nested".into(),
            toml::Value::Array(vec![toml::Value::Array(vec![toml::Value::Table(
                toml::Table::new(),
            )])]),
        );
        let written = toml_text(&t);
        assert_eq!(
            toml::from_str::<toml::Table>(&written).unwrap(),
            t,
            "{written}"
        );
        assert!(written.contains("\"a key\" = 1.0"), "{written}");
        assert!(written.contains("tiny = 0.0000001\n"), "{written}");
    }

    #[test]
    fn a_link_reproduces_the_run_with_its_faults() {
        let (file, text) = crate::scenarios::FILES
            .iter()
            .find(|(f, _)| *f == "async-retries-dlq.toml")
            .unwrap();
        let s = Scenario::parse(file, text).unwrap();
        let run = Run::new(&s, 9, Vec::new())
            .fork(SimTime(500), Input::Throttle { for_ms: 4_000 })
            .fork(SimTime(900), Input::FailNextAttempt);
        let showing = Showing {
            bundled_id: Some("async-retries-dlq"),
            scenario: &s,
            seed: 9,
            inputs: run.inputs(),
            at: SimTime(61_000),
            speed: 2.0,
            filter: Some(Method::Asynchronous),
            lesson: Some("async-retries"),
            beat: Some(2),
        };
        let url = link("https://example.org/lambdascope/", &state_of(&showing));
        let query = url.split_once('?').unwrap().1;
        let req = from_url(&format!("?{query}"), "");
        assert!(req.problems.is_empty(), "{:?}", req.problems);
        let st = req.state;
        assert_eq!(
            st.scenario,
            Some(ScenarioRef::Bundled("async-retries-dlq".into()))
        );
        assert_eq!(
            (st.seed, st.t, st.speed, st.filter, st.beat),
            (
                Some(9),
                Some(SimTime(61_000)),
                Some(2.0),
                Some(Method::Asynchronous),
                Some(2)
            )
        );
        assert_eq!(st.lesson.as_deref(), Some("async-retries"));
        let again = Run::new(&s, st.seed.unwrap(), st.inputs.clone());
        assert_eq!(again.trace(), run.trace(), "same trace from the link");
        assert_eq!(again.inputs(), run.inputs());
    }

    #[test]
    fn a_bad_parameter_is_reported_and_the_good_ones_still_apply() {
        let req = from_url(
            "?s=sqs-happy-path&seed=%3Cscript%3E&t=1500&theme=neon&controls=minimal",
            "",
        );
        assert_eq!(
            req.state.scenario,
            Some(ScenarioRef::Bundled("sqs-happy-path".into()))
        );
        assert_eq!(req.state.t, Some(SimTime(1500)));
        assert_eq!(req.state.seed, None);
        assert_eq!(req.view.controls, ControlsMode::Minimal);
        let text: Vec<String> = req.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].starts_with("URL parameter `seed`: `<script>` is not a whole number"),
            "{}",
            text[0]
        );
        assert_eq!(
            text[1],
            "URL parameter `theme`: `neon` is not a theme: allowed light, dark, auto"
        );
    }

    #[test]
    fn embed_defaults_to_minimal_controls_and_reads_theme_and_autoplay() {
        let r = from_url("?embed&s=overview", "");
        assert_eq!(
            r.view,
            ViewOptions {
                embed: true,
                controls: ControlsMode::Minimal,
                theme: Theme::Auto,
                autoplay: None
            }
        );
        let r = from_url("?embed=1&controls=full&theme=dark&autoplay=0", "");
        assert_eq!(
            r.view,
            ViewOptions {
                embed: true,
                controls: ControlsMode::Full,
                theme: Theme::Dark,
                autoplay: Some(false)
            }
        );
        assert!(r.problems.is_empty());
        let r = from_url("?embed=maybe&controls=%3Cb%3E", "");
        assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
        assert!(r.problems[1]
            .message
            .contains("allowed full, minimal, none"));
        // Old fragment links still work, and the fragment wins over the query.
        let r = from_url("?seed=4&t=10", "#scenario=overview&t=5000");
        assert_eq!(
            r.state.scenario,
            Some(ScenarioRef::Bundled("overview".into()))
        );
        assert_eq!((r.state.seed, r.state.t), (Some(4), Some(SimTime(5000))));
        // Plain TOML in `toml=` (older deep links) is an inline scenario too.
        let r = from_url(
            "",
            "#toml=format_version%20%3D%201%0Aid%20%3D%20%22x%22&t=10000",
        );
        assert_eq!(
            r.state.scenario,
            Some(ScenarioRef::Inline("format_version = 1\nid = \"x\"".into()))
        );
        assert_eq!(r.state.t, Some(SimTime(10_000)));
        // A host page's own parameters are nobody's business.
        let r = from_url("?utm_source=docs&page=3", "#section-2");
        assert!(r.problems.is_empty() && r.state == ShareState::default());
    }

    #[test]
    fn oversize_links_are_refused_whole() {
        let r = from_url(
            &format!("?s=overview&x={}", "a".repeat(MAX_QUERY_BYTES)),
            "",
        );
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].message.contains("limited to"),
            "{:?}",
            r.problems
        );
        assert_eq!(r.state, ShareState::default());
    }

    #[test]
    fn attributes_go_through_the_same_parser_and_are_named_in_errors() {
        let r = from_attributes(&attrs(&[
            ("data-lambdascope", "async-retries-dlq"),
            ("data-seed", "7"),
            ("data-at", "62000"),
            ("data-faults", "30000:fail,45000:throttle.5000"),
            ("data-speed", "4"),
            ("data-controls", "minimal"),
            ("data-theme", "dark"),
        ]));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(
            r.state.scenario,
            Some(ScenarioRef::Bundled("async-retries-dlq".into()))
        );
        assert_eq!(
            (r.state.seed, r.state.t, r.state.speed),
            (Some(7), Some(SimTime(62_000)), Some(4.0))
        );
        assert_eq!(r.state.inputs.len(), 2);
        assert_eq!(
            (r.view.controls, r.view.theme),
            (ControlsMode::Minimal, Theme::Dark)
        );

        let r = from_attributes(&attrs(&[
            ("data-lambdascope", "\"><img src=x onerror=alert(1)>"),
            ("data-at", "soon"),
            ("data-theme", "x"),
        ]));
        let text: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        assert!(text[0].starts_with("attribute `data-lambdascope`: `\"><img src=x onerror=alert(1)>` is not a scenario id"), "{text:?}");
        assert!(
            text[1].starts_with("attribute `data-at`: `soon` is not a time"),
            "{text:?}"
        );
        assert!(text[2].starts_with("attribute `data-theme`"), "{text:?}");
        // Issue 12: `data-t` is named `data-t`, not by the other spelling of the same parameter.
        let r = from_attributes(&attrs(&[
            ("data-lambdascope", "overview"),
            ("data-t", "soon"),
        ]));
        let text: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            text,
            vec!["attribute `data-t`: `soon` is not a time in whole milliseconds".to_string()]
        );
        assert_eq!(
            r.state.scenario,
            Some(ScenarioRef::Bundled("overview".into())),
            "the good attribute still applies"
        );
        let r = from_attributes(&attrs(&[("data-at", "5"), ("data-t", "7")]));
        assert_eq!(r.state.t, Some(SimTime(7)), "the later spelling wins");

        // An empty data-lambdascope is the default scenario; data-link carries a whole query.
        let r = from_attributes(&attrs(&[
            ("data-lambdascope", ""),
            ("data-link", "s=overview&seed=2&t=900"),
        ]));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!((r.state.seed, r.state.t), (Some(2), Some(SimTime(900))));
        let r = from_attributes(&attrs(&[
            ("data-lambdascope", "x"),
            ("data-toml", "format_version = 1"),
        ]));
        assert_eq!(
            r.state.scenario,
            Some(ScenarioRef::Inline("format_version = 1".into()))
        );
    }

    /// User text reaches the page only as Yew text nodes and attribute values: no source file of
    /// the app uses a raw-HTML sink (a mechanical check; the e2e suite throws payloads at it).
    #[test]
    fn no_raw_html_sinks_in_the_app() {
        // Built from pieces so this file does not match itself.
        let sinks = [
            ["set_inner", "_html"].concat(),
            ["from_html", "_unchecked"].concat(),
            ["insert_adjacent", "_html"].concat(),
            ["set_outer", "_html"].concat(),
            ["inner", "HTML"].concat(),
            ["document.", "write"].concat(),
            ["VNode::", "VRaw"].concat(),
        ];
        let mut checked = 0;
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        stack.push(std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/static"
        )));
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "js")) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for sink in &sinks {
                        assert!(
                            !text.contains(sink.as_str()),
                            "{} uses {sink}",
                            path.display()
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "only {checked} files checked");
    }

    /// Issue 12: the snippets of a hostile inline scenario are two and four tags, whatever its text.
    #[test]
    fn snippets_of_a_hostile_scenario_carry_its_text_inert() {
        let s = Scenario::parse(
            "hostile.toml",
            include_str!("../e2e/fixtures/hostile-scenario.toml"),
        )
        .unwrap();
        let st = state_of(&Showing {
            bundled_id: None,
            scenario: &s,
            seed: 1,
            inputs: &[],
            at: SimTime(0),
            speed: 1.0,
            filter: None,
            lesson: None,
            beat: None,
        });
        let base = "https://h/ls/";
        let f = iframe_snippet(base, &st, &s.file.title);
        assert_eq!(f.matches('<').count(), 2, "{f}");
        assert!(
            f.starts_with("<iframe src=\"https://h/ls/?embed&amp;controls=minimal&amp;z="),
            "{f}"
        );
        assert!(f.contains(" title=\"lambdascope: &lt;img src=x onerror=alert(1)&gt; | `code` [x](javascript:alert(1)) # &lt;script&gt;alert(1)&lt;/script&gt;\" "), "{f}");
        let sc = script_snippet(base, &st);
        assert_eq!(sc.matches('<').count(), 4, "{sc}");
        assert_eq!(
            sc.matches('"').count(),
            8,
            "four attributes, each quoted once: {sc}"
        );
        // The scenario travels deflated, and comes back whole from the snippet's link.
        let link = sc
            .split("data-link=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let back = ShareState::from_query(&link.replace("&amp;", "&")).unwrap();
        let Some(ScenarioRef::Inline(toml)) = back.scenario else {
            panic!("not inline: {sc}")
        };
        assert_eq!(Scenario::parse("back", &toml).unwrap(), s);
    }

    #[test]
    fn snippets_escape_what_they_quote() {
        let st = ShareState {
            scenario: Some(ScenarioRef::Bundled("overview".into())),
            seed: Some(3),
            t: Some(SimTime(5)),
            ..Default::default()
        };
        let s = script_snippet("https://h/ls/index.html", &st);
        assert_eq!(s, "<div data-lambdascope=\"overview\" data-link=\"seed=3&amp;t=5\"></div>\n<script type=\"module\" src=\"https://h/ls/embed.js\"></script>");
        let f = iframe_snippet("https://h/ls/", &st, "A \"quoted\" <title>");
        assert!(f.contains("src=\"https://h/ls/?embed&amp;controls=minimal&amp;s=overview&amp;seed=3&amp;t=5\""), "{f}");
        assert!(
            f.contains("title=\"lambdascope: A &quot;quoted&quot; &lt;title&gt;\""),
            "{f}"
        );
        assert_eq!(file_stem("../../etc/passwd"), "------etc-passwd");
    }

    /// A snippet made at the start of a default run names the scenario alone: the iframe's
    /// address is the one `dist/stills/` has a frame for; anything else is kept.
    #[test]
    fn snippets_leave_out_what_an_embed_does_anyway() {
        let start = ShareState {
            scenario: Some(ScenarioRef::Bundled("async-retries-dlq".into())),
            seed: Some(DEFAULT_SEED),
            t: Some(SimTime::ZERO),
            speed: Some(crate::playback::DEFAULT_SPEED),
            ..Default::default()
        };
        let f = iframe_snippet("https://h/ls/", &start, "t");
        assert!(
            f.contains("src=\"https://h/ls/?embed&amp;controls=minimal&amp;s=async-retries-dlq\""),
            "{f}"
        );
        assert_eq!(
            script_snippet("https://h/ls/", &start),
            "<div data-lambdascope=\"async-retries-dlq\"></div>\n<script type=\"module\" src=\"https://h/ls/embed.js\"></script>"
        );
        let later = ShareState {
            seed: Some(7),
            t: Some(SimTime(62_000)),
            speed: Some(2.0),
            ..start
        };
        let f = iframe_snippet("https://h/ls/", &later, "t");
        assert!(
            f.contains("s=async-retries-dlq&amp;seed=7&amp;t=62000&amp;speed=2"),
            "{f}"
        );
        assert_eq!(file_stem("<>"), "scenario");
    }
}
