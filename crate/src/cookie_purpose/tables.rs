//! The compiled cookie table: exact names by binary search, prefixes by a walk up each
//! prefix's chain of shorter prefixes, names of the same family, and per-domain profiles.

use super::*;

pub(crate) struct Vendor {
    pub(super) name: &'static str,
    pub(super) entity: Option<usize>,
}

#[doc(hidden)]
pub struct Pattern {
    pub(super) text: &'static str,
    /// Index of the longest shorter prefix in `PREFIXES`, or `NO_PARENT`.
    pub(super) parent: usize,
    pub(super) rules: &'static [Rule],
}

#[doc(hidden)]
pub struct Rule {
    pub(super) domain: Option<&'static str>,
    pub(super) purpose: CookiePurpose,
    pub(super) vendor: usize,
    pub(super) identifier: bool,
    pub(super) holdout: bool,
    pub(super) hand_written: bool,
}

#[doc(hidden)]
pub struct DomainProfile {
    pub(super) domain: &'static str,
    pub(super) purpose: CookiePurpose,
    pub(super) vendor: usize,
    pub(super) rows: u32,
    pub(super) holdout: bool,
}

pub(super) const NO_PARENT: usize = u16::MAX as usize;

include!(concat!(env!("OUT_DIR"), "/cookie_table.rs"));

pub(super) fn vendor_of(rule: &Rule) -> Option<&'static Vendor> {
    VENDORS.get(rule.vendor)
}

/// `domain` is `rule_domain` or one of its subdomains.
pub(super) fn domain_matches(domain: &str, rule_domain: &str) -> bool {
    domain == rule_domain
        || (domain.len() > rule_domain.len()
            && domain.ends_with(rule_domain)
            && domain.as_bytes()[domain.len() - rule_domain.len() - 1] == b'.')
}

pub(super) fn choose(pattern: &'static Pattern, domain: &str, set: TableSet) -> Option<&'static Rule> {
    pattern.rules.iter().find(|rule| {
        !(set == TableSet::WithoutHoldout && rule.holdout) && rule.domain.is_none_or(|d| domain_matches(domain, d))
    })
}

pub(super) fn table_match(pattern: &'static Pattern, rule: &'static Rule, prefix: bool) -> TableMatch {
    TableMatch {
        pattern: pattern.text,
        prefix,
        domain: rule.domain,
        purpose: rule.purpose,
        vendor: vendor_of(rule).map(|v| v.name),
        identifier: rule.identifier,
        source: if rule.hand_written { TableSource::Tracklens } else { TableSource::OpenCookieDatabase },
        holdout: rule.holdout,
        entity: vendor_of(rule).and_then(|v| v.entity).map(|i| &knowledge::entities()[i]),
    }
}

/// The table entry for a cookie or key `name` set on `domain` (lower case, no leading dot; may
/// be empty): an exact name first, else the longest prefix. Entries limited to a domain apply
/// only there.
pub fn lookup(name: &str, domain: &str, set: TableSet) -> Option<TableMatch> {
    if let Ok(index) = EXACT.binary_search_by(|p| p.text.cmp(name)) {
        if let Some(rule) = choose(&EXACT[index], domain, set) {
            return Some(table_match(&EXACT[index], rule, false));
        }
    }
    // Every prefix of `name` sorts at or before `name`, and each is also a prefix of the last
    // pattern sorting at or before it: walk that pattern's chain of shorter prefixes.
    let mut index = PREFIXES.partition_point(|p| p.text <= name).checked_sub(1)?;
    loop {
        let pattern = &PREFIXES[index];
        if name.starts_with(pattern.text) {
            if let Some(rule) = choose(pattern, domain, set) {
                return Some(table_match(pattern, rule, true));
            }
        }
        if pattern.parent == NO_PARENT {
            return None;
        }
        index = pattern.parent;
    }
}

/// The closest known name sharing a long prefix with `name` (a vendor's naming scheme:
/// `_KnowledgePageFilterX` beside `_KnowledgePageFilter`): at least 6 shared characters, or 4
/// ending in `_`, `-` or `.`. Returns the shared prefix and the entry.
pub(super) fn similar_name<'n>(name: &'n str, domain: &str, set: TableSet) -> Option<(&'n str, TableMatch)> {
    let mut best: Option<(usize, TableMatch)> = None;
    for (patterns, prefix) in [(EXACT, false), (PREFIXES, true)] {
        let at = patterns.partition_point(|p| p.text < name);
        // The nearest neighbours on each side that apply here.
        let below = patterns[..at].iter().rev().take(4);
        let above = patterns[at..].iter().take(4);
        for pattern in below.chain(above) {
            let Some(rule) = choose(pattern, domain, set) else { continue };
            let shared = name.bytes().zip(pattern.text.bytes()).take_while(|(a, b)| a == b).count();
            if best.as_ref().is_none_or(|(len, _)| shared > *len) {
                best = Some((shared, table_match(pattern, rule, prefix)));
            }
        }
    }
    let (mut shared, found) = best?;
    while !name.is_char_boundary(shared) {
        shared -= 1;
    }
    let stem = &name[..shared];
    let long_enough = shared >= 6 || (shared >= 4 && stem.ends_with(['_', '-', '.']));
    long_enough.then_some((stem, found))
}

/// What the table's other cookies on `domain` (or a parent domain) are for.
pub(super) fn domain_profile(domain: &str, set: TableSet) -> Option<&'static DomainProfile> {
    let mut candidate = domain;
    loop {
        if let Ok(index) = DOMAIN_PROFILES.binary_search_by(|p| p.domain.cmp(candidate)) {
            let profile = &DOMAIN_PROFILES[index];
            return (!(set == TableSet::WithoutHoldout && profile.holdout)).then_some(profile);
        }
        let (_, parent) = candidate.split_once('.')?;
        if !parent.contains('.') {
            return None;
        }
        candidate = parent;
    }
}

/// One row of the table, for tools and benchmarks: the pattern, with `*` for a prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub pattern: String,
    pub matched: TableMatch,
}

/// Every rule in the table: exact names in name order, then prefixes in name order; within a
/// pattern, the rules limited to a domain before the unrestricted one (the order `lookup`
/// tries them in).
pub fn table() -> Vec<TableRow> {
    let mut rows = Vec::new();
    for (patterns, prefix) in [(EXACT, false), (PREFIXES, true)] {
        for pattern in patterns {
            for rule in pattern.rules {
                let star = if prefix { "*" } else { "" };
                rows.push(TableRow {
                    pattern: format!("{}{star}", pattern.text),
                    matched: table_match(pattern, rule, prefix),
                });
            }
        }
    }
    rows
}
