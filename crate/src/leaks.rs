//! Key logging: whether text the user typed into a form field leaves the page in a request.
//!
//! Session-replay and "lead capture" scripts read form fields as the user types and send them
//! before (or without) the form being submitted. The Markup's Blacklight audits look for the
//! typed value in every outgoing request as typed, URL-encoded, Base64-encoded, and hashed with
//! MD5, SHA-1 or SHA-256, because advertisers match hashed e-mail addresses across sites. Hashes
//! are taken of the value as typed, trimmed, and trimmed and lower-cased: ad platforms normalise
//! addresses that way before hashing (e.g. Meta's and Google's "enhanced matching" instructions).
//!
//! The caller passes the typed values (kept in memory only) and one request; the answer names the
//! field and the encoding, never the value.

use md5::Md5;
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Shorter values (a one-letter search, "yes") would match by chance.
pub const MIN_VALUE_LEN: usize = 5;
/// Bodies are searched up to this many bytes, URLs up to `MAX_URL`: a page controls both, and
/// each typed value is looked for in about twenty forms, so the cost must not grow with what the
/// page sends. Replay and lead-capture uploads put form values early (their first event batch);
/// a value only past 64 KiB of a body goes unseen. `cargo bench --bench leaks` prints the cost of
/// a forged 256 KiB body against this bound.
pub const MAX_BODY: usize = 64 * 1024;
/// Chrome accepts URLs up to 2 MB; query strings that carry a typed value are far shorter.
pub const MAX_URL: usize = 16 * 1024;

/// What the user typed into one field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TypedValue {
    /// The field's name, id or type (`email`), as the page labels it.
    pub field: String,
    pub value: String,
}

/// How the value was found in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Plain,
    UrlEncoded,
    Base64,
    Md5,
    Sha1,
    Sha256,
}

/// Where in the request the value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    Url,
    Body,
}

/// One typed value found in a request; carries no part of the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leak {
    pub field: String,
    pub encoding: Encoding,
    pub location: Location,
}

/// Every typed value found in the request (`url`, `body`), at most one leak per field and place.
pub fn find_leaks(typed: &[TypedValue], url: &str, body: &[u8]) -> Vec<Leak> {
    let url_text = lowered(&url.as_bytes()[..url.len().min(MAX_URL)]);
    let body_text = lowered(&body[..body.len().min(MAX_BODY)]);
    let mut leaks = Vec::new();
    for value in typed {
        let forms = encoded_forms(&value.value);
        for (location, haystack) in [(Location::Url, &url_text), (Location::Body, &body_text)] {
            let found = forms.iter().find(|(_, needle)| memchr::memmem::find(haystack, needle.as_bytes()).is_some());
            if let Some(&(encoding, _)) = found {
                leaks.push(Leak { field: value.field.clone(), encoding, location });
            }
        }
    }
    leaks
}

/// Lower-cased as the needles are: ASCII in place when the text is ASCII (bodies nearly always
/// are), else as text (an unfinished character at the cut becomes U+FFFD).
fn lowered(bytes: &[u8]) -> Vec<u8> {
    if bytes.is_ascii() {
        bytes.to_ascii_lowercase()
    } else {
        String::from_utf8_lossy(bytes).to_lowercase().into_bytes()
    }
}

/// The forms in which a value can leave the page, lower-cased (the haystacks are too), most
/// telling first. Empty for values too short to tell apart from chance.
pub fn encoded_forms(value: &str) -> Vec<(Encoding, String)> {
    let trimmed = value.trim();
    if trimmed.chars().count() < MIN_VALUE_LEN {
        return Vec::new();
    }
    let lowered = trimmed.to_lowercase();
    let mut variants = vec![value, trimmed, lowered.as_str()];
    variants.dedup();
    let mut forms = Vec::new();
    for variant in &variants {
        forms.push((Encoding::Plain, variant.to_lowercase()));
        let encoded = percent_encode(variant);
        if encoded != *variant {
            forms.push((Encoding::UrlEncoded, encoded.to_lowercase()));
            forms.push((Encoding::UrlEncoded, encoded.replace("%20", "+").to_lowercase()));
        }
        forms.push((Encoding::Md5, hex(&Md5::digest(variant.as_bytes()))));
        forms.push((Encoding::Sha1, hex(&Sha1::digest(variant.as_bytes()))));
        forms.push((Encoding::Sha256, hex(&Sha256::digest(variant.as_bytes()))));
    }
    // Base64 is case-sensitive, but the haystack is lower-cased: compare lower-cased forms,
    // which stay long enough (8+ characters) not to match by chance. The padding is dropped, as
    // URL-safe encoders do.
    for variant in &variants {
        let encoded = base64(variant.as_bytes());
        forms.push((Encoding::Base64, encoded.trim_end_matches('=').to_lowercase()));
    }
    forms.sort_by_key(|(encoding, _)| *encoding);
    forms.dedup();
    forms
}

