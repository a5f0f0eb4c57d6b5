//! HAR files come from any recorder and any page: reading one must hand over entries or return an
//! error for every input, never panic, and everything derived from an entry (pages, cookies from
//! headers, redirects) must hold up too.
//!
//!     cargo +nightly fuzz run har ../tests/fixtures/har   # the real archives as seeds
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::har::{self, pages};

fuzz_target!(|data: &[u8]| {
    let mut grouper = pages::Grouper::default();
    let Ok(archive) = har::read(data, |entry| {
        for cookie in entry.cookies_set() {
            let _ = cookie.expires_in(entry.response_time());
        }
        assert!(entry.cookies_sent().iter().all(|c| !c.name.is_empty()));
        let _ = entry.redirect_target();
        grouper.add(entry);
    }) else {
        return;
    };
    assert!(archive.entries > 0, "only a file with entries is read");
    assert!(archive.warnings.listed.len() <= har::MAX_LISTED_WARNINGS);
    for page in grouper.finish(&archive.pages) {
        assert!(pages::page_address(&page.entries, page.title.as_deref()).is_some());
    }
});
