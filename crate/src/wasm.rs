//! The only wasm-bindgen surface: converts JavaScript values at the edge and calls the core.

use crate::consent::{decode_consent, ConsentSignal};
use crate::cookie_purpose::{classify_cookie, classify_storage, Cookie, SameSite, StorageArea};
use crate::{cookies, params, protection, Engine, Request, Verdict};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Plain JS objects (not `Map`s) for every struct, so the extension can store results directly.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

// Large values (a page report: thousands of strings and numbers) cross the edge as one JSON text
// each way. serde-wasm-bindgen makes a call across the edge per value, which cost ~30 ms per
// report in the popup's path; the browser's own JSON.stringify and JSON.parse plus serde_json
// do the same in a few (scripts/bench-popup.mjs). The JavaScript side still passes and gets
// plain objects: the same ones, as stored reports are JSON-compatible by construction.

/// `value` read as a `T` through its JSON text: one call across the edge, where serde-wasm-bindgen
/// makes one per value, and one deserializer per type in the module. Undefined reads as null;
/// what JSON cannot carry (a BigInt, a cycle) or `T` does not accept is an error that says so.
fn from_js_json_as<T: serde::de::DeserializeOwned>(value: &JsValue) -> Result<T, JsError> {
    let text = if value.is_undefined() { Some("null".to_owned()) } else { json_text(value) };
    let text = text.ok_or_else(|| JsError::new("a value JSON cannot hold (a BigInt, a cycle or a function)"))?;
    serde_json::from_str(&text).map_err(|e| JsError::new(&e.to_string()))
}

/// JSON.stringify's text of `value` (undefined fields left out), as UTF-8 (see [`utf8`]), or None
/// when it has none (undefined, a function) or cannot be written (a cycle, a BigInt).
fn json_text(value: &JsValue) -> Option<String> {
    let text: JsValue = js_sys::JSON::stringify(value).ok()?.into();
    let mut text = utf8(&text.dyn_into().ok()?, usize::MAX);
    replace_lone_surrogates(&mut text);
    Some(text)
}

/// JSON.stringify writes a lone surrogate (a page can put one in any string it hands us) as an
/// escape, `\ud800`, which serde_json refuses, and writes paired ones as characters. So every
/// surrogate escape in its text is a lone one: it becomes `\ufffd`, U+FFFD, as the string glue
/// and `encodeInto` make it. Same length, so in place.
fn replace_lone_surrogates(json: &mut String) {
    if !json.contains("\\ud") {
        return;
    }
    // Only ASCII hex digits are overwritten, with ASCII: the text stays UTF-8.
    let mut bytes = std::mem::take(json).into_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        // An escape: `\\`, `\"`, ... or `\uXXXX`; read from its backslash so `\\ud800` stays text.
        if let Some(&[b'u', d, high, ..]) = bytes.get(at + 1..at + 6) {
            if d.eq_ignore_ascii_case(&b'd') && matches!(high.to_ascii_lowercase(), b'8' | b'9' | b'a'..=b'f') {
                bytes[at + 2..at + 6].copy_from_slice(b"fffd");
            }
        }
        at += 2;
    }
    *json = String::from_utf8(bytes).unwrap_or_default();
}

/// The first `max` bytes of `text` as UTF-8 (whole characters), written by the platform's
/// `TextEncoder.encodeInto` straight into wasm memory. wasm-bindgen's string glue copies a
/// string one character at a time in JavaScript: 90–110 µs for 20 KB under Node 20, where
/// `encodeInto` takes 3 µs (about 20 µs when the text holds a character beyond Latin-1, as V8
/// then keeps it in UTF-16). Every long string the core is handed (a page's text, a stored
/// report's JSON, a batch of events) comes this way. A lone surrogate becomes U+FFFD, as in the glue.
fn utf8(text: &js_sys::JsString, max: usize) -> String {
    let units = text.length() as usize;
    // One byte per UTF-16 unit first (ASCII, nearly all of it); what is left takes up to three.
    let mut bytes = vec![0u8; units.min(max)];
    let first = ENCODER.with(|encoder| encoder.encode_into(text, &mut bytes));
    let (read, mut written) = (first.read() as usize, first.written() as usize);
    if read < units && written < max {
        let rest = text.slice(read as u32, units as u32);
        bytes.truncate(written);
        bytes.resize(written + ((units - read) * 3).min(max - written), 0);
        written += ENCODER.with(|encoder| encoder.encode_into(&rest, &mut bytes[written..]).written()) as usize;
    }
    bytes.truncate(written);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Like [`to_js`], through one JSON text: for large values.
fn to_js_json<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("the core wrote JSON the browser cannot parse"))
}

