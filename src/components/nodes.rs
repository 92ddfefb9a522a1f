//! One box of the diagram, drawn from the scene: sources and callers, Lambda's event queue with
//! its waiting events and retry countdowns, the function with its execution environments and
//! concurrency, and the destinations and DLQs where failed events stack up.

use lambdascope_sim::scene::{EnvPhase, NodeView, RetryTimer, FLASH_MS};
use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::topology::NodeKind;
use lambdascope_sim::trace::{NodeId, RetryReason};
use lambdascope_sim::Method;
use yew::prelude::*;

use super::glyph::{glyph, glyph_label, method_badge};
use super::Shared;
use crate::layout::{holds_messages, Rect};
use crate::playback::Session;
use lambdascope_sim::Scene;

#[derive(Properties, PartialEq)]
pub struct NodeProps {
    pub session: Shared<Session>,
    pub scene: Shared<Scene>,
    pub id: u32,
    pub rect: Rect,
    pub method: Option<Method>,
    pub selected: bool,
    pub dimmed: bool,
    pub instance: u32,
    pub on_select: Callback<u32>,
}

#[function_component(NodeBox)]
pub fn node_box(p: &NodeProps) -> Html {
    let tl = p.session.timeline();
    let node = tl.topology.node(NodeId(p.id));
    let view = p
        .scene
        .nodes
        .get(p.id as usize)
        .cloned()
        .unwrap_or_default();
    let r = p.rect;
    let select = {
        let (cb, id) = (p.on_select.clone(), p.id);
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let keys = {
        let (cb, id) = (p.on_select.clone(), p.id);
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                cb.emit(id);
            }
        })
    };
    let (inside, summary) = match &node.kind {
        NodeKind::Function => function_inside(p, r.w, r.h),
        NodeKind::EventQueue => queue_inside(p, r.w, r.h),
        NodeKind::Caller { .. } => {
            let status = view.last_status.map(|s| {
                let ok = s < 400;
                html! {
                    <g class={classes!("ls-status", if ok { "ls-ok" } else { "ls-bad" })} transform={format!("translate({:.1} 15)", r.w - 21.0)}>
                        <rect x="-17" y="-9" width="34" height="17" rx="3" />
                        <text y="3.5" text-anchor="middle">{s}</text>
                    </g>
                }
            });
            let waiting = (view.waiting > 0).then(|| {
                html! { <g transform={format!("translate(8 {:.1})", r.h - 17.0)}>
                    <path class="ls-hourglass" d="M0 0H7L0 10H7Z" />
                    <text x="11" y="9" class="ls-small">{format!("{} waiting", view.waiting)}</text>
                </g> }
            });
            let sum = format!(
                "{} waiting{}",
                view.waiting,
                view.last_status
                    .map(|s| format!(", last answer {s}"))
                    .unwrap_or_default()
            );
            (html! { <>{waiting}{status}</> }, sum)
        }
        NodeKind::Source { .. } if view.visible + view.in_flight > 0 || is_queue(&node.kind) => {
            queue_counts(&view, r.w, r.h - 24.0)
        }
        NodeKind::Shard { .. } => shard_inside(&view, r.w),
        NodeKind::EventSourceMapping { .. } => mapping_inside(p, &view, r.w, r.h),
        NodeKind::State { .. } => {
            let html = (view.active > 0).then(|| {
                html! { <text x={format!("{:.1}", r.w - 8.0)} y="17" text-anchor="end" class="ls-active">{format!("{} active", view.active)}</text> }
            });
            (
                html! { <>{html}</> },
                format!("{} executions in this state", view.active),
            )
        }
        NodeKind::OnSuccess
        | NodeKind::OnFailure
        | NodeKind::DeadLetterQueue
        | NodeKind::DeliveryDlq { .. }
        | NodeKind::QueueDlq { .. }
        | NodeKind::MappingOnFailure { .. } => {
            let pile: Html = (0..view.stacked.min(8))
                .map(|i| {
                    html! { <rect class="ls-pile" x={format!("{:.1}", r.w - 40.0)} y={format!("{:.1}", r.h - 14.0 - 4.0 * i as f64)} width="26" height="8" rx="1.5" /> }
                })
                .collect();
            let count = html! { <text x="8" y={format!("{:.1}", r.h - 9.0)} class="ls-count">{view.stacked}</text> };
            (
                html! { <>{pile}{count}</> },
                format!("{} received", view.stacked),
            )
        }
        NodeKind::Source { .. } | NodeKind::TaskTokenWorker { .. } => {
            (Html::default(), String::new())
        }
    };
    let badge = p
        .method
        .filter(|_| matches!(node.kind, NodeKind::Source { .. }))
        .map(|m| method_badge(m, 12.0, r.h - 11.0));
    let flashes: Vec<_> = p
        .scene
        .flashes
        .iter()
        .filter(|f| f.node.0 == p.id)
        .take(3)
        .collect();
    let glyphs: Html = flashes
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let age = p.scene.at.since(f.at) as f64 / FLASH_MS as f64;
            glyph(f.glyph, r.w - 12.0 - 22.0 * i as f64, -2.0, 1.0 - 0.6 * age)
        })
        .collect();
    // What the newest mark means, in words. On the function's tall box it sits inside, above
    // the environment counts, on a card of its own: above the box it ran into the box over it
    // on a phone (the narrow layout leaves 14 units between boxes).
    let flash_text = flashes.first().map(|f| {
        if matches!(node.kind, NodeKind::Function) {
            let text = glyph_label(f.glyph);
            let w = text.chars().count() as f64 * 6.3 + 8.0;
            html! { <g class="ls-flash-card">
                <rect x={format!("{:.1}", r.w - 6.0 - w)} y={format!("{:.1}", r.h - 33.0)} width={format!("{w:.1}")} height="14" rx="3" />
                <text x={format!("{:.1}", r.w - 10.0)} y={format!("{:.1}", r.h - 23.0)} text-anchor="end" class="ls-flash-text">{text}</text>
            </g> }
        } else {
            html! { <text x={format!("{:.1}", r.w - 26.0)} y="-6" text-anchor="end" class="ls-flash-text">{glyph_label(f.glyph)}</text> }
        }
    });
    let method_text = p.method.map(|m| m.label()).unwrap_or("every method");
    let label = format!(
        "{}, {}: {}. {}. Press Enter for details.",
        node.label, node.detail, method_text, summary
    );
    let shape_class = p
        .method
        .map(crate::catalog::method_class)
        .unwrap_or("ls-m-none");
    let blocked = matches!(node.kind, NodeKind::Shard { .. }) && view.blocked;
    let active = matches!(node.kind, NodeKind::State { .. }) && view.active > 0;
    html! {
        <g class={classes!("ls-node", format!("ls-node-{}", role(&node.kind)), shape_class, p.selected.then_some("ls-selected"), p.dimmed.then_some("ls-dimmed"), blocked.then_some("ls-blocked"), active.then_some("ls-active-node"))}
           transform={format!("translate({:.1} {:.1})", r.x, r.y)}
           tabindex="0" role="button" aria-label={label} aria-pressed={p.selected.to_string()}
           data-node={node.key.clone()} onclick={select} onkeydown={keys}>
            <rect class="ls-box" width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx={corner(p.method)} />
            {fitted(&node.label, r.w, LABEL_CHAR_W, 17.0, "ls-label")}
            {fitted(&node.detail, r.w, DETAIL_CHAR_W, 31.0, "ls-detail")}
            {inside}
            {badge}
            {glyphs}
            {flash_text}
        </g>
    }
}

