//! `tracklens`: the core on the command line, for people checking requests by hand.

use std::process::ExitCode;
use tracklens::{classify, Request, ResourceType};

const USAGE: &str = "usage: tracklens classify <url> [--page <url>] [--type <resource type>]

  Prints TrackLens' verdict on one request as JSON: who receives it, for what purpose,
  first or third party, and why. --page defaults to the request URL itself (a navigation);
  --type takes Chrome's webRequest names (script, image, xmlhttprequest, sub_frame, ...).

exit status: 0 classified, 2 usage error or malformed URL";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
        Some((command, rest)) if command == "classify" => classify_command(rest),
        Some((flag, _)) if flag == "--help" || flag == "-h" => Ok(USAGE.to_owned()),
        Some((other, _)) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    }
}

fn classify_command(args: &[String]) -> Result<String, String> {
    let mut url = None;
    let mut page = None;
    let mut resource_type = ResourceType::Other;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--page" => page = Some(value("--page")?),
            "--type" => resource_type = ResourceType::from_name(&value("--type")?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ if url.is_none() => url = Some(arg.clone()),
            extra => return Err(format!("unexpected argument {extra:?}\n{USAGE}")),
        }
    }
    let url = url.ok_or_else(|| format!("classify needs a URL\n{USAGE}"))?;
    let request = Request { page_url: page.unwrap_or_else(|| url.clone()), url, resource_type };
    let verdict = classify(&request).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&verdict).map_err(|e| e.to_string())
}
