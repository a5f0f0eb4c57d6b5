//! `tracklens analyze`: a HAR file from any recorder classified offline with the same core, one
//! report per page of the archive, each judged against its own page.
//!
//! Reading (quirks, warnings, pages, cookies from headers) is the library's `tracklens::har`;
//! this module only turns a page's entries into the report's requests and cookies.

use crate::report::{self, PageReport, SeenRequest, Verdicts};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
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

/// The reports of `pages`, handed to `sink` in page order. Built on one thread per memory of
/// verdicts in `memos`: a page's report depends on its entries alone, and building them was
/// half of `analyze`'s time (the other half is reading, which is one pass over the file).
pub fn page_reports(
    pages: &[PageEntries],
    memos: &mut [Verdicts],
    mut sink: impl FnMut(PageReport) -> Result<(), String>,
) -> Result<(), String> {
    if memos.len() <= 1 || pages.len() < 2 {
        let Some(verdicts) = memos.first_mut() else {
            return Err("no memory of verdicts to build reports with".into());
        };
        return pages.iter().try_for_each(|page| sink(page_report(page, verdicts)));
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Bounded, so that workers wait for a slow sink instead of piling reports up.
        let (send, receive) = mpsc::sync_channel::<(usize, PageReport)>(64);
        for verdicts in memos.iter_mut() {
            let (send, next) = (send.clone(), &next);
            scope.spawn(move || {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(page) = pages.get(at) else { break };
                    if send.send((at, page_report(page, verdicts))).is_err() {
                        break; // the sink failed: nothing more is wanted
                    }
                }
            });
        }
        drop(send);
        // Reports arrive in the order they are finished; they leave in page order.
        let mut ready = HashMap::new();
        let mut due = 0;
        for (at, report) in receive {
            ready.insert(at, report);
            while let Some(report) = ready.remove(&due) {
                sink(report)?;
                due += 1;
            }
        }
        Ok(())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use tracklens::Engine;

    /// A report without the time it was made, which differs from run to run.
    fn comparable(report: &PageReport) -> serde_json::Value {
        let mut value = serde_json::to_value(report).expect("a report serialises");
        value["auditedAt"] = serde_json::Value::Null;
        value
    }

    #[test]
    fn reports_built_on_several_threads_are_those_of_one_thread_in_page_order() {
        let engine = Engine::from_lists([("EasyPrivacy", include_str!("../../../data/lists/easyprivacy.txt"))]).0;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/har");
        let mut fixtures: Vec<_> = std::fs::read_dir(dir)
            .expect("tests/fixtures/har")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "har"))
            .collect();
        fixtures.sort();
        let mut pages = Vec::new();
        for path in &fixtures {
            pages.extend(read(path.to_str().expect("a UTF-8 path")).expect("a readable fixture").1);
        }
        assert!(pages.len() >= 20, "only {} pages", pages.len());
        let build = |threads: usize| {
            let mut memos: Vec<_> = (0..threads).map(|_| Verdicts::sharing(&engine, threads)).collect();
            let mut reports = Vec::new();
            page_reports(&pages, &mut memos, |report| {
                reports.push(comparable(&report));
                Ok(())
            })
            .expect("the sink never fails");
            reports
        };
        let one = build(1);
        assert_eq!(one.len(), pages.len());
        let urls: Vec<&serde_json::Value> = one.iter().map(|r| &r["url"]).collect();
        assert!(urls.windows(2).any(|w| w[0] != w[1]), "the fixtures' pages differ: {urls:?}");
        assert_eq!(build(3), one);

        // A sink that fails stops the work, and its error is the result.
        let mut memos: Vec<_> = (0..3).map(|_| Verdicts::sharing(&engine, 3)).collect();
        let mut taken = 0;
        let result = page_reports(&pages, &mut memos, |_| {
            taken += 1;
            if taken == 2 {
                Err("disk full".to_owned())
            } else {
                Ok(())
            }
        });
        assert_eq!((result, taken), (Err("disk full".to_owned()), 2));
    }
}
