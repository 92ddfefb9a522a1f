//! Kinesis Data Streams and DynamoDB Streams as Lambda event sources (§3c of the fact sheet).
//!
//! ```text
//!  records ─▶ shard 0 ─┐                                   ┌─▶ checkpoint moves on
//!  (by key)   shard 1 ─┼─poll─▶ [mapping] ─batch─▶ function ┤
//!             shard 2 ─┘           ▲                        └─▶ retry (shard blocked) / bisect
//!                                  └──────── on-failure destination (metadata) ◀── limits hit
//! ```
//! * A record goes to a shard by its partition key (item key for DynamoDB); a batch holds records
//!   of one shard only, and with ParallelizationFactor 1 one batch per shard is in flight
//!   (L-KIN [D]). With a factor of N a shard runs up to N batches at once, order kept per key
//!   (L-KIN-PARAM [D], L-DDB [D]): here each shard has N *lanes*, a key always in the same lane.
//! * Polling: about once a second per shard for Kinesis, four times for DynamoDB (L-KIN [D],
//!   L-DDB [D]; the cadence is a parameter), reading again at once while behind.
//! * A failing batch is retried **whole** and the shard (lane) waits: nothing newer from it is
//!   read until the batch succeeds, runs out of retries, gets too old, or its records expire;
//!   other shards keep flowing (L-RETRIES [D], L-KIN [D]).
//! * `maximum_retry_attempts` −1 retries until the record expires; `maximum_record_age_s` −1
//!   means no age limit but retention still applies (L-KIN-PARAM [D], §9.7). Throttles (errors
//!   before the invocation) use no retries (L-KIN-FAIL [D]).
//! * `bisect_batch_on_function_error` splits a failed batch in two and retries the halves without
//!   using a retry (L-KIN-PARAM [D], L-KIN-FAIL [D]).
//! * Partial batch responses checkpoint at the lowest reported sequence number and retry from
//!   there; with bisection the split happens there (L-PBR [D]).
//! * When limits are hit the records are discarded and the mapping moves on; an on-failure
//!   destination gets metadata about them (SQS, SNS), S3 also the payload (L-KIN-FAIL [D]).
//! * Retention: 24 h by default (Kinesis up to 8,760 h; DynamoDB fixed 24 h, KDS-RET [D],
//!   L-DDB-PARAM [D]); a record still waiting then is gone ([U] whether an on-failure record is
//!   sent for it is not documented; none is).
//! * Starting position: TRIM_HORIZON reads everything still retained; LATEST misses what was
//!   written before the mapping started polling (L-DDB [D]); AT_TIMESTAMP starts at a time.
//! * DynamoDB: at most 2 readers per shard (1 for global tables), else reads are throttled
//!   (L-DDB [D]). [U] how often: readers share the reads in turn, so with 3 readers and a limit
//!   of 2 every third read of this mapping is throttled.
//! * IteratorAge: how long a batch's last record waited before Lambda got it (L-RETRIES [D]);
//!   it grows while a shard is blocked.
//! * Not modelled: tumbling windows (L-WINDOWS), enhanced fan-out, resharding.

use std::collections::VecDeque;

use crate::invocations::IdWindow;

use crate::invoke::polling::{BatchResult, PollHappening, PollLeg};
use crate::scenario::{StartingPosition, StreamParams, BATCH_PAYLOAD_LIMIT};
use crate::time::SimTime;
use crate::trace::{
    BatchItem, Disposition, FailureCondition, InvocationId, Message, RetryReason, Trace,
};
use crate::world::{Leg, Sim};

#[derive(Clone, Debug)]
pub(crate) struct Stream {
    p: StreamParams,
    shards: Vec<ShardState>,
    /// Records by id. A sliding window, like the live invocations: records are written in id
    /// order and mostly leave in it, and an `IdMap` (a B-tree index) was a third of a
    /// 100-shard stream's time in the browser (inserting and removing; issue 16).
    recs: IdWindow<Rec>,
    written: u64,
    enabled: bool,
    /// Records written before the mapping started polling.
    held: Vec<InvocationId>,
}

