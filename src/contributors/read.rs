//! Reading the history of the content directory, once per build and never
//! one process per file: the git command line says where the repository is
//! ([`super::git`]), the in-process reader walks and diffs it
//! ([`super::odb`], the one history reader), the history cache keeps the
//! records of the last walk (`cache.rs`), `.mailmap` and bots are
//! applied ([`super::identity`]) and the records are folded into
//! [`History`] ([`super::history`]).
//!
//! - A commit's record (its diff against its parent) never changes, so the
//!   records of the last walk are kept in a history cache inside the git dir:
//!   at the cached HEAD nothing is diffed; after new commits, merges or
//!   rewritten history the walk lists every commit again and only commits
//!   missing from the cache are diffed, in walk order, so the result is
//!   always the cold read's (see [`read_history_stats`]).
//! - Shallow clones are read to their boundary (the boundary commits as
//!   roots, as git shows them) with a warning; they never use the cache (a
//!   boundary commit's diff changes when the clone is deepened).
//! - Partial clones (`--filter`) are read without the blobs they left on the
//!   server, never fetching: a warning says page authors are then ranked by
//!   commits (no line counts) and renames are followed only when the file
//!   kept its contents. No cache either.
//! - Replace refs are honoured (as git does; `GIT_NO_REPLACE_OBJECTS` and
//!   `GIT_REPLACE_REF_BASE` too) and disable the cache. Grafts
//!   (`info/grafts`, deprecated by git) and the object-directory variables
//!   are not supported: a warning says so.
//! - A repository the reader cannot read (another hash than SHA-1, missing
//!   objects) gives a warning and no history, like a site outside git.
//!
//! Outside git, or without a git binary, the history is empty and no error
//! is reported.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use super::git::{self, head_id_env};
use super::history::{fold, History};
use super::identity::{is_bot, map_identities};
use super::record::{format_record, parse_records, Identity, RawCommit, LOG_ARGS};
use super::{cache, odb};
use crate::diagnostics::Diagnostic;

/// How one history read was served (the tests and the benchmark look at it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Commits diffed in this read.
    pub from_git: usize,
    /// Commits whose records came from the history cache.
    pub from_cache: usize,
    /// Whether the history cache was (re)written.
    pub stored: bool,
}

/// Read the history of `content_dir`. `shown` is the path diagnostics name
/// (the content directory as the user knows it).
pub fn read_history(
    content_dir: &Path,
    shown: &Path,
    exclude: &GlobSet,
) -> (History, Vec<Diagnostic>) {
    read_history_env(content_dir, shown, exclude, &[])
}

/// [`read_history`] with extra environment for the git processes and the
/// reader (tests use it to stay hermetic).
pub fn read_history_env(
    content_dir: &Path,
    shown: &Path,
    exclude: &GlobSet,
    env: &[(&str, &OsStr)],
) -> (History, Vec<Diagnostic>) {
    let (history, diags, _) = read_history_stats(content_dir, shown, exclude, env);
    (history, diags)
}

/// What git says about the content directory before reading history.
struct Probe {
    shallow: bool,
    /// The common git dir (absolute when it could be resolved).
    git_dir: PathBuf,
    /// The content directory's prefix in the repository.
    prefix: String,
}

fn probe(env: &[(&str, &OsStr)], dir: &Path) -> Option<Probe> {
    let out = git::output(
        env,
        dir,
        &[
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--git-common-dir",
            "--show-prefix",
        ],
    )?;
    let out = String::from_utf8_lossy(&out);
    let mut lines = out.lines();
    if lines.next() != Some("true") {
        return None;
    }
    let shallow = lines.next() == Some("true");
    // Relative to `dir` when relative.
    let git_dir = lines.next().filter(|d| !d.is_empty())?;
    let prefix = lines.next().unwrap_or("").to_string();
    let git_dir = dir.join(git_dir);
    let git_dir = std::fs::canonicalize(&git_dir).unwrap_or(git_dir);
    Some(Probe {
        shallow,
        git_dir,
        prefix,
    })
}

/// The value of `name` in `env`, else in the process environment.
fn var(env: &[(&str, &OsStr)], name: &str) -> Option<OsString> {
    env.iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_os_string())
        .or_else(|| std::env::var_os(name))
}

/// Open the reader for `probe`, with the replace-ref variables git would
/// honour.
fn open(env: &[(&str, &OsStr)], probe: &Probe) -> Result<odb::Reader, odb::Failed> {
    let mut overrides = Vec::new();
    if var(env, "GIT_NO_REPLACE_OBJECTS").is_some() {
        overrides.push("core.useReplaceRefs=false".to_string());
    }
    if let Some(base) = var(env, "GIT_REPLACE_REF_BASE") {
        overrides.push(format!(
            "gitoxide.objects.replaceRefBase={}",
            base.to_string_lossy()
        ));
    }
    odb::Reader::open(&probe.git_dir, &probe.prefix, overrides)
}

/// Whether the repository at `git_dir` has replace refs (`refs/replace/`).
fn has_replace_refs(git_dir: &Path) -> bool {
    std::fs::read_dir(git_dir.join("refs/replace"))
        .is_ok_and(|mut entries| entries.next().is_some())
        || std::fs::read(git_dir.join("packed-refs"))
            .is_ok_and(|refs| refs.windows(13).any(|w| w == b" refs/replace"))
}

