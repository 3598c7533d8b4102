//! Reading an export, for every importer: the files of a source, their text
//! as UTF-8 (or a diagnostic where it is not), JSON errors at their line, and
//! the date formats forums write.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

use super::source::ForumSource;
use crate::diagnostics::Diagnostic;

/// Parse the date formats forums export: RFC 3339 (`2017-08-08T20:11:32.542Z`,
/// `2021-03-30T19:17:18.000-04:00`) and Stack Exchange's zone-less UTC
/// (`2008-07-31T21:42:52.667`), or a bare date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(d.and_utc());
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(d.and_utc());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// The files an importer reads: `path` itself, or the files in the folder
/// `path` whose names end with one of `extensions`, sorted by name. Reports
/// a missing path or an empty folder.
pub(crate) fn export_files(
    source: &ForumSource,
    extensions: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let path = &source.path;
    if path.is_file() {
        return vec![path.clone()];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("cannot read forum export `{}`: {e}", source.name),
                )
                .with_hint("check `path:` of this source in lorebook.yaml"),
            );
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
            name.is_some_and(|n| !n.starts_with('.') && extensions.iter().any(|x| n.ends_with(x)))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        diags.push(Diagnostic::warning(
            path,
            format!(
                "forum source `{}` has no {} files here",
                source.name,
                extensions.join(" or ")
            ),
        ));
    }
    files
}

/// Read a whole export file as UTF-8, or report why not.
pub(crate) fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => decode_text(path, bytes, diags),
        Err(e) => {
            diags.push(Diagnostic::error(path, format!("cannot read file: {e}")));
            None
        }
    }
}

/// Export bytes as UTF-8, or report where they are not.
pub(crate) fn decode_text(
    path: &Path,
    bytes: Vec<u8>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            let (line, col) = crate::diagnostics::line_col(&text, offset);
            diags.push(Diagnostic::error(path, "file is not valid UTF-8").at(line, col));
            None
        }
    }
}

/// A serde_json error as a diagnostic at its line and column.
pub(crate) fn json_error(path: &Path, err: &serde_json::Error) -> Diagnostic {
    let raw = err.to_string();
    let message = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => &raw,
    };
    Diagnostic::error(path, format!("invalid JSON: {message}")).at(err.line(), err.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forum_date_formats() {
        let want = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        assert_eq!(
            parse_date("2017-08-08T20:11:32.542Z"),
            want("2017-08-08T20:11:32.542Z")
        );
        assert_eq!(
            parse_date("2021-03-30T19:17:18.000-04:00"),
            want("2021-03-30T23:17:18Z")
        );
        assert_eq!(
            parse_date("2008-07-31T21:42:52.667"),
            want("2008-07-31T21:42:52.667Z")
        );
        assert_eq!(parse_date("2026-03-02"), want("2026-03-02T00:00:00Z"));
        assert_eq!(parse_date("yesterday"), None);
    }
}
