//! The history reader: the git history read in process with gitoxide (gix),
//! without running git. [`Reader::walk`] walks the history of HEAD as `git
//! log --no-merges` does and computes, on several threads, exactly the
//! [`RawCommit`] records that `git log` with [`super::record::LOG_ARGS`]
//! prints (`--relative -M --raw --numstat` with the Myers diff). The tests
//! check it against `git log` itself.
//!
//! The walk: commits are decoded on the calling thread when first seen and
//! popped newest committer time first (ties in order of discovery), as git's
//! default walk does; merges are walked through, not listed. Every 1,024
//! commits go to the diff threads as a chunk, so diffing starts a few
//! milliseconds in and the walk overlaps it; each record knows its first
//! parent's tree from the walk, so no commit is decoded twice.
//!
//! What each record holds, and how it matches git:
//! - Author name, email and time are read from the commit's raw `author`
//!   line the way git splits an ident line (no `.mailmap`; it is applied
//!   afterwards, as for git's records).
//! - A commit with an `encoding` header other than UTF-8 has its author and
//!   message decoded from that encoding (encoding_rs), as `git log`
//!   re-encodes them; when the encoding is unknown or the bytes do not
//!   decode, they are kept as they are, as git keeps them.
//! - `Co-authored-by:` values follow git's trailer rules
//!   (`%(trailers:key=Co-authored-by,valueonly)`): the trailer block is the
//!   last paragraph after the title, all trailers or at least 25% trailers
//!   with a git-generated one (`Signed-off-by: `), continuation lines
//!   indented, comments and a scissors line ignored.
//! - The diff is the content directory's subtree against the first parent's
//!   (the empty tree for a root commit), so paths are relative to it and
//!   nothing outside it is seen, as with `--relative`: a file moved in from
//!   outside is an addition, one moved out a deletion.
//! - Shallow clones: a commit listed in `.git/shallow` has no parents, so
//!   the walk stops there and its diff is against the empty tree, as git
//!   shows a shallow boundary.
//! - Replace refs are followed when objects are read (gix applies
//!   `refs/replace/` as git does).
//! - Renames: gix's rename tracker at git's default 50% similarity, limit
//!   10,000 (git's `diff.renameLimit` as pinned). Exact renames pair as in
//!   git; git and gix estimate inexact similarity differently, so a pair near
//!   the 50% line can differ.
//! - Lines added/removed: a minimal Myers line diff (lines keep their line
//!   end, as in git). A blob with a NUL in its first 8,000 bytes is binary
//!   (git's rule) and counts 0/0, as git's `-` numstat parses. A submodule
//!   entry counts as its one `Subproject commit` line.
//! - Changes are ordered by path, as git prints them.
//! - A partial clone (`remote.<name>.promisor`, `extensions.partialClone`)
//!   is read without blobs, never fetching them: every change counts 0/0
//!   lines and only exact renames (the same blob) are paired
//!   ([`Reader::is_partial`]; the caller warns).
//! - A missing object (outside that mode) fails the read.
//! - Not matched: `.gitattributes` (`binary`, `-diff`) and
//!   `core.bigFileThreshold`, which make git print `-` for text files; git's
//!   Myers heuristics on huge diffs (git's counts can exceed the minimal).
//!
//! How it stays fast: the tree diff is a merge of both trees' raw entries
//! that skips their common head and stops at their common tail, so a commit
//! changing one file of a 200-file directory parses a few entries, not 400;
//! gix's rename tracker runs only when a deletion and an addition are not an
//! exact, unambiguous pair. Each thread reads its chunks along the pack's
//! delta chains (see `Worker::oldest_first`).

use std::borrow::Cow;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use gix::bstr::{BStr, ByteSlice};
use gix::diff::blob::{Algorithm, Diff, InternedInput};
use gix::objs::tree::EntryKind;
use gix::objs::{Find, FindExt, TreeRefIter};
use gix::ObjectId;

use super::record::{parse_contact, Change, Identity, RawCommit};

/// An opened repository and the content directory's place in it.
pub struct Reader {
    repo: gix::ThreadSafeRepository,
    /// Path components of the content directory in the repository.
    prefix: Vec<Vec<u8>>,
    /// The shallow boundary (commits whose parents are not in the clone),
    /// sorted; empty unless the clone is shallow.
    shallow: Vec<ObjectId>,
    /// A partial clone: blobs are not read (see the module docs).
    partial: bool,
    order: Order,
    chunk: usize,
}

/// Which end of its chunk of the walk a diff thread starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Along the pack's delta chains (see `Worker::oldest_first`).
    Auto,
    OldestFirst,
    NewestFirst,
}

/// Why gix could not read the history (the caller then uses git).
#[derive(Debug)]
pub struct Failed(pub String);

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(e: E) -> Self {
        Failed(e.to_string())
    }
}

/// One commit of the walk, in walk order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Walked {
    /// Read here: the record `git log` prints for it.
    Read(RawCommit),
    /// A commit the caller already has (in its cache): walked, not diffed.
    /// The index `known` gave for it.
    Known(usize),
}

/// gix's object cache (whole objects by id) per thread: off. It copies every
/// object in and out, and the trees a commit shares with its parent are
/// kept by the worker itself; the pack cache below keeps delta bases.
const OBJECT_CACHE: usize = 0;

/// Bytes of delta bases each thread keeps (git's `core.deltaBaseCacheLimit`
/// default is 96 MiB).
const PACK_CACHE: usize = 64 << 20;

/// Commits the walk hands to a diff thread at once. A thread keeps the
/// trees of the commit it just diffed (its parent's, or its child's), so
/// only a chunk's first commit starts cold; small enough that the threads
/// start diffing a few milliseconds into the walk and share the work evenly.
const CHUNK: usize = 1024;

/// A commit found by the walk, with what its diff needs.
struct Item {
    /// The commit id (hex).
    id: String,
    /// The caller has its record (at this index): not diffed.
    known: Option<usize>,
    tree: ObjectId,
    /// The first parent's tree (`None` for a root commit).
    parent_tree: Option<ObjectId>,
    author: Identity,
    secs: i64,
    co_authors: Vec<Identity>,
}

