//! Client-side search: site documents in, index files under `search/` out;
//! deterministic, no I/O. `tokenize` defines terms (mirrored by the theme's
//! `search.js`), `index` splits documents into section units and precomputes
//! quantized BM25F weights, `shards` writes the sharded, script-loadable files,
//! `site` turns the `Site` into documents and adds the search page, `live`
//! keeps an index between `lorebook serve` rebuilds and updates it per page.

pub mod index;
pub mod live;
pub mod shards;
pub mod site;
pub mod tokenize;

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
pub fn build_index(docs: &[SearchDoc]) -> Vec<OutputFile> {
    shards::write(&index::build(docs))
}
