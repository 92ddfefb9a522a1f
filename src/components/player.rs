//! The player: one independent widget (a page may hold several). It owns the playback reducer,
//! derives the scene at the cursor, and lays out the pieces. Keyboard shortcuts are handled on
//! the player's own element, so they act only while it has focus.

use lambdascope_sim::{Method, Scenario, SimTime};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::catalog_strip::{CatalogStrip, Legend};
use super::charts::Charts;
use super::controls::Controls;
use super::diagram::Diagram;
use super::help::HelpSheet;
use super::inject::Inject;
use super::log::{EventLog, LiveRegion};
use super::panel::Panel;
use super::scrubber::Scrubber;
use super::tokens::TokenLayer;
use super::Shared;
use crate::catalog::Service;
use crate::hooks::{next_instance, perf_mark, use_animation_frame, use_media_query, use_width};
use crate::layout::{Layout, Orientation};
use crate::metrics::Metrics;
use crate::playback::{Action, Playback};
use crate::scenarios::{self, group_label, Bundled};

#[derive(Properties, PartialEq, Clone, Default)]
pub struct PlayerProps {
    /// A bundled scenario id; the default scenario when unset.
    #[prop_or_default]
    pub scenario: Option<AttrValue>,
    /// An inline scenario (TOML). Untrusted: parsed and validated by the core.
    #[prop_or_default]
    pub toml: Option<AttrValue>,
    #[prop_or(1)]
    pub seed: u64,
    /// Open paused at this simulated instant (ms).
    #[prop_or_default]
    pub at_ms: Option<u64>,
}

/// The scenario to open with, and why it is not the one asked for (if so).
fn initial(
    bundled: &[Bundled],
    p: &PlayerProps,
) -> (Option<usize>, Option<Scenario>, Option<String>) {
    let default = scenarios::index_of(bundled, scenarios::DEFAULT_ID).or(if bundled.is_empty() {
        None
    } else {
        Some(0)
    });
    let fallback = |msg: String| {
        (
            default,
            default.map(|i| bundled[i].scenario.clone()),
            Some(msg),
        )
    };
    if let Some(text) = &p.toml {
        return match Scenario::parse("inline scenario", text) {
            Ok(s) => (None, Some(s), None),
            Err(e) => fallback(format!(
                "The scenario could not be loaded, showing the default instead. {e}"
            )),
        };
    }
    if let Some(id) = p.scenario.as_deref().filter(|s| !s.is_empty()) {
        return match scenarios::index_of(bundled, id) {
            Some(i) => (Some(i), Some(bundled[i].scenario.clone()), None),
            None => fallback(format!(
                "There is no bundled scenario `{id}`; showing the default instead."
            )),
        };
    }
    (default, default.map(|i| bundled[i].scenario.clone()), None)
}