impl Stream {
    /// Entries a clone of this stream copies (see [`crate::world::Sim::state_size`]).
    pub(crate) fn state_size(&self) -> usize {
        self.recs.len() + self.held.len() + self.shards.iter().map(|s| s.lanes.len()).sum::<usize>()
    }
}

#[derive(Clone, Debug)]
struct ShardState {
    lanes: Vec<Lane>,
    poll_armed: bool,
    reads: u64,
}

#[derive(Clone, Debug, Default)]
struct Lane {
    /// Records past the checkpoint, not yet read, in sequence order.
    pending: VecDeque<InvocationId>,
    /// Records to read again first (a retry, bisected halves), in order.
    queued: VecDeque<Sub>,
    running: Option<InvocationId>,
    retry_due: Option<SimTime>,
    blocked: bool,
    window_since: Option<SimTime>,
    /// When the window end is scheduled for (one wake-up per window).
    window_armed: Option<SimTime>,
    expiry_armed: Option<SimTime>,
    backoff_ms: u64,
}

#[derive(Clone, Debug)]
struct Sub {
    items: Vec<InvocationId>,
    retries_used: u32,
}

#[derive(Clone, Debug)]
struct Rec {
    shard: u32,
    lane: u32,
    written_at: SimTime,
    bytes: u64,
    deliveries: u32,
}

/// A partition key's name, `k` and its number: written by hand, as `format!` was a tenth of a
/// 100-shard stream's time in the browser (one per record written).
fn key_name(key: u32) -> String {
    let mut digits = [0u8; 10];
    let (mut n, mut i) = (key, digits.len());
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut name = String::with_capacity(1 + digits.len() - i);
    name.push('k');
    name.extend(digits[i..].iter().map(|d| char::from(*d)));
    name
}

impl Sim {
    pub(crate) fn init_stream(&mut self, source: usize, p: StreamParams) {
        let lanes = p.parallelization_factor.max(1) as usize;
        let shards = (0..p.shards)
            .map(|_| ShardState {
                lanes: vec![Lane::default(); lanes],
                poll_armed: false,
                reads: 0,
            })
            .collect();
        let enabled = p.mapping_enabled_at_ms == 0;
        if !enabled {
            self.schedule_poll(
                SimTime(p.mapping_enabled_at_ms),
                PollHappening::StreamEnabled { source },
            );
        }
        self.polling.streams.insert(
            source,
            Stream {
                p,
                shards,
                recs: IdWindow::default(),
                written: 0,
                enabled,
                held: Vec::new(),
            },
        );
    }

    fn stream(&mut self, source: usize) -> &mut Stream {
        self.polling
            .streams
            .get_mut(&source)
            .expect("stream source")
    }

    fn lane(&mut self, source: usize, shard: u32, lane: u32) -> &mut Lane {
        &mut self.stream(source).shards[shard as usize].lanes[lane as usize]
    }

    /// A producer wrote a record: it lands on the shard of its key.
    pub(crate) fn stream_record_created(&mut self, inv: InvocationId, source: usize) {
        let (bytes, sequence) = self
            .invocations
            .get(&inv)
            .map_or((0, 0), |s| (s.payload_bytes, s.event.0 as u64));
        let now = self.now;
        let s = self.stream(source);
        let k = s.written;
        s.written += 1;
        let key = (k % s.p.partition_keys as u64) as u32;
        let shard = key % s.p.shards;
        let lane = (key / s.p.shards) % s.p.parallelization_factor.max(1);
        s.recs.insert(
            inv,
            Rec {
                shard,
                lane,
                written_at: now,
                bytes,
                deliveries: 0,
            },
        );
        let (enabled, position, ts) = (s.enabled, s.p.starting_position, s.p.starting_timestamp_ms);
        let node = self.topo.shards[source][shard as usize];
        self.emit(Trace::Stored {
            inv,
            node,
            key: Some(key_name(key)),
            sequence,
        });
        if !enabled {
            self.stream(source).held.push(inv);
        } else if position == StartingPosition::AtTimestamp && now.as_ms() < ts {
            self.stream_not_read(source, inv);
        } else {
            self.lane(source, shard, lane).pending.push_back(inv);
            self.stream_arm_expiry(source, shard, lane);
            self.stream_arm_poll(source, shard);
        }
    }

