//! The declarativeNetRequest (DNR) compiler: turns blocking choices into Chrome's declarative
//! rules, within Chrome's limits, and says what it could not express and why.
//!
//! Chrome blocks with DNR rules in a Manifest V3 extension; the extension installs what this
//! module produces (`updateDynamicRules`, `updateSessionRules` or a static ruleset file). Four
//! kinds of choice compile, each at its own priority, highest first:
//!
//! | priority | rules                                                                          |
//! |----------|--------------------------------------------------------------------------------|
//! | 4        | allow-listed sites: `allowAllRequests` on their main and sub frames            |
//! | 3        | `$important` list filters, and companies or categories the user chose to block |
//! | 2        | list exceptions (`@@`): `allow`                                                |
//! | 1        | list filters: `block`                                                          |
//!
//! A higher priority wins in Chrome, so an exception un-blocks an ordinary filter but not an
//! `$important` one (as in the engine, `filters/mod.rs`), a list exception never un-blocks a
//! company the user blocked, and an allow-listed site is never blocked at all: Chrome applies
//! an `allowAllRequests` rule on a frame to every request of that frame whose other matching
//! rules have a lower priority.
//!
//! Filters translate one to one (`||host^path` stays `||host^path`; DNR's `urlFilter` has ABP's
//! `||`, `|`, `*` and `^` with the same meaning), except that with `merge_host_filters` every
//! plain `||host^` filter with the same options shares one rule listing the hosts in
//! `requestDomains`, which matches a host and its subdomains exactly as `||host^` does. That is
//! how a 40,000-host list fits in Chrome's 30,000 rules. What DNR cannot say is skipped and
//! counted by reason; nothing here panics on any filter.

use crate::filters::{Anchor, Domains, NetworkFilter, PartyOption, Pattern, TypeMask};
use crate::knowledge::{self, DomainRecord, EntityRecord};
use crate::party::site_of;
use crate::request::ResourceType;
use crate::taxonomy::Category;
use crate::url::NetworkUrl;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

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
pub const PRIORITY_CHOSEN: u32 = 3;
pub const PRIORITY_ALLOW_LIST: u32 = 4;

/// How many skipped inputs the report keeps as examples; the rest are only counted.
const KEPT_EXAMPLES: usize = 20;

/// Largest RE2 program Chrome accepts for a `regexFilter`, in instructions. Chrome compiles each
/// one with RE2 under a 2 KB memory limit (`kRegexMaxMemKb`), which RE2 turns into a ceiling on
/// program instructions. Measured with `declarativeNetRequest.isRegexSupported` on Chromium 156:
/// `a{112}` is the longest run of `a` accepted, that is 112 + Fail + Match + the `.*?` loop.
/// On 32 families of patterns (`[0-9a-f]{n}`, `.{n}`, `\w{n}`, `(ab|cd){n}`, `x{1,n}`, …)
/// `Re2Estimate` found the same largest `n` as Chrome for 28 and a smaller one (the safe side)
/// for 4; on the 27 regex filters of EasyList and EasyPrivacy it agreed with Chrome on all. The
/// estimate matters: Chrome refuses a whole `updateDynamicRules` call when one rule is invalid.
const MAX_REGEX_PROGRAM: usize = 116;
/// RE2's largest counted repetition (`{n,m}`).
const MAX_REPEAT: usize = 1_000;
/// Deeper group nesting is refused before the estimate recurses (lists come from the network).
const MAX_REGEX_NESTING: usize = 50;

/// What the user chose to block, and where nothing is blocked.
#[derive(Debug, Clone, Default)]
pub struct BlockingChoices<'a> {
    /// The network filters of the enabled lists, as `filters::parse_list` (and so the engine)
    /// reads them, in list order.
    pub filters: &'a [NetworkFilter],
    /// Companies to block, by their knowledge-base name (`Meta`, `Google`).
    pub entities: Vec<String>,
    /// Purposes to block. `Cdn` is refused (it would break pages); `Consent` is blocked only
    /// when listed here, never by `tracking_categories`.
    pub categories: Vec<Category>,
    /// Sites (host names or URLs) on which nothing is blocked. Each stands for its whole site,
    /// its registrable domain: `www.news.example` allow-lists `news.example` and subdomains.
    pub allowed_sites: Vec<String>,
}

/// The categories that track the visitor: every category but `Cdn` and `Consent`.
pub fn tracking_categories() -> Vec<Category> {
    Category::ALL.into_iter().filter(|c| c.is_tracking()).collect()
}

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

/// One DNR rule, serialised exactly as Chrome's `declarativeNetRequest.Rule`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// Unique, from 1, in output order.
    pub id: u32,
    pub priority: u32,
    pub action: RuleAction,
    pub condition: RuleCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAction {
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// For `redirect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    /// For `modifyHeaders`: headers of the request, then of the response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<HeaderInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<HeaderInfo>,
}

impl RuleAction {
    /// An action that needs nothing but its type (block, allow, allowAllRequests, upgradeScheme).
    pub fn of(kind: ActionType) -> RuleAction {
        RuleAction { kind, redirect: None, request_headers: Vec::new(), response_headers: Vec::new() }
    }
}

/// Chrome's `Redirect`, as far as removing query parameters needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redirect {
    pub transform: UrlTransform,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlTransform {
    pub query_transform: QueryTransform,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryTransform {
    pub remove_params: Vec<String>,
}

/// Chrome's `ModifyHeaderInfo`: `value` only for `set` and `append`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HeaderInfo {
    pub header: String,
    pub operation: HeaderOperation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HeaderOperation {
    Set,
    Append,
    Remove,
}

/// Chrome's `RuleActionType`. The list compiler makes the first three; the settings compiler
/// (`protection.rs`) the others too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionType {
    Block,
    Allow,
    AllowAllRequests,
    UpgradeScheme,
    Redirect,
    ModifyHeaders,
}

/// Chrome's `DomainType`: the request's site against the site of the frame that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DomainType {
    FirstParty,
    ThirdParty,
}

