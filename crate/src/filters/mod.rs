//! The filter-list engine: Adblock Plus / uBlock Origin network filters, parsed, indexed by
//! token, and matched against requests. `Engine` (in `engine.rs`) puts it together with the
//! knowledge base.

mod index;
mod options;
mod parse;
mod pattern;
mod regex_filter;
mod section;

pub use options::{Domains, PartyOption, TypeMask};
pub use parse::{parse_list, ListReport, Warning};
/// For converters to other rule formats (`dnr.rs`), which read a filter without matching it.
pub(crate) use pattern::{Anchor, Pattern};

use index::{request_keys, Keys, TokenIndex};
use options::{domains_allow, spec_entries, Options};
use pattern::HostSpan;
use regex::bytes::Regex;
use section::Record;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One network filter as parsed from its list: the form converters (`dnr.rs`) read. The engine
/// keeps filters in the compact form below instead.
#[derive(Debug, Clone)]
pub struct NetworkFilter {
    /// The line as written, shown to users as the reason for a verdict.
    pub text: String,
    /// 1-based line number in its list.
    pub line: u32,
    /// Index of its list in the engine.
    pub list: u16,
    /// `@@`: an exception that un-blocks what other filters block.
    pub exception: bool,
    pub important: bool,
    pattern: Pattern,
    party: PartyOption,
    types: TypeMask,
    domains: Option<Domains>,
    match_case: bool,
}

impl NetworkFilter {
    fn new(text: String, line: u32, list: u16, exception: bool, pattern: Pattern, options: Options) -> Self {
        NetworkFilter {
            text,
            line,
            list,
            exception,
            important: options.important,
            pattern,
            party: options.party,
            types: options.types,
            domains: options.domains,
            match_case: options.match_case,
        }
    }

    /// Where the index files it: under a token of its pattern or the host it names, lower-cased
    /// like the URLs they are looked up with (even for `$match-case`); without one, under the pages it is limited to,
    /// when it names them all (a `name.*` entry names no one domain); else checked always.
    fn index_keys(&self) -> Keys {
        let mut tokens: Vec<u32> =
            self.pattern.whole_tokens().iter().map(|t| index::token_hash(t.to_ascii_lowercase().as_bytes())).collect();
        tokens.extend(self.pattern.named_host().map(|host| index::host_key(&host.to_ascii_lowercase())));
        match &self.domains {
            Some(domains)
                if tokens.is_empty()
                    && !domains.include.is_empty()
                    && !domains.include.iter().any(|d| d.ends_with(".*")) =>
            {
                Keys::PageDomains(domains.include.iter().map(|d| index::domain_key(d)).collect())
            }
            _ => Keys::Tokens(tokens),
        }
    }
}

/// Read-only views of what a filter says, for converters to other rule formats (`dnr.rs`).
impl NetworkFilter {
    pub(crate) fn pattern(&self) -> &Pattern {
        &self.pattern
    }

    pub(crate) fn party(&self) -> PartyOption {
        self.party
    }

    pub(crate) fn types(&self) -> TypeMask {
        self.types
    }

    pub(crate) fn domains(&self) -> Option<&Domains> {
        self.domains.as_ref()
    }

    pub(crate) fn match_case(&self) -> bool {
        self.match_case
    }
}

/// A stretch of `FilterSet::strings`.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// Flag bits of a compact filter.
const EXCEPTION: u8 = 1;
const IMPORTANT: u8 = 2;
const MATCH_CASE: u8 = 4;
const END_ANCHOR: u8 = 8;
const REGEX: u8 = 16;
const HAS_DOMAINS: u8 = 32;

/// A filter as the engine keeps it: fixed size, its strings in one shared buffer. About 40 bytes
/// a filter instead of several heap allocations; in a snapshot, one fixed-width record.
#[derive(Debug, Clone, Copy)]
struct CompactFilter {
    /// The line as written.
    text: Span,
    /// The glob's parts joined by `*` (lower-cased unless match-case), or the regex source.
    pattern: Span,
    /// The `$domain=` list as `a.com|~b.com`, when there is one.
    domains: Span,
    line: u32,
    list: u16,
    types: u16,
    flags: u8,
    anchor: Anchor,
    party: PartyOption,
}

