//! The tracker knowledge base: which company receives data on a domain, and for what purpose.
//!
//! The data lives in `data/trackers.json` (third-party-web with the corrections in
//! `data/overrides.json`, by `scripts/kb/convert-third-party-web.mjs`) and, below it in
//! precedence, `data/trackers-adguard.json` (AdGuard's companiesdb, CC BY-SA 4.0, by
//! `scripts/kb/convert-adguard-companiesdb.mjs`). `build.rs` checks both and compiles them into
//! sorted lines of text, read into records once at first use (well under a millisecond), so
//! looking a host up is a few binary searches; text keeps the wasm module small where static
//! arrays of records would be mostly pointers.

use crate::taxonomy::Category;
use serde::Serialize;
use std::sync::OnceLock;

/// A company that receives data from web pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EntityRecord {
    pub name: &'static str,
    /// The company that owns this one, where it is not independent.
    pub parent: Option<&'static str>,
    /// Where the company is established, so where the data goes (ISO 3166 alpha-2), where known.
    pub country: Option<&'static str>,
    pub homepage: Option<&'static str>,
    /// Known for every major company; not for every small one in the public data.
    pub privacy_policy: Option<&'static str>,
    /// Where a visitor can opt out of this company's tracking, where such a page exists.
    pub opt_out: Option<&'static str>,
}

/// One domain of an entity, with the purposes data sent to it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainRecord {
    pub domain: &'static str,
    entity: usize,
    pub categories: &'static [Category],
}

impl DomainRecord {
    pub fn entity(&self) -> &'static EntityRecord {
        &tables().entities[self.entity]
    }
}

include!(concat!(env!("OUT_DIR"), "/knowledge_base.rs"));

struct Tables {
    entities: Vec<EntityRecord>,
    domains: Vec<DomainRecord>,
    paths: Vec<DomainRecord>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        entities: ENTITY_TEXT.lines().map(entity_record).collect(),
        domains: DOMAIN_TEXT.lines().map(domain_record).collect(),
        paths: PATH_TEXT.lines().map(domain_record).collect(),
    })
}

/// `name\tparent\tcountry\thomepage\tprivacy_policy\topt_out`, a field empty where unknown.
fn entity_record(line: &'static str) -> EntityRecord {
    let mut fields = line.split('\t');
    let name = fields.next().unwrap_or_default();
    let mut next = || fields.next().filter(|field| !field.is_empty());
    EntityRecord { name, parent: next(), country: next(), homepage: next(), privacy_policy: next(), opt_out: next() }
}

/// `domain\tentity index\tcategory set index`, as build.rs writes them.
fn domain_record(line: &'static str) -> DomainRecord {
    let mut fields = line.split('\t');
    let domain = fields.next().unwrap_or_default();
    let mut index =
        || fields.next().and_then(|field| field.parse::<usize>().ok()).expect("build.rs writes two indexes");
    let entity = index();
    DomainRecord { domain, entity, categories: CATEGORY_SETS[index()] }
}

/// The most specific knowledge-base domain covering `host`: the host itself, else its closest
/// parent domain. `static.hotjar.com` finds `hotjar.com`; `cdnjs.cloudflare.com` finds its own
/// entry before any entry for `cloudflare.com`.
pub fn lookup(host: &str) -> Option<&'static DomainRecord> {
    let domains = domains();
    let mut candidate = host;
    loop {
        if let Ok(index) = domains.binary_search_by(|record| record.domain.cmp(candidate)) {
            return Some(&domains[index]);
        }
        // Drop the leftmost label; stop before a bare top-level label, which is never an entry.
        let (_, parent) = candidate.split_once('.')?;
        if !parent.contains('.') {
            return None;
        }
        candidate = parent;
    }
}

/// The knowledge-base entry for a request: a path rule where one host serves several purposes
/// (`www.google.com/recaptcha/` is bot protection, the rest of `www.google.com` advertising),
/// else the domain entry of `host`. `url` is the request URL; only its path is read.
pub fn lookup_request(host: &str, url: &str) -> Option<&'static DomainRecord> {
    let rules = path_rules();
    if !rules.is_empty() {
        let path = path_of(url);
        for record in rules {
            let (rule_host, rule_path) = record.domain.split_once('/').unwrap_or((record.domain, ""));
            let on_host = host.strip_suffix(rule_host).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'));
            if on_host && path.get(1..).is_some_and(|p| p.starts_with(rule_path)) {
                return Some(record);
            }
        }
    }
    lookup(host)
}

