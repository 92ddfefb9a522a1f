//! One plain sentence per trace event: the event log, the lessons' narration, the screen-reader
//! live region and the Markdown transcript all use this one generator.

use crate::scene::Timeline;
use crate::source_kind::SourceKind;
use crate::time::{format_duration_ms, SimTime};
use crate::topology::{NodeKind, Topology};
use crate::trace::*;

/// How much an event matters to a listener: the live region announces `Major` ones only, so a
/// screen reader is not flooded with every hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Salience {
    Minor,
    Major,
}

/// The sentence for `trace[i]`, e.g. "S3 → Event queue: event #3 (attempt 2)". It takes the trace
/// and not the event alone because an attempt does not say what it runs: the events before it tell
/// an ordinary invoke from a polled batch or a Step Functions task, which are worded differently
/// (Lambda does not retry an SQS batch, L-SQS-ERR; a Task's Retry is Step Functions', SFN-ERR).
pub fn sentence(topo: &Topology, trace: &[TraceEvent], i: usize) -> String {
    let e = &trace[i];
    let name = |n: NodeId| topo.node(n).label.clone();
    match &e.kind {
        Trace::EventCreated { inv, event, source, duplicate: false, payload_bytes } if let Some(item) = own_item(topo, *source) => {
            let node = topo.node(*source);
            match item {
                Item::Message => format!("A producer sends message #{} to {} ({}; invocation {}).", event.0, node.detail, bytes(*payload_bytes), inv.0),
                Item::Record => format!("A producer writes record #{} to {} ({}; invocation {}).", event.0, node.detail, bytes(*payload_bytes), inv.0),
                Item::Execution => format!("Step Functions starts execution {} of {}.", inv.0, node.detail),
                Item::Task(name) => format!("Task state {name} calls the function: invocation {}.", inv.0),
            }
        }
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
                Message::Record { target: FailureTargetKind::DeliveryDlq, .. } => "the undeliverable event".to_string(),
                Message::Record { success: true, .. } => "an invocation record (success)".to_string(),
                Message::Record { success: false, .. } => "an invocation record (failure)".to_string(),
                Message::Batch { items, try_no } if *try_no > 1 => format!("the batch of {} again (send {try_no})", items.len()),
                Message::Batch { items, .. } => format!("a batch of {}", items.len()),
                Message::DeleteMessages { items } => format!("delete {} message{}", items.len(), plural(items.len())),
                Message::ToDeadLetterQueue => "the message, moved by the queue's redrive policy".to_string(),
                Message::FailureRecord { condition, records, with_payload } => format!(
                    "an on-failure record about {records} record{} ({}; {})",
                    plural(*records as usize),
                    condition.as_str(),
                    if *with_payload { "metadata and the payload" } else { "metadata only, not the records" }
                ),
                Message::TaskToken => "the task token".to_string(),
                Message::Callback { callback: CallbackKind::Heartbeat } => "SendTaskHeartbeat".to_string(),
                Message::Callback { callback: CallbackKind::Success } => "SendTaskSuccess".to_string(),
                Message::Callback { callback: CallbackKind::Failure { error } } => format!("SendTaskFailure ({error})"),
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
            let who = attempt_subject(topo, origin(topo, trace, i, *inv), *inv, *attempt);
            if *cold {
                format!(
                    "{who} starts on environment {} after {} of Init; the handler runs for {}.",
                    env.0,
                    format_duration_ms(init_ends.since(e.at)),
                    format_duration_ms(run)
                )
            } else {
                format!("{who} starts on warm environment {} and runs for {}.", env.0, format_duration_ms(run))
            }
        }
        Trace::AttemptFinished { inv, attempt, outcome, .. } => {
            let who = attempt_subject(topo, origin(topo, trace, i, *inv), *inv, *attempt);
            match outcome {
                AttemptOutcome::Succeeded => format!("{who} succeeds."),
                AttemptOutcome::FunctionError { error_type } => format!("{who} fails: the handler throws {error_type}."),
                AttemptOutcome::TimedOut => format!("{who} times out: Lambda stops the handler."),
                AttemptOutcome::ResponseTooLarge { limit_bytes } => format!("{who} fails: its response is over the {} limit.", bytes(*limit_bytes)),
            }
        }
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
                RetryReason::EsmThrottled => format!("Throttled: the event source mapping tries batch invocation {} again in {wait}; this uses up no retry.", inv.0),
                RetryReason::StreamBatchFailed => format!("The shard waits: Lambda retries the records of invocation {} whole in {wait} (delivery {next_try}).", inv.0),
                RetryReason::StateRetry => format!("The state's Retry matches: Step Functions, not Lambda, invokes the function again in {wait} (its attempt {next_try}, invocation {}).", inv.0),
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
            Disposition::Deleted { receive_count, failure_ignored: false } => {
                format!("The message of invocation {} is deleted from the queue after receive {receive_count}: done.", inv.0)
            }
            Disposition::Deleted { receive_count, failure_ignored: true } => format!(
                "The message of invocation {} is deleted after receive {receive_count} although the function reported it failed: ReportBatchItemFailures is off, so the report is ignored and the message is lost.",
                inv.0
            ),
            Disposition::MovedToDlq { dlq, receive_count } => {
                format!("SQS moves the message of invocation {} to {dlq} after {receive_count} receives (the redrive policy's maxReceiveCount).", inv.0)
            }
            Disposition::Processed { deliveries } => {
                format!("The record of invocation {} is processed; the checkpoint is past it ({} deliver{}).", inv.0, deliveries, if *deliveries == 1 { "y" } else { "ies" })
            }
            Disposition::Expired { age_ms } => format!("Invocation {} expires after {}, before it was processed: it is gone.", inv.0, format_duration_ms(*age_ms)),
            Disposition::NotRead { starting_position } => {
                format!("The record of invocation {} is never read: it was written before the mapping's {starting_position} starting point.", inv.0)
            }
            Disposition::Caught { error, state, next } => format!("Step Functions catches {error} from invocation {} in {state}; the execution goes on at {next}.", inv.0),
            Disposition::Abandoned { reason } => format!("Step Functions stops waiting for invocation {} ({reason}); the function keeps running.", inv.0),
            Disposition::ExecutionFailed { error, state } => format!("Execution {} fails: {error} in {state}, and nothing caught it.", inv.0),
        },
        Trace::InputApplied { input } => match input {
            Input::FailNextAttempt => "You make the next handler run throw.".to_string(),
            Input::TimeOutNextAttempt => "You make the next handler run time out.".to_string(),
            Input::Throttle { for_ms } => format!("You throttle every invoke for {}.", format_duration_ms(*for_ms)),
            Input::SlowDown { factor, for_ms } => format!("You slow the handler down {factor}× for {}.", format_duration_ms(*for_ms)),
            Input::Publish { source } => format!("You publish one more event from {source}."),
        },
        Trace::Stored { inv, node: at, key, sequence } => match (&topo.node(*at).kind, key) {
            (NodeKind::Shard { .. }, Some(k)) => format!("Record #{sequence} lands on {} (key {k}, invocation {}).", name(*at), inv.0),
            (_, Some(g)) => format!("Message #{sequence} waits in the queue, message group {g} (invocation {}).", inv.0),
            (_, None) => format!("Message #{sequence} waits in the queue (invocation {}).", inv.0),
        },
        Trace::BatchPolled { batch, from, items, iterator_age_ms, .. } => {
            let what = if matches!(topo.node(*from).kind, NodeKind::Shard { .. }) { "record" } else { "message" };
            let age = iterator_age_ms.map(|a| format!("; iterator age {}", format_duration_ms(a))).unwrap_or_default();
            format!(
                "{} → Lambda: the event source mapping takes invocation {}, a batch of {} {what}{}: {}{age}.",
                name(*from),
                batch.0,
                items.len(),
                plural(items.len()),
                list_items(items, what == "message")
            )
        }
        Trace::ItemFailuresReported { batch, items, honoured: true } => format!(
            "The function returns batchItemFailures for invocation {}: {} failed ({}); {}.",
            batch.0,
            items.len(),
            list_items(items, false),
            // SQS puts back only the listed messages (L-SQS-ERR); a stream mapping checkpoints at
            // the lowest listed record and retries from there (L-PBR).
            match origin(topo, trace, i, *batch) {
                Origin::Batch { from, .. } if matches!(topo.node(from).kind, NodeKind::Shard { .. }) => "Lambda checkpoints before the first of them and retries from there",
                _ => "only those go back to the queue, to be received again; the others are deleted",
            }
        ),
        Trace::ItemFailuresReported { batch, items, honoured: false } => format!(
            "The function returns batchItemFailures for invocation {} ({}), but ReportBatchItemFailures is off: Lambda ignores the list and treats the whole batch as a success.",
            batch.0,
            list_items(items, false)
        ),
        Trace::VisibleAgain { event, queue, receive_count, .. } => format!(
            "Message #{} becomes visible again in {}: its visibility timeout ran out after receive {receive_count} without a delete.",
            event.0,
            topo.node(*queue).detail
        ),
        Trace::ShardBlocked { shard, batch } => format!(
            "{} is blocked: invocation {} failed and its records are retried whole; nothing newer from them is read until they get through.",
            name(*shard),
            batch.0
        ),
        Trace::BatchBisected { batch, first, second } => format!(
            "Lambda splits failed invocation {} into {} and {} record{}; splitting uses up no retry.",
            batch.0,
            first.len(),
            second.len(),
            plural(second.len())
        ),
        Trace::CheckpointAdvanced { shard, sequence, records, blocked } => format!(
            "The checkpoint on {} moves past record #{sequence} ({records} record{} done){}.",
            name(*shard),
            plural(*records as usize),
            if *blocked { "; records after it still wait for a failed batch" } else { "" }
        ),
        Trace::PollersScaled { concurrency, reason, .. } => match reason {
            ScaleReason::Initial => format!("The event source mapping starts with {concurrency} pollers: up to {concurrency} batches at once."),
            ScaleReason::Backlog => format!("Messages keep waiting: Lambda adds pollers, up to {concurrency} batches at once (at most 300 more a minute)."),
            ScaleReason::Idle => format!("The queue is empty: the mapping goes back to {concurrency} batches at once."),
            ScaleReason::FunctionError => format!("A batch failed: Lambda backs off to {concurrency} batches at once."),
            ScaleReason::Throttled => format!("A batch was throttled: Lambda backs off to {concurrency} batches at once."),
        },
        Trace::ReadThrottled { shard, readers, limit } => {
            format!("A read of {} is throttled: {readers} functions read this DynamoDB stream shard and at most {limit} may.", name(*shard))
        }
        Trace::StateEntered { exec, state, item: Some(i) } => format!("Execution {} enters {} for item {i}.", exec.0, name(*state)),
        Trace::StateEntered { exec, state, item: None } => format!("Execution {} enters {}.", exec.0, name(*state)),
        Trace::StateExited { exec, state, error: None } => format!("Execution {} leaves {}.", exec.0, name(*state)),
        Trace::StateExited { exec, state, error: Some(e) } if e == crate::services::stepfunctions::STOPPED => {
            format!("{} in execution {} is stopped: another branch failed.", name(*state), exec.0)
        }
        Trace::StateExited { exec, state, error: Some(e) } => format!("{} fails in execution {} with {e}.", name(*state), exec.0),
        Trace::Caught { exec, state, error, next, result_path } => format!(
            "A Catch on {} handles {error}: execution {} goes on at {} with the error at {result_path}.",
            name(*state),
            exec.0,
            name(*next)
        ),
        Trace::CallbackReceived { exec, state, callback } => match callback {
            CallbackKind::Heartbeat => format!("The worker sends a heartbeat for {} (execution {}): its HeartbeatSeconds clock starts over.", name(*state), exec.0),
            CallbackKind::Success => format!("The worker calls SendTaskSuccess: {} succeeds (execution {}).", name(*state), exec.0),
            CallbackKind::Failure { error } => format!("The worker calls SendTaskFailure with {error}: {} fails (execution {}).", name(*state), exec.0),
        },
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `#4 (receive 2), #5, #6, … and 7 more`.
fn list_items(items: &[BatchItem], receives: bool) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .take(8)
        .map(|i| {
            if receives && i.delivery > 1 {
                format!("#{} (receive {})", i.event.0, i.delivery)
            } else {
                format!("#{}", i.event.0)
            }
        })
        .collect();
    if items.len() > 8 {
        parts.push(format!("… and {} more", items.len() - 8));
    }
    parts.join(", ")
}

