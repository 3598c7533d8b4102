//! Stack Exchange importer: `Posts.xml` (and `Users.xml` when present) from a
//! data dump, streamed with quick-xml in bounded memory. (Saved API
//! responses are read by `stackexchange_api`.)
//!
//! Pass 1 reads only the small attributes of question rows: questions with
//! an `AcceptedAnswerId` are remembered by id (no bodies), the others become
//! unanswered questions. Pass 2 picks the bodies of the kept questions and of
//! their accepted answers, wherever they sit in the file. A `Users.xml` pass
//! then fetches display names and reputation of the authors actually kept,
//! and a `Badges.xml` pass their gold, silver and bronze badge counts.
//! Memory grows with what is kept, never with the size of the dump.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use crate::progress::ProgressReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rayon::prelude::*;

use super::export::parse_date;
use super::model::{
    AcceptedBy, Author, Badges, Question, Reply, Standing, Thread, STACK_EXCHANGE_COMMUNITY,
};
use super::sanitize::Sanitizer;
use super::web::join_url;
use crate::diagnostics::Diagnostic;
use crate::forum::source::ForumSource;

/// What pass 1 learns about an accepted answer.
#[derive(Debug, Clone, Copy)]
struct Pending {
    question: u64,
    /// `Some(passes min_score)` once the answer row was seen after its
    /// question; `None` when unknown (missing, or listed before the question).
    score_ok: Option<bool>,
}

#[derive(Debug, Clone, Default)]
struct Owner {
    user_id: Option<i64>,
    display_name: Option<String>,
}

/// A kept row before sanitizing.
#[derive(Debug, Clone)]
struct RawPost {
    title: String,
    tags: Vec<String>,
    body: String,
    score: i64,
    created: Option<DateTime<Utc>>,
    owner: Owner,
    licence: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct UserInfo {
    display_name: String,
    avatar: Option<String>,
    reputation: Option<i64>,
    /// Counted from `Badges.xml`, when the dump has it.
    badges: Option<Badges>,
}

/// The row attributes the importer reads.
#[derive(Debug, Default)]
struct Row {
    id: Option<u64>,
    post_type: Option<u8>,
    accepted: Option<u64>,
    score: Option<i64>,
    created: Option<DateTime<Utc>>,
    title: Option<String>,
    tags: Option<String>,
    owner: Owner,
    licence: Option<String>,
    body: Option<String>,
}

impl Row {
    fn into_raw(self) -> RawPost {
        let created = self.created;
        RawPost {
            title: self.title.unwrap_or_default(),
            tags: parse_tags(self.tags.as_deref().unwrap_or_default()),
            body: self.body.unwrap_or_default(),
            score: self.score.unwrap_or(0),
            created,
            owner: self.owner,
            licence: self.licence.or_else(|| created.map(licence_by_date)),
        }
    }
}

/// How much of a row to decode, decided from its first attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Stop reading the row's attributes.
    Nothing,
    /// Everything but the body (unanswered questions).
    Meta,
    /// Everything.
    All,
}

/// Read one Stack Exchange source.
/// Questions without an accepted answer go straight to `unanswered` (already
/// in their final, compact form: a dump can hold millions of them).
pub(crate) fn read(
    source: &ForumSource,
    diags: &mut Vec<Diagnostic>,
    unanswered: &mut Vec<Question>,
) -> Vec<Thread> {
    if let Some(files) = super::stackexchange_api::files(&source.path) {
        return super::stackexchange_api::read(source, &files, diags, unanswered);
    }
    let Some((posts, users)) = locate(source, diags) else {
        return Vec::new();
    };
    let badges = companion(&posts, "Badges.xml");
    let users = users.as_deref().map(Input::File);
    let badges = badges.as_deref().map(Input::File);
    read_dump(
        source,
        Input::File(&posts),
        (users, badges),
        diags,
        unanswered,
    )
}

/// Read a `Posts.xml` already in memory (no `Users.xml`), reported as
/// `source.path`. The entry point of the fuzz target.
pub(crate) fn read_bytes(
    source: &ForumSource,
    posts: &[u8],
    diags: &mut Vec<Diagnostic>,
    unanswered: &mut Vec<Question>,
) -> Vec<Thread> {
    read_dump(
        source,
        Input::Bytes(&source.path, posts),
        (None, None),
        diags,
        unanswered,
    )
}

/// Where a dump file's bytes come from.
#[derive(Debug, Clone, Copy)]
enum Input<'a> {
    File(&'a Path),
    /// Bytes in memory, reported under this path.
    Bytes(&'a Path, &'a [u8]),
}

