//! Helpers shared by the integration tests: a hermetic `lorebook` command,
//! fixture sites copied into temporary directories, and output inspection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The crate's root folder.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lorebook` with a clean environment: no colour, no user config, only PATH.
pub fn lorebook() -> assert_cmd::Command {
    assert_cmd::Command::from_std(lorebook_process())
}

/// The `lorebook` binary as a plain process (for tests that keep it
/// running, like `serve`), with the environment [`hermetic`] leaves.
pub fn lorebook_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("lorebook"));
    hermetic(&mut cmd);
    cmd
}

/// Clear the environment a child process gets, but for PATH, a temporary
/// HOME, NO_COLOR and no system git config: what the developer's shell
/// sets (SOURCE_DATE_EPOCH, GIT_DIR, CI, ...) cannot change a test's result.
pub fn hermetic(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .env("HOME", std::env::temp_dir())
        .env("GIT_CONFIG_NOSYSTEM", "1")
}

/// Copy a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside");
        if rel.starts_with("public") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A fixture site (`tests/fixtures/<name>`, or `example-site`) in a temp dir.
pub fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = if name == "example-site" {
        manifest_dir().join("example-site")
    } else {
        manifest_dir().join("tests/fixtures").join(name)
    };
    let root = tmp.path().join("site");
    copy_dir(&src, &root);
    (tmp, root)
}

/// The fixture `name` copied to a temporary folder and built; the
/// folder (keep it alive) and its `public/`.
pub fn built_site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = site(name);
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    (tmp, root.join("public"))
}

/// Removes the top-level `key:` block (the key's line and the indented
/// lines under it) from the `lorebook.yaml` of the site at `root`; panics
/// if there is none, so a test cannot silently keep what it meant to drop.
pub fn drop_config_key(root: &Path, key: &str) {
    let path = root.join("lorebook.yaml");
    let text = std::fs::read_to_string(&path).expect("config");
    let mut kept = String::new();
    let (mut inside, mut found) = (false, false);
    for line in text.lines() {
        if line.starts_with(&format!("{key}:")) {
            (inside, found) = (true, true);
            continue;
        }
        if inside && (line.is_empty() || line.starts_with([' ', '\t'])) {
            continue;
        }
        inside = false;
        kept.push_str(line);
        kept.push('\n');
    }
    assert!(found, "no `{key}:` in {}", path.display());
    std::fs::write(&path, kept).expect("config");
}

/// Every file under `dir`, by `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The `<main>` element of a page, for comparisons that ignore the chrome.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

/// Values of `href="…"` and `src="…"` attributes in an HTML text.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Internal links of every HTML file in `out` that point at nothing, as
/// `file -> href`. External links, `#fragments` and `mailto:` are skipped;
/// a folder link needs its `index.html`. An absolute path (`/4.1/sync/`, as
/// the 404 pages of old versions link) is resolved from `out`, as for a site
/// served at `/`. The root `404.html` is skipped.
pub fn broken_links(out: &Path) -> Vec<String> {
    let files = tree(out);
    let mut broken = Vec::new();
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
        for href in links(&html) {
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with('#')
                || href.starts_with("data:")
            {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            let path = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .into_owned();
            let (from, path) = match path.strip_prefix('/') {
                Some(absolute) => (Path::new(""), absolute),
                None => (dir, path.as_str()),
            };
            let mut target = PathBuf::new();
            for c in from.join(path).components() {
                match c {
                    std::path::Component::ParentDir => {
                        if !target.pop() {
                            broken.push(format!("{rel} -> {href} (escapes the site)"));
                        }
                    }
                    std::path::Component::CurDir => {}
                    other => target.push(other),
                }
            }
            let mut key = target.to_string_lossy().replace('\\', "/");
            if path.is_empty() || path.ends_with('/') {
                key = if key.is_empty() {
                    "index.html".into()
                } else {
                    format!("{key}/index.html")
                };
            }
            if !files.contains_key(&key) {
                broken.push(format!("{rel} -> {href}"));
            }
        }
    }
    broken
}

/// The payload of a search index file as text (binary parts lossily).
pub fn unpack_shard(script: &str) -> Option<String> {
    let (_, raw) = lorebook::search::shards::read(script)?;
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// The decoded text of every search index file under `dir` (`search/`,
/// `de/search/`, `2.x/search/`).
pub fn index_text(out: &Path, dir: &str) -> String {
    tree(&out.join(dir))
        .into_values()
        .filter_map(|bytes| unpack_shard(&String::from_utf8_lossy(&bytes)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `<link rel="alternate" hreflang=…>` of a page, as `(code, href)`.
pub fn alternates(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .filter_map(|s| {
            let (code, rest) = s.split_once('"')?;
            let href = rest.split("href=\"").nth(1)?.split('"').next()?;
            Some((code.to_string(), href.to_string()))
        })
        .collect()
}

/// The links of the first `<nav>` opening with `marker` (a switcher), as
/// `(label, href, missing)`; `None` when the page has no such nav.
pub fn nav_links(html: &str, marker: &str) -> Option<Vec<(String, String, bool)>> {
    let start = html.find(marker)?;
    let nav = &html[start..start + html[start..].find("</nav>").expect("closed")];
    let links = nav
        .split("<li><a href=\"")
        .skip(1)
        .filter_map(|s| {
            let (href, rest) = s.split_once('"')?;
            let tag_end = rest.find('>')?;
            let label = rest[tag_end + 1..].split('<').next()?;
            Some((
                label.to_string(),
                href.to_string(),
                rest[..tag_end].contains("lang-missing"),
            ))
        })
        .collect();
    Some(links)
}

/// `(label, href, missing)` triples from borrowed parts, for comparisons.
pub fn owned(v: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    v.iter()
        .map(|(l, h, m)| (l.to_string(), h.to_string(), *m))
        .collect()
}