/// Corner radius is part of the method's shape: square (sync), round (async), in between (polling).
fn corner(m: Option<Method>) -> &'static str {
    match m {
        Some(Method::Synchronous) => "2",
        Some(Method::Asynchronous) => "14",
        Some(Method::Polling) => "7",
        None => "8",
    }
}

fn role(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Caller { .. } => "caller",
        NodeKind::Source { .. } => "source",
        NodeKind::EventQueue => "queue",
        NodeKind::Function => "function",
        NodeKind::OnSuccess => "on-success",
        NodeKind::OnFailure => "on-failure",
        NodeKind::DeadLetterQueue => "dlq",
        NodeKind::DeliveryDlq { .. } => "eb-dlq",
        NodeKind::EventSourceMapping { .. } => "esm",
        NodeKind::Shard { .. } => "shard",
        NodeKind::QueueDlq { .. } => "queue-dlq",
        NodeKind::MappingOnFailure { .. } => "mapping-on-failure",
        NodeKind::State { .. } => "state",
        NodeKind::TaskTokenWorker { .. } => "worker",
    }
}

/// Width of a character of a box's name (bold 12.5 px) and of its detail line, in layout units,
/// measured on the bundled scenarios' names in Chromium's default sans-serif (names like "Event
/// source mapping" averaged 8.1 in bold; an estimate on the low side overflowed the box on phones).
const LABEL_CHAR_W: f64 = 8.1;
const DETAIL_CHAR_W: f64 = 6.2;
/// A text may be narrowed by up to this much to keep it whole rather than cut it.
const MOST_SQUEEZE: f64 = 0.8;

