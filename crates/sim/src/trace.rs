//! The trace: the only channel from the simulation to anything that shows it.
//!
//! A closed enum of past-tense facts. Every message that moves is a [`Trace::Sent`] carrying its
//! departure (`TraceEvent::at`) and arrival (`arrives`), so a drawing can place it at any instant
//! by interpolation; everything else is a state change of a node or an invocation. The view model
//! ([`crate::scene`]), the report ([`crate::report`]), the narration ([`crate::narrate`]) and the
//! app are all folds over this list.

use serde::Serialize;

use crate::time::SimTime;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl crate::idmap::IdKey for $name {
            fn id(self) -> u32 {
                self.0
            }
        }
    };
}
id_type!(
    /// One delivery of an event to Lambda (a duplicate delivery is a second invocation of the same event).
    InvocationId
);
id_type!(
    /// A logical event produced by a source (an upload, a request, a message).
    EventId
);
id_type!(
    /// An execution environment of the function.
    EnvId
);
id_type!(
    /// A message moving along an edge of the diagram.
    TokenId
);
id_type!(
    /// A box of the diagram; index into [`crate::topology::Topology::nodes`].
    NodeId
);

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// When it happened (for `Sent`: when the message left).
    pub at: SimTime,
    #[serde(flatten)]
    pub kind: Trace,
}

/// What a moving message is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// A request from a synchronous caller (client, viewer, your code) to its front door.
    Request,
    /// An Invoke call reaching Lambda. `try_no` counts caller-side sends (SDK retries, re-sends).
    Invoke { try_no: u32 },
    /// The answer to a synchronous caller; `status` is what it sees.
    Response { status: u16, error: Option<String> },
    /// The 202 "accepted" an asynchronous caller gets back.
    Accepted,
    /// A source handing an event to Lambda's internal queue (S3, SNS, EventBridge, Event invoke).
    Event,
    /// A delivery attempt that could not reach Lambda and bounces back to the source.
    DeliveryAttempt { try_no: u32 },
    /// The internal queue handing the event to the function for an attempt.
    Attempt { attempt: u32 },
    /// A failed attempt's event returning to the internal queue to wait for its retry.
    RetryWait { attempt: u32 },
    /// An invocation record (on-success / on-failure destination) or the original event (DLQ).
    Record {
        target: FailureTargetKind,
        success: bool,
    },
    /// A batch of messages or records: the poll's result (queue or shard → event source mapping),
    /// then the synchronous Invoke that carries it (mapping → function). `try_no` counts re-sends
    /// of the same batch after throttles. One token drawn as a group of `items`.
    Batch {
        items: Vec<InvocationId>,
        try_no: u32,
    },
    /// The mapping deleting a batch's processed messages from the queue (L-SQS-CFG).
    DeleteMessages { items: Vec<InvocationId> },
    /// SQS moving a message to the queue's dead-letter queue (redrive policy, L-SQS-CFG).
    ToDeadLetterQueue,
    /// A stream mapping's on-failure record: metadata about the discarded records, plus the
    /// payload when the destination is S3 (L-KIN-FAIL).
    FailureRecord {
        condition: FailureCondition,
        records: u32,
        with_payload: bool,
    },
    /// The function handing a Step Functions task token to the worker that will answer.
    TaskToken,
    /// The worker calling Step Functions with the token (SFN-HB).
    Callback { callback: CallbackKind },
}

/// What a task-token worker tells Step Functions (SFN-HB [D]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum CallbackKind {
    /// SendTaskHeartbeat: resets the HeartbeatSeconds clock.
    Heartbeat,
    /// SendTaskSuccess: the state succeeds.
    Success,
    /// SendTaskFailure with an error name.
    Failure { error: String },
}

/// Why an event source mapping changed how many batches it runs at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleReason {
    /// Where a mapping starts: 5 concurrent batches when messages appear (L-SQS-SCALE).
    Initial,
    /// Messages keep waiting: up to 300 more per minute (L-SQS-SCALE).
    Backlog,
    /// The queue is empty: back to the initial concurrency (L-SQS-SCALE).
    Idle,
    /// A batch failed with a function error: Lambda backs off (L-SQS-ERR).
    FunctionError,
    /// A batch was throttled: Lambda backs off (L-SQS-ERR).
    Throttled,
}

