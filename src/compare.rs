//! Comparison mode (pure; tested natively): the same workload and the same fault through a
//! synchronous, an asynchronous and a polling source, side by side on one clock.
//!
//! The three scenarios come from one template ([`TEMPLATE`]): the same function, workload and
//! failure settings, with one source per method. Each lane keeps the one source of its method
//! (through the core's [`ScenarioFile`] and [`Scenario::from_file`], so the core validates it),
//! the chosen [`Fault`] is applied to all three alike, and each runs with the core's [`Run`]. The
//! summary table is folded from the core's [`Report`] of each run: nothing here decides what AWS
//! does, it only counts what the runs did.
//!
//! The lanes share one clock: a cursor in simulated time over a [`TimeMap`] that compresses only
//! the stretches where *all three* runs are idle, so the same instant is shown in every lane.

use std::collections::BTreeMap;
use std::rc::Rc;

use lambdascope_sim::report::Report;
use lambdascope_sim::scenario::{Behaviour, ScenarioFile};
use lambdascope_sim::trace::Message;
use lambdascope_sim::{
    Disposition, Input, Method, Run, Scenario, SimTime, SourceKind, TimedInput, Trace,
};
use yew::Reducible;

use crate::playback::{speed_step, Cursor, Session, TimeMap, GAP_MIN_MS};

/// The template: one function, one workload, one source per invocation method. Failure settings
/// are the ones each method would have in a careful setup: a DLQ for the asynchronous events, a
/// redrive policy (three receives) for the queue.
pub const TEMPLATE: &str = r#"
format_version = 1
id = "compare"
title = "The same work, three ways"
summary = "Six events in two bursts of three, ten seconds apart, through API Gateway (synchronous), S3 (asynchronous) and an SQS queue (polling)."
horizon_s = 300

[function]
name = "process"
duration = { distribution = "fixed", ms = 200 }
timeout_s = 3

[async]
dead_letter_queue = { kind = "sqs", name = "failed-events" }

[[sources]]
kind = "api_gateway"
id = "api"

[[sources]]
kind = "s3"
id = "uploads"

[[sources]]
kind = "sqs"
id = "jobs"
queue = "jobs"
visibility_timeout_s = 30
max_receive_count = 3
dead_letter_queue = "jobs-dlq"

[[workload]]
source = "api"
count = 3
repeat = 2
every_ms = 10000
"#;

/// The event the poison-record fault makes unprocessable (the second of the first burst).
pub const POISON_EVENT: u64 = 1;
/// How long the throttle fault throttles every invoke.
pub const THROTTLE_MS: u64 = 20_000;

/// What goes wrong, the same in every lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    None,
    FunctionError,
    Throttle,
    Timeout,
    Poison,
}

impl Fault {
    pub const ALL: [Fault; 5] = [
        Fault::None,
        Fault::FunctionError,
        Fault::Throttle,
        Fault::Timeout,
        Fault::Poison,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Fault::None => "No fault",
            Fault::FunctionError => "Function error",
            Fault::Throttle => "Throttle",
            Fault::Timeout => "Timeout",
            Fault::Poison => "Poison record",
        }
    }
    /// The name in URLs (`#compare=timeout`).
    pub fn slug(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::FunctionError => "function-error",
            Fault::Throttle => "throttle",
            Fault::Timeout => "timeout",
            Fault::Poison => "poison",
        }
    }
    pub fn from_slug(s: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.slug() == s)
    }
    pub fn blurb(self) -> String {
        match self {
            Fault::None => "Everything works: the baseline.".into(),
            Fault::FunctionError => "The handler throws on every run.".into(),
            Fault::Throttle => format!(
                "Lambda throttles every invoke for the first {} s.",
                THROTTLE_MS / 1000
            ),
            Fault::Timeout => "Every run overruns the function's 3 s timeout.".into(),
            Fault::Poison => format!(
                "Event #{POISON_EVENT} is one the handler can never process; the others are fine."
            ),
        }
    }
}

