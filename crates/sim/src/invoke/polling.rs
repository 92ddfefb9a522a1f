//! Polling: event source mappings (ESMs), Lambda's own pollers for queues and streams (§3).
//!
//! ```text
//!  queue / shard ──batch──▶ [event source mapping] ──Invoke(batch)──▶ function
//!        ▲                        │   ▲                                  │
//!        └── delete / checkpoint ─┘   └──────── response (200 / 429) ────┘
//! ```
//! * Lambda owns the pollers; each batch goes to the function as **one synchronous invocation**
//!   (L-ESM [D]). A batch is an invocation here too: it goes through the same concurrency path as
//!   any other invoke ([`Sim::start_attempt_with`]) and can be throttled.
//! * A batch leaves when the first of these happens: the batching window ends, the batch size is
//!   reached, or the payload reaches 6 MB, which is not modifiable (L-ESM [D]). The window logic
//!   and what happens to a batch afterwards belong to the service: [`crate::services::sqs`] and
//!   [`crate::services::streams`].
//! * Delivery is at least once (L-ESM [D]): a message or record is handed to the function again
//!   after a failure, including the ones that had succeeded in a failed batch. Each re-delivery is
//!   counted (`Totals::redeliveries`).
//! * Messages and records are invocations of their own (created by the workload, disposed when
//!   they are deleted, dead-lettered, processed, expired...); a batch lists them. The handler's
//!   `attempt` number for a batch is the highest delivery count among its items, so behaviours
//!   that depend on the attempt work per receive (SQS) or per retry (streams).
//! * Item-level behaviours: `poison_items` fail on every delivery, `flaky_items` on their first
//!   deliveries. The handler then throws (whole batch fails) or, with `on_item_failure = "report"`,
//!   returns `batchItemFailures` (L-SQS-ERR [D], L-PBR [D]), which Lambda honours only when the
//!   mapping has `function_response_types = ["ReportBatchItemFailures"]`.

use crate::idmap::IdMap;
use crate::invocations::IdWindow;

use crate::function::RunPlan;
use crate::scenario::{ItemFailureResponse, Source};
use crate::time::SimTime;
use crate::trace::{AttemptOutcome, Disposition, EventId, InvocationId, Message};
use crate::world::{Happening, Invocation, Leg, Sim};

/// Everything the mappings hold: batches in progress, and per source its queue or stream.
#[derive(Clone, Debug, Default)]
pub(crate) struct PollingState {
    /// By id, in a window like the invocations' (batches are invocations too): a batch is
    /// looked up about fifteen times in its life.
    pub batches: IdWindow<Box<Batch>>,
    pub sqs: IdMap<usize, crate::services::sqs::SqsQueue>,
    pub streams: IdMap<usize, crate::services::streams::Stream>,
}

impl PollingState {
    /// Entries a clone of the polling state copies (see [`crate::world::Sim::state_size`]).
    pub(crate) fn state_size(&self) -> usize {
        self.batches.len()
            + self.sqs.values().map(|q| q.state_size()).sum::<usize>()
            + self.streams.values().map(|s| s.state_size()).sum::<usize>()
    }
}

/// One batch: a single synchronous invocation carrying several messages or records.
#[derive(Clone, Debug)]
pub(crate) struct Batch {
    pub source: usize,
    pub items: Vec<InvocationId>,
    /// Per item: SQS receive count at this receive (its receipt), or stream delivery count.
    pub deliveries: Vec<u32>,
    /// Re-sends of the Invoke after throttles (SQS).
    pub try_no: u32,
    pub backoff_ms: u64,
    /// What the handler's last run returned in `batchItemFailures`.
    pub reported: Vec<InvocationId>,
    /// The mapping has its answer; only the visibility bookkeeping (SQS) remains.
    pub finished: bool,
    /// Streams: where the batch came from and the retries its records have used.
    pub shard: u32,
    pub lane: u32,
    pub retries_used: u32,
}

