//! The `tracklens` binary as a person runs it: `cookie` and `consent` print JSON, and a malformed
//! consent string exits with status 2 and says why.

use std::process::{Command, Output};

fn tracklens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tracklens")).args(args).output().expect("the tracklens binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// The demo CMP's "Accept all" string (tests/demo/site/cdn.cookielaw.org/scripttemplates/otSDKStub.js).
fn demo_accept_string() -> String {
    let stub = include_str!("../../tests/demo/site/cdn.cookielaw.org/scripttemplates/otSDKStub.js");
    let line = stub.lines().find(|line| line.trim_start().starts_with("accept: '")).expect("accept string in the stub");
    line.split('\'').nth(1).expect("quoted string").to_owned()
}

#[test]
fn cookie_ga_is_analytics() {
    let verdict = json(&tracklens(&["cookie", "_ga", "--page", "https://news.example/", "--expires-in-days", "400"]));
    assert_eq!(verdict["name"], "_ga");
    assert_eq!(verdict["purpose"], "analytics");
    assert_eq!(verdict["vendor"], "Google Analytics");
    assert!(verdict["reason"].as_str().is_some_and(|reason| !reason.is_empty()));
}

#[test]
fn cookie_on_another_site_is_third_party() {
    let verdict =
        json(&tracklens(&["cookie", "IDE", "--domain", ".doubleclick.net", "--page", "https://news.example/"]));
    assert_eq!(verdict["purpose"], "advertising");
    assert_eq!(verdict["third_party"], true);
}

#[test]
fn consent_decodes_the_demo_accept_all_string() {
    let decoded = json(&tracklens(&["consent", &demo_accept_string()]));
    assert_eq!(decoded["format"], "tcf");
    assert_eq!(decoded["cmp_id"], 10);
    assert!(decoded["summary"].as_str().is_some_and(|summary| summary.contains("3 vendors")), "{decoded}");
}

#[test]
fn malformed_consent_string_exits_2() {
    let output = tracklens(&["consent", "C!!not-a-consent-string"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("malformed consent string"));
}

#[test]
fn cookie_without_a_name_is_a_usage_error() {
    assert_eq!(tracklens(&["cookie"]).status.code(), Some(2));
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tracklens-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A HAR file with one page at `page_url` that loads Google's tag.
fn one_page_har(name: &str, page_url: &str) -> String {
    let entry = |url: &str, kind: &str| {
        serde_json::json!({ "pageref": "p", "startedDateTime": "2026-11-25T12:00:00.000Z", "_resourceType": kind,
            "request": { "method": "GET", "url": url, "headers": [], "cookies": [] },
            "response": { "status": 200, "headers": [], "cookies": [] } })
    };
    let har = serde_json::json!({ "log": { "version": "1.2", "creator": { "name": "test", "version": "1" },
        "pages": [{ "id": "p", "title": "t", "startedDateTime": "2026-11-25T12:00:00.000Z" }],
        "entries": [entry(page_url, "document"), entry("https://www.googletagmanager.com/gtag/js?id=G-1", "script")] } });
    let path = temp(name);
    std::fs::write(&path, har.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn resume_drops_only_a_torn_last_line_and_keeps_every_finished_page() {
    let har = one_page_har("resume.har", "https://news.example/");
    let jsonl = temp("resume.jsonl");
    let jsonl_arg = jsonl.to_str().unwrap();
    assert!(tracklens(&["analyze", &har, "--json", jsonl_arg]).status.success());
    let template: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&jsonl).unwrap().trim()).unwrap();
    // 2,000 finished pages, then a line cut inside the two bytes of "é" by a crash mid-write.
    let mut file = Vec::new();
    for i in 0..2000 {
        let mut page = template.clone();
        page["url"] = format!("https://site{i}.example/").into();
        file.extend_from_slice(format!("{page}\n").as_bytes());
    }
    let mut torn = template.clone();
    torn["url"] = "https://café.example/".into();
    let torn = torn.to_string();
    file.extend_from_slice(&torn.as_bytes()[..torn.find('é').unwrap() + 1]);
    std::fs::write(&jsonl, &file).unwrap();

    let output = tracklens(&["analyze", &har, "--json", jsonl_arg, "--resume"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("last line was cut off mid-write") && stderr.contains("kept 2000 finished pages"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&jsonl).expect("the file is whole UTF-8 again");
    let urls: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["url"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(urls.len(), 2001, "every finished page, and this run's");
    assert!(urls[..2000].iter().enumerate().all(|(i, url)| *url == format!("https://site{i}.example/")));
}

#[test]
fn resume_refuses_a_damaged_middle_line_and_leaves_the_file_alone() {
    let har = one_page_har("damaged.har", "https://news.example/");
    let jsonl = temp("damaged.jsonl");
    std::fs::write(&jsonl, "{\"url\": \"https://a.example/\"\nnot json\n").unwrap();
    let before = std::fs::read(&jsonl).unwrap();
    let output = tracklens(&["analyze", &har, "--json", jsonl.to_str().unwrap(), "--resume"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 1 is not a TrackLens page report"));
    assert_eq!(std::fs::read(&jsonl).unwrap(), before);
}

#[test]
fn terminal_and_junit_output_are_safe_from_page_controlled_characters() {
    // ESC ] 0 ; ... BEL sets the terminal's title; ESC [ 2 J clears it; U+FFFE is not XML.
    let har = one_page_har("control.har", "https://news.example/\u{1b}]0;owned\u{7}\u{1b}[2J\u{fffe}");
    let junit = temp("control.xml");
    let output = tracklens(&["analyze", &har, "--junit", junit.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!output.stdout.iter().any(|&b| b == 0x1b || b == 0x07), "no raw control bytes on the terminal");
    assert!(String::from_utf8_lossy(&output.stdout).contains("\\u{1b}]0;owned\\u{7}"));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(!xml.contains('\u{fffe}') && !xml.contains('\u{1b}') && !xml.contains('\u{7}'), "{xml}");
    assert!(xml.contains("<testcase"));
}

#[test]
fn a_list_with_a_binary_line_loses_only_that_line() {
    let list = temp("binary.txt");
    let mut bytes = b"||tracker.example^\n".to_vec();
    bytes.extend_from_slice(b"\xff\xfe\x00\x01garbage\x80\n||other.example^\n");
    std::fs::write(&list, bytes).unwrap();
    let arg = format!("Test={}", list.display());
    let out = temp("binary.snapshot");
    let output = tracklens(&["snapshot", "--list", &arg, "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(said.contains("binary data"), "{said}");
    let verdict = json(&tracklens(&["classify", "https://other.example/x.js", "--list", &arg]));
    assert_eq!(verdict["action"], "block", "the filter after the binary line still works");
}
