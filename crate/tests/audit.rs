//! `tracklens audit` end to end: headless Debian Chromium with the built extension (dist/chromium,
//! made by scripts/build.sh) on the demo site, and Firefox (`--browser firefox`, dist/firefox). Checks the JSON report, the consent flow, the exit
//! status of each policy, that an unreachable page is recorded while the crawl goes on, and what
//! the protection modes let reach the demo server (its request log, TRACKLENS_DEMO_LOG).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One browser at a time: the machine's cores are shared, and each audit starts its own.
static BROWSER: Mutex<()> = Mutex::new(());

/// `tracklens audit ARGS`, run from the repository, and the right to start a browser.
fn audit_command(args: &[&str]) -> (Command, MutexGuard<'static, ()>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let package = if args.contains(&"firefox") { "dist/firefox" } else { "dist/chromium" };
    assert!(
        root.join(package).join("manifest.json").is_file(),
        "no built extension in {}: run scripts/build.sh before cargo test (scripts/test.sh does)",
        root.join(package).display()
    );
    let one = BROWSER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut command = Command::new(env!("CARGO_BIN_EXE_tracklens"));
    command.arg("audit").args(args).current_dir(root);
    (command, one)
}

fn audit(args: &[&str]) -> Output {
    let (mut command, _one) = audit_command(args);
    command.output().expect("the tracklens binary runs")
}

/// One request the demo server received, from its log.
#[derive(Debug)]
struct Received {
    host: String,
    path: String,
    /// The query string, `?` included.
    query: String,
    gpc: bool,
}

/// `tracklens audit ARGS` with the demo server logging every request it receives to a file;
/// returns the audit's output and the log.
fn audit_logged(name: &str, args: &[&str]) -> (Output, Vec<Received>) {
    let log = temp(name);
    let _ = std::fs::remove_file(&log);
    let (mut command, _one) = audit_command(args);
    let output = command.env("TRACKLENS_DEMO_LOG", &log).output().expect("the tracklens binary runs");
    let received = lines(&log)
        .into_iter()
        .map(|r| Received {
            host: r["host"].as_str().unwrap_or_default().to_owned(),
            path: r["path"].as_str().unwrap_or_default().to_owned(),
            query: r["query"].as_str().unwrap_or_default().to_owned(),
            gpc: r["gpc"] == true,
        })
        .collect();
    (output, received)
}

/// The demo's advertising, session-replay and fingerprinting endpoints (tests/demo/site).
const BLOCKED_BY_DEFAULT: &[&str] = &[
    "googleads.g.doubleclick.net",
    "connect.facebook.net",
    "www.facebook.com",
    "static.hotjar.com",
    "in.hotjar.com",
    "fpnpmcdn.net",
    "api.fpjs.io",
];

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tracklens-audit-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON report"))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every tracking vendor of the demo page is in the report, with its purpose, as the extension
/// classified it.
fn assert_demo_trackers(page: &Value) {
    for (name, purpose) in [
        ("Google", "advertising"),
        ("Meta", "advertising"),
        ("Hotjar", "session_replay"),
        ("Optimizely", "personalization"),
        ("X", "social"),
        ("Fingerprint", "fingerprinting"),
    ] {
        let company = company(page, name);
        assert_eq!(company["tracker"], true, "{name}");
        assert!(company["categories"].as_array().unwrap().contains(&json!(purpose)), "{name}: {purpose}");
    }
}

fn company<'a>(page: &'a Value, name: &str) -> &'a Value {
    page["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {page}"))
}

