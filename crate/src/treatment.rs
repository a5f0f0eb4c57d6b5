//! How the user's settings treat one host on one site, and which setting decided.
//!
//! The popup says, for each company on a page, "blocked (your choice for this site)" or "loads
//! without cookies (Analytics)". That must be what Chrome will do with the rules
//! `protection::compile_settings` installs, so this module does not restate the precedence in
//! words: it lists the rules the compiler would make that match the host on the site (the same
//! conditions: the knowledge base's most specific entry, third party only, the company's own
//! sites spared) with their priorities, and resolves them as Chrome does. The highest priority
//! among block and allow rules wins, an allow beating a block at the same priority; a
//! `modifyHeaders` (cookie stripping) rule applies only above the winning allow.
//!
//! The filter lists (the optional EasyPrivacy ruleset) are not settings and `treatment_of` leaves
//! them out: "no setting" means the settings leave the host alone. `own_rules_block` adds them.

use crate::dnr::{site_domain, PRIORITY_IMPORTANT};
use crate::knowledge;
use crate::protection::{Choices, Settings, SiteMode, Treatment, PRIORITY_PAUSED, PRIORITY_TRUSTED};
use crate::sensitive_pages;
use crate::taxonomy::Category;
use crate::url::NetworkUrl;
use crate::{Engine, Request};
use serde::Serialize;

/// Which setting made the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecidedBy {
    /// `category`, `company`, `domain`, `sensitive` (the "sensitive pages" protection, `name`
    /// its subject), `trusted` (the site is trusted), `paused` (protection paused on the site)
    /// or `none` (no setting applies).
    pub setting: &'static str,
    /// `everywhere` for a global choice, `site` for the site's own; absent for `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    /// The category, company or domain chosen; the site for `trusted` and `paused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the deciding choice is one a new install has (the user never changed it).
    pub default: bool,
}

/// How the settings treat a host on a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostTreatment {
    pub host: String,
    /// `None` when no setting touches the host (it loads, unless a filter list blocks it).
    pub treatment: Option<Treatment>,
    pub decided_by: DecidedBy,
}

/// What a rule does, in Chrome's order for rules of equal priority (first wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Allow,
    AllowAllRequests,
    Block,
    StripCookies,
}

struct Candidate {
    priority: u32,
    action: Action,
    decided_by: DecidedBy,
}

/// How `settings` treat requests to `host` from pages of `site` (a host or registrable domain).
pub fn treatment_of(settings: &Settings, site: &str, host: &str) -> HostTreatment {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let site = site_domain(site).unwrap_or_else(|_| site.to_owned());
    let candidates = candidates(settings, &site, &host);
    let (treatment, decided_by) = resolve(candidates);
    HostTreatment { host, treatment, decided_by }
}

/// Whether TrackLens' own rules stop `request`: a block of the settings' rules, or, with the
/// EasyPrivacy protection on, a block of the list where no setting allows the request. Firefox
/// reports a request its declarativeNetRequest stopped as an ordinary abort (NS_ERROR_ABORT), so
/// the background asks this about an aborted request to know whether it was a block, and the
/// report counts the same blocks on both browsers. The list's rules sit below every setting's
/// priority (`dnr::PRIORITY_*` against 10 and up), so any allow of the settings overrides them.
pub fn own_rules_block(engine: &Engine, settings: &Settings, request: &Request) -> bool {
    let (Ok(url), Ok(site)) = (NetworkUrl::parse(&request.url), site_domain(&request.page_url)) else {
        return false;
    };
    let mut candidates = candidates(settings, &site, &url.host);
    if settings.easy_privacy && matches!(engine.decide(request), Ok(Some(decision)) if decision.blocks()) {
        let decided_by = DecidedBy { setting: "list", scope: None, name: None, default: false };
        candidates.push(Candidate { priority: PRIORITY_IMPORTANT, action: Action::Block, decided_by });
    }
    resolve(candidates).0 == Some(Treatment::Block)
}

