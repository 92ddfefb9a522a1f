//! Scenario types for the event source mappings (§3 of the fact sheet): an SQS queue (standard or
//! FIFO), a Kinesis data stream, a DynamoDB stream. Each is a `[[sources]]` entry; its fields are
//! the queue's or stream's attributes plus the mapping's parameters, named as AWS names them, in
//! snake case. Defaults are the sheet's (§3, §11); `[U]` values are parameters that say so.

use super::schema::declare;
use super::{check_range, Destination, DestinationKind, Function, MAX_HORIZON_S};

/// The only value `function_response_types` accepts (L-SQS-ERR [D], L-PBR [D]).
pub const REPORT_BATCH_ITEM_FAILURES: &str = "ReportBatchItemFailures";

/// Every batch goes out at or below 6 MB; the cap is not modifiable (L-ESM [D]).
pub const BATCH_PAYLOAD_LIMIT: u64 = 6 * 1024 * 1024;

declare! {
    /// An SQS queue with a Lambda event source mapping on it.
    pub struct SqsSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The queue's name (shown on the diagram).
        pub queue: String = "orders".into(),
        /// A FIFO queue: order per message group, batch size ≤ 10, no batching window
        /// (L-SQS-PARAM [D]).
        #[field(row("L-SQS-PARAM"))]
        pub fifo: bool = false,
        /// FIFO: messages get MessageGroupIds `g0, g1, ...` in turn (message k of this source
        /// joins group k mod `message_groups`), so a story can say which group a poison message
        /// is in.
        #[field(range(1, 100_000))]
        pub message_groups: u32 = 1,
        /// BatchSize: 10; standard 1–10,000, FIFO 1–10 (L-SQS-PARAM [D]).
        #[field(range(1, 10_000), row("L-SQS-PARAM"))]
        pub batch_size: u32 = 10,
        /// MaximumBatchingWindowInSeconds: 0; 0–300; not for FIFO (L-SQS-PARAM [D]).
        #[field(range(0, 300), row("L-SQS-PARAM"))]
        pub maximum_batching_window_s: u32 = 0,
        /// The queue's VisibilityTimeout: 30 s, 0 s–12 h (SQS-API [D]).
        #[field(range(0, 43_200), row("SQS-API"))]
        pub visibility_timeout_s: u32 = 30,
        /// The queue's MessageRetentionPeriod: 4 days, 60 s–14 days (SQS-API [D]).
        #[field(range(60, 1_209_600), row("SQS-API"))]
        pub message_retention_period_s: u32 = 4 * 86_400,
        /// The queue's redrive policy `maxReceiveCount`. SQS (not Lambda) moves a message to
        /// `dead_letter_queue` when a receive would exceed it (L-SQS-CFG [D]; it recommends at
        /// least 5). Unset = no redrive.
        #[field(range(1, 1000), row("L-SQS-CFG"))]
        pub max_receive_count: Option<u32> = None,
        /// The redrive policy's dead-letter queue (a queue name).
        #[field(row("L-SQS-CFG"))]
        pub dead_letter_queue: Option<String> = None,
        /// FunctionResponseTypes: `["ReportBatchItemFailures"]` turns on partial batch responses
        /// (L-SQS-ERR [D]); without it a returned `batchItemFailures` list is ignored (L-PBR [D]).
        #[field(choices("ReportBatchItemFailures"), row("L-SQS-ERR, L-PBR"))]
        pub function_response_types: Vec<String> = Vec::new(),
        /// ScalingConfig.MaximumConcurrency: 2–1,000, unset by default (L-SCALINGCFG [D]).
        #[field(range(2, 1000), row("L-SCALINGCFG"))]
        pub maximum_concurrency: Option<u32> = None,
        /// Concurrent batches when messages first appear: 5 (L-SQS-SCALE [D]).
        #[field(range(1, 1000), row("L-SQS-SCALE"))]
        pub poller_initial_concurrency: u32 = 5,
        /// Added each minute while messages remain: up to 300 (L-SQS-SCALE [D], L-SQS-CFG [D]).
        /// [U] granularity: applied as one step per minute of backlog.
        #[field(range(0, 10_000), row("L-SQS-SCALE"), undocumented)]
        pub poller_scale_up_per_minute: u32 = 300,
        /// The mapping's ceiling: 1,250 concurrent invokes (newer text) or 1,000 batches (older
        /// text); the sheet suggests 1,250 (§9.1). [U]
        #[field(range(1, 100_000), row("L-SQS-SCALE"), undocumented)]
        pub poller_maximum_concurrency: u32 = 1250,
        /// On a function error (without ReportBatchItemFailures) or a throttle Lambda "lowers
        /// the mapping's concurrency" (L-SQS-ERR [D]); by how much is undocumented. The
        /// concurrency is multiplied by this percentage (never below 2, the floor L-SQS-SCALE
        /// mentions). [U]
        #[field(range(1, 100), row("L-SQS-ERR"), undocumented)]
        pub error_backoff_percent: u32 = 50,
        /// A throttled batch is retried "with backoff" until its visibility timeout runs out
        /// (L-SQS-ERR [D]); the intervals are undocumented (§9.6): this, doubling each time. [U]
        #[field(range(1, 60_000), row("L-SQS-ERR"), undocumented)]
        pub throttle_backoff_initial_ms: u64 = 1000,
    }
}

