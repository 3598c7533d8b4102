//! `lorebook init`: writes the starter site embedded in the binary
//! (`src/starter/`) into a new or empty directory. Never overwrites a file.

use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/starter.rs"));

#[derive(Debug, thiserror::Error)]
pub(crate) enum InitError {
    #[error("`{0}` already exists; lorebook init never overwrites files")]
    Exists(PathBuf),
    #[error("`{0}` is a symbolic link; lorebook init never writes through links")]
    Symlink(PathBuf),
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
    // A dangling link does not "exist" but would be written through: any
    // entry at the path counts, and no folder on the way may be a link.
    for (rel, _) in STARTER {
        let mut path = dir.to_path_buf();
        for part in Path::new(rel).components() {
            path.push(part);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => return Err(InitError::Symlink(path)),
                Ok(_) if path == dir.join(rel) => return Err(InitError::Exists(path)),
                _ => {}
            }
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
        // create_new: never follow or replace whatever appeared meanwhile.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .map_err(|source| InitError::Io {
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

    /// Issue 25 item 9: a dangling link at a starter path is not followed.
    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_a_dangling_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let outside = tmp.path().join("outside.yaml");
        std::os::unix::fs::symlink(&outside, site.join("lorebook.yaml")).unwrap();
        assert!(matches!(init(&site), Err(InitError::Symlink(_))));
        assert!(!outside.exists(), "wrote through the link");
        let site2 = tmp.path().join("site2");
        std::fs::create_dir_all(&site2).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), site2.join("content")).unwrap();
        assert!(matches!(init(&site2), Err(InitError::Symlink(_))));
        assert!(!tmp.path().join("elsewhere").exists());
    }
}
