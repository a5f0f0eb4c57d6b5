//! First party or third party: decided by site (registrable domain, eTLD+1) and by owner.

use crate::knowledge;
use crate::public_suffix;
use crate::url::{self, NetworkUrl};
use serde::Serialize;

/// How a request relates to the page that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// Same site as the page.
    FirstParty,
    /// Another site, owned by the same company as the page (facebook.com loading fbcdn.net).
    /// Reported as first party of that company: the data stays with whom the visitor chose.
    SameEntity,
    /// Another site, owned by someone else or by nobody we know.
    ThirdParty,
}

impl Party {
    pub fn is_third(self) -> bool {
        self == Party::ThirdParty
    }
}

/// The site (registrable domain) of a URL: `static.hotjar.com` → `hotjar.com`,
/// `a.b.example.co.uk` → `example.co.uk`. IP addresses and hosts without a registrable domain
/// (a bare public suffix such as `github.io`) are their own site.
pub fn site_of(url: &NetworkUrl) -> &str {
    site_of_host(&url.host)
}

/// [`site_of`] for a canonical host.
pub fn site_of_host(host: &str) -> &str {
    if url::is_ip(host) {
        return host;
    }
    public_suffix::domain(host).unwrap_or(host)
}

/// The party of a request made by a page.
pub fn party_of(request: &NetworkUrl, page: &NetworkUrl) -> Party {
    if site_of(request) == site_of(page) {
        return Party::FirstParty;
    }
    match (knowledge::entity_of(&request.host), knowledge::entity_of(&page.host)) {
        (Some(ours), Some(theirs)) if ours.name == theirs.name => Party::SameEntity,
        _ => Party::ThirdParty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> NetworkUrl {
        NetworkUrl::parse(s).unwrap()
    }

    #[test]
    fn site_uses_the_public_suffix_list() {
        assert_eq!(site_of(&url("https://static.hotjar.com/x")), "hotjar.com");
        assert_eq!(site_of(&url("https://a.b.example.co.uk/")), "example.co.uk");
        assert_eq!(site_of(&url("https://user.github.io/")), "user.github.io");
        assert_eq!(site_of(&url("https://news.example/")), "news.example");
        assert_eq!(site_of(&url("http://127.0.0.1:9/")), "127.0.0.1");
    }

    #[test]
    fn party_by_site_then_by_owner() {
        let page = url("https://www.news.example/article");
        assert_eq!(party_of(&url("https://img.news.example/a.png"), &page), Party::FirstParty);
        assert_eq!(party_of(&url("https://static.hotjar.com/c.js"), &page), Party::ThirdParty);
        let facebook = url("https://www.facebook.com/");
        assert_eq!(party_of(&url("https://static.xx.fbcdn.net/a.js"), &facebook), Party::SameEntity);
        // Two different github.io users are different sites, hence third parties to each other.
        assert_eq!(party_of(&url("https://a.github.io/"), &url("https://b.github.io/")), Party::ThirdParty);
    }
}
