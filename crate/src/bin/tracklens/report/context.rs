//! The report's `context` section as the terminal and HTML show it. The section itself (what
//! the page is about, and on a sensitive page what each company received there) is the core's
//! (`tracklens::report::context`), the same the extension shows; this module only formats it.

use super::PageReport;

/// Collects a page's signals in the browser (the audit's `Runtime.evaluate`): the extension's
/// own content script, which returns them when it finds no extension API to send them to.
pub const SIGNALS_SCRIPT: &str = include_str!("../../../../../extension/content/page-signals.js");

/// The terminal lines: "Page about health (title contains 'hiv self-test'; …)" and, per
/// company, what it received.
pub fn terminal_lines(report: &PageReport) -> String {
    let Some(context) = &report.context else { return String::new() };
    let mut out = String::new();
    if let Some(label) = &context.label {
        out.push_str(&format!("\nSensitive page: about {label} ({})\n", context.evidence.join("; ")));
        for entry in &context.sensitive {
            out.push_str(&format!("  {}\n", entry.summary));
        }
    }
    if !context.topics.is_empty() {
        let topics: Vec<&str> = context.topics.iter().map(|t| t.name.as_str()).collect();
        out.push_str(&format!("Topics: {}\n", topics.join(", ")));
    }
    out
}

/// The HTML rows, page-derived text escaped.
pub fn html_section(report: &PageReport) -> String {
    let Some(context) = &report.context else { return String::new() };
    let esc = super::escape_markup;
    let mut html = String::new();
    if let Some(label) = &context.label {
        html.push_str(&format!(
            "<h3>Sensitive page: about {}</h3><p class=\"muted\">{}</p><ul>",
            esc(label),
            esc(&context.evidence.join("; "))
        ));
        for entry in &context.sensitive {
            html.push_str(&format!("<li>{}</li>", esc(&entry.summary)));
        }
        html.push_str("</ul>");
    }
    if !context.topics.is_empty() {
        let topics: Vec<&str> = context.topics.iter().map(|t| t.name.as_str()).collect();
        html.push_str(&format!("<p>Topics: {}</p>", esc(&topics.join(", "))));
    }
    html
}
