//! The player: one independent widget (a page may hold several). It owns the playback reducer,
//! derives the scene at the cursor, and lays out the pieces. Keyboard shortcuts are handled on
//! the player's own element, so they act only while it has focus.

use lambdascope_sim::{Method, Scenario, SimTime, SourceKind};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::catalog_strip::{CatalogStrip, Legend};
use super::charts::Charts;
use super::controls::Controls;
use super::diagram::Diagram;
use super::help::HelpSheet;
use super::inject::Inject;
use super::log::EventLog;
use super::narrator::Narrator;
use super::paced::{use_paced, Preview};
use super::panel::Panel;
use super::scrubber::Scrubber;
use super::share::{Problems, ShareMenu};
use super::tokens::TokenLayer;
use super::Shared;
use crate::catalog::Service;
use crate::hooks::{next_instance, perf_mark, use_media_query, use_width};
use crate::layout::{Layout, Orientation};
use crate::metrics::Metrics;
use crate::playback::{Action, FrameWork, Moment, Playback};
use crate::scenarios::{self, group_label};
use crate::share_link::ControlsMode;

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
    /// The rest of a share link (issue 6): the player reads its injected faults, speed and
    /// method filter here, and its lesson and beat (scenario, seed and instant are above).
    #[prop_or_default]
    pub link: lambdascope_sim::share::ShareState,
    /// Presentation: embed mode, how many controls, theme, autoplay.
    #[prop_or_default]
    pub view: crate::share_link::ViewOptions,
    /// What was wrong with the link or the embed's attributes, shown inside the player.
    #[prop_or_default]
    pub problems: Vec<AttrValue>,
    /// Shown in the header after the brand (the app page puts its Lessons / Compare links here).
    #[prop_or_default]
    pub children: Html,
    /// The width of the element the player is mounted in, CSS px (0: unknown). The first frame is
    /// laid out for it, narrow or wide, before the stage's own width has been observed: drawn
    /// wide and then narrow, a phone's first frame moved everything under the diagram (a layout
    /// shift of 0.87, issue 16). The build-time prerender sets it for the frame it draws.
    #[prop_or_default]
    pub host_width: f64,
}

/// The player's padding and the stage's border, both sides: the stage's content width is the
/// host's less this (`lambdascope.css`; `e2e/prerender.test.mjs` checks the first frame agrees).
const CHROME_PX: f64 = 26.0;
/// From this width of its root (`.ls-root`, the container `lambdascope.css` queries for `.ls-body`)
/// a player with all its controls keeps a side column of this width (360 px and the 12 px gap)
/// beside the stage.
const SIDE_COLUMN_FROM_PX: f64 = 1100.0;
const SIDE_COLUMN_PX: f64 = 372.0;

/// The stage's width before it has been measured: the host's less the chrome around the stage
/// (0 when the host's width is unknown). The side column follows the host's width, as the CSS's
/// container query does, not the window's: a book's 750 px column in a 1440 px window has none
/// (laid out for one, the first frame was drawn 372 px too narrow and then again, a layout shift
/// of 0.09 at 1440 px).
fn first_stage_width(host_width: f64, controls: ControlsMode) -> f64 {
    if host_width <= 0.0 {
        return 0.0;
    }
    let side = controls == ControlsMode::Full && host_width >= SIDE_COLUMN_FROM_PX;
    (host_width - CHROME_PX - if side { SIDE_COLUMN_PX } else { 0.0 }).max(1.0)
}

/// What a player opens with.
#[derive(Clone, Debug, PartialEq)]
enum Start {
    /// The scenario (its position in `scenarios::INDEX` if bundled), and why it is not the one
    /// asked for, if so.
    Ready(Option<usize>, Box<Scenario>, Option<String>),
    /// A bundled scenario whose file is not at hand yet (`scenarios::fetch`). The mount fetches a
    /// page's first scenarios before drawing, so this is met only when the explore page's address
    /// changes to another scenario in place.
    Fetch(usize),
    /// Nothing to show: the default scenario did not parse (a build that does fails in build.rs).
    Broken(String),
}

/// The default scenario (its text is in every bundle), with why it is shown instead.
fn fallback(msg: String) -> Start {
    match scenarios::at_hand(0) {
        Some(Ok(s)) => Start::Ready(Some(0), Box::new(s), Some(msg)),
        Some(Err(e)) => Start::Broken(format!("The default scenario could not be read: {e}")),
        None => Start::Broken(msg),
    }
}

