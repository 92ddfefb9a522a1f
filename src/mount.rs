//! Mounting and the crash overlay.
//!
//! Every `<lambdascope-player>` element and every element with a `data-lambdascope` attribute
//! gets its own independent player. The attribute's value is a bundled scenario id; `data-seed`, `data-at` (ms), `data-faults`,
//! `data-speed`, `data-filter`, `data-lesson`, `data-beat`, `data-link` (a whole share query),
//! `data-toml` (an inline scenario), `data-controls`, `data-theme` and `data-autoplay` are optional
//! (read by [`crate::share_link::from_attributes`]). A page without one gets a player appended to
//! `<body>`. On the app's own page (`<body class="ls-page">`, also the `?embed` iframe page), the
//! URL's query string and fragment say the same things as a share link
//! ([`crate::share_link::from_url`]) and win over the attributes.
//!
//! **On a host page, a player lives in its element's shadow root** (issue 14), with the player's
//! stylesheet linked inside it: the host's rules cannot reach in (MkDocs Material's
//! `.md-typeset ul`, `figure`, `details` rules turned the service strip into a tall list), ours
//! cannot leak out, and nothing depends on `<head>` (Material's instant navigation replaces it,
//! which left every player after an in-site click unstyled). The app's own page and the `?embed`
//! page are ours, so their player stays in the page. A player whose element leaves the document
//! is destroyed ([`sweep`]); the instant it showed is remembered under its page and attributes,
//! and it opens there when its element (or one like it, after a back navigation) returns.
//!
//! A crash replaces nothing and blanks nothing: an overlay over each player says what happened
//! (Yew stops updating after a panic, so the overlay is plain DOM). The release bundles abort on
//! a panic without formatting its message (`-Cpanic=immediate-abort`, scripts/release-env: 21 KB
//! gzip of the player), so no panic hook runs there: the abort is a WebAssembly trap, which
//! reaches the page as an uncaught `WebAssembly.RuntimeError` ([`install_crash_handlers`] listens
//! for it). Other builds (`trunk serve`, tests) still get the panic's own message from the hook.

use lambdascope_sim::share::{percent_encode, ScenarioRef};
use lambdascope_sim::SimTime;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::components::player::{Player, PlayerProps};
use crate::share_link::{self, Request};

/// Attribute that marks (and, once mounted, tags) a player's root element.
pub const ATTR: &str = "data-lambdascope";
/// The element form of a player; it reads the same `data-*` attributes (`embed.js` defines it).
pub const TAG: &str = "lambdascope-player";
const MOUNTED: &str = "data-lambdascope-mounted";
/// The class of the element a player is drawn into inside its host's shadow root.
const SHADOW_ROOT_CLASS: &str = "ls-shadow";
/// Marks the `<div>` made inside a host element that cannot carry a shadow root itself.
const INNER_HOST: &str = "data-ls-host";

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
    laid_out_for(el, props_from(request_with(&|a| el.get_attribute(a), page)))
}

/// `props` with the width of the element the player is drawn for: its first frame is laid out
/// for it, narrow or wide (drawn for 0 and then again for its stage's measured width, the frame
/// that replaced a still could be the first: a layout shift of 0.87 on a phone's app page, 0.33
/// in the book at 412 px on a loaded machine).
fn laid_out_for(el: &Element, props: PlayerProps) -> PlayerProps {
    PlayerProps {
        host_width: el.get_bounding_client_rect().width(),
        ..props
    }
}

/// A mount point's request: its attributes (`attr(name)` returns one), with the page URL's
/// request (if any) laid over them. (Also how the build-time prerender reads the app page's
/// element for each URL it draws a still for.)
pub fn request_with(attr: &dyn Fn(&str) -> Option<String>, page: Option<Request>) -> Request {
    let mut req = share_link::from_attributes(attr);
    if let Some(page) = page {
        share_link::merge(&mut req.state, page.state);
        req.view = page.view;
        req.problems.extend(page.problems);
    }
    req
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
        seed: st.seed.unwrap_or(crate::share_link::DEFAULT_SEED),
        at_ms: st.t.map(|t| t.as_ms()),
        view: req.view,
        problems: req.problems.iter().map(|p| p.to_string().into()).collect(),
        link: st,
        children: Default::default(),
        host_width: 0.0,
    }
}

/// Draws `C`, a bundle's view of the app's own page, into its element.
fn app_page<C: yew::BaseComponent<Properties = crate::components::app::AppProps>>(
    el: Element,
    app: crate::components::app::AppProps,
) {
    yew::Renderer::<C>::with_root_and_props(el, app).render();
}

