//! `tracklens analyze` throughput and memory on a large HAR, against classification alone.
//!
//!   cargo bench --bench analyze [-- DATA_DIR]
//!
//! DATA_DIR (default ../shared/data, or TRACKLENS_DATA) holds the Cliqz request corpus; without
//! it the benchmark says so and exits 2.
//!
//! 1. A 300,000-entry HAR made from the Cliqz corpus (its 30,000 requests ten times over, each
//!    round its own pages, entries as devtools write them): `tracklens analyze` end to end
//!    through the built binary, start-up (engine build) measured apart, peak memory (max RSS).
//! 2. The same requests classified in-process by the same engine: the ceiling analyze works
//!    against (ratio printed), and the HAR reader alone.
//! 3. Page grouping: 1,000,000 entries with distinct `pageref`s through the reader and grouper,
//!    and 20,000 against 200,000 distinct pages through the binary (linear: the ratio should be
//!    about 10).

mod support;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tracklens::{Engine, Request};

const BIN: &str = env!("CARGO_BIN_EXE_tracklens");
const ROUNDS: usize = 10;

fn main() {
    let dir = support::data_dir();
    let samples = support::corpus(&dir, "requests-cliqz-top500-30k.jsonl.gz");
    let work = std::env::temp_dir().join(format!("tracklens-bench-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();

    let har = work.join("cliqz-300k.har");
    let (entries, pages) = write_corpus_har(&har, &samples);
    let size_mb = std::fs::metadata(&har).unwrap().len() as f64 / 1e6;
    let small = work.join("one.har");
    write_corpus_har_rounds(&small, &samples[..1], 1);
    let run = |path: &Path| analyze(path, &work.join("out.jsonl"));
    let (startup_ms, _) = support::median_ms(5, || run(&small));
    let (total_ms, _) = support::median_ms(3, || run(&har));
    let analyze_rate = entries as f64 / ((total_ms - startup_ms) / 1e3);
    println!("analyze: HAR of {entries} entries on {pages} pages ({size_mb:.0} MB) from the Cliqz corpus");
    println!(
        "  {total_ms:.0} ms in all, {startup_ms:.0} ms of it start-up (bundled EasyPrivacy engine): {analyze_rate:.0} entries/s"
    );
    println!("  peak memory (max RSS of the analyze process): {:.0} MB", peak_child_rss_mb());

    // The ceiling: the same requests through the same engine, nothing else.
    let engine = Engine::from_lists([("EasyPrivacy", include_str!("../data/lists/easyprivacy.txt"))]).0;
    let requests: Vec<Request> = samples.iter().map(support::Sample::request).collect();
    let (classify_ms, _) = support::median_ms(3, || {
        let mut ok = 0usize;
        for _ in 0..ROUNDS {
            ok += requests.iter().filter(|r| engine.classify(r).is_ok()).count();
        }
        ok
    });
    let classify_rate = (requests.len() * ROUNDS) as f64 / (classify_ms / 1e3);
    println!(
        "  classification alone (Engine::classify, same requests, in-process): {classify_rate:.0} requests/s; \
         analyze runs at {:.2} of it",
        analyze_rate / classify_rate
    );
    let bytes = std::fs::read(&har).unwrap();
    let (read_ms, read) = support::median_ms(3, || {
        let mut count = 0usize;
        tracklens::har::read_slice(&bytes, |_| count += 1).unwrap();
        count
    });
    println!("  the HAR reader alone: {:.0} entries/s ({read} entries)", read as f64 / (read_ms / 1e3));
    drop(bytes);

    grouping(&work);
    let _ = std::fs::remove_dir_all(&work);
}

/// Runs `tracklens analyze` on `har`, output discarded.
fn analyze(har: &Path, json: &Path) {
    let status = Command::new(BIN)
        .args(["analyze", har.to_str().unwrap(), "--json", json.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("tracklens runs");
    assert!(status.code().is_some_and(|c| c < 2), "analyze {} failed: {status}", har.display());
}

/// The largest resident set of any child waited for so far, in MB.
fn peak_child_rss_mb() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn write_corpus_har(path: &Path, samples: &[support::Sample]) -> (usize, usize) {
    write_corpus_har_rounds(path, samples, ROUNDS)
}

/// A HAR 1.2 of `rounds` copies of the samples, one page per source URL and round, each entry as
/// Chrome's devtools write one (headers, empty cookie lists, timings). Returns entries and pages.
fn write_corpus_har_rounds(path: &Path, samples: &[support::Sample], rounds: usize) -> (usize, usize) {
    let mut pages: Vec<(String, &str)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(
        out,
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "tracklens bench", "version": "1"}}, "entries": ["#
    )
    .unwrap();
    let mut first = true;
    for round in 0..rounds {
        for sample in samples {
            let id = *index.entry((round, sample.source.as_str())).or_insert_with(|| {
                pages.push((format!("page_{}", pages.len()), sample.source.as_str()));
                pages.len() - 1
            });
            let entry = json!({
                "pageref": pages[id].0,
                "startedDateTime": "2026-11-25T12:00:00.000Z",
                "time": 12.5,
                "_resourceType": sample.kind,
                "request": { "method": "GET", "url": sample.url, "httpVersion": "HTTP/2",
                    "headers": [{ "name": "Referer", "value": sample.source }, { "name": "User-Agent", "value": "Mozilla/5.0" }],
                    "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0 },
                "response": { "status": 200, "statusText": "", "httpVersion": "HTTP/2",
                    "headers": [{ "name": "content-type", "value": "text/plain" }], "cookies": [],
                    "content": { "size": 0, "mimeType": "text/plain" }, "redirectURL": "", "headersSize": -1, "bodySize": 0 },
                "cache": {},
                "timings": { "blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": 10, "receive": 2.5, "ssl": -1 },
            });
            if !std::mem::take(&mut first) {
                out.write_all(b",").unwrap();
            }
            serde_json::to_writer(&mut out, &entry).unwrap();
        }
    }
    let pages_json: Vec<Value> = pages.iter().map(|(id, url)| json!({ "id": id, "title": url })).collect();
    write!(out, r#"], "pages": {}}}}}"#, Value::Array(pages_json)).unwrap();
    out.flush().unwrap();
    (samples.len() * rounds, pages.len())
}

/// A HAR of `entries` one-request pages, each with its own `pageref`.
fn distinct_pages_har(entries: usize) -> Vec<u8> {
    let mut out = br#"{"log": {"entries": ["#.to_vec();
    for i in 0..entries {
        if i > 0 {
            out.push(b',');
        }
        write!(
            out,
            r#"{{"pageref": "p{i}", "startedDateTime": "2026-11-25T12:00:00Z", "_resourceType": "document",
              "request": {{"method": "GET", "url": "https://site{i}.example/"}}, "response": {{"status": 200}}}}"#
        )
        .unwrap();
    }
    out.extend_from_slice(b"]}}");
    out
}

fn grouping(work: &Path) {
    use tracklens::har::pages::Grouper;
    const MILLION: usize = 1_000_000;
    let bytes = distinct_pages_har(MILLION);
    let (ms, groups) = support::median_ms(3, || {
        let mut grouper = Grouper::default();
        let archive = tracklens::har::read_slice(&bytes, |e| grouper.add(e)).unwrap();
        grouper.finish(&archive.pages).len()
    });
    println!("grouping: {MILLION} entries on {groups} distinct pages read and grouped in {ms:.0} ms (bound: linear)");
    drop(bytes);
    let time = |pages: usize| -> f64 {
        let path: PathBuf = work.join(format!("pages-{pages}.har"));
        std::fs::write(&path, distinct_pages_har(pages)).unwrap();
        let (ms, _) = support::median_ms(1, || analyze(&path, &work.join("pages.jsonl")));
        ms
    };
    let (small, large) = (time(20_000), time(200_000));
    println!(
        "  analyze: 20,000 pages {small:.0} ms, 200,000 pages {large:.0} ms: ratio {:.1} (linear would be 10; \
         it was 136 when grouping was quadratic)",
        large / small
    );
}
