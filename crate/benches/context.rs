//! Evaluation and benchmark of the page-context classifier (`tracklens::context`).
//!
//!     cargo bench --bench context
//!
//! 1. Accuracy on the labelled set `tests/fixtures/context/pages.jsonl` (real pages: URLs of the
//!    top-500 site list, and titles and opening sentences of pages found in a public web corpus,
//!    each labelled by hand; see tests/fixtures/context/README.md). Rows whose URL hashes
//!    (FNV-1a 64) to 0 mod 4 are the held-out quarter: the lexicon was tuned only on the rest,
//!    whose misses and false alarms are listed. Prints precision and recall per category and
//!    for "sensitive" (any category), and a confusion table, for both parts.
//! 2. Speed: classifying a page with a 20 KB text sample (plus title, description, headings),
//!    and in the same run a naive peer: lower-case the text and search it for every lexicon term
//!    (`str::contains`), which is what a hand-written matcher would do first.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;
use tracklens::context::{classify_page, lexicon_terms, PageSignals, Sensitive};
use tracklens::report::{apply, Event, PageReport};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/context/pages.jsonl");

#[derive(serde::Deserialize)]
struct Row {
    url: String,
    title: String,
    description: String,
    label: String,
}

fn holdout(url: &str) -> bool {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    hash % 4 == 0
}

fn main() {
    let text = std::fs::read_to_string(FIXTURE).unwrap_or_else(|e| panic!("{FIXTURE}: {e}"));
    let rows: Vec<Row> =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("fixture row")).collect();
    let (held, dev): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| holdout(&r.url));
    println!("labelled pages: {} ({} tuning, {} held out)", rows.len(), dev.len(), held.len());
    evaluate("tuning part", &dev, true);
    evaluate("held-out part", &held, false);
    evaluate("all", &rows.iter().collect::<Vec<_>>(), false);
    speed(&rows);
}

fn predict(row: &Row) -> String {
    let page = PageSignals {
        url: row.url.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        ..PageSignals::default()
    };
    classify_page(&page).category().map_or("none", Sensitive::as_str).to_owned()
}

fn evaluate(name: &str, rows: &[&Row], list_errors: bool) {
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut errors = Vec::new();
    for row in rows {
        let got = predict(row);
        *confusion.entry((row.label.clone(), got.clone())).or_default() += 1;
        match (row.label != "none", got != "none") {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
        if got != row.label {
            errors.push(format!("  gold {:<18} got {:<18} {} | {}", row.label, got, row.url, row.title));
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { f64::NAN } else { 100.0 * a as f64 / b as f64 };
    println!("\n== {name}: {} pages", rows.len());
    println!(
        "sensitive (any category): precision {:.1}% ({tp}/{}), recall {:.1}% ({tp}/{})",
        ratio(tp, tp + fp),
        tp + fp,
        ratio(tp, tp + fn_),
        tp + fn_
    );
    let mut labels: Vec<&str> = Sensitive::ALL.iter().map(|s| s.as_str()).collect();
    labels.push("none");
    println!("{:<20} {:>9} {:>9} {:>6}", "category", "precision", "recall", "gold");
    for label in &labels[..labels.len() - 1] {
        let hit = confusion.get(&(label.to_string(), label.to_string())).copied().unwrap_or(0);
        let predicted: usize = confusion.iter().filter(|((_, g), _)| g == label).map(|(_, n)| n).sum();
        let gold: usize = confusion.iter().filter(|((l, _), _)| l == label).map(|(_, n)| n).sum();
        if gold + predicted > 0 {
            println!("{label:<20} {:>8.1}% {:>8.1}% {gold:>6}", ratio(hit, predicted), ratio(hit, gold));
        }
    }
    print!("confusion (rows gold, columns predicted)\n{:<20}", "");
    let short = |l: &str| l.chars().take(7).collect::<String>();
    for label in &labels {
        print!(" {:>7}", short(label));
    }
    println!();
    for gold in &labels {
        let row_total: usize = confusion.iter().filter(|((l, _), _)| l == gold).map(|(_, n)| n).sum();
        if row_total == 0 {
            continue;
        }
        print!("{gold:<20}");
        for got in &labels {
            print!(" {:>7}", confusion.get(&(gold.to_string(), got.to_string())).copied().unwrap_or(0));
        }
        println!();
    }
    if list_errors && !errors.is_empty() {
        println!("errors on the tuning part:");
        errors.iter().for_each(|e| println!("{e}"));
    }
}

fn speed(rows: &[Row]) {
    let mut sample = String::new();
    for row in rows.iter().cycle() {
        if sample.len() >= 20_000 {
            break;
        }
        sample.push_str(&row.title);
        sample.push(' ');
        sample.push_str(&row.description);
        sample.push(' ');
    }
    let mut end = sample.len().min(20_000);
    while !sample.is_char_boundary(end) {
        end -= 1;
    }
    sample.truncate(end);
    let page = PageSignals {
        url: "https://pharmacy.example/products/oraquick-hiv-self-test".into(),
        title: "OraQuick HIV Self-Test | Pharmacy".into(),
        description: "Order an HIV self-test kit online, delivered discreetly.".into(),
        headings: vec!["HIV self-test".into(), "How it works".into(), "Delivery".into()],
        schema_types: vec!["Product".into(), "Drug".into()],
        text: sample.clone(),
        ..PageSignals::default()
    };
    let runs = 2000;
    let start = Instant::now();
    for _ in 0..runs {
        black_box(classify_page(black_box(&page)));
    }
    let ours = start.elapsed().as_secs_f64() * 1e6 / f64::from(runs);

    // The extension's path without the wasm edge: the page's signals as a report event (bounds,
    // classification, the join with what companies received, the report's section).
    let begin = Event::Page { url: page.url.clone(), started_at: 1.0 };
    let signals = Event::PageSignals { signals: page.clone(), source: "page".to_owned() };
    let start = Instant::now();
    for _ in 0..runs {
        let mut report = PageReport::default();
        apply(&mut report, &begin);
        apply(&mut report, black_box(&signals));
        black_box(report);
    }
    let through_report = start.elapsed().as_secs_f64() * 1e6 / f64::from(runs);

    let terms: Vec<String> = lexicon_terms().map(|t| t.to_lowercase()).collect();
    let naive_runs = 50;
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..naive_runs {
        let lower = black_box(&sample).to_lowercase();
        found += terms.iter().filter(|t| lower.contains(t.as_str())).count();
    }
    black_box(found);
    let naive = start.elapsed().as_secs_f64() * 1e6 / f64::from(naive_runs);
    println!("\n== speed: page with a {} byte text sample, {} lexicon terms", sample.len(), terms.len());
    println!("classify_page: {ours:.1} µs per page (goal ≤ 200 µs)");
    println!(
        "through the report (the pageSignals event, as the extension applies it): {through_report:.1} µs per page"
    );
    println!(
        "naive peer (lower-case + str::contains per term, text only): {naive:.1} µs per page ({:.1}x ours)",
        naive / ours
    );
}
