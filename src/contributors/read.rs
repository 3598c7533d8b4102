//! Authorship from git: one `git log` walk over the content tree gives, for
//! every content file, who wrote it (commits and lines per author), when it
//! was created and last updated. Never one process per file.
//!
//! How the log is read:
//! - In process by default ([`super::odb`], gix): one walk of HEAD, diffed
//!   on every core, giving exactly the records `git log` with [`LOG_ARGS`]
//!   prints, with a third to a half less CPU than git. The git command line
//!   is the fallback:
//!   when gix cannot open or read the repository, in a shallow clone, when
//!   replace refs, grafts or `GIT_OBJECT_DIRECTORY`-style variables would make
//!   git see another history, and when `LOREBOOK_GIT_READER=git` asks for it.
//! - With git, a long history (2,000+ commits per core) is read as
//!   consecutive `--skip` / `--max-count` slices of the same walk by
//!   parallel processes, one per core (at most 4); the slices concatenate to
//!   exactly the single log (see [`read_commits`]), so everything below holds
//!   across the cuts.
//! - A commit's record (its diff against its parent) never changes, so the
//!   records of the last walk are kept in a history cache inside the git dir
//!   ([`super::cache`]): at the cached HEAD nothing is diffed; after new
//!   commits, merges or rewritten history, the walk is listed again (by the
//!   in-process walk, or `git rev-list`) and only commits missing from the
//!   cache are read (in process, or with `git log --no-walk=unsorted
//!   --stdin`), and the records are assembled in walk order, so the result
//!   is always the cold read's (see [`read_history_stats`]). Shallow clones
//!   never use it.
//! - `.mailmap` is applied after the read, not by `git log`: the distinct
//!   authors and `Co-authored-by:` identities go through one batched
//!   `git check-mailmap --stdin` call, so editing `.mailmap` never makes the
//!   cache stale.
//! - `--numstat --raw -z` with `core.quotepath=off`: lines added/removed per
//!   file (numstat) and deletions (raw),
//!   NUL-separated, so any file name parses (tabs, newlines, UTF-8).
//! - `-M` rename detection; the log is walked newest to oldest with a map from
//!   old paths to current paths, so history follows a page across renames. A
//!   path deleted later (and not renamed) is "dead": its older history belongs
//!   to no current file.
//! - `--no-merges`: a merge commit adds no authorship; the commits it brings in
//!   are listed once each, so nothing is counted twice.
//! - Bots (`*[bot]` names or emails, and `contributors.exclude` globs matched
//!   against name and email) get no credit; their commits still move a page's
//!   dates, because the page did change.
//! - Co-authors are credited with the commit and its lines, like the author.
//! - No pathspec: `--relative` (run from the content directory) already
//!   limits the diff to content/, and a pathspec would make git simplify
//!   history with an extra tree comparison per commit (about 25% slower).
//!
//! Dates are author dates. Paths are relative to the content directory with
//! `/` separators. Outside git, or without a git binary, the history is empty
//! and no error is reported; a shallow clone gives a warning diagnostic.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
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
    /// Commits diffed in this read (by the in-process reader or by git).
    pub from_git: usize,
    /// Commits whose records came from the history cache.
    pub from_cache: usize,
    /// Whether the history cache was (re)written.
    pub stored: bool,
}

/// Read the history of `content_dir` with one `git log`. `shown` is the path
/// diagnostics name (the content directory as the user knows it).
pub fn read_history(
    content_dir: &Path,
    shown: &Path,
    exclude: &GlobSet,
) -> (History, Vec<Diagnostic>) {
    read_history_env(content_dir, shown, exclude, &[])
}