/// A box's text kept inside the box: whole if it fits; whole and slightly narrowed
/// (`textLength`) if that is enough; else cut with an ellipsis and narrowed to fit.
fn fitted(s: &str, w: f64, char_w: f64, y: f64, class: &'static str) -> Html {
    let room = w - 14.0;
    let wide = s.chars().count() as f64 * char_w;
    if wide <= room {
        return html! { <text x="8" y={format!("{y:.0}")} class={class}>{s.to_string()}</text> };
    }
    let text = clip(s, w, char_w * MOST_SQUEEZE);
    let wide = text.chars().count() as f64 * char_w;
    html! {
        <text x="8" y={format!("{y:.0}")} class={class} textLength={format!("{:.1}", room.min(wide))} lengthAdjust="spacingAndGlyphs">{text}</text>
    }
}

/// Keeps a text inside its box at `char_w` units a character, cutting it with an ellipsis.
fn clip(s: &str, w: f64, char_w: f64) -> String {
    let max = ((w - 14.0) / char_w).max(4.0) as usize;
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn function_inside(p: &NodeProps, w: f64, h: f64) -> (Html, String) {
    let scene = &p.scene;
    let f = &p.session.scenario.file;
    let limit = match f.function.reserved_concurrency {
        Some(r) => format!("{r} (reserved)"),
        None => f.account.concurrency.to_string(),
    };
    let envs = &scene.environments;
    let count = |ph: EnvPhase| envs.iter().filter(|e| e.phase == ph).count();
    let (init, busy, idle) = (
        count(EnvPhase::Initializing),
        count(EnvPhase::Busy),
        count(EnvPhase::Idle),
    );
    let (scaling, scaling_words) = super::scaling::row(&scene.scaling, w, 58.0);
    let (cw, ch, gap, top) = (22.0, 15.0, 4.0, 52.0 + super::scaling::ROW_H);
    let cols = (((w - 16.0 + gap) / (cw + gap)).floor() as usize).max(1);
    let rows = (((h - top - 20.0 + gap) / (ch + gap)).floor() as usize).max(1);
    let cap = cols * rows;
    let shown = if envs.len() > cap {
        cap - 1
    } else {
        envs.len()
    };
    let hatch = format!("url(#ls-hatch-{})", p.instance);
    let cells: Html = envs
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, e)| {
            let (x, y) = (8.0 + (i % cols) as f64 * (cw + gap), top + (i / cols) as f64 * (ch + gap));
            let (class, title) = match e.phase {
                EnvPhase::Initializing => ("ls-env-init", format!("environment {}: initialising (cold start)", e.env.0)),
                EnvPhase::Busy => ("ls-env-busy", format!("environment {}: running invocation {} attempt {}", e.env.0, e.inv.map_or(0, |i| i.0), e.attempt)),
                EnvPhase::Idle => ("ls-env-idle", format!("environment {}: idle, warm", e.env.0)),
            };
            // The run's progress in whole units (19 steps), not tenths: a bar that grew a tenth of
            // a unit on every frame was an SVG attribute, a layout and a repaint per environment
            // per frame (issue 16's phone frame), for a change a reader cannot see.
            let bar = (e.phase != EnvPhase::Idle).then(|| {
                let width = ((cw - 3.0) * e.progress as f64).round() as u32;
                html! { <rect class="ls-env-bar" x="1.5" y={format!("{:.1}", ch - 4.0)} width={width.to_string()} height="2.5" /> }
            });
            html! {
                <g transform={format!("translate({x:.1} {y:.1})")} class={classes!("ls-env", class)}>
                    <title>{title}</title>
                    <rect width={cw.to_string()} height={ch.to_string()} rx="2" fill={(e.phase == EnvPhase::Initializing).then(|| hatch.clone())} />
                    {if e.provisioned { html! { <text x="3" y="10" class="ls-env-p">{"P"}</text> } } else { Html::default() }}
                    {bar}
                </g>
            }
        })
        .collect();
    let more = (envs.len() > shown).then(|| {
        let i = shown;
        let (x, y) = (8.0 + (i % cols) as f64 * (cw + gap), top + (i / cols) as f64 * (ch + gap));
        html! { <text x={format!("{:.1}", x + 1.0)} y={format!("{:.1}", y + 11.0)} class="ls-small">{format!("+{}", envs.len() - shown)}</text> }
    });
    let full = f
        .function
        .reserved_concurrency
        .is_some_and(|r| scene.concurrency_in_use >= r);
    let html = html! { <>
        <text x="8" y="45" class={classes!("ls-small", full.then_some("ls-limit-hit"))}>{format!("in use {} of {limit}", scene.concurrency_in_use)}</text>
        {scaling}
        {cells}
        {more}
        <text x="8" y={format!("{:.1}", h - 7.0)} class="ls-small">{format!("init {init} · busy {busy} · idle {idle}")}</text>
    </> };
    (html, format!("{} environments: {init} initialising, {busy} busy, {idle} idle; concurrency {} of {limit}; {scaling_words}", envs.len(), scene.concurrency_in_use))
}