/// The path of a URL (from the `/` after the authority, without query or fragment); `/` if none.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = &rest[rest.find(['/', '?', '#']).unwrap_or(rest.len())..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    if rest.starts_with('/') {
        &rest[..end]
    } else {
        "/"
    }
}

/// The entity that owns `host`, if the knowledge base knows it.
pub fn entity_of(host: &str) -> Option<&'static EntityRecord> {
    lookup(host).map(DomainRecord::entity)
}

/// Every entity in the knowledge base.
pub fn entities() -> &'static [EntityRecord] {
    &tables().entities
}

/// Every domain in the knowledge base, sorted by name, each with its entity and purposes.
pub fn domains() -> &'static [DomainRecord] {
    &tables().domains
}

/// Every path rule (`host/path-prefix`), most specific first.
pub fn path_rules() -> &'static [DomainRecord] {
    &tables().paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use Category::*;

    fn verdict(host: &str) -> (&'static str, &'static [Category]) {
        let record = lookup(host).unwrap_or_else(|| panic!("{host} is not in the knowledge base"));
        (record.entity().name, record.categories)
    }

    #[test]
    fn tables_are_sorted_and_unique_for_binary_search() {
        assert!(domains().windows(2).all(|pair| pair[0].domain < pair[1].domain));
        assert!(
            path_rules().windows(2).all(|pair| pair[0].domain.len() >= pair[1].domain.len()),
            "longest path rule first"
        );
    }

    #[test]
    fn subdomains_find_their_parent_entry() {
        let record = lookup("static.hotjar.com").expect("hotjar is known");
        assert_eq!(record.domain, "hotjar.com");
        assert_eq!(record.entity().name, "Hotjar");
        assert_eq!(record.categories, &[SessionReplay]);
    }

    #[test]
    fn the_most_specific_entry_wins() {
        assert_eq!(lookup("cdnjs.cloudflare.com").unwrap().categories, &[Cdn]);
        assert_eq!(lookup("px.ads.linkedin.com").unwrap().categories, &[Advertising]);
        assert_eq!(lookup("www.linkedin.com").unwrap().categories, &[Social]);
        assert_eq!(verdict("snap.licdn.com"), ("LinkedIn", &[Advertising][..]));
        assert_eq!(verdict("static.licdn.com"), ("LinkedIn", &[Cdn][..]));
        // Adobe Target is personalisation inside Adobe's analytics domain.
        assert_eq!(verdict("acme.tt.omtrdc.net"), ("Adobe", &[Personalization][..]));
        assert_eq!(verdict("acme.sc.omtrdc.net"), ("Adobe", &[Analytics][..]));
    }

    #[test]
    fn unknown_and_lookalike_hosts_are_not_matched() {
        assert!(lookup("news.example").is_none());
        assert!(lookup("com").is_none());
        assert!(lookup("").is_none());
        for host in [
            "nothotjar.com",
            "hotjar.com.evil.example",
            "doubleclick.net.evil.example",
            "evildoubleclick.net",
            "google-analytics.co",
            "googletagmanager.com-evil.example",
            "facebook.net.example",
            "xfpjs.io",
            "cookielaw.org.evil.example",
        ] {
            assert!(lookup(host).is_none(), "{host} must not match");
        }
        // The whole of a multi-purpose company site is deliberately not listed.
        for host in ["cloudflare.com", "www.cloudflare.com", "google.com", "microsoft.com"] {
            assert!(lookup(host).is_none(), "{host} must not be categorised as a whole");
        }
    }

    /// The demo site's vendors: the end-to-end tests assert these verdicts.
    #[test]
    fn demo_vendors_keep_their_verdicts() {
        let expected: &[(&str, &str, &[Category])] = &[
            ("www.googletagmanager.com", "Google", &[TagManager]),
            ("googleads.g.doubleclick.net", "Google", &[Advertising]),
            ("www.google-analytics.com", "Google", &[Analytics]),
            ("connect.facebook.net", "Meta", &[Advertising]),
            ("www.facebook.com", "Meta", &[Advertising, Social]),
            ("static.xx.fbcdn.net", "Meta", &[Cdn]),
            ("static.hotjar.com", "Hotjar", &[SessionReplay]),
            ("in.hotjar.com", "Hotjar", &[SessionReplay]),
            ("vars.hotjar.io", "Hotjar", &[SessionReplay]),
            ("cdn.optimizely.com", "Optimizely", &[Personalization]),
            ("logx.optimizely.com", "Optimizely", &[Personalization]),
            ("platform.twitter.com", "X", &[Social]),
            ("syndication.twitter.com", "X", &[Social]),
            ("x.com", "X", &[Social]),
            ("api.fpjs.io", "Fingerprint", &[Fingerprinting]),
            ("fpnpmcdn.net", "Fingerprint", &[Fingerprinting]),
            ("cdn.cookielaw.org", "OneTrust", &[Consent]),
            ("cdnjs.cloudflare.com", "Cloudflare", &[Cdn]),
            ("cdn.jsdelivr.net", "jsDelivr", &[Cdn]),
        ];
        for &(host, company, categories) in expected {
            assert_eq!(verdict(host), (company, categories), "{host}");
        }
        let parents =
            [("Google", "Alphabet"), ("Meta", "Meta Platforms"), ("Hotjar", "Contentsquare"), ("X", "X Corp")];
        for (name, parent) in parents {
            assert_eq!(entity(name).parent, Some(parent), "{name}");
        }
    }

    fn entity(name: &str) -> &'static EntityRecord {
        entities().iter().find(|e| e.name == name).unwrap_or_else(|| panic!("{name} is not in the knowledge base"))
    }

    /// Coverage goals of the knowledge base: enough domains, and the companies a user most
    /// expects to see, each with its privacy policy.
    #[test]
    fn covers_the_major_companies() {
        const NAMED: &str = "Google, Meta, Amazon, Microsoft, Adobe, Oracle, Salesforce, Criteo, \
            The Trade Desk, Xandr, Magnite, PubMatic, Index Exchange, OpenX, Taboola, Outbrain, \
            TikTok, LinkedIn, X, Pinterest, Snap, Yandex, Baidu, Quantcast, Hotjar, FullStory, \
            Optimizely, Dynamic Yield, VWO, Segment, Mixpanel, Amplitude, Heap, HubSpot, Marketo, \
            OneTrust, Cookiebot, Fingerprint, Cloudflare, jsDelivr";
        let named: Vec<&str> = NAMED.split(", ").collect();
        assert_eq!(named.len(), 40);
        for name in named {
            let entity = entity(name);
            assert!(entity.privacy_policy.is_some(), "{name} has no privacy policy");
        }
        // Products named like companies, covered under their owner.
        assert_eq!(verdict("www.clarity.ms"), ("Microsoft", &[SessionReplay][..]));
        assert_eq!(verdict("mbox.tt.omtrdc.net"), ("Adobe", &[Personalization][..]));
        assert_eq!(entity("LinkedIn").parent, Some("Microsoft"));
        assert_eq!(entity("Xandr").parent, Some("Microsoft"));
        assert_eq!(entity("Dynamic Yield").parent, Some("Mastercard"));
        assert_eq!(entity("Marketo").parent, Some("Adobe"));
    }

    /// Categories that third-party-web's coarse ones get wrong, corrected in overrides.json.
    #[test]
    fn purposes_are_corrected_where_the_public_data_is_coarse() {
        let expected: &[(&str, &str, &[Category])] = &[
            ("script.hotjar.com", "Hotjar", &[SessionReplay]),
            ("edge.fullstory.com", "FullStory", &[SessionReplay]),
            ("cdn.mouseflow.com", "Mouseflow", &[SessionReplay]),
            ("web-sdk.smartlook.com", "Smartlook", &[SessionReplay]),
            ("r.lr-ingest.io", "LogRocket", &[SessionReplay]),
            ("tools.luckyorange.com", "Lucky Orange", &[SessionReplay]),
            ("t.contentsquare.net", "Contentsquare", &[SessionReplay]),
            ("mc.yandex.ru", "Yandex", &[Analytics]),
            ("cdn.dynamicyield.com", "Dynamic Yield", &[Personalization]),
            ("dev.visualwebsiteoptimizer.com", "VWO", &[Personalization]),
            ("try.abtasty.com", "AB Tasty", &[Personalization]),
            ("client.kameleoon.com", "Kameleoon", &[Personalization]),
            ("fpjscdn.net", "Fingerprint", &[Fingerprinting]),
            ("consent.cookiebot.com", "Cookiebot", &[Consent]),
            ("geolocation.onetrust.com", "OneTrust", &[Consent]),
            ("static.cloudflareinsights.com", "Cloudflare", &[Analytics]),
            ("fonts.gstatic.com", "Google", &[Cdn]),
            ("analytics.tiktok.com", "TikTok", &[Advertising]),
            ("ct.pinterest.com", "Pinterest", &[Advertising]),
            ("tr.snapchat.com", "Snap", &[Advertising]),
            ("bat.bing.com", "Microsoft", &[Advertising]),
            ("ib.adnxs.com", "Xandr", &[Advertising]),
        ];
        for &(host, company, categories) in expected {
            assert_eq!(verdict(host), (company, categories), "{host}");
        }
    }

    /// One host, several purposes: the request's path decides (reCAPTCHA is bot protection on
    /// Google's advertising host, Maps embeds are content).
    #[test]
    fn path_rules_give_the_purpose_the_request_serves() {
        let purpose = |url: &str| {
            let host = crate::url::NetworkUrl::parse(url).unwrap().host;
            let record = lookup_request(&host, url).unwrap_or_else(|| panic!("{url} is not known"));
            (record.entity().name, record.categories)
        };
        assert_eq!(purpose("https://www.google.com/recaptcha/api.js?render=x"), ("Google", &[Security][..]));
        assert_eq!(
            purpose("https://www.gstatic.com/recaptcha/releases/x/recaptcha__en.js"),
            ("Google", &[Security][..])
        );
        assert_eq!(purpose("https://www.recaptcha.net/recaptcha/api.js"), ("Google", &[Security][..]));
        assert_eq!(purpose("https://www.google.com/maps/embed?pb=1"), ("Google", &[Cdn][..]));
        assert_eq!(purpose("https://www.google.com/pagead/1p-conversion/1/"), ("Google", &[Advertising][..]));
        assert_eq!(purpose("https://google.com/ads/ga-audiences?v=1"), ("Google", &[Advertising][..]));
        assert_eq!(purpose("https://www.gstatic.com/images/x.png"), ("Google", &[Cdn][..]));
        // A path rule's prefix is a whole segment, and its host a whole label.
        assert!(lookup_request("www.google.com", "https://www.google.com/recaptchaX")
            .is_some_and(|r| r.categories == [Advertising]));
        assert!(lookup_request("notgoogle.com", "https://notgoogle.com/recaptcha/").is_none());
        assert!(lookup_request("google.com", "https://google.com/?q=/recaptcha/").is_none());
    }

    /// The long tail from AdGuard's companiesdb and the whole of third-party-web: the ad-tech
    /// hosts real pages load that the first knowledge base left unnamed (issue 11).
    #[test]
    fn names_the_long_tail_of_ad_tech() {
        let expected: &[(&str, &str)] = &[
            ("x.bidswitch.net", "Bidswitch"),
            ("sync.mathtag.com", "MediaMath"),
            ("ad.360yield.com", "Improve Digital"),
            ("top-fwz1.mail.ru", "VK"),
            ("pr-bh.ybp.yahoo.com", "Yahoo"),
            ("static.chartbeat.com", "Chartbeat"),
            ("de.ioam.de", "INFOnline"),
            ("a.teads.tv", "Teads"),
        ];
        for &(host, company) in expected {
            assert_eq!(entity_of(host).map(|e| e.name), Some(company), "{host}");
        }
        assert!(domains().len() >= 6000, "only {} domains", domains().len());
        assert!(entities().len() >= 3000, "only {} companies", entities().len());
        assert_eq!(entity("Yahoo").parent, Some("Apollo Global Management"));
        assert_eq!(entity("Bidswitch").parent, Some("Criteo"));
        assert_eq!(entity("Google").country, Some("US"));
        assert_eq!(entity("Criteo").country, Some("FR"));
        assert_eq!(verdict("avatars.mds.yandex.net"), ("Yandex", &[Cdn][..]));
    }

    #[test]
    fn every_domain_is_a_registrable_host_name() {
        for record in domains() {
            let domain = record.domain;
            assert!(
                !domain.is_empty()
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && domain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'),
                "{domain:?} is not a lower-case host name"
            );
            // A public suffix (github.io, cloudfront.net) is shared by unrelated owners: listing
            // it would name one company for all of them, and make their sites "same entity".
            assert!(
                crate::public_suffix::domain(domain).is_some(),
                "{domain} is a public suffix, not a domain anyone owns"
            );
            assert!(!record.categories.is_empty(), "{domain} has no category");
            assert!(record.categories.windows(2).all(|p| p[0] < p[1]), "{domain}: categories not sorted or repeated");
        }
    }

    #[test]
    fn every_entity_has_a_unique_name_a_domain_and_https_links() {
        for (index, entity) in entities().iter().enumerate() {
            assert!(entities()[..index].iter().all(|e| e.name != entity.name), "{} listed twice", entity.name);
            for url in [entity.homepage, entity.privacy_policy, entity.opt_out].into_iter().flatten() {
                assert!(url.starts_with("https://"), "{}: {url}", entity.name);
            }
            assert!(domains().iter().any(|d| d.entity == index), "{} has no domain", entity.name);
        }
    }
}
