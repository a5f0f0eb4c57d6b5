//! The page report: what one page sent where, built from events in the order they happened.
//!
//! One model for every front end. The extension's service worker feeds it the events it sees
//! (through `wasm.rs`) and stores the result in `chrome.storage.session`; `tracklens audit` and
//! `tracklens analyze` build theirs with the same [`apply`] from a browser's or a HAR file's
//! requests. Everything a user is shown about a page — a company's state, which cookies are
//! whose, whether a refusal was ignored, what was sent before consent — is derived here, once.
//!
//! Plain Rust, no browser types. The serialised shape (camelCase JSON) is the stored shape; it
//! carries [`VERSION`]. [`read_stored`] migrates an older report or drops it, never misreads it.
//!
//! # Bounds
//!
//! Pages are hostile and can make unbounded requests; every list is bounded, and what did not fit
//! is counted in [`Omitted`] so the user reads "and N more" instead of a silent cut. All of them:
//!
//! | What                                   | Limit | Counted in                      |
//! |----------------------------------------|------:|---------------------------------|
//! | companies per page                     |   200 | `omitted.companyRequests`       |
//! | hosts per company                      |    50 | `company.omittedHosts`          |
//! | reasons per company                    |    50 | (repeats of kept hosts' reasons)|
//! | categories per company                 |    16 | (the taxonomy has fewer)        |
//! | cookie names sent / set per company    |   100 | `omitted.cookieNames`           |
//! | named parameters per company           |    40 | `omitted.sentParams`            |
//! | host → company lookups                 |  1000 | `omitted.hostOwners`            |
//! | unknown third-party hosts              |   200 | `omitted.unknownHostRequests`   |
//! | third-party sites                      |   100 | `omitted.thirdPartySites`       |
//! | page cookies                           |   200 | `omitted.cookies`               |
//! | storage keys                           |   200 | `omitted.storageKeys`           |
//! | fingerprinting scripts                 |    50 | `omitted.fingerprintScripts`    |
//! | typed-text leaks                       |    50 | `omitted.leaks`                 |
//! | tracking requests listed               |  1000 | `omitted.trackingRequests`      |
//! | characters of a listed URL             |  1024 | (cut, with `…`)                 |
//! | tracking parameters of the page URL    |    50 | —                               |
//! | consent purposes                       |    32 | (TCF has 24)                    |
//! | cookies named per ignored refusal      |    20 | —                               |
//! | a page signal (title, heading…), bytes | 1000 | `context.skipped`               |
//! | headings / schema.org types            | 24/32 | `context.skipped`               |
//! | visible text, bytes                    | 20000 | `context.skipped`               |
//! | per company received: list / value     | 8/200 B | (cut)                         |
//! | one tab's report, as JSON (extension)  |  1 MB | `omitted.trimmedForSpace`       |
//! | every tab's report together (extension)|  8 MB | `omitted.trimmedForSpace`       |
//! | a report trimmed to make room          | 16 KB | `omitted.trimmedForSpace`       |
//!
//! Counts in `omitted` are of entries as they arrived (a repeated entry counts each time): they
//! say how much was left out, not how many distinct names. The last three rows are the
//! `storage.session` budget ([`budget`]): one tab can never starve the others. Each bound is
//! tested at its edge in this module's tests.

pub mod alert;
mod apply;
pub mod budget;
pub mod context;
mod event;
pub mod summary;

pub use apply::{apply, apply_all, consent_entry, new_report, owns, refusals};
pub use context::{ContextSection, Finding};
pub use event::{ConsentAction, Event, RequestVerdict, VerdictEntity};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stored shape's version. 1 was the extension's JavaScript report (no `version` field).
pub const VERSION: u32 = 2;