    fn stream_not_read(&mut self, source: usize, inv: InvocationId) {
        let position = self.stream(source).p.starting_position.as_str().to_string();
        self.stream(source).recs.remove(&inv);
        self.dispose(
            inv,
            Disposition::NotRead {
                starting_position: position,
            },
        );
    }

    /// The mapping is ready and starts polling; what LATEST / AT_TIMESTAMP skip is never read.
    pub(crate) fn stream_enabled(&mut self, source: usize) {
        let s = self.stream(source);
        s.enabled = true;
        let held = std::mem::take(&mut s.held);
        let (position, ts) = (s.p.starting_position, s.p.starting_timestamp_ms);
        for inv in held {
            let Some(r) = self.stream(source).recs.get(&inv).cloned() else {
                continue;
            };
            let skip = match position {
                StartingPosition::Latest => true,
                StartingPosition::AtTimestamp => r.written_at.as_ms() < ts,
                StartingPosition::TrimHorizon => false,
            };
            if skip {
                self.stream_not_read(source, inv);
            } else {
                self.lane(source, r.shard, r.lane).pending.push_back(inv);
                self.stream_arm_expiry(source, r.shard, r.lane);
            }
        }
        for shard in 0..self.stream(source).p.shards {
            self.stream_arm_poll(source, shard);
        }
    }

    /// Next poll of a shard, on the mapping's poll cadence.
    fn stream_arm_poll(&mut self, source: usize, shard: u32) {
        let now = self.now;
        let s = self.stream(source);
        if !s.enabled || s.shards[shard as usize].poll_armed {
            return;
        }
        s.shards[shard as usize].poll_armed = true;
        let (start, every) = (s.p.mapping_enabled_at_ms, s.p.poll_interval_ms.max(1));
        let since = now.as_ms().saturating_sub(start);
        let at = SimTime(start + since.div_ceil(every) * every);
        self.schedule_poll(at, PollHappening::StreamPoll { source, shard });
    }

    pub(crate) fn stream_poll(&mut self, source: usize, shard: u32) {
        let s = self.stream(source);
        s.shards[shard as usize].poll_armed = false;
        let lanes = s.shards[shard as usize].lanes.len() as u32;
        for lane in 0..lanes {
            self.stream_lane_next(source, shard, lane, true);
        }
        // Records still waiting (a batching window, a throttled read): poll again next time.
        let now = self.now;
        let s = self.stream(source);
        let waiting = s.shards[shard as usize]
            .lanes
            .iter()
            .any(|l| l.running.is_none() && l.queued.is_empty() && !l.pending.is_empty());
        if waiting {
            s.shards[shard as usize].poll_armed = true;
            let at = now.plus(s.p.poll_interval_ms.max(1));
            self.schedule_poll(at, PollHappening::StreamPoll { source, shard });
        }
    }

    /// One read of the shard by this mapping: allowed, or throttled when more functions read the
    /// shard than DynamoDB allows (L-DDB [D]).
    fn stream_read_allowed(&mut self, source: usize, shard: u32) -> bool {
        let s = self.stream(source);
        let (readers, limit) = (s.p.readers, s.p.reader_limit);
        let sh = &mut s.shards[shard as usize];
        sh.reads += 1;
        if readers <= limit || ((sh.reads - 1) % readers as u64) < limit as u64 {
            return true;
        }
        let node = self.topo.shards[source][shard as usize];
        self.emit(Trace::ReadThrottled {
            shard: node,
            readers,
            limit,
        });
        false
    }