/// A commit waiting in the walk's queue: decoded when first seen.
struct Queued {
    /// Committer time: the walk pops the newest first.
    time: i64,
    /// Order of discovery: equal times pop first-seen first, as in git.
    seq: u64,
    id: ObjectId,
    tree: ObjectId,
    parents: Vec<ObjectId>,
    author: Identity,
    secs: i64,
    co_authors: Vec<Identity>,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    /// The greatest pops first: newest time, then the earliest seen.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl Reader {
    /// Open the repository whose git dir is `git_dir` (as `git rev-parse
    /// --git-common-dir` names it), for the content directory at `prefix`
    /// (as `git rev-parse --show-prefix` prints it: `/`-separated, maybe with
    /// a trailing `/`, empty at the top). `overrides` are configuration
    /// values (`key=value`) applied over the repository's own, which is the
    /// only configuration read (no global or system files, no environment).
    pub fn open(git_dir: &Path, prefix: &str, overrides: Vec<String>) -> Result<Reader, Failed> {
        let options = gix::open::Options::isolated().config_overrides(overrides);
        let repo = gix::open_opts(git_dir, options)?;
        if repo.object_hash() != gix::hash::Kind::Sha1 {
            return Err(Failed("not a SHA-1 repository".into()));
        }
        let prefix = prefix
            .split('/')
            .filter(|c| !c.is_empty())
            .map(|c| c.as_bytes().to_vec())
            .collect();
        let mut shallow: Vec<ObjectId> = repo
            .shallow_commits()?
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default();
        shallow.sort_unstable();
        let partial = is_partial(&repo);
        Ok(Reader {
            repo: repo.into_sync(),
            prefix,
            shallow,
            partial,
            order: Order::Auto,
            chunk: CHUNK,
        })
    }

    /// Whether the repository is a partial clone, read without blobs.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// The same reader with another reading order and chunk size (the
    /// result is the same; tests use it to cross chunk boundaries both ways).
    pub fn with(mut self, order: Order, chunk: usize) -> Reader {
        self.order = order;
        self.chunk = chunk.max(1);
        self
    }

    /// The whole history of `head` as `git log --no-merges` walks it (newest
    /// committer time first, ties in order of discovery), each commit read
    /// here unless `known(id)` gives the caller's index of its record. The walk runs
    /// on this thread and hands chunks of `CHUNK` (1,024) commits to `threads`
    /// diff threads as it goes, so diffing starts at once; the records come
    /// back in walk order whatever thread read them.
    pub fn walk(
        &self,
        head: &str,
        threads: usize,
        known: &(dyn Fn(&str) -> Option<usize> + Sync),
    ) -> Result<Vec<Walked>, Failed> {
        let head = ObjectId::from_hex(head.as_bytes())?;
        let threads = threads.max(1);
        let (send, receive) = std::sync::mpsc::channel::<(usize, Vec<Item>)>();
        let receive = std::sync::Mutex::new(receive);
        let done: std::sync::Mutex<Vec<(usize, Vec<Walked>)>> = std::sync::Mutex::new(Vec::new());
        let walked = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(|| self.diff_chunks(&receive, &done)))
                .collect();
            let walked = self.walk_commits(head, known, send);
            let mut failed = walked.err();
            for worker in workers {
                let result = worker
                    .join()
                    .unwrap_or_else(|_| Err(Failed("a reader thread panicked".into())));
                if let Err(e) = result {
                    failed.get_or_insert(e);
                }
            }
            failed.map_or(Ok(()), Err)
        });
        walked?;
        let mut chunks = done.into_inner().map_err(|_| Failed("poisoned".into()))?;
        chunks.sort_by_key(|(i, _)| *i);
        Ok(chunks.into_iter().flat_map(|(_, c)| c).collect())
    }

    /// The walk: decode each commit when first seen (its time orders the
    /// queue), pop newest first, skip merges, send chunks of the rest.
    fn walk_commits(
        &self,
        head: ObjectId,
        known: &(dyn Fn(&str) -> Option<usize> + Sync),
        send: std::sync::mpsc::Sender<(usize, Vec<Item>)>,
    ) -> Result<(), Failed> {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size(0);
        let mut buf = Vec::new();
        let mut seq = 0u64;
        let shallow = &self.shallow;
        let mut decode = |id: ObjectId, buf: &mut Vec<u8>| -> Result<Queued, Failed> {
            let commit = repo.objects.find_commit(&id, buf)?;
            let (_, time) = split_ident(commit.committer);
            let (author, secs, co_authors) = match legacy_encoding(commit.encoding) {
                Some(encoding) => {
                    let author = decode_legacy(encoding, commit.author);
                    let message = decode_legacy(encoding, commit.message);
                    let (author, secs) = split_ident(author.as_ref().as_bstr());
                    (author, secs, co_authors(&message))
                }
                None => {
                    let (author, secs) = split_ident(commit.author);
                    (author, secs, co_authors(commit.message))
                }
            };
            // A shallow boundary commit has no parents in the clone.
            let parents = if shallow.binary_search(&id).is_ok() {
                Vec::new()
            } else {
                commit.parents().collect()
            };
            seq += 1;
            Ok(Queued {
                time,
                seq,
                id,
                tree: commit.tree(),
                parents,
                author,
                secs,
                co_authors,
            })
        };
        // Tree of every commit decoded so far (a parent's tree is its
        // children's `parent_tree`).
        let mut trees: std::collections::HashMap<ObjectId, ObjectId> =
            std::collections::HashMap::new();
        let mut queue = std::collections::BinaryHeap::new();
        let first = decode(head, &mut buf)?;
        trees.insert(head, first.tree);
        queue.push(first);
        let mut chunk = Vec::with_capacity(self.chunk);
        let mut sent = 0;
        while let Some(c) = queue.pop() {
            for parent in &c.parents {
                if !trees.contains_key(parent) {
                    let p = decode(*parent, &mut buf)?;
                    trees.insert(*parent, p.tree);
                    queue.push(p);
                }
            }
            if c.parents.len() > 1 {
                continue;
            }
            let parent_tree = c.parents.first().and_then(|p| trees.get(p)).copied();
            let id = c.id.to_string();
            chunk.push(Item {
                known: known(&id),
                id,
                tree: c.tree,
                parent_tree,
                author: c.author,
                secs: c.secs,
                co_authors: c.co_authors,
            });
            if chunk.len() == self.chunk {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(self.chunk));
                // The receiver lives as long as `walk`: sending cannot fail.
                let _ = send.send((sent, full));
                sent += 1;
            }
        }
        if !chunk.is_empty() {
            let _ = send.send((sent, chunk));
        }
        Ok(())
    }

    /// A diff thread: take chunks until the walk ends, read each.
    fn diff_chunks(
        &self,
        receive: &std::sync::Mutex<std::sync::mpsc::Receiver<(usize, Vec<Item>)>>,
        done: &std::sync::Mutex<Vec<(usize, Vec<Walked>)>>,
    ) -> Result<(), Failed> {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size(OBJECT_CACHE);
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE,
            ))
        });
        // Object locations (read once to choose the order) need packs kept.
        repo.objects.prevent_pack_unload();
        let mut worker = Worker::new(&repo, &self.prefix, !self.partial)?;
        let mut oldest_first = match self.order {
            Order::Auto => None,
            Order::OldestFirst => Some(true),
            Order::NewestFirst => Some(false),
        };
        loop {
            let next = match receive.lock() {
                Ok(r) => r.recv(),
                Err(_) => return Err(Failed("poisoned".into())),
            };
            let Ok((index, items)) = next else {
                return Ok(());
            };
            let oldest_first = match oldest_first {
                Some(o) => o,
                None => *oldest_first.insert(worker.oldest_first(&items)?),
            };
            let mut out = Vec::with_capacity(items.len());
            if oldest_first {
                for item in items.into_iter().rev() {
                    out.push(worker.commit(item)?);
                }
                out.reverse();
            } else {
                for item in items {
                    out.push(worker.commit(item)?);
                }
            }
            match done.lock() {
                Ok(mut d) => d.push((index, out)),
                Err(_) => return Err(Failed("poisoned".into())),
            }
        }
    }
}

