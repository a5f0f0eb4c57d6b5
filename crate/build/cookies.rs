// Compiles `data/cookies.json` into static tables for `src/cookie_purpose/tables.rs`, the way `build.rs`
// compiles the tracker knowledge base: nothing parses JSON at start-up.
//
// Two tables come out, both sorted by pattern for binary search: exact names, and prefixes
// (`_ga_*`) where each prefix also records its longest shorter prefix in the table, so finding
// the longest prefix of a name is one binary search and a short walk up that chain. Each pattern
// has one or more rules: rules limited to a domain first, the unrestricted one last.
//
// Vendor names are resolved to the companies of `data/trackers.json` (same name, or through
// `vendor_entities`), so a cookie's company comes with its privacy-policy and opt-out links.
// Malformed data fails the build with a message naming the entry.
//
// Included by build.rs as one item, `mod cookies`, with `include!` (a `mod` line would need a
// `#[path]` attribute on a line of its own).
mod cookies {
    use serde::Deserialize;
    use std::collections::{BTreeMap, HashMap};
    use std::fmt::Write as _;
    use std::{env, fs, path::Path};

    const COOKIES: &str = "data/cookies.json";
    const TRACKERS: &str = "data/trackers.json";
    const PURPOSES: [&str; 7] =
        ["necessary", "preferences", "analytics", "advertising", "personalization", "social", "security"];

    #[derive(Deserialize)]
    struct CookieBase {
        vendor_entities: BTreeMap<String, String>,
        #[serde(default)]
        domains: Vec<DomainProfile>,
        cookies: Vec<Entry>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct DomainProfile {
        domain: String,
        purpose: String,
        vendor: Option<String>,
        rows: u32,
        #[serde(default)]
        holdout: bool,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        name: String,
        domain: Option<String>,
        purpose: String,
        vendor: Option<String>,
        identifier: bool,
        source: String,
        #[serde(default)]
        holdout: bool,
    }

    #[derive(Deserialize)]
    struct Trackers {
        entities: Vec<Named>,
    }

    #[derive(Deserialize)]
    struct Named {
        name: String,
    }

