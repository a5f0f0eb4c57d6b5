//! What a cookie or a web-storage key is for, whose it is, and whether it holds a persistent
//! identifier, with the evidence in one sentence.
//!
//! Known names come from `data/cookies.json` (the Open Cookie Database plus hand-written entries
//! from vendors' documentation), compiled by `build/cookies.rs` into two sorted static tables:
//! exact names, found by binary search, and prefixes (`_ga_*`), found by one binary search and a
//! short walk up each prefix's chain of shorter prefixes. No regular expression is involved.
//!
//! Names the table does not know are judged by heuristics, each named in the reason: words in
//! the name (`csrf`, `consent`, `lang`…), the company that owns the cookie's domain in the tracker
//! knowledge base, and, for the identifier question, the cookie's lifetime and the shape of its
//! value (length and Shannon entropy, UUID, long number, hex or base64 text).
//!
//! ```
//! use tracklens::cookie_purpose::{classify_cookie, Cookie, CookiePurpose};
//! let verdict = classify_cookie(
//!     &Cookie { name: "_ga_7X2K9Q".into(), value: "GS1.1.1700000000.1.0.1700000000.0.0.0".into(),
//!               domain: ".news.example".into(), expires_in: Some(400 * 86_400), ..Cookie::default() },
//!     "https://news.example/world",
//! );
//! assert_eq!(verdict.purpose, CookiePurpose::Analytics);
//! assert_eq!(verdict.vendor, Some("Google Analytics"));
//! assert_eq!(verdict.entity.map(|e| e.name), Some("Google"));
//! assert!(verdict.identifier);
//! ```

use crate::knowledge::{self, EntityRecord};
use crate::taxonomy::Category;
use crate::url::NetworkUrl;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// What a cookie or storage key is used for. The names are the wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CookiePurpose {
    /// Needed for the site to work: sessions, carts, load balancing, the visitor's consent choice.
    Necessary,
    /// Remembers the visitor's settings: language, currency, layout.
    Preferences,
    /// Visitor statistics, product analytics and session recording.
    Analytics,
    /// Ad targeting, retargeting, conversion measurement and audience building.
    Advertising,
    /// A/B tests, recommendations and content tailored to the visitor.
    Personalization,
    /// Social networks' logins and widgets.
    Social,
    /// Bot detection, fraud prevention, CSRF protection.
    Security,
    /// Nothing known about it.
    Unknown,
}

impl CookiePurpose {
    pub const ALL: [CookiePurpose; 8] = [
        CookiePurpose::Necessary,
        CookiePurpose::Preferences,
        CookiePurpose::Analytics,
        CookiePurpose::Advertising,
        CookiePurpose::Personalization,
        CookiePurpose::Social,
        CookiePurpose::Security,
        CookiePurpose::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CookiePurpose::Necessary => "necessary",
            CookiePurpose::Preferences => "preferences",
            CookiePurpose::Analytics => "analytics",
            CookiePurpose::Advertising => "advertising",
            CookiePurpose::Personalization => "personalization",
            CookiePurpose::Social => "social",
            CookiePurpose::Security => "security",
            CookiePurpose::Unknown => "unknown",
        }
    }
}

impl fmt::Display for CookiePurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `SameSite` attribute. Chrome's cookies API calls `None` `no_restriction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SameSite {
    Strict,
    Lax,
    #[serde(alias = "no_restriction")]
    None,
    #[default]
    Unspecified,
}

/// A cookie as the browser reports it. Strings borrow from the input where they can.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Cookie<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub value: Cow<'a, str>,
    /// The `Domain` attribute (`.doubleclick.net`), or the host that set a host-only cookie.
    /// Empty means the page's own host.
    #[serde(borrow, default)]
    pub domain: Cow<'a, str>,
    #[serde(borrow, default)]
    pub path: Cow<'a, str>,
    /// Seconds from now until it expires; `None` for a session cookie.
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub http_only: bool,
    #[serde(default)]
    pub secure: bool,
    #[serde(default)]
    pub same_site: SameSite,
}

/// Which web-storage area a key lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageArea {
    /// `localStorage`: kept until the visitor clears it, like a cookie that never expires.
    Local,
    /// `sessionStorage`: gone when the tab closes.
    Session,
}

/// A clue that fired for a cookie the table does not settle alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Heuristic {
    /// Lives longer than 90 days (or in localStorage).
    LongLived,
    /// Long, high-entropy value.
    HighEntropy,
    UuidValue,
    NumericId,
    HexValue,
    Base64Value,
    /// Set on a domain the tracker knowledge base lists.
    KnownTrackerDomain,
    /// Set on a domain whose other cookies in the table mostly share one purpose.
    CookieDomainProfile,
    /// Shares a long prefix with a name in the table (same vendor's naming scheme).
    SimilarName,
    /// A word in the name tells the purpose.
    NameKeyword,
}

/// Where a table match came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableSource {
    OpenCookieDatabase,
    /// Written by hand from the vendor's documentation.
    Tracklens,
}

/// The table entry that matched a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TableMatch {
    /// The name or prefix, without the `*` of a prefix.
    pub pattern: &'static str,
    pub prefix: bool,
    /// The registrable domain the entry is limited to, if any.
    pub domain: Option<&'static str>,
    pub purpose: CookiePurpose,
    pub vendor: Option<&'static str>,
    pub identifier: bool,
    pub source: TableSource,
    /// Made only from the evaluation's hold-out rows of the Open Cookie Database.
    #[serde(skip)]
    pub holdout: bool,
    /// The vendor's company in the tracker knowledge base, resolved at build time.
    #[serde(skip)]
    pub entity: Option<&'static EntityRecord>,
}

