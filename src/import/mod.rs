//! `lorebook import mkdocs|docusaurus|hugo|mdbook SRC`: turns another
//! generator's docs tree into a lorebook site: front matter mapped to
//! lorebook's keys (the rest dropped and reported), `index.md`,
//! `README.md`, `_category_` and `SUMMARY.md` conventions made into
//! `_index.md` sections and weights, links rewritten to relative `.md`
//! links (`{{< ref >}}`, `@/path.md`, Docusaurus' `/docs/...` routes, renamed
//! files), admonitions made GitHub alerts. Whatever it cannot map is a
//! warning at the source file and line.
//!
//! Reading the source ([`import`]) and writing the new site ([`write()`]) are
//! the only I/O; each format's module and [`convert`] are pure functions of
//! the files read.

pub mod convert;
mod docusaurus;
mod hugo;
mod mdbook;
mod mkdocs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use convert::Note;

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

/// One file of the new site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Text(String),
    /// Copied from this source file as is.
    Copy(PathBuf),
}

/// The new site, in memory.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Site-relative path (`lorebook.yaml`, `content/a/b.md`) -> contents,
    /// sorted.
    pub files: BTreeMap<String, Contents>,
    /// What could not be mapped, at source file and line (warnings).
    pub notes: Vec<Diagnostic>,
    pub pages: usize,
}

/// A file of the source tree.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// `/`-separated, relative to the folder walked (`docs/`).
    pub rel: String,
    pub path: PathBuf,
}

/// What each format's converter is given: every file it may need, read.
#[derive(Debug, Clone, Default)]
pub struct Source {
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

/// Read `src` as a `format` project and convert it.
pub fn import(format: Format, src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    if !src.is_dir() {
        return Err(vec![Diagnostic::error(
            src,
            "not a folder: give the root of the project to import",
        )]);
    }
    let mut imported = match format {
        Format::Mkdocs => mkdocs::import(src),
        Format::Docusaurus => docusaurus::import(src),
        Format::Hugo => hugo::import(src),
        Format::Mdbook => mdbook::import(src),
    }?;
    imported.notes.sort();
    Ok(imported)
}

/// Read a text file of the project (`rel` to `src`), if it exists.
fn read_text(src: &Path, rel: &str) -> Result<Option<String>, Diagnostic> {
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
fn read_tree(src: &Path, dir: &str, markdown: bool) -> Result<Source, Vec<Diagnostic>> {
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
fn md_name(rel: &str) -> String {
    for ext in [".mdx", ".markdown", ".MD", ".Md"] {
        if let Some(stem) = rel.strip_suffix(ext) {
            return format!("{stem}.md");
        }
    }
    rel.to_string()
}

/// Notes about `shown` (a path relative to SRC) as warnings.
fn notes_at(shown: &str, notes: Vec<Note>) -> impl Iterator<Item = Diagnostic> + '_ {
    notes
        .into_iter()
        .map(move |n| Diagnostic::warning(shown, n.message).at(n.line, 0))
}

/// Front matter of a new page, in lorebook's keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
}

impl NewFront {
    /// `---\n...\n---\n`, or nothing when every key is empty.
    pub fn to_text(&self) -> String {
        use serde_yaml::{Mapping, Value};
        let mut m = Mapping::new();
        let s = |v: &str| Value::String(v.to_string());
        if let Some(t) = &self.title {
            m.insert(s("title"), s(t));
        }
        if let Some(d) = &self.description {
            m.insert(s("description"), s(d));
        }
        if let Some(w) = self.weight {
            m.insert(s("weight"), Value::Number(w.into()));
        }
        if !self.tags.is_empty() {
            m.insert(
                s("tags"),
                Value::Sequence(self.tags.iter().map(|t| s(t)).collect()),
            );
        }
        if !self.aliases.is_empty() {
            m.insert(
                s("aliases"),
                Value::Sequence(self.aliases.iter().map(|t| s(t)).collect()),
            );
        }
        if self.draft {
            m.insert(s("draft"), Value::Bool(true));
        }
        if let Some(d) = &self.date {
            m.insert(s("date"), s(d));
        }
        if m.is_empty() {
            return String::new();
        }
        format!("---\n{}---\n", crate::yaml::to_string(&Value::Mapping(m)))
    }
}

/// YAML front matter split off a page: (yaml, first yaml line, body, first
/// body line). TOML front matter (`+++`) is converted to YAML values by the
/// Hugo importer itself.
pub fn split_front(text: &str) -> (Option<(&str, usize)>, &str, usize) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text, 1);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() + 1;
            return (Some((yaml, 2)), body, body_line);
        }
        offset += line.len();
    }
    (None, text, 1)
}

