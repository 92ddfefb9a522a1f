//! Lessons: versioned TOML that walks a learner through a scenario beat by beat.
//!
//! A beat has narration, may inject a fault when it starts, and is *reached* when a condition on
//! the trace is met (an event kind, a node, an attempt number, a status...) — never after a fixed
//! number of milliseconds (The Secret Lives of Data's `after(ms)` chains are the anti-example).
//! A beat may ask a question before it plays; the answer key is **computed from the simulation**
//! ([`Measure`]), never typed in, so a lesson cannot teach something the model contradicts.
//! [`Lesson::plan`] runs everything up front: when each beat starts and is reached, on which run
//! (an injection forks the run), and every question's answer.
//!
//! **Narration cannot drift from the run.** Numbers in a beat's narration are placeholders
//! (`{receive_count}`, `{attempt}`, `{status}`... see [`PLACEHOLDERS`]) filled from the trace event
//! that reached the beat ([`PlannedBeat::narration`] is the filled text the app shows). And the plan
//! refuses a beat that shows nothing to watch or that talks about what it does not show: see
//! [`Claim`] and [`Lesson::plan`].

use serde::Serialize;

use crate::report::Report;
use crate::run::Run;
use crate::scenario::schema::declare;
use crate::scenario::{parse_checked, Scenario, ScenarioErrors};
use crate::time::SimTime;
use crate::topology::Topology;
use crate::trace::*;

pub const LESSON_FORMAT_VERSION: u32 = 1;

declare! {
    /// A lesson file: a scenario told beat by beat.
    pub struct Lesson {
        /// The format version: 1.
        pub format_version: u32,
        /// Stable id used in URLs and progress.
        pub id: String,
        /// The lesson's title.
        pub title: String,
        /// Position in the course (chapters sort by it).
        pub chapter: u32,
        /// One paragraph saying what the lesson teaches.
        pub summary: String = String::new(),
        /// Id of a bundled scenario.
        pub scenario: String,
        /// The run's seed.
        pub seed: u64 = 1,
        /// The beats, in order: `[[beats]]` tables.
        pub beats: Vec<Beat>,
    }
}

declare! {
    /// One step of a lesson.
    pub struct Beat {
        /// What the learner reads; `{name}` placeholders are filled from the event that reaches
        /// the beat ([`PLACEHOLDERS`]).
        pub narration: String,
        /// The beat is reached at the first trace event after the beat starts that matches.
        pub until: Condition,
        /// Applied when the beat starts (forks the run).
        pub inject: Option<Input> = None,
        /// A question asked before the beat plays.
        pub question: Option<Question> = None,
        /// What the beat talks about, each of which must happen among its own events: [`Claim`]
        /// words (`failure`, `retry`, `receive`...) or HTTP statuses (`"202"`). Optional: by
        /// default the claims are read from the narration ([`Claim::derive`]); set it when the
        /// narration mentions something it does not show (a conditional, a negation, a recap),
        /// `[]` for none.
        pub shows: Option<Vec<String>> = None,
        /// A beat that only sets the scene or asks a question, exempt from having to show a hop
        /// (default false).
        pub still: bool = false,
    }
}

declare! {
    /// A predicate over one trace event. Every given field must match.
    #[derive(Default)]
    pub struct Condition {
        /// A trace kind name: one of [`Trace::KIND_NAMES`].
        pub event: String,
        /// Key of a node the event involves (`function`, `queue`, `dlq`, `source:api`,
        /// `caller:api`...).
        pub node: Option<String> = None,
        /// Attempt number (attempt_started/finished, sent attempts) or next try (retry_scheduled).
        pub attempt: Option<u32> = None,
        /// The invocation's number.
        pub invocation: Option<u32> = None,
        /// HTTP status of a response or a disposition.
        pub status: Option<u16> = None,
        /// Disposition label (`succeeded`, `error_returned`, `sent_to_failure_target`,
        /// `discarded`, `deleted`, `moved_to_dlq`, `processed`, `expired`, `not_read`, `caught`,
        /// `abandoned`, `execution_failed`).
        pub disposition: Option<String> = None,
        /// Outcome of an `attempt_finished`: `succeeded`, `function_error`, `timed_out`,
        /// `response_too_large`.
        pub outcome: Option<String> = None,
        /// Reason of a `retry_scheduled`: `function_error`, `throttled`, `sdk_throttle_retry`,
        /// `delivery_failed`, `client_read_timeout`.
        pub reason: Option<String> = None,
        /// For `event_created`: only duplicate deliveries (true) or only first deliveries (false).
        pub duplicate: Option<bool> = None,
        /// Take the n-th match after the beat starts (default 1).
        pub nth: Option<u32> = None,
    }
}