impl TableMatch {
    /// `_ga_*`, `IDE on doubleclick.net`.
    pub fn describe(&self) -> String {
        let star = if self.prefix { "*" } else { "" };
        match self.domain {
            Some(domain) => format!("`{}{star}` on {domain}", self.pattern),
            None => format!("`{}{star}`", self.pattern),
        }
    }
}

/// What TrackLens concludes about one cookie or storage key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CookieVerdict {
    pub name: String,
    pub purpose: CookiePurpose,
    /// The vendor (product or company) the table names, else the company owning the domain.
    pub vendor: Option<&'static str>,
    /// The company, from the tracker knowledge base, with its privacy and opt-out links.
    pub entity: Option<&'static EntityRecord>,
    /// Likely a persistent identifier of the browser or the person.
    pub identifier: bool,
    /// Its domain is another site than the page's.
    pub third_party: bool,
    pub matched: Option<TableMatch>,
    pub heuristics: Vec<Heuristic>,
    /// One sentence naming the evidence.
    pub reason: String,
}

/// Which entries of the table to use. The shipped classifier uses them all; the evaluation
/// leaves out those learnt only from its hold-out rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableSet {
    All,
    WithoutHoldout,
}

// ---------------------------------------------------------------------------------------------
// The compiled table

pub(crate) struct Vendor {
    name: &'static str,
    entity: Option<usize>,
}

#[doc(hidden)]
pub struct Pattern {
    text: &'static str,
    /// Index of the longest shorter prefix in `PREFIXES`, or `NO_PARENT`.
    parent: usize,
    rules: &'static [Rule],
}

#[doc(hidden)]
pub struct Rule {
    domain: Option<&'static str>,
    purpose: CookiePurpose,
    vendor: usize,
    identifier: bool,
    holdout: bool,
    hand_written: bool,
}

#[doc(hidden)]
pub struct DomainProfile {
    domain: &'static str,
    purpose: CookiePurpose,
    vendor: usize,
    rows: u32,
    holdout: bool,
}

const NO_PARENT: usize = u16::MAX as usize;

include!(concat!(env!("OUT_DIR"), "/cookie_table.rs"));

fn vendor_of(rule: &Rule) -> Option<&'static Vendor> {
    VENDORS.get(rule.vendor)
}

/// `domain` is `rule_domain` or one of its subdomains.
fn domain_matches(domain: &str, rule_domain: &str) -> bool {
    domain == rule_domain
        || (domain.len() > rule_domain.len()
            && domain.ends_with(rule_domain)
            && domain.as_bytes()[domain.len() - rule_domain.len() - 1] == b'.')
}

fn choose(pattern: &'static Pattern, domain: &str, set: TableSet) -> Option<&'static Rule> {
    pattern.rules.iter().find(|rule| {
        !(set == TableSet::WithoutHoldout && rule.holdout) && rule.domain.is_none_or(|d| domain_matches(domain, d))
    })
}

fn table_match(pattern: &'static Pattern, rule: &'static Rule, prefix: bool) -> TableMatch {
    TableMatch {
        pattern: pattern.text,
        prefix,
        domain: rule.domain,
        purpose: rule.purpose,
        vendor: vendor_of(rule).map(|v| v.name),
        identifier: rule.identifier,
        source: if rule.hand_written { TableSource::Tracklens } else { TableSource::OpenCookieDatabase },
        holdout: rule.holdout,
        entity: vendor_of(rule).and_then(|v| v.entity).map(|i| &knowledge::entities()[i]),
    }
}

/// The table entry for a cookie or key `name` set on `domain` (lower case, no leading dot; may
/// be empty): an exact name first, else the longest prefix. Entries limited to a domain apply
/// only there.
pub fn lookup(name: &str, domain: &str, set: TableSet) -> Option<TableMatch> {
    if let Ok(index) = EXACT.binary_search_by(|p| p.text.cmp(name)) {
        if let Some(rule) = choose(&EXACT[index], domain, set) {
            return Some(table_match(&EXACT[index], rule, false));
        }
    }
    // Every prefix of `name` sorts at or before `name`, and each is also a prefix of the last
    // pattern sorting at or before it: walk that pattern's chain of shorter prefixes.
    let mut index = PREFIXES.partition_point(|p| p.text <= name).checked_sub(1)?;
    loop {
        let pattern = &PREFIXES[index];
        if name.starts_with(pattern.text) {
            if let Some(rule) = choose(pattern, domain, set) {
                return Some(table_match(pattern, rule, true));
            }
        }
        if pattern.parent == NO_PARENT {
            return None;
        }
        index = pattern.parent;
    }
}

/// The closest known name sharing a long prefix with `name` (a vendor's naming scheme:
/// `_KnowledgePageFilterX` beside `_KnowledgePageFilter`): at least 6 shared characters, or 4
/// ending in `_`, `-` or `.`. Returns the shared prefix and the entry.
fn similar_name<'n>(name: &'n str, domain: &str, set: TableSet) -> Option<(&'n str, TableMatch)> {
    let mut best: Option<(usize, TableMatch)> = None;
    for (patterns, prefix) in [(EXACT, false), (PREFIXES, true)] {
        let at = patterns.partition_point(|p| p.text < name);
        // The nearest neighbours on each side that apply here.
        let below = patterns[..at].iter().rev().take(4);
        let above = patterns[at..].iter().take(4);
        for pattern in below.chain(above) {
            let Some(rule) = choose(pattern, domain, set) else { continue };
            let shared = name.bytes().zip(pattern.text.bytes()).take_while(|(a, b)| a == b).count();
            if best.as_ref().is_none_or(|(len, _)| shared > *len) {
                best = Some((shared, table_match(pattern, rule, prefix)));
            }
        }
    }
    let (mut shared, found) = best?;
    while !name.is_char_boundary(shared) {
        shared -= 1;
    }
    let stem = &name[..shared];
    let long_enough = shared >= 6 || (shared >= 4 && stem.ends_with(['_', '-', '.']));
    long_enough.then_some((stem, found))
}

