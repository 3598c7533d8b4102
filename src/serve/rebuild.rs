//! The rebuild step `lorebook serve` runs after each batch of changes:
//! [`Rebuild`], what the watch loop calls (a closure is one), and
//! [`SiteRebuilder`], lorebook's, which keeps the model between rebuilds.
//!
//! - Config or contributors change, or anything that may
//!   add, remove or reorder pages: the core pipeline (`build::load` +
//!   `render::render`) into memory, with the theme reloaded only when asked.
//! - Template-only changes: the kept model rendered again with the reloaded
//!   theme, without reading content again.
//! - Body-only edits of existing pages (title, weight, tags, aliases and
//!   draft flag unchanged): only those pages are parsed again, replaced in
//!   the kept `Site`, and `render::render_affected` re-renders them with
//!   their sections, the tag pages, the sitemap and the feed; only the links
//!   on and to them are checked again (`links::check_affected`); the kept
//!   search indexes (`search::live::LiveIndexes`, one per language) re-analyze only those pages
//!   and re-deflates only the index files whose payload changed; the snapshot
//!   is patched.
//!
//! On sites whose index has at least [`DEFER_SEARCH_UNITS`] units, the search
//! part of a per-page edit is left to [`Rebuild::follow_up`]: the page reloads
//! first and the index files follow in a second, quiet snapshot update. That
//! update runs on its own thread (it takes seconds at 100,000 pages), so an
//! edit saved meanwhile is rebuilt and reloaded at once; its search document
//! waits for the next update. A full rebuild or a template edit first waits
//! for a running update (and keeps its result in the index it reuses).
//!
//! Git history is read again only when HEAD moved (checked with one
//! `git rev-parse` per full rebuild) or the config changed.
//!
//! Either way the served snapshot changes in one swap, so requests never see
//! a half-built site.

use std::path::Path;
use std::thread::JoinHandle;

use super::site_files::Update;
use super::watch::{ChangeKind, ChangeSet};
use crate::build::GitHistory;
use crate::config::Config;
use crate::content::{self, Page};
use crate::diagnostics::{has_errors, Diagnostic};
use crate::links::Backlinks;
use crate::output::OutputFile;
use crate::render::{RenderOptions, SearchIndex};
use crate::search::live::{IndexPatch, LiveIndexes};
use crate::search::SearchDoc;
use crate::site::Site;
use crate::theme::Theme;

/// The result a rebuild closure returns.
pub type RebuildResult = Result<Update, Vec<Diagnostic>>;

/// What the watch loop runs after each batch of changes.
pub trait Rebuild {
    /// The update for `changes` (published at once, with a reload).
    fn rebuild(&mut self, changes: &ChangeSet) -> RebuildResult;

    /// Work left over from the last rebuild, published after it without a
    /// reload (files no page shows by itself, such as the search index).
    /// It may run in the background: `None` while it is not ready, with
    /// [`Rebuild::follow_up_busy`] saying to ask again.
    fn follow_up(&mut self) -> Option<RebuildResult> {
        None
    }

    /// Whether a follow-up is running or waiting to start (the watch loop
    /// keeps asking [`Rebuild::follow_up`] until it is not).
    fn follow_up_busy(&self) -> bool {
        false
    }
}

impl<F: FnMut(&ChangeSet) -> RebuildResult> Rebuild for F {
    fn rebuild(&mut self, changes: &ChangeSet) -> RebuildResult {
        self(changes)
    }
}

/// Index size (units, about five per page) from which a per-page edit updates
/// the search index after the reload instead of before it: re-weighing the
/// collection is linear in its postings (docs/content/benchmarks.md,
/// "Preview server").
pub const DEFER_SEARCH_UNITS: usize = 20_000;

/// What a search update thread gives back: the index, and the patch (`None`
/// when a document was not in the index as expected).
type SearchJobResult = (LiveIndexes, Option<IndexPatch>);

