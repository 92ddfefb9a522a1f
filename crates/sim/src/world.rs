//! The world and its stepping API.
//!
//! `World` is plain data (`Clone`, no `Rc`/`RefCell`/`Box<dyn>`), so a keyframe for scrubbing or
//! forking is a `clone()`. Time moves only through the [`Agenda`]; randomness comes only from
//! the world's seeded sub-streams ([`crate::rng`]); maps are `BTreeMap`s. A run is therefore a
//! pure function of (scenario, seed, inputs).
//!
//! Handlers live next to the invocation model they implement: [`crate::invoke::sync`],
//! [`crate::invoke::asynchronous`], and the function/concurrency model in [`crate::function`].
//! This file owns the dispatch (one `match` on the closed [`Happening`] enum) and the workload.

use crate::agenda::Agenda;
use crate::function::Environments;
use crate::rng::Rng;
use crate::scenario::{Method, Pattern, Scenario};
use crate::source_kind::SourceKind;
use crate::time::SimTime;
use crate::topology::Topology;
use crate::totals::Totals;
use crate::trace::*;

/// How much of the trace to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// Every event, for the app, lessons, reports and tests.
    Full,
    /// Only the [`Totals`]: for million-invocation benchmarks where memory must stay bounded.
    Aggregates,
}

/// Most events one step produces from a burst; the rest of the burst follows at the same instant,
/// in later steps. A burst of a million events created in one step would put a million events
/// in the trace before a [`crate::run::Budget`] could be checked (the browser ran out of memory
/// inside that single step). Every bundled scenario's bursts are smaller, so their runs are
/// unchanged.
pub(crate) const BURST_CHUNK: u64 = 4096;

/// Something scheduled to happen.
#[derive(Clone, Debug)]
pub(crate) enum Happening {
    /// Produce the next event(s) of workload `w`.
    Workload {
        w: usize,
        /// Rate: events produced so far. Burst: bursts completed so far.
        emitted: u64,
        /// Burst: events of the current burst already produced (see [`BURST_CHUNK`]).
        in_burst: u64,
    },
    /// A token reached its destination.
    Arrive {
        inv: InvocationId,
        leg: Leg,
    },
    /// A handler run ends.
    AttemptEnd {
        inv: InvocationId,
        attempt: u32,
        try_no: u32,
        env: EnvId,
        outcome: AttemptOutcome,
    },
    Timer {
        inv: InvocationId,
        timer: Timer,
    },
    /// An intervention's effect ends (throttle window, slow-down window).
    OverrideEnds,
    /// Event source mappings' timers ([`crate::invoke::polling`]).
    Polling(crate::invoke::polling::PollHappening),
    /// Step Functions' timers ([`crate::services::stepfunctions`]).
    StepFunctions(crate::services::stepfunctions::SfnHappening),
}

/// What the arrival of a token means (see the module docs of `invoke::*`).
#[derive(Clone, Debug)]
pub(crate) enum Leg {
    /// Sync: the caller's request reached the front door (API Gateway / CloudFront).
    AtFrontDoor,
    /// Sync: an Invoke reached Lambda.
    AtFunction { try_no: u32 },
    /// Sync: Lambda's answer reached the front door.
    AnswerAtFrontDoor {
        try_no: u32,
        status: u16,
        error: Option<String>,
        failure: Option<crate::invoke::sync::EdgeFailure>,
    },
    /// Sync: the final answer reached the caller.
    AtCaller {
        try_no: u32,
        status: u16,
        error: Option<String>,
    },
    /// Async: the event reached Lambda's internal queue.
    AtQueue,
    /// Async: a delivery attempt from SNS/EventBridge reached Lambda (or did not).
    DeliveryAt { try_no: u32 },
    /// Async: the queue handed the event to the function.
    AtFunctionAsync { attempt: u32 },
    /// Async: a failed or throttled event is back in the queue, waiting until `due`.
    BackInQueue { due: SimTime },
    /// A record reached a destination / the event reached a DLQ; the last one disposes.
    AtTarget { disposition: Option<Disposition> },
    /// Visual-only: an acknowledgement reached its recipient.
    Ack,
    /// Polling: a batch, a delete or an on-failure record arrived ([`crate::invoke::polling`]).
    Polling(crate::invoke::polling::PollLeg),
    /// Step Functions: an Invoke, an answer or a task-token call arrived.
    StepFunctions(crate::services::stepfunctions::SfnLeg),
}

