//! Speed, size and memory of the TrackLens engine against Brave's `adblock` crate, in one run,
//! on the same lists (EasyList + EasyPrivacy) and the same requests.
//!
//!   cargo bench --bench engine [-- DATA_DIR]
//!
//! DATA_DIR defaults to ../shared/data (see support/mod.rs). Prints a table and the ratios.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;
use support::*;

/// Counts live heap bytes, so "memory after load" is measured, not estimated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// Heap bytes held by what `build` returns, measured from before it runs.
fn retained<T>(build: impl FnOnce() -> T) -> (T, isize) {
    let before = live();
    let value = build();
    (value, live() - before)
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

fn row(what: &str, ours: f64, theirs: f64, unit: &str) {
    let ratio = if ours > 0.0 { theirs / ours } else { f64::NAN };
    println!("{what:<34} {ours:>12.3} {theirs:>12.3} {unit:<6} {ratio:>8.2}x");
}

fn main() {
    let dir = data_dir();
    let lists = lists(&dir);
    println!("TrackLens engine benchmark (data: {})", dir.display());
    println!("{:<34} {:>12} {:>12} {:<6} {:>9}", "", "TrackLens", "adblock", "", "adblock/TL");

    let (parse_ours, _) = median_ms(5, || tracklens_engine(&lists));
    let (parse_theirs, _) = median_ms(3, || adblock_engine(&lists, false));
    row("parse EasyList+EasyPrivacy", parse_ours, parse_theirs, "ms");

    let (ours, ours_bytes) = retained(|| tracklens_engine(&lists));
    let (theirs, theirs_bytes) = retained(|| adblock_engine(&lists, false));
    row("memory after load", ours_bytes as f64 / 1e6, theirs_bytes as f64 / 1e6, "MB");

    let snapshot = ours.to_snapshot();
    let their_snapshot = theirs.serialize();
    row("snapshot size", snapshot.len() as f64 / 1e6, their_snapshot.len() as f64 / 1e6, "MB");
    let (load_ours, loaded) = median_ms(21, || tracklens::Engine::from_snapshot(&snapshot).expect("own snapshot"));
    let (load_theirs, _) = median_ms(21, || {
        let mut engine = adblock::Engine::default();
        engine.deserialize(&their_snapshot).expect("own snapshot");
        engine
    });
    row("snapshot load", load_ours, load_theirs, "ms");
    drop(loaded);

    for corpus_name in ["requests-cliqz-top500-30k.jsonl.gz", "requests-synthetic-200k.jsonl.gz"] {
        let samples = corpus(&dir, corpus_name);
        // Requests the peer cannot parse are left out for both, so both see the same set.
        let prepared: Vec<_> = samples.iter().filter_map(|s| Some((s.request(), adblock_request(s)?, s))).collect();
        println!(
            "\n{corpus_name}: {} requests ({} the peer could not parse)",
            prepared.len(),
            samples.len() - prepared.len()
        );

        let mut blocked = (0usize, 0usize);
        let mut time_ours = Vec::with_capacity(prepared.len());
        let mut time_classify = Vec::with_capacity(prepared.len());
        let mut time_theirs = Vec::with_capacity(prepared.len());
        for (request, _, sample) in &prepared {
            // Both sides parse the URLs inside the timed region, as a browser hands over strings.
            let start = Instant::now();
            let decision = black_box(ours.decide(request));
            time_ours.push(start.elapsed().as_nanos() as u64);
            blocked.0 += usize::from(matches!(decision, Ok(Some(d)) if d.blocks()));

            let start = Instant::now();
            black_box(ours.classify(request).ok());
            time_classify.push(start.elapsed().as_nanos() as u64);

            let start = Instant::now();
            let result = adblock_request(sample).map(|r| theirs.check_network_request(&r));
            time_theirs.push(start.elapsed().as_nanos() as u64);
            blocked.1 += usize::from(black_box(result).is_some_and(|r| r.should_block()));
        }
        let (a, b, c) = (stats(time_ours), stats(time_theirs), stats(time_classify));
        row("per request median (decide)", a.median / 1e3, b.median / 1e3, "µs");
        row("per request p99 (decide)", a.p99 / 1e3, b.p99 / 1e3, "µs");
        row("per request mean (decide)", a.mean / 1e3, b.mean / 1e3, "µs");
        println!(
            "{:<34} {:>12.3} {:>12} µs   (full verdict: company, party, reason)",
            "per request median (classify)",
            c.median / 1e3,
            "-"
        );
        println!("{:<34} {:>12} {:>12}", "requests blocked", blocked.0, blocked.1);
    }
    println!(
        "\nparse time {} vs {}; memory {} vs {}",
        parse_ours,
        parse_theirs,
        mb(ours_bytes as f64),
        mb(theirs_bytes as f64)
    );
}