impl<'a> Input<'a> {
    fn path(&self) -> &'a Path {
        match *self {
            Input::File(p) | Input::Bytes(p, _) => p,
        }
    }

    /// Open for reading; `progress` names the step when a terminal should
    /// see how far the read got (files only: bytes in memory are instant).
    fn open(&self, progress: Option<&str>) -> Result<Box<dyn BufRead + 'a>, Diagnostic> {
        match *self {
            Input::File(path) => {
                let file = File::open(path)
                    .map_err(|e| Diagnostic::error(path, format!("cannot read file: {e}")))?;
                let total = file.metadata().map(|m| m.len()).unwrap_or(0);
                let reader = BufReader::with_capacity(1 << 20, file);
                Ok(match progress {
                    Some(step) => {
                        let name = path.file_name().unwrap_or_default().to_string_lossy();
                        let label = format!("reading {name} ({step})");
                        Box::new(ProgressReader::new(reader, label, total, true))
                    }
                    None => Box::new(reader),
                })
            }
            Input::Bytes(_, bytes) => Ok(Box::new(bytes)),
        }
    }
}

fn read_dump(
    source: &ForumSource,
    posts: Input<'_>,
    (users, badges): (Option<Input<'_>>, Option<Input<'_>>),
    diags: &mut Vec<Diagnostic>,
    unanswered: &mut Vec<Question>,
) -> Vec<Thread> {
    let file: Arc<Path> = Arc::from(posts.path());

    // Pass 1: which answers are accepted (ids only) and, when the answer
    // comes after its question, whether it passes min_score.
    let mut pending: HashMap<u64, Pending> = HashMap::new();
    let step = |name: &'static str| source.progress.then_some(name);
    let pass1 = stream_rows(
        posts,
        step("pass 1 of 2"),
        |_| Want::Nothing,
        |row| match (row.id, row.post_type) {
            (Some(q), Some(1)) => {
                if let Some(a) = row.accepted {
                    pending.insert(
                        a,
                        Pending {
                            question: q,
                            score_ok: None,
                        },
                    );
                }
            }
            (Some(a), Some(2)) => {
                if let (Some(p), Some(score)) = (pending.get_mut(&a), row.score) {
                    p.score_ok = Some(score >= source.min_score);
                }
            }
            _ => {}
        },
    );
    if let Err(d) = pass1 {
        diags.push(d);
        return Vec::new();
    }
    pending.retain(|_, p| p.score_ok != Some(false));
    let answer_of: HashMap<u64, u64> = pending.iter().map(|(a, p)| (*a, p.question)).collect();
    let wanted_questions: HashMap<u64, u64> =
        pending.iter().map(|(a, p)| (p.question, *a)).collect();
    drop(pending);

    // Pass 2: the kept questions and answers in full, the unanswered
    // questions without their bodies.
    let mut questions: HashMap<u64, RawPost> = HashMap::new();
    let mut answers: HashMap<u64, (u64, RawPost)> = HashMap::new();
    let mut too_low: BTreeSet<u64> = BTreeSet::new();
    let first_unanswered = unanswered.len();
    let decide = |row: &Row| match (row.id, row.post_type) {
        (Some(_), Some(1)) if row.accepted.is_none() => Want::Meta,
        (Some(id), Some(1)) if wanted_questions.contains_key(&id) => Want::All,
        (Some(id), Some(2)) if answer_of.contains_key(&id) => Want::All,
        _ => Want::Nothing,
    };
    let pass2 = stream_rows(posts, step("pass 2 of 2"), decide, |row| {
        let (Some(id), Some(kind)) = (row.id, row.post_type) else {
            return;
        };
        if kind == 1 && row.accepted.is_none() {
            let raw = std::mem::take(row).into_raw();
            unanswered.push(Question {
                id: format!("{}:{id}", source.name),
                source: source.name.clone(),
                url: question_url(source, id),
                title: raw.title,
                tags: raw.tags,
                score: raw.score,
                asked: raw.created,
            });
        } else if kind == 1 && wanted_questions.contains_key(&id) && !too_low.contains(&id) {
            questions.insert(id, std::mem::take(row).into_raw());
        } else if kind == 2 {
            if let Some(&q) = answer_of.get(&id) {
                if row.score.unwrap_or(0) < source.min_score {
                    too_low.insert(q);
                    questions.remove(&q);
                } else {
                    answers.insert(q, (id, std::mem::take(row).into_raw()));
                }
            }
        }
    });
    if let Err(d) = pass2 {
        diags.push(d);
        unanswered.truncate(first_unanswered);
        return Vec::new();
    }
    // Dumps are in id order already; make sure of it cheaply.
    unanswered[first_unanswered..].sort_by_key(|q| {
        q.id.rsplit(':')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });

    let mut missing: Vec<u64> = wanted_questions
        .keys()
        .filter(|q| !answers.contains_key(q) && !too_low.contains(q))
        .copied()
        .collect();
    if !missing.is_empty() {
        missing.sort_unstable();
        let shown: Vec<String> = missing.iter().take(5).map(u64::to_string).collect();
        diags.push(Diagnostic::warning(
            posts.path(),
            format!(
                "{} question(s) have an AcceptedAnswerId whose answer is not in this file (e.g. {}); they are skipped",
                missing.len(),
                shown.join(", ")
            ),
        ));
    }

    // Users.xml: only the authors actually kept.
    let mut wanted_users: BTreeSet<i64> = BTreeSet::new();
    for (q, (_, a)) in &answers {
        wanted_users.extend(a.owner.user_id);
        if let Some(question) = questions.get(q) {
            wanted_users.extend(question.owner.user_id);
        }
    }
    let mut users = match users {
        Some(input) => match read_users(input, step("users"), &wanted_users) {
            Ok(u) => u,
            Err(d) => {
                diags.push(d);
                HashMap::new()
            }
        },
        None => HashMap::new(),
    };
    if let Some(input) = badges {
        match read_badges(input, step("badges"), &wanted_users) {
            Ok(counts) => {
                for (id, b) in counts {
                    users.entry(id).or_default().badges = Some(b);
                }
            }
            Err(d) => diags.push(d),
        }
    }

    // Sanitize in parallel, in id order.
    let sanitizer = Sanitizer::new(source.url.as_deref());
    let mut pairs: Vec<(u64, RawPost, u64, RawPost)> = answers
        .into_iter()
        .filter_map(|(q, (aid, answer))| Some((q, questions.remove(&q)?, aid, answer)))
        .collect();
    pairs.sort_unstable_by_key(|p| p.0);
    pairs
        .into_par_iter()
        .map(|(q, question, aid, answer)| {
            let reply = Reply {
                html: sanitizer.clean(&answer.body),
                author: author(&answer.owner, &users, source),
                score: answer.score,
                date: answer.created,
                accepted_at: None,
                url: source
                    .url
                    .as_deref()
                    .map(|u| join_url(u, &format!("a/{aid}"))),
                licence: answer.licence,
                // Only the asker can accept an answer on Stack Exchange.
                accepted_by: Some(AcceptedBy::Asker),
            };
            Thread {
                id: q.to_string(),
                url: question_url(source, q),
                question_html: sanitizer.clean(&question.body),
                question_author: Some(author(&question.owner, &users, source)),
                title: question.title,
                tags: question.tags,
                score: question.score,
                asked: question.created,
                accepted: vec![reply],
                licence: question.licence,
                reviewed: None,
                file: file.clone(),
            }
        })
        .collect()
}

