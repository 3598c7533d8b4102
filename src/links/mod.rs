//! Link checking over the whole site model: links to pages (`.md` files,
//! or written from the site root or with the site's own address, see
//! [`paths`]), `#anchors` (against the target page's real heading ids and
//! its title's), images and files under `content/` or `static/`, and
//! `http://` links. How bad each problem is comes from the link policy in
//! lorebook.yaml ([`policy`]): `error`, `warn` or `ignore`, per kind and per
//! page path, so `build`, `serve` and `check` agree. "Did you mean" hints
//! come from `crate::suggest`, asked once per missing target and at most
//! [`HINT_LIMIT`] times per check. Pure: works on the `Site` and the link
//! positions the Markdown stage recorded.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use std::cell::{OnceCell, RefCell};

use crate::diagnostics::{closest, Diagnostic};
use crate::markdown::{Link, LinkTarget, Rendered};
use crate::site::Site;
use crate::suggest::Suggester;
use paths::{Resolved, SiteRef};
use policy::LinkKind;

pub mod paths;
pub mod policy;

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
    let aliases = site
        .pages
        .iter()
        .flat_map(|p| {
            p.front
                .aliases
                .iter()
                .map(|a| (Site::normalize_alias(a), p.source.as_str()))
        })
        .collect();
    let ctx = Ctx {
        site,
        targets: &targets,
        assets: &assets,
        statics: &statics,
        aliases,
        hints: Hints::new(),
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
                let shown = site.config.content_shown().join(src);
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
    /// Alias URL (`old/page/`) -> the page's source.
    aliases: HashMap<String, &'a str>,
    hints: Hints<'a>,
}

/// One problem with one link, before the policy says how bad it is.
struct Problem {
    kind: LinkKind,
    message: String,
    /// What is missing, the same from every page (for summaries).
    target: String,
    hint: Hint,
}

/// The "did you mean" question of a problem, asked only when the problem
/// is reported.
enum Hint {
    Text(String),
    /// The closest page source, shown as a link relative to the page.
    Page(String),
    /// The closest page URL, shown from the site root.
    Url(String),
    /// The closest file; `static/` ones included when `from_static`.
    File {
        path: String,
        from_static: bool,
    },
    /// The closest heading id on a page.
    Anchor {
        source: String,
        anchor: String,
    },
}

