//! How much of the real web's tracking the knowledge base names, and whether it agrees with the
//! two best-known independent tracker maps.
//!
//!   cargo bench --bench coverage [-- DATA_DIR]
//!
//! 1. Coverage over the Cliqz top-500 crawl (`requests-cliqz-top500-30k.jsonl.gz`, real requests):
//!    of the third-party requests that EasyList or EasyPrivacy blocks, or that any source
//!    (TrackLens's knowledge base, Disconnect, DuckDuckGo's Tracker Data Set) knows as a tracker,
//!    the share that gets a company; request-weighted and by distinct site, with the 30 most
//!    frequent unnamed hosts.
//! 2. Agreement (`coverage/agreement.rs`) with Disconnect (`disconnect-services.json`, `disconnect-entities.json`) and DDG's
//!    TDS (`ddg-tds-extension-v6.json.gz`) on the domains both know: the same company (allowing
//!    parent and child), the same broad purpose. Both sets are CC BY-NC-SA: read here for
//!    evaluation only, never shipped or used to build the knowledge base.

#[path = "coverage/agreement.rs"]
mod agreement;
mod support;

use std::collections::{BTreeMap, HashMap};
use tracklens::knowledge;
use tracklens::party::Party;

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

fn main() {
    let dir = support::data_dir();
    let lists = support::lists(&dir);
    let engine = support::tracklens_engine(&lists);
    let maps = [agreement::disconnect(&dir), agreement::ddg(&dir)];
    println!("TrackLens knowledge-base coverage and agreement (data: {})", dir.display());
    println!("knowledge base: {} companies, {} domains\n", knowledge::entities().len(), knowledge::domains().len());

    // 1. Coverage.
    let corpus = "requests-cliqz-top500-30k.jsonl.gz";
    let samples = support::corpus(&dir, corpus);
    let (mut third, mut tracking, mut named, mut blocked, mut blocked_named) = (0, 0, 0, 0, 0);
    let mut sites: BTreeMap<String, bool> = BTreeMap::new();
    let mut unnamed: HashMap<String, usize> = HashMap::new();
    let mut tracking_hosts: HashMap<String, usize> = HashMap::new();
    let mut unnamed_rule: HashMap<String, String> = HashMap::new();
    let mut why = [0usize; 3];
    for sample in &samples {
        let Ok(verdict) = engine.classify(&sample.request()) else { continue };
        if verdict.party != Party::ThirdParty {
            continue;
        }
        third += 1;
        let lists_block = verdict.action == tracklens::engine::Action::Block;
        let kb_tracks = verdict.categories.iter().any(|c| c.is_tracking());
        let others_track = maps.iter().any(|m| m.find(&verdict.host).is_some_and(|c| c.tracker));
        if !(lists_block || kb_tracks || others_track) {
            continue;
        }
        why[0] += usize::from(lists_block);
        why[1] += usize::from(kb_tracks);
        why[2] += usize::from(others_track);
        tracking += 1;
        *tracking_hosts.entry(verdict.host.clone()).or_default() += 1;
        let is_named = verdict.entity.is_some();
        named += usize::from(is_named);
        blocked += usize::from(lists_block);
        blocked_named += usize::from(lists_block && is_named);
        *sites.entry(verdict.site.clone()).or_default() |= is_named;
        if !is_named {
            *unnamed.entry(verdict.host.clone()).or_default() += 1;
            if let Some(rule) = &verdict.matched_by {
                unnamed_rule.entry(verdict.host.clone()).or_insert_with(|| format!("{} {}", rule.source, rule.rule));
            }
        }
    }
    let named_sites = sites.values().filter(|n| **n).count();
    println!("== Coverage on {corpus} ({} requests, {third} third party) ==", samples.len());
    println!(
        "tracking requests (blocked by EasyList/EasyPrivacy, or a tracker to any source): {tracking} \
         (lists {}, TrackLens {}, Disconnect/DDG {})",
        why[0], why[1], why[2]
    );
    println!("named, request-weighted:   {named} of {tracking} = {}", pct(named, tracking));
    println!("named, by distinct site:   {named_sites} of {} = {}", sites.len(), pct(named_sites, sites.len()));
    println!("named, of list-blocked:    {blocked_named} of {blocked} = {}", pct(blocked_named, blocked));
    let mut top: Vec<_> = unnamed.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("the 30 most frequent unnamed hosts (requests, the rule that flagged it, if a list did):");
    for (host, count) in top.iter().take(30) {
        println!("  {count:>5}  {host:<40} {}", unnamed_rule.get(host).map_or("(another source)", String::as_str));
    }

    // 2. Agreement, with and without the relations table (what the table explains).
    let relations = agreement::Relations::load();
    for map in &maps {
        agreement::report(map, &tracking_hosts, &relations);
    }
    agreement::peers(&maps[0], &maps[1], &tracking_hosts, &relations);
}
