//! Reading HTTP Archives (HAR 1.1 and 1.2) as real recorders write them, one entry at a time.
//!
//! Devtools of Chrome, Firefox and Safari, WebPageTest, Browsertime and chrome-har, Charles,
//! Fiddler and crawlers all write HAR, and none quite as the specification says: numbers where
//! strings belong (`cookies[].expires` as Unix seconds), a byte-order mark before the JSON,
//! `"pages": null`, fields left out or of another shape. The reader is lenient: a field it cannot
//! read is skipped and counted in [`Warnings`] with its JSON path (`log.entries[3].request.
//! cookies[0].expires`), an entry without a readable request URL is skipped the same way, and a
//! file that breaks off mid-way keeps the entries before the break. Only a file with no readable
//! entry at all is an error.
//!
//! Entries are streamed: [`read`] parses one entry of `log.entries` at a time into the compact
//! [`Entry`] (the fields an analysis reads, the headers it needs) and hands it over, so memory
//! follows what the caller keeps, not the size of the file (response bodies are never kept).
//!
//! ```
//! let har = br#"{"log": {"version": "1.2", "pages": null, "entries": [
//!     {"startedDateTime": "2026-11-25T12:00:00Z", "request": {"method": "GET",
//!      "url": "https://news.example/", "cookies": [{"name": "a", "value": "1", "expires": 1795694400}]},
//!      "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "id=42; Max-Age=86400"}]}}]}}"#;
//! let mut urls = Vec::new();
//! let archive = tracklens::har::read(&har[..], |entry| urls.push(entry.url)).unwrap();
//! assert_eq!(urls, ["https://news.example/"]);
//! assert_eq!(archive.entries, 1);
//! assert!(archive.warnings.is_empty());
//! ```

mod entry;
pub mod pages;
mod pruned;

pub use entry::{Cookie, Entry, Header, SentCookie};

use pruned::{Raw, RawSeed};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::{BufRead, BufReader, Read};

/// Warnings kept with their path; the rest are counted only (a hostile file can have millions).
pub const MAX_LISTED_WARNINGS: usize = 100;

/// What was read besides the entries.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// `log.version` (`1.1`, `1.2`), if given.
    pub version: Option<String>,
    /// `log.creator.name` and `.version`: the recorder.
    pub creator: Option<String>,
    /// `log.pages`, in their order; empty when absent or null.
    pub pages: Vec<Page>,
    /// Entries handed over.
    pub entries: usize,
    /// Entries skipped because their request URL could not be read.
    pub skipped_entries: usize,
    pub warnings: Warnings,
}

/// One page of `log.pages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub id: String,
    pub title: Option<String>,
    /// `startedDateTime` in Unix seconds.
    pub started: Option<i64>,
}

/// A field the reader skipped, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The JSON path: `log.entries[3].request.cookies[0].expires`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The skipped fields: the first [`MAX_LISTED_WARNINGS`] with their path, and how many in all.
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    pub listed: Vec<Warning>,
    pub total: usize,
}