/// The default, for the bundled scenario at `index` whose file could not be had (`why`).
fn unloadable(index: usize, why: &str) -> Start {
    fallback(format!(
        "The scenario `{}` could not be loaded ({why}), showing the default instead.",
        bundled_name(index)
    ))
}

/// The scenario to open with. Parses only that one scenario; no other is read to show it.
fn initial(p: &PlayerProps) -> Start {
    if let Some(text) = &p.toml {
        return match Scenario::parse("inline scenario", text) {
            Ok(s) => match lambdascope_sim::Budget::PLAYER.refusals(&s).first() {
                None => Start::Ready(None, Box::new(s), None),
                Some((field, why)) => fallback(format!(
                    "The scenario could not be played here, showing the default instead. \
                     {field}: {why}"
                )),
            },
            Err(e) => fallback(format!(
                "The scenario could not be loaded, showing the default instead. {e}"
            )),
        };
    }
    let id = p
        .scenario
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or(scenarios::DEFAULT_ID);
    match scenarios::position(id) {
        Some(i) => match scenarios::at_hand(i) {
            Some(Ok(s)) => Start::Ready(Some(i), Box::new(s), None),
            Some(Err(e)) => fallback(format!(
                "The scenario `{id}` could not be read, showing the default instead. {e}"
            )),
            None => match scenarios::take_failure(i) {
                Some(e) => unloadable(i, &e),
                None => Start::Fetch(i),
            },
        },
        None => fallback(format!(
            "There is no bundled scenario `{id}`; showing the default instead."
        )),
    }
}

#[function_component(Player)]
pub fn player(props: &PlayerProps) -> Html {
    let instance = *use_memo((), |_| next_instance());
    let start = use_state({
        let p = props.clone();
        move || initial(&p)
    });
    {
        let start = start.clone();
        use_effect_with((), move |_| {
            if let Start::Fetch(i) = *start {
                fetch_then(
                    i,
                    Box::new(move |read| {
                        start.set(match read {
                            Ok(s) => Start::Ready(Some(i), Box::new(s), None),
                            Err(e) => unloadable(i, &e),
                        })
                    }),
                );
            }
        });
    }
    match &*start {
        Start::Ready(index, s, notice) => {
            html! { <PlayerInner start={(**s).clone()} start_index={*index} notice={notice.clone()} seed={props.seed} at_ms={props.at_ms} {instance} host_width={props.host_width}
            link={props.link.clone()} view={props.view} problems={props.problems.clone()}>{props.children.clone()}</PlayerInner> }
        }
        Start::Fetch(_) => {
            html! { <div class="ls-player" role="status"><p class="ls-loading">{"Loading the scenario…"}</p></div> }
        }
        Start::Broken(why) => {
            html! { <div class="ls-player ls-error-box" role="alert">{format!("lambdascope has no scenario to show. {why}")}</div> }
        }
    }
}

/// Fetches the bundled scenario at `index` (at once when it is at hand) and hands it to `done`,
/// or what kept it away (a file missing from a host's copy of the build, an offline page).
/// (`done` is boxed: one copy of the waiting code for both callers.)
fn fetch_then(index: usize, done: Box<dyn FnOnce(Result<Scenario, String>)>) {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(async move { done(scenarios::fetch(index).await) });
    #[cfg(not(target_arch = "wasm32"))]
    done(scenarios::at_hand(index).unwrap_or_else(|| Err("no such scenario".into())));
}

/// The id of the bundled scenario at `index`, for messages.
fn bundled_name(index: usize) -> &'static str {
    scenarios::INDEX.get(index).map_or("", |e| e.id)
}

/// Whether `scenario` differs from the bundled file at `index` as read (an edited run; one not at
/// hand cannot be the one playing).
fn edited(index: usize, scenario: &Scenario) -> bool {
    !matches!(scenarios::at_hand(index), Some(Ok(read)) if read == *scenario)
}

#[derive(Properties, PartialEq)]
struct InnerProps {
    start: Scenario,
    start_index: Option<usize>,
    notice: Option<String>,
    seed: u64,
    at_ms: Option<u64>,
    instance: u32,
    link: lambdascope_sim::share::ShareState,
    view: crate::share_link::ViewOptions,
    problems: Vec<AttrValue>,
    children: Html,
    host_width: f64,
}

