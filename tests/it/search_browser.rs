//! Search in a real headless Chromium: the search page opened with `?q=` from
//! a local server at the root, under a sub-path, and from `file://`; first
//! results, `<mark>` highlighting, HTML-looking text shown as text; results
//! grouped by page with sections under them, excerpts, phrases, exclusions;
//! a German site (`search.languages: [de]`) stemming queries in German.
//!
//! Skips (with a message) when Chromium is missing, unless `CI` is set: then
//! a missing browser fails the test. `browser_or_skip`, `dump_dom` and
//! `serve` are shared with `xss_browser.rs`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use crate::common::{built_site, lorebook, site};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
        for name in candidates {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser, or None after saying why the test is skipped.
pub(crate) fn browser_or_skip(test: &str) -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("{test}: Chromium is required under CI (install the `chromium` package)")
        }
        None => {
            eprintln!(
                "SKIPPED {test}: Chromium not found (install `chromium` to run browser tests)"
            );
            None
        }
    }
}

/// Load `url` headless and return the DOM after scripts ran.
pub(crate) fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Serve `dir` on 127.0.0.1 (random port) under `prefix` (`/` or `/kb/`):
/// a minimal HTTP/1.0 file server, one thread per connection.
pub(crate) fn serve(dir: PathBuf, prefix: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            thread::spawn(move || respond(stream, &dir, prefix));
        }
    });
    format!("http://127.0.0.1:{port}{prefix}")
}

