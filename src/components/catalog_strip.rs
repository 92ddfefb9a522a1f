//! The catalog strip (all ten source kinds, each marked synchronous, asynchronous or polling by
//! colour, badge shape, border pattern and label; click one to learn how it invokes Lambda) and the
//! legend of token shapes and glyphs.

use lambdascope_sim::scene::Glyph;
use lambdascope_sim::{Method, SourceKind};
use yew::prelude::*;

use super::glyph::{glyph, method_badge};
use crate::catalog::{method_class, services, Service};

#[derive(Properties, PartialEq)]
pub struct StripProps {
    /// Source kinds the current scenario uses.
    pub used: Vec<SourceKind>,
    pub filter: Option<Method>,
    pub picked: Option<SourceKind>,
    pub on_pick: Callback<&'static Service>,
}

#[function_component(CatalogStrip)]
pub fn catalog_strip(p: &StripProps) -> Html {
    let items: Html = services()
        .map(|s| {
            let methods = s.kind.methods();
            let m = methods[0];
            let used = p.used.contains(&s.kind);
            let dim = p.filter.is_some_and(|f| !methods.contains(&f));
            let cb = p.on_pick.clone();
            let said = methods.iter().map(|m| m.label()).collect::<Vec<_>>().join(" or ");
            html! {
                <li>
                    <button type="button" class={classes!("ls-svc", method_class(m), used.then_some("ls-used"), dim.then_some("ls-dimmed"), (p.picked == Some(s.kind)).then_some("ls-on"))}
                        data-kind={s.kind.word()} aria-pressed={(p.picked == Some(s.kind)).to_string()}
                        aria-label={format!("{}: invokes Lambda {said}{}", s.name, if used { ", in this scenario" } else { "" })}
                        onclick={Callback::from(move |_: MouseEvent| cb.emit(s))}>
                        <svg class="ls-svc-badge" viewBox="0 0 96 14" aria-hidden="true">
                            { for methods.iter().enumerate().map(|(i, m)| method_badge(*m, 7.0 + 44.0 * i as f64, 7.0)) }
                        </svg>
                        <span class="ls-svc-name">{s.name}</span>
                        <span class="ls-svc-used">{if used { "in this scenario" } else { methods_short(s) }}</span>
                    </button>
                </li>
            }
        })
        .collect();
    html! {
        <nav class="ls-strip" aria-label="The ten services that invoke Lambda">
            <ul>{items}</ul>
        </nav>
    }
}

fn methods_short(s: &Service) -> &'static str {
    match s.kind.methods() {
        [Method::Synchronous] => "synchronous",
        [Method::Asynchronous] => "asynchronous",
        [Method::Polling] => "polling",
        _ => "sync or async",
    }
}

/// What the shapes mean: method badges, token shapes and glyphs.
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// Unfolded (inside the `?` sheet) rather than a folded `<details>` under the diagram.
    #[prop_or_default]
    pub open: bool,
}

