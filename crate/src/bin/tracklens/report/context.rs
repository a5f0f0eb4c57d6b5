//! The report's `context` section as the terminal and HTML show it. The section itself (what
//! the page is about, and on a sensitive page what each company received there) is the core's
//! (`tracklens::report::context`), the same the extension shows; this module only formats it.

use super::PageReport;

/// Collects a page's signals in the browser (the audit's `Runtime.evaluate`; the extension's
/// content script does the same): bounded, read-only, returns plain JSON.
pub const SIGNALS_SCRIPT: &str = r#"(() => {
  const cut = (s, n) => String(s == null ? '' : s).slice(0, n);
  const meta = (n) => { const e = document.querySelector(`meta[name="${n}"],meta[property="${n}"]`); return e ? cut(e.getAttribute('content'), 1000) : ''; };
  const types = [];
  const walk = (v, d) => {
    if (!v || d > 8 || types.length >= 32 || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.slice(0, 64).forEach((x) => walk(x, d + 1)); return; }
    const t = v['@type'];
    (Array.isArray(t) ? t : [t]).forEach((x) => { if (typeof x === 'string' && types.length < 32) types.push(x.slice(0, 100)); });
    Object.values(v).forEach((x) => walk(x, d + 1));
  };
  for (const s of Array.from(document.querySelectorAll('script[type="application/ld+json"]')).slice(0, 16)) {
    try { walk(JSON.parse(cut(s.textContent, 65536)), 0); } catch (e) { /* a broken block says nothing */ }
  }
  return {
    url: location.href, title: cut(document.title, 1000),
    description: meta('description'), keywords: meta('keywords'),
    ogTitle: meta('og:title'), ogDescription: meta('og:description'),
    headings: Array.from(document.querySelectorAll('h1,h2,h3')).slice(0, 24).map((h) => cut(h.textContent.trim(), 1000)),
    schemaTypes: types,
    text: cut(document.body ? document.body.innerText : '', 20000),
  };
})()"#;

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
