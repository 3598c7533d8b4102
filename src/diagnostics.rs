//! Diagnostics: every problem lorebook reports about a user's files, with the
//! file, line and column it points at, and an optional hint.
//!
//! Loading stages collect diagnostics instead of stopping at the first one, so
//! one bad page never hides the others; the CLI prints them and picks the exit
//! code.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file. `line` and `col` are 1-based; 0 means "unknown".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Diagnostic {
    /// Path as the user knows it: relative to the site root when inside it.
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// What the problem is about, for summaries and tools (serialized as
    /// `kind` and `target` beside the other fields); None for most.
    #[serde(flatten)]
    pub about: Option<Box<About>>,
    /// The git ref whose tree the file is in, when it is not a file on disk
    /// (a version of `versions:` built from a `ref:`); `path` is then shown
    /// as `ref:path`. Serialized as `ref`, only when set.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub revision: Option<Box<str>>,
}

/// The kind of a problem and the thing it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct About {
    /// `broken_page` and the other link kinds of `links:` in lorebook.yaml.
    pub kind: &'static str,
    /// The missing thing, the same from every page that points at it (for
    /// "linked from 200 pages" summaries): `/a/b/`, `a/b.md#anchor`.
    pub target: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            about: None,
            revision: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Tag the problem with its kind and the thing it is about.
    pub fn about(mut self, kind: &'static str, target: impl Into<String>) -> Self {
        self.about = Some(Box::new(About {
            kind,
            target: target.into(),
        }));
        self
    }

    /// For a file read from a git ref (`revision`), the ref and the path
    /// inside its tree: `v1:content/a.md` -> (`v1`, `content/a.md`).
    pub fn in_revision(&self) -> Option<(&str, String)> {
        let rev = self.revision.as_deref()?;
        let shown = display_path(&self.path);
        let inner = shown.strip_prefix(rev)?.strip_prefix(':')?.to_string();
        Some((rev, inner))
    }

    /// The kind of problem, when it has one (`broken_page`, ...).
    pub fn kind(&self) -> Option<&'static str> {
        self.about.as_ref().map(|a| a.kind)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` as editors and terminals make clickable.
    pub fn location(&self) -> String {
        let path = display_path(&self.path);
        match (self.line, self.col) {
            (0, _) => path,
            (line, 0) => format!("{path}:{line}"),
            (line, col) => format!("{path}:{line}:{col}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {sev}: {}",
            terminal_safe(&self.location()),
            terminal_safe(&self.message)
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", terminal_safe(hint))?;
        }
        Ok(())
    }
}

/// `text` made safe to print on a terminal: control characters (ESC, CSI,
/// OSC and BEL that clear the screen, set the window title or forge links;
/// carriage returns that overwrite a line) and the bidirectional overrides
/// that reorder what is shown are written as `\x1b`, `\u{9b}`, ... Line
/// feeds and tabs stay. Every string from content, git or a forum passes
/// through here on its way to the terminal (the diagnostics printer, the
/// status lines, `insights`).
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Paths are shown with forward slashes on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// A set of diagnostics gathered by one stage.
pub type Diagnostics = Vec<Diagnostic>;

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The closest candidate to `word` by edit distance, if it is close enough to
/// be a plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 8), (3, 1));
    }

    #[test]
    fn display_is_clickable() {
        let d = Diagnostic::error("content/a.md", "bad")
            .at(3, 7)
            .with_hint("fix it");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: bad\n  hint: fix it"
        );
    }

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["title", "base_url", "description"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("baseurl", keys), Some("base_url"));
        assert_eq!(closest("zzzzzzzz", keys), None);
    }

    /// Issue 25 item 6: escape sequences from forum names, git authors or
    /// page text never reach the terminal raw.
    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(terminal_safe("plain ünïcode\tok\n"), "plain ünïcode\tok\n");
        assert_eq!(
            terminal_safe("a\x1b[2Jb\x1b]0;title\x07c\rd\u{9b}e\u{202e}f"),
            "a\\x1b[2Jb\\x1b]0;title\\x07c\\x0dd\\u{9b}e\\u{202e}f"
        );
        let d = Diagnostic::warning("forum/\x1b]8;;http://evil\x07x.json", "user \x1b[2J")
            .with_hint("\x1b]0;pwned\x07");
        let shown = d.to_string();
        assert!(
            !shown.contains('\x1b') && !shown.contains('\x07'),
            "{shown:?}"
        );
    }
}
