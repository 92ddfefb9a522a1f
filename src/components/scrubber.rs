//! The scrubbable timeline: drag or click anywhere to see that instant; ticks mark errors,
//! throttles, retries, dead-lettering and answers with an error; hatched bands are idle stretches
//! compressed on screen ("+58 s"); lightning marks are faults you injected (each one forked the run).

use lambdascope_sim::scene::MarkerKind;
use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::SimTime;
use yew::prelude::*;

use super::Shared;
use crate::playback::{format_clock, Session};

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub session: Shared<Session>,
    pub at: SimTime,
    pub screen: f64,
    /// Seek to a position on the screen axis.
    pub on_seek: Callback<f64>,
}

fn marker_class(k: MarkerKind) -> (&'static str, &'static str) {
    match k {
        MarkerKind::Error => ("ls-mk-error", "function error"),
        MarkerKind::Throttle => ("ls-mk-throttle", "throttle"),
        MarkerKind::Retry => ("ls-mk-retry", "retry scheduled"),
        MarkerKind::DeadLetter => ("ls-mk-dead", "dead-lettered or dropped"),
        MarkerKind::CallerError => ("ls-mk-caller", "caller got an error"),
    }
}

/// Labels near either end of the bar align to that end, so they never stick out of the player.
fn edge_class(fraction: f64) -> Option<&'static str> {
    if fraction > 0.88 {
        Some("ls-at-end")
    } else if fraction < 0.12 {
        Some("ls-at-start")
    } else {
        None
    }
}

/// Pointer position → screen-axis position, relative to the track. (Not `current_target`:
/// Yew delegates events, so that is the app's root, not this element.)
fn position(e: &PointerEvent, track: &NodeRef, end: f64) -> Option<f64> {
    let el = track.cast::<web_sys::Element>()?;
    let r = el.get_bounding_client_rect();
    if r.width() <= 0.0 {
        return None;
    }
    Some(((e.client_x() as f64 - r.left()) / r.width()).clamp(0.0, 1.0) * end)
}

#[derive(Properties, PartialEq)]
struct MarksProps {
    session: Shared<Session>,
}

/// Everything on the bar that depends on the run only (ticks, idle bands, injected faults): its
/// own component, so a seek, which changes the props of [`Scrubber`] only, does not rebuild or
/// diff the up to a few thousand marks of an hour-long run.
#[function_component(Marks)]
fn marks(p: &MarksProps) -> Html {
    let s = &p.session;
    let end = s.map.end_screen().max(1.0);
    let pct = |x: f64| format!("{:.3}%", (x / end * 100.0).clamp(0.0, 100.0));
    // One tick per kind per 0.2 % of the width: an hour-long run can have thousands of markers.
    let mut seen = std::collections::BTreeSet::new();
    let ticks: Html = s
        .markers
        .iter()
        .filter_map(|m| {
            let x = s.map.to_screen(m.at);
            seen.insert((m.kind as u8, (x / end * 500.0) as u32))
                .then_some((x, m.kind, m.at))
        })
        .map(|(x, k, at)| {
            let (class, what) = marker_class(k);
            html! { <span class={classes!("ls-mk", class)} ~style={crate::hooks::css(format!("left:{}", pct(x)))} title={format!("{what} at {}", format_clock(at))} /> }
        })
        .collect();
    // Label a band only if it is wide enough and clear of the previous label. Bands under a
    // thousandth of the bar (a long row of repeats, each shown ever shorter) are not drawn one
    // by one: they are under a pixel, and a 23-day run has 100,000 of them.
    let mut last_label = f64::NEG_INFINITY;
    let gaps: Html = s
        .map
        .gaps
        .iter()
        .filter(|g| g.shown_ms / end >= 0.001)
        .map(|g| {
            let w = g.shown_ms;
            let centre = (g.screen_at + w / 2.0) / end;
            // A repeat of the stretch before it (shown shorter) keeps its band and title but no
            // label: "+29 s" after "+28 s" after "+27 s" only crowds the bar on a phone.
            let first_of_row = w >= crate::playback::GAP_SHOWN_MS as f64;
            let labelled = first_of_row && w / end >= 0.03 && centre - last_label >= 0.09;
            if labelled {
                last_label = centre;
            }
            html! {
                <span class="ls-gapband" ~style={crate::hooks::css(format!("left:{};width:{}", pct(g.screen_at), pct(w)))}
                      title={format!("idle from {} to {}: shown compressed", format_clock(g.from), format_clock(g.to))}>
                    if labelled { <span class={classes!("ls-gaplabel", edge_class((g.screen_at + w / 2.0) / end))}>{format!("+{}", format_duration_ms(g.skipped_ms))}</span> }
                </span>
            }
        })
        .collect();
    let inputs: Html = s
        .inputs()
        .iter()
        .map(|i| {
            html! { <span class="ls-mk-input" ~style={crate::hooks::css(format!("left:{}", pct(s.map.to_screen(i.at))))} title={format!("fault injected at {}: the run forked here", format_clock(i.at))} /> }
        })
        .collect();
    html! { <>{gaps}{ticks}{inputs}</> }
}

#[function_component(Scrubber)]
pub fn scrubber(p: &ScrubberProps) -> Html {
    let s = &p.session;
    let end = s.map.end_screen().max(1.0);
    let (root, track) = (use_node_ref(), use_node_ref());
    let down = {
        let (cb, root, track) = (p.on_seek.clone(), root.clone(), track.clone());
        Callback::from(move |e: PointerEvent| {
            // Keep receiving moves while dragging outside the bar.
            if let Some(el) = root.cast::<web_sys::Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if let Some(x) = position(&e, &track, end) {
                cb.emit(x);
            }
        })
    };
    let moved = {
        let (cb, track) = (p.on_seek.clone(), track.clone());
        Callback::from(move |e: PointerEvent| {
            if e.buttons() & 1 == 1 {
                if let Some(x) = position(&e, &track, end) {
                    cb.emit(x);
                }
            }
        })
    };
    let end_sim = s.map.end_sim();
    // The cursor in steps of 0.05 % (half a pixel on a 1,000 px bar): finer steps changed the
    // style, and so restyled and repainted the bar, on every frame while playing.
    let at_pct = format!(
        "{:.2}%",
        ((p.screen / end * 2000.0).round() / 20.0).clamp(0.0, 100.0)
    );
    html! {
        <div class="ls-scrubber" role="slider" tabindex="0" aria-label="Timeline: ← and → step one event, Home and End jump"
             aria-valuemin="0" aria-valuemax={end_sim.as_ms().to_string()} aria-valuenow={p.at.as_ms().to_string()}
             aria-valuetext={format!("{} of {}", format_clock(p.at), format_clock(end_sim))}
             onpointerdown={down} onpointermove={moved} ref={root}>
            <div class="ls-track" ref={track}>
                <div class="ls-fill" ~style={crate::hooks::css(format!("width:{at_pct}"))} />
                <Marks session={p.session.clone()} />
                <div class="ls-handle" ~style={crate::hooks::css(format!("left:{at_pct}"))} />
            </div>
        </div>
    }
}
