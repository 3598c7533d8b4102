//! Versions of the documentation built side by side (`versions:` in
//! lorebook.yaml): the working tree is the latest, at the site root (or
//! under its `alias:`, the root then sending readers there); every other
//! version is the `content/` folder of a git ref (read with gix, no
//! subprocess) or a folder of the site, built as a site of its own under
//! `/<name>/` (or `/<alias>/`) with the same theme, static files, forum data
//! and git history.
//!
//! What is here: the resolved `VersionSpec`s (`spec.rs`, a leaf that
//! `config.rs` makes them with), [`prepare`] (the only disk access: a folder's existence, a ref's tree
//! written once per tree id into `.lorebook-cache/versions/<tree>/`),
//! [`Placement`], what a version's pages need to know of the others to draw
//! the switcher and the banner (pure), and [`root_index`], the site root's
//! page when the latest has an alias (pure).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostics::Diagnostic;

pub mod spec;
pub(crate) use spec::line_of;
pub use spec::{valid_name, VersionSource, VersionSpec};

/// A version ready to load: its config (content folder, base URL under the
/// version's folder) and where its output goes.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub name: String,
    /// The working tree's version.
    pub latest: bool,
    /// Its folder in the output and the URLs: `alias/` when it has an
    /// alias, else empty for the latest and `name/` for the others.
    pub prefix: String,
    pub config: Config,
    /// For a git ref: its content folder in the cache, and how diagnostics
    /// name it instead (`v1.0:content`).
    pub shown_as: Option<(PathBuf, PathBuf)>,
    /// For a git ref: the ref, which diagnostics of its files carry
    /// (`Diagnostic::revision`).
    pub revision: Option<String>,
}

impl Prepared {
    /// Diagnostics of this version with the paths the user knows: a git
    /// ref's files as `ref:content/page.md`.
    pub fn show(&self, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if let Some((cache, shown)) = &self.shown_as {
            for d in &mut diags {
                if let Ok(rest) = d.path.strip_prefix(cache) {
                    d.path = shown.join(rest);
                    d.revision = self.revision.as_deref().map(Box::from);
                }
            }
        }
        diags
    }
}

/// Every version of `config` ready to load, in the order of `versions:`
/// (one entry, the site itself, when `versions:` is absent). A missing folder or ref is
/// an error at its line of lorebook.yaml.
pub fn prepare(config: &Config) -> Result<Vec<Prepared>, Vec<Diagnostic>> {
    let shown = Path::new(crate::config::CONFIG_FILE);
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for spec in &config.versions {
        let mut c = config.clone();
        let prefix = spec.prefix();
        let mut shown_as = None;
        let mut revision = None;
        match &spec.source {
            VersionSource::WorkingTree => {
                c.base_url.path = format!("{}{prefix}", config.base_url.path);
                out.push(Prepared {
                    name: spec.name.clone(),
                    latest: true,
                    prefix,
                    config: c,
                    shown_as: None,
                    revision: None,
                });
                continue;
            }
            VersionSource::Folder { shown: rel, path } => {
                if !path.is_dir() {
                    diags.push(
                        Diagnostic::error(
                            shown,
                            format!("versions: `{}`: the folder `{rel}` does not exist", spec.name),
                        )
                        .at(line_of(&config_text(config), "folder", rel, spec.line), 1)
                        .with_hint("a version's `folder:` is relative to the site root and holds its Markdown, like `content/`"),
                    );
                    continue;
                }
                let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
                if !canon(path).starts_with(canon(&config.root)) {
                    diags.push(
                        Diagnostic::error(
                            shown,
                            format!("versions: `{}`: the folder `{rel}` is outside the site", spec.name),
                        )
                        .at(line_of(&config_text(config), "folder", rel, spec.line), 1)
                        .with_hint("nothing outside the site folder is published: move or copy the version's Markdown into it"),
                    );
                    continue;
                }
                c.content_dir = path.clone();
            }
            VersionSource::GitRef(r) => match extract(config, r) {
                Ok(dir) => {
                    shown_as = Some((
                        dir.strip_prefix(&config.root).unwrap_or(&dir).to_path_buf(),
                        PathBuf::from(format!("{r}:content")),
                    ));
                    c.content_dir = dir;
                    revision = Some(r.clone());
                }
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(shown, format!("versions: `{}`: {msg}", spec.name))
                            .at(line_of(&config_text(config), "ref", r, spec.line), 1)
                            .with_hint("`ref:` names a branch, a tag or a commit of the site's git repository"),
                    );
                    continue;
                }
            },
        }
        c.base_url.path = format!("{}{prefix}", config.base_url.path);
        // `edit_url` names files of the working tree: an old version's pages
        // have no "Edit this page" link.
        c.edit_url = None;
        // A language the version has no tree of (nor a forum source of) is
        // left out of it: no empty `/1.x/de/`, no entry in its switcher.
        let content = c.content_dir.clone();
        c.languages.retain_others(|l| {
            content.join(&l.code).is_dir()
                || config
                    .forum
                    .iter()
                    .any(|f| config.languages.of(&f.default_section).code == l.code)
        });
        out.push(Prepared {
            name: spec.name.clone(),
            latest: false,
            prefix,
            config: c,
            shown_as,
            revision,
        });
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    if out.is_empty() {
        // No `versions:`: the site is its own only version.
        out.push(Prepared {
            name: String::new(),
            latest: true,
            prefix: String::new(),
            config: config.clone(),
            shown_as: None,
            revision: None,
        });
    }
    Ok(out)
}

