//! `tracklens analyze` on archives other people's recorders made on real sites
//! (tests/fixtures/har/SOURCES.md): every one is read, each page is named from the archive's
//! evidence, and its companies and cookies are what the file shows. The expected values were
//! read from the files themselves (hosts, `Set-Cookie` lines, `Date` headers), not from our output.

use serde_json::Value;
use std::process::Command;

struct Run {
    status: Option<i32>,
    stderr: String,
    pages: Vec<Value>,
}

fn analyze(fixture: &str) -> Run {
    let path = format!("{}/../tests/fixtures/har/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let json = std::env::temp_dir().join(format!("tracklens-fixture-{}-{fixture}.jsonl", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_tracklens"))
        .args(["analyze", &path, "--json", json.to_str().unwrap()])
        .output()
        .expect("the tracklens binary runs");
    let text = std::fs::read_to_string(&json).unwrap_or_default();
    let _ = std::fs::remove_file(&json);
    Run {
        status: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        pages: text.lines().map(|l| serde_json::from_str(l).expect("one JSON report per line")).collect(),
    }
}

fn read(fixture: &str, pages: usize) -> Vec<Value> {
    let run = analyze(fixture);
    assert_eq!(run.status, Some(0), "{fixture}: {}", run.stderr);
    assert_eq!(run.pages.len(), pages, "{fixture}: pages");
    run.pages
}

fn page_is(page: &Value, url: &str, final_url: &str) {
    assert_eq!((page["url"].as_str(), page["finalUrl"].as_str()), (Some(url), Some(final_url)), "page");
}

fn company<'a>(page: &'a Value, name: &str) -> &'a Value {
    let companies = page["companies"].as_array().unwrap();
    companies.iter().find(|c| c["name"] == name).unwrap_or_else(|| {
        let names: Vec<&Value> = companies.iter().map(|c| &c["name"]).collect();
        panic!("{name} not among {names:?} on {}", page["url"])
    })
}

fn trackers(page: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = page["companies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["tracker"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

fn cookie<'a>(page: &'a Value, name: &str) -> &'a Value {
    cookie_of(page, name, None)
}

/// The cookie `name` (of `domain`, when given) the page's responses set.
fn cookie_of<'a>(page: &'a Value, name: &str, domain: Option<&str>) -> &'a Value {
    let cookies = page["cookies"].as_array().unwrap();
    let wanted = |c: &&Value| c["name"] == name && domain.is_none_or(|d| c["domain"] == d);
    cookies.iter().find(wanted).unwrap_or_else(|| {
        let names: Vec<&Value> = cookies.iter().map(|c| &c["name"]).collect();
        panic!("cookie {name} not among {names:?} on {}", page["url"])
    })
}

fn has_cookie(page: &Value, name: &str) -> bool {
    page["cookies"].as_array().unwrap().iter().any(|c| c["name"] == name)
}

#[test]
fn webpagetest_first_and_repeat_views_are_one_report_each() {
    // WebPageTest 2.17: three runs, first and repeat view each; cookies only in Set-Cookie headers.
    let pages = read("webpagetest-wikipedia.har", 6);
    for page in &pages {
        page_is(page, "https://en.wikipedia.org/wiki/Main_Page", "https://en.wikipedia.org/wiki/Main_Page");
        assert_eq!(trackers(page), Vec::<&str>::new(), "Wikipedia loads no tracker");
        // A session cookie (no Expires, no Max-Age) for the site itself.
        let geoip = cookie_of(page, "GeoIP", Some(".wikipedia.org"));
        assert_eq!((geoip["lifetimeDays"].is_null(), geoip["thirdParty"].as_bool()), (true, Some(false)));
    }
    assert_eq!(pages[0]["requests"], 32);
    assert_eq!(pages[1]["requests"], 2);
}

