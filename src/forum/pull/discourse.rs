//! Discourse: topics listed newest-bumped first from `/latest.json` (or
//! `/c/{category}/l/latest.json` per configured category), paged until a
//! topic last bumped before the cursor. Solved topics (the solved plugin's
//! `has_accepted_answer` on list items) are fetched with `/t/{id}.json`; an
//! accepted post past the first chunk of posts is fetched from
//! `/t/{id}/posts.json?post_ids[]=` using the topic's `post_stream.stream`.
//! Unsolved topics are kept from the list item alone, with their tags, for
//! insights. `Api-Key`/`Api-Username` come from the environment variables
//! named in the config; with a key, topics of read-restricted categories
//! (from `/site.json`) are skipped unless their category is configured, so a
//! staff key never publishes private topics.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Deserialize;

use super::error::PullError;
use super::run::{credential, Ending, Env, Forum, Run};
use super::snapshot::{normalize_newlines, stamp, Outcome};
use crate::config::PullSettings;
use crate::forum::export::parse_date;
use crate::forum::native::{Id, NAnswer, NAuthor, NQuestion};
use crate::forum::source::ForumSource;
use crate::forum::web::join_url;

/// Posts per `posts.json` request.
const POSTS_PER_REQUEST: usize = 20;
/// Requests spent looking for one topic's accepted posts past the window.
const MAX_POST_REQUESTS: usize = 6;

pub struct Discourse {
    /// Where the API is.
    base: String,
    /// Where links point (the forum's public address).
    site: String,
    categories: Vec<String>,
    tags: Vec<String>,
    headers: Vec<(&'static str, String)>,
}

impl Discourse {
    pub fn new(
        source: &ForumSource,
        settings: &PullSettings,
        env: Env<'_>,
    ) -> Result<Discourse, PullError> {
        let name = source.name.clone();
        let site = source.url.clone();
        let base = settings
            .api_url
            .clone()
            .or_else(|| site.clone())
            .ok_or_else(|| {
                PullError::new(&name, "a Discourse source needs `url:` to pull from").with_hint(
                    "set `url:` to the forum's address, e.g. https://community.example.com",
                )
            })?;
        let mut headers = Vec::new();
        if let Some(var) = &settings.api_key_env {
            let key = credential(env, Some(var)).ok_or_else(|| {
                PullError::new(&name, format!("the environment variable `{var}` (`pull.api_key_env`) is not set"))
                    .with_hint("set it to a Discourse API key (Admin > API > New API key, read-only scope), or remove `api_key_env` to pull anonymously")
            })?;
            headers.push(("Api-Key", key));
            let user = match &settings.api_username_env {
                Some(uvar) => credential(env, Some(uvar)).ok_or_else(|| {
                    PullError::new(&name, format!("the environment variable `{uvar}` (`pull.api_username_env`) is not set"))
                })?,
                None => "system".to_string(),
            };
            headers.push(("Api-Username", user));
        }
        Ok(Discourse {
            site: site.unwrap_or_else(|| base.clone()),
            base,
            categories: settings.categories.clone(),
            tags: settings.tags.clone(),
            headers,
        })
    }

    fn auth_hint(&self) -> &'static str {
        if self.headers.is_empty() {
            "the forum wants a login: set `pull.api_key_env` (and `api_username_env`) to variables holding an API key"
        } else {
            "check the API key and user in the environment variables named by `pull.api_key_env` and `api_username_env`"
        }
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        run: &Run<'_>,
        url: &str,
    ) -> Result<T, PullError> {
        let reply = run.client.get(url, &self.headers)?;
        run.client.json(&reply, self.auth_hint())
    }

    /// Category ids only staff can read (asked only with an API key:
    /// anonymous listings never show them).
    fn restricted(&self, run: &Run<'_>) -> Result<HashSet<u64>, PullError> {
        if self.headers.is_empty() {
            return Ok(HashSet::new());
        }
        let site: SiteJson = self.get(run, &join_url(&self.base, "site.json"))?;
        let configured: HashSet<u64> = self
            .categories
            .iter()
            .filter_map(|c| c.rsplit('/').next()?.parse().ok())
            .collect();
        Ok(site
            .categories
            .into_iter()
            .filter(|c| c.read_restricted && !configured.contains(&c.id))
            .map(|c| c.id)
            .collect())
    }

    fn listings(&self) -> Vec<String> {
        if self.categories.is_empty() {
            vec![join_url(&self.base, "latest.json")]
        } else {
            self.categories
                .iter()
                .map(|c| {
                    join_url(
                        &self.base,
                        &format!("c/{}/l/latest.json", c.trim_matches('/')),
                    )
                })
                .collect()
        }
    }