fn config_text(config: &Config) -> String {
    std::fs::read_to_string(&config.config_path).unwrap_or_default()
}

/// Write the `content/` folder of `reference` into the cache (once per tree:
/// a later build of the same tree reads what is there) and return it.
fn extract(config: &Config, reference: &str) -> Result<PathBuf, String> {
    let isolated = gix::open::Options::isolated();
    let trust = gix::sec::trust::Mapping {
        full: isolated.clone(),
        reduced: isolated,
    };
    let repo = gix::ThreadSafeRepository::discover_opts(&config.root, Default::default(), trust)
        .map_err(|_| "the site is not in a git repository, so `ref:` cannot be read".to_string())?
        .to_thread_local();
    let workdir = repo
        .workdir()
        .ok_or_else(|| "the site's git repository has no working tree".to_string())?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let rel = canon(&config.root)
        .strip_prefix(canon(workdir))
        .map(|p| p.join("content"))
        .map_err(|_| "the site is outside its git repository's working tree".to_string())?;
    let missing = || format!("no branch, tag or commit `{reference}` in the site's git repository");
    let commit = match repo.find_reference(reference) {
        Ok(mut r) => r.peel_to_id().map_err(|_| missing())?.detach(),
        Err(_) => {
            let id = gix::ObjectId::from_hex(reference.as_bytes()).map_err(|_| missing())?;
            repo.find_object(id).map_err(|_| missing())?.id
        }
    };
    let tree = repo
        .find_object(commit)
        .and_then(|o| o.peel_to_tree())
        .map_err(|_| format!("`{reference}` is not a commit"))?;
    let shown_rel = rel.display().to_string();
    let entry = tree
        .lookup_entry_by_path(&rel)
        .map_err(|e| format!("cannot read `{reference}`: {e}"))?
        .ok_or_else(|| format!("`{reference}` has no `{shown_rel}` folder"))?;
    let content = entry
        .object()
        .ok()
        .and_then(|o| o.try_into_tree().ok())
        .ok_or_else(|| format!("`{shown_rel}` is not a folder at `{reference}`"))?;
    let cache = config.root.join(".lorebook-cache").join("versions");
    let dest = cache.join(content.id.to_string());
    if dest.join(COMPLETE).is_file() {
        return Ok(dest);
    }
    let tmp = cache.join(format!("{}.tmp-{}", content.id, std::process::id()));
    let io = |e: std::io::Error| format!("cannot write `{}`: {e}", tmp.display());
    std::fs::create_dir_all(&tmp).map_err(io)?;
    write_tree(&repo, &content, &tmp, 0).map_err(|e| format!("cannot read `{reference}`: {e}"))?;
    std::fs::write(tmp.join(COMPLETE), b"").map_err(io)?;
    if std::fs::rename(&tmp, &dest).is_err() && !dest.join(COMPLETE).is_file() {
        return Err(format!("cannot write `{}`", dest.display()));
    }
    Ok(dest)
}

