//! `lorebook serve` end to end: the real binary on a free port over a small
//! site in a temporary folder; edits are observed through the live-reload
//! event stream and the served pages.

use std::fs;
use std::time::{Duration, Instant};

use crate::serve_support::{self, get, small_site, start_serve, Events};

// Page bodies are not asserted on: Markdown rendering belongs to another
// stage; titles come from front matter and show in `<title>` and `<h1>`.

fn token_of(html: &str) -> String {
    let marker = "data-lorebook-token=\"";
    let start = html.find(marker).expect("live-reload script") + marker.len();
    let end = html[start..].find('"').expect("attribute end") + start;
    html[start..end].to_string()
}

#[test]
fn edit_sends_reload_and_serves_the_new_page() {
    let (_dir, root) = small_site();
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("version one"));
    assert!(
        !root.join("public").exists(),
        "serve keeps the site in memory"
    );
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version two\n---\nRun the installer.\n",
    )
    .expect("edit");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    let page = get(serve.addr, "/install/linux/");
    assert!(page.text().contains("version two"), "{}", page.text());
}

#[test]
fn broken_front_matter_shows_an_error_keeps_the_old_page_and_recovers() {
    let (_dir, root) = small_site();
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: [Linux version two\n---\nRun the installer.\n",
    )
    .expect("break");
    let (name, data) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "error");
    assert!(data.contains("content/install/linux.md:2:"), "{data}");
    // The overlay script is in the page and the page still has the old text.
    let page = get(serve.addr, "/install/linux/");
    assert!(page.text().contains("version one"));
    assert!(page.text().contains("lorebook-error-overlay"));
    let status = get(serve.addr, "/__lorebook/status").text();
    assert!(
        status.contains("\"ok\":false") && status.contains("linux.md:2:"),
        "{status}"
    );
    // The terminal shows it too.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut saw = false;
    while let Ok(line) = serve
        .log
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        if line.contains("content/install/linux.md:2:") && line.contains("error") {
            saw = true;
            break;
        }
    }
    assert!(saw, "error printed in the terminal");

    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version three\n---\nRun the installer.\n",
    )
    .expect("fix");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    assert!(get(serve.addr, "/install/linux/")
        .text()
        .contains("version three"));
    assert!(get(serve.addr, "/__lorebook/status")
        .text()
        .contains("\"ok\":true"));
}

#[test]
fn serve_obeys_the_link_policy() {
    let (_dir, root) = small_site();
    fs::write(
        root.join("lorebook.yaml"),
        "title: Serve Test\nlinks:\n  broken_page: warn\n",
    )
    .expect("config");
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    // A broken page link is a warning: the edit is served.
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version two\n---\nSee [gone](gone.md).\n",
    )
    .expect("edit");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    assert!(get(serve.addr, "/install/linux/")
        .text()
        .contains("version two"));
    // A broken anchor is still an error: the old page stays.
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version three\n---\nSee [top](#gone).\n",
    )
    .expect("edit");
    let (name, data) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "error");
    assert!(data.contains("#gone"), "{data}");
    assert!(get(serve.addr, "/install/linux/")
        .text()
        .contains("version two"));
}

#[test]
fn template_override_rebuilds_every_page() {
    let (_dir, root) = small_site();
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::create_dir_all(root.join("templates")).expect("mkdir");
    fs::write(
        root.join("templates/404.html"),
        "<!doctype html><html><body><h1>Custom missing page</h1></body></html>",
    )
    .expect("template");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    let missing = get(serve.addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Custom missing page"),
        "{}",
        missing.text()
    );
}

#[test]
fn requests_cannot_leave_the_site() {
    let (_dir, root) = small_site();
    let serve = start_serve(&root);
    for bad in [
        "/../lorebook.yaml",
        "/%2e%2e/lorebook.yaml",
        "/%2e%2e%2florebook.yaml",
        "/..%5clorebook.yaml",
        "/content/install/linux.md",
    ] {
        let r = get(serve.addr, bad);
        assert_ne!(r.status, 200, "{bad}");
        assert!(!r.text().contains("title: Serve Test"), "{bad}");
    }
}

/// `Built in 3 ms (7 files; ...)` -> 7
fn built_files(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("Built in ")?;
    let open = rest.find('(')?;
    rest[open + 1..].split(' ').next()?.parse().ok()
}