/// One thread's state: buffers and caches reused from commit to commit.
struct Worker<'r> {
    repo: &'r gix::Repository,
    prefix: &'r [Vec<u8>],
    /// Whether blobs are read (not in a partial clone): line counts and
    /// inexact renames need them.
    blobs: bool,
    tree_buf: Vec<u8>,
    old_tree: Vec<u8>,
    new_tree: Vec<u8>,
    old_blob: Vec<u8>,
    new_blob: Vec<u8>,
    /// Root tree -> the content subtree in it, for the last two trees looked
    /// up (a commit's parent tree is the next commit's tree, or the other
    /// way round when reading oldest first).
    subtrees: [Option<(ObjectId, Option<ObjectId>)>; 2],
    /// Trees read for the current commit and for the one before (a
    /// commit's parent's trees are the next commit's, read oldest first).
    trees: std::cell::RefCell<(TreeMemo, TreeMemo)>,
    /// Buffers of trees no longer kept, reused for the next trees read:
    /// a fresh buffer per tree made the allocator return and fault in
    /// memory over and over (the kernel zeroing pages showed in profiles).
    spare: std::cell::RefCell<Vec<Vec<u8>>>,
    state: gix::diff::tree::State,
    resources: gix::diff::blob::Platform,
    diff: Diff,
}

/// Raw trees by id.
type TreeMemo = Vec<(ObjectId, std::rc::Rc<Vec<u8>>)>;

/// One change as the tree diff reports it (blobs and submodules only).
struct Found {
    path: String,
    from: Option<String>,
    old: Option<(ObjectId, EntryKind)>,
    new: Option<(ObjectId, EntryKind)>,
}

impl Found {
    /// A file only in the new tree (`added`) or only in the old one.
    fn one_sided(path: &BStr, id: ObjectId, kind: EntryKind, added: bool) -> Found {
        let side = Some((id, kind));
        Found {
            path: lossy(path),
            from: None,
            old: if added { None } else { side },
            new: if added { side } else { None },
        }
    }
}

impl<'r> Worker<'r> {
    fn new(repo: &'r gix::Repository, prefix: &'r [Vec<u8>], blobs: bool) -> Result<Self, Failed> {
        let resources = repo.diff_resource_cache_for_tree_diff()?;
        Ok(Worker {
            repo,
            prefix,
            blobs,
            tree_buf: Vec::new(),
            old_tree: Vec::new(),
            new_tree: Vec::new(),
            old_blob: Vec::new(),
            new_blob: Vec::new(),
            subtrees: [None, None],
            trees: Default::default(),
            spare: Default::default(),
            state: Default::default(),
            resources,
            diff: Diff::default(),
        })
    }

    /// Whether to read `items` (newest first) from the oldest. gix caches the
    /// objects it returned, not the delta bases it went through, so reading
    /// against the grain of the pack's delta chains re-applies a whole chain
    /// per tree (several times the work). `git pack-objects` (clones, `gc`)
    /// stores older versions as deltas on newer ones: read newest first;
    /// `git fast-import` stores each tree as a delta on its parent's: read
    /// oldest first. Decided by the delta depths of the content trees of the
    /// first commits: a tree one delta deeper than its parent's votes for
    /// oldest first, one delta shallower for newest first.
    fn oldest_first(&mut self, items: &[Item]) -> Result<bool, Failed> {
        use gix::odb::Header as _;
        let mut depths = Vec::new();
        for item in items.iter().take(65) {
            let depth = match self.subtree(item.tree)? {
                Some(tree) => match self.repo.objects.try_header(&tree)? {
                    Some(gix::odb::find::Header::Packed(h)) => Some(h.num_deltas),
                    _ => None,
                },
                None => None,
            };
            depths.push(depth);
        }
        let mut votes = 0i64;
        for pair in depths.windows(2) {
            if let [Some(newer), Some(older)] = pair {
                if *newer == older + 1 {
                    votes += 1;
                } else if *older == newer + 1 {
                    votes -= 1;
                }
            }
        }
        Ok(votes > 0)
    }

