//! `tracklens`: the core on the command line, for people checking requests by hand and for the
//! build, which prepares the extension's engine snapshot.

mod audit;
mod cli;
mod guard;
mod har;
mod policy;
mod report;

use std::process::ExitCode;
use tracklens::{Engine, ListReport, Request, ResourceType};

/// See crate/Cargo.toml: `analyze` is allocation-heavy, and glibc's allocator was a fifth of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  tracklens classify <url> [--page <url>] [--type <resource type>] [--list NAME=FILE ...]
      Prints the verdict on one request as JSON: who receives it (company, purposes), first or
      third party, whether the filter lists block it, the rule that decided, and why.
      --page defaults to the request URL itself (a navigation); --type takes Chrome's webRequest
      names (script, image, xmlhttprequest, sub_frame, ...). Without --list, the bundled
      EasyPrivacy is used.
  tracklens check --snapshot FILE < REQUESTS.jsonl
      Decides each request of a JSON-lines stream ({url, sourceUrl|frameUrl, type|cpt}) with the
      filter lists of a snapshot and prints, as JSON, how many were blocked and the time per
      request (median, p99): the native side of scripts/bench-wasm.mjs.
  tracklens snapshot --list NAME=FILE [--list NAME=FILE ...] --out FILE
      Parses filter lists into an engine snapshot (what the extension loads at start) and
      reports, per list, the filters used and the lines skipped with their line numbers.
  tracklens cookie <name> [--domain D] [--value V] [--expires-in-days N] [--page <url>]
      Prints what a cookie is for as JSON: its purpose, vendor, whether it looks like an
      identifier, whether it is third party, and why. Without --expires-in-days it is a session
      cookie; --domain defaults to the page's host.
  tracklens consent <string>
      Decodes a consent string (IAB TCF v2 as in euconsent-v2, US Privacy, or GPP) and prints it
      as JSON with a plain-language summary of what the visitor agreed to.
  tracklens dnr --list NAME=FILE [--list NAME=FILE ...] --out FILE
      Compiles filter lists into a declarativeNetRequest static ruleset (JSON, within Chrome's
      guaranteed 30,000 static rules) and reports the rules made and what was skipped and why.
  tracklens vocabulary [--out FILE]
      Prints the categories and cookie purposes as JSON: wire name, label and whether a user
      may choose it, in display order. With --out FILE.js, writes it as the ES module the
      extension's pages import (the build does).
  tracklens audit [URL ...] [--urls FILE] [--demo] [--consent accept|reject|none] [--scroll]
                 [--settle MS] [--timeout SECS] [--retries N] [--jobs N] [--without-extension]
                 [--protection off|on] [--gpc] [--browser chromium|firefox] [REPORT AND POLICY OPTIONS]
      Visits each page in headless Chromium (or Firefox: --browser firefox) with the built
      extension (dist/chromium, dist/firefox) and reports
      what it recorded: trackers by company and purpose, cookies with purposes and lifetimes,
      storage, the consent string, tracking before consent, GPC, fingerprinting scripts, typed
      text sent before submit. Without a URL, audits the bundled demo site; --demo maps every host
      to the demo for the URLs given too. --protection off (default) observes without blocking;
      on keeps the extension's defaults (blocking, GPC, banners declined); --gpc sends GPC while
      observing.
  tracklens analyze FILE.har ... [REPORT AND POLICY OPTIONS]
      The same report from HAR files, offline, one report per page of each archive.
  Report and policy options: --json FILE (one JSON object per line) [--resume], --html FILE,
      --junit FILE, --fail-on PURPOSE,..., --max-third-parties N, --no-tracking-before-consent,
      --no-keylogging, --policy FILE.json, --list NAME=FILE | --snapshot FILE.  See docs/audit-report.md.

exit status: 0 success, 2 usage error, malformed URL, unreadable list or malformed consent string;
  audit and analyze: 0 every page passed, 1 a policy was violated, 2 an error (a page that
  could not be audited, a file that is not HAR)";

/// The list the extension ships, so a classification by hand matches the extension's.
const BUNDLED: (&str, &str) = ("EasyPrivacy", include_str!("../../../data/lists/easyprivacy.txt"));

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // audit and analyze have their own exit statuses (1: a policy was violated).
    match args.split_first() {
        Some((command, rest)) if command == "audit" => return audit::audit_command(rest),
        Some((command, rest)) if command == "analyze" => return cli::analyze_command(rest),
        _ => {}
    }
    match run(&args) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("tracklens: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.split_first() {
        Some((command, rest)) if command == "classify" => classify_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "snapshot" => snapshot_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "check" => check_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "cookie" => cookie_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "consent" => consent_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "dnr" => dnr_command(&Args::parse(rest)?),
        Some((command, rest)) if command == "vocabulary" => vocabulary_command(&Args::parse(rest)?),
        Some((flag, _)) if flag == "--help" || flag == "-h" => Ok(USAGE.to_owned()),
        Some((other, _)) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    }
}

