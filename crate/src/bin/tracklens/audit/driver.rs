//! What an audit needs from a browser, whichever it is: tabs to open and navigate, scripts to
//! run in them, what their pages did on the network, the browser's cookies, and the extension's
//! own storage. Chromium (chromium.rs, over the DevTools protocol) and Firefox (firefox.rs, over
//! WebDriver BiDi) each translate their protocol into these terms, so one visit (visit.rs) and
//! one protection step (protection.rs) serve both.

use super::state_keys;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tracklens::ResourceType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserKind {
    Chromium,
    Firefox,
}

impl BrowserKind {
    pub fn parse(text: &str) -> Result<BrowserKind, String> {
        match text {
            "chromium" | "chrome" => Ok(BrowserKind::Chromium),
            "firefox" => Ok(BrowserKind::Firefox),
            other => Err(format!("--browser takes chromium or firefox, not {other:?}")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "Chromium",
            BrowserKind::Firefox => "Firefox",
        }
    }

    /// Debian's package, unless the environment names another (`CHROMIUM`, `FIREFOX`).
    pub fn default_executable(self) -> PathBuf {
        let (variable, path) = match self {
            BrowserKind::Chromium => ("CHROMIUM", "/usr/bin/chromium"),
            BrowserKind::Firefox => ("FIREFOX", "/usr/bin/firefox-esr"),
        };
        std::env::var(variable).unwrap_or_else(|_| path.to_owned()).into()
    }

    /// The built extension package for this browser (scripts/build.sh).
    pub fn package_dir(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "dist/chromium",
            BrowserKind::Firefox => "dist/firefox",
        }
    }
}

/// Where the demo server listens: every host of the demo reaches it.
#[derive(Debug, Clone, Copy)]
pub struct DemoPorts {
    pub http: u16,
    pub https: u16,
    /// Its host-mapping proxy, for browsers without Chromium's --host-resolver-rules.
    pub proxy: Option<u16>,
}

/// How a browser is started: which, where it and the extension are, and where hosts resolve.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    pub kind: BrowserKind,
    pub executable: PathBuf,
    /// The unpacked extension, or `None` for a baseline browser without it.
    pub extension: Option<PathBuf>,
    pub demo: Option<DemoPorts>,
}

/// A tab: the protocol's id for it, and the handle commands to it go through (CDP's flattened
/// session; in BiDi the browsing context itself).
#[derive(Debug, Clone)]
pub struct TabHandle {
    pub id: String,
    pub session: String,
}

/// What a tab's page did, in the audit's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum PageEvent {
    /// A request left, or tried to: its id within the tab, URL and webRequest type.
    Request {
        id: String,
        url: String,
        resource_type: ResourceType,
    },
    /// The headers a request went out with: its Cookie header and whether Sec-GPC was 1.
    Headers {
        id: String,
        cookie: Option<String>,
        gpc: bool,
    },
    /// The extension's rules stopped the request.
    Blocked {
        id: String,
    },
    /// The request was aborted, which is how Firefox reports a block of the extension's rules
    /// and also a load the page itself stopped: the visit asks the core which it was.
    Aborted {
        id: String,
    },
    /// The Set-Cookie lines of a response.
    SetCookies {
        id: String,
        lines: Vec<String>,
    },
    /// The navigation the tab was last given finished loading.
    Loaded,
    /// The navigation failed (the page cannot be loaded), with the browser's reason.
    Failed(String),
    Crashed,
}

/// A cookie in the browser's store. `expires` is in seconds since the epoch; None for a
/// session cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserCookie {
    pub name: String,
    pub value: String,
    pub domain: String,
    pub path: String,
    pub expires: Option<f64>,
}

