//! Launching Debian's headless Firefox for one audit job over WebDriver BiDi, with the built
//! Firefox package (dist/firefox) installed as a temporary add-on, as a user would from
//! about:debugging. Firefox has no service-worker target to evaluate in: the extension's storage
//! is read from one of its own pages, kept open in a tab for the browser's life. The demo's hosts
//! reach loopback through the demo server's proxy (Firefox has no --host-resolver-rules).

use super::bidi::{bytes_value, Bidi, Event};
use super::driver::{open_extension_page, wait_for_core, BrowserCookie, Driver, LaunchOptions, PageEvent, TabHandle};
use super::process::{private_profile, BrowserProcess};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracklens::ResourceType;

const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Where the extension's storage is read: the popup of no tab (it shows nothing, changes nothing).
const STATE_PAGE: &str = "extension/popup/popup.html?tab=-1";
const EVENTS: &[&str] = &[
    "browsingContext.contextCreated",
    "browsingContext.load",
    "browsingContext.navigationFailed",
    "network.beforeRequestSent",
    "network.responseCompleted",
    "network.fetchError",
];

pub struct Firefox {
    bidi: Bidi,
    /// The moz-extension:// address of the extension's pages, when it is installed.
    extension_base: Option<String>,
    /// The tab showing STATE_PAGE.
    state_tab: Option<String>,
    /// Each frame's tab (browsing contexts nest; a tab's requests come from any of its frames).
    tab_of: HashMap<String, String>,
    /// Per tab, the navigation whose load the audit waits for.
    navigation: HashMap<String, String>,
    process: BrowserProcess,
}

impl Firefox {
    pub fn launch(options: &LaunchOptions) -> Result<Firefox, String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let profile = private_profile()?;
        let uuid = random_uuid()?;
        let gecko_id = match &options.extension {
            Some(dir) => Some(gecko_id(dir)?),
            None => None,
        };
        std::fs::write(profile.path().join("user.js"), user_prefs(options, gecko_id.as_deref(), &uuid))
            .map_err(|e| format!("{}: {e}", profile.path().display()))?;
        let args: Vec<String> = [
            "--headless",
            "--no-remote",
            "--remote-debugging-port=0",
            // BiDi refuses to open moz-extension: pages without it.
            "--remote-allow-system-access",
            "--profile",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain([profile.path().display().to_string(), "about:blank".to_owned()])
        .collect();
        let mut process = BrowserProcess::spawn(&options.executable, &args, profile)?;
        // Firefox writes where WebDriver BiDi listens to the profile once it does.
        let url = process.wait_for_file("WebDriverBiDiServer.json", "Firefox", START_TIMEOUT, |text| {
            let server: Value = serde_json::from_str(text).ok()?;
            Some(format!("ws://{}:{}/session", server["ws_host"].as_str()?, server["ws_port"].as_u64()?))
        })?;
        let bidi = Bidi::start_session(&url, options.demo.is_some(), deadline)?;
        let mut firefox = Firefox {
            bidi,
            extension_base: None,
            state_tab: None,
            tab_of: HashMap::new(),
            navigation: HashMap::new(),
            process,
        };
        firefox.bidi.call("session.subscribe", json!({ "events": EVENTS }), deadline)?;
        if let (Some(dir), Some(expected)) = (&options.extension, gecko_id) {
            let path = dir.canonicalize().map_err(|e| format!("{}: {e}", dir.display()))?;
            let data = json!({ "type": "path", "path": path });
            let installed = firefox.bidi.call("webExtension.install", json!({ "extensionData": data }), deadline)?;
            if installed["extension"] != expected.as_str() {
                return Err(format!(
                    "Firefox installed {} from {}, not {expected}",
                    installed["extension"],
                    dir.display()
                ));
            }
            firefox.extension_base = Some(format!("moz-extension://{uuid}/"));
            firefox.open_state_page(deadline)?;
        }
        Ok(firefox)
    }

    /// Opens the extension page storage is read through, and waits for the core's status.
    fn open_state_page(&mut self, deadline: Instant) -> Result<(), String> {
        let tab = open_extension_page(self, STATE_PAGE, deadline)?;
        self.state_tab = Some(tab.id.clone());
        wait_for_core(|check| self.eval(&tab, check, deadline), deadline)
    }

    /// Evaluates `expression` in a browsing context, as Runtime.evaluate with returnByValue does.
    fn evaluate(&mut self, context: &str, expression: &str, deadline: Instant) -> Result<Value, String> {
        let params = json!({
            "expression": expression,
            "target": { "context": context },
            "awaitPromise": true,
            "resultOwnership": "none",
            "serializationOptions": { "maxObjectDepth": null, "maxDomDepth": 0 },
        });
        let answer = self.bidi.call("script.evaluate", params, deadline)?;
        if answer["type"] == "exception" {
            let text = answer["exceptionDetails"]["text"].as_str().unwrap_or("script error");
            return Err(format!("in the page: {text}"));
        }
        Ok(remote_to_json(&answer["result"]))
    }

