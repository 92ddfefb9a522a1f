//! Messages in flight, drawn on a `<canvas>` laid over the SVG diagram.
//!
//! Why a canvas: a thousand tokens as Yew-diffed SVG elements cost about 8 ms a frame here
//! (toolchain.md §6); batched canvas paths cost well under 1 ms. Each token's position along its
//! edge's curve is the core's `Token::progress_at` the cursor's exact instant (between whole
//! simulated milliseconds), eased; its shape says what it is (a capsule carries work, a hollow
//! capsule is an answer, a circular arrow a retry, a stack a batch, an envelope a
//! record for a destination or DLQ: never the squares, circles and diamonds that mark the
//! methods), its colour says the method or the outcome, and a dashed ring marks a duplicate
//! delivery. A fading trail shows where it came from, a ring where it lands.

use std::cell::RefCell;
use std::rc::Rc;

use lambdascope_sim::idmap::IdMap;
use lambdascope_sim::trace::{FailureTargetKind, Message};
use lambdascope_sim::{Method, Scene, SceneCursor, SimTime};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::paced::{Live, Painter};
use super::Shared;
use crate::catalog::node_method;
use crate::layout::{Curve, Lane, Layout};
use crate::playback::Session;

#[derive(Properties, PartialEq)]
pub struct TokenProps {
    pub session: Shared<Session>,
    pub scene: Shared<Scene>,
    pub layout: Shared<Layout>,
    /// The stage's width in CSS px.
    pub width: f64,
    pub dark: bool,
    pub filter: Option<Method>,
    /// The playback cursor's instant with its fraction of a millisecond
    /// ([`crate::playback::Cursor::exact_ms`]): tokens are drawn there, so a hop stretched over
    /// many frames moves on every frame, not once per simulated millisecond. `None`: at the
    /// scene's instant.
    #[prop_or_default]
    pub at_ms: Option<f64>,
    /// A paced view's frames between its renders: the layer leaves its drawing there, and the
    /// view's animation frame calls it with the instant each frame shows.
    #[prop_or_default]
    pub live: Option<Shared<RefCell<Live>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
/// A message's shape says what kind of thing travels, never the invocation method: squares,
/// circles and diamonds are the method marks of boxes and badges (sync, async, poll), so no
/// message uses them (issue 11: a square was also an event, a diamond an answer, a circle an
/// attempt). The colour says the method or the outcome.
enum Shape {
    /// A filled capsule: something carrying work (a request, an Invoke, an event, an attempt).
    Capsule,
    /// A hollow capsule with a thick outline: an answer (its status beside it).
    Answer,
    /// A circular arrow: a failed event going back to wait for its retry.
    RetryLoop,
    /// A stack of capsules: a batch of messages or records, as one Invoke.
    Batch,
    /// A record for a DLQ or a destination.
    Envelope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Colour {
    Sync,
    Async,
    Poll,
    Ok,
    Bad,
    Neutral,
    Ink,
}

/// Above this many tokens, labels are left out (they would be unreadable anyway).
const LABEL_LIMIT: usize = 150;
/// Above this many tokens, shapes are drawn from axis-aligned rectangles (a plus for a diamond,
/// a hollow square for a ring, ...): a software rasterizer fills thousands of those in a few ms,
/// where thousands of anti-aliased arcs cost 40 ms a frame (measured with 5,000 tokens). 400, not
/// the 1,500 it was: on a phone (412 px, 1.75 device pixels per px, CPU 4× slower) 1,000 outlined
/// capsules took 175 ms a frame, as rectangles 21 ms (issue 16); a crowd that size on a phone's
/// diagram overlaps into bands anyway. (Filling each rectangle on its own with `fillRect` was
/// slower, 29 ms: a thousand calls out of the wasm cost more than one path's scan conversion.)
const CROWD: usize = 400;
/// Token radius in layout units on a wide screen...
const R: f64 = 7.0;
/// ... and never less than this many CSS px on a narrow one (a phone shows the diagram at about
/// half its layout size; 3 px dots were not followable).
const MIN_CSS_R: f64 = 6.0;
/// Above this many tokens, no trails or pulses (they would be a smear, and cost frame time).
const TRAIL_LIMIT: usize = 150;
/// How far back along its edge a token's trail reaches (fraction of the edge).
const TRAIL: f64 = 0.3;
/// How long (screen ms, the playback axis) a landing pulse lasts.
const PULSE_SCREEN_MS: f64 = 180.0;

/// A token's label, unformatted: made into text only where labels are drawn (with a crowd of
/// a thousand tokens, formatting each one's label on every frame was as many allocations).
#[derive(Clone, Copy)]
enum Label {
    None,
    Num(u64),
    /// A batch's size, and its try when a retry.
    Batch(usize, u32),
}

impl Label {
    fn text(self) -> Option<String> {
        match self {
            Label::None => None,
            Label::Num(n) => Some(n.to_string()),
            Label::Batch(n, try_no) if try_no > 1 => Some(format!("{n}×{try_no}")),
            Label::Batch(n, _) => Some(n.to_string()),
        }
    }
}

fn style_of(message: &Message) -> (Shape, Colour, Label) {
    match message {
        Message::Request => (Shape::Capsule, Colour::Sync, Label::None),
        Message::Invoke { try_no } => (
            Shape::Capsule,
            Colour::Sync,
            if *try_no > 1 {
                Label::Num((*try_no).into())
            } else {
                Label::None
            },
        ),
        Message::Response { status, .. } => (
            Shape::Answer,
            if *status < 400 {
                Colour::Ok
            } else {
                Colour::Bad
            },
            Label::Num((*status).into()),
        ),
        Message::Accepted => (Shape::Answer, Colour::Neutral, Label::Num(202)),
        Message::Event => (Shape::Capsule, Colour::Async, Label::None),
        Message::DeliveryAttempt { try_no } => {
            (Shape::Capsule, Colour::Async, Label::Num((*try_no).into()))
        }
        Message::Attempt { attempt } => {
            (Shape::Capsule, Colour::Async, Label::Num((*attempt).into()))
        }
        Message::RetryWait { .. } => (Shape::RetryLoop, Colour::Bad, Label::None),
        Message::Record {
            target: FailureTargetKind::Destination,
            success: true,
        } => (Shape::Envelope, Colour::Ok, Label::None),
        Message::Record { .. } => (Shape::Envelope, Colour::Bad, Label::None),
        // A batch travels as one group: a stack, labelled with its size.
        Message::Batch { items, try_no } => (
            Shape::Batch,
            Colour::Poll,
            Label::Batch(items.len(), *try_no),
        ),
        Message::DeleteMessages { items } => {
            (Shape::Answer, Colour::Ok, Label::Num(items.len() as u64))
        }
        Message::ToDeadLetterQueue | Message::FailureRecord { .. } => {
            (Shape::Envelope, Colour::Bad, Label::None)
        }
        Message::TaskToken => (Shape::Capsule, Colour::Neutral, Label::None),
        Message::Callback { .. } => (Shape::Answer, Colour::Ok, Label::None),
    }
}

fn css(c: Colour, dark: bool) -> &'static str {
    // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
    match (c, dark) {
        (Colour::Sync, false) => "#0072B2",
        (Colour::Sync, true) => "#56B4E9",
        (Colour::Async, _) => "#E69F00",
        (Colour::Poll, _) => "#009E73",
        (Colour::Ok, _) => "#009E73",
        (Colour::Bad, _) => "#D55E00",
        (Colour::Neutral, false) => "#666666",
        (Colour::Neutral, true) => "#AAAAAA",
        (Colour::Ink, false) => "#1B1B1F",
        (Colour::Ink, true) => "#F2F2F5",
    }
}

/// Points along the stretch of edge a token has just covered, oldest first (a fixed array: no
/// allocation per token per frame).
type Trail = [(f64, f64); 9];

/// Tokens drawn together: (dimmed by the method filter, shape, colour).
type BucketKey = (bool, Shape, Colour);

/// The curve cache's key for an edge and lane: node ids are indexes into a diagram of a few dozen
/// boxes, far below the 15 bits each gets here.
fn edge_key(from: u32, to: u32, lane: bool) -> u32 {
    debug_assert!(from < 1 << 15 && to < 1 << 15);
    (from << 16) | (to << 1) | u32::from(lane)
}

#[function_component(TokenLayer)]
pub fn token_layer(p: &TokenProps) -> Html {
    let canvas = use_node_ref();
    // The canvas and its 2D context, found on the first frame and kept: asking the element for
    // its context on every frame was a call out of the wasm, a string and a type check, 60 times
    // a second (the element is this component's own for its whole life).
    let context = use_mut_ref(|| None::<(HtmlCanvasElement, CanvasRenderingContext2d)>);
    let curves = use_memo(p.layout.clone(), |_| {
        RefCell::new(IdMap::<u32, Curve>::new())
    });
    let own_scene = use_memo(p.session.clone(), |_| RefCell::new(SceneCursor::default()));
    let painter_key = use_memo((), |_| crate::hooks::next_instance());
    let methods = use_memo(p.session.clone(), |s| {
        let topo = &s.timeline().topology;
        topo.nodes
            .iter()
            .map(|n| node_method(topo, &n.kind))
            .collect::<Vec<_>>()
    });
    {
        let (canvas, context, curves, methods) = (
            canvas.clone(),
            context.clone(),
            curves.clone(),
            methods.clone(),
        );
        let (session, scene, layout, width, dark, filter) = (
            p.session.clone(),
            p.scene.clone(),
            p.layout.clone(),
            p.width,
            p.dark,
            p.filter,
        );
        let at_ms = p.at_ms.unwrap_or(scene.at.as_ms() as f64);
        let (live, key) = (p.live.clone(), *painter_key);
        // The painted frames' own scene cursor: they fold only the events since the last one.
        let between = own_scene.clone();
        use_effect(move || {
            let s2 = session.clone();
            let paint = Rc::new(move |scene: &Scene, at_ms: f64| {
                let pulses = landings(&s2, scene, at_ms);
                let mut found = context.borrow_mut();
                if found.is_none() {
                    *found = canvas.cast::<HtmlCanvasElement>().and_then(|c| {
                        let ctx = c.get_context("2d").ok().flatten()?;
                        Some((c, ctx.dyn_into::<CanvasRenderingContext2d>().ok()?))
                    });
                }
                if let Some((c, ctx)) = found.as_ref() {
                    draw(
                        c, ctx, &curves, &methods, scene, at_ms, &pulses, &layout, width, dark,
                        filter,
                    );
                }
            });
            match &live {
                Some(live) => {
                    let draw = paint.clone();
                    let painter: Painter = Rc::new(move |at: SimTime, at_ms: f64| {
                        let scene = session.timeline().scene_from(&mut between.borrow_mut(), at);
                        draw(&scene, at_ms);
                    });
                    // A frame painted after the view's last render is still what is on
                    // screen: a render for another reason (a filter, the width) draws that
                    // frame again, not the reducer's older instant (the tokens would step back).
                    let on_screen = live.borrow().on_screen();
                    match on_screen {
                        Some((at, exact)) => painter(at, exact),
                        None => paint(&scene, at_ms),
                    }
                    live.borrow_mut().set_painter(key, Some(painter));
                }
                None => paint(&scene, at_ms),
            }
            move || {
                if let Some(live) = live {
                    live.borrow_mut().set_painter(key, None);
                }
            }
        });
    }
    html! { <canvas ref={canvas} class="ls-tokens" aria-hidden="true" data-tokens={p.scene.tokens.len().to_string()} /> }
}

/// A message that has just arrived: where (its edge), what it was, and how far its pulse has
/// run (0 at arrival, 1 when it fades out).
struct Landing {
    from: u32,
    to: u32,
    message: Message,
    age: f64,
}

/// Messages that arrived within the last [`PULSE_SCREEN_MS`] of screen time before the scene's
/// instant: the scene has already taken them out of flight, so they are read from the trace (the
/// last few hundred events before the instant; a landing further back has long faded).
fn landings(session: &Session, scene: &Scene, at_ms: f64) -> Vec<Landing> {
    if scene.tokens.len() > TRAIL_LIMIT {
        return Vec::new();
    }
    let map = &session.map;
    // At the cursor's exact instant, like the tokens: a pulse grows on every frame when slowed.
    let now = map.to_screen_exact(at_ms);
    let since = map.to_sim(now - PULSE_SCREEN_MS);
    let trace = &session.timeline().trace;
    let upto = scene.events_seen.min(trace.len());
    // Newest first: the 32 kept are the latest landings.
    trace[upto.saturating_sub(400)..upto]
        .iter()
        .rev()
        .filter_map(|e| match &e.kind {
            lambdascope_sim::Trace::Sent {
                from,
                to,
                arrives,
                message,
                ..
            } if *arrives > since && *arrives <= scene.at => Some(Landing {
                from: from.0,
                to: to.0,
                message: message.clone(),
                age: ((now - map.to_screen(*arrives)) / PULSE_SCREEN_MS).clamp(0.0, 1.0),
            }),
            _ => None,
        })
        .take(32)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn draw(
    c: &HtmlCanvasElement,
    ctx: &CanvasRenderingContext2d,
    curves: &RefCell<IdMap<u32, Curve>>,
    methods: &[Option<Method>],
    scene: &Scene,
    at_ms: f64,
    pulses: &[Landing],
    layout: &Layout,
    width: f64,
    dark: bool,
    filter: Option<Method>,
) {
    // A crowd is drawn one canvas pixel per CSS pixel: its rectangles gain nothing from a sharper
    // backing store, and every frame the browser copies the whole canvas to the screen, in
    // proportion to its pixels (a third as many as at 1.75 device pixels per px; on the phone
    // profile that copy took 8.8 ms of a 36 ms frame, issue 16).
    let crowd = scene.tokens.len() > CROWD;
    let dpr = if crowd {
        1.0
    } else {
        crate::hooks::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0)
    };
    let vw = layout.width.round().max(1.0);
    let vh = layout.height.round().max(1.0);
    let css_w = if width > 0.0 { width } else { vw };
    let (pw, ph) = (
        (css_w * dpr).round() as u32,
        (css_w * vh / vw * dpr).round() as u32,
    );
    if c.width() != pw {
        c.set_width(pw);
    }
    if c.height() != ph {
        c.set_height(ph);
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, pw as f64, ph as f64);
    if scene.tokens.is_empty() && pulses.is_empty() {
        return;
    }
    let s = pw as f64 / vw;
    let _ = ctx.set_transform(s, 0.0, 0.0, s, 0.0, 0.0);
    // A canvas keeps its drawing state between frames: start every frame from the same state, so
    // a frame depends only on its scene (a link to a moment draws what playing to it drew).
    ctx.set_line_cap("butt");
    ctx.set_global_alpha(1.0);
    // Radius in layout units: R, or MIN_CSS_R CSS px when the diagram is drawn small.
    let r = R.max(MIN_CSS_R * vw / css_w);
    let mut cache = curves.borrow_mut();
    let mut curve_of = |from: u32, to: u32, lane: bool| {
        *cache.get_or_insert_with(edge_key(from, to, lane), || {
            layout.curve(
                lambdascope_sim::trace::NodeId(from),
                lambdascope_sim::trace::NodeId(to),
                if lane { Lane::Loop } else { Lane::Normal },
            )
        })
    };
    // A pulse where a message lands: a ring in its colour growing and fading at the box it
    // reached, so the eye sees where it went after the token is gone.
    // Messages of other methods than the filter's are dimmed: they get no trail or pulse.
    let dimmed = |from: u32, to: u32| {
        let m = |n: u32| methods.get(n as usize).copied().flatten();
        filter.is_some_and(|f| [m(from), m(to)].iter().any(|x| x.is_some_and(|x| x != f)))
    };
    for p in pulses.iter().filter(|p| !dimmed(p.from, p.to)) {
        let lane = matches!(p.message, Message::RetryWait { .. });
        let end = curve_of(p.from, p.to, lane).at(1.0);
        let (_, colour, _) = style_of(&p.message);
        ctx.set_global_alpha(0.7 * (1.0 - p.age));
        ctx.begin_path();
        let radius = r * (1.2 + 1.8 * p.age);
        ctx.move_to(end.x + radius, end.y);
        let _ = ctx.arc(end.x, end.y, radius, 0.0, std::f64::consts::TAU);
        ctx.close_path();
        ctx.set_stroke_style_str(css(colour, dark));
        ctx.set_line_width(2.5);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    let trails = scene.tokens.len() <= TRAIL_LIMIT;

    // Bucket by (dimmed, shape, colour) so each bucket is one path and one fill; kept sorted by
    // that key (a sorted Vec: a few dozen buckets at most) so the drawing order is stable.
    let mut buckets: Vec<(BucketKey, Vec<(f64, f64)>)> = Vec::new();
    let mut labels: Vec<(f64, f64, String)> = Vec::new();
    let mut dups: Vec<(f64, f64)> = Vec::new();
    let with_labels = scene.tokens.len() <= LABEL_LIMIT;
    // Trails: per colour, the stretch of edge each token has just covered.
    let mut trail_paths: Vec<(Colour, Vec<Trail>)> = Vec::new();
    for t in &scene.tokens {
        let lane = matches!(t.message, Message::RetryWait { .. });
        let curve = curve_of(t.from.0, t.to.0, lane);
        let p = ease(t.progress_at(at_ms) as f64);
        // Spread a burst sideways so many tokens on one edge read as a crowd, not one dot.
        let jitter = ((t.token.0.wrapping_mul(2_654_435_761) >> 27) % 9) as f64 - 4.0;
        let (dx, dy) = (curve.p1.x - curve.p0.x, curve.p1.y - curve.p0.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ox, oy) = (-dy / len * jitter, dx / len * jitter);
        let mut pt = curve.at(p);
        pt.x += ox;
        pt.y += oy;
        let (shape, colour, label) = style_of(&t.message);
        let dim = dimmed(t.from.0, t.to.0);
        if trails && !dim {
            let from = (p - TRAIL).max(0.0);
            let pts: Trail = std::array::from_fn(|k| {
                let q = curve.at(from + (p - from) * k as f64 / 8.0);
                (q.x + ox, q.y + oy)
            });
            match trail_paths.iter_mut().find(|(c, _)| *c == colour) {
                Some((_, v)) => v.push(pts),
                None => trail_paths.push((colour, vec![pts])),
            }
        }
        let key = (dim, shape, colour);
        let at = match buckets.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => at,
            Err(at) => {
                buckets.insert(at, (key, Vec::new()));
                at
            }
        };
        buckets[at].1.push((pt.x, pt.y));
        if t.duplicate {
            dups.push((pt.x, pt.y));
        }
        if with_labels && !dim {
            if let Some(l) = label.text() {
                labels.push((pt.x, pt.y, l));
            }
        }
    }
    // The trail: thick and faint at the token, thinning to nothing behind it (drawn as three
    // segments of falling width and alpha; a gradient per token would cost a path each).
    ctx.set_line_cap("round");
    for (colour, paths) in &trail_paths {
        ctx.set_stroke_style_str(css(*colour, dark));
        for (seg, (alpha, width)) in [(0.12, 0.5), (0.22, 0.9), (0.35, 1.3)].iter().enumerate() {
            ctx.set_global_alpha(*alpha);
            ctx.set_line_width(r * width);
            ctx.begin_path();
            for pts in paths {
                let (a, b) = (seg * 3, seg * 3 + 3);
                ctx.move_to(pts[a].0, pts[a].1);
                for q in &pts[a + 1..=b.min(8)] {
                    ctx.line_to(q.0, q.1);
                }
            }
            ctx.stroke();
        }
    }
    ctx.set_global_alpha(1.0);
    let ink = css(Colour::Ink, dark);
    for ((dim, shape, colour), pts) in &buckets {
        ctx.set_global_alpha(if *dim { 0.15 } else { 1.0 });
        ctx.begin_path();
        if crowd {
            // The bucket's rectangles in whole device pixels, their union traced as few
            // rectangles as it takes (a crowd overlaps itself many times over: 1,000 tokens on a
            // phone's short edge were 1,000 overlapping rectangles for the rasterizer to cover
            // one block, issue 16). One path filled once is their union either way.
            let mut rects = Vec::with_capacity(pts.len() * 4);
            for &(x, y) in pts {
                let (parts, n) = blocky(*shape, x, y, r);
                rects.extend(parts[..n].iter().map(|&[x, y, w, h]| Px::of(x, y, w, h, s)));
            }
            let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
            for p in union(&rects) {
                ctx.rect(
                    p.x0.into(),
                    p.y0.into(),
                    (p.x1 - p.x0).into(),
                    (p.y1 - p.y0).into(),
                );
            }
            let _ = ctx.set_transform(s, 0.0, 0.0, s, 0.0, 0.0);
            ctx.set_fill_style_str(css(*colour, dark));
            ctx.fill();
            continue;
        }
        for &(x, y) in pts {
            trace_shape(ctx, *shape, x, y, r);
        }
        let col = css(*colour, dark);
        if *shape == Shape::RetryLoop {
            ctx.set_stroke_style_str(col);
            ctx.set_line_width(2.4);
            ctx.stroke();
        } else if *shape == Shape::Answer {
            // Hollow: the card's colour inside, a thick outline in the outcome's colour.
            ctx.set_fill_style_str(if dark { "#1f1f26" } else { "#ffffff" });
            ctx.fill();
            ctx.set_stroke_style_str(col);
            ctx.set_line_width(2.6);
            ctx.stroke();
        } else {
            ctx.set_fill_style_str(col);
            ctx.fill();
            ctx.set_stroke_style_str(ink);
            ctx.set_line_width(0.8);
            ctx.stroke();
        }
    }
    ctx.set_global_alpha(1.0);
    if !dups.is_empty() {
        // At-least-once made visible: a dashed outer ring in reddish purple.
        ctx.begin_path();
        for &(x, y) in &dups {
            ctx.move_to(x + r + 3.5, y);
            let _ = ctx.arc(x, y, r + 3.5, 0.0, std::f64::consts::TAU);
        }
        ctx.set_stroke_style_str("#CC79A7");
        ctx.set_line_width(2.0);
        let dash = js_sys::Array::of2(&2.5.into(), &1.5.into());
        let _ = ctx.set_line_dash(&dash);
        ctx.stroke();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
    if !labels.is_empty() {
        ctx.set_font(&format!("bold {:.1}px system-ui, sans-serif", r * 1.3));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_fill_style_str(ink);
        for (x, y, l) in &labels {
            // Beside the token for multi-digit labels, inside for single digits.
            if l.len() > 1 {
                let _ = ctx.fill_text(l, *x, *y - r - 5.0);
            } else {
                ctx.set_fill_style_str("#FFFFFF");
                let _ = ctx.fill_text(l, *x, *y + 0.5);
                ctx.set_fill_style_str(ink);
            }
        }
    }
}

/// The same shapes from rectangles only (see [`CROWD`]): the first `n` of the (x, y, w, h)
/// returned; filled, never stroked. `r` is the token's radius in layout units.
fn blocky(shape: Shape, x: f64, y: f64, r: f64) -> ([[f64; 4]; 4], usize) {
    let (w, h) = (1.3 * r, 0.8 * r);
    let none = [0.0; 4];
    match shape {
        Shape::Capsule => ([[x - w, y - h, 2.0 * w, 2.0 * h], none, none, none], 1),
        Shape::Answer | Shape::RetryLoop => (
            [
                [x - w, y - h, 2.0 * w, 2.0],
                [x - w, y + h - 2.0, 2.0 * w, 2.0],
                [x - w, y - h, 2.0, 2.0 * h],
                [x + w - 2.0, y - h, 2.0, 2.0 * h],
            ],
            4,
        ),
        Shape::Envelope => (
            [
                [x - r - 2.0, y - h, 2.0 * r + 4.0, 2.0 * h],
                none,
                none,
                none,
            ],
            1,
        ),
        Shape::Batch => (
            [
                [x - w, y - h + 2.0, 2.0 * w, 2.0 * h - 2.0],
                [x - w + 2.0, y - h - 1.0, 2.0 * w, 2.0],
                none,
                none,
            ],
            2,
        ),
    }
}

/// A rectangle in whole device pixels, from (x0, y0) to (x1, y1) exclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Px {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Px {
    /// (x, y, w, h) in layout units at `s` device pixels a unit, snapped to the nearest pixel
    /// edges (a crowd's canvas has one pixel per CSS px).
    fn of(x: f64, y: f64, w: f64, h: f64, s: f64) -> Px {
        // Clamped: a token far off the canvas must not size the union's bitmap.
        let px = |v: f64| (v * s + 0.5).floor().clamp(-256.0, 16_384.0) as i32;
        Px {
            x0: px(x),
            y0: px(y),
            x1: px(x + w),
            y1: px(y + h),
        }
    }
}

/// The union of `rects` as rectangles that do not overlap: on each row of pixels, the runs it
/// covers; a run that the next row repeats grows into one taller rectangle. Covers exactly the
/// pixels the rectangles cover, with far fewer of them when they overlap (a crowd).
fn union(rects: &[Px]) -> Vec<Px> {
    let mut out = Vec::new();
    let Some(first) = rects.first() else {
        return out;
    };
    let bounds = rects.iter().fold(*first, |b, p| Px {
        x0: b.x0.min(p.x0),
        y0: b.y0.min(p.y0),
        x1: b.x1.max(p.x1),
        y1: b.y1.max(p.y1),
    });
    let width = (bounds.x1 - bounds.x0).max(0) as usize;
    let mut covered = vec![false; width * (bounds.y1 - bounds.y0).max(0) as usize];
    for p in rects {
        for y in p.y0..p.y1 {
            let row = (y - bounds.y0) as usize * width;
            // (An empty rectangle, x1 ≤ x0, has no pixels.)
            if let Some(run) = covered
                .get_mut(row + (p.x0 - bounds.x0) as usize..row + (p.x1 - bounds.x0) as usize)
            {
                run.fill(true);
            }
        }
    }
    // Runs still growing downwards (their x0, x1 and first row), and this row's runs.
    let mut open: Vec<Px> = Vec::new();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for y in bounds.y0..=bounds.y1 {
        runs.clear();
        if y < bounds.y1 {
            let row = &covered[(y - bounds.y0) as usize * width..][..width];
            let mut x = 0;
            while x < width {
                let start = x;
                while x < width && row[x] {
                    x += 1;
                }
                if x > start {
                    runs.push((start as i32 + bounds.x0, x as i32 + bounds.x0));
                }
                x += 1;
            }
        }
        // Close the open runs this row does not repeat; open its new ones.
        open.retain(|p| {
            let goes_on = runs.contains(&(p.x0, p.x1));
            if !goes_on {
                out.push(Px { y1: y, ..*p });
            }
            goes_on
        });
        for &(x0, x1) in &runs {
            if !open.iter().any(|p| (p.x0, p.x1) == (x0, x1)) {
                open.push(Px {
                    x0,
                    y0: y,
                    x1,
                    y1: y,
                });
            }
        }
    }
    out
}

/// A capsule (a rounded bar) centred on (x, y), `w` and `h` its half width and half height.
fn capsule(ctx: &CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64) {
    use std::f64::consts::{FRAC_PI_2, PI};
    let (left, right) = (x - w + h, x + w - h);
    ctx.move_to(left, y - h);
    ctx.line_to(right, y - h);
    let _ = ctx.arc(right, y, h, -FRAC_PI_2, FRAC_PI_2);
    ctx.line_to(left, y + h);
    let _ = ctx.arc(left, y, h, FRAC_PI_2, PI + FRAC_PI_2);
    // No close_path: the second arc ends where the capsule began, heading the same way, so the
    // outline is closed and the seam invisible. Chromium's closePath takes time in proportion to
    // the subpaths already in the path, and a bucket traces all its tokens into one path: 1,000
    // capsules took 10.3 ms a frame with it and 0.46 ms without (issue 16, profiled at 4× CPU).
}

fn trace_shape(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64, r: f64) {
    let (w, h) = (1.3 * r, 0.8 * r);
    match shape {
        Shape::Capsule | Shape::Answer => capsule(ctx, x, y, w, h),
        Shape::RetryLoop => {
            // Most of a circle, with an arrowhead at its end: "round again".
            use std::f64::consts::PI;
            let (from, to) = (0.3 * PI, 1.85 * PI);
            ctx.move_to(x + r * from.cos(), y + r * from.sin());
            let _ = ctx.arc(x, y, r, from, to);
            let (ex, ey) = (x + r * to.cos(), y + r * to.sin());
            ctx.move_to(ex - 3.5, ey - 2.5);
            ctx.line_to(ex, ey);
            ctx.line_to(ex + 0.5, ey + 4.0);
        }
        Shape::Batch => {
            // Three cards: several messages travelling as one Invoke.
            for k in [4.0, 2.0, 0.0] {
                capsule(ctx, x + k - 2.0, y - k + 1.0, w + 1.0, h);
            }
        }
        Shape::Envelope => {
            ctx.rect(x - r - 2.0, y - r + 1.5, 2.0 * r + 4.0, 2.0 * r - 3.0);
        }
    }
}

/// Smoothstep easing: a message leaves gently, travels, and settles into its destination, so the
/// eye can pick it up where it starts (linear motion from a standstill reads as a jump).
fn ease(p: f64) -> f64 {
    let p = p.clamp(0.0, 1.0);
    p * p * (3.0 - 2.0 * p)
}

#[cfg(test)]
mod tests {
    use super::{union, Px};
    use std::collections::BTreeSet;

