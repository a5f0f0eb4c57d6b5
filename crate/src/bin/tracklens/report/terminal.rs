//! The terminal summary: per page, who the page sent data to and why, what it collected
//! (named parameters, fingerprinting, typed text), cookies and storage by purpose, consent, what
//! left before consent, who ignored a refusal, and the policy verdict.

use super::{PageReport, Status};
use std::fmt::Write;

/// Display order of cookie purposes: what tracks first, what the site needs last
/// (COOKIE_PURPOSE_ORDER in extension/shared/tab-report.js).
const PURPOSE_ORDER: &[&str] =
    &["advertising", "analytics", "personalization", "social", "unknown", "preferences", "security", "necessary"];

/// `text` safe to print on a terminal: a URL or a cookie name from a page can hold ESC, OSC or
/// BEL sequences that would rewrite the tester's terminal (set its title, hide lines, fake
/// output). Control characters other than newline and tab, C0 and C1 alike, are shown escaped
/// (`\u{1b}`) instead.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars().map(|c| if unsafe_char(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}

pub fn page(report: &PageReport) -> String {
    let mut out = String::new();
    let line = &mut out;
    let url = report.final_url.as_deref().unwrap_or(&report.url);
    if report.status == Status::Failed {
        let _ = writeln!(line, "FAILED {url}: {}", report.error.as_deref().unwrap_or("unknown error"));
        return out;
    }
    let trackers = report.trackers().count();
    let _ = writeln!(line, "TrackLens audit of {url}");
    let _ = writeln!(
        line,
        "  {} requests, {} to {} third-party sites; {trackers} tracking {}",
        report.requests,
        report.third_party_requests,
        report.third_party_sites.len(),
        if trackers == 1 { "company" } else { "companies" }
    );
    if let Some(protection) = &report.protection {
        let _ = writeln!(line, "  TrackLens protection {}", protection_text(protection));
    }
    line.push_str(&super::context::terminal_lines(report));
    for (title, tracking) in [("Tracking", true), ("Not tracking", false)] {
        let group: Vec<_> = report.companies.iter().filter(|c| c.tracker == tracking).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(line, "\n{title}:");
        for company in group {
            let parent = company.parent.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            let _ = writeln!(line, "  {}{parent}: {}", company.name, company.categories.join(", "));
            let plural = if company.requests == 1 { "" } else { "s" };
            let _ = writeln!(line, "    {} request{plural} to {}", company.requests, company.hosts.join(", "));
            if !company.cookies_sent.is_empty() {
                let _ = writeln!(line, "    cookies sent to it: {}", company.cookies_sent.join(", "));
            }
            if !company.cookies_set.is_empty() {
                let _ = writeln!(line, "    cookies it set: {}", company.cookies_set.join(", "));
            }
            if !company.sent.is_empty() {
                let sent: Vec<String> = company.sent.iter().map(|p| format!("{} ({})", p.name, p.meaning)).collect();
                let _ = writeln!(line, "    its requests carried: {}", sent.join(", "));
            }
            let blocked =
                report.tracking_requests.iter().filter(|r| r.blocked && r.company.as_ref() == Some(&company.name));
            let blocked = blocked.count();
            if blocked > 0 {
                let _ = writeln!(line, "    blocked: {blocked} of its requests never left the browser");
            }
            for reason in &company.reasons {
                let _ = writeln!(line, "    why: {reason}");
            }
        }
    }
    transparency(line, report);
    if !report.unknown_third_parties.is_empty() {
        let hosts: Vec<&str> = report.unknown_third_parties.iter().map(|u| u.host.as_str()).collect();
        let _ = writeln!(line, "\nThird parties not in the knowledge base: {}", hosts.join(", "));
    }
    let all: Vec<_> = report.cookies.iter().chain(&report.storage).collect();
    if !all.is_empty() {
        let _ = writeln!(line, "\nCookies and storage, by purpose:");
        let rank = |p: &str| PURPOSE_ORDER.iter().position(|x| *x == p).unwrap_or(PURPOSE_ORDER.len());
        let mut purposes: Vec<&str> = all.iter().map(|c| c.purpose.as_str()).collect();
        purposes.sort_by_key(|p| (rank(p), *p));
        purposes.dedup();
        for purpose in purposes {
            let mut items: Vec<String> = all
                .iter()
                .filter(|c| c.purpose == purpose)
                .map(|c| {
                    let mut notes = vec![c.domain.clone()];
                    notes.extend(c.vendor.clone());
                    if c.identifier {
                        notes.push("identifier".into());
                    }
                    if let Some(days) = c.lifetime_days {
                        notes.push(format!("{days} days"));
                    }
                    if c.partitioned {
                        notes.push("partitioned: kept to this site".into());
                    }
                    format!("{} ({})", c.name, notes.join(", "))
                })
                .collect();
            items.sort();
            let _ = writeln!(line, "  {purpose}: {}", items.join("; "));
        }
    }
    if let Some(consent) = &report.consent {
        let text = consent["summary"].as_str().or(consent["error"].as_str()).unwrap_or("present");
        let _ = writeln!(line, "\nConsent: {text}");
    }
    let early = report.tracking_requests.iter().filter(|r| r.before_consent).count();
    let choice = if report.consent_clicked {
        format!("before the visitor's {}", report.consent_action)
    } else {
        "with no consent choice made".into()
    };
    let _ = writeln!(line, "\n{early} tracking requests {choice}");
    if let Some(gpc) = report.gpc.extension.or(report.gpc.header).or(report.gpc.navigator) {
        let _ = writeln!(line, "Global Privacy Control: {}", if gpc { "sent" } else { "not sent" });
    }
    for violation in &report.violations {
        let _ = writeln!(line, "\nPOLICY VIOLATED ({}): {}", violation.rule, violation.message);
        for item in violation.evidence.iter().take(20) {
            let _ = writeln!(line, "    {item}");
        }
        if violation.evidence.len() > 20 {
            let _ = writeln!(line, "    ... and {} more", violation.evidence.len() - 20);
        }
    }
    out
}