#[derive(Default)]
struct Args {
    positional: Vec<String>,
    page: Option<String>,
    resource_type: Option<String>,
    lists: Vec<(String, String)>,
    out: Option<String>,
    snapshot: Option<String>,
    domain: Option<String>,
    value: Option<String>,
    expires_in_days: Option<String>,
}

impl Args {
    fn parse(args: &[String]) -> Result<Args, String> {
        let mut parsed = Args::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
            match arg.as_str() {
                "--page" => parsed.page = Some(value("--page")?),
                "--type" => parsed.resource_type = Some(value("--type")?),
                "--out" => parsed.out = Some(value("--out")?),
                "--snapshot" => parsed.snapshot = Some(value("--snapshot")?),
                "--domain" => parsed.domain = Some(value("--domain")?),
                "--value" => parsed.value = Some(value("--value")?),
                "--expires-in-days" => parsed.expires_in_days = Some(value("--expires-in-days")?),
                "--list" => {
                    let spec = value("--list")?;
                    let (name, path) = spec.split_once('=').ok_or(format!("--list takes NAME=FILE, not {spec:?}"))?;
                    parsed.lists.push((name.to_owned(), path.to_owned()));
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
                _ => parsed.positional.push(arg.clone()),
            }
        }
        Ok(parsed)
    }

    /// Reads the lists named on the command line, or the bundled one.
    fn read_lists(&self) -> Result<Vec<(String, String)>, String> {
        if self.lists.is_empty() {
            return Ok(vec![(BUNDLED.0.to_owned(), BUNDLED.1.to_owned())]);
        }
        self.lists
            .iter()
            .map(|(name, path)| {
                // Not UTF-8 throughout is no reason to refuse a list: each line that is not text
                // is skipped and counted by the parser, like any other bad line.
                std::fs::read(path)
                    .map(|bytes| (name.clone(), String::from_utf8_lossy(&bytes).into_owned()))
                    .map_err(|e| format!("list {path}: {e}"))
            })
            .collect()
    }
}

fn build_engine(args: &Args) -> Result<(Engine, Vec<ListReport>), String> {
    let lists = args.read_lists()?;
    Ok(Engine::from_lists(lists.iter().map(|(name, text)| (name.as_str(), text.as_str()))))
}

fn classify_command(args: &Args) -> Result<String, String> {
    let [url] = args.positional.as_slice() else {
        return Err(format!("classify takes one URL\n{USAGE}"));
    };
    let resource_type = match &args.resource_type {
        Some(name) => {
            let parsed = ResourceType::from_name(name);
            if parsed == ResourceType::Other && name != "other" {
                return Err(format!("unknown resource type {name:?}"));
            }
            parsed
        }
        None => ResourceType::Other,
    };
    let (engine, _) = build_engine(args)?;
    let request =
        Request { url: url.clone(), page_url: args.page.clone().unwrap_or_else(|| url.clone()), resource_type };
    let verdict = engine.classify(&request).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&verdict).map_err(|e| e.to_string())
}

fn snapshot_command(args: &Args) -> Result<String, String> {
    let out = args.out.as_ref().ok_or(format!("snapshot needs --out FILE\n{USAGE}"))?;
    if args.lists.is_empty() || !args.positional.is_empty() {
        return Err(format!("snapshot takes --list NAME=FILE options only\n{USAGE}"));
    }
    let (engine, reports) = build_engine(args)?;
    let bytes = engine.to_snapshot();
    std::fs::write(out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    let mut summary = Vec::new();
    for report in &reports {
        summary.push(format!(
            "{}: {} lines, {} network filters, {} cosmetic (not used), {} with unsupported options, {} malformed",
            report.name, report.lines, report.network_filters, report.cosmetic, report.unsupported, report.malformed
        ));
        for warning in report.warnings.iter().take(5) {
            summary.push(format!("  line {}: {} ({})", warning.line, warning.text, warning.reason));
        }
    }
    summary.push(format!("snapshot: {} filters, {} bytes in {out}", engine.filter_count(), bytes.len()));
    Ok(summary.join("\n"))
}

/// One line of a request corpus, in either of the shapes adblocker benchmarks use.
#[derive(serde::Deserialize)]
struct CorpusLine {
    url: String,
    #[serde(alias = "frameUrl", rename = "sourceUrl")]
    source: String,
    #[serde(alias = "cpt", rename = "type")]
    kind: String,
}

fn check_command(args: &Args) -> Result<String, String> {
    use std::io::BufRead;
    let path = args.snapshot.as_ref().ok_or(format!("check needs --snapshot FILE\n{USAGE}"))?;
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let engine = Engine::from_snapshot(&bytes).map_err(|e| format!("{path}: {e}"))?;
    // Read every request first, so reading and parsing do not sit between the timed calls.
    let mut skipped = 0usize;
    let mut requests = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        match serde_json::from_str::<CorpusLine>(&line) {
            Ok(sample) => requests.push(Request {
                url: sample.url,
                page_url: sample.source,
                resource_type: ResourceType::from_name(&sample.kind),
            }),
            Err(_) => skipped += 1,
        }
    }
    let (mut nanos, mut blocked) = (Vec::with_capacity(requests.len()), 0usize);
    for request in &requests {
        let start = std::time::Instant::now();
        let decision = engine.decide(request);
        nanos.push(start.elapsed().as_nanos() as u64);
        blocked += usize::from(matches!(decision, Ok(Some(d)) if d.blocks()));
    }
    nanos.sort_unstable();
    let at = |q: f64| nanos.get(((nanos.len().max(1) - 1) as f64 * q) as usize).copied().unwrap_or(0);
    Ok(serde_json::json!({
        "requests": nanos.len(),
        "skipped_lines": skipped,
        "blocked": blocked,
        "median_ns": at(0.5),
        "p99_ns": at(0.99),
    })
    .to_string())
}

