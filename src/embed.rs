//! Embedding in other pages (issue 6): the browser half. What to show comes from
//! [`crate::share_link`]; this module reads it from the page, and makes an embedded player a good
//! guest:
//!
//! * **paused while nobody can see it**: off-screen (`IntersectionObserver`) or in a hidden tab
//!   (`visibilitychange`), resumed when seen again if it was playing ([`use_pause_while_unseen`]);
//! * **sized by its content** in an iframe: the *resize protocol*. While the page is an `?embed`
//!   page inside a frame, every change of its height is posted to the parent window as
//!   `{ type: "lambdascope:resize", height, width }` (CSS px, integers), and again whenever the
//!   parent posts `{ type: "lambdascope:measure" }` (a host that starts listening late asks).
//!   The host sets the iframe's height; `embed.js` does that for every
//!   `iframe[data-lambdascope-frame]` on its page;
//! * **themed like its host**: `theme=light|dark` forces a scheme; `auto` follows the host page's
//!   dark-mode marker (mdBook, Docusaurus, VitePress, MkDocs Material, Sphinx's Furo: the table
//!   [`THEME_MARKERS`]), watched live, else the system. An iframe's host can switch it live by
//!   posting `{ type: "lambdascope:theme", theme: "dark" }` (`embed.js` does, from the same table).
//!
//! The player bundle exports [`crate::mount::mount_new`] to JavaScript as `mount()` (from
//! `src/player_main.rs`), for single-page docs sites that add `[data-lambdascope]` elements after
//! load (`embed.js` calls it from a `MutationObserver`).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use lambdascope_sim::SimTime;

use crate::playback::Action;
use crate::share_link::{self, Request, Theme};

/// The page's own URL request, if this page is the lambdascope app page (an `?embed` iframe is
/// one too). On a host page the URL belongs to the host: a docs site's `?s=search` must not
/// steer its embeds.
pub fn page_request() -> Option<Request> {
    if !is_app_page() {
        return None;
    }
    let loc = crate::hooks::window()?.location();
    Some(share_link::from_url(
        &loc.search().unwrap_or_default(),
        &loc.hash().unwrap_or_default(),
    ))
}

/// The link parameters a player's state owns (`ShareState::to_query` writes them); everything
/// else in an address (`theme`, `controls`, `autoplay`, a host's own) is left as it was.
const STATE_KEYS: &[&str] = &[
    "s", "scenario", "z", "toml", "seed", "in", "t", "lesson", "beat", "speed", "filter",
];

/// Makes this page's address carry `state` (a `ShareState::to_query`), without a history entry
/// or a hashchange: the parameters the state owns are replaced, the others kept in their order.
/// A page opened with a fragment link (`#s=…`) keeps its state in the fragment, any other in the
/// query. Does nothing when the address would not change.
pub fn replace_address(state: &str) {
    let Some(win) = crate::hooks::window() else {
        return;
    };
    let loc = win.location();
    let (path, search, hash) = (
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default(),
        loc.hash().unwrap_or_default(),
    );
    let in_fragment = hash.contains('=');
    let merge = |old: &str| {
        let kept = old.trim_start_matches(['?', '#']).split('&').filter(|kv| {
            !kv.is_empty() && !STATE_KEYS.contains(&kv.split('=').next().unwrap_or(""))
        });
        let mut parts: Vec<&str> = kept.collect();
        parts.extend(state.split('&').filter(|kv| !kv.is_empty()));
        parts.join("&")
    };
    let next = if in_fragment {
        format!("{path}{search}#{}", merge(&hash))
    } else {
        format!("{path}?{}{hash}", merge(&search))
    };
    if format!("{path}{search}{hash}") != next {
        if let Ok(h) = win.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&next));
        }
    }
}

/// Whether this page is lambdascope's own (`<body class="ls-page">`), whose URL speaks to it.
pub fn is_app_page() -> bool {
    crate::hooks::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|b| b.class_list().contains("ls-page"))
}

/// Whether this page runs inside a frame.
pub fn in_frame() -> bool {
    let Some(win) = crate::hooks::window() else {
        return false;
    };
    match win.parent() {
        Ok(Some(p)) => !js_sys::Object::is(&p, &win),
        _ => false,
    }
}

