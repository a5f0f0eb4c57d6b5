//! The page's own signals: what it says it is about.
//!
//! The extension's content script gathers them from the live document; `analyze` reads them
//! from a HAR's document response ([`PageSignals::from_html`]); with neither, the address alone
//! ([`PageSignals::from_url`]). Pages are hostile: every field is bounded here, whatever the
//! sender did, and nothing is interpreted beyond words and schema.org type names.

use super::words::{ascii_controls, bytes_equal, replace_bytes};
use serde::{Deserialize, Serialize};

/// Visible text considered, in bytes (the first part of the page says what it is about).
pub const MAX_TEXT: usize = 20_000;
/// HTML read by [`PageSignals::from_html`].
const MAX_HTML: usize = 1 << 20;
const MAX_SHORT: usize = 1000;
const MAX_HEADINGS: usize = 24;
const MAX_TYPES: usize = 32;
const MAX_JSON_LD: usize = 64 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PageSignals {
    pub url: String,
    pub title: String,
    /// `<meta name="description">`.
    pub description: String,
    /// `<meta name="keywords">`.
    pub keywords: String,
    pub og_title: String,
    pub og_description: String,
    /// `h1`–`h3` texts, in document order.
    pub headings: Vec<String>,
    /// `@type` values of the page's JSON-LD (`MedicalWebPage`, `Drug`…).
    pub schema_types: Vec<String>,
    /// The first [`MAX_TEXT`] bytes of visible text.
    pub text: String,
    /// What the collector left out (JSON-LD blocks, headings, nesting past its bounds), as it
    /// counted it; [`PageSignals::bound`] adds what it cut itself.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl PageSignals {
    /// Holds every field to its bound whatever the sender did (the extension's content script
    /// runs in hostile pages): the address to 4000 bytes, other short fields to 1000, no control characters, at most 24
    /// headings and 32 schema.org types of 100 bytes, [`MAX_TEXT`] of text. Each cut counts one
    /// in `skipped`.
    pub fn bound(&mut self) {
        let mut cut = 0u64;
        cut += u64::from(bound_field(&mut self.url, 4 * MAX_SHORT));
        for field in
            [&mut self.title, &mut self.description, &mut self.keywords, &mut self.og_title, &mut self.og_description]
        {
            cut += u64::from(bound_field(field, MAX_SHORT));
        }
        cut += self.headings.len().saturating_sub(MAX_HEADINGS) as u64;
        self.headings.truncate(MAX_HEADINGS);
        for heading in &mut self.headings {
            cut += u64::from(bound_field(heading, MAX_SHORT));
        }
        let types = self.schema_types.len();
        self.schema_types.retain(|t| t.len() <= 100);
        cut += (types - self.schema_types.len()) as u64;
        cut += self.schema_types.len().saturating_sub(MAX_TYPES) as u64;
        self.schema_types.truncate(MAX_TYPES);
        cut += u64::from(bound_field(&mut self.text, MAX_TEXT));
        self.skipped = self.skipped.saturating_add(cut);
    }

    /// Only the address (a HAR without the document's body, a request log).
    pub fn from_url(url: &str) -> PageSignals {
        PageSignals { url: url.to_owned(), ..PageSignals::default() }
    }

    /// Everything a script could read, from the document's HTML. A small tolerant scanner, not
    /// a parser: it needs titles, meta tags, headings, JSON-LD and text, and must never fail.
    pub fn from_html(url: &str, html: &str) -> PageSignals {
        let mut page = PageSignals::from_url(url);
        let html = super::lexicon::bounded(html, MAX_HTML);
        let lower = html.to_ascii_lowercase(); // same byte offsets as `html`
        let mut at = 0;
        let mut heading: Option<(usize, String)> = None;
        while at < html.len() {
            let Some(lt) = lower[at..].find('<').map(|i| at + i) else {
                push_text(&mut page.text, &html[at..]);
                break;
            };
            push_text(&mut page.text, &html[at..lt]);
            let gt = lower[lt..].find('>').map(|i| lt + i);
            let tag_end = gt.map_or(html.len(), |g| g + 1);
            let tag = &lower[lt + 1..gt.unwrap_or(html.len())];
            let name: String =
                tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect();
            let raw_tag = &html[lt + 1..gt.unwrap_or(html.len())];
            at = tag_end;
            match name.as_str() {
                "!" if tag.starts_with("!--") => {
                    at = lower[lt..].find("-->").map_or(html.len(), |i| lt + i + 3);
                }
                "script" | "style" | "noscript" | "template" | "svg" | "title" | "textarea" => {
                    let close = format!("</{name}");
                    let end = lower[at..].find(&close).map_or(html.len(), |i| at + i);
                    let inner = &html[at..end];
                    if name == "title" && page.title.is_empty() {
                        page.title = clean(inner, MAX_SHORT);
                    } else if name == "script" && attribute(raw_tag, "type").is_some_and(|t| t.contains("ld+json")) {
                        schema_types(super::lexicon::bounded(inner, MAX_JSON_LD), &mut page.schema_types);
                    }
                    at = lower[end..].find('>').map_or(html.len(), |i| end + i + 1);
                }
                "meta" => meta(raw_tag, &mut page),
                "h1" | "h2" | "h3" => heading = Some((at, name.clone())),
                "/h1" | "/h2" | "/h3" => {
                    if let Some((from, open)) = heading.take() {
                        if name[1..] == open && page.headings.len() < MAX_HEADINGS {
                            let text = clean(&strip_tags(&html[from..lt]), MAX_SHORT);
                            if !text.is_empty() {
                                page.headings.push(text);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        page
    }
}

/// Turns control characters into spaces and cuts `field` to `max` bytes; whether text was cut.
/// Eight bytes at a time: this runs on every page's 20 KB of text, which has a newline on every
/// line, and in wasm a loop per byte is what costs.
fn bound_field(field: &mut String, max: usize) -> bool {
    let bytes = field.as_bytes();
    let (mut ascii, mut c2) = (false, false);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let chunk = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        ascii |= ascii_controls(chunk) != 0;
        c2 |= bytes_equal(chunk, 0xc2) != 0;
    }
    for &b in chunks.remainder() {
        ascii |= b.is_ascii_control();
        c2 |= b == 0xc2;
    }
    // C1 controls (U+0080–U+009F) are two bytes, C2 80 to C2 9F; the rest are ASCII bytes.
    let c1 = c2 && memchr::memchr_iter(0xc2, bytes).any(|at| matches!(bytes.get(at + 1), Some(0x80..=0x9f)));
    if c1 {
        *field = field.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    } else if ascii {
        let mut bytes = std::mem::take(field).into_bytes();
        let mut chunks = bytes.chunks_exact_mut(8);
        for chunk in chunks.by_ref() {
            let eight = u64::from_le_bytes((&*chunk).try_into().unwrap_or_default());
            let controls = ascii_controls(eight);
            if controls != 0 {
                chunk.copy_from_slice(&replace_bytes(eight, controls, b' ').to_le_bytes());
            }
        }
        chunks.into_remainder().iter_mut().filter(|b| b.is_ascii_control()).for_each(|b| *b = b' ');
        *field = String::from_utf8(bytes).unwrap_or_default(); // an ASCII byte for an ASCII byte
    }
    // Counted only when text is cut: a replaced control is not lost text.
    let before = field.len();
    let kept = super::lexicon::bounded(field, max).len();
    field.truncate(kept);
    field.len() < before
}

fn meta(tag: &str, page: &mut PageSignals) {
    let key = attribute(tag, "name").or_else(|| attribute(tag, "property")).map(|k| k.to_ascii_lowercase());
    let (Some(key), Some(content)) = (key, attribute(tag, "content")) else { return };
    let slot = match key.as_str() {
        "description" => &mut page.description,
        "keywords" => &mut page.keywords,
        "og:title" => &mut page.og_title,
        "og:description" => &mut page.og_description,
        _ => return,
    };
    if slot.is_empty() {
        *slot = clean(&content, MAX_SHORT);
    }
}

/// The value of attribute `name` in a tag's text (quoted or not), entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let before_ok = i == 0 || lower.as_bytes()[i - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_at = tag.len() - rest.len() + 1;
        let value = tag[value_at..].trim_start();
        let text = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_ascii_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(decode_entities(text));
    }
    None
}

/// `@type` values anywhere in a JSON-LD block (also inside `@graph` and nested objects).
fn schema_types(json: &str, out: &mut Vec<String>) {
    fn walk(value: &serde_json::Value, depth: usize, out: &mut Vec<String>) {
        if depth > 8 || out.len() >= MAX_TYPES {
            return;
        }
        match value {
            serde_json::Value::Object(map) => {
                match map.get("@type") {
                    Some(serde_json::Value::String(t)) => push_type(t, out),
                    Some(serde_json::Value::Array(ts)) => {
                        ts.iter().filter_map(|t| t.as_str()).for_each(|t| push_type(t, out))
                    }
                    _ => {}
                }
                map.values().for_each(|v| walk(v, depth + 1, out));
            }
            serde_json::Value::Array(items) => items.iter().take(64).for_each(|v| walk(v, depth + 1, out)),
            _ => {}
        }
    }
    fn push_type(t: &str, out: &mut Vec<String>) {
        let t = t.trim();
        if out.len() < MAX_TYPES && t.len() <= 100 && !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(json.trim()) {
        walk(&value, 0, out);
    }
}

fn push_text(text: &mut String, chunk: &str) {
    if text.len() >= MAX_TEXT || chunk.trim().is_empty() {
        return;
    }
    let decoded = decode_entities(chunk);
    let room = MAX_TEXT - text.len();
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(super::lexicon::bounded(decoded.split_whitespace().collect::<Vec<_>>().join(" ").as_str(), room));
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Entities decoded, whitespace collapsed, control characters dropped, bounded.
fn clean(text: &str, max: usize) -> String {
    let decoded = decode_entities(text);
    let joined = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    let no_controls: String = joined.chars().filter(|c| !c.is_control()).collect();
    super::lexicon::bounded(&no_controls, max).to_owned()
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // An entity is short: look for its ';' in the next few bytes, cut at a character boundary.
        let end = super::lexicon::bounded(rest, 12).find(';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
