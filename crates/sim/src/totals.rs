//! Running counts over the trace, in one place: the [`crate::Sim`] keeps them whatever its
//! retention (the report's and the CLI's totals), and a [`crate::Scene`] shows them up to its
//! instant (the app's metrics). Both call [`Totals::count`] on each event in trace order, so the
//! scene at the end of a run and the run's totals are equal by construction (a property test
//! checks it over random scenarios).

use serde::Serialize;

use crate::trace::{Disposition, Trace};

/// Counts of what the trace says happened.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Invocations created (including duplicate deliveries).
    pub invocations: u64,
    /// Distinct events produced by sources.
    pub events: u64,
    /// Handler runs.
    pub handler_runs: u64,
    pub cold_starts: u64,
    pub throttles: u64,
    pub function_errors: u64,
    pub retries: u64,
    pub duplicates: u64,
    /// Most handler runs (initialising or running) at one time.
    pub peak_concurrency: u32,
    pub succeeded: u64,
    pub error_returned: u64,
    pub sent_to_failure_target: u64,
    pub discarded: u64,
    /// SQS messages deleted after their batch succeeded.
    pub deleted: u64,
    /// SQS messages moved to the queue's dead-letter queue.
    pub moved_to_dlq: u64,
    /// Stream records passed by the checkpoint after success.
    pub processed: u64,
    /// Messages or records gone past their retention.
    pub expired: u64,
    /// Stream records never read (LATEST / AT_TIMESTAMP).
    pub not_read: u64,
    /// Step Functions tasks whose error a Catch handled.
    pub caught: u64,
    /// Lambda calls Step Functions stopped waiting for.
    pub abandoned: u64,
    /// Step Functions executions that failed.
    pub executions_failed: u64,
    /// Batches polled by event source mappings (each one Lambda invocation).
    pub batches: u64,
    /// Messages or records handed to the function again (at-least-once delivery, L-ESM): the
    /// items of polled batches on their second or later delivery.
    pub redeliveries: u64,
    pub trace_events: u64,
    /// Trace events per kind, indexed like [`Trace::KIND_NAMES`].
    pub by_kind: [u64; Trace::KIND_COUNT],
    /// Handler runs started and not yet finished: what `peak_concurrency` is the peak of (an
    /// execution environment is busy from `AttemptStarted` to `AttemptFinished`).
    #[serde(skip)]
    running: u32,
}

impl Totals {
    /// Counts one more trace event.
    pub fn count(&mut self, e: &Trace) {
        self.trace_events += 1;
        self.by_kind[e.kind_index()] += 1;
        match e {
            Trace::EventCreated { duplicate, .. } => {
                self.invocations += 1;
                if *duplicate {
                    self.duplicates += 1;
                } else {
                    self.events += 1;
                }
            }
            Trace::AttemptStarted { cold, .. } => {
                self.handler_runs += 1;
                if *cold {
                    self.cold_starts += 1;
                }
                self.running += 1;
                self.peak_concurrency = self.peak_concurrency.max(self.running);
            }
            Trace::AttemptFinished { outcome, .. } => {
                if !outcome.is_success() {
                    self.function_errors += 1;
                }
                self.running = self.running.saturating_sub(1);
            }
            Trace::Throttled { .. } => self.throttles += 1,
            Trace::RetryScheduled { .. } => self.retries += 1,
            Trace::BatchPolled { items, .. } => {
                self.batches += 1;
                self.redeliveries += items.iter().filter(|i| i.delivery > 1).count() as u64;
            }
            Trace::Disposed { disposition, .. } => *self.ending(disposition) += 1,
            Trace::Sent { .. }
            | Trace::Enqueued { .. }
            | Trace::Dequeued { .. }
            | Trace::EnvironmentCreated { .. }
            | Trace::PayloadRejected { .. }
            | Trace::CallerGaveUp { .. }
            | Trace::DeliveryFailed { .. }
            | Trace::InputApplied { .. }
            | Trace::Stored { .. }
            | Trace::ItemFailuresReported { .. }
            | Trace::VisibleAgain { .. }
            | Trace::ShardBlocked { .. }
            | Trace::BatchBisected { .. }
            | Trace::CheckpointAdvanced { .. }
            | Trace::PollersScaled { .. }
            | Trace::ReadThrottled { .. }
            | Trace::StateEntered { .. }
            | Trace::StateExited { .. }
            | Trace::Caught { .. }
            | Trace::CallbackReceived { .. } => {}
        }
    }

    /// The counter of invocations that ended this way.
    fn ending(&mut self, d: &Disposition) -> &mut u64 {
        match d {
            Disposition::Succeeded { .. } => &mut self.succeeded,
            Disposition::ErrorReturned { .. } => &mut self.error_returned,
            Disposition::SentToFailureTarget { .. } => &mut self.sent_to_failure_target,
            Disposition::Discarded { .. } => &mut self.discarded,
            Disposition::Deleted { .. } => &mut self.deleted,
            Disposition::MovedToDlq { .. } => &mut self.moved_to_dlq,
            Disposition::Processed { .. } => &mut self.processed,
            Disposition::Expired { .. } => &mut self.expired,
            Disposition::NotRead { .. } => &mut self.not_read,
            Disposition::Caught { .. } => &mut self.caught,
            Disposition::Abandoned { .. } => &mut self.abandoned,
            Disposition::ExecutionFailed { .. } => &mut self.executions_failed,
        }
    }
}
