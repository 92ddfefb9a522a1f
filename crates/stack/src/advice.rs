//! Advice: what in a scenario's settings the fact sheet warns about, each finding with what
//! happened in a simulated run of it. Every rule is a function of the validated [`Scenario`]
//! and its [`Run`] (the trace, read through the core's public types), so a finding never
//! disagrees with the diagram: its `observed` line counts the very events the player shows, and
//! `at_ms` is the moment the player can seek to. Where the default run cannot show a failure
//! (API Gateway's timeout needs a slow request), the rule forks the run with one fault — "what if
//! this attempt ran to its timeout" — and reports the fork.

use lambdascope_sim::scenario::{error_matches, Behaviour, DurationDist, Source, StateDef};
use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::topology::Topology;
use lambdascope_sim::trace::{Disposition, FailureCondition, InvocationId, Trace};
use lambdascope_sim::{Input, Method, Run, Scenario, SimTime, TimedInput, TraceEvent};
use serde::Serialize;

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule name, e.g. `sqs-visibility-timeout`.
    pub rule: &'static str,
    /// What it is about, as the scenario names it: a source id, a queue, the function (for an
    /// imported template these are the template's logical ids).
    pub subject: String,
    /// The fact sheet's source key for the behaviour (`../shared/lambda-semantics.md`, §0).
    pub row: &'static str,
    /// The setting and why it matters.
    pub problem: String,
    /// What the simulated run shows, if it shows it.
    pub observed: Option<Observed>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observed {
    pub text: String,
    /// The first simulated moment it shows (what a player seeks to).
    pub at_ms: u64,
    /// The one fault injected on a fork of the run when this was seen there, not in the run
    /// itself: `Run::new(scenario, seed, vec![fault])` is that fork (what a player shows, given
    /// the fault as a share link's `in`).
    pub what_if: Option<TimedInput>,
}

/// `1 event was…` / `3 events were…`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn secs(ms: u64) -> String {
    format_duration_ms(ms)
}

/// Everything the rules below find in `scenario`, with `run` (a run of it) as the evidence.
pub fn advise(scenario: &Scenario, run: &Run) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        out.extend(rule(scenario, run));
    }
    out
}

type Rule = fn(&Scenario, &Run) -> Vec<Finding>;

/// Every rule, in the order findings are printed.
pub const RULES: &[Rule] = &[
    reserved_zero,
    visibility_timeout,
    sqs_batch_without_partial_response,
    sqs_max_receive_count,
    sqs_maximum_concurrency_above_reserved,
    stream_blocks_shard,
    async_without_failure_target,
    api_timeout_below_function,
    state_machine_task_without_throttle_retry,
];

fn topo(run: &Run) -> &Topology {
    &run.timeline().topology
}

/// The source (index) an invocation came from, from its `EventCreated`, and polled batches'
/// sources from their mapping node.
fn sources_of(run: &Run) -> Vec<(InvocationId, usize)> {
    let t = topo(run);
    let mut out = Vec::new();
    for e in run.trace() {
        match &e.kind {
            // A state machine's task calls start at their state's box.
            Trace::EventCreated { inv, source, .. } => {
                let at_source = t.sources.iter().position(|(n, _)| n == source);
                if let Some(i) =
                    at_source.or_else(|| t.states.iter().position(|s| s.contains(source)))
                {
                    out.push((*inv, i));
                }
            }
            Trace::BatchPolled { batch, esm, .. } => {
                if let Some(i) = t.pollers.iter().position(|p| *p == Some(*esm)) {
                    out.push((*batch, i));
                }
            }
            _ => {}
        }
    }
    out
}

fn source_of(map: &[(InvocationId, usize)], inv: InvocationId) -> Option<usize> {
    map.iter().find(|(i, _)| *i == inv).map(|(_, s)| *s)
}

fn first_at<'a>(events: impl Iterator<Item = &'a TraceEvent>) -> Option<u64> {
    events.map(|e| e.at.as_ms()).min()
}