    fn commit(&mut self, item: Item) -> Result<Walked, Failed> {
        if let Some(index) = item.known {
            return Ok(Walked::Known(index));
        }
        let time = Utc
            .timestamp_opt(item.secs, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let new_sub = self.subtree(item.tree)?;
        let old_sub = match item.parent_tree {
            Some(tree) => self.subtree(tree)?,
            None => None,
        };
        let changes = if old_sub == new_sub {
            Vec::new()
        } else {
            match self.fast_diff(old_sub, new_sub)? {
                Some(changes) => changes,
                None => self.diff_trees(old_sub, new_sub)?,
            }
        };
        Ok(Walked::Read(RawCommit {
            id: item.id,
            author: item.author,
            co_authors: item.co_authors,
            time,
            changes,
        }))
    }

    /// The content directory's tree in `root`, `None` when it has none.
    fn subtree(&mut self, root: ObjectId) -> Result<Option<ObjectId>, Failed> {
        if let Some((_, sub)) = self.subtrees.iter().flatten().find(|(r, _)| *r == root) {
            return Ok(*sub);
        }
        let mut at = root;
        let mut found = Some(root);
        for component in self.prefix {
            let tree = self.repo.objects.find_tree_iter(&at, &mut self.tree_buf)?;
            let mut next = None;
            for entry in tree {
                let entry = entry?;
                if entry.filename.as_bytes() == component.as_slice() {
                    if entry.mode.is_tree() {
                        next = Some(entry.oid.to_owned());
                    }
                    break;
                }
            }
            match next {
                Some(id) => at = id,
                None => {
                    found = None;
                    break;
                }
            }
        }
        let found = found.map(|_| at);
        self.subtrees.swap(0, 1);
        self.subtrees[0] = Some((root, found));
        Ok(found)
    }

    fn diff_trees(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
    ) -> Result<Vec<Change>, Failed> {
        let objects = &self.repo.objects;
        self.old_tree.clear();
        self.new_tree.clear();
        if let Some(id) = old {
            objects.find_tree_iter(&id, &mut self.old_tree)?;
        }
        if let Some(id) = new {
            objects.find_tree_iter(&id, &mut self.new_tree)?;
        }
        let kind = gix::hash::Kind::Sha1;
        let options = gix::diff::tree_with_rewrites::Options {
            location: Some(gix::diff::tree::recorder::Location::Path),
            rewrites: Some(gix::diff::Rewrites {
                copies: None,
                percentage: Some(0.5),
                limit: 10_000,
                track_empty: false,
            }),
        };
        let mut found: Vec<Found> = Vec::new();
        let blobish = |mode: gix::objs::tree::EntryMode| {
            let kind = mode.kind();
            (kind != EntryKind::Tree).then_some(kind)
        };
        gix::diff::tree_with_rewrites(
            TreeRefIter::from_bytes(&self.old_tree, kind),
            TreeRefIter::from_bytes(&self.new_tree, kind),
            &mut self.resources,
            &mut self.state,
            objects,
            |change| {
                use gix::diff::tree_with_rewrites::ChangeRef;
                let item = match change {
                    ChangeRef::Addition {
                        location,
                        entry_mode,
                        id,
                        ..
                    } => blobish(entry_mode)
                        .map(|k| Found::one_sided(location, id.to_owned(), k, true)),
                    ChangeRef::Deletion {
                        location,
                        entry_mode,
                        id,
                        ..
                    } => blobish(entry_mode)
                        .map(|k| Found::one_sided(location, id.to_owned(), k, false)),
                    ChangeRef::Modification {
                        location,
                        previous_entry_mode,
                        previous_id,
                        entry_mode,
                        id,
                    } => match (blobish(previous_entry_mode), blobish(entry_mode)) {
                        (Some(a), Some(b)) => Some(Found {
                            path: lossy(location),
                            from: None,
                            old: Some((previous_id.to_owned(), a)),
                            new: Some((id.to_owned(), b)),
                        }),
                        _ => None,
                    },
                    ChangeRef::Rewrite {
                        source_location,
                        source_entry_mode,
                        source_id,
                        entry_mode,
                        id,
                        location,
                        copy,
                        ..
                    } => match (blobish(source_entry_mode), blobish(entry_mode)) {
                        (Some(a), Some(b)) if !copy => Some(Found {
                            path: lossy(location),
                            from: Some(lossy(source_location)),
                            old: Some((source_id, a)),
                            new: Some((id.to_owned(), b)),
                        }),
                        _ => None,
                    },
                };
                if let Some(item) = item {
                    found.push(item);
                }
                Ok(std::ops::ControlFlow::Continue(()))
            },
            options,
        )?;
        self.resources.clear_resource_cache_keep_allocation();
        self.finish(found)
    }

    /// Sort `found` by path (git's order) and count lines.
    fn finish(&mut self, mut found: Vec<Found>) -> Result<Vec<Change>, Failed> {
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
            .into_iter()
            .map(|f| {
                let (added, removed) = self.numstat(f.old, f.new)?;
                Ok(Change {
                    deleted: f.new.is_none(),
                    path: f.path,
                    from: f.from,
                    added,
                    removed,
                })
            })
            .collect()
    }

    /// The raw bytes of tree `id`.
    fn tree_bytes(&self, id: &ObjectId) -> Result<std::rc::Rc<Vec<u8>>, Failed> {
        let mut trees = self.trees.borrow_mut();
        let (now, before) = &mut *trees;
        if let Some((_, t)) = now.iter().chain(before.iter()).find(|(k, _)| k == id) {
            let t = t.clone();
            now.push((*id, t.clone()));
            return Ok(t);
        }
        let mut buf = self.spare.borrow_mut().pop().unwrap_or_default();
        match self.repo.objects.try_find(id, &mut buf)? {
            Some(data) if data.kind == gix::objs::Kind::Tree => {}
            _ => return Err(Failed(format!("missing tree {id}"))),
        }
        let t = std::rc::Rc::new(buf);
        now.push((*id, t.clone()));
        Ok(t)
    }

    /// The tree diff without gix's rename tracker: a merge of both trees'
    /// raw entries that skips their common head and stops at a common tail,
    /// recursing only into subtrees that differ. Renames are paired when they
    /// are exact and unambiguous (one deleted and one added file with the
    /// same non-empty blob); `None` when anything else could be a rename
    /// (the caller then runs gix's tracker, which also judges similarity),
    /// never without blobs (the tracker would read them).
    fn fast_diff(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
    ) -> Result<Option<Vec<Change>>, Failed> {
        {
            let mut trees = self.trees.borrow_mut();
            let (now, before) = &mut *trees;
            std::mem::swap(now, before);
            let mut spare = self.spare.borrow_mut();
            for (_, tree) in now.drain(..) {
                if let Ok(buf) = std::rc::Rc::try_unwrap(tree) {
                    spare.push(buf);
                }
            }
        }
        let none = std::rc::Rc::new(Vec::new());
        let old = match old {
            Some(id) => self.tree_bytes(&id)?,
            None => none.clone(),
        };
        let new = match new {
            Some(id) => self.tree_bytes(&id)?,
            None => none,
        };
        let mut items = Vec::new();
        self.merge_trees(&old, &new, &mut Vec::new(), &mut items)?;
        let (mut dels, mut adds) = (Vec::new(), Vec::new());
        for (i, f) in items.iter().enumerate() {
            match (f.old, f.new) {
                (Some(_), None) => dels.push(i),
                (None, Some(_)) => adds.push(i),
                _ => {}
            }
        }
        if !dels.is_empty() && !adds.is_empty() {
            let empty = ObjectId::empty_blob(gix::hash::Kind::Sha1);
            let id_of = |side: Option<(ObjectId, EntryKind)>| side.map(|s| s.0);
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            for &a in &adds {
                let Some(add) = items.get(a) else { continue };
                let Some((id, kind)) = add.new else { continue };
                let same: Vec<usize> = dels
                    .iter()
                    .copied()
                    .filter(|&d| items.get(d).and_then(|x| id_of(x.old)) == Some(id))
                    .collect();
                let twins = adds
                    .iter()
                    .filter(|&&b| items.get(b).and_then(|x| id_of(x.new)) == Some(id))
                    .count();
                match same.as_slice() {
                    [] => {}
                    [d] if twins == 1 && id != empty => {
                        let regular =
                            |k: EntryKind| matches!(k, EntryKind::Blob | EntryKind::BlobExecutable);
                        let old_kind = items.get(*d).and_then(|x| x.old).map(|s| s.1);
                        if regular(kind) && old_kind.is_some_and(regular) {
                            pairs.push((*d, a));
                        } else if self.blobs {
                            return Ok(None);
                        }
                    }
                    // Without blobs only unambiguous exact renames pair.
                    _ if !self.blobs => {}
                    _ => return Ok(None),
                }
            }
            if self.blobs && dels.len() > pairs.len() && adds.len() > pairs.len() {
                // Unpaired deletions and additions: maybe similar renames.
                return Ok(None);
            }
            let mut gone = vec![false; items.len()];
            for &(d, a) in &pairs {
                let (from, old) = match items.get(d) {
                    Some(x) => (x.path.clone(), x.old),
                    None => continue,
                };
                if let Some(add) = items.get_mut(a) {
                    add.from = Some(from);
                    add.old = old;
                }
                if let Some(g) = gone.get_mut(d) {
                    *g = true;
                }
            }
            let mut keep = gone.iter().map(|g| !g);
            items.retain(|_| keep.next().unwrap_or(true));
        }
        self.finish(items).map(Some)
    }

    /// Merge the raw entries of trees `old` and `new` under `path`.
    fn merge_trees(
        &self,
        old: &[u8],
        new: &[u8],
        path: &mut Vec<u8>,
        out: &mut Vec<Found>,
    ) -> Result<(), Failed> {
        // Whole entries of the common head are equal in both.
        let head = common_head(old, new);
        let mut i = 0;
        while let Some(e) = RawEntry::parse(old, i) {
            if e.next > head {
                break;
            }
            i = e.next;
        }
        let mut j = i;
        let mut dirty = false;
        loop {
            let a = RawEntry::parse(old, i);
            let b = RawEntry::parse(new, j);
            match (a, b) {
                (None, None) => break,
                (Some(a), None) => {
                    self.one_side(&a, path, false, out)?;
                    i = a.next;
                }
                (None, Some(b)) => {
                    self.one_side(&b, path, true, out)?;
                    j = b.next;
                }
                (Some(a), Some(b)) => match a.order(&b) {
                    std::cmp::Ordering::Less => {
                        self.one_side(&a, path, false, out)?;
                        i = a.next;
                        dirty = true;
                    }
                    std::cmp::Ordering::Greater => {
                        self.one_side(&b, path, true, out)?;
                        j = b.next;
                        dirty = true;
                    }
                    std::cmp::Ordering::Equal => {
                        i = a.next;
                        j = b.next;
                        if a.mode == b.mode && a.id == b.id {
                            if dirty {
                                dirty = false;
                                if old.get(i..) == new.get(j..) {
                                    break;
                                }
                            }
                            continue;
                        }
                        dirty = true;
                        let len = path.len();
                        path.extend_from_slice(a.name);
                        if a.kind == EntryKind::Tree {
                            path.push(b'/');
                            let (x, y) = (self.tree_bytes(&a.oid())?, self.tree_bytes(&b.oid())?);
                            self.merge_trees(&x, &y, path, out)?;
                        } else {
                            out.push(Found {
                                path: lossy(path.as_bstr()),
                                from: None,
                                old: Some((a.oid(), a.kind)),
                                new: Some((b.oid(), b.kind)),
                            });
                        }
                        path.truncate(len);
                    }
                },
            }
        }
        Ok(())
    }

    /// An entry only in the old (`added` false) or new tree: a file, or
    /// every file under a directory.
    fn one_side(
        &self,
        e: &RawEntry<'_>,
        path: &mut Vec<u8>,
        added: bool,
        out: &mut Vec<Found>,
    ) -> Result<(), Failed> {
        let len = path.len();
        path.extend_from_slice(e.name);
        if e.kind == EntryKind::Tree {
            path.push(b'/');
            let sub = self.tree_bytes(&e.oid())?;
            let empty: &[u8] = &[];
            if added {
                self.merge_trees(empty, &sub, path, out)?;
            } else {
                self.merge_trees(&sub, empty, path, out)?;
            }
        } else {
            out.push(Found::one_sided(path.as_bstr(), e.oid(), e.kind, added));
        }
        path.truncate(len);
        Ok(())
    }

    /// Lines added and removed from `old` to `new`, as git's numstat counts
    /// them (binary: 0/0).
    fn numstat(
        &mut self,
        old: Option<(ObjectId, EntryKind)>,
        new: Option<(ObjectId, EntryKind)>,
    ) -> Result<(u64, u64), Failed> {
        if !self.blobs {
            return Ok((0, 0));
        }
        if let (Some((a, _)), Some((b, _))) = (old, new) {
            if a == b {
                return Ok((0, 0));
            }
        }
        let objects = &self.repo.objects;
        let load = |side: Option<(ObjectId, EntryKind)>, buf: &mut Vec<u8>| -> Result<(), Failed> {
            buf.clear();
            match side {
                None => {}
                Some((id, EntryKind::Commit)) => {
                    buf.extend_from_slice(format!("Subproject commit {id}\n").as_bytes());
                }
                Some((id, _)) => {
                    let data = objects.try_find(&id, buf)?;
                    if data.is_none() {
                        return Err(Failed(format!("missing blob {id}")));
                    }
                }
            }
            Ok(())
        };
        load(old, &mut self.old_blob)?;
        load(new, &mut self.new_blob)?;
        if is_binary(&self.old_blob) || is_binary(&self.new_blob) {
            return Ok((0, 0));
        }
        let (before, after) = (self.old_blob.as_slice(), self.new_blob.as_slice());
        if before.is_empty() || after.is_empty() {
            return Ok((line_count(after), line_count(before)));
        }
        // The interner only lives for this call: its tokens borrow the blobs.
        let mut input: InternedInput<&[u8]> = InternedInput::new(before, after);
        self.diff.compute_with(
            Algorithm::MyersMinimal,
            &input.before,
            &input.after,
            input.interner.num_tokens(),
        );
        let counts = (
            u64::from(self.diff.count_additions()),
            u64::from(self.diff.count_removals()),
        );
        input.clear();
        Ok(counts)
    }
}

/// One entry of a raw tree: `mode SP name NUL id`.
struct RawEntry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
    kind: EntryKind,
    /// Offset of the next entry.
    next: usize,
}

