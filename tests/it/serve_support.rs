//! A tiny HTTP/1.1 client and server-sent-events reader for the serve tests
//! (std only, one connection per request), and `lorebook serve` started in
//! the hermetic environment of `common::lorebook_process`.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[])
}

/// One request with `Connection: close`; the body is read to the end.
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    head.push_str("Connection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if method == "POST" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or(&[]).to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(&body) } else { body };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = data.get(end + 2..).unwrap_or(&[]);
    }
}

/// An open `/__lorebook/events` stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    pub fn connect(addr: SocketAddr, since: &str) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        let head = format!(
            "GET /__lorebook/events?since={since} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).expect("send");
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        reader.read_line(&mut line).expect("status line");
        assert!(
            line.starts_with("HTTP/1.1 200"),
            "event stream refused: {line}"
        );
        loop {
            line.clear();
            reader.read_line(&mut line).expect("header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        Events { reader }
    }

    /// The next named event `(name, data)` within `timeout`, skipping
    /// comments and `retry:` lines.
    pub fn next(&mut self, timeout: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + timeout;
        let mut name = String::new();
        let mut data = Vec::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .ok()?;
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    return Some((name, data.join("\n")));
                }
                data.clear();
            } else if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push(v.to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.to_string());
            }
        }
    }
}

/// A running `lorebook serve`; killed on drop.
pub struct ServeProcess {
    child: Child,
    pub addr: SocketAddr,
    /// Lines the server printed on stderr after start-up.
    pub log: mpsc::Receiver<String>,
    /// Lines it printed before `Serving at`.
    pub startup: Vec<String>,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_serve(root: &Path) -> ServeProcess {
    start_serve_with(root, &[])
}

/// `lorebook serve` with extra arguments.
pub fn start_serve_with(root: &Path, extra: &[&str]) -> ServeProcess {
    let mut cmd = crate::common::lorebook_process();
    cmd.args(["serve", "--root"])
        .arg(root)
        .args(["--port", "0"])
        .args(extra);
    spawn_serve(cmd)
}

/// `lorebook serve --port 0` for `root` under `sh -c '<limits>; exec ...'`
/// (such as `ulimit -n 64`).
pub fn start_serve_limited(root: &Path, limits: &str) -> ServeProcess {
    let mut cmd = Command::new("sh");
    crate::common::hermetic(&mut cmd);
    cmd.arg("-c")
        .arg(format!(
            "{limits}; exec \"$0\" serve --root \"$1\" --port 0"
        ))
        .arg(assert_cmd::cargo::cargo_bin("lorebook"))
        .arg(root);
    spawn_serve(cmd)
}

fn spawn_serve(mut cmd: Command) -> ServeProcess {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lorebook serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut startup = Vec::new();
    let addr = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("serve prints its URL");
        if let Some(url) = line.strip_prefix("Serving at http://") {
            break url.trim_end_matches('/').parse().expect("address");
        }
        startup.push(line);
    };
    ServeProcess {
        child,
        addr,
        log: rx,
        startup,
    }
}

pub fn small_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    fs::create_dir_all(root.join("content/install")).expect("mkdir");
    fs::write(root.join("lorebook.yaml"), "title: Serve Test\n").expect("config");
    fs::write(
        root.join("content/_index.md"),
        "---\ntitle: Home\n---\nWelcome.\n",
    )
    .expect("home");
    fs::write(
        root.join("content/install/_index.md"),
        "---\ntitle: Install\n---\nHow to install.\n",
    )
    .expect("section");
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version one\n---\nRun the installer.\n",
    )
    .expect("page");
    (dir, root)
}
