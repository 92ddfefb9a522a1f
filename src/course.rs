//! The course: the lessons of `content/lessons/*.toml`, embedded at compile time, and everything
//! about following one that is not drawing (pure; tested natively).
//!
//! * [`Tour`] is the lesson player's reducer: which beat, which phase (asked, ready, playing,
//!   done), the cursor over the beat's run, and the learner's answers. A beat plays its run from
//!   [`PlannedBeat::starts`] to [`PlannedBeat::reached`] and stops there exactly.
//! * Answer keys are the plan's ([`PlannedBeat::answer`], computed by the simulation); nothing
//!   here knows an answer.
//! * [`Progress`] is what local storage keeps (plain `key=value&...` text, validated on read:
//!   storage is as untrusted as a URL).
//! * [`transcript`] is the text equivalent of what the learner has seen so far: each beat's
//!   narration, its question and answers, and the core's sentence for every major event.

use std::rc::Rc;

use lambdascope_sim::lesson::{Beat, Lesson, LessonPlan, PlannedBeat, Question, QuestionKind};
use lambdascope_sim::narrate::{salience, sentence, Salience};
use lambdascope_sim::{Scenario, SimTime};
use yew::Reducible;

use crate::playback::{format_clock, speed_step, Action, Playback, Session, MAX_SPEED};

macro_rules! lessons {
    ($($name:literal),* $(,)?) => {
        /// (file name, TOML text) of every bundled lesson.
        pub const FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../content/lessons/", $name)))),*
        ];
        /// (lesson id, number of beats) of every bundled lesson, read from the files at compile
        /// time: the explore page checks stored progress against it without parsing a lesson
        /// (the player-only bundle has no lesson parser). The id is sliced from the file
        /// *name*: a slice of the file's text kept the whole text in the player bundle (a
        /// constant `&str` keeps the allocation it points into: 25 KB of lessons, issue 16), so
        /// the build checks instead that each file's `id` is its name without the chapter
        /// number. A test checks the outline against the parsed lessons.
        pub const OUTLINE: &[(&str, usize)] = &[
            $((outline::stem($name),
               outline::beats(include_str!(concat!("../content/lessons/", $name))))),*
        ];
        const _: () = {
            $(assert!(
                outline::same(outline::stem($name), outline::id(include_str!(concat!("../content/lessons/", $name)))),
                concat!("content/lessons/", $name, ": its `id` must be its file name without the chapter number and `.toml`")
            );)*
        };
    };
}

/// Just enough of a lesson file, read at compile time, for [`OUTLINE`].
mod outline {
    const fn at(b: &[u8], i: usize, pat: &[u8]) -> bool {
        if i + pat.len() > b.len() {
            return false;
        }
        let mut k = 0;
        while k < pat.len() {
            if b[i + k] != pat[k] {
                return false;
            }
            k += 1;
        }
        true
    }

    const fn next_line(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
        i + 1
    }

    /// The value of the top-level `id = "…"` line (before the first table). A file written
    /// another way stops the build here, rather than leave the lesson out of the outline.
    pub const fn id(text: &str) -> &str {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() && b[i] != b'[' {
            if at(b, i, b"id = \"") {
                let start = i + 6;
                let mut end = start;
                while end < b.len() && b[end] != b'"' {
                    end += 1;
                }
                let (head, _) = b.split_at(end);
                let (_, id) = head.split_at(start);
                match core::str::from_utf8(id) {
                    Ok(id) => return id,
                    Err(_) => panic!("a lesson id is not UTF-8"),
                }
            }
            i = next_line(b, i);
        }
        panic!("a lesson file has no top-level `id = \"…\"` line before its first table")
    }

    /// A lesson file's name without its chapter number and extension: `01-three-ways.toml` →
    /// `three-ways`.
    pub const fn stem(name: &str) -> &str {
        let b = name.as_bytes();
        let mut start = 0;
        while start < b.len() && b[start] != b'-' {
            start += 1;
        }
        let (head, _) = b.split_at(b.len() - ".toml".len());
        let (_, stem) = head.split_at(start + 1);
        match core::str::from_utf8(stem) {
            Ok(s) => s,
            Err(_) => panic!("a lesson file name is not UTF-8"),
        }
    }

    /// `a == b`, at compile time.
    pub const fn same(a: &str, b: &str) -> bool {
        a.len() == b.len() && at(a.as_bytes(), 0, b.as_bytes())
    }

    /// How many `[[beats]]` tables the file has.
    pub const fn beats(text: &str) -> usize {
        let b = text.as_bytes();
        let (mut i, mut n) = (0, 0);
        while i < b.len() {
            if at(b, i, b"[[beats]]") {
                n += 1;
            }
            i = next_line(b, i);
        }
        n
    }
}

lessons![
    "01-three-ways.toml",
    "02-api-gateway.toml",
    "03-your-code.toml",
    "04-cloudfront.toml",
    "05-async-retries.toml",
    "06-s3-duplicates.toml",
    "07-sns-eventbridge.toml",
    "08-polling.toml",
    "09-sqs.toml",
    "10-streams.toml",
    "11-step-functions.toml",
    "12-concurrency.toml",
];

/// Every bundled lesson that parses, in chapter order. (A file that does not parse is a content
/// bug the content test catches; the app leaves it out rather than fail.)
pub fn chapters() -> Vec<Lesson> {
    let mut v: Vec<Lesson> = FILES
        .iter()
        .filter_map(|(file, text)| Lesson::parse(file, text).ok())
        .collect();
    lambdascope_sim::order::sort_by_u64_key(&mut v, |l| u64::from(l.chapter));
    v
}

/// The bundled scenario a lesson plays.
pub fn scenario_for(lesson: &Lesson) -> Result<Scenario, String> {
    let (file, text) = crate::scenarios::FILES
        .iter()
        .find(|(f, _)| f.strip_suffix(".toml") == Some(lesson.scenario.as_str()))
        .ok_or_else(|| {
            format!(
                "lesson {} needs scenario `{}`, which is not bundled",
                lesson.id, lesson.scenario
            )
        })?;
    Scenario::parse(file, text).map_err(|e| e.to_string())
}

