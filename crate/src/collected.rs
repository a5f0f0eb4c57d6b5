//! What a tracker request carries: the query parameters whose meaning the vendors document.
//!
//! Analytics and advertising hits encode what they collect in short parameter names: Google
//! Analytics' Measurement Protocol documents `dl` (document location), `dr` (referrer), `sr`
//! (screen resolution), `cid` (client ID), `uid` (user ID) and more; Meta's pixel sends `dl`, `rl`,
//! `fbp` and `ev` alike. Naming them tells the user what left the page ("the page address, your
//! screen size, a visitor ID") rather than showing a wall of URL. Parameters without a documented
//! meaning are reported only when their value looks like an identifier.
//!
//! Only names and meanings are returned, never values: values can hold personal data.

use crate::cookie_purpose::looks_like_identifier;
use serde::Serialize;

/// The kind of data a parameter carries, for grouping in the popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// The address of the page, its title or the page that linked to it.
    Page,
    /// An identifier of the browser or person: client ID, user ID, browser ID cookie value.
    Identifier,
    /// Screen, viewport, language or other device traits.
    Device,
    /// What the visitor did (event name, action).
    Activity,
    /// The site's account with the vendor (property or pixel ID): says which site, not who.
    Account,
}

/// One parameter of a request, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentParam {
    pub name: String,
    pub kind: DataKind,
    pub meaning: &'static str,
    /// Whether the meaning comes from vendor documentation (`true`) or from the value's shape.
    pub documented: bool,
}

/// Documented parameter names (Google Analytics Measurement Protocol v1 and GA4 hits, Meta pixel).
/// Sorted by name for binary search.
const KNOWN: &[(&str, DataKind, &str)] = &[
    ("_fid", DataKind::Identifier, "a Firebase / Google installation ID"),
    ("cid", DataKind::Identifier, "a client ID that identifies this browser"),
    ("de", DataKind::Device, "the page's character encoding"),
    ("dh", DataKind::Page, "the host name of the page"),
    ("dl", DataKind::Page, "the address of the page you are on"),
    ("dp", DataKind::Page, "the path of the page you are on"),
    ("dr", DataKind::Page, "the page that sent you here (referrer)"),
    ("dt", DataKind::Page, "the title of the page"),
    ("ea", DataKind::Activity, "the action of an event you triggered"),
    ("ec", DataKind::Activity, "the category of an event you triggered"),
    ("en", DataKind::Activity, "the name of an event you triggered"),
    ("ev", DataKind::Activity, "the name of an event you triggered"),
    ("fbc", DataKind::Identifier, "a Meta click ID from the link you followed"),
    ("fbp", DataKind::Identifier, "a Meta browser ID (the _fbp cookie)"),
    ("gclid", DataKind::Identifier, "a Google Ads click ID"),
    ("rl", DataKind::Page, "the page that sent you here (referrer)"),
    ("sd", DataKind::Device, "your screen's colour depth"),
    ("sid", DataKind::Identifier, "a session ID"),
    ("sr", DataKind::Device, "your screen resolution"),
    ("t", DataKind::Activity, "the type of hit (page view, event…)"),
    ("tid", DataKind::Account, "the site's analytics property ID"),
    ("ua", DataKind::Device, "your browser's user agent"),
    ("uid", DataKind::Identifier, "a user ID the site assigned to you"),
    ("ul", DataKind::Device, "your browser's language"),
    ("vp", DataKind::Device, "the size of your browser window"),
];

/// What the documentation says a parameter name means, if it says.
pub fn documented_meaning(name: &str) -> Option<(DataKind, &'static str)> {
    KNOWN.binary_search_by(|(known, _, _)| known.cmp(&name)).ok().map(|at| (KNOWN[at].1, KNOWN[at].2))
}

/// At most this many parameters are described per request; hostile URLs can carry thousands.
pub const MAX_PARAMS: usize = 64;

/// The named and identifier-like parameters in `url`'s query, in order, each name once.
pub fn sent_params(url: &str) -> Vec<SentParam> {
    let without_fragment = url.split('#').next().unwrap_or("");
    let Some((_, query)) = without_fragment.split_once('?') else {
        return Vec::new();
    };
    let mut found: Vec<SentParam> = Vec::new();
    for pair in query.split('&').take(MAX_PARAMS) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() || name.len() > 64 || found.iter().any(|p| p.name == name) {
            continue;
        }
        let param = match documented_meaning(name) {
            Some((kind, meaning)) => SentParam { name: name.to_owned(), kind, meaning, documented: true },
            // An address is long and random-looking too, but says where, not who.
            None if is_address(value) => SentParam {
                name: name.to_owned(),
                kind: DataKind::Page,
                meaning: "a web address (often the page you are on)",
                documented: false,
            },
            None if looks_like_identifier(value) => SentParam {
                name: name.to_owned(),
                kind: DataKind::Identifier,
                meaning: "a value shaped like an identifier (long and random)",
                documented: false,
            },
            None => continue,
        };
        found.push(param);
    }
    found
}

fn is_address(value: &str) -> bool {
    let lower = value.get(..10).unwrap_or(value).to_ascii_lowercase();
    lower.starts_with("http%3a")
        || lower.starts_with("https%3a")
        || lower.starts_with("http:")
        || lower.starts_with("https:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn names_what_a_google_analytics_hit_carries() {
        let url = "https://www.google-analytics.com/g/collect?v=2&tid=G-DEMO12345&cid=123456789.1700000000&en=page_view&dl=https%3A%2F%2Fnews.example%2F&sr=1280x720";
        let found = sent_params(url);
        let names: Vec<_> = found.iter().map(|p| (p.name.as_str(), p.kind)).collect();
        assert_eq!(
            names,
            [
                ("tid", DataKind::Account),
                ("cid", DataKind::Identifier),
                ("en", DataKind::Activity),
                ("dl", DataKind::Page),
                ("sr", DataKind::Device)
            ]
        );
        assert!(found.iter().all(|p| p.documented));
    }

    #[test]
    fn undocumented_parameters_count_only_when_they_look_like_identifiers() {
        let found = sent_params("https://t.example/p?x=1&vid=3f2a9c1e7b5d4a608e1f2c3b4a5d6e7f&page=2&u=https%3A%2F%2Fnews.example%2Fa%3Fb%3D1#uid=1");
        let named: Vec<_> = found.iter().map(|p| (p.name.as_str(), p.kind, p.documented)).collect();
        assert_eq!(named, [("vid", DataKind::Identifier, false), ("u", DataKind::Page, false)]);
    }

    #[test]
    fn odd_urls_give_nothing_or_bounded_lists() {
        assert!(sent_params("").is_empty());
        assert!(sent_params("no query at all").is_empty());
        assert!(sent_params("https://t.example/?&&=&dl").len() == 1);
        let many: String = (0..1000).map(|i| format!("uid{i}=abcdef0123456789abcdef&")).collect();
        assert!(sent_params(&format!("https://t.example/?{many}")).len() <= MAX_PARAMS);
    }
}
