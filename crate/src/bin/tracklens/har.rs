//! `tracklens analyze`: a HAR file (HTTP Archive 1.2, as any browser's devtools export it)
//! classified offline with the same core, one report per page of the archive.
//!
//! Only the fields the analysis needs are read, and the format's required ones are required: a
//! file that is not a HAR fails with the path of what is wrong (`log.entries[3].request: missing
//! field `url``), never with a panic or a silently empty report.

use crate::report::{self, PageReport, SeenRequest};
use serde::Deserialize;
use std::collections::BTreeMap;
use tracklens::context::{PageSignals, SentRequest};
use tracklens::cookie_purpose::{classify_cookie, Cookie};
use tracklens::{Engine, ResourceType};

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    #[serde(default)]
    pages: Vec<Page>,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Page {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    pageref: Option<String>,
    started_date_time: String,
    request: HarRequest,
    response: HarResponse,
    /// Chromium's extension field: the devtools resource type (document, script, xhr...).
    #[serde(default, rename = "_resourceType")]
    resource_type: Option<String>,
}

#[derive(Deserialize)]
struct HarRequest {
    url: String,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(default)]
    cookies: Vec<HarCookie>,
}

#[derive(Deserialize)]
struct HarResponse {
    #[serde(default)]
    headers: Vec<Header>,
    /// Chromium's extension field: why the request failed (`net::ERR_BLOCKED_BY_CLIENT`).
    #[serde(default, rename = "_error")]
    error: Option<String>,
    #[serde(default)]
    cookies: Vec<HarCookie>,
    /// The body, when the recorder kept it (the page's own HTML gives its context).
    #[serde(default)]
    content: Option<HarContent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarContent {
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    text: Option<String>,
    /// `base64` for binary bodies, which are no HTML to read.
    #[serde(default)]
    encoding: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarCookie {
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    expires: Option<String>,
}

/// Cookies whose value is a consent string the core decodes.
const CONSENT_COOKIES: &[&str] = &["euconsent-v2", "usprivacy", "__gpp"];

/// Parses `text` (the contents of `path`) and returns one report per page of the archive.
pub fn analyze(path: &str, text: &str, engine: &Engine) -> Result<Vec<PageReport>, String> {
    let mut json = serde_json::Deserializer::from_str(text);
    let har: Har = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let at = e.path().to_string();
        let at = if at == "." { String::new() } else { format!(" at {at}") };
        format!("{path} is not a valid HAR file{at}: {}", e.inner())
    })?;
    // Entries grouped by page, pages in the archive's order; entries without a page form one.
    let mut order: Vec<Option<String>> = har.log.pages.iter().map(|p| Some(p.id.clone())).collect();
    let mut groups: BTreeMap<Option<String>, Vec<&Entry>> = BTreeMap::new();
    for entry in &har.log.entries {
        if !order.contains(&entry.pageref) {
            order.push(entry.pageref.clone());
        }
        groups.entry(entry.pageref.clone()).or_default().push(entry);
    }
    Ok(order.into_iter().filter_map(|page| groups.remove(&page)).map(|entries| page_report(&entries, engine)).collect())
}

fn page_report(entries: &[&Entry], engine: &Engine) -> PageReport {
    let main = entries.iter().position(|e| e.resource_type.as_deref() == Some("document")).unwrap_or(0);
    let page_url = entries[main].request.url.clone();
    let mut report = PageReport::new(&page_url, "har");
    report.final_url = Some(page_url.clone());
    // The visitor's choice is known from the first request that carries a consent cookie.
    let consent_at = entries
        .iter()
        .position(|e| e.request.cookies.iter().any(|c| CONSENT_COOKIES.contains(&c.name.as_str())))
        .unwrap_or(entries.len());
    let seen: Vec<SeenRequest> = entries
        .iter()
        .enumerate()
        .map(|(at, entry)| SeenRequest {
            url: entry.request.url.clone(),
            resource_type: resource_type(entry.resource_type.as_deref(), at == main),
            before_consent: at < consent_at,
            cookies_sent: entry.request.cookies.iter().map(|c| c.name.clone()).collect(),
            cookies_set: set_cookie_names(&entry.response),
            blocked: entry.response.error.as_deref().is_some_and(|e| e.contains("ERR_BLOCKED_BY_CLIENT")),
        })
        .collect();
    report::add_requests(&mut report, engine, &page_url, &seen);
    report.cookies = classify_cookies(entries, &page_url);
    report.consent = entries.iter().flat_map(|e| &e.request.cookies).find_map(|c| {
        let first_party = c.domain.as_deref().is_none_or(|d| host_of(&page_url).ends_with(d.trim_start_matches('.')));
        (CONSENT_COOKIES.contains(&c.name.as_str()) && first_party).then(|| report::consent_entry(&c.value))
    });
    report.tracking_params = report::tracking_params(&page_url);
    report.gpc.header = header(&entries[main].request.headers, "sec-gpc").map(|v| v.trim() == "1");
    add_context(&mut report, entries, main, &page_url, engine);
    report
}

