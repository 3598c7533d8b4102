//! Which paths exist in the site, and where a link written from the site
//! root (`/getting-started/install/`, `/getting-started/install.md`,
//! `/getting-started/install`, also under `base_url`'s path: `/kb/...`) or
//! in full to the site's own address (`https://docs.example.com/kb/x/`)
//! lands in it.
//!
//! Built from the content walk and `static/` before Markdown is rendered,
//! so the Markdown stage can rewrite such links to relative ones like `.md`
//! links, and kept in the model for the link checker. Pure lookups.

use std::collections::HashSet;

use crate::urls::BaseUrl;

/// What a site path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A Markdown source (`a/b.md`, `a/_index.md`), content-relative.
    Page(String),
    /// A file under `content/` or `static/`, published at this path.
    File(String),
}

/// A link that points into the site by its path rather than relatively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteRef {
    /// Candidate paths in the site, percent-decoded, without the leading
    /// slash, dots resolved: with `base_url`'s path taken off first, then
    /// as written.
    pub paths: Vec<String>,
    /// `?query#fragment` as written.
    pub suffix: String,
    /// The fragment, percent-decoded.
    pub anchor: Option<String>,
    /// Written as a full URL to the site's own host.
    pub own_host: bool,
}

impl SiteRef {
    /// The path shown in diagnostics and matched by `skip_prefixes`:
    /// `/a/b/`.
    pub fn shown(&self) -> String {
        format!("/{}", self.paths.first().map_or("", String::as_str))
    }
}

/// Every Markdown source and published file of the site, and the site's
/// own addresses.
#[derive(Debug, Clone, Default)]
pub struct SitePaths {
    pages: HashSet<String>,
    files: HashSet<String>,
    /// Path prefixes a site-absolute link may carry (`/kb/`); never `/`.
    base_paths: Vec<String>,
    /// The site's own addresses: (lowercased `scheme://host`, path).
    origins: Vec<(String, String)>,
}