/// The history cache file, unless the history must not be cached: a shallow
/// or partial clone (their records change when the missing objects
/// arrive) or replace refs (they change what a commit reads as without
/// moving HEAD).
fn cache_file(probe: &Probe, reader: &odb::Reader) -> Option<PathBuf> {
    (!probe.shallow && !reader.is_partial() && !has_replace_refs(&probe.git_dir))
        .then(|| cache::path(&probe.git_dir, &probe.prefix, LOG_ARGS))
}

/// Warnings about what makes git see another history than the reader:
/// grafts and the variables that point git at other objects.
fn unsupported(env: &[(&str, &OsStr)], git_dir: &Path, shown: &Path) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if git_dir.join("info/grafts").exists() || var(env, "GIT_GRAFT_FILE").is_some() {
        diags.push(
            Diagnostic::warning(
                shown,
                "git grafts are not supported: page history follows the commits' recorded parents",
            )
            .with_hint("turn the grafts into replace refs: `git replace --convert-graft-file`"),
        );
    }
    for name in ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"] {
        if var(env, name).is_some() {
            diags.push(Diagnostic::warning(
                shown,
                format!("`{name}` is not supported: page history is read from the repository's own objects"),
            ));
        }
    }
    diags
}

/// [`read_history_env`], also saying how much of the log came from the
/// history cache.
pub fn read_history_stats(
    content_dir: &Path,
    shown: &Path,
    exclude: &GlobSet,
    env: &[(&str, &OsStr)],
) -> (History, Vec<Diagnostic>, ReadStats) {
    let mut diags = Vec::new();
    let Some(probe) = probe(env, content_dir) else {
        return (History::default(), diags, ReadStats::default());
    };
    let shallow = probe.shallow;
    if shallow {
        diags.push(
            Diagnostic::warning(
                shown,
                "the git clone is shallow: page authors and last-updated dates may be incomplete",
            )
            .with_hint(
                "fetch the full history (`git fetch --unshallow`; in GitHub Actions `fetch-depth: 0`)",
            ),
        );
    }
    // A repository without commits yet, or one the reader cannot read: in
    // git, but no history.
    let empty = History {
        in_git: true,
        shallow,
        ..History::default()
    };
    let Some(head) = head_id_env(env, content_dir) else {
        return (empty, diags, ReadStats::default());
    };
    let unreadable = |e: odb::Failed| {
        Diagnostic::warning(
            shown,
            format!(
                "cannot read the git history ({}): pages have no authors from git",
                e.0
            ),
        )
    };
    let reader = match open(env, &probe) {
        Ok(reader) => reader,
        Err(e) => {
            diags.push(unreadable(e));
            return (empty, diags, ReadStats::default());
        }
    };
    diags.extend(unsupported(env, &probe.git_dir, shown));
    if reader.is_partial() {
        diags.push(
            Diagnostic::warning(
                shown,
                "the git clone is partial (`--filter`): past versions of pages were not downloaded, \
                 so page authors are ranked by commits, not lines changed, and a page renamed with \
                 edits starts a new history",
            )
            .with_hint("clone without `--filter` (in GitHub Actions: `fetch-depth: 0` and no `filter`)"),
        );
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MAX_THREADS);
    let cache_file = cache_file(&probe, &reader);
    let (mut commits, stats) = match read_cached(&reader, &head, cache_file.as_deref(), threads) {
        Ok(read) => read,
        Err(e) => {
            diags.push(unreadable(e));
            return (empty, diags, ReadStats::default());
        }
    };
    map_identities(env, content_dir, &mut commits);
    let mut history = fold(&commits, &|id: &Identity| is_bot(id, exclude));
    history.in_git = true;
    history.shallow = shallow;
    (history, diags, stats)
}

/// The history cache file of `content_dir` (which may not exist yet), or
/// `None` outside git or when the history is not cached (a shallow or
/// partial clone, replace refs). For the benchmark and tests.
pub fn history_cache_file(content_dir: &Path, env: &[(&str, &OsStr)]) -> Option<PathBuf> {
    let probe = probe(env, content_dir)?;
    let reader = open(env, &probe).ok()?;
    cache_file(&probe, &reader)
}

/// At most this many threads diff the history.
const MAX_THREADS: usize = 4;

/// The log of `head`, using and refreshing the history cache at
/// `cache_file` when there is one:
/// 1. the cache was written at `head`: its records are the log;
/// 2. otherwise the walk of `head` is read in process, each commit the cache
///    holds taken from it instead of diffed again (none without a cache),
///    and the cache is rewritten for `head` with the commits of this walk
///    only (abandoned history does not accumulate).
///
/// The result is the cold read's whatever happened in between (new
/// commits, merges of old branches, rewritten history).
fn read_cached(
    reader: &odb::Reader,
    head: &str,
    cache_file: Option<&Path>,
    threads: usize,
) -> Result<(Vec<RawCommit>, ReadStats), odb::Failed> {
    let cached = cache_file.and_then(cache::load);
    if let Some(cached) = &cached {
        if cached.head == head {
            let records = parse_records(&cached.body);
            if records.len() == cached.commits {
                let commits: Vec<RawCommit> = records.into_iter().map(|(c, _)| c).collect();
                let stats = ReadStats {
                    from_cache: commits.len(),
                    ..ReadStats::default()
                };
                return Ok((commits, stats));
            }
        }
    }
    let read = read_odb(reader, head, cached.as_ref(), threads)?;
    let mut stats = read.stats;
    stats.stored = cache_file.is_some_and(|file| {
        let parts: Vec<&[u8]> = read.parts.iter().map(|p| p.as_ref()).collect();
        cache::store(file, head, parts.len(), &parts)
    });
    Ok((read.commits, stats))
}

