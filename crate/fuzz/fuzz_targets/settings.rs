//! Settings come from storage and from files users import: reading any JSON must keep every value
//! it understands, drop the rest with a problem, never panic, and compile into rules that Chrome
//! can take (unique ids from 1); reading what it wrote back must give the same settings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::protection::{compile_settings, read_settings};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let read = read_settings(&value);
    let rules = compile_settings(&read.settings).rules;
    assert!(rules.iter().enumerate().all(|(index, rule)| rule.id as usize == index + 1));
    let written = serde_json::to_value(&read.settings).expect("settings serialise");
    let again = read_settings(&written);
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert_eq!(again.settings, read.settings);
});
