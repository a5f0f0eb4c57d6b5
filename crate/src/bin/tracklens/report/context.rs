//! The report's `context` section: what the page is about (the core's `context` module) and, on
//! a sensitive page, what each company received there.

use super::PageReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tracklens::context::{classify_page, what_companies_received, CompanyRequests, PageSignals, Received, SentRequest};
use tracklens::{Engine, Party, Request, ResourceType};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextSection {
    /// Where the page's signals came from: `page` (the live document), `html` (the HAR's
    /// document response) or `url` (the address only).
    pub signals: String,
    /// The strongest sensitive category (`health`, `religion`…), or null.
    pub category: Option<String>,
    /// What the user reads for it.
    pub label: Option<String>,
    /// Why: "title contains 'hiv self-test'", "schema.org Drug".
    pub evidence: Vec<String>,
    /// Every sensitive category found, strongest first.
    pub categories: Vec<Finding>,
    /// IAB Content Taxonomy tier-1 topics, strongest first.
    pub topics: Vec<Finding>,
    /// On a sensitive page: per company, what it received there.
    pub sensitive: Vec<Received>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub name: String,
    pub score: f32,
    pub evidence: Vec<String>,
}

impl ContextSection {
    pub fn advertisers(&self) -> impl Iterator<Item = &Received> {
        self.sensitive.iter().filter(|s| s.advertiser)
    }
}

/// Classifies the page and joins it with the third-party requests (`requests`: URL, Referer,
/// cookie names), grouped by company with the same engine as the rest of the report.
pub fn add_context(
    report: &mut PageReport,
    engine: &Engine,
    signals: &PageSignals,
    source: &str,
    requests: &[SentRequest],
) {
    let context = classify_page(signals);
    let page_url = if signals.url.is_empty() { report.url.clone() } else { signals.url.clone() };
    let mut companies: BTreeMap<&'static str, CompanyRequests> = BTreeMap::new();
    if context.is_sensitive() {
        for sent in requests {
            let request =
                Request { url: sent.url.clone(), page_url: page_url.clone(), resource_type: ResourceType::Other };
            let Ok(verdict) = engine.classify(&request) else { continue };
            let Some(entity) = verdict.entity.filter(|_| verdict.party == Party::ThirdParty) else { continue };
            let company = companies
                .entry(entity.name)
                .or_insert_with(|| CompanyRequests { company: entity.name.to_owned(), ..CompanyRequests::default() });
            for category in verdict.categories {
                if !company.categories.contains(category) {
                    company.categories.push(*category);
                }
            }
            company.requests.push(sent.clone());
        }
    }
    let companies: Vec<CompanyRequests> = companies.into_values().collect();
    let received = what_companies_received(&page_url, &context, &companies);
    let describe = |e: &[tracklens::context::Evidence]| e.iter().map(|e| e.describe()).collect::<Vec<_>>();
    report.context = Some(ContextSection {
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
        sensitive: received,
    });
}

/// Collects a page's signals in the browser (the audit's `Runtime.evaluate`; the extension's
/// content script does the same): bounded, read-only, returns plain JSON.
pub const SIGNALS_SCRIPT: &str = r#"(() => {
  const cut = (s, n) => String(s == null ? '' : s).slice(0, n);
  const meta = (n) => { const e = document.querySelector(`meta[name="${n}"],meta[property="${n}"]`); return e ? cut(e.getAttribute('content'), 1000) : ''; };
  const types = [];
  const walk = (v, d) => {
    if (!v || d > 8 || types.length >= 32 || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.slice(0, 64).forEach((x) => walk(x, d + 1)); return; }
    const t = v['@type'];
    (Array.isArray(t) ? t : [t]).forEach((x) => { if (typeof x === 'string' && types.length < 32) types.push(x.slice(0, 100)); });
    Object.values(v).forEach((x) => walk(x, d + 1));
  };
  for (const s of Array.from(document.querySelectorAll('script[type="application/ld+json"]')).slice(0, 16)) {
    try { walk(JSON.parse(cut(s.textContent, 65536)), 0); } catch (e) { /* a broken block says nothing */ }
  }
  return {
    url: location.href, title: cut(document.title, 1000),
    description: meta('description'), keywords: meta('keywords'),
    ogTitle: meta('og:title'), ogDescription: meta('og:description'),
    headings: Array.from(document.querySelectorAll('h1,h2,h3')).slice(0, 24).map((h) => cut(h.textContent.trim(), 1000)),
    schemaTypes: types,
    text: cut(document.body ? document.body.innerText : '', 20000),
  };
})()"#;

/// The terminal lines: "Page about health (title contains 'hiv self-test'; …)" and, per
/// company, what it received.
pub fn terminal_lines(report: &PageReport) -> String {
    let Some(context) = &report.context else { return String::new() };
    let mut out = String::new();
    if let Some(label) = &context.label {
        out.push_str(&format!("\nSensitive page: about {label} ({})\n", context.evidence.join("; ")));
        for entry in &context.sensitive {
            out.push_str(&format!("  {}\n", entry.summary));
        }
    }
    if !context.topics.is_empty() {
        let topics: Vec<&str> = context.topics.iter().map(|t| t.name.as_str()).collect();
        out.push_str(&format!("Topics: {}\n", topics.join(", ")));
    }
    out
}

/// The HTML rows, page-derived text escaped.
pub fn html_section(report: &PageReport) -> String {
    let Some(context) = &report.context else { return String::new() };
    let esc = super::escape_markup;
    let mut html = String::new();
    if let Some(label) = &context.label {
        html.push_str(&format!(
            "<h3>Sensitive page: about {}</h3><p class=\"muted\">{}</p><ul>",
            esc(label),
            esc(&context.evidence.join("; "))
        ));
        for entry in &context.sensitive {
            html.push_str(&format!("<li>{}</li>", esc(&entry.summary)));
        }
        html.push_str("</ul>");
    }
    if !context.topics.is_empty() {
        let topics: Vec<&str> = context.topics.iter().map(|t| t.name.as_str()).collect();
        html.push_str(&format!("<p>Topics: {}</p>", esc(&topics.join(", "))));
    }
    html
}
