//! The page report's `context` section: what the page is about (the [`crate::context`]
//! decision on the page's own signals) and, on a sensitive page, what each company received
//! there.
//!
//! One model for every front end: the extension sends the signals its content script read, the
//! audit those of the live document, `analyze` those of a HAR's HTML (or the address alone), all
//! as an [`Event::PageSignals`](super::Event::PageSignals); what each company received is
//! gathered from the page's own request events as they arrive (the signals usually come after
//! the requests, at the end of the page's load), and joined with the decision in [`derive`].
//!
//! A company every request of which TrackLens blocked received nothing and is not listed; what a
//! partly blocked company's stopped requests would have carried is not told apart from what its
//! sent ones did (the block arrives after its request, naming only the host).

use super::{PageReport, LIMITS};
use crate::context::{classify_page, received, Evidence, PageSignals, Received};
use serde::{Deserialize, Serialize};

/// What the page is about and, on a sensitive page, who received what there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContextSection {
    /// Where the page's signals came from: `page` (the live document, read by the extension or
    /// the audit), `html` (a HAR's document response) or `url` (the address only).
    pub signals: String,
    /// The strongest sensitive category (`health`, `religion`…), or null.
    pub category: Option<String>,
    /// What the user reads for it (the vocabulary's label).
    pub label: Option<String>,
    /// Why: "title contains 'hiv self-test'", "schema.org Drug".
    pub evidence: Vec<String>,
    /// Every sensitive category found, strongest first.
    pub categories: Vec<Finding>,
    /// IAB Content Taxonomy tier-1 topics, strongest first.
    pub topics: Vec<Finding>,
    /// On a sensitive page: per company, what it received there (advertisers first). Derived.
    pub sensitive: Vec<Received>,
    /// The page's sensitive lexicon terms, looked for in what each company received.
    pub terms: Vec<String>,
    /// What the bounds of the signals left out (the collector's count and the core's).
    pub skipped: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Finding {
    pub name: String,
    pub score: f32,
    pub evidence: Vec<String>,
}

impl ContextSection {
    /// Advertising and social companies that received the page's data.
    pub fn advertisers(&self) -> impl Iterator<Item = &Received> {
        self.sensitive.iter().filter(|s| s.advertiser)
    }

    pub fn is_sensitive(&self) -> bool {
        self.category.is_some()
    }
}

/// The section for the page's `signals` (bounded first: they may come from a hostile page).
pub(super) fn classified(mut signals: PageSignals, source: &str) -> ContextSection {
    signals.bound();
    let context = classify_page(&signals);
    let describe = |e: &[Evidence]| e.iter().map(Evidence::describe).collect::<Vec<_>>();
    ContextSection {
        signals: source.to_owned(),
        category: context.category().map(|c| c.as_str().to_owned()),
        label: context.category().map(|c| c.label().to_owned()),
        evidence: context.sensitive.first().map(|f| describe(&f.evidence)).unwrap_or_default(),
        categories: context
            .sensitive
            .iter()
            .map(|f| Finding { name: f.category.as_str().to_owned(), score: f.score, evidence: describe(&f.evidence) })
            .collect(),
        topics: context
            .topics
            .iter()
            .map(|f| Finding { name: f.topic.as_str().to_owned(), score: f.score, evidence: describe(&f.evidence) })
            .collect(),
        sensitive: Vec::new(),
        terms: received::sensitive_lexicon_terms(&context),
        skipped: signals.skipped,
    }
}

/// Notes what a third-party request to `company` carried (its query and `Referer`), for the
/// join with the page's context. Only companies the report keeps (its company bound).
pub(super) fn note_request(report: &mut PageReport, company: &str, url: &str, referer: Option<&str>) {
    if !report.companies.contains_key(company) {
        return;
    }
    let mut got = report
        .received
        .remove(company)
        .unwrap_or_else(|| Received { company: company.to_owned(), ..Received::default() });
    got.note(url, referer, None, &report.page_url);
    // Only what says which page it was (with what came along in the same requests): most
    // requests carry nothing about the page, and the stored report stays as small as before.
    if got.reveals_page() {
        report.received.insert(company.to_owned(), got);
    }
}

/// On a sensitive page, the companies that received something revealing it, each with the
/// cookies its requests carried and the page's sensitive terms it received; else none.
pub(super) fn derive(report: &mut PageReport) {
    let Some(context) = report.context.as_mut() else { return };
    context.sensitive.clear();
    if !context.is_sensitive() {
        return;
    }
    for (name, noted) in &report.received {
        let Some(company) = report.companies.get(name) else { continue };
        if company.state == super::CompanyState::Blocked {
            continue;
        }
        let mut got = noted.clone();
        got.advertiser = company.categories.iter().any(|c| c == "advertising" || c == "social");
        got.cookies.clear();
        got.note_cookies(&company.cookies_sent);
        got.finish(&context.terms);
        if got.reveals_page() && context.sensitive.len() < LIMITS.companies {
            context.sensitive.push(got);
        }
    }
    received::sort(&mut context.sensitive);
}