/// Reserved concurrency 0 stops the function: every invoke is throttled, and asynchronous events
/// go straight to the DLQ or on-failure destination without an attempt (L-RESERVED, L-ASYNC-REC).
pub fn reserved_zero(s: &Scenario, run: &Run) -> Vec<Finding> {
    let f = &s.file.function;
    if f.reserved_concurrency != Some(0) {
        return Vec::new();
    }
    let throttles: Vec<&TraceEvent> = run
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, Trace::Throttled { .. }))
        .collect();
    let zero: Vec<&TraceEvent> = run
        .trace()
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                Trace::Disposed {
                    disposition: Disposition::SentToFailureTarget {
                        condition: FailureCondition::ZeroReservedConcurrency,
                        ..
                    } | Disposition::Discarded {
                        condition: FailureCondition::ZeroReservedConcurrency,
                        ..
                    },
                    ..
                }
            )
        })
        .collect();
    let runs = run
        .trace()
        .iter()
        .filter(|e| matches!(e.kind, Trace::AttemptStarted { .. }))
        .count();
    let observed = first_at(throttles.iter().chain(&zero).copied()).map(|at| Observed {
        text: format!(
            "{} handler runs; {} invokes throttled; {} asynchronous events failed at once as ZeroReservedConcurrency",
            runs,
            throttles.len(),
            zero.len()
        ),
        at_ms: at,
        what_if: None,
    });
    vec![Finding {
        rule: "reserved-concurrency-zero",
        subject: f.name.clone(),
        row: "L-RESERVED",
        problem: "ReservedConcurrentExecutions is 0: the function cannot run at all; every invoke is throttled and asynchronous events go to the DLQ or on-failure destination without an attempt (L-ASYNC-REC)".into(),
        observed,
    }]
}

/// A queue's visibility timeout under 6 × the function timeout (plus the batching window): AWS's
/// recommendation, so a throttled or slow batch is not received again while it runs (L-SQS-CFG).
pub fn visibility_timeout(s: &Scenario, run: &Run) -> Vec<Finding> {
    let f = &s.file.function;
    let t = topo(run);
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Source::Sqs(q) = src else { continue };
        let want = 6 * f.timeout_s as u64 + q.maximum_batching_window_s as u64;
        if (q.visibility_timeout_s as u64) >= want {
            continue;
        }
        let node = t.sources[i].0;
        // Which batch holds each message, and which batches are running, to see a message come
        // back while the run that has it continues.
        let mut holder: Vec<(InvocationId, InvocationId)> = Vec::new();
        let mut running: Vec<InvocationId> = Vec::new();
        let (mut again, mut during, mut first) = (0u32, 0u32, None);
        for e in run.trace() {
            match &e.kind {
                Trace::BatchPolled { batch, items, .. } => {
                    for it in items {
                        holder.retain(|(m, _)| *m != it.inv);
                        holder.push((it.inv, *batch));
                    }
                }
                Trace::AttemptStarted { inv, .. } => running.push(*inv),
                Trace::AttemptFinished { inv, .. } => running.retain(|r| r != inv),
                Trace::VisibleAgain { inv, queue, .. } if *queue == node => {
                    again += 1;
                    first.get_or_insert(e.at.as_ms());
                    if holder.iter().any(|(m, b)| m == inv && running.contains(b)) {
                        during += 1;
                    }
                }
                _ => {}
            }
        }
        out.push(Finding {
            rule: "sqs-visibility-timeout",
            subject: q.queue.clone(),
            row: "L-SQS-CFG",
            problem: format!(
                "visibility timeout {} s is under 6 × the function timeout ({} s) plus the batching window ({} s) = {want} s, AWS's recommendation: a batch retried after throttles, or running long, can see its messages received again while it still runs",
                q.visibility_timeout_s, f.timeout_s, q.maximum_batching_window_s
            ),
            observed: first.map(|at| Observed {
                text: format!(
                    "messages became visible again {again} times, each after a full {} s visibility timeout{}",
                    q.visibility_timeout_s,
                    if during > 0 { format!("; {during} of them while the run holding them continued") } else { String::new() }
                ),
                at_ms: at,
                what_if: None,
            }),
        });
    }
    out
}

