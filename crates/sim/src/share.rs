//! Share links: the whole state of a view in a URL query string, and back.
//!
//! `?s=async-retries-dlq&seed=7&t=61000&in=30000:fail,45000:throttle.5000&speed=4&filter=asynchronous`
//!
//! A link carries the scenario (a bundled id, or an inline scenario deflated and base64url-encoded
//! in `z`), the seed, the log of injected faults, the instant, the lesson and beat, the speed and
//! the method filter. Because a run is a pure function of (scenario, seed, inputs), opening the
//! link reproduces the exact trace and lands at the exact moment.
//!
//! Links are untrusted: every parameter is bounded and validated, and every error names the
//! parameter, the bad value and what is allowed. Nothing here produces HTML.

use crate::run::TimedInput;
use crate::scenario::{Method, MAX_SCENARIO_BYTES};
use crate::time::SimTime;
use crate::trace::Input;

/// Longest query string accepted.
pub const MAX_QUERY_BYTES: usize = 96 * 1024;
/// Most injected faults a link may carry.
pub const MAX_INPUTS: usize = 500;

#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioRef {
    /// A bundled scenario's id.
    Bundled(String),
    /// A scenario's TOML text, carried in the link itself.
    Inline(String),
}

/// Everything a link can say. `None`/empty fields are left to the player's defaults.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ShareState {
    pub scenario: Option<ScenarioRef>,
    pub seed: Option<u64>,
    pub inputs: Vec<TimedInput>,
    pub t: Option<SimTime>,
    pub lesson: Option<String>,
    pub beat: Option<u32>,
    /// Playback speed: simulated ms per wall ms (0.01–1000).
    pub speed: Option<f64>,
    pub filter: Option<Method>,
}

/// One problem with a link.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareError {
    pub param: String,
    pub message: String,
}
impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "URL parameter `{}`: {}", self.param, self.message)
    }
}

impl ShareState {
    /// The query string (without `?`), parameters in a fixed order.
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match &self.scenario {
            Some(ScenarioRef::Bundled(id)) => parts.push(format!("s={}", percent_encode(id))),
            Some(ScenarioRef::Inline(text)) => parts.push(format!(
                "z={}",
                base64url_encode(&crate::deflate::compress(text.as_bytes()))
            )),
            None => {}
        }
        if let Some(seed) = self.seed {
            parts.push(format!("seed={seed}"));
        }
        if let Some(t) = self.t {
            parts.push(format!("t={}", t.as_ms()));
        }
        if !self.inputs.is_empty() {
            let list: Vec<String> = self
                .inputs
                .iter()
                .map(|i| format!("{}:{}", i.at.as_ms(), encode_input(&i.input)))
                .collect();
            parts.push(format!("in={}", percent_encode(&list.join(","))));
        }
        if let Some(l) = &self.lesson {
            parts.push(format!("lesson={}", percent_encode(l)));
        }
        if let Some(b) = self.beat {
            parts.push(format!("beat={b}"));
        }
        if let Some(s) = self.speed {
            parts.push(format!("speed={s}"));
        }
        if let Some(m) = self.filter {
            parts.push(format!("filter={}", m.label()));
        }
        parts.join("&")
    }

    /// Parses a query string (with or without `?` or `#`). Unknown parameters are ignored (hosts
    /// add their own); known ones must be valid. Returns every problem found.
    pub fn from_query(query: &str) -> Result<ShareState, Vec<ShareError>> {
        let q = query.trim_start_matches(['?', '#']);
        if q.len() > MAX_QUERY_BYTES {
            return Err(vec![err(
                "(query)",
                format!(
                    "is {} bytes; links are limited to {MAX_QUERY_BYTES}",
                    q.len()
                ),
            )]);
        }
        let mut st = ShareState::default();
        let mut errors = Vec::new();
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = match percent_decode(raw) {
                Some(v) => v,
                None => {
                    errors.push(err(key, "is not valid percent-encoded UTF-8".into()));
                    continue;
                }
            };
            let r: Result<(), String> = (|| {
                match key {
                    "s" | "scenario" => {
                        if value.is_empty() || value.len() > 64 || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                            return Err(format!("`{}` is not a scenario id: use 1–64 lowercase letters, digits and `-`", shorten(&value)));
                        }
                        st.scenario = Some(ScenarioRef::Bundled(value));
                    }
                    "z" => {
                        let bytes = base64url_decode(&value).ok_or("is not base64url (A–Z, a–z, 0–9, `-`, `_`)")?;
                        let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_SCENARIO_BYTES)
                            .map_err(|_| format!("does not inflate to a scenario of at most {MAX_SCENARIO_BYTES} bytes"))?;
                        let text = String::from_utf8(text).map_err(|_| "inflates to something that is not UTF-8 text".to_string())?;
                        st.scenario = Some(ScenarioRef::Inline(text));
                    }
                    "seed" => st.seed = Some(value.parse().map_err(|_| format!("`{}` is not a whole number from 0 to {}", shorten(&value), u64::MAX))?),
                    "t" => st.t = Some(SimTime(value.parse().map_err(|_| format!("`{}` is not a time in whole milliseconds", shorten(&value)))?)),
                    "in" => st.inputs = parse_inputs(&value)?,
                    "lesson" => {
                        if value.is_empty() || value.len() > 64 || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                            return Err(format!("`{}` is not a lesson id: use 1–64 lowercase letters, digits and `-`", shorten(&value)));
                        }
                        st.lesson = Some(value);
                    }
                    "beat" => st.beat = Some(value.parse().ok().filter(|b| *b >= 1 && *b <= 1000).ok_or_else(|| format!("`{}` is not a beat number: allowed 1–1000", shorten(&value)))?),
                    "speed" => {
                        let s: f64 = crate::parse_f64(&value).filter(|s: &f64| s.is_finite() && (0.01..=1000.0).contains(s)).ok_or_else(|| format!("`{}` is not a speed: allowed 0.01–1000", shorten(&value)))?;
                        st.speed = Some(s);
                    }
                    "filter" => {
                        st.filter = Some(match value.as_str() {
                            "synchronous" => Method::Synchronous,
                            "asynchronous" => Method::Asynchronous,
                            "polling" => Method::Polling,
                            _ => return Err(format!("`{}` is not an invocation method: allowed synchronous, asynchronous, polling", shorten(&value))),
                        })
                    }
                    _ => {}
                }
                Ok(())
            })();
            if let Err(message) = r {
                errors.push(err(key, message));
            }
        }
        if errors.is_empty() {
            Ok(st)
        } else {
            Err(errors)
        }
    }
}

