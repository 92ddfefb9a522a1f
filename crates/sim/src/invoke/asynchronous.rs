//! Asynchronous invocation (InvocationType=Event): S3, SNS, EventBridge, your code.
//!
//! ```text
//!  source ──event──▶ [internal queue] ──attempt──▶ function ──ok──▶ on-success destination
//!                        ▲    │                        │
//!                        └────┴──── retry wait ◀───────┘ error / throttle
//!                             └──────────────────────────────▶ DLQ / on-failure destination
//! ```
//! * Invoke returns 202 once the event is queued (L-ASYNC [D], L-INVOKE [D]); payload limit 1 MB.
//! * Function errors are retried `maximum_retry_attempts` times (default 2), about 1 min then
//!   2 min apart (L-ASYNC-ERR [D]; exact delays are the `retry_delays_s` parameter, §9.6).
//! * Throttles and system errors go back to the queue with backoff from 1 s doubling to 5 min,
//!   not counted against the retries (L-ASYNC-ERR [D]).
//! * Nothing is attempted after `maximum_event_age_s` (L-ASYNC-CFG [D]). A retry that would fall
//!   after the maximum age fails the event at once with `EventAgeExceeded` (as LocalStack does, §8).
//! * A failed event goes to the on-failure destination (an invocation record) and/or the DLQ (the
//!   original event), with its condition and approximate invoke count; with neither it is
//!   discarded (L-ASYNC-REC [D]). An on-success destination receives a record on success.
//! * Reserved concurrency 0: events go straight to the failure targets, zero attempts (L-ASYNC-REC [D]).
//! * Delivery is at-least-once: S3 may notify twice (S3-NOTIF [D]), and the internal queue may
//!   deliver twice (L-ASYNC-ERR [D]); both rates are parameters ([U]).
//! * SNS and EventBridge apply their own delivery retries only while Lambda cannot be reached
//!   ([`crate::services`]).

use crate::scenario::Source;
use crate::services::{eventbridge, sns};
use crate::trace::{
    Disposition, FailureCondition, FailureTargetKind, InvocationId, Message, NodeId, RetryReason,
    Trace,
};
use crate::world::{Leg, Sim, Timer};

/// Asynchronous payload limit: 1 MB (L-INVOKE [D]).
pub const ASYNC_PAYLOAD_LIMIT: u64 = 1024 * 1024;

impl Sim {
    /// A new event from an asynchronous source starts its way to Lambda.
    pub(crate) fn async_source_created(&mut self, inv: InvocationId, source: usize) {
        let duplicate = self.is_duplicate(inv);
        match &self.scenario.file.sources[source] {
            Source::S3(s3) => {
                let (duplicate_probability, late_probability, late_ms) = (
                    s3.duplicate_probability,
                    s3.late_delivery_probability,
                    s3.late_delivery_delay_ms,
                );
                // "Typically within seconds, sometimes a minute or longer" (S3-NOTIF [D]): the
                // usual delay, or now and then the late one. Drawn from the source's own
                // stream only when the tail is on, so scenarios without it keep their runs.
                let delivery_delay_ms = if late_probability > 0.0
                    && self.rng_sources[source].chance(late_probability)
                {
                    late_ms
                } else {
                    s3.delivery_delay_ms
                };
                self.schedule(
                    self.now.plus(delivery_delay_ms),
                    inv,
                    Timer::SourceDeliver { try_no: 1 },
                );
                if !duplicate && self.rng_sources[source].chance(duplicate_probability) {
                    // S3 notifies at least once: a second notification of the same object event,
                    // a little later (S3-NOTIF [D]).
                    let event = self.invocations[&inv].event;
                    let bytes = self.invocations[&inv].payload_bytes;
                    let dup = self.new_invocation(source, bytes, Some(event));
                    let extra =
                        self.rng_sources[source].range_inclusive(1, delivery_delay_ms.max(200));
                    self.schedule(
                        self.now.plus(delivery_delay_ms + extra),
                        dup,
                        Timer::SourceDeliver { try_no: 1 },
                    );
                }
            }
            _ => self.async_source_deliver(inv, 1),
        }
    }

