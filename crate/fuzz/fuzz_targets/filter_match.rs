//! A request against a list: the list half of the input is parsed into an engine, the other half
//! gives request URLs. Matching must answer for every list and URL, never panic, and the fast path
//! (`decide`) must agree with the full classification on whether a filter blocks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::{Action, Engine, Request, ResourceType};

const TYPES: [ResourceType; 4] =
    [ResourceType::Script, ResourceType::Image, ResourceType::Xmlhttprequest, ResourceType::SubFrame];

fuzz_target!(|text: &str| {
    let (list, urls) = text.split_once("\n\n").unwrap_or((text, "https://tracker.example/t.js?x=1"));
    let (engine, _) = Engine::from_lists([("fuzz", list)]);
    for (index, url) in urls.lines().take(8).enumerate() {
        let page_url = if index % 2 == 0 { "https://news.example/a" } else { url };
        let request = Request { url: url.into(), page_url: page_url.into(), resource_type: TYPES[index % TYPES.len()] };
        let decided = engine.decide(&request);
        let classified = engine.classify(&request);
        assert_eq!(decided.is_ok(), classified.is_ok());
        if let (Ok(decided), Ok(verdict)) = (decided, classified) {
            assert_eq!(decided.is_some_and(|d| d.blocks()), verdict.action == Action::Block, "{url}");
            if let Some(decision) = decided {
                let rule = verdict.matched_by.expect("a filter decided, so the verdict names it");
                assert_eq!((rule.source.as_str(), rule.line), ("fuzz", Some(decision.deciding_filter().line())));
                assert!(list.contains(rule.rule.as_str()));
            }
        }
    }
});
