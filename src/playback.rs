//! Playback: a cursor over a finished run, and how wall-clock time maps onto simulated time.
//!
//! The core computes the whole run up front ([`Run::new`]); playing it is only moving a cursor.
//! Two clocks meet here:
//!
//! * **simulated time** ([`SimTime`], integer ms of AWS time): what the clock readout shows and
//!   what [`lambdascope_sim::Timeline::scene_at`] is asked for;
//! * **screen time** (`f64` ms on the timeline): simulated time with every idle stretch longer than
//!   [`GAP_MIN_MS`] squeezed to [`GAP_SHOWN_MS`], and every stretch where a message travels
//!   slowed so its hop lasts [`HOP_SCREEN_MS`] ([`TimeMap`]). Playback advances screen time at
//!   `speed` × wall time, so a one-minute retry wait passes in two seconds of screen time with a
//!   "+58 s" marker, and a 40 ms hop is on screen long enough to follow, while the clock keeps
//!   showing real AWS time.
//!
//! The cursor's simulated instant is authoritative: seeking or stepping to an instant shows
//! exactly that instant's scene, and the same pixel on the scrubber always maps to the same instant.
//! Nothing here knows AWS behaviour; [`Playback`] only holds the cursor, speed and the current run.

use std::rc::Rc;

use lambdascope_sim::scene::Marker;
use lambdascope_sim::{Input, Run, Scenario, SimTime, TimedInput, Timeline, Trace};
use yew::Reducible;

/// Idle stretches at least this long are compressed on screen.
pub const GAP_MIN_MS: u64 = 3_000;
/// ... to this much screen time.
pub const GAP_SHOWN_MS: u64 = 2_000;
/// A frame longer than this (a background tab, a debugger pause) does not jump the cursor: the
/// [`PlayClock`] counts it as this long.
pub const MAX_FRAME_MS: f64 = 100.0;
/// Speeds the +/− keys step through (the slider is continuous on the same log scale).
pub const SPEED_STEPS: [f64; 13] = [
    0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
];
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 100.0;
/// Opening speed (screen ms per wall ms). With [`QUIET_RATE`], a cold start's 300 ms of Init
/// takes 0.3 s and an 800 ms handler run 0.8 s; messages' hops are slowed ([`HOP_WALL_MS`]).
pub const DEFAULT_SPEED: f64 = 0.5;
/// The least wall time a message takes to travel its edge at the opening speed (issue 11: at
/// 0.25× and 1:1 a 40 ms hop was on screen for 160 ms, too brief to follow; about half a second
/// is what the eye needs to see where a moving thing came from and goes to).
pub const HOP_WALL_MS: f64 = 800.0;
/// [`HOP_WALL_MS`] on the screen axis.
pub const HOP_SCREEN_MS: f64 = HOP_WALL_MS * DEFAULT_SPEED;
/// Screen ms per simulated ms where nothing travels (short stretches: longer ones are squeezed
/// idle gaps). Twice as fast as 1:1: with 700 ms hops and quiet time at 1:1, the overview showed
/// a moving message in 72 % of the moments sampled (issue 11 asks for 80 %); at 0.5 with 800 ms
/// hops, 84 %, while an 800 ms handler run still takes 0.8 s at the opening speed and chapter 1
/// plays in 64 s.
pub const QUIET_RATE: f64 = 0.5;
/// With reduced motion, one event per this many wall ms at 1× (scaled by speed).
pub const REDUCED_MOTION_STEP_MS: f64 = 150.0;

/// The injected faults that still apply to `scenario`, and the notice for those that do not: only
/// a `Publish` can stop applying (the edit removed its source), so only those are named.
fn keep_inputs(inputs: &[TimedInput], scenario: &Scenario) -> (Vec<TimedInput>, Option<String>) {
    let mut kept = Vec::new();
    let (mut sources, mut dropped): (Vec<&str>, Vec<String>) = (Vec::new(), Vec::new());
    for i in inputs {
        match &i.input {
            Input::Publish { source }
                if !scenario.file.sources.iter().any(|s| s.id() == source) =>
            {
                // Each source once, in the order of its first fault (no sort: each sort
                // instantiation costs ~3 KB of wasm, ARCHITECTURE.md).
                if !sources.contains(&source.as_str()) {
                    sources.push(source);
                }
                dropped.push(format!(
                    "publish one event on `{source}` at {}",
                    format_clock(i.at)
                ));
            }
            _ => kept.push(i.clone()),
        }
    }
    let notice = (!dropped.is_empty()).then(|| {
        format!(
            "The edit removed source{} {}, so {} injected fault{} could not be kept: {}.",
            if sources.len() == 1 { "" } else { "s" },
            sources
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            dropped.len(),
            if dropped.len() == 1 { "" } else { "s" },
            dropped.join(", ")
        )
    });
    (kept, notice)
}

/// One compressed idle stretch, for the "+58 s" marker.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub from: SimTime,
    pub to: SimTime,
    /// Where the stretch starts on the screen axis.
    pub screen_at: f64,
    /// Simulated time the screen leaves out.
    pub skipped_ms: u64,
    /// Screen time it is shown in: [`GAP_SHOWN_MS`], less for a stretch that repeats the one
    /// before it ([`repeat_shown_ms`]).
    pub shown_ms: f64,
}

/// Screen time of the `n`-th (1-based) idle stretch in a row of stretches of about the same
/// length: [`GAP_SHOWN_MS`] over `n`. A pattern that repeats — SNS retrying a delivery every 20 s
/// for 23 days (SNS-RETRY), a message coming back after each visibility timeout — is shown in
/// full the first time and ever faster after, so 100,000 repeats take about 24 s of screen time
/// (2 s × the harmonic number), not 55 hours; the clock keeps AWS time throughout.
pub fn repeat_shown_ms(n: u32) -> f64 {
    GAP_SHOWN_MS as f64 / n.max(1) as f64
}

/// Whether two idle stretches are "about the same length" (within 10 %, so jitter still counts
/// as a repeat).
fn similar(a_ms: u64, b_ms: u64) -> bool {
    a_ms.abs_diff(b_ms) * 10 <= a_ms.max(b_ms)
}

/// A stretch of simulated time on the screen axis.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Piece {
    /// An idle stretch, squeezed to [`GAP_SHOWN_MS`].
    Gap,
    /// Messages travelling: screen ms per simulated ms (above the quiet rate).
    Slow(f64),
}

/// Where messages travel, as disjoint `(from, to, rate)` stretches of simulated ms sorted by
/// time: `rate` is the screen ms per simulated ms the shortest hop over that stretch needs to
/// last [`HOP_SCREEN_MS`]. Adjacent stretches at the same rate are merged, so a busy run gives a
/// few long stretches, not one per message.
fn slow_stretches(hops: &[(SimTime, SimTime)], quiet: f64, end_ms: u64) -> Vec<(u64, u64, f64)> {
    // Rates in thousandths, so the active set is a multiset of integers. Hops come in a handful
    // of lengths, so it is a short Vec (rate, count) rather than a B-tree (each B-tree type
    // costs ~5 KB of wasm, see ARCHITECTURE.md).
    let mut edges: Vec<(u64, i8, u64)> = Vec::new();
    for &(a, b) in hops {
        let (a, b) = (a.as_ms(), b.as_ms().min(end_ms));
        if b <= a {
            continue;
        }
        let rate_milli = (HOP_SCREEN_MS * 1000.0 / (b - a) as f64).ceil() as u64;
        // A hop long enough at the quiet rate needs no slowing.
        if rate_milli as f64 > quiet * 1000.0 {
            edges.push((a, 1, rate_milli));
            edges.push((b, -1, rate_milli));
        }
    }
    lambdascope_sim::order::sort_by_u64_key(&mut edges, |e| e.0);
    let mut active: Vec<(u64, u32)> = Vec::new();
    let mut out: Vec<(u64, u64, f64)> = Vec::new();
    let mut prev = 0u64;
    let mut i = 0;
    while i < edges.len() {
        let t = edges[i].0;
        if let Some(rate) = active.iter().map(|a| a.0).max() {
            if t > prev {
                let rate = rate as f64 / 1000.0;
                match out.last_mut() {
                    Some(last) if last.1 == prev && last.2 == rate => last.1 = t,
                    _ => out.push((prev, t, rate)),
                }
            }
        }
        while i < edges.len() && edges[i].0 == t {
            let (_, dir, rate) = edges[i];
            match active.iter().position(|a| a.0 == rate) {
                Some(k) if dir > 0 => active[k].1 += 1,
                None if dir > 0 => active.push((rate, 1)),
                Some(k) => {
                    active[k].1 -= 1;
                    if active[k].1 == 0 {
                        active.swap_remove(k);
                    }
                }
                None => {}
            }
            i += 1;
        }
        prev = t;
    }
    out
}

