//! `tracklens analyze`: a HAR file from any recorder classified offline with the same core, one
//! report per page of the archive, each judged against its own page.
//!
//! Reading (quirks, warnings, pages, cookies from headers) is the library's `tracklens::har`;
//! this module only turns a page's entries into the report's requests and cookies.

use crate::report::{self, PageReport, SeenRequest, Verdicts};
use std::collections::BTreeMap;
use tracklens::context::PageSignals;
use tracklens::cookie_purpose::{classify_cookie, Cookie};
use tracklens::har::pages::{page_address, Grouper, PageEntries};
use tracklens::har::{Archive, Entry};
use tracklens::report::{CookieEntry, Event};
use tracklens::url::NetworkUrl;
use tracklens::ResourceType;

/// Cookies whose value is a consent string the core decodes.
const CONSENT_COOKIES: &[&str] = &["euconsent-v2", "usprivacy", "__gpp"];

/// HAR files up to this size are read into memory before parsing; larger ones are streamed.
const IN_MEMORY_UP_TO: u64 = 512 << 20;

/// Reads the archive at `path`, streaming, and returns what was read besides the entries and
/// the entries grouped by page (in the archive's page order).
pub fn read(path: &str) -> Result<(Archive, Vec<PageEntries>), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    let mut grouper = Grouper::default();
    // The JSON parser is several times faster on bytes in memory than through a reader, so a
    // file of a usual size is read whole (and dropped once its entries are out); a larger one
    // is streamed, so that memory stays bounded by what the entries keep.
    let archive = if size <= IN_MEMORY_UP_TO {
        let mut bytes = Vec::with_capacity(size as usize);
        std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(|e| format!("{path}: {e}"))?;
        tracklens::har::read_slice(&bytes, |entry| grouper.add(entry))
    } else {
        tracklens::har::read(file, |entry| grouper.add(entry))
    }
    .map_err(|e| format!("{path} is not a valid HAR file: {e}"))?;
    let pages = grouper.finish(&archive.pages);
    Ok((archive, pages))
}

/// The report of one page's entries.
pub fn page_report(page: &PageEntries, verdicts: &mut Verdicts) -> PageReport {
    let entries = &page.entries;
    let address = page_address(entries, page.title.as_deref());
    let (url, final_url, main) = match address {
        Some(a) => (a.url, a.final_url, a.main),
        None => (String::new(), String::new(), None),
    };
    let mut report = PageReport::new(&url, "har");
    report.final_url = Some(final_url.clone());
    let page_site = NetworkUrl::parse(&final_url).ok().map(|u| tracklens::party::site_of(&u).to_owned());
    let first_party = |url: &str| {
        let site = NetworkUrl::parse(url).ok().map(|u| tracklens::party::site_of(&u).to_owned());
        site.is_some() && site == page_site
    };
    // The visitor's choice is known from the first request that carries a consent cookie.
    let consent_at = entries
        .iter()
        .position(|e| e.cookies_sent().iter().any(|c| CONSENT_COOKIES.contains(&c.name)))
        .unwrap_or(entries.len());
    let seen: Vec<SeenRequest> = entries
        .iter()
        .enumerate()
        .map(|(at, entry)| SeenRequest {
            url: entry.url.clone(),
            resource_type: resource_type(entry, Some(at) == main),
            before_consent: at < consent_at,
            cookies_sent: entry.cookies_sent().iter().map(|c| c.name.to_owned()).collect(),
            cookies_set: live_cookies(entry).map(|(c, _)| c.name.to_owned()).collect(),
            blocked: entry.error.as_deref().is_some_and(|e| e.contains("ERR_BLOCKED_BY_CLIENT")),
            referer: entry.request_header("referer").map(str::to_owned),
        })
        .collect();
    // The page's cookies, consent string and GPC go into the core's page report with its
    // requests, so the same rules as in the extension judge them (ignored refusals included).
    let cookies = classify_cookies(entries, &final_url);
    let consent = entries.iter().find_map(|entry| {
        entry.cookies_sent().iter().find_map(|c| {
            let ours = match c.domain {
                Some(domain) => first_party(&format!("https://{}/", domain.trim_start_matches('.'))),
                None => first_party(&entry.url),
            };
            (CONSENT_COOKIES.contains(&c.name) && ours).then(|| c.value.to_owned())
        })
    });
    let gpc = main.and_then(|m| entries[m].request_header("sec-gpc")).map(|v| v.trim() == "1");
    // The page's context from its document response when the HAR kept the HTML, else from its
    // address alone; the core joins it with what each third party was sent.
    let (signals, source) = match main.and_then(|m| entries[m].html.as_deref()) {
        Some(text) => (PageSignals::from_html(&final_url, text), "html"),
        None => (PageSignals::from_url(&final_url), "url"),
    };
    let more = vec![
        Event::PageCookies { entries: cookies.iter().map(|(entry, _)| entry.clone()).collect() },
        Event::ConsentString { value: consent },
        Event::Gpc { sent: gpc == Some(true) },
        Event::PageSignals { signals, source: source.to_owned() },
    ];
    report::add_page_events(&mut report, verdicts, &final_url, &seen, more);
    report.cookies = cookies.iter().map(|(entry, days)| report::cookie_of(entry, *days)).collect();
    report.tracking_params = report::tracking_params(&url);
    report.gpc.header = gpc;
    report
}

