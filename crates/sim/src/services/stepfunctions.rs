//! AWS Step Functions calling the function (§5 of the fact sheet).
//!
//! ```text
//!  StartExecution ─▶ [Task A] ─Invoke─▶ function ─answer─▶ [Task A] ─▶ [Parallel ┬ B ┐] ─▶ ...
//!                       │ error: Retry (delay) ─┐                                 └ C ┘
//!                       └ no retrier left: Catch ─▶ [Handler]        or the execution fails
//! ```
//! * A Task state calls the function synchronously through `lambda:invoke`; the task fails if
//!   the function raises (SFN-LAMBDA [D]). Step Functions is therefore a synchronous caller, with
//!   the same concurrency and throttles as any Invoke; it never retries on its own: **no Retry
//!   field, no retry** (SFN-ERR [D], §9.10).
//! * Error names the machine sees: a throttle is `Lambda.TooManyRequestsException`, a timeout or
//!   other unhandled failure `Lambda.Unknown`, an error the code throws its own name (SFN-BP [D]).
//! * Retriers are evaluated in order; the first whose ErrorEquals matches applies; its delay is
//!   IntervalSeconds × BackoffRate^(n−1), capped by MaxDelaySeconds, and with JitterStrategy FULL
//!   drawn uniformly below that (SFN-ERR [D], SFN-JITTER [D]). When it has no attempts left, or
//!   none matches, the first matching catcher routes to its `next` with the error at its
//!   ResultPath; with no catcher the error fails the enclosing branch, or the execution (SFN-ERR [D]).
//! * Parallel runs its branches at once and waits for all; when one fails the state fails and the
//!   others are stopped, but Lambda invocations they started keep running (SFN-PAR [D]). Map runs
//!   one iteration per item, at most MaxConcurrency at once and never more than 40 inline
//!   (SFN-MAP [D]); an iteration's failure fails the Map and stops the others, as Parallel does
//!   ([S]: the sheet states fail-fast for Parallel; Map's inline iterations are treated alike).
//! * `.waitForTaskToken`: the function hands the token to a worker; the state waits for
//!   SendTaskSuccess / SendTaskFailure. SendTaskHeartbeat resets the HeartbeatSeconds clock;
//!   TimeoutSeconds caps the whole wait (`States.Timeout`; a missed heartbeat is
//!   `States.HeartbeatTimeout`) (SFN-HB [D]).
//! * An execution's history is capped (25,000 events, SFN-MAP [D]); each state entry counts one
//!   here, so a loop that never ends fails the execution instead of running forever.

use crate::function::RunOverride;
use crate::idmap::IdMap;
use crate::scenario::{
    error_matches, CallbackOutcome, JitterStrategy, Source, StateDef, StepFunctionsSource,
    HISTORY_EVENT_LIMIT,
};
use crate::time::SimTime;
use crate::trace::{
    AttemptOutcome, CallbackKind, Disposition, InvocationId, Message, NodeId, RetryReason, Trace,
};
use crate::world::{Happening, Leg, Sim};

/// What a state machine sees when a Lambda run fails (SFN-BP [D]).
pub fn task_error(outcome: &AttemptOutcome) -> Option<String> {
    match outcome {
        AttemptOutcome::Succeeded => None,
        AttemptOutcome::FunctionError { error_type } => Some(error_type.clone()),
        AttemptOutcome::TimedOut | AttemptOutcome::ResponseTooLarge { .. } => {
            Some(LAMBDA_UNKNOWN.into())
        }
    }
}
pub const LAMBDA_UNKNOWN: &str = "Lambda.Unknown";
pub const LAMBDA_THROTTLED: &str = "Lambda.TooManyRequestsException";
pub const STATES_TIMEOUT: &str = "States.Timeout";
pub const STATES_HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
/// [U] The error name when the history cap is hit (the sheet gives the cap, not the name).
pub const STATES_HISTORY_LIMIT: &str = "States.Runtime";
/// What a state stopped by a failing sibling branch reports as it leaves.
pub const STOPPED: &str = "Stopped";

