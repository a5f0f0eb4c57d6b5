//! The filter-list engine: Adblock Plus / uBlock Origin network filters, parsed, indexed by
//! token, and matched against requests. `Engine` (in `engine.rs`) puts it together with the
//! knowledge base.

mod index;
mod options;
mod parse;
mod pattern;
mod regex_filter;

pub use options::{Domains, PartyOption, TypeMask};
pub use parse::{parse_list, ListReport, Warning};
/// For converters to other rule formats (`dnr.rs`), which read a filter without matching it.
pub(crate) use pattern::{Anchor, Pattern};

use index::{url_tokens, TokenIndex};
use options::Options;
use pattern::HostSpan;
use regex::bytes::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One network filter, as written in its list and as compiled for matching.
#[derive(Debug, Serialize, Deserialize)]
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
    /// Regular expressions compile on first use: most never meet a candidate request, and a
    /// snapshot must load fast.
    #[serde(skip)]
    regex: OnceLock<Option<Regex>>,
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
            regex: OnceLock::new(),
        }
    }

    /// Index tokens, lower-cased like the URLs they are looked up with (even for `$match-case`).
    fn tokens(&self) -> Vec<u32> {
        self.pattern.whole_tokens().iter().map(|t| index::token_hash(t.to_ascii_lowercase().as_bytes())).collect()
    }

    fn matches(&self, request: &RequestContext) -> bool {
        if !self.types.contains(request.type_bit) {
            return false;
        }
        match self.party {
            PartyOption::FirstOnly if request.third_party => return false,
            PartyOption::ThirdOnly if !request.third_party => return false,
            _ => {}
        }
        if let Some(domains) = &self.domains {
            if !domains.allows(request.page_host) {
                return false;
            }
        }
        let url = if self.match_case { request.url } else { &request.url_lower };
        match &self.pattern {
            Pattern::Glob { anchor, end_anchor, parts } => {
                Pattern::matches_glob(*anchor, *end_anchor, parts, url, request.host)
            }
            Pattern::Regex(source) => self
                .regex
                .get_or_init(|| regex_filter::compile(source, self.match_case).ok())
                .as_ref()
                .is_some_and(|re| re.is_match(request.url.as_bytes())),
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

/// A request as the filters see it, computed once per request.
pub struct RequestContext<'a> {
    url: &'a str,
    url_lower: String,
    host: HostSpan,
    tokens: Vec<u32>,
    type_bit: u16,
    third_party: bool,
    page_host: &'a str,
}

impl<'a> RequestContext<'a> {
    pub fn new(url: &'a str, type_bit: u16, third_party: bool, page_host: &'a str) -> Self {
        let url_lower = url.to_ascii_lowercase();
        let host = HostSpan::of(&url_lower);
        let mut tokens = Vec::with_capacity(16);
        url_tokens(&url_lower, &mut tokens);
        RequestContext { url, url_lower, host, tokens, type_bit, third_party, page_host }
    }
}

/// What the filters decide about a request.
#[derive(Debug, Clone, Copy)]
pub enum FilterDecision<'a> {
    /// A blocking filter matched and no exception did (or the filter was `$important`).
    Block(&'a NetworkFilter),
    /// A blocking filter matched, and an exception un-blocked it.
    Allow { exception: &'a NetworkFilter, blocked_by: &'a NetworkFilter },
}

impl<'a> FilterDecision<'a> {
    /// The filter that settled the matter: the blocking filter, or the exception that overrode it.
    pub fn deciding_filter(&self) -> &'a NetworkFilter {
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
    filters: Vec<NetworkFilter>,
    important: TokenIndex,
    blocking: TokenIndex,
    exceptions: TokenIndex,
}

impl FilterSet {
    pub fn new(filters: Vec<NetworkFilter>) -> FilterSet {
        let mut groups: [Vec<(u32, Vec<u32>)>; 3] = Default::default();
        for (id, filter) in filters.iter().enumerate() {
            let group = match (filter.exception, filter.important) {
                (true, _) => 2,
                (false, true) => 0,
                (false, false) => 1,
            };
            groups[group].push((id as u32, filter.tokens()));
        }
        let [important, blocking, exceptions] = groups.map(|group| TokenIndex::build(&group));
        FilterSet { filters, important, blocking, exceptions }
    }

    pub fn len(&self) -> usize {
        self.filters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Checks a request: `$important` filters first (exceptions cannot override them), then
    /// blocking filters, then, only when one matched, exceptions.
    pub fn check(&self, request: &RequestContext) -> Option<FilterDecision<'_>> {
        let first_match = |index: &TokenIndex| {
            let mut found = None;
            index.find(&request.tokens, |id| {
                let filter = &self.filters[id as usize];
                let hit = filter.matches(request);
                if hit {
                    found = Some(filter);
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

    /// Whether a deserialised set is internally consistent (every index points at a filter).
    pub(crate) fn is_consistent(&self) -> bool {
        let count = self.filters.len();
        [&self.important, &self.blocking, &self.exceptions].iter().all(|index| index.ids_within(count))
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
        set.check(&request).map(|d| d.deciding_filter().text.as_str())
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
        let s = set("/\\/ad[0-9]+\\.gif/\n/Track.js$match-case");
        let image = TypeMask::IMAGE;
        assert!(decide(&s, "https://x.example/AD12.gif", image, true, "n.example").is_some());
        assert!(decide(&s, "https://x.example/adx.gif", image, true, "n.example").is_none());
        assert!(decide(&s, "https://x.example/Track.js", TypeMask::SCRIPT, true, "n.example").is_some());
        assert!(decide(&s, "https://x.example/track.js", TypeMask::SCRIPT, true, "n.example").is_none());
    }
}
