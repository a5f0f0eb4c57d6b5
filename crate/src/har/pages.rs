//! Entries grouped into pages, and the page each group was recorded on.
//!
//! Grouping is by `pageref`, in one pass with a hash index (an archive can have hundreds of
//! thousands of pages). The page's address is the archive's evidence, never a guess from entry
//! order alone: the first top-level `document` response (followed through its redirects), else
//! the most common `Referer` (or `Origin`) of the first requests (what the browser said the page
//! was), else the address in the page's title. Proxy markers (`CONNECT` tunnels, non-HTTP entries such as Fiddler's) and a
//! third-party script recorded before the document never become the page.

use super::entry::is_http;
use super::{Entry, Page};
use std::collections::HashMap;

/// The entries of one page, in the archive's order.
#[derive(Debug, Clone, Default)]
pub struct PageEntries {
    /// The `pageref`, `None` for entries without one.
    pub id: Option<String>,
    /// The page's `title` in `log.pages`, when listed there.
    pub title: Option<String>,
    pub entries: Vec<Entry>,
}

/// Collects streamed entries by `pageref` in linear time.
#[derive(Debug, Default)]
pub struct Grouper {
    index: HashMap<Option<String>, usize>,
    groups: Vec<PageEntries>,
}

impl Grouper {
    pub fn add(&mut self, entry: Entry) {
        let at = match self.index.get(&entry.pageref) {
            Some(at) => *at,
            None => {
                self.groups.push(PageEntries { id: entry.pageref.clone(), ..PageEntries::default() });
                self.index.insert(entry.pageref.clone(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        self.groups[at].entries.push(entry);
    }

    /// The groups in the order of `log.pages`, then pages no listed page names in the order
    /// their first entry came. Listed pages without entries are left out: nothing was recorded.
    pub fn finish(mut self, pages: &[Page]) -> Vec<PageEntries> {
        let mut ordered = Vec::with_capacity(self.groups.len());
        let mut taken = vec![false; self.groups.len()];
        for page in pages {
            if let Some(&at) = self.index.get(&Some(page.id.clone())) {
                if !std::mem::replace(&mut taken[at], true) {
                    self.groups[at].title = page.title.clone();
                    ordered.push(std::mem::take(&mut self.groups[at]));
                }
            }
        }
        for (at, group) in self.groups.into_iter().enumerate() {
            if !taken[at] {
                ordered.push(group);
            }
        }
        ordered
    }
}

/// How the page's address was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The first top-level document response.
    Document,
    /// The most common `Referer` or `Origin` of the first requests.
    Referer,
    /// The page's title in `log.pages` (devtools, chrome-har and WebPageTest write the address).
    Title,
    /// Nothing better: the first HTTP request.
    FirstRequest,
}

/// The page a group of entries was recorded on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAddress {
    /// The address asked for (the start of the document's redirects).
    pub url: String,
    /// Where the page ended up after redirects: what first and third party are judged against.
    pub final_url: String,
    /// The entry of the page's document (its final response), when there is one.
    pub main: Option<usize>,
    pub evidence: Evidence,
}

/// Requests whose referrers are counted when there is no document.
const REFERER_WINDOW: usize = 20;
/// Redirects followed from the first document.
const MAX_REDIRECTS: usize = 20;

/// Finds the page `entries` were recorded on (`title` from `log.pages`).
pub fn page_address(entries: &[Entry], title: Option<&str>) -> Option<PageAddress> {
    let web = |e: &&Entry| is_web_request(e);
    if let Some(first) = entries.iter().position(|e| is_web_request(e) && is_document(e)) {
        let (main, final_url) = follow_redirects(entries, first);
        let url = redirect_start(entries, first);
        return Some(PageAddress { url, final_url, main: Some(main), evidence: Evidence::Document });
    }
    let address =
        |url: &str, evidence| PageAddress { url: url.to_owned(), final_url: url.to_owned(), main: None, evidence };
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (at, entry) in entries.iter().filter(web).take(REFERER_WINDOW).enumerate() {
        let referrer = entry.request_header("referer").or_else(|| entry.request_header("origin"));
        if let Some(referrer) = referrer.map(str::trim).filter(|r| is_http(r)) {
            counts.entry(referrer).or_insert((0, at)).0 += 1;
        }
    }
    // Most common first; of equals, the one seen first.
    if let Some((referrer, _)) = counts.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))) {
        return Some(address(referrer, Evidence::Referer));
    }
    // WebPageTest titles a page "Run 1, First View for http://…": the address is the last word.
    if let Some(title) = title.and_then(|t| t.split_whitespace().last()).filter(|t| is_http(t)) {
        return Some(address(title, Evidence::Title));
    }
    let first = entries.iter().find(web).or(entries.first())?;
    Some(address(&first.url, Evidence::FirstRequest))
}

/// A request to a web server, not a proxy's tunnel or marker entry.
fn is_web_request(entry: &Entry) -> bool {
    !entry.method.eq_ignore_ascii_case("CONNECT") && is_http(&entry.url)
}

fn is_document(entry: &Entry) -> bool {
    match entry.resource_type.as_deref() {
        Some(kind) => kind == "document",
        // Without a resource type: an HTML response, or a redirect that leads to one.
        None => {
            let html = entry.resource_type_or_guess() == Some("document");
            html && entry.status.is_none_or(|s| (200..300).contains(&s) || s == 304)
        }
    }
}

/// From the document at `first`, the redirects its recorder kept: the final entry and URL.
fn follow_redirects(entries: &[Entry], first: usize) -> (usize, String) {
    let mut at = first;
    for _ in 0..MAX_REDIRECTS {
        let Some(target) = entries[at].redirect_target() else { break };
        match entries[at + 1..].iter().position(|e| e.url == target) {
            Some(next) => at += 1 + next,
            None => return (at, target),
        }
    }
    (at, entries[at].url.clone())
}

/// The URL asked for: earlier entries that redirected to the document, followed back.
fn redirect_start(entries: &[Entry], first: usize) -> String {
    let mut at = first;
    for _ in 0..MAX_REDIRECTS {
        let url = &entries[at].url;
        match entries[..at].iter().rposition(|e| e.redirect_target().as_ref() == Some(url)) {
            Some(earlier) => at = earlier,
            None => break,
        }
    }
    entries[at].url.clone()
}