    fn page_events(&mut self, tab: &TabHandle, event: Event) -> Vec<PageEvent> {
        let params = &event.params;
        let context = params["context"].as_str().unwrap_or_default();
        if event.method == "browsingContext.contextCreated" {
            if let Some(parent) = params["parent"].as_str() {
                let top = self.tab_of.get(parent).cloned().unwrap_or_else(|| parent.to_owned());
                self.tab_of.insert(context.to_owned(), top);
            }
            return Vec::new();
        }
        let top = self.tab_of.get(context).map_or(context, String::as_str);
        if top != tab.id {
            return Vec::new();
        }
        let current = |navigation: &Value| {
            navigation.as_str().is_some() && navigation.as_str() == self.navigation.get(&tab.id).map(String::as_str)
        };
        let request = &params["request"];
        let id = request["request"].as_str().unwrap_or_default().to_owned();
        match event.method.as_str() {
            // The navigation the audit started, or one the page made itself (a script's
            // redirect has a new id); never the new tab's own about:blank.
            "browsingContext.load"
                if context == tab.id
                    && (current(&params["navigation"])
                        || params["url"].as_str().is_some_and(|u| u != "about:blank")) =>
            {
                vec![PageEvent::Loaded]
            }
            "browsingContext.navigationFailed" if context == tab.id && current(&params["navigation"]) => {
                vec![PageEvent::Failed("Firefox could not load the page".to_owned())]
            }
            "network.beforeRequestSent" => {
                let destination = request["destination"].as_str().unwrap_or_default();
                let main_frame = context == tab.id && !params["navigation"].is_null() && destination == "document";
                let initiator = request["initiatorType"].as_str().unwrap_or_default();
                let resource_type = resource_type(destination, initiator, main_frame);
                let url = request["url"].as_str().unwrap_or_default().to_owned();
                vec![PageEvent::Request { id, url, resource_type }]
            }
            // The headers as sent are the response's: beforeRequestSent has them before the
            // extension's rules changed them (no Sec-GPC yet, Cookie not yet stripped).
            "network.responseCompleted" => {
                let sent = headers(request);
                let gpc = sent.iter().any(|(name, value)| name.eq_ignore_ascii_case("sec-gpc") && value.trim() == "1");
                let cookie = sent.iter().find(|(name, _)| name.eq_ignore_ascii_case("cookie")).map(|(_, v)| v.clone());
                let lines: Vec<String> = headers(&params["response"])
                    .into_iter()
                    .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
                    .flat_map(|(_, value)| value.lines().map(str::to_owned).collect::<Vec<_>>())
                    .collect();
                vec![PageEvent::Headers { id: id.clone(), cookie, gpc }, PageEvent::SetCookies { id, lines }]
            }
            // What the extension's declarativeNetRequest rules block fails this way, and so does
            // a load the page or a navigation stopped.
            "network.fetchError" if params["errorText"].as_str().is_some_and(|e| e.contains("NS_ERROR_ABORT")) => {
                vec![PageEvent::Aborted { id }]
            }
            _ => Vec::new(),
        }
    }

    fn remember_navigation(&mut self, tab: &TabHandle, answer: &Value) {
        if let Some(navigation) = answer["navigation"].as_str() {
            self.navigation.insert(tab.id.clone(), navigation.to_owned());
        }
    }
}

impl Driver for Firefox {
    fn open_tab(&mut self, deadline: Instant) -> Result<TabHandle, String> {
        let created = self.bidi.call("browsingContext.create", json!({ "type": "tab" }), deadline)?;
        let id = created["context"].as_str().ok_or("browsingContext.create: no context")?.to_owned();
        Ok(TabHandle { session: id.clone(), id })
    }

