//! Agreement of the knowledge base with Disconnect and DuckDuckGo's Tracker Data Set: the same
//! company (allowing parent and child, through `crate/data/company-relations.json`), the same
//! broad purpose; request-weighted over the Cliqz crawl as well as by domain, with the
//! disagreements ranked by the requests they cover, and the two peers against each other as the
//! ceiling any third map can expect. Both peers are CC BY-NC-SA: read here for evaluation only.

use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use tracklens::knowledge::{self, EntityRecord};
use tracklens::Category;

/// Broad purposes the three taxonomies share. Finer ones (session replay vs analytics) are not
/// compared: the other maps do not make those distinctions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Broad {
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
pub struct Claim {
    company: String,
    /// Other names of the company (display name), and its domains, for parent/child matching.
    aliases: Vec<String>,
    broad: BTreeSet<Broad>,
    pub tracker: bool,
}

pub struct Map {
    pub name: &'static str,
    pub domains: HashMap<String, Claim>,
    /// Company -> every domain it owns in that map.
    owned: HashMap<String, HashSet<String>>,
}

impl Map {
    /// The claim for `host` or its closest listed parent domain.
    pub fn find(&self, host: &str) -> Option<&Claim> {
        self.find_entry(host).map(|(_, claim)| claim)
    }

    /// The listed domain that covers `host`, with its claim.
    fn find_entry(&self, host: &str) -> Option<(&str, &Claim)> {
        let mut candidate = host;
        loop {
            if let Some((key, claim)) = self.domains.get_key_value(candidate) {
                return Some((key.as_str(), claim));
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

pub fn disconnect(dir: &std::path::Path) -> Map {
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

pub fn ddg(dir: &std::path::Path) -> Map {
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

/// Facts about company names, from `crate/data/company-relations.json`: who owns whom, and the
/// other names one company goes by (a rename, a brand). Shipped data, with a public source per
/// entry; the build gives a company without a parent the one named there.
pub struct Relations {
    /// Normalised name -> normalised name of its owner.
    parent: HashMap<String, String>,
    /// Normalised name -> the normalised first name of its alias group.
    canonical: HashMap<String, String>,
}

impl Relations {
    pub fn load() -> Self {
        let text = include_str!("../../data/company-relations.json");
        let data: Value = serde_json::from_str(text).expect("company-relations.json");
        let mut canonical = HashMap::new();
        for group in data["aliases"].as_array().expect("aliases") {
            let names: Vec<String> =
                group["names"].as_array().expect("names").iter().filter_map(Value::as_str).map(normalise).collect();
            for name in &names {
                canonical.insert(name.clone(), names[0].clone());
            }
        }
        let mut relations = Relations { parent: HashMap::new(), canonical };
        for entry in data["parents"].as_array().expect("parents") {
            let company = relations.resolve(entry["company"].as_str().expect("company"));
            let parent = relations.resolve(entry["parent"].as_str().expect("parent"));
            relations.parent.insert(company, parent);
        }
        relations
    }

    /// No facts: what the comparison finds by names alone.
    pub fn none() -> Self {
        Relations { parent: HashMap::new(), canonical: HashMap::new() }
    }

    /// The normalised current name of `name`: its alias group's first, matched as names are
    /// ("Lotame Solutions" is "Lotame").
    fn resolve(&self, name: &str) -> String {
        let key = normalise(name);
        self.canonical.iter().find(|(alias, _)| keys_match(alias, &key)).map_or(key, |(_, current)| current.clone())
    }

    fn parent_of(&self, key: &str) -> Option<&String> {
        self.parent.get(key).or_else(|| self.parent.iter().find(|(child, _)| keys_match(child, key)).map(|(_, p)| p))
    }

    /// The company and every owner above it, normalised, aliases resolved.
    fn chain(&self, names: &[&str]) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let mut todo: Vec<String> = names.iter().map(|n| self.resolve(n)).collect();
        while let Some(name) = todo.pop() {
            if name.is_empty() || chain.contains(&name) {
                continue;
            }
            if let Some(parent) = self.parent_of(&name) {
                todo.push(parent.clone());
            }
            chain.push(name);
        }
        chain
    }

    /// One company (allowing parent, child and sister companies of one owner), by name.
    fn same(&self, ours: &[&str], theirs: &[&str]) -> bool {
        let (a, b) = (self.chain(ours), self.chain(theirs));
        a.iter().any(|x| b.iter().any(|y| keys_match(x, y)))
    }
}

fn keys_match(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && (a == b || (a.len().min(b.len()) >= 4 && (a.starts_with(b) || b.starts_with(a))))
}

/// How two maps were found to name one company.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// The names match (legal forms and punctuation ignored), or our parent's name does.
    Name,
    /// Only through the relations table: an owner, a subsidiary, a former name.
    Relation,
    /// Only because the other map groups this domain with another domain of our company.
    SharedDomain,
}

fn our_names(ours: &EntityRecord) -> Vec<&'static str> {
    [Some(ours.name), ours.parent].into_iter().flatten().collect()
}

fn their_names(claim: &Claim) -> Vec<&str> {
    std::iter::once(claim.company.as_str()).chain(claim.aliases.iter().map(String::as_str)).collect()
}

/// The same company, allowing parent and child: by name, else through the relations table, else
/// by the map grouping this domain's company with another of our company's domains (ours says
/// Xandr, theirs Microsoft).
fn same_company(ours: &EntityRecord, our_domain: &str, claim: &Claim, map: &Map, rel: &Relations) -> Option<How> {
    let (a, b) = (our_names(ours), their_names(claim));
    if Relations::none().same(&a, &b) {
        return Some(How::Name);
    }
    if rel.same(&a, &b) {
        return Some(How::Relation);
    }
    let theirs = map.owned.get(&claim.company);
    let shared =
        knowledge::domains().iter().filter(|d| d.domain != our_domain && std::ptr::eq(d.entity(), ours)).any(|d| {
            theirs.is_some_and(|set| set.contains(d.domain))
                || map.find(d.domain).is_some_and(|c| c.company == claim.company)
        });
    shared.then_some(How::SharedDomain)
}

/// Counts of agreement, by domain or by request.
#[derive(Default)]
struct Tally {
    both: usize,
    by: [usize; 3],
}

impl Tally {
    fn add(&mut self, how: Option<How>, weight: usize) {
        self.both += weight;
        if let Some(how) = how {
            self.by[how as usize] += weight;
        }
    }
    fn agreed(&self) -> usize {
        self.by.iter().sum()
    }
    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} of {} = {} (by name {}, relations table {}, shared domains {})",
            self.agreed(),
            self.both,
            super::pct(self.agreed(), self.both),
            self.by[0],
            self.by[1],
            self.by[2]
        )
    }
}