#[derive(Clone, Debug, Default)]
pub(crate) struct SfnState {
    threads: IdMap<u32, Thread>,
    next_thread: u32,
    next_entry: u32,
    execs: IdMap<InvocationId, Exec>,
    /// Task invocation → the thread and state entry waiting for it.
    tasks: IdMap<InvocationId, (u32, u32)>,
}

impl SfnState {
    /// Entries a clone of the Step Functions state copies (see [`crate::world::Sim::state_size`]).
    pub(crate) fn state_size(&self) -> usize {
        self.threads.len() + self.execs.len() + self.tasks.len()
    }
}

#[derive(Clone, Debug)]
struct Exec {
    entries: u32,
}

/// One path of control: the execution's top level, a Parallel branch or a Map iteration.
#[derive(Clone, Debug)]
struct Thread {
    exec: InvocationId,
    source: usize,
    state: usize,
    /// Changes on every state entry, so timers of a state already left are ignored.
    entry: u32,
    parent: Option<u32>,
    /// The Map item this thread works on (inherited by nested branches).
    item: Option<u32>,
    /// Retries used per retrier of the current state.
    retries: Vec<u32>,
    task: Option<InvocationId>,
    try_no: u32,
    heartbeat_deadline: Option<SimTime>,
    /// Parallel / Map: running child threads, and progress.
    children: Vec<u32>,
    done: u32,
    next_item: u32,
    /// The state failed and waits for a retrier's delay.
    waiting_retry: bool,
    /// The current task try's task token: a retry gets a new one, so the old one is refused.
    token: u32,
}

#[derive(Clone, Debug)]
pub(crate) enum SfnHappening {
    /// A retrier's wait is over: run the state again.
    Retry { thread: u32, entry: u32 },
    /// TimeoutSeconds of a task try ran out.
    Timeout {
        thread: u32,
        entry: u32,
        try_no: u32,
    },
    /// The HeartbeatSeconds clock may have run out.
    HeartbeatCheck { thread: u32, entry: u32 },
    /// The task-token worker calls Step Functions.
    WorkerCall {
        thread: u32,
        token: u32,
        task: InvocationId,
        callback: CallbackKind,
    },
    /// A Wait state is over.
    WaitOver { thread: u32, entry: u32 },
    /// A Catch routes to `state` (taken as its own step, so a loop through a Catch cannot recurse).
    Goto {
        thread: u32,
        entry: u32,
        state: usize,
    },
    /// A Map iteration finished: start the next item.
    MapNext { thread: u32, entry: u32 },
}

#[derive(Clone, Debug)]
pub(crate) enum SfnLeg {
    /// A task's Invoke reached Lambda.
    TaskAtFunction { try_no: u32 },
    /// Lambda's answer reached the Task state.
    TaskAnswer { try_no: u32, error: Option<String> },
    /// The function handed the task token to the worker.
    TokenAtWorker { thread: u32, token: u32 },
    /// A worker's call reached Step Functions.
    CallbackAt {
        thread: u32,
        token: u32,
        callback: CallbackKind,
    },
}

enum Finish {
    Ok,
    Err { error: String, state: String },
}

impl Sim {
    fn machine(&self, source: usize) -> &StepFunctionsSource {
        match &self.scenario.file.sources[source] {
            Source::StepFunctions(m) => m,
            _ => unreachable!("source {source} is a state machine"),
        }
    }

    fn state_def(&self, source: usize, state: usize) -> &StateDef {
        &self.machine(source).states[state]
    }

    fn state_index(&self, source: usize, name: &str) -> usize {
        self.machine(source)
            .states
            .iter()
            .position(|s| s.name() == name)
            .expect("validated state name")
    }

    fn state_node(&self, source: usize, state: usize) -> NodeId {
        self.topo.states[source][state]
    }

    fn sfn_schedule(&mut self, at: SimTime, h: SfnHappening) {
        self.agenda.push(at, Happening::StepFunctions(h));
    }

    /// StartExecution: the execution (an invocation of the state machine source) enters StartAt.
    pub(crate) fn sfn_execution_started(&mut self, exec: InvocationId, source: usize) {
        self.sfn.execs.insert(exec, Exec { entries: 0 });
        let start = self.state_index(source, &self.machine(source).start_at.clone());
        let thread = self.sfn_new_thread(exec, source, None, None);
        self.sfn_enter(thread, start);
    }

