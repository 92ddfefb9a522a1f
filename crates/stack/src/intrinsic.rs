//! CloudFormation's intrinsic functions, evaluated as far as a template alone allows: parameters
//! at their defaults, conditions evaluated on those, mappings looked up, `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::If`... A reference to one of the template's resources stays a
//! reference ([`Val::Res`]): the importer follows it to the queue, stream or function it names.
//! What only a deployment knows (`Fn::ImportValue`, `Fn::GetAZs`, a parameter without a default)
//! becomes [`Val::Unknown`] with the reason, and every default taken is written down as a
//! [`Note`], so nothing is assumed silently.

use crate::yaml::{shown, Node, Value};

/// Something the importer could not map as the template says, or mapped by an assumption.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// The template line it is about.
    pub line: Option<u32>,
    pub text: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// A value with the template's intrinsics evaluated.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Null,
    Text(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    /// One of the template's resources: `!Ref X`, `!GetAtt X.Arn`, or a `${X}` that is the whole
    /// of a `!Sub`.
    Res {
        id: String,
        attr: Option<String>,
    },
    /// Not known from the template alone; why.
    Unknown(String),
}

impl Val {
    pub fn text(&self) -> Option<&str> {
        match self {
            Val::Text(s) => Some(s),
            _ => None,
        }
    }
    /// Text as embedded in a larger string: a resource reference stays visible as `${X.Attr}`,
    /// which [`Val::resource`] finds again (a state machine's `DefinitionString` holds them).
    fn embedded(&self) -> Option<String> {
        match self {
            Val::Text(s) => Some(s.clone()),
            Val::Res { id, attr: None } => Some(format!("${{{id}}}")),
            Val::Res { id, attr: Some(a) } => Some(format!("${{{id}.{a}}}")),
            _ => None,
        }
    }
    /// The resource this value names: a reference, or text holding exactly one `${X}` of a
    /// resource (an ARN built with `!Sub`), as `(logical id, attribute)`.
    pub fn resource(&self, is_resource: impl Fn(&str) -> bool) -> Option<(String, Option<String>)> {
        match self {
            Val::Res { id, attr } => Some((id.clone(), attr.clone())),
            Val::Text(s) => {
                let found: Vec<(String, Option<String>)> = placeholders(s)
                    .into_iter()
                    .filter_map(|p| {
                        let (id, attr) = match p.split_once('.') {
                            Some((i, a)) => (i, Some(a.to_string())),
                            None => (p, None),
                        };
                        is_resource(id).then(|| (id.to_string(), attr))
                    })
                    .collect();
                match found.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The `${...}` names in a `Fn::Sub` string (`${!Literal}` is an escape, not a name).
pub fn placeholders(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else { break };
        let name = &after[..j];
        if !name.starts_with('!') {
            out.push(name);
        }
        rest = &after[j + 1..];
    }
    out
}

/// Pseudo parameters have no value before a deployment; these stand in for them (noted when used).
const PSEUDO: &[(&str, &str)] = &[
    ("AWS::Region", "us-east-1"),
    ("AWS::AccountId", "123456789012"),
    ("AWS::StackName", "stack"),
    ("AWS::StackId", "stack-id"),
    ("AWS::Partition", "aws"),
    ("AWS::URLSuffix", "amazonaws.com"),
];

/// Evaluates intrinsics over one template.
pub struct Resolver<'t> {
    parameters: Option<&'t Node>,
    conditions: Option<&'t Node>,
    mappings: Option<&'t Node>,
    resources: Vec<&'t str>,
    pub notes: Vec<Note>,
    /// Conditions being evaluated (a condition that refers to itself is refused, not looped).
    evaluating: Vec<String>,
    depth: usize,
}

impl<'t> Resolver<'t> {
    pub fn new(template: &'t Node) -> Resolver<'t> {
        let resources = template
            .get("Resources")
            .and_then(Node::map)
            .map(|m| m.iter().map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default();
        Resolver {
            parameters: template.get("Parameters"),
            conditions: template.get("Conditions"),
            mappings: template.get("Mappings"),
            resources,
            notes: Vec::new(),
            evaluating: Vec::new(),
            depth: 0,
        }
    }

    pub fn is_resource(&self, id: &str) -> bool {
        self.resources.contains(&id)
    }

    pub fn note(&mut self, line: u32, text: impl Into<String>) {
        let n = Note {
            line: Some(line),
            text: text.into(),
        };
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }

    /// The value of `node` with every intrinsic function evaluated.
    pub fn eval(&mut self, node: &Node) -> Val {
        // The tree is at most 64 deep, but `Condition` and `Fn::FindInMap` jump elsewhere.
        if self.depth > 200 {
            return Val::Unknown("intrinsic functions nested too deeply".into());
        }
        self.depth += 1;
        let v = self.eval_inner(node);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, node: &Node) -> Val {
        match &node.value {
            Value::Null => Val::Null,
            Value::Text(s) => Val::Text(s.clone()),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.eval(i) {
                        // `Fn::If` with `AWS::NoValue` removes the item.
                        Val::Null if i.map().is_some() => {}
                        v => out.push(v),
                    }
                }
                Val::List(out)
            }
            Value::Map(entries) => {
                if let Some((name, args)) = node.single() {
                    if let Some(v) = self.intrinsic(node.line, name, args) {
                        return v;
                    }
                }
                let mut out = Vec::new();
                for (k, v) in entries {
                    match self.eval(v) {
                        Val::Null if v.map().is_some() => {}
                        val => out.push((k.clone(), val)),
                    }
                }
                Val::Map(out)
            }
        }
    }

    fn unknown(&mut self, line: u32, why: String) -> Val {
        self.note(line, why.clone());
        Val::Unknown(why)
    }

    /// `None` when `name` is not an intrinsic (an ordinary one-key mapping).
    fn intrinsic(&mut self, line: u32, name: &str, args: &Node) -> Option<Val> {
        let v = match name {
            "Ref" => self.reference(line, args),
            "Fn::GetAtt" => {
                let parts: Vec<String> = match (&args.value, self.eval(args)) {
                    (_, Val::List(l)) => l.iter().filter_map(|v| v.text().map(String::from)).collect(),
                    (_, Val::Text(t)) => t.splitn(2, '.').map(String::from).collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [id, attr] if self.is_resource(id) => Val::Res {
                        id: id.clone(),
                        attr: Some(attr.clone()),
                    },
                    _ => self.unknown(
                        line,
                        "Fn::GetAtt does not name a resource of this template and an attribute".into(),
                    ),
                }
            }
            "Fn::Sub" => self.sub(line, args),
            "Fn::Join" => {
                let items = self.eval(args);
                match items {
                    Val::List(l) => match l.as_slice() {
                        [Val::Text(sep), Val::List(parts)] => {
                            let texts: Option<Vec<String>> = parts.iter().map(Val::embedded).collect();
                            match texts {
                                Some(t) => Val::Text(t.join(sep)),
                                None => Val::Unknown("Fn::Join of a value not known here".into()),
                            }
                        }
                        _ => self.unknown(line, "Fn::Join needs [delimiter, [values]]".into()),
                    },
                    _ => self.unknown(line, "Fn::Join needs [delimiter, [values]]".into()),
                }
            }
            "Fn::Select" => match self.eval(args) {
                Val::List(l) => match l.as_slice() {
                    [Val::Text(i), Val::List(items)] => match i.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        Some(v) => v.clone(),
                        None => self.unknown(line, format!("Fn::Select index `{}` is out of range", shown(i))),
                    },
                    _ => Val::Unknown("Fn::Select of a list not known here".into()),
                },
                _ => self.unknown(line, "Fn::Select needs [index, [values]]".into()),
            },
            "Fn::Split" => match self.eval(args) {
                Val::List(l) => match l.as_slice() {
                    [Val::Text(sep), Val::Text(s)] if !sep.is_empty() => {
                        Val::List(s.split(sep.as_str()).map(|p| Val::Text(p.into())).collect())
                    }
                    _ => Val::Unknown("Fn::Split of a value not known here".into()),
                },
                _ => self.unknown(line, "Fn::Split needs [delimiter, text]".into()),
            },
            "Fn::FindInMap" => self.find_in_map(line, args),
            "Fn::If" => match args.seq() {
                Some([cond, yes, no]) => match cond.text() {
                    Some(c) => match self.condition(line, c) {
                        Some(true) => self.eval(yes),
                        Some(false) => self.eval(no),
                        None => Val::Unknown(format!("condition `{}` is not known here", shown(c))),
                    },
                    None => self.unknown(line, "Fn::If needs a condition name".into()),
                },
                _ => self.unknown(line, "Fn::If needs [condition, value if true, value if false]".into()),
            },
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                match self.boolean(line, name, args) {
                    Some(b) => Val::Text(b.to_string()),
                    None => Val::Unknown(format!("{name} is not known here")),
                }
            }
            "Fn::ImportValue" => self.unknown(
                line,
                "Fn::ImportValue reads another stack's output, which the template alone does not hold".into(),
            ),
            "Fn::GetAZs" | "Fn::Cidr" | "Fn::Base64" | "Fn::Length" | "Fn::ToJsonString" | "Fn::Transform" => {
                Val::Unknown(format!("{name} is not evaluated here"))
            }
            _ => return None,
        };
        Some(v)
    }

