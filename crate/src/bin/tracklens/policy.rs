//! CI policies over an audit report: purposes that must not appear, a ceiling on third-party
//! sites, and no tracking before the visitor's consent. A policy file is JSON (serde_json is
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
}

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
            let name = category.as_str();
            let companies: Vec<&str> = report
                .companies
                .iter()
                .filter(|c| c.categories.iter().any(|x| x == name))
                .map(|c| c.name.as_str())
                .collect();
            if companies.is_empty() {
                continue;
            }
            let mut evidence: Vec<String> = report
                .tracking_requests
                .iter()
                .filter(|r| r.categories.iter().any(|x| x == name))
                .map(|r| r.url.clone())
                .collect();
            if evidence.is_empty() {
                // Non-tracking purposes (cdn, consent) have no listed requests: name the hosts.
                evidence = report
                    .companies
                    .iter()
                    .filter(|c| companies.contains(&c.name.as_str()))
                    .flat_map(|c| c.hosts.iter().cloned())
                    .collect();
            }
            report.violations.push(Violation {
                rule: "fail-on".into(),
                message: format!("{name}: {}", companies.join(", ")),
                evidence,
            });
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
            let early: Vec<String> =
                report.tracking_requests.iter().filter(|r| r.before_consent).map(|r| r.url.clone()).collect();
            if !early.is_empty() {
                report.violations.push(Violation {
                    rule: "no-tracking-before-consent".into(),
                    message: format!("{} tracking requests before any consent choice", early.len()),
                    evidence: early,
                });
            }
        }
    }
}

fn category_names() -> String {
    Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
}
