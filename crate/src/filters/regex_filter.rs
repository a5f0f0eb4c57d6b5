//! `/regex/` filters. Lists come from the network, so every expression is compiled with a size
//! limit; the `regex` crate guarantees linear-time matching, so no expression can hang a request.

use regex::bytes::{Regex, RegexBuilder};

/// Compiled-program budget per expression: generous for real filters (EasyList's largest use a
/// few kilobytes), small enough that a hostile list cannot exhaust memory.
const SIZE_LIMIT: usize = 256 * 1024;

pub fn compile(source: &str, match_case: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        // ASCII-only classes keep the wasm module free of Unicode tables; URLs are ASCII. Byte
        // regexes are required then, because `.` may match any byte.
        .unicode(false)
        .case_insensitive(!match_case)
        .size_limit(SIZE_LIMIT)
        .build()
}
