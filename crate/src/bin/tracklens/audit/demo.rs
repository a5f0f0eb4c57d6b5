//! The bundled demo site (tests/demo/server.mjs), started for an audit without URLs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const DEMO_URL: &str = "https://news.example/";

pub struct DemoServer {
    child: Child,
    _registered: crate::guard::Registered,
    pub http_port: u16,
    pub https_port: u16,
    /// The host-mapping proxy (for Firefox), when asked for.
    pub proxy_port: Option<u16>,
}

impl DemoServer {
    /// Starts `node tests/demo/server.mjs --ports-json` (with `--proxy` when `proxy`) and reads
    /// the ports it listens on (its first line of output) on loopback.
    pub fn start(root: &Path, proxy: bool) -> Result<DemoServer, String> {
        let script = root.join("tests/demo/server.mjs");
        if !script.is_file() {
            return Err(format!("no demo site at {}: run from the repository", script.display()));
        }
        let mut child = crate::guard::die_with_parent(&mut Command::new("node"))
            .arg(&script)
            .arg("--ports-json")
            .args(proxy.then_some("--proxy"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the demo site with node: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("demo site: no output")?;
        let read = BufReader::new(stdout).read_line(&mut line);
        let ports: Option<serde_json::Value> = read.ok().and_then(|_| serde_json::from_str(&line).ok());
        let port = |name: &str| ports.as_ref().and_then(|p| p[name].as_u64()).and_then(|p| u16::try_from(p).ok());
        match (port("httpPort"), port("httpsPort"), port("proxyPort")) {
            (Some(http_port), Some(https_port), proxy_port) if proxy_port.is_some() == proxy => {
                let _registered = crate::guard::register(child.id(), None);
                Ok(DemoServer { child, _registered, http_port, https_port, proxy_port })
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the demo site did not say its ports (got {:?})", line.trim()))
            }
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