/// Chrome's `RuleCondition`. Absent fields (and empty lists, which Chrome refuses) are left out.
/// Without `resourceTypes` or `excludedResourceTypes` a rule matches every type but main_frame.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_url_filter_case_sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiator_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_initiator_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_request_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_resource_types: Vec<ResourceType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<DomainType>,
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
const UNKNOWN_ENTITY: &str = "entity: not in the knowledge base";
const CATEGORY_CDN: &str = "category: cdn is never blocked (pages need it)";
const CATEGORY_EMPTY: &str = "category: no domain in the knowledge base";
const SITE_INVALID: &str = "allowed site: not an ASCII host name or URL (use punycode)";
const SITE_IPV6: &str = "allowed site: IPv6 address";

/// Compiles the choices into rules, within `options`' limits.
pub fn compile(choices: &BlockingChoices, options: &DnrOptions) -> DnrOutput {
    let mut builder = Builder::new(options);
    builder.report.filters_in = choices.filters.len();
    builder.allow_list(&choices.allowed_sites);
    for name in &choices.entities {
        builder.entity(name);
    }
    for &category in &choices.categories {
        builder.category(category);
    }
    // Exceptions before ordinary blocks, so that a tight limit drops blocks rather than the
    // exceptions that keep sites working.
    let groups: [fn(&NetworkFilter) -> bool; 3] =
        [|f| !f.exception && f.important, |f| f.exception, |f| !f.exception && !f.important];
    for in_group in groups {
        for filter in choices.filters.iter().filter(|f| in_group(f)) {
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

fn domain_conditions(entity: &EntityRecord, chosen: impl Fn(&DomainRecord) -> bool) -> Vec<RuleCondition> {
    let own_sites = entity_sites(entity);
    domain_layers(chosen)
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

    fn allow_list(&mut self, sites: &[String]) {
        let mut domains = BTreeSet::new();
        for site in sites {
            match site_domain(site) {
                Ok(domain) => {
                    domains.insert(domain);
                }
                Err(reason) => self.skip(reason, site, None),
            }
        }
        if domains.is_empty() {
            return;
        }
        let condition = RuleCondition {
            request_domains: without_subdomains(domains),
            resource_types: vec![ResourceType::MainFrame, ResourceType::SubFrame],
            ..RuleCondition::default()
        };
        self.push(PRIORITY_ALLOW_LIST, ActionType::AllowAllRequests, condition, 0);
    }

    fn entity(&mut self, name: &str) {
        match entity_conditions(name) {
            Some(conditions) => self.block_all(conditions),
            None => self.skip(UNKNOWN_ENTITY, name, None),
        }
    }

    fn category(&mut self, category: Category) {
        match category_conditions(category) {
            Ok(conditions) => self.block_all(conditions),
            Err(reason) => self.skip(reason, category.as_str(), None),
        }
    }

    fn block_all(&mut self, conditions: Vec<RuleCondition>) {
        for condition in conditions {
            self.push(PRIORITY_CHOSEN, ActionType::Block, condition, 0);
        }
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
fn entity_sites(entity: &EntityRecord) -> Vec<String> {
    let mut sites: BTreeSet<String> = knowledge::domains()
        .iter()
        .filter(|record| record.entity().name == entity.name)
        .map(|record| record.domain.to_owned())
        .collect();
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
fn domain_layers(chosen: impl Fn(&DomainRecord) -> bool) -> Vec<(Vec<String>, Vec<String>)> {
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
    for (index, record) in domains.iter().enumerate() {
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

/// Whether Chrome can take `source` as a `regexFilter`: RE2 syntax, and a compiled program
/// likely within Chrome's limit. The engine has already compiled it with the `regex` crate,
/// so only what that crate accepts and RE2 does not (or reads differently) is checked.
fn check_regex(source: &str, match_case: bool) -> Result<(), &'static str> {
    if !source.is_ascii() {
        return Err(REGEX_NOT_ASCII);
    }
    let mut estimate = Re2Estimate { src: source.as_bytes(), at: 0, fold: !match_case, top_alternation: false };
    let body = estimate.alternation(0)?;
    if estimate.at < estimate.src.len() {
        return Err(REGEX_MALFORMED);
    }
    // Every program has a Fail and a Match instruction; an unanchored one also a `.*?` loop.
    let anchored = source.starts_with('^') && !estimate.top_alternation;
    let total = body.cost.saturating_add(if anchored { 2 } else { 4 });
    if total > MAX_REGEX_PROGRAM {
        return Err(REGEX_TOO_LARGE);
    }
    Ok(())
}

/// The bytes one regex atom can match (Chrome compiles regexes in RE2's Latin-1 mode).
#[derive(Clone, Copy)]
struct ByteSet([u64; 4]);

impl ByteSet {
    const EMPTY: ByteSet = ByteSet([0; 4]);

    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn set(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    /// Adds `lo..=hi`, with the other case of each letter when matching ignores case.
    fn add(&mut self, lo: u8, hi: u8, fold: bool) {
        for b in lo..=hi {
            self.set(b);
            if fold && b.is_ascii_alphabetic() {
                self.set(b ^ 0x20);
            }
        }
    }

    fn union(&mut self, other: &ByteSet) {
        for (word, o) in self.0.iter_mut().zip(other.0) {
            *word |= o;
        }
    }

    fn negate(&mut self) {
        for word in &mut self.0 {
            *word = !*word;
        }
    }

    /// RE2 instructions for a class: one byte range per run of bytes, and one alternation
    /// between consecutive ranges. A run of capitals and the same run of small letters share
    /// one case-folding range.
    fn cost(&self) -> usize {
        let mut runs: Vec<(u8, u8)> = Vec::new();
        for b in 0..=255u8 {
            if !self.has(b) {
                continue;
            }
            match runs.last_mut() {
                Some(run) if run.1.checked_add(1) == Some(b) => run.1 = b,
                _ => runs.push((b, b)),
            }
        }
        let shared = runs
            .iter()
            .filter(|&&(lo, hi)| lo.is_ascii_uppercase() && hi.is_ascii_uppercase())
            .filter(|&&(lo, hi)| runs.contains(&(lo + 32, hi + 32)))
            .count();
        match runs.len() - shared {
            0 => 1,
            ranges => 2 * ranges - 1,
        }
    }
}

/// An estimate of a regex part's RE2 program size; `set` when it is one single-byte class,
/// which RE2 folds into a class when alternated with others like it (`a|b|c` is `[a-c]`).
struct Piece {
    cost: usize,
    set: Option<ByteSet>,
}

/// A recursive-descent reading of a regex that prices each construct as RE2 compiles it and
/// refuses syntax RE2 lacks. Counted repetitions are unrolled, as RE2 does, which is what makes
/// `[0-9a-f]{40}` too large while long literal paths fit.
struct Re2Estimate<'a> {
    src: &'a [u8],
    at: usize,
    fold: bool,
    top_alternation: bool,
}

impl Re2Estimate<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.at + ahead).copied()
    }

    fn next(&mut self) -> Result<u8, &'static str> {
        let b = self.peek().ok_or(REGEX_MALFORMED)?;
        self.at += 1;
        Ok(b)
    }

    fn alternation(&mut self, depth: usize) -> Result<Piece, &'static str> {
        if depth > MAX_REGEX_NESTING {
            return Err(REGEX_TOO_LARGE);
        }
        let mut branches = vec![self.sequence(depth)?];
        while self.peek() == Some(b'|') {
            self.at += 1;
            branches.push(self.sequence(depth)?);
        }
        if branches.len() == 1 {
            return Ok(branches.remove(0));
        }
        if depth == 0 {
            self.top_alternation = true;
        }
        if branches.iter().all(|b| b.set.is_some()) {
            let mut union = ByteSet::EMPTY;
            for set in branches.iter().filter_map(|b| b.set.as_ref()) {
                union.union(set);
            }
            return Ok(Piece { cost: union.cost(), set: Some(union) });
        }
        let cost = branches.iter().fold(branches.len() - 1, |sum, b| sum.saturating_add(b.cost));
        Ok(Piece { cost, set: None })
    }

    fn sequence(&mut self, depth: usize) -> Result<Piece, &'static str> {
        let (mut cost, mut count, mut last) = (0usize, 0, None);
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' {
                break;
            }
            let piece = self.repetition(depth)?;
            cost = cost.saturating_add(piece.cost);
            count += 1;
            last = piece.set;
        }
        Ok(Piece { cost, set: if count == 1 { last } else { None } })
    }

    fn repetition(&mut self, depth: usize) -> Result<Piece, &'static str> {
        let atom = self.atom(depth)?;
        let cost = match self.peek() {
            Some(b'*' | b'+' | b'?') => {
                self.at += 1;
                atom.cost.saturating_add(1)
            }
            Some(b'{') => {
                let (min, max) = self.counted()?;
                match max {
                    // `x{n,}`: n copies, then one alternation for the loop.
                    None => atom.cost.saturating_mul(min.max(1)).saturating_add(1),
                    // `x{n,m}`: m copies, the last m - n optional.
                    Some(max) => atom.cost.saturating_mul(max).saturating_add(max - min),
                }
            }
            _ => return Ok(atom),
        };
        if self.peek() == Some(b'?') {
            self.at += 1; // non-greedy: same program size
        }
        Ok(Piece { cost, set: None })
    }

    /// `{n}`, `{n,}` or `{n,m}`, after an atom.
    fn counted(&mut self) -> Result<(usize, Option<usize>), &'static str> {
        self.at += 1; // `{`
        let number = |this: &mut Self| {
            let start = this.at;
            while this.peek().is_some_and(|b| b.is_ascii_digit()) {
                this.at += 1;
            }
            std::str::from_utf8(&this.src[start..this.at]).ok().and_then(|s| s.parse::<usize>().ok())
        };
        let min = number(self).ok_or(REGEX_REPEAT)?;
        let max = if self.peek() == Some(b',') {
            self.at += 1;
            if self.peek() == Some(b'}') {
                None
            } else {
                Some(number(self).ok_or(REGEX_MALFORMED)?)
            }
        } else {
            Some(min)
        };
        if self.next()? != b'}' {
            return Err(REGEX_MALFORMED);
        }
        if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT || max < min) {
            return Err(REGEX_REPEAT);
        }
        Ok((min, max))
    }

    fn atom(&mut self, depth: usize) -> Result<Piece, &'static str> {
        match self.next()? {
            b'(' => self.group(depth),
            b'[' => {
                let set = self.class()?;
                Ok(Piece { cost: set.cost(), set: Some(set) })
            }
            b'\\' => self.escape(),
            b'.' => {
                let mut set = ByteSet::EMPTY;
                set.add(0, b'\n' - 1, false);
                set.add(b'\n' + 1, 255, false);
                Ok(Piece { cost: set.cost(), set: Some(set) })
            }
            b'^' | b'$' => Ok(Piece { cost: 1, set: None }),
            literal => Ok(self.literal(literal)),
        }
    }

    fn literal(&self, b: u8) -> Piece {
        let mut set = ByteSet::EMPTY;
        set.add(b, b, self.fold);
        Piece { cost: 1, set: Some(set) }
    }

    /// After `(`: a group, possibly with a prefix (`?:`, `?P<name>`, `?<name>`, flags).
    fn group(&mut self, depth: usize) -> Result<Piece, &'static str> {
        if self.peek() == Some(b'?') {
            self.at += 1;
            match (self.peek(), self.peek_at(1)) {
                (Some(b'=' | b'!'), _) | (Some(b'<'), Some(b'=' | b'!')) => return Err(REGEX_LOOKAROUND),
                (Some(b'P'), Some(b'=' | b'>')) => return Err(REGEX_LOOKAROUND),
                (Some(b'P' | b'<'), _) => while self.next()? != b'>' {},
                _ => loop {
                    match self.next()? {
                        b':' => break,
                        // Flags alone, such as `(?i)`: they set flags and match nothing.
                        b')' => return Ok(Piece { cost: 0, set: None }),
                        b'i' | b'm' | b's' | b'U' | b'-' => {}
                        _ => return Err(REGEX_FLAG),
                    }
                },
            }
        }
        let inner = self.alternation(depth + 1)?;
        if self.next()? != b')' {
            return Err(REGEX_MALFORMED);
        }
        Ok(inner) // Chrome compiles without captures: a group costs nothing
    }

    /// After `\` outside a class.
    fn escape(&mut self) -> Result<Piece, &'static str> {
        let b = self.next()?;
        if let Some(set) = self.perl_class(b) {
            return Ok(Piece { cost: set.cost(), set: Some(set) });
        }
        match b {
            b'b' if self.peek() == Some(b'{') => Err(REGEX_ESCAPE), // the regex crate's `\b{start}`
            b'b' | b'B' | b'A' | b'z' => Ok(Piece { cost: 1, set: None }),
            b'Q' => {
                // `\Q…\E`: literal text.
                let mut cost = 0usize;
                while self.at < self.src.len() && !self.src[self.at..].starts_with(b"\\E") {
                    self.at += 1;
                    cost += 1;
                }
                self.at = (self.at + 2).min(self.src.len());
                Ok(Piece { cost, set: None })
            }
            _ => {
                let byte = self.escaped_byte(b)?;
                Ok(self.literal(byte))
            }
        }
    }

    /// The byte an escape that stands for one byte means; an error for escapes RE2 lacks
    /// (`\u`, `\<`, `\Z`, `\1`, …) or that cannot be Latin-1 (`\x{100}`).
    fn escaped_byte(&mut self, b: u8) -> Result<u8, &'static str> {
        Ok(match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'f' => 0x0c,
            b'v' => 0x0b,
            b'a' => 0x07,
            b'x' => {
                let digits = if self.peek() == Some(b'{') {
                    self.at += 1;
                    let start = self.at;
                    while self.next()? != b'}' {}
                    &self.src[start..self.at - 1]
                } else {
                    let start = self.at;
                    self.at = (self.at + 2).min(self.src.len());
                    &self.src[start..self.at]
                };
                let value = std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, 16).ok());
                match value {
                    Some(value) => u8::try_from(value).map_err(|_| REGEX_ESCAPE)?,
                    None => return Err(REGEX_MALFORMED),
                }
            }
            b'<' | b'>' => return Err(REGEX_ESCAPE),
            punctuation if punctuation.is_ascii_punctuation() => punctuation,
            _ => return Err(REGEX_ESCAPE),
        })
    }

    /// `\d`, `\w`, `\s` and their negations.
    fn perl_class(&self, b: u8) -> Option<ByteSet> {
        let mut set = ByteSet::EMPTY;
        match b.to_ascii_lowercase() {
            b'd' => set.add(b'0', b'9', false),
            b'w' => {
                set.add(b'0', b'9', false);
                set.add(b'A', b'Z', false);
                set.add(b'a', b'z', false);
                set.add(b'_', b'_', false);
            }
            b's' => {
                set.add(b'\t', b'\n', false);
                set.add(0x0c, b'\r', false);
                set.add(b' ', b' ', false);
            }
            _ => return None,
        }
        if b.is_ascii_uppercase() {
            set.negate();
        }
        Some(set)
    }

    /// After `[`: a bracketed class. In RE2 a `[` inside a class is a literal (unless it opens
    /// `[:alpha:]`); in the `regex` crate it opens a nested class, as do `&&`, `--` and `~~`
    /// operators, so those are refused rather than read two ways.
    fn class(&mut self) -> Result<ByteSet, &'static str> {
        let mut set = ByteSet::EMPTY;
        let negated = self.peek() == Some(b'^');
        if negated {
            self.at += 1;
        }
        let mut first = true;
        loop {
            let b = self.next()?;
            match b {
                b']' if !first => break,
                b'[' if self.peek() == Some(b':') => {
                    let posix = self.posix_class()?;
                    set.union(&posix);
                }
                b'[' => return Err(REGEX_CLASS),
                b'&' | b'-' | b'~' if self.peek() == Some(b) => return Err(REGEX_CLASS),
                _ => {
                    let lo = if b == b'\\' {
                        let e = self.next()?;
                        if let Some(perl) = self.perl_class(e) {
                            set.union(&perl);
                            first = false;
                            continue;
                        }
                        self.escaped_byte(e)?
                    } else {
                        b
                    };
                    let hi = if self.peek() == Some(b'-') && self.peek_at(1).is_some_and(|n| n != b']') {
                        self.at += 1;
                        match self.next()? {
                            b'\\' => {
                                let e = self.next()?;
                                self.escaped_byte(e)?
                            }
                            b'[' => return Err(REGEX_CLASS),
                            hi => hi,
                        }
                    } else {
                        lo
                    };
                    if hi < lo {
                        return Err(REGEX_MALFORMED);
                    }
                    set.add(lo, hi, self.fold);
                }
            }
            first = false;
        }
        if negated {
            set.negate();
        }
        Ok(set)
    }

    /// After `[` and before `:`: `[:name:]` or `[:^name:]`.
    fn posix_class(&mut self) -> Result<ByteSet, &'static str> {
        self.at += 1; // `:`
        let negated = self.peek() == Some(b'^');
        if negated {
            self.at += 1;
        }
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_lowercase()) {
            self.at += 1;
        }
        let name = &self.src[start..self.at];
        if self.next()? != b':' || self.next()? != b']' {
            return Err(REGEX_MALFORMED);
        }
        let ranges: &[(u8, u8)] = match name {
            b"alnum" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
            b"alpha" => &[(b'A', b'Z'), (b'a', b'z')],
            b"ascii" => &[(0, 0x7f)],
            b"blank" => &[(b'\t', b'\t'), (b' ', b' ')],
            b"cntrl" => &[(0, 0x1f), (0x7f, 0x7f)],
            b"digit" => &[(b'0', b'9')],
            b"graph" => &[(b'!', b'~')],
            b"lower" => &[(b'a', b'z')],
            b"print" => &[(b' ', b'~')],
            b"punct" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
            b"space" => &[(b'\t', b'\r'), (b' ', b' ')],
            b"upper" => &[(b'A', b'Z')],
            b"word" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z'), (b'_', b'_')],
            b"xdigit" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
            _ => return Err(REGEX_MALFORMED),
        };
        let mut set = ByteSet::EMPTY;
        for &(lo, hi) in ranges {
            set.add(lo, hi, self.fold);
        }
        if negated {
            set.negate();
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::parse_list;
    use serde_json::{json, Value};

    fn filters(list: &str) -> Vec<NetworkFilter> {
        parse_list("test", list, 0).0
    }

    /// Compiles a list alone, one rule per filter.
    fn rules_of(list: &str) -> DnrOutput {
        let filters = filters(list);
        let options = DnrOptions { merge_host_filters: false, ..DnrOptions::DYNAMIC };
        compile(&BlockingChoices { filters: &filters, ..BlockingChoices::default() }, &options)
    }

    /// The one rule a single filter becomes, as JSON.
    fn one(line: &str) -> Value {
        let out = rules_of(line);
        assert_eq!(out.rules.len(), 1, "{line}: {:?}", out.report);
        serde_json::to_value(&out.rules[0]).unwrap()
    }

    fn skipped(line: &str) -> String {
        let out = rules_of(line);
        assert!(out.rules.is_empty(), "{line} became {:?}", out.rules);
        out.report.examples[0].reason.clone()
    }

    fn all_types() -> Value {
        json!([
            "main_frame",
            "sub_frame",
            "stylesheet",
            "script",
            "image",
            "font",
            "object",
            "xmlhttprequest",
            "ping",
            "csp_report",
            "media",
            "websocket",
            "webtransport",
            "webbundle",
            "other"
        ])
    }

    #[test]
    fn host_and_path_filters_keep_their_url_filter() {
        assert_eq!(
            one("||tracker.example/pixel^$third-party"),
            json!({
                "id": 1, "priority": 1, "action": {"type": "block"},
                "condition": {"urlFilter": "||tracker.example/pixel^", "isUrlFilterCaseSensitive": false,
                              "domainType": "thirdParty"}
            })
        );
        assert_eq!(
            one("|https://ads.*/banner*.gif|"),
            json!({
                "id": 1, "priority": 1, "action": {"type": "block"},
                "condition": {"urlFilter": "|https://ads.*/banner*.gif|", "isUrlFilterCaseSensitive": false}
            })
        );
        // A plain host filter also blocks visits to the host, as in the engine.
        assert_eq!(
            one("||tracker.example^"),
            json!({
                "id": 1, "priority": 1, "action": {"type": "block"},
                "condition": {"urlFilter": "||tracker.example^", "isUrlFilterCaseSensitive": false,
                              "resourceTypes": all_types()}
            })
        );
        assert_eq!(one("/collect?tid=")["condition"]["urlFilter"], "/collect?tid=");
    }

    #[test]
    fn options_become_condition_fields() {
        assert_eq!(
            one("/beacon.js$script,image,~third-party,domain=news.example|~sport.news.example"),
            json!({
                "id": 1, "priority": 1, "action": {"type": "block"},
                "condition": {
                    "urlFilter": "/beacon.js", "isUrlFilterCaseSensitive": false,
                    "initiatorDomains": ["news.example"], "excludedInitiatorDomains": ["sport.news.example"],
                    "resourceTypes": ["script", "image"], "domainType": "firstParty"
                }
            })
        );
        // Excluded types: the shorter list; main_frame is named because an explicit list
        // replaces Chrome's default.
        assert_eq!(
            one("/ads/*$~xmlhttprequest,~ping")["condition"]["excludedResourceTypes"],
            json!(["main_frame", "xmlhttprequest", "ping"])
        );
        assert_eq!(
            one("/x.js$other")["condition"]["resourceTypes"],
            json!(["csp_report", "webtransport", "webbundle", "other"])
        );
        assert_eq!(one("||phish.example^$document")["condition"]["resourceTypes"], json!(["main_frame"]));
        assert_eq!(
            one("/Track.js$match-case")["condition"],
            json!({"urlFilter": "/Track.js", "isUrlFilterCaseSensitive": true})
        );
        assert_eq!(
            one("$ping,third-party")["condition"],
            json!({"resourceTypes": ["ping"], "domainType": "thirdParty"})
        );
    }

    #[test]
    fn exceptions_outrank_blocks_and_important_outranks_exceptions() {
        let out = rules_of("||ads.example^\n@@||ads.example/ok.js\n||tracker.example^$important");
        let by_filter: Vec<(u32, ActionType, Option<&str>)> =
            out.rules.iter().map(|r| (r.priority, r.action.kind, r.condition.url_filter.as_deref())).collect();
        assert_eq!(
            by_filter,
            [
                (3, ActionType::Block, Some("||tracker.example^")),
                (2, ActionType::Allow, Some("||ads.example/ok.js")),
                (1, ActionType::Block, Some("||ads.example^")),
            ]
        );
        assert_eq!(serde_json::to_value(&out.rules[1]).unwrap()["action"], json!({"type": "allow"}));
        const { assert!(PRIORITY_EXCEPTION > PRIORITY_BLOCK && PRIORITY_IMPORTANT > PRIORITY_EXCEPTION) };
        let ids: Vec<u32> = out.rules.iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 2, 3]);
    }

    #[test]
    fn the_allow_list_outranks_everything() {
        let filters = filters("||ads.example^$important\n@@||ads.example/ok.js");
        let choices = BlockingChoices {
            filters: &filters,
            entities: vec!["Meta".into()],
            categories: vec![Category::Advertising],
            allowed_sites: vec![
                "www.news.example".into(),
                "https://shop.example.co.uk/cart".into(),
                "news.example".into(),
            ],
        };
        let out = compile(&choices, &DnrOptions::DYNAMIC);
        let first = serde_json::to_value(&out.rules[0]).unwrap();
        assert_eq!(
            first,
            json!({
                "id": 1, "priority": 4, "action": {"type": "allowAllRequests"},
                "condition": {"requestDomains": ["example.co.uk", "news.example"],
                              "resourceTypes": ["main_frame", "sub_frame"]}
            })
        );
        assert!(out.rules[1..].iter().all(|r| r.priority < first["priority"].as_u64().unwrap() as u32));
    }

    #[test]
    fn an_entity_rule_lists_all_its_domains_and_spares_its_own_sites() {
        let choices = BlockingChoices { entities: vec!["Meta".into()], ..BlockingChoices::default() };
        let out = compile(&choices, &DnrOptions::DYNAMIC);
        assert_eq!(out.rules.len(), 1);
        let rule = &out.rules[0];
        let meta: Vec<&str> =
            knowledge::domains().iter().filter(|d| d.entity().name == "Meta").map(|d| d.domain).collect();
        assert!(meta.len() >= 10 && meta.contains(&"facebook.com") && meta.contains(&"fbcdn.net"));
        assert_eq!(rule.condition.request_domains, meta);
        assert_eq!(rule.condition.domain_type, Some(DomainType::ThirdParty));
        assert_eq!((rule.priority, rule.action.kind), (PRIORITY_CHOSEN, ActionType::Block));
        // Meta's own sites (and its homepage's, meta.com) may load Meta's domains.
        let spared = &rule.condition.excluded_initiator_domains;
        assert!(meta.iter().all(|d| spared.contains(&d.to_string())) && spared.contains(&"meta.com".to_owned()));
        // No resource types: visiting facebook.com (main_frame) is never blocked.
        assert!(rule.condition.resource_types.is_empty() && rule.condition.excluded_resource_types.is_empty());

        let unknown = compile(
            &BlockingChoices { entities: vec!["No Such Company".into()], ..BlockingChoices::default() },
            &DnrOptions::DYNAMIC,
        );
        assert!(unknown.rules.is_empty());
        assert_eq!(unknown.report.skipped_by_reason[UNKNOWN_ENTITY], 1);
    }

    #[test]
    fn an_entity_excludes_subdomains_the_knowledge_base_gives_elsewhere() {
        // Google's gstatic.com is content delivery but csi.gstatic.com analytics: blocking
        // analytics takes csi.gstatic.com alone; blocking LinkedIn's advertising takes
        // snap.licdn.com, not licdn.com.
        let out = compile(
            &BlockingChoices { categories: vec![Category::Analytics], ..BlockingChoices::default() },
            &DnrOptions::DYNAMIC,
        );
        let google = out.rules.iter().find(|r| r.condition.request_domains.contains(&"csi.gstatic.com".to_owned()));
        assert!(google.is_some());
        assert!(out.rules.iter().all(|r| !r.condition.request_domains.contains(&"gstatic.com".to_owned())));
        // LinkedIn's social linkedin.com holds advertising ads.linkedin.com: blocking social
        // takes linkedin.com but excludes the subdomain the knowledge base files elsewhere.
        let social = compile(
            &BlockingChoices { categories: vec![Category::Social], ..BlockingChoices::default() },
            &DnrOptions::DYNAMIC,
        );
        let linkedin =
            social.rules.iter().find(|r| r.condition.request_domains.contains(&"linkedin.com".to_owned())).unwrap();
        assert!(linkedin.condition.excluded_request_domains.contains(&"ads.linkedin.com".to_owned()));
    }

    #[test]
    fn a_category_never_includes_cdn() {
        let choices = BlockingChoices { categories: tracking_categories(), ..BlockingChoices::default() };
        let out = compile(&choices, &DnrOptions::DYNAMIC);
        assert!(!out.rules.is_empty());
        let blocked: Vec<&String> = out.rules.iter().flat_map(|r| &r.condition.request_domains).collect();
        for domain in &blocked {
            let record = knowledge::lookup(domain).unwrap();
            assert!(!record.categories.contains(&Category::Cdn), "{domain} is cdn");
            assert!(!record.categories.contains(&Category::Consent), "{domain}: consent was not asked for");
        }
        // A cdn entry under a blocked domain is excluded from it, so requests there still go.
        for cdn in knowledge::domains().iter().filter(|d| d.categories == [Category::Cdn]) {
            let covering = out
                .rules
                .iter()
                .filter(|r| r.condition.request_domains.iter().any(|d| d == cdn.domain || is_subdomain(cdn.domain, d)));
            for rule in covering {
                assert!(rule.condition.excluded_request_domains.iter().any(|d| d == cdn.domain), "{}", cdn.domain);
            }
        }
        assert!(blocked.contains(&&"hotjar.com".to_owned()) && blocked.contains(&&"doubleclick.net".to_owned()));

        let refused = compile(
            &BlockingChoices { categories: vec![Category::Cdn], ..BlockingChoices::default() },
            &DnrOptions::DYNAMIC,
        );
        assert!(refused.rules.is_empty());
        assert_eq!(refused.report.skipped_by_reason[CATEGORY_CDN], 1);
        let consent = compile(
            &BlockingChoices { categories: vec![Category::Consent], ..BlockingChoices::default() },
            &DnrOptions::DYNAMIC,
        );
        assert!(consent.rules.iter().any(|r| r.condition.request_domains.contains(&"cookielaw.org".to_owned())));
    }

    #[test]
    fn host_filters_merge_into_request_domains() {
        let filters = filters(
            "||a.example^\n||b.example^$third-party\n||x.a.example^\n||c.example^\n||d.example^$third-party\n\
             ||a.example/path\n||e.example^$match-case",
        );
        let out = compile(&BlockingChoices { filters: &filters, ..BlockingChoices::default() }, &DnrOptions::DYNAMIC);
        let json: Vec<Value> = out.rules.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
        assert_eq!(
            json[0]["condition"],
            json!({"requestDomains": ["a.example", "c.example"], "resourceTypes": all_types()})
        );
        assert_eq!(
            json[1]["condition"],
            json!({"requestDomains": ["b.example", "d.example"], "resourceTypes": all_types(), "domainType": "thirdParty"})
        );
        assert_eq!(json[2]["condition"]["urlFilter"], "||a.example/path");
        assert_eq!(json[3]["condition"]["urlFilter"], "||e.example^");
        assert_eq!(out.rules.len(), 4);
        assert_eq!(out.report.converted, 7);
    }

    #[test]
    fn regex_filters_become_regex_rules_when_re2_can_take_them() {
        assert_eq!(
            one("/^https?:\\/\\/[a-z]+\\.example\\/ad[0-9]+\\.gif/$image"),
            json!({
                "id": 1, "priority": 1, "action": {"type": "block"},
                "condition": {"regexFilter": "^https?:\\/\\/[a-z]+\\.example\\/ad[0-9]+\\.gif",
                              "isUrlFilterCaseSensitive": false, "resourceTypes": ["image"]}
            })
        );
        assert_eq!(skipped("/[0-9a-f]{64}\\.js/"), REGEX_TOO_LARGE);
        assert_eq!(skipped("/a{2000}/"), REGEX_REPEAT);
        assert_eq!(skipped("/[a-z&&[^x]]+\\.js/"), REGEX_CLASS);
        assert_eq!(skipped("/(?x) ads /"), REGEX_FLAG);
        assert_eq!(skipped("/\\bads\\b{end}/"), REGEX_ESCAPE);
        assert_eq!(skipped("/\\u0041ds/"), REGEX_ESCAPE);
        assert!(check_regex("(?i:ad)[[:digit:]]+\\d{2}(?:a|b|c)", false).is_ok());
        assert!(check_regex("(?=x)", false).is_err() && check_regex("(?<!x)a", false).is_err());
    }

    #[test]
    fn the_program_estimate_prices_what_re2_unrolls() {
        let size = |source: &str| {
            let mut e = Re2Estimate { src: source.as_bytes(), at: 0, fold: true, top_alternation: false };
            e.alternation(0).unwrap().cost
        };
        assert_eq!(size("abc"), 3);
        assert_eq!(size("a{3}"), 3);
        assert_eq!(size("a{2,4}"), 6);
        assert_eq!(size("a+"), 2);
        assert_eq!(size("[a-z]"), 1); // both cases share one folding range
        assert_eq!(size("[0-9a-f]"), 3); // 0-9 and a-f/A-F
        assert_eq!(size("."), 3);
        assert_eq!(size("a|b|c"), 1); // folded into one class
        assert_eq!(size("ab|cd"), 5);
        // The limits measured on Chromium 156 (see MAX_REGEX_PROGRAM).
        assert!(check_regex(&"a".repeat(112), false).is_ok() && check_regex(&"a".repeat(113), false).is_err());
        assert!(check_regex("[0-9a-f]{37}", false).is_ok() && check_regex("[0-9a-f]{38}", false).is_err());
        assert!(check_regex("x{1,56}", false).is_ok() && check_regex("x{1,57}", false).is_err());
        // Hostile nesting is refused, not recursed into.
        assert!(check_regex(&format!("{}a{}", "(".repeat(500), ")".repeat(500)), false).is_err());
    }

    #[test]
    fn unexpressible_filters_are_counted_with_a_reason() {
        let list = "||*.tracker.example/x\n/ads.js$domain=google.*\n||trácker.example/x\n\
                    /x.js$domain=~example.com|shop.example.com\n||ok.example/x\n/a|b.js\n/y.js$domain=~[::1]";
        let out = rules_of(list);
        assert_eq!(out.rules.len(), 2);
        assert_eq!(out.rules[1].condition.excluded_initiator_domains, ["[::1]"]);
        let reasons = &out.report.skipped_by_reason;
        assert_eq!(reasons[URL_HOST_WILDCARD], 1);
        assert_eq!(reasons[DOMAIN_ENTITY], 1);
        assert_eq!(reasons[URL_NOT_ASCII], 1);
        assert_eq!(reasons[DOMAIN_NESTED], 1);
        // `|` alone never reaches the converter: the list parser refuses it.
        assert_eq!(reasons[URL_INNER_PIPE], 1);
        assert_eq!(out.report.examples[0].line, Some(1));
        assert_eq!(out.report.examples[0].text, "||*.tracker.example/x");
        let skipped: usize = reasons.values().sum();
        assert_eq!(out.report.filters_in, out.report.converted + skipped + out.report.filters_dropped_for_limit);
    }

    #[test]
    fn the_regex_limit_is_respected_and_reported() {
        let list: String = (0..1005).map(|i| format!("/ad{i}[0-9]+\\.gif/\n")).collect();
        let out = rules_of(&list);
        let regex_rules = out.rules.iter().filter(|r| r.condition.regex_filter.is_some()).count();
        assert_eq!(regex_rules, MAX_REGEX_RULES);
        assert_eq!(out.report.skipped_by_reason[REGEX_LIMIT], 5);
    }

    #[test]
    fn the_rule_limit_is_respected_and_reported() {
        let list: String = (0..120).map(|i| format!("/path{i}/pixel.gif\n")).collect();
        let filters = filters(&format!("@@/path7/pixel.gif$domain=ok.example\n{list}"));
        let choices = BlockingChoices {
            filters: &filters,
            allowed_sites: vec!["trusted.example".into()],
            ..BlockingChoices::default()
        };
        let out = compile(&choices, &DnrOptions::with_limit(50));
        assert_eq!(out.rules.len(), 50);
        assert_eq!(out.report.dropped_for_limit, 121 + 1 - 50);
        assert_eq!(out.report.filters_dropped_for_limit, 121 + 1 - 50);
        // What survives: the allow-list first, then the exception, then blocks in list order.
        assert_eq!(out.rules[0].action.kind, ActionType::AllowAllRequests);
        assert_eq!(out.rules[1].action.kind, ActionType::Allow);
        assert_eq!(out.rules[2].condition.url_filter.as_deref(), Some("/path0/pixel.gif"));
        let ids: Vec<u32> = out.rules.iter().map(|r| r.id).collect();
        assert_eq!(ids, (1..=50).collect::<Vec<u32>>());
        assert_eq!(out.report.filters_in, out.report.converted + out.report.filters_dropped_for_limit);
        assert_eq!(DnrOptions::SESSION.max_rules, 5_000);
        assert_eq!(DnrOptions::STATIC.max_rules, 30_000);
    }

    #[test]
    fn output_is_deterministic_and_duplicates_share_a_rule() {
        let list = "||b.example^\n/x.js$script\n||a.example^\n/x.js$script\n@@/ok.js";
        let first = rules_of(list);
        assert_eq!(first, rules_of(list));
        assert_eq!(first.rules.len(), 4);
        assert_eq!(first.report.converted, 5);
        let filters = filters(list);
        let choices = BlockingChoices { filters: &filters, ..BlockingChoices::default() };
        let merged = compile(&choices, &DnrOptions::DYNAMIC);
        assert_eq!(merged, compile(&choices, &DnrOptions::DYNAMIC));
        let json = serde_json::to_string(&merged.rules).unwrap();
        let back: Vec<Rule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, merged.rules);
    }

    #[test]
    fn hostile_filters_never_panic() {
        let lines = [
            "/(/",
            "/[/",
            "/\\/",
            "/a{99999}/",
            "/[z-a]/",
            "/(?P<n/",
            "/\\x{110000}/",
            "/[[:bogus:]]/",
            "/\\Q/",
            "/a{,3}/",
            "/\\xZZ/",
            "/(?/",
            "|",
            "||",
            "*",
            "$domain=[::1]",
            "@@",
            "||^",
            "/[]/",
            "/[^]/",
        ];
        for line in lines {
            let _ = rules_of(line);
        }
        for source in ["(", "[", "\\", "a{", "a{2", "a{2,", "(?P<x", "[[:", "[a-", "\\x{", "(?i", "[\\"] {
            assert!(check_regex(source, false).is_err(), "{source}");
        }
    }

    /// Lines in the style of EasyPrivacy: host filters, paths with options, exceptions,
    /// cosmetic lines (not network filters) and a regex.
    #[test]
    fn converts_easyprivacy_like_lines() {
        let list = "[Adblock Plus 2.0]\n! Title: EasyPrivacy sample\n\
            ||google-analytics.com^\n||hotjar.com^$third-party\n||doubleclick.net^\n\
            /analytics.js$script,domain=~news.example\n&utm_source=*&utm_medium=$image,ping\n\
            ||facebook.com/tr^$third-party\n||stats.example.com^$~third-party,xmlhttprequest\n\
            @@||google-analytics.com/analytics.js$script,domain=shop.example\n\
            @@||cdn.example.com/ga.js|\n/^https?:\\/\\/[a-z0-9]{8}\\.example\\.net\\/t\\.gif/$image\n\
            example.com##.tracking-pixel\n||pixel.example^$popup\n";
        let filters = filters(list);
        assert_eq!(filters.len(), 10);
        let out = compile(&BlockingChoices { filters: &filters, ..BlockingChoices::default() }, &DnrOptions::DYNAMIC);
        assert_eq!(out.report.converted, 10);
        assert!(out.report.skipped_by_reason.is_empty());
        let json = serde_json::to_value(&out.rules).unwrap();
        assert_eq!(
            json,
            json!([
                {"id": 1, "priority": 2, "action": {"type": "allow"},
                 "condition": {"urlFilter": "||google-analytics.com/analytics.js", "isUrlFilterCaseSensitive": false,
                               "initiatorDomains": ["shop.example"], "resourceTypes": ["script"]}},
                {"id": 2, "priority": 2, "action": {"type": "allow"},
                 "condition": {"urlFilter": "||cdn.example.com/ga.js|", "isUrlFilterCaseSensitive": false}},
                {"id": 3, "priority": 1, "action": {"type": "block"},
                 "condition": {"requestDomains": ["doubleclick.net", "google-analytics.com"],
                               "resourceTypes": all_types()}},
                {"id": 4, "priority": 1, "action": {"type": "block"},
                 "condition": {"requestDomains": ["hotjar.com"], "resourceTypes": all_types(),
                               "domainType": "thirdParty"}},
                {"id": 5, "priority": 1, "action": {"type": "block"},
                 "condition": {"urlFilter": "/analytics.js", "isUrlFilterCaseSensitive": false,
                               "excludedInitiatorDomains": ["news.example"], "resourceTypes": ["script"]}},
                {"id": 6, "priority": 1, "action": {"type": "block"},
                 "condition": {"urlFilter": "&utm_source=*&utm_medium=", "isUrlFilterCaseSensitive": false,
                               "resourceTypes": ["image", "ping"]}},
                {"id": 7, "priority": 1, "action": {"type": "block"},
                 "condition": {"urlFilter": "||facebook.com/tr^", "isUrlFilterCaseSensitive": false,
                               "domainType": "thirdParty"}},
                {"id": 8, "priority": 1, "action": {"type": "block"},
                 "condition": {"requestDomains": ["stats.example.com"], "resourceTypes": ["xmlhttprequest"],
                               "domainType": "firstParty"}},
                {"id": 9, "priority": 1, "action": {"type": "block"},
                 "condition": {"regexFilter": "^https?:\\/\\/[a-z0-9]{8}\\.example\\.net\\/t\\.gif",
                               "isUrlFilterCaseSensitive": false, "resourceTypes": ["image"]}}
            ])
        );
    }
}
