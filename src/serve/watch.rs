//! File watching for `lorebook serve`: the pure core that turns changed paths
//! into [`ChangeKind`]s ([`classify`]) and groups bursts of events into one
//! [`ChangeSet`] ([`Debouncer`]), plus the thin notify wiring around them
//! ([`Watcher`]).
//!
//! An editor that saves through a temporary file and a rename produces several
//! events within a few milliseconds; the debouncer waits for a short quiet
//! period so such a save yields exactly one rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where the watched inputs of a site live. All paths are absolute or all
/// relative to the same directory; [`classify`] only compares prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub root: PathBuf,
    pub config_file: PathBuf,
    pub contributors_file: PathBuf,
    pub content_dir: PathBuf,
    pub static_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub themes_dir: PathBuf,
    /// `snippets/`: files pages include.
    pub snippets_dir: PathBuf,
    /// `i18n/`: the site's theme strings per language.
    pub strings_dir: PathBuf,
    /// Forum export files or folders named in the config.
    pub forum_paths: Vec<PathBuf>,
    pub output_dir: PathBuf,
}

impl Layout {
    /// The conventional layout of a site rooted at `root` (see SPEC.md).
    pub fn conventional(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
            config_file: root.join(crate::config::CONFIG_FILE),
            contributors_file: root.join("contributors.yaml"),
            content_dir: root.join("content"),
            static_dir: root.join("static"),
            templates_dir: root.join("templates"),
            themes_dir: root.join("themes"),
            snippets_dir: root.join(crate::writing::SNIPPETS_DIR),
            strings_dir: root.join(crate::theme::SITE_STRINGS_DIR),
            forum_paths: vec![root.join("forum"), root.join("answers.yaml")],
            output_dir: root.join("public"),
        }
    }

    /// The layout a resolved configuration describes.
    pub fn from_config(config: &crate::config::Config) -> Layout {
        let mut forum_paths: Vec<PathBuf> = config.forum.iter().map(|f| f.path.clone()).collect();
        forum_paths.push(config.root.join("forum"));
        // Writers' notes on imported answers change answer pages like an export.
        forum_paths.push(config.root.join("answers.yaml"));
        forum_paths.sort();
        forum_paths.dedup();
        Layout {
            root: config.root.clone(),
            config_file: config.config_path.clone(),
            contributors_file: config.contributors.file.clone(),
            content_dir: config.content_dir.clone(),
            static_dir: config.static_dir.clone(),
            templates_dir: config.templates_dir.clone(),
            themes_dir: config.themes_dir.clone(),
            snippets_dir: config.root.join(crate::writing::SNIPPETS_DIR),
            strings_dir: config.root.join(crate::theme::SITE_STRINGS_DIR),
            forum_paths,
            output_dir: config.output_dir.clone(),
        }
    }

    /// Folders to watch recursively (those that exist are watched; the root is
    /// watched non-recursively for the config and contributors files).
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![
            self.content_dir.clone(),
            self.static_dir.clone(),
            self.templates_dir.clone(),
            self.themes_dir.clone(),
            self.snippets_dir.clone(),
            self.strings_dir.clone(),
        ];
        dirs.extend(self.forum_paths.iter().cloned());
        dirs.sort();
        dirs.dedup();
        dirs
    }
}

/// What one changed path means for the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A Markdown page under `content/` (path relative to `content/`).
    Page(PathBuf),
    /// A section: its `_index.md` or a folder under `content/` (relative path).
    Section(PathBuf),
    /// `lorebook.yaml`.
    Config,
    /// The contributors file.
    Contributors,
    /// A site template, a site strings file (`i18n/`), or anything in a
    /// theme but its static files.
    Template,
    /// A file copied as is (path relative to the site root).
    Static(PathBuf),
    /// A forum export.
    Forum,
    /// A file of `snippets/`: every page that includes it is rendered
    /// again (a full rebuild, which reads the snippets afresh).
    Snippet,
    /// Editor temp files, the output folder, `.git`, anything unrelated.
    Ignored,
}

impl ChangeKind {
    /// True when this change invalidates every page (config, templates,
    /// contributors credited on every page).
    pub fn needs_full_rebuild(&self) -> bool {
        matches!(
            self,
            ChangeKind::Config
                | ChangeKind::Template
                | ChangeKind::Contributors
                | ChangeKind::Snippet
        )
    }
}

/// The changes of one debounced batch, deduplicated and sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub kinds: BTreeSet<ChangeKind>,
}