/// Where every message travels in a run: `(sent, arrives)` of each `Sent`.
pub fn hops_of(tl: &Timeline) -> Vec<(SimTime, SimTime)> {
    tl.trace
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::Sent { arrives, .. } => Some((e.at, *arrives)),
            _ => None,
        })
        .collect()
}

/// Piecewise-linear, strictly increasing map between simulated time and screen time.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMap {
    /// (simulated ms, screen ms) knots, both strictly increasing; starts at (0, 0).
    knots: Vec<(u64, f64)>,
    pub gaps: Vec<Gap>,
}

impl TimeMap {
    /// `gaps` are idle stretches, sorted and disjoint, ending at or before `end`.
    pub fn new(gaps: &[(SimTime, SimTime)], end: SimTime) -> TimeMap {
        TimeMap::build(gaps, &[], 1.0, end)
    }

    /// Like [`TimeMap::new`], and every message's hop (`(sent, arrives)`, any order) is given at
    /// least [`HOP_SCREEN_MS`] of screen time: its stretch of simulated time plays slower, so
    /// the token is on screen for at least [`HOP_WALL_MS`] at the opening speed however short
    /// the scenario's `network.hop_ms` is. Where hops overlap, the slowest rate any of them
    /// needs applies (each still gets its share), and idle stretches are compressed as before
    /// (they never hold a hop: a travelling message makes the time busy,
    /// [`Timeline::idle_gaps`]). Short quiet stretches between hops (an Init, a handler running,
    /// a backoff under [`GAP_MIN_MS`]) play at [`QUIET_RATE`]: the motion is what a person
    /// follows, and the clock and the boxes still show the durations.
    pub fn with_hops(
        gaps: &[(SimTime, SimTime)],
        hops: &[(SimTime, SimTime)],
        end: SimTime,
    ) -> TimeMap {
        let quiet = if hops.is_empty() { 1.0 } else { QUIET_RATE };
        TimeMap::build(gaps, hops, quiet, end)
    }

    /// `quiet`: screen ms per simulated ms where nothing travels and nothing is squeezed.
    fn build(
        gaps: &[(SimTime, SimTime)],
        hops: &[(SimTime, SimTime)],
        quiet: f64,
        end: SimTime,
    ) -> TimeMap {
        let end_ms = end.as_ms();
        let mut pieces: Vec<(u64, u64, Piece)> = slow_stretches(hops, quiet, end_ms)
            .into_iter()
            .map(|(a, b, rate)| (a, b, Piece::Slow(rate)))
            .collect();
        for &(a, b) in gaps {
            let (a, b) = (a.as_ms(), b.as_ms().min(end_ms));
            if b > a && b - a >= GAP_MIN_MS {
                pieces.push((a, b, Piece::Gap));
            }
        }
        // By start (gaps and slow stretches never overlap); the program's one numeric sort.
        lambdascope_sim::order::sort_by_u64_key(&mut pieces, |p| p.0);
        // Each idle stretch's place in its row of similar stretches (1 = not a repeat). What
        // lies between two stretches of one row (the retry's hop, a short quiet moment) is a
        // repeat too and is shown as much faster as the stretch before it ([`repeat_shown_ms`]);
        // what follows the row's last stretch (the DLQ at the end of 23 days) plays in full.
        let mut places: Vec<u32> = Vec::new();
        let mut row = (0u64, 0u32);
        for &(a, b, piece) in &pieces {
            if piece == Piece::Gap {
                row = if similar(row.0, b - a) {
                    (b - a, row.1 + 1)
                } else {
                    (b - a, 1)
                };
                places.push(row.1);
            }
        }
        let mut knots = vec![(0u64, 0.0f64)];
        let mut out: Vec<Gap> = Vec::new();
        let mut last = (0u64, 0.0f64);
        let mut gap_index = 0usize;
        for (a, b, piece) in pieces {
            // Screen ms per simulated ms between the previous stretch and the next: 1/n inside a
            // row, where the next stretch repeats the previous one (the n-th).
            let in_row = match (gap_index.checked_sub(1), places.get(gap_index)) {
                (Some(prev), Some(&next)) if next >= 2 => places[prev] as f64,
                _ => 1.0,
            };
            // Overlapping pieces (never produced by a real run) keep the first one's time.
            let a = a.max(last.0);
            if b <= a {
                if piece == Piece::Gap {
                    gap_index += 1;
                }
                continue;
            }
            let screen_a = last.1 + (a - last.0) as f64 * quiet / in_row;
            if a > last.0 {
                knots.push((a, screen_a));
            }
            let screen_b = match piece {
                Piece::Gap => {
                    let place = places.get(gap_index).copied().unwrap_or(1);
                    gap_index += 1;
                    if b - a < GAP_MIN_MS {
                        // A gap cut short by a slow stretch before it: quiet time.
                        screen_a + (b - a) as f64 * quiet
                    } else {
                        let shown = repeat_shown_ms(place);
                        out.push(Gap {
                            from: SimTime(a),
                            to: SimTime(b),
                            screen_at: screen_a,
                            skipped_ms: ((b - a) as f64 - shown).max(0.0) as u64,
                            shown_ms: shown,
                        });
                        screen_a + shown
                    }
                }
                Piece::Slow(rate) => screen_a + (b - a) as f64 * rate / in_row,
            };
            knots.push((b, screen_b));
            last = (b, screen_b);
        }
        if end_ms > last.0 {
            knots.push((end_ms, last.1 + (end_ms - last.0) as f64 * quiet));
        }
        TimeMap { knots, gaps: out }
    }

    pub fn end_sim(&self) -> SimTime {
        SimTime(self.knots.last().map_or(0, |k| k.0))
    }
    pub fn end_screen(&self) -> f64 {
        self.knots.last().map_or(0.0, |k| k.1)
    }

    /// Screen position of a simulated instant (clamped to the run).
    pub fn to_screen(&self, t: SimTime) -> f64 {
        self.to_screen_exact(t.as_ms() as f64)
    }

    /// Screen position of an instant between whole milliseconds ([`TimeMap::to_sim_exact`]'s
    /// inverse; clamped to the run).
    pub fn to_screen_exact(&self, t: f64) -> f64 {
        let i = self.knots.partition_point(|k| k.0 as f64 <= t);
        if i == 0 {
            return 0.0;
        }
        if i >= self.knots.len() {
            return self.end_screen();
        }
        let (s0, d0) = self.knots[i - 1];
        let (s1, d1) = self.knots[i];
        d0 + (t - s0 as f64) / (s1 - s0) as f64 * (d1 - d0)
    }

    /// Simulated instant at a screen position (clamped; to the nearest millisecond).
    pub fn to_sim(&self, screen: f64) -> SimTime {
        let (ms, s0, s1) = self.sim_between(screen);
        SimTime((ms.round() as u64).clamp(s0, s1))
    }

    /// Simulated instant at a screen position, in fractional milliseconds (clamped): where
    /// tokens are drawn between the whole milliseconds the scene is folded at.
    pub fn to_sim_exact(&self, screen: f64) -> f64 {
        let (ms, s0, s1) = self.sim_between(screen);
        ms.clamp(s0 as f64, s1 as f64)
    }

    /// The unrounded instant at `screen` and the knots' instants it lies between.
    fn sim_between(&self, screen: f64) -> (f64, u64, u64) {
        // Also catches NaN.
        if screen.is_nan() || screen <= 0.0 {
            return (0.0, 0, 0);
        }
        let i = self.knots.partition_point(|k| k.1 <= screen);
        if i >= self.knots.len() {
            let end = self.end_sim().as_ms();
            return (end as f64, end, end);
        }
        let (s0, d0) = self.knots[i - 1];
        let (s1, d1) = self.knots[i];
        let ms = s0 as f64 + (screen - d0) / (d1 - d0) * (s1 - s0) as f64;
        (ms, s0, s1)
    }
}

