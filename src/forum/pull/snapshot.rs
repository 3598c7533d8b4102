//! The snapshot a pull leaves in a source's `path`, and the staging folder
//! it is built in.
//!
//! A snapshot folder holds one file per answered thread (`<id>.yaml`),
//! `unanswered.yaml` (the questions without an accepted answer, without
//! their bodies: insights only need titles and tags) and the state file
//! `.lorebook-pull.yaml` (the sync cursor). Every thread file is lorebook's
//! own forum format (`forum::native`), written here by hand so the output is
//! stable: keys in a fixed order, one answer per block, bodies as literal
//! block scalars, so a pull shows up in a pull request as a readable diff.
//!
//! A pull never writes into the snapshot. It writes each fetched thread into
//! a staging folder beside it (`.<name>.pull/`, ignored by git through its
//! own `.gitignore`) and appends a line to the staging folder's journal; when
//! the pull is done, `Staging::commit` assembles the next snapshot in a third
//! folder (unchanged threads hard-linked from the current one) and swaps it
//! in with one rename. A pull that fails or is killed leaves the previous
//! snapshot as it was, and the next run finds the journal and does not fetch
//! again what it already holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::error::PullError;
use crate::forum::native::{File, Id, NAnswer, NAuthor, NQuestion};

/// A time as the snapshot records it: RFC 3339, UTC, `Z`.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The state file, inside the snapshot folder.
pub const STATE_FILE: &str = ".lorebook-pull.yaml";
/// The questions without an accepted answer.
pub const UNANSWERED_FILE: &str = "unanswered.yaml";
const JOURNAL: &str = "journal.jsonl";
const FORMAT_VERSION: u32 = 1;

/// Whether `dir` holds a snapshot written by `lorebook forum pull` (then the
/// build reads it with the lorebook format importer, whatever the source's
/// type).
pub fn is_snapshot(dir: &Path) -> bool {
    dir.join(STATE_FILE).is_file()
}

/// What the state file records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    /// The source's type (`discourse`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The API the snapshot came from.
    pub api: String,
    /// The filters it was pulled with; a pull with other filters starts over.
    pub scope: String,
    /// Everything that changed upstream before this point is in the snapshot
    /// (an RFC 3339 time; `None` before the first complete pull).
    pub cursor: Option<String>,
    /// A full pull stopped half-way (Stack Exchange quota): the next pull
    /// goes on with it, then removes what is gone upstream.
    #[serde(default)]
    pub full_pending: bool,
}

impl State {
    /// The state file's text.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(
            "# Written by `lorebook forum pull`: where the next pull starts. Keep it with the snapshot.\n",
        );
        out.push_str(&format!("version: {}\n", self.version));
        out.push_str(&format!("type: {}\n", scalar(&self.kind)));
        out.push_str(&format!("api: {}\n", scalar(&self.api)));
        out.push_str(&format!("scope: {}\n", scalar(&self.scope)));
        if let Some(c) = &self.cursor {
            out.push_str(&format!("cursor: {}\n", scalar(c)));
        }
        if self.full_pending {
            out.push_str("full_pending: true\n");
        }
        out
    }
}

/// Read the state file of a snapshot folder, `None` when there is none.
pub fn read_state(dir: &Path) -> Result<Option<State>, String> {
    let path = dir.join(STATE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
    };
    crate::yaml::parse::<State>(&text, &path, 1, &[])
        .map(Some)
        .map_err(|d| d.to_string())
}

// ---------------------------------------------------------------------------
// Writing the format.

/// One answered thread's file.
pub fn thread_file(q: &NQuestion, api: &str) -> String {
    let mut out = format!(
        "# Pulled from {api} by `lorebook forum pull`; the next pull replaces this file.\nquestions:\n"
    );
    question(&mut out, q);
    out
}

/// The unanswered questions' file, in the order given.
pub fn unanswered_file<'a>(qs: impl IntoIterator<Item = &'a NQuestion>, api: &str) -> String {
    let mut out = format!(
        "# Questions without an accepted answer at {api}, for insights; pulled by `lorebook forum pull`.\nquestions:\n"
    );
    let mut any = false;
    for q in qs {
        any = true;
        question(&mut out, q);
    }
    if !any {
        out.truncate(out.len() - 1);
        out.push_str(" []\n");
    }
    out
}

