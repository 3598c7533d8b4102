//! Forum import: reads every configured export (Discourse, Stack Exchange,
//! GitHub Discussions, lorebook's own YAML, and the snapshots `forum pull`
//! writes in that YAML format) and returns the questions that
//! have an accepted answer as content, already sanitized, plus the questions
//! without one (for insights). One module per importer; every importer turns
//! its format into `Thread`s and this module applies what is common: the
//! `min_score` filter, the tag -> section map, ids, slugs and search text.

pub mod discourse;
pub mod github;
pub mod native;
pub mod overrides;
pub mod pull;
pub mod sanitize;
pub(crate) mod source;
pub mod stackexchange;
pub(crate) mod stackexchange_api;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::diagnostics::Diagnostic;
use crate::urls::path_slug;
use source::{ForumKind, ForumSource};

#[derive(Debug, Clone, Default)]
pub struct ForumData {
    /// Answered questions, sorted by source (config order) then question id.
    pub answers: Vec<Answer>,
    /// Questions without an accepted answer, same order.
    pub unanswered: Vec<Question>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub profile_url: Option<String>,
    pub avatar_url: Option<String>,
    /// What the forum publicly shows about this member next to a post.
    pub standing: Standing,
    /// The account no longer exists upstream (Stack Exchange rows without
    /// an owner id, Discourse `user_deleted`, GitHub's "ghost", a lorebook
    /// answer without `author`): shown by the name the export kept, never
    /// credited or linked.
    pub deleted: bool,
}

/// The public standing a forum shows next to a member's posts. Each field is
/// what the export states; a field the export does not carry stays `None`
/// (never guessed). Nothing private (email, IP, trust-level internals) is
/// part of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Stack Exchange reputation (may be negative in invented data; shown
    /// as given).
    pub reputation: Option<i64>,
    /// Discourse trust level, 0..=4.
    pub trust_level: Option<u8>,
    /// Staff, moderator, admin (Discourse, Stack Exchange moderators) or the
    /// GitHub author association.
    pub role: Option<Role>,
    /// Gold, silver and bronze badge counts (Stack Exchange `Badges.xml` or
    /// API `badge_counts`; Discourse badge types use the same three).
    pub badges: Option<Badges>,
}

/// A member's role on their forum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Discourse admin.
    Admin,
    /// Discourse or Stack Exchange moderator.
    Moderator,
    /// Discourse staff (or a lorebook `staff: true`).
    Staff,
    /// GitHub `OWNER`: owns the repository.
    Owner,
    /// GitHub `MEMBER`: member of the organisation that owns the repository.
    Member,
    /// GitHub `COLLABORATOR`: invited with write access.
    Collaborator,
    /// GitHub `CONTRIBUTOR`: has had a commit merged before.
    Contributor,
}

impl Role {
    /// GitHub's `author_association`, when it says more than "nobody".
    pub fn from_association(text: &str) -> Option<Role> {
        match text.trim().to_ascii_uppercase().as_str() {
            "OWNER" => Some(Role::Owner),
            "MEMBER" => Some(Role::Member),
            "COLLABORATOR" => Some(Role::Collaborator),
            "CONTRIBUTOR" => Some(Role::Contributor),
            _ => None,
        }
    }

    /// The word readers see next to the name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Moderator => "Moderator",
            Role::Staff => "Staff",
            Role::Owner | Role::Member | Role::Collaborator => "Maintainer",
            Role::Contributor => "Contributor",
        }
    }

    /// What the label stands for, for a tooltip.
    pub fn explained(self) -> &'static str {
        match self {
            Role::Admin => "an administrator of the forum",
            Role::Moderator => "a moderator of the forum",
            Role::Staff => "a member of the forum's staff",
            Role::Owner => "owner of the repository",
            Role::Member => "member of the organisation that owns the repository",
            Role::Collaborator => "collaborator with write access to the repository",
            Role::Contributor => "has contributed to the repository before",
        }
    }

    /// Speaks for the product: forum staff or repository maintainers.
    pub fn is_official(self) -> bool {
        !matches!(self, Role::Contributor)
    }
}