#[function_component(Player)]
pub fn player(props: &PlayerProps) -> Html {
    let instance = *use_memo((), |_| next_instance());
    let bundled = use_memo((), |_| scenarios::bundled());
    let start = use_memo((), {
        let (b, p) = (bundled.clone(), props.clone());
        move |_| initial(&b, &p)
    });
    match &start.1 {
        Some(s) => {
            html! { <PlayerInner bundled={Shared(bundled.clone())} start={s.clone()} start_index={start.0} notice={start.2.clone()} seed={props.seed} at_ms={props.at_ms} {instance} /> }
        }
        None => {
            html! { <div class="ls-player ls-error-box" role="alert">{"lambdascope has no scenarios to show."}</div> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct InnerProps {
    bundled: Shared<Vec<Bundled>>,
    start: Scenario,
    start_index: Option<usize>,
    notice: Option<String>,
    seed: u64,
    at_ms: Option<u64>,
    instance: u32,
}

#[function_component(PlayerInner)]
fn player_inner(p: &InnerProps) -> Html {
    let reduced = use_media_query("(prefers-reduced-motion: reduce)");
    let dark = use_media_query("(prefers-color-scheme: dark)");
    let pb = use_reducer({
        let (idx, s, seed, at) = (p.start_index, p.start.clone(), p.seed, p.at_ms);
        move || {
            let mut pb = Playback::new(idx, s, seed, reduced);
            if let Some(t) = at {
                pb.apply(Action::Seek(SimTime(t)));
            }
            pb
        }
    });
    let d = pb.dispatcher();
    {
        let d = d.clone();
        use_effect_with(reduced, move |r| d.dispatch(Action::SetReducedMotion(*r)));
    }
    let tick = {
        let d = d.clone();
        Callback::from(move |t: f64| d.dispatch(Action::Tick { wall_ms: t }))
    };
    use_animation_frame(pb.playing, tick);

    let stage = use_node_ref();
    let width = use_width(stage.clone());
    let orientation = Orientation::for_width(width);
    let session = Shared(pb.session.clone());
    let layout = use_memo((session.clone(), orientation), |(s, o)| {
        Layout::of(&s.timeline().topology, *o)
    });
    let scene = use_memo((session.clone(), pb.at), |(s, at)| {
        s.timeline().scene_at(*at)
    });
    let metrics = use_memo(session.clone(), |s| Metrics::of(s));
    use_effect_with((), |_| perf_mark("lambdascope-first-diagram"));

    let selected = use_state(|| None::<u32>);
    let service = use_state(|| None::<&'static Service>);
    let filter = use_state(|| None::<Method>);
    let help = use_state(|| false);

    let on_action = {
        let d = d.clone();
        use_callback((), move |a: Action, _| d.dispatch(a))
    };
    let on_seek = {
        let d = d.clone();
        use_callback((), move |t: SimTime, _| d.dispatch(Action::Seek(t)))
    };
    let on_seek_screen = {
        let d = d.clone();
        use_callback((), move |x: f64, _| d.dispatch(Action::SeekScreen(x)))
    };
    let on_inject = {
        let d = d.clone();
        use_callback((), move |i: lambdascope_sim::Input, _| {
            d.dispatch(Action::Inject(i))
        })
    };
    let load_bundled = {
        let (d, bundled, seed, selected, service) = (
            d.clone(),
            p.bundled.clone(),
            pb.session.seed,
            selected.clone(),
            service.clone(),
        );
        Callback::from(move |i: usize| {
            if let Some(b) = bundled.get(i) {
                selected.set(None);
                service.set(None);
                d.dispatch(Action::Load {
                    bundled: Some(i),
                    scenario: Box::new(b.scenario.clone()),
                    seed,
                });
            }
        })
    };
    let on_seed = {
        let (d, s) = (d.clone(), pb.session.clone());
        Callback::from(move |seed: u64| {
            d.dispatch(Action::Load {
                bundled: s.bundled,
                scenario: Box::new(s.scenario.clone()),
                seed,
            })
        })
    };
    let on_edit = {
        let (d, s) = (d.clone(), pb.session.clone());
        Callback::from(move |sc: Scenario| {
            d.dispatch(Action::Load {
                bundled: s.bundled,
                scenario: Box::new(sc),
                seed: s.seed,
            })
        })
    };
    let on_select = {
        let (selected, service) = (selected.clone(), service.clone());
        Callback::from(move |id: u32| {
            service.set(None);
            selected.set(if *selected == Some(id) {
                None
            } else {
                Some(id)
            });
        })
    };
    let on_pick = {
        let (selected, service) = (selected.clone(), service.clone());
        Callback::from(move |s: &'static Service| {
            selected.set(None);
            service.set(if service.is_some_and(|x| x.kind == s.kind) {
                None
            } else {
                Some(s)
            });
        })
    };
    let on_close = {
        let (selected, service) = (selected.clone(), service.clone());
        Callback::from(move |_| {
            selected.set(None);
            service.set(None);
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |m: Option<Method>| filter.set(m))
    };
    let on_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(!*help))
    };
    let on_key = {
        let (d, help, on_close) = (d.clone(), help.clone(), on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let tag = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| el.tag_name().to_ascii_lowercase())
                .unwrap_or_default();
            let typing = matches!(tag.as_str(), "input" | "select" | "textarea");
            let pressable = matches!(tag.as_str(), "button" | "summary" | "a");
            let act = |a: Action| {
                e.prevent_default();
                d.dispatch(a);
            };
            match e.key().as_str() {
                " " if !typing && !pressable => act(Action::Toggle),
                "ArrowLeft" if !typing => act(Action::Step(-1)),
                "ArrowRight" if !typing => act(Action::Step(1)),
                "+" | "=" if !typing => act(Action::SpeedStep(1)),
                "-" | "_" if !typing => act(Action::SpeedStep(-1)),
                "Home" if !typing => act(Action::Home),
                "End" if !typing => act(Action::End),
                "?" if !typing => {
                    e.prevent_default();
                    help.set(!*help);
                }
                "Escape" => {
                    if *help {
                        help.set(false);
                    } else {
                        on_close.emit(());
                    }
                }
                _ => {}
            }
        })
    };

    let s = &pb.session;
    let used: Vec<String> = s
        .scenario
        .file
        .sources
        .iter()
        .map(|x| x.kind_name().to_string())
        .collect();
    let picker = picker(&p.bundled, s.bundled, &s.scenario, load_bundled.clone());
    let notice = p
        .notice
        .as_ref()
        .map(|n| html! { <p class="ls-notice" role="alert">{n.clone()}</p> });
    html! {
        <div class={classes!("ls-player", reduced.then_some("ls-reduced"), (orientation == Orientation::Narrow).then_some("ls-narrow"))}
             tabindex="0" onkeydown={on_key} aria-label="lambdascope player: press ? for keyboard shortcuts" data-ls-playing={pb.playing.to_string()}>
            <header class="ls-head">
                <div class="ls-brand"><span class="ls-logo" aria-hidden="true">{"λ"}</span><span class="ls-name">{"lambdascope"}</span></div>
                {picker}
                <p class="ls-summary">{s.scenario.file.summary.clone()}</p>
                {notice}
            </header>
            <CatalogStrip used={used} filter={*filter} picked={service.map(|x| x.kind)} on_pick={on_pick} />
            <div class="ls-body">
                <div class="ls-main">
                    <Controls playing={pb.playing} at={pb.at} end={s.map.end_sim()} speed={pb.speed} seed={s.seed} filter={*filter}
                        on_action={on_action} on_seed={on_seed} on_filter={on_filter} on_help={on_help.clone()} />
                    <Scrubber session={session.clone()} at={pb.at} screen={pb.screen} on_seek={on_seek_screen} />
                    <div class="ls-stage" ref={stage}>
                    <div class="ls-canvas-wrap" style={format!("max-width:{:.0}px", layout.width * MAX_SCALE)}>
                        <Diagram session={session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())} selected={*selected}
                            filter={*filter} instance={p.instance} on_select={on_select} />
                        <TokenLayer session={session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())} width={width.min(layout.width * MAX_SCALE)} dark={dark} filter={*filter} />
                    </div>
                    </div>
                    {gap_note(&s.map, pb.at)}
                    <Legend />
                    <Inject session={session.clone()} at={pb.at} on_inject={on_inject} />
                    <Charts metrics={Shared(metrics.clone())} scene={Shared(scene.clone())} screen={pb.screen} end={s.map.end_screen()} />
                </div>
                <aside class="ls-side">
                    <Panel session={session.clone()} bundled={p.bundled.clone()} node={*selected} service={*service} on_close={on_close} on_edit={on_edit} on_load={load_bundled} />
                    <EventLog session={session.clone()} seen={scene.events_seen} on_seek={on_seek} />
                </aside>
            </div>
            <LiveRegion session={session.clone()} seen={scene.events_seen} />
            if *help { <HelpSheet instance={p.instance} on_close={on_help} /> }
        </div>
    }
}

