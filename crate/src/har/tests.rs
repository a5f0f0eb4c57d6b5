//! The reader on the recorders' quirks, written small; the real archives are in
//! crate/tests/har_fixtures.rs.

use super::pages::{page_address, Evidence, Grouper};
use super::*;
use serde_json::Value;

/// Reads `har` streamed from a reader and from memory, and checks the two agree in every entry,
/// warning and error (the CLI reads files from memory, the library also from any reader).
fn entries(har: &str) -> (Vec<Entry>, Result<Archive, HarError>) {
    let mut entries = Vec::new();
    let result = read(har.as_bytes(), |e| entries.push(e));
    let mut from_slice = Vec::new();
    let slice_result = read_slice(har.as_bytes(), |e| from_slice.push(e));
    assert_eq!(entries, from_slice, "{har}");
    assert_eq!(format!("{result:?}"), format!("{slice_result:?}"), "{har}");
    (entries, result)
}

fn entry_json(url: &str, extra: &str) -> String {
    format!(
        r#"{{"startedDateTime": "2026-11-25T12:00:00Z", "request": {{"method": "GET", "url": "{url}"}}, "response": {{"status": 200}}{extra}}}"#
    )
}

fn paths(archive: &Archive) -> Vec<&str> {
    archive.warnings.listed.iter().map(|w| w.path.as_str()).collect()
}

#[test]
fn numbers_where_strings_belong_are_read_as_chrome_writes_them() {
    let har = r#"{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": 537.36}, "entries": [
        {"pageref": 1, "startedDateTime": "2026-11-25T12:00:00.000Z",
         "request": {"method": "GET", "url": "https://news.example/", "cookies": [
            {"name": "a", "value": 1, "expires": 1795694400},
            {"name": "b", "value": "x", "expires": 1795694400.75},
            {"name": "c", "value": "x", "expires": 1795694400000},
            {"name": "d", "value": "x", "expires": -1},
            {"name": "e", "value": "x", "expires": "2026-11-26T12:00:00.000Z"},
            {"name": "f", "value": "x", "expires": "Thu, 26 Nov 2026 12:00:00 GMT"}]},
         "response": {"status": "200", "content": {"mimeType": "text/html; charset=utf-8"}}}]}}"#;
    let (entries, archive) = entries(har);
    let archive = archive.unwrap();
    assert!(archive.warnings.is_empty(), "{:?}", archive.warnings);
    assert_eq!(archive.creator.as_deref(), Some("WebInspector 537.36"));
    let entry = &entries[0];
    assert_eq!(entry.pageref.as_deref(), Some("1"));
    assert_eq!((entry.status, entry.mime_type.as_deref()), (Some(200), Some("text/html")));
    let expires: Vec<Option<i64>> = entry.request_cookies.iter().map(|c| c.expires).collect();
    let day = Some(1_795_694_400);
    assert_eq!(expires, [day, day, day, None, day, day]);
    assert_eq!(entry.request_cookies[0].value, "1");
}

#[test]
fn a_byte_order_mark_and_null_pages_are_no_obstacle() {
    let har =
        format!("\u{feff}{{\"log\": {{\"pages\": null, \"entries\": [{}]}}}}", entry_json("https://a.example/", ""));
    let (entries, archive) = entries(&har);
    let archive = archive.unwrap();
    assert_eq!((entries.len(), archive.pages.len()), (1, 0));
    assert!(archive.warnings.is_empty());
}

#[test]
fn a_malformed_optional_field_is_skipped_and_named_the_rest_kept() {
    let bad = r#", "pageref": {"id": 1}, "_resourceType": ["script"]"#;
    let cookie = r#"{"name": "id", "value": "1", "expires": "soon"}"#;
    let har = format!(
        r#"{{"log": {{"pages": 7, "entries": [{}, {}, {}, 42, {}]}}}}"#,
        entry_json("https://a.example/", bad),
        r#"{"request": {"url": "https://a.example/x", "headers": {"cookie": "a=1"}, "cookies": [{"value": "nameless"}, "#.to_owned()
            + cookie
            + r#"]}, "response": [1]}"#,
        r#"{"request": {"method": "GET"}, "response": {}}"#,
        entry_json("https://a.example/last", r#", "request": null"#),
    );
    let (entries, archive) = entries(&har);
    let archive = archive.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.url.as_str()).collect::<Vec<_>>(),
        ["https://a.example/", "https://a.example/x"]
    );
    assert_eq!((entries[0].pageref.as_deref(), entries[0].resource_type.as_deref()), (None, None));
    assert_eq!(entries[1].request_cookies.len(), 1, "the nameless cookie is skipped, the other kept");
    assert_eq!(entries[1].request_cookies[0].expires, None);
    assert_eq!(entries[1].index, 1);
    assert_eq!(archive.skipped_entries, 3);
    assert_eq!(
        paths(&archive),
        [
            "log.pages",
            "log.entries[0].pageref",
            "log.entries[0]._resourceType",
            "log.entries[1].response",
            "log.entries[1].request.headers",
            "log.entries[1].request.cookies[0]",
            "log.entries[1].request.cookies[1].expires",
            "log.entries[2].request.url",
            "log.entries[3]",
            "log.entries[4].request.url",
        ]
    );
    assert!(archive.warnings.listed[0].message.contains("expected a list, found a number"));
}