impl SitePaths {
    /// `bases`: the `base_url` of lorebook.yaml and, when given, the one
    /// from `--base-url` (a preview deploy must not change what resolves).
    pub fn new<'a>(
        pages: impl IntoIterator<Item = &'a str>,
        files: impl IntoIterator<Item = &'a str>,
        bases: &[BaseUrl],
    ) -> SitePaths {
        let mut base_paths = Vec::new();
        let mut origins = Vec::new();
        for b in bases {
            if b.path != "/" && !base_paths.contains(&b.path) {
                base_paths.push(b.path.clone());
            }
            let origin = b.origin.to_ascii_lowercase();
            // http and https of one host are the same site.
            let other = match origin.split_once("://") {
                Some(("https", host)) => Some(format!("http://{host}")),
                Some(("http", host)) => Some(format!("https://{host}")),
                _ => None,
            };
            for o in std::iter::once(origin).chain(other) {
                let entry = (o, b.path.clone());
                if !origins.contains(&entry) {
                    origins.push(entry);
                }
            }
        }
        SitePaths {
            pages: pages.into_iter().map(str::to_string).collect(),
            files: files.into_iter().map(str::to_string).collect(),
            base_paths,
            origins,
        }
    }

    /// The site path a destination points at, if it is written from the
    /// root (`/a/b`) or in full to the site's own address; None for
    /// relative, external and protocol-relative links.
    pub fn site_ref(&self, dest: &str) -> Option<SiteRef> {
        let (rooted, own_host) = if dest.starts_with('/') && !dest.starts_with("//") {
            (dest, false)
        } else {
            (self.strip_origin(dest)?, true)
        };
        let end = rooted.find(['?', '#']).unwrap_or(rooted.len());
        let (path, suffix) = rooted.split_at(end);
        let anchor = suffix.find('#').map(|i| percent_decode(&suffix[i + 1..]));
        let mut paths = Vec::new();
        if !own_host {
            for base in &self.base_paths {
                if let Some(rest) = path.strip_prefix(base.as_str()) {
                    paths.extend(normalize(rest));
                } else if path == base.trim_end_matches('/') {
                    paths.push(String::new());
                }
            }
        }
        paths.extend(normalize(path));
        paths.dedup();
        if paths.is_empty() {
            return None;
        }
        Some(SiteRef {
            paths,
            suffix: suffix.to_string(),
            anchor,
            own_host,
        })
    }

    /// `https://host/base/rest?q` -> `rest?q` when it is the site's own
    /// address and the path is inside `base_url`'s path.
    fn strip_origin<'d>(&self, dest: &'d str) -> Option<&'d str> {
        let (scheme, rest) = dest.split_once("://")?;
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let origin = dest.get(..scheme.len() + 3 + host_end)?;
        let after = &dest[origin.len()..];
        self.origins.iter().find_map(|(o, base)| {
            if !o.eq_ignore_ascii_case(origin) {
                return None;
            }
            if let Some(rest) = after.strip_prefix(base.as_str()) {
                return Some(rest);
            }
            // `https://host/kb`, `https://host`, `https://host?x`: the home page.
            let bare = base.trim_end_matches('/');
            let tail = after.strip_prefix(bare)?;
            (tail.is_empty() || tail.starts_with(['?', '#'])).then_some(tail)
        })
    }

    /// What one candidate path (from [`SiteRef::paths`]) is in this site.
    pub fn resolve(&self, path: &str) -> Option<Resolved> {
        let page = |p: String| self.pages.contains(&p).then_some(Resolved::Page(p));
        if path.is_empty() {
            return page("_index.md".into());
        }
        if path.ends_with(".md") {
            return page(path.to_string());
        }
        if let Some(dir) = path.strip_suffix('/') {
            return page(format!("{dir}.md")).or_else(|| page(format!("{dir}/_index.md")));
        }
        if self.files.contains(path) {
            return Some(Resolved::File(path.to_string()));
        }
        let stem = path
            .strip_suffix(".html")
            .map(|s| s.strip_suffix("/index").unwrap_or(s))
            .unwrap_or(path);
        page(format!("{stem}.md")).or_else(|| page(format!("{stem}/_index.md")))
    }

    /// The first candidate of `r` that exists, with what it is.
    pub fn resolve_ref(&self, r: &SiteRef) -> Option<Resolved> {
        r.paths.iter().find_map(|p| self.resolve(p))
    }
}

