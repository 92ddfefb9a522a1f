//! The per-invocation report the CLI prints and doc authors script against: for each
//! invocation its source, every attempt (start, end, outcome), how many times the handler saw
//! the event, and its final disposition; plus totals. Built by folding the trace, so it can
//! never disagree with what the diagram shows.

use crate::idmap::IdMap;

use serde::Serialize;

use crate::scenario::Scenario;
use crate::time::SimTime;
use crate::topology::Topology;
use crate::totals::Totals;
use crate::trace::*;

/// Version of the JSON report layout (documented in the README).
pub const REPORT_FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    pub start_ms: u64,
    /// When the handler stopped; `None` if it was still running at the horizon.
    pub end_ms: Option<u64>,
    pub cold: bool,
    /// `succeeded`, `function_error`, `timed_out`, `response_too_large`, `item_failed` (the
    /// function reported this message or record in `batchItemFailures`), or `running`.
    pub outcome: String,
    pub error: Option<String>,
    /// For a message or record: the batch invocation this run belonged to.
    pub batch: Option<u32>,
}

/// One batch an event source mapping polled (one Lambda invocation carrying several items).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchReport {
    pub invocation: u32,
    pub source: String,
    pub polled_ms: u64,
    /// The items' invocation ids, in batch order.
    pub items: Vec<u32>,
    /// Streams: how long its last record waited (IteratorAge).
    pub iterator_age_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InvocationReport {
    pub invocation: u32,
    pub event: u32,
    pub source: String,
    pub duplicate: bool,
    pub created_ms: u64,
    pub attempts: Vec<AttemptRecord>,
    pub throttles: u32,
    pub retries: u32,
    /// Handler runs for this *event*, across all its deliveries (duplicates included).
    pub handler_runs_for_event: u32,
    /// Messages and records: how many times a mapping took it (SQS receives, stream deliveries).
    pub receives: u32,
    /// Messages and records: the batches (their invocation ids) it was polled in.
    pub batches: Vec<u32>,
    /// `None` means still in flight at the horizon.
    pub disposition: Option<Disposition>,
    pub disposed_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub format_version: u32,
    pub scenario: String,
    pub seed: u64,
    pub horizon_ms: u64,
    pub invocations: Vec<InvocationReport>,
    /// Batches polled by event source mappings (empty without queue or stream sources).
    pub batches: Vec<BatchReport>,
    pub totals: Totals,
    pub in_flight: u64,
}

