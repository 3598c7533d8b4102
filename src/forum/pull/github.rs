//! GitHub Discussions through the GraphQL API: a repository's discussions,
//! most recently updated first, 50 a page with cursor paging, until one
//! updated before the cursor. Each node carries what a snapshot keeps: the
//! question's HTML, labels, category, upvotes, the chosen `answer` with its
//! author (login, profile URL, avatar, author association) and
//! `answerChosenAt`. Discussions in categories that take no answers (e.g.
//! Announcements) are not questions and are skipped; unanswered ones in
//! answerable categories are kept for insights. The token comes from
//! `GITHUB_TOKEN` (or the variable named by `pull.token_env`); the
//! `X-RateLimit-*` headers are obeyed (an exhausted budget is waited out
//! until its reset).

use std::time::Duration;

use serde::Deserialize;

use super::error::PullError;
use super::run::{credential, Ending, Env, Forum, Run};
use super::snapshot::{normalize_newlines, stamp, Outcome};
use crate::config::PullSettings;
use crate::forum::export::parse_date;
use crate::forum::native::{Id, NAnswer, NAuthor, NQuestion};
use crate::forum::source::ForumSource;

const DEFAULT_API: &str = "https://api.github.com/graphql";
const PAGE: u32 = 50;

const QUERY: &str = "query($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    discussions(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title url createdAt updatedAt upvoteCount bodyHTML answerChosenAt
        answerChosenBy { login }
        author { login url avatarUrl }
        authorAssociation
        category { name slug isAnswerable }
        labels(first: 20) { nodes { name } }
        answer {
          url createdAt upvoteCount bodyHTML
          author { login url avatarUrl }
          authorAssociation
        }
      }
    }
  }
}";

pub struct GitHub {
    name: String,
    endpoint: String,
    owner: String,
    repo: String,
    categories: Vec<String>,
    tags: Vec<String>,
    token: String,
    token_var: String,
}

impl GitHub {
    pub fn new(
        source: &ForumSource,
        settings: &PullSettings,
        env: Env<'_>,
    ) -> Result<GitHub, PullError> {
        let name = source.name.clone();
        let repository = settings
            .repository
            .clone()
            .or_else(|| {
                let url = source.url.as_deref()?;
                let path = url.split_once("://")?.1.split_once('/')?.1;
                let mut parts = path.split('/').filter(|p| !p.is_empty());
                Some(format!("{}/{}", parts.next()?, parts.next()?))
            })
            .ok_or_else(|| {
                PullError::new(&name, "a GitHub Discussions source needs `url:` (https://github.com/OWNER/REPO) or `pull.repository: OWNER/REPO`")
            })?;
        let (owner, repo) = repository
            .split_once('/')
            .map(|(o, r)| (o.to_string(), r.trim_end_matches(".git").to_string()))
            .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
            .ok_or_else(|| PullError::new(&name, format!("`{repository}` is not OWNER/REPO")))?;
        let token_var = settings
            .token_env
            .clone()
            .unwrap_or_else(|| "GITHUB_TOKEN".to_string());
        let token = credential(env, Some(&token_var)).ok_or_else(|| {
            PullError::new(&name, format!("GitHub's GraphQL API needs a token and `{token_var}` is not set"))
                .with_hint("in a workflow, pass `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` (with `discussions: read` permission); locally, a token with read access to the repository")
        })?;
        Ok(GitHub {
            name,
            endpoint: settings
                .api_url
                .clone()
                .unwrap_or_else(|| DEFAULT_API.to_string()),
            owner,
            repo,
            categories: settings.categories.clone(),
            tags: settings.tags.clone(),
            token,
            token_var,
        })
    }

