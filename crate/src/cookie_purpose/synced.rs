//! Cross-site syncing: identifier-shaped values seen on more than one site.

use super::*;

/// A cookie value seen on one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SeenValue<'a> {
    /// The site (registrable domain) of the page it was seen on.
    pub site: &'a str,
    pub name: &'a str,
    pub value: &'a str,
}

/// An identifier found on two sites or more: likely shared between companies (cookie syncing)
/// or carried by one company across the web. The value itself is not returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncedValue {
    /// The sites it was seen on, sorted.
    pub sites: Vec<String>,
    /// `(site, cookie name)` of each sighting, sorted.
    pub cookies: Vec<(String, String)>,
    /// How the value looked like an identifier.
    pub shape: Heuristic,
}

/// The identifier-shaped values (or identifier-shaped parts of values, such as the ID inside
/// `fb.1.1700000000000.1234567890123`) seen on at least two different sites. Short or
/// low-entropy values (`1`, `true`, `en-US`) are ignored: equal by chance, not by syncing.
pub fn synced_values(seen: &[SeenValue<'_>]) -> Vec<SyncedValue> {
    // token → (its shape, the (site, name) sightings)
    type Sightings<'s> = (Heuristic, Vec<(&'s str, &'s str)>);
    let mut by_token: BTreeMap<&str, Sightings<'_>> = BTreeMap::new();
    for sighting in seen {
        let value = sighting.value.trim_matches('"');
        let whole = token_shape(value).map(|shape| (value, shape));
        let parts = value.split(['.', ':', '|', '_', ',', ';', '&', '=', '~', '*', '%', ' ']).filter_map(|t| {
            let shape = token_shape(t)?;
            Some((t, shape))
        });
        let mut tokens: Vec<(&str, Heuristic)> = whole.into_iter().chain(parts).collect();
        tokens.sort_unstable_by_key(|(t, _)| *t);
        tokens.dedup_by_key(|(t, _)| *t);
        for (token, shape) in tokens {
            by_token.entry(token).or_insert((shape, Vec::new())).1.push((sighting.site, sighting.name));
        }
    }
    let mut out: Vec<SyncedValue> = by_token
        .into_values()
        .filter_map(|(shape, sightings)| {
            let mut sites: Vec<String> = sightings.iter().map(|(s, _)| (*s).to_owned()).collect();
            sites.sort();
            sites.dedup();
            if sites.len() < 2 {
                return None;
            }
            let mut cookies: Vec<(String, String)> =
                sightings.iter().map(|(s, n)| ((*s).to_owned(), (*n).to_owned())).collect();
            cookies.sort();
            cookies.dedup();
            Some(SyncedValue { sites, cookies, shape })
        })
        .collect();
    out.sort_by(|a, b| b.sites.len().cmp(&a.sites.len()).then_with(|| a.cookies.cmp(&b.cookies)));
    out.dedup_by(|a, b| a.cookies == b.cookies);
    out
}