impl Report {
    pub fn build(
        scenario: &Scenario,
        topo: &Topology,
        seed: u64,
        horizon: SimTime,
        trace: &[TraceEvent],
        totals: &Totals,
    ) -> Report {
        let mut by_inv: IdMap<InvocationId, InvocationReport> = IdMap::new();
        let mut runs_per_event: IdMap<EventId, u32> = IdMap::new();
        // A batch is an invocation of its own; what happens to it happens to each of its items.
        let mut batch_items: IdMap<InvocationId, Vec<(InvocationId, u32)>> = IdMap::new();
        let mut batches: Vec<BatchReport> = Vec::new();
        let members = |batch_items: &IdMap<InvocationId, Vec<(InvocationId, u32)>>,
                       inv: &InvocationId|
         -> Vec<(InvocationId, u32)> {
            batch_items.get(inv).cloned().unwrap_or_default()
        };
        for e in trace {
            match &e.kind {
                Trace::BatchPolled {
                    batch,
                    esm,
                    items,
                    iterator_age_ms,
                    ..
                } => {
                    batch_items.insert(*batch, items.iter().map(|i| (i.inv, i.delivery)).collect());
                    for i in items {
                        if let Some(r) = by_inv.get_mut(&i.inv) {
                            r.receives += 1;
                            r.batches.push(batch.0);
                        }
                    }
                    let source = match &topo.node(*esm).kind {
                        crate::topology::NodeKind::EventSourceMapping { of_source } => {
                            scenario.file.sources[*of_source].id().to_string()
                        }
                        _ => String::new(),
                    };
                    batches.push(BatchReport {
                        invocation: batch.0,
                        source,
                        polled_ms: e.at.as_ms(),
                        items: items.iter().map(|i| i.inv.0).collect(),
                        iterator_age_ms: *iterator_age_ms,
                    });
                }
                Trace::AttemptStarted { inv, cold, .. } if batch_items.contains_key(inv) => {
                    for (item, delivery) in members(&batch_items, inv) {
                        if let Some(r) = by_inv.get_mut(&item) {
                            r.attempts.push(AttemptRecord {
                                attempt: delivery,
                                start_ms: e.at.as_ms(),
                                end_ms: None,
                                cold: *cold,
                                outcome: "running".into(),
                                error: None,
                                batch: Some(inv.0),
                            });
                            *runs_per_event.get_or_insert_with(EventId(r.event), || 0) += 1;
                        }
                    }
                }
                Trace::AttemptFinished { inv, outcome, .. } if batch_items.contains_key(inv) => {
                    for (item, _) in members(&batch_items, inv) {
                        if let Some(a) = by_inv.get_mut(&item).and_then(|r| {
                            r.attempts
                                .iter_mut()
                                .rev()
                                .find(|a| a.batch == Some(inv.0) && a.end_ms.is_none())
                        }) {
                            a.end_ms = Some(e.at.as_ms());
                            a.outcome = outcome_name(outcome).into();
                            a.error = outcome.error_name();
                        }
                    }
                }
                Trace::ItemFailuresReported {
                    batch,
                    items,
                    honoured,
                } => {
                    for i in items {
                        if let Some(a) = by_inv.get_mut(&i.inv).and_then(|r| {
                            r.attempts
                                .iter_mut()
                                .rev()
                                .find(|a| a.batch == Some(batch.0))
                        }) {
                            if *honoured {
                                a.outcome = "item_failed".into();
                                a.error = Some("reported in batchItemFailures".into());
                            } else {
                                a.error = Some("reported in batchItemFailures, ignored: ReportBatchItemFailures is off".into());
                            }
                        }
                    }
                }
                Trace::Throttled { inv, .. } | Trace::RetryScheduled { inv, .. }
                    if batch_items.contains_key(inv) =>
                {
                    let throttle = matches!(e.kind, Trace::Throttled { .. });
                    for (item, _) in members(&batch_items, inv) {
                        if let Some(r) = by_inv.get_mut(&item) {
                            if throttle {
                                r.throttles += 1;
                            } else {
                                r.retries += 1;
                            }
                        }
                    }
                }
                Trace::EventCreated {
                    inv,
                    event,
                    source,
                    duplicate,
                    ..
                } => {
                    by_inv.insert(
                        *inv,
                        InvocationReport {
                            invocation: inv.0,
                            event: event.0,
                            source: topo
                                .node(*source)
                                .key
                                .trim_start_matches("source:")
                                .to_string(),
                            duplicate: *duplicate,
                            created_ms: e.at.as_ms(),
                            attempts: Vec::new(),
                            throttles: 0,
                            retries: 0,
                            handler_runs_for_event: 0,
                            receives: 0,
                            batches: Vec::new(),
                            disposition: None,
                            disposed_ms: None,
                        },
                    );
                }
                Trace::AttemptStarted {
                    inv, attempt, cold, ..
                } => {
                    if let Some(r) = by_inv.get_mut(inv) {
                        r.attempts.push(AttemptRecord {
                            attempt: *attempt,
                            start_ms: e.at.as_ms(),
                            end_ms: None,
                            cold: *cold,
                            outcome: "running".into(),
                            error: None,
                            batch: None,
                        });
                        *runs_per_event.get_or_insert_with(EventId(r.event), || 0) += 1;
                    }
                }
                Trace::AttemptFinished {
                    inv,
                    attempt,
                    outcome,
                    ..
                } => {
                    if let Some(a) = by_inv
                        .get_mut(inv)
                        .and_then(|r| r.attempts.iter_mut().find(|a| a.attempt == *attempt))
                    {
                        a.end_ms = Some(e.at.as_ms());
                        a.outcome = outcome_name(outcome).into();
                        a.error = outcome.error_name();
                    }
                }
                Trace::Throttled { inv, .. } => {
                    if let Some(r) = by_inv.get_mut(inv) {
                        r.throttles += 1;
                    }
                }
                Trace::RetryScheduled { inv, .. } => {
                    if let Some(r) = by_inv.get_mut(inv) {
                        r.retries += 1;
                    }
                }
                Trace::Disposed { inv, disposition } => {
                    if let Some(r) = by_inv.get_mut(inv) {
                        r.disposition = Some(disposition.clone());
                        r.disposed_ms = Some(e.at.as_ms());
                    }
                }
                _ => {}
            }
        }
        let mut invocations: Vec<InvocationReport> = by_inv.into_values().collect();
        for r in &mut invocations {
            r.handler_runs_for_event = runs_per_event.get(&EventId(r.event)).copied().unwrap_or(0);
        }
        let in_flight = invocations
            .iter()
            .filter(|r| r.disposition.is_none())
            .count() as u64;
        Report {
            format_version: REPORT_FORMAT_VERSION,
            scenario: scenario.id().to_string(),
            seed,
            horizon_ms: horizon.as_ms(),
            invocations,
            batches,
            totals: totals.clone(),
            in_flight,
        }
    }