    fn reference(&mut self, line: u32, args: &Node) -> Val {
        let Some(name) = args.text() else {
            return self.unknown(line, "Ref needs a name".into());
        };
        if name == "AWS::NoValue" {
            return Val::Null;
        }
        if let Some((_, v)) = PSEUDO.iter().find(|(p, _)| *p == name) {
            self.note(line, format!("pseudo parameter {name} taken as `{v}`"));
            return Val::Text((*v).to_string());
        }
        if self.is_resource(name) {
            return Val::Res {
                id: name.to_string(),
                attr: None,
            };
        }
        // SAM's generated resources: `!Ref MyFunction.Version`, `MyFunction.Alias`.
        if let Some((id, attr)) = name.split_once('.') {
            if self.is_resource(id) {
                return Val::Res {
                    id: id.to_string(),
                    attr: Some(attr.to_string()),
                };
            }
        }
        match self.parameters.and_then(|p| p.get(name)) {
            Some(param) => match param.get("Default") {
                Some(d) => {
                    let v = self.eval(d);
                    let said = v.embedded().unwrap_or_else(|| "a list".into());
                    self.note(
                        param.line,
                        format!(
                            "parameter `{}` taken at its default `{}`",
                            shown(name),
                            shown(&said)
                        ),
                    );
                    v
                }
                None => self.unknown(
                    param.line,
                    format!(
                        "parameter `{}` has no default, so its value is not known here",
                        shown(name)
                    ),
                ),
            },
            None => self.unknown(
                line,
                format!(
                    "Ref `{}` names no parameter or resource of this template",
                    shown(name)
                ),
            ),
        }
    }

