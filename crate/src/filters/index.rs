//! The token index: each filter is filed under one token its pattern guarantees, so a request is
//! checked only against filters whose token occurs in its URL (the technique of adblock-rust and
//! uBlock Origin). Stored as sorted arrays, not a hash map, so a snapshot loads without rehashing.

use super::pattern::is_token_char;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenIndex {
    /// Sorted token hashes; `ranges[i]` locates token `keys[i]`'s filters in `ids`.
    keys: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    ids: Vec<u32>,
    /// Filters with no usable token, checked for every request.
    always: Vec<u32>,
}

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
        TokenIndex { keys, ranges, ids, always }
    }

    /// Calls `visit` with each candidate filter for a URL with these tokens, until it returns true.
    pub fn find(&self, url_tokens: &[u32], mut visit: impl FnMut(u32) -> bool) -> bool {
        if self.always.iter().any(|&id| visit(id)) {
            return true;
        }
        url_tokens.iter().any(|token| match self.keys.binary_search(token) {
            Ok(at) => {
                let (start, len) = self.ranges[at];
                self.ids[start as usize..(start + len) as usize].iter().any(|&id| visit(id))
            }
            Err(_) => false,
        })
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
