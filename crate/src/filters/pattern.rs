//! The URL part of a network filter: `||host^path`, `|https://…`, `a*b^`, or `/regex/`.
//!
//! Glob patterns are matched without backtracking: the pattern is split at each `*` into parts,
//! and each part is taken at its earliest match after the previous one, which finds a match
//! whenever one exists. `^` stands for one separator character, or for the end of the URL.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// Matches anywhere in the URL.
    None,
    /// `|…`: at the start of the URL.
    Start,
    /// `||…`: at the start of the host or of one of its labels.
    Host,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pattern {
    Glob {
        anchor: Anchor,
        /// `…|`: the last part ends the URL.
        end_anchor: bool,
        /// The pattern split at `*`; never empty, parts may be empty.
        parts: Vec<String>,
    },
    /// `/…/`: a regular expression over the whole URL.
    Regex(String),
}

/// Where the host lies in a URL, so `||` knows where labels start.
#[derive(Debug, Clone, Copy)]
pub struct HostSpan {
    pub start: usize,
    pub end: usize,
}

impl HostSpan {
    /// The host span of a canonical URL: after `://` and any user info, up to the port or path.
    pub fn of(url: &str) -> HostSpan {
        let start = url.find("://").map_or(0, |i| i + 3);
        let rest = &url[start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let start = rest[..authority_end].rfind('@').map_or(start, |at| start + at + 1);
        let rest = &url[start..];
        let end = rest.find([':', '/', '?', '#']).unwrap_or(rest.len());
        HostSpan { start, end: start + end }
    }
}

/// Characters that are part of a word in URLs; `^` matches anything else.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'%')
}

/// The characters tokens are made of, for the index (see `index.rs`).
pub const fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'%'
}

impl Pattern {
    /// Parses the pattern text of a filter (options already removed).
    pub fn parse(text: &str) -> Pattern {
        if text.len() > 2 && text.starts_with('/') && text.ends_with('/') {
            return Pattern::Regex(text[1..text.len() - 1].to_owned());
        }
        let (anchor, rest) = if let Some(rest) = text.strip_prefix("||") {
            (Anchor::Host, rest)
        } else if let Some(rest) = text.strip_prefix('|') {
            (Anchor::Start, rest)
        } else {
            (Anchor::None, text)
        };
        let (end_anchor, rest) = match rest.strip_suffix('|') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        // Leading and trailing `*` say nothing an unanchored pattern does not already say.
        let rest = if anchor == Anchor::None { rest.trim_start_matches('*') } else { rest };
        let rest = if end_anchor { rest } else { rest.trim_end_matches('*') };
        Pattern::Glob { anchor, end_anchor, parts: rest.split('*').map(str::to_owned).collect() }
    }

    /// A glob with nothing but anchors and `*`, which every URL matches.
    pub fn matches_every_url(&self) -> bool {
        // With all parts empty only `…|` alone (an empty URL) could fail, unless a `*` precedes it.
        matches!(self, Pattern::Glob { end_anchor, parts, .. }
            if parts.iter().all(String::is_empty) && (parts.len() > 1 || !end_anchor))
    }

    /// `||host^` or `||host`: a filter about a whole host, nothing more specific.
    pub fn is_host_only(&self) -> bool {
        match self {
            Pattern::Glob { anchor: Anchor::Host, parts, .. } if parts.len() == 1 => {
                let host = parts[0].strip_suffix('^').unwrap_or(&parts[0]);
                !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
            }
            _ => false,
        }
    }

    /// The glob's parts joined by `*`: the compact form the matcher works on.
    pub fn glob_body(&self) -> Option<String> {
        match self {
            Pattern::Glob { parts, .. } => Some(parts.join("*")),
            Pattern::Regex(_) => None,
        }
    }