fn respond(mut stream: TcpStream, dir: &Path, prefix: &str) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let target = request_line.split(' ').nth(1).unwrap_or("");
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path
        .strip_prefix(prefix)
        .map(|rel| {
            percent_encoding::percent_decode_str(rel)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|rel| !rel.split('/').any(|s| s == ".."))
        .map(|rel| {
            let p = dir.join(rel);
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
                _ => "application/octet-stream",
            };
            ("200 OK", ty, bytes)
        }
        None => ("404 Not Found", "text/plain", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.0 {status}\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The results list of the search page.
fn results_of(dom: &str) -> &str {
    let start = dom
        .find("id=\"search-page-results\"")
        .expect("search page results container");
    let rest = &dom[start..];
    let end = rest.find("</article>").unwrap_or(rest.len());
    &rest[..end]
}

/// Writes `probe.html` into the site `out` (same origin as its pages): it
/// opens `start` in a frame, clicks the first link matching `selector` whose
/// text is `label` (any text when `None`), and then writes into `#where`
/// `went to <path> lang=<lang> banner=<old-version banner?> title=<title>
/// word=<index of word in main's text, -1 when absent>`.
pub fn write_click_probe(
    out: &std::path::Path,
    start: &str,
    selector: &str,
    label: Option<&str>,
    word: &str,
) {
    let label = label.map_or("null".to_string(), |l| format!("'{l}'"));
    let probe = format!(
        r#"<!doctype html><html><body><p id="where">waiting</p>
<iframe id="f" src="{start}"></iframe>
<script>
var f = document.getElementById('f'), clicked = false;
f.addEventListener('load', function () {{
  var d = f.contentDocument;
  if (!clicked) {{
    clicked = true;
    var links = d.querySelectorAll('{selector}');
    for (var i = 0; i < links.length; i++) {{
      if ({label} === null || links[i].textContent === {label}) {{ links[i].click(); return; }}
    }}
    document.getElementById('where').textContent = 'no link to click';
    return;
  }}
  document.getElementById('where').textContent =
    'went to ' + f.contentWindow.location.pathname + ' lang=' + d.documentElement.lang +
    ' banner=' + (d.querySelector('.version-banner') !== null) + ' title=' + d.title +
    ' word=' + d.querySelector('main').textContent.indexOf('{word}');
}});
</script></body></html>"#
    );
    std::fs::write(out.join("probe.html"), probe).expect("probe");
}

/// `href`s of the search page's result links (`search/?q=`), in order.
pub fn search_page_hrefs(dom: &str) -> Vec<String> {
    let start = dom
        .find("id=\"search-page-results\"")
        .expect("search page results container");
    result_hrefs(&dom[start..])
}

/// `href`s of the result links, in order.
fn result_hrefs(results: &str) -> Vec<String> {
    results
        .split("class=\"search-result\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn assert_finds_reset_password(dom: &str, expected_first: &str) {
    let results = results_of(dom);
    let hrefs = result_hrefs(results);
    assert_eq!(
        hrefs.first().map(String::as_str),
        Some(expected_first),
        "results: {results}"
    );
    assert!(
        results.contains("<mark>Reset</mark> your <mark>password</mark>"),
        "title not highlighted: {results}"
    );
}

#[test]
fn search_page_shows_ranked_highlighted_results_at_the_root() {
    let Some(browser) = browser_or_skip("search_page_shows_ranked_highlighted_results_at_the_root")
    else {
        return;
    };
    let (_tmp, out) = built_site("search");
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}search/?q=reset%20password"));
    assert_finds_reset_password(&dom, &format!("{base}account/reset-password/"));
    // The header box is on the page too, wired to the same index.
    assert!(dom.contains("id=\"search-input\""));
}

#[test]
fn search_works_under_a_sub_path_without_configuration() {
    let Some(browser) = browser_or_skip("search_works_under_a_sub_path_without_configuration")
    else {
        return;
    };
    let (_tmp, out) = built_site("search");
    let base = serve(out, "/kb/");
    let dom = dump_dom(&browser, &format!("{base}search/?q=reset%20password"));
    assert_finds_reset_password(&dom, &format!("{base}account/reset-password/"));
    // CJK substring, typo and prefix through the same page.
    let dom = dump_dom(&browser, &format!("{base}search/?q=%E6%95%B0%E6%8D%AE"));
    assert_eq!(
        result_hrefs(results_of(&dom)).first(),
        Some(&format!("{base}zh/database/"))
    );
    let dom = dump_dom(&browser, &format!("{base}search/?q=proxx"));
    assert_eq!(
        result_hrefs(results_of(&dom)).first(),
        Some(&format!("{base}network/proxy/"))
    );
}

#[test]
fn search_works_from_file_urls() {
    let Some(browser) = browser_or_skip("search_works_from_file_urls") else {
        return;
    };
    let (_tmp, out) = built_site("search");
    let page = out.join("search/index.html");
    let dom = dump_dom(
        &browser,
        &format!("file://{}?q=reset%20password", page.display()),
    );
    let expected = format!(
        "file://{}",
        out.join("account/reset-password/index.html").display()
    );
    assert_finds_reset_password(&dom, &expected);
}

#[test]
fn html_in_page_text_is_shown_as_text_in_results() {
    let Some(browser) = browser_or_skip("html_in_page_text_is_shown_as_text_in_results") else {
        return;
    };
    let (_tmp, out) = built_site("search");
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}search/?q=quarantine"));
    let results = results_of(&dom);
    assert!(
        result_hrefs(results)
            .first()
            .is_some_and(|h| h.ends_with("security/escaping/")),
        "{results}"
    );
    assert!(
        results.contains("&lt;img src=x onerror="),
        "text not escaped: {results}"
    );
    assert!(
        results.contains("&lt;b&gt;markup&lt;/b&gt;"),
        "title not escaped: {results}"
    );
    assert!(
        !results.contains("<img") && !results.contains("<b>"),
        "markup was parsed: {results}"
    );
    assert!(!dom.contains("<title>pwned"), "the onerror handler ran");
}

/// `href`s of the sub-results (sections under a page result), in order.
fn sub_hrefs(results: &str) -> Vec<String> {
    results
        .split("class=\"search-sub\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn results_are_grouped_by_page_with_excerpts_phrases_and_exclusions() {
    let Some(browser) =
        browser_or_skip("results_are_grouped_by_page_with_excerpts_phrases_and_exclusions")
    else {
        return;
    };
    let (_tmp, out) = built_site("search");
    let base = serve(out, "/");
    let page = |q: &str| {
        let dom = dump_dom(&browser, &format!("{base}search/?q={q}"));
        results_of(&dom).to_string()
    };

    // One result for the page, three of its sections under it.
    let results = page("sync");
    let hrefs = result_hrefs(&results);
    assert_eq!(
        hrefs.first(),
        Some(&format!("{base}guide/sync/")),
        "{results}"
    );
    assert_eq!(
        hrefs.iter().filter(|h| h.contains("guide/sync/")).count(),
        1,
        "{results}"
    );
    let subs = sub_hrefs(&results);
    assert_eq!(subs.len(), 3, "{results}");
    assert!(subs
        .iter()
        .all(|h| h.starts_with(&format!("{base}guide/sync/#"))));

    // The excerpt is the text around the match, the words marked.
    let results = page("watchdog%20heartbeat");
    assert!(
        results.contains("<mark>watchdog</mark> <mark>heartbeat</mark>"),
        "{results}"
    );
    assert_eq!(
        sub_hrefs(&results).first(),
        Some(&format!("{base}guide/sync/#schedule"))
    );

    // A phrase needs its words together; -word leaves pages out.
    let results = page("%22reset%20links%22");
    assert_eq!(
        result_hrefs(&results),
        vec![format!("{base}account/reset-password/")],
        "{results}"
    );
    let results = page("%22links%20reset%22");
    assert!(result_hrefs(&results).is_empty(), "{results}");
    let results = page("password%20-reset");
    let hrefs = result_hrefs(&results);
    assert!(
        hrefs
            .iter()
            .any(|h| h.ends_with("account/password-policy/")),
        "{results}"
    );
    assert!(
        !hrefs.iter().any(|h| h.ends_with("account/reset-password/")),
        "{results}"
    );
}

#[test]
fn a_german_site_finds_a_page_by_an_inflected_form() {
    let Some(browser) = browser_or_skip("a_german_site_finds_a_page_by_an_inflected_form") else {
        return;
    };
    let (_tmp, root) = site("search-de");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    // From disk: the German stemmer loads as a <script>, like the index.
    let page = out.join("search/index.html");
    let dom = dump_dom(
        &browser,
        &format!("file://{}?q=H%C3%A4user", page.display()),
    );
    let results = results_of(&dom);
    let expected = format!(
        "file://{}",
        out.join("einrichtung/haus/index.html").display()
    );
    assert_eq!(
        result_hrefs(results).first(),
        Some(&expected),
        "results: {results}"
    );
    // `Haus` in the title is highlighted as a match of `Häuser`.
    assert!(
        results.contains("Das <mark>Haus</mark> verbinden"),
        "{results}"
    );
    // Served over HTTP, a plural finds the page with the singular.
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}search/?q=Fristen"));
    assert_eq!(
        result_hrefs(results_of(&dom)).first(),
        Some(&format!("{base}einrichtung/buecher/"))
    );
}