/// An SQS mapping with batches of more than one message and no `ReportBatchItemFailures`: one
/// failing message returns the whole batch to the queue (L-SQS-CFG, L-SQS-ERR).
pub fn sqs_batch_without_partial_response(s: &Scenario, run: &Run) -> Vec<Finding> {
    let t = topo(run);
    let f = &s.file.function;
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Source::Sqs(q) = src else { continue };
        if q.batch_size <= 1 || q.report_batch_item_failures() {
            continue;
        }
        let node = t.sources[i].0;
        let failing = |event: u32| {
            f.poison_items.contains(&(event as u64))
                || f.flaky_items.iter().any(|fl| fl.item == event as u64)
        };
        let innocent: Vec<&TraceEvent> = run
            .trace()
            .iter()
            .filter(|e| matches!(&e.kind, Trace::VisibleAgain { queue, event, .. } if *queue == node && !failing(event.0)))
            .collect();
        let extra_runs: u32 = run
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::BatchPolled { esm, items, .. } if t.pollers[i] == Some(*esm) => Some(
                    items
                        .iter()
                        .filter(|it| it.delivery > 1 && !failing(it.event.0))
                        .count() as u32,
                ),
                _ => None,
            })
            .sum();
        out.push(Finding {
            rule: "sqs-batch-without-partial-response",
            subject: q.id.clone(),
            row: "L-SQS-ERR",
            problem: format!(
                "batch size {} without FunctionResponseTypes: [ReportBatchItemFailures]: one failing message returns its whole batch to the queue, and the others are processed again",
                q.batch_size
            ),
            observed: first_at(innocent.iter().copied()).map(|at| Observed {
                text: format!(
                    "{} times a message that had not failed became visible again with its batch; {} handler deliveries went to messages that had not failed before",
                    innocent.len(),
                    extra_runs
                ),
                at_ms: at,
                what_if: None,
            }),
        });
    }
    out
}

/// A redrive policy's maxReceiveCount under 5, or none at all: AWS recommends at least 5 so that
/// throttling alone does not send messages to the DLQ; without one a poison message is received
/// until its retention period ends (L-SQS-CFG).
pub fn sqs_max_receive_count(s: &Scenario, run: &Run) -> Vec<Finding> {
    let f = &s.file.function;
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Source::Sqs(q) = src else { continue };
        let node = topo(run).sources[i].0;
        match q.max_receive_count {
            Some(n) if n >= 5 => {}
            Some(n) => {
                let moved: Vec<(&TraceEvent, u32)> = run
                    .trace()
                    .iter()
                    .filter_map(|e| match &e.kind {
                        Trace::Disposed {
                            disposition: Disposition::MovedToDlq { .. },
                            inv,
                        } => Some((e, *inv)),
                        _ => None,
                    })
                    .filter_map(|(e, inv)| event_of(run, inv).map(|ev| (e, ev)))
                    .collect();
                let healthy = moved
                    .iter()
                    .filter(|(_, ev)| !f.poison_items.contains(&(*ev as u64)))
                    .count();
                out.push(Finding {
                    rule: "sqs-max-receive-count",
                    subject: q.queue.clone(),
                    row: "L-SQS-CFG",
                    problem: format!("maxReceiveCount {n} is under 5, AWS's recommendation: a message whose receives are used up by throttles or a passing failure goes to the DLQ unprocessed"),
                    observed: first_at(moved.iter().map(|(e, _)| *e)).map(|at| Observed {
                        text: format!("{} to the DLQ, {healthy} of them not poison", count(moved.len(), "message moved", "messages moved")),
                        at_ms: at,
                        what_if: None,
                    }),
                });
            }
            None => {
                let receives = run
                    .trace()
                    .iter()
                    .filter_map(|e| match &e.kind {
                        Trace::VisibleAgain {
                            queue,
                            receive_count,
                            ..
                        } if *queue == node => Some((e.at.as_ms(), *receive_count)),
                        _ => None,
                    })
                    .fold(None::<(u64, u32)>, |best, (at, n)| match best {
                        Some((_, b)) if b >= n => best,
                        _ => Some((at, n)),
                    });
                out.push(Finding {
                    rule: "sqs-no-redrive-policy",
                    subject: q.queue.clone(),
                    row: "L-SQS-CFG",
                    problem: "no redrive policy: a message the function cannot process is received again after every visibility timeout until the queue's retention period ends".into(),
                    observed: receives.map(|(at, n)| Observed {
                        text: format!("one message was received {n} times in this run and is still in the queue"),
                        at_ms: at,
                        what_if: None,
                    }),
                });
            }
        }
    }
    out
}

