//! What each company received on a page: the page's context joined with its requests.
//!
//! An ad pixel on a sensitive page does not need to say "HIV": the page's address (`dl`, `url`,
//! the `Referer` header), its title (`dt`) or the event it reports (`ev=ViewContent` with
//! `cd[content_name]=OraQuick HIV Self-Test`) tell the company what you looked at, and the
//! identifiers sent with it (`fbp`, the `_fbp` cookie) tell it who you are. This module names
//! both, per company: "Meta received that you viewed 'OraQuick HIV Self-Test' with a Meta
//! browser ID (fbp) and the cookies _fbp, fr".
//!
//! Unlike `collected`, which never returns values, this shows the title and product names the
//! page itself put in the requests: they are the page's words, and the point is to show them.
//! They are bounded and never interpreted.

use super::words::for_each_word;
use super::{Field, PageContext};
use crate::collected::{documented_meaning, DataKind};
use crate::params::percent_decode;
use crate::taxonomy::Category;
use serde::{Deserialize, Serialize};

/// One request a company received (a URL, optionally a form-encoded or text body).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SentRequest {
    pub url: String,
    pub referer: Option<String>,
    /// Names of the cookies it carried.
    pub cookies: Vec<String>,
    pub body: Option<String>,
}

/// A company and the requests it received on the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CompanyRequests {
    pub company: String,
    pub categories: Vec<Category>,
    pub requests: Vec<SentRequest>,
}

/// What one company learned about the visit (also the report's `context.sensitive[]` entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Received {
    pub company: String,
    /// It is an advertising or social company (builds audiences from what it receives).
    pub advertiser: bool,
    /// How it got the page's address: `dl parameter`, `Referer header`…
    pub address: Vec<String>,
    /// The page title it was sent.
    pub title: Option<String>,
    /// Event names (`ViewContent`, `page_view`).
    pub events: Vec<String>,
    /// What the events were about (`cd[content_name]`…).
    pub content: Vec<String>,
    /// The page's sensitive terms that appear in what it received.
    pub sensitive_terms: Vec<String>,
    /// Identifiers sent with it: parameters ("a Meta browser ID (fbp)") and cookies.
    pub identifiers: Vec<String>,
    pub cookies: Vec<String>,
    /// One sentence for the user.
    pub summary: String,
}

impl Received {
    /// It learned which page you were on (address, title or what you viewed).
    pub fn reveals_page(&self) -> bool {
        !self.address.is_empty() || self.title.is_some() || !self.content.is_empty()
    }
}

const MAX_VALUE: usize = 200;
const MAX_ITEMS: usize = 8;
const MAX_REQUESTS: usize = 500;
const MAX_PAIRS: usize = 128;

/// Per company, what it received that reveals the page, and with which identifiers; only
/// companies that learned which page it was. Advertising and social companies first.
pub fn what_companies_received(page_url: &str, context: &PageContext, companies: &[CompanyRequests]) -> Vec<Received> {
    let terms = sensitive_lexicon_terms(context);
    let mut out: Vec<Received> = companies
        .iter()
        .map(|c| {
            let mut got = Received::of(&c.company, &c.categories);
            for request in c.requests.iter().take(MAX_REQUESTS) {
                got.note(&request.url, request.referer.as_deref(), request.body.as_deref(), page_url);
                // Every cookie it was sent: a browser only sends a company its own cookies, and
                // their names (never values) say which of its identifiers came along.
                got.note_cookies(&request.cookies);
            }
            got.finish(&terms);
            got
        })
        .filter(Received::reveals_page)
        .collect();
    sort(&mut out);
    out
}

/// Advertising and social companies first, then by name.
pub fn sort(received: &mut [Received]) {
    received.sort_by(|a, b| b.advertiser.cmp(&a.advertiser).then_with(|| a.company.cmp(&b.company)));
}

/// The page's sensitive lexicon terms (not schema.org types): what [`Received::finish`] looks
/// for in what a company received.
pub fn sensitive_lexicon_terms(context: &PageContext) -> Vec<String> {
    let mut terms = Vec::new();
    for finding in &context.sensitive {
        for evidence in finding.evidence.iter().filter(|e| e.field != Field::Schema) {
            push(&mut terms, evidence.term);
        }
    }
    terms
}

impl Received {
    /// Nothing received yet by `company`, whose categories say whether it is an advertiser.
    pub fn of(company: &str, categories: &[Category]) -> Received {
        Received {
            company: company.to_owned(),
            advertiser: categories.iter().any(|c| matches!(c, Category::Advertising | Category::Social)),
            ..Received::default()
        }
    }

