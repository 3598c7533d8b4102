//! Forum import: reads every configured export (Discourse, Stack Exchange,
//! GitHub Discussions, lorebook's own YAML, and the snapshots `forum pull`
//! writes in that YAML format) and returns the questions that
//! have an accepted answer as content, already sanitized, plus the questions
//! without one (for insights). One module per importer; every importer turns
//! its format into `Thread`s and this module applies what is common: the
//! `min_score` filter, the tag -> section map, ids, slugs and search text.

pub mod discourse;
pub(crate) mod export;
pub mod github;
mod model;
pub mod native;
pub mod overrides;
pub mod pull;
pub mod sanitize;
pub(crate) mod source;
pub mod stackexchange;
pub(crate) mod stackexchange_api;
#[cfg(test)]
pub(crate) mod testkit;
pub(crate) mod web;

use std::collections::BTreeSet;

use export::decode_text;
pub use export::parse_date;
use model::Thread;
pub use model::{AcceptedBy, Answer, Author, Badges, ForumData, Question, Reply, Role, Standing};
use source::{ForumKind, ForumSource};
pub use web::same_host;

use crate::diagnostics::Diagnostic;
use crate::urls::path_slug;

/// Read every source. Returns what could be read and a diagnostic for each
/// problem; a bad file never hides problems in the others.
pub fn load(sources: &[ForumSource]) -> (ForumData, Vec<Diagnostic>) {
    let mut data = ForumData::default();
    let mut diags = Vec::new();
    for source in sources {
        let threads = match source.kind {
            // A snapshot written by `lorebook forum pull` is lorebook's own
            // format, whatever forum it came from.
            _ if pull::is_snapshot(&source.path) => native::read(source, &mut diags),
            ForumKind::Discourse => discourse::read(source, &mut diags),
            ForumKind::Stackexchange => {
                stackexchange::read(source, &mut diags, &mut data.unanswered)
            }
            ForumKind::GithubDiscussions => github::read(source, &mut diags),
            ForumKind::Lorebook => native::read(source, &mut diags),
        };
        if source.licence.is_none() && source.kind != ForumKind::Stackexchange {
            diags.push(
                Diagnostic::warning(
                    &source.path,
                    format!(
                        "forum source `{}` has no `licence:`; its answer pages show no licence line",
                        source.name
                    ),
                )
                .with_hint("state the licence the forum's content is under, e.g. `licence: CC BY-SA 4.0`"),
            );
        }
        fold(source, threads, &mut data, &mut diags);
    }
    (data, diags)
}

/// Import one export file given as bytes, as if it were `source.path`: a
/// Discourse topic, a GitHub Discussions JSON file, a Stack Exchange
/// `Posts.xml` (without `Users.xml`) or a lorebook YAML file, by
/// `source.kind`. The common rules apply as in [`load`]. Used by the fuzz
/// targets; never touches the disk.
pub fn parse_bytes(source: &ForumSource, bytes: &[u8]) -> (ForumData, Vec<Diagnostic>) {
    let mut data = ForumData::default();
    let mut diags = Vec::new();
    let threads = if source.kind == ForumKind::Stackexchange {
        stackexchange::read_bytes(source, bytes, &mut diags, &mut data.unanswered)
    } else {
        match decode_text(&source.path, bytes.to_vec(), &mut diags) {
            Some(text) => match source.kind {
                ForumKind::Discourse => discourse::read_str(source, &text, &mut diags),
                ForumKind::GithubDiscussions => github::read_str(source, &text, &mut diags),
                ForumKind::Lorebook => native::read_str(source, &text, &mut diags),
                ForumKind::Stackexchange => Vec::new(),
            },
            None => Vec::new(),
        }
    };
    fold(source, threads, &mut data, &mut diags);
    (data, diags)
}

