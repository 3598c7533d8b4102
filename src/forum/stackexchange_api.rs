//! Stack Exchange API JSON as an export: responses of the 2.3 API saved to
//! files (`/questions?filter=withbody`, `/answers/{ids}?filter=withbody`,
//! questions with their `answers` included), read instead of a data dump
//! when the source's folder holds `.json` files and no `Posts.xml`. The
//! types here are also what `forum pull` reads from the live API.
//!
//! Questions and answers may sit in any of the files; a question's accepted
//! answer is found by `accepted_answer_id`. Titles and display names come
//! HTML-escaped from the API and are decoded; dates are Unix times.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::export::{json_error, read_text};
use super::model::{
    AcceptedBy, Author, Badges, Question as Unanswered, Reply, Role, Standing, Thread,
    STACK_EXCHANGE_COMMUNITY,
};
use super::sanitize::{html_to_text, Sanitizer};
use super::web::join_url;
use crate::diagnostics::Diagnostic;
use crate::forum::source::ForumSource;

/// The API's common wrapper.
#[derive(Debug, Deserialize)]
pub(crate) struct Wrapper<T> {
    pub items: Option<Vec<T>>,
    pub has_more: Option<bool>,
    pub quota_max: Option<u64>,
    pub quota_remaining: Option<i64>,
    pub backoff: Option<u64>,
    pub error_id: Option<u32>,
    pub error_name: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ApiQuestion {
    pub question_id: u64,
    pub title: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub score: i64,
    pub accepted_answer_id: Option<u64>,
    pub creation_date: Option<i64>,
    pub last_activity_date: Option<i64>,
    pub link: Option<String>,
    pub content_license: Option<String>,
    pub owner: Option<Owner>,
    pub body: Option<String>,
    /// With a filter that includes them.
    pub answers: Option<Vec<ApiAnswer>>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ApiAnswer {
    pub answer_id: u64,
    #[serde(default)]
    pub score: i64,
    pub creation_date: Option<i64>,
    pub content_license: Option<String>,
    pub owner: Option<Owner>,
    pub body: Option<String>,
}

/// A post's author as the API returns it (`shallow_user`).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Owner {
    pub user_id: Option<i64>,
    pub user_type: Option<String>,
    pub display_name: Option<String>,
    pub link: Option<String>,
    pub profile_image: Option<String>,
    pub reputation: Option<i64>,
    pub badge_counts: Option<BadgeCounts>,
}

/// `badge_counts` of a `shallow_user`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct BadgeCounts {
    #[serde(default)]
    pub gold: u32,
    #[serde(default)]
    pub silver: u32,
    #[serde(default)]
    pub bronze: u32,
}

impl Owner {
    /// Reputation, moderator status and badge counts as the API states them.
    pub fn standing(&self) -> Standing {
        Standing {
            reputation: self.reputation,
            trust_level: None,
            role: (self.user_type.as_deref() == Some("moderator")).then_some(Role::Moderator),
            badges: self.badge_counts.map(|b| Badges {
                gold: b.gold,
                silver: b.silver,
                bronze: b.bronze,
            }),
        }
    }

    /// A registered account (deleted ones come as `does_not_exist`).
    pub fn registered(&self) -> bool {
        self.user_id.is_some() && self.user_type.as_deref() != Some("does_not_exist")
    }

    /// The display name, decoded.
    pub fn name(&self) -> Option<String> {
        self.display_name
            .as_deref()
            .map(html_to_text)
            .filter(|n| !n.is_empty())
    }
}

/// One item of a response: a question or an answer.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Item {
    Question(Box<ApiQuestion>),
    Answer(Box<ApiAnswer>),
}

/// A file: a wrapper, or a bare array of items.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileShape {
    Wrapper(Wrapper<Item>),
    Items(Vec<Item>),
}