    fn is_duplicate(&self, inv: InvocationId) -> bool {
        self.invocations.get(&inv).is_some_and(|s| s.duplicate)
    }

    /// The source hands the event to Lambda (delivery try `try_no`).
    pub(crate) fn async_source_deliver(&mut self, inv: InvocationId, try_no: u32) {
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        state.tries = try_no;
        let source = state.source;
        let from = self.topo.sources[source].0;
        let queue = self.topo.queue.expect("async sources have a queue");
        match &self.scenario.file.sources[source] {
            Source::Sns(_) | Source::EventBridge(_) => {
                self.send(
                    inv,
                    from,
                    queue,
                    Message::DeliveryAttempt { try_no },
                    Leg::DeliveryAt { try_no },
                );
            }
            _ => {
                self.send(inv, from, queue, Message::Event, Leg::AtQueue);
            }
        }
    }

    /// An SNS/EventBridge delivery attempt reached Lambda's front door.
    pub(crate) fn async_delivery_at(&mut self, inv: InvocationId, try_no: u32) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        let (source, created) = (state.source, state.created);
        let src = self.scenario.file.sources[source].clone();
        let unreachable_for = match &src {
            Source::Sns(sns) => sns.unreachable_for_ms,
            Source::EventBridge(eb) => eb.unreachable_for_ms,
            _ => 0,
        };
        if self.now.as_ms() >= unreachable_for {
            self.async_at_queue(inv);
            return;
        }
        let node = self.topo.sources[source].0;
        self.emit(Trace::DeliveryFailed {
            inv,
            source: node,
            try_no,
        });
        let next = try_no + 1;
        let delay = match &src {
            Source::Sns(_) => sns::delay_before_attempt_ms(next),
            Source::EventBridge(eb) => {
                let retry = next - 1;
                let d = eventbridge::retry_delay_ms(
                    retry,
                    eb.retry_backoff_initial_ms,
                    eb.retry_backoff_max_ms,
                    &mut self.rng_sources[source],
                );
                let age_after = self.now.plus(d).since(created);
                (retry <= eb.maximum_retry_attempts
                    && age_after <= eb.maximum_event_age_s as u64 * 1000)
                    .then_some(d)
            }
            _ => None,
        };
        match delay {
            Some(d) => {
                let due = self.now.plus(d);
                self.emit(Trace::RetryScheduled {
                    inv,
                    next_try: next,
                    due,
                    reason: RetryReason::DeliveryFailed,
                });
                self.schedule(due, inv, Timer::SourceDeliver { try_no: next });
            }
            None => {
                let condition = FailureCondition::DeliveryRetriesExhausted;
                // The source's own DLQ: EventBridge's target DLQ (EB-RETRY) or the SNS
                // subscription's redrive policy (SNS-RETRY: "dropped unless the subscription has
                // a DLQ").
                let own_dlq = match &src {
                    Source::EventBridge(eb) => eb.dead_letter_queue.as_ref(),
                    Source::Sns(sns) => sns.dead_letter_queue.as_ref(),
                    _ => None,
                };
                match (own_dlq, self.topo.delivery_dlqs[source]) {
                    (Some(q), Some(dlq)) => {
                        let disposition = Disposition::SentToFailureTarget {
                            condition,
                            targets: vec![format!("sqs:{q}")],
                            approximate_invoke_count: 0,
                        };
                        self.send(
                            inv,
                            node,
                            dlq,
                            Message::Record {
                                target: FailureTargetKind::DeliveryDlq,
                                success: false,
                            },
                            Leg::AtTarget {
                                disposition: Some(disposition),
                            },
                        );
                    }
                    _ => self.dispose(
                        inv,
                        Disposition::Discarded {
                            condition,
                            approximate_invoke_count: 0,
                        },
                    ),
                }
            }
        }
    }

    /// The event reached Lambda's internal queue: 202 and wait for a poller.
    pub(crate) fn async_at_queue(&mut self, inv: InvocationId) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        let (source, bytes, duplicate) = (state.source, state.payload_bytes, state.duplicate);
        let queue = self.topo.queue.expect("async sources have a queue");
        let src_node = self.topo.sources[source].0;
        let is_custom = matches!(self.scenario.file.sources[source], Source::Custom(_));
        if bytes > ASYNC_PAYLOAD_LIMIT {
            self.emit(Trace::PayloadRejected {
                inv,
                bytes,
                limit: ASYNC_PAYLOAD_LIMIT,
            });
            let disposition = Disposition::ErrorReturned {
                status: 413,
                error: "RequestTooLargeException".into(),
            };
            if is_custom {
                let msg = Message::Response {
                    status: 413,
                    error: Some("RequestTooLargeException".into()),
                };
                self.send(
                    inv,
                    queue,
                    src_node,
                    msg,
                    Leg::AtTarget {
                        disposition: Some(disposition),
                    },
                );
            } else {
                self.dispose(inv, disposition);
            }
            return;
        }
        self.async_enqueue(inv, true);
        if is_custom {
            self.send(inv, queue, src_node, Message::Accepted, Leg::Ack);
        }
        if !duplicate {
            let p = self.scenario.file.async_config.duplicate_probability;
            if self.rng_queue.chance(p) {
                // The internal queue is eventually consistent: the same event may be delivered
                // twice although nothing failed (L-ASYNC-ERR [D]).
                let event = self.invocations[&inv].event;
                let dup = self.new_invocation(source, bytes, Some(event));
                self.async_enqueue(dup, true);
            }
        }
    }

    fn async_enqueue(&mut self, inv: InvocationId, first_time: bool) {
        let queue = self.topo.queue.expect("async sources have a queue");
        if first_time {
            if let Some(s) = self.invocations.get_mut(&inv) {
                s.accepted_at = Some(self.now);
            }
        }
        self.queue_depth += 1;
        self.emit(Trace::Enqueued {
            inv,
            queue,
            depth: self.queue_depth,
        });
        if first_time {
            let due = self
                .now
                .plus(self.scenario.file.async_config.queue_delay_ms);
            self.schedule_pick(inv, due);
        }
    }

    /// The next queue pick of `inv` is at `due` (any pick scheduled before is stale).
    fn schedule_pick(&mut self, inv: InvocationId, due: crate::time::SimTime) {
        if let Some(s) = self.invocations.get_mut(&inv) {
            s.pick_due = Some(due);
        }
        self.schedule(due, inv, Timer::QueuePick);
    }

    /// Concurrency was just freed: the oldest event waiting after a throttle is picked now
    /// rather than at the end of its backoff. Throttled events back off from 1 s to 5 min
    /// (L-ASYNC-ERR [D]) and complete as long as they are younger than the maximum age (§2);
    /// with every waiting event on the same backoff schedule and no capacity hand-over, a backlog
    /// retried in lockstep: one event won each round and the rest waited another 5 minutes, and a
    /// quarter of a backlog AWS drains in minutes expired (issue 15, item 1).
    pub(crate) fn async_wake_throttled(&mut self) {
        while let Some(inv) = self.throttled.pop_front() {
            let now = self.now;
            let Some(s) = self.invocations.get_mut(&inv) else {
                continue;
            };
            match s.throttle_wait.take() {
                Some(until) if until > now && s.pick_due == Some(until) => {
                    self.schedule_pick(inv, now);
                    return;
                }
                _ => continue,
            }
        }
    }

    /// A poller takes the event from the queue for an attempt (or to fail it).
    pub(crate) fn async_queue_pick(&mut self, inv: InvocationId) {
        let now = self.now;
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        // A pick that an earlier one replaced (freed concurrency woke the event) does nothing.
        if state.pick_due != Some(now) {
            return;
        }
        state.pick_due = None;
        state.throttle_wait = None;
        let (attempts, accepted_at) = (state.attempts, state.accepted_at.unwrap_or(self.now));
        let queue = self.topo.queue.expect("async sources have a queue");
        self.queue_depth = self.queue_depth.saturating_sub(1);
        self.emit(Trace::Dequeued {
            inv,
            queue,
            depth: self.queue_depth,
        });
        let cfg = &self.scenario.file.async_config;
        if self.scenario.file.function.reserved_concurrency == Some(0) {
            self.async_fail(inv, FailureCondition::ZeroReservedConcurrency, queue);
            return;
        }
        // The attempt would start one hop from now, when the event reaches the function: that
        // instant, not the pick, must still be within the maximum age (L-ASYNC-CFG).
        let starts = self.now.plus(self.scenario.file.network.hop_ms);
        if starts.since(accepted_at) > cfg.maximum_event_age_s as u64 * 1000 {
            self.async_fail(inv, FailureCondition::EventAgeExceeded, queue);
            return;
        }
        let attempt = attempts + 1;
        self.send(
            inv,
            queue,
            self.topo.function,
            Message::Attempt { attempt },
            Leg::AtFunctionAsync { attempt },
        );
    }

    /// The event reached the function: run it, or go back to the queue on a throttle.
    pub(crate) fn async_at_function(&mut self, inv: InvocationId, attempt: u32) {
        if !self.invocations.contains_key(&inv) {
            return;
        }
        let timeout = self.function_timeout_ms();
        if self.start_attempt(inv, attempt, timeout, None).is_ok() {
            return;
        }
        let cfg = &self.scenario.file.async_config;
        let (initial, max, max_age_ms) = (
            cfg.throttle_backoff_initial_ms,
            cfg.throttle_backoff_max_ms,
            cfg.maximum_event_age_s as u64 * 1000,
        );
        let state = self.invocations.get_mut(&inv).expect("checked");
        state.backoff_ms = if state.backoff_ms == 0 {
            initial
        } else {
            (state.backoff_ms * 2).min(max)
        };
        let due = self.now.plus(state.backoff_ms);
        let accepted_at = state.accepted_at.unwrap_or(self.now);
        let next_try = state.attempts + 1;
        if due.since(accepted_at) > max_age_ms {
            self.async_fail(inv, FailureCondition::EventAgeExceeded, self.topo.function);
            return;
        }
        state.throttle_wait = Some(due);
        self.emit(Trace::RetryScheduled {
            inv,
            next_try,
            due,
            reason: RetryReason::Throttled,
        });
        let queue = self.topo.queue.expect("async sources have a queue");
        self.send(
            inv,
            self.topo.function,
            queue,
            Message::RetryWait {
                attempt: next_try - 1,
            },
            Leg::BackInQueue { due },
        );
    }

    /// A waiting event is back in the queue; a poller picks it again at `due`.
    pub(crate) fn async_back_in_queue(&mut self, inv: InvocationId, due: crate::time::SimTime) {
        if !self.invocations.contains_key(&inv) {
            return;
        }
        self.async_enqueue(inv, false);
        let due = due.max(self.now);
        // Back after a throttle: in line for the next freed concurrency.
        if let Some(s) = self
            .invocations
            .get_mut(&inv)
            .filter(|s| s.throttle_wait.is_some())
        {
            s.throttle_wait = Some(due);
            self.throttled.push_back(inv);
        }
        self.schedule_pick(inv, due);
    }

    /// A handler run of an asynchronous invocation ended.
    pub(crate) fn async_attempt_end(&mut self, inv: InvocationId, attempt: u32, succeeded: bool) {
        let cfg = &self.scenario.file.async_config;
        let function = self.topo.function;
        if succeeded {
            match (&cfg.on_success, self.topo.on_success) {
                (Some(d), Some(node)) => {
                    let disposition = Disposition::Succeeded {
                        status: None,
                        destination: Some(format!("{}:{}", kind_key(d.kind), d.name)),
                    };
                    self.send(
                        inv,
                        function,
                        node,
                        Message::Record {
                            target: FailureTargetKind::Destination,
                            success: true,
                        },
                        Leg::AtTarget {
                            disposition: Some(disposition),
                        },
                    );
                }
                _ => self.dispose(
                    inv,
                    Disposition::Succeeded {
                        status: None,
                        destination: None,
                    },
                ),
            }
            return;
        }
        let (max_retries, max_age_ms) = (
            cfg.maximum_retry_attempts,
            cfg.maximum_event_age_s as u64 * 1000,
        );
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        if state.retries_used >= max_retries {
            self.async_fail(inv, FailureCondition::RetriesExhausted, function);
            return;
        }
        let delay_ms =
            self.scenario.file.async_config.retry_delays_s[state.retries_used as usize] * 1000;
        let due = self.now.plus(delay_ms);
        let accepted_at = state.accepted_at.unwrap_or(self.now);
        if due.since(accepted_at) > max_age_ms {
            self.async_fail(inv, FailureCondition::EventAgeExceeded, function);
            return;
        }
        state.retries_used += 1;
        self.emit(Trace::RetryScheduled {
            inv,
            next_try: attempt + 1,
            due,
            reason: RetryReason::FunctionError,
        });
        let queue = self.topo.queue.expect("async sources have a queue");
        self.send(
            inv,
            function,
            queue,
            Message::RetryWait { attempt },
            Leg::BackInQueue { due },
        );
    }

    /// The event failed for good: to the on-failure destination and/or the DLQ, or discarded.
    pub(crate) fn async_fail(
        &mut self,
        inv: InvocationId,
        condition: FailureCondition,
        from: NodeId,
    ) {
        let Some(state) = self.invocations.get(&inv) else {
            return;
        };
        let approximate_invoke_count = state.attempts;
        let cfg = &self.scenario.file.async_config;
        let mut sends: Vec<(NodeId, FailureTargetKind, String)> = Vec::new();
        if let (Some(d), Some(node)) = (&cfg.on_failure, self.topo.on_failure) {
            sends.push((
                node,
                FailureTargetKind::Destination,
                format!("{}:{}", kind_key(d.kind), d.name),
            ));
        }
        if let (Some(d), Some(node)) = (&cfg.dead_letter_queue, self.topo.dlq) {
            sends.push((
                node,
                FailureTargetKind::DeadLetterQueue,
                format!("{}:{}", kind_key(d.kind), d.name),
            ));
        }
        if sends.is_empty() {
            self.dispose(
                inv,
                Disposition::Discarded {
                    condition,
                    approximate_invoke_count,
                },
            );
            return;
        }
        let targets: Vec<String> = sends.iter().map(|s| s.2.clone()).collect();
        let last = sends.len() - 1;
        for (i, (node, kind, _)) in sends.into_iter().enumerate() {
            let disposition = (i == last).then(|| Disposition::SentToFailureTarget {
                condition,
                targets: targets.clone(),
                approximate_invoke_count,
            });
            self.send(
                inv,
                from,
                node,
                Message::Record {
                    target: kind,
                    success: false,
                },
                Leg::AtTarget { disposition },
            );
        }
    }
}

pub(crate) fn kind_key(k: crate::scenario::DestinationKind) -> &'static str {
    use crate::scenario::DestinationKind::*;
    match k {
        Sqs => "sqs",
        Sns => "sns",
        Lambda => "lambda",
        EventBridge => "event_bridge",
        S3 => "s3",
    }
}