    fn page(&self, run: &Run<'_>, after: Option<&str>) -> Result<Connection, PullError> {
        let body = serde_json::json!({
            "query": QUERY,
            "variables": {"owner": self.owner, "name": self.repo, "first": PAGE, "after": after},
        })
        .to_string();
        let headers = [("Authorization", format!("bearer {}", self.token))];
        let mut rate_limited = 0;
        loop {
            let reply = run.client.post(&self.endpoint, &headers, &body)?;
            let hint = format!(
                "check the token in `{}`: it needs read access to {}/{} and its discussions",
                self.token_var, self.owner, self.repo
            );
            let response: Response = run.client.json(&reply, &hint)?;
            let wait = reset_wait(
                reply.header("x-ratelimit-remaining"),
                reply.header("x-ratelimit-reset"),
            );
            if let Some(errors) = response.errors.filter(|e| !e.is_empty()) {
                let limited = errors
                    .iter()
                    .any(|e| e.kind.as_deref() == Some("RATE_LIMITED"));
                if limited && rate_limited < 2 {
                    rate_limited += 1;
                    self.wait_for_reset(run, wait.unwrap_or(Duration::from_secs(60)))?;
                    continue;
                }
                let text: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                let not_found = errors
                    .iter()
                    .any(|e| e.kind.as_deref() == Some("NOT_FOUND"));
                let err = PullError::new(
                    &self.name,
                    format!("{}: {}", reply.shown_url, text.join("; ")),
                );
                return Err(if not_found {
                    err.with_hint("check `url:` or `pull.repository:` (OWNER/REPO), and that the token can read it")
                } else {
                    err
                });
            }
            if let Some(w) = wait {
                self.wait_for_reset(run, w)?;
            }
            return response
                .data
                .and_then(|d| d.repository)
                .map(|r| r.discussions)
                .ok_or_else(|| {
                    PullError::new(
                        &self.name,
                        format!(
                            "{}: the response has no `data.repository.discussions`",
                            reply.shown_url
                        ),
                    )
                    .with_hint("check `pull.api_url:` (GitHub: https://api.github.com/graphql)")
                });
        }
    }

    fn wait_for_reset(&self, run: &Run<'_>, wait: Duration) -> Result<(), PullError> {
        if wait > run.client.settings.max_wait {
            return Err(PullError::new(
                &self.name,
                format!(
                    "GitHub's rate limit is used up for {} more minutes",
                    wait.as_secs().div_ceil(60)
                ),
            )
            .with_hint("run the pull again after that; it goes on where it stopped"));
        }
        run.progress(&format!(
            "waiting {} s for GitHub's rate limit",
            wait.as_secs()
        ));
        std::thread::sleep(wait);
        Ok(())
    }

    fn in_scope(&self, d: &Discussion) -> bool {
        if let Some(c) = &d.category {
            if c.is_answerable == Some(false) {
                return false;
            }
            let listed = self.categories.is_empty()
                || self.categories.iter().any(|want| {
                    want.eq_ignore_ascii_case(&c.name)
                        || c.slug
                            .as_deref()
                            .is_some_and(|s| want.eq_ignore_ascii_case(s))
                });
            if !listed {
                return false;
            }
        } else if !self.categories.is_empty() {
            return false;
        }
        self.tags.is_empty() || labels(d).iter().any(|l| self.tags.contains(l))
    }

    fn question(&self, d: &Discussion) -> NQuestion {
        let answer = d.answer.as_ref().map(|a| NAnswer {
            accepted: true,
            score: a.upvote_count.unwrap_or(0),
            date: a.created_at.as_deref().and_then(normal_date),
            accepted_at: d.answer_chosen_at.as_deref().and_then(normal_date),
            url: a.url.clone(),
            licence: None,
            // Only the author and people with triage rights or more can
            // mark an answer.
            accepted_by: d.answer_chosen_by.as_ref().map(|by| {
                let asker = d.author.as_ref().map(|p| p.login.as_str());
                if asker.is_some_and(|l| l.eq_ignore_ascii_case(&by.login)) {
                    "asker".to_string()
                } else {
                    "maintainer".to_string()
                }
            }),
            author: a
                .author
                .as_ref()
                .map(|p| author(p, a.author_association.as_deref())),
            body: None,
            body_html: Some(normalize_newlines(a.body_html.as_deref().unwrap_or(""))),
        });
        let answered = answer.is_some();
        NQuestion {
            id: Id::Number(d.number),
            title: d.title.clone(),
            url: d.url.clone(),
            tags: labels(d),
            score: d.upvote_count.unwrap_or(0),
            asked: d.created_at.as_deref().and_then(normal_date),
            licence: None,
            reviewed: None,
            author: d
                .author
                .as_ref()
                .filter(|_| answered)
                .map(|p| author(p, d.author_association.as_deref())),
            body: String::new(),
            body_html: d
                .body_html
                .as_deref()
                .filter(|_| answered)
                .map(normalize_newlines),
            answers: answer.into_iter().collect(),
        }
    }
}

impl Forum for GitHub {
    fn api(&self) -> String {
        format!("{} {}/{}", self.endpoint, self.owner, self.repo)
    }

