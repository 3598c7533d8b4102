//! The fold: parsed commits (newest first) -> [`History`], who wrote each
//! current file of the content tree (commits and lines per author), when it
//! was created and last updated, and each commit over time. Pure.
//!
//! - The log is walked newest to oldest with a map from old paths to current
//!   paths, so history follows a page across renames. A path deleted later
//!   (and not renamed) is "dead": its older history belongs to no current
//!   file.
//! - Merge commits are not in the log: the commits a merge brings in are
//!   listed once each, so nothing is counted twice.
//! - Bots (whatever `skip` rejects) get no credit; their commits still move
//!   a page's dates, because the page did change.
//! - Co-authors are credited with the commit and its lines, like the author.
//!
//! Dates are author dates. Paths are relative to the content directory with
//! `/` separators.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::record::{Identity, RawCommit};

/// One author's share of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorStats {
    pub identity: Identity,
    pub commits: u32,
    pub added: u64,
    pub removed: u64,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

impl AuthorStats {
    /// Lines changed (added + removed).
    pub fn lines(&self) -> u64 {
        self.added + self.removed
    }
}

/// The history of one current file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHistory {
    /// Credited authors, main author first: most lines changed, then most
    /// commits, then earliest first commit, then name.
    pub authors: Vec<AuthorStats>,
    /// Distinct commits that touched the file (bots included).
    pub commits: u32,
    /// Author date of the oldest commit.
    pub created: DateTime<Utc>,
    /// Author date of the newest commit: the page's last-updated date.
    pub updated: DateTime<Utc>,
}

/// Totals for one identity across the whole content tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityTotals {
    pub identity: Identity,
    /// Distinct commits (authored or co-authored) touching content.
    pub commits: u32,
    pub first: DateTime<Utc>,
}

/// Everything read from git for one build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Current file path (relative to content/, `/`-separated) -> history.
    pub files: BTreeMap<String, FileHistory>,
    /// Identity key -> totals, for every credited (non-bot) identity.
    pub identities: BTreeMap<String, IdentityTotals>,
    /// True when the content directory is inside a git work tree with commits.
    pub in_git: bool,
    pub shallow: bool,
    /// Every commit that changed a current file, in log order (newest
    /// first): when, who is credited, which files. For insights (activity
    /// over time); the per-file and per-identity totals above do not need it.
    pub timeline: Vec<TimelineCommit>,
}

/// One commit of [`History::timeline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineCommit {
    pub time: DateTime<Utc>,
    /// Identity keys ([`Identity::key`]) credited with the commit (bots
    /// excluded; may be empty).
    pub identities: Vec<String>,
    /// Current paths (relative to content/) the commit changed, sorted.
    pub files: Vec<String>,
}

/// One distinct identity (name, email) of a fold, as it was committed.
struct Interned<'a> {
    identity: &'a Identity,
    /// Its [`Identity::key`] in [`Identities::keys`]; `None` for a bot.
    key: Option<u32>,
}

/// The identities of a fold, interned: `skip` and [`Identity::key`] run
/// once per distinct (name, email), not once per commit; commits then carry
/// small indices.
struct Identities<'a> {
    by_contact: HashMap<(&'a str, &'a str), u32>,
    interned: Vec<Interned<'a>>,
    /// Key index -> key.
    keys: Vec<String>,
    by_key: HashMap<String, u32>,
}

impl<'a> Identities<'a> {
    fn new() -> Identities<'a> {
        Identities {
            by_contact: HashMap::new(),
            interned: Vec::new(),
            keys: Vec::new(),
            by_key: HashMap::new(),
        }
    }

    /// The index of `id` and its key's index (`None` when `skip` rejects it).
    fn intern(&mut self, id: &'a Identity, skip: &dyn Fn(&Identity) -> bool) -> (u32, Option<u32>) {
        let contact = (id.name.as_str(), id.email.as_str());
        if let Some(&i) = self.by_contact.get(&contact) {
            let key = self.interned.get(i as usize).and_then(|x| x.key);
            return (i, key);
        }
        let key = (!skip(id)).then(|| {
            let key = id.key();
            match self.by_key.get(&key) {
                Some(&k) => k,
                None => {
                    let k = index(self.keys.len());
                    self.by_key.insert(key.clone(), k);
                    self.keys.push(key);
                    k
                }
            }
        });
        let i = index(self.interned.len());
        self.interned.push(Interned { identity: id, key });
        self.by_contact.insert(contact, i);
        (i, key)
    }

    fn identity(&self, i: u32) -> Option<&'a Identity> {
        self.interned.get(i as usize).map(|x| x.identity)
    }

    fn key(&self, k: u32) -> &str {
        self.keys.get(k as usize).map_or("", String::as_str)
    }
}

