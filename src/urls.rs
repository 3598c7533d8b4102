//! Site URLs. Inside lorebook every page URL is *site-relative*: no leading
//! slash, directories end with `/` (`getting-started/install/`, the home page
//! is the empty string). Output pages link to each other with *relative*
//! hrefs computed here, so one build works at a domain root, under any
//! sub-path and from `file://` without knowing where it will be hosted.
//! Only the sitemap, feed, canonical links and the 404 page use `base_url`.

/// Site-relative URL of a content file given its path relative to `content/`
/// with forward slashes: `a/b.md` -> `a/b/`, `a/_index.md` -> `a/`,
/// `_index.md` -> `` (home).
pub fn content_url(rel_md: &str) -> String {
    let rel = rel_md.trim_start_matches("./");
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let dir_only = stem == "_index" || stem.ends_with("/_index");
    let stem = if dir_only {
        stem.trim_end_matches("_index").trim_end_matches('/')
    } else {
        stem
    };
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// Prefix that leads from the page at `from` back to the site root:
/// `` -> `./`, `a/` -> `../`, `a/b/` -> `../../`, `a/b.xml` -> `../`.
pub fn root_prefix(from: &str) -> String {
    let depth = from.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// Relative href from the page at site-relative `from` to site-relative `to`
/// (which may carry a `#fragment`). Both are in the forms of [`content_url`]
/// or plain file paths like `assets/site.css`.
pub fn relative(from: &str, to: &str) -> String {
    let (to_path, frag) = match to.find('#') {
        Some(i) => (&to[..i], &to[i..]),
        None => (to, ""),
    };
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    // the directory part of `from`: everything before the last '/'
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to_path.split('/').collect();
    let (to_dir, to_file) = to_parts.split_at(to_parts.len().saturating_sub(1));
    let common = from_dir
        .iter()
        .zip(to_dir.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for _ in common..from_dir.len() {
        out.push_str("../");
    }
    for part in &to_dir[common..] {
        out.push_str(part);
        out.push('/');
    }
    out.push_str(to_file.first().copied().unwrap_or(""));
    if out.is_empty() {
        out.push_str("./");
    }
    out.push_str(frag);
    out
}

/// Resolve a relative file reference (`../b.md`, `img/x.png`) against the
/// directory of the content file `base` (`a/page.md`). Returns `None` when
/// the reference climbs above the content root.
pub fn resolve_relative(base: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop(); // the file name
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// GitHub-compatible heading slug: lowercase, letters/digits/`-`/`_` kept,
/// spaces become `-`, other punctuation dropped. Unicode letters are kept.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == '-' {
            out.extend(ch.to_lowercase());
        } else if ch.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// Slug safe for file names and URLs (ASCII where possible, never empty):
/// used for answer pages, tags and contributor pages.
pub fn path_slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            out.push(ch);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    let trimmed = out.trim_end_matches('-');
    let limited: String = trimmed.chars().take(80).collect();
    let limited = limited.trim_end_matches('-').to_string();
    if limited.is_empty() {
        "untitled".to_string()
    } else {
        limited
    }
}

/// Escape text for use inside HTML element content or attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The site's public address, split so pages can be linked relatively and
/// absolute URLs (sitemap, feed, canonical) can still be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Scheme and host, no trailing slash: `https://docs.acme.example`.
    pub origin: String,
    /// Path prefix with leading and trailing slash: `/kb/` or `/`.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(url: &str) -> Result<BaseUrl, String> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            format!("`{url}` is not an absolute URL (expected https://host/path/)")
        })?;
        if scheme.is_empty() || rest.is_empty() {
            return Err(format!(
                "`{url}` is not an absolute URL (expected https://host/path/)"
            ));
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let mut path = path.split(['?', '#']).next().unwrap_or("/").to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl {
            origin: format!("{scheme}://{host}"),
            path,
        })
    }

    /// Absolute URL of a site-relative path such as `a/b/`.
    pub fn absolute(&self, rel: &str) -> String {
        format!(
            "{}{}{}",
            self.origin,
            self.path,
            rel.trim_start_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_sub_path_is_split() {
        let b = BaseUrl::parse("https://docs.acme.example/kb").unwrap();
        assert_eq!(b.origin, "https://docs.acme.example");
        assert_eq!(b.path, "/kb/");
        assert_eq!(b.absolute("a/b/"), "https://docs.acme.example/kb/a/b/");
        assert!(BaseUrl::parse("docs.acme.example").is_err());
    }

    #[test]
    fn content_urls_are_clean() {
        assert_eq!(content_url("a/b.md"), "a/b/");
        assert_eq!(content_url("a/_index.md"), "a/");
        assert_eq!(content_url("_index.md"), "");
        assert_eq!(content_url("top.md"), "top/");
    }

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative("a/b/", "a/c/"), "../c/");
        assert_eq!(relative("a/b/", "x/"), "../../x/");
        assert_eq!(relative("", "x/y/"), "x/y/");
        assert_eq!(relative("a/", ""), "../");
        assert_eq!(relative("a/b/", "a/b/#h"), "./#h");
        assert_eq!(relative("a/b/", "assets/site.css"), "../../assets/site.css");
        assert_eq!(relative("404.html", "assets/x.css"), "assets/x.css");
    }

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("a/"), "../");
        assert_eq!(root_prefix("a/b/"), "../../");
    }

    #[test]
    fn resolves_relative_references() {
        assert_eq!(
            resolve_relative("a/p.md", "../b.md").as_deref(),
            Some("b.md")
        );
        assert_eq!(
            resolve_relative("a/p.md", "./img/x.png").as_deref(),
            Some("a/img/x.png")
        );
        assert_eq!(resolve_relative("p.md", "../x.md"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Install on Linux!"), "install-on-linux");
        assert_eq!(slugify("C++ & Rust"), "c--rust");
        assert_eq!(slugify("Über Größe"), "über-größe");
        assert_eq!(
            path_slug("How do I reset my password?"),
            "how-do-i-reset-my-password"
        );
        assert_eq!(path_slug("!!!"), "untitled");
    }
}
