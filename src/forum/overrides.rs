//! `answers.yaml` at the site root: what writers say about imported answers
//! without touching the exports (a pull rewrites its snapshots). Today one
//! thing: `reviewed:`, the day a writer checked the answer, which shows
//! "Verified by the docs team on DATE" on its page.
//!
//! ```yaml
//! answers:
//!   - id: stackexchange:12      # `<source name>:<question id>`
//!     reviewed: 2026-03-01
//! ```
//!
//! Parsed only through `crate::yaml` (unknown keys are errors with a line);
//! an id no source provides is an error with a did-you-mean hint. A review
//! here wins over one in the export when it is newer.

use std::path::Path;

use serde::Deserialize;

use super::model::ForumData;
use crate::diagnostics::{closest, line_col, Diagnostic};

const KEYS: &[&str] = &["answers", "id", "reviewed"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    answers: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    reviewed: Option<String>,
}

/// Read `path` (shown as `shown`) when it exists and apply it to `data`.
pub fn apply_file(path: &Path, shown: &Path, data: &mut ForumData) -> Vec<Diagnostic> {
    match std::fs::read_to_string(path) {
        Ok(text) => apply(&text, shown, data),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => vec![Diagnostic::error(shown, format!("cannot read file: {e}"))],
    }
}

/// Apply the text of an `answers.yaml` to `data`.
pub fn apply(text: &str, shown: &Path, data: &mut ForumData) -> Vec<Diagnostic> {
    let file: File = match crate::yaml::parse(text, shown, 1, KEYS) {
        Ok(f) => f,
        Err(d) => return vec![d],
    };
    let mut diags = Vec::new();
    let at = |needle: &str| {
        text.find(needle)
            .map_or((0, 0), |offset| line_col(text, offset))
    };
    for entry in file.answers {
        let Some(answer) = data.answers.iter_mut().find(|a| a.id == entry.id) else {
            let (line, col) = at(&entry.id);
            let d = Diagnostic::error(
                shown,
                format!("`{}` is not an answer any forum source provides", entry.id),
            )
            .at(line, col);
            // Borrow ends before the hint looks at every id.
            let ids: Vec<&str> = data.answers.iter().map(|a| a.id.as_str()).collect();
            diags.push(match closest(&entry.id, ids) {
                Some(b) => d.with_hint(format!("did you mean `{b}`?")),
                None => d.with_hint("ids are `<source name>:<question id>`, e.g. `discourse:1234`"),
            });
            continue;
        };
        if let Some(day) = entry.reviewed.as_deref() {
            match chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
                Ok(d) => answer.reviewed = answer.reviewed.max(Some(d)),
                Err(_) => {
                    let (line, col) = at(&format!("reviewed: {day}"));
                    diags.push(
                        Diagnostic::error(shown, format!("`reviewed: {day}` is not a date"))
                            .at(line, col)
                            .with_hint("write the day as YYYY-MM-DD"),
                    );
                }
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::testkit::answer;

    fn data() -> ForumData {
        ForumData {
            answers: vec![answer("12", 1, "ana", "2024-01-01")],
            unanswered: Vec::new(),
        }
    }

    #[test]
    fn a_review_date_reaches_its_answer() {
        let mut d = data();
        let diags = apply(
            "answers:\n  - id: f:12\n    reviewed: 2026-03-01\n",
            Path::new("answers.yaml"),
            &mut d,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            d.answers[0].reviewed,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        );
    }

    #[test]
    fn unknown_ids_bad_dates_and_keys_are_errors_at_their_line() {
        let mut d = data();
        let text = "answers:\n  - id: f:13\n  - id: f:12\n    reviewed: soon\n";
        let diags = apply(text, Path::new("answers.yaml"), &mut d);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(diags[0].line, 2);
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `f:12`?"));
        assert_eq!(diags[1].line, 4);
        assert_eq!(d.answers[0].reviewed, None);
        let diags = apply(
            "answers:\n  - id: f:12\n    reviewd: 2026-01-01\n",
            Path::new("answers.yaml"),
            &mut d,
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 3);
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `reviewed`?"));
    }
}