#[test]
fn the_demo_audit_reports_what_the_extension_recorded_after_accepting_consent() {
    let json_path = temp("demo.jsonl");
    let html = temp("demo.html");
    let (output, received) = audit_logged(
        "demo-requests.jsonl",
        &["--consent", "accept", "--json", json_path.to_str().unwrap(), "--html", html.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Protection off by default: every tracker reaches the demo, and nothing sends GPC.
    for host in BLOCKED_BY_DEFAULT {
        assert!(received.iter().any(|r| r.host == *host), "{host} not reached: {received:?}");
    }
    assert!(received.iter().all(|r| !r.gpc), "GPC sent while observing");
    let pages = lines(&json_path);
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    assert_eq!(page["schema"], "tracklens-audit/1");
    assert_eq!(page["source"], "extension");
    assert_eq!(page["url"], "https://news.example/");
    assert_eq!(page["status"], "ok");
    assert_demo_trackers(page);
    assert_eq!(company(page, "jsDelivr")["tracker"], false);
    // The second visit (after the choice) sends DoubleClick its IDE cookie back.
    assert!(company(page, "Google")["cookiesSent"].as_array().unwrap().contains(&json!("IDE")), "{page}");
    // Cookies with purposes and lifetimes from the browser's store; storage keys too.
    let cookie = |name: &str| page["cookies"].as_array().unwrap().iter().find(|c| c["name"] == name).cloned();
    let ide = cookie("IDE").expect("IDE cookie");
    assert_eq!(ide["purpose"], "advertising");
    let days = ide["lifetimeDays"].as_f64().expect("IDE has a lifetime");
    assert!((389.0..=390.0).contains(&days), "{days}");
    assert_eq!(cookie("SESSIONID").expect("SESSIONID")["lifetimeDays"], Value::Null, "a session cookie");
    assert_eq!(ide["partitioned"], Value::Null, "Chromium keeps third-party cookies unpartitioned here");
    assert!(page["storage"].as_array().unwrap().iter().any(|s| s["name"] == "theme"));
    // The banner was answered: the accept string is decoded, and the requests before the
    // click are told apart from those after.
    assert_eq!(page["consentAction"], "accept");
    assert_eq!(page["consentClicked"], true);
    assert_eq!(page["consent"]["format"], "tcf");
    assert!(page["consent"]["vendors"].as_u64().unwrap() > 0, "{}", page["consent"]);
    let requests = page["trackingRequests"].as_array().unwrap();
    assert!(
        requests.iter().any(|r| r["beforeConsent"] == true) && requests.iter().any(|r| r["beforeConsent"] == false)
    );
    assert!(page["timing"]["loadMs"].as_f64().unwrap() > 0.0);
    assert_eq!(page["protection"]["mode"], "off");
    assert_eq!(page["protection"]["gpc"], false);
    assert_eq!(page["protection"]["rules"], 0, "observing installs no rule");
    assert_eq!(page["gpc"]["extension"], false);
    assert!(requests.iter().all(|r| r["blocked"] == false));
    // What the extension's transparency found: the fingerprinting script scored by the core, and
    // what Google's hits carried, named.
    let script = &page["fingerprinting"][0];
    assert_eq!(script["company"], "Fingerprint", "{}", page["fingerprinting"]);
    assert!(matches!(script["verdict"]["level"].as_str(), Some("medium" | "high")), "{script}");
    assert!(script["verdict"]["techniques"].as_array().unwrap().contains(&json!("canvas")), "{script}");
    let sent = company(page, "Google")["sent"].as_array().unwrap();
    assert!(sent.iter().any(|p| p["name"] == "cid" && p["kind"] == "identifier"), "{sent:?}");
    assert_eq!(page["leaks"], json!([]), "nothing was typed");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("TrackLens audit of https://news.example/"));
    assert!(stdout.contains("Fingerprint: fingerprinting"));
    assert!(stdout.contains("TrackLens protection off (observing: nothing blocked or changed)"), "{stdout}");
    assert!(stdout.contains("\nFingerprinting:\n  Fingerprint: "), "{stdout}");
    assert!(stdout.contains("its requests carried: ") && stdout.contains("cid ("), "{stdout}");
    assert!(stderr(&output).contains("1/1 pages"), "a progress line");
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("<svg") && html.contains("Hotjar") && !html.contains("<script"));
    assert!(html.contains("<h3>Fingerprinting</h3>") && html.contains("https://fpnpmcdn.net/"), "fingerprinting table");
}

