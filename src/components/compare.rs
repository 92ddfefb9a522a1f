//! Comparison mode: the same six events and the same fault through API Gateway (synchronous),
//! S3 (asynchronous) and SQS (polling), three diagrams on one clock, and the summary table.
//! Everything shown comes from [`crate::compare`], which runs the core.

use std::rc::Rc;

use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::Method;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::glyph::icon;
use super::paced::{use_paced, Preview};
use super::stage::{gap_note, Stage};
use super::Shared;
use crate::catalog::method_class;
use crate::compare::{Clock, ClockAction, Comparison, Fault, Summary};
use crate::hooks::use_media_query;
use crate::playback::{format_clock, format_speed};

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub fault: Fault,
    pub instance: u32,
    /// The learner chose another fault.
    pub on_fault: Callback<Fault>,
}

/// A lane's width until it has been measured: any width under [`crate::layout::NARROW_BELOW_PX`].
/// The lanes are a grid of columns at least 300 px wide (`.ls-lanes` in `lessons.css`), so a lane
/// is narrow in every container under about 1,940 px (one column under 610 px, then two, then three
/// from 920 px): the first frame is drawn narrow, as the measured ones will be, and the page's
/// still (`compare.html`, drawn by the build, which measures nothing) is the same frame. Drawn at
/// the old default (0: wide), every phone's and desktop's first frame was laid out wide and then
/// again narrow.
const LANE_FIRST_WIDTH: f64 = 400.0;

fn method_title(m: Method) -> &'static str {
    match m {
        Method::Synchronous => "Synchronous",
        Method::Asynchronous => "Asynchronous",
        Method::Polling => "Polling",
    }
}

#[function_component(CompareView)]
pub fn compare_view(p: &CompareProps) -> Html {
    let reduced = use_media_query("(prefers-reduced-motion: reduce)");
    let cmp = use_memo(p.fault, |f| Comparison::new(*f).map(Rc::new));
    let Ok(first) = &*cmp else {
        let msg = cmp.as_ref().as_ref().err().cloned().unwrap_or_default();
        return html! { <p class="ls-notice" role="alert">{format!("The comparison cannot run: {msg}")}</p> };
    };
    html! { <CompareInner cmp={Shared(first.clone())} {reduced} instance={p.instance} on_fault={p.on_fault.clone()} /> }
}

#[derive(Properties, PartialEq)]
struct InnerProps {
    cmp: Shared<Comparison>,
    reduced: bool,
    instance: u32,
    on_fault: Callback<Fault>,
}