fn event_of(run: &Run, inv: InvocationId) -> Option<u32> {
    run.trace().iter().find_map(|e| match &e.kind {
        Trace::EventCreated { inv: i, event, .. } if *i == inv => Some(event.0),
        _ => None,
    })
}

/// ScalingConfig.MaximumConcurrency above the function's reserved concurrency: the mapping runs
/// more batches than the function may, and the extra ones are throttled (L-SCALINGCFG, KC-SQS).
pub fn sqs_maximum_concurrency_above_reserved(s: &Scenario, run: &Run) -> Vec<Finding> {
    let Some(reserved) = s.file.function.reserved_concurrency else {
        return Vec::new();
    };
    let map = sources_of(run);
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Source::Sqs(q) = src else { continue };
        let Some(max) = q.maximum_concurrency else {
            continue;
        };
        if max <= reserved {
            continue;
        }
        let throttled: Vec<&TraceEvent> = run
            .trace()
            .iter()
            .filter(|e| matches!(&e.kind, Trace::Throttled { inv, .. } if source_of(&map, *inv) == Some(i)))
            .collect();
        out.push(Finding {
            rule: "sqs-maximum-concurrency-above-reserved",
            subject: q.id.clone(),
            row: "L-SCALINGCFG",
            problem: format!("MaximumConcurrency {max} is above the function's reserved concurrency {reserved}: the mapping takes more batches than the function may run, and the rest are throttled (keep it ≤ reserved concurrency)"),
            observed: first_at(throttled.iter().copied()).map(|at| Observed {
                text: count(throttled.len(), "batch invoke was throttled", "batch invokes were throttled"),
                at_ms: at,
                what_if: None,
            }),
        });
    }
    out
}

/// A stream mapping that retries without limit, with no on-failure destination and no bisect:
/// one bad record blocks its shard until it expires (L-KIN-FAIL, L-RETRIES).
pub fn stream_blocks_shard(s: &Scenario, run: &Run) -> Vec<Finding> {
    let t = topo(run);
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let p = match src {
            Source::Kinesis(k) => k.params(),
            Source::DynamodbStreams(d) => d.params(),
            _ => continue,
        };
        if p.maximum_retry_attempts != -1 || p.on_failure.is_some() || p.bisect {
            continue;
        }
        let shards = &t.shards[i];
        // The longest stretch a shard spent blocked: from its first ShardBlocked to the next
        // checkpoint that leaves it unblocked.
        let mut since: Vec<(lambdascope_sim::trace::NodeId, u64)> = Vec::new();
        let mut longest: Option<(u64, u64)> = None;
        let mut expired = 0u32;
        for e in run.trace() {
            match &e.kind {
                Trace::ShardBlocked { shard, .. }
                    if shards.contains(shard) && !since.iter().any(|(s, _)| s == shard) =>
                {
                    since.push((*shard, e.at.as_ms()));
                }
                Trace::CheckpointAdvanced {
                    shard,
                    blocked: false,
                    ..
                } => {
                    if let Some(pos) = since.iter().position(|(s, _)| s == shard) {
                        let (_, from) = since.remove(pos);
                        let span = e.at.as_ms() - from;
                        if longest.is_none_or(|(_, l)| span > l) {
                            longest = Some((from, span));
                        }
                    }
                }
                Trace::Disposed {
                    disposition: Disposition::Expired { .. },
                    inv,
                } if event_source(run, *inv) == Some(i) => expired += 1,
                _ => {}
            }
        }
        let end = run.trace().last().map_or(0, |e| e.at.as_ms());
        for (_, from) in &since {
            let span = end - from;
            if longest.is_none_or(|(_, l)| span > l) {
                longest = Some((*from, span));
            }
        }
        let age = p
            .maximum_record_age_ms
            .map_or("no maximum record age".to_string(), |a| {
                format!("maximum record age {}", secs(a))
            });
        out.push(Finding {
            rule: "stream-unbounded-retries",
            subject: src.id().to_string(),
            row: "L-KIN-FAIL",
            problem: format!(
                "MaximumRetryAttempts −1 ({age}) with no on-failure destination and no BisectBatchOnFunctionError: one record the function cannot process blocks its shard until it expires (retention {}), and is then lost without a record of it",
                secs(p.retention_ms)
            ),
            observed: longest.map(|(from, span)| Observed {
                text: format!("a shard was blocked for {}; {expired} records expired unprocessed", secs(span)),
                at_ms: from,
                what_if: None,
            }),
        });
    }
    out
}

