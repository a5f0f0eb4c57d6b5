//! `tracklens analyze` on HAR files the tests write: the same classification, cookies, consent
//! and policies as the audit, offline; a file that is not HAR exits 2 saying where it is wrong.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};

fn tracklens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tracklens")).args(args).output().expect("the tracklens binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tracklens-har-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write(name: &str, content: &str) -> String {
    let path = temp(name);
    std::fs::write(&path, content).unwrap();
    path.to_string_lossy().into_owned()
}

/// The demo CMP's "Reject all" TCF string (tests/demo/site/cdn.cookielaw.org/scripttemplates/otSDKStub.js).
const REJECT: &str = "CQIpoVAQIpoVAAKABBENCWFgAAAAAAAAAAYgAAAAAAAA";

fn entry(url: &str, kind: &str, time: &str, request_cookies: Value, response_cookies: Value) -> Value {
    json!({
        "pageref": "page_1",
        "startedDateTime": time,
        "_resourceType": kind,
        "request": { "method": "GET", "url": url, "httpVersion": "HTTP/2", "headers": [], "cookies": request_cookies },
        "response": { "status": 200, "headers": [], "cookies": response_cookies },
    })
}

/// A news page: Google tag and a DoubleClick pixel (setting IDE for 390 days) before the visitor
/// rejects consent, then Meta's pixel after (its request carries the consent cookie).
fn news_har(page_url: &str) -> String {
    let har = json!({ "log": {
        "version": "1.2",
        "creator": { "name": "test", "version": "1" },
        "pages": [{ "id": "page_1", "title": "news", "startedDateTime": "2026-11-25T12:00:00.000Z" }],
        "entries": [
            entry(page_url, "document", "2026-11-25T12:00:00.000Z", json!([]), json!([])),
            entry("https://www.googletagmanager.com/gtag/js?id=G-1", "script", "2026-11-25T12:00:00.100Z", json!([]), json!([])),
            entry("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/", "image", "2026-11-25T12:00:00.200Z",
                json!([]),
                json!([{ "name": "IDE", "value": "AHWqTUabcdefghijklmnopqrstuvwx", "domain": ".doubleclick.net", "path": "/",
                         "expires": "2027-12-20T12:00:00.200Z" }])),
            entry("https://news.example/static/app.js", "script", "2026-11-25T12:00:01.000Z",
                json!([{ "name": "euconsent-v2", "value": REJECT }]), json!([])),
            entry("https://connect.facebook.net/en_US/fbevents.js", "script", "2026-11-25T12:00:01.100Z", json!([]), json!([])),
        ],
    }});
    har.to_string()
}

