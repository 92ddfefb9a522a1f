//! Live fault injection: each button forks the run at the current instant (the core re-simulates
//! the future with the fault applied). Scrub back and inject again to branch from an earlier point.

use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::{Input, SimTime};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::controls::fixed;
use super::Shared;
use crate::playback::{format_clock, Session};

#[derive(Properties, PartialEq)]
pub struct InjectProps {
    pub session: Shared<Session>,
    pub at: SimTime,
    pub on_inject: Callback<Input>,
    /// The next event a source produces after the cursor (its time and number), to poison.
    #[prop_or_default]
    pub next_event: Option<(SimTime, u64)>,
    #[prop_or_default]
    pub on_poison: Callback<()>,
    /// The section's element, for the player to see whether it is on screen.
    #[prop_or_default]
    pub node: NodeRef,
}

pub fn describe(input: &Input) -> String {
    match input {
        Input::FailNextAttempt => "the next handler run throws".into(),
        Input::TimeOutNextAttempt => "the next handler run times out".into(),
        Input::Throttle { for_ms } => format!(
            "every invoke is throttled for {}",
            format_duration_ms(*for_ms)
        ),
        Input::SlowDown { factor, for_ms } => format!(
            "the handler runs {factor}× slower for {}",
            format_duration_ms(*for_ms)
        ),
        Input::Publish { source } => format!("{source} publishes one more event"),
    }
}

#[function_component(Inject)]
pub fn inject(p: &InjectProps) -> Html {
    let sources: Vec<String> = p
        .session
        .scenario
        .file
        .sources
        .iter()
        .map(|s| s.id().to_string())
        .collect();
    let publish_from = use_state(|| sources.first().cloned().unwrap_or_default());
    let publish_from_value = if sources.contains(&publish_from) {
        (*publish_from).clone()
    } else {
        sources.first().cloned().unwrap_or_default()
    };
    let button = |label: &'static str, title: &'static str, input: Input| {
        let cb = p.on_inject.clone();
        html! { <button type="button" class="ls-btn ls-fault" title={title} onclick={Callback::from(move |_: MouseEvent| cb.emit(input.clone()))}>{label}</button> }
    };
    let pick = {
        let st = publish_from.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                st.set(s.value());
            }
        })
    };
    let publish = {
        let (cb, src) = (p.on_inject.clone(), publish_from_value.clone());
        Callback::from(move |_: MouseEvent| {
            cb.emit(Input::Publish {
                source: src.clone(),
            })
        })
    };
    let applied = p.session.inputs();
    let poisoned = &p.session.scenario.file.function.poison_items;
    let poison = {
        let cb = p.on_poison.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let poison_title = match p.next_event {
        Some((at, n)) => format!("Event #{n} (produced at {}) fails on every delivery: a poison message or record. The run is re-simulated; everything before it stays the same.", format_clock(at)),
        None => "No source produces another event after this moment".to_string(),
    };
    let poison_note = (!poisoned.is_empty()).then(|| {
        let list = poisoned.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ");
        html! { <p class="ls-hint">{format!("Poisoned (function.poison_items): event {list}.")}</p> }
    });
    let log: Html = if applied.is_empty() {
        html! { <p class="ls-hint">{"No faults injected: this is the scenario as written. Each fault forks the run from the current moment."}</p> }
    } else {
        html! {
            <ol class="ls-branch" aria-label="Injected faults">
                { for applied.iter().map(|i| html! { <li><span class="ls-time">{format_clock(i.at)}</span>{" fault: "}{describe(&i.input)}</li> }) }
            </ol>
        }
    };
    html! {
        <section class="ls-inject" aria-label="Inject a fault" ref={p.node.clone()}>
            <h3>{format!("Break it at {}", format_clock(p.at))}</h3>
            <div class="ls-fault-row">
                {button("Fail next attempt", "The next handler run throws (forks the run here)", Input::FailNextAttempt)}
                {button("Time out next attempt", "The next handler run hits the function timeout", Input::TimeOutNextAttempt)}
                {button("Throttle 10 s", "Lambda throttles every invoke for 10 s (429)", Input::Throttle { for_ms: 10_000 })}
                {button("Slow down 5× for 30 s", "Handler runs take five times longer for 30 s", Input::SlowDown { factor: 5, for_ms: 30_000 })}
                <span class="ls-publish">
                    <select aria-label="Source to publish from" onchange={pick}>
                        { for sources.iter().map(|s| html! { <option value={s.clone()} selected={*s == publish_from_value}>{s}</option> }) }
                    </select>
                    <button type="button" class="ls-btn ls-fault" onclick={publish} title="The source produces one more event now">{"Publish one event"}</button>
                </span>
                <button type="button" class="ls-btn ls-fault" onclick={poison} disabled={p.next_event.is_none()} title={poison_title}>
                    // The number in a box of its own (it changes on most frames while a burst plays).
                    {match p.next_event { Some((_, n)) => html! { <span>{"Poison the next event (#"}{fixed(n.to_string())}{")"}</span> }, None => html! { {"Poison the next event"} } }}
                </button>
            </div>
            {log}
            {poison_note}
        </section>
    }
}