    /// What a lane does next: re-read what must be retried, else read new records when a poll
    /// came (or while behind), respecting the batching window.
    fn stream_lane_next(&mut self, source: usize, shard: u32, lane: u32, polled: bool) {
        let now = self.now;
        loop {
            if self.lane(source, shard, lane).running.is_some() {
                return;
            }
            self.stream_prune_retention(source, shard, lane);
            let l = self.lane(source, shard, lane);
            if let Some(sub) = l.queued.front() {
                if l.retry_due.is_some_and(|d| d > now) {
                    return;
                }
                let retries_used = sub.retries_used;
                if !self.stream_read_allowed(source, shard) {
                    self.stream_arm_poll_retry(source, shard, lane);
                    return;
                }
                let l = self.lane(source, shard, lane);
                l.retry_due = None;
                let sub = l.queued.pop_front().expect("front");
                let items = self.stream_drop_aged(source, sub.items);
                if items.is_empty() {
                    continue;
                }
                self.stream_dispatch(source, shard, lane, items, retries_used);
                return;
            }
            if l.pending.is_empty() {
                l.window_since = None;
                return;
            }
            if !polled {
                self.stream_arm_poll(source, shard);
                return;
            }
            let (batch_size, window_ms) = {
                let p = &self.stream(source).p;
                (p.batch_size as usize, p.window_ms)
            };
            let take = self.stream_take_count(source, shard, lane, batch_size);
            let l = self.lane(source, shard, lane);
            if window_ms > 0 {
                let since = *l.window_since.get_or_insert(now);
                let full = take.1;
                // Lambda invokes when the window ends (L-ESM [D]): wake up then rather than at the
                // next poll after it (with 1 s polls a 5 s window gave a batch every 6 s).
                let ends = since.plus(window_ms);
                if !full && now < ends {
                    if l.window_armed != Some(ends) {
                        l.window_armed = Some(ends);
                        self.schedule_poll(
                            ends,
                            PollHappening::StreamWindowEnd {
                                source,
                                shard,
                                lane,
                            },
                        );
                    }
                    return;
                }
            }
            if !self.stream_read_allowed(source, shard) {
                self.stream_arm_poll_retry(source, shard, lane);
                return;
            }
            let l = self.lane(source, shard, lane);
            l.window_since = None;
            let items: Vec<InvocationId> = l.pending.drain(..take.0).collect();
            let items = self.stream_drop_aged(source, items);
            if items.is_empty() {
                continue;
            }
            self.stream_dispatch(source, shard, lane, items, 0);
            return;
        }
    }

    /// A lane's batching window ended: read its batch now (a stale wake-up, for a window that a
    /// full batch or a new window replaced, does nothing).
    pub(crate) fn stream_window_end(&mut self, source: usize, shard: u32, lane: u32) {
        let now = self.now;
        let l = self.lane(source, shard, lane);
        if l.window_armed != Some(now) {
            return;
        }
        l.window_armed = None;
        self.stream_lane_next(source, shard, lane, true);
    }

    /// A throttled read: try again at the next poll.
    fn stream_arm_poll_retry(&mut self, source: usize, shard: u32, lane: u32) {
        let now = self.now;
        let s = self.stream(source);
        let every = s.p.poll_interval_ms.max(1);
        if !s.shards[shard as usize].poll_armed {
            s.shards[shard as usize].poll_armed = true;
            self.schedule_poll(now.plus(every), PollHappening::StreamPoll { source, shard });
        }
        let _ = lane;
    }

    /// How many pending records the next batch takes (batch size, 6 MB cap), and whether that fills it.
    fn stream_take_count(
        &mut self,
        source: usize,
        shard: u32,
        lane: u32,
        batch_size: usize,
    ) -> (usize, bool) {
        let s = self.stream(source);
        let l = &s.shards[shard as usize].lanes[lane as usize];
        let mut bytes = 0u64;
        let mut n = 0usize;
        for inv in l.pending.iter().take(batch_size) {
            let b = s.recs.get(inv).map_or(0, |r| r.bytes);
            if n > 0 && bytes + b > BATCH_PAYLOAD_LIMIT {
                return (n, true);
            }
            bytes += b;
            n += 1;
        }
        (n, n >= batch_size || bytes >= BATCH_PAYLOAD_LIMIT)
    }

