//! Finds the lexicon's terms and schema.org types in a page's signals.
//!
//! Each field is cut into folded words (`words.rs`); at every word the FNV-1a hash of one, two
//! and three words is looked up in the compiled index (a binary search over integers), extending
//! a phrase only while the index says a longer term starts that way. A term counts once per
//! field, however often it appears.

use super::words::{fnv_extend, for_each_word, FNV_OFFSET};
use super::{Field, PageSignals, Sensitive, Target, Topic};

pub(super) struct Term {
    pub text: &'static str,
    pub target: Target,
    pub weight: i8,
    #[allow(dead_code)] // kept in the table for debugging and future per-language reports
    pub lang: &'static str,
}

pub(super) struct IndexEntry {
    hash: u64,
    first: usize,
    count: usize,
    /// A longer term starts with these words.
    prefix: bool,
}

include!(concat!(env!("OUT_DIR"), "/context_lexicon.rs"));

/// Longest phrase in the lexicon, in words.
const MAX_WORDS: usize = 3;

fn entry(hash: u64) -> Option<&'static IndexEntry> {
    INDEX.binary_search_by(|e| e.hash.cmp(&hash)).ok().map(|at| &INDEX[at])
}

/// Bounds on what one field contributes (hostile pages can send megabytes of title).
const MAX_FIELD: usize = 4000;
const MAX_HEADINGS: usize = 24;
const MAX_SCHEMA_TYPES: usize = 32;

/// Calls `emit(field, term, target, weight)` for every distinct term found in each field.
pub(super) fn scan(page: &PageSignals, mut emit: impl FnMut(Field, &str, Target, f32)) {
    let mut scanner = Scanner::default();
    let (host, path) = host_and_path(&page.url);
    scanner.field(Field::Host, &[host], &mut emit);
    scan_host_labels(host, &mut emit);
    scanner.field(Field::Path, &[path], &mut emit);
    scanner.field(Field::Title, &[&page.title, &page.og_title], &mut emit);
    scanner.field(Field::Description, &[&page.description, &page.og_description], &mut emit);
    scanner.field(Field::Keywords, &[&page.keywords], &mut emit);
    let headings: Vec<&str> = page.headings.iter().take(MAX_HEADINGS).map(String::as_str).collect();
    scanner.field(Field::Heading, &headings, &mut emit);
    scanner.field(Field::Text, &[bounded(&page.text, super::MAX_TEXT)], &mut emit);

    let mut seen: Vec<&str> = Vec::new();
    for name in page.schema_types.iter().take(MAX_SCHEMA_TYPES) {
        let name = name.rsplit(['/', ':']).next().unwrap_or(name);
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        if let Ok(at) = SCHEMA_TYPES.binary_search_by(|(n, _, _)| n.cmp(&name)) {
            let (type_name, target, weight) = SCHEMA_TYPES[at];
            emit(Field::Schema, type_name, target, f32::from(weight));
        }
    }
}

#[derive(Default)]
struct Scanner {
    buf: String,
    /// The current field's folded words, each followed by a space.
    words: String,
    ends: Vec<usize>,
    seen: Vec<usize>,
}

impl Scanner {
    fn field(&mut self, field: Field, parts: &[&str], emit: &mut impl FnMut(Field, &str, Target, f32)) {
        self.seen.clear();
        for part in parts {
            self.words.clear();
            self.ends.clear();
            let (words, ends) = (&mut self.words, &mut self.ends);
            for_each_word(
                bounded(part, if field == Field::Text { super::MAX_TEXT } else { MAX_FIELD }),
                &mut self.buf,
                |w| {
                    words.push_str(w);
                    ends.push(words.len());
                    words.push(' ');
                    true
                },
            );
            let mut start = 0;
            for i in 0..self.ends.len() {
                let mut hash = FNV_OFFSET;
                let mut from = start;
                for k in 0..MAX_WORDS.min(self.ends.len() - i) {
                    let end = self.ends[i + k];
                    hash = fnv_extend(hash, &self.words.as_bytes()[from..end]);
                    let Some(found) = entry(hash) else { break };
                    for (id, term) in TERMS.iter().enumerate().skip(found.first).take(found.count) {
                        if !self.seen.contains(&id) {
                            self.seen.push(id);
                            emit(field, term.text, term.target, f32::from(term.weight));
                        }
                    }
                    if !found.prefix {
                        break;
                    }
                    from = end; // the space before the next word is hashed with it
                }
                start = self.ends[i] + 1;
            }
        }
    }
}

/// Lexicon words glued inside a host label ("plannedparenthood", "gaysexhookup"); only words of
/// four letters or more, so short ones do not match by accident.
fn scan_host_labels(host: &str, emit: &mut impl FnMut(Field, &str, Target, f32)) {
    let labels: Vec<&str> = host.split('.').collect();
    // The last label is the top-level domain; "www" and the like carry nothing.
    for label in labels.iter().take(labels.len().saturating_sub(1)) {
        let label = label.to_ascii_lowercase();
        for part in label.split('-') {
            for &(word, id) in HOST_TERMS {
                if part.len() > word.len() && part.contains(word) {
                    let term = &TERMS[usize::from(id)];
                    emit(Field::Host, term.text, term.target, f32::from(term.weight) * 0.75);
                }
            }
        }
    }
}

fn host_and_path(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    (bounded(host, 253), bounded(path, MAX_FIELD))
}

/// The first `max` bytes of `text`, cut at a character boundary.
pub(super) fn bounded(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
pub(super) fn term_count() -> usize {
    TERMS.len()
}

#[cfg(test)]
pub(super) fn all_targets() -> impl Iterator<Item = Target> {
    TERMS.iter().map(|t| t.target).chain(SCHEMA_TYPES.iter().map(|t| t.1))
}

/// Every lexicon term as written, for benchmarks and reports.
pub(super) fn terms() -> impl Iterator<Item = &'static str> {
    TERMS.iter().map(|t| t.text)
}
