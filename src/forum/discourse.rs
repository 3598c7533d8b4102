//! Discourse importer: a folder of topic JSON files as returned by
//! `/t/{id}.json`, with the solved plugin's accepted answer in either shape
//! (the older single `accepted_answer` object or the current
//! `accepted_answers` list; posts also carry `accepted_answer: true`).
//! A `/t/{id}/posts.json` response saved beside its topic (any file name)
//! adds its posts to that topic, which is how an accepted post past the
//! topic's first chunk of posts gets in.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::export::{export_files, json_error, parse_date, read_text};
use super::model::{AcceptedBy, Author, Reply, Role, Standing, Thread};
use super::sanitize::Sanitizer;
use super::web::join_url;
use crate::diagnostics::Diagnostic;
use crate::forum::source::ForumSource;

#[derive(Debug, Deserialize)]
struct Topic {
    id: Option<u64>,
    title: Option<String>,
    slug: Option<String>,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
    created_at: Option<String>,
    accepted_answer: Option<AcceptedRef>,
    accepted_answers: Option<Vec<AcceptedRef>>,
    post_stream: PostStream,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Tag {
    Name(String),
    Object { name: String },
}

#[derive(Debug, Deserialize)]
struct AcceptedRef {
    post_number: u64,
    /// Who marked it (the solved plugin's `accepter_username`).
    accepter_username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PostStream {
    posts: Vec<Post>,
}

#[derive(Debug, Deserialize)]
struct Post {
    id: Option<u64>,
    post_number: u64,
    username: Option<String>,
    name: Option<String>,
    avatar_template: Option<String>,
    created_at: Option<String>,
    #[serde(default)]
    cooked: Option<String>,
    #[serde(default)]
    actions_summary: Option<Vec<Action>>,
    accepted_answer: Option<bool>,
    topic_id: Option<u64>,
    topic_slug: Option<String>,
    trust_level: Option<u8>,
    staff: Option<bool>,
    moderator: Option<bool>,
    admin: Option<bool>,
    user_deleted: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Action {
    id: i64,
    count: Option<i64>,
}

/// Read every `.json` topic file of the source.
pub(crate) fn read(source: &ForumSource, diags: &mut Vec<Diagnostic>) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut parsed = Vec::new();
    for file in export_files(source, &[".json"], diags) {
        if let Some(text) = read_text(&file, diags) {
            if let Some(topic) = parse_topic(&text, &file, diags) {
                parsed.push((file, topic));
            }
        }
    }
    merge_posts_files(&mut parsed);
    parsed
        .into_iter()
        .filter_map(|(file, topic)| topic_thread(topic, &file, source, &sanitizer, diags))
        .collect()
}

/// Move the posts of `posts.json` responses (no `title`) into the topic
/// file of the same topic id, skipping posts the topic already has. A
/// `posts.json` without its topic stays on its own.
fn merge_posts_files(parsed: &mut Vec<(std::path::PathBuf, Topic)>) {
    let topic_id = |t: &Topic| {
        t.id.or_else(|| t.post_stream.posts.iter().find_map(|p| p.topic_id))
    };
    let mut index: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for (i, (_, t)) in parsed.iter().enumerate() {
        if t.title.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            if let Some(id) = topic_id(t) {
                index.entry(id).or_insert(i);
            }
        }
    }
    let mut moved: Vec<(usize, Vec<Post>)> = Vec::new();
    let mut keep = vec![true; parsed.len()];
    for (i, (_, t)) in parsed.iter_mut().enumerate() {
        if t.title.is_some() {
            continue;
        }
        if let Some(&target) = topic_id(t).and_then(|id| index.get(&id)) {
            moved.push((target, std::mem::take(&mut t.post_stream.posts)));
            keep[i] = false;
        }
    }
    for (target, posts) in moved {
        let topic = &mut parsed[target].1;
        let have: BTreeSet<u64> = topic
            .post_stream
            .posts
            .iter()
            .map(|p| p.post_number)
            .collect();
        topic
            .post_stream
            .posts
            .extend(posts.into_iter().filter(|p| !have.contains(&p.post_number)));
    }
    let mut i = 0;
    parsed.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// One topic file's text, reported as `source.path`.
pub(crate) fn read_str(
    source: &ForumSource,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Thread> {
    let sanitizer = Sanitizer::new(source.url.as_deref());
    parse_topic(text, &source.path, diags)
        .and_then(|topic| topic_thread(topic, &source.path, source, &sanitizer, diags))
        .into_iter()
        .collect()
}

fn parse_topic(text: &str, file: &Path, diags: &mut Vec<Diagnostic>) -> Option<Topic> {
    // Exports saved by some Windows tools start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str(text) {
        Ok(t) => Some(t),
        Err(e) => {
            diags.push(json_error(file, &e).with_hint(
                "expected a Discourse topic as returned by `/t/{id}.json` (with `post_stream.posts`)",
            ));
            None
        }
    }
}

fn topic_thread(
    topic: Topic,
    file: &Path,
    source: &ForumSource,
    sanitizer: &Sanitizer,
    diags: &mut Vec<Diagnostic>,
) -> Option<Thread> {
    let posts = &topic.post_stream.posts;
    let Some(id) = topic.id.or_else(|| posts.iter().find_map(|p| p.topic_id)) else {
        diags.push(Diagnostic::error(file, "Discourse topic has no `id`"));
        return None;
    };
    let slug = topic
        .slug
        .clone()
        .or_else(|| posts.iter().find_map(|p| p.topic_slug.clone()));

    let mut accepted_numbers: BTreeSet<u64> = BTreeSet::new();
    accepted_numbers.extend(topic.accepted_answer.iter().map(|a| a.post_number));
    accepted_numbers.extend(
        topic
            .accepted_answers
            .iter()
            .flatten()
            .map(|a| a.post_number),
    );
    accepted_numbers.extend(
        posts
            .iter()
            .filter(|p| p.accepted_answer == Some(true) && p.post_number > 1)
            .map(|p| p.post_number),
    );
    accepted_numbers.remove(&1);

    let title = match topic.title.clone() {
        Some(t) if !t.trim().is_empty() => t,
        _ if !accepted_numbers.is_empty() => {
            diags.push(
                Diagnostic::error(file, format!("Discourse topic {id} has no `title`"))
                    .with_hint(format!("this looks like a `/t/{id}/posts.json` response: save the topic itself (`/t/{id}.json`) in the same folder and its posts are added to it")),
            );
            return None;
        }
        // A `/t/{id}/posts.json` response: no title and nothing to fold in;
        // keep it as an unanswered question named after its slug.
        _ => slug
            .as_deref()
            .map(|s| s.replace('-', " "))
            .unwrap_or_else(|| format!("Topic {id}")),
    };

    let url = source.url.as_deref();
    let thread_url = url.map(|u| {
        let s = slug.as_deref().unwrap_or("topic");
        join_url(u, &format!("t/{s}/{id}"))
    });
    // Posts and accepters indexed once, so a topic with many posts and
    // many accepted answers costs linear time, not posts x answers.
    let mut by_number: std::collections::HashMap<u64, &Post> =
        std::collections::HashMap::with_capacity(posts.len());
    for p in posts {
        by_number.entry(p.post_number).or_insert(p);
    }
    let first = by_number.get(&1).copied();
    let accepters = Accepters::new(&topic);
    let mut accepted = Vec::new();
    for number in &accepted_numbers {
        match by_number.get(number).copied() {
            Some(post) => accepted.push(Reply {
                html: sanitizer.clean(post.cooked.as_deref().unwrap_or_default()),
                author: author(post, url),
                score: likes(post),
                date: post.created_at.as_deref().and_then(parse_date),
                accepted_at: None,
                url: thread_url.as_ref().map(|t| format!("{t}/{number}")),
                licence: None,
                accepted_by: accepters.accepted_by(*number, first),
            }),
            None => diags.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "topic {id}: accepted answer (post {number}) is not in the export's `post_stream.posts`"
                    ),
                )
                .with_hint(format!("save `/t/{id}/posts.json?post_ids[]=<post id>` beside the topic (any .json name), or let `lorebook forum pull` fetch it")),
            ),
        }
    }
    if !accepted_numbers.is_empty() && accepted.is_empty() {
        return None;
    }
    Some(Thread {
        id: id.to_string(),
        title,
        tags: topic
            .tags
            .iter()
            .flatten()
            .map(|t| match t {
                Tag::Name(n) | Tag::Object { name: n } => n.clone(),
            })
            .collect(),
        score: first.map_or(0, likes),
        url: thread_url,
        asked: topic
            .created_at
            .as_deref()
            .or(first.and_then(|p| p.created_at.as_deref()))
            .and_then(parse_date),
        question_html: first
            .map(|p| sanitizer.clean(p.cooked.as_deref().unwrap_or_default()))
            .unwrap_or_default(),
        question_author: first.map(|p| author(p, url)),
        accepted,
        licence: None,
        reviewed: None,
        file: file.into(),
    })
}