/// The cookies an entry's response set and kept (a line that expires them deletes them), with
/// their lifetimes in seconds.
fn live_cookies(entry: &Entry) -> impl Iterator<Item = (tracklens::cookies::SetCookie<'_>, Option<i64>)> {
    let now = entry.response_time();
    entry
        .cookies_set()
        .into_iter()
        .map(move |c| {
            let lifetime = c.expires_in(now);
            (c, lifetime)
        })
        .filter(|(_, lifetime)| lifetime.is_none_or(|s| s > 0))
}

/// The cookies the page's responses set and did not delete again, classified, one per name,
/// domain and path, each with the days it has left.
fn classify_cookies(entries: &[Entry], page_url: &str) -> Vec<(CookieEntry, Option<f64>)> {
    let mut found: BTreeMap<(String, String, String), (CookieEntry, Option<f64>)> = BTreeMap::new();
    for entry in entries {
        let request_host = NetworkUrl::parse(&entry.url).map(|u| u.host).unwrap_or_default();
        let now = entry.response_time();
        for cookie in entry.cookies_set() {
            let expires_in = cookie.expires_in(now);
            let domain = cookie.domain.map_or_else(|| request_host.clone(), str::to_owned);
            let path = cookie.path.unwrap_or("/").to_owned();
            let key = (cookie.name.to_owned(), domain, path);
            // A line that expires the cookie deletes it: what a later response removed is gone.
            if expires_in.is_some_and(|s| s <= 0) {
                found.remove(&key);
                continue;
            }
            if found.contains_key(&key) {
                continue;
            }
            let candidate = Cookie {
                name: cookie.name.into(),
                value: cookie.value.into(),
                domain: key.1.as_str().into(),
                path: key.2.as_str().into(),
                expires_in,
                http_only: cookie.http_only,
                secure: cookie.secure,
                ..Cookie::default()
            };
            let verdict = classify_cookie(&candidate, page_url);
            let expires = now.zip(expires_in).map(|(at, left)| at + left);
            let classified = CookieEntry::classified(&verdict, &key.1, &key.2, expires);
            found.insert(key, (classified, report::lifetime_days(expires_in)));
        }
    }
    found.into_values().take(200).collect()
}

/// Chromium's HAR resource types (or the type guessed from the MIME type) as the webRequest
/// names the core takes.
fn resource_type(entry: &Entry, main: bool) -> ResourceType {
    match entry.resource_type_or_guess() {
        _ if main => ResourceType::MainFrame,
        Some("document") => ResourceType::SubFrame,
        Some("xhr" | "fetch" | "eventsource") => ResourceType::from_name("xmlhttprequest"),
        Some(name) => ResourceType::from_name(name),
        None => ResourceType::Other,
    }
}
