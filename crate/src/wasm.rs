//! The only wasm-bindgen surface: converts JavaScript values at the edge and calls the core.

use crate::{classify, cookies, Request};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Plain JS objects (not `Map`s) for every struct, so the extension can store results directly.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

/// One entry of a batch result: the verdict, or why this request could not be classified.
#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Verdict(crate::Verdict),
    Error { error: String },
}

/// `classify({url, page_url, resource_type})` → verdict; throws on a malformed request.
#[wasm_bindgen(js_name = classify)]
pub fn classify_request(request: JsValue) -> Result<JsValue, JsError> {
    let request: Request = serde_wasm_bindgen::from_value(request)?;
    let verdict = classify(&request).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&verdict)
}

/// Classifies many requests in one call: crossing the wasm boundary once per batch is cheaper
/// than once per request. A malformed request yields `{error}` in its slot; the rest go on.
#[wasm_bindgen]
pub fn classify_batch(requests: JsValue) -> Result<JsValue, JsError> {
    let requests: Vec<Request> = serde_wasm_bindgen::from_value(requests)?;
    let outcomes: Vec<Outcome> = requests
        .iter()
        .map(|request| match classify(request) {
            Ok(verdict) => Outcome::Verdict(verdict),
            Err(e) => Outcome::Error { error: e.to_string() },
        })
        .collect();
    to_js(&outcomes)
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