    fn topic_url(&self, slug: Option<&str>, id: u64) -> String {
        join_url(&self.site, &format!("t/{}/{id}", slug.unwrap_or("topic")))
    }

    /// A list item's question without fetching the topic.
    fn unanswered(&self, t: &ListTopic) -> NQuestion {
        NQuestion {
            id: Id::Number(t.id),
            title: t.title.clone(),
            url: Some(self.topic_url(t.slug.as_deref(), t.id)),
            tags: tag_names(&t.tags),
            score: t.op_like_count.unwrap_or(0),
            asked: t.created_at.as_deref().and_then(normal_date),
            licence: None,
            reviewed: None,
            author: None,
            body: String::new(),
            body_html: None,
            answers: Vec::new(),
        }
    }

    /// Fetch a solved topic (and its accepted posts past the first chunk).
    fn fetch(&self, run: &Run<'_>, id: u64) -> Result<Outcome, PullError> {
        let url = join_url(&self.base, &format!("t/{id}.json"));
        let reply = run.client.get(&url, &self.headers)?;
        if matches!(reply.status, 403 | 404 | 410) {
            // Deleted or made private between the listing and now.
            return Ok(Outcome::Dropped);
        }
        let mut topic: Topic = run.client.json(&reply, self.auth_hint())?;
        let mut wanted: BTreeSet<u64> = BTreeSet::new();
        let mut by_id: Vec<u64> = Vec::new();
        for a in topic
            .accepted_answer
            .iter()
            .chain(topic.accepted_answers.iter().flatten())
        {
            wanted.insert(a.post_number);
            by_id.extend(a.post_id);
        }
        wanted.extend(
            topic
                .post_stream
                .posts
                .iter()
                .filter(|p| p.accepted_answer == Some(true))
                .map(|p| p.post_number),
        );
        wanted.remove(&1);
        let missing: Vec<u64> = wanted
            .iter()
            .copied()
            .filter(|n| !topic.post_stream.posts.iter().any(|p| p.post_number == *n))
            .collect();
        if !missing.is_empty() {
            let more = self.more_posts(run, &topic, &missing, &by_id)?;
            topic.post_stream.posts.extend(more);
        }
        let site_url = self.topic_url(topic.slug.as_deref(), id);
        let first = topic.post_stream.posts.iter().find(|p| p.post_number == 1);
        let answers: Vec<NAnswer> = wanted
            .iter()
            .filter_map(|n| topic.post_stream.posts.iter().find(|p| p.post_number == *n))
            // Whispers (post type 4) are for staff only, even with a key.
            .filter(|p| p.post_type != Some(4))
            .filter(|p| !p.cooked.as_deref().unwrap_or("").trim().is_empty())
            .map(|p| NAnswer {
                accepted: true,
                score: likes(p),
                date: p.created_at.as_deref().and_then(normal_date),
                accepted_at: None,
                url: Some(format!("{site_url}/{}", p.post_number)),
                licence: None,
                accepted_by: accepted_by(&topic, p.post_number, first),
                author: self.author(p),
                body: None,
                body_html: p.cooked.as_deref().map(normalize_newlines),
            })
            .collect();
        let question = NQuestion {
            id: Id::Number(id),
            title: topic.title.clone().unwrap_or_else(|| format!("Topic {id}")),
            url: Some(site_url.clone()),
            tags: tag_names(&topic.tags),
            score: first.map_or(0, likes),
            asked: topic
                .created_at
                .as_deref()
                .or(first.and_then(|p| p.created_at.as_deref()))
                .and_then(normal_date),
            licence: None,
            reviewed: None,
            author: first.and_then(|p| self.author(p)),
            body: String::new(),
            body_html: first
                .and_then(|p| p.cooked.as_deref())
                .map(normalize_newlines),
            answers,
        };
        Ok(if question.answers.is_empty() {
            Outcome::Unanswered(NQuestion {
                body_html: None,
                author: None,
                ..question
            })
        } else {
            Outcome::Answered(question)
        })
    }

