//! Content loading: walks `content/`, splits and parses front matter, renders
//! every page's Markdown (in parallel), and groups pages into nested
//! sections. All reads of content files happen here. Problems are collected
//! for every file, so one bad page never hides another.

pub mod frontmatter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::paths::SitePaths;
use crate::markdown::{self, MarkdownOptions, PageContext, Rendered};
use crate::timings::{Stage, Timings};
use crate::urls;
use crate::writing::{expand, Writing, SNIPPETS_DIR};
pub use frontmatter::{Date, FrontMatter};

/// A Markdown page (not a section index).
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to `content/`, `/`-separated: `a/b.md`.
    pub source: String,
    /// Path as shown in diagnostics: `content/a/b.md`.
    pub shown_path: PathBuf,
    /// Site-relative URL: `a/b/`.
    pub url: String,
    /// Key of the section the page belongs to (`a`, or `` for the root).
    pub section: String,
    pub front: FrontMatter,
    /// File line of each top-level front matter key.
    pub front_matter_lines: BTreeMap<String, usize>,
    pub title: String,
    pub description: String,
    pub rendered: Rendered,
}

impl Page {
    /// The page a parsed file makes, with the one set of fallbacks the
    /// loader and `serve`'s per-page rebuild share: the title is `title:`,
    /// else the page's `# Title`, else the file name humanized; the
    /// description is `description:`, else the page's summary; the section
    /// is the page's folder.
    pub fn from_loaded(l: Loaded) -> Page {
        let section = l.source.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let title = l
            .front
            .title
            .clone()
            .or_else(|| l.rendered.title.clone())
            .unwrap_or_else(|| humanize(l.source.trim_end_matches(".md")));
        let description = l
            .front
            .description
            .clone()
            .unwrap_or_else(|| l.rendered.summary.clone());
        Page {
            source: l.source,
            shown_path: l.shown_path,
            url: l.url,
            section,
            front: l.front,
            front_matter_lines: l.front_matter_lines,
            title,
            description,
            rendered: l.rendered,
        }
    }
}

/// A folder of content: a section, with its optional `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder relative to `content/` (`` for the root, `a/b` nested).
    pub key: String,
    pub url: String,
    /// `_index.md` relative to `content/`, when the folder has one.
    pub source: Option<String>,
    pub title: String,
    pub description: String,
    pub weight: Option<i64>,
    pub front: FrontMatter,
    pub rendered: Rendered,
    /// Indexes into the page list, in display order.
    pub pages: Vec<usize>,
    /// Keys of the direct subsections, in display order.
    pub subsections: Vec<String>,
    /// Key of the parent section (None for the root).
    pub parent: Option<String>,
}

/// Sections from the root down to `key`, root included (empty when `key`
/// is no section).
pub fn ancestry<'a>(sections: &'a BTreeMap<String, Section>, key: &str) -> Vec<&'a Section> {
    let mut chain = Vec::new();
    let mut cur = sections.get(key);
    while let Some(s) = cur {
        chain.push(s);
        cur = s.parent.as_deref().and_then(|p| sections.get(p));
    }
    chain.reverse();
    chain
}

/// A non-Markdown file under `content/`, copied to the same relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// `/`-separated path relative to `content/`.
    pub rel: String,
    pub path: PathBuf,
}

/// Everything read from `content/`.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    /// Sections by key; the root section has key ``.
    pub sections: BTreeMap<String, Section>,
    pub assets: Vec<Asset>,
    /// Every Markdown source and file (content and `static/`) and the site's
    /// own addresses: what links from the root resolve against.
    pub paths: std::sync::Arc<SitePaths>,
    /// Snippets, variables and image sizes pages were rendered with (kept
    /// so `serve` renders an edited page the same way).
    pub writing: std::sync::Arc<Writing>,
}

/// A file found by the walk.
#[derive(Debug, Clone)]
struct Found {
    rel: String,
    path: PathBuf,
}

/// Load every page and section under the content directory; `statics` are
/// the files of `static/` (links from the site root may point at them).
pub fn load(config: &Config, statics: &[Asset]) -> (Content, Vec<Diagnostic>) {
    load_timed(config, statics, &Timings::new())
}