declare! {
    /// How a question is answered.
    pub enum QuestionKind words {
        Choice = "choice",
        Number = "number",
    }
}

declare! {
    /// One answer of a multiple-choice question.
    pub struct Choice {
        /// The measured value this choice stands for.
        pub value: String,
        /// What the learner reads.
        pub label: String,
    }
}

declare! {
    /// A question whose answer is measured on the run.
    pub struct Question {
        /// What is asked.
        pub prompt: String,
        /// `choice` or `number`.
        pub kind: QuestionKind,
        /// The choices of a `choice` question.
        pub choices: Vec<Choice> = Vec::new(),
        /// What the simulation measures to decide the right answer.
        pub measure: Measure,
        /// Shown after the reveal, with the fact behind it.
        pub explain: String,
        /// Fact-sheet source key(s) behind the explanation, e.g. `L-ASYNC-ERR`.
        pub source: String,
    }
}

declare! {
    /// How an answer key is computed from the run, at the end of the scenario's horizon.
    pub enum Measure by "measure" fields {
        /// How many times the handler ran for the event of this invocation (duplicates included).
        HandlerRuns = "handler_runs" {
            /// The invocation's number.
            invocation: u32,
        },
        /// The status the synchronous caller of this invocation saw (0 = no answer).
        CallerStatus = "caller_status" {
            /// The invocation's number.
            invocation: u32,
        },
        /// The disposition label of this invocation.
        Disposition = "disposition" {
            /// The invocation's number.
            invocation: u32,
        },
        /// Where this invocation ended: `caller`, `discarded`, or the failure/success target
        /// (`sqs:dlq`...).
        EndedIn = "ended_in" {
            /// The invocation's number.
            invocation: u32,
        },
        /// How many trace events match a condition over the whole run.
        Count = "count" {
            /// The condition.
            of: Condition,
        },
        /// The HTTP status carried by the first event matching a condition (a response or a
        /// disposition).
        FirstStatus = "first_status" {
            /// The condition.
            of: Condition,
        },
        /// Which of the trace kinds `among` happens first to this invocation ("what happens
        /// next?").
        FirstKindOf = "first_kind_of" {
            /// The invocation's number.
            invocation: u32,
            /// The trace kinds.
            among: Vec<String>,
        },
    }
}

// A beat's injected fault (`inject = { input = "throttle", for_ms = 5000 }`); the type is the
// trace's.
declare! {
    impl enum Input by "input" fields {
        FailNextAttempt = "fail_next_attempt",
        TimeOutNextAttempt = "time_out_next_attempt",
        Throttle = "throttle" {
            #[field(range(1, 86_400_000))]
            for_ms: u64,
        },
        SlowDown = "slow_down" {
            #[field(range(1, 1000))]
            factor: u32,
            #[field(range(1, 86_400_000))]
            for_ms: u64,
        },
        Publish = "publish" { source: String },
    }
}