    fn sfn_new_thread(
        &mut self,
        exec: InvocationId,
        source: usize,
        parent: Option<u32>,
        item: Option<u32>,
    ) -> u32 {
        let id = self.sfn.next_thread;
        self.sfn.next_thread += 1;
        self.sfn.threads.insert(
            id,
            Thread {
                exec,
                source,
                state: 0,
                entry: 0,
                parent,
                item,
                retries: Vec::new(),
                task: None,
                try_no: 0,
                heartbeat_deadline: None,
                children: Vec::new(),
                done: 0,
                next_item: 0,
                waiting_retry: false,
                token: 0,
            },
        );
        id
    }

    fn sfn_enter(&mut self, thread: u32, state: usize) {
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let (exec, source, item) = (t.exec, t.source, t.item);
        let entries = {
            let e = self.sfn.execs.get_mut(&exec).expect("execution");
            e.entries += 1;
            e.entries
        };
        let node = self.state_node(source, state);
        self.sfn.next_entry += 1;
        let entry = self.sfn.next_entry;
        let retriers = self.state_def(source, state).retriers().len();
        let t = self.sfn.threads.get_mut(&thread).expect("thread");
        t.state = state;
        t.entry = entry;
        t.retries = vec![0; retriers];
        t.task = None;
        t.try_no = 0;
        t.heartbeat_deadline = None;
        t.children.clear();
        t.done = 0;
        t.next_item = 0;
        self.emit(Trace::StateEntered {
            exec,
            state: node,
            item,
        });
        if entries > HISTORY_EVENT_LIMIT {
            let name = self.state_def(source, state).name().to_string();
            self.emit(Trace::StateExited {
                exec,
                state: node,
                error: Some(STATES_HISTORY_LIMIT.into()),
            });
            self.sfn_thread_finished(
                thread,
                Finish::Err {
                    error: STATES_HISTORY_LIMIT.into(),
                    state: name,
                },
            );
            return;
        }
        self.sfn_run_state(thread);
    }

