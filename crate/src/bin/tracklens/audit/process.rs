//! A browser process and its throw-away profile, for either browser: a private (0700) directory
//! with a random name, never reused; the process dies with `tracklens` (guard.rs), and is ended
//! and its profile removed when this is dropped, whatever happened.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct BrowserProcess {
    child: Child,
    profile: tempfile::TempDir,
    _registered: crate::guard::Registered,
}

impl BrowserProcess {
    /// Starts `executable` with `args`, its output discarded (both browsers say where their
    /// protocol listens in a file of the profile instead).
    pub fn spawn(executable: &Path, args: &[String], profile: tempfile::TempDir) -> Result<BrowserProcess, String> {
        let child = crate::guard::die_with_parent(&mut Command::new(executable))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", executable.display()))?;
        let _registered = crate::guard::register(child.id(), Some(profile.path()));
        Ok(BrowserProcess { child, profile, _registered })
    }

    /// Waits until the browser writes `file` in its profile in a form `parse` accepts (where its
    /// remote protocol listens), or gives up when it exits or `timeout` passes.
    pub fn wait_for_file<T>(
        &mut self,
        file: &str,
        browser: &str,
        timeout: Duration,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, String> {
        let path = self.profile.path().join(file);
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{browser} exited at start ({status})"));
            }
            if let Some(found) = std::fs::read_to_string(&path).ok().as_deref().and_then(&parse) {
                return Ok(found);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(format!("{browser} did not open its remote protocol in {} s", timeout.as_secs()))
    }

    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        // The browser was asked to quit (each driver does, closing its profile cleanly): give it
        // a moment, then make sure.
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The TempDir field removes the profile after this.
    }
}

/// A new private profile directory: created 0700 with a random name (`tempfile`), so no other
/// user reads its cookies or plants one first.
pub fn private_profile() -> Result<tempfile::TempDir, String> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates directories with the default mode (umask): ask for 0700 explicitly.
    tempfile::Builder::new()
        .prefix("tracklens-audit-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|e| format!("cannot create a browser profile in {}: {e}", std::env::temp_dir().display()))
}