/// What the table's other cookies on `domain` (or a parent domain) are for.
fn domain_profile(domain: &str, set: TableSet) -> Option<&'static DomainProfile> {
    let mut candidate = domain;
    loop {
        if let Ok(index) = DOMAIN_PROFILES.binary_search_by(|p| p.domain.cmp(candidate)) {
            let profile = &DOMAIN_PROFILES[index];
            return (!(set == TableSet::WithoutHoldout && profile.holdout)).then_some(profile);
        }
        let (_, parent) = candidate.split_once('.')?;
        if !parent.contains('.') {
            return None;
        }
        candidate = parent;
    }
}

/// One row of the table, for tools and benchmarks: the pattern, with `*` for a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub pattern: String,
    pub matched: TableMatch,
}

/// Every rule in the table: exact names in name order, then prefixes in name order; within a
/// pattern, the rules limited to a domain before the unrestricted one (the order `lookup`
/// tries them in).
pub fn table() -> Vec<TableRow> {
    let mut rows = Vec::new();
    for (patterns, prefix) in [(EXACT, false), (PREFIXES, true)] {
        for pattern in patterns {
            for rule in pattern.rules {
                let star = if prefix { "*" } else { "" };
                rows.push(TableRow {
                    pattern: format!("{}{star}", pattern.text),
                    matched: table_match(pattern, rule, prefix),
                });
            }
        }
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Value and name heuristics

const DAY: i64 = 86_400;
const LONG_LIVED: i64 = 90 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifetime {
    Session,
    Seconds(i64),
    UntilCleared,
}

impl Lifetime {
    fn long_lived(self) -> bool {
        match self {
            Lifetime::Session => false,
            Lifetime::Seconds(s) => s > LONG_LIVED,
            Lifetime::UntilCleared => true,
        }
    }

    fn at_least_a_day(self) -> bool {
        match self {
            Lifetime::Session => false,
            Lifetime::Seconds(s) => s >= DAY,
            Lifetime::UntilCleared => true,
        }
    }

    fn describe(self) -> String {
        match self {
            Lifetime::Session => "it ends with the session".to_owned(),
            Lifetime::Seconds(s) => format!("it lasts {} days", s / DAY),
            Lifetime::UntilCleared => "localStorage keeps it until cleared".to_owned(),
        }
    }
}

/// Shannon entropy of the bytes of `text`, in bits per byte.
pub fn shannon_entropy(text: &str) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[b as usize] += 1;
    }
    let n = text.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| f64::from(c) / n).map(|p| -p * p.log2()).sum()
}

fn is_uuid(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, &c)| if [8, 13, 18, 23].contains(&i) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// A Unix time in seconds or milliseconds between 2001 and 2033: a timestamp, not an identifier.
fn is_timestamp(t: &str) -> bool {
    match t.len() {
        10 => t.as_bytes()[0] == b'1',
        13 => t.as_bytes()[0] == b'1',
        _ => false,
    }
}

/// The identifier shape of one token of a value, if it has one.
fn token_shape(t: &str) -> Option<Heuristic> {
    let len = t.len();
    if is_uuid(t) {
        return Some(Heuristic::UuidValue);
    }
    if len >= 10 && t.bytes().all(|b| b.is_ascii_digit()) {
        return (!is_timestamp(t) || len > 13).then_some(Heuristic::NumericId);
    }
    if len >= 16 && t.bytes().all(|b| b.is_ascii_hexdigit()) && t.bytes().any(|b| b.is_ascii_digit()) {
        return Some(Heuristic::HexValue);
    }
    let base64ish = t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    let classes = [
        t.bytes().any(|b| b.is_ascii_lowercase()),
        t.bytes().any(|b| b.is_ascii_uppercase()),
        t.bytes().any(|b| b.is_ascii_digit()),
    ];
    if len >= 16 && base64ish && classes.iter().filter(|&&c| c).count() >= 2 && shannon_entropy(t) >= 3.5 {
        return Some(Heuristic::Base64Value);
    }
    None
}

/// How a value looks like an identifier: the whole value, else its longest-shaped token (values
/// such as `fb.1.1700000000000.1234567890123` carry the identifier inside), else its entropy.
fn value_shape(value: &str) -> Option<Heuristic> {
    let value = value.trim_matches('"');
    if value.len() < 8 {
        return None;
    }
    if let Some(shape) = token_shape(value) {
        return Some(shape);
    }
    let token = value
        .split(['.', ':', '|', '_', ',', ';', '&', '=', '~', '*', '%', ' '])
        .filter_map(token_shape)
        .min_by_key(|h| *h as u8);
    if token.is_some() {
        return token;
    }
    (value.len() >= 16 && shannon_entropy(value) >= 3.5).then_some(Heuristic::HighEntropy)
}

/// Whether a value (of a cookie, a storage key or a URL parameter) is shaped like an identifier:
/// a UUID, a long number, hex or base64 string, or a long high-entropy token.
pub fn looks_like_identifier(value: &str) -> bool {
    value_shape(value).is_some()
}