/// One message or record of a polled batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BatchItem {
    pub inv: InvocationId,
    /// Its event number: what `poison_items` and the narration ("message #7") call it.
    pub event: EventId,
    /// SQS: the message's receive count with this receive; streams: how many times the record
    /// has now been delivered to the function.
    pub delivery: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureTargetKind {
    /// Lambda's legacy dead-letter queue: receives the original event (L-ASYNC-REC).
    DeadLetterQueue,
    /// A destination: receives an invocation record (request + response) (L-ASYNC-REC).
    Destination,
    /// A source's own DLQ for events it could not deliver: EventBridge's target DLQ
    /// (EB-RETRY), an SNS subscription's redrive DLQ (SNS-RETRY).
    DeliveryDlq,
}

/// How one run of the handler ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AttemptOutcome {
    Succeeded,
    /// The handler threw `error_type` (`FunctionError: Handled`, L-INVOKE).
    FunctionError {
        error_type: String,
    },
    /// The function ran into its timeout (`FunctionError: Unhandled`, L-INVOKE / L-TIMEOUT).
    TimedOut,
    /// The response exceeded a size limit (Lambda@Edge generated-response limit, CF-QUOTA).
    ResponseTooLarge {
        limit_bytes: u64,
    },
}
impl AttemptOutcome {
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Succeeded)
    }
    /// The error type a caller or Step Functions sees.
    pub fn error_name(&self) -> Option<String> {
        match self {
            AttemptOutcome::Succeeded => None,
            AttemptOutcome::FunctionError { error_type } => Some(error_type.clone()),
            AttemptOutcome::TimedOut => Some("Task timed out".into()),
            AttemptOutcome::ResponseTooLarge { .. } => Some("ResponseTooLarge".into()),
        }
    }
}

/// Why Lambda refused to run the function (L-THROTTLE-EXC [D], L-SCALING [D]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ThrottleReason {
    /// Account concurrency is used up.
    ConcurrentInvocationLimitExceeded,
    /// The function's reserved concurrency is used up (or is 0).
    ReservedFunctionConcurrentInvocationLimitExceeded,
    /// No new environment may be created yet: the 1,000-per-10-s scaling rate is spent. The
    /// sheet documents the 429 (L-SCALING); we report it under the rate-limit reason.
    FunctionInvocationRateLimitExceeded,
}
impl ThrottleReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleReason::ConcurrentInvocationLimitExceeded => {
                "ConcurrentInvocationLimitExceeded"
            }
            ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded => {
                "ReservedFunctionConcurrentInvocationLimitExceeded"
            }
            ThrottleReason::FunctionInvocationRateLimitExceeded => {
                "FunctionInvocationRateLimitExceeded"
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryReason {
    /// The handler failed; consumes one of `maximum_retry_attempts` (L-ASYNC-ERR).
    FunctionError,
    /// Lambda throttled the attempt; backoff, does not consume a retry (L-ASYNC-ERR).
    Throttled,
    /// SDK retry of a throttled synchronous call (SDK-RETRY).
    SdkThrottleRetry,
    /// A source's delivery policy retrying after Lambda could not be reached (SNS-RETRY, EB-RETRY).
    DeliveryFailed,
    /// The client gave up waiting and re-sent (CLI-TIMEOUT).
    ClientReadTimeout,
    /// An event source mapping re-invokes a throttled batch with backoff; no retry is used up
    /// (L-SQS-ERR, L-KIN-FAIL).
    EsmThrottled,
    /// A stream batch failed and is retried whole while its shard waits (L-RETRIES, L-KIN).
    StreamBatchFailed,
    /// A Step Functions retrier matched the error (SFN-ERR).
    StateRetry,
}

/// Why an asynchronous event ended up failed (`requestContext.condition`, L-ASYNC-REC [D]; the
/// last two are named as LocalStack names them, §9.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FailureCondition {
    RetriesExhausted,
    EventAgeExceeded,
    ZeroReservedConcurrency,
    /// EventBridge could not deliver the event to Lambda within its retry policy (EB-RETRY).
    DeliveryRetriesExhausted,
    /// A stream batch failed `maximum_retry_attempts` retries (L-KIN-FAIL [D]).
    RetryAttemptsExhausted,
    /// A stream record passed `maximum_record_age_s` (named as LocalStack names it, §9.5).
    RecordAgeExceeded,
}
impl FailureCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCondition::RetriesExhausted => "RetriesExhausted",
            FailureCondition::EventAgeExceeded => "EventAgeExceeded",
            FailureCondition::ZeroReservedConcurrency => "ZeroReservedConcurrency",
            FailureCondition::DeliveryRetriesExhausted => "DeliveryRetriesExhausted",
            FailureCondition::RetryAttemptsExhausted => "RetryAttemptsExhausted",
            FailureCondition::RecordAgeExceeded => "RecordAgeExceeded",
        }
    }
}