/// Badge counts by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Badges {
    pub gold: u32,
    pub silver: u32,
    pub bronze: u32,
}

/// Who marked an answer as accepted, where the forum says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedBy {
    /// The person who asked (always so on Stack Exchange).
    Asker,
    /// Forum staff (Discourse: an accepter who is staff in the thread).
    Staff,
    /// A repository maintainer (GitHub: only the author and people with
    /// triage rights or more can mark an answer).
    Maintainer,
    /// Someone else the export names without a role.
    Other,
}

impl AcceptedBy {
    /// "Accepted by …".
    pub fn label(self) -> &'static str {
        match self {
            AcceptedBy::Asker => "the asker",
            AcceptedBy::Staff => "forum staff",
            AcceptedBy::Maintainer => "a maintainer",
            AcceptedBy::Other => "another member",
        }
    }
}

/// One accepted answer (a Discourse topic may have several).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Sanitized HTML.
    pub html: String,
    pub author: Author,
    /// Votes (Stack Exchange score, Discourse likes, GitHub upvotes).
    pub score: i64,
    /// When the answer was written.
    pub date: Option<DateTime<Utc>>,
    /// When it was marked as the answer, where the forum says.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Direct link to the answer in the thread, where known.
    pub url: Option<String>,
    /// Licence of this answer when it differs per post (Stack Exchange).
    pub licence: Option<String>,
    /// Who accepted it, where the forum says.
    pub accepted_by: Option<AcceptedBy>,
}

/// A question with its accepted answer(s), ready to become an answer page.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `source-name:question-id`, as used by `answers:` in front matter.
    pub id: String,
    pub source: String,
    /// Which importer read it (for the attribution line).
    pub kind: ForumKind,
    /// The question's id within its forum.
    pub question_id: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    /// Wiki section path the answer lands in.
    pub section: String,
    pub question_html: String,
    pub question_author: Option<Author>,
    pub question_score: i64,
    /// The first accepted answer's HTML (same as `accepted[0].html`).
    pub answer_html: String,
    /// The first accepted answer's author (same as `accepted[0].author`).
    pub author: Author,
    /// The first accepted answer's score (same as `accepted[0].score`).
    pub score: i64,
    pub asked: Option<DateTime<Utc>>,
    /// The first accepted answer's date (same as `accepted[0].date`).
    pub answered: Option<DateTime<Utc>>,
    /// Every accepted answer that passed `min_score`, in thread order; never
    /// empty.
    pub accepted: Vec<Reply>,
    pub thread_url: Option<String>,
    /// The licence line's licence: the config's `licence:`, else what the
    /// forum states for the question (Stack Exchange).
    pub licence: Option<String>,
    /// Plain text of question and answer, for search.
    pub text: String,
    /// When a writer checked the answer (`reviewed:` in lorebook's format
    /// or in `answers.yaml`).
    pub reviewed: Option<chrono::NaiveDate>,
    /// A wiki page lists it in `answers:` (set when the site is assembled).
    pub folded: bool,
}

impl Answer {
    /// Site-relative URL of the answer's page: `answers/<source>/<id>-<slug>/`.
    pub fn url(&self) -> String {
        format!(
            "answers/{}/{}-{}/",
            crate::urls::path_slug(&self.source),
            crate::urls::path_slug(&self.question_id),
            self.slug
        )
    }
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub source: String,
    pub title: String,
    pub tags: Vec<String>,
    pub score: i64,
    pub url: Option<String>,
    pub asked: Option<DateTime<Utc>>,
}

/// What an importer produces for one question, before the common rules.
#[derive(Debug, Clone)]
pub(crate) struct Thread {
    pub id: String,
    pub title: String,
    pub tags: Vec<String>,
    pub score: i64,
    pub url: Option<String>,
    pub asked: Option<DateTime<Utc>>,
    pub question_html: String,
    pub question_author: Option<Author>,
    /// Accepted answers only; empty when the question has none.
    pub accepted: Vec<Reply>,
    pub licence: Option<String>,
    /// `reviewed:` (lorebook's own format).
    pub reviewed: Option<chrono::NaiveDate>,
    /// File the thread came from, for duplicate-id diagnostics.
    pub file: std::sync::Arc<Path>,
}

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

