//! The declarativeNetRequest compiler on the real lists: filters in, rules out, what was skipped
//! and why, what the limit dropped, and how long compiling takes.
//!
//!   cargo bench --bench dnr [-- DATA_DIR]
//!
//! DATA_DIR defaults to ../shared/data (see support/mod.rs); it needs easylist.txt and
//! easyprivacy.txt.

mod support;

use support::*;
use tracklens::dnr::{compile, DnrOptions, DnrOutput};
use tracklens::filters::parse_list;
use tracklens::NetworkFilter;

fn main() {
    let dir = data_dir();
    let lists = lists(&dir);
    println!("TrackLens DNR compiler (data: {})", dir.display());
    let sets: [(&str, Vec<(&str, &str)>); 3] = [
        ("EasyPrivacy", vec![("EasyPrivacy", lists.easyprivacy.as_str())]),
        ("EasyList", vec![("EasyList", lists.easylist.as_str())]),
        (
            "EasyList + EasyPrivacy",
            vec![("EasyList", lists.easylist.as_str()), ("EasyPrivacy", lists.easyprivacy.as_str())],
        ),
    ];
    let modes = [
        ("dynamic rules, host filters merged", DnrOptions::DYNAMIC),
        ("static ruleset, one rule per filter", DnrOptions { merge_host_filters: false, ..DnrOptions::STATIC }),
    ];
    for (name, texts) in &sets {
        let filters: Vec<NetworkFilter> =
            texts.iter().enumerate().flat_map(|(index, (list, text))| parse_list(list, text, index as u16).0).collect();
        for (mode, options) in &modes {
            let (ms, out) = median_ms(5, || compile(&filters, options));
            print_run(&format!("{name}: {mode} (limit {})", options.max_rules), ms, &out);
        }
    }

    protection_settings(&lists.easyprivacy);
}

/// What the extension installs: the user's settings as dynamic rules (compiled in the worker on
/// every change), beside the EasyPrivacy static ruleset (compiled at build time) as the peer.
fn protection_settings(easyprivacy: &str) {
    use tracklens::dnr::ActionType;
    use tracklens::protection::{compile_settings, Settings, SiteMode, SiteSettings, Treatment};
    let defaults = Settings::default();
    let mut busy = Settings::default();
    for (index, (name, site)) in
        [("news.example", SiteMode::Trusted), ("shop.example", SiteMode::Paused)].into_iter().enumerate()
    {
        let mut settings = SiteSettings { mode: site, ..SiteSettings::default() };
        settings.choices.companies.insert(["Meta", "Google"][index].into(), Treatment::Allow);
        busy.sites.insert(name.into(), settings);
    }
    for (name, treatment) in [("Google", Treatment::Strip), ("X", Treatment::Block), ("Microsoft", Treatment::Block)] {
        busy.global.companies.insert(name.into(), treatment);
    }
    for site in ["blog.example", "mail.example", "bank.example"] {
        let mut settings = SiteSettings::default();
        settings.choices.categories.insert(tracklens::Category::Social, Treatment::Block);
        busy.sites.insert(site.into(), settings);
    }
    println!(
        "\nProtection settings -> dynamic rules (limits: {} rules, 5000 modifyHeaders)",
        tracklens::dnr::MAX_DYNAMIC_RULES
    );
    let mut default_ms = 0.0;
    for (title, settings) in [("default settings", &defaults), ("defaults + 3 companies, 5 sites with choices", &busy)]
    {
        let (ms, out) = median_ms(21, || compile_settings(settings));
        let headers = out.rules.iter().filter(|r| r.action.kind == ActionType::ModifyHeaders).count();
        let json = serde_json::to_string(&out.rules).expect("rules serialise");
        println!(
            "  {title:<48} {:>5} rules ({headers} modifyHeaders), {:>6.1} kB JSON, {ms:>7.3} ms (median of 21)",
            out.rules.len(),
            json.len() as f64 / 1e3
        );
        if default_ms == 0.0 {
            default_ms = ms;
        }
    }
    let filters: Vec<NetworkFilter> = parse_list("EasyPrivacy", easyprivacy, 0).0;
    let (ms, out) = median_ms(5, || compile(&filters, &DnrOptions::STATIC));
    println!(
        "  {:<48} {:>5} rules, {ms:>7.1} ms (median of 5): {:.0}x the default settings' time",
        "peer: EasyPrivacy static ruleset (build time)",
        out.rules.len(),
        ms / default_ms
    );
}

fn print_run(title: &str, ms: f64, out: &DnrOutput) {
    let report = &out.report;
    let regex = out.rules.iter().filter(|r| r.condition.regex_filter.is_some()).count();
    let merged = out.rules.iter().filter(|r| r.condition.request_domains.len() > 1).count();
    let json = serde_json::to_string(&out.rules).expect("rules serialise");
    println!("\n{title}");
    println!("  filters in                 {:>8}", report.filters_in);
    println!("  converted                  {:>8}", report.converted);
    println!(
        "  rules out                  {:>8}  ({regex} regex, {merged} with several requestDomains)",
        out.rules.len()
    );
    println!(
        "  rules dropped for limit    {:>8}  ({} filters)",
        report.dropped_for_limit, report.filters_dropped_for_limit
    );
    println!("  rules JSON                 {:>8.1} MB", json.len() as f64 / 1e6);
    println!("  time (median of 5)         {ms:>8.1} ms");
    println!("  skipped by reason:");
    for (reason, count) in &report.skipped_by_reason {
        println!("    {count:>6}  {reason}");
    }
}
