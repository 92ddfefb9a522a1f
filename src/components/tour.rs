//! One lesson being followed: the beat's narration over the live diagram, predict-then-reveal,
//! Continue / Back / Replay, the transcript, and "explore freely from here". Keys act only while
//! the lesson has focus (the handler is on its own element).

use lambdascope_sim::share::{ScenarioRef, ShareState};
use yew::prelude::*;

use super::narrator::Narrator;
use super::paced::{use_paced, Preview};
use super::question::{verdict, Ask, Feedback};
use super::stage::Stage;
use super::transcript::Transcript;
use super::Shared;
use crate::course::{self, Phase, Step, Tour};
use crate::hooks::use_media_query;
use crate::playback::{format_clock, format_speed};

#[derive(Properties, PartialEq)]
pub struct TourProps {
    /// The planned lesson, at the beat it opens on.
    pub start: Shared<Tour>,
    pub instance: u32,
    /// Where the learner is: (beat, finished). Called whenever it changes.
    pub on_visit: Callback<(usize, bool)>,
    /// "Explore freely from here": the player's state for the same run at the same instant.
    pub on_explore: Callback<ShareState>,
    /// The next chapter (to offer at the end), if any.
    #[prop_or_default]
    pub next: Option<(AttrValue, AttrValue)>,
    pub on_open: Callback<AttrValue>,
    /// The stage's width until it has been measured ([`Stage`]'s `first_width`).
    #[prop_or_default]
    pub first_stage_width: f64,
}