fn shape_words(shape: Heuristic) -> &'static str {
    match shape {
        Heuristic::UuidValue => "its value is a UUID",
        Heuristic::NumericId => "its value holds a long numeric ID",
        Heuristic::HexValue => "its value holds a long hex string",
        Heuristic::Base64Value => "its value holds a long random-looking base64 string",
        Heuristic::HighEntropy => "its value is long and high-entropy",
        _ => "its value looks like an identifier",
    }
}

/// Lower-case words of a name: split at punctuation and at lower→upper case changes.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Keywords telling a purpose: whole words of the name, or parts of a longer word for keywords
/// of five letters or more (`cookieconsent`). Checked in this order.
const KEYWORDS: &[(CookiePurpose, &[&str])] = &[
    (CookiePurpose::Security, &["csrf", "xsrf", "captcha", "recaptcha", "antiforgery", "waf", "bot", "botmanager"]),
    (CookiePurpose::Necessary, &["consent", "gdpr", "cookielaw", "ccpa", "cmp", "tcf", "cookiebanner"]),
    (
        CookiePurpose::Advertising,
        &["ads", "adid", "advert", "advertising", "gclid", "fbclid", "retarget", "conversion"],
    ),
    (CookiePurpose::Analytics, &["utm", "analytics", "pageview", "pageviews", "stats", "statistics", "metrics"]),
    (CookiePurpose::Personalization, &["abtest", "experiment", "variant", "personalization", "personalisation"]),
    (
        CookiePurpose::Preferences,
        &["lang", "language", "locale", "currency", "theme", "timezone", "prefs", "preferences"],
    ),
    (
        CookiePurpose::Necessary,
        &[
            "sess",
            "session",
            "sessid",
            "sessionid",
            "phpsessid",
            "jsessionid",
            "auth",
            "login",
            "cart",
            "basket",
            "checkout",
        ],
    ),
];

fn keyword_purpose(name: &str) -> Option<(CookiePurpose, &'static str)> {
    let words = name_words(name);
    for &(purpose, keywords) in KEYWORDS {
        for &keyword in keywords {
            let hit = words.iter().any(|w| w == keyword || (keyword.len() >= 5 && w.contains(keyword)));
            if hit {
                return Some((purpose, keyword));
            }
        }
    }
    None
}

/// The purpose a tracker domain's category implies for its cookies.
fn category_purpose(categories: &[Category]) -> Option<CookiePurpose> {
    let order = [
        (Category::Advertising, CookiePurpose::Advertising),
        (Category::SessionReplay, CookiePurpose::Analytics),
        (Category::Analytics, CookiePurpose::Analytics),
        (Category::Personalization, CookiePurpose::Personalization),
        (Category::Social, CookiePurpose::Social),
        (Category::Consent, CookiePurpose::Necessary),
        (Category::CustomerInteraction, CookiePurpose::Necessary),
    ];
    order.iter().find(|(category, _)| categories.contains(category)).map(|&(_, purpose)| purpose)
}

// ---------------------------------------------------------------------------------------------
// Classification

/// Classifies a cookie seen on `page_url`, with the whole table.
pub fn classify_cookie(cookie: &Cookie<'_>, page_url: &str) -> CookieVerdict {
    classify_cookie_with(TableSet::All, cookie, page_url)
}

/// Classifies a localStorage or sessionStorage key written by `page_url`.
pub fn classify_storage(area: StorageArea, key: &str, value: &str, page_url: &str) -> CookieVerdict {
    let lifetime = match area {
        StorageArea::Local => Lifetime::UntilCleared,
        StorageArea::Session => Lifetime::Session,
    };
    let page_host = page_host(page_url);
    classify(TableSet::All, key, value, &page_host, lifetime, &page_host)
}

/// [`classify_cookie`] with a choice of table entries (for the evaluation).
pub fn classify_cookie_with(set: TableSet, cookie: &Cookie<'_>, page_url: &str) -> CookieVerdict {
    let page_host = page_host(page_url);
    let domain = cookie.domain.trim().trim_start_matches('.').trim_end_matches('.');
    let domain = if domain.is_empty() { Cow::Borrowed(page_host.as_str()) } else { lower(domain) };
    let lifetime = cookie.expires_in.map_or(Lifetime::Session, Lifetime::Seconds);
    classify(set, &cookie.name, &cookie.value, &domain, lifetime, &page_host)
}

