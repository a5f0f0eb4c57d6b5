//! What `audit` and `analyze` share: their options, the engine they classify with, and the
//! outputs (terminal, JSON lines, HTML, JUnit) with the policy verdict as exit status.

use crate::policy::Policy;
use crate::report::{self, PageReport, Status};
use std::collections::HashSet;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use tracklens::Engine;

/// Exit status: 0 every page passed, 1 a policy was violated, 2 usage or runtime error (including
/// a page that could not be audited).
pub const VIOLATED: u8 = 1;
pub const ERROR: u8 = 2;

#[derive(Default)]
pub struct Options {
    pub positional: Vec<String>,
    pub urls_file: Option<String>,
    pub json: Option<String>,
    pub html: Option<String>,
    pub junit: Option<String>,
    pub resume: bool,
    pub policy: Policy,
    pub lists: Vec<(String, String)>,
    pub snapshot: Option<String>,
    pub demo: bool,
    pub consent: Option<String>,
    pub settle: Option<Duration>,
    pub scroll: bool,
    pub timeout: Option<Duration>,
    pub retries: Option<u32>,
    pub jobs: Option<usize>,
    pub without_extension: bool,
    pub extension: Option<String>,
    pub chromium: Option<String>,
    pub protection: Option<String>,
    pub gpc: bool,
    /// Flags only `audit` takes, to refuse them in `analyze`.
    pub audit_flags: Vec<String>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut policy_file = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
            let number = |flag: &str, text: String| {
                text.parse::<u64>().map_err(|_| format!("{flag} takes a number, not {text:?}"))
            };
            let audit_only = matches!(
                arg.as_str(),
                "--urls"
                    | "--demo"
                    | "--consent"
                    | "--settle"
                    | "--scroll"
                    | "--timeout"
                    | "--retries"
                    | "--jobs"
                    | "--without-extension"
                    | "--extension"
                    | "--chromium"
                    | "--protection"
                    | "--gpc"
            );
            if audit_only {
                options.audit_flags.push(arg.clone());
            }
            match arg.as_str() {
                "--json" => options.json = Some(value("--json")?),
                "--html" => options.html = Some(value("--html")?),
                "--junit" => options.junit = Some(value("--junit")?),
                "--resume" => options.resume = true,
                "--policy" => policy_file = Some(value("--policy")?),
                "--fail-on" => options.policy.add_fail_on(&value("--fail-on")?)?,
                "--max-third-parties" => {
                    options.policy.max_third_parties = Some(number(arg, value(arg)?)? as usize);
                }
                "--no-tracking-before-consent" => options.policy.no_tracking_before_consent = true,
                "--no-keylogging" => options.policy.no_keylogging = true,
                "--snapshot" => options.snapshot = Some(value("--snapshot")?),
                "--list" => {
                    let spec = value("--list")?;
                    let (name, path) = spec.split_once('=').ok_or(format!("--list takes NAME=FILE, not {spec:?}"))?;
                    options.lists.push((name.to_owned(), path.to_owned()));
                }
                "--urls" => options.urls_file = Some(value(arg)?),
                "--demo" => options.demo = true,
                "--consent" => options.consent = Some(value(arg)?),
                "--settle" => options.settle = Some(Duration::from_millis(number(arg, value(arg)?)?)),
                "--scroll" => options.scroll = true,
                "--timeout" => options.timeout = Some(Duration::from_secs(number(arg, value(arg)?)?.max(1))),
                "--retries" => options.retries = Some(number(arg, value(arg)?)? as u32),
                "--jobs" => options.jobs = Some((number(arg, value(arg)?)? as usize).clamp(1, 16)),
                "--without-extension" => options.without_extension = true,
                "--extension" => options.extension = Some(value(arg)?),
                "--chromium" => options.chromium = Some(value(arg)?),
                "--protection" => options.protection = Some(value(arg)?),
                "--gpc" => options.gpc = true,
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                _ => options.positional.push(arg.clone()),
            }
        }
        if options.resume && options.json.is_none() {
            return Err("--resume needs --json FILE: the finished pages are read from it".to_owned());
        }
        if let Some(path) = policy_file {
            // Flags add to the file's rules.
            let from_file = Policy::from_file(&path)?;
            for category in from_file.fail_on {
                if !options.policy.fail_on.contains(&category) {
                    options.policy.fail_on.push(category);
                }
            }
            options.policy.max_third_parties = options.policy.max_third_parties.or(from_file.max_third_parties);
            options.policy.no_tracking_before_consent |= from_file.no_tracking_before_consent;
            options.policy.no_keylogging |= from_file.no_keylogging;
        }
        Ok(options)
    }

    /// The engine of `--snapshot`, else of `--list` files, else the bundled EasyPrivacy: the
    /// same lists as the other subcommands and the extension.
    pub fn engine(&self) -> Result<Engine, String> {
        if let Some(path) = &self.snapshot {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            return Engine::from_snapshot(&bytes).map_err(|e| format!("{path}: {e}"));
        }
        let args = crate::Args { lists: self.lists.clone(), ..crate::Args::default() };
        crate::build_engine(&args).map(|(engine, _)| engine)
    }
}

