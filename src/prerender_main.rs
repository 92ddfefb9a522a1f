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
//!
//! With `--stills DIR`, the app page's element is also drawn for the other addresses a reader
//! lands on, one small file each in DIR (see [`write_stills`]): `embed.js` fetches the one for
//! exactly what the address asks and puts it in place of the page's default frame.

use lambdascope::components::app::{App, AppProps, ComparePage, PlayerPage};
use lambdascope::hooks::assumed;
use lambdascope::{course, mount, scenarios, share_link, Player, PlayerProps};
use lambdascope_sim::share::ScenarioRef;
use std::path::Path;

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

/// What a mount point shows: the app page's element, as the bundle of its page gives it (the
/// whole explore page, the lessons page or the comparison), or, on any other page and in an
/// `?embed` page, the player alone.
#[derive(Clone, Copy, PartialEq)]
enum View {
    Explore,
    App,
    Compare,
    Player,
}

/// One drawing of `view`, for `page` (its address's fragment, the media queries that match) and
/// a host `host_width` wide (0: unknown, the wide layout).
async fn draw(
    view: View,
    req: share_link::Request,
    host_width: f64,
    page: assumed::Page,
) -> String {
    assumed::set(page);
    let player = PlayerProps {
        host_width,
        ..mount::props_from(req)
    };
    let out = match view {
        View::Explore => render::<PlayerPage>(AppProps { player }).await,
        View::App => render::<App>(AppProps { player }).await,
        View::Compare => render::<ComparePage>(AppProps { player }).await,
        View::Player => render::<Player>(player).await,
    };
    assumed::set(assumed::Page::default());
    out
}

/// Component `C` with `props`, as HTML (not hydratable: the browser replaces it).
async fn render<C: yew::BaseComponent>(props: C::Properties) -> String {
    let mut out = String::new();
    yew::LocalServerRenderer::<C>::with_props(props)
        .hydratable(false)
        .render_to_string(&mut out)
        .await;
    out
}

