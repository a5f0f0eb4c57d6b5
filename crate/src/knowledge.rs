//! The tracker knowledge base: which company receives data on a domain, and for what purpose.
//!
//! The data lives in `data/trackers.json` and is compiled into sorted static tables by
//! `build.rs`, so looking a host up is a few binary searches with no start-up cost.

use crate::taxonomy::Category;
use serde::Serialize;

/// A company that receives data from web pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EntityRecord {
    pub name: &'static str,
    /// The company that owns this one, where it is not independent.
    pub parent: Option<&'static str>,
    pub privacy_policy: &'static str,
    /// Where a visitor can opt out of this company's tracking, where such a page exists.
    pub opt_out: Option<&'static str>,
}

/// One domain of an entity, with the purposes data sent to it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainRecord {
    pub domain: &'static str,
    entity: usize,
    pub categories: &'static [Category],
}

impl DomainRecord {
    pub fn entity(&self) -> &'static EntityRecord {
        &ENTITIES[self.entity]
    }
}

include!(concat!(env!("OUT_DIR"), "/knowledge_base.rs"));

/// The most specific knowledge-base domain covering `host`: the host itself, else its closest
/// parent domain. `static.hotjar.com` finds `hotjar.com`; `cdnjs.cloudflare.com` finds its own
/// entry before any entry for `cloudflare.com`.
pub fn lookup(host: &str) -> Option<&'static DomainRecord> {
    let mut candidate = host;
    loop {
        if let Ok(index) = DOMAINS.binary_search_by(|record| record.domain.cmp(candidate)) {
            return Some(&DOMAINS[index]);
        }
        // Drop the leftmost label; stop before a bare top-level label, which is never an entry.
        let (_, parent) = candidate.split_once('.')?;
        if !parent.contains('.') {
            return None;
        }
        candidate = parent;
    }
}

/// The entity that owns `host`, if the knowledge base knows it.
pub fn entity_of(host: &str) -> Option<&'static EntityRecord> {
    lookup(host).map(DomainRecord::entity)
}

/// Every entity in the knowledge base.
pub fn entities() -> &'static [EntityRecord] {
    ENTITIES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique_for_binary_search() {
        assert!(DOMAINS
            .windows(2)
            .all(|pair| pair[0].domain < pair[1].domain));
    }

    #[test]
    fn subdomains_find_their_parent_entry() {
        let record = lookup("static.hotjar.com").expect("hotjar is known");
        assert_eq!(record.domain, "hotjar.com");
        assert_eq!(record.entity().name, "Hotjar");
        assert_eq!(record.categories, &[Category::SessionReplay]);
    }

    #[test]
    fn the_most_specific_entry_wins() {
        assert_eq!(
            lookup("cdnjs.cloudflare.com").unwrap().categories,
            &[Category::Cdn]
        );
        assert_eq!(
            lookup("px.ads.linkedin.com").unwrap().categories,
            &[Category::Advertising]
        );
        assert_eq!(
            lookup("www.linkedin.com").unwrap().categories,
            &[Category::Social]
        );
    }

    #[test]
    fn unknown_and_lookalike_hosts_are_not_matched() {
        assert!(lookup("news.example").is_none());
        assert!(lookup("nothotjar.com").is_none());
        assert!(lookup("hotjar.com.evil.example").is_none());
        assert!(lookup("com").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn every_entity_has_a_domain_and_a_privacy_policy() {
        for (index, entity) in entities().iter().enumerate() {
            assert!(
                entity.privacy_policy.starts_with("https://"),
                "{}",
                entity.name
            );
            assert!(
                DOMAINS.iter().any(|d| d.entity == index),
                "{} has no domain",
                entity.name
            );
        }
    }
}
