//! One HAR entry, read leniently from its JSON value into what an analysis needs.

use super::pruned::Raw;
use super::Warnings;
use crate::cookies;
use crate::dates;
use std::fmt;

/// The request headers an entry keeps (lower case): the rest (user agent, accept, pseudo-headers
/// of HTTP/2...) says nothing about tracking and would only cost memory.
const REQUEST_HEADERS: &[&str] = &["cookie", "referer", "origin", "sec-gpc"];
/// The response headers an entry keeps.
/// How much of an HTML body is kept: the page-context reader looks at no more than this.
pub const MAX_HTML_BYTES: usize = 64 * 1024;
const RESPONSE_HEADERS: &[&str] = &["set-cookie", "location", "date", "content-type"];

/// One request and its response, as the archive recorded them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Position in `log.entries` (skipped entries counted), for messages.
    pub index: usize,
    pub pageref: Option<String>,
    /// `startedDateTime` in Unix seconds.
    pub started: Option<i64>,
    pub method: String,
    pub url: String,
    /// The recorder's resource type (Chrome's `_resourceType`, WebPageTest's `_request_type`).
    pub resource_type: Option<String>,
    pub status: Option<i64>,
    /// `response.content.mimeType`, without parameters, lower case.
    pub mime_type: Option<String>,
    /// The response body when it is HTML kept as text (the page's own document gives its
    /// context), at most [`MAX_HTML_BYTES`]; other bodies are never kept.
    pub html: Option<String>,
    /// `response.redirectURL`, when not empty.
    pub redirect_url: Option<String>,
    /// Chromium's `response._error` (`net::ERR_BLOCKED_BY_CLIENT`).
    pub error: Option<String>,
    pub request_headers: Vec<Header>,
    pub response_headers: Vec<Header>,
    pub request_cookies: Vec<Cookie>,
    pub response_cookies: Vec<Cookie>,
}

/// A kept header; the name in lower case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A cookie of the recorder's structured `cookies[]` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: Option<String>,
    pub path: Option<String>,
    /// Unix seconds (from an ISO 8601 string, a cookie-date, or a number of seconds).
    pub expires: Option<i64>,
    pub http_only: bool,
    pub secure: bool,
}

/// A cookie a request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// The structured list's `domain`, when the recorder gave one.
    pub domain: Option<&'a str>,
}

impl Entry {
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers.iter().find(|h| h.name == name).map(|h| h.value.as_str())
    }

    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers.iter().find(|h| h.name == name).map(|h| h.value.as_str())
    }

    /// The cookies the request carried: the recorder's list, or when it is empty (WebPageTest,
    /// Browsertime and chrome-har often leave it so) the `Cookie` header.
    pub fn cookies_sent(&self) -> Vec<SentCookie<'_>> {
        if !self.request_cookies.is_empty() {
            return self
                .request_cookies
                .iter()
                .map(|c| SentCookie { name: &c.name, value: &c.value, domain: c.domain.as_deref() })
                .collect();
        }
        self.request_headers
            .iter()
            .filter(|h| h.name == "cookie")
            .flat_map(|h| cookies::cookie_pairs(&h.value))
            .map(|(name, value)| SentCookie { name, value, domain: None })
            .collect()
    }

    /// The cookies the response set, with their lifetimes. The `Set-Cookie` headers are what the
    /// server sent, every attribute included, so they are read when present; the structured
    /// list otherwise. Lifetimes count from the response's `Date`, else the entry's start.
    pub fn cookies_set(&self) -> Vec<cookies::SetCookie<'_>> {
        let now = self.response_time();
        let from_headers: Vec<cookies::SetCookie<'_>> = self
            .response_headers
            .iter()
            .filter(|h| h.name == "set-cookie")
            // Chrome and Firefox join several Set-Cookie lines of one response with newlines.
            .flat_map(|h| h.value.lines())
            .filter_map(cookies::parse_set_cookie)
            .collect();
        if !from_headers.is_empty() {
            return from_headers;
        }
        self.response_cookies
            .iter()
            .map(|c| cookies::SetCookie {
                name: &c.name,
                value: &c.value,
                domain: c.domain.as_deref(),
                path: c.path.as_deref(),
                // The list has an absolute expiry; as a Max-Age it keeps one code path.
                max_age: c.expires.and_then(|at| Some(at - now?)),
                expires: c.expires,
                secure: c.secure,
                http_only: c.http_only,
                same_site: None,
            })
            .collect()
    }

    /// When the response arrived, in Unix seconds: its `Date` header, else the entry's start.
    /// Cookie lifetimes count from here.
    pub fn response_time(&self) -> Option<i64> {
        self.response_header("date").and_then(dates::cookie_date).or(self.started)
    }

    /// Where a redirect goes: `redirectURL`, or the `Location` header, resolved against the URL.
    pub fn redirect_target(&self) -> Option<String> {
        if !(300..400).contains(&self.status?) {
            return None;
        }
        let location = self.redirect_url.as_deref().or_else(|| self.response_header("location"))?;
        resolve(&self.url, location)
    }

    /// The resource type in Chrome's devtools vocabulary: the recorder's, else guessed from the
    /// response's MIME type (Firefox, Safari, Charles and Fiddler record none).
    pub fn resource_type_or_guess(&self) -> Option<&str> {
        if let Some(kind) = self.resource_type.as_deref() {
            return Some(kind);
        }
        let mime = self.mime_type.as_deref()?;
        Some(match mime {
            "text/html" | "application/xhtml+xml" => "document",
            m if m.contains("javascript") || m.contains("ecmascript") => "script",
            "text/css" => "stylesheet",
            m if m.starts_with("image/") => "image",
            m if m.starts_with("font/") || m.contains("font-woff") => "font",
            m if m.starts_with("video/") || m.starts_with("audio/") => "media",
            _ => return None,
        })
    }
}

