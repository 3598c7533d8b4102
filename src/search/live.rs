//! The search index `lorebook serve` keeps between rebuilds: every document
//! analyzed once (split into units, tokenized, counted), so a one-page edit
//! analyzes only that page, weighs the collection again and re-deflates only
//! the index files whose payload changed. Its files are always the ones a full
//! build writes for the same documents (same code, remembered work).

use std::collections::BTreeSet;
use std::path::PathBuf;

use rayon::prelude::*;

use super::index::{analyze, analyze_all, weigh, Analyzed, Terms};
use super::model::{DocKind, SearchDoc};
use super::shards::{write_with, Memo};
use crate::output::OutputFile;

/// What identifies a document: kind, slug, URL, title (the index order,
/// see [`super::index::order_key`]).
type DocKey = (DocKind, String, String, String);

fn key_of(doc: &SearchDoc) -> DocKey {
    let (kind, slug, url, title) = super::index::order_key(doc.kind, &doc.url, &doc.title);
    (kind, slug, url.to_string(), title.to_string())
}

/// The index files under `search/` and what produced them.
pub struct LiveIndex {
    /// Keys of `analyzed`, in index order.
    keys: Vec<DocKey>,
    analyzed: Vec<Analyzed>,
    terms: Terms,
    memo: Memo,
    files: Vec<OutputFile>,
}

/// The files an index update adds or replaces, and the ones it makes stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPatch {
    pub write: Vec<OutputFile>,
    pub remove: Vec<PathBuf>,
}

impl LiveIndex {
    /// The index of `docs`; its [`files`](Self::files) equal
    /// [`super::build_index`]'s.
    pub fn new(docs: &[SearchDoc]) -> LiveIndex {
        let mut keys: Vec<DocKey> = docs.iter().map(key_of).collect();
        keys.sort();
        let mut terms = Terms::default();
        let analyzed = analyze_all(docs, &mut terms);
        let mut memo = Memo::default();
        let files = write_with(&weigh(&analyzed, &terms), &mut memo);
        LiveIndex {
            keys,
            analyzed,
            terms,
            memo,
            files,
        }
    }

    /// How many page sections the index holds.
    pub fn sections(&self) -> usize {
        self.analyzed.iter().map(Analyzed::section_count).sum()
    }

    /// The current index files, sorted by path.
    pub fn files(&self) -> &[OutputFile] {
        &self.files
    }

    /// Replace documents already in the index by new versions with the same
    /// kind, URL and title. `None` (and nothing changed) when one of them is
    /// not in the index exactly once.
    pub fn replace(&mut self, docs: &[SearchDoc]) -> Option<IndexPatch> {
        let mut slots = Vec::with_capacity(docs.len());
        for doc in docs {
            let key = key_of(doc);
            let at = self.keys.binary_search(&key).ok()?;
            let twin =
                |i: Option<usize>| i.and_then(|i| self.keys.get(i)).is_some_and(|k| *k == key);
            if twin(at.checked_sub(1)) || twin(at.checked_add(1)) {
                return None;
            }
            slots.push(at);
        }
        let analyzed: Vec<Analyzed> = docs.par_iter().map(analyze).collect();
        for (at, mut a) in slots.into_iter().zip(analyzed) {
            self.terms.intern(&mut a);
            if let Some(slot) = self.analyzed.get_mut(at) {
                *slot = a;
            }
        }
        let files = write_with(&weigh(&self.analyzed, &self.terms), &mut self.memo);
        let old: BTreeSet<&PathBuf> = self.files.iter().map(|f| &f.path).collect();
        let new: BTreeSet<&PathBuf> = files.iter().map(|f| &f.path).collect();
        let remove = old.difference(&new).map(|p| (*p).clone()).collect();
        // Other names are content hashes: an old name has the same bytes.
        let root = std::path::Path::new("search/index.js");
        let old_root = self.files.iter().find(|f| f.path == root);
        let write = files
            .iter()
            .filter(|f| {
                if f.path == root {
                    old_root != Some(*f)
                } else {
                    !old.contains(&f.path)
                }
            })
            .cloned()
            .collect();
        self.files = files;
        Some(IndexPatch { write, remove })
    }
}

/// One [`LiveIndex`] per language (issue 22), as a build writes them: the
/// default language's files under `search/`, another's under
/// `<code>/search/`. A document goes to the index of its URL's language.
pub struct LiveIndexes {
    languages: crate::lang::Languages,
    /// Each language's URL prefix (`` or `de/`) and index, the default first.
    indexes: Vec<(String, LiveIndex)>,
}

impl LiveIndexes {
    /// The indexes of `docs`, each document in its URL's language's index.
    pub fn new(languages: &crate::lang::Languages, docs: Vec<SearchDoc>) -> LiveIndexes {
        let mut groups: Vec<(String, Vec<SearchDoc>)> = languages
            .all()
            .iter()
            .map(|l| (languages.prefix(l), Vec::new()))
            .collect();
        for doc in docs {
            let prefix = languages.prefix(languages.of(&doc.url));
            if let Some(group) = groups.iter_mut().find(|(p, _)| *p == prefix) {
                group.1.push(doc);
            }
        }
        let indexes = groups
            .into_par_iter()
            .map(|(prefix, docs)| (prefix, LiveIndex::new(&docs)))
            .collect();
        LiveIndexes {
            languages: languages.clone(),
            indexes,
        }
    }

