//! Launching Debian's headless Chromium for one audit job, with or without the built extension,
//! and finding the extension's service worker. Each browser has its own throw-away profile.

use super::cdp::{evaluate, Cdp};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How a browser is started: where Chromium and the extension are, and where hosts resolve.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    pub chromium: PathBuf,
    /// The unpacked extension (dist/chromium), or `None` for a baseline browser without it.
    pub extension: Option<PathBuf>,
    /// The demo server's (http, https) ports: every host then resolves to loopback.
    pub demo_ports: Option<(u16, u16)>,
}

pub struct Browser {
    pub cdp: Cdp,
    /// The extension's service-worker session, when the extension is loaded.
    pub worker: Option<String>,
    /// The extension's id (the host of its chrome-extension:// pages), when it is loaded.
    pub extension_id: String,
    process: Process,
}

/// The Chromium process and its profile: ended and removed when dropped, whatever happened.
struct Process {
    child: Child,
    profile: PathBuf,
}

const START_TIMEOUT: Duration = Duration::from_secs(20);

impl Browser {
    pub fn launch(options: &LaunchOptions) -> Result<Browser, String> {
        let profile = fresh_profile()?;
        let mut args: Vec<String> = [
            "--headless",
            "--remote-debugging-port=0",
            "--no-sandbox",
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
        args.push(format!("--user-data-dir={}", profile.display()));
        if let Some(extension) = &options.extension {
            args.push(format!("--disable-extensions-except={}", extension.display()));
            args.push(format!("--load-extension={}", extension.display()));
        }
        if let Some((http, https)) = options.demo_ports {
            // Real tracker host names are HSTS-preloaded: the demo speaks HTTPS on loopback with
            // a certificate made at start, so URLs keep their real hosts and no port.
            args.push(format!(
                "--host-resolver-rules=MAP *:80 127.0.0.1:{http}, MAP *:443 127.0.0.1:{https}, EXCLUDE localhost"
            ));
            args.push("--ignore-certificate-errors".to_owned());
        }
        args.push("about:blank".to_owned());
        let child = Command::new(&options.chromium)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", options.chromium.display()))?;
        // From here on, dropping `process` ends Chromium and removes the profile.
        let mut process = Process { child, profile };
        let cdp = Cdp::connect(&process.devtools_url()?)?;
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
        // yet, so each try is a fresh evaluation and early failures are expected.
        let status = loop {
            let check = "self.chrome?.storage?.session ? chrome.storage.session.get('coreStatus').then((r) => r.coreStatus ?? null) : null";
            match evaluate(&mut self.cdp, &session, check, deadline) {
                Ok(status) if !status.is_null() => break status,
                _ if Instant::now() >= deadline => return Err("the TrackLens core sent no status in 20 s".into()),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        if status["ok"] != true {
            return Err(format!("TrackLens core did not start: {}", status["error"]));
        }
        Ok(session)
    }

    /// A flattened session on a target, for commands addressed to it over the browser socket.
    pub fn attach(&mut self, target: &str, deadline: Instant) -> Result<String, String> {
        let attached =
            self.cdp.call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true }), deadline)?;
        let session = attached["sessionId"].as_str().ok_or("Target.attachToTarget: no session")?.to_owned();
        // A worker attached as it starts waits for the debugger before running its script.
        self.cdp.call(Some(&session), "Runtime.runIfWaitingForDebugger", json!({}), deadline)?;
        Ok(session)
    }

    /// Whether the browser still answers: after a failed page, decides between going on and
    /// starting a new browser.
    pub fn alive(&mut self) -> bool {
        matches!(self.process.child.try_wait(), Ok(None))
            && self.cdp.call(None, "Browser.getVersion", Value::Null, Instant::now() + Duration::from_secs(3)).is_ok()
    }
}

impl Process {
    /// Chromium writes its DevTools port and path to `DevToolsActivePort` in the profile once it
    /// listens (the same line it prints on stderr, without the log noise around it).
    fn devtools_url(&mut self) -> Result<String, String> {
        let file = self.profile.join("DevToolsActivePort");
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("Chromium exited at start ({status})"));
            }
            if let Ok(text) = std::fs::read_to_string(&file) {
                if let [port, path, ..] = text.lines().collect::<Vec<_>>()[..] {
                    return Ok(format!("ws://127.0.0.1:{port}{path}"));
                }
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err("Chromium did not open its DevTools port in 20 s".to_owned())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Asked to quit, Chromium closes its profile cleanly; `Process` then makes sure.
        let _ = self.cdp.call(None, "Browser.close", Value::Null, Instant::now() + Duration::from_secs(2));
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A new profile directory, with third-party cookies allowed: Chromium blocks them by default,
/// and an audit must see what an everyday browser would send.
fn fresh_profile() -> Result<PathBuf, String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let name = format!("tracklens-audit-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
    let profile = std::env::temp_dir().join(name);
    let default = profile.join("Default");
    std::fs::create_dir_all(&default).map_err(|e| format!("{}: {e}", default.display()))?;
    std::fs::write(default.join("Preferences"), r#"{"profile":{"cookie_controls_mode":0}}"#)
        .map_err(|e| format!("{}: {e}", default.display()))?;
    Ok(profile)
}