/// Where the full app lives, for share links: this page when it is the app page, else the
/// directory `embed.js` was loaded from (it sets `globalThis.lambdascopeBase`), else the
/// directory of the player's stylesheet, else this page.
pub fn app_base() -> String {
    let Some(win) = crate::hooks::window() else {
        return String::new();
    };
    let loc = win.location();
    let here = format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    );
    let doc = win.document();
    if is_app_page() {
        return here;
    }
    if let Some(b) = global_string("lambdascopeBase") {
        return b;
    }
    match doc.as_ref().and_then(page_stylesheet) {
        Some(href) => share_link::base_dir(&href).to_string(),
        None => here,
    }
}

/// The directory the player's bundle was loaded from, where the bundled scenarios' files are
/// (`scenarios/`): what the loader says (`embed.js` and the book's `loader.js` set
/// `lambdascopeFiles` to their own folder, the bundle's), else where the full app lives
/// ([`app_base`]; the app's pages are beside their bundles). Not `lambdascopeBase` alone: a host
/// may point share links at another copy of the app.
pub fn files_base() -> String {
    global_string("lambdascopeFiles").unwrap_or_else(app_base)
}

/// A string that a loader left on the global object (`embed.js` sets `lambdascopeBase` and
/// `lambdascopeStyles`).
fn global_string(name: &str) -> Option<String> {
    let win = web_sys::window()?;
    js_sys::Reflect::get(&win, &name.into()).ok()?.as_string()
}

/// The player's stylesheet as linked by the page itself (the mdBook loader links it in `<head>`).
fn page_stylesheet(doc: &web_sys::Document) -> Option<String> {
    doc.query_selector("link[rel=stylesheet][href*='lambdascope.css']")
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<web_sys::HtmlLinkElement>().ok())
        .map(|l| l.href())
}

/// The address of the player's stylesheet, to link inside each player's shadow root: the one
/// beside `embed.js` (it says where), else the one in the loader's folder (`lambdascopeBase`: a
/// book's loader.js, whose page links a copy under a hashed name), else the one the page links,
/// else `lambdascope.css` beside the page.
pub fn stylesheet_href() -> String {
    global_string("lambdascopeStyles")
        .or_else(|| global_string("lambdascopeBase").map(|b| format!("{b}lambdascope.css")))
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .as_ref()
                .and_then(page_stylesheet)
        })
        .unwrap_or_else(|| "lambdascope.css".into())
}

/// Marks the page as an iframe embed (transparent background) and, inside a frame, starts the
/// resize protocol and listens for theme messages from the host.
pub fn start_embed_page() {
    let Some(win) = crate::hooks::window() else {
        return;
    };
    let Some(doc) = win.document() else { return };
    if let Some(b) = doc.body() {
        let _ = b.class_list().add_1("ls-embed");
    }
    if !in_frame() {
        return;
    }
    let Some(html) = doc.document_element() else {
        return;
    };
    // Resize: post the document's height whenever it changes (or when the host asks).
    let last = Rc::new(Cell::new(-1.0f64));
    let post: Rc<dyn Fn(bool)> = {
        let (win, html) = (win.clone(), html.clone());
        Rc::new(move |force: bool| {
            let r = html.get_bounding_client_rect();
            let h = r.height().ceil();
            // Zero is the instant between the loading text and the player, never a real height.
            if h <= 0.0 || (h == last.get() && !force) {
                return;
            }
            last.set(h);
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"type".into(), &"lambdascope:resize".into());
            let _ = js_sys::Reflect::set(&msg, &"height".into(), &h.into());
            let _ = js_sys::Reflect::set(&msg, &"width".into(), &r.width().ceil().into());
            if let Ok(Some(parent)) = win.parent() {
                let _ = parent.post_message(&msg, "*");
            }
        })
    };
    let cb = {
        let post = post.clone();
        Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| post(false))
    };
    if let Ok(ro) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
        ro.observe(&html);
        // Lives as long as the page.
        std::mem::forget(ro);
    }
    cb.forget();
    // Chrome runs no ResizeObserver callbacks in a cross-origin frame that is off-screen (its
    // rendering is throttled), and a host's `measure` sent on the frame's load event can arrive
    // before this listener exists. So also post now, and whenever the DOM's structure changes:
    // mutation callbacks are not throttled, and `post` reads the layout itself.
    post(true);
    let on_dom = {
        let post = post.clone();
        Closure::<dyn FnMut()>::new(move || post(false))
    };
    if let (Ok(mo), Some(body)) = (
        web_sys::MutationObserver::new(on_dom.as_ref().unchecked_ref()),
        doc.body(),
    ) {
        let opts = web_sys::MutationObserverInit::new();
        opts.set_child_list(true);
        opts.set_subtree(true);
        let _ = mo.observe_with_options(&body, &opts);
        std::mem::forget(mo);
    }
    on_dom.forget();
    // From the host: `lambdascope:measure` (post the height now: the host may have started
    // listening after the first report) and `lambdascope:theme` (recorded on
    // <html data-ls-theme>, which `use_dark` watches). Only these two words are read.
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let get = |k: &str| {
                js_sys::Reflect::get(&data, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            match get("type").as_deref() {
                Some("lambdascope:measure") => post(true),
                Some("lambdascope:theme") => {
                    if let Some(t) =
                        get("theme").filter(|t| matches!(t.as_str(), "light" | "dark" | "auto"))
                    {
                        let _ = html.set_attribute("data-ls-theme", &t);
                        // The frame's canvas follows too: Chrome paints a frame whose colour
                        // scheme differs from its host's opaque (white corners on a dark page).
                        let scheme = if t == "auto" {
                            "light dark"
                        } else {
                            t.as_str()
                        };
                        if let Some(h) = html.dyn_ref::<web_sys::HtmlElement>() {
                            let _ = h.style().set_property("color-scheme", scheme);
                        }
                    }
                }
                _ => {}
            }
        });
    let _ = win.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget();
}

