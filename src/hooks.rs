//! Browser hooks: the animation frame, media queries, and the player's width.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The frame callback, kept where the next frame can re-register it.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame(timestamp_ms)` on every animation frame while `active`.
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
            if let Some(window) = web_sys::window() {
                let (stopped2, id2, slot2, window2) =
                    (stopped.clone(), id.clone(), slot.clone(), window.clone());
                *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
                    if stopped2.get() {
                        return;
                    }
                    on_frame.emit(ts);
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
            if let Some(w) = web_sys::window() {
                let _ = w.cancel_animation_frame(id.get());
            }
            // Break the closure ↔ slot cycle.
            slot.borrow_mut().take();
        }
    });
}

fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether a CSS media query matches, following changes (theme, reduced motion).
#[hook]
pub fn use_media_query(query: &'static str) -> bool {
    let state = use_state_eq(|| media_matches(query));
    {
        let state = state.clone();
        use_effect_with(query, move |query| {
            let mql = web_sys::window().and_then(|w| w.match_media(query).ok().flatten());
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

/// The content width of an element in CSS px, following resizes (0 before the first layout).
#[hook]
pub fn use_width(node: NodeRef) -> f64 {
    let width = use_state_eq(|| 0.0f64);
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
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