/// As JavaScript's `encodeURIComponent`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(field: &str, value: &str) -> Vec<TypedValue> {
        vec![TypedValue { field: field.into(), value: value.into() }]
    }

    const EMAIL: &str = "  Jane.Doe@Example.com ";

    #[test]
    fn finds_the_sha256_of_the_normalised_address_in_a_body() {
        let digest = hex(&Sha256::digest(b"jane.doe@example.com"));
        let body = format!(r#"{{"em":"{digest}"}}"#);
        let leaks = find_leaks(&typed("email", EMAIL), "https://t.example/c", body.as_bytes());
        assert_eq!(leaks, [Leak { field: "email".into(), encoding: Encoding::Sha256, location: Location::Body }]);
        let other = hex(&Sha256::digest(b"john@example.com"));
        assert!(find_leaks(&typed("email", EMAIL), "https://t.example/c", other.as_bytes()).is_empty());
    }

    #[test]
    fn known_digests() {
        assert_eq!(hex(&Md5::digest(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(&Sha1::digest(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(base64(b"jane@x.org"), "amFuZUB4Lm9yZw==");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    #[test]
    fn finds_plain_url_encoded_md5_and_base64_in_urls() {
        let value = "jane@x.org";
        let md5 = format!("https://t.example/?h={}", hex(&Md5::digest(value.as_bytes())).to_uppercase());
        let cases = [
            ("https://t.example/?e=jane@x.org".to_owned(), Encoding::Plain),
            ("https://t.example/?e=jane%40x.org".to_owned(), Encoding::UrlEncoded),
            ("https://t.example/?e=amFuZUB4Lm9yZw".to_owned(), Encoding::Base64),
            (md5, Encoding::Md5),
        ];
        for (url, encoding) in cases {
            let leaks = find_leaks(&typed("email", value), &url, b"");
            assert_eq!(leaks.first().map(|l| (l.encoding, l.location)), Some((encoding, Location::Url)), "{url}");
        }
    }

    #[test]
    fn form_encoding_with_plus_for_spaces() {
        let leaks = find_leaks(&typed("name", "Jane Doe Smith"), "https://t.example/", b"n=Jane+Doe+Smith&x=1");
        assert_eq!(leaks[0].encoding, Encoding::UrlEncoded);
    }

    #[test]
    fn short_values_and_absent_values_are_not_leaks() {
        assert!(find_leaks(&typed("q", "yes"), "https://t.example/?a=yes", b"").is_empty());
        assert!(find_leaks(&typed("q", "something else"), "https://t.example/?a=1", b"{}").is_empty());
        assert!(find_leaks(&[], "https://t.example/", b"").is_empty());
    }

    #[test]
    fn binary_bodies_and_odd_text_never_panic() {
        let body: Vec<u8> = (0..=255u8).cycle().take(MAX_BODY + 10).collect();
        let _ = find_leaks(&typed("x", "\u{0}\u{ffff}ǅ weird"), "not a url", &body);
    }

    #[test]
    fn bodies_and_urls_are_read_up_to_their_bound_and_no_further() {
        let field = typed("email", "jane@example.com");
        let at = |offset: usize| {
            let mut body = vec![b'x'; offset];
            body.extend_from_slice(b"jane@example.com");
            body
        };
        assert_eq!(find_leaks(&field, "https://t.example/", &at(MAX_BODY - 16)).len(), 1, "ends at the bound");
        assert!(find_leaks(&field, "https://t.example/", &at(MAX_BODY - 15)).is_empty(), "one byte past it");
        let url = |offset: usize| format!("https://t.example/?{}&e=jane@example.com", "a".repeat(offset));
        assert_eq!(find_leaks(&field, &url(MAX_URL - 40), b"").len(), 1);
        assert!(find_leaks(&field, &url(MAX_URL), b"").is_empty());
    }
}
