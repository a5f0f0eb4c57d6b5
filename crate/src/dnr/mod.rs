//! The declarativeNetRequest (DNR) compiler: turns filter lists into Chrome's declarative
//! rules, within Chrome's limits, and says what it could not express and why. It also gives
//! `protection.rs`, which owns the user's choices and their precedence, the conditions that
//! match a company's or a category's domains.
//!
//! Chrome blocks with DNR rules in a Manifest V3 extension; the extension installs what this
//! module produces as a static ruleset file (`tracklens dnr`, at build time). Three kinds of
//! filter compile, each at its own priority, highest first:
//!
//! | priority | rules                           |
//! |----------|---------------------------------|
//! | 3        | `$important` list filters       |
//! | 2        | list exceptions (`@@`): `allow` |
//! | 1        | list filters: `block`           |
//!
//! A higher priority wins in Chrome, so an exception un-blocks an ordinary filter but not an
//! `$important` one (as in the engine, `filters/mod.rs`). The user's choices sit above all of
//! these, in their own rules (`protection.rs`).
//!
//! Filters translate one to one (`||host^path` stays `||host^path`; DNR's `urlFilter` has ABP's
//! `||`, `|`, `*` and `^` with the same meaning), except that with `merge_host_filters` every
//! plain `||host^` filter with the same options shares one rule listing the hosts in
//! `requestDomains`, which matches a host and its subdomains exactly as `||host^` does. That is
//! how a 40,000-host list fits in Chrome's 30,000 rules. What DNR cannot say is skipped and
//! counted by reason; nothing here panics on any filter.
//!
//! This file converts filters and choices; `rule.rs` is Chrome's rule schema and `re2.rs` checks
//! a regex filter against RE2 and estimates its compiled size.

use crate::filters::{Anchor, Domains, NetworkFilter, PartyOption, Pattern, TypeMask};
use crate::knowledge::{self, DomainRecord, EntityRecord};
use crate::party::site_of;
use crate::request::ResourceType;
use crate::taxonomy::Category;
use crate::url::NetworkUrl;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

mod re2;
mod rule;
#[cfg(test)]
mod tests;

use re2::check_regex;
pub use rule::{
    ActionType, DomainType, HeaderInfo, HeaderOperation, QueryTransform, Redirect, Rule, RuleAction, RuleCondition,
    UrlTransform,
};

/// `MAX_NUMBER_OF_DYNAMIC_RULES` of the Chrome this targets (156), for safe rules (block, allow,
/// allowAllRequests, upgradeScheme), which are all this module makes.
pub const MAX_DYNAMIC_RULES: usize = 30_000;
/// `MAX_NUMBER_OF_SESSION_RULES`.
pub const MAX_SESSION_RULES: usize = 5_000;
/// `MAX_NUMBER_OF_REGEX_RULES`: counted separately for dynamic rules and for each static ruleset.
pub const MAX_REGEX_RULES: usize = 1_000;
/// `GUARANTEED_MINIMUM_STATIC_RULES`: static rules every extension may enable.
pub const GUARANTEED_MINIMUM_STATIC_RULES: usize = 30_000;

/// Rule priorities (see the table above).
pub const PRIORITY_BLOCK: u32 = 1;
pub const PRIORITY_EXCEPTION: u32 = 2;
pub const PRIORITY_IMPORTANT: u32 = 3;

/// How many skipped inputs the report keeps as examples; the rest are only counted.
const KEPT_EXAMPLES: usize = 20;

/// Which limits to compile for, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DnrOptions {
    /// Rules beyond this many are dropped (and counted), lowest-priority kinds last.
    pub max_rules: usize,
    /// Regex filters beyond this many are skipped as not expressible.
    pub max_regex_rules: usize,
    /// One rule with `requestDomains` for all plain `||host^` filters with the same options,
    /// instead of one rule each.
    pub merge_host_filters: bool,
}

