//! One page in an audit: open a tab, navigate, let the page settle, optionally scroll and answer
//! the consent banner, then read what the extension recorded for the tab. The requests the tab
//! made are also logged from the DevTools Network domain, so the report can say which tracking
//! requests left before the visitor's choice, which the extension blocked, and list them as
//! evidence.

use super::cdp::{evaluate, Cdp, Event};
use super::chromium::Browser;
use super::state_keys::TAB_KEY_PREFIX;
use crate::report::{self, PageReport, SeenRequest};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracklens::cookie_purpose::{classify_cookie, Cookie};
use tracklens::url::NetworkUrl;
use tracklens::{Engine, ResourceType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentAction {
    Accept,
    Reject,
    None,
}

impl ConsentAction {
    pub fn parse(text: &str) -> Result<ConsentAction, String> {
        match text {
            "accept" => Ok(ConsentAction::Accept),
            "reject" => Ok(ConsentAction::Reject),
            "none" => Ok(ConsentAction::None),
            other => Err(format!("--consent takes accept, reject or none, not {other:?}")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentAction::Accept => "accept",
            ConsentAction::Reject => "reject",
            ConsentAction::None => "none",
        }
    }
}

#[derive(Debug, Clone)]
pub struct VisitOptions {
    /// Time after the load event for late scripts, and for the extension's cookie reads (it reads
    /// cookies 0.3 s and 3 s after load, see extension/background/recorder.js).
    pub settle: Duration,
    pub scroll: bool,
    pub consent: ConsentAction,
    pub timeout: Duration,
}

/// The known buttons of common consent platforms (OneTrust, Cookiebot, Didomi, Usercentrics,
/// Quantcast, TrustArc), then any short button whose text says accept or reject.
const ACCEPT_SELECTORS: &[&str] = &[
    "#onetrust-accept-btn-handler",
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
    "#didomi-notice-agree-button",
    "[data-testid=uc-accept-all-button]",
    ".qc-cmp2-summary-buttons button[mode=primary]",
    "#truste-consent-button",
];
const REJECT_SELECTORS: &[&str] = &[
    "#onetrust-reject-all-handler",
    "#CybotCookiebotDialogBodyButtonDecline",
    "#didomi-notice-disagree-button",
    "[data-testid=uc-deny-all-button]",
    ".qc-cmp2-summary-buttons button[mode=secondary]",
    "#truste-consent-required",
];
const ACCEPT_WORDS: &str =
    "^(accept|agree|allow|i agree|ok|got it|akzeptieren|alle akzeptieren|accepter|tout accepter|aceptar|accetta)";
const REJECT_WORDS: &str =
    "^(reject|decline|refuse|deny|necessary only|only necessary|ablehnen|alle ablehnen|refuser|tout refuser|rechazar|rifiuta)";

pub fn visit(browser: &mut Browser, engine: &Engine, url: &str, options: &VisitOptions) -> Result<PageReport, String> {
    let started = Instant::now();
    let deadline = started + options.timeout;
    let target = browser.cdp.call(None, "Target.createTarget", json!({ "url": "about:blank" }), deadline)?;
    let target = target["targetId"].as_str().ok_or("Target.createTarget: no target id")?.to_owned();
    let result = Tab::open(browser, &target, deadline).and_then(|mut tab| {
        let report = tab.audit(browser, engine, url, options, deadline);
        report.map(|mut report| {
            report.timing.total_ms = started.elapsed().as_secs_f64() * 1000.0;
            report
        })
    });
    // Closing the tab also makes the extension forget its report (tabs.onRemoved).
    let _ = browser.cdp.call(
        None,
        "Target.closeTarget",
        json!({ "targetId": target }),
        Instant::now() + Duration::from_secs(5),
    );
    result
}

/// A tab and what the DevTools protocol has told about it so far.
struct Tab {
    target: String,
    session: String,
    requests: Vec<SeenRequest>,
    by_id: HashMap<String, usize>,
    loaded: bool,
    consent_given: bool,
    /// Whether the page's own request carried Sec-GPC (None until its headers are seen).
    gpc_header: Option<bool>,
}

impl Tab {
    fn open(browser: &mut Browser, target: &str, deadline: Instant) -> Result<Tab, String> {
        let session = browser.attach(target, deadline)?;
        browser.cdp.call(Some(&session), "Page.enable", json!({}), deadline)?;
        browser.cdp.call(Some(&session), "Network.enable", json!({}), deadline)?;
        Ok(Tab {
            target: target.to_owned(),
            session,
            requests: Vec::new(),
            by_id: HashMap::new(),
            loaded: false,
            consent_given: false,
            gpc_header: None,
        })
    }

    fn audit(
        &mut self,
        browser: &mut Browser,
        engine: &Engine,
        url: &str,
        options: &VisitOptions,
        deadline: Instant,
    ) -> Result<PageReport, String> {
        let cdp = &mut browser.cdp;
        let navigated = Instant::now();
        let answer = cdp.call(Some(&self.session), "Page.navigate", json!({ "url": url }), deadline)?;
        if let Some(error) = answer["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(format!("cannot load {url}: {error}"));
        }
        self.wait_for_load(cdp, deadline)?;
        let load_ms = navigated.elapsed().as_secs_f64() * 1000.0;
        self.pump(cdp, (Instant::now() + options.settle).min(deadline))?;
        if options.scroll {
            self.eval(cdp, "window.scrollTo(0, document.documentElement.scrollHeight)", deadline)?;
            self.pump(cdp, (Instant::now() + Duration::from_millis(500)).min(deadline))?;
        }
        let mut clicked = false;
        if options.consent != ConsentAction::None {
            clicked = self.answer_consent(cdp, options.consent, deadline)?;
            if clicked {
                // Let the banner store the choice, then visit again as the visitor would after
                // choosing: the report then shows the page with the choice in place.
                self.consent_given = true;
                self.pump(cdp, (Instant::now() + Duration::from_millis(300)).min(deadline))?;
                self.loaded = false;
                cdp.call(Some(&self.session), "Page.reload", json!({}), deadline)?;
                self.wait_for_load(cdp, deadline)?;
                self.pump(cdp, (Instant::now() + options.settle).min(deadline))?;
            }
        }
        let final_url = self.eval(cdp, "location.href", deadline)?.as_str().unwrap_or(url).to_owned();
        let gpc = self.eval(
            cdp,
            "typeof navigator.globalPrivacyControl === 'boolean' ? navigator.globalPrivacyControl : null",
            deadline,
        )?;

        let source = if browser.worker.is_some() { "extension" } else { "network" };
        let mut report = PageReport::new(url, source);
        report.final_url = Some(final_url.clone());
        report.timing.load_ms = Some(load_ms);
        report.consent_action = options.consent.as_str().to_owned();
        report.consent_clicked = clicked;
        report.gpc.navigator = gpc.as_bool();
        report.gpc.header = self.gpc_header;
        let cookies = browser.cdp.call(None, "Storage.getCookies", json!({}), deadline)?;
        match browser.worker.clone() {
            Some(worker) => {
                let recorded = read_extension_report(&mut browser.cdp, &worker, &final_url, deadline)?;
                fill_from_extension(&mut report, recorded, &cookies);
                // The audit, not the extension, clicked the banner: its own list of tracker
                // requests knows which went before the choice.
                report.tracking_requests.clear();
                for seen in &self.requests {
                    let request = tracklens::Request {
                        url: seen.url.clone(),
                        page_url: final_url.clone(),
                        resource_type: seen.resource_type,
                    };
                    if let Ok(verdict) = engine.classify(&request) {
                        report::note_tracking(&mut report, &verdict, seen);
                    }
                }
                report.tracking_before_consent =
                    report.tracking_requests.iter().filter(|r| r.before_consent).count() as u64;
            }
            None => {
                report::add_requests(&mut report, engine, &final_url, &self.requests);
                report.cookies = classify_browser_cookies(&cookies, &final_url, &report.third_party_sites);
                report.tracking_params = report::tracking_params(&final_url);
            }
        }
        self.add_context(&mut report, &mut browser.cdp, engine, &final_url, deadline);
        Ok(report)
    }

    /// The page's context from the live document, joined with the requests seen by the core.
    fn add_context(
        &mut self,
        report: &mut PageReport,
        cdp: &mut Cdp,
        engine: &Engine,
        page_url: &str,
        deadline: Instant,
    ) {
        // A page that breaks the script (or the browser's answer) leaves the address alone.
        let signals = self.eval(cdp, report::context::SIGNALS_SCRIPT, deadline).unwrap_or(Value::Null);
        let signals: tracklens::context::PageSignals =
            serde_json::from_value(signals).unwrap_or_else(|_| tracklens::context::PageSignals::from_url(page_url));
        report.context = report::context_of(engine, page_url, &self.requests, signals, "page");
    }

    fn eval(&mut self, cdp: &mut Cdp, expression: &str, deadline: Instant) -> Result<Value, String> {
        evaluate(cdp, &self.session, expression, deadline)
    }

    fn wait_for_load(&mut self, cdp: &mut Cdp, deadline: Instant) -> Result<(), String> {
        while !self.loaded {
            match cdp.next_event(deadline)? {
                Some(event) => self.handle(event)?,
                None => return Err("the page did not finish loading before the timeout".to_owned()),
            }
        }
        Ok(())
    }

    /// Handles events until `until`.
    fn pump(&mut self, cdp: &mut Cdp, until: Instant) -> Result<(), String> {
        while let Some(event) = cdp.next_event(until)? {
            self.handle(event)?;
        }
        Ok(())
    }

    fn handle(&mut self, event: Event) -> Result<(), String> {
        if event.method == "Target.targetCrashed" && event.params["targetId"] == self.target.as_str() {
            return Err("the page crashed".to_owned());
        }
        if event.session.as_deref() != Some(self.session.as_str()) {
            return Ok(());
        }
        let params = &event.params;
        match event.method.as_str() {
            "Page.loadEventFired" => self.loaded = true,
            "Inspector.targetCrashed" => return Err("the page crashed".to_owned()),
            "Network.requestWillBeSent" => {
                let main_frame = params["frameId"] == self.target.as_str();
                let resource_type = resource_type(params["type"].as_str().unwrap_or("Other"), main_frame);
                self.by_id.insert(params["requestId"].as_str().unwrap_or_default().to_owned(), self.requests.len());
                self.requests.push(SeenRequest {
                    url: params["request"]["url"].as_str().unwrap_or_default().to_owned(),
                    resource_type,
                    before_consent: !self.consent_given,
                    cookies_sent: Vec::new(),
                    cookies_set: Vec::new(),
                    blocked: false,
                    referer: None,
                });
            }
            "Network.requestWillBeSentExtraInfo" => {
                let Some(&at) = self.by_id.get(params["requestId"].as_str().unwrap_or_default()) else { return Ok(()) };
                let headers = &params["headers"];
                if self.requests[at].resource_type == ResourceType::MainFrame {
                    self.gpc_header = Some(header(headers, "sec-gpc").is_some_and(|v| v.trim() == "1"));
                }
                if let Some(cookie) = header(headers, "cookie") {
                    let names = tracklens::cookies::cookie_names(cookie).into_iter().map(str::to_owned);
                    self.requests[at].cookies_sent.extend(names);
                }
            }
            "Network.loadingFailed" => {
                let Some(&at) = self.by_id.get(params["requestId"].as_str().unwrap_or_default()) else { return Ok(()) };
                // What the extension's declarativeNetRequest rules block fails this way.
                self.requests[at].blocked =
                    params["errorText"].as_str().is_some_and(|e| e.contains("ERR_BLOCKED_BY_CLIENT"));
            }
            "Network.responseReceivedExtraInfo" => {
                let Some(&at) = self.by_id.get(params["requestId"].as_str().unwrap_or_default()) else { return Ok(()) };
                if let Some(lines) = header(&params["headers"], "set-cookie") {
                    let names = lines.lines().filter_map(tracklens::cookies::set_cookie_name).map(str::to_owned);
                    self.requests[at].cookies_set.extend(names);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Clicks the banner's accept or reject button; false when the page has none we know.
    fn answer_consent(&mut self, cdp: &mut Cdp, action: ConsentAction, deadline: Instant) -> Result<bool, String> {
        let (selectors, words) = match action {
            ConsentAction::Accept => (ACCEPT_SELECTORS, ACCEPT_WORDS),
            _ => (REJECT_SELECTORS, REJECT_WORDS),
        };
        let script = format!(
            "(() => {{ const visible = (el) => el && el.getClientRects().length > 0; \
             for (const s of {selectors}) {{ const el = document.querySelector(s); if (visible(el)) {{ el.click(); return true; }} }} \
             const words = new RegExp({words}, 'i'); \
             for (const el of document.querySelectorAll('button, [role=button], input[type=button], input[type=submit]')) {{ \
               const text = (el.innerText || el.value || '').trim(); \
               if (text.length < 40 && words.test(text) && visible(el)) {{ el.click(); return true; }} }} \
             return false; }})()",
            selectors = serde_json::to_string(selectors).unwrap_or_default(),
            words = serde_json::to_string(words).unwrap_or_default(),
        );
        Ok(self.eval(cdp, &script, deadline)? == true)
    }
}

/// Chrome's DevTools resource types as the webRequest names the core takes.
fn resource_type(devtools: &str, main_frame: bool) -> ResourceType {
    let name = match devtools {
        "Document" if main_frame => "main_frame",
        "Document" => "sub_frame",
        "Stylesheet" => "stylesheet",
        "Image" => "image",
        "Media" => "media",
        "Font" => "font",
        "Script" => "script",
        "XHR" | "Fetch" | "EventSource" => "xmlhttprequest",
        "Ping" => "ping",
        "WebSocket" => "websocket",
        "CSPViolationReport" => "csp_report",
        _ => "other",
    };
    ResourceType::from_name(name)
}

/// A header's value, whatever the case of its name.
fn header<'a>(headers: &'a Value, name: &str) -> Option<&'a str> {
    headers.as_object()?.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str())
}

/// The extension's report for the page at `page_url`: the newest with that address, else the
/// newest of all (a page that redirected in script). Polls until it has recorded a request.
fn read_extension_report(cdp: &mut Cdp, worker: &str, page_url: &str, deadline: Instant) -> Result<Value, String> {
    let script = format!(
        "chrome.storage.session.get(null).then((all) => Object.entries(all).filter(([k]) => k.startsWith({prefix})).map(([, r]) => r))",
        prefix = serde_json::to_string(TAB_KEY_PREFIX).unwrap_or_default()
    );
    loop {
        let reports = evaluate(cdp, worker, &script, deadline)?;
        let mut reports: Vec<Value> = reports.as_array().cloned().unwrap_or_default();
        reports
            .sort_by(|a, b| b["startedAt"].as_f64().unwrap_or(0.0).total_cmp(&a["startedAt"].as_f64().unwrap_or(0.0)));
        let chosen = reports.iter().position(|r| r["pageUrl"] == page_url).or((!reports.is_empty()).then_some(0));
        if let Some(found) = chosen.map(|at| reports.swap_remove(at)) {
            if found["requests"].as_u64().unwrap_or(0) > 0 {
                return Ok(found);
            }
        }
        if Instant::now() + Duration::from_millis(100) >= deadline {
            return Err("the extension recorded nothing for this page before the timeout".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Copies the extension's tab report (the core's page report, read back as any stored one: an
/// older version migrated, an unreadable one left empty) into the audit report, with each cookie's
/// lifetime from the browser's cookie store (the extension keeps no dates).
fn fill_from_extension(report: &mut PageReport, recorded: Value, browser_cookies: &Value) {
    if let Some(page) = tracklens::report::read_stored(&recorded) {
        report::fill_from_page(report, &page);
        report.gpc.extension = Some(page.gpc);
    }
    let lifetimes = lifetimes(browser_cookies);
    for cookie in &mut report.cookies {
        cookie.lifetime_days =
            lifetimes.get(&(cookie.name.clone(), cookie.domain.clone(), cookie.path.clone())).copied().flatten();
    }
}

type CookieKey = (String, String, String);

/// Days each cookie of the browser's store has left; None for session cookies.
fn lifetimes(browser_cookies: &Value) -> HashMap<CookieKey, Option<f64>> {
    let now = now_seconds();
    browser_cookies["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let key = (str_of(&c["name"]), str_of(&c["domain"]), str_of(&c["path"]));
            let session = c["session"].as_bool().unwrap_or(false);
            let expires =
                c["expires"].as_f64().filter(|_| !session).map(|e| ((e - now) / 86_400.0 * 10.0).round() / 10.0);
            (key, expires)
        })
        .collect()
}

/// Without the extension: the browser's cookies of the page's site and its third parties,
/// classified here with the same core.
fn classify_browser_cookies(
    browser_cookies: &Value,
    page_url: &str,
    third_party_sites: &[String],
) -> Vec<report::CookieEntry> {
    let now = now_seconds();
    let site_of = |url: &str| NetworkUrl::parse(url).map(|u| tracklens::party::site_of(&u).to_owned()).ok();
    let page_site = site_of(page_url);
    let relevant = |domain: &str| {
        let site = site_of(&format!("https://{}/", domain.trim_start_matches('.')));
        site.is_some() && (site == page_site || third_party_sites.iter().any(|s| Some(s) == site.as_ref()))
    };
    browser_cookies["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| relevant(c["domain"].as_str().unwrap_or_default()))
        .map(|c| {
            let session = c["session"].as_bool().unwrap_or(false);
            let expires_in = c["expires"].as_f64().filter(|_| !session).map(|e| (e - now) as i64);
            let cookie = Cookie {
                name: str_of(&c["name"]).into(),
                value: str_of(&c["value"]).into(),
                domain: str_of(&c["domain"]).into(),
                path: str_of(&c["path"]).into(),
                expires_in,
                ..Cookie::default()
            };
            let verdict = classify_cookie(&cookie, page_url);
            let expires = c["expires"].as_f64().filter(|_| !session).map(|e| e as i64);
            let entry = tracklens::report::CookieEntry::classified(&verdict, &cookie.domain, &cookie.path, expires);
            report::cookie_of(&entry, report::lifetime_days(expires_in))
        })
        .collect()
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn now_seconds() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}
