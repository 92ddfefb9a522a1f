//! From a template to scenarios: one per Lambda function, holding every way the template invokes
//! it (SAM events, event source mappings, subscriptions, rules, notifications, API integrations,
//! CloudFront associations, state machines) and every failure setting it gives (timeouts,
//! concurrency, async retries and destinations, queue redrive, stream retries, target retry
//! policies). Each value is written with a comment naming the logical id, property and line it
//! came from; what cannot be expressed or resolved is a [`Note`] with its line, never a guess.
//!
//! A template has no traffic, so the importer adds a default workload that exercises failure:
//! per source a short burst in which one event is poison (fails every attempt) and, for queues
//! and streams, one more fails once; a state machine's first task of this function keeps failing
//! so its Retry and Catch are seen. The horizon is long enough for those failures to play out.

use lambdascope_sim::{Scenario, ScenarioErrors};

use crate::doc::{inline, to_text, Section};
use crate::intrinsic::{Note, Resolver, Val};
use crate::yaml::{read, shown, Node, ReadError};

mod sfn;

/// CloudFormation allows 500 resources per stack; nothing larger is read.
pub const MAX_RESOURCES: usize = 500;
/// A run covers at most 8 days (the core's `horizon_s` limit).
const MAX_HORIZON_MS: u64 = 8 * 86_400_000;

pub const SAM_FUNCTION: &str = "AWS::Serverless::Function";
pub const LAMBDA_FUNCTION: &str = "AWS::Lambda::Function";

/// One function's scenario.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The function's logical id.
    pub function: String,
    pub line: u32,
    /// The scenario, as TOML text with comments.
    pub text: String,
    /// The text read back by the core: a scenario, or AWS's reasons it would be refused.
    pub scenario: Result<Scenario, ScenarioErrors>,
    /// What was not mapped, or mapped by an assumption, for this function.
    pub notes: Vec<Note>,
    /// Where each name the scenario uses (function, source ids, queues, streams) comes from.
    pub origins: Vec<Origin>,
}

/// A name in the scenario and the template's logical id (and line) it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub name: String,
    pub logical: String,
    pub line: u32,
}

impl Imported {
    /// `logical id (line N)` for a name the scenario uses, or the name itself.
    pub fn origin_of(&self, name: &str) -> String {
        match self.origins.iter().find(|o| o.name == name) {
            Some(o) => format!("{} (line {})", o.logical, o.line),
            None => name.to_string(),
        }
    }
}

/// Where a source is declared: its owner (logical id and path), what it is, and the line.
struct Head {
    owner: String,
    what: String,
    line: u32,
}

fn head(owner: &str, what: &str, line: u32) -> Head {
    Head {
        owner: owner.to_string(),
        what: what.to_string(),
        line,
    }
}

#[derive(Clone, Debug)]
pub struct Import {
    pub functions: Vec<Imported>,
    /// About the template as a whole (resource types not read, transforms, skipped resources).
    pub notes: Vec<Note>,
}

/// One resource of the template (after its `Condition`).
struct Res<'t> {
    id: &'t str,
    ty: &'t str,
    line: u32,
    props: Option<&'t Node>,
}
impl<'t> Res<'t> {
    fn prop(&self, name: &str) -> Option<&'t Node> {
        self.props.and_then(|p| p.get(name))
    }
}

struct Stack<'t> {
    file: String,
    resources: Vec<Res<'t>>,
    /// SAM's `Globals.Function`: defaults for every `AWS::Serverless::Function`.
    globals: Option<&'t Node>,
    template: &'t Node,
}

impl<'t> Stack<'t> {
    fn res(&self, id: &str) -> Option<&Res<'t>> {
        self.resources.iter().find(|r| r.id == id)
    }
}

/// Resource types read by the importer, or known to have no bearing on how a function is
/// invoked or fails (roles, policies, logs, deployments...). Anything else is noted.
const READ_OR_IRRELEVANT: &[&str] = &[
    SAM_FUNCTION,
    LAMBDA_FUNCTION,
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Url",
    "AWS::Serverless::LayerVersion",
    "AWS::Serverless::Api",
    "AWS::Serverless::HttpApi",
    "AWS::Serverless::StateMachine",
    "AWS::Serverless::SimpleTable",
    "AWS::StepFunctions::StateMachine",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::Topic",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::Subscription",
    "AWS::Events::Rule",
    "AWS::Events::EventBus",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::Kinesis::Stream",
    "AWS::DynamoDB::Table",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Stage",
    "AWS::CloudFront::Distribution",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::KMS::Key",
    "AWS::SSM::Parameter",
    "AWS::SecretsManager::Secret",
];

fn fail(line: Option<u32>, message: impl Into<String>) -> ReadError {
    ReadError {
        line,
        message: message.into(),
    }
}

/// CloudFormation logical ids (and SAM event names) are alphanumeric.
fn check_logical_id(id: &str, line: u32, what: &str) -> Result<(), ReadError> {
    if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(fail(
            Some(line),
            format!(
                "{what} `{}` is not a valid logical id: CloudFormation allows 1–255 letters A–Z, a–z and digits 0–9",
                shown(id)
            ),
        ));
    }
    Ok(())
}

/// Reads `text` (a SAM or CloudFormation template, YAML or JSON) and writes a scenario for each
/// function, or only for `only`. `file` names the template in comments and titles.
pub fn import(file: &str, text: &str, only: Option<&str>) -> Result<Import, ReadError> {
    let doc = read(text)?;
    if doc.map().is_none() {
        return Err(fail(
            Some(doc.line),
            "a template is a mapping with a `Resources` section",
        ));
    }
    let Some(resources) = doc.get("Resources") else {
        return Err(fail(
            None,
            "the template has no `Resources` section: there is no function to import",
        ));
    };
    let Some(entries) = resources.map() else {
        return Err(fail(
            Some(resources.line),
            "`Resources` must be a mapping of logical ids to resources",
        ));
    };
    if entries.len() > MAX_RESOURCES {
        return Err(fail(
            Some(resources.line),
            format!(
                "{} resources: CloudFormation allows at most {MAX_RESOURCES} in a stack",
                entries.len()
            ),
        ));
    }
    let mut notes = Vec::new();
    let mut resolver = Resolver::new(&doc);
    let mut list = Vec::new();
    for (id, node) in entries {
        check_logical_id(id, node.line, "resource")?;
        let Some(ty) = node.get("Type").and_then(Node::text) else {
            return Err(fail(
                Some(node.line),
                format!("resource `{id}` has no `Type`"),
            ));
        };
        if let Some(c) = node.get("Condition").and_then(Node::text) {
            if resolver.condition(node.line, c) == Some(false) {
                notes.push(Note {
                    line: Some(node.line),
                    text: format!(
                        "`{id}` is left out: its condition `{}` is false with parameter defaults",
                        shown(c)
                    ),
                });
                continue;
            }
        }
        if !READ_OR_IRRELEVANT.contains(&ty) {
            notes.push(Note {
                line: Some(node.line),
                text: format!(
                    "`{id}` ({}) is not read: lambdascope does not simulate this resource type",
                    shown(ty)
                ),
            });
        }
        list.push(Res {
            id,
            ty,
            line: node.line,
            props: node.get("Properties"),
        });
    }
    notes.append(&mut resolver.notes);
    match doc.get("Transform") {
        None => {}
        Some(t) => {
            let names: Vec<String> = match &t.value {
                crate::yaml::Value::Text(s) => vec![s.clone()],
                crate::yaml::Value::Seq(v) => v
                    .iter()
                    .filter_map(|n| n.text().map(String::from))
                    .collect(),
                _ => vec!["(a macro call)".into()],
            };
            for n in names.iter().filter(|n| *n != "AWS::Serverless-2016-10-31") {
                notes.push(Note {
                    line: Some(t.line),
                    text: format!(
                        "transform `{}` is not applied: what it generates is not read",
                        shown(n)
                    ),
                });
            }
        }
    }
    let stack = Stack {
        file: file.rsplit(['/', '\\']).next().unwrap_or(file).to_string(),
        resources: list,
        globals: doc.get("Globals").and_then(|g| g.get("Function")),
        template: &doc,
    };
    let functions: Vec<&Res> = stack
        .resources
        .iter()
        .filter(|r| r.ty == SAM_FUNCTION || r.ty == LAMBDA_FUNCTION)
        .collect();
    if functions.is_empty() {
        return Err(fail(
            None,
            format!("no Lambda function in the template: lambdascope imports {SAM_FUNCTION} and {LAMBDA_FUNCTION} resources"),
        ));
    }
    let chosen: Vec<&Res> = match only {
        None => functions,
        Some(id) => match functions.iter().find(|f| f.id == id) {
            Some(f) => vec![f],
            None => {
                let ids: Vec<&str> = functions.iter().map(|f| f.id).collect();
                return Err(fail(
                    None,
                    format!(
                        "`{}` is not a function of this template: its functions are {}",
                        shown(id),
                        ids.join(", ")
                    ),
                ));
            }
        },
    };
    let mut out = Vec::new();
    for f in chosen {
        out.push(Builder::new(&stack, f).build()?);
    }
    notes.sort();
    Ok(Import {
        functions: out,
        notes,
    })
}

