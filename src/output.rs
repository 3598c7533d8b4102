//! The only stage that writes the site: takes the rendered files and swaps
//! them into the output directory atomically (stub).

use std::path::PathBuf;

/// One file of the built site, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: Contents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copy this source file as is.
    Copy(PathBuf),
}

impl OutputFile {
    pub fn bytes(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.into()),
        }
    }
}
