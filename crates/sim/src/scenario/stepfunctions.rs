//! Scenario types for a Step Functions state machine that calls the function (§5 of the fact
//! sheet). The definition is Amazon States Language with its field names in snake case, flattened
//! for TOML: every state is one `[[sources.states]]` table, and a Parallel branch or a Map's item
//! processor is named by the state it starts at (states reachable from there belong to it).
//!
//! ```toml
//! [[sources]]
//! kind = "step_functions"
//! id = "checkout"
//! start_at = "Charge"
//!
//! [[sources.states]]
//! type = "task"
//! name = "Charge"
//! end = true
//! retry = [{ error_equals = ["Lambda.TooManyRequestsException"], interval_seconds = 2 }]
//! catch = [{ error_equals = ["States.ALL"], next = "Refund", result_path = "$.error" }]
//! ```

use std::collections::BTreeMap;

use super::schema::declare;
use super::{check_uniform, Behaviour, DurationDist, MAX_HORIZON_S};

/// The optimized Lambda integration (SFN-LAMBDA [D]).
pub const LAMBDA_INVOKE: &str = "arn:aws:states:::lambda:invoke";
/// The callback pattern: the state waits for `SendTaskSuccess`/`SendTaskFailure` (SFN-LAMBDA [D]).
pub const LAMBDA_INVOKE_WAIT: &str = "arn:aws:states:::lambda:invoke.waitForTaskToken";
/// Inline Map runs at most 40 iterations at once (SFN-MAP [D]).
pub const INLINE_MAP_CONCURRENCY_CAP: u32 = 40;
/// An execution's history is limited to 25,000 events (SFN-MAP [D]).
pub const HISTORY_EVENT_LIMIT: u32 = 25_000;

declare! {
    /// A Step Functions state machine whose Task states invoke the function (§5).
    pub struct StepFunctionsSource {
        /// The source's id, unique in the scenario.
        pub id: String,
        /// The state machine's name (shown on the diagram).
        pub state_machine: String = "order-workflow".into(),
        /// StartAt: the first state.
        pub start_at: String,
        /// The states: `[[sources.states]]` tables.
        pub states: Vec<StateDef>,
    }
}

declare! {
    /// One state of the machine (ASL `Type`).
    pub enum StateDef by "type" {
        /// Invokes the function.
        Task = "task" (TaskState),
        /// Runs branches concurrently.
        Parallel = "parallel" (ParallelState),
        /// Runs an item processor once per item.
        Map = "map" (MapState),
        /// Passes its input on.
        Pass = "pass" (PassState),
        /// Waits.
        Wait = "wait" (WaitState),
        /// Ends the execution successfully.
        Succeed = "succeed" (SucceedState),
        /// Ends the execution with an error.
        Fail = "fail" (FailState),
    }
}

declare! {
    /// A Task state invoking the function (`lambda:invoke`, SFN-LAMBDA [D]).
    pub struct TaskState {
        /// The state's name (1–80 characters).
        pub name: String,
        /// The state that follows (or `end = true`).
        pub next: Option<String> = None,
        /// Whether the execution ends after this state.
        pub end: bool = false,
        /// `arn:aws:states:::lambda:invoke` or `...lambda:invoke.waitForTaskToken` (SFN-LAMBDA [D]).
        #[field(choices("arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken"), row("SFN-LAMBDA"))]
        pub resource: String = LAMBDA_INVOKE.into(),
        /// Retriers, tried in order (SFN-ERR [D]). None ⇒ no retry at all.
        #[field(row("SFN-ERR"))]
        pub retry: Vec<Retrier> = Vec::new(),
        /// Catchers, tried in order after retries (SFN-ERR [D]).
        #[field(row("SFN-ERR"))]
        pub catch: Vec<Catcher> = Vec::new(),
        /// TimeoutSeconds: the task fails with `States.Timeout` after this long (SFN-HB [D]).
        #[field(range(1, 99_999_999), row("SFN-HB"))]
        pub timeout_seconds: Option<u64> = None,
        /// HeartbeatSeconds: with `.waitForTaskToken`, a missed heartbeat fails the task with
        /// `States.HeartbeatTimeout` (SFN-HB [D]).
        #[field(range(1, 99_999_999), row("SFN-HB"))]
        pub heartbeat_seconds: Option<u64> = None,
        /// With `.waitForTaskToken`: what the worker holding the token does.
        pub callback: Option<Callback> = None,
        /// This task's handler behaviour, instead of the function's (one function, many tasks).
        pub behaviour: Option<Behaviour> = None,
        /// This task's error name, instead of the function's.
        pub error_type: Option<String> = None,
        /// This task's handler run time, instead of the function's.
        pub duration: Option<DurationDist> = None,
    }
}
impl TaskState {
    pub fn waits_for_task_token(&self) -> bool {
        self.resource == LAMBDA_INVOKE_WAIT
    }
}
declare! {
    /// The worker that received a task token (from the function) and answers Step Functions.
    pub struct Callback {
        /// The worker answers this long after the function handed it the token (function end).
        #[field(range(0, MAX_HORIZON_S as i64 * 1000))]
        pub after_ms: u64,
        /// `success` (SendTaskSuccess) or `failure` (SendTaskFailure with `error`).
        pub outcome: CallbackOutcome = CallbackOutcome::Success,
        /// The error a failure sends.
        pub error: String = "CallbackFailed".into(),
        /// SendTaskHeartbeat every this many ms until it answers (SFN-HB [D]); unset = none.
        #[field(range(100, 86_400_000), row("SFN-HB"))]
        pub heartbeat_every_ms: Option<u64> = None,
    }
}

