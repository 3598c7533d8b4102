//! Client-side search: site documents in, index files under `search/` out;
//! deterministic, no I/O. `tokenize` defines terms (mirrored by the theme's
//! `search.js`), `model` holds the types the others share, `index` records
//! pages and precomputes quantized BM25 weights per page and section,
//! `shards` writes the sharded, script-loadable files (`text91` packs their
//! bytes as script text), `site` turns the
//! `Site` into documents, `live` keeps an index between `lorebook serve`
//! rebuilds and updates it per page. The search page itself is rendered by
//! `render.rs`.

pub mod index;
pub mod lang;
pub mod live;
pub mod model;
pub mod shards;
pub mod site;
pub mod text91;
pub mod tokenize;

pub use lang::{Lang, Langs};
pub use model::{DocKind, SearchDoc};

use crate::output::OutputFile;

/// Build the index files (paths relative to the output root, under `search/`).
pub fn build_index(docs: &[SearchDoc]) -> Vec<OutputFile> {
    shards::write(&index::build(docs))
}