fn event_source(run: &Run, inv: InvocationId) -> Option<usize> {
    source_of(&sources_of(run), inv)
}

/// An asynchronous function with neither a DLQ nor an on-failure destination: an event that
/// fails every attempt is discarded (L-ASYNC-REC; three attempts by default, L-ASYNC-ERR).
pub fn async_without_failure_target(s: &Scenario, run: &Run) -> Vec<Finding> {
    let a = &s.file.async_config;
    if !s.methods().contains(&Method::Asynchronous)
        || a.dead_letter_queue.is_some()
        || a.on_failure.is_some()
    {
        return Vec::new();
    }
    let discarded: Vec<(&TraceEvent, u32)> = run
        .trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::Disposed {
                disposition:
                    Disposition::Discarded {
                        approximate_invoke_count,
                        ..
                    },
                ..
            } => Some((e, *approximate_invoke_count)),
            _ => None,
        })
        .collect();
    let attempts = discarded.iter().map(|(_, n)| *n).max().unwrap_or(0);
    vec![Finding {
        rule: "async-without-failure-target",
        subject: s.file.function.name.clone(),
        row: "L-ASYNC-REC",
        problem: format!(
            "invoked asynchronously with no DeadLetterQueue and no on-failure destination: an event that fails all {} attempts (or outlives its maximum age) is discarded",
            a.maximum_retry_attempts + 1
        ),
        observed: first_at(discarded.iter().map(|(e, _)| *e)).map(|at| Observed {
            text: format!("{} after {attempts} attempts", count(discarded.len(), "event was discarded", "events were discarded")),
            at_ms: at,
            what_if: None,
        }),
    }]
}

/// API Gateway's integration timeout shorter than the function timeout: the caller gets 504
/// while the function runs on (APIGW-504). The default workload's requests are quick, so the
/// rule also forks the run where the first request's attempt runs to the function's timeout.
pub fn api_timeout_below_function(s: &Scenario, run: &Run) -> Vec<Finding> {
    let f = &s.file.function;
    let timeout_ms = f.timeout_s as u64 * 1000;
    let map = sources_of(run);
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Some(limit) = src.integration_timeout_ms() else {
            continue;
        };
        if limit >= timeout_ms {
            continue;
        }
        let caller = topo(run).sources[i].0;
        let gave_up = |r: &Run| -> Vec<(u64, u64)> {
            r.trace()
                .iter()
                .filter_map(|e| match &e.kind {
                    Trace::CallerGaveUp {
                        caller: c,
                        waited_ms,
                        ..
                    } if *c == caller => Some((e.at.as_ms(), *waited_ms)),
                    _ => None,
                })
                .collect()
        };
        let mut seen = gave_up(run);
        let mut what_if = None;
        if seen.is_empty() && !slow_by_default(f) {
            // The first attempt of a request from this API, made to run to the function's timeout.
            let start = run.trace().iter().find_map(|e| match &e.kind {
                Trace::AttemptStarted { inv, .. } if source_of(&map, *inv) == Some(i) => Some(e.at),
                _ => None,
            });
            if let Some(at) = start {
                let fault = TimedInput {
                    at: SimTime(at.as_ms().saturating_sub(1)),
                    input: Input::TimeOutNextAttempt,
                };
                let fork = run.fork(fault.at, fault.input.clone());
                seen = gave_up(&fork);
                what_if = Some(fault);
            }
        }
        out.push(Finding {
            rule: "api-timeout-below-function-timeout",
            subject: src.id().to_string(),
            row: "APIGW-504",
            problem: format!(
                "integration timeout {} is shorter than the function timeout {}: a request that runs longer gets 504 while the function keeps running, for nobody",
                secs(limit),
                secs(timeout_ms)
            ),
            observed: seen.first().map(|(at, waited)| Observed {
                text: if what_if.is_some() {
                    format!("when a request's run lasts to the function's timeout (a fork of this run): the client got 504 after {} and the function ran on to {}", secs(*waited), secs(timeout_ms))
                } else {
                    format!("{} requests got 504 after {} while the function ran on", seen.len(), secs(*waited))
                },
                at_ms: *at,
                what_if: what_if.clone(),
            }),
        });
    }
    out
}

