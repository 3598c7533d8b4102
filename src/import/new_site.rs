//! The site an import makes, in memory: its files ([`Imported`]), its
//! `lorebook.yaml`, and what could not be mapped as warnings at the source
//! file and line.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::convert::Note;
use super::source::Format;
use crate::diagnostics::Diagnostic;

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

/// Notes about `shown` (a path relative to SRC) as warnings.
pub(crate) fn notes_at(shown: &str, notes: Vec<Note>) -> impl Iterator<Item = Diagnostic> + '_ {
    notes
        .into_iter()
        .map(move |n| Diagnostic::warning(shown, n.message).at(n.line, 0))
}

/// `lorebook.yaml` for an imported site.
pub(crate) fn config_text(
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