/// Where an invocation ended: a closed set, documented in the README's report section.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum Disposition {
    /// The function succeeded. `status` is what a synchronous caller saw; `destination` is the
    /// on-success destination that received the record, if any.
    Succeeded {
        status: Option<u16>,
        destination: Option<String>,
    },
    /// A synchronous caller received an error (502, 500, 504, 429, 413, 200 + FunctionError, ...).
    ErrorReturned { status: u16, error: String },
    /// An asynchronous event failed and was sent to a DLQ and/or an on-failure destination.
    SentToFailureTarget {
        condition: FailureCondition,
        targets: Vec<String>,
        approximate_invoke_count: u32,
    },
    /// Failed with nowhere to go: dropped (L-ASYNC-REC: without a DLQ or destination the event is discarded).
    Discarded {
        condition: FailureCondition,
        approximate_invoke_count: u32,
    },
    /// SQS: the mapping deleted the message after its batch succeeded (L-SQS-CFG). With
    /// `failure_ignored`, the function had reported it failed but ReportBatchItemFailures was off,
    /// so the report was ignored and the message lost (L-PBR).
    Deleted {
        receive_count: u32,
        failure_ignored: bool,
    },
    /// SQS moved the message to the queue's dead-letter queue: its receive count reached the
    /// redrive policy's `max_receive_count` (L-SQS-CFG).
    MovedToDlq { dlq: String, receive_count: u32 },
    /// A stream record the mapping's checkpoint passed after a successful batch.
    Processed { deliveries: u32 },
    /// Gone before it was processed: past the stream's retention (KDS-RET, L-KIN-FAIL) or the
    /// queue's message retention period (SQS-API).
    Expired { age_ms: u64 },
    /// A stream record the mapping never read: written before its LATEST / AT_TIMESTAMP start
    /// (L-DDB, L-KIN-PARAM).
    NotRead { starting_position: String },
    /// Step Functions: the task's error was caught and the execution went on at `next` (SFN-ERR).
    Caught {
        error: String,
        state: String,
        next: String,
    },
    /// Step Functions stopped waiting for this Lambda call (its branch was stopped, or the task
    /// timed out); the invocation itself keeps running (SFN-PAR).
    Abandoned { reason: String },
    /// Step Functions: the execution failed with `error` raised in `state` (SFN-ERR).
    ExecutionFailed { error: String, state: String },
}
impl Disposition {
    pub fn label(&self) -> &'static str {
        match self {
            Disposition::Succeeded { .. } => "succeeded",
            Disposition::ErrorReturned { .. } => "error_returned",
            Disposition::SentToFailureTarget { .. } => "sent_to_failure_target",
            Disposition::Discarded { .. } => "discarded",
            Disposition::Deleted { .. } => "deleted",
            Disposition::MovedToDlq { .. } => "moved_to_dlq",
            Disposition::Processed { .. } => "processed",
            Disposition::Expired { .. } => "expired",
            Disposition::NotRead { .. } => "not_read",
            Disposition::Caught { .. } => "caught",
            Disposition::Abandoned { .. } => "abandoned",
            Disposition::ExecutionFailed { .. } => "execution_failed",
        }
    }
}

/// An intervention, applied at the current instant without advancing time.
/// (Lessons read it from TOML by hand: `lesson.rs`.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// The next handler run throws.
    FailNextAttempt,
    /// The next handler run times out.
    TimeOutNextAttempt,
    /// Every invoke is throttled for `for_ms`.
    Throttle { for_ms: u64 },
    /// Handler runs take `factor` times longer for `for_ms`.
    SlowDown { factor: u32, for_ms: u64 },
    /// The source with this id produces one more event now.
    Publish { source: String },
}

