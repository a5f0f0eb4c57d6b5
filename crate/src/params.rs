//! Link decoration: tracking parameters that advertisers and mail tools append to links.
//!
//! A click on an ad or a newsletter link often carries an identifier of that click (`gclid`,
//! `fbclid`, `msclkid`…) or of the reader (`mc_eid`, `_hsenc`). The landing page's scripts read
//! it back and tie the visit to the click, the campaign or the person. Campaign tags (`utm_*`)
//! name the campaign rather than the person, but travel the same way and are removed by the same
//! tools.
//!
//! Everything here works on the URL as text: it never panics, whatever the input, and it only
//! touches the query string. The fragment and the order of the other parameters are kept.

use serde::Serialize;

/// What a tracking parameter carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// An identifier of one ad click, unique to the visitor's click.
    ClickId,
    /// An identifier of a person (an email subscriber, a visitor carried across domains).
    VisitorId,
    /// A campaign label (source, medium, campaign name): the same for everyone who clicked.
    Campaign,
}

/// One known tracking parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamInfo {
    pub name: &'static str,
    /// The company that reads it, where it belongs to one (as named in the tracker knowledge
    /// base); `None` for conventions shared by many tools, such as `utm_*`.
    pub company: Option<&'static str>,
    pub kind: ParamKind,
    /// What the company uses it for, as a sentence fragment.
    pub what: &'static str,
}

const fn p(name: &'static str, company: &'static str, kind: ParamKind, what: &'static str) -> ParamInfo {
    ParamInfo { name, company: Some(company), kind, what }
}

const fn utm(name: &'static str, what: &'static str) -> ParamInfo {
    ParamInfo { name, company: None, kind: ParamKind::Campaign, what }
}

use ParamKind::{Campaign, ClickId, VisitorId};

