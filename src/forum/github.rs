//! GitHub Discussions importer: answered discussions as JSON, in the shapes
//! exports come in: GraphQL objects (`answer`, `answerChosenAt`, `isAnswered`,
//! `author.login`, `upvoteCount`; one per file, an array, or a whole
//! `{"data": {"repository": ...}}` response with `nodes` or `edges`, or a
//! `search` of discussions; `gh api graphql --paginate` output, one such
//! response per page back to back, and its `--slurp` array), the REST/webhook snake_case
//! payload (`discussion` + `answer`), and ghd2i's PascalCase dump
//! (`{"Discussions": [...]}`). Markdown bodies are rendered with
//! pulldown-cmark here, then sanitized like every forum body.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::export::{export_files, json_error, parse_date, read_text};
use super::model::{AcceptedBy, Author, Reply, Role, Thread};
use super::sanitize::{markdown_to_html, Sanitizer};
use super::web::join_url;
use crate::diagnostics::Diagnostic;
use crate::forum::source::ForumSource;

#[derive(Debug, Deserialize)]
struct Discussion {
    #[serde(alias = "Number")]
    number: Option<u64>,
    #[serde(alias = "Title")]
    title: String,
    #[serde(alias = "Body")]
    body: Option<String>,
    #[serde(rename = "bodyHTML", alias = "body_html", alias = "BodyHTML")]
    body_html: Option<String>,
    #[serde(alias = "URL")]
    url: Option<String>,
    html_url: Option<String>,
    #[serde(alias = "createdAt", alias = "CreatedAt")]
    created_at: Option<String>,
    #[serde(alias = "Author")]
    author: Option<User>,
    user: Option<User>,
    #[serde(alias = "Answer")]
    answer: Option<Comment>,
    #[serde(alias = "answerChosenAt", alias = "AnswerChosenAt")]
    answer_chosen_at: Option<String>,
    #[serde(alias = "answerChosenBy", alias = "AnswerChosenBy")]
    answer_chosen_by: Option<User>,
    #[serde(alias = "authorAssociation", alias = "AuthorAssociation")]
    author_association: Option<String>,
    #[serde(alias = "upvoteCount", alias = "UpvoteCount")]
    upvote_count: Option<i64>,
    #[serde(alias = "Labels")]
    labels: Option<Labels>,
    #[serde(alias = "Comments")]
    comments: Option<Comments>,
}

#[derive(Debug, Deserialize)]
struct Comment {
    #[serde(alias = "Body")]
    body: Option<String>,
    #[serde(rename = "bodyHTML", alias = "body_html", alias = "BodyHTML")]
    body_html: Option<String>,
    #[serde(alias = "URL")]
    url: Option<String>,
    html_url: Option<String>,
    #[serde(alias = "createdAt", alias = "CreatedAt")]
    created_at: Option<String>,
    #[serde(alias = "Author")]
    author: Option<User>,
    user: Option<User>,
    #[serde(alias = "upvoteCount", alias = "UpvoteCount")]
    upvote_count: Option<i64>,
    #[serde(alias = "isAnswer", alias = "IsAnswer")]
    is_answer: Option<bool>,
    #[serde(alias = "authorAssociation", alias = "AuthorAssociation")]
    author_association: Option<String>,
}

