//! The template reader: YAML (CloudFormation's short-form tags included) or JSON text → a tree of
//! [`Node`]s, each with the line it starts on. JSON is read by the same reader (YAML 1.2 is a
//! superset of JSON), so a problem in either names its line the same way.
//!
//! CloudFormation's short forms are normalised to the long form at read time: `!Ref X` becomes
//! `{Ref: X}`, `!GetAtt A.B` becomes `{Fn::GetAtt: [A, B]}`, `!Sub s` becomes `{Fn::Sub: s}`, and
//! so on, so the rest of the crate sees one shape whatever the template's style.
//!
//! Templates are untrusted text (the Import view reads whatever is pasted), so everything is
//! bounded: bytes, nesting depth and nodes (aliases count once per use, so a "billion laughs"
//! document stops at the node limit). The parser is pulled one event at a time, so a deeply
//! nested document is refused when it passes the depth limit, before the parser goes deeper.

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

/// CloudFormation accepts template bodies up to 1 MB (from S3); nothing larger is read.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;
/// Deeper than any real template (a state machine definition inside a resource is about 12).
pub const MAX_DEPTH: usize = 64;
/// Nodes in the whole tree, counting every use of an alias.
pub const MAX_NODES: usize = 200_000;

/// One value of the template and the line (1-based) it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: u32,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// Any scalar, as text (`30`, `true` and `"30"` alike: CloudFormation reads them by context).
    Text(String),
    Seq(Vec<Node>),
    /// Keys in document order (duplicates are refused).
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(v) => Some(v),
            _ => None,
        }
    }
    pub fn map(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.map()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// This node with every line inside it set to `line` (a document read from a string inside
    /// the template: its own lines mean nothing to the reader of the template).
    pub fn relined(mut self, line: u32) -> Node {
        self.line = line;
        self.value = match self.value {
            Value::Seq(v) => Value::Seq(v.into_iter().map(|n| n.relined(line)).collect()),
            Value::Map(m) => Value::Map(m.into_iter().map(|(k, n)| (k, n.relined(line))).collect()),
            v => v,
        };
        self
    }
    /// A mapping with exactly one key (an intrinsic function call `{Fn::X: args}`).
    pub fn single(&self) -> Option<(&str, &Node)> {
        match self.map()? {
            [(k, v)] => Some((k.as_str(), v)),
            _ => None,
        }
    }
}

/// Why a template could not be read: where, and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn err(line: Option<u32>, message: impl Into<String>) -> ReadError {
    ReadError {
        line,
        message: message.into(),
    }
}

/// CloudFormation's short-form tags and the long form each stands for.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Transform", "Fn::Transform"),
];

/// What a tag turns a node into: the core schema's `!!str`-style tags change nothing; a
/// CloudFormation short form wraps the node in its long form; anything else is refused.
fn apply_tag(tag: Option<&Tag>, node: Node) -> Result<Node, ReadError> {
    let Some(tag) = tag else { return Ok(node) };
    if tag.is_yaml_core_schema() {
        return Ok(node);
    }
    let name = if tag.handle == "!" {
        tag.suffix.as_str()
    } else {
        ""
    };
    let Some((_, long)) = SHORT_FORMS.iter().find(|(s, _)| *s == name) else {
        let shown: String = format!("{}{}", tag.handle, tag.suffix)
            .chars()
            .take(40)
            .collect();
        let allowed: Vec<String> = SHORT_FORMS.iter().map(|(s, _)| format!("!{s}")).collect();
        return Err(err(
            Some(node.line),
            format!(
                "unknown tag `{}`: CloudFormation's short forms are {}",
                shown.escape_debug(),
                allowed.join(", ")
            ),
        ));
    };
    let line = node.line;
    // `!GetAtt Resource.Attribute` is the one short form whose text is split.
    let node = match (&node.value, *long) {
        (Value::Text(s), "Fn::GetAtt") => {
            let (a, b) = s.split_once('.').unwrap_or((s.as_str(), ""));
            let part = |t: &str| Node {
                line,
                value: Value::Text(t.to_string()),
            };
            Node {
                line,
                value: Value::Seq(vec![part(a), part(b)]),
            }
        }
        _ => node,
    };
    Ok(Node {
        line,
        value: Value::Map(vec![(long.to_string(), node)]),
    })
}

/// An open collection while its children are read.
enum Open {
    Seq {
        line: u32,
        tag: Option<Tag>,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        line: u32,
        tag: Option<Tag>,
        anchor: usize,
        entries: Vec<(String, Node)>,
        key: Option<(String, u32)>,
    },
}

fn node_count(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(v) => v.iter().map(node_count).sum(),
        Value::Map(m) => m.iter().map(|(_, v)| node_count(v)).sum(),
        _ => 0,
    }
}