#[derive(Clone, Debug)]
pub(crate) enum Timer {
    /// A source hands the event to Lambda (S3's notification delay; SNS/EventBridge retries).
    SourceDeliver { try_no: u32 },
    /// The internal queue hands the event to the function.
    QueuePick,
    /// API Gateway's integration timeout.
    IntegrationTimeout,
    /// The client's read timeout for send `try_no`.
    ReadTimeout { try_no: u32 },
    /// The SDK re-sends after a throttle.
    SdkRetry { try_no: u32 },
}

/// Per-invocation state, dropped once the invocation is disposed and nothing of it runs.
#[derive(Clone, Debug)]
pub(crate) struct Invocation {
    pub event: EventId,
    pub source: usize,
    pub created: SimTime,
    pub payload_bytes: u64,
    /// Handler runs so far (the `attempt` number of the last run).
    pub attempts: u32,
    /// Caller-side sends (sync) or source delivery tries (async).
    pub tries: u32,
    /// Sync: the caller has been sent its final answer.
    pub answered: bool,
    /// Sync: the send whose answer the caller is waiting for.
    pub awaiting_try: u32,
    /// Async: function-error retries used.
    pub retries_used: u32,
    /// Async: current throttle backoff.
    pub backoff_ms: u64,
    /// Async: when Lambda accepted the event (max event age counts from here).
    pub accepted_at: Option<SimTime>,
    /// Async: the instant of the queue pick in force (an earlier pick makes a later timer stale).
    pub pick_due: Option<SimTime>,
    /// Async: waiting in the queue after a throttle, until this instant at the latest.
    pub throttle_wait: Option<SimTime>,
    pub running: u32,
    pub disposed: bool,
    /// A second delivery of an event that was already delivered.
    pub duplicate: bool,
}

impl Invocation {
    /// A fresh invocation: nothing tried, nothing running, not disposed.
    pub(crate) fn new(
        event: EventId,
        source: usize,
        created: SimTime,
        payload_bytes: u64,
    ) -> Invocation {
        Invocation {
            event,
            source,
            created,
            payload_bytes,
            attempts: 0,
            tries: 0,
            answered: false,
            awaiting_try: 0,
            retries_used: 0,
            backoff_ms: 0,
            accepted_at: None,
            pick_due: None,
            throttle_wait: None,
            running: 0,
            disposed: false,
            duplicate: false,
        }
    }
}

/// Interventions in force ([`Input`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    pub fail_next: u32,
    pub timeout_next: u32,
    pub throttle_until: SimTime,
    pub slow_factor: u32,
    pub slow_until: SimTime,
}

/// The simulation: scenario, clock, agenda, state, trace.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) scenario: Scenario,
    pub(crate) topo: Topology,
    pub(crate) seed: u64,
    pub(crate) now: SimTime,
    pub(crate) horizon: SimTime,
    pub(crate) agenda: Agenda<Happening>,
    pub(crate) rng_function: Rng,
    pub(crate) rng_queue: Rng,
    pub(crate) rng_sources: Vec<Rng>,
    pub(crate) invocations: crate::invocations::Invocations,
    pub(crate) envs: Environments,
    pub(crate) queue_depth: u32,
    pub(crate) next_inv: u32,
    pub(crate) next_event: u32,
    pub(crate) next_token: u32,
    pub(crate) overrides: Overrides,
    pub(crate) retention: Retention,
    pub(crate) trace: Vec<TraceEvent>,
    pub(crate) totals: Totals,
    /// Event source mappings: queues, streams, batches.
    pub(crate) polling: crate::invoke::polling::PollingState,
    /// Step Functions executions.
    pub(crate) sfn: crate::services::stepfunctions::SfnState,
    /// Events waiting in Lambda's queue after a throttle, oldest first: freed concurrency goes
    /// to them at once (see `invoke::asynchronous::async_wake_throttled`).
    pub(crate) throttled: std::collections::VecDeque<InvocationId>,
}

impl Sim {
    /// A fresh run of `scenario` with `seed`, keeping the full trace.
    pub fn new(scenario: &Scenario, seed: u64) -> Sim {
        Sim::with_retention(scenario, seed, Retention::Full)
    }