    /// Whether a glob matches `url` (already lower-cased unless the filter is match-case).
    /// `body` is the glob's parts joined by `*` (see `glob_body`).
    pub fn matches_glob(anchor: Anchor, end_anchor: bool, body: &str, url: &str, host: HostSpan) -> bool {
        let url = url.as_bytes();
        match anchor {
            Anchor::Start => match_parts(url, 0, true, body, end_anchor),
            Anchor::None => match_parts(url, 0, false, body, end_anchor),
            Anchor::Host => {
                // Every label start of the host is a candidate: `||ads.` matches ads.example.com
                // and x.ads.example.com but not badads.example.com.
                let label_starts = std::iter::once(host.start)
                    .chain((host.start..host.end).filter(|&i| url[i] == b'.').map(|i| i + 1));
                label_starts.into_iter().any(|start| match_parts(url, start, true, body, end_anchor))
            }
        }
    }

    /// The host a `||` pattern names in full (`||ads.example.com^`, `||ads.example.com/px`): every
    /// URL it matches is on that host or below it, so the index can file it under the host. None
    /// when the host may go on (`||ads.`, `||ads.example*`, `||ads.example.co`) or is one label.
    pub fn named_host(&self) -> Option<&str> {
        let Pattern::Glob { anchor: Anchor::Host, end_anchor, parts } = self else { return None };
        let first = parts[0].as_str();
        let end = first.bytes().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')));
        let whole = match end {
            Some(end) => matches!(first.as_bytes()[end], b'/' | b'^' | b':' | b'?'),
            None => parts.len() == 1 && *end_anchor,
        };
        let host = &first[..end.unwrap_or(first.len())];
        (whole && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')).then_some(host)
    }

    /// Tokens the pattern guarantees the URL contains as whole tokens: the index files the filter
    /// under one of them. A token cut by `*` or an unanchored edge could be part of a longer URL
    /// token, so it does not count.
    pub fn whole_tokens(&self) -> Vec<&str> {
        let (anchor, end_anchor, parts) = match self {
            Pattern::Glob { anchor, end_anchor, parts } => (anchor, end_anchor, parts),
            Pattern::Regex(source) => return regex_tokens(source),
        };
        let mut tokens = Vec::new();
        let last = parts.len() - 1;
        for (index, part) in parts.iter().enumerate() {
            let bytes = part.as_bytes();
            let mut start = 0;
            while start < bytes.len() {
                if !is_token_char(bytes[start]) {
                    start += 1;
                    continue;
                }
                let end = bytes[start..].iter().position(|&b| !is_token_char(b)).map_or(bytes.len(), |n| start + n);
                let closed_left = start > 0 || (index == 0 && *anchor != Anchor::None);
                let closed_right = end < bytes.len() || (index == last && *end_anchor);
                if closed_left && closed_right && end - start >= 2 {
                    tokens.push(&part[start..end]);
                }
                start = end;
            }
        }
        tokens
    }
}

/// What one position of a regular expression's top level matches, as far as tokens go.
#[derive(Clone, Copy, PartialEq)]
enum Atom {
    /// This ASCII character and no other.
    Literal(u8),
    /// `^` or `$`: the start or end of the URL, where a URL token ends too.
    Edge,
    /// Anything else: a class, a group, `.`, an escape like `\d`, a quantified item.
    Other,
}

/// Tokens a `/regex/` filter guarantees in every URL it matches, read conservatively from its
/// top level: a run of literal token characters with a literal separator (or `^`, `$`) on each
/// side, as `154` in `/(https?:\/\/)104\.154\..{100,}/`. Nothing for a regex with a top-level
/// `|`, inline flags (`(?x)` changes what a space means) or escapes that spell several characters
/// (`\x41`, `\u{…}`, `\p{…}`): an index token must never be one the URL might lack.
fn regex_tokens(source: &str) -> Vec<&str> {
    let atoms = match regex_atoms(source.as_bytes()) {
        Some(atoms) if !source.contains("(?") => atoms,
        _ => return Vec::new(),
    };
    let separator = |atom: Option<&(Atom, usize)>| match atom {
        Some((Atom::Literal(b), _)) => !is_token_char(*b),
        Some((Atom::Edge, _)) => true,
        _ => false,
    };
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < atoms.len() {
        let is_token = |i: usize| matches!(atoms.get(i), Some((Atom::Literal(b), _)) if is_token_char(*b));
        if !is_token(at) {
            at += 1;
            continue;
        }
        let start = at;
        while is_token(at) {
            at += 1;
        }
        let closed = start > 0 && separator(atoms.get(start - 1)) && separator(atoms.get(at));
        if closed && at - start >= 2 {
            // Literal token characters are written as themselves, one byte each.
            let (from, to) = (atoms[start].1, atoms[at - 1].1 + 1);
            tokens.push(&source[from..to]);
        }
    }
    tokens
}

/// The top level of a regex as atoms, each with the offset where it is written; `None` when the
/// regex has a top-level alternation, an unbalanced group or class, or a multi-character escape.
fn regex_atoms(bytes: &[u8]) -> Option<Vec<(Atom, usize)>> {
    let mut atoms: Vec<(Atom, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at = i;
        let atom = match bytes[i] {
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                if matches!(next, b'x' | b'u' | b'U' | b'p' | b'P') || !next.is_ascii() {
                    return None;
                }
                i += 1;
                // `\%` is left out: a token is a slice of the source, which must not hold the `\`.
                if next.is_ascii_punctuation() && !is_token_char(next) {
                    Atom::Literal(next)
                } else {
                    Atom::Other
                }
            }
            b'(' => {
                i = group_end(bytes, i)?;
                Atom::Other
            }
            b'[' => {
                i = class_end(bytes, i)?;
                Atom::Other
            }
            b'|' => return None,
            b'^' | b'$' => Atom::Edge,
            b'?' | b'*' | b'+' | b'{' => {
                if bytes[i] == b'{' {
                    i += bytes[i..].iter().position(|&b| b == b'}')?;
                }
                // A quantified item may be absent or repeated: it spells nothing for certain.
                if let Some(last) = atoms.last_mut() {
                    last.0 = Atom::Other;
                }
                i += 1;
                continue;
            }
            b if b.is_ascii() && b != b'.' && b != b')' && b != b']' => Atom::Literal(b),
            _ => Atom::Other,
        };
        atoms.push((atom, at));
        i += 1;
    }
    Some(atoms)
}