/// One entry of a batch result: the verdict, or why this request could not be classified.
#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Verdict(Verdict),
    Error { error: String },
}

/// Settings from JavaScript, read as `readSettings` reads them (what cannot be read is dropped).
fn settings_of(value: JsValue) -> protection::Settings {
    let value: serde_json::Value = from_js_json_as(&value).unwrap_or_default();
    protection::read_settings(&value).settings
}

/// A request as the core takes it, from the parts JavaScript passes.
fn request_of(url: &str, page_url: &str, resource_type: &str) -> Request {
    Request {
        url: url.to_owned(),
        page_url: page_url.to_owned(),
        resource_type: crate::ResourceType::from_name(resource_type),
    }
}

/// The engine as JavaScript sees it: filter lists (from a snapshot) plus the knowledge base.
#[wasm_bindgen]
pub struct TrackLens {
    engine: Engine,
}

#[wasm_bindgen]
impl TrackLens {
    /// Loads the snapshot the build prepared; throws with the reason if it is damaged or from
    /// another format version.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(bytes: &[u8]) -> Result<TrackLens, JsError> {
        Engine::from_snapshot(bytes).map(|engine| TrackLens { engine }).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The knowledge base alone, for when no snapshot could be loaded: companies and purposes
    /// are still named, nothing is matched against lists.
    #[wasm_bindgen(js_name = withoutLists)]
    pub fn without_lists() -> TrackLens {
        TrackLens { engine: Engine::default() }
    }

    /// `classify({url, page_url, resource_type})` → verdict; throws on a malformed request.
    pub fn classify(&self, request: JsValue) -> Result<JsValue, JsError> {
        let request: Request = serde_wasm_bindgen::from_value(request)?;
        let verdict = self.engine.classify(&request).map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&verdict)
    }

    /// Classifies many requests in one call: crossing the wasm boundary once per batch is
    /// cheaper than once per request. A malformed request yields `{error}` in its slot.
    #[wasm_bindgen(js_name = classifyBatch)]
    pub fn classify_batch(&self, requests: JsValue) -> Result<JsValue, JsError> {
        let requests: Vec<Request> = serde_wasm_bindgen::from_value(requests)?;
        let outcomes: Vec<Outcome> = requests
            .iter()
            .map(|request| match self.engine.classify(request) {
                Ok(verdict) => Outcome::Verdict(verdict),
                Err(e) => Outcome::Error { error: e.to_string() },
            })
            .collect();
        to_js(&outcomes)
    }

    /// Whether the filter lists alone would block a request: the cheap check, for measuring
    /// and for hot paths that need no explanation.
    pub fn blocks(&self, url: &str, page_url: &str, resource_type: &str) -> bool {
        let resource_type = crate::ResourceType::from_name(resource_type);
        matches!(self.engine.decide_parts(url, page_url, resource_type), Ok(Some(decision)) if decision.blocks())
    }

    /// `blockedByOwnRules(settings, url, pageUrl, resourceType)`: whether TrackLens' own rules,
    /// compiled from `settings` (read as `readSettings` reads them), stop this request
    /// (`treatment::own_rules_block`); for a browser that reports such a block as a plain abort.
    #[wasm_bindgen(js_name = blockedByOwnRules)]
    pub fn blocked_by_own_rules(&self, settings: JsValue, url: &str, page_url: &str, resource_type: &str) -> bool {
        let settings = settings_of(settings);
        crate::treatment::own_rules_block(&self.engine, &settings, &request_of(url, page_url, resource_type))
    }

    /// The lists in the engine: `[{name, filters}]`.
    pub fn lists(&self) -> Result<JsValue, JsError> {
        to_js(self.engine.lists())
    }
}

/// Names of the cookies in a `Cookie` request header.
#[wasm_bindgen]
pub fn cookie_names(header: &str) -> Vec<String> {
    cookies::cookie_names(header).into_iter().map(str::to_owned).collect()
}

/// Name of the cookie a `Set-Cookie` line sets, or `undefined`.
#[wasm_bindgen]
pub fn set_cookie_name(line: &str) -> Option<String> {
    cookies::set_cookie_name(line).map(str::to_owned)
}

