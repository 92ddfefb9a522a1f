//! One keymap for the player, the lesson tour and the comparison (issue 11: each read keys on its
//! own, and only the player kept them from the host page). A view asks [`read`] what a key means,
//! handles the meanings it has, and [`claim`]s the event for those: a key a view handles is the
//! view's — no scrolling, and no host-page shortcut (mdBook turns the page on ← →) sees it.

use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// What a key asks of a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Space.
    PlayPause,
    /// ← or `b`: a step (an event, or a beat in a lesson) back.
    Back,
    /// → or `n`: a step forward (Continue in a lesson).
    Forward,
    /// `+` (or `=`, the same key unshifted).
    Faster,
    /// `−` (or `_`).
    Slower,
    /// Home.
    Start,
    /// End.
    End,
    /// `r`: the lesson's beat again.
    Replay,
    /// `t`: the lesson's transcript.
    Transcript,
    /// `?`: the keys and the legend.
    Help,
    /// Escape: close what is open.
    Escape,
}

/// What `e` means to a view, or `None`: chords with Ctrl, Meta or Alt (the browser's), keys typed
/// into a field (except Escape), Space on a button, link or summary (it presses that control), and
/// keys no view uses.
pub fn read(e: &KeyboardEvent) -> Option<Key> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let typing = matches!(tag.as_str(), "input" | "select" | "textarea");
    let pressable = matches!(tag.as_str(), "button" | "summary" | "a");
    let key = e.key();
    if typing && key != "Escape" {
        return None;
    }
    Some(match key.as_str() {
        " " if !pressable => Key::PlayPause,
        "ArrowLeft" | "b" => Key::Back,
        "ArrowRight" | "n" => Key::Forward,
        "+" | "=" => Key::Faster,
        "-" | "_" => Key::Slower,
        "Home" => Key::Start,
        "End" => Key::End,
        "r" => Key::Replay,
        "t" => Key::Transcript,
        "?" => Key::Help,
        "Escape" => Key::Escape,
        _ => return None,
    })
}

/// The view handles this key: no default action and no listener outside the view sees it.
pub fn claim(e: &KeyboardEvent) {
    e.prevent_default();
    e.stop_propagation();
}