/// How a source invokes the function, for the workload and the horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Sync,
    Async,
    Queue,
    Stream,
    StateMachine,
}

struct Src {
    section: Section,
    states: Vec<Section>,
    class: Class,
    /// How long, from its burst, this source's failures take to play out.
    settle_ms: u64,
    count: u64,
}

/// A destination or target named by the template.
struct Target {
    /// Its logical id when it is a resource of this template.
    id: Option<String>,
    ty: Option<String>,
    /// The name shown: the logical id, or the last part of an ARN.
    name: String,
    fifo: bool,
}

impl Target {
    /// The destination kind in the scenario format, from the resource type or the ARN's service.
    fn kind(&self, arn_service: Option<&str>) -> Option<&'static str> {
        match (self.ty.as_deref(), arn_service) {
            (Some("AWS::SQS::Queue"), _) | (None, Some("sqs")) => Some("sqs"),
            (Some("AWS::SNS::Topic"), _) | (None, Some("sns")) => Some("sns"),
            (Some(SAM_FUNCTION | LAMBDA_FUNCTION), _) | (None, Some("lambda")) => Some("lambda"),
            (Some("AWS::Events::EventBus"), _) | (None, Some("events")) => Some("event_bridge"),
            (Some("AWS::S3::Bucket"), _) | (None, Some("s3")) => Some("s3"),
            _ => None,
        }
    }
}

fn arn_service(s: &str) -> Option<&str> {
    let mut parts = s.split(':');
    (parts.next() == Some("arn")).then_some(())?;
    parts.nth(1)
}

struct Builder<'s, 't> {
    st: &'s Stack<'t>,
    f: &'s Res<'t>,
    r: Resolver<'t>,
    function: Section,
    asynchronous: Section,
    sources: Vec<Src>,
    notes: Vec<Note>,
    report_items: bool,
    origins: Vec<Origin>,
}

/// `(value, comment)` of one mapped setting.
type Mapped<T> = Option<(T, String)>;

impl<'s, 't> Builder<'s, 't> {
    fn new(st: &'s Stack<'t>, f: &'s Res<'t>) -> Builder<'s, 't> {
        Builder {
            st,
            f,
            r: Resolver::new(st.template),
            function: Section::new("[function]"),
            asynchronous: Section::new("[async]"),
            sources: Vec::new(),
            notes: Vec::new(),
            report_items: false,
            origins: vec![Origin {
                name: f.id.to_string(),
                logical: f.id.to_string(),
                line: f.line,
            }],
        }
    }

    fn note(&mut self, line: u32, text: impl Into<String>) {
        self.r.note(line, text);
    }

    /// A function property, from the function or (SAM) from `Globals.Function`.
    fn fprop(&self, name: &str) -> Option<(&'t Node, &'static str)> {
        if let Some(n) = self.f.prop(name) {
            return Some((n, ""));
        }
        if self.f.ty == SAM_FUNCTION {
            if let Some(n) = self.st.globals.and_then(|g| g.get(name)) {
                return Some((n, " from Globals"));
            }
        }
        None
    }

    fn eval(&mut self, n: &Node) -> Val {
        self.r.eval(n)
    }

    /// A whole number, or a note saying why the property is not mapped.
    fn uint(&mut self, n: &Node, what: &str) -> Option<u64> {
        self.int(n, what).and_then(|v| match u64::try_from(v) {
            Ok(u) => Some(u),
            Err(_) => {
                self.note(n.line, format!("{what}: {v} is negative; not mapped"));
                None
            }
        })
    }

