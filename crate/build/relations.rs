// Reads `data/company-relations.json`: who owns a company, and the other names a company goes by,
// each with a public source. The knowledge base's converters take parents from their sources and
// overrides; a company they leave without one gets its current top owner from here, so "Turn" is
// shown as part of Nexxen (Turn -> Amobee -> Nexxen) and the coverage benchmark compares names
// through the same facts. Fails the build on a non-HTTPS source, a company given two parents, a
// name in two alias groups, or a cycle of owners.
//
// Included by build.rs as one item, `mod relations`, with `include!`.
mod relations {
    use serde::Deserialize;
    use std::collections::BTreeMap;

    pub const FILE: &str = "data/company-relations.json";

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Relations {
        #[serde(rename = "_comment")]
        _comment: String,
        parents: Vec<Parent>,
        aliases: Vec<Aliases>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Parent {
        company: String,
        parent: String,
        source: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Aliases {
        names: Vec<String>,
        source: String,
    }

    pub struct Owners {
        /// Company key -> the current name of the company (the first of its alias group).
        current: BTreeMap<String, String>,
        /// Company key -> its owner's name.
        parent: BTreeMap<String, String>,
    }

    impl Owners {
        pub fn load() -> Owners {
            let text = std::fs::read_to_string(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
            let data: Relations = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{FILE}: {e}"));
            let https = |what: &str, source: &str| {
                assert!(source.starts_with("https://") && !source.contains(' '), "{FILE}: {what}: source {source:?} is not an https URL")
            };
            let mut owners = Owners { current: BTreeMap::new(), parent: BTreeMap::new() };
            for group in &data.aliases {
                https(&group.names.join(" / "), &group.source);
                assert!(group.names.len() > 1, "{FILE}: alias group {:?} has one name", group.names);
                for name in &group.names {
                    let previous = owners.current.insert(super::company_key(name), group.names[0].clone());
                    assert!(previous.is_none(), "{FILE}: {name} is named twice (legal forms ignored) in the alias groups");
                }
            }
            for entry in &data.parents {
                https(&entry.company, &entry.source);
                let key = owners.key(&entry.company);
                let previous = owners.parent.insert(key, entry.parent.clone());
                assert!(previous.is_none(), "{FILE}: {} is given two parents", entry.company);
            }
            for entry in &data.parents {
                owners.top_owner(&entry.company); // panics on a cycle
            }
            owners
        }

        /// The key of a name's alias group (its current name), or of the name itself.
        fn key(&self, name: &str) -> String {
            let key = super::company_key(name);
            self.current.get(&key).map_or(key, |current| super::company_key(current))
        }

        /// The owner at the top of `company`'s chain, by its current name; None when the table
        /// gives the company no parent.
        pub fn top_owner(&self, company: &str) -> Option<String> {
            let mut owner: Option<&String> = None;
            let mut key = self.key(company);
            for _ in 0..=self.parent.len() {
                let Some(parent) = self.parent.get(&key) else {
                    return owner.map(|name| self.current.get(&super::company_key(name)).unwrap_or(name).clone());
                };
                owner = Some(parent);
                key = self.key(parent);
            }
            panic!("{FILE}: the owners of {company} form a cycle")
        }
    }
}
