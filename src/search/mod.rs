//! Search index (stub: the search stage fills this in).
//! Site documents in, index files under `search/` out; deterministic, no I/O.

use crate::markdown::TextSection;
use crate::output::OutputFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Page,
    Answer,
}

/// One page or answer to index.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// Site-relative URL (`a/b/`).
    pub url: String,
    pub title: String,
    /// Titles of the sections above it, outermost first.
    pub breadcrumb: Vec<String>,
    pub kind: DocKind,
    pub sections: Vec<TextSection>,
}

/// Build the index files (paths relative to the output root, under `search/`).
pub fn build_index(_docs: &[SearchDoc]) -> Vec<OutputFile> {
    Vec::new()
}
