//! Messages in flight, drawn on a `<canvas>` laid over the SVG diagram.
//!
//! Why a canvas: a thousand tokens as Yew-diffed SVG elements cost about 8 ms a frame here
//! (toolchain.md §6); batched canvas paths cost well under 1 ms. Each token's position is the
//! core's `progress` along its edge's curve; its shape says what it is (circle: request or
//! attempt, diamond: an answer, square: an event, envelope: a record for a destination or DLQ),
//! its colour says the method or the outcome, and a ring marks a duplicate delivery.

use std::cell::RefCell;

use lambdascope_sim::idmap::IdMap;
use lambdascope_sim::scene::Token;
use lambdascope_sim::trace::{FailureTargetKind, Message};
use lambdascope_sim::{Method, Scene};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Circle,
    Ring,
    Diamond,
    Square,
    Triangle,
    Envelope,
    Batch,
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
/// where thousands of anti-aliased arcs cost 40 ms a frame (measured with 5,000 tokens).
const CROWD: usize = 1500;
const R: f64 = 5.5;

#[allow(unreachable_patterns)]
fn style(t: &Token) -> (Shape, Colour, Option<String>) {
    match &t.message {
        Message::Request => (Shape::Ring, Colour::Sync, None),
        Message::Invoke { try_no } => (
            Shape::Circle,
            Colour::Sync,
            (*try_no > 1).then(|| try_no.to_string()),
        ),
        Message::Response { status, .. } => (
            Shape::Diamond,
            if *status < 400 {
                Colour::Ok
            } else {
                Colour::Bad
            },
            Some(status.to_string()),
        ),
        Message::Accepted => (Shape::Square, Colour::Neutral, Some("202".into())),
        Message::Event => (Shape::Square, Colour::Async, None),
        Message::DeliveryAttempt { try_no } => {
            (Shape::Triangle, Colour::Async, Some(try_no.to_string()))
        }
        Message::Attempt { attempt } => (Shape::Circle, Colour::Async, Some(attempt.to_string())),
        Message::RetryWait { .. } => (Shape::Ring, Colour::Bad, None),
        Message::Record {
            target: FailureTargetKind::Destination,
            success: true,
        } => (Shape::Envelope, Colour::Ok, None),
        Message::Record { .. } => (Shape::Envelope, Colour::Bad, None),
        // A batch travels as one group: a stack, labelled with its size.
        Message::Batch { items, try_no } => (
            Shape::Batch,
            Colour::Poll,
            Some(if *try_no > 1 {
                format!("{}×{try_no}", items.len())
            } else {
                items.len().to_string()
            }),
        ),
        Message::DeleteMessages { items } => {
            (Shape::Ring, Colour::Ok, Some(items.len().to_string()))
        }
        Message::ToDeadLetterQueue | Message::FailureRecord { .. } => {
            (Shape::Envelope, Colour::Bad, None)
        }
        Message::TaskToken => (Shape::Triangle, Colour::Neutral, None),
        Message::Callback { .. } => (Shape::Diamond, Colour::Ok, None),
        _ => (Shape::Circle, Colour::Poll, None),
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
    let curves = use_memo(p.layout.clone(), |_| {
        RefCell::new(IdMap::<u32, Curve>::new())
    });
    let methods = use_memo(p.session.clone(), |s| {
        let topo = &s.timeline().topology;
        topo.nodes
            .iter()
            .map(|n| node_method(topo, &n.kind))
            .collect::<Vec<_>>()
    });
    {
        let (canvas, curves, methods) = (canvas.clone(), curves.clone(), methods.clone());
        let (scene, layout, width, dark, filter) =
            (p.scene.clone(), p.layout.clone(), p.width, p.dark, p.filter);
        use_effect(move || {
            draw(
                &canvas, &curves, &methods, &scene, &layout, width, dark, filter,
            );
        });
    }
    html! { <canvas ref={canvas} class="ls-tokens" aria-hidden="true" data-tokens={p.scene.tokens.len().to_string()} /> }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    canvas: &NodeRef,
    curves: &RefCell<IdMap<u32, Curve>>,
    methods: &[Option<Method>],
    scene: &Scene,
    layout: &Layout,
    width: f64,
    dark: bool,
    filter: Option<Method>,
) {
    let Some(c) = canvas.cast::<HtmlCanvasElement>() else {
        return;
    };
    let Some(ctx) = c
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|x| x.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
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
    if scene.tokens.is_empty() {
        return;
    }
    let s = pw as f64 / vw;
    let _ = ctx.set_transform(s, 0.0, 0.0, s, 0.0, 0.0);

    // Bucket by (dimmed, shape, colour) so each bucket is one path and one fill; kept sorted by
    // that key (a sorted Vec: a few dozen buckets at most) so the drawing order is stable.
    let mut buckets: Vec<(BucketKey, Vec<(f64, f64)>)> = Vec::new();
    let mut labels: Vec<(f64, f64, String)> = Vec::new();
    let mut dups: Vec<(f64, f64)> = Vec::new();
    let with_labels = scene.tokens.len() <= LABEL_LIMIT;
    let mut cache = curves.borrow_mut();
    for t in &scene.tokens {
        let lane = matches!(t.message, Message::RetryWait { .. });
        let curve = *cache.get_or_insert_with(edge_key(t.from.0, t.to.0, lane), || {
            layout.curve(t.from, t.to, if lane { Lane::Loop } else { Lane::Normal })
        });
        let mut pt = curve.at(t.progress as f64);
        // Spread a burst sideways so many tokens on one edge read as a crowd, not one dot.
        let jitter = ((t.token.0.wrapping_mul(2_654_435_761) >> 27) % 9) as f64 - 4.0;
        let (dx, dy) = (curve.p1.x - curve.p0.x, curve.p1.y - curve.p0.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        pt.x += -dy / len * jitter;
        pt.y += dx / len * jitter;
        let (shape, colour, label) = style(t);
        let m = |n: u32| methods.get(n as usize).copied().flatten();
        let dim = filter.is_some_and(|f| {
            [m(t.from.0), m(t.to.0)]
                .iter()
                .any(|x| x.is_some_and(|x| x != f))
        });
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
            if let Some(l) = label {
                labels.push((pt.x, pt.y, l));
            }
        }
    }
    let ink = css(Colour::Ink, dark);
    let crowd = scene.tokens.len() > CROWD;
    for ((dim, shape, colour), pts) in &buckets {
        ctx.set_global_alpha(if *dim { 0.15 } else { 1.0 });
        ctx.begin_path();
        for &(x, y) in pts {
            if crowd {
                trace_blocky(&ctx, *shape, x, y);
            } else {
                trace_shape(&ctx, *shape, x, y);
            }
        }
        if crowd {
            ctx.set_fill_style_str(css(*colour, dark));
            ctx.fill();
            continue;
        }
        let col = css(*colour, dark);
        if *shape == Shape::Ring {
            ctx.set_stroke_style_str(col);
            ctx.set_line_width(2.2);
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
            ctx.move_to(x + R + 3.5, y);
            let _ = ctx.arc(x, y, R + 3.5, 0.0, std::f64::consts::TAU);
        }
        ctx.set_stroke_style_str("#CC79A7");
        ctx.set_line_width(2.0);
        let dash = js_sys::Array::of2(&2.5.into(), &1.5.into());
        let _ = ctx.set_line_dash(&dash);
        ctx.stroke();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
    if !labels.is_empty() {
        ctx.set_font("bold 7px system-ui, sans-serif");
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_fill_style_str(ink);
        for (x, y, l) in &labels {
            // Beside the token for multi-digit labels, inside for single digits.
            if l.len() > 1 {
                let _ = ctx.fill_text(l, *x, *y - R - 5.0);
            } else {
                ctx.set_fill_style_str("#FFFFFF");
                let _ = ctx.fill_text(l, *x, *y + 0.5);
                ctx.set_fill_style_str(ink);
            }
        }
    }
}

/// The same shapes from rectangles only (see [`CROWD`]); filled, never stroked.
fn trace_blocky(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64) {
    let r = R - 1.0;
    match shape {
        Shape::Circle => ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r),
        Shape::Ring => {
            for (dx, dy, w, h) in [
                (-r, -r, 2.0 * r, 2.0),
                (-r, r - 2.0, 2.0 * r, 2.0),
                (-r, -r, 2.0, 2.0 * r),
                (r - 2.0, -r, 2.0, 2.0 * r),
            ] {
                ctx.rect(x + dx, y + dy, w, h);
            }
        }
        Shape::Diamond => {
            ctx.rect(x - R, y - 1.5, 2.0 * R, 3.0);
            ctx.rect(x - 1.5, y - R, 3.0, 2.0 * R);
        }
        Shape::Square => ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r),
        Shape::Triangle => {
            ctx.rect(x - r, y, 2.0 * r, r);
            ctx.rect(x - r / 2.0, y - r, r, r);
        }
        Shape::Envelope => ctx.rect(x - R - 2.0, y - r / 2.0, 2.0 * R + 4.0, r),
        Shape::Batch => {
            ctx.rect(x - R, y - r + 2.0, 2.0 * R, 2.0 * r - 2.0);
            ctx.rect(x - R + 2.0, y - r, 2.0 * R, 2.0);
        }
    }
}

