//! The function's scaling budget (L-SCALING, §4 of the fact sheet): how many new execution
//! environments Lambda may create right now, drawn as a bar in the function's box (and the same
//! bar in the legend). The numbers are the core's `Scene::scaling`; this only draws them, so a
//! burst's 429s (`FunctionInvocationRateLimitExceeded`) come with the empty bar that explains them.

use lambdascope_sim::function::ScalingView;
use lambdascope_sim::time::format_duration_ms;
use yew::prelude::*;

/// Layout units the gauge takes in the function box: a line of text, then the bar under it across
/// the box (on a phone the diagram is drawn at about half size, and a bar squeezed between two
/// texts was 29 px long).
pub const ROW_H: f64 = 22.0;

/// The bar alone, `w` wide with its top at `y`: the track and the part still available.
fn bar(v: &ScalingView, x: f64, y: f64, w: f64) -> Html {
    let share = if v.per_10s == 0 {
        0.0
    } else {
        f64::from(v.left) / f64::from(v.per_10s)
    };
    html! {
        <g class={classes!("ls-scaling-bar", (v.left == 0).then_some("ls-scaling-empty"))}>
            <rect class="ls-scaling-track" x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{w:.1}")} height="5" rx="2.5" />
            <rect class="ls-scaling-fill" x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{:.1}", w * share)} height="5" rx="2.5" />
        </g>
    }
}

/// "+100/s", or per 10 s when the rate is not a whole number per second.
fn refill(v: &ScalingView) -> String {
    if v.per_10s.is_multiple_of(10) {
        format!("+{}/s", v.per_10s / 10)
    } else {
        format!("+{}/10 s", v.per_10s)
    }
}

/// The gauge in a box `w` wide, text baseline at `y`: what is left and the refill, the bar under
/// them; and the same in words for the box's accessible name.
pub fn row(v: &ScalingView, w: f64, y: f64) -> (Html, String) {
    let left = format!("new {}/{}", v.left, v.per_10s);
    let when = if v.left > 0 {
        String::new()
    } else {
        format!(", the next in {}", format_duration_ms(v.next_in_ms))
    };
    let words = format!(
        "scaling budget: {} of {} new environments left{when}, refilled at {} per 10 seconds",
        v.left, v.per_10s, v.per_10s
    );
    let html = html! {
        <g class="ls-scaling" data-left={v.left.to_string()} data-rate={v.per_10s.to_string()}>
            <title>{words.clone()}</title>
            <text x="8" y={format!("{y:.1}")} class={classes!("ls-small", (v.left == 0).then_some("ls-limit-hit"))}>{left}</text>
            <text x={format!("{:.1}", w - 8.0)} y={format!("{y:.1}")} text-anchor="end" class="ls-small">{refill(v)}</text>
            {bar(v, 8.0, y + 3.0, w - 16.0)}
        </g>
    };
    (html, words)
}

/// The legend's entry: a half-empty bar and what it means.
pub fn legend_entry() -> Html {
    let half = ScalingView {
        left: 1,
        per_10s: 2,
        ..ScalingView::default()
    };
    html! {
        <li>
            <svg viewBox="0 0 54 14" class="ls-legend-svg ls-wide" aria-hidden="true">{bar(&half, 2.0, 4.5, 50.0)}</svg>
            {"in the function: its scaling budget, the new environments Lambda may create now (1,000 per 10 s, refilled continuously, never more banked); empty, a new environment is refused with 429"}
        </li>
    }
}
