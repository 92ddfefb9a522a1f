//! The screen-reader queue: announcements one at a time, each held long enough to be read out,
//! instead of a live region rewritten every frame (pure; tested natively).
//!
//! A lesson pushes the beat's narration when the beat starts and the core's sentence for each
//! `Salience::Major` event as the cursor passes it. [`Announcer::pump`] hands out the next one
//! once the previous has had its time: about 60 ms a character (roughly 170 words a minute),
//! never less than [`MIN_HOLD_MS`]. A burst of events at high speed does not pile up minutes of
//! speech: past [`MAX_PENDING`] waiting, the oldest events are summed up in one line.

use std::collections::VecDeque;

/// Shortest time an announcement stays before the next replaces it.
pub const MIN_HOLD_MS: f64 = 1_500.0;
/// Reading time per character.
pub const MS_PER_CHAR: f64 = 60.0;
/// Most announcements waiting; older events beyond this are folded into a count.
pub const MAX_PENDING: usize = 6;

/// How long `text` is held.
pub fn hold_ms(text: &str) -> f64 {
    (text.chars().count() as f64 * MS_PER_CHAR).max(MIN_HOLD_MS)
}

/// One thing to say. Beats (and feedback) are never dropped; events may be folded.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub text: String,
    pub droppable: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Announcer {
    pending: VecDeque<Item>,
    /// Events folded away since the last summary.
    folded: usize,
    /// What the live region says now.
    pub current: String,
    /// Wall-clock ms when `current` may be replaced.
    free_at: f64,
    /// Bumps with every new announcement (so identical texts still re-announce).
    pub serial: u64,
}

impl Announcer {
    /// Queues a beat or a feedback line: always said, in order.
    pub fn say(&mut self, text: impl Into<String>) {
        self.pending.push_back(Item {
            text: text.into(),
            droppable: false,
        });
    }

    /// Queues an event sentence: may be folded into "and N more events" if too many wait.
    pub fn event(&mut self, text: impl Into<String>) {
        self.pending.push_back(Item {
            text: text.into(),
            droppable: true,
        });
        while self.pending.iter().filter(|i| i.droppable).count() > MAX_PENDING {
            if let Some(i) = self.pending.iter().position(|i| i.droppable) {
                self.pending.remove(i);
                self.folded += 1;
            }
        }
    }

    /// Counts `n` events that would have been folded anyway, without their sentences: a caller
    /// with thousands of new events (a seek across a long run) queues only the last
    /// [`MAX_PENDING`] and reports the rest here, which leaves the queue exactly as queuing them
    /// all would have.
    pub fn fold(&mut self, n: usize) {
        self.folded += n;
    }

    /// Drops everything waiting (the learner jumped elsewhere: old news is noise).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.folded = 0;
    }

    pub fn pending(&self) -> usize {
        self.pending.len() + usize::from(self.folded > 0)
    }

    /// At wall-clock `now` (ms): the next announcement, if the current one has had its time.
    pub fn pump(&mut self, now: f64) -> bool {
        if now < self.free_at {
            return false;
        }
        let next = if self.folded > 0 && self.pending.front().is_some_and(|i| i.droppable) {
            let n = std::mem::take(&mut self.folded);
            Some(format!(
                "{n} more event{} (the transcript has them all).",
                if n == 1 { "" } else { "s" }
            ))
        } else {
            self.pending.pop_front().map(|i| i.text)
        };
        match next {
            Some(text) => {
                self.free_at = now + hold_ms(&text);
                self.current = text;
                self.serial += 1;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_at_a_time_each_held_for_its_length() {
        let mut a = Announcer::default();
        a.say("Beat 1 of 5. An invoice lands in the bucket.");
        a.event("Attempt 1 of invocation 0 fails.");
        assert!(a.pump(0.0));
        assert_eq!(a.current, "Beat 1 of 5. An invoice lands in the bucket.");
        let hold = hold_ms(&a.current);
        assert!(hold >= MIN_HOLD_MS && hold == 44.0 * MS_PER_CHAR);
        // Frames keep coming; nothing changes until the first line has been read.
        for t in [16.0, 500.0, hold - 1.0] {
            assert!(!a.pump(t));
        }
        assert!(a.pump(hold));
        assert_eq!(a.current, "Attempt 1 of invocation 0 fails.");
        assert_eq!(a.pending(), 0);
        assert!(!a.pump(hold + 10_000.0), "nothing left to say");
        assert_eq!(a.serial, 2);
    }

    #[test]
    fn a_burst_of_events_is_folded_but_beats_are_never_dropped() {
        let mut a = Announcer::default();
        a.say("Beat 3.");
        for i in 0..40 {
            a.event(format!("Event {i}."));
        }
        a.say("Right: three runs.");
        assert_eq!(a.pending(), 1 + MAX_PENDING + 1 + 1);
        let mut said = Vec::new();
        let mut t = 0.0;
        while a.pending() > 0 {
            if a.pump(t) {
                said.push(a.current.clone());
            }
            t += 100.0;
        }
        assert_eq!(said[0], "Beat 3.");
        assert_eq!(said[1], "34 more events (the transcript has them all).");
        assert_eq!(said[2], "Event 34.");
        assert_eq!(said.last().unwrap(), "Right: three runs.");
        assert_eq!(said.len(), 1 + 1 + MAX_PENDING + 1);
        // Forty events at one per frame would have taken 40 frames; read out, it takes seconds.
        assert!(t >= 8.0 * MIN_HOLD_MS);
    }

    #[test]
    fn folding_unsaid_events_equals_queuing_them_all() {
        for waiting in [0, 3, MAX_PENDING] {
            let (mut all, mut folded) = (Announcer::default(), Announcer::default());
            for a in [&mut all, &mut folded] {
                a.say("Beat 1.");
                for i in 0..waiting {
                    a.event(format!("Earlier {i}."));
                }
            }
            for i in 0..500 {
                all.event(format!("Event {i}."));
            }
            folded.fold(500 - MAX_PENDING);
            for i in 500 - MAX_PENDING..500 {
                folded.event(format!("Event {i}."));
            }
            // Folding counts what was skipped; queuing the last six then drops the older events
            // still waiting, exactly as queuing all 500 did.
            assert_eq!(folded.pending, all.pending);
            assert_eq!(folded.folded, all.folded, "waiting {waiting}");
        }
    }

    #[test]
    fn clearing_forgets_what_was_waiting() {
        let mut a = Announcer::default();
        a.event("old");
        a.event("older");
        a.clear();
        a.say("Beat 2.");
        assert!(a.pump(0.0));
        assert_eq!(a.current, "Beat 2.");
        assert_eq!(a.pending(), 0);
    }
}
