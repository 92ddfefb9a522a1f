//! Glyphs: errors, timeouts and throttles differ in shape and colour (and carry a text label),
//! and each invocation method has its own badge shape — nothing is told by colour alone.

use lambdascope_sim::scene::Glyph;
use lambdascope_sim::Method;
use yew::prelude::*;

pub fn glyph_label(g: Glyph) -> &'static str {
    match g {
        Glyph::Error => "function error",
        Glyph::Timeout => "timed out",
        Glyph::Throttle => "throttled (429)",
        Glyph::GaveUp => "caller gave up",
        Glyph::DeliveryFailed => "delivery failed",
        Glyph::Rejected => "rejected (413)",
    }
}

fn glyph_class(g: Glyph) -> &'static str {
    match g {
        Glyph::Error => "ls-g-error",
        Glyph::Timeout => "ls-g-timeout",
        Glyph::Throttle => "ls-g-throttle",
        Glyph::GaveUp => "ls-g-gaveup",
        Glyph::DeliveryFailed => "ls-g-delivery",
        Glyph::Rejected => "ls-g-rejected",
    }
}

/// A glyph centred at (x, y), about 20 units across.
pub fn glyph(g: Glyph, x: f64, y: f64, opacity: f64) -> Html {
    let shape = match g {
        // A disc with a cross.
        Glyph::Error => html! { <>
            <circle r="9" class="ls-g-fill" />
            <path d="M-4 -4L4 4M4 -4L-4 4" class="ls-g-ink" />
        </> },
        // An hourglass.
        Glyph::Timeout => html! { <>
            <path d="M-7 -9H7L0 0L7 9H-7L0 0Z" class="ls-g-fill" />
            <path d="M-7 -9H7M-7 9H7" class="ls-g-edge" />
        </> },
        // A no-entry octagon.
        Glyph::Throttle => html! { <>
            <path d="M-4 -9H4L9 -4V4L4 9H-4L-9 4V-4Z" class="ls-g-fill" />
            <path d="M-5 0H5" class="ls-g-ink" />
        </> },
        // A clock: the caller stopped waiting.
        Glyph::GaveUp => html! { <>
            <circle r="9" class="ls-g-fill" />
            <path d="M0 -5V0L4 3" class="ls-g-ink" />
        </> },
        // A broken link.
        Glyph::DeliveryFailed => html! { <>
            <path d="M-9 -6L-2 -6L1 0L-2 6L-9 6Z M9 -6L4 -6L7 0L4 6L9 6Z" class="ls-g-fill" />
        </> },
        // A square "too big".
        Glyph::Rejected => html! { <>
            <rect x="-9" y="-9" width="18" height="18" class="ls-g-fill" />
            <path d="M-5 5L5 -5M1 -5H5V-1" class="ls-g-ink" />
        </> },
    };
    html! {
        <g class={classes!("ls-glyph", glyph_class(g))} transform={format!("translate({x:.1} {y:.1})")} opacity={format!("{opacity:.2}")}>
            <title>{glyph_label(g)}</title>
            {shape}
        </g>
    }
}

/// The method badge: a square (sync), a circle (async) or a diamond (polling), with a label.
pub fn method_badge(m: Method, x: f64, y: f64) -> Html {
    let shape = match m {
        Method::Synchronous => {
            html! { <rect x="-4" y="-4" width="8" height="8" class="ls-badge-shape" /> }
        }
        Method::Asynchronous => html! { <circle r="4.5" class="ls-badge-shape" /> },
        Method::Polling => {
            html! { <path d="M0 -5.5L5.5 0L0 5.5L-5.5 0Z" class="ls-badge-shape" /> }
        }
    };
    html! {
        <g class={classes!("ls-badge", crate::catalog::method_class(m))} transform={format!("translate({x:.1} {y:.1})")}>
            {shape}
            <text x="8" y="3.5" class="ls-badge-text">{crate::catalog::method_short(m)}</text>
        </g>
    }
}

/// An inline SVG icon for the control buttons (no icon fonts: the app works offline).
pub fn icon(name: &str) -> Html {
    let d = match name {
        "play" => "M5 3L13 8L5 13Z",
        "pause" => "M4 3H7V13H4ZM9 3H12V13H9Z",
        "back" => "M3 3H5V13H3ZM13 3L6 8L13 13Z",
        "fwd" => "M11 3H13V13H11ZM3 3L10 8L3 13Z",
        "reset" => "M8 3A5 5 0 1 1 3.5 6M3 2V6.5H7.5",
        "help" => "M6 6A2 2 0 1 1 8 8V9.5M8 11.5V12.5",
        "close" => "M4 4L12 12M12 4L4 12",
        _ => "",
    };
    let stroked = matches!(name, "reset" | "help" | "close");
    html! {
        <svg class="ls-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d={d} class={if stroked { "ls-icon-stroke" } else { "ls-icon-fill" }} />
        </svg>
    }
}