#[test]
fn a_body_only_edit_rerenders_the_page_and_its_sections_only() {
    let (_dir, root) = small_site();
    for i in 0..5 {
        fs::write(
            root.join(format!("content/install/other-{i}.md")),
            format!("---\ntitle: Other {i}\n---\nOther.\n"),
        )
        .expect("page");
    }
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version one\ndescription: Freshly described\n---\nRun the installer.\n",
    )
    .expect("edit");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    assert!(get(serve.addr, "/install/linux/")
        .text()
        .contains("content=\"Freshly described\""));
    assert!(get(serve.addr, "/install/")
        .text()
        .contains("Freshly described"));
    assert!(get(serve.addr, "/install/other-1/")
        .text()
        .contains("Other 1"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut patched = None;
    while let Ok(line) = serve
        .log
        .recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        if let Some(n) = built_files(&line) {
            patched = Some(n);
            break;
        }
    }
    let patched = patched.expect("rebuild reported");
    // The site has 6 pages, 2 sections, tag pages, 404, feeds and assets;
    // the page, its 2 sections, tags index, sitemap and feed are 6. The
    // description is indexed for search (it weighs for the whole page), so
    // the search root, the page's block and at most two term shards change;
    // the copy for machines adds 3 (the page's index.md, llms.txt,
    // llms-full.txt).
    assert!(patched <= 6 + 4 + 3, "re-rendered {patched} files");
}

/// `lorebook build` of `root` into a fresh folder; the files under `search/`
/// (index scripts only: the HTML search page gets the reload script when served).
fn built_search_files(root: &std::path::Path) -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let out = tempfile::tempdir().expect("temp dir");
    let status = crate::common::lorebook_process()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out.path().join("public"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("lorebook build runs");
    assert!(status.success());
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(out.path().join("public/search"))
        .expect("search folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, fs::read(&p).expect("read"))
        })
        .collect();
    files.sort();
    (out, files)
}

#[test]
fn after_a_page_edit_the_served_search_index_is_the_one_a_full_build_writes() {
    let (_dir, root) = small_site();
    let (_old_out, before) = built_search_files(&root);
    let serve = start_serve(&root);
    let page = get(serve.addr, "/install/linux/");
    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::write(
        root.join("content/install/linux.md"),
        "---\ntitle: Linux version one\n---\nRun the installer, then feed the zebrafish.\n",
    )
    .expect("edit");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    let (_new_out, after) = built_search_files(&root);
    assert_ne!(before, after, "the edit changes the index");
    for (name, bytes) in &after {
        let served = get(serve.addr, &format!("/search/{name}"));
        assert_eq!(served.status, 200, "{name} is served");
        assert!(served.body == *bytes, "{name} differs from the full build");
    }
    let stale: Vec<&String> = before
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !after.iter().any(|(m, _)| m == *n))
        .collect();
    assert!(!stale.is_empty());
    for name in stale {
        assert_eq!(
            get(serve.addr, &format!("/search/{name}")).status,
            404,
            "stale {name} is no longer served"
        );
    }
}

/// Issue 25 item 1: serve reports a link out of the site as an error at the
/// link's path, like build and check, and never serves its target.
#[cfg(unix)]
#[test]
fn serve_reports_symlinks_leaving_the_site() {
    let (_dir, root) = small_site();
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(outside.path().join("secret.txt"), "TOKEN=hunter2\n").expect("secret");
    std::fs::create_dir_all(root.join("static")).expect("static");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("static/passwd.txt"),
    )
    .expect("symlink");
    let serve = start_serve(&root);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // The first build's errors come before `Serving at`.
    let mut seen = serve.startup.clone();
    while !seen
        .iter()
        .any(|l| l.contains("static/passwd.txt") && l.contains("outside the site"))
    {
        let Ok(line) = serve
            .log
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        else {
            break;
        };
        seen.push(line);
    }
    assert!(
        seen.iter()
            .any(|l| l.contains("static/passwd.txt") && l.contains("outside the site")),
        "{seen:#?}"
    );
    let r = get(serve.addr, "/passwd.txt");
    assert_ne!(r.status, 200);
    assert!(!r.text().contains("hunter2"));
}

