//! `tracklens audit`: pages visited in headless Chromium or Firefox with the built extension, the
//! extension's report of each collected over the browser's protocol (DevTools, WebDriver BiDi).
//!
//! Jobs are threads, each owning one browser: a page that crashes its browser takes down only
//! that job's browser, which is started again for its next page. A page that fails is retried,
//! then recorded as failed, and the crawl goes on. Every browser gets the audit's protection
//! settings (protection.rs) before its first page.

mod bidi;
mod cdp;
mod chromium;
mod demo;
mod driver;
mod firefox;
mod process;
mod protection;
mod socket;
mod state_keys;
mod visit;

use crate::cli::{Options, Sink, ERROR};
use crate::report::{PageReport, Protection};
use driver::{BrowserKind, DemoPorts, Driver, LaunchOptions};
use protection::ProtectionOptions;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Mutex};
use std::time::Duration;
use tracklens::Engine;
use visit::{ConsentAction, VisitOptions};

const DEFAULT_SETTLE: Duration = Duration::from_millis(3500);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub fn audit_command(args: &[String]) -> ExitCode {
    crate::guard::install();
    match run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tracklens: {error}");
            ExitCode::from(ERROR)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = Options::parse(args)?;
    let mut urls = options.positional.clone();
    if let Some(path) = &options.urls_file {
        let text = std::fs::read_to_string(path).map_err(|e| format!("--urls {path}: {e}"))?;
        urls.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned));
    }
    for url in &urls {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("not an http(s) URL: {url}"));
        }
    }
    // No URL: the bundled demo site, which needs the demo server and its host mapping.
    let demo_mode = options.demo || urls.is_empty();
    if urls.is_empty() {
        urls.push(demo::DEMO_URL.to_owned());
    }
    let visit = VisitOptions {
        settle: options.settle.unwrap_or(DEFAULT_SETTLE),
        scroll: options.scroll,
        consent: ConsentAction::parse(options.consent.as_deref().unwrap_or("none"))?,
        timeout: options.timeout.unwrap_or(DEFAULT_TIMEOUT),
    };
    let root = project_root();
    let kind = BrowserKind::parse(options.browser.as_deref().unwrap_or("chromium"))?;
    let path = match kind {
        BrowserKind::Chromium => options.chromium.clone(),
        BrowserKind::Firefox => options.firefox.clone(),
    };
    let executable = path.map_or_else(|| kind.default_executable(), PathBuf::from);
    if !executable.exists() {
        let flag = kind.name().to_lowercase();
        return Err(format!(
            "no {} at {}: run scripts/setup.sh first (or pass --{flag})",
            kind.name(),
            executable.display()
        ));
    }
    let protection = ProtectionOptions::parse(options.protection.as_deref(), options.gpc)?;
    if options.without_extension && (options.protection.is_some() || options.gpc) {
        return Err("--protection and --gpc need the extension: not with --without-extension".to_owned());
    }
    let extension = match options.without_extension {
        true => None,
        false => {
            let dir = options.extension.as_ref().map_or_else(|| root.join(kind.package_dir()), PathBuf::from);
            if !dir.join("manifest.json").is_file() {
                return Err(format!("no built extension in {}: run scripts/build.sh first", dir.display()));
            }
            Some(dir)
        }
    };
    let engine = options.engine()?;
    let mut sink = Sink::open(&options)?;
    let todo: VecDeque<String> = urls.into_iter().filter(|u| !sink.resumed.contains(u)).collect();
    sink.total = todo.len();
    if todo.is_empty() {
        eprintln!("tracklens: every page is already in {}", options.json.as_deref().unwrap_or("the output"));
        return Ok(sink.finish());
    }
    // Firefox has no --host-resolver-rules: the demo server's proxy maps its hosts instead.
    let proxy = kind == BrowserKind::Firefox;
    let server = if demo_mode { Some(demo::DemoServer::start(&root, proxy)?) } else { None };
    let demo = server.as_ref().map(|s| DemoPorts { http: s.http_port, https: s.https_port, proxy: s.proxy_port });
    let launch = LaunchOptions { kind, executable, extension, demo };
    let protection = (!options.without_extension).then_some(protection);
    let crawl =
        Crawl { queue: Mutex::new(todo), launch, protection, visit, retries: options.retries.unwrap_or(1), engine };
    let jobs = options.jobs.unwrap_or(1);
    let (send, receive) = mpsc::channel();
    let mut failure = Ok(());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let send = send.clone();
            let crawl = &crawl;
            scope.spawn(move || crawl.job(&send));
        }
        drop(send);
        for report in receive {
            if failure.is_ok() {
                failure = sink.add(report);
                sink.progress();
            }
        }
    });
    failure?;
    drop(server);
    Ok(sink.finish())
}

struct Crawl {
    queue: Mutex<VecDeque<String>>,
    launch: LaunchOptions,
    /// None without the extension.
    protection: Option<ProtectionOptions>,
    visit: VisitOptions,
    retries: u32,
    engine: Engine,
}

impl Crawl {
    /// One job: takes pages off the shared queue until it is empty, with its own browser.
    fn job(&self, send: &mpsc::Sender<PageReport>) {
        let mut browser: Option<JobBrowser> = None;
        loop {
            let next = self.queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
            let Some(url) = next else { break };
            let report = self.page(&mut browser, &url);
            if send.send(report).is_err() {
                break;
            }
        }
    }

    /// A new browser with the audit's protection in effect before its first page (again after
    /// a crash: a new browser has a new profile with the extension's defaults).
    fn start_browser(&self) -> Result<JobBrowser, String> {
        let mut browser = driver::launch(&self.launch)?;
        let protection = match self.protection {
            Some(options) => Some(protection::apply(browser.as_mut(), options)?),
            None => None,
        };
        let (protection, settings) = protection.unzip();
        Ok(JobBrowser { browser, protection, settings })
    }

    /// One page, with retries; a browser that stopped answering is replaced.
    fn page(&self, browser: &mut Option<JobBrowser>, url: &str) -> PageReport {
        let source = if self.launch.extension.is_some() { "extension" } else { "network" };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = match browser {
                Some(open) => Ok(open),
                None => self.start_browser().map(|b| browser.insert(b)),
            }
            .and_then(|open| {
                let mut report =
                    visit::visit(open.browser.as_mut(), &self.engine, open.settings.as_ref(), url, &self.visit)?;
                report.protection = open.protection.clone();
                Ok(report)
            });
            match result {
                Ok(mut report) => {
                    report.attempts = attempts;
                    return report;
                }
                Err(error) => {
                    if browser.as_mut().is_some_and(|b| !b.browser.alive()) {
                        *browser = None;
                    }
                    if attempts > self.retries {
                        return PageReport::failed(url, source, error, attempts);
                    }
                }
            }
        }
    }
}

/// A job's browser and the protection in effect in it.
struct JobBrowser {
    browser: Box<dyn Driver>,
    protection: Option<Protection>,
    /// The extension's settings in that browser (None without the extension).
    settings: Option<tracklens::protection::Settings>,
}

/// The repository: `TRACKLENS_ROOT`, else the working directory when it holds the demo, else
/// where this binary was built from (so `cargo test` and benches find dist/ and the demo).
fn project_root() -> PathBuf {
    if let Ok(root) = std::env::var("TRACKLENS_ROOT") {
        return PathBuf::from(root);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    if cwd.join("tests/demo/server.mjs").is_file() {
        return cwd;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or(cwd, Path::to_path_buf)
}
