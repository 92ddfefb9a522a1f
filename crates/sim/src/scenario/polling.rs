//! Scenario types for the event source mappings (§3 of the fact sheet): an SQS queue (standard or
//! FIFO), a Kinesis data stream, a DynamoDB stream. Each is a `[[sources]]` entry; its fields are
//! the queue's or stream's attributes plus the mapping's parameters, named as AWS names them, in
//! snake case. Defaults are the sheet's (§3, §11); `[U]` values are parameters that say so.

use super::toml_io::{toml_struct, toml_words};
use super::{check_range, Destination, DestinationKind, Function};

/// The only value `function_response_types` accepts (L-SQS-ERR [D], L-PBR [D]).
pub const REPORT_BATCH_ITEM_FAILURES: &str = "ReportBatchItemFailures";

/// Every batch goes out at or below 6 MB; the cap is not modifiable (L-ESM [D]).
pub const BATCH_PAYLOAD_LIMIT: u64 = 6 * 1024 * 1024;

/// An SQS queue with a Lambda event source mapping on it.
#[derive(Clone, Debug, PartialEq)]
pub struct SqsSource {
    pub id: String,
    /// The queue's name (shown on the diagram).
    pub queue: String,
    /// A FIFO queue: order per message group, batch size ≤ 10, no batching window (L-SQS-PARAM [D]).
    pub fifo: bool,
    /// FIFO: messages get MessageGroupIds `g0, g1, ...` in turn (message k of this source joins
    /// group k mod `message_groups`), so a story can say which group a poison message is in.
    pub message_groups: u32,
    /// BatchSize: 10; standard 1–10,000, FIFO 1–10 (L-SQS-PARAM [D]).
    pub batch_size: u32,
    /// MaximumBatchingWindowInSeconds: 0; 0–300; not for FIFO (L-SQS-PARAM [D]).
    pub maximum_batching_window_s: u32,
    /// The queue's VisibilityTimeout: 30 s, 0 s–12 h (SQS-API [D]).
    pub visibility_timeout_s: u32,
    /// The queue's MessageRetentionPeriod: 4 days, 60 s–14 days (SQS-API [D]).
    pub message_retention_period_s: u32,
    /// The queue's redrive policy `maxReceiveCount`. SQS (not Lambda) moves a message to
    /// `dead_letter_queue` when a receive would exceed it (L-SQS-CFG [D]). Unset = no redrive.
    pub max_receive_count: Option<u32>,
    /// The redrive policy's dead-letter queue (a queue name).
    pub dead_letter_queue: Option<String>,
    /// FunctionResponseTypes: `["ReportBatchItemFailures"]` turns on partial batch responses
    /// (L-SQS-ERR [D]); without it a returned `batchItemFailures` list is ignored (L-PBR [D]).
    pub function_response_types: Vec<String>,
    /// ScalingConfig.MaximumConcurrency: 2–1,000, unset by default (L-SCALINGCFG [D]).
    pub maximum_concurrency: Option<u32>,
    /// Concurrent batches when messages first appear: 5 (L-SQS-SCALE [D]).
    pub poller_initial_concurrency: u32,
    /// Added each minute while messages remain: up to 300 (L-SQS-SCALE [D], L-SQS-CFG [D]).
    /// [U] granularity: applied as one step per minute of backlog.
    pub poller_scale_up_per_minute: u32,
    /// The mapping's ceiling: [U] 1,250 concurrent invokes (newer text) or 1,000 batches (older
    /// text); the sheet suggests 1,250 (§9.1).
    pub poller_maximum_concurrency: u32,
    /// [U] On a function error (without ReportBatchItemFailures) or a throttle Lambda "lowers
    /// the mapping's concurrency" (L-SQS-ERR [D]); by how much is undocumented. The concurrency
    /// is multiplied by this percentage (never below 2, the floor L-SQS-SCALE mentions).
    pub error_backoff_percent: u32,
    /// [U] A throttled batch is retried "with backoff" until its visibility timeout runs out
    /// (L-SQS-ERR [D]); the intervals are undocumented (§9.6): this, doubling each time.
    pub throttle_backoff_initial_ms: u64,
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

/// Where a stream mapping starts reading (required, L-KIN-PARAM [D], L-DDB-PARAM [D]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartingPosition {
    /// The oldest record still in the stream.
    TrimHorizon,
    /// Only records written after the mapping starts polling; records written while it is being
    /// created are missed (L-DDB [D]).
    Latest,
    /// Kinesis only: records written at or after `starting_position_timestamp_ms`.
    AtTimestamp,
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

/// A Kinesis data stream with a Lambda event source mapping on it (standard iterator).
#[derive(Clone, Debug, PartialEq)]
pub struct KinesisSource {
    pub id: String,
    pub stream: String,
    pub shards: u32,
    /// Records get partition keys `k0, k1, ...` in turn (record k of this source has key
    /// k mod `partition_keys`); key j lives on shard j mod `shards`, so a story can place a
    /// poison record. (Kinesis hashes keys with MD5 into shard ranges: this is the even split.)
    pub partition_keys: u32,
    /// BatchSize: 100, 1–10,000 (L-KIN-PARAM [D]).
    pub batch_size: u32,
    /// MaximumBatchingWindowInSeconds: 0, 0–300 (L-KIN-PARAM [D]).
    pub maximum_batching_window_s: u32,
    /// StartingPosition: required (L-KIN-PARAM [D]).
    pub starting_position: StartingPosition,
    /// StartingPositionTimestamp, for AT_TIMESTAMP, in simulated milliseconds.
    pub starting_position_timestamp_ms: Option<u64>,
    /// ParallelizationFactor: 1, 1–10 (L-KIN-PARAM [D]).
    pub parallelization_factor: u32,
    /// MaximumRetryAttempts: −1 = retry until the record expires; −1…10,000 (L-KIN-PARAM [D]).
    pub maximum_retry_attempts: i64,
    /// MaximumRecordAgeInSeconds: −1 = no limit; −1 or 60–604,800 (L-KIN-PARAM [D], range [S]).
    pub maximum_record_age_s: i64,
    /// BisectBatchOnFunctionError: false (L-KIN-PARAM [D]).
    pub bisect_batch_on_function_error: bool,
    /// `["ReportBatchItemFailures"]` turns on partial batch responses (L-PBR [D]).
    pub function_response_types: Vec<String>,
    /// DestinationConfig.OnFailure: SQS, SNS or S3 (L-KIN-FAIL [D]).
    pub on_failure: Option<Destination>,
    /// Stream retention: 24 h, 24–8,760 h (KDS-RET [D]).
    pub retention_period_hours: u32,
    /// [U] "About once per second per shard" (L-KIN [D]).
    pub poll_interval_ms: u64,
    /// [U] When the mapping starts polling: creating or updating a mapping is eventually
    /// consistent and "may take several minutes" (L-DDB [D]); records written before then are
    /// missed with LATEST.
    pub mapping_enabled_at_ms: u64,
    /// [U] Wait before retrying a failed batch, doubling up to `retry_backoff_max_ms`; no
    /// interval is documented for stream retries (§9.6).
    pub retry_backoff_initial_ms: u64,
    pub retry_backoff_max_ms: u64,
}

/// A DynamoDB stream with a Lambda event source mapping on it.
#[derive(Clone, Debug, PartialEq)]
pub struct DynamodbStreamsSource {
    pub id: String,
    pub table: String,
    pub shards: u32,
    /// Item keys `k0, k1, ...` in turn, as for Kinesis partition keys; order is kept per item key.
    pub partition_keys: u32,
    /// BatchSize: 100, 1–10,000 (L-DDB-PARAM [D]; older docs said 1,000).
    pub batch_size: u32,
    pub maximum_batching_window_s: u32,
    /// StartingPosition: required; TRIM_HORIZON or LATEST (L-DDB-PARAM [D]).
    pub starting_position: StartingPosition,
    pub parallelization_factor: u32,
    /// −1 (infinite) by default; the table says 0…10,000 but −1 is accepted (§9.8).
    pub maximum_retry_attempts: i64,
    pub maximum_record_age_s: i64,
    pub bisect_batch_on_function_error: bool,
    pub function_response_types: Vec<String>,
    pub on_failure: Option<Destination>,
    /// [U] "About four times per second per shard" (L-DDB [D]).
    pub poll_interval_ms: u64,
    /// Other Lambda functions reading the same stream. At most 2 readers per shard (1 for a
    /// global table), else reads are throttled (L-DDB [D]).
    pub other_readers_per_shard: u32,
    /// A global table: the per-shard reader limit is 1 (L-DDB [D]).
    pub global_table: bool,
    pub mapping_enabled_at_ms: u64,
    pub retry_backoff_initial_ms: u64,
    pub retry_backoff_max_ms: u64,
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

/// How the handler signals that some items of a batch failed (see [`Function::poison_items`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ItemFailureResponse {
    /// The handler throws: the whole batch fails.
    #[default]
    Throw,
    /// The handler returns `{"batchItemFailures": [...]}` naming the failed items (L-SQS-ERR [D],
    /// L-PBR [D]); Lambda honours it only with `function_response_types = ["ReportBatchItemFailures"]`.
    /// For a FIFO queue it reports the first failed message and every later one, as AWS advises.
    Report,
}

/// An item that fails on its first `failures` deliveries, then succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlakyItem {
    /// The item's event number (`event #n`): a message, a record, or a Map item index.
    pub item: u64,
    pub failures: u32,
}