/// [`read_history`] with extra environment for the git processes (tests use
/// it to stay hermetic).
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
    /// The history cache file, unless the clone is shallow or git did not say
    /// where its directory is.
    cache_file: Option<PathBuf>,
    /// The common git dir and the content directory's prefix in the
    /// repository, when the history can be read in process (see
    /// [`in_process`]).
    odb: Option<(PathBuf, String)>,
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
    let git_dir = lines.next().unwrap_or("");
    let prefix = lines.next().unwrap_or("");
    // A shallow boundary commit's diff changes when the clone is deepened:
    // such a history is never cached.
    let git_dir = (!shallow && !git_dir.is_empty()).then(|| {
        let git_dir = dir.join(git_dir);
        std::fs::canonicalize(&git_dir).unwrap_or(git_dir)
    });
    let cache_file = git_dir
        .as_ref()
        .map(|git_dir| cache::path(git_dir, prefix, LOG_ARGS));
    let odb = git_dir
        .filter(|git_dir| in_process(env, git_dir))
        .map(|git_dir| (git_dir, prefix.to_string()));
    Some(Probe {
        shallow,
        cache_file,
        odb,
    })
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
    // A repository without commits yet: in git, but no history.
    let empty = History {
        in_git: true,
        shallow,
        ..History::default()
    };
    let Some(head) = head_id_env(env, content_dir) else {
        return (empty, diags, ReadStats::default());
    };
    let jobs = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MAX_JOBS);
    let Some((mut commits, stats)) = read_cached(env, content_dir, &head, &probe, jobs) else {
        return (empty, diags, ReadStats::default());
    };
    map_identities(env, content_dir, &mut commits);
    let mut history = fold(&commits, &|id: &Identity| is_bot(id, exclude));
    history.in_git = true;
    history.shallow = shallow;
    (history, diags, stats)
}

/// The history cache file of `content_dir` (which may not exist yet), or
/// `None` outside git or in a shallow clone. For the benchmark and tests.
pub fn history_cache_file(content_dir: &Path, env: &[(&str, &OsStr)]) -> Option<PathBuf> {
    probe(env, content_dir)?.cache_file
}

/// At most this many `git log` processes read the history at once.
const MAX_JOBS: usize = 4;

/// A history shorter than this many commits per process is read by one
/// process: starting another costs more than it saves.
const MIN_COMMITS_PER_JOB: usize = 2_000;

/// One `git log` output and its records, each with its byte range.
struct Log {
    bytes: Vec<u8>,
    records: Vec<(RawCommit, Range<usize>)>,
}

impl Log {
    fn parse(bytes: Vec<u8>) -> Log {
        let records = parse_records(&bytes);
        Log { bytes, records }
    }

    /// The bytes of each record, in order.
    fn parts(&self) -> impl Iterator<Item = &[u8]> {
        self.records
            .iter()
            .map(|(_, range)| self.bytes.get(range.clone()).unwrap_or(b""))
    }
}

fn into_commits(logs: Vec<Log>) -> Vec<RawCommit> {
    logs.into_iter()
        .flat_map(|log| log.records.into_iter().map(|(commit, _)| commit))
        .collect()
}

/// Read and parse the log of `dir`, newest commit first, with up to `jobs`
/// `git log` processes at once, without the history cache (the benchmark
/// compares it with the cached reads). `None` when git fails (no git, no
/// commits).
pub fn read_commits(dir: &Path, jobs: usize, env: &[(&str, &OsStr)]) -> Option<Vec<RawCommit>> {
    let head = head_id_env(env, dir)?;
    read_logs(env, dir, &head, jobs).map(into_commits)
}

/// The whole log of `head`, cold.
///
/// Git spends its time diffing each commit against its parent, one commit
/// after another, so a long history is cut into `jobs` consecutive slices of
/// the very same walk (`-n` and `--skip` over `--no-merges` commits, counted
/// first with `git rev-list --count`). Each slice is diffed and parsed on
/// its own core; the slices, concatenated in order, are exactly the single
/// `git log`, so renames still chain across the cuts when folded. Short
/// histories (under [`MIN_COMMITS_PER_JOB`] per process) use one process.
fn read_logs(env: &[(&str, &OsStr)], dir: &Path, head: &str, jobs: usize) -> Option<Vec<Log>> {
    if jobs > 1 {
        let total = git::output(env, dir, &["rev-list", "--count", "--no-merges", head])
            .and_then(|out| String::from_utf8_lossy(&out).trim().parse::<usize>().ok())
            .unwrap_or(0);
        let jobs = jobs.min(total / MIN_COMMITS_PER_JOB);
        if jobs > 1 {
            return read_slices(env, dir, head, jobs, total);
        }
    }
    let mut args = LOG_ARGS.to_vec();
    args.push(head);
    git::output(env, dir, &args).map(|log| vec![Log::parse(log)])
}

