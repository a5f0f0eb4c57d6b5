//! The only wasm-bindgen surface: converts JavaScript values at the edge and calls the core.

use crate::{cookies, Engine, Request, Verdict};
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
    Verdict(Verdict),
    Error { error: String },
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
        let request = Request {
            url: url.to_owned(),
            page_url: page_url.to_owned(),
            resource_type: crate::ResourceType::from_name(resource_type),
        };
        matches!(self.engine.decide(&request), Ok(Some(decision)) if decision.blocks())
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
