//! What the extension's protection does during an audit. Since blocking is on by default, an
//! audit with the extension's defaults no longer sees what a site really does; `--protection off`
//! (the default) saves settings that observe without changing anything, `--protection on` keeps
//! the defaults a TrackLens user gets, to check that protection works on a site.

use super::driver::{open_extension_page, Driver};
use super::state_keys;
use crate::report::Protection;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tracklens::protection::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off,
    On,
}

#[derive(Debug, Clone, Copy)]
pub struct ProtectionOptions {
    pub mode: Mode,
    /// Send Global Privacy Control while observing (`--gpc`): does the site honour it?
    pub gpc: bool,
}

impl ProtectionOptions {
    pub fn parse(mode: Option<&str>, gpc: bool) -> Result<ProtectionOptions, String> {
        let mode = match mode.unwrap_or("off") {
            "off" => Mode::Off,
            "on" => Mode::On,
            other => return Err(format!("--protection takes off or on, not {other:?}")),
        };
        if mode == Mode::On && gpc {
            return Err("--gpc is for --protection off: with protection on, GPC is sent as TrackLens' default".into());
        }
        Ok(ProtectionOptions { mode, gpc })
    }

    /// The settings saved in `off` mode: no category, company or domain choice (a present empty
    /// map replaces the defaults), no parameter removal, and banners left for the audit's own
    /// `--consent` click (`one_click` waits for the visitor instead of declining at once).
    pub fn observing_settings(self) -> Value {
        json!({
            "version": 1,
            "categories": {}, "companies": {}, "domains": {}, "sites": {},
            "gpc": self.gpc, "dnt": false, "removeTrackingParams": false, "easyPrivacy": false,
            "consent": "one_click",
        })
    }
}

const SETTINGS_TIMEOUT: Duration = Duration::from_secs(20);
const SETTINGS_PAGE: &str = "extension/options/options.html";

/// Puts the audit's protection in effect in a freshly started browser, before its first visit,
/// and says what is in effect: for the report, and the settings themselves as the extension
/// stored them (what decides whether an aborted request was one of its blocks).
pub fn apply(browser: &mut dyn Driver, options: ProtectionOptions) -> Result<(Protection, Settings), String> {
    let deadline = Instant::now() + SETTINGS_TIMEOUT;
    // The worker applies the defaults at install; saving before that finished could let the
    // defaults' application land after ours, so wait for it first (as the JS tests do).
    wait_for_status(browser, deadline)?;
    if options.mode == Mode::Off {
        save_settings(browser, &options.observing_settings(), deadline)?;
    }
    let status = wait_for_status(browser, deadline)?;
    let mode = if options.mode == Mode::On { "on" } else { "off" };
    let stored = browser.extension_eval(&state_keys::read_local(state_keys::SETTINGS_KEY), deadline)?;
    let settings = tracklens::protection::read_settings(&stored).settings;
    let protection =
        Protection { mode: mode.into(), gpc: options.mode == Mode::On || options.gpc, rules: status["rules"].as_u64() };
    Ok((protection, settings))
}

/// `protectionStatus` once the worker says the stored settings are in effect.
fn wait_for_status(browser: &mut dyn Driver, deadline: Instant) -> Result<Value, String> {
    let read = state_keys::read_session(state_keys::PROTECTION_STATUS_KEY);
    loop {
        let status = browser.extension_eval(&read, deadline)?;
        if status["ok"] == true {
            return Ok(status);
        }
        if status["ok"] == false {
            return Err(format!("TrackLens could not apply its settings: {}", status["error"]));
        }
        if Instant::now() >= deadline {
            return Err("TrackLens did not put its settings in effect in 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Saves `settings` as the options page does: the extension takes settings only in a message from
/// one of its pages, so one is opened in a tab for the message and closed after.
fn save_settings(browser: &mut dyn Driver, settings: &Value, deadline: Instant) -> Result<(), String> {
    let tab = open_extension_page(browser, SETTINGS_PAGE, deadline)?;
    let send = format!("chrome.runtime.sendMessage({{ type: 'tracklens/settings/save', settings: {settings} }})");
    let result = browser.eval(&tab, &send, deadline);
    browser.close_tab(&tab);
    let answer = result?;
    if answer["ok"] != true {
        return Err(format!("TrackLens refused the audit's settings: {answer}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_observing_settings_change_nothing() {
        let off = ProtectionOptions::parse(None, false).unwrap();
        assert_eq!(off.mode, Mode::Off);
        let settings = off.observing_settings();
        let read = tracklens::protection::read_settings(&settings);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert!(tracklens::protection::compile_settings(&read.settings).rules.is_empty(), "no rule at all");
        let gpc = ProtectionOptions::parse(Some("off"), true).unwrap().observing_settings();
        let rules = tracklens::protection::compile_settings(&tracklens::protection::read_settings(&gpc).settings).rules;
        assert_eq!(rules.len(), 1, "only the Sec-GPC header rule");
        assert_eq!(ProtectionOptions::parse(Some("on"), false).unwrap().mode, Mode::On);
        assert!(ProtectionOptions::parse(Some("maybe"), false).unwrap_err().contains("--protection takes off or on"));
        assert!(ProtectionOptions::parse(Some("on"), true).is_err());
    }
}
