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
    pub firefox: Option<String>,
    /// `--browser chromium|firefox`.
    pub browser: Option<String>,
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
                    | "--firefox"
                    | "--browser"
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
                "--firefox" => options.firefox = Some(value(arg)?),
                "--browser" => options.browser = Some(value(arg)?),
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
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(format!("--resume {path}: {e}")),
            };
            let finished =
                read_finished(&bytes).map_err(|e| format!("--resume {path}: {e}; the file was left as it is"))?;
            if let Some(torn) = finished.torn {
                eprintln!("tracklens: --resume {path}: the last line was cut off mid-write ({torn} bytes, no newline): dropped it, kept {} finished pages", finished.reports.len());
            }
            for report in finished.reports {
                if resumed.insert(report.url.clone()) {
                    reports.push(report);
                }
            }
            // Keep the finished lines only, so the file ends with one line per page. Written to a
            // new file beside it, then renamed over it: a crash now loses nothing either.
            let kept: String = reports.iter().map(json_line).collect();
            replace_file(path, kept.as_bytes()).map_err(|e| format!("--resume {path}: {e}"))?;
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
        print!("{}", report::terminal::printable(&report::terminal::page(&report)));
        println!();
        if let Some(file) = &mut self.json {
            // Held while the line is written, so that a Ctrl-C never cuts it (see guard.rs).
            let _writing = crate::guard::hold_exit();
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
        let last = report::terminal::printable(self.reports.last().map_or("", |r| r.url.as_str()));
        eprintln!(
            "tracklens: [{}{}] {done}/{} pages, {failed} failed  {last}",
            "#".repeat(filled),
            "-".repeat(width - filled),
            self.total
        );
    }

    /// Writes the HTML and JUnit files and says how the run ends.
    pub fn finish(self) -> ExitCode {
        // Rendered only when asked for: on a large archive the HTML is seconds of work.
        let write = |path: &Option<String>, render: fn(&[PageReport]) -> String| match path {
            Some(path) => std::fs::write(path, render(&self.reports)).map_err(|e| format!("{path}: {e}")),
            None => Ok(()),
        };
        let written = write(&self.options.html, report::html::render)
            .and_then(|_| write(&self.options.junit, report::junit::render));
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

/// What a JSON-lines file from an earlier run holds: the finished pages' reports (failed pages
/// are tried again), and the length of a torn last line, if the run was cut mid-write.
#[derive(Debug)]
struct Finished {
    reports: Vec<PageReport>,
    torn: Option<usize>,
}

/// Reads the finished pages of a JSON-lines file. Only a last line without its newline (where a
/// crash stops a write, possibly inside a multi-byte character) may be damaged: it is dropped.
/// Any other line that is not a page report is an error, so nothing finished is ever thrown away.
fn read_finished(bytes: &[u8]) -> Result<Finished, String> {
    let (complete, torn) = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => (&bytes[..=end], &bytes[end + 1..]),
        None => (&bytes[..0], bytes),
    };
    let mut reports = Vec::new();
    let mut keep = |report: PageReport| {
        if report.status == Status::Ok {
            reports.push(report);
        }
    };
    for (index, line) in complete.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let report = serde_json::from_slice::<PageReport>(line)
            .map_err(|e| format!("line {} is not a TrackLens page report ({e})", index + 1))?;
        keep(report);
    }
    // A last line that is whole but for its newline is kept.
    let torn = match serde_json::from_slice::<PageReport>(torn) {
        _ if torn.iter().all(u8::is_ascii_whitespace) => None,
        Ok(report) => {
            keep(report);
            None
        }
        Err(_) => Some(torn.len()),
    };
    Ok(Finished { reports, torn })
}

/// Replaces `path`'s content with `bytes` through a new file in the same directory, renamed over
/// it: at every moment the path holds either the old content or the new, whole.
fn replace_file(path: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(".".as_ref());
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map(|_| ()).map_err(|e| e.error)
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

/// Threads that build `analyze`'s page reports at most: beyond this, reading the file dominates.
const MAX_REPORT_THREADS: usize = 8;

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
        // Reports are built on every core, each with its memory of verdicts, kept for all
        // files: archives of one site repeat its requests.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_REPORT_THREADS));
        let mut memos: Vec<_> = (0..threads).map(|_| crate::report::Verdicts::sharing(&engine, threads)).collect();
        for path in &options.positional {
            let (archive, pages) = crate::har::read(path)?;
            report_warnings(path, &archive);
            crate::har::page_reports(&pages, &mut memos, |report| sink.add(report))?;
        }
        Ok(sink.finish())
    };
    run().unwrap_or_else(|error| {
        eprintln!("tracklens: {error}");
        ExitCode::from(ERROR)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(url: &str, status: Status) -> String {
        let mut report = PageReport::new(url, "test");
        report.status = status;
        json_line(&report)
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_every_finished_page_kept() {
        let mut file =
            (0..3).map(|i| line(&format!("https://site{i}.example/"), Status::Ok)).collect::<String>().into_bytes();
        file.extend_from_slice(line("https://failed.example/", Status::Failed).as_bytes());
        // A crash mid-write: the last line stops inside the two bytes of "é".
        let torn = line("https://caf\u{e9}.example/", Status::Ok);
        let cut = torn.find('\u{e9}').unwrap() + 1;
        file.extend_from_slice(&torn.as_bytes()[..cut]);
        let finished = read_finished(&file).unwrap();
        let urls: Vec<&str> = finished.reports.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["https://site0.example/", "https://site1.example/", "https://site2.example/"]);
        assert_eq!(finished.torn, Some(cut));
    }

    #[test]
    fn a_whole_last_line_without_newline_is_kept_and_a_damaged_middle_line_is_an_error() {
        let whole = line("https://a.example/", Status::Ok);
        let finished = read_finished(whole.trim_end().as_bytes()).unwrap();
        assert_eq!((finished.reports.len(), finished.torn), (1, None));
        let damaged = format!("{whole}{{\"url\": \n{whole}");
        assert_eq!(
            read_finished(damaged.as_bytes()).unwrap_err().split(' ').take(2).collect::<Vec<_>>(),
            ["line", "2"]
        );
        assert_eq!(read_finished(b"").unwrap().reports.len(), 0);
    }
}
