//! What the popup says first, in plain words: the page in one sentence, how many companies do
//! what, and for each company its honest state, what it is, what it collected, how the settings
//! treat it and why.
//!
//! Everything here is read from the [`PageReport`] (what happened) and the [`Settings`] (what
//! TrackLens was told to do, through [`treatment_of`]); the popup only lays it out. A company's
//! state is the report's [`CompanyState`], never a guess from the settings: a company whose
//! analytics hit left with its cookies is "Loaded", whatever the settings say should happen.

use super::{Company, CompanyState, PageReport};
use crate::protection::{Settings, Treatment};
use crate::taxonomy::Category;
use crate::treatment::{treatment_of, HostTreatment};
use crate::vocabulary::{category_description, category_label, category_service, state_label};
use serde::Serialize;

/// The page as the popup's first screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageView {
    pub site: Option<String>,
    /// "6 companies tried to track you here; TrackLens stopped 4 and partly stopped 1."
    pub sentence: String,
    /// Tracking companies on the page, and of them how many were stopped fully and partly, and
    /// how many loaded without cookies.
    pub trackers: u64,
    pub stopped: u64,
    pub partly_stopped: u64,
    pub without_cookies: u64,
    /// Tracking companies per purpose, in the vocabulary's order, purposes with none left out.
    pub purposes: Vec<PurposeCount>,
    /// Every company, trackers first, then by requests.
    pub companies: Vec<CompanyView>,
    /// On a sensitive page: what it is about and who learned you were there ([`super::alert`]).
    pub alert: Option<super::alert::SensitiveAlert>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeCount {
    pub category: &'static str,
    pub label: &'static str,
    pub companies: u64,
}

/// A purpose as a row shows it: its wire name (for styling and tests) and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    pub category: &'static str,
    pub label: &'static str,
}

/// One company in plain words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyView {
    pub name: String,
    pub parent: Option<String>,
    pub tracker: bool,
    /// Its purposes, in the vocabulary's order.
    pub purposes: Vec<Purpose>,
    pub state: CompanyState,
    /// "Blocked", "Partly blocked", "Loaded without cookies", "Loaded".
    pub state_label: &'static str,
    /// "2 of 3 requests stopped; 1 sent."
    pub state_detail: String,
    /// "Google's analytics service: counts visits and builds a profile of this browser."
    pub about: String,
    /// What left the browser for it; empty when it was blocked.
    pub collected: Vec<Collected>,
    pub setting: SettingView,
    /// Why, in plain words: how the settings treated each of its hosts.
    pub why: Vec<String>,
    /// For experts: the classifier's evidence per host, and its hosts.
    pub evidence: Vec<String>,
    pub hosts: Vec<String>,
    pub privacy_policy: Option<String>,
    pub opt_out: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collected {
    /// `cookies`, `identifiers`, `data`, `fingerprinting`, `replay` or `typed`.
    pub kind: &'static str,
    pub text: String,
}

/// How the settings treat the company on this site, for its three-state control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingView {
    /// What applies to all its hosts; null when no setting touches them (they load) or when
    /// its hosts are treated differently (`mixed`).
    pub treatment: Option<Treatment>,
    /// Where that comes from: `default`, `category`, `company` (or one of its domains),
    /// `site` (a choice for this site, or the site trusted or paused), `sensitive` (the
    /// "sensitive pages" protection on a site about a protected subject), `none`, or `mixed`.
    pub source: &'static str,
    /// "Blocked by your 'Advertising: Block' setting (a default)".
    pub words: String,
    /// Whether its hosts are treated differently from each other.
    pub mixed: bool,
}

