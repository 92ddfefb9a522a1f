//! Mounting and the crash overlay.
//!
//! Every element with a `data-lambdascope` attribute gets its own independent player (the
//! attribute's value is a bundled scenario id; `data-seed`, `data-at` (ms) and `data-toml` are
//! optional). A page without one gets a player appended to `<body>`. On a page with a single
//! player, the URL fragment can set the same things: `#scenario=ID&seed=N&t=MS&toml=TOML`.
//!
//! A panic replaces nothing and blanks nothing: the hook lays an overlay over each player saying
//! what happened (Yew stops updating after a panic, so the overlay is plain DOM).

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::components::player::{Player, PlayerProps};

/// Attribute that marks (and, once mounted, tags) a player's root element.
pub const ATTR: &str = "data-lambdascope";
const MOUNTED: &str = "data-lambdascope-mounted";

fn fragment_params() -> Vec<(String, String)> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    hash.trim_start_matches('#')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = js_sys::decode_uri_component(&v.replace('+', " "))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            (k.to_string(), v)
        })
        .collect()
}

/// Props for one mount point: its attributes, overridden by `overrides` (the URL fragment).
pub fn props_for(el: &Element, overrides: &[(String, String)]) -> PlayerProps {
    let mut p = PlayerProps::default();
    let mut set = |k: &str, v: String| match k {
        "scenario" => p.scenario = Some(v.into()),
        "seed" => p.seed = v.trim().parse().unwrap_or(1),
        "t" | "at" => p.at_ms = v.trim().parse().ok(),
        "toml" => p.toml = Some(v.into()),
        _ => {}
    };
    set("seed", "1".into());
    if let Some(v) = el.get_attribute(ATTR) {
        set("scenario", v);
    }
    for (k, a) in [
        ("seed", "data-seed"),
        ("at", "data-at"),
        ("toml", "data-toml"),
    ] {
        if let Some(v) = el.get_attribute(a) {
            set(k, v);
        }
    }
    for (k, v) in overrides {
        set(k, v.clone());
    }
    p
}

/// Mounts a player into every `[data-lambdascope]` element (or a new one in `<body>`).
pub fn mount_all() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
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
    if roots.is_empty() {
        if let (Ok(el), Some(body)) = (doc.create_element("div"), doc.body()) {
            let _ = el.set_attribute(ATTR, "");
            let _ = body.append_child(&el);
            roots.push(el);
        }
    }
    let overrides = if roots.len() == 1 {
        fragment_params()
    } else {
        Vec::new()
    };
    for el in roots {
        let _ = el.set_attribute(MOUNTED, "");
        let _ = el.class_list().add_1("ls-root");
        let props = props_for(&el, &overrides);
        yew::Renderer::<Player>::with_root_and_props(el, props).render();
    }
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
