//! Paced playback in the browser (issue 16): a playing view re-renders through Yew at most
//! every [`crate::playback::RENDER_EVERY_MS`], and its token layers draw on every animation frame
//! between. The decision and its arithmetic are [`crate::playback::Pacer`]'s (pure, tested
//! natively); this is the glue: the cell a view and its token layers share, and the dispatcher
//! that brings the reducer up to the frame on screen before any other action.

use std::cell::RefCell;
use std::rc::Rc;

use lambdascope_sim::SimTime;
use yew::prelude::*;

use super::Shared;
use crate::hooks::use_animation_frame;
use crate::playback::{FrameWork, Pacer};

/// Draws a token layer's tokens at an instant and its exact ms.
pub type Painter = Rc<dyn Fn(SimTime, f64)>;

/// The next frame's work for the cursor a view last rendered (its [`Pacer::frame`] call, with
/// the view's time map, events and stopping instant).
pub type Preview = Box<dyn Fn(&mut Pacer, f64) -> FrameWork>;

/// What a paced view shares with its token layers.
#[derive(Default)]
pub struct Live {
    pacer: Pacer,
    /// As of the view's last render.
    preview: Option<Preview>,
    /// The view has rendered and its effects (the token layers' painters among them) have not
    /// all run yet: Yew's scheduler may let the browser draw a frame between the two, and
    /// painting then would pair this render's cursor with the last render's painters (another
    /// session's run after a fault, the old filter or width).
    effects_pending: bool,
    /// Each mounted token layer's drawing as of its last render, by layer.
    painters: Vec<(u32, Painter)>,
}

impl Live {
    /// The instant and exact ms of the frame on screen, if it was painted after the view's last
    /// render ([`Pacer::on_screen`]).
    pub fn on_screen(&self) -> Option<(SimTime, f64)> {
        self.pacer.on_screen()
    }

    /// Sets (or with `None` removes) the drawing of token layer `key` (a page-unique number,
    /// [`crate::hooks::next_instance`]).
    pub fn set_painter(&mut self, key: u32, painter: Option<Painter>) {
        self.painters.retain(|(k, _)| *k != key);
        if let Some(p) = painter {
            self.painters.push((key, p));
        }
    }

    /// The frame at play clock `wall_ms`: `true` when it must re-render (tick the reducer), else
    /// the tokens have been drawn for it here.
    fn frame(cell: &RefCell<Live>, wall_ms: f64) -> bool {
        let (painters, at, exact_ms) = {
            let mut live = cell.borrow_mut();
            let Live {
                pacer,
                preview,
                effects_pending,
                painters,
            } = &mut *live;
            let Some(preview) = preview
                .as_ref()
                .filter(|_| !painters.is_empty() && !*effects_pending)
            else {
                pacer.rendered(wall_ms);
                return true;
            };
            match preview(pacer, wall_ms) {
                FrameWork::Render => return true,
                FrameWork::Paint { at, exact_ms } => (painters.clone(), at, exact_ms),
            }
        };
        // Drawn with the cell released: a drawing never reaches back into it, but a borrow held
        // across calls out of this module would be a panic waiting for one that does.
        for (_, paint) in painters {
            paint(at, exact_ms);
        }
        false
    }
}

/// A paced view's reducer: an action first ticks the reducer to the last frame painted since it
/// rendered ([`Pacer::catch_up`]), so a pause, step, speed change or fault acts on the instant on
/// screen.
pub struct Paced<R: Reducible + 'static> {
    reducer: UseReducerDispatcher<R>,
    pub live: Shared<RefCell<Live>>,
    tick: fn(f64) -> R::Action,
}

impl<R: Reducible + 'static> Clone for Paced<R> {
    fn clone(&self) -> Self {
        Paced {
            reducer: self.reducer.clone(),
            live: self.live.clone(),
            tick: self.tick,
        }
    }
}

impl<R: Reducible + 'static> Paced<R> {
    pub fn dispatch(&self, action: R::Action) {
        let caught_up = self.live.borrow_mut().pacer.catch_up();
        if let Some(wall_ms) = caught_up {
            self.reducer.dispatch((self.tick)(wall_ms));
        }
        self.reducer.dispatch(action);
    }
}

/// Paces `reducer` while `playing`: call from the view's render with the next frame's work as of
/// this render (`preview`), and pass the returned [`Paced::live`] to its token layers. `tick`
/// makes the reducer's tick action.
#[hook]
pub fn use_paced<R: Reducible + 'static>(
    reducer: &UseReducerHandle<R>,
    playing: bool,
    tick: fn(f64) -> R::Action,
    preview: Preview,
) -> Paced<R> {
    let live = (*use_memo((), |_| Shared::new(RefCell::new(Live::default())))).clone();
    {
        let mut l = live.borrow_mut();
        l.preview = Some(preview);
        l.effects_pending = true;
    }
    {
        // A parent's effects run after its children's (Yew runs them child first), so this
        // one marks the token layers' painters as this render's.
        let live = live.clone();
        use_effect(move || live.borrow_mut().effects_pending = false);
    }
    let paced = Paced {
        reducer: reducer.dispatcher(),
        live,
        tick,
    };
    let on_frame = {
        let (reducer, live) = (paced.reducer.clone(), paced.live.clone());
        Callback::from(move |wall_ms: f64| {
            if Live::frame(&live, wall_ms) {
                reducer.dispatch(tick(wall_ms))
            }
        })
    };
    use_animation_frame(playing, on_frame);
    paced
}
