//! Live invocations, indexed by id, and any other table keyed by ids handed out in increasing
//! order (an SQS queue's messages).
//!
//! Ids are handed out in increasing order and invocations mostly end in roughly the order they
//! started, so a sliding window (`VecDeque` of slots starting at the oldest live id) gives O(1)
//! lookups with memory proportional to the span of live ids. A `BTreeMap` did the same job at
//! 19 levels deep for the million-invocation benchmark; this is what took it past 5 M events/s.
//! Iteration is in id order, so determinism is unaffected.

use std::collections::VecDeque;

use crate::trace::InvocationId;
use crate::world::Invocation;

/// Values by invocation id, inserted in increasing id order (see the module comment).
#[derive(Debug)]
pub(crate) struct IdWindow<V> {
    /// Id of `slots[0]`.
    base: u32,
    slots: VecDeque<Option<V>>,
    live: usize,
}

/// Every live invocation of a run.
pub(crate) type Invocations = IdWindow<Invocation>;

/// Slot by slot through `push_back`, which every window compiles anyway: the derived clone (an
/// `extend` from an iterator) compiled a few hundred bytes of iterator folding per kind of window.
impl<V: Clone> Clone for IdWindow<V> {
    fn clone(&self) -> Self {
        let mut slots = VecDeque::with_capacity(self.slots.len());
        for slot in &self.slots {
            slots.push_back(slot.clone());
        }
        IdWindow {
            base: self.base,
            slots,
            live: self.live,
        }
    }
}

impl<V> Default for IdWindow<V> {
    fn default() -> Self {
        IdWindow {
            base: 0,
            slots: VecDeque::new(),
            live: 0,
        }
    }
}

impl<V> IdWindow<V> {
    fn index(&self, id: &InvocationId) -> Option<usize> {
        id.0.checked_sub(self.base)
            .map(|i| i as usize)
            .filter(|i| *i < self.slots.len())
    }
    pub fn get(&self, id: &InvocationId) -> Option<&V> {
        self.index(id).and_then(|i| self.slots[i].as_ref())
    }
    pub fn get_mut(&mut self, id: &InvocationId) -> Option<&mut V> {
        self.index(id).and_then(move |i| self.slots[i].as_mut())
    }
    pub fn contains_key(&self, id: &InvocationId) -> bool {
        self.get(id).is_some()
    }
    /// Inserts the value for a new id (ids must be inserted in increasing order).
    pub fn insert(&mut self, id: InvocationId, v: V) {
        if self.slots.is_empty() {
            self.base = id.0;
        }
        let end = self.base + self.slots.len() as u32;
        assert!(
            id.0 >= end,
            "invocation ids are inserted in increasing order"
        );
        for _ in end..id.0 {
            self.slots.push_back(None);
        }
        self.slots.push_back(Some(v));
        self.live += 1;
    }
    pub fn remove(&mut self, id: &InvocationId) -> Option<V> {
        let i = self.index(id)?;
        let removed = self.slots[i].take();
        if removed.is_some() {
            self.live -= 1;
        }
        while let Some(None) = self.slots.front() {
            // An empty slot: nothing to drop (forgotten rather than dropped, which compiled a
            // drop of `V` here for every kind of window).
            std::mem::forget(self.slots.pop_front());
            self.base += 1;
        }
        removed
    }
    pub fn len(&self) -> usize {
        self.live
    }
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    /// Entries in increasing id order.
    pub fn iter(&self) -> impl Iterator<Item = (InvocationId, &V)> {
        let base = self.base;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| s.as_ref().map(|s| (InvocationId(base + i as u32), s)))
    }
    /// The entry with the lowest id: the first slot, as the window never starts with an empty one.
    pub fn first(&self) -> Option<(InvocationId, &V)> {
        let v = self.slots.front()?.as_ref()?;
        Some((InvocationId(self.base), v))
    }
}

impl<V> std::ops::Index<&InvocationId> for IdWindow<V> {
    type Output = V;
    fn index(&self, id: &InvocationId) -> &V {
        self.get(id).expect("live invocation")
    }
}