/// Every known tracking parameter, sorted by name (byte order) for binary search. Names are
/// case-sensitive, as the companies set them and as declarativeNetRequest compares them.
static PARAMS: &[ParamInfo] = &[
    p("ScCid", "Snap", ClickId, "Snapchat ad click ID, read by the Snap Pixel"),
    p("__hsfp", "HubSpot", VisitorId, "HubSpot's browser fingerprint hash, carried across the company's domains"),
    p("__hssc", "HubSpot", VisitorId, "HubSpot's session cookie, carried across the company's domains"),
    p("__hstc", "HubSpot", VisitorId, "HubSpot's visitor cookie, carried across the company's domains"),
    p("_bta_c", "Bronto", VisitorId, "Bronto email contact ID"),
    p("_bta_tid", "Bronto", VisitorId, "Bronto email tracking ID"),
    p("_ga", "Google", VisitorId, "Google Analytics client ID, carried across domains (older linker)"),
    p("_gl", "Google", VisitorId, "Google's cross-domain linker: the Analytics and Ads cookies of the previous site"),
    p("_hsenc", "HubSpot", VisitorId, "HubSpot email link: encodes the recipient"),
    p("_hsmi", "HubSpot", VisitorId, "HubSpot email message ID, tying the visit to the email sent"),
    p("_kx", "Klaviyo", VisitorId, "Klaviyo email link: identifies the subscriber"),
    p("_openstat", "Yandex", Campaign, "Openstat ad tag, read by Yandex Metrica"),
    p("dclid", "Google", ClickId, "Google Display & Video 360 / Campaign Manager click ID"),
    p("dicbo", "Outbrain", ClickId, "Outbrain click ID"),
    p("ef_id", "Adobe", ClickId, "Adobe Advertising click ID"),
    p("epik", "Pinterest", ClickId, "Pinterest ad click ID, read by the Pinterest tag"),
    p("fbclid", "Meta", ClickId, "Facebook / Instagram click ID, read by the Meta Pixel"),
    p("gad_campaignid", "Google", Campaign, "Google Ads campaign ID added by auto-tagging"),
    p("gad_source", "Google", Campaign, "Google Ads source tag added by auto-tagging"),
    p("gbraid", "Google", ClickId, "Google Ads click ID for app-to-web journeys on iOS"),
    p("gclid", "Google", ClickId, "Google Ads click ID, read by Google Ads and Analytics"),
    p("gclsrc", "Google", ClickId, "Google Ads click source, paired with a click ID"),
    p("igsh", "Meta", VisitorId, "Instagram share ID, tying the link to the account that shared it"),
    p("igshid", "Meta", VisitorId, "Instagram share ID, tying the link to the account that shared it"),
    p("irclickid", "Impact", ClickId, "Impact affiliate click ID"),
    p("li_fat_id", "LinkedIn", ClickId, "LinkedIn first-party ad tracking ID, read by the Insight Tag"),
    p("mc_cid", "Mailchimp", Campaign, "Mailchimp campaign ID"),
    p("mc_eid", "Mailchimp", VisitorId, "Mailchimp email ID: identifies the subscriber"),
    p("mkt_tok", "Marketo", VisitorId, "Marketo email link token: identifies the recipient"),
    p("msclkid", "Microsoft", ClickId, "Microsoft Advertising (Bing) click ID, read by UET"),
    p("oly_anon_id", "Omeda", VisitorId, "Omeda anonymous visitor ID"),
    p("oly_enc_id", "Omeda", VisitorId, "Omeda encrypted subscriber ID"),
    p("rb_clickid", "Rakuten", ClickId, "Rakuten Advertising click ID"),
    p("rdt_cid", "Reddit", ClickId, "Reddit ad click ID, read by the Reddit Pixel"),
    p("s_cid", "Adobe", Campaign, "Adobe Analytics campaign tracking code"),
    p("s_kwcid", "Adobe", ClickId, "Adobe Advertising keyword and click tracking"),
    p("srsltid", "Google", ClickId, "Google Merchant Center click ID on shopping results"),
    p("tblci", "Taboola", ClickId, "Taboola click ID"),
    p("ttclid", "TikTok", ClickId, "TikTok ad click ID, read by the TikTok Pixel"),
    p("twclid", "X", ClickId, "X (Twitter) ad click ID, read by the X Pixel"),
    utm("utm_campaign", "campaign name"),
    utm("utm_content", "ad or link variant"),
    utm("utm_creative_format", "ad creative format"),
    utm("utm_id", "campaign ID"),
    utm("utm_marketing_tactic", "marketing tactic"),
    utm("utm_medium", "marketing medium"),
    utm("utm_source", "traffic source"),
    utm("utm_source_platform", "platform that sent the traffic"),
    utm("utm_term", "paid search keyword"),
    p("vero_conv", "Vero", Campaign, "Vero email conversion tag"),
    p("vero_id", "Vero", VisitorId, "Vero email recipient ID"),
    p("wbraid", "Google", ClickId, "Google Ads click ID for web-to-app journeys on iOS"),
    p("wickedid", "Wicked Reports", ClickId, "Wicked Reports click ID"),
    p("yclid", "Yandex", ClickId, "Yandex Direct ad click ID"),
    p("ysclid", "Yandex", ClickId, "Yandex search click ID"),
];

/// Other `utm_` parameters follow the same convention (tools add their own), so any name with
/// this prefix is a campaign tag.
const UTM_PREFIX: &str = "utm_";

/// Every known tracking parameter, sorted by name.
pub fn known_params() -> &'static [ParamInfo] {
    PARAMS
}

/// The names for a declarativeNetRequest rule's `transform.queryTransform.removeParams`, which
/// takes exact names (no wildcards): every known parameter, `utm_*` expanded to the names in use.
pub fn remove_params_names() -> Vec<&'static str> {
    PARAMS.iter().map(|info| info.name).collect()
}

/// A tracking parameter found in a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundParam {
    /// The name as it appears in the URL (decoded if it was percent-encoded).
    pub name: String,
    pub company: Option<&'static str>,
    pub kind: ParamKind,
    /// One sentence naming the evidence. The value itself is never returned: it is the
    /// identifier TrackLens is there to protect.
    pub reason: String,
}

