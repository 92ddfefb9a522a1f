//! Synchronous invocation (RequestResponse): API Gateway, CloudFront Lambda@Edge, your code.
//!
//! ```text
//!  caller ──request──▶ front door ──Invoke──▶ Lambda ──run──▶ answer ──▶ front door ──status──▶ caller
//! ```
//! * Lambda never retries a synchronous invocation; the caller decides (L-RETRIES [D]).
//! * API Gateway does not retry either (L-APIGW-ERR [D]). It answers 502 when the function ran and
//!   failed, 500 when Lambda rejected the invoke (throttle 429, or 413) (L-APIGW-ERR [D],
//!   APIGW-RP429 [S]), and 504 when its integration timeout passes first — while the function keeps
//!   running until it finishes or hits its own timeout (APIGW-504 [S]).
//! * CloudFront calls Lambda@Edge in line with the viewer's request and does not retry (§7, [U]);
//!   the trigger's duration limit caps the function (CF-CHOOSE [D]) and so does the
//!   generated-response size limit (CF-QUOTA [D]). The viewer's status depends on the kind of
//!   failure (§7, CF-ERR [D]): the function threw → 503; throttled or timed out → 503; an
//!   oversized generated response → 502 (a parameter: AMPLIFY reports 503 [S]).
//! * Your code: Invoke answers 200 even when the function failed, with `FunctionError`
//!   (L-INVOKE [D]); the SDK does not retry that, but retries a 429 up to `sdk_max_attempts` in
//!   total with jittered exponential backoff (SDK-RETRY [D]). A client read timeout re-sends the
//!   call while the first is still running, so the handler runs twice (CLI-TIMEOUT [S]).
//! * Payloads over 6 MB are refused with 413 RequestTooLargeException (L-INVOKE [D]).

use crate::scenario::{CustomSource, Source};
use crate::trace::{AttemptOutcome, Disposition, InvocationId, Message, RetryReason, Trace};
use crate::world::{Leg, Sim, Timer};

/// Synchronous request/response payload limit: 6 MB (L-INVOKE [D]).
pub const SYNC_PAYLOAD_LIMIT: u64 = 6 * 1024 * 1024;

/// How a handler run failed, as far as CloudFront tells the viewer apart (§7, CF-ERR [D]): a thrown
/// error is a "Lambda execution error", a timeout (like a throttle) "Lambda limit exceeded", an
/// oversized generated response a "Lambda validation error".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EdgeFailure {
    Threw,
    LimitExceeded,
    InvalidResponse,
}

impl EdgeFailure {
    pub(crate) fn of(outcome: &AttemptOutcome) -> Option<EdgeFailure> {
        match outcome {
            AttemptOutcome::Succeeded => None,
            AttemptOutcome::FunctionError { .. } => Some(EdgeFailure::Threw),
            AttemptOutcome::TimedOut => Some(EdgeFailure::LimitExceeded),
            AttemptOutcome::ResponseTooLarge { .. } => Some(EdgeFailure::InvalidResponse),
        }
    }
}

/// Invoke's own answer for a finished run: 200 with or without FunctionError (L-INVOKE [D]).
pub(crate) fn invoke_error(outcome: &AttemptOutcome) -> Option<String> {
    match outcome {
        AttemptOutcome::Succeeded => None,
        AttemptOutcome::FunctionError { error_type } => {
            Some(format!("FunctionError: Handled ({error_type})"))
        }
        AttemptOutcome::TimedOut => Some("FunctionError: Unhandled (Task timed out)".into()),
        AttemptOutcome::ResponseTooLarge { limit_bytes } => Some(format!(
            "response exceeds the {limit_bytes}-byte Lambda@Edge limit"
        )),
    }
}

impl Sim {
    fn source_of(&self, inv: InvocationId) -> Option<usize> {
        self.invocations.get(&inv).map(|s| s.source)
    }

    /// The caller's request reached API Gateway or CloudFront.
    pub(crate) fn sync_at_front_door(&mut self, inv: InvocationId) {
        let Some(source) = self.source_of(inv) else {
            return;
        };
        if let Some(t) = self.scenario.file.sources[source].integration_timeout_ms() {
            self.schedule(self.now.plus(t), inv, Timer::IntegrationTimeout);
        }
        self.sync_send_invoke(inv, 1);
    }

