use super::*;

fn cookie<'a>(name: &'a str, value: &'a str, domain: &'a str, days: Option<i64>) -> Cookie<'a> {
    Cookie {
        name: name.into(),
        value: value.into(),
        domain: domain.into(),
        expires_in: days.map(|d| d * DAY),
        ..Cookie::default()
    }
}

const PAGE: &str = "https://news.example/world/story";

#[test]
fn tables_are_sorted_unique_and_chained() {
    assert!(EXACT.windows(2).all(|p| p[0].text < p[1].text));
    assert!(PREFIXES.windows(2).all(|p| p[0].text < p[1].text));
    for (index, pattern) in PREFIXES.iter().enumerate() {
        assert!(!pattern.rules.is_empty());
        if pattern.parent != NO_PARENT {
            assert!(pattern.parent < index);
            assert!(pattern.text.starts_with(PREFIXES[pattern.parent].text), "{}", pattern.text);
        }
        // The parent is the longest shorter prefix in the table.
        let longest = PREFIXES[..index].iter().rposition(|p| pattern.text.starts_with(p.text));
        assert_eq!(longest.unwrap_or(NO_PARENT), pattern.parent, "{}", pattern.text);
    }
    for pattern in EXACT.iter().chain(PREFIXES) {
        // Domain rules first, at most one unrestricted rule, last.
        let unrestricted = pattern.rules.iter().filter(|r| r.domain.is_none()).count();
        assert!(unrestricted <= 1, "{}", pattern.text);
        assert!(pattern.rules.iter().rev().skip(unrestricted).all(|r| r.domain.is_some()), "{}", pattern.text);
    }
}

#[test]
fn covers_at_least_500_patterns_and_the_major_vendors() {
    let patterns = EXACT.len() + PREFIXES.len();
    assert!(patterns >= 500, "only {patterns} patterns");
    let expected: &[(&str, &str, CookiePurpose, Option<&str>)] = &[
        ("_ga", "", CookiePurpose::Analytics, Some("Google Analytics")),
        ("_ga_ABC123", "", CookiePurpose::Analytics, Some("Google Analytics")),
        ("_gid", "", CookiePurpose::Analytics, Some("Google Analytics")),
        ("_gcl_au", "", CookiePurpose::Advertising, Some("Google Ads")),
        ("_gcl_xyz", "", CookiePurpose::Advertising, Some("Google Ads")),
        ("IDE", "doubleclick.net", CookiePurpose::Advertising, Some("Google")),
        ("_fbp", "", CookiePurpose::Advertising, Some("Meta")),
        ("fr", "facebook.com", CookiePurpose::Advertising, Some("Meta")),
        ("_hjSession_123456", "", CookiePurpose::Analytics, Some("Hotjar")),
        ("_clck", "", CookiePurpose::Analytics, Some("Microsoft Clarity")),
        ("optimizelyEndUserId", "", CookiePurpose::Personalization, Some("Optimizely")),
        ("_dyid", "", CookiePurpose::Personalization, Some("Dynamic Yield")),
        ("_dy_anything", "", CookiePurpose::Personalization, Some("Dynamic Yield")),
        ("mbox", "", CookiePurpose::Personalization, Some("Adobe")),
        ("_vwo_uuid_v2", "", CookiePurpose::Personalization, Some("VWO")),
        ("_vwo_sn", "", CookiePurpose::Personalization, Some("VWO")),
        ("AMCV_ABC%40AdobeOrg", "", CookiePurpose::Advertising, Some("Adobe Audience Manager")),
        ("ajs_anonymous_id", "", CookiePurpose::Analytics, Some("Segment")),
        ("__hssc", "", CookiePurpose::Advertising, Some("Hubspot")),
        ("OptanonConsent", "", CookiePurpose::Necessary, Some("OneTrust")),
        ("euconsent-v2", "", CookiePurpose::Necessary, Some("IAB Europe TCF")),
        ("PHPSESSID", "", CookiePurpose::Necessary, Some("PHP")),
        ("csrftoken", "", CookiePurpose::Security, Some("Django")),
    ];
    for &(name, domain, purpose, vendor) in expected {
        let found = lookup(name, domain, TableSet::All).unwrap_or_else(|| panic!("{name} is not in the table"));
        assert_eq!((found.purpose, found.vendor), (purpose, vendor), "{name}");
    }
}