fn d_queue() -> String {
    "orders".into()
}
fn d_stream() -> String {
    "clicks".into()
}
fn d_table() -> String {
    "orders".into()
}
fn d_one() -> u32 {
    1
}
fn d_ten() -> u32 {
    10
}
fn d_hundred() -> u32 {
    100
}
fn d_visibility() -> u32 {
    30
}
fn d_retention() -> u32 {
    4 * 86_400
}
fn d_poller_initial() -> u32 {
    5
}
fn d_poller_step() -> u32 {
    300
}
fn d_poller_max() -> u32 {
    1250
}
fn d_backoff_percent() -> u32 {
    50
}
fn d_throttle_backoff() -> u64 {
    1000
}
fn d_minus_one() -> i64 {
    -1
}
fn d_retention_h() -> u32 {
    24
}
fn d_kinesis_poll() -> u64 {
    1000
}
fn d_ddb_poll() -> u64 {
    250
}
fn d_stream_backoff() -> u64 {
    1000
}
fn d_stream_backoff_max() -> u64 {
    60_000
}

fn check_response_types(e: &mut Vec<(String, String)>, field: String, types: &[String]) {
    for t in types {
        if t != REPORT_BATCH_ITEM_FAILURES {
            e.push((field.clone(), format!("`{t}` is not a function response type: allowed \"{REPORT_BATCH_ITEM_FAILURES}\" (L-SQS-ERR)")));
        }
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
            "FIFO queue BatchSize, L-SQS-PARAM",
        );
        if q.maximum_batching_window_s != 0 {
            e.push((
                p("maximum_batching_window_s"),
                "is not supported for FIFO queues: allowed 0 (L-SQS-PARAM)".into(),
            ));
        }
        check_range(
            e,
            &p("message_groups"),
            q.message_groups as u64,
            1,
            100_000,
            "message group ids",
        );
    } else {
        check_range(
            e,
            &p("batch_size"),
            q.batch_size as u64,
            1,
            10_000,
            "standard queue BatchSize, L-SQS-PARAM",
        );
        check_range(
            e,
            &p("maximum_batching_window_s"),
            q.maximum_batching_window_s as u64,
            0,
            300,
            "MaximumBatchingWindowInSeconds, L-SQS-PARAM",
        );
        if q.message_groups != 1 {
            e.push((
                p("message_groups"),
                "message groups exist only in FIFO queues: set fifo = true or remove it".into(),
            ));
        }
        check_batch_window(e, p, q.batch_size, q.maximum_batching_window_s);
    }
    check_range(
        e,
        &p("visibility_timeout_s"),
        q.visibility_timeout_s as u64,
        0,
        43_200,
        "VisibilityTimeout 0 s–12 h, SQS-API",
    );
    check_range(
        e,
        &p("message_retention_period_s"),
        q.message_retention_period_s as u64,
        60,
        1_209_600,
        "MessageRetentionPeriod 60 s–14 days, SQS-API",
    );
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
        (Some(n), Some(name)) => {
            check_range(
                e,
                &p("max_receive_count"),
                n as u64,
                1,
                1000,
                "redrive policy maxReceiveCount (L-SQS-CFG recommends ≥ 5)",
            );
            if name.is_empty() {
                e.push((p("dead_letter_queue"), "must not be empty".into()));
            }
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
        (None, None) => {}
    }
    check_response_types(e, p("function_response_types"), &q.function_response_types);
    if let Some(m) = q.maximum_concurrency {
        check_range(
            e,
            &p("maximum_concurrency"),
            m as u64,
            2,
            1000,
            "ScalingConfig.MaximumConcurrency, L-SCALINGCFG",
        );
    }
    check_range(
        e,
        &p("poller_initial_concurrency"),
        q.poller_initial_concurrency as u64,
        1,
        1000,
        "L-SQS-SCALE starts at 5",
    );
    check_range(
        e,
        &p("poller_scale_up_per_minute"),
        q.poller_scale_up_per_minute as u64,
        0,
        10_000,
        "L-SQS-SCALE adds up to 300 a minute",
    );
    if q.poller_maximum_concurrency < q.poller_initial_concurrency
        || q.poller_maximum_concurrency > 100_000
    {
        e.push((
            p("poller_maximum_concurrency"),
            format!(
                "{} must be ≥ poller_initial_concurrency ({}) and ≤ 100000 (§9.1 suggests 1250)",
                q.poller_maximum_concurrency, q.poller_initial_concurrency
            ),
        ));
    }
    check_range(
        e,
        &p("error_backoff_percent"),
        q.error_backoff_percent as u64,
        1,
        100,
        "percentage of concurrency kept after an error",
    );
    check_range(
        e,
        &p("throttle_backoff_initial_ms"),
        q.throttle_backoff_initial_ms,
        1,
        60_000,
        "first wait before re-invoking a throttled batch",
    );
}

