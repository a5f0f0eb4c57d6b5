//! `tracklens audit`, measured end to end through the built binary.
//!
//!   cargo bench --bench audit
//!
//! 1. The demo site audited in headless Chromium: wall time per page with the default settle
//!    time, and the load time TrackLens adds: the same page, in the same run, in a browser with
//!    the extension observing (`--protection off`, the audit's default), in one without it, and
//!    with the extension's default protection on (interleaved rounds, medians, ratios).
//!
//! HAR analysis throughput is `cargo bench --bench analyze`.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_tracklens");

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let work = std::env::temp_dir().join(format!("tracklens-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    if root.join("dist/chromium/manifest.json").is_file() {
        audit_demo(&root, &work);
    } else {
        eprintln!("audit: no built extension in {}/dist/chromium: run scripts/build.sh first", root.display());
        std::process::exit(2);
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Runs `tracklens audit` and returns its JSON reports and wall time in seconds.
fn audit(root: &Path, out: &Path, args: &[&str]) -> (Vec<Value>, f64) {
    let start = Instant::now();
    let status = Command::new(BIN)
        .arg("audit")
        .args(["--json", out.to_str().unwrap()])
        .args(args)
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("tracklens runs");
    let seconds = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(out).unwrap_or_default();
    // Output is discarded to keep the figures readable: on failure, say which page failed and why.
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("\"status\":\"failed\"")).collect();
    assert!(status.code().is_some_and(|c| c < 2), "audit {args:?} failed: {status} {errors:?}");
    (text.lines().map(|l| serde_json::from_str(l).unwrap()).collect(), seconds)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// "median ms [p25-p75]": a shared machine is noisy, so the spread is shown with the median.
fn spread(values: &[f64]) -> String {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    format!("{:.0} ms [{:.0}-{:.0}]", at(0.5), at(0.25), at(0.75))
}

fn audit_demo(root: &Path, work: &Path) {
    let out = work.join("audit.jsonl");
    const PAGES: usize = 4;
    let urls = vec!["https://news.example/"; PAGES];
    let mut args = vec!["--demo"];
    args.extend(&urls);
    let (reports, seconds) = audit(root, &out, &args);
    let per_page = median(reports.iter().map(|r| r["timing"]["totalMs"].as_f64().unwrap()).collect());
    println!("audit of the demo site, {PAGES} pages, default settle (3.5 s), one job:");
    println!("  whole run {seconds:.1} s (browser and demo start included), {:.2} s per page (median)", per_page / 1e3);

    // Load time with and without the extension: no settling, many loads, interleaved rounds.
    const LOADS: usize = 10;
    let urls = vec!["https://news.example/"; LOADS];
    let (mut with, mut without, mut protected) = (Vec::new(), Vec::new(), Vec::new());
    for _round in 0..3 {
        for (mode, into) in [
            (&["--protection", "off"][..], &mut with),
            (&["--without-extension"][..], &mut without),
            (&["--protection", "on"][..], &mut protected),
        ] {
            let mut args = vec!["--demo", "--settle", "0"];
            args.extend(mode);
            args.extend(&urls);
            let (reports, _) = audit(root, &out, &args);
            // The first load of a browser warms its caches and the demo's certificate: skipped.
            into.extend(reports.iter().skip(1).map(|r| r["timing"]["loadMs"].as_f64().unwrap()));
        }
    }
    println!("page load (navigation to load event), demo news page, {} loads each, median [p25-p75]:", with.len());
    println!("  with TrackLens observing {}, without {}", spread(&with), spread(&without));
    println!("  with TrackLens protection on (blocking) {}", spread(&protected));
    let base = median(without.clone());
    println!("  ratio of medians: observing {:.2}, protection on {:.2}", median(with) / base, median(protected) / base);
}
