use super::budget::{make_room, size_of, trim, StoredReport, SESSION_BYTES, TAB_BYTES, TRIMMED_BYTES};
use super::*;

fn verdict(host: &str, company: Option<&str>, tracker: bool) -> RequestVerdict {
    let site = host.rsplitn(3, '.').take(2).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(".");
    RequestVerdict {
        host: host.to_owned(),
        party: if site == "news.example" { "first_party" } else { "third_party" }.to_owned(),
        site,
        entity: company.map(|name| VerdictEntity { name: name.to_owned(), ..VerdictEntity::default() }),
        categories: if tracker { vec!["advertising".to_owned()] } else { Vec::new() },
        tracker,
        reason: format!("{host} reason"),
    }
}

fn request(host: &str, company: Option<&str>, tracker: bool) -> Event {
    Event::Request {
        url: format!("https://{host}/p"),
        verdict: verdict(host, company, tracker),
        before_consent: None,
        referer: None,
    }
}

fn page() -> PageReport {
    let mut report = PageReport::default();
    let start = Event::Page { url: "https://news.example/".to_owned(), started_at: 1.0 };
    apply(&mut report, &start);
    report
}

fn cookie(name: &str, domain: &str, company: Option<&str>, identifier: bool) -> CookieEntry {
    CookieEntry {
        name: name.to_owned(),
        domain: domain.to_owned(),
        path: "/".to_owned(),
        purpose: "advertising".to_owned(),
        identifier,
        third_party: true,
        company: company.map(str::to_owned),
        ..CookieEntry::default()
    }
}

#[test]
fn company_states_follow_requests_blocks_and_cookies() {
    let mut report = page();
    let host = "www.google-analytics.com";
    apply_all(
        &mut report,
        &[
            request(host, Some("Google"), true),
            request(host, Some("Google"), true),
            Event::Blocked { host: host.to_owned() },
            request("connect.facebook.net", Some("Meta"), true),
            Event::Blocked { host: "connect.facebook.net".to_owned() },
            request("static.hotjar.com", Some("Hotjar"), true),
            request("cdn.optimizely.com", Some("Optimizely"), true),
            Event::Cookies {
                host: "cdn.optimizely.com".to_owned(),
                sent: false,
                names: vec!["optimizelyEndUserId".to_owned()],
            },
        ],
    );
    let state = |name: &str| report.companies[name].state;
    assert_eq!(state("Google"), CompanyState::PartlyBlocked);
    assert_eq!((report.companies["Google"].blocked, report.companies["Google"].requests), (1, 2));
    assert_eq!(state("Meta"), CompanyState::Blocked);
    assert_eq!(state("Hotjar"), CompanyState::LoadedWithoutCookies);
    assert_eq!(state("Optimizely"), CompanyState::Loaded);
    assert_eq!(report.blocked_requests, 2);
    assert!(report.tracking_requests.iter().filter(|r| r.host == host).any(|r| r.blocked));
}

#[test]
fn cookie_ownership_is_one_rule() {
    let mut google = Company {
        name: "Google".to_owned(),
        hosts: vec!["googleads.g.doubleclick.net".to_owned()],
        ..Company::default()
    };
    google.cookies_sent.push("IDE".to_owned());
    // By the knowledge base's owner of the domain, by vendor (or its product), by name on its hosts.
    assert!(owns(&google, &cookie("x", "example.org", Some("Google"), true)));
    let mut ga = cookie("_ga", "news.example", None, true);
    ga.vendor = Some("Google Analytics".to_owned());
    assert!(owns(&google, &ga));
    ga.vendor = Some("Googlesomething".to_owned());
    assert!(!owns(&google, &ga));
    assert!(owns(&google, &cookie("IDE", ".doubleclick.net", None, true)));
    // The same name on another site's domain is not Google's.
    assert!(!owns(&google, &cookie("IDE", "shop.example", None, true)));
}