/// A cookie as `chrome.cookies.getAll` reports it (fields the classifier does not use are ignored).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChromeCookie {
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    path: String,
    /// Seconds since the epoch; absent for a session cookie.
    #[serde(default)]
    expiration_date: Option<f64>,
    #[serde(default)]
    http_only: bool,
    #[serde(default)]
    secure: bool,
    #[serde(default)]
    same_site: SameSite,
}

/// `classifyCookie(chromeCookie, pageUrl)` → what the cookie is for; throws if it has no name.
#[wasm_bindgen(js_name = classifyCookie)]
pub fn classify_cookie_js(cookie: JsValue, page_url: &str) -> Result<JsValue, JsError> {
    let cookie: ChromeCookie = serde_wasm_bindgen::from_value(cookie)?;
    let now = js_sys::Date::now() / 1000.0;
    let cookie = Cookie {
        name: cookie.name.into(),
        value: cookie.value.into(),
        domain: cookie.domain.into(),
        path: cookie.path.into(),
        expires_in: cookie.expiration_date.map(|at| (at - now).round() as i64),
        http_only: cookie.http_only,
        secure: cookie.secure,
        same_site: cookie.same_site,
    };
    to_js(&classify_cookie(&cookie, page_url))
}

/// `classifyStorage('local' | 'session', key, value, pageUrl)` → what the storage key is for.
#[wasm_bindgen(js_name = classifyStorage)]
pub fn classify_storage_js(area: JsValue, key: &str, value: &str, page_url: &str) -> Result<JsValue, JsError> {
    let area: StorageArea = serde_wasm_bindgen::from_value(area)?;
    to_js(&classify_storage(area, key, value, page_url))
}

/// A decoded consent string with its plain-language summary beside the decoded fields.
#[derive(Serialize)]
struct DecodedConsent {
    #[serde(flatten)]
    signal: ConsentSignal,
    summary: String,
}

/// `decodeConsent(string)` → `{format, ..., summary}`; throws with the reason on a malformed string.
#[wasm_bindgen(js_name = decodeConsent)]
pub fn decode_consent_js(text: &str) -> Result<JsValue, JsError> {
    let signal = decode_consent(text).map_err(|e| JsError::new(&format!("malformed consent string: {e}")))?;
    to_js(&DecodedConsent { summary: signal.summary(), signal })
}

/// `stripTrackingParams(url)` → `{url, removed: [{name, company, kind, reason}]}`.
#[wasm_bindgen(js_name = stripTrackingParams)]
pub fn strip_tracking_params_js(url: &str) -> Result<JsValue, JsError> {
    to_js(&params::strip_tracking_params(url))
}

/// `readSettings(value)` → `{settings, problems}`: stored or imported protection settings, read
/// leniently (what is not understood is dropped and named in `problems`). Never throws on content.
#[wasm_bindgen(js_name = readSettings)]
pub fn read_settings_js(value: JsValue) -> Result<JsValue, JsError> {
    let value: serde_json::Value = from_js_json_as(&value).unwrap_or_default();
    to_js(&protection::read_settings(&value))
}

/// `compileProtection(settings)` → `{rules, skipped}`: the declarativeNetRequest dynamic rules for
/// the settings (read as `readSettings` reads them).
#[wasm_bindgen(js_name = compileProtection)]
pub fn compile_protection_js(value: JsValue) -> Result<JsValue, JsError> {
    to_js(&protection::compile_settings(&settings_of(value)))
}

/// `scoreFingerprinting({canvas_readback, webgl_unmasked, audio, fonts, navigator: [], screen: []})`
/// → `{score, level, techniques, reasons}`; throws on a value of the wrong shape.
#[wasm_bindgen(js_name = scoreFingerprinting)]
pub fn score_fingerprinting_js(usage: JsValue) -> Result<JsValue, JsError> {
    let usage: crate::fingerprint::ApiUse = serde_wasm_bindgen::from_value(usage)?;
    to_js(&crate::fingerprint::score(&usage))
}

/// `findLeaks([{field, value}], url, body)` → `[{field, encoding, location}]`: typed values found
/// in a request. `body` is the request's bytes (empty when it has none).
#[wasm_bindgen(js_name = findLeaks)]
pub fn find_leaks_js(typed: JsValue, url: &str, body: &[u8]) -> Result<JsValue, JsError> {
    let typed: Vec<crate::leaks::TypedValue> = serde_wasm_bindgen::from_value(typed)?;
    to_js(&crate::leaks::find_leaks(&typed, url, body))
}