#[function_component(TourView)]
pub fn tour_view(p: &TourProps) -> Html {
    let reduced = use_media_query("(prefers-reduced-motion: reduce)");
    let tour = use_reducer({
        let start = p.start.clone();
        move || {
            let mut t = (*start).clone();
            t.apply(Step::SetReducedMotion(reduced));
            t
        }
    });
    // Paced (issue 16): Yew re-renders the lesson 20 times a second while a beat plays, and its
    // tokens move on every frame between; the frame that reaches the beat's end renders.
    let preview: Preview = {
        let (c, s, until) = (
            tour.pb.cursor.clone(),
            tour.pb.session.clone(),
            tour.planned().reached,
        );
        Box::new(move |pacer, wall| pacer.frame(&c, &s.map, s.timeline(), wall, Some(until)))
    };
    let d = use_paced(
        &tour,
        tour.moving(),
        |wall_ms| Step::Tick { wall_ms },
        preview,
    );
    {
        let d = d.clone();
        use_effect_with(reduced, move |r| d.dispatch(Step::SetReducedMotion(*r)));
    }
    let transcript = use_state(|| false);
    let root = use_node_ref();
    let continue_ref = use_node_ref();
    {
        let cb = p.on_visit.clone();
        use_effect_with((tour.beat, tour.finished()), move |(b, f)| {
            cb.emit((*b, *f))
        });
    }
    {
        // A control that disappears (the question's button after answering) takes the focus with
        // it; give it to Continue so the keyboard keeps working in the lesson.
        let cont = continue_ref.clone();
        use_effect_with((tour.phase, tour.beat, tour.visit), move |_| {
            let doc = crate::hooks::window().and_then(|w| w.document());
            let lost = doc
                .as_ref()
                .and_then(|d| d.active_element())
                .is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body"));
            if lost {
                if let Some(b) = cont.cast::<web_sys::HtmlElement>() {
                    let opts = web_sys::FocusOptions::new();
                    opts.set_prevent_scroll(true);
                    let _ = b.focus_with_options(&opts);
                }
            }
        });
    }
    // While a beat plays, the diagram it talks about is on screen: on a phone the buttons sit
    // under the diagram, and on a short window the diagram under the words, so scroll just
    // enough to bring the whole stage into view ("nearest"; nothing moves if it already is).
    let stage_ref = use_node_ref();
    {
        let stage = stage_ref.clone();
        let playing = tour.phase == Phase::Playing;
        use_effect_with((playing, tour.beat, tour.visit), move |(playing, _, _)| {
            if *playing {
                bring_into_view(&stage);
            }
        });
    }
    let send = |s: Step| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(s.clone()))
    };
    let on_key = {
        let (d, transcript) = (d.clone(), transcript.clone());
        Callback::from(move |e: KeyboardEvent| {
            use crate::keymap::{claim, read, Key};
            let Some(key) = read(&e) else { return };
            let step = match key {
                Key::Forward => Step::Continue,
                Key::Back => Step::Back,
                Key::Replay => Step::Replay,
                Key::PlayPause => Step::Toggle,
                Key::Faster => Step::SpeedStep(1),
                Key::Slower => Step::SpeedStep(-1),
                Key::Transcript => {
                    claim(&e);
                    transcript.set(!*transcript);
                    return;
                }
                Key::Escape => {
                    transcript.set(false);
                    return;
                }
                Key::Start | Key::End | Key::Help => return,
            };
            claim(&e);
            d.dispatch(step);
        })
    };

    let t = &*tour;
    let l = &t.lesson;
    let n = t.beats();
    let session = Shared(t.pb.session.clone());
    let scene_seen = t.pb.session.timeline().index_at(t.pb.cursor.at);
    let intro = format!("Beat {} of {n}. {}", t.beat + 1, t.planned().narration);
    let key = t.planned().answer.clone().unwrap_or_default();
    let lines: Vec<String> = match (t.phase, t.question()) {
        (Phase::Ask, Some(q)) => {
            let choices: Vec<&str> = q.choices.iter().map(|c| c.label.as_str()).collect();
            let options = if choices.is_empty() {
                "Type a number.".to_string()
            } else {
                format!("Choices: {}.", choices.join("; "))
            };
            vec![intro, format!("Question: {} {options}", q.prompt)]
        }
        (Phase::Playing, Some(_)) => vec!["Watch what happens.".into()],
        (Phase::Done, Some(q)) => vec![format!("{} {}", verdict(q, &key, t.given()), q.explain)],
        (Phase::Done, None) if t.is_last() => {
            vec![format!("End of the lesson: chapter {} is done.", l.chapter)]
        }
        (Phase::Done, None) => vec![format!(
            "End of beat {}. Continue when you are ready.",
            t.beat + 1
        )],
        _ => vec![intro],
    };

    let (cont_label, cont_off) = match t.phase {
        Phase::Ask => ("Answer first", true),
        Phase::Ready => ("Play this beat", false),
        Phase::Playing => ("Skip to the end of the beat", false),
        Phase::Done if t.is_last() => ("Lesson complete", true),
        Phase::Done => ("Continue", false),
    };
    let dots = (0..n).map(|i| {
        let current = i == t.beat;
        html! {
            <li><button type="button" class={classes!("ls-dot", current.then_some("ls-on"), (i < t.beat).then_some("ls-past"))}
                aria-current={current.then_some("step")} aria-label={format!("Beat {}", i + 1)}
                onclick={send(Step::GoTo(i))}>{i + 1}</button></li>
        }
    });
    let explore = {
        let (cb, pb, seed, scenario, live) = (
            p.on_explore.clone(),
            t.pb.clone(),
            l.seed,
            l.scenario.clone(),
            d.live.clone(),
        );
        let (lesson, beat) = (l.id.clone(), t.beat as u32 + 1);
        Callback::from(move |_: MouseEvent| {
            // The instant on screen: a frame painted since the last render is ahead of it.
            let at = live.borrow().on_screen().map_or(pb.cursor.at, |(at, _)| at);
            cb.emit(ShareState {
                scenario: Some(ScenarioRef::Bundled(scenario.clone())),
                seed: Some(seed),
                inputs: pb.session.inputs().to_vec(),
                t: Some(at),
                lesson: Some(lesson.clone()),
                beat: Some(beat),
                speed: Some(pb.cursor.speed),
                filter: None,
            })
        })
    };
    let toggle_tx = {
        let transcript = transcript.clone();
        Callback::from(move |_: MouseEvent| transcript.set(!*transcript))
    };
    // The transcript changes only when an event is passed, an answer given or a beat entered,
    // not every frame (a day of retries is thousands of lines).
    let answers: usize = t.answers.iter().map(Vec::len).sum();
    let sections = use_memo(
        (*transcript, t.visit, t.beat, t.phase, scene_seen, answers),
        {
            let t = t.clone();
            move |(open, ..)| {
                if *open {
                    course::transcript(&t)
                } else {
                    Vec::new()
                }
            }
        },
    );
    let markdown = {
        let t = t.clone();
        Callback::from(move |_: ()| course::transcript_markdown(&t))
    };
    let pause_label = if t.moving() { "Pause" } else { "Resume" };
    let finished = t.finished().then(|| match &p.next {
        Some((id, title)) => {
            let (cb, id) = (p.on_open.clone(), id.clone());
            html! { <p class="ls-done">{format!("You finished chapter {}. ", l.chapter)}
                <button type="button" class="ls-btn ls-primary" onclick={Callback::from(move |_: MouseEvent| cb.emit(id.clone()))}>{format!("Next: {title} →")}</button></p> }
        }
        None => html! { <p class="ls-done">{"You finished the last chapter. Try the comparison, or explore freely."}</p> },
    });
    html! {
        <div class={classes!("ls-player", "ls-lesson", reduced.then_some("ls-reduced"))} ref={root} tabindex="0" onkeydown={on_key}
             aria-label={format!("Lesson, chapter {}: {}. Keys: → continue, ← back, R replay, Space pause, T transcript.", l.chapter, l.title)}
             data-ls-phase={t.phase.word()} data-ls-beat={(t.beat + 1).to_string()} data-ls-playing={t.moving().to_string()}>
            <header class="ls-lesson-head">
                <p class="ls-kicker">{format!("Chapter {}", l.chapter)}</p>
                <h2>{l.title.clone()}</h2>
                <p class="ls-beatcount" data-ls="beatcount">{format!("Beat {} of {n}", t.beat + 1)}</p>
                <ol class="ls-dots" aria-label="Beats">{ for dots }</ol>
            </header>
            <div class="ls-lesson-grid">
                <div class="ls-lesson-text">
                    <p class="ls-narration" data-ls="narration">{t.planned().narration.clone()}</p>
                    if let (Phase::Ask, Some(q)) = (t.phase, t.question()) {
                        <Ask question={q.clone()} beat={t.beat + 1} instance={p.instance}
                            on_answer={{ let d = d.clone(); Callback::from(move |v: String| d.dispatch(Step::Answer(v))) }}
                            on_skip={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Step::SkipQuestion)) }} />
                    }
                    if let (Phase::Playing, Some(q), Some(g)) = (t.phase, t.question(), t.given()) {
                        <p class="ls-prediction">{format!("Your prediction: {}. Watch what happens.", course::answer_label(q, &g.value))}</p>
                    }
                    if t.phase == Phase::Ready {
                        <p class="ls-hint">{"Paused at the start of this beat: Continue (→) plays it."}</p>
                    }
                    if let (Phase::Done, Some(q)) = (t.phase, t.question()) {
                        <Feedback question={q.clone()} key_value={key.clone()} given={t.given().cloned()}
                            on_retry={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Step::Retry)) }} />
                    }
                    {finished}
                    <div class="ls-lesson-nav" role="toolbar" aria-label="Lesson">
                        <button type="button" class="ls-btn" onclick={send(Step::Back)} aria-disabled={(t.beat == 0).to_string()} data-ls="back"
                            title="Back a beat (←)">{"← Back"}</button>
                        <button type="button" class="ls-btn" onclick={send(Step::Replay)} aria-disabled={(t.phase == Phase::Ask).to_string()} data-ls="replay"
                            title="Replay this beat (R)">{"↺ Replay this beat"}</button>
                        <button type="button" class="ls-btn" onclick={send(Step::Toggle)} aria-disabled={(t.phase != Phase::Playing).to_string()} data-ls="pause"
                            title="Pause or resume (Space)">{pause_label}</button>
                        <button type="button" class="ls-btn ls-primary" ref={continue_ref} onclick={send(Step::Continue)} aria-disabled={cont_off.to_string()}
                            data-ls="continue" title="Continue (→)">{cont_label}{if cont_off { "" } else { " →" }}</button>
                    </div>
                    <div class="ls-lesson-tools">
                        <output class="ls-clock" aria-label="Simulated AWS time">{format_clock(t.pb.cursor.at)}</output>
                        <span class="ls-speed-steps" role="group" aria-label="Speed">
                            <button type="button" class="ls-btn" onclick={send(Step::SpeedStep(-1))} aria-label="Slower" title="Slower (−)">{"−"}</button>
                            <b class="ls-speed-val">{format_speed(t.pb.cursor.speed)}</b>
                            <button type="button" class="ls-btn" onclick={send(Step::SpeedStep(1))} aria-label="Faster" title="Faster (+)">{"+"}</button>
                        </span>
                        if t.fast_forward() {
                            <span class="ls-ff ls-hint">{format!("fast-forward: this beat spans {} of AWS time",
                                lambdascope_sim::time::format_duration_ms(t.planned().reached.since(t.planned().starts)))}</span>
                        }
                        <button type="button" class="ls-btn" onclick={toggle_tx} aria-expanded={(*transcript).to_string()} data-ls="transcript-toggle"
                            title="Transcript (T)">{if *transcript { "Hide the transcript" } else { "Transcript" }}</button>
                        <button type="button" class="ls-btn" onclick={explore} data-ls="explore"
                            title="Open this run at this moment in the full player">{"Explore freely from here"}</button>
                    </div>
                </div>
                <div class="ls-lesson-stage" ref={stage_ref}>
                    <Stage session={session.clone()} at={t.pb.cursor.at} at_ms={t.pb.cursor.exact_ms(&t.pb.session.map)} instance={p.instance} first_width={p.first_stage_width} live={d.live.clone()} />
                </div>
            </div>
            if *transcript {
                <Transcript sections={Shared(sections.clone())} markdown={markdown}
                    file_name={AttrValue::from(format!("lambdascope-{}.md", l.id))}
                    on_close={{ let tx = transcript.clone(); Callback::from(move |_| tx.set(false)) }} />
            }
            <p class="ls-keys ls-hint">{"Keys while the lesson has focus: → continue · ← back · R replay · Space pause · + − speed · T transcript"}</p>
            <Narrator visit={t.visit} lines={lines} session={session} seen={scene_seen} />
        </div>
    }
}

/// Scrolls the window by the least amount that shows all of `node` (its top, if it is taller than
/// the window); does nothing when it is already in view.
fn bring_into_view(node: &NodeRef) {
    let (Some(el), Some(w)) = (node.cast::<web_sys::Element>(), crate::hooks::window()) else {
        return;
    };
    let r = el.get_bounding_client_rect();
    let view = w
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if view <= 0.0 {
        return;
    }
    let dy = if r.top() < 0.0 || r.height() > view {
        r.top()
    } else if r.bottom() > view {
        r.bottom() - view
    } else {
        return;
    };
    w.scroll_by_with_x_and_y(0.0, dy);
}