/// `location` resolved against `base` (absolute, scheme-relative, or path): enough for the
/// redirects of a page's document, which is all it is used for.
fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if let Some(scheme_end) = location.find("://").filter(|_| is_http(location)) {
        // `http://host` and `http://host/` are one address; browsers record the second.
        let bare = !location[scheme_end + 3..].contains(['/', '?', '#']);
        return Some(if bare { format!("{location}/") } else { location.to_owned() });
    }
    let scheme_end = base.find("://")?;
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{}//{rest}", &base[..=scheme_end]));
    }
    let authority_end = base[scheme_end + 3..].find('/').map_or(base.len(), |at| scheme_end + 3 + at);
    if location.starts_with('/') {
        return Some(format!("{}{location}", &base[..authority_end]));
    }
    let path = &base[authority_end..];
    let directory = path.split(['?', '#']).next().unwrap_or("").rfind('/').map_or("/", |at| &path[..=at]);
    Some(format!("{}{directory}{location}", &base[..authority_end]))
}

pub(super) fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `path.list[at]`: where an item of a list is, written out only for a warning.
#[derive(Clone, Copy)]
struct Item<'a>(&'a str, &'static str, usize);

impl fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}[{}]", self.0, self.1, self.2)
    }
}

/// Reads fields of one entry, noting what it skips with the path.
struct Reader<'w> {
    index: usize,
    warnings: &'w mut Warnings,
}

impl Reader<'_> {
    /// Paths are written out only for a warning: building them for every field read was a
    /// tenth of the reading time.
    fn warn(&mut self, path: impl fmt::Display, message: impl FnOnce() -> String) {
        let index = self.index;
        let path = move || match path.to_string() {
            path if path.is_empty() => format!("log.entries[{index}]"),
            path => format!("log.entries[{index}].{path}"),
        };
        self.warnings.push(path, message);
    }

    /// An optional text field: absent or null is fine, another shape a warning.
    fn text(&mut self, object: &Raw, key: &str, path: impl fmt::Display) -> Option<String> {
        match object.get(key)? {
            Raw::Null => None,
            value => value.text().or_else(|| {
                self.warn(path, || format!("expected text, found {}", value.kind()));
                None
            }),
        }
    }

    fn object<'v>(&mut self, object: &'v Raw<'v>, key: &str, path: impl fmt::Display) -> Option<&'v Raw<'v>> {
        match object.get(key)? {
            Raw::Null => None,
            value @ Raw::Object(_) => Some(value),
            value => {
                self.warn(path, || format!("expected an object, found {}", value.kind()));
                None
            }
        }
    }

    fn list<'v>(&mut self, object: &'v Raw<'v>, key: &str, path: impl fmt::Display) -> &'v [Raw<'v>] {
        match object.get(key) {
            None | Some(Raw::Null) => &[],
            Some(Raw::List(items)) => items,
            Some(value) => {
                self.warn(path, || format!("expected a list, found {}", value.kind()));
                &[]
            }
        }
    }

    fn headers(&mut self, object: &Raw, path: &str, keep: &[&str]) -> Vec<Header> {
        let mut kept = Vec::new();
        for (at, header) in self.list(object, "headers", format_args!("{path}.headers")).iter().enumerate() {
            let (Some(Raw::Str(name)), value) = (header.get("name"), header.get("value")) else {
                self.warn(format_args!("{path}.headers[{at}]"), || "no name: header skipped".to_owned());
                continue;
            };
            let Some(wanted) = keep.iter().find(|k| k.eq_ignore_ascii_case(name)) else { continue };
            match value.and_then(Raw::text) {
                Some(value) => kept.push(Header { name: (*wanted).to_owned(), value }),
                None => self.warn(format_args!("{path}.headers[{at}].value"), || "not text: header skipped".to_owned()),
            }
        }
        kept
    }

    fn cookies(&mut self, object: &Raw, path: &str) -> Vec<Cookie> {
        let mut cookies = Vec::new();
        for (at, cookie) in self.list(object, "cookies", format_args!("{path}.cookies")).iter().enumerate() {
            let here = Item(path, "cookies", at);
            let Some(name) = self.text(cookie, "name", format_args!("{here}.name")).filter(|n| !n.is_empty()) else {
                self.warn(here, || "no name: cookie skipped".to_owned());
                continue;
            };
            cookies.push(Cookie {
                name,
                value: self.text(cookie, "value", format_args!("{here}.value")).unwrap_or_default(),
                domain: self.text(cookie, "domain", format_args!("{here}.domain")).filter(|d| !d.is_empty()),
                path: self.text(cookie, "path", format_args!("{here}.path")).filter(|p| !p.is_empty()),
                expires: self.expires(cookie.get("expires"), here),
                http_only: cookie.get("httpOnly").and_then(Raw::as_bool).unwrap_or(false),
                secure: cookie.get("secure").and_then(Raw::as_bool).unwrap_or(false),
            });
        }
        cookies
    }

    /// `expires` as devtools write it (ISO 8601), as servers do (a cookie-date), or as a number
    /// of Unix seconds (Chrome-based recorders; a float from some; milliseconds from others).
    fn expires(&mut self, value: Option<&Raw>, here: Item) -> Option<i64> {
        let parsed = match value? {
            Raw::Null => return None,
            Raw::Str(s) if s.trim().is_empty() => return None,
            Raw::Str(s) => dates::iso8601(s).or_else(|| dates::cookie_date(s)),
            // Chrome writes -1 for a session cookie; no expiry date comes before 1971.
            Raw::Number(n) => match n.as_f64() {
                Some(seconds) if seconds <= 0.0 => return None,
                Some(ms) if ms > 1e11 => Some((ms / 1000.0) as i64),
                Some(seconds) => Some(seconds as i64),
                None => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            let found = value.map_or("nothing", Raw::kind);
            self.warn(format_args!("{here}.expires"), || format!("not a date ({found}): read as a session cookie"));
        }
        parsed
    }
}

