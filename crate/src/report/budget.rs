//! One `storage.session` budget for every tab's report, so one tab can never starve the others.
//!
//! `chrome.storage.session` holds 10 MB for the whole extension; a write past it fails for every
//! tab. The bounds of [`super::LIMITS`] keep a report to a few hundred kilobytes; the budget's own
//! three bounds are in the table of [`super`] (the one place every bound is listed).
//!
//! A report over [`TAB_BYTES`] is trimmed ([`trim`]). When a write would take every report past
//! [`SESSION_BYTES`], the other tabs' reports are trimmed to [`TRIMMED_BYTES`], oldest page first
//! and, among pages as old, largest first ([`make_room`]); each trimmed report says so
//! (`omitted.trimmedForSpace`), and the popup tells the user.

use super::PageReport;
use serde::{Deserialize, Serialize};

pub const SESSION_BYTES: usize = 8_000_000;
pub const TAB_BYTES: usize = 1_000_000;
pub const TRIMMED_BYTES: usize = 16_000;

/// The size a report takes in storage, as its JSON text.
pub fn size_of(report: &PageReport) -> usize {
    serde_json::to_string(report).map_or(0, |text| text.len())
}

/// A stored tab report, as the budget sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredReport {
    pub key: String,
    pub bytes: usize,
    pub started_at: f64,
}

/// The keys of stored reports to trim to [`TRIMMED_BYTES`] so that `incoming_bytes` more fit in
/// [`SESSION_BYTES`]: oldest page first, then largest; never one of `keep` (the reports being
/// written). Empty when everything fits.
pub fn make_room(stored: &[StoredReport], keep: &[String], incoming_bytes: usize) -> Vec<String> {
    let mut total: usize = stored.iter().map(|s| s.bytes).sum::<usize>() + incoming_bytes;
    let mut candidates: Vec<&StoredReport> =
        stored.iter().filter(|s| !keep.contains(&s.key) && s.bytes > TRIMMED_BYTES).collect();
    candidates.sort_by(|a, b| a.started_at.total_cmp(&b.started_at).then(b.bytes.cmp(&a.bytes)));
    let mut doomed = Vec::new();
    for candidate in candidates {
        if total <= SESSION_BYTES {
            break;
        }
        total -= candidate.bytes - TRIMMED_BYTES;
        doomed.push(candidate.key.clone());
    }
    doomed
}

/// Shrinks a report to at most `max_bytes` of JSON, dropping detail before substance: the listed
/// tracking requests, unknown hosts and host lookups first, then per-company lists and cookie
/// details, keeping every count. Marks it `omitted.trimmedForSpace` when anything was cut.
pub fn trim(report: &mut PageReport, max_bytes: usize) {
    if size_of(report) <= max_bytes {
        return;
    }
    report.omitted.trimmed_for_space = true;
    let steps: [fn(&mut PageReport); 5] = [
        |r| {
            r.omitted.tracking_requests += r.tracking_requests.len() as u64;
            r.tracking_requests.clear();
        },
        |r| {
            r.omitted.unknown_host_requests += r.unknown_third_parties.values().map(|h| h.requests).sum::<u64>();
            r.unknown_third_parties.clear();
            r.omitted.host_owners += r.host_owners.len() as u64;
            r.host_owners.clear();
            // Once the page is known not to be sensitive, what companies received shows nowhere.
            if r.context.as_ref().is_some_and(|c| !c.is_sensitive()) {
                r.received.clear();
            }
        },
        |r| {
            for company in r.companies.values_mut() {
                company.omitted_hosts += company.hosts.len().saturating_sub(3) as u64;
                company.hosts.truncate(3);
                company.reasons.truncate(3);
                company.sent.clear();
                company.cookies_sent.truncate(10);
                company.cookies_set.truncate(10);
            }
            for script in r.fingerprinting.values_mut() {
                script.usage = serde_json::Value::Null;
                script.verdict.reasons.clear();
            }
        },
        |r| {
            // Only identifiers are kept: what the user most needs to see.
            let before = r.cookies.len() + r.storage.len();
            r.cookies.retain(|c| c.identifier);
            r.storage.retain(|c| c.identifier);
            for entry in r.cookies.iter_mut().chain(r.storage.iter_mut()) {
                entry.reason.clear();
            }
            r.omitted.cookies += (before - r.cookies.len() - r.storage.len()) as u64;
        },
        |r| {
            // Last resort: the companies by requests, the biggest kept.
            let mut names: Vec<(u64, String)> = r.companies.values().map(|c| (c.requests, c.name.clone())).collect();
            names.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            for (requests, name) in names.into_iter().skip(20) {
                r.omitted.company_requests += requests;
                r.companies.remove(&name);
            }
            r.third_party_sites.truncate(20);
            r.cookies.truncate(20);
            r.storage.truncate(20);
            r.leaks.truncate(10);
            r.fingerprinting = std::mem::take(&mut r.fingerprinting).into_iter().take(10).collect();
            let companies = &r.companies;
            r.received.retain(|name, _| companies.contains_key(name));
        },
    ];
    for step in steps {
        step(report);
        if size_of(report) <= max_bytes {
            break;
        }
    }
    super::apply::derive(report);
}