#[test]
fn the_longest_prefix_wins_and_exact_names_beat_prefixes() {
    // `_hjSession_*` (hand-written) over `_hj*`.
    assert_eq!(lookup("_hjSession_42", "", TableSet::All).unwrap().pattern, "_hjSession_");
    assert_eq!(lookup("_hjSomethingNew", "", TableSet::All).unwrap().pattern, "_hj");
    assert!(!lookup("_dyid", "", TableSet::All).unwrap().prefix);
    assert_eq!(lookup("_dyid_server", "", TableSet::All).unwrap().pattern, "_dyid_server");
    // A name sorting between a prefix and its extensions still finds the prefix.
    let m = lookup("_gcl_zz", "", TableSet::All).unwrap();
    assert_eq!((m.pattern, m.prefix), ("_gcl_", true));
    assert!(lookup("", "", TableSet::All).is_none());
    assert!(lookup("zzzzzz-not-a-cookie", "", TableSet::All).is_none());
    assert!(lookup("\u{10FFFF}", "", TableSet::All).is_none());
}

#[test]
fn generic_names_apply_only_on_their_domain() {
    assert_eq!(lookup("uuid2", "ib.adnxs.com", TableSet::All).unwrap().vendor, Some("Xandr"));
    assert!(lookup("uuid2", "news.example", TableSet::All).is_none());
    assert_eq!(
        lookup("IDE", ".doubleclick.net".trim_start_matches('.'), TableSet::All).unwrap().vendor,
        Some("Google")
    );
    assert!(lookup("IDE", "notdoubleclick.net", TableSet::All).is_none());
    assert!(domain_matches("a.b.adnxs.com", "adnxs.com"));
    assert!(!domain_matches("xadnxs.com", "adnxs.com"));
}

