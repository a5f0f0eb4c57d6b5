//! What advertisers could infer about you: per company, the sensitive categories and interest
//! topics of the pages where it saw you, from the history kept on the device.
//!
//! Each visit in the history keeps what the core decided about its page (the page report's
//! `context`: categories, topics, evidence) and which companies were there with at least one
//! request sent (not every request blocked), and which of them received the page's address,
//! title or content. This module counts, per company, how many such pages of each category and
//! topic it saw, on which sites, and when last; the dashboard only lays it out. Nothing here is
//! sent anywhere. Input is read leniently (it is stored data, possibly from an older version):
//! a visit that does not read is skipped and counted.

use crate::context::Sensitive;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One visit's context as the history keeps it (extension/shared/history-model.js).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitContext {
    /// When the page started (milliseconds since the epoch).
    pub visit: f64,
    /// Sensitive categories of the page (wire names), strongest first.
    pub categories: Vec<String>,
    /// IAB tier-1 topics of the page.
    pub topics: Vec<String>,
    /// Why the strongest category: "title contains 'hiv self-test'".
    pub evidence: Vec<String>,
    /// Companies on the page with at least one request sent.
    pub companies: Vec<String>,
    /// Of those, the ones that received the page's address, title or content.
    pub received: Vec<String>,
}

/// The profile of all companies.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Companies that saw you on a sensitive page first, then by pages seen.
    pub companies: Vec<CompanyProfile>,
    /// Every category and topic found, with its label (for "forget" controls).
    pub names: Vec<Inferred>,
    /// Visits in the history that could not be read.
    pub skipped: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfile {
    pub name: String,
    pub sensitive: Vec<Inferred>,
    pub topics: Vec<Inferred>,
}

/// A category or topic a company could infer, and from how much.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inferred {
    /// Wire name (`health`) or IAB name (`Travel`).
    pub name: String,
    /// What the user reads (the vocabulary's label for a sensitive category).
    pub label: String,
    pub sensitive: bool,
    /// Pages (visits) of it where the company was present.
    pub pages: u64,
    /// Of those, where it received the page's address, title or content.
    pub received: u64,
    pub sites: Vec<String>,
    pub last_seen: f64,
    /// Why, from the latest such page.
    pub evidence: Vec<String>,
}

const MAX_SITES: usize = 20;

/// The profile from the history's site records (`[{site, contexts: [VisitContext]}]`).
pub fn inferred_profile(records: &serde_json::Value) -> Profile {
    let mut skipped = 0;
    let mut by_company: BTreeMap<String, BTreeMap<(bool, String), Inferred>> = BTreeMap::new();
    let mut names: BTreeMap<(bool, String), Inferred> = BTreeMap::new();
    for record in records.as_array().into_iter().flatten() {
        let site = record["site"].as_str().unwrap_or_default();
        for visit in record["contexts"].as_array().into_iter().flatten() {
            let Ok(visit) = serde_json::from_value::<VisitContext>(visit.clone()) else {
                skipped += 1;
                continue;
            };
            let found = visit
                .categories
                .iter()
                .map(|c| (true, c))
                .chain(visit.topics.iter().map(|t| (false, t)))
                .collect::<Vec<_>>();
            for (sensitive, name) in found {
                let label = label_of(sensitive, name);
                names.entry((sensitive, name.clone())).or_insert_with(|| Inferred {
                    name: name.clone(),
                    label: label.clone(),
                    sensitive,
                    ..Inferred::default()
                });
                for company in &visit.companies {
                    let entry =
                        by_company.entry(company.clone()).or_default().entry((sensitive, name.clone())).or_insert_with(
                            || Inferred { name: name.clone(), label: label.clone(), sensitive, ..Inferred::default() },
                        );
                    entry.pages += 1;
                    entry.received += u64::from(visit.received.contains(company));
                    if !entry.sites.iter().any(|s| s == site) && entry.sites.len() < MAX_SITES {
                        entry.sites.push(site.to_owned());
                    }
                    if visit.visit >= entry.last_seen {
                        entry.last_seen = visit.visit;
                        entry.evidence = if sensitive { visit.evidence.clone() } else { Vec::new() };
                    }
                }
            }
        }
    }
    let mut companies: Vec<CompanyProfile> = by_company
        .into_iter()
        .map(|(name, found)| {
            let (mut sensitive, mut topics): (Vec<Inferred>, Vec<Inferred>) =
                found.into_values().partition(|i| i.sensitive);
            for list in [&mut sensitive, &mut topics] {
                list.sort_by(|a, b| b.pages.cmp(&a.pages).then_with(|| a.name.cmp(&b.name)));
            }
            CompanyProfile { name, sensitive, topics }
        })
        .collect();
    let weight = |c: &CompanyProfile| {
        (c.sensitive.iter().map(|i| i.pages).sum::<u64>(), c.topics.iter().map(|i| i.pages).sum::<u64>())
    };
    companies.sort_by(|a, b| weight(b).cmp(&weight(a)).then_with(|| a.name.cmp(&b.name)));
    // Sensitive categories first, in the vocabulary's order; then topics by name.
    let mut names: Vec<Inferred> = names.into_values().collect();
    let order = |i: &Inferred| Sensitive::ALL.iter().position(|s| s.as_str() == i.name).unwrap_or(usize::MAX);
    names.sort_by(|a, b| b.sensitive.cmp(&a.sensitive).then(order(a).cmp(&order(b))).then_with(|| a.name.cmp(&b.name)));
    Profile { companies, names, skipped }
}

fn label_of(sensitive: bool, name: &str) -> String {
    match Sensitive::from_name(name).filter(|_| sensitive) {
        Some(category) => category.label().to_owned(),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_company_gets_the_categories_and_topics_of_the_pages_where_it_was() {
        let records = json!([
            { "site": "shop.example", "contexts": [
                { "visit": 1.0, "categories": ["health"], "topics": ["Medical Health"], "evidence": ["title contains 'hiv self-test'"],
                  "companies": ["Meta", "Google"], "received": ["Meta"] },
                { "visit": 2.0, "categories": [], "topics": ["Automotive"], "companies": ["Meta"], "received": [] },
                "not a visit",
            ]},
            { "site": "clinic.example", "contexts": [
                { "visit": 3.0, "categories": ["health"], "topics": [], "evidence": ["schema.org MedicalClinic"], "companies": ["Meta"], "received": [] },
            ]},
        ]);
        let profile = inferred_profile(&records);
        assert_eq!(profile.skipped, 1);
        let meta = &profile.companies[0];
        assert_eq!(meta.name, "Meta");
        let health = &meta.sensitive[0];
        assert_eq!((health.name.as_str(), health.pages, health.received), ("health", 2, 1));
        assert_eq!(health.sites, ["shop.example", "clinic.example"]);
        assert_eq!(health.last_seen, 3.0);
        assert_eq!(health.evidence, ["schema.org MedicalClinic"]);
        assert_eq!(health.label, Sensitive::Health.label());
        assert_eq!(meta.topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Automotive", "Medical Health"]);
        assert_eq!(profile.companies[1].name, "Google");
        assert_eq!(
            profile.names.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["health", "Automotive", "Medical Health"]
        );
        assert_eq!(inferred_profile(&json!({"not": "records"})), Profile::default());
    }
}