/// What an invocation is, as the trace before event `i` tells it.
#[derive(Clone, Copy)]
enum Origin<'a> {
    /// A batch an event source mapping polled from `from` (a queue or a shard).
    Batch {
        from: NodeId,
        items: &'a [BatchItem],
    },
    /// A Task state's call.
    Task { state: NodeId },
    /// An invoke by a caller, your code or Lambda's event queue.
    Invoke,
}

/// Looks back from `i` to the event that created `inv`: a batch is created by its `BatchPolled`,
/// anything else by its `EventCreated`. The scan ends there, so it is as long as the invocation's
/// life; a scenario without mappings or state machines skips it.
fn origin<'a>(topo: &Topology, trace: &'a [TraceEvent], i: usize, inv: InvocationId) -> Origin<'a> {
    let polls_or_sfn = topo.nodes.iter().any(|n| {
        matches!(
            n.kind,
            NodeKind::EventSourceMapping { .. } | NodeKind::State { .. }
        )
    });
    if !polls_or_sfn {
        return Origin::Invoke;
    }
    for e in trace[..i.min(trace.len())].iter().rev() {
        match &e.kind {
            Trace::BatchPolled {
                batch, from, items, ..
            } if *batch == inv => return Origin::Batch { from: *from, items },
            Trace::EventCreated {
                inv: created,
                source,
                ..
            } if *created == inv => {
                return match topo.node(*source).kind {
                    NodeKind::State { .. } => Origin::Task { state: *source },
                    _ => Origin::Invoke,
                };
            }
            _ => {}
        }
    }
    Origin::Invoke
}