#[test]
fn a_refusal_ignored_is_flagged_only_for_trackers_that_loaded_and_keep_identifiers() {
    let mut report = page();
    apply_all(
        &mut report,
        &[
            request("googleads.g.doubleclick.net", Some("Google"), true),
            Event::Cookies {
                host: "googleads.g.doubleclick.net".to_owned(),
                sent: true,
                names: vec!["IDE".to_owned()],
            },
            request("connect.facebook.net", Some("Meta"), true),
            Event::Blocked { host: "connect.facebook.net".to_owned() },
            Event::PageCookies {
                entries: vec![
                    cookie("IDE", ".doubleclick.net", None, true),
                    cookie("_fbp", "news.example", Some("Meta"), true),
                ],
            },
        ],
    );
    assert!(report.ignored_refusal.is_empty(), "no refusal, nothing ignored");
    assert_eq!(report.tracking_before_consent, 2);
    apply(&mut report, &Event::Declined(Declined { status: Some("declined".to_owned()), ..Declined::default() }));
    apply(&mut report, &request("googleads.g.doubleclick.net", Some("Google"), true));
    assert_eq!(report.tracking_before_consent, 2, "after the refusal a request is not before consent");
    assert_eq!(report.ignored_refusal.len(), 1, "Meta was blocked: it did not ignore anything");
    assert_eq!(report.ignored_refusal[0].company, "Google");
    assert_eq!(report.ignored_refusal[0].cookies, vec!["IDE"]);
    assert_eq!(report.ignored_refusal[0].refusals, vec!["declined the consent banner"]);
}

#[test]
fn every_list_stops_at_its_bound_and_counts_the_rest() {
    let mut report = page();
    let n = LIMITS.host_owners + 10;
    let events: Vec<Event> = (0..n).map(|i| request(&format!("h{i}.doubleclick.net"), Some("Google"), true)).collect();
    apply_all(&mut report, &events);
    let google = &report.companies["Google"];
    assert_eq!(google.requests, n as u64, "every request counted");
    assert_eq!(google.hosts.len(), LIMITS.hosts_per_company);
    assert_eq!(google.omitted_hosts, (n - LIMITS.hosts_per_company) as u64);
    assert_eq!(report.host_owners.len(), LIMITS.host_owners);
    assert_eq!(report.omitted.host_owners, 10);
    assert_eq!(report.tracking_requests.len(), n.min(LIMITS.tracking_requests));
    assert_eq!(report.omitted.tracking_requests, n.saturating_sub(LIMITS.tracking_requests) as u64);
    // A host past the lookup's bound is still attributed, through its site.
    let late = format!("h{}.doubleclick.net", n - 1);
    apply(&mut report, &Event::Cookies { host: late.clone(), sent: true, names: vec!["IDE".to_owned()] });
    assert_eq!(report.companies["Google"].cookies_sent, vec!["IDE"]);

    let unknown: Vec<Event> =
        (0..LIMITS.unknown_hosts + 5).map(|i| request(&format!("u{i}.unknown{i}.example"), None, false)).collect();
    apply_all(&mut report, &unknown);
    assert_eq!(report.unknown_third_parties.len(), LIMITS.unknown_hosts);
    assert_eq!(report.omitted.unknown_host_requests, 5);
    assert_eq!(report.third_party_sites.len(), LIMITS.third_party_sites);

    let companies: Vec<Event> = (0..LIMITS.companies + 3)
        .map(|i| request(&format!("c.co{i}.example"), Some(&format!("Co{i}")), true))
        .collect();
    apply_all(&mut report, &companies);
    assert_eq!(report.companies.len(), LIMITS.companies);
    assert_eq!(report.omitted.company_requests, 4, "Google took one of the slots");

    let cookies: Vec<CookieEntry> =
        (0..LIMITS.page_cookies + 7).map(|i| cookie(&format!("c{i}"), "news.example", None, false)).collect();
    apply(&mut report, &Event::PageCookies { entries: cookies.clone() });
    apply(&mut report, &Event::PageCookies { entries: cookies });
    assert_eq!(report.cookies.len(), LIMITS.page_cookies);
    assert_eq!(report.omitted.cookies, 7, "a second reading replaces the count, not adds to it");
    assert_eq!(report.cookie_readings, 2, "each reading is counted, so an empty list after one means none");

    for i in 0..LIMITS.leaks + 2 {
        let leak = Event::Leak {
            field: format!("f{i}"),
            host: "x.example".into(),
            encoding: "plain".into(),
            location: "body".into(),
        };
        apply(&mut report, &leak);
    }
    assert_eq!(report.leaks.len(), LIMITS.leaks);
    assert_eq!(report.omitted.leaks, 2);
    for i in 0..LIMITS.fingerprint_scripts + 1 {
        let fp = Event::Fingerprinting {
            script: format!("https://s{i}.example/f.js"),
            host: format!("s{i}.example"),
            usage: serde_json::Value::Null,
            verdict: FingerprintVerdict::default(),
        };
        apply(&mut report, &fp);
    }
    assert_eq!(report.fingerprinting.len(), LIMITS.fingerprint_scripts);
    assert_eq!(report.omitted.fingerprint_scripts, 1);
    assert!(size_of(&report) < TAB_BYTES, "a report at every bound fits one tab's budget: {}", size_of(&report));
}