fn is_queue(kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::Source { kind, .. } if holds_messages(*kind))
}

/// An SQS queue: visible messages wait; received ones are invisible until deleted or their
/// visibility timeout ends.
fn queue_counts(view: &NodeView, w: f64, y: f64) -> (Html, String) {
    let per_row = (((w - 16.0) / 9.0).floor() as u32).max(1);
    let vis = view.visible.min(per_row);
    let inv = view.in_flight.min(per_row.saturating_sub(vis));
    let slots: Html = (0..vis + inv)
        .map(|i| {
            let class = if i < vis { "ls-slot" } else { "ls-slot ls-slot-invisible" };
            // A row clear of the count line under it (at y − 12 the squares sat on its text).
            html! { <rect class={class} x={format!("{:.1}", 8.0 + 9.0 * i as f64)} y={format!("{:.1}", y - 16.0)} width="8" height="5" rx="2.5" /> }
        })
        .collect();
    let html = html! { <>
        {slots}
        <text x="8" y={format!("{y:.1}")} class="ls-small">{format!("{} visible · {} in flight", view.visible, view.in_flight)}</text>
    </> };
    (
        html,
        format!(
            "{} messages visible, {} in flight (invisible)",
            view.visible, view.in_flight
        ),
    )
}

fn shard_inside(view: &NodeView, w: f64) -> (Html, String) {
    let mut lines = vec![format!(
        "{} waiting · {} in batch",
        view.visible, view.in_flight
    )];
    if let Some(c) = view.checkpoint {
        lines.push(format!("checkpoint past #{c}"));
    }
    if let Some(a) = view.iterator_age_ms.filter(|a| *a > 0) {
        lines.push(format!("iterator age {}", format_duration_ms(a)));
    }
    let text: Html = lines
        .iter()
        .enumerate()
        .map(|(i, l)| html! { <text x="8" y={format!("{:.1}", 44.0 + 12.0 * i as f64)} class="ls-small">{l.clone()}</text> })
        .collect();
    let badge = view.blocked.then(|| {
        html! { <g transform={format!("translate({:.1} 5)", w - 60.0)} class="ls-blocked-badge">
            <rect width="52" height="14" rx="2" />
            <text x="26" y="10.5" text-anchor="middle">{"BLOCKED"}</text>
        </g> }
    });
    let sum = format!(
        "{}{}",
        lines.join(", "),
        if view.blocked {
            ", blocked by a failed batch"
        } else {
            ""
        }
    );
    (html! { <>{text}{badge}</> }, sum)
}