/// Speed on the slider's log scale: `x` in −2..=2 ↦ 0.01×..100×.
pub fn speed_from_log(x: f64) -> f64 {
    10f64.powf(x.clamp(-2.0, 2.0))
}
pub fn log_of_speed(speed: f64) -> f64 {
    speed.clamp(MIN_SPEED, MAX_SPEED).log10()
}
/// The speed slider's value for `speed` (its `log_of_speed`, from -2 to 2 in steps of 0.05),
/// written as the browser writes a range input's value back ("-0.3", "0", "1.25"): the
/// transport bar is drawn on every frame of playback, and a value that differs from the
/// element's own ("-0.30") is written into it again each time, which restyles and re-lays out
/// the bar on every frame (issue 16, the phone profile).
pub fn slider_value(speed: f64) -> String {
    let twentieths = ((log_of_speed(speed) / 0.05).round() as i32).clamp(-40, 40);
    let text = format!("{:.2}", f64::from(twentieths) / 20.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
/// The next preset above (`dir > 0`) or below the current speed.
pub fn speed_step(speed: f64, dir: i32) -> f64 {
    let eps = 1e-9;
    if dir > 0 {
        SPEED_STEPS
            .iter()
            .copied()
            .find(|s| *s > speed + eps)
            .unwrap_or(MAX_SPEED)
    } else {
        SPEED_STEPS
            .iter()
            .rev()
            .copied()
            .find(|s| *s < speed - eps)
            .unwrap_or(MIN_SPEED)
    }
}
pub fn format_speed(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{speed:.0}×")
    } else if speed >= 1.0 {
        format!("{}×", (speed * 10.0).round() / 10.0)
    } else {
        format!("{}×", (speed * 100.0).round() / 100.0)
    }
}

/// The clock readout: `0:01.250`, `2:03.000`, `1:02:03.000` (simulated AWS time).
pub fn format_clock(t: SimTime) -> String {
    let ms = t.as_ms();
    let (h, m, s, milli) = (
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000,
    );
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{m}:{s:02}.{milli:03}")
    }
}

/// One computed run and everything derived from it once (not per frame).
#[derive(Debug)]
pub struct Session {
    /// Distinguishes runs: bumps on every load, edit, seed change and fork.
    pub generation: u64,
    /// Its position in [`crate::scenarios::INDEX`], when the scenario is a bundled one.
    pub bundled: Option<usize>,
    pub scenario: Scenario,
    pub seed: u64,
    pub run: Run,
    pub map: TimeMap,
    pub markers: Vec<Marker>,
}

impl Session {
    pub fn new(
        generation: u64,
        bundled: Option<usize>,
        scenario: Scenario,
        seed: u64,
        inputs: Vec<TimedInput>,
    ) -> Session {
        let run = Run::new(&scenario, seed, inputs);
        Session::from_run(generation, bundled, scenario, seed, run)
    }
    /// A session over a run computed elsewhere (a lesson's planned runs, a comparison's lanes).
    pub fn from_run(
        generation: u64,
        bundled: Option<usize>,
        scenario: Scenario,
        seed: u64,
        run: Run,
    ) -> Session {
        let tl = run.timeline();
        let end = tl.end().max(SimTime(1));
        let map = TimeMap::with_hops(&tl.idle_gaps(GAP_MIN_MS), &hops_of(tl), end);
        let markers = tl.markers();
        Session {
            generation,
            bundled,
            scenario,
            seed,
            run,
            map,
            markers,
        }
    }
    pub fn timeline(&self) -> &Timeline {
        self.run.timeline()
    }
    pub fn inputs(&self) -> &[TimedInput] {
        self.run.inputs()
    }
    /// This run, forked at `at` with `input` applied there.
    pub fn fork(&self, generation: u64, at: SimTime, input: Input) -> Session {
        let run = self.run.fork(at, input);
        Session::from_run(
            generation,
            self.bundled,
            self.scenario.clone(),
            self.seed,
            run,
        )
    }
}

/// The playback clock: the cursor over a run's screen axis and how it moves. One type for the
/// player, the lesson tour (through its [`Playback`]) and the comparison ([`crate::compare::Clock`],
/// three lanes on one clock): each used to carry its own copy of this arithmetic (issue 11).
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    /// The instant shown (authoritative).
    pub at: SimTime,
    /// `at` on the screen axis; while playing it advances continuously.
    pub screen: f64,
    pub playing: bool,
    pub speed: f64,
    /// `prefers-reduced-motion`: no tweening, the cursor jumps from event to event.
    pub reduced_motion: bool,
    last_wall: Option<f64>,
    /// Reduced motion: wall ms accumulated toward the next event step.
    pending_ms: f64,
}

/// How often, at most, a playing view re-renders through Yew (20 times a second); the token
/// canvas is drawn on every animation frame between ([`Pacer`]). Issue 16's phone frame: with
/// 1,000 tokens at 412 px and the CPU slowed 4×, the player's p95 frame was 36 ms while Yew
/// re-rendered it on every frame, 18 ms when it re-rendered on every 4th; the canvas, the
/// diagram and the clock alone moved nothing (ARCHITECTURE.md, "The phone frame"). The clock
/// readout, the scrubber and the boxes' states then change 20 times a second, which the eye does
/// not tell from 60 (the readout's digits are unreadable at either); what moves — the tokens —
/// moves on every frame.
pub const RENDER_EVERY_MS: f64 = 50.0;

/// The animation frames' clock: their timestamps with every gap longer than [`MAX_FRAME_MS`]
/// counted as that long, so the cursor moves by at most one long frame's worth after a
/// background tab or a debugger pause. Per frame, not per tick: a paced view ([`Pacer`]) ticks
/// less often than frames come, and clamping its ticks instead would move it less than a view
/// ticking every frame.
#[derive(Clone, Debug, Default)]
pub struct PlayClock {
    last: Option<(f64, f64)>,
}

impl PlayClock {
    /// The clock at the frame whose timestamp is `raw_ms`.
    pub fn at(&mut self, raw_ms: f64) -> f64 {
        let clock = match self.last {
            Some((raw, clock)) => clock + (raw_ms - raw).clamp(0.0, MAX_FRAME_MS),
            None => raw_ms,
        };
        self.last = Some((raw_ms, clock));
        clock
    }
}

/// What one animation frame of a playing view does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameWork {
    /// Tick the reducer, so Yew re-renders the view (and its token layer draws after it).
    Render,
    /// Draw only the tokens, at this instant and its exact ms ([`Cursor::exact_ms`]).
    Paint { at: SimTime, exact_ms: f64 },
}

/// Decides, frame by frame, whether a playing view re-renders or only paints its tokens
/// ([`RENDER_EVERY_MS`]). A painted frame shows the cursor Yew last rendered, ticked to the
/// frame's instant: exactly what a `Tick` at that instant would have made it (the same
/// [`Cursor::tick`], from the same state), so the tokens drawn are the ones a view rendering
/// every frame would draw, whatever frames were skipped, and the next render continues from them
/// without a jump.
///
/// A painted frame is ahead of the reducer's cursor: before any other action reaches the
/// reducer, [`Pacer::catch_up`] gives the `Tick` that brings it to the painted frame, so a
/// pause, a step, a speed change or an injected fault acts on what is on screen (not on the
/// instant up to [`RENDER_EVERY_MS`] earlier, which would jump the tokens back).
#[derive(Clone, Debug, Default)]
pub struct Pacer {
    last_render: Option<f64>,
    /// The last frame painted since the last render: its play clock, instant and exact ms.
    painted: Option<(f64, SimTime, f64)>,
}

impl Pacer {
    /// The work of the frame at `wall_ms`, for a view whose last render showed `shown`, and
    /// that stops playing at `until` (a lesson beat's end) if given.
    pub fn frame<E: EventTimes + ?Sized>(
        &mut self,
        shown: &Cursor,
        map: &TimeMap,
        events: &E,
        wall_ms: f64,
        until: Option<SimTime>,
    ) -> FrameWork {
        let mut next = shown.clone();
        next.tick(map, events, wall_ms);
        let due = self
            .last_render
            .is_none_or(|last| !(0.0..RENDER_EVERY_MS).contains(&(wall_ms - last)));
        // Rendered as before: a cursor that has not ticked yet (just played, sought or
        // stepped: its first tick starts the wall clock), reduced motion (it jumps from event to
        // event, nothing moves between), and the frame that stops, at the end or at `until`.
        let stops = !next.playing || until.is_some_and(|u| next.at >= u);
        if due || shown.last_wall.is_none() || shown.reduced_motion || stops {
            self.rendered(wall_ms);
            FrameWork::Render
        } else {
            let (at, exact_ms) = (next.at, next.exact_ms(map));
            self.painted = Some((wall_ms, at, exact_ms));
            FrameWork::Paint { at, exact_ms }
        }
    }