impl ChangeSet {
    /// The set that asks for a full build (used for the first build).
    pub fn full() -> ChangeSet {
        ChangeSet {
            kinds: BTreeSet::from([ChangeKind::Config]),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// True when config, templates or contributors changed.
    pub fn needs_full_rebuild(&self) -> bool {
        self.kinds.iter().any(ChangeKind::needs_full_rebuild)
    }

    /// Changed pages and section files, relative to `content/`.
    pub fn content_paths(&self) -> Vec<&Path> {
        self.kinds
            .iter()
            .filter_map(|k| match k {
                ChangeKind::Page(p) | ChangeKind::Section(p) => Some(p.as_path()),
                _ => None,
            })
            .collect()
    }
}

/// Classify one changed path. Pure: looks only at the path, never the disk.
pub fn classify(path: &Path, layout: &Layout) -> ChangeKind {
    if is_editor_noise(path) || path.starts_with(&layout.output_dir) {
        return ChangeKind::Ignored;
    }
    // Anything inside a hidden folder of the site (`.git`, `.cache`, ...).
    if let Ok(rel) = path.strip_prefix(&layout.root) {
        if rel.components().any(|c| is_hidden(c.as_os_str())) {
            return ChangeKind::Ignored;
        }
    }
    if path == layout.config_file {
        return ChangeKind::Config;
    }
    if path == layout.contributors_file {
        return ChangeKind::Contributors;
    }
    if let Ok(rel) = path.strip_prefix(&layout.content_dir) {
        if rel.as_os_str().is_empty() {
            return ChangeKind::Section(PathBuf::new());
        }
        let file_name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        return match rel.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("md") => {
                if file_name == "_index.md" {
                    ChangeKind::Section(rel.to_path_buf())
                } else {
                    ChangeKind::Page(rel.to_path_buf())
                }
            }
            // A folder (added, removed or renamed section).
            None => ChangeKind::Section(rel.to_path_buf()),
            // Images and other files kept next to pages are copied as is.
            Some(_) => ChangeKind::Static(relative_to_root(path, layout)),
        };
    }
    // Theme strings are part of the theme: pages are rendered again.
    if path.starts_with(&layout.templates_dir) || path.starts_with(&layout.strings_dir) {
        return ChangeKind::Template;
    }
    if let Ok(rel) = path.strip_prefix(&layout.themes_dir) {
        // themes/<name>/static/... is copied; everything else shapes pages.
        let mut parts = rel.components();
        let _theme = parts.next();
        return match parts.next() {
            Some(Component::Normal(dir)) if dir == "static" => {
                ChangeKind::Static(relative_to_root(path, layout))
            }
            _ => ChangeKind::Template,
        };
    }
    if path.starts_with(&layout.static_dir) {
        return ChangeKind::Static(relative_to_root(path, layout));
    }
    if path.starts_with(&layout.snippets_dir) {
        return ChangeKind::Snippet;
    }
    if layout.forum_paths.iter().any(|f| path.starts_with(f)) {
        return ChangeKind::Forum;
    }
    ChangeKind::Ignored
}

fn relative_to_root(path: &Path, layout: &Layout) -> PathBuf {
    path.strip_prefix(&layout.root)
        .unwrap_or(path)
        .to_path_buf()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Temporary, swap, lock and backup files that editors and tools write next to
/// the file being saved.
pub fn is_editor_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        // Non-UTF-8 names cannot be pages; they are never worth a rebuild.
        return path.file_name().is_some();
    };
    name.starts_with('.') // .x.swp, .#x (emacs lock), .DS_Store, .x.md.tmp
        || name.ends_with('~') // x~ (backups)
        || (name.starts_with('#') && name.ends_with('#')) // #x# (emacs autosave)
        || name == "4913" // vim's write test
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.contains("___jb_") // JetBrains safe write
        || name.ends_with(".crswap")
        || name == "Thumbs.db"
}

/// Groups timestamped events into batches: a batch is ready once no event has
/// arrived for `quiet`, or `max_wait` after its first event when events keep
/// coming. Pure: time is passed in.
#[derive(Debug, Clone)]
pub struct Debouncer {
    quiet: Duration,
    max_wait: Duration,
    pending: BTreeSet<ChangeKind>,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Debouncer {
    pub const DEFAULT_QUIET: Duration = Duration::from_millis(30);
    pub const DEFAULT_MAX_WAIT: Duration = Duration::from_millis(500);

    pub fn new(quiet: Duration, max_wait: Duration) -> Debouncer {
        Debouncer {
            quiet,
            max_wait,
            pending: BTreeSet::new(),
            first: None,
            last: None,
        }
    }

    /// Record one change seen at `at`. Ignored changes do not delay a batch.
    pub fn push(&mut self, at: Instant, kind: ChangeKind) {
        if kind == ChangeKind::Ignored {
            return;
        }
        self.pending.insert(kind);
        self.first.get_or_insert(at);
        self.last = Some(self.last.map_or(at, |l| l.max(at)));
    }

    /// When the pending batch becomes ready if nothing else arrives.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + self.quiet).min(first + self.max_wait))
    }