#[test]
fn an_old_report_is_migrated_and_an_unknown_version_dropped() {
    let v1 = serde_json::json!({
        "pageUrl": "https://news.example/", "site": "news.example", "startedAt": 5, "requests": 3,
        "companies": { "Google": { "name": "Google", "party": "third_party", "tracker": true, "requests": 2, "blocked": 2,
            "hosts": ["www.google-analytics.com"], "cookiesSent": [], "cookiesSet": [] } },
        "hostOwners": { "www.google-analytics.com": "Google" }, "gpc": true,
    });
    let read = read_stored(&v1).expect("v1 is migrated");
    assert_eq!(read.version, VERSION);
    assert_eq!(read.companies["Google"].state, CompanyState::Blocked, "derived fields are recomputed");
    assert!(read_stored(&serde_json::json!({ "version": 99, "pageUrl": "x" })).is_none());
    assert!(read_stored(&serde_json::json!({ "pageUrl": 7 })).is_none(), "a field of the wrong type drops it");
    assert!(read_stored(&serde_json::json!("tab")).is_none());
    let current = serde_json::to_value(&read).unwrap();
    assert_eq!(read_stored(&current), Some(read));
}

#[test]
fn the_budget_trims_the_oldest_then_largest_other_reports() {
    let stored = vec![
        StoredReport { key: "tab:1".into(), bytes: 3_000_000, started_at: 10.0 },
        StoredReport { key: "tab:2".into(), bytes: 2_000_000, started_at: 5.0 },
        StoredReport { key: "tab:3".into(), bytes: 2_500_000, started_at: 5.0 },
        StoredReport { key: "tab:4".into(), bytes: 500_000, started_at: 1.0 },
    ];
    // 8 MB stored; writing tab:1 again with 1 MB more needs about 1 MB: the oldest goes first,
    // and of the two as old, the larger.
    assert_eq!(make_room(&stored, &["tab:1".to_owned()], 1_000_000), vec!["tab:4", "tab:3"]);
    assert!(make_room(&stored[1..], &[], 0).is_empty(), "under the budget nothing is trimmed");
    assert_eq!(SESSION_BYTES, 8_000_000);
}

