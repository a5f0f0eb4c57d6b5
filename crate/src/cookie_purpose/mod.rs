//! What a cookie or a web-storage key is for, whose it is, and whether it holds a persistent
//! identifier, with the evidence in one sentence.
//!
//! Split along its seams: `tables` (the compiled name table), `heuristics` (value shape,
//! lifetime, name words), `model` (naive Bayes learned from the Open Cookie Database for names
//! nothing else settles) and `classify` (the verdict and its reason).
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

mod classify;
mod heuristics;
mod model;
mod tables;
#[cfg(test)]
mod tests;

pub use classify::{classify_cookie, classify_cookie_with, classify_storage};
pub use heuristics::{looks_like_identifier, shannon_entropy};
pub use tables::{lookup, table, TableRow};

use crate::knowledge::{self, EntityRecord};
use crate::taxonomy::Category;
use crate::url::NetworkUrl;
use heuristics::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use tables::*;

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

    /// Whether cookies of this purpose track the visitor: the purposes whose third parties
    /// [`Category::is_tracking`] calls tracking (advertising, analytics, personalization,
    /// social). What the site needs (necessary, security), the visitor's settings and unknown
    /// purposes are not.
    pub fn is_tracking(self) -> bool {
        matches!(
            self,
            CookiePurpose::Advertising
                | CookiePurpose::Analytics
                | CookiePurpose::Personalization
                | CookiePurpose::Social
        )
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
    /// The model learned from the Open Cookie Database (name words, lifetime, domain purpose).
    LearnedModel,
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