/// Whether `given` is the right answer to `q`, whose computed key is `key`. Numbers compare as
/// numbers (" 3 " and "3.0" are 3); choices by their value.
pub fn is_right(q: &Question, given: &str, key: &str) -> bool {
    match q.kind {
        QuestionKind::Number => match (
            lambdascope_sim::parse_f64(given.trim()),
            lambdascope_sim::parse_f64(key.trim()),
        ) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        QuestionKind::Choice => given == key,
    }
}

/// How an answer reads: a choice's label, or the number itself.
pub fn answer_label(q: &Question, value: &str) -> String {
    q.choices
        .iter()
        .find(|c| c.value == value)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| value.trim().to_string())
}

/// The URL fragment of a lesson at a beat (`beat` counts from 0; the link from 1, like the CLI).
pub fn link(lesson: &str, beat: usize) -> String {
    format!("#lesson={lesson}&beat={}", beat + 1)
}

/// The beat (from 0) a link's `beat` asks of `lesson`, and, when it is past the lesson's end, the
/// last beat instead with the notice that says so (naming the parameter, as every link problem).
pub fn check_beat(lesson: &Lesson, beat: Option<usize>) -> (usize, Option<String>) {
    let n = lesson.beats.len();
    match beat {
        Some(b) if b >= n => (
            n.saturating_sub(1),
            Some(format!(
                "URL parameter `beat`: {} is past the end of lesson `{}` (it has {n} beat{}: allowed 1–{n}); here is beat {n}.",
                b + 1,
                lesson.id,
                if n == 1 { "" } else { "s" }
            )),
        ),
        b => (b.unwrap_or(0), None),
    }
}

/// The notice for a link's `lesson` that names no bundled lesson (its id is well-formed: the link
/// parser refused anything else).
pub fn no_such_lesson(lessons: &[Lesson], id: &str) -> String {
    let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    format!(
        "URL parameter `lesson`: there is no lesson `{id}` (allowed: {}); here is chapter 1.",
        ids.join(", ")
    )
}

/// Where a beat is in its cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The beat's question is shown; nothing plays until it is answered (or skipped).
    Ask,
    /// Paused at the beat's start (after Back, a deep link, or resuming).
    Ready,
    /// The beat's run is playing (or paused by the learner) toward `reached`.
    Playing,
    /// Stopped at `reached`: the feedback is shown; Continue goes on.
    Done,
}

impl Phase {
    /// Its name in the page (`data-ls-phase`).
    pub fn word(self) -> &'static str {
        match self {
            Phase::Ask => "ask",
            Phase::Ready => "ready",
            Phase::Playing => "playing",
            Phase::Done => "done",
        }
    }
}

/// One answer the learner gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    pub value: String,
    pub right: bool,
}

/// A lesson being followed.
#[derive(Clone, Debug)]
pub struct Tour {
    pub lesson: Rc<Lesson>,
    pub plan: Rc<LessonPlan>,
    /// One session per planned run (a beat that injects a fault plays on a fork).
    pub sessions: Rc<Vec<Rc<Session>>>,
    pub beat: usize,
    pub phase: Phase,
    pub pb: Playback,
    /// Every answer given, per beat, oldest first.
    pub answers: Vec<Vec<Given>>,
    /// Bumps whenever a beat is entered or replayed (the narration starts over).
    pub visit: u64,
    /// The learner's speed. A beat too long to watch at it plays faster ([`MAX_BEAT_WALL_MS`]);
    /// `pb.cursor.speed` is the speed in use.
    pub speed: f64,
}

/// Longest a beat takes to play (wall ms) before it is fast-forwarded: a Kinesis shard blocked
/// for a day is hours of back-to-back retries with no idle stretch to compress.
pub const MAX_BEAT_WALL_MS: f64 = 25_000.0;

/// Everything the lesson player can be asked to do.
#[derive(Clone, Debug)]
pub enum Step {
    /// An animation frame the lesson renders, at this instant of the frames' play clock (ms,
    /// [`crate::playback::PlayClock`]); paced, it skips some ([`crate::playback::Pacer`]).
    Tick {
        wall_ms: f64,
    },
    /// Answer the beat's question; the beat then plays.
    Answer(String),
    /// Play the beat without answering.
    SkipQuestion,
    /// Ready: play; playing: jump to the beat's end; done: the next beat.
    Continue,
    /// The previous beat, paused at its start.
    Back,
    /// This beat again from its start (the question stays answered).
    Replay,
    /// Ask this beat's question again and play it again.
    Retry,
    /// A beat by number (from 0), paused at its start.
    GoTo(usize),
    /// Pause or resume the beat.
    Toggle,
    SpeedStep(i32),
    SetReducedMotion(bool),
}