    /// Does what the current state does (on entry, and again on a retry).
    fn sfn_run_state(&mut self, thread: u32) {
        let Some(t) = self.sfn.threads.get_mut(&thread) else {
            return;
        };
        t.waiting_retry = false;
        let (source, state, entry) = (t.source, t.state, t.entry);
        match self.state_def(source, state).clone() {
            StateDef::Task(task) => {
                self.sfn.next_entry += 1;
                let token = self.sfn.next_entry;
                let try_no = {
                    let t = self.sfn.threads.get_mut(&thread).expect("thread");
                    t.try_no += 1;
                    t.token = token;
                    t.try_no
                };
                let inv = match self.sfn.threads[&thread].task {
                    Some(inv) => inv,
                    None => {
                        let exec = self.sfn.threads[&thread].exec;
                        let bytes = self
                            .invocations
                            .get(&exec)
                            .map_or(1024, |s| s.payload_bytes);
                        let node = self.state_node(source, state);
                        let inv = self.new_invocation_at(source, node, bytes);
                        self.sfn.threads.get_mut(&thread).expect("thread").task = Some(inv);
                        inv
                    }
                };
                self.sfn.tasks.insert(inv, (thread, entry));
                if let Some(s) = task.timeout_seconds {
                    self.sfn_schedule(
                        self.now.plus(s * 1000),
                        SfnHappening::Timeout {
                            thread,
                            entry,
                            try_no,
                        },
                    );
                }
                if let Some(hb) = task.heartbeat_seconds {
                    let deadline = self.now.plus(hb * 1000);
                    self.sfn
                        .threads
                        .get_mut(&thread)
                        .expect("thread")
                        .heartbeat_deadline = Some(deadline);
                    self.sfn_schedule(deadline, SfnHappening::HeartbeatCheck { thread, entry });
                }
                let from = self.state_node(source, state);
                self.send(
                    inv,
                    from,
                    self.topo.function,
                    Message::Invoke { try_no },
                    Leg::StepFunctions(SfnLeg::TaskAtFunction { try_no }),
                );
            }
            StateDef::Parallel(p) => {
                let (exec, item) = (
                    self.sfn.threads[&thread].exec,
                    self.sfn.threads[&thread].item,
                );
                let mut children = Vec::new();
                for b in &p.branches {
                    let child = self.sfn_new_thread(exec, source, Some(thread), item);
                    children.push((child, self.state_index(source, b)));
                }
                let t = self.sfn.threads.get_mut(&thread).expect("thread");
                t.children = children.iter().map(|c| c.0).collect();
                t.done = 0;
                for (child, start) in children {
                    // A branch that failed at once stops the rest; they must not start.
                    if !self.sfn_is_running(thread, entry) || !self.sfn.threads.contains_key(&child)
                    {
                        break;
                    }
                    self.sfn_enter(child, start);
                }
            }
            StateDef::Map(m) => {
                let t = self.sfn.threads.get_mut(&thread).expect("thread");
                t.children.clear();
                t.done = 0;
                t.next_item = 0;
                if m.items == 0 {
                    self.sfn_state_succeeded(thread);
                    return;
                }
                for _ in 0..m.effective_concurrency().min(m.items) {
                    if !self.sfn_is_running(thread, entry) {
                        break;
                    }
                    self.sfn_map_spawn(thread);
                }
            }
            StateDef::Pass(_) => self.sfn_state_succeeded(thread),
            StateDef::Wait(w) => self.sfn_schedule(
                self.now.plus(w.seconds * 1000),
                SfnHappening::WaitOver { thread, entry },
            ),
            StateDef::Succeed(_) => {
                let (exec, node) = (
                    self.sfn.threads[&thread].exec,
                    self.state_node(source, state),
                );
                self.emit(Trace::StateExited {
                    exec,
                    state: node,
                    error: None,
                });
                self.sfn_thread_finished(thread, Finish::Ok);
            }
            StateDef::Fail(f) => {
                let (exec, node) = (
                    self.sfn.threads[&thread].exec,
                    self.state_node(source, state),
                );
                self.emit(Trace::StateExited {
                    exec,
                    state: node,
                    error: Some(f.error.clone()),
                });
                self.sfn_thread_finished(
                    thread,
                    Finish::Err {
                        error: f.error,
                        state: f.name,
                    },
                );
            }
        }
    }

    fn sfn_is_current(&self, thread: u32, entry: u32) -> bool {
        self.sfn
            .threads
            .get(&thread)
            .is_some_and(|t| t.entry == entry)
    }

    /// The thread still waits on the task try that handed out `token`.
    fn sfn_token_current(&self, thread: u32, token: u32) -> bool {
        self.sfn
            .threads
            .get(&thread)
            .is_some_and(|t| t.token == token && !t.waiting_retry)
    }

    /// Still in this state entry and not failed (waiting for a retry).
    fn sfn_is_running(&self, thread: u32, entry: u32) -> bool {
        self.sfn
            .threads
            .get(&thread)
            .is_some_and(|t| t.entry == entry && !t.waiting_retry)
    }

    fn sfn_map_spawn(&mut self, thread: u32) {
        let t = &self.sfn.threads[&thread];
        let (exec, source, state, item) = (t.exec, t.source, t.state, t.next_item);
        let StateDef::Map(m) = self.state_def(source, state) else {
            return;
        };
        let start = self.state_index(source, &m.item_processor_start_at.clone());
        let child = self.sfn_new_thread(exec, source, Some(thread), Some(item));
        let t = self.sfn.threads.get_mut(&thread).expect("thread");
        t.next_item += 1;
        t.children.push(child);
        self.sfn_enter(child, start);
    }

    /// The state is done: on to `next`, or the thread ends.
    fn sfn_state_succeeded(&mut self, thread: u32) {
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let (exec, source, state) = (t.exec, t.source, t.state);
        let node = self.state_node(source, state);
        self.emit(Trace::StateExited {
            exec,
            state: node,
            error: None,
        });
        match self.state_def(source, state).transition() {
            Some((Some(next), _)) => {
                let next = self.state_index(source, next);
                self.sfn_enter(thread, next);
            }
            _ => self.sfn_thread_finished(thread, Finish::Ok),
        }
    }