#[test]
fn only_a_file_without_readable_entries_is_an_error() {
    for (har, says) in [
        ("<html>", "not JSON at line 1 column 1"),
        ("{}", "no readable entry (log.entries: missing)"),
        (r#"{"log": {"entries": 5}}"#, "log.entries: expected a list, found the number 5"),
        (r#"{"log": {"entries": [{"request": {}}]}}"#, "log.entries[0].request.url: missing"),
        (r#"{"log": null}"#, "log: expected an object, found null"),
        ("", "not JSON"),
    ] {
        let (_, result) = entries(har);
        let error = result.expect_err(har).to_string();
        assert!(error.contains(says), "{har}: {error}");
    }
}

#[test]
fn a_file_that_breaks_off_keeps_the_entries_before_the_break() {
    let har = format!(
        r#"{{"log": {{"entries": [{}, {}, {{"request": {{"url": "https://a.exa"#,
        entry_json("https://a.example/1", ""),
        entry_json("https://a.example/2", "")
    );
    let (entries, archive) = entries(&har);
    let archive = archive.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(paths(&archive), ["log.entries[2]"]);
    assert!(archive.warnings.listed[0].message.contains("breaks off at line 1"), "{:?}", archive.warnings);
}

#[test]
fn warnings_are_bounded_but_all_counted() {
    let bad: Vec<String> = (0..500).map(|i| format!(r#"{{"request": {{"url": {i}0}}}}"#)).collect();
    let bad = bad.iter().map(|_| r#"{"request": {}}"#).collect::<Vec<_>>().join(",");
    let har = format!(r#"{{"log": {{"entries": [{bad}, {}]}}}}"#, entry_json("https://a.example/", ""));
    let (_, archive) = entries(&har);
    let archive = archive.unwrap();
    assert_eq!((archive.warnings.total, archive.warnings.listed.len()), (500, MAX_LISTED_WARNINGS));
}

#[test]
fn cookies_come_from_headers_when_the_lists_are_empty() {
    let har = r#"{"log": {"entries": [{"startedDateTime": "2026-11-25T12:00:00Z",
        "request": {"url": "https://a.example/", "headers": [{"name": "Cookie", "value": "_ga=GA1.2.3; sid=x"},
            {"name": "User-Agent", "value": "not kept"}], "cookies": []},
        "response": {"status": 200, "headers": [
            {"name": "set-cookie", "value": "IDE=AHWq; Max-Age=33696000; Domain=.doubleclick.net\nold=; Max-Age=0"},
            {"name": "Set-Cookie", "value": "uid=9; Expires=Fri, 27 Nov 2026 12:00:00 GMT; Path=/x; HttpOnly"}], "cookies": []}}]}}"#;
    let (entries, _) = entries(har);
    let entry = &entries[0];
    assert_eq!(entry.request_headers.len(), 1, "only the headers the analysis reads are kept");
    let sent: Vec<(&str, &str)> = entry.cookies_sent().iter().map(|c| (c.name, c.value)).collect();
    assert_eq!(sent, [("_ga", "GA1.2.3"), ("sid", "x")]);
    let set: Vec<(&str, Option<i64>, Option<&str>)> =
        entry.cookies_set().iter().map(|c| (c.name, c.expires_in(entry.started), c.domain)).collect();
    assert_eq!(
        set,
        [("IDE", Some(33_696_000), Some(".doubleclick.net")), ("old", Some(0), None), ("uid", Some(2 * 86_400), None)]
    );
}

#[test]
fn structured_cookies_keep_their_lifetime_from_the_response_date() {
    let har = r#"{"log": {"entries": [{"startedDateTime": "2026-11-25T12:00:00Z",
        "request": {"url": "https://a.example/", "cookies": [{"name": "a", "value": "1", "domain": ".a.example"}]},
        "response": {"status": 200, "headers": [{"name": "Date", "value": "Wed, 25 Nov 2026 13:00:00 GMT"}],
            "cookies": [{"name": "id", "value": "2", "expires": "2026-11-26T13:00:00Z"}, {"name": "s", "value": "3"}]}}]}}"#;
    let (entries, _) = entries(har);
    let entry = &entries[0];
    assert_eq!(entry.cookies_sent()[0].domain, Some(".a.example"));
    let set: Vec<(&str, Option<i64>)> = entry.cookies_set().iter().map(|c| (c.name, c.expires_in(None))).collect();
    assert_eq!(set, [("id", Some(86_400)), ("s", None)]);
}