    /// Records that the frame at `wall_ms` re-renders (when the view decided it without
    /// [`Pacer::frame`]: nothing to paint with yet).
    pub fn rendered(&mut self, wall_ms: f64) {
        self.last_render = Some(wall_ms);
        self.painted = None;
    }

    /// The instant and exact ms of the frame on screen, when it was painted after the last
    /// render (what a link or an export made now must name, and what the token layer draws
    /// again if the view re-renders for another reason before the reducer catches up).
    pub fn on_screen(&self) -> Option<(SimTime, f64)> {
        self.painted.map(|(_, at, exact)| (at, exact))
    }

    /// The instant to `Tick` the reducer to before another action, when frames have been painted
    /// since it last rendered (once: the tick makes the reducer show that frame).
    pub fn catch_up(&mut self) -> Option<f64> {
        self.painted.take().map(|(wall, _, _)| wall)
    }
}

/// The instants a cursor steps between: a run's events, or the events of several lanes.
pub trait EventTimes {
    /// The first event strictly after `t`.
    fn next_event_time(&self, t: SimTime) -> Option<SimTime>;
    /// The last event strictly before `t`.
    fn prev_event_time(&self, t: SimTime) -> Option<SimTime>;
}

impl EventTimes for Timeline {
    fn next_event_time(&self, t: SimTime) -> Option<SimTime> {
        Timeline::next_event_time(self, t)
    }
    fn prev_event_time(&self, t: SimTime) -> Option<SimTime> {
        Timeline::prev_event_time(self, t)
    }
}

/// Several lanes on one clock: the nearest event in any of them.
impl EventTimes for [&Timeline] {
    fn next_event_time(&self, t: SimTime) -> Option<SimTime> {
        self.iter().filter_map(|tl| tl.next_event_time(t)).min()
    }
    fn prev_event_time(&self, t: SimTime) -> Option<SimTime> {
        self.iter().filter_map(|tl| tl.prev_event_time(t)).max()
    }
}

impl Cursor {
    pub fn new(speed: f64, playing: bool, reduced_motion: bool) -> Cursor {
        Cursor {
            at: SimTime::ZERO,
            screen: 0.0,
            playing,
            speed,
            reduced_motion,
            last_wall: None,
            pending_ms: 0.0,
        }
    }

    pub fn at_end(&self, map: &TimeMap) -> bool {
        self.at >= map.end_sim()
    }

    /// The instant shown, with the fraction of a millisecond playback has reached (what tokens
    /// are drawn at): `at` itself unless the screen position is within its millisecond, as it
    /// is not after a step with reduced motion, which moves `at` alone.
    pub fn exact_ms(&self, map: &TimeMap) -> f64 {
        let exact = map.to_sim_exact(self.screen);
        let at = self.at.as_ms() as f64;
        if (exact - at).abs() <= 0.5 {
            exact
        } else {
            at
        }
    }

    /// Shows instant `t` (clamped to the run), without changing whether it plays.
    pub fn seek(&mut self, map: &TimeMap, t: SimTime) {
        let t = t.min(map.end_sim());
        self.at = t;
        self.screen = map.to_screen(t);
        self.pending_ms = 0.0;
    }

    /// To the next (+1) or previous (−1) event instant, or the run's end or start if none.
    pub fn step<E: EventTimes + ?Sized>(&mut self, map: &TimeMap, events: &E, dir: i32) {
        let target = if dir > 0 {
            events.next_event_time(self.at)
        } else {
            events.prev_event_time(self.at)
        };
        match target {
            Some(t) => self.seek(map, t),
            None if dir > 0 => self.seek(map, map.end_sim()),
            None => self.seek(map, SimTime::ZERO),
        }
    }

    /// A tick at play clock `wall_ms` ([`PlayClock`]: every animation frame, or for a paced view
    /// a rendered one): advance by the wall time since the last tick (at most [`MAX_FRAME_MS`] +
    /// [`RENDER_EVERY_MS`], a backstop) × speed on the screen axis, or, with reduced motion, one
    /// event at a time.
    pub fn tick<E: EventTimes + ?Sized>(&mut self, map: &TimeMap, events: &E, wall_ms: f64) {
        if !self.playing {
            self.last_wall = None;
            return;
        }
        let dt = match self.last_wall {
            // The play clock has clamped each frame already (MAX_FRAME_MS); a paced view ticks
            // a render interval plus at most one frame apart, so this clamp is a backstop only.
            Some(prev) => (wall_ms - prev).clamp(0.0, MAX_FRAME_MS + RENDER_EVERY_MS),
            None => 0.0,
        };
        self.last_wall = Some(wall_ms);
        if self.reduced_motion {
            // No tweening: the scene changes only at event instants.
            self.pending_ms += dt * self.speed;
            if self.pending_ms >= REDUCED_MOTION_STEP_MS {
                self.pending_ms = 0.0;
                self.step(map, events, 1);
            }
        } else {
            self.screen = (self.screen + dt * self.speed).min(map.end_screen());
            self.at = map.to_sim(self.screen);
        }
        if self.at_end(map) {
            self.playing = false;
            self.last_wall = None;
        }
    }

    /// Plays (from the start again when at the end).
    pub fn play(&mut self, map: &TimeMap) {
        if self.at_end(map) {
            self.seek(map, SimTime::ZERO);
        }
        self.playing = true;
        self.last_wall = None;
    }

    pub fn pause(&mut self) {
        self.playing = false;
        self.last_wall = None;
    }

    pub fn toggle(&mut self, map: &TimeMap) {
        if self.playing {
            self.pause();
        } else {
            self.play(map);
        }
    }

    /// From the start of a new run: playing unless motion is reduced.
    pub fn restart(&mut self, map: &TimeMap) {
        self.seek(map, SimTime::ZERO);
        self.playing = !self.reduced_motion;
        self.last_wall = None;
    }

    /// `prefers-reduced-motion` changed: switching it on pauses.
    pub fn set_reduced_motion(&mut self, on: bool) {
        if on != self.reduced_motion {
            self.reduced_motion = on;
            self.pending_ms = 0.0;
            if on {
                self.pause();
            }
        }
    }
}

/// The instant on screen, for what needs it only when clicked (the share menu's links and
/// exports): the player writes it on every render and every frame painted between renders
/// ([`Pacer`]), a click reads it then. As a prop it changed
/// every animation frame and re-rendered the menu with each one (issue 16). Compared by identity.
#[derive(Clone, Default)]
pub struct Moment(Rc<std::cell::Cell<SimTime>>);

impl Moment {
    pub fn get(&self) -> SimTime {
        self.0.get()
    }
    pub fn set(&self, at: SimTime) {
        self.0.set(at);
    }
}

impl PartialEq for Moment {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The player's state: the run being shown and the cursor over it.
#[derive(Clone, Debug)]
pub struct Playback {
    pub session: Rc<Session>,
    /// Where the cursor is and how it moves.
    pub cursor: Cursor,
    next_generation: u64,
    /// What the last edit or fault could not do (injected faults naming a source the edit
    /// removed; a fault past a budget stop), said in the player until the next edit or load.
    pub notice: Option<String>,
}

/// Everything the player can be asked to do.
#[derive(Clone, Debug)]
pub enum Action {
    Play,
    Pause,
    Toggle,
    /// An animation frame the view renders, at this instant of the frames' play clock (ms,
    /// [`PlayClock`]); a paced view skips some ([`Pacer`]).
    Tick {
        wall_ms: f64,
    },
    /// Jump to a simulated instant (pauses).
    Seek(SimTime),
    /// Jump to a position on the screen axis (the scrubber; pauses).
    SeekScreen(f64),
    /// One trace event forward (+1) or back (−1) (pauses).
    Step(i32),
    Home,
    End,
    SetSpeed(f64),
    /// Next preset speed up (+1) or down (−1).
    SpeedStep(i32),
    /// Live fault injection: fork the run at the cursor.
    Inject(Input),
    /// Back to the start of the run as loaded, without the injected faults.
    Reset,
    /// Run this scenario with this seed from the start (picker, seed box, parameter edits).
    Load {
        bundled: Option<usize>,
        scenario: Box<Scenario>,
        seed: u64,
    },
    /// A parameter edit: the edited scenario re-run from the start with the same seed and the
    /// injected faults that still apply (issue 11: an edit used to drop every fault silently).
    Edit(Box<Scenario>),
    /// The user's `prefers-reduced-motion` changed: switching it on pauses.
    SetReducedMotion(bool),
    /// Make the next event a source produces after the cursor a poison one (it fails on every
    /// delivery: the core's `function.poison_items`). The run is re-simulated with the same seed
    /// and faults, so everything before that event is unchanged: a fork, like [`Action::Inject`].
    PoisonNext,
    /// Say this above the diagram until the next load (a scenario the picker could not fetch).
    Notice(String),
}

impl Playback {
    pub fn new(
        bundled: Option<usize>,
        scenario: Scenario,
        seed: u64,
        reduced_motion: bool,
    ) -> Playback {
        let session = Rc::new(Session::new(1, bundled, scenario, seed, Vec::new()));
        Playback::of_session(session, reduced_motion)
    }