pub trait Driver {
    /// Opens a blank tab, watching its network from then on.
    fn open_tab(&mut self, deadline: Instant) -> Result<TabHandle, String>;
    fn close_tab(&mut self, tab: &TabHandle);
    /// Starts loading `url` in the tab; `PageEvent::Loaded` (or `Failed`) says how it ended.
    fn navigate(&mut self, tab: &TabHandle, url: &str, deadline: Instant) -> Result<(), String>;
    fn reload(&mut self, tab: &TabHandle, deadline: Instant) -> Result<(), String>;
    /// Evaluates a script expression in the tab's page (a promise is awaited); its value as JSON.
    fn eval(&mut self, tab: &TabHandle, expression: &str, deadline: Instant) -> Result<serde_json::Value, String>;
    /// The tab's next events, or `None` once `deadline` has passed without any.
    fn next_events(&mut self, tab: &TabHandle, deadline: Instant) -> Result<Option<Vec<PageEvent>>, String>;
    /// Every cookie the browser keeps that the tab's page could have set or sent (in Firefox,
    /// its partition too).
    fn cookies(&mut self, tab: &TabHandle, deadline: Instant) -> Result<Vec<BrowserCookie>, String>;
    /// Whether the extension is loaded.
    fn has_extension(&self) -> bool;
    /// Evaluates an expression with the extension's privileges (its service worker in Chromium,
    /// an extension page in Firefox); an error without the extension.
    fn extension_eval(&mut self, expression: &str, deadline: Instant) -> Result<serde_json::Value, String>;
    /// The address of one of the extension's pages (`extension/options/options.html`).
    fn extension_url(&self, path: &str) -> String;
    /// Whether the browser still answers: after a failed page, decides between going on and
    /// starting a new browser.
    fn alive(&mut self) -> bool;
}

/// Starts the browser `options` name.
pub fn launch(options: &LaunchOptions) -> Result<Box<dyn Driver>, String> {
    Ok(match options.kind {
        BrowserKind::Chromium => Box::new(super::chromium::Browser::launch(options)?),
        BrowserKind::Firefox => Box::new(super::firefox::Firefox::launch(options)?),
    })
}

/// Waits for the extension's explicit "core ready" signal (`coreStatus` in storage.session)
/// rather than guessing with a delay. `eval` runs a check with the extension's privileges; it
/// may fail while the extension is still starting, and is tried again.
pub fn wait_for_core(mut eval: impl FnMut(&str) -> Result<Value, String>, deadline: Instant) -> Result<(), String> {
    let check =
        format!("self.chrome?.storage?.session ? {} : null", state_keys::read_session(state_keys::CORE_STATUS_KEY));
    let status = loop {
        match eval(&check) {
            Ok(status) if !status.is_null() => break status,
            _ if Instant::now() >= deadline => return Err("the TrackLens core sent no status in time".into()),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    if status["ok"] != true {
        return Err(format!("TrackLens core did not start: {}", status["error"]));
    }
    Ok(())
}

/// Opens one of the extension's pages in a new tab and waits until it is that page with the
/// extension's API. The tab starts on about:blank and its first document is replaced when the
/// extension page commits, which destroys whatever was evaluated in it; and Firefox never reports
/// the load of an extension page. So the page's own state is the signal, with plain checks that
/// may fail while it is being replaced.
pub fn open_extension_page(browser: &mut dyn Driver, path: &str, deadline: Instant) -> Result<TabHandle, String> {
    let url = browser.extension_url(path);
    let tab = browser.open_tab(deadline)?;
    let ready = format!(
        "location.href === {} && typeof chrome?.runtime?.sendMessage === 'function' && !!chrome.storage",
        serde_json::to_string(&url).unwrap_or_default()
    );
    let opened = browser.navigate(&tab, &url, deadline).and_then(|()| {
        while browser.eval(&tab, &ready, deadline).ok() != Some(Value::Bool(true)) {
            if Instant::now() >= deadline {
                return Err(format!("{url} did not open"));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Ok(())
    });
    match opened {
        Ok(()) => Ok(tab),
        Err(error) => {
            browser.close_tab(&tab);
            Err(error)
        }
    }
}