fn question(out: &mut String, q: &NQuestion) {
    let id = match &q.id {
        Id::Number(n) => n.to_string(),
        Id::Text(t) => scalar(t),
    };
    out.push_str(&format!("- id: {id}\n"));
    let pad = "  ";
    key(out, pad, "title", &q.title);
    opt(out, pad, "url", &q.url);
    if !q.tags.is_empty() {
        out.push_str("  tags:\n");
        for t in &q.tags {
            out.push_str(&format!("  - {}\n", scalar(t)));
        }
    }
    out.push_str(&format!("  score: {}\n", q.score));
    opt(out, pad, "asked", &q.asked);
    opt(out, pad, "licence", &q.licence);
    if let Some(a) = &q.author {
        author(out, pad, a);
    }
    opt(out, pad, "reviewed", &q.reviewed);
    if !q.body.is_empty() {
        body(out, pad, "body", &q.body);
    }
    if let Some(h) = &q.body_html {
        body(out, pad, "body_html", h);
    }
    if !q.answers.is_empty() {
        out.push_str("  answers:\n");
        for a in &q.answers {
            answer(out, a);
        }
    }
}

fn answer(out: &mut String, a: &NAnswer) {
    out.push_str(&format!("  - accepted: {}\n", a.accepted));
    let pad = "    ";
    out.push_str(&format!("{pad}score: {}\n", a.score));
    opt(out, pad, "date", &a.date);
    opt(out, pad, "accepted_at", &a.accepted_at);
    opt(out, pad, "url", &a.url);
    opt(out, pad, "licence", &a.licence);
    opt(out, pad, "accepted_by", &a.accepted_by);
    if let Some(p) = &a.author {
        author(out, pad, p);
    }
    if let Some(b) = &a.body {
        body(out, pad, "body", b);
    }
    if let Some(h) = &a.body_html {
        body(out, pad, "body_html", h);
    }
}

fn author(out: &mut String, pad: &str, a: &NAuthor) {
    out.push_str(&format!("{pad}author:\n"));
    let inner = format!("{pad}  ");
    key(out, &inner, "username", &a.username);
    opt(out, &inner, "name", &a.name);
    opt(out, &inner, "url", &a.url);
    opt(out, &inner, "avatar", &a.avatar);
    if let Some(r) = a.reputation {
        out.push_str(&format!("{inner}reputation: {r}\n"));
    }
    if let Some(t) = a.trust_level {
        out.push_str(&format!("{inner}trust_level: {t}\n"));
    }
    if let Some(s) = a.staff {
        out.push_str(&format!("{inner}staff: {s}\n"));
    }
    opt(out, &inner, "association", &a.association);
    if let Some(m) = a.moderator {
        out.push_str(&format!("{inner}moderator: {m}\n"));
    }
    if let Some(m) = a.admin {
        out.push_str(&format!("{inner}admin: {m}\n"));
    }
    if let Some(d) = a.deleted {
        out.push_str(&format!("{inner}deleted: {d}\n"));
    }
    if let Some(s) = a.system {
        out.push_str(&format!("{inner}system: {s}\n"));
    }
    if let Some(b) = a.badges {
        out.push_str(&format!(
            "{inner}badges: {{ gold: {}, silver: {}, bronze: {} }}\n",
            b.gold, b.silver, b.bronze
        ));
    }
}

fn key(out: &mut String, pad: &str, name: &str, value: &str) {
    out.push_str(&format!("{pad}{name}: {}\n", scalar(value)));
}

fn opt(out: &mut String, pad: &str, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        key(out, pad, name, v);
    }
}

/// A string on one line: plain when YAML reads it back as the same string,
/// else quoted (serde_yaml decides; JSON quoting for line breaks and control
/// characters, which JSON and YAML escape alike).
pub fn scalar(s: &str) -> String {
    if s.chars().any(|c| c.is_control() || is_yaml_break(c)) {
        return serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    }
    match serde_yaml::to_string(s) {
        Ok(text) => text.trim_end_matches('\n').to_string(),
        Err(_) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
    }
}

