//! Consent strings from other decoders' own test suites (tests/conformance/*.json: strings and
//! the values those suites assert, with origin and licence in tests/conformance/README.md),
//! decoded here and compared value by value. Prints the share decoded identically per suite; a
//! case that differs fails the test unless tests/conformance/differences.json gives the reason
//! we differ (our words, kept apart from the peers' data so the extract scripts can rewrite it).

use serde_json::Value;
use std::path::PathBuf;
use tracklens::consent;

fn decode(decoder: &str, text: &str) -> Result<Value, String> {
    let json = |v: Result<Value, serde_json::Error>| v.map_err(|e| e.to_string());
    match decoder {
        "tcf2" => {
            consent::decode_tc_string(text).map_err(|e| e.to_string()).and_then(|v| json(serde_json::to_value(v)))
        }
        "tcf1" => {
            consent::decode_tc_string_v1(text).map_err(|e| e.to_string()).and_then(|v| json(serde_json::to_value(v)))
        }
        "gpp" => consent::decode_gpp(text).map_err(|e| e.to_string()).and_then(|v| json(serde_json::to_value(v))),
        "usp" => {
            consent::decode_us_privacy(text).map_err(|e| e.to_string()).and_then(|v| json(serde_json::to_value(v)))
        }
        _ => consent::decode_consent(text).map_err(|e| e.to_string()).and_then(|v| json(serde_json::to_value(v))),
    }
}

/// `3-5,9` contains 4.
fn ranges_contain(ranges: &str, id: u64) -> bool {
    ranges.split(',').filter(|r| !r.is_empty()).any(|range| {
        let (start, end) = range.split_once('-').unwrap_or((range, range));
        start.parse::<u64>().is_ok_and(|s| s <= id) && end.parse::<u64>().is_ok_and(|e| id <= e)
    })
}

fn has(set: Option<&Value>, id: u64) -> bool {
    match set {
        Some(Value::Array(items)) => items.iter().any(|v| v.as_u64() == Some(id)),
        Some(Value::Object(o)) => o.get("ranges").and_then(Value::as_str).is_some_and(|r| ranges_contain(r, id)),
        _ => false,
    }
}

const RESTRICTION_NAMES: [&str; 4] = ["not_allowed", "require_consent", "require_legitimate_interest", "undefined"];

/// What differs between our decode and the case's checks; empty when identical.
fn differences(case: &Value) -> Vec<String> {
    let text = case["string"].as_str().unwrap_or_default();
    let decoded = decode(case["decoder"].as_str().unwrap_or("any"), text);
    let mut out = Vec::new();
    match (&decoded, case.get("error").and_then(Value::as_bool)) {
        (Ok(_), Some(true)) => out.push("decoded, the suite expects an error".to_owned()),
        (Err(e), Some(false) | None) => out.push(format!("error {e:?}, the suite decodes it")),
        _ => {}
    }
    let Ok(decoded) = decoded else { return out };
    for check in case["checks"].as_array().into_iter().flatten() {
        let expected = &check["is"];
        // A GPP check on one section: the pointer is read inside the section with that id.
        let scope = match check["in_section"].as_u64() {
            Some(id) => decoded["sections"].as_array().into_iter().flatten().find(|s| s["id"].as_u64() == Some(id)),
            None => Some(&decoded),
        };
        let ok = if let Some(at) = check["at"].as_str() {
            scope.and_then(|s| s.pointer(at)) == Some(expected)
        } else if let Some(at) = check["has"].as_str() {
            Some(has(decoded.pointer(at), check["id"].as_u64().unwrap_or(0))) == expected.as_bool()
        } else if let Some([purpose, kind, vendor]) = check["restriction"].as_array().map(Vec::as_slice) {
            let found = decoded["publisher_restrictions"].as_array().into_iter().flatten().any(|r| {
                r["purpose"].as_u64() == purpose.as_u64()
                    && r["restriction"].as_str()
                        == kind.as_u64().and_then(|k| RESTRICTION_NAMES.get(k as usize).copied())
                    && has(r.get("vendors"), vendor.as_u64().unwrap_or(0))
            });
            Some(found) == expected.as_bool()
        } else {
            false
        };
        if !ok {
            out.push(format!("{check}: we have {:?}", check["at"].as_str().and_then(|at| scope?.pointer(at))));
        }
    }
    out
}

const DIFFERENCES: &str = "differences.json";

#[test]
fn peer_test_vectors_decode_as_the_peers_assert() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance");
    let reasons: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(DIFFERENCES)).unwrap()).expect("valid JSON");
    let reasons = reasons["differences"].as_object().expect("differences");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with(DIFFERENCES))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut unexplained = Vec::new();
    let mut listed: Vec<&String> = reasons.keys().collect();
    for file in files {
        let suite: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).expect("valid JSON");
        let cases = suite["cases"].as_array().expect("cases");
        let name = file.file_name().unwrap().to_string_lossy();
        let mut identical = 0;
        for case in cases {
            let key = format!("{name} {}", case["source"].as_str().unwrap_or_default());
            listed.retain(|k| **k != key);
            let diff = differences(case);
            if diff.is_empty() {
                identical += 1;
                assert!(!reasons.contains_key(&key), "{key}: listed as differing but decodes identically");
            } else if !reasons.contains_key(&key) {
                unexplained.push(format!("{} ({}): {}", case["source"], case["string"], diff.join("; ")));
            }
        }
        println!(
            "{}: {identical} of {} cases decoded identically ({:.1}%)",
            suite["suite"].as_str().unwrap_or("?"),
            cases.len(),
            100.0 * identical as f64 / cases.len().max(1) as f64
        );
    }
    assert!(unexplained.is_empty(), "differences without a listed reason:\n{}", unexplained.join("\n"));
    assert!(listed.is_empty(), "reasons for cases no suite has: {listed:?}");
}
