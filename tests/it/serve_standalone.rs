//! The watch server without the core: `lorebook::serve::spawn` with a fake
//! rebuild closure over a temporary site, driven over real loopback HTTP.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::serve_support::{get, request, Events};
use lorebook::diagnostics::Diagnostic;
use lorebook::output::{Contents, OutputFile};
use lorebook::serve::{self, ChangeSet, Layout, RebuildResult, ServeSettings, Update};

/// A stand-in for the core: every `content/*.md` becomes `<stem>/index.html`
/// holding the Markdown text; a file containing `BROKEN` fails the build with
/// a diagnostic pointing at its line.
fn fake_build(root: &Path) -> RebuildResult {
    let mut files = vec![
        OutputFile::bytes(
            "index.html",
            "<!doctype html><html><body><h1>Home</h1></body></html>",
        ),
        OutputFile::bytes(
            "404.html",
            "<!doctype html><html><body><h1>Lost page</h1></body></html>",
        ),
        OutputFile::bytes("assets/site.css", "body{color:black}"),
    ];
    let mut names: Vec<PathBuf> = fs::read_dir(root.join("content"))
        .map_err(|e| vec![Diagnostic::error("content", e.to_string())])?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    names.sort();
    for path in names {
        let text =
            fs::read_to_string(&path).map_err(|e| vec![Diagnostic::error(&path, e.to_string())])?;
        let shown = Path::new("content").join(path.file_name().unwrap_or_default());
        if let Some(line) = text.lines().position(|l| l.contains("BROKEN")) {
            return Err(vec![
                Diagnostic::error(shown, "front matter is broken").at(line + 1, 1)
            ]);
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        files.push(OutputFile::bytes(
            format!("{stem}/index.html"),
            format!("<!doctype html><html><body><main>{text}</main></body></html>"),
        ));
    }
    if root.join("static/logo.txt").exists() {
        files.push(OutputFile {
            path: "logo.txt".into(),
            contents: Contents::Copy(root.join("static/logo.txt")),
        });
    }
    Ok(Update::Full(files))
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    builds: Arc<AtomicUsize>,
    running: serve::Running,
}

/// A site folder with one page (`content/install.md`, "Install v1") and
/// quiet serve settings on a free port.
fn one_page_site() -> (tempfile::TempDir, PathBuf, ServeSettings) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical root");
    fs::create_dir_all(root.join("content")).expect("mkdir content");
    fs::create_dir_all(root.join("static")).expect("mkdir static");
    fs::write(root.join("lorebook.yaml"), "title: Test\n").expect("config");
    fs::write(root.join("content/install.md"), "Install v1").expect("page");
    let mut options = ServeSettings::new(Layout::conventional(&root));
    options.http.port = 0;
    options.verbose = false;
    (dir, root, options)
}

fn start_site(configure: impl FnOnce(&mut ServeSettings)) -> Site {
    let (dir, root, mut options) = one_page_site();
    configure(&mut options);
    let builds = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&builds);
    let build_root = root.clone();
    let running = serve::spawn(options, move |_changes: &ChangeSet| {
        counter.fetch_add(1, Ordering::SeqCst);
        fake_build(&build_root)
    })
    .expect("serve starts");
    Site {
        _dir: dir,
        root,
        builds,
        running,
    }
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn token_of(html: &str) -> String {
    let marker = "data-lorebook-token=\"";
    let start = html.find(marker).expect("live-reload script injected") + marker.len();
    let end = html[start..].find('"').expect("attribute ends") + start;
    html[start..end].to_string()
}