    /// The state raised `error`: Retry, then Catch, then fail the thread (SFN-ERR [D]).
    fn sfn_state_failed(&mut self, thread: u32, error: String) {
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let (exec, source, state, entry, task) = (t.exec, t.source, t.state, t.entry, t.task);
        let def = self.state_def(source, state).clone();
        if let Some((i, r)) = def
            .retriers()
            .iter()
            .enumerate()
            .find(|(_, r)| error_matches(&r.error_equals, &error))
        {
            let used = self.sfn.threads[&thread].retries[i];
            if used < r.max_attempts {
                let n = used + 1;
                let t = self.sfn.threads.get_mut(&thread).expect("thread");
                t.retries[i] = n;
                t.waiting_retry = true;
                let computed = r.delay_ms(n);
                let delay = match r.jitter_strategy {
                    JitterStrategy::Full => self.rng_sources[source].range_inclusive(0, computed),
                    JitterStrategy::None => computed,
                };
                let due = self.now.plus(delay);
                self.emit(Trace::RetryScheduled {
                    inv: task.unwrap_or(exec),
                    next_try: n + 1,
                    due,
                    reason: RetryReason::StateRetry,
                });
                // Until the retry, the state waits; a task's token is no longer being answered.
                if let Some(inv) = task {
                    self.sfn.tasks.remove(&inv);
                }
                self.sfn_stop_children(thread);
                self.sfn_schedule(due, SfnHappening::Retry { thread, entry });
                return;
            }
        }
        let node = self.state_node(source, state);
        self.sfn_stop_children(thread);
        if let Some(c) = def
            .catchers()
            .iter()
            .find(|c| error_matches(&c.error_equals, &error))
        {
            let next = self.state_index(source, &c.next);
            let next_node = self.state_node(source, next);
            self.emit(Trace::StateExited {
                exec,
                state: node,
                error: Some(error.clone()),
            });
            self.emit(Trace::Caught {
                exec,
                state: node,
                error: error.clone(),
                next: next_node,
                result_path: c.result_path.clone(),
            });
            if let Some(inv) = task {
                self.sfn.tasks.remove(&inv);
                self.dispose(
                    inv,
                    Disposition::Caught {
                        error,
                        state: def.name().into(),
                        next: c.next.clone(),
                    },
                );
            }
            let t = self.sfn.threads.get_mut(&thread).expect("thread");
            t.waiting_retry = true;
            t.task = None;
            self.sfn_schedule(
                self.now,
                SfnHappening::Goto {
                    thread,
                    entry,
                    state: next,
                },
            );
            return;
        }
        self.emit(Trace::StateExited {
            exec,
            state: node,
            error: Some(error.clone()),
        });
        if let Some(inv) = task {
            self.sfn.tasks.remove(&inv);
            let status = if error == LAMBDA_THROTTLED { 429 } else { 200 };
            self.dispose(
                inv,
                Disposition::ErrorReturned {
                    status,
                    error: error.clone(),
                },
            );
        }
        self.sfn_thread_finished(
            thread,
            Finish::Err {
                error,
                state: def.name().into(),
            },
        );
    }

