//! The boxes of the diagram, derived from a scenario. The core names them and says what they are;
//! the app decides where they go.

use serde::Serialize;

use crate::scenario::{InvocationType, Method, Scenario, Source};
use crate::source_kind::SourceKind;
use crate::trace::NodeId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum NodeKind {
    /// Whoever waits on a synchronous front door: an HTTP client, a CloudFront viewer.
    Caller { of_source: usize },
    /// An invoking service (or your code).
    Source {
        index: usize,
        kind: SourceKind,
        method: Method,
    },
    /// Lambda's internal event queue for asynchronous invocation (L-ASYNC).
    EventQueue,
    /// The function and its execution environments.
    Function,
    /// On-success destination.
    OnSuccess,
    /// On-failure destination.
    OnFailure,
    /// The function's dead-letter queue.
    DeadLetterQueue,
    /// A source's own dead-letter queue for events it could not deliver to Lambda: an
    /// EventBridge target DLQ (EB-RETRY) or an SNS subscription's redrive DLQ (SNS-RETRY).
    DeliveryDlq { of_source: usize },
    /// Lambda's event source mapping (its pollers) for a queue or stream source (L-ESM).
    EventSourceMapping { of_source: usize },
    /// One shard of a Kinesis or DynamoDB stream.
    Shard { of_source: usize, shard: u32 },
    /// An SQS queue's own dead-letter queue, fed by its redrive policy (L-SQS-CFG).
    QueueDlq { of_source: usize },
    /// A stream mapping's on-failure destination (L-KIN-FAIL).
    MappingOnFailure { of_source: usize },
    /// A state of a Step Functions state machine; `state_type` is its ASL type (`Task`, `Map`...).
    State {
        of_source: usize,
        name: String,
        state_type: String,
    },
    /// The worker that holds a `.waitForTaskToken` task token and calls Step Functions back.
    TaskTokenWorker { of_source: usize },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub id: NodeId,
    /// Stable key for CSS, tests and URLs, e.g. `source:api`, `function`, `queue`.
    pub key: String,
    pub label: String,
    /// Second line: `REST API`, `uploads`, `SQS: failed-orders`...
    pub detail: String,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topology {
    pub nodes: Vec<Node>,
    /// Edges that messages can travel, as (from, to) pairs, for drawing the arrows.
    pub edges: Vec<(NodeId, NodeId)>,
    pub function: NodeId,
    pub queue: Option<NodeId>,
    /// Per source index: (source node, caller node if the source has a separate caller).
    pub sources: Vec<(NodeId, Option<NodeId>)>,
    pub on_success: Option<NodeId>,
    pub on_failure: Option<NodeId>,
    pub dlq: Option<NodeId>,
    /// Per source index: its own DLQ for delivery failures (EventBridge target, SNS subscription).
    pub delivery_dlqs: Vec<Option<NodeId>>,
    /// Per source index: its event source mapping node (queues and streams).
    pub pollers: Vec<Option<NodeId>>,
    /// Per source index: its shard nodes (streams), in shard order.
    pub shards: Vec<Vec<NodeId>>,
    /// Per source index: the queue's redrive dead-letter queue (SQS).
    pub source_dlqs: Vec<Option<NodeId>>,
    /// Per source index: the stream mapping's on-failure destination.
    pub esm_on_failure: Vec<Option<NodeId>>,
    /// Per source index: its state nodes (Step Functions), in definition order.
    pub states: Vec<Vec<NodeId>>,
    /// Per source index: its task-token worker (Step Functions with `.waitForTaskToken`).
    pub task_token_workers: Vec<Option<NodeId>>,
    /// The account's scaling rate (`account.scaling_rate_per_10s`, L-SCALING): with the trace's
    /// `EnvironmentCreated` events it gives the scene the budget left at any instant.
    pub scaling_rate_per_10s: u32,
}

impl Topology {
    pub fn of(s: &Scenario) -> Topology {
        let f = &s.file;
        let mut nodes: Vec<Node> = Vec::new();
        let mut add = |key: String, label: String, detail: String, kind: NodeKind| -> NodeId {
            let id = NodeId(nodes.len() as u32);
            nodes.push(Node {
                id,
                key,
                label,
                detail,
                kind,
            });
            id
        };
        let mut sources = Vec::new();
        let mut eb_dlqs = Vec::new();
        let mut pending_eb_dlq = Vec::new();
        for (i, src) in f.sources.iter().enumerate() {
            let caller = match src {
                Source::ApiGateway(_) => Some(add(
                    format!("caller:{}", src.id()),
                    "Client".into(),
                    "HTTP client".into(),
                    NodeKind::Caller { of_source: i },
                )),
                Source::Cloudfront(_) => Some(add(
                    format!("caller:{}", src.id()),
                    "Viewer".into(),
                    "browser".into(),
                    NodeKind::Caller { of_source: i },
                )),
                _ => None,
            };
            let detail = match src {
                Source::ApiGateway(a) => {
                    format!("{} API", a.api_type.word().to_ascii_uppercase())
                }
                Source::Cloudfront(c) => format!("Lambda@Edge, {}", c.trigger.label()),
                Source::Custom(c) => format!(
                    "Invoke, {}",
                    match c.invocation_type {
                        InvocationType::RequestResponse => "RequestResponse",
                        InvocationType::Event => "Event",
                    }
                ),
                Source::S3(s3) => format!("bucket {}", s3.bucket),
                Source::Sns(sns) => format!("topic {}", sns.topic),
                Source::EventBridge(eb) => format!("bus {}", eb.bus),
                Source::Sqs(q) if q.fifo => format!("FIFO queue {}", q.queue),
                Source::Sqs(q) => format!("queue {}", q.queue),
                Source::Kinesis(k) => format!(
                    "stream {}, {} shard{}",
                    k.stream,
                    k.shards,
                    if k.shards == 1 { "" } else { "s" }
                ),
                Source::DynamodbStreams(d) => format!(
                    "table {}, {} shard{}",
                    d.table,
                    d.shards,
                    if d.shards == 1 { "" } else { "s" }
                ),
                Source::StepFunctions(m) => format!("state machine {}", m.state_machine),
            };
            let node = add(
                format!("source:{}", src.id()),
                src.kind().label().into(),
                detail,
                NodeKind::Source {
                    index: i,
                    kind: src.kind(),
                    method: src.method(),
                },
            );
            sources.push((node, caller));
            match src {
                Source::EventBridge(eb) => {
                    if let Some(q) = &eb.dead_letter_queue {
                        pending_eb_dlq.push((i, "eb_dlq", "Target DLQ", q.clone()));
                    }
                }
                Source::Sns(sns) => {
                    if let Some(q) = &sns.dead_letter_queue {
                        pending_eb_dlq.push((i, "sns_dlq", "Subscription DLQ", q.clone()));
                    }
                }
                _ => {}
            }
            eb_dlqs.push(None);
        }
        let any_async = f.sources.iter().any(|s| s.method() == Method::Asynchronous);
        let queue = any_async.then(|| {
            add(
                "queue".into(),
                "Event queue".into(),
                "Lambda's internal queue".into(),
                NodeKind::EventQueue,
            )
        });
        let function = add(
            "function".into(),
            f.function.name.clone(),
            "Lambda function".into(),
            NodeKind::Function,
        );
        let dest = |d: &crate::scenario::Destination| format!("{}: {}", d.kind.label(), d.name);
        let on_success = f
            .async_config
            .on_success
            .as_ref()
            .filter(|_| any_async)
            .map(|d| {
                add(
                    "on_success".into(),
                    "On success".into(),
                    dest(d),
                    NodeKind::OnSuccess,
                )
            });
        let on_failure = f
            .async_config
            .on_failure
            .as_ref()
            .filter(|_| any_async)
            .map(|d| {
                add(
                    "on_failure".into(),
                    "On failure".into(),
                    dest(d),
                    NodeKind::OnFailure,
                )
            });
        let dlq = f
            .async_config
            .dead_letter_queue
            .as_ref()
            .filter(|_| any_async)
            .map(|d| {
                add(
                    "dlq".into(),
                    "Dead-letter queue".into(),
                    dest(d),
                    NodeKind::DeadLetterQueue,
                )
            });
        for (i, prefix, label, q) in pending_eb_dlq {
            eb_dlqs[i] = Some(add(
                format!("{prefix}:{}", f.sources[i].id()),
                label.into(),
                format!("SQS queue: {q}"),
                NodeKind::DeliveryDlq { of_source: i },
            ));
        }
        // Polling sources: shards, the mapping, the queue's DLQ or the mapping's on-failure
        // destination. Step Functions: one box per state, and the task-token worker.
        let n = f.sources.len();
        let (mut pollers, mut shards, mut source_dlqs, mut esm_on_failure, mut states, mut workers) = (
            vec![None; n],
            vec![Vec::new(); n],
            vec![None; n],
            vec![None; n],
            vec![Vec::new(); n],
            vec![None; n],
        );
        for (i, src) in f.sources.iter().enumerate() {
            let id = src.id();
            let mapping = |detail: String| {
                (
                    format!("esm:{id}"),
                    "Event source mapping".to_string(),
                    detail,
                    NodeKind::EventSourceMapping { of_source: i },
                )
            };
            match src {
                Source::Sqs(q) => {
                    let (k, l, d, kind) = mapping(format!(
                        "batch {}, window {} s",
                        q.batch_size, q.maximum_batching_window_s
                    ));
                    pollers[i] = Some(add(k, l, d, kind));
                    if let Some(dlq) = &q.dead_letter_queue {
                        source_dlqs[i] = Some(add(
                            format!("dlq:{id}"),
                            "Queue DLQ".into(),
                            format!("SQS queue: {dlq}"),
                            NodeKind::QueueDlq { of_source: i },
                        ));
                    }
                }
                Source::Kinesis(_) | Source::DynamodbStreams(_) => {
                    let (count, batch, on_failure) = match src {
                        Source::Kinesis(k) => (k.shards, k.batch_size, &k.on_failure),
                        Source::DynamodbStreams(d) => (d.shards, d.batch_size, &d.on_failure),
                        _ => unreachable!(),
                    };
                    for s in 0..count {
                        shards[i].push(add(
                            format!("shard:{id}:{s}"),
                            format!("Shard {s}"),
                            format!("shardId-{s:012}"),
                            NodeKind::Shard {
                                of_source: i,
                                shard: s,
                            },
                        ));
                    }
                    let (k, l, d, kind) = mapping(format!("batch {batch}"));
                    pollers[i] = Some(add(k, l, d, kind));
                    if let Some(d) = on_failure {
                        esm_on_failure[i] = Some(add(
                            format!("on_failure:{id}"),
                            "On failure".into(),
                            dest(d),
                            NodeKind::MappingOnFailure { of_source: i },
                        ));
                    }
                }
                Source::StepFunctions(m) => {
                    for s in &m.states {
                        let key = format!("state:{id}:{}", s.name());
                        let kind = NodeKind::State {
                            of_source: i,
                            name: s.name().into(),
                            state_type: s.type_name().into(),
                        };
                        states[i].push(add(key, s.name().into(), s.type_name().into(), kind));
                    }
                    if m.states.iter().any(|s| matches!(s, crate::scenario::StateDef::Task(t) if t.waits_for_task_token())) {
                        workers[i] = Some(add(format!("worker:{id}"), "Task-token worker".into(), "calls SendTask*".into(), NodeKind::TaskTokenWorker { of_source: i }));
                    }
                }
                _ => {}
            }
        }
        let mut edges = Vec::new();
        for (i, src) in f.sources.iter().enumerate() {
            let (node, caller) = sources[i];
            if let Some(c) = caller {
                edges.push((c, node));
            }
            match src {
                // A state machine calls the function from its Task states (edges below).
                Source::StepFunctions(_) => {}
                _ if src.method() == Method::Synchronous => edges.push((node, function)),
                _ if src.method() == Method::Asynchronous => {
                    if let Some(q) = queue {
                        edges.push((node, q));
                    }
                }
                _ => {}
            }
            for s in &shards[i] {
                edges.push((node, *s));
            }
            if let Some(esm) = pollers[i] {
                match shards[i].is_empty() {
                    true => edges.push((node, esm)),
                    false => edges.extend(shards[i].iter().map(|s| (*s, esm))),
                }
                edges.push((esm, function));
            }
            if let Some(d) = source_dlqs[i] {
                edges.push((node, d));
            }
            if let (Some(esm), Some(d)) = (pollers[i], esm_on_failure[i]) {
                edges.push((esm, d));
            }
            if let Source::StepFunctions(m) = src {
                let index = m.index();
                let at = |name: &str| states[i][index[name]];
                edges.push((node, at(&m.start_at)));
                for (j, s) in m.states.iter().enumerate() {
                    let here = states[i][j];
                    if let Some((Some(next), _)) = s.transition() {
                        edges.push((here, at(next)));
                    }
                    for c in s.catchers() {
                        edges.push((here, at(&c.next)));
                    }
                    for root in s.scope_roots() {
                        edges.push((here, at(root)));
                    }
                    if let crate::scenario::StateDef::Task(t) = s {
                        edges.push((here, function));
                        if let (true, Some(w)) = (t.waits_for_task_token(), workers[i]) {
                            edges.push((function, w));
                            edges.push((w, here));
                        }
                    }
                }
            }
            if let Some(d) = eb_dlqs[i] {
                edges.push((node, d));
            }
        }
        if let Some(q) = queue {
            edges.push((q, function));
            for d in [dlq, on_failure].into_iter().flatten() {
                edges.push((q, d));
            }
        }
        if let Some(d) = on_success {
            edges.push((function, d));
        }
        edges.dedup();
        Topology {
            nodes,
            edges,
            function,
            queue,
            sources,
            on_success,
            on_failure,
            dlq,
            delivery_dlqs: eb_dlqs,
            pollers,
            shards,
            source_dlqs,
            esm_on_failure,
            states,
            task_token_workers: workers,
            scaling_rate_per_10s: f.account.scaling_rate_per_10s,
        }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }
    pub fn by_key(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }
}