declare! {
    /// What the worker holding a task token answers.
    pub enum CallbackOutcome words {
        Success = "success",
        Failure = "failure",
    }
}

declare! {
    /// A Retry entry (SFN-ERR [D]; defaults 1 s / 3 / ×2.0 / NONE, SFN-JITTER [D]).
    pub struct Retrier {
        /// The error names this retrier matches (`States.ALL`, `Lambda.TooManyRequestsException`...).
        #[field(row("SFN-ERR"))]
        pub error_equals: Vec<String>,
        /// IntervalSeconds: the first retry's wait (SFN-ERR [D]).
        #[field(range(1, 99_999_999), row("SFN-ERR"))]
        pub interval_seconds: u64 = 1,
        /// MaxAttempts: retries before giving up; 0 = never (SFN-ERR [D]).
        #[field(range(0, 99_999_999), row("SFN-ERR"))]
        pub max_attempts: u32 = 3,
        /// BackoffRate: each wait is this many times the last, at least 1.0 (SFN-ERR [D]; this
        /// build allows up to 1000).
        #[field(number(1.0, 1000.0), row("SFN-ERR"))]
        pub backoff_rate: f64 = 2.0,
        /// MaxDelaySeconds: the longest wait (SFN-ERR [D]).
        #[field(range(1, 31_622_401), row("SFN-ERR"))]
        pub max_delay_seconds: Option<u64> = None,
        /// JitterStrategy: `FULL` or `NONE` (SFN-JITTER [D]).
        #[field(row("SFN-JITTER"))]
        pub jitter_strategy: JitterStrategy = JitterStrategy::None,
    }
}

impl Retrier {
    /// BackoffRate in thousandths: the engine multiplies integers only, so native and wasm agree.
    pub fn backoff_rate_milli(&self) -> u64 {
        (self.backoff_rate * 1000.0).round() as u64
    }
    /// Delay before retry `n` (1-based), before jitter: IntervalSeconds × BackoffRate^(n−1),
    /// capped by MaxDelaySeconds (SFN-ERR [D]). Integer milliseconds, rounded down at each step.
    pub fn delay_ms(&self, n: u32) -> u64 {
        let cap = self
            .max_delay_seconds
            .map_or(u64::MAX, |s| s.saturating_mul(1000));
        let mut d = self.interval_seconds.saturating_mul(1000);
        let rate = self.backoff_rate_milli();
        for _ in 1..n {
            if d >= cap {
                break;
            }
            d = (d as u128 * rate as u128 / 1000).min(u64::MAX as u128) as u64;
        }
        d.min(cap)
    }
}

declare! {
    /// JitterStrategy: FULL draws the delay uniformly from 0…computed delay; NONE (default) does
    /// not (SFN-JITTER [D]).
    #[derive(Default)]
    pub enum JitterStrategy words {
        Full = "FULL",
        #[default]
        None = "NONE",
    }
}