#[test]
fn trimming_keeps_counts_and_fits() {
    let mut report = page();
    let events: Vec<Event> = (0..5000)
        .map(|i| request(&format!("h{i}.co{}.example", i % 300), Some(&format!("Co{}", i % 300)), true))
        .collect();
    apply_all(&mut report, &events);
    let requests = report.requests;
    trim(&mut report, TRIMMED_BYTES);
    assert!(size_of(&report) <= TRIMMED_BYTES, "{}", size_of(&report));
    assert!(report.omitted.trimmed_for_space);
    assert_eq!(report.requests, requests);
    let mut small = page();
    trim(&mut small, TRIMMED_BYTES);
    assert!(!small.omitted.trimmed_for_space, "a report that fits is left alone");
}

fn pharmacy_events(pixel_blocked: bool) -> Vec<Event> {
    let page = "https://shop.example/pharmacy/oraquick-hiv-self-test.html";
    let pixel = format!(
        "https://www.facebook.com/tr/?id=1&ev=ViewContent&dl={}&cd[content_name]=OraQuick%20HIV%20Self-Test&fbp=fb.1.2.3",
        page.replace(':', "%3A").replace('/', "%2F")
    );
    let meta = verdict("www.facebook.com", Some("Meta"), true);
    let mut events = vec![
        Event::Page { url: page.to_owned(), started_at: 1.0 },
        Event::Request { url: pixel, verdict: meta, before_consent: None, referer: None },
        Event::Cookies { host: "www.facebook.com".to_owned(), sent: true, names: vec!["fr".to_owned()] },
    ];
    if pixel_blocked {
        events.push(Event::Blocked { host: "www.facebook.com".to_owned() });
    }
    let signals = crate::context::PageSignals {
        url: page.to_owned(),
        title: "OraQuick HIV Self-Test | Example Pharmacy".to_owned(),
        schema_types: vec!["Drug".to_owned()],
        ..Default::default()
    };
    events.push(Event::PageSignals { signals, source: "page".to_owned() });
    events
}

#[test]
fn signals_after_the_requests_name_what_each_company_received_on_a_sensitive_page() {
    let mut report = PageReport::default();
    apply_all(&mut report, &pharmacy_events(false));
    let context = report.context.as_ref().expect("a context section");
    assert_eq!(context.category.as_deref(), Some("health"));
    assert_eq!(context.sensitive.len(), 1, "{context:#?}");
    let meta = &context.sensitive[0];
    assert!(meta.advertiser);
    assert_eq!(meta.content, ["OraQuick HIV Self-Test"]);
    assert_eq!(meta.events, ["ViewContent"]);
    assert_eq!(meta.cookies, ["fr"]);
    assert!(meta.summary.starts_with("Meta received that you viewed 'OraQuick HIV Self-Test'"), "{}", meta.summary);

    // The stored shape reads back with the same section, recomputed.
    let stored = serde_json::to_value(&report).unwrap();
    assert_eq!(read_stored(&stored).unwrap().context, report.context);
}

#[test]
fn a_company_whose_every_request_was_blocked_received_nothing() {
    let mut report = PageReport::default();
    apply_all(&mut report, &pharmacy_events(true));
    let context = report.context.as_ref().unwrap();
    assert_eq!(context.category.as_deref(), Some("health"));
    assert!(context.sensitive.is_empty(), "{:#?}", context.sensitive);
}

#[test]
fn hostile_signals_are_bounded_and_the_cuts_counted() {
    let mut report = page();
    let signals = crate::context::PageSignals {
        url: "https://news.example/".to_owned(),
        title: "x".repeat(100_000),
        headings: vec!["heading".to_owned(); 10_000],
        schema_types: vec!["Thing".to_owned(); 10_000],
        text: "word ".repeat(100_000),
        skipped: 3,
        ..Default::default()
    };
    apply(&mut report, &Event::PageSignals { signals, source: "page".to_owned() });
    let context = report.context.as_ref().unwrap();
    assert_eq!(context.category, None);
    // The title, the headings and types past their bounds, the text; and the collector's own 3.
    assert_eq!(context.skipped, 3 + 1 + (10_000 - 24) + (10_000 - 32) + 1);
    assert!(budget::size_of(&report) < 10_000);
}