/// The page's context from its document response when the HAR kept the HTML, else from its
/// address alone; joined with what each third party was sent.
fn add_context(report: &mut PageReport, entries: &[&Entry], main: usize, page_url: &str, engine: &Engine) {
    let html = entries[main]
        .response
        .content
        .as_ref()
        .filter(|c| c.encoding.is_none() && c.mime_type.as_deref().is_none_or(|m| m.contains("html")));
    let (signals, source) = match html.and_then(|c| c.text.as_deref()) {
        Some(text) => (PageSignals::from_html(page_url, text), "html"),
        None => (PageSignals::from_url(page_url), "url"),
    };
    let sent: Vec<SentRequest> = entries
        .iter()
        .enumerate()
        .filter(|(at, _)| *at != main)
        .map(|(_, e)| SentRequest {
            url: e.request.url.clone(),
            referer: header(&e.request.headers, "referer").map(str::to_owned),
            cookies: e.request.cookies.iter().map(|c| c.name.clone()).collect(),
            body: None,
        })
        .collect();
    report::context::add_context(report, engine, &signals, source, &sent);
}

/// The cookies the page's responses set, classified, one per name, domain and path.
fn classify_cookies(entries: &[&Entry], page_url: &str) -> Vec<report::CookieEntry> {
    let mut found: BTreeMap<(String, String, String), report::CookieEntry> = BTreeMap::new();
    for entry in entries {
        let request_host = host_of(&entry.request.url);
        for cookie in &entry.response.cookies {
            let domain = cookie.domain.clone().unwrap_or_else(|| request_host.clone());
            let path = cookie.path.clone().unwrap_or_else(|| "/".to_owned());
            let expires_in = cookie.expires.as_deref().and_then(|e| seconds_between(&entry.started_date_time, e));
            let candidate = Cookie {
                name: cookie.name.as_str().into(),
                value: cookie.value.as_str().into(),
                domain: domain.as_str().into(),
                path: path.as_str().into(),
                expires_in,
                ..Cookie::default()
            };
            let verdict = classify_cookie(&candidate, page_url);
            let days = expires_in.map(|s| (s as f64 / 86_400.0 * 10.0).round() / 10.0);
            let entry = report::cookie_entry(&verdict, &domain, &path, days);
            found.entry((cookie.name.clone(), domain, path)).or_insert(entry);
        }
    }
    found.into_values().take(200).collect()
}

fn set_cookie_names(response: &HarResponse) -> Vec<String> {
    if !response.cookies.is_empty() {
        return response.cookies.iter().map(|c| c.name.clone()).collect();
    }
    response
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
        .flat_map(|h| h.value.lines())
        .filter_map(tracklens::cookies::set_cookie_name)
        .map(str::to_owned)
        .collect()
}

/// Chromium's HAR resource types as the webRequest names the core takes.
fn resource_type(har: Option<&str>, main: bool) -> ResourceType {
    match har {
        Some("document") if main => ResourceType::MainFrame,
        Some("document") => ResourceType::SubFrame,
        Some("xhr" | "fetch" | "eventsource") => ResourceType::from_name("xmlhttprequest"),
        Some(name) => ResourceType::from_name(name),
        None if main => ResourceType::MainFrame,
        None => ResourceType::Other,
    }
}

fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

fn host_of(url: &str) -> String {
    tracklens::url::NetworkUrl::parse(url).map(|u| u.host).unwrap_or_default()
}

/// Seconds from one ISO 8601 date-time to another (`2026-11-25T12:00:00.000Z`), if both parse.
fn seconds_between(from: &str, to: &str) -> Option<i64> {
    Some(unix_seconds(to)? - unix_seconds(from)?)
}

/// Unix seconds of an ISO 8601 date-time in UTC or with a `+hh:mm` offset; fractions ignored.
fn unix_seconds(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let zone = text[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone.as_bytes().first() {
        Some(sign @ (b'+' | b'-')) => {
            let minutes = zone.get(1..3)?.parse::<i64>().ok()? * 60 + zone.get(4..6)?.parse::<i64>().ok()?;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => 0,
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-11-25T12:00:00.123Z"), Some(1_795_608_000));
        assert_eq!(unix_seconds("2026-11-25T13:00:00+01:00"), Some(1_795_608_000));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(seconds_between("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"), Some(365 * 86_400));
    }
}