/// Timers of the mappings.
#[derive(Clone, Debug)]
pub(crate) enum PollHappening {
    /// SQS: pollers receive what arrived in this instant.
    SqsPoll { source: usize },
    /// SQS: the visibility timeout of a batch's receive ran out.
    SqsVisibility { source: usize, batch: InvocationId },
    /// SQS: the batching window of the batch being filled ends.
    SqsWindowEnd { source: usize, batch: InvocationId },
    /// SQS: the once-a-minute scaling decision.
    SqsScale { source: usize },
    /// SQS: the oldest message reaches the retention period.
    SqsRetention { source: usize },
    /// A throttled batch is invoked again.
    Reinvoke { batch: InvocationId },
    /// Streams: a shard's poll.
    StreamPoll { source: usize, shard: u32 },
    /// Streams: a blocked lane's retry is due.
    StreamRetry {
        source: usize,
        shard: u32,
        lane: u32,
    },
    /// Streams: a lane's batching window ends (the batch is read then, not at the next poll).
    StreamWindowEnd {
        source: usize,
        shard: u32,
        lane: u32,
    },
    /// Streams: the oldest waiting record of a lane reaches the retention period.
    StreamExpiry {
        source: usize,
        shard: u32,
        lane: u32,
    },
    /// Streams: the mapping starts polling (it may take minutes to be ready, L-DDB).
    StreamEnabled { source: usize },
}

/// Arrivals of tokens on the mappings' edges.
#[derive(Clone, Debug)]
pub(crate) enum PollLeg {
    /// The polled batch reached the mapping, which invokes the function with it.
    AtEsm,
    /// The Invoke carrying the batch reached Lambda.
    AtFunction { try_no: u32 },
    /// The function's answer reached the mapping.
    ResultAtEsm { result: BatchResult },
    /// SQS: the delete reached the queue. Per item: its receipt, and whether a reported failure was ignored.
    DeleteAtQueue {
        items: Vec<(InvocationId, u32, bool)>,
    },
    /// Streams: an on-failure record reached the destination; these records are disposed.
    FailureRecordAt {
        items: Vec<(InvocationId, Disposition)>,
    },
}

/// How a batch's invocation ended, as the mapping sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BatchResult {
    /// 429: the function did not run.
    Throttled,
    /// The function threw or timed out: the whole batch failed.
    Failed,
    /// The function returned (maybe with `batchItemFailures`).
    Succeeded,
}

/// What `on_attempt_end` hands to the polling or Step Functions follow-up.
pub(crate) enum AttemptFollowUp {
    /// A batch's run ended; `error` is Invoke's FunctionError text, if any.
    Batch { error: Option<String> },
    /// A Step Functions task's run ended; `error` is the error name the state machine sees.
    Task { error: Option<String> },
}

/// The follow-up for a run of an invocation of `source`, if polling or Step Functions own it.
pub(crate) fn follow_up(source: &Source, outcome: &AttemptOutcome) -> Option<AttemptFollowUp> {
    match source {
        Source::Sqs(_) | Source::Kinesis(_) | Source::DynamodbStreams(_) => {
            Some(AttemptFollowUp::Batch {
                error: crate::invoke::sync::invoke_error(outcome),
            })
        }
        Source::StepFunctions(_) => Some(AttemptFollowUp::Task {
            error: crate::services::stepfunctions::task_error(outcome),
        }),
        _ => None,
    }
}

impl Sim {
    /// Sets up every mapping's state (called once, when the world is created).
    pub(crate) fn init_polling(&mut self) {
        for i in 0..self.scenario.file.sources.len() {
            match &self.scenario.file.sources[i] {
                Source::Sqs(q) => {
                    let queue = crate::services::sqs::SqsQueue::new(q);
                    let concurrency = queue.concurrency();
                    self.polling.sqs.insert(i, queue);
                    let esm = self.esm_node(i);
                    self.emit(crate::trace::Trace::PollersScaled {
                        esm,
                        concurrency,
                        reason: crate::trace::ScaleReason::Initial,
                    });
                }
                Source::Kinesis(k) => self.init_stream(i, k.params()),
                Source::DynamodbStreams(d) => self.init_stream(i, d.params()),
                _ => {}
            }
        }
    }

