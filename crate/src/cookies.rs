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
    fn name_in_a_set_cookie_line() {
        assert_eq!(set_cookie_name("IDE=AHWq; Domain=.doubleclick.net; Secure; SameSite=None"), Some("IDE"));
        assert_eq!(set_cookie_name("  =x; Path=/"), None);
        assert_eq!(set_cookie_name("Secure"), None);
    }
}
