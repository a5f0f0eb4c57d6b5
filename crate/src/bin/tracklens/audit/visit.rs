//! One page in an audit: open a tab, navigate, let the page settle, optionally scroll and answer
//! the consent banner, then read what the extension recorded for the tab. The requests the tab
//! made are also logged from the browser's network events (DevTools, WebDriver BiDi), so the
//! report can say which tracking requests left before the visitor's choice, which the extension
//! blocked, and list them as evidence. The same steps in Chromium and Firefox: the browser is a
//! `Driver` (driver.rs).

use super::driver::{BrowserCookie, Driver, PageEvent, TabHandle};
use super::state_keys::TAB_KEY_PREFIX;
use crate::report::{self, PageReport, SeenRequest};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracklens::cookie_purpose::{classify_cookie, Cookie};
use tracklens::protection::Settings;
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

/// `settings` are the extension's (None without it): they decide which aborted requests were its
/// blocks.
pub fn visit(
    browser: &mut dyn Driver,
    engine: &Engine,
    settings: Option<&Settings>,
    url: &str,
    options: &VisitOptions,
) -> Result<PageReport, String> {
    let started = Instant::now();
    let deadline = started + options.timeout;
    let handle = browser.open_tab(deadline)?;
    let mut tab = Tab::new(handle.clone());
    let result = tab.audit(browser, engine, settings, url, options, deadline).map(|mut report| {
        report.timing.total_ms = started.elapsed().as_secs_f64() * 1000.0;
        report
    });
    // Closing the tab also makes the extension forget its report (tabs.onRemoved).
    browser.close_tab(&handle);
    result
}

/// A tab and what its browser has told about it so far.
struct Tab {
    handle: TabHandle,
    requests: Vec<SeenRequest>,
    by_id: HashMap<String, usize>,
    loaded: bool,
    consent_given: bool,
    /// Whether the page's own request carried Sec-GPC (None until its headers are seen).
    gpc_header: Option<bool>,
    /// The requests reported aborted (Firefox): blocks or not, decided once the page is known.
    aborted: Vec<usize>,
}

impl Tab {
    fn new(handle: TabHandle) -> Tab {
        Tab {
            handle,
            requests: Vec::new(),
            by_id: HashMap::new(),
            loaded: false,
            consent_given: false,
            gpc_header: None,
            aborted: Vec::new(),
        }
    }

    fn audit(
        &mut self,
        browser: &mut dyn Driver,
        engine: &Engine,
        settings: Option<&Settings>,
        url: &str,
        options: &VisitOptions,
        deadline: Instant,
    ) -> Result<PageReport, String> {
        let navigated = Instant::now();
        browser.navigate(&self.handle, url, deadline).map_err(|error| format!("cannot load {url}: {error}"))?;
        self.wait_for_load(browser, url, deadline)?;
        let load_ms = navigated.elapsed().as_secs_f64() * 1000.0;
        self.pump(browser, (Instant::now() + options.settle).min(deadline))?;
        if options.scroll {
            self.eval(browser, "window.scrollTo(0, document.documentElement.scrollHeight)", deadline)?;
            self.pump(browser, (Instant::now() + Duration::from_millis(500)).min(deadline))?;
        }
        let mut clicked = false;
        if options.consent != ConsentAction::None {
            clicked = self.answer_consent(browser, options.consent, deadline)?;
            if clicked {
                // Let the banner store the choice, then visit again as the visitor would after
                // choosing: the report then shows the page with the choice in place.
                self.consent_given = true;
                self.pump(browser, (Instant::now() + Duration::from_millis(300)).min(deadline))?;
                self.loaded = false;
                browser.reload(&self.handle, deadline)?;
                self.wait_for_load(browser, url, deadline)?;
                self.pump(browser, (Instant::now() + options.settle).min(deadline))?;
            }
        }
        let final_url = self.eval(browser, "location.href", deadline)?.as_str().unwrap_or(url).to_owned();
        self.decide_aborted(engine, settings, &final_url);
        let gpc = self.eval(
            browser,
            "typeof navigator.globalPrivacyControl === 'boolean' ? navigator.globalPrivacyControl : null",
            deadline,
        )?;

        let source = if browser.has_extension() { "extension" } else { "network" };
        let mut report = PageReport::new(url, source);
        report.final_url = Some(final_url.clone());
        report.timing.load_ms = Some(load_ms);
        report.consent_action = options.consent.as_str().to_owned();
        report.consent_clicked = clicked;
        report.gpc.navigator = gpc.as_bool();
        report.gpc.header = self.gpc_header;
        let cookies = browser.cookies(&self.handle, deadline)?;
        if browser.has_extension() {
            let recorded = read_extension_report(browser, &final_url, deadline)?;
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
        } else {
            report::add_requests(&mut report, engine, &final_url, &self.requests);
            report.cookies = classify_browser_cookies(&cookies, &final_url, &report.third_party_sites);
            report.tracking_params = report::tracking_params(&final_url);
        }
        self.add_context(&mut report, browser, engine, &final_url, deadline);
        Ok(report)
    }

