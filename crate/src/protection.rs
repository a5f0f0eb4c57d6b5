//! The user's protection settings, and their compilation into declarativeNetRequest rules.
//!
//! Settings are what the extension stores (`chrome.storage.local`), exports and imports. They
//! are read leniently: a stored value this version does not understand is dropped with a
//! problem noted, and never costs the rest of the settings (a damaged entry must not silently
//! turn protection off, nor undo a site the user trusted). An import is read the same way and
//! refused when any problem was noted, so a bad file changes nothing.
//!
//! The settings are one object with one writer (the extension's worker, `settings.js`): the
//! protection choices below, and the history preferences (`historyEnabled`, `retentionDays`),
//! which the dashboard changes and the history module reads. Keeping the history preferences
//! in this schema rather than in a key of their own means one export file, one import check
//! and one save path for every page; the compiler simply ignores them.
//!
//! Each choice (block, strip cookies, allow) applies to a category, a company or a domain,
//! everywhere or on one site. The more specific choice wins: a site's over the global one, a
//! domain's over its company's, a company's over its category's. Rules get one priority level
//! per kind of choice, highest last:
//!
//! | priority | rules                                                                        |
//! |----------|------------------------------------------------------------------------------|
//! | 1-3      | the optional EasyPrivacy static ruleset (`dnr::compile`)                     |
//! | 10       | global category choices; tracking parameters removed from navigations        |
//! | 20, 30   | global company, domain choices                                               |
//! | 40-60    | a site's category, company, domain choices (`initiatorDomains`)              |
//! | 40       | the "sensitive pages" protection, on the sites it covers (`sensitive_pages`) |
//! | 70       | trusted sites: `allowAllRequests` (no blocking, no cookie stripping)         |
//! | 80       | `Sec-GPC: 1` (and `DNT: 1`) on every request, trusted sites included         |
//! | 90       | paused sites: `allowAllRequests`, which also stops the headers above         |
//!
//! Chrome lets the highest-priority block, allow or redirect rule decide, and applies a
//! `modifyHeaders` rule only above the highest matching allow rule. So a strip choice at level
//! `P` is a `modifyHeaders` rule at `P + 1` (an allow of the same level cannot cancel it), plus,
//! above the global category level, an `allow` at `P` that overrides a broader block.

use crate::context::Sensitive;
use crate::cookie_purpose::CookiePurpose;
use crate::dnr::{
    self, category_conditions, entity_conditions, site_domain, ActionType, DomainType, HeaderInfo, HeaderOperation,
    QueryTransform, Redirect, Rule, RuleAction, RuleCondition, UrlTransform,
};
use crate::knowledge;
use crate::params::remove_params_names;
use crate::request::ResourceType;
use crate::sensitive_pages;
use crate::taxonomy::Category;
use crate::vocabulary;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The settings format. Bump it when a stored field changes meaning.
pub const SETTINGS_VERSION: u64 = 1;

pub const PRIORITY_PARAMS: u32 = 10;
pub const PRIORITY_TRUSTED: u32 = 70;
pub const PRIORITY_HEADERS: u32 = 80;
pub const PRIORITY_PAUSED: u32 = 90;

/// What to do with a tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Its requests never leave the browser.
    Block,
    /// It loads, but gets no cookie and sets none.
    Strip,
    /// It loads as the page asks, even where a broader choice would block it.
    Allow,
}

impl Treatment {
    /// The wire name, as in the settings.
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Block => "block",
            Treatment::Strip => "strip",
            Treatment::Allow => "allow",
        }
    }

    fn parse(text: &str) -> Option<Treatment> {
        match text {
            "block" => Some(Treatment::Block),
            "strip" => Some(Treatment::Strip),
            "allow" => Some(Treatment::Allow),
            _ => None,
        }
    }
}

/// Choices by category, company and domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Choices {
    pub categories: BTreeMap<Category, Treatment>,
    /// By knowledge-base company name.
    pub companies: BTreeMap<String, Treatment>,
    /// By host name (a domain and its subdomains).
    pub domains: BTreeMap<String, Treatment>,
}

/// How TrackLens treats one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteMode {
    /// The global choices and the site's own.
    #[default]
    Protect,
    /// "Trust this site": nothing blocked or stripped; GPC still sent.
    Trusted,
    /// Protection off: TrackLens changes nothing on the site.
    Paused,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteSettings {
    pub mode: SiteMode,
    #[serde(flatten)]
    pub choices: Choices,
    /// Cookie purposes deleted on this site and kept from coming back.
    pub delete_cookies: Vec<CookiePurpose>,
    /// The sensitive subjects the site was found to be about, recorded for the "sensitive
    /// pages" protection (`sensitive_pages`) and only while it covers them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<Sensitive>,
}