/// One frame of a still: its class (the stylesheets show the frame that fits), the host's width
/// and what the page is taken to be.
type Frame = (&'static str, f64, assumed::Page);

/// A still: `frames` of `view` in one `.ls-prerendered-box`. `what` names it in an error.
async fn still(
    view: View,
    req: &share_link::Request,
    frames: Vec<Frame>,
    what: &str,
) -> Result<String, String> {
    let mut html = String::from(r#"<div class="ls-prerendered-box">"#);
    for (class, host_width, page) in frames {
        let body = draw(view, req.clone(), host_width, page).await;
        if !body.contains("ls-node") {
            return Err(format!("the frame for {what} has no diagram"));
        }
        // The frame that does not fit is `display: none`, so assistive technology meets one.
        // The empty `.ls-pre-end` closes the frame: until the parser has reached it the frame is
        // not painted (lambdascope.css), as a page arriving slowly is painted as it is parsed.
        html.push_str(&format!(
            r#"<div class="ls-prerendered {class}">{body}<i class="ls-pre-end"></i></div>"#
        ));
    }
    html.push_str("</div>");
    Ok(html)
}

/// A player's frames: wide and narrow ([`FRAMES`]).
fn player_frames() -> Vec<Frame> {
    FRAMES
        .iter()
        .map(|&(class, width)| (class, width, assumed::Page::default()))
        .collect()
}

/// A mount point's attributes as `share_link::from_attributes` asks for them.
fn attribute_reader(attrs: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    move |a| attrs.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone())
}

/// The page with every mount point's frames in place; how many it drew. With `stills`, the app
/// page's element is drawn for other addresses too ([`write_stills`]).
async fn prerender(page: &str, stills: Option<&Path>) -> Result<(String, usize), String> {
    let points = mount_points(page);
    // The app's own page (`<body class="ls-page">`) has one player, shown as the explore page.
    let app_page = page.contains(r#"<body class="ls-page""#) && points.len() == 1;
    let mut out = String::with_capacity(page.len() * 4);
    let mut copied = 0;
    for p in &points {
        let req = share_link::from_attributes(&attribute_reader(&p.attrs));
        let view = if app_page {
            View::Explore
        } else {
            View::Player
        };
        let html = still(view, &req, player_frames(), &format!("{:?}", p.attrs)).await?;
        out.push_str(&page[copied..p.content.start]);
        out.push_str(&html);
        copied = p.content.end;
    }
    out.push_str(&page[copied..]);
    if let Some(dir) = stills {
        let names = match &points[..] {
            [p] if app_page => write_stills(&p.attrs, dir).await?,
            _ => {
                return Err(
                    "--stills needs the app page (one player, <body class=\"ls-page\">)".into(),
                )
            }
        };
        out = out.replacen("</head>", &format!("{}</head>", stills_meta(&names)), 1);
    }
    Ok((out, points.len()))
}

/// The media query from which the lessons page opens its chapter list beside the lesson
/// (`components::lesson`).
const WIDE_COURSE: &str = "(min-width: 1101px)";

/// A lessons page's frames (`lessons.css` shows the one that fits): from a 1101 px viewport the
/// chapter list is open and the stage wide; below, the list is folded, and the stage wide or,
/// on a phone's element, narrow (the lessons page's first stage width, from its element's).
fn lesson_frames(hash: &str) -> Vec<Frame> {
    let page = |media: Vec<&'static str>| assumed::Page {
        hash: hash.to_string(),
        media,
    };
    vec![
        ("ls-pre-course-open", 0.0, page(vec![WIDE_COURSE])),
        ("ls-pre-course-wide", 0.0, page(Vec::new())),
        ("ls-pre-course-narrow", 412.0, page(Vec::new())),
    ]
}

/// The comparison's page, as the prerender takes it to be: at `#compare`, no media query matched.
fn compare_page() -> assumed::Page {
    assumed::Page {
        hash: "#compare".to_string(),
        media: Vec::new(),
    }
}

/// Writes the app page's stills into `dir`, as `NAME.html`, NAME being what `embed.js`'s
/// `stillName()` makes of an address:
///
/// * `embed-ID` for `?embed&s=ID` (the embed form the README shows, without `t`; minimal
///   controls, an embed's default), every bundled scenario;
/// * `lesson-ID-N` for `#lesson=ID&beat=N` (the link the lessons page writes; also its `?lesson=`
///   query form, and `beat` left out for N = 1), every beat of every lesson;
/// * `lessons` for `#lessons` (chapter 1 for a reader with no stored progress: `embed.js` asks for
///   no lesson still when there is some);
/// * `compare` for `#compare` (the default fault), one frame: the lanes are narrow at every width
///   but the widest (`components::compare`), and `compare.html` carries it (`scripts/pages.mjs`).
///
/// Each is drawn from the page's element (`attrs`) with the address's request laid over it, as
/// `mount` does, by the component the app mounts for it.
async fn write_stills(attrs: &[(String, String)], dir: &Path) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let page_req = |search: &str, hash: &str| {
        mount::request_with(
            &attribute_reader(attrs),
            Some(share_link::from_url(search, hash)),
        )
    };
    let mut written = Vec::new();
    for (file, _) in scenarios::FILES {
        let id = file.trim_end_matches(".toml");
        let search = format!("?embed&s={id}");
        let html = still(
            View::Player,
            &page_req(&search, ""),
            player_frames(),
            &search,
        )
        .await?;
        written.push((format!("embed-{id}"), html));
    }
    let mut hashes = vec![("lessons".to_string(), "#lessons".to_string())];
    for lesson in course::chapters() {
        for beat in 0..lesson.beats.len() {
            let name = format!("lesson-{}-{}", lesson.id, beat + 1);
            hashes.push((name, course::link(&lesson.id, beat)));
        }
    }
    for (name, hash) in hashes {
        let html = still(View::App, &page_req("", &hash), lesson_frames(&hash), &hash).await?;
        if !html.contains("ls-lesson") {
            return Err(format!("the frame for {hash} is not the lessons page"));
        }
        written.push((name, html));
    }
    let compare = still(
        View::Compare,
        &page_req("", "#compare"),
        vec![("ls-pre-only", 0.0, compare_page())],
        "#compare",
    )
    .await?;
    if !compare.contains("ls-compare") || compare.matches("ls-lane ").count() != 3 {
        return Err("the frame for #compare is not the comparison's three lanes".into());
    }
    written.push(("compare".to_string(), compare));
    for (name, html) in &written {
        let path = dir.join(format!("{name}.html"));
        std::fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!(
        "lambdascope-prerender: {}: {} stills",
        dir.display(),
        written.len()
    );
    Ok(written.into_iter().map(|(name, _)| name).collect())
}

/// The list of the stills there are, for the app page's `<head>`: `embed.js` fetches only a
/// still on it, so an address with no still (an unknown scenario, a beat past the lesson's end)
/// costs no request and no 404 (about 0.5 KB gzip on the page).
fn stills_meta(names: &[String]) -> String {
    format!(
        r#"<meta name="lambdascope-stills" content="{}">"#,
        names.join(" ")
    )
}

/// `<head>` links that start a bundle's download at once (`bundle`: its path without extension).
///
/// The wasm at low priority: on a docs page the host's own stylesheets and head scripts hold the
/// first paint, and the wasm (the page's largest download by far) took a share of a phone's
/// bandwidth from them from the first moment. Measured on the book's chapter on the phone profile
/// (`scripts/bench-web --phone`, 5 loads each): the prerendered diagram on screen at 1.03 s
/// (median) with a default-priority preload, 0.91 s at low priority; the player ready 0.1 s later
/// (3.79 → 3.90 s), as the wasm still starts early and the bytes to arrive before it are the same.
fn preload_links(bundle: &str) -> String {
    format!(
        r#"<link rel="modulepreload" href="{bundle}.js"><link rel="preload" href="{bundle}_bg.wasm" as="fetch" type="application/wasm" crossorigin fetchpriority="low">"#
    )
}

/// `<head>` links that fetch the scenario files a page's players open (issue 16: the player's
/// bundle carries the default's text alone; the others are files in `scenarios/` beside it),
/// so each arrives beside the bundle and not a round trip after it.
fn scenario_preloads(bundle: &str, ids: &[String]) -> String {
    // The bundle's folder ("" for a bundle beside the page).
    let dir = bundle.rfind('/').map_or("", |i| &bundle[..=i]);
    ids.iter()
        .map(|id| {
            format!(
                r#"<link rel="preload" href="{dir}scenarios/{id}.toml" as="fetch" crossorigin fetchpriority="low">"#
            )
        })
        .collect()
}

/// The bundled scenarios other than the default that a page's mount points open, each once, in
/// page order (an inline scenario needs no file).
fn bundled_ids(page: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for p in mount_points(page) {
        let req = share_link::from_attributes(&attribute_reader(&p.attrs));
        if let Some(ScenarioRef::Bundled(id)) = req.state.scenario {
            if id != scenarios::DEFAULT_ID
                && scenarios::position(&id).is_some()
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
    }
    ids
}

fn run(paths: &[String], preload: Option<&str>, stills: Option<&Path>) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    for path in paths {
        let page = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let (html, n) = rt
            .block_on(tokio::task::LocalSet::new().run_until(prerender(&page, stills)))
            .map_err(|e| format!("{path}: {e}"))?;
        if n > 0 {
            let html = match preload {
                Some(bundle) => html.replacen(
                    "</head>",
                    &format!(
                        "{}{}</head>",
                        preload_links(bundle),
                        scenario_preloads(bundle, &bundled_ids(&page))
                    ),
                    1,
                ),
                None => html,
            };
            std::fs::write(path, html).map_err(|e| format!("{path}: {e}"))?;
            println!("lambdascope-prerender: {path}: {n} player(s)");
        }
    }
    Ok(())
}

/// The value of option `name` (`--name VALUE`) at the front of `args`, taken out of them.
fn option(args: &mut Vec<String>, name: &str) -> Option<String> {
    if args.len() > 1 && args[0] == name {
        let value = args.remove(1);
        args.remove(0);
        Some(value)
    } else {
        None
    }
}

fn main() {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    let preload = option(&mut paths, "--preload");
    let stills = option(&mut paths, "--stills").map(std::path::PathBuf::from);
    if paths.is_empty() || paths[0].starts_with("--") || (stills.is_some() && paths.len() != 1) {
        eprintln!(
            "usage: lambdascope-prerender [--preload BUNDLE] [--stills DIR] PAGE.html... (--stills: the app page alone)"
        );
        std::process::exit(2);
    }
    if let Err(e) = run(&paths, preload.as_deref(), stills.as_deref()) {
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

    /// Every embed, lesson beat, `#lessons` and `#compare` gets its still, named as `embed.js`
    /// asks for it, drawn for that address; the page lists them.
    #[test]
    fn writes_a_still_for_every_embed_and_lesson_beat_and_lists_them() {
        let dir = std::env::temp_dir().join(format!("ls-stills-{}", std::process::id()));
        let page = format!(
            r#"<html><head></head><body class="ls-page"><div data-lambdascope="overview">{PLACEHOLDER}</div></body></html>"#
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (html, n) = rt
            .block_on(tokio::task::LocalSet::new().run_until(prerender(&page, Some(&dir))))
            .unwrap();
        assert_eq!(n, 1);
        let beats: usize = course::chapters().iter().map(|l| l.beats.len()).sum();
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(files, scenarios::FILES.len() + beats + 2);
        let listed = html
            .split(r#"<meta name="lambdascope-stills" content=""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the page lists its stills");
        assert_eq!(listed.split(' ').count(), files);
        for name in [
            "embed-async-retries-dlq",
            "lessons",
            "lesson-async-retries-2",
            "compare",
        ] {
            assert!(listed.split(' ').any(|n| n == name), "{name} is listed");
        }
        let read = |name: &str| std::fs::read_to_string(dir.join(format!("{name}.html"))).unwrap();
        let embed = read("embed-async-retries-dlq");
        assert_eq!(
            embed.matches("ls-controls-minimal").count(),
            2,
            "wide and narrow, minimal controls"
        );
        assert!(embed.contains("Asynchronous: three attempts, then the dead-letter queue"));
        let lesson = read("lesson-async-retries-2");
        assert_eq!(lesson.matches("Beat 2 of 5").count(), 3, "three frames");
        assert_eq!(
            lesson.matches("<details open").count(),
            1,
            "the chapter list is open in the wide-screen frame only"
        );
        assert!(read("lessons").contains("Three ways to invoke a function"));
        let compare = read("compare");
        assert_eq!(
            compare.matches(r#"class="ls-prerendered "#).count(),
            1,
            "one frame"
        );
        assert!(compare.contains("The same work, three ways"));
        assert!(
            compare.contains("ls-lane ls-m-sync") && compare.contains("ls-lane ls-m-poll"),
            "the synchronous and the polling lane"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `embed.js` reads what the components read where it decides without them: the lessons'
    /// stored progress (no lesson still when there is some) and the lessons page's media query.
    #[test]
    fn the_loader_and_the_css_agree_with_the_components() {
        let js = include_str!("../static/embed.js");
        assert!(js.contains(&format!("localStorage.getItem('{}')", course::PROGRESS_KEY)));
        assert!(include_str!("components/lesson.rs")
            .contains(&format!("use_media_query(\"{WIDE_COURSE}\")")));
        assert!(include_str!("../static/lessons.css").contains(&format!("@media {WIDE_COURSE}")));
    }
}
