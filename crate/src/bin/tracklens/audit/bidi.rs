//! A small WebDriver BiDi client (the W3C protocol Firefox speaks): one WebSocket session
//! (socket.rs), commands answered as `success` or `error` by id, events as `{method, params}`.

use super::socket::JsonSocket;
use serde_json::{json, Value};
use std::time::Instant;

pub struct Bidi {
    socket: JsonSocket,
}

/// An event: its method (`network.beforeRequestSent`, ...) and parameters.
pub struct Event {
    pub method: String,
    pub params: Value,
}

impl Bidi {
    /// Connects to Firefox's `ws://127.0.0.1:PORT/session` and starts a session that accepts the
    /// demo's self-signed certificate when asked to.
    pub fn start_session(url: &str, accept_insecure_certs: bool, deadline: Instant) -> Result<Bidi, String> {
        let mut bidi = Bidi { socket: JsonSocket::connect(url, "WebDriver BiDi")? };
        let capabilities =
            json!({ "alwaysMatch": { "acceptInsecureCerts": accept_insecure_certs, "webSocketUrl": true } });
        bidi.call("session.new", json!({ "capabilities": capabilities }), deadline)?;
        Ok(bidi)
    }

    /// Sends a command and waits for its result until `deadline`.
    pub fn call(&mut self, method: &str, params: Value, deadline: Instant) -> Result<Value, String> {
        let mut answer = self.socket.call(json!({ "method": method, "params": params }), method, deadline)?;
        if answer["type"] == "error" {
            let code = answer["error"].as_str().unwrap_or("unknown error");
            let text = answer["message"].as_str().unwrap_or_default();
            return Err(format!("{method}: {code}: {text}"));
        }
        Ok(answer["result"].take())
    }

    /// The next event, or `None` once `deadline` has passed without one.
    pub fn next_event(&mut self, deadline: Instant) -> Result<Option<Event>, String> {
        Ok(self.socket.next_event(deadline)?.map(|mut message| Event {
            method: message["method"].as_str().unwrap_or_default().to_owned(),
            params: message["params"].take(),
        }))
    }
}

/// A BiDi header or cookie value (`{type: "string", value}`; `base64` for bytes) as text.
pub fn bytes_value(value: &Value) -> String {
    match value["type"].as_str() {
        Some("string") => value["value"].as_str().unwrap_or_default().to_owned(),
        // Non-UTF-8 header bytes: nothing the audit reads (cookie names, Sec-GPC) needs them.
        _ => String::new(),
    }
}