    /// The accepted posts that `/t/{id}.json` did not include: the ids the
    /// solved plugin gives, else the stream's ids around each post's number
    /// first (the stream is in post order), then the rest, nearest first.
    fn more_posts(
        &self,
        run: &Run<'_>,
        topic: &Topic,
        missing: &[u64],
        known_ids: &[u64],
    ) -> Result<Vec<Post>, PullError> {
        let loaded: HashSet<u64> = topic
            .post_stream
            .posts
            .iter()
            .filter_map(|p| p.id)
            .collect();
        let stream = &topic.post_stream.stream;
        let mut order: Vec<u64> = known_ids
            .iter()
            .copied()
            .filter(|i| !loaded.contains(i))
            .collect();
        let mut ranked: Vec<(u64, u64)> = Vec::new();
        for (index, post_id) in stream.iter().enumerate() {
            if loaded.contains(post_id) || order.contains(post_id) {
                continue;
            }
            let distance = missing
                .iter()
                .map(|n| (index as u64).abs_diff(n.saturating_sub(1)))
                .min()
                .unwrap_or(u64::MAX);
            ranked.push((distance, *post_id));
        }
        ranked.sort_unstable();
        order.extend(ranked.into_iter().map(|(_, id)| id));
        let topic_id = topic.id.unwrap_or_default();
        let mut found = Vec::new();
        let mut still: BTreeSet<u64> = missing.iter().copied().collect();
        for chunk in order.chunks(POSTS_PER_REQUEST).take(MAX_POST_REQUESTS) {
            let query: Vec<String> = chunk
                .iter()
                .map(|i| format!("post_ids%5B%5D={i}"))
                .collect();
            let url = join_url(
                &self.base,
                &format!("t/{topic_id}/posts.json?{}", query.join("&")),
            );
            let posts: PostsJson = self.get(run, &url)?;
            for p in posts.post_stream.posts {
                if still.remove(&p.post_number) {
                    found.push(p);
                }
            }
            if still.is_empty() {
                break;
            }
        }
        Ok(found)
    }

    fn author(&self, post: &Post) -> Option<NAuthor> {
        let username = post.username.clone().filter(|u| !u.is_empty())?;
        let avatar = post.avatar_template.as_deref().map(|t| {
            let t = t.replace("{size}", "96");
            if let Some(rest) = t.strip_prefix("//") {
                format!("https://{rest}")
            } else {
                join_url(&self.site, &t)
            }
        });
        let flag = |f: Option<bool>| (f == Some(true)).then_some(true);
        Some(NAuthor {
            url: Some(join_url(&self.site, &format!("u/{username}"))),
            name: post
                .name
                .clone()
                .filter(|n| !n.trim().is_empty() && *n != username),
            username,
            avatar,
            reputation: None,
            trust_level: post.trust_level,
            staff: flag(post.staff),
            association: None,
            moderator: flag(post.moderator),
            admin: flag(post.admin),
            badges: None,
            deleted: flag(post.user_deleted),
            system: None,
        })
    }
}

impl Forum for Discourse {
    fn api(&self) -> String {
        self.base.clone()
    }

    fn scope(&self) -> String {
        format!(
            "categories=[{}] tags=[{}]",
            self.categories.join(","),
            self.tags.join(",")
        )
    }

    fn pull(&self, run: &mut Run<'_>) -> Result<Ending, PullError> {
        let restricted = self.restricted(run)?;
        let mut done: HashSet<u64> = HashSet::new();
        for listing in self.listings() {
            let mut page = 0u32;
            loop {
                let url = format!("{listing}?page={page}");
                run.progress(&format!("listing page {}", page + 1));
                let list: TopicList = self.get(run, &url)?;
                let topics = list.topic_list.topics;
                let mut reached_cursor = false;
                let mut fetch: Vec<(u64, String)> = Vec::new();
                for t in &topics {
                    if !done.insert(t.id) {
                        continue;
                    }
                    let when = t
                        .bumped_at
                        .as_deref()
                        .or(t.last_posted_at.as_deref())
                        .or(t.created_at.as_deref())
                        .and_then(normal_date)
                        .unwrap_or_default();
                    let pinned = t.pinned == Some(true) || t.pinned_globally == Some(true);
                    if !run.full && !run.changed(&when) {
                        if pinned {
                            continue;
                        }
                        reached_cursor = true;
                        break;
                    }
                    let id = t.id.to_string();
                    if !self.in_scope(t, &restricted) {
                        if run.known.contains(&id) {
                            run.put(&id, &when, Outcome::Dropped)?;
                        }
                        continue;
                    }
                    run.see(&id, &when);
                    if run.staged(&id, &when) {
                        continue;
                    }
                    if t.has_accepted_answer == Some(false) {
                        run.put(&id, &when, Outcome::Unanswered(self.unanswered(t)))?;
                    } else {
                        fetch.push((t.id, when));
                    }
                }
                self.fetch_all(run, fetch)?;
                if reached_cursor || topics.is_empty() || list.topic_list.more_topics_url.is_none()
                {
                    break;
                }
                page += 1;
            }
        }
        Ok(Ending::Complete)
    }
}