/// `sentParams(url)` → `[{name, kind, meaning, documented}]`: what a request's query parameters carry.
#[wasm_bindgen(js_name = sentParams)]
pub fn sent_params_js(url: &str) -> Result<JsValue, JsError> {
    to_js(&crate::collected::sent_params(url))
}

/// `inferredProfile([siteRecord])` → what each company could infer about you from the pages where
/// it saw you (`profile::inferred_profile`), from the history's site records.
#[wasm_bindgen(js_name = inferredProfile)]
pub fn inferred_profile_js(records: JsValue) -> Result<JsValue, JsError> {
    let records: serde_json::Value = from_js_json_as(&records)?;
    to_js(&crate::profile::inferred_profile(&records))
}

// ---- The page report (crate::report): stored value in, report out. -------------------------

/// A stored report read back, or null when it cannot be read as a report of this or an earlier
/// version (`report::read_stored_json`).
fn stored_report(value: JsValue) -> Option<crate::report::PageReport> {
    crate::report::read_stored_json(&json_text(&value)?)
}

/// `readPageReport(stored)` → the report (migrated from an earlier version), or null.
#[wasm_bindgen(js_name = readPageReport)]
pub fn read_page_report_js(stored: JsValue) -> Result<JsValue, JsError> {
    to_js_json(&stored_report(stored))
}

/// `applyPageEvents(stored | null, [event], start | null)` → the report after the events, in order
/// (see `report::Event` for their shape). `start` (a `page` event) begins the report when `stored`
/// is none or not readable as a report; with neither, null. Throws on a malformed event.
#[wasm_bindgen(js_name = applyPageEvents)]
pub fn apply_page_events_js(stored: JsValue, events: JsValue, start: JsValue) -> Result<JsValue, JsError> {
    let events = events_from_js(events)?;
    let mut report = match (stored_report(stored), from_js_json_as(&start)?) {
        (Some(report), _) => report,
        (None, Some(start)) => {
            let mut report = crate::report::PageReport::default();
            crate::report::apply(&mut report, &start);
            report
        }
        // No report to continue and none to begin: nothing to record.
        (None, None) => return to_js(&None::<()>),
    };
    crate::report::apply_all(&mut report, &events);
    to_js_json(&report)
}

/// The events of `applyPageEvents`, as one JSON text (see [`from_js_json_as`]), with a page's
/// long text read on its own (see [`page_text`]).
fn events_from_js(events: JsValue) -> Result<Vec<crate::report::Event>, JsError> {
    use crate::report::Event;
    let Some(list) = events.dyn_ref::<js_sys::Array>() else {
        return from_js_json_as(&events); // not a list: serde says why
    };
    let mut texts = Vec::new();
    let mut plain = None::<js_sys::Array>;
    for (at, event) in list.iter().enumerate() {
        if let Some((without_text, text)) = page_text(&event) {
            // The list as sent up to here, then this event without its text.
            let copy = plain.get_or_insert_with(|| list.slice(0, at as u32));
            copy.push(&without_text);
            texts.push((at, text));
        } else if let Some(copy) = &plain {
            copy.push(&event);
        }
    }
    let mut out: Vec<Event> = from_js_json_as(plain.as_ref().map_or(list.as_ref(), |copy| copy.as_ref()))?;
    for (at, text) in texts {
        if let Some(Event::PageSignals { signals, .. }) = out.get_mut(at) {
            signals.text = text;
        }
    }
    Ok(out)
}

/// Text longer than this is read with `TextEncoder.encodeInto`, apart from the event.
const LONG_TEXT: u32 = 1024;

