//! A small Chrome DevTools Protocol client: one WebSocket to the browser, commands answered by
//! id, and every target (tab, extension service worker) reached through a flattened session on
//! that same socket. The audit needs a dozen methods, so a synchronous client of our own is
//! smaller and easier to reason about than generated bindings over an async runtime.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// An event the browser sent: its method, the session (target) it belongs to, its parameters.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub session: Option<String>,
    pub params: Value,
}

pub struct Cdp {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events that arrived while waiting for a command's answer, in arrival order.
    events: VecDeque<Event>,
}

impl Cdp {
    /// Connects to a `ws://127.0.0.1:PORT/devtools/browser/ID` endpoint.
    pub fn connect(url: &str) -> Result<Cdp, String> {
        let address = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .ok_or_else(|| format!("not a DevTools WebSocket URL: {url}"))?;
        let stream = TcpStream::connect(address).map_err(|e| format!("DevTools at {address}: {e}"))?;
        stream.set_nodelay(true).ok();
        let (socket, _) = tungstenite::client(url, stream).map_err(|e| format!("DevTools handshake: {e}"))?;
        Ok(Cdp { socket, next_id: 1, events: VecDeque::new() })
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
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        self.socket
            .send(Message::text(message.to_string()))
            .map_err(|e| format!("{method}: browser connection: {e}"))?;
        loop {
            let Some(mut incoming) = self.read(deadline)? else {
                return Err(format!("{method}: no answer from the browser in time"));
            };
            if incoming.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = incoming.get("error") {
                    let text = error.get("message").and_then(Value::as_str).unwrap_or("unknown error");
                    return Err(format!("{method}: {text}"));
                }
                return Ok(incoming["result"].take());
            }
            if let Some(event) = as_event(incoming) {
                self.events.push_back(event);
            }
        }
    }

    /// The next event, or `None` once `deadline` has passed without one.
    pub fn next_event(&mut self, deadline: Instant) -> Result<Option<Event>, String> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Some(event));
        }
        while let Some(incoming) = self.read(deadline)? {
            if let Some(event) = as_event(incoming) {
                return Ok(Some(event));
            }
        }
        Ok(None)
    }

    /// One JSON message, or `None` at the deadline. A closed socket is an error: the browser is gone.
    fn read(&mut self, deadline: Instant) -> Result<Option<Value>, String> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.socket.get_ref().set_read_timeout(Some(left.max(Duration::from_millis(1)))).ok();
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    return serde_json::from_str(text.as_str()).map(Some).map_err(|e| format!("DevTools message: {e}"))
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue
                }
                Err(e) => return Err(format!("the browser closed its DevTools connection ({e})")),
            }
        }
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
