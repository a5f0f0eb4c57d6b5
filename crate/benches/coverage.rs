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
//! 2. Agreement with Disconnect (`disconnect-services.json`, `disconnect-entities.json`) and DDG's
//!    TDS (`ddg-tds-extension-v6.json.gz`) on the domains both know: the same company (allowing
//!    parent and child), the same broad purpose. Both sets are CC BY-NC-SA: read here for
//!    evaluation only, never shipped or used to build the knowledge base.

mod support;

use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tracklens::knowledge::{self, EntityRecord};
use tracklens::party::Party;
use tracklens::Category;

/// Broad purposes the three taxonomies share. Finer ones (session replay vs analytics) are not
/// compared: the other maps do not make those distinctions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Broad {
    Advertising,
    Analytics,
    Social,
    /// Fingerprinting and fraud or bot detection (they read the same device traits).
    Fingerprinting,
    /// Content, CDN, embeds, chat, consent, tag managers: what the page itself needs.
    Content,
}

fn broad_of_ours(category: Category) -> Broad {
    match category {
        Category::Advertising => Broad::Advertising,
        Category::Analytics | Category::SessionReplay | Category::Personalization => Broad::Analytics,
        Category::Social => Broad::Social,
        Category::Fingerprinting | Category::Security => Broad::Fingerprinting,
        Category::TagManager
        | Category::Consent
        | Category::CustomerInteraction
        | Category::AudioVideo
        | Category::Cdn => Broad::Content,
    }
}

fn broad_of_disconnect(category: &str) -> Option<Broad> {
    Some(match category {
        "Advertising" => Broad::Advertising,
        "Analytics" => Broad::Analytics,
        "Social" => Broad::Social,
        "FingerprintingInvasive" | "FingerprintingGeneral" | "Anti-fraud" => Broad::Fingerprinting,
        "Content" | "ConsentManagers" => Broad::Content,
        _ => return None, // Email, Cryptomining: no counterpart
    })
}

fn broad_of_ddg(category: &str) -> Option<Broad> {
    Some(match category {
        "Advertising" | "Ad Motivated Tracking" | "Action Pixels" | "Third-Party Analytics Marketing" => {
            Broad::Advertising
        }
        "Analytics" | "Audience Measurement" | "Session Replay" => Broad::Analytics,
        "Social - Share" | "Social Network" | "Social - Comment" | "Federated Login" => Broad::Social,
        "Ad Fraud" => Broad::Fingerprinting,
        "Embedded Content"
        | "Content Delivery"
        | "Support Chat Widget"
        | "Badge"
        | "SSO"
        | "Online Payment"
        | "Tag Manager" => Broad::Content,
        _ => return None,
    })
}

/// What an independent map says about one domain.
struct Claim {
    company: String,
    /// Other names of the company (display name), and its domains, for parent/child matching.
    aliases: Vec<String>,
    broad: BTreeSet<Broad>,
    tracker: bool,
}

struct Map {
    name: &'static str,
    domains: HashMap<String, Claim>,
    /// Company -> every domain it owns in that map.
    owned: HashMap<String, HashSet<String>>,
}

impl Map {
    /// The claim for `host` or its closest listed parent domain.
    fn find(&self, host: &str) -> Option<&Claim> {
        let mut candidate = host;
        loop {
            if let Some(claim) = self.domains.get(candidate) {
                return Some(claim);
            }
            candidate = candidate.split_once('.')?.1;
            if !candidate.contains('.') {
                return None;
            }
        }
    }
}