impl Record for Span {
    const SIZE: usize = 8;

    fn write(&self, out: &mut Vec<u8>) {
        (self.start, self.len).write(out);
    }

    fn read(bytes: &[u8]) -> Option<Span> {
        let (start, len) = <(u32, u32)>::read(bytes)?;
        Some(Span { start, len })
    }
}

/// The byte an anchor or a party option is stored as is its place in these lists.
const ANCHORS: [Anchor; 3] = [Anchor::None, Anchor::Start, Anchor::Host];
const PARTIES: [PartyOption; 3] = [PartyOption::Any, PartyOption::FirstOnly, PartyOption::ThirdOnly];

/// The place of `value` in `list`, as a record's byte.
fn place<T: PartialEq>(list: &[T], value: &T) -> u8 {
    list.iter().position(|v| v == value).unwrap_or_default() as u8
}

/// Three spans, line, list, types, flags, anchor and party: 35 bytes, in that order.
impl Record for CompactFilter {
    const SIZE: usize = 35;

    fn write(&self, out: &mut Vec<u8>) {
        for span in [self.text, self.pattern, self.domains] {
            span.write(out);
        }
        self.line.write(out);
        out.extend_from_slice(&self.list.to_le_bytes());
        out.extend_from_slice(&self.types.to_le_bytes());
        out.extend_from_slice(&[self.flags, place(&ANCHORS, &self.anchor), place(&PARTIES, &self.party)]);
    }

    fn read(bytes: &[u8]) -> Option<CompactFilter> {
        let span = |at: usize| Span::read(bytes.get(at..at + 8)?);
        let half = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
        Some(CompactFilter {
            text: span(0)?,
            pattern: span(8)?,
            domains: span(16)?,
            line: u32::read(bytes.get(24..28)?)?,
            list: half(28)?,
            types: half(30)?,
            flags: *bytes.get(32)?,
            anchor: *ANCHORS.get(usize::from(*bytes.get(33)?))?,
            party: *PARTIES.get(usize::from(*bytes.get(34)?))?,
        })
    }
}

/// A filter of a `FilterSet`, for the verdict's "why".
#[derive(Debug, Clone, Copy)]
pub struct FilterRef<'a> {
    set: &'a FilterSet,
    filter: &'a CompactFilter,
}

impl<'a> FilterRef<'a> {
    /// The filter as written in its list.
    pub fn text(&self) -> &'a str {
        self.set.string(self.filter.text)
    }

    /// 1-based line number in its list.
    pub fn line(&self) -> u32 {
        self.filter.line
    }

    /// Index of its list in the engine.
    pub fn list(&self) -> u16 {
        self.filter.list
    }

    pub fn is_exception(&self) -> bool {
        self.filter.flags & EXCEPTION != 0
    }
}

/// A request as the filters see it, computed once per request.
pub struct RequestContext<'a> {
    url: &'a str,
    url_lower: String,
    host: HostSpan,
    /// What the index is searched by: [`request_keys`].
    keys: Vec<u32>,
    type_bit: u16,
    third_party: bool,
    page_host: &'a str,
}

impl<'a> RequestContext<'a> {
    pub fn new(url: &'a str, type_bit: u16, third_party: bool, page_host: &'a str) -> Self {
        let (mut url_lower, mut keys) = SCRATCH.take().unwrap_or_default();
        url_lower.clear();
        url_lower.push_str(url);
        url_lower.make_ascii_lowercase();
        let host = HostSpan::of(&url_lower);
        request_keys(&url_lower, &url_lower[host.start..host.end], page_host, &mut keys);
        RequestContext { url, url_lower, host, keys, type_bit, third_party, page_host }
    }
}