/// Characters the YAML reader takes as line breaks or rejects in a block.
fn is_yaml_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A body: a literal block scalar (`|`), one source line per line, so a
/// change to a post changes only its lines in a diff. Text a literal block
/// cannot hold (control characters) falls back to a quoted scalar.
fn body(out: &mut String, pad: &str, name: &str, text: &str) {
    let blockable = text.contains('\n')
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !(c.is_control() || is_yaml_break(c)));
    if !blockable {
        key(out, pad, name, text);
        return;
    }
    let trailing = text.len() - text.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // An explicit indentation when the first line starts with a space or is
    // empty, since the reader would otherwise guess the indentation from it.
    let indicator = if text.starts_with(' ') || text.starts_with('\n') {
        "2"
    } else {
        ""
    };
    out.push_str(&format!("{pad}{name}: |{indicator}{chomp}\n"));
    let content = text.strip_suffix('\n').unwrap_or(text);
    for line in content.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(pad);
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// Line breaks as `\n` (forum HTML sometimes comes with `\r\n`; a YAML
/// reader would normalize them anyway).
pub fn normalize_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

// ---------------------------------------------------------------------------
// The current snapshot.

/// What a snapshot folder holds, as the commit needs it.
#[derive(Debug, Default)]
pub struct Current {
    /// Ids that have a thread file.
    pub answered: BTreeSet<String>,
    /// The unanswered questions by id.
    pub unanswered: BTreeMap<String, NQuestion>,
    pub state: Option<State>,
    /// Other files in the folder (kept as they are).
    pub others: Vec<PathBuf>,
}

impl Current {
    /// Every thread id the snapshot knows.
    pub fn ids(&self) -> BTreeSet<String> {
        self.answered
            .iter()
            .chain(self.unanswered.keys())
            .cloned()
            .collect()
    }
}

/// Read a snapshot folder (an absent folder is an empty snapshot).
pub fn read_current(dir: &Path, source: &str) -> Result<Current, PullError> {
    let mut current = Current::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(current),
        Err(e) => return Err(PullError::io(source, dir, &e)),
    };
    current.state = read_state(dir).map_err(|m| PullError::new(source, m))?;
    for entry in entries {
        let entry = entry.map_err(|e| PullError::io(source, dir, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == STATE_FILE {
            continue;
        }
        if name == UNANSWERED_FILE {
            let path = entry.path();
            let text =
                std::fs::read_to_string(&path).map_err(|e| PullError::io(source, &path, &e))?;
            let file: File = crate::yaml::parse(&text, &path, 1, &[])
                .map_err(|d| PullError::new(source, d.to_string()))?;
            for q in file.questions {
                current.unanswered.insert(q.id.to_string(), q);
            }
        } else if let Some(id) = name.strip_suffix(".yaml").filter(|id| safe_id(id)) {
            current.answered.insert(id.to_string());
        } else {
            current.others.push(entry.path());
        }
    }
    Ok(current)
}

/// Ids become file names: only these characters, never `.` or `..`.
pub fn safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---------------------------------------------------------------------------
// Staging.

/// What became of one thread upstream.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It has an accepted answer: its own file.
    Answered(NQuestion),
    /// A question without an accepted answer: listed in `unanswered.yaml`.
    Unanswered(NQuestion),
    /// Not a question of this source any more (deleted, out of the
    /// configured categories or tags, not a question category).
    Dropped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Answered,
    Unanswered,
    Dropped,
}

/// The journal's first line: which pull the staging folder belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub version: u32,
    /// Type, API and scope of the source.
    pub fingerprint: String,
    pub full: bool,
    /// The cursor of the snapshot the pull started from.
    pub since: Option<String>,
}

impl Header {
    pub fn new(fingerprint: String, full: bool, since: Option<String>) -> Header {
        Header {
            version: FORMAT_VERSION,
            fingerprint,
            full,
            since,
        }
    }
}

