//! The audit report of one page, shared by `audit` (from the extension's tab report) and
//! `analyze` (from a HAR file, classified here with the same core): one versioned shape that
//! every output (terminal, JSON lines, HTML, JUnit) and every policy reads.
//! The schema is documented in docs/audit-report.md and docs/audit-report.schema.json.

pub mod context;
pub mod html;
pub mod junit;
pub mod terminal;
pub mod verdicts;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracklens::{Engine, Verdict};
pub use verdicts::Verdicts;

/// Bumped when a field changes meaning or disappears; new optional fields keep the version.
pub const SCHEMA: &str = "tracklens-audit/1";

/// The page itself (requests, companies, cookies, consent, refusals) is the core's
/// `tracklens::report::PageReport`, built with the same `apply` the extension uses; this report
/// adds what only an audit knows (timing, attempts, policies) and keeps the published schema.
use tracklens::report as core;
/// The page report's own entries, in the audit report as they are: its companies (with their
/// state and cookies), unknown hosts and tracker requests are the core's, one model for both.
pub use tracklens::report::{
    Company, ContextSection, Declined, FingerprintScript, IgnoredRefusal, Leak, TrackingRequest, UnknownHost,
};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageReport {
    pub schema: String,
    pub tool: String,
    /// `extension` (the audit's browser with TrackLens), `network` (a browser without it: the
    /// requests it saw, classified here) or `har` (a HAR file).
    pub source: String,
    /// The URL asked for (for a HAR, the first page's URL).
    pub url: String,
    pub final_url: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    pub attempts: u32,
    /// Unix time in milliseconds.
    pub audited_at: u64,
    pub timing: Timing,
    /// What the audit did with the consent banner: `accept`, `reject` or `none`.
    pub consent_action: String,
    /// Whether a banner button was found and clicked.
    pub consent_clicked: bool,
    pub requests: u64,
    pub third_party_requests: u64,
    pub third_party_sites: Vec<String>,
    pub companies: Vec<Company>,
    pub unknown_third_parties: Vec<UnknownHost>,
    pub cookies: Vec<CookieEntry>,
    pub storage: Vec<CookieEntry>,
    /// The page's consent string decoded, as the extension reports it, or null.
    pub consent: Option<Value>,
    pub tracking_params: Vec<Value>,
    /// Requests to trackers, in the order they were sent (bounded to 1000).
    pub tracking_requests: Vec<TrackingRequest>,
    pub gpc: Gpc,
    /// What the extension's protection did during the audit; null without the extension (a
    /// browser without it, or a HAR).
    #[serde(default)]
    pub protection: Option<Protection>,
    /// Scripts the extension saw use fingerprinting APIs, with the core's verdict on each.
    #[serde(default)]
    pub fingerprinting: Vec<FingerprintScript>,
    /// Text typed into the page's fields that left in a third-party request before submit.
    #[serde(default)]
    pub leaks: Vec<Leak>,
    /// The consent banner the extension found, and what became of it; null when none was found.
    #[serde(default)]
    pub declined: Option<Declined>,
    /// Trackers that still loaded and kept identifier cookies after the visitor refused.
    #[serde(default)]
    pub ignored_refusal: Vec<IgnoredRefusal>,
    /// Tracker requests sent before the visitor made any consent choice.
    #[serde(default)]
    pub tracking_before_consent: u64,
    /// What the page report's bounds left out, counted (the core's `omitted`).
    #[serde(default)]
    pub omitted: Value,
    /// What the page is about (sensitive category, topics, evidence) and, on a sensitive page,
    /// what each company received there; null when the page's signals were not read.
    #[serde(default)]
    pub context: Option<ContextSection>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Protection {
    /// `off`: the audit's settings observe without blocking; `on`: the extension's defaults.
    pub mode: String,
    /// Whether the extension sent Global Privacy Control.
    pub gpc: bool,
    /// The declarativeNetRequest dynamic rules in effect.
    pub rules: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// From navigation to the load event (audit only).
    pub load_ms: Option<f64>,
    /// The whole page: browser work, settling, consent, reading the report.
    pub total_ms: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieEntry {
    pub name: String,
    pub domain: String,
    pub path: String,
    pub purpose: String,
    pub vendor: Option<String>,
    pub identifier: bool,
    pub third_party: bool,
    pub reason: String,
    /// Days until it expires; null for a session cookie, a storage key, or when unknown.
    pub lifetime_days: Option<f64>,
    /// Kept in the page's own partition (Firefox's Total Cookie Protection, Chrome's CHIPS), as
    /// the extension read it from the browser: it cannot follow the visitor to other sites.
    /// Written only when true (HAR files and the DevTools cookie store do not say).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partitioned: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gpc {
    /// `navigator.globalPrivacyControl` as the page saw it (null: not defined, or not observed).
    pub navigator: Option<bool>,
    /// Whether the page's request carried `Sec-GPC: 1` (null: headers not observed).
    pub header: Option<bool>,
    /// Whether the extension saw `Sec-GPC: 1` go out with the page's request (its tab report's
    /// `gpc`); null without the extension.
    pub extension: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// The policy rule: `fail-on`, `max-third-parties` or `no-tracking-before-consent`.
    pub rule: String,
    pub message: String,
    /// The requests (or third-party sites) that broke it.
    pub evidence: Vec<String>,
}

impl PageReport {
    /// An empty report for `url`, to be filled in.
    pub fn new(url: &str, source: &str) -> PageReport {
        PageReport {
            schema: SCHEMA.to_owned(),
            tool: concat!("tracklens ", env!("CARGO_PKG_VERSION")).to_owned(),
            source: source.to_owned(),
            url: url.to_owned(),
            final_url: None,
            status: Status::Ok,
            error: None,
            attempts: 1,
            audited_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            timing: Timing::default(),
            consent_action: "none".to_owned(),
            consent_clicked: false,
            requests: 0,
            third_party_requests: 0,
            third_party_sites: Vec::new(),
            companies: Vec::new(),
            unknown_third_parties: Vec::new(),
            cookies: Vec::new(),
            storage: Vec::new(),
            consent: None,
            tracking_params: Vec::new(),
            tracking_requests: Vec::new(),
            gpc: Gpc::default(),
            protection: None,
            fingerprinting: Vec::new(),
            leaks: Vec::new(),
            declined: None,
            ignored_refusal: Vec::new(),
            tracking_before_consent: 0,
            omitted: Value::Null,
            context: None,
            violations: Vec::new(),
        }
    }

    /// The record of a page that could not be audited.
    pub fn failed(url: &str, source: &str, error: String, attempts: u32) -> PageReport {
        PageReport { status: Status::Failed, error: Some(error), attempts, ..PageReport::new(url, source) }
    }

    pub fn trackers(&self) -> impl Iterator<Item = &Company> {
        self.companies.iter().filter(|c| c.tracker)
    }

    /// Companies for display: trackers first, then by number of requests, then by name.
    pub fn sort_companies(&mut self) {
        self.companies.sort_by(|a, b| {
            b.tracker.cmp(&a.tracker).then(b.requests.cmp(&a.requests)).then_with(|| a.name.cmp(&b.name))
        });
    }
}

/// One request seen on the network (a HAR entry, or a request the audit's browser made).
pub struct SeenRequest {
    pub url: String,
    pub resource_type: tracklens::ResourceType,
    pub before_consent: bool,
    /// Cookie names it carried and its response set.
    pub cookies_sent: Vec<String>,
    pub cookies_set: Vec<String>,
    /// Failed with `net::ERR_BLOCKED_BY_CLIENT`: an extension's rule stopped it.
    pub blocked: bool,
    /// Its `Referer` header, when the source kept it.
    pub referer: Option<String>,
}

/// The core's events for requests seen on the network, classified here by `verdicts`, in the
/// order they were sent: each request, the cookie names it carried and its response set, and
/// whether the browser blocked it. One `page` event first.
pub fn request_events(verdicts: &mut Verdicts, page_url: &str, requests: &[SeenRequest]) -> Vec<core::Event> {
    let mut events = Vec::with_capacity(requests.len() + 1);
    events.push(core::Event::Page { url: page_url.to_owned(), started_at: 0.0 });
    for seen in requests {
        let Some(verdict) = verdicts.of(&seen.url, page_url, seen.resource_type) else {
            events.push(core::Event::Unclassified);
            continue;
        };
        let host = verdict.host.clone();
        events.push(core::Event::Request {
            url: seen.url.clone(),
            verdict,
            before_consent: Some(seen.before_consent),
            referer: seen.referer.clone(),
        });
        for (sent, names) in [(true, &seen.cookies_sent), (false, &seen.cookies_set)] {
            if !names.is_empty() {
                events.push(core::Event::Cookies { host: host.clone(), sent, names: names.clone() });
            }
        }
        if seen.blocked {
            events.push(core::Event::Blocked { host });
        }
    }
    events
}

/// Builds the page side of a report from requests classified here, with the core's page report
/// (the same `apply` as the extension's), for sources without the extension. `more` are further
/// events in the order they happened after the requests (page cookies, the consent string).
pub fn add_requests(report: &mut PageReport, engine: &Engine, page_url: &str, requests: &[SeenRequest]) {
    add_page_events(report, &mut Verdicts::new(engine), page_url, requests, Vec::new());
}

/// [`add_requests`] with more events after the requests (page cookies, the consent string).
pub fn add_page_events(
    report: &mut PageReport,
    verdicts: &mut Verdicts,
    page_url: &str,
    requests: &[SeenRequest],
    more: Vec<core::Event>,
) {
    let mut page = core::PageReport::default();
    let mut events = request_events(verdicts, page_url, requests);
    events.extend(more);
    core::apply_all(&mut page, &events);
    fill_from_page(report, &page);
    // The page report keeps tracker addresses without their query (it is stored in the browser);
    // the audit's evidence is the full address, in the same order.
    let full = events.iter().filter_map(|e| match e {
        core::Event::Request { url, verdict, .. } if verdict.tracker => Some(url),
        _ => None,
    });
    for (listed, url) in report.tracking_requests.iter_mut().zip(full) {
        listed.url.clone_from(url);
    }
}

/// The page's context section from its `signals` (read from `source`) and the requests seen,
/// decided and joined by the core's page report (what the extension stores for a tab).
pub fn context_of(
    engine: &Engine,
    page_url: &str,
    requests: &[SeenRequest],
    signals: tracklens::context::PageSignals,
    source: &str,
) -> Option<ContextSection> {
    let mut page = core::PageReport::default();
    let mut events = request_events(&mut Verdicts::new(engine), page_url, requests);
    events.push(core::Event::PageSignals { signals, source: source.to_owned() });
    core::apply_all(&mut page, &events);
    page.context
}

/// Copies the core's page report into the audit report (its published shape). Cookies are
/// copied only when the page report has them (a source that reads cookies itself sets them after).
pub fn fill_from_page(report: &mut PageReport, page: &core::PageReport) {
    report.requests = page.requests;
    report.third_party_requests = page.third_party_requests;
    report.third_party_sites = page.third_party_sites.clone();
    report.companies = page.companies.values().cloned().collect();
    report.sort_companies();
    report.unknown_third_parties = page.unknown_third_parties.values().cloned().collect();
    if !page.cookies.is_empty() {
        report.cookies = page.cookies.iter().map(|c| cookie_of(c, None)).collect();
    }
    if !page.storage.is_empty() {
        report.storage = page.storage.iter().map(|c| cookie_of(c, None)).collect();
    }
    report.consent = page.consent.as_ref().and_then(|c| serde_json::to_value(c).ok());
    report.tracking_params = page.tracking_params.iter().filter_map(|p| serde_json::to_value(p).ok()).collect();
    report.tracking_requests = page.tracking_requests.clone();
    report.tracking_before_consent = page.tracking_before_consent;
    let mut fingerprinting: Vec<FingerprintScript> = page.fingerprinting.values().cloned().collect();
    fingerprinting.sort_by(|a, b| b.verdict.score.cmp(&a.verdict.score).then_with(|| a.script.cmp(&b.script)));
    report.fingerprinting = fingerprinting;
    report.leaks = page.leaks.clone();
    report.declined = page.declined.clone();
    report.ignored_refusal = page.ignored_refusal.clone();
    report.context = page.context.clone();
    report.omitted = serde_json::to_value(&page.omitted).unwrap_or(Value::Null);
}

/// Days left of a cookie's lifetime in seconds, to one decimal (null for a session cookie).
pub fn lifetime_days(expires_in: Option<i64>) -> Option<f64> {
    expires_in.map(|s| (s as f64 / 86_400.0 * 10.0).round() / 10.0)
}

/// The audit's cookie entry from the page report's (the lifetime comes from the browser's store).
pub fn cookie_of(c: &core::CookieEntry, lifetime_days: Option<f64>) -> CookieEntry {
    CookieEntry {
        name: c.name.clone(),
        domain: c.domain.clone(),
        path: c.path.clone(),
        purpose: c.purpose.clone(),
        vendor: c.vendor.clone(),
        identifier: c.identifier,
        third_party: c.third_party,
        reason: c.reason.clone(),
        lifetime_days,
        partitioned: c.partitioned,
    }
}

/// Lists a tracker request as evidence (bounded as the page report bounds its own list).
pub fn note_tracking(report: &mut PageReport, verdict: &Verdict, seen: &SeenRequest) {
    if !verdict.tracker || report.tracking_requests.len() >= core::LIMITS.tracking_requests {
        return;
    }
    report.tracking_requests.push(TrackingRequest {
        url: seen.url.clone(),
        host: verdict.host.clone(),
        company: verdict.entity.map(|e| e.name.to_owned()),
        categories: verdict.categories.iter().map(|c| c.as_str().to_owned()).collect(),
        before_consent: seen.before_consent,
        blocked: seen.blocked,
    });
}

/// The tracking parameters in a page's address, as the page report lists them.
pub fn tracking_params(url: &str) -> Vec<Value> {
    core::new_report(url, 0.0).tracking_params.iter().filter_map(|p| serde_json::to_value(p).ok()).collect()
}

/// Escapes text for HTML and XML bodies and attribute values.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 and say nothing to a reader.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