fn trace_shape(ctx: &CanvasRenderingContext2d, shape: Shape, x: f64, y: f64) {
    match shape {
        Shape::Circle | Shape::Ring => {
            ctx.move_to(x + R, y);
            let _ = ctx.arc(x, y, R, 0.0, std::f64::consts::TAU);
        }
        Shape::Diamond => {
            ctx.move_to(x, y - R - 1.0);
            ctx.line_to(x + R + 1.0, y);
            ctx.line_to(x, y + R + 1.0);
            ctx.line_to(x - R - 1.0, y);
            ctx.close_path();
        }
        Shape::Square => ctx.rect(x - R + 0.5, y - R + 0.5, 2.0 * R - 1.0, 2.0 * R - 1.0),
        Shape::Triangle => {
            ctx.move_to(x, y - R - 1.0);
            ctx.line_to(x + R + 1.0, y + R);
            ctx.line_to(x - R - 1.0, y + R);
            ctx.close_path();
        }
        Shape::Batch => {
            for k in [2.0, 0.0] {
                ctx.rect(
                    x - R - 2.0 + k,
                    y - R + 1.0 - k,
                    2.0 * R + 4.0,
                    2.0 * R - 2.0,
                );
            }
        }
        Shape::Envelope => {
            ctx.rect(x - R - 2.0, y - R + 1.5, 2.0 * R + 4.0, 2.0 * R - 3.0);
        }
    }
}