    pub fn with_retention(scenario: &Scenario, seed: u64, retention: Retention) -> Sim {
        let topo = Topology::of(scenario);
        let f = &scenario.file;
        let rng_sources = f
            .sources
            .iter()
            .map(|s| Rng::derive(seed, &format!("source:{}", s.id())))
            .collect();
        let mut sim = Sim {
            horizon: SimTime(scenario.horizon_ms()),
            envs: Environments::new(&f.account, &f.function),
            scenario: scenario.clone(),
            topo,
            seed,
            now: SimTime::ZERO,
            agenda: Agenda::default(),
            rng_function: Rng::derive(seed, "function"),
            rng_queue: Rng::derive(seed, "event-queue"),
            rng_sources,
            invocations: Default::default(),
            queue_depth: 0,
            next_inv: 0,
            next_event: 0,
            next_token: 0,
            overrides: Overrides {
                slow_factor: 1,
                ..Overrides::default()
            },
            retention,
            trace: Vec::new(),
            totals: Totals::default(),
            polling: Default::default(),
            sfn: Default::default(),
            throttled: Default::default(),
        };
        sim.init_polling();
        // Provisioned environments exist, initialised, before the first request (L-RESERVED).
        for _ in 0..f.function.provisioned_concurrency {
            let env = sim.envs.add_provisioned();
            sim.emit(Trace::EnvironmentCreated {
                env,
                provisioned: true,
            });
        }
        for (w, wl) in f.workload.iter().enumerate() {
            sim.agenda.push(
                SimTime(wl.at_ms),
                Happening::Workload {
                    w,
                    emitted: 0,
                    in_burst: 0,
                },
            );
        }
        sim
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn topology(&self) -> &Topology {
        &self.topo
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// About how many entries a clone of this world copies: what a keyframe costs. A burst of
    /// 20,000 events keeps 20,000 invocations and agenda entries alive, so keyframes at a fixed
    /// step spacing would copy them hundreds of times (memory quadratic in the burst);
    /// [`crate::run::Run`] spaces keyframes by this instead.
    pub(crate) fn state_size(&self) -> usize {
        self.agenda.len()
            + self.invocations.len()
            + self.envs.envs.len()
            + self.polling.state_size()
            + self.sfn.state_size()
    }

    pub fn now(&self) -> SimTime {
        self.now
    }
    pub fn horizon(&self) -> SimTime {
        self.horizon
    }
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }
    pub fn into_trace(self) -> Vec<TraceEvent> {
        self.trace
    }
    pub fn totals(&self) -> &Totals {
        &self.totals
    }
    /// The benchmark's record of a finished run, one JSON line: how long it took (`secs`, measured
    /// by the caller: the core has no clock), the trace events, the totals as their `Debug` text
    /// (integers only, so the same on every target) and, when the trace was kept, its
    /// [`crate::rng::trace_digest`]. `scripts/bench-sim --wasm` compares the native line
    /// (`examples/bench.rs --json`) with the shipped WebAssembly's (`benchSim` in the app).
    pub fn bench_json(&self, secs: f64) -> String {
        let digest = match self.trace.as_slice() {
            [] => "null".to_string(),
            trace => format!("\"{:016x}\"", crate::rng::trace_digest(trace)),
        };
        format!(
            "{{\"secs\":{secs},\"trace_events\":{},\"digest\":{digest},\"totals\":{:?}}}",
            self.totals.trace_events,
            format!("{:?}", self.totals),
        )
    }
    /// Execution environments currently initialising or running a handler.
    pub fn concurrency_in_use(&self) -> u32 {
        self.envs.busy
    }
    pub fn queue_depth(&self) -> u32 {
        self.queue_depth
    }
    /// The scaling budget now, as the engine holds it (the scene rebuilds it from the trace).
    pub fn scaling(&self) -> crate::function::ScalingView {
        self.envs.scaling_at(self.now)
    }
    /// Invocations not yet disposed, or still running after their disposal.
    pub fn live_invocations(&self) -> usize {
        self.invocations.len()
    }
    /// When the next happening is due, if any within the horizon.
    pub fn next_time(&self) -> Option<SimTime> {
        self.agenda.peek_time().filter(|t| *t <= self.horizon)
    }

    /// Processes the next happening. Returns `false` when nothing is left before the horizon.
    pub fn step(&mut self) -> bool {
        match self.agenda.peek_time() {
            Some(t) if t <= self.horizon => {}
            _ => return false,
        }
        let (at, h) = self.agenda.pop().expect("peeked");
        debug_assert!(
            at >= self.now,
            "time went backwards: {at:?} < {:?}",
            self.now
        );
        self.now = at;
        self.dispatch(h);
        true
    }

    /// Processes everything due at or before `t`, then sets the clock to `t` (capped at the horizon).
    pub fn advance_to(&mut self, t: SimTime) {
        let t = t.min(self.horizon);
        while matches!(self.agenda.peek_time(), Some(n) if n <= t) {
            self.step();
        }
        if t > self.now {
            self.now = t;
        }
    }

    /// Runs to the horizon.
    pub fn run(&mut self) {
        while self.step() {}
        // Nothing is left before the horizon: the clock stands at it.
        self.now = self.now.max(self.horizon);
    }

    /// Applies an intervention at the current instant, without advancing time.
    pub fn apply(&mut self, input: Input) {
        match &input {
            Input::FailNextAttempt => self.overrides.fail_next += 1,
            Input::TimeOutNextAttempt => self.overrides.timeout_next += 1,
            Input::Throttle { for_ms } => {
                self.overrides.throttle_until = self.now.plus(*for_ms);
                self.agenda
                    .push(self.overrides.throttle_until, Happening::OverrideEnds);
            }
            Input::SlowDown { factor, for_ms } => {
                self.overrides.slow_factor = (*factor).max(1);
                self.overrides.slow_until = self.now.plus(*for_ms);
                self.agenda
                    .push(self.overrides.slow_until, Happening::OverrideEnds);
            }
            Input::Publish { source } => {
                if let Some(i) = self
                    .scenario
                    .file
                    .sources
                    .iter()
                    .position(|s| s.id() == source)
                {
                    self.create_event(i, 1024, None);
                }
            }
        }
        self.emit(Trace::InputApplied { input });
    }

    /// A digest of the whole state, for determinism tests (restore a keyframe, replay, compare).
    pub fn state_digest(&self) -> u64 {
        let text = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.now,
            self.agenda,
            self.rng_function,
            self.rng_queue,
            self.rng_sources,
            self.invocations,
            self.envs,
            self.queue_depth,
            self.next_inv,
            self.next_event,
            self.next_token,
            self.overrides,
            self.totals,
            self.polling,
            self.sfn,
            self.throttled
        );
        crate::rng::fnv1a(text.as_bytes())
            ^ crate::rng::fnv1a(format!("{:?}", self.trace).as_bytes()).rotate_left(1)
    }

