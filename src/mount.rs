//! Mounting and the crash overlay.
//!
//! Every element with a `data-lambdascope` attribute gets its own independent player. The
//! attribute's value is a bundled scenario id; `data-seed`, `data-at` (ms), `data-faults`,
//! `data-speed`, `data-filter`, `data-lesson`, `data-beat`, `data-link` (a whole share query),
//! `data-toml` (an inline scenario), `data-controls`, `data-theme` and `data-autoplay` are optional
//! (read by [`crate::share_link::from_attributes`]). A page without one gets a player appended to
//! `<body>`. On the app's own page (`<body class="ls-page">`, also the `?embed` iframe page), the
//! URL's query string and fragment say the same things as a share link
//! ([`crate::share_link::from_url`]) and win over the attributes.
//!
//! A panic replaces nothing and blanks nothing: the hook lays an overlay over each player saying
//! what happened (Yew stops updating after a panic, so the overlay is plain DOM).

use lambdascope_sim::share::{percent_encode, ScenarioRef};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::components::player::{Player, PlayerProps};
use crate::share_link::{self, Request};

/// Attribute that marks (and, once mounted, tags) a player's root element.
pub const ATTR: &str = "data-lambdascope";
const MOUNTED: &str = "data-lambdascope-mounted";

/// Props for one mount point: its attributes, overridden by `overrides` (query parameters as
/// key/value pairs, e.g. `[("t", "5000")]`).
pub fn props_for(el: &Element, overrides: &[(String, String)]) -> PlayerProps {
    let page = (!overrides.is_empty()).then(|| {
        let q: Vec<String> = overrides
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        share_link::from_url(&q.join("&"), "")
    });
    props_with(el, page)
}

/// Props for one mount point: its attributes, with the page URL's request (if any) laid over them.
pub fn props_with(el: &Element, page: Option<Request>) -> PlayerProps {
    let mut req = share_link::from_attributes(&|a| el.get_attribute(a));
    if let Some(page) = page {
        share_link::merge(&mut req.state, page.state);
        req.view = page.view;
        req.problems.extend(page.problems);
    }
    PlayerProps {
        host_width: el.get_bounding_client_rect().width(),
        ..props_from(req)
    }
}

/// Props for a player from a request alone (the app page's own player, when the URL changes).
pub fn props_from(req: Request) -> PlayerProps {
    let st = req.state;
    PlayerProps {
        scenario: match &st.scenario {
            Some(ScenarioRef::Bundled(id)) => Some(id.clone().into()),
            _ => None,
        },
        toml: match &st.scenario {
            Some(ScenarioRef::Inline(text)) => Some(text.clone().into()),
            _ => None,
        },
        seed: st.seed.unwrap_or(1),
        at_ms: st.t.map(|t| t.as_ms()),
        view: req.view,
        problems: req.problems.iter().map(|p| p.to_string().into()).collect(),
        link: st,
        children: Default::default(),
        host_width: 0.0,
    }
}

/// Mounts a player into every `[data-lambdascope]` element (or a new one in `<body>`); on the
/// app's own page, the whole app (player, lessons, comparison). The full bundle's entry point.
pub fn mount_all() {
    mount_roots(true, |el, app| {
        yew::Renderer::<crate::components::app::App>::with_root_and_props(el, app).render();
    });
}

/// As [`mount_all`], with the app page showing the explore view only: the entry point of the
/// player-only bundle. What a bundle contains is what its entry point reaches, so this one must
/// not name the lessons or the comparison.
pub fn mount_players() {
    mount_roots(true, |el, app| {
        yew::Renderer::<crate::components::app::PlayerPage>::with_root_and_props(el, app).render();
    });
}

/// Mounts a player into every `[data-lambdascope]` element not mounted yet; returns how many.
/// First destroys the players whose element has left the document ([`sweep`]).
pub fn mount_new() -> u32 {
    sweep();
    // Not the first mount, so not the app page: `app_page` is never called.
    mount_roots(false, |el, app| {
        yew::Renderer::<Player>::with_root_and_props(el, app.player).render();
    })
}