/// A `pageSignals` event's long `text`, as UTF-8, and the event without it. The page's text is
/// the one long string in an event (up to `MAX_TEXT` bytes, more from a hostile page). Only what
/// the core keeps is encoded (the first `MAX_TEXT` bytes and a little more, so that
/// `PageSignals::bound` still sees and counts the cut); the sender's objects are not changed.
/// Only `pageSignals` events have an object `signals`, so other events cost one property read.
fn page_text(event: &JsValue) -> Option<(JsValue, String)> {
    use js_sys::{JsString, Object, Reflect};
    let get = |object: &JsValue, key: &str| Reflect::get(object, &JsValue::from_str(key)).ok();
    let signals = get(event, "signals")?.dyn_into::<Object>().ok()?;
    let text = get(&signals, "text")?.dyn_into::<JsString>().ok()?;
    if text.length() < LONG_TEXT || get(event, "kind")?.as_string()? != "pageSignals" {
        return None;
    }
    let text = utf8(&text, crate::context::MAX_TEXT + 4);
    let signals = Object::assign(&Object::new(), &signals);
    Reflect::set(&signals, &JsValue::from_str("text"), &JsValue::from_str("")).ok()?;
    let event = Object::assign(&Object::new(), event.dyn_ref::<Object>()?);
    Reflect::set(&event, &JsValue::from_str("signals"), &signals).ok()?;
    Some((event.into(), text))
}

#[wasm_bindgen]
extern "C" {
    /// The platform's `TextEncoder` (workers, pages and Node all have it).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// Writes `source` as UTF-8 into `destination` (a view of wasm memory, no copy).
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &js_sys::JsString, destination: &mut [u8]) -> EncodedInto;
    type EncodedInto;
    /// UTF-16 units read from `source` (whole characters only).
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodedInto) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodedInto) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// `trimPageReport(report, maxBytes)` → the report within `maxBytes` of JSON (`report::budget`).
#[wasm_bindgen(js_name = trimPageReport)]
pub fn trim_page_report_js(stored: JsValue, max_bytes: usize) -> Result<JsValue, JsError> {
    let mut report = stored_report(stored).ok_or_else(|| JsError::new("not a page report"))?;
    crate::report::budget::trim(&mut report, max_bytes);
    to_js_json(&report)
}

/// `planReportBudget([{key, bytes, startedAt}], keepKeys, incomingBytes)` → the keys of reports
/// to trim so every tab fits, with the budget's figures: `{trim, sessionBytes, tabBytes, trimmedBytes}`.
#[wasm_bindgen(js_name = planReportBudget)]
pub fn plan_report_budget_js(stored: JsValue, keep: JsValue, incoming_bytes: usize) -> Result<JsValue, JsError> {
    use crate::report::budget;
    let stored: Vec<budget::StoredReport> = serde_wasm_bindgen::from_value(stored)?;
    let keep: Vec<String> = serde_wasm_bindgen::from_value(keep)?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Plan {
        trim: Vec<String>,
        session_bytes: usize,
        tab_bytes: usize,
        trimmed_bytes: usize,
    }
    to_js(&Plan {
        trim: budget::make_room(&stored, &keep, incoming_bytes),
        session_bytes: budget::SESSION_BYTES,
        tab_bytes: budget::TAB_BYTES,
        trimmed_bytes: budget::TRIMMED_BYTES,
    })
}

// ---- Settings: how they treat a host, and the vocabulary pages show (h13-settings) ----

/// `treatmentOf(settings, site, hosts)` → `[{host, treatment, decidedBy: {setting, scope, name,
/// default}}]`: what the settings (read as `readSettings` reads them) do to each host's requests
/// on pages of `site`, and which setting decided, resolved as Chrome resolves the compiled rules.
#[wasm_bindgen(js_name = treatmentOf)]
pub fn treatment_of_js(value: JsValue, site: &str, hosts: Vec<String>) -> Result<JsValue, JsError> {
    let settings = settings_of(value);
    let treated: Vec<_> =
        hosts.iter().take(1_000).map(|host| crate::treatment::treatment_of(&settings, site, host)).collect();
    to_js(&treated)
}

/// `vocabulary()` → `{categories: [{name, label, choosable}], cookiePurposes: [...]}`, each in
/// display order: the one definition of the words the pages show.
#[wasm_bindgen]
pub fn vocabulary() -> Result<JsValue, JsError> {
    to_js(&crate::vocabulary::vocabulary())
}

/// `pageView(storedReport, settings)` → `{site, sentence, trackers, stopped, partlyStopped,
/// withoutCookies, purposes, companies}`: the popup's first screen and company rows in plain
/// words (`report::summary`), or null when `storedReport` is not a report.
#[wasm_bindgen(js_name = pageView)]
pub fn page_view_js(stored: JsValue, settings: JsValue) -> Result<JsValue, JsError> {
    let Some(report) = stored_report(stored) else { return to_js(&None::<()>) };
    let settings = settings_of(settings);
    to_js_json(&crate::report::summary::page_view(&report, &settings))
}