/// The dump file `name` beside `posts` (same prefix: `so_Posts.xml` ->
/// `so_Badges.xml`), when it exists.
fn companion(posts: &Path, name: &str) -> Option<PathBuf> {
    let file = posts.file_name()?.to_string_lossy().into_owned();
    let prefix = file.strip_suffix("Posts.xml")?;
    Some(posts.with_file_name(format!("{prefix}{name}"))).filter(|p| p.is_file())
}

/// `Posts.xml` and the optional `Users.xml` of a source: `path` is the dump's
/// folder or its `Posts.xml` (a sibling `Users.xml` is used when present).
fn locate(source: &ForumSource, diags: &mut Vec<Diagnostic>) -> Option<(PathBuf, Option<PathBuf>)> {
    let path = &source.path;
    if path.is_dir() {
        let posts = path.join("Posts.xml");
        if !posts.is_file() {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("forum source `{}` has no Posts.xml here", source.name),
                )
                .with_hint("point `path:` at the unpacked dump folder or at its Posts.xml, or at saved API responses (`/2.3/questions?filter=withbody` as .json files)"),
            );
            return None;
        }
        let users = path.join("Users.xml");
        return Some((posts, users.is_file().then_some(users)));
    }
    if !path.is_file() {
        diags.push(
            Diagnostic::error(path, format!("cannot find forum export `{}`", source.name))
                .with_hint("check `path:` of this source in lorebook.yaml"),
        );
        return None;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let users = name
        .and_then(|n| n.strip_suffix("Posts.xml").map(|p| format!("{p}Users.xml")))
        .map(|n| path.with_file_name(n))
        .filter(|p| p.is_file());
    Some((path.clone(), users))
}

