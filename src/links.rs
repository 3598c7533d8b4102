//! Link checking over the whole site model: links to pages (`.md` files),
//! `#anchors` (against the target page's real heading ids), images and
//! files under `content/` or `static/`, and `answers:` ids. Pure: works on
//! the `Site` and the link positions the Markdown stage recorded.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::{Link, LinkTarget, Rendered};
use crate::site::Site;

/// Linkable Markdown sources (pages and section indexes) by path: all of
/// them, or those `wanted` names.
fn targets<'a>(
    site: &'a Site,
    wanted: Option<&BTreeSet<String>>,
) -> HashMap<&'a str, &'a Rendered> {
    let keep = |src: &str| wanted.is_none_or(|w| w.contains(src));
    let mut targets: HashMap<&str, &Rendered> = HashMap::new();
    for p in &site.pages {
        if keep(&p.source) {
            targets.insert(&p.source, &p.rendered);
        }
    }
    for s in site.sections.values() {
        if let Some(src) = &s.source {
            if keep(src) {
                targets.insert(src, &s.rendered);
            }
        }
    }
    targets
}

/// Every linkable source, sorted (for "did you mean" hints).
fn all_sources(site: &Site) -> BTreeSet<&str> {
    let pages = site.pages.iter().map(|p| p.source.as_str());
    let sections = site.sections.values().filter_map(|s| s.source.as_deref());
    pages.chain(sections).collect()
}

/// Check every link of every page and section.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    check_sources(site, None)
}

/// Check only the links that edits of the `changed` sources (content-relative
/// paths) can break: the links on those pages and the links to them from
/// other pages. Gives the diagnostics [`check`] gives for those links.
pub fn check_affected(site: &Site, backlinks: &Backlinks, changed: &[&str]) -> Vec<Diagnostic> {
    let mut sources: BTreeSet<&str> = changed.iter().copied().collect();
    for c in changed {
        if let Some(from) = backlinks.by_target.get(*c) {
            sources.extend(from.iter().map(String::as_str));
        }
    }
    check_sources(site, Some(&sources))
}

fn check_sources(site: &Site, only: Option<&BTreeSet<&str>>) -> Vec<Diagnostic> {
    // Checking a few pages needs only the pages they link to.
    let wanted: Option<BTreeSet<String>> = only.map(|only| {
        let checked = site
            .pages
            .iter()
            .filter(|p| only.contains(p.source.as_str()))
            .map(|p| &p.rendered)
            .chain(
                site.sections
                    .values()
                    .filter(|s| s.source.as_deref().is_some_and(|src| only.contains(src)))
                    .map(|s| &s.rendered),
            );
        let mut wanted: BTreeSet<String> = only.iter().map(|s| s.to_string()).collect();
        for r in checked {
            wanted.extend(page_targets(r));
        }
        wanted
    });
    let targets = targets(site, wanted.as_ref());
    let assets: BTreeSet<&str> = site.assets.iter().map(|a| a.rel.as_str()).collect();
    let statics: BTreeSet<&str> = site.static_files.iter().map(|a| a.rel.as_str()).collect();
    let ctx = Ctx {
        site,
        targets: &targets,
        assets: &assets,
        statics: &statics,
    };
    let wanted = |src: &str| only.is_none_or(|set| set.contains(src));

    let mut diags = Vec::new();
    for p in &site.pages {
        if wanted(&p.source) {
            ctx.check_links(&p.source, &p.shown_path, &p.rendered, &mut diags);
        }
    }
    for s in site.sections.values() {
        if let Some(src) = &s.source {
            if wanted(src) {
                let shown = Path::new("content").join(src);
                ctx.check_links(src, &shown, &s.rendered, &mut diags);
            }
        }
    }
    diags
}

/// Which sources link to each page (by content-relative path), kept by
/// `lorebook serve` so a one-page edit re-checks only the links it can break.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlinks {
    by_target: BTreeMap<String, BTreeSet<String>>,
}

impl Backlinks {
    pub fn new(site: &Site) -> Backlinks {
        let mut b = Backlinks::default();
        for p in &site.pages {
            b.add(&p.source, &p.rendered);
        }
        for s in site.sections.values() {
            if let Some(src) = &s.source {
                b.add(src, &s.rendered);
            }
        }
        b
    }

    /// `source` changed from `old` to `new`.
    pub fn replace(&mut self, source: &str, old: &Rendered, new: &Rendered) {
        for target in page_targets(old) {
            if let Some(set) = self.by_target.get_mut(&target) {
                set.remove(source);
                if set.is_empty() {
                    self.by_target.remove(&target);
                }
            }
        }
        self.add(source, new);
    }

    fn add(&mut self, source: &str, rendered: &Rendered) {
        for target in page_targets(rendered) {
            self.by_target
                .entry(target)
                .or_default()
                .insert(source.to_string());
        }
    }
}

/// The pages a page links to (decoded content-relative paths).
fn page_targets(rendered: &Rendered) -> BTreeSet<String> {
    rendered
        .links
        .iter()
        .filter_map(|l| match &l.target {
            LinkTarget::Page { source, .. } => Some(decode(source)),
            _ => None,
        })
        .collect()
}

struct Ctx<'a> {
    site: &'a Site,
    targets: &'a HashMap<&'a str, &'a Rendered>,
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
                    let best = closest(&decoded, all_sources(self.site));
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
    fn check_anchor(&self, t: &Rendered, anchor: &str) -> Option<Option<String>> {
        let decoded = decode(anchor);
        if t.headings.iter().any(|h| h.id == decoded || h.id == anchor) {
            return None;
        }
        let anchors: BTreeSet<&str> = t.headings.iter().map(|h| h.id.as_str()).collect();
        Some(closest(&decoded, anchors).map(|b| format!("did you mean `#{b}`?")))
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
