//! Amazon SQS as a Lambda event source, standard and FIFO (§3b of the fact sheet).
//!
//! ```text
//!  messages ─▶ [queue: visible │ in flight] ──receive──▶ mapping ──batch──▶ function
//!                   ▲                │                       │
//!                   │                └─ receive count > max ─┴─▶ queue's DLQ (SQS redrive)
//!                   └── visibility timeout ends (failed, throttled, reported) ◀─┘
//! ```
//! * While Lambda holds a batch its messages stay in the queue, invisible; on success Lambda
//!   deletes them (L-SQS-CFG [D]). Any error in a batch, without a partial batch response, makes
//!   **every** message of it visible again after the visibility timeout (L-SQS-CFG [D]).
//! * Each receive raises a message's receive count. SQS, not Lambda, moves a message to the
//!   queue's dead-letter queue when a receive would take it past the redrive policy's
//!   `max_receive_count` (L-SQS-CFG [D]); there are no Lambda destinations for SQS (L-ONFAIL-API).
//! * With `ReportBatchItemFailures` only the listed messages return (L-SQS-ERR [D]); without it a
//!   returned list is ignored (L-PBR [D]) and those messages are deleted: silently lost.
//! * Scaling: 5 concurrent batches when messages appear, then up to 300 more per minute while
//!   messages remain, up to the ceiling (§9.1: 1,250 by default) and `maximum_concurrency`
//!   (L-SQS-SCALE [D], L-SCALINGCFG [D]). A function error (without ReportBatchItemFailures) or a
//!   throttle lowers the concurrency (L-SQS-ERR [D]; by how much is `error_backoff_percent`, [U]).
//!   An empty queue goes back to the initial concurrency.
//! * A throttled batch is re-invoked with backoff until its visibility timeout would run out; then
//!   Lambda lets go and the messages return with a higher receive count (L-SQS-ERR [D]).
//! * FIFO: messages of a group come in order and a group with messages in flight gives no more
//!   until those are deleted or visible again, so a failing group is held back while others flow
//!   (L-SQS-SCALE [D]); concurrency is bounded by the active groups.
//! * Batching window: a poller holding a partly filled batch keeps receiving new messages into it
//!   until the window ends, the batch is full or it reaches 6 MB (L-ESM [D]). Messages received
//!   into it are in flight (their visibility clock runs) from their own receive, which is why AWS
//!   advises adding the window to the visibility timeout (L-SQS-CFG [D]).
//! * Receipt handles: deleting with the handle of an older receive does not delete a message that
//!   has been received again since ([U]: SQS says it "might not"; here it never does).
//! * Messages older than the retention period disappear (SQS-API [D]).
//! * Not modelled: SQS standard's own occasional duplicate receive, and the SQS + Lambda metadata
//!   that counts toward 6 MB (L-SQS-CFG [D]); the sheet gives no figures for either.

use std::collections::VecDeque;

use crate::idmap::IdMap;
use crate::invocations::IdWindow;

use crate::invoke::polling::{BatchResult, PollHappening, PollLeg};
use crate::scenario::{Source, SqsSource, BATCH_PAYLOAD_LIMIT};
use crate::time::SimTime;
use crate::trace::{
    BatchItem, Disposition, InvocationId, Message, RetryReason, ScaleReason, Trace,
};
use crate::world::{Leg, Sim};

/// The lowest concurrency Lambda backs off to ("may drop to 2", L-SQS-SCALE [D]).
pub const MIN_CONCURRENCY: u32 = 2;

#[derive(Clone, Debug)]
pub(crate) struct SqsQueue {
    /// By id: O(1) where a map's tree walk cost a dozen walks per message (messages are
    /// invocations, created in id order and mostly deleted in about that order).
    msgs: IdWindow<Msg>,
    /// Standard queue: visible messages, longest-visible first (by when each became visible,
    /// then by id), kept sorted. A message nearly always becomes visible after every other one
    /// (the clock only advances), so it joins at the back in O(1), where a B-tree set walked its
    /// whole right edge for every message.
    visible: VecDeque<InvocationId>,
    /// FIFO: per message group, its visible messages in order and how many are in flight.
    groups: IdMap<u32, Group>,
    /// Batches the mapping is working on (from receive to the function's answer).
    busy: u32,
    /// How many batches the mapping may run at once now.
    concurrency: u32,
    scaling_armed: bool,
    /// The batch a poller is filling during its batching window.
    collecting: Option<InvocationId>,
    retention_armed: bool,
    /// A receive is due at the end of this instant (so a burst lands in one batch).
    poll_armed: bool,
    /// Messages sent so far (for group ids).
    sent: u64,
}