impl<'a> RawEntry<'a> {
    fn parse(data: &'a [u8], at: usize) -> Option<RawEntry<'a>> {
        let rest = data.get(at..)?;
        let space = rest.find_byte(b' ')?;
        let nul = space + 1 + rest.get(space + 1..)?.find_byte(0)?;
        let id = rest.get(nul + 1..nul + 21)?;
        let mode = rest.get(..space)?;
        let kind = match mode {
            b"40000" | b"040000" => EntryKind::Tree,
            b"160000" => EntryKind::Commit,
            b"120000" => EntryKind::Link,
            b"100755" => EntryKind::BlobExecutable,
            _ => EntryKind::Blob,
        };
        Some(RawEntry {
            mode,
            name: rest.get(space + 1..nul)?,
            id,
            kind,
            next: at + nul + 21,
        })
    }

    fn oid(&self) -> ObjectId {
        ObjectId::try_from(self.id).unwrap_or_else(|_| ObjectId::null(gix::hash::Kind::Sha1))
    }

    /// Git's tree order: names compared as if a directory's ended in `/`.
    fn order(&self, other: &RawEntry<'_>) -> std::cmp::Ordering {
        let end = |e: &RawEntry<'_>| if e.kind == EntryKind::Tree { b'/' } else { 0 };
        let a = self.name.iter().copied().chain(std::iter::once(end(self)));
        let b = other
            .name
            .iter()
            .copied()
            .chain(std::iter::once(end(other)));
        a.cmp(b)
    }
}

/// The length of the common head of `a` and `b`.
fn common_head(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks(64).zip(b.chunks(64)) {
        if x == y {
            n += x.len();
        } else {
            return n + x.iter().zip(y).take_while(|(p, q)| p == q).count();
        }
    }
    n
}

/// A path as [`super::git`]'s log parser reads git's: lossy UTF-8, `/`
/// separators.
fn lossy(path: &BStr) -> String {
    String::from_utf8_lossy(path.as_bytes()).replace('\\', "/")
}

/// The encoding a commit's `encoding` header names, when it is not UTF-8
/// and encoding_rs knows it (git leaves bytes it cannot convert as they
/// are, and so does this reader).
fn legacy_encoding(header: Option<&BStr>) -> Option<&'static encoding_rs::Encoding> {
    let encoding = encoding_rs::Encoding::for_label(header?.trim())?;
    (encoding != encoding_rs::UTF_8).then_some(encoding)
}

