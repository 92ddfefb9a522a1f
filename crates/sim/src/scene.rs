//! The view model: what the diagram shows at any instant, computed from the trace alone.
//!
//! [`Timeline::scene_at`] answers "what is on screen at `t`": execution environments and their
//! state, tokens on edges with their progress, queue depth, retry countdowns, callers waiting and
//! the status they last saw, what has piled up in DLQs and destinations, running counters. It is
//! a fold over the trace from the nearest keyframe (one every [`KEYFRAME_EVERY`] events, or as
//! many events as the fold holds entries if that is more), so seeking anywhere in a long run
//! costs at most that many steps, and keyframes stay linear in the trace. The app draws a `Scene`; it
//! never interprets the trace itself.

use std::collections::BTreeSet;

use crate::function::{ScalingBudget, ScalingView};
use crate::idmap::IdMap;

use serde::Serialize;

use crate::scenario::Method;
use crate::time::SimTime;
use crate::topology::{NodeKind, Topology};
use crate::totals::Totals;
use crate::trace::*;

/// Keyframe spacing in trace events: bounds the work of one `scene_at`.
pub const KEYFRAME_EVERY: usize = 256;
/// How long an error/throttle/timeout glyph stays on its node after it happened.
pub const FLASH_MS: u64 = 1500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvPhase {
    Initializing,
    Busy,
    Idle,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvView {
    pub env: EnvId,
    pub provisioned: bool,
    pub phase: EnvPhase,
    /// The invocation it is running, when busy.
    pub inv: Option<InvocationId>,
    pub attempt: u32,
    /// 0..1 through the current run (init + handler).
    pub progress: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Token {
    pub token: TokenId,
    pub inv: InvocationId,
    pub from: NodeId,
    pub to: NodeId,
    /// When it left and when it lands: how far along its edge it is at an instant is
    /// [`Token::progress_at`], which the view asks between whole milliseconds too.
    pub departs: SimTime,
    pub arrives: SimTime,
    pub message: Message,
    /// This invocation is a duplicate delivery of an event already delivered.
    pub duplicate: bool,
}

impl Token {
    /// Progress (0 at departure, 1 at arrival) at an instant between whole simulated
    /// milliseconds. The scene is folded at whole milliseconds (integer simulated time), but
    /// playback stretches a message's hop so the eye can follow it (a 40 ms hop takes 0.8 s at
    /// the opening speed, 16 s at 0.05×): positions at whole milliseconds alone moved a token in
    /// visible jumps, 40 a hop, 2.5 a second at 0.05× (issue 16).
    pub fn progress_at(&self, at_ms: f64) -> f32 {
        let span = self.arrives.since(self.departs).max(1) as f64;
        ((at_ms - self.departs.as_ms() as f64) / span).clamp(0.0, 1.0) as f32
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetryTimer {
    pub inv: InvocationId,
    pub next_try: u32,
    pub due: SimTime,
    pub remaining_ms: u64,
    pub reason: RetryReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Glyph {
    Error,
    Timeout,
    Throttle,
    GaveUp,
    DeliveryFailed,
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flash {
    pub node: NodeId,
    pub glyph: Glyph,
    pub at: SimTime,
    pub inv: Option<InvocationId>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeView {
    /// Items that arrived and stay (DLQ, destinations).
    pub stacked: u32,
    /// Synchronous callers currently waiting on this node (callers and your code).
    pub waiting: u32,
    /// Last status this caller saw.
    pub last_status: Option<u16>,
    /// SQS queue: messages visible (waiting). Shard: records waiting to be read (or re-read).
    pub visible: u32,
    /// SQS queue: messages received and invisible. Shard: records in a batch being processed.
    pub in_flight: u32,
    /// Shard: a failed batch holds it up (L-RETRIES, L-KIN).
    pub blocked: bool,
    /// Shard: the last sequence number (event number) the mapping's checkpoint passed.
    pub checkpoint: Option<u64>,
    /// Shard: how long its oldest unprocessed record has waited (grows while blocked), the
    /// IteratorAge metric's shape (L-RETRIES).
    pub iterator_age_ms: Option<u64>,
    /// Event source mapping: how many batches it may run at once now (SQS scaling, L-SQS-SCALE).
    pub concurrency_limit: Option<u32>,
    /// Event source mapping: batches polled and not yet answered.
    pub batches_in_flight: u32,
    /// Step Functions state: executions (branches, iterations) currently in it.
    pub active: u32,
}

/// A batch on its way or running: one token (or environment) standing for a group of items.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchView {
    /// The batch's own invocation id (what tokens and environments show).
    pub batch: InvocationId,
    pub esm: NodeId,
    /// The queue or shard it came from.
    pub from: NodeId,
    pub items: Vec<InvocationId>,
    pub polled_at: SimTime,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scene {
    pub at: SimTime,
    /// Number of trace events at or before `at`.
    pub events_seen: usize,
    pub nodes: Vec<NodeView>,
    pub environments: Vec<EnvView>,
    pub tokens: Vec<Token>,
    pub retry_timers: Vec<RetryTimer>,
    pub queue_depth: u32,
    pub concurrency_in_use: u32,
    pub flashes: Vec<Flash>,
    /// The function's scaling budget: new environments it may create now, and its refill
    /// (L-SCALING). What a learner watching a burst's 429s needs to see.
    pub scaling: ScalingView,
    /// Running totals up to the scene's instant (the same fold as the run's own totals).
    pub counters: Totals,
    /// Batches polled by event source mappings and not yet answered.
    pub batches: Vec<BatchView>,
}

#[derive(Clone, Debug)]
struct EnvFold {
    provisioned: bool,
    inv: Option<InvocationId>,
    attempt: u32,
    started: SimTime,
    init_ends: SimTime,
    ends: SimTime,
}

#[derive(Clone, Debug)]
struct InFlight {
    token: TokenId,
    inv: InvocationId,
    from: NodeId,
    to: NodeId,
    at: SimTime,
    arrives: SimTime,
    message: Message,
    duplicate: bool,
}

/// The fold accumulator; a keyframe is a clone of it.
#[derive(Clone, Debug, Default)]
struct Fold {
    envs: Vec<EnvFold>,
    in_flight: Vec<InFlight>,
    queue_depth: u32,
    timers: IdMap<InvocationId, RetryTimer>,
    /// Live invocations: (source node, duplicate).
    live: IdMap<InvocationId, (NodeId, bool)>,
    nodes: Vec<NodeView>,
    counters: Totals,
    /// The scaling bucket, taken from at each on-demand `EnvironmentCreated`.
    scaling: ScalingBudget,
    /// Messages and records in a queue or shard: (node, in flight).
    items: IdMap<InvocationId, (NodeId, bool)>,
    /// Batches, when their answer reaches the mapping (None: not answered yet), and whether the
    /// mapping will send the same batch again (a throttled SQS batch, after its backoff).
    batches: IdMap<InvocationId, (BatchView, Option<SimTime>, bool)>,
    /// Per shard: its unprocessed records by write time (for the iterator age).
    shard_records: IdMap<NodeId, BTreeSet<(SimTime, InvocationId)>>,
}

impl Fold {
    /// About how many entries a clone copies: what a keyframe of it costs.
    fn size(&self) -> usize {
        self.envs.len()
            + self.in_flight.len()
            + self.timers.len()
            + self.live.len()
            + self.nodes.len()
            + self.items.len()
            + self.batches.len()
            + self.shard_records.values().map(|r| r.len()).sum::<usize>()
    }
}

/// Where [`Timeline::scene_from`] last stopped: the fold there, its instant and event count.
#[derive(Clone, Debug, Default)]
pub struct SceneCursor(Option<(SimTime, usize, Fold)>);

/// A trace plus its index for fast `scene_at`.
#[derive(Clone, Debug)]
pub struct Timeline {
    pub topology: Topology,
    pub trace: Vec<TraceEvent>,
    keyframes: Vec<(usize, Fold)>,
    /// Per source node: its caller node and method, for waiting/status bookkeeping.
    callers: IdMap<NodeId, (Option<NodeId>, Method)>,
}

/// A moment worth a tick on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    pub at: SimTime,
    pub kind: MarkerKind,
    pub index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Error,
    Throttle,
    Retry,
    DeadLetter,
    CallerError,
}

impl Timeline {
    pub fn new(topology: Topology, trace: Vec<TraceEvent>) -> Timeline {
        let mut callers = IdMap::new();
        for n in &topology.nodes {
            if let NodeKind::Source { index, method, .. } = &n.kind {
                callers.insert(n.id, (topology.sources[*index].1, *method));
            }
        }
        let mut tl = Timeline {
            topology,
            trace,
            keyframes: Vec::new(),
            callers,
        };
        let mut fold = Fold {
            nodes: vec![NodeView::default(); tl.topology.nodes.len()],
            scaling: ScalingBudget::full(tl.topology.scaling_rate_per_10s),
            ..Fold::default()
        };
        tl.keyframes.push((0, fold.clone()));
        // A keyframe every KEYFRAME_EVERY events while the fold is small, and never before as
        // many events as the fold has entries: 20,000 messages in flight would otherwise be
        // copied every 256 events (memory quadratic in a burst, the browser's out-of-memory
        // trap). Copying a keyframe then costs no more than replaying up to it.
        let mut last = 0;
        for i in 0..tl.trace.len() {
            tl.apply(&mut fold, i);
            if i + 1 - last >= KEYFRAME_EVERY.max(fold.size()) {
                let at = tl.trace[i].at;
                settle(&mut fold, at);
                tl.keyframes.push((i + 1, fold.clone()));
                last = i + 1;
            }
        }
        tl
    }

    /// Last simulated instant with an event.
    pub fn end(&self) -> SimTime {
        // The last few events cover every message still moving and every run still going at the
        // end (arrivals and run ends can outlast the last event's own instant).
        self.trace
            .iter()
            .rev()
            .take(64)
            .map(|e| match &e.kind {
                Trace::Sent { arrives, .. } => *arrives,
                Trace::AttemptStarted { ends, .. } => *ends,
                _ => e.at,
            })
            .max()
            .unwrap_or(SimTime::ZERO)
    }

    /// Number of trace events at or before `t`.
    pub fn index_at(&self, t: SimTime) -> usize {
        self.trace.partition_point(|e| e.at <= t)
    }

    /// Time of the first event strictly after `t` (step forward).
    pub fn next_event_time(&self, t: SimTime) -> Option<SimTime> {
        self.trace.get(self.index_at(t)).map(|e| e.at)
    }

    /// Time of the last event strictly before `t` (step back).
    pub fn prev_event_time(&self, t: SimTime) -> Option<SimTime> {
        let i = self.trace.partition_point(|e| e.at < t);
        i.checked_sub(1).map(|j| self.trace[j].at)
    }

    /// The view at instant `t`.
    pub fn scene_at(&self, t: SimTime) -> Scene {
        let upto = self.index_at(t);
        let (start, kf) = self.keyframe_for(upto);
        let mut fold = kf.clone();
        self.fold_forward(&mut fold, start, upto, t);
        self.scene_of(&fold, upto, t)
    }

    /// The view at instant `t`, the same as [`Timeline::scene_at`], carried forward from the
    /// cursor's last instant when that is no further back than the nearest keyframe. A player
    /// asks for the next instant on every frame: from a keyframe that meant copying the whole
    /// fold (a thousand messages in flight, maps of live invocations) and replaying up to as many
    /// events as it holds, 60 times a second; from the cursor it is the frame's own few events.
    /// Going back, or far forward, starts from the keyframe as `scene_at` does.
    ///
    /// A cursor belongs to one timeline: give a new one (or [`SceneCursor::default`]) to another.
    pub fn scene_from(&self, cursor: &mut SceneCursor, t: SimTime) -> Scene {
        let upto = self.index_at(t);
        let (start, kf) = self.keyframe_for(upto);
        // (At or before `t`, the cursor has folded no further than `upto`.)
        let reuse = matches!(&cursor.0, Some((at, done, _)) if *at <= t && *done >= start);
        if !reuse {
            cursor.0 = Some((SimTime::ZERO, start, kf.clone()));
        }
        let Some((at, done, fold)) = cursor.0.as_mut() else {
            unreachable!("set just above")
        };
        self.fold_forward(fold, *done, upto, t);
        (*at, *done) = (t, upto);
        self.scene_of(fold, upto, t)
    }

    /// The keyframe to fold from for the first `upto` events: its event count and fold.
    fn keyframe_for(&self, upto: usize) -> (usize, &Fold) {
        let k = self.keyframes.partition_point(|(i, _)| *i <= upto) - 1;
        let (start, kf) = &self.keyframes[k];
        (*start, kf)
    }

    /// Applies events `from..upto` and settles the fold at `t` (the last of them is at or
    /// before `t`). Settling at an earlier instant first changes nothing: keyframes are settled
    /// at their last event's instant and folded on from there.
    fn fold_forward(&self, fold: &mut Fold, from: usize, upto: usize, t: SimTime) {
        for i in from..upto {
            self.apply(fold, i);
        }
        settle(fold, t);
    }

    /// The scene of a fold of the first `upto` events, settled at `t`. Reads the fold and
    /// copies what the scene keeps, so that a cursor's fold can go on from here.
    fn scene_of(&self, fold: &Fold, upto: usize, t: SimTime) -> Scene {
        let mut nodes = fold.nodes.clone();
        for (node, recs) in fold.shard_records.iter() {
            nodes[node.0 as usize].iterator_age_ms =
                recs.first().map(|(written, _)| t.since(*written));
        }
        for (b, done, _) in fold.batches.values() {
            if done.is_some_and(|d| d <= t) {
                continue;
            }
            nodes[b.esm.0 as usize].batches_in_flight += 1;
        }
        let environments = fold
            .envs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let busy = e.inv.is_some() && t < e.ends;
                let phase = if !busy {
                    EnvPhase::Idle
                } else if t < e.init_ends {
                    EnvPhase::Initializing
                } else {
                    EnvPhase::Busy
                };
                let span = e.ends.since(e.started).max(1) as f32;
                EnvView {
                    env: EnvId(i as u32),
                    provisioned: e.provisioned,
                    phase,
                    inv: if busy { e.inv } else { None },
                    attempt: e.attempt,
                    progress: if busy {
                        (t.since(e.started) as f32 / span).clamp(0.0, 1.0)
                    } else {
                        0.0
                    },
                }
            })
            .collect::<Vec<_>>();
        let concurrency_in_use = environments
            .iter()
            .filter(|e| e.phase != EnvPhase::Idle)
            .count() as u32;
        let tokens = fold
            .in_flight
            .iter()
            .filter(|f| f.arrives > t && f.at <= t)
            .map(|f| Token {
                token: f.token,
                inv: f.inv,
                from: f.from,
                to: f.to,
                departs: f.at,
                arrives: f.arrives,
                message: f.message.clone(),
                duplicate: f.duplicate,
            })
            .collect();
        let retry_timers = fold
            .timers
            .values()
            .filter(|r| r.due > t)
            .map(|r| RetryTimer {
                remaining_ms: r.due.since(t),
                ..r.clone()
            })
            .collect();
        let mut flashes = Vec::new();
        for e in self.trace[..upto].iter().rev() {
            if t.since(e.at) > FLASH_MS {
                break;
            }
            if let Some(f) = self.flash_of(e) {
                flashes.push(f);
            }
        }
        Scene {
            at: t,
            events_seen: upto,
            nodes,
            environments,
            tokens,
            retry_timers,
            queue_depth: fold.queue_depth,
            concurrency_in_use,
            flashes,
            scaling: fold.scaling.view(t),
            counters: fold.counters.clone(),
            batches: fold
                .batches
                .values()
                .filter(|(_, done, _)| done.is_none_or(|d| d > t))
                .map(|(b, _, _)| b.clone())
                .collect(),
        }
    }

    /// A failed or split stream batch: its records wait in the shard to be read again.
    fn stream_records_wait(&self, fold: &mut Fold, batch: InvocationId) {
        let Some((b, _, _)) = fold.batches.get(&batch) else {
            return;
        };
        if !matches!(self.topology.node(b.from).kind, NodeKind::Shard { .. }) {
            return;
        }
        for i in b.items.clone() {
            back_to_waiting(fold, i);
        }
    }

    fn flash_of(&self, e: &TraceEvent) -> Option<Flash> {
        let f = self.topology.function;
        let (node, glyph, inv) = match &e.kind {
            Trace::ReadThrottled { shard, .. } => (*shard, Glyph::Throttle, None),
            Trace::ShardBlocked { shard, batch } => (*shard, Glyph::Error, Some(*batch)),
            Trace::StateExited {
                state,
                exec,
                error: Some(err),
            } if err != crate::services::stepfunctions::STOPPED => {
                (*state, Glyph::Error, Some(*exec))
            }
            Trace::AttemptFinished {
                outcome: AttemptOutcome::TimedOut,
                inv,
                ..
            } => (f, Glyph::Timeout, Some(*inv)),
            Trace::AttemptFinished { outcome, inv, .. } if !outcome.is_success() => {
                (f, Glyph::Error, Some(*inv))
            }
            Trace::Throttled { inv, .. } => (f, Glyph::Throttle, Some(*inv)),
            Trace::PayloadRejected { inv, .. } => (f, Glyph::Rejected, Some(*inv)),
            Trace::CallerGaveUp { caller, inv, .. } => (*caller, Glyph::GaveUp, Some(*inv)),
            Trace::DeliveryFailed { source, inv, .. } => {
                (*source, Glyph::DeliveryFailed, Some(*inv))
            }
            _ => return None,
        };
        Some(Flash {
            node,
            glyph,
            at: e.at,
            inv,
        })
    }

    fn apply(&self, fold: &mut Fold, i: usize) {
        let e = &self.trace[i];
        fold.counters.count(&e.kind);
        match &e.kind {
            Trace::EventCreated {
                inv,
                source,
                duplicate,
                ..
            } => {
                fold.live.insert(*inv, (*source, *duplicate));
                if let Some((caller, Method::Synchronous)) = self.callers.get(source) {
                    let waiter = caller.unwrap_or(*source);
                    fold.nodes[waiter.0 as usize].waiting += 1;
                }
            }
            Trace::Sent {
                token,
                inv,
                from,
                to,
                arrives,
                message,
            } => {
                // A batch is answered when the function's response reaches the mapping; a
                // throttled batch sent again is under way once more.
                if let Some((_, done, again)) = fold.batches.get_mut(inv) {
                    match message {
                        Message::Response { .. } if *from == self.topology.function => {
                            *done = Some(*arrives)
                        }
                        Message::Batch { .. } => (*done, *again) = (None, false),
                        _ => {}
                    }
                }
                let duplicate = fold.live.get(inv).is_some_and(|l| l.1);
                fold.in_flight.push(InFlight {
                    token: *token,
                    inv: *inv,
                    from: *from,
                    to: *to,
                    at: e.at,
                    arrives: *arrives,
                    message: message.clone(),
                    duplicate,
                });
            }
            Trace::Enqueued { depth, inv, .. } => {
                fold.queue_depth = *depth;
                let _ = inv;
            }
            Trace::Dequeued { depth, inv, .. } => {
                fold.queue_depth = *depth;
                fold.timers.remove(inv);
            }
            Trace::EnvironmentCreated { env, provisioned } => {
                let idx = env.0 as usize;
                if fold.envs.len() <= idx {
                    fold.envs.resize(
                        idx + 1,
                        EnvFold {
                            provisioned: false,
                            inv: None,
                            attempt: 0,
                            started: e.at,
                            init_ends: e.at,
                            ends: e.at,
                        },
                    );
                }
                fold.envs[idx].provisioned = *provisioned;
                // Provisioned environments are not created by scaling (L-RESERVED).
                if !*provisioned {
                    fold.scaling.take(e.at);
                }
            }
            Trace::AttemptStarted {
                inv,
                attempt,
                env,
                init_ends,
                ends,
                ..
            } => {
                fold.timers.remove(inv);
                if let Some(slot) = fold.envs.get_mut(env.0 as usize) {
                    *slot = EnvFold {
                        provisioned: slot.provisioned,
                        inv: Some(*inv),
                        attempt: *attempt,
                        started: e.at,
                        init_ends: *init_ends,
                        ends: *ends,
                    };
                }
            }
            Trace::AttemptFinished { env, .. } => {
                if let Some(slot) = fold.envs.get_mut(env.0 as usize) {
                    slot.inv = None;
                }
            }
            Trace::RetryScheduled {
                inv,
                next_try,
                due,
                reason,
            } => {
                if *due > e.at {
                    fold.timers.insert(
                        *inv,
                        RetryTimer {
                            inv: *inv,
                            next_try: *next_try,
                            due: *due,
                            remaining_ms: due.since(e.at),
                            reason: *reason,
                        },
                    );
                }
                // A throttled SQS batch is invoked again as the same batch after its backoff (a
                // stream's records go back to their shard and are read into a new batch).
                // Settling in between must keep it: it is only out of the scene meanwhile.
                if let Some((b, _, again)) = fold.batches.get_mut(inv) {
                    *again |= *reason == RetryReason::EsmThrottled
                        && !matches!(self.topology.node(b.from).kind, NodeKind::Shard { .. });
                }
                self.stream_records_wait(fold, *inv);
            }
            Trace::Disposed { inv, disposition } => {
                fold.timers.remove(inv);
                if let Some((node, in_flight)) = fold.items.remove(inv) {
                    let n = &mut fold.nodes[node.0 as usize];
                    if in_flight {
                        n.in_flight = n.in_flight.saturating_sub(1);
                    } else {
                        n.visible = n.visible.saturating_sub(1);
                    }
                    if let Some(recs) = fold.shard_records.get_mut(&node) {
                        recs.retain(|(_, i)| i != inv);
                    }
                }
                if let Some((source, _)) = fold.live.remove(inv) {
                    if let Some((caller, Method::Synchronous)) = self.callers.get(&source) {
                        let waiter = caller.unwrap_or(source);
                        let n = &mut fold.nodes[waiter.0 as usize];
                        n.waiting = n.waiting.saturating_sub(1);
                        n.last_status = match disposition {
                            Disposition::Succeeded { status, .. } => *status,
                            Disposition::ErrorReturned { status, .. } => Some(*status),
                            _ => None,
                        };
                    }
                }
            }
            Trace::Throttled { .. }
            | Trace::PayloadRejected { .. }
            | Trace::CallerGaveUp { .. }
            | Trace::DeliveryFailed { .. }
            | Trace::InputApplied { .. } => {}
            Trace::Stored { inv, node: at, .. } => {
                fold.items.insert(*inv, (*at, false));
                fold.nodes[at.0 as usize].visible += 1;
                if matches!(self.topology.node(*at).kind, NodeKind::Shard { .. }) {
                    fold.shard_records
                        .get_or_insert_with(*at, BTreeSet::new)
                        .insert((e.at, *inv));
                }
            }
            Trace::BatchPolled {
                batch,
                esm,
                from,
                items,
                ..
            } => {
                for i in items {
                    if let Some((node, in_flight)) = fold.items.get_mut(&i.inv) {
                        if !*in_flight {
                            *in_flight = true;
                            let n = &mut fold.nodes[node.0 as usize];
                            n.visible = n.visible.saturating_sub(1);
                            n.in_flight += 1;
                        }
                    }
                }
                let view = BatchView {
                    batch: *batch,
                    esm: *esm,
                    from: *from,
                    items: items.iter().map(|i| i.inv).collect(),
                    polled_at: e.at,
                };
                fold.batches.insert(*batch, (view, None, false));
            }
            Trace::VisibleAgain { inv, .. } => back_to_waiting(fold, *inv),
            Trace::BatchBisected { batch, .. } => self.stream_records_wait(fold, *batch),
            Trace::ItemFailuresReported { .. }
            | Trace::ReadThrottled { .. }
            | Trace::Caught { .. }
            | Trace::CallbackReceived { .. } => {}
            Trace::ShardBlocked { shard, .. } => fold.nodes[shard.0 as usize].blocked = true,
            Trace::CheckpointAdvanced {
                shard,
                sequence,
                blocked,
                ..
            } => {
                let n = &mut fold.nodes[shard.0 as usize];
                n.blocked = *blocked;
                n.checkpoint = Some(n.checkpoint.map_or(*sequence, |c| c.max(*sequence)));
            }
            Trace::PollersScaled {
                esm, concurrency, ..
            } => fold.nodes[esm.0 as usize].concurrency_limit = Some(*concurrency),
            Trace::StateEntered { state, .. } => fold.nodes[state.0 as usize].active += 1,
            Trace::StateExited { state, .. } => {
                let n = &mut fold.nodes[state.0 as usize];
                n.active = n.active.saturating_sub(1);
            }
        }
    }

    /// Ticks for the scrubber: errors, throttles, retries, dead-lettering, errors seen by callers.
    pub fn markers(&self) -> Vec<Marker> {
        self.trace
            .iter()
            .enumerate()
            .filter_map(|(index, e)| {
                let kind = match &e.kind {
                    Trace::AttemptFinished { outcome, .. } if !outcome.is_success() => {
                        MarkerKind::Error
                    }
                    Trace::Throttled { .. } => MarkerKind::Throttle,
                    Trace::RetryScheduled { .. } => MarkerKind::Retry,
                    Trace::Disposed {
                        disposition:
                            Disposition::SentToFailureTarget { .. } | Disposition::Discarded { .. },
                        ..
                    } => MarkerKind::DeadLetter,
                    Trace::Disposed {
                        disposition: Disposition::ErrorReturned { .. },
                        ..
                    } => MarkerKind::CallerError,
                    Trace::Disposed {
                        disposition:
                            Disposition::MovedToDlq { .. }
                            | Disposition::Expired { .. }
                            | Disposition::NotRead { .. }
                            | Disposition::Deleted {
                                failure_ignored: true,
                                ..
                            },
                        ..
                    } => MarkerKind::DeadLetter,
                    Trace::Disposed {
                        disposition: Disposition::ExecutionFailed { .. },
                        ..
                    } => MarkerKind::CallerError,
                    Trace::ShardBlocked { .. } | Trace::ReadThrottled { .. } => {
                        MarkerKind::Throttle
                    }
                    _ => return None,
                };
                Some(Marker {
                    at: e.at,
                    kind,
                    index,
                })
            })
            .collect()
    }

    /// Stretches of at least `min_ms` where nothing moves and no handler runs: the app
    /// compresses them on screen (with a "+58 s" marker) while the clock keeps AWS time.
    pub fn idle_gaps(&self, min_ms: u64) -> Vec<(SimTime, SimTime)> {
        let mut gaps = Vec::new();
        let mut busy_until = SimTime::ZERO;
        for e in &self.trace {
            if e.at > busy_until && e.at.since(busy_until) >= min_ms {
                gaps.push((busy_until, e.at));
            }
            let end = match &e.kind {
                Trace::Sent { arrives, .. } => *arrives,
                Trace::AttemptStarted { ends, .. } => *ends,
                _ => e.at,
            };
            busy_until = busy_until.max(end);
        }
        gaps
    }
}

/// A message or record is waiting in its queue or shard again.
fn back_to_waiting(fold: &mut Fold, inv: InvocationId) {
    if let Some((node, in_flight)) = fold.items.get_mut(&inv) {
        if *in_flight {
            *in_flight = false;
            let n = &mut fold.nodes[node.0 as usize];
            n.in_flight = n.in_flight.saturating_sub(1);
            n.visible += 1;
        }
    }
}

/// Moves arrived tokens out of flight; records arrivals that stay (DLQ, destinations).
fn settle(fold: &mut Fold, t: SimTime) {
    // Answered batches are done, unless the mapping sends the same batch again (a throttled SQS
    // batch: its next `Sent` picks it up; dropping it here lost it for good whenever a keyframe
    // or a scene cursor settled between the 429 and the re-send). Retry countdowns that ran out
    // are never shown again.
    // (Strictly before `t`: what happens at the answer's own instant may still need the batch.)
    fold.batches
        .retain(|_, (_, done, again)| *again || done.is_none_or(|d| d >= t));
    fold.timers.retain(|_, r| r.due > t);
    let nodes = &mut fold.nodes;
    fold.in_flight.retain(|f| {
        if f.arrives <= t {
            if matches!(
                f.message,
                Message::Record { .. } | Message::ToDeadLetterQueue | Message::FailureRecord { .. }
            ) {
                nodes[f.to.0 as usize].stacked += 1;
            }
            false
        } else {
            true
        }
    });
}