/// Every bound of the report, in one place (see the table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub companies: usize,
    pub hosts_per_company: usize,
    pub categories_per_company: usize,
    pub cookie_names: usize,
    pub sent_params: usize,
    pub host_owners: usize,
    pub unknown_hosts: usize,
    pub third_party_sites: usize,
    pub page_cookies: usize,
    pub storage_keys: usize,
    pub fingerprint_scripts: usize,
    pub leaks: usize,
    pub tracking_requests: usize,
    pub url_chars: usize,
    pub tracking_params: usize,
    pub consent_purposes: usize,
    pub refusal_cookies: usize,
}

pub const LIMITS: Limits = Limits {
    companies: 200,
    hosts_per_company: 50,
    categories_per_company: 16,
    cookie_names: 100,
    sent_params: 40,
    host_owners: 1000,
    unknown_hosts: 200,
    third_party_sites: 100,
    page_cookies: 200,
    storage_keys: 200,
    fingerprint_scripts: 50,
    leaks: 50,
    tracking_requests: 1000,
    url_chars: 1024,
    tracking_params: 50,
    consent_purposes: 32,
    refusal_cookies: 20,
};

/// What one page sent where. Field names are the stored (camelCase) ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PageReport {
    #[serde(default = "first_version")]
    pub version: u32,
    pub page_url: String,
    /// The page's site (registrable domain); null for pages that are not web sites.
    pub site: Option<String>,
    /// When the page started, in milliseconds since the epoch (its identity in the history).
    pub started_at: f64,
    pub requests: u64,
    pub third_party_requests: u64,
    /// Requests that could not be classified (malformed URLs).
    pub errors: u64,
    /// Requests TrackLens' rules stopped in the browser.
    pub blocked_requests: u64,
    pub companies: BTreeMap<String, Company>,
    pub unknown_third_parties: BTreeMap<String, UnknownHost>,
    /// host → company, to attribute the cookie headers and blocks that arrive after a request.
    pub host_owners: BTreeMap<String, String>,
    pub third_party_sites: Vec<String>,
    /// The cookies the page and its third parties hold, classified: never values.
    pub cookies: Vec<CookieEntry>,
    /// How many times the browser's cookie jar was read for this page. Until the first reading an
    /// empty `cookies` means "not read yet", not "none"; the popup and the tests tell them apart.
    pub cookie_readings: u64,
    /// localStorage / sessionStorage keys, in a cookie entry's shape (`domain` names the area).
    pub storage: Vec<CookieEntry>,
    /// The page's own consent string, summarised; null when it has none.
    pub consent: Option<ConsentEntry>,
    /// Whether `Sec-GPC: 1` went out with the page's own request.
    pub gpc: bool,
    /// The consent banner TrackLens found, and what became of it.
    pub declined: Option<Declined>,
    /// A consent choice made by clicking a banner button (the audit's `--consent`).
    pub consent_choice: Option<ConsentAction>,
    /// Link decoration in the page's own address (names and owners, never values).
    pub tracking_params: Vec<TrackingParam>,
    /// Requests to trackers, in the order they were sent; addresses without query or fragment.
    pub tracking_requests: Vec<TrackingRequest>,
    /// Tracker requests sent before the visitor made any consent choice.
    pub tracking_before_consent: u64,
    /// Scripts seen using fingerprinting APIs, by script URL.
    pub fingerprinting: BTreeMap<String, FingerprintScript>,
    pub leaks: Vec<Leak>,
    /// Derived: trackers that still loaded and kept identifier cookies after a refusal.
    pub ignored_refusal: Vec<IgnoredRefusal>,
    /// What the page is about, from its own signals, and on a sensitive page what each company
    /// received there ([`context`]); absent until the page's signals arrive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextSection>,
    /// Per company, what its requests carried that can reveal the page (its address, title,
    /// events and their content, identifiers by name): the raw side of `context.sensitive`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub received: BTreeMap<String, crate::context::Received>,
    pub omitted: Omitted,
}

