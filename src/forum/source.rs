//! What a configured forum source is: its kind (which importer reads it)
//! and where its export lies. `config` resolves `forum:` of lorebook.yaml
//! into these; the importers, the pull and the support links read them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// Which importer reads a forum source.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ForumKind {
    Discourse,
    Stackexchange,
    GithubDiscussions,
    Lorebook,
}

impl ForumKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ForumKind::Discourse => "discourse",
            ForumKind::Stackexchange => "stackexchange",
            ForumKind::GithubDiscussions => "github-discussions",
            ForumKind::Lorebook => "lorebook",
        }
    }
}

/// One configured forum export.
#[derive(Debug, Clone, PartialEq)]
pub struct ForumSource {
    pub kind: ForumKind,
    /// Short unique name: the prefix of answer ids (`discourse:1234`) and URLs.
    pub name: String,
    /// Absolute path of the export (file or folder).
    pub path: PathBuf,
    /// The forum's base URL, for links back and for resolving relative links.
    pub url: Option<String>,
    pub licence: Option<String>,
    pub min_score: i64,
    /// Forum tag -> wiki section path (e.g. `getting-started`).
    pub sections: BTreeMap<String, String>,
    /// Section for answers whose tags map nowhere.
    pub default_section: String,
    /// Show reading progress on stderr (set from the command line for a
    /// terminal; never from lorebook.yaml).
    pub progress: bool,
}
