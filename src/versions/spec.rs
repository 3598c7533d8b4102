//! `versions:` of lorebook.yaml as `config.rs` resolves it (a leaf module:
//! `config` imports it, and `versions` imports `config`).

use std::path::PathBuf;

/// One entry of `versions:`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSpec {
    /// The version's folder in the URL (`2.x` publishes under `/2.x/`).
    pub name: String,
    pub source: VersionSource,
    /// Its line in lorebook.yaml (the line of its `name:`).
    pub line: usize,
    /// `alias:`, the folder the version is published under instead of its
    /// name (the latest: instead of the site root), and its line.
    pub alias: Option<(String, usize)>,
}

impl VersionSpec {
    /// The version's folder in the output and the URLs (`2.x/`, `latest/`),
    /// empty for the latest without an alias.
    pub fn prefix(&self) -> String {
        match (&self.alias, &self.source) {
            (Some((alias, _)), _) => format!("{alias}/"),
            (None, VersionSource::WorkingTree) => String::new(),
            (None, _) => format!("{}/", self.name),
        }
    }
}

/// Where a version's Markdown comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSource {
    /// The site's own `content/`: the latest version, at the site root.
    WorkingTree,
    /// `content/` as it is at a git ref (branch, tag or commit id).
    GitRef(String),
    /// A folder of Markdown, relative to the site root (`shown`).
    Folder { shown: String, path: PathBuf },
}

/// Whether `name` may be a version's URL segment.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The 1-based line of `key: value` (a list item's `- key: value` too,
/// quotes around the value ignored; any value when `value` is empty) at or
/// after the 1-based line `after`, else `after` (0 when nothing is known).
pub(crate) fn line_of(text: &str, key: &str, value: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after.saturating_sub(1))
        .find(|(_, l)| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            let Some(rest) = l.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
                return false;
            };
            let v = rest.trim().trim_matches(|c| c == '"' || c == '\'');
            value.is_empty() || v == value.trim()
        })
        .map_or(after, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_url_segments() {
        assert!(valid_name("2.x"));
        assert!(valid_name("v1_0-rc"));
        for bad in ["", ".hidden", "a/b", "a b", "..", "ü"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn lines_are_found_after_a_start() {
        let text = "title: T\nlanguages:\n  de:\n    name: de\nversions:\n  - name: \"1.x\"\n    ref: v1\n  - name: 2.x\n";
        assert_eq!(line_of(text, "name", "1.x", 5), 6);
        assert_eq!(line_of(text, "ref", "v1", 6), 7);
        assert_eq!(line_of(text, "name", "2.x", 1), 8);
        assert_eq!(line_of(text, "name", "3.x", 5), 5);
        assert_eq!(line_of(text, "versions", "", 0), 5);
    }
}
