//! [`apply`]: one event into a page report, with the bounds, and the derived fields (company
//! states, cookie ownership, ignored refusals) recomputed from what the report holds.

use super::{
    Company, CompanyState, ConsentAction, ConsentEntry, CookieEntry, Event, FingerprintScript, IgnoredRefusal, Leak,
    PageReport, RequestVerdict, SentParam, TrackingParam, TrackingRequest, UnknownHost, LIMITS, VERSION,
};

/// An empty report for a page that started at `started_at` (milliseconds since the epoch), with
/// its site and the tracking parameters in its address.
pub fn new_report(page_url: &str, started_at: f64) -> PageReport {
    let site = crate::url::NetworkUrl::parse(page_url).ok().map(|url| crate::party::site_of(&url).to_owned());
    let tracking_params = crate::params::strip_tracking_params(page_url)
        .removed
        .into_iter()
        .take(LIMITS.tracking_params)
        .map(|p| TrackingParam {
            name: p.name,
            company: p.company.map(str::to_owned),
            kind: name_of(&p.kind),
            reason: p.reason,
        })
        .collect();
    PageReport {
        version: VERSION,
        page_url: page_url.to_owned(),
        site,
        started_at,
        tracking_params,
        ..PageReport::default()
    }
}

/// A unit enum's serialised name (`identifier`, `campaign`, ...).
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// What a third-party request to `company` carried, named by the core (names, never values).
fn add_sent_params(company: &mut Company, url: &str, omitted: &mut u64) {
    for param in crate::collected::sent_params(url) {
        if company.sent.iter().any(|p| p.name == param.name) {
            continue;
        }
        if company.sent.len() >= LIMITS.sent_params {
            *omitted += 1;
            continue;
        }
        company.sent.push(SentParam {
            kind: name_of(&param.kind),
            name: param.name,
            meaning: param.meaning.to_owned(),
            documented: param.documented,
        });
    }
}

/// Applies one event and recomputes the derived fields.
pub fn apply(report: &mut PageReport, event: &Event) {
    apply_one(report, event);
    derive(report);
}

/// Applies events in order, deriving once at the end (what a batch of the worker does).
pub fn apply_all<'a>(report: &mut PageReport, events: impl IntoIterator<Item = &'a Event>) {
    for event in events {
        apply_one(report, event);
    }
    derive(report);
}

fn apply_one(report: &mut PageReport, event: &Event) {
    match event {
        Event::Page { url, started_at } => *report = new_report(url, *started_at),
        Event::Request { url, verdict, before_consent, referer } => {
            add_request(report, url, verdict, *before_consent);
            if let Some(company) = verdict.entity.as_ref().filter(|_| verdict.is_third_party()) {
                super::context::note_request(report, &company.name, url, referer.as_deref());
            }
        }
        Event::Unclassified => report.errors += 1,
        Event::Cookies { host, sent, names } => add_cookie_names(report, host, *sent, names),
        Event::Blocked { host } => add_blocked(report, host),
        // Each reading replaces the last, and so does its count of what did not fit.
        Event::PageCookies { entries } => {
            (report.cookies, report.omitted.cookies) = unique(entries, LIMITS.page_cookies);
            report.cookie_readings += 1;
        }
        Event::Storage { entries } => {
            (report.storage, report.omitted.storage_keys) = unique(entries, LIMITS.storage_keys);
        }
        Event::ConsentString { value } => report.consent = value.as_deref().map(consent_entry),
        Event::Gpc { sent } => report.gpc = *sent,
        Event::Fingerprinting { script, host, usage, verdict } => {
            if !report.fingerprinting.contains_key(script) && report.fingerprinting.len() >= LIMITS.fingerprint_scripts
            {
                report.omitted.fingerprint_scripts += 1;
                return;
            }
            let company = owner_of(report, host);
            let entry = FingerprintScript {
                script: script.clone(),
                host: host.clone(),
                company,
                usage: usage.clone(),
                verdict: verdict.clone(),
            };
            report.fingerprinting.insert(script.clone(), entry);
        }
        Event::Leak { field, host, encoding, location } => {
            let same = |l: &Leak| l.field == *field && l.host == *host && l.encoding == *encoding;
            if report.leaks.iter().any(same) {
                return;
            }
            if report.leaks.len() >= LIMITS.leaks {
                report.omitted.leaks += 1;
                return;
            }
            let company = owner_of(report, host);
            report.leaks.push(Leak {
                field: field.clone(),
                host: host.clone(),
                company,
                encoding: encoding.clone(),
                location: location.clone(),
            });
        }
        Event::Declined(change) => {
            let declined = report.declined.get_or_insert_with(Default::default);
            declined.cmp = change.cmp.clone().or(declined.cmp.take());
            declined.status = change.status.clone().or(declined.status.take());
            declined.auto = change.auto.or(declined.auto);
            declined.at = change.at.or(declined.at);
            declined.frame_id = change.frame_id.or(declined.frame_id);
        }
        Event::ConsentClick { action } => report.consent_choice = Some(*action),
        Event::PageSignals { signals, source } => {
            report.context = Some(super::context::classified(signals.clone(), source));
        }
    }
}