    fn int(&mut self, n: &Node, what: &str) -> Option<i64> {
        match self.eval(n) {
            Val::Text(t) => match t.trim().parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    self.note(
                        n.line,
                        format!("{what}: `{}` is not a whole number; not mapped", shown(&t)),
                    );
                    None
                }
            },
            Val::Null => None,
            Val::Unknown(why) => {
                self.note(n.line, format!("{what}: {why}; not mapped"));
                None
            }
            _ => {
                self.note(n.line, format!("{what} is not a number; not mapped"));
                None
            }
        }
    }

    fn float(&mut self, n: &Node, what: &str) -> Option<f64> {
        match self.eval(n) {
            Val::Text(t) => match lambdascope_sim::parse_f64(t.trim()).ok_or(()) {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    self.note(
                        n.line,
                        format!("{what}: `{}` is not a number; not mapped", shown(&t)),
                    );
                    None
                }
            },
            _ => {
                self.note(
                    n.line,
                    format!("{what} is not a number known here; not mapped"),
                );
                None
            }
        }
    }

    fn flag(&mut self, n: &Node, what: &str) -> Option<bool> {
        match self.eval(n) {
            Val::Text(t) if t.eq_ignore_ascii_case("true") => Some(true),
            Val::Text(t) if t.eq_ignore_ascii_case("false") => Some(false),
            _ => {
                self.note(
                    n.line,
                    format!("{what} is not true or false here; not mapped"),
                );
                None
            }
        }
    }

    fn text(&mut self, n: &Node, what: &str) -> Option<String> {
        match self.eval(n) {
            Val::Text(t) => Some(t),
            Val::Unknown(why) => {
                self.note(n.line, format!("{what}: {why}; not mapped"));
                None
            }
            _ => {
                self.note(n.line, format!("{what} is not text; not mapped"));
                None
            }
        }
    }

    /// `owner.Prop (line N)`: where a value came from.
    fn from(owner: &str, path: &str, n: &Node, extra: &str) -> String {
        format!("{owner}.{path}{extra} (line {})", n.line)
    }

    fn uint_from(&mut self, parent: Option<&Node>, owner: &str, path: &str) -> Mapped<u64> {
        let n = parent?.get(path)?;
        let what = format!("{owner}.{path}");
        self.uint(n, &what)
            .map(|v| (v, Self::from(owner, path, n, "")))
    }

    fn int_from(&mut self, parent: Option<&Node>, owner: &str, path: &str) -> Mapped<i64> {
        let n = parent?.get(path)?;
        let what = format!("{owner}.{path}");
        self.int(n, &what)
            .map(|v| (v, Self::from(owner, path, n, "")))
    }

    fn flag_from(&mut self, parent: Option<&Node>, owner: &str, path: &str) -> Mapped<bool> {
        let n = parent?.get(path)?;
        let what = format!("{owner}.{path}");
        self.flag(n, &what)
            .map(|v| (v, Self::from(owner, path, n, "")))
    }

    /// Does this value name the function being imported (its ARN, name, a version or alias)?
    fn is_this_function(&mut self, v: &Val) -> bool {
        let st = self.st;
        if let Some((id, _)) = v.resource(|id| st.res(id).is_some()) {
            if id == self.f.id {
                return true;
            }
            // A version or alias of it (`AWS::Lambda::Version` / `Alias` with FunctionName).
            if let Some(r) = st.res(&id) {
                if matches!(r.ty, "AWS::Lambda::Version" | "AWS::Lambda::Alias") {
                    if let Some(n) = r.prop("FunctionName") {
                        let inner = self.eval(n);
                        return inner
                            .resource(|i| st.res(i).is_some())
                            .is_some_and(|(i, _)| i == self.f.id);
                    }
                }
            }
            return false;
        }
        // A literal name or ARN that matches the function's own FunctionName.
        let (Some(t), Some(name)) = (v.text(), self.f.prop("FunctionName").and_then(Node::text))
        else {
            return false;
        };
        t == name || t.split(':').skip_while(|p| *p != "function").nth(1) == Some(name)
    }

    fn node_is_this_function(&mut self, n: Option<&Node>) -> bool {
        match n {
            Some(n) => {
                let v = self.eval(n);
                self.is_this_function(&v)
            }
            None => false,
        }
    }

    /// A target (queue, topic, bucket, function, bus) named by a property.
    fn target(&mut self, n: &Node, what: &str) -> Option<(Target, Option<String>)> {
        let v = self.eval(n);
        let st = self.st;
        if let Some((id, _)) = v.resource(|id| st.res(id).is_some()) {
            let r = st.res(&id)?;
            let fifo = match r.ty {
                "AWS::SQS::Queue" => r.prop("FifoQueue"),
                "AWS::SNS::Topic" => r.prop("FifoTopic"),
                _ => None,
            }
            .and_then(|n| self.eval(n).text().map(|t| t.eq_ignore_ascii_case("true")))
            .unwrap_or(false);
            return Some((
                Target {
                    id: Some(id.clone()),
                    ty: Some(r.ty.to_string()),
                    name: id,
                    fifo,
                },
                None,
            ));
        }
        match v {
            Val::Text(t) if arn_service(&t).is_some() => {
                let service = arn_service(&t).map(String::from);
                let name = t.rsplit([':', '/']).next().unwrap_or(&t).to_string();
                self.note(
                    n.line,
                    format!(
                        "{what} is outside this template (`{}`): its own settings are not known",
                        shown(&t)
                    ),
                );
                Some((
                    Target {
                        id: None,
                        ty: None,
                        fifo: name.ends_with(".fifo"),
                        name: safe_name(&name),
                    },
                    service,
                ))
            }
            Val::Unknown(why) => {
                self.note(n.line, format!("{what}: {why}; not mapped"));
                None
            }
            _ => {
                self.note(
                    n.line,
                    format!("{what} does not name a resource or an ARN; not mapped"),
                );
                None
            }
        }
    }

    /// A destination as the scenario writes it: `{ kind, name, fifo }`.
    fn destination(&mut self, n: &Node, what: &str, sam_type: Option<&str>) -> Option<toml::Value> {
        let (t, service) = self.target(n, what)?;
        let kind = t.kind(service.as_deref()).or(match sam_type {
            Some("SQS") => Some("sqs"),
            Some("SNS") => Some("sns"),
            Some("Lambda") => Some("lambda"),
            Some("EventBridge") => Some("event_bridge"),
            Some("S3") => Some("s3"),
            _ => None,
        });
        let Some(kind) = kind else {
            self.note(
                n.line,
                format!(
                    "{what}: `{}` is not a queue, topic, function, bus or bucket; not mapped",
                    t.name
                ),
            );
            return None;
        };
        let mut pairs = vec![("kind", kind.into()), ("name", t.name.into())];
        if t.fifo {
            pairs.push(("fifo", true.into()));
        }
        Some(inline(&pairs))
    }

    fn build(mut self) -> Result<Imported, ReadError> {
        self.function_settings();
        self.sam_events()?;
        self.resource_sources();
        if self.sources.is_empty() {
            self.note(
                self.f.line,
                "no event source, API, subscription, rule or state machine in the template invokes this function: it is shown invoked synchronously by your code",
            );
            let mut s = self.new_source(
                "custom",
                "Invoke",
                head(self.f.id, "no invoker in the template", self.f.line),
            );
            s.section.set("invocation_type", "request_response", None);
            s.class = Class::Sync;
            self.push_source(s);
        }
        if self.report_items {
            self.function.set(
                "on_item_failure",
                "report",
                Some("a mapping turns on ReportBatchItemFailures, so the handler is taken to report the items that failed".into()),
            );
        }
        Ok(self.finish())
    }

    fn function_settings(&mut self) {
        let id = self.f.id;
        self.function
            .comments
            .push(format!("{id} ({}, line {})", self.f.ty, self.f.line));
        self.function.set("name", id, None);
        match self.fprop("Timeout") {
            Some((n, g)) => {
                if let Some(v) = self.uint(n, &format!("{id}.Timeout")) {
                    self.function
                        .set("timeout_s", v as i64, Some(Self::from(id, "Timeout", n, g)));
                }
            }
            None => self.function.set(
                "timeout_s",
                3,
                Some(format!("{id} sets no Timeout: Lambda's default, 3 s")),
            ),
        }
        if let Some((n, g)) = self.fprop("MemorySize") {
            if let Some(v) = self.uint(n, &format!("{id}.MemorySize")) {
                self.function.set(
                    "memory_mb",
                    v as i64,
                    Some(Self::from(id, "MemorySize", n, g)),
                );
            }
        }
        if let Some((n, g)) = self.fprop("ReservedConcurrentExecutions") {
            if let Some(v) = self.uint(n, &format!("{id}.ReservedConcurrentExecutions")) {
                self.function.set(
                    "reserved_concurrency",
                    v as i64,
                    Some(Self::from(id, "ReservedConcurrentExecutions", n, g)),
                );
            }
        }
        if let Some((pc, g)) = self.fprop("ProvisionedConcurrencyConfig") {
            if let Some(n) = pc.get("ProvisionedConcurrentExecutions") {
                if let Some(v) = self.uint(n, &format!("{id}.ProvisionedConcurrencyConfig")) {
                    self.function.set(
                        "provisioned_concurrency",
                        v as i64,
                        Some(Self::from(
                            id,
                            "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions",
                            n,
                            g,
                        )),
                    );
                }
            }
        }
        // A plain CloudFormation function's provisioned concurrency lives on a version or alias.
        for r in self
            .st
            .resources
            .iter()
            .filter(|r| matches!(r.ty, "AWS::Lambda::Version" | "AWS::Lambda::Alias"))
        {
            if !self.node_is_this_function(r.prop("FunctionName")) {
                continue;
            }
            if let Some(n) = r
                .prop("ProvisionedConcurrencyConfig")
                .and_then(|p| p.get("ProvisionedConcurrentExecutions"))
            {
                if let Some(v) = self.uint(n, &format!("{}.ProvisionedConcurrencyConfig", r.id)) {
                    self.function.set(
                        "provisioned_concurrency",
                        v as i64,
                        Some(Self::from(
                            r.id,
                            "ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions",
                            n,
                            "",
                        )),
                    );
                }
            }
        }
        // Dead-letter queue: SAM `DeadLetterQueue { Type, TargetArn }`, CloudFormation `DeadLetterConfig { TargetArn }`.
        for (prop, sam) in [("DeadLetterQueue", true), ("DeadLetterConfig", false)] {
            let Some((d, g)) = self.fprop(prop) else {
                continue;
            };
            let Some(arn) = d.get("TargetArn") else {
                continue;
            };
            let ty = if sam {
                d.get("Type").and_then(Node::text)
            } else {
                None
            };
            if let Some(v) = self.destination(arn, &format!("{id}.{prop}"), ty) {
                self.asynchronous.set(
                    "dead_letter_queue",
                    v,
                    Some(Self::from(id, &format!("{prop}.TargetArn"), arn, g)),
                );
            }
        }
        if let Some((eic, g)) = self.fprop("EventInvokeConfig") {
            self.invoke_config(eic, id, "EventInvokeConfig.", g);
        }
        for r in self
            .st
            .resources
            .iter()
            .filter(|r| r.ty == "AWS::Lambda::EventInvokeConfig")
        {
            if self.node_is_this_function(r.prop("FunctionName")) {
                if let Some(p) = r.props {
                    self.invoke_config(p, r.id, "", "");
                }
            }
        }
    }

    /// `EventInvokeConfig` (SAM) or `AWS::Lambda::EventInvokeConfig`: retries, age, destinations.
    fn invoke_config(&mut self, cfg: &'t Node, owner: &str, prefix: &str, g: &str) {
        if let Some((v, c)) = self.uint_from(Some(cfg), owner, "MaximumRetryAttempts") {
            self.asynchronous.set(
                "maximum_retry_attempts",
                v as i64,
                Some(format!("{prefix}{c}{g}")),
            );
        }
        if let Some((v, c)) = self.uint_from(Some(cfg), owner, "MaximumEventAgeInSeconds") {
            self.asynchronous.set(
                "maximum_event_age_s",
                v as i64,
                Some(format!("{prefix}{c}{g}")),
            );
        }
        let Some(dc) = cfg.get("DestinationConfig") else {
            return;
        };
        for (key, field) in [("OnSuccess", "on_success"), ("OnFailure", "on_failure")] {
            let Some(d) = dc.get(key) else { continue };
            let ty = d.get("Type").and_then(Node::text);
            match d.get("Destination") {
                Some(arn) => {
                    if let Some(v) = self.destination(
                        arn,
                        &format!("{owner}.{prefix}DestinationConfig.{key}"),
                        ty,
                    ) {
                        self.asynchronous.set(
                            field,
                            v,
                            Some(format!(
                                "{owner}.{prefix}DestinationConfig.{key} (line {}){g}",
                                arn.line
                            )),
                        );
                    }
                }
                // SAM creates the queue or topic itself when only a Type is given.
                None => match ty {
                    Some(t @ ("SQS" | "SNS")) => {
                        let kind = if t == "SQS" { "sqs" } else { "sns" };
                        let name = format!(
                            "{}{key}{}",
                            self.f.id,
                            if t == "SQS" { "Queue" } else { "Topic" }
                        );
                        self.asynchronous.set(
                            field,
                            inline(&[("kind", kind.into()), ("name", name.into())]),
                            Some(format!("{owner}.{prefix}DestinationConfig.{key} (line {}): SAM creates this {t} destination", d.line)),
                        );
                    }
                    _ => self.note(
                        d.line,
                        format!("{owner}.DestinationConfig.{key} names no destination; not mapped"),
                    ),
                },
            }
        }
    }

    fn new_source(&mut self, kind: &str, id_hint: &str, head: Head) -> Src {
        let mut id: String = id_hint
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(60)
            .collect();
        if id.is_empty() {
            id = "source".into();
        }
        let base = id.clone();
        let mut k = 2;
        while self
            .sources
            .iter()
            .any(|s| s.section.get("id").and_then(|v| v.as_str()) == Some(id.as_str()))
        {
            id = format!("{base}-{k}");
            k += 1;
        }
        let mut section = Section::new("[[sources]]");
        section.comments.push(format!(
            "{} ({}, line {})",
            head.owner, head.what, head.line
        ));
        self.origins.push(Origin {
            name: id.clone(),
            logical: head.owner,
            line: head.line,
        });
        section.set("kind", kind, None);
        section.set("id", id, None);
        Src {
            section,
            states: Vec::new(),
            class: Class::Sync,
            settle_ms: 0,
            count: 3,
        }
    }

    fn push_source(&mut self, s: Src) {
        self.sources.push(s);
    }

    /// The events of an `AWS::Serverless::Function`.
    fn sam_events(&mut self) -> Result<(), ReadError> {
        if self.f.ty != SAM_FUNCTION {
            return Ok(());
        }
        let Some(events) = self.f.prop("Events") else {
            return Ok(());
        };
        let Some(entries) = events.map() else {
            self.note(
                events.line,
                format!("{}.Events is not a mapping; not read", self.f.id),
            );
            return Ok(());
        };
        for (name, ev) in entries {
            check_logical_id(name, ev.line, "event")?;
            let owner = format!("{}.Events.{name}", self.f.id);
            let ty = ev.get("Type").and_then(Node::text).unwrap_or("");
            let props = ev.get("Properties");
            let head = head(&owner, &format!("{ty} event"), ev.line);
            match ty {
                "Api" | "HttpApi" => self.api(name, &owner, head, props, ty == "HttpApi", None),
                "S3" => {
                    let mut s = self.new_source("s3", name, head);
                    if let Some(b) = props.and_then(|p| p.get("Bucket")) {
                        if let Some((t, _)) = self.target(b, &format!("{owner}.Bucket")) {
                            s.section.set("bucket", t.name, Some(Self::from(&owner, "Bucket", b, "")));
                        }
                    }
                    self.async_source(s);
                }
                "SNS" => {
                    let topic = props.and_then(|p| p.get("Topic"));
                    if let Some(q) = props.and_then(|p| p.get("SqsSubscription")) {
                        if self.eval(q) != Val::Text("false".into()) {
                            self.note(q.line, format!("{owner}.SqsSubscription: SNS → SQS → Lambda is not mapped (the queue SAM creates is not simulated); shown as SNS invoking the function"));
                        }
                    }
                    self.sns(name, &owner, head, topic, props.and_then(|p| p.get("RedrivePolicy")));
                }
                "SQS" => self.sqs(name, &owner, head, props, props.and_then(|p| p.get("Queue"))),
                "Kinesis" | "DynamoDB" => self.stream(name, &owner, head, props, props.and_then(|p| p.get("Stream")), ty == "DynamoDB"),
                "EventBridgeRule" | "CloudWatchEvent" | "Schedule" | "ScheduleV2" => {
                    if ty == "ScheduleV2" {
                        self.note(ev.line, format!("{owner}: EventBridge Scheduler is shown as an EventBridge rule target (the same retry policy and DLQ settings)"));
                    }
                    let bus = props.and_then(|p| p.get("EventBusName"));
                    self.eventbridge(name, &owner, head, bus, props);
                }
                other => self.note(
                    ev.line,
                    format!("{owner}: event type `{}` is not simulated (lambdascope maps Api, HttpApi, S3, SNS, SQS, Kinesis, DynamoDB, EventBridgeRule, CloudWatchEvent, Schedule, ScheduleV2)", shown(other)),
                ),
            }
        }
        Ok(())
    }

    /// Sources declared as resources of their own that point at this function.
    fn resource_sources(&mut self) {
        let st = self.st;
        for r in &st.resources {
            match r.ty {
                "AWS::Lambda::EventSourceMapping"
                    if self.node_is_this_function(r.prop("FunctionName")) =>
                {
                    let head = head(r.id, r.ty, r.line);
                    let Some(arn) = r.prop("EventSourceArn") else {
                        self.note(
                            r.line,
                            format!("{} has no EventSourceArn; not mapped", r.id),
                        );
                        continue;
                    };
                    let v = self.eval(arn);
                    let kind = match v
                        .resource(|id| st.res(id).is_some())
                        .and_then(|(id, _)| st.res(&id).map(|x| x.ty))
                    {
                        Some("AWS::SQS::Queue") => "sqs",
                        Some("AWS::Kinesis::Stream") => "kinesis",
                        Some("AWS::DynamoDB::Table") => "dynamodb",
                        Some(_) => "",
                        None => match v.text().and_then(arn_service) {
                            Some("sqs") => "sqs",
                            Some("kinesis") => "kinesis",
                            Some("dynamodb") => "dynamodb",
                            _ => "",
                        },
                    };
                    match kind {
                        "sqs" => self.sqs(r.id, r.id, head, r.props, Some(arn)),
                        "kinesis" | "dynamodb" => self.stream(r.id, r.id, head, r.props, Some(arn), kind == "dynamodb"),
                        _ => self.note(arn.line, format!("{}: the event source is not an SQS queue, Kinesis stream or DynamoDB stream lambdascope simulates; not mapped", r.id)),
                    }
                }
                "AWS::SNS::Subscription" => {
                    let protocol = r.prop("Protocol").and_then(Node::text).unwrap_or("");
                    if protocol == "lambda" && self.node_is_this_function(r.prop("Endpoint")) {
                        let head = head(r.id, r.ty, r.line);
                        self.sns(
                            r.id,
                            r.id,
                            head,
                            r.prop("TopicArn"),
                            r.prop("RedrivePolicy"),
                        );
                    }
                }
                "AWS::SNS::Topic" => {
                    let Some(subs) = r.prop("Subscription").and_then(Node::seq) else {
                        continue;
                    };
                    for s in subs {
                        if s.get("Protocol").and_then(Node::text) == Some("lambda")
                            && self.node_is_this_function(s.get("Endpoint"))
                        {
                            let head = head(&format!("{}.Subscription", r.id), r.ty, s.line);
                            let topic = Node {
                                line: s.line,
                                value: crate::yaml::Value::Map(vec![(
                                    "Ref".into(),
                                    Node {
                                        line: s.line,
                                        value: crate::yaml::Value::Text(r.id.into()),
                                    },
                                )]),
                            };
                            self.sns(r.id, r.id, head, Some(&topic), None);
                        }
                    }
                }
                "AWS::Events::Rule" => {
                    let Some(targets) = r.prop("Targets").and_then(Node::seq) else {
                        continue;
                    };
                    if r.prop("State").and_then(Node::text) == Some("DISABLED") {
                        self.note(r.line, format!("{} is DISABLED; not mapped", r.id));
                        continue;
                    }
                    for t in targets {
                        if self.node_is_this_function(t.get("Arn")) {
                            let head = head(r.id, "AWS::Events::Rule target", t.line);
                            self.eventbridge(r.id, r.id, head, r.prop("EventBusName"), Some(t));
                        }
                    }
                }
                "AWS::S3::Bucket" => {
                    let Some(cfgs) = r
                        .prop("NotificationConfiguration")
                        .and_then(|n| n.get("LambdaConfigurations"))
                        .and_then(Node::seq)
                    else {
                        continue;
                    };
                    for c in cfgs {
                        if self.node_is_this_function(c.get("Function")) {
                            let head =
                                head(&format!("{}.NotificationConfiguration", r.id), r.ty, c.line);
                            let mut s =
                                self.new_source("s3", &format!("{}Notification", r.id), head);
                            s.section.set("bucket", r.id, None);
                            self.async_source(s);
                        }
                    }
                }
                "AWS::ApiGateway::Method" => {
                    let integ = r.prop("Integration");
                    if self.node_is_this_function(integ.and_then(|i| i.get("Uri"))) {
                        let head = head(r.id, r.ty, r.line);
                        self.api(
                            r.id,
                            &format!("{}.Integration", r.id),
                            head,
                            integ,
                            false,
                            Some("rest"),
                        );
                    }
                }
                "AWS::ApiGatewayV2::Integration"
                    if self.node_is_this_function(r.prop("IntegrationUri")) =>
                {
                    let head = head(r.id, r.ty, r.line);
                    let api_id = r.prop("ApiId").map(|n| self.eval(n));
                    let websocket = api_id
                        .and_then(|v| v.resource(|id| st.res(id).is_some()))
                        .and_then(|(id, _)| st.res(&id))
                        .and_then(|a| a.prop("ProtocolType"))
                        .and_then(Node::text)
                        == Some("WEBSOCKET");
                    self.api(
                        r.id,
                        r.id,
                        head,
                        r.props,
                        true,
                        websocket.then_some("websocket"),
                    );
                }
                "AWS::CloudFront::Distribution" => self.cloudfront(r),
                "AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine" => {
                    self.state_machine(r)
                }
                _ => {}
            }
        }
    }

    fn async_source(&mut self, mut s: Src) {
        s.class = Class::Async;
        self.push_source(s);
    }

    /// API Gateway: SAM `Api`/`HttpApi` events, REST methods and HTTP/WebSocket integrations.
    fn api(
        &mut self,
        id: &str,
        owner: &str,
        head: Head,
        props: Option<&'t Node>,
        http: bool,
        force: Option<&str>,
    ) {
        let mut s = self.new_source("api_gateway", id, head);
        let api_type = force.unwrap_or(if http { "http" } else { "rest" });
        s.section.set("api_type", api_type, None);
        if let Some((ms, c)) = self.uint_from(props, owner, "TimeoutInMillis") {
            s.section.set("integration_timeout_ms", ms as i64, Some(c));
            if api_type == "rest" && ms > 29_000 {
                s.section.set(
                    "timeout_quota_raised",
                    true,
                    Some("a REST integration timeout above 29 s needs a raised quota (APIGW-2024); taken as granted".into()),
                );
            }
        }
        self.push_source(s);
    }

    fn sns(
        &mut self,
        id: &str,
        owner: &str,
        head: Head,
        topic: Option<&Node>,
        redrive: Option<&Node>,
    ) {
        let mut s = self.new_source("sns", id, head);
        if let Some(t) = topic {
            if let Some((tg, _)) = self.target(t, &format!("{owner} topic")) {
                s.section.set(
                    "topic",
                    tg.name,
                    Some(format!("{owner} topic (line {})", t.line)),
                );
            }
        }
        // The subscription's redrive policy: the SQS queue that gets what SNS could not deliver
        // once its delivery policy is used up (SNS-RETRY). CloudFormation takes it as a mapping
        // or as JSON text, as a queue's RedrivePolicy.
        if let Some(r) = redrive {
            let rp = self.json_or_map(r);
            match rp.get("deadLetterTargetArn") {
                Some(arn) => {
                    let what = format!("{owner}.RedrivePolicy.deadLetterTargetArn");
                    if let Some((t, _)) = self.target(arn, &what) {
                        s.section.set(
                            "dead_letter_queue",
                            t.name,
                            Some(Self::from(owner, "RedrivePolicy.deadLetterTargetArn", arn, "")),
                        );
                    }
                }
                None => self.note(
                    r.line,
                    format!("{owner}.RedrivePolicy has no deadLetterTargetArn: SNS needs the queue's ARN there; no dead-letter queue mapped"),
                ),
            }
        }
        self.async_source(s);
    }

    /// EventBridge: a SAM rule/schedule event, or one target of an `AWS::Events::Rule`.
    fn eventbridge(
        &mut self,
        id: &str,
        owner: &str,
        head: Head,
        bus: Option<&'t Node>,
        target: Option<&'t Node>,
    ) {
        let mut s = self.new_source("event_bridge", id, head);
        let bus_name = match bus {
            Some(b) => self
                .target(b, &format!("{owner}.EventBusName"))
                .map(|(t, _)| t.name)
                .or_else(|| self.eval(b).text().map(safe_name)),
            None => None,
        };
        s.section
            .set("bus", bus_name.unwrap_or_else(|| "default".into()), None);
        let rp = target.and_then(|t| t.get("RetryPolicy"));
        if let Some((v, c)) =
            self.uint_from(rp, &format!("{owner}.RetryPolicy"), "MaximumRetryAttempts")
        {
            s.section.set("maximum_retry_attempts", v as i64, Some(c));
        }
        if let Some((v, c)) = self.uint_from(
            rp,
            &format!("{owner}.RetryPolicy"),
            "MaximumEventAgeInSeconds",
        ) {
            s.section.set("maximum_event_age_s", v as i64, Some(c));
        }
        if let Some(dl) = target.and_then(|t| t.get("DeadLetterConfig")) {
            match dl.get("Arn") {
                Some(arn) => {
                    if let Some((t, _)) = self.target(arn, &format!("{owner}.DeadLetterConfig")) {
                        s.section.set(
                            "dead_letter_queue",
                            t.name,
                            Some(Self::from(owner, "DeadLetterConfig.Arn", arn, "")),
                        );
                    }
                }
                None => {
                    // SAM creates the queue when only `Type: SQS` is given.
                    s.section.set(
                        "dead_letter_queue",
                        format!("{id}DLQ"),
                        Some(format!(
                            "{owner}.DeadLetterConfig (line {}): SAM creates this queue",
                            dl.line
                        )),
                    );
                }
            }
        }
        self.async_source(s);
    }

    /// An SQS event source mapping (SAM `SQS` event or `AWS::Lambda::EventSourceMapping`).
    fn sqs(
        &mut self,
        id: &str,
        owner: &str,
        head: Head,
        props: Option<&'t Node>,
        queue: Option<&'t Node>,
    ) {
        if self.disabled(props, owner) {
            return;
        }
        let mut s = self.new_source("sqs", id, head);
        s.class = Class::Queue;
        let mut visibility = 30u64;
        let mut receives = None;
        let mut window = 0u64;
        let mut batch = 10u64;
        let queue_res = match queue {
            Some(q) => self.target(q, &format!("{owner} queue")).map(|(t, _)| t),
            None => None,
        };
        if let Some(t) = &queue_res {
            s.section.set("queue", t.name.clone(), None);
        }
        let st = self.st;
        let qres = queue_res
            .as_ref()
            .and_then(|t| t.id.as_deref())
            .and_then(|id| st.res(id));
        if let Some(q) = qres {
            let qp = q.props;
            let qid = q.id;
            s.section
                .comments
                .push(format!("queue {qid} (AWS::SQS::Queue, line {})", q.line));
            self.origins.push(Origin {
                name: qid.to_string(),
                logical: qid.to_string(),
                line: q.line,
            });
            if let Some((f, c)) = self.flag_from(qp, qid, "FifoQueue") {
                if f {
                    s.section.set("fifo", true, Some(c));
                }
            }
            match self.uint_from(qp, qid, "VisibilityTimeout") {
                Some((v, c)) => {
                    visibility = v;
                    s.section.set("visibility_timeout_s", v as i64, Some(c));
                }
                None => s.section.set(
                    "visibility_timeout_s",
                    30,
                    Some(format!(
                        "{qid} sets no VisibilityTimeout: SQS's default, 30 s"
                    )),
                ),
            }
            if let Some((v, c)) = self.uint_from(qp, qid, "MessageRetentionPeriod") {
                s.section
                    .set("message_retention_period_s", v as i64, Some(c));
            }
            if let Some(rp) = qp.and_then(|p| p.get("RedrivePolicy")) {
                let rp = self.json_or_map(rp);
                if let Some((n, c)) = self.uint_from(
                    Some(&rp),
                    &format!("{qid}.RedrivePolicy"),
                    "maxReceiveCount",
                ) {
                    receives = Some(n);
                    s.section.set("max_receive_count", n as i64, Some(c));
                }
                if let Some(arn) = rp.get("deadLetterTargetArn") {
                    if let Some((t, _)) =
                        self.target(arn, &format!("{qid}.RedrivePolicy.deadLetterTargetArn"))
                    {
                        s.section.set(
                            "dead_letter_queue",
                            t.name,
                            Some(format!(
                                "{qid}.RedrivePolicy.deadLetterTargetArn (line {})",
                                arn.line
                            )),
                        );
                    }
                }
            }
        } else {
            s.section.set(
                "visibility_timeout_s",
                30,
                Some(
                    "the queue is not in this template: SQS's default visibility timeout, 30 s"
                        .into(),
                ),
            );
        }
        if let Some((v, c)) = self.uint_from(props, owner, "BatchSize") {
            batch = v;
            s.section.set("batch_size", v as i64, Some(c));
        }
        if let Some((v, c)) = self.uint_from(props, owner, "MaximumBatchingWindowInSeconds") {
            window = v;
            s.section
                .set("maximum_batching_window_s", v as i64, Some(c));
        }
        self.response_types(&mut s, props, owner);
        if let Some((v, c)) = self.uint_from(
            props.and_then(|p| p.get("ScalingConfig")),
            &format!("{owner}.ScalingConfig"),
            "MaximumConcurrency",
        ) {
            s.section.set("maximum_concurrency", v as i64, Some(c));
        }
        self.unmapped_filters(props, owner);
        // The poison message is received `maxReceiveCount` times (or, without a redrive policy,
        // shown for four receives), each a visibility timeout (plus the window) after the last.
        let t = self.timeout_ms();
        s.settle_ms = receives
            .unwrap_or(4)
            .saturating_add(1)
            .saturating_mul(visibility.saturating_add(window).saturating_mul(1000))
            .saturating_add(t);
        // Enough messages for several batches, so whole-batch redelivery and concurrency show.
        s.count = (batch.min(10) * 6).clamp(6, 60);
        self.push_source(s);
    }

    /// CloudFormation takes a queue's RedrivePolicy as a mapping or as JSON text (whose values
    /// are then said to be on the property's line).
    fn json_or_map(&mut self, n: &Node) -> Node {
        // A mapping, unless it is an intrinsic call (`!Sub '{"deadLetterTargetArn": ...}'`)
        // whose value is the JSON text.
        let intrinsic = n
            .single()
            .is_some_and(|(k, _)| k == "Ref" || k.starts_with("Fn::"));
        if n.map().is_some() && !intrinsic {
            return n.clone();
        }
        match self.eval(n) {
            Val::Text(t) => read(&t)
                .map(|x| x.relined(n.line))
                .unwrap_or_else(|_| n.clone()),
            _ => n.clone(),
        }
    }

    fn disabled(&mut self, props: Option<&'t Node>, owner: &str) -> bool {
        if let Some((false, _)) = self.flag_from(props, owner, "Enabled") {
            let line = props
                .and_then(|p| p.get("Enabled"))
                .map_or(self.f.line, |n| n.line);
            self.note(
                line,
                format!("{owner} is disabled (Enabled: false); not mapped"),
            );
            return true;
        }
        false
    }

    fn unmapped_filters(&mut self, props: Option<&'t Node>, owner: &str) {
        if let Some(fc) = props.and_then(|p| p.get("FilterCriteria")) {
            self.note(fc.line, format!("{owner}.FilterCriteria is not simulated: every message or record reaches the function"));
        }
    }

    fn response_types(&mut self, s: &mut Src, props: Option<&'t Node>, owner: &str) {
        let Some(n) = props.and_then(|p| p.get("FunctionResponseTypes")) else {
            return;
        };
        let v = self.eval(n);
        let list: Vec<String> = match v {
            Val::List(l) => l
                .iter()
                .filter_map(|x| x.text().map(String::from))
                .collect(),
            Val::Text(t) => vec![t],
            _ => Vec::new(),
        };
        if list.iter().any(|t| t == "ReportBatchItemFailures") {
            s.section.set(
                "function_response_types",
                toml::Value::Array(vec!["ReportBatchItemFailures".into()]),
                Some(Self::from(owner, "FunctionResponseTypes", n, "")),
            );
            self.report_items = true;
        }
    }

    fn timeout_ms(&self) -> u64 {
        let t = self
            .function
            .get("timeout_s")
            .and_then(|v| v.as_integer())
            .unwrap_or(3);
        (t.max(1) as u64).saturating_mul(1000)
    }

    /// A Kinesis or DynamoDB stream mapping.
    fn stream(
        &mut self,
        id: &str,
        owner: &str,
        head: Head,
        props: Option<&'t Node>,
        stream: Option<&'t Node>,
        dynamodb: bool,
    ) {
        if self.disabled(props, owner) {
            return;
        }
        let mut s = self.new_source(
            if dynamodb {
                "dynamodb_streams"
            } else {
                "kinesis"
            },
            id,
            head,
        );
        s.class = Class::Stream;
        let st = self.st;
        let target =
            stream.and_then(|n| self.target(n, &format!("{owner} stream")).map(|(t, _)| t));
        let name_key = if dynamodb { "table" } else { "stream" };
        let mut shards = 1u64;
        let mut retention_h = 24u64;
        if let Some(t) = &target {
            s.section.set(name_key, t.name.clone(), None);
        }
        let res = target
            .as_ref()
            .and_then(|t| t.id.as_deref())
            .and_then(|i| st.res(i));
        match (res, dynamodb) {
            (Some(r), false) => {
                s.section.comments.push(format!(
                    "stream {} (AWS::Kinesis::Stream, line {})",
                    r.id, r.line
                ));
                self.origins.push(Origin {
                    name: r.id.to_string(),
                    logical: r.id.to_string(),
                    line: r.line,
                });
                match self.uint_from(r.props, r.id, "ShardCount") {
                    Some((v, c)) => {
                        shards = v.max(1);
                        s.section.set("shards", v as i64, Some(c));
                    }
                    None => self.note(
                        r.line,
                        format!(
                            "{} sets no ShardCount (on-demand): shown with one shard",
                            r.id
                        ),
                    ),
                }
                if let Some((v, c)) = self.uint_from(r.props, r.id, "RetentionPeriodHours") {
                    retention_h = v;
                    s.section.set("retention_period_hours", v as i64, Some(c));
                }
            }
            (Some(r), true) => {
                s.section.comments.push(format!(
                    "table {} (AWS::DynamoDB::Table, line {})",
                    r.id, r.line
                ));
                self.origins.push(Origin {
                    name: r.id.to_string(),
                    logical: r.id.to_string(),
                    line: r.line,
                });
                if r.prop("StreamSpecification").is_none() {
                    self.note(r.line, format!("{} has no StreamSpecification: the mapping would have no stream to read", r.id));
                }
                self.note(
                    r.line,
                    format!(
                        "{}: DynamoDB manages a stream's shards; shown with one",
                        r.id
                    ),
                );
            }
            (None, _) => {}
        }
        // Spread the burst over the shards (record k has key k, key j lives on shard j mod shards).
        let count = (2 * shards).clamp(6, 40);
        s.section.set(
            "partition_keys",
            shards.min(count) as i64,
            Some("workload: one key per shard, so records spread over them".into()),
        );
        s.count = count;
        match props.and_then(|p| p.get("StartingPosition")) {
            Some(n) => {
                let v = self
                    .text(n, &format!("{owner}.StartingPosition"))
                    .unwrap_or_default();
                let v = if ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"].contains(&v.as_str()) {
                    v
                } else {
                    self.note(n.line, format!("{owner}.StartingPosition `{}` is not TRIM_HORIZON, LATEST or AT_TIMESTAMP: TRIM_HORIZON is used", shown(&v)));
                    "TRIM_HORIZON".into()
                };
                if v == "AT_TIMESTAMP" {
                    self.note(n.line, format!("{owner}: AT_TIMESTAMP starts at the beginning of the simulated run (a wall-clock timestamp has no simulated equivalent)"));
                    s.section.set("starting_position_timestamp_ms", 0, None);
                }
                s.section.set(
                    "starting_position",
                    v,
                    Some(Self::from(owner, "StartingPosition", n, "")),
                );
            }
            None => {
                self.note(self.f.line, format!("{owner} has no StartingPosition (CloudFormation requires one): TRIM_HORIZON is used"));
                s.section.set("starting_position", "TRIM_HORIZON", None);
            }
        }
        let mut batch = 100u64;
        if let Some((v, c)) = self.uint_from(props, owner, "BatchSize") {
            batch = v;
            s.section.set("batch_size", v as i64, Some(c));
        }
        if let Some((v, c)) = self.uint_from(props, owner, "MaximumBatchingWindowInSeconds") {
            s.section
                .set("maximum_batching_window_s", v as i64, Some(c));
        }
        if let Some((v, c)) = self.uint_from(props, owner, "ParallelizationFactor") {
            s.section.set("parallelization_factor", v as i64, Some(c));
        }
        let retries = match self.int_from(props, owner, "MaximumRetryAttempts") {
            Some((v, c)) => {
                s.section.set("maximum_retry_attempts", v, Some(c));
                v
            }
            None => {
                s.section.set(
                    "maximum_retry_attempts",
                    -1,
                    Some(format!(
                        "{owner} sets no MaximumRetryAttempts: −1, retry until the record expires"
                    )),
                );
                -1
            }
        };
        let age = match self.int_from(props, owner, "MaximumRecordAgeInSeconds") {
            Some((v, c)) => {
                s.section.set("maximum_record_age_s", v, Some(c));
                v
            }
            None => {
                s.section.set(
                    "maximum_record_age_s",
                    -1,
                    Some(format!(
                        "{owner} sets no MaximumRecordAgeInSeconds: −1, no limit"
                    )),
                );
                -1
            }
        };
        let mut bisect = false;
        if let Some((v, c)) = self.flag_from(props, owner, "BisectBatchOnFunctionError") {
            bisect = v;
            s.section.set("bisect_batch_on_function_error", v, Some(c));
        }
        self.response_types(&mut s, props, owner);
        if let Some(d) = props
            .and_then(|p| p.get("DestinationConfig"))
            .and_then(|d| d.get("OnFailure"))
        {
            if let Some(arn) = d.get("Destination") {
                if let Some(v) = self.destination(
                    arn,
                    &format!("{owner}.DestinationConfig.OnFailure"),
                    d.get("Type").and_then(Node::text),
                ) {
                    s.section.set(
                        "on_failure",
                        v,
                        Some(Self::from(
                            owner,
                            "DestinationConfig.OnFailure.Destination",
                            arn,
                            "",
                        )),
                    );
                }
            }
        }
        if let Some(n) = props.and_then(|p| p.get("TumblingWindowInSeconds")) {
            self.note(
                n.line,
                format!("{owner}.TumblingWindowInSeconds: tumbling windows are not simulated"),
            );
        }
        self.unmapped_filters(props, owner);
        // How long the poison record holds its shard: until retries run out (stream retries back
        // off from 1 s, doubling to 60 s), its maximum age, or the stream's retention.
        let t = self.timeout_ms();
        let rounds = if bisect {
            64 - batch.min(count).max(1).leading_zeros() as u64 + 1
        } else {
            1
        };
        let by_retries = (retries >= 0).then(|| {
            (0..=retries as u64)
                .map(|k| (1000u64 << k.min(6)).min(60_000) + t)
                .sum::<u64>()
                .saturating_mul(rounds)
        });
        let by_age = (age >= 0).then(|| (age as u64).saturating_mul(1000));
        let retention = retention_h.saturating_mul(3_600_000);
        s.settle_ms = [by_retries, by_age, Some(retention)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(retention)
            .saturating_add(60_000);
        self.push_source(s);
    }

    fn cloudfront(&mut self, r: &Res<'t>) {
        let Some(cfg) = r.prop("DistributionConfig") else {
            return;
        };
        let mut behaviours: Vec<&'t Node> = cfg.get("DefaultCacheBehavior").into_iter().collect();
        behaviours.extend(cfg.get("CacheBehaviors").and_then(Node::seq).unwrap_or(&[]));
        for b in behaviours {
            for a in b
                .get("LambdaFunctionAssociations")
                .and_then(Node::seq)
                .unwrap_or(&[])
            {
                if !self.node_is_this_function(a.get("LambdaFunctionARN")) {
                    continue;
                }
                let head = head(
                    &format!("{}.LambdaFunctionAssociations", r.id),
                    r.ty,
                    a.line,
                );
                let mut s = self.new_source("cloudfront", r.id, head);
                let trigger = a
                    .get("EventType")
                    .and_then(|n| self.eval(n).text().map(String::from))
                    .unwrap_or_default();
                match trigger.as_str() {
                    "viewer-request" | "origin-request" | "origin-response" | "viewer-response" => {
                        s.section.set("trigger", trigger.replace('-', "_"), Some(format!("{}.EventType (line {})", r.id, a.line)));
                    }
                    other => self.note(a.line, format!("{}: EventType `{}` is not a Lambda@Edge trigger: origin-request is used", r.id, shown(other))),
                }
                self.push_source(s);
            }
        }
    }

    fn state_machine(&mut self, r: &Res<'t>) {
        if let Some(s) = sfn::map(self, r) {
            self.push_source(s);
        }
    }

    fn finish(mut self) -> Imported {
        // Queues, streams and event sources first, state machines last: a state machine's task
        // calls are events too, and the workload's event numbers count the bursts in order.
        let (mut ordered, machines): (Vec<Src>, Vec<Src>) = std::mem::take(&mut self.sources)
            .into_iter()
            .partition(|s| s.class != Class::StateMachine);
        ordered.extend(machines);
        let t = self.timeout_ms();
        let mut workload = Vec::new();
        let mut poison = Vec::new();
        let mut flaky = Vec::new();
        let mut base = 0u64;
        let mut end = 0u64;
        let async_retries = self
            .asynchronous
            .get("maximum_retry_attempts")
            .and_then(|v| v.as_integer())
            .unwrap_or(2);
        let reserved_zero = self
            .function
            .get("reserved_concurrency")
            .and_then(|v| v.as_integer())
            == Some(0);
        let mut said = Vec::new();
        for (k, s) in ordered.iter_mut().enumerate() {
            let at = k as u64 * 1000;
            let id = s
                .section
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let settle = match s.class {
                Class::Sync => t + 10_000,
                Class::Async if reserved_zero => 10_000,
                // Retries about 1 and 2 minutes after a failed attempt (L-ASYNC-ERR).
                Class::Async => {
                    [60_000u64, 120_000]
                        .iter()
                        .take(async_retries.clamp(0, 2) as usize)
                        .sum::<u64>()
                        + 3 * t
                        + 30_000
                }
                Class::Queue | Class::Stream | Class::StateMachine => s.settle_ms,
            };
            end = end.max(at.saturating_add(settle));
            let mut w = Section::new("[[workload]]");
            w.set("source", id.clone(), None);
            if s.class == Class::StateMachine {
                w.set("count", 1, None);
                said.push(format!("{id}: one execution at {} s", at / 1000));
            } else {
                w.set("count", s.count as i64, None);
                poison.push(toml::Value::Integer((base + 1) as i64));
                let mut line = format!(
                    "{id}: {} events at {} s; event #{} is poison",
                    s.count,
                    at / 1000,
                    base + 1
                );
                if matches!(s.class, Class::Queue | Class::Stream) {
                    flaky.push(inline(&[
                        ("item", ((base + 2) as i64).into()),
                        ("failures", 1.into()),
                    ]));
                    line.push_str(&format!(", #{} fails once", base + 2));
                }
                said.push(line);
                base += s.count;
            }
            if at > 0 {
                w.set("at_ms", at as i64, None);
            }
            workload.push(w);
        }
        if !poison.is_empty() {
            self.function.set("poison_items", toml::Value::Array(poison), Some("workload: one poison event per source, failing every attempt (also Map items by index)".into()));
        }
        if !flaky.is_empty() {
            self.function.set("flaky_items", toml::Value::Array(flaky), Some("workload: one message or record per queue or stream that fails on its first delivery only".into()));
        }
        let horizon_s = (end.clamp(30_000, MAX_HORIZON_MS)).div_ceil(1000);
        let id = self.f.id;
        let mut top = Section::default();
        top.set("format_version", 1, None);
        top.set("id", kebab(id), None);
        top.set("title", format!("{id} from {}", shown(&self.st.file)), None);
        top.set(
            "summary",
            format!(
                "Imported from {}. A template has no traffic, so this is a default workload that exercises failure — {}.",
                shown(&self.st.file),
                said.join("; ")
            ),
            None,
        );
        top.set("horizon_s", horizon_s as i64, Some(if end > MAX_HORIZON_MS {
            "long enough for the workload's failures to play out, capped at 8 days (the longest run)".into()
        } else {
            "long enough for the workload's failures to play out".into()
        }));
        let mut notes = std::mem::take(&mut self.r.notes);
        notes.append(&mut self.notes);
        notes.sort();
        notes.dedup();
        let mut preamble = vec![
            format!("Imported by `lambdascope import` from {}: function {id} (line {}).", shown(&self.st.file), self.f.line),
            "Every value below from the template names where it came from. A template has no traffic:".into(),
            "the [[workload]] is a default that exercises failure; edit it like any other.".into(),
        ];
        if !notes.is_empty() {
            preamble.push("Not mapped, or mapped by an assumption:".into());
            preamble.extend(notes.iter().map(|n| format!("  {n}")));
        }
        let mut sections = vec![self.function.clone()];
        if !self.asynchronous.entries.is_empty() {
            sections.push(self.asynchronous.clone());
        }
        for s in ordered {
            sections.push(s.section);
            sections.extend(s.states);
        }
        sections.extend(workload);
        let text = to_text(&preamble, &top, &sections);
        let scenario = Scenario::parse(&format!("{}.toml", kebab(id)), &text);
        Imported {
            function: id.to_string(),
            line: self.f.line,
            text,
            scenario,
            notes,
            origins: std::mem::take(&mut self.origins),
        }
    }
}

/// A name from outside the template (an ARN's last part) as the scenario shows it.
fn safe_name(s: &str) -> String {
    let n: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(80)
        .collect();
    if n.is_empty() {
        "external".into()
    } else {
        n
    }
}

/// `OrdersFunction` → `orders-function`: a scenario id (lowercase, digits, `-`, at most 64).
pub fn kebab(id: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = true;
        }
    }
    out.truncate(64);
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_makes_scenario_ids() {
        assert_eq!(kebab("OrdersFunction"), "orders-function");
        assert_eq!(kebab("API2Handler"), "api2-handler");
        assert_eq!(kebab(&"A".repeat(100)).len(), 64);
    }
}