    fn pixels(rects: &[Px]) -> BTreeSet<(i32, i32)> {
        rects
            .iter()
            .flat_map(|p| (p.y0..p.y1).flat_map(move |y| (p.x0..p.x1).map(move |x| (x, y))))
            .collect()
    }

    /// A crowd's rectangles and their union cover the same pixels; the union's rectangles do not
    /// overlap, and a pile of overlapping ones comes out as few.
    #[test]
    fn union_covers_the_same_pixels_with_fewer_rectangles() {
        // A deterministic scatter: a dense pile, a sparse spread, hollow outlines, empty ones.
        let mut seed = 7u64;
        let mut next = |n: i32| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) % n as u64) as i32
        };
        let mut rects = Vec::new();
        for _ in 0..600 {
            let (x, y) = (40 + next(25), 30 + next(9));
            rects.push(Px {
                x0: x,
                y0: y,
                x1: x + 16,
                y1: y + 10,
            });
        }
        for _ in 0..60 {
            let (x, y) = (next(300) - 20, next(200) - 10);
            rects.push(Px {
                x0: x,
                y0: y,
                x1: x + 2 + next(20),
                y1: y + 2,
            });
            rects.push(Px {
                x0: x,
                y0: y,
                x1: x + 2,
                y1: y + 2 + next(12),
            });
        }
        rects.push(Px {
            x0: 5,
            y0: 5,
            x1: 5,
            y1: 9,
        });
        rects.push(Px {
            x0: 5,
            y0: 9,
            x1: 8,
            y1: 9,
        });
        let want = pixels(&rects);
        let got = union(&rects);
        assert_eq!(pixels(&got), want, "the same pixels");
        let area: usize = got
            .iter()
            .map(|p| ((p.x1 - p.x0) * (p.y1 - p.y0)) as usize)
            .sum();
        assert_eq!(area, want.len(), "no pixel covered twice");
        assert!(got.len() < 300, "{} rectangles for 722", got.len());
        // One block from a pile: a rectangle per distinct run of rows, not per token.
        let pile: Vec<Px> = (0..1000)
            .map(|i| Px {
                x0: i % 7,
                y0: i % 3,
                x1: i % 7 + 20,
                y1: i % 3 + 10,
            })
            .collect();
        assert_eq!(union(&pile).len(), 1, "a pile of rectangles is one block");
        assert!(union(&[]).is_empty());
    }
}
