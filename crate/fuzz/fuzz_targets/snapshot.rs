//! Engine snapshots are read back from extension storage and from files: a snapshot whose payload
//! is damaged (but sealed with a correct header, the case the checksum cannot catch) must be
//! refused with a reason or load an engine that answers every request, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracklens::{snapshot, Engine, Request, ResourceType};

fuzz_target!(|data: &[u8]| {
    // Raw bytes exercise the header checks; sealed bytes reach the payload decoder.
    let _ = Engine::from_snapshot(data);
    let Ok(engine) = Engine::from_snapshot(&snapshot::seal(data)) else { return };
    for url in ["https://ads.example.com/pixel.gif?id=1", "https://news.example/", "http://[::1]:8080/a"] {
        let request =
            Request { url: url.into(), page_url: "https://news.example/".into(), resource_type: ResourceType::Image };
        let _ = engine.classify(&request);
    }
    let again = Engine::from_snapshot(&engine.to_snapshot()).expect("a loaded engine's own snapshot loads");
    assert_eq!(again.filter_count(), engine.filter_count());
});