/// Collects page reports as they finish: checks the policy, prints each page, appends it to the
/// JSON-lines file at once (so an interrupted crawl can resume), and writes the other outputs
/// at the end.
pub struct Sink<'a> {
    options: &'a Options,
    json: Option<std::fs::File>,
    pub reports: Vec<PageReport>,
    pub total: usize,
    pub resumed: HashSet<String>,
}

impl<'a> Sink<'a> {
    pub fn open(options: &'a Options) -> Result<Sink<'a>, String> {
        let mut reports = Vec::new();
        let mut resumed = HashSet::new();
        if let (true, Some(path)) = (options.resume, &options.json) {
            // A page is finished when a line holds its report; failed pages are tried again.
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                if let Ok(report) = serde_json::from_str::<PageReport>(line) {
                    if report.status == Status::Ok && resumed.insert(report.url.clone()) {
                        reports.push(report);
                    }
                }
            }
            // Keep the finished lines only, so the file ends with one line per page.
            let kept: String = reports.iter().map(json_line).collect();
            std::fs::write(path, kept).map_err(|e| format!("{path}: {e}"))?;
        }
        let json = match &options.json {
            Some(path) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .truncate(false)
                    .open(path)
                    .and_then(|file| if options.resume { Ok(file) } else { file.set_len(0).map(|_| file) })
                    .map_err(|e| format!("{path}: {e}"))?,
            ),
            None => None,
        };
        Ok(Sink { options, json, reports, total: 0, resumed })
    }

    pub fn add(&mut self, mut report: PageReport) -> Result<(), String> {
        if report.status == Status::Ok {
            self.options.policy.check(&mut report);
        }
        print!("{}", report::terminal::page(&report));
        println!();
        if let Some(file) = &mut self.json {
            file.write_all(json_line(&report).as_bytes())
                .and_then(|_| file.flush())
                .map_err(|e| format!("--json: {e}"))?;
        }
        self.reports.push(report);
        Ok(())
    }

    /// One progress line on stderr per finished page.
    pub fn progress(&self) {
        // Pages read back with --resume are not this run's progress.
        let this_run = &self.reports[self.resumed.len().min(self.reports.len())..];
        let (done, failed) = (this_run.len(), this_run.iter().filter(|r| r.status == Status::Failed).count());
        let width = 20;
        let filled = (done * width).checked_div(self.total).unwrap_or(width).min(width);
        let last = self.reports.last().map_or("", |r| r.url.as_str());
        eprintln!(
            "tracklens: [{}{}] {done}/{} pages, {failed} failed  {last}",
            "#".repeat(filled),
            "-".repeat(width - filled),
            self.total
        );
    }

    /// Writes the HTML and JUnit files and says how the run ends.
    pub fn finish(self) -> ExitCode {
        let write = |path: &Option<String>, text: String| match path {
            Some(path) => std::fs::write(path, text).map_err(|e| format!("{path}: {e}")),
            None => Ok(()),
        };
        let written = write(&self.options.html, report::html::render(&self.reports))
            .and_then(|_| write(&self.options.junit, report::junit::render(&self.reports)));
        if let Err(error) = written {
            eprintln!("tracklens: {error}");
            return ExitCode::from(ERROR);
        }
        println!("{}", report::terminal::totals(&self.reports));
        if self.reports.iter().any(|r| r.status == Status::Failed) {
            ExitCode::from(ERROR)
        } else if self.reports.iter().any(|r| !r.violations.is_empty()) {
            ExitCode::from(VIOLATED)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// What the HAR reader skipped, on stderr: the first few with their JSON path, then the count.
fn report_warnings(path: &str, archive: &tracklens::har::Archive) {
    const SHOWN: usize = 10;
    let warnings = &archive.warnings;
    if warnings.is_empty() {
        return;
    }
    let skipped = archive.skipped_entries;
    eprintln!(
        "tracklens: {path}: {} entries read, {skipped} skipped; {} fields skipped:",
        archive.entries, warnings.total
    );
    for warning in warnings.listed.iter().take(SHOWN) {
        eprintln!("  {warning}");
    }
    if warnings.total > SHOWN {
        eprintln!("  and {} more", warnings.total - SHOWN);
    }
}

fn json_line(report: &PageReport) -> String {
    let mut line = serde_json::to_string(report).unwrap_or_default();
    line.push('\n');
    line
}

/// `tracklens analyze FILE.har ...`
pub fn analyze_command(args: &[String]) -> ExitCode {
    let run = || -> Result<ExitCode, String> {
        let options = Options::parse(args)?;
        if let Some(flag) = options.audit_flags.first() {
            return Err(format!("{flag} is an option of audit, not analyze"));
        }
        if options.positional.is_empty() {
            return Err("analyze takes one or more HAR files".to_owned());
        }
        let engine = options.engine()?;
        let mut sink = Sink::open(&options)?;
        for path in &options.positional {
            let (archive, pages) = crate::har::read(path)?;
            report_warnings(path, &archive);
            for page in &pages {
                sink.add(crate::har::page_report(page, &engine))?;
            }
        }
        Ok(sink.finish())
    };
    run().unwrap_or_else(|error| {
        eprintln!("tracklens: {error}");
        ExitCode::from(ERROR)
    })
}
