//! The WebSocket both browser protocols share: JSON messages, each command answered by a message
//! carrying its `id`, everything else an event kept in arrival order. The Chrome DevTools
//! protocol (cdp.rs) and WebDriver BiDi (bidi.rs) differ only in how a command and its answer
//! look, so each is a thin layer over this. Synchronous on purpose: the audit needs a few dozen
//! methods, and a blocking socket with deadlines is easier to reason about than an async runtime.

use serde_json::Value;
use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

pub struct JsonSocket {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Messages without an id that arrived while waiting for an answer, in arrival order.
    events: VecDeque<Value>,
    /// Names the protocol in errors ("DevTools", "WebDriver BiDi").
    protocol: &'static str,
}

impl JsonSocket {
    /// Connects to a `ws://127.0.0.1:PORT/...` endpoint.
    pub fn connect(url: &str, protocol: &'static str) -> Result<JsonSocket, String> {
        let address = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .ok_or_else(|| format!("not a {protocol} WebSocket URL: {url}"))?;
        let stream = TcpStream::connect(address).map_err(|e| format!("{protocol} at {address}: {e}"))?;
        stream.set_nodelay(true).ok();
        let (socket, _) = tungstenite::client(url, stream).map_err(|e| format!("{protocol} handshake: {e}"))?;
        Ok(JsonSocket { socket, next_id: 1, events: VecDeque::new(), protocol })
    }

    /// Sends `message` with a fresh `id` and returns the message that answers it, whole, once it
    /// arrives before `deadline`. Events arriving meanwhile are kept for `next_event`.
    pub fn call(&mut self, mut message: Value, what: &str, deadline: Instant) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        message["id"] = id.into();
        self.socket.send(Message::text(message.to_string())).map_err(|e| format!("{what}: browser connection: {e}"))?;
        loop {
            let Some(incoming) = self.read(deadline)? else {
                return Err(format!("{what}: no answer from the browser in time"));
            };
            if incoming.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(incoming);
            }
            if incoming.get("method").is_some() {
                self.events.push_back(incoming);
            }
        }
    }

    /// The next event message, or `None` once `deadline` has passed without one.
    pub fn next_event(&mut self, deadline: Instant) -> Result<Option<Value>, String> {
        if let Some(event) = self.events.pop_front() {
            return Ok(Some(event));
        }
        while let Some(incoming) = self.read(deadline)? {
            if incoming.get("method").is_some() {
                return Ok(Some(incoming));
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
                    return serde_json::from_str(text.as_str())
                        .map(Some)
                        .map_err(|e| format!("{} message: {e}", self.protocol))
                }
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue
                }
                Err(e) => return Err(format!("the browser closed its {} connection ({e})", self.protocol)),
            }
        }
    }
}
