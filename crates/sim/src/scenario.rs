//! Scenario files: versioned TOML describing the sources, the function, its settings, the
//! destinations and the workload. This is the file edge of the core: these types are the file
//! format (`format_version = 1`, unknown fields rejected), and [`Scenario::parse`] turns text into
//! a validated [`Scenario`] or a list of [`ScenarioError`]s that name the line, the field, the bad
//! value and what is allowed. Configurations AWS itself refuses are refused here with AWS's reason.
//!
//! Every field is declared once ([`schema::declare!`](schema)): type, default, range or words,
//! fact-sheet row, doc. Every default below is the fact sheet's (`../shared/lambda-semantics.md`),
//! cited by source key; values the sheet marks undocumented (`[U]`) are parameters that say so.
//! [`validate`] holds only the rules that relate several fields (or AWS's own conditions).

use serde::Serialize;

mod polling;
pub mod schema;
mod sources;
mod stepfunctions;
pub(crate) mod toml_io;
pub use polling::*;
use schema::declare;
pub use schema::{format_reference, Bounds, FieldInfo, ValueSpec};
pub use sources::*;
pub use stepfunctions::*;
use toml_io::TomlField;

/// The only format version this build reads.
pub const FORMAT_VERSION: u32 = 1;
/// Inline scenarios (share links, embeds) are untrusted: refuse anything bigger than this.
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024;
/// The longest run a scenario may ask for: 30 days, so SNS's ~23-day delivery policy (SNS-RETRY)
/// can be seen to end; idle gaps are compressed in playback.
pub const MAX_HORIZON_S: u64 = 30 * 86_400;

declare! {
    /// A scenario file, as written.
    pub struct ScenarioFile {
        /// The format version: 1.
        pub format_version: u32,
        /// Stable id used in URLs, lessons and the scenario picker (lowercase, digits, `-`).
        pub id: String,
        /// The scenario's title, shown in the picker.
        pub title: String,
        /// One paragraph saying what the scenario shows.
        pub summary: String = String::new(),
        /// How far to simulate, in seconds (at most 30 days).
        #[field(range(1, MAX_HORIZON_S as i128))]
        pub horizon_s: u64 = 600,
        /// The diagram's pace.
        pub network: Network = Network::default(),
        /// Account-level concurrency (§4).
        pub account: Account = Account::default(),
        /// The function and its handler's behaviour.
        pub function: Function = Function::default(),
        /// Lambda's event invoke config for asynchronous invocation (§2).
        pub async_config as "async": AsyncConfig = AsyncConfig::default(),
        /// The services (or your code) that invoke the function: `[[sources]]` tables.
        pub sources: Vec<Source>,
        /// The events the sources produce: `[[workload]]` tables.
        pub workload: Vec<Workload> = Vec::new(),
    }
}

declare! {
    /// Transit time of a message between two boxes of the diagram. Not an AWS behaviour: it is
    /// the drawing's pace, kept as a parameter so nothing appears to teleport.
    pub struct Network impl Default {
        /// Time a message takes between two boxes of the diagram (not an AWS behaviour).
        #[field(range(1, 10_000))]
        pub hop_ms: u64 = 40,
    }
}

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

declare! {
    /// The three invocation methods (plus Step Functions, which calls synchronously).
    /// (Serialized in the trace JSON's topology, in the file format's words.)
    #[derive(PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Method words {
        Synchronous = "synchronous",
        Asynchronous = "asynchronous",
        Polling = "polling",
    }
}
impl Method {
    pub fn label(self) -> &'static str {
        self.word()
    }
}

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
        #[field(range(0, MAX_HORIZON_S as i128 * 1000))]
        pub at_ms: u64 = 0,
        /// Events per burst.
        #[field(range(1, 1_000_000))]
        pub count: u64 = 1,
        /// Bursts.
        #[field(range(1, 100_000))]
        pub repeat: u64 = 1,
        /// Time between bursts (at least 1 when `repeat` > 1).
        #[field(range(0, MAX_HORIZON_S as i128 * 1000))]
        pub every_ms: u64 = 0,
        /// Events per second, for `pattern = "rate"`.
        #[field(range(0, 100_000))]
        pub rate_per_s: u64 = 0,
        /// How long a rate lasts, for `pattern = "rate"`.
        #[field(range(0, MAX_HORIZON_S as i128))]
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

    /// The declaration of the field at `path` (`function.timeout_s`, `sources[2].bucket`,
    /// `function.behaviour.kind`): its type, range or words, default, unit, row. This file is
    /// needed to know which kind each `[[sources]]` table (or tagged table) is.
    pub fn field_info(&self, path: &str) -> Option<FieldInfo> {
        schema::field_at(Self::FIELDS, &toml::Value::Table(self.to_table()), path)
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
            format!("must be from {lo} to {hi} (got {value}): {why}"),
        ));
    }
}

