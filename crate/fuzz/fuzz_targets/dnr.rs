//! Filter lists compiled into declarativeNetRequest rules: any list must compile into at most the
//! limit's rules, with ids 1..=n, every filter accounted for (converted, skipped with a reason, or
//! dropped for the limit), and rules that serialise; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::{dnr, DnrOptions};

fuzz_target!(|text: &str| {
    let (filters, _) = tracklens::filters::parse_list("fuzz", text, 0);
    let limit = 1 + text.len() % 64;
    let output = dnr::compile(&filters, &DnrOptions::with_limit(limit));
    assert!(output.rules.len() <= limit);
    assert!(output.rules.iter().enumerate().all(|(index, rule)| rule.id as usize == index + 1));
    let report = &output.report;
    assert_eq!(report.filters_in, filters.len());
    assert!(report.converted + report.filters_dropped_for_limit <= report.filters_in);
    serde_json::to_string(&output.rules).expect("rules serialise");
});