fn check_stream_common(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    s: &StreamParams,
    kinds: &str,
    response_types: &[String],
) {
    check_range(
        e,
        &p("shards"),
        s.shards as u64,
        1,
        10_000,
        "shards in the stream",
    );
    check_range(
        e,
        &p("partition_keys"),
        s.partition_keys as u64,
        1,
        10_000_000,
        "distinct keys",
    );
    check_range(
        e,
        &p("batch_size"),
        s.batch_size as u64,
        1,
        10_000,
        &format!("BatchSize, {kinds}"),
    );
    check_range(
        e,
        &p("maximum_batching_window_s"),
        s.window_ms / 1000,
        0,
        300,
        "MaximumBatchingWindowInSeconds, L-ESM-API",
    );
    // Not `check_batch_window`: the sheet's L-ESM-API row says "SQS and streams", but its own
    // stream defaults are BatchSize 100 with no window (L-KIN-PARAM, L-DDB-PARAM, §11), which
    // AWS accepts. The defaults win for streams; the rule applies to SQS.
    check_range(
        e,
        &p("parallelization_factor"),
        s.parallelization_factor as u64,
        1,
        10,
        "ParallelizationFactor, L-KIN-PARAM",
    );
    if s.maximum_retry_attempts < -1 || s.maximum_retry_attempts > 10_000 {
        e.push((
            p("maximum_retry_attempts"),
            format!(
                "{} is out of range: allowed −1 (until the record expires) or 0–10000 ({kinds})",
                s.maximum_retry_attempts
            ),
        ));
    }
    if let Some(age) = s.maximum_record_age_ms {
        check_range(
            e,
            &p("maximum_record_age_s"),
            age / 1000,
            60,
            604_800,
            "MaximumRecordAgeInSeconds: −1 or 60–604800, L-KIN-PARAM",
        );
    }
    check_response_types(e, p("function_response_types"), response_types);
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
    check_range(
        e,
        &p("poll_interval_ms"),
        s.poll_interval_ms,
        1,
        60_000,
        "time between reads of a shard",
    );
    check_range(
        e,
        &p("mapping_enabled_at_ms"),
        s.mapping_enabled_at_ms,
        0,
        3_600_000,
        "when the mapping starts polling",
    );
    if s.retry_backoff_initial_ms == 0
        || s.retry_backoff_max_ms < s.retry_backoff_initial_ms
        || s.retry_backoff_max_ms > 3_600_000
    {
        e.push((
            p("retry_backoff_max_ms"),
            "must be ≥ retry_backoff_initial_ms, which must be ≥ 1, and ≤ 3600000".into(),
        ));
    }
}