/// Apply the common rules to one source's threads and add them to `data`.
fn fold(
    source: &ForumSource,
    mut threads: Vec<Thread>,
    data: &mut ForumData,
    diags: &mut Vec<Diagnostic>,
) {
    threads.sort_by(|a, b| id_order(&a.id, &b.id));
    let mut seen = BTreeSet::new();
    for mut thread in threads {
        keep_web_links(&mut thread);
        if !seen.insert(thread.id.clone()) {
            diags.push(
                Diagnostic::warning(
                    thread.file.to_path_buf(),
                    format!(
                        "question `{}` appears more than once in forum source `{}`; keeping the first",
                        thread.id, source.name
                    ),
                )
                .with_hint("remove the duplicate export"),
            );
            continue;
        }
        let id = format!("{}:{}", source.name, thread.id);
        if thread.accepted.is_empty() {
            data.unanswered.push(Question {
                id,
                source: source.name.clone(),
                title: thread.title,
                tags: thread.tags,
                score: thread.score,
                url: thread.url,
                asked: thread.asked,
            });
            continue;
        }
        let accepted: Vec<Reply> = thread
            .accepted
            .into_iter()
            .filter(|r| r.score >= source.min_score)
            .collect();
        let Some(first) = accepted.first().cloned() else {
            // Answered, but below the score threshold: neither folded in nor
            // counted as unanswered.
            continue;
        };
        let section = section_for(&thread.tags, source);
        let mut text = thread.title.clone();
        for html in std::iter::once(&thread.question_html).chain(accepted.iter().map(|r| &r.html)) {
            let t = sanitize::html_to_text(html);
            if !t.is_empty() {
                text.push('\n');
                text.push_str(&t);
            }
        }
        data.answers.push(Answer {
            id,
            source: source.name.clone(),
            kind: source.kind,
            slug: path_slug(&thread.title),
            question_id: thread.id,
            title: thread.title,
            tags: thread.tags,
            section,
            question_html: thread.question_html,
            question_author: thread.question_author,
            question_score: thread.score,
            answer_html: first.html,
            author: first.author,
            score: first.score,
            asked: thread.asked,
            answered: first.date,
            accepted,
            thread_url: thread.url,
            licence: source.licence.clone().or(thread.licence),
            text,
            reviewed: thread.reviewed,
            folded: false,
            url_prefix: String::new(),
        });
    }
}

/// The wiki section for a question: the first of its tags that the source's
/// map knows (exact, then case-insensitive), else the default section.
pub fn section_for(tags: &[String], source: &ForumSource) -> String {
    let exact = tags.iter().find_map(|t| source.sections.get(t));
    let folded = || {
        tags.iter().find_map(|t| {
            source
                .sections
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(t))
                .map(|(_, v)| v)
        })
    };
    exact
        .or_else(folded)
        .cloned()
        .unwrap_or_else(|| source.default_section.clone())
}

/// Links an export carries outside its bodies (thread, answer, profile and
/// avatar URLs) end up in `href`/`src` attributes, where `javascript:` or
/// `data:` would run: only http(s) links are kept.
fn keep_web_links(thread: &mut Thread) {
    fn web(url: &mut Option<String>) {
        let ok = url.as_deref().is_some_and(|u| {
            let lower = u.trim_start().to_ascii_lowercase();
            lower.starts_with("https://") || lower.starts_with("http://")
        });
        if !ok {
            *url = None;
        }
    }
    fn person(author: &mut Author) {
        web(&mut author.profile_url);
        web(&mut author.avatar_url);
    }
    web(&mut thread.url);
    if let Some(a) = &mut thread.question_author {
        person(a);
    }
    for reply in &mut thread.accepted {
        web(&mut reply.url);
        person(&mut reply.author);
    }
}

