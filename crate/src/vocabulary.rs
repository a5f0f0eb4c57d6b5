//! The words TrackLens shows for its categories and cookie purposes, defined once.
//!
//! Every front end takes them from here: the extension's pages (the build writes
//! `extension/pkg/vocabulary.js` with `tracklens vocabulary --format js`, and the worker asks
//! `vocabulary()` through wasm), and the CLI (`tracklens vocabulary`). Each term has its wire
//! name (as in JSON and settings), its label, its place in display order (the list order), and
//! whether a user may choose it in the settings: content delivery is never blocked (pages need
//! it), necessary cookies are never deleted for the user (sessions, the consent choice).

use crate::cookie_purpose::CookiePurpose;
use crate::protection::Treatment;
use crate::report::CompanyState;
use crate::taxonomy::Category;
use serde::Serialize;

/// One category or cookie purpose as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Term {
    pub name: &'static str,
    pub label: &'static str,
    /// For a category: it may be blocked, stripped or allowed. For a cookie purpose: its cookies
    /// may be deleted and kept deleted.
    pub choosable: bool,
    /// For a category: what its services do, in a few plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'static str>,
}

/// Categories and cookie purposes, each in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub categories: Vec<Term>,
    pub cookie_purposes: Vec<Term>,
    /// What the user may do with a company or category: block, load without cookies, allow.
    pub treatments: Vec<Term>,
    /// What happened to a company on a page: blocked, partly blocked, loaded without cookies, loaded.
    pub company_states: Vec<Term>,
    /// What a sensitive page is about (health, religion…), the page context's categories.
    pub sensitive_categories: Vec<Term>,
}

pub fn category_label(category: Category) -> &'static str {
    match category {
        Category::Advertising => "Advertising",
        Category::Analytics => "Analytics",
        Category::Social => "Social networks",
        Category::Fingerprinting => "Fingerprinting",
        Category::SessionReplay => "Session replay",
        Category::Personalization => "Personalization / A-B testing",
        Category::TagManager => "Tag managers",
        Category::Consent => "Consent banners",
        Category::CustomerInteraction => "Chat and support widgets",
        Category::AudioVideo => "Audio and video players",
        Category::Security => "Bot protection (not tracking)",
        Category::Cdn => "Content delivery (not tracking)",
    }
}

/// What a category's services do, as the popup says it after "Google's analytics service: ".
pub fn category_description(category: Category) -> &'static str {
    match category {
        Category::Advertising => "shows ads and follows this browser across sites to target them",
        Category::Analytics => "counts visits and builds a profile of this browser",
        Category::Social => "tells a social network which pages you read",
        Category::Fingerprinting => "recognises this browser from its traits, without cookies",
        Category::SessionReplay => "records your clicks, mouse moves and typing",
        Category::Personalization => "changes the page for you and tests versions of it",
        Category::TagManager => "loads other tracking scripts for the site",
        Category::Consent => "asks for and stores your consent choice",
        Category::CustomerInteraction => "runs a chat or support window",
        Category::AudioVideo => "plays embedded audio or video",
        Category::Security => "checks that you are not a bot",
        Category::Cdn => "delivers files the page needs",
    }
}

/// The noun for a category's service, lower case: "Google's analytics service".
pub fn category_service(category: Category) -> &'static str {
    match category {
        Category::Advertising => "advertising",
        Category::Analytics => "analytics",
        Category::Social => "social network",
        Category::Fingerprinting => "fingerprinting",
        Category::SessionReplay => "session recording",
        Category::Personalization => "personalization",
        Category::TagManager => "tag manager",
        Category::Consent => "consent banner",
        Category::CustomerInteraction => "chat",
        Category::AudioVideo => "audio and video",
        Category::Security => "bot protection",
        Category::Cdn => "content delivery",
    }
}

/// The words for a treatment, as a control's option and in sentences.
pub fn treatment_label(treatment: Treatment) -> &'static str {
    match treatment {
        Treatment::Block => "Block",
        Treatment::Strip => "Load without cookies",
        Treatment::Allow => "Allow",
    }
}

