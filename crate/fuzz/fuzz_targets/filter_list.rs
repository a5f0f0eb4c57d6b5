//! Filter lists are downloaded text written by many hands: parsing any UTF-8 must report what it
//! skipped rather than panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (filters, report) = tracklens::filters::parse_list("fuzz", text, 0);
    assert_eq!(report.lines, text.lines().count());
    let _ = filters;
});
