//! The side panel: what the selected box is, how it invokes Lambda, what happens on error, and
//! its parameters — editable, with the core's defaults and ranges; a refused value shows the
//! core's reason, an accepted one re-runs the simulation from the start.

use std::collections::BTreeMap;

use lambdascope_sim::trace::NodeId;
use lambdascope_sim::{Method, Scenario};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::glyph::icon;
use super::Shared;
use crate::catalog::{describe, method_blurb, method_class, method_short, node_method, Service};
use crate::params::{label, params_for, set, Param, ValueKind};
use crate::playback::Session;

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub session: Shared<Session>,
    pub node: Option<u32>,
    pub service: Option<&'static Service>,
    pub on_close: Callback<()>,
    pub on_edit: Callback<Scenario>,
    pub on_load: Callback<usize>,
}

fn method_tag(m: Method) -> Html {
    html! { <span class={classes!("ls-tag", method_class(m))} title={method_blurb(m)}>{method_short(m)}</span> }
}

#[function_component(Panel)]
pub fn panel(p: &PanelProps) -> Html {
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let close_btn = html! { <button type="button" class="ls-btn ls-close" onclick={close} aria-label="Close the panel">{icon("close")}</button> };
    if let Some(id) = p
        .node
        .filter(|id| (*id as usize) < p.session.timeline().topology.nodes.len())
    {
        let topo = &p.session.timeline().topology;
        let node = topo.node(NodeId(id));
        let (title, what, invokes, on_error) = describe(&node.kind);
        // The event queue's error handling depends on the scenario's settings: say what these do.
        let on_error = match node.kind {
            lambdascope_sim::NodeKind::EventQueue => {
                crate::catalog::async_on_error(&p.session.scenario.file.async_config)
            }
            _ => on_error.to_string(),
        };
        let m = node_method(topo, &node.kind);
        return html! {
            <section class="ls-panel" aria-label={format!("{}: details", node.label)}>
                {close_btn}
                <h2>{title}</h2>
                <p class="ls-panel-sub">{format!("{} · {}", node.label, node.detail)}{" "}{m.map(method_tag)}</p>
                <dl>
                    <dt>{"What it is"}</dt><dd>{what}</dd>
                    if !invokes.is_empty() { <dt>{"How it works"}</dt><dd>{invokes}</dd> }
                    if !on_error.is_empty() { <dt>{"On error"}</dt><dd>{on_error}</dd> }
                </dl>
                <ParamForm session={p.session.clone()} node={id} on_edit={p.on_edit.clone()} />
            </section>
        };
    }
    if let Some(s) = p.service {
        let using: Vec<(usize, &crate::scenarios::Entry)> = crate::scenarios::INDEX
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kinds.contains(&s.kind))
            .collect();
        return html! {
            <section class="ls-panel" aria-label={format!("{}: how it invokes Lambda", s.name)}>
                {close_btn}
                <h2>{s.name}</h2>
                <p class="ls-panel-sub">{ for s.kind.methods().iter().map(|m| method_tag(*m)) }</p>
                <dl>
                    <dt>{"What it is"}</dt><dd>{s.what}</dd>
                    <dt>{"How it invokes Lambda"}</dt><dd>{s.invokes}</dd>
                    <dt>{"On error"}</dt><dd>{s.on_error}</dd>
                </dl>
                if using.is_empty() {
                    <p class="ls-hint">{"No bundled scenario uses it yet."}</p>
                } else {
                    <p>{"Watch it:"}</p>
                    <ul class="ls-links">
                        { for using.iter().map(|(i, b)| {
                            let (cb, i) = (p.on_load.clone(), *i);
                            html! { <li><button type="button" class="ls-link" onclick={Callback::from(move |_: MouseEvent| cb.emit(i))}>{b.title}</button></li> }
                        }) }
                    </ul>
                }
            </section>
        };
    }
    let f = &p.session.scenario.file;
    html! {
        <section class="ls-panel" aria-label="About this scenario">
            <h2>{f.title.clone()}</h2>
            <p>{f.summary.clone()}</p>
            <p class="ls-hint">{"Select any box (click it, or Tab to it and press Enter) to see what it is and change its settings. Click a service in the strip above to learn how it invokes Lambda."}</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    session: Shared<Session>,
    node: u32,
    on_edit: Callback<Scenario>,
}

