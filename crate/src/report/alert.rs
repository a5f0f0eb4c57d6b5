//! The popup's alert on a sensitive page: what the page is about, why TrackLens thinks so, and
//! each company that learned you were there with what it received, in plain words.
//!
//! Read from the report's [`context`](super::context) section (the core's decision and join)
//! and the company rows of the page view (how the settings treat each company here): the popup
//! only lays it out.

use super::summary::CompanyView;
use super::PageReport;
use crate::context::{Received, Sensitive};
use crate::protection::{Settings, Treatment};
use serde::Serialize;

/// The alert at the top of the popup; absent on a page that is not sensitive.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SensitiveAlert {
    /// The category's wire name (`health`) and label, from the vocabulary.
    pub category: String,
    pub label: String,
    /// "This page is about health (physical, mental, sexual or reproductive)."
    pub heading: String,
    /// "Why TrackLens thinks so: title contains 'hiv self-test'; schema.org Drug."
    pub evidence: String,
    /// "2 companies learned that you were on this page:" or "No company learned…".
    pub sentence: String,
    /// Each company that received something revealing the page, advertisers first.
    pub companies: Vec<AlertCompany>,
    /// The companies "Block these companies here" blocks: those the settings do not block on
    /// this site yet. Empty when there is nothing left to block.
    pub to_block: Vec<String>,
    /// The button that turns on the "sensitive pages" protection for the category
    /// (`sensitive_pages`): "Always block advertising and social trackers on sites about
    /// health"; absent when the settings already block them there.
    pub protect: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertCompany {
    pub name: String,
    pub advertiser: bool,
    /// "Meta received that you viewed 'OraQuick HIV Self-Test' (event ViewContent) with…".
    pub summary: String,
    /// One line per kind of thing it received: "Page address: dl parameter", "Title: …".
    pub details: Vec<String>,
}

/// The alert for `report`, whose company rows are `companies` (their settings on this site).
pub fn sensitive_alert(report: &PageReport, companies: &[CompanyView], settings: &Settings) -> Option<SensitiveAlert> {
    let context = report.context.as_ref()?;
    let (category, label) = (context.category.clone()?, context.label.clone()?);
    let listed: Vec<AlertCompany> = context.sensitive.iter().map(alert_company).collect();
    let blocked_here = |name: &str| {
        companies
            .iter()
            .find(|c| c.name == name)
            .is_some_and(|c| !c.setting.mixed && c.setting.treatment == Some(Treatment::Block))
    };
    let to_block = listed.iter().filter(|c| !blocked_here(&c.name)).map(|c| c.name.clone()).collect();
    let sentence = match listed.len() {
        0 => "No company learned that you were on this page.".to_owned(),
        1 => "1 company learned that you were on this page:".to_owned(),
        n => format!("{n} companies learned that you were on this page:"),
    };
    let subject = Sensitive::from_name(&category);
    let protected = subject.is_some_and(|s| settings.sensitive_pages.get(&s) == Some(&Treatment::Block));
    let protect = subject.filter(|_| !protected).map(|s| {
        let short = s.label().split(" (").next().unwrap_or_default();
        format!("Always block advertising and social trackers on sites about {short}")
    });
    Some(SensitiveAlert {
        protect,
        heading: format!("This page is about {label}."),
        evidence: format!("Why TrackLens thinks so: {}.", context.evidence.join("; ")),
        category,
        label,
        sentence,
        companies: listed,
        to_block,
    })
}

fn alert_company(got: &Received) -> AlertCompany {
    let mut details = Vec::new();
    let mut line = |name: &str, items: &[String]| {
        if !items.is_empty() {
            details.push(format!("{name}: {}", items.join(", ")));
        }
    };
    line("Page address", &got.address);
    line("Page title", got.title.as_slice());
    line("Events", &got.events);
    line("What you viewed", &got.content);
    line("Identifiers", &got.identifiers);
    line("Cookies", &got.cookies);
    AlertCompany { name: got.company.clone(), advertiser: got.advertiser, summary: got.summary.clone(), details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{apply_all, Event, RequestVerdict, VerdictEntity};

    fn shop_page(page: &str, title: &str) -> PageReport {
        let meta = RequestVerdict {
            host: "www.facebook.com".into(),
            site: "facebook.com".into(),
            party: "third_party".into(),
            entity: Some(VerdictEntity { name: "Meta".into(), ..VerdictEntity::default() }),
            categories: vec!["advertising".into(), "social".into()],
            tracker: true,
            reason: String::new(),
        };
        let signals = crate::context::PageSignals {
            url: page.into(),
            title: title.into(),
            ..crate::context::PageSignals::default()
        };
        let mut report = PageReport::default();
        apply_all(
            &mut report,
            &[
                Event::Page { url: page.into(), started_at: 1.0 },
                Event::Request {
                    url: "https://www.facebook.com/tr/?ev=ViewContent&cd[content_name]=OraQuick%20HIV%20Self-Test"
                        .into(),
                    verdict: meta,
                    before_consent: None,
                    referer: None,
                },
                Event::PageSignals { signals, source: "page".into() },
            ],
        );
        report
    }

    #[test]
    fn a_sensitive_page_names_each_company_and_what_it_received_and_offers_to_block_it() {
        let report = shop_page("https://shop.example/pharmacy/oraquick", "OraQuick HIV Self-Test | Pharmacy");
        // The defaults already block advertising everywhere: nothing is left to block here.
        let defaults = crate::protection::Settings::default();
        let alert = crate::report::summary::page_view(&report, &defaults).alert.expect("an alert");
        assert!(alert.to_block.is_empty(), "{:?}", alert.to_block);
        let allowed = serde_json::json!({"version": 1, "categories": {"advertising": "allow", "social": "allow"}});
        let settings = crate::protection::read_settings(&allowed).settings;
        let view = crate::report::summary::page_view(&report, &settings);
        let alert = view.alert.expect("an alert");
        assert_eq!(alert.category, "health");
        assert!(alert.heading.starts_with("This page is about health"), "{}", alert.heading);
        assert!(alert.evidence.contains("title contains 'hiv self-test'"), "{}", alert.evidence);
        assert_eq!(alert.companies.len(), 1);
        assert_eq!(alert.companies[0].details, ["Events: ViewContent", "What you viewed: OraQuick HIV Self-Test"]);
        assert_eq!(alert.to_block, ["Meta"]);
        assert_eq!(
            alert.protect.as_deref(),
            Some("Always block advertising and social trackers on sites about health")
        );
        let mut protected = settings;
        protected.sensitive_pages.insert(Sensitive::Health, Treatment::Block);
        assert_eq!(crate::report::summary::page_view(&report, &protected).alert.expect("an alert").protect, None);
    }

    #[test]
    fn an_ordinary_page_has_no_alert() {
        let report = shop_page("https://shop.example/products/ice-scraper", "Ice scraper with brush | Shop");
        let view = crate::report::summary::page_view(&report, &crate::protection::Settings::default());
        assert_eq!(view.alert, None);
    }
}