fn candidates(settings: &Settings, site: &str, host: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let here = settings.sites.get(site);
    let mode = here.map_or(SiteMode::Protect, |s| s.mode);
    for (mode_of_site, priority, setting) in
        [(SiteMode::Trusted, PRIORITY_TRUSTED, "trusted"), (SiteMode::Paused, PRIORITY_PAUSED, "paused")]
    {
        if mode == mode_of_site {
            let decided_by = DecidedBy { setting, scope: Some("site"), name: Some(site.to_owned()), default: false };
            out.push(Candidate { priority, action: Action::AllowAllRequests, decided_by });
        }
    }
    // Every choice's rules are third party only.
    let third_party = !matches!(site_domain(host), Ok(host_site) if host_site == site);
    if !third_party {
        return out;
    }
    let defaults = Settings::default();
    add_choices(&mut out, &settings.global, 0, site, host, &defaults.global);
    if let (Some(here), SiteMode::Protect) = (here, mode) {
        add_choices(&mut out, &here.choices, 3, site, host, &Choices::default());
    }
    add_sensitive_pages(&mut out, settings, site, host);
    out
}

/// The knowledge base's entry for `host` as the compiler's category and company rules see it:
/// absent on the company's own sites (`excludedInitiatorDomains`) and for content delivery.
fn tracker_entry(site: &str, host: &str) -> Option<&'static knowledge::DomainRecord> {
    let entry = knowledge::lookup(host)?;
    let own = crate::dnr::entity_sites(entry.entity());
    let on_own_site = own.iter().any(|s| site == s || site.ends_with(&format!(".{s}")));
    (!on_own_site).then_some(entry)
}

/// The "sensitive pages" protection's rules that match `host` on `site` (`sensitive_pages`).
fn add_sensitive_pages(out: &mut Vec<Candidate>, settings: &Settings, site: &str, host: &str) {
    let Some(entry) = tracker_entry(site, host).filter(|e| !e.categories.contains(&Category::Cdn)) else {
        return;
    };
    for choice in sensitive_pages::choices_on(settings, site) {
        if entry.categories.contains(&choice.category) {
            let name = Some(choice.subject.as_str().to_owned());
            let by = DecidedBy { setting: "sensitive", scope: Some("site"), name, default: false };
            push(out, sensitive_pages::PRIORITY, choice.treatment, true, by);
        }
    }
}

/// The rules `protection`'s compiler makes for `choices` at `level_offset` (0 global, 3 a
/// site's own) that match `host` on `site`.
fn add_choices(
    out: &mut Vec<Candidate>,
    choices: &Choices,
    level_offset: u32,
    site: &str,
    host: &str,
    defaults: &Choices,
) {
    let scope = if level_offset == 0 { "everywhere" } else { "site" };
    let priority = |level: u32| (level + level_offset) * 10;
    let broadest = level_offset == 0;
    if let Some(entry) = tracker_entry(site, host) {
        let cdn = entry.categories.contains(&Category::Cdn);
        for category in entry.categories.iter().filter(|_| !cdn) {
            if let Some(&treatment) = choices.categories.get(category) {
                let default = defaults.categories.get(category) == Some(&treatment);
                let by =
                    DecidedBy { setting: "category", scope: Some(scope), name: Some(category.to_string()), default };
                push(out, priority(1), treatment, !broadest, by);
            }
        }
        let company = entry.entity().name;
        if let Some(&treatment) = choices.companies.get(company) {
            let default = defaults.companies.get(company) == Some(&treatment);
            let by = DecidedBy { setting: "company", scope: Some(scope), name: Some(company.to_owned()), default };
            push(out, priority(2), treatment, true, by);
        }
    }
    for (domain, &treatment) in &choices.domains {
        if host == domain || host.ends_with(&format!(".{domain}")) {
            let default = defaults.domains.get(domain) == Some(&treatment);
            let by = DecidedBy { setting: "domain", scope: Some(scope), name: Some(domain.clone()), default };
            push(out, priority(3), treatment, true, by);
        }
    }
}