/// The log of `rev` read as `jobs` slices of `total` commits by parallel
/// processes (the last slice reads to the end whatever `total` says).
fn read_slices(
    env: &[(&str, &OsStr)],
    dir: &Path,
    rev: &str,
    jobs: usize,
    total: usize,
) -> Option<Vec<Log>> {
    let per = total.div_ceil(jobs.max(1)).max(1);
    let slices: Vec<Vec<String>> = (0..jobs)
        .map(|i| {
            let mut args = vec![format!("--skip={}", i * per)];
            if i + 1 < jobs {
                args.push(format!("--max-count={per}"));
            }
            args.push(rev.to_string());
            args
        })
        .collect();
    in_parallel(slices, |extra| {
        let mut args: Vec<&str> = LOG_ARGS.to_vec();
        args.extend(extra.iter().map(String::as_str));
        git::output(env, dir, &args).map(Log::parse)
    })
}

/// The records of exactly the commits `ids` (no merges), in that order:
/// `git log --no-walk=unsorted --stdin` prints for each the record a walk
/// prints. The ids are split over `jobs` processes.
fn read_ids(env: &[(&str, &OsStr)], dir: &Path, ids: &[&str], jobs: usize) -> Option<Vec<Log>> {
    if ids.is_empty() {
        return Some(Vec::new());
    }
    let jobs = jobs.max(1);
    let per = ids.len().div_ceil(jobs);
    let chunks: Vec<&[&str]> = ids.chunks(per.max(1)).collect();
    in_parallel(chunks, |chunk| {
        let mut input = chunk.join("\n").into_bytes();
        input.push(b'\n');
        let mut args: Vec<&str> = LOG_ARGS.to_vec();
        args.extend(["--no-walk=unsorted", "--stdin"]);
        git::with_input(env, dir, &args, input).map(Log::parse)
    })
}

/// Run `read` on each item on its own thread; all results in order, or
/// `None` if any failed.
fn in_parallel<T: Send, R: Send>(
    items: Vec<T>,
    read: impl Fn(T) -> Option<R> + Sync,
) -> Option<Vec<R>> {
    let read = &read;
    let parts: Vec<Option<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| scope.spawn(move || read(item)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    parts.into_iter().collect()
}

/// The log of `head`, using and refreshing the history cache at
/// `cache_file` when there is one:
/// 1. the cache was written at `head`: its records are the log;
/// 2. it was written at another commit: `git rev-list --no-merges` lists
///    the walk (in log order) and only the commits missing from the cache are
///    diffed; the records are assembled in walk order, so the result is the
///    cold read's whatever happened in between (new commits, merges of old
///    branches, rewritten history);
/// 3. no usable cache: the cold read.
///
/// After 2 and 3 the cache is rewritten for `head` with the commits of this
/// walk only (abandoned history does not accumulate).
fn read_cached(
    env: &[(&str, &OsStr)],
    dir: &Path,
    head: &str,
    probe: &Probe,
    jobs: usize,
) -> Option<(Vec<RawCommit>, ReadStats)> {
    let cache_file = probe.cache_file.as_deref();
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
                return Some((commits, stats));
            }
        }
    }
    if let Some((git_dir, prefix)) = &probe.odb {
        let read = read_odb(env, dir, head, git_dir, prefix, cached.as_ref(), jobs);
        if let Some(read) = read {
            let mut stats = read.stats;
            stats.stored = cache_file.is_some_and(|file| {
                let parts: Vec<&[u8]> = read.parts.iter().map(|p| p.as_ref()).collect();
                cache::store(file, head, parts.len(), &parts)
            });
            return Some((read.commits, stats));
        }
    }
    if let (Some(cached), Some(file)) = (&cached, cache_file) {
        if let Some(found) = update(env, dir, head, cached, file, jobs) {
            return Some(found);
        }
    }
    let logs = read_logs(env, dir, head, jobs)?;
    let parts: Vec<&[u8]> = logs.iter().flat_map(Log::parts).collect();
    let stored = cache_file.is_some_and(|file| cache::store(file, head, parts.len(), &parts));
    let commits = into_commits(logs);
    let stats = ReadStats {
        from_git: commits.len(),
        from_cache: 0,
        stored,
    };
    Some((commits, stats))
}