/// Consent banners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMode {
    /// Declined as soon as one is found.
    Auto,
    /// Declined when the user clicks "decline" in the popup.
    OneClick,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub version: u64,
    #[serde(flatten)]
    pub global: Choices,
    /// By registrable domain.
    pub sites: BTreeMap<String, SiteSettings>,
    /// On sites about these subjects, advertising and social trackers get this treatment
    /// (`sensitive_pages`); empty on a new install.
    pub sensitive_pages: BTreeMap<Sensitive, Treatment>,
    pub gpc: bool,
    pub dnt: bool,
    pub remove_tracking_params: bool,
    /// The EasyPrivacy static ruleset (built into the extension, off by default).
    pub easy_privacy: bool,
    pub consent: ConsentMode,
    /// Whether the per-site history (the dashboard's) is kept at all.
    pub history_enabled: bool,
    /// How long a site's history is kept after the last visit, in days.
    pub retention_days: u32,
}

/// The range `retentionDays` may take.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u64> = 1..=365;

impl Default for Settings {
    /// What a new install gets: advertising, fingerprinting and session replay blocked;
    /// analytics and personalization loaded without cookies; GPC on; banners declined.
    fn default() -> Settings {
        use Category::*;
        let categories = [
            (Advertising, Treatment::Block),
            (Fingerprinting, Treatment::Block),
            (SessionReplay, Treatment::Block),
            (Analytics, Treatment::Strip),
            (Personalization, Treatment::Strip),
        ];
        Settings {
            version: SETTINGS_VERSION,
            global: Choices { categories: categories.into_iter().collect(), ..Choices::default() },
            sites: BTreeMap::new(),
            sensitive_pages: BTreeMap::new(),
            gpc: true,
            dnt: false,
            remove_tracking_params: true,
            easy_privacy: false,
            consent: ConsentMode::Auto,
            history_enabled: true,
            retention_days: 30,
        }
    }
}

/// Settings read from JSON, with what was dropped and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadSettings {
    pub settings: Settings,
    /// Empty when every value was understood.
    pub problems: Vec<String>,
}

/// How many entries a map or list may hold: the settings must fit in rules and in storage.
const MAX_ENTRIES: usize = 2_000;

/// Reads stored or imported settings. Every field missing or not understood keeps its default;
/// every entry not understood is dropped; each is a problem. Never fails.
pub fn read_settings(value: &Value) -> ReadSettings {
    let mut problems = Vec::new();
    let mut settings = Settings::default();
    let Some(object) = value.as_object() else {
        problems.push("settings: not a JSON object; defaults used".to_owned());
        return ReadSettings { settings, problems };
    };
    let mut reader = Reader { problems: &mut problems, unlisted: 0 };
    match object.get("version").map(Value::as_u64) {
        Some(Some(SETTINGS_VERSION)) => {}
        Some(Some(v)) if v > SETTINGS_VERSION => {
            reader.problem(format!("version: {v} is from a newer TrackLens; read what this one understands"))
        }
        _ => reader.problem(format!("version: expected {SETTINGS_VERSION}")),
    }
    settings.global = reader.choices(object, "", &settings.global);
    for (key, target) in [
        ("gpc", &mut settings.gpc),
        ("dnt", &mut settings.dnt),
        ("removeTrackingParams", &mut settings.remove_tracking_params),
        ("easyPrivacy", &mut settings.easy_privacy),
        ("historyEnabled", &mut settings.history_enabled),
    ] {
        if let Some(flag) = object.get(key) {
            match flag.as_bool() {
                Some(flag) => *target = flag,
                None => reader.problem(format!("{key}: not true or false")),
            }
        }
    }
    match object.get("consent").map(|v| v.as_str()) {
        None => {}
        Some(Some("auto")) => settings.consent = ConsentMode::Auto,
        Some(Some("one_click")) => settings.consent = ConsentMode::OneClick,
        Some(_) => reader.problem("consent: not \"auto\" or \"one_click\"".to_owned()),
    }
    if let Some(days) = object.get("retentionDays") {
        match days.as_u64().filter(|d| RETENTION_DAYS.contains(d)) {
            Some(days) => settings.retention_days = days as u32,
            None => reader.problem(format!(
                "retentionDays: not a whole number of days from {} to {}",
                RETENTION_DAYS.start(),
                RETENTION_DAYS.end()
            )),
        }
    }
    if let Some(sites) = object.get("sites") {
        settings.sites = reader.sites(sites);
    }
    if let Some(value) = object.get("sensitivePages") {
        settings.sensitive_pages = reader
            .entries(value, "sensitivePages", |name| Sensitive::from_name(name).ok_or("not a sensitive category"));
        settings.sensitive_pages.retain(|subject, &mut treatment| {
            let allowed = sensitive_pages::treatment_allowed(treatment);
            if !allowed {
                reader.problem(format!("sensitivePages.{}: not \"block\" or \"strip\"", subject.as_str()));
            }
            allowed
        });
    }
    // What a site is about is kept only while its protection is on (sensitive_pages.rs).
    for site in settings.sites.values_mut() {
        site.about.retain(|subject| settings.sensitive_pages.contains_key(subject));
    }
    const KNOWN: [&str; 14] = [
        "version",
        "categories",
        "companies",
        "domains",
        "sites",
        "sensitivePages",
        "gpc",
        "dnt",
        "removeTrackingParams",
        "easyPrivacy",
        "consent",
        "historyEnabled",
        "retentionDays",
        "_comment",
    ];
    for key in object.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        reader.problem(format!("{}: unknown setting, ignored", shown(key)));
    }
    reader.finish();
    ReadSettings { settings, problems }
}