/// A lesson that has been planned: where every beat starts and ends, and every answer.
#[derive(Clone, Debug)]
pub struct LessonPlan {
    pub runs: Vec<Run>,
    pub beats: Vec<PlannedBeat>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBeat {
    /// The beat's narration with its placeholders filled from the run: what the app shows.
    pub narration: String,
    pub starts: SimTime,
    pub reached: SimTime,
    /// Index into [`LessonPlan::runs`] of the run this beat plays on.
    pub run: usize,
    /// The computed right answer (a choice `value` or a number as text).
    pub answer: Option<String>,
}

impl Lesson {
    /// Parses and checks the format (not the plan: that needs the scenario, see [`Lesson::plan`]).
    pub fn parse(file: &str, text: &str) -> Result<Lesson, ScenarioErrors> {
        parse_checked(file, text, "lessons", problems)
    }
}

/// Format problems of a lesson (the plan checks the rest, see [`Lesson::plan`]).
fn problems(lesson: &Lesson) -> Vec<(String, String)> {
    let mut errors: Vec<(String, String)> = Vec::new();
    if lesson.format_version != LESSON_FORMAT_VERSION {
        errors.push((
            "format_version".into(),
            format!(
                "{} is not supported: this build reads format_version = {LESSON_FORMAT_VERSION}",
                lesson.format_version
            ),
        ));
    }
    if lesson.beats.is_empty() {
        errors.push((
            "beats".into(),
            "a lesson needs at least one [[beats]] entry".into(),
        ));
    }
    for (i, b) in lesson.beats.iter().enumerate() {
        check_condition(&mut errors, &format!("beats[{i}].until"), &b.until);
        if let Err(e) = placeholders(&b.narration) {
            errors.push((
                format!("beats[{i}].narration"),
                format!("lesson `{}`, beat {}: {e}", lesson.id, i + 1),
            ));
        }
        for w in b.shows.iter().flatten() {
            if Claim::parse(w).is_none() {
                errors.push((
                    format!("beats[{i}].shows"),
                    format!(
                        "lesson `{}`, beat {}: `{w}` is not a claim: allowed {} or an HTTP status",
                        lesson.id,
                        i + 1,
                        Claim::WORDS.join(", ")
                    ),
                ));
            }
        }
        if let Some(q) = &b.question {
            if let Measure::Count { of } | Measure::FirstStatus { of } = &q.measure {
                check_condition(&mut errors, &format!("beats[{i}].question.measure.of"), of);
            }
            if let Measure::FirstKindOf { among, .. } = &q.measure {
                for k in among
                    .iter()
                    .filter(|k| !Trace::KIND_NAMES.contains(&k.as_str()))
                {
                    errors.push((
                        format!("beats[{i}].question.measure.among"),
                        format!(
                            "`{k}` is not a trace event: allowed {}",
                            Trace::KIND_NAMES.join(", ")
                        ),
                    ));
                }
            }
            match q.kind {
                QuestionKind::Choice if q.choices.len() < 2 => errors.push((
                    format!("beats[{i}].question.choices"),
                    "a choice question needs at least 2 choices".into(),
                )),
                QuestionKind::Number if !q.choices.is_empty() => errors.push((
                    format!("beats[{i}].question.choices"),
                    "a number question has no choices".into(),
                )),
                _ => {}
            }
        }
    }
    errors
}

impl Lesson {
    /// Runs the lesson on `scenario`: every beat's start, the instant its condition is met, and
    /// every question's computed answer. Errors name the beat that can never be reached and why.
    pub fn plan(&self, scenario: &Scenario) -> Result<LessonPlan, String> {
        let mut runs = vec![Run::new(scenario, self.seed, vec![])];
        let mut beats = Vec::new();
        let mut t = SimTime::ZERO;
        // Events at or before this trace index have been "seen" by earlier beats.
        let mut seen = 0usize;
        for (i, beat) in self.beats.iter().enumerate() {
            if let Some(input) = &beat.inject {
                let forked = runs.last().expect("one run").fork(t, input.clone());
                runs.push(forked);
                seen = runs
                    .last()
                    .expect("one run")
                    .timeline()
                    .index_at(t)
                    .min(seen);
            }
            let run = runs.last().expect("one run");
            let topo = &run.timeline().topology;
            let nth = beat.until.nth.unwrap_or(1).max(1) as usize;
            let hit = run.trace()[seen..]
                .iter()
                .enumerate()
                .filter(|(_, e)| matches(&beat.until, topo, e))
                .nth(nth - 1)
                .map(|(k, e)| (seen + k, e.at));
            let Some((index, reached)) = hit else {
                return Err(format!(
                    "lesson {}: beat {} (\"{}\") is never reached: no `{}` event matches after {} before the horizon",
                    self.id,
                    i + 1,
                    beat.narration.chars().take(40).collect::<String>(),
                    beat.until.event,
                    t
                ));
            };
            let answer = match &beat.question {
                Some(q) => {
                    let value = measure(run, &q.measure).ok_or_else(|| {
                        let m = crate::scenario::toml_io::TomlField::write(&q.measure)
                            .map(|v| crate::scenario::schema::inline_toml(&v))
                            .unwrap_or_default();
                        format!("lesson {}: beat {}: the answer cannot be derived: {m} has no value in this run", self.id, i + 1)
                    })?;
                    if q.kind == QuestionKind::Choice && !q.choices.iter().any(|c| c.value == value)
                    {
                        return Err(format!("lesson {}: beat {}: the simulation says `{value}`, which is none of the choices", self.id, i + 1));
                    }
                    Some(value)
                }
                None => None,
            };
            let events = &run.trace()[seen..=index];
            let narration = fill(&beat.narration, run, index)
                .map_err(|e| format!("lesson {}: beat {}: {e}", self.id, i + 1))?;
            if !beat.still && !shows_something(run.trace(), seen, index, t) {
                return Err(format!(
                    "lesson {}: beat {} (\"{}\") plays {} and shows nothing to watch between {t} and {reached}: no message travels from start to end, no handler run ends. Reach it later, or mark it `still = true` if it only sets the scene",
                    self.id,
                    i + 1,
                    beat.narration.chars().take(40).collect::<String>(),
                    crate::time::format_duration_ms(reached.since(t)),
                ));
            }
            let claims = match &beat.shows {
                Some(words) => words.iter().filter_map(|w| Claim::parse(w)).collect(),
                None => Claim::derive(&beat.narration),
            };
            for c in claims {
                if !events.iter().any(|e| c.shown_by(&e.kind)) {
                    return Err(format!(
                        "lesson {}: beat {} (\"{}\") talks of {} but none of its events between {t} and {reached} shows it{}",
                        self.id,
                        i + 1,
                        beat.narration.chars().take(40).collect::<String>(),
                        c.describe(),
                        if beat.shows.is_none() { " (claims read from the narration; declare `shows` if it only mentions it)" } else { "" }
                    ));
                }
            }
            beats.push(PlannedBeat {
                narration,
                starts: t,
                reached,
                run: runs.len() - 1,
                answer,
            });
            t = reached;
            seen = index + 1;
        }
        Ok(LessonPlan { runs, beats })
    }
}

fn check_condition(errors: &mut Vec<(String, String)>, field: &str, c: &Condition) {
    if !Trace::KIND_NAMES.contains(&c.event.as_str()) {
        errors.push((
            format!("{field}.event"),
            format!(
                "`{}` is not a trace event: allowed {}",
                c.event,
                Trace::KIND_NAMES.join(", ")
            ),
        ));
    }
    const OUTCOMES: [&str; 4] = [
        "succeeded",
        "function_error",
        "timed_out",
        "response_too_large",
    ];
    if let Some(o) = &c.outcome {
        if !OUTCOMES.contains(&o.as_str()) {
            errors.push((
                format!("{field}.outcome"),
                format!(
                    "`{o}` is not an attempt outcome: allowed {}",
                    OUTCOMES.join(", ")
                ),
            ));
        }
    }
    const REASONS: [&str; 5] = [
        "function_error",
        "throttled",
        "sdk_throttle_retry",
        "delivery_failed",
        "client_read_timeout",
    ];
    if let Some(r) = &c.reason {
        if !REASONS.contains(&r.as_str()) {
            errors.push((
                format!("{field}.reason"),
                format!(
                    "`{r}` is not a retry reason: allowed {}",
                    REASONS.join(", ")
                ),
            ));
        }
    }
    if let Some(d) = &c.disposition {
        const D: [&str; 12] = [
            "succeeded",
            "error_returned",
            "sent_to_failure_target",
            "discarded",
            "deleted",
            "moved_to_dlq",
            "processed",
            "expired",
            "not_read",
            "caught",
            "abandoned",
            "execution_failed",
        ];
        if !D.contains(&d.as_str()) {
            errors.push((
                format!("{field}.disposition"),
                format!("`{d}` is not a disposition: allowed {}", D.join(", ")),
            ));
        }
    }
}

/// Nodes an event involves, for `node = "..."` conditions.
fn nodes_of(e: &Trace) -> Vec<NodeId> {
    match e {
        Trace::EventCreated { source, .. } => vec![*source],
        Trace::Sent { from, to, .. } => vec![*to, *from],
        Trace::Enqueued { queue, .. } | Trace::Dequeued { queue, .. } => vec![*queue],
        Trace::CallerGaveUp { caller, .. } => vec![*caller],
        Trace::DeliveryFailed { source, .. } => vec![*source],
        Trace::BatchPolled { esm, from, .. } => vec![*esm, *from],
        Trace::VisibleAgain { queue, .. } => vec![*queue],
        Trace::ShardBlocked { shard, .. } | Trace::CheckpointAdvanced { shard, .. } => vec![*shard],
        Trace::StateEntered { state, .. } | Trace::StateExited { state, .. } => vec![*state],
        Trace::Caught { state, next, .. } => vec![*state, *next],
        _ => vec![],
    }
}

/// Whether trace event `e` satisfies condition `c`.
pub fn matches(c: &Condition, topo: &Topology, e: &TraceEvent) -> bool {
    if e.kind.kind_name() != c.event {
        return false;
    }
    if let Some(key) = &c.node {
        let function_event = matches!(
            e.kind,
            Trace::AttemptStarted { .. }
                | Trace::AttemptFinished { .. }
                | Trace::Throttled { .. }
                | Trace::PayloadRejected { .. }
                | Trace::EnvironmentCreated { .. }
        );
        let hit = (function_event && key == "function")
            || nodes_of(&e.kind).iter().any(|n| topo.node(*n).key == *key);
        if !hit {
            return false;
        }
    }
    if let Some(want) = c.attempt {
        if attempt_of(&e.kind) != Some(want) {
            return false;
        }
    }
    if let Some(want) = c.invocation {
        if e.kind.invocation().map(|i| i.0) != Some(want) {
            return false;
        }
    }
    if let Some(want) = c.status {
        if status_of(&e.kind) != Some(want) {
            return false;
        }
    }
    if let Some(want) = &c.disposition {
        match &e.kind {
            Trace::Disposed { disposition, .. } if disposition.label() == want => {}
            _ => return false,
        }
    }
    if let Some(want) = &c.outcome {
        match &e.kind {
            Trace::AttemptFinished { outcome, .. } if outcome_name(outcome) == want => {}
            _ => return false,
        }
    }
    if let Some(want) = &c.reason {
        match &e.kind {
            Trace::RetryScheduled { reason, .. } if serde_name(reason) == *want => {}
            _ => return false,
        }
    }
    if let Some(want) = c.duplicate {
        match &e.kind {
            Trace::EventCreated { duplicate, .. } if *duplicate == want => {}
            _ => return false,
        }
    }
    true
}

fn outcome_name(o: &AttemptOutcome) -> &'static str {
    match o {
        AttemptOutcome::Succeeded => "succeeded",
        AttemptOutcome::FunctionError { .. } => "function_error",
        AttemptOutcome::TimedOut => "timed_out",
        AttemptOutcome::ResponseTooLarge { .. } => "response_too_large",
    }
}