/// A log put together from the walk and the cache: the commits in walk
/// order, each one's record bytes (for the cache), and how they were served.
struct Assembled<'c> {
    commits: Vec<RawCommit>,
    parts: Vec<Cow<'c, [u8]>>,
    stats: ReadStats,
}

/// The log of `head` read in process, with the records the cache `cached`
/// holds taken from it instead of diffed again.
fn read_odb<'c>(
    reader: &odb::Reader,
    head: &str,
    cached: Option<&'c cache::Cached>,
    threads: usize,
) -> Result<Assembled<'c>, odb::Failed> {
    let records = cached.map(|c| parse_records(&c.body)).unwrap_or_default();
    let walked = {
        let known: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, (commit, _))| (commit.id.as_str(), i))
            .collect();
        reader.walk(head, threads, &|id| known.get(id).copied())?
    };
    let mut records: Vec<Option<(RawCommit, Range<usize>)>> =
        records.into_iter().map(Some).collect();
    let body: &'c [u8] = cached.map_or(b"", |c| c.body.as_slice());
    let mut stats = ReadStats::default();
    let mut commits = Vec::with_capacity(walked.len());
    let mut parts = Vec::with_capacity(walked.len());
    for w in walked {
        let (commit, part) = match w {
            odb::Walked::Read(commit) => {
                stats.from_git += 1;
                let part = Cow::Owned(format_record(&commit));
                (commit, part)
            }
            odb::Walked::Known(i) => {
                stats.from_cache += 1;
                let taken = records.get_mut(i).and_then(Option::take);
                let (commit, range) =
                    taken.ok_or_else(|| odb::Failed("a cached commit walked twice".into()))?;
                let part = body.get(range).unwrap_or_default();
                (commit, Cow::Borrowed(part))
            }
        };
        commits.push(commit);
        parts.push(part);
    }
    Ok(Assembled {
        commits,
        parts,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::super::git::oracle;
    use super::super::record::{contact, parse_log};
    use super::*;
    use chrono::{DateTime, Utc};
    use std::path::PathBuf;
    use std::process::Command;

    /// A scratch repository with hermetic git settings.
    struct Repo {
        _tmp: tempfile::TempDir,
        root: PathBuf,
        home: PathBuf,
    }

    impl Repo {
        fn new() -> Repo {
            let tmp = tempfile::tempdir().expect("tempdir");
            let root = tmp.path().join("site");
            let home = tmp.path().join("home");
            std::fs::create_dir_all(root.join("content")).expect("mkdir");
            std::fs::create_dir_all(&home).expect("mkdir");
            let repo = Repo {
                _tmp: tmp,
                root,
                home,
            };
            repo.git(&["init", "-q", "-b", "main"], None);
            repo
        }

        fn env(&self) -> Vec<(&'static str, &OsStr)> {
            vec![
                ("GIT_CONFIG_NOSYSTEM", OsStr::new("1")),
                ("GIT_CONFIG_GLOBAL", OsStr::new("/dev/null")),
                ("HOME", self.home.as_os_str()),
                ("GIT_CEILING_DIRECTORIES", self.home.as_os_str()),
            ]
        }

        /// Run git; `who` = (name, email, "YYYY-MM-DD") sets identity and dates.
        fn git(&self, args: &[&str], who: Option<(&str, &str, &str)>) {
            let mut cmd = Command::new("git");
            cmd.current_dir(&self.root).envs(self.env());
            if let Some((name, email, day)) = who {
                let date = format!("{day} 12:00:00 +0000");
                cmd.env("GIT_AUTHOR_DATE", &date)
                    .env("GIT_COMMITTER_DATE", &date)
                    .arg("-c")
                    .arg(format!("user.name={name}"))
                    .arg("-c")
                    .arg(format!("user.email={email}"));
            }
            let out = cmd.args(args).output().expect("git runs");
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        fn write(&self, path: &str, text: &str) {
            let p = self.root.join(path);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("mkdir");
            }
            std::fs::write(p, text).expect("write");
        }

        fn commit(&self, who: (&str, &str, &str), message: &str) {
            self.git(&["add", "-A"], None);
            self.git(&["commit", "-q", "-m", message], Some(who));
        }

        fn history(&self, exclude: &GlobSet) -> (History, Vec<Diagnostic>) {
            read_history_env(
                &self.root.join("content"),
                Path::new("content"),
                exclude,
                &self.env(),
            )
        }
    }

    fn day(d: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{d}T12:00:00Z"))
            .expect("date")
            .with_timezone(&Utc)
    }

    fn globs(patterns: &[&str]) -> GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(globset::Glob::new(p).expect("glob"));
        }
        b.build().expect("globset")
    }

    /// (name, commits, added, removed) of each author, in credit order.
    fn authors(h: &History, path: &str) -> Vec<(String, u32, u64, u64)> {
        h.files
            .get(path)
            .unwrap_or_else(|| panic!("no history for {path}: {:?}", h.files.keys()))
            .authors
            .iter()
            .map(|a| (a.identity.name.clone(), a.commits, a.added, a.removed))
            .collect()
    }

    const LONG: &str = "This line is long enough that a rename stays similar.\n";

    /// Several authors, a rename with an edit on a branch, a merge, a
    /// .mailmap, a Co-authored-by trailer, two bots and an odd file name.
    fn scripted_repo() -> Repo {
        let r = Repo::new();
        let ana_old = ("Ana L.", "ana@old.example", "2024-01-01");
        r.write(
            ".mailmap",
            "Ana Lima <ana@new.example> <ana@old.example>\nCy Dee <cy@new.example> <cy@old.example>\n",
        );
        r.write("README.md", "outside content\n");
        r.write("content/install.md", &LONG.repeat(3));
        r.write("content/faq.md", "q\na\n");
        r.write("content/old.md", "gone soon\n");
        r.write("content/tab\there é.md", "odd name\n");
        r.commit(ana_old, "first pages");

        r.write("content/install.md", &(LONG.repeat(2) + "changed\n"));
        r.commit(
            ("Bob", "bob@x.example", "2024-02-01"),
            "fix install\n\nCo-authored-by:  Cy  <cy@old.example>\nCo-authored-by: Ana Lima <ana@new.example>\n",
        );

        r.write("content/faq.md", "q\na\nbump\n");
        r.commit(
            (
                "dependabot[bot]",
                "49699333+dependabot[bot]@users.noreply.github.com",
                "2024-03-01",
            ),
            "bot",
        );
        r.write("content/faq.md", "q\na\nbump\nrobot\n");
        r.commit(("Robot Rick", "rick@robots.example", "2024-03-02"), "robot");

        r.git(&["checkout", "-q", "-b", "feature"], None);
        r.git(
            &["mv", "content/install.md", "content/guide-install.md"],
            None,
        );
        r.write(
            "content/guide-install.md",
            &(LONG.repeat(2) + "changed\nmore\n"),
        );
        r.commit(
            ("Ana Lima", "ana@new.example", "2024-04-01"),
            "move install",
        );

        r.git(&["checkout", "-q", "main"], None);
        r.write("content/faq.md", "q\na\nbump\nrobot\nb1\nb2\n");
        r.git(&["rm", "-q", "content/old.md"], None);
        r.commit(("Bob", "bob@x.example", "2024-04-02"), "faq, drop old");
        r.git(
            &["merge", "-q", "--no-ff", "-m", "merge feature", "feature"],
            Some(("Bob", "bob@x.example", "2024-05-01")),
        );
        r
    }

    #[test]
    fn credits_authors_across_renames_mailmap_trailers_and_merges() {
        let r = scripted_repo();
        let (h, diags) = r.history(&globs(&["Robot*"]));
        assert!(diags.is_empty(), "{diags:?}");
        assert!(h.in_git && !h.shallow);

        // Renamed page: history follows it; .mailmap joins Ana's two emails;
        // the co-author is mapped through .mailmap too and shares the commit.
        assert_eq!(
            authors(&h, "guide-install.md"),
            vec![
                ("Ana Lima".to_string(), 3, 5, 1),
                ("Bob".to_string(), 1, 1, 1),
                ("Cy Dee".to_string(), 1, 1, 1),
            ]
        );
        let install = &h.files["guide-install.md"];
        assert_eq!(install.commits, 3);
        assert_eq!(install.created, day("2024-01-01"));
        assert_eq!(install.updated, day("2024-04-01"));
        assert!(!h.files.contains_key("install.md"));

        // Bots get no credit but still date the page; Ana and Bob tie on
        // lines and commits, Ana came first.
        assert_eq!(
            authors(&h, "faq.md"),
            vec![
                ("Ana Lima".to_string(), 1, 2, 0),
                ("Bob".to_string(), 1, 2, 0)
            ]
        );
        assert_eq!(h.files["faq.md"].commits, 4);
        assert_eq!(h.files["faq.md"].updated, day("2024-04-02"));

        // Deleted pages and files outside content/ have no history.
        assert!(!h.files.contains_key("old.md"));
        assert!(!h.files.keys().any(|k| k.contains("README")));
        assert_eq!(
            authors(&h, "tab\there é.md"),
            vec![("Ana Lima".to_string(), 1, 1, 0)]
        );

        // Totals: the merge commit counts for nobody; a co-authored commit
        // counts for each co-author; bots and excluded people are absent.
        let totals: Vec<(String, u32)> = h
            .identities
            .values()
            .map(|t| (t.identity.name.clone(), t.commits))
            .collect();
        assert_eq!(
            totals,
            vec![
                ("Ana Lima".to_string(), 3),
                ("Bob".to_string(), 2),
                ("Cy Dee".to_string(), 1),
            ]
        );
    }

    #[test]
    fn timeline_lists_each_commit_with_its_credited_people_and_current_files() {
        let r = scripted_repo();
        let (h, _) = r.history(&globs(&["Robot*"]));
        let mut timeline: Vec<(String, Vec<&str>, Vec<&str>)> = h
            .timeline
            .iter()
            .map(|c| {
                (
                    c.time.format("%Y-%m-%d").to_string(),
                    c.identities.iter().map(String::as_str).collect(),
                    c.files.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        timeline.sort();
        let d = |s: &str| s.to_string();
        assert_eq!(
            timeline,
            vec![
                // Renamed paths appear under their current name; the deleted
                // page is in no current file.
                (
                    d("2024-01-01"),
                    vec!["ana@new.example"],
                    vec!["faq.md", "guide-install.md", "tab\there é.md"]
                ),
                (
                    d("2024-02-01"),
                    vec!["bob@x.example", "cy@new.example", "ana@new.example"],
                    vec!["guide-install.md"]
                ),
                // Bots and excluded people are credited with nothing.
                (d("2024-03-01"), vec![], vec!["faq.md"]),
                (d("2024-03-02"), vec![], vec!["faq.md"]),
                (
                    d("2024-04-01"),
                    vec!["ana@new.example"],
                    vec!["guide-install.md"]
                ),
                (d("2024-04-02"), vec!["bob@x.example"], vec!["faq.md"]),
            ]
        );
    }

    #[test]
    fn recreated_path_does_not_inherit_the_old_history() {
        let r = Repo::new();
        r.write("content/a.md", "first life\n");
        r.commit(("Old", "old@x.example", "2024-01-01"), "a");
        r.git(&["rm", "-q", "content/a.md"], None);
        r.commit(("Old", "old@x.example", "2024-01-02"), "rm a");
        r.write("content/a.md", "second life\nreally\n");
        r.commit(("New", "new@x.example", "2024-01-03"), "a again");
        let (h, _) = r.history(&GlobSet::empty());
        assert_eq!(authors(&h, "a.md"), vec![("New".to_string(), 1, 2, 0)]);
        assert_eq!(h.files["a.md"].created, day("2024-01-03"));
    }

    #[test]
    fn outside_git_yields_no_authors_and_no_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let content = tmp.path().join("content");
        std::fs::create_dir_all(&content).expect("mkdir");
        std::fs::write(content.join("a.md"), "x\n").expect("write");
        let env = [("GIT_CEILING_DIRECTORIES", tmp.path().as_os_str())];
        let (h, diags) = read_history_env(&content, Path::new("content"), &GlobSet::empty(), &env);
        assert!(diags.is_empty());
        assert!(!h.in_git);
        assert!(h.files.is_empty());
    }

    #[test]
    fn repository_without_commits_has_empty_history() {
        let r = Repo::new();
        r.write("content/a.md", "x\n");
        let (h, diags) = r.history(&GlobSet::empty());
        assert!(diags.is_empty());
        assert!(h.files.is_empty());
    }

    #[test]
    fn warns_on_shallow_clone() {
        let r = scripted_repo();
        let clone = r.home.join("clone");
        let url = format!("file://{}", r.root.display());
        r.git(
            &[
                "clone",
                "-q",
                "--depth",
                "1",
                &url,
                &clone.to_string_lossy(),
            ],
            None,
        );
        let (h, diags) = read_history_env(
            &clone.join("content"),
            Path::new("content"),
            &GlobSet::empty(),
            &r.env(),
        );
        assert!(h.shallow);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("shallow"), "{}", diags[0].message);
        assert!(!diags[0].is_error());
    }

    impl Repo {
        /// The records the reader gives for the repository at `dir` (its
        /// content directory), read cold without a cache.
        fn reader_log(&self, dir: &Path, env: &[(&str, &OsStr)]) -> Vec<RawCommit> {
            let found = probe(env, dir).expect("in git");
            let reader = open(env, &found).expect("reader");
            let head = head_id_env(env, dir).expect("HEAD");
            read_cached(&reader, &head, None, 2).expect("read").0
        }

        /// A clone of this repository at `home/<name>` with `args`.
        fn clone(&self, name: &str, args: &[&str]) -> PathBuf {
            let clone = self.home.join(name);
            let url = format!("file://{}", self.root.display());
            let target = clone.to_string_lossy().into_owned();
            let mut all = vec!["clone", "-q"];
            all.extend(args);
            all.extend([url.as_str(), target.as_str()]);
            self.git(&all, None);
            clone
        }
    }

    #[test]
    fn reader_gives_git_logs_records_in_full_and_shallow_clones() {
        let r = scripted_repo();
        let env = r.env();
        let full = oracle::log(&env, &r.content());
        assert_eq!(full.len(), 6);
        assert_eq!(r.reader_log(&r.content(), &env), full);
        // Shallow boundaries anywhere: the boundary commits read as roots,
        // as git shows them.
        for depth in ["1", "2", "3", "4"] {
            let clone = r.clone(&format!("shallow-{depth}"), &["--depth", depth]);
            let dir = clone.join("content");
            let git = oracle::log(&env, &dir);
            assert!(git.len() < full.len(), "depth {depth} is shallow");
            assert_eq!(r.reader_log(&dir, &env), git, "depth {depth}");
        }
    }

    #[test]
    fn replace_refs_are_followed_as_git_follows_them_and_disable_the_cache() {
        let r = scripted_repo();
        let env = r.env();
        // Replace Bob's "fix install" commit by one that Eve wrote.
        let out = git::output(&env, &r.root, &["rev-list", "--grep=fix install", "HEAD"])
            .expect("rev-list");
        let old = String::from_utf8_lossy(&out).trim().to_string();
        let parent = format!("{old}^");
        let tree = format!("{old}^{{tree}}");
        let mut cmd = Command::new("git");
        cmd.current_dir(&r.root)
            .envs(r.env())
            .env("GIT_AUTHOR_NAME", "Eve")
            .env("GIT_AUTHOR_EMAIL", "eve@x.example")
            .env("GIT_AUTHOR_DATE", "2024-02-01 12:00:00 +0000")
            .env("GIT_COMMITTER_NAME", "Eve")
            .env("GIT_COMMITTER_EMAIL", "eve@x.example")
            .env("GIT_COMMITTER_DATE", "2024-02-01 12:00:00 +0000")
            .args(["commit-tree", &tree, "-p", &parent, "-m", "fix install"]);
        let new = String::from_utf8(cmd.output().expect("commit-tree").stdout).expect("id");
        r.git(&["replace", &old, new.trim()], None);
        let git = oracle::log(&env, &r.content());
        assert!(git.iter().any(|c| c.author.name == "Eve"), "git follows it");
        assert_eq!(r.reader_log(&r.content(), &env), git);
        // Without replace refs, as git is told with GIT_NO_REPLACE_OBJECTS.
        let mut plain = env.clone();
        plain.push(("GIT_NO_REPLACE_OBJECTS", OsStr::new("1")));
        let git = oracle::log(&plain, &r.content());
        assert!(!git.iter().any(|c| c.author.name == "Eve"));
        assert_eq!(r.reader_log(&r.content(), &plain), git);
        assert_eq!(history_cache_file(&r.content(), &env), None);
        let (h, diags) = r.history(&GlobSet::empty());
        assert!(diags.is_empty(), "{diags:?}");
        assert!(h.identities.contains_key("eve@x.example"));
    }

    #[test]
    fn partial_clone_is_read_without_fetching_and_warns_that_lines_are_not_counted() {
        let r = scripted_repo();
        r.git(&["config", "uploadpack.allowFilter", "true"], None);
        let clone = r.clone("partial", &["--filter=blob:none"]);
        let dir = clone.join("content");
        // A fetch from now on would fail: the reader must never need one.
        let cut = |args: &[&str]| {
            let out = Command::new("git")
                .current_dir(&clone)
                .envs(r.env())
                .args(args)
                .output()
                .expect("git");
            assert!(out.status.success());
        };
        cut(&[
            "remote",
            "set-url",
            "origin",
            "file:///nonexistent/lorebook-test",
        ]);
        let objects = |dir: &Path| -> usize {
            walkdir::WalkDir::new(dir.join(".git/objects"))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .count()
        };
        let before = objects(&clone);
        let (h, diags, stats) =
            read_history_stats(&dir, Path::new("content"), &globs(&["Robot*"]), &r.env());
        assert_eq!(objects(&clone), before, "nothing was fetched");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("partial"), "{}", diags[0].message);
        assert!(!diags[0].is_error());
        assert!(!stats.stored);
        assert_eq!(history_cache_file(&dir, &r.env()), None);
        // Credit by commits, no lines; a rename with edits starts anew.
        assert_eq!(
            authors(&h, "faq.md"),
            vec![
                ("Ana Lima".to_string(), 1, 0, 0),
                ("Bob".to_string(), 1, 0, 0)
            ]
        );
        assert_eq!(
            authors(&h, "guide-install.md"),
            vec![("Ana Lima".to_string(), 1, 0, 0)]
        );
        assert_eq!(h.files["faq.md"].updated, day("2024-04-02"));
    }

    #[test]
    fn grafts_and_object_directory_variables_are_named_in_warnings() {
        let r = scripted_repo();
        let out = git::output(&r.env(), &r.root, &["rev-parse", "HEAD~1"]).expect("rev-parse");
        let graft = String::from_utf8_lossy(&out).trim().to_string();
        std::fs::create_dir_all(r.root.join(".git/info")).expect("mkdir");
        std::fs::write(r.root.join(".git/info/grafts"), format!("{graft}\n")).expect("write");
        let mut env = r.env();
        let objects = r.root.join(".git/objects");
        env.push(("GIT_OBJECT_DIRECTORY", objects.as_os_str()));
        let (h, diags) =
            read_history_env(&r.content(), Path::new("content"), &GlobSet::empty(), &env);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("grafts"), "{messages:?}");
        assert!(messages[1].contains("GIT_OBJECT_DIRECTORY"), "{messages:?}");
        assert!(diags.iter().all(|d| !d.is_error()));
        assert!(diags[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--convert-graft-file")));
        // The history is still read, along the recorded parents.
        assert!(h.files.contains_key("guide-install.md"));
    }

    #[test]
    fn unreadable_repository_warns_and_gives_no_authors() {
        let r = Repo::new();
        // A SHA-256 repository: git reads it, the reader does not.
        std::fs::remove_dir_all(r.root.join(".git")).expect("rm");
        r.git(
            &["init", "-q", "-b", "main", "--object-format=sha256"],
            None,
        );
        r.write("content/a.md", "x\n");
        r.commit(("Ana", "ana@x.example", "2024-01-01"), "a");
        let (h, diags) = r.history(&GlobSet::empty());
        assert!(h.in_git && h.files.is_empty());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].message.contains("cannot read the git history"),
            "{}",
            diags[0].message
        );
        assert!(!diags[0].is_error());
    }

    impl Repo {
        fn content(&self) -> PathBuf {
            self.root.join("content")
        }

        fn cache_file(&self) -> PathBuf {
            history_cache_file(&self.content(), &self.env()).expect("a cache file")
        }

        /// The full history read as a build reads it, with the cache.
        fn read(&self) -> (History, ReadStats) {
            let (h, diags, stats) = read_history_stats(
                &self.content(),
                Path::new("content"),
                &globs(&["Robot*"]),
                &self.env(),
            );
            assert!(diags.is_empty(), "{diags:?}");
            (h, stats)
        }

        /// Read with the cache as it is, then cold (cache deleted), and
        /// check both agree, as parsed commits and as folded history. Returns
        /// how the cached read was served; leaves the cache at HEAD.
        fn warm_equals_cold(&self) -> ReadStats {
            let (dir, env) = (self.content(), self.env());
            let head = head_id_env(&env, &dir).expect("HEAD");
            let file = self.cache_file();
            let found = probe(&env, &dir).expect("in git");
            let reader = open(&env, &found).expect("reader");
            let (warm, stats) = read_cached(&reader, &head, Some(&file), 4).expect("warm");
            assert_eq!(
                warm,
                oracle::log(&env, &dir),
                "cached records differ from git log"
            );
            let (h_warm, again) = self.read();
            assert_eq!(again.from_git, 0, "the cache was left at HEAD");
            std::fs::remove_file(&file).expect("cache written");
            let (h_cold, cold_stats) = self.read();
            assert_eq!(cold_stats.from_cache, 0);
            assert_eq!(h_warm, h_cold, "cached history differs from a cold read");
            stats
        }

        fn rev_count(&self) -> usize {
            let out = git::output(
                &self.env(),
                &self.root,
                &["rev-list", "--count", "--no-merges", "HEAD"],
            )
            .expect("rev-list");
            String::from_utf8_lossy(&out).trim().parse().expect("count")
        }
    }

    #[test]
    fn cache_is_written_under_the_git_dir_and_read_back_without_git_diffing() {
        let r = scripted_repo();
        let (cold, first) = r.read();
        assert_eq!((first.from_git, first.from_cache), (6, 0));
        assert!(first.stored);
        let file = r.cache_file();
        let root = std::fs::canonicalize(&r.root).expect("root");
        assert!(file.starts_with(root.join(".git").join("lorebook")));
        assert!(file.is_file());
        // Nothing new: every record comes from the cache, nothing is rewritten.
        let (warm, second) = r.read();
        assert_eq!((second.from_git, second.from_cache), (0, 6));
        assert!(!second.stored);
        assert_eq!(warm, cold);
        assert_eq!(r.warm_equals_cold().from_git, 0);
    }

    #[test]
    fn cached_read_after_a_new_commit_diffs_only_that_commit() {
        let r = scripted_repo();
        r.read();
        r.write("content/faq.md", "q\na\nbump\nrobot\nb1\nb2\nb3\n");
        r.write("content/new.md", "new\n");
        r.commit(("Dee", "dee@x.example", "2024-06-01"), "more faq");
        let stats = r.warm_equals_cold();
        assert_eq!((stats.from_git, stats.from_cache), (1, 6));
        assert!(stats.stored);
    }

    #[test]
    fn cached_read_after_merging_an_old_branch_with_interleaved_dates_equals_cold() {
        let r = scripted_repo();
        // A branch forked at the first commit, dated between main's commits.
        r.git(&["checkout", "-q", "-b", "side", "HEAD~4"], None);
        r.git(&["checkout", "-q", "main"], None);
        r.read();
        r.git(&["checkout", "-q", "side"], None);
        r.write("content/side.md", &LONG.repeat(2));
        r.commit(("Eve", "eve@x.example", "2024-02-15"), "side page");
        r.git(&["mv", "content/side.md", "content/side-renamed.md"], None);
        r.write("content/side-renamed.md", &(LONG.repeat(2) + "tail\n"));
        r.commit(("Eve", "eve@x.example", "2024-04-15"), "rename side");
        r.git(&["checkout", "-q", "main"], None);
        r.git(
            &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
            Some(("Bob", "bob@x.example", "2024-06-01")),
        );
        let stats = r.warm_equals_cold();
        assert_eq!((stats.from_git, stats.from_cache), (2, 6));
        let (h, _) = r.read();
        assert_eq!(
            authors(&h, "side-renamed.md"),
            vec![("Eve".to_string(), 2, 3, 0)]
        );
    }

    #[test]
    fn rewritten_history_is_read_right_and_the_cache_drops_abandoned_commits() {
        let r = scripted_repo();
        r.write("content/extra.md", "x\n");
        r.commit(("Dee", "dee@x.example", "2024-06-01"), "extra");
        r.read();
        // Amend: the cached head is no longer an ancestor of HEAD.
        r.write("content/extra.md", "x\ny\nz\n");
        r.git(&["add", "-A"], None);
        r.git(
            &["commit", "-q", "--amend", "-m", "extra, amended"],
            Some(("Dee", "dee@x.example", "2024-06-02")),
        );
        let stats = r.warm_equals_cold();
        assert_eq!((stats.from_git, stats.from_cache), (1, 6));
        let (h, _) = r.read();
        assert_eq!(authors(&h, "extra.md"), vec![("Dee".to_string(), 1, 3, 0)]);
        // Reset back past it: nothing to diff, and the rewritten cache holds
        // exactly the commits of the new walk.
        r.git(&["reset", "-q", "--hard", "HEAD~1"], None);
        let stats = r.warm_equals_cold();
        assert_eq!((stats.from_git, stats.from_cache), (0, 6));
        assert!(stats.stored);
        let cached = cache::load(&r.cache_file()).expect("cache");
        assert_eq!(cached.commits, r.rev_count());
        assert_eq!(parse_log(&cached.body).len(), 6);
        assert!(!r.read().0.files.contains_key("extra.md"));
    }

    #[test]
    fn mailmap_edit_changes_identities_without_invalidating_the_cache() {
        let r = scripted_repo();
        r.read();
        // Name only, email only, and name+email matched on name and email.
        r.write(
            ".mailmap",
            "Ana Lima <ana@new.example> <ana@old.example>\n\
         <cy@final.example> <cy@old.example>\n\
         Robert <bob@x.example>\n\
         Annie <annie@x.example> Ana Lima <ana@new.example>\n",
        );
        let stats = r.warm_equals_cold();
        assert_eq!((stats.from_git, stats.from_cache), (0, 6));
        let (h, _) = r.read();
        let keys: Vec<(&str, &str)> = h
            .identities
            .iter()
            .map(|(k, t)| (k.as_str(), t.identity.name.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("ana@new.example", "Ana Lima"),
                ("annie@x.example", "Annie"),
                ("bob@x.example", "Robert"),
                ("cy@final.example", "Cy"),
            ]
        );
    }

    #[test]
    fn check_mailmap_maps_authors_as_git_log_use_mailmap_does() {
        let r = scripted_repo();
        r.write(
            ".mailmap",
            "Ana Lima <ana@new.example> <ana@old.example>\n\
             <cy@final.example> <cy@old.example>\n\
             Robert <bob@x.example>\n\
             Annie <annie@x.example> Ana Lima <ana@new.example>\n\
             <RICK@robots.example> <rick@robots.example>\n",
        );
        let (dir, env) = (r.content(), r.env());
        let mut commits = oracle::log(&env, &dir);
        map_identities(&env, &dir, &mut commits);
        let ours: Vec<String> = commits
            .iter()
            .map(|c| contact(&c.author.name, &c.author.email))
            .collect();
        let out = git::output(
            &env,
            &dir,
            &["log", "--use-mailmap", "--no-merges", "--format=%aN <%aE>"],
        )
        .expect("log");
        let theirs: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(ours, theirs);
        assert!(ours.contains(&"Robert <bob@x.example>".to_string()));
        assert!(ours.contains(&"Annie <annie@x.example>".to_string()));
    }

    #[test]
    fn corrupt_or_truncated_cache_is_ignored_and_rewritten() {
        let r = scripted_repo();
        let (cold, _) = r.read();
        let file = r.cache_file();
        let good = std::fs::read(&file).expect("cache");
        for bad in [
            b"garbage\x1e\x1f\0".to_vec(),
            good.get(..good.len() / 2).expect("half").to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&file, &bad).expect("write");
            let (h, stats) = r.read();
            assert_eq!(h, cold);
            assert_eq!((stats.from_git, stats.from_cache), (6, 0));
            assert!(stats.stored);
            assert_eq!(r.read().1.from_git, 0, "rewritten");
        }
    }

    #[test]
    fn shallow_clone_neither_reads_nor_writes_a_cache() {
        let r = scripted_repo();
        let clone = r.home.join("clone");
        let url = format!("file://{}", r.root.display());
        let target = clone.to_string_lossy().into_owned();
        r.git(&["clone", "-q", "--depth", "2", &url, &target], None);
        let dir = clone.join("content");
        let env = r.env();
        assert_eq!(history_cache_file(&dir, &env), None);
        // A cache planted where an unshallow clone would keep it, at HEAD,
        // crediting a page that does not exist.
        let head = head_id_env(&env, &dir).expect("HEAD");
        let planted = cache::path(&clone.join(".git"), "content/", LOG_ARGS);
        let fake = format!("\x1e{head}\x1fFake\x1ffake@x.example\x1f0\x1f\x1e\0\n1\t0\tfake.md\0");
        assert!(cache::store(&planted, &head, 1, &[fake.as_bytes()]));
        let (h, diags, stats) =
            read_history_stats(&dir, Path::new("content"), &GlobSet::empty(), &env);
        assert!(h.shallow && diags.len() == 1);
        assert!(!h.files.contains_key("fake.md"));
        assert!(!h.files.is_empty());
        assert!(!stats.stored && stats.from_cache == 0);
        let names: Vec<_> = std::fs::read_dir(planted.parent().expect("dir"))
            .expect("dir")
            .collect();
        assert_eq!(names.len(), 1, "nothing written beside the planted file");
    }
}