/// Keeps what survives between rebuilds.
pub struct SiteRebuilder {
    config: Config,
    theme: Option<Theme>,
    /// The model of the snapshot being served, when it is known to match.
    site: Option<Site>,
    /// Who links to whom in `site` (kept with it).
    backlinks: Backlinks,
    /// The search index of `site`, when search is on (kept with it).
    search: Option<LiveIndexes>,
    /// Edited pages' search documents waiting for [`Rebuild::follow_up`].
    pending_search: Vec<SearchDoc>,
    /// A search index update running on its own thread; it holds the index
    /// (`search` is `None` meanwhile) and gives it back when done.
    search_job: Option<JoinHandle<SearchJobResult>>,
    /// Index size from which search updates are deferred (tests lower it).
    pub defer_search_units: usize,
    /// Git history and the HEAD commit it was read at.
    history: Option<(String, GitHistory)>,
    /// How many times git history was read (tests use it).
    pub history_reads: usize,
    /// Warnings already printed, so each is shown once per change.
    last_warnings: Vec<Diagnostic>,
    /// Whether the last rebuild took the per-page path.
    pub last_was_incremental: bool,
}

impl SiteRebuilder {
    pub fn new(config: Config) -> SiteRebuilder {
        SiteRebuilder {
            config,
            theme: None,
            site: None,
            backlinks: Backlinks::default(),
            search: None,
            pending_search: Vec::new(),
            search_job: None,
            defer_search_units: DEFER_SEARCH_UNITS,
            history: None,
            history_reads: 0,
            last_warnings: Vec::new(),
            last_was_incremental: false,
        }
    }

    /// Rebuild after `changes` (the first call gets [`ChangeSet::full`]).
    pub fn rebuild(&mut self, changes: &ChangeSet) -> Result<Update, Vec<Diagnostic>> {
        self.last_was_incremental = false;
        if changes.kinds.contains(&ChangeKind::Config) {
            self.site = None;
            self.history = None;
            self.config = self.config.reload()?;
            self.theme = None;
        }
        if changes.kinds.contains(&ChangeKind::Template) {
            self.theme = None;
        }
        let theme = match self.theme.take() {
            Some(theme) => theme,
            None => Theme::load(&self.config)?,
        };
        let templates_only = changes.kinds.iter().all(|k| *k == ChangeKind::Template);
        let result = match self.pages_only(changes) {
            _ if templates_only && !changes.is_empty() && self.site.is_some() => {
                self.rerender(&theme)
            }
            Some(pages) if self.site.is_some() => match self.incremental(&theme, &pages) {
                Some(result) => {
                    self.last_was_incremental = true;
                    result
                }
                None => self.full(&theme),
            },
            _ => self.full(&theme),
        };
        self.theme = Some(theme);
        result
    }

