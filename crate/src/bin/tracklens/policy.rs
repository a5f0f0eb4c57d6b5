//! CI policies over an audit report: purposes that must not appear, a ceiling on third-party
//! sites, no tracking before the visitor's consent, and no typed text sent before submit.
//! Requests the browser blocked (`--protection on`) never left, so they are no evidence. A policy file is JSON (serde_json is
//! already a dependency, and a policy is three keys), documented in docs/audit-report.md.

use crate::report::{PageReport, Violation};
use serde::Deserialize;
use tracklens::Category;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// Purposes (the core's category names) no company on the page may have.
    #[serde(default)]
    pub fail_on: Vec<Category>,
    /// At most this many third-party sites per page.
    #[serde(default)]
    pub max_third_parties: Option<usize>,
    /// No tracker request before the visitor made a consent choice.
    #[serde(default)]
    pub no_tracking_before_consent: bool,
    /// No text typed into the page sent to a third party before the form was submitted.
    #[serde(default)]
    pub no_keylogging: bool,
    /// No advertising or social company receives data on a page about a sensitive category
    /// (health, religion, sexuality…): `--fail-on sensitive-to-advertisers`.
    #[serde(default)]
    pub sensitive_to_advertisers: bool,
}

/// The `--fail-on` name of the sensitive-page rule (not a purpose of the taxonomy).
pub const SENSITIVE_TO_ADVERTISERS: &str = "sensitive-to-advertisers";

impl Policy {
    /// Reads a policy file, saying where it is wrong (`failOn[1]: unknown variant ...`).
    pub fn from_file(path: &str) -> Result<Policy, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("policy {path}: {e}"))?;
        let mut json = serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(&mut json)
            .map_err(|e| format!("policy {path}: at {}: {}", e.path(), e.inner()))
    }

    /// `--fail-on advertising,fingerprinting`
    pub fn add_fail_on(&mut self, list: &str) -> Result<(), String> {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name == SENSITIVE_TO_ADVERTISERS {
                self.sensitive_to_advertisers = true;
                continue;
            }
            let category: Category = serde_json::from_value(name.into())
                .map_err(|_| format!("--fail-on: unknown purpose {name:?} (one of {})", category_names()))?;
            if !self.fail_on.contains(&category) {
                self.fail_on.push(category);
            }
        }
        Ok(())
    }

    /// Replaces the report's violations with those of this policy.
    pub fn check(&self, report: &mut PageReport) {
        report.violations.clear();
        for category in &self.fail_on {
            if let Some(violation) = fail_on(report, *category) {
                report.violations.push(violation);
            }
        }
        if let Some(max) = self.max_third_parties {
            if report.third_party_sites.len() > max {
                report.violations.push(Violation {
                    rule: "max-third-parties".into(),
                    message: format!("{} third-party sites, at most {max} allowed", report.third_party_sites.len()),
                    evidence: report.third_party_sites.clone(),
                });
            }
        }
        if self.no_tracking_before_consent {
            let early: Vec<String> = report
                .tracking_requests
                .iter()
                .filter(|r| r.before_consent && !r.blocked)
                .map(|r| r.url.clone())
                .collect();
            if !early.is_empty() {
                report.violations.push(Violation {
                    rule: "no-tracking-before-consent".into(),
                    message: format!("{} tracking requests before any consent choice", early.len()),
                    evidence: early,
                });
            }
        }
        if self.sensitive_to_advertisers {
            if let Some(violation) = sensitive_to_advertisers(report) {
                report.violations.push(violation);
            }
        }
        if self.no_keylogging && !report.leaks.is_empty() {
            let evidence = report
                .leaks
                .iter()
                .map(|l| format!("{} -> {} ({}, in the {})", l.field, l.host, l.encoding, l.location))
                .collect();
            report.violations.push(Violation {
                rule: "no-keylogging".into(),
                message: format!("{} typed fields sent to third parties before submit", report.leaks.len()),
                evidence,
            });
        }
    }
}

/// Advertising or social companies that learned which page it was, on a sensitive page.
fn sensitive_to_advertisers(report: &PageReport) -> Option<Violation> {
    let context = report.context.as_ref()?;
    let label = context.label.as_deref()?;
    let evidence: Vec<String> = context.advertisers().map(|s| s.summary.clone()).collect();
    if evidence.is_empty() {
        return None;
    }
    let names: Vec<&str> = context.advertisers().map(|s| s.company.as_str()).collect();
    Some(Violation {
        rule: SENSITIVE_TO_ADVERTISERS.into(),
        message: format!(
            "a page about {label} ({}) sent what you viewed to advertising or social companies: {}",
            context.evidence.join("; "),
            names.join(", ")
        ),
        evidence,
    })
}

