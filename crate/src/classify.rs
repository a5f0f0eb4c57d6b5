//! The verdict on one request: who receives it, for what purpose, first or third party, and why.

use crate::engine::{Action, Engine};
use crate::knowledge::{self, EntityRecord};
use crate::party::{site_of, Party};
use crate::request::ResourceType;
use crate::taxonomy::Category;
use crate::url::{NetworkUrl, UrlError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A request as the browser reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Request {
    pub url: String,
    /// The top-level page the request was made for; for a navigation, its own URL.
    pub page_url: String,
    #[serde(default)]
    pub resource_type: ResourceType,
}

/// What TrackLens concludes about a request, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub host: String,
    /// The request's site (registrable domain).
    pub site: String,
    pub party: Party,
    /// The company receiving the request, when the knowledge base knows it.
    pub entity: Option<&'static EntityRecord>,
    pub categories: &'static [Category],
    /// True for a third party whose purpose tracks the visitor, or that a list blocks.
    pub tracker: bool,
    pub action: Action,
    /// The filter that decided the action, else the knowledge-base entry that named the company.
    pub matched_by: Option<MatchedBy>,
    /// The verdict in one sentence, for the user.
    pub reason: String,
}

/// Where a verdict came from, so a user can check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedBy {
    /// `knowledge_base`, or the name of the filter list.
    pub source: String,
    /// The knowledge-base domain, or the filter as written in its list.
    pub rule: String,
    /// The filter's line in its list.
    pub line: Option<u32>,
}

/// A request that could not be classified. (A page URL that is not a network URL, such as
/// `about:blank`, is no error: the page is then unknown.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClassifyError {
    Url(UrlError),
}

impl fmt::Display for ClassifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassifyError::Url(e) => write!(f, "request url: {e}"),
        }
    }
}

impl std::error::Error for ClassifyError {}

/// Classify one request with the knowledge base alone (no filter lists); see `Engine::classify`.
///
/// ```
/// use tracklens::{classify, Party, Request, ResourceType};
/// let verdict = classify(&Request {
///     url: "https://static.hotjar.com/c/hotjar-1.js".into(),
///     page_url: "https://news.example/".into(),
///     resource_type: ResourceType::Script,
/// })
/// .unwrap();
/// assert_eq!(verdict.entity.unwrap().name, "Hotjar");
/// assert_eq!(verdict.party, Party::ThirdParty);
/// assert!(verdict.tracker);
/// ```
pub fn classify(request: &Request) -> Result<Verdict, ClassifyError> {
    Engine::default().classify(request)
}

/// "EasyPrivacy (line 42)": where a user finds the rule.
fn list_rule(rule: &MatchedBy) -> String {
    match rule.line {
        Some(line) => format!("{} (line {line})", rule.source),
        None => rule.source.clone(),
    }
}

/// The verdict in one sentence: who, what for, which party, and what the lists decided.
pub(crate) fn explain(
    url: &NetworkUrl,
    page: Option<&NetworkUrl>,
    party: Party,
    record: Option<&knowledge::DomainRecord>,
    filter: Option<&MatchedBy>,
    action: Action,
) -> String {
    let relation = match (party, page.map(site_of)) {
        (_, None) => "third party on an unknown page".to_owned(),
        (Party::FirstParty, Some(site)) => format!("same site as the page ({site})"),
        (Party::SameEntity, Some(site)) => format!("first party: {site} has the same owner"),
        (Party::ThirdParty, Some(site)) => format!("third party on {site}"),
    };
    let who = match record {
        Some(record) => {
            let purposes: Vec<&str> = record.categories.iter().map(|c| c.as_str()).collect();
            format!("{} is {}'s domain {} ({})", url.host, record.entity().name, record.domain, purposes.join(", "))
        }
        None => format!("{} is not in the knowledge base", url.host),
    };
    let lists = match (filter, action) {
        (Some(rule), Action::Block) => format!("; matches {} rule {}", list_rule(rule), rule.rule),
        (Some(rule), Action::Allow) => format!("; allowed by {} exception {}", list_rule(rule), rule.rule),
        (None, _) => String::new(),
    };
    format!("{who}; {relation}{lists}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(url: &str, page: &str) -> Verdict {
        classify(&Request { url: url.into(), page_url: page.into(), resource_type: ResourceType::Script }).unwrap()
    }

    #[test]
    fn a_known_tracker_on_another_site_is_a_tracker_with_its_reason() {
        let v = verdict("https://www.google-analytics.com/g/collect?v=2", "https://news.example/");
        assert_eq!(v.entity.unwrap().name, "Google");
        assert_eq!(v.categories, &[Category::Analytics]);
        assert!(v.tracker);
        assert_eq!(v.matched_by.as_ref().unwrap().rule, "google-analytics.com");
        assert!(v.reason.contains("Google") && v.reason.contains("third party on news.example"), "{}", v.reason);
    }

    #[test]
    fn a_cdn_is_named_but_not_a_tracker() {
        let v = verdict("https://cdnjs.cloudflare.com/ajax/libs/x.js", "https://news.example/");
        assert_eq!(v.entity.unwrap().name, "Cloudflare");
        assert_eq!(v.party, Party::ThirdParty);
        assert!(!v.tracker);
    }

    #[test]
    fn first_party_and_same_owner_requests_are_not_trackers() {
        let own = verdict("https://www.news.example/app.js", "https://news.example/");
        assert_eq!((own.party, own.tracker, own.entity), (Party::FirstParty, false, None));
        let meta = verdict("https://connect.facebook.net/en_US/fbevents.js", "https://www.facebook.com/");
        assert_eq!((meta.party, meta.tracker), (Party::SameEntity, false));
    }

    #[test]
    fn unknown_third_parties_are_reported_without_a_purpose() {
        let v = verdict("https://cdn.unknown.example/a.js", "https://news.example/");
        assert_eq!((v.party, v.tracker, v.matched_by), (Party::ThirdParty, false, None));
        assert!(v.reason.contains("not in the knowledge base"));
    }

    #[test]
    fn a_malformed_request_url_is_an_error_an_unknown_page_is_not() {
        let run = |url: &str, page: &str| {
            classify(&Request { url: url.into(), page_url: page.into(), resource_type: ResourceType::Other })
        };
        assert!(matches!(run("nonsense", "https://news.example/"), Err(ClassifyError::Url(_))));
        assert_eq!(run("https://a.example/", "about:blank").unwrap().party, Party::ThirdParty);
    }
}
