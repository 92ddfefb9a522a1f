//! The lessons page: the chapter list and the lesson being followed. Progress is kept in local
//! storage (resume where you left off) and the URL fragment follows the learner
//! (`#lesson=ID&beat=N`), so the address bar is always a deep link to this beat.

use std::rc::Rc;

use lambdascope_sim::lesson::Lesson;
use lambdascope_sim::share::ShareState;
use yew::prelude::*;

use super::tour::TourView;
use super::Shared;
use crate::course::{self, Progress, Tour, PROGRESS_KEY};

#[derive(Properties, PartialEq, Clone)]
pub struct LessonsProps {
    /// A deep link: the lesson id and beat (from 0) to open; else resume, else chapter 1.
    #[prop_or_default]
    pub lesson: Option<AttrValue>,
    #[prop_or_default]
    pub beat: Option<usize>,
    /// What was wrong with the link's `lesson` or `beat` (each names its parameter), shown in
    /// the page's notice.
    #[prop_or_default]
    pub problems: Vec<String>,
    pub instance: u32,
    pub on_explore: Callback<ShareState>,
    /// The width of the element the page is drawn in (0: unknown), for the stage's first frame.
    #[prop_or_default]
    pub host_width: f64,
}

/// Around the stage in the lessons page's one-column layout (`lessons.css`, under a 1101 px
/// viewport): the course's padding and the lesson's and the stage's borders and padding (42 px
/// under 481 px, where the stage is narrow either way). From 1101 px the stage is beside the
/// chapter list and at least 700 px wide.
const COURSE_CHROME_PX: f64 = 50.0;

/// The stage's width before it has been measured, from the page element's (0 when unknown, or
/// in the two-column layout: the wide layout either way). Without it a phone drew the first two
/// frames wide and then narrow (a layout shift of 0.085 at 412 px).
fn first_stage_width(host_width: f64, two_columns: bool) -> f64 {
    if host_width <= 0.0 || two_columns {
        0.0
    } else {
        (host_width - COURSE_CHROME_PX).max(1.0)
    }
}

fn storage() -> Option<web_sys::Storage> {
    crate::hooks::window().and_then(|w| w.local_storage().ok().flatten())
}

/// What local storage says (nothing, if storage is unavailable or holds something else),
/// sanitised against the bundled lessons; what was dropped or clamped is written back clean.
pub fn load_progress() -> Progress {
    let Some(s) = storage() else {
        return Progress::default();
    };
    let Some(text) = s.get_item(PROGRESS_KEY).ok().flatten() else {
        return Progress::default();
    };
    let (progress, clean) = Progress::from_storage(&text, course::OUTLINE);
    if let Some(clean) = clean {
        let _ = s.set_item(PROGRESS_KEY, &clean);
    }
    progress
}

fn save_progress(p: &Progress) {
    if let Some(s) = storage() {
        let _ = s.set_item(PROGRESS_KEY, &p.encode());
    }
}

/// Puts `fragment` in the address bar without a navigation (no `hashchange`, no history entry).
fn show_in_url(fragment: &str) {
    if let Some(h) = crate::hooks::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(fragment));
    }
}

/// Which lesson and beat to open, and why not the one asked for (if so).
fn opening(
    chapters: &[Lesson],
    p: &LessonsProps,
    progress: &Progress,
) -> (usize, usize, Option<String>) {
    let (i, beat, mut problems) = (0, 0, p.problems.clone());
    let (i, beat) = match &p.lesson {
        Some(id) => match chapters.iter().position(|l| l.id == id.as_str()) {
            Some(i) => {
                let (beat, problem) = crate::course::check_beat(&chapters[i], p.beat);
                problems.extend(problem);
                (i, beat)
            }
            None => {
                problems.push(crate::course::no_such_lesson(chapters, id));
                (i, beat)
            }
        },
        None => progress.resume(chapters).unwrap_or((i, beat)),
    };
    let notice = (!problems.is_empty()).then(|| problems.join(" "));
    (i, beat, notice)
}

