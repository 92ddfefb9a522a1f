//! The event log (the core's narration, one sentence per trace event, newest first; click a
//! line to go there) and the screen-reader live region announcing major events.

use lambdascope_sim::narrate::{salience, sentence, Salience};
use lambdascope_sim::SimTime;
use yew::prelude::*;

use super::Shared;
use crate::playback::{format_clock, Session};

/// Lines shown in the log. A seek replaces them all: this bounds its cost (60 lines made a seek
/// in a one-hour run three times slower than 20; 30 keeps a screenful).
const LINES: usize = 30;

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub session: Shared<Session>,
    /// Trace events at or before the cursor.
    pub seen: usize,
    pub on_seek: Callback<SimTime>,
    /// Playing: the rows then follow the cursor at most every [`PLAYING_REFRESH_MS`].
    #[prop_or_default]
    pub playing: bool,
}

/// While playing, the log's rows follow the cursor at most this often (wall-clock ms). A burst
/// brings dozens of new rows a frame (26 created and 26 removed a frame with 1,000 S3 events in
/// flight on the phone profile, issue 16), faster than anyone reads; four refreshes a second
/// still look live. Paused, stepping or seeking, the rows follow at once.
const PLAYING_REFRESH_MS: f64 = 250.0;

#[function_component(EventLog)]
pub fn event_log(p: &LogProps) -> Html {
    let all = use_state(|| false);
    let tl = p.session.timeline();
    let seen = p.seen.min(tl.trace.len());
    let shown = |e: &lambdascope_sim::TraceEvent, all: bool| all || salience(e) == Salience::Major;
    // The rows change only when a new row arrives, not on every event the cursor passes (while
    // playing, most are hops that the log does not show): build them once per newest row. Keyed
    // by trace index, so a new row is one insertion and the oldest one removal: unkeyed, every
    // row's time and sentence were rewritten each time (90 DOM writes a frame while a burst
    // plays, issue 16).
    let newest_now = tl.trace[..seen].iter().rposition(|e| shown(e, *all));
    // (when it was refreshed, the newest row it shows, with or without every hop)
    let refreshed = use_mut_ref(|| (f64::NEG_INFINITY, None::<usize>, false));
    let newest = {
        let mut r = refreshed.borrow_mut();
        let now = crate::hooks::window()
            .and_then(|w| w.performance())
            .map_or(f64::INFINITY, |perf| perf.now());
        let due = !p.playing || now - r.0 >= PLAYING_REFRESH_MS;
        // Going back (a seek while playing) or toggling every hop is never held back.
        if due || newest_now < r.1 || *all != r.2 {
            *r = (now, newest_now, *all);
        }
        r.1
    };
    let rows = use_memo(
        (p.session.clone(), newest, *all, p.on_seek.clone()),
        move |(session, newest, all, on_seek)| -> Html {
            let tl = session.timeline();
            let Some(newest) = *newest else {
                return Html::default();
            };
            tl.trace[..=newest]
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, e)| shown(e, *all))
                .take(LINES)
                .map(|(i, e)| {
                    let (cb, at) = (on_seek.clone(), e.at);
                    let major = salience(e) == Salience::Major;
                    html! {
                        <li key={i} data-index={i.to_string()} class={classes!("ls-log-row", format!("ls-k-{}", e.kind.kind_name()), (!major).then_some("ls-minor"))}>
                            <button type="button" class="ls-log-time" onclick={Callback::from(move |_: MouseEvent| cb.emit(at))} title="Go to this moment">{format_clock(e.at)}</button>
                            <span class="ls-log-text">{sentence(&tl.topology, &tl.trace, i)}</span>
                        </li>
                    }
                })
                .collect()
        },
    );
    let toggle = {
        let all = all.clone();
        Callback::from(move |_: Event| all.set(!*all))
    };
    html! {
        <section class="ls-log" aria-label="Event log">
            <div class="ls-log-head">
                <h3>{"What happened"}</h3>
                <label class="ls-check"><input type="checkbox" checked={*all} onchange={toggle} />{" every hop"}</label>
            </div>
            if seen == 0 {
                <p class="ls-hint">{"Nothing yet: press play or step forward."}</p>
            }
            <ol class="ls-log-list" reversed=true>{(*rows).clone()}</ol>
        </section>
    }
}
