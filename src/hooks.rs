//! Browser hooks: the animation frame, media queries, and the player's width.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The frame callback, kept where the next frame can re-register it.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame(clock_ms)` on every animation frame while `active`, with the frames' play
/// clock ([`crate::playback::PlayClock`]: their timestamps, a long frame counted as
/// [`crate::playback::MAX_FRAME_MS`]).
///
/// The callback is captured when `active` changes, so it must not read component state (it
/// would be stale, toolchain pitfall 10): pass one that dispatches to a reducer, e.g.
/// `Tick { wall_ms }`, and let the reducer read the current state.
#[hook]
pub fn use_animation_frame(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |active| {
        let stopped = Rc::new(Cell::new(false));
        let id = Rc::new(Cell::new(0i32));
        let slot: FrameSlot = Rc::new(RefCell::new(None));
        if *active {
            if let Some(window) = window() {
                let (stopped2, id2, slot2, window2) =
                    (stopped.clone(), id.clone(), slot.clone(), window.clone());
                let mut clock = crate::playback::PlayClock::default();
                *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
                    if stopped2.get() {
                        return;
                    }
                    on_frame.emit(clock.at(ts));
                    if let Some(cb) = slot2.borrow().as_ref() {
                        if let Ok(next) =
                            window2.request_animation_frame(cb.as_ref().unchecked_ref())
                        {
                            id2.set(next);
                        }
                    }
                }));
                if let Some(cb) = slot.borrow().as_ref() {
                    if let Ok(first) = window.request_animation_frame(cb.as_ref().unchecked_ref()) {
                        id.set(first);
                    }
                }
            }
        }
        move || {
            stopped.set(true);
            if let Some(w) = window() {
                let _ = w.cancel_animation_frame(id.get());
            }
            // Break the closure ↔ slot cycle.
            slot.borrow_mut().take();
        }
    });
}

/// The browser window, or `None` when there is none: during the build-time prerender (issue 16),
/// where the components run natively under Yew's server renderer and every browser call would
/// panic. Whatever a component reads through it while rendering falls back to what a page
/// without scripts would show (no stored progress, light theme, motion allowed).
pub fn window() -> Option<web_sys::Window> {
    #[cfg(target_arch = "wasm32")]
    let w = web_sys::window();
    #[cfg(not(target_arch = "wasm32"))]
    let w = None;
    w
}

/// A `style` *property* value (`~style={css(...)}`: set through the CSSOM, which the page's CSP
/// allows, where a `style` attribute would need 'unsafe-inline'). Natively, in the build-time
/// prerender, no JavaScript value can be made, and Yew's server renderer leaves properties out
/// anyway: the prerendered frame has no inline styles either.
pub fn css(text: String) -> JsValue {
    #[cfg(target_arch = "wasm32")]
    let v = JsValue::from(text);
    #[cfg(not(target_arch = "wasm32"))]
    let v = {
        drop(text);
        JsValue::UNDEFINED
    };
    v
}

/// What the build-time prerender (issue 16, `src/prerender_main.rs`) tells the components about
/// the page it draws for, where natively there is no browser to ask ([`window`] is `None`): the
/// address's fragment and which media queries match. Native only, like the prerender (the
/// browser bundles ask the browser); empty, so changing nothing, unless the prerender set it.
#[cfg(not(target_arch = "wasm32"))]
pub mod assumed {
    use std::cell::RefCell;

    #[derive(Clone, Debug, Default)]
    pub struct Page {
        /// `location.hash` (`#lesson=sqs&beat=2`).
        pub hash: String,
        /// The media queries that match, as the components write them.
        pub media: Vec<&'static str>,
    }

    thread_local!(static PAGE: RefCell<Page> = RefCell::new(Page::default()));

    /// Draws what follows for `page`.
    pub fn set(page: Page) {
        PAGE.with(|p| *p.borrow_mut() = page);
    }

    pub fn get() -> Page {
        PAGE.with(|p| p.borrow().clone())
    }
}

/// A style set through [`css`] that a prerendered still needs too (issue 16): the `~style` value,
/// and the `data-ls-style` attribute that carries the same text in the still. Yew's server
/// renderer leaves properties out and a strict CSP refuses style attributes, so `embed.js`
/// applies it through the CSSOM. In the browser there is no attribute.
pub fn css_with_still(text: String) -> (JsValue, Option<AttrValue>) {
    #[cfg(not(target_arch = "wasm32"))]
    let still = Some(AttrValue::from(text.clone()));
    #[cfg(target_arch = "wasm32")]
    let still = None;
    (css(text), still)
}

fn media_matches(query: &str) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    let m = assumed::get().media.contains(&query);
    #[cfg(target_arch = "wasm32")]
    let m = window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches());
    m
}

/// The page address's fragment (with its `#`; empty when it has none).
pub fn location_hash() -> String {
    #[cfg(not(target_arch = "wasm32"))]
    let h = assumed::get().hash;
    #[cfg(target_arch = "wasm32")]
    let h = window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    h
}