/// Who an attempt is, in the words of its method. Lambda retries only the first kind itself
/// (L-ASYNC-ERR); an SQS batch that failed comes back as a new receive of its messages (L-SQS-ERR),
/// a stream batch is retried whole by Lambda, counted as deliveries (L-RETRIES, L-KIN), and a
/// Task's attempts are its Retry's (SFN-ERR).
fn attempt_subject(topo: &Topology, origin: Origin, inv: InvocationId, attempt: u32) -> String {
    match origin {
        Origin::Invoke => format!("Attempt {attempt} of invocation {}", inv.0),
        Origin::Task { state } if attempt > 1 => {
            format!("Invocation {} from {}, Step Functions' attempt {attempt} (the state's Retry, not Lambda's),", inv.0, topo.node(state).label)
        }
        Origin::Task { state } => format!("Invocation {} from {}", inv.0, topo.node(state).label),
        Origin::Batch { from, items } => {
            let n = items.len();
            if matches!(topo.node(from).kind, NodeKind::Shard { .. }) {
                let delivery = items.iter().map(|i| i.delivery).max().unwrap_or(1);
                let retry = if delivery > 1 {
                    ": Lambda retries a failed stream batch whole"
                } else {
                    ""
                };
                format!(
                    "Invocation {}, a batch of {n} record{} from {} (delivery {delivery}{retry}),",
                    inv.0,
                    plural(n),
                    topo.node(from).label
                )
            } else {
                format!(
                    "Invocation {}, a batch of {n} message{} from {} ({}),",
                    inv.0,
                    plural(n),
                    topo.node(from).label,
                    receives(items)
                )
            }
        }
    }
}

