//! JUnit XML for CI dashboards: one test case per page; a policy violation is a failure, a page
//! that could not be audited an error.

use super::{escape_markup, PageReport, Status};
use std::fmt::Write;

/// Markup-escaped text with every character XML 1.0 forbids (C0 controls but tab, newline and
/// carriage return; surrogates; U+FFFE and U+FFFF) replaced by U+FFFD: page-derived text must not
/// make the file ill-formed, which CI dashboards then refuse whole.
fn esc(text: &str) -> String {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    escape_markup(&text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect::<String>())
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn characters_xml_forbids_are_replaced() {
        assert_eq!(
            super::esc("a\u{FFFE}b\u{FFFF}c\u{0}\u{1b}d\te<&>"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFD}d\te&lt;&amp;&gt;"
        );
        assert_eq!(super::esc("emoji 🎉 ok"), "emoji 🎉 ok");
    }
}