/// The lane's scenario: the template with only `method`'s source, and `fault` applied.
pub fn scenario(method: Method, fault: Fault) -> Result<Scenario, String> {
    let template = Scenario::parse("compare template", TEMPLATE).map_err(|e| e.to_string())?;
    let mut file: ScenarioFile = template.file;
    file.sources
        .retain(|s| s.method() == method && s.kind() != SourceKind::StepFunctions);
    let source = file
        .sources
        .first()
        .ok_or_else(|| format!("the template has no {} source", method.label()))?
        .id()
        .to_string();
    for w in &mut file.workload {
        w.source = source.clone();
    }
    file.id = format!("compare-{}-{}", method.label(), fault.slug());
    match fault {
        Fault::None | Fault::Throttle => {}
        Fault::FunctionError => file.function.behaviour = Behaviour::Throw,
        Fault::Timeout => file.function.behaviour = Behaviour::TimeOut,
        Fault::Poison => file.function.poison_items = vec![POISON_EVENT],
    }
    Scenario::from_file(file).map_err(|errors| {
        let list: Vec<String> = errors
            .into_iter()
            .map(|(field, msg)| format!("{field}: {msg}"))
            .collect();
        list.join("; ")
    })
}

/// Interventions the fault needs at run time (the throttle is one, from the start).
pub fn inputs(fault: Fault) -> Vec<TimedInput> {
    match fault {
        Fault::Throttle => vec![TimedInput {
            at: SimTime::ZERO,
            input: Input::Throttle {
                for_ms: THROTTLE_MS,
            },
        }],
        _ => Vec::new(),
    }
}

/// One row group of the summary table: what one method did with the workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub method: Method,
    /// The source's name ("API Gateway").
    pub source: &'static str,
    pub events: usize,
    /// Times the handler ran (a batch counts once).
    pub handler_runs: u64,
    pub throttles: u64,
    /// What the caller saw, e.g. "502 ×3, 200 ×3".
    pub caller: String,
    /// Where the events ended, with counts, in order of first appearance.
    pub ended: Vec<(String, usize)>,
    /// Handler runs beyond the first for each event (retries and redeliveries: duplicates of any
    /// side effect the handler had before it failed).
    pub repeats: u32,
    /// Deliveries of an event that had already been delivered (at-least-once duplicates).
    pub duplicate_deliveries: usize,
    /// Longest time from an event's creation to its final outcome.
    pub slowest_ms: Option<u64>,
    /// When the last event reached its final outcome (`None` while some are still in flight).
    pub settled: Option<SimTime>,
    pub in_flight: usize,
}

/// Where one event ended, in words.
pub fn ending(d: Option<&Disposition>) -> String {
    match d {
        None => "still in flight".into(),
        Some(Disposition::Succeeded {
            destination: Some(dest),
            ..
        }) => format!("succeeded, record to {dest}"),
        Some(Disposition::Succeeded { .. }) => "succeeded".into(),
        Some(Disposition::ErrorReturned { status: 0, .. }) => {
            "error, no answer to the caller".into()
        }
        Some(Disposition::ErrorReturned { status, .. }) => format!("error {status} to the caller"),
        Some(Disposition::SentToFailureTarget { targets, .. }) => {
            format!("in the DLQ ({})", targets.join(" + "))
        }
        Some(Disposition::Discarded { .. }) => "discarded".into(),
        Some(Disposition::Deleted {
            failure_ignored: false,
            ..
        }) => "processed, deleted from the queue".into(),
        Some(Disposition::Deleted {
            failure_ignored: true,
            ..
        }) => "deleted unprocessed (lost)".into(),
        Some(Disposition::MovedToDlq { dlq, .. }) => format!("in the queue's DLQ ({dlq})"),
        Some(Disposition::Processed { .. }) => "processed".into(),
        Some(Disposition::Expired { .. }) => "expired".into(),
        Some(other) => other.label().replace('_', " "),
    }
}