/// `receive 2 of message #7` for the messages that came back; a batch of first receives says so.
fn receives(items: &[BatchItem]) -> String {
    let again: Vec<String> = items
        .iter()
        .filter(|i| i.delivery > 1)
        .take(3)
        .map(|i| format!("receive {} of message #{}", i.delivery, i.event.0))
        .collect();
    let more = items
        .iter()
        .filter(|i| i.delivery > 1)
        .count()
        .saturating_sub(again.len());
    match (items, again.is_empty()) {
        ([one], _) => format!("receive {} of message #{}", one.delivery, one.event.0),
        (_, true) => "each on its first receive".to_string(),
        _ if more > 0 => format!("{} and {more} more received again", again.join(", ")),
        _ => again.join(", "),
    }
}

/// What a new item of a queue, stream or state machine is, for its own sentence.
enum Item<'a> {
    Message,
    Record,
    Execution,
    Task(&'a str),
}

/// Items of queues, streams and state machines get their own sentences; other sources' events
/// (`None`) are "produced".
fn own_item(topo: &Topology, node: NodeId) -> Option<Item<'_>> {
    match &topo.node(node).kind {
        NodeKind::Source { kind, .. } => match kind {
            SourceKind::Sqs => Some(Item::Message),
            SourceKind::Kinesis | SourceKind::DynamodbStreams => Some(Item::Record),
            SourceKind::StepFunctions => Some(Item::Execution),
            SourceKind::ApiGateway
            | SourceKind::Cloudfront
            | SourceKind::Custom
            | SourceKind::S3
            | SourceKind::EventBridge
            | SourceKind::Sns => None,
        },
        NodeKind::State { name, .. } => Some(Item::Task(name)),
        _ => None,
    }
}

