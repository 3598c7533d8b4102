//! Writing features in a real headless Chromium (issue 21), driven by
//! `tests/browser/writing.mjs`: tabs (keyboard, synced across the page,
//! remembered across pages, all panels without JavaScript) and mermaid
//! (an SVG appears; no request leaves the site).
//!
//! Skips when Chromium or Node is missing, unless `CI` is set.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::common::{lorebook, site};
use crate::readers_browser::{devtools_port, serve, Browser};
use crate::search_browser::browser_or_skip;

fn node_or_skip(test: &str) -> bool {
    let found = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: node is required on CI"
        );
        eprintln!("SKIPPED {test}: node not found");
    }
    found
}

#[test]
fn tabs_and_diagrams_work_in_chromium() {
    let test = "tabs_and_diagrams_work_in_chromium";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    if !node_or_skip(test) {
        return;
    }
    let (_tmp, root) = site("writing");
    lorebook()
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .assert()
        .success();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    serve(
        listener,
        root.join("public"),
        Arc::new(Mutex::new(Vec::new())),
    );
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
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts"),
    );
    let devtools = devtools_port(profile.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/writing.mjs");
    let mut cmd = Command::new("node");
    cmd.arg("--experimental-websocket")
        .arg(&script)
        .arg(devtools.to_string())
        .arg(&base);
    cmd.env("MERMAID_PAGE", "guides/sync-flow/");
    let out = cmd.output().expect("node runs");
    drop(chromium);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for check in [
        "ok: tabs: a tab list, the first tab shown",
        "ok: tabs: arrow keys, Home and End move and select",
        "ok: tabs: choice synced across the page",
        "ok: tabs: choice remembered across pages",
        "ok: tabs: without JavaScript every panel shows with its label",
        "ok: mermaid: an SVG drawn",
        "ok: mermaid: not loaded on pages without a diagram",
    ] {
        assert!(stdout.contains(check), "missing `{check}`: {stdout}");
    }
}