/// [`load`], adding the time spent reading, in Markdown, highlighting and
/// packing to `timings`.
pub(crate) fn load_timed(
    config: &Config,
    statics: &[Asset],
    timings: &Timings,
) -> (Content, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (mut markdown_files, assets) = walk(&config.content_dir, &config.root, &mut diags);
    // Translations are folders per language: refuse the other form and
    // folders of undeclared languages, at the file (see `lang`).
    markdown_files.retain(|f| match config.languages.check_source(&f.rel) {
        None => true,
        Some((message, hint)) => {
            let shown = f.path.strip_prefix(&config.root).unwrap_or(&f.path);
            diags.push(Diagnostic::error(shown, message).with_hint(hint));
            false
        }
    });
    let paths = std::sync::Arc::new(SitePaths::new(
        markdown_files.iter().map(|f| f.rel.as_str()),
        assets.iter().chain(statics).map(|a| a.rel.as_str()),
        &config.links.bases,
    ));
    let images = timings.time(Stage::Read, || image_sizes(assets.iter().chain(statics)));
    let writing = std::sync::Arc::new(Writing {
        snippets: load_snippets(config, &mut diags),
        variables: config.variables.clone(),
        images,
        image_budget: config.markdown.image_budget,
        math: config.markdown.math,
        keep_markdown: config.llms.keeps_markdown(),
    });
    let mut opts = markdown_options(config, &paths);
    opts.writing = Some(writing.clone());

    let loaded: Vec<Result<Loaded, Diagnostic>> = markdown_files
        .par_iter()
        .map(|f| load_file(f, &config.root, &opts, timings))
        .collect();

    let mut files = Vec::new();
    for item in loaded {
        match item {
            Ok(mut l) => {
                diags.append(&mut l.diagnostics);
                if !l.front.draft || config.drafts {
                    files.push(l);
                }
            }
            Err(d) => diags.push(d),
        }
    }

    let mut content = assemble(files, assets, &mut diags);
    content.paths = paths;
    content.writing = writing;
    diags.sort();
    (content, diags)
}

/// How the site's pages are rendered: `markdown:` of the config, links
/// resolved against `paths` (the loader and `serve`'s per-page rebuild).
pub(crate) fn markdown_options(
    config: &Config,
    paths: &std::sync::Arc<SitePaths>,
) -> MarkdownOptions {
    MarkdownOptions {
        highlight: config.markdown.highlight,
        unsafe_html: config.markdown.unsafe_html,
        site: Some(paths.clone()),
        writing: None,
    }
}

/// Parse and render one Markdown text as if it were `content/<rel>`. Used by
/// the loader and by tests; pure. Front matter errors do not stop the page:
/// they are in [`Loaded::diagnostics`] beside what could be read.
pub fn parse_page(
    text: &str,
    rel: &str,
    shown: &Path,
    opts: &MarkdownOptions,
) -> Result<Loaded, Diagnostic> {
    parse_page_timed(text, rel, shown, opts, None)
}

fn parse_page_timed(
    text: &str,
    rel: &str,
    shown: &Path,
    opts: &MarkdownOptions,
    timings: Option<&Timings>,
) -> Result<Loaded, Diagnostic> {
    let split = frontmatter::split(text, shown)?;
    let (front, diagnostics) = frontmatter::parse_lenient(&split, shown);
    let front_matter_lines = frontmatter::key_lines(&split);
    let url = urls::content_url(rel);
    let mut diagnostics = diagnostics;
    let expanded = opts
        .writing
        .as_deref()
        .and_then(|w| expand::expand(split.body, w));
    let (body, line_map) = match &expanded {
        Some(e) => (e.text.as_str(), Some(e.lines.as_slice())),
        None => (split.body, None),
    };
    let ctx = PageContext {
        source: rel,
        url: &url,
        body_offset: split.body_offset,
        body_line: split.body_line,
        line_map,
    };
    let mut rendered = markdown::render_timed(body, &ctx, opts, timings);
    let problems = expanded
        .as_ref()
        .map(|e| e.problems.iter())
        .into_iter()
        .flatten()
        .chain(&rendered.problems);
    for p in problems {
        diagnostics.push(problem_diagnostic(p, shown, split.body_line));
    }
    if opts.writing.as_ref().is_some_and(|w| w.keep_markdown) {
        rendered.keep_markdown(body);
    }
    Ok(Loaded {
        source: rel.to_string(),
        shown_path: shown.to_path_buf(),
        url,
        front,
        front_matter_lines,
        rendered,
        diagnostics,
    })
}