fn page_entries(list: &[(&str, &str, Option<&str>, i64, &str)]) -> Vec<Entry> {
    list.iter()
        .enumerate()
        .map(|(index, (method, url, kind, status, extra))| {
            let mut entry = Entry {
                index,
                method: (*method).to_owned(),
                url: (*url).to_owned(),
                resource_type: kind.map(str::to_owned),
                status: Some(*status),
                ..Entry::default()
            };
            if let Some(location) = extra.strip_prefix("location:") {
                entry.response_headers.push(Header { name: "location".into(), value: location.into() });
            } else if let Some(mime) = extra.strip_prefix("mime:") {
                entry.mime_type = Some(mime.into());
            } else if let Some(referer) = extra.strip_prefix("referer:") {
                entry.request_headers.push(Header { name: "referer".into(), value: referer.into() });
            }
            entry
        })
        .collect()
}

#[test]
fn the_page_is_the_first_document_never_a_marker_or_an_early_script() {
    // A proxy's tunnel and a third-party script before the document, then its redirects.
    let entries = page_entries(&[
        ("CONNECT", "http://www.shop.example:443", None, 200, ""),
        ("GET", "https://static.klaviyo.com/onsite/js/klaviyo.js", Some("script"), 200, ""),
        ("GET", "http://shop.example/", Some("document"), 301, "location:https://shop.example/"),
        ("GET", "https://shop.example/", Some("document"), 302, "location:/home"),
        ("GET", "https://shop.example/home", Some("document"), 200, ""),
        ("GET", "https://ads.example/frame", Some("document"), 200, ""),
    ]);
    let page = page_address(&entries, None).unwrap();
    assert_eq!((page.url.as_str(), page.final_url.as_str()), ("http://shop.example/", "https://shop.example/home"));
    assert_eq!((page.main, page.evidence), (Some(4), Evidence::Document));

    // Without resource types (Firefox, WebPageTest): the first HTML response, its redirects
    // followed back.
    let entries = page_entries(&[
        ("GET", "http://fiddler.marker/", None, 200, ""),
        ("GET", "https://cdn.example/app.js", None, 200, "mime:application/javascript"),
        ("GET", "http://news.example/", None, 301, "location:http://www.news.example/"),
        ("GET", "http://www.news.example/", None, 200, "mime:text/html"),
    ]);
    let page = page_address(&entries, None).unwrap();
    assert_eq!(
        (page.url.as_str(), page.final_url.as_str(), page.main),
        ("http://news.example/", "http://www.news.example/", Some(3))
    );
}

#[test]
fn without_a_document_the_most_common_referer_or_the_title_names_the_page() {
    let entries = page_entries(&[
        ("GET", "https://metrics.example/beacon", Some("ping"), 204, "referer:https://blog.example/post"),
        ("GET", "https://cdn.example/a.js", Some("script"), 200, "referer:https://blog.example/"),
        ("GET", "https://cdn.example/b.js", Some("script"), 200, "referer:https://blog.example/"),
    ]);
    let page = page_address(&entries, None).unwrap();
    assert_eq!((page.url.as_str(), page.evidence), ("https://blog.example/", Evidence::Referer));
    // What the browser said the page was wins over the recorder's title.
    let page = page_address(&entries, Some("https://blog.example/titled")).unwrap();
    assert_eq!(page.evidence, Evidence::Referer);
    assert_eq!(page_address(&entries[..0], None), None);
    let alone = page_entries(&[("GET", "https://metrics.example/beacon", Some("ping"), 204, "")]);
    let page = page_address(&alone, Some("Run 1, Repeat View for http://blog.example")).unwrap();
    assert_eq!((page.url.as_str(), page.evidence), ("http://blog.example", Evidence::Title));
    assert_eq!(page_address(&alone, Some("My page")).unwrap().evidence, Evidence::FirstRequest);
}

#[test]
fn pages_keep_the_archive_order_and_grouping_is_linear() {
    let mut grouper = Grouper::default();
    for (at, pageref) in ["b", "a", "b", "x", "a"].iter().enumerate() {
        grouper.add(Entry { index: at, pageref: Some((*pageref).to_owned()), ..Entry::default() });
    }
    grouper.add(Entry { index: 5, ..Entry::default() });
    let page = |id: &str| Page { id: id.to_owned(), title: Some(format!("title {id}")), started: None };
    let groups = grouper.finish(&[page("a"), page("b"), page("empty")]);
    let shape: Vec<(Option<&str>, Vec<usize>)> =
        groups.iter().map(|g| (g.id.as_deref(), g.entries.iter().map(|e| e.index).collect())).collect();
    assert_eq!(shape, [(Some("a"), vec![1, 4]), (Some("b"), vec![0, 2]), (Some("x"), vec![3]), (None, vec![5])]);
    assert_eq!(groups[0].title.as_deref(), Some("title a"));
}

