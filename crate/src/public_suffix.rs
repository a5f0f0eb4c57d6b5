//! Public suffixes (`co.uk`, `github.io`) and registrable domains (eTLD+1), from Mozilla's Public
//! Suffix List (`data/public_suffix_list.dat`, MPL-2.0).
//!
//! The module carries the list's rules as text (build/public_suffix.rs: 150 kB, 44 kB gzipped)
//! and indexes them into a hash table at first use. The `psl` crate it replaces compiles the
//! list into match code, 890 kB of the extension's wasm (30% of it), for a lookup that is no
//! faster than one hash probe per label.
//!
//! Answers are those of the `psl` crate, on which the callers were written: labels are compared
//! as bytes (callers pass lower-case hosts), one trailing dot is kept out of the answer, and a
//! top-level domain the list does not know is its own suffix (the list's implicit `*` rule).

use std::sync::OnceLock;

static RULES: &str = include_str!(concat!(env!("OUT_DIR"), "/public_suffix.txt"));

/// The public suffix of `host`: `a.example.co.uk` → `co.uk`, `x.unlisted` → `unlisted`. None
/// for an empty host.
pub fn suffix(host: &str) -> Option<&str> {
    let (body, fqdn) = strip_dot(host);
    let len = suffix_len(body.as_bytes());
    (len > 0 || fqdn).then(|| &body[body.len() - len..])
}

/// The registrable domain of `host`, the public suffix and one label before it:
/// `a.b.example.co.uk` → `example.co.uk`. None when `host` is a public suffix itself.
pub fn domain(host: &str) -> Option<&str> {
    let (body, fqdn) = strip_dot(host);
    let len = suffix_len(body.as_bytes());
    if (len == 0 && !fqdn) || body.len() < len + 2 {
        return None;
    }
    let subdomain = &body[..body.len() - 1 - len];
    Some(&body[subdomain.rfind('.').map_or(0, |dot| dot + 1)..])
}

/// A fully qualified name's trailing dot is not part of its suffix or domain.
fn strip_dot(host: &str) -> (&str, bool) {
    match host.strip_suffix('.') {
        Some(body) => (body, true),
        None => (host, false),
    }
}

/// The node is a rule: `co.uk`.
const RULE: u8 = 1;
/// The node is an exception to its parent's wildcard: `!www.ck`.
const EXCEPTION: u8 = 2;
/// Every child of the node is a suffix: `*.ck`.
const WILDCARD: u8 = 4;

/// A suffix some rule ends with (`uk`, `co.uk`), found by its text in `RULES`.
#[derive(Clone, Copy)]
struct Node {
    start: u32,
    len: u16,
    flags: u8,
    hash: u32,
}

impl Node {
    fn text(&self) -> &'static [u8] {
        &RULES.as_bytes()[self.start as usize..self.start as usize + self.len as usize]
    }
}

/// Open addressing over the nodes; a slot holds a node's index + 1, 0 when empty.
struct Table {
    slots: Vec<u32>,
    nodes: Vec<Node>,
}

/// FNV-1a over a name's bytes from its end, so a suffix's hash extends to the next label's
/// without hashing again what it already covers.
const SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

fn hash_back(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes.iter().rev() {
        hash = step(hash, byte);
    }
    hash
}

impl Table {
    fn build() -> Table {
        let lines = RULES.lines().count();
        let mut table =
            Table { slots: vec![0; (lines * 2).next_power_of_two()], nodes: Vec::with_capacity(lines * 5 / 4) };
        let mut start = 0;
        for line in RULES.lines() {
            let (flag, skip) = match line.as_bytes().first() {
                Some(b'!') => (EXCEPTION, 1),
                Some(b'*') => (WILDCARD, 2),
                _ => (RULE, 0),
            };
            let domain = &line.as_bytes()[skip..];
            let mut hash = SEED;
            let mut node = 0;
            for at in (0..domain.len()).rev() {
                if domain[at] == b'.' {
                    hash = step(hash, b'.');
                    continue;
                }
                hash = step(hash, domain[at]);
                if at == 0 || domain[at - 1] == b'.' {
                    node = table.insert(hash, (start + skip + at) as u32, &domain[at..]);
                }
            }
            table.nodes[node].flags |= flag;
            start += line.len() + 1;
        }
        table
    }

    fn slot(&self, hash: u64) -> usize {
        (hash ^ (hash >> 29)) as usize & (self.slots.len() - 1)
    }