/// Agreement on broad purpose where both sides give one: any shared broad purpose counts.
#[derive(Default)]
struct PurposeTally {
    both: usize,
    same: usize,
}

impl PurposeTally {
    /// Counts one domain (or `weight` requests); false when both give purposes and share none.
    fn add(&mut self, a: &BTreeSet<Broad>, b: &BTreeSet<Broad>, weight: usize) -> bool {
        if a.is_empty() || b.is_empty() {
            return true;
        }
        self.both += weight;
        let same = !a.is_disjoint(b);
        if same {
            self.same += weight;
        }
        same
    }
    fn line(&self, what: &str) -> String {
        format!("{what}: {} of {} = {}", self.same, self.both, super::pct(self.same, self.both))
    }
}

fn broad_of_record(record: &knowledge::DomainRecord) -> BTreeSet<Broad> {
    record.categories.iter().map(|c| broad_of_ours(*c)).collect()
}

/// Requests (of the coverage corpus's tracking requests) to `key` or any host below it.
fn volume_of(key: &str, hosts: &HashMap<String, usize>) -> usize {
    hosts
        .iter()
        .filter(|(host, _)| host.as_str() == key || host.strip_suffix(key).is_some_and(|rest| rest.ends_with('.')))
        .map(|(_, n)| n)
        .sum()
}