/// One company on the page. `state` and `cookies` are derived from the events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Company {
    pub name: String,
    pub parent: Option<String>,
    pub privacy_policy: Option<String>,
    pub opt_out: Option<String>,
    /// `first_party` or `third_party`: as third-party as its most third-party request.
    pub party: String,
    pub tracker: bool,
    pub categories: Vec<String>,
    pub hosts: Vec<String>,
    /// Hosts of this company not listed in `hosts` (over the bound), counted per request.
    pub omitted_hosts: u64,
    /// Requests the page made to it, blocked or not.
    pub requests: u64,
    /// Of those, how many TrackLens' rules stopped.
    pub blocked: u64,
    pub reasons: Vec<String>,
    pub cookies_sent: Vec<String>,
    pub cookies_set: Vec<String>,
    /// What its requests carried, named from the vendors' documentation.
    pub sent: Vec<SentParam>,
    /// Derived: the page's cookies and storage keys that are this company's (see `owns`).
    pub cookies: Vec<String>,
    /// Derived: what happened to it on this page.
    pub state: CompanyState,
}

/// What happened to a company on the page, from its requests, blocks and cookies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyState {
    /// Every request was stopped: nothing left the browser.
    Blocked,
    /// Some requests were stopped, others went out (`blocked` of `requests`).
    PartlyBlocked,
    /// Its requests went out, but no cookie travelled with them and it holds none on the page.
    LoadedWithoutCookies,
    #[default]
    Loaded,
}