#[function_component(PlayerInner)]
fn player_inner(p: &InnerProps) -> Html {
    let reduced = use_media_query("(prefers-reduced-motion: reduce)");
    let dark = crate::embed::use_dark(p.view.theme);
    let pb = use_reducer({
        let (idx, s, seed, at) = (p.start_index, p.start.clone(), p.seed, p.at_ms);
        let (inputs, speed, autoplay) = (p.link.inputs.clone(), p.link.speed, p.view.autoplay);
        let notice = p.notice.clone();
        move || {
            // A share link's faults are part of the run from the start (same trace as the link's).
            let session = std::rc::Rc::new(crate::playback::Session::new(1, idx, s, seed, inputs));
            let mut pb = Playback::of_session(session, reduced);
            if let Some(v) = speed {
                pb.apply(Action::SetSpeed(v));
            }
            if autoplay == Some(false) {
                pb.apply(Action::Pause);
            }
            // A link to a moment lands paused there.
            if let Some(t) = at {
                pb.apply(Action::Seek(SimTime(t)));
            }
            // Why this is not the scenario asked for: the reducer's notice, so that the next
            // load (or the picker's own failure) replaces it.
            pb.notice = match (notice, pb.notice.take()) {
                (Some(a), Some(b)) => Some(format!("{a} {b}")),
                (a, b) => a.or(b),
            };
            pb
        }
    });
    // Yew re-renders the player 20 times a second while it plays; the tokens move on every
    // frame between (issue 16, `playback::Pacer`). Every action goes through `Paced`, which first
    // brings the reducer to the frame on screen.
    // Made once, not on every frame: the share menu's cell for the instant on screen, which it
    // reads when clicked. Each render writes it, and so does each frame painted between.
    let moment = (*use_memo((), |_| Moment::default())).clone();
    let preview: Preview = {
        let (s, c, m) = (pb.session.clone(), pb.cursor.clone(), moment.clone());
        Box::new(move |pacer, wall| {
            let work = pacer.frame(&c, &s.map, s.timeline(), wall, None);
            if let FrameWork::Paint { at, .. } = work {
                m.set(at);
            }
            work
        })
    };
    let d = use_paced(
        &pb,
        pb.cursor.playing,
        |wall_ms| Action::Tick { wall_ms },
        preview,
    );
    // Paused while off-screen or in a hidden tab; resumed when seen again.
    let root = use_node_ref();
    let visible = crate::embed::use_visible(root.clone());
    crate::embed::use_pause_while_unseen(visible, pb.cursor.playing, pb.cursor.at, {
        let d = d.clone();
        Callback::from(move |a: Action| d.dispatch(a))
    });
    {
        let d = d.clone();
        use_effect_with(reduced, move |r| d.dispatch(Action::SetReducedMotion(*r)));
    }

    // First paint: header, services, controls and the diagram. Then (after that frame is on
    // screen) the rest of the player, which is not needed to see it move.
    let full = use_state(|| false);
    {
        // Asked for during the first render, not in an effect: Yew runs effects in a later task,
        // which a loading page queues behind its other work, so an effect's frame request came
        // one or more frames after the one that painted the diagram.
        let full = full.clone();
        use_memo((), move |_| {
            crate::hooks::after_paint(move || {
                perf_mark("lambdascope-first-diagram");
                full.set(true);
            })
        });
    }
    let stage = use_node_ref();
    // Embeds (issue 6): `controls=minimal` keeps the transport bar and timeline, `none` only the
    // diagram; both leave out the picker, service strip, fault injection, charts and side panel.
    let chrome = p.view.controls == ControlsMode::Full;
    let transport = p.view.controls != ControlsMode::None;
    // The charts and the log, while off screen during playback (below the diagram on a phone),
    // keep what they last showed (`use_held`, below). New element refs when they appear, so that
    // the visibility observers are set up on the elements once they exist.
    let below = *full && chrome;
    let (charts_node, log_node, inject_node) = (*use_memo(below, |_| {
        (NodeRef::default(), NodeRef::default(), NodeRef::default())
    }))
    .clone();
    // Made once, not on every frame: the stage's first width (it reads the window's width, a call
    // out of the wasm).
    let first_width = *use_memo((), |_| first_stage_width(p.host_width, p.view.controls));
    let width = use_width(stage.clone(), first_width);
    let orientation = Orientation::for_width(width);
    let session = Shared(pb.session.clone());
    let layout = use_memo((session.clone(), orientation), |(s, o)| {
        Layout::of(&s.timeline().topology, *o)
    });
    let scene = crate::hooks::use_scene(session.clone(), pb.cursor.at);
    let metrics = use_memo((session.clone(), *full), |(s, full)| {
        full.then(|| Shared::new(Metrics::of(s)))
    });

    let selected = use_state(|| None::<u32>);
    let service = use_state(|| None::<&'static Service>);
    let filter = use_state({
        let f = p.link.filter;
        move || f
    });
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
    // Made once per run, not on every frame (issue 16): the side panel's callbacks (a new one on
    // every render re-rendered the panel with each animation frame), the picker's forty-odd
    // options, and the bundled scenario's id for the share link, which names it only while the
    // run is unedited (a comparison with the file as read).
    // The picker's and the side panel's loads: the newest pick wins (an older file arriving
    // later is dropped), and a failed one redraws the picker (`failed` is its key), which the
    // browser had already switched to the pick.
    let newest_pick = use_mut_ref(|| 0u64);
    let failed = use_state(|| 0u64);
    let memo_deps = (session.clone(), *failed);
    let (load_bundled, on_edit, on_close, picker, bundled_id) = (*use_memo(memo_deps, |(s, fails)| {
        let (d2, d3, sel, svc) = (d.clone(), d.clone(), selected.clone(), service.clone());
        let (seed, shown) = (s.seed, s.scenario.file.title.clone());
        let (newest, failed) = (newest_pick.clone(), failed.clone());
        // A scenario not fetched yet loads when its file arrives; one that cannot be had
        // leaves the run as it is and says why.
        let load = Callback::from(move |i: usize| {
            sel.set(None);
            svc.set(None);
            let ticket = {
                let mut n = newest.borrow_mut();
                *n += 1;
                *n
            };
            let (d2, shown, newest, failed) = (d2.clone(), shown.clone(), newest.clone(), failed.clone());
            fetch_then(
                i,
                Box::new(move |read| {
                    if *newest.borrow() != ticket {
                        return;
                    }
                    match read {
                        Ok(scenario) => d2.dispatch(Action::Load {
                            bundled: Some(i),
                            scenario: Box::new(scenario),
                            seed,
                        }),
                        Err(e) => {
                            failed.set(ticket);
                            d2.dispatch(Action::Notice(format!(
                                "The scenario `{}` could not be loaded ({e}). Still showing “{shown}”.",
                                bundled_name(i)
                            )))
                        }
                    }
                }),
            );
        });
        let edit = Callback::from(move |sc: Scenario| d3.dispatch(Action::Edit(Box::new(sc))));
        let (sel, svc) = (selected.clone(), service.clone());
        let close = Callback::from(move |_| {
            sel.set(None);
            svc.set(None);
        });
        let unedited = s.bundled.filter(|i| !edited(*i, &s.scenario));
        let id = unedited
            .and_then(|i| scenarios::INDEX.get(i))
            .map(|e| AttrValue::from(e.id));
        let picker = picker(s.bundled, unedited.is_none(), &s.scenario, *fails, load.clone());
        (load, edit, close, picker, id)
    }))
    .clone();
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
    // The same callback until the picked service changes: a new one every render made the
    // service strip (ten buttons with their glyphs) render again every frame of playback.
    let on_pick = {
        let (selected, service) = (selected.clone(), service.clone());
        use_callback(
            service.map(|x| x.kind),
            move |s: &'static Service, picked: &Option<SourceKind>| {
                selected.set(None);
                service.set(if *picked == Some(s.kind) {
                    None
                } else {
                    Some(s)
                });
            },
        )
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
            use crate::keymap::{claim, read, Key};
            let Some(key) = read(&e) else { return };
            let action = match key {
                Key::PlayPause => Action::Toggle,
                Key::Back => Action::Step(-1),
                Key::Forward => Action::Step(1),
                Key::Faster => Action::SpeedStep(1),
                Key::Slower => Action::SpeedStep(-1),
                Key::Start => Action::Home,
                Key::End => Action::End,
                Key::Help => {
                    claim(&e);
                    help.set(!*help);
                    return;
                }
                Key::Escape => {
                    if *help {
                        help.set(false);
                    } else {
                        on_close.emit(());
                    }
                    return;
                }
                Key::Replay | Key::Transcript => return,
            };
            claim(&e);
            d.dispatch(action);
        })
    };

    let s = &pb.session;
    let used: Vec<SourceKind> = s.scenario.file.sources.iter().map(|x| x.kind()).collect();
    // On a narrow player the summary is folded to two lines; a tap unfolds it (CSS does the
    // folding, so a wide player always shows it whole).
    let about_open = use_state(|| false);
    let toggle_about = {
        let open = about_open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let notice = pb
        .notice
        .as_ref()
        .map(|n| html! { <p class="ls-notice" role="alert">{n.clone()}</p> });
    // A run that reached the player's budget ends early: say where, and how to see the rest.
    let budget_stop = s
        .run
        .stopped_early()
        .map(|stop| html! { <p class="ls-notice ls-budget" role="status">{stop.to_string()}</p> });
    // Explore remembers (issue 11): on the app's own page the address bar follows the scenario,
    // its edits, the injected faults, the seed, speed and filter, and the moment while paused
    // (replaceState: no history entry per edit, and no hashchange), so a reload or a copied
    // address brings the same run back. Embeds and iframes leave their host's URL alone.
    {
        // Read once (a hook, so called on every render, before any condition): parsing the
        // page's URL on every render ran on the per-frame path.
        let app_page = *use_memo((), |_| crate::embed::is_app_page());
        let remember = !p.view.embed && app_page;
        let paused_at = (!pb.cursor.playing).then_some(pb.cursor.at);
        let deps = (
            s.generation,
            bundled_id.clone(),
            *filter,
            pb.cursor.speed.to_bits(),
            paused_at,
        );
        let session = pb.session.clone();
        // A run opened from a lesson keeps naming it (the way back to the lesson).
        let (lesson, beat) = (p.link.lesson.clone(), p.link.beat);
        use_effect_with(deps, move |(_, bundled_id, filter, speed, paused_at)| {
            if remember {
                let mut st = crate::share_link::state_of(&crate::share_link::Showing {
                    bundled_id: bundled_id.as_deref(),
                    scenario: &session.scenario,
                    seed: session.seed,
                    inputs: session.inputs(),
                    at: paused_at.unwrap_or(SimTime::ZERO),
                    speed: f64::from_bits(*speed),
                    filter: *filter,
                    lesson: lesson.as_deref(),
                    beat,
                });
                if paused_at.is_none() {
                    st.t = None;
                }
                crate::embed::replace_address(&st.to_query());
            }
        });
    }
    moment.set(pb.cursor.at);
    let playing = pb.cursor.playing;
    let charts_seen = crate::embed::use_visible(charts_node.clone());
    let log_seen = crate::embed::use_visible(log_node.clone());
    // Held together, while neither is on screen (one of them in view: both follow).
    let (chart_scene, chart_screen, log_at) =
        crate::hooks::use_held(playing && !charts_seen && !log_seen, s.generation, || {
            (Shared(scene.clone()), pb.cursor.screen, scene.events_seen)
        });
    // The fault panel names the instant and the next event; below the diagram on a phone it is
    // off screen while a run plays, and rewriting its heading, its titles and its buttons on
    // every frame there was style and layout work for nothing (issue 16's phone frame). Its
    // buttons act on the reducer's own cursor, never on these held values.
    let inject_seen = crate::embed::use_visible(inject_node.clone());
    let (inject_at, next_event) =
        crate::hooks::use_held(playing && !inject_seen, s.generation, || {
            (pb.cursor.at, pb.next_event())
        });
    let (wrap_style, wrap_still) = super::stage::canvas_wrap_style(layout.width * MAX_SCALE);
    html! {
        <div class={classes!("ls-player", reduced.then_some("ls-reduced"), (orientation == Orientation::Narrow).then_some("ls-narrow"),
                if dark { "ls-theme-dark" } else { "ls-theme-light" }, format!("ls-controls-{}", p.view.controls.label()))}
             ref={root.clone()} tabindex="0" onkeydown={on_key} aria-label="lambdascope player: press ? for keyboard shortcuts" data-ls-playing={pb.cursor.playing.to_string()}
             data-ls-at={pb.cursor.at.as_ms().to_string()}>
            <header class="ls-head">
                <div class="ls-brand"><span class="ls-logo" aria-hidden="true">{"λ"}</span><span class="ls-name">{"lambdascope"}</span></div>
                {p.children.clone()}
                if chrome { {picker} } else { <p class="ls-title">{s.scenario.file.title.clone()}</p> }
                if chrome { <p class={classes!("ls-summary", (*about_open).then_some("ls-open"))} onclick={toggle_about}>{s.scenario.file.summary.clone()}</p> }
                {notice}
                {budget_stop}
                <Problems problems={p.problems.clone()} />
            </header>
            if chrome { <CatalogStrip used={used} filter={*filter} picked={service.map(|x| x.kind)} on_pick={on_pick} /> }
            <div class="ls-body">
                <div class="ls-main">
                    if transport {
                    <Controls playing={pb.cursor.playing} at={pb.cursor.at} end={s.map.end_sim()} speed={pb.cursor.speed} seed={s.seed} filter={*filter}
                        on_action={on_action} on_seed={on_seed} on_filter={on_filter} on_help={on_help.clone()} />
                    <Scrubber session={session.clone()} at={pb.cursor.at} screen={pb.cursor.screen} on_seek={on_seek_screen} />
                    }
                    <div class="ls-stage" ref={stage}>
                    <div class="ls-canvas-wrap" ~style={wrap_style} data-ls-style={wrap_still}>
                        <Diagram session={session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())} selected={*selected}
                            filter={*filter} instance={p.instance} on_select={on_select} />
                        <TokenLayer session={session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())} width={width.min(layout.width * MAX_SCALE)} dark={dark} filter={*filter} at_ms={pb.cursor.exact_ms(&s.map)} live={d.live.clone()} />
                    </div>
                    </div>
                    {crate::components::stage::gap_note(&s.map, pb.cursor.at)}
                    if *full && chrome {
                        <Legend />
                        <Inject session={session.clone()} at={inject_at} on_inject={on_inject} next_event={next_event} node={inject_node}
                            on_poison={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Action::PoisonNext)) }} />
                    }
                    if transport {
                        <ShareMenu session={session.clone()} at={moment} speed={pb.cursor.speed} filter={*filter} bundled_id={bundled_id}
                            lesson={p.link.lesson.clone().map(AttrValue::from)} beat={p.link.beat} player={root.clone()} />
                    }
                    if let (Some(m), true) = (metrics.as_ref(), chrome) {
                        <Charts metrics={m.clone()} scene={chart_scene} screen={chart_screen} end={s.map.end_screen()} node={charts_node} />
                    }
                </div>
                if below {
                    <aside class="ls-side" ref={log_node}>
                        <Panel session={session.clone()} node={*selected} service={*service} on_close={on_close} on_edit={on_edit} on_load={load_bundled} />
                        <EventLog session={session.clone()} seen={log_at} on_seek={on_seek} playing={pb.cursor.playing} />
                    </aside>
                }
            </div>
            // Screen readers hear each significant event in turn, paced (the lessons' narrator),
            // not the latest one only; a burst at high speed is summed up.
            if *full { <Narrator visit={0} lines={Vec::<String>::new()} session={session.clone()} seen={scene.events_seen} /> }
            if *help { <HelpSheet instance={p.instance} on_close={on_help} /> }
        </div>
    }
}

/// A diagram is never drawn larger than this many CSS px per layout unit (small ones would
/// otherwise fill a wide screen with giant boxes).
const MAX_SCALE: f64 = 1.3;

/// The scenario picker, grouped by invocation method, listed from the index (no scenario is read
/// to show it).
fn picker(
    current: Option<usize>,
    edited: bool,
    scenario: &Scenario,
    redraw: u64,
    on_load: Callback<usize>,
) -> Html {
    let bundled = scenarios::INDEX;
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
            <select key={redraw.to_string()} onchange={change} aria-label="Scenario" data-ls="picker">
                if let Some(c) = &custom { <option value="" selected=true disabled=true>{c.clone()}</option> }
                { for groups.iter().filter(|g| bundled.iter().any(|b| b.group == **g)).map(|g| html! {
                    <optgroup label={group_label(*g)}>
                        { for bundled.iter().enumerate().filter(|(_, b)| b.group == *g).map(|(i, b)| html! {
                            <option value={i.to_string()} selected={custom.is_none() && current == Some(i)}>{b.title}</option>
                        }) }
                    </optgroup>
                }) }
            </select>
        </label>
    }
}