    /// The event source mapping node of a polling source.
    pub(crate) fn esm_node(&self, source: usize) -> crate::trace::NodeId {
        self.topo.pollers[source].expect("polling sources have a mapping node")
    }

    /// A new item (message or record) from a polling source.
    pub(crate) fn polling_item_created(&mut self, inv: InvocationId, source: usize) {
        match &self.scenario.file.sources[source] {
            Source::Sqs(_) => self.sqs_message_created(inv, source),
            _ => self.stream_record_created(inv, source),
        }
    }

    /// Registers a batch as an invocation of its own (no `EventCreated`: it is Lambda's invoke,
    /// not a new event). Its first handler run will be numbered by the items' delivery counts.
    pub(crate) fn new_batch(
        &mut self,
        source: usize,
        items: Vec<InvocationId>,
        deliveries: Vec<u32>,
    ) -> InvocationId {
        let batch = InvocationId(self.next_inv);
        self.next_inv += 1;
        let first = items
            .first()
            .and_then(|i| self.invocations.get(i))
            .map_or(EventId(0), |s| s.event);
        let bytes = items
            .iter()
            .filter_map(|i| self.invocations.get(i))
            .map(|s| s.payload_bytes)
            .sum();
        let max_delivery = deliveries.iter().copied().max().unwrap_or(1);
        self.invocations.insert(
            batch,
            Invocation {
                attempts: max_delivery.saturating_sub(1),
                ..Invocation::new(first, source, self.now, bytes)
            },
        );
        self.polling.batches.insert(
            batch,
            Box::new(Batch {
                source,
                items,
                deliveries,
                try_no: 1,
                backoff_ms: 0,
                reported: Vec::new(),
                finished: false,
                shard: 0,
                lane: 0,
                retries_used: 0,
            }),
        );
        batch
    }

    /// The event number of an item (what the narration and `poison_items` call it).
    pub(crate) fn event_of(&self, inv: InvocationId) -> EventId {
        self.invocations
            .get(&inv)
            .map_or(EventId(u32::MAX), |s| s.event)
    }

    /// Trace entries for `items` of a batch, with their delivery counts in it.
    pub(crate) fn batch_items(
        &self,
        batch: InvocationId,
        items: &[InvocationId],
    ) -> Vec<crate::trace::BatchItem> {
        let b = self.polling.batches.get(&batch);
        items
            .iter()
            .map(|inv| {
                let delivery = b
                    .and_then(|b| {
                        b.items
                            .iter()
                            .position(|i| i == inv)
                            .map(|p| b.deliveries[p])
                    })
                    .unwrap_or(0);
                crate::trace::BatchItem {
                    inv: *inv,
                    event: self.event_of(*inv),
                    delivery,
                }
            })
            .collect()
    }

    /// The batch's invocation is over as far as Lambda is concerned (the mapping may still track it).
    pub(crate) fn retire_batch_invocation(&mut self, batch: InvocationId) {
        if let Some(s) = self.invocations.get_mut(&batch) {
            s.disposed = true;
        }
        self.forget_if_done(batch);
    }