/// The marker of a finished extraction (hidden: the content walk skips it).
const COMPLETE: &str = ".lorebook-complete";

/// Files and folders of `tree` written under `dir`. Symbolic links and
/// submodules are left out; names that are not plain file names are too.
fn write_tree(
    repo: &gix::Repository,
    tree: &gix::Tree<'_>,
    dir: &Path,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Err("folders nested too deep".into());
    }
    for entry in tree.iter() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.inner.filename.to_string();
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            continue;
        }
        let mode = entry.inner.mode;
        let path = dir.join(&name);
        if mode.is_tree() {
            let sub = repo
                .find_object(entry.inner.oid)
                .map_err(|e| e.to_string())?
                .try_into_tree()
                .map_err(|e| e.to_string())?;
            std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
            write_tree(repo, &sub, &path, depth + 1)?;
        } else if mode.is_blob() {
            let blob = repo
                .find_object(entry.inner.oid)
                .map_err(|e| e.to_string())?;
            std::fs::write(&path, &blob.data).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// One version as the others see it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub prefix: String,
    pub latest: bool,
    /// Every URL the version publishes that a switcher may point at.
    pub urls: BTreeSet<String>,
}

/// What a version's pages know of every version: the switcher and the
/// banner (`render::versions`). Set on each version's `Site` by the build
/// once all are loaded.
#[derive(Debug, Clone)]
pub struct Placement {
    pub all: Arc<Vec<Entry>>,
    /// The index of the page's own version in `all`.
    pub own: usize,
    /// The site root's path (`/` or `/kb/`), for the 404 page's absolute links.
    pub root_path: String,
}

impl Placement {
    /// The version's own entry.
    pub fn current(&self) -> Option<&Entry> {
        self.all.get(self.own)
    }

    /// Where the page at `url` (relative to its version's root, in the
    /// language whose home is `lang_home`: `` or `de/`) is in `other`, from
    /// the whole site's root: the same page when that version has it, else
    /// its home in that language, else its home; and whether it had it.
    pub fn target(&self, url: &str, lang_home: &str, other: &Entry) -> (String, bool) {
        if other.urls.contains(url) {
            (format!("{}{url}", other.prefix), true)
        } else if !lang_home.is_empty() && other.urls.contains(lang_home) {
            (format!("{}{lang_home}", other.prefix), false)
        } else {
            (other.prefix.clone(), false)
        }
    }
}

/// The site root's `index.html` when the latest version is published under
/// an alias (`latest`, published at `prefix`): it sends readers there. A
/// script keeps the query and the fragment and the clean URL over HTTP;
/// without scripts, a meta refresh and a plain link to the folder's
/// `index.html`, which also works from `file://`. Search engines are told
/// the latest's home is the page to index (canonical; this one `noindex`).
pub fn root_index(config: &Config, latest: &str, prefix: &str) -> String {
    use crate::urls::escape_html;
    let file = escape_html(&format!("{prefix}index.html"));
    let title = escape_html(&config.title);
    let canonical = escape_html(&config.base_url.absolute(prefix));
    // `prefix` is a version name (letters, digits, `.`, `-`, `_`) and a
    // slash: nothing to escape inside the script's string.
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<link rel=\"canonical\" href=\"{canonical}\"><meta name=\"robots\" content=\"noindex\">\
<script>location.replace(\"{prefix}\"+(location.protocol===\"file:\"?\"index.html\":\"\")+location.search+location.hash)</script>\
<meta http-equiv=\"refresh\" content=\"0; url={file}\"></head>\
<body><p><a href=\"{file}\">{title} ({latest})</a></p></body></html>\n",
        lang = escape_html(&config.languages.default_language().code),
        latest = escape_html(latest),
    )
}
