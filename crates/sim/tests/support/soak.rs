//! Sizing of the property tests, and the soak's figures (issue 12). By default each property
//! runs its usual few dozen cases per `cargo test`; `scripts/soak` sets
//! `LAMBDASCOPE_SOAK_CASES=N` to run N random cases per property and reads the line each
//! property prints when its last case ends: cases run and the slowest case, with what it was.
#![allow(clippy::disallowed_methods, clippy::disallowed_types, dead_code)]

use std::sync::Mutex;
use std::time::Instant;

const VAR: &str = "LAMBDASCOPE_SOAK_CASES";

/// Cases per property: `default`, or the soak's count.
pub fn cases(default: u32) -> u32 {
    std::env::var(VAR)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Per property: (cases finished, slowest wall ms, what the slowest case was).
static RECORDS: Mutex<Vec<(&'static str, u32, f64, String)>> = Mutex::new(Vec::new());

/// Times one case of `property` until dropped; `describe` names the case (only called when it is
/// the slowest so far).
pub fn time_case<F: FnOnce() -> String>(property: &'static str, describe: F) -> CaseTimer<F> {
    CaseTimer {
        property,
        start: Instant::now(),
        describe: Some(describe),
    }
}

pub struct CaseTimer<F: FnOnce() -> String> {
    property: &'static str,
    start: Instant,
    describe: Option<F>,
}

impl<F: FnOnce() -> String> Drop for CaseTimer<F> {
    fn drop(&mut self) {
        let Ok(soak) = std::env::var(VAR) else {
            return;
        };
        let total: u32 = soak.parse().unwrap_or(0);
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        let mut records = RECORDS.lock().unwrap_or_else(|p| p.into_inner());
        let i = match records.iter().position(|r| r.0 == self.property) {
            Some(i) => i,
            None => {
                records.push((self.property, 0, -1.0, String::new()));
                records.len() - 1
            }
        };
        let r = &mut records[i];
        r.1 += 1;
        if ms > r.2 {
            r.2 = ms;
            r.3 = self.describe.take().map(|d| d()).unwrap_or_default();
        }
        // Once, when the property's last planned case ends (proptest may run a few more while
        // shrinking a failure; the failure is then what the soak reports).
        if r.1 == total {
            println!(
                "SOAK {} cases={} slowest_ms={:.1} slowest_case={}",
                r.0, r.1, r.2, r.3
            );
        }
    }
}
