//! The narrator: a polite live region that reads out, one at a time and at a pace a screen
//! reader can follow, the lines a view gives it (a beat's narration, a question, feedback) and the
//! core's sentence for each major event as the cursor passes it. The queue and its pacing are
//! [`crate::announce::Announcer`]; this component only feeds it and shows its current line.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use lambdascope_sim::narrate::{salience, sentence, Salience};
use yew::prelude::*;

use super::Shared;
use crate::announce::Announcer;
use crate::playback::Session;

/// How often the queue is looked at (ms of wall time).
const PUMP_MS: u32 = 200;

#[derive(Properties, PartialEq)]
pub struct NarratorProps {
    /// Changes when the learner jumps (another beat, a replay): whatever was waiting is dropped.
    pub visit: u64,
    /// Lines to say, in order; said again only when they change.
    pub lines: Vec<String>,
    pub session: Shared<Session>,
    /// Trace events at or before the cursor.
    pub seen: usize,
}

fn now_ms() -> f64 {
    crate::hooks::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[function_component(Narrator)]
pub fn narrator(p: &NarratorProps) -> Html {
    let queue = use_mut_ref(Announcer::default);
    let current = use_state(|| (0u64, String::new()));
    // (the visit whose lines were said, the events already queued): events before the narrator
    // appeared, or before a jump, are not news.
    let last = use_mut_ref(|| (u64::MAX, p.seen));
    {
        let (queue, current) = (queue.clone(), current.clone());
        use_effect_with((), move |_| {
            let tick = Interval::new(PUMP_MS, move || pump(&queue, &current));
            move || drop(tick)
        });
    }
    // Events first: the lines of a phase (a beat's end) follow the events that led to it.
    {
        let (queue, last) = (queue.clone(), last.clone());
        use_effect_with((p.session.clone(), p.seen), move |(session, seen)| {
            let tl = session.timeline();
            let seen = (*seen).min(tl.trace.len());
            let mut l = last.borrow_mut();
            if seen > l.1 {
                // Only the last MAX_PENDING events can still be said; older ones are folded into
                // a count. Writing sentences for them all made a seek across a one-hour run
                // spend its time on text nobody hears.
                let mut q = queue.borrow_mut();
                let major = || (l.1..seen).filter(|&i| salience(&tl.trace[i]) == Salience::Major);
                let folded = major().count().saturating_sub(crate::announce::MAX_PENDING);
                q.fold(folded);
                for i in major().skip(folded) {
                    q.event(sentence(&tl.topology, &tl.trace, i));
                }
            }
            l.1 = seen;
        });
    }
    {
        let (queue, last, current) = (queue.clone(), last.clone(), current.clone());
        use_effect_with((p.visit, p.lines.clone()), move |(visit, lines)| {
            let mut q = queue.borrow_mut();
            let mut l = last.borrow_mut();
            if l.0 != *visit {
                q.clear();
                l.0 = *visit;
            }
            for line in lines {
                q.say(line.clone());
            }
            drop(q);
            pump(&queue, &current);
        });
    }
    html! {
        <div class="ls-sr-only" aria-live="polite" aria-atomic="true" data-ls="announce"
             data-serial={current.0.to_string()}>{current.1.clone()}</div>
    }
}

fn pump(queue: &Rc<RefCell<Announcer>>, current: &UseStateHandle<(u64, String)>) {
    let mut q = queue.borrow_mut();
    if q.pump(now_ms()) {
        current.set((q.serial, q.current.clone()));
    }
}