#[derive(Debug, Deserialize)]
struct User {
    #[serde(alias = "Login")]
    login: Option<String>,
    #[serde(alias = "Name")]
    name: Option<String>,
    #[serde(alias = "avatarUrl", alias = "AvatarURL")]
    avatar_url: Option<String>,
    #[serde(alias = "URL")]
    url: Option<String>,
    html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Labels {
    Names(Vec<String>),
    Objects(Vec<Named>),
    Connection { nodes: Vec<Named> },
}

#[derive(Debug, Deserialize)]
struct Named {
    #[serde(alias = "Name")]
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Comments {
    List(Vec<Comment>),
    Connection {
        nodes: Vec<Comment>,
    },
    /// The webhook shape gives only a count; nothing to read from it.
    #[allow(dead_code)]
    Count(u64),
}

#[derive(Debug, Deserialize)]
struct Ghd2i {
    #[serde(rename = "Discussions")]
    discussions: Vec<Discussion>,
}

#[derive(Debug, Deserialize)]
struct Webhook {
    discussion: Discussion,
    answer: Option<Comment>,
}

#[derive(Debug, Deserialize)]
struct GraphQl {
    data: GraphQlData,
}

#[derive(Debug, Deserialize)]
struct GraphQlData {
    repository: Option<GraphQlRepo>,
    search: Option<Connection>,
}

#[derive(Debug, Deserialize)]
struct GraphQlRepo {
    discussion: Option<Discussion>,
    discussions: Option<Connection>,
}

#[derive(Debug, Deserialize)]
struct Connection {
    #[serde(default)]
    nodes: Vec<Discussion>,
    #[serde(default)]
    edges: Vec<Edge>,
}

#[derive(Debug, Deserialize)]
struct Edge {
    node: Discussion,
}

impl GraphQl {
    fn discussions(self) -> Vec<Discussion> {
        let repo = self.data.repository;
        let (one, many) = match repo {
            Some(r) => (r.discussion, r.discussions),
            None => (None, None),
        };
        one.into_iter()
            .chain(many.into_iter().chain(self.data.search).flat_map(|c| {
                c.nodes
                    .into_iter()
                    .chain(c.edges.into_iter().map(|e| e.node))
            }))
            .collect()
    }
}

/// Read every `.json` file of the source.
pub(crate) fn read(source: &ForumSource, diags: &mut Vec<Diagnostic>) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut threads = Vec::new();
    for file in export_files(source, &[".json"], diags) {
        if let Some(text) = read_text(&file, diags) {
            read_file(&text, &file, source, &sanitizer, diags, &mut threads);
        }
    }
    threads
}

/// One export file's text, reported as `source.path`.
pub(crate) fn read_str(
    source: &ForumSource,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut threads = Vec::new();
    read_file(text, &source.path, source, &sanitizer, diags, &mut threads);
    threads
}

fn read_file(
    text: &str,
    file: &Path,
    source: &ForumSource,
    sanitizer: &Sanitizer,
    diags: &mut Vec<Diagnostic>,
    threads: &mut Vec<Thread>,
) {
    let Some(discussions) = discussions_in(text, file, diags) else {
        return;
    };
    for (index, (d, answer)) in discussions.into_iter().enumerate() {
        if let Some(t) = thread(d, answer, index, file, source, sanitizer, diags) {
            threads.push(t);
        }
    }
}

/// Detect the file's shape, then deserialize the text itself with the
/// matching type so errors keep their line and column.
fn discussions_in(
    text: &str,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(Discussion, Option<Comment>)>> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if e.to_string().starts_with("trailing characters") => {
            return concatenated(text, file, diags);
        }
        Err(e) => {
            diags.push(json_error(file, &e));
            return None;
        }
    };
    fn typed<T: DeserializeOwned>(
        text: &str,
        file: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        serde_json::from_str(text)
            .map_err(|e| {
                diags.push(json_error(file, &e).with_hint(
                    "expected a GitHub discussion (GraphQL fields `title`, `answer`, `author.login`), an array of them, a webhook payload or a ghd2i dump",
                ))
            })
            .ok()
    }
    let alone = |d: Discussion| (d, None);
    let is_response = |v: &serde_json::Value| v.get("data").is_some();
    let list = match &value {
        // `gh api graphql --paginate --slurp`: the pages' responses in an array.
        serde_json::Value::Array(items) if items.first().is_some_and(is_response) => {
            typed::<Vec<GraphQl>>(text, file, diags)?
                .into_iter()
                .flat_map(GraphQl::discussions)
                .map(alone)
                .collect()
        }
        serde_json::Value::Array(_) => typed::<Vec<Discussion>>(text, file, diags)?
            .into_iter()
            .map(alone)
            .collect(),
        serde_json::Value::Object(map) if map.contains_key("Discussions") => {
            typed::<Ghd2i>(text, file, diags)?
                .discussions
                .into_iter()
                .map(alone)
                .collect()
        }
        serde_json::Value::Object(map) if map.contains_key("discussion") => {
            let w = typed::<Webhook>(text, file, diags)?;
            vec![(w.discussion, w.answer)]
        }
        serde_json::Value::Object(map) if map.contains_key("data") => {
            typed::<GraphQl>(text, file, diags)?
                .discussions()
                .into_iter()
                .map(alone)
                .collect()
        }
        _ => vec![alone(typed::<Discussion>(text, file, diags)?)],
    };
    Some(list)
}