/// The lessons bundle's entry point (`lambdascope-app`): the app's own page, at the lessons.
pub fn mount_all() {
    mount_roots(true, Some(app_page::<crate::components::app::App>), None);
}

/// The app page showing the Import view only: the entry point of the `lambdascope-import`
/// bundle, the only one that names it.
pub fn mount_import() {
    mount_roots(
        true,
        Some(app_page::<crate::components::app::ImportPage>),
        None,
    );
}

/// The app page showing the comparison only: the entry point of the `lambdascope-compare`
/// bundle, the only one that names it.
pub fn mount_compare() {
    mount_roots(
        true,
        Some(app_page::<crate::components::app::ComparePage>),
        None,
    );
}

/// The entry point of the player-only bundle: a player in every `[data-lambdascope]` element (or
/// a new one in `<body>`), and on the app's own page the explore view. What a bundle contains is
/// what its entry point reaches, so this one must not name the lessons or the comparison. The
/// only bundle that mounts players in host pages' elements (`static/embed.js` loads it on every
/// page but the app's own).
pub fn mount_players() {
    mount_roots(true, Some(explore_page), Some(mount_player));
}

/// The player bundle's view of the app page: the explore view, drawn once its scenario is at hand.
fn explore_page(el: Element, app: crate::components::app::AppProps) {
    with_scenario(
        to_fetch(&app.player),
        el.clone(),
        Box::new(move || app_page::<crate::components::app::PlayerPage>(el, app)),
    );
}

/// The bundled scenario `props` opens with, when its file is not at hand yet.
fn to_fetch(props: &PlayerProps) -> Option<usize> {
    let index = props
        .scenario
        .as_deref()
        .filter(|_| props.toml.is_none())
        .and_then(crate::scenarios::position)?;
    crate::scenarios::at_hand(index).is_none().then_some(index)
}

/// Runs `mount` once the bundled scenario at `wanted` ([`to_fetch`]) is at hand (issue 16: the player
/// bundle carries only the default's text; the others are fetched, `scenarios::fetch`). Until
/// then the element keeps what it shows, the build's still or the loading line: drawing the
/// player first and its scenario later would replace a still with a loading line. A failed
/// fetch mounts all the same: the player shows the default and says why.
/// A host that left the page meanwhile is not mounted (and can be again, if it comes back).
/// (`mount` is boxed: one copy of the waiting code for the three callers, not one each.)
fn with_scenario(wanted: Option<usize>, host: Element, mount: Box<dyn FnOnce()>) {
    let Some(index) = wanted else {
        mount();
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let _ = crate::scenarios::fetch(index).await;
        if host.is_connected() {
            mount();
        } else {
            let _ = host.remove_attribute(MOUNTED);
        }
    });
}

/// Mounts a player into every `[data-lambdascope]` element not mounted yet; returns how many.
/// First destroys the players whose element has left the document ([`sweep`]). The player-only
/// bundle exports it (`src/player_main.rs`); the others are loaded by the app's own pages alone.
pub fn mount_new() -> u32 {
    sweep();
    // Not the first mount, so not the app page.
    mount_roots(false, None, Some(mount_player))
}

/// An embedded player: the element the page gave it, the element it is drawn into (inside the
/// host's shadow root, or the host itself on the app's own pages), and where its instant is
/// remembered.
struct Mounted {
    host: Element,
    root: Element,
    memory: Option<String>,
    handle: yew::AppHandle<Player>,
}

