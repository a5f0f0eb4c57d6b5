//! The token index: each filter is filed under one token its pattern guarantees, so a request is
//! checked only against filters whose token occurs in its URL (the technique of adblock-rust and
//! uBlock Origin). Stored as sorted arrays, not a hash map, so a snapshot loads without rehashing.

use super::pattern::is_token_char;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// 32-bit FNV-1a: stable across builds and platforms, which snapshot files need.
pub fn token_hash(token: &[u8]) -> u32 {
    token.iter().fold(0x811c_9dc5u32, |hash, &b| (hash ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// Hashes of the tokens in a (lower-cased) URL, sorted and without duplicates.
pub fn url_tokens(url: &str, out: &mut Vec<u32>) {
    out.clear();
    let bytes = url.as_bytes();
    let mut start = None;
    for (i, &b) in bytes.iter().chain(std::iter::once(&b'/')).enumerate() {
        match (is_token_char(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 2 {
                    out.push(token_hash(&bytes[s..i]));
                }
                start = None;
            }
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenIndex {
    /// Sorted token hashes; `ranges[i]` locates token `keys[i]`'s filters in `ids`.
    keys: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    ids: Vec<u32>,
    /// Filters with no usable token, checked for every request.
    always: Vec<u32>,
    /// `directory[p]..directory[p + 1]` is where keys whose top `DIRECTORY_BITS` bits are `p` lie
    /// in `keys`: a lookup is one array read and a short scan instead of a binary search over
    /// every key (tens of thousands, so 16 scattered reads). Derived from `keys` on first use,
    /// so snapshots neither store nor trust it.
    #[serde(skip)]
    directory: OnceLock<Box<[u32]>>,
}

/// 4,096 slots: for EasyList + EasyPrivacy's ~50,000 keys about a dozen keys a slot (one or
/// two cache lines), for 16 KB an index.
const DIRECTORY_BITS: u32 = 12;

impl PartialEq for TokenIndex {
    fn eq(&self, other: &Self) -> bool {
        (&self.keys, &self.ranges, &self.ids, &self.always) == (&other.keys, &other.ranges, &other.ids, &other.always)
    }
}

impl Eq for TokenIndex {}

impl TokenIndex {
    /// Builds the index from each filter's candidate tokens, filing each filter under its
    /// rarest token so that no bucket grows needlessly large.
    pub fn build(filters: &[(u32, Vec<u32>)]) -> TokenIndex {
        let mut frequency: HashMap<u32, u32> = HashMap::new();
        for (_, tokens) in filters {
            for &token in tokens {
                *frequency.entry(token).or_default() += 1;
            }
        }
        let mut buckets: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut always = Vec::new();
        for (id, tokens) in filters {
            match tokens.iter().min_by_key(|&&t| (frequency[&t], t)) {
                Some(&token) => buckets.entry(token).or_default().push(*id),
                None => always.push(*id),
            }
        }
        let mut keys: Vec<u32> = buckets.keys().copied().collect();
        keys.sort_unstable();
        let mut ranges = Vec::with_capacity(keys.len());
        let mut ids = Vec::with_capacity(filters.len());
        for key in &keys {
            let bucket = &buckets[key];
            ranges.push((ids.len() as u32, bucket.len() as u32));
            ids.extend_from_slice(bucket);
        }
        TokenIndex { keys, ranges, ids, always, directory: OnceLock::new() }
    }

    /// Calls `visit` with each candidate filter for a URL with these tokens, until it returns true.
    pub fn find(&self, url_tokens: &[u32], mut visit: impl FnMut(u32) -> bool) -> bool {
        if self.always.iter().any(|&id| visit(id)) {
            return true;
        }
        let directory = self.directory.get_or_init(|| self.build_directory());
        url_tokens.iter().any(|&token| {
            let slot = (token >> (32 - DIRECTORY_BITS)) as usize;
            let (from, to) = (directory[slot] as usize, directory[slot + 1] as usize);
            match self.keys[from..to].binary_search(&token) {
                Ok(at) => {
                    let (start, len) = self.ranges[from + at];
                    self.ids[start as usize..(start + len) as usize].iter().any(|&id| visit(id))
                }
                Err(_) => false,
            }
        })
    }

    /// For each slot, the first key at or above it (keys are sorted).
    fn build_directory(&self) -> Box<[u32]> {
        let slots = 1usize << DIRECTORY_BITS;
        let mut directory = Vec::with_capacity(slots + 1);
        let mut at = 0;
        for slot in 0..slots {
            while at < self.keys.len() && ((self.keys[at] >> (32 - DIRECTORY_BITS)) as usize) < slot {
                at += 1;
            }
            directory.push(at as u32);
        }
        directory.push(self.keys.len() as u32);
        directory.into_boxed_slice()
    }

    /// Whether every filter id in the index is below `count` (a snapshot check).
    pub fn ids_within(&self, count: usize) -> bool {
        let valid_ranges = self.keys.len() == self.ranges.len()
            && self.ranges.iter().all(|&(start, len)| (start as usize + len as usize) <= self.ids.len());
        valid_ranges && self.ids.iter().chain(&self.always).all(|&id| (id as usize) < count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_tokens_are_runs_of_two_or_more() {
        let mut tokens = Vec::new();
        url_tokens("https://a.doubleclick.net/x/ads", &mut tokens);
        let mut expected: Vec<u32> =
            ["https", "doubleclick", "net", "ads"].iter().map(|t| token_hash(t.as_bytes())).collect();
        expected.sort_unstable();
        assert_eq!(tokens, expected);
    }

    #[test]
    fn filters_go_under_their_rarest_token() {
        let (net, ads, tracker) = (token_hash(b"net"), token_hash(b"ads"), token_hash(b"tracker"));
        let index = TokenIndex::build(&[(0, vec![net, ads]), (1, vec![net, tracker]), (2, vec![net]), (3, vec![])]);
        let mut seen = Vec::new();
        index.find(&[ads], |id| {
            seen.push(id);
            false
        });
        assert_eq!(seen, [3, 0]);
        assert!(index.ids_within(4) && !index.ids_within(3));
    }
}