impl SqsQueue {
    /// A FIFO message's group (`None` for a standard queue or a message no longer here).
    pub(crate) fn group_of(&self, inv: InvocationId) -> Option<u32> {
        self.msgs.get(&inv).and_then(|m| m.group)
    }

    /// Entries a clone of this queue copies (see [`crate::world::Sim::state_size`]).
    pub(crate) fn state_size(&self) -> usize {
        self.msgs.len() + self.visible.len() + self.groups.len()
    }
}

/// A message in the queue. Its size and send time are its invocation's (`payload_bytes`,
/// `created`): a message's invocation lives until the message leaves the queue, and the fewer
/// bytes here the less the queue's window of messages copies as it grows.
#[derive(Clone, Debug)]
struct Msg {
    group: Option<u32>,
    receive_count: u32,
    /// `Some(batch)` while in flight.
    in_flight: Option<InvocationId>,
    /// When it last became visible (its place in a standard queue).
    visible_since: SimTime,
    /// When it was last received (its visibility clock).
    received_at: SimTime,
}

#[derive(Clone, Debug, Default)]
struct Group {
    visible: VecDeque<InvocationId>,
    in_flight: u32,
}

impl SqsQueue {
    pub fn new(q: &SqsSource) -> SqsQueue {
        SqsQueue {
            msgs: IdWindow::default(),
            visible: VecDeque::new(),
            groups: IdMap::new(),
            busy: 0,
            concurrency: q.poller_initial_concurrency.min(q.concurrency_cap()),
            scaling_armed: false,
            collecting: None,
            retention_armed: false,
            poll_armed: false,
            sent: 0,
        }
    }

    fn has_receivable(&self, fifo: bool) -> bool {
        if fifo {
            self.groups
                .values()
                .any(|g| g.in_flight == 0 && !g.visible.is_empty())
        } else {
            !self.visible.is_empty()
        }
    }

    /// A standard queue's order of a visible message: when it became visible, then its id.
    fn visible_key(&self, inv: InvocationId) -> (SimTime, InvocationId) {
        let since = self
            .msgs
            .get(&inv)
            .map_or(SimTime::ZERO, |m| m.visible_since);
        (since, inv)
    }

    fn make_visible(&mut self, inv: InvocationId, now: SimTime) {
        let Some(m) = self.msgs.get_mut(&inv) else {
            return;
        };
        let was_in_flight = m.in_flight.take().is_some();
        m.visible_since = now;
        let group = m.group;
        match group {
            Some(g) => {
                let group = self.groups.get_or_insert_with(g, Group::default);
                if was_in_flight {
                    group.in_flight -= 1;
                }
                // Back at its place in the group: messages keep their order (L-SQS-SCALE).
                let at = group.visible.partition_point(|x| *x < inv);
                group.visible.insert(at, inv);
            }
            None => {
                let key = (now, inv);
                let at = if self
                    .visible
                    .back()
                    .is_none_or(|&last| self.visible_key(last) < key)
                {
                    self.visible.len()
                } else {
                    self.visible.partition_point(|&x| self.visible_key(x) < key)
                };
                self.visible.insert(at, inv);
            }
        }
    }

    /// Forgets a message (deleted, dead-lettered, expired).
    fn remove(&mut self, inv: InvocationId) -> Option<Msg> {
        let m = self.msgs.remove(&inv)?;
        match (m.group, m.in_flight) {
            (Some(g), Some(_)) => {
                if let Some(group) = self.groups.get_mut(&g) {
                    group.in_flight = group.in_flight.saturating_sub(1);
                }
            }
            (Some(g), None) => {
                if let Some(group) = self.groups.get_mut(&g) {
                    group.visible.retain(|x| *x != inv);
                }
            }
            (None, None) => {
                // Its place by its own key (it is no longer in `msgs` to be looked up).
                let key = (m.visible_since, inv);
                let at = self
                    .visible
                    .partition_point(|&x| x != inv && self.visible_key(x) < key);
                if self.visible.get(at) == Some(&inv) {
                    self.visible.remove(at);
                }
            }
            (None, Some(_)) => {}
        }
        if let Some(g) = m.group {
            if self
                .groups
                .get(&g)
                .is_some_and(|x| x.in_flight == 0 && x.visible.is_empty())
            {
                self.groups.remove(&g);
            }
        }
        Some(m)
    }