impl Ctx<'_> {
    fn check_links(
        &self,
        source: &str,
        shown: &Path,
        rendered: &Rendered,
        diags: &mut Vec<Diagnostic>,
    ) {
        let policy = &self.site.config.links;
        for link in &rendered.links {
            let Some(p) = self.problem(source, link) else {
                continue;
            };
            let Some(severity) = policy.level(p.kind, source).severity() else {
                continue;
            };
            let mut d = Diagnostic::error(shown, p.message)
                .at(link.line, link.col)
                .about(p.kind.key(), p.target);
            d.severity = severity;
            d.hint = self.hint(source, p.hint);
            diags.push(d);
        }
    }

    fn problem(&self, source: &str, link: &Link) -> Option<Problem> {
        let policy = &self.site.config.links;
        match &link.target {
            LinkTarget::External { url } => {
                if !url.starts_with("http://") || is_local(url) || policy.skips(url, None) {
                    return None;
                }
                Some(Problem {
                    kind: LinkKind::InsecureHttp,
                    message: format!("insecure link `{url}`"),
                    target: url.clone(),
                    hint: Hint::Text("use https:// if the site supports it".into()),
                })
            }
            LinkTarget::SamePage { anchor } => {
                if policy.skips(&link.dest, None) || policy.skips_anchor(&link.dest, None) {
                    return None;
                }
                let t = self.targets.get(source)?;
                self.anchor_problem(source, t, anchor, || {
                    format!("no heading with id `#{anchor}` on this page")
                })
            }
            LinkTarget::Page {
                source: target,
                anchor,
            } => {
                let decoded = decode(target);
                let site_path = format!("/{decoded}");
                if policy.skips(&link.dest, Some(&site_path)) {
                    return None;
                }
                let Some(t) = self.targets.get(decoded.as_str()) else {
                    return Some(Problem {
                        kind: LinkKind::BrokenPage,
                        message: format!("link to a page that does not exist: `{}`", link.dest),
                        target: decoded.clone(),
                        hint: Hint::Page(decoded),
                    });
                };
                let anchor = anchor.as_deref()?;
                if policy.skips_anchor(&link.dest, Some(&site_path)) {
                    return None;
                }
                self.anchor_problem(&decoded, t, anchor, || {
                    format!("`{decoded}` has no heading with id `#{anchor}`")
                })
            }
            LinkTarget::Asset { path, from_static } => {
                let decoded = decode(path);
                if policy.skips(&link.dest, Some(&format!("/{decoded}"))) {
                    return None;
                }
                let found = self.assets.contains(decoded.as_str())
                    || (*from_static && self.statics.contains(decoded.as_str()));
                if found {
                    return None;
                }
                let what = if link.is_image { "image" } else { "file" };
                Some(Problem {
                    kind: LinkKind::MissingFile,
                    message: format!("{what} not found: `{}`", link.dest),
                    target: decoded.clone(),
                    hint: Hint::File {
                        path: decoded,
                        from_static: *from_static,
                    },
                })
            }
            LinkTarget::SitePath(r) => self.site_path_problem(link, r),
        }
    }

    /// A link from the root or to the site's own address that did not
    /// resolve when its page was rendered: resolved again against the whole
    /// site (its aliases too), else reported by the kind of link it is.
    fn site_path_problem(&self, link: &Link, r: &SiteRef) -> Option<Problem> {
        let policy = &self.site.config.links;
        let shown = r.shown();
        if policy.skips(&link.dest, Some(&shown)) {
            return None;
        }
        match self.site.paths.resolve_ref(r) {
            Some(Resolved::Page(src)) => {
                let t = self.targets.get(src.as_str());
                return match (t, &r.anchor) {
                    (None, _) => Some(Problem {
                        kind: LinkKind::BrokenPage,
                        message: format!("link to a page that does not exist: `{}`", link.dest),
                        target: src.clone(),
                        hint: Hint::Page(src),
                    }),
                    (Some(t), Some(anchor)) if !policy.skips_anchor(&link.dest, Some(&shown)) => {
                        self.anchor_problem(&src, t, anchor, || {
                            format!("`{src}` has no heading with id `#{anchor}`")
                        })
                    }
                    _ => None,
                };
            }
            Some(Resolved::File(_)) => return None,
            None => {}
        }
        if r.paths
            .iter()
            .any(|p| self.aliases.contains_key(&alias_key(p)))
        {
            return None;
        }
        let path = r.paths.first().cloned().unwrap_or_default();
        let (kind, message) = if r.own_host {
            (
                LinkKind::OwnHost,
                format!(
                    "`{}` is this site's address (base_url) but no page or file is at `{shown}`",
                    link.dest
                ),
            )
        } else if link.is_image || paths::looks_like_file(&path) {
            let what = if link.is_image { "image" } else { "file" };
            (
                LinkKind::MissingFile,
                format!("{what} not found: `{}`", link.dest),
            )
        } else {
            (
                LinkKind::SiteAbsolute,
                format!(
                    "link from the site root to a page that does not exist: `{}`",
                    link.dest
                ),
            )
        };
        let hint = if kind == LinkKind::MissingFile {
            Hint::File {
                path,
                from_static: true,
            }
        } else {
            Hint::Url(path)
        };
        Some(Problem {
            kind,
            message,
            target: shown,
            hint,
        })
    }

    fn anchor_problem(
        &self,
        target: &str,
        t: &Rendered,
        anchor: &str,
        message: impl FnOnce() -> String,
    ) -> Option<Problem> {
        let decoded = decode(anchor);
        if has_anchor(t, anchor) || has_anchor(t, &decoded) {
            return None;
        }
        Some(Problem {
            kind: LinkKind::BrokenAnchor,
            message: message(),
            target: format!("{target}#{decoded}"),
            hint: Hint::Anchor {
                source: target.to_string(),
                anchor: decoded,
            },
        })
    }

    fn hint(&self, from: &str, hint: Hint) -> Option<String> {
        match hint {
            Hint::Text(t) => Some(t),
            Hint::Page(word) => self
                .hints
                .ask(Pool::Sources, &word, || self.hints.sources(self.site))
                .map(|b| format!("did you mean `{}`?", relative_md(from, &b))),
            Hint::Url(word) => self
                .hints
                .ask(Pool::Urls, &word, || self.hints.urls(self.site))
                .map(|b| format!("did you mean `/{b}`?")),
            Hint::File { path, from_static } => {
                let best = if from_static {
                    self.hints
                        .ask(Pool::Files, &path, || self.hints.files(self.site))
                } else {
                    self.hints
                        .ask(Pool::Assets, &path, || self.hints.assets(self.site))
                };
                // As the writer would type it: from the root for a link
                // written from the root, else relative to the page.
                match best {
                    Some(b) if from_static => Some(format!("did you mean `/{b}`?")),
                    Some(b) => Some(format!("did you mean `{}`?", relative_md(from, &b))),
                    None if from_static => Some(
                        "paths starting with `/` are looked up in `content/` and `static/`".into(),
                    ),
                    None => None,
                }
            }
            Hint::Anchor { source, anchor } => {
                let t = self.targets.get(source.as_str())?;
                let ids = t
                    .headings
                    .iter()
                    .map(|h| h.id.as_str())
                    .chain(t.title_id.as_deref());
                closest(&anchor, ids).map(|b| format!("did you mean `#{b}`?"))
            }
        }
    }
}