    /// Records past `maximum_record_age_s` are discarded before a (re)read (L-KIN-PARAM [D]).
    fn stream_drop_aged(&mut self, source: usize, items: Vec<InvocationId>) -> Vec<InvocationId> {
        let now = self.now;
        let s = self.stream(source);
        let Some(max_age) = s.p.maximum_record_age_ms else {
            return items;
        };
        let (aged, kept): (Vec<InvocationId>, Vec<InvocationId>) =
            items.into_iter().partition(|i| {
                s.recs
                    .get(i)
                    .is_some_and(|r| now.since(r.written_at) > max_age)
            });
        if !aged.is_empty() {
            self.stream_fail_records(source, aged, FailureCondition::RecordAgeExceeded);
        }
        kept
    }

    /// Records still waiting past the retention period are gone from the stream (KDS-RET [D]).
    fn stream_prune_retention(&mut self, source: usize, shard: u32, lane: u32) {
        let now = self.now;
        let s = self.stream(source);
        let retention = s.p.retention_ms;
        let mut gone = Vec::new();
        let recs = &s.recs;
        let expired = |i: &InvocationId| {
            recs.get(i)
                .is_some_and(|r| r.written_at.plus(retention) <= now)
        };
        let l = &mut s.shards[shard as usize].lanes[lane as usize];
        // Expired records are a prefix: queued records precede pending ones, and both are in order.
        while let Some(sub) = l.queued.front_mut() {
            while sub.items.first().is_some_and(expired) {
                gone.push(sub.items.remove(0));
            }
            if sub.items.is_empty() {
                l.queued.pop_front();
            } else {
                break;
            }
        }
        if l.queued.is_empty() {
            while l.pending.front().is_some_and(expired) {
                gone.push(l.pending.pop_front().expect("front"));
            }
        }
        if l.queued.is_empty() {
            l.retry_due = None;
        }
        let ages: Vec<(InvocationId, u64)> = gone
            .iter()
            .map(|i| (*i, s.recs.get(i).map_or(0, |r| now.since(r.written_at))))
            .collect();
        for (inv, _) in &ages {
            s.recs.remove(inv);
        }
        if !gone.is_empty() {
            // The iterator moves past what the stream no longer has.
            self.stream_checkpoint(source, shard, lane, &gone);
            let l = self.lane(source, shard, lane);
            if l.queued.is_empty() {
                l.backoff_ms = 0;
            }
        }
        for (inv, age_ms) in ages {
            self.dispose(inv, Disposition::Expired { age_ms });
        }
        self.stream_arm_expiry(source, shard, lane);
    }

    /// A timer for when the lane's oldest waiting record expires.
    fn stream_arm_expiry(&mut self, source: usize, shard: u32, lane: u32) {
        let s = self.stream(source);
        let retention = s.p.retention_ms;
        let l = &s.shards[shard as usize].lanes[lane as usize];
        let head = l
            .queued
            .front()
            .and_then(|q| q.items.first())
            .or(l.pending.front());
        let Some(at) = head
            .and_then(|h| s.recs.get(h))
            .map(|r| r.written_at.plus(retention))
        else {
            return;
        };
        let l = &mut s.shards[shard as usize].lanes[lane as usize];
        if l.expiry_armed.is_some_and(|x| x <= at) {
            return;
        }
        l.expiry_armed = Some(at);
        self.schedule_poll(
            at,
            PollHappening::StreamExpiry {
                source,
                shard,
                lane,
            },
        );
    }

    pub(crate) fn stream_expiry(&mut self, source: usize, shard: u32, lane: u32) {
        let now = self.now;
        let l = self.lane(source, shard, lane);
        if l.expiry_armed.is_some_and(|x| x <= now) {
            l.expiry_armed = None;
        }
        // A running batch has its records; what expires behind it waits for its answer.
        if l.running.is_none() {
            self.stream_lane_next(source, shard, lane, false);
        }
    }

