//! Link checking over the whole site model: links to pages (`.md` files),
//! `#anchors` (against the target page's real heading ids), images and
//! files under `content/` or `static/`, and `answers:` ids. Pure: works on
//! the `Site` and the link positions the Markdown stage recorded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::{Link, LinkTarget, Rendered};
use crate::site::Site;

/// Headings and URL of one linkable Markdown source.
struct Target<'a> {
    anchors: BTreeSet<&'a str>,
}

/// Check every link of every page and section.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut targets: BTreeMap<&str, Target<'_>> = BTreeMap::new();
    for p in &site.pages {
        targets.insert(&p.source, target(&p.rendered));
    }
    for s in site.sections.values() {
        if let Some(src) = &s.source {
            targets.insert(src, target(&s.rendered));
        }
    }
    let assets: BTreeSet<&str> = site.assets.iter().map(|a| a.rel.as_str()).collect();
    let statics: BTreeSet<&str> = site.static_files.iter().map(|a| a.rel.as_str()).collect();
    let ctx = Ctx {
        targets: &targets,
        assets: &assets,
        statics: &statics,
    };

    let mut diags = Vec::new();
    for p in &site.pages {
        ctx.check_links(&p.source, &p.shown_path, &p.rendered, &mut diags);
    }
    for s in site.sections.values() {
        if let Some(src) = &s.source {
            let shown = Path::new("content").join(src);
            ctx.check_links(src, &shown, &s.rendered, &mut diags);
        }
    }
    diags
}

fn target(r: &Rendered) -> Target<'_> {
    Target {
        anchors: r.headings.iter().map(|h| h.id.as_str()).collect(),
    }
}

struct Ctx<'a> {
    targets: &'a BTreeMap<&'a str, Target<'a>>,
    assets: &'a BTreeSet<&'a str>,
    statics: &'a BTreeSet<&'a str>,
}

impl Ctx<'_> {
    fn check_links(
        &self,
        source: &str,
        shown: &Path,
        rendered: &Rendered,
        diags: &mut Vec<Diagnostic>,
    ) {
        for link in &rendered.links {
            if let Some(d) = self.check_one(source, shown, link) {
                diags.push(d);
            }
        }
    }

    fn check_one(&self, source: &str, shown: &Path, link: &Link) -> Option<Diagnostic> {
        let at = |msg: String| Diagnostic::error(shown, msg).at(link.line, link.col);
        match &link.target {
            LinkTarget::External { url } => {
                if url.starts_with("http://") && !is_local(url) {
                    Some(
                        Diagnostic::warning(shown, format!("insecure link `{url}`"))
                            .at(link.line, link.col)
                            .with_hint("use https:// if the site supports it"),
                    )
                } else {
                    None
                }
            }
            LinkTarget::SamePage { anchor } => {
                let t = self.targets.get(source)?;
                self.check_anchor(t, anchor).map(|hint| {
                    let d = at(format!("no heading with id `#{anchor}` on this page"));
                    with_optional_hint(d, hint)
                })
            }
            LinkTarget::Page {
                source: target,
                anchor,
            } => {
                let decoded = decode(target);
                let Some(t) = self.targets.get(decoded.as_str()) else {
                    let d = at(format!(
                        "link to a page that does not exist: `{}`",
                        link.dest
                    ));
                    let best = closest(&decoded, self.targets.keys().copied());
                    return Some(match best {
                        Some(b) => {
                            d.with_hint(format!("did you mean `{}`?", relative_md(source, b)))
                        }
                        None => d,
                    });
                };
                let anchor = anchor.as_deref()?;
                self.check_anchor(t, anchor).map(|hint| {
                    let d = at(format!("`{decoded}` has no heading with id `#{anchor}`"));
                    with_optional_hint(d, hint)
                })
            }
            LinkTarget::Asset { path, from_static } => {
                let decoded = decode(path);
                let found = if *from_static {
                    self.statics.contains(decoded.as_str())
                        || self.assets.contains(decoded.as_str())
                } else {
                    self.assets.contains(decoded.as_str())
                };
                if found {
                    return None;
                }
                let what = if link.is_image { "image" } else { "file" };
                let d = at(format!("{what} not found: `{}`", link.dest));
                let pool: Vec<&str> = if *from_static {
                    self.statics.iter().copied().collect()
                } else {
                    self.assets.iter().copied().collect()
                };
                Some(match closest(&decoded, pool) {
                    Some(b) => d.with_hint(format!("did you mean `{b}`?")),
                    None if *from_static => {
                        d.with_hint("paths starting with `/` are looked up in `static/`")
                    }
                    None => d,
                })
            }
        }
    }

    /// None when the anchor exists; otherwise Some(hint).
    fn check_anchor(&self, t: &Target<'_>, anchor: &str) -> Option<Option<String>> {
        let decoded = decode(anchor);
        if t.anchors.contains(decoded.as_str()) || t.anchors.contains(anchor) {
            return None;
        }
        Some(closest(&decoded, t.anchors.iter().copied()).map(|b| format!("did you mean `#{b}`?")))
    }
}

fn with_optional_hint(d: Diagnostic, hint: Option<String>) -> Diagnostic {
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn is_local(url: &str) -> bool {
    let host = url.trim_start_matches("http://");
    host.starts_with("localhost") || host.starts_with("127.") || host.starts_with("[::1]")
}

/// `target` (content-relative) as a relative link from `from`'s folder,
/// the way a writer would type it.
fn relative_md(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir
        .iter()
        .zip(to.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_md_is_what_a_writer_types() {
        assert_eq!(relative_md("a/b.md", "a/c.md"), "c.md");
        assert_eq!(relative_md("a/b.md", "x/y.md"), "../x/y.md");
        assert_eq!(relative_md("b.md", "x/y.md"), "x/y.md");
    }
}