/// A company's state on a page (`report::CompanyState`), as every page shows it.
pub fn state_label(state: CompanyState) -> &'static str {
    match state {
        CompanyState::Blocked => "Blocked",
        CompanyState::PartlyBlocked => "Partly blocked",
        CompanyState::LoadedWithoutCookies => "Loaded without cookies",
        CompanyState::Loaded => "Loaded",
    }
}

/// Company states in display order: the most protected first.
pub const STATE_ORDER: [CompanyState; 4] =
    [CompanyState::Blocked, CompanyState::PartlyBlocked, CompanyState::LoadedWithoutCookies, CompanyState::Loaded];

/// Treatments in the order the popup's control shows them.
pub const TREATMENT_ORDER: [Treatment; 3] = [Treatment::Block, Treatment::Strip, Treatment::Allow];

/// Whether the settings may name the category (content delivery and bot protection are never
/// blocked: sites break without them).
pub fn category_choosable(category: Category) -> bool {
    !matches!(category, Category::Cdn | Category::Security)
}

pub fn purpose_label(purpose: CookiePurpose) -> &'static str {
    match purpose {
        CookiePurpose::Advertising => "Advertising",
        CookiePurpose::Analytics => "Analytics",
        CookiePurpose::Personalization => "Personalization / A-B testing",
        CookiePurpose::Social => "Social networks",
        CookiePurpose::Unknown => "Unknown purpose",
        CookiePurpose::Preferences => "Preferences",
        CookiePurpose::Security => "Security",
        CookiePurpose::Necessary => "Necessary for the site",
    }
}

/// Whether cookies of the purpose may be deleted for the user and kept deleted.
pub fn purpose_deletable(purpose: CookiePurpose) -> bool {
    purpose != CookiePurpose::Necessary
}

/// Cookie purposes in display order: the most intrusive first, what the site needs last.
pub const PURPOSE_ORDER: [CookiePurpose; 8] = [
    CookiePurpose::Advertising,
    CookiePurpose::Analytics,
    CookiePurpose::Personalization,
    CookiePurpose::Social,
    CookiePurpose::Unknown,
    CookiePurpose::Preferences,
    CookiePurpose::Security,
    CookiePurpose::Necessary,
];

pub fn vocabulary() -> Vocabulary {
    let categories = Category::ALL
        .into_iter()
        .map(|c| Term {
            name: c.as_str(),
            label: category_label(c),
            choosable: category_choosable(c),
            description: Some(category_description(c)),
        })
        .collect();
    let cookie_purposes = PURPOSE_ORDER
        .into_iter()
        .map(|p| Term { name: p.as_str(), label: purpose_label(p), choosable: purpose_deletable(p), description: None })
        .collect();
    let treatments = TREATMENT_ORDER
        .into_iter()
        .map(|t| Term { name: t.as_str(), label: treatment_label(t), choosable: true, description: None })
        .collect();
    let company_states = STATE_ORDER
        .into_iter()
        .map(|s| Term { name: s.as_str(), label: state_label(s), choosable: false, description: None })
        .collect();
    let sensitive_categories = crate::context::Sensitive::ALL
        .into_iter()
        .map(|s| Term { name: s.as_str(), label: s.label(), choosable: false, description: None })
        .collect();
    Vocabulary { categories, cookie_purposes, treatments, company_states, sensitive_categories }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_and_purpose_is_named_once_with_a_distinct_label() {
        let v = vocabulary();
        assert_eq!(v.categories.len(), Category::ALL.len());
        let mut purposes: Vec<_> = PURPOSE_ORDER.to_vec();
        purposes.sort();
        purposes.dedup();
        assert_eq!(purposes.len(), CookiePurpose::ALL.len(), "every purpose in the order, once");
        for terms in [&v.categories, &v.cookie_purposes] {
            let mut labels: Vec<_> = terms.iter().map(|t| t.label).collect();
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), terms.len());
        }
        let not_choosable: Vec<_> = v.categories.iter().filter(|t| !t.choosable).map(|t| t.name).collect();
        assert_eq!(not_choosable, ["security", "cdn"]);
        assert_eq!(v.cookie_purposes.last().map(|t| (t.name, t.choosable)), Some(("necessary", false)));
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(
            json["cookiePurposes"][0],
            serde_json::json!({"name": "advertising", "label": "Advertising", "choosable": true})
        );
    }
}