    fn dispatch(&mut self, h: Happening) {
        match h {
            Happening::Workload {
                w,
                emitted,
                in_burst,
            } => self.on_workload(w, emitted, in_burst),
            Happening::Arrive { inv, leg } => self.on_arrive(inv, leg),
            Happening::AttemptEnd {
                inv,
                attempt,
                try_no,
                env,
                outcome,
            } => self.on_attempt_end(inv, attempt, try_no, env, outcome),
            Happening::Timer { inv, timer } => self.on_timer(inv, timer),
            Happening::OverrideEnds => {}
            Happening::Polling(h) => self.on_poll_happening(h),
            Happening::StepFunctions(h) => self.on_sfn_happening(h),
        }
    }

    fn on_arrive(&mut self, inv: InvocationId, leg: Leg) {
        match leg {
            Leg::AtFrontDoor => self.sync_at_front_door(inv),
            Leg::AtFunction { try_no } => self.sync_at_function(inv, try_no),
            Leg::AnswerAtFrontDoor {
                try_no,
                status,
                error,
                failure,
            } => self.sync_answer_at_front_door(inv, try_no, status, error, failure),
            Leg::AtCaller {
                try_no,
                status,
                error,
            } => self.sync_at_caller(inv, try_no, status, error),
            Leg::AtQueue => self.async_at_queue(inv),
            Leg::DeliveryAt { try_no } => self.async_delivery_at(inv, try_no),
            Leg::AtFunctionAsync { attempt } => self.async_at_function(inv, attempt),
            Leg::BackInQueue { due } => self.async_back_in_queue(inv, due),
            Leg::AtTarget { disposition } => {
                if let Some(d) = disposition {
                    self.dispose(inv, d);
                }
            }
            Leg::Ack => {}
            Leg::Polling(leg) => self.on_poll_leg(inv, leg),
            Leg::StepFunctions(leg) => self.on_sfn_leg(inv, leg),
        }
    }