/// The closed set of things that happen.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trace {
    /// A source produced a new event (or a duplicate of one).
    EventCreated {
        inv: InvocationId,
        event: EventId,
        source: NodeId,
        duplicate: bool,
        payload_bytes: u64,
    },
    /// A message left `from` and will reach `to` at `arrives`.
    Sent {
        token: TokenId,
        inv: InvocationId,
        from: NodeId,
        to: NodeId,
        arrives: SimTime,
        message: Message,
    },
    /// An event entered Lambda's internal queue (`depth` after it).
    Enqueued {
        inv: InvocationId,
        queue: NodeId,
        depth: u32,
    },
    /// An event left the internal queue for an attempt or a failure target (`depth` after it).
    Dequeued {
        inv: InvocationId,
        queue: NodeId,
        depth: u32,
    },
    /// A new execution environment (cold) or a provisioned one (ready at once).
    EnvironmentCreated { env: EnvId, provisioned: bool },
    /// The handler started running on `env`; with `cold`, Init runs until `init_ends` first.
    AttemptStarted {
        inv: InvocationId,
        attempt: u32,
        env: EnvId,
        cold: bool,
        init_ends: SimTime,
        ends: SimTime,
    },
    /// The handler finished (or was cut off by the timeout).
    AttemptFinished {
        inv: InvocationId,
        attempt: u32,
        env: EnvId,
        outcome: AttemptOutcome,
    },
    /// Lambda refused the invoke with 429; the function did not run.
    Throttled {
        inv: InvocationId,
        reason: ThrottleReason,
    },
    /// Lambda refused the invoke because the payload is too large (413 RequestTooLargeException).
    PayloadRejected {
        inv: InvocationId,
        bytes: u64,
        limit: u64,
    },
    /// Someone will try again at `due`.
    RetryScheduled {
        inv: InvocationId,
        next_try: u32,
        due: SimTime,
        reason: RetryReason,
    },
    /// A synchronous front door stopped waiting (API Gateway's integration timeout); the function
    /// keeps running (APIGW-504).
    CallerGaveUp {
        inv: InvocationId,
        caller: NodeId,
        waited_ms: u64,
    },
    /// A source could not hand the event to Lambda (Lambda unreachable from SNS/EventBridge).
    DeliveryFailed {
        inv: InvocationId,
        source: NodeId,
        try_no: u32,
    },
    /// Final word on an invocation.
    Disposed {
        inv: InvocationId,
        disposition: Disposition,
    },
    /// An intervention took effect.
    InputApplied { input: Input },
    /// A message or record landed in its queue or shard (`node`), with its FIFO message group or
    /// partition key and its sequence number (the event number).
    Stored {
        inv: InvocationId,
        node: NodeId,
        key: Option<String>,
        sequence: u64,
    },
    /// An event source mapping took a batch from a queue or shard (`from`) as invocation `batch`.
    /// For streams, `iterator_age_ms` is how long the batch's last record waited (L-RETRIES).
    BatchPolled {
        batch: InvocationId,
        esm: NodeId,
        from: NodeId,
        items: Vec<BatchItem>,
        iterator_age_ms: Option<u64>,
    },
    /// The function returned `batchItemFailures`; `honoured` is false when ReportBatchItemFailures
    /// is off and the list is ignored (L-SQS-ERR, L-PBR).
    ItemFailuresReported {
        batch: InvocationId,
        items: Vec<BatchItem>,
        honoured: bool,
    },
    /// A received message's visibility timeout ran out before it was deleted: it is back in the
    /// queue (L-SQS-CFG).
    VisibleAgain {
        inv: InvocationId,
        event: EventId,
        queue: NodeId,
        receive_count: u32,
    },
    /// A stream batch failed; its shard (or, with a parallelization factor, its keys) waits for it
    /// (L-RETRIES, L-KIN).
    ShardBlocked { shard: NodeId, batch: InvocationId },
    /// A failed stream batch was split in two; the halves are retried without using a retry
    /// (L-KIN-PARAM, L-KIN-FAIL).
    BatchBisected {
        batch: InvocationId,
        first: Vec<InvocationId>,
        second: Vec<InvocationId>,
    },
    /// The mapping's checkpoint in a shard moved past `sequence` (`records` processed, given up
    /// on, or expired). `blocked`: a failed batch still holds the shard (or its keys) up.
    CheckpointAdvanced {
        shard: NodeId,
        sequence: u64,
        records: u32,
        blocked: bool,
    },
    /// An event source mapping now runs up to `concurrency` batches at once.
    PollersScaled {
        esm: NodeId,
        concurrency: u32,
        reason: ScaleReason,
    },
    /// A read of a DynamoDB stream shard was throttled: more readers than the limit (L-DDB).
    ReadThrottled {
        shard: NodeId,
        readers: u32,
        limit: u32,
    },
    /// A Step Functions execution entered a state (`item`: the Map item it works on).
    StateEntered {
        exec: InvocationId,
        state: NodeId,
        item: Option<u32>,
    },
    /// An execution left a state, successfully or with `error`.
    StateExited {
        exec: InvocationId,
        state: NodeId,
        error: Option<String>,
    },
    /// A Catch matched `error` in `state`; the execution goes on at `next` (SFN-ERR).
    Caught {
        exec: InvocationId,
        state: NodeId,
        error: String,
        next: NodeId,
        result_path: String,
    },
    /// A task-token worker called Step Functions (SFN-HB).
    CallbackReceived {
        exec: InvocationId,
        state: NodeId,
        callback: CallbackKind,
    },
}

