//! The token index: each filter is filed under one token its pattern guarantees, so a request is
//! checked only against filters whose token occurs in its URL (the technique of adblock-rust and
//! uBlock Origin), or under the host a `||host^` pattern names, found through the request's host
//! and the domains above it. A filter whose pattern guarantees no token but which applies only on some sites
//! (`/^https?:\/\/.*\.xyz\/.*/$domain=a.com|b.net`) is filed under each of those sites instead,
//! and found through the request's page. Stored as sorted arrays, not a hash map, so a snapshot
//! loads without rehashing.

use super::pattern::is_token_char;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// 32-bit FNV-1a: stable across builds and platforms, which snapshot files need.
pub fn token_hash(token: &[u8]) -> u32 {
    fnv(FNV_SEED, token)
}

const FNV_SEED: u32 = 0x811c_9dc5;

fn fnv(seed: u32, bytes: &[u8]) -> u32 {
    bytes.iter().fold(seed, |hash, &b| fnv_step(hash, b))
}

#[inline(always)]
fn fnv_step(hash: u32, b: u8) -> u32 {
    (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
}

/// [`is_token_char`] for every byte, looked up instead of tested on the request path.
static TOKEN_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_token_char(b as u8);
        b += 1;
    }
    table
};

/// The key of a page domain (`domain=` entry), hashed from another seed than URL tokens so the two
/// rarely share a key; when they do, a filter is merely checked once more, never missed.
pub fn domain_key(domain: &str) -> u32 {
    fnv(token_hash(b"domain="), domain.as_bytes())
}

/// The key of a request's host, or of a domain above it, that a `||host^` pattern names in full
/// ([`super::Pattern::named_host`]); seeded apart from tokens and page domains. A host is far
/// more telling than its tokens: `||x.com/1.1/jot` has only `com` to go by (the rest is cut or
/// single letters), which six in ten requests contain.
pub fn host_key(host: &str) -> u32 {
    fnv(token_hash(b"host="), host.as_bytes())
}

/// Tokens most URLs contain (the share of the Cliqz top-500 requests that do, measured: `https`
/// 97%, `com` 61%, `js` 26%, `www` 21%, `jpg` 16%, `net` 15%, then `static`, `images`, `de`,
/// `png`...). A filter is filed under one of them only when it has no other.
const COMMON_TOKENS: [&str; 30] = [
    "http", "https", "www", "com", "net", "org", "de", "ru", "fr", "uk", "co", "en", "js", "css", "jpg", "jpeg", "png",
    "gif", "svg", "webp", "html", "php", "static", "images", "img", "cdn", "assets", "min", "id", "api",
];

/// Where a filter is filed.
pub enum Keys {
    /// Tokens its pattern guarantees in every URL it matches (any one will do): filed under the
    /// rarest. None: checked for every request.
    Tokens(Vec<u32>),
    /// The keys of the only domains its pages may be on: filed under each.
    PageDomains(Vec<u32>),
}

