//! The public-suffix answers of `tracklens::public_suffix` are those of the `psl` crate it
//! replaced, on names built from every rule of the list both carry (psl 2.1.247's): the rule
//! itself, names below it, wildcard and exception cases, the suffixes on the way to a rule, a
//! trailing dot, upper case and empty labels. When the vendored list is updated, update the `psl`
//! dev-dependency to the release with the same list, or this test reports the new rules.

use tracklens::public_suffix::{domain, suffix};

static RULES: &str = include_str!(concat!(env!("OUT_DIR"), "/public_suffix.txt"));

fn names() -> Vec<String> {
    let mut names = vec![String::new(), ".".into(), "..".into(), "a..com".into(), "com".into(), "x.unlisted".into()];
    for rule in RULES.lines() {
        let domain = rule.trim_start_matches('!').trim_start_matches("*.");
        let labels: Vec<&str> = domain.split('.').collect();
        for at in 0..labels.len() {
            let tail = labels[at..].join(".");
            for name in
                [tail.clone(), format!("x.{tail}"), format!("y.x.{tail}"), format!("www.{tail}"), format!(".{tail}")]
            {
                names.push(format!("{name}."));
                names.push(name.to_ascii_uppercase());
                names.push(name);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn same_answers_as_the_psl_crate_on_every_rule() {
    let names = names();
    assert!(names.len() > 100_000, "{} names", names.len());
    let differ: Vec<String> = names
        .iter()
        .filter(|name| domain(name) != psl::domain_str(name) || suffix(name) != psl::suffix_str(name))
        .map(|name| {
            format!(
                "{name:?}: domain {:?} vs psl {:?}, suffix {:?} vs psl {:?}",
                domain(name),
                psl::domain_str(name),
                suffix(name),
                psl::suffix_str(name)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} names differ:\n{}",
        differ.len(),
        names.len(),
        differ[..differ.len().min(30)].join("\n")
    );
}