    /// How many batches the mapping may run at once now.
    pub fn concurrency(&self) -> u32 {
        self.concurrency
    }

    /// Messages waiting (visible) and in flight, for tests and the CLI.
    pub fn counts(&self) -> (u32, u32) {
        let in_flight = self
            .msgs
            .iter()
            .filter(|(_, m)| m.in_flight.is_some())
            .count() as u32;
        (self.msgs.len() as u32 - in_flight, in_flight)
    }
}

impl Sim {
    fn sqs_cfg(&self, source: usize) -> &SqsSource {
        match &self.scenario.file.sources[source] {
            Source::Sqs(q) => q,
            _ => unreachable!("source {source} is an SQS queue"),
        }
    }

    /// A producer sent a message to the queue.
    pub(crate) fn sqs_message_created(&mut self, inv: InvocationId, source: usize) {
        let (fifo, groups) = {
            let q = self.sqs_cfg(source);
            (q.fifo, q.message_groups.max(1) as u64)
        };
        let sequence = self.invocations.get(&inv).map_or(0, |s| s.event.0 as u64);
        let now = self.now;
        let Some(queue) = self.polling.sqs.get_mut(&source) else {
            return;
        };
        let group = fifo.then(|| (queue.sent % groups) as u32);
        queue.sent += 1;
        queue.msgs.insert(
            inv,
            Msg {
                group,
                receive_count: 0,
                in_flight: None,
                visible_since: now,
                received_at: now,
            },
        );
        queue.make_visible(inv, now);
        let arm_retention = !queue.retention_armed;
        queue.retention_armed = true;
        let node = self.topo.sources[source].0;
        self.emit(Trace::Stored {
            inv,
            node,
            key: group.map(|g| format!("g{g}")),
            sequence,
        });
        if arm_retention {
            let at = now.plus(self.sqs_cfg(source).message_retention_period_s as u64 * 1000);
            self.schedule_poll(at, PollHappening::SqsRetention { source });
        }
        // Long polling returns as soon as messages are there; everything sent in this same
        // instant is there too.
        let s = self.polling.sqs.get_mut(&source).expect("queue");
        if !s.poll_armed {
            s.poll_armed = true;
            self.schedule_poll(now, PollHappening::SqsPoll { source });
        }
    }

    pub(crate) fn sqs_poll_now(&mut self, source: usize) {
        if let Some(s) = self.polling.sqs.get_mut(&source) {
            s.poll_armed = false;
        }
        self.sqs_try_poll(source);
    }

    /// Pollers with room take batches while there are messages to take.
    pub(crate) fn sqs_try_poll(&mut self, source: usize) {
        // The settings this needs, copied out (a clone of the source copied its strings on every
        // poll, which the SQS benchmark paid for several times per batch).
        let (fifo, batch_size, window_ms, cap) = {
            let q = self.sqs_cfg(source);
            (
                q.fifo,
                q.batch_size as usize,
                q.maximum_batching_window_s as u64 * 1000,
                q.concurrency_cap(),
            )
        };
        // A batch being filled during its window takes newly visible messages first.
        if let Some(batch) = self.polling.sqs.get(&source).and_then(|s| s.collecting) {
            let (have, bytes) = self.batch_size_bytes(batch);
            self.sqs_receive(source, batch, batch_size - have, bytes);
            let (have, bytes) = self.batch_size_bytes(batch);
            if have >= batch_size || bytes >= BATCH_PAYLOAD_LIMIT {
                if let Some(s) = self.polling.sqs.get_mut(&source) {
                    s.collecting = None;
                }
                self.sqs_dispatch(source, batch);
            }
        }
        loop {
            let Some(s) = self.polling.sqs.get(&source) else {
                return;
            };
            if s.collecting.is_some() || s.busy >= s.concurrency.min(cap) || !s.has_receivable(fifo)
            {
                break;
            }
            let batch = self.new_batch(source, Vec::new(), Vec::new());
            if self.sqs_receive(source, batch, batch_size, 0) == 0 {
                // Everything it looked at went to the DLQ: nothing to invoke.
                self.polling.batches.remove(&batch);
                self.retire_batch_invocation(batch);
                continue;
            }
            let (have, bytes) = self.batch_size_bytes(batch);
            let s = self.polling.sqs.get_mut(&source).expect("queue");
            s.busy += 1;
            if window_ms > 0 && have < batch_size && bytes < BATCH_PAYLOAD_LIMIT {
                s.collecting = Some(batch);
                self.schedule_poll(
                    self.now.plus(window_ms),
                    PollHappening::SqsWindowEnd { source, batch },
                );
                break;
            }
            self.sqs_dispatch(source, batch);
        }
        // Messages are waiting and every poller is busy: Lambda adds pollers each minute.
        let s = self.polling.sqs.get_mut(&source).expect("queue");
        if !s.scaling_armed && s.has_receivable(fifo) && s.busy >= s.concurrency.min(cap) {
            s.scaling_armed = true;
            self.schedule_poll(self.now.plus(60_000), PollHappening::SqsScale { source });
        }
    }