/// Reads template text into a tree. JSON tabs are read as spaces (JSON allows tabs between
/// tokens and never inside a string; YAML refuses them as indentation), so lines stay the same.
pub fn read(text: &str) -> Result<Node, ReadError> {
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(err(
            None,
            format!(
                "the template is {} bytes: at most {MAX_TEMPLATE_BYTES} bytes are read (CloudFormation's own limit is 1 MB)",
                text.len()
            ),
        ));
    }
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    let owned;
    let text = if json && text.contains('\t') {
        owned = text.replace('\t', " ");
        owned.as_str()
    } else {
        text
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let line = Some(e.marker().line() as u32);
            // The scanner has its own limit on `[[[[...` nesting; say it as ours is said.
            if e.info().contains("recursion limit") {
                err(
                    line,
                    format!(
                        "nested more than {MAX_DEPTH} levels deep: a template is never this deep"
                    ),
                )
            } else {
                err(line, format!("not valid YAML or JSON: {}", e.info()))
            }
        })?;
        let line = span.start.line() as u32;
        // A finished node (scalar, alias or closed collection) and its anchor.
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        Some(line),
                        "a second YAML document: a template is one document",
                    ));
                }
                None
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = match (style, text.as_ref()) {
                    (ScalarStyle::Plain, "" | "~" | "null" | "Null" | "NULL") if tag.is_none() => {
                        Value::Null
                    }
                    _ => Value::Text(text.into_owned()),
                };
                let node = apply_tag(tag.as_deref(), Node { line, value })?;
                Some((node, anchor))
            }
            Event::Alias(id) => {
                let Some((_, node)) = anchors.iter().rev().find(|(a, _)| *a == id) else {
                    return Err(err(
                        Some(line),
                        "an alias (`*name`) to an anchor that is not complete here",
                    ));
                };
                let mut copy = node.clone();
                nodes += node_count(&copy).saturating_sub(1);
                copy.line = line;
                Some((copy, 0))
            }
            Event::SequenceStart(anchor, tag) => {
                stack.push(Open::Seq {
                    line,
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                stack.push(Open::Map {
                    line,
                    tag: tag.map(|t| t.into_owned()),
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq {
                    line,
                    tag,
                    anchor,
                    items,
                }) => Some((
                    apply_tag(
                        tag.as_ref(),
                        Node {
                            line,
                            value: Value::Seq(items),
                        },
                    )?,
                    anchor,
                )),
                Some(Open::Map {
                    line,
                    tag,
                    anchor,
                    entries,
                    ..
                }) => Some((
                    apply_tag(
                        tag.as_ref(),
                        Node {
                            line,
                            value: Value::Map(entries),
                        },
                    )?,
                    anchor,
                )),
                None => return Err(err(Some(line), "a collection closes that never opened")),
            },
        };
        if stack.len() > MAX_DEPTH {
            return Err(err(
                Some(line),
                format!("nested more than {MAX_DEPTH} levels deep: a template is never this deep"),
            ));
        }
        let Some((node, anchor)) = finished else {
            continue;
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(err(
                Some(line),
                format!("more than {MAX_NODES} values (aliases count each time they are used)"),
            ));
        }
        if anchor != 0 {
            anchors.push((anchor, node.clone()));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let Value::Text(k) = node.value else {
                        return Err(err(
                            Some(node.line),
                            "a mapping key must be a plain name, not a list, a mapping or null",
                        ));
                    };
                    if entries.iter().any(|(e, _)| *e == k) {
                        return Err(err(
                            Some(node.line),
                            format!("`{}` appears twice in the same mapping", shown(&k)),
                        ));
                    }
                    *key = Some((k, node.line));
                }
                Some((k, _)) => entries.push((k, node)),
            },
        }
    }
    root.ok_or_else(|| err(None, "the template is empty"))
}

/// A name from the template, safe to show: at most 80 characters, control characters escaped.
pub fn shown(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: &Node) -> &str {
        n.text().unwrap()
    }

    #[test]
    fn short_forms_become_long_forms_with_their_lines() {
        let doc =
            read("A: !Ref Bucket\nB: !GetAtt Queue.Arn\nC: !Sub\n  - '${X}'\n  - X: 1\n").unwrap();
        let a = doc.get("A").unwrap();
        assert_eq!(a.line, 1);
        assert_eq!(text(a.get("Ref").unwrap()), "Bucket");
        let b = doc
            .get("B")
            .unwrap()
            .get("Fn::GetAtt")
            .unwrap()
            .seq()
            .unwrap();
        assert_eq!((text(&b[0]), text(&b[1])), ("Queue", "Arn"));
        let c = doc.get("C").unwrap();
        assert_eq!(c.line, 3);
        assert_eq!(c.get("Fn::Sub").unwrap().seq().unwrap().len(), 2);
    }

    #[test]
    fn json_reads_the_same_with_tabs_and_lines() {
        let doc = read("{\n\t\"A\": {\"Ref\": \"B\"},\n\t\"T\": 30\n}").unwrap();
        assert_eq!(text(doc.get("A").unwrap().get("Ref").unwrap()), "B");
        assert_eq!(doc.get("T").unwrap().line, 3);
    }

    #[test]
    fn bad_input_names_its_line() {
        let e = read("A: 1\nB: [1, 2\nC: 3\n").unwrap_err();
        assert!(
            e.line.is_some() && e.message.starts_with("not valid YAML"),
            "{e}"
        );
        let e = read("A: 1\nA: 2\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(2), "`A` appears twice in the same mapping")
        );
        let e = read("A: !Bogus x\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("unknown tag `!Bogus`"), "{e}");
        assert_eq!(read("").unwrap_err().message, "the template is empty");
        let e = read("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn depth_size_and_aliases_are_bounded() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = read(&deep).unwrap_err();
        assert!(e.message.contains("64 levels"), "{e}");
        let mut indented = String::new();
        for i in 0..100 {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        let e = read(&indented).unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("64 levels")),
            (Some(65), true),
            "{e}"
        );
        let big = "#".repeat(MAX_TEMPLATE_BYTES + 1);
        assert!(read(&big).unwrap_err().message.contains("bytes"));
        // Each level doubles the last: 2^30 nodes if expanded.
        let mut laughs = String::from("a0: &a0 [x, x]\n");
        for i in 1..30 {
            laughs.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}]\n", p = i - 1));
        }
        let e = read(&laughs).unwrap_err();
        assert!(e.message.contains("values"), "{e}");
    }

    #[test]
    fn hostile_names_are_shown_escaped_and_bounded() {
        assert_eq!(shown("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 81);
    }
}