    /// A cursor over a session that is already computed (generations after its own are free).
    pub fn of_session(session: Rc<Session>, reduced_motion: bool) -> Playback {
        let next_generation = session.generation + 1;
        Playback {
            session,
            cursor: Cursor::new(DEFAULT_SPEED, !reduced_motion, reduced_motion),
            next_generation,
            notice: None,
        }
    }

    pub fn at_end(&self) -> bool {
        self.cursor.at_end(&self.session.map)
    }

    /// Fraction of the run shown so far, on the screen axis (for the scrubber).
    pub fn fraction(&self) -> f64 {
        let end = self.session.map.end_screen();
        if end > 0.0 {
            (self.cursor.screen / end).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    fn seek(&mut self, t: SimTime) {
        self.cursor.seek(&self.session.map, t);
    }

    fn step(&mut self, dir: i32) {
        let s = &self.session;
        self.cursor.step(&s.map, s.timeline(), dir);
    }

    /// The next event (its number) a source produces after the cursor, and when.
    pub fn next_event(&self) -> Option<(SimTime, u64)> {
        // The trace is in time order: skip the past by bisection (the inject panel asks on every
        // render, and a one-hour run has hundreds of thousands of events before a late cursor).
        let trace = &self.session.timeline().trace;
        let from = trace.partition_point(|e| e.at <= self.cursor.at);
        trace[from..].iter().find_map(|e| match &e.kind {
            Trace::EventCreated {
                event,
                duplicate: false,
                ..
            } => Some((e.at, event.0 as u64)),
            _ => None,
        })
    }

    fn new_generation(&mut self) -> u64 {
        let g = self.next_generation;
        self.next_generation += 1;
        g
    }

    fn tick(&mut self, wall_ms: f64) {
        let s = &self.session;
        self.cursor.tick(&s.map, s.timeline(), wall_ms);
    }

    /// The reducer as a plain function, for native tests.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Play => self.cursor.play(&self.session.map),
            Action::Pause => self.cursor.pause(),
            Action::Toggle => self.cursor.toggle(&self.session.map),
            Action::Tick { wall_ms } => self.tick(wall_ms),
            Action::Seek(t) => {
                self.cursor.pause();
                self.seek(t);
            }
            Action::SeekScreen(x) => {
                self.cursor.pause();
                let t = self.session.map.to_sim(x);
                self.seek(t);
            }
            Action::Step(dir) => {
                self.cursor.pause();
                self.step(dir);
            }
            Action::Home => {
                self.cursor.pause();
                self.seek(SimTime::ZERO);
            }
            Action::End => {
                self.cursor.pause();
                self.seek(self.session.map.end_sim());
            }
            Action::SetSpeed(s) => self.cursor.speed = s.clamp(MIN_SPEED, MAX_SPEED),
            Action::SpeedStep(dir) => self.cursor.speed = speed_step(self.cursor.speed, dir),
            Action::Inject(input) => {
                let at = self.cursor.at;
                // A run that stopped at its budget cannot be forked at or after the stop: the
                // replay would reach the budget first and the fault would never apply.
                if let Some(stop) = self.session.run.stopped_early().filter(|s| at >= s.at) {
                    self.notice = Some(format!(
                        "This run stopped at {} (the player's budget), so a fault can only be \
                         injected before that moment.",
                        format_clock(stop.at)
                    ));
                    return;
                }
                let g = self.new_generation();
                self.session = Rc::new(self.session.fork(g, at, input));
                self.seek(at);
            }
            Action::Reset => {
                let g = self.new_generation();
                let s = &self.session;
                self.session = Rc::new(Session::new(
                    g,
                    s.bundled,
                    s.scenario.clone(),
                    s.seed,
                    Vec::new(),
                ));
                self.cursor.pause();
                self.seek(SimTime::ZERO);
            }
            Action::PoisonNext => {
                let Some((_, event)) = self.next_event() else {
                    return;
                };
                let mut file = self.session.scenario.file.clone();
                if !file.function.poison_items.contains(&event) {
                    file.function.poison_items.push(event);
                }
                if let Ok(scenario) = Scenario::from_file(file) {
                    let (at, g) = (self.cursor.at, self.new_generation());
                    let s = &self.session;
                    self.session = Rc::new(Session::new(
                        g,
                        s.bundled,
                        scenario,
                        s.seed,
                        s.inputs().to_vec(),
                    ));
                    self.seek(at);
                }
            }
            Action::SetReducedMotion(on) => self.cursor.set_reduced_motion(on),
            Action::Edit(scenario) => {
                let (kept, notice) = keep_inputs(self.session.inputs(), &scenario);
                self.notice = notice;
                let (g, bundled, seed) = (
                    self.new_generation(),
                    self.session.bundled,
                    self.session.seed,
                );
                self.session = Rc::new(Session::new(g, bundled, *scenario, seed, kept));
                self.cursor.restart(&self.session.map);
            }
            Action::Notice(text) => self.notice = Some(text),
            Action::Load {
                bundled,
                scenario,
                seed,
            } => {
                self.notice = None;
                let g = self.new_generation();
                self.session = Rc::new(Session::new(g, bundled, *scenario, seed, Vec::new()));
                self.cursor.restart(&self.session.map);
            }
        }
    }
}

impl Reducible for Playback {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slider's value is written as the browser writes it back (JavaScript's shortest form
    /// of the step-snapped number), or Yew would write it into the element on every frame.
    #[test]
    fn slider_value_is_written_as_the_browser_writes_it() {
        for (speed, value) in [
            (0.5, "-0.3"),
            (1.0, "0"),
            (2.0, "0.3"),
            (0.25, "-0.6"),
            (100.0, "2"),
            (0.01, "-2"),
            (1000.0, "2"),
            (10f64.powf(0.25), "0.25"),
            (10f64.powf(-0.05), "-0.05"),
            (10.0, "1"),
        ] {
            assert_eq!(slider_value(speed), value, "speed {speed}");
        }
    }