fn analyze(har: &str, json_name: &str, extra: &[&str]) -> (Output, Vec<Value>) {
    let json_path = temp(json_name);
    let json_arg = json_path.to_string_lossy().into_owned();
    let mut args = vec!["analyze", har, "--json", &json_arg];
    args.extend_from_slice(extra);
    let output = tracklens(&args);
    let lines = std::fs::read_to_string(&json_path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON report"))
        .collect();
    (output, lines)
}

#[test]
fn a_har_is_classified_with_cookies_consent_and_requests_before_consent() {
    let har = write("news.har", &news_har("https://news.example/?gclid=abc"));
    let (output, lines) = analyze(&har, "news.jsonl", &[]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(lines.len(), 1);
    let page = &lines[0];
    assert_eq!(page["schema"], "tracklens-audit/1");
    assert_eq!(page["source"], "har");
    assert_eq!(page["status"], "ok");
    assert_eq!(page["requests"], 5);
    let google = page["companies"].as_array().unwrap().iter().find(|c| c["name"] == "Google").expect("Google");
    assert_eq!(google["tracker"], true);
    assert!(google["categories"].as_array().unwrap().contains(&json!("advertising")));
    assert_eq!(google["cookiesSet"], json!(["IDE"]));
    let ide = page["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "IDE").expect("IDE cookie");
    assert_eq!(ide["purpose"], "advertising");
    assert_eq!(ide["lifetimeDays"], 390.0);
    assert!(page["consent"]["summary"].as_str().unwrap().contains("did not consent"), "{}", page["consent"]);
    assert_eq!(page["trackingParams"][0]["name"], "gclid");
    // Google's requests left before the consent cookie first appeared; Meta's after.
    let requests = page["trackingRequests"].as_array().unwrap();
    let before = |host: &str| requests.iter().find(|r| r["host"] == host).map(|r| r["beforeConsent"].clone());
    assert_eq!(before("googleads.g.doubleclick.net"), Some(json!(true)));
    assert_eq!(before("connect.facebook.net"), Some(json!(false)));
    // The string consents to nothing, yet Google loaded and kept its identifier: the core's rule,
    // as in the extension, from the recorded cookies. Meta stored nothing, so it is not listed.
    let ignored = page["ignoredRefusal"].as_array().unwrap();
    let google = ignored.iter().find(|r| r["company"] == "Google").expect("Google ignored the refusal");
    assert_eq!(google["cookies"], json!(["IDE"]));
    assert_eq!(google["refusals"], json!(["consent string without consent"]));
    assert!(ignored.iter().all(|r| r["company"] != "Meta"), "{ignored:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("TrackLens audit of https://news.example/?gclid=abc"));
}

#[test]
fn each_policy_fails_with_status_1_and_lists_the_violating_requests() {
    let har = write("policy.har", &news_har("https://news.example/"));
    let (output, lines) = analyze(
        &har,
        "policy.jsonl",
        &["--fail-on", "advertising", "--max-third-parties", "2", "--no-tracking-before-consent"],
    );
    assert_eq!(output.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let violations = lines[0]["violations"].as_array().unwrap();
    let rule = |name: &str| {
        violations.iter().find(|v| v["rule"] == name).unwrap_or_else(|| panic!("{name} in {violations:?}"))
    };
    let early = rule("no-tracking-before-consent")["evidence"].as_array().unwrap();
    assert!(early.contains(&json!("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/")));
    assert!(!early.contains(&json!("https://connect.facebook.net/en_US/fbevents.js")), "Meta came after consent");
    assert!(rule("fail-on")["message"].as_str().unwrap().contains("Google"));
    assert_eq!(rule("max-third-parties")["evidence"].as_array().unwrap().len(), 3);
    assert!(String::from_utf8_lossy(&output.stdout).contains("POLICY VIOLATED (fail-on)"));

    // Each rule alone decides; a page that keeps it passes with 0.
    for (passing, failing) in [
        (vec!["--fail-on", "fingerprinting"], vec!["--fail-on", "tag_manager"]),
        (vec!["--max-third-parties", "3"], vec!["--max-third-parties", "1"]),
    ] {
        let (pass, _) = analyze(&har, "each.jsonl", &passing);
        assert_eq!(pass.status.code(), Some(0), "{passing:?}");
        let (fail, _) = analyze(&har, "each.jsonl", &failing);
        assert_eq!(fail.status.code(), Some(1), "{failing:?}");
    }
}

#[test]
fn a_policy_file_is_json_and_its_mistakes_are_named() {
    let har = write("file.har", &news_har("https://news.example/"));
    let policy = write("policy.json", r#"{"failOn": ["advertising"], "maxThirdParties": 10}"#);
    let (output, lines) = analyze(&har, "file.jsonl", &["--policy", &policy]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(lines[0]["violations"][0]["message"], "advertising: Google, Meta");

    let wrong = write("wrong.json", r#"{"failOn": ["advertising", "spying"]}"#);
    let output = tracklens(&["analyze", &har, "--policy", &wrong]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("failOn[1]") && stderr.contains("spying"), "{stderr}");
}

#[test]
fn a_file_that_is_not_har_exits_2_saying_what_and_where() {
    let cases = [
        ("{\"log\": {\"entries\": 5}}", vec!["log.entries", "expected a list"]),
        ("{\"log\": {\"entries\": [{\"request\": {}}]}}", vec!["log.entries[0].request.url", "missing"]),
        ("{}", vec!["log.entries: missing"]),
        ("<html>", vec!["line 1 column 1"]),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let har = write(&format!("broken-{i}.har"), text);
        let output = tracklens(&["analyze", &har]);
        assert_eq!(output.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("is not a valid HAR file"), "{stderr}");
        for part in expected {
            assert!(stderr.contains(part), "case {i}: {part:?} in {stderr}");
        }
    }
    let output = tracklens(&["analyze", "/nonexistent/file.har"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn one_unreadable_entry_costs_only_itself_and_is_named() {
    let mut broken: Value = serde_json::from_str(&news_har("https://news.example/")).unwrap();
    broken["log"]["entries"][3]["request"].as_object_mut().unwrap().remove("url");
    broken["log"]["entries"][2]["response"]["cookies"][0]["expires"] = json!(1_797_768_000);
    broken["log"]["entries"][1]["request"]["headers"] = json!("not a list");
    let har = write("one-bad-entry.har", &broken.to_string());
    let (output, lines) = analyze(&har, "one-bad-entry.jsonl", &[]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("4 entries read, 1 skipped; 2 fields skipped"), "{stderr}");
    assert!(stderr.contains("log.entries[3].request.url: missing: entry skipped"), "{stderr}");
    assert!(stderr.contains("log.entries[1].request.headers: expected a list, found a string"), "{stderr}");
    assert_eq!(lines[0]["requests"], 4);
    // The integer expiry (Chrome-based recorders write Unix seconds) is read, not refused:
    // 2026-12-20T12:00:00Z from the pixel's start at 2026-11-25T12:00:00.200Z.
    let ide = lines[0]["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "IDE").unwrap();
    assert_eq!(ide["lifetimeDays"], 25.0);
}

#[test]
fn html_and_junit_reports_escape_page_text() {
    let hostile = "https://news.example/?q=%3C/x%3E&t=<script>alert(1)</script>\"'";
    let har = write("hostile.har", &news_har(hostile));
    let html = temp("report.html");
    let junit = temp("report.xml");
    let output = tracklens(&[
        "analyze",
        &har,
        "--fail-on",
        "advertising",
        "--html",
        html.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script"), "no markup from the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"));
    assert!(html.contains("<svg"), "inline charts");
    assert!(!html.contains("src=") && !html.contains("href="), "self-contained: no external resources");
    assert!(html.contains("Google") && html.contains("advertising"));
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(junit.contains("tests=\"1\" failures=\"1\" errors=\"0\""), "{junit}");
    assert!(junit.contains("<failure type=\"fail-on\""));
    assert!(!junit.contains("<script"));
}

/// A page whose DoubleClick pixel a blocker stopped (Chromium's `_error`) and whose Google Analytics
/// hit left with a client ID and the page address.
fn blocked_har() -> String {
    let mut pixel = entry(
        "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/",
        "image",
        "2026-11-25T12:00:00.200Z",
        json!([]),
        json!([]),
    );
    pixel["response"] = json!({ "status": 0, "headers": [], "cookies": [], "_error": "net::ERR_BLOCKED_BY_CLIENT" });
    let hit = "https://www.google-analytics.com/g/collect?v=2&tid=G-1&cid=1234567890.1700000000&dl=https%3A%2F%2Fnews.example%2F";
    json!({ "log": { "version": "1.2", "creator": { "name": "test", "version": "1" },
        "pages": [{ "id": "page_1", "title": "news", "startedDateTime": "2026-11-25T12:00:00.000Z" }],
        "entries": [
            entry("https://news.example/", "document", "2026-11-25T12:00:00.000Z", json!([]), json!([])),
            pixel,
            entry(hit, "ping", "2026-11-25T12:00:00.300Z", json!([]), json!([])),
        ],
    }})
    .to_string()
}

#[test]
fn blocked_requests_are_marked_and_no_evidence_and_what_trackers_carried_is_named() {
    let har = write("blocked.har", &blocked_har());
    let (output, lines) = analyze(&har, "blocked.jsonl", &["--fail-on", "advertising", "--no-tracking-before-consent"]);
    let page = &lines[0];
    let requests = page["trackingRequests"].as_array().unwrap();
    let blocked = |host: &str| requests.iter().find(|r| r["host"] == host).map(|r| r["blocked"].clone());
    assert_eq!(blocked("googleads.g.doubleclick.net"), Some(json!(true)));
    assert_eq!(blocked("www.google-analytics.com"), Some(json!(false)));
    // The blocked pixel never left: no advertising, and only the analytics hit before consent.
    let rules: Vec<&str> = page["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["no-tracking-before-consent"], "{}", page["violations"]);
    assert_eq!(page["violations"][0]["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(output.status.code(), Some(1));
    let google = page["companies"].as_array().unwrap().iter().find(|c| c["name"] == "Google").unwrap();
    let sent = google["sent"].as_array().unwrap();
    assert!(
        sent.iter().any(|p| p["name"] == "cid" && p["kind"] == "identifier" && p["documented"] == true),
        "{sent:?}"
    );
    assert!(sent.iter().any(|p| p["name"] == "dl" && p["kind"] == "page"), "{sent:?}");
    // What only a browser with the extension can see is empty or null, never made up.
    assert_eq!(page["protection"], Value::Null);
    assert_eq!(page["fingerprinting"], json!([]));
    assert_eq!(page["leaks"], json!([]));
    assert_eq!(page["declined"], Value::Null);
    assert_eq!(page["ignoredRefusal"], json!([]));
}

/// docs/audit-report.schema.json names every field a report has, and every purpose the core knows.
#[test]
fn the_json_schema_documents_every_field_of_a_report() {
    let schema: Value = serde_json::from_str(include_str!("../../docs/audit-report.schema.json")).unwrap();
    let har = write("schema.har", &blocked_har());
    let (output, lines) = analyze(&har, "schema.jsonl", &[]);
    assert_eq!(output.status.code(), Some(0));
    let page = lines[0].as_object().unwrap();
    let mut fields: Vec<&String> = page.keys().collect();
    fields.sort();
    let mut documented: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    documented.sort();
    assert_eq!(fields, documented);
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(required.iter().all(|field| page.contains_key(*field)));
    assert_eq!(schema["properties"]["schema"]["const"], page["schema"]);
    let company = page["companies"][0].as_object().unwrap();
    for field in company.keys() {
        assert!(schema["$defs"]["company"]["properties"].get(field).is_some(), "company.{field}");
    }
    let sent = company["sent"][0].as_object().expect("the analytics hit's parameters");
    let sent_schema = &schema["$defs"]["company"]["properties"]["sent"]["items"]["properties"];
    for field in sent.keys() {
        assert!(sent_schema.get(field).is_some(), "company.sent.{field}");
    }
    let kinds = sent_schema["kind"]["enum"].as_array().unwrap();
    assert!(company["sent"].as_array().unwrap().iter().all(|p| kinds.contains(&p["kind"])));
    let request = page["trackingRequests"][0].as_object().unwrap();
    let request_schema = &schema["properties"]["trackingRequests"]["items"];
    for field in request.keys() {
        assert!(request_schema["properties"].get(field).is_some(), "trackingRequests.{field}");
    }
    for field in request_schema["required"].as_array().unwrap() {
        assert!(request.contains_key(field.as_str().unwrap()), "trackingRequests.{field}");
    }
    let purposes = schema["$defs"]["purpose"]["enum"].as_array().unwrap();
    for category in tracklens::Category::ALL {
        assert!(purposes.contains(&json!(category.as_str())), "{}", category.as_str());
    }
}