impl DnrOptions {
    /// For `updateDynamicRules`.
    pub const DYNAMIC: DnrOptions = DnrOptions::with_limit(MAX_DYNAMIC_RULES);
    /// For `updateSessionRules`.
    pub const SESSION: DnrOptions = DnrOptions::with_limit(MAX_SESSION_RULES);
    /// For a static ruleset shipped in the extension.
    pub const STATIC: DnrOptions = DnrOptions::with_limit(GUARANTEED_MINIMUM_STATIC_RULES);

    pub const fn with_limit(max_rules: usize) -> DnrOptions {
        DnrOptions { max_rules, max_regex_rules: MAX_REGEX_RULES, merge_host_filters: true }
    }
}

/// The rules, and what became of every input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DnrOutput {
    pub rules: Vec<Rule>,
    pub report: DnrReport,
}

/// For filters: `filters_in = converted + skipped (filter reasons) + filters_dropped_for_limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DnrReport {
    /// Network filters given.
    pub filters_in: usize,
    /// Filters expressed by a rule in the output (several may share one rule).
    pub converted: usize,
    /// Filters and choices that DNR cannot express, by reason.
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// The first skipped inputs, with their reasons.
    pub examples: Vec<Skipped>,
    /// Rules that did not fit under `DnrOptions::max_rules`.
    pub dropped_for_limit: usize,
    /// Filters whose only rule was dropped for the limit.
    pub filters_dropped_for_limit: usize,
}

/// One input that became no rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The filter as written, or the company, category or site chosen.
    pub text: String,
    /// For filters: the list index and the 1-based line.
    pub list: Option<u16>,
    pub line: Option<u32>,
    pub reason: String,
}

// Why an input is not expressible. These are the report's keys.
const URL_NOT_ASCII: &str = "urlFilter would not be ASCII";
const URL_HOST_WILDCARD: &str = "urlFilter would start with ||* (Chrome refuses it)";
const URL_INNER_PIPE: &str = "urlFilter has | inside the pattern (never matches in Chrome)";
const MATCHES_EVERYTHING: &str = "pattern matches every URL without narrowing options";
const DOMAIN_ENTITY: &str = "$domain= entity wildcard (name.*) has no DNR equivalent";
const DOMAIN_INVALID: &str = "$domain= entry is not a host name or IP address";
const DOMAIN_NESTED: &str = "$domain= includes a subdomain of an excluded domain (DNR exclusions always win)";
const REGEX_LIMIT: &str = "regex rule limit reached";
const REGEX_NOT_ASCII: &str = "regex: not ASCII";
const REGEX_LOOKAROUND: &str = "regex: lookaround or backreference (not RE2)";
const REGEX_CLASS: &str = "regex: nested class or class set operation (not RE2)";
const REGEX_FLAG: &str = "regex: flag RE2 lacks";
const REGEX_ESCAPE: &str = "regex: escape RE2 lacks or reads differently";
const REGEX_REPEAT: &str = "regex: repetition RE2 refuses ({,n} or over 1000)";
const REGEX_MALFORMED: &str = "regex: malformed";
const REGEX_TOO_LARGE: &str = "regex: over Chrome's 2 KB compiled-size limit (estimated)";
const CATEGORY_CDN: &str = "category: cdn is never blocked (pages need it)";
const CATEGORY_EMPTY: &str = "category: no domain in the knowledge base";
const SITE_INVALID: &str = "allowed site: not an ASCII host name or URL (use punycode)";
const SITE_IPV6: &str = "allowed site: IPv6 address";

/// Compiles list filters (as `filters::parse_list`, and so the engine, reads them, in list
/// order) into rules, within `options`' limits.
pub fn compile(filters: &[NetworkFilter], options: &DnrOptions) -> DnrOutput {
    let mut builder = Builder::new(options);
    builder.report.filters_in = filters.len();
    // Exceptions before ordinary blocks, so that a tight limit drops blocks rather than the
    // exceptions that keep sites working.
    let groups: [fn(&NetworkFilter) -> bool; 3] =
        [|f| !f.exception && f.important, |f| f.exception, |f| !f.exception && !f.important];
    for in_group in groups {
        for filter in filters.iter().filter(|f| in_group(f)) {
            builder.filter(filter);
        }
    }
    builder.finish()
}