/// Whether `node` is on screen and its tab visible.
#[hook]
pub fn use_visible(node: NodeRef) -> bool {
    let in_view = use_state_eq(|| true);
    let tab = use_state_eq(tab_visible);
    {
        let in_view = in_view.clone();
        use_effect_with(node, move |node| {
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                // The last entry is the newest state.
                if let Ok(e) = entries
                    .get(entries.length().saturating_sub(1))
                    .dyn_into::<web_sys::IntersectionObserverEntry>()
                {
                    in_view.set(e.is_intersecting());
                }
            });
            let observer = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, node.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(cb);
            }
        });
    }
    {
        let tab = tab.clone();
        use_effect_with((), move |_| {
            let doc = crate::hooks::window().and_then(|w| w.document());
            let cb = Closure::<dyn FnMut()>::new(move || tab.set(tab_visible()));
            if let Some(d) = &doc {
                let _ = d.add_event_listener_with_callback(
                    "visibilitychange",
                    cb.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(d) = &doc {
                    let _ = d.remove_event_listener_with_callback(
                        "visibilitychange",
                        cb.as_ref().unchecked_ref(),
                    );
                }
                drop(cb);
            }
        });
    }
    *in_view && *tab
}

fn tab_visible() -> bool {
    crate::hooks::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}

/// Pauses a playing player when it stops being seen, and resumes it when it is seen again, only
/// if this hook paused it and nothing moved it since (a player the user paused, stepped or
/// scrubbed stays where the user left it).
#[hook]
pub fn use_pause_while_unseen(
    visible: bool,
    playing: bool,
    at: SimTime,
    dispatch: Callback<Action>,
) {
    // Whether this hook paused the player, and at which instant: `Some(None)` until the pause
    // has been rendered. The instant is the one the pause left it at, not the one rendered when
    // it was asked: a paced player (issue 16) pauses at the frame on screen, up to a render
    // interval after the last rendered instant.
    let held = use_mut_ref(|| None::<Option<SimTime>>);
    use_effect_with((visible, playing, at), move |(visible, playing, at)| {
        let mut held = held.borrow_mut();
        if !*visible && *playing {
            *held = Some(None);
            dispatch.emit(Action::Pause);
            return;
        }
        if *playing {
            // Playing again: no longer ours to resume.
            *held = None;
            return;
        }
        if *held == Some(None) {
            *held = Some(Some(*at));
        }
        match *held {
            // Moved while unseen (stepped, scrubbed): the user's now.
            Some(Some(h)) if h != *at => *held = None,
            Some(Some(_)) if *visible => {
                *held = None;
                dispatch.emit(Action::Play);
            }
            _ => {}
        }
    });
}