/// `bytes` decoded from `encoding` to UTF-8, or as they are when they do not
/// decode cleanly (as git keeps a commit it cannot re-encode).
fn decode_legacy<'a>(encoding: &'static encoding_rs::Encoding, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
            Cow::Owned(t) => Cow::Owned(t.into_bytes()),
        },
        None => Cow::Borrowed(bytes),
    }
}

/// Whether `repo` is a partial clone: a promisor remote
/// (`remote.<name>.promisor`) or `extensions.partialClone`, as git decides.
fn is_partial(repo: &gix::Repository) -> bool {
    let config = repo.config_snapshot();
    let file = config.plumbing();
    file.string("extensions.partialClone")
        .is_some_and(|v| !v.is_empty())
        || file
            .sections_by_name("remote")
            .into_iter()
            .flatten()
            .any(|section| {
                section.value("promisor").is_some_and(|v| {
                    let v: &BStr = v.as_ref();
                    gix::config::Boolean::try_from(v).is_ok_and(|b| b.0)
                })
            })
}

/// Git's rule: a NUL in the first 8,000 bytes.
fn is_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|&b| b == 0)
}

/// Lines in `data`; a last line without a line end counts.
fn line_count(data: &[u8]) -> u64 {
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// Split a raw `Name <email> 1234567890 +0000` ident line as git does for
/// `%an`, `%ae` and `%at`: the name before the first `<`, the email up to the
/// next `>`, the time after the last `>`.
fn split_ident(line: &BStr) -> (Identity, i64) {
    let line = line.as_bytes();
    let Some(open) = line.find_byte(b'<') else {
        return (
            Identity {
                name: String::new(),
                email: String::new(),
            },
            0,
        );
    };
    let close = line
        .get(open + 1..)
        .and_then(|rest| rest.find_byte(b'>'))
        .map_or(line.len(), |p| open + 1 + p);
    let name = String::from_utf8_lossy(line.get(..open).unwrap_or(b""))
        .trim()
        .to_string();
    let email = String::from_utf8_lossy(line.get(open + 1..close).unwrap_or(b""))
        .trim()
        .to_string();
    let after = line.rfind_byte(b'>').map_or(line.len(), |p| p + 1);
    let secs = line
        .get(after..)
        .unwrap_or(b"")
        .trim_start()
        .split(|&b| b == b' ')
        .next()
        .and_then(|t| std::str::from_utf8(t).ok())
        .and_then(|t| t.parse::<i64>().ok())
        .unwrap_or(0);
    (Identity { name, email }, secs)
}

/// The identities in `Co-authored-by:` trailers of `message`, as
/// [`super::git`] parses git's `%(trailers:key=Co-authored-by,valueonly)`.
pub fn co_authors(message: &[u8]) -> Vec<Identity> {
    let values = trailer_values(message, b"co-authored-by");
    let text = String::from_utf8_lossy(&values.join(&b'\x1f')).into_owned();
    text.split('\x1f')
        .flat_map(|v| v.lines())
        .filter_map(parse_contact)
        .collect()
}

const SCISSORS: &[u8] = b"# ------------------------ >8 ------------------------\n";

/// Lines of `buf` as (start, end) byte offsets, each end after its `\n`.
fn line_starts(buf: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, &b) in buf.iter().enumerate() {
        if b == b'\n' && i + 1 < buf.len() {
            starts.push(i + 1);
        }
    }
    starts
}

fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .take_while(|&&b| b != b'\n')
        .all(|b| b.is_ascii_whitespace())
}

/// git's `find_separator` with `:`: the offset of the separator when the
/// line starts with a token (letters, digits, `-`, then maybe spaces).
fn separator(line: &[u8]) -> Option<usize> {
    let mut space_seen = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
            return Some(i);
        }
        if !space_seen && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            space_seen = true;
            continue;
        }
        break;
    }
    None
}

/// The end of the message proper: before a scissors line and before trailing
/// comment or blank lines (git's `ignored_log_message_bytes`).
fn message_end(buf: &[u8]) -> usize {
    let mut cutoff = buf.len();
    if buf.starts_with(SCISSORS) {
        cutoff = 0;
    } else if let Some(p) = buf
        .windows(SCISSORS.len() + 1)
        .position(|w| w.first() == Some(&b'\n') && w.get(1..) == Some(SCISSORS))
    {
        cutoff = p + 1;
    }
    let mut boc: Option<usize> = None;
    let mut in_conflicts = false;
    let mut bol = 0;
    while bol < cutoff {
        let next = buf
            .get(bol..)
            .and_then(|r| r.find_byte(b'\n'))
            .map_or(buf.len(), |p| bol + p + 1);
        let line = buf.get(bol..).unwrap_or(b"");
        if line.first() == Some(&b'#') || line.first() == Some(&b'\n') {
            boc.get_or_insert(bol);
        } else if line.starts_with(b"Conflicts:\n") {
            in_conflicts = true;
            boc.get_or_insert(bol);
        } else if in_conflicts && line.first() == Some(&b'\t') {
        } else if boc.is_some() {
            boc = None;
            in_conflicts = false;
        }
        bol = next;
    }
    boc.unwrap_or(cutoff)
}