/// The conditions matching a company's domains wherever they are third party, except on the
/// company's own sites: one (more only if the knowledge base nests another company's domain
/// inside this one's). `None` for a company the knowledge base does not know.
pub fn entity_conditions(name: &str) -> Option<Vec<RuleCondition>> {
    let entity = knowledge::entities().iter().find(|e| e.name.eq_ignore_ascii_case(name.trim()))?;
    Some(domain_conditions(entity, |record| record.entity().name == entity.name))
}

/// Per company with domains of the category, conditions like `entity_conditions`', so that a
/// company's own sites keep working. Content delivery is never included, even under a chosen
/// domain; `Err` says why a category has no conditions.
pub fn category_conditions(category: Category) -> Result<Vec<RuleCondition>, &'static str> {
    if category == Category::Cdn {
        return Err(CATEGORY_CDN);
    }
    let chosen =
        |record: &DomainRecord| record.categories.contains(&category) && !record.categories.contains(&Category::Cdn);
    // One pass to find the companies with such domains, rather than one per company.
    let owners: BTreeSet<&str> = knowledge::domains().iter().filter(|r| chosen(r)).map(|r| r.entity().name).collect();
    let mut conditions = Vec::new();
    for entity in knowledge::entities().iter().filter(|e| owners.contains(e.name)) {
        let of_entity = |record: &DomainRecord| record.entity().name == entity.name && chosen(record);
        conditions.extend(domain_conditions(entity, of_entity));
    }
    if conditions.is_empty() {
        return Err(CATEGORY_EMPTY);
    }
    Ok(conditions)
}

/// The conditions for the domains of `entity` that are `chosen` (a predicate true only for
/// some of the entity's own domains).
fn domain_conditions(entity: &EntityRecord, chosen: impl Fn(&DomainRecord) -> bool) -> Vec<RuleCondition> {
    let own_sites = entity_sites(entity);
    domain_layers(entity_candidates(entity.name), chosen)
        .into_iter()
        .map(|(request, excluded)| RuleCondition {
            request_domains: request,
            excluded_request_domains: excluded,
            excluded_initiator_domains: own_sites.clone(),
            domain_type: Some(DomainType::ThirdParty),
            ..RuleCondition::default()
        })
        .collect()
}

/// The registrable domain of a site given as a host or a URL, as Chrome's domain conditions
/// want it; `Err` says why it is not one.
pub fn site_domain(site: &str) -> Result<String, &'static str> {
    let site = site.trim();
    let url = if site.contains("://") { site.to_owned() } else { format!("https://{site}/") };
    let url = NetworkUrl::parse(&url).map_err(|_| SITE_INVALID)?;
    if url.host.starts_with('[') {
        return Err(SITE_IPV6);
    }
    Ok(site_of(&url).to_owned())
}

/// A rule before ids and limits.
struct Pending {
    priority: u32,
    action: ActionType,
    condition: RuleCondition,
    /// With `merge_host_filters`: the hosts of the merged `||host^` filters.
    hosts: Option<BTreeSet<String>>,
    /// How many filters the rule expresses.
    filters: usize,
}

type RuleKey = (u32, ActionType, RuleCondition);

struct Builder<'o> {
    options: &'o DnrOptions,
    pending: Vec<Pending>,
    /// Identical rules are made once; the key finds the first.
    seen: HashMap<RuleKey, usize>,
    /// Merged host rules, by everything but their hosts.
    merged: HashMap<RuleKey, usize>,
    regex_rules: usize,
    report: DnrReport,
}

impl<'o> Builder<'o> {
    fn new(options: &'o DnrOptions) -> Self {
        Builder {
            options,
            pending: Vec::new(),
            seen: HashMap::new(),
            merged: HashMap::new(),
            regex_rules: 0,
            report: DnrReport::default(),
        }
    }