/// A YAML value as a string (numbers and booleans too), for front matter
/// keys written loosely.
pub fn value_str(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Tagged(t) => value_str(&t.value),
        _ => None,
    }
}

/// Tags written as a list of strings, one string, or `{label: ...}` objects.
pub fn value_tags(v: &serde_yaml::Value) -> Vec<String> {
    match v {
        serde_yaml::Value::Sequence(items) => items
            .iter()
            .filter_map(|i| match i {
                serde_yaml::Value::Mapping(m) => m
                    .get(serde_yaml::Value::String("label".into()))
                    .and_then(value_str),
                other => value_str(other),
            })
            .collect(),
        other => value_str(other)
            .map(|s| {
                s.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `2024-05-01T10:00:00Z` -> `2024-05-01` when it starts with a date.
pub fn date_only(s: &str) -> Option<String> {
    let d = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .map(|_| d.to_string())
}

/// `lorebook.yaml` for an imported site.
pub fn config_text(
    format: Format,
    title: &str,
    base_url: Option<&str>,
    description: Option<&str>,
    edit_url: Option<&str>,
) -> String {
    use serde_yaml::{Mapping, Value};
    let s = |v: &str| Value::String(v.to_string());
    let mut m = Mapping::new();
    m.insert(s("title"), s(title));
    if let Some(b) = base_url {
        m.insert(s("base_url"), s(b));
    }
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        m.insert(s("description"), s(d));
    }
    if let Some(e) = edit_url {
        m.insert(s("edit_url"), s(e));
    }
    format!(
        "# Imported from {} by `lorebook import`.\n{}\
         # While the migration is under way, link problems are warnings: the\n\
         # site builds and `lorebook check --deny-warnings` lists them. Remove\n\
         # this to make broken links errors again.\n\
         links:\n  level: warn\n",
        format.name(),
        crate::yaml::to_string(&Value::Mapping(m)),
    )
}

/// Write `imported` into `out`, which must not exist or be empty. Returns
/// the number of files written.
pub fn write(imported: &Imported, out: &Path) -> Result<usize, Diagnostic> {
    let shown = out.display().to_string();
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(
                &shown,
                "the output folder exists and is not empty; nothing was written",
            )
            .with_hint("give a new folder with --output"));
        }
    }
    for (rel, contents) in &imported.files {
        let dest = out.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(parent, format!("cannot create: {e}")))?;
        }
        let result = match contents {
            Contents::Text(t) => std::fs::write(&dest, t),
            Contents::Copy(from) => std::fs::copy(from, &dest).map(|_| ()),
        };
        result.map_err(|e| Diagnostic::error(&dest, format!("cannot write: {e}")))?;
    }
    Ok(imported.files.len())
}

/// Rewrites the links of one page of an imported tree: relative links to
/// files that moved, `@/path.md` (content-root) links, and site routes the
/// format maps to files (`route`), all made relative `.md` links.
pub struct Links<'a> {
    /// Old content-relative path -> new one, for every file of the tree.
    pub moved: &'a BTreeMap<String, String>,
    /// A site-absolute route (`/docs/a/b`) -> the old path of its file.
    pub route: &'a dyn Fn(&str) -> Option<String>,
    /// Files published from the site root as they are (`img/logo.svg` of
    /// `static/`): links to them stay as written (lorebook resolves them).
    pub statics: &'a BTreeSet<String>,
}