/// Where the trailer block of `buf` starts (git's
/// `find_trailer_block_start`), `buf.len()` when it has none.
fn trailer_start(buf: &[u8]) -> usize {
    let len = buf.len();
    let starts = line_starts(buf);
    let line = |s: usize| buf.get(s..).unwrap_or(b"");
    // The title paragraph cannot hold trailers.
    let mut end_of_title = len;
    for &s in &starts {
        let l = line(s);
        if l.first() == Some(&b'#') {
            continue;
        }
        if is_blank(l) {
            end_of_title = s;
            break;
        }
    }
    if len == 0 {
        return len;
    }
    let (mut only_spaces, mut recognized_prefix) = (true, false);
    let (mut trailer_lines, mut non_trailer_lines, mut continuation) = (0usize, 0usize, 0usize);
    for &s in starts.iter().rev() {
        if s < end_of_title {
            break;
        }
        let l = line(s);
        if l.first() == Some(&b'#') {
            non_trailer_lines += continuation;
            continuation = 0;
            continue;
        }
        if is_blank(l) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += continuation;
            let next = l.find_byte(b'\n').map_or(len, |p| s + p + 1);
            if (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0)
            {
                return next;
            }
            return len;
        }
        only_spaces = false;
        if l.starts_with(b"Signed-off-by: ") || l.starts_with(b"(cherry picked from commit ") {
            trailer_lines += 1;
            continuation = 0;
            recognized_prefix = true;
            continue;
        }
        let first_space = l.first().is_some_and(|b| b.is_ascii_whitespace());
        if separator(l).is_some_and(|p| p >= 1) && !first_space {
            trailer_lines += 1;
            continuation = 0;
        } else if first_space {
            continuation += 1;
        } else {
            non_trailer_lines += 1 + continuation;
            continuation = 0;
        }
    }
    len
}