    /// Adds what one request to the company carried on the page at `page_url`: its query and
    /// form-encoded body, and its `Referer` header. Bounded: at most [`MAX_PAIRS`] pairs a
    /// request, [`MAX_ITEMS`] entries a list, [`MAX_VALUE`] bytes a value.
    pub fn note(&mut self, url: &str, referer: Option<&str>, body: Option<&str>, page_url: &str) {
        let page_path = path_of(page_url);
        let query = url.split('#').next().unwrap_or("").split_once('?').map_or("", |(_, q)| q);
        let body = body.unwrap_or("");
        for pair in query.split('&').chain(body.split('&')).take(MAX_PAIRS) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = percent_decode(value);
            note_param(self, &name, value.trim(), page_url, page_path);
        }
        if let Some(referer) = referer {
            if mentions_page(referer, page_url, page_path) {
                push(&mut self.address, "Referer header");
            }
        }
    }

    /// Names of cookies the company was sent.
    pub fn note_cookies(&mut self, names: &[String]) {
        for cookie in names {
            push(&mut self.cookies, cookie);
        }
    }

    /// Once the page's context is known: which of its sensitive `terms` the company received,
    /// and the sentence for the user.
    pub fn finish(&mut self, terms: &[String]) {
        self.sensitive_terms = sensitive_terms(self, terms);
        self.summary = summary(self);
    }
}

fn note_param(got: &mut Received, name: &str, value: &str, page_url: &str, page_path: &str) {
    if value.is_empty() {
        return;
    }
    let value = super::lexicon::bounded(value, MAX_VALUE);
    let documented = documented_meaning(name);
    match name {
        "dt" | "title" | "page_title" | "tt" => {
            if got.title.is_none() {
                got.title = Some(value.to_owned());
            }
            return;
        }
        "ev" | "en" | "event" | "event_name" | "ea" => {
            push(&mut got.events, value);
            return;
        }
        _ => {}
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("cd[content_name")
        || lower.starts_with("cd[content_category")
        || lower == "content_name"
        || lower.ends_with("[item_name]")
        || lower.starts_with("pr1nm")
    {
        push(&mut got.content, value);
        return;
    }
    if let Some((DataKind::Identifier, meaning)) = documented {
        let described = if meaning.contains(name) { meaning.to_owned() } else { format!("{meaning} ({name})") };
        push(&mut got.identifiers, &described);
        return;
    }
    if mentions_page(value, page_url, page_path) {
        push(&mut got.address, &format!("{name} parameter"));
    }
}

/// Whether `value` carries the page's address (its full URL, or its path when the path says
/// more than `/`).
fn mentions_page(value: &str, page_url: &str, page_path: &str) -> bool {
    let page = page_url.split(['#', '?']).next().unwrap_or(page_url).trim_end_matches('/');
    (!page.is_empty() && value.starts_with(page)) || (page_path.len() > 1 && value.contains(page_path))
}

fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    rest.find('/').map_or("", |at| &rest[at..])
}

/// The sensitive `terms` that appear, as whole words, in the title and content it received.
fn sensitive_terms(got: &Received, terms: &[String]) -> Vec<String> {
    let mut received = String::from(" ");
    let mut buf = String::new();
    let texts = got.title.iter().chain(&got.content);
    for text in texts {
        for_each_word(text, &mut buf, |w| {
            received.push_str(w);
            received.push(' ');
            true
        });
    }
    let mut found = Vec::new();
    for term in terms {
        let mut words = String::from(" ");
        for_each_word(term, &mut buf, |w| {
            words.push_str(w);
            words.push(' ');
            true
        });
        if words.len() > 2 && received.contains(&words) {
            push(&mut found, term);
        }
    }
    found
}

fn summary(got: &Received) -> String {
    let what = if let Some(content) = got.content.first() {
        format!("that you viewed '{content}'")
    } else if let Some(title) = &got.title {
        format!("that you viewed '{title}'")
    } else if !got.address.is_empty() {
        format!("the address of this page ({})", got.address.join(", "))
    } else {
        "nothing about this page".to_owned()
    };
    let mut out = format!("{} received {what}", got.company);
    if !got.events.is_empty() {
        out.push_str(&format!(" (event {})", got.events.join(", ")));
    }
    let mut with: Vec<String> = got.identifiers.clone();
    if !got.cookies.is_empty() {
        let noun = if got.cookies.len() == 1 { "cookie" } else { "cookies" };
        with.push(format!("the {noun} {}", got.cookies.join(", ")));
    }
    if !with.is_empty() {
        out.push_str(" with ");
        out.push_str(&with.join(" and "));
    }
    out
}

fn push(list: &mut Vec<String>, item: &str) {
    if list.len() < MAX_ITEMS && !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}