/// Whether to draw dark: a forced theme, else the host's live choice (`data-ls-theme` on
/// `<html>` from a theme message, then common docs-site markers), else the system's.
#[hook]
pub fn use_dark(theme: Theme) -> bool {
    let system = crate::hooks::use_media_query("(prefers-color-scheme: dark)");
    let host = use_state_eq(host_theme);
    {
        let host = host.clone();
        use_effect_with((), move |_| {
            let doc = crate::hooks::window().and_then(|w| w.document());
            let cb = Closure::<dyn FnMut()>::new(move || host.set(host_theme()));
            let observer = web_sys::MutationObserver::new(cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(d)) = (&observer, &doc) {
                let opts = web_sys::MutationObserverInit::new();
                opts.set_attributes(true);
                let filter = js_sys::Array::new();
                for a in theme_attributes() {
                    filter.push(&a.into());
                }
                opts.set_attribute_filter(&filter);
                if let Some(h) = d.document_element() {
                    let _ = o.observe_with_options(&h, &opts);
                }
                if let Some(b) = d.body() {
                    let _ = o.observe_with_options(&b, &opts);
                }
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(cb);
            }
        });
    }
    resolve_dark(theme, *host, system)
}

/// The theme decision, apart from the DOM: a host message beats the player's own setting (it is
/// newer), a forced setting beats the host page's look, which beats the system.
pub fn resolve_dark(theme: Theme, host: (Option<bool>, Option<bool>), system: bool) -> bool {
    let (message, page) = host;
    message.unwrap_or(match theme {
        Theme::Light => false,
        Theme::Dark => true,
        Theme::Auto => page.unwrap_or(system),
    })
}

/// Where the common docs generators put their dark-mode marker, in the order they are asked:
/// (element, attribute, value, dark). The first row whose element has that attribute with that
/// value decides; `class` means a class of that name, `*` any value. `static/embed.js` holds
/// the same table for iframe embeds (pages that never load the WebAssembly) as
/// `THEME_MARKERS`; a test checks that the two agree.
pub const THEME_MARKERS: &[(&str, &str, &str, bool)] = &[
    // Docusaurus, Starlight and many others. (`auto`, Furo's third state, is no marker.)
    ("html", "data-theme", "dark", true),
    ("html", "data-theme", "light", false),
    // Sphinx's Furo toggles it on <body>.
    ("body", "data-theme", "dark", true),
    ("body", "data-theme", "light", false),
    // MkDocs Material: `slate` is its dark scheme, any other (`default`) a light one.
    ("body", "data-md-color-scheme", "slate", true),
    ("body", "data-md-color-scheme", "*", false),
    ("html", "data-md-color-scheme", "slate", true),
    ("html", "data-md-color-scheme", "*", false),
    // VitePress, Tailwind sites.
    ("html", "class", "dark", true),
    // mdBook's themes.
    ("html", "class", "coal", true),
    ("html", "class", "navy", true),
    ("html", "class", "ayu", true),
    ("html", "class", "light", false),
    ("html", "class", "rust", false),
];

/// The attributes a host's theme lives in: what to watch for a live toggle.
fn theme_attributes() -> Vec<&'static str> {
    let mut names = vec!["data-ls-theme"];
    for (_, attr, _, _) in THEME_MARKERS {
        if !names.contains(attr) {
            names.push(attr);
        }
    }
    names
}

/// (theme set by a host message, dark mode of the host page) as far as the DOM tells.
fn host_theme() -> (Option<bool>, Option<bool>) {
    let Some(doc) = crate::hooks::window().and_then(|w| w.document()) else {
        return (None, None);
    };
    let html = doc.document_element();
    let message = match html
        .as_ref()
        .and_then(|h| h.get_attribute("data-ls-theme"))
        .as_deref()
    {
        Some("dark") => Some(true),
        Some("light") => Some(false),
        _ => None,
    };
    let body = doc.body().map(web_sys::Element::from);
    let page = THEME_MARKERS.iter().find_map(|(on, attr, value, dark)| {
        let el = if *on == "html" { &html } else { &body };
        let el = el.as_ref()?;
        let found = if *attr == "class" {
            el.class_list().contains(value)
        } else {
            el.get_attribute(attr)
                .is_some_and(|v| *value == "*" || v == *value)
        };
        found.then_some(*dark)
    });
    (message, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_message_beats_a_forced_theme_which_beats_the_page_and_the_system() {
        assert!(resolve_dark(Theme::Auto, (None, None), true));
        assert!(
            !resolve_dark(Theme::Auto, (None, Some(false)), true),
            "the host page says light"
        );
        assert!(resolve_dark(Theme::Dark, (None, Some(false)), false));
        assert!(!resolve_dark(Theme::Light, (None, Some(true)), true));
        assert!(
            !resolve_dark(Theme::Dark, (Some(false), None), true),
            "the host switched it live"
        );
    }
}
