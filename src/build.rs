//! The build pipeline in one place: load (config, content, static files,
//! forum exports) -> model ([`Site`]) -> render (pure) -> write (atomic).
//! `check` runs the same stages without writing.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::{has_errors, Diagnostic};
use crate::output::{self, OutputError, OutputFile};
use crate::site::Site;
use crate::theme::Theme;
use crate::timings::{Stage, Timings};
use crate::{content, forum, render};

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub answers: usize,
    pub contributors: usize,
    pub files: usize,
    pub bytes: u64,
    /// Warnings found on the way (the build still succeeded).
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Where the time went, per stage (`lorebook build --timings`).
    pub timings: std::sync::Arc<Timings>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the user's files; nothing was written.
    #[error("{} error(s) in the site", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl BuildError {
    /// Diagnostics to show (errors and the warnings found with them).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            BuildError::Content(d) => d.clone(),
            BuildError::Output(e) => vec![Diagnostic::error("", e.to_string())],
        }
    }
}

/// Git history as read for one build: the history and its diagnostics.
pub(crate) type GitHistory = std::sync::Arc<(crate::contributors::History, Vec<Diagnostic>)>;

/// A loaded site and its warnings, or the errors (and warnings) found.
pub type Loaded = Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Load everything the site is made of into the model. Errors fail; warnings
/// are returned beside the site.
pub fn load(config: &Config) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_with_history(config, None).1
}

/// [`load`], reusing `known` git history instead of running git when given
/// (`lorebook serve` keeps it while HEAD does not move). Returns the history
/// used beside the result.
pub(crate) fn load_with_history(
    config: &Config,
    known: Option<GitHistory>,
) -> (GitHistory, Loaded) {
    load_timed(config, known, &Timings::new())
}

/// [`load_with_history`], adding the time of each stage to `timings`.
fn load_timed(
    config: &Config,
    known: Option<GitHistory>,
    timings: &Timings,
) -> (GitHistory, Loaded) {
    load_shared(config, known, None, timings)
}

/// Forum data as read for one build: the data and its diagnostics.
type LoadedForum = (forum::ForumData, Vec<Diagnostic>);

/// [`load_timed`], with the forum data already read when given (the
/// versions of a site share it).
fn load_shared(
    config: &Config,
    known: Option<GitHistory>,
    forum: Option<LoadedForum>,
    timings: &Timings,
) -> (GitHistory, Loaded) {
    // Git history is one subprocess; read it while the content is parsed.
    let ((statics, (content, diags)), history) = timings.time(Stage::Load, || {
        rayon::join(
            || {
                let statics = content::load_static(config);
                let content = content::load_timed(config, &statics.0, timings);
                (statics, content)
            },
            || {
                known.unwrap_or_else(|| {
                    timings.time(Stage::Git, || {
                        std::sync::Arc::new(crate::contributors::read_history(
                            &config.content_dir,
                            std::path::Path::new("content"),
                            &config.contributors.exclude,
                        ))
                    })
                })
            },
        )
    });
    let result = timings.time(Stage::Model, || {
        assemble(config, content, diags, statics, &history, forum)
    });
    (history, result)
}