/// Who accepted which post, and who in the thread is staff, read once per
/// topic.
struct Accepters<'a> {
    /// Post number -> the accepter's user name (the first one named).
    by_post: std::collections::HashMap<u64, &'a str>,
    /// Lower-cased user names with a staff flag on a post in the thread.
    staff: std::collections::HashSet<String>,
}

impl<'a> Accepters<'a> {
    fn new(topic: &'a Topic) -> Self {
        let mut by_post = std::collections::HashMap::new();
        for a in topic
            .accepted_answer
            .iter()
            .chain(topic.accepted_answers.iter().flatten())
        {
            by_post
                .entry(a.post_number)
                .or_insert(a.accepter_username.as_deref());
        }
        let by_post = by_post
            .into_iter()
            .filter_map(|(n, u)| Some((n, u.map(str::trim).filter(|u| !u.is_empty())?)))
            .collect();
        let staff = topic
            .post_stream
            .posts
            .iter()
            .filter(|p| role(p).is_some())
            .filter_map(|p| p.username.as_deref())
            .map(str::to_ascii_lowercase)
            .collect();
        Accepters { by_post, staff }
    }

    /// Who accepted post `number`: the solved plugin names the accepter; the
    /// asker is the first post's author, staff is someone whose post in the
    /// thread carries a staff flag. Unknown when the export names nobody.
    fn accepted_by(&self, number: u64, first: Option<&Post>) -> Option<AcceptedBy> {
        let accepter = *self.by_post.get(&number)?;
        let asker = first
            .and_then(|p| p.username.as_deref())
            .is_some_and(|u| u.eq_ignore_ascii_case(accepter));
        Some(if asker {
            AcceptedBy::Asker
        } else if self.staff.contains(&accepter.to_ascii_lowercase()) {
            AcceptedBy::Staff
        } else {
            AcceptedBy::Other
        })
    }
}

