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
    Record { target: FailureTargetKind, success: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureTargetKind {
    /// Lambda's legacy dead-letter queue: receives the original event (L-ASYNC-REC).
    DeadLetterQueue,
    /// A destination: receives an invocation record (request + response) (L-ASYNC-REC).
    Destination,
    /// EventBridge's own target DLQ for events it could not deliver (EB-RETRY).
    EventBridgeDlq,
}

/// How one run of the handler ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum AttemptOutcome {
    Succeeded,
    /// The handler threw `error_type` (`FunctionError: Handled`, L-INVOKE).
    FunctionError { error_type: String },
    /// The function ran into its timeout (`FunctionError: Unhandled`, L-INVOKE / L-TIMEOUT).
    TimedOut,
    /// The response exceeded a size limit (Lambda@Edge generated-response limit, CF-QUOTA).
    ResponseTooLarge { limit_bytes: u64 },
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
            ThrottleReason::ConcurrentInvocationLimitExceeded => "ConcurrentInvocationLimitExceeded",
            ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded => "ReservedFunctionConcurrentInvocationLimitExceeded",
            ThrottleReason::FunctionInvocationRateLimitExceeded => "FunctionInvocationRateLimitExceeded",
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
}
impl FailureCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCondition::RetriesExhausted => "RetriesExhausted",
            FailureCondition::EventAgeExceeded => "EventAgeExceeded",
            FailureCondition::ZeroReservedConcurrency => "ZeroReservedConcurrency",
            FailureCondition::DeliveryRetriesExhausted => "DeliveryRetriesExhausted",
        }
    }
}

/// Where an invocation ended: a closed set, documented in the README's report section.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum Disposition {
    /// The function succeeded. `status` is what a synchronous caller saw; `destination` is the
    /// on-success destination that received the record, if any.
    Succeeded { status: Option<u16>, destination: Option<String> },
    /// A synchronous caller received an error (502, 500, 504, 429, 413, 200 + FunctionError, ...).
    ErrorReturned { status: u16, error: String },
    /// An asynchronous event failed and was sent to a DLQ and/or an on-failure destination.
    SentToFailureTarget { condition: FailureCondition, targets: Vec<String>, approximate_invoke_count: u32 },
    /// Failed with nowhere to go: dropped (L-ASYNC-REC: without a DLQ or destination the event is discarded).
    Discarded { condition: FailureCondition, approximate_invoke_count: u32 },
}
impl Disposition {
    pub fn label(&self) -> &'static str {
        match self {
            Disposition::Succeeded { .. } => "succeeded",
            Disposition::ErrorReturned { .. } => "error_returned",
            Disposition::SentToFailureTarget { .. } => "sent_to_failure_target",
            Disposition::Discarded { .. } => "discarded",
        }
    }
}

/// An intervention, applied at the current instant without advancing time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    EventCreated { inv: InvocationId, event: EventId, source: NodeId, duplicate: bool, payload_bytes: u64 },
    /// A message left `from` and will reach `to` at `arrives`.
    Sent { token: TokenId, inv: InvocationId, from: NodeId, to: NodeId, arrives: SimTime, message: Message },
    /// An event entered Lambda's internal queue (`depth` after it).
    Enqueued { inv: InvocationId, queue: NodeId, depth: u32 },
    /// An event left the internal queue for an attempt or a failure target (`depth` after it).
    Dequeued { inv: InvocationId, queue: NodeId, depth: u32 },
    /// A new execution environment (cold) or a provisioned one (ready at once).
    EnvironmentCreated { env: EnvId, provisioned: bool },
    /// The handler started running on `env`; with `cold`, Init runs until `init_ends` first.
    AttemptStarted { inv: InvocationId, attempt: u32, env: EnvId, cold: bool, init_ends: SimTime, ends: SimTime },
    /// The handler finished (or was cut off by the timeout).
    AttemptFinished { inv: InvocationId, attempt: u32, env: EnvId, outcome: AttemptOutcome },
    /// Lambda refused the invoke with 429; the function did not run.
    Throttled { inv: InvocationId, reason: ThrottleReason },
    /// Lambda refused the invoke because the payload is too large (413 RequestTooLargeException).
    PayloadRejected { inv: InvocationId, bytes: u64, limit: u64 },
    /// Someone will try again at `due`.
    RetryScheduled { inv: InvocationId, next_try: u32, due: SimTime, reason: RetryReason },
    /// A synchronous front door stopped waiting (API Gateway's integration timeout); the function
    /// keeps running (APIGW-504).
    CallerGaveUp { inv: InvocationId, caller: NodeId, waited_ms: u64 },
    /// A source could not hand the event to Lambda (Lambda unreachable from SNS/EventBridge).
    DeliveryFailed { inv: InvocationId, source: NodeId, try_no: u32 },
    /// Final word on an invocation.
    Disposed { inv: InvocationId, disposition: Disposition },
    /// An intervention took effect.
    InputApplied { input: Input },
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
            | Trace::Disposed { inv, .. } => Some(*inv),
            Trace::EnvironmentCreated { .. } | Trace::InputApplied { .. } => None,
        }
    }

    /// Short snake_case name of the kind (lesson conditions, aggregates, filters).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Trace::EventCreated { .. } => "event_created",
            Trace::Sent { .. } => "sent",
            Trace::Enqueued { .. } => "enqueued",
            Trace::Dequeued { .. } => "dequeued",
            Trace::EnvironmentCreated { .. } => "environment_created",
            Trace::AttemptStarted { .. } => "attempt_started",
            Trace::AttemptFinished { .. } => "attempt_finished",
            Trace::Throttled { .. } => "throttled",
            Trace::PayloadRejected { .. } => "payload_rejected",
            Trace::RetryScheduled { .. } => "retry_scheduled",
            Trace::CallerGaveUp { .. } => "caller_gave_up",
            Trace::DeliveryFailed { .. } => "delivery_failed",
            Trace::Disposed { .. } => "disposed",
            Trace::InputApplied { .. } => "input_applied",
        }
    }

    /// Index of the kind, for aggregate counters. Must match [`Trace::KIND_NAMES`].
    pub fn kind_index(&self) -> usize {
        match self {
            Trace::EventCreated { .. } => 0,
            Trace::Sent { .. } => 1,
            Trace::Enqueued { .. } => 2,
            Trace::Dequeued { .. } => 3,
            Trace::EnvironmentCreated { .. } => 4,
            Trace::AttemptStarted { .. } => 5,
            Trace::AttemptFinished { .. } => 6,
            Trace::Throttled { .. } => 7,
            Trace::PayloadRejected { .. } => 8,
            Trace::RetryScheduled { .. } => 9,
            Trace::CallerGaveUp { .. } => 10,
            Trace::DeliveryFailed { .. } => 11,
            Trace::Disposed { .. } => 12,
            Trace::InputApplied { .. } => 13,
        }
    }
    pub const KIND_NAMES: [&'static str; 14] = [
        "event_created",
        "sent",
        "enqueued",
        "dequeued",
        "environment_created",
        "attempt_started",
        "attempt_finished",
        "throttled",
        "payload_rejected",
        "retry_scheduled",
        "caller_gave_up",
        "delivery_failed",
        "disposed",
        "input_applied",
    ];
}