fn assemble(
    config: &Config,
    content: content::Content,
    mut diags: Vec<Diagnostic>,
    statics: (Vec<content::Asset>, Vec<Diagnostic>),
    history: &GitHistory,
    forum: Option<LoadedForum>,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (history, history_diags) = (&history.0, &history.1);
    diags.extend(history_diags.iter().cloned());
    let (people, people_diags) = if config.contributors.file.is_file() {
        crate::contributors::identity::load(
            &config.contributors.file,
            std::path::Path::new("contributors.yaml"),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    diags.extend(people_diags);
    let (static_files, static_diags) = statics;
    diags.extend(static_diags);
    let (mut forum, mut forum_diags) = forum.unwrap_or_else(|| forum::load(&config.forum));
    forum::pull::hint_first_pull(config, &mut forum_diags);
    if config.keep_going {
        // Each broken file was already skipped by its importer; say so as a warning.
        for d in forum_diags.iter_mut().filter(|d| d.is_error()) {
            d.severity = crate::diagnostics::Severity::Warning;
            d.message = format!("{} (skipped: --keep-going)", d.message);
        }
    }
    // Importers name files by their absolute path (`/site/./forum/x.json`
    // when the config says `./forum`): show them as the user knows them.
    for d in &mut forum_diags {
        d.path = shown_path(&d.path, &config.root);
    }
    diags.extend(forum_diags);
    diags.extend(forum::overrides::apply_file(
        &config.root.join("answers.yaml"),
        std::path::Path::new("answers.yaml"),
        &mut forum,
    ));
    let search_log = match &config.insights.search_log {
        Some((shown, path)) => {
            match crate::insights::search_log::read(path, std::path::Path::new(shown)) {
                Ok(missed) => missed,
                Err(d) => {
                    diags.push(d);
                    Vec::new()
                }
            }
        }
        None => Vec::new(),
    };
    let inputs = crate::site::Inputs {
        content,
        static_files,
        forum,
        history: Some(history),
        people,
        search_log,
    };
    let (site, site_diags) = Site::new(config.clone(), inputs);
    diags.extend(site_diags);
    diags.extend(crate::links::check(&site));
    diags.sort();
    diags.dedup();
    if has_errors(&diags) {
        Err(diags)
    } else {
        Ok((site, diags))
    }
}

/// Load and render without writing: every output file of the site in memory.
pub fn render_all(
    config: &Config,
) -> Result<(Site, Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let theme = Theme::load(config)?;
    let (site, warnings) = load(config)?;
    let files = render::render(&site, &theme).map_err(|mut d| {
        d.extend(warnings.iter().cloned());
        d
    })?;
    Ok((site, files, warnings))
}

/// Validate the site without writing anything: the diagnostics found,
/// including warnings that depend on today's date (stale reviews).
pub fn check(config: &Config) -> Vec<Diagnostic> {
    // Highlighting code cannot produce a diagnostic and is the costliest
    // part of rendering: check without it.
    let mut config = config.clone();
    config.markdown.highlight = false;
    if !config.versions.is_empty() {
        return check_versions(&config);
    }
    match render_all(&config) {
        Ok((site, _, mut warnings)) => {
            warnings.extend(crate::lint::check(&site, chrono::Utc::now().date_naive()));
            warnings.sort();
            warnings
        }
        Err(diags) => diags,
    }
}

/// Check the site's external links (network; opt-in).
pub fn check_external(config: &Config, opts: &crate::external::ExternalOptions) -> Vec<Diagnostic> {
    match load(config) {
        Ok((site, _)) => crate::external::check(&site, opts),
        Err(_) => Vec::new(),
    }
}

/// Full build into the output directory. Each rendered file is written to
/// the staging directory as soon as it is made and its bytes dropped; the
/// staging directory replaces the output only when everything succeeded.
pub fn build(config: &Config) -> Result<BuildReport, BuildError> {
    if !config.versions.is_empty() {
        return build_versions(config);
    }
    let start = Instant::now();
    let timings = std::sync::Arc::new(Timings::new());
    let theme = timings
        .time(Stage::Theme, || Theme::load(config))
        .map_err(BuildError::Content)?;
    let (mut site, warnings) = load_timed(config, None, &timings)
        .1
        .map_err(BuildError::Content)?;
    let protected = [config.content_dir.as_path(), config.static_dir.as_path()];
    let staging = output::Staging::create(&config.output_dir, &config.root, &protected)?;
    // The first write error, kept whole so it is reported as an output error.
    let failed: std::sync::Mutex<Option<OutputError>> = std::sync::Mutex::new(None);
    let sink = |f: OutputFile| {
        let written = timings.time(Stage::Files, || staging.write(&f));
        written.map_err(|e| {
            let d = Diagnostic::error(&f.path, e.to_string());
            if let Ok(mut slot) = failed.lock() {
                slot.get_or_insert(e);
            }
            d
        })
    };
    let written = match render::render_owned(&mut site, &theme, &sink, &timings) {
        Ok(w) => w,
        Err(mut d) => {
            if let Some(e) = failed.into_inner().ok().flatten() {
                return Err(BuildError::Output(e));
            }
            d.extend(warnings.iter().cloned());
            return Err(BuildError::Content(d));
        }
    };
    timings.time(Stage::Write, || staging.commit())?;
    Ok(BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        answers: site.forum.answers.len(),
        contributors: site.contributors.people.len(),
        files: written.len(),
        bytes: written.iter().map(|w| w.bytes).sum(),
        warnings,
        elapsed: start.elapsed(),
        timings,
    })
}

/// The versions ready to render, their sites (same order) and warnings.
type LoadedVersions = (Vec<crate::versions::Prepared>, Vec<Site>, Vec<Diagnostic>);

/// Every version of `versions:` loaded, in its order, each `Site` placed
/// among the others (`Site::versions`), and the warnings of all. The forum
/// data is read once and the git history once (the working tree's, which
/// every version's pages are credited from); a version's diagnostics name
/// its own files (`old/1.x/page.md`, `v1.0:content/page.md`).
fn load_versions(config: &Config, timings: &Timings) -> Result<LoadedVersions, Vec<Diagnostic>> {
    let prepared = crate::versions::prepare(config)?;
    let forum = timings.time(Stage::Load, || forum::load(&config.forum));
    let mut history: Option<GitHistory> = None;
    let mut sites = Vec::new();
    let mut diags = Vec::new();
    let mut failed = false;
    // The working tree's version first: its history is the one read.
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_by_key(|&i| !prepared[i].latest);
    let mut loaded: Vec<Option<Site>> = (0..prepared.len()).map(|_| None).collect();
    for i in order {
        let v = &prepared[i];
        // Forum problems are reported once, with the latest version.
        let shared = (
            forum.0.clone(),
            if v.latest {
                forum.1.clone()
            } else {
                Vec::new()
            },
        );
        let (h, result) = load_shared(&v.config, history.clone(), Some(shared), timings);
        history.get_or_insert(h);
        match result {
            Ok((site, warnings)) => {
                diags.extend(v.show(warnings));
                loaded[i] = Some(site);
            }
            Err(d) => {
                failed = true;
                diags.extend(v.show(d));
            }
        }
    }
    diags.sort();
    diags.dedup();
    if failed {
        return Err(diags);
    }
    sites.extend(loaded.into_iter().flatten());
    let entries: Vec<crate::versions::Entry> = prepared
        .iter()
        .zip(&sites)
        .map(|(v, site)| crate::versions::Entry {
            name: v.name.clone(),
            prefix: v.prefix.clone(),
            latest: v.latest,
            urls: site.switchable().clone(),
        })
        .collect();
    let all = std::sync::Arc::new(entries);
    for (own, site) in sites.iter_mut().enumerate() {
        site.versions = Some(crate::versions::Placement {
            all: all.clone(),
            own,
            root_path: config.base_url.path.clone(),
        });
    }
    Ok((prepared, sites, diags))
}

/// [`check`] of a site with `versions:`: every version loaded and rendered
/// in memory; the date-dependent lints run on the latest only.
fn check_versions(config: &Config) -> Vec<Diagnostic> {
    let theme = match Theme::load(config) {
        Ok(t) => t,
        Err(d) => return d,
    };
    let timings = Timings::new();
    let (prepared, sites, mut diags) = match load_versions(config, &timings) {
        Ok(loaded) => loaded,
        Err(d) => return d,
    };
    for (v, site) in prepared.iter().zip(&sites) {
        match render::render(site, &theme) {
            Ok(files) => {
                if v.latest {
                    let paths = files.iter().map(|f| f.path.as_path());
                    diags.extend(version_collisions(config, &prepared, root_paths(v, paths)));
                    diags.extend(crate::lint::check(site, chrono::Utc::now().date_naive()));
                }
            }
            Err(d) => diags.extend(v.show(d)),
        }
    }
    diags.sort();
    diags.dedup();
    diags
}

/// What the site root holds besides the versions' folders when the latest
/// version is under an alias: the page sending readers there, and the
/// files that only work at the root.
const ROOT_FILES: [&str; 3] = ["index.html", "404.html", "robots.txt"];

/// What the latest version `v` publishes at the site root, given the paths
/// it writes: all of them, or only [`ROOT_FILES`] under an alias.
fn root_paths<'a>(
    v: &crate::versions::Prepared,
    written: impl Iterator<Item = &'a std::path::Path> + 'a,
) -> Box<dyn Iterator<Item = &'a std::path::Path> + 'a> {
    if v.prefix.is_empty() {
        Box::new(written)
    } else {
        Box::new(ROOT_FILES.iter().map(std::path::Path::new))
    }
}