impl Warnings {
    pub fn push(&mut self, path: impl FnOnce() -> String, message: impl FnOnce() -> String) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_WARNINGS {
            self.listed.push(Warning { path: path(), message: message() });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Why a file could not be read as HAR: it has no readable entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HarError {
    /// Not JSON, or JSON that breaks off before the first entry.
    Syntax { line: usize, column: usize, message: String },
    /// JSON without `log.entries`, or whose entries are all unreadable; the warnings say why.
    NoEntries { warnings: Vec<Warning> },
    /// Reading the file failed.
    Io(String),
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarError::Syntax { line, column, message } => {
                write!(f, "not JSON at line {line} column {column}: {message}")
            }
            HarError::NoEntries { warnings } if warnings.is_empty() => write!(f, "no log.entries"),
            HarError::NoEntries { warnings } => {
                let reasons: Vec<String> = warnings.iter().take(3).map(Warning::to_string).collect();
                write!(f, "no readable entry ({})", reasons.join("; "))
            }
            HarError::Io(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for HarError {}

/// Reads a HAR from `input`, handing each readable entry of `log.entries` to `each` as soon as
/// it is parsed. A UTF-8 byte-order mark is skipped.
pub fn read<R: Read>(input: R, each: impl FnMut(Entry)) -> Result<Archive, HarError> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let start = input.fill_buf().map_err(|e| HarError::Io(e.to_string()))?;
    if start.starts_with(BOM) {
        input.consume(BOM.len());
    }
    read_with(serde_json::Deserializer::from_reader(input), each)
}

/// Reads a HAR held in memory (see [`read`]). Several times faster than [`read`] on the same
/// bytes: the JSON parser scans a slice instead of pulling bytes one by one through a reader.
pub fn read_slice(input: &[u8], each: impl FnMut(Entry)) -> Result<Archive, HarError> {
    let input = input.strip_prefix(BOM).unwrap_or(input);
    // UTF-8 checked once for the whole file (quick on mostly ASCII text) spares the parser
    // checking every string it reads or skips, a tenth of the reading time; a file with a bad
    // byte is read the slower way and breaks off there, as it always did.
    match std::str::from_utf8(input) {
        Ok(text) => read_with(serde_json::Deserializer::from_str(text), each),
        Err(_) => read_with(serde_json::Deserializer::from_slice(input), each),
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn read_with<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    mut each: impl FnMut(Entry),
) -> Result<Archive, HarError> {
    let mut archive = Archive::default();
    let mut state = State { archive: &mut archive, each: &mut each, saw_entries: false };
    let outcome = RootSeed(&mut state).deserialize(&mut de).and_then(|_| de.end());
    let saw_entries = state.saw_entries;
    if let Err(error) = outcome {
        if error.is_io() {
            return Err(HarError::Io(error.to_string()));
        }
        if archive.entries == 0 {
            return Err(HarError::Syntax { line: error.line(), column: error.column(), message: error.to_string() });
        }
        // A recorder that crashed mid-write: what came before the break is still evidence.
        let (line, column) = (error.line(), error.column());
        archive.warnings.push(
            || format!("log.entries[{}]", archive.entries + archive.skipped_entries),
            || format!("the file breaks off at line {line} column {column}; nothing after it is read ({error})"),
        );
    }
    if archive.entries == 0 {
        if !saw_entries {
            archive.warnings.push(|| "log.entries".to_owned(), || "missing".to_owned());
        }
        return Err(HarError::NoEntries { warnings: archive.warnings.listed });
    }
    Ok(archive)
}

struct State<'a> {
    archive: &'a mut Archive,
    each: &'a mut dyn FnMut(Entry),
    saw_entries: bool,
}

/// The top level: `{"log": {...}}`. A log at the top level (no `log` key) is read too.
struct RootSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(ObjectVisitor { state: self.0, log_level: false })
    }
}

/// Visits the root (`log_level: false`) or the log object.
struct ObjectVisitor<'s, 'a> {
    state: &'s mut State<'a>,
    log_level: bool,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a HAR object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.state;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "log" if !self.log_level => {
                    map.next_value_seed(LogSeed(state))?;
                }
                "entries" => {
                    state.saw_entries = true;
                    map.next_value_seed(EntriesSeed(state))?;
                }
                "pages" if self.log_level => {
                    let pages = map.next_value_seed(RawSeed::ALL)?;
                    read_pages(&pages, state.archive);
                }
                "version" if self.log_level => {
                    state.archive.version = map.next_value_seed(RawSeed::ALL)?.text();
                }
                "creator" if self.log_level => {
                    let creator = map.next_value_seed(RawSeed::ALL)?;
                    let part = |key: &str| creator.get(key).and_then(Raw::text);
                    state.archive.creator = match (part("name"), part("version")) {
                        (Some(name), Some(version)) => Some(format!("{name} {version}")),
                        (name, _) => name,
                    };
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct LogSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(Lenient { inner: ObjectVisitor { state: self.0, log_level: true }, path: "log" })
    }
}

struct EntriesSeed<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(Lenient { inner: EntriesVisitor(self.0), path: "log.entries" })
    }
}

struct EntriesVisitor<'s, 'a>(&'s mut State<'a>);

impl<'de> Visitor<'de> for EntriesVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        // One entry at a time: the JSON value of an entry lives only while it is read.
        while let Some(value) = seq.next_element_seed(RawSeed::ENTRY)? {
            let index = state.archive.entries + state.archive.skipped_entries;
            match entry::read_entry(index, &value, &mut state.archive.warnings) {
                Some(entry) => {
                    state.archive.entries += 1;
                    (state.each)(entry);
                }
                None => state.archive.skipped_entries += 1,
            }
        }
        Ok(())
    }
}

/// A visitor for an object or a list that takes any other JSON value as a counted warning
/// (the value is skipped, the file read on), instead of failing the whole file.
struct Lenient<V> {
    inner: V,
    path: &'static str,
}

/// The visitors that keep the archive, where [`Lenient`] counts what it skipped.
trait WithArchive {
    fn archive(&mut self) -> &mut Archive;
}

impl WithArchive for ObjectVisitor<'_, '_> {
    fn archive(&mut self) -> &mut Archive {
        self.state.archive
    }
}

impl WithArchive for EntriesVisitor<'_, '_> {
    fn archive(&mut self) -> &mut Archive {
        self.0.archive
    }
}

impl<V: WithArchive> Lenient<V> {
    fn skip<E>(mut self, found: &str) -> Result<(), E> {
        let path = self.path;
        self.inner
            .archive()
            .warnings
            .push(|| path.to_owned(), || format!("expected {}, found {found}", expected(path)));
        Ok(())
    }
}

fn expected(path: &str) -> &'static str {
    if path.ends_with("entries") {
        "a list"
    } else {
        "an object"
    }
}

impl<'de, V: Visitor<'de, Value = ()> + WithArchive> Visitor<'de> for Lenient<V> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.inner.visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.inner.visit_seq(seq)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.skip("null")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.skip(&format!("the boolean {v}"))
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.skip(&format!("the number {v}"))
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.skip(&format!("the number {v}"))
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.skip(&format!("the number {v}"))
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.skip("a string")
    }
}

fn read_pages(pages: &Raw, archive: &mut Archive) {
    let items = match pages {
        Raw::List(items) => items,
        // `"pages": null` (some exporters) means no pages, not a mistake.
        Raw::Null => return,
        other => {
            archive.warnings.push(|| "log.pages".to_owned(), || format!("expected a list, found {}", other.kind()));
            return;
        }
    };
    for (at, page) in items.iter().enumerate() {
        match page.get("id").and_then(Raw::text) {
            Some(id) => archive.pages.push(Page {
                id,
                title: page.get("title").and_then(Raw::text),
                started: page.get("startedDateTime").and_then(Raw::as_str).and_then(crate::dates::iso8601),
            }),
            None => archive.warnings.push(|| format!("log.pages[{at}].id"), || "missing: page skipped".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests;
