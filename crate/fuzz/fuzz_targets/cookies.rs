//! Cookie headers and cookie values come from any server and any page script: reading the names
//! and classifying the cookie must answer for every input, never panic, and name only what the
//! input holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;
use tracklens::cookie_purpose::{classify_cookie, classify_storage, looks_like_identifier, Cookie, StorageArea};
use tracklens::cookies::{cookie_names, set_cookie_name};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let [header, name, value, domain, page] = std::array::from_fn(|_| parts.next().unwrap_or(""));
    for found in cookie_names(header) {
        assert!(header.contains(found) && !found.is_empty());
    }
    if let Some(found) = set_cookie_name(header) {
        assert!(header.contains(found));
    }
    let expires_in = data.first().map(|&b| i64::from(b as i8) * 86_400 * 30);
    let cookie = Cookie {
        name: Cow::Borrowed(name),
        value: Cow::Borrowed(value),
        domain: Cow::Borrowed(domain),
        expires_in,
        ..Cookie::default()
    };
    let _ = classify_cookie(&cookie, page);
    let _ = classify_storage(StorageArea::Local, name, value, page);
    let _ = looks_like_identifier(value);
});
