//! The function, its handler's behaviour and the account's concurrency (§4 of the fact sheet).

use super::schema::declare;
use super::{FlakyItem, ItemFailureResponse};

declare! {
    /// Account-level concurrency (§4).
    pub struct Account impl Default {
        /// Account concurrency per Region: 1,000 by default (L-QUOTAS [D]).
        #[field(range(1, 1_000_000), row("L-QUOTAS"))]
        pub concurrency: u32 = 1000,
        /// Unreserved concurrency that must stay available: 100 (L-RESERVED [D], "−100" [S]).
        #[field(range(0, 1_000_000), row("L-RESERVED"))]
        pub minimum_unreserved: u32 = 100,
        /// New execution environments per function per 10 s: 1,000, refilled continuously, not
        /// banked (L-SCALING [D]).
        #[field(range(1, 1_000_000), row("L-SCALING"))]
        pub scaling_rate_per_10s: u32 = 1000,
        /// Concurrency the account's other functions are using (unreserved), so this function's
        /// share of the unreserved pool can be seen to shrink (L-RESERVED [D]). A level held for
        /// the whole run.
        #[field(range(0, 1_000_000), row("L-RESERVED"))]
        pub other_functions_concurrency: u32 = 0,
    }
}

declare! {
    /// The function and what its handler does.
    pub struct Function impl Default {
        /// The function's name (shown on the diagram).
        pub name: String = "my-function".into(),
        /// Function timeout: 3 s default, 1–900 s (L-TIMEOUT [D]).
        #[field(range(1, 900), row("L-TIMEOUT"))]
        pub timeout_s: u32 = 3,
        /// Memory: 128–10,240 MB (L-QUOTAS [D]). Shown, not simulated.
        #[field(range(128, 10_240), row("L-QUOTAS"))]
        pub memory_mb: u32 = 128,
        /// How long one run of the handler takes.
        pub duration: DurationDist = DurationDist::Fixed { ms: 200 },
        /// Init (cold start) time of a new execution environment. [U]: the duration depends on
        /// runtime and code. Up to 10 s Init runs on its own; a longer Init is retried inside the
        /// first invoke and counts against the function timeout (L-ENV [D]).
        #[field(range(0, 900_000), row("L-ENV"), undocumented)]
        pub init_ms: u64 = 300,
        /// What the handler does when it runs.
        pub behaviour: Behaviour = Behaviour::Succeed,
        /// Name of the error the handler throws (`Handled` function error, L-INVOKE [D]).
        #[field(row("L-INVOKE"))]
        pub error_type: String = "Error".into(),
        /// Reserved concurrency: caps and guarantees; 0 disables the function (L-RESERVED [D]).
        /// Unset = the function shares the account's unreserved pool.
        #[field(range(0, 1_000_000), row("L-RESERVED"))]
        pub reserved_concurrency: Option<u32> = None,
        /// Provisioned (pre-initialised) environments; more traffic spills to on-demand
        /// (L-RESERVED [D]).
        #[field(range(0, 1_000_000), row("L-RESERVED"))]
        pub provisioned_concurrency: u32 = 0,
        /// Bytes the handler returns (Lambda@Edge generated-response limits apply, CF-QUOTA [D]).
        #[field(range(0, 64 * 1024 * 1024), row("CF-QUOTA"))]
        pub response_bytes: u64 = 512,
        /// Items the handler fails on every delivery: SQS messages and stream records by their
        /// event number (`event #n`), or Step Functions Map items by index. A poison message or
        /// record. A synchronous or asynchronous event with one of these numbers fails every
        /// attempt too (a request or notification the handler cannot process).
        pub poison_items: Vec<u64> = Vec::new(),
        /// FIFO message groups (`g0` = 0, ...) whose messages the handler fails on every
        /// delivery: a group the handler cannot process, while other groups flow.
        #[field(range(0, 100_000))]
        pub poison_groups: Vec<u32> = Vec::new(),
        /// Chance that each item of a batch (SQS message, stream record) fails on a delivery,
        /// independently: failures spread over groups and batches.
        #[field(number(0.0, 1.0))]
        pub item_failure_probability: f64 = 0.0,
        /// Items that fail on their first deliveries (a failure that depends on the attempt).
        pub flaky_items: Vec<FlakyItem> = Vec::new(),
        /// How the handler reports failed items of a batch: throw, or return `batchItemFailures`.
        pub on_item_failure: ItemFailureResponse = ItemFailureResponse::Throw,
    }
}

declare! {
    /// Handler run time. Only integer arithmetic, so native and wasm runs agree exactly.
    pub enum DurationDist by "distribution" fields {
        /// Every run takes `ms`.
        Fixed = "fixed" {
            /// The run time.
            #[field(range(1, 3_600_000))]
            ms: u64,
        },
        /// Runs take from `min_ms` to `max_ms`, uniformly.
        Uniform = "uniform" {
            /// The shortest run.
            #[field(range(1, 3_600_000))]
            min_ms: u64,
            /// The longest run (at least `min_ms`).
            #[field(range(1, 3_600_000))]
            max_ms: u64,
        },
    }
}

declare! {
    /// What the handler does when it runs.
    pub enum Behaviour by "kind" fields {
        /// Returns normally.
        Succeed = "succeed",
        /// Throws on every run.
        Throw = "throw",
        /// Throws on the first `attempts` runs of each event, then succeeds.
        ThrowFirst = "throw_first" {
            /// Runs that throw before one succeeds.
            #[field(range(0, 1000))]
            attempts: u32,
        },
        /// Throws with probability `p` on each run.
        ThrowProbability = "throw_probability" {
            /// The chance that a run throws.
            #[field(number(0.0, 1.0))]
            p: f64,
        },
        /// Runs past its timeout on every run.
        TimeOut = "time_out",
        /// Runs `factor` times slower than the duration distribution says.
        Slow = "slow" {
            /// How many times slower.
            #[field(range(1, 1000))]
            factor: u32,
        },
    }
}