#[function_component(Lessons)]
pub fn lessons(p: &LessonsProps) -> Html {
    let chapters = use_memo((), |_| course::chapters());
    let wide = crate::hooks::use_media_query("(min-width: 1101px)");
    let progress = use_state(load_progress);
    // (chapter index, beat, opened how many times: a reopened chapter starts afresh).
    let open = use_state({
        let (c, p, pr) = (chapters.clone(), p.clone(), (*progress).clone());
        move || {
            let (i, beat, notice) = opening(&c, &p, &pr);
            (i, beat, 0u32, notice)
        }
    });
    let (index, beat, opened, notice) = (*open).clone();
    let planned = use_memo((index, opened), {
        let chapters = chapters.clone();
        move |(i, _)| {
            let l = chapters.get(*i).cloned().ok_or("no lessons are bundled")?;
            let s = course::scenario_for(&l)?;
            // The tour view applies the learner's reduced-motion preference when it mounts.
            Tour::new(l, &s, beat, false).map(Rc::new)
        }
    });
    let lesson = chapters.get(index);
    let on_visit = {
        let (progress, id, label) = (
            progress.clone(),
            lesson.map(|l| l.id.clone()).unwrap_or_default(),
            lesson.map(|l| format!("chapter {}, {}", l.chapter, l.title)),
        );
        Callback::from(move |(b, finished): (usize, bool)| {
            let mut next = (*progress).clone();
            next.visit(&id, b, finished || next.is_done(&id));
            next.current_label = label.clone();
            save_progress(&next);
            show_in_url(&course::link(&id, b));
            progress.set(next);
        })
    };
    let open_id = {
        let (open, chapters, progress) = (open.clone(), chapters.clone(), progress.clone());
        Callback::from(move |id: AttrValue| {
            if let Some(i) = chapters.iter().position(|l| l.id == id.as_str()) {
                let id = &chapters[i].id;
                // A finished chapter starts over; an unfinished one resumes at its beat.
                let beat = if progress.is_done(id) {
                    0
                } else {
                    progress.beat(id).unwrap_or(0)
                };
                open.set((i, beat, open.2 + 1, None));
            }
        })
    };
    let list = chapters.iter().enumerate().map(|(i, l)| {
        let (cb, id) = (open_id.clone(), AttrValue::from(l.id.clone()));
        let done = progress.is_done(&l.id);
        let here = i == index;
        html! {
            <li class={classes!(here.then_some("ls-on"), done.then_some("ls-done-ch"))}>
                <button type="button" class="ls-chapter" aria-current={here.then_some("page")} data-lesson={l.id.clone()}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(id.clone()))}>
                    <span class="ls-ch-n">{l.chapter}</span>
                    <span class="ls-ch-title">{l.title.clone()}</span>
                    if done { <span class="ls-ch-done" aria-label="finished">{"✓"}</span> }
                </button>
            </li>
        }
    });
    let next = chapters.get(index + 1).map(|l| {
        (
            AttrValue::from(l.id.clone()),
            AttrValue::from(l.title.clone()),
        )
    });
    let body = match (&*planned, lesson) {
        (Ok(tour), Some(l)) => html! {
            <TourView key={format!("{}-{opened}", l.id)} start={Shared(tour.clone())} instance={p.instance}
                on_visit={on_visit} on_explore={p.on_explore.clone()} next={next} on_open={open_id.clone()}
                first_stage_width={first_stage_width(p.host_width, wide)} />
        },
        (Err(e), _) => {
            html! { <p class="ls-notice" role="alert">{format!("This lesson cannot be played: {e}")}</p> }
        }
        (Ok(_), None) => html! {},
    };
    html! {
        <div class="ls-course">
            <nav class="ls-chapters" aria-label="Chapters">
                // Folded on narrow screens, so the lesson comes first.
                <details open={wide}>
                    <summary><h2>{"Lessons"}</h2><span class="ls-hint">{format!(" chapter {} of {}", lesson.map_or(0, |l| l.chapter), chapters.len())}</span></summary>
                    <p class="ls-hint">{"Start at chapter 1 if Lambda is new to you. Each beat plays a few seconds of the simulation; where there is a question, predict first, then watch."}</p>
                    <ol>{ for list }</ol>
                </details>
            </nav>
            <div class="ls-course-main">
                if let Some(n) = notice { <p class="ls-notice" role="alert">{n}</p> }
                {body}
            </div>
        </div>
    }
}