/// The snake_case name serde gives a unit enum variant (keeps lesson files and the trace JSON in one vocabulary).
fn serde_name<T: Serialize>(v: &T) -> String {
    match toml::Value::try_from(v) {
        Ok(toml::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The attempt number an event carries: an attempt's, a retry's next try, a send's or delivery's try.
fn attempt_of(e: &Trace) -> Option<u32> {
    match e {
        Trace::AttemptStarted { attempt, .. } | Trace::AttemptFinished { attempt, .. } => {
            Some(*attempt)
        }
        Trace::RetryScheduled { next_try, .. } => Some(*next_try),
        Trace::Sent {
            message: Message::Attempt { attempt },
            ..
        } => Some(*attempt),
        Trace::Sent {
            message: Message::Invoke { try_no },
            ..
        }
        | Trace::DeliveryFailed { try_no, .. } => Some(*try_no),
        _ => None,
    }
}

/// The HTTP status an event carries, if any (an asynchronous caller's 202 Accepted included).
fn status_of(e: &Trace) -> Option<u16> {
    match e {
        Trace::Sent {
            message: Message::Accepted,
            ..
        } => Some(202),
        Trace::Sent {
            message: Message::Response { status, .. },
            ..
        } => Some(*status),
        Trace::Disposed {
            disposition: Disposition::Succeeded { status, .. },
            ..
        } => *status,
        Trace::Disposed {
            disposition: Disposition::ErrorReturned { status, .. },
            ..
        } => Some(*status),
        _ => None,
    }
}

/// Computes a measure over a whole run.
pub fn measure(run: &Run, m: &Measure) -> Option<String> {
    let trace = run.trace();
    let topo = &run.timeline().topology;
    let disposition_of = |inv: u32| {
        trace.iter().find_map(|e| match &e.kind {
            Trace::Disposed {
                inv: i,
                disposition,
            } if i.0 == inv => Some(disposition.clone()),
            _ => None,
        })
    };
    match m {
        Measure::HandlerRuns { invocation } => {
            let horizon = trace.last().map(|e| e.at).unwrap_or_default();
            let report = Report::build(
                run.scenario(),
                topo,
                run.seed(),
                horizon,
                trace,
                run.totals(),
            );
            report
                .invocations
                .iter()
                .find(|r| r.invocation == *invocation)
                .map(|r| r.handler_runs_for_event.to_string())
        }
        Measure::CallerStatus { invocation } => match disposition_of(*invocation)? {
            Disposition::Succeeded {
                status: Some(s), ..
            }
            | Disposition::ErrorReturned { status: s, .. } => Some(s.to_string()),
            _ => None,
        },
        Measure::Disposition { invocation } => {
            disposition_of(*invocation).map(|d| d.label().to_string())
        }
        Measure::EndedIn { invocation } => Some(match disposition_of(*invocation)? {
            Disposition::Succeeded {
                destination: Some(d),
                ..
            } => d,
            Disposition::Succeeded { .. } | Disposition::ErrorReturned { .. } => "caller".into(),
            Disposition::SentToFailureTarget { targets, .. } => targets.join("+"),
            Disposition::Discarded { .. } => "discarded".into(),
            // Polling and Step Functions dispositions are named by their label.
            other @ (Disposition::Deleted { .. }
            | Disposition::MovedToDlq { .. }
            | Disposition::Processed { .. }
            | Disposition::Expired { .. }
            | Disposition::NotRead { .. }
            | Disposition::Caught { .. }
            | Disposition::Abandoned { .. }
            | Disposition::ExecutionFailed { .. }) => other.label().to_string(),
        }),
        Measure::Count { of } => Some(
            trace
                .iter()
                .filter(|e| matches(of, topo, e))
                .count()
                .to_string(),
        ),
        Measure::FirstKindOf { invocation, among } => trace
            .iter()
            .filter(|e| e.kind.invocation().map(|i| i.0) == Some(*invocation))
            .map(|e| e.kind.kind_name())
            .find(|k| among.iter().any(|a| a == k))
            .map(str::to_string),
        Measure::FirstStatus { of } => trace
            .iter()
            .filter(|e| matches(of, topo, e))
            .find_map(|e| status_of(&e.kind))
            .map(|s| s.to_string()),
    }
}

/// The placeholders a beat's narration may use, each filled from the trace event that reached
/// the beat (the one its `until` matched). A placeholder the event does not carry is a plan error.
pub const PLACEHOLDERS: [(&str, &str); 11] = [
    (
        "invocation",
        "the invocation (or batch, or execution) the event is about",
    ),
    (
        "event",
        "the event, message or record number (`#3`) of an event or a one-item batch",
    ),
    (
        "attempt",
        "an attempt's number, a retry's next try, a send's or delivery's try",
    ),
    (
        "status",
        "the HTTP status of a response (202 for Accepted) or a disposition",
    ),
    (
        "receive_count",
        "an SQS message's receive count (the highest in a batch)",
    ),
    ("batch_size", "how many messages or records a batch holds"),
    (
        "depth",
        "how many events wait in Lambda's event queue after it",
    ),
    (
        "error",
        "the error name of a failed attempt or an error answer",
    ),
    ("wait", "how long a scheduled retry waits"),
    (
        "invoke_count",
        "approximateInvokeCount of a failed asynchronous event",
    ),
    ("at", "when the event happened (simulated time)"),
];

/// The placeholder names in `text`, in order. `{` always opens a placeholder (narration has no
/// other use for braces), so a stray or unclosed brace is an error too.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            format!(
                "`{{` at `{}` is never closed",
                &rest[open..].chars().take(20).collect::<String>()
            )
        })?;
        let name = &after[..close];
        if !PLACEHOLDERS.iter().any(|(n, _)| *n == name) {
            return Err(format!(
                "unknown placeholder `{{{name}}}`: known {}",
                PLACEHOLDERS
                    .iter()
                    .map(|(n, _)| format!("{{{n}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// `text` with each placeholder replaced by its value on `run.trace()[index]`.
fn fill(text: &str, run: &Run, index: usize) -> Result<String, String> {
    let trace = run.trace();
    let e = &trace[index];
    let mut out = text.to_string();
    for name in placeholders(text)? {
        let value = placeholder_value(name, trace, index).ok_or_else(|| {
            format!(
                "`{{{name}}}` has no value on the `{}` event at {} that reaches it",
                e.kind.kind_name(),
                e.at
            )
        })?;
        out = out.replacen(&format!("{{{name}}}"), &value, 1);
    }
    Ok(out)
}

/// The items of the batch `inv`, if it is one (its `batch_polled` comes before any of its events).
fn batch_items(trace: &[TraceEvent], index: usize, inv: InvocationId) -> Option<&[BatchItem]> {
    trace[..index].iter().rev().find_map(|e| match &e.kind {
        Trace::BatchPolled { batch, items, .. } if *batch == inv => Some(items.as_slice()),
        _ => None,
    })
}

fn placeholder_value(name: &str, trace: &[TraceEvent], index: usize) -> Option<String> {
    let e = &trace[index];
    let max_delivery = |items: &[BatchItem]| items.iter().map(|i| i.delivery).max();
    match name {
        "invocation" => e.kind.invocation().map(|i| i.0.to_string()),
        "event" => match &e.kind {
            Trace::EventCreated { event, .. } | Trace::VisibleAgain { event, .. } => Some(event.0),
            Trace::BatchPolled { items, .. } if items.len() == 1 => Some(items[0].event.0),
            Trace::AttemptStarted { inv, .. } | Trace::AttemptFinished { inv, .. } => {
                match batch_items(trace, index, *inv) {
                    Some([one]) => Some(one.event.0),
                    _ => None,
                }
            }
            _ => None,
        }
        .map(|n| format!("#{n}")),
        "attempt" => attempt_of(&e.kind).map(|a| a.to_string()),
        "status" => status_of(&e.kind).map(|s| s.to_string()),
        "receive_count" => match &e.kind {
            Trace::VisibleAgain { receive_count, .. }
            | Trace::Disposed {
                disposition:
                    Disposition::Deleted { receive_count, .. }
                    | Disposition::MovedToDlq { receive_count, .. },
                ..
            } => Some(*receive_count),
            Trace::BatchPolled { items, .. } => max_delivery(items),
            // An attempt on a polled batch: its messages' receive counts (not an attempt of Lambda's).
            Trace::AttemptStarted { inv, .. } | Trace::AttemptFinished { inv, .. } => {
                batch_items(trace, index, *inv).and_then(max_delivery)
            }
            _ => None,
        }
        .map(|n| n.to_string()),
        "batch_size" => match &e.kind {
            Trace::BatchPolled { items, .. } => Some(items.len()),
            Trace::AttemptStarted { inv, .. } | Trace::AttemptFinished { inv, .. } => {
                batch_items(trace, index, *inv).map(<[BatchItem]>::len)
            }
            _ => None,
        }
        .map(|n| n.to_string()),
        "depth" => match &e.kind {
            Trace::Enqueued { depth, .. } | Trace::Dequeued { depth, .. } => {
                Some(depth.to_string())
            }
            _ => None,
        },
        "error" => match &e.kind {
            Trace::AttemptFinished { outcome, .. } => outcome.error_name(),
            Trace::Disposed {
                disposition: Disposition::ErrorReturned { error, .. },
                ..
            } => Some(error.clone()),
            Trace::Sent {
                message: Message::Response { error, .. },
                ..
            } => error.clone(),
            _ => None,
        },
        "wait" => match &e.kind {
            Trace::RetryScheduled { due, .. } => {
                Some(crate::time::format_duration_ms(due.since(e.at)))
            }
            _ => None,
        },
        "invoke_count" => match &e.kind {
            Trace::Disposed {
                disposition:
                    Disposition::SentToFailureTarget {
                        approximate_invoke_count,
                        ..
                    }
                    | Disposition::Discarded {
                        approximate_invoke_count,
                        ..
                    },
                ..
            } => Some(approximate_invoke_count.to_string()),
            _ => None,
        },
        "at" => Some(e.at.to_string()),
        _ => None,
    }
}

/// Whether the beat whose events are `trace[first..=last]` (from `starts`) shows something to
/// watch: a whole hop (a message that leaves at or after `starts` and arrives by the end), or a
/// handler run that was already running when the beat started and ends in it (the function's
/// box fills up to the end: chapter 2's long report). A beat reached a few milliseconds after
/// its start (chapter 1's S3 beat once lasted 47 ms, its event long queued) shows neither and is
/// over before a learner has read its first line.
fn shows_something(trace: &[TraceEvent], first: usize, last: usize, starts: SimTime) -> bool {
    let reached = trace[last].at;
    trace[first..=last].iter().any(|e| match &e.kind {
        Trace::Sent { arrives, .. } => e.at >= starts && *arrives <= reached,
        Trace::AttemptFinished { inv, attempt, .. } if e.at > starts => {
            trace[..first].iter().rev().any(|s| {
                matches!(&s.kind, Trace::AttemptStarted { inv: i, attempt: a, .. } if i == inv && a == attempt)
            })
        }
        _ => false,
    })
}

/// A kind of thing a beat says happens. The plan requires at least one event showing it among
/// the beat's own events (from the one after the previous beat's end to the one that reaches it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// A handler run fails, a caller gets an error, a source cannot deliver.
    Failure,
    /// Lambda (or a stream's reader) refuses for lack of concurrency (429).
    Throttle,
    /// Someone tries again: Lambda's queue, the SDK, a source's delivery policy, a mapping, a state's Retry.
    Retry,
    /// A mapping receives SQS messages, or one becomes visible again to be received.
    Receive,
    /// Something goes to a dead-letter queue or an on-failure target.
    DeadLetter,
    /// A handler run or a caller's wait times out.
    Timeout,
    /// A new execution environment starts (Init).
    ColdStart,
    /// A duplicate delivery of an event.
    Duplicate,
    /// SQS messages are deleted after a successful batch.
    Delete,
    /// A response or disposition with this HTTP status.
    Status(u16),
}

impl Claim {
    pub const WORDS: [&'static str; 9] = [
        "failure",
        "throttle",
        "retry",
        "receive",
        "dead_letter",
        "timeout",
        "cold_start",
        "duplicate",
        "delete",
    ];
    /// The statuses a narration's numbers are read as (other numbers are durations, counts...).
    const STATUSES: [u16; 9] = [200, 202, 400, 413, 429, 500, 502, 503, 504];

    /// A `shows` word or status.
    pub fn parse(word: &str) -> Option<Claim> {
        Some(match word {
            "failure" => Claim::Failure,
            "throttle" => Claim::Throttle,
            "retry" => Claim::Retry,
            "receive" => Claim::Receive,
            "dead_letter" => Claim::DeadLetter,
            "timeout" => Claim::Timeout,
            "cold_start" => Claim::ColdStart,
            "duplicate" => Claim::Duplicate,
            "delete" => Claim::Delete,
            _ => Claim::Status(word.parse().ok().filter(|s| (100..600).contains(s))?),
        })
    }

    /// The claims a narration makes, read from its words (placeholders are skipped: their value
    /// comes from the run). Deliberately broad: a beat that only mentions something declares
    /// `shows` instead.
    pub fn derive(narration: &str) -> Vec<Claim> {
        // Placeholder names (`{receive_count}`) are not words of the narration.
        let mut text = String::new();
        for (k, part) in narration.to_lowercase().split('{').enumerate() {
            text.push_str(if k == 0 {
                part
            } else {
                part.split_once('}').map_or("", |(_, rest)| rest)
            });
        }
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        let mut claims = Vec::new();
        let mut add = |c: Claim, yes: bool| {
            if yes && !claims.contains(&c) {
                claims.push(c);
            }
        };
        add(Claim::Failure, has(&["fail", "throw"]));
        add(Claim::Throttle, has(&["throttl"]));
        add(
            Claim::Retry,
            has(&["retry", "retries", "retried", "tries again"]),
        );
        add(Claim::Receive, has(&["receive"]));
        add(Claim::DeadLetter, has(&["dead-letter", "dlq"]));
        add(
            Claim::Timeout,
            has(&["times out", "timed out", "timed-out", "gave up", "gives up"]),
        );
        add(Claim::ColdStart, has(&["cold"]));
        add(Claim::Duplicate, has(&["duplicate"]));
        add(Claim::Delete, has(&["delete"]));
        // Whole numbers only: "2,000" or "1.502" are not statuses.
        for word in text.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')) {
            let word = word.trim_end_matches(['.', ',']);
            if let Ok(n) = word.parse::<u16>() {
                add(Claim::Status(n), Claim::STATUSES.contains(&n));
            }
        }
        claims
    }

    /// Whether this event shows the claim.
    pub fn shown_by(self, e: &Trace) -> bool {
        match self {
            Claim::Failure => {
                matches!(
                    e,
                    Trace::AttemptFinished { outcome, .. } if !outcome.is_success()
                ) || matches!(
                    e,
                    Trace::Disposed {
                        disposition: Disposition::ErrorReturned { .. }
                            | Disposition::SentToFailureTarget { .. }
                            | Disposition::Discarded { .. }
                            | Disposition::ExecutionFailed { .. },
                        ..
                    } | Trace::ItemFailuresReported { .. }
                        | Trace::DeliveryFailed { .. }
                        | Trace::StateExited { error: Some(_), .. }
                        | Trace::CallbackReceived {
                            callback: CallbackKind::Failure { .. },
                            ..
                        }
                )
            }
            Claim::Throttle => {
                matches!(e, Trace::Throttled { .. } | Trace::ReadThrottled { .. })
                    || status_of(e) == Some(429)
            }
            Claim::Retry => {
                matches!(
                    e,
                    Trace::RetryScheduled { .. } | Trace::DeliveryFailed { .. }
                ) || attempt_of(e).is_some_and(|a| a > 1)
            }
            Claim::Receive => matches!(e, Trace::BatchPolled { .. } | Trace::VisibleAgain { .. }),
            Claim::DeadLetter => matches!(
                e,
                Trace::Disposed {
                    disposition: Disposition::MovedToDlq { .. }
                        | Disposition::SentToFailureTarget { .. },
                    ..
                } | Trace::Sent {
                    message: Message::ToDeadLetterQueue
                        | Message::Record { success: false, .. }
                        | Message::FailureRecord { .. },
                    ..
                }
            ),
            Claim::Timeout => matches!(
                e,
                Trace::AttemptFinished {
                    outcome: AttemptOutcome::TimedOut,
                    ..
                } | Trace::CallerGaveUp { .. }
            ),
            Claim::ColdStart => matches!(
                e,
                Trace::EnvironmentCreated {
                    provisioned: false,
                    ..
                } | Trace::AttemptStarted { cold: true, .. }
            ),
            Claim::Duplicate => matches!(
                e,
                Trace::EventCreated {
                    duplicate: true,
                    ..
                }
            ),
            Claim::Delete => matches!(
                e,
                Trace::Disposed {
                    disposition: Disposition::Deleted { .. },
                    ..
                } | Trace::Sent {
                    message: Message::DeleteMessages { .. },
                    ..
                }
            ),
            // Lambda's 429 to its own queue is a throttle event, not a response (L-THROTTLE-EXC).
            Claim::Status(s) => {
                status_of(e) == Some(s) || (s == 429 && matches!(e, Trace::Throttled { .. }))
            }
        }
    }

    fn describe(self) -> String {
        match self {
            Claim::Status(s) => format!("status {s}"),
            c => {
                let word = Claim::WORDS
                    .iter()
                    .find(|w| Claim::parse(w) == Some(c))
                    .expect("every word claim has a word");
                format!("`{word}`")
            }
        }
    }
}