    pub fn compile() {
        compile_model();
        println!("cargo:rerun-if-changed={COOKIES}");
        let read = |path: &str| fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let base: CookieBase = serde_json::from_str(&read(COOKIES)).unwrap_or_else(|e| panic!("{COOKIES}: {e}"));
        let trackers: Trackers = serde_json::from_str(&read(TRACKERS)).unwrap_or_else(|e| panic!("{TRACKERS}: {e}"));
        let entity_index: HashMap<&str, usize> =
            trackers.entities.iter().enumerate().map(|(i, e)| (e.name.as_str(), i)).collect();
        for (vendor, entity) in &base.vendor_entities {
            assert!(
                entity_index.contains_key(entity.as_str()),
                "{COOKIES}: vendor_entities: {vendor} → unknown company {entity}"
            );
        }

        // Vendors, in order of first appearance, with their company where known.
        let mut vendors: Vec<&str> = Vec::new();
        let mut vendor_index: HashMap<&str, usize> = HashMap::new();
        // pattern text → (is prefix, rules)
        let mut exact: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        let mut prefixes: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        for entry in &base.cookies {
            check(entry);
            if let Some(vendor) = entry.vendor.as_deref() {
                vendor_index.entry(vendor).or_insert_with(|| {
                    vendors.push(vendor);
                    vendors.len() - 1
                });
            }
            let (table, text) = match entry.name.strip_suffix('*') {
                Some(prefix) => (&mut prefixes, prefix),
                None => (&mut exact, entry.name.as_str()),
            };
            let rules = table.entry(text).or_default();
            if rules.iter().any(|other| other.domain == entry.domain) {
                panic!("{COOKIES}: {} is listed twice for domain {:?}", entry.name, entry.domain);
            }
            rules.push(entry);
        }
        let mut profiles: BTreeMap<&str, &DomainProfile> = BTreeMap::new();
        for profile in &base.domains {
            let name = &profile.domain;
            check_domain(name, name);
            assert!(PURPOSES.contains(&profile.purpose.as_str()), "{COOKIES}: domains: {name}: unknown purpose");
            assert!(profile.rows >= 2, "{COOKIES}: domains: {name}: a profile needs two rows or more");
            if let Some(vendor) = profile.vendor.as_deref() {
                vendor_index.entry(vendor).or_insert_with(|| {
                    vendors.push(vendor);
                    vendors.len() - 1
                });
            }
            assert!(profiles.insert(name, profile).is_none(), "{COOKIES}: domains: {name} is listed twice");
        }
        assert!(vendors.len() < usize::from(u16::MAX), "{COOKIES}: too many vendors");

        let mut out = String::from("// Generated by build/cookies.rs from data/cookies.json. Do not edit.\n");
        out.push_str("pub(crate) static VENDORS: &[Vendor] = &[\n");
        for vendor in &vendors {
            let company = base.vendor_entities.get(*vendor).map(String::as_str).unwrap_or(vendor);
            let entity = entity_index.get(company).map_or("None".to_owned(), |i| format!("Some({i})"));
            writeln!(out, "    Vendor {{ name: {vendor:?}, entity: {entity} }},").unwrap();
        }
        out.push_str("];\n\npub(crate) static EXACT: &[Pattern] = &[\n");
        for (text, rules) in &exact {
            write_pattern(&mut out, text, NO_PARENT, rules, &vendor_index);
        }
        out.push_str("];\n\npub(crate) static PREFIXES: &[Pattern] = &[\n");
        // Byte order puts every prefix before the names that extend it, and everything between a
        // prefix and an extension of it shares that prefix: a stack of open prefixes gives each
        // pattern its longest shorter prefix in the table.
        let mut open: Vec<(usize, &str)> = Vec::new();
        for (index, (text, rules)) in prefixes.iter().enumerate() {
            while open.last().is_some_and(|(_, p)| !text.starts_with(p)) {
                open.pop();
            }
            let parent = open.last().map_or(NO_PARENT, |&(i, _)| i);
            write_pattern(&mut out, text, parent, rules, &vendor_index);
            open.push((index, text));
        }
        out.push_str("];\n\npub(crate) static DOMAIN_PROFILES: &[DomainProfile] = &[\n");
        for (domain, profile) in &profiles {
            let vendor = profile.vendor.as_deref().map_or(NO_PARENT, |v| vendor_index[v]);
            writeln!(
                out,
                "    DomainProfile {{ domain: {domain:?}, purpose: CookiePurpose::{}, vendor: {vendor}, rows: {}, \
                 holdout: {} }},",
                variant(&profile.purpose),
                profile.rows,
                profile.holdout
            )
            .unwrap();
        }
        out.push_str("];\n");
        let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("cookie_table.rs");
        fs::write(dest, out).unwrap();
    }

    const NO_PARENT: usize = u16::MAX as usize;

    fn write_pattern(out: &mut String, text: &str, parent: usize, rules: &[&Entry], vendors: &HashMap<&str, usize>) {
        // Domain rules first, the more specific (longer) domain first; the unrestricted rule last.
        let mut rules = rules.to_vec();
        rules.sort_by_key(|r| std::cmp::Reverse(r.domain.as_ref().map_or(0, |d| d.len() + 1)));
        write!(out, "    Pattern {{ text: {text:?}, parent: {parent}, rules: &[").unwrap();
        for rule in rules {
            let vendor = rule.vendor.as_deref().map_or(NO_PARENT, |v| vendors[v]);
            write!(
                out,
                "Rule {{ domain: {:?}, purpose: CookiePurpose::{}, vendor: {vendor}, identifier: {}, holdout: {}, \
                 hand_written: {} }}, ",
                rule.domain,
                variant(&rule.purpose),
                rule.identifier,
                rule.holdout,
                rule.source == "tracklens"
            )
            .unwrap();
        }
        out.push_str("] },\n");
    }

