//! The golden corpus (tests/golden/*.json): event sequences and the page reports the core must
//! build from them. The same files are checked through the wasm build by
//! tests/unit/golden-reports.test.mjs. `TRACKLENS_BLESS=1` rewrites the expected reports.

use serde_json::Value;
use std::path::PathBuf;
use tracklens::report::{apply_all, read_stored, Event, PageReport};

fn corpus() -> Vec<(PathBuf, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/golden");
    let mut cases: Vec<(PathBuf, Value)> = std::fs::read_dir(&dir)
        .expect("tests/golden")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable case");
            let case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, case)
        })
        .collect();
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(cases.len() >= 4, "the corpus is missing from {}", dir.display());
    cases
}

/// The report a case's events build, from its stored report when it has one.
fn build(case: &Value) -> PageReport {
    let events: Vec<Event> = serde_json::from_value(case["events"].clone()).expect("events of the core's shape");
    let mut report = match case.get("stored") {
        Some(stored) => read_stored(stored).expect("a readable stored report"),
        None => PageReport::default(),
    };
    apply_all(&mut report, &events);
    report
}

#[test]
fn every_golden_case_builds_its_expected_report() {
    let bless = std::env::var_os("TRACKLENS_BLESS").is_some();
    for (path, mut case) in corpus() {
        let built = serde_json::to_value(build(&case)).expect("serialisable");
        if bless {
            case["expected"] = built;
            std::fs::write(&path, serde_json::to_string_pretty(&case).unwrap() + "\n").expect("writable");
            continue;
        }
        assert_eq!(built, case["expected"], "{}", path.display());
    }
}

#[test]
fn the_expected_reports_read_back_as_they_are() {
    for (path, case) in corpus() {
        let read = read_stored(&case["expected"]).unwrap_or_else(|| panic!("{} does not read back", path.display()));
        assert_eq!(serde_json::to_value(read).unwrap(), case["expected"], "{}", path.display());
    }
}
