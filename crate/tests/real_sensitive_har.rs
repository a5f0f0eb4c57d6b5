//! `tracklens analyze` on archives The Markup's Blacklight recorded on the sites of a cancer
//! hospital and of Planned Parenthood (tests/fixtures/har/SOURCES.md): what the page context
//! says, which advertisers it names as having learned of the visit, and what
//! `--fail-on sensitive-to-advertisers` makes of it. Blacklight keeps no response bodies, so the
//! context comes from the page address alone. Each expectation about a tracker is first checked
//! in the archive itself (the request to www.facebook.com/tr, its `ev` and `dl` parameters, the
//! title Google Analytics was sent in `dt`); the archive analyze does not flag is pinned as it is today,
//! with the evidence in it that says it should.

use serde_json::Value;
use std::process::Command;

const PATIENT_EDUCATION: &str = "https://www.cityofhope.org/patients/living-with-cancer/patient-education";

fn fixture_path(fixture: &str) -> String {
    format!("{}/../tests/fixtures/har/{fixture}", env!("CARGO_MANIFEST_DIR"))
}

/// The one page report of `fixture`, with the exit status under
/// `--fail-on sensitive-to-advertisers`.
fn analyze(fixture: &str) -> (Option<i32>, Value) {
    let json = std::env::temp_dir().join(format!("tracklens-sensitive-{}-{fixture}.jsonl", std::process::id()));
    let output = Command::new(env!("CARGO_BIN_EXE_tracklens"))
        .args(["analyze", &fixture_path(fixture), "--fail-on", "sensitive-to-advertisers", "--json"])
        .arg(&json)
        .output()
        .expect("the tracklens binary runs");
    let text = std::fs::read_to_string(&json)
        .unwrap_or_else(|e| panic!("{fixture}: {e}: {}", String::from_utf8_lossy(&output.stderr)));
    let _ = std::fs::remove_file(&json);
    let pages: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("one JSON report per line")).collect();
    assert_eq!(pages.len(), 1, "{fixture}: one page (Blacklight records one `page_1`)");
    (output.status.code(), pages.into_iter().next().unwrap())
}

/// A query parameter of `url`, percent-decoded (`+` is a space).
fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| decode(value))
    })
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = text.get(at + 1..at + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                at += 1;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request URLs of the archive itself, in the recorder's order.
fn request_urls(fixture: &str) -> Vec<String> {
    let har: Value = serde_json::from_slice(&std::fs::read(fixture_path(fixture)).unwrap()).unwrap();
    har["log"]["entries"].as_array().unwrap().iter().map(|e| e["request"]["url"].as_str().unwrap().to_owned()).collect()
}

/// The `dl` (page address) of every Meta pixel PageView in the archive.
fn meta_page_views(fixture: &str) -> Vec<String> {
    request_urls(fixture)
        .iter()
        .filter(|u| u.starts_with("https://www.facebook.com/tr/?") && param(u, "ev").as_deref() == Some("PageView"))
        .map(|u| param(u, "dl").expect("a PageView names its page in dl"))
        .collect()
}

fn sensitive<'a>(report: &'a Value, company: &str) -> &'a Value {
    let listed = report["context"]["sensitive"].as_array().unwrap();
    listed.iter().find(|s| s["company"] == company).unwrap_or_else(|| {
        let names: Vec<&Value> = listed.iter().map(|s| &s["company"]).collect();
        panic!("{company} not among {names:?}")
    })
}

fn strings(value: &Value) -> Vec<&str> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

