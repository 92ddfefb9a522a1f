//! lambdascope, the web app: draws the AWS services invoking a Lambda function and animates the
//! message flow computed by the simulation core (`lambdascope-sim`).
//!
//! The app owns no AWS behaviour. It holds playback state (cursor, speed, playing), layout and
//! styling; everything it shows comes from the core's `Scene` at the cursor's instant.
//!
//! * [`playback`]: the cursor, the wall-clock → simulated-time mapping, idle-gap compression
//!   (pure; tested natively).
//! * [`layout`]: where boxes go and the curves messages travel (pure).
//! * [`params`]: the side panel's editable parameters, read and validated through the core.
//! * [`catalog`]: the ten source kinds and what each one does, in words.
//! * [`metrics`]: chart series sampled from the timeline.
//! * [`scenarios`]: the bundled `content/scenarios/*.toml`.
//! * [`announce`]: the screen-reader queue (one announcement at a time, paced; pure).
//! * [`compare`]: comparison mode: one template, three methods, one fault, one clock (pure).
//! * [`course`]: the bundled `content/lessons/*.toml` and the lesson player's reducer, answers,
//!   progress and transcript (pure).
//! * [`share_link`]: share links and embed options from URLs and attributes, and back (pure).
//! * [`embed`]: embedding in other pages: visibility, the iframe resize protocol, host themes.
//! * [`export`]: the trace as JSON, the frame as a standalone SVG, the transcript as Markdown.
//! * [`import_view`]: the Import view's logic: a SAM or CloudFormation template → its functions'
//!   scenarios and advice, each finding with its moment (pure; full app only).
//! * `bench` (feature `bench` only): `benchSim`, the debug export `scripts/bench-sim --wasm` times
//!   the player bundle with.
//! * [`components`] and [`hooks`]: the Yew function components and hooks.

pub mod announce;
#[cfg(feature = "bench")]
pub mod bench;
pub mod catalog;
pub mod compare;
pub mod components;
pub mod course;
pub mod embed;
pub mod export;
pub mod hooks;
pub mod import_view;
pub mod keymap;
pub mod layout;
pub mod metrics;
pub mod mount;
pub mod params;
pub mod playback;
pub mod scenarios;
pub mod share_link;

pub use components::player::{Player, PlayerProps};

/// Release bundles compile `Debug` formatting to nothing (`-Zfmt-debug=none`,
/// scripts/release-env: 3.9 KB gzip of the player), so a `{:?}` in code the browser runs would
/// print an empty string there while every native test passes. This finds any outside tests and
/// the few places that are native-only or benchmark-only by design.
#[cfg(test)]
mod no_debug_formatting_in_the_browser {
    use std::path::Path;

    /// (file, a line's text) where `{:?}` stays: the trace and state digests and the benchmark's
    /// JSON, which the benchmark build keeps `Debug` for (scripts/bench-sim), and native tools.
    const ALLOWED: &[(&str, &str)] = &[
        ("crates/sim/src/rng.rs", r#"write!(text, "{e:?};")"#),
        ("crates/sim/src/world.rs", r#""{{\"secs\":{secs},"#),
        ("crates/sim/src/world.rs", r#"format!("{:?}", self.totals)"#),
        ("crates/sim/src/world.rs", r#""{:?}|{:?}|{:?}|"#),
        ("crates/sim/src/world.rs", r#"format!("{:?}", self.trace)"#),
    ];
    /// Never in a browser bundle.
    const NATIVE: &[&str] = &["src/prerender_main.rs", "src/bench.rs"];

    /// The lines of `text` outside `#[cfg(test)]` items (the item after the attribute, to its
    /// closing brace).
    fn outside_tests(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let (mut skipping, mut depth, mut opened) = (false, 0i32, false);
        for (n, line) in text.lines().enumerate() {
            if line.trim() == "#[cfg(test)]" {
                (skipping, depth, opened) = (true, 0, false);
                continue;
            }
            if skipping {
                // Braces in code only: not in strings (format strings hold them) or char literals.
                let code = line.replace("'{'", "").replace("'}'", "");
                let mut in_string = false;
                let mut escaped = false;
                for c in code.chars() {
                    match (in_string, c) {
                        (true, _) if escaped => escaped = false,
                        (true, '\\') => escaped = true,
                        (_, '"') => in_string = !in_string,
                        (false, '{') => {
                            depth += 1;
                            opened = true;
                        }
                        (false, '}') => depth -= 1,
                        _ => {}
                    }
                }
                if opened && depth <= 0 {
                    skipping = false;
                }
                continue;
            }
            out.push((n + 1, line));
        }
        out
    }

    /// Whether line `k` is inside an `assert…!`, `debug_assert…!`, `panic!` or `unreachable!`
    /// call that starts on it or at most three lines above, with no statement ending between.
    fn in_panic_message(lines: &[(usize, &str)], k: usize) -> bool {
        for j in (k.saturating_sub(3)..=k).rev() {
            let l = lines[j].1.trim();
            if j < k && (l.ends_with(';') || l.ends_with('{') || l.ends_with('}')) {
                return false;
            }
            if ["assert", "debug_assert", "panic!", "unreachable!"]
                .iter()
                .any(|m| l.starts_with(m))
            {
                return true;
            }
        }
        false
    }

    /// Whether a line formats with `Debug`: a `{…:?}` or `{…:#?}` placeholder.
    fn formats_debug(line: &str) -> bool {
        line.match_indices("?}").any(|(i, _)| {
            line[..i].rfind('{').is_some_and(|open| {
                let spec = &line[open + 1..i];
                spec.contains(':') && !spec.contains(' ') && !spec.contains('{')
            })
        })
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn no_code_the_browser_runs_formats_with_debug() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src", "crates/sim/src", "crates/stack/src"] {
            rust_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 50, "found {} files", files.len());
        let mut found = Vec::new();
        for file in files {
            let name = file
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if NATIVE.contains(&name.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = outside_tests(&text);
            for (k, &(n, line)) in lines.iter().enumerate() {
                let allowed = ALLOWED.iter().any(|(f, l)| *f == name && line.contains(l));
                // A comment, or a panic's or an assertion's message: release bundles abort on a
                // panic without formatting it (-Cpanic=immediate-abort) and drop debug asserts.
                let exempt = line.trim_start().starts_with("//") || in_panic_message(&lines, k);
                if formats_debug(line) && !allowed && !exempt {
                    found.push(format!("{name}:{n}: {}", line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "Debug formatting in browser code:\n{}",
            found.join("\n")
        );
        // The finder finds.
        assert!(formats_debug(r#"format!("got {s:?}")"#));
        assert!(formats_debug(r#"format!("{:#?}", x)"#));
        assert!(!formats_debug(r#"format!("{s} ok?")"#));
        assert!(outside_tests("a\n#[cfg(test)]\nmod t {\n  b\n}\nc")
            .iter()
            .map(|x| x.1)
            .eq(["a", "c"]));
        let code = [(1, "x.expect(\"y\");"), (2, "let s = format!(\"{v:?}\");")];
        assert!(
            !in_panic_message(&code, 1),
            "a statement after an expect is not its message"
        );
        let code = [(1, "debug_assert!("), (2, "ok,"), (3, "\"{v:?}\",")];
        assert!(in_panic_message(&code, 2));
    }
}