/// Whether the history of the repository at `git_dir` may be read in
/// process ([`super::odb`]) rather than by `git log`: not when git would
/// rewrite history on the way (replace refs, grafts), when the environment
/// points git at other objects, or when `LOREBOOK_GIT_READER=git` asks for
/// the git command line (a way out if the in-process reader ever disagrees
/// with git on a repository).
fn in_process(env: &[(&str, &OsStr)], git_dir: &Path) -> bool {
    const REDIRECTS: &[&str] = &[
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_REPLACE_REF_BASE",
        "GIT_GRAFT_FILE",
    ];
    let var = |name: &str| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_os_string())
            .or_else(|| std::env::var_os(name))
    };
    if var("LOREBOOK_GIT_READER").is_some_and(|v| v == "git")
        || REDIRECTS.iter().any(|name| var(name).is_some())
    {
        return false;
    }
    let replaced = std::fs::read_dir(git_dir.join("refs/replace"))
        .is_ok_and(|mut entries| entries.next().is_some())
        || std::fs::read(git_dir.join("packed-refs"))
            .is_ok_and(|refs| refs.windows(13).any(|w| w == b" refs/replace"));
    !replaced && !git_dir.join("info/grafts").exists()
}

/// A log put together from several sources: the commits in walk order,
/// each one's record bytes (for the cache), and how they were served.
struct Assembled<'c> {
    commits: Vec<RawCommit>,
    parts: Vec<Cow<'c, [u8]>>,
    stats: ReadStats,
}

/// The log of `head` read in process ([`super::odb`]), with the records the
/// cache `cached` holds taken from it instead of diffed again: the commits
/// in walk order, the record bytes of each (for the cache), and how they
/// were served. Commits in a legacy encoding are read by git. `None` when
/// the repository cannot be read in process (the caller then runs git).
fn read_odb<'c>(
    env: &[(&str, &OsStr)],
    dir: &Path,
    head: &str,
    git_dir: &Path,
    prefix: &str,
    cached: Option<&'c cache::Cached>,
    jobs: usize,
) -> Option<Assembled<'c>> {
    let reader = odb::Reader::open(git_dir, prefix).ok()?;
    let records = cached.map(|c| parse_records(&c.body)).unwrap_or_default();
    let walked = {
        let known: HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, (commit, _))| (commit.id.as_str(), i))
            .collect();
        reader.walk(head, jobs, &|id| known.get(id).copied()).ok()?
    };
    let by_git: Vec<&str> = walked
        .iter()
        .filter_map(|w| match w {
            odb::Walked::ByGit(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut from_git: HashMap<String, (RawCommit, Vec<u8>)> = HashMap::new();
    for log in read_ids(env, dir, &by_git, 1)? {
        for (commit, range) in log.records {
            let bytes = log.bytes.get(range).unwrap_or(b"").to_vec();
            from_git.insert(commit.id.clone(), (commit, bytes));
        }
    }
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
                let (commit, range) = records.get_mut(i).and_then(Option::take)?;
                (commit, Cow::Borrowed(body.get(range)?))
            }
            odb::Walked::ByGit(id) => {
                stats.from_git += 1;
                let (commit, bytes) = from_git.remove(&id)?;
                (commit, Cow::Owned(bytes))
            }
        };
        commits.push(commit);
        parts.push(part);
    }
    Some(Assembled {
        commits,
        parts,
        stats,
    })
}