impl SqsSource {
    pub fn report_batch_item_failures(&self) -> bool {
        self.function_response_types
            .iter()
            .any(|t| t == REPORT_BATCH_ITEM_FAILURES)
    }
    /// The concurrency the mapping may not exceed: the poller ceiling, capped by MaximumConcurrency.
    pub fn concurrency_cap(&self) -> u32 {
        self.maximum_concurrency
            .map_or(self.poller_maximum_concurrency, |m| {
                m.min(self.poller_maximum_concurrency)
            })
    }
}

declare! {
    /// Where a stream mapping starts reading (required, L-KIN-PARAM [D], L-DDB-PARAM [D]).
    pub enum StartingPosition words {
        /// The oldest record still in the stream.
        TrimHorizon = "TRIM_HORIZON",
        /// Only records written after the mapping starts polling; records written while it is
        /// being created are missed (L-DDB [D]).
        Latest = "LATEST",
        /// Kinesis only: records written at or after `starting_position_timestamp_ms`.
        AtTimestamp = "AT_TIMESTAMP",
    }
}
impl StartingPosition {
    pub fn as_str(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
            StartingPosition::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

declare! {
    /// A Kinesis data stream with a Lambda event source mapping on it (standard iterator).
    pub struct KinesisSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The stream's name (shown on the diagram).
        pub stream: String = "clicks".into(),
        /// Shards in the stream.
        #[field(range(1, 10_000))]
        pub shards: u32 = 1,
        /// Records get partition keys `k0, k1, ...` in turn (record k of this source has key
        /// k mod `partition_keys`); key j lives on shard j mod `shards`, so a story can place a
        /// poison record. (Kinesis hashes keys with MD5 into shard ranges: this is the even split.)
        #[field(range(1, 10_000_000))]
        pub partition_keys: u32 = 1,
        /// BatchSize: 100, 1–10,000 (L-KIN-PARAM [D]).
        #[field(range(1, 10_000), row("L-KIN-PARAM"))]
        pub batch_size: u32 = 100,
        /// MaximumBatchingWindowInSeconds: 0, 0–300 (L-KIN-PARAM [D]).
        #[field(range(0, 300), row("L-KIN-PARAM"))]
        pub maximum_batching_window_s: u32 = 0,
        /// StartingPosition: required (L-KIN-PARAM [D]).
        #[field(row("L-KIN-PARAM"))]
        pub starting_position: StartingPosition,
        /// StartingPositionTimestamp, for AT_TIMESTAMP, in simulated milliseconds.
        #[field(range(0, MAX_HORIZON_S as i64 * 1000), row("L-KIN-PARAM"))]
        pub starting_position_timestamp_ms: Option<u64> = None,
        /// ParallelizationFactor: 1, 1–10 (L-KIN-PARAM [D]).
        #[field(range(1, 10), row("L-KIN-PARAM"))]
        pub parallelization_factor: u32 = 1,
        /// MaximumRetryAttempts: −1 = retry until the record expires; −1…10,000 (L-KIN-PARAM [D]).
        #[field(range(-1, 10_000), row("L-KIN-PARAM"))]
        pub maximum_retry_attempts: i64 = -1,
        /// MaximumRecordAgeInSeconds: −1 = no limit; −1 or 60–604,800 (L-KIN-PARAM [D], range [S]).
        #[field(range(-1, 604_800), row("L-KIN-PARAM"))]
        pub maximum_record_age_s: i64 = -1,
        /// BisectBatchOnFunctionError: false (L-KIN-PARAM [D]).
        #[field(row("L-KIN-PARAM"))]
        pub bisect_batch_on_function_error: bool = false,
        /// `["ReportBatchItemFailures"]` turns on partial batch responses (L-PBR [D]).
        #[field(choices("ReportBatchItemFailures"), row("L-PBR"))]
        pub function_response_types: Vec<String> = Vec::new(),
        /// DestinationConfig.OnFailure: SQS, SNS or S3 (L-KIN-FAIL [D]).
        #[field(row("L-KIN-FAIL"))]
        pub on_failure: Option<Destination> = None,
        /// Stream retention: 24 h, 24–8,760 h (KDS-RET [D]).
        #[field(range(24, 8760), row("KDS-RET"))]
        pub retention_period_hours: u32 = 24,
        /// "About once per second per shard" (L-KIN [D]). [U]
        #[field(range(1, 60_000), row("L-KIN"), undocumented)]
        pub poll_interval_ms: u64 = 1000,
        /// When the mapping starts polling: creating or updating a mapping is eventually
        /// consistent and "may take several minutes" (L-DDB [D]); records written before then are
        /// missed with LATEST. [U]
        #[field(range(0, 3_600_000), row("L-DDB"), undocumented)]
        pub mapping_enabled_at_ms: u64 = 0,
        /// Wait before retrying a failed batch, doubling up to `retry_backoff_max_ms`; no
        /// interval is documented for stream retries (§9.6). [U]
        #[field(range(1, 3_600_000), undocumented)]
        pub retry_backoff_initial_ms: u64 = 1000,
        /// Longest wait between retries of a failed batch. [U]
        #[field(range(1, 3_600_000), undocumented)]
        pub retry_backoff_max_ms: u64 = 60_000,
    }
}

declare! {
    /// A DynamoDB stream with a Lambda event source mapping on it.
    pub struct DynamodbStreamsSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The table's name (shown on the diagram).
        pub table: String = "orders".into(),
        /// Shards in the stream.
        #[field(range(1, 10_000))]
        pub shards: u32 = 1,
        /// Item keys `k0, k1, ...` in turn, as for Kinesis partition keys; order is kept per
        /// item key.
        #[field(range(1, 10_000_000))]
        pub partition_keys: u32 = 1,
        /// BatchSize: 100, 1–10,000 (L-DDB-PARAM [D]; older docs said 1,000).
        #[field(range(1, 10_000), row("L-DDB-PARAM"))]
        pub batch_size: u32 = 100,
        /// MaximumBatchingWindowInSeconds: 0, 0–300 (L-DDB-PARAM [D]).
        #[field(range(0, 300), row("L-DDB-PARAM"))]
        pub maximum_batching_window_s: u32 = 0,
        /// StartingPosition: required; TRIM_HORIZON or LATEST (L-DDB-PARAM [D]).
        #[field(row("L-DDB-PARAM"))]
        pub starting_position: StartingPosition,
        /// ParallelizationFactor: 1, 1–10 (L-DDB-PARAM [D]).
        #[field(range(1, 10), row("L-DDB-PARAM"))]
        pub parallelization_factor: u32 = 1,
        /// −1 (infinite) by default; the table says 0…10,000 but −1 is accepted (§9.8).
        #[field(range(-1, 10_000), row("L-DDB-PARAM"))]
        pub maximum_retry_attempts: i64 = -1,
        /// MaximumRecordAgeInSeconds: −1 = no limit; −1 or 60–604,800 (L-DDB-PARAM [D]).
        #[field(range(-1, 604_800), row("L-DDB-PARAM"))]
        pub maximum_record_age_s: i64 = -1,
        /// BisectBatchOnFunctionError: false (L-DDB-PARAM [D]).
        #[field(row("L-DDB-PARAM"))]
        pub bisect_batch_on_function_error: bool = false,
        /// `["ReportBatchItemFailures"]` turns on partial batch responses (L-PBR [D]).
        #[field(choices("ReportBatchItemFailures"), row("L-PBR"))]
        pub function_response_types: Vec<String> = Vec::new(),
        /// DestinationConfig.OnFailure: SQS, SNS or S3 (L-KIN-FAIL [D]).
        #[field(row("L-KIN-FAIL"))]
        pub on_failure: Option<Destination> = None,
        /// "About four times per second per shard" (L-DDB [D]). [U]
        #[field(range(1, 60_000), row("L-DDB"), undocumented)]
        pub poll_interval_ms: u64 = 250,
        /// Other Lambda functions reading the same stream. At most 2 readers per shard (1 for a
        /// global table), else reads are throttled (L-DDB [D]).
        #[field(range(0, 20), row("L-DDB"))]
        pub other_readers_per_shard: u32 = 0,
        /// A global table: the per-shard reader limit is 1 (L-DDB [D]).
        #[field(row("L-DDB"))]
        pub global_table: bool = false,
        /// When the mapping starts polling (see the Kinesis field). [U]
        #[field(range(0, 3_600_000), row("L-DDB"), undocumented)]
        pub mapping_enabled_at_ms: u64 = 0,
        /// Wait before retrying a failed batch, doubling up to `retry_backoff_max_ms`. [U]
        #[field(range(1, 3_600_000), undocumented)]
        pub retry_backoff_initial_ms: u64 = 1000,
        /// Longest wait between retries of a failed batch. [U]
        #[field(range(1, 3_600_000), undocumented)]
        pub retry_backoff_max_ms: u64 = 60_000,
    }
}