/// How many problems are listed one by one; the rest are counted in a last line.
const MAX_PROBLEMS: usize = 100;

struct Reader<'p> {
    problems: &'p mut Vec<String>,
    /// Problems beyond `MAX_PROBLEMS`, only counted.
    unlisted: usize,
}

impl Reader<'_> {
    fn problem(&mut self, text: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(text);
        } else {
            self.unlisted += 1;
        }
    }

    /// Says how many problems were not listed, so a list of 100 is never mistaken for all.
    fn finish(&mut self) {
        if self.unlisted > 0 {
            self.problems.push(format!("and {} more problems not listed", self.unlisted));
        }
    }

    /// Entries beyond `MAX_ENTRIES` in `at`: one problem naming how many were dropped and the
    /// first few, rather than one per entry (which would crowd out every other problem).
    fn over_limit(&mut self, at: &str, dropped: &[&String]) {
        if dropped.is_empty() {
            return;
        }
        let named: Vec<String> = dropped.iter().take(5).map(|name| shown(name)).collect();
        let more = dropped.len().saturating_sub(named.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        self.problem(format!(
            "{at}: {} entries, over the limit of {MAX_ENTRIES}; {} dropped: {}{more}",
            MAX_ENTRIES + dropped.len(),
            dropped.len(),
            named.join(", "),
        ));
    }

    /// The `categories`, `companies` and `domains` of `object`; a missing one keeps `defaults`'.
    fn choices(&mut self, object: &Map<String, Value>, at: &str, defaults: &Choices) -> Choices {
        let mut choices = defaults.clone();
        if let Some(value) = object.get("categories") {
            choices.categories = self.entries(value, &format!("{at}categories"), |name| {
                Category::ALL
                    .into_iter()
                    .find(|c| c.as_str() == name && vocabulary::category_choosable(*c))
                    .ok_or("not a category (cdn is never blocked)")
            });
        }
        if let Some(value) = object.get("companies") {
            choices.companies = self.entries(value, &format!("{at}companies"), |name| {
                knowledge::entities()
                    .iter()
                    .find(|e| e.name == name)
                    .map(|e| e.name.to_owned())
                    .ok_or("not a company TrackLens knows")
            });
        }
        if let Some(value) = object.get("domains") {
            choices.domains = self.entries(value, &format!("{at}domains"), |name| {
                host_name(name).map(str::to_owned).ok_or("not a lower-case ASCII host name")
            });
        }
        choices
    }

    /// A map of name → treatment; entries with a bad name or treatment are dropped.
    fn entries<K: Ord>(
        &mut self,
        value: &Value,
        at: &str,
        key: impl Fn(&str) -> Result<K, &'static str>,
    ) -> BTreeMap<K, Treatment> {
        let mut out = BTreeMap::new();
        let Some(map) = value.as_object() else {
            self.problem(format!("{at}: not an object"));
            return out;
        };
        let mut dropped = Vec::new();
        for (name, treatment) in map {
            let treatment = treatment.as_str().and_then(Treatment::parse);
            match (key(name), treatment) {
                (Ok(_), _) if out.len() >= MAX_ENTRIES => dropped.push(name),
                (Ok(k), Some(t)) => {
                    out.insert(k, t);
                }
                (Ok(_), None) => self.problem(format!("{at}.{}: not \"block\", \"strip\" or \"allow\"", shown(name))),
                (Err(why), _) => self.problem(format!("{at}.{}: {why}", shown(name))),
            }
        }
        self.over_limit(at, &dropped);
        out
    }

    fn sites(&mut self, value: &Value) -> BTreeMap<String, SiteSettings> {
        let mut out = BTreeMap::new();
        let Some(map) = value.as_object() else {
            self.problem("sites: not an object".to_owned());
            return out;
        };
        let mut dropped = Vec::new();
        for (name, site) in map {
            if out.len() >= MAX_ENTRIES {
                dropped.push(name);
                continue;
            }
            let at = format!("sites.{}", shown(name));
            let domain = match site_domain(name) {
                Ok(domain) if domain == *name => domain,
                Ok(_) | Err(_) => {
                    self.problem(format!("{at}: not a registrable domain"));
                    continue;
                }
            };
            let Some(object) = site.as_object() else {
                self.problem(format!("{at}: not an object"));
                continue;
            };
            let mut parsed = SiteSettings::default();
            match object.get("mode").map(|v| v.as_str()) {
                None | Some(Some("protect")) => {}
                Some(Some("trusted")) => parsed.mode = SiteMode::Trusted,
                Some(Some("paused")) => parsed.mode = SiteMode::Paused,
                Some(_) => self.problem(format!("{at}.mode: not \"protect\", \"trusted\" or \"paused\"")),
            }
            parsed.choices = self.choices(object, &format!("{at}."), &Choices::default());
            if let Some(purposes) = object.get("deleteCookies") {
                parsed.delete_cookies = self.purposes(purposes, &format!("{at}.deleteCookies"));
            }
            if let Some(subjects) = object.get("about") {
                parsed.about = self.subjects(subjects, &format!("{at}.about"));
            }
            out.insert(domain, parsed);
        }
        self.over_limit("sites", &dropped);
        out
    }

    fn subjects(&mut self, value: &Value, at: &str) -> Vec<Sensitive> {
        self.names(value, at, Sensitive::from_name, "a sensitive category")
    }

    fn purposes(&mut self, value: &Value, at: &str) -> Vec<CookiePurpose> {
        // Necessary cookies are never deleted for the user: sessions and the consent choice.
        let deletable = |name: &str| {
            CookiePurpose::ALL.into_iter().find(|p| p.as_str() == name && vocabulary::purpose_deletable(*p))
        };
        self.names(value, at, deletable, "a cookie purpose that can be deleted")
    }

    /// A list of names, each `parse`d once (repeats dropped); a name not understood is a
    /// problem saying it is not `what`.
    fn names<T: PartialEq>(
        &mut self,
        value: &Value,
        at: &str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
    ) -> Vec<T> {
        let Some(list) = value.as_array() else {
            self.problem(format!("{at}: not a list"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in list {
            match item.as_str().and_then(&parse) {
                Some(name) if !out.contains(&name) => out.push(name),
                Some(_) => {}
                None => self.problem(format!("{at}: {} is not {what}", shown_value(item))),
            }
        }
        out
    }
}

/// A name as quoted in a problem: bounded and free of control characters.
fn shown(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).take(60).collect();
    format!("{clean:?}")
}

fn shown_value(value: &Value) -> String {
    match value {
        Value::String(text) => shown(text),
        other => shown(&other.to_string()),
    }
}

/// A plain lower-case host name (`in.hotjar.com`), as DNR's domain lists take it.
fn host_name(name: &str) -> Option<&str> {
    let plain = !name.is_empty()
        && name.len() <= 253
        && name.contains('.')
        && !name.starts_with(['.', '-'])
        && !name.ends_with('.')
        && !name.contains("..")
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'));
    plain.then_some(name)
}

/// The dynamic rules for the settings, with what could not be expressed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProtectionRules {
    pub rules: Vec<Rule>,
    pub skipped: Vec<String>,
}

/// Compiles settings into the extension's dynamic rules, ids from 1 in output order.
pub fn compile_settings(settings: &Settings) -> ProtectionRules {
    let mut out = Compiler::default();
    if settings.remove_tracking_params {
        out.param_removal();
    }
    out.choices(&settings.global, 0, None);
    for (site, site_settings) in &settings.sites {
        if site_settings.mode == SiteMode::Protect {
            out.choices(&site_settings.choices, 3, Some(site));
        }
    }
    out.sensitive_pages(settings);
    let sites_in = |mode: SiteMode| -> Vec<String> {
        settings.sites.iter().filter(|(_, s)| s.mode == mode).map(|(site, _)| site.clone()).collect()
    };
    out.allow_sites(PRIORITY_TRUSTED, sites_in(SiteMode::Trusted));
    out.privacy_headers(settings.gpc, settings.dnt);
    out.allow_sites(PRIORITY_PAUSED, sites_in(SiteMode::Paused));
    out.finish()
}

#[derive(Default)]
struct Compiler {
    rules: Vec<(u32, RuleAction, RuleCondition)>,
    skipped: Vec<String>,
}

impl Compiler {
    fn push(&mut self, priority: u32, action: RuleAction, condition: RuleCondition) {
        self.rules.push((priority, action, condition));
    }

    /// Category, company and domain choices; `level_offset` 3 for a site's own (levels 4-6).
    fn choices(&mut self, choices: &Choices, level_offset: u32, site: Option<&String>) {
        let priority = |level: u32| (level + level_offset) * 10;
        let on_site = |mut condition: RuleCondition| {
            if let Some(site) = site {
                condition.initiator_domains = vec![site.clone()];
            }
            condition
        };
        let broadest = level_offset == 0;
        for (&category, &treatment) in &choices.categories {
            match category_conditions(category) {
                Ok(conditions) => {
                    let conditions = conditions.into_iter().map(on_site).collect();
                    self.treat(priority(1), treatment, conditions, !broadest);
                }
                Err(why) => self.skipped.push(format!("category {category}: {why}")),
            }
        }
        for (company, &treatment) in &choices.companies {
            match entity_conditions(company) {
                Some(conditions) => {
                    let conditions = conditions.into_iter().map(on_site).collect();
                    self.treat(priority(2), treatment, conditions, true);
                }
                None => self.skipped.push(format!("company {company}: not in the knowledge base")),
            }
        }
        for (domain, &treatment) in &choices.domains {
            let condition = RuleCondition {
                request_domains: vec![domain.clone()],
                domain_type: Some(DomainType::ThirdParty),
                ..RuleCondition::default()
            };
            self.treat(priority(3), treatment, vec![on_site(condition)], true);
        }
    }

    /// One choice at `priority`. `overrides`: a strip choice also allows what a broader choice
    /// blocks (the global category level has nothing broader but the filter lists, which a
    /// strip must not undo).
    fn treat(&mut self, priority: u32, treatment: Treatment, conditions: Vec<RuleCondition>, overrides: bool) {
        for condition in conditions {
            match treatment {
                Treatment::Block => self.push(priority, RuleAction::of(ActionType::Block), condition),
                Treatment::Allow => self.push(priority, RuleAction::of(ActionType::Allow), condition),
                Treatment::Strip => {
                    if overrides {
                        self.push(priority, RuleAction::of(ActionType::Allow), condition.clone());
                    }
                    self.push(priority + 1, strip_cookies(), condition);
                }
            }
        }
    }

    /// The "sensitive pages" protection: one set of category rules per tracker category and
    /// treatment, over every site it covers (`initiatorDomains`), however many sites.
    fn sensitive_pages(&mut self, settings: &Settings) {
        let mut sites: BTreeMap<(Category, Treatment), Vec<String>> = BTreeMap::new();
        for site in settings.sites.keys() {
            for choice in sensitive_pages::choices_on(settings, site) {
                sites.entry((choice.category, choice.treatment)).or_default().push(site.clone());
            }
        }
        for ((category, treatment), sites) in sites {
            match category_conditions(category) {
                Ok(conditions) => {
                    let on_sites = |condition| RuleCondition { initiator_domains: sites.clone(), ..condition };
                    self.treat(
                        sensitive_pages::PRIORITY,
                        treatment,
                        conditions.into_iter().map(on_sites).collect(),
                        true,
                    );
                }
                Err(why) => self.skipped.push(format!("sensitive pages, category {category}: {why}")),
            }
        }
    }

    fn allow_sites(&mut self, priority: u32, sites: Vec<String>) {
        if sites.is_empty() {
            return;
        }
        let condition = RuleCondition {
            request_domains: dnr::without_subdomains(sites.into_iter().collect()),
            resource_types: vec![ResourceType::MainFrame, ResourceType::SubFrame],
            ..RuleCondition::default()
        };
        self.push(priority, RuleAction::of(ActionType::AllowAllRequests), condition);
    }

    fn privacy_headers(&mut self, gpc: bool, dnt: bool) {
        let set = |header: &str| HeaderInfo {
            header: header.to_owned(),
            operation: HeaderOperation::Set,
            value: Some("1".to_owned()),
        };
        let mut headers = Vec::new();
        if gpc {
            headers.push(set("Sec-GPC"));
        }
        if dnt {
            headers.push(set("DNT"));
        }
        if headers.is_empty() {
            return;
        }
        let action = RuleAction { request_headers: headers, ..RuleAction::of(ActionType::ModifyHeaders) };
        // Every type, navigations included: without a type list DNR leaves out main_frame.
        let condition = RuleCondition { resource_types: dnr::all_resource_types(), ..RuleCondition::default() };
        self.push(PRIORITY_HEADERS, action, condition);
    }

    /// Link decoration (gclid, fbclid, utm_*…) removed from top-level navigations. Chrome
    /// redirects only when a parameter was really removed.
    fn param_removal(&mut self) {
        let names: Vec<String> = remove_params_names().into_iter().map(str::to_owned).collect();
        let redirect =
            Redirect { transform: UrlTransform { query_transform: QueryTransform { remove_params: names } } };
        let action = RuleAction { redirect: Some(redirect), ..RuleAction::of(ActionType::Redirect) };
        let condition = RuleCondition { resource_types: vec![ResourceType::MainFrame], ..RuleCondition::default() };
        self.push(PRIORITY_PARAMS, action, condition);
    }

    fn finish(self) -> ProtectionRules {
        let rules = self
            .rules
            .into_iter()
            .enumerate()
            .map(|(index, (priority, action, condition))| Rule { id: index as u32 + 1, priority, action, condition })
            .collect();
        ProtectionRules { rules, skipped: self.skipped }
    }
}

/// No `Cookie` out, no `Set-Cookie` in: Privacy Badger's "cookie-blocked" state.
fn strip_cookies() -> RuleAction {
    let remove =
        |header: &str| HeaderInfo { header: header.to_owned(), operation: HeaderOperation::Remove, value: None };
    RuleAction {
        request_headers: vec![remove("Cookie")],
        response_headers: vec![remove("Set-Cookie")],
        ..RuleAction::of(ActionType::ModifyHeaders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules_for(settings: &Settings) -> Vec<Rule> {
        let out = compile_settings(settings);
        assert_eq!(out.skipped, Vec::<String>::new());
        out.rules
    }

    /// The rules whose `requestDomains` list `domain`.
    fn on_domain<'r>(rules: &'r [Rule], domain: &str) -> Vec<&'r Rule> {
        rules.iter().filter(|r| r.condition.request_domains.iter().any(|d| d == domain)).collect()
    }

    fn kinds(rules: &[&Rule]) -> Vec<(u32, ActionType)> {
        let mut kinds: Vec<_> = rules.iter().map(|r| (r.priority, r.action.kind)).collect();
        kinds.sort_by_key(|k| k.0);
        kinds
    }

    #[test]
    fn defaults_block_advertising_and_strip_analytics_cookies() {
        let rules = rules_for(&Settings::default());
        assert_eq!(kinds(&on_domain(&rules, "doubleclick.net")), [(10, ActionType::Block)]);
        assert_eq!(kinds(&on_domain(&rules, "hotjar.com")), [(10, ActionType::Block)]);
        // Analytics loads without cookies, and is not allowed past the filter lists.
        let analytics = on_domain(&rules, "google-analytics.com");
        assert_eq!(kinds(&analytics), [(11, ActionType::ModifyHeaders)]);
        assert_eq!(
            serde_json::to_value(&analytics[0].action).unwrap(),
            json!({"type": "modifyHeaders",
                   "requestHeaders": [{"header": "Cookie", "operation": "remove"}],
                   "responseHeaders": [{"header": "Set-Cookie", "operation": "remove"}]})
        );
        // Every block is third party only and spares the company's own sites.
        for rule in rules.iter().filter(|r| r.action.kind == ActionType::Block) {
            assert_eq!(rule.condition.domain_type, Some(DomainType::ThirdParty));
            assert!(!rule.condition.excluded_initiator_domains.is_empty(), "{rule:?}");
        }
        // Content delivery and consent platforms are never touched.
        assert!(on_domain(&rules, "jsdelivr.net").is_empty());
        assert!(on_domain(&rules, "cookielaw.org").is_empty());
        let ids: Vec<u32> = rules.iter().map(|r| r.id).collect();
        assert_eq!(ids, (1..=rules.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn gpc_is_set_on_every_request_and_dnt_only_when_chosen() {
        let header_rules = |settings: &Settings| -> Vec<Rule> {
            rules_for(settings).into_iter().filter(|r| r.priority == PRIORITY_HEADERS).collect()
        };
        let rules = header_rules(&Settings::default());
        assert_eq!(rules.len(), 1);
        assert_eq!(
            serde_json::to_value(&rules[0].action).unwrap(),
            json!({"type": "modifyHeaders", "requestHeaders": [{"header": "Sec-GPC", "operation": "set", "value": "1"}]})
        );
        assert!(rules[0].condition.resource_types.contains(&ResourceType::MainFrame));
        assert_eq!(rules[0].condition.resource_types.len(), 15);
        let both = header_rules(&Settings { dnt: true, ..Settings::default() });
        assert_eq!(
            both[0].action.request_headers.iter().map(|h| h.header.as_str()).collect::<Vec<_>>(),
            ["Sec-GPC", "DNT"]
        );
        assert!(header_rules(&Settings { gpc: false, ..Settings::default() }).is_empty());
    }

    #[test]
    fn tracking_parameters_are_removed_from_navigations_when_switched_on() {
        let rules = rules_for(&Settings::default());
        let redirect: Vec<&Rule> = rules.iter().filter(|r| r.action.kind == ActionType::Redirect).collect();
        assert_eq!(redirect.len(), 1);
        assert_eq!(redirect[0].condition.resource_types, [ResourceType::MainFrame]);
        let removed = &redirect[0].action.redirect.as_ref().unwrap().transform.query_transform.remove_params;
        for name in ["gclid", "fbclid", "utm_source"] {
            assert!(removed.iter().any(|p| p == name), "{name}");
        }
        let off = rules_for(&Settings { remove_tracking_params: false, ..Settings::default() });
        assert!(off.iter().all(|r| r.action.kind != ActionType::Redirect));
    }

    #[test]
    fn trusted_sites_outrank_every_choice_and_paused_sites_outrank_the_headers() {
        let mut settings = Settings::default();
        settings
            .sites
            .insert("news.example".into(), SiteSettings { mode: SiteMode::Trusted, ..SiteSettings::default() });
        settings
            .sites
            .insert("shop.example".into(), SiteSettings { mode: SiteMode::Paused, ..SiteSettings::default() });
        let rules = rules_for(&settings);
        let trusted = on_domain(&rules, "news.example");
        assert_eq!(kinds(&trusted), [(PRIORITY_TRUSTED, ActionType::AllowAllRequests)]);
        assert_eq!(trusted[0].condition.resource_types, [ResourceType::MainFrame, ResourceType::SubFrame]);
        assert_eq!(kinds(&on_domain(&rules, "shop.example")), [(PRIORITY_PAUSED, ActionType::AllowAllRequests)]);
        let highest_choice =
            rules.iter().filter(|r| r.action.kind != ActionType::AllowAllRequests && r.priority != PRIORITY_HEADERS);
        assert!(highest_choice.map(|r| r.priority).max().unwrap() < PRIORITY_TRUSTED);
        const { assert!(PRIORITY_TRUSTED < PRIORITY_HEADERS && PRIORITY_HEADERS < PRIORITY_PAUSED) };
        // A trusted site's own choices are not compiled: nothing the user did not ask for.
        settings.sites.get_mut("news.example").unwrap().choices.companies.insert("Meta".into(), Treatment::Block);
        assert!(rules_for(&settings).iter().all(|r| r.condition.initiator_domains.is_empty()));
    }

    #[test]
    fn a_site_choice_outranks_the_global_one_and_a_company_its_category() {
        let mut settings = Settings::default();
        settings.global.companies.insert("Google".into(), Treatment::Strip);
        let mut site = SiteSettings::default();
        site.choices.companies.insert("Meta".into(), Treatment::Allow);
        site.choices.domains.insert("in.hotjar.com".into(), Treatment::Allow);
        settings.sites.insert("news.example".into(), site);
        let rules = rules_for(&settings);
        // Google's advertising domain: blocked by category (10), but the company choice (20)
        // allows it and strips its cookies (21).
        assert_eq!(
            kinds(&on_domain(&rules, "doubleclick.net")),
            [(10, ActionType::Block), (20, ActionType::Allow), (21, ActionType::ModifyHeaders)]
        );
        let meta: Vec<&Rule> = on_domain(&rules, "facebook.net").into_iter().filter(|r| r.priority == 50).collect();
        assert_eq!(meta.len(), 1);
        assert_eq!(meta[0].action.kind, ActionType::Allow);
        assert_eq!(meta[0].condition.initiator_domains, ["news.example"]);
        let hotjar = on_domain(&rules, "in.hotjar.com");
        assert_eq!(kinds(&hotjar), [(60, ActionType::Allow)]);
    }

    #[test]
    fn settings_survive_a_round_trip_through_json() {
        let mut settings = Settings { dnt: true, consent: ConsentMode::OneClick, ..Settings::default() };
        let site = SiteSettings {
            mode: SiteMode::Protect,
            delete_cookies: vec![CookiePurpose::Advertising, CookiePurpose::Personalization],
            ..SiteSettings::default()
        };
        settings.sites.insert("news.example".into(), site);
        settings.global.domains.insert("tracker.example.com".into(), Treatment::Block);
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(json["categories"]["session_replay"], "block");
        assert_eq!(json["sites"]["news.example"]["deleteCookies"], json!(["advertising", "personalization"]));
        let read = read_settings(&json);
        assert_eq!(read.problems, Vec::<String>::new());
        assert_eq!(read.settings, settings);
    }

    #[test]
    fn bad_entries_are_dropped_one_by_one_and_the_rest_is_kept() {
        let stored = json!({
            "version": 1,
            "categories": {"advertising": "block", "cdn": "block", "nonsense": "block", "analytics": "maybe"},
            "companies": {"Meta": "block", "No Such Company Inc": "block"},
            "domains": {"ads.example.com": "block", "<script>": "block", "UPPER.example": "block"},
            "sites": {
                "news.example": {"mode": "trusted"},
                "www.shop.example": {"mode": "paused"},
                "blog.example": "paused",
                "other.example": {"mode": "sideways", "deleteCookies": ["advertising", "necessary", 7]}
            },
            "gpc": "yes",
            "dnt": true,
            "futureSetting": 1
        });
        let read = read_settings(&stored);
        let s = &read.settings;
        assert_eq!(s.global.categories, BTreeMap::from([(Category::Advertising, Treatment::Block)]));
        assert_eq!(s.global.companies, BTreeMap::from([("Meta".to_owned(), Treatment::Block)]));
        assert_eq!(s.global.domains, BTreeMap::from([("ads.example.com".to_owned(), Treatment::Block)]));
        assert_eq!(s.sites.keys().collect::<Vec<_>>(), ["news.example", "other.example"]);
        assert_eq!(s.sites["news.example"].mode, SiteMode::Trusted);
        assert_eq!(s.sites["other.example"].mode, SiteMode::Protect);
        assert_eq!(s.sites["other.example"].delete_cookies, [CookiePurpose::Advertising]);
        assert!(s.gpc, "a bad value keeps the default");
        assert!(s.dnt);
        let problems = read.problems.join("\n");
        for expected in [
            "categories.\"cdn\"",
            "categories.\"nonsense\"",
            "categories.\"analytics\": not \"block\"",
            "companies.\"No Such Company Inc\"",
            "domains.\"<script>\"",
            "domains.\"UPPER.example\"",
            "sites.\"www.shop.example\": not a registrable domain",
            "sites.\"blog.example\": not an object",
            "sites.\"other.example\".mode",
            "\"necessary\" is not a cookie purpose",
            "\"7\" is not a cookie purpose",
            "gpc: not true or false",
            "\"futureSetting\": unknown setting",
        ] {
            assert!(problems.contains(expected), "missing {expected:?} in\n{problems}");
        }
        assert_eq!(read.problems.len(), 13, "{problems}");
    }

    #[test]
    fn unreadable_settings_fall_back_to_the_defaults_without_panicking() {
        for value in [json!(null), json!([]), json!("settings"), json!(42), json!({"version": "one"})] {
            let read = read_settings(&value);
            assert_eq!(read.settings.global, Settings::default().global, "{value}");
            assert!(!read.problems.is_empty(), "{value}");
        }
        let newer = read_settings(&json!({"version": 9, "gpc": false}));
        assert!(!newer.settings.gpc);
        assert!(newer.problems[0].contains("newer TrackLens"));
        // Hostile names are bounded and lose their control characters in problems.
        let hostile = format!("{}\u{7}\n", "x".repeat(10_000));
        let read = read_settings(&json!({"version": 1, "companies": {hostile: "block"}}));
        assert!(read.problems[0].len() < 120 && !read.problems[0].contains('\u{7}'), "{:?}", read.problems);
    }

    #[test]
    fn history_preferences_are_part_of_the_settings_and_checked() {
        let read = read_settings(&json!({"version": 1, "historyEnabled": false, "retentionDays": 5}));
        assert_eq!(read.problems, Vec::<String>::new());
        assert!(!read.settings.history_enabled);
        assert_eq!(read.settings.retention_days, 5);
        // Saved back as the dashboard and the history module read them.
        let json = serde_json::to_value(&read.settings).unwrap();
        assert_eq!((json["historyEnabled"].clone(), json["retentionDays"].clone()), (json!(false), json!(5)));
        for bad in [json!(0), json!(366), json!(2.5), json!("30")] {
            let read = read_settings(&json!({"version": 1, "retentionDays": bad}));
            assert_eq!(read.settings.retention_days, 30, "{bad}");
            assert!(read.problems[0].starts_with("retentionDays: "), "{:?}", read.problems);
        }
        // The rules do not depend on them.
        let off = Settings { history_enabled: false, retention_days: 1, ..Settings::default() };
        assert_eq!(compile_settings(&off), compile_settings(&Settings::default()));
    }

    #[test]
    fn entries_over_the_limit_are_named_and_counted_in_one_problem() {
        let sites: Map<String, Value> =
            (0..2_500).map(|i| (format!("site{i:04}.example"), json!({"mode": "trusted"}))).collect();
        let read = read_settings(&json!({"version": 1, "sites": sites}));
        assert_eq!(read.settings.sites.len(), MAX_ENTRIES);
        assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
        let problem = &read.problems[0];
        assert!(
            problem.starts_with("sites: 2500 entries, over the limit of 2000; 500 dropped: \"site2000.example\""),
            "{problem}"
        );
        assert!(problem.ends_with("and 495 more"), "{problem}");
        let domains: Map<String, Value> = (0..2_003).map(|i| (format!("t{i}.example.com"), json!("block"))).collect();
        let read = read_settings(&json!({"version": 1, "domains": domains}));
        assert_eq!(read.settings.global.domains.len(), MAX_ENTRIES);
        assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
        assert!(read.problems[0].contains("3 dropped"), "{:?}", read.problems);
    }

    #[test]
    fn problems_beyond_the_listed_ones_are_counted() {
        let companies: Map<String, Value> = (0..150).map(|i| (format!("Nobody {i}"), json!("block"))).collect();
        let read = read_settings(&json!({"version": 1, "companies": companies}));
        assert_eq!(read.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(read.problems.last().unwrap(), "and 50 more problems not listed");
    }
}