thread_local! {
    /// Every embedded player (issue 14: a single-page docs site replaces its content on every
    /// in-site click; a player whose element left the page kept its DOM, listeners and timers
    /// alive, +5,688 nodes and 3–4 intervals a round trip).
    static MOUNTED_PLAYERS: std::cell::RefCell<Vec<Mounted>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// The instant each destroyed player showed, by [`memory_key`], newest last.
    static REMEMBERED: std::cell::RefCell<Vec<(String, u64)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// How many destroyed players' instants are kept (a long session in a big docs site must not
/// grow without bound).
const REMEMBER_AT_MOST: usize = 64;

/// Destroys every embedded player whose element is no longer in the document: its components
/// unmount (their effects clean up: observers, intervals, listeners), its run is freed and the
/// element it was drawn into leaves the shadow root. The instant it showed is remembered, and the
/// host loses its mounted mark, so if a single-page site puts it back it is mounted afresh there.
/// Returns how many were destroyed.
pub fn sweep() -> u32 {
    let gone: Vec<Mounted> = MOUNTED_PLAYERS.with(|m| {
        let mut m = m.borrow_mut();
        let (gone, kept): (Vec<_>, Vec<_>) = m.drain(..).partition(|p| !p.host.is_connected());
        *m = kept;
        gone
    });
    let n = gone.len() as u32;
    for p in gone {
        if let (Some(key), Some(at)) = (p.memory, shown_instant(&p.root)) {
            remember(key, at);
        }
        p.handle.destroy();
        if p.root != p.host {
            p.root.remove();
        }
        let _ = p.host.remove_attribute(MOUNTED);
    }
    n
}

/// The instant a player shows (its root's `data-ls-at`, in ms).
fn shown_instant(root: &Element) -> Option<u64> {
    root.query_selector(".ls-player[data-ls-at]")
        .ok()
        .flatten()?
        .get_attribute("data-ls-at")?
        .parse()
        .ok()
}

fn remember(key: String, at: u64) {
    REMEMBERED.with(|r| {
        let mut r = r.borrow_mut();
        r.retain(|(k, _)| *k != key);
        r.push((key, at));
        let over = r.len().saturating_sub(REMEMBER_AT_MOST);
        r.drain(..over);
    });
}

fn recall(key: &str) -> Option<u64> {
    REMEMBERED.with(|r| r.borrow().iter().find(|(k, _)| k == key).map(|(_, at)| *at))
}

/// Where a player's instant is remembered: the page's path, the host's tag and `data-*`
/// attributes, and how many hosts with the same ones come before it on the page. The same
/// element put back, or a new one made from the same page after a back navigation, has the
/// same key.
fn memory_key(doc: &Document, el: &Element) -> String {
    let signature = |e: &Element| {
        let mut s = e.tag_name().to_ascii_lowercase();
        for name in e.get_attribute_names().iter().filter_map(|n| n.as_string()) {
            if name.starts_with("data-") && name != MOUNTED {
                s.push_str(&format!(
                    " {name}={}",
                    e.get_attribute(&name).unwrap_or_default()
                ));
            }
        }
        s
    };
    let mine = signature(el);
    let before = hosts(doc)
        .iter()
        .take_while(|h| *h != el)
        .filter(|h| signature(h) == mine)
        .count();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    format!("{path} #{before} {mine}")
}

/// Every player element of the page, mounted or not, in document order.
fn hosts(doc: &Document) -> Vec<Element> {
    let mut out = Vec::new();
    if let Ok(list) = doc.query_selector_all(&format!("{TAG}, [{ATTR}]")) {
        for i in 0..list.length() {
            if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                out.push(el);
            }
        }
    }
    out
}

/// Draws a player into a host: a host page's element (`page` is `None`: in its shadow root), or
/// the `?embed` page's own element (`page`: the props the page's URL gave it).
type MountPlayer = fn(&Document, Element, Option<PlayerProps>);

/// `app_page` renders the app's own page (one player, the URL its request); `player` every other
/// host. Only the player-only bundle passes a `player`: the other bundles are loaded by the app's
/// own pages alone (`static/embed.js`), and naming [`Player`] here put the whole explore player in
/// their download (the lessons' bundle was 424 KB gzip with it and 321 KB without, issue 16).
/// A host this bundle cannot draw is left unmounted.
fn mount_roots(
    or_create: bool,
    app_page: Option<fn(Element, crate::components::app::AppProps)>,
    player: Option<MountPlayer>,
) -> u32 {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return 0;
    };
    let mut roots: Vec<Element> = hosts(&doc)
        .into_iter()
        .filter(|el| !el.has_attribute(MOUNTED))
        .collect();
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
    let mut n = 0;
    for host in roots {
        let Some(page) = &page else {
            if let Some(player) = player {
                let _ = host.set_attribute(MOUNTED, "");
                player(&doc, host, None);
                n += 1;
            }
            continue;
        };
        // The app's own page, or its `?embed` page in a frame: the page is ours, the player
        // stays in it.
        let props = props_with(&host, Some(page.clone()));
        match (page.view.embed, app_page, player) {
            // The app's own page: the bundle's view of it (issue 5).
            (false, Some(app_page), _) => {
                let _ = host.set_attribute(MOUNTED, "");
                let _ = host.class_list().add_1("ls-root");
                app_page(host, crate::components::app::AppProps { player: props });
            }
            (true, _, Some(player)) => {
                let _ = host.set_attribute(MOUNTED, "");
                let _ = host.class_list().add_1("ls-root");
                player(&doc, host, Some(props));
            }
            _ => continue,
        }
        n += 1;
    }
    n
}

