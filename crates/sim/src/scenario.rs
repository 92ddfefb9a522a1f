//! Scenario files: versioned TOML describing the sources, the function, its settings, the
//! destinations and the workload. This is the file edge of the core: these types are the file
//! format (`format_version = 1`, unknown fields rejected), and [`Scenario::parse`] turns text into
//! a validated [`Scenario`] or a list of [`ScenarioError`]s that name the line, the field, the bad
//! value and what is allowed. Configurations AWS itself refuses are refused here with AWS's reason.
//!
//! Every default below is the fact sheet's (`../shared/lambda-semantics.md`), cited by source key.
//! Values the sheet marks undocumented (`[U]`) are parameters whose doc says so.

use serde::Serialize;

mod polling;
mod stepfunctions;
pub(crate) mod toml_io;
pub use polling::*;
pub use stepfunctions::*;
use toml_io::{toml_struct, toml_tagged, toml_words, TomlField};

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;
/// Inline scenarios (share links, embeds) are untrusted: refuse anything bigger than this.
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFile {
    pub format_version: u32,
    /// Stable id used in URLs, lessons and the scenario picker (lowercase, digits, `-`).
    pub id: String,
    pub title: String,
    pub summary: String,
    /// How far to simulate, in seconds.
    pub horizon_s: u64,
    pub network: Network,
    pub account: Account,
    pub function: Function,
    pub async_config: AsyncConfig,
    pub sources: Vec<Source>,
    pub workload: Vec<Workload>,
}

fn d_horizon_s() -> u64 {
    600
}

/// Transit time of a message between two boxes of the diagram. Not an AWS behaviour: it is the
/// drawing's pace, kept as a parameter so nothing appears to teleport.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub hop_ms: u64,
}
impl Default for Network {
    fn default() -> Self {
        Network { hop_ms: 40 }
    }
}

/// Account-level concurrency (§4).
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    /// Account concurrency per Region: 1,000 by default (L-QUOTAS [D]).
    pub concurrency: u32,
    /// Unreserved concurrency that must stay available: 100 (L-RESERVED [D], "−100" [S]).
    pub minimum_unreserved: u32,
    /// New execution environments per function per 10 s: 1,000, refilled continuously, not banked (L-SCALING [D]).
    pub scaling_rate_per_10s: u32,
}
impl Default for Account {
    fn default() -> Self {
        Account {
            concurrency: 1000,
            minimum_unreserved: 100,
            scaling_rate_per_10s: 1000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    /// Function timeout: 3 s default, 1–900 s (L-TIMEOUT [D]).
    pub timeout_s: u32,
    /// 128–10,240 MB (L-QUOTAS [D]). Shown, not simulated.
    pub memory_mb: u32,
    /// How long one run of the handler takes.
    pub duration: DurationDist,
    /// Init (cold start) time of a new execution environment. [U]: the sheet gives only the 10 s
    /// Init limit (L-ENV [D]); the duration itself depends on runtime and code, so it is a parameter.
    pub init_ms: u64,
    pub behaviour: Behaviour,
    /// Name of the error the handler throws (`Handled` function error, L-INVOKE [D]).
    pub error_type: String,
    /// Reserved concurrency: caps and guarantees; 0 disables the function (L-RESERVED [D]).
    pub reserved_concurrency: Option<u32>,
    /// Provisioned (pre-initialised) environments; more traffic spills to on-demand (L-RESERVED [D]).
    pub provisioned_concurrency: u32,
    /// Bytes the handler returns (Lambda@Edge generated-response limits apply, CF-QUOTA [D]).
    pub response_bytes: u64,
    /// Items the handler fails on every delivery: SQS messages and stream records by their event
    /// number (`event #n`), or Step Functions Map items by index. A poison message or record.
    /// A synchronous or asynchronous event with one of these numbers fails every attempt too
    /// (a request or notification the handler cannot process).
    pub poison_items: Vec<u64>,
    /// Items that fail on their first deliveries (a failure that depends on the attempt).
    pub flaky_items: Vec<FlakyItem>,
    /// How the handler reports failed items of a batch: throw, or return `batchItemFailures`.
    pub on_item_failure: ItemFailureResponse,
}
impl Default for Function {
    fn default() -> Self {
        Function {
            name: "my-function".into(),
            timeout_s: 3,
            memory_mb: 128,
            duration: DurationDist::Fixed { ms: 200 },
            init_ms: 300,
            behaviour: Behaviour::Succeed,
            error_type: "Error".into(),
            reserved_concurrency: None,
            provisioned_concurrency: 0,
            response_bytes: 512,
            poison_items: Vec::new(),
            flaky_items: Vec::new(),
            on_item_failure: ItemFailureResponse::Throw,
        }
    }
}

/// Handler run time. Only integer arithmetic, so native and wasm runs agree exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum DurationDist {
    Fixed { ms: u64 },
    Uniform { min_ms: u64, max_ms: u64 },
}

/// What the handler does when it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Behaviour {
    Succeed,
    /// Throws on every run.
    Throw,
    /// Throws on the first `attempts` runs of each event, then succeeds.
    ThrowFirst {
        attempts: u32,
    },
    /// Throws with probability `p` on each run.
    ThrowProbability {
        p: f64,
    },
    /// Runs past its timeout on every run.
    TimeOut,
    /// Runs `factor` times slower than the duration distribution says.
    Slow {
        factor: u32,
    },
}