#[test]
fn with_protection_on_the_demo_trackers_never_reach_the_server_and_the_policy_passes() {
    let json_path = temp("protected.jsonl");
    let (output, received) = audit_logged(
        "protected-requests.jsonl",
        &[
            "--protection",
            "on",
            "--fail-on",
            "advertising,session_replay,fingerprinting",
            "--json",
            json_path.to_str().unwrap(),
        ],
    );
    // Every tracker of these purposes was blocked: none left, so the policy holds.
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
    assert!(received.iter().any(|r| r.host == "news.example" && r.path == "/"), "the page loaded: {received:?}");
    for host in BLOCKED_BY_DEFAULT {
        assert!(!received.iter().any(|r| r.host == *host), "{host} reached the demo: {received:?}");
    }
    assert!(received.iter().any(|r| r.host == "news.example" && r.gpc), "GPC is on by default");
    let page = &lines(&json_path)[0];
    assert_eq!(page["protection"]["mode"], "on");
    assert_eq!(page["protection"]["gpc"], true);
    assert!(page["protection"]["rules"].as_u64().unwrap() > 0, "{}", page["protection"]);
    assert_eq!(page["gpc"]["extension"], true);
    // The blocked requests are listed as such: the browser tried, the extension stopped them.
    let requests = page["trackingRequests"].as_array().unwrap();
    let doubleclick: Vec<_> = requests.iter().filter(|r| r["host"] == "googleads.g.doubleclick.net").collect();
    assert!(!doubleclick.is_empty() && doubleclick.iter().all(|r| r["blocked"] == true), "{requests:?}");
    assert!(requests.iter().any(|r| r["host"] == "www.google-analytics.com" && r["blocked"] == false));
    // Autoconsent declined the banner on its own, and Google's analytics cookies stayed anyway.
    assert_eq!(page["declined"]["status"], "declined", "{}", page["declined"]);
    assert_eq!(page["declined"]["auto"], true);
    let ignored = page["ignoredRefusal"].as_array().unwrap();
    assert!(ignored.iter().any(|c| c["company"] == "Google"), "{ignored:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("TrackLens protection on (its defaults, "), "{stdout}");
    assert!(stdout.contains("blocked: 1 of its requests never left the browser"), "{stdout}");
    assert!(stdout.contains("\nIgnored the refusal:\n  Google: "), "{stdout}");
}

#[test]
fn gpc_while_observing_is_sent_and_reported() {
    let json_path = temp("gpc.jsonl");
    let (output, received) =
        audit_logged("gpc-requests.jsonl", &["--gpc", "--settle", "1000", "--json", json_path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page_requests: Vec<_> = received.iter().filter(|r| r.host == "news.example" && r.path == "/").collect();
    assert!(!page_requests.is_empty() && page_requests.iter().all(|r| r.gpc), "{received:?}");
    // Observing otherwise: the advertising trackers still load.
    assert!(received.iter().any(|r| r.host == "googleads.g.doubleclick.net"), "{received:?}");
    let page = &lines(&json_path)[0];
    assert_eq!(page["protection"], json!({ "mode": "off", "gpc": true, "rules": 1 }));
    assert_eq!(page["gpc"], json!({ "navigator": true, "header": true, "extension": true }));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Global Privacy Control: sent"), "{stdout}");
}

#[test]
fn in_firefox_the_audit_reports_the_demo_trackers_and_what_reached_the_server() {
    let json_path = temp("firefox.jsonl");
    let (output, received) = audit_logged(
        "firefox-requests.jsonl",
        &["--browser", "firefox", "--consent", "accept", "--gpc", "--json", json_path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = &lines(&json_path)[0];
    assert_eq!((&page["status"], &page["source"]), (&json!("ok"), &json!("extension")), "{page}");
    assert_demo_trackers(page);
    // Observing: every tracker the report lists as not blocked reached the demo, and no other did.
    let requests = page["trackingRequests"].as_array().unwrap();
    for request in requests {
        assert_eq!(request["blocked"], false, "{request}");
        let host = request["host"].as_str().unwrap();
        assert!(received.iter().any(|r| r.host == host), "{host} is in the report, not in the server's log");
    }
    for host in BLOCKED_BY_DEFAULT {
        assert!(requests.iter().any(|r| r["host"] == *host), "{host} reached the demo, not the report");
    }
    // The header the report says went with the page is the one the server received.
    let page_requests: Vec<_> = received.iter().filter(|r| r.host == "news.example" && r.path == "/").collect();
    assert_eq!(page_requests.len(), 2, "the page, and again after the banner's choice: {page_requests:?}");
    assert_eq!(page["gpc"]["header"], json!(page_requests.iter().all(|r| r.gpc)), "{}", page["gpc"]);
    assert_eq!(page["gpc"]["navigator"], true);
    // After the choice, DoubleClick's IDE cookie goes back, with its lifetime from Firefox's store
    // (a third-party cookie, kept in the page's partition).
    assert!(company(page, "Google")["cookiesSent"].as_array().unwrap().contains(&json!("IDE")), "{page}");
    let ide = page["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "IDE").expect("IDE cookie");
    assert!((389.0..=390.0).contains(&ide["lifetimeDays"].as_f64().unwrap()), "{ide}");
    assert_eq!(ide["partitioned"], true, "{ide}");
    let own = page["cookies"].as_array().unwrap().iter().find(|c| c["name"] == "_ga").expect("_ga cookie");
    assert_eq!(own["partitioned"], Value::Null, "the site's own cookie is not partitioned: {own}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("390 days, partitioned: kept to this site"));
    assert_eq!((&page["consentClicked"], &page["consent"]["format"]), (&json!(true), &json!("tcf")));
    assert!(
        requests.iter().any(|r| r["beforeConsent"] == true) && requests.iter().any(|r| r["beforeConsent"] == false)
    );
}

#[test]
fn in_firefox_with_protection_on_blocked_trackers_never_reach_the_server() {
    let json_path = temp("firefox-protected.jsonl");
    let (output, received) = audit_logged(
        "firefox-protected-requests.jsonl",
        &["--browser", "firefox", "--protection", "on", "--json", json_path.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(received.iter().any(|r| r.host == "news.example" && r.path == "/"), "the page loaded: {received:?}");
    for host in BLOCKED_BY_DEFAULT {
        assert!(!received.iter().any(|r| r.host == *host), "{host} reached the demo: {received:?}");
    }
    let page = &lines(&json_path)[0];
    assert_eq!(page["protection"]["mode"], "on");
    // What the report calls blocked never reached the server; what it calls sent did.
    let requests = page["trackingRequests"].as_array().unwrap();
    assert!(requests.iter().any(|r| r["blocked"] == true) && requests.iter().any(|r| r["blocked"] == false));
    for request in requests {
        let reached =
            received.iter().any(|r| request["url"].as_str().unwrap().contains(&format!("://{}{}", r.host, r.path)));
        assert_eq!(reached, request["blocked"] == false, "{request}");
    }
    assert_eq!(page["declined"]["status"], "declined", "{}", page["declined"]);
}

#[test]
fn each_policy_fails_the_demo_page_with_status_1_and_passes_the_baseline_page() {
    let json_path = temp("policy.jsonl");
    let junit = temp("policy.xml");
    let policies = ["--fail-on", "fingerprinting", "--max-third-parties", "3", "--no-tracking-before-consent"];
    let mut args = vec![
        "--demo",
        "--consent",
        "reject",
        "--json",
        json_path.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ];
    args.extend(policies);
    args.extend(["https://news.example/", "https://news.example/plain.html"]);
    let output = audit(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let pages = lines(&json_path);
    let page = |url: &str| pages.iter().find(|p| p["url"] == url).unwrap_or_else(|| panic!("{url}"));
    let news = page("https://news.example/");
    let rules: Vec<&str> = news["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["fail-on", "max-third-parties", "no-tracking-before-consent"]);
    let evidence = |rule: &str| -> Vec<String> {
        let violation = news["violations"].as_array().unwrap().iter().find(|v| v["rule"] == rule).unwrap();
        violation["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_owned()).collect()
    };
    assert!(evidence("fail-on").iter().any(|url| url.starts_with("https://api.fpjs.io/")), "{:?}", evidence("fail-on"));
    assert!(evidence("no-tracking-before-consent").iter().any(|url| url.contains("google-analytics.com")));
    assert!(evidence("max-third-parties").contains(&"hotjar.com".to_owned()));
    // Rejected: the decoded string says so, and the baseline page without third parties passes.
    assert!(news["consent"]["summary"].as_str().unwrap().contains("did not consent"), "{}", news["consent"]);
    let plain = page("https://news.example/plain.html");
    assert_eq!(plain["status"], "ok");
    assert_eq!(plain["violations"], json!([]));
    assert_eq!(plain["thirdPartySites"], json!([]));
    let junit = std::fs::read_to_string(junit).unwrap();
    assert!(junit.contains("tests=\"2\" failures=\"1\" errors=\"0\""), "{junit}");
}

#[test]
fn an_unreachable_page_is_recorded_and_the_crawl_goes_on_and_resumes() {
    // A loopback port nobody listens on (localhost is excluded from the demo's host mapping).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = format!("https://localhost:{port}/");
    let json_path = temp("crawl.jsonl");
    let json_arg = json_path.to_str().unwrap();
    let urls = temp("urls.txt");
    std::fs::write(&urls, "# the baseline page\n\nhttps://news.example/plain.html\n").unwrap();
    let crawl =
        ["--demo", "--retries", "1", "--settle", "500", "--json", json_arg, &dead, "--urls", urls.to_str().unwrap()];
    let output = audit(&crawl);
    assert_eq!(output.status.code(), Some(2), "a page that could not be audited is an error");
    let pages = lines(&json_path);
    assert_eq!(pages.len(), 2);
    let failed = pages.iter().find(|p| p["url"] == dead.as_str()).unwrap();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["attempts"], 2, "tried again once");
    assert!(failed["error"].as_str().unwrap().contains("ERR_CONNECTION_REFUSED"), "{}", failed["error"]);
    let plain = pages.iter().find(|p| p["url"] == "https://news.example/plain.html").unwrap();
    assert_eq!(plain["status"], "ok");
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("FAILED {dead}")));

    // Resumed: the finished page is kept and skipped, the failed one is tried again.
    let mut resume = crawl.to_vec();
    resume.push("--resume");
    let output = audit(&resume);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("1/1 pages"), "{}", stderr(&output));
    let pages = lines(&json_path);
    assert_eq!(pages.len(), 2, "one line per page");
    assert_eq!(pages[0]["url"], "https://news.example/plain.html");
    assert_eq!(pages[0]["auditedAt"], plain["auditedAt"], "the finished page was not audited again");
}

#[test]
fn usage_errors_exit_2_with_a_reason() {
    for (args, expected) in [
        (vec!["--extension", "/nonexistent"], "no built extension in /nonexistent"),
        (vec!["ftp://example.com/"], "not an http(s) URL"),
        (vec!["--consent", "maybe"], "--consent takes accept, reject or none"),
        (vec!["--fail-on", "spying"], "unknown purpose \"spying\""),
        (vec!["--resume"], "--resume needs --json FILE"),
        (vec!["--urls", "/nonexistent/urls.txt"], "--urls /nonexistent/urls.txt"),
        (vec!["--protection", "maybe"], "--protection takes off or on"),
        (vec!["--protection", "on", "--gpc"], "--gpc is for --protection off"),
        (vec!["--without-extension", "--gpc"], "need the extension"),
    ] {
        let output = audit(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(expected), "{args:?}: {}", stderr(&output));
    }
}

/// The id of `parent`'s child process whose command line contains `needle`, once it exists.
fn child_process(parent: u32, needle: &str, timeout: Duration) -> Option<u32> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid ...: the command name may hold spaces, so read after its ')'.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if ppid == Some(parent) && String::from_utf8_lossy(&cmdline).contains(needle) {
                return Some(pid);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn a_browser_that_dies_mid_crawl_is_replaced_and_its_page_tried_again() {
    let json_path = temp("crash.jsonl");
    let urls = ["https://news.example/", "https://news.example/plain.html", "https://news.example/"];
    let mut args = vec!["--demo", "--settle", "1000", "--json", json_path.to_str().unwrap()];
    args.extend(urls);
    let (mut command, _one) = audit_command(&args);
    let mut crawl = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    // Kill the crawl's Chromium (and nothing else: the child of this crawl) as a crash would.
    let chromium =
        child_process(crawl.id(), "--remote-debugging-port", Duration::from_secs(20)).expect("Chromium started");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(Command::new("kill").args(["-9", &chromium.to_string()]).status().unwrap().success());
    let status = crawl.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let pages = lines(&json_path);
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p["status"] == "ok"), "{pages:?}");
    let attempts: u64 = pages.iter().map(|p| p["attempts"].as_u64().unwrap()).sum();
    assert_eq!(attempts, 4, "the page the browser died on was tried once more, in a new browser");
    // The new browser started with the extension's defaults (blocking): the audit's observing
    // settings were saved in it too, or its pages would have protection rules in effect.
    for page in &pages {
        assert_eq!(page["protection"], json!({ "mode": "off", "gpc": false, "rules": 0 }), "{}", page["url"]);
    }
}

#[test]
fn a_sensitive_page_names_what_meta_received_and_fails_the_policy_while_its_control_passes() {
    let json_path = temp("sensitive.jsonl");
    let pharmacy = "https://shop.example/pharmacy/oraquick-hiv-self-test.html";
    let control = "https://shop.example/products/ice-scraper.html";
    let (output, received) = audit_logged(
        "sensitive-requests.jsonl",
        &["--demo", "--json", json_path.to_str().unwrap(), "--fail-on", "sensitive-to-advertisers", pharmacy, control],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // The witness: the demo's Meta endpoint got the product name from both pages.
    let events: Vec<&Received> =
        received.iter().filter(|r| r.host == "www.facebook.com" && r.query.contains("ev=ViewContent")).collect();
    assert!(events.iter().any(|r| r.query.contains("OraQuick%20HIV%20Self-Test")), "{received:?}");
    assert!(events.iter().any(|r| r.query.contains("Ice%20scraper")), "{received:?}");

    let pages = lines(&json_path);
    let page = |url: &str| pages.iter().find(|p| p["url"] == url).unwrap_or_else(|| panic!("{url}"));
    let sensitive = page(pharmacy);
    let context = &sensitive["context"];
    assert_eq!(context["category"], "health", "{context}");
    assert_eq!(context["signals"], "page");
    let evidence = context["evidence"].to_string();
    assert!(evidence.contains("title contains 'hiv self-test'") && evidence.contains("schema.org Drug"), "{evidence}");
    let meta = context["sensitive"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["company"] == "Meta")
        .expect("Meta in the sensitive list");
    assert_eq!(meta["advertiser"], true);
    assert_eq!(meta["content"], json!(["OraQuick HIV Self-Test"]));
    assert!(
        meta["cookies"].as_array().unwrap().iter().any(|c| c == "_fbp")
            || meta["identifiers"].to_string().contains("_fbp"),
        "{meta}"
    );
    let rules: Vec<&str> =
        sensitive["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["sensitive-to-advertisers"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Meta received that you viewed 'OraQuick HIV Self-Test'"), "{stdout}");

    let ordinary = page(control);
    assert_eq!(ordinary["context"]["category"], Value::Null, "{}", ordinary["context"]);
    assert_eq!(ordinary["context"]["sensitive"], json!([]));
    assert_eq!(ordinary["violations"], json!([]));
}

/// Whether process `pid` still runs (a zombie waiting to be reaped does not).
fn running(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()) != Some("Z")
}

fn gone_within(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while running(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    !running(pid)
}

/// Starts a demo audit that stays on its page, and returns it with its Chromium, demo server and
/// Chromium's profile directory once all three exist.
fn running_audit() -> (std::process::Child, u32, u32, PathBuf, MutexGuard<'static, ()>) {
    let (mut command, one) = audit_command(&["--demo", "--settle", "60000"]);
    let crawl = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let demo = child_process(crawl.id(), "server.mjs", Duration::from_secs(20)).expect("the demo server started");
    let chromium =
        child_process(crawl.id(), "--remote-debugging-port", Duration::from_secs(20)).expect("Chromium started");
    let cmdline = String::from_utf8_lossy(&std::fs::read(format!("/proc/{chromium}/cmdline")).unwrap()).into_owned();
    let profile = cmdline.split('\0').find_map(|arg| arg.strip_prefix("--user-data-dir=")).expect("a profile").into();
    (crawl, chromium, demo, profile, one)
}

#[test]
fn sigterm_ends_chromium_and_the_demo_server_and_removes_the_private_profile() {
    use std::os::unix::fs::PermissionsExt;
    let (crawl, chromium, demo, profile, _one) = running_audit();
    let profile: PathBuf = profile;
    let name = profile.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("tracklens-audit-") && name.len() > "tracklens-audit-".len() + 4, "{name}");
    assert_eq!(std::fs::metadata(&profile).unwrap().permissions().mode() & 0o777, 0o700, "private to its user");
    assert!(Command::new("kill").args(["-TERM", &crawl.id().to_string()]).status().unwrap().success());
    let output = crawl.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(128 + 15));
    assert!(stderr(&output).contains("stopped by signal 15"), "{}", stderr(&output));
    assert!(gone_within(chromium, Duration::from_secs(5)), "Chromium outlived the audit");
    assert!(gone_within(demo, Duration::from_secs(5)), "the demo server outlived the audit");
    assert!(!profile.exists(), "the profile {} was left behind", profile.display());
}

#[test]
fn sigkill_still_takes_chromium_and_the_demo_server_down() {
    let (mut crawl, chromium, demo, profile, _one) = running_audit();
    crawl.kill().unwrap();
    crawl.wait().unwrap();
    assert!(gone_within(chromium, Duration::from_secs(10)), "Chromium outlived a killed audit");
    assert!(gone_within(demo, Duration::from_secs(10)), "the demo server outlived a killed audit");
    // Nothing can run after SIGKILL: the private profile is all that may stay behind.
    let _ = std::fs::remove_dir_all(profile);
}
