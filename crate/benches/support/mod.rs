//! Shared by the benchmark and the differential comparison: the data directory, the lists, the
//! request corpora, and Brave's `adblock` engine as the peer.

#![allow(dead_code)] // each bench binary uses part of this module

use flate2::read::GzDecoder;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tracklens::{Request, ResourceType};

/// The data directory: the first argument that is not a flag, else `TRACKLENS_DATA`, else
/// `../shared/data` beside the repository. Exits with a clear message when it is missing.
pub fn data_dir() -> PathBuf {
    let from_args = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let dir = from_args
        .or_else(|| std::env::var("TRACKLENS_DATA").ok())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if !dir.join("easyprivacy.txt").is_file() {
        eprintln!(
            "no benchmark data in {}: pass the shared data directory (with easylist.txt, easyprivacy.txt and the \
             request corpora) as an argument or in TRACKLENS_DATA",
            dir.display()
        );
        std::process::exit(2);
    }
    dir
}

pub struct Lists {
    pub easylist: String,
    pub easyprivacy: String,
}

pub fn lists(dir: &Path) -> Lists {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Lists { easylist: read("easylist.txt"), easyprivacy: read("easyprivacy.txt") }
}

/// One request of a corpus, with the type name as the corpus spells it (for the peer).
pub struct Sample {
    pub url: String,
    pub source: String,
    pub kind: String,
}

impl Sample {
    pub fn request(&self) -> Request {
        Request {
            url: self.url.clone(),
            page_url: self.source.clone(),
            resource_type: ResourceType::from_name(&self.kind),
        }
    }
}

#[derive(Deserialize)]
struct Line {
    url: String,
    #[serde(alias = "frameUrl")]
    #[serde(rename = "sourceUrl")]
    source: String,
    #[serde(alias = "cpt")]
    #[serde(rename = "type")]
    kind: String,
}

/// A gzipped JSON-lines corpus: the Cliqz crawl (`frameUrl`, `cpt`) or the synthetic one
/// (`sourceUrl`, `type`). Lines that do not parse are counted and skipped.
pub fn corpus(dir: &Path, name: &str) -> Vec<Sample> {
    let file = std::fs::File::open(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut skipped = 0;
    let samples: Vec<Sample> = BufReader::new(GzDecoder::new(file))
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| match serde_json::from_str::<Line>(&line) {
            Ok(l) => Some(Sample { url: l.url, source: l.source, kind: l.kind }),
            Err(_) => {
                skipped += 1;
                None
            }
        })
        .collect();
    if skipped > 0 {
        eprintln!("{name}: skipped {skipped} malformed lines");
    }
    samples
}

pub fn tracklens_engine(lists: &Lists) -> tracklens::Engine {
    tracklens::Engine::from_lists([("EasyList", lists.easylist.as_str()), ("EasyPrivacy", lists.easyprivacy.as_str())])
        .0
}

/// The peer. `debug` keeps each filter's text (for listing disagreements); benchmarks run
/// without it, as Brave ships the engine.
pub fn adblock_engine(lists: &Lists, debug: bool) -> adblock::Engine {
    let mut set = adblock::lists::FilterSet::new(debug);
    for text in [&lists.easylist, &lists.easyprivacy] {
        set.add_filter_list(text.clone(), adblock::lists::ParseOptions::default());
    }
    adblock::Engine::new_with_filter_set(set)
}

/// The peer's request, from the same strings.
pub fn adblock_request(sample: &Sample) -> Option<adblock::request::Request> {
    adblock::request::Request::new(&sample.url, &sample.source, &sample.kind, "GET").ok()
}

/// Median and percentiles of durations in nanoseconds.
pub struct Stats {
    pub median: f64,
    pub p99: f64,
    pub mean: f64,
}

pub fn stats(mut nanos: Vec<u64>) -> Stats {
    nanos.sort_unstable();
    let at = |q: f64| nanos[((nanos.len() - 1) as f64 * q).round() as usize] as f64;
    let mean = nanos.iter().sum::<u64>() as f64 / nanos.len() as f64;
    Stats { median: at(0.5), p99: at(0.99), mean }
}

/// Runs `f` `runs` times and returns the median wall time in milliseconds.
pub fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        times.push(start.elapsed().as_secs_f64() * 1e3);
        last = Some(value);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], last.expect("at least one run"))
}
