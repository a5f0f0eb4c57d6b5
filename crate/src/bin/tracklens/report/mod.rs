//! The audit report of one page, shared by `audit` (from the extension's tab report) and
//! `analyze` (from a HAR file, classified here with the same core): one versioned shape that
//! every output (terminal, JSON lines, HTML, JUnit) and every policy reads.
//! The schema is documented in docs/audit-report.md and docs/audit-report.schema.json.

pub mod html;
pub mod junit;
pub mod terminal;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use tracklens::cookie_purpose::CookieVerdict;
use tracklens::{Engine, Party, Request, Verdict};

/// Bumped when a field changes meaning or disappears; new optional fields keep the version.
pub const SCHEMA: &str = "tracklens-audit/1";

/// Bounds, as in the extension's tab report: pages can make unbounded requests.
const MAX_HOSTS_PER_COMPANY: usize = 50;
const MAX_LISTED_REQUESTS: usize = 1000;
const MAX_UNKNOWN_HOSTS: usize = 200;

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
    pub tracking_requests: Vec<RequestEntry>,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FingerprintScript {
    pub script: String,
    pub host: String,
    pub company: Option<String>,
    /// What the page-world probe counted (canvas read-backs, fonts probed, ...), as it reported.
    #[serde(default)]
    pub usage: Value,
    pub verdict: FingerprintVerdict,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FingerprintVerdict {
    pub score: u32,
    /// `none`, `low`, `medium` or `high`.
    pub level: String,
    pub techniques: Vec<String>,
    pub reasons: Vec<String>,
}

impl FingerprintScript {
    /// Medium or high: what the extension and the policies count as fingerprinting.
    pub fn detected(&self) -> bool {
        matches!(self.verdict.level.as_str(), "medium" | "high")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Leak {
    /// The field's name, id or type as the page labels it; never the value.
    pub field: String,
    pub host: String,
    pub company: Option<String>,
    /// `plain`, `url_encoded`, `base64`, `md5`, `sha1` or `sha256`.
    pub encoding: String,
    /// `url` or `body`.
    pub location: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Declined {
    /// The consent platform autoconsent recognised.
    pub cmp: Option<String>,
    /// `found`, `declining`, `declined`, `failed` or `accepted`.
    pub status: Option<String>,
    /// Whether the extension declines on its own (`auto`) or waits for a click (`one_click`).
    pub auto: Option<bool>,
    /// Unix time in milliseconds.
    pub at: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredRefusal {
    pub company: String,
    /// Its identifier cookies still present.
    pub cookies: Vec<String>,
    pub requests: u64,
    /// How the visitor refused: GPC, a declined banner, a consent string without consent.
    pub refusals: Vec<String>,
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
pub struct Company {
    pub name: String,
    pub parent: Option<String>,
    pub tracker: bool,
    pub categories: Vec<String>,
    pub hosts: Vec<String>,
    pub requests: u64,
    pub cookies_sent: Vec<String>,
    pub cookies_set: Vec<String>,
    pub reasons: Vec<String>,
    /// What its requests carried, named from the vendors' documentation: `name`, `kind`
    /// (`page`, `identifier`, `device`, `activity`, `account`), `meaning`, `documented`.
    #[serde(default)]
    pub sent: Vec<SentParam>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentParam {
    pub name: String,
    pub kind: String,
    pub meaning: String,
    pub documented: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownHost {
    pub host: String,
    pub requests: u64,
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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestEntry {
    pub url: String,
    pub host: String,
    pub company: Option<String>,
    pub categories: Vec<String>,
    /// Sent before the visitor made any consent choice (with `--consent none`: no choice was made).
    pub before_consent: bool,
    /// Blocked in the browser (by the extension's protection): it never left.
    #[serde(default)]
    pub blocked: bool,
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
}

/// Builds the request side of a report from requests classified here, as the extension's
/// recorder does from its own (extension/shared/tab-report.js), for sources without the extension.
pub fn add_requests(report: &mut PageReport, engine: &Engine, page_url: &str, requests: &[SeenRequest]) {
    let mut companies: BTreeMap<&'static str, Company> = BTreeMap::new();
    let mut unknown: BTreeMap<String, u64> = BTreeMap::new();
    for seen in requests {
        let request =
            Request { url: seen.url.clone(), page_url: page_url.to_owned(), resource_type: seen.resource_type };
        let Ok(verdict) = engine.classify(&request) else { continue };
        report.requests += 1;
        let third = verdict.party == Party::ThirdParty;
        if third {
            report.third_party_requests += 1;
            push_unique(&mut report.third_party_sites, &verdict.site, 100);
        }
        note_tracking(report, &verdict, seen);
        let Some(entity) = verdict.entity else {
            if third && (unknown.contains_key(&verdict.host) || unknown.len() < MAX_UNKNOWN_HOSTS) {
                *unknown.entry(verdict.host.clone()).or_default() += 1;
            }
            continue;
        };
        let company = companies.entry(entity.name).or_insert_with(|| Company {
            name: entity.name.to_owned(),
            parent: entity.parent.map(str::to_owned),
            ..Company::default()
        });
        company.requests += 1;
        company.tracker |= verdict.tracker;
        for category in verdict.categories {
            push_unique(&mut company.categories, category.as_str(), 16);
        }
        push_unique(&mut company.hosts, &verdict.host, MAX_HOSTS_PER_COMPANY);
        push_unique(&mut company.reasons, &verdict.reason, MAX_HOSTS_PER_COMPANY);
        for name in &seen.cookies_sent {
            push_unique(&mut company.cookies_sent, name, 100);
        }
        for name in &seen.cookies_set {
            push_unique(&mut company.cookies_set, name, 100);
        }
        if third {
            add_sent_params(company, &seen.url);
        }
    }
    report.companies = companies.into_values().collect();
    report.sort_companies();
    report.unknown_third_parties = unknown.into_iter().map(|(host, requests)| UnknownHost { host, requests }).collect();
}

/// The transparency fields of the extension's tab report (fingerprinting, typed-text leaks, the
/// declined banner, trackers that ignored the refusal). An entry of a shape this version does not
/// know is left out rather than failing the page: the report comes from another program.
pub fn fill_transparency(report: &mut PageReport, recorded: &mut Value) {
    fn entries<T: serde::de::DeserializeOwned>(value: Value) -> Vec<T> {
        let items = match value {
            Value::Array(items) => items,
            Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        items.into_iter().filter_map(|item| serde_json::from_value(item).ok()).collect()
    }
    let mut fingerprinting: Vec<FingerprintScript> = entries(recorded["fingerprinting"].take());
    fingerprinting.sort_by(|a, b| b.verdict.score.cmp(&a.verdict.score).then_with(|| a.script.cmp(&b.script)));
    report.fingerprinting = fingerprinting;
    report.leaks = entries(recorded["leaks"].take());
    report.declined = serde_json::from_value(recorded["declined"].take()).ok();
    report.ignored_refusal = entries(recorded["ignoredRefusal"].take());
}

/// Lists a tracker request as evidence (bounded).
pub fn note_tracking(report: &mut PageReport, verdict: &Verdict, seen: &SeenRequest) {
    if !verdict.tracker || report.tracking_requests.len() >= MAX_LISTED_REQUESTS {
        return;
    }
    report.tracking_requests.push(RequestEntry {
        url: seen.url.clone(),
        host: verdict.host.clone(),
        company: verdict.entity.map(|e| e.name.to_owned()),
        categories: verdict.categories.iter().map(|c| c.as_str().to_owned()).collect(),
        before_consent: seen.before_consent,
        blocked: seen.blocked,
    });
}

/// Bound on a company's named parameters, as in the extension (LIMITS.sentParams).
const MAX_SENT_PARAMS: usize = 40;

/// What a third-party request to `company` carried, named by the core, as the extension's
/// recorder does (names and meanings, never values).
fn add_sent_params(company: &mut Company, url: &str) {
    for param in tracklens::collected::sent_params(url) {
        if company.sent.len() >= MAX_SENT_PARAMS {
            break;
        }
        if !company.sent.iter().any(|p| p.name == param.name) {
            let kind = serde_json::to_value(param.kind).ok().and_then(|k| k.as_str().map(str::to_owned));
            company.sent.push(SentParam {
                name: param.name,
                kind: kind.unwrap_or_default(),
                meaning: param.meaning.to_owned(),
                documented: param.documented,
            });
        }
    }
}

/// A cookie or storage entry from the core's verdict (names and verdicts, never values).
pub fn cookie_entry(verdict: &CookieVerdict, domain: &str, path: &str, lifetime_days: Option<f64>) -> CookieEntry {
    CookieEntry {
        name: verdict.name.clone(),
        domain: domain.to_owned(),
        path: path.to_owned(),
        purpose: verdict.purpose.as_str().to_owned(),
        vendor: verdict.vendor.map(str::to_owned),
        identifier: verdict.identifier,
        third_party: verdict.third_party,
        reason: verdict.reason.clone(),
        lifetime_days,
    }
}

/// The report's consent entry for a decoded string, in the extension's shape (tab-report.js).
pub fn consent_entry(text: &str) -> Value {
    match tracklens::consent::decode_consent(text) {
        Ok(signal) => {
            let decoded = serde_json::to_value(&signal).unwrap_or(Value::Null);
            let purposes = decoded.get("purposes_consent").cloned().unwrap_or_else(|| Value::Array(Vec::new()));
            let vendors = decoded.pointer("/vendor_consents/ids/count").and_then(Value::as_u64).unwrap_or(0);
            serde_json::json!({
                "format": decoded.get("format"),
                "summary": signal.summary(),
                "cmpId": decoded.get("cmp_id"),
                "purposes": purposes,
                "vendors": vendors,
            })
        }
        Err(error) => {
            serde_json::json!({ "format": null, "summary": null, "cmpId": null, "purposes": [], "vendors": 0, "error": error.to_string() })
        }
    }
}

/// The tracking parameters in a page's address, in the extension's shape.
pub fn tracking_params(url: &str) -> Vec<Value> {
    tracklens::params::strip_tracking_params(url)
        .removed
        .into_iter()
        .take(50)
        .map(|p| serde_json::json!({ "name": p.name, "company": p.company, "kind": p.kind, "reason": p.reason }))
        .collect()
}

fn push_unique(list: &mut Vec<String>, item: &str, limit: usize) {
    if list.len() < limit && !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
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