    /// The changed pages, when a batch holds nothing but page edits.
    fn pages_only<'a>(&self, changes: &'a ChangeSet) -> Option<Vec<&'a Path>> {
        changes
            .kinds
            .iter()
            .map(|k| match k {
                ChangeKind::Page(p) => Some(p.as_path()),
                _ => None,
            })
            .collect()
    }

    fn full(&mut self, theme: &Theme) -> Result<Update, Vec<Diagnostic>> {
        // The index is rebuilt from scratch: a running update is not needed.
        let _ = self.settle_search_job();
        self.site = None;
        self.search = None;
        self.pending_search.clear();
        let head = crate::contributors::git::head_id(&self.config.content_dir);
        let known = match (&self.history, &head) {
            (Some((at, history)), Some(head)) if at == head => Some(history.clone()),
            _ => None,
        };
        if known.is_none() {
            self.history_reads += 1;
        }
        let (history, loaded) = crate::build::load_with_history(&self.config, known);
        self.history = head.map(|h| (h, history));
        let (site, warnings) = loaded?;
        let (files, search) = render_with_search(&site, theme, None)?;
        self.show_warnings(warnings);
        self.backlinks = Backlinks::new(&site);
        self.search = search;
        self.site = Some(site);
        Ok(Update::Full(files))
    }

    /// A template edit: the kept model rendered again with the new theme
    /// (content is not read again; the search index is reused).
    fn rerender(&mut self, theme: &Theme) -> Result<Update, Vec<Diagnostic>> {
        // The reused index must hold every edit: wait for a running update.
        if !self.settle_search_job() {
            return self.full(theme);
        }
        let Some(site) = self.site.as_ref() else {
            return self.full(theme);
        };
        let (files, search) = render_with_search(site, theme, self.search.take())?;
        self.search = search;
        Ok(Update::Full(files))
    }

    /// `None` when the edit needs the full pipeline.
    fn incremental(
        &mut self,
        theme: &Theme,
        pages: &[&Path],
    ) -> Option<Result<Update, Vec<Diagnostic>>> {
        let site = self.site.as_mut()?;
        let mut opts = content::markdown_options(&self.config, &site.paths);
        opts.writing = Some(site.writing.clone());
        let mut replaced = Vec::new();
        // Whether a listing (sections, tags, sitemap, feed) shows something new.
        let mut listings = false;
        for rel in pages {
            let rel = rel.to_str()?.replace('\\', "/");
            let index = site.pages.iter().position(|p| p.source == rel)?;
            let old = site.pages.get(index)?;
            let text = std::fs::read_to_string(self.config.content_dir.join(&rel)).ok()?;
            let loaded = match content::parse_page(&text, &rel, &old.shown_path, &opts) {
                Ok(loaded) if !has_errors(&loaded.diagnostics) => loaded,
                // The page stays as it was in the model: the next good edit
                // replaces it.
                Ok(loaded) => return Some(Err(loaded.diagnostics)),
                Err(d) => return Some(Err(vec![d])),
            };
            let page = Page::from_loaded(loaded);
            let same_shape = page.title == old.title
                && page.front.weight == old.front.weight
                && page.front.tags == old.front.tags
                && page.front.aliases == old.front.aliases
                && page.front.draft == old.front.draft
                && page.url == old.url;
            if !same_shape {
                return None;
            }
            listings |= page.description != old.description
                || page.front.date != old.front.date
                || page.front.reviewed != old.front.reviewed;
            replaced.push((index, page));
        }
        let mut indexes = Vec::new();
        for (index, page) in replaced {
            if let Some(slot) = site.pages.get_mut(index) {
                self.backlinks
                    .replace(&page.source, &slot.rendered, &page.rendered);
                *slot = page;
                indexes.push(index);
            }
        }
        let sources: Vec<&str> = indexes
            .iter()
            .filter_map(|&i| site.pages.get(i))
            .map(|p| p.source.as_str())
            .collect();
        let docs: Vec<_> = indexes
            .iter()
            .filter_map(|&i| site.pages.get(i))
            .map(|p| crate::search::site::page_doc(site, p))
            .collect();
        // While an update runs, the index is away: this edit's document
        // waits for the next one.
        let defer = self.search_job.is_some()
            || self
                .search
                .as_ref()
                .is_some_and(|s| s.sections() >= self.defer_search_units);
        let docs = if defer {
            self.pending_search.extend(docs);
            Vec::new()
        } else {
            docs
        };
        let search = self.search.as_mut().filter(|_| !defer);
        let site: &Site = site;
        let ((link_diags, rendered), index_patch) = rayon::join(
            || {
                rayon::join(
                    || crate::links::check_affected(site, &self.backlinks, &sources),
                    || crate::render::render_affected(site, theme, &indexes, listings),
                )
            },
            || search.map(|s| s.replace(&docs)),
        );
        let failed = |me: &mut Self, d| {
            // The model now holds the edited pages; the next build starts over.
            let _ = me.settle_search_job();
            me.site = None;
            me.search = None;
            me.pending_search.clear();
            Some(Err(d))
        };
        if has_errors(&link_diags) {
            return failed(self, link_diags);
        }
        let mut files = match rendered {
            Ok(files) => files,
            Err(d) => return failed(self, d),
        };
        let mut remove = Vec::new();
        match index_patch {
            // Search is off.
            None => {}
            Some(Some(patch)) => {
                files.extend(patch.write);
                remove = patch.remove;
            }
            // The page was not in the index as expected: start over.
            Some(None) => {
                self.site = None;
                self.search = None;
                self.pending_search.clear();
                return None;
            }
        }
        Some(Ok(Update::Patch {
            write: files,
            remove,
        }))
    }

    /// The deferred search update, if a per-page edit left one, waited for
    /// (the watch loop polls [`Rebuild::follow_up`] instead).
    pub fn search_follow_up(&mut self) -> Option<RebuildResult> {
        self.start_search_job();
        let job = self.search_job.take()?;
        Some(self.finish_search_job(job.join()))
    }

    /// Start updating the index with the pending documents on a thread, if
    /// there are any and no update is running.
    fn start_search_job(&mut self) {
        if self.search_job.is_some() || self.pending_search.is_empty() {
            return;
        }
        let Some(mut live) = self.search.take() else {
            // Search is off or the index is gone (a full build follows).
            self.pending_search.clear();
            return;
        };
        let docs = std::mem::take(&mut self.pending_search);
        let job = std::thread::Builder::new()
            .name("serve-search".into())
            .spawn(move || {
                let patch = live.replace(&docs);
                (live, patch)
            });
        match job {
            Ok(job) => self.search_job = Some(job),
            // No thread: the next full build makes a new index.
            Err(_) => self.site = None,
        }
    }

    /// The non-blocking [`Rebuild::follow_up`]: the finished update's patch,
    /// or `None` while it runs (or after starting one).
    fn poll_search_job(&mut self) -> Option<RebuildResult> {
        match self.search_job.take() {
            Some(job) if job.is_finished() => Some(self.finish_search_job(job.join())),
            Some(job) => {
                self.search_job = Some(job);
                None
            }
            None => {
                self.start_search_job();
                None
            }
        }
    }

    fn finish_search_job(&mut self, joined: std::thread::Result<SearchJobResult>) -> RebuildResult {
        match joined {
            Ok((live, Some(patch))) => {
                self.search = Some(live);
                Ok(Update::Patch {
                    write: patch.write,
                    remove: patch.remove,
                })
            }
            // Not indexed as expected (or the thread failed): rebuild all.
            _ => {
                let theme = match self.theme.take() {
                    Some(theme) => theme,
                    None => Theme::load(&self.config)?,
                };
                let result = self.full(&theme);
                self.theme = Some(theme);
                result
            }
        }
    }

    /// Wait for a running index update and keep its index (its patch is
    /// covered by the caller's update). `false` when the index it held is
    /// not usable (a document was missing or the thread failed): the model
    /// is then dropped, so the next rebuild is a full one.
    fn settle_search_job(&mut self) -> bool {
        let Some(job) = self.search_job.take() else {
            return true;
        };
        match job.join() {
            Ok((live, Some(_))) => {
                self.search = Some(live);
                true
            }
            _ => {
                self.site = None;
                self.search = None;
                self.pending_search.clear();
                false
            }
        }
    }

    fn show_warnings(&mut self, warnings: Vec<Diagnostic>) {
        if warnings != self.last_warnings {
            for w in &warnings {
                eprintln!("{w}");
            }
            self.last_warnings = warnings;
        }
    }
}

