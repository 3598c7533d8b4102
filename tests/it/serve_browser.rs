//! A real headless Chromium on a page served by `lorebook serve`: the open
//! page reloads itself after an edit (keeping its scroll position), shows the
//! error overlay for a broken page and clears it after the fix. The DevTools
//! protocol is driven by `tests/browser/reload.mjs` (Node).
//!
//! Skips when Chromium or Node is missing, unless `CI` is set: then it fails.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::readers_browser::{devtools_port, Browser};
use crate::serve_support::{small_site, start_serve};

const CHROMIUM: &str = "/usr/bin/chromium";

fn tool_available(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn open_page_reloads_itself_after_an_edit_and_shows_errors() {
    let missing: Vec<&str> = [CHROMIUM, "node"]
        .into_iter()
        .filter(|t| !tool_available(t))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test needs {missing:?} on CI"
        );
        eprintln!("skipping: {missing:?} not installed");
        return;
    }
    let (_dir, root) = small_site();
    // Enough pages that the section listing scrolls.
    for i in 0..120 {
        fs::write(
            root.join(format!("content/install/step-{i:03}.md")),
            format!("---\ntitle: Step {i}\n---\nStep.\n"),
        )
        .expect("page");
    }
    let serve = start_serve(&root);
    let url = format!("http://{}/install/", serve.addr);
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = Browser(
        Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=800,600",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(&url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts"),
    );
    let port = devtools_port(profile.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/reload.mjs");
    let out = Command::new("node")
        .arg("--experimental-websocket")
        .arg(&script)
        .arg(port.to_string())
        .arg(&url)
        .arg(&root)
        .output()
        .expect("node runs");
    drop(browser);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("ok: edit reloaded the page"), "{stdout}");
    assert!(stdout.contains("ok: the fix reloaded the page"), "{stdout}");
}
