//! Build-time prerender (issue 16): draws players' first frames with the same Yew components the
//! browser runs, through Yew's server-side renderer, into static pages, so a page shows the
//! diagram before its WebAssembly has arrived, and without JavaScript at all.
//!
//! `lambdascope-prerender [--preload BUNDLE] PAGE.html...` rewrites each page in place: every `[data-lambdascope]`
//! element that is empty, or holds only the app page's `<p class="ls-loading">` line, gets its
//! player's first frame as its attributes ask for it (scenario, seed, instant, controls...;
//! read by the same `share_link::from_attributes` as the live mount). Each frame is drawn twice,
//! wide and narrow, because the player picks its layout from its own width, which no server
//! knows: `lambdascope.css` shows the one that fits the element (a container query). When the
//! bundle starts, Yew's mount clears the element and draws the live player in the same task, so
//! no frame without a diagram is painted in between. With `--preload lambdascope/lambdascope-player`
//! a page that got a frame also starts that bundle's download from its `<head>` (`BUNDLE.js` as a
//! module, `BUNDLE_bg.wasm` for the glue's `fetch`), for pages whose bundle is known in advance:
//! not the app page, where `embed.js` picks one of two by the URL. Run by `scripts/post-build` (the app page)
//! and `scripts/build-book` (the book's chapters); built only with the `prerender` feature
//! (Yew's `ssr`), natively, never into the browser bundles.

use lambdascope::components::app::{AppProps, PlayerPage};
use lambdascope::{mount, share_link, Player, PlayerProps};

/// The app page's placeholder, replaced like an empty element.
const PLACEHOLDER: &str = r#"<p class="ls-loading">Loading the simulator…</p>"#;

/// (class, the width of the element the player is in): 0 is "unknown", which draws the wide
/// layout (`layout::Orientation::for_width`); 412 px is a phone's, which draws the narrow one.
const FRAMES: [(&str, f64); 2] = [("ls-pre-wide", 0.0), ("ls-pre-narrow", 412.0)];

/// One mount point found in a page: where its content goes and its attributes.
struct MountPoint {
    /// Byte range of the element's content (empty, or the placeholder).
    content: std::ops::Range<usize>,
    attrs: Vec<(String, String)>,
}

/// The attributes of a start tag's text (`name="value"` pairs, entities decoded). Our pages and
/// the book's preprocessor write them double-quoted.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].rsplit(char::is_whitespace).next().unwrap_or("");
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push((name.to_string(), decode_entities(value)));
        rest = &rest[value_start + len + 1..];
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#10;", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `<div ... data-lambdascope=...>` whose content is empty or the placeholder.
fn mount_points(page: &str) -> Vec<MountPoint> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = page[from..].find("<div ") {
        let start = from + at;
        let Some(end) = page[start..].find('>') else {
            break;
        };
        let tag = &page[start..start + end];
        from = start + end + 1;
        if !tag.contains(&format!(" {}=\"", mount::ATTR)) {
            continue;
        }
        let body = &page[from..];
        let content_len = if body.starts_with("</div>") {
            0
        } else if body.starts_with(&format!("{PLACEHOLDER}</div>")) {
            PLACEHOLDER.len()
        } else {
            continue;
        };
        found.push(MountPoint {
            content: from..from + content_len,
            attrs: attributes(tag),
        });
    }
    found
}

/// The player a mount point gets, as `mount` gives it (the app page's element shows the whole
/// explore page; any other, the player alone), laid out for a host `host_width` wide.
async fn frame(attrs: &[(String, String)], app_page: bool, host_width: f64) -> String {
    let req = share_link::from_attributes(&|a| {
        attrs.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone())
    });
    let player = PlayerProps {
        host_width,
        ..mount::props_from(req)
    };
    let mut out = String::new();
    if app_page {
        yew::LocalServerRenderer::<PlayerPage>::with_props(AppProps { player })
            .hydratable(false)
            .render_to_string(&mut out)
            .await;
    } else {
        yew::LocalServerRenderer::<Player>::with_props(player)
            .hydratable(false)
            .render_to_string(&mut out)
            .await;
    }
    out
}