thread_local! {
    /// The lower-cased URL and key buffers of the last request, kept for the next: no allocation
    /// per request once they have grown to a typical URL (in wasm, where the allocator is slow,
    /// the two were a tenth of a decision). Taken, not borrowed, so a context made while another
    /// lives simply allocates its own.
    static SCRATCH: std::cell::Cell<Option<(String, Vec<u32>)>> = const { std::cell::Cell::new(None) };
}

/// Buffers kept between requests are at most this large; a hostile megabyte URL is not kept.
const SCRATCH_LIMIT: usize = 16 * 1024;

impl Drop for RequestContext<'_> {
    fn drop(&mut self) {
        if self.url_lower.capacity() <= SCRATCH_LIMIT && self.keys.capacity() <= SCRATCH_LIMIT {
            SCRATCH.set(Some((std::mem::take(&mut self.url_lower), std::mem::take(&mut self.keys))));
        }
    }
}

/// What the filters decide about a request.
#[derive(Debug, Clone, Copy)]
pub enum FilterDecision<'a> {
    /// A blocking filter matched and no exception did (or the filter was `$important`).
    Block(FilterRef<'a>),
    /// A blocking filter matched, and an exception un-blocked it.
    Allow { exception: FilterRef<'a>, blocked_by: FilterRef<'a> },
}

impl<'a> FilterDecision<'a> {
    /// The filter that settled the matter: the blocking filter, or the exception that overrode it.
    pub fn deciding_filter(&self) -> FilterRef<'a> {
        match *self {
            FilterDecision::Block(filter) => filter,
            FilterDecision::Allow { exception, .. } => exception,
        }
    }

    pub fn blocks(&self) -> bool {
        matches!(self, FilterDecision::Block(_))
    }
}

/// Every loaded filter, indexed for matching.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FilterSet {
    /// Every string of every filter, back to back.
    strings: String,
    #[serde(with = "section")]
    filters: Vec<CompactFilter>,
    /// Ids of the `/regex/` filters, ascending; their compiled forms are made on first use.
    #[serde(with = "section")]
    regex_ids: Vec<u32>,
    #[serde(skip)]
    regexes: OnceLock<Vec<OnceLock<Option<Regex>>>>,
    important: TokenIndex,
    blocking: TokenIndex,
    exceptions: TokenIndex,
}

impl FilterSet {
    pub fn new(parsed: Vec<NetworkFilter>) -> FilterSet {
        let mut set = FilterSet::default();
        let mut groups: [Vec<(u32, Keys)>; 3] = Default::default();
        for (id, filter) in parsed.iter().enumerate() {
            let group = match (filter.exception, filter.important) {
                (true, _) => 2,
                (false, true) => 0,
                (false, false) => 1,
            };
            groups[group].push((id as u32, filter.index_keys()));
            let compact = set.compact(filter);
            if compact.flags & REGEX != 0 {
                set.regex_ids.push(id as u32);
            }
            set.filters.push(compact);
        }
        let [important, blocking, exceptions] = groups.map(|group| TokenIndex::build(&group));
        // Grown by pushing, the two would keep up to twice their size for the engine's life.
        set.strings.shrink_to_fit();
        set.filters.shrink_to_fit();
        FilterSet { important, blocking, exceptions, ..set }
    }

    fn compact(&mut self, filter: &NetworkFilter) -> CompactFilter {
        let text = self.push(&filter.text, None);
        let (anchor, end_anchor, pattern) = match &filter.pattern {
            Pattern::Glob { anchor, end_anchor, .. } => {
                let body = filter.pattern.glob_body().unwrap_or_default();
                (*anchor, *end_anchor, self.push(&body, Some((text, &filter.text))))
            }
            Pattern::Regex(source) => (Anchor::None, false, self.push(source, Some((text, &filter.text)))),
        };
        let domains =
            filter.domains.as_ref().map_or(Span::default(), |d| self.push(&d.spec(), Some((text, &filter.text))));
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        CompactFilter {
            text,
            pattern,
            domains,
            line: filter.line,
            list: filter.list,
            types: filter.types.0,
            flags: flag(filter.exception, EXCEPTION)
                | flag(filter.important, IMPORTANT)
                | flag(filter.match_case, MATCH_CASE)
                | flag(end_anchor, END_ANCHOR)
                | flag(matches!(filter.pattern, Pattern::Regex(_)), REGEX)
                | flag(filter.domains.is_some(), HAS_DOMAINS),
            anchor,
            party: filter.party,
        }
    }