#[test]
fn known_cookies_name_vendor_company_and_evidence() {
    let v = classify_cookie(&cookie("IDE", "AHWqTUm1vV9yBx4kQ2", ".doubleclick.net", Some(390)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Advertising);
    assert_eq!(v.vendor, Some("Google"));
    assert_eq!(v.entity.map(|e| e.name), Some("Google"));
    assert!(v.identifier && v.third_party);
    assert!(v.reason.contains("`IDE` on doubleclick.net"), "{}", v.reason);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["purpose"], "advertising");
    assert_eq!(json["matched"]["source"], "tracklens");

    let v = classify_cookie(&cookie("_fbp", "fb.1.1700000000000.1234567890", "news.example", Some(90)), PAGE);
    assert_eq!((v.purpose, v.entity.map(|e| e.name), v.third_party), (CookiePurpose::Advertising, Some("Meta"), false));

    // `__Secure-` only tightens the browser's rules.
    let v = classify_cookie(&cookie("__Secure-ENID", "x", "google.com", Some(300)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Security);
}

#[test]
fn an_opt_out_value_is_not_an_identifier() {
    let v = classify_cookie(&cookie("_ga", "0", "", Some(700)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Analytics);
    assert!(!v.identifier, "{}", v.reason);
    assert!(v.reason.contains("too short"), "{}", v.reason);
}

#[test]
fn unknown_cookies_are_judged_by_name_domain_lifetime_and_value() {
    // A tracker's domain, a UUID, a year, a name that says nothing: Criteo's identifier, but the
    // domain alone does not tell what it is for (in cross-validation a tracker domain's purpose
    // was wrong for a third of the cookies the model was unsure of).
    let v = classify_cookie(&cookie("zq_v", "3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c", "ads.criteo.com", Some(365)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Unknown, "{}", v.reason);
    assert!(v.identifier);
    assert_eq!(v.entity.map(|e| e.name), Some("Criteo"));
    assert!(v.heuristics.contains(&Heuristic::UuidValue) && v.heuristics.contains(&Heuristic::KnownTrackerDomain));
    assert!(v.reason.contains("UUID") && v.reason.contains("365 days"), "{}", v.reason);
    assert!(v.reason.contains("does not tell"), "{}", v.reason);

    // A sign-in cookie on an advertising company's domain is a sign-in cookie, and a load
    // balancer's is necessary: never advertising.
    let v = classify_cookie(&cookie("crt_loginToken_3", "a8Kf02LmQz91Xc7Vb3Nw", "ads.criteo.com", Some(360)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Necessary, "{}", v.reason);
    assert!(v.reason.contains("`login`"), "{}", v.reason);
    let v = classify_cookie(&cookie("BIGipServer~web~pool_443", "1677787402.20480.0000", "", None), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Necessary, "{}", v.reason);

    // A name of a known family: the model reads it, and says why.
    let v = classify_cookie(&cookie("_ga_NEWPROPERTY", "", "", Some(400)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Analytics, "{}", v.reason);

    // First party, CSRF in the name: security, not an identifier.
    let v = classify_cookie(&cookie("my_csrf_token", "a8Kf02LmQz91Xc7Vb3Nw", "", None), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Security);
    assert!(!v.identifier, "a session value is not persistent: {}", v.reason);

    // Language preference.
    let v = classify_cookie(&cookie("siteLang", "en-GB", "", Some(365)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Preferences);
    assert!(!v.identifier);

    // Nothing to go on, but a long-lived random value: unknown purpose, likely identifier.
    let v = classify_cookie(&cookie("zx81", "Qm9vbGVhbkZhbHNlMTIzNDU2Nzg5", "", Some(400)), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Unknown);
    assert!(v.identifier, "{}", v.reason);
    assert!(v.reason.contains("400 days"), "{}", v.reason);

    // A timestamp is not an identifier.
    let v = classify_cookie(&cookie("lastvisit", "1700000000", "", Some(400)), PAGE);
    assert!(!v.identifier, "{}", v.reason);
    // Letters the model has never seen, no value, no domain: nothing to go on.
    let v = classify_cookie(&cookie("qzxj", "", "", None), PAGE);
    assert_eq!(v.purpose, CookiePurpose::Unknown);
    assert!(v.reason.contains("nothing in its name"), "{}", v.reason);
}

#[test]
fn storage_keys_use_the_same_table() {
    let v = classify_storage(StorageArea::Local, "ajs_anonymous_id", "\"3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c\"", PAGE);
    assert_eq!((v.purpose, v.vendor), (CookiePurpose::Analytics, Some("Segment")));
    assert!(v.identifier);
    let v = classify_storage(StorageArea::Local, "visitorKey", "a8Kf02LmQz91Xc7Vb3NwPq", PAGE);
    assert!(v.identifier, "localStorage persists: {}", v.reason);
    let v = classify_storage(StorageArea::Session, "visitorKey", "a8Kf02LmQz91Xc7Vb3NwPq", PAGE);
    assert!(!v.identifier, "{}", v.reason);
}

#[test]
fn value_shapes() {
    assert_eq!(value_shape("3f2b6c1e-9a4d-4e8b-a1c2-7d5e9f0b1a2c"), Some(Heuristic::UuidValue));
    assert_eq!(value_shape("12345678901234567"), Some(Heuristic::NumericId));
    assert_eq!(value_shape("1700000000"), None);
    assert_eq!(value_shape("1700000000000"), None);
    assert_eq!(value_shape("9f86d081884c7d659a2feaa0c55ad015"), Some(Heuristic::HexValue));
    assert_eq!(value_shape("AHWqTUm1vV9yBx4kQ2pZ"), Some(Heuristic::Base64Value));
    assert_eq!(value_shape("fb.1.1700000000000.98765432101"), Some(Heuristic::NumericId));
    for plain in ["", "1", "true", "en-US", "aaaaaaaaaaaaaaaaaaaaaaa", "dark-mode-enabled", "2024-01-01"] {
        assert_eq!(value_shape(plain), None, "{plain}");
    }
    assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    assert_eq!(shannon_entropy(""), 0.0);
    assert_eq!(name_words("_hjSessionUser_12"), ["hj", "session", "user", "12"]);
}

#[test]
fn cookies_deserialize_from_the_browser_shape() {
    let json = r#"{"name":"_ga","value":"GA1.1.5","domain":".news.example","path":"/","expires_in":63072000,
        "http_only":false,"secure":true,"same_site":"no_restriction"}"#;
    let c: Cookie = serde_json::from_str(json).unwrap();
    assert_eq!((c.name.as_ref(), c.same_site, c.expires_in), ("_ga", SameSite::None, Some(63_072_000)));
    let minimal: Cookie = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
    assert_eq!((minimal.expires_in, minimal.same_site), (None, SameSite::Unspecified));
}

#[test]
fn odd_input_never_panics() {
    for name in ["", " ", "\u{0}", "é", "__Host-", "__Secure-", "*", "_ga_\u{10FFFF}", "a".repeat(5000).as_str()] {
        for value in ["", "\"", "é".repeat(40).as_str(), "%%%%%%%%%%%%%%%%%%%"] {
            for domain in ["", ".", "..", "É.EXAMPLE", "[::1]"] {
                let _ = classify_cookie(&cookie(name, value, domain, Some(-5)), "not a url");
                let _ = classify_storage(StorageArea::Local, name, value, "");
            }
        }
    }
}
