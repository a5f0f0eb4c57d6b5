//! The "sensitive pages" protection: on sites about a sensitive subject (health, religion…),
//! advertising and social trackers get a stronger treatment than elsewhere.
//!
//! A page's subject is only known once its content is read (`context`), after its first
//! requests have left; declarativeNetRequest rules cannot look at a page's content anyway. So
//! the protection works by site: when the core decides a page is about a category the user
//! protects, the extension records the site's subject in the settings (`sites.<site>.about`),
//! and the compiled rules cover every recorded site from its next request on (the rest of that
//! page and every later visit). A subject is kept only while its protection is on: turning the
//! protection off forgets which sites were about it (`protection::read_settings`).
//!
//! Decided once here, for the compiler (`protection`) and for the popup's "why" (`treatment`):
//! which tracker categories, with which treatment, at which priority, on which sites.

use crate::context::Sensitive;
use crate::protection::{Settings, SiteMode, Treatment};
use crate::taxonomy::Category;

/// The trackers the protection treats: the two kinds that build advertising profiles.
pub const TRACKER_CATEGORIES: [Category; 2] = [Category::Advertising, Category::Social];

/// The rules' priority: a site's own category level (see the table in `protection`), so a
/// company or domain the user chose for the site still decides, and an allow chosen for the
/// category on the site wins the tie as Chrome resolves it.
pub const PRIORITY: u32 = 40;

/// One choice the protection makes on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveChoice {
    pub category: Category,
    pub treatment: Treatment,
    /// The subject whose protection made it.
    pub subject: Sensitive,
}

/// What the protection does on `site` (a registrable domain): nothing on a site that is not
/// recorded as about a protected subject, trusted or paused; nothing for a tracker category
/// the site's own settings choose (the user's choice for the site is more specific).
pub fn choices_on(settings: &Settings, site: &str) -> Vec<SensitiveChoice> {
    let Some(here) = settings.sites.get(site).filter(|s| s.mode == SiteMode::Protect) else {
        return Vec::new();
    };
    // The strongest treatment among the site's protected subjects; block before strip.
    let strongest = here
        .about
        .iter()
        .filter_map(|subject| settings.sensitive_pages.get(subject).map(|&t| (t, *subject)))
        .min_by_key(|(treatment, _)| *treatment != Treatment::Block);
    let Some((treatment, subject)) = strongest else {
        return Vec::new();
    };
    TRACKER_CATEGORIES
        .into_iter()
        .filter(|category| !here.choices.categories.contains_key(category))
        .map(|category| SensitiveChoice { category, treatment, subject })
        .collect()
}

/// Whether `treatment` is one the protection may have: a stronger treatment than loading.
pub fn treatment_allowed(treatment: Treatment) -> bool {
    matches!(treatment, Treatment::Block | Treatment::Strip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protection::SiteSettings;

    fn settings(about: &[Sensitive], own: &[(Category, Treatment)]) -> Settings {
        let mut s = Settings::default();
        s.sensitive_pages.insert(Sensitive::Health, Treatment::Block);
        s.sensitive_pages.insert(Sensitive::Religion, Treatment::Strip);
        let mut site = SiteSettings { about: about.to_vec(), ..SiteSettings::default() };
        site.choices.categories.extend(own.iter().copied());
        s.sites.insert("clinic.example".into(), site);
        s
    }

    #[test]
    fn a_site_about_a_protected_subject_gets_its_treatment_for_advertising_and_social() {
        let s = settings(&[Sensitive::Religion, Sensitive::Health], &[]);
        let choices = choices_on(&s, "clinic.example");
        assert_eq!(choices.len(), 2);
        assert!(choices.iter().all(|c| c.treatment == Treatment::Block && c.subject == Sensitive::Health));
        assert!(choices_on(&s, "news.example").is_empty(), "a site not recorded");
    }

    #[test]
    fn the_sites_own_category_choice_and_its_mode_come_first() {
        let s = settings(&[Sensitive::Religion], &[(Category::Social, Treatment::Allow)]);
        let choices = choices_on(&s, "clinic.example");
        assert_eq!(choices.iter().map(|c| c.category).collect::<Vec<_>>(), [Category::Advertising]);
        assert_eq!(choices[0].treatment, Treatment::Strip);
        let mut trusted = s.clone();
        trusted.sites.get_mut("clinic.example").unwrap().mode = SiteMode::Trusted;
        assert!(choices_on(&trusted, "clinic.example").is_empty());
        let mut off = s;
        off.sensitive_pages.clear();
        assert!(choices_on(&off, "clinic.example").is_empty(), "a subject whose protection is off");
    }

    fn read(value: serde_json::Value) -> crate::protection::ReadSettings {
        crate::protection::read_settings(&value)
    }

    #[test]
    fn settings_keep_a_sites_subjects_only_while_they_are_protected_and_name_what_they_drop() {
        let read = read(serde_json::json!({
            "version": 1,
            "sensitivePages": {"health": "block", "religion": "allow", "astrology": "block"},
            "sites": {"clinic.example": {"about": ["health", "politics", "nonsense", "health"]}},
        }));
        assert_eq!(
            read.settings.sensitive_pages.iter().map(|(s, t)| (*s, *t)).collect::<Vec<_>>(),
            [(Sensitive::Health, Treatment::Block)]
        );
        assert_eq!(read.settings.sites["clinic.example"].about, [Sensitive::Health], "politics is not protected");
        let problems = read.problems.join("\n");
        assert!(problems.contains("sensitivePages.religion: not \"block\" or \"strip\""), "{problems}");
        assert!(problems.contains("sensitivePages.\"astrology\": not a sensitive category"), "{problems}");
        assert!(
            problems.contains("sites.\"clinic.example\".about: \"nonsense\" is not a sensitive category"),
            "{problems}"
        );
        assert_eq!(read.problems.len(), 3, "{problems}");
        // Written back, the settings carry the record; protection off, they forget it.
        let written = serde_json::to_value(&read.settings).unwrap();
        assert_eq!(written["sites"]["clinic.example"]["about"], serde_json::json!(["health"]));
        let mut off = written;
        off["sensitivePages"] = serde_json::json!({});
        assert_eq!(crate::protection::read_settings(&off).settings.sites["clinic.example"].about, []);
    }

    #[test]
    fn the_rules_cover_every_recorded_site_at_once_and_the_popup_says_why() {
        let read = read(serde_json::json!({
            "version": 1,
            "categories": {"advertising": "allow", "social": "allow"},
            "sensitivePages": {"health": "block"},
            "sites": {"clinic.example": {"about": ["health"]}, "pharmacy.example": {"about": ["health"]}, "news.example": {}},
        }));
        assert_eq!(read.problems, Vec::<String>::new());
        let rules = crate::protection::compile_settings(&read.settings).rules;
        let ours: Vec<_> = rules.iter().filter(|r| r.condition.initiator_domains.len() == 2).collect();
        assert!(!ours.is_empty());
        for rule in &ours {
            assert_eq!(rule.condition.initiator_domains, ["clinic.example", "pharmacy.example"]);
            assert_eq!((rule.priority, rule.action.kind), (PRIORITY, crate::dnr::ActionType::Block));
        }
        let treat = |site: &str| crate::treatment::treatment_of(&read.settings, site, "connect.facebook.net");
        let there = treat("clinic.example");
        assert_eq!(there.treatment, Some(Treatment::Block));
        assert_eq!((there.decided_by.setting, there.decided_by.name.as_deref()), ("sensitive", Some("health")));
        assert_eq!(treat("news.example").treatment, Some(Treatment::Allow), "the global allow elsewhere");
    }
}
