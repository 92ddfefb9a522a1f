//! The ten kinds of source lambdascope covers, each with its invocation method and a plain
//! explanation — what the catalog strip and the side panel say. Text only: no behaviour lives
//! here (the core decides what happens; this says in words what it models, citing the fact sheet
//! rows the core implements).

use lambdascope_sim::topology::{NodeKind, Topology};
use lambdascope_sim::{Method, SourceKind};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Service {
    /// The kind it describes (its invocation methods are `kind.methods()`).
    pub kind: SourceKind,
    pub name: &'static str,
    pub what: &'static str,
    pub invokes: &'static str,
    pub on_error: &'static str,
}

/// Every kind's entry, in [`SourceKind::ALL`]'s order (the catalog strip's).
pub fn services() -> impl Iterator<Item = &'static Service> {
    SourceKind::ALL.iter().map(|k| service(*k))
}

/// What the catalog says about a kind of source.
pub fn service(kind: SourceKind) -> &'static Service {
    match kind {
        SourceKind::ApiGateway => &Service {
            kind: SourceKind::ApiGateway,
            name: "API Gateway",
            what: "The HTTP front door (REST, HTTP and WebSocket APIs).",
            invokes: "Synchronously: the client waits while API Gateway invokes the function and waits for its answer, up to the integration timeout (29 s for REST by default; HTTP APIs at most 30 s).",
            on_error: "No retries, by API Gateway or Lambda. The client sees 502 when the function throws, 500 when Lambda throttles, 504 when the integration times out — and the function keeps running after a 504.",
        },
        SourceKind::Cloudfront => &Service {
            kind: SourceKind::Cloudfront,
            name: "CloudFront",
            what: "The CDN; Lambda@Edge functions run on viewer or origin requests and responses.",
            invokes: "Synchronously, in the request path: the viewer waits. Viewer triggers have 5 s, origin triggers 30 s.",
            on_error: "No retries. The viewer gets 503 when the function throws (Lambda execution error), is throttled or times out (Lambda limit exceeded), and 502 when its generated response is invalid or over the size limit (Lambda validation error).",
        },
        SourceKind::Custom => &Service {
            kind: SourceKind::Custom,
            name: "Your code (SDK)",
            what: "Your own program calling the Invoke API through an AWS SDK or the CLI.",
            invokes: "You choose: RequestResponse (synchronous: you wait for the result) or Event (asynchronous: 202 at once, Lambda queues the event).",
            on_error: "Synchronous: Lambda never retries; the SDK retries throttles (3 attempts in all) but not function errors, and a client read timeout re-sends — the handler can run twice. Event: Lambda's asynchronous retries apply.",
        },
        SourceKind::S3 => &Service {
            kind: SourceKind::S3,
            name: "S3",
            what: "Object storage; an upload or delete emits an event notification.",
            invokes: "Asynchronously: S3 hands the event to Lambda's internal queue and gets 202; it does not wait for the function.",
            on_error: "Lambda retries a failing event twice (about 1 min, then 2 min later), then sends it to the DLQ or on-failure destination, or drops it. Notifications are at-least-once: sometimes twice.",
        },
        SourceKind::EventBridge => &Service {
            kind: SourceKind::EventBridge,
            name: "EventBridge",
            what: "An event bus; a rule matches events and sends them to targets.",
            invokes: "Asynchronously, through Lambda's internal queue.",
            on_error: "EventBridge retries only delivery failures (up to 185 times or 24 h) and has its own target DLQ for those; function errors are Lambda's asynchronous retries.",
        },
        SourceKind::Sns => &Service {
            kind: SourceKind::Sns,
            name: "SNS",
            what: "A pub/sub topic fanning a message out to subscribers.",
            invokes: "Asynchronously, through Lambda's internal queue.",
            on_error: "SNS retries only while Lambda cannot be reached; once Lambda has the event, function errors are Lambda's asynchronous retries (twice, then DLQ or destination).",
        },
        SourceKind::Sqs => &Service {
            kind: SourceKind::Sqs,
            name: "SQS",
            what: "A message queue (standard or FIFO).",
            invokes: "By polling: Lambda's event source mapping receives batches and invokes the function synchronously with each batch.",
            on_error: "The whole batch becomes visible again after the visibility timeout; after max receive count SQS (not Lambda) moves a message to the queue's own DLQ. Partial batch responses return only the failed messages.",
        },
        SourceKind::DynamodbStreams => &Service {
            kind: SourceKind::DynamodbStreams,
            name: "DynamoDB Streams",
            what: "The change log of a DynamoDB table, in shards.",
            invokes: "By polling each shard about four times a second; each batch, from one shard, is one synchronous invocation.",
            on_error: "The batch is retried and its shard blocked until it succeeds, runs out of retries or the records expire (24 h); bisecting the batch isolates a bad record.",
        },
        SourceKind::Kinesis => &Service {
            kind: SourceKind::Kinesis,
            name: "Kinesis",
            what: "A data stream of records in shards, ordered per partition key.",
            invokes: "By polling each shard about once a second; each batch is one synchronous invocation (more per shard with a parallelization factor).",
            on_error: "The failing batch is retried while its shard is blocked — by default until the records expire. Other shards keep flowing; IteratorAge grows.",
        },
        SourceKind::StepFunctions => &Service {
            kind: SourceKind::StepFunctions,
            name: "Step Functions",
            what: "A state machine calling the function from Task states, in sequence, Parallel or Map.",
            invokes: "Synchronously (lambda:invoke): the Task waits for the result.",
            on_error: "No retry unless the state has a Retry field (interval, max attempts, backoff); then a Catch can route the error. A timeout surfaces as Lambda.Unknown, a throttle as Lambda.TooManyRequestsException.",
        },
    }
}