/// What the protection did, in words.
fn protection_text(protection: &super::Protection) -> String {
    match protection.mode.as_str() {
        "on" => format!("on (its defaults, {} rules in effect)", protection.rules.unwrap_or(0)),
        _ if protection.gpc => "off (observing; only Global Privacy Control sent)".to_owned(),
        _ => "off (observing: nothing blocked or changed)".to_owned(),
    }
}

/// Fingerprinting scripts, typed text sent before submit, the consent banner the extension found,
/// and the trackers that ignored the visitor's refusal.
fn transparency(line: &mut String, report: &PageReport) {
    if !report.fingerprinting.is_empty() {
        let _ = writeln!(line, "\nFingerprinting:");
        for script in &report.fingerprinting {
            let owner = script.company.as_deref().unwrap_or(&script.host);
            let verdict = &script.verdict;
            let _ = writeln!(
                line,
                "  {owner}: {} ({}/100) {}: {}",
                verdict.level,
                verdict.score,
                script.script,
                verdict.techniques.join(", ")
            );
            for reason in &verdict.reasons {
                let _ = writeln!(line, "    why: {reason}");
            }
        }
    }
    if !report.leaks.is_empty() {
        let _ = writeln!(line, "\nTyped text sent before submit:");
        for leak in &report.leaks {
            let owner = leak.company.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let _ =
                writeln!(line, "  {} to {}{owner}, {} in the {}", leak.field, leak.host, leak.encoding, leak.location);
        }
    }
    if let Some(declined) = &report.declined {
        let how = match declined.auto {
            Some(true) => ", automatically",
            Some(false) => ", waiting for a click",
            None => "",
        };
        let _ = writeln!(
            line,
            "\nConsent banner: {} {}{how}",
            declined.cmp.as_deref().unwrap_or("unknown platform"),
            declined.status.as_deref().unwrap_or("found")
        );
    }
    if !report.ignored_refusal.is_empty() {
        let _ = writeln!(line, "\nIgnored the refusal:");
        for company in &report.ignored_refusal {
            let _ = writeln!(
                line,
                "  {}: {} requests, identifier cookies {} after {}",
                company.company,
                company.requests,
                company.cookies.join(", "),
                company.refusals.join(", ")
            );
        }
    }
}

/// One closing line over every page.
pub fn totals(reports: &[PageReport]) -> String {
    let failed = reports.iter().filter(|r| r.status == Status::Failed).count();
    let violating = reports.iter().filter(|r| !r.violations.is_empty()).count();
    format!("{} pages audited, {failed} failed, {violating} violating the policy", reports.len())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_from_pages_are_shown_escaped() {
        let hostile = "https://a.example/\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m?x=1\nnext\tcol";
        assert_eq!(printable(hostile), "https://a.example/\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m?x=1\nnext\tcol");
        assert!(matches!(printable("plain ünïcode"), std::borrow::Cow::Borrowed(_)));
    }
}