/// A diagram is never drawn larger than this many CSS px per layout unit (small ones would
/// otherwise fill a wide screen with giant boxes).
const MAX_SCALE: f64 = 1.3;

/// While the cursor is inside a compressed idle stretch, say so (the clock keeps AWS time).
fn gap_note(map: &crate::playback::TimeMap, at: SimTime) -> Html {
    let gap = map.gaps.iter().find(|g| g.from < at && at < g.to);
    html! {
        <p class="ls-gapnote" aria-live="off">
            { for gap.map(|g| format!(
                "Nothing moves from {} to {}: +{} of idle time pass in {} on screen; the clock keeps real AWS time.",
                crate::playback::format_clock(g.from),
                crate::playback::format_clock(g.to),
                lambdascope_sim::time::format_duration_ms(g.skipped_ms),
                lambdascope_sim::time::format_duration_ms(crate::playback::GAP_SHOWN_MS),
            )) }
        </p>
    }
}

/// The scenario picker, grouped by invocation method.
fn picker(
    bundled: &[Bundled],
    current: Option<usize>,
    scenario: &Scenario,
    on_load: Callback<usize>,
) -> Html {
    let edited = current.is_some_and(|i| bundled.get(i).is_some_and(|b| b.scenario != *scenario));
    let groups = [
        Some(Method::Synchronous),
        Some(Method::Asynchronous),
        Some(Method::Polling),
        None,
    ];
    let change = Callback::from(move |e: Event| {
        if let Some(i) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .and_then(|s| s.value().parse::<usize>().ok())
        {
            on_load.emit(i);
        }
    });
    let custom = match (current, edited) {
        (None, _) => Some(format!("{} (inline)", scenario.file.title)),
        (Some(_), true) => Some(format!("{} (edited)", scenario.file.title)),
        _ => None,
    };
    html! {
        <label class="ls-picker">
            <span>{"Scenario"}</span>
            <select onchange={change} aria-label="Scenario" data-ls="picker">
                if let Some(c) = &custom { <option value="" selected=true disabled=true>{c.clone()}</option> }
                { for groups.iter().filter(|g| bundled.iter().any(|b| b.group == **g)).map(|g| html! {
                    <optgroup label={group_label(*g)}>
                        { for bundled.iter().enumerate().filter(|(_, b)| b.group == *g).map(|(i, b)| html! {
                            <option value={i.to_string()} selected={custom.is_none() && current == Some(i)}>{b.scenario.file.title.clone()}</option>
                        }) }
                    </optgroup>
                }) }
            </select>
        </label>
    }
}