/// Lambda's event invoke config for asynchronous invocation (§2).
#[derive(Clone, Debug, PartialEq)]
pub struct AsyncConfig {
    /// Function-error retries, 0–2, default 2 (L-ASYNC-ERR [D], L-EIC-API [D]).
    pub maximum_retry_attempts: u32,
    /// 60–21,600 s, default 21,600 = 6 h (L-ASYNC-CFG [D]).
    pub maximum_event_age_s: u32,
    /// Wait before retry 1 and retry 2: "about one minute" then "two minutes" (L-ASYNC-ERR [D]).
    /// [U]: exact values and jitter are undocumented (§9.6), so they are parameters.
    pub retry_delays_s: Vec<u64>,
    /// Backoff for throttles and system errors: from 1 s doubling to 5 min, separate from the
    /// function-error retries (L-ASYNC-ERR [D]).
    pub throttle_backoff_initial_ms: u64,
    pub throttle_backoff_max_ms: u64,
    /// [U] Time from an event landing in the internal queue to a poller handing it to the function.
    pub queue_delay_ms: u64,
    /// [U] Chance that the internal queue delivers an event twice although nothing failed
    /// (duplicates are documented as possible, L-ASYNC-ERR [D]; their rate is not).
    pub duplicate_probability: f64,
    pub on_success: Option<Destination>,
    pub on_failure: Option<Destination>,
    pub dead_letter_queue: Option<Destination>,
}
impl Default for AsyncConfig {
    fn default() -> Self {
        AsyncConfig {
            maximum_retry_attempts: 2,
            maximum_event_age_s: 21_600,
            retry_delays_s: vec![60, 120],
            throttle_backoff_initial_ms: 1000,
            throttle_backoff_max_ms: 300_000,
            queue_delay_ms: 100,
            duplicate_probability: 0.0,
            on_success: None,
            on_failure: None,
            dead_letter_queue: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DestinationKind {
    Sqs,
    Sns,
    Lambda,
    EventBridge,
    S3,
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

#[derive(Clone, Debug, PartialEq)]
pub struct Destination {
    pub kind: DestinationKind,
    pub name: String,
    /// FIFO queues and topics are not supported as destinations or DLQs (L-ASYNC-REC [D]).
    pub fifo: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiType {
    Rest,
    Http,
    Websocket,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeTrigger {
    ViewerRequest,
    OriginRequest,
    OriginResponse,
    ViewerResponse,
}
impl EdgeTrigger {
    pub fn is_viewer(self) -> bool {
        matches!(
            self,
            EdgeTrigger::ViewerRequest | EdgeTrigger::ViewerResponse
        )
    }
    pub fn label(self) -> &'static str {
        match self {
            EdgeTrigger::ViewerRequest => "viewer request",
            EdgeTrigger::OriginRequest => "origin request",
            EdgeTrigger::OriginResponse => "origin response",
            EdgeTrigger::ViewerResponse => "viewer response",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvocationType {
    RequestResponse,
    Event,
}

/// An AWS service (or your code) that invokes the function.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    ApiGateway {
        id: String,
        api_type: ApiType,
        /// REST default 29 s, 50 ms–29 s (APIGW-2017 [D-old]); more only for Regional/private REST
        /// after a quota increase, reported ceiling 300 s (APIGW-2024 [D], APIGW-RP300 [S]);
        /// HTTP API at most 30 s, not increasable (APIGW-HTTPQ [D]); WebSocket 29 s (APIGW-WSQ [D]).
        integration_timeout_ms: Option<u64>,
        /// Set when the account has the REST integration-timeout quota raised (APIGW-2024 [D]).
        timeout_quota_raised: bool,
    },
    Cloudfront {
        id: String,
        trigger: EdgeTrigger,
        /// Viewer triggers up to 5 s (CF-CHOOSE [D]; newest quota page says 30 s, §9.2 — so a parameter).
        viewer_timeout_s: u32,
        /// Origin triggers up to 30 s (CF-CHOOSE [D]).
        origin_timeout_s: u32,
        /// Generated-response size limit: viewer 40 KB (CF-QUOTA [D]).
        viewer_response_limit_bytes: u64,
        /// Generated-response size limit: origin 1 MB (CF-QUOTA [D]).
        origin_response_limit_bytes: u64,
        /// What the viewer sees when the function throws: 503, "Lambda execution error"
        /// (CF-ERR [D], §7). CloudFront does not retry.
        error_status: u16,
        /// What the viewer sees when Lambda throttles the edge function or it runs past its
        /// timeout: 503, "Lambda limit exceeded" (CF-ERR [D], §7).
        throttle_status: u16,
        /// What the viewer sees when the function's generated response is over the size limit:
        /// 502, "Lambda validation error" (CF-ERR [D], CF-RESTR [D]); AMPLIFY reports 503 for
        /// this case [S], so the sheet keeps it a parameter with 502 as the default (§7).
        oversized_response_status: u16,
    },
    Custom {
        id: String,
        invocation_type: InvocationType,
        /// SDK standard/adaptive retry mode: 3 attempts in total (SDK-RETRY [D]).
        sdk_max_attempts: u32,
        /// [U] SDK backoff: random 0…min(max, base × 2^n); the sheet gives no numbers.
        sdk_backoff_base_ms: u64,
        sdk_max_backoff_ms: u64,
        /// Client read timeout after which the client re-sends (AWS CLI: 60 s, CLI-TIMEOUT [S]).
        /// Unset = wait for the answer.
        read_timeout_ms: Option<u64>,
    },
    S3 {
        id: String,
        bucket: String,
        /// [U] Notification delay: "typically within seconds, sometimes a minute" (S3-NOTIF [D]).
        delivery_delay_ms: u64,
        /// [U] Chance of a duplicate notification (at-least-once, S3-NOTIF [D]; rate undocumented).
        duplicate_probability: f64,
    },
    Sns {
        id: String,
        topic: String,
        /// Lambda cannot be reached from SNS for this long from the start (a server-side delivery
        /// failure); SNS's delivery policy retries meanwhile (SNS-RETRY [D]).
        unreachable_for_ms: u64,
    },
    EventBridge {
        id: String,
        bus: String,
        /// Target retry policy: 185 attempts, 0–185 (EB-RETRY [D], EB-API [D]).
        maximum_retry_attempts: u32,
        /// 24 h, 60–86,400 s (EB-API [D]).
        maximum_event_age_s: u32,
        /// Target DLQ (an SQS queue) for *delivery* failures only (EB-RETRY [D], EB-RP [S]).
        dead_letter_queue: Option<String>,
        /// Lambda cannot be reached from EventBridge for this long from the start.
        unreachable_for_ms: u64,
        /// [U] Exponential backoff with jitter (EB-RETRY [D]); the numbers are undocumented, so
        /// they are parameters: from 1 s, doubling, capped at 640 s (so 185 retries span about
        /// 24 h, see `d_eb_backoff_max`).
        retry_backoff_initial_ms: u64,
        retry_backoff_max_ms: u64,
    },
    /// An SQS queue polled by a Lambda event source mapping (§3a, §3b).
    Sqs(SqsSource),
    /// A Kinesis data stream polled by an event source mapping (§3a, §3c).
    Kinesis(KinesisSource),
    /// A DynamoDB stream polled by an event source mapping (§3a, §3c).
    DynamodbStreams(DynamodbStreamsSource),
    /// A Step Functions state machine whose Task states invoke the function (§5).
    StepFunctions(StepFunctionsSource),
}

fn d_api_type() -> ApiType {
    ApiType::Rest
}
fn d_trigger() -> EdgeTrigger {
    EdgeTrigger::OriginRequest
}
fn d_viewer_timeout() -> u32 {
    5
}
fn d_origin_timeout() -> u32 {
    30
}
fn d_viewer_resp() -> u64 {
    40 * 1024
}
fn d_origin_resp() -> u64 {
    1024 * 1024
}
fn d_502() -> u16 {
    502
}
fn d_503() -> u16 {
    503
}
fn d_invocation_type() -> InvocationType {
    InvocationType::RequestResponse
}
fn d_sdk_attempts() -> u32 {
    3
}
fn d_sdk_base() -> u64 {
    1000
}
fn d_sdk_max() -> u64 {
    20_000
}
fn d_bucket() -> String {
    "uploads".into()
}
fn d_s3_delay() -> u64 {
    1000
}
fn d_topic() -> String {
    "notifications".into()
}
fn d_bus() -> String {
    "default".into()
}
fn d_eb_retries() -> u32 {
    185
}
fn d_eb_age() -> u32 {
    86_400
}
fn d_eb_backoff() -> u64 {
    1000
}
/// 640 s: with retries doubling from 1 s and jittered into the upper half of each step, the
/// 185 documented retries then take about 23.6 h, so EventBridge's two documented limits (185
/// attempts, 24 h) run out together, as EB-RETRY describes them ("up to 24 hours and up to 185
/// times"). With the old 60 s cap they were used up in about 2.3 h (issue 15 item 5).
fn d_eb_backoff_max() -> u64 {
    640_000
}

impl Source {
    /// API Gateway's integration timeout: the configured one, else 29 s for REST and WebSocket
    /// (APIGW-2017, APIGW-WSQ) or 30 s for HTTP APIs (APIGW-HTTPQ); `None` for other sources.
    pub fn integration_timeout_ms(&self) -> Option<u64> {
        match self {
            Source::ApiGateway {
                integration_timeout_ms,
                api_type,
                ..
            } => Some(integration_timeout_ms.unwrap_or(match api_type {
                ApiType::Http => 30_000,
                _ => 29_000,
            })),
            _ => None,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Source::ApiGateway { id, .. }
            | Source::Cloudfront { id, .. }
            | Source::Custom { id, .. }
            | Source::S3 { id, .. }
            | Source::Sns { id, .. }
            | Source::EventBridge { id, .. } => id,
            Source::Sqs(q) => &q.id,
            Source::Kinesis(k) => &k.id,
            Source::DynamodbStreams(d) => &d.id,
            Source::StepFunctions(m) => &m.id,
        }
    }
    pub fn method(&self) -> Method {
        match self {
            Source::ApiGateway { .. } | Source::Cloudfront { .. } => Method::Synchronous,
            Source::Custom {
                invocation_type: InvocationType::RequestResponse,
                ..
            } => Method::Synchronous,
            Source::Custom {
                invocation_type: InvocationType::Event,
                ..
            }
            | Source::S3 { .. }
            | Source::Sns { .. }
            | Source::EventBridge { .. } => Method::Asynchronous,
            // Event source mappings poll, then invoke synchronously (L-ESM).
            Source::Sqs(_) | Source::Kinesis(_) | Source::DynamodbStreams(_) => Method::Polling,
            // Step Functions waits for the function's answer: a synchronous caller (SFN-LAMBDA).
            Source::StepFunctions(_) => Method::Synchronous,
        }
    }
    pub fn kind_name(&self) -> &'static str {
        match self {
            Source::ApiGateway { .. } => "api_gateway",
            Source::Cloudfront { .. } => "cloudfront",
            Source::Custom { .. } => "custom",
            Source::S3 { .. } => "s3",
            Source::Sns { .. } => "sns",
            Source::EventBridge { .. } => "event_bridge",
            Source::Sqs(_) => "sqs",
            Source::Kinesis(_) => "kinesis",
            Source::DynamodbStreams(_) => "dynamodb_streams",
            Source::StepFunctions(_) => "step_functions",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Source::ApiGateway { .. } => "API Gateway",
            Source::Cloudfront { .. } => "CloudFront",
            Source::Custom { .. } => "Your code",
            Source::S3 { .. } => "S3",
            Source::Sns { .. } => "SNS",
            Source::EventBridge { .. } => "EventBridge",
            Source::Sqs(_) => "SQS",
            Source::Kinesis(_) => "Kinesis",
            Source::DynamodbStreams(_) => "DynamoDB Streams",
            Source::StepFunctions(_) => "Step Functions",
        }
    }
}

/// The three invocation methods (plus Step Functions, which calls synchronously).
/// (Serialized in the trace JSON's topology, in the file format's words.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Synchronous,
    Asynchronous,
    Polling,
}
impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::Synchronous => "synchronous",
            Method::Asynchronous => "asynchronous",
            Method::Polling => "polling",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `count` events at `at_ms` (a burst when count > 1), repeated `repeat` times `every_ms` apart.
    Burst,
    /// `rate_per_s` events per second from `at_ms` for `duration_s`.
    Rate,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// The `id` of the source that produces these events.
    pub source: String,
    pub pattern: Pattern,
    pub at_ms: u64,
    pub count: u64,
    pub repeat: u64,
    pub every_ms: u64,
    pub rate_per_s: u64,
    pub duration_s: u64,
    /// Request payload size: sync limit 6 MB, async 1 MB (L-INVOKE [D]).
    pub payload_bytes: u64,
}
fn d_pattern() -> Pattern {
    Pattern::Burst
}
fn d_one() -> u64 {
    1
}
fn d_payload() -> u64 {
    1024
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

// ---------------------------------------------------------------------------------------------
// Parsing and validation

/// One problem in a scenario, with where it is and what would be accepted.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioError {
    /// 1-based line in the file, when it can be located.
    pub line: Option<usize>,
    /// Dotted path of the field, e.g. `sources[1].integration_timeout_ms`.
    pub field: String,
    pub message: String,
}
impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// All the problems found in one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioErrors {
    pub file: String,
    pub errors: Vec<ScenarioError>,
}
impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {e}", self.file)?;
        }
        Ok(())
    }
}
impl std::error::Error for ScenarioErrors {}