    fn check(entry: &Entry) {
        let name = &entry.name;
        let text = name.strip_suffix('*').unwrap_or(name);
        assert!(
            !text.is_empty() && !text.contains('*') && text.chars().all(|c| !c.is_control()) && text.trim() == text,
            "{COOKIES}: {name:?} is not a cookie name or a prefix ending in *"
        );
        assert!(PURPOSES.contains(&entry.purpose.as_str()), "{COOKIES}: {name}: unknown purpose {:?}", entry.purpose);
        assert!(
            entry.source == "tracklens" || entry.source == "ocd",
            "{COOKIES}: {name}: source must be tracklens or ocd, not {:?}",
            entry.source
        );
        assert!(
            !(entry.holdout && entry.source == "tracklens"),
            "{COOKIES}: {name}: a hand-written entry is never hold-out"
        );
        if let Some(domain) = &entry.domain {
            check_domain(name, domain);
        }
        if let Some(vendor) = &entry.vendor {
            assert!(!vendor.trim().is_empty(), "{COOKIES}: {name}: empty vendor (use null)");
        }
    }

    fn check_domain(name: &str, domain: &str) {
        let valid = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        assert!(valid, "{COOKIES}: {name}: domain {domain:?} is not a lower-case host name");
    }

    const MODEL: &str = "data/cookie-model.json";

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Model {
        #[serde(rename = "_comment")]
        _comment: String,
        #[serde(rename = "_source")]
        _source: String,
        classes: Vec<String>,
        bias: Vec<i32>,
        min_tracking: i32,
        min_other: i32,
        features: BTreeMap<String, Vec<i32>>,
    }

    /// `data/cookie-model.json` (trained by scripts/kb/train-cookie-model.mjs) as a sorted table
    /// of features with one weight per class, for binary search, and the two thresholds.
    fn compile_model() {
        println!("cargo:rerun-if-changed={MODEL}");
        let text = fs::read_to_string(MODEL).unwrap_or_else(|e| panic!("{MODEL}: {e}"));
        let model: Model = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{MODEL}: {e}"));
        let k = model.classes.len();
        for class in &model.classes {
            assert!(PURPOSES.contains(&class.as_str()), "{MODEL}: unknown class {class:?}");
        }
        assert_eq!(model.bias.len(), k, "{MODEL}: one bias per class");
        for threshold in [model.min_tracking, model.min_other] {
            assert!((0..=1000).contains(&threshold), "{MODEL}: a threshold is a probability in thousandths");
        }
        let mut out = String::from("// Generated by build/cookies.rs from data/cookie-model.json. Do not edit.\n");
        let classes: Vec<String> = model.classes.iter().map(|c| format!("CookiePurpose::{}", variant(c))).collect();
        writeln!(out, "pub(crate) static MODEL_CLASSES: [CookiePurpose; {k}] = [{}];", classes.join(", ")).unwrap();
        writeln!(out, "pub(crate) const MODEL_CLASS_COUNT: usize = {k};").unwrap();
        writeln!(out, "pub(crate) static MODEL_BIAS: [i32; {k}] = {:?};", model.bias).unwrap();
        writeln!(out, "pub(crate) const MODEL_MIN_TRACKING: i32 = {};", model.min_tracking).unwrap();
        writeln!(out, "pub(crate) const MODEL_MIN_OTHER: i32 = {};", model.min_other).unwrap();
        writeln!(out, "pub(crate) static MODEL_FEATURES: &[(&str, [i32; {k}])] = &[").unwrap();
        for (feature, weights) in &model.features {
            assert_eq!(weights.len(), k, "{MODEL}: {feature}: one weight per class");
            assert!(feature.contains(':'), "{MODEL}: {feature}: a feature is kind:value");
            writeln!(out, "    ({feature:?}, {weights:?}),").unwrap();
        }
        out.push_str("];\n");
        let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("cookie_model.rs");
        fs::write(dest, out).unwrap();
    }

    fn variant(purpose: &str) -> String {
        let mut chars = purpose.chars();
        chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
    }
}