    fn sub(&mut self, line: u32, args: &Node) -> Val {
        let (template, vars): (Option<&str>, Option<&Node>) = match &args.value {
            Value::Text(s) => (Some(s), None),
            Value::Seq(v) => match v.as_slice() {
                [s, vars] => (s.text(), Some(vars)),
                _ => (None, None),
            },
            _ => (None, None),
        };
        let Some(template) = template else {
            return self.unknown(
                line,
                "Fn::Sub needs a string or [string, {variables}]".into(),
            );
        };
        let names = placeholders(template);
        // `!Sub ${Queue.Arn}` alone is a reference to the resource, not text.
        if let [only] = names.as_slice() {
            if template == format!("${{{only}}}") {
                let own = vars.and_then(|v| v.get(only)).cloned();
                return match own {
                    Some(v) => self.eval(&v),
                    None => self.sub_name(line, only),
                };
            }
        }
        let mut out = template.to_string();
        for name in names {
            let val = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.eval(v),
                None => self.sub_name(line, name),
            };
            let Some(text) = val.embedded() else {
                return Val::Unknown(format!(
                    "Fn::Sub uses `{}`, which is not known here",
                    shown(name)
                ));
            };
            out = out.replacen(&format!("${{{name}}}"), &text, 1);
        }
        Val::Text(out.replace("${!", "${"))
    }

    /// `${Name}` or `${Resource.Attribute}` inside a `Fn::Sub`.
    fn sub_name(&mut self, line: u32, name: &str) -> Val {
        match name.split_once('.') {
            Some((id, attr)) if self.is_resource(id) => Val::Res {
                id: id.to_string(),
                attr: Some(attr.to_string()),
            },
            _ => {
                let node = Node {
                    line,
                    value: Value::Text(name.to_string()),
                };
                self.reference(line, &node)
            }
        }
    }

    fn find_in_map(&mut self, line: u32, args: &Node) -> Val {
        let keys: Vec<Option<String>> = match self.eval(args) {
            Val::List(l) => l.iter().map(|v| v.text().map(String::from)).collect(),
            _ => Vec::new(),
        };
        let [Some(map), Some(top), Some(second)] = keys.as_slice() else {
            return self.unknown(
                line,
                "Fn::FindInMap needs [map, top-level key, second-level key] known here".into(),
            );
        };
        match self
            .mappings
            .and_then(|m| m.get(map))
            .and_then(|m| m.get(top))
            .and_then(|m| m.get(second))
        {
            Some(v) => {
                let v = v.clone();
                self.eval(&v)
            }
            None => self.unknown(
                line,
                format!(
                    "Fn::FindInMap: `{}` / `{}` / `{}` is not in Mappings",
                    shown(map),
                    shown(top),
                    shown(second)
                ),
            ),
        }
    }

    /// A named condition, evaluated with parameters at their defaults (noted once).
    pub fn condition(&mut self, line: u32, name: &str) -> Option<bool> {
        if self.evaluating.iter().any(|c| c == name) {
            self.note(
                line,
                format!("condition `{}` refers to itself", shown(name)),
            );
            return None;
        }
        let Some(def) = self.conditions.and_then(|c| c.get(name)) else {
            self.note(
                line,
                format!("condition `{}` is not defined in Conditions", shown(name)),
            );
            return None;
        };
        self.evaluating.push(name.to_string());
        let v = match def.single() {
            Some((f, a)) => self.boolean(def.line, f, a),
            None => None,
        };
        self.evaluating.pop();
        match v {
            Some(b) => self.note(
                def.line,
                format!(
                    "condition `{}` evaluated with parameter defaults: {b}",
                    shown(name)
                ),
            ),
            None => self.note(
                def.line,
                format!("condition `{}` cannot be evaluated here", shown(name)),
            ),
        }
        v
    }

    fn boolean(&mut self, line: u32, name: &str, args: &Node) -> Option<bool> {
        let truth = |r: &mut Self, n: &Node| -> Option<bool> {
            match n.single() {
                Some((f, a))
                    if matches!(
                        f,
                        "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition"
                    ) =>
                {
                    r.boolean(n.line, f, a)
                }
                _ => match r.eval(n) {
                    Val::Text(t) if t == "true" => Some(true),
                    Val::Text(t) if t == "false" => Some(false),
                    _ => None,
                },
            }
        };
        match name {
            "Condition" => args.text().and_then(|c| self.condition(line, c)),
            "Fn::Equals" => match args.seq() {
                Some([a, b]) => match (self.eval(a), self.eval(b)) {
                    (Val::Text(x), Val::Text(y)) => Some(x == y),
                    _ => None,
                },
                _ => None,
            },
            "Fn::Not" => match args.seq() {
                Some([a]) => truth(self, a).map(|b| !b),
                _ => None,
            },
            "Fn::And" | "Fn::Or" => {
                let items = args.seq()?;
                let mut all = Vec::new();
                for i in items {
                    all.push(truth(self, i)?);
                }
                Some(if name == "Fn::And" {
                    all.iter().all(|b| *b)
                } else {
                    all.iter().any(|b| *b)
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::read;

    const T: &str = "\
Parameters:
  Stage: { Type: String, Default: prod }
  Secret: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Mappings:
  Sizes: { prod: { Timeout: 30 } }
Resources:
  Queue: { Type: AWS::SQS::Queue }
  Fn: { Type: AWS::Serverless::Function }
Values:
  a: !If [IsProd, 10, 20]
  b: !FindInMap [Sizes, !Ref Stage, Timeout]
  c: !Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Queue}
  d: !Sub '${Fn.Arn}'
  e: !Join ['-', [!Ref Stage, x]]
  f: !ImportValue Shared
  g: !Ref Secret
  h: !Select [1, !Split [',', 'a,b,c']]
";

    #[test]
    fn intrinsics_evaluate_at_defaults_and_say_so() {
        let doc = read(T).unwrap();
        let mut r = Resolver::new(&doc);
        let v = |r: &mut Resolver, k: &str| r.eval(doc.get("Values").unwrap().get(k).unwrap());
        assert_eq!(v(&mut r, "a"), Val::Text("10".into()));
        assert_eq!(v(&mut r, "b"), Val::Text("30".into()));
        let c = v(&mut r, "c");
        assert_eq!(
            c.text(),
            Some("arn:aws:sqs:us-east-1:123456789012:${Queue}")
        );
        assert_eq!(
            c.resource(|id| r.is_resource(id)),
            Some(("Queue".into(), None))
        );
        assert_eq!(
            v(&mut r, "d"),
            Val::Res {
                id: "Fn".into(),
                attr: Some("Arn".into())
            }
        );
        assert_eq!(v(&mut r, "e"), Val::Text("prod-x".into()));
        assert!(matches!(v(&mut r, "f"), Val::Unknown(_)));
        assert!(matches!(v(&mut r, "g"), Val::Unknown(_)));
        assert_eq!(v(&mut r, "h"), Val::Text("b".into()));
        let notes: Vec<String> = r.notes.iter().map(|n| n.to_string()).collect();
        for want in [
            "line 2: parameter `Stage` taken at its default `prod`",
            "line 5: condition `IsProd` evaluated with parameter defaults: true",
            "pseudo parameter AWS::Region taken as `us-east-1`",
            "Fn::ImportValue reads another stack's output",
            "line 3: parameter `Secret` has no default",
        ] {
            assert!(
                notes.iter().any(|n| n.contains(want)),
                "{want} not in {notes:#?}"
            );
        }
    }

    #[test]
    fn a_condition_that_refers_to_itself_is_refused() {
        let doc = read("Conditions:\n  A: !Not [!Condition A]\nV: !If [A, 1, 2]\n").unwrap();
        let mut r = Resolver::new(&doc);
        assert!(matches!(r.eval(doc.get("V").unwrap()), Val::Unknown(_)));
        assert!(r.notes.iter().any(|n| n.text.contains("refers to itself")));
    }
}