impl Links<'_> {
    /// Rewrite the links of `body` (the page at old path `from`, new path
    /// `to`). `first_line` is the file line of the body's first line.
    pub fn rewrite(
        &self,
        body: &str,
        from: &str,
        to: &str,
        first_line: usize,
        notes: &mut Vec<Note>,
    ) -> String {
        convert::rewrite_links(body, |dest, line| {
            let line = first_line + line - 1;
            if dest.starts_with('#') || convert::is_external(dest) {
                return None;
            }
            let (path, suffix) = convert::split_dest(dest);
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .into_owned();
            let old_target = if let Some(rooted) = decoded.strip_prefix("@/") {
                Some(rooted.to_string())
            } else if let Some(rooted) = decoded.strip_prefix('/') {
                if self.statics.contains(rooted) {
                    return None;
                }
                let found = (self.route)(&decoded);
                if found.is_none() {
                    notes.push(Note::new(
                        line,
                        format!("`{dest}` matches no page of the imported tree; left as written"),
                    ));
                }
                found
            } else {
                convert::resolve(from, &decoded).and_then(|p| {
                    if self.moved.contains_key(&p) {
                        Some(p)
                    } else {
                        // `./guide` written as a route to `guide.md`.
                        ["md", "mdx", "markdown"]
                            .iter()
                            .map(|ext| format!("{}.{ext}", p.trim_end_matches('/')))
                            .find(|c| self.moved.contains_key(c))
                            .or_else(|| {
                                ["index", "README"]
                                    .iter()
                                    .map(|n| format!("{}/{n}.md", p.trim_end_matches('/')))
                                    .find(|c| self.moved.contains_key(c))
                            })
                    }
                })
            };
            let new_target = self.moved.get(&old_target?)?;
            let new = format!("{}{suffix}", convert::relative(to, new_target));
            (new != dest).then_some(new)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_front_matter_is_yaml_lorebook_reads() {
        let f = NewFront {
            title: Some("Install: \"quick\"".into()),
            weight: Some(20),
            tags: vec!["a".into()],
            aliases: vec!["/old/".into()],
            draft: true,
            ..Default::default()
        };
        let text = format!("{}Body\n", f.to_text());
        let split = crate::content::frontmatter::split(&text, Path::new("a.md")).unwrap();
        let parsed = crate::content::frontmatter::parse(&split, Path::new("a.md")).unwrap();
        assert_eq!(parsed.title.as_deref(), Some("Install: \"quick\""));
        assert_eq!(parsed.weight, Some(20));
        assert_eq!(parsed.aliases, ["/old/"]);
        assert!(parsed.draft);
        assert_eq!(NewFront::default().to_text(), "");
    }

    #[test]
    fn links_follow_moved_files_and_routes() {
        let moved: BTreeMap<String, String> = [
            ("guide/index.md", "guide/_index.md"),
            ("guide/01-start.md", "guide/start.md"),
            ("img/a.png", "img/a.png"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let route = |r: &str| (r == "/docs/guide/start").then(|| "guide/01-start.md".to_string());
        let statics = BTreeSet::new();
        let links = Links {
            moved: &moved,
            route: &route,
            statics: &statics,
        };
        let mut notes = Vec::new();
        let out = links.rewrite(
            "[a](index.md#x) [b](./01-start) [c](/docs/guide/start) [d](@/guide/index.md) [e](/nowhere) ![i](../img/a.png) [w](https://x.example/)\n",
            "guide/01-start.md",
            "guide/start.md",
            4,
            &mut notes,
        );
        assert_eq!(
            out,
            "[a](_index.md#x) [b](start.md) [c](start.md) [d](_index.md) [e](/nowhere) ![i](../img/a.png) [w](https://x.example/)\n"
        );
        assert_eq!(
            notes,
            [Note::new(
                4,
                "`/nowhere` matches no page of the imported tree; left as written"
            )]
        );
    }
}