#[test]
fn webpagetest_redirects_and_a_repeat_view_with_only_a_tracker() {
    let pages = read("webpagetest-sitespeed-redirect.har", 2);
    page_is(&pages[0], "http://www.sitespeed.io/", "https://www.sitespeed.io/");
    assert_eq!(trackers(&pages[0]), ["Google"]);
    // The repeat view recorded one Google Analytics hit and no document: the page is what its
    // Referer says, never the tracker itself.
    page_is(&pages[1], "https://www.sitespeed.io/", "https://www.sitespeed.io/");
    assert_eq!(pages[1]["thirdPartyRequests"], 1);
    assert_eq!(pages[1]["thirdPartySites"], serde_json::json!(["google-analytics.com"]));

    let pages = read("webpagetest-aftonbladet.har", 2);
    for page in &pages {
        page_is(page, "http://aftonbladet.se/", "http://www.aftonbladet.se/");
    }
    for name in ["AT Internet", "Google", "Mixpanel", "Xandr"] {
        assert!(company(&pages[0], name)["tracker"] == true, "{name}");
    }
    assert!(company(&pages[1], "Hotjar")["tracker"] == true);
    // Set-Cookie: s_vi=…; Expires=Mon, 28 Aug 2017 19:47:05 GMT; Domain=aftonbladet.se, in a
    // response dated Sat, 29 Aug 2015 19:47:05 GMT: 730 days, the site's own.
    let s_vi = cookie(&pages[0], "s_vi");
    assert_eq!((s_vi["lifetimeDays"].as_f64(), s_vi["thirdParty"].as_bool()), (Some(730.0), Some(false)));
    // cis-vid for .schibsted.com, 365 days: a third party's.
    let cis = cookie(&pages[0], "cis-vid");
    assert_eq!((cis["lifetimeDays"].as_f64(), cis["thirdParty"].as_bool()), (Some(365.0), Some(true)));
}

#[test]
fn chrome_har_redirect_chains_end_on_the_page() {
    let pages = read("chrome-har-arcelormittal.har", 1);
    page_is(&pages[0], "http://www.arcelormittal.com/", "http://m.corporate.arcelormittal.com/");
    assert_eq!(trackers(&pages[0]), ["Google"]);
    // expires=Sat, 20 Apr 2019 08:49:40 GMT, no Date header, entry started 2018-04-20T11:03:35Z.
    assert_eq!(cookie(&pages[0], "visid_incap_475759")["lifetimeDays"].as_f64(), Some(364.9));

    let pages = read("chrome-har-mytoys.har", 1);
    page_is(
        &pages[0],
        "https://checkout.mytoys.de/checkout/registration",
        "https://checkout.mytoys.de/checkout/registration",
    );
    let google = company(&pages[0], "Google");
    assert!(google["cookiesSet"].as_array().unwrap().contains(&"IDE".into()), "{google}");
    assert!(company(&pages[0], "Meta")["tracker"] == true);
    assert!(company(&pages[0], "Trusted Shops")["requests"].as_u64() >= Some(4));
    // IDE for 390 days (Expires Wed, 16-Jan-2019 21:58:51 in a response of Fri, 22 Dec 2017
    // 21:58:51); test_cookie is set for 15 minutes, then a later response expires it (2008): gone.
    let ide = cookie(&pages[0], "IDE");
    assert_eq!((ide["lifetimeDays"].as_f64(), ide["purpose"].as_str()), (Some(390.0), Some("advertising")));
    assert!(!has_cookie(&pages[0], "test_cookie"));

    let pages = read("chrome-har-assa.har", 3);
    for page in &pages {
        page_is(page, "https://www.assa.se/", "https://www.assa.se/sv/site/assa/");
        assert!(company(page, "Google")["categories"].as_array().unwrap().contains(&"analytics".into()));
    }

    let pages = read("chrome-har-wikipedia.har", 1);
    page_is(&pages[0], "https://www.wikpedia.org/", "https://www.wikipedia.org/");
    // WMF-Uniq: Expires Wed, 12 May 2027 00:00:00 GMT, Date Mon, 11 May 2026 20:49:32 GMT.
    assert_eq!(cookie(&pages[0], "WMF-Uniq")["lifetimeDays"].as_f64(), Some(365.1));
}

