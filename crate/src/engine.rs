//! The engine: filter lists and the knowledge base together, behind one `classify` call.

use crate::classify::{explain, ClassifyError, MatchedBy, Request, Verdict};
use crate::filters::{parse_list, FilterDecision, FilterSet, ListReport, RequestContext, TypeMask};
use crate::knowledge;
use crate::party::{party_of, site_of, site_of_host, Party};
use crate::request::ResourceType;
use crate::snapshot::{self, SnapshotError};
use crate::url::{self, NetworkUrl};
use serde::{Deserialize, Serialize};

/// What a verdict tells the browser to do with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Allow,
    Block,
}

/// The lists an engine was built from, for display and for the "why".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListInfo {
    pub name: String,
    pub filters: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Engine {
    lists: Vec<ListInfo>,
    filters: FilterSet,
}

impl Engine {
    /// Builds an engine from `(name, text)` lists. Bad lines are skipped and reported per list.
    pub fn from_lists<'a>(lists: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Engine, Vec<ListReport>) {
        let mut all = Vec::new();
        let mut infos = Vec::new();
        let mut reports = Vec::new();
        for (index, (name, text)) in lists.into_iter().enumerate() {
            let (filters, report) = parse_list(name, text, index as u16);
            infos.push(ListInfo { name: name.to_owned(), filters: filters.len() });
            all.extend(filters);
            reports.push(report);
        }
        (Engine { lists: infos, filters: FilterSet::new(all) }, reports)
    }

    pub fn lists(&self) -> &[ListInfo] {
        &self.lists
    }

    pub fn filter_count(&self) -> usize {
        self.filters.len()
    }

    /// What the filter lists alone decide about a request: the fast path, without the knowledge
    /// base or the explanation. `None` when no blocking filter matches.
    pub fn decide(&self, request: &Request) -> Result<Option<FilterDecision<'_>>, ClassifyError> {
        self.decide_parts(&request.url, &request.page_url, request.resource_type)
    }

    /// [`Engine::decide`] on borrowed parts, as the browser hands them over: nothing is copied
    /// or allocated on the way to the filters (hosts are borrowed from the URLs).
    pub fn decide_parts(
        &self,
        url: &str,
        page_url: &str,
        resource_type: ResourceType,
    ) -> Result<Option<FilterDecision<'_>>, ClassifyError> {
        let host = url::host_of(url).map_err(ClassifyError::Url)?;
        // The same reading as `page_of`: no network page is an unknown other site.
        let page_host = url::host_of(page_url).ok();
        Ok(self.decide_hosts(url, &host, page_host.as_deref(), resource_type))
    }

    fn decide_hosts(
        &self,
        url: &str,
        host: &str,
        page_host: Option<&str>,
        resource_type: ResourceType,
    ) -> Option<FilterDecision<'_>> {
        if self.filters.is_empty() {
            return None;
        }
        // Filter lists define third party by site alone, without owners; an unknown page is
        // another site, as in adblock-rust.
        let third_party = page_host.is_none_or(|page| site_of_host(host) != site_of_host(page));
        let context = RequestContext::new(url, TypeMask::of(resource_type), third_party, page_host.unwrap_or(""));
        self.filters.check(&context)
    }

    /// Classifies one request: who receives it (knowledge base), whether the lists block it, and why.
    pub fn classify(&self, request: &Request) -> Result<Verdict, ClassifyError> {
        let url = NetworkUrl::parse(&request.url).map_err(ClassifyError::Url)?;
        let page = page_of(request);
        let party = page.as_ref().map_or(Party::ThirdParty, |page| party_of(&url, page));
        let record = knowledge::lookup_request(&url.host, &request.url);
        let page_host = page.as_ref().map(|page| page.host.as_str());
        let decision = self.decide_hosts(&request.url, &url.host, page_host, request.resource_type);
        let action = match decision {
            Some(FilterDecision::Block(_)) => Action::Block,
            _ => Action::Allow,
        };
        let filter_rule = decision.map(|d| {
            let filter = d.deciding_filter();
            MatchedBy {
                source: self.list_name(filter.list()).to_owned(),
                rule: filter.text().to_owned(),
                line: Some(filter.line()),
            }
        });
        let categories = record.map_or(&[][..], |r| r.categories);
        let tracking_purpose = categories.iter().any(|c| c.is_tracking());
        let tracker = party.is_third() && (tracking_purpose || action == Action::Block);
        let kb_rule =
            record.map(|r| MatchedBy { source: "knowledge_base".to_owned(), rule: r.domain.to_owned(), line: None });
        let reason = explain(&url, page.as_ref(), party, record, filter_rule.as_ref(), action);
        Ok(Verdict {
            site: site_of(&url).to_owned(),
            host: url.host,
            party,
            entity: record.map(|r| r.entity()),
            categories,
            tracker,
            action,
            matched_by: filter_rule.or(kb_rule),
            reason,
        })
    }

    /// The name of list number `index`, as given when the engine was built.
    pub fn list_name(&self, index: u16) -> &str {
        self.lists.get(index as usize).map_or("filter list", |l| l.name.as_str())
    }

    /// The engine as a snapshot (see `snapshot.rs`).
    pub fn to_snapshot(&self) -> Vec<u8> {
        let payload = postcard::to_allocvec(self).expect("engine structures always serialise");
        snapshot::seal(&payload)
    }

    /// Loads a snapshot made by `to_snapshot`; refuses damaged, foreign or old ones.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Engine, SnapshotError> {
        let payload = snapshot::open(bytes)?;
        let engine: Engine = postcard::from_bytes(payload).map_err(|e| SnapshotError::Corrupt(e.to_string()))?;
        if !engine.filters.is_consistent() {
            return Err(SnapshotError::Corrupt("index points past the filters".to_owned()));
        }
        Ok(engine)
    }
}