    /// Issue 16's paced frames: a view that re-renders only when the [`Pacer`] says so, and
    /// paints its tokens between, draws at every frame the instant (and exact ms) a view ticking
    /// its reducer on every frame shows, over uneven frame times, a slow frame past
    /// [`MAX_FRAME_MS`], a pause and a speed change; a token layer's own scene cursor, folded
    /// only on the painted frames, gives `scene_at` of that instant; and Yew renders at most
    /// once per [`RENDER_EVERY_MS`] while playing.
    #[test]
    fn paced_frames_draw_what_every_frame_rendering_draws() {
        for (id, speed) in [
            ("overview", DEFAULT_SPEED),
            ("sqs-partial-batch", 2.0),
            ("async-retries-dlq", 20.0),
        ] {
            let b = crate::scenarios::by_id(id).unwrap();
            let mut every = Playback::new(Some(b.index), b.scenario.clone(), 1, false);
            let mut paced = every.clone();
            for pb in [&mut every, &mut paced] {
                pb.apply(Action::SetSpeed(speed));
                pb.apply(Action::Play);
            }
            let session = paced.session.clone();
            let (map, timeline) = (&session.map, session.timeline());
            let mut pacer = Pacer::default();
            let mut tokens_cursor = lambdascope_sim::SceneCursor::default();
            let mut clock = PlayClock::default();
            let (mut raw, mut renders, mut paints, mut last_render) =
                (1_000.0, 0, 0, f64::NEG_INFINITY);
            for frame in 0..3_000u32 {
                // 16.7–20.7 ms frames, a 250 ms stall at frame 500, a pause at 1,200 and speed
                // changes at 1,800 and 2,400. (Fractions of 1/64 ms, with speeds that are
                // whole or powers of two: sums stay exact in f64, so one tick over many frames
                // and one tick per frame agree to the bit, which `assert_eq!` needs.)
                raw += if frame == 500 {
                    250.0
                } else {
                    16.0 + (frame % 5) as f64 + 43.0 / 64.0
                };
                let wall = clock.at(raw);
                let act = match frame {
                    1_200 | 1_230 => Some(Action::Toggle),
                    1_800 => Some(Action::SpeedStep(1)),
                    2_400 => Some(Action::SetSpeed(speed / 2.0)),
                    _ => None,
                };
                if let Some(a) = act {
                    if let Some(w) = pacer.catch_up() {
                        paced.apply(Action::Tick { wall_ms: w });
                    }
                    assert_eq!(pacer.on_screen(), None, "{id} frame {frame}: caught up");
                    assert_eq!(paced.cursor, every.cursor, "{id} frame {frame}: caught up");
                    every.apply(a.clone());
                    paced.apply(a);
                }
                if !every.cursor.playing {
                    assert!(!paced.cursor.playing, "{id} frame {frame}: both stopped");
                    continue;
                }
                every.apply(Action::Tick { wall_ms: wall });
                let want = (every.cursor.at, every.cursor.exact_ms(map));
                let got = match pacer.frame(&paced.cursor, map, timeline, wall, None) {
                    FrameWork::Render => {
                        assert!(
                            wall - last_render >= RENDER_EVERY_MS
                                || paced.cursor.last_wall.is_none()
                                || !every.cursor.playing,
                            "{id} frame {frame}: rendered {} ms after the last",
                            wall - last_render
                        );
                        assert_eq!(pacer.on_screen(), None, "{id} frame {frame}: rendered");
                        paced.apply(Action::Tick { wall_ms: wall });
                        (renders, last_render) = (renders + 1, wall);
                        (paced.cursor.at, paced.cursor.exact_ms(map))
                    }
                    FrameWork::Paint { at, exact_ms } => {
                        paints += 1;
                        assert_eq!(
                            pacer.on_screen(),
                            Some((at, exact_ms)),
                            "{id} frame {frame}"
                        );
                        let scene = timeline.scene_from(&mut tokens_cursor, at);
                        assert_eq!(
                            scene,
                            timeline.scene_at(at),
                            "{id} frame {frame}: the painted scene"
                        );
                        (at, exact_ms)
                    }
                };
                assert_eq!(got, want, "{id} frame {frame}");
            }
            // Frames of 16–20 ms: a render, then two painted frames.
            assert!(
                paints * 2 > renders * 3,
                "{id}: {renders} renders, {paints} paints"
            );
            assert!(renders > 20, "{id}: {renders} renders");
        }
    }

    /// A lesson beat stops at its planned instant: the [`Pacer`] never paints a frame at or past
    /// it (the tokens would run on and jump back); the frame that reaches it renders.
    #[test]
    fn paced_frames_stop_at_a_beats_end() {
        let b = crate::scenarios::by_id("overview").unwrap();
        let mut pb = Playback::new(Some(b.index), b.scenario, 1, false);
        pb.apply(Action::Play);
        let until = SimTime(2_000);
        let session = pb.session.clone();
        let mut pacer = Pacer::default();
        let (mut wall, mut painted) = (0.0, 0);
        loop {
            wall += 16.0;
            match pacer.frame(
                &pb.cursor,
                &session.map,
                session.timeline(),
                wall,
                Some(until),
            ) {
                FrameWork::Paint { at, .. } => {
                    assert!(at < until, "painted {at:?}");
                    painted += 1;
                }
                FrameWork::Render => {
                    pb.apply(Action::Tick { wall_ms: wall });
                    if pb.cursor.at >= until {
                        break;
                    }
                }
            }
            assert!(wall < 60_000.0, "never reached");
        }
        assert!(painted > 20, "{painted} painted frames");
    }

    /// A row of similar idle stretches is shown ever shorter: the n-th in GAP_SHOWN_MS / n.
    #[test]
    fn repeated_idle_stretches_are_shown_ever_shorter() {
        // 100 stretches of 20 s, 10 ms apart, then one of 60 s (not a repeat: full again).
        let mut gaps: Vec<(SimTime, SimTime)> = (0..100u64)
            .map(|i| (SimTime(i * 20_010), SimTime(i * 20_010 + 20_000)))
            .collect();
        let t = 100 * 20_010;
        gaps.push((SimTime(t), SimTime(t + 60_000)));
        let map = TimeMap::new(&gaps, SimTime(t + 60_000));
        assert_eq!(map.gaps.len(), 101);
        assert_eq!(map.gaps[0].shown_ms, 2_000.0);
        assert_eq!(map.gaps[1].shown_ms, 1_000.0);
        assert_eq!(map.gaps[99].shown_ms, 20.0);
        assert_eq!(map.gaps[100].shown_ms, 2_000.0);
        assert_eq!(map.gaps[1].skipped_ms, 19_000);
        // Screen time: the harmonic row (2 s × H(100) ≈ 10.4 s), what lies between, the last 2 s.
        let h100: f64 = (1..=100).map(|n| 1.0 / n as f64).sum();
        // The 10 ms between two stretches of the row play at 1/n of the quiet rate too.
        let between: f64 = (1..=99).map(|n| 10.0 / n as f64).sum::<f64>() + 10.0;
        let want = 2_000.0 * h100 + between + 2_000.0;
        assert!(
            (map.end_screen() - want).abs() < 1.0,
            "{} vs {want}",
            map.end_screen()
        );
        // The map stays a strictly increasing function both ways.
        let mid = SimTime(50 * 20_010 + 7_000);
        assert_eq!(map.to_sim(map.to_screen(mid)), mid);
    }

    /// SNS-RETRY: a message SNS cannot deliver is retried for about 23 days (100,015 attempts).
    /// The run plays in well under a minute of screen time, and the scrubber draws a bounded
    /// number of idle bands.
    #[test]
    fn a_23_day_delivery_policy_is_watchable() {
        let text = format!(
            "format_version = 1\nid = \"sns-23-days\"\ntitle = \"t\"\nhorizon_s = {}\n[[sources]]\nkind = \"sns\"\nid = \"topic\"\nunreachable_for_ms = {}\ndead_letter_queue = \"undelivered\"\n[[workload]]\nsource = \"topic\"\n",
            24 * 86_400,
            25 * 86_400_000u64
        );
        let scenario = Scenario::parse("t.toml", &text).unwrap();
        let session = Session::new(1, None, scenario, 1, Vec::new());
        assert!(
            session.map.gaps.len() > 99_000,
            "{}",
            session.map.gaps.len()
        );
        let screen_s = session.map.end_screen() / 1000.0;
        assert!(screen_s < 60.0, "{screen_s} s of screen time");
        let end = session.map.end_screen();
        let drawn = session
            .map
            .gaps
            .iter()
            .filter(|g| g.shown_ms / end >= 0.001)
            .count();
        assert!(drawn < 1_000, "{drawn} bands");
    }

    #[test]
    fn a_minute_gap_shows_as_two_seconds_and_round_trips() {
        let map = TimeMap::new(&[(SimTime(1_000), SimTime(61_000))], SimTime(62_000));
        assert_eq!(map.end_screen(), 1_000.0 + 2_000.0 + 1_000.0);
        assert_eq!(map.gaps.len(), 1);
        assert_eq!(map.gaps[0].skipped_ms, 58_000);
        assert_eq!(map.to_screen(SimTime(500)), 500.0);
        assert_eq!(map.to_screen(SimTime(31_000)), 2_000.0);
        assert_eq!(map.to_screen(SimTime(61_500)), 3_500.0);
        for t in [0, 1, 999, 1_000, 30_000, 61_000, 61_999, 62_000] {
            let s = map.to_screen(SimTime(t));
            assert_eq!(map.to_sim(s), SimTime(t), "t = {t}");
        }
        assert_eq!(map.to_sim(-5.0), SimTime::ZERO);
        assert_eq!(map.to_sim(1e12), SimTime(62_000));
        assert_eq!(map.to_sim_exact(500.25), 500.25);
        assert_eq!(map.to_screen_exact(500.25), 500.25);
        let half = map.to_screen_exact(31_000.5) - map.to_screen(SimTime(31_000));
        assert!((half - 2_000.0 / 60_000.0 * 0.5).abs() < 1e-9, "{half}");
        assert_eq!(map.to_sim_exact(-5.0), 0.0);
        assert_eq!(map.to_sim_exact(1e12), 62_000.0);
    }