/// Case 2 of [`read_cached`]. `None` when anything does not add up (the
/// caller then reads cold).
fn update(
    env: &[(&str, &OsStr)],
    dir: &Path,
    head: &str,
    cached: &cache::Cached,
    file: &Path,
    jobs: usize,
) -> Option<(Vec<RawCommit>, ReadStats)> {
    // List the walk while the cache is parsed.
    let (walk, records) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| git::output(env, dir, &["rev-list", "--no-merges", head]));
        let records = parse_records(&cached.body);
        (walk.join().ok().flatten(), records)
    });
    let walk = String::from_utf8(walk?).ok()?;
    let ids: Vec<&str> = walk.lines().filter(|l| !l.is_empty()).collect();
    let mut known: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    for (i, (commit, _)) in records.iter().enumerate() {
        known.insert(commit.id.as_str(), i);
    }
    let missing: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !known.contains_key(id))
        .collect();
    let jobs = jobs.min(missing.len() / MIN_COMMITS_PER_JOB);
    let fresh = read_ids(env, dir, &missing, jobs)?;
    let mut fresh_at: HashMap<&str, (usize, usize)> = HashMap::with_capacity(missing.len());
    for (l, log) in fresh.iter().enumerate() {
        for (r, (commit, _)) in log.records.iter().enumerate() {
            fresh_at.insert(commit.id.as_str(), (l, r));
        }
    }
    // Assemble in walk order: which record (old or fresh) each commit is.
    let mut order: Vec<(Option<usize>, usize)> = Vec::with_capacity(ids.len());
    for id in &ids {
        match (known.get(id), fresh_at.get(id)) {
            (Some(&i), _) => order.push((None, i)),
            (None, Some(&(l, r))) => order.push((Some(l), r)),
            (None, None) => return None,
        }
    }
    let part = |&(log, r): &(Option<usize>, usize)| -> &[u8] {
        let (bytes, range) = match log {
            None => (&cached.body, records.get(r).map(|x| x.1.clone())),
            Some(l) => match fresh.get(l) {
                Some(log) => (&log.bytes, log.records.get(r).map(|x| x.1.clone())),
                None => (&cached.body, None),
            },
        };
        range.and_then(|range| bytes.get(range)).unwrap_or(b"")
    };
    let parts: Vec<&[u8]> = order.iter().map(part).collect();
    let stored = cache::store(file, head, parts.len(), &parts);
    drop(parts);
    let from_git = missing.len();
    // Move the parsed commits out, in walk order.
    let mut old: Vec<Option<RawCommit>> = records.into_iter().map(|(c, _)| Some(c)).collect();
    let mut fresh: Vec<Vec<Option<RawCommit>>> = fresh
        .into_iter()
        .map(|log| log.records.into_iter().map(|(c, _)| Some(c)).collect())
        .collect();
    let mut commits = Vec::with_capacity(order.len());
    for (log, r) in order {
        let slot = match log {
            None => old.get_mut(r),
            Some(l) => fresh.get_mut(l).and_then(|log| log.get_mut(r)),
        };
        // An id listed twice by rev-list cannot happen; if it did, read cold.
        commits.push(slot.and_then(Option::take)?);
    }
    let stats = ReadStats {
        from_git,
        from_cache: commits.len() - from_git,
        stored,
    };
    Some((commits, stats))
}

#[cfg(test)]
mod tests {
    use super::super::record::{contact, parse_log};
    use super::*;
    use chrono::{DateTime, Utc};
    use std::path::PathBuf;
    use std::process::Command;

    thread_local! {
        /// This test thread reads history with the git command line only.
        static GIT_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn git_only() -> bool {
        GIT_ONLY.with(std::cell::Cell::get)
    }

    /// Run `test` with the in-process reader, then with the git command line
    /// (`LOREBOOK_GIT_READER=git`): both must give the same results.
    fn both_readers(test: impl Fn()) {
        for git in [false, true] {
            GIT_ONLY.with(|g| g.set(git));
            test();
        }
        GIT_ONLY.with(|g| g.set(false));
    }

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
            let mut env = vec![
                ("GIT_CONFIG_NOSYSTEM", OsStr::new("1")),
                ("GIT_CONFIG_GLOBAL", OsStr::new("/dev/null")),
                ("HOME", self.home.as_os_str()),
                ("GIT_CEILING_DIRECTORIES", self.home.as_os_str()),
            ];
            if git_only() {
                env.push(("LOREBOOK_GIT_READER", OsStr::new("git")));
            }
            env
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
        both_readers(|| {
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
        });
    }

