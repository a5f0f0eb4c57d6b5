//! Differential comparison with Brave's `adblock` crate: the same lists, the same requests,
//! and every request where the two engines' block decisions differ, with both verdicts.
//!
//!   cargo bench --bench differential [-- DATA_DIR]
//!
//! Exit status 1 when agreement is below 99.9%.

mod support;

use support::*;

const GOAL: f64 = 99.9;

fn main() {
    let dir = data_dir();
    let lists = lists(&dir);
    let ours = tracklens_engine(&lists);
    let theirs = adblock_engine(&lists, true);
    let mut worst = 100.0f64;
    for corpus_name in ["requests-cliqz-top500-30k.jsonl.gz", "requests-synthetic-200k.jsonl.gz"] {
        let samples = corpus(&dir, corpus_name);
        let (mut compared, mut disagreements) = (0usize, Vec::new());
        for sample in &samples {
            let Some(request) = adblock_request(sample) else { continue };
            let their = theirs.check_network_request(&request);
            let their_block = their.should_block();
            let our = ours.decide(&sample.request());
            let our_block = matches!(&our, Ok(Some(d)) if d.blocks());
            compared += 1;
            if our_block != their_block {
                let our_rule = match &our {
                    Ok(Some(d)) => d.deciding_filter().text().to_owned(),
                    Ok(None) => "no match".to_owned(),
                    Err(e) => format!("error: {e}"),
                };
                let their_rule = their
                    .exception
                    .as_ref()
                    .or(their.filter.as_ref())
                    .map_or("no match".to_owned(), |f| f.raw_line.clone().unwrap_or_else(|| format!("{f:?}")));
                disagreements.push(format!(
                    "  {} {} from {}\n    TrackLens {}: {}\n    adblock   {}: {}",
                    sample.kind,
                    sample.url,
                    sample.source,
                    if our_block { "BLOCK" } else { "allow" },
                    our_rule,
                    if their_block { "BLOCK" } else { "allow" },
                    their_rule
                ));
            }
        }
        let agreement = 100.0 * (compared - disagreements.len()) as f64 / compared as f64;
        worst = worst.min(agreement);
        println!(
            "{corpus_name}: {compared} requests, {} disagreements, agreement {agreement:.3}%",
            disagreements.len()
        );
        for line in &disagreements {
            println!("{line}");
        }
    }
    println!("\nworst agreement {worst:.3}% (goal {GOAL}%)");
    if worst < GOAL {
        std::process::exit(1);
    }
}