impl Content {
    /// Assemble content from already parsed files (for tests and tools that
    /// parse text without a content folder).
    pub fn from_loaded(files: Vec<Loaded>) -> Content {
        assemble(files, Vec::new(), &mut Vec::new())
    }
}

/// A problem found in a page's Markdown as a diagnostic: at the page's
/// line (`body_line` is the file line of the body's first line), or in a
/// snippet with the page named in the hint.
fn problem_diagnostic(p: &crate::writing::Problem, shown: &Path, body_line: usize) -> Diagnostic {
    let (path, line) = match &p.file {
        Some(f) => (PathBuf::from(f), p.line),
        None => (shown.to_path_buf(), body_line.max(1) + p.line - 1),
    };
    let d = if p.error {
        Diagnostic::error(path, p.message.clone())
    } else {
        Diagnostic::warning(path, p.message.clone())
    }
    .at(line, p.col);
    let hint = match (&p.file, &p.hint) {
        (Some(_), Some(h)) => Some(format!(
            "{h} (included from `{}`)",
            crate::diagnostics::display_path(shown)
        )),
        (Some(_), None) => Some(format!(
            "included from `{}`",
            crate::diagnostics::display_path(shown)
        )),
        (None, h) => h.clone(),
    };
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Width, height and size of every image among `files` (by published
/// path), read from their headers in parallel. Files that are not images,
/// or whose header cannot be read, are left out (the page then gets no
/// size for them; a missing file is the link checker's to report).
fn image_sizes<'f>(
    files: impl Iterator<Item = &'f Asset>,
) -> BTreeMap<String, crate::writing::ImageInfo> {
    const IMAGES: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff",
    ];
    let images: Vec<&Asset> = files
        .filter(|a| {
            a.rel
                .rsplit_once('.')
                .is_some_and(|(_, ext)| IMAGES.iter().any(|i| ext.eq_ignore_ascii_case(i)))
        })
        .collect();
    images
        .par_iter()
        .filter_map(|a| {
            let size = imagesize::size(&a.path).ok()?;
            let bytes = std::fs::metadata(&a.path).ok()?.len();
            let info = crate::writing::ImageInfo {
                width: u32::try_from(size.width).ok()?,
                height: u32::try_from(size.height).ok()?,
                bytes,
            };
            Some((a.rel.clone(), info))
        })
        .collect()
}

/// Every Markdown file of the site's `snippets/` folder, by path relative
/// to it (what `<!-- include: snippets/… -->` reads).
fn load_snippets(config: &Config, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let dir = config.root.join(SNIPPETS_DIR);
    let mut snippets = BTreeMap::new();
    if !dir.is_dir() {
        return snippets;
    }
    let (files, _other) = walk(&dir, &config.root, diags);
    for f in files {
        let shown = f.path.strip_prefix(&config.root).unwrap_or(&f.path);
        match std::fs::read(&f.path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                snippets.insert(f.rel, text);
            }
            Ok(Err(_)) => diags.push(
                Diagnostic::error(shown, "not valid UTF-8").with_hint("save the snippet as UTF-8"),
            ),
            Err(e) => diags.push(Diagnostic::error(shown, format!("cannot read file: {e}"))),
        }
    }
    snippets
}

/// One parsed Markdown file, before it is placed in a section.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: String,
    pub shown_path: PathBuf,
    pub url: String,
    pub front: FrontMatter,
    pub front_matter_lines: BTreeMap<String, usize>,
    pub rendered: Rendered,
    /// Problems in the front matter (the keys that failed are left out).
    pub diagnostics: Vec<Diagnostic>,
}