/// Whether a screen reader should hear this event.
pub fn salience(e: &TraceEvent) -> Salience {
    match &e.kind {
        Trace::Sent { .. }
        | Trace::Enqueued { .. }
        | Trace::Dequeued { .. }
        | Trace::EnvironmentCreated { .. } => Salience::Minor,
        Trace::Stored { .. }
        | Trace::StateEntered { .. }
        | Trace::StateExited { error: None, .. }
        | Trace::CheckpointAdvanced { .. } => Salience::Minor,
        _ => Salience::Major,
    }
}

/// The whole run as Markdown: the text equivalent of the animation. The title and every sentence
/// (which quotes the scenario's names) go through [`markdown_text`]: an inline scenario from a
/// link is untrusted, and the file may be published through a renderer that passes HTML.
pub fn transcript_markdown(tl: &Timeline, title: &str, seed: u64, upto: Option<SimTime>) -> String {
    let mut out = format!("# {}\n\nSeed {seed}. Times are simulated AWS time.\n\n| time | what happens |\n|---:|---|\n", markdown_text(title));
    for (i, e) in tl.trace.iter().enumerate() {
        if upto.is_some_and(|u| e.at > u) {
            break;
        }
        if salience(e) == Salience::Major {
            out.push_str(&format!(
                "| {} | {} |\n",
                e.at,
                markdown_text(&sentence(&tl.topology, &tl.trace, i))
            ));
        }
    }
    out
}