impl CompanyState {
    /// The wire name, as in the stored report.
    pub fn as_str(self) -> &'static str {
        match self {
            CompanyState::Blocked => "blocked",
            CompanyState::PartlyBlocked => "partly_blocked",
            CompanyState::LoadedWithoutCookies => "loaded_without_cookies",
            CompanyState::Loaded => "loaded",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UnknownHost {
    pub host: String,
    pub requests: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SentParam {
    pub name: String,
    /// `page`, `identifier`, `device`, `activity` or `account`.
    pub kind: String,
    pub meaning: String,
    pub documented: bool,
}

/// A cookie or storage key with the core's verdict on it; never its value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CookieEntry {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub purpose: String,
    pub vendor: Option<String>,
    pub identifier: bool,
    pub reason: String,
    pub third_party: bool,
    /// The company owning the cookie's domain, from the knowledge base.
    pub company: Option<String>,
    /// Seconds since the epoch; null for a session cookie or a storage key.
    pub expires: Option<i64>,
    /// Kept in this site's own partition (Firefox's Total Cookie Protection, Chrome's CHIPS):
    /// readable only under this site, so it cannot follow the visitor to other sites.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partitioned: bool,
}

impl CookieEntry {
    /// The entry for a cookie the core classified (`verdict`), found at `domain` and `path`.
    pub fn classified(
        verdict: &crate::cookie_purpose::CookieVerdict,
        domain: &str,
        path: &str,
        expires: Option<i64>,
    ) -> CookieEntry {
        CookieEntry {
            name: verdict.name.clone(),
            domain: domain.to_owned(),
            path: path.to_owned(),
            purpose: verdict.purpose.as_str().to_owned(),
            vendor: verdict.vendor.map(str::to_owned),
            identifier: verdict.identifier,
            reason: verdict.reason.clone(),
            third_party: verdict.third_party,
            company: verdict.entity.map(|e| e.name.to_owned()),
            expires,
            // Only the browser knows a cookie's partition; the extension sets this from its store.
            partitioned: false,
        }
    }
}

/// The page's consent string, summarised (counts and summary only; see `consent_entry`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsentEntry {
    /// `tcf`, `usp` or `gpp`; null when the string could not be decoded.
    pub format: Option<String>,
    pub summary: Option<String>,
    pub cmp_id: Option<u64>,
    /// The purposes consented to (TCF ids).
    pub purposes: Vec<u64>,
    /// How many vendors the visitor consented to.
    pub vendors: u64,
    /// Why the string could not be decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Declined {
    /// The consent platform autoconsent recognised.
    pub cmp: Option<String>,
    /// `found`, `declining`, `declined`, `failed` or `accepted`.
    pub status: Option<String>,
    /// Whether the extension declines on its own (`true`) or waits for a click.
    pub auto: Option<bool>,
    /// Milliseconds since the epoch.
    pub at: Option<f64>,
    /// The frame the banner is in (for the popup's one-click decline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_id: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrackingParam {
    pub name: String,
    pub company: Option<String>,
    pub kind: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrackingRequest {
    pub url: String,
    pub host: String,
    pub company: Option<String>,
    pub categories: Vec<String>,
    pub before_consent: bool,
    pub blocked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FingerprintScript {
    pub script: String,
    pub host: String,
    pub company: Option<String>,
    /// What the page-world probe counted, as it reported it.
    pub usage: serde_json::Value,
    pub verdict: FingerprintVerdict,
}

impl FingerprintScript {
    /// Medium or high: what the extension and the audit's policies count as fingerprinting.
    pub fn detected(&self) -> bool {
        matches!(self.verdict.level.as_str(), "medium" | "high")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FingerprintVerdict {
    pub score: u32,
    /// `none`, `low`, `medium` or `high`.
    pub level: String,
    pub techniques: Vec<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Leak {
    /// The field's name as the page labels it; never the value.
    pub field: String,
    pub host: String,
    pub company: Option<String>,
    pub encoding: String,
    /// `url` or `body`.
    pub location: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IgnoredRefusal {
    pub company: String,
    /// Its identifier cookies still present.
    pub cookies: Vec<String>,
    pub requests: u64,
    /// How the visitor refused.
    pub refusals: Vec<String>,
}

/// What the bounds left out, counted (the "and N more" of each list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Omitted {
    pub company_requests: u64,
    pub cookie_names: u64,
    pub sent_params: u64,
    pub host_owners: u64,
    pub unknown_host_requests: u64,
    pub third_party_sites: u64,
    pub cookies: u64,
    pub storage_keys: u64,
    pub fingerprint_scripts: u64,
    pub leaks: u64,
    pub tracking_requests: u64,
    /// Set when the extension's storage budget cut this report's details ([`budget`]).
    pub trimmed_for_space: bool,
}

impl Omitted {
    /// Whether anything at all was left out.
    pub fn any(&self) -> bool {
        *self != Omitted::default()
    }
}

/// A stored report, read back: the current version as is, version 1 (the extension's earlier
/// JavaScript report, which had no `version`) migrated, anything else (a newer version, or not
/// a report) dropped as `None`. Derived fields are recomputed, never trusted.
pub fn read_stored(value: &serde_json::Value) -> Option<PageReport> {
    value.as_object()?;
    // Read from the borrowed value: no copy of the whole report first.
    migrated(PageReport::deserialize(value).ok()?)
}

/// [`read_stored`] from the report's JSON text, read straight into the report (no
/// `serde_json::Value` built first: the extension hands the core its stored reports as text).
pub fn read_stored_json(text: &str) -> Option<PageReport> {
    if !text.trim_start().starts_with('{') {
        return None; // a report is an object (serde would also read a struct from an array)
    }
    migrated(serde_json::from_str(text).ok()?)
}

fn migrated(mut report: PageReport) -> Option<PageReport> {
    if report.version != 1 && report.version != VERSION {
        return None;
    }
    if report.version == 1 {
        // v1 kept `blocked` per company and `blockedRequests` alike; its unknown hosts, company
        // fields and lists read as they are. What v1 lacked (omitted counts, states) starts empty;
        // cookies it holds were read at least once.
        report.version = VERSION;
        report.cookie_readings = u64::from(!report.cookies.is_empty());
    }
    apply::derive(&mut report);
    Some(report)
}

/// A stored report without `version` is the extension's first, version 1.
fn first_version() -> u32 {
    1
}

#[cfg(test)]
mod tests;