/// The parameters both stream kinds share, read once by the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamParams {
    pub dynamodb: bool,
    pub name: String,
    pub shards: u32,
    pub partition_keys: u32,
    pub batch_size: u32,
    pub window_ms: u64,
    pub starting_position: StartingPosition,
    pub starting_timestamp_ms: u64,
    pub parallelization_factor: u32,
    pub maximum_retry_attempts: i64,
    pub maximum_record_age_ms: Option<u64>,
    pub bisect: bool,
    pub report_batch_item_failures: bool,
    pub on_failure: Option<Destination>,
    pub retention_ms: u64,
    pub poll_interval_ms: u64,
    pub mapping_enabled_at_ms: u64,
    pub readers: u32,
    pub reader_limit: u32,
    pub retry_backoff_initial_ms: u64,
    pub retry_backoff_max_ms: u64,
}

/// DynamoDB Streams keep records for 24 hours (L-DDB-PARAM [D]).
pub const DYNAMODB_STREAM_RETENTION_MS: u64 = 24 * 3_600_000;

impl KinesisSource {
    pub fn params(&self) -> StreamParams {
        StreamParams {
            dynamodb: false,
            name: self.stream.clone(),
            shards: self.shards,
            partition_keys: self.partition_keys,
            batch_size: self.batch_size,
            window_ms: (self.maximum_batching_window_s as u64).saturating_mul(1000),
            starting_position: self.starting_position,
            starting_timestamp_ms: self.starting_position_timestamp_ms.unwrap_or(0),
            parallelization_factor: self.parallelization_factor,
            maximum_retry_attempts: self.maximum_retry_attempts,
            maximum_record_age_ms: (self.maximum_record_age_s >= 0)
                .then(|| (self.maximum_record_age_s as u64).saturating_mul(1000)),
            bisect: self.bisect_batch_on_function_error,
            report_batch_item_failures: self
                .function_response_types
                .iter()
                .any(|t| t == REPORT_BATCH_ITEM_FAILURES),
            on_failure: self.on_failure.clone(),
            retention_ms: (self.retention_period_hours as u64).saturating_mul(3_600_000),
            poll_interval_ms: self.poll_interval_ms,
            mapping_enabled_at_ms: self.mapping_enabled_at_ms,
            readers: 1,
            reader_limit: 1,
            retry_backoff_initial_ms: self.retry_backoff_initial_ms,
            retry_backoff_max_ms: self.retry_backoff_max_ms,
        }
    }
}