/// Issue 25 item 7: a page elsewhere that rebinds its own name to 127.0.0.1
/// reaches the preview with its name in `Host`: refused. A non-loopback
/// interface prints a warning.
#[test]
fn requests_for_other_host_names_are_refused() {
    let (_dir, root) = small_site();
    let serve = serve_support::start_serve_with(&root, &["--allow-host", "docs.lan"]);
    let port = serve.addr.port();
    for (host, status) in [
        (format!("127.0.0.1:{port}"), 200),
        (format!("localhost:{port}"), 200),
        (format!("docs.lan:{port}"), 200),
        (format!("rebind.evil.example:{port}"), 403),
        ("evil.example".to_string(), 403),
    ] {
        let r = serve_support::request(serve.addr, "GET", "/", &[("Host", &host)]);
        assert_eq!(r.status, status, "Host: {host}");
    }
}

#[test]
fn a_non_loopback_interface_prints_a_warning() {
    let (_dir, root) = small_site();
    let serve = serve_support::start_serve_with(&root, &["--interface", "0.0.0.0"]);
    assert!(
        serve
            .startup
            .iter()
            .any(|l| l.starts_with("warning:") && l.contains("0.0.0.0")),
        "{:#?}",
        serve.startup
    );
    let local = serve_support::start_serve(&root);
    assert!(
        !local.startup.iter().any(|l| l.starts_with("warning:")),
        "{:#?}",
        local.startup
    );
}

/// Issue 25 item 2: with few file descriptors, many idle connections used
/// to make tiny_http's accept thread die (EMFILE) and the server refused
/// every later connection while looking alive. Now it backs off, retries,
/// says so once, and answers again when descriptors are free.
#[cfg(unix)]
#[test]
fn serve_keeps_accepting_after_running_out_of_file_descriptors() {
    use std::net::TcpStream;
    let (_dir, root) = small_site();
    let serve = serve_support::start_serve_limited(&root, "ulimit -n 64");
    assert_eq!(get(serve.addr, "/").status, 200);
    let idle: Vec<TcpStream> = (0..150)
        .filter_map(|_| {
            TcpStream::connect_timeout(&serve.addr, std::time::Duration::from_secs(2)).ok()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_secs(1));
    drop(idle);
    // Answers again within a few seconds (the retry backs off up to 2 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut status = 0;
    while std::time::Instant::now() < deadline {
        let addr = serve.addr;
        let reply = std::thread::spawn(move || {
            std::panic::catch_unwind(|| get(addr, "/").status).unwrap_or(0)
        })
        .join()
        .unwrap_or(0);
        status = reply;
        if status == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(status, 200, "the server stopped answering after EMFILE");
    let log: Vec<String> = serve.log.try_iter().collect();
    assert!(!log.iter().any(|l| l.contains("panicked")), "{log:#?}");
    let warnings = log
        .iter()
        .filter(|l| l.contains("cannot accept connections"))
        .count();
    assert!(warnings <= 1, "{log:#?}");
}

#[test]
fn a_translated_page_is_served_under_its_language_and_reloads_on_edit() {
    let (_dir, root) = small_site();
    fs::write(
        root.join("lorebook.yaml"),
        "title: Serve Test\nlanguages:\n  de:\n    title: Serve-Test\n",
    )
    .expect("config");
    fs::create_dir_all(root.join("content/de/install")).expect("mkdir");
    fs::write(
        root.join("content/de/install/linux.md"),
        "---\ntitle: Linux Fassung eins\n---\nStarten Sie das Installationsprogramm.\n",
    )
    .expect("page");
    let serve = start_serve(&root);
    let page = get(serve.addr, "/de/install/linux/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("<html lang=\"de\">"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("Fassung eins"));
    assert_eq!(get(serve.addr, "/de/search/index.js").status, 200);
    let english = get(serve.addr, "/install/linux/").text();
    assert!(english.contains("hreflang=\"de\" href=\"http"), "{english}");

    let mut events = Events::connect(serve.addr, &token_of(&page.text()));
    fs::write(
        root.join("content/de/install/linux.md"),
        "---\ntitle: Linux Fassung zwei\n---\nStarten Sie das Installationsprogramm.\n",
    )
    .expect("edit");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    assert!(get(serve.addr, "/de/install/linux/")
        .text()
        .contains("Fassung zwei"));

    // The site's strings are part of the theme: an edit re-renders pages.
    fs::create_dir_all(root.join("i18n")).expect("mkdir");
    fs::write(root.join("i18n/de.yaml"), "search: \"Durchsuchen\"\n").expect("strings");
    let (name, _) = events.next(Duration::from_secs(30)).expect("an event");
    assert_eq!(name, "reload");
    assert!(get(serve.addr, "/de/install/linux/")
        .text()
        .contains("placeholder=\"Durchsuchen\""));
}
