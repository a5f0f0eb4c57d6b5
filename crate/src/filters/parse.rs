//! Reading filter lists, line by line, in Adblock Plus / uBlock Origin network-filter syntax.
//!
//! Nothing in a list is trusted: a line this engine cannot use is skipped, counted, and (up to a
//! bound) kept with its line number and reason, so a broken list update degrades to fewer filters,
//! never to a panic or an engine that blocks everything.

use super::options::{parse_options, OptionError, PartyOption, TypeMask};
use super::pattern::Pattern;
use super::NetworkFilter;
use serde::Serialize;

/// Keeps the first this-many skipped lines per list with their reasons; the rest are counted.
const KEPT_WARNINGS: usize = 50;
/// Refusing longer lines bounds parse cost. Real lists have filters with domain lists of
/// several hundred sites (EasyPrivacy's gtm.js exception is 6 kB), so the bound is generous.
const MAX_LINE: usize = 64 * 1024;

/// What reading one list found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListReport {
    pub name: String,
    pub lines: usize,
    pub network_filters: usize,
    pub comments: usize,
    /// Element-hiding, scriptlet and HTML filters: valid, but not network filters.
    pub cosmetic: usize,
    /// Network filters using an option TrackLens does not implement.
    pub unsupported: usize,
    /// Lines that are not valid filters.
    pub malformed: usize,
    /// The first skipped lines, with why.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

impl ListReport {
    fn warn(&mut self, line: usize, text: &str, reason: String) {
        if self.warnings.len() < KEPT_WARNINGS {
            let text: String = text.chars().take(200).collect();
            self.warnings.push(Warning { line, text, reason });
        }
    }
}

enum Line {
    Skip,
    Comment,
    Cosmetic,
    Filter(NetworkFilter),
    Unsupported(String),
    Malformed(String),
}

/// Parses a whole list. `list` is the list's index, recorded in each filter for the "why".
pub fn parse_list(name: &str, text: &str, list: u16) -> (Vec<NetworkFilter>, ListReport) {
    let mut report = ListReport { name: name.to_owned(), ..ListReport::default() };
    let mut filters = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        report.lines += 1;
        match parse_line(raw.trim(), number as u32, list) {
            Line::Skip => {}
            Line::Comment => report.comments += 1,
            Line::Cosmetic => report.cosmetic += 1,
            Line::Filter(filter) => {
                report.network_filters += 1;
                filters.push(filter);
            }
            Line::Unsupported(reason) => {
                report.unsupported += 1;
                report.warn(number, raw, reason);
            }
            Line::Malformed(reason) => {
                report.malformed += 1;
                report.warn(number, raw, reason);
            }
        }
    }
    (filters, report)
}