#[function_component(ParamForm)]
fn param_form(p: &FormProps) -> Html {
    let params = use_memo((p.session.clone(), p.node), |(s, node)| {
        params_for(
            &s.scenario.file,
            &s.timeline().topology.node(NodeId(*node)).kind,
        )
    });
    let errors = use_state(BTreeMap::<String, String>::new);
    {
        // Messages belong to the box they were typed in.
        let errors = errors.clone();
        use_effect_with(p.node, move |_| errors.set(BTreeMap::new()));
    }
    if params.is_empty() {
        return Html::default();
    }
    let fields: Html = params
        .iter()
        .map(|param| {
            let apply = {
                let (session, errors, on_edit, param) = (p.session.clone(), errors.clone(), p.on_edit.clone(), param.clone());
                Callback::from(move |text: String| {
                    let mut e = (*errors).clone();
                    match set(&session.scenario.file, &param.path, param.kind, &text) {
                        Ok(s) => {
                            e.remove(&param.path);
                            errors.set(e);
                            on_edit.emit(s);
                        }
                        Err(msg) => {
                            e.insert(param.path.clone(), msg);
                            errors.set(e);
                        }
                    }
                })
            };
            html! { <Field param={param.clone()} error={errors.get(&param.path).cloned()} on_apply={apply} /> }
        })
        .collect();
    html! {
        <form class="ls-params" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <h3>{"Parameters"}</h3>
            <p class="ls-hint">{"Change a value and press Enter: the run restarts from the beginning, keeping the faults you injected. Leave a field empty for its default."}</p>
            {fields}
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    param: Param,
    error: Option<String>,
    on_apply: Callback<String>,
}

#[function_component(Field)]
fn field(p: &FieldProps) -> Html {
    let q = &p.param;
    let id = format!("ls-f-{}", q.path.replace(['.', '[', ']'], "-"));
    let err_id = format!("{id}-err");
    // An empty default (an empty list, an unset name) reads as "none".
    let default = q
        .default
        .as_deref()
        .map(|d| if d.is_empty() { "none" } else { d });
    // Default, range and the fact-sheet row behind them, all from the core's declaration.
    let hint = [
        default.map(|d| format!("default {d}")),
        q.range.as_ref().map(|r| format!("allowed {r}")),
        (!q.row.is_empty()).then(|| q.row.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let on_change = {
        let cb = p.on_apply.clone();
        Callback::from(move |e: Event| {
            let t = e.target();
            let v = t
                .clone()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .or_else(|| {
                    t.and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                        .map(|s| s.value())
                });
            if let Some(v) = v {
                cb.emit(v);
            }
        })
    };
    let invalid = p.error.is_some();
    let control = if !q.choices.is_empty() {
        html! {
            <select id={id.clone()} onchange={on_change} aria-invalid={invalid.to_string()}>
                { for q.choices.iter().map(|c| html! { <option value={c.clone()} selected={*c == q.value}>{c}</option> }) }
            </select>
        }
    } else if q.kind == ValueKind::Bool {
        html! {
            <select id={id.clone()} onchange={on_change}>
                <option value="true" selected={q.value == "true"}>{"true"}</option>
                <option value="false" selected={q.value == "false"}>{"false"}</option>
            </select>
        }
    } else {
        let mode = match q.kind {
            ValueKind::Int => "numeric",
            ValueKind::Float => "decimal",
            _ => "text",
        };
        html! {
            <input id={id.clone()} type="text" inputmode={mode} value={q.value.clone()} placeholder={q.default.clone().unwrap_or_default()}
                   onchange={on_change} aria-invalid={invalid.to_string()} aria-describedby={err_id.clone()} />
        }
    };
    html! {
        <div class={classes!("ls-field", invalid.then_some("ls-invalid"))} data-path={q.path.clone()}>
            <label for={id}>{label(&q.name)}<code>{q.path.clone()}</code></label>
            {control}
            <small class="ls-field-hint">{hint}</small>
            <small id={err_id} class="ls-field-error" role="alert">{p.error.clone().unwrap_or_default()}</small>
        </div>
    }
}