/// JSON documents back to back (`gh api graphql --paginate` prints one
/// response per page): each is read on its own, errors at their line in
/// the file.
fn concatenated(
    text: &str,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(Discussion, Option<Comment>)>> {
    let mut all = Vec::new();
    let mut start = 0;
    let mut documents =
        serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    loop {
        let next = documents.next();
        let end = documents.byte_offset();
        match next {
            None => break,
            Some(Ok(_)) => {
                let before = text[..start].matches('\n').count();
                let mut own = Vec::new();
                let found = discussions_in(&text[start..end], file, &mut own);
                for mut d in own {
                    if d.line > 0 {
                        d.line += before;
                    }
                    diags.push(d);
                }
                all.extend(found.into_iter().flatten());
                start = end;
            }
            Some(Err(e)) => {
                diags.push(json_error(file, &e));
                return None;
            }
        }
    }
    Some(all)
}

fn thread(
    d: Discussion,
    outer_answer: Option<Comment>,
    index: usize,
    file: &Path,
    source: &ForumSource,
    sanitizer: &Sanitizer,
    diags: &mut Vec<Diagnostic>,
) -> Option<Thread> {
    let url = d
        .html_url
        .clone()
        .or_else(|| d.url.clone().filter(|u| !is_api(u)));
    let number = d.number.or_else(|| {
        url.as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .and_then(|n| n.parse().ok())
    });
    let Some(number) = number else {
        diags.push(
            Diagnostic::error(
                file,
                format!(
                    "discussion {} (`{}`) has no `number` or `url`",
                    index + 1,
                    d.title
                ),
            )
            .with_hint("include `number` (or `url`) in the export's GraphQL query"),
        );
        return None;
    };
    let Discussion {
        title,
        body,
        body_html,
        created_at,
        author,
        user,
        answer,
        answer_chosen_at,
        answer_chosen_by,
        author_association,
        upvote_count,
        labels,
        comments,
        ..
    } = d;
    let asker = author.or(user);
    let answer = outer_answer.or(answer).or_else(|| match comments {
        Some(Comments::List(c) | Comments::Connection { nodes: c }) => {
            c.into_iter().find(|c| c.is_answer == Some(true))
        }
        _ => None,
    });
    let accepted_at = answer_chosen_at.as_deref().and_then(parse_date);
    // Only the discussion's author and people with triage rights or more
    // can mark an answer: whoever else chose it maintains the repository.
    let accepted_by = answer_chosen_by
        .as_ref()
        .and_then(|u| u.login.as_deref())
        .map(|chooser| {
            let asked = asker.as_ref().and_then(|a| a.login.as_deref());
            if asked.is_some_and(|a| a.eq_ignore_ascii_case(chooser)) {
                AcceptedBy::Asker
            } else {
                AcceptedBy::Maintainer
            }
        });
    let accepted = answer
        .map(|c| Reply {
            html: sanitizer.clean(&body_to_html(c.body_html.as_deref(), c.body.as_deref())),
            author: to_author(c.author.or(c.user), c.author_association.as_deref(), source),
            score: c.upvote_count.unwrap_or(0),
            date: c.created_at.as_deref().and_then(parse_date),
            accepted_at,
            url: c.html_url.or(c.url.filter(|u| !is_api(u))),
            licence: None,
            accepted_by,
        })
        .into_iter()
        .collect();
    Some(Thread {
        id: number.to_string(),
        title,
        tags: match labels {
            Some(Labels::Names(n)) => n,
            Some(Labels::Objects(o) | Labels::Connection { nodes: o }) => {
                o.into_iter().map(|n| n.name).collect()
            }
            None => Vec::new(),
        },
        score: upvote_count.unwrap_or(0),
        url,
        asked: created_at.as_deref().and_then(parse_date),
        question_html: sanitizer.clean(&body_to_html(body_html.as_deref(), body.as_deref())),
        question_author: Some(to_author(asker, author_association.as_deref(), source)),
        accepted,
        licence: None,
        reviewed: None,
        file: file.into(),
    })
}

fn is_api(url: &str) -> bool {
    url.contains("://api.github.com/") || url.contains("/api/v3/")
}

/// `bodyHTML` when the export has it, else the Markdown `body` rendered
/// GitHub-style (tables, strikethrough, task lists, footnotes).
fn body_to_html(body_html: Option<&str>, body: Option<&str>) -> String {
    if let Some(h) = body_html.filter(|h| !h.trim().is_empty()) {
        return h.to_string();
    }
    let markdown = body.unwrap_or_default();
    markdown_to_html(markdown)
}

fn to_author(user: Option<User>, association: Option<&str>, source: &ForumSource) -> Author {
    let ghost = Author {
        username: "ghost".into(),
        display_name: "ghost".into(),
        deleted: true,
        ..Author::default()
    };
    // GitHub shows deleted accounts as "ghost".
    let Some(user) = user else {
        return ghost;
    };
    let login = user.login.unwrap_or_else(|| "ghost".into());
    if login.eq_ignore_ascii_case("ghost") {
        return ghost;
    }
    let origin = source
        .url
        .as_deref()
        .and_then(|u| {
            let (scheme, rest) = u.split_once("://")?;
            let host = rest.split('/').next()?;
            Some(format!("{scheme}://{host}"))
        })
        .unwrap_or_else(|| "https://github.com".into());
    let profile_url = user
        .html_url
        .or(user.url.filter(|u| !is_api(u)))
        .or_else(|| Some(join_url(&origin, &login)));
    Author {
        display_name: user
            .name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| login.clone()),
        username: login,
        profile_url,
        avatar_url: user.avatar_url,
        standing: super::model::Standing {
            role: association.and_then(Role::from_association),
            ..Default::default()
        },
        deleted: false,
        system: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::source::ForumKind;
    use crate::forum::testkit::{folder, source};

    const FIX: &str = "tests/fixtures/forum/github-discussions";

    fn run(src: &ForumSource) -> (Vec<Thread>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let t = read(src, &mut diags);
        (t, diags)
    }

    #[test]
    fn reads_webhook_payload_fixture() {
        let src = source(
            ForumKind::GithubDiscussions,
            "gh",
            &format!("{FIX}/octokit-webhooks_discussion-answered.payload.json"),
            None,
        );
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        assert_eq!(t.id, "4");
        assert_eq!(t.title, "TEST edit");
        assert_eq!(
            t.url.as_deref(),
            Some("https://github.com/Codertocat/Hello-World/discussions/4")
        );
        assert_eq!(t.question_html, "<p>TEST edit</p>\n");
        let a = &t.accepted[0];
        assert_eq!(a.html, "<p>Poggers</p>\n");
        assert_eq!(a.author.username, "dan2wik");
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://github.com/dan2wik")
        );
        assert_eq!(a.accepted_at, parse_date("2021-03-30T23:17:18Z"));
        assert_eq!(
            a.url.as_deref(),
            Some(
                "https://github.com/Codertocat/Hello-World/discussions/4#discussioncomment-550561"
            )
        );
    }

    #[test]
    fn reads_ghd2i_fixture() {
        let src = source(
            ForumKind::GithubDiscussions,
            "gh",
            &format!("{FIX}/ghd2i-readme-example_discussion.json"),
            None,
        );
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        assert_eq!(t.id, "54");
        assert_eq!(t.tags, ["foo", "aws/terraform-ci"]);
        assert_eq!(t.score, 1);
        let a = &t.accepted[0];
        assert_eq!(a.html, "<p>test comment</p>\n");
        assert_eq!(a.score, 1);
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://github.com/suzuki-shunsuke")
        );
        assert_eq!(a.accepted_at, parse_date("2022-04-10T01:24:57Z"));
    }

    const GRAPHQL: &str = r#"[
      {"number": 12, "title": "Can `relay` sync über SMB?", "url": "https://github.com/acme/relay/discussions/12",
       "createdAt": "2026-02-01T10:00:00Z", "upvoteCount": 3, "isAnswered": true,
       "author": {"login": "ana", "avatarUrl": "https://a.example/ana.png"},
       "labels": {"nodes": [{"name": "sync"}]},
       "body": "Is **SMB** supported?\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>",
       "answerChosenAt": "2026-02-02T10:00:00Z",
       "answer": {"body": "Yes, [see docs](javascript:alert(1)) and [this](/acme/relay/wiki).\n\n| a | b |\n|---|---|\n| 1 | 2 |",
                  "createdAt": "2026-02-01T12:00:00Z", "upvoteCount": -2, "author": null,
                  "url": "https://github.com/acme/relay/discussions/12#discussioncomment-1"}},
      {"number": 13, "title": "Open question", "body": "?", "answer": null, "isAnswered": false,
       "author": {"login": "bo"}}
    ]"#;

    #[test]
    fn reads_graphql_array_with_markdown_sanitized() {
        let dir = folder(&[("all.json", GRAPHQL)]);
        let mut src = source(
            ForumKind::GithubDiscussions,
            "gh",
            "x",
            Some("https://github.com/acme/relay"),
        );
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(threads.len(), 2);
        let t = &threads[0];
        assert_eq!(t.title, "Can `relay` sync über SMB?");
        assert_eq!(t.tags, ["sync"]);
        assert!(
            t.question_html.contains("<strong>SMB</strong>"),
            "{}",
            t.question_html
        );
        assert!(!t.question_html.contains("script"), "{}", t.question_html);
        assert!(!t.question_html.contains("onerror"), "{}", t.question_html);
        let a = &t.accepted[0];
        assert_eq!(a.score, -2);
        assert_eq!(a.author.display_name, "ghost");
        assert!(!a.html.contains("javascript"), "{}", a.html);
        assert!(
            a.html
                .contains(r#"href="https://github.com/acme/relay/wiki""#),
            "{}",
            a.html
        );
        assert!(a.html.contains("<td>1</td>"), "{}", a.html);
        assert!(threads[1].accepted.is_empty());
    }

    #[test]
    fn reads_graphql_response_and_answer_from_comments() {
        let text = r#"{"data": {"repository": {"discussions": {"nodes": [
          {"number": 5, "title": "T", "bodyHTML": "<p>q</p>", "author": {"login": "a"},
           "comments": {"nodes": [{"bodyHTML": "<p>no</p>", "isAnswer": false}, {"bodyHTML": "<p>yes</p>", "isAnswer": true, "author": {"login": "b"}}]}}
        ]}}}}"#;
        let dir = folder(&[("r.json", text)]);
        let mut src = source(ForumKind::GithubDiscussions, "gh", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(threads[0].accepted[0].html, "<p>yes</p>");
        assert_eq!(threads[0].accepted[0].author.username, "b");
    }

    #[test]
    fn missing_title_reports_line_and_keeps_other_files() {
        let dir = folder(&[
            ("a.json", "[\n  {\"number\": 1,\n   \"body\": \"x\"}\n]"),
            ("b.json", GRAPHQL),
            ("c.json", "{\"number\": 2, \"title\": \"x\""),
        ]);
        let mut src = source(ForumKind::GithubDiscussions, "gh", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert_eq!(threads.len(), 2);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("title"), "{}", diags[0].message);
        assert_eq!(diags[0].line, 3);
        assert!(diags[1].path.ends_with("c.json"));
        assert!(diags[1].line > 0);
    }

    fn api_fixture(name: &str) -> String {
        format!("tests/fixtures/forum-api/github/{name}")
    }

    #[test]
    fn reads_gh_paginate_output_and_its_slurp_array() {
        for name in ["gh-paginate.json", "gh-slurp.json"] {
            let src = source(ForumKind::GithubDiscussions, "gh", &api_fixture(name), None);
            let (threads, diags) = run(&src);
            assert!(diags.is_empty(), "{name}: {diags:?}");
            let ids: Vec<(&str, usize)> = threads
                .iter()
                .map(|t| (t.id.as_str(), t.accepted.len()))
                .collect();
            assert_eq!(ids, [("5", 0), ("4", 1)], "{name}");
            assert_eq!(threads[1].accepted[0].author.username, "dan2wik");
            assert_eq!(threads[1].accepted[0].html, "<p>Poggers</p>");
        }
    }

    #[test]
    fn reads_edges_and_search_results_and_reports_a_bad_page_at_its_line() {
        let text = r#"{"data": {"search": {"edges": [{"node": {"number": 8, "title": "E", "body": "q",
            "answer": {"body": "a", "author": {"login": "x"}}}}]}}}
{"data": {"repository": {"discussions": {"nodes": [
  {"number": 9}
]}}}}"#;
        let dir = folder(&[("pages.json", text)]);
        let mut src = source(ForumKind::GithubDiscussions, "gh", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert_eq!(threads.len(), 1);
        assert_eq!(threads[0].accepted[0].author.username, "x");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("title"), "{}", diags[0].message);
        assert_eq!(diags[0].line, 4, "{:?}", diags[0]);
    }

    #[test]
    fn association_and_who_chose_the_answer_from_the_webhook_fixture() {
        let src = source(
            ForumKind::GithubDiscussions,
            "gh",
            &format!("{FIX}/octokit-webhooks_discussion-answered.payload.json"),
            None,
        );
        let (threads, _) = run(&src);
        let t = &threads[0];
        let asker = t.question_author.as_ref().unwrap();
        assert_eq!(asker.standing.role, Some(Role::Owner));
        // `NONE` says nothing.
        assert_eq!(t.accepted[0].author.standing.role, None);
        // Codertocat asked and chose.
        assert_eq!(t.accepted[0].accepted_by, Some(AcceptedBy::Asker));
    }

    #[test]
    fn a_maintainer_chose_a_members_answer_and_a_ghost_is_deleted() {
        let text = r#"[{"number": 3, "title": "T", "body": "q",
            "author": {"login": "eve"}, "authorAssociation": "NONE",
            "answerChosenBy": {"login": "lead"},
            "answer": {"body": "a", "author": {"login": "ana"}, "authorAssociation": "MEMBER"}},
          {"number": 4, "title": "U", "body": "q", "author": null,
            "answer": {"body": "a", "author": {"login": "ghost"}, "authorAssociation": "CONTRIBUTOR"}}]"#;
        let src = source(ForumKind::GithubDiscussions, "gh", "gh.json", None);
        let (data, diags) = crate::forum::parse_bytes(&src, text.as_bytes());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let three = &data.answers[0].accepted[0];
        assert_eq!(three.author.standing.role, Some(Role::Member));
        assert_eq!(three.accepted_by, Some(AcceptedBy::Maintainer));
        let four = &data.answers[1];
        assert!(four.author.deleted, "{:?}", four.author);
        assert_eq!(four.author.standing.role, None);
        assert!(four.question_author.as_ref().unwrap().deleted);
        assert_eq!(four.accepted[0].accepted_by, None);
    }
}