/// `a/./b/../c/` -> `a/c/`; None when it climbs above the root. A trailing
/// slash is kept (it says "a page").
fn normalize(path: &str) -> Option<String> {
    let decoded = percent_decode(path);
    let trailing = decoded.ends_with('/') || decoded.ends_with("/.") || decoded.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Does the last segment of `path` name a file people link to (`logo.png`,
/// `guide.pdf`), not a page (`install`, `a.md`, `system.math.round`)?
pub fn looks_like_file(path: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "pdf", "zip", "gz",
        "tgz", "tar", "bz2", "xz", "7z", "txt", "csv", "tsv", "json", "xml", "yaml", "yml", "toml",
        "js", "mjs", "css", "wasm", "woff", "woff2", "ttf", "otf", "mp4", "webm", "mov", "mp3",
        "ogg", "wav", "ps1", "psm1", "psd1", "sh", "py", "rb", "go", "rs", "c", "h", "cpp", "java",
        "kt", "swift", "ipynb", "docx", "xlsx", "pptx", "epub", "exe", "msi", "deb", "rpm", "dmg",
        "iso",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty() && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base: &str) -> SitePaths {
        SitePaths::new(
            [
                "_index.md",
                "getting-started/_index.md",
                "getting-started/install.md",
                "ops/v1.2.md",
            ],
            ["getting-started/shot.png", "img/logo.svg", "CNAME"],
            &[BaseUrl::parse(base).unwrap()],
        )
    }

    fn resolve(s: &SitePaths, dest: &str) -> Option<Resolved> {
        s.resolve_ref(&s.site_ref(dest)?)
    }

    fn page(p: &str) -> Option<Resolved> {
        Some(Resolved::Page(p.into()))
    }

    #[test]
    fn site_absolute_pages_resolve_in_every_spelling() {
        let s = site("https://docs.example.com/");
        for dest in [
            "/getting-started/install/",
            "/getting-started/install",
            "/getting-started/install.md",
            "/getting-started/install/#step-2",
            "/getting-started/install?tab=linux",
            "/getting-started/install.html",
            "/getting-started/./x/../install/",
        ] {
            assert_eq!(
                resolve(&s, dest),
                page("getting-started/install.md"),
                "{dest}"
            );
        }
        assert_eq!(
            resolve(&s, "/getting-started/"),
            page("getting-started/_index.md")
        );
        assert_eq!(resolve(&s, "/"), page("_index.md"));
        // A dot in a page name is not a file extension.
        assert_eq!(resolve(&s, "/ops/v1.2"), page("ops/v1.2.md"));
        assert_eq!(resolve(&s, "/nowhere/"), None);
        assert_eq!(resolve(&s, "/../../etc/passwd"), None);
    }

    #[test]
    fn site_absolute_files_resolve() {
        let s = site("https://docs.example.com/");
        assert_eq!(
            resolve(&s, "/img/logo.svg"),
            Some(Resolved::File("img/logo.svg".into()))
        );
        assert_eq!(resolve(&s, "/CNAME"), Some(Resolved::File("CNAME".into())));
        assert_eq!(
            resolve(&s, "/getting-started/shot%2Epng"),
            Some(Resolved::File("getting-started/shot.png".into()))
        );
    }

    #[test]
    fn base_url_path_is_taken_off_first() {
        let s = site("https://docs.example.com/kb/");
        let r = s.site_ref("/kb/getting-started/install/#x").unwrap();
        assert_eq!(
            r.paths,
            ["getting-started/install/", "kb/getting-started/install/"]
        );
        assert_eq!(r.anchor.as_deref(), Some("x"));
        assert_eq!(
            resolve(&s, "/kb/getting-started/install/"),
            page("getting-started/install.md")
        );
        assert_eq!(resolve(&s, "/kb"), page("_index.md"));
        // Written without the base path it still resolves.
        assert_eq!(
            resolve(&s, "/getting-started/install/"),
            page("getting-started/install.md")
        );
    }

    #[test]
    fn own_host_links_resolve_inside_the_base_path_only() {
        let s = site("https://docs.example.com/kb/");
        for dest in [
            "https://docs.example.com/kb/getting-started/install/",
            "http://docs.example.com/kb/getting-started/install",
            "HTTPS://Docs.Example.com/kb/getting-started/install.md#a",
        ] {
            let r = s.site_ref(dest).unwrap();
            assert!(r.own_host);
            assert_eq!(
                s.resolve_ref(&r),
                page("getting-started/install.md"),
                "{dest}"
            );
        }
        assert_eq!(
            resolve(&s, "https://docs.example.com/kb/"),
            page("_index.md")
        );
        // Elsewhere on the host, or another host: not the site.
        assert!(s.site_ref("https://docs.example.com/blog/x/").is_none());
        assert!(s.site_ref("https://other.example.com/kb/x/").is_none());
        assert!(s.site_ref("//docs.example.com/kb/x/").is_none());
        assert!(s.site_ref("getting-started/install.md").is_none());
        let root = site("https://docs.example.com");
        assert_eq!(
            resolve(&root, "https://docs.example.com"),
            page("_index.md")
        );
    }

    #[test]
    fn files_are_told_from_pages_by_extension() {
        assert!(looks_like_file("img/a.png"));
        assert!(looks_like_file("/a/b.tar.gz"));
        assert!(!looks_like_file("/a/b.md"));
        assert!(!looks_like_file("/a/install"));
        assert!(!looks_like_file("/a/b/"));
        assert!(!looks_like_file("/previous-versions/aa385231(v=vs.85)"));
        assert!(!looks_like_file("/dotnet/api/system.math.round"));
        assert!(looks_like_file("/downloads/Guide.PDF"));
    }
}