/// As `Compiler::treat`: a strip is a `modifyHeaders` one level up, plus (where something
/// broader may block) an allow at the choice's own level.
fn push(out: &mut Vec<Candidate>, priority: u32, treatment: Treatment, overrides: bool, decided_by: DecidedBy) {
    match treatment {
        Treatment::Block => out.push(Candidate { priority, action: Action::Block, decided_by }),
        Treatment::Allow => out.push(Candidate { priority, action: Action::Allow, decided_by }),
        Treatment::Strip => {
            if overrides {
                out.push(Candidate { priority, action: Action::Allow, decided_by: decided_by.clone() });
            }
            out.push(Candidate { priority: priority + 1, action: Action::StripCookies, decided_by });
        }
    }
}

fn resolve(candidates: Vec<Candidate>) -> (Option<Treatment>, DecidedBy) {
    let none = DecidedBy { setting: "none", scope: None, name: None, default: false };
    let winner = candidates
        .iter()
        .filter(|c| c.action != Action::StripCookies)
        .min_by_key(|c| (std::cmp::Reverse(c.priority), c.action));
    if let Some(block) = winner.filter(|w| w.action == Action::Block) {
        return (Some(Treatment::Block), block.decided_by.clone());
    }
    let above = winner.map_or(0, |w| w.priority);
    let strip =
        candidates.iter().filter(|c| c.action == Action::StripCookies && c.priority > above).max_by_key(|c| c.priority);
    match (strip, winner) {
        (Some(strip), _) => (Some(Treatment::Strip), strip.decided_by.clone()),
        (None, Some(allow)) => (Some(Treatment::Allow), allow.decided_by.clone()),
        (None, None) => (None, none),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protection::SiteSettings;

    fn treat(settings: &Settings, site: &str, host: &str) -> (Option<Treatment>, &'static str, Option<String>, bool) {
        let t = treatment_of(settings, site, host);
        (t.treatment, t.decided_by.setting, t.decided_by.name, t.decided_by.default)
    }

    #[test]
    fn defaults_block_advertising_strip_analytics_and_leave_the_rest() {
        let s = Settings::default();
        assert_eq!(
            treat(&s, "news.example", "googleads.g.doubleclick.net"),
            (Some(Treatment::Block), "category", Some("advertising".into()), true)
        );
        assert_eq!(
            treat(&s, "news.example", "www.google-analytics.com"),
            (Some(Treatment::Strip), "category", Some("analytics".into()), true)
        );
        assert_eq!(treat(&s, "news.example", "cdn.jsdelivr.net"), (None, "none", None, false));
        assert_eq!(treat(&s, "news.example", "unknown-host.example.org"), (None, "none", None, false));
        // On a site of Google's own, Google's domains are spared, as the rules spare them.
        assert_eq!(treat(&s, "admeld.com", "googleads.g.doubleclick.net").1, "none");
    }

    #[test]
    fn the_most_specific_choice_decides_as_the_rules_do() {
        let mut s = Settings::default();
        s.global.companies.insert("Google".into(), Treatment::Strip);
        // The company choice (20) allows what the category (10) blocks, and strips it (21).
        assert_eq!(
            treat(&s, "news.example", "googleads.g.doubleclick.net"),
            (Some(Treatment::Strip), "company", Some("Google".into()), false)
        );
        let mut site = SiteSettings::default();
        site.choices.domains.insert("doubleclick.net".into(), Treatment::Block);
        site.choices.companies.insert("Google".into(), Treatment::Allow);
        s.sites.insert("news.example".into(), site);
        // The site's domain choice (60) beats its company choice (50): the level popup code
        // used to forget.
        let t = treatment_of(&s, "www.news.example", "googleads.g.doubleclick.net");
        assert_eq!(t.treatment, Some(Treatment::Block));
        assert_eq!((t.decided_by.setting, t.decided_by.scope), ("domain", Some("site")));
        assert_eq!(
            treat(&s, "news.example", "www.google-analytics.com"),
            (Some(Treatment::Allow), "company", Some("Google".into()), false)
        );
        // Elsewhere the site's choices do not apply.
        assert_eq!(treat(&s, "shop.example", "googleads.g.doubleclick.net").1, "company");
    }

    #[test]
    fn trusted_and_paused_sites_allow_everything() {
        let mut s = Settings::default();
        s.sites.insert("news.example".into(), SiteSettings { mode: SiteMode::Trusted, ..SiteSettings::default() });
        s.sites.insert("shop.example".into(), SiteSettings { mode: SiteMode::Paused, ..SiteSettings::default() });
        assert_eq!(
            treat(&s, "news.example", "googleads.g.doubleclick.net"),
            (Some(Treatment::Allow), "trusted", Some("news.example".into()), false)
        );
        assert_eq!(treat(&s, "shop.example", "connect.facebook.net").1, "paused");
    }

    fn request(url: &str, page_url: &str) -> Request {
        Request { url: url.into(), page_url: page_url.into(), resource_type: crate::ResourceType::Script }
    }

    #[test]
    fn own_rules_block_what_the_settings_or_the_enabled_list_block() {
        let (engine, _) = Engine::from_lists([("EasyPrivacy", "||pixel.unlisted-tracker.example^\n")]);
        let mut s = Settings::default();
        let page = "https://www.news.example/article";
        // The settings' rules: advertising is blocked, analytics only stripped, first parties spared.
        assert!(own_rules_block(&engine, &s, &request("https://googleads.g.doubleclick.net/x.js", page)));
        assert!(!own_rules_block(&engine, &s, &request("https://www.google-analytics.com/g/collect", page)));
        assert!(!own_rules_block(&engine, &s, &request("https://static.news.example/app.js", page)));
        // The list blocks only while its protection is on.
        let listed = request("https://pixel.unlisted-tracker.example/p.gif", page);
        assert!(!own_rules_block(&engine, &s, &listed));
        s.easy_privacy = true;
        assert!(own_rules_block(&engine, &s, &listed));
        // A setting's allow outranks the list, and a trusted site allows everything.
        s.global.domains.insert("unlisted-tracker.example".into(), Treatment::Allow);
        assert!(!own_rules_block(&engine, &s, &listed));
        s.sites.insert("news.example".into(), SiteSettings { mode: SiteMode::Trusted, ..SiteSettings::default() });
        assert!(!own_rules_block(&engine, &s, &request("https://googleads.g.doubleclick.net/x.js", page)));
        // What cannot be parsed is not called a block.
        assert!(!own_rules_block(&engine, &s, &request("not a url", page)));
    }

    #[test]
    fn an_allow_beats_a_block_of_the_same_priority_as_in_chrome() {
        // Two categories of one domain at a site's category level (40): a block and a strip
        // (allow at 40, strip at 41). Chrome lets the allow win the tie, so cookies are stripped.
        let mut s = Settings::default();
        let entry =
            knowledge::domains().iter().find(|d| d.categories.len() > 1 && !d.categories.contains(&Category::Cdn));
        let entry = entry.expect("a knowledge-base domain with two categories");
        let mut site = SiteSettings::default();
        site.choices.categories.insert(entry.categories[0], Treatment::Block);
        site.choices.categories.insert(entry.categories[1], Treatment::Strip);
        s.sites.insert("news.example".into(), site);
        let t = treatment_of(&s, "news.example", entry.domain);
        assert_eq!(t.treatment, Some(Treatment::Strip), "{t:?}");
        assert_eq!(t.decided_by.name.as_deref(), Some(entry.categories[1].as_str()));
    }
}