fn lower(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn page_host(page_url: &str) -> String {
    NetworkUrl::parse(page_url).map(|u| u.host).unwrap_or_default()
}

fn site(host: &str) -> &str {
    psl::domain_str(host).unwrap_or(host)
}

fn classify(
    set: TableSet,
    name: &str,
    value: &str,
    domain: &str,
    lifetime: Lifetime,
    page_host: &str,
) -> CookieVerdict {
    let third_party = !domain.is_empty() && !page_host.is_empty() && site(domain) != site(page_host);
    let tracker = if domain.is_empty() { None } else { knowledge::lookup(domain) };
    let domain_entity = tracker.map(|record| record.entity());
    // `__Host-` and `__Secure-` only ask the browser for stricter rules; the rest is the name.
    let matched = lookup(name, domain, set).or_else(|| {
        let bare = name.strip_prefix("__Host-").or_else(|| name.strip_prefix("__Secure-"))?;
        lookup(bare, domain, set)
    });
    let shape = value_shape(value);
    let mut heuristics = Vec::new();

    if let Some(found) = matched {
        let entity = found.entity.or(domain_entity);
        let vendor = found.vendor.or(entity.map(|e| e.name));
        let source = match found.source {
            TableSource::OpenCookieDatabase => "the Open Cookie Database",
            TableSource::Tracklens => "TrackLens's vendor notes",
        };
        let whose = vendor.map_or(String::new(), |v| format!("{v}'s "));
        let mut reason = format!("`{name}` matches {} in {source}, {whose}{} cookie", found.describe(), found.purpose);
        // The table says what the name is used for; the value may still say this instance is
        // not (an opt-out marker), or is (a long-lived random value the table did not flag).
        let mut identifier = found.identifier;
        if found.identifier && !value.is_empty() && shape.is_none() && value.len() < 8 {
            identifier = false;
            reason.push_str(", which holds an identifier, but this value is too short to identify anyone");
        } else if found.identifier {
            reason.push_str(" that holds a persistent identifier");
        } else if let Some(shape) = shape.filter(|_| lifetime.long_lived()) {
            identifier = true;
            heuristics.extend([shape, Heuristic::LongLived]);
            reason.push_str(&format!(
                "; {} and {}, so it is likely an identifier",
                shape_words(shape),
                lifetime.describe()
            ));
        }
        reason.push('.');
        return CookieVerdict {
            name: name.to_owned(),
            purpose: found.purpose,
            vendor,
            entity,
            identifier,
            third_party,
            matched: Some(found),
            heuristics,
            reason,
        };
    }

    // Unknown name, in order of how specific the clue is: a security or consent word in the
    // name; a name of the same family in the table; what the table's other cookies on this
    // domain are for; the domain owner's purpose in the tracker knowledge base; other words.
    let keyword = keyword_purpose(name);
    let strong = keyword.filter(|&(purpose, word)| {
        matches!(purpose, CookiePurpose::Security | CookiePurpose::Necessary) && word_is_strong(word)
    });
    let from_domain = tracker.and_then(|record| category_purpose(record.categories));
    let mut clauses: Vec<String> = Vec::new();
    let mut vendor = domain_entity.map(|e| e.name);
    let mut entity = domain_entity;
    let purpose = if let Some((purpose, word)) = strong {
        heuristics.push(Heuristic::NameKeyword);
        clauses.push(format!("its name contains `{word}`, so {purpose}"));
        purpose
    } else if let Some((stem, similar)) = similar_name(name, domain, set) {
        heuristics.push(Heuristic::SimilarName);
        let whose = similar.vendor.map_or(String::new(), |v| format!("{v}'s "));
        clauses.push(format!(
            "it shares `{stem}` with {}, {whose}{} cookie, so {}",
            similar.describe(),
            similar.purpose,
            similar.purpose
        ));
        vendor = similar.vendor.or(vendor);
        entity = similar.entity.or(entity);
        similar.purpose
    } else if let Some(profile) = (!domain.is_empty()).then(|| domain_profile(domain, set)).flatten() {
        heuristics.push(Heuristic::CookieDomainProfile);
        let owner = VENDORS.get(profile.vendor);
        clauses.push(format!(
            "the cookie table's {} other cookies on {} are mostly {}, so {}",
            profile.rows, profile.domain, profile.purpose, profile.purpose
        ));
        vendor = owner.map(|v| v.name).or(vendor);
        entity = owner.and_then(|v| v.entity).map(|i| &knowledge::entities()[i]).or(entity);
        profile.purpose
    } else if let Some(purpose) = from_domain {
        heuristics.push(Heuristic::KnownTrackerDomain);
        let record = tracker.expect("a purpose from the domain needs its record");
        clauses.push(format!(
            "it is set on {}, a domain of {} used for {}, so {purpose}",
            record.domain,
            record.entity().name,
            record.categories.iter().map(|c| c.as_str().replace('_', " ")).collect::<Vec<_>>().join(" and ")
        ));
        purpose
    } else if let Some((purpose, word)) = keyword {
        heuristics.push(Heuristic::NameKeyword);
        clauses.push(format!("its name contains `{word}`, so {purpose}"));
        purpose
    } else {
        CookiePurpose::Unknown
    };
    if tracker.is_some() && !heuristics.contains(&Heuristic::KnownTrackerDomain) {
        heuristics.push(Heuristic::KnownTrackerDomain);
    }
    let tracking_domain = tracker.is_some_and(|r| r.categories.iter().any(|c| c.is_tracking()));
    let identifier = match shape {
        Some(shape) => {
            let persistent = lifetime.long_lived() || (tracking_domain && lifetime.at_least_a_day());
            heuristics.push(shape);
            if lifetime.long_lived() {
                heuristics.push(Heuristic::LongLived);
            }
            let verdict = if persistent { "so it is likely a persistent identifier" } else { "but it is short-lived" };
            clauses.push(format!("{} and {}, {verdict}", shape_words(shape), lifetime.describe()));
            persistent
        }
        None if value.is_empty() && tracking_domain && lifetime.long_lived() => {
            heuristics.push(Heuristic::LongLived);
            clauses.push(format!(
                "its value was not seen, but {} on a tracker's domain, so it is likely a persistent identifier",
                lifetime.describe()
            ));
            true
        }
        None => {
            if lifetime.long_lived() {
                heuristics.push(Heuristic::LongLived);
            }
            if !value.is_empty() {
                clauses.push(format!("its value does not look like an identifier and {}", lifetime.describe()));
            }
            false
        }
    };
    let reason = if clauses.is_empty() {
        format!("`{name}` is not in the cookie table and nothing in its name, domain or value tells its purpose.")
    } else {
        format!("`{name}` is not in the cookie table; {}.", clauses.join("; "))
    };
    CookieVerdict {
        name: name.to_owned(),
        purpose,
        vendor,
        entity,
        identifier,
        third_party,
        matched: None,
        heuristics,
        reason,
    }
}

/// Security and consent words that outweigh what the domain's owner does in general (a tracker's
/// own CSRF token is still a CSRF token); session words do not.
fn word_is_strong(word: &str) -> bool {
    !matches!(
        word,
        "sess" | "session" | "sessid" | "sessionid" | "auth" | "login" | "cart" | "basket" | "checkout" | "bot"
    )
}

// ---------------------------------------------------------------------------------------------
// Cross-site syncing

/// A cookie value seen on one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SeenValue<'a> {
    /// The site (registrable domain) of the page it was seen on.
    pub site: &'a str,
    pub name: &'a str,
    pub value: &'a str,
}