declare! {
    /// A Catch entry (SFN-ERR [D]): after retries, the first match routes to `next`.
    pub struct Catcher {
        /// The error names this catcher matches.
        #[field(row("SFN-ERR"))]
        pub error_equals: Vec<String>,
        /// The state to go to.
        pub next: String,
        /// Where the error output goes: `$` (default) replaces the state's input with it; a path
        /// such as `$.error` adds it to the input, so the next state sees both.
        #[field(row("SFN-ERR"))]
        pub result_path: String = "$".into(),
    }
}

declare! {
    /// Runs branches concurrently and waits for all; fails fast (SFN-PAR [D]).
    pub struct ParallelState {
        /// The state's name.
        pub name: String,
        /// The state that follows (or `end = true`).
        pub next: Option<String> = None,
        /// Whether the execution ends after this state.
        pub end: bool = false,
        /// The StartAt state of each branch.
        #[field(row("SFN-PAR"))]
        pub branches: Vec<String>,
        /// Retriers for the whole state (SFN-ERR [D]).
        pub retry: Vec<Retrier> = Vec::new(),
        /// Catchers for the whole state (SFN-ERR [D]).
        pub catch: Vec<Catcher> = Vec::new(),
    }
}

declare! {
    /// Inline Map: runs the item processor once per item, at most `max_concurrency` at a time
    /// (0 = no explicit limit), never more than 40 (SFN-MAP [D]).
    pub struct MapState {
        /// The state's name.
        pub name: String,
        /// The state that follows (or `end = true`).
        pub next: Option<String> = None,
        /// Whether the execution ends after this state.
        pub end: bool = false,
        /// ItemProcessor.StartAt.
        pub item_processor_start_at: String,
        /// How many items the input array holds (item indices 0…items−1).
        #[field(range(0, 10_000))]
        pub items: u32 = 3,
        /// MaxConcurrency: 0 = no explicit limit; inline runs at most 40 at once (SFN-MAP [D]).
        #[field(range(0, 10_000), row("SFN-MAP"))]
        pub max_concurrency: u32 = 0,
        /// Retriers for the whole state (SFN-ERR [D]).
        pub retry: Vec<Retrier> = Vec::new(),
        /// Catchers for the whole state (SFN-ERR [D]).
        pub catch: Vec<Catcher> = Vec::new(),
    }
}
impl MapState {
    /// Iterations allowed at once: MaxConcurrency (0 = no limit) capped at the inline 40.
    pub fn effective_concurrency(&self) -> u32 {
        match self.max_concurrency {
            0 => INLINE_MAP_CONCURRENCY_CAP,
            m => m.min(INLINE_MAP_CONCURRENCY_CAP),
        }
    }
}

declare! {
    /// Passes its input to the next state.
    pub struct PassState {
        /// The state's name.
        pub name: String,
        /// The state that follows (or `end = true`).
        pub next: Option<String> = None,
        /// Whether the execution ends after this state.
        pub end: bool = false,
    }
}

declare! {
    /// Waits, then goes on.
    pub struct WaitState {
        /// The state's name.
        pub name: String,
        /// The state that follows (or `end = true`).
        pub next: Option<String> = None,
        /// Whether the execution ends after this state.
        pub end: bool = false,
        /// How long it waits.
        #[field(range(0, MAX_HORIZON_S as i64))]
        pub seconds: u64,
    }
}

declare! {
    /// Ends the execution successfully.
    pub struct SucceedState {
        /// The state's name.
        pub name: String,
    }
}

declare! {
    /// Ends the execution with an error.
    pub struct FailState {
        /// The state's name.
        pub name: String,
        /// The error name.
        pub error: String,
        /// The cause, in words.
        pub cause: String = String::new(),
    }
}