    fn on_attempt_end(
        &mut self,
        inv: InvocationId,
        attempt: u32,
        try_no: u32,
        env: EnvId,
        outcome: AttemptOutcome,
    ) {
        self.envs.release(env);
        self.async_wake_throttled();
        // What the follow-up needs is taken before the outcome moves into the trace, so the hot
        // asynchronous path never clones the error's String.
        let succeeded = outcome.is_success();
        let sync_error = match self.invocations.get(&inv) {
            Some(s) if self.scenario.file.sources[s.source].method() == Method::Synchronous => {
                Some((
                    crate::invoke::sync::invoke_error(&outcome),
                    crate::invoke::sync::EdgeFailure::of(&outcome),
                ))
            }
            _ => None,
        };
        // Polled batches and Step Functions tasks have their own follow-up.
        let extended = self.invocations.get(&inv).and_then(|s| {
            crate::invoke::polling::follow_up(&self.scenario.file.sources[s.source], &outcome)
        });
        self.emit(Trace::AttemptFinished {
            inv,
            attempt,
            env,
            outcome,
        });
        let Some(state) = self.invocations.get_mut(&inv) else {
            return;
        };
        state.running = state.running.saturating_sub(1);
        match (extended, sync_error) {
            (Some(crate::invoke::polling::AttemptFollowUp::Batch { error }), _) => {
                self.esm_attempt_end(inv, error)
            }
            (Some(crate::invoke::polling::AttemptFollowUp::Task { error }), _) => {
                self.sfn_task_attempt_end(inv, try_no, error)
            }
            (None, Some((error, failure))) => self.sync_attempt_end(inv, try_no, error, failure),
            (None, None) => self.async_attempt_end(inv, attempt, succeeded),
        }
        self.forget_if_done(inv);
    }

    fn on_timer(&mut self, inv: InvocationId, timer: Timer) {
        match timer {
            Timer::SourceDeliver { try_no } => self.async_source_deliver(inv, try_no),
            Timer::QueuePick => self.async_queue_pick(inv),
            Timer::IntegrationTimeout => self.sync_integration_timeout(inv),
            Timer::ReadTimeout { try_no } => self.sync_read_timeout(inv, try_no),
            Timer::SdkRetry { try_no } => self.sync_send_invoke(inv, try_no),
        }
    }

    fn on_workload(&mut self, w: usize, emitted: u64, in_burst: u64) {
        let wl = &self.scenario.file.workload[w];
        let Some(source) = self
            .scenario
            .file
            .sources
            .iter()
            .position(|s| s.id() == wl.source)
        else {
            return;
        };
        let (pattern, count, repeat, at_ms, every_ms, rate_per_s, total, payload_bytes) = (
            wl.pattern,
            wl.count,
            wl.repeat,
            wl.at_ms,
            wl.every_ms,
            wl.rate_per_s,
            wl.total(),
            wl.payload_bytes,
        );
        match pattern {
            Pattern::Burst => {
                let upto = count.min(in_burst + BURST_CHUNK);
                for _ in in_burst..upto {
                    self.create_event(source, payload_bytes, None);
                }
                if upto < count {
                    self.agenda.push(
                        self.now,
                        Happening::Workload {
                            w,
                            emitted,
                            in_burst: upto,
                        },
                    );
                    return;
                }
                let done = emitted + 1;
                if done < repeat {
                    self.agenda.push(
                        SimTime(at_ms + done * every_ms),
                        Happening::Workload {
                            w,
                            emitted: done,
                            in_burst: 0,
                        },
                    );
                }
            }
            Pattern::Rate => {
                self.create_event(source, payload_bytes, None);
                let done = emitted + 1;
                if done < total {
                    // Integer spacing: event k at at_ms + k*1000/rate, so rates that do not divide
                    // 1000 still average out exactly.
                    let at = at_ms + done * 1000 / rate_per_s;
                    self.agenda.push(
                        SimTime(at),
                        Happening::Workload {
                            w,
                            emitted: done,
                            in_burst: 0,
                        },
                    );
                }
            }
        }
    }