/// Does the page have this heading id (its title's included: the `# Title`
/// a page starts with is not in its HTML, but its id is kept on the page
/// title)?
fn has_anchor(t: &Rendered, id: &str) -> bool {
    id.is_empty() || t.title_id.as_deref() == Some(id) || t.headings.iter().any(|h| h.id == id)
}

/// `old/page` and `old/page/` are one alias.
fn alias_key(path: &str) -> String {
    Site::normalize_alias(path)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Pool {
    Sources,
    Urls,
    Assets,
    Files,
}

/// "Did you mean" for one check: each pool of candidates indexed on first
/// use, each distinct question answered once, and at most [`HINT_LIMIT`]
/// questions answered (later problems come without a hint).
struct Hints<'a> {
    sources: OnceCell<Suggester<'a>>,
    urls: OnceCell<Suggester<'a>>,
    assets: OnceCell<Suggester<'a>>,
    files: OnceCell<Suggester<'a>>,
    answered: RefCell<HashMap<(Pool, String), Option<String>>>,
}

/// Distinct "did you mean" questions answered per check, at most.
pub const HINT_LIMIT: usize = 2_000;

impl<'a> Hints<'a> {
    fn new() -> Self {
        Hints {
            sources: OnceCell::new(),
            urls: OnceCell::new(),
            assets: OnceCell::new(),
            files: OnceCell::new(),
            answered: RefCell::new(HashMap::new()),
        }
    }

    fn ask<'s>(
        &'s self,
        pool: Pool,
        word: &str,
        suggester: impl FnOnce() -> &'s Suggester<'a>,
    ) -> Option<String> {
        let key = (pool, word.to_string());
        if let Some(known) = self.answered.borrow().get(&key) {
            return known.clone();
        }
        if self.answered.borrow().len() >= HINT_LIMIT {
            return None;
        }
        let best = suggester().closest(word).map(str::to_string);
        self.answered.borrow_mut().insert(key, best.clone());
        best
    }

    fn sources(&self, site: &'a Site) -> &Suggester<'a> {
        self.sources
            .get_or_init(|| Suggester::new(all_sources(site)))
    }

    fn urls(&self, site: &'a Site) -> &Suggester<'a> {
        self.urls.get_or_init(|| {
            let pages = site.pages.iter().map(|p| p.url.as_str());
            let sections = site.sections.values().map(|s| s.url.as_str());
            let mut urls: Vec<&str> = pages.chain(sections).filter(|u| !u.is_empty()).collect();
            urls.sort_unstable();
            Suggester::new(urls)
        })
    }

    fn assets(&self, site: &'a Site) -> &Suggester<'a> {
        self.assets
            .get_or_init(|| Suggester::new(site.assets.iter().map(|a| a.rel.as_str())))
    }

    fn files(&self, site: &'a Site) -> &Suggester<'a> {
        self.files.get_or_init(|| {
            let mut all: Vec<&str> = site
                .assets
                .iter()
                .chain(&site.static_files)
                .map(|a| a.rel.as_str())
                .collect();
            all.sort_unstable();
            Suggester::new(all)
        })
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
