//! Export (issue 6): the trace as JSON, the current frame as a standalone SVG, the narration as
//! Markdown, each downloaded through a Blob URL.
//!
//! The JSON and the Markdown are pure functions of the session (tested natively). The SVG is
//! taken from the live diagram: a deep clone with every element's computed presentation styles
//! written onto it, so it needs no stylesheet and no script (a README shows it through `<img>`,
//! where neither would run). Tokens are drawn on a canvas over the diagram; they are embedded as
//! one PNG image at the same place, so the frame shows exactly what the player showed.

use lambdascope_sim::narrate::markdown_text;
use lambdascope_sim::share::ShareState;
use lambdascope_sim::{SimTime, TimedInput, TraceEvent};
use serde::Serialize;

use crate::playback::Session;

/// Version of the exported JSON document.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct ScenarioInfo<'a> {
    id: &'a str,
    title: &'a str,
}

/// The exported trace. `trace` holds the same objects `lambdascope trace` prints, one per event.
#[derive(Serialize)]
struct TraceExport<'a> {
    format_version: u32,
    generator: &'static str,
    scenario: ScenarioInfo<'a>,
    seed: u64,
    inputs: &'a [TimedInput],
    /// The share query that reproduces this run at this instant.
    link: String,
    /// The instant the player showed (ms).
    at: SimTime,
    end: SimTime,
    trace: &'a [TraceEvent],
}

/// The whole run as a JSON document.
pub fn trace_json(session: &Session, state: &ShareState, at: SimTime) -> String {
    let doc = TraceExport {
        format_version: EXPORT_FORMAT_VERSION,
        generator: "lambdascope",
        scenario: ScenarioInfo {
            id: session.scenario.id(),
            title: &session.scenario.file.title,
        },
        seed: session.seed,
        inputs: session.inputs(),
        link: state.to_query(),
        at,
        end: session.timeline().end(),
        trace: &session.timeline().trace,
    };
    json_html_safe(&serde_json::to_string_pretty(&doc).unwrap_or_default())
}

/// JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026` (and the two JavaScript line
/// separators as `\u2028`, `\u2029`), as Go's `json.Marshal` does: the same JSON value, but
/// scenario text such as `</script><img onerror=…>` stays inert even when someone pastes the file
/// into an HTML page or a `<script>` block. Outside strings JSON has none of these characters, so
/// replacing them everywhere only ever rewrites string contents.
pub fn json_html_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The narration of the whole run as Markdown (the text equivalent of the animation), with the
/// faults that were injected and the link that replays it. Scenario text is escaped by the core's
/// [`markdown_text`]; the link by [`markdown_url`].
pub fn transcript(session: &Session, link: &str) -> String {
    let mut md = lambdascope_sim::narrate::transcript_markdown(
        session.timeline(),
        &session.scenario.file.title,
        session.seed,
        None,
    );
    if !session.inputs().is_empty() {
        md.push_str("\nInjected faults:\n\n");
        for i in session.inputs() {
            md.push_str(&format!("- at {}: {}\n", i.at, describe_input(&i.input)));
        }
    }
    md.push_str(&format!(
        "\n[Replay this run in lambdascope]({})\n",
        markdown_url(link)
    ));
    md
}

/// A URL as a Markdown link destination: characters that could end the destination or start
/// markup (space, `(`, `)`, `<`, `>`, `[`, `]`, quotes, backslash, backtick) are percent-encoded,
/// which leaves the address the same for a browser. The link is built from the page's own
/// address, which a hostile page URL can fill with such characters.
pub fn markdown_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '[' | ']' | '"' | '\'' | '\\' | '`' | '|' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn describe_input(i: &lambdascope_sim::Input) -> String {
    use lambdascope_sim::Input::*;
    match i {
        FailNextAttempt => "the next attempt fails".into(),
        TimeOutNextAttempt => "the next attempt times out".into(),
        Throttle { for_ms } => format!("every invoke is throttled for {}", SimTime(*for_ms)),
        SlowDown { factor, for_ms } => {
            format!("handlers run {factor}× slower for {}", SimTime(*for_ms))
        }
        // Source ids are `[A-Za-z0-9_-]` (the validator and the link parser both insist), so a
        // code span holds one safely; anything else is escaped as text all the same.
        Publish { source } if is_plain_id(source) => format!("`{source}` produces one more event"),
        Publish { source } => format!("{} produces one more event", markdown_text(source)),
    }
}

fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub use browser::{download, frame_svg};