/// The keys a request is looked up by: the hashes of the tokens of its (lower-cased) URL; the
/// [`host_key`] of its host and of each domain above it; and the keys of its page's host and of
/// each domain above it (`a.b.example` → `a.b.example`, `b.example`, `example`: the domains a
/// `domain=` entry can name to match it). Sorted, without duplicates.
pub fn request_keys(url: &str, host: &str, page_host: &str, out: &mut Vec<u32>) {
    out.clear();
    // One pass: each token is hashed as it is read (the same FNV-1a as `token_hash`), and a
    // table says which bytes are token characters.
    let (mut hash, mut len) = (FNV_SEED, 0usize);
    for &b in url.as_bytes() {
        if TOKEN_CHARS[usize::from(b)] {
            hash = fnv_step(hash, b);
            len += 1;
        } else {
            if len >= 2 {
                out.push(hash);
            }
            (hash, len) = (FNV_SEED, 0);
        }
    }
    if len >= 2 {
        out.push(hash);
    }
    out.push(host_key(host));
    out.extend(host.match_indices('.').map(|(at, _)| host_key(&host[at + 1..])));
    out.push(domain_key(page_host));
    out.extend(page_host.match_indices('.').map(|(at, _)| domain_key(&page_host[at + 1..])));
    out.sort_unstable();
    out.dedup();
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenIndex {
    /// Sorted token hashes; token `keys[i]`'s filters are `ids[starts[i]..starts[i + 1]]`.
    #[serde(with = "super::section")]
    keys: Vec<u32>,
    #[serde(with = "super::section")]
    starts: Vec<u32>,
    #[serde(with = "super::section")]
    ids: Vec<u32>,
    /// Filters with no usable token, checked for every request.
    #[serde(with = "super::section")]
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

/// An index of no filters (its `starts` hold the one end offset every index has).
impl Default for TokenIndex {
    fn default() -> TokenIndex {
        TokenIndex::build(&[])
    }
}

impl PartialEq for TokenIndex {
    fn eq(&self, other: &Self) -> bool {
        (&self.keys, &self.starts, &self.ids, &self.always) == (&other.keys, &other.starts, &other.ids, &other.always)
    }
}

impl Eq for TokenIndex {}

impl TokenIndex {
    /// Builds the index from each filter's keys, filing each filter under its rarest token (a
    /// common one only when it has no other) so that no bucket grows needlessly large or is
    /// looked in by most requests, or under each of its page domains.
    pub fn build(filters: &[(u32, Keys)]) -> TokenIndex {
        let common: Vec<u32> = COMMON_TOKENS.iter().map(|t| token_hash(t.as_bytes())).collect();
        let mut frequency: HashMap<u32, u32> = HashMap::new();
        for (_, keys) in filters {
            if let Keys::Tokens(tokens) = keys {
                for &token in tokens {
                    *frequency.entry(token).or_default() += 1;
                }
            }
        }
        let mut buckets: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut always = Vec::new();
        for (id, keys) in filters {
            match keys {
                Keys::Tokens(tokens) => match tokens.iter().min_by_key(|&&t| (common.contains(&t), frequency[&t], t)) {
                    Some(&token) => buckets.entry(token).or_default().push(*id),
                    None => always.push(*id),
                },
                Keys::PageDomains(domains) => {
                    for &key in domains {
                        let bucket = buckets.entry(key).or_default();
                        // A domain listed twice files the filter once.
                        if bucket.last() != Some(id) {
                            bucket.push(*id);
                        }
                    }
                }
            }
        }
        let mut keys: Vec<u32> = buckets.keys().copied().collect();
        keys.sort_unstable();
        let mut starts = Vec::with_capacity(keys.len() + 1);
        let mut ids = Vec::with_capacity(filters.len());
        for key in &keys {
            let bucket = &buckets[key];
            starts.push(ids.len() as u32);
            ids.extend_from_slice(bucket);
        }
        starts.push(ids.len() as u32);
        TokenIndex { keys, starts, ids, always, directory: OnceLock::new() }
    }

    /// Calls `visit` with each candidate filter for a request with these keys ([`request_keys`]),
    /// until it returns true.
    pub fn find(&self, request_keys: &[u32], mut visit: impl FnMut(u32) -> bool) -> bool {
        if self.always.iter().any(|&id| visit(id)) {
            return true;
        }
        let directory = self.directory.get_or_init(|| self.build_directory());
        request_keys.iter().any(|&token| {
            let slot = (token >> (32 - DIRECTORY_BITS)) as usize;
            let (from, to) = (directory[slot] as usize, directory[slot + 1] as usize);
            match self.keys[from..to].binary_search(&token) {
                Ok(at) => {
                    let (start, end) = (self.starts[from + at] as usize, self.starts[from + at + 1] as usize);
                    self.ids[start..end].iter().any(|&id| visit(id))
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
        let valid_starts = self.starts.len() == self.keys.len() + 1
            && self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|pair| pair[0] <= pair[1])
            && self.starts.last() == Some(&(self.ids.len() as u32));
        valid_starts && self.ids.iter().chain(&self.always).all(|&id| (id as usize) < count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_keys_are_url_tokens_of_two_or_more_the_hosts_and_the_page_domains() {
        let mut keys = Vec::new();
        request_keys("https://a.doubleclick.net/x/ads", "a.doubleclick.net", "www.news.example", &mut keys);
        let tokens = ["https", "doubleclick", "net", "ads"].map(|t| token_hash(t.as_bytes()));
        let hosts = ["a.doubleclick.net", "doubleclick.net", "net"].map(host_key);
        let domains = ["www.news.example", "news.example", "example"].map(domain_key);
        let mut expected: Vec<u32> = tokens.into_iter().chain(hosts).chain(domains).collect();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn filters_go_under_their_rarest_token() {
        let (net, ads, tracker) = (token_hash(b"net"), token_hash(b"ads"), token_hash(b"tracker"));
        let filters = [(0, vec![net, ads]), (1, vec![net, tracker]), (2, vec![net]), (3, vec![])];
        let index = TokenIndex::build(&filters.map(|(id, tokens)| (id, Keys::Tokens(tokens))));
        let mut seen = Vec::new();
        index.find(&[ads], |id| {
            seen.push(id);
            false
        });
        assert_eq!(seen, [3, 0]);
        assert!(index.ids_within(4) && !index.ids_within(3));
        // `com` is rarer among these filters than `pixel`, but most requests contain it.
        let (com, pixel) = (token_hash(b"com"), token_hash(b"pixel"));
        let filters = [(0, vec![com, pixel]), (1, vec![pixel]), (2, vec![pixel])];
        let index = TokenIndex::build(&filters.map(|(id, tokens)| (id, Keys::Tokens(tokens))));
        assert!(!index.find(&[com], |_| true), "nothing is filed under a common token");
    }

    #[test]
    fn a_filter_without_tokens_is_found_through_each_of_its_pages() {
        let (shop, news) = (domain_key("shop.example"), domain_key("news.example"));
        let index = TokenIndex::build(&[(0, Keys::PageDomains(vec![shop, news, shop])), (1, Keys::Tokens(vec![]))]);
        let found = |page: &str| {
            let (mut keys, mut seen) = (Vec::new(), Vec::new());
            request_keys("https://cdn.example/x.js", "cdn.example", page, &mut keys);
            index.find(&keys, |id| {
                seen.push(id);
                false
            });
            seen
        };
        assert_eq!(found("shop.example"), [1, 0]);
        assert_eq!(found("www.news.example"), [1, 0]);
        assert_eq!(found("other.example"), [1]);
        assert_eq!(found(""), [1]);
    }
}
