//! Simulated time: integer milliseconds since the start of a run.
//!
//! Why integers: float clocks need epsilons (dslab) or fudge factors (madsim) to order
//! events that "happen at the same time"; with `u64` milliseconds two events are simultaneous
//! exactly when their times are equal, and the agenda's sequence number breaks the tie.
//! Seconds exist only for display.

use serde::{Deserialize, Serialize};

/// A point in simulated time, in milliseconds since the run started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn ms(ms: u64) -> SimTime {
        SimTime(ms)
    }
    pub const fn secs(s: u64) -> SimTime {
        SimTime(s * 1000)
    }
    pub const fn as_ms(self) -> u64 {
        self.0
    }
    /// `self + ms`, saturating so that "never" stays "never".
    pub const fn plus(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }
    /// Milliseconds from `earlier` to `self` (0 if `earlier` is later).
    pub const fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl std::fmt::Display for SimTime {
    /// `12.345 s`, or `2 min 03.000 s` past a minute, or `1 h 02 min 03 s` past an hour.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_duration_ms(self.0))
    }
}

/// Human-readable duration: `850 ms`, `12.345 s`, `2 min 03 s`, `1 h 02 min`.
pub fn format_duration_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        if ms.is_multiple_of(1000) {
            format!("{} s", ms / 1000)
        } else {
            format!("{}.{:03} s", ms / 1000, ms % 1000)
        }
    } else if ms < 3_600_000 {
        let s = ms / 1000;
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        let m = ms / 60_000;
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

/// Parses `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds. Used by the CLI's
/// `--until` and by lessons; returns what was wrong and what is allowed.
pub fn parse_duration(text: &str) -> Result<SimTime, String> {
    let t = text.trim();
    let (num, mul) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60_000)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3_600_000)
    } else {
        (t, 1000)
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mul))
        .map(SimTime)
        .ok_or_else(|| {
            format!("`{text}` is not a duration: use a whole number with ms, s, m or h (e.g. 500ms, 90s, 5m, 2h)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn durations_parse_and_format() {
        assert_eq!(parse_duration("90s").unwrap(), SimTime(90_000));
        assert_eq!(parse_duration("500ms").unwrap(), SimTime(500));
        assert_eq!(parse_duration("5m").unwrap(), SimTime(300_000));
        assert_eq!(parse_duration("2h").unwrap(), SimTime(7_200_000));
        assert_eq!(parse_duration("7").unwrap(), SimTime(7_000));
        assert!(parse_duration("soon").unwrap_err().contains("soon"));
        assert_eq!(format_duration_ms(850), "850 ms");
        assert_eq!(format_duration_ms(29_000), "29 s");
        assert_eq!(format_duration_ms(61_500), "1 min 01 s");
        assert_eq!(SimTime(3_723_000).to_string(), "1 h 02 min");
    }
}