    /// The polled batch reached the mapping: invoke the function with it.
    fn esm_batch_at_esm(&mut self, batch: InvocationId) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        let (source, items, try_no) = (b.source, b.items.clone(), b.try_no);
        let esm = self.esm_node(source);
        self.send(
            batch,
            esm,
            self.topo.function,
            Message::Batch { items, try_no },
            Leg::Polling(PollLeg::AtFunction { try_no }),
        );
    }

    /// Invokes a throttled batch again.
    pub(crate) fn esm_reinvoke(&mut self, batch: InvocationId) {
        let Some(b) = self.polling.batches.get_mut(&batch) else {
            return;
        };
        b.try_no += 1;
        self.esm_batch_at_esm(batch);
    }

    /// The Invoke with the batch reached Lambda: run it, or answer 429.
    fn esm_at_function(&mut self, batch: InvocationId, try_no: u32) {
        if !self.invocations.contains_key(&batch) {
            return;
        }
        if self
            .start_attempt_with(batch, try_no, self.function_timeout_ms(), |sim, attempt| {
                sim.plan_batch(batch, attempt)
            })
            .is_err()
        {
            let Some(b) = self.polling.batches.get(&batch) else {
                return;
            };
            let esm = self.esm_node(b.source);
            let msg = Message::Response {
                status: 429,
                error: Some("TooManyRequestsException".into()),
            };
            self.send(
                batch,
                self.topo.function,
                esm,
                msg,
                Leg::Polling(PollLeg::ResultAtEsm {
                    result: BatchResult::Throttled,
                }),
            );
        }
    }

    /// How the handler's run over this batch goes: the function's behaviour for the run as a
    /// whole, then the item behaviours (poison and flaky items) decide what it throws or returns.
    fn plan_batch(&mut self, batch: InvocationId, attempt: u32) -> RunPlan {
        let timeout = self.function_timeout_ms();
        let base = self.plan_run(attempt, timeout, None);
        // Borrowed field by field (no copies of the batch's lists: this runs for every batch).
        let Some(b) = self.polling.batches.get(&batch) else {
            return base;
        };
        let source = b.source;
        let f = &self.scenario.file.function;
        let fifo = matches!(&self.scenario.file.sources[source], Source::Sqs(q) if q.fifo);
        // Message groups exist in FIFO queues only; a standard queue's messages have none.
        let groups: Vec<Option<u32>> = match self.polling.sqs.get(&source) {
            Some(q) if fifo => b.items.iter().map(|inv| q.group_of(*inv)).collect(),
            _ => Vec::new(),
        };
        let mut failing: Vec<usize> = Vec::new();
        for (i, (inv, delivery)) in b.items.iter().zip(&b.deliveries).enumerate() {
            let Some(event) = self.invocations.get(inv).map(|s| s.event.0 as u64) else {
                continue;
            };
            let fails = f.poison_items.contains(&event)
                || groups
                    .get(i)
                    .copied()
                    .flatten()
                    .is_some_and(|g| f.poison_groups.contains(&g))
                || f.flaky_items
                    .iter()
                    .any(|fl| fl.item == event && *delivery <= fl.failures)
                // Drawn only when set, so runs without it keep their random streams.
                || (f.item_failure_probability > 0.0
                    && self.rng_function.chance(f.item_failure_probability));
            if fails {
                failing.push(i);
            }
        }
        if !base.outcome.is_success() || failing.is_empty() {
            if let Some(b) = self.polling.batches.get_mut(&batch) {
                b.reported.clear();
            }
            return base;
        }
        match f.on_item_failure {
            ItemFailureResponse::Throw => RunPlan {
                run_ms: base.run_ms,
                outcome: AttemptOutcome::FunctionError {
                    error_type: f.error_type.clone(),
                },
            },
            ItemFailureResponse::Report => {
                let reported = reported_items(&b.items, &groups, &failing, fifo);
                if let Some(b) = self.polling.batches.get_mut(&batch) {
                    b.reported = reported;
                }
                base
            }
        }
    }

    /// A batch's handler run ended: Lambda answers the mapping.
    pub(crate) fn esm_attempt_end(&mut self, batch: InvocationId, error: Option<String>) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        let esm = self.esm_node(b.source);
        let result = if error.is_some() {
            BatchResult::Failed
        } else {
            BatchResult::Succeeded
        };
        self.send(
            batch,
            self.topo.function,
            esm,
            Message::Response { status: 200, error },
            Leg::Polling(PollLeg::ResultAtEsm { result }),
        );
    }

    /// The function's answer reached the mapping: the service decides what it means.
    fn esm_result(&mut self, batch: InvocationId, result: BatchResult) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        match &self.scenario.file.sources[b.source] {
            Source::Sqs(_) => self.sqs_batch_result(batch, result),
            _ => self.stream_batch_result(batch, result),
        }
    }

    pub(crate) fn on_poll_leg(&mut self, inv: InvocationId, leg: PollLeg) {
        match leg {
            PollLeg::AtEsm => self.esm_batch_at_esm(inv),
            PollLeg::AtFunction { try_no } => self.esm_at_function(inv, try_no),
            PollLeg::ResultAtEsm { result } => self.esm_result(inv, result),
            PollLeg::DeleteAtQueue { items } => self.sqs_delete_at_queue(inv, items),
            PollLeg::FailureRecordAt { items } => {
                for (item, d) in items {
                    self.dispose(item, d);
                }
            }
        }
    }

    pub(crate) fn on_poll_happening(&mut self, h: PollHappening) {
        match h {
            PollHappening::SqsPoll { source } => self.sqs_poll_now(source),
            PollHappening::SqsVisibility { source, batch } => {
                self.sqs_visibility_expired(source, batch)
            }
            PollHappening::SqsWindowEnd { source, batch } => self.sqs_window_end(source, batch),
            PollHappening::SqsScale { source } => self.sqs_scale_tick(source),
            PollHappening::SqsRetention { source } => self.sqs_retention_check(source),
            PollHappening::Reinvoke { batch } => self.esm_reinvoke(batch),
            PollHappening::StreamPoll { source, shard } => self.stream_poll(source, shard),
            PollHappening::StreamRetry {
                source,
                shard,
                lane,
            } => self.stream_retry_due(source, shard, lane),
            PollHappening::StreamWindowEnd {
                source,
                shard,
                lane,
            } => self.stream_window_end(source, shard, lane),
            PollHappening::StreamExpiry {
                source,
                shard,
                lane,
            } => self.stream_expiry(source, shard, lane),
            PollHappening::StreamEnabled { source } => self.stream_enabled(source),
        }
    }

    pub(crate) fn schedule_poll(&mut self, at: SimTime, h: PollHappening) {
        self.agenda.push(at, Happening::Polling(h));
    }
}