fn err(param: &str, message: String) -> ShareError {
    ShareError {
        param: shorten(param),
        message,
    }
}

/// Error messages quote user text; keep it short so a hostile link cannot flood the page.
fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn encode_input(i: &Input) -> String {
    match i {
        Input::FailNextAttempt => "fail".into(),
        Input::TimeOutNextAttempt => "timeout".into(),
        Input::Throttle { for_ms } => format!("throttle.{for_ms}"),
        Input::SlowDown { factor, for_ms } => format!("slow.{factor}.{for_ms}"),
        Input::Publish { source } => format!("publish.{source}"),
    }
}

fn parse_inputs(text: &str) -> Result<Vec<TimedInput>, String> {
    let mut out = Vec::new();
    for item in text.split(',').filter(|s| !s.is_empty()) {
        if out.len() == MAX_INPUTS {
            return Err(format!("has more than {MAX_INPUTS} faults"));
        }
        let bad = || {
            format!("`{}` is not a fault: use TIME_MS:fail, :timeout, :throttle.MS, :slow.FACTOR.MS or :publish.SOURCE", shorten(item))
        };
        let (at, what) = item.split_once(':').ok_or_else(bad)?;
        let at: u64 = at.parse().map_err(|_| bad())?;
        let mut parts = what.split('.');
        let input = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("fail"), None, ..) => Input::FailNextAttempt,
            (Some("timeout"), None, ..) => Input::TimeOutNextAttempt,
            (Some("throttle"), Some(ms), None, _) => Input::Throttle {
                for_ms: ms
                    .parse()
                    .ok()
                    .filter(|m| *m <= 86_400_000)
                    .ok_or_else(bad)?,
            },
            (Some("slow"), Some(f), Some(ms), None) => Input::SlowDown {
                factor: f
                    .parse()
                    .ok()
                    .filter(|f| (1..=1000).contains(f))
                    .ok_or_else(bad)?,
                for_ms: ms
                    .parse()
                    .ok()
                    .filter(|m| *m <= 86_400_000)
                    .ok_or_else(bad)?,
            },
            (Some("publish"), Some(src), None, _)
                if !src.is_empty()
                    && src.len() <= 64
                    && src
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Input::Publish {
                    source: src.to_string(),
                }
            }
            _ => return Err(bad()),
        };
        out.push(TimedInput {
            at: SimTime(at),
            input,
        });
    }
    Ok(out)
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` and `+` (as space); `None` for malformed escapes or invalid UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        let chars = chunk.len() + 1;
        for k in 0..chars {
            out.push(B64[(n >> (18 - 6 * k)) as usize & 63] as char);
        }
    }
    out
}

pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_field() {
        let st = ShareState {
            scenario: Some(ScenarioRef::Bundled("async-retries-dlq".into())),
            seed: Some(7),
            inputs: vec![
                TimedInput {
                    at: SimTime(30_000),
                    input: Input::FailNextAttempt,
                },
                TimedInput {
                    at: SimTime(45_000),
                    input: Input::Throttle { for_ms: 5000 },
                },
                TimedInput {
                    at: SimTime(50_000),
                    input: Input::SlowDown {
                        factor: 3,
                        for_ms: 10_000,
                    },
                },
                TimedInput {
                    at: SimTime(51_000),
                    input: Input::TimeOutNextAttempt,
                },
                TimedInput {
                    at: SimTime(52_000),
                    input: Input::Publish {
                        source: "uploads".into(),
                    },
                },
            ],
            t: Some(SimTime(61_000)),
            lesson: Some("async-retries".into()),
            beat: Some(3),
            speed: Some(2.5),
            filter: Some(Method::Asynchronous),
        };
        let q = st.to_query();
        assert_eq!(
            q,
            "s=async-retries-dlq&seed=7&t=61000&in=30000:fail,45000:throttle.5000,50000:slow.3.10000,51000:timeout,52000:publish.uploads&lesson=async-retries&beat=3&speed=2.5&filter=asynchronous"
        );
        assert_eq!(ShareState::from_query(&format!("?{q}")).unwrap(), st);
    }

    #[test]
    fn inline_scenarios_deflate_and_round_trip() {
        let text =
            "format_version = 1\nid = \"mine\"\ntitle = \"Ünïcode & <b>tags</b>\"\n".repeat(20);
        let st = ShareState {
            scenario: Some(ScenarioRef::Inline(text.clone())),
            ..Default::default()
        };
        let q = st.to_query();
        assert!(
            q.len() < text.len() / 2,
            "deflate should shrink repetitive TOML: {} vs {}",
            q.len(),
            text.len()
        );
        assert_eq!(
            ShareState::from_query(&q).unwrap().scenario,
            Some(ScenarioRef::Inline(text))
        );
    }

    #[test]
    fn bad_parameters_are_named_with_what_is_allowed() {
        let errs = ShareState::from_query("s=<script>alert(1)</script>&seed=-1&speed=1e9&filter=psychic&in=5:explode&t=soon&z=!!!&beat=0").unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        let joined = text.join("\n");
        for p in [
            "`s`", "`seed`", "`speed`", "`filter`", "`in`", "`t`", "`z`", "`beat`",
        ] {
            assert!(joined.contains(p), "no error for {p}:\n{joined}");
        }
        assert!(joined.contains("allowed synchronous, asynchronous, polling"));
        // Unknown parameters from the host page are ignored.
        assert_eq!(
            ShareState::from_query("utm_source=docs&embed=1").unwrap(),
            ShareState::default()
        );
    }

    #[test]
    fn hostile_sizes_are_refused() {
        let huge = "a".repeat(MAX_QUERY_BYTES + 1);
        assert!(ShareState::from_query(&huge).is_err());
        // A deflate bomb: 1 MB of zeros compresses to ~1 KB but must not inflate past the limit.
        let bomb = base64url_encode(&miniz_oxide::deflate::compress_to_vec(
            &vec![b'#'; 1 << 20],
            9,
        ));
        let e = ShareState::from_query(&format!("z={bomb}")).unwrap_err();
        assert!(e[0].message.contains("at most"), "{e:?}");
        let many: Vec<String> = (0..=MAX_INPUTS).map(|i| format!("{i}:fail")).collect();
        assert!(
            ShareState::from_query(&format!("in={}", many.join(","))).unwrap_err()[0]
                .message
                .contains("more than")
        );
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(percent_decode("a%20b+c%2C"), Some("a b c,".into()));
        assert_eq!(percent_decode("%zz"), None);
    }
}