    fn batch_size_bytes(&self, batch: InvocationId) -> (usize, u64) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return (0, 0);
        };
        let bytes = b
            .items
            .iter()
            .filter_map(|i| self.invocations.get(i))
            .map(|s| s.payload_bytes)
            .sum();
        (b.items.len(), bytes)
    }

    /// ReceiveMessage into `batch` (its items and their receipts): up to `want` messages and the
    /// 6 MB cap. A message whose receive count already reached `max_receive_count` is moved to the
    /// DLQ instead (SQS redrive, L-SQS-CFG [D]). Starts the visibility clock of what it takes and
    /// returns how many it took.
    fn sqs_receive(
        &mut self,
        source: usize,
        batch: InvocationId,
        want: usize,
        mut bytes: u64,
    ) -> usize {
        let (fifo, max_receive, vis_ms) = {
            let q = self.sqs_cfg(source);
            (
                q.fifo,
                q.max_receive_count,
                q.visibility_timeout_s as u64 * 1000,
            )
        };
        let now = self.now;
        let mut to_dlq: Vec<(InvocationId, u32)> = Vec::new();
        let polling = &mut self.polling;
        let (Some(s), Some(b)) = (
            polling.sqs.get_mut(&source),
            polling.batches.get_mut(&batch),
        ) else {
            return 0;
        };
        // Straight into the batch, sized once (a batch of 10 grew its lists three times each).
        let room = want.min(s.msgs.len());
        b.items.reserve(room);
        b.deliveries.reserve(room);
        let mut took = 0;
        let full = |took: usize, bytes: u64, next: u64| {
            took >= want || (took > 0 && bytes + next > BATCH_PAYLOAD_LIMIT)
        };
        if fifo {
            // Oldest group head first; a group with messages in flight gives nothing (L-SQS-SCALE).
            let mut heads: Vec<(InvocationId, u32)> = s
                .groups
                .iter()
                .filter(|(_, g)| g.in_flight == 0)
                .filter_map(|(k, g)| g.visible.front().map(|h| (*h, *k)))
                .collect();
            crate::order::sort_by_u64_key(&mut heads, |(inv, _)| u64::from(inv.0));
            'groups: for (_, g) in heads {
                while let Some(group) = s.groups.get_mut(&g) {
                    let Some(&inv) = group.visible.front() else {
                        break;
                    };
                    let m = s.msgs.get_mut(&inv).expect("msg");
                    let rc = m.receive_count;
                    if max_receive.is_some_and(|max| rc >= max) {
                        group.visible.pop_front();
                        to_dlq.push((inv, rc));
                        continue;
                    }
                    let size = self.invocations.get(&inv).map_or(0, |i| i.payload_bytes);
                    if full(took, bytes, size) {
                        break 'groups;
                    }
                    group.visible.pop_front();
                    group.in_flight += 1;
                    m.receive_count += 1;
                    m.in_flight = Some(batch);
                    m.received_at = now;
                    bytes += size;
                    took += 1;
                    b.items.push(inv);
                    b.deliveries.push(m.receive_count);
                }
            }
        } else {
            while let Some(&inv) = s.visible.front() {
                let m = s.msgs.get_mut(&inv).expect("msg");
                let rc = m.receive_count;
                if max_receive.is_some_and(|max| rc >= max) {
                    s.visible.pop_front();
                    to_dlq.push((inv, rc));
                    continue;
                }
                let size = self.invocations.get(&inv).map_or(0, |i| i.payload_bytes);
                if full(took, bytes, size) {
                    break;
                }
                s.visible.pop_front();
                m.receive_count += 1;
                m.in_flight = Some(batch);
                m.received_at = now;
                bytes += size;
                took += 1;
                b.items.push(inv);
                b.deliveries.push(m.receive_count);
            }
        }
        if took > 0 {
            // The handler's `attempt` for the batch is its items' highest receive count.
            let max = b.deliveries.iter().copied().max().unwrap_or(1);
            if let Some(s) = self.invocations.get_mut(&batch) {
                s.attempts = max - 1;
            }
        }
        for (inv, receive_count) in to_dlq {
            self.sqs_move_to_dlq(source, inv, receive_count);
        }
        if took > 0 {
            self.schedule_poll(
                now.plus(vis_ms),
                PollHappening::SqsVisibility { source, batch },
            );
        }
        took
    }

    /// SQS's redrive: the message leaves for the dead-letter queue (L-SQS-CFG [D]).
    fn sqs_move_to_dlq(&mut self, source: usize, inv: InvocationId, receive_count: u32) {
        if let Some(s) = self.polling.sqs.get_mut(&source) {
            // The message was already taken off the visible list; forget it entirely.
            if let Some(m) = s.msgs.remove(&inv) {
                if let Some(g) = m.group {
                    if s.groups
                        .get(&g)
                        .is_some_and(|x| x.in_flight == 0 && x.visible.is_empty())
                    {
                        s.groups.remove(&g);
                    }
                }
            }
        }
        let dlq = self
            .sqs_cfg(source)
            .dead_letter_queue
            .clone()
            .unwrap_or_default();
        self.dispose(inv, Disposition::MovedToDlq { dlq, receive_count });
        if let Some(node) = self.topo.source_dlqs[source] {
            let queue = self.topo.sources[source].0;
            self.send(inv, queue, node, Message::ToDeadLetterQueue, Leg::Ack);
        }
    }

    /// The batch leaves the queue for the mapping.
    fn sqs_dispatch(&mut self, source: usize, batch: InvocationId) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        let Some(s) = self.polling.sqs.get(&source) else {
            return;
        };
        // A message whose visibility ran out while the batch was filling is no longer in it.
        let mut items: Vec<BatchItem> = Vec::with_capacity(b.items.len());
        for (inv, d) in b.items.iter().zip(&b.deliveries) {
            if s.msgs
                .get(inv)
                .is_some_and(|m| m.in_flight == Some(batch) && m.receive_count == *d)
            {
                items.push(BatchItem {
                    inv: *inv,
                    event: self.event_of(*inv),
                    delivery: *d,
                });
            }
        }
        let dropped = items.len() < b.items.len();
        if items.is_empty() {
            if let Some(b) = self.polling.batches.get_mut(&batch) {
                b.finished = true;
            }
            if let Some(s) = self.polling.sqs.get_mut(&source) {
                s.busy -= 1;
            }
            self.retire_batch_invocation(batch);
            return;
        }
        let list: Vec<InvocationId> = items.iter().map(|i| i.inv).collect();
        if dropped {
            if let Some(b) = self.polling.batches.get_mut(&batch) {
                b.items = list.clone();
                b.deliveries = items.iter().map(|i| i.delivery).collect();
            }
        }
        let queue = self.topo.sources[source].0;
        let esm = self.esm_node(source);
        self.emit(Trace::BatchPolled {
            batch,
            esm,
            from: queue,
            items,
            iterator_age_ms: None,
        });
        self.send(
            batch,
            queue,
            esm,
            Message::Batch {
                items: list,
                try_no: 1,
            },
            Leg::Polling(PollLeg::AtEsm),
        );
    }

    pub(crate) fn sqs_window_end(&mut self, source: usize, batch: InvocationId) {
        let Some(s) = self.polling.sqs.get_mut(&source) else {
            return;
        };
        if s.collecting != Some(batch) {
            return;
        }
        s.collecting = None;
        self.sqs_dispatch(source, batch);
        self.sqs_try_poll(source);
    }

    /// The mapping has the function's answer for a batch.
    pub(crate) fn sqs_batch_result(&mut self, batch: InvocationId, result: BatchResult) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        let source = b.source;
        let (rbif, backoff_initial_ms, vis) = {
            let q = self.sqs_cfg(source);
            (
                q.report_batch_item_failures(),
                q.throttle_backoff_initial_ms,
                q.visibility_timeout_s as u64 * 1000,
            )
        };
        match result {
            BatchResult::Throttled => {
                // Retry with backoff while the messages are still ours (L-SQS-ERR [D]).
                let b = self.polling.batches.get_mut(&batch).expect("batch");
                b.backoff_ms = if b.backoff_ms == 0 {
                    backoff_initial_ms
                } else {
                    b.backoff_ms.saturating_mul(2)
                };
                let due = self.now.plus(b.backoff_ms);
                let next_try = b.try_no + 1;
                // The earliest moment one of its messages becomes visible again.
                let visibility_ends = self.polling.sqs.get(&source).and_then(|s| {
                    b.items
                        .iter()
                        .filter_map(|i| s.msgs.get(i))
                        .filter(|m| m.in_flight == Some(batch))
                        .map(|m| m.received_at.plus(vis))
                        .min()
                });
                self.sqs_back_off(source, ScaleReason::Throttled);
                let hop = self.scenario.file.network.hop_ms;
                match visibility_ends {
                    Some(end) if due.plus(2 * hop) < end => {
                        self.emit(Trace::RetryScheduled {
                            inv: batch,
                            next_try,
                            due,
                            reason: RetryReason::EsmThrottled,
                        });
                        self.schedule_poll(due, PollHappening::Reinvoke { batch });
                    }
                    _ => self.sqs_finish_batch(source, batch),
                }
            }
            BatchResult::Failed => {
                // The whole batch comes back after the visibility timeout (L-SQS-CFG [D]); Lambda
                // backs off unless ReportBatchItemFailures is on (L-SQS-ERR [D]).
                if !rbif {
                    self.sqs_back_off(source, ScaleReason::FunctionError);
                }
                self.sqs_finish_batch(source, batch);
            }
            BatchResult::Succeeded => {
                let b = self.polling.batches.get(&batch).expect("batch");
                let reported =
                    (!b.reported.is_empty()).then(|| self.batch_items(batch, &b.reported));
                // Per message: its receipt, and whether a reported failure is ignored (deleted).
                let mut delete: Vec<(InvocationId, u32, bool)> = Vec::with_capacity(b.items.len());
                for (&inv, &receipt) in b.items.iter().zip(&b.deliveries) {
                    let failed = b.reported.contains(&inv);
                    if !rbif || !failed {
                        delete.push((inv, receipt, !rbif && failed));
                    }
                }
                if let Some(items) = reported {
                    self.emit(Trace::ItemFailuresReported {
                        batch,
                        items,
                        honoured: rbif,
                    });
                }
                if !delete.is_empty() {
                    let esm = self.esm_node(source);
                    let queue = self.topo.sources[source].0;
                    let items = delete.iter().map(|d| d.0).collect();
                    self.send(
                        batch,
                        esm,
                        queue,
                        Message::DeleteMessages { items },
                        Leg::Polling(PollLeg::DeleteAtQueue { items: delete }),
                    );
                }
                self.sqs_finish_batch(source, batch);
            }
        }
    }

    /// The mapping is done with a batch: a poller is free again.
    fn sqs_finish_batch(&mut self, source: usize, batch: InvocationId) {
        if let Some(b) = self.polling.batches.get_mut(&batch) {
            b.finished = true;
        }
        if let Some(s) = self.polling.sqs.get_mut(&source) {
            s.busy = s.busy.saturating_sub(1);
        }
        self.retire_batch_invocation(batch);
        self.sqs_try_poll(source);
    }

    /// Lambda lowers the mapping's concurrency after an error or a throttle (L-SQS-ERR [D]).
    fn sqs_back_off(&mut self, source: usize, reason: ScaleReason) {
        let pct = self.sqs_cfg(source).error_backoff_percent;
        let Some(s) = self.polling.sqs.get_mut(&source) else {
            return;
        };
        let lowered = (s.concurrency as u64 * pct as u64 / 100).max(MIN_CONCURRENCY as u64) as u32;
        if lowered < s.concurrency {
            s.concurrency = lowered;
            let arm = !s.scaling_armed;
            s.scaling_armed = true;
            let esm = self.esm_node(source);
            self.emit(Trace::PollersScaled {
                esm,
                concurrency: lowered,
                reason,
            });
            // The once-a-minute decision will scale back up (or reset when the queue empties).
            if arm {
                self.schedule_poll(self.now.plus(60_000), PollHappening::SqsScale { source });
            }
        }
    }

    /// A delete reached the queue: messages still held under this receipt are gone.
    pub(crate) fn sqs_delete_at_queue(
        &mut self,
        batch: InvocationId,
        items: Vec<(InvocationId, u32, bool)>,
    ) {
        let Some(source) = self.polling.batches.get(&batch).map(|b| b.source) else {
            return;
        };
        for (inv, receive_count, failure_ignored) in items {
            // An older receipt handle does not delete a message received again since.
            let deleted = self.polling.sqs.get_mut(&source).is_some_and(|s| {
                s.msgs
                    .get(&inv)
                    .is_some_and(|m| m.receive_count == receive_count)
                    && s.remove(inv).is_some()
            });
            if deleted {
                self.dispose(
                    inv,
                    Disposition::Deleted {
                        receive_count,
                        failure_ignored,
                    },
                );
            }
        }
        self.sqs_forget_batch_if_settled(batch);
        self.sqs_try_poll(source);
    }

    /// A receive's visibility timeout ran out: what is still in flight under it is visible again.
    pub(crate) fn sqs_visibility_expired(&mut self, source: usize, batch: InvocationId) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        let now = self.now;
        let vis = self.sqs_cfg(source).visibility_timeout_s as u64 * 1000;
        let mut back = Vec::new();
        if let Some(s) = self.polling.sqs.get_mut(&source) {
            for &inv in &b.items {
                let Some(m) = s.msgs.get(&inv) else { continue };
                // Received into this batch at least `vis` ago (a window batch receives over time).
                if m.in_flight == Some(batch) && m.received_at.plus(vis) <= now {
                    let rc = m.receive_count;
                    s.make_visible(inv, now);
                    back.push((inv, rc));
                }
            }
        }
        let queue = self.topo.sources[source].0;
        for (inv, receive_count) in back {
            let event = self.event_of(inv);
            self.emit(Trace::VisibleAgain {
                inv,
                event,
                queue,
                receive_count,
            });
        }
        self.sqs_forget_batch_if_settled(batch);
        self.sqs_try_poll(source);
    }

    /// Drops a finished batch once none of its messages is held under it any more.
    fn sqs_forget_batch_if_settled(&mut self, batch: InvocationId) {
        let Some(b) = self.polling.batches.get(&batch) else {
            return;
        };
        if !b.finished {
            return;
        }
        let held = self.polling.sqs.get(&b.source).is_some_and(|s| {
            b.items
                .iter()
                .any(|i| s.msgs.get(i).is_some_and(|m| m.in_flight == Some(batch)))
        });
        if !held {
            self.polling.batches.remove(&batch);
        }
    }

    /// Once a minute: more pollers while messages wait and all pollers are busy (+300/min, up to
    /// the cap), back to the initial concurrency when the queue is empty (L-SQS-SCALE [D]).
    pub(crate) fn sqs_scale_tick(&mut self, source: usize) {
        let q = self.sqs_cfg(source);
        let (fifo, cap, step, initial) = (
            q.fifo,
            q.concurrency_cap(),
            q.poller_scale_up_per_minute,
            q.poller_initial_concurrency,
        );
        let esm = self.esm_node(source);
        let Some(s) = self.polling.sqs.get_mut(&source) else {
            return;
        };
        s.scaling_armed = false;
        let waiting = s.has_receivable(fifo);
        let mut change = None;
        if waiting && s.busy >= s.concurrency.min(cap) && s.concurrency < cap {
            s.concurrency = (s.concurrency + step).min(cap);
            change = Some((s.concurrency, ScaleReason::Backlog));
        } else if s.msgs.is_empty() && s.busy == 0 {
            let initial = initial.min(cap);
            if s.concurrency != initial {
                s.concurrency = initial;
                change = Some((initial, ScaleReason::Idle));
            }
        }
        let rearm = !(s.msgs.is_empty() && s.busy == 0);
        if rearm {
            s.scaling_armed = true;
        }
        if let Some((concurrency, reason)) = change {
            self.emit(Trace::PollersScaled {
                esm,
                concurrency,
                reason,
            });
        }
        if rearm {
            self.schedule_poll(self.now.plus(60_000), PollHappening::SqsScale { source });
        }
        self.sqs_try_poll(source);
    }

    /// Messages older than the retention period are gone (SQS-API [D]).
    pub(crate) fn sqs_retention_check(&mut self, source: usize) {
        let retention = self.sqs_cfg(source).message_retention_period_s as u64 * 1000;
        let now = self.now;
        let Some(s) = self.polling.sqs.get_mut(&source) else {
            return;
        };
        let sent_at = |inv: InvocationId| self.invocations.get(&inv).map_or(now, |i| i.created);
        let mut gone = Vec::new();
        // Ids grow with send time, so the first message is the oldest.
        while let Some((inv, _)) = s.msgs.first() {
            let sent = sent_at(inv);
            if sent.plus(retention) > now {
                break;
            }
            gone.push((inv, now.since(sent)));
            s.remove(inv);
        }
        let next = s.msgs.first().map(|(inv, _)| sent_at(inv).plus(retention));
        s.retention_armed = next.is_some();
        for (inv, age_ms) in gone {
            self.dispose(inv, Disposition::Expired { age_ms });
        }
        if let Some(at) = next {
            self.schedule_poll(at, PollHappening::SqsRetention { source });
        }
    }

    /// Visible and in-flight messages of an SQS source, if it is one.
    pub fn sqs_counts(&self, source: usize) -> Option<(u32, u32)> {
        self.polling.sqs.get(&source).map(|s| s.counts())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A standard queue's visible list is kept in the order a B-tree set of (became visible, id)
    /// gives (what it replaced), through new messages, messages made visible again out of id
    /// order, and removals of visible and in-flight messages.
    #[test]
    fn visible_list_keeps_the_order_of_time_then_id() {
        let mut q = SqsQueue {
            msgs: IdWindow::default(),
            visible: VecDeque::new(),
            groups: IdMap::new(),
            busy: 0,
            concurrency: 5,
            scaling_armed: false,
            collecting: None,
            retention_armed: false,
            poll_armed: false,
            sent: 0,
        };
        let mut model: BTreeSet<(SimTime, InvocationId)> = BTreeSet::new();
        let (mut live, mut in_flight) = (Vec::new(), Vec::new());
        let mut rng = crate::rng::Rng::new(11);
        let (mut next, mut now) = (0u32, SimTime::ZERO);
        for _ in 0..20_000 {
            now = now.plus(rng.next_u64() % 3);
            let pick = |rng: &mut crate::rng::Rng, n: usize| (rng.next_u64() % n as u64) as usize;
            match rng.next_u64() % 5 {
                0 | 1 => {
                    let inv = InvocationId(next);
                    next += 1 + (rng.next_u64() % 2) as u32;
                    let msg = Msg {
                        group: None,
                        receive_count: 0,
                        in_flight: None,
                        visible_since: now,
                        received_at: now,
                    };
                    q.msgs.insert(inv, msg);
                    q.make_visible(inv, now);
                    model.insert((now, inv));
                    live.push(inv);
                }
                2 => {
                    // Received: off the front, in flight.
                    if let Some(inv) = q.visible.pop_front() {
                        let m = q
                            .msgs
                            .get_mut(&inv)
                            .expect("visible messages are in the queue");
                        assert!(model.remove(&(m.visible_since, inv)));
                        m.in_flight = Some(InvocationId(u32::MAX));
                        in_flight.push(inv);
                    }
                }
                3 if !in_flight.is_empty() => {
                    // Its visibility timeout ends: visible again now, behind newer ids.
                    let inv = in_flight.swap_remove(pick(&mut rng, in_flight.len()));
                    q.make_visible(inv, now);
                    model.insert((now, inv));
                }
                _ if !live.is_empty() => {
                    // Deleted or expired, visible or in flight.
                    let inv = live.swap_remove(pick(&mut rng, live.len()));
                    in_flight.retain(|x| *x != inv);
                    if let Some(m) = q.remove(inv) {
                        if m.in_flight.is_none() {
                            assert!(model.remove(&(m.visible_since, inv)));
                        }
                    }
                }
                _ => {}
            }
            assert!(q.visible.iter().eq(model.iter().map(|(_, inv)| inv)));
        }
        assert!(model.len() > 100, "the run kept a backlog to order");
    }
}