    /// The batch, if it is ready at `now`; the debouncer is then empty.
    pub fn poll(&mut self, now: Instant) -> Option<ChangeSet> {
        if now < self.deadline()? {
            return None;
        }
        self.first = None;
        self.last = None;
        Some(ChangeSet {
            kinds: std::mem::take(&mut self.pending),
        })
    }
}

impl Default for Debouncer {
    fn default() -> Self {
        Debouncer::new(Self::DEFAULT_QUIET, Self::DEFAULT_MAX_WAIT)
    }
}

/// notify wiring: watches a [`Layout`] and yields debounced [`ChangeSet`]s.
pub struct Watcher {
    layout: Layout,
    // Kept alive for as long as events are wanted.
    inner: notify::RecommendedWatcher,
    watching: BTreeSet<PathBuf>,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    debouncer: Debouncer,
}

/// Why [`Watcher::next_batch`] returned no batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchError {
    /// notify reported a problem; watching goes on.
    Notify(String),
    /// The watcher is gone; no more events will come.
    Stopped,
}

impl Watcher {
    /// Start watching. Missing folders are skipped; the site root itself is
    /// watched non-recursively so `lorebook.yaml` and new folders are seen.
    pub fn new(layout: Layout, debouncer: Debouncer) -> notify::Result<Watcher> {
        use notify::{RecursiveMode, Watcher as _};
        let (tx, events) = mpsc::channel();
        let mut inner = notify::recommended_watcher(move |ev| {
            // The receiver is gone only when serve is shutting down.
            let _ = tx.send(ev);
        })?;
        inner.watch(&layout.root, RecursiveMode::NonRecursive)?;
        for file in [&layout.config_file, &layout.contributors_file] {
            if file.exists() && file.parent() != Some(layout.root.as_path()) {
                inner.watch(file, RecursiveMode::NonRecursive)?;
            }
        }
        let mut watcher = Watcher {
            layout,
            inner,
            watching: BTreeSet::new(),
            events,
            debouncer,
        };
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watch input folders that did not exist before (a new `templates/`).
    pub fn refresh(&mut self) -> notify::Result<()> {
        use notify::{RecursiveMode, Watcher as _};
        for dir in self.layout.watched_dirs() {
            if !self.watching.contains(&dir) && dir.exists() {
                self.inner.watch(&dir, RecursiveMode::Recursive)?;
                self.watching.insert(dir);
            }
        }
        Ok(())
    }

    /// Block until the next batch of relevant changes, or `None` after
    /// `give_up` passes with nothing to report (lets callers check for
    /// shutdown). Watch errors are returned as messages.
    pub fn next_batch(&mut self, give_up: Duration) -> Result<Option<ChangeSet>, WatchError> {
        let start = Instant::now();
        loop {
            let now = Instant::now();
            if let Some(batch) = self.debouncer.poll(now) {
                return Ok(Some(batch));
            }
            let wait = match self.debouncer.deadline() {
                Some(d) => d.saturating_duration_since(now),
                None => match give_up.checked_sub(now - start) {
                    Some(left) if !left.is_zero() => left,
                    _ => return Ok(None),
                },
            };
            match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => {
                    let at = Instant::now();
                    if matches!(event.kind, notify::EventKind::Access(_)) {
                        continue;
                    }
                    for path in &event.paths {
                        self.debouncer.push(at, classify(path, &self.layout));
                    }
                }
                Ok(Err(e)) => return Err(WatchError::Notify(e.to_string())),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(WatchError::Stopped),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::conventional(Path::new("/site"))
    }

    fn kind(path: &str) -> ChangeKind {
        classify(Path::new(path), &layout())
    }

    #[test]
    fn classifies_pages_and_sections_relative_to_content() {
        assert_eq!(
            kind("/site/content/install/linux.md"),
            ChangeKind::Page("install/linux.md".into())
        );
        assert_eq!(
            kind("/site/content/install/_index.md"),
            ChangeKind::Section("install/_index.md".into())
        );
        assert_eq!(
            kind("/site/content/install"),
            ChangeKind::Section("install".into())
        );
        assert_eq!(
            kind("/site/content/install/shot.png"),
            ChangeKind::Static("content/install/shot.png".into())
        );
    }

    #[test]
    fn a_snippet_edit_renders_every_page_again() {
        let k = kind("/site/snippets/warning.md");
        assert_eq!(k, ChangeKind::Snippet);
        assert!(k.needs_full_rebuild());
        assert!(layout()
            .watched_dirs()
            .contains(&PathBuf::from("/site/snippets")));
    }

    #[test]
    fn classifies_config_templates_static_and_forum() {
        assert_eq!(kind("/site/lorebook.yaml"), ChangeKind::Config);
        assert_eq!(kind("/site/contributors.yaml"), ChangeKind::Contributors);
        assert_eq!(kind("/site/answers.yaml"), ChangeKind::Forum);
        assert_eq!(kind("/site/templates/page.html"), ChangeKind::Template);
        assert_eq!(kind("/site/i18n/de.yaml"), ChangeKind::Template);
        assert_eq!(
            kind("/site/themes/default/templates/base.html"),
            ChangeKind::Template
        );
        assert_eq!(
            kind("/site/themes/default/static/style.css"),
            ChangeKind::Static("themes/default/static/style.css".into())
        );
        assert_eq!(
            kind("/site/static/logo.svg"),
            ChangeKind::Static("static/logo.svg".into())
        );
        assert_eq!(kind("/site/forum/discourse.json"), ChangeKind::Forum);
    }

    #[test]
    fn ignores_editor_temp_files_output_and_git() {
        for path in [
            "/site/content/.#linux.md",
            "/site/content/linux.md~",
            "/site/content/.linux.md.swp",
            "/site/content/4913",
            "/site/content/#linux.md#",
            "/site/content/.DS_Store",
            "/site/content/linux.md___jb_tmp___",
            "/site/public/index.html",
            "/site/.git/index",
            "/site/.git/objects/ab/cdef",
            "/site/README.md",
            "/elsewhere/content/a.md",
        ] {
            assert_eq!(kind(path), ChangeKind::Ignored, "{path}");
        }
    }

    #[test]
    fn output_inside_content_is_still_ignored() {
        let mut l = layout();
        l.output_dir = "/site/content/public".into();
        assert_eq!(
            classify(Path::new("/site/content/public/a.html"), &l),
            ChangeKind::Ignored
        );
    }

    #[test]
    fn config_contributors_and_templates_need_a_full_rebuild() {
        assert!(ChangeKind::Config.needs_full_rebuild());
        assert!(ChangeKind::Template.needs_full_rebuild());
        assert!(ChangeKind::Contributors.needs_full_rebuild());
        assert!(!ChangeKind::Page("a.md".into()).needs_full_rebuild());
        assert!(!ChangeKind::Static("static/a.css".into()).needs_full_rebuild());
    }

    fn ms(base: Instant, n: u64) -> Instant {
        base + Duration::from_millis(n)
    }

    #[test]
    fn temp_file_and_rename_save_gives_one_batch() {
        // vim: write test file, backup by rename, write the new file.
        let t = Instant::now();
        let mut d = Debouncer::default();
        let page = || ChangeKind::Page("linux.md".into());
        d.push(ms(t, 0), kind("/site/content/4913"));
        d.push(ms(t, 1), page());
        d.push(ms(t, 1), kind("/site/content/linux.md~"));
        d.push(ms(t, 2), page());
        d.push(ms(t, 3), page());
        assert_eq!(d.poll(ms(t, 10)), None, "still inside the quiet period");
        let batch = d.poll(ms(t, 33)).expect("ready after 30 ms of quiet");
        assert_eq!(batch.kinds, BTreeSet::from([page()]));
        assert_eq!(d.poll(ms(t, 100)), None, "exactly one batch");
        assert_eq!(d.deadline(), None);
    }

    #[test]
    fn ignored_events_alone_never_make_a_batch() {
        let t = Instant::now();
        let mut d = Debouncer::default();
        d.push(ms(t, 0), ChangeKind::Ignored);
        assert_eq!(d.deadline(), None);
        assert_eq!(d.poll(ms(t, 1000)), None);
    }

    #[test]
    fn continuous_events_are_cut_at_max_wait() {
        let t = Instant::now();
        let mut d = Debouncer::new(Duration::from_millis(30), Duration::from_millis(100));
        for i in 0..10 {
            d.push(ms(t, i * 10), ChangeKind::Page(format!("{i}.md").into()));
            assert_eq!(d.poll(ms(t, i * 10 + 5)), None, "event every 10 ms");
        }
        let batch = d.poll(ms(t, 100)).expect("cut at max wait");
        assert_eq!(batch.kinds.len(), 10);
    }

    #[test]
    fn events_after_a_batch_start_a_new_one() {
        let t = Instant::now();
        let mut d = Debouncer::default();
        d.push(ms(t, 0), ChangeKind::Template);
        assert!(d.poll(ms(t, 30)).is_some());
        d.push(ms(t, 50), ChangeKind::Config);
        assert_eq!(d.poll(ms(t, 60)), None);
        let batch = d.poll(ms(t, 80)).expect("second batch");
        assert_eq!(batch.kinds, BTreeSet::from([ChangeKind::Config]));
        assert!(batch.needs_full_rebuild());
    }
}