/// A URL with its tracking parameters removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stripped {
    /// The URL without the tracking parameters; equal to the input when none was found.
    pub url: String,
    pub removed: Vec<FoundParam>,
}

/// The known parameter called `name`, if it is one.
pub fn lookup(name: &str) -> Option<ParamInfo> {
    if let Ok(index) = PARAMS.binary_search_by(|info| info.name.cmp(name)) {
        return Some(PARAMS[index]);
    }
    (name.len() > UTM_PREFIX.len() && name.starts_with(UTM_PREFIX)).then_some(ParamInfo {
        name: "utm_*",
        company: None,
        kind: Campaign,
        what: "campaign tag",
    })
}

/// The tracking parameters in `url`'s query string, in order of appearance.
pub fn find_tracking_params(url: &str) -> Vec<FoundParam> {
    strip_tracking_params(url).removed
}

/// `url` without its tracking parameters: the other parameters keep their order and exact text,
/// the fragment is kept, and a query left empty loses its `?`.
pub fn strip_tracking_params(url: &str) -> Stripped {
    let (before_fragment, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let Some((base, query)) = before_fragment.split_once('?') else {
        return Stripped { url: url.to_owned(), removed: Vec::new() };
    };
    let mut removed = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    for piece in query.split('&') {
        let raw_name = piece.split_once('=').map_or(piece, |(name, _)| name);
        let name = percent_decode(raw_name);
        match lookup(&name) {
            Some(info) => {
                removed.push(FoundParam { reason: reason(&name, &info), name, company: info.company, kind: info.kind })
            }
            None => kept.push(piece),
        }
    }
    if removed.is_empty() {
        return Stripped { url: url.to_owned(), removed };
    }
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out.push_str(fragment);
    Stripped { url: out, removed }
}

fn reason(name: &str, info: &ParamInfo) -> String {
    let kind = match info.kind {
        ClickId => "an ad-click identifier",
        VisitorId => "an identifier of the visitor",
        Campaign => "a campaign tag, the same for everyone who clicked",
    };
    match (info.company, info.name == "utm_*") {
        (Some(company), _) => format!("`{name}` is {company}'s {}: {kind}.", info.what),
        (None, true) => format!(
            "`{name}` follows the `utm_*` campaign-tag convention read by analytics tools: {kind}, \
             but it tells the site which campaign or link brought the visitor."
        ),
        (None, false) => format!(
            "`{name}` is the `utm_*` {} tag read by analytics tools: {kind}, but it tells the site \
             which campaign or link brought the visitor.",
            info.what
        ),
    }
}

/// `%XX` decoding of a parameter name, keeping malformed escapes as they are; names are matched
/// after decoding so `utm%5Fsource` is found too. `+` stands for a space in query strings.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.bytes().any(|b| b == b'%' || b == b'+') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(url: &str) -> Vec<String> {
        find_tracking_params(url).into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn the_table_is_sorted_and_unique_for_binary_search() {
        assert!(PARAMS.windows(2).all(|pair| pair[0].name < pair[1].name));
        for info in PARAMS {
            assert!(!info.name.is_empty() && info.name.bytes().all(|b| b.is_ascii_graphic()), "{}", info.name);
        }
    }

    #[test]
    fn click_ids_of_the_major_ad_platforms_are_found_with_their_company() {
        let cases = [
            ("gclid", "Google"),
            ("dclid", "Google"),
            ("gbraid", "Google"),
            ("wbraid", "Google"),
            ("fbclid", "Meta"),
            ("msclkid", "Microsoft"),
            ("twclid", "X"),
            ("ttclid", "TikTok"),
            ("yclid", "Yandex"),
            ("mc_eid", "Mailchimp"),
            ("mc_cid", "Mailchimp"),
            ("_hsenc", "HubSpot"),
            ("_hsmi", "HubSpot"),
            ("igshid", "Meta"),
            ("li_fat_id", "LinkedIn"),
            ("epik", "Pinterest"),
            ("s_cid", "Adobe"),
        ];
        for (name, company) in cases {
            let found = find_tracking_params(&format!("https://shop.example/p?id=7&{name}=abc123"));
            assert_eq!(found.len(), 1, "{name}");
            assert_eq!(found[0].name, name);
            assert_eq!(found[0].company, Some(company), "{name}");
            assert!(found[0].reason.contains(company) && found[0].reason.contains(name), "{}", found[0].reason);
            assert!(!found[0].reason.contains("abc123"), "the value must not be shown");
        }
    }

    #[test]
    fn stripping_keeps_other_parameters_in_order_and_the_fragment() {
        let stripped =
            strip_tracking_params("https://news.example/a?b=2&gclid=XYZ&a=1&utm_source=news&utm_medium=email&z#top");
        assert_eq!(stripped.url, "https://news.example/a?b=2&a=1&z#top");
        let removed: Vec<&str> = stripped.removed.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(removed, ["gclid", "utm_source", "utm_medium"]);
        assert_eq!(stripped.removed[1].kind, Campaign);
        assert_eq!(stripped.removed[1].company, None);
    }

    #[test]
    fn a_query_of_only_tracking_parameters_loses_its_question_mark() {
        assert_eq!(strip_tracking_params("https://a.example/?fbclid=1").url, "https://a.example/");
        assert_eq!(strip_tracking_params("https://a.example/p?fbclid=1#x").url, "https://a.example/p#x");
    }

    #[test]
    fn nothing_found_returns_the_url_unchanged() {
        for url in
            ["https://a.example/", "https://a.example/?q=gclid", "https://a.example/?a=1&&b", "", "?", "#?gclid=1"]
        {
            let stripped = strip_tracking_params(url);
            assert_eq!(stripped.url, url);
            assert!(stripped.removed.is_empty(), "{url}");
        }
    }

    #[test]
    fn parameters_in_the_fragment_are_left_alone() {
        assert_eq!(names("https://a.example/#gclid=1"), Vec::<String>::new());
        assert_eq!(strip_tracking_params("https://a.example/?x=1#y?gclid=2").url, "https://a.example/?x=1#y?gclid=2");
    }

    #[test]
    fn unknown_utm_parameters_and_encoded_names_are_found() {
        assert_eq!(
            names("https://a.example/?utm_foo=1&utm_=2&utm%5Fsource=3&fbclid"),
            ["utm_foo", "utm_source", "fbclid"]
        );
        assert_eq!(lookup("utm_"), None);
        // Names are case-sensitive, as the platforms set them.
        assert_eq!(names("https://a.example/?GCLID=1&ScCid=2"), ["ScCid"]);
    }

    #[test]
    fn odd_urls_never_panic() {
        let odd = [
            "%",
            "?%",
            "?%4",
            "?%zz=1",
            "?%e2%82=1",
            "?=&=&",
            "?&&&gclid",
            "?gclid=é&ü=1",
            "??gclid=1",
            "?a=b=c&gclid==",
            "https://a.example/?ü%ff%fe=1&gclid=%",
            "#",
            "##?",
            "?utm_source#?utm_medium",
        ];
        for url in odd {
            let stripped = strip_tracking_params(url);
            assert!(stripped.url.len() <= url.len(), "{url}");
        }
        assert_eq!(strip_tracking_params("??gclid=1").url, "??gclid=1", "`?gclid` is not `gclid`");
        assert_eq!(strip_tracking_params("?a=b=c&gclid==").url, "?a=b=c");
        assert_eq!(strip_tracking_params("?utm_source#?utm_medium").url, "#?utm_medium");
    }

    #[test]
    fn remove_params_lists_every_exact_name() {
        let names = remove_params_names();
        for expected in ["gclid", "fbclid", "msclkid", "utm_source", "utm_medium", "utm_campaign", "mc_eid", "_hsenc"] {
            assert!(names.contains(&expected), "{expected}");
        }
        assert!(names.iter().all(|n| !n.contains('*')));
        assert_eq!(names.len(), PARAMS.len());
    }
}