#[test]
fn serves_pages_from_memory_with_the_reload_script() {
    let site = start_site(|_| {});
    let page = get(site.running.addr(), "/install/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(page.text().contains("<main>Install v1</main>"));
    let script_at = page
        .text()
        .find("<script data-lorebook-token=")
        .expect("script");
    assert!(script_at < page.text().find("</body>").expect("body end"));
    assert!(
        !site.root.join("public").exists(),
        "serve never writes public/"
    );
    let css = get(site.running.addr(), "/assets/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(!css.text().contains("<script"), "only HTML gets the script");
}

#[test]
fn answers_head_etag_redirects_404_and_bad_paths() {
    let site = start_site(|_| {});
    let addr = site.running.addr();
    let css = get(addr, "/assets/site.css");
    let etag = css.header("etag").expect("etag");
    let again = request(addr, "GET", "/assets/site.css", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let page = get(addr, "/install/");
    let page_etag = page.header("etag").expect("html etag");
    assert_eq!(
        request(addr, "GET", "/install/", &[("If-None-Match", &page_etag)]).status,
        304
    );

    let head = request(addr, "HEAD", "/install/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    let redirect = get(addr, "/install");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").as_deref(), Some("/install/"));

    let missing = get(addr, "/nowhere/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Lost page"), "the site's 404.html");

    for bad in [
        "/../lorebook.yaml",
        "/%2e%2e/lorebook.yaml",
        "/..%2florebook.yaml",
        "/..%5clorebook.yaml",
    ] {
        let r = get(addr, bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(!r.text().contains("title: Test"));
    }
    let long = format!("/{}", "a".repeat(9000));
    assert_eq!(get(addr, &long).status, 414);
    assert_eq!(request(addr, "POST", "/install/", &[]).status, 405);
}

#[test]
fn copied_files_stream_from_disk_but_not_through_symlinks_out_of_the_site() {
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.txt");
    fs::write(&secret, "TOP SECRET").expect("secret");
    let site = start_site(|_| {});
    fs::write(site.root.join("static/logo.txt"), "logo v1").expect("logo");
    wait_for("logo served", Duration::from_secs(10), || {
        get(site.running.addr(), "/logo.txt").text() == "logo v1"
    });
    #[cfg(unix)]
    {
        fs::remove_file(site.root.join("static/logo.txt")).expect("rm");
        std::os::unix::fs::symlink(&secret, site.root.join("static/logo.txt")).expect("symlink");
        // Whatever the snapshot holds, the symlinked source must not be read.
        std::thread::sleep(Duration::from_millis(300));
        let r = get(site.running.addr(), "/logo.txt");
        assert_eq!(r.status, 404);
        assert!(!r.text().contains("TOP SECRET"));
    }
}

#[test]
fn editing_a_page_sends_reload_and_serves_new_content() {
    let site = start_site(|_| {});
    let addr = site.running.addr();
    let token = token_of(&get(addr, "/install/").text());
    let mut events = Events::connect(addr, &token);
    let before = site.builds.load(Ordering::SeqCst);
    fs::write(site.root.join("content/install.md"), "Install v2").expect("edit");
    let (name, data) = events.next(Duration::from_secs(10)).expect("reload event");
    assert_eq!(name, "reload");
    assert_ne!(data, token);
    let page = get(addr, "/install/");
    assert!(page.text().contains("Install v2"));
    assert_eq!(token_of(&page.text()), data, "page carries the new token");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        site.builds.load(Ordering::SeqCst),
        before + 1,
        "one save, one rebuild"
    );
}

#[test]
fn temp_file_and_rename_save_rebuilds_once() {
    // A wider quiet period than the default 30 ms so a busy test machine
    // cannot split the save; the debouncer's timing is unit-tested.
    let site = start_site(|o| o.quiet = Duration::from_millis(150));
    let before = site.builds.load(Ordering::SeqCst);
    let content = site.root.join("content");
    // What vim does: probe file, backup by rename, write new file.
    fs::write(content.join("4913"), "").expect("probe");
    fs::remove_file(content.join("4913")).expect("rm probe");
    fs::rename(content.join("install.md"), content.join("install.md~")).expect("backup");
    fs::write(content.join("install.md"), "Install v3").expect("write");
    fs::remove_file(content.join("install.md~")).expect("rm backup");
    // Other editors: write a hidden temp file and rename it over the page.
    fs::write(content.join(".install.md.tmp"), "Install v4").expect("temp");
    fs::rename(content.join(".install.md.tmp"), content.join("install.md")).expect("rename");
    wait_for("v4 served", Duration::from_secs(10), || {
        get(site.running.addr(), "/install/")
            .text()
            .contains("Install v4")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(site.builds.load(Ordering::SeqCst), before + 1);
}

#[test]
fn a_failed_build_shows_errors_keeps_old_content_and_recovers() {
    let site = start_site(|_| {});
    let addr = site.running.addr();
    let token = token_of(&get(addr, "/install/").text());
    let mut events = Events::connect(addr, &token);
    fs::write(site.root.join("content/install.md"), "---\nBROKEN\n").expect("break");
    let (name, data) = events.next(Duration::from_secs(10)).expect("error event");
    assert_eq!(name, "error");
    assert!(
        data.contains("content/install.md:2:1: error: front matter is broken"),
        "{data}"
    );
    let page = get(addr, "/install/");
    assert!(
        page.text().contains("Install v1"),
        "last good build still served"
    );
    let status = get(addr, "/__lorebook/status").text();
    assert!(status.contains("\"ok\":false"), "{status}");
    // A browser that opens a page now learns about the error on connect.
    let mut late = Events::connect(addr, &token_of(&page.text()));
    let (name, _) = late.next(Duration::from_secs(5)).expect("error on connect");
    assert_eq!(name, "error");

    fs::write(site.root.join("content/install.md"), "Install fixed").expect("fix");
    let (name, _) = events.next(Duration::from_secs(10)).expect("reload event");
    assert_eq!(name, "reload");
    assert!(get(addr, "/install/").text().contains("Install fixed"));
    assert!(get(addr, "/__lorebook/status")
        .text()
        .contains("\"ok\":true"));
}

#[test]
fn a_reload_missed_before_connecting_is_sent_on_connect() {
    let site = start_site(|_| {});
    let addr = site.running.addr();
    let old = token_of(&get(addr, "/install/").text());
    fs::write(site.root.join("content/install.md"), "Install v5").expect("edit");
    wait_for("rebuild", Duration::from_secs(10), || {
        get(addr, "/install/").text().contains("Install v5")
    });
    let mut events = Events::connect(addr, &old);
    let (name, _) = events
        .next(Duration::from_secs(5))
        .expect("reload on connect");
    assert_eq!(name, "reload");
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = blocker.local_addr().expect("addr").port();
    let site = start_site(|o| {
        o.http.port = taken;
        o.http.port_tries = 20;
    });
    let port = site.running.addr().port();
    assert!(port > taken && port <= taken + 20, "{port} after {taken}");
    assert_eq!(get(site.running.addr(), "/install/").status, 200);
}

#[test]
fn stalled_clients_are_dropped_and_do_not_block_others() {
    use std::io::{Read, Write};
    let site = start_site(|o| {
        o.http.workers = 2;
        o.http.io_timeout = Duration::from_millis(400);
    });
    let addr = site.running.addr();
    // More half-sent requests and idle connections than tiny_http has
    // connection threads to begin with.
    let mut stalled: Vec<_> = (0..12)
        .map(|i| {
            let mut s = std::net::TcpStream::connect(addr).expect("connect");
            if i % 2 == 0 {
                s.write_all(b"GET /install/ HTTP/1.1\r\nHost: x\r\n")
                    .expect("half a request");
            }
            s
        })
        .collect();
    let start = Instant::now();
    assert_eq!(get(addr, "/install/").status, 200);
    assert!(start.elapsed() < Duration::from_secs(5));
    for s in &mut stalled {
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    }
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "stalled connections were closed"
    );
    // Quiet for several accept timeouts: still accepting.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(get(addr, "/").status, 200);
}

#[test]
fn live_reload_connections_are_bounded() {
    let site = start_site(|o| o.http.max_event_clients = 2);
    let addr = site.running.addr();
    let token = token_of(&get(addr, "/install/").text());
    let _a = Events::connect(addr, &token);
    let _b = Events::connect(addr, &token);
    wait_for("two streams open", Duration::from_secs(5), || {
        request(
            addr,
            "GET",
            &format!("/__lorebook/events?since={token}"),
            &[],
        )
        .status
            == 503
    });
    assert_eq!(get(addr, "/install/").status, 200, "pages still served");
}

#[test]
fn answers_a_bounded_load_without_errors_during_rebuilds() {
    let site = start_site(|_| {});
    let addr = site.running.addr();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let root = site.root.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let _ = fs::write(root.join("content/install.md"), format!("Install r{n}"));
                std::thread::sleep(Duration::from_millis(40));
            }
            n
        })
    };
    let clients: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..250 {
                    let path = match (t + i) % 3 {
                        0 => "/install/",
                        1 => "/assets/site.css",
                        _ => "/",
                    };
                    let r = get(addr, path);
                    if r.status != 200 || r.body.is_empty() {
                        failures.push(format!("{path}: {}", r.status));
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for c in clients {
        failures.extend(c.join().expect("client thread"));
    }
    stop.store(true, Ordering::SeqCst);
    let edits = editor.join().expect("editor thread");
    assert!(edits > 1, "rebuilds ran during the load");
    assert!(site.builds.load(Ordering::SeqCst) > 1);
    assert_eq!(failures, Vec::<String>::new());
}

/// Send raw bytes as a request and read whatever comes back until the server
/// closes the connection or stays silent for the read timeout.
fn raw_exchange(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    // The server may close the connection as soon as it sees the bad line.
    let _ = s.write_all(bytes);
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

#[test]
fn malformed_request_lines_get_an_error_or_a_close_and_the_server_keeps_answering() {
    let site = start_site(|o| o.http.io_timeout = Duration::from_millis(400));
    let addr = site.running.addr();
    let long_header = format!(
        "GET /install/ HTTP/1.1\r\nX-Long: {}\r\n\r\n",
        "h".repeat(64 * 1024)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"GARBAGE\r\n\r\n".to_vec()),
        ("method only", b"GET\r\n\r\n".to_vec()),
        ("no target", b"GET  HTTP/1.1\r\n\r\n".to_vec()),
        (
            "unknown version",
            b"GET /install/ HTTP/9.9\r\n\r\n".to_vec(),
        ),
        ("not a version", b"GET /install/ FTP/1.0\r\n\r\n".to_vec()),
        (
            "binary",
            b"\x00\xff\xfe\x16\x03\x01\x02\x00\r\n\r\n".to_vec(),
        ),
        (
            "tls hello",
            b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec(),
        ),
        ("bare newlines", b"GET /install/ HTTP/1.1\n\n".to_vec()),
        (
            "header without colon",
            b"GET /install/ HTTP/1.1\r\nNoColonHere\r\n\r\n".to_vec(),
        ),
        (
            "absolute target",
            b"GET http://evil.example/../lorebook.yaml HTTP/1.1\r\n\r\n".to_vec(),
        ),
        (
            "asterisk target",
            b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "traversal without slash",
            b"GET ../lorebook.yaml HTTP/1.1\r\n\r\n".to_vec(),
        ),
        ("huge header", long_header.into_bytes()),
    ];
    for (what, bytes) in &cases {
        let reply = raw_exchange(addr, bytes);
        let status = reply
            .strip_prefix("HTTP/1.")
            .and_then(|r| r.get(2..5))
            .and_then(|c| c.parse::<u16>().ok());
        // Either no answer at all (the connection is closed), an error
        // status, or, for a request tiny_http reads as valid, the page.
        match status {
            None => assert!(reply.is_empty(), "{what}: not HTTP: {reply:?}"),
            Some(code) => assert!(
                (400..=505).contains(&code) || (code == 200 && reply.contains("Install v1")),
                "{what}: {code}: {reply}"
            ),
        }
        assert!(
            !reply.contains("title: Test"),
            "{what}: leaked a file: {reply}"
        );
        // The server is still there for well-formed requests.
        assert_eq!(get(addr, "/install/").status, 200, "after {what}");
    }
}

/// A core whose every build leaves a follow-up (like the search index of a
/// large site): a file `late.txt` counting the follow-ups.
struct WithFollowUp {
    root: PathBuf,
    pending: bool,
    follow_ups: usize,
}

impl serve::Rebuild for WithFollowUp {
    fn rebuild(&mut self, _changes: &ChangeSet) -> RebuildResult {
        self.pending = true;
        fake_build(&self.root)
    }

    fn follow_up(&mut self) -> Option<RebuildResult> {
        if !std::mem::take(&mut self.pending) {
            return None;
        }
        self.follow_ups += 1;
        Some(Ok(Update::Patch {
            write: vec![OutputFile::bytes(
                "late.txt",
                format!("follow-up {}", self.follow_ups),
            )],
            remove: Vec::new(),
        }))
    }
}

#[test]
fn a_follow_up_is_served_after_the_reload_without_another_reload() {
    let (_dir, root, options) = one_page_site();
    let running = serve::spawn(
        options,
        WithFollowUp {
            root: root.clone(),
            pending: false,
            follow_ups: 0,
        },
    )
    .expect("serve starts");
    let addr = running.addr();
    // The first build's follow-up is published before serving starts.
    assert_eq!(get(addr, "/late.txt").text(), "follow-up 1");
    let token = token_of(&get(addr, "/install/").text());
    let mut events = Events::connect(addr, &token);
    fs::write(root.join("content/install.md"), "Install v2").expect("edit");
    let (name, data) = events.next(Duration::from_secs(10)).expect("reload event");
    assert_eq!(name, "reload");
    wait_for("the follow-up", Duration::from_secs(10), || {
        get(addr, "/late.txt").text() == "follow-up 2"
    });
    assert!(get(addr, "/install/").text().contains("Install v2"));
    assert_eq!(
        token_of(&get(addr, "/install/").text()),
        data,
        "the follow-up keeps the page token"
    );
    assert!(
        events.next(Duration::from_millis(500)).is_none(),
        "no second reload"
    );
}

/// A core whose follow-up runs in the background until the test releases
/// it (like the search update of a 100,000-page site, which takes seconds).
struct SlowFollowUp {
    root: PathBuf,
    release: Arc<std::sync::atomic::AtomicBool>,
    running: bool,
    builds: usize,
}

impl serve::Rebuild for SlowFollowUp {
    fn rebuild(&mut self, _changes: &ChangeSet) -> RebuildResult {
        self.builds += 1;
        // Only the first edit (build 2) leaves a follow-up.
        self.running |= self.builds == 2;
        fake_build(&self.root)
    }

    fn follow_up(&mut self) -> Option<RebuildResult> {
        if !self.running || !self.release.load(Ordering::SeqCst) {
            return None;
        }
        self.running = false;
        Some(Ok(Update::Patch {
            write: vec![OutputFile::bytes("late.txt", "indexed")],
            remove: Vec::new(),
        }))
    }

    fn follow_up_busy(&self) -> bool {
        self.running
    }
}

#[test]
fn a_save_during_a_background_follow_up_reloads_at_once_and_the_follow_up_lands_later() {
    let (_dir, root, options) = one_page_site();
    let release = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let running = serve::spawn(
        options,
        SlowFollowUp {
            root: root.clone(),
            release: Arc::clone(&release),
            running: false,
            builds: 0,
        },
    )
    .expect("serve starts");
    let addr = running.addr();
    let token = token_of(&get(addr, "/install/").text());
    let mut events = Events::connect(addr, &token);
    fs::write(root.join("content/install.md"), "Install v2").expect("edit 1");
    let (name, _) = events.next(Duration::from_secs(10)).expect("reload 1");
    assert_eq!(name, "reload");
    // The follow-up is still running: a second save is rebuilt and reloaded.
    std::thread::sleep(Duration::from_millis(300));
    fs::write(root.join("content/install.md"), "Install v3").expect("edit 2");
    let (name, _) = events.next(Duration::from_secs(10)).expect("reload 2");
    assert_eq!(name, "reload");
    assert!(get(addr, "/install/").text().contains("Install v3"));
    assert_eq!(get(addr, "/late.txt").status, 404, "not released yet");
    release.store(true, Ordering::SeqCst);
    wait_for("the follow-up", Duration::from_secs(10), || {
        get(addr, "/late.txt").text() == "indexed"
    });
    assert!(get(addr, "/install/").text().contains("Install v3"));
    assert!(
        events.next(Duration::from_millis(500)).is_none(),
        "the follow-up does not reload"
    );
}
