//! A self-contained HTML report: inline CSS and SVG charts, no script and no external resource,
//! so it can be attached to an article or a bug. Every page-derived string is escaped.

use super::{escape_markup as esc, PageReport, Status};
use std::collections::BTreeMap;
use std::fmt::Write;

const STYLE: &str =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:62em;padding:0 1em;color:#1b1b1f}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #eee;padding:.3em .5em;text-align:left;vertical-align:top}\
.bad{color:#a40000}.muted{color:#666}.url{word-break:break-all}svg text{font:12px system-ui,sans-serif}";

pub fn render(reports: &[PageReport]) -> String {
    let ok: Vec<&PageReport> = reports.iter().filter(|r| r.status == Status::Ok).collect();
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TrackLens audit</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>\
         <h1>TrackLens audit</h1><p>{} pages audited ({} failed) with {}. Report schema {}.</p>",
        reports.len(),
        reports.len() - ok.len(),
        esc(reports.first().map_or("tracklens", |r| r.tool.as_str())),
        super::SCHEMA
    );

    // Tracking companies per purpose, across every page (each company counted once per purpose).
    let mut per_purpose: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // Company reach: on how many pages each company was present.
    let mut reach: BTreeMap<&str, usize> = BTreeMap::new();
    for report in &ok {
        for company in &report.companies {
            *reach.entry(company.name.as_str()).or_default() += 1;
            if company.tracker {
                for category in &company.categories {
                    let names = per_purpose.entry(category.as_str()).or_default();
                    if !names.contains(&company.name.as_str()) {
                        names.push(company.name.as_str());
                    }
                }
            }
        }
    }
    let mut purposes: Vec<(String, usize)> = per_purpose.iter().map(|(p, n)| (p.to_string(), n.len())).collect();
    purposes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut companies: Vec<(String, usize)> = reach.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    companies.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    companies.truncate(25);
    html.push_str("<h2>Tracking companies per purpose</h2>");
    html.push_str(&bar_chart(&purposes, "companies"));
    html.push_str("<h2>Company reach</h2>");
    html.push_str(&bar_chart(&companies, &format!("of {} pages", ok.len())));

    html.push_str("<h2>Pages</h2><table><tr><th>Page</th><th>Trackers</th><th>Third-party sites</th><th>Cookies</th><th>Tracking before consent</th><th>Policy</th></tr>");
    for report in reports {
        let url = esc(report.final_url.as_deref().unwrap_or(&report.url));
        if report.status == Status::Failed {
            let error = esc(report.error.as_deref().unwrap_or(""));
            let _ = write!(
                html,
                "<tr><td class=\"url\">{url}</td><td colspan=\"5\" class=\"bad\">failed: {error}</td></tr>"
            );
            continue;
        }
        let early = report.tracking_requests.iter().filter(|r| r.before_consent).count();
        let policy = if report.violations.is_empty() {
            "pass".to_owned()
        } else {
            let rules: Vec<String> = report.violations.iter().map(|v| esc(&v.rule)).collect();
            format!("<span class=\"bad\">{}</span>", rules.join(", "))
        };
        let _ = write!(
            html,
            "<tr><td class=\"url\">{url}</td><td>{}</td><td>{}</td><td>{}</td><td>{early}</td><td>{policy}</td></tr>",
            report.trackers().count(),
            report.third_party_sites.len(),
            report.cookies.len()
        );
    }
    html.push_str("</table>");
    for report in &ok {
        page_section(&mut html, report);
    }
    html.push_str("</body></html>\n");
    html
}

fn page_section(html: &mut String, report: &PageReport) {
    let url = esc(report.final_url.as_deref().unwrap_or(&report.url));
    let _ = write!(
        html,
        "<h2 class=\"url\">{url}</h2><table><tr><th>Company</th><th>Purposes</th><th>Hosts</th><th>Why</th></tr>"
    );
    for company in &report.companies {
        let name = if company.tracker { format!("<b>{}</b>", esc(&company.name)) } else { esc(&company.name) };
        let _ = write!(
            html,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            esc(&company.categories.join(", ")),
            esc(&company.hosts.join(", ")),
            esc(&company.reasons.join(" / "))
        );
    }
    html.push_str("</table>");
    if !report.cookies.is_empty() || !report.storage.is_empty() {
        html.push_str("<h3>Cookies and storage</h3><table><tr><th>Name</th><th>Where</th><th>Purpose</th><th>Lifetime</th><th>Why</th></tr>");
        for cookie in report.cookies.iter().chain(&report.storage) {
            let lifetime = cookie.lifetime_days.map_or("session".to_owned(), |d| format!("{d} days"));
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{lifetime}</td><td class=\"muted\">{}</td></tr>",
                esc(&cookie.name),
                esc(&cookie.domain),
                esc(&cookie.purpose),
                esc(&cookie.reason)
            );
        }
        html.push_str("</table>");
    }
    if let Some(summary) = report.consent.as_ref().and_then(|c| c["summary"].as_str()) {
        let _ = write!(html, "<p>Consent string: {}</p>", esc(summary));
    }
    for violation in &report.violations {
        let _ = write!(
            html,
            "<p class=\"bad\">Policy violated ({}): {}</p><ul>",
            esc(&violation.rule),
            esc(&violation.message)
        );
        for item in violation.evidence.iter().take(50) {
            let _ = write!(html, "<li class=\"url\">{}</li>", esc(item));
        }
        html.push_str("</ul>");
    }
}

/// A horizontal bar chart as inline SVG, one bar per (label, count).
fn bar_chart(items: &[(String, usize)], unit: &str) -> String {
    if items.is_empty() {
        return "<p class=\"muted\">None.</p>".to_owned();
    }
    let (row, label_width, bar_width) = (22, 170, 380);
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let height = items.len() * row + 4;
    let mut svg = format!(
        "<svg role=\"img\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        label_width + bar_width + 120,
        label_width + bar_width + 120
    );
    for (i, (label, count)) in items.iter().enumerate() {
        let y = i * row;
        let width = (count * bar_width / max).max(2);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_width}\" y=\"{}\" width=\"{width}\" height=\"{}\" fill=\"#3b6fb6\"/>\
             <text x=\"{}\" y=\"{}\">{count} {}</text>",
            label_width - 6,
            y + 15,
            esc(label),
            y + 3,
            row - 6,
            label_width + width + 6,
            y + 15,
            esc(unit)
        );
    }
    svg.push_str("</svg>");
    svg
}