    fn skip(&mut self, reason: &str, text: &str, place: Option<(u16, u32)>) {
        *self.report.skipped_by_reason.entry(reason.to_owned()).or_default() += 1;
        if self.report.examples.len() < KEPT_EXAMPLES {
            self.report.examples.push(Skipped {
                text: text.chars().take(200).collect(),
                list: place.map(|p| p.0),
                line: place.map(|p| p.1),
                reason: reason.to_owned(),
            });
        }
    }

    /// Adds a rule, or counts the filters toward an identical one made before.
    fn push(&mut self, priority: u32, action: ActionType, condition: RuleCondition, filters: usize) {
        let key = (priority, action, condition);
        if let Some(&at) = self.seen.get(&key) {
            self.pending[at].filters += filters;
            return;
        }
        let (priority, action, condition) = key.clone();
        self.seen.insert(key, self.pending.len());
        self.pending.push(Pending { priority, action, condition, hosts: None, filters });
    }

    fn filter(&mut self, filter: &NetworkFilter) {
        let place = Some((filter.list, filter.line));
        let converted = match convert(filter, self.options.merge_host_filters) {
            Ok(converted) => converted,
            Err(reason) => return self.skip(reason, &filter.text, place),
        };
        let Converted { priority, action, condition, host, regex } = converted;
        if let Some(host) = host {
            let key = (priority, action, condition);
            match self.merged.get(&key) {
                Some(&at) => {
                    let rule = &mut self.pending[at];
                    rule.hosts.get_or_insert_with(BTreeSet::new).insert(host);
                    rule.filters += 1;
                }
                None => {
                    let (priority, action, condition) = key.clone();
                    self.merged.insert(key, self.pending.len());
                    let hosts = Some(BTreeSet::from([host]));
                    self.pending.push(Pending { priority, action, condition, hosts, filters: 1 });
                }
            }
            return;
        }
        if regex {
            let key = (priority, action, condition);
            if let Some(&at) = self.seen.get(&key) {
                self.pending[at].filters += 1;
                return;
            }
            if self.regex_rules >= self.options.max_regex_rules {
                return self.skip(REGEX_LIMIT, &filter.text, place);
            }
            self.regex_rules += 1;
            let (priority, action, condition) = key;
            return self.push(priority, action, condition, 1);
        }
        self.push(priority, action, condition, 1);
    }

    fn finish(mut self) -> DnrOutput {
        let mut rules = Vec::with_capacity(self.pending.len().min(self.options.max_rules));
        for pending in self.pending {
            if rules.len() >= self.options.max_rules {
                self.report.dropped_for_limit += 1;
                self.report.filters_dropped_for_limit += pending.filters;
                continue;
            }
            let mut condition = pending.condition;
            if let Some(hosts) = pending.hosts {
                condition.request_domains = without_subdomains(hosts);
            }
            self.report.converted += pending.filters;
            rules.push(Rule {
                id: rules.len() as u32 + 1,
                priority: pending.priority,
                action: RuleAction::of(pending.action),
                condition,
            });
        }
        DnrOutput { rules, report: self.report }
    }
}

/// A filter as a rule: `host` is set for a plain `||host^` filter to merge, `regex` for a
/// `regexFilter` rule (they have their own limit).
struct Converted {
    priority: u32,
    action: ActionType,
    condition: RuleCondition,
    host: Option<String>,
    regex: bool,
}