impl ScenarioFile {
    /// This file as a TOML table (see [`Scenario::to_table`]); unvalidated, for editors.
    pub fn to_table(&self) -> toml::Table {
        let mut t = toml::Table::new();
        self.write_fields(&mut t);
        t
    }
}

/// A scenario that parsed and passed validation. The engine only ever sees these.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub file: ScenarioFile,
}

impl Scenario {
    /// Parses and validates TOML text. `file` names the origin in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioErrors> {
        parse_checked(file, text, "scenarios", validate).map(|file| Scenario { file })
    }

    /// Re-validates an edited scenario (the app's parameter panel edits fields in place).
    pub fn from_file(file: ScenarioFile) -> Result<Scenario, Vec<(String, String)>> {
        let errors = validate(&file);
        if errors.is_empty() {
            Ok(Scenario { file })
        } else {
            Err(errors)
        }
    }

    pub fn id(&self) -> &str {
        &self.file.id
    }
    /// The scenario as a TOML table: what [`Scenario::parse`] reads back into an equal scenario
    /// (every field written out, defaults included; unset options left out).
    pub fn to_table(&self) -> toml::Table {
        self.file.to_table()
    }
    pub fn horizon_ms(&self) -> u64 {
        self.file.horizon_s.saturating_mul(1000)
    }
    /// Invocation methods used by this scenario's sources, in order.
    pub fn methods(&self) -> Vec<Method> {
        let mut m: Vec<Method> = self.file.sources.iter().map(|s| s.method()).collect();
        crate::order::sort_by_u64_key(&mut m, |m| *m as u64);
        m.dedup();
        m
    }
}