/// [`MountPlayer`]: the player-only bundle's.
fn mount_player(doc: &Document, host: Element, page: Option<PlayerProps>) {
    let Some(props) = page else {
        mount_in_shadow(doc, host);
        return;
    };
    with_scenario(
        to_fetch(&props),
        host.clone(),
        Box::new(move || {
            let handle = yew::Renderer::<Player>::with_root_and_props(host.clone(), props).render();
            let root = host.clone();
            MOUNTED_PLAYERS.with(|m| {
                m.borrow_mut().push(Mounted {
                    host,
                    root,
                    memory: None,
                    handle,
                })
            });
        }),
    );
}

/// Mounts a host page's player into its element's shadow root, at the instant it showed last
/// if it was here before.
fn mount_in_shadow(doc: &Document, host: Element) {
    let memory = memory_key(doc, &host);
    let mut req = share_link::from_attributes(&|a| host.get_attribute(a));
    if let Some(at) = recall(&memory) {
        req.state.t = Some(SimTime(at));
    }
    let props = props_from(req);
    let doc = doc.clone();
    with_scenario(
        to_fetch(&props),
        host.clone(),
        Box::new(move || {
            let root = shadow_mount_point(&doc, &host).unwrap_or_else(|| {
                // No shadow root to be had: drawn in the page, as before issue 14.
                let _ = host.class_list().add_1("ls-root");
                host.clone()
            });
            let props = laid_out_for(&host, props);
            let handle = yew::Renderer::<Player>::with_root_and_props(root.clone(), props).render();
            MOUNTED_PLAYERS.with(|m| {
                m.borrow_mut().push(Mounted {
                    host,
                    root,
                    memory: Some(memory),
                    handle,
                })
            });
        }),
    );
}

/// A fresh element to draw a player into, inside `host`'s shadow root (made on first use, with
/// the player's stylesheet linked in it; kept, with its loaded sheet, when a swept host returns).
fn shadow_mount_point(doc: &Document, host: &Element) -> Option<Element> {
    let shadow = shadow_of(doc, host)?;
    let mut new_link = None;
    if shadow
        .query_selector("link[data-ls-css]")
        .ok()
        .flatten()
        .is_none()
    {
        let link = doc.create_element("link").ok()?;
        link.set_attribute("rel", "stylesheet").ok()?;
        link.set_attribute("href", &crate::embed::stylesheet_href())
            .ok()?;
        link.set_attribute("data-ls-css", "").ok()?;
        shadow.append_child(&link).ok()?;
        new_link = Some(link);
    }
    let root = doc.create_element("div").ok()?;
    root.set_class_name(&format!("ls-root {SHADOW_ROOT_CLASS}"));
    // Not shown until its stylesheet applies: the sheet's `display: block !important` is what
    // shows it (a link in a shadow root does not hold up rendering, and an unstyled player is a
    // page-high column of huge glyphs). A CSSOM write, which CSP does not govern.
    if let Some(h) = root.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.style().set_property("display", "none");
    }
    shadow.append_child(&root).ok()?;
    if let Some(link) = new_link {
        keep_still_until_styled(doc, host, &shadow, &link, &root);
    }
    Some(root)
}

/// A host that carries its prerendered first frame (issue 16, `.ls-prerendered-box`, drawn at
/// build time by the same components) keeps showing it through a `<slot>` until the live
/// player's stylesheet has loaded, then drops the slot and the still: a shadow root hides its
/// host's children, and the live player stays hidden until its sheet applies, so without this
/// the frame would blink out (a layout shift and a blank box) between the two. Meanwhile the live
/// root is laid out at the host's width but with no height and unseen (the sheet shows it the
/// moment it applies, which may be a frame before its `load` event: both would stack then).
fn keep_still_until_styled(
    doc: &Document,
    host: &Element,
    shadow: &ShadowRoot,
    link: &Element,
    root: &Element,
) {
    let Ok(Some(still)) = host.query_selector(":scope > .ls-prerendered-box") else {
        return;
    };
    let Ok(slot) = doc.create_element("slot") else {
        return;
    };
    let Some(live) = root.dyn_ref::<web_sys::HtmlElement>().cloned() else {
        return;
    };
    if shadow.append_child(&slot).is_err() {
        return;
    }
    // Full width (its layout follows it) but no height and unseen.
    let style = live.style();
    let _ = style.set_property("height", "0");
    let _ = style.set_property("overflow", "hidden");
    let _ = style.set_property("visibility", "hidden");
    // Swapped two frames after the sheet loads: by then the live player has drawn its first
    // frame and its layout effects (the stage measuring its width) have run, so the frame that
    // replaces the still is its final one (on a loaded machine one frame was not always enough:
    // a layout shift of 0.33 at 412 px).
    let done = wasm_bindgen::closure::Closure::once_into_js(move || {
        next_frame(move || {
            next_frame(move || {
                slot.remove();
                still.remove();
                let style = live.style();
                for p in ["height", "overflow", "visibility"] {
                    let _ = style.remove_property(p);
                }
            })
        })
    });
    for event in ["load", "error"] {
        let _ = link.add_event_listener_with_callback(event, done.unchecked_ref());
    }
}