/// The `.json` files of a folder without `Posts.xml`, or the file itself.
pub(crate) fn files(path: &Path) -> Option<Vec<PathBuf>> {
    let is_json = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    };
    if path.is_file() {
        return is_json(path).then(|| vec![path.to_path_buf()]);
    }
    if !path.is_dir() || path.join("Posts.xml").is_file() {
        return None;
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_json(p))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    found.sort();
    (!found.is_empty()).then_some(found)
}

/// Read API responses saved in `files`.
pub(crate) fn read(
    source: &ForumSource,
    files: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
    unanswered: &mut Vec<Unanswered>,
) -> Vec<Thread> {
    let mut questions: Vec<(PathBuf, ApiQuestion)> = Vec::new();
    let mut answers: HashMap<u64, ApiAnswer> = HashMap::new();
    for file in files {
        let Some(text) = read_text(file, diags) else {
            continue;
        };
        let items = match serde_json::from_str::<FileShape>(&text) {
            Ok(FileShape::Wrapper(w)) if w.error_id.is_some() => {
                diags.push(Diagnostic::error(
                    file,
                    format!(
                        "this is a Stack Exchange API error, not data: {} ({})",
                        w.error_message.unwrap_or_default(),
                        w.error_name.unwrap_or_default()
                    ),
                ));
                continue;
            }
            Ok(FileShape::Wrapper(Wrapper {
                items: Some(items), ..
            })) => items,
            Ok(FileShape::Wrapper(_)) => {
                diags.push(
                    Diagnostic::error(file, "not a Stack Exchange API response: no `items`")
                        .with_hint("expected Stack Exchange API 2.3 responses (`{\"items\": [...]}` of questions or answers, `filter=withbody`)"),
                );
                continue;
            }
            Ok(FileShape::Items(items)) => items,
            Err(_) => {
                // Parse again as plain JSON for an error with a line.
                let err = serde_json::from_str::<serde_json::Value>(&text)
                    .err()
                    .map(|e| json_error(file, &e))
                    .unwrap_or_else(|| {
                        Diagnostic::error(file, "not a Stack Exchange API response")
                    });
                diags.push(err.with_hint(
                    "expected Stack Exchange API 2.3 responses (`{\"items\": [...]}` of questions or answers, `filter=withbody`)",
                ));
                continue;
            }
        };
        for item in items {
            match item {
                Item::Question(mut q) => {
                    for a in q.answers.take().into_iter().flatten() {
                        answers.insert(a.answer_id, a);
                    }
                    questions.push((file.clone(), *q));
                }
                Item::Answer(a) => {
                    answers.insert(a.answer_id, *a);
                }
            }
        }
    }
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut threads = Vec::new();
    let mut missing = Vec::new();
    for (file, q) in questions {
        let base = site_url(source, q.link.as_deref());
        let url = q.link.clone().or_else(|| {
            base.as_deref()
                .map(|b| join_url(b, &format!("questions/{}", q.question_id)))
        });
        let Some(accepted) = q.accepted_answer_id else {
            unanswered.push(Unanswered {
                id: format!("{}:{}", source.name, q.question_id),
                source: source.name.clone(),
                title: html_to_text(&q.title),
                tags: q.tags,
                score: q.score,
                url,
                asked: q.creation_date.and_then(epoch),
            });
            continue;
        };
        let Some(answer) = answers.get(&accepted) else {
            missing.push(q.question_id);
            continue;
        };
        threads.push(Thread {
            id: q.question_id.to_string(),
            title: html_to_text(&q.title),
            tags: q.tags.clone(),
            score: q.score,
            url,
            asked: q.creation_date.and_then(epoch),
            question_html: sanitizer.clean(q.body.as_deref().unwrap_or_default()),
            question_author: q.owner.as_ref().map(author),
            accepted: vec![Reply {
                html: sanitizer.clean(answer.body.as_deref().unwrap_or_default()),
                author: answer.owner.as_ref().map(author).unwrap_or_else(deleted),
                score: answer.score,
                date: answer.creation_date.and_then(epoch),
                accepted_at: None,
                url: base.map(|b| join_url(&b, &format!("a/{}", answer.answer_id))),
                licence: answer.content_license.clone(),
                // Only the asker can accept an answer on Stack Exchange.
                accepted_by: Some(AcceptedBy::Asker),
            }],
            licence: q.content_license,
            reviewed: None,
            file: file.as_path().into(),
        });
    }
    if !missing.is_empty() {
        missing.sort_unstable();
        let shown: Vec<String> = missing.iter().take(5).map(u64::to_string).collect();
        diags.push(
            Diagnostic::warning(
                &source.path,
                format!(
                    "{} question(s) have an accepted_answer_id whose answer is in none of these files (e.g. {}); they are skipped",
                    missing.len(),
                    shown.join(", ")
                ),
            )
            .with_hint("save `/2.3/answers/{ids}?filter=withbody` for them too, or let `lorebook forum pull` fetch them"),
        );
    }
    threads
}