    fn close_tab(&mut self, tab: &TabHandle) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let _ = self.bidi.call("browsingContext.close", json!({ "context": tab.id }), deadline);
        self.navigation.remove(&tab.id);
        self.tab_of.retain(|_, top| *top != tab.id);
    }

    fn navigate(&mut self, tab: &TabHandle, url: &str, deadline: Instant) -> Result<(), String> {
        let params = json!({ "context": tab.id, "url": url, "wait": "none" });
        let answer = self.bidi.call("browsingContext.navigate", params, deadline)?;
        self.remember_navigation(tab, &answer);
        Ok(())
    }

    fn reload(&mut self, tab: &TabHandle, deadline: Instant) -> Result<(), String> {
        let answer =
            self.bidi.call("browsingContext.reload", json!({ "context": tab.id, "wait": "none" }), deadline)?;
        self.remember_navigation(tab, &answer);
        Ok(())
    }

    fn eval(&mut self, tab: &TabHandle, expression: &str, deadline: Instant) -> Result<Value, String> {
        self.evaluate(&tab.id, expression, deadline)
    }

    fn next_events(&mut self, tab: &TabHandle, deadline: Instant) -> Result<Option<Vec<PageEvent>>, String> {
        Ok(self.bidi.next_event(deadline)?.map(|event| self.page_events(tab, event)))
    }

    fn cookies(&mut self, tab: &TabHandle, deadline: Instant) -> Result<Vec<BrowserCookie>, String> {
        // Third-party cookies live in the page's partition (Total Cookie Protection), the page's
        // own in the default one: read both.
        let mut cookies: Vec<BrowserCookie> = Vec::new();
        for params in [json!({}), json!({ "partition": { "type": "context", "context": tab.id } })] {
            let answer = self.bidi.call("storage.getCookies", params, deadline)?;
            for c in answer["cookies"].as_array().into_iter().flatten() {
                let cookie = BrowserCookie {
                    name: c["name"].as_str().unwrap_or_default().to_owned(),
                    value: bytes_value(&c["value"]),
                    domain: c["domain"].as_str().unwrap_or_default().to_owned(),
                    path: c["path"].as_str().unwrap_or_default().to_owned(),
                    expires: c["expiry"].as_f64(),
                };
                if !cookies
                    .iter()
                    .any(|k| (&k.name, &k.domain, &k.path) == (&cookie.name, &cookie.domain, &cookie.path))
                {
                    cookies.push(cookie);
                }
            }
        }
        Ok(cookies)
    }

    fn has_extension(&self) -> bool {
        self.extension_base.is_some()
    }

    fn extension_eval(&mut self, expression: &str, deadline: Instant) -> Result<Value, String> {
        let tab = self.state_tab.clone().ok_or("no extension in this browser")?;
        self.evaluate(&tab, expression, deadline)
    }

    fn extension_url(&self, path: &str) -> String {
        format!("{}{path}", self.extension_base.as_deref().unwrap_or("moz-extension://none/"))
    }

    fn alive(&mut self) -> bool {
        self.process.running()
            && self.bidi.call("session.status", json!({}), Instant::now() + Duration::from_secs(3)).is_ok()
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        // Asked to quit, Firefox closes its profile cleanly; `BrowserProcess` then makes sure.
        let _ = self.bidi.call("browser.close", json!({}), Instant::now() + Duration::from_secs(2));
    }
}

/// The profile's preferences (user.js): the extension's internal UUID fixed, so its pages have a
/// known address; third-party cookies as a default Firefox keeps them (partitioned per site);
/// nothing that calls Mozilla's services; the demo's proxy when auditing the demo.
fn user_prefs(options: &LaunchOptions, gecko_id: Option<&str>, uuid: &str) -> String {
    let mut prefs: Vec<(&str, Value)> = vec![
        ("network.cookie.cookieBehavior", json!(5)),
        ("app.update.disabledForTesting", json!(true)),
        ("browser.shell.checkDefaultBrowser", json!(false)),
        ("browser.startup.page", json!(0)),
        ("datareporting.policy.dataSubmissionEnabled", json!(false)),
        ("toolkit.telemetry.reportingpolicy.firstRun", json!(false)),
        ("browser.safebrowsing.malware.enabled", json!(false)),
        ("browser.safebrowsing.phishing.enabled", json!(false)),
        ("extensions.getAddons.cache.enabled", json!(false)),
        ("extensions.update.enabled", json!(false)),
    ];
    if let Some(id) = gecko_id {
        prefs.push(("extensions.webextensions.uuids", json!(json!({ id: uuid }).to_string())));
    }
    if let Some(port) = options.demo.and_then(|demo| demo.proxy) {
        prefs.extend([
            ("network.proxy.type", json!(1)),
            ("network.proxy.http", json!("127.0.0.1")),
            ("network.proxy.http_port", json!(port)),
            ("network.proxy.ssl", json!("127.0.0.1")),
            ("network.proxy.ssl_port", json!(port)),
            ("network.proxy.no_proxies_on", json!("")),
            ("network.proxy.allow_hijacking_localhost", json!(true)),
        ]);
    }
    prefs.iter().map(|(name, value)| format!("user_pref({}, {value});\n", json!(name))).collect()
}

/// The add-on id the Firefox package declares (browser_specific_settings.gecko.id).
fn gecko_id(dir: &std::path::Path) -> Result<String, String> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e}: run scripts/build.sh first (it makes dist/firefox)", path.display()))?;
    let manifest: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    manifest
        .pointer("/browser_specific_settings/gecko/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no gecko id: is it the Firefox package?", path.display()))
}