pub(super) fn validate_kinesis(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    k: &KinesisSource,
) {
    let s = k.params();
    check_stream_common(e, p, &s, "L-KIN-PARAM", &k.function_response_types);
    check_range(
        e,
        &p("retention_period_hours"),
        k.retention_period_hours as u64,
        24,
        8760,
        "Kinesis retention 24–8,760 h, KDS-RET",
    );
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
    let s = d.params();
    check_stream_common(e, p, &s, "L-DDB-PARAM", &d.function_response_types);
    if d.starting_position == StartingPosition::AtTimestamp {
        e.push((
            p("starting_position"),
            "AT_TIMESTAMP is Kinesis only: allowed TRIM_HORIZON or LATEST (L-DDB-PARAM)".into(),
        ));
    }
    check_range(
        e,
        &p("other_readers_per_shard"),
        d.other_readers_per_shard as u64,
        0,
        20,
        "other functions reading the stream",
    );
}

/// Function-side checks for the item behaviours.
pub(super) fn validate_item_behaviour(e: &mut Vec<(String, String)>, f: &Function) {
    if f.poison_items.len() > 10_000 {
        e.push((
            "function.poison_items".into(),
            format!("lists {} items: at most 10000", f.poison_items.len()),
        ));
    }
    for (i, fl) in f.flaky_items.iter().enumerate() {
        check_range(
            e,
            &format!("function.flaky_items[{i}].failures"),
            fl.failures as u64,
            1,
            10_000,
            "deliveries that fail before one succeeds",
        );
    }
}