    pub(crate) fn stream_retry_due(&mut self, source: usize, shard: u32, lane: u32) {
        self.stream_lane_next(source, shard, lane, true);
    }

    fn stream_dispatch(
        &mut self,
        source: usize,
        shard: u32,
        lane: u32,
        items: Vec<InvocationId>,
        retries_used: u32,
    ) {
        let now = self.now;
        let s = self.stream(source);
        let mut deliveries = Vec::with_capacity(items.len());
        for i in &items {
            let r = s.recs.get_mut(i).expect("record");
            r.deliveries += 1;
            deliveries.push(r.deliveries);
        }
        let last_written = items
            .last()
            .and_then(|i| s.recs.get(i))
            .map_or(now, |r| r.written_at);
        let batch = self.new_batch(source, items.clone(), deliveries.clone());
        if let Some(b) = self.polling.batches.get_mut(&batch) {
            b.shard = shard;
            b.lane = lane;
            b.retries_used = retries_used;
        }
        self.lane(source, shard, lane).running = Some(batch);
        let node = self.topo.shards[source][shard as usize];
        let esm = self.esm_node(source);
        let polled: Vec<BatchItem> = items
            .iter()
            .zip(&deliveries)
            .map(|(inv, d)| BatchItem {
                inv: *inv,
                event: self.event_of(*inv),
                delivery: *d,
            })
            .collect();
        self.emit(Trace::BatchPolled {
            batch,
            esm,
            from: node,
            items: polled,
            iterator_age_ms: Some(now.since(last_written)),
        });
        self.send(
            batch,
            node,
            esm,
            Message::Batch { items, try_no: 1 },
            Leg::Polling(PollLeg::AtEsm),
        );
    }

    /// The mapping has the function's answer for a stream batch.
    pub(crate) fn stream_batch_result(&mut self, batch: InvocationId, result: BatchResult) {
        let Some(b) = self.polling.batches.get(&batch).cloned() else {
            return;
        };
        let reported_items = self.batch_items(batch, &b.reported);
        self.polling.batches.remove(&batch);
        self.retire_batch_invocation(batch);
        let (source, shard, lane) = (b.source, b.shard, b.lane);
        self.lane(source, shard, lane).running = None;
        let p = self.stream(source).p.clone();
        match result {
            BatchResult::Throttled => {
                // Not delivered after all; wait and read again, no retry used (L-KIN-FAIL [D]).
                for i in &b.items {
                    if let Some(r) = self.stream(source).recs.get_mut(i) {
                        r.deliveries = r.deliveries.saturating_sub(1);
                    }
                }
                let next_try = b.deliveries.iter().copied().max().unwrap_or(1);
                self.stream_retry_later(
                    source,
                    shard,
                    lane,
                    batch,
                    b.items,
                    b.retries_used,
                    next_try,
                    RetryReason::EsmThrottled,
                );
            }
            BatchResult::Failed => self.stream_batch_failed(
                source,
                shard,
                lane,
                batch,
                b.items,
                &b.deliveries,
                b.retries_used,
            ),
            BatchResult::Succeeded => {
                let reported = b.reported;
                if !reported.is_empty() {
                    self.emit(Trace::ItemFailuresReported {
                        batch,
                        items: reported_items,
                        honoured: p.report_batch_item_failures,
                    });
                }
                let first_failed = if p.report_batch_item_failures {
                    b.items.iter().position(|i| reported.contains(i))
                } else {
                    None
                };
                match first_failed {
                    None => {
                        self.stream_processed(source, shard, lane, &b.items);
                        let now = self.now;
                        let l = self.lane(source, shard, lane);
                        l.backoff_ms = 0;
                        if p.window_ms > 0 {
                            // The next window starts when the previous invocation completes (L-ESM [D]).
                            l.window_since = Some(now);
                        }
                        self.stream_lane_next(source, shard, lane, true);
                    }
                    Some(0) => self.stream_batch_failed(
                        source,
                        shard,
                        lane,
                        batch,
                        b.items,
                        &b.deliveries,
                        b.retries_used,
                    ),
                    Some(f) => {
                        // Checkpoint at the lowest reported sequence number (L-PBR [D]).
                        let mut done = b.items;
                        let rest = done.split_off(f);
                        self.stream_processed(source, shard, lane, &done);
                        if p.bisect {
                            // With bisection the split is at the reported record: no retry used.
                            self.emit(Trace::BatchBisected {
                                batch,
                                first: done,
                                second: rest.clone(),
                            });
                            self.lane(source, shard, lane).queued.push_front(Sub {
                                items: rest,
                                retries_used: b.retries_used,
                            });
                            self.stream_block(source, shard, lane, batch);
                            self.stream_lane_next(source, shard, lane, true);
                        } else {
                            let deliveries = &b.deliveries[f..];
                            self.stream_retry_or_give_up(
                                source,
                                shard,
                                lane,
                                batch,
                                rest,
                                deliveries,
                                b.retries_used,
                            );
                        }
                    }
                }
            }
        }
    }

