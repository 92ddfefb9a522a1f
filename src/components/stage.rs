//! A diagram of one session at one instant, with its tokens: the drawing part of the player,
//! for views that bring their own controls (a lesson, a comparison lane).

use std::cell::RefCell;

use lambdascope_sim::SimTime;
use yew::prelude::*;

use super::diagram::Diagram;
use super::paced::Live;
use super::tokens::TokenLayer;
use super::Shared;
use crate::hooks::{use_media_query, use_width};
use crate::layout::{Layout, Orientation};
use crate::playback::{format_clock, Session, TimeMap};

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub session: Shared<Session>,
    pub at: SimTime,
    pub instance: u32,
    /// The time map the view plays on (for the idle-gap note); the session's own by default.
    #[prop_or_default]
    pub map: Option<Shared<TimeMap>>,
    /// Largest CSS px per layout unit.
    #[prop_or(1.3)]
    pub max_scale: f64,
    /// Boxes can be selected (Enter or click); nothing else is done with the selection here.
    #[prop_or_default]
    pub on_select: Callback<u32>,
    #[prop_or_default]
    pub selected: Option<u32>,
    /// Say so under the diagram while the cursor is in a compressed idle stretch.
    #[prop_or(true)]
    pub gap_note: bool,
    /// The stage's width until it has been measured (0: unknown, the wide layout): the first
    /// frame's layout, which the observer's report may come frames after.
    #[prop_or_default]
    pub first_width: f64,
    /// The cursor's instant with its fraction of a millisecond, where tokens are drawn
    /// ([`crate::playback::Cursor::exact_ms`]; `None`: at `at`).
    #[prop_or_default]
    pub at_ms: Option<f64>,
    /// The view's paced frames ([`super::paced`]), where the tokens draw between its renders.
    #[prop_or_default]
    pub live: Option<Shared<RefCell<Live>>>,
}

#[function_component(Stage)]
pub fn stage(p: &StageProps) -> Html {
    let dark = use_media_query("(prefers-color-scheme: dark)");
    let node = use_node_ref();
    let width = use_width(node.clone(), p.first_width);
    let orientation = Orientation::for_width(width);
    let layout = use_memo((p.session.clone(), orientation), |(s, o)| {
        Layout::of(&s.timeline().topology, *o)
    });
    let scene = crate::hooks::use_scene(p.session.clone(), p.at);
    let map = p.map.as_deref().unwrap_or(&p.session.map);
    let (wrap_style, wrap_still) = canvas_wrap_style(layout.width * p.max_scale);
    html! {
        <>
            <div class="ls-stage" ref={node}>
                <div class="ls-canvas-wrap" ~style={wrap_style} data-ls-style={wrap_still}>
                    <Diagram session={p.session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())}
                        selected={p.selected} filter={None} instance={p.instance} on_select={p.on_select.clone()} />
                    <TokenLayer session={p.session.clone()} scene={Shared(scene.clone())} layout={Shared(layout.clone())}
                        width={width.min(layout.width * p.max_scale)} dark={dark} filter={None} at_ms={p.at_ms} live={p.live.clone()} />
                </div>
            </div>
            if p.gap_note { {gap_note(map, p.at)} }
        </>
    }
}

/// The style of the `.ls-canvas-wrap` around a diagram and its tokens (the player's and a
/// stage's): at most `max_width` CSS px wide; with the attribute that carries it in a still.
pub fn canvas_wrap_style(max_width: f64) -> (wasm_bindgen::JsValue, Option<AttrValue>) {
    crate::hooks::css_with_still(format!("max-width:{max_width:.0}px"))
}

/// While the cursor is inside a compressed idle stretch, say so (the clock keeps AWS time).
pub fn gap_note(map: &TimeMap, at: SimTime) -> Html {
    // Gaps are sorted and disjoint: the one that could hold `at` is the last starting before it
    // (a binary search: a 23-day run has 100,000 of them, and this runs every frame).
    let gap = map.gaps[..map.gaps.partition_point(|g| g.from < at)]
        .last()
        .filter(|g| at < g.to);
    html! {
        <p class="ls-gapnote" aria-live="off">
            { for gap.map(|g| format!(
                "Nothing moves from {} to {}: +{} of idle time pass in {} on screen; the clock keeps real AWS time.",
                format_clock(g.from),
                format_clock(g.to),
                lambdascope_sim::time::format_duration_ms(g.skipped_ms),
                lambdascope_sim::time::format_duration_ms(g.shown_ms.round().max(1.0) as u64),
            )) }
        </p>
    }
}