    /// An aborted request was a block when the extension's own rules, from the settings in
    /// effect, stop it (the core's `own_rules_block`, the decision the extension makes too).
    fn decide_aborted(&mut self, engine: &Engine, settings: Option<&Settings>, page_url: &str) {
        let Some(settings) = settings else { return };
        for &at in &self.aborted {
            let seen = &mut self.requests[at];
            let request = tracklens::Request {
                url: seen.url.clone(),
                page_url: page_url.to_owned(),
                resource_type: seen.resource_type,
            };
            seen.blocked = tracklens::treatment::own_rules_block(engine, settings, &request);
        }
    }

    /// The page's context from the live document, joined with the requests seen by the core.
    fn add_context(
        &mut self,
        report: &mut PageReport,
        browser: &mut dyn Driver,
        engine: &Engine,
        page_url: &str,
        deadline: Instant,
    ) {
        // A page that breaks the script (or the browser's answer) leaves the address alone.
        let signals = self.eval(browser, report::context::SIGNALS_SCRIPT, deadline).unwrap_or(Value::Null);
        let signals: tracklens::context::PageSignals =
            serde_json::from_value(signals).unwrap_or_else(|_| tracklens::context::PageSignals::from_url(page_url));
        report.context = report::context_of(engine, page_url, &self.requests, signals, "page");
    }

    fn eval(&mut self, browser: &mut dyn Driver, expression: &str, deadline: Instant) -> Result<Value, String> {
        browser.eval(&self.handle, expression, deadline)
    }

    fn wait_for_load(&mut self, browser: &mut dyn Driver, url: &str, deadline: Instant) -> Result<(), String> {
        while !self.loaded {
            match browser.next_events(&self.handle, deadline)? {
                Some(events) => self.handle_all(events, url)?,
                None => return Err("the page did not finish loading before the timeout".to_owned()),
            }
        }
        Ok(())
    }

    /// Handles events until `until`.
    fn pump(&mut self, browser: &mut dyn Driver, until: Instant) -> Result<(), String> {
        while let Some(events) = browser.next_events(&self.handle, until)? {
            self.handle_all(events, "the page")?;
        }
        Ok(())
    }

    fn handle_all(&mut self, events: Vec<PageEvent>, url: &str) -> Result<(), String> {
        events.into_iter().try_for_each(|event| self.handle(event, url))
    }