// The file format of these types: which keys, which defaults (see toml_io.rs).
toml_struct!(SqsSource { id, queue = d_queue(), fifo = Default::default(), message_groups = d_one(), batch_size = d_ten(), maximum_batching_window_s = Default::default(), visibility_timeout_s = d_visibility(), message_retention_period_s = d_retention(), max_receive_count = Default::default(), dead_letter_queue = Default::default(), function_response_types = Default::default(), maximum_concurrency = Default::default(), poller_initial_concurrency = d_poller_initial(), poller_scale_up_per_minute = d_poller_step(), poller_maximum_concurrency = d_poller_max(), error_backoff_percent = d_backoff_percent(), throttle_backoff_initial_ms = d_throttle_backoff() });
toml_words!(StartingPosition { TrimHorizon = "TRIM_HORIZON", Latest = "LATEST", AtTimestamp = "AT_TIMESTAMP" });
toml_struct!(KinesisSource { id, stream = d_stream(), shards = d_one(), partition_keys = d_one(), batch_size = d_hundred(), maximum_batching_window_s = Default::default(), starting_position, starting_position_timestamp_ms = Default::default(), parallelization_factor = d_one(), maximum_retry_attempts = d_minus_one(), maximum_record_age_s = d_minus_one(), bisect_batch_on_function_error = Default::default(), function_response_types = Default::default(), on_failure = Default::default(), retention_period_hours = d_retention_h(), poll_interval_ms = d_kinesis_poll(), mapping_enabled_at_ms = Default::default(), retry_backoff_initial_ms = d_stream_backoff(), retry_backoff_max_ms = d_stream_backoff_max() });
toml_struct!(DynamodbStreamsSource { id, table = d_table(), shards = d_one(), partition_keys = d_one(), batch_size = d_hundred(), maximum_batching_window_s = Default::default(), starting_position, parallelization_factor = d_one(), maximum_retry_attempts = d_minus_one(), maximum_record_age_s = d_minus_one(), bisect_batch_on_function_error = Default::default(), function_response_types = Default::default(), on_failure = Default::default(), poll_interval_ms = d_ddb_poll(), other_readers_per_shard = Default::default(), global_table = Default::default(), mapping_enabled_at_ms = Default::default(), retry_backoff_initial_ms = d_stream_backoff(), retry_backoff_max_ms = d_stream_backoff_max() });
toml_words!(ItemFailureResponse { Throw = "throw", Report = "report" });
toml_struct!(FlakyItem { item, failures });
