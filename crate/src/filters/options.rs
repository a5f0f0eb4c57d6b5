//! Filter options (`$third-party`, `$script`, `$domain=…`) and how each constrains a request.

use crate::public_suffix;
use crate::request::ResourceType;
use serde::{Deserialize, Serialize};

/// Resource types as a bit set, in filter-list vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeMask(pub u16);

impl TypeMask {
    pub const DOCUMENT: u16 = 1 << 0;
    pub const SUBDOCUMENT: u16 = 1 << 1;
    pub const STYLESHEET: u16 = 1 << 2;
    pub const SCRIPT: u16 = 1 << 3;
    pub const IMAGE: u16 = 1 << 4;
    pub const FONT: u16 = 1 << 5;
    pub const OBJECT: u16 = 1 << 6;
    pub const XHR: u16 = 1 << 7;
    pub const PING: u16 = 1 << 8;
    pub const MEDIA: u16 = 1 << 9;
    pub const WEBSOCKET: u16 = 1 << 10;
    pub const OTHER: u16 = 1 << 11;
    const ALL: u16 = (1 << 12) - 1;
    /// A filter naming no type applies to every type, the page itself included, as in uBlock
    /// Origin and adblock-rust: `||tracker.example^` also stops a visit to tracker.example.
    pub const DEFAULT: TypeMask = TypeMask(Self::ALL);

    /// The bit of a request's resource type.
    pub fn of(resource_type: ResourceType) -> u16 {
        match resource_type {
            ResourceType::MainFrame => Self::DOCUMENT,
            ResourceType::SubFrame => Self::SUBDOCUMENT,
            ResourceType::Stylesheet => Self::STYLESHEET,
            ResourceType::Script => Self::SCRIPT,
            ResourceType::Image => Self::IMAGE,
            ResourceType::Font => Self::FONT,
            ResourceType::Object => Self::OBJECT,
            ResourceType::Xmlhttprequest => Self::XHR,
            ResourceType::Ping => Self::PING,
            ResourceType::Media => Self::MEDIA,
            ResourceType::Websocket => Self::WEBSOCKET,
            _ => Self::OTHER,
        }
    }

    pub fn contains(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    /// The bit of a type option's name, with uBlock Origin's aliases.
    fn bit_of_option(name: &str) -> Option<u16> {
        Some(match name {
            "document" | "doc" => Self::DOCUMENT,
            "subdocument" | "frame" => Self::SUBDOCUMENT,
            "stylesheet" | "css" => Self::STYLESHEET,
            "script" => Self::SCRIPT,
            "image" => Self::IMAGE,
            "font" => Self::FONT,
            "object" | "object-subrequest" => Self::OBJECT,
            "xmlhttprequest" | "xhr" => Self::XHR,
            "ping" | "beacon" => Self::PING,
            "media" => Self::MEDIA,
            "websocket" => Self::WEBSOCKET,
            "other" => Self::OTHER,
            "all" => Self::ALL,
            _ => return None,
        })
    }
}

/// Which party relation a filter applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartyOption {
    Any,
    FirstOnly,
    ThirdOnly,
}

/// `$domain=a.com|~b.a.com`: the pages a filter applies to (`include`, empty = all) and not to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domains {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Domains {
    /// Whether a page on `host` passes: no excluded domain matches it, and an included one does
    /// (when any is listed). `domain=example.com|~shop.example.com` excludes shop.example.com
    /// but not example.com.
    pub fn allows(&self, host: &str) -> bool {
        let include = self.include.iter().map(|d| (false, d.as_str()));
        domains_allow(include.chain(self.exclude.iter().map(|d| (true, d.as_str()))), host)
    }

    /// The list as written in a filter, `a.com|~b.a.com`: the compact form the engine stores.
    pub fn spec(&self) -> String {
        let include = self.include.iter().map(String::as_str).map(str::to_owned);
        include.chain(self.exclude.iter().map(|d| format!("~{d}"))).collect::<Vec<_>>().join("|")
    }
}