fn load_file(
    f: &Found,
    root: &Path,
    opts: &MarkdownOptions,
    timings: &Timings,
) -> Result<Loaded, Diagnostic> {
    let shown = f.path.strip_prefix(root).unwrap_or(&f.path).to_path_buf();
    let bytes = timings
        .time(Stage::Read, || std::fs::read(&f.path))
        .map_err(|e| Diagnostic::error(&shown, format!("cannot read file: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, col) = crate::diagnostics::line_col(&valid, offset);
            let binary = e.as_bytes().iter().take(8192).any(|&b| b == 0);
            let msg = if binary {
                "this looks like a binary file, not Markdown".to_string()
            } else {
                format!("not valid UTF-8 (byte {offset})")
            };
            return Err(Diagnostic::error(&shown, msg)
                .at(line, col)
                .with_hint("save the file as UTF-8, or give it another extension than .md"));
        }
    };
    // Recorded with highlighting included: the table shows it apart.
    let mut loaded = timings.time(Stage::Markdown, || {
        parse_page_timed(&text, &f.rel, &shown, opts, Some(timings))
    })?;
    // Kept deflated until the page is rendered (see `Rendered::pack`).
    timings.time(Stage::Pack, || loaded.rendered.pack());
    Ok(loaded)
}

/// Every file under `static/` (published as is at the same path).
pub fn load_static(config: &Config) -> (Vec<Asset>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if !config.static_dir.is_dir() {
        return (Vec::new(), diags);
    }
    let (md, mut assets) = walk(&config.static_dir, &config.root, &mut diags);
    assets.extend(md.into_iter().map(|f| Asset {
        rel: f.rel,
        path: f.path,
    }));
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    (assets, diags)
}

/// Make sure a section `key` and its ancestors exist (for sections that only
/// forum answers use). Titles come from the folder names.
pub(crate) fn ensure_section(sections: &mut BTreeMap<String, Section>, key: &str) {
    let mut cur = Some(key.to_string());
    while let Some(k) = cur {
        let parent = parent_key(&k);
        if !sections.contains_key(&k) {
            sections.insert(
                k.clone(),
                Section {
                    key: k.clone(),
                    url: if k.is_empty() {
                        String::new()
                    } else {
                        format!("{k}/")
                    },
                    source: None,
                    title: folder_title(&k),
                    description: String::new(),
                    weight: None,
                    front: FrontMatter::default(),
                    rendered: Rendered::default(),
                    pages: Vec::new(),
                    subsections: Vec::new(),
                    parent: parent.clone(),
                },
            );
            if let Some(p) = &parent {
                if let Some(ps) = sections.get_mut(p) {
                    if !ps.subsections.contains(&k) {
                        ps.subsections.push(k.clone());
                    }
                }
            }
        }
        cur = parent;
    }
}

fn is_section_index(rel: &str) -> bool {
    rel == "_index.md" || rel.ends_with("/_index.md")
}

fn section_key_of_index(rel: &str) -> String {
    rel.trim_end_matches("_index.md")
        .trim_end_matches('/')
        .to_string()
}

fn parent_key(key: &str) -> Option<String> {
    if key.is_empty() {
        None
    } else {
        Some(
            key.rsplit_once('/')
                .map_or(String::new(), |(p, _)| p.to_string()),
        )
    }
}

/// The title of a section without one of its own: `Home` for the root,
/// else its folder's name humanized.
fn folder_title(key: &str) -> String {
    if key.is_empty() {
        "Home".into()
    } else {
        humanize(key)
    }
}

/// `getting-started` -> `Getting started`.
fn humanize(dir: &str) -> String {
    let name = dir
        .rsplit('/')
        .next()
        .unwrap_or(dir)
        .replace(['-', '_'], " ");
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn walk(content_dir: &Path, root: &Path, diags: &mut Vec<Diagnostic>) -> (Vec<Found>, Vec<Asset>) {
    let mut md = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(
                content_dir.strip_prefix(root).unwrap_or(content_dir),
                "the content directory does not exist",
            )
            .with_hint("create `content/` with an `_index.md` and some pages"),
        );
        return (md, assets);
    }
    // Links are followed, but only to targets inside the site: a link to
    // `/etc/passwd` or `/proc/self/environ` must never be published.
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut seen_folded: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        if let Ok(e) = &entry {
            if e.path_is_symlink() {
                if let Some(target) = link_leaving(e.path(), &real_root) {
                    diags.push(
                        Diagnostic::error(
                            e.path().strip_prefix(root).unwrap_or(e.path()),
                            format!(
                                "symbolic link points outside the site (to `{}`); it is not published",
                                target.display()
                            ),
                        )
                        .with_hint("copy the file into the site, or point the link at a file inside it"),
                    );
                    if e.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf());
                let msg = if err.loop_ancestor().is_some() {
                    "symbolic link loop; this folder is skipped".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        err.io_error()
                            .map_or_else(|| err.to_string(), |e| e.to_string())
                    )
                };
                diags.push(Diagnostic::error(
                    path.unwrap_or_else(|| PathBuf::from("content")),
                    msg,
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel_path = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(
                Diagnostic::error(
                    entry.path().strip_prefix(root).unwrap_or(entry.path()),
                    "file name is not valid UTF-8; it is skipped",
                )
                .with_hint("rename the file"),
            );
            continue;
        };
        let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if let Some(d) = risky_name(&rel, shown, &mut seen_folded) {
            diags.push(d);
        }
        let found = Found {
            rel,
            path: entry.path().to_path_buf(),
        };
        if found.rel.ends_with(".md") {
            md.push(found);
        } else {
            assets.push(Asset {
                rel: found.rel,
                path: found.path,
            });
        }
    }
    (md, assets)
}

/// A warning for a file name that publishes under a misleading URL: control
/// characters, percent-encoded dots or slashes (`%2e%2e`, `%2f`, `%5c`,
/// which a server or CDN may decode into a path that climbs), or a name
/// that differs only in case from one seen before (`seen_folded`; the two
/// overwrite each other on macOS and Windows and on most CDNs).
fn risky_name(
    rel: &str,
    shown: &Path,
    seen_folded: &mut std::collections::HashMap<String, PathBuf>,
) -> Option<Diagnostic> {
    if rel.chars().any(char::is_control) {
        return Some(
            Diagnostic::warning(shown, "file name holds control characters")
                .with_hint("rename the file"),
        );
    }
    let lower = rel.to_lowercase();
    if ["%2e", "%2f", "%5c", "%00"]
        .iter()
        .any(|p| lower.contains(p))
    {
        return Some(
            Diagnostic::warning(
                shown,
                "file name holds a percent-encoded dot, slash or backslash; servers may decode its URL into another path",
            )
            .with_hint("rename the file without `%`"),
        );
    }
    match seen_folded.entry(lower) {
        std::collections::hash_map::Entry::Occupied(other) => Some(
            Diagnostic::warning(
                shown,
                format!(
                    "file name differs only in case from `{}`; the two overwrite each other on case-insensitive systems",
                    crate::diagnostics::display_path(other.get())
                ),
            )
            .with_hint("rename one of them"),
        ),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(shown.to_path_buf());
            None
        }
    }
}