/// Folds one lane's run into its summary.
pub fn summarize(method: Method, scenario: &Scenario, run: &Run) -> Summary {
    let tl = run.timeline();
    let horizon = tl.end();
    let report = Report::build(
        scenario,
        &tl.topology,
        run.seed(),
        horizon,
        run.trace(),
        run.totals(),
    );
    let firsts: Vec<_> = report.invocations.iter().filter(|r| !r.duplicate).collect();
    let mut runs_per_event: BTreeMap<u32, u32> = BTreeMap::new();
    for r in &report.invocations {
        runs_per_event.insert(r.event, r.handler_runs_for_event);
    }
    let mut ended: Vec<(String, usize)> = Vec::new();
    for r in &firsts {
        let e = ending(r.disposition.as_ref());
        match ended.iter_mut().find(|(k, _)| *k == e) {
            Some((_, n)) => *n += 1,
            None => ended.push((e, 1)),
        }
    }
    let caller = match method {
        Method::Synchronous => {
            let mut statuses: Vec<(String, usize)> = Vec::new();
            for r in &firsts {
                let s = match &r.disposition {
                    Some(Disposition::Succeeded {
                        status: Some(s), ..
                    })
                    | Some(Disposition::ErrorReturned { status: s, .. })
                        if *s > 0 =>
                    {
                        s.to_string()
                    }
                    Some(_) => "no answer".into(),
                    None => "still waiting".into(),
                };
                match statuses.iter_mut().find(|(k, _)| *k == s) {
                    Some((_, n)) => *n += 1,
                    None => statuses.push((s, 1)),
                }
            }
            statuses
                .iter()
                .map(|(s, n)| format!("{s} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
        Method::Asynchronous => {
            let accepted = run
                .trace()
                .iter()
                .filter(|e| {
                    matches!(
                        &e.kind,
                        Trace::Sent {
                            message: Message::Accepted | Message::Event,
                            ..
                        }
                    )
                })
                .count();
            format!("202 Accepted ×{accepted} at hand-off; never the outcome")
        }
        Method::Polling => format!("nobody waits: {} messages queued", firsts.len()),
    };
    let disposed: Vec<u64> = firsts.iter().filter_map(|r| r.disposed_ms).collect();
    let in_flight = firsts.len() - disposed.len();
    Summary {
        method,
        source: scenario
            .file
            .sources
            .first()
            .map(|s| s.kind().label())
            .unwrap_or(""),
        events: firsts.len(),
        handler_runs: report.totals.handler_runs,
        throttles: report.totals.throttles,
        caller,
        ended,
        repeats: runs_per_event.values().map(|n| n.saturating_sub(1)).sum(),
        duplicate_deliveries: report.invocations.len() - firsts.len(),
        slowest_ms: firsts
            .iter()
            .filter_map(|r| Some(r.disposed_ms? - r.created_ms))
            .max(),
        settled: (in_flight == 0)
            .then(|| disposed.iter().copied().max().map(SimTime))
            .flatten(),
        in_flight,
    }
}

/// One column of the comparison.
#[derive(Debug)]
pub struct Lane {
    pub method: Method,
    pub session: Rc<Session>,
    pub summary: Summary,
}

/// The three lanes for one fault, and their shared clock's time map.
#[derive(Debug)]
pub struct Comparison {
    pub fault: Fault,
    pub lanes: Vec<Lane>,
    pub map: TimeMap,
}

/// The seed every lane runs with (the template's randomness is the same in every lane).
pub const SEED: u64 = 1;

impl Comparison {
    pub fn new(fault: Fault) -> Result<Comparison, String> {
        let mut lanes = Vec::new();
        for (i, method) in [Method::Synchronous, Method::Asynchronous, Method::Polling]
            .into_iter()
            .enumerate()
        {
            let scenario = scenario(method, fault)?;
            let run = Run::new(&scenario, SEED, inputs(fault));
            let summary = summarize(method, &scenario, &run);
            let session = Rc::new(Session::from_run(i as u64 + 1, None, scenario, SEED, run));
            lanes.push(Lane {
                method,
                session,
                summary,
            });
        }
        let map = shared_map(
            &lanes
                .iter()
                .map(|l| {
                    (
                        l.session.timeline().idle_gaps(GAP_MIN_MS),
                        l.session.timeline().end(),
                    )
                })
                .collect::<Vec<_>>(),
            &lanes
                .iter()
                .flat_map(|l| crate::playback::hops_of(l.session.timeline()))
                .collect::<Vec<_>>(),
        );
        Ok(Comparison { fault, lanes, map })
    }

    pub fn end(&self) -> SimTime {
        self.map.end_sim()
    }
}

/// A time map compressing only what is idle in every lane, and slowing wherever a message travels
/// in any lane (`hops`, all lanes'). Each lane is `(its idle gaps, its end)`; after its end a
/// lane is idle for good.
pub fn shared_map(
    lanes: &[(Vec<(SimTime, SimTime)>, SimTime)],
    hops: &[(SimTime, SimTime)],
) -> TimeMap {
    let end = lanes
        .iter()
        .map(|(_, e)| *e)
        .max()
        .unwrap_or(SimTime::ZERO)
        .max(SimTime(1));
    let idle = |(gaps, e): &(Vec<(SimTime, SimTime)>, SimTime)| {
        let mut v = gaps.clone();
        v.push((*e, SimTime(u64::MAX)));
        v
    };
    let mut common = lanes.first().map(idle).unwrap_or_default();
    for lane in lanes.iter().skip(1) {
        let other = idle(lane);
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < common.len() && j < other.len() {
            let (a0, a1) = common[i];
            let (b0, b1) = other[j];
            let (lo, hi) = (a0.max(b0), a1.min(b1));
            if lo < hi {
                out.push((lo, hi));
            }
            if a1 < b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        common = out;
    }
    common.retain(|(a, _)| *a < end);
    for g in &mut common {
        g.1 = g.1.min(end);
    }
    TimeMap::with_hops(&common, hops, end)
}

/// The shared clock over the three lanes (the comparison's reducer).
#[derive(Clone, Debug)]
pub struct Clock {
    pub cmp: Rc<Comparison>,
    /// The same cursor as the player's, over the shared time map.
    pub cursor: Cursor,
}

#[derive(Clone, Debug)]
pub enum ClockAction {
    Tick {
        wall_ms: f64,
    },
    Toggle,
    Seek(SimTime),
    SeekScreen(f64),
    /// To the next (+1) or previous (−1) event in any lane.
    Step(i32),
    Home,
    End,
    SpeedStep(i32),
    /// Run the three lanes with another fault, from the start.
    Load(Rc<Comparison>),
    SetReducedMotion(bool),
}

/// Opening speed: screen time runs at 1× (idle minutes are compressed anyway).
pub const COMPARE_SPEED: f64 = 1.0;

impl Clock {
    pub fn new(cmp: Rc<Comparison>, reduced_motion: bool) -> Clock {
        Clock {
            cmp,
            cursor: Cursor::new(COMPARE_SPEED, false, reduced_motion),
        }
    }

    pub fn at_end(&self) -> bool {
        self.cursor.at_end(&self.cmp.map)
    }

    pub fn apply(&mut self, a: ClockAction) {
        let cmp = self.cmp.clone();
        let map = &cmp.map;
        // The three lanes' timelines: the cursor steps to the nearest event in any of them.
        let lanes: Vec<&lambdascope_sim::Timeline> =
            cmp.lanes.iter().map(|l| l.session.timeline()).collect();
        match a {
            ClockAction::Tick { wall_ms } => self.cursor.tick(map, lanes.as_slice(), wall_ms),
            ClockAction::Toggle => self.cursor.toggle(map),
            ClockAction::Seek(t) => {
                self.cursor.pause();
                self.cursor.seek(map, t);
            }
            ClockAction::SeekScreen(x) => {
                self.cursor.pause();
                self.cursor.seek(map, map.to_sim(x));
            }
            ClockAction::Step(dir) => {
                self.cursor.pause();
                self.cursor.step(map, lanes.as_slice(), dir);
            }
            ClockAction::Home => {
                self.cursor.pause();
                self.cursor.seek(map, SimTime::ZERO);
            }
            ClockAction::End => {
                self.cursor.pause();
                self.cursor.seek(map, map.end_sim());
            }
            ClockAction::SpeedStep(dir) => self.cursor.speed = speed_step(self.cursor.speed, dir),
            ClockAction::Load(next) => {
                self.cmp = next;
                self.cursor.restart(&self.cmp.map);
            }
            ClockAction::SetReducedMotion(on) => self.cursor.set_reduced_motion(on),
        }
    }
}

impl Reducible for Clock {
    type Action = ClockAction;
    fn reduce(self: Rc<Self>, action: ClockAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(fault: Fault) -> Vec<Summary> {
        Comparison::new(fault)
            .unwrap()
            .lanes
            .into_iter()
            .map(|l| l.summary)
            .collect()
    }

    fn ended(s: &Summary) -> Vec<(&str, usize)> {
        s.ended.iter().map(|(k, n)| (k.as_str(), *n)).collect()
    }

    #[test]
    fn one_template_three_methods_same_function_and_workload() {
        for fault in Fault::ALL {
            let s: Vec<Scenario> = [Method::Synchronous, Method::Asynchronous, Method::Polling]
                .iter()
                .map(|m| scenario(*m, fault).unwrap())
                .collect();
            let kinds: Vec<&str> = s.iter().map(|x| x.file.sources[0].kind().word()).collect();
            assert_eq!(kinds, ["api_gateway", "s3", "sqs"]);
            for x in &s {
                assert_eq!(x.file.sources.len(), 1);
                assert_eq!(
                    x.file.function, s[0].file.function,
                    "the same function in every lane"
                );
                assert_eq!(x.file.workload.len(), 1);
                assert_eq!(x.file.workload[0].source, x.file.sources[0].id());
                assert_eq!(
                    (x.file.workload[0].count, x.file.workload[0].repeat),
                    (3, 2)
                );
            }
            assert_eq!(Fault::from_slug(fault.slug()), Some(fault));
        }
        assert_eq!(Fault::from_slug("meteor"), None);
    }

    #[test]
    fn without_a_fault_every_event_succeeds_once_everywhere() {
        for s in lanes(Fault::None) {
            assert_eq!(s.events, 6, "{s:?}");
            assert_eq!(s.repeats, 0, "{s:?}");
            assert_eq!(s.in_flight, 0);
            assert_eq!(s.duplicate_deliveries, 0);
            match s.method {
                Method::Synchronous => {
                    assert_eq!(s.caller, "200 ×6");
                    assert_eq!(ended(&s), [("succeeded", 6)]);
                    assert_eq!(s.handler_runs, 6);
                }
                Method::Asynchronous => {
                    assert_eq!(s.caller, "202 Accepted ×6 at hand-off; never the outcome")
                }
                Method::Polling => {
                    assert_eq!(ended(&s), [("processed, deleted from the queue", 6)]);
                    assert!(
                        s.handler_runs <= 6,
                        "a burst may share one batch: {}",
                        s.handler_runs
                    );
                }
            }
        }
    }

    #[test]
    fn a_function_error_reaches_the_caller_once_is_retried_twice_async_and_redriven_after_three_receives(
    ) {
        let [sync, asy, poll] = <[Summary; 3]>::try_from(lanes(Fault::FunctionError)).unwrap();
        assert_eq!(sync.caller, "502 ×6");
        assert_eq!(
            (sync.handler_runs, sync.repeats),
            (6, 0),
            "synchronous: Lambda does not retry"
        );
        assert_eq!(ended(&sync), [("error 502 to the caller", 6)]);
        assert!(sync.slowest_ms.unwrap() < 2_000);
        assert_eq!(asy.repeats, 12, "asynchronous: each event runs 3 times");
        assert_eq!(ended(&asy), [("in the DLQ (sqs:failed-events)", 6)]);
        let slow = asy.slowest_ms.unwrap();
        assert!(
            (180_000..190_000).contains(&slow),
            "about 1 + 2 minutes of retry waits: {slow}"
        );
        assert_eq!(poll.repeats, 12, "polling: received three times each");
        assert_eq!(ended(&poll), [("in the queue's DLQ (jobs-dlq)", 6)]);
        let slow = poll.slowest_ms.unwrap();
        assert!(
            (90_000..100_000).contains(&slow),
            "three 30 s visibility timeouts: {slow}"
        );
        assert!(sync.settled < poll.settled && poll.settled < asy.settled);
    }

    #[test]
    fn a_throttle_fails_the_synchronous_caller_but_queued_events_wait_it_out() {
        let [sync, asy, poll] = <[Summary; 3]>::try_from(lanes(Fault::Throttle)).unwrap();
        assert_eq!(
            sync.handler_runs, 0,
            "nothing runs while throttled: {sync:?}"
        );
        assert!(sync.throttles >= 6);
        assert!(
            sync.ended.iter().all(|(k, _)| k.starts_with("error")),
            "{sync:?}"
        );
        for s in [&asy, &poll] {
            assert!(s.throttles > 0, "{s:?}");
            assert_eq!(s.ended.len(), 1, "{s:?}");
            assert!(
                s.ended[0].0.starts_with("succeeded") || s.ended[0].0.starts_with("processed"),
                "{s:?}"
            );
            assert_eq!(
                s.repeats, 0,
                "a throttled event never ran, so nothing ran twice: {s:?}"
            );
            assert!(
                s.settled.unwrap() >= SimTime(THROTTLE_MS),
                "done only after the throttle: {s:?}"
            );
        }
    }

    #[test]
    fn a_poison_record_fails_one_request_one_async_event_and_its_whole_batch() {
        let [sync, asy, poll] = <[Summary; 3]>::try_from(lanes(Fault::Poison)).unwrap();
        assert!(
            sync.caller.contains("502 ×1") && sync.caller.contains("200 ×5"),
            "{}",
            sync.caller
        );
        assert_eq!(sync.repeats, 0);
        assert_eq!(asy.repeats, 2, "only the poison event is retried");
        assert!(
            ended(&asy).contains(&("in the DLQ (sqs:failed-events)", 1)),
            "{asy:?}"
        );
        assert!(ended(&asy).contains(&("succeeded", 5)), "{asy:?}");
        // Its batch-mates go down with it: without ReportBatchItemFailures the whole batch fails.
        let dlq = poll
            .ended
            .iter()
            .find(|(k, _)| k.starts_with("in the queue's DLQ"))
            .map(|(_, n)| *n)
            .unwrap_or(0);
        assert!(
            dlq > 1,
            "more than the poison message is dead-lettered: {poll:?}"
        );
        assert!(poll.repeats as usize >= 2 * dlq, "{poll:?}");
    }

    #[test]
    fn a_timeout_is_an_error_to_the_caller_and_a_retry_elsewhere() {
        let [sync, asy, poll] = <[Summary; 3]>::try_from(lanes(Fault::Timeout)).unwrap();
        assert!(
            sync.ended.iter().all(|(k, _)| k.starts_with("error")),
            "{sync:?}"
        );
        assert_eq!(sync.repeats, 0);
        assert_eq!(asy.repeats, 12);
        assert_eq!(poll.repeats, 12);
        assert!(
            sync.slowest_ms.unwrap() >= 3_000,
            "the caller waited out the 3 s timeout"
        );
    }

    #[test]
    fn the_shared_clock_compresses_only_what_is_idle_in_every_lane() {
        let ms = |a: u64, b: u64| (SimTime(a), SimTime(b));
        let map = shared_map(
            &[
                (vec![ms(1_000, 61_000)], SimTime(70_000)),
                (vec![ms(5_000, 40_000)], SimTime(50_000)),
            ],
            &[],
        );
        // Lane 2 ends at 50 s, so after it only lane 1's gap matters: idle together 5–40 s and 50–61 s.
        assert_eq!(
            map.gaps.iter().map(|g| (g.from, g.to)).collect::<Vec<_>>(),
            vec![ms(5_000, 40_000), ms(50_000, 61_000)]
        );
        assert_eq!(map.end_sim(), SimTime(70_000));
        let cmp = Comparison::new(Fault::FunctionError).unwrap();
        // Every event of every lane is at a distinct screen position (nothing is squeezed away).
        for lane in &cmp.lanes {
            for e in &lane.session.timeline().trace {
                let s = cmp.map.to_screen(e.at);
                assert_eq!(cmp.map.to_sim(s), e.at);
            }
        }
        // Idle minutes squeezed, hops slowed to be followed: under 45 s at 1×.
        assert!(
            cmp.map.end_screen() < 45_000.0,
            "three minutes of retries play in under 45 s at 1×: {}",
            cmp.map.end_screen()
        );
    }

    #[test]
    fn the_clock_steps_through_every_lanes_events_and_stops_at_the_end() {
        let cmp = Rc::new(Comparison::new(Fault::Poison).unwrap());
        let mut all: Vec<SimTime> = cmp
            .lanes
            .iter()
            .flat_map(|l| l.session.timeline().trace.iter().map(|e| e.at))
            .collect();
        all.sort();
        all.dedup();
        let mut c = Clock::new(cmp.clone(), false);
        let mut seen = Vec::new();
        while !c.at_end() && seen.len() < 10_000 {
            c.apply(ClockAction::Step(1));
            seen.push(c.cursor.at);
        }
        assert_eq!(&seen[..all.len() - 1], &all[1..]);
        c.apply(ClockAction::Step(-1));
        assert!(c.cursor.at < cmp.end());
        c.apply(ClockAction::Home);
        c.apply(ClockAction::SpeedStep(1));
        c.apply(ClockAction::SpeedStep(1));
        c.apply(ClockAction::Toggle);
        let mut wall = 0.0;
        while c.cursor.playing && wall < 1e7 {
            wall += 16.7;
            c.apply(ClockAction::Tick { wall_ms: wall });
        }
        assert!(c.at_end() && !c.cursor.playing);
        c.apply(ClockAction::Toggle);
        assert_eq!(
            (c.cursor.at, c.cursor.playing),
            (SimTime::ZERO, true),
            "play at the end starts over"
        );
    }
}