/// Whether the visitor has made a consent choice yet: a banner button clicked, or the banner
/// declined or accepted (by the visitor or by TrackLens for them).
fn consent_given_or_refused(report: &PageReport) -> bool {
    report.consent_choice.is_some()
        || matches!(report.declined.as_ref().and_then(|d| d.status.as_deref()), Some("declined" | "accepted"))
}

fn add_request(report: &mut PageReport, url: &str, verdict: &RequestVerdict, before_consent: Option<bool>) {
    report.requests += 1;
    let third = verdict.is_third_party();
    if third {
        report.third_party_requests += 1;
        if !push_unique(&mut report.third_party_sites, &verdict.site, LIMITS.third_party_sites) {
            report.omitted.third_party_sites += 1;
        }
    }
    if verdict.tracker {
        let before = before_consent.unwrap_or_else(|| !consent_given_or_refused(report));
        if before {
            report.tracking_before_consent += 1;
        }
        if report.tracking_requests.len() < LIMITS.tracking_requests {
            report.tracking_requests.push(TrackingRequest {
                // Without its query and fragment: their values (client ids, cookie copies) are the
                // identifiers the report must never hold.
                url: cut(url.split(['?', '#']).next().unwrap_or_default(), LIMITS.url_chars),
                host: verdict.host.clone(),
                company: verdict.entity.as_ref().map(|e| e.name.clone()),
                categories: verdict.categories.clone(),
                before_consent: before,
                blocked: false,
            });
        } else {
            report.omitted.tracking_requests += 1;
        }
    }
    let Some(entity) = &verdict.entity else {
        if third {
            if let Some(known) = report.unknown_third_parties.get_mut(&verdict.host) {
                known.requests += 1;
            } else if report.unknown_third_parties.len() < LIMITS.unknown_hosts {
                let host = UnknownHost { host: verdict.host.clone(), requests: 1, reason: verdict.reason.clone() };
                report.unknown_third_parties.insert(verdict.host.clone(), host);
            } else {
                report.omitted.unknown_host_requests += 1;
            }
        }
        return;
    };
    if !report.companies.contains_key(&entity.name) && report.companies.len() >= LIMITS.companies {
        report.omitted.company_requests += 1;
        return;
    }
    let company = report.companies.entry(entity.name.clone()).or_insert_with(|| Company {
        name: entity.name.clone(),
        parent: entity.parent.clone(),
        privacy_policy: entity.privacy_policy.clone(),
        opt_out: entity.opt_out.clone(),
        party: verdict.party.clone(),
        ..Company::default()
    });
    company.requests += 1;
    company.tracker |= verdict.tracker;
    if third {
        company.party = verdict.party.clone();
    }
    for category in &verdict.categories {
        push_unique(&mut company.categories, category, LIMITS.categories_per_company);
    }
    if push_unique(&mut company.hosts, &verdict.host, LIMITS.hosts_per_company) {
        push_unique(&mut company.reasons, &verdict.reason, LIMITS.hosts_per_company);
    } else {
        company.omitted_hosts += 1;
    }
    if third {
        add_sent_params(company, url, &mut report.omitted.sent_params);
    }
    if report.host_owners.contains_key(&verdict.host) || report.host_owners.len() < LIMITS.host_owners {
        report.host_owners.insert(verdict.host.clone(), entity.name.clone());
    } else {
        report.omitted.host_owners += 1;
    }
}