/// Files published at the site root (the latest version's, or
/// [`ROOT_FILES`] when it is under an alias) that sit where a version is
/// published (a `content/2.x/` folder beside a version named `2.x`):
/// errors at that version's line of lorebook.yaml (its `alias:` line when
/// its folder is its alias).
fn version_collisions<'a>(
    config: &Config,
    prepared: &[crate::versions::Prepared],
    paths: impl Iterator<Item = &'a std::path::Path>,
) -> Vec<Diagnostic> {
    let mut taken: std::collections::BTreeMap<&str, &std::path::Path> = Default::default();
    for path in paths {
        if let Some(std::path::Component::Normal(first)) = path.components().next() {
            if let Some(v) = prepared.iter().find(|v| {
                !v.prefix.is_empty() && first.to_str() == Some(v.prefix.trim_end_matches('/'))
            }) {
                taken.entry(v.name.as_str()).or_insert(path);
            }
        }
    }
    taken
        .into_iter()
        .map(|(name, path)| {
            let spec = config.versions.iter().find(|s| s.name == name);
            let (folder, line) = match spec {
                Some(crate::versions::VersionSpec {
                    alias: Some((alias, line)),
                    ..
                }) => (alias.as_str(), *line),
                Some(s) => (name, s.line),
                None => (name, 0),
            };
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!(
                    "versions: `{name}` is published under `/{folder}/`, where the latest version already publishes `{}`",
                    crate::diagnostics::display_path(path)
                ),
            )
            .at(line, 1)
            .with_hint("rename the version (or its alias), or the latest version's folder or page of that name")
        })
        .collect()
}