/// A random version-4 UUID, for the extension's internal address in this profile.
fn random_uuid() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]))
}

/// A request's or response's headers as (name, text) pairs.
fn headers(message: &Value) -> Vec<(String, String)> {
    message["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| (h["name"].as_str().unwrap_or_default().to_owned(), bytes_value(&h["value"])))
        .collect()
}

/// webRequest's type names for the fetch destination and initiator WebDriver BiDi reports.
fn resource_type(destination: &str, initiator: &str, main_frame: bool) -> ResourceType {
    let name = match (destination, initiator) {
        ("document", _) if main_frame => "main_frame",
        ("document" | "iframe" | "frame", _) => "sub_frame",
        ("style", _) => "stylesheet",
        ("image", _) => "image",
        ("audio" | "video" | "track", _) => "media",
        ("font", _) => "font",
        ("script" | "worker" | "sharedworker" | "serviceworker", _) => "script",
        ("report", _) => "csp_report",
        ("object" | "embed", _) => "object",
        (_, "xmlhttprequest" | "fetch") => "xmlhttprequest",
        (_, "beacon" | "ping") => "ping",
        (_, "img" | "image") => "image",
        (_, "script") => "script",
        _ => "other",
    };
    ResourceType::from_name(name)
}

/// A BiDi remote value as JSON, the way JSON.stringify would see it (what CDP's returnByValue
/// gives): numbers that JSON lacks become null, maps and objects objects, sets arrays.
fn remote_to_json(value: &Value) -> Value {
    let items = || value["value"].as_array().into_iter().flatten();
    match value["type"].as_str().unwrap_or_default() {
        "string" | "date" => value["value"].clone(),
        "boolean" => value["value"].clone(),
        "number" => match &value["value"] {
            Value::Number(n) => Value::Number(n.clone()),
            Value::String(s) if s == "-0" => json!(0),
            _ => Value::Null,
        },
        "bigint" => value["value"].clone(),
        "array" | "set" => Value::Array(items().map(remote_to_json).collect()),
        "object" | "map" => {
            let mut object = Map::new();
            for pair in items() {
                let key = match &pair[0] {
                    Value::String(key) => key.clone(),
                    other => match remote_to_json(other) {
                        Value::String(key) => key,
                        key => key.to_string(),
                    },
                };
                object.insert(key, remote_to_json(&pair[1]));
            }
            Value::Object(object)
        }
        // undefined, null, and what has no JSON form (functions, nodes, windows).
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_values_read_as_json() {
        let remote = json!({ "type": "object", "value": [
            ["a", { "type": "array", "value": [{ "type": "number", "value": 1 }, { "type": "number", "value": "NaN" }] }],
            ["b", { "type": "null" }],
            ["c", { "type": "map", "value": [[{ "type": "string", "value": "k" }, { "type": "boolean", "value": true }]] }],
            ["d", { "type": "undefined" }],
        ] });
        assert_eq!(remote_to_json(&remote), json!({ "a": [1, null], "b": null, "c": { "k": true }, "d": null }));
        assert_eq!(remote_to_json(&json!({ "type": "string", "value": "x" })), json!("x"));
    }

    #[test]
    fn bidi_request_kinds_are_webrequest_types() {
        assert_eq!(resource_type("document", "", true), ResourceType::MainFrame);
        assert_eq!(resource_type("iframe", "", false), ResourceType::SubFrame);
        assert_eq!(resource_type("", "fetch", false), ResourceType::Xmlhttprequest);
        assert_eq!(resource_type("", "beacon", false), ResourceType::Ping);
        assert_eq!(resource_type("script", "script", false), ResourceType::Script);
    }

    #[test]
    fn preferences_fix_the_extension_address_and_map_the_demo_only_when_asked() {
        let mut options = LaunchOptions {
            kind: super::super::driver::BrowserKind::Firefox,
            executable: "/usr/bin/firefox-esr".into(),
            extension: None,
            demo: None,
        };
        let prefs = user_prefs(&options, Some("a@b"), "1234");
        assert!(prefs.contains(r#"user_pref("extensions.webextensions.uuids", "{\"a@b\":\"1234\"}");"#), "{prefs}");
        assert!(!prefs.contains("network.proxy"));
        options.demo = Some(super::super::driver::DemoPorts { http: 1, https: 2, proxy: Some(3) });
        assert!(user_prefs(&options, None, "").contains("user_pref(\"network.proxy.ssl_port\", 3);"));
        let uuid = random_uuid().unwrap();
        assert_eq!((uuid.len(), uuid.as_bytes()[14]), (36, b'4'));
    }
}