fn mapping_inside(p: &NodeProps, view: &NodeView, w: f64, h: f64) -> (Html, String) {
    let limit = view
        .concurrency_limit
        .map(|l| format!(" / {l}"))
        .unwrap_or_default();
    let batches: Vec<_> = p.scene.batches.iter().filter(|b| b.esm.0 == p.id).collect();
    let per_row = (((w - 16.0) / 30.0).floor() as usize).max(1);
    let rows = (((h - 64.0) / 14.0).floor() as usize).max(1);
    let shown = batches.len().min(per_row * rows);
    let groups: Html = batches
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, b)| {
            let (x, y) = (8.0 + 30.0 * (i % per_row) as f64, 54.0 + 14.0 * (i / per_row) as f64);
            let n = b.items.len();
            let cells: Html = (0..n.min(4))
                .map(|k| html! { <rect class="ls-batch-cell" x={format!("{:.1}", x + 5.0 * k as f64)} y={format!("{y:.1}")} width="4" height="8" /> })
                .collect();
            html! { <g><title>{format!("batch {} of {n}", b.batch.0)}</title>{cells}<text x={format!("{:.1}", x + 21.0)} y={format!("{:.1}", y + 8.0)} class="ls-tiny">{n}</text></g> }
        })
        .collect();
    let html = html! { <>
        <text x="8" y="45" class="ls-small">{format!("batches in flight {}{limit}", view.batches_in_flight)}</text>
        {groups}
    </> };
    (
        html,
        format!(
            "{} batches in flight{}",
            view.batches_in_flight,
            if limit.is_empty() {
                String::new()
            } else {
                format!(", limit{limit}")
            }
        ),
    )
}

fn queue_inside(p: &NodeProps, w: f64, h: f64) -> (Html, String) {
    let scene = &p.scene;
    let waiting = scene.queue_depth;
    // Only the retries Lambda's internal queue holds (L-ASYNC-ERR): an SNS or EventBridge
    // delivery retry happens in that service, before the queue; an SDK, mapping or Step Functions
    // retry is its caller's.
    let timers: Vec<&RetryTimer> = scene
        .retry_timers
        .iter()
        .filter(|t| in_lambdas_queue(t.reason))
        .collect();
    let per_row = (((w - 16.0) / 11.0).floor() as u32).max(1);
    let shown = waiting.min(per_row);
    let slots: Html = (0..shown).map(|i| html! { <rect class="ls-slot" x={format!("{:.1}", 8.0 + 11.0 * i as f64)} y="41" width="9" height="6" rx="3" /> }).collect();
    let more = (waiting > shown).then(|| html! { <text x={format!("{:.1}", 8.0 + 11.0 * shown as f64)} y="48" class="ls-small">{format!("+{}", waiting - shown)}</text> });
    let lines = (((h - 70.0) / 14.0).floor() as usize).max(1);
    let rows: Html = timers
        .iter()
        .take(lines)
        .enumerate()
        .map(|(i, t)| {
            let what = match t.reason {
                RetryReason::FunctionError => format!("attempt {}", t.next_try),
                RetryReason::Throttled => "after throttle".to_string(),
                _ => format!("try {}", t.next_try),
            };
            html! {
                <text x="8" y={format!("{:.1}", 74.0 + 14.0 * i as f64)} class="ls-timer">
                    {format!("#{} {what} in {}", t.inv.0, countdown(t.remaining_ms))}
                </text>
            }
        })
        .collect();
    let extra = (timers.len() > lines).then(|| html! { <text x="8" y={format!("{:.1}", h - 6.0)} class="ls-small">{format!("+{} more waiting to retry", timers.len() - lines)}</text> });
    let html = html! { <>
        <text x="8" y="60" class="ls-small">{format!("{waiting} waiting · {} retry timers", timers.len())}</text>
        {slots}{more}{rows}{extra}
    </> };
    (
        html,
        format!(
            "{waiting} events waiting, {} waiting for a retry",
            timers.len()
        ),
    )
}

/// Whether a retry waits in Lambda's internal queue for asynchronous invocation.
fn in_lambdas_queue(reason: RetryReason) -> bool {
    match reason {
        RetryReason::FunctionError | RetryReason::Throttled => true,
        RetryReason::SdkThrottleRetry
        | RetryReason::DeliveryFailed
        | RetryReason::ClientReadTimeout
        | RetryReason::EsmThrottled
        | RetryReason::StreamBatchFailed
        | RetryReason::StateRetry => false,
    }
}

/// A retry countdown: `42 s`, `1 min 05 s`, `850 ms`.
pub fn countdown(ms: u64) -> String {
    if (1000..60_000).contains(&ms) {
        format!("{} s", ms.div_ceil(1000))
    } else {
        format_duration_ms(ms)
    }
}
