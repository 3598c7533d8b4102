//! The navigation tree of every page (issue 20).
//!
//! Two halves, so the output grows linearly with the site:
//! - [`NavTree`]: the whole tree of sections and pages as one script,
//!   `assets/nav-<hash>.js`, named by its content so a browser caches it
//!   once for the whole site. `site.js` loads it and draws the full,
//!   collapsible tree.
//! - [`sidebar_html`]: the part of the tree each page carries in its own
//!   HTML, so it works without JavaScript: the branch from the home page
//!   down to the current section (ancestors open), and the current section's
//!   pages (a bounded window around the current page) and subsections.
//!
//! Sections and pages keep the order of the model (`Section::pages`,
//! `Section::subsections`). Pure: the same sections and pages give the same
//! bytes. Drawn from an [`Outline`] (what the model holds, borrowed), so the
//! site can keep the tree script it makes once per build (`Site::nav_tree`)
//! without this module knowing the site.

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::content::{Page, Section};
use crate::urls::escape_html;

/// Pages of the current section a page lists in its own HTML (a window
/// around the current page); the tree script has them all.
pub(crate) const PAGES_SHOWN: usize = 20;
/// Subsections of the current section a page lists in its own HTML.
pub(crate) const SUBSECTIONS_SHOWN: usize = 30;

/// What the navigation is drawn from: the model's sections by key, its
/// pages (which sections list by index) and the site's title, which names
/// the home section. `Site::outline` gives the site's.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outline<'a> {
    pub(crate) sections: &'a BTreeMap<String, Section>,
    pub(crate) pages: &'a [Page],
    /// The key of the home section the tree starts from (`` for the
    /// default language, `de` for German: `Site::home_key`).
    pub(crate) root: &'a str,
    pub(crate) title: &'a str,
}

/// The tree script: its path in the output and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct NavTree {
    /// `assets/nav-<10 hex digits of SHA-256>.js`.
    pub(crate) path: String,
    pub(crate) script: Vec<u8>,
}

impl NavTree {
    /// The whole tree: `lorebookNav([title, url, pages, subsections])`,
    /// pages as `[title, url]`, subsections as nodes, URLs site-relative.
    pub(crate) fn of(site: Outline<'_>) -> NavTree {
        let mut json = String::from("lorebookNav(");
        if site.sections.contains_key(site.root) {
            node(site, site.root, &mut json);
        } else {
            json.push_str("null");
        }
        json.push_str(");\n");
        let digest = Sha256::digest(json.as_bytes());
        let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
        NavTree {
            path: format!("assets/nav-{hex}.js"),
            script: json.into_bytes(),
        }
    }
}

impl NavTree {
    /// The tree of a site without a home section.
    pub(crate) fn empty() -> NavTree {
        NavTree {
            path: String::new(),
            script: Vec::new(),
        }
    }
}

fn json_str(s: &str, out: &mut String) {
    // serde_json escapes quotes, backslashes and control characters; the
    // script is read by a JavaScript engine, where U+2028/U+2029 are fine
    // inside strings (ES2019), and `</script>` cannot occur: it is a file.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

fn node(site: Outline<'_>, key: &str, out: &mut String) {
    let Some(section) = site.sections.get(key) else {
        out.push_str("null");
        return;
    };
    out.push('[');
    json_str(&section_title(site, key), out);
    out.push(',');
    json_str(&section.url, out);
    out.push_str(",[");
    for (n, &i) in section.pages.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let p = &site.pages[i];
        out.push('[');
        json_str(&p.title, out);
        out.push(',');
        json_str(&p.url, out);
        out.push(']');
    }
    out.push_str("],[");
    let mut first = true;
    for k in &section.subsections {
        if site.sections.contains_key(k) {
            if !first {
                out.push(',');
            }
            first = false;
            node(site, k, out);
        }
    }
    out.push_str("]]");
}

fn section_title(site: Outline<'_>, key: &str) -> String {
    match site.sections.get(key) {
        Some(s) if key != site.root => s.title.clone(),
        _ => site.title.to_string(),
    }
}

/// The sidebar a page carries in its own HTML: the branch from the home
/// page to `section_key` (each ancestor open, only the next step shown),
/// then that section's subsections (closed) and pages (a window of
/// [`PAGES_SHOWN`] around `current`, marked `aria-current="page"`).
/// `href` turns a site URL into the link written in the page.
pub(crate) fn sidebar_html(
    site: Outline<'_>,
    section_key: &str,
    current: &str,
    href: &dyn Fn(&str) -> String,
) -> String {
    let chain = crate::content::ancestry(site.sections, section_key);
    let mut out = String::with_capacity(2048);
    out.push_str("<ul class=\"nav-tree\">");
    let last = chain.len().saturating_sub(1);
    for (depth, s) in chain.iter().enumerate() {
        if depth == last {
            for k in s.subsections.iter().take(SUBSECTIONS_SHOWN) {
                if let Some(sub) = site.sections.get(k) {
                    let _ = write!(
                        out,
                        "<li class=\"nav-sec\"><span class=\"nav-row\"><a href=\"{}\">{}</a></span></li>",
                        escape_html(&href(&sub.url)),
                        escape_html(&sub.title)
                    );
                }
            }
            let pos = s
                .pages
                .iter()
                .position(|&i| site.pages[i].url == current)
                .unwrap_or(0);
            let start = pos
                .saturating_sub(PAGES_SHOWN / 2)
                .min(s.pages.len().saturating_sub(PAGES_SHOWN));
            for &i in s.pages.iter().skip(start).take(PAGES_SHOWN) {
                let p = &site.pages[i];
                let mark = if p.url == current {
                    " aria-current=\"page\""
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    "<li><a href=\"{}\"{mark}>{}</a></li>",
                    escape_html(&href(&p.url)),
                    escape_html(&p.title)
                );
            }
            let hidden = s.pages.len().saturating_sub(PAGES_SHOWN)
                + s.subsections.len().saturating_sub(SUBSECTIONS_SHOWN);
            if hidden > 0 {
                let _ = write!(
                    out,
                    "<li class=\"nav-more\"><a href=\"{}\">All of {} ({} more)</a></li>",
                    escape_html(&href(&s.url)),
                    escape_html(&section_title(site, &s.key)),
                    hidden
                );
            }
        } else {
            // An ancestor: only the next step down the branch.
            let next = chain[depth + 1];
            let mark = if next.url == current {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<li class=\"nav-sec is-open\"><span class=\"nav-row\"><a href=\"{}\"{mark}>{}</a></span><ul>",
                escape_html(&href(&next.url)),
                escape_html(&next.title)
            );
        }
    }
    for _ in 0..last {
        out.push_str("</ul></li>");
    }
    out.push_str("</ul>");
    out
}