impl Trace {
    /// The invocation this entry is about, if any.
    pub fn invocation(&self) -> Option<InvocationId> {
        match self {
            Trace::EventCreated { inv, .. }
            | Trace::Sent { inv, .. }
            | Trace::Enqueued { inv, .. }
            | Trace::Dequeued { inv, .. }
            | Trace::AttemptStarted { inv, .. }
            | Trace::AttemptFinished { inv, .. }
            | Trace::Throttled { inv, .. }
            | Trace::PayloadRejected { inv, .. }
            | Trace::RetryScheduled { inv, .. }
            | Trace::CallerGaveUp { inv, .. }
            | Trace::DeliveryFailed { inv, .. }
            | Trace::Disposed { inv, .. }
            | Trace::Stored { inv, .. }
            | Trace::VisibleAgain { inv, .. } => Some(*inv),
            Trace::BatchPolled { batch, .. }
            | Trace::ItemFailuresReported { batch, .. }
            | Trace::ShardBlocked { batch, .. }
            | Trace::BatchBisected { batch, .. } => Some(*batch),
            Trace::StateEntered { exec, .. }
            | Trace::StateExited { exec, .. }
            | Trace::Caught { exec, .. }
            | Trace::CallbackReceived { exec, .. } => Some(*exec),
            Trace::EnvironmentCreated { .. }
            | Trace::InputApplied { .. }
            | Trace::CheckpointAdvanced { .. }
            | Trace::PollersScaled { .. }
            | Trace::ReadThrottled { .. } => None,
        }
    }
}

/// Declares [`TraceKind`] and the kind's name, index and list from one list of `Variant =>
/// "name"` pairs, so the three cannot disagree; `Trace::kind`'s match is exhaustive, so a new
/// trace variant does not compile until it is listed here.
macro_rules! trace_kinds {
    ($($v:ident => $name:literal,)*) => {
        /// A trace event's kind without its fields (aggregate counters index by it).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum TraceKind {
            $($v,)*
        }

        impl Trace {
            /// Number of kinds (the length of [`Trace::KIND_NAMES`] and of
            /// [`crate::Totals::by_kind`]). Serde and `Default` cover arrays up to 32, so the
            /// enum stays at or below 32 kinds.
            pub const KIND_COUNT: usize = [$($name,)*].len();
            /// Each kind's snake_case name, indexed by [`Trace::kind_index`]: serde's tag for
            /// it in the trace JSON, and the word lessons use (`until = { event = "..." }`).
            pub const KIND_NAMES: [&'static str; Trace::KIND_COUNT] = [$($name,)*];

            /// The kind of this entry.
            pub fn kind(&self) -> TraceKind {
                match self {
                    $(Trace::$v { .. } => TraceKind::$v,)*
                }
            }
        }
    };
}

trace_kinds! {
    EventCreated => "event_created",
    Sent => "sent",
    Enqueued => "enqueued",
    Dequeued => "dequeued",
    EnvironmentCreated => "environment_created",
    AttemptStarted => "attempt_started",
    AttemptFinished => "attempt_finished",
    Throttled => "throttled",
    PayloadRejected => "payload_rejected",
    RetryScheduled => "retry_scheduled",
    CallerGaveUp => "caller_gave_up",
    DeliveryFailed => "delivery_failed",
    Disposed => "disposed",
    InputApplied => "input_applied",
    Stored => "stored",
    BatchPolled => "batch_polled",
    ItemFailuresReported => "item_failures_reported",
    VisibleAgain => "visible_again",
    ShardBlocked => "shard_blocked",
    BatchBisected => "batch_bisected",
    CheckpointAdvanced => "checkpoint_advanced",
    PollersScaled => "pollers_scaled",
    ReadThrottled => "read_throttled",
    StateEntered => "state_entered",
    StateExited => "state_exited",
    Caught => "caught",
    CallbackReceived => "callback_received",
}

impl Trace {
    /// Index of the kind, for aggregate counters: its place in [`Trace::KIND_NAMES`].
    pub fn kind_index(&self) -> usize {
        self.kind() as usize
    }

    /// Short snake_case name of the kind (lesson conditions, aggregates, filters).
    pub fn kind_name(&self) -> &'static str {
        Trace::KIND_NAMES[self.kind_index()]
    }
}
