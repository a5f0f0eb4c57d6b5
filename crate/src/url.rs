//! Just enough URL parsing to classify a request: the scheme and the host.
//!
//! URLs reaching the core come from the browser (`webRequest`), which has already canonicalised
//! them: lower-case, punycode hosts. A full WHATWG parser (the `url` crate and its IDNA tables)
//! would roughly double the wasm module for no gain on that input, so this module accepts
//! canonical network URLs and rejects everything else with a reason, never a panic.

use std::borrow::Cow;
use std::fmt;
use std::net::Ipv4Addr;

/// Why a string is not a URL TrackLens can classify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// No `scheme://` prefix.
    MissingScheme,
    /// A scheme that does not go over the network, such as `data:` or `chrome-extension:`.
    NotNetwork(String),
    /// Nothing between `://` and the path.
    EmptyHost,
    /// A host with characters a canonical host cannot have (including non-ASCII: use punycode).
    InvalidHost(String),
    /// A port that is not a number from 0 to 65535.
    InvalidPort(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::MissingScheme => f.write_str("no scheme (expected e.g. https://)"),
            UrlError::NotNetwork(scheme) => write!(f, "scheme {scheme:?} is not http(s) or ws(s)"),
            UrlError::EmptyHost => f.write_str("no host"),
            UrlError::InvalidHost(host) => {
                write!(f, "host {host:?} is not a valid host name (non-ASCII hosts must be punycode)")
            }
            UrlError::InvalidPort(port) => write!(f, "port {port:?} is not a number up to 65535"),
        }
    }
}

impl std::error::Error for UrlError {}

/// The parts of a URL the classifier needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkUrl {
    /// `http`, `https`, `ws` or `wss`.
    pub scheme: &'static str,
    /// Lower-case host without port or trailing dot; IPv6 addresses keep their brackets.
    pub host: String,
}

impl NetworkUrl {
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        let (scheme, host) = scheme_and_host(input)?;
        Ok(NetworkUrl { scheme, host: host.into_owned() })
    }

    /// Whether the host is an IP address rather than a name (no registrable domain then).
    pub fn is_ip(&self) -> bool {
        is_ip(&self.host)
    }
}

/// The host [`NetworkUrl::parse`] finds, borrowed from `input` when it is written there in
/// canonical form already, as browsers hand URLs over: the filter path's parse, which then
/// allocates nothing.
pub fn host_of(input: &str) -> Result<Cow<'_, str>, UrlError> {
    scheme_and_host(input).map(|(_, host)| host)
}

/// Whether a canonical host is an IP address rather than a name.
pub fn is_ip(host: &str) -> bool {
    host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok()
}

fn scheme_and_host(input: &str) -> Result<(&'static str, Cow<'_, str>), UrlError> {
    let input = input.trim();
    let (scheme, rest) = input.split_once("://").ok_or(UrlError::MissingScheme)?;
    let scheme = network_scheme(scheme)?;
    // The authority ends at the path, query or fragment; browsers read `\` as `/` here.
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let host = strip_port(host_port)?;
    Ok((scheme, canonical_host(host)?))
}

fn network_scheme(scheme: &str) -> Result<&'static str, UrlError> {
    const SCHEMES: [&str; 4] = ["https", "http", "wss", "ws"];
    SCHEMES
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(scheme))
        .ok_or_else(|| UrlError::NotNetwork(scheme.to_owned()))
}

fn strip_port(host_port: &str) -> Result<&str, UrlError> {
    let (host, port) = if host_port.starts_with('[') {
        // IPv6: the port, if any, follows the closing bracket.
        match host_port.find(']') {
            Some(close) => (&host_port[..=close], host_port[close + 1..].strip_prefix(':')),
            None => return Err(UrlError::InvalidHost(host_port.to_owned())),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    match port {
        Some(port) if !port.is_empty() && port.parse::<u16>().is_err() => Err(UrlError::InvalidPort(port.to_owned())),
        _ => Ok(host),
    }
}

fn canonical_host(host: &str) -> Result<Cow<'_, str>, UrlError> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(UrlError::EmptyHost);
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    let valid = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.'))
    } else {
        host.bytes().all(allowed) && !host.split('.').any(str::is_empty)
    };
    if !valid {
        Err(UrlError::InvalidHost(host.to_owned()))
    } else if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Ok(Cow::Owned(host.to_ascii_lowercase()))
    } else {
        Ok(Cow::Borrowed(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(url: &str) -> Result<String, UrlError> {
        NetworkUrl::parse(url).map(|u| u.host)
    }

    #[test]
    fn extracts_lower_case_host_without_port_userinfo_or_trailing_dot() {
        assert_eq!(host("https://Static.HOTJAR.com./c/hotjar.js?sv=6").unwrap(), "static.hotjar.com");
        assert_eq!(host("http://user:pw@news.example:8080/a").unwrap(), "news.example");
        assert_eq!(host("wss://live.example?x#y").unwrap(), "live.example");
        assert_eq!(host("https://evil.example\\@news.example/").unwrap(), "evil.example");
        assert_eq!(host("https://[::1]:443/").unwrap(), "[::1]");
    }

    #[test]
    fn a_canonical_host_is_borrowed_and_any_other_lowered() {
        assert!(matches!(host_of("https://cdn.example/x").unwrap(), Cow::Borrowed("cdn.example")));
        assert_eq!(host_of("https://CDN.example./x").unwrap(), "cdn.example");
        assert_eq!(host_of("data:text/plain,x"), Err(UrlError::MissingScheme));
    }

    #[test]
    fn recognises_ip_addresses() {
        assert!(NetworkUrl::parse("http://127.0.0.1:8080/").unwrap().is_ip());
        assert!(NetworkUrl::parse("http://[2001:db8::1]/").unwrap().is_ip());
        assert!(!NetworkUrl::parse("http://1.example/").unwrap().is_ip());
    }

    #[test]
    fn rejects_what_is_not_a_canonical_network_url() {
        assert_eq!(host("news.example/path"), Err(UrlError::MissingScheme));
        assert!(matches!(host("data://text/plain,hi"), Err(UrlError::NotNetwork(_))));
        assert!(matches!(host("chrome-extension://abc/popup.html"), Err(UrlError::NotNetwork(_))));
        assert_eq!(host("https:///path"), Err(UrlError::EmptyHost));
        assert!(matches!(host("https://bücher.example/"), Err(UrlError::InvalidHost(_))));
        assert!(matches!(host("https://a..b/"), Err(UrlError::InvalidHost(_))));
        assert!(matches!(host("https://<script>/"), Err(UrlError::InvalidHost(_))));
        assert!(matches!(host("https://[::1/"), Err(UrlError::InvalidHost(_))));
        assert!(matches!(host("https://news.example:99999/"), Err(UrlError::InvalidPort(_))));
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        for input in ["", "://", "https://", "https://:", "https://@", "https://[]", "https://.", "\u{0}://\u{0}"] {
            let _ = NetworkUrl::parse(input);
        }
    }
}