/// The page view for `report` under `settings`.
pub fn page_view(report: &PageReport, settings: &Settings) -> PageView {
    let site = report.site.clone().unwrap_or_default();
    let mut companies: Vec<&Company> = report.companies.values().collect();
    companies.sort_by(|a, b| b.tracker.cmp(&a.tracker).then(b.requests.cmp(&a.requests)).then(a.name.cmp(&b.name)));
    let trackers: Vec<&&Company> = companies.iter().filter(|c| c.tracker).collect();
    let count = |state: CompanyState| trackers.iter().filter(|c| c.state == state).count() as u64;
    let (stopped, partly_stopped, without_cookies) =
        (count(CompanyState::Blocked), count(CompanyState::PartlyBlocked), count(CompanyState::LoadedWithoutCookies));
    let purposes = Category::ALL
        .into_iter()
        .filter(|c| c.is_tracking())
        .map(|category| PurposeCount {
            category: category.as_str(),
            label: category_label(category),
            companies: trackers.iter().filter(|c| c.categories.iter().any(|n| n == category.as_str())).count() as u64,
        })
        .filter(|p| p.companies > 0)
        .collect();
    let tracker_count = trackers.len() as u64;
    let companies: Vec<CompanyView> = companies.iter().map(|c| company_view(report, settings, &site, c)).collect();
    PageView {
        alert: super::alert::sensitive_alert(report, &companies, settings),
        site: report.site.clone(),
        sentence: sentence(tracker_count, stopped, partly_stopped),
        trackers: tracker_count,
        stopped,
        partly_stopped,
        without_cookies,
        purposes,
        companies,
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn sentence(trackers: u64, stopped: u64, partly: u64) -> String {
    if trackers == 0 {
        return "No tracking company on this page.".to_owned();
    }
    let who = format!("{} tried to track you here", plural(trackers, "company", "companies"));
    let done = match (stopped, partly) {
        (0, 0) => "TrackLens stopped none of them".to_owned(),
        (s, 0) if s == trackers => format!("TrackLens stopped {}", if s == 1 { "it" } else { "all of them" }),
        (s, 0) => format!("TrackLens stopped {s}"),
        (0, p) => format!("TrackLens partly stopped {p}"),
        (s, p) => format!("TrackLens stopped {s} and partly stopped {p}"),
    };
    format!("{who}; {done}.")
}

fn categories_of(company: &Company) -> Vec<Category> {
    Category::ALL.into_iter().filter(|c| company.categories.iter().any(|n| n == c.as_str())).collect()
}

fn company_view(report: &PageReport, settings: &Settings, site: &str, company: &Company) -> CompanyView {
    let categories = categories_of(company);
    let treatments: Vec<HostTreatment> = company.hosts.iter().map(|h| treatment_of(settings, site, h)).collect();
    CompanyView {
        name: company.name.clone(),
        parent: company.parent.clone(),
        tracker: company.tracker,
        purposes: categories.iter().map(|&c| Purpose { category: c.as_str(), label: category_label(c) }).collect(),
        state: company.state,
        state_label: state_label(company.state),
        state_detail: state_detail(company),
        about: about(company, &categories),
        collected: collected(report, company),
        setting: setting_view(&treatments),
        why: why(company, &treatments),
        evidence: evidence(report, company, settings),
        hosts: company.hosts.clone(),
        privacy_policy: company.privacy_policy.clone(),
        opt_out: company.opt_out.clone(),
    }
}

fn state_detail(company: &Company) -> String {
    let requests = plural(company.requests, "request", "requests");
    match company.state {
        CompanyState::Blocked => format!("{requests} stopped; nothing reached it."),
        CompanyState::PartlyBlocked => {
            let sent = company.requests.saturating_sub(company.blocked);
            format!("{} of {requests} stopped; {sent} sent.", company.blocked)
        }
        CompanyState::LoadedWithoutCookies => format!("{requests} sent, no cookie went with them."),
        CompanyState::Loaded => format!("{requests} sent."),
    }
}

/// "Google's analytics and advertising services: counts visits and builds a profile of this
/// browser." The description is the first tracking purpose's.
fn about(company: &Company, categories: &[Category]) -> String {
    let services: Vec<&str> = categories.iter().map(|&c| category_service(c)).collect();
    // Its parent is shown beside its name; here the sentence stays short.
    let owner = &company.name;
    let Some(&first) = categories.iter().find(|c| c.is_tracking()).or(categories.first()) else {
        return format!("{owner}: a company TrackLens knows.");
    };
    let noun = if services.len() == 1 { "service" } else { "services" };
    format!("{owner}'s {} {noun}: {}.", join_words(&services), category_description(first))
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn list(names: &[String], max: usize) -> String {
    let shown = names.iter().take(max).map(String::as_str).collect::<Vec<_>>().join(", ");
    if names.len() > max {
        format!("{shown} and {} more", names.len() - max)
    } else {
        shown
    }
}

/// What left the browser for the company. Nothing when it was blocked; for a partly blocked
/// company the report keeps what its requests carried without saying which of them were
/// stopped, so its parameters are said as "sent or tried to send".
fn collected(report: &PageReport, company: &Company) -> Vec<Collected> {
    if company.state == CompanyState::Blocked {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    for name in company.cookies_sent.iter().chain(&company.cookies_set).chain(&company.cookies) {
        if !cookies.contains(name) {
            cookies.push(name.clone());
        }
    }
    if !cookies.is_empty() {
        out.push(Collected { kind: "cookies", text: format!("cookies {}", list(&cookies, 6)) });
    }
    // Said once, before the first parameter named.
    let mut hedge = if company.state == CompanyState::PartlyBlocked { "sent or tried to send " } else { "" };
    let ids: Vec<String> = company.sent.iter().filter(|p| p.kind == "identifier").map(|p| p.name.clone()).collect();
    if !ids.is_empty() {
        out.push(Collected { kind: "identifiers", text: format!("{hedge}identifiers ({})", list(&ids, 6)) });
        hedge = "";
    }
    let page: Vec<String> = company
        .sent
        .iter()
        .filter(|p| p.kind == "page" || p.kind == "device")
        .map(|p| p.meaning.trim_start_matches("the ").trim_start_matches("your ").to_owned())
        .collect();
    if !page.is_empty() {
        out.push(Collected { kind: "data", text: format!("{hedge}{}", list(&page, 4)) });
    }
    let fingerprinting = report
        .fingerprinting
        .values()
        .filter(|s| s.company.as_deref() == Some(company.name.as_str()) && s.detected())
        .max_by_key(|s| s.verdict.score);
    if let Some(script) = fingerprinting {
        let (level, techniques) = (&script.verdict.level, script.verdict.techniques.join(", "));
        out.push(Collected { kind: "fingerprinting", text: format!("fingerprinting ({level}: {techniques})") });
    }
    if company.categories.iter().any(|c| c == Category::SessionReplay.as_str()) {
        let text = "a recording of your clicks, mouse moves and typing (session replay)".to_owned();
        out.push(Collected { kind: "replay", text });
    }
    for leak in report.leaks.iter().filter(|l| l.company.as_deref() == Some(company.name.as_str())) {
        out.push(Collected { kind: "typed", text: format!("what you typed in \"{}\"", leak.field) });
    }
    out
}

/// Where a decision comes from, as the control shows it.
fn source_of(t: &HostTreatment) -> &'static str {
    let by = &t.decided_by;
    match by.setting {
        "none" => "none",
        "trusted" | "paused" => "site",
        "sensitive" => "sensitive",
        _ if by.scope == Some("site") => "site",
        _ if by.default => "default",
        "category" => "category",
        _ => "company",
    }
}

/// "your 'Advertising: Block' setting (a default)", "your choice for Google on this site".
fn decided_words(t: &HostTreatment) -> String {
    let by = &t.decided_by;
    let name = by.name.clone().unwrap_or_default();
    let here = if by.scope == Some("site") { " on this site" } else { " everywhere" };
    let treatment = t.treatment.map_or("", |t| crate::vocabulary::treatment_label(t));
    match by.setting {
        "trusted" => "you trust this site".to_owned(),
        "paused" => "protection is paused on this site".to_owned(),
        "category" => {
            let label = label_of(&name);
            let default = if by.default { " (a default)" } else { "" };
            let here = if by.scope == Some("site") { " on this site" } else { "" };
            format!("your '{label}: {treatment}' setting{here}{default}")
        }
        "sensitive" => {
            let subject = crate::context::Sensitive::from_name(&name).map_or(name.as_str(), |s| s.label());
            format!("your setting for sites about {subject}")
        }
        "company" => format!("your choice for {name}{here}"),
        "domain" => format!("your choice for {name}{here}"),
        _ => "no setting of yours".to_owned(),
    }
}

fn outcome(treatment: Option<Treatment>) -> &'static str {
    match treatment {
        Some(Treatment::Block) => "blocked",
        Some(Treatment::Strip) => "loads without cookies",
        Some(Treatment::Allow) => "allowed",
        None => "loads: no setting of yours applies",
    }
}

/// "blocked by your 'Advertising: Block' setting", "allowed: you trust this site".
fn outcome_because(t: &HostTreatment) -> String {
    match (t.treatment, t.decided_by.setting) {
        (None, _) => outcome(None).to_owned(),
        (_, "trusted" | "paused") => format!("{}: {}", outcome(t.treatment), decided_words(t)),
        _ => format!("{} by {}", outcome(t.treatment), decided_words(t)),
    }
}

fn setting_view(treatments: &[HostTreatment]) -> SettingView {
    let Some(first) = treatments.first() else {
        return SettingView { treatment: None, source: "none", words: "No setting applies.".to_owned(), mixed: false };
    };
    if treatments.iter().any(|t| t.treatment != first.treatment) {
        // No one setting is in force: the control shows none pressed, and "why" lists each host.
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for t in treatments {
            let said = outcome(t.treatment).split(':').next().unwrap_or_default();
            match counts.iter_mut().find(|(w, _)| *w == said) {
                Some((_, n)) => *n += 1,
                None => counts.push((said, 1)),
            }
        }
        let parts: Vec<String> = counts.iter().map(|(w, n)| format!("{n} {w}")).collect();
        let words = format!("Its hosts are treated differently: {} (see Why).", parts.join(", "));
        return SettingView { treatment: None, source: "mixed", words, mixed: true };
    }
    let mut words = format!("{}.", outcome_because(first));
    words.replace_range(..1, &words[..1].to_uppercase());
    SettingView { treatment: first.treatment, source: source_of(first), words, mixed: false }
}

/// Per host, how the settings treated it, hosts with the same treatment and reason together.
fn why(company: &Company, treatments: &[HostTreatment]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for t in treatments {
        let reason = outcome_because(t);
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, hosts)) => hosts.push(&t.host),
            None => groups.push((reason, vec![&t.host])),
        }
    }
    let mut out: Vec<String> =
        groups.into_iter().map(|(reason, hosts)| format!("{}: {reason}.", hosts.join(", "))).collect();
    if company.omitted_hosts > 0 {
        out.push(format!("{} to further hosts not listed.", plural(company.omitted_hosts, "request", "requests")));
    }
    out
}

