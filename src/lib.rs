//! lorebook builds a searchable static support wiki from Markdown kept in git,
//! folds in accepted forum answers, credits contributors and ships a
//! client-side search index.
//!
//! The pipeline: load (all reads) -> model (an immutable `Site`) -> render
//! (pure) -> write (the output stage, atomically). See ARCHITECTURE.md.
//!
//! # Library use
//!
//! [`Config::load`] then [`build()`] (or [`check()`], or
//! [`build::render_all`] for the files in memory) is the whole pipeline.
//! The public modules are those a caller needs for that and for the parts
//! lorebook's own tools, examples and fuzz targets drive on their own:
//! the model ([`site`], [`content`], [`forum`], [`contributors`],
//! [`insights`]), Markdown ([`markdown`], [`highlight`]), the search index
//! ([`search`]), the dev server ([`serve`]), forum import and pull, and the
//! command line ([`cli`], which the binary runs). Rendering, feeds, the
//! navigation tree, linting, reports, "did you mean" and the YAML layer are
//! crate-internal.

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod contributors;
pub mod diagnostics;
pub mod external;
pub(crate) mod feeds;
pub mod forum;
pub mod highlight;
pub mod import;
pub(crate) mod init;
pub mod insights;
pub mod lang;
pub mod links;
pub(crate) mod lint;
pub mod llms;
pub mod markdown;
pub(crate) mod nav;
pub mod output;
pub mod progress;
pub(crate) mod render;
pub(crate) mod report;
pub mod search;
pub mod site;
pub(crate) mod suggest;
pub mod support;
pub mod theme;
pub mod timings;
pub mod urls;
pub mod versions;
pub mod writing;
pub(crate) mod yaml;

pub use build::{build, check, BuildError, BuildReport};
pub use config::{Config, ConfigError, Overrides};
pub mod serve;