/// The entries of a `spec` string: `(negated, domain)`.
pub fn spec_entries(spec: &str) -> impl Iterator<Item = (bool, &str)> {
    spec.split('|').map(|entry| match entry.strip_prefix('~') {
        Some(domain) => (true, domain),
        None => (false, entry),
    })
}

/// Whether a page on `host` passes a domain list of `(negated, domain)` entries: an excluded
/// domain that matches always wins, even over a more specific included one, as in adblock-rust
/// (`check_excluded_domains`) and in declarativeNetRequest, where `excludedInitiatorDomains`
/// takes precedence; with no positive entry every page not excluded passes.
pub fn domains_allow<'a>(entries: impl Iterator<Item = (bool, &'a str)>, host: &str) -> bool {
    let (mut has_include, mut included) = (false, false);
    for (negated, domain) in entries {
        has_include |= !negated;
        if domain_matches(host, domain) {
            if negated {
                return false;
            }
            included = true;
        }
    }
    !has_include || included
}

/// `host` is `domain` or one of its subdomains. `name.*` (uBlock Origin's entity syntax) matches
/// `name` under any public suffix: `google.*` covers google.de and google.co.uk.
fn domain_matches(host: &str, domain: &str) -> bool {
    if let Some(name) = domain.strip_suffix(".*") {
        let Some(suffix) = public_suffix::suffix(host) else {
            return false;
        };
        let Some(site) = public_suffix::domain(host) else {
            return false;
        };
        return site.len() == name.len() + 1 + suffix.len() && site.starts_with(name);
    }
    host.strip_suffix(domain).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// Everything the options of one filter say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub party: PartyOption,
    pub types: TypeMask,
    pub domains: Option<Domains>,
    pub important: bool,
    pub match_case: bool,
    /// Whether the filter names the types it applies to (`$script`), not just those it does not.
    pub explicit_types: bool,
}

/// Why a filter's options cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionError {
    /// An option this engine deliberately does not implement (`$popup`, `$csp`, `$removeparam`…).
    Unsupported(String),
    /// Not an option at all, or one with a broken value.
    Malformed(String),
}

/// Options that change what happens rather than whether a request is blocked. The block
/// verdict stays right without them, so the filter is kept and the option ignored.
const IGNORED: [&str; 4] = ["redirect", "redirect-rule", "rewrite", "empty"];

/// Options for features TrackLens does not implement; the filter is skipped and counted.
const UNSUPPORTED: [&str; 18] = [
    "popup",
    "popunder",
    "csp",
    "removeparam",
    "queryprune",
    "generichide",
    "ghide",
    "elemhide",
    "ehide",
    "specifichide",
    "shide",
    "genericblock",
    "badfilter",
    "denyallow",
    "header",
    "method",
    "to",
    "replace",
];

impl Default for Options {
    /// A filter without options: any party, any page, every type.
    fn default() -> Self {
        Options {
            party: PartyOption::Any,
            types: TypeMask::DEFAULT,
            domains: None,
            important: false,
            match_case: false,
            explicit_types: false,
        }
    }
}

