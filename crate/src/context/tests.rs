use super::*;

fn page(url: &str, title: &str) -> PageSignals {
    PageSignals { url: url.into(), title: title.into(), ..PageSignals::default() }
}

#[test]
fn a_pharmacy_product_page_is_about_health_with_evidence() {
    let context = classify_page(&PageSignals {
        schema_types: vec!["Product".into(), "Drug".into()],
        ..page("https://pharmacy.example/products/oraquick-hiv-self-test", "OraQuick HIV Self-Test | Pharmacy")
    });
    assert_eq!(context.category(), Some(Sensitive::Health));
    let line = context.evidence_line();
    assert!(line.contains("title contains 'hiv self-test'"), "{line}");
    assert!(line.contains("schema.org Drug"), "{line}");
    assert!(context.topics.iter().any(|t| t.topic == Topic::MedicalHealth), "{:?}", context.topics);
}

#[test]
fn ordinary_pages_are_not_sensitive() {
    for (url, title) in [
        ("https://www.bbc.com/news/health-12345", "Health news - BBC News"),
        ("https://shop.example/laptops", "Best laptops 2024 - Shop"),
        ("https://www.espn.com/nfl/", "NFL scores and news"),
        ("https://vet.example/pet-health", "Pet health: caring for your dog"),
        ("https://history.example/great-depression", "The Great Depression explained"),
        ("https://europa.eu/", "European Union - official website"),
        ("https://www.winstonchurchill.org/", "International Churchill Society"),
    ] {
        let context = classify_page(&page(url, title));
        assert!(!context.is_sensitive(), "{url}: {:?}", context.sensitive);
    }
}

#[test]
fn body_text_alone_never_makes_a_page_sensitive() {
    let text = "hiv cancer diabetes depression abortion psychiatrist chemotherapy ".repeat(50);
    let context = classify_page(&PageSignals { text, ..page("https://news.example/article/1", "Morning briefing") });
    assert!(!context.is_sensitive(), "{:?}", context.sensitive);
}

#[test]
fn each_language_is_recognised() {
    let cases = [
        ("https://praxis.example/", "Psychotherapie bei Depressionen", Sensitive::Health),
        ("https://paroisse.example/", "Horaires des messes – Paroisse Saint-Yves", Sensitive::Religion),
        ("https://partido.example/afiliate", "Afiliarse a un partido político", Sensitive::Politics),
        ("https://beratung.example/", "Schuldnerberatung: Hilfe bei Überschuldung", Sensitive::FinancialDistress),
        ("https://syndicat.example/", "Adhérer à un syndicat", Sensitive::TradeUnion),
        ("https://clinica.example/", "Clínica de salud mental y ansiedad", Sensitive::Health),
    ];
    for (url, title, expected) in cases {
        assert_eq!(classify_page(&page(url, title)).category(), Some(expected), "{title}");
    }
}

#[test]
fn words_inside_host_names_count() {
    let context = classify_page(&page("https://www.abortionclinic.example/", "Book an appointment"));
    assert_eq!(context.category(), Some(Sensitive::Health), "{:?}", context);
    assert!(context.evidence_line().contains("site name contains 'abortion'"), "{}", context.evidence_line());
}

#[test]
fn a_phrase_written_as_the_site_name_counts_in_full_and_inside_a_longer_label_discounted() {
    let weight = |url: &str| {
        let context = classify_page(&page(url, ""));
        let health = context.sensitive.iter().find(|f| f.category == Sensitive::Health);
        (health.map(|f| f.score), context.evidence_line())
    };
    // "planned parenthood" is a lexicon phrase (health, 6): 6 x 1.5 for the site name.
    assert_eq!(
        weight("https://www.plannedparenthood.org/"),
        (Some(9.0), "site name contains 'planned parenthood'".into())
    );
    // Inside a longer label it may be there by accident: three quarters, under the threshold alone.
    assert_eq!(weight("https://plannedparenthoodaction.example/").0, None);
    // A word that is the whole label is the word scan's find, once.
    let abortion = classify_page(&page("https://abortion.example/", ""));
    assert_eq!(abortion.sensitive.first().map(|f| f.evidence.len()), Some(1), "{abortion:?}");
}

#[test]
fn every_label_of_the_vocabulary_has_data() {
    assert!(lexicon::term_count() > 500);
    let targets: Vec<Target> = lexicon::all_targets().collect();
    for s in Sensitive::ALL {
        assert!(targets.contains(&Target::Sensitive(s)), "{s:?} has no lexicon terms");
        assert_eq!(Sensitive::from_name(s.as_str()), Some(s));
    }
}