/// The classifier's evidence, worded for a reader: category names as labels, and a filter list
/// named as a list that names the host, not as what blocked it, when its ruleset is off.
fn evidence(report: &PageReport, company: &Company, settings: &Settings) -> Vec<String> {
    let scripts = report.fingerprinting.values().filter(|s| s.company.as_deref() == Some(company.name.as_str()));
    let fingerprinting = scripts.flat_map(|s| s.verdict.reasons.iter().map(move |r| format!("{} {r}", s.script)));
    company
        .reasons
        .iter()
        .map(|reason| {
            let mut text = labelled_purposes(reason);
            if !settings.easy_privacy {
                if let Some(at) = text.find("; matches ") {
                    let listed = text[at + "; matches ".len()..].to_owned();
                    text = format!(
                        "{}; listed in {listed} (TrackLens' EasyPrivacy blocking is off: the list did not block it)",
                        &text[..at]
                    );
                }
            }
            text
        })
        .chain(fingerprinting)
        .collect()
}

/// A category's label from its wire name; an unknown name as it is.
fn label_of(name: &str) -> String {
    serde_json::from_value::<Category>(serde_json::Value::String(name.to_owned()))
        .map_or_else(|_| name.to_owned(), |c| category_label(c).to_owned())
}

/// The classifier's "host is X's domain d (analytics, tag_manager)" with the purposes' labels.
fn labelled_purposes(reason: &str) -> String {
    let Some(start) = reason.find("'s domain ").and_then(|at| reason[at..].find(" (").map(|p| at + p + 2)) else {
        return reason.to_owned();
    };
    let Some(len) = reason[start..].find(')') else { return reason.to_owned() };
    let labels: Vec<String> = reason[start..start + len].split(", ").map(label_of).collect();
    format!("{}{}{}", &reason[..start], labels.join(", "), &reason[start + len..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protection::SiteSettings;

    fn company(name: &str, categories: &[&str], hosts: &[&str], requests: u64, blocked: u64) -> Company {
        Company {
            name: name.into(),
            tracker: true,
            categories: categories.iter().map(|c| (*c).into()).collect(),
            hosts: hosts.iter().map(|h| (*h).into()).collect(),
            requests,
            blocked,
            ..Company::default()
        }
    }

    fn report(companies: Vec<Company>) -> PageReport {
        let mut report = PageReport { site: Some("news.example".into()), ..PageReport::default() };
        for c in companies {
            report.companies.insert(c.name.clone(), c);
        }
        super::super::apply::derive(&mut report);
        report
    }

    #[test]
    fn the_sentence_counts_what_the_core_says_happened() {
        let mut google = company(
            "Google",
            &["analytics", "advertising", "tag_manager"],
            &["googleads.g.doubleclick.net", "www.google-analytics.com", "www.googletagmanager.com"],
            3,
            1,
        );
        google.cookies_sent = vec!["_ga".into()];
        let meta = company("Meta", &["advertising", "social"], &["connect.facebook.net"], 1, 1);
        let x = company("X", &["social"], &["platform.twitter.com"], 2, 0);
        let cdn = Company { tracker: false, ..company("jsDelivr", &["cdn"], &["cdn.jsdelivr.net"], 1, 0) };
        let view = page_view(&report(vec![google, meta, x, cdn]), &Settings::default());
        assert_eq!(view.sentence, "3 companies tried to track you here; TrackLens stopped 1 and partly stopped 1.");
        assert_eq!((view.trackers, view.stopped, view.partly_stopped, view.without_cookies), (3, 1, 1, 1));
        let social = view.purposes.iter().find(|p| p.category == "social").unwrap();
        assert_eq!(social.companies, 2);
        assert!(view.purposes.iter().all(|p| p.category != "cdn"));
        let names: Vec<_> = view.companies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Google", "X", "Meta", "jsDelivr"]);

        let google = &view.companies[0];
        assert_eq!(
            (google.state_label, google.state_detail.as_str()),
            ("Partly blocked", "1 of 3 requests stopped; 2 sent.")
        );
        assert_eq!(google.about, "Google's advertising, analytics and tag manager services: shows ads and follows this browser across sites to target them.");
        // Its hosts are treated differently: advertising blocked, analytics stripped, the tag manager left alone.
        assert!(google.setting.mixed);
        assert_eq!((google.setting.treatment, google.setting.source), (None, "mixed"));
        assert_eq!(
            google.setting.words,
            "Its hosts are treated differently: 1 blocked, 1 loads without cookies, 1 loads (see Why)."
        );
        assert_eq!(
            google.why,
            [
                "googleads.g.doubleclick.net: blocked by your 'Advertising: Block' setting (a default).",
                "www.google-analytics.com: loads without cookies by your 'Analytics: Load without cookies' setting (a default).",
                "www.googletagmanager.com: loads: no setting of yours applies.",
            ]
        );
        assert_eq!(google.collected[0].text, "cookies _ga");
        // Blocked: it collected nothing, whatever its category says it would.
        let meta = view.companies.iter().find(|c| c.name == "Meta").unwrap();
        assert_eq!(meta.state_label, "Blocked");
        assert!(meta.collected.is_empty());
    }

    #[test]
    fn a_replay_company_collected_a_recording_only_when_it_loaded() {
        let blocked = company("Hotjar", &["session_replay"], &["static.hotjar.com"], 2, 2);
        let view = page_view(&report(vec![blocked.clone()]), &Settings::default());
        assert!(view.companies[0].collected.is_empty());
        assert_eq!(view.sentence, "1 company tried to track you here; TrackLens stopped it.");
        let loaded = Company { blocked: 0, ..blocked };
        let view = page_view(&report(vec![loaded]), &Settings::default());
        assert_eq!(view.companies[0].collected[0].kind, "replay");
        assert_eq!(view.companies[0].state_label, "Loaded without cookies");
    }

    #[test]
    fn a_site_choice_is_the_source_and_the_words_say_so() {
        let mut settings = Settings::default();
        let mut site = SiteSettings::default();
        site.choices.companies.insert("X".into(), Treatment::Block);
        settings.sites.insert("news.example".into(), site);
        let view = page_view(&report(vec![company("X", &["social"], &["platform.twitter.com"], 1, 0)]), &settings);
        let x = &view.companies[0];
        assert_eq!((x.setting.treatment, x.setting.source), (Some(Treatment::Block), "site"));
        assert_eq!(x.setting.words, "Blocked by your choice for X on this site.");
        assert_eq!(page_view(&report(vec![]), &settings).sentence, "No tracking company on this page.");
    }

    #[test]
    fn evidence_names_purposes_in_words_and_an_unused_list_as_a_list() {
        let mut c = company("Google", &["tag_manager"], &["www.googletagmanager.com"], 1, 0);
        c.reasons = vec!["www.googletagmanager.com is Google's domain googletagmanager.com (tag_manager); third party on news.example; matches EasyPrivacy (line 3658) rule ||googletagmanager.com^".into()];
        let view = page_view(&report(vec![c]), &Settings::default());
        let evidence = &view.companies[0].evidence[0];
        assert!(!evidence.contains("tag_manager") && evidence.contains("(Tag managers)"), "{evidence}");
        assert!(evidence.contains("listed in EasyPrivacy (line 3658) rule ||googletagmanager.com^ (TrackLens' EasyPrivacy blocking is off"), "{evidence}");
        assert!(!evidence.contains("matches"));
    }
}