/// A Task calling the function with no retrier for Lambda's throttle: Step Functions has no
/// retry of its own, so one `Lambda.TooManyRequestsException` fails the state (SFN-ERR; AWS's
/// best practice is a retrier for Lambda's service exceptions, SFN-BP). A default run is rarely
/// throttled, so the rule forks the run with Lambda throttling the task's first call.
pub fn state_machine_task_without_throttle_retry(s: &Scenario, run: &Run) -> Vec<Finding> {
    const THROTTLE: &str = "Lambda.TooManyRequestsException";
    let map = sources_of(run);
    let mut out = Vec::new();
    for (i, src) in s.file.sources.iter().enumerate() {
        let Source::StepFunctions(m) = src else {
            continue;
        };
        for st in &m.states {
            let StateDef::Task(t) = st else { continue };
            if t.retry
                .iter()
                .any(|r| error_matches(&r.error_equals, THROTTLE))
            {
                continue;
            }
            // The first call of this machine's tasks, throttled for a moment on a fork.
            let start = run.trace().iter().find_map(|e| match &e.kind {
                Trace::Throttled { inv, .. } | Trace::AttemptStarted { inv, .. }
                    if source_of(&map, *inv) == Some(i) =>
                {
                    Some(e.at)
                }
                _ => None,
            });
            let fault = start.map(|at| TimedInput {
                at: SimTime(at.as_ms().saturating_sub(1)),
                input: Input::Throttle { for_ms: 2 },
            });
            let seen = fault.as_ref().and_then(|fault| {
                let fork = run.fork(fault.at, fault.input.clone());
                let label = |n| fork.timeline().topology.node(n).label.clone();
                fork.trace().iter().find_map(|e| match &e.kind {
                    Trace::Disposed {
                        disposition: Disposition::ExecutionFailed { error, state },
                        ..
                    } if error == THROTTLE => Some((
                        e.at.as_ms(),
                        format!("the execution failed in `{state}` with {THROTTLE}"),
                    )),
                    Trace::Caught {
                        error, state, next, ..
                    } if error == THROTTLE => Some((
                        e.at.as_ms(),
                        format!(
                            "`{}` failed at once with {THROTTLE} and its Catch went to `{}`",
                            label(*state),
                            label(*next)
                        ),
                    )),
                    _ => None,
                })
            });
            out.push(Finding {
                rule: "state-machine-task-without-throttle-retry",
                subject: format!("{}.{}", m.state_machine, t.name),
                row: "SFN-ERR",
                problem: format!("Task `{}` has no retrier for {THROTTLE}: Step Functions does not retry by itself, so one throttle fails the state (AWS recommends retrying Lambda's service exceptions, SFN-BP)", t.name),
                observed: seen.map(|(at, text)| Observed {
                    text: format!("when Lambda throttles the first call (a fork of this run): {text}"),
                    at_ms: at,
                    what_if: fault.clone(),
                }),
            });
        }
    }
    out
}