/// The site's address for links: the source's `url`, else the question
/// link's origin.
fn site_url(source: &ForumSource, link: Option<&str>) -> Option<String> {
    source.url.clone().or_else(|| {
        let link = link?;
        let (scheme, rest) = link.split_once("://")?;
        Some(format!("{scheme}://{}", rest.split('/').next()?))
    })
}

pub(crate) fn epoch(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(secs, 0)
}

fn author(owner: &Owner) -> Author {
    let name = owner.name();
    if !owner.registered() {
        let name = name.unwrap_or_else(|| "deleted user".into());
        return Author {
            username: name.clone(),
            display_name: name,
            deleted: true,
            ..Author::default()
        };
    }
    let id = owner.user_id.unwrap_or_default().to_string();
    Author {
        display_name: name.unwrap_or_else(|| format!("user{id}")),
        username: id,
        profile_url: owner.link.clone(),
        avatar_url: owner.profile_image.clone(),
        standing: owner.standing(),
        deleted: false,
        system: owner.user_id == Some(STACK_EXCHANGE_COMMUNITY),
    }
}

fn deleted() -> Author {
    Author {
        username: "deleted user".into(),
        display_name: "deleted user".into(),
        deleted: true,
        ..Author::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::source::ForumKind;
    use crate::forum::testkit::{folder, source};

    #[test]
    fn the_community_user_is_the_sites_own_account() {
        let community: Owner = serde_json::from_str(
            r#"{"user_id": -1, "user_type": "moderator", "display_name": "Community"}"#,
        )
        .unwrap();
        let a = author(&community);
        assert!(a.system && !a.deleted, "{a:?}");
        let person: Owner =
            serde_json::from_str(r#"{"user_id": 40, "user_type": "registered"}"#).unwrap();
        assert!(!author(&person).system);
    }

    const FIX: &str = "tests/fixtures/forum-api/stackexchange";

    fn run(src: &ForumSource) -> (Vec<Thread>, Vec<String>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut unanswered = Vec::new();
        let threads = crate::forum::stackexchange::read(src, &mut diags, &mut unanswered);
        (
            threads,
            unanswered.into_iter().map(|q| q.id).collect(),
            diags,
        )
    }

    #[test]
    fn reads_api_responses_saved_as_files_instead_of_a_dump() {
        let dir = folder(&[
            ("questions.json", &read_fixture("questions-withbody.json")),
            ("answers.json", &read_fixture("answers-withbody.json")),
            ("more.json", &read_fixture("questions-recorded.json")),
        ]);
        let mut src = source(
            ForumKind::Stackexchange,
            "so",
            "x",
            Some("https://stackoverflow.com"),
        );
        src.path = dir.path().to_path_buf();
        let (threads, unanswered, diags) = run(&src);
        assert_eq!(threads.len(), 1);
        let t = &threads[0];
        assert_eq!(
            t.title,
            "When setting a form's opacity should I use a decimal or double?"
        );
        assert_eq!(t.licence.as_deref(), Some("CC BY-SA 2.5"));
        assert_eq!(
            t.asked,
            crate::forum::export::parse_date("2008-07-31T21:42:52Z")
        );
        let a = &t.accepted[0];
        assert!(
            a.html.starts_with("<p>An explicit cast to double"),
            "{}",
            a.html
        );
        assert_eq!(a.url.as_deref(), Some("https://stackoverflow.com/a/7"));
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://stackoverflow.com/users/9")
        );
        assert!(unanswered.is_empty());
        // The recorded listing's ten questions have their answers elsewhere.
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.starts_with("10 question(s)"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn a_single_response_file_with_included_answers_and_an_error_response() {
        let text = r#"[{"question_id": 3, "title": "A &amp; B", "tags": ["x"], "accepted_answer_id": 30, "body": "<p>q</p>",
              "answers": [{"answer_id": 30, "is_accepted": true, "score": 2, "body": "<p>a</p>", "owner": {"user_type": "does_not_exist", "display_name": "gone"}}]},
             {"question_id": 4, "title": "Open", "tags": ["y"], "creation_date": 1700000000}]"#;
        let dir = folder(&[
            ("q.json", text),
            (
                "err.json",
                r#"{"error_id": 502, "error_message": "too many requests", "error_name": "throttle_violation"}"#,
            ),
        ]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, unanswered, diags) = run(&src);
        assert_eq!(threads[0].title, "A & B");
        assert_eq!(threads[0].accepted[0].author.display_name, "gone");
        assert_eq!(threads[0].accepted[0].author.profile_url, None);
        assert_eq!(unanswered, ["se:4"]);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("Stack Exchange API error"),
            "{}",
            diags[0].message
        );
        assert!(diags[0].path.ends_with("err.json"));
    }

    #[test]
    fn malformed_json_is_reported_at_its_line() {
        let dir = folder(&[("q.json", "{\"items\": [\n  {\"question_id\": 1,,}\n]}")]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (_, _, diags) = run(&src);
        assert_eq!(diags[0].line, 2, "{:?}", diags[0]);
    }

    fn read_fixture(name: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIX).join(name)).unwrap()
    }

    #[test]
    fn owner_standing_from_the_api_moderators_badges_and_nothing_guessed() {
        let text = r#"[{"question_id": 5, "title": "Q", "tags": ["x"], "accepted_answer_id": 50, "body": "<p>q</p>",
              "owner": {"user_id": 1, "user_type": "registered", "display_name": "Low", "reputation": -3},
              "answers": [{"answer_id": 50, "is_accepted": true, "score": 2, "body": "<p>a</p>",
                "owner": {"user_id": 2, "user_type": "moderator", "display_name": "Mod", "reputation": 9000,
                          "badge_counts": {"gold": 3, "silver": 20, "bronze": 41}}}]}]"#;
        let dir = folder(&[("q.json", text)]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, _, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let a = &threads[0].accepted[0];
        assert_eq!(
            a.author.standing,
            Standing {
                reputation: Some(9000),
                trust_level: None,
                role: Some(Role::Moderator),
                badges: Some(Badges {
                    gold: 3,
                    silver: 20,
                    bronze: 41
                }),
            }
        );
        assert_eq!(a.accepted_by, Some(AcceptedBy::Asker));
        let asker = threads[0].question_author.as_ref().unwrap();
        assert_eq!(asker.standing.reputation, Some(-3));
        assert_eq!(asker.standing.badges, None);
        // The recorded answer's owner has no reputation field: none is shown.
        let dir = folder(&[
            ("questions.json", &read_fixture("questions-withbody.json")),
            ("answers.json", &read_fixture("answers-withbody.json")),
        ]);
        src.path = dir.path().to_path_buf();
        let (threads, _, _) = run(&src);
        assert_eq!(threads[0].accepted[0].author.standing, Standing::default());
    }
}