/// A table index as `u32` (tables of a fold never reach 2^32 entries: they
/// are bounded by the bytes of the log).
fn index(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// One credited identity key's share of one file, while folding.
struct AuthorAcc {
    key: u32,
    /// The identity (of this key) first credited on the file, newest commit
    /// first: the one [`AuthorStats::identity`] shows.
    identity: u32,
    commits: u32,
    added: u64,
    removed: u64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// One current file while folding.
struct FileAcc<'a> {
    path: &'a str,
    /// Credited keys in the order first credited (few per file: searched
    /// linearly).
    authors: Vec<AuthorAcc>,
    commits: u32,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

/// What the fold knows about one path seen in the log.
#[derive(Default)]
struct PathSlot {
    /// Set once a newer commit deleted the path or renamed it away: the
    /// file its older history belongs to (`None`: none, deleted since).
    mapped: Option<Option<u32>>,
    /// The current file of this name, once a commit touched it.
    file: Option<u32>,
}

/// One credited key's totals, while folding.
struct TotalsAcc {
    /// The identity of the first (newest) commit crediting the key.
    identity: u32,
    commits: u32,
    first: DateTime<Utc>,
}

/// Fold parsed commits (newest first) into per-file histories, following
/// renames and skipping identities `skip` rejects. Pure.
///
/// Identities are interned first (one `skip` and one key per distinct
/// identity) and paths are looked up without copying, so a commit costs a
/// hash lookup per changed path and per identity.
pub fn fold(commits: &[RawCommit], skip: &dyn Fn(&Identity) -> bool) -> History {
    let mut ids = Identities::new();
    // Path at some point in history -> what the fold knows about it.
    let mut paths: HashMap<&str, PathSlot> = HashMap::new();
    let mut files: Vec<FileAcc> = Vec::new();
    let mut totals: Vec<Option<TotalsAcc>> = Vec::new();
    let mut timeline: Vec<TimelineCommit> = Vec::new();
    // (key, identity) credited with the current commit, author first.
    let mut credited: Vec<(u32, u32)> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for commit in commits {
        credited.clear();
        touched.clear();
        for id in std::iter::once(&commit.author).chain(&commit.co_authors) {
            if let (i, Some(k)) = ids.intern(id, skip) {
                if !credited.iter().any(|&(seen, _)| seen == k) {
                    credited.push((k, i));
                }
            }
        }
        let time = commit.time;
        for change in &commit.changes {
            let slot = paths.entry(change.path.as_str()).or_default();
            let target = match slot.mapped {
                Some(mapped) => mapped,
                None if change.deleted => {
                    // Deleted here and never re-created later: older history
                    // of this path belongs to no current file.
                    slot.mapped = Some(None);
                    None
                }
                None => Some(*slot.file.get_or_insert_with(|| {
                    files.push(FileAcc {
                        path: change.path.as_str(),
                        authors: Vec::new(),
                        commits: 0,
                        created: time,
                        updated: time,
                    });
                    index(files.len() - 1)
                })),
            };
            if let Some(from) = &change.from {
                paths.entry(from.as_str()).or_default().mapped = Some(target);
            }
            let Some(acc) = target.and_then(|f| {
                touched.push(f);
                files.get_mut(f as usize)
            }) else {
                continue;
            };
            acc.commits += 1;
            acc.updated = acc.updated.max(time);
            acc.created = acc.created.min(time);
            for &(key, identity) in &credited {
                let at = match acc.authors.iter().position(|a| a.key == key) {
                    Some(at) => at,
                    None => {
                        acc.authors.push(AuthorAcc {
                            key,
                            identity,
                            commits: 0,
                            added: 0,
                            removed: 0,
                            first: time,
                            last: time,
                        });
                        acc.authors.len() - 1
                    }
                };
                if let Some(stats) = acc.authors.get_mut(at) {
                    stats.commits += 1;
                    stats.added += change.added;
                    stats.removed += change.removed;
                    stats.first = stats.first.min(time);
                    stats.last = stats.last.max(time);
                }
            }
        }
        if touched.is_empty() {
            continue;
        }
        for &(key, identity) in &credited {
            let k = key as usize;
            if totals.len() <= k {
                totals.resize_with(k + 1, || None);
            }
            if let Some(slot) = totals.get_mut(k) {
                let t = slot.get_or_insert(TotalsAcc {
                    identity,
                    commits: 0,
                    first: time,
                });
                t.commits += 1;
                t.first = t.first.min(time);
            }
        }
        let path = |f: &u32| files.get(*f as usize).map_or("", |acc| acc.path);
        touched.sort_unstable_by(|a, b| path(a).cmp(path(b)));
        touched.dedup();
        timeline.push(TimelineCommit {
            time,
            identities: credited
                .iter()
                .map(|&(k, _)| ids.key(k).to_string())
                .collect(),
            files: touched.iter().map(|f| path(f).to_string()).collect(),
        });
    }
    let owned = |i: u32| ids.identity(i).cloned().unwrap_or_default();
    let files = files
        .into_iter()
        .map(|acc| {
            let mut authors = acc.authors;
            let name = |a: &AuthorAcc| ids.identity(a.identity).map_or("", |id| id.name.as_str());
            authors.sort_by(|a, b| {
                (b.added + b.removed)
                    .cmp(&(a.added + a.removed))
                    .then(b.commits.cmp(&a.commits))
                    .then(a.first.cmp(&b.first))
                    .then(name(a).cmp(name(b)))
                    .then(ids.key(a.key).cmp(ids.key(b.key)))
            });
            let authors = authors
                .into_iter()
                .map(|a| AuthorStats {
                    identity: owned(a.identity),
                    commits: a.commits,
                    added: a.added,
                    removed: a.removed,
                    first: a.first,
                    last: a.last,
                })
                .collect();
            let history = FileHistory {
                authors,
                commits: acc.commits,
                created: acc.created,
                updated: acc.updated,
            };
            (acc.path.to_string(), history)
        })
        .collect();
    let identities = totals
        .into_iter()
        .enumerate()
        .filter_map(|(k, t)| {
            let t = t?;
            let totals = IdentityTotals {
                identity: owned(t.identity),
                commits: t.commits,
                first: t.first,
            };
            Some((ids.key(index(k)).to_string(), totals))
        })
        .collect();
    History {
        files,
        identities,
        in_git: true,
        shallow: false,
        timeline,
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::Change;
    use super::*;

    fn day(d: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{d}T12:00:00Z"))
            .expect("date")
            .with_timezone(&Utc)
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

    fn ident(name: &str, email: &str) -> Identity {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }

    /// A commit of one author (and co-authors) adding `added` lines to each
    /// of `paths`.
    fn raw(author: Identity, co: Vec<Identity>, d: &str, paths: &[(&str, u64)]) -> RawCommit {
        RawCommit {
            id: format!("id-{d}"),
            author,
            co_authors: co,
            time: day(d),
            changes: paths
                .iter()
                .map(|&(path, added)| Change {
                    path: path.into(),
                    from: None,
                    added,
                    removed: 0,
                    deleted: false,
                })
                .collect(),
        }
    }

    #[test]
    fn fold_keeps_identities_differing_only_in_email_apart_and_joins_equal_keys() {
        let home = ident("Ana", "ana@home.example");
        let commits = vec![
            // The co-author has the author's key: credited once.
            raw(
                home.clone(),
                vec![ident("Ana (alias)", "ANA@home.example"), ident("Bo", "")],
                "2024-01-03",
                &[("a.md", 1)],
            ),
            raw(
                ident("Ana", "ana@work.example"),
                vec![ident(" bo ", "")],
                "2024-01-02",
                &[("a.md", 2)],
            ),
            raw(
                ident("ANA L", " Ana@Home.example "),
                vec![],
                "2024-01-01",
                &[("a.md", 4)],
            ),
        ];
        let h = fold(&commits, &|_: &Identity| false);
        // Same name, two emails: two authors. Equal keys (email case and
        // spaces; no email and the same name): one author each, shown as
        // the identity of their newest commit.
        assert_eq!(
            authors(&h, "a.md"),
            vec![
                ("Ana".to_string(), 2, 5, 0),
                ("Bo".to_string(), 2, 3, 0),
                ("Ana".to_string(), 1, 2, 0),
            ]
        );
        let a = &h.files["a.md"];
        assert_eq!(a.authors[0].identity, home);
        assert_eq!(a.authors[2].identity.email, "ana@work.example");
        assert_eq!(
            (a.commits, a.created, a.updated),
            (3, day("2024-01-01"), day("2024-01-03"))
        );
        let totals: Vec<(&str, &str, u32, DateTime<Utc>)> = h
            .identities
            .iter()
            .map(|(k, t)| (k.as_str(), t.identity.name.as_str(), t.commits, t.first))
            .collect();
        assert_eq!(
            totals,
            vec![
                ("ana@home.example", "Ana", 2, day("2024-01-01")),
                ("ana@work.example", "Ana", 1, day("2024-01-02")),
                ("name:bo", "Bo", 2, day("2024-01-02")),
            ]
        );
        let credited: Vec<Vec<String>> = h.timeline.iter().map(|c| c.identities.clone()).collect();
        assert_eq!(
            credited,
            vec![
                vec!["ana@home.example".to_string(), "name:bo".to_string()],
                vec!["ana@work.example".to_string(), "name:bo".to_string()],
                vec!["ana@home.example".to_string()],
            ]
        );
    }

    #[test]
    fn fold_asks_skip_once_per_distinct_identity_and_never_credits_a_bot() {
        let bot = ident("renovate[bot]", "bot@x.example");
        let ana = ident("Ana", "ana@x.example");
        let commits = vec![
            raw(bot.clone(), vec![], "2024-01-05", &[("a.md", 1)]),
            raw(ana.clone(), vec![bot.clone()], "2024-01-04", &[("a.md", 2)]),
            raw(bot.clone(), vec![ana.clone()], "2024-01-03", &[("b.md", 3)]),
            raw(
                bot.clone(),
                vec![],
                "2024-01-02",
                &[("a.md", 4), ("b.md", 5)],
            ),
        ];
        let asked = std::cell::Cell::new(0);
        let skip = |id: &Identity| {
            asked.set(asked.get() + 1);
            id.name.ends_with("[bot]")
        };
        let h = fold(&commits, &skip);
        assert_eq!(asked.get(), 2, "two distinct identities");
        assert_eq!(authors(&h, "a.md"), vec![("Ana".to_string(), 1, 2, 0)]);
        assert_eq!(authors(&h, "b.md"), vec![("Ana".to_string(), 1, 3, 0)]);
        // The bot's commits still count and date the pages.
        let a = &h.files["a.md"];
        assert_eq!(
            (a.commits, a.created, a.updated),
            (3, day("2024-01-02"), day("2024-01-05"))
        );
        assert_eq!(
            h.identities.keys().collect::<Vec<_>>(),
            vec!["ana@x.example"]
        );
        assert_eq!(h.identities["ana@x.example"].commits, 2);
        let credited: Vec<usize> = h.timeline.iter().map(|c| c.identities.len()).collect();
        assert_eq!(credited, vec![0, 1, 1, 0]);
        assert_eq!(
            h.timeline[3].files,
            vec!["a.md".to_string(), "b.md".to_string()]
        );
    }
}
