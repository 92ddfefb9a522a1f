//! [`IdMap`]: an ordered map from a small integer id to a value, for the engine's and the scene's
//! many id-keyed tables (messages by invocation, batches, executions, timers...).
//!
//! Why not `BTreeMap<InvocationId, V>` directly: every distinct `(K, V)` pair of a `BTreeMap`
//! compiles its own copy of the tree code (insert, remove with rebalancing, clone, drop), about
//! 5 KB of WebAssembly each, and the engine had nineteen of them: ~100 KB of the app's download
//! was B-tree code. Here every map shares one `BTreeMap<u32, u32>` (id → slot) and keeps its
//! values in a plain `Vec`, whose code is small. Behaviour is the `BTreeMap`'s: lookups are
//! O(log n), iteration is in increasing id order, so nothing that folds over a map changes order.
//!
//! Removal swaps the last slot into the hole (O(log n) to re-point its index entry), so slots are
//! in no particular order; only the index is ordered, and every iteration goes through it.

use std::collections::BTreeMap;

/// A key of an [`IdMap`]: a copyable id whose order is the order of its `u32`.
pub trait IdKey: Copy {
    fn id(self) -> u32;
}

impl IdKey for u32 {
    fn id(self) -> u32 {
        self
    }
}

impl IdKey for usize {
    /// Source indexes (a scenario has at most a few dozen sources).
    fn id(self) -> u32 {
        u32::try_from(self).expect("an IdMap key fits in 32 bits")
    }
}

/// An ordered map from an [`IdKey`] to `V` (see the module comment for why it exists).
#[derive(Clone, Debug)]
pub struct IdMap<K, V> {
    index: BTreeMap<u32, u32>,
    slots: Vec<(K, V)>,
}

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap {
            index: BTreeMap::new(),
            slots: Vec::new(),
        }
    }
}

impl<K: IdKey, V> IdMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn contains_key(&self, k: &K) -> bool {
        self.index.contains_key(&k.id())
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        let slot = *self.index.get(&k.id())?;
        Some(&self.slots[slot as usize].1)
    }

    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        let slot = *self.index.get(&k.id())?;
        Some(&mut self.slots[slot as usize].1)
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self.index.get(&k.id()) {
            Some(&slot) => Some(std::mem::replace(&mut self.slots[slot as usize].1, v)),
            None => {
                self.push(k, v);
                None
            }
        }
    }

    /// The value for `k`, inserted with `make` first if absent (`entry(k).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, k: K, make: impl FnOnce() -> V) -> &mut V {
        let slot = match self.index.get(&k.id()) {
            Some(&slot) => slot,
            None => self.push(k, make()),
        };
        &mut self.slots[slot as usize].1
    }

    /// Adds an entry for a key known to be absent; returns its slot.
    fn push(&mut self, k: K, v: V) -> u32 {
        let slot = u32::try_from(self.slots.len()).expect("fewer than 2^32 entries");
        self.index.insert(k.id(), slot);
        self.slots.push((k, v));
        slot
    }

    pub fn remove(&mut self, k: &K) -> Option<V> {
        let slot = self.index.remove(&k.id())? as usize;
        let (_, v) = self.slots.swap_remove(slot);
        if let Some((moved, _)) = self.slots.get(slot) {
            // The former last entry now lives in the hole: point its index entry there.
            self.index.insert(moved.id(), slot as u32);
        }
        Some(v)
    }

    /// Entries in increasing key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.index.values().map(|&slot| {
            let (k, v) = &self.slots[slot as usize];
            (k, v)
        })
    }

    /// Values in increasing key order.
    pub fn values(&self) -> impl Iterator<Item = &V> + '_ {
        self.index
            .values()
            .map(|&slot| &self.slots[slot as usize].1)
    }

    /// The entry with the smallest key.
    pub fn first(&self) -> Option<(&K, &V)> {
        self.iter().next()
    }

    /// Keeps the entries for which `keep` says yes (called in increasing key order).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let order: Vec<u32> = self.index.values().copied().collect();
        let mut gone = Vec::new();
        for slot in order {
            let (k, v) = &mut self.slots[slot as usize];
            if !keep(k, v) {
                gone.push(*k);
            }
        }
        for k in gone {
            self.remove(&k);
        }
    }

    /// The values in increasing key order, consuming the map.
    pub fn into_values(self) -> impl Iterator<Item = V> {
        let order: Vec<u32> = self.index.into_values().collect();
        let mut slots: Vec<Option<V>> = self.slots.into_iter().map(|(_, v)| Some(v)).collect();
        order
            .into_iter()
            .filter_map(move |slot| slots[slot as usize].take())
    }
}

impl<K: IdKey, V> std::ops::Index<&K> for IdMap<K, V> {
    type Output = V;
    /// Panics if absent, as `BTreeMap`'s indexing does.
    fn index(&self, k: &K) -> &V {
        self.get(k).expect("no entry for this id")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map behaves as a `BTreeMap` under a long pseudo-random mix of inserts, replacements,
    /// removals and retains (removal moves slots around; the order must not notice).
    #[test]
    fn behaves_as_a_btreemap() {
        let mut ours: IdMap<u32, u64> = IdMap::new();
        let mut model: BTreeMap<u32, u64> = BTreeMap::new();
        let mut rng = crate::rng::Rng::new(7);
        for step in 0..20_000u64 {
            let k = (rng.next_u64() % 300) as u32;
            match rng.next_u64() % 10 {
                0..=4 => assert_eq!(ours.insert(k, step), model.insert(k, step)),
                5..=7 => assert_eq!(ours.remove(&k), model.remove(&k)),
                8 => {
                    *ours.get_or_insert_with(k, || 0) += 1;
                    *model.entry(k).or_insert(0) += 1;
                }
                _ => {
                    let cut = step % 7;
                    ours.retain(|_, v| *v % 7 != cut);
                    model.retain(|_, v| *v % 7 != cut);
                }
            }
            assert_eq!(ours.len(), model.len());
            assert_eq!(ours.get(&k), model.get(&k));
            assert_eq!(ours.contains_key(&k), model.contains_key(&k));
            if step % 97 == 0 {
                let a: Vec<(u32, u64)> = ours.iter().map(|(k, v)| (*k, *v)).collect();
                let b: Vec<(u32, u64)> = model.iter().map(|(k, v)| (*k, *v)).collect();
                assert_eq!(a, b);
                assert_eq!(ours.first().map(|(k, _)| *k), model.keys().next().copied());
            }
        }
        let a: Vec<u64> = ours.clone().into_values().collect();
        let b: Vec<u64> = model.into_values().collect();
        assert_eq!(a, b);
        assert_eq!(ours.values().copied().collect::<Vec<_>>(), b);
    }
}
