//! lorebook builds a searchable static support wiki from Markdown kept in git,
//! folds in accepted forum answers, credits contributors and ships a
//! client-side search index.
//!
//! The pipeline: load (all reads) -> model (an immutable `Site`) -> render
//! (pure) -> write (the output stage, atomically). See ARCHITECTURE.md.

pub mod config;
pub mod content;
pub mod contributors;
pub mod diagnostics;
pub mod forum;
pub mod markdown;
pub mod output;
pub mod search;
pub mod serve;
pub mod urls;
pub mod yaml;