/// Stream the `<row>` elements of a dump file, calling `each` with the parsed
/// attributes. `decide` sees the row's first attributes (everything before
/// the first text attribute: `Id`, `PostTypeId`, `AcceptedAnswerId`,
/// `Score`... in dump order) and says how much more to decode, so rows that
/// are not kept cost no unescaping. A syntax error or a truncated file
/// becomes a diagnostic at its line.
fn stream_rows(
    input: Input<'_>,
    progress: Option<&str>,
    decide: impl Fn(&Row) -> Want,
    mut each: impl FnMut(&mut Row),
) -> Result<(), Diagnostic> {
    let mut reader = Reader::from_reader(input.open(progress)?);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut depth = 0usize;
    let mut root_seen = false;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf);
        let row_start = match event {
            Ok(Event::Empty(e)) => Some(e),
            Ok(Event::Start(e)) => {
                root_seen = true;
                depth += 1;
                Some(e)
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                None
            }
            Ok(Event::Eof) => {
                if depth > 0 || !root_seen {
                    let what = if root_seen {
                        "file ends before its closing tag (truncated?)"
                    } else {
                        "no XML root element (empty or truncated file?)"
                    };
                    return Err(error_at(input, reader.buffer_position(), what));
                }
                return Ok(());
            }
            Ok(_) => None,
            Err(e) => {
                return Err(error_at(
                    input,
                    reader.error_position(),
                    &format!("invalid XML: {e}"),
                ))
            }
        };
        if let Some(e) = row_start.filter(|e| e.local_name().as_ref() == b"row") {
            let mut row = parse_row(&e, &decide, reader.decoder())
                .map_err(|msg| error_at(input, reader.buffer_position(), &msg))?;
            each(&mut row);
        }
    }
}

fn parse_row(
    e: &BytesStart<'_>,
    decide: &impl Fn(&Row) -> Want,
    decoder: Decoder,
) -> Result<Row, String> {
    let mut row = Row::default();
    let mut want: Option<Want> = None;
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| format!("invalid XML attribute: {err}"))?;
        let raw = || std::str::from_utf8(&attr.value).ok();
        let key = attr.key.as_ref();
        match key {
            b"Id" => row.id = raw().and_then(|v| v.parse().ok()),
            b"PostTypeId" => row.post_type = raw().and_then(|v| v.parse().ok()),
            b"AcceptedAnswerId" => row.accepted = raw().and_then(|v| v.parse().ok()),
            b"Score" => row.score = raw().and_then(|v| v.parse().ok()),
            b"CreationDate" => row.created = raw().and_then(parse_date),
            b"OwnerUserId" => row.owner.user_id = raw().and_then(|v| v.parse().ok()),
            b"OwnerDisplayName" | b"ContentLicense" | b"Title" | b"Tags" | b"Body" => {
                let w = *want.get_or_insert_with(|| decide(&row));
                if w == Want::Nothing {
                    break;
                }
                if key == b"Body" && w != Want::All {
                    continue;
                }
                let text = attr
                    .decode_and_unescape_value(decoder)
                    .map_err(|err| format!("invalid attribute value: {err}"))?
                    .into_owned();
                match key {
                    b"OwnerDisplayName" => row.owner.display_name = Some(text),
                    b"ContentLicense" => row.licence = Some(text),
                    b"Title" => row.title = Some(text),
                    b"Tags" => row.tags = Some(text),
                    _ => row.body = Some(text),
                }
            }
            _ => {}
        }
    }
    Ok(row)
}

/// Read the wanted users' names and avatars from `Users.xml`.
fn read_users(
    input: Input<'_>,
    progress: Option<&str>,
    wanted: &BTreeSet<i64>,
) -> Result<HashMap<i64, UserInfo>, Diagnostic> {
    let mut reader = Reader::from_reader(input.open(progress)?);
    let mut buf = Vec::new();
    let mut users = HashMap::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                let mut id = None;
                let mut info = UserInfo::default();
                for attr in e.attributes().with_checks(false).flatten() {
                    match attr.key.as_ref() {
                        b"Id" => {
                            id = std::str::from_utf8(&attr.value)
                                .ok()
                                .and_then(|v| v.parse::<i64>().ok());
                            if !id.is_some_and(|i| wanted.contains(&i)) {
                                break;
                            }
                        }
                        b"DisplayName" => {
                            if let Ok(v) = attr.decode_and_unescape_value(reader.decoder()) {
                                info.display_name = v.into_owned();
                            }
                        }
                        b"ProfileImageUrl" => {
                            if let Ok(v) = attr.decode_and_unescape_value(reader.decoder()) {
                                info.avatar = Some(v.into_owned()).filter(|s| !s.is_empty());
                            }
                        }
                        b"Reputation" => {
                            info.reputation = std::str::from_utf8(&attr.value)
                                .ok()
                                .and_then(|v| v.trim().parse::<i64>().ok());
                        }
                        _ => {}
                    }
                }
                if let Some(id) = id.filter(|i| wanted.contains(i)) {
                    users.insert(id, info);
                }
            }
            Ok(Event::Eof) => return Ok(users),
            Ok(_) => {}
            Err(e) => {
                return Err(error_at(
                    input,
                    reader.error_position(),
                    &format!("invalid XML: {e}"),
                ))
            }
        }
    }
}