fn cookie_command(args: &Args) -> Result<String, String> {
    use tracklens::cookie_purpose::{classify_cookie, Cookie};
    let [name] = args.positional.as_slice() else {
        return Err(format!("cookie takes one cookie name\n{USAGE}"));
    };
    let expires_in = match &args.expires_in_days {
        Some(days) => {
            let days: f64 = days.parse().map_err(|_| format!("--expires-in-days takes a number, not {days:?}"))?;
            Some((days * 86_400.0) as i64)
        }
        None => None,
    };
    let page = args.page.clone().unwrap_or_else(|| "https://example.com/".to_owned());
    let cookie = Cookie {
        name: name.as_str().into(),
        value: args.value.as_deref().unwrap_or("").into(),
        domain: args.domain.as_deref().unwrap_or("").into(),
        path: "/".into(),
        expires_in,
        ..Cookie::default()
    };
    serde_json::to_string_pretty(&classify_cookie(&cookie, &page)).map_err(|e| e.to_string())
}

fn consent_command(args: &Args) -> Result<String, String> {
    let [text] = args.positional.as_slice() else {
        return Err(format!("consent takes one consent string\n{USAGE}"));
    };
    let signal = tracklens::consent::decode_consent(text).map_err(|e| format!("malformed consent string: {e}"))?;
    let mut json = serde_json::to_value(&signal).map_err(|e| e.to_string())?;
    if let Some(object) = json.as_object_mut() {
        object.insert("summary".to_owned(), signal.summary().into());
    }
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

fn vocabulary_command(args: &Args) -> Result<String, String> {
    if !args.positional.is_empty() {
        return Err(format!("vocabulary takes --out FILE only\n{USAGE}"));
    }
    let json = serde_json::to_string_pretty(&tracklens::vocabulary::vocabulary()).map_err(|e| e.to_string())?;
    let Some(out) = &args.out else { return Ok(json) };
    let text = if out.ends_with(".js") {
        format!(
            "// Generated by `tracklens vocabulary --out` from crate/src/vocabulary.rs: edit it there.\n\
             export const VOCABULARY = Object.freeze({json});\n"
        )
    } else {
        format!("{json}\n")
    };
    std::fs::write(out, text).map_err(|e| format!("{out}: {e}"))?;
    Ok(format!("vocabulary: written to {out}"))
}

fn dnr_command(args: &Args) -> Result<String, String> {
    let out = args.out.as_ref().ok_or(format!("dnr needs --out FILE\n{USAGE}"))?;
    if args.lists.is_empty() || !args.positional.is_empty() {
        return Err(format!("dnr takes --list NAME=FILE options only\n{USAGE}"));
    }
    let lists = args.read_lists()?;
    let filters: Vec<tracklens::NetworkFilter> = lists
        .iter()
        .enumerate()
        .flat_map(|(index, (name, text))| tracklens::filters::parse_list(name, text, index as u16).0)
        .collect();
    let output = tracklens::dnr::compile(&filters, &tracklens::DnrOptions::STATIC);
    let json = serde_json::to_string(&output.rules).map_err(|e| e.to_string())?;
    std::fs::write(out, json).map_err(|e| format!("{out}: {e}"))?;
    let report = &output.report;
    let mut summary = vec![format!(
        "dnr: {} filters -> {} rules in {out} ({} filters expressed, {} dropped for the limit)",
        report.filters_in,
        output.rules.len(),
        report.converted,
        report.filters_dropped_for_limit
    )];
    for (reason, count) in &report.skipped_by_reason {
        summary.push(format!("  skipped {count}: {reason}"));
    }
    Ok(summary.join("\n"))
}