/// The shared front half of every content parser (scenarios, lessons): refuse oversized text,
/// read it with `toml_io` (syntax and format errors carry their line), then run `check`, whose
/// `(field path, message)` problems are located to their line with [`locate`].
pub(crate) fn parse_checked<T: TomlField>(
    file: &str,
    text: &str,
    what: &str,
    check: impl FnOnce(&T) -> Vec<(String, String)>,
) -> Result<T, ScenarioErrors> {
    let fail = |errors| {
        Err(ScenarioErrors {
            file: file.to_string(),
            errors,
        })
    };
    if text.len() > MAX_SCENARIO_BYTES {
        return fail(vec![ScenarioError {
            line: None,
            field: "(file)".into(),
            message: format!(
                "is {} bytes; {what} are limited to {MAX_SCENARIO_BYTES} bytes",
                text.len()
            ),
        }]);
    }
    let parsed = toml_io::read_document::<T>(file, text)?;
    let errors = check(&parsed);
    if errors.is_empty() {
        Ok(parsed)
    } else {
        fail(
            errors
                .into_iter()
                .map(|(field, message)| ScenarioError {
                    line: locate(text, &field),
                    field,
                    message,
                })
                .collect(),
        )
    }
}

/// Finds the line of a dotted field path such as `sources[1].integration_timeout_ms` or
/// `function.timeout_s` by walking table headers. Good enough for hand-written files; returns
/// `None` rather than a wrong line when the layout is unusual (inline tables, dotted keys).
pub fn locate(text: &str, path: &str) -> Option<usize> {
    // Split `a[2].b` into table `a`, index 2, key `b`; `a.b` into table `a`, key `b`; `b` top-level.
    let (table, index, key) = match path.split_once('.') {
        Some((head, key)) => match head.split_once('[') {
            Some((t, rest)) => (
                t.to_string(),
                rest.trim_end_matches(']').parse::<usize>().ok(),
                key,
            ),
            None => (head.to_string(), None, key),
        },
        None => match path.split_once('[') {
            Some((t, rest)) => (
                t.to_string(),
                rest.trim_end_matches(']').parse::<usize>().ok(),
                "",
            ),
            None => (String::new(), None, path),
        },
    };
    let key = key.split(['.', '[']).next().unwrap_or("");
    let mut seen = 0usize;
    let mut in_target = table.is_empty();
    let mut header_line = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix("[[").and_then(|l| l.split("]]").next()) {
            let current_table = h.trim();
            in_target = false;
            if current_table == table {
                if index == Some(seen) {
                    in_target = true;
                    header_line = Some(n + 1);
                }
                seen += 1;
            }
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            in_target = index.is_none() && h.trim() == table;
            if in_target {
                header_line = Some(n + 1);
            }
            continue;
        }
        if in_target && !key.is_empty() {
            if let Some((k, _)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(n + 1);
                }
            }
        }
    }
    header_line
}

pub(crate) fn check_range(
    errors: &mut Vec<(String, String)>,
    field: &str,
    value: u64,
    lo: u64,
    hi: u64,
    why: &str,
) {
    if value < lo || value > hi {
        errors.push((
            field.to_string(),
            format!("{value} is out of range: allowed {lo}–{hi} ({why})"),
        ));
    }
}

