//! Launching Debian's headless Chromium for one audit job, with or without the built extension,
//! and finding the extension's service worker. Each browser has its own throw-away profile: a
//! private (0700) directory with a random name, never reused, removed when the browser goes.
//! Chromium's sandbox is on unless this machine cannot run it (then the audit says why).

use super::cdp::{evaluate, Cdp};
use super::state_keys;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
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
    profile: tempfile::TempDir,
    _registered: crate::guard::Registered,
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
        if let Some((http, https)) = options.demo_ports {
            // Real tracker host names are HSTS-preloaded: the demo speaks HTTPS on loopback with
            // a certificate made at start, so URLs keep their real hosts and no port.
            args.push(format!(
                "--host-resolver-rules=MAP *:80 127.0.0.1:{http}, MAP *:443 127.0.0.1:{https}, EXCLUDE localhost"
            ));
            args.push("--ignore-certificate-errors".to_owned());
        }
        args.push("about:blank".to_owned());
        let child = crate::guard::die_with_parent(&mut Command::new(&options.chromium))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", options.chromium.display()))?;
        // From here on, dropping `process` ends Chromium and removes the profile.
        let _registered = crate::guard::register(child.id(), Some(profile.path()));
        let mut process = Process { child, profile, _registered };
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
            let check = format!(
                "self.chrome?.storage?.session ? {} : null",
                state_keys::read_session(state_keys::CORE_STATUS_KEY)
            );
            match evaluate(&mut self.cdp, &session, &check, deadline) {
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
        let file = self.profile.path().join("DevToolsActivePort");
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
        // The TempDir field removes the profile after this.
    }
}

/// A new profile directory, with third-party cookies allowed: Chromium blocks them by default,
/// and an audit must see what an everyday browser would send. The directory is created 0700
/// with a random name (`tempfile`), so no other user reads its cookies or plants one first.
fn fresh_profile() -> Result<tempfile::TempDir, String> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates directories with the default mode (umask): ask for 0700 explicitly.
    let profile = tempfile::Builder::new()
        .prefix("tracklens-audit-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|e| format!("cannot create a browser profile in {}: {e}", std::env::temp_dir().display()))?;
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