#[test]
fn html_signals_are_read_and_bounded() {
    let html = r#"<!doctype html><html><head><title>Clinic &amp; Pharmacy</title>
        <meta name="description" content="Book an appointment">
        <meta property="og:title" content='HIV testing'>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"MedicalClinic"},{"@type":["WebPage","MedicalWebPage"]}]}</script>
        <script>var x = "<h1>not a heading</h1>";</script><style>h1{}</style></head>
        <body><!-- <h1>comment</h1> --><h1>Sexual <b>health</b> clinic</h1><p>Free &#x48;IV tests</p></body></html>"#;
    let signals = PageSignals::from_html("https://clinic.example/", html);
    assert_eq!(signals.title, "Clinic & Pharmacy");
    assert_eq!(signals.description, "Book an appointment");
    assert_eq!(signals.og_title, "HIV testing");
    assert_eq!(signals.schema_types, ["MedicalClinic", "WebPage", "MedicalWebPage"]);
    assert_eq!(signals.headings, ["Sexual health clinic"]);
    assert!(signals.text.contains("Free HIV tests"), "{}", signals.text);
    assert!(!signals.text.contains("not a heading"));
    assert_eq!(classify_page(&signals).category(), Some(Sensitive::Health));

    let hostile = format!("<title>{}</title><h1>{}", "a".repeat(5_000_000), "<".repeat(100_000));
    let signals = PageSignals::from_html("https://x.example/", &hostile);
    assert!(signals.title.len() <= 1000 && signals.text.len() <= MAX_TEXT);
    for broken in [
        "<",
        "<meta content=",
        "<script type=application/ld+json>{",
        "&#xffffffff; &#99999999999;",
        "<h1>é",
        "\u{0}<ti",
    ] {
        let _ = classify_page(&PageSignals::from_html("https://x.example/", broken));
    }
}

#[test]
fn what_meta_received_on_a_pharmacy_page_is_named_with_the_identifiers() {
    let page_url = "https://pharmacy.example/products/oraquick-hiv-self-test";
    let context = classify_page(&page(page_url, "OraQuick HIV Self-Test | Pharmacy"));
    let pixel = "https://www.facebook.com/tr/?id=123&ev=ViewContent&dl=https%3A%2F%2Fpharmacy.example%2Fproducts%2Foraquick-hiv-self-test&rl=&cd[content_name]=OraQuick%20HIV%20Self-Test&fbp=fb.1.1700000000.123456789";
    let companies = vec![
        CompanyRequests {
            company: "Meta".into(),
            categories: vec![crate::Category::Advertising],
            requests: vec![SentRequest {
                url: pixel.into(),
                cookies: vec!["_fbp".into(), "fr".into()],
                ..SentRequest::default()
            }],
        },
        // A CDN that got the page only as a bare Referer origin learned nothing about the page.
        CompanyRequests {
            company: "jsDelivr".into(),
            categories: vec![crate::Category::Cdn],
            requests: vec![SentRequest {
                url: "https://cdn.jsdelivr.net/npm/x.js".into(),
                referer: Some("https://pharmacy.example/".into()),
                ..SentRequest::default()
            }],
        },
        CompanyRequests {
            company: "Google".into(),
            categories: vec![crate::Category::Analytics],
            requests: vec![SentRequest {
                url: "https://www.google-analytics.com/g/collect?v=2&en=page_view&cid=1.2".into(),
                referer: Some(page_url.into()),
                ..SentRequest::default()
            }],
        },
    ];
    let received = what_companies_received(page_url, &context, &companies);
    assert_eq!(received.len(), 2, "{received:#?}");
    let meta = &received[0];
    assert_eq!(meta.company, "Meta");
    assert!(meta.advertiser);
    assert_eq!(meta.content, ["OraQuick HIV Self-Test"]);
    assert_eq!(meta.events, ["ViewContent"]);
    assert_eq!(meta.address, ["dl parameter"]);
    assert_eq!(meta.cookies, ["_fbp", "fr"]);
    assert_eq!(meta.sensitive_terms, ["hiv self-test"]);
    assert_eq!(
        meta.summary,
        "Meta received that you viewed 'OraQuick HIV Self-Test' (event ViewContent) with a Meta browser ID (the _fbp cookie) and the cookies _fbp, fr"
    );
    let google = &received[1];
    assert!(!google.advertiser);
    assert_eq!(google.address, ["Referer header"]);
    assert_eq!(google.identifiers, ["a client ID that identifies this browser (cid)"]);
}

#[test]
fn bounds_replace_every_control_character_and_keep_other_text() {
    let mut page = PageSignals {
        title: "a\u{85}b\tc\u{a0}d\u{7f}é".into(),
        text: "line one\nline two\r\nÉglise".into(),
        ..PageSignals::default()
    };
    page.bound();
    // U+0085 (a C1 control, two bytes) and ASCII controls become spaces; U+00A0 and é stay.
    assert_eq!(page.title, "a b c\u{a0}d é");
    assert_eq!(page.text, "line one line two  Église");
    assert_eq!(page.skipped, 0, "nothing was cut");
    page.text = "x".repeat(MAX_TEXT + 1);
    page.bound();
    assert_eq!((page.text.len(), page.skipped), (MAX_TEXT, 1));
}

#[test]
fn an_ampersand_before_characters_beyond_ascii_is_read_not_a_panic() {
    // Found by the page_context fuzz target: an entity's end was looked for in a byte range that
    // cut a three-byte character (from_html panicked, so `analyze` failed on such a HAR).
    let html = "<title>p&e\u{fffd}\u{fffd}\u{fffd}\u{fffd}z &amp; &#233;t\u{e9} &xe9\u{fffd};</title>";
    let signals = PageSignals::from_html("https://clinic.example/", html);
    assert_eq!(signals.title, "p&e\u{fffd}\u{fffd}\u{fffd}\u{fffd}z & \u{e9}t\u{e9} &xe9\u{fffd};");
}
