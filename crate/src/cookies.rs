//! Reading cookie headers: which cookies a request carried and which a response set.
//!
//! Headers come from arbitrary servers, so nothing here assumes well-formed input: pieces without
//! a name are skipped, and nothing panics.

/// Cookie names in a `Cookie` request header (`a=1; b=2` → `a`, `b`), in order, without
/// duplicates. Values are never returned: TrackLens shows what was sent, not the identifier.
pub fn cookie_names(header: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for name in header.split(';').filter_map(pair_name) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The name of the cookie a `Set-Cookie` header line sets, if it has one.
pub fn set_cookie_name(line: &str) -> Option<&str> {
    line.split(';').next().and_then(pair_name)
}

/// The name and value pairs of a `Cookie` request header, in order (duplicates kept: a request
/// can carry two cookies of one name, for different paths).
pub fn cookie_pairs(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|pair| Some((pair_name(pair)?, pair.split_once('=')?.1.trim())))
}

/// A `Set-Cookie` line read as RFC 6265bis §5.6 reads it: the first pair is the cookie, the
/// attributes after it in any case and order, unknown or malformed attributes ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetCookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// As written (`.doubleclick.net`); `None` for a host-only cookie.
    pub domain: Option<&'a str>,
    pub path: Option<&'a str>,
    /// Seconds to live (`Max-Age`), which takes precedence over `expires`.
    pub max_age: Option<i64>,
    /// Unix seconds of `Expires`, when it is a cookie-date.
    pub expires: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<&'a str>,
}

impl SetCookie<'_> {
    /// Seconds from `now` (Unix seconds, when the response arrived) until it expires; `None` for
    /// a session cookie; zero or less for a line that deletes the cookie.
    pub fn expires_in(&self, now: Option<i64>) -> Option<i64> {
        self.max_age.or_else(|| Some(self.expires? - now?))
    }
}

/// Reads one `Set-Cookie` line; `None` when it names no cookie.
pub fn parse_set_cookie(line: &str) -> Option<SetCookie<'_>> {
    let mut parts = line.split(';');
    let first = parts.next()?;
    let name = pair_name(first)?;
    let value = first.split_once('=').map_or("", |(_, v)| v.trim());
    let mut cookie = SetCookie { name, value, ..SetCookie::default() };
    for attribute in parts {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        let (key, value) = (key.trim(), value.trim());
        let non_empty = (!value.is_empty()).then_some(value);
        match key.to_ascii_lowercase().as_str() {
            "domain" => cookie.domain = non_empty,
            "path" => cookie.path = non_empty.filter(|p| p.starts_with('/')),
            // Digits with an optional leading minus, else the attribute is ignored (§5.6.2).
            "max-age" => {
                let digits = value.strip_prefix('-').unwrap_or(value);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    cookie.max_age =
                        Some(value.parse::<i64>().unwrap_or(if value.starts_with('-') { i64::MIN } else { i64::MAX }));
                }
            }
            "expires" => cookie.expires = crate::dates::cookie_date(value).or(cookie.expires),
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = non_empty,
            _ => {}
        }
    }
    Some(cookie)
}

fn pair_name(pair: &str) -> Option<&str> {
    // A pair without `=` is, per RFC 6265bis, a cookie with an empty name; it names nothing.
    let (name, _) = pair.split_once('=')?;
    let name = name.trim();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_a_cookie_header() {
        assert_eq!(cookie_names("_ga=GA1.1.5; _fbp=fb.1.2;SESSIONID=x; _ga=again"), ["_ga", "_fbp", "SESSIONID"]);
        assert_eq!(cookie_names(""), Vec::<&str>::new());
        assert_eq!(cookie_names(" ; novalue; =orphan; ok=1"), ["ok"]);
    }

    #[test]
    fn pairs_in_a_cookie_header() {
        let pairs: Vec<_> = cookie_pairs("_ga=GA1.1.5; novalue; _fbp = fb.1.2;e=").collect();
        assert_eq!(pairs, [("_ga", "GA1.1.5"), ("_fbp", "fb.1.2"), ("e", "")]);
    }

    #[test]
    fn set_cookie_lines_with_their_attributes_and_lifetime() {
        let ide = parse_set_cookie(
            "IDE=AHWq; expires=Wed, 21-Oct-2015 07:28:00 GMT; path=/; domain=.doubleclick.net; Secure; HttpOnly; SameSite=none",
        )
        .unwrap();
        assert_eq!((ide.name, ide.value, ide.domain, ide.path), ("IDE", "AHWq", Some(".doubleclick.net"), Some("/")));
        assert_eq!((ide.secure, ide.http_only, ide.same_site), (true, true, Some("none")));
        assert_eq!(ide.expires, Some(1_445_412_480));
        assert_eq!(ide.expires_in(Some(1_445_412_480 - 86_400)), Some(86_400));
        // Max-Age wins over Expires, whatever their order; a bad Max-Age is ignored.
        let both = parse_set_cookie("a=1; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(both.expires_in(Some(0)), Some(60));
        assert_eq!(parse_set_cookie("a=1; Max-Age=soon").unwrap().max_age, None);
        assert_eq!(parse_set_cookie("a=1; Max-Age=-1").unwrap().expires_in(None), Some(-1));
        assert_eq!(parse_set_cookie("a=1; max-age=99999999999999999999").unwrap().max_age, Some(i64::MAX));
        // A session cookie, an expiry without a clock, a path that is no path.
        let session = parse_set_cookie("sid=x; Path=relative; Expires=someday").unwrap();
        assert_eq!((session.expires_in(Some(0)), session.path), (None, None));
        assert_eq!(parse_set_cookie("a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT").unwrap().expires_in(None), None);
        assert_eq!(parse_set_cookie("=x; Path=/"), None);
        assert_eq!(parse_set_cookie(""), None);
    }

    #[test]
    fn name_in_a_set_cookie_line() {
        assert_eq!(set_cookie_name("IDE=AHWq; Domain=.doubleclick.net; Secure; SameSite=None"), Some("IDE"));
        assert_eq!(set_cookie_name("  =x; Path=/"), None);
        assert_eq!(set_cookie_name("Secure"), None);
    }
}