    struct NoEvents;
    impl EventTimes for NoEvents {
        fn next_event_time(&self, _: SimTime) -> Option<SimTime> {
            None
        }
        fn prev_event_time(&self, _: SimTime) -> Option<SimTime> {
            None
        }
    }

    /// At a slow speed the shown instant stays on its millisecond for many frames while the
    /// cursor's exact instant, where tokens are drawn, moves on every frame; a step with reduced
    /// motion (which moves `at` alone) is drawn at `at`.
    #[test]
    fn the_exact_instant_moves_every_frame_between_whole_milliseconds() {
        let map = TimeMap::new(&[(SimTime(1_000), SimTime(61_000))], SimTime(62_000));
        let mut c = Cursor::new(0.01, true, false);
        c.seek(&map, SimTime(500));
        let mut last = c.exact_ms(&map);
        c.tick(&map, &NoEvents, 0.0);
        for frame in 1..=3 {
            c.tick(&map, &NoEvents, frame as f64 * 16.0);
            let exact = c.exact_ms(&map);
            assert!(exact > last, "frame {frame}: {exact} after {last}");
            assert_eq!(c.at, SimTime(500), "frame {frame}");
            last = exact;
        }
        assert!((last - 500.48).abs() < 1e-9, "{last}");
        c.at = SimTime(700);
        assert_eq!(c.exact_ms(&map), 700.0);
    }

    #[test]
    fn every_hop_gets_its_screen_time_and_the_rest_keeps_its_own() {
        let ms = |a: u64, b: u64| (SimTime(a), SimTime(b));
        // Two overlapping 40 ms hops, a lone 40 ms hop, a 2 s delivery (already long enough),
        // and a minute of idle time.
        let hops = [
            ms(100, 140),
            ms(120, 160),
            ms(1_000, 1_040),
            ms(2_000, 4_000),
        ];
        let map = TimeMap::with_hops(&[ms(5_000, 65_000)], &hops, SimTime(66_000));
        for (a, b) in hops {
            let screen = map.to_screen(b) - map.to_screen(a);
            assert!(
                screen >= HOP_SCREEN_MS - 1e-6,
                "{a:?}–{b:?}: {screen} screen ms"
            );
        }
        // The lone short hop gets exactly its due; the overlapping pair shares one slow stretch.
        let lone = map.to_screen(SimTime(1_040)) - map.to_screen(SimTime(1_000));
        assert!((lone - HOP_SCREEN_MS).abs() < 0.05, "{lone}");
        let pair = map.to_screen(SimTime(160)) - map.to_screen(SimTime(100));
        assert!((pair - HOP_SCREEN_MS * 60.0 / 40.0).abs() < 0.1, "{pair}");
        // Time with nothing travelling plays at the quiet rate, and so does a delivery long
        // enough at that rate; the gap is squeezed.
        assert_eq!(
            map.to_screen(SimTime(900)) - map.to_screen(SimTime(200)),
            700.0 * QUIET_RATE
        );
        assert_eq!(
            map.to_screen(SimTime(4_000)) - map.to_screen(SimTime(2_000)),
            2_000.0 * QUIET_RATE
        );
        assert_eq!(map.gaps.len(), 1);
        assert_eq!(
            map.to_screen(SimTime(65_000)) - map.to_screen(SimTime(5_000)),
            GAP_SHOWN_MS as f64
        );
        // Still a bijection on whole milliseconds.
        for t in (0..66_000).step_by(7) {
            assert_eq!(map.to_sim(map.to_screen(SimTime(t))), SimTime(t), "t = {t}");
        }
    }

    #[test]
    fn a_busy_run_slows_in_few_stretches() {
        // 10,000 back-to-back overlapping hops: one slow stretch, not 10,000 knots.
        let hops: Vec<(SimTime, SimTime)> = (0..10_000)
            .map(|i| (SimTime(i * 10), SimTime(i * 10 + 40)))
            .collect();
        let map = TimeMap::with_hops(&[], &hops, SimTime(200_000));
        assert!(map.knots.len() <= 4, "{} knots", map.knots.len());
    }

    #[test]
    fn short_gaps_are_not_compressed() {
        let map = TimeMap::new(&[(SimTime(100), SimTime(2_000))], SimTime(3_000));
        assert!(map.gaps.is_empty());
        assert_eq!(map.end_screen(), 3_000.0);
    }

    #[test]
    fn speed_steps_are_monotonic_and_bounded() {
        assert_eq!(speed_step(0.25, 1), 0.5);
        assert_eq!(speed_step(0.25, -1), 0.1);
        assert_eq!(speed_step(100.0, 1), 100.0);
        assert_eq!(speed_step(0.01, -1), 0.01);
        assert_eq!(speed_step(0.3, -1), 0.25);
        assert!((speed_from_log(log_of_speed(3.0)) - 3.0).abs() < 1e-9);
        assert_eq!(format_speed(0.25), "0.25×");
        assert_eq!(format_speed(2.0), "2×");
        assert_eq!(format_speed(50.0), "50×");
    }

    fn async_failure() -> Playback {
        let text = crate::scenarios::FILES
            .iter()
            .find(|(n, _)| *n == "async-retries-dlq.toml")
            .unwrap()
            .1;
        Playback::new(None, Scenario::parse("a.toml", text).unwrap(), 1, false)
    }

    /// Issue 11: editing a parameter used to drop every injected fault silently.
    #[test]
    fn an_edit_keeps_the_injected_faults_and_names_the_ones_it_cannot_keep() {
        let text = crate::scenarios::FILES
            .iter()
            .find(|(n, _)| *n == "async-retries-dlq.toml")
            .unwrap()
            .1;
        let mut pb = async_failure();
        pb.apply(Action::Seek(SimTime(500)));
        pb.apply(Action::Inject(Input::Throttle { for_ms: 4_000 }));
        pb.apply(Action::Seek(SimTime(900)));
        pb.apply(Action::Inject(Input::Publish {
            source: "uploads".into(),
        }));
        let faults = pb.session.inputs().to_vec();
        assert_eq!(faults.len(), 2);
        // A longer timeout: both faults stay, at their instants, and nothing is said.
        let longer = Scenario::parse(
            "a.toml",
            &text.replace("init_ms = 400", "init_ms = 400\ntimeout_s = 30"),
        )
        .unwrap();
        pb.apply(Action::Edit(Box::new(longer.clone())));
        assert_eq!(pb.session.inputs(), &faults[..]);
        assert_eq!(pb.session.scenario, longer);
        assert!(pb.notice.is_none());
        // The same run as loading the edited scenario with those faults from the start.
        let fresh = Run::new(&longer, 1, faults.clone());
        assert_eq!(pb.session.timeline().trace, fresh.trace());
        // Renaming the source: the throttle stays, the publish on `uploads` cannot, and it says so.
        let renamed = Scenario::parse(
            "a.toml",
            &text
                .replace("id = \"uploads\"", "id = \"photos\"")
                .replace("source = \"uploads\"", "source = \"photos\""),
        )
        .unwrap();
        pb.apply(Action::Edit(Box::new(renamed)));
        assert_eq!(pb.session.inputs(), &faults[..1]);
        let notice = pb.notice.clone().expect("a notice");
        assert!(notice.contains("source `uploads`"), "{notice}");
        assert!(
            notice.contains("publish one event on `uploads` at 0:00.900"),
            "{notice}"
        );
        // Loading another scenario clears it.
        pb.apply(Action::Load {
            bundled: None,
            scenario: Box::new(longer),
            seed: 1,
        });
        assert!(pb.notice.is_none());
    }