    #[test]
    fn timeline_lists_each_commit_with_its_credited_people_and_current_files() {
        both_readers(|| {
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
        });
    }

    #[test]
    fn sliced_parallel_read_equals_the_single_read() {
        let r = scripted_repo();
        let dir = r.root.join("content");
        let env = r.env();
        let single = git::output(&env, &dir, LOG_ARGS)
            .map(|log| parse_log(&log))
            .expect("single log");
        assert_eq!(single.len(), 6, "six non-merge commits");
        let head = head_id_env(&env, &dir).expect("HEAD");
        let skip = |id: &Identity| is_bot(id, &globs(&["Robot*"]));
        // Two to six slices: with three, the rename (second newest commit) and
        // the page's older history (oldest two) land in different slices.
        for jobs in 2..=6 {
            let sliced = read_slices(&env, &dir, &head, jobs, single.len())
                .map(into_commits)
                .expect("sliced log");
            assert_eq!(sliced, single, "{jobs} slices");
            assert_eq!(fold(&sliced, &skip), fold(&single, &skip));
        }
        // A wrong count still reads everything: the last slice reads to the end.
        let short = read_slices(&env, &dir, &head, 2, 2)
            .map(into_commits)
            .expect("sliced log");
        assert_eq!(short, single);
        // The public entry point on a short history (one process) agrees too.
        assert_eq!(read_commits(&dir, 4, &env), Some(single));
    }

    #[test]
    fn recreated_path_does_not_inherit_the_old_history() {
        both_readers(|| {
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
        });
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
            assert_eq!(found.odb.is_some(), !git_only(), "the reader under test");
            let (warm, stats) = read_cached(&env, &dir, &head, &found, 4).expect("warm");
            let cold = read_commits(&dir, 1, &env).expect("cold");
            assert_eq!(warm, cold, "cached records differ from a cold read");
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
        both_readers(|| {
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
        });
    }

    #[test]
    fn cached_read_after_a_new_commit_diffs_only_that_commit() {
        both_readers(|| {
            let r = scripted_repo();
            r.read();
            r.write("content/faq.md", "q\na\nbump\nrobot\nb1\nb2\nb3\n");
            r.write("content/new.md", "new\n");
            r.commit(("Dee", "dee@x.example", "2024-06-01"), "more faq");
            let stats = r.warm_equals_cold();
            assert_eq!((stats.from_git, stats.from_cache), (1, 6));
            assert!(stats.stored);
        });
    }

    #[test]
    fn cached_read_after_merging_an_old_branch_with_interleaved_dates_equals_cold() {
        both_readers(|| {
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
        });
    }

    #[test]
    fn rewritten_history_is_read_right_and_the_cache_drops_abandoned_commits() {
        both_readers(|| {
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
        });
    }

    #[test]
    fn mailmap_edit_changes_identities_without_invalidating_the_cache() {
        both_readers(|| {
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
        });
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
        let mut commits = read_commits(&dir, 1, &env).expect("log");
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
        both_readers(|| {
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
        });
    }

    #[test]
    fn parallel_reads_of_listed_commits_keep_their_order() {
        let r = scripted_repo();
        let (dir, env) = (r.content(), r.env());
        let single = read_commits(&dir, 1, &env).expect("log");
        let ids: Vec<&str> = single.iter().map(|c| c.id.as_str()).collect();
        for jobs in 1..=4 {
            let logs = read_ids(&env, &dir, &ids, jobs).expect("read");
            assert_eq!(into_commits(logs), single, "{jobs} processes");
        }
        // Out of walk order on stdin, out of walk order in the output.
        let reversed: Vec<&str> = ids.iter().rev().copied().collect();
        let logs = read_ids(&env, &dir, &reversed, 2).expect("read");
        let got: Vec<String> = into_commits(logs).into_iter().map(|c| c.id).collect();
        assert_eq!(got, reversed);
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