#[test]
fn a_cancer_hospitals_patient_education_page_is_health_and_fails_the_advertiser_rule() {
    const FIXTURE: &str = "markup-blacklight-cityofhope-patient-education.har";
    // What the archive shows: five Meta pixels each sent a PageView naming this page in `dl`;
    // Google Analytics was sent its title in `dt`; Bing's UET tag and X's (t.co) tag the address.
    let views = meta_page_views(FIXTURE);
    assert_eq!(views, vec![PATIENT_EDUCATION; 5]);
    let urls = request_urls(FIXTURE);
    let ga_title = urls
        .iter()
        .filter(|u| u.starts_with("https://www.google-analytics.com/collect?"))
        .find_map(|u| param(u, "dt"))
        .expect("a Google Analytics hit");
    assert_eq!(ga_title, "Patient Education & Resources for Cancer Patients | City of Hope cancer center");
    assert!(urls
        .iter()
        .any(|u| u.starts_with("https://bat.bing.com/") && param(u, "p").as_deref() == Some(PATIENT_EDUCATION)));
    assert!(urls
        .iter()
        .any(|u| u.starts_with("https://t.co/") && param(u, "tw_document_href").as_deref() == Some(PATIENT_EDUCATION)));

    let (status, report) = analyze(FIXTURE);
    assert_eq!(
        (report["url"].as_str(), report["finalUrl"].as_str()),
        (Some(PATIENT_EDUCATION), Some(PATIENT_EDUCATION))
    );
    let context = &report["context"];
    assert_eq!(context["signals"], "url", "Blacklight keeps no bodies");
    assert_eq!(context["category"], "health", "{context}");
    assert!(strings(&context["evidence"]).contains(&"address contains 'cancer'"), "{context}");

    let meta = sensitive(&report, "Meta");
    assert_eq!(meta["advertiser"], true);
    assert_eq!(strings(&meta["events"]), ["PageView"]);
    assert!(strings(&meta["address"]).contains(&"dl parameter"), "{meta}");
    let google = sensitive(&report, "Google");
    assert_eq!(google["title"].as_str(), Some(ga_title.as_str()), "{google}");
    for company in ["Microsoft", "X"] {
        assert_eq!(sensitive(&report, company)["advertiser"], true, "{company}");
    }

    assert_eq!(status, Some(1), "--fail-on sensitive-to-advertisers fails the page");
    assert_eq!(report["violations"][0]["rule"], "sensitive-to-advertisers");
}

#[test]
fn a_second_navigation_recorded_in_the_same_page_is_judged_by_the_first_document() {
    // The whole Blacklight archive: the home page, then (from entry 305) the patient education
    // page, both under `page_1`. The Meta pixels told Meta about both pages…
    const FIXTURE: &str = "markup-blacklight-cityofhope.har";
    let views = meta_page_views(FIXTURE);
    assert!(views.iter().any(|dl| dl == "https://www.cityofhope.org/homepage"), "{views:?}");
    assert_eq!(views.iter().filter(|dl| *dl == PATIENT_EDUCATION).count(), 5, "{views:?}");

    // …but analyze makes one report of the page, named and judged by its first document (the
    // home page, whose address says nothing sensitive): the cancer page's visit goes unflagged.
    let (status, report) = analyze(FIXTURE);
    assert_eq!(
        (report["url"].as_str(), report["finalUrl"].as_str()),
        (Some("http://cityofhope.org/"), Some("https://www.cityofhope.org/homepage"))
    );
    assert_eq!(report["requests"], 406);
    assert_eq!(report["context"]["category"], Value::Null, "{}", report["context"]);
    assert_eq!(report["context"]["sensitive"], serde_json::json!([]));
    assert_eq!(status, Some(0));
}

#[test]
fn planned_parenthoods_home_page_is_health_from_its_site_name_and_fails_the_advertiser_rule() {
    // Six Meta PageViews (three pixels, on the home page and on "About us / Planned Parenthood
    // Global"), and Google Analytics was sent the title "Planned Parenthood | Official Site".
    const FIXTURE: &str = "markup-blacklight-plannedparenthood.har";
    let views = meta_page_views(FIXTURE);
    let home = views.iter().filter(|dl| *dl == "https://www.plannedparenthood.org/").count();
    assert_eq!((views.len(), home), (6, 3), "{views:?}");
    let titles: Vec<String> = request_urls(FIXTURE)
        .iter()
        .filter(|u| u.starts_with("https://www.google-analytics.com/"))
        .filter_map(|u| param(u, "dt"))
        .collect();
    assert!(titles.iter().any(|t| t == "Planned Parenthood | Official Site"), "{titles:?}");

    // The address is all there is: the lexicon's phrase "planned parenthood" is found written
    // without its space as the site's name, plannedparenthood.org.
    let (status, report) = analyze(FIXTURE);
    assert_eq!(
        (report["url"].as_str(), report["finalUrl"].as_str()),
        (Some("http://plannedparenthood.org/"), Some("https://www.plannedparenthood.org/"))
    );
    let context = &report["context"];
    assert_eq!(context["signals"], "url");
    assert_eq!(context["category"], "health", "{context}");
    assert_eq!(strings(&context["evidence"]), ["site name contains 'planned parenthood'"]);
    let meta = sensitive(&report, "Meta");
    assert_eq!((meta["advertiser"].as_bool(), strings(&meta["events"])), (Some(true), vec!["PageView"]));
    assert!(strings(&meta["address"]).contains(&"dl parameter"), "{meta}");
    assert!(titles.iter().any(|t| Some(t.as_str()) == sensitive(&report, "Google")["title"].as_str()));
    assert_eq!(status, Some(1), "--fail-on sensitive-to-advertisers fails the page");
    assert_eq!(report["violations"][0]["rule"], "sensitive-to-advertisers");
}