    /// Stores `value`, reusing the filter's own line when `value` appears in it verbatim (the
    /// usual case: patterns and domain lists are mostly written in lower case already).
    fn push(&mut self, value: &str, line: Option<(Span, &str)>) -> Span {
        if let Some((span, text)) = line {
            if let Some(at) = text.find(value) {
                return Span { start: span.start + at as u32, len: value.len() as u32 };
            }
        }
        let start = self.strings.len() as u32;
        self.strings.push_str(value);
        Span { start, len: value.len() as u32 }
    }

    fn string(&self, span: Span) -> &str {
        &self.strings[span.start as usize..(span.start + span.len) as usize]
    }

    pub fn len(&self) -> usize {
        self.filters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    fn matches(&self, id: u32, request: &RequestContext) -> bool {
        let filter = &self.filters[id as usize];
        if filter.types & request.type_bit == 0 {
            return false;
        }
        match filter.party {
            PartyOption::FirstOnly if request.third_party => return false,
            PartyOption::ThirdOnly if !request.third_party => return false,
            _ => {}
        }
        // The page's domain list last: some lists name hundreds of sites, while the pattern
        // rules out almost every candidate first.
        let pattern = self.string(filter.pattern);
        let match_case = filter.flags & MATCH_CASE != 0;
        let pattern_matches = if filter.flags & REGEX != 0 {
            self.regex(id, pattern, match_case).is_some_and(|re| re.is_match(request.url.as_bytes()))
        } else {
            let url = if match_case { request.url } else { &request.url_lower };
            Pattern::matches_glob(filter.anchor, filter.flags & END_ANCHOR != 0, pattern, url, request.host)
        };
        pattern_matches
            && (filter.flags & HAS_DOMAINS == 0
                || domains_allow(spec_entries(self.string(filter.domains)), request.page_host))
    }

    /// The compiled regular expression of regex filter `id`, compiled on first use: most never
    /// meet a candidate request, and a snapshot must load fast.
    fn regex(&self, id: u32, source: &str, match_case: bool) -> Option<&Regex> {
        let slot = self.regex_ids.binary_search(&id).ok()?;
        let cache = self.regexes.get_or_init(|| (0..self.regex_ids.len()).map(|_| OnceLock::new()).collect());
        cache[slot].get_or_init(|| regex_filter::compile(source, match_case).ok()).as_ref()
    }

    /// Checks a request: `$important` filters first (exceptions cannot override them), then
    /// blocking filters, then, only when one matched, exceptions.
    pub fn check(&self, request: &RequestContext) -> Option<FilterDecision<'_>> {
        let first_match = |index: &TokenIndex| {
            let mut found = None;
            index.find(&request.keys, |id| {
                let hit = self.matches(id, request);
                if hit {
                    found = Some(FilterRef { set: self, filter: &self.filters[id as usize] });
                }
                hit
            });
            found
        };
        if let Some(filter) = first_match(&self.important) {
            return Some(FilterDecision::Block(filter));
        }
        let blocked_by = first_match(&self.blocking)?;
        Some(match first_match(&self.exceptions) {
            Some(exception) => FilterDecision::Allow { exception, blocked_by },
            None => FilterDecision::Block(blocked_by),
        })
    }

    /// Whether a deserialised set is internally consistent: every index points at a filter and
    /// every span lies within the strings on character boundaries, so no lookup can panic.
    pub(crate) fn is_consistent(&self) -> bool {
        let count = self.filters.len();
        let span_ok = |span: Span| {
            let (start, end) = (span.start as usize, span.start as usize + span.len as usize);
            end <= self.strings.len() && self.strings.is_char_boundary(start) && self.strings.is_char_boundary(end)
        };
        let indexes_ok =
            [&self.important, &self.blocking, &self.exceptions].iter().all(|index| index.ids_within(count));
        let regexes_ok = self.regex_ids.iter().all(|&id| (id as usize) < count);
        indexes_ok
            && regexes_ok
            && self.filters.iter().all(|f| span_ok(f.text) && span_ok(f.pattern) && span_ok(f.domains))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &str) -> FilterSet {
        FilterSet::new(parse_list("test", list, 0).0)
    }