/// Every rule here is AWS's own, with the sheet row it comes from.
pub fn validate(s: &ScenarioFile) -> Vec<(String, String)> {
    let mut e: Vec<(String, String)> = Vec::new();
    if s.format_version != FORMAT_VERSION {
        e.push((
            "format_version".into(),
            format!(
                "{} is not supported: this build reads format_version = {FORMAT_VERSION}",
                s.format_version
            ),
        ));
    }
    if s.id.is_empty()
        || s.id.len() > 64
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        e.push((
            "id".into(),
            format!(
                "`{}` is not a valid id: use 1–64 lowercase letters, digits and `-`",
                s.id
            ),
        ));
    }
    check_range(
        &mut e,
        "horizon_s",
        s.horizon_s,
        1,
        8 * 86_400,
        "a run covers at most 8 days",
    );
    check_range(
        &mut e,
        "network.hop_ms",
        s.network.hop_ms,
        1,
        10_000,
        "message transit time on the diagram",
    );
    check_range(
        &mut e,
        "account.concurrency",
        s.account.concurrency as u64,
        1,
        1_000_000,
        "account concurrency, L-QUOTAS",
    );
    check_range(
        &mut e,
        "account.scaling_rate_per_10s",
        s.account.scaling_rate_per_10s as u64,
        1,
        1_000_000,
        "L-SCALING",
    );
    let f = &s.function;
    check_range(
        &mut e,
        "function.timeout_s",
        f.timeout_s as u64,
        1,
        900,
        "Lambda function timeout, L-TIMEOUT",
    );
    check_range(
        &mut e,
        "function.memory_mb",
        f.memory_mb as u64,
        128,
        10_240,
        "L-QUOTAS",
    );
    check_range(
        &mut e,
        "function.init_ms",
        f.init_ms,
        0,
        10_000,
        "Init phase limit is 10 s, L-ENV",
    );
    match &f.duration {
        DurationDist::Fixed { ms } => check_range(
            &mut e,
            "function.duration.ms",
            *ms,
            1,
            3_600_000,
            "handler run time",
        ),
        DurationDist::Uniform { min_ms, max_ms } => {
            check_range(
                &mut e,
                "function.duration.min_ms",
                *min_ms,
                1,
                3_600_000,
                "handler run time",
            );
            if max_ms < min_ms || *max_ms > 3_600_000 {
                e.push((
                    "function.duration.max_ms".into(),
                    format!("{max_ms} must be ≥ min_ms ({min_ms}) and ≤ 3600000"),
                ));
            }
        }
    }
    match &f.behaviour {
        Behaviour::ThrowProbability { p } if !(0.0..=1.0).contains(p) || p.is_nan() => e.push((
            "function.behaviour.p".into(),
            format!("{p} is not a probability: allowed 0.0–1.0"),
        )),
        Behaviour::Slow { factor } => check_range(
            &mut e,
            "function.behaviour.factor",
            *factor as u64,
            1,
            1000,
            "slow-down factor",
        ),
        Behaviour::ThrowFirst { attempts } => check_range(
            &mut e,
            "function.behaviour.attempts",
            *attempts as u64,
            0,
            1000,
            "runs that throw",
        ),
        _ => {}
    }
    let max_reserved = s
        .account
        .concurrency
        .saturating_sub(s.account.minimum_unreserved);
    if let Some(r) = f.reserved_concurrency {
        if r > max_reserved {
            e.push((
                "function.reserved_concurrency".into(),
                format!(
                    "{r} leaves less than {} unreserved: allowed 0–{max_reserved} (account concurrency {} − {}), L-RESERVED",
                    s.account.minimum_unreserved, s.account.concurrency, s.account.minimum_unreserved
                ),
            ));
        }
        if f.provisioned_concurrency > r {
            e.push((
                "function.provisioned_concurrency".into(),
                format!("{} exceeds reserved concurrency {r}: provisioned environments count against it", f.provisioned_concurrency),
            ));
        }
    }
    if f.provisioned_concurrency > s.account.concurrency {
        e.push((
            "function.provisioned_concurrency".into(),
            format!(
                "{} exceeds account concurrency {}",
                f.provisioned_concurrency, s.account.concurrency
            ),
        ));
    }
    let a = &s.async_config;
    check_range(
        &mut e,
        "async.maximum_retry_attempts",
        a.maximum_retry_attempts as u64,
        0,
        2,
        "MaximumRetryAttempts, L-EIC-API",
    );
    check_range(
        &mut e,
        "async.maximum_event_age_s",
        a.maximum_event_age_s as u64,
        60,
        21_600,
        "MaximumEventAgeInSeconds, L-EIC-API",
    );
    if a.retry_delays_s.len() < a.maximum_retry_attempts as usize {
        e.push((
            "async.retry_delays_s".into(),
            format!(
                "has {} delays but maximum_retry_attempts is {}: give one delay per retry",
                a.retry_delays_s.len(),
                a.maximum_retry_attempts
            ),
        ));
    }
    if a.throttle_backoff_initial_ms == 0
        || a.throttle_backoff_max_ms < a.throttle_backoff_initial_ms
    {
        e.push((
            "async.throttle_backoff_max_ms".into(),
            "must be ≥ throttle_backoff_initial_ms, which must be ≥ 1".into(),
        ));
    }
    if !(0.0..=1.0).contains(&a.duplicate_probability) {
        e.push((
            "async.duplicate_probability".into(),
            format!(
                "{} is not a probability: allowed 0.0–1.0",
                a.duplicate_probability
            ),
        ));
    }
    for (name, dest, is_dlq, on_success) in [
        ("async.on_success", &a.on_success, false, true),
        ("async.on_failure", &a.on_failure, false, false),
        ("async.dead_letter_queue", &a.dead_letter_queue, true, false),
    ] {
        if let Some(d) = dest {
            if d.fifo {
                e.push((format!("{name}.fifo"), "FIFO queues and topics are not supported as destinations or dead-letter queues (L-ASYNC-REC)".into()));
            }
            if is_dlq && !matches!(d.kind, DestinationKind::Sqs | DestinationKind::Sns) {
                e.push((
                    format!("{name}.kind"),
                    format!(
                        "{:?} cannot be a dead-letter queue: allowed sqs or sns (L-ASYNC-REC)",
                        d.kind
                    )
                    .to_ascii_lowercase(),
                ));
            }
            if on_success && d.kind == DestinationKind::S3 {
                e.push((
                    format!("{name}.kind"),
                    "an S3 bucket can only be an on-failure destination (L-ASYNC-REC)".into(),
                ));
            }
            if d.name.is_empty() {
                e.push((format!("{name}.name"), "must not be empty".into()));
            }
        }
    }
    if s.sources.is_empty() {
        e.push((
            "sources".into(),
            "a scenario needs at least one [[sources]] entry".into(),
        ));
    }
    let mut ids: Vec<&str> = Vec::new();
    for (i, src) in s.sources.iter().enumerate() {
        let p = |k: &str| format!("sources[{i}].{k}");
        let id = src.id();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            e.push((
                p("id"),
                format!("`{id}` is not a valid source id: use letters, digits, `-` and `_`"),
            ));
        }
        if ids.contains(&id) {
            e.push((
                p("id"),
                format!("`{id}` is used by two sources: ids must be unique"),
            ));
        }
        ids.push(id);
        match src {
            Source::ApiGateway {
                api_type,
                timeout_quota_raised,
                ..
            } => {
                let t = src.integration_timeout_ms().unwrap_or_default();
                match api_type {
                    ApiType::Http => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 30_000, "HTTP API integration timeout is at most 30 s and cannot be raised, APIGW-HTTPQ"),
                    ApiType::Websocket => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "WebSocket API integration timeout, APIGW-WSQ"),
                    ApiType::Rest if *timeout_quota_raised => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 300_000, "Regional/private REST API with a raised quota, APIGW-2024 / APIGW-RP300"),
                    ApiType::Rest => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "REST API; above 29 s needs timeout_quota_raised = true, APIGW-2017 / APIGW-2024"),
                }
                if *timeout_quota_raised && *api_type != ApiType::Rest {
                    e.push((p("timeout_quota_raised"), "only Regional and private REST APIs can raise the integration timeout (APIGW-2024)".into()));
                }
            }
            Source::Cloudfront {
                viewer_timeout_s,
                origin_timeout_s,
                error_status,
                throttle_status,
                oversized_response_status,
                ..
            } => {
                check_range(
                    &mut e,
                    &p("viewer_timeout_s"),
                    *viewer_timeout_s as u64,
                    1,
                    30,
                    "Lambda@Edge viewer trigger limit, CF-CHOOSE / CF-QUOTA",
                );
                check_range(
                    &mut e,
                    &p("origin_timeout_s"),
                    *origin_timeout_s as u64,
                    1,
                    30,
                    "Lambda@Edge origin trigger limit, CF-CHOOSE",
                );
                check_range(
                    &mut e,
                    &p("error_status"),
                    *error_status as u64,
                    400,
                    599,
                    "an HTTP error status",
                );
                check_range(
                    &mut e,
                    &p("throttle_status"),
                    *throttle_status as u64,
                    400,
                    599,
                    "an HTTP error status",
                );
                check_range(
                    &mut e,
                    &p("oversized_response_status"),
                    *oversized_response_status as u64,
                    400,
                    599,
                    "an HTTP error status",
                );
                if f.provisioned_concurrency > 0 {
                    e.push((
                        "function.provisioned_concurrency".into(),
                        "Lambda@Edge functions cannot use provisioned concurrency (CF-RESTR)"
                            .into(),
                    ));
                }
            }
            Source::Custom {
                sdk_max_attempts,
                sdk_backoff_base_ms,
                sdk_max_backoff_ms,
                read_timeout_ms,
                ..
            } => {
                check_range(
                    &mut e,
                    &p("sdk_max_attempts"),
                    *sdk_max_attempts as u64,
                    1,
                    10,
                    "SDK max_attempts, SDK-RETRY",
                );
                if *sdk_backoff_base_ms == 0 || sdk_max_backoff_ms < sdk_backoff_base_ms {
                    e.push((
                        p("sdk_max_backoff_ms"),
                        "must be ≥ sdk_backoff_base_ms, which must be ≥ 1".into(),
                    ));
                }
                if let Some(r) = read_timeout_ms {
                    check_range(
                        &mut e,
                        &p("read_timeout_ms"),
                        *r,
                        100,
                        3_600_000,
                        "client read timeout",
                    );
                }
            }
            Source::S3 {
                delivery_delay_ms,
                duplicate_probability,
                ..
            } => {
                check_range(
                    &mut e,
                    &p("delivery_delay_ms"),
                    *delivery_delay_ms,
                    0,
                    600_000,
                    "S3 notification delay",
                );
                if !(0.0..=1.0).contains(duplicate_probability) {
                    e.push((
                        p("duplicate_probability"),
                        format!("{duplicate_probability} is not a probability: allowed 0.0–1.0"),
                    ));
                }
            }
            Source::Sns {
                unreachable_for_ms, ..
            } => {
                check_range(
                    &mut e,
                    &p("unreachable_for_ms"),
                    *unreachable_for_ms,
                    0,
                    30 * 86_400_000,
                    "outage length",
                );
            }
            Source::EventBridge {
                maximum_retry_attempts,
                maximum_event_age_s,
                retry_backoff_initial_ms,
                retry_backoff_max_ms,
                ..
            } => {
                check_range(
                    &mut e,
                    &p("maximum_retry_attempts"),
                    *maximum_retry_attempts as u64,
                    0,
                    185,
                    "RetryPolicy.MaximumRetryAttempts, EB-API",
                );
                check_range(
                    &mut e,
                    &p("maximum_event_age_s"),
                    *maximum_event_age_s as u64,
                    60,
                    86_400,
                    "RetryPolicy.MaximumEventAgeInSeconds, EB-API",
                );
                if *retry_backoff_initial_ms == 0 || retry_backoff_max_ms < retry_backoff_initial_ms
                {
                    e.push((
                        p("retry_backoff_max_ms"),
                        "must be ≥ retry_backoff_initial_ms, which must be ≥ 1".into(),
                    ));
                }
            }
            Source::Sqs(q) => polling::validate_sqs(&mut e, &p, q, f),
            Source::Kinesis(k) => polling::validate_kinesis(&mut e, &p, k),
            Source::DynamodbStreams(d) => polling::validate_dynamodb(&mut e, &p, d),
            Source::StepFunctions(m) => stepfunctions::validate_step_functions(&mut e, &p, m),
        }
    }
    polling::validate_item_behaviour(&mut e, f);
    let mut total_events: u64 = 0;
    for (i, w) in s.workload.iter().enumerate() {
        let p = |k: &str| format!("workload[{i}].{k}");
        let Some(src) = s.sources.iter().find(|x| x.id() == w.source) else {
            let known: Vec<&str> = s.sources.iter().map(|x| x.id()).collect();
            e.push((
                p("source"),
                format!(
                    "`{}` is not a source of this scenario: allowed {}",
                    w.source,
                    known.join(", ")
                ),
            ));
            continue;
        };
        if src.method() == Method::Polling && w.payload_bytes > BATCH_PAYLOAD_LIMIT {
            e.push((p("payload_bytes"), format!("{} is over the 6 MB batch payload cap: a message or record must fit in one batch (L-ESM)", w.payload_bytes)));
        }
        match w.pattern {
            Pattern::Burst => {
                check_range(
                    &mut e,
                    &p("count"),
                    w.count,
                    1,
                    1_000_000,
                    "events per burst",
                );
                check_range(&mut e, &p("repeat"), w.repeat, 1, 100_000, "bursts");
                if w.repeat > 1 && w.every_ms == 0 {
                    e.push((p("every_ms"), "must be ≥ 1 when repeat > 1".into()));
                }
            }
            Pattern::Rate => {
                check_range(
                    &mut e,
                    &p("rate_per_s"),
                    w.rate_per_s,
                    1,
                    100_000,
                    "events per second",
                );
                check_range(
                    &mut e,
                    &p("duration_s"),
                    w.duration_s,
                    1,
                    8 * 86_400,
                    "seconds",
                );
            }
        }
        check_range(
            &mut e,
            &p("payload_bytes"),
            w.payload_bytes,
            0,
            64 * 1024 * 1024,
            "payload size",
        );
        total_events = total_events.saturating_add(w.total());
    }
    if total_events > 10_000_000 {
        e.push((
            "workload".into(),
            format!("produces {total_events} events: at most 10,000,000 per scenario"),
        ));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
format_version = 1
id = "mini"
title = "Mini"

[function]
timeout_s = 3

[[sources]]
kind = "api_gateway"
id = "api"

[[workload]]
source = "api"
"#;

    #[test]
    fn minimal_file_parses_with_sheet_defaults() {
        let s = Scenario::parse("mini.toml", MINI).unwrap();
        assert_eq!(s.file.account.concurrency, 1000);
        assert_eq!(s.file.async_config.maximum_retry_attempts, 2);
        assert_eq!(s.file.async_config.maximum_event_age_s, 21_600);
        assert_eq!(s.file.function.timeout_s, 3);
    }

    #[test]
    fn every_reading_problem_is_reported_with_its_own_line_and_path() {
        let text = MINI
            .replace("timeout_s = 3", "timeout_s = \"three\"\nmemory = 128")
            .replace(
                "kind = \"api_gateway\"",
                "kind = \"api_gateway\"\napi_type = \"soap\"",
            )
            .replace("source = \"api\"", "source = \"api\"\ncount = -1");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let got: Vec<(Option<usize>, &str)> = err
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(7), "function.timeout_s"),
                (Some(8), "function.memory"),
                (Some(12), "sources[0].api_type"),
                (Some(17), "workload[0].count"),
            ],
            "{err}"
        );
        let m: Vec<&str> = err.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(m[0], "invalid type: string \"three\", expected u32");
        assert!(m[1].starts_with("unknown field `memory`, expected one of `name`, `timeout_s`"));
        assert_eq!(
            m[2],
            "unknown variant `soap`, expected one of `rest`, `http`, `websocket`"
        );
        assert_eq!(m[3], "invalid value: integer `-1`, expected u64");
    }

    #[test]
    fn missing_fields_and_unknown_kinds_are_named() {
        let no_id = MINI.replace("id = \"api\"\n", "");
        let err = Scenario::parse("m.toml", &no_id).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].id");
        assert_eq!(err.errors[0].message, "missing field `id`");
        assert_eq!(
            err.errors[0].line,
            Some(9),
            "the line of its [[sources]] table"
        );

        let pigeon = MINI.replace("\"api_gateway\"", "\"carrier_pigeon\"");
        let err = Scenario::parse("p.toml", &pigeon).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].kind");
        assert_eq!(err.errors[0].line, Some(10));
        assert!(
            err.errors[0].message.starts_with(
                "unknown variant `carrier_pigeon`, expected one of `api_gateway`, `cloudfront`"
            ),
            "{err}"
        );

        let broken = MINI.replace("timeout_s = 3", "timeout_s = ");
        let err = Scenario::parse("s.toml", &broken).unwrap_err();
        assert_eq!(err.errors[0].field, "(syntax)");
        assert_eq!(err.errors[0].line, Some(7));
    }

    #[test]
    fn a_written_scenario_reads_back_equal() {
        // Every field written, defaults included; an integer where a float goes is accepted.
        let text = MINI.replace(
            "[function]",
            "[function]\nbehaviour = { kind = \"throw_probability\", p = 1 }",
        );
        let s = Scenario::parse("w.toml", &text).unwrap();
        assert_eq!(
            s.file.function.behaviour,
            Behaviour::ThrowProbability { p: 1.0 }
        );
        let table = s.to_table();
        assert_eq!(
            table["async"]["retry_delays_s"].as_array().map(Vec::len),
            Some(2)
        );
        assert!(
            table["sources"][0].get("integration_timeout_ms").is_none(),
            "an unset option is left out"
        );
        let text = toml::to_string(&table).unwrap();
        assert_eq!(Scenario::parse("again.toml", &text).unwrap(), s);
    }

    #[test]
    fn unknown_field_is_rejected_with_its_line() {
        let text = MINI.replace("timeout_s = 3", "timeout_s = 3\ntimeout = 4");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let e = &err.errors[0];
        assert_eq!(e.line, Some(8));
        assert!(e.message.contains("timeout"), "{}", e.message);
        assert!(err.to_string().starts_with("bad.toml: line 8"), "{err}");
    }

    #[test]
    fn out_of_range_values_name_field_line_and_range() {
        let text = MINI.replace("timeout_s = 3", "timeout_s = 901");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        assert_eq!(err.errors[0].field, "function.timeout_s");
        assert_eq!(err.errors[0].line, Some(7));
        assert!(
            err.errors[0].message.contains("1–900"),
            "{}",
            err.errors[0].message
        );
    }

    #[test]
    fn http_api_timeout_above_30s_is_rejected_as_aws_does() {
        let text = MINI.replace(
            "id = \"api\"",
            "id = \"api\"\napi_type = \"http\"\nintegration_timeout_ms = 31000",
        );
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].integration_timeout_ms");
        assert_eq!(err.errors[0].line, Some(13));
        assert!(err.errors[0].message.contains("30 s"));
    }

    #[test]
    fn fifo_destination_and_s3_on_success_are_rejected() {
        let text = format!("{MINI}\n[async]\non_success = {{ kind = \"s3\", name = \"b\" }}\ndead_letter_queue = {{ kind = \"sqs\", name = \"q\", fifo = true }}\n");
        let err = Scenario::parse("bad.toml", &text).unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"async.on_success.kind"), "{fields:?}");
        assert!(
            fields.contains(&"async.dead_letter_queue.fifo"),
            "{fields:?}"
        );
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let big = "#".repeat(MAX_SCENARIO_BYTES + 1);
        assert!(Scenario::parse("big.toml", &big).unwrap_err().errors[0]
            .message
            .contains("limited"));
    }
}

