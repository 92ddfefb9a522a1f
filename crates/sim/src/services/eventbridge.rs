//! EventBridge target retry policy (EB-RETRY [D], EB-API [D]): retriable delivery failures are
//! retried with exponential backoff and jitter for up to `maximum_event_age_s` (24 h) and
//! `maximum_retry_attempts` (185); then the event goes to the target's DLQ if one is set, else it
//! is dropped. Once Lambda has accepted the event, this policy no longer applies: a Lambda
//! throttle or function error never reaches EventBridge's DLQ (EB-RP [S]).

use crate::rng::Rng;

/// Backoff before retry `retry` (1-based): `initial·2^(retry−1)` capped at `max`, then jittered
/// uniformly into its upper half. The backoff numbers are undocumented ([U]); they are parameters.
pub fn retry_delay_ms(retry: u32, initial_ms: u64, max_ms: u64, rng: &mut Rng) -> u64 {
    let base = initial_ms
        .saturating_mul(1u64 << (retry.saturating_sub(1)).min(30))
        .min(max_ms);
    rng.range_inclusive(base / 2, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn backoff_doubles_then_caps_with_jitter() {
        let mut rng = Rng::new(3);
        for _ in 0..100 {
            let d1 = retry_delay_ms(1, 1000, 60_000, &mut rng);
            assert!((500..=1000).contains(&d1));
            let d4 = retry_delay_ms(4, 1000, 60_000, &mut rng);
            assert!((4000..=8000).contains(&d4));
            let d20 = retry_delay_ms(20, 1000, 60_000, &mut rng);
            assert!((30_000..=60_000).contains(&d20));
        }
    }
}