    fn scope(&self) -> String {
        format!(
            "categories=[{}] labels=[{}]",
            self.categories.join(","),
            self.tags.join(",")
        )
    }

    fn pull(&self, run: &mut Run<'_>) -> Result<Ending, PullError> {
        let mut after: Option<String> = None;
        let mut page = 1;
        loop {
            run.progress(&format!("listing page {page}"));
            let conn = self.page(run, after.as_deref())?;
            for d in &conn.nodes {
                let id = d.number.to_string();
                let when = d
                    .updated_at
                    .as_deref()
                    .and_then(normal_date)
                    .unwrap_or_default();
                if !run.full && !run.changed(&when) {
                    return Ok(Ending::Complete);
                }
                if !self.in_scope(d) {
                    if run.known.contains(&id) {
                        run.put(&id, &when, Outcome::Dropped)?;
                    }
                    continue;
                }
                run.see(&id, &when);
                if run.staged(&id, &when) {
                    continue;
                }
                let q = self.question(d);
                let outcome = if q.answers.is_empty() {
                    Outcome::Unanswered(q)
                } else {
                    Outcome::Answered(q)
                };
                run.put(&id, &when, outcome)?;
            }
            match conn.page_info {
                Some(PageInfo {
                    has_next_page: true,
                    end_cursor: Some(c),
                }) if !conn.nodes.is_empty() => after = Some(c),
                _ => return Ok(Ending::Complete),
            }
            page += 1;
        }
    }
}

/// How long to wait when the budget is used up (`remaining` 0), until
/// `reset` (epoch seconds).
fn reset_wait(remaining: Option<&str>, reset: Option<&str>) -> Option<Duration> {
    if remaining?.trim() != "0" {
        return None;
    }
    let reset: i64 = reset?.trim().parse().ok()?;
    let now = chrono::Utc::now().timestamp();
    Some(Duration::from_secs((reset - now).max(0) as u64 + 1))
}

fn normal_date(text: &str) -> Option<String> {
    parse_date(text).map(stamp)
}

fn labels(d: &Discussion) -> Vec<String> {
    d.labels
        .as_ref()
        .map(|l| l.nodes.iter().map(|n| n.name.clone()).collect())
        .unwrap_or_default()
}

fn author(p: &Actor, association: Option<&str>) -> NAuthor {
    NAuthor {
        username: p.login.clone(),
        name: None,
        url: p.url.clone(),
        avatar: p.avatar_url.clone(),
        reputation: None,
        trust_level: None,
        staff: None,
        association: association.filter(|a| *a != "NONE").map(str::to_string),
        moderator: None,
        admin: None,
        badges: None,
        deleted: None,
        system: None,
    }
}

// The API's shapes.

#[derive(Debug, Deserialize)]
struct Response {
    data: Option<Data>,
    errors: Option<Vec<GraphQlError>>,
}

#[derive(Debug, Deserialize)]
struct GraphQlError {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: String,
}

#[derive(Debug, Deserialize)]
struct Data {
    repository: Option<Repository>,
}

#[derive(Debug, Deserialize)]
struct Repository {
    discussions: Connection,
}

#[derive(Debug, Deserialize)]
struct Connection {
    #[serde(rename = "pageInfo")]
    page_info: Option<PageInfo>,
    #[serde(default)]
    nodes: Vec<Discussion>,
}

