//! The one module that talks to serde_yaml: config, front matter,
//! contributors.yaml and lorebook's own forum format all parse through here,
//! so YAML errors always come out as diagnostics with the line in the user's
//! file (the caller passes where the YAML block starts).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{closest, Diagnostic};

/// Parse `text` as YAML into `T`. `first_line` is the 1-based line in the file
/// at which `text` starts (1 for a whole file, 2 for front matter after `---`).
/// `known_keys` feeds the "did you mean" hint for unknown keys.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        // An empty document deserializes as unit; give structs their defaults
        // by parsing an empty mapping instead.
        return serde_yaml::from_str("{}")
            .map_err(|e| to_diagnostic(&e, path, first_line, known_keys));
    }
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, path, first_line, known_keys))
}

/// Parse an arbitrary YAML value (for callers that walk it themselves).
pub fn parse_value(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<serde_yaml::Value, Diagnostic> {
    parse(text, path, first_line, &[])
}

/// A YAML value as text (for files lorebook writes: `lorebook import`).
pub fn to_string(value: &serde_yaml::Value) -> String {
    // Serializing a Value cannot fail (its keys are YAML values already).
    serde_yaml::to_string(value).unwrap_or_default()
}

fn to_diagnostic(
    err: &serde_yaml::Error,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; we print the location ourselves.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut diag = Diagnostic::error(path, tidy_message(&message));
    if let Some(loc) = err.location() {
        diag = diag.at(loc.line() + first_line - 1, loc.column());
    } else if first_line > 1 {
        diag = diag.at(first_line, 1);
    }
    if let Some(key) = unknown_field(&message) {
        diag.message = format!("unknown key `{key}`");
        // serde names the keys valid where the unknown one is (nested
        // mappings included); `known_keys` are the top level's.
        let expected = expected_fields(&message);
        let known_keys: &[&str] = if expected.is_empty() {
            known_keys
        } else {
            &expected
        };
        match closest(key, known_keys.iter().copied()) {
            Some(best) => diag = diag.with_hint(format!("did you mean `{best}`?")),
            None => {
                if !known_keys.is_empty() {
                    diag = diag.with_hint(format!("valid keys here: {}", known_keys.join(", ")));
                }
            }
        }
    }
    diag
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// The keys in serde's "expected one of `a`, `b`" (or "expected `a`").
fn expected_fields(message: &str) -> Vec<&str> {
    let Some(rest) = message.split(", expected ").nth(1) else {
        return Vec::new();
    };
    rest.split('`').skip(1).step_by(2).collect()
}

fn tidy_message(message: &str) -> String {
    message
        .trim_start_matches("invalid type: ")
        .to_string()
        .replace("invalid type: ", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let err = parse::<T>(
            "title: x\ntitel: y\n",
            Path::new("a.md"),
            2,
            &["title", "weight"],
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.line, 3);
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn type_error_has_file_line() {
        let err = parse::<T>("title: x\nweight: heavy\n", Path::new("a.md"), 2, &[]).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.message.contains("weight") || err.message.contains("i64"),
            "{}",
            err.message
        );
    }
}