    fn decide<'a>(set: &'a FilterSet, url: &str, type_bit: u16, third: bool, page: &str) -> Option<&'a str> {
        let request = RequestContext::new(url, type_bit, third, page);
        set.check(&request).map(|d| d.deciding_filter().text())
    }

    #[test]
    fn a_filter_record_reads_back_and_an_unknown_anchor_or_party_is_refused() {
        let s = set("|https://tracker.example/p$third-party,domain=news.example");
        let mut bytes = Vec::new();
        s.filters[0].write(&mut bytes);
        assert_eq!(bytes.len(), CompactFilter::SIZE);
        let mut again = Vec::new();
        CompactFilter::read(&bytes).expect("a record just written").write(&mut again);
        assert_eq!(again, bytes);
        for at in [33, 34] {
            let mut bad = bytes.clone();
            bad[at] = 3;
            assert!(CompactFilter::read(&bad).is_none(), "byte {at}");
        }
    }

    #[test]
    fn a_filter_filed_under_its_host_matches_that_host_and_hosts_below_it() {
        // `||x.com/1.1/jot` has no token but `com`; the index files it under the host it names.
        let s = set("||x.com/1.1/jot\n||ads.example^$image");
        for (url, blocked) in [
            ("https://x.com/1.1/jot", true),
            ("https://t.x.com/1.1/jot?x=1", true),
            ("https://tx.com/1.1/jot", false),
            ("https://x.com.evil.example/1.1/jot", false),
            ("https://Cdn.ADS.example:8443/p.gif", true),
            ("https://ads.example.org/p.gif", false),
        ] {
            assert_eq!(decide(&s, url, TypeMask::IMAGE, true, "n.example").is_some(), blocked, "{url}");
        }
    }

    #[test]
    fn exceptions_unblock_and_important_wins() {
        let s = set("||tracker.example^\n@@||tracker.example/ok.js\n||ads.example^$important\n@@||ads.example^");
        let script = TypeMask::SCRIPT;
        assert_eq!(
            decide(&s, "https://tracker.example/t.js", script, true, "news.example"),
            Some("||tracker.example^")
        );
        assert_eq!(
            decide(&s, "https://tracker.example/ok.js", script, true, "news.example"),
            Some("@@||tracker.example/ok.js")
        );
        assert_eq!(
            decide(&s, "https://ads.example/a.js", script, true, "news.example"),
            Some("||ads.example^$important")
        );
        assert_eq!(decide(&s, "https://clean.example/", script, true, "news.example"), None);
    }

    #[test]
    fn party_type_and_domain_options_constrain() {
        let s = set("||cdn.example/px^$image,third-party\n/beacon.js$script,domain=news.example|~sport.news.example");
        let (image, script) = (TypeMask::IMAGE, TypeMask::SCRIPT);
        assert!(decide(&s, "https://cdn.example/px?x", image, true, "news.example").is_some());
        assert!(decide(&s, "https://cdn.example/px?x", image, false, "cdn.example").is_none());
        assert!(decide(&s, "https://cdn.example/px?x", script, true, "news.example").is_none());
        assert!(decide(&s, "https://x.example/beacon.js", script, true, "www.news.example").is_some());
        assert!(decide(&s, "https://x.example/beacon.js", script, true, "sport.news.example").is_none());
        assert!(decide(&s, "https://x.example/beacon.js", script, true, "other.example").is_none());
    }

    #[test]
    fn mixed_domain_lists_and_fetch_requests_as_adblock_rust_reads_them() {
        let s = set("adv$domain=~example.com|foo.example.com\n||px.example^$~xmlhttprequest");
        let image = TypeMask::IMAGE;
        assert!(decide(&s, "https://x.example/adv", image, true, "foo.example.com").is_none());
        assert!(decide(&s, "https://x.example/adv", image, true, "other.org").is_none());
        // `fetch()` is an xmlhttprequest to filter lists: the request corpora's `fetch` type.
        let fetch = TypeMask::of(crate::ResourceType::from_name("fetch"));
        assert!(decide(&s, "https://px.example/p", fetch, true, "site.example").is_none());
        assert!(decide(&s, "https://px.example/p", image, true, "site.example").is_some());
    }

    #[test]
    fn documents_match_untyped_filters_but_not_other_types() {
        let s =
            set("||tracker.example^\n||phish.example^$document\n||cdn.example^$script\n||site.example/px/\n$ping,3p");
        let doc = TypeMask::DOCUMENT;
        assert!(decide(&s, "https://site.example/px/", doc, false, "site.example").is_none());
        assert!(decide(&s, "https://site.example/px/", TypeMask::IMAGE, false, "site.example").is_some());
        assert!(decide(&s, "https://any.example/beacon", TypeMask::PING, true, "site.example").is_some());
        assert!(decide(&s, "https://any.example/beacon", TypeMask::PING, false, "any.example").is_none());
        assert!(decide(&s, "https://tracker.example/", doc, false, "tracker.example").is_some());
        assert!(decide(&s, "https://phish.example/", doc, false, "phish.example").is_some());
        assert!(decide(&s, "https://cdn.example/", doc, false, "cdn.example").is_none());
    }

    #[test]
    fn regex_and_match_case() {
        let s = set("/\\/ad[0-9]+\\.gif/\n/Track.js$match-case\n/\\/px\\D\\.gif/");
        assert!(decide(&s, "https://x.example/px_.gif", TypeMask::IMAGE, true, "n.example").is_some());
        assert!(decide(&s, "https://x.example/px1.gif", TypeMask::IMAGE, true, "n.example").is_none());
        let image = TypeMask::IMAGE;
        assert!(decide(&s, "https://x.example/AD12.gif", image, true, "n.example").is_some());
        assert!(decide(&s, "https://x.example/adx.gif", image, true, "n.example").is_none());
        assert!(decide(&s, "https://x.example/Track.js", TypeMask::SCRIPT, true, "n.example").is_some());
        assert!(decide(&s, "https://x.example/track.js", TypeMask::SCRIPT, true, "n.example").is_none());
        // Filed under the token "154" its top level spells (pattern.rs), and still found by it.
        let s = set("/(https?:\\/\\/)104\\.154\\..{10,}/");
        assert!(decide(&s, "https://104.154.1.2/abcdefghijk", image, true, "n.example").is_some());
        assert!(decide(&s, "https://104.155.1.2/abcdefghijk", image, true, "n.example").is_none());
    }

    #[test]
    fn a_filter_without_a_token_applies_on_its_pages_only() {
        // Filed under its pages, not checked for every request (see index.rs); the pages' own
        // rules still hold: subdomains included, exclusions win, `name.*` entries work.
        let s = set("/^https?:\\/\\/.*\\.xyz\\/.*/$domain=stream.example|~ok.stream.example\n$websocket,domain=tube.*");
        let script = TypeMask::SCRIPT;
        let url = "https://abcdefgh.xyz/p.js";
        assert!(decide(&s, url, script, true, "stream.example").is_some());
        assert!(decide(&s, url, script, true, "www.stream.example").is_some());
        assert!(decide(&s, url, script, true, "ok.stream.example").is_none());
        assert!(decide(&s, url, script, true, "otherstream.example").is_none());
        assert!(decide(&s, url, script, true, "").is_none());
        assert!(decide(&s, "wss://chat.example/ws", TypeMask::WEBSOCKET, true, "tube.co.uk").is_some());
        assert!(decide(&s, "wss://chat.example/ws", TypeMask::WEBSOCKET, true, "news.co.uk").is_none());
    }
}