    /// The front door (or your code) sends Invoke number `try_no`.
    pub(crate) fn sync_send_invoke(&mut self, inv: InvocationId, try_no: u32) {
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        if state.disposed {
            return;
        }
        state.tries = try_no;
        state.awaiting_try = try_no;
        let source = state.source;
        if let Source::Custom(CustomSource {
            read_timeout_ms: Some(rt),
            ..
        }) = &self.scenario.file.sources[source]
        {
            let at = self.now.plus(*rt);
            self.schedule(at, inv, Timer::ReadTimeout { try_no });
        }
        let from = self.topo.sources[source].0;
        self.send(
            inv,
            from,
            self.topo.function,
            Message::Invoke { try_no },
            Leg::AtFunction { try_no },
        );
    }

    /// An Invoke reached Lambda: refuse it (413, 429) or run the handler.
    pub(crate) fn sync_at_function(&mut self, inv: InvocationId, try_no: u32) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        let (source, bytes) = (state.source, state.payload_bytes);
        if bytes > SYNC_PAYLOAD_LIMIT {
            self.emit(Trace::PayloadRejected {
                inv,
                bytes,
                limit: SYNC_PAYLOAD_LIMIT,
            });
            self.sync_answer(
                inv,
                try_no,
                413,
                Some("RequestTooLargeException".into()),
                None,
            );
            return;
        }
        let (timeout_ms, response_limit) = self.sync_limits(source);
        if let Err(reason) = self.start_attempt(inv, try_no, timeout_ms, response_limit) {
            self.sync_answer(
                inv,
                try_no,
                429,
                Some(format!("TooManyRequestsException: {}", reason.as_str())),
                Some(EdgeFailure::LimitExceeded),
            );
        }
    }

    /// Effective timeout and generated-response limit for a source's invokes.
    fn sync_limits(&self, source: usize) -> (u64, Option<u64>) {
        let fn_timeout = self.function_timeout_ms();
        match &self.scenario.file.sources[source] {
            Source::Cloudfront(cf) => {
                let (limit_s, resp) = if cf.trigger.is_viewer() {
                    (cf.viewer_timeout_s, cf.viewer_response_limit_bytes)
                } else {
                    (cf.origin_timeout_s, cf.origin_response_limit_bytes)
                };
                (fn_timeout.min(limit_s as u64 * 1000), Some(resp))
            }
            _ => (fn_timeout, None),
        }
    }

    /// A handler run of a synchronous invocation ended: Lambda answers whoever sent the Invoke
    /// (200, with `error` as the FunctionError when the run failed).
    pub(crate) fn sync_attempt_end(
        &mut self,
        inv: InvocationId,
        try_no: u32,
        error: Option<String>,
        failure: Option<EdgeFailure>,
    ) {
        self.sync_answer(inv, try_no, 200, error, failure);
    }

    /// Lambda's answer leaves the function for the front door, or straight for your code.
    fn sync_answer(
        &mut self,
        inv: InvocationId,
        try_no: u32,
        status: u16,
        error: Option<String>,
        failure: Option<EdgeFailure>,
    ) {
        let Some(source) = self.source_of(inv) else {
            return;
        };
        let (node, caller) = self.topo.sources[source];
        let message = Message::Response {
            status,
            error: error.clone(),
        };
        match caller {
            Some(_) => self.send(
                inv,
                self.topo.function,
                node,
                message,
                Leg::AnswerAtFrontDoor {
                    try_no,
                    status,
                    error,
                    failure,
                },
            ),
            None => self.send(
                inv,
                self.topo.function,
                node,
                message,
                Leg::AtCaller {
                    try_no,
                    status,
                    error,
                },
            ),
        };
    }

    /// Lambda's answer reached API Gateway / CloudFront, which maps it to what the caller sees.
    pub(crate) fn sync_answer_at_front_door(
        &mut self,
        inv: InvocationId,
        try_no: u32,
        status: u16,
        error: Option<String>,
        failure: Option<EdgeFailure>,
    ) {
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        if state.answered {
            // API Gateway already answered 504; the late result goes nowhere (APIGW-504).
            return;
        }
        state.answered = true;
        let source = state.source;
        let (seen, err) = match &self.scenario.file.sources[source] {
            Source::ApiGateway(_) => match (status, &error) {
                // Lambda rejected the invoke → 500 (L-APIGW-ERR [D], APIGW-RP429 [S]).
                (429 | 413, _) => (
                    500,
                    Some(format!(
                        "Internal server error ({})",
                        error.clone().unwrap_or_default()
                    )),
                ),
                // The function ran and failed → 502 (L-APIGW-ERR [D]).
                (_, Some(e)) => (502, Some(format!("Internal server error ({e})"))),
                _ => (200, None),
            },
            // By kind of failure (§7, CF-ERR [D]): throttled or timed out → "Lambda limit
            // exceeded"; threw → "Lambda execution error"; oversized response → "Lambda
            // validation error".
            Source::Cloudfront(cf) => match (status, &error, failure) {
                (429, _, _) | (_, Some(_), Some(EdgeFailure::LimitExceeded)) => {
                    (cf.throttle_status, error.clone())
                }
                (_, Some(_), Some(EdgeFailure::InvalidResponse)) => {
                    (cf.oversized_response_status, error.clone())
                }
                (_, Some(_), Some(EdgeFailure::Threw) | None) => (cf.error_status, error.clone()),
                (_, None, _) => (200, None),
            },
            _ => (status, error.clone()),
        };
        let (node, caller) = self.topo.sources[source];
        let caller = caller.expect("front doors have callers");
        self.send(
            inv,
            node,
            caller,
            Message::Response {
                status: seen,
                error: err.clone(),
            },
            Leg::AtCaller {
                try_no,
                status: seen,
                error: err,
            },
        );
    }

    /// API Gateway stops waiting (its integration timeout) and answers 504.
    pub(crate) fn sync_integration_timeout(&mut self, inv: InvocationId) {
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        if state.answered || state.disposed {
            return;
        }
        state.answered = true;
        let source = state.source;
        let waited_ms = self.scenario.file.sources[source]
            .integration_timeout_ms()
            .unwrap_or(0);
        let (node, caller) = self.topo.sources[source];
        let caller = caller.expect("front doors have callers");
        self.emit(Trace::CallerGaveUp {
            inv,
            caller: node,
            waited_ms,
        });
        let error = Some("Endpoint request timed out".to_string());
        let try_no = self
            .invocations
            .get(&inv)
            .map(|s| s.awaiting_try)
            .unwrap_or(1);
        self.send(
            inv,
            node,
            caller,
            Message::Response {
                status: 504,
                error: error.clone(),
            },
            Leg::AtCaller {
                try_no,
                status: 504,
                error,
            },
        );
    }

    /// Your code's read timeout for send `try_no` passed: re-send (a second run) or give up.
    pub(crate) fn sync_read_timeout(&mut self, inv: InvocationId, try_no: u32) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        if state.disposed || state.awaiting_try != try_no {
            return;
        }
        let source = state.source;
        let (max, rt) = match &self.scenario.file.sources[source] {
            Source::Custom(c) => (c.sdk_max_attempts, c.read_timeout_ms.unwrap_or(0)),
            _ => (1, 0),
        };
        if try_no < max {
            self.emit(Trace::RetryScheduled {
                inv,
                next_try: try_no + 1,
                due: self.now,
                reason: RetryReason::ClientReadTimeout,
            });
            self.sync_send_invoke(inv, try_no + 1);
        } else {
            // Status 0: the client has no HTTP answer at all.
            self.dispose(
                inv,
                Disposition::ErrorReturned {
                    status: 0,
                    error: format!("ReadTimeout: no answer within {rt} ms"),
                },
            );
        }
    }

    /// The final answer reached the caller (or Lambda's answer reached your code).
    pub(crate) fn sync_at_caller(
        &mut self,
        inv: InvocationId,
        try_no: u32,
        status: u16,
        error: Option<String>,
    ) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        if state.disposed || state.awaiting_try != try_no {
            // An answer to a send the client already abandoned (read timeout): ignored.
            return;
        }
        let source = state.source;
        // The three numbers, not a clone of the source (its strings): this runs for every answer,
        // and an allocation costs the wasm build more than native (issue 16: sync-throttle).
        if let Source::Custom(CustomSource {
            sdk_max_attempts,
            sdk_backoff_base_ms,
            sdk_max_backoff_ms,
            ..
        }) = self.scenario.file.sources[source]
        {
            if status == 429 && try_no < sdk_max_attempts {
                // SDK standard mode: random 0…min(max, base·2^(n−1)) (SDK-RETRY [D]; numbers [U]).
                let cap = sdk_max_backoff_ms
                    .min(sdk_backoff_base_ms.saturating_mul(1u64 << (try_no - 1).min(20)));
                let delay = self.rng_sources[source].range_inclusive(0, cap);
                let due = self.now.plus(delay);
                if let Some(s) = self.invocations.get_mut(&inv) {
                    s.awaiting_try = try_no + 1;
                }
                self.emit(Trace::RetryScheduled {
                    inv,
                    next_try: try_no + 1,
                    due,
                    reason: RetryReason::SdkThrottleRetry,
                });
                self.schedule(due, inv, Timer::SdkRetry { try_no: try_no + 1 });
                return;
            }
        }
        let disposition = match (status, error) {
            (200, None) => Disposition::Succeeded {
                status: Some(200),
                destination: None,
            },
            (s, e) => Disposition::ErrorReturned {
                status: s,
                error: e.unwrap_or_default(),
            },
        };
        self.dispose(inv, disposition);
    }
}