/// The page a request was made for. Requests from `about:blank` frames, workers or the browser
/// itself have no network page URL; they are judged as coming from an unknown other site.
fn page_of(request: &Request) -> Option<NetworkUrl> {
    NetworkUrl::parse(&request.page_url).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "! test list\n||tracker.example^$third-party\n@@||tracker.example/consent.js\n\
                        ||hotjar.com^\n/pixel.gif?$image\nexample.com##.ad\n";

    fn engine() -> Engine {
        Engine::from_lists([("TestPrivacy", LIST)]).0
    }

    fn request(url: &str, resource_type: ResourceType) -> Request {
        Request { url: url.into(), page_url: "https://news.example/".into(), resource_type }
    }

    #[test]
    fn a_blocking_filter_decides_and_is_named() {
        let v = engine().classify(&request("https://static.hotjar.com/c/h.js", ResourceType::Script)).unwrap();
        assert_eq!(v.action, Action::Block);
        let rule = v.matched_by.unwrap();
        assert_eq!((rule.source.as_str(), rule.rule.as_str(), rule.line), ("TestPrivacy", "||hotjar.com^", Some(4)));
        assert_eq!(v.entity.unwrap().name, "Hotjar");
        assert!(v.reason.ends_with("matches TestPrivacy (line 4) rule ||hotjar.com^"), "{}", v.reason);
    }

    #[test]
    fn an_exception_allows_and_is_named() {
        let v = engine().classify(&request("https://tracker.example/consent.js", ResourceType::Script)).unwrap();
        assert_eq!(v.action, Action::Allow);
        assert_eq!(v.matched_by.unwrap().rule, "@@||tracker.example/consent.js");
    }

    #[test]
    fn unknown_hosts_blocked_by_a_list_are_trackers_without_a_company() {
        let v = engine().classify(&request("https://tracker.example/t.js", ResourceType::Script)).unwrap();
        assert_eq!((v.action, v.tracker, v.entity), (Action::Block, true, None));
        let first_party =
            engine().classify(&request("https://news.example/pixel.gif?x=1", ResourceType::Image)).unwrap();
        assert_eq!((first_party.action, first_party.tracker), (Action::Block, false));
    }

    #[test]
    fn without_lists_the_knowledge_base_still_answers() {
        let v = Engine::default().classify(&request("https://static.hotjar.com/c/h.js", ResourceType::Script)).unwrap();
        assert_eq!((v.action, v.tracker), (Action::Allow, true));
        assert_eq!(v.matched_by.unwrap().source, "knowledge_base");
    }

    #[test]
    fn snapshots_round_trip_with_the_same_verdicts() {
        let empty = Engine::from_snapshot(&Engine::default().to_snapshot()).expect("an engine of no lists loads");
        assert_eq!(empty.filter_count(), 0);
        let original = engine();
        let loaded = Engine::from_snapshot(&original.to_snapshot()).unwrap();
        assert_eq!(loaded.lists(), original.lists());
        for url in ["https://static.hotjar.com/x", "https://tracker.example/consent.js", "https://clean.example/"] {
            let a = original.classify(&request(url, ResourceType::Script)).unwrap();
            let b = loaded.classify(&request(url, ResourceType::Script)).unwrap();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn a_format_change_needs_a_version_bump() {
        // If this fails, the snapshot layout changed: bump snapshot::FORMAT_VERSION, then update
        // the pair below. Old snapshots are then refused and rebuilt instead of misread.
        let bytes = engine().to_snapshot();
        let pinned = (snapshot::FORMAT_VERSION, snapshot::checksum(&bytes[24..]));
        assert_eq!(pinned, (8, 13166705603740687154), "snapshot format changed");
    }

    #[test]
    fn requests_without_a_network_page_count_as_third_party() {
        for page in ["about:blank", "", "null"] {
            let request = Request {
                url: "https://tracker.example/t.js".into(),
                page_url: page.into(),
                resource_type: ResourceType::Script,
            };
            let v = engine().classify(&request).unwrap();
            assert_eq!((v.party, v.action), (Party::ThirdParty, Action::Block), "page {page:?}");
            assert!(v.reason.contains("unknown page"), "{}", v.reason);
        }
    }

    #[test]
    fn damaged_snapshots_are_refused() {
        let mut bytes = engine().to_snapshot();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        assert!(Engine::from_snapshot(&bytes).is_err());
        assert!(Engine::from_snapshot(b"").is_err());
    }
}