/// The old path, kept as the reference: the whole file parsed into one `serde_json::Value` and
/// every entry read from its complete value (no pruning, no slice reader).
fn reference_read(bytes: &[u8]) -> (Vec<Entry>, Vec<Warning>) {
    let json: Value = serde_json::from_slice(bytes.strip_prefix(BOM).unwrap_or(bytes)).expect("a fixture is JSON");
    let mut warnings = Warnings::default();
    let entries = match &json["log"]["entries"] {
        Value::Array(items) => items,
        other => panic!("no log.entries list: {other}"),
    };
    let read = entries
        .iter()
        .enumerate()
        .filter_map(|(at, value)| entry::read_entry(at, &pruned::Raw::of_value(value), &mut warnings));
    (read.collect(), warnings.listed)
}

#[test]
fn the_fixtures_read_the_same_through_the_fast_path_and_the_reference() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/har");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/har")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "har"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 10, "{fixtures:?}");
    // Bad input beside the real archives: a bad optional field costs only itself, a bad entry
    // is skipped with its warning, the same way on both paths.
    let bad = br#"{"log": {"entries": [7, {"request": {"url": 3}}, {"request": "x"},
        {"pageref": [], "startedDateTime": "yesterday", "_resourceType": {}, "timings": {"wait": "slow"},
         "request": {"url": "https://a.example/", "method": 1, "headers": [{"value": "v"}, {"name": "Referer", "value": []}],
                     "cookies": [{"value": "no name"}, {"name": "id", "value": "1", "expires": "soon"}, 4]},
         "response": {"status": "x", "headers": {}, "cookies": "c", "content": {"mimeType": 5, "text": 1}}}]}}"#;
    let mut compared = 0;
    for (name, bytes) in fixtures
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("a fixture")))
        .chain([("bad entries".to_owned(), bad.to_vec())])
    {
        let (expected, expected_warnings) = reference_read(&bytes);
        let mut fast = Vec::new();
        let archive = read_slice(&bytes, |e| fast.push(e)).expect("a readable archive");
        let mut streamed = Vec::new();
        read(&bytes[..], |e| streamed.push(e)).expect("a readable archive");
        assert_eq!(fast, expected, "{name}");
        assert_eq!(streamed, expected, "{name}");
        // The entries' own warnings, in order (the file-level ones have no entry path).
        let entry_warnings: Vec<&Warning> =
            archive.warnings.listed.iter().filter(|w| w.path.starts_with("log.entries[")).collect();
        assert_eq!(entry_warnings, expected_warnings.iter().collect::<Vec<_>>(), "{name}");
        assert_eq!(archive.entries + archive.skipped_entries, reference_count(&bytes), "{name}");
        if name == "bad entries" {
            assert_eq!((archive.entries, archive.skipped_entries), (2, 2), "{:?}", archive.warnings.listed);
            assert!(expected_warnings.len() >= 10, "{expected_warnings:?}");
        }
        compared += expected.len();
    }
    assert!(compared > 500, "only {compared} entries compared");
}

fn reference_count(bytes: &[u8]) -> usize {
    let json: Value = serde_json::from_slice(bytes.strip_prefix(BOM).unwrap_or(bytes)).expect("JSON");
    json["log"]["entries"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_byte_that_is_not_utf8_breaks_the_file_off_there_on_every_path() {
    let mut bytes = br#"{"log": {"entries": [{"request": {"url": "https://a.example/"}},
        {"request": {"url": "https://b.example/"#
        .to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(br#""}}, {"request": {"url": "https://c.example/"}}]}}"#);
    for (path, in_memory) in [("slice", true), ("stream", false)] {
        let mut urls = Vec::new();
        let archive =
            if in_memory { read_slice(&bytes, |e| urls.push(e.url)) } else { read(&bytes[..], |e| urls.push(e.url)) }
                .expect("the entry before the bad byte is kept");
        assert_eq!(urls, ["https://a.example/"], "{path}");
        assert!(archive.warnings.listed[0].message.contains("breaks off"), "{path}: {:?}", archive.warnings.listed);
    }
    // Valid UTF-8 beyond ASCII reads the same on both paths.
    let text = r#"{"log": {"entries": [{"request": {"url": "https://caf\u00e9.example/é"}}]}}"#;
    let mut fast = Vec::new();
    read_slice(text.as_bytes(), |e| fast.push(e)).unwrap();
    let mut streamed = Vec::new();
    read(text.as_bytes(), |e| streamed.push(e)).unwrap();
    assert_eq!(fast, streamed);
    assert_eq!(fast[0].url, "https://café.example/é");
}