fn read_json(dir: &std::path::Path, name: &str) -> Value {
    let path = dir.join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("{}: {e} (the coverage evaluation needs it in the data directory)", path.display());
        std::process::exit(2)
    });
    let reader: Box<dyn std::io::Read> =
        if name.ends_with(".gz") { Box::new(GzDecoder::new(file)) } else { Box::new(file) };
    serde_json::from_reader(reader).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn disconnect(dir: &std::path::Path) -> Map {
    let services = read_json(dir, "disconnect-services.json");
    let entities = read_json(dir, "disconnect-entities.json");
    let mut domains: HashMap<String, Claim> = HashMap::new();
    for (category, list) in services["categories"].as_object().expect("categories") {
        let broad = broad_of_disconnect(category);
        for item in list.as_array().expect("category list") {
            for (company, sites) in item.as_object().expect("entry") {
                for hosts in sites.as_object().into_iter().flat_map(|m| m.values()) {
                    for host in hosts.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        let claim = domains.entry(host.to_owned()).or_insert_with(|| Claim {
                            company: company.clone(),
                            aliases: vec![],
                            broad: BTreeSet::new(),
                            tracker: false,
                        });
                        claim.broad.extend(broad);
                        claim.tracker |= !matches!(category.as_str(), "Content" | "ConsentManagers");
                    }
                }
            }
        }
    }
    let mut owned: HashMap<String, HashSet<String>> = HashMap::new();
    for (company, entity) in entities["entities"].as_object().expect("entities") {
        let set = owned.entry(company.clone()).or_default();
        for key in ["properties", "resources"] {
            set.extend(entity[key].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    Map { name: "Disconnect", domains, owned }
}

fn ddg(dir: &std::path::Path) -> Map {
    let tds = read_json(dir, "ddg-tds-extension-v6.json.gz");
    let mut domains = HashMap::new();
    for (host, tracker) in tds["trackers"].as_object().expect("trackers") {
        let owner = &tracker["owner"];
        let Some(company) = owner["name"].as_str() else { continue };
        let broad: BTreeSet<Broad> = tracker["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(broad_of_ddg)
            .collect();
        let tracks = broad.iter().any(|b| *b != Broad::Content);
        domains.insert(
            host.clone(),
            Claim {
                company: company.to_owned(),
                aliases: owner["displayName"].as_str().map(str::to_owned).into_iter().collect(),
                broad,
                tracker: tracks || tracker["default"].as_str() == Some("block"),
            },
        );
    }
    let mut owned: HashMap<String, HashSet<String>> = HashMap::new();
    for (company, entity) in tds["entities"].as_object().expect("entities") {
        owned
            .entry(company.clone())
            .or_default()
            .extend(entity["domains"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
    }
    Map { name: "DuckDuckGo TDS", domains, owned }
}

/// "Google LLC" -> "google", "The Trade Desk, Inc." -> "tradedesk": legal forms and punctuation
/// say nothing about which company it is.
fn normalise(name: &str) -> String {
    const NOISE: &[&str] = &[
        "inc",
        "llc",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "sa",
        "sas",
        "ag",
        "bv",
        "plc",
        "srl",
        "spa",
        "oy",
        "kk",
        "pte",
        "pty",
        "the",
        "group",
        "holdings",
        "holding",
        "com",
        "technologies",
        "technology",
        "platforms",
        "international",
        "incorporated",
        "se",
        "nv",
        "sarl",
        "llp",
    ];
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .collect()
}

fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    !a.is_empty()
        && !b.is_empty()
        && (a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(&b) || b.starts_with(&a))))
}

/// The same company, allowing parent and child: by name, else by the map grouping this
/// domain's company with another of our company's domains (ours says Xandr, theirs Microsoft).
fn same_company(ours: &EntityRecord, our_domain: &str, claim: &Claim, map: &Map) -> (bool, bool) {
    let mut our_names = [Some(ours.name), ours.parent].into_iter().flatten();
    let their_names: Vec<&str> =
        std::iter::once(claim.company.as_str()).chain(claim.aliases.iter().map(String::as_str)).collect();
    let by_name = our_names.any(|o| their_names.iter().any(|t| names_match(o, t)));
    if by_name {
        return (true, true);
    }
    let theirs = map.owned.get(&claim.company);
    let shared = knowledge::domains()
        .iter()
        .filter(|d| d.domain != our_domain && std::ptr::eq(d.entity(), ours))
        .filter(|d| {
            theirs.is_some_and(|set| set.contains(d.domain))
                || map.find(d.domain).is_some_and(|c| c.company == claim.company)
        })
        .count();
    (false, shared > 0)
}

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
    let maps = [disconnect(&dir), ddg(&dir)];
    println!("TrackLens knowledge-base coverage and agreement (data: {})", dir.display());
    println!("knowledge base: {} companies, {} domains\n", knowledge::entities().len(), knowledge::domains().len());

    // 1. Coverage.
    let corpus = "requests-cliqz-top500-30k.jsonl.gz";
    let samples = support::corpus(&dir, corpus);
    let (mut third, mut tracking, mut named, mut blocked, mut blocked_named) = (0, 0, 0, 0, 0);
    let mut sites: BTreeMap<String, bool> = BTreeMap::new();
    let mut unnamed: HashMap<String, usize> = HashMap::new();
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

    // 2. Agreement.
    for map in &maps {
        let (mut both, mut company_name, mut company_any) = (0, 0, 0);
        let (mut purpose_both, mut purpose_same) = (0, 0);
        let mut disagreements: Vec<String> = Vec::new();
        let mut purpose_off: Vec<String> = Vec::new();
        let mut hosts: Vec<&String> = map.domains.keys().collect();
        hosts.sort();
        for host in hosts {
            let claim = &map.domains[host];
            let Some(record) = knowledge::lookup(host) else { continue };
            both += 1;
            let (by_name, by_any) = same_company(record.entity(), record.domain, claim, map);
            company_name += usize::from(by_name);
            company_any += usize::from(by_any);
            if !by_any {
                disagreements.push(format!("{host}: ours {}, theirs {}", record.entity().name, claim.company));
            }
            if !claim.broad.is_empty() {
                purpose_both += 1;
                let ours: BTreeSet<Broad> = record.categories.iter().map(|c| broad_of_ours(*c)).collect();
                if !ours.is_disjoint(&claim.broad) {
                    purpose_same += 1;
                } else {
                    purpose_off.push(format!("{host}: ours {:?}, theirs {:?}", ours, claim.broad));
                }
            }
        }
        println!("\n== Agreement with {} ({} domains; {both} known to both) ==", map.name, map.domains.len());
        println!("same company by name (parent/child allowed): {company_name} of {both} = {}", pct(company_name, both));
        println!("same company by name or shared domains:      {company_any} of {both} = {}", pct(company_any, both));
        println!(
            "same broad purpose:                          {purpose_same} of {purpose_both} = {}",
            pct(purpose_same, purpose_both)
        );
        println!("first company disagreements ({} in all):", disagreements.len());
        for line in disagreements.iter().take(15) {
            println!("  {line}");
        }
        println!("first purpose disagreements ({} in all):", purpose_off.len());
        for line in purpose_off.iter().take(15) {
            println!("  {line}");
        }
    }
}