/// Parse the date formats forums export: RFC 3339 (`2017-08-08T20:11:32.542Z`,
/// `2021-03-30T19:17:18.000-04:00`) and Stack Exchange's zone-less UTC
/// (`2008-07-31T21:42:52.667`), or a bare date.
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(d.and_utc());
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(d.and_utc());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// The files an importer reads: `path` itself, or the files in the folder
/// `path` whose names end with one of `extensions`, sorted by name. Reports
/// a missing path or an empty folder.
pub(crate) fn export_files(
    source: &ForumSource,
    extensions: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let path = &source.path;
    if path.is_file() {
        return vec![path.clone()];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("cannot read forum export `{}`: {e}", source.name),
                )
                .with_hint("check `path:` of this source in lorebook.yaml"),
            );
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
            name.is_some_and(|n| !n.starts_with('.') && extensions.iter().any(|x| n.ends_with(x)))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        diags.push(Diagnostic::warning(
            path,
            format!(
                "forum source `{}` has no {} files here",
                source.name,
                extensions.join(" or ")
            ),
        ));
    }
    files
}

/// Read a whole export file as UTF-8, or report why not.
pub(crate) fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => decode_text(path, bytes, diags),
        Err(e) => {
            diags.push(Diagnostic::error(path, format!("cannot read file: {e}")));
            None
        }
    }
}

/// Export bytes as UTF-8, or report where they are not.
fn decode_text(path: &Path, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            let (line, col) = crate::diagnostics::line_col(&text, offset);
            diags.push(Diagnostic::error(path, "file is not valid UTF-8").at(line, col));
            None
        }
    }
}

/// A serde_json error as a diagnostic at its line and column.
pub(crate) fn json_error(path: &Path, err: &serde_json::Error) -> Diagnostic {
    let raw = err.to_string();
    let message = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => &raw,
    };
    Diagnostic::error(path, format!("invalid JSON: {message}")).at(err.line(), err.column())
}

/// Join a forum's base URL and a path (`/u/ana`), with exactly one slash.
/// True when `url` is an http(s) URL on the same scheme, host and port as
/// `base` (the forum's configured URL).
pub fn same_host(url: &str, base: &str) -> bool {
    match (
        ammonia::Url::parse(url.trim()),
        ammonia::Url::parse(base.trim()),
    ) {
        (Ok(u), Ok(b)) => {
            matches!(u.scheme(), "http" | "https")
                && u.scheme() == b.scheme()
                && u.host_str().is_some()
                && u.host_str() == b.host_str()
                && u.port_or_known_default() == b.port_or_known_default()
                && u.username().is_empty()
        }
        _ => false,
    }
}

pub(crate) fn join_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    if let Some(rest) = path.strip_prefix("//") {
        return format!("https://{rest}");
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use std::collections::BTreeMap;

    /// A source as config would resolve it, reading `path` relative to the
    /// crate root.
    pub fn source(kind: ForumKind, name: &str, path: &str, url: Option<&str>) -> ForumSource {
        ForumSource {
            kind,
            name: name.to_string(),
            path: Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
            url: url.map(str::to_string),
            licence: None,
            min_score: i64::MIN,
            sections: BTreeMap::new(),
            default_section: "community".to_string(),
            progress: false,
        }
    }

    /// Write `files` (name, contents) into a fresh temporary folder.
    pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write fixture");
        }
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::source;

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
    fn parses_forum_date_formats() {
        let want = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        assert_eq!(
            parse_date("2017-08-08T20:11:32.542Z"),
            want("2017-08-08T20:11:32.542Z")
        );
        assert_eq!(
            parse_date("2021-03-30T19:17:18.000-04:00"),
            want("2021-03-30T23:17:18Z")
        );
        assert_eq!(
            parse_date("2008-07-31T21:42:52.667"),
            want("2008-07-31T21:42:52.667Z")
        );
        assert_eq!(parse_date("2026-03-02"), want("2026-03-02T00:00:00Z"));
        assert_eq!(parse_date("yesterday"), None);
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