/// Admin, moderator or staff, from the post's flags.
fn role(post: &Post) -> Option<Role> {
    if post.admin == Some(true) {
        Some(Role::Admin)
    } else if post.moderator == Some(true) {
        Some(Role::Moderator)
    } else if post.staff == Some(true) {
        Some(Role::Staff)
    } else {
        None
    }
}

/// Likes: the `actions_summary` entry with `id: 2` (Discourse's `score` is a
/// ranking number, not votes).
fn likes(post: &Post) -> i64 {
    post.actions_summary
        .iter()
        .flatten()
        .find(|a| a.id == 2)
        .and_then(|a| a.count)
        .unwrap_or(0)
}

fn author(post: &Post, url: Option<&str>) -> Author {
    let username = post.username.clone().unwrap_or_default();
    let display_name = post
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| username.clone());
    let profile_url = url
        .filter(|_| !username.is_empty())
        .map(|u| join_url(u, &format!("u/{username}")));
    let avatar_url = post.avatar_template.as_deref().and_then(|t| {
        let t = t.replace("{size}", "96");
        if t.starts_with("http://") || t.starts_with("https://") || t.starts_with("//") {
            Some(join_url("", &t))
        } else {
            url.map(|u| join_url(u, &t))
        }
    });
    let _ = post.id;
    let deleted = username.is_empty() || post.user_deleted == Some(true);
    Author {
        username,
        display_name: if display_name.is_empty() {
            "deleted user".to_string()
        } else {
            display_name
        },
        profile_url: profile_url.filter(|_| !deleted),
        avatar_url,
        standing: Standing {
            reputation: None,
            trust_level: post.trust_level.filter(|&t| t <= 4),
            role: role(post),
            badges: None,
        },
        deleted,
        system: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::source::ForumKind;
    use crate::forum::testkit::{folder, source};

    const FIX: &str = "tests/fixtures/forum/discourse";

    fn run(src: &ForumSource) -> (Vec<Thread>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let t = read(src, &mut diags);
        (t, diags)
    }

    #[test]
    fn reads_single_accepted_answer_fixture() {
        let src = source(
            ForumKind::Discourse,
            "d",
            &format!("{FIX}/discourse-solved-test-helper_topic-with-accepted-answer.json"),
            Some("https://meta.example.org"),
        );
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        assert_eq!(t.id, "23");
        assert_eq!(t.title, "Test solved");
        assert_eq!(
            t.url.as_deref(),
            Some("https://meta.example.org/t/test-solved/23")
        );
        assert_eq!(
            t.question_html,
            "<p>How do I declare a variable in ruby?</p>"
        );
        assert_eq!(t.accepted.len(), 1);
        let a = &t.accepted[0];
        assert_eq!(
            a.html,
            "<p>this is a long answer that potentially solves the question</p>"
        );
        assert_eq!(a.author.username, "kzh");
        assert_eq!(a.author.display_name, "kzh");
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://meta.example.org/u/kzh")
        );
        assert_eq!(
            a.author.avatar_url.as_deref(),
            Some("https://meta.example.org/letter_avatar_proxy/v2/letter/k/ac91a4/96.png")
        );
        assert_eq!(a.score, 0);
    }

    #[test]
    fn posts_json_without_answer_is_unanswered_and_likes_are_action_2() {
        let src = source(
            ForumKind::Discourse,
            "d",
            &format!("{FIX}/discourse_api-spec-fixture_topic_posts.json"),
            None,
        );
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(threads.len(), 1);
        assert_eq!(threads[0].id, "57");
        assert_eq!(threads[0].title, "some topic slug");
        assert!(threads[0].accepted.is_empty());
    }

    fn topic_json(extra: &str, posts: &str) -> String {
        format!(
            r#"{{"id": 9, "title": "Sync stalls at 99 %", "slug": "sync-stalls", "tags": ["sync", {{"id": 3, "name": "desktop"}}],
                "created_at": "2026-01-02T03:04:05Z", {extra} "post_stream": {{"posts": [{posts}]}}}}"#
        )
    }

    const POSTS: &str = r#"
      {"id": 1, "post_number": 1, "username": "ana", "name": "Ana Lima", "created_at": "2026-01-02T03:04:05Z",
       "cooked": "<p>Help <img src=\"/uploads/a.png\" onerror=\"alert(1)\"></p>", "actions_summary": [{"id": 2, "count": 4}], "score": 99.5},
      {"id": 2, "post_number": 2, "username": "bo", "name": "", "created_at": "2026-01-02T04:00:00Z",
       "cooked": "<p>Restart <a href=\"/u/ana\">@ana</a></p><script>x()</script>", "actions_summary": [{"id": 2, "count": 7}], "accepted_answer": true},
      {"id": 3, "post_number": 3, "username": "cy", "name": "Cy", "created_at": "2026-01-02T05:00:00Z",
       "cooked": "<p>Also check the disk</p>", "actions_summary": [{"id": 2, "count": -1}]}"#;

    #[test]
    fn multi_solution_topic_gives_every_accepted_answer_in_order() {
        let dir = folder(&[(
            "9.json",
            &topic_json(
                r#""accepted_answers": [{"post_number": 3}, {"post_number": 2}],"#,
                POSTS,
            ),
        )]);
        let mut src = source(ForumKind::Discourse, "d", "x", Some("https://c.example/"));
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        let who: Vec<_> = t
            .accepted
            .iter()
            .map(|a| a.author.username.as_str())
            .collect();
        assert_eq!(who, ["bo", "cy"]);
        assert_eq!(t.accepted[0].score, 7);
        assert_eq!(t.accepted[1].score, -1);
        assert_eq!(t.score, 4);
        assert_eq!(t.tags, ["sync", "desktop"]);
        assert_eq!(t.accepted[0].author.display_name, "bo");
        assert_eq!(
            t.question_author.as_ref().map(|a| a.display_name.as_str()),
            Some("Ana Lima")
        );
        assert_eq!(t.url.as_deref(), Some("https://c.example/t/sync-stalls/9"));
    }

    #[test]
    fn cooked_html_is_sanitized_and_links_resolved() {
        let dir = folder(&[(
            "9.json",
            &topic_json(r#""accepted_answer": {"post_number": 2},"#, POSTS),
        )]);
        let mut src = source(ForumKind::Discourse, "d", "x", Some("https://c.example"));
        src.path = dir.path().to_path_buf();
        let (threads, _) = run(&src);
        let t = &threads[0];
        assert_eq!(
            t.question_html,
            r#"<p>Help <img src="https://c.example/uploads/a.png" referrerpolicy="no-referrer"></p>"#
        );
        assert_eq!(
            t.accepted[0].html,
            r#"<p>Restart <a href="https://c.example/u/ana" rel="nofollow ugc noopener">@ana</a></p>"#
        );
    }

    #[test]
    fn topic_without_accepted_answer_has_none() {
        let posts = POSTS.replace(r#", "accepted_answer": true"#, "");
        let dir = folder(&[("9.json", &topic_json("", &posts))]);
        let mut src = source(ForumKind::Discourse, "d", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(threads[0].accepted.is_empty());
    }

    #[test]
    fn bad_json_names_file_and_line_and_other_files_still_load() {
        let good = topic_json(r#""accepted_answer": {"post_number": 2},"#, POSTS);
        let dir = folder(&[
            ("1.json", "{\n  \"id\": 1,\n  \"title\": \"x\",,\n}"),
            ("2.json", "{\"id\": 2, \"title\": \"no stream\"}"),
            ("3.json", &good),
        ]);
        let mut src = source(ForumKind::Discourse, "d", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert_eq!(threads.len(), 1);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].path.ends_with("1.json"));
        assert_eq!(diags[0].line, 3);
        assert!(diags[1].path.ends_with("2.json"));
        assert!(
            diags[1].message.contains("post_stream"),
            "{}",
            diags[1].message
        );
        assert!(diags[1].line > 0);
    }

    #[test]
    fn accepted_post_missing_from_export_warns() {
        let dir = folder(&[(
            "9.json",
            &topic_json(
                r#""accepted_answer": {"post_number": 40},"#,
                &POSTS.replace(r#", "accepted_answer": true"#, ""),
            ),
        )]);
        let mut src = source(ForumKind::Discourse, "d", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(threads.is_empty());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("post 40"), "{}", diags[0].message);
    }

    #[test]
    fn a_posts_json_beside_its_topic_brings_the_accepted_post_past_the_first_chunk() {
        let topic = topic_json(
            r#""accepted_answer": {"post_number": 25},"#,
            &POSTS.replace(r#", "accepted_answer": true"#, ""),
        );
        let posts = r#"{"post_stream": {"posts": [
            {"id": 77, "post_number": 25, "username": "zoe", "name": "Zoë", "topic_id": 9, "created_at": "2026-01-03T00:00:00Z",
             "cooked": "<p>Late but right</p>", "actions_summary": [{"id": 2, "count": 3}], "accepted_answer": true},
            {"id": 2, "post_number": 2, "username": "bo", "topic_id": 9, "cooked": "<p>dup</p>"}]}, "id": 9}"#;
        let dir = folder(&[("9.json", &topic), ("9-posts.json", posts)]);
        let mut src = source(ForumKind::Discourse, "d", "x", Some("https://c.example"));
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(threads.len(), 1, "the posts file is not a topic of its own");
        let t = &threads[0];
        assert_eq!(t.title, "Sync stalls at 99 %");
        assert_eq!(t.accepted.len(), 1);
        assert_eq!(t.accepted[0].html, "<p>Late but right</p>");
        assert_eq!(t.accepted[0].author.display_name, "Zoë");
        assert_eq!(t.accepted[0].score, 3);
    }

    #[test]
    fn a_posts_json_alone_with_an_accepted_post_says_to_save_the_topic_beside_it() {
        let posts = r#"{"post_stream": {"posts": [{"id": 77, "post_number": 25, "username": "zoe", "topic_id": 1204, "cooked": "<p>x</p>", "accepted_answer": true}]}, "id": 1204}"#;
        let dir = folder(&[("p.json", posts)]);
        let mut src = source(ForumKind::Discourse, "d", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(threads.is_empty());
        assert_eq!(diags[0].message, "Discourse topic 1204 has no `title`");
        assert!(
            diags[0].hint.as_deref().unwrap().contains("`/t/1204.json`"),
            "{:?}",
            diags[0]
        );
    }

    #[test]
    fn standing_of_the_real_fixture_admin_at_trust_level_4_accepted_by_another_member() {
        let src = source(
            ForumKind::Discourse,
            "d",
            &format!("{FIX}/discourse-solved-test-helper_topic-with-accepted-answer.json"),
            None,
        );
        let (threads, _) = run(&src);
        let a = &threads[0].accepted[0];
        assert_eq!(
            a.author.standing,
            Standing {
                trust_level: Some(4),
                role: Some(Role::Admin),
                ..Standing::default()
            }
        );
        // The accepter (`tomtom`) is not the asker and has no post here.
        assert_eq!(a.accepted_by, Some(AcceptedBy::Other));
    }

    #[test]
    fn staff_without_trust_level_deleted_users_and_who_accepted() {
        let posts = r#"
          {"id": 1, "post_number": 1, "username": "ana", "cooked": "<p>q</p>", "trust_level": 1},
          {"id": 2, "post_number": 2, "username": "mod", "cooked": "<p>a</p>", "staff": true, "moderator": true, "accepted_answer": true},
          {"id": 3, "post_number": 3, "username": "anon77", "cooked": "<p>b</p>", "user_deleted": true, "trust_level": 2, "accepted_answer": true},
          {"id": 4, "post_number": 4, "username": "kim", "cooked": "<p>c</p>", "staff": true, "trust_level": 9, "accepted_answer": true}"#;
        let refs = r#""accepted_answers": [{"post_number": 2, "accepter_username": "ANA"},
                       {"post_number": 3, "accepter_username": "kim"},
                       {"post_number": 4}],"#;
        let dir = folder(&[("9.json", &topic_json(refs, posts))]);
        let mut src = source(ForumKind::Discourse, "d", "x", Some("https://c.example"));
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &threads[0];
        let asker = t.question_author.as_ref().unwrap();
        assert_eq!(asker.standing.trust_level, Some(1));
        assert_eq!(asker.standing.role, None);
        let [moderator, deleted, staff] = &t.accepted[..] else {
            panic!("{:?}", t.accepted);
        };
        assert_eq!(moderator.author.standing.role, Some(Role::Moderator));
        assert_eq!(moderator.author.standing.trust_level, None);
        assert_eq!(moderator.accepted_by, Some(AcceptedBy::Asker));
        assert!(deleted.author.deleted);
        assert_eq!(deleted.author.profile_url, None);
        assert_eq!(deleted.accepted_by, Some(AcceptedBy::Staff));
        // A trust level past 4 is no level; no accepter named, none said.
        assert_eq!(staff.author.standing.trust_level, None);
        assert_eq!(staff.author.standing.role, Some(Role::Staff));
        assert_eq!(staff.accepted_by, None);
    }
}
