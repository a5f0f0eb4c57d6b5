//! The engine's verdicts, remembered per request.
//!
//! A HAR repeats requests: the same tag, pixel or font on every page of a crawl, every run of a
//! WebPageTest test (first and repeat view), the same beacon several times on one page. A
//! verdict is a function of the request alone (its URL, its page's URL and its type: see
//! `Engine::classify`), so a repeat is answered from memory, exactly as the engine would answer
//! it, for a hash lookup instead of a filter match and a knowledge-base walk.

use std::collections::HashMap;
use tracklens::report::RequestVerdict;
use tracklens::{Engine, Request, ResourceType};

/// Verdicts kept before the memory is emptied and refilled: bounds memory on a huge archive
/// of distinct requests (about 1 kB each) at no cost to one of repeated requests.
const MAX_REMEMBERED: usize = 200_000;

/// One page's remembered verdicts: request URL → the verdict per resource type.
type PageVerdicts = HashMap<String, Vec<(ResourceType, Option<RequestVerdict>)>>;

/// An engine that remembers its verdicts (`None`: the request could not be classified).
pub struct Verdicts<'e> {
    engine: &'e Engine,
    /// Page URL → request URL → the verdict per resource type.
    memo: HashMap<String, PageVerdicts>,
    remembered: usize,
    /// Verdicts kept before the memory is emptied.
    limit: usize,
}

impl<'e> Verdicts<'e> {
    pub fn new(engine: &'e Engine) -> Verdicts<'e> {
        Verdicts::sharing(engine, 1)
    }

    /// One of `memories` that together keep no more than one memory.
    pub fn sharing(engine: &'e Engine, memories: usize) -> Verdicts<'e> {
        Verdicts { engine, memo: HashMap::new(), remembered: 0, limit: MAX_REMEMBERED / memories.max(1) }
    }

    /// The verdict on `url` of type `kind` requested by the page at `page_url`.
    pub fn of(&mut self, url: &str, page_url: &str, kind: ResourceType) -> Option<RequestVerdict> {
        if let Some(known) = self.memo.get(page_url).and_then(|page| page.get(url)) {
            if let Some((_, verdict)) = known.iter().find(|(k, _)| *k == kind) {
                return verdict.clone();
            }
        }
        let request = Request { url: url.to_owned(), page_url: page_url.to_owned(), resource_type: kind };
        let verdict = self.engine.classify(&request).ok().map(|v| RequestVerdict::from(&v));
        if self.remembered >= self.limit {
            self.memo.clear();
            self.remembered = 0;
        }
        self.remembered += 1;
        let page = match self.memo.get_mut(page_url) {
            Some(page) => page,
            None => self.memo.entry(request.page_url).or_default(),
        };
        page.entry(request.url).or_default().push((kind, verdict.clone()));
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_verdict_is_the_engine_verdict_for_that_page_and_type() {
        let list = "||tracker.example^$third-party\n||tracker.example/pixel.gif$image\n";
        let engine = Engine::from_lists([("Test", list)]).0;
        let mut verdicts = Verdicts::new(&engine);
        let cases = [
            ("https://tracker.example/a.js", "https://news.example/", ResourceType::Script),
            ("https://tracker.example/a.js", "https://tracker.example/", ResourceType::Script),
            ("https://tracker.example/pixel.gif", "https://tracker.example/", ResourceType::Image),
            ("https://tracker.example/pixel.gif", "https://tracker.example/", ResourceType::Script),
            ("not a url", "https://news.example/", ResourceType::Script),
            ("https://cdn.example/x.js", "about:blank", ResourceType::Script),
        ];
        for round in 0..2 {
            for (url, page, kind) in cases {
                let request = Request { url: url.into(), page_url: page.into(), resource_type: kind };
                let fresh = engine.classify(&request).ok().map(|v| RequestVerdict::from(&v));
                assert_eq!(verdicts.of(url, page, kind), fresh, "round {round}: {url} on {page} as {kind:?}");
            }
        }
        assert_eq!(verdicts.remembered, cases.len());
    }
}