impl Tour {
    /// Plans `lesson` on `scenario` and opens it paused at `beat` (clamped).
    pub fn new(
        lesson: Lesson,
        scenario: &Scenario,
        beat: usize,
        reduced_motion: bool,
    ) -> Result<Tour, String> {
        let plan = lesson.plan(scenario)?;
        let sessions: Vec<Rc<Session>> = plan
            .runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                Rc::new(Session::from_run(
                    i as u64 + 1,
                    None,
                    scenario.clone(),
                    lesson.seed,
                    run.clone(),
                ))
            })
            .collect();
        let mut pb = Playback::of_session(sessions[0].clone(), reduced_motion);
        pb.apply(Action::Pause);
        let answers = vec![Vec::new(); lesson.beats.len()];
        let mut tour = Tour {
            lesson: Rc::new(lesson),
            plan: Rc::new(plan),
            sessions: Rc::new(sessions),
            beat: 0,
            phase: Phase::Ready,
            pb,
            answers,
            visit: 0,
            speed: crate::playback::DEFAULT_SPEED,
        };
        tour.enter(beat, false);
        Ok(tour)
    }

    pub fn beats(&self) -> usize {
        self.lesson.beats.len()
    }
    pub fn def(&self) -> &Beat {
        &self.lesson.beats[self.beat]
    }
    pub fn planned(&self) -> &PlannedBeat {
        &self.plan.beats[self.beat]
    }
    pub fn question(&self) -> Option<&Question> {
        self.def().question.as_ref()
    }
    pub fn is_last(&self) -> bool {
        self.beat + 1 == self.beats()
    }
    /// The last beat has played to its end.
    pub fn finished(&self) -> bool {
        self.is_last() && self.phase == Phase::Done
    }
    /// The latest answer to this beat's question.
    pub fn given(&self) -> Option<&Given> {
        self.answers[self.beat].last()
    }
    /// The beat's animation is moving (not paused, not waiting).
    pub fn moving(&self) -> bool {
        self.phase == Phase::Playing && self.pb.cursor.playing
    }

    fn enter(&mut self, beat: usize, play: bool) {
        self.beat = beat.min(self.beats() - 1);
        self.visit += 1;
        let run = self.planned().run;
        if !Rc::ptr_eq(&self.pb.session, &self.sessions[run]) {
            self.pb.session = self.sessions[run].clone();
        }
        self.pb.apply(Action::Seek(self.planned().starts));
        if self.question().is_some() {
            self.phase = Phase::Ask;
        } else if play {
            self.play();
        } else {
            self.phase = Phase::Ready;
        }
    }

    /// The speed this beat needs to play within [`MAX_BEAT_WALL_MS`] (at most [`MAX_SPEED`]).
    pub fn needed_speed(&self) -> f64 {
        let map = &self.pb.session.map;
        let span = map.to_screen(self.planned().reached) - map.to_screen(self.planned().starts);
        (span / MAX_BEAT_WALL_MS).min(MAX_SPEED)
    }

    /// The beat plays faster than the learner's speed because it is long.
    pub fn fast_forward(&self) -> bool {
        self.pb.cursor.speed > self.speed * 1.000_001
    }

    /// Plays the beat from its start.
    fn play(&mut self) {
        let (starts, reached) = (self.planned().starts, self.planned().reached);
        self.pb.apply(Action::Seek(starts));
        self.pb
            .apply(Action::SetSpeed(self.speed.max(self.needed_speed())));
        if reached <= starts {
            self.phase = Phase::Done;
        } else {
            self.phase = Phase::Playing;
            self.pb.apply(Action::Play);
        }
    }

    fn finish(&mut self) {
        self.pb.apply(Action::Seek(self.planned().reached));
        self.phase = Phase::Done;
    }

    /// The reducer as a plain function, for native tests.
    pub fn apply(&mut self, step: Step) {
        match step {
            Step::Tick { wall_ms } => {
                if self.phase == Phase::Playing {
                    self.pb.apply(Action::Tick { wall_ms });
                    // Stop exactly where the beat's condition is met, even if the frame overshot.
                    if self.pb.cursor.at >= self.planned().reached {
                        self.finish();
                    }
                }
            }
            Step::Answer(value) => {
                if self.phase == Phase::Ask {
                    if let (Some(q), Some(key)) =
                        (self.question(), self.planned().answer.as_deref())
                    {
                        let right = is_right(q, &value, key);
                        self.answers[self.beat].push(Given { value, right });
                        self.visit += 1;
                        self.play();
                    }
                }
            }
            Step::SkipQuestion => {
                if self.phase == Phase::Ask {
                    self.visit += 1;
                    self.play();
                }
            }
            Step::Continue => match self.phase {
                Phase::Ask => {}
                Phase::Ready => self.play(),
                Phase::Playing => self.finish(),
                Phase::Done if self.is_last() => {}
                Phase::Done => self.enter(self.beat + 1, true),
            },
            Step::Back => {
                if self.beat > 0 {
                    self.enter(self.beat - 1, false);
                }
            }
            Step::Replay => {
                if self.phase != Phase::Ask {
                    self.visit += 1;
                    self.play();
                }
            }
            Step::Retry => {
                if self.question().is_some() {
                    self.enter(self.beat, false);
                }
            }
            Step::GoTo(beat) => self.enter(beat, false),
            Step::Toggle => match self.phase {
                Phase::Playing => self.pb.apply(Action::Toggle),
                Phase::Ready => self.play(),
                Phase::Ask | Phase::Done => {}
            },
            Step::SpeedStep(dir) => {
                // While a long beat is fast-forwarded the keys adjust that beat only; otherwise
                // they set the learner's speed.
                if self.phase == Phase::Playing && self.fast_forward() {
                    self.pb.apply(Action::SpeedStep(dir));
                } else {
                    self.speed = speed_step(self.speed, dir);
                    self.pb.apply(Action::SetSpeed(self.speed));
                }
            }
            Step::SetReducedMotion(on) => {
                let was = self.pb.cursor.playing;
                self.pb.apply(Action::SetReducedMotion(on));
                // Switching reduced motion on pauses the player; a lesson keeps going, by steps.
                if was && self.phase == Phase::Playing && !self.pb.cursor.playing {
                    self.pb.apply(Action::Play);
                }
            }
        }
    }
}

impl Reducible for Tour {
    type Action = Step;
    fn reduce(self: Rc<Self>, action: Step) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// One beat of the transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Beat number from 1.
    pub number: usize,
    pub narration: String,
    pub question: Option<String>,
    /// "You answered … (right)" lines, oldest first.
    pub answers: Vec<String>,
    /// The simulation's answer and why, once the beat has played.
    pub reveal: Option<String>,
    /// (when, the core's sentence) for every major event of the beat shown so far.
    pub rows: Vec<(SimTime, String)>,
}

