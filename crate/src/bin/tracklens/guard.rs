//! What `tracklens` leaves behind when it goes: nothing. Chromium, the demo server and browser
//! profiles must not outlive the command, whether it ends normally, on Ctrl-C or SIGTERM, or is
//! killed outright.
//!
//! - Killed outright (SIGKILL, a crash): each child is spawned with Linux's parent-death signal
//!   (`PR_SET_PDEATHSIG`), so the kernel kills it when the thread that started it goes. Chromium's
//!   own helpers follow their browser process. Only the profile directory (private, 0700, random
//!   name) can then stay behind in the temp directory.
//! - SIGINT, SIGTERM, SIGHUP: a watcher thread kills the registered children, removes their
//!   profiles and exits with 128 + the signal, after any JSON line being written is complete.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

/// Children that must die with us, and directories that must go with them.
static LIVE: Mutex<Vec<(u32, Option<PathBuf>)>> = Mutex::new(Vec::new());
/// Held while a line of output is written; the signal watcher takes it before exiting.
static WRITING: Mutex<()> = Mutex::new(());

fn lock<T>(mutex: &'static Mutex<T>) -> MutexGuard<'static, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts the signal watcher. Call once, before starting any child.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _writing = lock(&WRITING);
            let live = std::mem::take(&mut *lock(&LIVE));
            for (pid, _) in &live {
                // SAFETY: kill(2) with a pid we spawned and have not reaped (entries leave LIVE
                // before their child is waited for), so it cannot name another process.
                unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
            }
            for dir in live.iter().filter_map(|(_, dir)| dir.as_ref()) {
                // Chromium may still be closing files; a second try after it is gone.
                if std::fs::remove_dir_all(dir).is_err() {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            eprintln!(
                "tracklens: stopped by signal {signal}: ended {} child processes, removed their profiles",
                live.len()
            );
            std::process::exit(128 + signal);
        }
    });
}

/// Makes `command`'s process die when the calling thread does (Linux), even by SIGKILL.
pub fn die_with_parent(command: &mut Command) -> &mut Command {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls (prctl, getppid, _exit).
        let parent = std::process::id() as libc::pid_t;
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl: then nobody would ever send the signal.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            })
        };
    }
    command
}

/// A child registered for the signal watcher; unregistered when dropped (before it is reaped).
pub struct Registered(u32);

pub fn register(pid: u32, dir: Option<&Path>) -> Registered {
    lock(&LIVE).push((pid, dir.map(Path::to_path_buf)));
    Registered(pid)
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&LIVE).retain(|(pid, _)| *pid != self.0);
    }
}

/// Keeps the signal watcher from exiting while the returned guard lives.
pub fn hold_exit() -> MutexGuard<'static, ()> {
    lock(&WRITING)
}
