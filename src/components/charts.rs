//! Live metrics as small SVG charts sharing the scrubber's time axis: the part after the cursor is
//! veiled, and the number is the value at the cursor.

use lambdascope_sim::time::format_duration_ms;
use lambdascope_sim::Scene;
use yew::prelude::*;

use super::Shared;
use crate::metrics::{MetricKind, Metrics, Series};

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub metrics: Shared<Metrics>,
    pub scene: Shared<Scene>,
    pub screen: f64,
    pub end: f64,
    /// The section's element (the player watches whether it is on screen).
    #[prop_or_default]
    pub node: NodeRef,
}

const W: f64 = 120.0;
const H: f64 = 32.0;

fn series_path(s: &Series, xs: &[f64], end: f64) -> String {
    let max = s.max.max(1.0);
    let x = |v: f64| v / end.max(1.0) * W;
    let y = |v: f64| H - v / max * (H - 2.0);
    let mut d = String::new();
    match s.metric.kind() {
        MetricKind::Count => {
            // A bar per sample interval.
            for i in 1..xs.len() {
                let v = s.values[i];
                if v > 0.0 {
                    let (x0, x1) = (x(xs[i - 1]), x(xs[i]));
                    d.push_str(&format!(
                        "M{:.2} {H}V{:.2}H{:.2}V{H}Z",
                        x0,
                        y(v),
                        x1.max(x0 + 0.6)
                    ));
                }
            }
        }
        MetricKind::Level => {
            d.push_str(&format!("M0 {H}"));
            for i in 0..xs.len() {
                let (xi, yi) = (x(xs[i]), y(s.values[i]));
                d.push_str(&format!("L{xi:.2} {yi:.2}"));
                if let Some(next) = xs.get(i + 1) {
                    d.push_str(&format!("L{:.2} {yi:.2}", x(*next)));
                }
            }
            d.push_str(&format!("L{W} {H}Z"));
        }
    }
    d
}

#[function_component(Charts)]
pub fn charts(p: &ChartsProps) -> Html {
    // Everything that depends on the run only, built once per run: a seek moves the cursor and
    // the numbers, nothing else.
    let paths = use_memo(p.metrics.clone(), |m| {
        m.series
            .iter()
            .map(|s| AttrValue::from(series_path(s, &m.xs, *m.xs.last().unwrap_or(&1.0))))
            .collect::<Vec<_>>()
    });
    let dots = use_memo((p.metrics.clone(), p.end.to_bits()), |(m, end)| {
        latency_dots(m, f64::from_bits(*end))
    });
    // In steps of a quarter unit (about a third of a pixel at the charts' size): while playing,
    // the cursor then moves every few frames instead of every frame, and the 13 small SVGs are
    // re-rendered only when it does (software rendering made that a visible part of a frame).
    let cursor = ((p.screen / p.end.max(1.0) * W).clamp(0.0, W) * 4.0).round() / 4.0;
    let veil = html! { <>
        <rect class="ls-future" x={format!("{cursor:.2}")} y="0" width={format!("{:.2}", W - cursor)} height={H.to_string()} />
        <path class="ls-cursor" d={format!("M{cursor:.2} 0V{H}")} vector-effect="non-scaling-stroke" />
    </> };
    let m = &p.metrics;
    let charts: Html = m
        .series
        .iter()
        .zip(paths.iter())
        .map(|(s, d)| {
            let now = s.metric.read(&p.scene, &m.dlq_nodes);
            let what = match s.metric.kind() {
                MetricKind::Count => "so far",
                MetricKind::Level => "now",
            };
            html! {
                <figure class={classes!("ls-chart", s.metric.class())} data-metric={s.metric.title()}>
                    <figcaption><span>{s.metric.title()}</span><b>{s.metric.show(now)}</b></figcaption>
                    <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                         aria-label={format!("{}: {now} {what}; peak {} per sample", s.metric.title(), s.max)}>
                        <path class="ls-series" d={d.clone()} vector-effect="non-scaling-stroke" />
                        {veil.clone()}
                    </svg>
                </figure>
            }
        })
        .collect();
    let latency = latency_chart(m, &dots, p.scene.at, veil);
    html! {
        <section class="ls-charts" aria-label="Live metrics" ref={p.node.clone()}>
            {charts}
            {latency}
        </section>
    }
}

/// The latency dots (answered, failed) as two path strings: one `M x y v0` per answer. A one-hour
/// run has thousands; they depend on the run only, so the player builds them once per run rather
/// than on every seek (formatting them was most of a seek's cost).
fn latency_dots(m: &Metrics, end: f64) -> [AttrValue; 2] {
    use std::fmt::Write;
    let max = m.latency_max.max(1) as f64;
    let dot = |ok: bool| -> AttrValue {
        let mut d = String::new();
        for l in m.latency.iter().filter(|l| l.error != ok) {
            let _ = write!(
                d,
                "M{:.2} {:.2}v0",
                l.screen / end.max(1.0) * W,
                H - 3.0 - l.ms as f64 / max * (H - 6.0)
            );
        }
        d.into()
    };
    [dot(true), dot(false)]
}

fn latency_chart(
    m: &Metrics,
    dots: &[AttrValue; 2],
    at: lambdascope_sim::SimTime,
    veil: Html,
) -> Html {
    let last = m.latency.iter().rev().find(|l| l.at <= at);
    let now = last
        .map(|l| format_duration_ms(l.ms))
        .unwrap_or_else(|| "–".into());
    let label = if m.latency.is_empty() {
        "Caller latency: no synchronous caller in this scenario".to_string()
    } else {
        format!(
            "Caller latency: last answer took {now}; slowest {}",
            format_duration_ms(m.latency_max)
        )
    };
    html! {
        <figure class="ls-chart ls-c-latency" data-metric="Caller latency">
            <figcaption><span>{"Caller latency"}</span><b>{now}</b></figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img" aria-label={label}>
                <path class="ls-dots-ok" d={dots[0].clone()} vector-effect="non-scaling-stroke" />
                <path class="ls-dots-bad" d={dots[1].clone()} vector-effect="non-scaling-stroke" />
                {veil}
            </svg>
        </figure>
    }
}