impl StateDef {
    pub fn name(&self) -> &str {
        match self {
            StateDef::Task(s) => &s.name,
            StateDef::Parallel(s) => &s.name,
            StateDef::Map(s) => &s.name,
            StateDef::Pass(s) => &s.name,
            StateDef::Wait(s) => &s.name,
            StateDef::Succeed(s) => &s.name,
            StateDef::Fail(s) => &s.name,
        }
    }
    pub fn type_name(&self) -> &'static str {
        match self {
            StateDef::Task(_) => "Task",
            StateDef::Parallel(_) => "Parallel",
            StateDef::Map(_) => "Map",
            StateDef::Pass(_) => "Pass",
            StateDef::Wait(_) => "Wait",
            StateDef::Succeed(_) => "Succeed",
            StateDef::Fail(_) => "Fail",
        }
    }
    /// `(next, end)` for states that continue; `None` for Succeed and Fail.
    pub fn transition(&self) -> Option<(Option<&str>, bool)> {
        match self {
            StateDef::Task(s) => Some((s.next.as_deref(), s.end)),
            StateDef::Parallel(s) => Some((s.next.as_deref(), s.end)),
            StateDef::Map(s) => Some((s.next.as_deref(), s.end)),
            StateDef::Pass(s) => Some((s.next.as_deref(), s.end)),
            StateDef::Wait(s) => Some((s.next.as_deref(), s.end)),
            StateDef::Succeed(_) | StateDef::Fail(_) => None,
        }
    }
    pub fn retriers(&self) -> &[Retrier] {
        match self {
            StateDef::Task(s) => &s.retry,
            StateDef::Parallel(s) => &s.retry,
            StateDef::Map(s) => &s.retry,
            _ => &[],
        }
    }
    pub fn catchers(&self) -> &[Catcher] {
        match self {
            StateDef::Task(s) => &s.catch,
            StateDef::Parallel(s) => &s.catch,
            StateDef::Map(s) => &s.catch,
            _ => &[],
        }
    }
    /// States that start a nested scope (Parallel branches, Map item processor).
    pub fn scope_roots(&self) -> Vec<&str> {
        match self {
            StateDef::Parallel(s) => s.branches.iter().map(String::as_str).collect(),
            StateDef::Map(s) => vec![s.item_processor_start_at.as_str()],
            _ => Vec::new(),
        }
    }
}

/// Does an error name match an `ErrorEquals` list? `States.ALL` matches everything except
/// `States.DataLimitExceeded` and `States.Runtime`; `States.TaskFailed` matches every error a task
/// raises except `States.Timeout` (SFN-ERR [D]; SFN-BP [D] says `Lambda.Unknown` is matched by both).
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    let terminal = error == "States.Runtime" || error == "States.DataLimitExceeded";
    error_equals.iter().any(|e| {
        e == error
            || (!terminal && e == "States.ALL")
            || (!terminal && e == "States.TaskFailed" && error != "States.Timeout")
    })
}

impl StepFunctionsSource {
    /// Name → index into `states`.
    pub fn index(&self) -> BTreeMap<&str, usize> {
        // Inserted one by one, not collected: `collect` into a B-tree sorts first, and that would
        // be one more copy of the sort in the app (see `crate::order`).
        let mut index = BTreeMap::new();
        for (i, s) in self.states.iter().enumerate() {
            index.insert(s.name(), i);
        }
        index
    }
}

fn check_error_equals(e: &mut Vec<(String, String)>, field: String, list: &[String]) {
    if list.is_empty() {
        e.push((field, "must name at least one error (SFN-ERR)".into()));
    } else if list.len() > 1 && list.iter().any(|x| x == "States.ALL") {
        e.push((
            field,
            "`States.ALL` must appear alone in ErrorEquals (SFN-ERR)".into(),
        ));
    }
}