/// CSS modifier and short label for a method (colour, pattern and shape are in the CSS/SVG).
pub fn method_class(m: Method) -> &'static str {
    match m {
        Method::Synchronous => "ls-m-sync",
        Method::Asynchronous => "ls-m-async",
        Method::Polling => "ls-m-poll",
    }
}
pub fn method_short(m: Method) -> &'static str {
    match m {
        Method::Synchronous => "SYNC",
        Method::Asynchronous => "ASYNC",
        Method::Polling => "POLL",
    }
}
pub fn method_blurb(m: Method) -> &'static str {
    match m {
        Method::Synchronous => "Synchronous: the caller waits for the function's answer; Lambda never retries.",
        Method::Asynchronous => "Asynchronous: Lambda queues the event, answers 202 at once, and retries failures itself.",
        Method::Polling => "Polling: Lambda's pollers read batches from a queue or stream and invoke the function with each.",
    }
}

/// What happens to a failing asynchronous event under these settings (L-ASYNC-ERR, L-ASYNC-CFG):
/// the event queue's "On error" text, computed from the scenario rather than fixed (issue 11:
/// with `maximum_retry_attempts = 0` the panel still said "retried twice").
pub fn async_on_error(a: &lambdascope_sim::scenario::AsyncConfig) -> String {
    let delay = |i: usize| {
        a.retry_delays_s
            .get(i)
            .map(|s| lambdascope_sim::time::format_duration_ms(s * 1000))
            .unwrap_or_else(|| "a while".into())
    };
    let retries = match a.maximum_retry_attempts {
        0 => "is not retried (maximum_retry_attempts 0)".to_string(),
        1 => format!(
            "is retried once, about {} later (maximum_retry_attempts 1)",
            delay(0)
        ),
        n => format!(
            "is retried {}, about {} and then {} later (maximum_retry_attempts {n})",
            if n == 2 {
                "twice".to_string()
            } else {
                format!("{n} times")
            },
            delay(0),
            delay(1)
        ),
    };
    let target = match (&a.dead_letter_queue, &a.on_failure) {
        (Some(_), Some(_)) => "goes to the on-failure destination and the DLQ",
        (None, Some(_)) => "goes to the on-failure destination",
        (Some(_), None) => "goes to the DLQ",
        (None, None) => "is dropped (no DLQ or on-failure destination is set)",
    };
    format!(
        "A function error {retries}; throttles go back with a backoff from {} to {} and do not use \
         up a retry. After the {} or once older than the maximum event age ({}), the event {target}.",
        lambdascope_sim::time::format_duration_ms(a.throttle_backoff_initial_ms),
        lambdascope_sim::time::format_duration_ms(a.throttle_backoff_max_ms),
        if a.maximum_retry_attempts == 0 { "first attempt" } else { "last retry" },
        lambdascope_sim::time::format_duration_ms(u64::from(a.maximum_event_age_s) * 1000),
    )
}

