//! Lessons: versioned TOML that walks a learner through a scenario beat by beat.
//!
//! A beat has narration, may inject a fault when it starts, and is *reached* when a condition on
//! the trace is met (an event kind, a node, an attempt number, a status...) — never after a fixed
//! number of milliseconds (The Secret Lives of Data's `after(ms)` chains are the anti-example).
//! A beat may ask a question before it plays; the answer key is **computed from the simulation**
//! ([`Measure`]), never typed in, so a lesson cannot teach something the model contradicts.
//! [`Lesson::plan`] runs everything up front: when each beat starts and is reached, on which run
//! (an injection forks the run), and every question's answer.

use serde::Serialize;

use crate::report::Report;
use crate::run::Run;
use crate::scenario::toml_io::{toml_struct, toml_tagged, toml_words};
use crate::scenario::{parse_checked, Scenario, ScenarioErrors};
use crate::time::SimTime;
use crate::topology::Topology;
use crate::trace::*;

pub const LESSON_FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub format_version: u32,
    pub id: String,
    pub title: String,
    /// Position in the course (chapters sort by it).
    pub chapter: u32,
    pub summary: String,
    /// Id of a bundled scenario.
    pub scenario: String,
    pub seed: u64,
    pub beats: Vec<Beat>,
}
fn one() -> u64 {
    1
}

#[derive(Clone, Debug, PartialEq)]
pub struct Beat {
    pub narration: String,
    /// The beat is reached at the first trace event after the beat starts that matches.
    pub until: Condition,
    /// Applied when the beat starts (forks the run).
    pub inject: Option<Input>,
    pub question: Option<Question>,
}

/// A predicate over one trace event. Every given field must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Condition {
    /// A trace kind name: one of [`Trace::KIND_NAMES`].
    pub event: String,
    /// Key of a node the event involves (`function`, `queue`, `dlq`, `source:api`, `caller:api`...).
    pub node: Option<String>,
    /// Attempt number (attempt_started/finished, sent attempts) or next try (retry_scheduled).
    pub attempt: Option<u32>,
    pub invocation: Option<u32>,
    /// HTTP status of a response or a disposition.
    pub status: Option<u16>,
    /// Disposition label (`succeeded`, `error_returned`, `sent_to_failure_target`, `discarded`,
    /// `deleted`, `moved_to_dlq`, `processed`, `expired`, `not_read`, `caught`, `abandoned`, `execution_failed`).
    pub disposition: Option<String>,
    /// Outcome of an `attempt_finished`: `succeeded`, `function_error`, `timed_out`, `response_too_large`.
    pub outcome: Option<String>,
    /// Reason of a `retry_scheduled`: `function_error`, `throttled`, `sdk_throttle_retry`, `delivery_failed`, `client_read_timeout`.
    pub reason: Option<String>,
    /// For `event_created`: only duplicate deliveries (true) or only first deliveries (false).
    pub duplicate: Option<bool>,
    /// Take the n-th match after the beat starts (default 1).
    pub nth: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    Choice,
    Number,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The measured value this choice stands for.
    pub value: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub prompt: String,
    pub kind: QuestionKind,
    pub choices: Vec<Choice>,
    /// What the simulation measures to decide the right answer.
    pub measure: Measure,
    /// Shown after the reveal, with the fact behind it.
    pub explain: String,
    /// Fact-sheet source key(s) behind the explanation, e.g. `L-ASYNC-ERR`.
    pub source: String,
}

/// How an answer key is computed from the run, at the end of the scenario's horizon.
#[derive(Clone, Debug, PartialEq)]
pub enum Measure {
    /// How many times the handler ran for the event of this invocation (duplicates included).
    HandlerRuns { invocation: u32 },
    /// The status the synchronous caller of this invocation saw (0 = no answer).
    CallerStatus { invocation: u32 },
    /// The disposition label of this invocation.
    Disposition { invocation: u32 },
    /// Where this invocation ended: `caller`, `discarded`, or the failure/success target (`sqs:dlq`...).
    EndedIn { invocation: u32 },
    /// How many trace events match a condition over the whole run.
    Count { of: Condition },
    /// The HTTP status carried by the first event matching a condition (a response or a disposition).
    FirstStatus { of: Condition },
    /// Which of the trace kinds `among` happens first to this invocation ("what happens next?").
    FirstKindOf { invocation: u32, among: Vec<String> },
}

/// A lesson that has been planned: where every beat starts and ends, and every answer.
#[derive(Clone, Debug)]
pub struct LessonPlan {
    pub runs: Vec<Run>,
    pub beats: Vec<PlannedBeat>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBeat {
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
                    let value = measure(run, &q.measure).ok_or_else(|| format!("lesson {}: beat {}: the answer cannot be derived: {:?} has no value in this run", self.id, i + 1, q.measure))?;
                    if q.kind == QuestionKind::Choice && !q.choices.iter().any(|c| c.value == value)
                    {
                        return Err(format!("lesson {}: beat {}: the simulation says `{value}`, which is none of the choices", self.id, i + 1));
                    }
                    Some(value)
                }
                None => None,
            };
            beats.push(PlannedBeat {
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
        let got = match &e.kind {
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
        };
        if got != Some(want) {
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
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

/// The snake_case name serde gives a unit enum variant (keeps lesson files and the trace JSON in one vocabulary).
fn serde_name<T: Serialize>(v: &T) -> String {
    match toml::Value::try_from(v) {
        Ok(toml::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The HTTP status an event carries, if any.
fn status_of(e: &Trace) -> Option<u16> {
    match e {
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
            #[allow(unreachable_patterns)]
            other => other.label().to_string(),
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

// The lesson file format (see scenario/toml_io.rs): which keys, which defaults.
toml_struct!(Lesson { format_version, id, title, chapter, summary = Default::default(), scenario, seed = one(), beats });
toml_struct!(Beat { narration, until, inject = Default::default(), question = Default::default() });
toml_struct!(Condition { event, node = Default::default(), attempt = Default::default(), invocation = Default::default(), status = Default::default(), disposition = Default::default(), outcome = Default::default(), reason = Default::default(), duplicate = Default::default(), nth = Default::default() });
toml_words!(QuestionKind { Choice = "choice", Number = "number" });
toml_struct!(Choice { value, label });
toml_struct!(Question { prompt, kind, choices = Default::default(), measure, explain, source });

toml_tagged!(Measure by "measure" {
    HandlerRuns = "handler_runs" { invocation },
    CallerStatus = "caller_status" { invocation },
    Disposition = "disposition" { invocation },
    EndedIn = "ended_in" { invocation },
    Count = "count" { of },
    FirstStatus = "first_status" { of },
    FirstKindOf = "first_kind_of" { invocation, among },
});
// A beat's injected fault (`inject = { input = "throttle", for_ms = 5000 }`).
toml_tagged!(Input by "input" {
    FailNextAttempt = "fail_next_attempt" {},
    TimeOutNextAttempt = "time_out_next_attempt" {},
    Throttle = "throttle" { for_ms },
    SlowDown = "slow_down" { factor, for_ms },
    Publish = "publish" { source },
});