impl DynamodbStreamsSource {
    pub fn params(&self) -> StreamParams {
        StreamParams {
            dynamodb: true,
            name: self.table.clone(),
            shards: self.shards,
            partition_keys: self.partition_keys,
            batch_size: self.batch_size,
            window_ms: (self.maximum_batching_window_s as u64).saturating_mul(1000),
            starting_position: self.starting_position,
            starting_timestamp_ms: 0,
            parallelization_factor: self.parallelization_factor,
            maximum_retry_attempts: self.maximum_retry_attempts,
            maximum_record_age_ms: (self.maximum_record_age_s >= 0)
                .then(|| (self.maximum_record_age_s as u64).saturating_mul(1000)),
            bisect: self.bisect_batch_on_function_error,
            report_batch_item_failures: self
                .function_response_types
                .iter()
                .any(|t| t == REPORT_BATCH_ITEM_FAILURES),
            on_failure: self.on_failure.clone(),
            retention_ms: DYNAMODB_STREAM_RETENTION_MS,
            poll_interval_ms: self.poll_interval_ms,
            mapping_enabled_at_ms: self.mapping_enabled_at_ms,
            readers: 1 + self.other_readers_per_shard,
            reader_limit: if self.global_table { 1 } else { 2 },
            retry_backoff_initial_ms: self.retry_backoff_initial_ms,
            retry_backoff_max_ms: self.retry_backoff_max_ms,
        }
    }
}