fn slow_by_default(f: &lambdascope_sim::scenario::Function) -> bool {
    matches!(f.behaviour, Behaviour::TimeOut)
        || match f.duration {
            DurationDist::Fixed { ms } => ms >= f.timeout_s as u64 * 1000,
            DurationDist::Uniform { max_ms, .. } => max_ms >= f.timeout_s as u64 * 1000,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The findings of one rule on a scenario made of `function` and `source` TOML.
    fn check(rule: Rule, function: &str, source: &str, count: u32) -> Vec<Finding> {
        check_for(90_000, rule, function, source, count)
    }

    fn check_for(
        horizon_s: u64,
        rule: Rule,
        function: &str,
        source: &str,
        count: u32,
    ) -> Vec<Finding> {
        let s = scenario(horizon_s, function, source, count);
        let run = Run::new(&s, 1, Vec::new());
        rule(&s, &run)
    }

    fn scenario(horizon_s: u64, function: &str, source: &str, count: u32) -> Scenario {
        let text = format!(
            "format_version = 1\nid = \"t\"\ntitle = \"t\"\nhorizon_s = {horizon_s}\n[function]\nname = \"Fn\"\npoison_items = [1]\n{function}\n[[sources]]\n{source}\n[[workload]]\nsource = \"src\"\ncount = {count}\n"
        );
        Scenario::parse("t.toml", &text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn observed(f: &[Finding]) -> &str {
        &f[0].observed.as_ref().expect("observed in the run").text
    }

    #[test]
    fn reserved_zero_shows_events_failing_without_an_attempt() {
        let f = check(
            reserved_zero,
            "reserved_concurrency = 0",
            "kind = \"s3\"\nid = \"src\"",
            3,
        );
        assert_eq!((f[0].row, observed(&f)), ("L-RESERVED", "0 handler runs; 0 invokes throttled; 3 asynchronous events failed at once as ZeroReservedConcurrency"));
        assert!(check(
            reserved_zero,
            "reserved_concurrency = 1",
            "kind = \"s3\"\nid = \"src\"",
            3
        )
        .is_empty());
    }

    const SQS: &str = "kind = \"sqs\"\nid = \"src\"\nqueue = \"Q\"\nbatch_size = 10\nmaximum_batching_window_s = 1\nvisibility_timeout_s = 30";

    #[test]
    fn visibility_under_six_timeouts_is_found_with_its_redeliveries() {
        let f = check(visibility_timeout, "timeout_s = 25", SQS, 10);
        assert_eq!((f[0].subject.as_str(), f[0].row), ("Q", "L-SQS-CFG"));
        assert!(f[0].problem.contains("= 151 s"), "{}", f[0].problem);
        assert!(
            observed(&f).starts_with("messages became visible again "),
            "{}",
            observed(&f)
        );
        assert_eq!(
            f[0].observed.as_ref().unwrap().at_ms,
            30_000,
            "one visibility timeout after the receive"
        );
        // 6 × 4 s + the 1 s window = 25 s ≤ 30 s.
        assert!(check(visibility_timeout, "timeout_s = 4", SQS, 10).is_empty());
    }

    #[test]
    fn whole_batch_redelivery_counts_messages_that_did_not_fail() {
        let f = check_for(
            100,
            sqs_batch_without_partial_response,
            "timeout_s = 5",
            SQS,
            10,
        );
        // One batch of ten with one poison message: the nine others come back with it after
        // each receive, and are received and delivered again at once (at 30, 60 and 90 s).
        assert_eq!(observed(&f), "27 times a message that had not failed became visible again with its batch; 27 handler deliveries went to messages that had not failed before");
        let rbif = format!("{SQS}\nfunction_response_types = [\"ReportBatchItemFailures\"]");
        assert!(check(
            sqs_batch_without_partial_response,
            "timeout_s = 5",
            &rbif,
            10
        )
        .is_empty());
    }

    #[test]
    fn max_receive_count_under_five_and_missing_redrive_are_found() {
        let low = format!("{SQS}\nmax_receive_count = 2\ndead_letter_queue = \"DLQ\"");
        let f = check(sqs_max_receive_count, "timeout_s = 5", &low, 10);
        assert_eq!(f[0].rule, "sqs-max-receive-count");
        assert_eq!(
            observed(&f),
            "10 messages moved to the DLQ, 9 of them not poison"
        );
        let ok = format!("{SQS}\nmax_receive_count = 5\ndead_letter_queue = \"DLQ\"");
        assert!(check(sqs_max_receive_count, "timeout_s = 5", &ok, 10).is_empty());
        let f = check(sqs_max_receive_count, "timeout_s = 5", SQS, 10);
        assert_eq!(f[0].rule, "sqs-no-redrive-policy");
        assert!(
            observed(&f).starts_with("one message was received "),
            "{}",
            observed(&f)
        );
    }

    #[test]
    fn maximum_concurrency_above_reserved_shows_throttles() {
        let one = "kind = \"sqs\"\nid = \"src\"\nbatch_size = 1\nmaximum_concurrency = 5";
        let f = check(
            sqs_maximum_concurrency_above_reserved,
            "reserved_concurrency = 1\nduration = { distribution = \"fixed\", ms = 2000 }",
            one,
            10,
        );
        assert!(observed(&f).contains("throttled"), "{}", observed(&f));
        assert!(check(
            sqs_maximum_concurrency_above_reserved,
            "reserved_concurrency = 5",
            one,
            10
        )
        .is_empty());
    }

    #[test]
    fn a_stream_retrying_forever_blocks_its_shard_until_retention() {
        let k = "kind = \"kinesis\"\nid = \"src\"\nstarting_position = \"TRIM_HORIZON\"\nbatch_size = 1";
        let f = check(stream_blocks_shard, "timeout_s = 5", k, 3);
        assert_eq!(f[0].row, "L-KIN-FAIL");
        assert!(
            observed(&f).starts_with("a shard was blocked for 23 h 59 min; 2 records expired"),
            "{}",
            observed(&f)
        );
        let with_dest = format!("{k}\non_failure = {{ kind = \"sqs\", name = \"failed\" }}");
        assert!(check(stream_blocks_shard, "timeout_s = 5", &with_dest, 3).is_empty());
    }

    #[test]
    fn async_without_failure_target_counts_discarded_events() {
        let f = check(
            async_without_failure_target,
            "timeout_s = 5",
            "kind = \"s3\"\nid = \"src\"",
            3,
        );
        assert_eq!(observed(&f), "1 event was discarded after 3 attempts");
        let dlq = "timeout_s = 5\n[async]\ndead_letter_queue = { kind = \"sqs\", name = \"dlq\" }";
        assert!(check(
            async_without_failure_target,
            dlq,
            "kind = \"s3\"\nid = \"src\"",
            3
        )
        .is_empty());
    }

    #[test]
    fn a_task_without_a_throttle_retrier_fails_on_a_throttled_fork() {
        let sfn = "kind = \"step_functions\"\nid = \"src\"\nstate_machine = \"Flow\"\nstart_at = \"Charge\"\n[[sources.states]]\ntype = \"task\"\nname = \"Charge\"\nend = true";
        let f = check_for(
            60,
            state_machine_task_without_throttle_retry,
            "timeout_s = 5",
            sfn,
            1,
        );
        assert_eq!(
            (f[0].subject.as_str(), f[0].row),
            ("Flow.Charge", "SFN-ERR")
        );
        assert_eq!(observed(&f), "when Lambda throttles the first call (a fork of this run): the execution failed in `Charge` with Lambda.TooManyRequestsException");
        let retried =
            format!("{sfn}\nretry = [{{ error_equals = [\"Lambda.TooManyRequestsException\"] }}]");
        assert!(check_for(
            60,
            state_machine_task_without_throttle_retry,
            "timeout_s = 5",
            &retried,
            1
        )
        .is_empty());
    }

    #[test]
    fn api_timeout_below_the_function_timeout_is_shown_on_a_fork() {
        let f = check(
            api_timeout_below_function,
            "timeout_s = 60",
            "kind = \"api_gateway\"\nid = \"src\"",
            1,
        );
        let o = f[0].observed.as_ref().unwrap();
        assert!(o.what_if.is_some());
        assert_eq!(o.text, "when a request's run lasts to the function's timeout (a fork of this run): the client got 504 after 29 s and the function ran on to 1 min 00 s");
        assert!(check(
            api_timeout_below_function,
            "timeout_s = 29",
            "kind = \"api_gateway\"\nid = \"src\"",
            1
        )
        .is_empty());
    }

    /// A what-if finding names its fault: a run with that fault from the start (what the Import
    /// view hands the player, as a share link's faults) shows the finding at the same instant.
    #[test]
    fn a_what_if_fault_replayed_from_the_start_shows_the_finding_at_its_instant() {
        let api = "kind = \"api_gateway\"\nid = \"src\"";
        let s = scenario(90_000, "timeout_s = 60", api, 1);
        let run = Run::new(&s, 1, Vec::new());
        let f = api_timeout_below_function(&s, &run);
        let o = f[0].observed.as_ref().unwrap();
        let fault = o.what_if.clone().unwrap();
        assert_eq!(fault.input, Input::TimeOutNextAttempt);
        let gave_up = |r: &Run| {
            r.trace()
                .iter()
                .find(|e| matches!(e.kind, Trace::CallerGaveUp { .. }))
                .map(|e| e.at.as_ms())
        };
        assert_eq!(gave_up(&run), None, "the run itself shows nothing");
        assert_eq!(gave_up(&Run::new(&s, 1, vec![fault])), Some(o.at_ms));
    }
}
