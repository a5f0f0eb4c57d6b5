//! Value and name heuristics: lifetime, value shape and entropy, words in the name, and the
//! purpose a tracker domain's category implies.

use super::*;

pub(super) const DAY: i64 = 86_400;
pub(super) const LONG_LIVED: i64 = 90 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifetime {
    Session,
    Seconds(i64),
    UntilCleared,
}

impl Lifetime {
    pub(super) fn long_lived(self) -> bool {
        match self {
            Lifetime::Session => false,
            Lifetime::Seconds(s) => s > LONG_LIVED,
            Lifetime::UntilCleared => true,
        }
    }

    pub(super) fn at_least_a_day(self) -> bool {
        match self {
            Lifetime::Session => false,
            Lifetime::Seconds(s) => s >= DAY,
            Lifetime::UntilCleared => true,
        }
    }

    pub(super) fn describe(self) -> String {
        match self {
            Lifetime::Session => "it ends with the session".to_owned(),
            Lifetime::Seconds(s) => format!("it lasts {} days", s / DAY),
            Lifetime::UntilCleared => "localStorage keeps it until cleared".to_owned(),
        }
    }
}

/// Shannon entropy of the bytes of `text`, in bits per byte.
pub fn shannon_entropy(text: &str) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[b as usize] += 1;
    }
    let n = text.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| f64::from(c) / n).map(|p| -p * p.log2()).sum()
}

pub(super) fn is_uuid(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, &c)| if [8, 13, 18, 23].contains(&i) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// A Unix time in seconds or milliseconds between 2001 and 2033: a timestamp, not an identifier.
pub(super) fn is_timestamp(t: &str) -> bool {
    match t.len() {
        10 => t.as_bytes()[0] == b'1',
        13 => t.as_bytes()[0] == b'1',
        _ => false,
    }
}

/// The identifier shape of one token of a value, if it has one.
pub(super) fn token_shape(t: &str) -> Option<Heuristic> {
    let len = t.len();
    if is_uuid(t) {
        return Some(Heuristic::UuidValue);
    }
    if len >= 10 && t.bytes().all(|b| b.is_ascii_digit()) {
        return (!is_timestamp(t) || len > 13).then_some(Heuristic::NumericId);
    }
    if len >= 16 && t.bytes().all(|b| b.is_ascii_hexdigit()) && t.bytes().any(|b| b.is_ascii_digit()) {
        return Some(Heuristic::HexValue);
    }
    let base64ish = t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'));
    let classes = [
        t.bytes().any(|b| b.is_ascii_lowercase()),
        t.bytes().any(|b| b.is_ascii_uppercase()),
        t.bytes().any(|b| b.is_ascii_digit()),
    ];
    if len >= 16 && base64ish && classes.iter().filter(|&&c| c).count() >= 2 && shannon_entropy(t) >= 3.5 {
        return Some(Heuristic::Base64Value);
    }
    None
}

/// How a value looks like an identifier: the whole value, else its longest-shaped token (values
/// such as `fb.1.1700000000000.1234567890123` carry the identifier inside), else its entropy.
pub(super) fn value_shape(value: &str) -> Option<Heuristic> {
    let value = value.trim_matches('"');
    if value.len() < 8 {
        return None;
    }
    if let Some(shape) = token_shape(value) {
        return Some(shape);
    }
    let token = value
        .split(['.', ':', '|', '_', ',', ';', '&', '=', '~', '*', '%', ' '])
        .filter_map(token_shape)
        .min_by_key(|h| *h as u8);
    if token.is_some() {
        return token;
    }
    (value.len() >= 16 && shannon_entropy(value) >= 3.5).then_some(Heuristic::HighEntropy)
}

/// Whether a value (of a cookie, a storage key or a URL parameter) is shaped like an identifier:
/// a UUID, a long number, hex or base64 string, or a long high-entropy token.
pub fn looks_like_identifier(value: &str) -> bool {
    value_shape(value).is_some()
}

pub(super) fn shape_words(shape: Heuristic) -> &'static str {
    match shape {
        Heuristic::UuidValue => "its value is a UUID",
        Heuristic::NumericId => "its value holds a long numeric ID",
        Heuristic::HexValue => "its value holds a long hex string",
        Heuristic::Base64Value => "its value holds a long random-looking base64 string",
        Heuristic::HighEntropy => "its value is long and high-entropy",
        _ => "its value looks like an identifier",
    }
}

/// Lower-case words of a name: split at punctuation and at lower→upper case changes.
pub(super) fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Keywords telling a purpose: whole words of the name, or parts of a longer word for keywords
/// of five letters or more (`cookieconsent`). Checked in this order.
pub(super) const KEYWORDS: &[(CookiePurpose, &[&str])] = &[
    (CookiePurpose::Security, &["csrf", "xsrf", "captcha", "recaptcha", "antiforgery", "waf", "bot", "botmanager"]),
    (
        CookiePurpose::Necessary,
        &["consent", "gdpr", "cookielaw", "ccpa", "cmp", "tcf", "cookiebanner", "optanon", "usprivacy"],
    ),
    // Sign-in and load balancing (F5 BIG-IP's `BIGipServer…`, AWS's `AWSALB…`, Azure's `ARRAffinity`).
    (
        CookiePurpose::Necessary,
        &["login", "logged", "signin", "auth", "account", "loadbalancer", "affinity", "awsalb", "bigip"],
    ),
    (
        CookiePurpose::Advertising,
        &["ads", "adid", "advert", "advertising", "gclid", "fbclid", "retarget", "conversion"],
    ),
    (CookiePurpose::Analytics, &["utm", "analytics", "pageview", "pageviews", "stats", "statistics", "metrics"]),
    (CookiePurpose::Personalization, &["abtest", "experiment", "variant", "personalization", "personalisation"]),
    (
        CookiePurpose::Preferences,
        &["lang", "language", "locale", "currency", "theme", "timezone", "prefs", "preferences"],
    ),
    (
        CookiePurpose::Necessary,
        &["sess", "session", "sessid", "sessionid", "phpsessid", "jsessionid", "cart", "basket", "checkout"],
    ),
];

pub(super) fn keyword_purpose(name: &str) -> Option<(CookiePurpose, &'static str)> {
    keyword_in(&name_words(name))
}

/// [`keyword_purpose`] of a name already cut into [`name_words`].
pub(super) fn keyword_in(words: &[String]) -> Option<(CookiePurpose, &'static str)> {
    for &(purpose, keywords) in KEYWORDS {
        for &keyword in keywords {
            let hit = words.iter().any(|w| w == keyword || (keyword.len() >= 5 && w.contains(keyword)));
            if hit {
                return Some((purpose, keyword));
            }
        }
    }
    None
}

/// The purpose a tracker domain's category implies for its cookies.
pub(super) fn category_purpose(categories: &[Category]) -> Option<CookiePurpose> {
    let order = [
        (Category::Advertising, CookiePurpose::Advertising),
        (Category::SessionReplay, CookiePurpose::Analytics),
        (Category::Analytics, CookiePurpose::Analytics),
        (Category::Personalization, CookiePurpose::Personalization),
        (Category::Social, CookiePurpose::Social),
        (Category::Consent, CookiePurpose::Necessary),
        (Category::CustomerInteraction, CookiePurpose::Necessary),
    ];
    order.iter().find(|(category, _)| categories.contains(category)).map(|&(_, purpose)| purpose)
}