declare! {
    /// How the handler signals that some items of a batch failed (see [`Function::poison_items`]).
    #[derive(Default)]
    pub enum ItemFailureResponse words {
        /// The handler throws: the whole batch fails.
        #[default]
        Throw = "throw",
        /// The handler returns `{"batchItemFailures": [...]}` naming the failed items
        /// (L-SQS-ERR [D], L-PBR [D]); Lambda honours it only with
        /// `function_response_types = ["ReportBatchItemFailures"]`. For a FIFO queue it reports
        /// each failed message and every later message of the same group, as AWS advises.
        Report = "report",
    }
}

declare! {
    /// An item that fails on its first `failures` deliveries, then succeeds.
    pub struct FlakyItem {
        /// The item's event number (`event #n`): a message, a record, or a Map item index.
        pub item: u64,
        /// Deliveries that fail before one succeeds.
        #[field(range(1, 10_000))]
        pub failures: u32,
    }
}

/// BatchSize > 10 requires MaximumBatchingWindowInSeconds ≥ 1 (L-ESM-API [D], L-SQS-CFG [D]).
fn check_batch_window(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    batch_size: u32,
    window_s: u32,
) {
    if batch_size > 10 && window_s < 1 {
        e.push((
            p("maximum_batching_window_s"),
            format!("is {window_s} but batch_size is {batch_size}: a batch size above 10 needs a batching window of at least 1 s (L-ESM-API)"),
        ));
    }
}

/// The SQS rules that relate fields (each field's own range is in its declaration).
pub(super) fn validate_sqs(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    q: &SqsSource,
    f: &Function,
) {
    if q.fifo {
        check_range(
            e,
            &p("batch_size"),
            q.batch_size as u64,
            1,
            10,
            "a FIFO queue's BatchSize, L-SQS-PARAM",
        );
        if q.maximum_batching_window_s != 0 {
            e.push((
                p("maximum_batching_window_s"),
                "is not supported for FIFO queues: allowed 0 (L-SQS-PARAM)".into(),
            ));
        }
    } else {
        if q.message_groups != 1 {
            e.push((
                p("message_groups"),
                "message groups exist only in FIFO queues: set fifo = true or remove it".into(),
            ));
        }
        check_batch_window(e, p, q.batch_size, q.maximum_batching_window_s);
    }
    // Lambda refuses to create or update the mapping (L-SQS-CFG [D]).
    if f.timeout_s > q.visibility_timeout_s {
        e.push((
            p("visibility_timeout_s"),
            format!(
                "is {} s but the function timeout is {} s: Lambda rejects a mapping whose function timeout exceeds the queue's visibility timeout (L-SQS-CFG; AWS recommends at least 6 × the timeout)",
                q.visibility_timeout_s, f.timeout_s
            ),
        ));
    }
    match (q.max_receive_count, &q.dead_letter_queue) {
        (Some(_), Some(name)) if name.is_empty() => {
            e.push((p("dead_letter_queue"), "must not be empty".into()));
        }
        (Some(_), None) => e.push((
            p("dead_letter_queue"),
            "is missing: a redrive policy needs both max_receive_count and dead_letter_queue"
                .into(),
        )),
        (None, Some(_)) => e.push((
            p("max_receive_count"),
            "is missing: a redrive policy needs both max_receive_count and dead_letter_queue"
                .into(),
        )),
        _ => {}
    }
    if q.poller_maximum_concurrency < q.poller_initial_concurrency {
        e.push((
            p("poller_maximum_concurrency"),
            format!(
                "must be at least poller_initial_concurrency ({}) (got {}; §9.1 suggests 1250)",
                q.poller_initial_concurrency, q.poller_maximum_concurrency
            ),
        ));
    }
}