/// One line of the journal per thread staged. An unanswered question is
/// kept in the line itself (it is small and goes into `unanswered.yaml`);
/// an answered thread's file is in the staging folder.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    id: String,
    stamp: String,
    kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    question: Option<NQuestion>,
}

/// A staged thread.
#[derive(Debug)]
struct Entry {
    stamp: String,
    kind: Kind,
    /// The question of an unanswered thread.
    question: Option<NQuestion>,
}

/// The staging folder of one source's pull.
pub struct Staging {
    dir: PathBuf,
    source: String,
    journal: std::fs::File,
    entries: HashMap<String, Entry>,
    /// Entries found from an earlier, interrupted run.
    pub resumed: usize,
    /// Remove the folder when dropped (dry runs).
    scratch: bool,
}

/// A random number for scratch folder names (std's hasher keys are random
/// per instance).
fn unique() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    h.finish()
}

/// Where the staging folder of `target` lives: beside it, hidden.
pub fn staging_dir(target: &Path) -> PathBuf {
    sibling(target, "pull")
}

fn sibling(target: &Path, what: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "forum".into());
    target
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.{what}"))
}

impl Staging {
    /// Open the staging folder for `target`, going on with an interrupted
    /// pull when its journal says it is the same pull (same source, mode and
    /// starting cursor); otherwise start a fresh one. `scratch` puts it in
    /// the system's temporary folder and removes it afterwards (dry runs).
    pub fn open(
        target: &Path,
        header: &Header,
        source: &str,
        scratch: bool,
    ) -> Result<Staging, PullError> {
        let dir = if scratch {
            std::env::temp_dir().join(format!(
                "lorebook-pull-{}-{}-{:x}",
                std::process::id(),
                crate::urls::path_slug(source),
                unique()
            ))
        } else {
            staging_dir(target)
        };
        let io = |p: &Path, e: std::io::Error| PullError::io(source, p, &e);
        let journal_path = dir.join(JOURNAL);
        let mut entries = HashMap::new();
        let mut resume = false;
        if !scratch {
            if let Ok(text) = std::fs::read_to_string(&journal_path) {
                let mut lines = text.lines();
                let same = lines
                    .next()
                    .and_then(|l| serde_json::from_str::<Header>(l).ok())
                    .is_some_and(|h| &h == header);
                if same {
                    resume = true;
                    // A line cut short by a kill is simply not there.
                    for line in lines.filter_map(|l| serde_json::from_str::<Line>(l).ok()) {
                        let complete = match line.kind {
                            Kind::Answered => dir.join(format!("{}.yaml", line.id)).is_file(),
                            Kind::Unanswered => line.question.is_some(),
                            Kind::Dropped => true,
                        };
                        if safe_id(&line.id) && complete {
                            let entry = Entry {
                                stamp: line.stamp,
                                kind: line.kind,
                                question: line.question,
                            };
                            entries.insert(line.id, entry);
                        }
                    }
                }
            }
        }
        if !resume && dir.exists() {
            remove_ours(&dir).map_err(|e| io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        std::fs::write(dir.join(".gitignore"), "*\n").map_err(|e| io(&dir, e))?;
        let mut journal = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)
            .map_err(|e| io(&journal_path, e))?;
        if !resume {
            let head = serde_json::to_string(header).unwrap_or_default();
            writeln!(journal, "{head}").map_err(|e| io(&journal_path, e))?;
        }
        Ok(Staging {
            dir,
            source: source.to_string(),
            journal,
            resumed: entries.len(),
            entries,
            scratch,
        })
    }

    /// Whether this thread at this version is already staged.
    pub fn has(&self, id: &str, stamp: &str) -> bool {
        self.entries.get(id).is_some_and(|e| e.stamp == stamp)
    }

    /// How many threads are staged.
    pub fn staged_count(&self) -> usize {
        self.entries.len()
    }

    /// Stage one thread: its file first, then its journal line.
    pub fn put(
        &mut self,
        id: &str,
        stamp: &str,
        outcome: &Outcome,
        api: &str,
    ) -> Result<(), PullError> {
        if !safe_id(id) {
            return Err(PullError::new(
                &self.source,
                format!(
                    "the forum returned a thread id lorebook cannot use as a file name: `{id}`"
                ),
            ));
        }
        let path = self.dir.join(format!("{id}.yaml"));
        let (kind, question) = match outcome {
            Outcome::Answered(q) => {
                write_atomic(&path, thread_file(q, api).as_bytes())
                    .map_err(|e| PullError::io(&self.source, &path, &e))?;
                (Kind::Answered, None)
            }
            Outcome::Unanswered(q) => {
                let _ = std::fs::remove_file(&path);
                (Kind::Unanswered, Some(q.clone()))
            }
            Outcome::Dropped => {
                let _ = std::fs::remove_file(&path);
                (Kind::Dropped, None)
            }
        };
        let mut line = Line {
            id: id.to_string(),
            stamp: stamp.to_string(),
            kind,
            question,
        };
        let text = serde_json::to_string(&line).unwrap_or_default();
        writeln!(self.journal, "{text}")
            .map_err(|e| PullError::io(&self.source, &self.dir.join(JOURNAL), &e))?;
        let entry = Entry {
            stamp: std::mem::take(&mut line.stamp),
            kind,
            question: line.question.take(),
        };
        self.entries.insert(id.to_string(), entry);
        Ok(())
    }

    /// What committing would change in `current`, with `removed` (ids gone
    /// upstream) taken out.
    pub fn summary(&self, current: &Current, removed: &BTreeSet<String>, target: &Path) -> Summary {
        let mut s = Summary::default();
        for (id, entry) in &self.entries {
            let had = current.answered.contains(id);
            match entry.kind {
                Kind::Answered if !had => s.added += 1,
                Kind::Answered => {
                    let old = std::fs::read(target.join(format!("{id}.yaml"))).ok();
                    let new = std::fs::read(self.dir.join(format!("{id}.yaml"))).ok();
                    if old != new {
                        s.updated += 1;
                    }
                }
                _ if had => s.removed += 1,
                _ => {}
            }
        }
        s.removed += removed
            .iter()
            .filter(|id| current.answered.contains(*id) && !self.entries.contains_key(*id))
            .count();
        let staged_unanswered = self
            .entries
            .values()
            .filter(|e| e.kind == Kind::Unanswered)
            .count();
        s.unanswered = staged_unanswered
            + current
                .unanswered
                .keys()
                .filter(|id| !self.entries.contains_key(*id) && !removed.contains(*id))
                .count();
        s.answered = current
            .answered
            .iter()
            .filter(|id| !self.entries.contains_key(*id) && !removed.contains(*id))
            .count()
            + self
                .entries
                .values()
                .filter(|e| e.kind == Kind::Answered)
                .count();
        s
    }

    /// Build the next snapshot from `current` (read from `target`), the
    /// staged threads and `removed`, write `state` into it, and swap it in
    /// place of `target`. The staging folder is removed afterwards.
    pub fn commit(
        self,
        target: &Path,
        current: &Current,
        removed: &BTreeSet<String>,
        state: &State,
    ) -> Result<(), PullError> {
        let source = self.source.clone();
        let io = |p: &Path, e: std::io::Error| PullError::io(&source, p, &e);
        let next = sibling(target, "next");
        if next.exists() {
            remove_ours(&next).map_err(|e| io(&next, e))?;
        }
        std::fs::create_dir_all(&next).map_err(|e| io(&next, e))?;
        // The marker first: a folder left over from a killed commit is
        // recognised (and removed) as ours by the next run.
        std::fs::write(next.join(".gitignore"), "*\n").map_err(|e| io(&next, e))?;
        let result = self.fill(target, &next, current, removed, state);
        if let Err(e) = result {
            let _ = remove_ours(&next);
            return Err(e);
        }
        let _ = std::fs::remove_file(next.join(".gitignore"));
        let parent = target.parent().unwrap_or(Path::new("."));
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(|e| io(p, e))?;
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        crate::output::swap_in(&next, target, parent, &name)
            .map_err(|e| PullError::new(&source, e.to_string()))?;
        let _ = remove_ours(&self.dir);
        Ok(())
    }

    fn fill(
        &self,
        target: &Path,
        next: &Path,
        current: &Current,
        removed: &BTreeSet<String>,
        state: &State,
    ) -> Result<(), PullError> {
        let source = &self.source;
        let io = |p: &Path, e: std::io::Error| PullError::io(source, p, &e);
        for id in &current.answered {
            if removed.contains(id) || self.entries.contains_key(id) {
                continue;
            }
            let name = format!("{id}.yaml");
            link_or_copy(&target.join(&name), &next.join(&name))
                .map_err(|e| io(&target.join(&name), e))?;
        }
        for other in &current.others {
            if let Some(name) = other.file_name() {
                if other.is_file() {
                    link_or_copy(other, &next.join(name)).map_err(|e| io(other, e))?;
                }
            }
        }
        let mut unanswered: BTreeMap<String, NQuestion> = current
            .unanswered
            .iter()
            .filter(|(id, _)| !removed.contains(*id) && !self.entries.contains_key(*id))
            .map(|(id, q)| (id.clone(), q.clone()))
            .collect();
        for (id, entry) in &self.entries {
            match (entry.kind, &entry.question) {
                (Kind::Answered, _) => {
                    let staged = self.dir.join(format!("{id}.yaml"));
                    link_or_copy(&staged, &next.join(format!("{id}.yaml")))
                        .map_err(|e| io(&staged, e))?;
                }
                (Kind::Unanswered, Some(q)) => {
                    unanswered.insert(id.clone(), q.clone());
                }
                _ => {}
            }
        }
        let mut ordered: Vec<&NQuestion> = unanswered.values().collect();
        ordered.sort_by(|a, b| id_order(&a.id, &b.id));
        let path = next.join(UNANSWERED_FILE);
        std::fs::write(&path, unanswered_file(ordered, &state.api)).map_err(|e| io(&path, e))?;
        let path = next.join(STATE_FILE);
        std::fs::write(&path, state.to_yaml()).map_err(|e| io(&path, e))?;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.scratch {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Numbers in numeric order, then text.
fn id_order(a: &Id, b: &Id) -> std::cmp::Ordering {
    match (a, b) {
        (Id::Number(x), Id::Number(y)) => x.cmp(y),
        (Id::Number(_), Id::Text(_)) => std::cmp::Ordering::Less,
        (Id::Text(_), Id::Number(_)) => std::cmp::Ordering::Greater,
        (Id::Text(x), Id::Text(y)) => x.cmp(y),
    }
}

/// What a commit changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Threads with an accepted answer that were not in the snapshot.
    pub added: usize,
    /// Threads whose file changed.
    pub updated: usize,
    /// Threads that lost their file (deleted or un-accepted upstream).
    pub removed: usize,
    /// Answered threads in the snapshot afterwards.
    pub answered: usize,
    /// Unanswered questions in the snapshot afterwards.
    pub unanswered: usize,
}

/// Write a file through a temporary name, so a kill leaves either the old
/// or the new file, never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)?;
    }
    Ok(())
}

/// Remove one of our own folders (staging, next): only when it carries the
/// `.gitignore` every such folder is created with (or is a snapshot, which
/// is what a commit killed right after its swap leaves in `next`), never
/// anything else.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    let ours = dir.join(".gitignore").is_file()
        || dir.join(JOURNAL).is_file()
        || dir.join(STATE_FILE).is_file();
    if ours {
        std::fs::remove_dir_all(dir)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the folder exists and was not made by lorebook; remove or rename it",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: u64, answers: usize) -> NQuestion {
        NQuestion {
            id: Id::Number(id),
            title: format!("Question {id}: sync: stalls # at 99%"),
            url: Some(format!("https://f.example/t/q/{id}")),
            tags: vec!["sync".into(), "no".into()],
            score: 3,
            asked: Some("2026-01-02T03:04:05Z".into()),
            licence: None,
            reviewed: None,
            author: Some(NAuthor {
                username: "ana".into(),
                name: Some("Ana Lima".into()),
                trust_level: Some(2),
                ..Default::default()
            }),
            body: String::new(),
            body_html: Some("<p>Help</p>\n<pre><code>a\tb  \n</code></pre>\n".into()),
            answers: (0..answers)
                .map(|i| NAnswer {
                    accepted: true,
                    score: i as i64,
                    date: None,
                    accepted_at: None,
                    url: None,
                    licence: Some("CC BY-SA 4.0".into()),
                    accepted_by: None,
                    author: None,
                    body: None,
                    body_html: Some(format!("<p>answer {i}</p>")),
                })
                .collect(),
        }
    }