/// An identifier found on two sites or more: likely shared between companies (cookie syncing)
/// or carried by one company across the web. The value itself is not returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncedValue {
    /// The sites it was seen on, sorted.
    pub sites: Vec<String>,
    /// `(site, cookie name)` of each sighting, sorted.
    pub cookies: Vec<(String, String)>,
    /// How the value looked like an identifier.
    pub shape: Heuristic,
}

/// The identifier-shaped values (or identifier-shaped parts of values, such as the ID inside
/// `fb.1.1700000000000.1234567890123`) seen on at least two different sites. Short or
/// low-entropy values (`1`, `true`, `en-US`) are ignored: equal by chance, not by syncing.
pub fn synced_values(seen: &[SeenValue<'_>]) -> Vec<SyncedValue> {
    // token → (its shape, the (site, name) sightings)
    type Sightings<'s> = (Heuristic, Vec<(&'s str, &'s str)>);
    let mut by_token: BTreeMap<&str, Sightings<'_>> = BTreeMap::new();
    for sighting in seen {
        let value = sighting.value.trim_matches('"');
        let whole = token_shape(value).map(|shape| (value, shape));
        let parts = value.split(['.', ':', '|', '_', ',', ';', '&', '=', '~', '*', '%', ' ']).filter_map(|t| {
            let shape = token_shape(t)?;
            Some((t, shape))
        });
        let mut tokens: Vec<(&str, Heuristic)> = whole.into_iter().chain(parts).collect();
        tokens.sort_unstable_by_key(|(t, _)| *t);
        tokens.dedup_by_key(|(t, _)| *t);
        for (token, shape) in tokens {
            by_token.entry(token).or_insert((shape, Vec::new())).1.push((sighting.site, sighting.name));
        }
    }
    let mut out: Vec<SyncedValue> = by_token
        .into_values()
        .filter_map(|(shape, sightings)| {
            let mut sites: Vec<String> = sightings.iter().map(|(s, _)| (*s).to_owned()).collect();
            sites.sort();
            sites.dedup();
            if sites.len() < 2 {
                return None;
            }
            let mut cookies: Vec<(String, String)> =
                sightings.iter().map(|(s, n)| ((*s).to_owned(), (*n).to_owned())).collect();
            cookies.sort();
            cookies.dedup();
            Some(SyncedValue { sites, cookies, shape })
        })
        .collect();
    out.sort_by(|a, b| b.sites.len().cmp(&a.sites.len()).then_with(|| a.cookies.cmp(&b.cookies)));
    out.dedup_by(|a, b| a.cookies == b.cookies);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie<'a>(name: &'a str, value: &'a str, domain: &'a str, days: Option<i64>) -> Cookie<'a> {
        Cookie {
            name: name.into(),
            value: value.into(),
            domain: domain.into(),
            expires_in: days.map(|d| d * DAY),
            ..Cookie::default()
        }
    }

    const PAGE: &str = "https://news.example/world/story";

    #[test]
    fn tables_are_sorted_unique_and_chained() {
        assert!(EXACT.windows(2).all(|p| p[0].text < p[1].text));
        assert!(PREFIXES.windows(2).all(|p| p[0].text < p[1].text));
        for (index, pattern) in PREFIXES.iter().enumerate() {
            assert!(!pattern.rules.is_empty());
            if pattern.parent != NO_PARENT {
                assert!(pattern.parent < index);
                assert!(pattern.text.starts_with(PREFIXES[pattern.parent].text), "{}", pattern.text);
            }
            // The parent is the longest shorter prefix in the table.
            let longest = PREFIXES[..index].iter().rposition(|p| pattern.text.starts_with(p.text));
            assert_eq!(longest.unwrap_or(NO_PARENT), pattern.parent, "{}", pattern.text);
        }
        for pattern in EXACT.iter().chain(PREFIXES) {
            // Domain rules first, at most one unrestricted rule, last.
            let unrestricted = pattern.rules.iter().filter(|r| r.domain.is_none()).count();
            assert!(unrestricted <= 1, "{}", pattern.text);
            assert!(pattern.rules.iter().rev().skip(unrestricted).all(|r| r.domain.is_some()), "{}", pattern.text);
        }
    }

    #[test]
    fn covers_at_least_500_patterns_and_the_major_vendors() {
        let patterns = EXACT.len() + PREFIXES.len();
        assert!(patterns >= 500, "only {patterns} patterns");
        let expected: &[(&str, &str, CookiePurpose, Option<&str>)] = &[
            ("_ga", "", CookiePurpose::Analytics, Some("Google Analytics")),
            ("_ga_ABC123", "", CookiePurpose::Analytics, Some("Google Analytics")),
            ("_gid", "", CookiePurpose::Analytics, Some("Google Analytics")),
            ("_gcl_au", "", CookiePurpose::Advertising, Some("Google Ads")),
            ("_gcl_xyz", "", CookiePurpose::Advertising, Some("Google Ads")),
            ("IDE", "doubleclick.net", CookiePurpose::Advertising, Some("Google")),
            ("_fbp", "", CookiePurpose::Advertising, Some("Meta")),
            ("fr", "facebook.com", CookiePurpose::Advertising, Some("Meta")),
            ("_hjSession_123456", "", CookiePurpose::Analytics, Some("Hotjar")),
            ("_clck", "", CookiePurpose::Analytics, Some("Microsoft Clarity")),
            ("optimizelyEndUserId", "", CookiePurpose::Personalization, Some("Optimizely")),
            ("_dyid", "", CookiePurpose::Personalization, Some("Dynamic Yield")),
            ("_dy_anything", "", CookiePurpose::Personalization, Some("Dynamic Yield")),
            ("mbox", "", CookiePurpose::Personalization, Some("Adobe")),
            ("_vwo_uuid_v2", "", CookiePurpose::Personalization, Some("VWO")),
            ("_vwo_sn", "", CookiePurpose::Personalization, Some("VWO")),
            ("AMCV_ABC%40AdobeOrg", "", CookiePurpose::Advertising, Some("Adobe Audience Manager")),
            ("ajs_anonymous_id", "", CookiePurpose::Analytics, Some("Segment")),
            ("__hssc", "", CookiePurpose::Advertising, Some("Hubspot")),
            ("OptanonConsent", "", CookiePurpose::Necessary, Some("OneTrust")),
            ("euconsent-v2", "", CookiePurpose::Necessary, Some("IAB Europe TCF")),
            ("PHPSESSID", "", CookiePurpose::Necessary, Some("PHP")),
            ("csrftoken", "", CookiePurpose::Security, Some("Django")),
        ];
        for &(name, domain, purpose, vendor) in expected {
            let found = lookup(name, domain, TableSet::All).unwrap_or_else(|| panic!("{name} is not in the table"));
            assert_eq!((found.purpose, found.vendor), (purpose, vendor), "{name}");
        }
    }

    #[test]
    fn the_longest_prefix_wins_and_exact_names_beat_prefixes() {
        // `_hjSession_*` (hand-written) over `_hj*`.
        assert_eq!(lookup("_hjSession_42", "", TableSet::All).unwrap().pattern, "_hjSession_");
        assert_eq!(lookup("_hjSomethingNew", "", TableSet::All).unwrap().pattern, "_hj");
        assert!(!lookup("_dyid", "", TableSet::All).unwrap().prefix);
        assert_eq!(lookup("_dyid_server", "", TableSet::All).unwrap().pattern, "_dyid_server");
        // A name sorting between a prefix and its extensions still finds the prefix.
        let m = lookup("_gcl_zz", "", TableSet::All).unwrap();
        assert_eq!((m.pattern, m.prefix), ("_gcl_", true));
        assert!(lookup("", "", TableSet::All).is_none());
        assert!(lookup("zzzzzz-not-a-cookie", "", TableSet::All).is_none());
        assert!(lookup("\u{10FFFF}", "", TableSet::All).is_none());
    }

    #[test]
    fn generic_names_apply_only_on_their_domain() {
        assert_eq!(lookup("uuid2", "ib.adnxs.com", TableSet::All).unwrap().vendor, Some("Xandr"));
        assert!(lookup("uuid2", "news.example", TableSet::All).is_none());
        assert_eq!(
            lookup("IDE", ".doubleclick.net".trim_start_matches('.'), TableSet::All).unwrap().vendor,
            Some("Google")
        );
        assert!(lookup("IDE", "notdoubleclick.net", TableSet::All).is_none());
        assert!(domain_matches("a.b.adnxs.com", "adnxs.com"));
        assert!(!domain_matches("xadnxs.com", "adnxs.com"));
    }

    #[test]
    fn known_cookies_name_vendor_company_and_evidence() {
        let v = classify_cookie(&cookie("IDE", "AHWqTUm1vV9yBx4kQ2", ".doubleclick.net", Some(390)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Advertising);
        assert_eq!(v.vendor, Some("Google"));
        assert_eq!(v.entity.map(|e| e.name), Some("Google"));
        assert!(v.identifier && v.third_party);
        assert!(v.reason.contains("`IDE` on doubleclick.net"), "{}", v.reason);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["purpose"], "advertising");
        assert_eq!(json["matched"]["source"], "tracklens");

        let v = classify_cookie(&cookie("_fbp", "fb.1.1700000000000.1234567890", "news.example", Some(90)), PAGE);
        assert_eq!(
            (v.purpose, v.entity.map(|e| e.name), v.third_party),
            (CookiePurpose::Advertising, Some("Meta"), false)
        );

        // `__Secure-` only tightens the browser's rules.
        let v = classify_cookie(&cookie("__Secure-ENID", "x", "google.com", Some(300)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Security);
    }

    #[test]
    fn an_opt_out_value_is_not_an_identifier() {
        let v = classify_cookie(&cookie("_ga", "0", "", Some(700)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Analytics);
        assert!(!v.identifier, "{}", v.reason);
        assert!(v.reason.contains("too short"), "{}", v.reason);
    }

    #[test]
    fn unknown_cookies_are_judged_by_name_domain_lifetime_and_value() {
        // A tracker's domain, a UUID, a year: advertising identifier.
        let v =
            classify_cookie(&cookie("zq_v", "3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c", "ads.criteo.com", Some(365)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Advertising);
        assert!(v.identifier);
        assert_eq!(v.entity.map(|e| e.name), Some("Criteo"));
        assert!(v.heuristics.contains(&Heuristic::UuidValue) && v.heuristics.contains(&Heuristic::KnownTrackerDomain));
        assert!(v.reason.contains("UUID") && v.reason.contains("365 days"), "{}", v.reason);

        // First party, CSRF in the name: security, not an identifier.
        let v = classify_cookie(&cookie("my_csrf_token", "a8Kf02LmQz91Xc7Vb3Nw", "", None), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Security);
        assert!(!v.identifier, "a session value is not persistent: {}", v.reason);

        // Language preference.
        let v = classify_cookie(&cookie("siteLang", "en-GB", "", Some(365)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Preferences);
        assert!(!v.identifier);

        // Nothing to go on, but a long-lived random value: unknown purpose, likely identifier.
        let v = classify_cookie(&cookie("zx81", "Qm9vbGVhbkZhbHNlMTIzNDU2Nzg5", "", Some(400)), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Unknown);
        assert!(v.identifier, "{}", v.reason);
        assert!(v.reason.contains("400 days"), "{}", v.reason);

        // A timestamp is not an identifier.
        let v = classify_cookie(&cookie("lastvisit", "1700000000", "", Some(400)), PAGE);
        assert!(!v.identifier, "{}", v.reason);
        let v = classify_cookie(&cookie("whatever", "", "", None), PAGE);
        assert_eq!(v.purpose, CookiePurpose::Unknown);
        assert!(v.reason.contains("nothing in its name"), "{}", v.reason);
    }

    #[test]
    fn storage_keys_use_the_same_table() {
        let v =
            classify_storage(StorageArea::Local, "ajs_anonymous_id", "\"3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c\"", PAGE);
        assert_eq!((v.purpose, v.vendor), (CookiePurpose::Analytics, Some("Segment")));
        assert!(v.identifier);
        let v = classify_storage(StorageArea::Local, "visitorKey", "a8Kf02LmQz91Xc7Vb3NwPq", PAGE);
        assert!(v.identifier, "localStorage persists: {}", v.reason);
        let v = classify_storage(StorageArea::Session, "visitorKey", "a8Kf02LmQz91Xc7Vb3NwPq", PAGE);
        assert!(!v.identifier, "{}", v.reason);
    }

    #[test]
    fn value_shapes() {
        assert_eq!(value_shape("3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c"), Some(Heuristic::UuidValue));
        assert_eq!(value_shape("12345678901234567"), Some(Heuristic::NumericId));
        assert_eq!(value_shape("1700000000"), None);
        assert_eq!(value_shape("1700000000000"), None);
        assert_eq!(value_shape("9f86d081884c7d659a2feaa0c55ad015"), Some(Heuristic::HexValue));
        assert_eq!(value_shape("AHWqTUm1vV9yBx4kQ2pZ"), Some(Heuristic::Base64Value));
        assert_eq!(value_shape("fb.1.1700000000000.98765432101"), Some(Heuristic::NumericId));
        for plain in ["", "1", "true", "en-US", "aaaaaaaaaaaaaaaaaaaaaaa", "dark-mode-enabled", "2024-01-01"] {
            assert_eq!(value_shape(plain), None, "{plain}");
        }
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(name_words("_hjSessionUser_12"), ["hj", "session", "user", "12"]);
    }

    #[test]
    fn values_seen_on_two_sites_are_reported_without_the_value() {
        let id = "3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c";
        let embedded = format!("v1.{id}.x");
        let seen = [
            SeenValue { site: "news.example", name: "uid", value: id },
            SeenValue { site: "shop.example", name: "partner_id", value: &embedded },
            SeenValue { site: "shop.example", name: "lang", value: "en-US" },
            SeenValue { site: "news.example", name: "lang", value: "en-US" },
            SeenValue { site: "news.example", name: "local", value: "AHWqTUm1vV9yBx4kQ2pZ" },
        ];
        let synced = synced_values(&seen);
        assert_eq!(synced.len(), 1, "{synced:?}");
        assert_eq!(synced[0].sites, ["news.example", "shop.example"]);
        assert_eq!(
            synced[0].cookies,
            [("news.example".to_owned(), "uid".to_owned()), ("shop.example".to_owned(), "partner_id".to_owned())]
        );
        assert_eq!(synced[0].shape, Heuristic::UuidValue);
        assert!(!format!("{:?}", synced[0]).contains(id));
        assert!(synced_values(&[]).is_empty());
    }

    #[test]
    fn cookies_deserialize_from_the_browser_shape() {
        let json = r#"{"name":"_ga","value":"GA1.1.5","domain":".news.example","path":"/","expires_in":63072000,
            "http_only":false,"secure":true,"same_site":"no_restriction"}"#;
        let c: Cookie = serde_json::from_str(json).unwrap();
        assert_eq!((c.name.as_ref(), c.same_site, c.expires_in), ("_ga", SameSite::None, Some(63_072_000)));
        let minimal: Cookie = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert_eq!((minimal.expires_in, minimal.same_site), (None, SameSite::Unspecified));
    }

    #[test]
    fn odd_input_never_panics() {
        for name in ["", " ", "\u{0}", "é", "__Host-", "__Secure-", "*", "_ga_\u{10FFFF}", "a".repeat(5000).as_str()] {
            for value in ["", "\"", "é".repeat(40).as_str(), "%%%%%%%%%%%%%%%%%%%"] {
                for domain in ["", ".", "..", "É.EXAMPLE", "[::1]"] {
                    let _ = classify_cookie(&cookie(name, value, domain, Some(-5)), "not a url");
                    let _ = classify_storage(StorageArea::Local, name, value, "");
                }
            }
        }
    }
}
