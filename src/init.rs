//! `lorebook init`: writes the starter site embedded in the binary
//! (`src/starter/`) into a new or empty directory. Never overwrites a file.

use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/starter.rs"));

#[derive(Debug, thiserror::Error)]
pub(crate) enum InitError {
    #[error("`{0}` already exists; lorebook init never overwrites files")]
    Exists(PathBuf),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Write the starter site into `dir`. Returns the files written.
pub(crate) fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    // Check everything first so a refused init writes nothing.
    for (rel, _) in STARTER {
        let path = dir.join(rel);
        if path.exists() {
            return Err(InitError::Exists(path));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| InitError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|source| InitError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_has_config_and_content() {
        let names: Vec<&str> = STARTER.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"lorebook.yaml"));
        assert!(names.iter().any(|n| n.starts_with("content/")));
    }

    #[test]
    fn refuses_to_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("lorebook.yaml"), "title: Mine\n").unwrap();
        assert!(matches!(init(tmp.path()), Err(InitError::Exists(_))));
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("lorebook.yaml")).unwrap(),
            "title: Mine\n"
        );
    }
}