/// `s` as Markdown inline text (a heading, a table cell, a list item) that renders as exactly
/// these characters and nothing else, in CommonMark and GFM renderers that pass raw HTML through
/// (mdBook, GitHub's preview, most static-site generators).
///
/// * `<`, `>`, `&` become entities, not backslash escapes: entities also work in pre-CommonMark
///   renderers, so no tag, autolink or entity from `s` survives anywhere.
/// * Emphasis, code, link and table characters get a backslash (`[` alone is enough to stop a
///   `[text](javascript:…)` link or an image; `|` would end a table cell; `{` `}` stop kramdown's
///   attribute lists).
/// * A `#` first or last would open or close an ATX heading; line breaks and other control
///   characters become spaces, so a value never starts a block of its own.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let last = s.trim_end().chars().count().saturating_sub(1);
    let first = s.chars().take_while(|c| c.is_whitespace()).count();
    for (i, c) in s.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == first || i == last => out.push_str("\\#"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
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

#[cfg(test)]
mod transcript_tests {
    use super::*;
    use crate::{Run, Scenario};

    /// Every free-text field of this valid scenario is markup (shared with the app's tests and
    /// e2e/hostile.test.mjs).
    const HOSTILE: &str = include_str!("../../../e2e/fixtures/hostile-scenario.toml");

    /// Renders `md` as mdBook does (CommonMark + GFM tables, raw HTML passed through).
    fn render(md: &str) -> String {
        use pulldown_cmark::{html, Options, Parser};
        let mut out = String::new();
        html::push_html(
            &mut out,
            Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
        );
        out
    }

    /// The tags the renderer itself writes for a transcript; any other tag came from the scenario.
    const OWN_TAGS: [&str; 9] = ["h1", "p", "table", "thead", "tbody", "tr", "th", "td", "/"];

    fn foreign_tags(html: &str) -> Vec<String> {
        html.match_indices('<')
            .map(|(i, _)| {
                html[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                    .collect::<String>()
            })
            .filter(|t| {
                !OWN_TAGS
                    .iter()
                    .any(|o| t == o || t.strip_prefix('/') == Some(o))
            })
            .collect()
    }

    #[test]
    fn hostile_scenario_text_renders_as_text() {
        let s = Scenario::parse("hostile.toml", HOSTILE).unwrap();
        let run = Run::new(&s, 1, Vec::new());
        let md = transcript_markdown(run.timeline(), &s.file.title, 1, None);
        // The hostile names reach the transcript (else this test would prove nothing)...
        assert!(
            md.contains("&lt;/td&gt;&lt;img src=x onerror=alert(2)&gt;\\|Err\\`"),
            "{md}"
        );
        assert!(
            md.contains("&lt;iframe srcdoc='&lt;script&gt;alert(3)&lt;/script&gt;'&gt;"),
            "{md}"
        );
        let html = render(&md);
        // ...and the rendered page has no tag, link or image the renderer did not write itself.
        assert_eq!(foreign_tags(&html), Vec::<String>::new(), "{html}");
        assert!(!html.contains("href"), "{html}");
        // Every row is still one row of two cells: `|` in a name did not split a cell.
        let rows = md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| time"))
            .count();
        assert!(rows > 3, "{md}");
        assert_eq!(html.matches("<tr>").count(), rows + 1, "{html}");
        assert_eq!(html.matches("<td").count(), 2 * rows, "{html}");
        // The title reads back exactly, as text.
        assert!(
            html.contains("<h1>&lt;img src=x onerror=alert(1)&gt; | `code` [x](javascript:alert(1)) # &lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
            "{html}"
        );
    }

    #[test]
    fn markdown_text_escapes_structure_but_reads_the_same() {
        for (raw, rendered) in [
            ("# not a heading #", "<p># not a heading #</p>\n"),
            ("a <b>b</b> & c", "<p>a &lt;b&gt;b&lt;/b&gt; &amp; c</p>\n"),
            (
                "[x](javascript:alert(1)) ![i](y)",
                "<p>[x](javascript:alert(1)) ![i](y)</p>\n",
            ),
            (
                "*a* _b_ `c` ~~d~~ \\e {: .x}",
                "<p>*a* _b_ `c` ~~d~~ \\e {: .x}</p>\n",
            ),
            (
                "line\n<script>\n| x |",
                "<p>line &lt;script&gt; | x |</p>\n",
            ),
            (
                "&lt;img&gt; &#60;img&#62;",
                "<p>&amp;lt;img&amp;gt; &amp;#60;img&amp;#62;</p>\n",
            ),
            (
                "<http://x> <javascript:alert(1)>",
                "<p>&lt;http://x&gt; &lt;javascript:alert(1)&gt;</p>\n",
            ),
            (
                "event #3 of order-flow.",
                "<p>event #3 of order-flow.</p>\n",
            ),
        ] {
            assert_eq!(render(&markdown_text(raw)), rendered, "{raw}");
        }
    }
}