/// The company a host belongs to on this page: from the host lookup, else (past its bound) the
/// company listing the host, else the company of a listed host on the same site.
fn owner_of(report: &PageReport, host: &str) -> Option<String> {
    if let Some(name) = report.host_owners.get(host) {
        return Some(name.clone());
    }
    if report.omitted.host_owners == 0 {
        return None;
    }
    let site = crate::url::NetworkUrl::parse(&format!("https://{host}/"))
        .ok()
        .map(|url| crate::party::site_of(&url).to_owned())?;
    let same_site = |h: &String| h == &site || h.ends_with(&format!(".{site}"));
    report.companies.values().find(|c| c.hosts.iter().any(same_site)).map(|c| c.name.clone())
}

fn add_cookie_names(report: &mut PageReport, host: &str, sent: bool, names: &[String]) {
    let Some(name) = owner_of(report, host) else { return };
    let Some(company) = report.companies.get_mut(&name) else { return };
    let list = if sent { &mut company.cookies_sent } else { &mut company.cookies_set };
    for cookie in names {
        if !push_unique(list, cookie, LIMITS.cookie_names) && !list.contains(cookie) {
            report.omitted.cookie_names += 1;
        }
    }
}

fn add_blocked(report: &mut PageReport, host: &str) {
    report.blocked_requests += 1;
    let owner = owner_of(report, host);
    if let Some(company) = owner.and_then(|name| report.companies.get_mut(&name)) {
        company.blocked += 1;
    }
    // The latest listed request to this host is the one that never left.
    if let Some(listed) = report.tracking_requests.iter_mut().rev().find(|r| r.host == host && !r.blocked) {
        listed.blocked = true;
    }
}

/// The report's consent entry for the page's consent string: its format, summary and counts.
/// The one place that reads the decoder's output, so a change of its shape is changed here.
pub fn consent_entry(text: &str) -> ConsentEntry {
    match crate::consent::decode_consent(text) {
        Ok(signal) => {
            let decoded = serde_json::to_value(&signal).unwrap_or_default();
            let purposes = decoded["purposes_consent"]
                .as_array()
                .map(|ids| ids.iter().filter_map(serde_json::Value::as_u64).take(LIMITS.consent_purposes).collect())
                .unwrap_or_default();
            ConsentEntry {
                format: decoded["format"].as_str().map(str::to_owned),
                summary: Some(signal.summary()),
                cmp_id: decoded["cmp_id"].as_u64(),
                purposes,
                // Vendor sets are ranges with a count, never expanded id lists (hostile strings).
                vendors: decoded.pointer("/vendor_consents/ids/count").and_then(serde_json::Value::as_u64).unwrap_or(0),
                error: None,
            }
        }
        Err(error) => {
            ConsentEntry { error: Some(format!("malformed consent string: {error}")), ..ConsentEntry::default() }
        }
    }
}

/// Recomputes what the report derives: each company's cookies and state, the ignored refusals.
pub(super) fn derive(report: &mut PageReport) {
    let page_cookies: Vec<&CookieEntry> = report.cookies.iter().chain(&report.storage).collect();
    for company in report.companies.values_mut() {
        let mut owned: Vec<String> = Vec::new();
        for cookie in page_cookies.iter().filter(|c| owns(company, c)) {
            push_unique(&mut owned, &cookie.name, LIMITS.cookie_names);
        }
        company.cookies = owned;
        company.state = state_of(company);
    }
    report.ignored_refusal = ignored_refusal(report);
    super::context::derive(report);
}