#[derive(Debug, Deserialize)]
struct PageInfo {
    #[serde(rename = "hasNextPage")]
    has_next_page: bool,
    #[serde(rename = "endCursor")]
    end_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Discussion {
    number: u64,
    title: String,
    url: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    upvote_count: Option<i64>,
    #[serde(rename = "bodyHTML")]
    body_html: Option<String>,
    answer_chosen_at: Option<String>,
    answer_chosen_by: Option<Actor>,
    author: Option<Actor>,
    author_association: Option<String>,
    category: Option<Category>,
    labels: Option<Labels>,
    answer: Option<Comment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    url: Option<String>,
    created_at: Option<String>,
    upvote_count: Option<i64>,
    #[serde(rename = "bodyHTML")]
    body_html: Option<String>,
    author: Option<Actor>,
    author_association: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actor {
    login: String,
    url: Option<String>,
    avatar_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Category {
    name: String,
    slug: Option<String>,
    is_answerable: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Labels {
    #[serde(default)]
    nodes: Vec<Named>,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::pull::loopback::{Reply, Request, Server};
    use crate::forum::pull::test_support::*;
    use crate::forum::pull::PullOptions;
    use crate::forum::source::ForumKind;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    /// (number, updatedAt day, answered, answerable category)
    type Disc = (u64, u32, bool, bool);

    fn node(d: &Disc) -> String {
        let (n, day, answered, answerable) = d;
        let answer = if *answered {
            format!(
                r#"{{"url": "https://github.com/acme/relay/discussions/{n}#discussioncomment-{n}0", "createdAt": "2026-01-{day:02}T09:00:00Z", "upvoteCount": 4,
                    "bodyHTML": "<p dir=\"auto\">Answer to {n}</p>", "author": {{"login": "bo", "url": "https://github.com/bo", "avatarUrl": "https://avatars.example/bo"}},
                    "authorAssociation": "MEMBER"}}"#
            )
        } else {
            "null".into()
        };
        format!(
            r#"{{"number": {n}, "title": "Discussion {n}", "url": "https://github.com/acme/relay/discussions/{n}", "createdAt": "2026-01-01T08:00:00Z",
                "updatedAt": "2026-01-{day:02}T10:00:00Z", "upvoteCount": 1, "bodyHTML": "<p dir=\"auto\">Question {n}</p>", "answerChosenAt": {chosen}, "answerChosenBy": {chooser},
                "author": {{"login": "ana", "url": "https://github.com/ana", "avatarUrl": "https://avatars.example/ana"}}, "authorAssociation": "NONE",
                "category": {{"name": "{cat}", "slug": "x", "isAnswerable": {answerable}}}, "labels": {{"nodes": [{{"name": "sync"}}]}}, "answer": {answer}}}"#,
            chosen = if *answered {
                format!("\"2026-01-{day:02}T11:00:00Z\"")
            } else {
                "null".into()
            },
            cat = if *answerable { "Q&A" } else { "Announcements" },
            chooser = if *answered {
                r#"{"login": "lead"}"#
            } else {
                "null"
            },
        )
    }

    fn handle(discussions: &[Disc], req: &Request, limited: &mut bool) -> Reply {
        if req.header("Authorization") != Some("bearer t0ken") {
            return Reply::json(
                401,
                r#"{"message": "Bad credentials", "documentation_url": "https://docs.github.com/graphql"}"#,
            );
        }
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
        let vars = &body["variables"];
        if vars["name"] != "relay" {
            return Reply::json(
                200,
                r#"{"data": {"repository": null}, "errors": [{"type": "NOT_FOUND", "path": ["repository"], "message": "Could not resolve to a Repository with the name 'acme/nope'."}]}"#,
            );
        }
        let mut sorted = discussions.to_vec();
        sorted.sort_by_key(|d| std::cmp::Reverse(d.1));
        let start: usize = vars["after"]
            .as_str()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let size = 2;
        let nodes: Vec<String> = sorted.iter().skip(start).take(size).map(node).collect();
        let more = start + size < sorted.len();
        let mut reply = Reply::json(
            200,
            &format!(
                r#"{{"data": {{"repository": {{"discussions": {{"pageInfo": {{"hasNextPage": {more}, "endCursor": "{}"}}, "nodes": [{}]}}}}}}}}"#,
                start + size,
                nodes.join(",")
            ),
        );
        let remaining = if std::mem::take(limited) { "0" } else { "4999" };
        let reset = chrono::Utc::now().timestamp() + 1;
        reply = reply
            .header("X-RateLimit-Limit", "5000")
            .header("X-RateLimit-Remaining", remaining)
            .header("X-RateLimit-Reset", &reset.to_string())
            .header("X-RateLimit-Resource", "graphql");
        reply
    }

    /// The discussions, and whether the next response says the rate
    /// limit is used up.
    type Shared = Arc<Mutex<(Vec<Disc>, bool)>>;

    fn setup(discussions: Vec<Disc>) -> (Shared, Server, tempfile::TempDir) {
        let state = Arc::new(Mutex::new((discussions, false)));
        let shared = state.clone();
        let server = Server::new(move |req| {
            let mut s = shared.lock().unwrap();
            let (d, limited) = &mut *s;
            handle(d, req, limited)
        });
        (state, server, tempfile::tempdir().unwrap())
    }