pub fn parse_options(text: &str) -> Result<Options, OptionError> {
    let mut options = Options::default();
    let (mut included, mut excluded) = (0u16, 0u16);
    for raw in text.split(',') {
        let option = raw.trim();
        let (name, value) = match option.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (option, None),
        };
        let (negated, name) = match name.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, name),
        };
        match (name, value) {
            ("third-party" | "3p", None) => {
                options.party = if negated { PartyOption::FirstOnly } else { PartyOption::ThirdOnly }
            }
            ("first-party" | "1p", None) => {
                options.party = if negated { PartyOption::ThirdOnly } else { PartyOption::FirstOnly }
            }
            ("domain" | "from", Some(list)) if !negated => options.domains = Some(parse_domains(list)?),
            ("important", None) if !negated => options.important = true,
            ("match-case", None) if !negated => options.match_case = true,
            (name, _) if IGNORED.contains(&name) => {}
            (name, _) if UNSUPPORTED.contains(&name) => return Err(OptionError::Unsupported(name.to_owned())),
            (name, None) => match TypeMask::bit_of_option(name) {
                Some(bit) if negated => excluded |= bit,
                Some(bit) => included |= bit,
                None => return Err(OptionError::Malformed(option.to_owned())),
            },
            _ => return Err(OptionError::Malformed(option.to_owned())),
        }
    }
    options.explicit_types = included != 0;
    if included != 0 {
        options.types = TypeMask(included & !excluded);
    } else if excluded != 0 {
        options.types = TypeMask(TypeMask::DEFAULT.0 & !excluded);
    }
    if options.types.0 == 0 {
        return Err(OptionError::Malformed(format!("{text}: no resource type left")));
    }
    Ok(options)
}

fn parse_domains(list: &str) -> Result<Domains, OptionError> {
    let mut domains = Domains::default();
    for entry in list.split('|') {
        let (negated, domain) = match entry.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, entry),
        };
        let domain = domain.to_ascii_lowercase();
        let valid = !domain.is_empty()
            // `[::1]`: IPv6 hosts appear in lists that exempt local addresses.
            && domain.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'*' | b'[' | b']' | b':'));
        if !valid {
            return Err(OptionError::Malformed(format!("domain={list}")));
        }
        if negated { &mut domains.exclude } else { &mut domains.include }.push(domain);
    }
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_aliases() {
        assert_eq!(parse_options("3p").unwrap().party, PartyOption::ThirdOnly);
        assert_eq!(parse_options("~third-party").unwrap().party, PartyOption::FirstOnly);
        assert_eq!(parse_options("1p").unwrap().party, PartyOption::FirstOnly);
        assert_eq!(parse_options("~1p").unwrap().party, PartyOption::ThirdOnly);
    }

    #[test]
    fn an_excluded_domain_wins_over_an_included_one() {
        // adblock-rust: `adv$domain=~example.com|foo.example.com` does not apply on foo.example.com.
        let mixed = parse_options("domain=~example.com|foo.example.com").unwrap().domains.unwrap();
        assert!(!mixed.allows("foo.example.com") && !mixed.allows("example.com") && !mixed.allows("other.org"));
        let d = parse_options("domain=example.com|~shop.example.com").unwrap().domains.unwrap();
        assert!(d.allows("example.com") && d.allows("www.example.com"));
        assert!(!d.allows("shop.example.com") && !d.allows("a.shop.example.com"));
        assert!(!d.allows("notexample.com") && !d.allows("other.org"));
        let only_excluded = parse_options("domain=~example.com").unwrap().domains.unwrap();
        assert!(only_excluded.allows("other.org") && !only_excluded.allows("example.com"));
        let entity = parse_options("domain=google.*").unwrap().domains.unwrap();
        assert!(entity.allows("www.google.co.uk") && entity.allows("google.de"));
        assert!(!entity.allows("google.example.com") && !entity.allows("notgoogle.de"));
    }

    #[test]
    fn unsupported_and_malformed_are_told_apart() {
        assert_eq!(parse_options("popup"), Err(OptionError::Unsupported("popup".into())));
        assert_eq!(parse_options("csp=script-src 'none'"), Err(OptionError::Unsupported("csp".into())));
        assert!(matches!(parse_options("scirpt"), Err(OptionError::Malformed(_))));
        assert!(matches!(parse_options("domain="), Err(OptionError::Malformed(_))));
        assert!(matches!(parse_options("domain=a.com|<b>"), Err(OptionError::Malformed(_))));
        assert!(matches!(parse_options("script,~script"), Err(OptionError::Malformed(_))));
        assert!(parse_options("redirect=noopjs,script").is_ok());
    }
}