    /// The human-readable form the CLI prints by default.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "scenario {} · seed {} · horizon {}\n\n",
            self.scenario,
            self.seed,
            SimTime(self.horizon_ms)
        );
        for r in &self.invocations {
            let dup = if r.duplicate {
                " (duplicate delivery)"
            } else {
                ""
            };
            out.push_str(&format!(
                "invocation {} · event #{} from {}{} · created at {} ms\n",
                r.invocation, r.event, r.source, dup, r.created_ms
            ));
            for a in &r.attempts {
                let end = a
                    .end_ms
                    .map(|e| format!("{e} ms"))
                    .unwrap_or_else(|| "(running)".into());
                let cold = if a.cold { " cold" } else { "" };
                let err = a
                    .error
                    .as_ref()
                    .map(|e| format!(" — {e}"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  attempt {}{cold}: {} ms → {end}: {}{err}\n",
                    a.attempt, a.start_ms, a.outcome
                ));
            }
            if r.throttles > 0 {
                out.push_str(&format!("  throttled {} time(s)\n", r.throttles));
            }
            if !r.batches.is_empty() {
                let list: Vec<String> = r.batches.iter().map(|b| b.to_string()).collect();
                out.push_str(&format!(
                    "  received {} time(s), in batch invocation(s) {}\n",
                    r.receives,
                    list.join(", ")
                ));
            }
            out.push_str(&format!(
                "  handler runs for this event: {}\n",
                r.handler_runs_for_event
            ));
            let disp = match (&r.disposition, r.disposed_ms) {
                (Some(d), Some(at)) => format!("{} at {at} ms", describe(d)),
                _ => "still in flight at the horizon".into(),
            };
            out.push_str(&format!("  → {disp}\n\n"));
        }
        let t = &self.totals;
        out.push_str(&format!(
            "totals: {} invocations ({} events, {} duplicates) · {} handler runs · {} cold starts · {} throttles · {} function errors · {} retries · peak concurrency {}\n",
            t.invocations, t.events, t.duplicates, t.handler_runs, t.cold_starts, t.throttles, t.function_errors, t.retries, t.peak_concurrency
        ));
        out.push_str(&format!(
            "dispositions: {} succeeded · {} error returned · {} sent to failure target · {} discarded · {} in flight\n",
            t.succeeded, t.error_returned, t.sent_to_failure_target, t.discarded, self.in_flight
        ));
        if t.batches > 0 {
            out.push_str(&format!(
                "polling: {} batches · {} redeliveries · {} deleted · {} moved to the queue's DLQ · {} processed · {} expired · {} never read\n",
                t.batches, t.redeliveries, t.deleted, t.moved_to_dlq, t.processed, t.expired, t.not_read
            ));
        }
        if t.caught + t.abandoned + t.executions_failed > 0 {
            out.push_str(&format!(
                "step functions: {} caught · {} abandoned · {} executions failed\n",
                t.caught, t.abandoned, t.executions_failed
            ));
        }
        out
    }
}

fn outcome_name(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Succeeded => "succeeded",
        AttemptOutcome::FunctionError { .. } => "function_error",
        AttemptOutcome::TimedOut => "timed_out",
        AttemptOutcome::ResponseTooLarge { .. } => "response_too_large",
    }
}

/// One line for a disposition.
pub fn describe(d: &Disposition) -> String {
    match d {
        Disposition::Succeeded {
            status: Some(s), ..
        } => format!("succeeded, caller saw {s}"),
        Disposition::Succeeded {
            destination: Some(dest),
            ..
        } => format!("succeeded, record sent to {dest}"),
        Disposition::Succeeded { .. } => "succeeded".into(),
        Disposition::ErrorReturned { status: 0, error } => {
            format!("error returned to the caller: no answer ({error})")
        }
        Disposition::ErrorReturned { status, error } => {
            format!("error returned to the caller: {status} ({error})")
        }
        Disposition::SentToFailureTarget {
            condition,
            targets,
            approximate_invoke_count,
        } => {
            format!(
                "sent to {} ({}, approximateInvokeCount {})",
                targets.join(" + "),
                condition.as_str(),
                approximate_invoke_count
            )
        }
        Disposition::Discarded {
            condition,
            approximate_invoke_count,
        } => {
            format!(
                "discarded ({}, approximateInvokeCount {})",
                condition.as_str(),
                approximate_invoke_count
            )
        }
        Disposition::Deleted {
            receive_count,
            failure_ignored: false,
        } => format!("deleted from the queue after success (receive {receive_count})"),
        Disposition::Deleted {
            receive_count,
            failure_ignored: true,
        } => {
            format!("deleted although reported failed: ReportBatchItemFailures off, message lost (receive {receive_count})")
        }
        Disposition::MovedToDlq { dlq, receive_count } => {
            format!("moved to the queue's DLQ {dlq} by SQS (receive count {receive_count})")
        }
        Disposition::Processed { deliveries } => {
            format!("processed; checkpoint passed it ({deliveries} deliveries)")
        }
        Disposition::Expired { age_ms } => {
            format!("expired before processing (age {})", SimTime(*age_ms))
        }
        Disposition::NotRead { starting_position } => {
            format!("never read (before the {starting_position} starting position)")
        }
        Disposition::Caught { error, state, next } => {
            format!("caught by a Catch on {state}: {error} → {next}")
        }
        Disposition::Abandoned { reason } => {
            format!("abandoned by Step Functions ({reason}); the run went on")
        }
        Disposition::ExecutionFailed { error, state } => {
            format!("execution failed: {error} in {state}")
        }
    }
}
