//! A small Chrome DevTools Protocol client: one WebSocket to the browser (socket.rs), and every
//! target (tab, extension service worker) reached through a flattened session on that same
//! socket. The audit needs a dozen methods, so a client of our own is smaller than generated
//! bindings over an async runtime.

use super::socket::JsonSocket;
use serde_json::{json, Value};
use std::time::Instant;

/// An event the browser sent: its method, the session (target) it belongs to, its parameters.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub session: Option<String>,
    pub params: Value,
}

pub struct Cdp {
    socket: JsonSocket,
}

impl Cdp {
    /// Connects to a `ws://127.0.0.1:PORT/devtools/browser/ID` endpoint.
    pub fn connect(url: &str) -> Result<Cdp, String> {
        Ok(Cdp { socket: JsonSocket::connect(url, "DevTools")? })
    }

    /// Sends a command (to the browser, or to a target's session) and waits for its answer
    /// until `deadline`. Events arriving meanwhile are kept for `next_event`.
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Value, String> {
        let mut message = json!({ "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        let mut answer = self.socket.call(message, method, deadline)?;
        if let Some(error) = answer.get("error") {
            let text = error.get("message").and_then(Value::as_str).unwrap_or("unknown error");
            return Err(format!("{method}: {text}"));
        }
        Ok(answer["result"].take())
    }

    /// The next event, or `None` once `deadline` has passed without one.
    pub fn next_event(&mut self, deadline: Instant) -> Result<Option<Event>, String> {
        Ok(self.socket.next_event(deadline)?.and_then(as_event))
    }
}

fn as_event(mut message: Value) -> Option<Event> {
    let method = message.get("method")?.as_str()?.to_owned();
    Some(Event {
        method,
        session: message.get("sessionId").and_then(Value::as_str).map(str::to_owned),
        params: message["params"].take(),
    })
}

/// Evaluates `expression` in a target (a page or a worker), awaiting a promise, and returns its
/// value. A script exception is an error carrying the exception's text.
pub fn evaluate(cdp: &mut Cdp, session: &str, expression: &str, deadline: Instant) -> Result<Value, String> {
    let params = json!({ "expression": expression, "awaitPromise": true, "returnByValue": true });
    let mut result = cdp.call(Some(session), "Runtime.evaluate", params, deadline)?;
    if let Some(exception) = result.get("exceptionDetails") {
        let text = exception
            .pointer("/exception/description")
            .or_else(|| exception.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("script error");
        return Err(format!("in the page: {text}"));
    }
    Ok(result["result"]["value"].take())
}