    /// The index of the node for `text`, added if new.
    fn insert(&mut self, hash: u64, start: u32, text: &[u8]) -> usize {
        let mut slot = self.slot(hash);
        loop {
            match self.slots[slot] {
                0 => {
                    self.nodes.push(Node { start, len: text.len() as u16, flags: 0, hash: hash as u32 });
                    self.slots[slot] = self.nodes.len() as u32;
                    return self.nodes.len() - 1;
                }
                index if self.nodes[index as usize - 1].is(hash, text) => return index as usize - 1,
                _ => slot = (slot + 1) & (self.slots.len() - 1),
            }
        }
    }

    fn get(&self, hash: u64, text: &[u8]) -> Option<&Node> {
        let mut slot = self.slot(hash);
        loop {
            let node = self.nodes.get(self.slots[slot].checked_sub(1)? as usize)?;
            if node.is(hash, text) {
                return Some(node);
            }
            slot = (slot + 1) & (self.slots.len() - 1);
        }
    }
}

impl Node {
    fn is(&self, hash: u64, text: &[u8]) -> bool {
        self.hash == hash as u32 && self.text() == text
    }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Table::build)
}

/// The length of the public suffix `name` ends with: the longest rule that matches, walking
/// the labels from the right while some rule continues the walk.
fn suffix_len(name: &[u8]) -> usize {
    let table = table();
    let label_start = |end: usize| name[..end].iter().rposition(|&b| b == b'.').map_or(0, |dot| dot + 1);
    let mut start = label_start(name.len());
    // The top-level label is a suffix whether the list knows it or not (the implicit `*` rule).
    let mut len = name.len() - start;
    let mut hash = hash_back(SEED, &name[start..]);
    let Some(mut node) = table.get(hash, &name[start..]) else {
        return len;
    };
    while start > 0 {
        let parent_len = name.len() - start;
        let next = label_start(start - 1);
        hash = hash_back(step(hash, b'.'), &name[next..start - 1]);
        start = next;
        match table.get(hash, &name[start..]) {
            Some(child) => {
                if child.flags & EXCEPTION != 0 {
                    len = parent_len;
                } else if child.flags & RULE != 0 {
                    len = name.len() - start;
                }
                node = child;
            }
            None => {
                if node.flags & WILDCARD != 0 {
                    len = name.len() - start;
                }
                break;
            }
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_wildcards_and_exceptions() {
        assert_eq!(domain("static.hotjar.com"), Some("hotjar.com"));
        assert_eq!(domain("a.b.example.co.uk"), Some("example.co.uk"));
        assert_eq!(suffix("a.b.example.co.uk"), Some("co.uk"));
        // Private section: each user's site is its own.
        assert_eq!(domain("user.github.io"), Some("user.github.io"));
        assert_eq!(domain("github.io"), None);
        // `*.ck` with the exception `!www.ck`.
        assert_eq!(suffix("a.b.ck"), Some("b.ck"));
        assert_eq!(domain("a.b.ck"), Some("a.b.ck"));
        assert_eq!(domain("www.ck"), Some("www.ck"));
        assert_eq!(suffix("www.ck"), Some("ck"));
        // `*.kawasaki.jp` with `!city.kawasaki.jp`.
        assert_eq!(domain("x.city.kawasaki.jp"), Some("city.kawasaki.jp"));
        assert_eq!(domain("x.other.kawasaki.jp"), Some("x.other.kawasaki.jp"));
    }

    #[test]
    fn unlisted_names_and_edges() {
        assert_eq!(domain("news.example"), Some("news.example"));
        assert_eq!(suffix("a.unlisted"), Some("unlisted"));
        assert_eq!(domain("localhost"), None);
        assert_eq!(domain("www.example.com."), Some("example.com"));
        assert_eq!(suffix("example.com."), Some("com"));
        assert_eq!(suffix(""), None);
        assert_eq!(domain(""), None);
        assert_eq!(domain("."), None);
        assert_eq!(domain("a..com"), Some(".com"));
        // An intermediate node that is no rule (`platform.salesforce.com` leads to a deeper
        // wildcard) leaves the suffix where the last rule put it.
        assert_eq!(suffix("a.platform.salesforce.com"), suffix("a.other.salesforce.com"));
    }

    #[test]
    fn unicode_rules_match_in_punycode_too() {
        assert_eq!(domain("shop.example.公司.cn"), Some("example.公司.cn"));
        assert_eq!(domain("shop.example.xn--55qx5d.cn"), Some("example.xn--55qx5d.cn"));
    }
}
