//! Launching Debian's headless Chromium for one audit job, with or without the built extension,
//! and finding the extension's service worker; the `Driver` an audit visits pages with. Each
//! browser has its own throw-away private profile (process.rs). Chromium's sandbox is on unless
//! this machine cannot run it (then the audit says why).

use super::cdp::{evaluate, Cdp, Event};
use super::driver::{wait_for_core, BrowserCookie, Driver, LaunchOptions, PageEvent, TabHandle};
use super::process::{private_profile, BrowserProcess};
use serde_json::{json, Value};
use std::sync::Once;
use std::time::{Duration, Instant};
use tracklens::ResourceType;

pub struct Browser {
    cdp: Cdp,
    /// The extension's service-worker session, when the extension is loaded.
    worker: Option<String>,
    /// The extension's id (the host of its chrome-extension:// pages), when it is loaded.
    extension_id: String,
    process: BrowserProcess,
}

const START_TIMEOUT: Duration = Duration::from_secs(20);

impl Browser {
    pub fn launch(options: &LaunchOptions) -> Result<Browser, String> {
        let profile = fresh_profile()?;
        let mut args: Vec<String> = [
            "--headless",
            "--remote-debugging-port=0",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            // Without these, Chromium keeps calling Google services an offline machine cannot reach.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ]
        .map(str::to_owned)
        .into();
        if let Some(reason) = sandbox_blocker() {
            static SAID: Once = Once::new();
            SAID.call_once(|| eprintln!("tracklens: Chromium runs without its sandbox here: {reason}"));
            args.push("--no-sandbox".to_owned());
        }
        args.push(format!("--user-data-dir={}", profile.path().display()));
        if let Some(extension) = &options.extension {
            args.push(format!("--disable-extensions-except={}", extension.display()));
            args.push(format!("--load-extension={}", extension.display()));
        }
        if let Some(demo) = options.demo {
            let (http, https) = (demo.http, demo.https);
            // Real tracker host names are HSTS-preloaded: the demo speaks HTTPS on loopback with
            // a certificate made at start, so URLs keep their real hosts and no port.
            args.push(format!(
                "--host-resolver-rules=MAP *:80 127.0.0.1:{http}, MAP *:443 127.0.0.1:{https}, EXCLUDE localhost"
            ));
            args.push("--ignore-certificate-errors".to_owned());
        }
        args.push("about:blank".to_owned());
        let mut process = BrowserProcess::spawn(&options.executable, &args, profile)?;
        // From here on, dropping `process` ends Chromium and removes the profile.
        // Chromium writes its DevTools port and path to `DevToolsActivePort` in the profile once
        // it listens (the same line it prints on stderr, without the log noise around it).
        let url = process.wait_for_file("DevToolsActivePort", "Chromium", START_TIMEOUT, |text| {
            match text.lines().collect::<Vec<_>>()[..] {
                [port, path, ..] => Some(format!("ws://127.0.0.1:{port}{path}")),
                _ => None,
            }
        })?;
        let cdp = Cdp::connect(&url)?;
        let mut browser = Browser { cdp, worker: None, extension_id: String::new(), process };
        if options.extension.is_some() {
            browser.worker = Some(browser.attach_extension_worker()?);
        }
        Ok(browser)
    }

    /// Attaches to the extension's service worker and waits for its explicit "core ready" signal
    /// (`coreStatus` in chrome.storage.session) rather than guessing with a delay.
    fn attach_extension_worker(&mut self) -> Result<String, String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let target = loop {
            let targets = self.cdp.call(None, "Target.getTargets", json!({}), deadline)?;
            let worker = targets["targetInfos"].as_array().into_iter().flatten().find(|t| {
                t["type"] == "service_worker" && t["url"].as_str().is_some_and(|u| u.starts_with("chrome-extension://"))
            });
            if let Some(worker) = worker {
                let url = worker["url"].as_str().unwrap_or_default();
                self.extension_id =
                    url.trim_start_matches("chrome-extension://").split('/').next().unwrap_or_default().to_owned();
                break worker["targetId"].as_str().unwrap_or_default().to_owned();
            }
            if Instant::now() >= deadline {
                return Err("the TrackLens service worker did not start: is dist/chromium a built extension?".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let session = self.attach(&target, deadline)?;
        // Attached as it starts, the worker may not have run its script (which brings `chrome`)
        // yet, so early failures are expected.
        wait_for_core(|check| evaluate(&mut self.cdp, &session, check, deadline), deadline)?;
        Ok(session)
    }

    /// A flattened session on a target, for commands addressed to it over the browser socket.
    fn attach(&mut self, target: &str, deadline: Instant) -> Result<String, String> {
        let attached =
            self.cdp.call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true }), deadline)?;
        let session = attached["sessionId"].as_str().ok_or("Target.attachToTarget: no session")?.to_owned();
        // A worker attached as it starts waits for the debugger before running its script.
        self.cdp.call(Some(&session), "Runtime.runIfWaitingForDebugger", json!({}), deadline)?;
        Ok(session)
    }
}

