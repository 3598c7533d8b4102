//! The in-memory site that `lorebook serve` answers from: an immutable map
//! from output path (`a/b/index.html`) to bytes, or to a source file that is
//! streamed from disk for `Contents::Copy` entries. A new snapshot is built
//! (or patched from the previous one) after each good build and swapped in
//! whole, so a request never sees a half-built site.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::output::{Contents, OutputFile};

/// What one file of the snapshot holds.
#[derive(Debug)]
pub enum Body {
    Bytes(Arc<[u8]>),
    /// Stream this source file (checked against the allowed roots per request).
    Copy(PathBuf),
}

/// One file of the snapshot. The ETag of bytes is computed on first use.
#[derive(Debug)]
pub struct Entry {
    pub body: Body,
    hash: OnceLock<String>,
}

impl Entry {
    fn new(contents: Contents) -> Entry {
        let body = match contents {
            Contents::Bytes(b) => Body::Bytes(b.into()),
            Contents::Copy(p) => Body::Copy(p),
        };
        Entry {
            body,
            hash: OnceLock::new(),
        }
    }

    /// Hex digest of the bytes (first 16 bytes of SHA-256); `None` for files
    /// streamed from disk.
    pub fn content_hash(&self) -> Option<&str> {
        match &self.body {
            Body::Bytes(bytes) => Some(self.hash.get_or_init(|| {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(bytes);
                digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
            })),
            Body::Copy(_) => None,
        }
    }
}

/// A change to the served site produced by one rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// The complete site; replaces the snapshot.
    Full(Vec<OutputFile>),
    /// Only these files changed (added or replaced) or disappeared.
    Patch {
        write: Vec<OutputFile>,
        remove: Vec<PathBuf>,
    },
}

impl From<Vec<OutputFile>> for Update {
    fn from(files: Vec<OutputFile>) -> Update {
        Update::Full(files)
    }
}

impl Update {
    /// How many files this update writes or removes.
    pub fn len(&self) -> usize {
        match self {
            Update::Full(files) => files.len(),
            Update::Patch { write, remove } => write.len() + remove.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An immutable snapshot of the built site.
#[derive(Debug, Default, Clone)]
pub struct SiteFiles {
    /// Shared keys: patching a large site clones pointers, not strings.
    files: BTreeMap<Arc<str>, Arc<Entry>>,
}

impl SiteFiles {
    pub fn from_outputs(files: Vec<OutputFile>) -> SiteFiles {
        let mut site = SiteFiles::default();
        site.write(files);
        site
    }

    /// The snapshot after `update`; `self` is left untouched. Patching clones
    /// only the map of shared entries, not their bytes.
    pub fn apply(&self, update: Update) -> SiteFiles {
        match update {
            Update::Full(files) => SiteFiles::from_outputs(files),
            Update::Patch { write, remove } => {
                let mut next = self.clone();
                for path in remove {
                    if let Some(key) = key_of(&path) {
                        next.files.remove(key.as_str());
                    }
                }
                next.write(write);
                next
            }
        }
    }

    fn write(&mut self, files: Vec<OutputFile>) {
        for file in files {
            // A path that is absolute or climbs out cannot be a site file;
            // it is dropped rather than served under a surprising name.
            if let Some(key) = key_of(&file.path) {
                self.files
                    .insert(key.into(), Arc::new(Entry::new(file.contents)));
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Arc<Entry>> {
        self.files.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.files.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(|k| &**k)
    }
}

/// `a/b/index.html` for a relative output path made of normal components.
pub fn key_of(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(site: &SiteFiles, key: &str) -> Option<Vec<u8>> {
        match &site.get(key)?.body {
            Body::Bytes(b) => Some(b.to_vec()),
            Body::Copy(_) => None,
        }
    }

    #[test]
    fn keys_use_forward_slashes_and_refuse_escaping_paths() {
        assert_eq!(
            key_of(Path::new("a/b/index.html")).as_deref(),
            Some("a/b/index.html")
        );
        assert_eq!(key_of(Path::new("./a.css")).as_deref(), Some("a.css"));
        assert_eq!(key_of(Path::new("../a.css")), None);
        assert_eq!(key_of(Path::new("/etc/passwd")), None);
        assert_eq!(key_of(Path::new("")), None);
    }

    #[test]
    fn patch_replaces_adds_and_removes_without_touching_the_old_snapshot() {
        let old = SiteFiles::from_outputs(vec![
            OutputFile::bytes("index.html", "home"),
            OutputFile::bytes("a/index.html", "a1"),
            OutputFile::bytes("b/index.html", "b"),
        ]);
        let new = old.apply(Update::Patch {
            write: vec![
                OutputFile::bytes("a/index.html", "a2"),
                OutputFile::bytes("c/index.html", "c"),
            ],
            remove: vec!["b/index.html".into()],
        });
        assert_eq!(bytes_of(&old, "a/index.html").as_deref(), Some(&b"a1"[..]));
        assert!(old.contains("b/index.html"));
        assert_eq!(bytes_of(&new, "a/index.html").as_deref(), Some(&b"a2"[..]));
        assert_eq!(bytes_of(&new, "index.html").as_deref(), Some(&b"home"[..]));
        assert!(!new.contains("b/index.html"));
        assert_eq!(
            new.keys().collect::<Vec<_>>(),
            ["a/index.html", "c/index.html", "index.html"]
        );
    }

    #[test]
    fn full_update_replaces_everything() {
        let old = SiteFiles::from_outputs(vec![OutputFile::bytes("old.html", "x")]);
        let new = old.apply(vec![OutputFile::bytes("new.html", "y")].into());
        assert_eq!(new.keys().collect::<Vec<_>>(), ["new.html"]);
    }

    #[test]
    fn equal_bytes_hash_equal_and_different_bytes_differ() {
        let site = SiteFiles::from_outputs(vec![
            OutputFile::bytes("a", "same"),
            OutputFile::bytes("b", "same"),
            OutputFile::bytes("c", "other"),
        ]);
        let hash = |k: &str| site.get(k).and_then(|e| e.content_hash()).map(String::from);
        assert_eq!(hash("a"), hash("b"));
        assert_ne!(hash("a"), hash("c"));
        assert_eq!(hash("a").map(|h| h.len()), Some(32));
    }
}
