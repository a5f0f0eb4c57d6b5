//! adblock-rust's matching fixture: 8,276 real requests, each with the EasyList/EasyPrivacy
//! filters Brave's engine says match it (`adblock-rust-matching-test-requests.json` in the shared
//! data directory, MPL-2.0). Each filter is checked alone against its request, as adblock-rust's
//! own test does; prints the share of (filter, request) pairs TrackLens matches too and lists
//! every pair it does not.
//!
//!     cargo bench --bench matching [-- DATA_DIR]

mod support;

use serde::Deserialize;
use std::collections::BTreeMap;
use tracklens::filters::{parse_list, FilterSet, RequestContext, TypeMask};
use tracklens::party::site_of;
use tracklens::url::NetworkUrl;
use tracklens::ResourceType;

#[derive(Deserialize)]
struct Case {
    filters: Vec<String>,
    #[serde(rename = "sourceUrl")]
    source_url: String,
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

fn main() {
    let dir = support::data_dir();
    let path = dir.join("adblock-rust-matching-test-requests.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} is missing: pass the shared data directory", path.display());
        std::process::exit(2);
    };
    let cases: Vec<Case> = serde_json::from_str(&text).expect("the fixture is a JSON array");
    let (mut pairs, mut matched, mut unparsed) = (0usize, 0usize, 0usize);
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in &cases {
        let Ok(url) = NetworkUrl::parse(&case.url) else { continue };
        let page = NetworkUrl::parse(&case.source_url).ok();
        let page_host = page.as_ref().map_or("", |p| p.host.as_str());
        // Filter lists compare registrable domains; a request without a source page counts as
        // third-party, as in adblock-rust.
        let third = page.as_ref().is_none_or(|p| site_of(&url) != site_of(p));
        let type_bit = TypeMask::of(ResourceType::from_name(&case.kind));
        for filter in &case.filters {
            pairs += 1;
            // An exception only decides against a blocking filter: pair it with its blocking twin.
            let list = match filter.strip_prefix("@@") {
                Some(blocking) => format!("{blocking}\n{filter}"),
                None => filter.clone(),
            };
            let parsed = parse_list("fixture", &list, 0).0;
            if parsed.is_empty() {
                unparsed += 1;
                misses.entry("filter not supported".to_owned()).or_default().push(filter.clone());
                continue;
            }
            let set = FilterSet::new(parsed);
            let request = RequestContext::new(&case.url, type_bit, third, page_host);
            let hit = set.check(&request).is_some_and(|d| d.deciding_filter().text() == filter);
            if hit {
                matched += 1;
            } else {
                // The one difference we keep on purpose: a browser's fetch() is xmlhttprequest in
                // Chrome's webRequest and DNR (and in uBO), so `$~xmlhttprequest` skips it;
                // adblock-rust files an unknown `fetch` type under `other`.
                let why = if case.kind == "fetch" && filter.contains("~xmlhttprequest") {
                    "no match, on purpose (fetch is xmlhttprequest, as in Chrome)"
                } else {
                    "no match"
                };
                misses
                    .entry(why.to_owned())
                    .or_default()
                    .push(format!("{filter}  <-  {} ({}, from {:?})", case.url, case.kind, case.source_url));
            }
        }
    }
    println!(
        "adblock-rust matching fixture: {matched} of {pairs} (filter, request) pairs match ({:.2}%), {unparsed} filters not parsed",
        100.0 * matched as f64 / pairs.max(1) as f64
    );
    for (why, list) in &misses {
        println!("{why}: {}", list.len());
        for line in list.iter().take(200) {
            println!("  {line}");
        }
    }
}