    fn read_back(text: &str) -> Vec<NQuestion> {
        crate::yaml::parse::<File>(text, Path::new("t.yaml"), 1, &[])
            .expect("the format reads back")
            .questions
    }

    #[test]
    fn a_thread_file_reads_back_as_written_with_one_block_per_answer() {
        let thread = q(1204, 2);
        let text = thread_file(&thread, "https://f.example");
        assert_eq!(read_back(&text), vec![thread]);
        assert!(text.contains("  body_html: |\n    <p>Help</p>\n    <pre><code>a\tb  \n"));
        assert_eq!(text.matches("\n  - accepted: true\n").count(), 2, "{text}");
    }

    #[test]
    fn awkward_bodies_read_back_exactly() {
        let bodies = [
            "  leading spaces\nsecond",
            "\n\nleading empty lines\n",
            "trailing newlines\n\n\n",
            "no newline at all",
            "tab\tinside\n\tand at a line start\n",
            "carriage\rreturn\n",
            "line separator\u{2028}here\n",
            "nul \u{0} byte\n",
            "- looks like a list\n# and a comment\n",
            "key: value\n'quoted'\n\"double\"\n",
            "",
            "   \n  \n",
            "ends with spaces   ",
        ];
        for b in bodies {
            let mut thread = q(1, 1);
            thread.body_html = Some(b.to_string());
            thread.answers[0].body_html = Some(b.to_string());
            thread.title = b.to_string();
            let text = thread_file(&thread, "x");
            assert_eq!(read_back(&text), vec![thread], "{b:?} as\n{text}");
        }
    }

