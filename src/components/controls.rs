//! The transport bar: play/pause, step ±1 event, reset, the clock, a log-scale speed, the seed,
//! and the method filter.

use lambdascope_sim::{Method, SimTime};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::glyph::icon;
use crate::catalog::{method_class, method_short};
use crate::playback::{format_clock, format_speed, slider_value, speed_from_log, Action};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub at: SimTime,
    pub end: SimTime,
    pub speed: f64,
    pub seed: u64,
    pub filter: Option<Method>,
    pub on_action: Callback<Action>,
    pub on_seed: Callback<u64>,
    pub on_filter: Callback<Option<Method>>,
    pub on_help: Callback<()>,
}

/// The classes of [`fixed`] boxes by their width in characters (`lambdascope.css`).
const FIXED: [&str; 13] = [
    "ls-fixed",
    "ls-fixed ls-ch-1",
    "ls-fixed ls-ch-2",
    "ls-fixed ls-ch-3",
    "ls-fixed ls-ch-4",
    "ls-fixed ls-ch-5",
    "ls-fixed ls-ch-6",
    "ls-fixed ls-ch-7",
    "ls-fixed ls-ch-8",
    "ls-fixed ls-ch-9",
    "ls-fixed ls-ch-10",
    "ls-fixed ls-ch-11",
    "ls-fixed ls-ch-12",
];

/// Text that changes with every frame of playback (the clock, the next event's number) in an
/// inline box exactly as wide as its characters (tabular digits, a `ch` each) and laid out on its
/// own (`contain: size layout`): a new value then lays out that box only, not the page around it,
/// which had cost as much as the rest of a frame on a phone (issue 16). Longer text (none the
/// player shows) is left unboxed.
pub fn fixed(text: String) -> Html {
    let class = FIXED.get(text.chars().count()).copied();
    html! { <span class={class}>{text}</span> }
}

fn input_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
}

#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let act = |a: Action| {
        let cb = p.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let speed = {
        let cb = p.on_action.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = input_value(&e).and_then(|v| lambdascope_sim::parse_f64(&v)) {
                cb.emit(Action::SetSpeed(speed_from_log(v)));
            }
        })
    };
    let seed = {
        let cb = p.on_seed.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = input_value(&e).and_then(|v| v.trim().parse::<u64>().ok()) {
                cb.emit(v);
            }
        })
    };
    let filters: Html = [None, Some(Method::Synchronous), Some(Method::Asynchronous), Some(Method::Polling)]
        .into_iter()
        .map(|m| {
            let cb = p.on_filter.clone();
            let on = p.filter == m;
            let (label, class) = match m {
                None => ("All", "ls-m-none"),
                Some(m) => (method_short(m), method_class(m)),
            };
            html! {
                <button type="button" class={classes!("ls-chip", class, on.then_some("ls-on"))} aria-pressed={on.to_string()}
                    title={m.map(crate::catalog::method_blurb).unwrap_or("Show every invocation method")}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(m))}>{label}</button>
            }
        })
        .collect();
    let help = {
        let cb = p.on_help.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div class="ls-controls" role="toolbar" aria-label="Playback">
            <button type="button" class="ls-btn" onclick={act(Action::Step(-1))} title="Step back one event (←)" aria-label="Step back one event">{icon("back")}</button>
            <button type="button" class="ls-btn ls-primary" data-ls="play" onclick={act(Action::Toggle)}
                title={if p.playing { "Pause (Space)" } else { "Play (Space)" }} aria-label={if p.playing { "Pause" } else { "Play" }}>
                {icon(if p.playing { "pause" } else { "play" })}
            </button>
            <button type="button" class="ls-btn" onclick={act(Action::Step(1))} title="Step forward one event (→)" aria-label="Step forward one event">{icon("fwd")}</button>
            <button type="button" class="ls-btn" onclick={act(Action::Reset)} title="Reset: back to the start, without injected faults" aria-label="Reset">{icon("reset")}</button>
            <output class="ls-clock" aria-label="Simulated AWS time" title="Simulated AWS time (real AWS durations; idle waits are compressed on screen only)">
                {fixed(format_clock(p.at))}<span class="ls-clock-end">{format!(" / {}", format_clock(p.end))}</span>
            </output>
            <label class="ls-speed">
                <span>{"Speed "}<b>{format_speed(p.speed)}</b></span>
                <input type="range" min="-2" max="2" step="0.05" value={slider_value(p.speed)} oninput={speed}
                    aria-label="Speed (logarithmic)" aria-valuetext={format_speed(p.speed)} />
            </label>
            <label class="ls-seed">
                <span>{"Seed"}</span>
                <input type="number" min="0" step="1" value={p.seed.to_string()} onchange={seed} aria-label="Random seed" />
            </label>
            <div class="ls-filter" role="group" aria-label="Highlight an invocation method">{filters}</div>
            <button type="button" class="ls-btn" onclick={help} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{icon("help")}</button>
        </div>
    }
}
