//! Build-time prerender (issue 16): draws the explore page's first frame with the same Yew
//! components the browser runs, through Yew's server-side renderer, into `dist/index.html`, so
//! the page shows the diagram before its WebAssembly has arrived, and without JavaScript at all.
//!
//! `lambdascope-prerender PAGE.html` rewrites PAGE.html in place: the `<p class="ls-loading">`
//! placeholder inside its `[data-lambdascope]` element becomes two frames, wide and narrow
//! (the player picks its layout from its own width, which no server knows; `lambdascope.css`
//! shows the frame that fits the viewport). When the bundle starts, Yew's mount clears the
//! element and draws the live player in the same task, so no frame without a diagram is painted
//! in between. Run by `scripts/post-build` for release builds; built only with the `prerender`
//! feature (Yew's `ssr`), natively, never into the browser bundles.

use lambdascope::components::app::{AppProps, PlayerPage};
use lambdascope::{mount, share_link, PlayerProps};

/// The placeholder the prerendered frames replace.
const PLACEHOLDER: &str = r#"<p class="ls-loading">Loading the simulator…</p>"#;

/// (class, the width of the element the player is in): 0 is "unknown", which draws the wide
/// layout (`layout::Orientation::for_width`); 412 px is a phone's, which draws the narrow one.
const FRAMES: [(&str, f64); 2] = [("ls-pre-wide", 0.0), ("ls-pre-narrow", 412.0)];

/// What the page's player shows with no query or fragment: the mount element's attributes,
/// read as `mount` reads them.
fn props(scenario: &str, host_width: f64) -> AppProps {
    let req = share_link::from_attributes(&|a| (a == mount::ATTR).then(|| scenario.to_string()));
    AppProps {
        player: PlayerProps {
            host_width,
            ..mount::props_from(req)
        },
    }
}

async fn frame(scenario: &str, host_width: f64) -> String {
    let mut out = String::new();
    yew::LocalServerRenderer::<PlayerPage>::with_props(props(scenario, host_width))
        .hydratable(false)
        .render_to_string(&mut out)
        .await;
    out
}

/// The scenario id in `<div data-lambdascope="ID">` before the placeholder.
fn mount_scenario(page: &str) -> Result<String, String> {
    let at = page
        .find(PLACEHOLDER)
        .ok_or_else(|| format!("no `{PLACEHOLDER}` placeholder (already prerendered?)"))?;
    let open = page[..at]
        .rfind(&format!("{}=\"", mount::ATTR))
        .ok_or_else(|| format!("the placeholder is not inside a `{}` element", mount::ATTR))?;
    let value = &page[open + mount::ATTR.len() + 2..at];
    let end = value.find('"').ok_or("unterminated attribute")?;
    Ok(value[..end].to_string())
}

fn run(path: &str) -> Result<(), String> {
    let page = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let scenario = mount_scenario(&page).map_err(|e| format!("{path}: {e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let frames = rt.block_on(tokio::task::LocalSet::new().run_until(async {
        let mut html = String::new();
        for (class, width) in FRAMES {
            let body = frame(&scenario, width).await;
            // The frame that does not fit is `display: none`, so assistive technology meets one.
            html.push_str(&format!(
                r#"<div class="ls-prerendered {class}">{body}</div>"#
            ));
        }
        html
    }));
    if !frames.contains("ls-node") {
        return Err("the prerendered frame has no diagram".into());
    }
    std::fs::write(path, page.replacen(PLACEHOLDER, &frames, 1)).map_err(|e| format!("{path}: {e}"))
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: lambdascope-prerender PAGE.html");
        std::process::exit(2);
    };
    if let Err(e) = run(&path) {
        eprintln!("lambdascope-prerender: {e}");
        std::process::exit(1);
    }
}
