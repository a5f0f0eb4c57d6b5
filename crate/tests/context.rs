//! `tracklens analyze` on HAR files of the demo's sensitive pharmacy page and its control page:
//! the page's context comes from the document body the HAR kept (or from the address alone),
//! and `--fail-on sensitive-to-advertisers` fails only the sensitive page.

use serde_json::{json, Value};
use std::process::Command;

const PHARMACY: &str = "https://shop.example/pharmacy/oraquick-hiv-self-test.html";
const CONTROL: &str = "https://shop.example/products/ice-scraper.html";

/// A HAR as Chromium writes it: the document (with its body when `with_body`) and the Meta
/// pixel's requests that tests/demo/site/connect.facebook.net/en_US/fbevents.js makes there.
fn har(page: &str, html: &str, content_name: &str, with_body: bool) -> Value {
    let dl = page.replace(':', "%3A").replace('/', "%2F");
    let pixel = format!(
        "https://www.facebook.com/tr/?id=1234567890&ev=ViewContent&dl={dl}&cd[content_name]={}&fbp=fb.1.1700000000000.1234567890",
        content_name.replace(' ', "%20")
    );
    let content =
        if with_body { json!({ "mimeType": "text/html", "text": html }) } else { json!({ "mimeType": "text/html" }) };
    let entry = |url: &str, kind: &str, cookies: Value, content: Value| {
        json!({
            "startedDateTime": "2026-03-01T10:00:00.000Z", "_resourceType": kind,
            "request": { "url": url, "headers": [{ "name": "Referer", "value": page }], "cookies": cookies },
            "response": { "headers": [], "cookies": [], "content": content }
        })
    };
    json!({ "log": { "entries": [
        entry(page, "document", json!([]), content),
        entry("https://connect.facebook.net/en_US/fbevents.js", "script", json!([]), json!({})),
        entry(&pixel, "image", json!([{ "name": "_fbp", "value": "fb.1.1700000000000.1234567890" }, { "name": "fr", "value": "0xyz" }]), json!({})),
    ] } })
}

fn analyze(name: &str, har: &Value, extra: &[&str]) -> (Option<i32>, Value) {
    let dir = std::env::temp_dir().join(format!("tracklens-context-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, har.to_string()).unwrap();
    let json_path = dir.join(format!("{name}.jsonl"));
    let output = Command::new(env!("CARGO_BIN_EXE_tracklens"))
        .args(["analyze", "--json", json_path.to_str().unwrap()])
        .args(extra)
        .arg(&path)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&json_path)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code(), serde_json::from_str(text.lines().next().unwrap()).unwrap())
}

#[test]
fn analyze_flags_the_pharmacy_page_from_its_html_and_names_what_meta_received() {
    let html = include_str!("../../tests/demo/site/shop.example/pharmacy/oraquick-hiv-self-test.html");
    let (status, report) = analyze(
        "pharmacy.har",
        &har(PHARMACY, html, "OraQuick HIV Self-Test", true),
        &["--fail-on", "sensitive-to-advertisers"],
    );
    assert_eq!(status, Some(1), "{report}");
    let context = &report["context"];
    assert_eq!(context["signals"], "html");
    assert_eq!(context["category"], "health");
    assert!(context["evidence"].to_string().contains("schema.org Drug"), "{context}");
    let meta = &context["sensitive"][0];
    assert_eq!(meta["company"], "Meta", "{context}");
    assert_eq!(meta["content"], json!(["OraQuick HIV Self-Test"]));
    assert_eq!(meta["events"], json!(["ViewContent"]));
    assert_eq!(meta["cookies"], json!(["_fbp", "fr"]));
    assert!(
        meta["summary"].as_str().unwrap().starts_with("Meta received that you viewed 'OraQuick HIV Self-Test'"),
        "{meta}"
    );
    assert_eq!(report["violations"][0]["rule"], "sensitive-to-advertisers");
}

#[test]
fn without_the_body_the_address_still_decides_and_the_control_page_passes() {
    let (status, report) = analyze("pharmacy-url.har", &har(PHARMACY, "", "OraQuick HIV Self-Test", false), &[]);
    assert_eq!(status, Some(0));
    assert_eq!(report["context"]["signals"], "url");
    assert_eq!(report["context"]["category"], "health", "{}", report["context"]);

    let html = include_str!("../../tests/demo/site/shop.example/products/ice-scraper.html");
    let (status, report) = analyze(
        "control.har",
        &har(CONTROL, html, "Ice scraper with brush", true),
        &["--fail-on", "sensitive-to-advertisers"],
    );
    assert_eq!(status, Some(0), "{report}");
    assert_eq!(report["context"]["category"], Value::Null, "{}", report["context"]);
    assert_eq!(report["context"]["sensitive"], json!([]));
    assert_eq!(report["violations"], json!([]));
}
