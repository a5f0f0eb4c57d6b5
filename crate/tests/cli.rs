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