#[test]
fn browsertime_and_chrome_devtools_archives() {
    let pages = read("browsertime-sitespeed.har", 1);
    page_is(&pages[0], "https://www.sitespeed.io/", "https://www.sitespeed.io/");
    assert_eq!(trackers(&pages[0]), ["Google"]);

    let pages = read("chrome-run-sitespeed.har", 1);
    page_is(&pages[0], "https://run.sitespeed.io/", "https://run.sitespeed.io/");
    assert_eq!(company(&pages[0], "Google")["requests"], 2);

    // Devtools' page_2 is not in log.pages: its one request (a Google logo) says by its Referer
    // that it was on www.google.com.
    let pages = read("chrome-mitmproxy.har", 2);
    page_is(&pages[0], "https://mitmproxy.org/", "https://mitmproxy.org/");
    page_is(&pages[1], "https://www.google.com/", "https://www.google.com/");
    assert_eq!(pages[1]["thirdPartyRequests"], 0);
    assert!(company(&pages[1], "Google")["cookiesSent"].as_array().unwrap().contains(&"NID".into()));
}

#[test]
fn a_byte_order_mark_and_a_tracker_recorded_without_its_page() {
    // One Sovrn beacon, no pages, no document: the page is the Origin it was sent from.
    let pages = read("chrome-bom-reqbin.har", 1);
    page_is(&pages[0], "https://reqbin.com", "https://reqbin.com");
    assert_eq!((pages[0]["requests"].as_u64(), pages[0]["thirdPartyRequests"].as_u64()), (Some(1), Some(1)));
    assert_eq!(pages[0]["thirdPartySites"], serde_json::json!(["s-onetag.com"]));
}

#[test]
fn firefox_safari_and_charles_archives_without_resource_types() {
    let pages = read("firefox43-linkedin.har", 1);
    page_is(&pages[0], "https://www.linkedin.com/", "https://www.linkedin.com/");
    assert_eq!(trackers(&pages[0]), ["Comscore", "Google"]);
    // bcookie: Expires Thu, 25-Jan-2018 08:58:41 GMT in a response of Mon, 25 Jan 2016 21:21:09
    // (two years with a 29 February).
    let bcookie = cookie(&pages[0], "bcookie");
    assert_eq!((bcookie["lifetimeDays"].as_f64(), bcookie["thirdParty"].as_bool()), (Some(730.5), Some(false)));

    for fixture in ["firefox111-mitmproxy.har", "safari-mitmproxy.har"] {
        let pages = read(fixture, 1);
        page_is(&pages[0], "https://mitmproxy.org/", "https://mitmproxy.org/");
        assert_eq!(trackers(&pages[0]), Vec::<&str>::new(), "{fixture}");
        assert!(company(&pages[0], "Amazon")["tracker"] == false, "{fixture}: its S3 bucket is a CDN");
    }

    let pages = read("charles-mitmproxy.har", 1);
    page_is(&pages[0], "https://mitmproxy.org/?=", "https://mitmproxy.org/?=");
    assert_eq!((pages[0]["requests"].as_u64(), pages[0]["thirdPartyRequests"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn every_fixture_is_read_without_losing_an_entry() {
    let dir = format!("{}/../tests/fixtures/har", env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".har"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "{fixtures:?}");
    for fixture in &fixtures {
        let text = std::fs::read(format!("{dir}/{fixture}")).unwrap();
        let json: Value = serde_json::from_slice(text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text)).unwrap();
        let entries = json["log"]["entries"].as_array().unwrap().len() as u64;
        let run = analyze(fixture);
        assert_eq!(run.status, Some(0), "{fixture}: {}", run.stderr);
        let requests: u64 = run.pages.iter().map(|p| p["requests"].as_u64().unwrap()).sum();
        assert_eq!(requests, entries, "{fixture}: every entry counted once");
    }
}
