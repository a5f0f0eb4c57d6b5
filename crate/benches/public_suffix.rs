//! Registrable domains on real hosts: every request and page host of the Cliqz corpus, through
//! `tracklens::public_suffix` and through the `psl` crate it replaced. Prints how many answers
//! differ (each one listed) and the time per lookup of both, interleaved in one run.
//!
//!     cargo bench --bench public_suffix [-- DATA_DIR]

mod support;

use std::collections::BTreeSet;
use std::time::Instant;
use tracklens::public_suffix;
use tracklens::url::NetworkUrl;

fn main() {
    let dir = support::data_dir();
    let started = Instant::now();
    assert_eq!(public_suffix::domain("a.example.co.uk"), Some("example.co.uk"));
    println!("table built at first use in {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    let mut hosts = BTreeSet::new();
    for sample in support::corpus(&dir, "requests-cliqz-top500-30k.jsonl.gz") {
        for url in [&sample.url, &sample.source] {
            if let Ok(url) = NetworkUrl::parse(url) {
                hosts.insert(url.host);
            }
        }
    }
    let mut differ = 0;
    for host in &hosts {
        let (ours, theirs) = (public_suffix::domain(host), psl::domain_str(host));
        let (our_suffix, their_suffix) = (public_suffix::suffix(host), psl::suffix_str(host));
        if ours != theirs || our_suffix != their_suffix {
            differ += 1;
            println!("{host}: {ours:?} / {our_suffix:?}, psl {theirs:?} / {their_suffix:?}");
        }
    }
    println!("{} hosts of the Cliqz corpus: {differ} registrable domains or suffixes differ from psl's", hosts.len());
    let hosts: Vec<&String> = hosts.iter().collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let started = Instant::now();
        let n: usize = hosts.iter().map(|h| public_suffix::domain(h).map_or(0, str::len)).sum();
        ours.push(started.elapsed().as_nanos() as f64 / hosts.len() as f64);
        let started = Instant::now();
        let m: usize = hosts.iter().map(|h| psl::domain_str(h).map_or(0, str::len)).sum();
        theirs.push(started.elapsed().as_nanos() as f64 / hosts.len() as f64);
        assert_eq!(n, m);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!("per lookup (median of 15 passes): tracklens {ours:.1} ns, psl {theirs:.1} ns ({:.2}x)", ours / theirs);
}