impl Rebuild for SiteRebuilder {
    fn rebuild(&mut self, changes: &ChangeSet) -> RebuildResult {
        SiteRebuilder::rebuild(self, changes)
    }

    fn follow_up(&mut self) -> Option<RebuildResult> {
        self.poll_search_job()
    }

    fn follow_up_busy(&self) -> bool {
        self.search_job.is_some() || !self.pending_search.is_empty()
    }
}

/// `render::render` with the search index built (or reused from `kept`) as a
/// [`LiveIndexes`] (one per language) beside it, in parallel; the files are those of a full build.
fn render_with_search(
    site: &Site,
    theme: &Theme,
    kept: Option<LiveIndexes>,
) -> Result<(Vec<OutputFile>, Option<LiveIndexes>), Vec<Diagnostic>> {
    let search_on = site.config.search.enabled;
    // The index files come from the live index instead of the render.
    let opts = RenderOptions {
        search_index: SearchIndex::Omit,
    };
    let (files, search) = rayon::join(
        || crate::render::render_with_options(site, theme, opts),
        || match kept {
            Some(live) => Some(live),
            None if search_on => Some(LiveIndexes::new(
                &site.config.languages,
                crate::search::site::site_docs(site),
            )),
            None => None,
        },
    );
    let mut files = files?;
    let search = search.filter(|_| search_on);
    if let Some(live) = &search {
        files.extend(live.files());
    }
    Ok((files, search))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::output::Contents;
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::process::Command;

    fn git(root: &Path, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args([
                "-c",
                "user.name=Ann Author",
                "-c",
                "user.email=ann@example.com",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}");
    }

    fn site(pages: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/guide")).expect("mkdir");
        std::fs::write(root.join("lorebook.yaml"), "title: Test\n").expect("config");
        for i in 0..pages {
            std::fs::write(
                root.join(format!("content/guide/p{i:02}.md")),
                format!(
                    "---\ntitle: Page {i}\ntags: [t{}]\n---\nAbout topic{i} and shared words.\n\n## Details\n\nMore text {i}.\n",
                    i % 3
                ),
            )
            .expect("page");
        }
        (dir, root)
    }

    fn rebuilder(root: &Path) -> SiteRebuilder {
        SiteRebuilder::new(Config::load(root, &Overrides::default()).expect("config"))
    }

    fn section_change() -> ChangeSet {
        ChangeSet {
            kinds: [ChangeKind::Section(PathBuf::from("guide"))].into(),
        }
    }

    fn page_change(rel: &str) -> ChangeSet {
        ChangeSet {
            kinds: [ChangeKind::Page(PathBuf::from(rel))].into(),
        }
    }

    /// Path -> bytes of the files under `search/` after applying `updates`.
    fn search_files(updates: Vec<Update>) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        for update in updates {
            match update {
                Update::Full(all) => {
                    files.clear();
                    for f in all {
                        files.insert(f.path, f.contents);
                    }
                }
                Update::Patch { write, remove } => {
                    for p in remove {
                        assert!(files.remove(&p).is_some(), "removes a served file: {p:?}");
                    }
                    for f in write {
                        files.insert(f.path, f.contents);
                    }
                }
            }
        }
        files
            .into_iter()
            .filter(|(p, _)| p.starts_with("search"))
            .map(|(p, c)| match c {
                Contents::Bytes(b) => (p, b),
                Contents::Copy(src) => (p, src.to_string_lossy().into_owned().into_bytes()),
            })
            .collect()
    }

    #[test]
    fn a_body_edit_patches_the_search_index_to_what_a_full_build_serves() {
        let (_dir, root) = site(12);
        let mut rb = rebuilder(&root);
        let first = rb.rebuild(&ChangeSet::full()).expect("first build");
        let before = search_files(vec![first.clone()]);
        std::fs::write(
            root.join("content/guide/p03.md"),
            "---\ntitle: Page 3\ntags: [t0]\n---\nNow about zebrafish instead.\n\n## Details\n\nMore text 3.\n",
        )
        .expect("edit");
        let patch = rb
            .rebuild(&page_change("guide/p03.md"))
            .expect("edit builds");
        assert!(
            rb.last_was_incremental,
            "a body edit takes the per-page path"
        );
        let Update::Patch { remove, .. } = &patch else {
            panic!("a body edit patches the snapshot");
        };
        assert!(!remove.is_empty(), "stale index files are removed");
        let served = search_files(vec![first, patch]);
        let fresh = full_build_search(&root);
        assert_ne!(served, before, "the index changed");
        assert_eq!(
            served.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>()
        );
        assert!(
            served == fresh,
            "served index files differ from a full build"
        );
        // And the full build equals what `lorebook build` renders.
        let config = Config::load(&root, &Overrides::default()).expect("config");
        let (_, files, _) = crate::build::render_all(&config).expect("render");
        assert!(fresh == search_files(vec![Update::Full(files)]));
    }

    #[test]
    fn a_body_edit_rechecks_links_on_the_page_and_links_to_it() {
        let (_dir, root) = site(3);
        std::fs::write(
            root.join("content/guide/linker.md"),
            "---\ntitle: Linker\n---\nSee [details](p01.md#details).\n",
        )
        .expect("page");
        let mut rb = rebuilder(&root);
        rb.rebuild(&ChangeSet::full()).expect("first build");
        // The target loses the heading another page links to.
        std::fs::write(
            root.join("content/guide/p01.md"),
            "---\ntitle: Page 1\ntags: [t1]\n---\nNo more details.\n",
        )
        .expect("edit");
        let errors = rb
            .rebuild(&page_change("guide/p01.md"))
            .expect_err("a broken anchor fails");
        assert!(rb.last_was_incremental);
        let shown: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert!(
            shown
                .iter()
                .any(|d| d.contains("linker.md") && d.contains("#details")),
            "{shown:?}"
        );
        // The edited page's own links are checked too.
        let mut rb = rebuilder(&root);
        std::fs::write(
            root.join("content/guide/p01.md"),
            "---\ntitle: Page 1\ntags: [t1]\n---\nNo more details.\n\n## Details\n\nx\n",
        )
        .expect("restore");
        rb.rebuild(&ChangeSet::full()).expect("good again");
        std::fs::write(
            root.join("content/guide/p02.md"),
            "---\ntitle: Page 2\ntags: [t2]\n---\nSee [missing](nowhere.md).\n",
        )
        .expect("edit");
        let errors = rb
            .rebuild(&page_change("guide/p02.md"))
            .expect_err("a link to a missing page fails");
        assert!(errors
            .iter()
            .any(|d| d.to_string().contains("p02.md") && d.to_string().contains("nowhere.md")));
    }

    /// Every served file after applying `updates`, by path.
    fn served(updates: Vec<Update>) -> BTreeMap<PathBuf, Contents> {
        let mut files = BTreeMap::new();
        for update in updates {
            match update {
                Update::Full(all) => {
                    files = all.into_iter().map(|f| (f.path, f.contents)).collect();
                }
                Update::Patch { write, remove } => {
                    for p in remove {
                        assert!(files.remove(&p).is_some(), "removes a served file: {p:?}");
                    }
                    files.extend(write.into_iter().map(|f| (f.path, f.contents)));
                }
            }
        }
        files
    }

    #[test]
    fn a_translated_page_edit_stays_incremental_and_patches_its_language_index() {
        let (_dir, root) = site(3);
        std::fs::write(
            root.join("lorebook.yaml"),
            "title: Test\nlanguages:\n  de: {}\n",
        )
        .expect("config");
        std::fs::create_dir_all(root.join("content/de/guide")).expect("mkdir");
        let german = |body: &str| format!("---\ntitle: Seite 1\n---\n{body}\n");
        std::fs::write(
            root.join("content/de/guide/p01.md"),
            german("Über Fahrräder."),
        )
        .expect("page");
        let mut rb = rebuilder(&root);
        let first = rb.rebuild(&ChangeSet::full()).expect("first build");
        let Update::Full(all) = &first else {
            panic!("a full build first");
        };
        for f in [
            "de/guide/p01/index.html",
            "de/search/index.js",
            "search/index.js",
        ] {
            assert!(all.iter().any(|o| o.path == Path::new(f)), "serves {f}");
        }
        std::fs::write(
            root.join("content/de/guide/p01.md"),
            german("Über Zahnbürsten."),
        )
        .expect("edit");
        let patch = rb
            .rebuild(&page_change("de/guide/p01.md"))
            .expect("edit builds");
        assert!(
            rb.last_was_incremental,
            "a translated page's body edit is per page"
        );
        let Update::Patch { write, remove } = &patch else {
            panic!("a patch");
        };
        assert!(write
            .iter()
            .any(|f| f.path == Path::new("de/guide/p01/index.html")));
        // Only the German index changed.
        for p in write.iter().map(|f| &f.path).chain(remove) {
            assert!(!p.starts_with("search"), "{p:?} is in the English index");
        }
        assert!(write.iter().any(|f| f.path.starts_with("de/search")));
        // What is served is what a full build serves.
        let index = |files: BTreeMap<PathBuf, Contents>| -> BTreeMap<PathBuf, Contents> {
            files
                .into_iter()
                .filter(|(p, _)| p.to_string_lossy().contains("search/"))
                .collect()
        };
        let now = index(served(vec![first, patch]));
        let fresh = index(served(vec![rebuilder(&root)
            .rebuild(&ChangeSet::full())
            .expect("fresh build")]));
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>()
        );
        assert!(now == fresh, "served index differs from a full build");
        // And the live German index is stemmed in German, like the built one.
        let Some(Contents::Bytes(root_js)) = now.get(Path::new("de/search/index.js")) else {
            panic!("a German index root");
        };
        let (_, root_json) =
            crate::search::shards::read(&String::from_utf8_lossy(root_js)).expect("an index file");
        assert!(
            String::from_utf8_lossy(&root_json).contains("\"langs\":[\"de\"]"),
            "{}",
            String::from_utf8_lossy(&root_json)
        );
    }

    #[test]
    fn on_a_large_site_the_search_update_follows_the_page_update() {
        let (_dir, root) = site(12);
        let mut rb = rebuilder(&root);
        rb.defer_search_units = 1;
        let first = rb.rebuild(&ChangeSet::full()).expect("first build");
        assert!(
            rb.search_follow_up().is_none(),
            "nothing deferred by a full build"
        );
        std::fs::write(
            root.join("content/guide/p05.md"),
            "---\ntitle: Page 5\ntags: [t2]\n---\nNow about zebrafish.\n",
        )
        .expect("edit");
        let pages = rb
            .rebuild(&page_change("guide/p05.md"))
            .expect("edit builds");
        assert!(rb.last_was_incremental);
        let Update::Patch { write, remove } = &pages else {
            panic!("a patch");
        };
        assert!(remove.is_empty());
        assert!(write.iter().all(|f| !f.path.starts_with("search")));
        let search = rb
            .search_follow_up()
            .expect("the search update follows")
            .expect("it builds");
        assert!(rb.search_follow_up().is_none(), "only once");
        let served = search_files(vec![first, pages, search]);
        let fresh = full_build_search(&root);
        assert!(
            served == fresh,
            "served index files differ from a full build"
        );
    }

    #[test]
    fn a_body_edit_that_keeps_description_and_dates_renders_only_the_page() {
        let (_dir, root) = site(3);
        let page = |body: &str| {
            format!("---\ntitle: Page 0\ndescription: Fixed\ntags: [t0]\n---\n{body}\n")
        };
        std::fs::write(root.join("content/guide/p00.md"), page("First.")).expect("page");
        let mut rb = rebuilder(&root);
        rb.defer_search_units = usize::MAX;
        rb.rebuild(&ChangeSet::full()).expect("first build");
        std::fs::write(root.join("content/guide/p00.md"), page("Second.")).expect("edit");
        let Ok(Update::Patch { write, .. }) = rb.rebuild(&page_change("guide/p00.md")) else {
            panic!("a patch");
        };
        let html: Vec<String> = write
            .iter()
            .filter(|f| !f.path.starts_with("search"))
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect();
        // The page, its Markdown copy and the full copy for machines (issue 21).
        assert_eq!(
            html,
            [
                "guide/p00/index.html",
                "guide/p00/index.md",
                "llms-full.txt"
            ]
        );
        // A new description shows in listings: they are rendered again.
        std::fs::write(
            root.join("content/guide/p00.md"),
            page("Third.").replace("Fixed", "Changed"),
        )
        .expect("edit");
        let Ok(Update::Patch { write, .. }) = rb.rebuild(&page_change("guide/p00.md")) else {
            panic!("a patch");
        };
        let paths: Vec<String> = write
            .iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect();
        for expected in [
            "guide/index.html",
            "sitemap.xml",
            "atom.xml",
            "tags/t0/index.html",
        ] {
            assert!(
                paths.iter().any(|p| p == expected),
                "{expected} in {paths:?}"
            );
        }
    }

    /// The search files a fresh full build of `root` serves.
    fn full_build_search(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        search_files(vec![rebuilder(root)
            .rebuild(&ChangeSet::full())
            .expect("full build")])
    }

    /// Give the site a page template of its own and rebuild for it.
    fn edit_template(root: &Path, rb: &mut SiteRebuilder) -> Update {
        std::fs::create_dir_all(root.join("templates")).expect("mkdir");
        std::fs::write(
            root.join("templates/page.html"),
            "<html><body>{{ page.title }}</body></html>",
        )
        .expect("template");
        rb.rebuild(&ChangeSet {
            kinds: [ChangeKind::Template].into(),
        })
        .expect("rerender")
    }

    /// Polls the background search update until it publishes.
    fn next_follow_up(rb: &mut SiteRebuilder) -> Update {
        for _ in 0..6000 {
            if let Some(result) = Rebuild::follow_up(rb) {
                return result.expect("the search update builds");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("no search update after 30 s");
    }

    #[test]
    fn an_edit_saved_while_the_search_update_runs_is_rebuilt_and_indexed_next() {
        let (_dir, root) = site(12);
        let mut rb = rebuilder(&root);
        rb.defer_search_units = 1;
        let first = rb.rebuild(&ChangeSet::full()).expect("first build");
        let edit = |n: u32, words: &str| {
            std::fs::write(
                root.join(format!("content/guide/p{n:02}.md")),
                format!("---\ntitle: Page {n}\ntags: [t{}]\n---\n{words}\n", n % 3),
            )
            .expect("edit");
        };
        edit(5, "Now about zebrafish.");
        let e1 = rb.rebuild(&page_change("guide/p05.md")).expect("edit 1");
        // The first poll starts the update on its thread and returns at once.
        assert!(Rebuild::follow_up(&mut rb).is_none());
        assert!(rb.search_job.is_some() && rb.follow_up_busy());
        // A save meanwhile: rebuilt per page without the index (which the
        // running update holds), its document left for the next update.
        edit(6, "Now about axolotls.");
        let e2 = rb.rebuild(&page_change("guide/p06.md")).expect("edit 2");
        assert!(rb.last_was_incremental);
        assert!(rb.search_job.is_some(), "the rebuild did not wait for it");
        let Update::Patch { write, .. } = &e2 else {
            panic!("a patch");
        };
        assert!(write.iter().all(|f| !f.path.starts_with("search")));
        assert!(write
            .iter()
            .any(|f| f.path == Path::new("guide/p06/index.html")));
        let s1 = next_follow_up(&mut rb);
        assert!(rb.follow_up_busy(), "the second edit is still to index");
        let s2 = next_follow_up(&mut rb);
        assert!(!rb.follow_up_busy());
        assert!(Rebuild::follow_up(&mut rb).is_none(), "nothing left");
        let served = search_files(vec![first, e1, s1, e2, s2]);
        let fresh = full_build_search(&root);
        assert!(served == fresh, "served index differs from a full build");
    }

    #[test]
    fn a_template_edit_during_a_search_update_serves_the_updated_index() {
        let (_dir, root) = site(12);
        let mut rb = rebuilder(&root);
        rb.defer_search_units = 1;
        rb.rebuild(&ChangeSet::full()).expect("first build");
        std::fs::write(
            root.join("content/guide/p05.md"),
            "---\ntitle: Page 5\ntags: [t2]\n---\nNow about zebrafish.\n",
        )
        .expect("edit");
        rb.rebuild(&page_change("guide/p05.md")).expect("edit");
        assert!(Rebuild::follow_up(&mut rb).is_none());
        assert!(rb.search_job.is_some());
        let again = edit_template(&root, &mut rb);
        assert!(rb.search_job.is_none() && !rb.follow_up_busy());
        let fresh = full_build_search(&root);
        assert!(search_files(vec![again]) == fresh);
    }

    #[test]
    fn a_template_edit_keeps_the_search_index() {
        let (_dir, root) = site(4);
        let mut rb = rebuilder(&root);
        let first = rb.rebuild(&ChangeSet::full()).expect("first build");
        let again = edit_template(&root, &mut rb);
        let served = search_files(vec![again]);
        assert!(served.contains_key(Path::new("search/index.js")));
        assert!(served.contains_key(Path::new("search/index.html")));
        assert!(served == search_files(vec![first]));
    }

    #[test]
    fn git_history_is_read_again_only_when_head_moves() {
        let (_dir, root) = site(2);
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "first"]);
        let mut rb = rebuilder(&root);
        rb.rebuild(&ChangeSet::full()).expect("first build");
        assert_eq!(rb.history_reads, 1);
        rb.rebuild(&section_change()).expect("second build");
        assert_eq!(rb.history_reads, 1, "HEAD did not move: history reused");
        let people = |rb: &SiteRebuilder| -> Vec<String> {
            rb.site
                .as_ref()
                .map(|s| {
                    s.contributors
                        .people
                        .iter()
                        .map(|p| p.name.clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(people(&rb), ["Ann Author"]);

        std::fs::write(
            root.join("content/guide/new.md"),
            "---\ntitle: New\n---\nNew.\n",
        )
        .expect("page");
        git(&root, &["add", "-A"]);
        let out = Command::new("git")
            .current_dir(&root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args([
                "-c",
                "user.name=Bo Builder",
                "-c",
                "user.email=bo@example.com",
            ])
            .args(["commit", "-q", "-m", "second"])
            .output()
            .expect("git");
        assert!(out.status.success());
        rb.rebuild(&section_change()).expect("third build");
        assert_eq!(rb.history_reads, 2, "a new commit is read");
        let mut names = people(&rb);
        names.sort();
        assert_eq!(names, ["Ann Author", "Bo Builder"]);
    }
}