pub(super) fn validate_step_functions(
    e: &mut Vec<(String, String)>,
    p: &dyn Fn(&str) -> String,
    sm: &StepFunctionsSource,
) {
    if sm.states.is_empty() {
        e.push((
            p("states"),
            "a state machine needs at least one state".into(),
        ));
        return;
    }
    let index = sm.index();
    if index.len() != sm.states.len() {
        let mut seen = Vec::new();
        for s in &sm.states {
            if seen.contains(&s.name()) {
                e.push((
                    p("states"),
                    format!("two states are named `{}`: names must be unique", s.name()),
                ));
            }
            seen.push(s.name());
        }
    }
    let known: Vec<&str> = sm.states.iter().map(|s| s.name()).collect();
    let exists = |e: &mut Vec<(String, String)>, field: String, name: &str| {
        if !index.contains_key(name) {
            e.push((
                field,
                format!(
                    "`{name}` is not a state of this machine: allowed {}",
                    known.join(", ")
                ),
            ));
        }
    };
    exists(e, p("start_at"), &sm.start_at);
    for (i, s) in sm.states.iter().enumerate() {
        let f = |k: &str| p(&format!("states[{i}].{k}"));
        if s.name().is_empty() || s.name().len() > 80 {
            e.push((f("name"), "must be 1–80 characters".into()));
        }
        if let Some((next, end)) = s.transition() {
            match (next, end) {
                (Some(n), false) => exists(e, f("next"), n),
                (None, true) => {}
                (Some(_), true) => e.push((
                    f("end"),
                    "a state has either `next` or `end = true`, not both".into(),
                )),
                (None, false) => {
                    e.push((f("next"), "is missing: give `next` or `end = true`".into()))
                }
            }
        }
        for (j, r) in s.retriers().iter().enumerate() {
            let rf = |k: &str| f(&format!("retry[{j}].{k}"));
            check_error_equals(e, rf("error_equals"), &r.error_equals);
        }
        for (j, c) in s.catchers().iter().enumerate() {
            let cf = |k: &str| f(&format!("catch[{j}].{k}"));
            check_error_equals(e, cf("error_equals"), &c.error_equals);
            exists(e, cf("next"), &c.next);
            if !c.result_path.starts_with('$') {
                e.push((
                    cf("result_path"),
                    format!("`{}` is not a path: use `$` or `$.field`", c.result_path),
                ));
            }
        }
        for (j, root) in s.scope_roots().iter().enumerate() {
            exists(e, f(&format!("branches[{j}]")), root);
        }
        match s {
            StateDef::Task(t) => {
                if let Some(hb) = t.heartbeat_seconds {
                    if !t.waits_for_task_token() {
                        e.push((f("heartbeat_seconds"), "heartbeats come from the worker holding a task token: use it with `.waitForTaskToken` (SFN-HB)".into()));
                    }
                    if t.timeout_seconds.is_some_and(|ts| hb >= ts) {
                        e.push((
                            f("heartbeat_seconds"),
                            "must be smaller than timeout_seconds".into(),
                        ));
                    }
                }
                if t.callback.is_some() && !t.waits_for_task_token() {
                    e.push((
                        f("callback"),
                        "only a `.waitForTaskToken` task has a worker that calls back".into(),
                    ));
                }
                if let Some(DurationDist::Uniform { min_ms, max_ms }) = &t.duration {
                    check_uniform(e, f("duration.max_ms"), *min_ms, *max_ms);
                }
            }
            StateDef::Parallel(ps) if ps.branches.is_empty() => e.push((
                f("branches"),
                "a Parallel state needs at least one branch".into(),
            )),
            _ => {}
        }
    }
    if !e.is_empty() {
        return;
    }
    // Each state belongs to exactly one scope: the top level or one branch/item processor, and
    // transitions (next, catch) stay inside it, as ASL requires. Unreachable states are refused.
    let mut scope_of: Vec<Option<usize>> = vec![None; sm.states.len()];
    let mut roots: Vec<usize> = vec![index[sm.start_at.as_str()]];
    let mut r = 0;
    while r < roots.len() {
        let mut stack = vec![roots[r]];
        while let Some(i) = stack.pop() {
            match scope_of[i] {
                Some(s) if s == r => continue,
                Some(_) => {
                    e.push((p("states"), format!("state `{}` is reached from two scopes (a transition leaves its branch)", sm.states[i].name())));
                    return;
                }
                None => scope_of[i] = Some(r),
            }
            let s = &sm.states[i];
            if let Some((Some(n), _)) = s.transition() {
                stack.push(index[n]);
            }
            for c in s.catchers() {
                stack.push(index[c.next.as_str()]);
            }
            for root in s.scope_roots() {
                let ri = index[root];
                if !roots.contains(&ri) {
                    roots.push(ri);
                }
            }
        }
        r += 1;
    }
    for (i, s) in scope_of.iter().enumerate() {
        if s.is_none() {
            e.push((
                p("states"),
                format!("state `{}` can never be reached", sm.states[i].name()),
            ));
        }
    }
    // Without Choice states (not in this subset) a loop of `next` transitions never ends; AWS
    // would run it until the history limit. Refuse it, naming the loop once.
    for start in 0..sm.states.len() {
        let mut cycle = vec![start];
        let mut i = start;
        while let Some((Some(n), _)) = sm.states[i].transition() {
            i = index[n];
            if i == start {
                if cycle.iter().all(|c| *c >= start) {
                    let names: Vec<&str> = cycle.iter().map(|c| sm.states[*c].name()).collect();
                    e.push((p("states"), format!("`{} → {}` loops forever: a `next` loop needs a Choice state to end, which this simulator does not model", names.join(" → "), names[0])));
                }
                break;
            }
            if cycle.contains(&i) || cycle.len() > sm.states.len() {
                break;
            }
            cycle.push(i);
        }
    }
}
