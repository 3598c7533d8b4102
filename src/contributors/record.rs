//! One commit's authorship record and its byte format: [`RawCommit`] (the
//! author, `Co-authored-by:` identities, author time and the changed paths
//! with their line counts) as `git log` with [`LOG_ARGS`] prints it.
//! [`parse_log`] reads that format (the history cache stores it, and the
//! tests compare the in-process reader with `git log` through it) and
//! [`format_record`] writes it. Pure; no I/O.
//!
//! - `--numstat --raw -z` with `core.quotepath=off`: lines added/removed per
//!   file (numstat) and deletions (raw), NUL-separated, so any file name
//!   parses (tabs, newlines, UTF-8).
//! - `-M` rename detection, `--no-merges`, `--relative` (run from the
//!   content directory, so paths are relative to it); no pathspec.
//! - Identities are as committed: `.mailmap` is applied after parsing
//!   ([`super::identity::map_identities`]).

use std::collections::HashSet;
use std::ops::Range;

use chrono::{DateTime, TimeZone, Utc};

/// A git identity after `.mailmap`. The email is a matching key only: it never
/// leaves the contributors module (model types handed to templates have no
/// email field).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Identity {
    /// The key identities are grouped by: the lowercased email, else the
    /// lowercased name.
    pub fn key(&self) -> String {
        if self.email.trim().is_empty() {
            format!("name:{}", self.name.trim().to_lowercase())
        } else {
            self.email.trim().to_lowercase()
        }
    }
}

/// One commit as parsed from the log (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommit {
    /// The commit id (hex).
    pub id: String,
    pub author: Identity,
    pub co_authors: Vec<Identity>,
    pub time: DateTime<Utc>,
    pub changes: Vec<Change>,
}

/// One numstat record. `from` is set for a rename (`from` -> `path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub from: Option<String>,
    pub added: u64,
    pub removed: u64,
    /// The file no longer exists after this commit.
    pub deleted: bool,
}

const RS: u8 = 0x1e;
const US: u8 = 0x1f;
/// One record per commit: id, author name and email as committed (`.mailmap`
/// is applied afterwards, so the cache never holds mapped identities), author
/// time, `Co-authored-by` values.
const FORMAT: &str =
    "--format=%x1e%H%x1f%an%x1f%ae%x1f%at%x1f%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x1e";

/// The `git log` arguments every read uses (before any `--skip`/`-n`).
/// Settings a user's git config could change are pinned, so a record read
/// today is byte for byte the record a later read would print (the cache
/// depends on it): rename limit, root commit diff, output encoding, diff
/// algorithm (it decides numstat counts), no external diff or textconv, no
/// signatures, no mailmap.
pub const LOG_ARGS: &[&str] = &[
    "-c",
    "core.quotepath=off",
    "-c",
    "diff.renameLimit=10000",
    "-c",
    "log.showRoot=true",
    "-c",
    "i18n.logOutputEncoding=UTF-8",
    "log",
    "--no-use-mailmap",
    "--no-merges",
    "--relative",
    "-M",
    "--diff-algorithm=myers",
    "--no-ext-diff",
    "--no-textconv",
    "--no-show-signature",
    "--raw",
    "--numstat",
    "-z",
    FORMAT,
];

/// The record `git log` with [`LOG_ARGS`] prints for `commit`, as far as
/// [`parse_log`] reads it: the header, a `--raw` line for each deletion
/// (the only raw lines it uses) and the numstat lines. Parsing it gives
/// `commit` back; control characters the format uses as separators are
/// blanked.
pub fn format_record(commit: &RawCommit) -> Vec<u8> {
    let clean = |text: &str| text.replace(['\x1e', '\x1f', '\0'], " ");
    let mut out = Vec::with_capacity(128 + 64 * commit.changes.len());
    out.push(RS);
    let mut fields = vec![
        clean(&commit.id),
        clean(&commit.author.name),
        clean(&commit.author.email),
        commit.time.timestamp().to_string(),
    ];
    fields.extend(commit.co_authors.iter().map(|id| {
        if id.email.is_empty() {
            clean(&id.name)
        } else {
            clean(&contact(&id.name, &id.email))
        }
    }));
    out.extend_from_slice(fields.join("\x1f").as_bytes());
    out.push(RS);
    out.push(b'\n');
    for change in commit.changes.iter().filter(|c| c.deleted) {
        out.extend_from_slice(b":100644 000000 0 0 D\0");
        out.extend_from_slice(clean(&change.path).as_bytes());
        out.push(0);
    }
    for change in &commit.changes {
        out.extend_from_slice(format!("{}\t{}\t", change.added, change.removed).as_bytes());
        if let Some(from) = &change.from {
            out.push(0);
            out.extend_from_slice(clean(from).as_bytes());
            out.push(0);
        }
        out.extend_from_slice(clean(&change.path).as_bytes());
        out.push(0);
    }
    out
}

/// `Name <email>` as `git check-mailmap` reads and prints it.
pub(super) fn contact(name: &str, email: &str) -> String {
    format!("{name} <{email}>")
}