/// Reads entry `index`; `None` (with a warning) when it has no readable request URL.
pub(super) fn read_entry(index: usize, value: &Raw, warnings: &mut Warnings) -> Option<Entry> {
    let mut reader = Reader { index, warnings };
    if !value.is_object() {
        reader.warn("", || format!("expected an object, found {}: entry skipped", value.kind()));
        return None;
    }
    let empty = Raw::Null;
    let request = reader.object(value, "request", "request").unwrap_or(&empty);
    let Some(url) = reader.text(request, "url", "request.url").filter(|u| !u.trim().is_empty()) else {
        reader.warn("request.url", || "missing: entry skipped".to_owned());
        return None;
    };
    let response = reader.object(value, "response", "response").unwrap_or(&empty);
    let started = reader.text(value, "startedDateTime", "startedDateTime");
    let started_at = started.as_deref().and_then(dates::iso8601);
    if started.is_some() && started_at.is_none() {
        reader
            .warn("startedDateTime", || "not an ISO 8601 date: cookie lifetimes count from the response's Date".into());
    }
    let content = reader.object(response, "content", "response.content");
    let mime_type = content
        .and_then(|c| reader.text(c, "mimeType", "response.content.mimeType"))
        .map(|m| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let html = content
        .filter(|c| c.get("encoding").is_none_or(Raw::is_null))
        .filter(|_| mime_type.as_deref().is_some_and(|m| m.contains("html")))
        .and_then(|c| c.get("text").and_then(Raw::as_str))
        .map(|text| {
            let mut end = text.len().min(MAX_HTML_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].to_owned()
        });
    let status = match response.get("status") {
        Some(Raw::Number(n)) => n.as_i64(),
        Some(Raw::Str(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Some(Entry {
        index,
        pageref: reader.text(value, "pageref", "pageref").filter(|p| !p.is_empty()),
        started: started_at,
        method: reader.text(request, "method", "request.method").unwrap_or_else(|| "GET".to_owned()),
        resource_type: reader
            .text(value, "_resourceType", "_resourceType")
            .or_else(|| reader.text(value, "_request_type", "_request_type"))
            .map(|t| t.to_ascii_lowercase()),
        status,
        mime_type: mime_type.filter(|m| !m.is_empty()),
        html,
        redirect_url: reader.text(response, "redirectURL", "response.redirectURL").filter(|r| !r.is_empty()),
        error: reader.text(response, "_error", "response._error"),
        request_headers: reader.headers(request, "request", REQUEST_HEADERS),
        response_headers: reader.headers(response, "response", RESPONSE_HEADERS),
        request_cookies: reader.cookies(request, "request"),
        response_cookies: reader.cookies(response, "response"),
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn redirects_resolve_against_the_url() {
        let base = "http://news.example/a/b?c=1";
        assert_eq!(resolve(base, "https://www.news.example/").as_deref(), Some("https://www.news.example/"));
        assert_eq!(resolve(base, "http://corporate.example").as_deref(), Some("http://corporate.example/"));
        assert_eq!(resolve(base, "//cdn.example/x").as_deref(), Some("http://cdn.example/x"));
        assert_eq!(resolve(base, "/home").as_deref(), Some("http://news.example/home"));
        assert_eq!(resolve(base, "next").as_deref(), Some("http://news.example/a/next"));
        assert_eq!(resolve("http://news.example", "next").as_deref(), Some("http://news.example/next"));
        assert_eq!(resolve("about:blank", "next"), None);
    }
}
