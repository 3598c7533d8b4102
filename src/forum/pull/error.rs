//! Why a pull could not be done for one source.

use std::path::Path;

/// A pull that could not be done, for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullError {
    pub source: String,
    pub message: String,
    pub hint: Option<String>,
}

impl PullError {
    pub fn new(source: &str, message: impl Into<String>) -> PullError {
        PullError {
            source: source.to_string(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> PullError {
        self.hint = Some(hint.into());
        self
    }

    pub fn io(source: &str, path: &Path, err: &std::io::Error) -> PullError {
        PullError::new(
            source,
            format!(
                "cannot write `{}`: {err}",
                crate::diagnostics::display_path(path)
            ),
        )
    }
}

impl std::fmt::Display for PullError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "forum source `{}`: {}", self.source, self.message)
    }
}

impl std::error::Error for PullError {}