    /// How many page sections the indexes hold.
    pub fn sections(&self) -> usize {
        self.indexes.iter().map(|(_, i)| i.sections()).sum()
    }

    /// Every index's files, under their language's prefix.
    pub fn files(&self) -> Vec<OutputFile> {
        self.indexes
            .iter()
            .flat_map(|(prefix, i)| super::site::under(prefix, i.files().to_vec()))
            .collect()
    }

    /// [`LiveIndex::replace`] in each document's language's index; `None`
    /// when one of them is not in its index exactly once.
    pub fn replace(&mut self, docs: &[SearchDoc]) -> Option<IndexPatch> {
        let mut patch = IndexPatch {
            write: Vec::new(),
            remove: Vec::new(),
        };
        for (prefix, index) in &mut self.indexes {
            let mine: Vec<SearchDoc> = docs
                .iter()
                .filter(|d| self.languages.prefix(self.languages.of(&d.url)) == *prefix)
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            let p = index.replace(&mine)?;
            patch.write.extend(super::site::under(prefix, p.write));
            patch.remove.extend(
                p.remove
                    .into_iter()
                    .map(|r| std::path::Path::new(prefix.as_str()).join(r)),
            );
        }
        Some(patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::TextSection;
    use crate::output::Contents;

    fn doc(url: &str, title: &str, text: &str) -> SearchDoc {
        SearchDoc {
            url: url.to_string(),
            title: title.to_string(),
            description: String::new(),
            breadcrumb: vec!["Docs".to_string()],
            kind: DocKind::Page,
            sections: vec![
                TextSection {
                    anchor: None,
                    heading: String::new(),
                    text: text.to_string(),
                    link_chars: 0,
                },
                TextSection {
                    anchor: Some("more".to_string()),
                    heading: "More".to_string(),
                    text: format!("{text} and more"),
                    link_chars: 0,
                },
            ],
            langs: Default::default(),
        }
    }

    fn corpus(edited: &str) -> Vec<SearchDoc> {
        let mut docs: Vec<SearchDoc> = (0..2000)
            .map(|i| {
                doc(
                    &format!("p{i:03}/"),
                    &format!("Page {i}"),
                    &format!("alpha{} beta{} gamma word{i} shared text", i % 7, i % 13),
                )
            })
            .collect();
        docs.push(doc("edited/", "Edited", edited));
        docs
    }

    fn bytes(files: &[OutputFile]) -> Vec<(PathBuf, Vec<u8>)> {
        files
            .iter()
            .map(|f| match &f.contents {
                Contents::Bytes(b) => (f.path.clone(), b.clone()),
                Contents::Copy(p) => (f.path.clone(), p.to_string_lossy().into_owned().into()),
            })
            .collect()
    }

    #[test]
    fn a_fresh_live_index_writes_what_a_full_build_writes() {
        let docs = corpus("first version");
        assert_eq!(
            bytes(LiveIndex::new(&docs).files()),
            bytes(&crate::search::build_index(&docs))
        );
    }

    #[test]
    fn replacing_a_document_gives_the_files_of_a_full_build_of_the_edited_docs() {
        let mut live = LiveIndex::new(&corpus("first version"));
        let before: BTreeSet<PathBuf> = live.files().iter().map(|f| f.path.clone()).collect();
        // Same length: the collection statistics stay, so few files change.
        let edited = corpus("second edition");
        let patch = live
            .replace(&[doc("edited/", "Edited", "second edition")])
            .expect("the document is indexed");
        let full = crate::search::build_index(&edited);
        assert_eq!(bytes(live.files()), bytes(&full));
        // The patch applied to the old file set gives the new one.
        let mut after = before.clone();
        for p in &patch.remove {
            assert!(after.remove(p), "removes a file that existed: {p:?}");
        }
        for f in &patch.write {
            after.insert(f.path.clone());
        }
        let expected: BTreeSet<PathBuf> = full.iter().map(|f| f.path.clone()).collect();
        assert_eq!(after, expected);
        // A small edit leaves most files alone.
        assert!(!patch.remove.is_empty());
        assert!(
            patch.write.len() * 2 < full.len(),
            "{} of {} files written",
            patch.write.len(),
            full.len()
        );
    }

    #[test]
    fn replacing_an_unknown_document_changes_nothing() {
        let docs = corpus("text");
        let mut live = LiveIndex::new(&docs);
        assert!(live.replace(&[doc("missing/", "Missing", "x")]).is_none());
        assert!(live.replace(&[doc("edited/", "Renamed", "x")]).is_none());
        assert_eq!(
            bytes(live.files()),
            bytes(&crate::search::build_index(&docs))
        );
    }
}