    #[test]
    fn plain_scalars_stay_plain_and_tricky_ones_are_quoted() {
        assert_eq!(scalar("ana"), "ana");
        assert_eq!(scalar("https://f.example/u/ana"), "https://f.example/u/ana");
        assert_eq!(scalar("12"), "'12'");
        for text in [
            "yes", "no", "null", "~", "1e3", "- x", "a: b", "#c", "@x", "`y", "'q'",
        ] {
            let back: String = serde_yaml::from_str(&scalar(text)).unwrap();
            assert_eq!(back, text);
        }
        assert_eq!(scalar("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn the_state_file_reads_back() {
        let state = State {
            version: 1,
            kind: "discourse".into(),
            api: "https://f.example".into(),
            scope: "categories=support/5".into(),
            cursor: Some("2026-03-02T10:00:00.123Z".into()),
            full_pending: true,
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), state.to_yaml()).unwrap();
        assert_eq!(read_state(dir.path()).unwrap(), Some(state));
        assert!(is_snapshot(dir.path()));
    }

    fn state(cursor: &str) -> State {
        State {
            version: 1,
            kind: "discourse".into(),
            api: "https://f.example".into(),
            scope: String::new(),
            cursor: Some(cursor.into()),
            full_pending: false,
        }
    }

    #[test]
    fn commit_merges_staged_threads_into_the_snapshot_and_removes_what_is_gone() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("forum");
        let header = Header::new("d".into(), false, None);
        // First pull: 1 and 2 answered, 3 unanswered.
        let mut s = Staging::open(&target, &header, "d", false).unwrap();
        s.put("1", "t1", &Outcome::Answered(q(1, 1)), "api")
            .unwrap();
        s.put("2", "t1", &Outcome::Answered(q(2, 1)), "api")
            .unwrap();
        s.put("3", "t1", &Outcome::Unanswered(q(3, 0)), "api")
            .unwrap();
        let current = read_current(&target, "d").unwrap();
        assert_eq!(s.summary(&current, &BTreeSet::new(), &target).added, 2);
        s.commit(&target, &current, &BTreeSet::new(), &state("t1"))
            .unwrap();
        assert!(!staging_dir(&target).exists());
        let names = |dir: &Path| {
            let mut n: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        assert_eq!(
            names(&target),
            [".lorebook-pull.yaml", "1.yaml", "2.yaml", "unanswered.yaml"]
        );
        // Second pull: 2 un-accepted, 3 answered, 1 gone upstream (full).
        let header = Header::new("d".into(), true, Some("t1".into()));
        let mut s = Staging::open(&target, &header, "d", false).unwrap();
        s.put("2", "t2", &Outcome::Unanswered(q(2, 0)), "api")
            .unwrap();
        s.put("3", "t2", &Outcome::Answered(q(3, 1)), "api")
            .unwrap();
        let current = read_current(&target, "d").unwrap();
        let removed = BTreeSet::from(["1".to_string()]);
        let summary = s.summary(&current, &removed, &target);
        assert_eq!(
            (
                summary.added,
                summary.updated,
                summary.removed,
                summary.answered,
                summary.unanswered
            ),
            (1, 0, 2, 1, 1)
        );
        s.commit(&target, &current, &removed, &state("t2")).unwrap();
        assert_eq!(
            names(&target),
            [".lorebook-pull.yaml", "3.yaml", "unanswered.yaml"]
        );
        let unanswered = std::fs::read_to_string(target.join(UNANSWERED_FILE)).unwrap();
        let ids: Vec<String> = read_back(&unanswered)
            .iter()
            .map(|q| q.id.to_string())
            .collect();
        assert_eq!(ids, ["2"]);
        assert_eq!(
            read_state(&target).unwrap().unwrap().cursor.as_deref(),
            Some("t2")
        );
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["forum"]);
    }

