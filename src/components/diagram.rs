//! The SVG diagram: edges and boxes. Tokens are drawn on a canvas laid over it ([`super::tokens`]).

use lambdascope_sim::trace::NodeId;
use lambdascope_sim::{Method, Scene};
use yew::prelude::*;

use super::nodes::NodeBox;
use super::Shared;
use crate::catalog::{method_class, node_method};
use crate::layout::{Lane, Layout};
use crate::playback::Session;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub session: Shared<Session>,
    pub scene: Shared<Scene>,
    pub layout: Shared<Layout>,
    pub selected: Option<u32>,
    pub filter: Option<Method>,
    pub instance: u32,
    pub on_select: Callback<u32>,
}

#[function_component(Diagram)]
pub fn diagram(p: &DiagramProps) -> Html {
    let topo = &p.session.timeline().topology;
    let l = &p.layout;
    let arrow = format!("ls-arrow-{}", p.instance);
    let dim = |m: Option<Method>| p.filter.is_some() && m.is_some() && m != p.filter;
    let edges: Html = topo
        .edges
        .iter()
        .map(|(a, b)| {
            let m = node_method(topo, &topo.node(*a).kind).or_else(|| node_method(topo, &topo.node(*b).kind));
            let c = l.edge(*a, *b);
            html! {
                <path class={classes!("ls-edge", m.map(method_class), dim(m).then_some("ls-dimmed"))} d={c.svg_d()} marker-end={format!("url(#{arrow})")} />
            }
        })
        .collect();
    // Failed events loop back from the function to the queue to wait for their retry.
    let retry_loop = topo.queue.map(|q| {
        let c = l.curve(topo.function, q, Lane::Loop);
        // The label sits just outside the loop's apex.
        let apex = c.at(0.5);
        let chord = crate::layout::Pt { x: (c.p0.x + c.p1.x) / 2.0, y: (c.p0.y + c.p1.y) / 2.0 };
        let (dx, dy) = (apex.x - chord.x, apex.y - chord.y);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let mid = crate::layout::Pt { x: apex.x + dx / len * 9.0, y: apex.y + dy / len * 9.0 + 3.0 };
        html! { <g class={classes!("ls-retry-loop", dim(Some(Method::Asynchronous)).then_some("ls-dimmed"))}>
            <path d={c.svg_d()} marker-end={format!("url(#{arrow})")} />
            // Only where it would not sit on a box (a short loop keeps just its dashed line).
            if !l.boxes.iter().any(|r| r.contains(mid, 12.0)) {
                <text x={format!("{:.1}", mid.x)} y={format!("{:.1}", mid.y)} text-anchor="middle">{"retry"}</text>
            }
        </g> }
    });
    let nodes: Html = topo
        .nodes
        .iter()
        .map(|n| {
            let m = node_method(topo, &n.kind);
            html! {
                <NodeBox key={n.id.0} session={p.session.clone()} scene={p.scene.clone()} id={n.id.0} rect={l.rect(NodeId(n.id.0))}
                    method={m} selected={p.selected == Some(n.id.0)} dimmed={dim(m)} instance={p.instance} on_select={p.on_select.clone()} />
            }
        })
        .collect();
    let title = format!(
        "Diagram of {}: {} boxes. Tab to a box and press Enter for details.",
        p.session.scenario.file.title,
        topo.nodes.len()
    );
    html! {
        <svg class={classes!("ls-diagram", p.filter.map(|m| format!("ls-filter-{}", method_class(m))))} viewBox={format!("0 0 {:.0} {:.0}", l.width, l.height)}
             role="group" aria-label={title} data-at={p.scene.at.as_ms().to_string()}>
            <defs>
                <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 1L10 5L0 9Z" class="ls-arrowhead" />
                </marker>
                <pattern id={format!("ls-hatch-{}", p.instance)} width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="5" height="5" class="ls-hatch-bg" />
                    <line x1="0" y1="0" x2="0" y2="5" class="ls-hatch-line" />
                </pattern>
            </defs>
            <g class="ls-edges">{edges}{retry_loop}</g>
            <g class="ls-nodes">{nodes}</g>
        </svg>
    }
}