/// Numeric ids in numeric order, others after them in string order.
fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use testkit::source;

    fn thread(id: &str, tags: &[&str], scores: &[i64]) -> Thread {
        Thread {
            id: id.to_string(),
            title: format!("Q {id}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            score: 1,
            url: None,
            asked: None,
            question_html: "<p>q</p>".into(),
            question_author: None,
            accepted: scores
                .iter()
                .map(|&s| Reply {
                    html: format!("<p>a{s}</p>"),
                    author: Author::default(),
                    score: s,
                    date: None,
                    accepted_at: None,
                    url: None,
                    licence: None,
                    accepted_by: None,
                })
                .collect(),
            licence: None,
            reviewed: None,
            file: Path::new("f").into(),
        }
    }

    #[test]
    fn keeps_accepted_answers_and_lists_the_rest_as_unanswered() {
        let src = source(ForumKind::Lorebook, "kb", "x", None);
        let mut data = ForumData::default();
        let mut diags = Vec::new();
        fold(
            &src,
            vec![thread("2", &[], &[]), thread("1", &[], &[3])],
            &mut data,
            &mut diags,
        );
        assert_eq!(data.answers.len(), 1);
        assert_eq!(data.answers[0].id, "kb:1");
        assert_eq!(data.unanswered.len(), 1);
        assert_eq!(data.unanswered[0].id, "kb:2");
        assert!(diags.is_empty());
    }

    #[test]
    fn min_score_drops_low_answers_without_calling_them_unanswered() {
        let mut src = source(ForumKind::Lorebook, "kb", "x", None);
        src.min_score = 0;
        let mut data = ForumData::default();
        let mut diags = Vec::new();
        fold(
            &src,
            vec![thread("1", &[], &[-2]), thread("2", &[], &[-1, 4])],
            &mut data,
            &mut diags,
        );
        assert_eq!(data.answers.len(), 1);
        assert_eq!(data.answers[0].question_id, "2");
        assert_eq!(data.answers[0].accepted.len(), 1);
        assert_eq!(data.answers[0].score, 4);
        assert!(data.unanswered.is_empty());
    }

    #[test]
    fn maps_first_known_tag_to_section_else_default() {
        let mut src = source(ForumKind::Lorebook, "kb", "x", None);
        src.sections.insert("sync".into(), "sync".into());
        src.sections.insert("API".into(), "api".into());
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(section_for(&tags(&["misc", "sync", "api"]), &src), "sync");
        assert_eq!(section_for(&tags(&["api"]), &src), "api");
        assert_eq!(section_for(&tags(&["misc"]), &src), "community");
    }

    #[test]
    fn duplicate_ids_in_one_source_warn_and_keep_first() {
        let src = source(ForumKind::Lorebook, "kb", "x", None);
        let mut data = ForumData::default();
        let mut diags = Vec::new();
        fold(
            &src,
            vec![thread("7", &[], &[1]), thread("7", &[], &[2])],
            &mut data,
            &mut diags,
        );
        assert_eq!(data.answers.len(), 1);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("`7`"), "{}", diags[0].message);
    }

    #[test]
    fn sorts_numeric_ids_numerically() {
        let src = source(ForumKind::Lorebook, "kb", "x", None);
        let mut data = ForumData::default();
        fold(
            &src,
            vec![
                thread("10", &[], &[1]),
                thread("9", &[], &[1]),
                thread("b", &[], &[1]),
            ],
            &mut data,
            &mut Vec::new(),
        );
        let ids: Vec<_> = data.answers.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["kb:9", "kb:10", "kb:b"]);
    }

    #[test]
    fn parse_bytes_reads_an_export_like_load_does() {
        let path = "tests/fixtures/forum/stackexchange/posts-words-counter_Posts.xml";
        let src = source(ForumKind::Stackexchange, "se", path, None);
        let bytes = std::fs::read(&src.path).expect("fixture");
        let (from_disk, disk_diags) = load(std::slice::from_ref(&src));
        let (from_bytes, byte_diags) = parse_bytes(&src, &bytes);
        let ids = |d: &ForumData| d.answers.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
        assert!(!from_disk.answers.is_empty());
        assert_eq!(ids(&from_bytes), ids(&from_disk));
        assert_eq!(from_bytes.unanswered.len(), from_disk.unanswered.len());
        assert_eq!(byte_diags.len(), disk_diags.len(), "{byte_diags:?}");
    }

    #[test]
    fn parse_bytes_reports_bad_utf8_and_truncated_xml_at_the_source_path() {
        let src = source(ForumKind::Discourse, "d", "forum/t.json", None);
        let (data, diags) = parse_bytes(&src, b"{\"id\": 1, \xff}");
        assert!(data.answers.is_empty());
        assert_eq!(diags[0].path, src.path);
        assert!(diags[0].message.contains("UTF-8"), "{}", diags[0]);
        let src = source(ForumKind::Stackexchange, "se", "dump/Posts.xml", None);
        let (_, diags) = parse_bytes(&src, b"<posts>\n<row Id=\"1\" PostTypeId=\"1\" />\n");
        assert_eq!(diags[0].path, src.path);
        assert_eq!(diags[0].line, 3, "{}", diags[0]);
    }

    #[test]
    fn links_outside_bodies_are_kept_only_when_http() {
        let discussion = r#"{"number": 7, "title": "Q", "body": "q",
            "html_url": "javascript:alert(1)",
            "user": {"login": "eve", "html_url": "JavaScript:alert(2)", "avatar_url": "data:text/html,<script>alert(3)</script>"},
            "answer": {"body": "a", "html_url": " javascript:alert(4)",
                       "user": {"login": "ana", "html_url": "https://github.com/ana", "avatar_url": "https://a.example/ana.png"}}}"#;
        let src = source(ForumKind::GithubDiscussions, "gh", "gh.json", None);
        let (data, diags) = parse_bytes(&src, discussion.as_bytes());
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let a = &data.answers[0];
        assert_eq!(a.thread_url, None);
        let asker = a.question_author.as_ref().expect("question author");
        assert_eq!(asker.profile_url, None);
        assert_eq!(asker.avatar_url, None);
        assert_eq!(a.accepted[0].url, None);
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://github.com/ana")
        );
        assert_eq!(
            a.author.avatar_url.as_deref(),
            Some("https://a.example/ana.png")
        );
    }
}
