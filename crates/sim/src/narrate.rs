//! One plain sentence per trace event: the event log, the lessons' narration, the screen-reader
//! live region and the Markdown transcript all use this one generator.

use crate::scene::Timeline;
use crate::time::{format_duration_ms, SimTime};
use crate::topology::Topology;
use crate::trace::*;

/// How much an event matters to a listener: the live region announces `Major` ones only, so a
/// screen reader is not flooded with every hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Salience {
    Minor,
    Major,
}

/// The sentence for one trace event, e.g. "S3 → Event queue: event #3 (attempt 2)".
pub fn sentence(topo: &Topology, e: &TraceEvent) -> String {
    let name = |n: NodeId| topo.node(n).label.clone();
    match &e.kind {
        Trace::EventCreated { inv, event, source, duplicate, payload_bytes } => {
            if *duplicate {
                format!("{} delivers event #{} again as invocation {} (a duplicate: delivery is at-least-once).", name(*source), event.0, inv.0)
            } else {
                format!("{} produces event #{} (invocation {}, {}).", name(*source), event.0, inv.0, bytes(*payload_bytes))
            }
        }
        Trace::Sent { inv, from, to, arrives, message, .. } => {
            let hop = format!("{} → {}", name(*from), name(*to));
            let what = match message {
                Message::Request => "request".to_string(),
                Message::Invoke { try_no } if *try_no > 1 => format!("Invoke, send {try_no}"),
                Message::Invoke { .. } => "Invoke".to_string(),
                Message::Response { status, error: None } => format!("answer {status}"),
                Message::Response { status, error: Some(err) } => format!("answer {status} ({err})"),
                Message::Accepted => "202 Accepted: the event is queued; no result comes back".to_string(),
                Message::Event => "event".to_string(),
                Message::DeliveryAttempt { try_no } => format!("delivery try {try_no}"),
                Message::Attempt { attempt } => format!("attempt {attempt}"),
                Message::RetryWait { .. } => "back to the queue to wait".to_string(),
                Message::Record { target: FailureTargetKind::DeadLetterQueue, .. } => "the original event, dead-lettered".to_string(),
                Message::Record { target: FailureTargetKind::EventBridgeDlq, .. } => "the undeliverable event".to_string(),
                Message::Record { success: true, .. } => "an invocation record (success)".to_string(),
                Message::Record { success: false, .. } => "an invocation record (failure)".to_string(),
            };
            let _ = arrives;
            format!("{hop}: {what} for invocation {}.", inv.0)
        }
        Trace::Enqueued { inv, depth, .. } => format!("Invocation {} waits in the event queue ({} waiting).", inv.0, depth),
        Trace::Dequeued { inv, depth, .. } => format!("The event queue hands invocation {} on ({} still waiting).", inv.0, depth),
        Trace::EnvironmentCreated { env, provisioned: true } => format!("Provisioned environment {} is ready and warm.", env.0),
        Trace::EnvironmentCreated { env, .. } => format!("Lambda creates execution environment {} (a cold start).", env.0),
        Trace::AttemptStarted { inv, attempt, env, cold, init_ends, ends } => {
            let run = ends.since(*init_ends);
            if *cold {
                format!(
                    "Attempt {attempt} of invocation {} starts on environment {} after {} of Init; the handler runs for {}.",
                    inv.0,
                    env.0,
                    format_duration_ms(init_ends.since(e.at)),
                    format_duration_ms(run)
                )
            } else {
                format!("Attempt {attempt} of invocation {} starts on warm environment {} and runs for {}.", inv.0, env.0, format_duration_ms(run))
            }
        }
        Trace::AttemptFinished { inv, attempt, outcome, .. } => match outcome {
            AttemptOutcome::Succeeded => format!("Attempt {attempt} of invocation {} succeeds.", inv.0),
            AttemptOutcome::FunctionError { error_type } => format!("Attempt {attempt} of invocation {} fails: the handler throws {error_type}.", inv.0),
            AttemptOutcome::TimedOut => format!("Attempt {attempt} of invocation {} times out: Lambda stops the handler.", inv.0),
            AttemptOutcome::ResponseTooLarge { limit_bytes } => {
                format!("Attempt {attempt} of invocation {} fails: its response is over the {} limit.", inv.0, bytes(*limit_bytes))
            }
        },
        Trace::Throttled { inv, reason } => format!("Lambda throttles invocation {} (429 {}): the handler does not run.", inv.0, reason.as_str()),
        Trace::PayloadRejected { inv, bytes: b, limit } => {
            format!("Lambda refuses invocation {}: {} is over the {} payload limit (413).", inv.0, bytes(*b), bytes(*limit))
        }
        Trace::RetryScheduled { inv, next_try, due, reason } => {
            let wait = format_duration_ms(due.since(e.at));
            match reason {
                RetryReason::FunctionError => format!("Lambda will retry invocation {} in {wait} (attempt {next_try}).", inv.0),
                RetryReason::Throttled => format!("Throttled: invocation {} goes back to the queue and is tried again in {wait}; this does not use up a retry.", inv.0),
                RetryReason::SdkThrottleRetry => format!("The SDK retries the throttled call for invocation {} in {wait} (send {next_try}).", inv.0),
                RetryReason::DeliveryFailed => format!("Lambda could not be reached; the source tries invocation {} again in {wait} (try {next_try}).", inv.0),
                RetryReason::ClientReadTimeout => format!("The client stops waiting and sends invocation {} again (send {next_try}): the handler may now run twice.", inv.0),
            }
        }
        Trace::CallerGaveUp { inv, caller, waited_ms } => format!(
            "{} gives up on invocation {} after {} and answers 504; the function keeps running.",
            name(*caller),
            inv.0,
            format_duration_ms(*waited_ms)
        ),
        Trace::DeliveryFailed { inv, source, try_no } => format!("{} cannot reach Lambda with invocation {} (try {try_no}).", name(*source), inv.0),
        Trace::Disposed { inv, disposition } => match disposition {
            Disposition::Succeeded { status: Some(s), .. } => format!("Invocation {} is done: the caller got {s}.", inv.0),
            Disposition::Succeeded { destination: Some(d), .. } => format!("Invocation {} succeeded; a record went to {d}.", inv.0),
            Disposition::Succeeded { .. } => format!("Invocation {} succeeded.", inv.0),
            Disposition::ErrorReturned { status: 0, error } => format!("Invocation {} ends with no answer for the caller: {error}.", inv.0),
            Disposition::ErrorReturned { status, error } => format!("The caller of invocation {} sees {status} ({error}).", inv.0),
            Disposition::SentToFailureTarget { condition, targets, approximate_invoke_count } => format!(
                "Invocation {} failed ({}, {} handler runs) and went to {}.",
                inv.0,
                condition.as_str(),
                approximate_invoke_count,
                targets.join(" and ")
            ),
            Disposition::Discarded { condition, approximate_invoke_count } => format!(
                "Invocation {} failed ({}, {} handler runs) and is discarded: nothing was configured to receive it.",
                inv.0,
                condition.as_str(),
                approximate_invoke_count
            ),
        },
        Trace::InputApplied { input } => match input {
            Input::FailNextAttempt => "You make the next handler run throw.".to_string(),
            Input::TimeOutNextAttempt => "You make the next handler run time out.".to_string(),
            Input::Throttle { for_ms } => format!("You throttle every invoke for {}.", format_duration_ms(*for_ms)),
            Input::SlowDown { factor, for_ms } => format!("You slow the handler down {factor}× for {}.", format_duration_ms(*for_ms)),
            Input::Publish { source } => format!("You publish one more event from {source}."),
        },
    }
}

/// Whether a screen reader should hear this event.
pub fn salience(e: &TraceEvent) -> Salience {
    match &e.kind {
        Trace::Sent { .. } | Trace::Enqueued { .. } | Trace::Dequeued { .. } | Trace::EnvironmentCreated { .. } => Salience::Minor,
        _ => Salience::Major,
    }
}

/// The whole run as Markdown: the text equivalent of the animation.
pub fn transcript_markdown(tl: &Timeline, title: &str, seed: u64, upto: Option<SimTime>) -> String {
    let mut out = format!("# {title}\n\nSeed {seed}. Times are simulated AWS time.\n\n| time | what happens |\n|---:|---|\n");
    for e in &tl.trace {
        if upto.is_some_and(|u| e.at > u) {
            break;
        }
        if salience(e) == Salience::Major {
            out.push_str(&format!("| {} | {} |\n", e.at, sentence(&tl.topology, e).replace('|', "\\|")));
        }
    }
    out
}

fn bytes(b: u64) -> String {
    if b >= 1024 * 1024 {
        format!("{:.1} MB", b as f64 / (1024.0 * 1024.0))
    } else if b >= 1024 {
        format!("{} KB", b / 1024)
    } else {
        format!("{b} bytes")
    }
}
