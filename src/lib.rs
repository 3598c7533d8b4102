//! lorebook builds a searchable static support wiki from Markdown kept in git,
//! folds in accepted forum answers, credits contributors and ships a
//! client-side search index.
//!
//! The pipeline: load (all reads) -> model (an immutable `Site`) -> render
//! (pure) -> write (the output stage, atomically). See ARCHITECTURE.md.

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod contributors;
pub mod diagnostics;
pub mod external;
pub mod feeds;
pub mod forum;
pub mod highlight;
pub mod import;
pub mod init;
pub mod insights;
pub mod links;
pub mod lint;
pub mod llms;
pub mod markdown;
pub mod nav;
pub mod output;
pub mod progress;
pub mod render;
pub mod report;
pub mod search;
pub mod site;
pub mod suggest;
pub mod support;
pub mod theme;
pub mod timings;
pub mod urls;
pub mod writing;
pub mod yaml;

pub use build::{build, check, BuildError, BuildReport};
pub use config::{Config, Overrides};
pub mod serve;
