//! JUnit XML for CI dashboards: one test case per page; a policy violation is a failure, a page
//! that could not be audited an error.

use super::{escape_markup as esc, PageReport, Status};
use std::fmt::Write;

pub fn render(reports: &[PageReport]) -> String {
    let failures = reports.iter().filter(|r| r.status == Status::Ok && !r.violations.is_empty()).count();
    let errors = reports.iter().filter(|r| r.status == Status::Failed).count();
    let seconds: f64 = reports.iter().map(|r| r.timing.total_ms / 1000.0).sum();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite name=\"tracklens audit\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">\n",
        reports.len()
    );
    for report in reports {
        let name = esc(report.final_url.as_deref().unwrap_or(&report.url));
        let _ = write!(
            xml,
            "  <testcase classname=\"tracklens.policy\" name=\"{name}\" time=\"{:.3}\">",
            report.timing.total_ms / 1000.0
        );
        if report.status == Status::Failed {
            let error = esc(report.error.as_deref().unwrap_or("unknown error"));
            let _ = write!(xml, "<error message=\"{error}\"/>");
        }
        for violation in &report.violations {
            let evidence: Vec<String> = violation.evidence.iter().map(|e| esc(e)).collect();
            let _ = write!(
                xml,
                "<failure type=\"{}\" message=\"{}\">{}</failure>",
                esc(&violation.rule),
                esc(&violation.message),
                evidence.join("\n")
            );
        }
        xml.push_str("</testcase>\n");
    }
    xml.push_str("</testsuite></testsuites>\n");
    xml
}