/// The `fail-on` violation for one purpose, if the page has it: a company of that purpose whose
/// tracker requests were not all blocked, or (for fingerprinting) a script the extension scored
/// medium or high, whoever owns it.
fn fail_on(report: &PageReport, category: Category) -> Option<Violation> {
    let name = category.as_str();
    let listed: Vec<_> = report.tracking_requests.iter().filter(|r| r.categories.iter().any(|x| x == name)).collect();
    let all_blocked = !listed.is_empty() && listed.iter().all(|r| r.blocked);
    let mut companies: Vec<String> = report
        .companies
        .iter()
        .filter(|c| !all_blocked && c.categories.iter().any(|x| x == name))
        .map(|c| c.name.clone())
        .collect();
    let mut evidence: Vec<String> = listed.iter().filter(|r| !r.blocked).map(|r| r.url.clone()).collect();
    if evidence.is_empty() {
        // Non-tracking purposes (cdn, consent) have no listed requests: name the hosts.
        evidence = report
            .companies
            .iter()
            .filter(|c| companies.contains(&c.name))
            .flat_map(|c| c.hosts.iter().cloned())
            .collect();
    }
    if category == Category::Fingerprinting {
        for script in report.fingerprinting.iter().filter(|s| s.detected()) {
            let owner = script.company.clone().unwrap_or_else(|| script.host.clone());
            if !companies.contains(&owner) {
                companies.push(owner);
            }
            if !evidence.contains(&script.script) {
                evidence.push(script.script.clone());
            }
        }
    }
    (!companies.is_empty()).then(|| Violation {
        rule: "fail-on".into(),
        message: format!("{name}: {}", companies.join(", ")),
        evidence,
    })
}

fn category_names() -> String {
    let mut names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    names.push(SENSITIVE_TO_ADVERTISERS);
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FingerprintScript, Leak, TrackingRequest};
    use tracklens::report::FingerprintVerdict;

    fn request(url: &str, category: &str, blocked: bool) -> TrackingRequest {
        TrackingRequest {
            url: url.into(),
            host: "t.example".into(),
            company: Some("T".into()),
            categories: vec![category.into()],
            before_consent: true,
            blocked,
        }
    }

    fn script(level: &str, company: Option<&str>) -> FingerprintScript {
        FingerprintScript {
            script: format!("https://cdn.example/{level}.js"),
            host: "cdn.example".into(),
            company: company.map(str::to_owned),
            usage: serde_json::Value::Null,
            verdict: FingerprintVerdict { score: 70, level: level.into(), techniques: vec![], reasons: vec![] },
        }
    }

    #[test]
    fn fingerprinting_trips_on_a_scored_script_whatever_its_company_category() {
        let policy = Policy { fail_on: vec![Category::Fingerprinting], ..Policy::default() };
        let mut report = PageReport::new("https://news.example/", "extension");
        report.fingerprinting = vec![script("low", Some("Shop")), script("high", None)];
        policy.check(&mut report);
        assert_eq!(report.violations.len(), 1);
        assert_eq!(report.violations[0].message, "fingerprinting: cdn.example", "the low-level script is not counted");
        assert_eq!(report.violations[0].evidence, ["https://cdn.example/high.js"]);
        report.fingerprinting = vec![script("low", Some("Shop"))];
        policy.check(&mut report);
        assert!(report.violations.is_empty());
    }

    #[test]
    fn blocked_requests_are_no_evidence() {
        let policy =
            Policy { fail_on: vec![Category::Advertising], no_tracking_before_consent: true, ..Policy::default() };
        let mut report = PageReport::new("https://news.example/", "extension");
        report.companies = vec![crate::report::Company {
            name: "T".into(),
            tracker: true,
            categories: vec!["advertising".into()],
            ..Default::default()
        }];
        report.tracking_requests = vec![request("https://t.example/ad", "advertising", true)];
        policy.check(&mut report);
        assert!(report.violations.is_empty(), "{:?}", report.violations);
        report.tracking_requests.push(request("https://t.example/ad2", "advertising", false));
        policy.check(&mut report);
        let rules: Vec<&str> = report.violations.iter().map(|v| v.rule.as_str()).collect();
        assert_eq!(rules, ["fail-on", "no-tracking-before-consent"]);
        assert!(report.violations.iter().all(|v| v.evidence == ["https://t.example/ad2"]));
    }

    #[test]
    fn keylogging_fails_on_typed_text_sent_and_the_file_key_is_read() {
        let mut report = PageReport::new("https://news.example/", "extension");
        let policy = Policy { no_keylogging: true, ..Policy::default() };
        policy.check(&mut report);
        assert!(report.violations.is_empty());
        report.leaks = vec![Leak {
            field: "email".into(),
            host: "rec.example".into(),
            company: None,
            encoding: "sha256".into(),
            location: "body".into(),
        }];
        policy.check(&mut report);
        assert_eq!(report.violations[0].rule, "no-keylogging");
        assert_eq!(report.violations[0].evidence, ["email -> rec.example (sha256, in the body)"]);
        let from_json: Policy = serde_json::from_str(r#"{"noKeylogging": true}"#).unwrap();
        assert!(from_json.no_keylogging);
    }
}