/// What a box of the diagram is, for the side panel: (title, what it is, how it invokes / what
/// it does, what happens on error).
pub fn describe(kind: &NodeKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        NodeKind::Source { kind, .. } => {
            let s = service(*kind);
            (s.name, s.what, s.invokes, s.on_error)
        }
        NodeKind::Caller { .. } => (
            "Caller",
            "Whoever waits on a synchronous front door: an HTTP client or a browser.",
            "Sends a request and waits for the answer; the badge shows the last status it received.",
            "It sees the status API Gateway or CloudFront maps the error to; retrying is up to it.",
        ),
        NodeKind::EventQueue => (
            "Lambda's event queue",
            "The internal queue of asynchronous invocation: events wait here for the function, and failed events wait here for their retry.",
            "A poller hands each event to the function; the countdowns are events waiting for their retry.",
            "A function error is retried twice (about 1 and 2 minutes later, maximum_retry_attempts 0–2); throttles go back with a backoff from 1 s to 5 min and do not use up a retry; after the retries or maximum event age the event goes to the DLQ / on-failure destination, or is dropped.",
        ),
        NodeKind::Function => (
            "The Lambda function",
            "Your handler, running in execution environments: each environment initialises once (a cold start), then runs one request at a time and stays warm for the next.",
            "Busy environments count against the concurrency limit (reserved concurrency, or the account's 1,000); new ones are created at most 1,000 per 10 s.",
            "When no concurrency is left Lambda throttles (429) and the handler does not run; a run past the timeout is stopped.",
        ),
        NodeKind::OnSuccess => (
            "On-success destination",
            "Receives an invocation record (request and response) when an asynchronous invocation succeeds.",
            "Standard SQS queue, SNS topic, Lambda function or EventBridge bus.",
            "A record that cannot be delivered is lost (DestinationDeliveryFailures).",
        ),
        NodeKind::OnFailure => (
            "On-failure destination",
            "Receives an invocation record when an asynchronous event fails all its attempts or grows too old.",
            "Standard SQS queue, SNS topic, Lambda function, EventBridge bus or S3 bucket; the record says why (RetriesExhausted, EventAgeExceeded) and how many times the handler ran.",
            "A record that cannot be delivered is lost.",
        ),
        NodeKind::DeadLetterQueue => (
            "Dead-letter queue",
            "The legacy alternative to an on-failure destination: receives the original event (not a record) after the last failed attempt.",
            "A standard SQS queue or SNS topic set on the function.",
            "If writing to the DLQ fails, the event is deleted.",
        ),
        NodeKind::DeliveryDlq { .. } => (
            "EventBridge target DLQ",
            "EventBridge's own SQS queue for events it could not deliver to Lambda at all.",
            "Receives events only after EventBridge's delivery retries run out (185 tries or 24 h).",
            "Function errors never land here: those are Lambda's asynchronous retries.",
        ),
        NodeKind::EventSourceMapping { .. } => (
            "Event source mapping",
            "Lambda's pollers for a queue or stream: Lambda, not the source, reads the records.",
            "Each poll takes a batch (up to the batch size, or what the batching window collects) and invokes the function synchronously with it. SQS mappings scale from 5 concurrent batches by up to 300 a minute; a stream runs one batch per shard at a time (more with a parallelization factor).",
            "SQS: a failed batch becomes visible again after the visibility timeout (partial batch responses return only the failed messages). Streams: the batch is retried whole and its shard is blocked until it succeeds, runs out of retries, grows too old or expires; bisecting splits it without using up retries.",
        ),
        NodeKind::Shard { .. } => (
            "Shard",
            "One shard of the stream: records in order, per partition key.",
            "The mapping reads it in order; the checkpoint moves past records once their batch succeeds.",
            "A failed batch blocks its shard: newer records wait and IteratorAge grows, while other shards keep flowing.",
        ),
        NodeKind::QueueDlq { .. } => (
            "The queue's dead-letter queue",
            "An SQS queue fed by the source queue's redrive policy.",
            "SQS (not Lambda) moves a message here once it has been received max_receive_count times without being deleted.",
            "Lambda's destinations do not apply to SQS mappings: this queue is where poison messages end up.",
        ),
        NodeKind::MappingOnFailure { .. } => (
            "Mapping on-failure destination",
            "Where a stream mapping reports records it gave up on.",
            "SQS and SNS get a record describing the discarded batch (shard, sequence numbers, why), not the records; S3 also gets the payload.",
            "After this the records are skipped and the shard moves on.",
        ),
        NodeKind::State { .. } => (
            "State machine state",
            "A state of the Step Functions state machine (Task, Parallel, Map, ...).",
            "A Task state invokes the function synchronously and waits for its result; Parallel and Map run branches or iterations at once.",
            "Without a Retry field there is no retry; a Catch routes the error to another state; otherwise the execution fails. A Parallel fails fast, but invocations already started keep running.",
        ),
        NodeKind::TaskTokenWorker { .. } => (
            "Task-token worker",
            "The worker that receives a .waitForTaskToken task token.",
            "It calls Step Functions back with success or failure, and heartbeats to keep the task alive.",
            "A missed heartbeat or the task timeout fails the task (States.HeartbeatTimeout / States.Timeout).",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_queues_on_error_text_follows_the_scenario() {
        let mut a = lambdascope_sim::scenario::AsyncConfig::default();
        let text = async_on_error(&a);
        assert!(
            text.contains("retried twice, about 1 min 00 s and then 2 min 00 s later"),
            "{text}"
        );
        assert!(text.contains("is dropped"), "{text}");
        a.maximum_retry_attempts = 0;
        a.dead_letter_queue =
            a.on_failure
                .clone()
                .or(Some(lambdascope_sim::scenario::Destination {
                    kind: lambdascope_sim::scenario::DestinationKind::Sqs,
                    name: "dlq".into(),
                    fifo: false,
                }));
        let text = async_on_error(&a);
        assert!(
            text.contains("is not retried (maximum_retry_attempts 0)"),
            "{text}"
        );
        assert!(!text.contains("twice"), "{text}");
        assert!(text.contains("After the first attempt"), "{text}");
        assert!(text.contains("goes to the DLQ"), "{text}");
    }

    #[test]
    fn ten_distinct_services_covering_all_three_methods() {
        let mut names: Vec<&str> = services().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 10);
        for m in [Method::Synchronous, Method::Asynchronous, Method::Polling] {
            assert!(services().any(|s| s.kind.methods().contains(&m)), "{m:?}");
        }
        for s in services() {
            assert!(
                !s.what.is_empty() && !s.invokes.is_empty() && !s.on_error.is_empty(),
                "{:?}",
                s.kind
            );
        }
    }
}

