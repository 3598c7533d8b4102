//! lorebook's own forum format: YAML files (`questions:` list) for any forum
//! without a dedicated importer. Parsed only through `crate::yaml::parse`, so
//! unknown keys are errors with file and line. The format is documented in
//! FORUM-FORMAT.md.

use std::path::Path;

use serde::Deserialize;

use super::github::markdown_to_html;
use super::sanitize::Sanitizer;
use super::{export_files, parse_date, read_text, Author, Reply, Thread};
use crate::config::ForumSource;
use crate::diagnostics::{line_col, Diagnostic};
use crate::yaml;

/// Every key of the format, for "did you mean" hints.
const KEYS: &[&str] = &[
    "questions",
    "id",
    "title",
    "url",
    "tags",
    "score",
    "asked",
    "author",
    "body",
    "answers",
    "accepted",
    "date",
    "accepted_at",
    "username",
    "name",
    "avatar",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    questions: Vec<NQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Id {
    Number(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NQuestion {
    id: Id,
    title: String,
    url: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    score: i64,
    asked: Option<String>,
    author: Option<NAuthor>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    answers: Vec<NAnswer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NAnswer {
    #[serde(default)]
    accepted: bool,
    #[serde(default)]
    score: i64,
    date: Option<String>,
    accepted_at: Option<String>,
    url: Option<String>,
    author: Option<NAuthor>,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NAuthor {
    username: String,
    name: Option<String>,
    url: Option<String>,
    avatar: Option<String>,
}

/// Read a YAML file, or every `.yaml`/`.yml` file of a folder.
pub(crate) fn read(source: &ForumSource, diags: &mut Vec<Diagnostic>) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut threads = Vec::new();
    for file in export_files(source, &[".yaml", ".yml"], diags) {
        if let Some(text) = read_text(&file, diags) {
            read_file(&text, &file, &sanitizer, diags, &mut threads);
        }
    }
    threads
}

/// One YAML file's text, reported as `source.path`.
pub(crate) fn read_str(
    source: &ForumSource,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut threads = Vec::new();
    read_file(text, &source.path, &sanitizer, diags, &mut threads);
    threads
}

fn read_file(
    text: &str,
    file: &Path,
    sanitizer: &Sanitizer,
    diags: &mut Vec<Diagnostic>,
    threads: &mut Vec<Thread>,
) {
    let parsed: File = match yaml::parse(text, file, 1, KEYS) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    for q in parsed.questions {
        threads.push(thread(q, text, file, sanitizer, diags));
    }
}

fn thread(
    q: NQuestion,
    text: &str,
    file: &Path,
    sanitizer: &Sanitizer,
    diags: &mut Vec<Diagnostic>,
) -> Thread {
    let mut date = |value: &Option<String>, key: &str| -> Option<chrono::DateTime<chrono::Utc>> {
        let value = value.as_deref()?;
        let parsed = parse_date(value);
        if parsed.is_none() {
            let (line, col) = text
                .find(value)
                .map_or((0, 0), |offset| line_col(text, offset));
            diags.push(
                Diagnostic::error(file, format!("`{key}: {value}` is not a date"))
                    .at(line, col)
                    .with_hint("use ISO 8601, e.g. 2026-03-02T10:00:00Z or 2026-03-02"),
            );
        }
        parsed
    };
    let asked = date(&q.asked, "asked");
    let mut accepted = Vec::new();
    for a in q.answers.iter().filter(|a| a.accepted) {
        accepted.push(Reply {
            html: sanitizer.clean(&markdown_to_html(&a.body)),
            author: to_author(a.author.as_ref()),
            score: a.score,
            date: date(&a.date, "date"),
            accepted_at: date(&a.accepted_at, "accepted_at"),
            url: a.url.clone(),
            licence: None,
        });
    }
    Thread {
        id: match q.id {
            Id::Number(n) => n.to_string(),
            Id::Text(t) => t,
        },
        title: q.title,
        tags: q.tags,
        score: q.score,
        url: q.url,
        asked,
        question_html: sanitizer.clean(&markdown_to_html(&q.body)),
        question_author: q.author.as_ref().map(|a| to_author(Some(a))),
        accepted,
        licence: None,
        file: file.into(),
    }
}

fn to_author(a: Option<&NAuthor>) -> Author {
    match a {
        Some(a) => Author {
            username: a.username.clone(),
            display_name: a
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| a.username.clone()),
            profile_url: a.url.clone(),
            avatar_url: a.avatar.clone(),
        },
        None => Author {
            username: String::new(),
            display_name: "deleted user".into(),
            profile_url: None,
            avatar_url: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ForumKind;
    use crate::forum::test_support::{folder, source};

    const DOC: &str = r#"questions:
  - id: 101
    title: How do I rotate my API key?
    url: https://forum.example.com/t/101
    tags: [api, security]
    score: 4
    asked: 2026-03-02T10:00:00Z
    author: { username: ana, name: Ana Lima, url: https://forum.example.com/u/ana }
    body: |
      Where is the **rotate** button?
    answers:
      - accepted: false
        score: 20
        body: Not this one.
      - accepted: true
        score: 9
        date: 2026-03-02T12:30:00Z
        author: { username: bo, name: Bo Chen }
        body: |
          Run `relay keys rotate`.
          <a href="javascript:alert(1)" onclick="x()">click</a>
  - id: q-7
    title: Why is my quota full?
    body: ""
"#;

    fn run(files: &[(&str, &str)]) -> (Vec<Thread>, Vec<Diagnostic>) {
        let dir = folder(files);
        let mut src = source(
            ForumKind::Lorebook,
            "kb",
            "x",
            Some("https://forum.example.com"),
        );
        src.path = dir.path().to_path_buf();
        let mut diags = Vec::new();
        let t = read(&src, &mut diags);
        (t, diags)
    }

    #[test]
    fn reads_questions_and_only_accepted_answers() {
        let (threads, diags) = run(&[("qa.yaml", DOC)]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(threads.len(), 2);
        let t = &threads[0];
        assert_eq!(t.id, "101");
        assert_eq!(t.tags, ["api", "security"]);
        assert_eq!(t.asked, parse_date("2026-03-02T10:00:00Z"));
        assert_eq!(
            t.question_html,
            "<p>Where is the <strong>rotate</strong> button?</p>\n"
        );
        assert_eq!(t.accepted.len(), 1);
        let a = &t.accepted[0];
        assert_eq!(a.score, 9);
        assert_eq!(a.author.display_name, "Bo Chen");
        assert!(
            a.html.contains("<code>relay keys rotate</code>"),
            "{}",
            a.html
        );
        assert!(
            !a.html.contains("javascript") && !a.html.contains("onclick"),
            "{}",
            a.html
        );
        assert_eq!(threads[1].id, "q-7");
        assert!(threads[1].accepted.is_empty());
    }

    #[test]
    fn unknown_key_is_an_error_with_line_and_hint() {
        let bad = DOC.replace("    score: 4\n", "    scroe: 4\n");
        let (threads, diags) = run(&[("a.yaml", &bad), ("b.yml", DOC)]);
        assert_eq!(threads.len(), 2, "the good file still loads");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].path.ends_with("a.yaml"));
        assert_eq!(diags[0].line, 6);
        assert_eq!(diags[0].message, "unknown key `scroe`");
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `score`?"));
    }

    #[test]
    fn bad_date_is_reported_at_its_line() {
        let bad = DOC.replace("asked: 2026-03-02T10:00:00Z", "asked: last tuesday");
        let (_, diags) = run(&[("a.yaml", &bad)]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 7);
    }

    #[test]
    fn missing_title_is_an_error() {
        let (_, diags) = run(&[("a.yaml", "questions:\n  - id: 1\n    body: x\n")]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("title"), "{}", diags[0].message);
    }
}