fn convert(filter: &NetworkFilter, merge_hosts: bool) -> Result<Converted, &'static str> {
    // An exception is an exception even when marked important, as in the engine.
    let (priority, action) = match (filter.exception, filter.important) {
        (true, _) => (PRIORITY_EXCEPTION, ActionType::Allow),
        (false, true) => (PRIORITY_IMPORTANT, ActionType::Block),
        (false, false) => (PRIORITY_BLOCK, ActionType::Block),
    };
    let mut condition = RuleCondition {
        domain_type: match filter.party() {
            PartyOption::Any => None,
            PartyOption::FirstOnly => Some(DomainType::FirstParty),
            PartyOption::ThirdOnly => Some(DomainType::ThirdParty),
        },
        ..RuleCondition::default()
    };
    if let Some(domains) = filter.domains() {
        (condition.initiator_domains, condition.excluded_initiator_domains) = initiator_domains(domains)?;
    }
    (condition.resource_types, condition.excluded_resource_types) = resource_types(filter.types());
    let case_sensitive = Some(filter.match_case());
    let mut host = None;
    let mut regex = false;
    match filter.pattern() {
        Pattern::Regex(source) => {
            check_regex(source, filter.match_case())?;
            condition.regex_filter = Some(source.clone());
            condition.is_url_filter_case_sensitive = case_sensitive;
            regex = true;
        }
        Pattern::Glob { anchor, end_anchor, parts } => match mergeable_host(*anchor, *end_anchor, parts) {
            Some(plain) if merge_hosts && !filter.match_case() => host = Some(plain.to_owned()),
            _ => {
                condition.url_filter = url_filter(*anchor, *end_anchor, parts)?;
                if condition.url_filter.is_some() {
                    condition.is_url_filter_case_sensitive = case_sensitive;
                } else if !narrowed(&condition) {
                    return Err(MATCHES_EVERYTHING);
                }
            }
        },
    }
    Ok(Converted { priority, action, condition, host, regex })
}

/// Whether a rule without a URL pattern is still limited, as the list parser demands of an
/// empty pattern: to some pages, or to some types and a party (`$ping,third-party`).
fn narrowed(condition: &RuleCondition) -> bool {
    let typed = !condition.resource_types.is_empty() || !condition.excluded_resource_types.is_empty();
    !condition.initiator_domains.is_empty()
        || !condition.excluded_initiator_domains.is_empty()
        || (typed && condition.domain_type.is_some())
}

/// The host of a plain `||host^` pattern, which `requestDomains: [host]` expresses exactly.
fn mergeable_host(anchor: Anchor, end_anchor: bool, parts: &[String]) -> Option<&str> {
    if anchor != Anchor::Host || end_anchor || parts.len() != 1 {
        return None;
    }
    let host = parts[0].strip_suffix('^')?;
    let plain = !host.is_empty()
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.contains("..")
        && host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
    plain.then_some(host)
}

/// The `urlFilter` of a glob pattern; `None` when it would match every URL.
fn url_filter(anchor: Anchor, end_anchor: bool, parts: &[String]) -> Result<Option<String>, &'static str> {
    let body = parts.join("*");
    if body.is_empty() || body.bytes().all(|b| b == b'*') {
        // `||`, `|`, `*` or an empty pattern: every URL.
        return Ok(None);
    }
    if !body.is_ascii() {
        return Err(URL_NOT_ASCII);
    }
    if body.contains('|') {
        return Err(URL_INNER_PIPE);
    }
    let prefix = match anchor {
        Anchor::None => "",
        Anchor::Start => "|",
        Anchor::Host if body.starts_with('*') => return Err(URL_HOST_WILDCARD),
        Anchor::Host => "||",
    };
    let suffix = if end_anchor { "|" } else { "" };
    Ok(Some(format!("{prefix}{body}{suffix}")))
}

/// `$domain=` as `initiatorDomains` and `excludedInitiatorDomains`. The engine lets the most
/// specific entry decide; Chrome always lets an exclusion win, so the two agree unless an
/// included domain lies under an excluded one.
fn initiator_domains(domains: &Domains) -> Result<(Vec<String>, Vec<String>), &'static str> {
    for domain in domains.include.iter().chain(&domains.exclude) {
        if domain.ends_with(".*") {
            return Err(DOMAIN_ENTITY);
        }
        // Chrome takes IPv6 addresses in brackets, as the engine does (checked on Chromium 156).
        let ipv6 = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')).is_some_and(|inner| {
            !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'))
        });
        let plain = !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
        if !plain && !ipv6 {
            return Err(DOMAIN_INVALID);
        }
    }
    let nested = domains.include.iter().any(|inc| domains.exclude.iter().any(|exc| is_subdomain(inc, exc)));
    if nested {
        return Err(DOMAIN_NESTED);
    }
    let sorted =
        |list: &[String]| -> Vec<String> { list.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect() };
    Ok((sorted(&domains.include), sorted(&domains.exclude)))
}