    #[test]
    fn an_interrupted_pull_is_resumed_from_its_journal() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("forum");
        let header = Header::new("d".into(), false, None);
        {
            let mut s = Staging::open(&target, &header, "d", false).unwrap();
            s.put("1", "t1", &Outcome::Answered(q(1, 1)), "api")
                .unwrap();
            s.put("2", "t1", &Outcome::Dropped, "api").unwrap();
            // Killed here: no commit.
        }
        let journal = staging_dir(&target).join(JOURNAL);
        let mut text = std::fs::read_to_string(&journal).unwrap();
        text.push_str("{\"id\":\"3\",\"sta"); // a line cut short
        std::fs::write(&journal, text).unwrap();
        let s = Staging::open(&target, &header, "d", false).unwrap();
        assert_eq!(s.resumed, 2);
        assert!(s.has("1", "t1"));
        assert!(!s.has("1", "t2"), "a newer version is fetched again");
        assert!(s.has("2", "t1"));
        assert!(!target.exists(), "the snapshot is untouched until a commit");
        // Another pull (other mode) starts over.
        let other = Header::new("d".into(), true, None);
        let s = Staging::open(&target, &other, "d", false).unwrap();
        assert_eq!(s.resumed, 0);
        assert!(!s.has("1", "t1"));
    }

    #[test]
    fn a_folder_not_made_by_lorebook_is_never_removed() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("forum");
        let stranger = staging_dir(&target);
        std::fs::create_dir_all(&stranger).unwrap();
        std::fs::write(stranger.join("notes.txt"), "mine").unwrap();
        let header = Header::new("d".into(), false, None);
        assert!(Staging::open(&target, &header, "d", false).is_err());
        assert!(stranger.join("notes.txt").is_file());
    }

    #[test]
    fn unsafe_ids_are_refused() {
        assert!(safe_id("1204") && safe_id("q-7_b"));
        for bad in ["", "..", "a/b", "a.b", "a\\b", "é"] {
            assert!(!safe_id(bad), "{bad}");
        }
    }
}