/// The trimmed values of the trailers whose key is `key` (lowercase ASCII),
/// continuation lines kept, as git's `%(trailers:key=...,valueonly)`.
fn trailer_values(message: &[u8], key: &[u8]) -> Vec<Vec<u8>> {
    let end = message_end(message);
    let body = message.get(..end).unwrap_or(message);
    let start = trailer_start(body);
    let block = body.get(start..).unwrap_or(b"");
    // Trailers with their continuation lines.
    let mut trailers: Vec<Vec<u8>> = Vec::new();
    let mut last_is_trailer = false;
    for l in block.split_inclusive(|&b| b == b'\n') {
        if last_is_trailer && l.first().is_some_and(|b| b.is_ascii_whitespace()) {
            if let Some(t) = trailers.last_mut() {
                t.extend_from_slice(l);
            }
            continue;
        }
        last_is_trailer = separator(l).is_some_and(|p| p >= 1);
        trailers.push(l.to_vec());
    }
    let mut out = Vec::new();
    for t in trailers {
        let Some(sep) = separator(&t).filter(|&p| p >= 1) else {
            continue;
        };
        let token = t.get(..sep).unwrap_or(b"").trim();
        if token.eq_ignore_ascii_case(key) {
            out.push(t.get(sep + 1..).unwrap_or(b"").trim().to_vec());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(message: &str) -> Vec<String> {
        co_authors(message.as_bytes())
            .into_iter()
            .map(|i| format!("{} <{}>", i.name, i.email))
            .collect()
    }

    #[test]
    fn co_authors_come_from_the_last_paragraph_by_git_trailer_rules() {
        // Only the last paragraph; keys case-insensitive; values trimmed.
        assert_eq!(
            names(
                "T\n\nbody\nCo-authored-by: A <a@x>\n\nSigned-off-by: S <s@x>\n\
                 co-authored-by:   B <b@x>  \n"
            ),
            vec!["B <b@x>"]
        );
        // A paragraph with prose and no git-generated trailer is no block.
        assert!(names("T\n\nCo-authored-by: A <a@x>\nnot a trailer\nmore\n").is_empty());
        // With `Signed-off-by: ` a quarter of trailers is enough.
        assert_eq!(
            names("T\n\nCo-authored-by: A <a@x>\nprose\nprose\nSigned-off-by: S <s@x>\n"),
            vec!["A <a@x>"]
        );
        // The title is never a trailer; trailing comments are ignored.
        assert!(names("Co-authored-by: A <a@x>\n").is_empty());
        assert_eq!(
            names("T\n\nCo-authored-by: A <a@x>\n# comment\n"),
            vec!["A <a@x>"]
        );
        // A continuation line joins its trailer (and parses as a contact).
        assert_eq!(
            names("T\n\nCo-authored-by: A <a@x>\n  B <b@x>\n"),
            vec!["A <a@x>", "B <b@x>"]
        );
    }

    #[test]
    fn ident_lines_split_as_git_does() {
        let (id, secs) = split_ident(BStr::new(b"  Ana  Lima  <ana@x> 1700000000 +0100"));
        assert_eq!(
            (id.name.as_str(), id.email.as_str(), secs),
            ("Ana  Lima", "ana@x", 1_700_000_000)
        );
        let (id, secs) = split_ident(BStr::new(b"no email at all"));
        assert_eq!((id.name.as_str(), secs), ("", 0));
    }

    /// Builds a repository of edge cases (see `EDGE`) and reads it both ways.
    #[test]
    fn gix_records_equal_git_log_records_on_edge_cases() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("repo");
        let script = format!(
            "set -euo pipefail\nr={}\ngit init -q -b main \"$r\"\ncd \"$r\"\n{EDGE}",
            root.display()
        );
        let ok = std::process::Command::new("bash")
            .args(["-c", &script])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_COMMITTER_NAME", "C")
            .env("GIT_COMMITTER_EMAIL", "c@x")
            .env("GIT_AUTHOR_NAME", "Mer")
            .env("GIT_AUTHOR_EMAIL", "mer@x.example")
            .status()
            .expect("bash");
        assert!(ok.success());
        let content = root.join("content");
        let env: [(&str, &std::ffi::OsStr); 2] = [
            ("GIT_CONFIG_NOSYSTEM", "1".as_ref()),
            ("GIT_CONFIG_GLOBAL", "/dev/null".as_ref()),
        ];
        let git = super::super::git::oracle::log(&env, &content);
        assert_eq!(git.len(), 23);
        let head = String::from_utf8(
            std::process::Command::new("git")
                .args(["rev-parse", "HEAD"])
                .current_dir(&root)
                .output()
                .expect("git")
                .stdout,
        )
        .expect("utf-8");
        // The interesting records are there (so equality means something).
        assert!(git
            .iter()
            .any(|c| c.changes.iter().any(|ch| ch.from.is_some())));
        assert!(git.iter().any(|c| c.changes.iter().any(|ch| ch.deleted)));
        assert!(git.iter().any(|c| !c.co_authors.is_empty()));
        // A commit in ISO-8859-1: git re-encodes it, and so must the reader.
        assert!(
            git.iter()
                .any(|c| c.author.name == "José Latin"
                    && c.co_authors.iter().any(|a| a.name == "Zoë"))
        );
        // Every order, chunks of 1 to all commits (boundaries everywhere),
        // one to three diff threads: git's walk order and records.
        for order in [Order::Auto, Order::OldestFirst, Order::NewestFirst] {
            for (threads, chunk) in [(1, 1024), (2, 1), (3, 4), (2, 7)] {
                let reader = Reader::open(&root.join(".git"), "content/", Vec::new())
                    .expect("open")
                    .with(order, chunk);
                let gix: Vec<RawCommit> = reader
                    .walk(head.trim(), threads, &|_| None)
                    .expect("gix")
                    .into_iter()
                    .map(|c| match c {
                        Walked::Read(c) => c,
                        other => panic!("not read by gix: {other:?}"),
                    })
                    .collect();
                for (a, b) in git.iter().zip(&gix) {
                    assert_eq!(a, b, "{order:?}, {threads} threads, chunks of {chunk}");
                }
                assert_eq!(gix.len(), git.len());
            }
        }
        // The records written for the history cache parse back to themselves.
        for commit in &git {
            let bytes = super::super::record::format_record(commit);
            assert_eq!(
                super::super::record::parse_log(&bytes),
                vec![commit.clone()]
            );
        }
        // Known commits are walked, not read, and keep their place.
        let reader = Reader::open(&root.join(".git"), "content/", Vec::new()).expect("open");
        let skip = git.get(5).map(|c| c.id.clone()).unwrap_or_default();
        let walked = reader
            .walk(head.trim(), 2, &|id| (id == skip).then_some(5))
            .expect("gix");
        assert_eq!(walked.get(5), Some(&Walked::Known(5)));
        assert_eq!(
            walked.get(6),
            git.get(6).cloned().map(Walked::Read).as_ref()
        );
        assert_eq!(walked.len(), git.len());
    }

    /// One commit per case (run with `r` set to the repository, inside it).
    const EDGE: &str = r##"n=0
c() { n=$((n+1)); GIT_AUTHOR_NAME="${A:-Ana}" GIT_AUTHOR_EMAIL="${E:-ana@x.example}" GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@x \
  GIT_AUTHOR_DATE="2024-01-$(printf %02d $n)T00:00:00Z" GIT_COMMITTER_DATE="2024-01-$(printf %02d $n)T00:00:00Z" git commit -q --allow-empty -m "$1"; }
mkdir -p content/a docs
printf 'one\ntwo\nthree\n' > content/a/page.md; printf 'outside\n' > docs/out.md; printf 'x' > content/nonl.md
git add -A; c "root"
for i in $(seq 1 20); do echo "line $i of a long page" >> content/long.md; done
git add -A; A="Bo" E="bo@x.example" c "$(printf 'long page\n\nCo-authored-by: Cy <cy@x.example>\nCo-authored-by: Dee <dee@x.example>\n')"
git mv content/long.md content/a/long-renamed.md; echo "tail" >> content/a/long-renamed.md
git add -A; c "$(printf 'rename with edit\n\nSome text.\nCo-authored-by: NotMe <no@x.example>\n\nSigned-off-by: Ana <ana@x.example>\nco-authored-by:   Eve Ok <eve@x.example>  \n')"
git mv docs/out.md content/in.md; git add -A; c "move in from outside"
git mv content/a/page.md docs/page.md; git add -A; c "move out"
head -c 3000 /dev/urandom > content/blob.bin; printf '\0' >> content/blob.bin; git add -A; c "binary"
head -c 3000 /dev/urandom > content/blob.bin; git add -A; c "binary changed"
chmod +x content/in.md; git add -A; c "mode only"
: > content/empty.md; git add -A; c "empty file"
printf 'x\n' > content/nonl.md; git add -A; c "$(printf 'newline\n\nCo-authored-by: Folded <f@x.example>\n  continued <g@x.example>\n')"
git mv content/a content/b; git add -A; c "directory rename"
git rm -q content/empty.md; c "delete empty"
echo "only outside" > docs/x.md; git add -A; c "outside only"
for i in $(seq 1 10); do echo "similar line $i" >> content/sim.md; done; git add -A; c "sim"
git mv content/sim.md content/sim2.md; for i in 1 2 3; do echo "new $i" >> content/sim2.md; done; sed -i 's/similar line 1$/changed/' content/sim2.md; git add -A; c "inexact rename"
git checkout -q -b side HEAD~3; echo side > content/side.md; git add -A; c "side"
git checkout -q main; GIT_AUTHOR_DATE=2024-02-01T00:00:00Z GIT_COMMITTER_DATE=2024-02-01T00:00:00Z git merge -q --no-ff -m merge side
printf 'a\nb\nc\nd\n' > content/x1.md; printf 'a\nb\nc\nd\n' > content/x2.md; git add -A; c "two identical"
git mv content/x1.md content/y1.md; git mv content/x2.md content/y2.md; git add -A; c "two identical renamed"
git rm -q content/y1.md; cp content/y2.md content/z.md; git add -A; c "delete one, copy other"
printf 'Title\n\nBody\n\nCo-authored-by: Late <late@x.example>\n# comment\n' > "$r/.git/edge-msg"; git add -A; printf 'q\n' >> content/sim2.md; git add -A
GIT_AUTHOR_NAME="  Spaced  Name " GIT_AUTHOR_EMAIL=sp@x.example git commit -q --cleanup=verbatim -F "$r/.git/edge-msg"
mkdir -p content/sub; echo s > content/sub/s.md; git add -A; c "only title, Co-authored-by: NoBody <nb@x.example>"
git rm -rq content/sub; c "$(printf 'del dir\n\nCo-authored-by: One <1@x.example>\nnot a trailer line\nAnother line\n')"
echo latin >> content/sim2.md; git add -A
GIT_AUTHOR_NAME=$'Jos\xe9 Latin' GIT_AUTHOR_EMAIL=jose@x.example GIT_AUTHOR_DATE=2024-02-10T00:00:00Z GIT_COMMITTER_DATE=2024-02-10T00:00:00Z \
  git -c i18n.commitEncoding=ISO-8859-1 commit -q -m $'latin-1\n\nCo-authored-by: Zo\xeb <zoe@x.example>'
"##;
}
