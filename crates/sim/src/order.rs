//! One sort for the whole program.
//!
//! Each distinct `sort_by_key` call compiles its own copy of the standard library's sort (its
//! quicksort, merge and small-sort paths: about 3 KB of WebAssembly each). The few places that
//! sort by a number go through [`sort_by_u64_key`] instead, so the app carries one copy: the sort
//! of `(u64, u32)` pairs.

/// Sorts `v` by `key`, stably (equal keys keep their order).
pub fn sort_by_u64_key<T>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if v.len() < 2 {
        return;
    }
    let mut keyed: Vec<(u64, u32)> = v
        .iter()
        .enumerate()
        .map(|(i, x)| (key(x), u32::try_from(i).expect("fewer than 2^32 items")))
        .collect();
    // The index makes every pair distinct, so the unstable sort gives the stable order.
    keyed.sort_unstable();
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        keyed
            .into_iter()
            .filter_map(|(_, i)| slots[i as usize].take()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut rng = crate::rng::Rng::new(3);
        for len in [0usize, 1, 2, 3, 10, 100, 1000] {
            let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.next_u64() % 7, i)).collect();
            let mut ours = v.clone();
            sort_by_u64_key(&mut ours, |x| x.0);
            let mut std = v;
            std.sort_by_key(|x| x.0);
            assert_eq!(ours, std);
        }
    }
}