#[function_component(Legend)]
pub fn legend(p: &LegendProps) -> Html {
    let token = |class: &'static str, shape: Html, text: &'static str| {
        html! { <li><svg viewBox="-9 -8 18 16" class={classes!("ls-legend-svg", class)} aria-hidden="true">{shape}</svg>{text}</li> }
    };
    let mark = |class: &'static str, text: &'static str| {
        html! { <li><span class="ls-legend-mark"><span class={classes!("ls-mk", class)} /></span>{text}</li> }
    };
    let g = |gl: Glyph, text: &'static str| html! { <li><svg viewBox="-11 -11 22 22" class="ls-legend-svg" aria-hidden="true">{glyph(gl, 0.0, 0.0, 1.0)}</svg>{text}</li> };
    // The token shapes match `tokens.rs`: capsules for what carries work, hollow capsules for
    // answers; squares, circles and diamonds are kept for the methods.
    let capsule = || html! { <rect x="-7" y="-4.5" width="14" height="9" rx="4.5" /> };
    html! {
        <details class="ls-legend" open={p.open}>
            <summary>{"Legend"}</summary>
            <ul>
                <li><svg viewBox="0 0 54 14" class="ls-legend-svg ls-wide" aria-hidden="true">{method_badge(Method::Synchronous, 7.0, 7.0)}</svg>{"synchronous: the caller waits (square, solid border)"}</li>
                <li><svg viewBox="0 0 54 14" class="ls-legend-svg ls-wide" aria-hidden="true">{method_badge(Method::Asynchronous, 7.0, 7.0)}</svg>{"asynchronous: queued, 202 at once (circle, dashed border)"}</li>
                <li><svg viewBox="0 0 54 14" class="ls-legend-svg ls-wide" aria-hidden="true">{method_badge(Method::Polling, 7.0, 7.0)}</svg>{"polling: Lambda reads batches (diamond, dotted border)"}</li>
                {token("ls-t-sync", capsule(), "a request or an Invoke call, blue: synchronous (number: the SDK's send)")}
                {token("ls-t-async", capsule(), "an event or an attempt, orange: asynchronous (number: the attempt)")}
                {token("ls-t-poll", html! { <>
                    <rect x="-5" y="-7" width="14" height="9" rx="4.5" /><rect x="-7" y="-5" width="14" height="9" rx="4.5" /><rect x="-9" y="-3" width="14" height="9" rx="4.5" />
                </> }, "a batch leaving a queue or stream, green: polling (number: its size)")}
                {token("ls-t-ok", html! { <rect x="-7" y="-4.5" width="14" height="9" rx="4.5" class="ls-t-hollow" /> }, "an answer: hollow, green for success, red for an error (its status beside it)")}
                {token("ls-t-bad", html! { <path class="ls-t-ring" d="M 3.2 4.6 A 5.5 5.5 0 1 1 5 -2.4 M 1.8 -4.6 L 5 -2.4 L 5.6 1.2" /> }, "a failed event going back to wait for its retry")}
                {token("ls-t-bad", html! { <rect x="-7" y="-4" width="14" height="8" /> }, "a record for a DLQ or a destination")}
                {token("ls-t-dup", html! { <circle r="6.5" class="ls-t-ring ls-t-dash" /> }, "dashed ring around a message: a duplicate delivery")}
                <li><span class="ls-legend-mark"><span class="ls-trail-sample" /></span>{"trail: where a message just came from; a ring where it lands"}</li>
                <li><svg viewBox="-9 -8 18 16" class="ls-legend-svg" aria-hidden="true"><rect class="ls-slot" x="-8" y="-3" width="8" height="5" rx="2.5" /><rect class="ls-slot ls-slot-invisible" x="1" y="-3" width="8" height="5" rx="2.5" /></svg>{"in a queue: a message waiting (filled) or received and invisible (hollow)"}</li>
                {g(Glyph::Error, "function error")}
                {g(Glyph::Timeout, "timeout")}
                {g(Glyph::Throttle, "throttle (429)")}
                {g(Glyph::GaveUp, "caller gave up (504)")}
                {g(Glyph::DeliveryFailed, "source could not reach Lambda")}
                {g(Glyph::Rejected, "payload too large (413)")}
                {super::scaling::legend_entry()}
                {mark("ls-mk-error", "timeline: a function error")}
                {mark("ls-mk-retry", "timeline: a retry scheduled")}
                {mark("ls-mk-throttle", "timeline: a throttle")}
                {mark("ls-mk-dead", "timeline: dead-lettered or dropped")}
                {mark("ls-mk-caller", "timeline: a caller got an error")}
                {mark("ls-mk-input", "timeline: a fault you injected (the run forks there)")}
                <li><span class="ls-legend-mark"><span class="ls-gapband" /></span>{"timeline: idle time compressed on screen (+58 s)"}</li>
            </ul>
        </details>
    }
}