/// Browser-only (web-sys compiles natively, but these need a DOM at run time).
mod browser {
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlCanvasElement};

    /// Presentation properties copied from computed style onto the exported SVG, with the value
    /// that need not be written (the SVG initial value).
    const PROPS: [(&str, &str); 19] = [
        ("fill", "rgb(0, 0, 0)"),
        ("fill-opacity", "1"),
        ("stroke", "none"),
        ("stroke-width", "1px"),
        ("stroke-dasharray", "none"),
        ("stroke-opacity", "1"),
        ("stroke-linecap", "butt"),
        ("stroke-linejoin", "miter"),
        ("opacity", "1"),
        ("font-family", ""),
        ("font-size", ""),
        ("font-weight", "400"),
        ("font-style", "normal"),
        ("text-anchor", "start"),
        ("dominant-baseline", "auto"),
        ("letter-spacing", "normal"),
        ("visibility", "visible"),
        ("paint-order", "normal"),
        ("text-decoration-line", "none"),
    ];

    /// Writes the computed styles of `orig` (and its subtree) onto `copy`, which has the same shape.
    fn inline_styles(win: &web_sys::Window, orig: &Element, copy: &Element) {
        if let Ok(Some(cs)) = win.get_computed_style(orig) {
            let mut style = String::new();
            if cs.get_property_value("display").ok().as_deref() == Some("none") {
                style.push_str("display:none;");
            }
            for (p, initial) in PROPS {
                if let Ok(v) = cs.get_property_value(p) {
                    if !v.is_empty() && v != initial {
                        // Computed `url(...)` references may carry the page's address; the file
                        // keeps only the fragment, which names an element inside it.
                        let v = match (v.find("url(\""), v.find('#')) {
                            (Some(a), Some(h)) if h > a => format!("{}url(\"{}", &v[..a], &v[h..]),
                            _ => v,
                        };
                        style.push_str(&format!("{p}:{v};"));
                    }
                }
            }
            // Through the CSSOM (the `style` property), not setAttribute: a page whose CSP has
            // no `style-src-attr 'unsafe-inline'` refuses style attributes, not CSSOM writes.
            // The serializer writes the result out as the element's style attribute all the same.
            let _ = js_sys::Reflect::set(copy, &"style".into(), &style.into());
        }
        // Nothing interactive or page-specific travels.
        let names = copy.get_attribute_names();
        for n in names.iter().filter_map(|n| n.as_string()) {
            if n.starts_with("on") || n == "tabindex" || n == "class" || n.starts_with("data-") {
                let _ = copy.remove_attribute(&n);
            }
        }
        let (a, b) = (orig.children(), copy.children());
        for i in 0..a.length().min(b.length()) {
            if let (Some(x), Some(y)) = (a.item(i), b.item(i)) {
                inline_styles(win, &x, &y);
            }
        }
    }

    /// The frame on screen in `player` as a standalone SVG document, with `caption` under it.
    pub fn frame_svg(player: &Element, caption: &str) -> Result<String, String> {
        let win = crate::hooks::window().ok_or("no window")?;
        let doc = win.document().ok_or("no document")?;
        let svg = player
            .query_selector(".ls-diagram")
            .ok()
            .flatten()
            .ok_or("the diagram is not on screen")?;
        let copy: Element = svg
            .clone_node_with_deep(true)
            .map_err(|_| "could not copy the diagram")?
            .dyn_into()
            .map_err(|_| "not an element")?;
        inline_styles(&win, &svg, &copy);
        let vb = svg.get_attribute("viewBox").unwrap_or_default();
        let dims: Vec<f64> = vb
            .split_whitespace()
            .filter_map(lambdascope_sim::parse_f64)
            .collect();
        let (w, h) = match dims.as_slice() {
            [_, _, w, h] => (*w, *h),
            _ => return Err("the diagram has no size".into()),
        };
        const CAPTION_H: f64 = 30.0;
        let ns = "http://www.w3.org/2000/svg";
        let total_h = h + CAPTION_H;
        for (k, v) in [
            ("xmlns", ns.to_string()),
            ("viewBox", format!("0 0 {w:.0} {total_h:.0}")),
            ("width", format!("{w:.0}")),
            ("height", format!("{total_h:.0}")),
        ] {
            copy.set_attribute(k, &v)
                .map_err(|_| "could not size the SVG")?;
        }
        let _ = copy.remove_attribute("role");
        let _ = copy.remove_attribute("aria-label");
        let bg = win
            .get_computed_style(player)
            .ok()
            .flatten()
            .and_then(|cs| cs.get_property_value("background-color").ok())
            .filter(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)")
            .unwrap_or_else(|| "rgb(255, 255, 255)".into());
        let ink = win
            .get_computed_style(player)
            .ok()
            .flatten()
            .and_then(|cs| cs.get_property_value("color").ok())
            .unwrap_or_else(|| "rgb(0, 0, 0)".into());
        let el = |tag: &str| {
            doc.create_element_ns(Some(ns), tag)
                .map_err(|_| format!("could not create <{tag}>"))
        };
        // A title for screen readers and file browsers; text, never markup.
        let title = el("title")?;
        title.set_text_content(Some(caption));
        let back = el("rect")?;
        for (k, v) in [
            ("x", "0".to_string()),
            ("y", "0".into()),
            ("width", format!("{w:.0}")),
            ("height", format!("{total_h:.0}")),
            ("fill", bg),
        ] {
            let _ = back.set_attribute(k, &v);
        }
        let first = copy.first_child();
        copy.insert_before(&title, first.as_ref())
            .map_err(|_| "could not add the title")?;
        copy.insert_before(&back, title.next_sibling().as_ref())
            .map_err(|_| "could not add the background")?;
        // The tokens: the canvas laid over the diagram, as an image at the same place.
        if let Some(canvas) = player
            .query_selector(".ls-tokens")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        {
            let (sr, cr) = (
                svg.get_bounding_client_rect(),
                canvas.get_bounding_client_rect(),
            );
            if sr.width() > 0.0 && cr.width() > 0.0 && canvas.width() > 0 {
                let k = w / sr.width();
                let img = el("image")?;
                let url = canvas
                    .to_data_url()
                    .map_err(|_| "could not read the tokens")?;
                for (a, v) in [
                    ("x", format!("{:.2}", (cr.left() - sr.left()) * k)),
                    ("y", format!("{:.2}", (cr.top() - sr.top()) * k)),
                    ("width", format!("{:.2}", cr.width() * k)),
                    ("height", format!("{:.2}", cr.height() * k)),
                    ("href", url),
                    ("preserveAspectRatio", "none".into()),
                ] {
                    let _ = img.set_attribute(a, &v);
                }
                copy.append_child(&img)
                    .map_err(|_| "could not add the tokens")?;
            }
        }
        let text = el("text")?;
        // Presentation attributes, not a style attribute (a strict CSP refuses those).
        for (k, v) in [
            ("x", "8".to_string()),
            ("y", format!("{:.0}", h + 20.0)),
            ("fill", ink),
            ("font-size", "13".into()),
            (
                "font-family",
                "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif".into(),
            ),
        ] {
            let _ = text.set_attribute(k, &v);
        }
        text.set_text_content(Some(caption));
        copy.append_child(&text)
            .map_err(|_| "could not add the caption")?;
        let xml = web_sys::XmlSerializer::new()
            .map_err(|_| "no XMLSerializer")?
            .serialize_to_string(&copy)
            .map_err(|_| "could not serialize the SVG")?;
        Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{xml}\n"
        ))
    }

    /// Offers `text` as a file download (a Blob URL, revoked a minute later).
    pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
        let doc = crate::hooks::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let parts = js_sys::Array::of1(&text.into());
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
            .map_err(|_| "could not make the file")?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|_| "could not make a download link")?;
        let a: web_sys::HtmlAnchorElement = doc
            .create_element("a")
            .map_err(|_| "no <a>")?
            .dyn_into()
            .map_err(|_| "no <a>")?;
        a.set_href(&url);
        a.set_download(file_name);
        a.set_hidden(true);
        let body = doc.body().ok_or("no body")?;
        let _ = body.append_child(&a);
        a.click();
        a.remove();
        gloo_timers::callback::Timeout::new(60_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdascope_sim::{Input, Scenario};

    fn session() -> Session {
        let (file, text) = crate::scenarios::FILES
            .iter()
            .find(|(f, _)| *f == "async-retries-dlq.toml")
            .unwrap();
        let s = Scenario::parse(file, text).unwrap();
        let inputs = vec![TimedInput {
            at: SimTime(500),
            input: Input::Throttle { for_ms: 2_000 },
        }];
        Session::new(1, Some(7), s, 4, inputs)
    }

    #[test]
    fn the_json_export_holds_the_run_and_the_link_that_replays_it() {
        let s = session();
        let st = ShareState {
            seed: Some(4),
            inputs: s.inputs().to_vec(),
            t: Some(SimTime(900)),
            ..Default::default()
        };
        let json = trace_json(&s, &st, SimTime(900));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["format_version"], 1);
        assert_eq!(v["scenario"]["id"], "async-retries-dlq");
        assert_eq!(v["seed"], 4);
        assert_eq!(v["at"], 900);
        assert_eq!(v["link"], "seed=4&t=900&in=500:throttle.2000");
        assert_eq!(v["inputs"][0]["input"]["input"], "throttle");
        assert_eq!(v["inputs"][0]["at"], 500);
        let trace = v["trace"].as_array().unwrap();
        assert_eq!(trace.len(), s.timeline().trace.len());
        // Each event is exactly what the CLI's `lambdascope trace` prints for it.
        for (got, e) in trace.iter().zip(&s.timeline().trace) {
            assert_eq!(*got, serde_json::to_value(e).unwrap());
        }
        assert!(
            trace.iter().any(|e| e["kind"] == "input_applied"),
            "the injected throttle is in the trace"
        );
        assert!(
            trace.iter().any(|e| e["kind"] == "throttled"),
            "and what it did"
        );
    }

    /// A valid scenario whose every free-text field is markup (shared with the sim crate's test
    /// and e2e/hostile.test.mjs).
    const HOSTILE: &str = include_str!("../e2e/fixtures/hostile-scenario.toml");

    fn hostile() -> Session {
        let s = Scenario::parse("hostile.toml", HOSTILE).unwrap();
        let inputs = vec![TimedInput {
            at: SimTime(100),
            input: Input::Publish {
                source: "up_loads".into(),
            },
        }];
        Session::new(1, None, s, 1, inputs)
    }

    /// The tags pulldown-cmark (mdBook's renderer, which passes raw HTML through) writes for a
    /// transcript; any other tag in the rendered page came from the scenario.
    fn foreign_tags(md: &str) -> Vec<String> {
        use pulldown_cmark::{html, Options, Parser};
        let mut page = String::new();
        html::push_html(&mut page, Parser::new_ext(md, Options::ENABLE_TABLES));
        const OWN: [&str; 13] = [
            "h1", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "a", "code", "",
        ];
        page.match_indices('<')
            .map(|(i, _)| {
                page[i + 1..]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
            })
            .filter(|t| !OWN.contains(&t.as_str()))
            .collect()
    }

    #[test]
    fn the_transcript_of_a_hostile_scenario_renders_inert() {
        let s = hostile();
        // A page address can hold `)` and `<`; the link must not end early or open a tag.
        let md = transcript(&s, "https://h/x)<img src=z onerror=alert(9)>/?s=1");
        assert!(
            md.contains("onerror=alert(2)"),
            "the hostile error type is narrated (else this proves nothing): {md}"
        );
        assert_eq!(foreign_tags(&md), Vec::<String>::new(), "{md}");
        assert!(
            md.contains("- at 100 ms: `up_loads` produces one more event"),
            "{md}"
        );
        assert!(
            md.trim_end().ends_with(
                "[Replay this run in lambdascope](https://h/x%29%3Cimg%20src=z%20onerror=alert%289%29%3E/?s=1)"
            ),
            "{md}"
        );
        // Something other than an id in a code span is escaped as text.
        assert_eq!(
            describe_input(&Input::Publish {
                source: "<b>`x`</b>".into()
            }),
            "&lt;b&gt;\\`x\\`&lt;/b&gt; produces one more event"
        );
    }

    #[test]
    fn the_json_of_a_hostile_scenario_holds_no_markup_and_reads_back_the_same() {
        let s = hostile();
        let json = trace_json(&s, &ShareState::default(), SimTime(0));
        for bad in ['<', '>', '&'] {
            assert!(!json.contains(bad), "{bad} in {json}");
        }
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["scenario"]["title"], s.scenario.file.title.as_str());
        assert!(json.contains("\\u003cimg src=x onerror=alert(1)\\u003e"));
        let failed = v["trace"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["outcome"]["error_type"].is_string())
            .expect("an attempt fails with the hostile error type");
        assert_eq!(
            failed["outcome"]["error_type"],
            "</td><img src=x onerror=alert(2)>|Err`"
        );
        assert_eq!(
            json_html_safe("\u{2028}<&>"),
            "\\u2028\\u003c\\u0026\\u003e"
        );
    }

    #[test]
    fn the_transcript_narrates_the_run_and_lists_the_faults() {
        let s = session();
        let md = transcript(&s, "https://example.org/?s=x");
        assert!(
            md.starts_with("# Asynchronous: three attempts"),
            "{}",
            &md[..80.min(md.len())]
        );
        assert!(md.contains("| time | what happens |"));
        assert!(
            md.contains("- at 500 ms: every invoke is throttled for 2 s"),
            "{md}"
        );
        assert!(md
            .trim_end()
            .ends_with("[Replay this run in lambdascope](https://example.org/?s=x)"));
        assert!(
            md.lines()
                .filter(|l| l.starts_with("| ") && !l.starts_with("| time"))
                .count()
                > 5
        );
    }
}