    /// Issue 12 review: a fault injected at or after a budget stop would be dropped by the
    /// replay (it reaches the budget first); the player says so instead of showing a run
    /// without it.
    #[test]
    fn a_fault_past_the_budget_stop_is_refused_with_a_notice() {
        let text = "format_version = 1\nid = \"b\"\ntitle = \"b\"\n[function]\nbehaviour = { kind = \"throw\" }\n[[sources]]\nkind = \"s3\"\nid = \"u\"\nbucket = \"b\"\n[[workload]]\nsource = \"u\"\ncount = 200\n";
        let scenario = Scenario::parse("b.toml", text).unwrap();
        let budget = lambdascope_sim::Budget {
            max_trace_events: 2_000,
            max_burst: 20_000,
        };
        let run = Run::with_budget(&scenario, 1, Vec::new(), budget);
        let stop = run.stopped_early().expect("stops");
        let session = Rc::new(Session::from_run(1, None, scenario, 1, run));
        let mut pb = Playback::of_session(session, false);
        // Before the stop: the fault applies.
        pb.apply(Action::Seek(SimTime(stop.at.as_ms() / 2)));
        pb.apply(Action::Inject(Input::FailNextAttempt));
        assert_eq!(pb.session.inputs().len(), 1);
        assert!(pb.notice.is_none());
        // At the end (past the stop): refused, said, and the run is unchanged.
        let generation = pb.session.generation;
        pb.apply(Action::End);
        pb.apply(Action::Inject(Input::Throttle { for_ms: 1_000 }));
        assert_eq!(pb.session.generation, generation);
        assert_eq!(pb.session.inputs().len(), 1);
        let notice = pb.notice.clone().expect("a notice");
        assert!(notice.contains("player's budget"), "{notice}");
    }

    #[test]
    fn the_minute_and_two_minute_retry_waits_are_compressed_but_the_clock_is_not() {
        let pb = async_failure();
        let map = &pb.session.map;
        assert_eq!(map.gaps.len(), 2, "{:?}", map.gaps);
        let (a, b) = (&map.gaps[0], &map.gaps[1]);
        assert!(a.skipped_ms > 55_000 && a.skipped_ms < 62_000, "{a:?}");
        assert!(b.skipped_ms > 115_000 && b.skipped_ms < 122_000, "{b:?}");
        // Three minutes of AWS time fit in a few seconds of screen time.
        assert!(map.end_screen() < 12_000.0, "{}", map.end_screen());
        assert!(map.end_sim() > SimTime(184_000));
    }

    #[test]
    fn stepping_visits_every_event_forward_and_back() {
        let mut pb = async_failure();
        let times: Vec<SimTime> = pb.session.timeline().trace.iter().map(|e| e.at).collect();
        let mut distinct = times.clone();
        distinct.dedup();
        let mut seen = Vec::new();
        while !pb.at_end() && seen.len() < 1000 {
            pb.apply(Action::Step(1));
            seen.push(pb.cursor.at);
        }
        assert_eq!(
            &seen[..distinct.len() - 1],
            &distinct[1..],
            "forward steps land on each event instant"
        );
        pb.apply(Action::Seek(SimTime(62_420)));
        pb.apply(Action::Step(-1));
        assert!(pb.cursor.at < SimTime(62_420) && distinct.contains(&pb.cursor.at));
        assert!(!pb.cursor.playing, "stepping pauses");
    }

    #[test]
    fn playing_and_seeking_show_the_same_scene_for_the_same_instant() {
        let mut played = async_failure();
        let mut wall = 0.0;
        played.apply(Action::SetSpeed(1.0));
        played.apply(Action::Play);
        while played.cursor.at < SimTime(62_500) && played.cursor.playing {
            played.apply(Action::Tick { wall_ms: wall });
            wall += 16.7;
        }
        let at = played.cursor.at;
        let mut sought = async_failure();
        sought.apply(Action::Seek(SimTime(200_000)));
        sought.apply(Action::Seek(at));
        let tl = played.session.timeline();
        assert_eq!(
            tl.scene_at(at),
            sought.session.timeline().scene_at(sought.cursor.at)
        );
        assert!((played.cursor.screen - sought.cursor.screen).abs() < 1.0);
        // Scrubbing to a screen position twice gives the same instant.
        let mut a = async_failure();
        a.apply(Action::SeekScreen(4_321.5));
        let first = a.cursor.at;
        a.apply(Action::SeekScreen(100.0));
        a.apply(Action::SeekScreen(4_321.5));
        assert_eq!(a.cursor.at, first);
    }

    #[test]
    fn a_fault_forks_the_run_at_the_cursor_and_reset_drops_it() {
        let mut pb = async_failure();
        let before = pb.session.clone();
        pb.apply(Action::Seek(SimTime(500)));
        pb.apply(Action::Inject(Input::Throttle { for_ms: 10_000 }));
        assert_ne!(pb.session.generation, before.generation);
        assert_eq!(
            pb.cursor.at,
            SimTime(500),
            "the cursor stays where the fault was injected"
        );
        assert_eq!(pb.session.inputs().len(), 1);
        let (old, new) = (&before.timeline().trace, &pb.session.timeline().trace);
        let k = old.iter().take_while(|e| e.at <= SimTime(500)).count();
        assert_eq!(&old[..k], &new[..k], "the past is shared");
        assert_ne!(old, new, "the future differs");
        assert!(new
            .iter()
            .any(|e| matches!(e.kind, lambdascope_sim::Trace::Throttled { .. })));
        // Branch again from an earlier instant: the later fault is dropped.
        pb.apply(Action::Seek(SimTime(100)));
        pb.apply(Action::Inject(Input::FailNextAttempt));
        assert_eq!(pb.session.inputs().len(), 1);
        assert_eq!(pb.session.inputs()[0].at, SimTime(100));
        pb.apply(Action::Reset);
        assert!(pb.session.inputs().is_empty());
        assert_eq!(pb.session.timeline().trace, before.timeline().trace);
        assert_eq!(pb.cursor.at, SimTime::ZERO);
    }

    #[test]
    fn poisoning_the_next_event_keeps_the_past_and_dead_letters_it() {
        let b = crate::scenarios::by_id("apigw-happy-path").unwrap();
        let mut pb = Playback::new(Some(b.index), b.scenario, 1, false);
        pb.apply(Action::Seek(SimTime(2_500)));
        let (when, event) = pb.next_event().unwrap();
        assert!(when > SimTime(2_500));
        let before = pb.session.clone();
        pb.apply(Action::PoisonNext);
        assert_eq!(pb.cursor.at, SimTime(2_500));
        assert_eq!(pb.session.scenario.file.function.poison_items, vec![event]);
        let (old, new) = (&before.timeline().trace, &pb.session.timeline().trace);
        let k = old.iter().take_while(|e| e.at < when).count();
        assert_eq!(&old[..k], &new[..k], "the past is shared");
        // That request now fails: the client gets 502 for it.
        assert!(new.iter().any(|e| matches!(
            &e.kind,
            Trace::Disposed {
                disposition: lambdascope_sim::Disposition::ErrorReturned { status: 502, .. },
                ..
            }
        )));
        assert!(!old.iter().any(|e| matches!(
            &e.kind,
            Trace::Disposed {
                disposition: lambdascope_sim::Disposition::ErrorReturned { .. },
                ..
            }
        )));
    }

    #[test]
    fn reduced_motion_starts_paused_and_only_shows_event_instants() {
        let text = crate::scenarios::FILES
            .iter()
            .find(|(n, _)| *n == "async-retries-dlq.toml")
            .unwrap()
            .1;
        let mut pb = Playback::new(None, Scenario::parse("a.toml", text).unwrap(), 1, true);
        assert!(!pb.cursor.playing);
        let times: Vec<SimTime> = pb.session.timeline().trace.iter().map(|e| e.at).collect();
        pb.apply(Action::Play);
        let mut wall = 0.0;
        for _ in 0..400 {
            pb.apply(Action::Tick { wall_ms: wall });
            wall += 16.7;
            assert!(
                pb.cursor.at == SimTime::ZERO || times.contains(&pb.cursor.at) || pb.at_end(),
                "{:?} is not an event instant",
                pb.cursor.at
            );
        }
        assert!(pb.cursor.at > SimTime::ZERO, "it still advances");
    }

    #[test]
    fn playback_stops_at_the_end_and_play_restarts() {
        let mut pb = async_failure();
        pb.apply(Action::End);
        assert!(pb.at_end());
        pb.apply(Action::Play);
        assert_eq!(pb.cursor.at, SimTime::ZERO);
        assert!(pb.cursor.playing);
        pb.apply(Action::SetSpeed(100.0));
        let mut wall = 0.0;
        while pb.cursor.playing && wall < 100_000.0 {
            pb.apply(Action::Tick { wall_ms: wall });
            wall += 16.7;
        }
        assert!(pb.at_end() && !pb.cursor.playing);
    }

    #[test]
    fn clock_shows_aws_time() {
        assert_eq!(format_clock(SimTime(1_250)), "0:01.250");
        assert_eq!(format_clock(SimTime(123_000)), "2:03.000");
        assert_eq!(format_clock(SimTime(3_723_004)), "1:02:03.004");
    }
}
