//! SNS delivery policy for AWS-managed endpoints such as Lambda (SNS-RETRY [D]): it applies only
//! when SNS cannot hand the message to Lambda (a server-side delivery failure). Once Lambda has
//! accepted the event, Lambda's asynchronous retries take over (L-ASYNC [D], EB-RP [S]).
//!
//! Phases: 3 immediate retries, 2 retries 1 s apart, 10 retries backing off exponentially from
//! 1 s to 20 s, then 100,000 retries 20 s apart: 100,015 attempts over about 23 days. After that
//! the message is dropped (no subscription DLQ is modelled). SNS jitters these delays; by how much
//! is undocumented, so the schedule here is exact.

/// Total delivery attempts (1 initial + 100,015 retries... the sheet counts 100,015 attempts in all).
pub const SNS_TOTAL_ATTEMPTS: u32 = 100_015;

/// The 10 backoff-phase delays, 1 s to 20 s, geometric (ratio 20^(1/9) ≈ 1.395), rounded to ms.
const BACKOFF_PHASE_MS: [u64; 10] = [
    1000, 1395, 1947, 2716, 3789, 5286, 7375, 10290, 14357, 20000,
];

/// Delay before delivery attempt `next_attempt` (2-based: attempt 1 is the first delivery), or
/// `None` when the policy is exhausted.
pub fn delay_before_attempt_ms(next_attempt: u32) -> Option<u64> {
    let retry = next_attempt.checked_sub(1)?; // 1-based retry number
    match retry {
        0 => Some(0),
        1..=3 => Some(0),
        4..=5 => Some(1000),
        6..=15 => Some(BACKOFF_PHASE_MS[(retry - 6) as usize]),
        _ if next_attempt <= SNS_TOTAL_ATTEMPTS => Some(20_000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sns_policy_phases_and_total() {
        assert_eq!(delay_before_attempt_ms(2), Some(0));
        assert_eq!(delay_before_attempt_ms(4), Some(0));
        assert_eq!(delay_before_attempt_ms(5), Some(1000));
        assert_eq!(delay_before_attempt_ms(6), Some(1000));
        assert_eq!(delay_before_attempt_ms(7), Some(1000));
        assert_eq!(delay_before_attempt_ms(16), Some(20_000));
        assert_eq!(delay_before_attempt_ms(17), Some(20_000));
        assert_eq!(delay_before_attempt_ms(SNS_TOTAL_ATTEMPTS), Some(20_000));
        assert_eq!(delay_before_attempt_ms(SNS_TOTAL_ATTEMPTS + 1), None);
        // ≈23 days in all (SNS-RETRY [D]).
        let total: u64 = (2..=SNS_TOTAL_ATTEMPTS)
            .map(|a| delay_before_attempt_ms(a).unwrap())
            .sum();
        let days = total as f64 / 86_400_000.0;
        assert!((22.5..23.5).contains(&days), "{days} days");
    }
}