/// Count the wanted users' badges in `Badges.xml` by `Class` (1 gold,
/// 2 silver, 3 bronze; rows of another class are not counted).
fn read_badges(
    input: Input<'_>,
    progress: Option<&str>,
    wanted: &BTreeSet<i64>,
) -> Result<HashMap<i64, Badges>, Diagnostic> {
    let mut reader = Reader::from_reader(input.open(progress)?);
    let mut buf = Vec::new();
    let mut counts: HashMap<i64, Badges> = HashMap::new();
    let number = |v: &[u8]| std::str::from_utf8(v).ok()?.trim().parse::<i64>().ok();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                let (mut user, mut class) = (None, None);
                for attr in e.attributes().with_checks(false).flatten() {
                    match attr.key.as_ref() {
                        b"UserId" => user = number(&attr.value),
                        b"Class" => class = number(&attr.value),
                        _ => {}
                    }
                }
                let Some(user) = user.filter(|u| wanted.contains(u)) else {
                    continue;
                };
                let b = counts.entry(user).or_default();
                match class {
                    Some(1) => b.gold += 1,
                    Some(2) => b.silver += 1,
                    Some(3) => b.bronze += 1,
                    _ => {}
                }
            }
            Ok(Event::Eof) => return Ok(counts),
            Ok(_) => {}
            Err(e) => {
                return Err(error_at(
                    input,
                    reader.error_position(),
                    &format!("invalid XML: {e}"),
                ))
            }
        }
    }
}

/// A diagnostic at the line holding byte `offset` of a (possibly huge) file,
/// found by counting newlines in a second read.
fn error_at(input: Input<'_>, offset: u64, message: &str) -> Diagnostic {
    let (line, col) = line_of_offset(input, offset).unwrap_or((0, 0));
    Diagnostic::error(input.path(), message.to_string())
        .at(line, col)
        .with_hint(format!("at byte offset {offset}"))
}

fn line_of_offset(input: Input<'_>, offset: u64) -> Option<(usize, usize)> {
    let mut reader = BufReader::new(input.open(None).ok()?.take(offset));
    let mut line = 1;
    let mut col = 1;
    loop {
        let chunk = reader.fill_buf().ok()?;
        if chunk.is_empty() {
            return Some((line, col));
        }
        for &b in chunk {
            if b == b'\n' {
                line += 1;
                col = 1;
            } else if b & 0xC0 != 0x80 {
                col += 1;
            }
        }
        let n = chunk.len();
        reader.consume(n);
    }
}

