//! The scenario the importer writes: TOML text laid out as a person would write it, every value
//! that came from the template preceded by a comment naming where (logical id, property, line),
//! and what the workload adds said as such. The text is then read back by the core's own parser
//! ([`lambdascope_sim::Scenario::parse`]), so the importer never builds the core's types itself.

/// One `key = value` line, with the comment lines above it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: toml::Value,
    pub comment: Option<String>,
}

/// A `[table]` or `[[array]]` section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub header: String,
    pub comments: Vec<String>,
    pub entries: Vec<Entry>,
}

impl Section {
    pub fn new(header: &str) -> Section {
        Section {
            header: header.to_string(),
            ..Section::default()
        }
    }
    pub fn set(&mut self, key: &str, value: impl Into<toml::Value>, comment: Option<String>) {
        let value = value.into();
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => {
                e.value = value;
                e.comment = comment;
            }
            None => self.entries.push(Entry {
                key: key.to_string(),
                value,
                comment,
            }),
        }
    }
    pub fn get(&self, key: &str) -> Option<&toml::Value> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }
}

/// An inline table (`{ kind = "sqs", name = "q" }`) from key/value pairs.
pub fn inline(pairs: &[(&str, toml::Value)]) -> toml::Value {
    let mut t = toml::Table::new();
    for (k, v) in pairs {
        t.insert((*k).to_string(), v.clone());
    }
    toml::Value::Table(t)
}

/// Comment text on one line each (a template name can hold a newline; a comment cannot).
fn comment_lines(out: &mut String, text: &str) {
    for line in text.lines() {
        out.push_str("# ");
        out.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
        out.push('\n');
    }
}

/// The document: comment lines first, then the top-level keys, then each section in order.
pub fn to_text(preamble: &[String], top: &Section, sections: &[Section]) -> String {
    let mut out = String::new();
    for p in preamble {
        comment_lines(&mut out, p);
    }
    let write = |out: &mut String, s: &Section| {
        for c in &s.comments {
            comment_lines(out, c);
        }
        if !s.header.is_empty() {
            out.push_str(&s.header);
            out.push('\n');
        }
        for e in &s.entries {
            if let Some(c) = &e.comment {
                comment_lines(out, c);
            }
            out.push_str(&format!("{} = {}\n", e.key, e.value));
        }
    };
    write(&mut out, top);
    for s in sections {
        out.push('\n');
        write(&mut out, s);
    }
    out
}