impl Driver for Browser {
    fn open_tab(&mut self, deadline: Instant) -> Result<TabHandle, String> {
        let target = self.cdp.call(None, "Target.createTarget", json!({ "url": "about:blank" }), deadline)?;
        let id = target["targetId"].as_str().ok_or("Target.createTarget: no target id")?.to_owned();
        let session = self.attach(&id, deadline)?;
        let tab = TabHandle { id, session };
        let watch = self
            .cdp
            .call(Some(&tab.session), "Page.enable", json!({}), deadline)
            .and_then(|_| self.cdp.call(Some(&tab.session), "Network.enable", json!({}), deadline));
        if let Err(error) = watch {
            self.close_tab(&tab);
            return Err(error);
        }
        Ok(tab)
    }

    fn close_tab(&mut self, tab: &TabHandle) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let _ = self.cdp.call(None, "Target.closeTarget", json!({ "targetId": tab.id }), deadline);
    }

    fn navigate(&mut self, tab: &TabHandle, url: &str, deadline: Instant) -> Result<(), String> {
        let answer = self.cdp.call(Some(&tab.session), "Page.navigate", json!({ "url": url }), deadline)?;
        match answer["errorText"].as_str().filter(|e| !e.is_empty()) {
            Some(error) => Err(error.to_owned()),
            None => Ok(()),
        }
    }

    fn reload(&mut self, tab: &TabHandle, deadline: Instant) -> Result<(), String> {
        self.cdp.call(Some(&tab.session), "Page.reload", json!({}), deadline).map(drop)
    }

    fn eval(&mut self, tab: &TabHandle, expression: &str, deadline: Instant) -> Result<Value, String> {
        evaluate(&mut self.cdp, &tab.session, expression, deadline)
    }

    fn next_events(&mut self, tab: &TabHandle, deadline: Instant) -> Result<Option<Vec<PageEvent>>, String> {
        Ok(self.cdp.next_event(deadline)?.map(|event| page_event(tab, event).into_iter().collect()))
    }

    fn cookies(&mut self, _tab: &TabHandle, deadline: Instant) -> Result<Vec<BrowserCookie>, String> {
        let answer = self.cdp.call(None, "Storage.getCookies", json!({}), deadline)?;
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        Ok(answer["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| BrowserCookie {
                name: text(&c["name"]),
                value: text(&c["value"]),
                domain: text(&c["domain"]),
                path: text(&c["path"]),
                expires: c["expires"].as_f64().filter(|_| c["session"] != true),
            })
            .collect())
    }

    fn has_extension(&self) -> bool {
        self.worker.is_some()
    }

    fn extension_eval(&mut self, expression: &str, deadline: Instant) -> Result<Value, String> {
        let worker = self.worker.clone().ok_or("no extension in this browser")?;
        evaluate(&mut self.cdp, &worker, expression, deadline)
    }

    fn extension_url(&self, path: &str) -> String {
        format!("chrome-extension://{}/{path}", self.extension_id)
    }

    fn alive(&mut self) -> bool {
        self.process.running()
            && self.cdp.call(None, "Browser.getVersion", Value::Null, Instant::now() + Duration::from_secs(3)).is_ok()
    }
}