/// Agreement of the knowledge base with `map`. `hosts`: tracking requests per host in the crawl.
pub fn report(map: &Map, hosts: &HashMap<String, usize>, rel: &Relations) {
    let (mut by_domain, mut by_request) = (Tally::default(), Tally::default());
    let (mut purpose_by_domain, mut purpose_by_request) = (PurposeTally::default(), PurposeTally::default());
    let mut disagreements: Vec<(usize, String)> = Vec::new();
    let mut purpose_off: Vec<(usize, String)> = Vec::new();
    let mut keys: Vec<&String> = map.domains.keys().collect();
    keys.sort();
    for key in keys {
        let claim = &map.domains[key];
        let Some(record) = knowledge::lookup(key) else { continue };
        let how = same_company(record.entity(), record.domain, claim, map, rel);
        by_domain.add(how, 1);
        if how.is_none() {
            disagreements.push((
                volume_of(key, hosts),
                format!(
                    "{key}: ours {}{}, theirs {}",
                    record.entity().name,
                    parent_note(record.entity()),
                    claim.company
                ),
            ));
        }
        let ours = broad_of_record(record);
        if !purpose_by_domain.add(&ours, &claim.broad, 1) {
            purpose_off.push((volume_of(key, hosts), format!("{key}: ours {ours:?}, theirs {:?}", claim.broad)));
        }
    }
    for (host, n) in hosts {
        let (Some(record), Some(claim)) = (knowledge::lookup(host), map.find(host)) else { continue };
        by_request.add(same_company(record.entity(), record.domain, claim, map, rel), *n);
        purpose_by_request.add(&broad_of_record(record), &claim.broad, *n);
    }
    println!("\n== Agreement with {} ({} domains; {} known to both) ==", map.name, map.domains.len(), by_domain.both);
    println!("{}", by_domain.line("same company, by domain             "));
    println!("{}", by_request.line("same company, by tracking request   "));
    println!("{}", purpose_by_domain.line("same broad purpose, by domain       "));
    println!("{}", purpose_by_request.line("same broad purpose, by request      "));
    disagreements.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let silent = disagreements.iter().filter(|d| d.0 == 0).count();
    println!(
        "company disagreements by requests in the crawl ({} in all, {silent} with no request there):",
        disagreements.len()
    );
    for (n, line) in disagreements.iter().take(30) {
        println!("  {n:>5}  {line}");
    }
    purpose_off.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    println!("purpose disagreements by requests in the crawl ({} in all):", purpose_off.len());
    for (n, line) in purpose_off.iter().take(15) {
        println!("  {n:>5}  {line}");
    }
}

fn parent_note(entity: &EntityRecord) -> String {
    entity.parent.map(|p| format!(" ({p})")).unwrap_or_default()
}

/// The two peers against each other on the domains both list: the agreement a third map can
/// hope for when they are taken as the truth.
pub fn peers(a: &Map, b: &Map, hosts: &HashMap<String, usize>, rel: &Relations) {
    let same = |key: &str, ca: &Claim, cb: &Claim| -> Option<How> {
        if Relations::none().same(&their_names(ca), &their_names(cb)) {
            return Some(How::Name);
        }
        if rel.same(&their_names(ca), &their_names(cb)) {
            return Some(How::Relation);
        }
        let shared = a
            .owned
            .get(&ca.company)
            .into_iter()
            .flatten()
            .filter(|d| d.as_str() != key)
            .any(|d| b.find(d).is_some_and(|c| c.company == cb.company));
        shared.then_some(How::SharedDomain)
    };
    let (mut by_domain, mut by_request) = (Tally::default(), Tally::default());
    let (mut purpose_by_domain, mut purpose_by_request) = (PurposeTally::default(), PurposeTally::default());
    let mut off: Vec<(usize, String)> = Vec::new();
    for (key, ca) in &a.domains {
        let Some(cb) = b.domains.get(key) else { continue };
        let how = same(key, ca, cb);
        by_domain.add(how, 1);
        purpose_by_domain.add(&ca.broad, &cb.broad, 1);
        if how.is_none() {
            off.push((volume_of(key, hosts), format!("{key}: {} {}, {} {}", a.name, ca.company, b.name, cb.company)));
        }
    }
    for (host, n) in hosts {
        let (Some((key, ca)), Some(cb)) = (a.find_entry(host), b.find(host)) else { continue };
        by_request.add(same(key, ca, cb), *n);
        purpose_by_request.add(&ca.broad, &cb.broad, *n);
    }
    println!("\n== {} against {} (the ceiling: the peers on the domains both list) ==", a.name, b.name);
    println!("{}", by_domain.line("same company, by domain          "));
    println!("{}", by_request.line("same company, by tracking request"));
    println!("{}", purpose_by_domain.line("same broad purpose, by domain    "));
    println!("{}", purpose_by_request.line("same broad purpose, by request   "));
    off.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
    println!("their disagreements with most requests ({} in all):", off.len());
    for (n, line) in off.iter().take(10) {
        println!("  {n:>5}  {line}");
    }
}
