//! Front matter: splitting the YAML block off a Markdown file and parsing it
//! into [`FrontMatter`], with errors on the lines of the `.md` file itself.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::yaml;

/// Front matter keys a page may set. Unknown keys are errors.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    /// Old site-relative URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Forum answers promoted into this page (`discourse:1234`).
    #[serde(default)]
    pub answers: Vec<String>,
    /// Date the page was last reviewed (`2026-05-01`).
    pub reviewed: Option<Date>,
    /// Publication date, used by the feed when git has no history.
    pub date: Option<Date>,
    /// A template other than the default (`page.html` / `section.html`).
    pub template: Option<String>,
}

pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "weight",
    "draft",
    "aliases",
    "answers",
    "reviewed",
    "date",
    "template",
];

/// A calendar date in front matter: `2026-05-01` (a time part is accepted and dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let day = s.get(..10).unwrap_or(&s);
        chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| {
                serde::de::Error::custom(format!("`{s}` is not a date (expected YYYY-MM-DD)"))
            })
    }
}

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The YAML text between the `---` lines (empty when there is none).
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

/// Split front matter off `text`. A file that does not start with `---` has none.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: rest,
            body_offset: bom,
            body_line: 1,
        });
    }
    let yaml_start = bom + first_line_end;
    let mut pos = yaml_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line: 2,
                body: &text[end..],
                body_offset: end,
                body_line: line + 1,
            });
        }
        pos = end;
        line += 1;
    }
    Err(Diagnostic::error(path, "front matter is not closed")
        .at(1, 1)
        .with_hint("add a line with `---` after the front matter"))
}

/// 1-based file line of each top-level key of the front matter, so later
/// stages can point at `aliases:` or `answers:` in the page itself.
pub fn key_lines(split: &Split<'_>) -> std::collections::BTreeMap<String, usize> {
    let mut lines = std::collections::BTreeMap::new();
    for (i, line) in split.yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        if let Some((key, _)) = line.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            if !key.is_empty() {
                lines.entry(key.to_string()).or_insert(split.yaml_line + i);
            }
        }
    }
    lines
}

/// Parse the front matter block of a split file.
pub fn parse(split: &Split<'_>, path: &Path) -> Result<FrontMatter, Diagnostic> {
    yaml::parse(split.yaml, path, split.yaml_line, FRONT_MATTER_KEYS)
}

/// Parse the front matter, keeping what could be read when some keys are
/// wrong: the page still loads (so links to it resolve and its own problems
/// are found in the same run), and every bad key is reported.
pub fn parse_lenient(split: &Split<'_>, path: &Path) -> (FrontMatter, Vec<Diagnostic>) {
    yaml::parse_lenient(split.yaml, path, split.yaml_line, FRONT_MATTER_KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: Hi\n---\n# Body\n";
        let s = split(text, p()).unwrap();
        assert_eq!(s.yaml, "title: Hi\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
        assert_eq!(&text[s.body_offset..], "# Body\n");
        assert_eq!(parse(&s, p()).unwrap().title.as_deref(), Some("Hi"));
    }

    #[test]
    fn file_without_front_matter_is_all_body() {
        let s = split("# Only body\n", p()).unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body_line, 1);
        assert_eq!(parse(&s, p()).unwrap(), FrontMatter::default());
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        let e = split("---\ntitle: x\n# no end\n", p()).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn errors_name_the_line_in_the_markdown_file() {
        let text = "---\ntitle: Hi\ntags: [a, b]\nwieght: 3\n---\nbody\n";
        let s = split(text, p()).unwrap();
        let e = parse(&s, p()).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert_eq!(e.message, "unknown key `wieght`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn key_lines_are_file_lines() {
        let text = "---\ntitle: Hi\ntags:\n  - a\naliases: [x/]\n---\nbody\n";
        let s = split(text, p()).unwrap();
        let lines = key_lines(&s);
        assert_eq!(lines["title"], 2);
        assert_eq!(lines["tags"], 3);
        assert_eq!(lines["aliases"], 5);
        assert!(!lines.contains_key("- a"));
    }

    #[test]
    fn bad_date_is_reported() {
        let text = "---\nreviewed: last tuesday\n---\n";
        let s = split(text, p()).unwrap();
        let e = parse(&s, p()).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("not a date"), "{}", e.message);
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = "\u{feff}---\r\ntitle: Hi\r\n---\r\nbody\r\n";
        let s = split(text, p()).unwrap();
        assert_eq!(parse(&s, p()).unwrap().title.as_deref(), Some("Hi"));
        assert_eq!(s.body, "body\r\n");
    }
}
