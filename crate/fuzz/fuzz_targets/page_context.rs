//! A page's own HTML and address, as a hostile page would write them, through the page-context
//! reader and classifier (`PageSignals::from_html`, `bound`, `classify_page`): every input gets
//! an answer within the bounds, and evidence only names terms of the lexicon.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::context::{classify_page, lexicon_terms, Field, PageSignals, MAX_TEXT};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut signals = PageSignals::from_html("https://clinic.example/page", &text);
    signals.bound();
    assert!(signals.text.len() <= MAX_TEXT);
    assert!(!signals.title.chars().any(char::is_control));
    let context = classify_page(&signals);
    for finding in &context.sensitive {
        for evidence in &finding.evidence {
            let known = evidence.field == Field::Schema || lexicon_terms().any(|t| t == evidence.term);
            assert!(known, "evidence {:?} is not a lexicon term", evidence.term);
        }
    }
    // The address alone, as a HAR without the document gives it.
    let _ = classify_page(&PageSignals::from_url(&text));
});
