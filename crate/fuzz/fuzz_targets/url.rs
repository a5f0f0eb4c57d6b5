//! Every request and page URL passes through this parser first: it must accept or refuse any
//! string without panicking, and what it accepts must be canonical (lower case, no port, no
//! trailing dot) and parse back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::party::{party_of, site_of};
use tracklens::url::NetworkUrl;

fuzz_target!(|text: &str| {
    let (left, right) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(at, _)| at));
    let (Ok(request), page) = (NetworkUrl::parse(text), NetworkUrl::parse(right)) else { return };
    assert!(!request.host.is_empty());
    assert!(!request.host.ends_with('.'), "{:?}", request.host);
    assert!(!request.host.bytes().any(|b| b.is_ascii_uppercase()), "{:?}", request.host);
    let again = NetworkUrl::parse(&format!("{}://{}/", request.scheme, request.host)).expect("canonical form parses");
    assert_eq!(again, request);
    assert!(request.host.ends_with(site_of(&request)));
    if let Ok(page) = page {
        let _ = party_of(&request, &page);
    }
    let _ = NetworkUrl::parse(left);
});