/// The one rule for which page cookies are a company's: the knowledge base names it as the
/// owner of the cookie's domain, or the cookie table names it (or one of its products, "Google
/// Analytics" for Google) as the vendor, or its requests carried or set a cookie of that name on
/// one of its hosts' domains.
pub fn owns(company: &Company, cookie: &CookieEntry) -> bool {
    if cookie.company.as_deref() == Some(company.name.as_str()) {
        return true;
    }
    if let Some(vendor) = cookie.vendor.as_deref() {
        if vendor == company.name
            || vendor.strip_prefix(company.name.as_str()).is_some_and(|rest| rest.starts_with(' '))
        {
            return true;
        }
    }
    let named = company.cookies_sent.contains(&cookie.name) || company.cookies_set.contains(&cookie.name);
    let domain = cookie.domain.trim_start_matches('.');
    named && !domain.is_empty() && company.hosts.iter().any(|h| h == domain || h.ends_with(&format!(".{domain}")))
}

fn state_of(company: &Company) -> CompanyState {
    if company.requests > 0 && company.blocked >= company.requests {
        CompanyState::Blocked
    } else if company.blocked > 0 {
        CompanyState::PartlyBlocked
    } else if company.cookies_sent.is_empty() && company.cookies_set.is_empty() && company.cookies.is_empty() {
        CompanyState::LoadedWithoutCookies
    } else {
        CompanyState::Loaded
    }
}

/// How the visitor refused tracking on this page.
pub fn refusals(report: &PageReport) -> Vec<String> {
    let mut said = Vec::new();
    if report.gpc {
        said.push("Global Privacy Control".to_owned());
    }
    if report.declined.as_ref().and_then(|d| d.status.as_deref()) == Some("declined") {
        said.push("declined the consent banner".to_owned());
    }
    if report.consent_choice == Some(ConsentAction::Reject) {
        said.push("rejected the consent banner".to_owned());
    }
    if let Some(consent) = &report.consent {
        if consent.format.as_deref() == Some("tcf") && consent.error.is_none() && consent.purposes.is_empty() {
            said.push("consent string without consent".to_owned());
        }
    }
    said
}

/// After a refusal: the tracking companies that still loaded (a request not blocked) and still
/// hold identifier cookies on the page, worst first.
fn ignored_refusal(report: &PageReport) -> Vec<IgnoredRefusal> {
    let said = refusals(report);
    if said.is_empty() {
        return Vec::new();
    }
    let mut flagged: Vec<IgnoredRefusal> = Vec::new();
    for company in report.companies.values() {
        if !company.tracker || company.party != "third_party" || company.requests <= company.blocked {
            continue;
        }
        let mut cookies: Vec<String> = Vec::new();
        for cookie in report.cookies.iter().chain(&report.storage).filter(|c| c.identifier && owns(company, c)) {
            push_unique(&mut cookies, &cookie.name, LIMITS.refusal_cookies);
        }
        if !cookies.is_empty() {
            flagged.push(IgnoredRefusal {
                company: company.name.clone(),
                cookies,
                requests: company.requests,
                refusals: said.clone(),
            });
        }
    }
    flagged.sort_by(|a, b| b.cookies.len().cmp(&a.cookies.len()).then_with(|| a.company.cmp(&b.company)));
    flagged
}

/// Pushes `item` unless present; false when it was not kept because the list is full.
fn push_unique(list: &mut Vec<String>, item: &str, limit: usize) -> bool {
    if list.iter().any(|x| x == item) {
        return true;
    }
    if list.len() >= limit {
        return false;
    }
    list.push(item.to_owned());
    true
}

/// One entry per name, domain and path, bounded, and how many distinct ones did not fit.
fn unique(entries: &[CookieEntry], limit: usize) -> (Vec<CookieEntry>, u64) {
    let mut omitted = 0;
    let mut kept: Vec<CookieEntry> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for entry in entries {
        if !seen.insert((entry.name.as_str(), entry.domain.as_str(), entry.path.as_str())) {
            continue;
        }
        if kept.len() >= limit {
            omitted += 1;
            continue;
        }
        kept.push(entry.clone());
    }
    (kept, omitted)
}

fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