thread_local! {
    /// Every embedded player and its element (issue 14: a single-page docs site replaces its
    /// content on every in-site click; a player whose element left the page kept its DOM,
    /// listeners and timers alive, +5,688 nodes and 3–4 intervals a round trip).
    static MOUNTED_PLAYERS: std::cell::RefCell<Vec<(Element, yew::AppHandle<Player>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Destroys every embedded player whose element is no longer in the document: its components
/// unmount (their effects clean up: observers, intervals, listeners) and its run is freed. The
/// element loses its mounted mark, so if a single-page site puts it back it is mounted afresh.
/// Returns how many were destroyed.
pub fn sweep() -> u32 {
    let gone: Vec<(Element, yew::AppHandle<Player>)> = MOUNTED_PLAYERS.with(|m| {
        let mut m = m.borrow_mut();
        let (gone, kept): (Vec<_>, Vec<_>) = m.drain(..).partition(|(el, _)| !el.is_connected());
        *m = kept;
        gone
    });
    let n = gone.len() as u32;
    for (el, handle) in gone {
        handle.destroy();
        let _ = el.remove_attribute(MOUNTED);
    }
    n
}

/// `app_page` renders the app's own page (one player, the URL its request).
fn mount_roots(or_create: bool, app_page: fn(Element, crate::components::app::AppProps)) -> u32 {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return 0;
    };
    let mut roots = Vec::new();
    if let Ok(list) = doc.query_selector_all(&format!("[{ATTR}]")) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                if !el.has_attribute(MOUNTED) {
                    roots.push(el);
                }
            }
        }
    }
    if roots.is_empty()
        && or_create
        && doc
            .query_selector(&format!("[{MOUNTED}]"))
            .ok()
            .flatten()
            .is_none()
    {
        if let (Ok(el), Some(body)) = (doc.create_element("div"), doc.body()) {
            let _ = el.set_attribute(ATTR, "");
            let _ = body.append_child(&el);
            roots.push(el);
        }
    }
    // The URL speaks for the app page's one player only.
    let page = if roots.len() == 1 && or_create {
        crate::embed::page_request()
    } else {
        None
    };
    if page.as_ref().is_some_and(|r| r.view.embed) {
        crate::embed::start_embed_page();
    }
    let n = roots.len() as u32;
    for el in roots {
        let _ = el.set_attribute(MOUNTED, "");
        let _ = el.class_list().add_1("ls-root");
        let props = props_with(&el, page.clone());
        if page.as_ref().is_some_and(|r| !r.view.embed) {
            // The app's own page: the player, the lessons and the comparison (issue 5).
            app_page(el, crate::components::app::AppProps { player: props });
        } else {
            let handle = yew::Renderer::<Player>::with_root_and_props(el.clone(), props).render();
            MOUNTED_PLAYERS.with(|m| m.borrow_mut().push((el, handle)));
        }
    }
    n
}

/// Installs the panic hook that shows the crash overlay.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&format!("lambdascope: {msg}").into());
        show_crash(&msg);
    }));
}

/// Lays the crash overlay over every mounted player (or the body).
pub fn show_crash(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let mut roots = Vec::new();
    if let Ok(list) = doc.query_selector_all(&format!("[{MOUNTED}]")) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                roots.push(el);
            }
        }
    }
    if roots.is_empty() {
        if let Some(b) = doc.body() {
            roots.push(b.into());
        }
    }
    for root in roots {
        if root.query_selector(".ls-crash").ok().flatten().is_none() {
            if let Some(o) = overlay(&doc, message) {
                let _ = root.append_child(&o);
            }
        }
    }
}

fn overlay(doc: &Document, message: &str) -> Option<Element> {
    let el = |tag: &str, text: &str| -> Option<Element> {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        Some(e)
    };
    let o = doc.create_element("div").ok()?;
    o.set_class_name("ls-crash");
    o.set_attribute("role", "alert").ok()?;
    let card = doc.create_element("div").ok()?;
    card.set_class_name("ls-crash-card");
    for (tag, text) in [
        ("h2", "lambdascope stopped"),
        ("p", "Something went wrong inside the player, so it stopped rather than show you a wrong picture. This is what happened:"),
        ("pre", message),
    ] {
        let child = el(tag, text)?;
        card.append_child(&child).ok()?;
    }
    let again = el("a", "Reload the page")?;
    again.set_attribute("href", "").ok()?;
    let p = el("p", "")?;
    p.append_child(&again).ok()?;
    p.append_child(&doc.create_text_node(
        " to start again. If it happens again, please report the message above.",
    ))
    .ok()?;
    card.append_child(&p).ok()?;
    o.append_child(&card).ok()?;
    Some(o)
}
