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
    let _ = write!(html, "<h2 class=\"url\">{url}</h2>");
    if let Some(protection) = &report.protection {
        let text = match (protection.mode.as_str(), protection.gpc) {
            ("on", _) => "on: the extension's defaults (what a TrackLens user gets)",
            (_, true) => "off: observing, only Global Privacy Control sent",
            _ => "off: observing, nothing blocked or changed",
        };
        let _ = write!(html, "<p>TrackLens protection {}</p>", esc(text));
    }
    html.push_str(&super::context::html_section(report));
    html.push_str(
        "<table><tr><th>Company</th><th>Purposes</th><th>Hosts</th><th>Its requests carried</th><th>Why</th></tr>",
    );
    for company in &report.companies {
        let name = if company.tracker { format!("<b>{}</b>", esc(&company.name)) } else { esc(&company.name) };
        let sent: Vec<String> = company.sent.iter().map(|p| format!("{} ({})", p.name, p.meaning)).collect();
        let _ = write!(
            html,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            esc(&company.categories.join(", ")),
            esc(&company.hosts.join(", ")),
            esc(&sent.join(", ")),
            esc(&company.reasons.join(" / "))
        );
    }
    html.push_str("</table>");
    transparency(html, report);
    if !report.cookies.is_empty() || !report.storage.is_empty() {
        html.push_str("<h3>Cookies and storage</h3><table><tr><th>Name</th><th>Where</th><th>Purpose</th><th>Lifetime</th><th>Why</th></tr>");
        for cookie in report.cookies.iter().chain(&report.storage) {
            let mut lifetime = cookie.lifetime_days.map_or("session".to_owned(), |d| format!("{d} days"));
            if cookie.partitioned {
                lifetime.push_str(", partitioned: kept to this site");
            }
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

/// Fingerprinting scripts, typed text sent before submit, the consent banner, and the trackers
/// that ignored the refusal.
fn transparency(html: &mut String, report: &PageReport) {
    let scripts = report.fingerprinting.iter().map(|s| {
        let owner = s.company.clone().unwrap_or_else(|| s.host.clone());
        let level = format!("{} ({}/100)", s.verdict.level, s.verdict.score);
        vec![owner, s.script.clone(), level, s.verdict.techniques.join(", "), s.verdict.reasons.join(" / ")]
    });
    table(html, "Fingerprinting", &["Company", "Script", "Level", "Techniques", "Why"], scripts);
    let leaks = report.leaks.iter().map(|l| {
        vec![
            l.field.clone(),
            l.host.clone(),
            l.company.clone().unwrap_or_default(),
            l.encoding.clone(),
            l.location.clone(),
        ]
    });
    table(html, "Typed text sent before submit", &["Field", "To", "Company", "As", "In the"], leaks);
    if let Some(declined) = &report.declined {
        let auto = if declined.auto == Some(true) { " automatically" } else { "" };
        let _ = write!(
            html,
            "<p>Consent banner: {} {}{auto}</p>",
            esc(declined.cmp.as_deref().unwrap_or("unknown platform")),
            esc(declined.status.as_deref().unwrap_or("found"))
        );
    }
    let ignored = report
        .ignored_refusal
        .iter()
        .map(|c| vec![c.company.clone(), c.requests.to_string(), c.cookies.join(", "), c.refusals.join(", ")]);
    table(html, "Ignored the refusal", &["Company", "Requests", "Identifier cookies", "After"], ignored);
}

/// A titled table of text cells, every cell escaped; nothing when there are no rows.
fn table(html: &mut String, title: &str, headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let mut body = String::new();
    for row in rows {
        body.push_str("<tr>");
        for cell in row {
            let _ = write!(body, "<td>{}</td>", esc(&cell));
        }
        body.push_str("</tr>");
    }
    if body.is_empty() {
        return;
    }
    let _ = write!(html, "<h3>{}</h3><table><tr>", esc(title));
    for header in headers {
        let _ = write!(html, "<th>{}</th>", esc(header));
    }
    let _ = write!(html, "</tr>{body}</table>");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Declined, FingerprintScript, Leak};
    use tracklens::report::FingerprintVerdict;

    #[test]
    fn page_derived_text_of_the_new_sections_is_escaped() {
        let hostile = "<img src=x onerror=alert(1)>";
        let mut report = PageReport::new("https://news.example/", "extension");
        report.fingerprinting = vec![FingerprintScript {
            script: format!("https://cdn.example/{hostile}"),
            host: "cdn.example".into(),
            company: None,
            usage: serde_json::Value::Null,
            verdict: FingerprintVerdict {
                score: 90,
                level: "high".into(),
                techniques: vec!["canvas".into()],
                reasons: vec![hostile.into()],
            },
        }];
        report.leaks = vec![Leak {
            field: hostile.into(),
            host: "rec.example".into(),
            company: None,
            encoding: "plain".into(),
            location: "url".into(),
        }];
        report.declined = Some(Declined { cmp: Some(hostile.into()), ..Declined::default() });
        let html = render(&[report]);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("<h3>Typed text sent before submit</h3>"));
    }
}