#[function_component(CompareInner)]
fn compare_inner(p: &InnerProps) -> Html {
    let clock = use_reducer({
        let (cmp, reduced) = (p.cmp.0.clone(), p.reduced);
        move || Clock::new(cmp, reduced)
    });
    // Paced (issue 16): Yew re-renders the three lanes 20 times a second while they play, and
    // their tokens move on every frame between.
    let preview: Preview = {
        let (cmp, c) = (clock.cmp.clone(), clock.cursor.clone());
        Box::new(move |pacer, wall| {
            let lanes: Vec<&lambdascope_sim::Timeline> =
                cmp.lanes.iter().map(|l| l.session.timeline()).collect();
            pacer.frame(&c, &cmp.map, lanes.as_slice(), wall, None)
        })
    };
    let d = use_paced(
        &clock,
        clock.cursor.playing,
        |wall_ms| ClockAction::Tick { wall_ms },
        preview,
    );
    {
        let d = d.clone();
        use_effect_with(p.cmp.clone(), move |c| {
            d.dispatch(ClockAction::Load(c.0.clone()));
        });
    }
    {
        let d = d.clone();
        use_effect_with(p.reduced, move |r| {
            d.dispatch(ClockAction::SetReducedMotion(*r))
        });
    }
    let send = |a: ClockAction| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(a.clone()))
    };
    let on_key = {
        let d = d.clone();
        Callback::from(move |e: KeyboardEvent| {
            use crate::keymap::{claim, read, Key};
            let Some(key) = read(&e) else { return };
            let action = match key {
                Key::PlayPause => ClockAction::Toggle,
                Key::Forward => ClockAction::Step(1),
                Key::Back => ClockAction::Step(-1),
                Key::Start => ClockAction::Home,
                Key::End => ClockAction::End,
                Key::Faster => ClockAction::SpeedStep(1),
                Key::Slower => ClockAction::SpeedStep(-1),
                Key::Replay | Key::Transcript | Key::Help | Key::Escape => return,
            };
            claim(&e);
            d.dispatch(action);
        })
    };
    let c = &*clock;
    let cmp = &c.cmp;
    let faults = Fault::ALL.iter().map(|f| {
        let (cb, f) = (p.on_fault.clone(), *f);
        let id = format!("ls-fault-{}-{}", p.instance, f.slug());
        html! {
            <label class="ls-fault-choice" for={id.clone()}>
                <input type="radio" id={id} name={format!("ls-fault-{}", p.instance)} value={f.slug()} checked={cmp.fault == f}
                    onchange={Callback::from(move |_: Event| cb.emit(f))} />
                <span><b>{f.label()}</b><span class="ls-hint">{format!(" {}", f.blurb())}</span></span>
            </label>
        }
    });
    let scrub = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| lambdascope_sim::parse_f64(&i.value()))
            {
                d.dispatch(ClockAction::SeekScreen(v));
            }
        })
    };
    // Once per comparison, not per frame (a copy of the map's idle stretches on every render).
    let map = (*use_memo(Shared(c.cmp.clone()), |cmp| {
        Shared(Rc::new(cmp.map.clone()))
    }))
    .clone();
    let lanes = cmp.lanes.iter().enumerate().map(|(i, lane)| {
        html! {
            <section class={classes!("ls-lane", method_class(lane.method))} aria-label={format!("{} lane", method_title(lane.method))} data-method={lane.method.label()}>
                <h3>{format!("{} · {}", method_title(lane.method), lane.summary.source)}</h3>
                <Stage session={Shared(lane.session.clone())} at={c.cursor.at} instance={p.instance * 8 + i as u32 + 1} map={map.clone()} max_scale={1.6} gap_note={false} at_ms={c.cursor.exact_ms(&cmp.map)}
                    first_width={LANE_FIRST_WIDTH} live={d.live.clone()} />
            </section>
        }
    });
    html! {
        <div class={classes!("ls-player", "ls-compare", p.reduced.then_some("ls-reduced"))} tabindex="0" onkeydown={on_key}
             aria-label="Comparison: the same events through three invocation methods. Keys: Space play or pause, ← → step, Home End."
             data-ls-playing={c.cursor.playing.to_string()} data-fault={cmp.fault.slug()}>
            <header class="ls-compare-head">
                <h2>{"The same work, three ways"}</h2>
                <p>{"Six events, in two bursts of three ten seconds apart, reach the same function through API Gateway (the client waits), S3 (Lambda queues the event and retries) and an SQS queue (Lambda polls it in batches). Choose what goes wrong; all three run with it on one clock."}</p>
                <fieldset class="ls-faults"><legend>{"The fault"}</legend>{ for faults }</fieldset>
            </header>
            <div class="ls-controls" role="toolbar" aria-label="Playback">
                <button type="button" class="ls-btn" onclick={send(ClockAction::Home)} aria-label="To the start" title="To the start (Home)">{icon("reset")}</button>
                <button type="button" class="ls-btn" onclick={send(ClockAction::Step(-1))} aria-label="Step back one event" title="Step back one event (←)">{icon("back")}</button>
                <button type="button" class="ls-btn ls-primary" onclick={send(ClockAction::Toggle)} data-ls="play" aria-label={if c.cursor.playing { "Pause" } else { "Play" }}
                    title="Play or pause (Space)">{icon(if c.cursor.playing { "pause" } else { "play" })}</button>
                <button type="button" class="ls-btn" onclick={send(ClockAction::Step(1))} aria-label="Step forward one event" title="Step forward one event (→)">{icon("fwd")}</button>
                <output class="ls-clock" aria-label="Simulated AWS time">{format_clock(c.cursor.at)}<span class="ls-clock-end">{format!(" / {}", format_clock(cmp.end()))}</span></output>
                <span class="ls-speed-steps" role="group" aria-label="Speed">
                    <button type="button" class="ls-btn" onclick={send(ClockAction::SpeedStep(-1))} aria-label="Slower">{"−"}</button>
                    <b class="ls-speed-val">{format_speed(c.cursor.speed)}</b>
                    <button type="button" class="ls-btn" onclick={send(ClockAction::SpeedStep(1))} aria-label="Faster">{"+"}</button>
                </span>
            </div>
            <input type="range" class="ls-compare-scrub" min="0" max={format!("{:.0}", cmp.map.end_screen())} step="1" value={format!("{:.0}", c.cursor.screen)}
                oninput={scrub} aria-label="Timeline" aria-valuetext={format_clock(c.cursor.at)} />
            {gap_note(&cmp.map, c.cursor.at)}
            <div class="ls-lanes">{ for lanes }</div>
            {summary_table(&cmp.lanes.iter().map(|l| &l.summary).collect::<Vec<_>>(), cmp.fault)}
        </div>
    }
}

fn summary_table(rows: &[&Summary], fault: Fault) -> Html {
    let cell = |f: &dyn Fn(&Summary) -> Html| {
        rows.iter()
            .map(|s| html! { <td>{f(s)}</td> })
            .collect::<Html>()
    };
    let outcome = |s: &Summary| -> Html {
        match (s.slowest_ms, s.settled) {
            (Some(slow), Some(at)) => {
                html! { <>{format!("slowest event: {}", format_duration_ms(slow))}<br />{format!("all settled at {}", format_clock(at))}</> }
            }
            _ => html! { {format!("{} still in flight at the end", s.in_flight)} },
        }
    };
    html! {
        <div class="ls-table-wrap">
        <table class="ls-summary-table" data-ls="summary">
            <caption>{format!("Summary with {}: {}", fault.label().to_ascii_lowercase(), fault.blurb())}</caption>
            <thead><tr><th scope="col">{""}</th>{ for rows.iter().map(|s| html! { <th scope="col" class={method_class(s.method)}>{format!("{} · {}", method_title(s.method), s.source)}</th> }) }</tr></thead>
            <tbody>
                <tr><th scope="row">{"Handler runs"}</th>{cell(&|s| html! { {if s.throttles > 0 { format!("{} ({} throttled invokes)", s.handler_runs, s.throttles) } else { s.handler_runs.to_string() }} })}</tr>
                <tr><th scope="row">{"What the caller saw"}</th>{cell(&|s| html! { {s.caller.clone()} })}</tr>
                <tr><th scope="row">{"Where the events ended"}</th>{cell(&|s| html! { <ul>{ for s.ended.iter().map(|(k, n)| html! { <li>{format!("{n} {k}")}</li> }) }</ul> })}</tr>
                <tr><th scope="row">{"Duplicates (runs beyond the first per event)"}</th>{cell(&|s| html! { {if s.duplicate_deliveries > 0 { format!("{} ({} duplicate deliveries)", s.repeats, s.duplicate_deliveries) } else { s.repeats.to_string() }} })}</tr>
                <tr><th scope="row">{"Time to final outcome"}</th>{cell(&outcome)}</tr>
            </tbody>
        </table>
        </div>
    }
}