    /// A thread reached its end: the execution ends, or its Parallel / Map hears about it.
    fn sfn_thread_finished(&mut self, thread: u32, result: Finish) {
        let Some(t) = self.sfn.threads.remove(&thread) else {
            return;
        };
        match t.parent {
            None => {
                self.sfn.execs.remove(&t.exec);
                let d = match result {
                    Finish::Ok => Disposition::Succeeded {
                        status: None,
                        destination: None,
                    },
                    Finish::Err { error, state } => Disposition::ExecutionFailed { error, state },
                };
                self.dispose(t.exec, d);
            }
            Some(parent) => {
                let Some(p) = self.sfn.threads.get_mut(&parent) else {
                    return;
                };
                p.children.retain(|c| *c != thread);
                let (source, state) = (p.source, p.state);
                match result {
                    Finish::Err { error, .. } => {
                        // Fail fast: the container state fails and its other branches stop (SFN-PAR [D]).
                        self.sfn_stop_children(parent);
                        self.sfn_state_failed(parent, error);
                    }
                    Finish::Ok => {
                        let p = self.sfn.threads.get_mut(&parent).expect("parent");
                        p.done += 1;
                        let done = p.done;
                        match self.state_def(source, state).clone() {
                            StateDef::Parallel(ps) if done as usize == ps.branches.len() => {
                                self.sfn_state_succeeded(parent)
                            }
                            StateDef::Map(m) => {
                                let p = &self.sfn.threads[&parent];
                                if p.next_item < m.items {
                                    // One finished, one starts: as its own step, so thousands of
                                    // items never recurse.
                                    let entry = p.entry;
                                    self.sfn_schedule(
                                        self.now,
                                        SfnHappening::MapNext {
                                            thread: parent,
                                            entry,
                                        },
                                    );
                                } else if done == m.items {
                                    self.sfn_state_succeeded(parent);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// Stops a container's running branches or iterations, deepest first. Their Lambda
    /// invocations keep running, but nobody waits for them any more (SFN-PAR [D]).
    fn sfn_stop_children(&mut self, thread: u32) {
        let children = match self.sfn.threads.get_mut(&thread) {
            Some(t) => std::mem::take(&mut t.children),
            None => return,
        };
        for child in children {
            self.sfn_stop_children(child);
            let Some(c) = self.sfn.threads.remove(&child) else {
                continue;
            };
            if c.entry == 0 {
                continue; // created but never started
            }
            let node = self.state_node(c.source, c.state);
            self.emit(Trace::StateExited {
                exec: c.exec,
                state: node,
                error: Some(STOPPED.into()),
            });
            if let Some(inv) = c.task {
                if self.sfn.tasks.remove(&inv).is_some()
                    || self.invocations.get(&inv).is_some_and(|s| !s.disposed)
                {
                    self.dispose(
                        inv,
                        Disposition::Abandoned {
                            reason: "a sibling branch failed, so Step Functions stopped this one"
                                .into(),
                        },
                    );
                }
            }
        }
    }

    /// A task's Invoke reached Lambda: run it (with the task's own behaviour), or 429.
    fn sfn_task_at_function(&mut self, inv: InvocationId, try_no: u32) {
        if !self.invocations.contains_key(&inv) {
            return;
        }
        let (source, state, item) = match self
            .sfn
            .tasks
            .get(&inv)
            .and_then(|(th, _)| self.sfn.threads.get(th))
        {
            Some(t) => (t.source, t.state, t.item),
            None => return,
        };
        let over = match self.state_def(source, state) {
            StateDef::Task(t) => RunOverride {
                duration: t.duration.clone(),
                behaviour: t.behaviour.clone(),
                error_type: t.error_type.clone(),
            },
            _ => RunOverride::default(),
        };
        let timeout = self.function_timeout_ms();
        let started = self.start_attempt_with(inv, try_no, timeout, |sim, attempt| {
            let mut plan = sim.plan_run_with(attempt, timeout, None, Some(&over));
            // A Map item the function cannot handle (poison, or flaky for its first attempts).
            if let (Some(item), true) = (item, plan.outcome.is_success()) {
                let f = &sim.scenario.file.function;
                let it = item as u64;
                if f.poison_items.contains(&it)
                    || f.flaky_items
                        .iter()
                        .any(|fl| fl.item == it && attempt <= fl.failures)
                {
                    let error_type = over
                        .error_type
                        .clone()
                        .unwrap_or_else(|| f.error_type.clone());
                    plan.outcome = AttemptOutcome::FunctionError { error_type };
                }
            }
            plan
        });
        if started.is_err() {
            let node = self.state_node(source, state);
            let msg = Message::Response {
                status: 429,
                error: Some(LAMBDA_THROTTLED.into()),
            };
            self.send(
                inv,
                self.topo.function,
                node,
                msg,
                Leg::StepFunctions(SfnLeg::TaskAnswer {
                    try_no,
                    error: Some(LAMBDA_THROTTLED.into()),
                }),
            );
        }
    }

    /// A task's handler run ended: Lambda answers the Task state (if anyone still waits).
    pub(crate) fn sfn_task_attempt_end(
        &mut self,
        inv: InvocationId,
        try_no: u32,
        error: Option<String>,
    ) {
        let Some(&(thread, _)) = self.sfn.tasks.get(&inv) else {
            return;
        };
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let node = self.state_node(t.source, t.state);
        let status = 200;
        self.send(
            inv,
            self.topo.function,
            node,
            Message::Response {
                status,
                error: error.clone(),
            },
            Leg::StepFunctions(SfnLeg::TaskAnswer { try_no, error }),
        );
    }

    fn sfn_task_answer(&mut self, inv: InvocationId, try_no: u32, error: Option<String>) {
        let Some(&(thread, entry)) = self.sfn.tasks.get(&inv) else {
            return;
        };
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        if t.entry != entry || t.try_no != try_no || t.task != Some(inv) {
            return; // the answer to a try the state no longer waits for
        }
        let (source, state) = (t.source, t.state);
        match error {
            Some(e) => self.sfn_state_failed(thread, e),
            None => {
                let waits = matches!(self.state_def(source, state), StateDef::Task(task) if task.waits_for_task_token());
                if waits {
                    // The function's success only hands over the token; the state keeps waiting.
                    if let Some(worker) = self.topo.task_token_workers[source] {
                        self.send(
                            inv,
                            self.topo.function,
                            worker,
                            Message::TaskToken,
                            Leg::StepFunctions(SfnLeg::TokenAtWorker {
                                thread,
                                token: self.sfn.threads[&thread].token,
                            }),
                        );
                    }
                    return;
                }
                self.sfn.tasks.remove(&inv);
                self.dispose(
                    inv,
                    Disposition::Succeeded {
                        status: Some(200),
                        destination: None,
                    },
                );
                self.sfn_state_succeeded(thread);
            }
        }
    }

    /// The worker has the token: it heartbeats and answers as the scenario says.
    fn sfn_token_at_worker(&mut self, inv: InvocationId, thread: u32, token: u32) {
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let (source, state) = (t.source, t.state);
        let StateDef::Task(task) = self.state_def(source, state) else {
            return;
        };
        let Some(cb) = task.callback.clone() else {
            return;
        };
        if let Some(every) = cb.heartbeat_every_ms {
            let mut at = every;
            while at < cb.after_ms {
                self.sfn_schedule(
                    self.now.plus(at),
                    SfnHappening::WorkerCall {
                        thread,
                        token,
                        task: inv,
                        callback: CallbackKind::Heartbeat,
                    },
                );
                at += every;
            }
        }
        let answer = match cb.outcome {
            CallbackOutcome::Success => CallbackKind::Success,
            CallbackOutcome::Failure => CallbackKind::Failure {
                error: cb.error.clone(),
            },
        };
        self.sfn_schedule(
            self.now.plus(cb.after_ms),
            SfnHappening::WorkerCall {
                thread,
                token,
                task: inv,
                callback: answer,
            },
        );
    }

    fn sfn_worker_call(
        &mut self,
        thread: u32,
        token: u32,
        task: InvocationId,
        callback: CallbackKind,
    ) {
        let Some(t) = self.sfn.threads.get(&thread) else {
            return;
        };
        let Some(worker) = self.topo.task_token_workers[t.source] else {
            return;
        };
        let node = self.state_node(t.source, t.state);
        self.send(
            task,
            worker,
            node,
            Message::Callback {
                callback: callback.clone(),
            },
            Leg::StepFunctions(SfnLeg::CallbackAt {
                thread,
                token,
                callback,
            }),
        );
    }

    fn sfn_callback_at(
        &mut self,
        inv: InvocationId,
        thread: u32,
        token: u32,
        callback: CallbackKind,
    ) {
        if !self.sfn_token_current(thread, token) || !self.sfn.tasks.contains_key(&inv) {
            return; // a token of a try or state that is over: Step Functions refuses it
        }
        let t = &self.sfn.threads[&thread];
        let (exec, source, state, entry) = (t.exec, t.source, t.state, t.entry);
        let node = self.state_node(source, state);
        self.emit(Trace::CallbackReceived {
            exec,
            state: node,
            callback: callback.clone(),
        });
        match callback {
            CallbackKind::Heartbeat => {
                if let StateDef::Task(task) = self.state_def(source, state) {
                    if let Some(hb) = task.heartbeat_seconds {
                        let deadline = self.now.plus(hb * 1000);
                        self.sfn
                            .threads
                            .get_mut(&thread)
                            .expect("thread")
                            .heartbeat_deadline = Some(deadline);
                        self.sfn_schedule(deadline, SfnHappening::HeartbeatCheck { thread, entry });
                    }
                }
            }
            CallbackKind::Success => {
                self.sfn.tasks.remove(&inv);
                self.dispose(
                    inv,
                    Disposition::Succeeded {
                        status: Some(200),
                        destination: None,
                    },
                );
                self.sfn_state_succeeded(thread);
            }
            CallbackKind::Failure { error } => self.sfn_state_failed(thread, error),
        }
    }

    pub(crate) fn on_sfn_leg(&mut self, inv: InvocationId, leg: SfnLeg) {
        match leg {
            SfnLeg::TaskAtFunction { try_no } => self.sfn_task_at_function(inv, try_no),
            SfnLeg::TaskAnswer { try_no, error } => self.sfn_task_answer(inv, try_no, error),
            SfnLeg::TokenAtWorker { thread, token } => self.sfn_token_at_worker(inv, thread, token),
            SfnLeg::CallbackAt {
                thread,
                token,
                callback,
            } => self.sfn_callback_at(inv, thread, token, callback),
        }
    }

    pub(crate) fn on_sfn_happening(&mut self, h: SfnHappening) {
        match h {
            SfnHappening::Retry { thread, entry } => {
                if self.sfn_is_current(thread, entry) {
                    self.sfn_run_state(thread);
                }
            }
            SfnHappening::Timeout {
                thread,
                entry,
                try_no,
            } => {
                let current = self
                    .sfn
                    .threads
                    .get(&thread)
                    .is_some_and(|t| t.entry == entry && t.try_no == try_no);
                let waiting = current
                    && self.sfn.threads[&thread]
                        .task
                        .is_some_and(|inv| self.sfn.tasks.contains_key(&inv));
                if waiting {
                    self.sfn_state_failed(thread, STATES_TIMEOUT.into());
                }
            }
            SfnHappening::HeartbeatCheck { thread, entry } => {
                let now = self.now;
                let missed = self.sfn.threads.get(&thread).is_some_and(|t| {
                    t.entry == entry && t.heartbeat_deadline.is_some_and(|d| d <= now)
                });
                let waiting = missed
                    && self.sfn.threads[&thread]
                        .task
                        .is_some_and(|inv| self.sfn.tasks.contains_key(&inv));
                if waiting {
                    self.sfn_state_failed(thread, STATES_HEARTBEAT_TIMEOUT.into());
                }
            }
            SfnHappening::WorkerCall {
                thread,
                token,
                task,
                callback,
            } => {
                if self.sfn_token_current(thread, token) {
                    self.sfn_worker_call(thread, token, task, callback);
                }
            }
            SfnHappening::WaitOver { thread, entry } => {
                if self.sfn_is_current(thread, entry) {
                    self.sfn_state_succeeded(thread);
                }
            }
            SfnHappening::Goto {
                thread,
                entry,
                state,
            } => {
                if self.sfn_is_current(thread, entry) {
                    self.sfn_enter(thread, state);
                }
            }
            SfnHappening::MapNext { thread, entry } => {
                if self.sfn_is_running(thread, entry) {
                    let items = match self
                        .sfn
                        .threads
                        .get(&thread)
                        .map(|t| self.state_def(t.source, t.state))
                    {
                        Some(StateDef::Map(m)) => m.items,
                        _ => 0,
                    };
                    if self.sfn.threads[&thread].next_item < items {
                        self.sfn_map_spawn(thread);
                    }
                }
            }
        }
    }
}
