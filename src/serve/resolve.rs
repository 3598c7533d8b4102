//! URL path -> key of the in-memory site snapshot, and the symlink check for
//! files served straight from disk. Pure apart from [`inside_roots`].
//!
//! A request path is percent-decoded exactly once. Anything that could name a
//! file outside the site is rejected before lookup: `.` and `..` segments,
//! encoded slashes and backslashes, backslashes, NUL, empty segments (`//x`),
//! and drive-letter segments (`C:`).

use std::path::{Path, PathBuf};

/// The longest request target (path and query) that is served.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// What a request path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Serve this snapshot key (such as `a/b/index.html`).
    File(String),
    /// Redirect (301) to this location: a folder requested without its slash.
    Redirect(String),
    /// Nothing of that name in the site.
    NotFound,
    /// A malformed or dangerous path (answered with 400).
    Rejected,
    /// Longer than [`MAX_URL_BYTES`] (answered with 414).
    TooLong,
}

/// Resolve a request target (`/a/b/?q=1`) against the keys for which `exists`
/// is true.
pub fn resolve(target: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    if target.len() > MAX_URL_BYTES {
        return Resolved::TooLong;
    }
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let raw_path = raw_path.split('#').next().unwrap_or("");
    let Some(key) = decode_path(raw_path) else {
        return Resolved::Rejected;
    };
    if key.is_empty() || key.ends_with('/') {
        let index = format!("{key}index.html");
        return if exists(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if exists(&key) {
        return Resolved::File(key);
    }
    if exists(&format!("{key}/index.html")) {
        let location = match query {
            Some(q) => format!("{raw_path}/?{q}"),
            None => format!("{raw_path}/"),
        };
        return Resolved::Redirect(location);
    }
    Resolved::NotFound
}

/// Decode `/a/b%20c/` into the key prefix `a/b c/`, or `None` when the path is
/// malformed or tries to leave the site.
pub fn decode_path(raw_path: &str) -> Option<String> {
    let rest = raw_path.strip_prefix('/')?;
    let lower = rest.to_ascii_lowercase();
    // Encoded separators are never part of a site path; encoded dots only
    // matter as `.`/`..` segments, which are checked after decoding.
    if lower.contains("%2f") || lower.contains("%5c") || rest.contains('\\') {
        return None;
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
    let decoded = String::from_utf8(bytes).ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        // A trailing slash leaves one empty last segment; any other empty
        // segment (`//etc`, `a//b`) is refused, except the bare root.
        if segment.is_empty() && i != last {
            return None;
        }
        if *segment == "." || *segment == ".." {
            return None;
        }
        if is_drive(segment) || segment.chars().any(char::is_control) {
            return None;
        }
    }
    Some(decoded)
}

fn is_drive(segment: &str) -> bool {
    let b = segment.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// The canonical form of `source` if, with symlinks resolved, it lies inside
/// one of `roots` (which must already be canonical); `None` otherwise or when
/// it does not exist.
pub fn inside_roots(source: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let real = source.canonicalize().ok()?;
    roots
        .iter()
        .any(|root| real.starts_with(root))
        .then_some(real)
}

/// The host name of a `Host` header value (`Example.COM:1111` ->
/// `example.com`, `[::1]:80` -> `::1`), lower-cased, without a trailing
/// dot; `None` when the value is malformed.
pub fn host_name(header: &str) -> Option<String> {
    let h = header.trim();
    let name = if let Some(rest) = h.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        inside
    } else {
        match h.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return None,
            None => h,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty()
        || name
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || b == b'/' || b == b'@')
    {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

fn is_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a request with this `Host` header may be answered (the DNS
/// rebinding check): IP addresses, `localhost` and the names in `allowed`
/// are; any other name is one a page elsewhere may have pointed at this
/// server. A request without a `Host` header (HTTP/1.0 tools) is answered:
/// browsers always send one.
pub fn host_allowed(header: Option<&str>, allowed: &[String]) -> bool {
    let Some(header) = header else {
        return true;
    };
    let Some(name) = host_name(header) else {
        return false;
    };
    name == "localhost"
        || name.parse::<std::net::IpAddr>().is_ok()
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &[
        "index.html",
        "404.html",
        "install/index.html",
        "install/linux/index.html",
        "assets/style.css",
        "a b/index.html",
        "caf\u{e9}.txt",
    ];

    fn r(target: &str) -> Resolved {
        resolve(target, |k| KEYS.contains(&k))
    }

    #[test]
    fn folders_with_a_slash_serve_their_index() {
        assert_eq!(r("/"), Resolved::File("index.html".into()));
        assert_eq!(r("/install/"), Resolved::File("install/index.html".into()));
        assert_eq!(
            r("/install/linux/?q=1"),
            Resolved::File("install/linux/index.html".into())
        );
        assert_eq!(
            r("/assets/style.css"),
            Resolved::File("assets/style.css".into())
        );
    }

    #[test]
    fn folders_without_a_slash_redirect_keeping_the_query() {
        assert_eq!(r("/install"), Resolved::Redirect("/install/".into()));
        assert_eq!(
            r("/install/linux?x=1"),
            Resolved::Redirect("/install/linux/?x=1".into())
        );
        assert_eq!(r("/a%20b"), Resolved::Redirect("/a%20b/".into()));
    }

    #[test]
    fn percent_encoded_names_are_decoded_once() {
        assert_eq!(r("/a%20b/"), Resolved::File("a b/index.html".into()));
        assert_eq!(r("/caf%C3%A9.txt"), Resolved::File("caf\u{e9}.txt".into()));
        // Double encoding stays literal: `%2520` is the name `%20`.
        assert_eq!(r("/a%2520b/"), Resolved::NotFound);
    }

    #[test]
    fn missing_files_are_not_found() {
        assert_eq!(r("/nope.html"), Resolved::NotFound);
        assert_eq!(r("/assets/"), Resolved::NotFound);
    }

    #[test]
    fn traversal_attempts_are_rejected() {
        for target in [
            "/../etc/passwd",
            "/install/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/install/%2e%2e%2fsecret",
            "/..%2fetc%2fpasswd",
            "/..%5c..%5cwindows",
            "/..\\..\\windows",
            "/install\\..\\secret",
            "/./index.html",
            "//etc/passwd",
            "/a//b",
            "/C:/Windows/win.ini",
            "/c:%5cwindows",
            "/index.html%00.css",
            "/%ff%fe",
            "relative/path",
            "",
        ] {
            assert_eq!(r(target), Resolved::Rejected, "{target:?}");
        }
    }

    #[test]
    fn overlong_urls_are_refused() {
        let long = format!("/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(r(&long), Resolved::TooLong);
        let fits = format!("/{}", "a".repeat(MAX_URL_BYTES - 1));
        assert_eq!(r(&fits), Resolved::NotFound);
    }

    #[test]
    fn symlinks_pointing_out_of_the_site_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        let outside = dir.path().join("secret.txt");
        std::fs::create_dir_all(site.join("static")).expect("mkdir");
        std::fs::write(&outside, "secret").expect("write");
        std::fs::write(site.join("static/ok.txt"), "ok").expect("write");
        let roots = vec![site.canonicalize().expect("canonical")];
        assert!(inside_roots(&site.join("static/ok.txt"), &roots).is_some());
        assert!(inside_roots(&outside, &roots).is_none());
        assert!(inside_roots(&site.join("static/../../secret.txt"), &roots).is_none());
        assert!(inside_roots(&site.join("static/missing.txt"), &roots).is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, site.join("static/link.txt")).expect("symlink");
            assert!(inside_roots(&site.join("static/link.txt"), &roots).is_none());
        }
    }

    /// Issue 25 item 7: the DNS rebinding check.
    #[test]
    fn only_local_names_addresses_and_allowed_hosts_pass() {
        let allowed = vec!["docs.lan".to_string()];
        for ok in [
            None,
            Some("localhost:1111"),
            Some("127.0.0.1:1111"),
            Some("[::1]:1111"),
            Some("192.168.1.20"),
            Some("LOCALHOST."),
            Some("Docs.Lan:8080"),
        ] {
            assert!(host_allowed(ok, &allowed), "{ok:?}");
        }
        for bad in [
            Some("evil.example"),
            Some("evil.example:1111"),
            Some("localhost.evil.example"),
            Some(""),
            Some("[::1"),
            Some("127.0.0.1:99999999"),
            Some("user@localhost"),
            Some("docs.lan.evil.example"),
        ] {
            assert!(!host_allowed(bad, &allowed), "{bad:?}");
        }
        assert_eq!(host_name("[::1]:80").as_deref(), Some("::1"));
    }
}
