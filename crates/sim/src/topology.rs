//! The boxes of the diagram, derived from a scenario. The core names them and says what they are;
//! the app decides where they go.

use serde::Serialize;

use crate::scenario::{Method, Scenario, Source};
use crate::trace::NodeId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum NodeKind {
    /// Whoever waits on a synchronous front door: an HTTP client, a CloudFront viewer.
    Caller { of_source: usize },
    /// An invoking service (or your code); `kind` is the scenario's source kind.
    Source { index: usize, kind: String, method: Method },
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
    /// An EventBridge target DLQ, for events EventBridge could not deliver.
    EventBridgeDlq { of_source: usize },
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
    /// Per source index: its EventBridge target DLQ node.
    pub eventbridge_dlqs: Vec<Option<NodeId>>,
}

impl Topology {
    pub fn of(s: &Scenario) -> Topology {
        let f = &s.file;
        let mut nodes: Vec<Node> = Vec::new();
        let mut add = |key: String, label: String, detail: String, kind: NodeKind| -> NodeId {
            let id = NodeId(nodes.len() as u32);
            nodes.push(Node { id, key, label, detail, kind });
            id
        };
        let mut sources = Vec::new();
        let mut eb_dlqs = Vec::new();
        let mut pending_eb_dlq = Vec::new();
        for (i, src) in f.sources.iter().enumerate() {
            let caller = match src {
                Source::ApiGateway { .. } => Some(add(format!("caller:{}", src.id()), "Client".into(), "HTTP client".into(), NodeKind::Caller { of_source: i })),
                Source::Cloudfront { .. } => Some(add(format!("caller:{}", src.id()), "Viewer".into(), "browser".into(), NodeKind::Caller { of_source: i })),
                _ => None,
            };
            let detail = match src {
                Source::ApiGateway { api_type, .. } => format!("{} API", format!("{api_type:?}").to_uppercase()),
                Source::Cloudfront { trigger, .. } => format!("Lambda@Edge, {}", trigger.label()),
                Source::Custom { invocation_type, .. } => format!("Invoke, {invocation_type:?}"),
                Source::S3 { bucket, .. } => format!("bucket {bucket}"),
                Source::Sns { topic, .. } => format!("topic {topic}"),
                Source::EventBridge { bus, .. } => format!("bus {bus}"),
            };
            let node = add(
                format!("source:{}", src.id()),
                src.label().into(),
                detail,
                NodeKind::Source { index: i, kind: src.kind_name().into(), method: src.method() },
            );
            sources.push((node, caller));
            if let Source::EventBridge { dead_letter_queue: Some(q), .. } = src {
                pending_eb_dlq.push((i, q.clone()));
            }
            eb_dlqs.push(None);
        }
        let any_async = f.sources.iter().any(|s| s.method() == Method::Asynchronous);
        let queue = any_async.then(|| add("queue".into(), "Event queue".into(), "Lambda's internal queue".into(), NodeKind::EventQueue));
        let function = add("function".into(), f.function.name.clone(), "Lambda function".into(), NodeKind::Function);
        let dest = |d: &crate::scenario::Destination| format!("{}: {}", d.kind.label(), d.name);
        let on_success = f.async_config.on_success.as_ref().filter(|_| any_async).map(|d| add("on_success".into(), "On success".into(), dest(d), NodeKind::OnSuccess));
        let on_failure = f.async_config.on_failure.as_ref().filter(|_| any_async).map(|d| add("on_failure".into(), "On failure".into(), dest(d), NodeKind::OnFailure));
        let dlq = f.async_config.dead_letter_queue.as_ref().filter(|_| any_async).map(|d| add("dlq".into(), "Dead-letter queue".into(), dest(d), NodeKind::DeadLetterQueue));
        for (i, q) in pending_eb_dlq {
            eb_dlqs[i] = Some(add(format!("eb_dlq:{}", f.sources[i].id()), "Target DLQ".into(), format!("SQS queue: {q}"), NodeKind::EventBridgeDlq { of_source: i }));
        }
        let mut edges = Vec::new();
        for (i, src) in f.sources.iter().enumerate() {
            let (node, caller) = sources[i];
            if let Some(c) = caller {
                edges.push((c, node));
            }
            match src.method() {
                Method::Synchronous => edges.push((node, function)),
                _ => {
                    if let Some(q) = queue {
                        edges.push((node, q));
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
        Topology { nodes, edges, function, queue, sources, on_success, on_failure, dlq, eventbridge_dlqs: eb_dlqs }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }
    pub fn by_key(&self, key: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key == key)
    }
}
