//! Everything a page controls reaches these: request URLs and bodies (typed-text leaks, named
//! parameters) and the probe's script and property names (fingerprinting). Each must answer for
//! every input, never panic, and say nothing about values it was not given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::{collected, fingerprint, leaks};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (url, rest) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(at, _)| at));
    for param in collected::sent_params(url) {
        assert!(url.contains(param.name.as_str()));
    }
    let typed = [leaks::TypedValue { field: "f".into(), value: rest.to_owned() }];
    for leak in leaks::find_leaks(&typed, url, data) {
        assert_eq!(leak.field, "f");
    }
    let names: Vec<String> = rest.split(',').map(str::to_owned).collect();
    let usage = fingerprint::ApiUse {
        canvas_readback: data.len() as u32,
        fonts: data.first().copied().unwrap_or(0).into(),
        navigator: names.clone(),
        screen: names,
        ..fingerprint::ApiUse::default()
    };
    assert!(fingerprint::score(&usage).score <= 100);
});
