//! Finds the lexicon's terms and schema.org types in a page's signals.
//!
//! Each field is cut into folded words (`words.rs`); at every word the hash of one, two and
//! three words is looked up in the compiled index (an open-addressing table built at compile time), extending
//! a phrase only while the index says a longer term starts that way. A term counts once per
//! field, however often it appears.

use super::words::{letter_bit, phrase_hash, word_hashes};
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

/// The index entry of a folded word or phrase, by its hash (the generated open-addressing table).
fn entry(hash: u64) -> Option<&'static IndexEntry> {
    let mask = SLOTS.len() - 1;
    let mut slot = (hash >> (64 - SLOT_BITS)) as usize;
    loop {
        let at = usize::from(SLOTS[slot]).checked_sub(1)?;
        if INDEX[at].hash == hash {
            return Some(&INDEX[at]);
        }
        slot = (slot + 1) & mask;
    }
}

/// Bounds on what one field contributes (hostile pages can send megabytes of title).
const MAX_FIELD: usize = 4000;
const MAX_HEADINGS: usize = 24;
const MAX_SCHEMA_TYPES: usize = 32;

/// Calls `emit(field, term, target, weight)` for every distinct term found in each field.
pub(super) fn scan(page: &PageSignals, mut emit: impl FnMut(Field, &'static str, Target, f32)) {
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
    /// Scratch space for folding a word beyond ASCII (ASCII words stay in the text).
    folded: String,
    /// The current part's words, hashed.
    words: Vec<u64>,
    /// Terms already found in the current field, one bit per term.
    seen: Vec<u64>,
}

impl Scanner {
    fn field(&mut self, field: Field, parts: &[&str], emit: &mut impl FnMut(Field, &'static str, Target, f32)) {
        self.seen.clear();
        self.seen.resize(TERMS.len().div_ceil(64), 0);
        let limit = if field == Field::Text { super::MAX_TEXT } else { MAX_FIELD };
        for part in parts {
            let text = bounded(part, limit);
            word_hashes(text, &mut self.folded, &mut self.words);
            for i in 0..self.words.len() {
                let mut hash = self.words[i];
                for k in 0..MAX_WORDS.min(self.words.len() - i) {
                    if k > 0 {
                        // "a b c" hashes as "a", then "b", then "c", as the lexicon was compiled.
                        hash = phrase_hash(hash, self.words[i + k]);
                    }
                    let Some(found) = entry(hash) else { break };
                    for (id, term) in TERMS.iter().enumerate().skip(found.first).take(found.count) {
                        let (word, bit) = (id / 64, 1u64 << (id % 64));
                        if self.seen[word] & bit == 0 {
                            self.seen[word] |= bit;
                            emit(field, term.text, term.target, f32::from(term.weight));
                        }
                    }
                    if !found.prefix {
                        break;
                    }
                }
            }
        }
    }
}

/// Lexicon words glued inside a host label ("gaysexhookup"), only words of four letters or more
/// so short ones do not match by accident; and phrases written as one label without their spaces
/// ("plannedparenthood.org"). A word is found by the word scan when it is the whole label, and
/// here only inside a longer one, discounted: part of a label may be a word by accident. A phrase
/// that is the whole label is the site's name, at full weight.
fn scan_host_labels(host: &str, emit: &mut impl FnMut(Field, &'static str, Target, f32)) {
    let labels: Vec<&str> = host.split('.').collect();
    // The last label is the top-level domain; "www" and the like carry nothing.
    for label in labels.iter().take(labels.len().saturating_sub(1)) {
        let label = label.to_ascii_lowercase();
        for part in label.split('-') {
            let letters = part.bytes().fold(0, |mask, b| mask | letter_bit(b));
            for &(glued, id, glued_letters, phrase) in HOST_TERMS {
                if glued_letters & !letters != 0 || !part.contains(glued) {
                    continue;
                }
                let whole = part.len() == glued.len();
                let factor = match (whole, phrase) {
                    (true, false) => continue, // the word scan's find
                    (true, true) => 1.0,
                    (false, _) => 0.75,
                };
                let term = &TERMS[usize::from(id)];
                emit(Field::Host, term.text, term.target, f32::from(term.weight) * factor);
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