// The file format of these types: which keys, which defaults (see toml_io.rs).
toml_struct!(ScenarioFile { format_version, id, title, summary = Default::default(), horizon_s = d_horizon_s(), network = Default::default(), account = Default::default(), function = Default::default(), async_config as "async" = Default::default(), sources, workload = Default::default() });
toml_struct!(defaults Network { hop_ms });
toml_struct!(defaults Account { concurrency, minimum_unreserved, scaling_rate_per_10s });
toml_struct!(defaults Function { name, timeout_s, memory_mb, duration, init_ms, behaviour, error_type, reserved_concurrency, provisioned_concurrency, response_bytes, poison_items, flaky_items, on_item_failure });
toml_struct!(defaults AsyncConfig { maximum_retry_attempts, maximum_event_age_s, retry_delays_s, throttle_backoff_initial_ms, throttle_backoff_max_ms, queue_delay_ms, duplicate_probability, on_success, on_failure, dead_letter_queue });
toml_words!(DestinationKind { Sqs = "sqs", Sns = "sns", Lambda = "lambda", EventBridge = "event_bridge", S3 = "s3" });
toml_struct!(Destination { kind, name, fifo = Default::default() });
toml_words!(ApiType { Rest = "rest", Http = "http", Websocket = "websocket" });
toml_words!(EdgeTrigger { ViewerRequest = "viewer_request", OriginRequest = "origin_request", OriginResponse = "origin_response", ViewerResponse = "viewer_response" });
toml_words!(InvocationType { RequestResponse = "request_response", Event = "event" });
toml_words!(Method { Synchronous = "synchronous", Asynchronous = "asynchronous", Polling = "polling" });
toml_words!(Pattern { Burst = "burst", Rate = "rate" });
toml_struct!(Workload { source, pattern = d_pattern(), at_ms = Default::default(), count = d_one(), repeat = d_one(), every_ms = Default::default(), rate_per_s = Default::default(), duration_s = Default::default(), payload_bytes = d_payload() });