fn check_stream_common(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    s: &StreamParams,
    maximum_record_age_s: i64,
) {
    // Not `check_batch_window`: the sheet's L-ESM-API row says "SQS and streams", but its own
    // stream defaults are BatchSize 100 with no window (L-KIN-PARAM, L-DDB-PARAM, §11), which
    // AWS accepts. The defaults win for streams; the rule applies to SQS.
    if (0..60).contains(&maximum_record_age_s) {
        e.push((
            p("maximum_record_age_s"),
            format!("must be -1 (no limit) or from 60 to 604800 (got {maximum_record_age_s}) — L-KIN-PARAM"),
        ));
    }
    if let Some(d) = &s.on_failure {
        if !matches!(
            d.kind,
            DestinationKind::Sqs | DestinationKind::Sns | DestinationKind::S3
        ) {
            e.push((p("on_failure.kind"), format!("{} cannot receive discarded stream batches: allowed sqs, sns or s3 (L-KIN-FAIL)", d.kind.label())));
        }
        if d.fifo {
            e.push((
                p("on_failure.fifo"),
                "FIFO queues and topics are not supported as destinations (L-ASYNC-REC)".into(),
            ));
        }
        if d.name.is_empty() {
            e.push((p("on_failure.name"), "must not be empty".into()));
        }
    }
    if s.retry_backoff_max_ms < s.retry_backoff_initial_ms {
        e.push((
            p("retry_backoff_max_ms"),
            format!(
                "must be at least retry_backoff_initial_ms ({}) (got {})",
                s.retry_backoff_initial_ms, s.retry_backoff_max_ms
            ),
        ));
    }
}

pub(super) fn validate_kinesis(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    k: &KinesisSource,
) {
    check_stream_common(e, p, &k.params(), k.maximum_record_age_s);
    match (k.starting_position, k.starting_position_timestamp_ms) {
        (StartingPosition::AtTimestamp, None) => e.push((
            p("starting_position_timestamp_ms"),
            "is required with starting_position = \"AT_TIMESTAMP\" (L-KIN-PARAM)".into(),
        )),
        (StartingPosition::TrimHorizon | StartingPosition::Latest, Some(_)) => e.push((
            p("starting_position_timestamp_ms"),
            "applies only to starting_position = \"AT_TIMESTAMP\"".into(),
        )),
        _ => {}
    }
}

pub(super) fn validate_dynamodb(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    d: &DynamodbStreamsSource,
) {
    check_stream_common(e, p, &d.params(), d.maximum_record_age_s);
    if d.starting_position == StartingPosition::AtTimestamp {
        e.push((
            p("starting_position"),
            "AT_TIMESTAMP is Kinesis only: allowed TRIM_HORIZON or LATEST (L-DDB-PARAM)".into(),
        ));
    }
}

/// Function-side checks for the item behaviours.
pub(super) fn validate_item_behaviour(e: &mut Vec<(String, String)>, f: &Function) {
    if f.poison_items.len() > 10_000 {
        e.push((
            "function.poison_items".into(),
            format!("lists {} items: at most 10000", f.poison_items.len()),
        ));
    }
}