/// The invocation method a box belongs to, for colour and the method filter: callers and
/// sources their own; the event queue and the asynchronous destinations asynchronous; the
/// function none (every method reaches it).
pub fn node_method(topo: &Topology, kind: &NodeKind) -> Option<Method> {
    match kind {
        NodeKind::Caller { of_source } => topo.nodes.iter().find_map(|n| match &n.kind {
            NodeKind::Source { index, method, .. } if index == of_source => Some(*method),
            _ => None,
        }),
        NodeKind::Source { method, .. } => Some(*method),
        NodeKind::EventQueue
        | NodeKind::OnSuccess
        | NodeKind::OnFailure
        | NodeKind::DeadLetterQueue
        | NodeKind::DeliveryDlq { .. } => Some(Method::Asynchronous),
        NodeKind::EventSourceMapping { .. }
        | NodeKind::Shard { .. }
        | NodeKind::QueueDlq { .. }
        | NodeKind::MappingOnFailure { .. } => Some(Method::Polling),
        NodeKind::State { .. } | NodeKind::TaskTokenWorker { .. } => Some(Method::Synchronous),
        NodeKind::Function => None,
    }
}

#[cfg(test)]
mod method_tests {
    use super::*;
    use lambdascope_sim::Scenario;

    #[test]
    fn callers_take_their_sources_method_and_the_function_has_none() {
        let text = "format_version = 1\nid = \"m\"\ntitle = \"m\"\n[[sources]]\nkind = \"api_gateway\"\nid = \"api\"\n[[sources]]\nkind = \"sns\"\nid = \"t\"\n";
        let topo = Topology::of(&Scenario::parse("m.toml", text).unwrap());
        let m = |key: &str| node_method(&topo, &topo.by_key(key).unwrap().kind);
        assert_eq!(m("caller:api"), Some(Method::Synchronous));
        assert_eq!(m("source:t"), Some(Method::Asynchronous));
        assert_eq!(m("queue"), Some(Method::Asynchronous));
        assert_eq!(m("function"), None);
    }
}