/// Runs `f` before the next frame is painted.
fn next_frame(f: impl FnOnce() + 'static) {
    let cb = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(w) = crate::hooks::window() {
        let _ = w.request_animation_frame(cb.unchecked_ref());
    }
}

/// `host`'s shadow root, attached on first use. Only some elements can carry one (a custom
/// element, `div`, `section`, `p`, `span`…); inside any other (`figure`, `li`, `td`) a `div` does.
fn shadow_of(doc: &Document, host: &Element) -> Option<ShadowRoot> {
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    if let Some(s) = host.shadow_root() {
        return Some(s);
    }
    if let Ok(s) = host.attach_shadow(&init) {
        return Some(s);
    }
    let inner = match host
        .query_selector(&format!(":scope > [{INNER_HOST}]"))
        .ok()
        .flatten()
    {
        Some(inner) => inner,
        None => {
            let inner = doc.create_element("div").ok()?;
            inner.set_attribute(INNER_HOST, "").ok()?;
            host.append_child(&inner).ok()?;
            inner
        }
    };
    inner
        .shadow_root()
        .or_else(|| inner.attach_shadow(&init).ok())
}

/// The element a mounted host's player is drawn into: inside its shadow root (or its inner
/// host's), else the host itself.
fn drawn_into(host: &Element) -> Element {
    let in_shadow = |h: &Element| {
        h.shadow_root()?
            .query_selector(&format!(".{SHADOW_ROOT_CLASS}"))
            .ok()
            .flatten()
    };
    in_shadow(host)
        .or_else(|| {
            host.query_selector(&format!(":scope > [{INNER_HOST}]"))
                .ok()
                .flatten()
                .and_then(|i| in_shadow(&i))
        })
        .unwrap_or_else(|| host.clone())
}

/// Shows the crash overlay when the player stops: from the panic hook where the build keeps
/// panic messages, and from the page's `error` / `unhandledrejection` events where a panic is an
/// immediate trap (release bundles). The instance still runs after a trap (only the call that
/// trapped was abandoned), and drawing the overlay touches no state the trapped call could have
/// left half-changed: it reads the DOM and builds new elements.
pub fn install_crash_handlers() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&format!("lambdascope: {msg}").into());
        show_crash(&msg);
    }));
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_error =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
            let error = if let Some(e) = e.dyn_ref::<web_sys::ErrorEvent>() {
                e.error()
            } else if let Some(e) = e.dyn_ref::<web_sys::PromiseRejectionEvent>() {
                e.reason()
            } else {
                return;
            };
            if let Some(message) = our_trap(&error) {
                show_crash(&message);
            }
        });
    for kind in ["error", "unhandledrejection"] {
        let _ = window.add_event_listener_with_callback(kind, on_error.as_ref().unchecked_ref());
    }
    // Lives as long as the page: the listeners are the page's, for every player on it.
    on_error.forget();
}

/// What the crash overlay says for `error` when it is a trap in this bundle's WebAssembly: its
/// message and the first frames of its stack (function indices and offsets, enough to find the
/// function in a build with names), or, when the release player's second module could not be
/// downloaded, that. A host page's own errors, its own WebAssembly's included, are not ours to
/// report: a trap of ours came through our glue script (`lambdascope-….js`), whose name is in
/// its stack.
fn our_trap(error: &wasm_bindgen::JsValue) -> Option<String> {
    let error = error.dyn_ref::<js_sys::WebAssembly::RuntimeError>()?;
    let stack = js_sys::Reflect::get(error, &"stack".into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    if !stack.contains("/lambdascope-") {
        return None;
    }
    let message = String::from(error.message());
    // The loader (scripts/split-loader.js) throws this when the second module cannot be had: a
    // network failure, not a check, and its frames say nothing more.
    if let Some(file) = message.strip_prefix("could not load ") {
        return Some(format!(
            "part of the player could not be downloaded: {file}"
        ));
    }
    let frames: Vec<&str> = stack
        .lines()
        .filter(|l| l.contains("wasm-function"))
        .take(4)
        .map(str::trim)
        .collect();
    Some(format!(
        "an internal check failed (WebAssembly: {message})\n{}",
        frames.join("\n")
    ))
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
                roots.push(drawn_into(&el));
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