/// What the learner has seen so far, beat by beat: up to the cursor in the current beat.
pub fn transcript(t: &Tour) -> Vec<Section> {
    (0..=t.beat)
        .map(|i| {
            let beat = &t.lesson.beats[i];
            let planned = &t.plan.beats[i];
            let upto = if i < t.beat {
                planned.reached
            } else {
                t.pb.cursor.at.min(planned.reached)
            };
            let played = i < t.beat || t.phase == Phase::Done;
            let run = &t.plan.runs[planned.run];
            let topo = &run.timeline().topology;
            let trace = run.trace();
            let rows = trace
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    (e.at > planned.starts || (i == 0 && e.at == planned.starts)) && e.at <= upto
                })
                .filter(|(_, e)| salience(e) == Salience::Major)
                .map(|(k, e)| (e.at, sentence(topo, trace, k)))
                .collect();
            let q = beat.question.as_ref();
            let answers = q
                .map(|q| {
                    t.answers[i]
                        .iter()
                        .map(|g| {
                            format!(
                                "You answered {}: {}.",
                                answer_label(q, &g.value),
                                if g.right { "right" } else { "not right" }
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let reveal = match (q, &planned.answer) {
                (Some(q), Some(key)) if played => Some(format!(
                    "The simulation: {}. {} (Sources: {}.)",
                    answer_label(q, key),
                    q.explain,
                    q.source
                )),
                _ => None,
            };
            Section {
                number: i + 1,
                // The plan's text: placeholders filled from the run (`Lesson::plan`).
                narration: planned.narration.clone(),
                question: q.map(|q| q.prompt.clone()),
                answers,
                reveal,
                rows,
            }
        })
        .collect()
}

/// The transcript as Markdown, for download. Every text (the lesson's, the learner's answers, the
/// core's sentences) goes through the core's `markdown_text`, the same escaping as the player's
/// transcript: a lesson is bundled, but its sentences quote its scenario's names, and the file
/// reads the same either way.
pub fn transcript_markdown(t: &Tour) -> String {
    use lambdascope_sim::narrate::markdown_text as text;
    let l = &t.lesson;
    let mut out = format!(
        "# Chapter {}: {}\n\n{}\n\nScenario `{}`, seed {}. Times are simulated AWS time.\n",
        l.chapter,
        text(&l.title),
        text(&l.summary),
        // A bundled scenario's id (`[a-z0-9-]`, or the lesson would not have planned).
        l.scenario,
        l.seed
    );
    for s in transcript(t) {
        out.push_str(&format!(
            "\n## Beat {} of {}\n\n{}\n",
            s.number,
            t.beats(),
            text(&s.narration)
        ));
        if let Some(q) = &s.question {
            out.push_str(&format!("\n**Question:** {}\n", text(q)));
            for a in &s.answers {
                out.push_str(&format!("\n- {}", text(a)));
            }
            if !s.answers.is_empty() {
                out.push('\n');
            }
            if let Some(r) = &s.reveal {
                out.push_str(&format!("\n{}\n", text(r)));
            }
        }
        if !s.rows.is_empty() {
            out.push_str("\n| time | what happens |\n|---:|---|\n");
            for (at, row) in &s.rows {
                out.push_str(&format!("| {} | {} |\n", format_clock(*at), text(row)));
            }
        }
    }
    out
}

/// What local storage keeps: the lesson last open, the beat reached in each, and the lessons
/// finished. Text of the form `v=1&current=ID&label=TEXT&at.ID=N&done=ID,ID` (beats from 0;
/// the label percent-encoded).
///
/// Sorted `Vec`s rather than a `BTreeMap` and a `BTreeSet`: there are a dozen lessons, and each
/// B-tree type costs the download its own copy of the tree code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub current: Option<String>,
    /// How the explore page names the current lesson ("chapter 1, Three ways to invoke a
    /// function"), stored so that page need not parse any lesson (the player-only bundle has no
    /// lesson parser).
    pub current_label: Option<String>,
    /// Beat reached per lesson id, sorted by id, one entry per id.
    pub at: Vec<(String, usize)>,
    /// Lessons finished, sorted, each once.
    pub done: Vec<String>,
}

/// The local-storage key.
pub const PROGRESS_KEY: &str = "lambdascope.progress";

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Progress {
    /// Reads stored text; anything malformed is dropped (a broken entry never blocks a lesson).
    pub fn decode(text: &str) -> Progress {
        let mut p = Progress::default();
        if !text.starts_with("v=1") {
            return p;
        }
        for pair in text.split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "current" if is_id(v) => p.current = Some(v.to_string()),
                "label" => {
                    p.current_label = lambdascope_sim::share::percent_decode(v)
                        .filter(|l| l.len() <= 200 && !l.chars().any(char::is_control))
                }
                "done" => {
                    for id in v.split(',').filter(|x| is_id(x)) {
                        p.mark_done(id);
                    }
                }
                _ => {
                    if let (Some(id), Ok(n)) = (k.strip_prefix("at."), v.parse::<usize>()) {
                        if is_id(id) && n < 1000 {
                            p.set_beat(id, n);
                        }
                    }
                }
            }
        }
        p
    }

    pub fn encode(&self) -> String {
        let mut parts = vec!["v=1".to_string()];
        if let Some(c) = &self.current {
            parts.push(format!("current={c}"));
        }
        if let Some(l) = &self.current_label {
            parts.push(format!(
                "label={}",
                lambdascope_sim::share::percent_encode(l)
            ));
        }
        parts.extend(self.at.iter().map(|(id, n)| format!("at.{id}={n}")));
        if !self.done.is_empty() {
            parts.push(format!("done={}", self.done.join(",")));
        }
        parts.join("&")
    }

    /// The learner is at `beat` of lesson `id` (and finished it, with `finished`).
    pub fn visit(&mut self, id: &str, beat: usize, finished: bool) {
        if !is_id(id) {
            return;
        }
        if self.current.as_deref() != Some(id) {
            self.current_label = None;
        }
        self.current = Some(id.to_string());
        self.set_beat(id, beat);
        if finished {
            self.mark_done(id);
        }
    }

    /// The beat reached in lesson `id`, if it was ever opened.
    pub fn beat(&self, id: &str) -> Option<usize> {
        let i = self.at_index(id).ok()?;
        Some(self.at[i].1)
    }

    pub fn is_done(&self, id: &str) -> bool {
        self.done_index(id).is_ok()
    }

    /// Where `id` is (or would go) in the sorted `at` list.
    fn at_index(&self, id: &str) -> Result<usize, usize> {
        self.at.binary_search_by(|(k, _)| k.as_str().cmp(id))
    }

    /// Where `id` is (or would go) in the sorted `done` list.
    fn done_index(&self, id: &str) -> Result<usize, usize> {
        self.done.binary_search_by(|k| k.as_str().cmp(id))
    }

    fn set_beat(&mut self, id: &str, beat: usize) {
        match self.at_index(id) {
            Ok(i) => self.at[i].1 = beat,
            Err(i) => self.at.insert(i, (id.to_string(), beat)),
        }
    }

    fn mark_done(&mut self, id: &str) {
        if let Err(i) = self.done_index(id) {
            self.done.insert(i, id.to_string());
        }
    }

    /// Drops what does not fit the bundled lessons (`outline`: id and number of beats, as
    /// [`OUTLINE`]): lessons that do not exist (and the label of such a current one), and beats
    /// past a lesson's end, which become its last beat. Storage is as untrusted as a link, and a
    /// lesson may have lost beats since the learner was there.
    pub fn sanitize(&mut self, outline: &[(&str, usize)]) {
        let beats = |id: &str| {
            outline
                .iter()
                .find(|(l, _)| *l == id)
                .map(|(_, n)| *n)
                .filter(|n| *n > 0)
        };
        if self.current.as_deref().and_then(beats).is_none() {
            self.current = None;
            self.current_label = None;
        }
        self.at.retain_mut(|(id, b)| match beats(id) {
            Some(n) => {
                *b = (*b).min(n - 1);
                true
            }
            None => false,
        });
        self.done.retain(|id| beats(id).is_some());
    }

    /// Reads what storage holds, sanitised against `outline`; with the clean text to store back
    /// when it differs, so junk does not stay in storage (and is not written back by the next save
    /// of a version that reads it differently).
    pub fn from_storage(text: &str, outline: &[(&str, usize)]) -> (Progress, Option<String>) {
        let mut p = Progress::decode(text);
        p.sanitize(outline);
        let clean = p.encode();
        let rewrite = (clean != text).then_some(clean);
        (p, rewrite)
    }

    /// Where to resume: the lesson last open and its beat, if it is still bundled.
    pub fn resume(&self, lessons: &[Lesson]) -> Option<(usize, usize)> {
        let id = self.current.as_deref()?;
        let i = lessons.iter().position(|l| l.id == id)?;
        let beat = self
            .beat(id)
            .unwrap_or(0)
            .min(lessons[i].beats.len().saturating_sub(1));
        Some((i, beat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str) -> (Lesson, Scenario) {
        let l = chapters().into_iter().find(|l| l.id == id).unwrap();
        let s = scenario_for(&l).unwrap();
        (l, s)
    }

    /// Plays the current beat frame by frame (60 fps); returns the frames it took.
    fn play_out(t: &mut Tour, wall: &mut f64) -> usize {
        let mut frames = 0;
        while t.phase == Phase::Playing && frames < 200_000 {
            *wall += 16.7;
            t.apply(Step::Tick { wall_ms: *wall });
            assert!(
                t.pb.cursor.at <= t.planned().reached,
                "never past the beat's end"
            );
            frames += 1;
        }
        frames
    }

    #[test]
    fn every_lesson_file_is_bundled_parses_and_has_its_scenario() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/content/lessons");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            listed, on_disk,
            "src/course.rs FILES must list every content/lessons/*.toml"
        );
        let all = chapters();
        assert_eq!(all.len(), FILES.len(), "every lesson parses");
        assert!(
            all.windows(2).all(|w| w[0].chapter < w[1].chapter),
            "chapters in order, none twice"
        );
        assert_eq!(
            all[0].id, "three-ways",
            "the course starts with the three methods"
        );
        for l in &all {
            let s = scenario_for(l).unwrap();
            Tour::new(l.clone(), &s, 0, false).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn a_question_is_asked_before_its_beat_plays_and_can_be_answered_wrong_then_right() {
        let (l, s) = lesson("async-retries");
        // Chapter 5 asks after two failed attempts how many runs there will be in all; the beat
        // that answers it plays the two-minute wait and attempt 3.
        let mut t = Tour::new(l, &s, 3, false).unwrap();
        assert_eq!(t.phase, Phase::Ask);
        assert!(!t.pb.cursor.playing);
        let starts = t.plan.beats[3].starts;
        assert!(starts > SimTime(60_000), "after the first retry wait");
        assert_eq!(t.pb.cursor.at, starts);
        // Continue and Replay do nothing until the question is answered.
        t.apply(Step::Continue);
        t.apply(Step::Replay);
        assert_eq!(t.phase, Phase::Ask);
        let key = t.planned().answer.clone().unwrap();
        assert_eq!(key, "3", "the simulation says the handler runs three times");
        t.apply(Step::Answer("4".into()));
        assert_eq!(t.phase, Phase::Playing);
        let mut wall = 0.0;
        assert!(
            play_out(&mut t, &mut wall) > 10,
            "the beat is animated, not jumped"
        );
        assert_eq!(t.phase, Phase::Done);
        assert_eq!(
            t.pb.cursor.at,
            t.planned().reached,
            "it stops exactly where the beat is reached"
        );
        // The answer is revealed when what it asks about has been shown: attempt 3 has failed.
        let shown = &t.pb.session.timeline().trace;
        let third_failed = shown.iter().any(|e| {
            e.at <= t.pb.cursor.at
                && matches!(
                    &e.kind,
                    lambdascope_sim::Trace::AttemptFinished { attempt: 3, .. }
                )
        });
        assert!(third_failed, "attempt 3 has finished by the reveal");
        assert!(!t.pb.cursor.playing);
        assert_eq!(
            t.given(),
            Some(&Given {
                value: "4".into(),
                right: false
            })
        );
        // Try again: asked again at the beat's start; a right answer this time.
        t.apply(Step::Retry);
        assert_eq!((t.phase, t.pb.cursor.at), (Phase::Ask, t.planned().starts));
        t.apply(Step::Answer(" 3 ".into()));
        play_out(&mut t, &mut wall);
        assert!(t.given().unwrap().right);
        assert_eq!(t.answers[3].len(), 2, "both answers are kept");
        // Back: the previous beat, which has no question, paused at its start.
        t.apply(Step::Back);
        assert_eq!(
            (t.beat, t.phase, t.pb.cursor.at),
            (2, Phase::Ready, t.plan.beats[2].starts)
        );
        // Continue plays it; Continue while playing jumps to the beat's end.
        t.apply(Step::Continue);
        assert_eq!(t.phase, Phase::Playing);
        t.apply(Step::Continue);
        assert_eq!(
            (t.phase, t.pb.cursor.at),
            (Phase::Done, t.plan.beats[2].reached)
        );
        // Replay starts it over.
        t.apply(Step::Replay);
        assert_eq!(
            (t.phase, t.pb.cursor.at),
            (Phase::Playing, t.plan.beats[2].starts)
        );
        t.apply(Step::Continue);
        // Continue from its end: the next beat asks its question again before playing.
        t.apply(Step::Continue);
        assert_eq!((t.beat, t.phase, t.pb.cursor.at), (3, Phase::Ask, starts));
        t.apply(Step::SkipQuestion);
        assert_eq!(t.phase, Phase::Playing);
    }

    /// What the learner reads is the plan's filled narration, not the file's placeholders:
    /// chapter 9's receive counts are the run's.
    #[test]
    fn beats_show_the_narration_filled_from_the_run() {
        let (l, s) = lesson("sqs");
        assert!(l.beats[2].narration.contains("{receive_count}"));
        let t = Tour::new(l, &s, 2, false).unwrap();
        assert!(
            t.planned().narration.starts_with("Receive 2 fails too."),
            "{}",
            t.planned().narration
        );
        let section = transcript(&t).pop().unwrap();
        assert_eq!(section.narration, t.planned().narration);
    }

    #[test]
    fn a_whole_lesson_plays_to_the_end_and_each_beat_stops_at_its_condition() {
        let (l, s) = lesson("three-ways");
        let mut t = Tour::new(l, &s, 0, false).unwrap();
        let mut wall = 0.0;
        t.apply(Step::SpeedStep(1));
        t.apply(Step::SpeedStep(1));
        let mut seen = Vec::new();
        loop {
            if t.phase == Phase::Ask {
                let key = t.planned().answer.clone().unwrap();
                t.apply(Step::Answer(key));
            }
            play_out(&mut t, &mut wall);
            assert_eq!(t.phase, Phase::Done);
            assert_eq!(t.pb.cursor.at, t.planned().reached);
            // The scene at the beat's end has seen the event that reached it.
            let scene = t.pb.session.timeline().scene_at(t.pb.cursor.at);
            assert!(scene.events_seen > 0);
            seen.push(t.beat);
            if t.finished() {
                break;
            }
            t.apply(Step::Continue);
        }
        assert_eq!(seen, (0..t.beats()).collect::<Vec<_>>());
        assert!(t.answers.iter().flatten().all(|g| g.right));
        // Continue at the very end does nothing.
        t.apply(Step::Continue);
        assert!(t.finished());
    }

    #[test]
    fn a_beat_too_long_to_watch_is_fast_forwarded_and_the_others_play_at_the_learners_speed() {
        let (l, s) = lesson("streams");
        let mut t = Tour::new(l, &s, 0, false).unwrap();
        let mut wall = 0.0;
        for b in 0..t.beats() {
            t.apply(Step::GoTo(b));
            if t.phase == Phase::Ask {
                t.apply(Step::SkipQuestion);
            } else {
                t.apply(Step::Continue);
            }
            let start = wall;
            play_out(&mut t, &mut wall);
            assert_eq!(t.pb.cursor.at, t.planned().reached);
            let took = wall - start;
            if t.fast_forward() {
                assert!(t.needed_speed() > t.speed);
                // Within the cap, unless even the fastest speed cannot make it.
                assert!(
                    took <= MAX_BEAT_WALL_MS * 1.05 || t.pb.cursor.speed == MAX_SPEED,
                    "beat {b}: {took} ms at {}",
                    t.pb.cursor.speed
                );
            } else {
                assert_eq!(t.pb.cursor.speed, t.speed);
            }
        }
        assert!(
            wall < 120_000.0,
            "the whole chapter plays in minutes, not hours: {wall} ms"
        );
        // The keys set the learner's speed outside a fast-forwarded beat.
        t.apply(Step::GoTo(0));
        t.apply(Step::SpeedStep(1));
        let up = crate::playback::speed_step(crate::playback::DEFAULT_SPEED, 1);
        assert_eq!((t.speed, t.pb.cursor.speed), (up, up));
    }

    /// Issue 11: hops are slowed so a person can follow them, and the default speed is chosen so
    /// that chapter 1 still plays in about a minute (every beat played through, questions
    /// answered, at the opening speed).
    #[test]
    fn chapter_one_plays_in_about_a_minute_at_the_default_speed() {
        let (l, s) = lesson("three-ways");
        let mut t = Tour::new(l, &s, 0, false).unwrap();
        assert_eq!(t.speed, crate::playback::DEFAULT_SPEED);
        let mut wall = 0.0;
        loop {
            if t.phase == Phase::Ask {
                t.apply(Step::SkipQuestion);
            } else {
                t.apply(Step::Continue);
            }
            play_out(&mut t, &mut wall);
            if t.finished() {
                break;
            }
        }
        assert!(
            (40_000.0..=90_000.0).contains(&wall),
            "chapter 1 plays in {:.1} s",
            wall / 1000.0
        );
    }

    #[test]
    fn with_reduced_motion_a_beat_still_plays_to_its_end_but_only_shows_event_instants() {
        let (l, s) = lesson("async-retries");
        let mut t = Tour::new(l, &s, 1, true).unwrap();
        assert_eq!(t.phase, Phase::Ready);
        let instants: Vec<SimTime> = t.pb.session.timeline().trace.iter().map(|e| e.at).collect();
        t.apply(Step::Continue);
        assert!(t.moving(), "asked to play, it plays, by steps");
        let mut wall = 0.0;
        let mut shown = Vec::new();
        while t.phase == Phase::Playing && wall < 600_000.0 {
            wall += 16.7;
            t.apply(Step::Tick { wall_ms: wall });
            shown.push(t.pb.cursor.at);
        }
        assert_eq!(t.pb.cursor.at, t.planned().reached);
        assert!(shown.len() > 3);
        assert!(
            shown.iter().all(|at| instants.contains(at)),
            "no tweening: {shown:?}"
        );
    }

    #[test]
    fn deep_links_and_resume_land_paused_at_the_beat() {
        let (l, s) = lesson("async-retries");
        let t = Tour::new(l.clone(), &s, 2, false).unwrap();
        assert_eq!((t.beat, t.phase), (2, Phase::Ready));
        assert_eq!(t.pb.cursor.at, t.plan.beats[2].starts);
        assert!(
            t.pb.cursor.at > SimTime(2_000),
            "beat 3 starts after attempt 1 has failed"
        );
        // A beat with a question lands on its question.
        let asked = Tour::new(l.clone(), &s, 3, false).unwrap();
        assert_eq!((asked.beat, asked.phase), (3, Phase::Ask));
        assert_eq!(asked.pb.cursor.at, asked.plan.beats[3].starts);
        assert!(!t.pb.cursor.playing);
        // Out of range is clamped to the last beat.
        let last = Tour::new(l, &s, 99, false).unwrap();
        assert_eq!(last.beat, last.beats() - 1);
        assert_eq!(link("async-retries", 3), "#lesson=async-retries&beat=4");
    }

    #[test]
    fn a_beat_that_injects_a_fault_plays_on_the_forked_run() {
        let text = r#"
format_version = 1
id = "forked"
title = "A fault mid-lesson"
chapter = 99
scenario = "apigw-happy-path"

[[beats]]
narration = "The first request."
until = { event = "disposed", invocation = 0 }

[[beats]]
narration = "Now the next run throws."
inject = { input = "fail_next_attempt" }
until = { event = "disposed" }

[beats.question]
prompt = "What does the next client see?"
kind = "choice"
choices = [{ value = "200", label = "200" }, { value = "502", label = "502" }]
measure = { measure = "first_status", of = { event = "disposed", status = 502 } }
explain = "A function error reaches the client as 502."
source = "L-APIGW-ERR"
"#;
        let l = Lesson::parse("forked.toml", text).unwrap();
        let s = scenario_for(&l).unwrap();
        let mut t = Tour::new(l, &s, 0, false).unwrap();
        assert_eq!(t.sessions.len(), 2);
        assert!(t.pb.session.inputs().is_empty());
        t.apply(Step::Continue);
        t.apply(Step::Continue);
        t.apply(Step::Continue);
        assert_eq!((t.beat, t.phase), (1, Phase::Ask));
        assert_eq!(t.pb.session.inputs().len(), 1, "beat 2 plays on the fork");
        assert_eq!(t.pb.session.inputs()[0].at, t.planned().starts);
        assert_eq!(t.planned().answer.as_deref(), Some("502"));
        t.apply(Step::Answer("200".into()));
        t.apply(Step::Continue);
        assert!(!t.given().unwrap().right);
        let md = transcript_markdown(&t);
        assert!(md.contains("You answered 200: not right."), "{md}");
        assert!(md.contains("The simulation: 502."), "{md}");
        t.apply(Step::Back);
        assert!(t.pb.session.inputs().is_empty(), "back on the original run");
    }

    #[test]
    fn the_transcript_holds_what_was_seen_and_nothing_after_the_cursor() {
        let (l, s) = lesson("async-retries");
        let mut t = Tour::new(l, &s, 0, false).unwrap();
        t.apply(Step::Continue); // beat 1 plays
        t.apply(Step::Continue); // to its end
        t.apply(Step::Continue); // beat 2 plays
        t.apply(Step::Continue); // to its end: attempt 1 failed, a retry is scheduled
        let md = transcript_markdown(&t);
        assert!(md.starts_with("# Chapter 5: Asynchronous"), "{md}");
        assert!(
            md.contains("## Beat 1 of 5")
                && md.contains("## Beat 2 of 5")
                && !md.contains("## Beat 3"),
            "{md}"
        );
        assert!(
            md.contains("The function cannot parse this invoice."),
            "{md}"
        );
        assert!(md.contains("Attempt 1 of invocation 0 fails"), "{md}");
        assert!(
            md.contains("| 0:02.380 | Lambda will retry invocation 0 in "),
            "{md}"
        );
        assert!(
            !md.contains("Attempt 2 of invocation 0"),
            "nothing after the cursor: {md}"
        );
        // Each event appears once, in the beat it happened in.
        assert_eq!(md.matches("Attempt 1 of invocation 0 fails").count(), 1);
        // Mid-beat: only the events up to the cursor.
        let mut mid = t.clone();
        mid.apply(Step::Replay);
        let mut wall = 0.0;
        // 1 s of wall time at 0.25×: past attempt 1's start (1.180 s), before its failure (2.380 s).
        for _ in 0..60 {
            wall += 16.7;
            mid.apply(Step::Tick { wall_ms: wall });
        }
        assert_eq!(mid.phase, Phase::Playing);
        let sections = transcript(&mid);
        assert!(!sections[1].rows.is_empty(), "{:?}", sections[1]);
        assert!(sections[1]
            .rows
            .iter()
            .all(|(at, _)| *at <= mid.pb.cursor.at));
        assert!(sections[1].rows.len() < transcript(&t)[1].rows.len());
        // On to beat 4: its question and the answer given are in the transcript.
        t.apply(Step::Continue); // beat 3 plays
        t.apply(Step::Continue); // to its end
        t.apply(Step::Continue); // beat 4 asks
        assert_eq!(t.phase, Phase::Ask);
        t.apply(Step::Answer("3".into()));
        t.apply(Step::Continue); // to its end
        let md = transcript_markdown(&t);
        assert!(
            md.contains("**Question:** The handler has failed twice."),
            "{md}"
        );
        assert!(md.contains("You answered 3: right."), "{md}");
    }

    #[test]
    fn numbers_compare_as_numbers_and_choices_by_value() {
        let (l, _) = lesson("async-retries");
        let number = l.beats[3].question.clone().unwrap();
        assert!(is_right(&number, "3", "3") && is_right(&number, " 3.0 ", "3"));
        assert!(
            !is_right(&number, "three", "3")
                && !is_right(&number, "", "3")
                && !is_right(&number, "4", "3")
        );
        let choice = l.beats[4].question.clone().unwrap();
        assert!(is_right(
            &choice,
            "sqs:parse-invoice-dlq",
            "sqs:parse-invoice-dlq"
        ));
        assert!(!is_right(&choice, "discarded", "sqs:parse-invoice-dlq"));
        assert_eq!(
            answer_label(&choice, "discarded"),
            "Nowhere: it was dropped"
        );
    }

    #[test]
    fn progress_round_trips_and_survives_garbage() {
        let mut p = Progress::default();
        p.visit("three-ways", 6, true);
        p.visit("async-retries", 2, false);
        let text = p.encode();
        assert_eq!(
            text,
            "v=1&current=async-retries&at.async-retries=2&at.three-ways=6&done=three-ways"
        );
        assert_eq!(Progress::decode(&text), p);
        // The explore page's label for the current lesson: percent-encoded, read back equal,
        // dropped when another lesson becomes current; a hostile one is refused.
        p.current_label = Some("chapter 2, Asynchronous: retries & a DLQ".into());
        let text = p.encode();
        assert!(
            text.contains("&label=chapter%202,%20Asynchronous"),
            "{text}"
        );
        assert_eq!(Progress::decode(&text), p);
        let mut other = p.clone();
        other.visit("three-ways", 1, true);
        assert_eq!(other.current_label, None);
        assert_eq!(
            Progress::decode("v=1&current=a&label=%0Aevil").current_label,
            None
        );
        p.current_label = None;
        let lessons = chapters();
        let (i, beat) = p.resume(&lessons).unwrap();
        assert_eq!((lessons[i].id.as_str(), beat), ("async-retries", 2));
        // Hostile or stale storage: ignored, never a panic.
        let junk =
            Progress::decode("v=1&current=<script>&at.x=99999&at.three-ways=nope&done=a,<b>,&&=");
        assert_eq!(junk.current, None);
        assert!(junk.at.is_empty());
        assert_eq!(junk.done.iter().collect::<Vec<_>>(), vec!["a"]);
        assert_eq!(Progress::decode("garbage"), Progress::default());
        // A beat past the end of a (since shortened) lesson resumes at its last beat.
        let mut far = Progress::default();
        far.visit("async-retries", 40, false);
        assert_eq!(far.resume(&lessons).map(|(_, b)| b), Some(4));
        far.visit("no-such-lesson", 1, false);
        assert_eq!(far.resume(&lessons), None);
    }

    #[test]
    fn a_beat_past_the_end_or_an_unknown_lesson_is_named() {
        let (l, _) = lesson("sqs");
        let n = l.beats.len();
        assert_eq!(check_beat(&l, None), (0, None));
        assert_eq!(check_beat(&l, Some(n - 1)), (n - 1, None));
        let (b, notice) = check_beat(&l, Some(998));
        assert_eq!(b, n - 1);
        assert_eq!(
            notice.unwrap(),
            format!("URL parameter `beat`: 999 is past the end of lesson `sqs` (it has {n} beats: allowed 1–{n}); here is beat {n}.")
        );
        let notice = no_such_lesson(&chapters(), "no-such-lesson");
        assert!(
            notice.starts_with("URL parameter `lesson`: there is no lesson `no-such-lesson` (allowed: three-ways, api-gateway,"),
            "{notice}"
        );
    }

    #[test]
    fn the_outline_is_the_bundled_lessons() {
        let lessons: Vec<Lesson> = FILES
            .iter()
            .map(|(f, t)| Lesson::parse(f, t).unwrap())
            .collect();
        let parsed: Vec<(&str, usize)> = lessons
            .iter()
            .map(|l| (l.id.as_str(), l.beats.len()))
            .collect();
        assert_eq!(OUTLINE, parsed.as_slice());
        assert!(OUTLINE.iter().all(|(_, n)| *n > 0));
    }

    /// Issue 12: storage is read like a link and written back clean.
    #[test]
    fn stored_progress_is_sanitised_on_read_and_written_back_clean() {
        let outline = [("three-ways", 7), ("sqs", 4)];
        let stored = "v=1&current=sqs&label=chapter%209,%20SQS&at.sqs=999&at.three-ways=2\
                      &at.gone=3&evil=%3Cscript%3E&at.three-ways=x&done=gone,three-ways,<b>";
        let (p, rewrite) = Progress::from_storage(stored, &outline);
        assert_eq!(p.current.as_deref(), Some("sqs"));
        assert_eq!(p.current_label.as_deref(), Some("chapter 9, SQS"));
        // The beat is clamped to the lesson's last (the explore page offers beat 4, not 1000).
        assert_eq!(p.beat("sqs"), Some(3));
        assert_eq!(p.beat("three-ways"), Some(2));
        assert_eq!(
            p.beat("gone"),
            None,
            "a lesson that is not bundled is dropped"
        );
        assert_eq!(p.done, vec!["three-ways".to_string()]);
        let clean = rewrite.expect("junk is written back clean");
        assert_eq!(
            clean,
            "v=1&current=sqs&label=chapter%209,%20SQS&at.sqs=3&at.three-ways=2&done=three-ways"
        );
        // Clean text reads back the same and is left alone.
        assert_eq!(Progress::from_storage(&clean, &outline), (p, None));
        // An unknown current lesson takes its label with it.
        let (p, rewrite) = Progress::from_storage(
            "v=1&current=gone&label=chapter%201,%20x&at.gone=1",
            &outline,
        );
        assert_eq!(p, Progress::default());
        assert_eq!(rewrite.as_deref(), Some("v=1"));
        // The real outline: a beat far past the end of chapter 1 becomes its last.
        let (p, _) = Progress::from_storage("v=1&current=three-ways&at.three-ways=999", OUTLINE);
        let last = OUTLINE
            .iter()
            .find(|(id, _)| *id == "three-ways")
            .unwrap()
            .1
            - 1;
        assert_eq!(p.beat("three-ways"), Some(last));
    }
}