/// Tags in the old `<a><b>` form or the new `|a|b|` form.
fn parse_tags(raw: &str) -> Vec<String> {
    raw.split(['<', '>', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Stack Exchange's licence for a post without `ContentLicense`, by date.
fn licence_by_date(date: DateTime<Utc>) -> String {
    let day = date.date_naive();
    let v3 = NaiveDate::from_ymd_opt(2011, 4, 8);
    let v4 = NaiveDate::from_ymd_opt(2018, 5, 2);
    let version = if v3.is_some_and(|d| day < d) {
        "2.5"
    } else if v4.is_some_and(|d| day < d) {
        "3.0"
    } else {
        "4.0"
    };
    format!("CC BY-SA {version}")
}

fn question_url(source: &ForumSource, id: u64) -> Option<String> {
    source
        .url
        .as_deref()
        .map(|u| join_url(u, &format!("questions/{id}")))
}

fn author(owner: &Owner, users: &HashMap<i64, UserInfo>, source: &ForumSource) -> Author {
    let profile = |id: i64| {
        source
            .url
            .as_deref()
            .map(|u| join_url(u, &format!("users/{id}")))
    };
    match owner.user_id {
        Some(STACK_EXCHANGE_COMMUNITY) => Author {
            username: "-1".into(),
            display_name: "Community".into(),
            profile_url: profile(-1),
            system: true,
            ..Author::default()
        },
        Some(id) => {
            let info = users.get(&id);
            let display_name = info
                .map(|u| u.display_name.clone())
                .filter(|n| !n.is_empty())
                .or_else(|| owner.display_name.clone().filter(|n| !n.is_empty()))
                .unwrap_or_else(|| format!("user{id}"));
            Author {
                username: id.to_string(),
                display_name,
                profile_url: profile(id),
                avatar_url: info.and_then(|u| u.avatar.clone()),
                standing: Standing {
                    reputation: info.and_then(|u| u.reputation),
                    badges: info.and_then(|u| u.badges),
                    ..Standing::default()
                },
                deleted: false,
                system: false,
            }
        }
        // A deleted user: only the name the dump kept, no profile to link.
        None => {
            let name = owner
                .display_name
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "deleted user".into());
            Author {
                username: name.clone(),
                display_name: name,
                deleted: true,
                ..Author::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forum::source::ForumKind;
    use crate::forum::testkit::{folder, source};

    const FIX: &str = "tests/fixtures/forum/stackexchange";

    fn run(src: &ForumSource) -> (Vec<Thread>, Vec<Diagnostic>) {
        let (t, _, diags) = run_all(src);
        (t, diags)
    }

    fn run_all(src: &ForumSource) -> (Vec<Thread>, Vec<String>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut unanswered = Vec::new();
        let t = read(src, &mut diags, &mut unanswered);
        (t, unanswered.into_iter().map(|q| q.id).collect(), diags)
    }

    fn answered(t: &[Thread]) -> Vec<&str> {
        t.iter()
            .filter(|t| !t.accepted.is_empty())
            .map(|t| t.id.as_str())
            .collect()
    }

    #[test]
    fn reads_old_dump_fixture_with_licence_by_date() {
        let src = source(
            ForumKind::Stackexchange,
            "so",
            &format!("{FIX}/posts-words-counter_Posts.xml"),
            Some("https://stackoverflow.com"),
        );
        let (threads, unanswered, diags) = run_all(&src);
        assert_eq!(answered(&threads), ["4"]);
        let q = &threads[0];
        assert_eq!(
            q.title,
            "When setting a form's opacity should I use a decimal or double?"
        );
        assert_eq!(
            q.tags,
            ["c#", "winforms", "type-conversion", "decimal", "opacity"]
        );
        assert_eq!(q.score, 398);
        assert_eq!(q.licence.as_deref(), Some("CC BY-SA 2.5"));
        assert_eq!(
            q.url.as_deref(),
            Some("https://stackoverflow.com/questions/4")
        );
        assert!(
            q.question_html.contains("<p>I want to use a track-bar"),
            "{}",
            q.question_html
        );
        let a = &q.accepted[0];
        assert_eq!(a.score, 295);
        assert_eq!(a.licence.as_deref(), Some("CC BY-SA 2.5"));
        assert_eq!(a.author.display_name, "user9");
        assert_eq!(
            a.author.profile_url.as_deref(),
            Some("https://stackoverflow.com/users/9")
        );
        assert_eq!(a.url.as_deref(), Some("https://stackoverflow.com/a/7"));
        // Q 14 has no accepted answer: unanswered; the six questions whose
        // answers are missing are reported once.
        assert_eq!(unanswered, ["so:14"]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.starts_with("6 question(s)"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn reads_content_license_fixture() {
        let src = source(
            ForumKind::Stackexchange,
            "so",
            &format!("{FIX}/codesearch-ai_Posts.xml"),
            None,
        );
        let (threads, _) = run(&src);
        assert_eq!(answered(&threads), ["4"]);
        let q = &threads[0];
        assert_eq!(q.licence.as_deref(), Some("CC BY-SA 4.0"));
        assert_eq!(q.accepted[0].licence.as_deref(), Some("CC BY-SA 4.0"));
        assert_eq!(q.title, "How to convert a Decimal to a Double in C#?");
    }

    #[test]
    fn licence_follows_date_boundaries() {
        let d = |s: &str| parse_date(s).unwrap();
        assert_eq!(licence_by_date(d("2011-04-07T23:59:59")), "CC BY-SA 2.5");
        assert_eq!(licence_by_date(d("2011-04-08T00:00:00")), "CC BY-SA 3.0");
        assert_eq!(licence_by_date(d("2018-05-01T23:00:00")), "CC BY-SA 3.0");
        assert_eq!(licence_by_date(d("2018-05-02T00:00:00")), "CC BY-SA 4.0");
    }

    #[test]
    fn parses_both_tag_forms() {
        assert_eq!(parse_tags("<sync><api-keys>"), ["sync", "api-keys"]);
        assert_eq!(parse_tags("|sync|api-keys|"), ["sync", "api-keys"]);
        assert!(parse_tags("").is_empty());
    }

    const DUMP: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="21" PostTypeId="2" ParentId="20" CreationDate="2024-01-02T00:00:00.000" Score="-3" Body="&lt;p&gt;Use &lt;code&gt;relay sync --force&lt;/code&gt;&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;" OwnerDisplayName="gone_user" ContentLicense="CC BY-SA 4.0" />
  <row Id="20" PostTypeId="1" AcceptedAnswerId="21" CreationDate="2024-01-01T00:00:00.000" Score="5" Body="&lt;p onclick=&quot;x()&quot;&gt;Synchronisation bloquée à 99 %&lt;/p&gt;" OwnerUserId="-1" Title="Synchronisation bloquée — 同期が止まる" Tags="|sync|desktop|" />
  <row Id="30" PostTypeId="1" CreationDate="2024-01-03T00:00:00.000" Score="2" Body="&lt;p&gt;x&lt;/p&gt;" OwnerUserId="5" Title="Unanswered one" Tags="&lt;api&gt;" />
  <row Id="40" PostTypeId="1" AcceptedAnswerId="41" CreationDate="2024-01-03T00:00:00.000" Score="2" Body="&lt;p&gt;q40&lt;/p&gt;" OwnerUserId="5" Title="Forty" Tags="&lt;api&gt;" />
  <row Id="41" PostTypeId="2" ParentId="40" CreationDate="2024-01-04T00:00:00.000" Score="8" Body="&lt;p&gt;a41&lt;/p&gt;" OwnerUserId="5" />
</posts>
"#;

    const USERS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<users>
  <row Id="-1" DisplayName="Community" />
  <row Id="5" DisplayName="Zoë Ångström" ProfileImageUrl="https://i.example/5.png" />
  <row Id="6" DisplayName="Not needed" />
</users>
"#;

    #[test]
    fn answer_before_question_deleted_author_negative_score_and_users() {
        let dir = folder(&[("Posts.xml", DUMP), ("Users.xml", USERS)]);
        let mut src = source(
            ForumKind::Stackexchange,
            "se",
            "x",
            Some("https://relay.stackexchange.example/"),
        );
        src.path = dir.path().to_path_buf();
        let (threads, unanswered, diags) = run_all(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(answered(&threads), ["20", "40"]);
        let q = &threads[0];
        assert_eq!(q.title, "Synchronisation bloquée — 同期が止まる");
        assert_eq!(q.tags, ["sync", "desktop"]);
        assert_eq!(q.question_html, "<p>Synchronisation bloquée à 99 %</p>");
        let qa = q.question_author.as_ref().unwrap();
        assert_eq!(qa.display_name, "Community");
        assert!(qa.system && !qa.deleted, "{qa:?}");
        assert!(!q.accepted[0].author.system);
        let a = &q.accepted[0];
        assert_eq!(a.score, -3);
        assert_eq!(a.html, "<p>Use <code>relay sync --force</code></p>");
        assert_eq!(a.author.display_name, "gone_user");
        assert_eq!(a.author.profile_url, None);
        let forty = &threads[1];
        assert_eq!(forty.id, "40");
        assert_eq!(forty.accepted[0].author.display_name, "Zoë Ångström");
        assert_eq!(
            forty.accepted[0].author.avatar_url.as_deref(),
            Some("https://i.example/5.png")
        );
        assert_eq!(unanswered, ["se:30"]);
    }

    #[test]
    fn min_score_skips_low_answers_and_their_question_bodies() {
        let dir = folder(&[("Posts.xml", DUMP)]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        src.min_score = 0;
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(answered(&threads), ["40"]);
    }

    #[test]
    fn attribute_order_does_not_matter() {
        // Score after Body: pass 1 cannot see it, pass 2 still applies it.
        let reordered = DUMP
            .replace(
                r#"Score="8" Body="&lt;p&gt;a41&lt;/p&gt;""#,
                r#"Body="&lt;p&gt;a41&lt;/p&gt;" Score="8""#,
            )
            .replace(r#"Score="-3" Body="#, r#"Body="#)
            .replace(
                r#"OwnerDisplayName="gone_user""#,
                r#"OwnerDisplayName="gone_user" Score="-3""#,
            );
        assert_ne!(reordered, DUMP);
        let dir = folder(&[("Posts.xml", &reordered)]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        src.min_score = 0;
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(answered(&threads), ["40"]);
        assert_eq!(threads[0].accepted[0].score, 8);
        assert_eq!(threads[0].accepted[0].html, "<p>a41</p>");
    }

    #[test]
    fn truncated_xml_reports_the_line() {
        let cut = &DUMP[..DUMP.find("<row Id=\"30\"").unwrap() + 40];
        let dir = folder(&[("Posts.xml", cut)]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(threads.is_empty());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].path.ends_with("Posts.xml"));
        assert_eq!(diags[0].line, 5, "{:?}", diags[0]);
    }

    #[test]
    fn missing_closing_root_is_truncation() {
        let cut = &DUMP[..DUMP.find("</posts>").unwrap()];
        let dir = folder(&[("Posts.xml", cut)]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (_, diags) = run(&src);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("truncated"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].line, 8);
    }

    #[test]
    fn reputation_and_badge_counts_of_kept_authors_never_guessed_for_the_rest() {
        // Post 50 is answered by user 7, who has no Users.xml row; user 5
        // has a negative reputation (invented) and badges of every class.
        let dump = DUMP.replace(
            "</posts>",
            r#"  <row Id="50" PostTypeId="1" AcceptedAnswerId="51" CreationDate="2024-02-01T00:00:00.000" Score="1" Body="&lt;p&gt;q&lt;/p&gt;" OwnerUserId="5" Title="Fifty" Tags="|api|" />
  <row Id="51" PostTypeId="2" ParentId="50" CreationDate="2024-02-02T00:00:00.000" Score="1" Body="&lt;p&gt;a&lt;/p&gt;" OwnerUserId="7" OwnerDisplayName="Row-less" />
</posts>"#,
        );
        let users = USERS.replace(
            r#"DisplayName="Zoë Ångström""#,
            r#"Reputation="-12" DisplayName="Zoë Ångström""#,
        );
        let badges = r#"<?xml version="1.0" encoding="utf-8"?>
<badges>
  <row Id="1" UserId="5" Name="Famous Question" Date="2024-01-01T00:00:00.000" Class="1" TagBased="False" />
  <row Id="2" UserId="5" Name="Yearling" Date="2024-01-01T00:00:00.000" Class="2" TagBased="False" />
  <row Id="3" UserId="5" Name="Teacher" Date="2024-01-01T00:00:00.000" Class="3" TagBased="False" />
  <row Id="4" UserId="5" Name="Editor" Date="2024-01-01T00:00:00.000" Class="3" TagBased="False" />
  <row Id="5" UserId="6" Name="Editor" Date="2024-01-01T00:00:00.000" Class="3" TagBased="False" />
</badges>
"#;
        let dir = folder(&[
            ("Posts.xml", &dump),
            ("Users.xml", &users),
            ("Badges.xml", badges),
        ]);
        let mut src = source(ForumKind::Stackexchange, "se", "x", None);
        src.path = dir.path().to_path_buf();
        let (threads, diags) = run(&src);
        assert!(diags.is_empty(), "{diags:?}");
        let by_id = |id: &str| threads.iter().find(|t| t.id == id).expect(id);
        let zoe = &by_id("40").accepted[0];
        assert_eq!(zoe.accepted_by, Some(AcceptedBy::Asker));
        assert_eq!(
            zoe.author.standing,
            Standing {
                reputation: Some(-12),
                badges: Some(Badges {
                    gold: 1,
                    silver: 1,
                    bronze: 2
                }),
                ..Standing::default()
            }
        );
        assert!(!zoe.author.deleted);
        // No Users.xml row: the dump's name, no reputation, nothing guessed.
        let rowless = &by_id("50").accepted[0].author;
        assert_eq!(rowless.display_name, "Row-less");
        assert_eq!(rowless.standing, Standing::default());
        assert!(!rowless.deleted);
        // No owner id at all: a deleted account.
        let gone = &by_id("20").accepted[0].author;
        assert!(gone.deleted);
        assert_eq!(gone.standing, Standing::default());
    }

    #[test]
    fn the_real_dump_without_users_has_no_standing_and_asker_acceptance() {
        let src = source(
            ForumKind::Stackexchange,
            "so",
            &format!("{FIX}/posts-words-counter_Posts.xml"),
            None,
        );
        let (threads, _) = run(&src);
        let a = &threads[0].accepted[0];
        assert_eq!(a.author.standing, Standing::default());
        assert_eq!(a.accepted_by, Some(AcceptedBy::Asker));
    }
}
