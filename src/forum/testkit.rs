//! Test helpers for the importers (tests only): sources as config would
//! resolve them, and export folders.

use std::collections::BTreeMap;
use std::path::Path;

use super::source::{ForumKind, ForumSource};

/// A source as config would resolve it, reading `path` relative to the
/// crate root.
pub fn source(kind: ForumKind, name: &str, path: &str, url: Option<&str>) -> ForumSource {
    ForumSource {
        kind,
        name: name.to_string(),
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        url: url.map(str::to_string),
        licence: None,
        min_score: i64::MIN,
        sections: BTreeMap::new(),
        default_section: "community".to_string(),
        progress: false,
    }
}

/// Write `files` (name, contents) into a fresh temporary folder.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}
