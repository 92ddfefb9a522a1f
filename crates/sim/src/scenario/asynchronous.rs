//! Lambda's event invoke config for asynchronous invocation, and destinations (§2).

use super::schema::declare;

declare! {
    /// Lambda's event invoke config for asynchronous invocation (§2).
    pub struct AsyncConfig impl Default {
        /// Function-error retries, 0–2, default 2 (L-ASYNC-ERR [D], L-EIC-API [D]).
        #[field(range(0, 2), row("L-EIC-API"))]
        pub maximum_retry_attempts: u32 = 2,
        /// Maximum event age: 60–21,600 s, default 21,600 = 6 h (L-ASYNC-CFG [D]).
        #[field(range(60, 21_600), row("L-EIC-API"))]
        pub maximum_event_age_s: u32 = 21_600,
        /// Wait before retry 1 and retry 2: "about one minute" then "two minutes"
        /// (L-ASYNC-ERR [D]). [U]: exact values and jitter are undocumented (§9.6).
        #[field(range(0, 21_600), row("L-ASYNC-ERR"), undocumented)]
        pub retry_delays_s: Vec<u64> = vec![60, 120],
        /// First wait after a throttle or system error: from 1 s doubling to 5 min, separate
        /// from the function-error retries (L-ASYNC-ERR [D]).
        #[field(range(1, 3_600_000), row("L-ASYNC-ERR"))]
        pub throttle_backoff_initial_ms: u64 = 1000,
        /// Longest wait between throttle retries: 5 min (L-ASYNC-ERR [D]).
        #[field(range(1, 3_600_000), row("L-ASYNC-ERR"))]
        pub throttle_backoff_max_ms: u64 = 300_000,
        /// Time from an event landing in the internal queue to a poller handing it to the
        /// function. [U]
        #[field(range(0, 3_600_000), undocumented)]
        pub queue_delay_ms: u64 = 100,
        /// Chance that the internal queue delivers an event twice although nothing failed
        /// (duplicates are documented as possible, L-ASYNC-ERR [D]; their rate is not). [U]
        #[field(number(0.0, 1.0), row("L-ASYNC-ERR"), undocumented)]
        pub duplicate_probability: f64 = 0.0,
        /// Where a record of each successful event goes (L-ASYNC-REC [D]).
        #[field(row("L-ASYNC-REC"))]
        pub on_success: Option<Destination> = None,
        /// Where a record of each discarded event goes (L-ASYNC-REC [D]).
        #[field(row("L-ASYNC-REC"))]
        pub on_failure: Option<Destination> = None,
        /// The function's dead-letter queue for discarded events (an SQS queue or SNS topic,
        /// L-ASYNC-REC [D]).
        #[field(row("L-ASYNC-REC"))]
        pub dead_letter_queue: Option<Destination> = None,
    }
}

declare! {
    /// What kind of resource a destination is.
    #[derive(PartialOrd, Ord)]
    pub enum DestinationKind words {
        Sqs = "sqs",
        Sns = "sns",
        Lambda = "lambda",
        EventBridge = "event_bridge",
        S3 = "s3",
    }
}
impl DestinationKind {
    pub fn label(self) -> &'static str {
        match self {
            DestinationKind::Sqs => "SQS queue",
            DestinationKind::Sns => "SNS topic",
            DestinationKind::Lambda => "Lambda function",
            DestinationKind::EventBridge => "EventBridge bus",
            DestinationKind::S3 => "S3 bucket",
        }
    }
}

declare! {
    /// A destination, dead-letter queue or on-failure target.
    pub struct Destination {
        /// What kind of resource it is.
        pub kind: DestinationKind,
        /// Its name (shown on the diagram).
        pub name: String,
        /// FIFO queues and topics are not supported as destinations or DLQs (L-ASYNC-REC [D]).
        #[field(row("L-ASYNC-REC"))]
        pub fifo: bool = false,
    }
}