/// The sidebar of pages outside the content tree (tags, contributors,
/// search, 404, ...): the top-level sections, closed.
pub(crate) fn sections_html(site: Outline<'_>, href: &dyn Fn(&str) -> String) -> String {
    let mut out = String::from("<ul class=\"nav-tree\">");
    if let Some(root) = site.sections.get(site.root) {
        for k in root.subsections.iter().take(SUBSECTIONS_SHOWN) {
            if let Some(sub) = site.sections.get(k) {
                let _ = write!(
                    out,
                    "<li class=\"nav-sec\"><span class=\"nav-row\"><a href=\"{}\">{}</a></span></li>",
                    escape_html(&href(&sub.url)),
                    escape_html(&sub.title)
                );
            }
        }
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testkit;
    use crate::site::Site;

    fn site() -> Site {
        testkit::site(
            "title: Help\n",
            &[
                ("a.md", "title: Top page\n"),
                ("sync/one.md", "title: One\nweight: 1\n"),
                ("sync/two.md", "title: Two & more\nweight: 2\n"),
                ("sync/deep/three.md", "title: Three\n"),
                ("api/keys.md", "title: Keys\n"),
            ],
            Default::default(),
        )
    }

    #[test]
    fn the_tree_script_holds_every_section_and_page_and_is_named_by_its_content() {
        let s = site();
        let t = NavTree::of(s.outline(""));
        let text = String::from_utf8(t.script.clone()).unwrap();
        let json = text
            .strip_prefix("lorebookNav(")
            .and_then(|r| r.strip_suffix(");\n"))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v[0], "Help");
        assert_eq!(v[2][0], serde_json::json!(["Top page", "a/"]));
        let subs = v[3].as_array().unwrap();
        let titles: Vec<&str> = subs.iter().map(|n| n[0].as_str().unwrap()).collect();
        assert!(
            titles.contains(&"Sync") && titles.contains(&"Api"),
            "{titles:?}"
        );
        let sync = subs.iter().find(|n| n[1] == "sync/").unwrap();
        assert_eq!(sync[2][1], serde_json::json!(["Two & more", "sync/two/"]));
        assert_eq!(sync[3][0][2][0][1], "sync/deep/three/");
        assert!(t.path.starts_with("assets/nav-") && t.path.ends_with(".js"));
        assert_eq!(t.path.len(), "assets/nav-0123456789.js".len());
        // Same site, same name; a changed title, another name.
        assert_eq!(NavTree::of(site().outline("")).path, t.path);
        let mut other = site();
        other.pages[0].title = "Renamed".into();
        assert_ne!(NavTree::of(other.outline("")).path, t.path);
    }

    #[test]
    fn a_page_carries_its_branch_open_and_marks_itself() {
        let s = site();
        let href = |u: &str| format!("/{u}");
        let html = sidebar_html(s.outline(""), "sync/deep", "sync/deep/three/", &href);
        assert!(html.contains(
            "<li class=\"nav-sec is-open\"><span class=\"nav-row\"><a href=\"/sync/\">Sync</a></span><ul>"
        ));
        assert!(html.contains("<a href=\"/sync/deep/three/\" aria-current=\"page\">Three</a>"));
        // Only the branch: other sections come with the tree script.
        assert!(!html.contains("/api/"), "{html}");
        assert_eq!(html.matches("<ul").count(), html.matches("</ul>").count());
        let html = sidebar_html(s.outline(""), "sync", "sync/two/", &href);
        assert!(html.contains("<a href=\"/sync/two/\" aria-current=\"page\">Two &amp; more</a>"));
        assert!(html.contains(
            "<li class=\"nav-sec\"><span class=\"nav-row\"><a href=\"/sync/deep/\">Deep</a></span></li>"
        ));
        assert_eq!(html.matches("aria-current").count(), 1);
    }

    #[test]
    fn a_long_section_shows_a_window_around_the_page_and_a_link_to_the_rest() {
        let pages: Vec<(String, String)> = (0..100)
            .map(|i| {
                (
                    format!("big/p{i:03}.md"),
                    format!("title: P{i:03}\nweight: {i}\n"),
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = pages
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let s = testkit::site("title: Help\n", &refs, Default::default());
        let html = sidebar_html(s.outline(""), "big", "big/p090/", &|u| u.to_string());
        assert_eq!(html.matches("<li>").count(), PAGES_SHOWN);
        assert!(html.contains("aria-current=\"page\">P090<"));
        assert!(html.contains("P099") && !html.contains("P070<"));
        assert!(html.contains("(80 more)"), "{html}");
    }
}