/// `host` is a proper subdomain of `domain`.
fn is_subdomain(host: &str, domain: &str) -> bool {
    host.len() > domain.len() + 1 && host.ends_with(domain) && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// Chrome's resource types, in its documented order, with the filter-list type of each. The
/// engine files the types filter lists have no name for under `other`.
const CHROME_TYPES: [(ResourceType, u16); 15] = [
    (ResourceType::MainFrame, TypeMask::DOCUMENT),
    (ResourceType::SubFrame, TypeMask::SUBDOCUMENT),
    (ResourceType::Stylesheet, TypeMask::STYLESHEET),
    (ResourceType::Script, TypeMask::SCRIPT),
    (ResourceType::Image, TypeMask::IMAGE),
    (ResourceType::Font, TypeMask::FONT),
    (ResourceType::Object, TypeMask::OBJECT),
    (ResourceType::Xmlhttprequest, TypeMask::XHR),
    (ResourceType::Ping, TypeMask::PING),
    (ResourceType::CspReport, TypeMask::OTHER),
    (ResourceType::Media, TypeMask::MEDIA),
    (ResourceType::Websocket, TypeMask::WEBSOCKET),
    (ResourceType::Webtransport, TypeMask::OTHER),
    (ResourceType::Webbundle, TypeMask::OTHER),
    (ResourceType::Other, TypeMask::OTHER),
];

/// Every resource type Chrome knows, navigations included, in its documented order.
pub fn all_resource_types() -> Vec<ResourceType> {
    CHROME_TYPES.into_iter().map(|(t, _)| t).collect()
}

/// A type mask as `resourceTypes` or `excludedResourceTypes`, whichever is shorter; neither
/// when it is Chrome's default (every type but main_frame). Chrome accepts only one of them.
fn resource_types(types: TypeMask) -> (Vec<ResourceType>, Vec<ResourceType>) {
    let (included, excluded): (Vec<_>, Vec<_>) = CHROME_TYPES.into_iter().partition(|&(_, bit)| types.contains(bit));
    let included: Vec<ResourceType> = included.into_iter().map(|(t, _)| t).collect();
    let excluded: Vec<ResourceType> = excluded.into_iter().map(|(t, _)| t).collect();
    if excluded == [ResourceType::MainFrame] {
        (Vec::new(), Vec::new())
    } else if excluded.is_empty() || included.len() <= excluded.len() {
        (included, Vec::new())
    } else {
        (Vec::new(), excluded)
    }
}

/// Drops every domain that another in the set already covers (`a.example.com` under
/// `example.com`): Chrome's domain lists match subdomains too.
pub(crate) fn without_subdomains(domains: BTreeSet<String>) -> Vec<String> {
    let covered = |domain: &str| {
        let mut rest = domain;
        while let Some((_, parent)) = rest.split_once('.') {
            if domains.contains(parent) {
                return true;
            }
            rest = parent;
        }
        false
    };
    domains.iter().filter(|d| !covered(d)).cloned().collect()
}

/// Where a company is first party: its knowledge-base domains and the site of its homepage.
pub(crate) fn entity_sites(entity: &EntityRecord) -> Vec<String> {
    let domains = knowledge::domains();
    let mut sites: BTreeSet<String> =
        entity_domains(entity.name).iter().map(|&at| domains[at].domain.to_owned()).collect();
    if let Some(url) = entity.homepage.and_then(|home| NetworkUrl::parse(home).ok()) {
        if !url.host.starts_with('[') {
            sites.insert(site_of(&url).to_owned());
        }
    }
    without_subdomains(sites)
}

/// `(requestDomains, excludedRequestDomains)` pairs that together match exactly the hosts whose
/// most specific knowledge-base entry is `chosen`, as `knowledge::lookup` decides. A chosen
/// domain's unchosen subdomain entries are excluded; a chosen entry under such an exclusion
/// (Chrome's exclusions always win) goes to a further pair. Pair `k` holds the chosen entries
/// with `k` chosen-to-unchosen steps above them.
///
/// Only `candidates` (domain indices, ascending) are looked at: they must include every chosen
/// entry and every entry right under one; any other entry is neither chosen nor under a chosen
/// one, so it places nothing (see `entity_candidates`).
fn domain_layers(
    candidates: impl IntoIterator<Item = usize>,
    chosen: impl Fn(&DomainRecord) -> bool,
) -> Vec<(Vec<String>, Vec<String>)> {
    let domains = knowledge::domains();
    let parents = parents();
    let mut layers: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut place = |layer: usize, domain: &str, include: bool| {
        if layers.len() <= layer {
            layers.resize_with(layer + 1, Default::default);
        }
        let (request, excluded) = &mut layers[layer];
        if include { request } else { excluded }.push(domain.to_owned());
    };
    for index in candidates {
        let record = &domains[index];
        let picked = chosen(record);
        let parent_chosen = parents[index].is_some_and(|above| chosen(&domains[above]));
        // Covered by its chosen parent, or outside every chosen domain: nothing to place.
        if picked == parent_chosen {
            continue;
        }
        // The chain of entries from the top down to this one.
        let mut chain = vec![index];
        while let Some(above) = parents[chain[chain.len() - 1]] {
            chain.push(above);
        }
        chain.reverse();
        let picks: Vec<bool> = chain.iter().map(|&at| chosen(&domains[at])).collect();
        let steps_before = |end: usize| picks[..end].windows(2).filter(|w| w[0] && !w[1]).count();
        let last = picks.len() - 1;
        if picked {
            // The top of a chosen run.
            place(steps_before(last + 1), record.domain, true);
        } else {
            // An unchosen entry right under a chosen one: excluded in the parent's pair.
            place(steps_before(last), record.domain, false);
        }
    }
    layers.retain(|(request, _)| !request.is_empty());
    layers
}

/// The knowledge-base domains (indices, ascending) of each company, found once: a company's or
/// a category's rules look at its own domains, not at the whole knowledge base per company.
fn entity_domains(name: &str) -> &'static [usize] {
    static BY_ENTITY: OnceLock<HashMap<&'static str, Vec<usize>>> = OnceLock::new();
    let by_entity = BY_ENTITY.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (at, record) in knowledge::domains().iter().enumerate() {
            map.entry(record.entity().name).or_default().push(at);
        }
        map
    });
    by_entity.get(name).map_or(&[], Vec::as_slice)
}

/// The entries `domain_layers` must look at for choices among a company's domains: its own
/// domains and the entries right under them (which may belong to anyone), ascending.
fn entity_candidates(name: &str) -> Vec<usize> {
    static CHILDREN: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    let children = CHILDREN.get_or_init(|| {
        let mut children = vec![Vec::new(); knowledge::domains().len()];
        for (at, parent) in parents().iter().enumerate() {
            if let Some(parent) = parent {
                children[*parent].push(at);
            }
        }
        children
    });
    let own = entity_domains(name);
    let mut out: Vec<usize> = own.iter().chain(own.iter().flat_map(|&at| &children[at])).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// For each knowledge-base domain (by index), the index of the closest entry above it, found
/// once: every company and category rule walks these chains.
fn parents() -> &'static [Option<usize>] {
    static PARENTS: OnceLock<Vec<Option<usize>>> = OnceLock::new();
    PARENTS.get_or_init(|| {
        let domains = knowledge::domains();
        domains
            .iter()
            .map(|record| {
                let above = record.domain.split_once('.').and_then(|(_, rest)| knowledge::lookup(rest))?;
                domains.binary_search_by(|r| r.domain.cmp(above.domain)).ok()
            })
            .collect()
    })
}