    /// `page` names the page in a load failure.
    fn handle(&mut self, event: PageEvent, page: &str) -> Result<(), String> {
        match event {
            PageEvent::Loaded => self.loaded = true,
            PageEvent::Failed(error) => return Err(format!("cannot load {page}: {error}")),
            PageEvent::Crashed => return Err("the page crashed".to_owned()),
            PageEvent::Request { id, url, resource_type } => {
                self.by_id.insert(id, self.requests.len());
                self.requests.push(SeenRequest {
                    url,
                    resource_type,
                    before_consent: !self.consent_given,
                    cookies_sent: Vec::new(),
                    cookies_set: Vec::new(),
                    blocked: false,
                    referer: None,
                });
            }
            PageEvent::Headers { id, cookie, gpc } => {
                let Some(at) = self.by_id.get(&id).copied() else { return Ok(()) };
                if self.requests[at].resource_type == ResourceType::MainFrame {
                    self.gpc_header = Some(gpc);
                }
                if let Some(cookie) = cookie {
                    let names = tracklens::cookies::cookie_names(&cookie).into_iter().map(str::to_owned);
                    self.requests[at].cookies_sent.extend(names);
                }
            }
            PageEvent::Blocked { id } => {
                if let Some(at) = self.by_id.get(&id).copied() {
                    self.requests[at].blocked = true;
                }
            }
            PageEvent::Aborted { id } => self.aborted.extend(self.by_id.get(&id).copied()),
            PageEvent::SetCookies { id, lines } => {
                let Some(at) = self.by_id.get(&id).copied() else { return Ok(()) };
                let names = lines.iter().filter_map(|l| tracklens::cookies::set_cookie_name(l)).map(str::to_owned);
                self.requests[at].cookies_set.extend(names);
            }
        }
        Ok(())
    }

    /// Clicks the banner's accept or reject button; false when the page has none we know.
    fn answer_consent(
        &mut self,
        browser: &mut dyn Driver,
        action: ConsentAction,
        deadline: Instant,
    ) -> Result<bool, String> {
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
        Ok(self.eval(browser, &script, deadline)? == true)
    }
}

/// The extension's report for the page at `page_url`: the newest with that address, else the
/// newest of all (a page that redirected in script). Polls until it has recorded a request.
fn read_extension_report(browser: &mut dyn Driver, page_url: &str, deadline: Instant) -> Result<Value, String> {
    let script = format!(
        "chrome.storage.session.get(null).then((all) => Object.entries(all).filter(([k]) => k.startsWith({prefix})).map(([, r]) => r))",
        prefix = serde_json::to_string(TAB_KEY_PREFIX).unwrap_or_default()
    );
    loop {
        let reports = browser.extension_eval(&script, deadline)?;
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
fn fill_from_extension(report: &mut PageReport, recorded: Value, browser_cookies: &[BrowserCookie]) {
    if let Some(page) = tracklens::report::read_stored(&recorded) {
        report::fill_from_page(report, &page);
        report.gpc.extension = Some(page.gpc);
    }
    let now = now_seconds();
    let lifetimes: HashMap<(&str, &str, &str), Option<f64>> = browser_cookies
        .iter()
        .map(|c| {
            let days = c.expires.map(|e| ((e - now) / 86_400.0 * 10.0).round() / 10.0);
            ((c.name.as_str(), c.domain.as_str(), c.path.as_str()), days)
        })
        .collect();
    for cookie in &mut report.cookies {
        let key = (cookie.name.as_str(), cookie.domain.as_str(), cookie.path.as_str());
        cookie.lifetime_days = lifetimes.get(&key).copied().flatten();
    }
}

/// Without the extension: the browser's cookies of the page's site and its third parties,
/// classified here with the same core.
fn classify_browser_cookies(
    browser_cookies: &[BrowserCookie],
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
    browser_cookies
        .iter()
        .filter(|c| relevant(&c.domain))
        .map(|c| {
            let expires_in = c.expires.map(|e| (e - now) as i64);
            let cookie = Cookie {
                name: c.name.as_str().into(),
                value: c.value.as_str().into(),
                domain: c.domain.as_str().into(),
                path: c.path.as_str().into(),
                expires_in,
                ..Cookie::default()
            };
            let verdict = classify_cookie(&cookie, page_url);
            let expires = c.expires.map(|e| e as i64);
            let entry = tracklens::report::CookieEntry::classified(&verdict, &cookie.domain, &cookie.path, expires);
            report::cookie_of(&entry, report::lifetime_days(expires_in))
        })
        .collect()
}

fn now_seconds() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}