/// A DevTools event as what the tab's page did; `None` for another tab's or one the audit
/// does not read.
fn page_event(tab: &TabHandle, event: Event) -> Option<PageEvent> {
    if event.method == "Target.targetCrashed" && event.params["targetId"] == tab.id.as_str() {
        return Some(PageEvent::Crashed);
    }
    if event.session.as_deref() != Some(tab.session.as_str()) {
        return None;
    }
    let params = &event.params;
    let id = || params["requestId"].as_str().unwrap_or_default().to_owned();
    Some(match event.method.as_str() {
        "Page.loadEventFired" => PageEvent::Loaded,
        "Inspector.targetCrashed" => PageEvent::Crashed,
        "Network.requestWillBeSent" => PageEvent::Request {
            id: id(),
            url: params["request"]["url"].as_str().unwrap_or_default().to_owned(),
            resource_type: resource_type(
                params["type"].as_str().unwrap_or("Other"),
                params["frameId"] == tab.id.as_str(),
            ),
        },
        "Network.requestWillBeSentExtraInfo" => PageEvent::Headers {
            id: id(),
            cookie: header(&params["headers"], "cookie").map(str::to_owned),
            gpc: header(&params["headers"], "sec-gpc").is_some_and(|v| v.trim() == "1"),
        },
        // What the extension's declarativeNetRequest rules block fails this way.
        "Network.loadingFailed"
            if params["errorText"].as_str().is_some_and(|e| e.contains("ERR_BLOCKED_BY_CLIENT")) =>
        {
            PageEvent::Blocked { id: id() }
        }
        "Network.responseReceivedExtraInfo" => PageEvent::SetCookies {
            id: id(),
            lines: header(&params["headers"], "set-cookie").map(|v| v.lines().map(str::to_owned).collect())?,
        },
        _ => return None,
    })
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

impl Drop for Browser {
    fn drop(&mut self) {
        // Asked to quit, Chromium closes its profile cleanly; `Process` then makes sure.
        let _ = self.cdp.call(None, "Browser.close", Value::Null, Instant::now() + Duration::from_secs(2));
    }
}

/// A new private profile, with third-party cookies allowed: Chromium blocks them by default,
/// and an audit must see what an everyday browser would send.
fn fresh_profile() -> Result<tempfile::TempDir, String> {
    let profile = private_profile()?;
    let default = profile.path().join("Default");
    std::fs::create_dir_all(&default).map_err(|e| format!("{}: {e}", default.display()))?;
    std::fs::write(default.join("Preferences"), r#"{"profile":{"cookie_controls_mode":0}}"#)
        .map_err(|e| format!("{}: {e}", default.display()))?;
    Ok(profile)
}

/// Why Chromium's sandbox cannot run on this machine, or `None` when it can.
fn sandbox_blocker() -> Option<&'static str> {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    let read = |path: &str| std::fs::read_to_string(path).ok();
    sandbox_blocker_for(
        euid,
        read("/proc/sys/kernel/unprivileged_userns_clone"),
        read("/proc/sys/user/max_user_namespaces"),
    )
}

/// The decision, from the effective user and the kernel's user-namespace settings: Chromium's
/// Linux sandbox needs unprivileged user namespaces, and refuses to start as root with it.
fn sandbox_blocker_for(euid: u32, userns_clone: Option<String>, max_userns: Option<String>) -> Option<&'static str> {
    if euid == 0 {
        return Some("running as root, where Chromium refuses its sandbox (--no-sandbox)");
    }
    if userns_clone.is_some_and(|v| v.trim() == "0") || max_userns.is_some_and(|v| v.trim() == "0") {
        return Some("unprivileged user namespaces are disabled in this kernel (--no-sandbox)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_is_off_only_where_chromium_cannot_run_it() {
        assert!(sandbox_blocker_for(0, None, None).unwrap().contains("root"));
        assert!(sandbox_blocker_for(1000, Some("0\n".into()), None).unwrap().contains("namespaces"));
        assert!(sandbox_blocker_for(1000, None, Some("0\n".into())).is_some());
        assert_eq!(sandbox_blocker_for(1000, Some("1\n".into()), Some("63000\n".into())), None);
        assert_eq!(sandbox_blocker_for(1000, None, None), None);
    }

    #[test]
    fn profiles_are_private_and_never_reused() {
        use std::os::unix::fs::PermissionsExt;
        let (a, b) = (fresh_profile().unwrap(), fresh_profile().unwrap());
        assert_ne!(a.path(), b.path());
        assert_eq!(std::fs::metadata(a.path()).unwrap().permissions().mode() & 0o777, 0o700);
        let path = a.path().to_path_buf();
        drop(a);
        assert!(!path.exists());
    }
}
