//! The reader's side of the default theme in a real headless Chromium
//! (issue 20), driven over the DevTools protocol by
//! `tests/browser/readers.mjs`: navigation tree and phone drawer, theme
//! toggle without a flash, copy button, scroll-spy, "Ask the community"
//! after a search without results and the DOM events, the feedback beacon
//! (received here, by a loopback server), no horizontal scroll at 320 px on
//! every page of example-site, and axe-core when `AXE_CORE` names its
//! `axe.min.js` (`.ci/run` installs it from npm and sets it; under CI it is
//! required).
//!
//! Skips when Chromium or Node is missing, unless `CI` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{lorebook, site};
use crate::search_browser::browser_or_skip;

/// Kills the browser on drop, pass or fail.
pub(crate) struct Browser(pub(crate) std::process::Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The DevTools port Chromium started with `--remote-debugging-port=0`
/// writes into its profile.
pub(crate) fn devtools_port(profile: &Path) -> u16 {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(port) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
        {
            return port;
        }
        assert!(Instant::now() < deadline, "Chromium did not open DevTools");
        thread::sleep(Duration::from_millis(100));
    }
}

/// Serves `dir` at the root; `POST /beacon` bodies are kept in `beacons`.
fn serve(listener: TcpListener, dir: PathBuf, beacons: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            let beacons = beacons.clone();
            thread::spawn(move || respond(stream, &dir, &beacons));
        }
    });
}

fn respond(mut stream: TcpStream, dir: &Path, beacons: &Mutex<Vec<String>>) {
    let Ok(clone) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(clone);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        if let Some(v) = line
            .to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(|v| v.trim().to_string())
        {
            length = v.parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("");
    let path = target.split(['?', '#']).next().unwrap_or("");
    if method == "POST" && path == "/beacon" {
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        beacons
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&body).into_owned());
        let _ = stream.write_all(b"HTTP/1.0 204 No Content\r\nConnection: close\r\n\r\n");
        return;
    }
    let rel = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    let file = (!rel.split('/').any(|s| s == "..")).then(|| {
        let p = dir.join(&rel);
        if p.is_dir() {
            p.join("index.html")
        } else {
            p
        }
    });
    let (status, ty, body) = match file.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((p, bytes)) => {
            let ty = match p.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            ("200 OK", ty, bytes)
        }
        None => (
            "404 Not Found",
            "text/html; charset=utf-8",
            std::fs::read(dir.join("404.html")).unwrap_or_default(),
        ),
    };
    let head = format!(
        "HTTP/1.0 {status}\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// Every HTML page of the built site, as site-relative URLs.
fn page_urls(out: &Path) -> Vec<String> {
    let mut urls: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_string_lossy()
                .into_owned();
            Some(match rel.strip_suffix("index.html") {
                Some(dir) => dir.to_string(),
                None => rel,
            })
        })
        // Alias pages only redirect.
        .filter(|u| {
            !std::fs::read_to_string(out.join(u).join("index.html"))
                .is_ok_and(|t| t.contains("http-equiv=\"refresh\""))
        })
        .collect();
    urls.sort();
    urls
}

#[test]
fn readers_get_a_tree_a_drawer_a_theme_toggle_copy_buttons_and_a_way_to_ask() {
    let Some(browser) =
        browser_or_skip("readers_get_a_tree_a_drawer_a_theme_toggle_copy_buttons_and_a_way_to_ask")
    else {
        return;
    };
    if !Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(std::env::var_os("CI").is_none(), "node is required on CI");
        eprintln!("SKIPPED: node not found");
        return;
    }
    let (_tmp, root) = site("example-site");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let config = root.join("lorebook.yaml");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "feedback:\n  beacon: http://127.0.0.1:{port}/beacon\n  no_link: support\n"
    ));
    std::fs::write(&config, text).expect("config");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    let pages = page_urls(&out);
    assert!(pages.len() > 40, "{pages:?}");
    let list = root.join("pages.txt");
    std::fs::write(&list, pages.join("\n")).expect("page list");
    let beacons = Arc::new(Mutex::new(Vec::new()));
    serve(listener, out, beacons.clone());
    let base = format!("http://127.0.0.1:{port}/");

    let profile = tempfile::tempdir().expect("profile dir");
    let chromium = Browser(
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts"),
    );
    let port = devtools_port(profile.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/readers.mjs");
    let mut cmd = Command::new("node");
    cmd.arg("--experimental-websocket")
        .arg(&script)
        .arg(port.to_string())
        .arg(&base)
        .arg(&list);
    if std::env::var_os("CI").is_some() {
        assert!(
            std::env::var_os("AXE_CORE").is_some(),
            "AXE_CORE (axe.min.js from npm's axe-core) is required on CI: .ci/run installs it"
        );
    }
    let out = cmd.output().expect("node runs");
    drop(chromium);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for check in [
        "ok: full tree",
        "ok: scroll-spy",
        "ok: copy button",
        "ok: theme toggle",
        "ok: zero results offer",
        "ok: feedback: lorebook:feedback fired, beacon sent, \"No\" links to https://community.acmerelay.example/new-topic?title=Selective%20sync",
        "ok: drawer",
        "ok: no horizontal scroll at 320 px",
    ] {
        assert!(stdout.contains(check), "missing `{check}`: {stdout}");
    }
    // The beacon reached the loopback server: the page and the answer.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = beacons.lock().unwrap().clone();
        if let Some(b) = got.iter().find(|b| b.contains("selective-sync")) {
            let v: serde_json::Value = serde_json::from_str(b).expect("beacon is JSON");
            assert_eq!(v["helpful"], false, "{b}");
            assert_eq!(v["page"], "/sync/selective-sync/", "{b}");
            break;
        }
        assert!(Instant::now() < deadline, "no beacon received: {got:?}");
        thread::sleep(Duration::from_millis(100));
    }
}