/// The `batchItemFailures` a handler returns for the failed items at `failing` (indices into
/// `items`). A FIFO queue's handler reports each failed message and every later message of the
/// same message group in the batch, so nothing after a failure in its group is deleted before it;
/// other groups' messages succeed and are deleted (L-SQS-ERR [D], L-PBR [D]). A standard queue's
/// handler reports just the failed ones.
pub(crate) fn reported_items(
    items: &[InvocationId],
    groups: &[Option<u32>],
    failing: &[usize],
    fifo: bool,
) -> Vec<InvocationId> {
    if !fifo {
        return failing.iter().map(|i| items[*i]).collect();
    }
    (0..items.len())
        .filter(|&j| {
            failing
                .iter()
                .any(|&i| i <= j && groups.get(i) == groups.get(j))
        })
        .map(|j| items[j])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_reports_a_failure_and_the_rest_of_its_group_only() {
        let items: Vec<InvocationId> = (1..=6).map(InvocationId).collect();
        // Groups g0, g1, g0, g1, g0, g2; item 2 (g0, index 2) fails.
        let groups = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(2)];
        let got = reported_items(&items, &groups, &[2], true);
        assert_eq!(got, vec![InvocationId(3), InvocationId(5)]);
        // Standard queue: just the failed one.
        assert_eq!(
            reported_items(&items, &groups, &[2], false),
            vec![InvocationId(3)]
        );
        // Two failures in different groups: each with its own group's later messages.
        let got = reported_items(&items, &groups, &[1, 4], true);
        assert_eq!(got, vec![InvocationId(2), InvocationId(4), InvocationId(5)]);
    }
}