/// [`build`] of a site with `versions:`: the theme loaded once, every
/// version rendered into one staging directory (old ones under their
/// folder; their `robots.txt` left out, the root's is the site's), which
/// replaces the output only when all succeeded. A latest version under an
/// alias writes its robots.txt and a copy of its 404.html at the root,
/// beside the page sending readers to it (`versions::root_index`).
fn build_versions(config: &Config) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let timings = std::sync::Arc::new(Timings::new());
    let theme = timings
        .time(Stage::Theme, || Theme::load(config))
        .map_err(BuildError::Content)?;
    let (prepared, mut sites, warnings) =
        load_versions(config, &timings).map_err(BuildError::Content)?;
    let mut protected = vec![config.content_dir.as_path(), config.static_dir.as_path()];
    protected.extend(prepared.iter().map(|v| v.config.content_dir.as_path()));
    let staging = output::Staging::create(&config.output_dir, &config.root, &protected)?;
    let failed: std::sync::Mutex<Option<OutputError>> = std::sync::Mutex::new(None);
    let (mut pages, mut sections, mut files, mut bytes) = (0, 0, 0, 0);
    let write = |f: &OutputFile| {
        let written = timings.time(Stage::Files, || staging.write(f));
        written.map_err(|e| {
            let d = Diagnostic::error(&f.path, e.to_string());
            if let Ok(mut slot) = failed.lock() {
                slot.get_or_insert(e);
            }
            d
        })
    };
    // Files the latest under an alias also writes at the site root.
    let at_root: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
    // The latest first, so a collision with an old version's folder is
    // found before anything is written there.
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    order.sort_by_key(|&i| !prepared[i].latest);
    for i in order {
        let v = &prepared[i];
        let site = &mut sites[i];
        let sink = |f: OutputFile| {
            let robots = f.path == std::path::Path::new("robots.txt");
            if robots && !v.latest {
                return Ok(0);
            }
            if robots || v.prefix.is_empty() {
                // robots.txt is read at the root only.
                return write(&f);
            }
            let root_copy = (v.latest && f.path == std::path::Path::new("404.html"))
                .then(|| f.contents.clone());
            let written = write(&OutputFile {
                path: std::path::Path::new(&v.prefix).join(&f.path),
                contents: f.contents,
            })?;
            if let Some(contents) = root_copy {
                // Hosts serve the root's 404.html for any missing path; its
                // links are absolute.
                let n = write(&OutputFile {
                    path: f.path,
                    contents,
                })?;
                if let Ok(mut r) = at_root.lock() {
                    r.push(n);
                }
            }
            Ok(written)
        };
        let written = match render::render_owned(site, &theme, &sink, &timings) {
            Ok(w) => w,
            Err(d) => {
                if let Some(e) = failed.lock().ok().and_then(|mut f| f.take()) {
                    return Err(BuildError::Output(e));
                }
                let mut d = v.show(d);
                d.extend(warnings.iter().cloned());
                return Err(BuildError::Content(d));
            }
        };
        if v.latest {
            let paths = written.iter().map(|w| w.path.as_path());
            let clash = version_collisions(config, &prepared, root_paths(v, paths));
            if !clash.is_empty() {
                return Err(BuildError::Content(clash));
            }
            if !v.prefix.is_empty() {
                let html = crate::versions::root_index(config, &v.name, &v.prefix);
                let n =
                    write(&OutputFile::bytes("index.html", html)).map_err(|d| {
                        match failed.lock().ok().and_then(|mut f| f.take()) {
                            Some(e) => BuildError::Output(e),
                            None => BuildError::Content(vec![d]),
                        }
                    })?;
                if let Ok(mut r) = at_root.lock() {
                    r.push(n);
                }
            }
        }
        let kept = written
            .iter()
            .filter(|w| v.latest || w.path != std::path::Path::new("robots.txt"));
        for w in kept {
            files += 1;
            bytes += w.bytes;
        }
        pages += site.pages.len();
        sections += site.sections.len();
    }
    for n in at_root.into_inner().unwrap_or_default() {
        files += 1;
        bytes += n;
    }
    timings.time(Stage::Write, || staging.commit())?;
    let latest = prepared.iter().position(|v| v.latest).unwrap_or(0);
    let (answers, contributors) = sites.get(latest).map_or((0, 0), |s| {
        (s.forum.answers.len(), s.contributors.people.len())
    });
    Ok(BuildReport {
        pages,
        sections,
        answers,
        contributors,
        files,
        bytes,
        warnings,
        elapsed: start.elapsed(),
        timings,
    })
}

/// `path` relative to `root` when inside it, without `.` segments.
fn shown_path(path: &std::path::Path, root: &std::path::Path) -> std::path::PathBuf {
    let clean: std::path::PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let root: std::path::PathBuf = root
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    clean
        .strip_prefix(&root)
        .map(std::path::Path::to_path_buf)
        .unwrap_or(clean)
}
