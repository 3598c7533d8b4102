//! The project to import: its format, and its files read (the only reads
//! of an import): a text file by name, a folder walked with its Markdown
//! files read and the other files listed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The generators lorebook imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mkdocs,
    Docusaurus,
    Hugo,
    Mdbook,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Mkdocs => "MkDocs",
            Format::Docusaurus => "Docusaurus",
            Format::Hugo => "Hugo",
            Format::Mdbook => "mdBook",
        }
    }
}

/// A file of the source tree.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// `/`-separated, relative to the folder walked (`docs/`).
    pub rel: String,
    pub path: PathBuf,
}

/// What each format's converter is given: every file it may need, read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    /// Shown path prefix of the content folder (`docs`), for notes.
    pub shown_dir: String,
    /// Markdown files by `rel`, with their text.
    pub pages: Vec<(SourceFile, String)>,
    /// Every other file under the content folder.
    pub assets: Vec<SourceFile>,
    /// Files outside the content folder the format reads (config, nav,
    /// `static/`), by path relative to SRC.
    pub extra: BTreeMap<String, String>,
    /// `static/` files (copied to lorebook's `static/`), relative to it.
    pub statics: Vec<SourceFile>,
}

/// Read a text file of the project (`rel` to `src`), if it exists.
pub(crate) fn read_text(src: &Path, rel: &str) -> Result<Option<String>, Diagnostic> {
    let path = src.join(rel);
    if !path.is_file() {
        return Ok(None);
    }
    std::fs::read_to_string(&path)
        .map(Some)
        .map_err(|e| Diagnostic::error(rel, format!("cannot read: {e}")))
}

/// Walk `src/dir`: Markdown files read (`.md`, `.markdown`, `.mdx`), other
/// files listed. Sorted, hidden files and folders skipped.
pub(crate) fn read_tree(src: &Path, dir: &str, markdown: bool) -> Result<Source, Vec<Diagnostic>> {
    let root = src.join(dir);
    let mut source = Source {
        shown_dir: dir.trim_end_matches('/').to_string(),
        ..Default::default()
    };
    if !root.is_dir() {
        return Err(vec![Diagnostic::error(
            dir,
            format!("no `{dir}` folder in `{}`", src.display()),
        )]);
    }
    let mut errors = Vec::new();
    let walker = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(Diagnostic::error(dir, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = entry
            .path()
            .strip_prefix(&root)
            .ok()
            .and_then(|p| p.to_str())
            .map(|s| s.replace('\\', "/"))
        else {
            errors.push(Diagnostic::error(
                entry.path(),
                "file name is not valid UTF-8; skipped",
            ));
            continue;
        };
        let file = SourceFile {
            rel,
            path: entry.path().to_path_buf(),
        };
        if markdown && is_markdown(&file.rel) {
            match std::fs::read_to_string(&file.path) {
                Ok(t) => source
                    .pages
                    .push((file, t.trim_start_matches('\u{feff}').to_string())),
                Err(e) => errors.push(Diagnostic::error(
                    format!("{dir}/{}", file.rel),
                    format!("cannot read: {e}"),
                )),
            }
        } else {
            source.assets.push(file);
        }
    }
    if errors.is_empty() {
        Ok(source)
    } else {
        Err(errors)
    }
}

fn is_markdown(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".mdx")
}

/// `a/b.mdx`, `a/b.markdown` -> `a/b.md`.
pub(crate) fn md_name(rel: &str) -> String {
    for ext in [".mdx", ".markdown", ".MD", ".Md"] {
        if let Some(stem) = rel.strip_suffix(ext) {
            return format!("{stem}.md");
        }
    }
    rel.to_string()
}