// Internally tagged enums (`distribution = "fixed"`, `kind = "sqs"`): the tag picks the variant,
// the same table holds its fields.
toml_tagged!(DurationDist by "distribution" {
    Fixed = "fixed" { ms },
    Uniform = "uniform" { min_ms, max_ms },
});
toml_tagged!(Behaviour by "kind" {
    Succeed = "succeed" {},
    Throw = "throw" {},
    ThrowFirst = "throw_first" { attempts },
    ThrowProbability = "throw_probability" { p },
    TimeOut = "time_out" {},
    Slow = "slow" { factor },
});
toml_tagged!(Source by "kind" {
    ApiGateway = "api_gateway" {
        id,
        api_type = d_api_type(),
        integration_timeout_ms = None,
        timeout_quota_raised = false,
    },
    Cloudfront = "cloudfront" {
        id,
        trigger = d_trigger(),
        viewer_timeout_s = d_viewer_timeout(),
        origin_timeout_s = d_origin_timeout(),
        viewer_response_limit_bytes = d_viewer_resp(),
        origin_response_limit_bytes = d_origin_resp(),
        error_status = d_503(),
        throttle_status = d_503(),
        oversized_response_status = d_502(),
    },
    Custom = "custom" {
        id,
        invocation_type = d_invocation_type(),
        sdk_max_attempts = d_sdk_attempts(),
        sdk_backoff_base_ms = d_sdk_base(),
        sdk_max_backoff_ms = d_sdk_max(),
        read_timeout_ms = None,
    },
    S3 = "s3" {
        id,
        bucket = d_bucket(),
        delivery_delay_ms = d_s3_delay(),
        duplicate_probability = 0.0,
    },
    Sns = "sns" { id, topic = d_topic(), unreachable_for_ms = 0 },
    EventBridge = "event_bridge" {
        id,
        bus = d_bus(),
        maximum_retry_attempts = d_eb_retries(),
        maximum_event_age_s = d_eb_age(),
        dead_letter_queue = None,
        unreachable_for_ms = 0,
        retry_backoff_initial_ms = d_eb_backoff(),
        retry_backoff_max_ms = d_eb_backoff_max(),
    },
} newtype {
    Sqs = "sqs" (SqsSource),
    Kinesis = "kinesis" (KinesisSource),
    DynamodbStreams = "dynamodb_streams" (DynamodbStreamsSource),
    StepFunctions = "step_functions" (StepFunctionsSource),
});
