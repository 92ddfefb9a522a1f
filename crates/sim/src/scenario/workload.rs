//! The workload: the events each source produces.

use super::schema::declare;
use super::MAX_HORIZON_S;

declare! {
    /// How a workload's events are spread in time.
    pub enum Pattern words {
        /// `count` events at `at_ms` (a burst when count > 1), repeated `repeat` times
        /// `every_ms` apart.
        Burst = "burst",
        /// `rate_per_s` events per second from `at_ms` for `duration_s`.
        Rate = "rate",
    }
}

declare! {
    /// Events one source produces.
    pub struct Workload {
        /// The `id` of the source that produces these events.
        pub source: String,
        /// `burst` or `rate`.
        pub pattern: Pattern = Pattern::Burst,
        /// When the first event is produced.
        #[field(range(0, MAX_HORIZON_S as i64 * 1000))]
        pub at_ms: u64 = 0,
        /// Events per burst.
        #[field(range(1, 1_000_000))]
        pub count: u64 = 1,
        /// Bursts.
        #[field(range(1, 100_000))]
        pub repeat: u64 = 1,
        /// Time between bursts (at least 1 when `repeat` > 1).
        #[field(range(0, MAX_HORIZON_S as i64 * 1000))]
        pub every_ms: u64 = 0,
        /// Events per second, for `pattern = "rate"`.
        #[field(range(0, 100_000))]
        pub rate_per_s: u64 = 0,
        /// How long a rate lasts, for `pattern = "rate"`.
        #[field(range(0, MAX_HORIZON_S as i64))]
        pub duration_s: u64 = 0,
        /// Request payload size: sync limit 6 MB, async 1 MB (L-INVOKE [D]).
        #[field(range(0, 64 * 1024 * 1024), row("L-INVOKE"))]
        pub payload_bytes: u64 = 1024,
    }
}
impl Workload {
    /// Number of events this workload produces.
    pub fn total(&self) -> u64 {
        match self.pattern {
            Pattern::Burst => self.count.saturating_mul(self.repeat.max(1)),
            Pattern::Rate => self.rate_per_s.saturating_mul(self.duration_s),
        }
    }
}