/// Where `link` really leads when that is outside `real_root` (which must be
/// canonical); `None` when it stays inside.
fn link_leaving(link: &Path, real_root: &Path) -> Option<PathBuf> {
    match std::fs::canonicalize(link) {
        Ok(real) if real.starts_with(real_root) => None,
        Ok(real) => Some(real),
        // Dangling links are reported by the walk itself.
        Err(_) => None,
    }
}

fn sort_key(weight: Option<i64>, title: &str, url: &str) -> (i64, String, String) {
    (
        weight.unwrap_or(i64::MAX),
        title.to_lowercase(),
        url.to_string(),
    )
}

/// Place parsed files into pages and sections (`_index.md` files describe
/// their folder's section).
fn assemble(files: Vec<Loaded>, assets: Vec<Asset>, diags: &mut Vec<Diagnostic>) -> Content {
    let mut loaded = Vec::new();
    let mut index_files = BTreeMap::new();
    for l in files {
        if is_section_index(&l.source) {
            index_files.insert(section_key_of_index(&l.source), l);
        } else {
            loaded.push(l);
        }
    }
    // Every folder holding a page or an _index.md is a section, and so are its ancestors.
    let mut keys: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    keys.insert(String::new());
    let page_dirs = loaded
        .iter()
        .map(|p| p.source.rsplit_once('/').map_or("", |(d, _)| d).to_string());
    for dir in page_dirs.chain(index_files.keys().cloned()) {
        let mut k = Some(dir);
        while let Some(key) = k {
            k = parent_key(&key);
            keys.insert(key);
        }
    }

    let mut sections: BTreeMap<String, Section> = keys
        .iter()
        .map(|key| {
            let index = index_files.get(key);
            let front = index.map(|l| l.front.clone()).unwrap_or_default();
            let rendered = index.map(|l| l.rendered.clone()).unwrap_or_default();
            let title = front
                .title
                .clone()
                .or_else(|| rendered.title.clone())
                .unwrap_or_else(|| folder_title(key));
            let description = front
                .description
                .clone()
                .unwrap_or_else(|| rendered.summary.clone());
            let section = Section {
                key: key.clone(),
                url: if key.is_empty() {
                    String::new()
                } else {
                    format!("{key}/")
                },
                source: index.map(|l| l.source.clone()),
                title,
                description,
                weight: front.weight,
                front,
                rendered,
                pages: Vec::new(),
                subsections: Vec::new(),
                parent: parent_key(key),
            };
            (key.clone(), section)
        })
        .collect();

    let mut pages: Vec<Page> = loaded.into_iter().map(Page::from_loaded).collect();
    pages.sort_by(|a, b| a.source.cmp(&b.source));

    // Two sources with one URL (a/b.md and a/b/_index.md) is an error.
    let section_urls: std::collections::BTreeSet<&str> =
        sections.values().map(|s| s.url.as_str()).collect();
    for p in &pages {
        if section_urls.contains(p.url.as_str()) {
            diags.push(
                Diagnostic::error(
                    &p.shown_path,
                    format!("this page and a section both publish `/{}`", p.url),
                )
                .with_hint("rename the page or move it into the section as its `_index.md`"),
            );
        }
    }

    for (i, p) in pages.iter().enumerate() {
        if let Some(s) = sections.get_mut(&p.section) {
            s.pages.push(i);
        }
    }
    let order: BTreeMap<String, (i64, String, String)> = sections
        .values()
        .map(|s| (s.key.clone(), sort_key(s.weight, &s.title, &s.url)))
        .collect();
    for key in keys.iter().filter(|k| !k.is_empty()) {
        if let Some(parent) = parent_key(key) {
            if let Some(s) = sections.get_mut(&parent) {
                s.subsections.push(key.clone());
            }
        }
    }
    for s in sections.values_mut() {
        s.pages
            .sort_by_key(|&i| sort_key(pages[i].front.weight, &pages[i].title, &pages[i].url));
        s.subsections
            .sort_by(|a, b| order.get(a).cmp(&order.get(b)));
    }
    Content {
        pages,
        sections,
        assets,
        paths: Default::default(),
        writing: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizes_folder_names() {
        assert_eq!(humanize("getting-started"), "Getting started");
        assert_eq!(humanize("a/api_keys"), "Api keys");
        assert_eq!(folder_title(""), "Home");
        assert_eq!(folder_title("a/getting-started"), "Getting started");
    }

    #[test]
    fn section_keys_and_parents() {
        assert_eq!(section_key_of_index("_index.md"), "");
        assert_eq!(section_key_of_index("a/b/_index.md"), "a/b");
        assert_eq!(parent_key("a/b").as_deref(), Some("a"));
        assert_eq!(parent_key("a").as_deref(), Some(""));
        assert_eq!(parent_key(""), None);
    }
}