    /// A whole batch failed: bisect it, retry it, or give up on it.
    #[allow(clippy::too_many_arguments)]
    fn stream_batch_failed(
        &mut self,
        source: usize,
        shard: u32,
        lane: u32,
        batch: InvocationId,
        items: Vec<InvocationId>,
        deliveries: &[u32],
        retries_used: u32,
    ) {
        if self.stream(source).p.bisect && items.len() > 1 {
            let mut first = items;
            let second = first.split_off(first.len() / 2);
            self.emit(Trace::BatchBisected {
                batch,
                first: first.clone(),
                second: second.clone(),
            });
            let l = self.lane(source, shard, lane);
            l.queued.push_front(Sub {
                items: second,
                retries_used,
            });
            l.queued.push_front(Sub {
                items: first,
                retries_used,
            });
            l.retry_due = None;
            self.stream_block(source, shard, lane, batch);
            self.stream_lane_next(source, shard, lane, true);
            return;
        }
        self.stream_retry_or_give_up(source, shard, lane, batch, items, deliveries, retries_used);
    }

    #[allow(clippy::too_many_arguments)]
    fn stream_retry_or_give_up(
        &mut self,
        source: usize,
        shard: u32,
        lane: u32,
        batch: InvocationId,
        items: Vec<InvocationId>,
        deliveries: &[u32],
        retries_used: u32,
    ) {
        let used = retries_used + 1;
        let max = self.stream(source).p.maximum_retry_attempts;
        if max >= 0 && used as i64 > max {
            self.stream_checkpoint(source, shard, lane, &items);
            self.stream_fail_records(source, items, FailureCondition::RetryAttemptsExhausted);
            self.lane(source, shard, lane).backoff_ms = 0;
            self.stream_lane_next(source, shard, lane, true);
            return;
        }
        let next_try = deliveries.iter().copied().max().unwrap_or(0) + 1;
        self.stream_block(source, shard, lane, batch);
        self.stream_retry_later(
            source,
            shard,
            lane,
            batch,
            items,
            used,
            next_try,
            RetryReason::StreamBatchFailed,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn stream_retry_later(
        &mut self,
        source: usize,
        shard: u32,
        lane: u32,
        batch: InvocationId,
        items: Vec<InvocationId>,
        retries_used: u32,
        next_try: u32,
        reason: RetryReason,
    ) {
        let now = self.now;
        let (initial, max) = {
            let p = &self.stream(source).p;
            (p.retry_backoff_initial_ms, p.retry_backoff_max_ms)
        };
        let l = self.lane(source, shard, lane);
        l.backoff_ms = if l.backoff_ms == 0 {
            initial
        } else {
            (l.backoff_ms.saturating_mul(2)).min(max)
        };
        let due = now.plus(l.backoff_ms);
        l.queued.push_front(Sub {
            items,
            retries_used,
        });
        l.retry_due = Some(due);
        self.emit(Trace::RetryScheduled {
            inv: batch,
            next_try,
            due,
            reason,
        });
        self.schedule_poll(
            due,
            PollHappening::StreamRetry {
                source,
                shard,
                lane,
            },
        );
        self.stream_arm_expiry(source, shard, lane);
    }

    fn stream_block(&mut self, source: usize, shard: u32, lane: u32, batch: InvocationId) {
        let l = self.lane(source, shard, lane);
        if !l.blocked {
            l.blocked = true;
            let node = self.topo.shards[source][shard as usize];
            self.emit(Trace::ShardBlocked { shard: node, batch });
        }
    }

    /// The checkpoint moves past `items`; the lane stays blocked while a failed batch waits.
    fn stream_checkpoint(&mut self, source: usize, shard: u32, lane: u32, items: &[InvocationId]) {
        let Some(last) = items.last() else { return };
        let sequence = self.event_of(*last).0 as u64;
        let l = self.lane(source, shard, lane);
        l.blocked = !l.queued.is_empty();
        let blocked = l.blocked;
        let node = self.topo.shards[source][shard as usize];
        self.emit(Trace::CheckpointAdvanced {
            shard: node,
            sequence,
            records: items.len() as u32,
            blocked,
        });
    }

    /// Records the checkpoint passed after success.
    fn stream_processed(&mut self, source: usize, shard: u32, lane: u32, items: &[InvocationId]) {
        if items.is_empty() {
            return;
        }
        self.stream_checkpoint(source, shard, lane, items);
        for inv in items {
            let deliveries = self
                .stream(source)
                .recs
                .remove(inv)
                .map_or(0, |r| r.deliveries);
            self.dispose(*inv, Disposition::Processed { deliveries });
        }
    }

    /// The mapping gives up on records: an on-failure record with metadata (S3: plus payload)
    /// goes to the destination, else they are discarded (L-KIN-FAIL [D]).
    fn stream_fail_records(
        &mut self,
        source: usize,
        items: Vec<InvocationId>,
        condition: FailureCondition,
    ) {
        if items.is_empty() {
            return;
        }
        let dest = self.stream(source).p.on_failure.clone();
        let mut counts = Vec::with_capacity(items.len());
        for inv in &items {
            counts.push(
                self.stream(source)
                    .recs
                    .remove(inv)
                    .map_or(0, |r| r.deliveries),
            );
        }
        match (dest, self.topo.esm_on_failure[source]) {
            (Some(d), Some(node)) => {
                let target = format!(
                    "{}:{}",
                    crate::invoke::asynchronous::kind_key(d.kind),
                    d.name
                );
                let with_payload = d.kind == crate::scenario::DestinationKind::S3;
                let disposed: Vec<(InvocationId, Disposition)> = items
                    .iter()
                    .zip(counts)
                    .map(|(inv, n)| {
                        (
                            *inv,
                            Disposition::SentToFailureTarget {
                                condition,
                                targets: vec![target.clone()],
                                approximate_invoke_count: n,
                            },
                        )
                    })
                    .collect();
                let esm = self.esm_node(source);
                let records = items.len() as u32;
                self.send(
                    items[0],
                    esm,
                    node,
                    Message::FailureRecord {
                        condition,
                        records,
                        with_payload,
                    },
                    Leg::Polling(PollLeg::FailureRecordAt { items: disposed }),
                );
            }
            _ => {
                for (inv, n) in items.into_iter().zip(counts) {
                    self.dispose(
                        inv,
                        Disposition::Discarded {
                            condition,
                            approximate_invoke_count: n,
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_name;

    #[test]
    fn key_names_are_k_and_the_number() {
        for key in [0, 1, 9, 10, 99, 100, 12_345, 9_999_999, u32::MAX] {
            assert_eq!(key_name(key), format!("k{key}"));
        }
    }
}