/// Parse `Name <email>` (a trailer value or a mailmap line). Tolerates extra
/// spaces, a missing name (the email's local part is used), and a bare name.
pub fn parse_contact(text: &str) -> Option<Identity> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            let email = text.get(open + 1..close)?.trim().to_string();
            let mut name = text
                .get(..open)?
                .trim()
                .trim_matches('"')
                .trim()
                .to_string();
            if name.is_empty() {
                name = email.split('@').next().unwrap_or("").to_string();
            }
            if name.is_empty() {
                return None;
            }
            Some(Identity { name, email })
        }
        _ if text.contains('@') && !text.contains(' ') => Some(Identity {
            name: text.split('@').next().unwrap_or(text).to_string(),
            email: text.to_string(),
        }),
        _ => Some(Identity {
            name: text.to_string(),
            email: String::new(),
        }),
    }
}

/// Parse the output of `git log` with [`LOG_ARGS`] (the record format), `--raw --numstat -z`.
/// Pure; never panics on any input.
pub fn parse_log(bytes: &[u8]) -> Vec<RawCommit> {
    parse_records(bytes).into_iter().map(|(c, _)| c).collect()
}

/// [`parse_log`], with the byte range of each commit's record (from its
/// header to the next header): the ranges are adjacent, so the records of any
/// commits, concatenated, are again a log this parses.
pub(super) fn parse_records(bytes: &[u8]) -> Vec<(RawCommit, Range<usize>)> {
    let mut commits = Vec::new();
    let mut pos = 0;
    let n = bytes.len();
    while pos < n {
        // Header: RS fields RS.
        if bytes.get(pos) != Some(&RS) {
            pos += 1;
            continue;
        }
        let record_start = pos;
        let start = pos + 1;
        let Some(len) = bytes
            .get(start..)
            .and_then(|b| b.iter().position(|&c| c == RS))
        else {
            break;
        };
        let mut commit = parse_header(bytes.get(start..start + len).unwrap_or_default());
        pos = start + len + 1;
        // Body: raw records, then numstat records, up to the next header.
        // (An empty set allocates nothing: most commits delete no file.)
        let mut deleted: HashSet<String> = HashSet::new();
        loop {
            while matches!(bytes.get(pos), Some(b'\0' | b'\n')) {
                pos += 1;
            }
            match bytes.get(pos) {
                None | Some(&RS) => break,
                Some(b) if b.is_ascii_digit() || *b == b'-' => {
                    let (change, next) = parse_numstat(bytes, pos);
                    pos = next;
                    if let Some(change) = change {
                        commit.changes.push(change);
                    }
                }
                Some(b':') => {
                    // `--raw` record: `:modes shas STATUS NUL path NUL`, with two
                    // paths for a rename or copy. Only deletions matter here.
                    let meta_end = find(bytes, pos, b'\0');
                    let meta =
                        String::from_utf8_lossy(bytes.get(pos..meta_end).unwrap_or_default());
                    let status = meta.split_whitespace().last().unwrap_or("");
                    let path_end = find(bytes, meta_end + 1, b'\0');
                    if status.starts_with('R') || status.starts_with('C') {
                        pos = find(bytes, path_end + 1, b'\0');
                    } else {
                        if status == "D" {
                            deleted.insert(lossy(bytes, meta_end + 1, path_end));
                        }
                        pos = path_end;
                    }
                }
                Some(_) => {
                    // Unknown line: skip to the next NUL.
                    pos = find(bytes, pos, b'\0');
                }
            }
        }
        for change in commit.changes.iter_mut().filter(|_| !deleted.is_empty()) {
            if change.from.is_none() && deleted.contains(&change.path) {
                change.deleted = true;
            }
        }
        commits.push((commit, record_start..pos.min(n)));
    }
    commits
}

fn find(bytes: &[u8], from: usize, byte: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|b| b.iter().position(|&c| c == byte))
        .map_or(bytes.len(), |p| from + p)
}

