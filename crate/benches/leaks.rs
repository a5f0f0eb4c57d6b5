//! The cost of the key-logging check (`tracklens::leaks::find_leaks`) on what a hostile page can
//! send: a 256 KiB request body and a long URL with no typed value in them, checked against 20
//! typed fields (the recorder's limit), the worst case for every request a page makes while the
//! visitor types.
//!
//!     cargo bench --bench leaks
//!
//! Prints the time per request with the bound the core reads (`leaks::MAX_BODY`, `MAX_URL`),
//! against the same search without the bound (the whole body and URL, lower-cased as text and
//! searched with `str::contains`, as before the bound), in the same run.

use std::hint::black_box;
use std::time::Instant;
use tracklens::leaks::{encoded_forms, find_leaks, TypedValue, MAX_BODY, MAX_URL};

const BODY: usize = 256 * 1024;
const FIELDS: usize = 20;

/// The search over everything, as `find_leaks` did before its bound.
fn unbounded(typed: &[TypedValue], url: &str, body: &[u8]) -> usize {
    let url_text = url.to_lowercase();
    let body_text = String::from_utf8_lossy(body).to_lowercase();
    let mut found = 0;
    for value in typed {
        let forms = encoded_forms(&value.value);
        for haystack in [&url_text, &body_text] {
            found += usize::from(forms.iter().any(|(_, needle)| haystack.contains(needle.as_str())));
        }
    }
    found
}

fn per_call_ms(mut run: impl FnMut() -> usize) -> f64 {
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(run());
    }
    start.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds)
}

fn main() {
    // A replay-style JSON upload: letters, digits and punctuation, none of the typed values.
    let mut body = Vec::with_capacity(BODY);
    let mut state = 0x2545_f491_u32;
    while body.len() < BODY {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        body.extend_from_slice(format!("{{\"t\":{},\"k\":\"{:x}\"}},", state % 1000, state).as_bytes());
    }
    body.truncate(BODY);
    let url = format!("https://collector.example/r?{}", "p=0123456789abcdef&".repeat(100_000 / 19));
    let typed: Vec<TypedValue> = (0..FIELDS)
        .map(|i| TypedValue { field: format!("field{i}"), value: format!("Visitor Input {i} jane.doe{i}@example.com") })
        .collect();
    assert!(find_leaks(&typed, &url, &body).is_empty());
    assert_eq!(unbounded(&typed, &url, &body), 0);

    let bounded_ms = per_call_ms(|| find_leaks(&typed, &url, &body).len());
    let unbounded_ms = per_call_ms(|| unbounded(&typed, &url, &body));
    println!(
        "leak check, {FIELDS} typed fields, one request with a {} KiB body and a {} KiB URL:",
        BODY / 1024,
        url.len() / 1024
    );
    println!(
        "  tracklens find_leaks (reads at most {} KiB of the body, {} KiB of the URL): {bounded_ms:.2} ms per request",
        MAX_BODY / 1024,
        MAX_URL / 1024
    );
    println!("  the same search over everything (no bound, str::contains): {unbounded_ms:.2} ms per request");
    println!("  ratio: {:.1}x", unbounded_ms / bounded_ms);
}