/// The offset of the `)` closing the group that opens at `open`, skipping escapes and classes.
fn group_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => i = class_end(bytes, i)?,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset of the `]` closing the class that opens at `open` (a `]` first in it is literal).
fn class_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if bytes.get(i) == Some(&b'^') {
        i += 1;
    }
    if bytes.get(i) == Some(&b']') {
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b']' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Matches the parts in order from `start`: the first at `start` exactly when `anchored`, each
/// other at its earliest position; with `end_anchor` the last must end the URL.
fn match_parts(url: &[u8], start: usize, anchored: bool, body: &str, end_anchor: bool) -> bool {
    let mut pos = start;
    let mut parts = body.as_bytes().split(|&b| b == b'*').enumerate().peekable();
    while let Some((index, part)) = parts.next() {
        let must_end = end_anchor && parts.peek().is_none();
        if index == 0 && anchored {
            match match_at(url, pos, part) {
                Some(end) if !must_end || end == url.len() => pos = end,
                _ => return false,
            }
        } else if must_end {
            // The last part must end the URL. Each of its bytes takes one URL byte, except a
            // final `^` at the very end, which takes none: so it can start at two places only.
            let fixed = url.len().checked_sub(part.len());
            let shorter = if part.last() == Some(&b'^') { url.len().checked_sub(part.len() - 1) } else { None };
            return [fixed, shorter]
                .into_iter()
                .flatten()
                .any(|p| p >= pos && match_at(url, p, part) == Some(url.len()));
        } else {
            match find_part(url, pos, part) {
                Some(end) => pos = end,
                None => return false,
            }
        }
    }
    true
}

/// The earliest match of `part` at or after `from`; returns where it ends. Candidates are the
/// positions of the part's first literal byte, found with `memchr` (SIMD where available).
fn find_part(url: &[u8], from: usize, part: &[u8]) -> Option<usize> {
    match part.first() {
        Some(&first) if first != b'^' => {
            let mut at = from;
            while at < url.len() {
                let found = at + memchr::memchr(first, &url[at..])?;
                if let Some(end) = match_at(url, found, part) {
                    return Some(end);
                }
                at = found + 1;
            }
            None
        }
        _ => (from..=url.len()).find_map(|p| match_at(url, p, part)),
    }
}

/// Matches one part (no `*`) at `pos`; returns where the match ends.
fn match_at(url: &[u8], pos: usize, part: &[u8]) -> Option<usize> {
    let mut at = pos;
    for (i, &p) in part.iter().enumerate() {
        if p == b'^' {
            match url.get(at) {
                Some(&c) if !is_word(c) => at += 1,
                // `^` matches the end of the URL, but only as the part's last character.
                None if i == part.len() - 1 => {}
                _ => return None,
            }
        } else if url.get(at) == Some(&p) {
            at += 1;
        } else {
            return None;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, url: &str) -> bool {
        match Pattern::parse(pattern) {
            Pattern::Glob { anchor, end_anchor, parts } => {
                Pattern::matches_glob(anchor, end_anchor, &parts.join("*"), url, HostSpan::of(url))
            }
            Pattern::Regex(_) => panic!("not a glob"),
        }
    }

    #[test]
    fn host_anchor_matches_at_label_starts_only() {
        assert!(matches("||doubleclick.net^", "https://doubleclick.net/x"));
        assert!(matches("||doubleclick.net^", "https://ad.doubleclick.net/x"));
        assert!(matches("||doubleclick.net^", "https://ad.doubleclick.net"));
        assert!(!matches("||doubleclick.net^", "https://notdoubleclick.net/x"));
        assert!(!matches("||doubleclick.net^", "https://doubleclick.net.evil.com/x"));
        assert!(!matches("||doubleclick.net^", "https://example.com/?u=doubleclick.net/"));
        assert!(matches("||ads.", "https://x.ads.example.com/"));
        assert!(!matches("||ads.", "https://badads.example.com/"));
        assert!(matches("||example.com/ads/*.js", "https://example.com/ads/a/b.js"));
        assert!(matches("||example.com:8080^", "http://example.com:8080/"));
    }

    #[test]
    fn separator_and_wildcards() {
        assert!(matches("/ads^", "https://a.com/ads?x"));
        assert!(matches("/ads^", "https://a.com/ads"));
        assert!(!matches("/ads^", "https://a.com/ads-x"));
        assert!(!matches("/ads^", "https://a.com/ads.js"));
        assert!(matches("/banner/*/img^", "https://a.com/banner/foo/img?x"));
        assert!(matches("a*b*c", "https://x/abc"));
        assert!(!matches("a*b*c", "https://x/cba-q"));
        assert!(matches("&ad_type=", "https://x/?q=1&ad_type=2"));
    }

    #[test]
    fn start_and_end_anchors() {
        assert!(matches("|https://ads.", "https://ads.example.com/"));
        assert!(!matches("|https://ads.", "http://x.com/https://ads."));
        assert!(matches("/api/collect|", "https://x.com/api/collect"));
        assert!(!matches("/api/collect|", "https://x.com/api/collect?x=1"));
        assert!(matches("|https://x.com/a*.gif|", "https://x.com/a/b.gif"));
        assert!(!matches("|https://x.com/a*.gif|", "https://x.com/a/b.gif?z"));
        // A last part ending in `^` ends the URL with a separator or at its very end.
        assert!(matches("/px^|", "https://x.com/px"));
        assert!(matches("/px^|", "https://x.com/px/"));
        assert!(!matches("/px^|", "https://x.com/px/a"));
        // The last part may not overlap what the parts before it took.
        assert!(matches("|https://x.com/ab*/ab|", "https://x.com/ab/ab"));
        assert!(!matches("|https://x.com/ab*b/ab|", "https://x.com/ab/ab"));
    }

    #[test]
    fn host_only_patterns() {
        assert!(Pattern::parse("||doubleclick.net^").is_host_only());
        assert!(Pattern::parse("||ads.example.com").is_host_only());
        assert!(!Pattern::parse("||facebook.com/tr/").is_host_only());
        assert!(!Pattern::parse(".google-analytics.com/").is_host_only());
        assert!(!Pattern::parse("||ads.*.com^").is_host_only());
    }

    #[test]
    fn host_span_skips_user_info_and_port() {
        let url = "https://user@ads.example.com:8443/path";
        let span = HostSpan::of(url);
        assert_eq!(&url[span.start..span.end], "ads.example.com");
    }

    #[test]
    fn a_host_anchored_pattern_names_its_host_only_when_it_ends_there() {
        let host = |text: &str| Pattern::parse(text).named_host().map(str::to_owned);
        assert_eq!(host("||ads.example.com^").as_deref(), Some("ads.example.com"));
        assert_eq!(host("||x.com/1.1/jot").as_deref(), Some("x.com"));
        assert_eq!(host("||t.e-x_y.com:8080/").as_deref(), Some("t.e-x_y.com"));
        assert_eq!(host("||px.example|").as_deref(), Some("px.example"));
        for open in [
            "||ads.",
            "||ads.example",
            "||ads.example*/x",
            "||com^",
            "|https://ads.example/",
            "ads.example/",
            "||[::]^",
        ] {
            assert_eq!(host(open), None, "{open}");
        }
    }

    #[test]
    fn whole_tokens_exclude_cut_ones() {
        assert_eq!(Pattern::parse("||doubleclick.net^").whole_tokens(), ["doubleclick", "net"]);
        assert_eq!(Pattern::parse("/ads/banner").whole_tokens(), ["ads"]);
        assert_eq!(Pattern::parse("/ads/banner|").whole_tokens(), ["ads", "banner"]);
        assert_eq!(Pattern::parse("ad*server/").whole_tokens(), Vec::<&str>::new());
        assert!(Pattern::parse("/ba[dn]ner/").whole_tokens().is_empty());
    }

    #[test]
    fn a_regex_gives_the_tokens_its_top_level_spells_between_separators() {
        let tokens = |source: &str| -> Vec<String> {
            Pattern::parse(source).whole_tokens().into_iter().map(str::to_owned).collect()
        };
        // A group spells nothing for certain, so 104 has no known separator before it.
        assert_eq!(tokens(r"/(https?:\/\/)104\.154\..{100,}/"), ["154"]);
        assert_eq!(tokens(r"/^https?:\/\/s3\.*\.amazonaws\.com\/[a-f0-9]{45,}\/x$/"), ["amazonaws", "com"]);
        assert_eq!(tokens(r"/\/[0-9a-f]{32}\/invoke\.js/"), ["invoke"]);
        assert_eq!(tokens(r"/^ads\.js$/"), ["ads", "js"]);
        assert_eq!(tokens(r"/\/%ads\//"), ["%ads"]);
        // Quantified, cut by a class or `.`, at an unanchored edge, or inside a group: no token.
        for source in
            [r"/\/\%ads\//", r"/\/ads?\//", r"/\/a[dn]s\//", r"/\/ad.s\//", r"/ads\//", r"/\/(ads)\//", r"/\/ads+\//"]
        {
            assert!(tokens(source).is_empty(), "{source}");
        }
        // Whole regexes read no further: alternation, inline flags, multi-character escapes.
        for source in [r"/\/ads\/|\/x\//", r"/(?x)\/ad s\//", r"/\/\x61ds\//", r"/\/ads\/[/", r"/\/ads\/(/"] {
            assert!(tokens(source).is_empty(), "{source}");
        }
    }
}