    fn token(name: &str) -> Option<String> {
        (name == "GITHUB_TOKEN").then(|| "t0ken".to_string())
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_first_pull_pages_with_cursors_and_keeps_answers_authors_and_associations() {
        let (state, server, dir) = setup(vec![
            (1, 1, true, true),
            (2, 2, false, true),
            (3, 3, true, false),
            (4, 4, true, true),
            (5, 5, false, true),
        ]);
        state.lock().unwrap().1 = true; // the first response says the budget is used up
        let src = source(
            ForumKind::GithubDiscussions,
            dir.path(),
            "https://github.com/acme/relay",
        );
        let set = settings(&server.url("/graphql"));
        let started = std::time::Instant::now();
        let report = pull_once(&src, &set, &PullOptions::default(), &token).unwrap();
        assert!(
            started.elapsed() >= std::time::Duration::from_secs(1),
            "waited for X-RateLimit-Reset"
        );
        assert_eq!(report.requests, 3);
        assert_eq!(
            names(&src.path),
            [".lorebook-pull.yaml", "1.yaml", "4.yaml", "unanswered.yaml"]
        );
        let afters: Vec<serde_json::Value> = server
            .requests()
            .iter()
            .map(|r| {
                serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["variables"]["after"]
                    .clone()
            })
            .collect();
        assert_eq!(afters, [serde_json::Value::Null, "2".into(), "4".into()]);
        let four = read(&src.path.join("4.yaml"));
        assert!(
            four.contains("association: MEMBER")
                && four.contains("accepted_at: 2026-01-04T11:00:00Z")
                && four.contains("accepted_by: maintainer"),
            "{four}"
        );
        assert!(!four.contains("association: NONE"), "{four}");
        let (data, diags) = crate::forum::load(std::slice::from_ref(&src));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert_eq!(
            data.answers
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>(),
            ["src:1", "src:4"]
        );
        assert_eq!(
            data.answers[0].author.profile_url.as_deref(),
            Some("https://github.com/bo")
        );
        assert_eq!(
            data.unanswered
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>(),
            ["src:2", "src:5"],
            "announcements are not questions"
        );
    }

    #[test]
    fn an_incremental_pull_stops_at_the_cursor() {
        let (state, server, dir) = setup((1..=6).map(|i| (i, i as u32, true, true)).collect());
        let src = source(
            ForumKind::GithubDiscussions,
            dir.path(),
            "https://github.com/acme/relay",
        );
        let set = settings(&server.url("/graphql"));
        pull_once(&src, &set, &PullOptions::default(), &token).unwrap();
        state.lock().unwrap().0[1].1 = 20;
        server.reset_count();
        let report = pull_once(&src, &set, &PullOptions::default(), &token).unwrap();
        assert_eq!(report.requests, 1);
        assert_eq!((report.summary.added, report.summary.updated), (0, 1));
    }

    #[test]
    fn a_missing_token_and_an_unknown_repository_are_clear_errors() {
        let (_state, server, dir) = setup(vec![(1, 1, true, true)]);
        let src = source(
            ForumKind::GithubDiscussions,
            dir.path(),
            "https://github.com/acme/relay",
        );
        let set = settings(&server.url("/graphql"));
        let err = pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap_err();
        assert!(err.message.contains("`GITHUB_TOKEN` is not set"), "{err}");
        let wrong = |name: &str| (name == "GITHUB_TOKEN").then(|| "wrong".to_string());
        let err = pull_once(&src, &set, &PullOptions::default(), &wrong).unwrap_err();
        assert!(
            err.message
                .contains("/graphql: HTTP 401 Unauthorized: {\"message\": \"Bad credentials\""),
            "{err}"
        );
        assert!(err.hint.unwrap().contains("GITHUB_TOKEN"));
        let mut other = set.clone();
        other.repository = Some("acme/nope".into());
        let err = pull_once(&src, &other, &PullOptions::default(), &token).unwrap_err();
        assert!(
            err.message.contains("Could not resolve to a Repository"),
            "{err}"
        );
        assert!(!src.path.exists());
    }

    #[test]
    fn reads_the_discussions_fixture() {
        let fix = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/forum-api/github/discussions-page.json");
        let r: Response = serde_json::from_str(&read(&fix)).unwrap();
        let d = &r.data.unwrap().repository.unwrap().discussions.nodes[0];
        assert_eq!((d.number, d.title.as_str()), (4, "TEST edit"));
        assert_eq!(
            d.answer.as_ref().unwrap().author.as_ref().unwrap().login,
            "dan2wik"
        );
    }
}