impl Discourse {
    fn in_scope(&self, t: &ListTopic, restricted: &HashSet<u64>) -> bool {
        if t.archetype.as_deref().is_some_and(|a| a != "regular") || t.visible == Some(false) {
            return false;
        }
        if t.can_have_answer == Some(false) {
            return false;
        }
        if t.category_id.is_some_and(|c| restricted.contains(&c)) {
            return false;
        }
        self.tags.is_empty() || tag_names(&t.tags).iter().any(|tag| self.tags.contains(tag))
    }

    /// Fetch topics with as many requests in flight as the pace allows,
    /// then record them in listing order. Topics fetched before an error
    /// are recorded too, so a run that fails goes on from there next time.
    fn fetch_all(&self, run: &mut Run<'_>, topics: Vec<(u64, String)>) -> Result<(), PullError> {
        if topics.is_empty() {
            return Ok(());
        }
        let workers = run.client.settings.concurrency.clamp(1, topics.len());
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, Result<Outcome, PullError>)>> = Mutex::new(Vec::new());
        {
            let shared: &Run<'_> = run;
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((id, _)) = topics.get(i) else { break };
                        let outcome = self.fetch(shared, *id);
                        let failed = outcome.is_err();
                        if let Ok(mut r) = results.lock() {
                            r.push((i, outcome));
                        }
                        if failed {
                            // Stop taking new topics; the others finish.
                            next.store(topics.len(), Ordering::SeqCst);
                        }
                    });
                }
            });
        }
        let mut results = results.into_inner().unwrap_or_default();
        results.sort_by_key(|(i, _)| *i);
        let mut first_error = None;
        for (i, outcome) in results {
            let (id, when) = &topics[i];
            match outcome {
                Ok(o) => run.put(&id.to_string(), when, o)?,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        run.progress("fetching topics");
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A forum date as the snapshot records it (UTC).
fn normal_date(text: &str) -> Option<String> {
    parse_date(text).map(stamp)
}

/// Likes: the `actions_summary` entry with `id: 2`.
/// `accepted_by:` for post `number`: the solved plugin's accepter is the
/// asker (the first post's author), staff (their post in the thread has a
/// staff flag) or someone else; nothing when the topic names nobody.
fn accepted_by(topic: &Topic, number: u64, first: Option<&Post>) -> Option<String> {
    let accepter = topic
        .accepted_answer
        .iter()
        .chain(topic.accepted_answers.iter().flatten())
        .find(|a| a.post_number == number)
        .and_then(|a| a.accepter_username.as_deref())
        .filter(|u| !u.trim().is_empty())?;
    let same = |p: &Post| {
        p.username
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(accepter.trim()))
    };
    let staff =
        |p: &Post| p.staff == Some(true) || p.admin == Some(true) || p.moderator == Some(true);
    let word = if first.is_some_and(same) {
        "asker"
    } else if topic.post_stream.posts.iter().any(|p| same(p) && staff(p)) {
        "staff"
    } else {
        "other"
    };
    Some(word.to_string())
}

fn likes(post: &Post) -> i64 {
    post.actions_summary
        .iter()
        .flatten()
        .find(|a| a.id == 2)
        .and_then(|a| a.count)
        .unwrap_or(0)
}

fn tag_names(tags: &Option<Vec<Tag>>) -> Vec<String> {
    tags.iter()
        .flatten()
        .map(|t| match t {
            Tag::Name(n) | Tag::Object { name: n } => n.clone(),
        })
        .collect()
}

// The API's shapes: only the fields a snapshot keeps are read.

#[derive(Debug, Deserialize)]
struct SiteJson {
    #[serde(default)]
    categories: Vec<SiteCategory>,
}

#[derive(Debug, Deserialize)]
struct SiteCategory {
    id: u64,
    #[serde(default)]
    read_restricted: bool,
}

#[derive(Debug, Deserialize)]
struct TopicList {
    topic_list: TopicListInner,
}

#[derive(Debug, Deserialize)]
struct TopicListInner {
    #[serde(default)]
    topics: Vec<ListTopic>,
    more_topics_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListTopic {
    id: u64,
    title: String,
    slug: Option<String>,
    created_at: Option<String>,
    bumped_at: Option<String>,
    last_posted_at: Option<String>,
    pinned: Option<bool>,
    pinned_globally: Option<bool>,
    visible: Option<bool>,
    archetype: Option<String>,
    category_id: Option<u64>,
    op_like_count: Option<i64>,
    has_accepted_answer: Option<bool>,
    can_have_answer: Option<bool>,
    tags: Option<Vec<Tag>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Tag {
    Name(String),
    Object { name: String },
}

#[derive(Debug, Deserialize)]
struct Topic {
    id: Option<u64>,
    title: Option<String>,
    slug: Option<String>,
    tags: Option<Vec<Tag>>,
    created_at: Option<String>,
    accepted_answer: Option<AcceptedRef>,
    accepted_answers: Option<Vec<AcceptedRef>>,
    post_stream: PostStream,
}

#[derive(Debug, Deserialize)]
struct AcceptedRef {
    post_number: u64,
    post_id: Option<u64>,
    accepter_username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PostStream {
    #[serde(default)]
    posts: Vec<Post>,
    #[serde(default)]
    stream: Vec<u64>,
}

#[derive(Debug, Deserialize)]
struct PostsJson {
    post_stream: PostStream,
}

#[derive(Debug, Deserialize)]
struct Post {
    id: Option<u64>,
    post_number: u64,
    post_type: Option<u8>,
    username: Option<String>,
    name: Option<String>,
    avatar_template: Option<String>,
    created_at: Option<String>,
    cooked: Option<String>,
    actions_summary: Option<Vec<Action>>,
    accepted_answer: Option<bool>,
    trust_level: Option<u8>,
    staff: Option<bool>,
    admin: Option<bool>,
    moderator: Option<bool>,
    user_deleted: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Action {
    id: i64,
    count: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::pull::loopback::{Reply, Request, Server};
    use crate::forum::pull::test_support::*;
    use crate::forum::pull::PullOptions;
    use crate::forum::source::ForumKind;
    use std::path::Path;
    use std::sync::{Arc, Mutex as StdMutex};

    /// A small forum the tests change between pulls.
    #[derive(Clone, Default)]
    struct Forum {
        /// (id, bumped_at, solved, posts in the topic, accepted post number)
        topics: Vec<(u64, String, bool, u64, u64)>,
        per_page: usize,
        broken: Option<u64>,
    }

    fn post(n: u64, topic: u64) -> String {
        format!(
            r#"{{"id": {pid}, "post_number": {n}, "username": "user{n}", "name": "User {n}", "avatar_template": "/user_avatar/f/user{n}/{{size}}/1.png",
                "created_at": "2026-01-0{d}T10:00:00.000-05:00", "cooked": "<p>post {n} of {topic}</p>\n<p>second line</p>",
                "actions_summary": [{{"id": 2, "count": {n}}}], "trust_level": 2, "staff": {staff}, "email": "user{n}@example.com",
                "accepted_answer": false, "topic_id": {topic}}}"#,
            pid = topic * 1000 + n,
            d = (n % 9) + 1,
            staff = n == 1
        )
    }

    fn handle(forum: &Forum, req: &Request) -> Reply {
        let path = req.path();
        if path == "/latest.json" {
            let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
            let mut sorted = forum.topics.clone();
            sorted.sort_by(|a, b| b.1.cmp(&a.1));
            let items: Vec<String> = sorted
                .iter()
                .skip(page * forum.per_page)
                .take(forum.per_page)
                .map(|(id, bumped, solved, posts, _)| {
                    format!(
                        r#"{{"id": {id}, "title": "Topic {id}", "fancy_title": "Topic {id}", "slug": "topic-{id}", "posts_count": {posts},
                            "created_at": "2025-12-01T00:00:00.000Z", "bumped_at": "{bumped}", "pinned": false, "visible": true,
                            "archetype": "regular", "category_id": 5, "op_like_count": 1, "tags": ["sync"], "has_accepted_answer": {solved}}}"#
                    )
                })
                .collect();
            let more = if (page + 1) * forum.per_page < sorted.len() {
                format!(r#", "more_topics_url": "/latest?page={}""#, page + 1)
            } else {
                String::new()
            };
            return Reply::json(
                200,
                &format!(
                    r#"{{"users": [], "topic_list": {{"per_page": {}, "topics": [{}]{more}}}}}"#,
                    forum.per_page,
                    items.join(",")
                ),
            );
        }
        if let Some(rest) = path.strip_prefix("/t/") {
            if let Some(id) = rest
                .strip_suffix(".json")
                .and_then(|i| i.parse::<u64>().ok())
            {
                if forum.broken == Some(id) {
                    return Reply::json(200, r#"{"post_stream": {"posts": [{"id": 1,"#);
                }
                let Some((_, _, _, posts, accepted)) = forum.topics.iter().find(|t| t.0 == id)
                else {
                    return Reply::json(404, r#"{"errors": ["not found"]}"#);
                };
                let chunk: Vec<String> = (1..=(*posts).min(20)).map(|n| post(n, id)).collect();
                let stream: Vec<String> =
                    (1..=*posts).map(|n| (id * 1000 + n).to_string()).collect();
                return Reply::json(
                    200,
                    &format!(
                        r#"{{"id": {id}, "title": "Topic {id}", "slug": "topic-{id}", "created_at": "2025-12-01T00:00:00.000Z", "tags": [{{"id": 1, "name": "sync", "slug": "sync"}}],
                            "accepted_answer": {{"post_number": {accepted}, "username": "user{accepted}", "accepter_username": "user1"}},
                            "post_stream": {{"posts": [{}], "stream": [{}]}}}}"#,
                        chunk.join(","),
                        stream.join(",")
                    ),
                );
            }
            if let Some(id) = rest
                .strip_suffix("/posts.json")
                .and_then(|i| i.parse::<u64>().ok())
            {
                let posts: Vec<String> = req
                    .query_all("post_ids[]")
                    .iter()
                    .filter_map(|p| p.parse::<u64>().ok())
                    .map(|pid| post(pid % 1000, id))
                    .collect();
                return Reply::json(
                    200,
                    &format!(
                        r#"{{"post_stream": {{"posts": [{}]}}, "id": {id}}}"#,
                        posts.join(",")
                    ),
                );
            }
        }
        Reply::json(404, r#"{"errors": ["not found"]}"#)
    }

    fn serve(forum: Arc<StdMutex<Forum>>) -> Server {
        Server::new(move |req| {
            let f = forum.lock().unwrap().clone();
            handle(&f, req)
        })
    }

    fn day(d: u32) -> String {
        format!("2026-02-{d:02}T08:00:00.000Z")
    }

    fn setup(
        topics: Vec<(u64, String, bool, u64, u64)>,
    ) -> (Arc<StdMutex<Forum>>, Server, tempfile::TempDir) {
        let forum = Arc::new(StdMutex::new(Forum {
            topics,
            per_page: 3,
            broken: None,
        }));
        let server = serve(forum.clone());
        (forum, server, tempfile::tempdir().unwrap())
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_first_pull_fills_an_empty_folder_with_pages_and_late_accepted_posts() {
        let (_forum, server, dir) = setup(vec![
            (1, day(1), true, 3, 2),
            (2, day(2), false, 2, 0),
            (3, day(3), true, 45, 37),
            (4, day(4), true, 25, 2),
        ]);
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let report = pull_once(
            &src,
            &settings(&server.url("")),
            &PullOptions::default(),
            &no_env,
        )
        .unwrap();
        assert_eq!(
            names(&src.path),
            [
                ".lorebook-pull.yaml",
                "1.yaml",
                "3.yaml",
                "4.yaml",
                "unanswered.yaml"
            ]
        );
        assert_eq!((report.summary.added, report.summary.unanswered), (3, 1));
        // Two list pages, three topics, one posts.json for post 37.
        let paths: Vec<String> = server
            .requests()
            .iter()
            .map(|r| r.path().to_string())
            .collect();
        assert_eq!(
            paths.iter().filter(|p| *p == "/latest.json").count(),
            2,
            "{paths:?}"
        );
        assert_eq!(
            paths.iter().filter(|p| p.ends_with("/posts.json")).count(),
            1,
            "{paths:?}"
        );
        let three = read(&src.path.join("3.yaml"));
        assert!(three.contains("<p>post 37 of 3</p>"), "{three}");
        assert!(
            three.contains("url: https://forum.example/t/topic-3/3/37"),
            "{three}"
        );
        assert!(
            three.contains("avatar: https://forum.example/user_avatar/f/user37/96/1.png"),
            "{three}"
        );
        assert!(
            !three.contains("example.com"),
            "no email is ever written: {three}"
        );
        assert!(three.contains("trust_level: 2"), "{three}");
        assert!(three.contains("staff: true"), "the asker is staff: {three}");
        assert!(three.contains("accepted_by: asker"), "{three}");
        // The snapshot reads back through the importer.
        let (data, diags) = crate::forum::load(std::slice::from_ref(&src));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let ids: Vec<&str> = data.answers.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["src:1", "src:3", "src:4"]);
        assert_eq!(data.answers[1].author.display_name, "User 37");
        assert_eq!(data.answers[1].score, 37);
        let standing = data.answers[1].author.standing;
        assert_eq!((standing.trust_level, standing.role), (Some(2), None));
        assert_eq!(
            data.answers[1].accepted[0].accepted_by,
            Some(crate::forum::AcceptedBy::Asker)
        );
        let asker = data.answers[1].question_author.as_ref().unwrap();
        assert_eq!(asker.standing.role, Some(crate::forum::Role::Staff));
        assert_eq!(data.unanswered[0].id, "src:2");
        assert_eq!(data.unanswered[0].tags, ["sync"]);
    }

    #[test]
    fn an_incremental_pull_fetches_only_what_changed_and_full_removes_what_is_gone() {
        let (forum, server, dir) = setup(
            (1..=9)
                .map(|i| (i, day(i as u32), i % 3 != 0, 3, 2))
                .collect(),
        );
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let set = settings(&server.url(""));
        pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap();
        let before: Vec<(String, String)> = names(&src.path)
            .into_iter()
            .map(|n| (read(&src.path.join(&n)), n))
            .map(|(t, n)| (n, t))
            .collect();
        // Topic 2 gets a new reply (bumped), topic 3 gets solved.
        {
            let mut f = forum.lock().unwrap();
            f.topics[1].1 = day(20);
            f.topics[2] = (3, day(21), true, 4, 4);
        }
        server.reset_count();
        let report = pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap();
        let mut paths: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
        paths.sort();
        assert_eq!(
            paths,
            ["/latest.json?page=0", "/t/2.json", "/t/3.json"].map(String::from),
            "only the changed topics"
        );
        assert!(!report.full);
        assert_eq!((report.summary.added, report.summary.updated), (1, 0));
        for (name, text) in &before {
            if name != ".lorebook-pull.yaml" && name != "unanswered.yaml" {
                assert_eq!(&read(&src.path.join(name)), text, "{name} unchanged");
            }
        }
        assert!(src.path.join("3.yaml").is_file());
        // Topic 5 deleted upstream, topic 7 un-accepted without a bump:
        // an incremental pull does not see them, a full one does.
        {
            let mut f = forum.lock().unwrap();
            f.topics.retain(|t| t.0 != 5);
            f.topics[5].2 = false;
        }
        pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap();
        assert!(src.path.join("5.yaml").is_file());
        let full = PullOptions {
            full: true,
            ..Default::default()
        };
        let report = pull_once(&src, &set, &full, &no_env).unwrap();
        assert!(report.full);
        assert_eq!(report.summary.removed, 2, "{report:?}");
        assert!(!src.path.join("5.yaml").exists());
        assert!(!src.path.join("7.yaml").exists());
        let unanswered = read(&src.path.join("unanswered.yaml"));
        assert!(unanswered.contains("- id: 7\n"), "{unanswered}");
        assert!(!unanswered.contains("- id: 5\n"), "{unanswered}");
    }

    #[test]
    fn a_failed_pull_leaves_the_snapshot_and_the_next_run_resumes() {
        let (forum, server, dir) = setup((1..=6).map(|i| (i, day(i as u32), true, 2, 2)).collect());
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let set = settings(&server.url(""));
        pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap();
        let state = read(&src.path.join(".lorebook-pull.yaml"));
        {
            let mut f = forum.lock().unwrap();
            for t in f.topics.iter_mut() {
                t.1 = day(t.0 as u32 + 10);
            }
            f.broken = Some(2);
        }
        let err = pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap_err();
        assert!(err.message.contains("/t/2.json: malformed JSON"), "{err}");
        assert_eq!(
            read(&src.path.join(".lorebook-pull.yaml")),
            state,
            "snapshot untouched"
        );
        forum.lock().unwrap().broken = None;
        server.reset_count();
        let report = pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap();
        assert!(report.resumed >= 3, "{report:?}");
        let fetched = server
            .requests()
            .iter()
            .filter(|r| r.path().starts_with("/t/"))
            .count();
        assert!(
            fetched <= 3,
            "topics fetched before the failure are not fetched again ({fetched})"
        );
        assert_ne!(read(&src.path.join(".lorebook-pull.yaml")), state);
    }

    #[test]
    fn dry_run_writes_nothing() {
        let (_forum, server, dir) = setup(vec![(1, day(1), true, 3, 2)]);
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let opts = PullOptions {
            dry_run: true,
            ..Default::default()
        };
        let report = pull_once(&src, &settings(&server.url("")), &opts, &no_env).unwrap();
        assert_eq!(report.summary.added, 1);
        assert_eq!(names(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn api_key_headers_come_from_the_named_variables_and_private_categories_are_skipped() {
        let seen = Arc::new(StdMutex::new(Vec::new()));
        let log = seen.clone();
        let server = Server::new(move |req| {
            log.lock().unwrap().push((
                req.header("Api-Key").map(String::from),
                req.header("Api-Username").map(String::from),
            ));
            match req.path() {
                "/site.json" => Reply::json(
                    200,
                    r#"{"categories": [{"id": 5, "read_restricted": false}, {"id": 9, "read_restricted": true}]}"#,
                ),
                "/latest.json" => Reply::json(
                    200,
                    r#"{"topic_list": {"topics": [
                    {"id": 1, "title": "Public", "slug": "p", "bumped_at": "2026-01-01T00:00:00Z", "category_id": 5, "has_accepted_answer": false},
                    {"id": 2, "title": "Staff only", "slug": "s", "bumped_at": "2026-01-01T00:00:00Z", "category_id": 9, "has_accepted_answer": false}]}}"#,
                ),
                _ => Reply::status(404),
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let mut set = settings(&server.url(""));
        set.api_key_env = Some("D_KEY".into());
        set.api_username_env = Some("D_USER".into());
        let missing = pull_once(&src, &set, &PullOptions::default(), &no_env).unwrap_err();
        assert!(missing.message.contains("`D_KEY`"), "{missing}");
        let env = |name: &str| match name {
            "D_KEY" => Some("k3y".to_string()),
            "D_USER" => Some("bot".to_string()),
            _ => None,
        };
        pull_once(&src, &set, &PullOptions::default(), &env).unwrap();
        assert!(seen
            .lock()
            .unwrap()
            .iter()
            .all(|(k, u)| k.as_deref() == Some("k3y") && u.as_deref() == Some("bot")));
        let unanswered = read(&src.path.join("unanswered.yaml"));
        assert!(
            unanswered.contains("Public") && !unanswered.contains("Staff only"),
            "{unanswered}"
        );
        let state = read(&src.path.join(".lorebook-pull.yaml"));
        assert!(!state.contains("k3y"), "{state}");
    }

    #[test]
    fn a_401_names_the_source_the_url_and_the_key_variables() {
        let server = Server::scripted(vec![Reply::json(
            401,
            r#"{"errors": ["You are not permitted to view the requested resource."]}"#,
        )]);
        let dir = tempfile::tempdir().unwrap();
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        let err = pull_once(
            &src,
            &settings(&server.url("")),
            &PullOptions::default(),
            &no_env,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("forum source `src`: http://127.0.0.1:"),
            "{err}"
        );
        assert!(
            err.message
                .contains("/latest.json?page=0: HTTP 401 Unauthorized"),
            "{err}"
        );
        assert!(err.hint.unwrap().contains("api_key_env"));
        assert!(!src.path.exists());
    }

    #[test]
    fn reads_the_discourse_api_fixtures() {
        let fix = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forum-api/discourse");
        let latest: TopicList = serde_json::from_str(&read(&fix.join("latest.json"))).unwrap();
        assert_eq!(latest.topic_list.topics.len(), 3);
        assert_eq!(
            latest.topic_list.more_topics_url.as_deref(),
            Some("/latest.json?page=1")
        );
        assert_eq!(latest.topic_list.topics[0].pinned, Some(true));
        let topic: Topic = serde_json::from_str(&read(&fix.join("topic.json"))).unwrap();
        assert_eq!(topic.post_stream.stream, [83, 84, 86, 226]);
        assert_eq!(likes(&topic.post_stream.posts[2]), 5);
        let posts: PostsJson = serde_json::from_str(&read(&fix.join("topic_posts.json"))).unwrap();
        assert!(!posts.post_stream.posts.is_empty());
    }

    #[test]
    fn a_whisper_is_never_written_even_when_marked_accepted() {
        let server = Server::new(|req| match req.path() {
            "/latest.json" => Reply::json(
                200,
                r#"{"topic_list": {"topics": [{"id": 9, "title": "T", "slug": "t", "bumped_at": "2026-01-01T00:00:00Z", "has_accepted_answer": true}]}}"#,
            ),
            "/t/9.json" => Reply::json(
                200,
                r#"{"id": 9, "title": "T", "slug": "t", "accepted_answer": {"post_number": 2},
                "post_stream": {"posts": [{"id": 1, "post_number": 1, "username": "a", "cooked": "<p>q</p>"},
                {"id": 2, "post_number": 2, "post_type": 4, "username": "mod", "cooked": "<p>staff-only note</p>", "accepted_answer": true}], "stream": [1, 2]}}"#,
            ),
            _ => Reply::status(404),
        });
        let dir = tempfile::tempdir().unwrap();
        let src = source(ForumKind::Discourse, dir.path(), "https://forum.example");
        pull_once(
            &src,
            &settings(&server.url("")),
            &PullOptions::default(),
            &no_env,
        )
        .unwrap();
        assert_eq!(names(&src.path), [".lorebook-pull.yaml", "unanswered.yaml"]);
        assert!(!read(&src.path.join("unanswered.yaml")).contains("staff-only"));
    }
}
