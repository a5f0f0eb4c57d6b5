//! Consent strings come from cookies and scripts of any page: decoding must return a value or an
//! error for every input, never panic, and stay within bounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::consent;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for result in
        [consent::decode_tc_string(text).map(|tc| tc.summary()), consent::decode_gpp(text).map(|g| g.summary())]
    {
        match result {
            Ok(summary) => assert!(!summary.is_empty()),
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    if let Ok(usp) = consent::decode_us_privacy(text) {
        assert_eq!(usp.version, 1);
    }
    if let Ok(signal) = consent::decode_consent(text) {
        let _ = signal.summary();
    }
});
