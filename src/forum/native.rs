//! lorebook's own forum format: YAML files (`questions:` list) for any forum
//! without a dedicated importer, and the snapshot `lorebook forum pull`
//! writes (one file per thread, bodies as the forum's HTML in `body_html`;
//! see `forum::pull::snapshot`). Parsed only through `crate::yaml::parse`, so
//! unknown keys are errors with file and line. The format is documented in
//! the README ("lorebook's own forum format").

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::export::{export_files, parse_date, read_text};
use super::model::{AcceptedBy, Author, Badges, Reply, Role, Standing, Thread};
use super::sanitize::markdown_to_html;
use super::sanitize::Sanitizer;
use crate::diagnostics::{line_col, Diagnostic};
use crate::forum::source::ForumSource;
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
    "body_html",
    "licence",
    "reputation",
    "trust_level",
    "staff",
    "association",
    "moderator",
    "admin",
    "badges",
    "gold",
    "silver",
    "bronze",
    "accepted_by",
    "reviewed",
    "deleted",
    "system",
];

/// A file of the format. The field order of these types is the key order
/// the pull writes (`forum::pull::snapshot`, by hand); `Serialize` is for
/// the pull's journal (JSON), not for files of the format.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct File {
    #[serde(default)]
    pub questions: Vec<NQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum Id {
    Number(u64),
    Text(String),
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::Text(t) => f.write_str(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NQuestion {
    pub id: Id,
    pub title: String,
    pub url: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub score: i64,
    pub asked: Option<String>,
    /// The question's licence where the forum states one per post (Stack
    /// Exchange's `content_license`).
    pub licence: Option<String>,
    pub author: Option<NAuthor>,
    /// When a writer checked the accepted answer (a date): the page shows
    /// "Verified by the docs team".
    pub reviewed: Option<String>,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// The forum's own HTML (what a pull writes), instead of `body`.
    pub body_html: Option<String>,
    #[serde(default)]
    pub answers: Vec<NAnswer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NAnswer {
    #[serde(default)]
    pub accepted: bool,
    #[serde(default)]
    pub score: i64,
    pub date: Option<String>,
    pub accepted_at: Option<String>,
    pub url: Option<String>,
    pub licence: Option<String>,
    /// Who marked it accepted: `asker`, `staff`, `maintainer` or `other`.
    pub accepted_by: Option<String>,
    pub author: Option<NAuthor>,
    /// Markdown; exactly one of `body` and `body_html`.
    pub body: Option<String>,
    pub body_html: Option<String>,
}

/// A forum member. Besides the name and links, the public standing the
/// forum shows next to a post is kept when a pull finds it (Stack Exchange
/// reputation, Discourse trust level, staff, GitHub's author association),
/// for trust signals on answer pages; email addresses are never part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NAuthor {
    pub username: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub avatar: Option<String>,
    pub reputation: Option<i64>,
    pub trust_level: Option<u8>,
    pub staff: Option<bool>,
    pub association: Option<String>,
    pub moderator: Option<bool>,
    pub admin: Option<bool>,
    pub badges: Option<NBadges>,
    /// The account was deleted upstream (the name is what the forum kept).
    pub deleted: Option<bool>,
    /// An account the forum runs, not a person (never credited).
    pub system: Option<bool>,
}

/// Badge counts by class (Stack Exchange, Discourse).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NBadges {
    #[serde(default)]
    pub gold: u32,
    #[serde(default)]
    pub silver: u32,
    #[serde(default)]
    pub bronze: u32,
}

/// The `accepted_by:` words, in the order they are written.
pub(crate) const ACCEPTED_BY: &[&str] = &["asker", "staff", "maintainer", "other"];

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
    let date = |value: &Option<String>, key: &str, diags: &mut Vec<Diagnostic>| {
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
    let body_error = |what: String, diags: &mut Vec<Diagnostic>| {
        let (line, col) = text
            .find(&format!("id: {}", q.id))
            .map_or((0, 0), |offset| line_col(text, offset));
        diags.push(Diagnostic::error(file, what).at(line, col).with_hint(
            "give each question and answer either `body` (Markdown) or `body_html` (HTML)",
        ));
    };
    let asked = date(&q.asked, "asked", diags);
    let question_html = match (&q.body_html, q.body.is_empty()) {
        (Some(html), true) => sanitizer.clean(html),
        (None, _) => sanitizer.clean(&markdown_to_html(&q.body)),
        (Some(_), false) => {
            let what = format!("question `{}` has both `body` and `body_html`", q.id);
            body_error(what, diags);
            String::new()
        }
    };
    let mut accepted = Vec::new();
    for a in q.answers.iter().filter(|a| a.accepted) {
        let html = match (&a.body, &a.body_html) {
            (Some(markdown), None) => sanitizer.clean(&markdown_to_html(markdown)),
            (None, Some(html)) => sanitizer.clean(html),
            (Some(_), Some(_)) => {
                let what = format!(
                    "an answer to question `{}` has both `body` and `body_html`",
                    q.id
                );
                body_error(what, diags);
                continue;
            }
            (None, None) => {
                let what = format!(
                    "an answer to question `{}` has no `body` or `body_html`",
                    q.id
                );
                body_error(what, diags);
                continue;
            }
        };
        let accepted_by = a.accepted_by.as_deref().and_then(|word| {
            let by = match word.trim().to_ascii_lowercase().as_str() {
                "asker" => Some(AcceptedBy::Asker),
                "staff" => Some(AcceptedBy::Staff),
                "maintainer" => Some(AcceptedBy::Maintainer),
                "other" => Some(AcceptedBy::Other),
                _ => None,
            };
            if by.is_none() {
                let (line, col) = text
                    .find(&format!("accepted_by: {word}"))
                    .map_or((0, 0), |offset| line_col(text, offset));
                diags.push(
                    Diagnostic::error(file, format!("`accepted_by: {word}` is not known"))
                        .at(line, col)
                        .with_hint(format!("use one of {}", ACCEPTED_BY.join(", "))),
                );
            }
            by
        });
        accepted.push(Reply {
            html,
            author: to_author(a.author.as_ref()),
            score: a.score,
            date: date(&a.date, "date", diags),
            accepted_at: date(&a.accepted_at, "accepted_at", diags),
            url: a.url.clone(),
            licence: a.licence.clone(),
            accepted_by,
        });
    }
    let reviewed = date(&q.reviewed, "reviewed", diags).map(|d| d.date_naive());
    Thread {
        id: q.id.to_string(),
        title: q.title,
        tags: q.tags,
        score: q.score,
        url: q.url,
        asked,
        question_html,
        question_author: q.author.as_ref().map(|a| to_author(Some(a))),
        accepted,
        licence: q.licence,
        reviewed,
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
            standing: standing(a),
            deleted: a.deleted == Some(true),
            system: a.system == Some(true),
        },
        None => Author {
            username: String::new(),
            display_name: "deleted user".into(),
            deleted: true,
            ..Author::default()
        },
    }
}

