//! A Step Functions state machine whose Task states invoke the function (§5 of the fact sheet):
//! its inline definition (`Definition`, or `DefinitionString` after `Fn::Sub`, with SAM's
//! `DefinitionSubstitutions`) flattened into `[[sources.states]]` tables with their Retry and
//! Catch. What the simulator has no state for is said and approximated visibly: a Task that calls
//! something else is a Pass state, a Choice follows its Default (or first rule).

use lambdascope_sim::scenario::{LAMBDA_INVOKE, LAMBDA_INVOKE_WAIT};

use super::{Builder, Class, Res, Src, MAX_HORIZON_MS};
use crate::doc::{inline, Section};
use crate::intrinsic::Val;
use crate::yaml::{read, shown, Node};

/// A Step Functions machine as a source, or `None` when none of its tasks call this function.
pub(super) fn map<'t>(b: &mut Builder<'_, 't>, r: &Res<'t>) -> Option<Src> {
    let def: Node = if let Some(d) = r.prop("Definition") {
        d.clone()
    } else if let Some(d) = r.prop("DefinitionString") {
        let text = match b.eval(d) {
            Val::Text(t) => t,
            _ => {
                b.note(
                    d.line,
                    format!("{}.DefinitionString is not known here; not mapped", r.id),
                );
                return None;
            }
        };
        match read(&text) {
            Ok(n) => n.relined(d.line),
            Err(e) => {
                b.note(
                    d.line,
                    format!(
                        "{}.DefinitionString is not valid JSON ({e}); not mapped",
                        r.id
                    ),
                );
                return None;
            }
        }
    } else {
        for k in ["DefinitionUri", "DefinitionS3Location"] {
            if let Some(n) = r.prop(k) {
                b.note(n.line, format!("{}.{k}: the definition is in a separate file, which is not read; only inline definitions are mapped", r.id));
            }
        }
        return None;
    };
    let subs: Vec<(String, String)> = match r.prop("DefinitionSubstitutions").and_then(Node::map) {
        Some(m) => m
            .iter()
            .filter_map(|(k, v)| match b.eval(v) {
                Val::Text(t) => Some((k.clone(), t)),
                Val::Res { id, attr: None } => Some((k.clone(), format!("${{{id}}}"))),
                Val::Res { id, attr: Some(a) } => Some((k.clone(), format!("${{{id}.{a}}}"))),
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    };
    let mut m = Machine {
        owner: r.id.to_string(),
        line: r.line,
        subs,
        states: Vec::new(),
        tasks: Vec::new(),
        waits_s: 0,
        choices: Vec::new(),
    };
    let start = def.get("StartAt").and_then(Node::text)?.to_string();
    let states = def.get("States")?;
    m.walk(b, states);
    if m.tasks.is_empty() {
        return None;
    }
    m.follow_choices(b);
    m.prune(b, &start);
    let mut src = b.new_source("step_functions", r.id, super::head(r.id, r.ty, r.line));
    src.class = Class::StateMachine;
    src.section.set("state_machine", r.id, None);
    src.section.set("start_at", start, None);
    // The workload: the first task that calls this function keeps failing, so its Retry and
    // Catch (or the execution's failure without them) show.
    let t = b.timeout_ms();
    let mut settle = 10_000 + m.waits_s.saturating_mul(1000);
    if let Some(first) = m.tasks.first() {
        if let Some(s) = m
            .states
            .iter_mut()
            .find(|s| s.get("name").and_then(|v| v.as_str()) == Some(first.0.as_str()))
        {
            s.set(
                "behaviour",
                inline(&[("kind", "throw".into())]),
                Some(
                    "workload: this task's calls keep failing, so its Retry and Catch are seen"
                        .into(),
                ),
            );
        }
    }
    for (_, retriers) in &m.tasks {
        settle = settle.saturating_add(t);
        for &(interval_s, attempts, rate, max_delay_s) in retriers {
            let mut d = interval_s.saturating_mul(1000) as f64;
            for _ in 0..attempts.min(1000) {
                let capped = max_delay_s.map_or(d, |c| d.min(c.saturating_mul(1000) as f64));
                settle = settle.saturating_add(capped as u64).saturating_add(t);
                d *= rate;
            }
        }
    }
    src.settle_ms = settle.min(MAX_HORIZON_MS);
    src.states = m.states;
    Some(src)
}

/// A retrier's (IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds), for the horizon.
type RetrySpan = (u64, u64, f64, Option<u64>);

struct Machine {
    owner: String,
    line: u32,
    subs: Vec<(String, String)>,
    states: Vec<Section>,
    /// Tasks that call the function, with each retrier's (interval s, attempts, rate, max delay s).
    tasks: Vec<(String, Vec<RetrySpan>)>,
    waits_s: u64,
    /// Choice states: name, line, and the states their rules and Default lead to.
    choices: Vec<(String, u32, Vec<String>)>,
}

impl Machine {
    /// A text field with `DefinitionSubstitutions` applied.
    fn text(&self, b: &mut Builder, n: &Node) -> Val {
        match b.eval(n) {
            Val::Text(mut t) => {
                for (k, v) in &self.subs {
                    t = t.replace(&format!("${{{k}}}"), v);
                }
                Val::Text(t)
            }
            v => v,
        }
    }

    fn walk(&mut self, b: &mut Builder, states: &Node) {
        let Some(entries) = states.map() else {
            b.note(
                states.line,
                format!("{}: States is not a mapping; not mapped", self.owner),
            );
            return;
        };
        for (name, st) in entries {
            self.state(b, name, st);
        }
    }

    fn state(&mut self, b: &mut Builder, name: &str, st: &Node) {
        let owner = format!("{}: state `{}`", self.owner, shown(name));
        let ty = st.get("Type").and_then(Node::text).unwrap_or("");
        let mut s = Section::new("[[sources.states]]");
        let mut keep_errors = true;
        let mut kind = match ty {
            "Task" => "task",
            "Parallel" => "parallel",
            "Map" => "map",
            "Pass" => "pass",
            "Wait" => "wait",
            "Succeed" => "succeed",
            "Fail" => "fail",
            "Choice" => "pass",
            other => {
                b.note(
                    st.line,
                    format!(
                        "{owner}: type `{}` is not simulated; shown as a Pass state",
                        shown(other)
                    ),
                );
                "pass"
            }
        };
        let mut task_resource = None;
        if ty == "Task" {
            let resource = st
                .get("Resource")
                .map(|n| self.text(b, n))
                .unwrap_or(Val::Null);
            let rtext = resource.text().unwrap_or("").to_string();
            let calls_it = if rtext.starts_with(LAMBDA_INVOKE) {
                let args = st.get("Parameters").or_else(|| st.get("Arguments"));
                let fname = args
                    .and_then(|a| a.get("FunctionName"))
                    .map(|n| self.text(b, n));
                fname.is_some_and(|f| b.is_this_function(&f))
            } else {
                b.is_this_function(&resource)
            };
            if calls_it {
                task_resource = Some(if rtext == LAMBDA_INVOKE_WAIT {
                    LAMBDA_INVOKE_WAIT
                } else {
                    LAMBDA_INVOKE
                });
                if rtext == LAMBDA_INVOKE_WAIT {
                    b.note(st.line, format!("{owner}: the worker that answers the task token is not in the template; it never answers here (set `callback` to simulate one)"));
                }
            } else {
                b.note(
                    st.line,
                    format!(
                        "{owner} calls `{}`, not {}: shown as a Pass state",
                        shown(&rtext),
                        b.f.id
                    ),
                );
                kind = "pass";
                keep_errors = false;
            }
        }
        s.set("type", kind, Some(format!("{owner} (line {})", st.line)));
        s.set("name", name, None);
        if ty == "Choice" {
            // Its rules' targets, then the Default; which one is followed is decided once the
            // whole machine is read (the first that reaches a task of this function).
            let mut ways: Vec<String> = st
                .get("Choices")
                .and_then(Node::seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|c| c.get("Next").and_then(Node::text).map(String::from))
                .collect();
            ways.extend(st.get("Default").and_then(Node::text).map(String::from));
            match ways.first() {
                Some(n) => s.set("next", n.as_str(), None),
                None => {
                    b.note(
                        st.line,
                        format!(
                            "{owner}: a Choice with no Default or rule; the execution ends there"
                        ),
                    );
                    s.set("end", true, None);
                }
            }
            if !ways.is_empty() {
                self.choices.push((name.to_string(), st.line, ways));
            }
        } else if !matches!(kind, "succeed" | "fail") {
            match (st.get("Next").and_then(Node::text), st.get("End")) {
                (Some(n), _) => s.set("next", n, None),
                _ => s.set("end", true, None),
            }
        }
        if let Some(r) = task_resource {
            if r != LAMBDA_INVOKE {
                s.set("resource", r, None);
            }
            for (k, key) in [
                ("TimeoutSeconds", "timeout_seconds"),
                ("HeartbeatSeconds", "heartbeat_seconds"),
            ] {
                if let Some((v, c)) = b.uint_from(Some(st), &owner, k) {
                    s.set(key, v as i64, Some(c));
                }
            }
        }
        let mut retriers = Vec::new();
        if keep_errors && matches!(kind, "task" | "parallel" | "map") {
            if let Some(list) = st.get("Retry").and_then(Node::seq) {
                let mut out = Vec::new();
                for r in list {
                    let mut pairs = vec![("error_equals", self.errors(b, r))];
                    let interval = b
                        .uint_from(Some(r), &owner, "IntervalSeconds")
                        .map_or(1, |v| v.0);
                    let attempts = b
                        .uint_from(Some(r), &owner, "MaxAttempts")
                        .map_or(3, |v| v.0);
                    let rate = r
                        .get("BackoffRate")
                        .and_then(|n| b.float(n, &format!("{owner}.BackoffRate")))
                        .unwrap_or(2.0);
                    let max_delay = b.uint_from(Some(r), &owner, "MaxDelaySeconds").map(|v| v.0);
                    pairs.push(("interval_seconds", (interval as i64).into()));
                    pairs.push(("max_attempts", (attempts as i64).into()));
                    pairs.push(("backoff_rate", rate.into()));
                    if let Some(m) = max_delay {
                        pairs.push(("max_delay_seconds", (m as i64).into()));
                    }
                    if let Some(j) = r.get("JitterStrategy").and_then(Node::text) {
                        pairs.push(("jitter_strategy", j.into()));
                    }
                    retriers.push((interval, attempts, rate.max(1.0), max_delay));
                    out.push(inline(&pairs));
                }
                s.set(
                    "retry",
                    toml::Value::Array(out),
                    Some(format!(
                        "{owner}.Retry (line {})",
                        st.get("Retry").map_or(st.line, |n| n.line)
                    )),
                );
            }
            if let Some(list) = st.get("Catch").and_then(Node::seq) {
                let mut out = Vec::new();
                for c in list {
                    let mut pairs = vec![("error_equals", self.errors(b, c))];
                    if let Some(n) = c.get("Next").and_then(Node::text) {
                        pairs.push(("next", n.into()));
                    }
                    if let Some(p) = c.get("ResultPath").and_then(Node::text) {
                        pairs.push(("result_path", p.into()));
                    }
                    out.push(inline(&pairs));
                }
                s.set(
                    "catch",
                    toml::Value::Array(out),
                    Some(format!(
                        "{owner}.Catch (line {})",
                        st.get("Catch").map_or(st.line, |n| n.line)
                    )),
                );
            }
        }
        if task_resource.is_some() {
            self.tasks.push((name.to_string(), retriers));
        }
        match kind {
            "wait" => match b.uint_from(Some(st), &owner, "Seconds") {
                Some((v, c)) => {
                    self.waits_s = self.waits_s.saturating_add(v);
                    s.set("seconds", v as i64, Some(c));
                }
                None => {
                    b.note(st.line, format!("{owner}: a Wait without fixed Seconds (SecondsPath, Timestamp) waits 0 s here"));
                    s.set("seconds", 0, None);
                }
            },
            "fail" => {
                let error = st
                    .get("Error")
                    .and_then(Node::text)
                    .unwrap_or("States.Fail");
                s.set("error", error, None);
                if let Some(c) = st.get("Cause").and_then(Node::text) {
                    s.set("cause", c, None);
                }
            }
            _ => {}
        }
        // Nested scopes follow their state (branches and item processors are flattened).
        let mut nested: Vec<&Node> = Vec::new();
        if kind == "parallel" {
            let mut roots = Vec::new();
            for br in st.get("Branches").and_then(Node::seq).unwrap_or(&[]) {
                if let Some(sa) = br.get("StartAt").and_then(Node::text) {
                    roots.push(toml::Value::String(sa.to_string()));
                    nested.extend(br.get("States"));
                }
            }
            s.set("branches", toml::Value::Array(roots), None);
        }
        if kind == "map" {
            let proc = st.get("ItemProcessor").or_else(|| st.get("Iterator"));
            if let Some(mode) = proc
                .and_then(|p| p.get("ProcessorConfig"))
                .and_then(|c| c.get("Mode"))
                .and_then(Node::text)
            {
                if mode == "DISTRIBUTED" {
                    b.note(st.line, format!("{owner}: a Distributed Map is shown as an inline Map (at most 40 items at once)"));
                }
            }
            if let Some(sa) = proc.and_then(|p| p.get("StartAt")).and_then(Node::text) {
                s.set("item_processor_start_at", sa, None);
            }
            nested.extend(proc.and_then(|p| p.get("States")));
            s.set(
                "items",
                3,
                Some("workload: the input array holds 3 items".into()),
            );
            if let Some((v, c)) = b.uint_from(Some(st), &owner, "MaxConcurrency") {
                s.set("max_concurrency", v as i64, Some(c));
            }
        }
        self.states.push(s);
        for n in nested {
            self.walk(b, n);
        }
    }

    fn errors(&self, b: &mut Builder, n: &Node) -> toml::Value {
        let list: Vec<toml::Value> = match n.get("ErrorEquals").map(|e| b.eval(e)) {
            Some(Val::List(l)) => l
                .iter()
                .filter_map(|v| v.text().map(|t| toml::Value::String(t.into())))
                .collect(),
            _ => Vec::new(),
        };
        toml::Value::Array(list)
    }

    /// Each Choice (shown as a Pass) follows the first of its ways that reaches a task of this
    /// function, else its first way; said in a note either way.
    fn follow_choices(&mut self, b: &mut Builder) {
        for (name, line, ways) in std::mem::take(&mut self.choices) {
            let chosen = ways
                .iter()
                .find(|w| {
                    let reached = self.reached_from(w);
                    self.tasks.iter().any(|(t, _)| reached.contains(t))
                })
                .unwrap_or(&ways[0])
                .clone();
            if let Some(s) = self.states.iter_mut().find(|s| state_name(s) == name) {
                s.set("next", chosen.as_str(), None);
            }
            b.note(
                line,
                format!(
                    "{}: state `{}`: Choice states are not simulated; the execution follows `{}` (of {})",
                    self.owner,
                    shown(&name),
                    shown(&chosen),
                    ways.iter().map(|w| format!("`{}`", shown(w))).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }

    /// Drops states nothing reaches any more (a Catch target of a task shown as a Pass).
    /// Every state reachable from `start` (next, catch, branches, item processor).
    fn reached_from(&self, start: &str) -> Vec<String> {
        let mut reached: Vec<String> = vec![start.to_string()];
        let mut i = 0;
        while i < reached.len() {
            let here = reached[i].clone();
            i += 1;
            let Some(s) = self.states.iter().find(|s| state_name(s) == here) else {
                continue;
            };
            let mut next: Vec<String> = Vec::new();
            for key in ["next", "item_processor_start_at"] {
                next.extend(s.get(key).and_then(|v| v.as_str()).map(String::from));
            }
            if let Some(a) = s.get("branches").and_then(|v| v.as_array()) {
                next.extend(a.iter().filter_map(|v| v.as_str().map(String::from)));
            }
            if let Some(a) = s.get("catch").and_then(|v| v.as_array()) {
                next.extend(
                    a.iter()
                        .filter_map(|c| c.get("next").and_then(|v| v.as_str()).map(String::from)),
                );
            }
            for n in next {
                if !reached.contains(&n) {
                    reached.push(n);
                }
            }
        }
        reached
    }

    fn prune(&mut self, b: &mut Builder, start: &str) {
        let reached = self.reached_from(start);
        let (owner, line) = (self.owner.clone(), self.line);
        self.states.retain(|s| {
            let n = state_name(s);
            let keep = reached.contains(&n);
            if !keep {
                b.note(
                    line,
                    format!(
                        "{owner}: state `{}` is no longer reached and is left out",
                        shown(&n)
                    ),
                );
            }
            keep
        });
        self.tasks.retain(|(t, _)| reached.contains(t));
    }
}

fn state_name(s: &Section) -> String {
    s.get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string()
}