/// Whether a CSS media query matches, following changes (theme, reduced motion).
#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    let state = use_state_eq(|| media_matches(query));
    {
        let state = state.clone();
        use_effect_with(query, move |query| {
            let mql = window().and_then(|w| w.match_media(query).ok().flatten());
            let listener = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |e: web_sys::MediaQueryListEvent| state.set(e.matches()),
            );
            if let Some(m) = &mql {
                let _ =
                    m.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(m) = &mql {
                    let _ = m.remove_event_listener_with_callback(
                        "change",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    *state
}

/// The content width of an element in CSS px, following resizes; `first` until the first
/// layout has been observed (0: unknown). The observer reports after the first render has been
/// painted, so a good `first` is what keeps that frame from being drawn for the wrong width.
#[hook]
pub fn use_width(node: NodeRef, first: f64) -> f64 {
    let width = use_state_eq(|| first);
    {
        let width = width.clone();
        use_effect_with(node, move |node| {
            // No measuring here: that would force a layout mid-render. The observer reports the
            // size right after the first layout, before the first paint.
            let target = node.cast::<web_sys::Element>();
            let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                if let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() {
                    width.set(entry.content_rect().width().round());
                }
            });
            let observer = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, &target) {
                o.observe(el);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(cb);
            }
        });
    }
    *width
}

/// `value()`, or while `hold` the value it had when holding began (for as long as `key`, the run
/// it belongs to, stays the same); `value` is not called while held. The player holds what it gives the parts of itself scrolled
/// off screen while it plays (the charts and the event log, below the diagram on a phone): they
/// then cost no rendering, layout or paint on each frame, and catch up as soon as they are on
/// screen again or playback stops (issue 16).
#[hook]
pub fn use_held<K: PartialEq + 'static, T: Clone + 'static>(
    hold: bool,
    key: K,
    value: impl FnOnce() -> T,
) -> T {
    let kept = use_mut_ref(|| None::<(K, T)>);
    let mut kept = kept.borrow_mut();
    match kept.as_ref() {
        Some((k, v)) if hold && *k == key => v.clone(),
        _ => {
            let value = value();
            *kept = Some((key, value.clone()));
            value
        }
    }
}

/// The scene at `at` of the session's run, carried forward from the last render's
/// ([`lambdascope_sim::Timeline::scene_from`]): playing, each render folds only the events since
/// the last one instead of copying a keyframe and replaying from it. A new session starts a new
/// cursor.
#[hook]
pub fn use_scene(
    session: crate::components::Shared<crate::playback::Session>,
    at: lambdascope_sim::SimTime,
) -> Rc<lambdascope_sim::Scene> {
    let cursor = use_memo(session.clone(), |_| {
        RefCell::new(lambdascope_sim::SceneCursor::default())
    });
    use_memo((session, at), |(s, at)| {
        s.timeline().scene_from(&mut cursor.borrow_mut(), *at)
    })
}

/// A page-unique number for each player (SVG ids must be unique across embeds).
pub fn next_instance() -> u32 {
    thread_local!(static NEXT: Cell<u32> = const { Cell::new(0) });
    NEXT.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    })
}

/// Marks a moment for the benchmark (`performance.mark`), ignoring failure.
pub fn perf_mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Runs `f` as the first task after the next frame has been painted. An animation frame callback
/// runs just before that frame's style, layout and paint; a task posted from it runs after them.
/// It is posted with `scheduler.postTask` at user-blocking priority where the browser has it
/// (Chromium), else as a channel message: a 0 ms timeout queues behind every timer and script
/// task already waiting, which on a loading page put the first-diagram mark (and the rest of the
/// player) 50–80 ms after the diagram was on screen.
pub fn after_paint(f: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;
    let Some(w) = window() else { return };
    let w2 = w.clone();
    let frame = Closure::once_into_js(move || {
        let scheduler = js_sys::Reflect::get(&w2, &JsValue::from_str("scheduler")).ok();
        let post_task = scheduler
            .as_ref()
            .filter(|s| s.is_object())
            .and_then(|s| js_sys::Reflect::get(s, &JsValue::from_str("postTask")).ok())
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok());
        if let (Some(scheduler), Some(post_task)) = (scheduler, post_task) {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &options,
                &JsValue::from_str("priority"),
                &JsValue::from_str("user-blocking"),
            );
            let task = Closure::once_into_js(f);
            let _ = post_task.call2(&scheduler, &task, &options);
            return;
        }
        post_message_task(&w2, f);
    });
    let _ = w.request_animation_frame(frame.unchecked_ref());
}

/// Runs `f` in a task of its own, as a channel message (or a timeout if channels are missing).
fn post_message_task(w: &web_sys::Window, f: impl FnOnce() + 'static) {
    use wasm_bindgen::closure::Closure;
    match web_sys::MessageChannel::new() {
        Ok(channel) => {
            let (receiver, sender) = (channel.port1(), channel.port2());
            // The closure owns the channel so that it lives until its message arrives.
            let task = Closure::once_into_js(move || {
                drop(channel);
                f()
            });
            receiver.set_onmessage(Some(task.unchecked_ref()));
            let _ = sender.post_message(&wasm_bindgen::JsValue::NULL);
        }
        Err(_) => {
            let task = Closure::once_into_js(f);
            let _ = w.set_timeout_with_callback(task.unchecked_ref());
        }
    }
}