/// The standing an author entry states: admin, moderator and staff flags
/// before the GitHub association; a trust level past 4 is no level.
fn standing(a: &NAuthor) -> Standing {
    let flag = |f: Option<bool>, role: Role| (f == Some(true)).then_some(role);
    Standing {
        reputation: a.reputation,
        trust_level: a.trust_level.filter(|&t| t <= 4),
        role: flag(a.admin, Role::Admin)
            .or(flag(a.moderator, Role::Moderator))
            .or(flag(a.staff, Role::Staff))
            .or_else(|| a.association.as_deref().and_then(Role::from_association)),
        badges: a.badges.map(|b| Badges {
            gold: b.gold,
            silver: b.silver,
            bronze: b.bronze,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::source::ForumKind;
    use crate::forum::testkit::{folder, source};

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

    const SNAPSHOT: &str = r#"questions:
- id: 7
  title: Upload fails with 413
  licence: CC BY-SA 4.0
  author:
    username: '12'
    name: Zoë
    url: https://q.example/users/12
    reputation: 1200
    staff: true
  body_html: |
    <p>Why <script>x()</script>413?</p>
  answers:
  - accepted: true
    score: 3
    licence: CC BY-SA 3.0
    author:
      username: '40'
      name: Bo
      trust_level: 2
      association: MEMBER
    body_html: |-
      <p>Raise <code>max_body</code></p>
"#;

    #[test]
    fn reads_html_bodies_licences_and_standing_of_a_pulled_thread() {
        let (threads, diags) = run(&[("7.yaml", SNAPSHOT)]);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        assert_eq!(t.question_html, "<p>Why 413?</p>\n");
        assert_eq!(t.licence.as_deref(), Some("CC BY-SA 4.0"));
        assert_eq!(t.accepted[0].html, "<p>Raise <code>max_body</code></p>");
        assert_eq!(t.accepted[0].licence.as_deref(), Some("CC BY-SA 3.0"));
        assert_eq!(t.accepted[0].author.display_name, "Bo");
    }

    #[test]
    fn an_answer_needs_exactly_one_body() {
        let both = SNAPSHOT.replace("    body_html: |-\n", "    body: x\n    body_html: |-\n");
        let none = SNAPSHOT.replace(
            "    body_html: |-\n      <p>Raise <code>max_body</code></p>\n",
            "",
        );
        for (text, want) in [
            (both, "both `body` and `body_html`"),
            (none, "no `body` or `body_html`"),
        ] {
            let (threads, diags) = run(&[("7.yaml", &text)]);
            assert!(threads[0].accepted.is_empty());
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert!(diags[0].message.contains(want), "{}", diags[0].message);
            assert_eq!(diags[0].line, 2, "{:?}", diags[0]);
        }
    }

    #[test]
    fn standing_acceptance_and_review_are_read_as_written() {
        let text = SNAPSHOT
            .replace(
                "    staff: true\n",
                "    staff: true\n    moderator: true\n    badges: { gold: 1, bronze: 4 }\n",
            )
            .replace(
                "  - accepted: true\n",
                "  - accepted: true\n    accepted_by: maintainer\n",
            )
            .replace(
                "  licence: CC BY-SA 4.0\n",
                "  licence: CC BY-SA 4.0\n  reviewed: 2026-04-01\n",
            );
        let (threads, diags) = run(&[("7.yaml", &text)]);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        assert_eq!(t.reviewed, chrono::NaiveDate::from_ymd_opt(2026, 4, 1));
        let asker = t.question_author.as_ref().unwrap();
        assert_eq!(
            asker.standing,
            Standing {
                reputation: Some(1200),
                trust_level: None,
                role: Some(Role::Moderator),
                badges: Some(Badges {
                    gold: 1,
                    silver: 0,
                    bronze: 4
                }),
            }
        );
        let a = &t.accepted[0];
        assert_eq!(a.accepted_by, Some(AcceptedBy::Maintainer));
        assert_eq!(a.author.standing.trust_level, Some(2));
        assert_eq!(a.author.standing.role, Some(Role::Member));
    }

    #[test]
    fn an_unknown_acceptor_is_an_error_and_a_missing_author_is_deleted() {
        let text = SNAPSHOT
            .replace("  - accepted: true\n", "  - accepted: true\n    accepted_by: bob\n")
            .replace("    author:\n      username: '40'\n      name: Bo\n      trust_level: 2\n      association: MEMBER\n", "");
        let (threads, diags) = run(&[("7.yaml", &text)]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("accepted_by: bob"),
            "{}",
            diags[0]
        );
        assert_eq!(diags[0].line, 15);
        let a = &threads[0].accepted[0];
        assert_eq!(a.accepted_by, None);
        assert!(a.author.deleted);
        assert_eq!(a.author.standing, Standing::default());
    }

    #[test]
    fn system_marks_the_forums_own_account() {
        let text = SNAPSHOT.replace(
            "      username: '40'\n      name: Bo\n",
            "      username: '40'\n      name: Bo\n      system: true\n",
        );
        assert_ne!(text, SNAPSHOT);
        let (threads, diags) = run(&[("7.yaml", &text)]);
        assert!(diags.is_empty(), "{diags:?}");
        let a = &threads[0].accepted[0].author;
        assert!(a.system && !a.deleted, "{a:?}");
        let (plain, _) = run(&[("7.yaml", SNAPSHOT)]);
        assert!(!plain[0].accepted[0].author.system);
    }
}