fn parse_line(line: &str, number: u32, list: u16) -> Line {
    if line.is_empty() {
        return Line::Skip;
    }
    if line.starts_with('!') || (line.starts_with('[') && line.ends_with(']')) {
        return Line::Comment;
    }
    if line.len() > MAX_LINE {
        return Line::Malformed(format!("longer than {MAX_LINE} characters"));
    }
    // Binary data: bytes that were not UTF-8 (read as U+FFFD) or control characters.
    if line.chars().any(|c| c == '\u{FFFD}' || (c.is_control() && c != '\t')) {
        return Line::Malformed("binary data, not text".to_owned());
    }
    if is_cosmetic(line) {
        return Line::Cosmetic;
    }
    let (exception, body) = match line.strip_prefix("@@") {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (pattern, options) = split_options(body);
    let options = match options.map(parse_options).transpose() {
        Ok(options) => options,
        Err(OptionError::Unsupported(option)) => {
            return Line::Unsupported(format!("option ${option} is not supported"))
        }
        Err(OptionError::Malformed(option)) => {
            return Line::Malformed(format!("unknown or malformed option {option:?}"))
        }
    };
    let mut options = options.unwrap_or_default();
    // Globs are lower-cased to match lower-cased URLs; a regex keeps its case, because `\D`
    // and `\d` differ, and is compiled case-insensitive instead.
    let pattern = match Pattern::parse(pattern) {
        Pattern::Glob { anchor, end_anchor, parts } if !options.match_case => {
            Pattern::Glob { anchor, end_anchor, parts: parts.iter().map(|part| part.to_ascii_lowercase()).collect() }
        }
        other => other,
    };
    let narrowed = options.explicit_types && options.party != PartyOption::Any;
    if pattern.matches_every_url() && options.domains.is_none() && !narrowed {
        // A pattern every URL matches (``, `|`, `||`, `*`) must be narrowed to some pages, or to
        // a type and a party (`$ping,third-party`); otherwise it blocks every request of a kind.
        return Line::Malformed("pattern matches every URL".to_owned());
    }
    // A visit to a page is blocked only by filters that say `$document` or name nothing but a
    // host (`||tracker.example^`): a path pattern like `/beacon.js` is about subresources, and
    // must not stop the user from opening that URL (uBlock Origin and adblock-rust agree).
    if !options.explicit_types && !pattern.is_host_only() {
        options.types.0 &= !TypeMask::DOCUMENT;
    }
    if let Pattern::Regex(source) = &pattern {
        if let Err(error) = super::regex_filter::compile(source, options.match_case) {
            return Line::Malformed(format!("regular expression: {error}"));
        }
    }
    Line::Filter(NetworkFilter::new(line.to_owned(), number, list, exception, pattern, options))
}

/// Element hiding (`##`, `#@#`), extended CSS (`#?#`), snippets and scriptlets (`#$#`, `#%#`,
/// `##+js`), and HTML filters (`$$`): all act on page content, not on requests.
fn is_cosmetic(line: &str) -> bool {
    const MARKERS: [&str; 9] = ["##", "#@#", "#?#", "#@?#", "#$#", "#@$#", "#%#", "#@%#", "$$"];
    MARKERS.iter().any(|marker| line.contains(marker))
}

/// Splits `pattern$options`. The options start at the last `$` followed only by characters
/// options use; a `$` inside a regular expression (`/ads$/`) is part of the pattern.
fn split_options(body: &str) -> (&str, Option<&str>) {
    if body.starts_with('/') && body.ends_with('/') && body.len() > 2 {
        return (body, None);
    }
    match body.rfind('$') {
        Some(at) if at + 1 < body.len() && looks_like_options(&body[at + 1..]) => (&body[..at], Some(&body[at + 1..])),
        _ => (body, None),
    }
}

/// Options start with a letter or `~`; a `/` may appear only inside an option's value.
fn looks_like_options(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '~') && (!text.contains('/') || text.contains('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Line {
        parse_line(line, 1, 0)
    }

    #[test]
    fn a_binary_line_is_skipped_and_counted_and_the_rest_kept() {
        let list =
            format!("||a.example^\n{}\n\u{0}\u{1}x\n||b.example^\n", String::from_utf8_lossy(b"\xff\xfe||c.example^"));
        let (filters, report) = parse_list("test", &list, 0);
        assert_eq!(filters.len(), 2);
        assert_eq!((report.lines, report.malformed), (4, 2));
        assert_eq!(
            report.warnings.iter().map(|w| (w.line, w.reason.as_str())).collect::<Vec<_>>(),
            [(2, "binary data, not text"), (3, "binary data, not text")]
        );
    }

    #[test]
    fn counts_every_kind_of_line() {
        let list = "[Adblock Plus 2.0]\n! Title: test\n\n||tracker.example^\n@@||tracker.example/ok.js$script\n\
                    example.com##.ad\n##+js(nowebrtc)\nexample.com#@#.ad\n||x.example^$popup\n||y.example^$bogus\n/ads$/\n";
        let (filters, report) = parse_list("test", list, 0);
        assert_eq!(filters.len(), 3);
        assert_eq!((report.lines, report.comments, report.cosmetic), (11, 2, 3));
        assert_eq!((report.unsupported, report.malformed), (1, 1));
        assert_eq!(report.warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [9, 10]);
        assert!(filters[1].exception);
        assert!(matches!(filters[2].pattern, Pattern::Regex(_)));
    }

    #[test]
    fn options_split_at_the_last_dollar_only_when_they_look_like_options() {
        assert_eq!(split_options("||a.com^$script,third-party"), ("||a.com^", Some("script,third-party")));
        assert_eq!(split_options("/ads$/"), ("/ads$/", None));
        assert_eq!(split_options("/price$/stats"), ("/price$/stats", None));
        assert_eq!(split_options("a$b$domain=x.com"), ("a$b", Some("domain=x.com")));
        assert_eq!(split_options("trailing$"), ("trailing$", None));
    }

    #[test]
    fn hostile_lines_never_panic_and_never_match_everything() {
        for line in ["$", "@@", "@@$script", "||", "|", "*", "$domain=", "/", "//", "/[/", "\u{0}\u{1}$~", "é$ü"] {
            let _ = one(line);
        }
        assert!(matches!(one("$script"), Line::Malformed(_)));
        assert!(matches!(one("$third-party"), Line::Malformed(_)));
        assert!(matches!(one("$ping,third-party"), Line::Filter(_)));
        for everything in ["|", "||", "*", "||*", "|*|"] {
            assert!(matches!(one(everything), Line::Malformed(_)), "{everything}");
        }
        assert!(matches!(one("*$domain=example.com"), Line::Filter(_)));
        assert!(matches!(one("/(/"), Line::Malformed(_)));
        assert!(matches!(one(&"a".repeat(MAX_LINE + 1)), Line::Malformed(_)));
    }
}