/// The page with every mount point's frames in place; how many it drew.
async fn prerender(page: &str) -> Result<(String, usize), String> {
    let points = mount_points(page);
    // The app's own page (`<body class="ls-page">`) has one player, shown as the explore page.
    let app_page = page.contains(r#"<body class="ls-page""#) && points.len() == 1;
    let mut out = String::with_capacity(page.len() * 4);
    let mut copied = 0;
    for p in &points {
        let mut html = String::from(r#"<div class="ls-prerendered-box">"#);
        for (class, width) in FRAMES {
            let body = frame(&p.attrs, app_page, width).await;
            if !body.contains("ls-node") {
                return Err(format!("the frame for {:?} has no diagram", p.attrs));
            }
            // The frame that does not fit is `display: none`, so assistive technology meets one.
            html.push_str(&format!(
                r#"<div class="ls-prerendered {class}">{body}</div>"#
            ));
        }
        html.push_str("</div>");
        out.push_str(&page[copied..p.content.start]);
        out.push_str(&html);
        copied = p.content.end;
    }
    out.push_str(&page[copied..]);
    Ok((out, points.len()))
}

/// `<head>` links that start a bundle's download at once (`bundle`: its path without extension).
fn preload_links(bundle: &str) -> String {
    format!(
        r#"<link rel="modulepreload" href="{bundle}.js"><link rel="preload" href="{bundle}_bg.wasm" as="fetch" type="application/wasm" crossorigin>"#
    )
}

fn run(paths: &[String], preload: Option<&str>) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    for path in paths {
        let page = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let (html, n) = rt
            .block_on(tokio::task::LocalSet::new().run_until(prerender(&page)))
            .map_err(|e| format!("{path}: {e}"))?;
        if n > 0 {
            let html = match preload {
                Some(bundle) => {
                    html.replacen("</head>", &format!("{}</head>", preload_links(bundle)), 1)
                }
                None => html,
            };
            std::fs::write(path, html).map_err(|e| format!("{path}: {e}"))?;
            println!("lambdascope-prerender: {path}: {n} player(s)");
        }
    }
    Ok(())
}

fn main() {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    let preload = match paths.first().map(String::as_str) {
        Some("--preload") if paths.len() > 1 => {
            let bundle = paths.remove(1);
            paths.remove(0);
            Some(bundle)
        }
        _ => None,
    };
    if paths.is_empty() || paths[0].starts_with("--") {
        eprintln!("usage: lambdascope-prerender [--preload BUNDLE] PAGE.html...");
        std::process::exit(2);
    }
    if let Err(e) = run(&paths, preload.as_deref()) {
        eprintln!("lambdascope-prerender: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_empty_and_placeholder_mount_points_with_their_attributes() {
        let page = format!(
            r#"<div class="x">a</div><div class="lambdascope-embed" data-lambdascope="async-retries-dlq" data-seed="7" data-at="61000"></div>
<div data-lambdascope="overview">{PLACEHOLDER}</div><div data-lambdascope="kept"><p>own content</p></div>
<div data-lambdascope="mine" data-toml="id = &quot;mine&quot;&#10;a &lt; b &amp;"></div>"#
        );
        let points = mount_points(&page);
        assert_eq!(
            points.len(),
            3,
            "the element with content of its own is left alone"
        );
        assert_eq!(
            points[0].attrs,
            [
                ("class", "lambdascope-embed"),
                ("data-lambdascope", "async-retries-dlq"),
                ("data-seed", "7"),
                ("data-at", "61000")
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(points[0].content.is_empty());
        assert_eq!(&page[points[1].content.clone()], PLACEHOLDER);
        assert_eq!(points[2].attrs[1].1, "id = \"mine\"\na < b &");
    }
}