    /// A source produces an event (or, with `duplicate_of`, a second delivery of one) and sends it on its way.
    pub(crate) fn create_event(
        &mut self,
        source: usize,
        payload_bytes: u64,
        duplicate_of: Option<EventId>,
    ) -> InvocationId {
        let inv = self.new_invocation(source, payload_bytes, duplicate_of);
        let node = self.topo.sources[source].0;
        let src = &self.scenario.file.sources[source];
        // Where a new event starts, by kind and without a catch-all: a new source kind does not
        // compile until it says which invocation path its events take.
        match src.kind() {
            SourceKind::ApiGateway | SourceKind::Cloudfront => {
                let caller = self.topo.sources[source]
                    .1
                    .expect("front doors have callers");
                self.send(inv, caller, node, Message::Request, Leg::AtFrontDoor);
            }
            SourceKind::Custom if src.method() == Method::Synchronous => {
                self.sync_send_invoke(inv, 1);
            }
            SourceKind::Sqs | SourceKind::Kinesis | SourceKind::DynamodbStreams => {
                self.polling_item_created(inv, source)
            }
            SourceKind::StepFunctions => self.sfn_execution_started(inv, source),
            SourceKind::Custom | SourceKind::S3 | SourceKind::Sns | SourceKind::EventBridge => {
                self.async_source_created(inv, source)
            }
        }
        inv
    }

    /// Registers a new invocation and records `EventCreated`.
    pub(crate) fn new_invocation(
        &mut self,
        source: usize,
        payload_bytes: u64,
        duplicate_of: Option<EventId>,
    ) -> InvocationId {
        let node = self.topo.sources[source].0;
        self.new_invocation_from(source, node, payload_bytes, duplicate_of)
    }

    /// A new invocation that starts at `node` rather than at its source's box (a Step Functions
    /// Task state calling the function).
    pub(crate) fn new_invocation_at(
        &mut self,
        source: usize,
        node: crate::trace::NodeId,
        payload_bytes: u64,
    ) -> InvocationId {
        self.new_invocation_from(source, node, payload_bytes, None)
    }

    fn new_invocation_from(
        &mut self,
        source: usize,
        node: crate::trace::NodeId,
        payload_bytes: u64,
        duplicate_of: Option<EventId>,
    ) -> InvocationId {
        let inv = InvocationId(self.next_inv);
        self.next_inv += 1;
        let event = duplicate_of.unwrap_or_else(|| {
            let e = EventId(self.next_event);
            self.next_event += 1;
            e
        });
        self.invocations.insert(
            inv,
            Invocation {
                duplicate: duplicate_of.is_some(),
                ..Invocation::new(event, source, self.now, payload_bytes)
            },
        );
        self.emit(Trace::EventCreated {
            inv,
            event,
            source: node,
            duplicate: duplicate_of.is_some(),
            payload_bytes,
        });
        inv
    }

    /// Sends a token from `from` to `to`; `leg` happens when it arrives.
    pub(crate) fn send(
        &mut self,
        inv: InvocationId,
        from: crate::trace::NodeId,
        to: crate::trace::NodeId,
        message: Message,
        leg: Leg,
    ) -> SimTime {
        let token = TokenId(self.next_token);
        self.next_token = self.next_token.wrapping_add(1);
        let arrives = self.now.plus(self.scenario.file.network.hop_ms);
        self.emit(Trace::Sent {
            token,
            inv,
            from,
            to,
            arrives,
            message,
        });
        self.agenda.push(arrives, Happening::Arrive { inv, leg });
        arrives
    }

    pub(crate) fn schedule(&mut self, at: SimTime, inv: InvocationId, timer: Timer) {
        self.agenda.push(at, Happening::Timer { inv, timer });
    }

    /// Records the final word on an invocation.
    pub(crate) fn dispose(&mut self, inv: InvocationId, disposition: Disposition) {
        match self.invocations.get_mut(&inv) {
            Some(s) if !s.disposed => s.disposed = true,
            _ => return,
        }
        self.emit(Trace::Disposed { inv, disposition });
        self.forget_if_done(inv);
    }

    pub(crate) fn forget_if_done(&mut self, inv: InvocationId) {
        if matches!(self.invocations.get(&inv), Some(s) if s.disposed && s.running == 0) {
            self.invocations.remove(&inv);
        }
    }

    /// Appends to the trace (or only counts, with aggregate retention).
    pub(crate) fn emit(&mut self, kind: Trace) {
        self.totals.count(&kind);

        if self.retention == Retention::Full {
            self.trace.push(TraceEvent { at: self.now, kind });
        }
    }
}