/// The header's fields, split at US on the bytes and each read as UTF-8
/// (lossily) on its own: the same text as converting the whole header first,
/// since a US byte always ends an invalid sequence, without copying it.
fn parse_header(header: &[u8]) -> RawCommit {
    let mut fields = header.split(|&b| b == US).map(String::from_utf8_lossy);
    let mut field = || fields.next().unwrap_or_default();
    let id = field().trim().to_string();
    let name = field().trim().to_string();
    let email = field().trim().to_string();
    let secs = field().trim().parse::<i64>().unwrap_or(0);
    let time = Utc
        .timestamp_opt(secs, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let mut co_authors = Vec::new();
    for value in fields {
        co_authors.extend(value.lines().filter_map(parse_contact));
    }
    RawCommit {
        id,
        author: Identity { name, email },
        co_authors,
        time,
        changes: Vec::new(),
    }
}

/// `added TAB removed TAB path NUL` or, for a rename,
/// `added TAB removed TAB NUL old NUL new NUL`. Binary files show `-`.
fn parse_numstat(bytes: &[u8], pos: usize) -> (Option<Change>, usize) {
    let tab1 = find(bytes, pos, b'\t');
    let tab2 = find(bytes, tab1 + 1, b'\t');
    let end = find(bytes, pos, b'\0');
    if tab2 >= end {
        // Not a numstat record after all.
        return (None, end);
    }
    let num = |a: usize, b: usize| {
        std::str::from_utf8(bytes.get(a..b).unwrap_or(b""))
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let added = num(pos, tab1);
    let removed = num(tab1 + 1, tab2);
    let path_start = tab2 + 1;
    if path_start == end {
        // Rename: two NUL-terminated paths follow.
        let old_end = find(bytes, end + 1, b'\0');
        let new_end = find(bytes, old_end + 1, b'\0');
        let old = lossy(bytes, end + 1, old_end);
        let new = lossy(bytes, old_end + 1, new_end);
        let change = Change {
            path: new,
            from: Some(old),
            added,
            removed,
            deleted: false,
        };
        (Some(change), new_end)
    } else {
        let change = Change {
            path: lossy(bytes, path_start, end),
            from: None,
            added,
            removed,
            deleted: false,
        };
        (Some(change), end)
    }
}

/// The path in `bytes[a..b]`, `\\` read as `/`; one allocation.
fn lossy(bytes: &[u8], a: usize, b: usize) -> String {
    let text = String::from_utf8_lossy(bytes.get(a..b).unwrap_or_default());
    if text.contains('\\') {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{d}T12:00:00Z"))
            .expect("date")
            .with_timezone(&Utc)
    }

    #[test]
    fn parses_contacts_robustly() {
        let id = |s: &str| parse_contact(s).map(|i| (i.name, i.email));
        assert_eq!(
            id("Ana Lima <ana@x.example>"),
            Some(("Ana Lima".into(), "ana@x.example".into()))
        );
        assert_eq!(
            id("  \"Ana\"   < ana@x.example > "),
            Some(("Ana".into(), "ana@x.example".into()))
        );
        assert_eq!(
            id("<bo@x.example>"),
            Some(("bo".into(), "bo@x.example".into()))
        );
        assert_eq!(
            id("cy@x.example"),
            Some(("cy".into(), "cy@x.example".into()))
        );
        assert_eq!(
            id("Just A Name"),
            Some(("Just A Name".into(), String::new()))
        );
        assert_eq!(id("   "), None);
        assert_eq!(
            id("Bad > order <"),
            Some(("Bad > order <".into(), String::new()))
        );
    }

    #[test]
    fn formatted_records_parse_back_to_the_same_commits() {
        let who = |name: &str, email: &str| Identity {
            name: name.to_string(),
            email: email.to_string(),
        };
        let change = |path: &str, from: Option<&str>, added, removed, deleted| Change {
            path: path.to_string(),
            from: from.map(str::to_string),
            added,
            removed,
            deleted,
        };
        let commits = vec![
            RawCommit {
                id: "a".repeat(40),
                author: who("Ana Lima", "ana@x.example"),
                co_authors: vec![who("Bo", "bo@x.example"), who("Cy Bare", "")],
                time: day("2024-05-06"),
                changes: vec![
                    change("guide/new name.md", Some("old\tname.md"), 3, 1, false),
                    change("gone.md", None, 0, 7, true),
                    change("tab\there é.md", None, 2, 0, false),
                ],
            },
            // A root commit that changed nothing in content/.
            RawCommit {
                id: "b".repeat(40),
                author: who("", ""),
                co_authors: Vec::new(),
                time: DateTime::<Utc>::UNIX_EPOCH,
                changes: Vec::new(),
            },
        ];
        let mut log = Vec::new();
        for commit in &commits {
            log.extend(format_record(commit));
        }
        assert_eq!(parse_log(&log), commits);
        // Separator characters in a name cannot break the record apart.
        let mut odd = commits.first().cloned().expect("commit");
        odd.author.name = "A\x1eB\x1fC".to_string();
        let parsed = parse_log(&format_record(&odd));
        assert_eq!(parsed.len(), 1);
        assert_eq!(
            parsed.first().map(|c| c.author.name.as_str()),
            Some("A B C")
        );
        assert_eq!(parsed.first().map(|c| &c.changes), Some(&odd.changes));
    }

    #[test]
    fn parse_log_survives_garbage() {
        for input in [
            &b""[..],
            b"\x1e",
            b"\x1e\x1e",
            b"\x1eA\x1f\x1e\0\n12\t",
            b"\x1eA\x1e\0:1 2 R\0x",
            b"\xff\xfe\x1e",
        ] {
            let _ = parse_log(input);
        }
        let commits = parse_log(b"\x1eA\x1fa@x\x1f60\x1f\x1e\0\n1\t2\tp q.md\0-\t-\timg.png\0");
        assert_eq!(commits.len(), 1);
        assert_eq!(commits[0].changes.len(), 2);
        assert_eq!(commits[0].changes[0].path, "p q.md");
        assert_eq!(
            (commits[0].changes[0].added, commits[0].changes[0].removed),
            (1, 2)
        );
        assert_eq!(commits[0].changes[1].added, 0);
    }
}