/// A uniform distribution's bounds: `max_ms` at least `min_ms`.
pub(crate) fn check_uniform(
    errors: &mut Vec<(String, String)>,
    field: String,
    min_ms: u64,
    max_ms: u64,
) {
    if max_ms < min_ms {
        errors.push((
            field,
            format!("must be at least min_ms ({min_ms}) (got {max_ms})"),
        ));
    }
}

/// Every rule of a scenario: first each field against its own declaration (range, words), then
/// the rules that relate fields, each AWS's own, with the sheet row it comes from.
pub fn validate(s: &ScenarioFile) -> Vec<(String, String)> {
    let mut e: Vec<(String, String)> = Vec::new();
    s.check_fields("", &mut e);
    if s.format_version != FORMAT_VERSION {
        e.push((
            "format_version".into(),
            format!(
                "must be {FORMAT_VERSION}: this build reads format_version = {FORMAT_VERSION} (got {})",
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
                "must be 1–64 lowercase letters, digits and `-` (got {:?})",
                s.id
            ),
        ));
    }
    let f = &s.function;
    if let DurationDist::Uniform { min_ms, max_ms } = f.duration {
        check_uniform(&mut e, "function.duration.max_ms".into(), min_ms, max_ms);
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
                    "must be from 0 to {max_reserved} (got {r}): at least {} must stay unreserved (account concurrency {} − {}), L-RESERVED",
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
    // Other functions use the unreserved pool only: what they hold must leave room for this
    // function's own reservation and the unreserved minimum (L-RESERVED).
    let others = s.account.other_functions_concurrency;
    let reserved = f.reserved_concurrency.unwrap_or(0);
    if others > s.account.concurrency.saturating_sub(reserved) {
        e.push((
            "account.other_functions_concurrency".into(),
            format!(
                "must be at most {} (got {others}): other functions share what the account's {} leave after this function's reservation of {reserved} (L-RESERVED)",
                s.account.concurrency.saturating_sub(reserved),
                s.account.concurrency
            ),
        ));
    }
    let a = &s.async_config;
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
    if a.throttle_backoff_max_ms < a.throttle_backoff_initial_ms {
        e.push((
            "async.throttle_backoff_max_ms".into(),
            format!(
                "must be at least throttle_backoff_initial_ms ({}) (got {})",
                a.throttle_backoff_initial_ms, a.throttle_backoff_max_ms
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
                        "must be `sqs` or `sns` for a dead-letter queue (got {:?}; L-ASYNC-REC)",
                        d.kind.word()
                    ),
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
                format!("must be letters, digits, `-` and `_` (got {id:?})"),
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
            Source::ApiGateway(api) => {
                let t = api.integration_timeout_ms();
                match api.api_type {
                    ApiType::Http => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 30_000, "an HTTP API's integration timeout is at most 30 s and cannot be raised, APIGW-HTTPQ"),
                    ApiType::Websocket => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "a WebSocket API's integration timeout, APIGW-WSQ"),
                    ApiType::Rest if api.timeout_quota_raised => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 300_000, "a Regional/private REST API with a raised quota, APIGW-2024 / APIGW-RP300"),
                    ApiType::Rest => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "a REST API; above 29 s needs timeout_quota_raised = true, APIGW-2017 / APIGW-2024"),
                }
                if api.timeout_quota_raised && api.api_type != ApiType::Rest {
                    e.push((p("timeout_quota_raised"), "only Regional and private REST APIs can raise the integration timeout (APIGW-2024)".into()));
                }
            }
            Source::Cloudfront(_) => {
                if f.provisioned_concurrency > 0 {
                    e.push((
                        "function.provisioned_concurrency".into(),
                        "Lambda@Edge functions cannot use provisioned concurrency (CF-RESTR)"
                            .into(),
                    ));
                }
            }
            Source::Custom(c) => {
                if c.sdk_max_backoff_ms < c.sdk_backoff_base_ms {
                    e.push((
                        p("sdk_max_backoff_ms"),
                        format!(
                            "must be at least sdk_backoff_base_ms ({}) (got {})",
                            c.sdk_backoff_base_ms, c.sdk_max_backoff_ms
                        ),
                    ));
                }
            }
            Source::S3(_) => {}
            Source::Sns(sns) => {
                if sns.dead_letter_queue.as_deref() == Some("") {
                    e.push((p("dead_letter_queue"), "must not be empty".into()));
                }
            }
            Source::EventBridge(eb) => {
                if eb.retry_backoff_max_ms < eb.retry_backoff_initial_ms {
                    e.push((
                        p("retry_backoff_max_ms"),
                        format!(
                            "must be at least retry_backoff_initial_ms ({}) (got {})",
                            eb.retry_backoff_initial_ms, eb.retry_backoff_max_ms
                        ),
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
                    "must be the id of a source of this scenario: one of {} (got {:?})",
                    schema::quoted(&known),
                    w.source
                ),
            ));
            continue;
        };
        if src.method() == Method::Polling && w.payload_bytes > BATCH_PAYLOAD_LIMIT {
            e.push((p("payload_bytes"), format!("{} is over the 6 MB batch payload cap: a message or record must fit in one batch (L-ESM)", w.payload_bytes)));
        }
        match w.pattern {
            Pattern::Burst => {
                if w.repeat > 1 && w.every_ms == 0 {
                    e.push((
                        p("every_ms"),
                        "must be at least 1 when repeat > 1 (got 0)".into(),
                    ));
                }
            }
            Pattern::Rate => {
                check_range(
                    &mut e,
                    &p("rate_per_s"),
                    w.rate_per_s,
                    1,
                    100_000,
                    "events per second of a rate",
                );
                check_range(
                    &mut e,
                    &p("duration_s"),
                    w.duration_s,
                    1,
                    MAX_HORIZON_S,
                    "how long a rate lasts",
                );
            }
        }
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
        // Plain words, never a Rust type name (issue 15).
        assert_eq!(
            err.errors[0].to_string(),
            "line 7: function.timeout_s: must be a whole number of seconds from 1 to 900 (got \"three\") — L-TIMEOUT"
        );
        assert!(
            m[1].starts_with(
                "is not a key of this table (unknown key `memory`): allowed `name`, `timeout_s`"
            ),
            "{}",
            m[1]
        );
        assert_eq!(
            m[2],
            "must be one of `rest`, `http`, `websocket` (got \"soap\")"
        );
        assert_eq!(
            m[3],
            "must be a whole number from 1 to 1000000 (got -1, which is too small)"
        );
        for m in &m {
            for rust in ["u32", "u64", "i64", "f64", "invalid type", "variant"] {
                assert!(!m.contains(rust), "{m}");
            }
        }
    }

    #[test]
    fn missing_fields_and_unknown_kinds_are_named() {
        let no_id = MINI.replace("id = \"api\"\n", "");
        let err = Scenario::parse("m.toml", &no_id).unwrap_err();
        assert_eq!(err.errors[0].field, "sources[0].id");
        assert_eq!(err.errors[0].message, "is required: give a string");
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
            err.errors[0]
                .message
                .starts_with("must be one of `api_gateway`, `cloudfront`"),
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
        assert_eq!(
            err.errors[0].message,
            "must be a whole number of seconds from 1 to 900 (got 901) — L-TIMEOUT"
        );
        // A number too large for the field's type says so.
        let text = MINI.replace("timeout_s = 3", "timeout_s = 5000000000");
        let err = Scenario::parse("big.toml", &text).unwrap_err();
        assert_eq!(
            err.errors[0].message,
            "must be a whole number of seconds from 1 to 900 (got 5000000000, which is too large) — L-TIMEOUT"
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
