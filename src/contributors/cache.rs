//! The on-disk history cache: the raw `git log` records of every commit of
//! one walk, so the next build diffs only commits it has not seen (see
//! [`super::git`] for how it is used). This module owns the file: where it
//! lives, its header, checking it on load and writing it atomically.
//!
//! - Where: `<git common dir>/lorebook/history-v1-<key>`, where `<key>` is a
//!   short SHA-256 of what decides the bytes git prints (the content
//!   directory's prefix in the repository, the `git log` arguments, the record
//!   format, [`VERSION`]). Never in the site folder or the output, never
//!   committed; the identities it holds are already in the same `.git`.
//! - Layout: one header line
//!   `lorebook-history v1 <head id> <commits> <body bytes> <fnv64 of body>`,
//!   then the body: the records as `git log` printed them, or as
//!   [`super::record::format_record`] writes the in-process reader's records in
//!   the same format, newest first, so loading reuses the log parser.
//! - A missing, foreign, truncated or altered file loads as `None` (the
//!   caller then reads git and rewrites it). Writing is best effort: any I/O
//!   error leaves no cache and is never a build error. Files are written
//!   under a unique temporary name and renamed into place, so a concurrent
//!   `build` and `serve` never see a torn file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// Bump when the meaning of the stored bytes changes.
pub const VERSION: &str = "1";

const MAGIC: &str = "lorebook-history";

/// A loaded cache: the HEAD it was written at and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub head: String,
    /// How many records the writer stored (checked by the caller after
    /// parsing).
    pub commits: usize,
    pub body: Vec<u8>,
}

/// The cache file for a content directory at `prefix` (as `git rev-parse
/// --show-prefix` prints it) in the repository whose common git dir is
/// `git_dir`, for a log read with `args`.
pub fn path(git_dir: &Path, prefix: &str, args: &[&str]) -> PathBuf {
    let mut hasher = Sha256::new();
    for part in std::iter::once(VERSION)
        .chain(std::iter::once(prefix))
        .chain(args.iter().copied())
    {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let key: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    git_dir
        .join("lorebook")
        .join(format!("history-v{VERSION}-{key}"))
}

/// FNV-1a, 64 bits, over `parts` in order: cheap enough for megabytes, and
/// enough to notice a damaged file (not a defence against forgery: anyone
/// who can write `.git` can write the history itself).
fn checksum<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Read and check the cache file. `None` when it is missing, unreadable,
/// foreign (another magic or version) or does not match its header.
pub fn load(path: &Path) -> Option<Cached> {
    let bytes = std::fs::read(path).ok()?;
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(bytes.get(..newline)?).ok()?;
    let mut fields = header.split(' ');
    if fields.next()? != MAGIC || fields.next()? != format!("v{VERSION}") {
        return None;
    }
    let head = fields.next()?;
    if head.is_empty() || !head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let commits: usize = fields.next()?.parse().ok()?;
    let len: usize = fields.next()?.parse().ok()?;
    let sum = u64::from_str_radix(fields.next()?, 16).ok()?;
    if fields.next().is_some() {
        return None;
    }
    let body = bytes.get(newline + 1..)?;
    if body.len() != len || checksum([body]) != sum {
        return None;
    }
    Some(Cached {
        head: head.to_string(),
        commits,
        body: body.to_vec(),
    })
}

/// Write the cache for `head`: `commits` records whose bytes are `parts`
/// concatenated. Best effort: `false` when anything failed (nothing is left
/// behind but, at worst, the old file).
pub fn store(path: &Path, head: &str, commits: usize, parts: &[&[u8]]) -> bool {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let Some(dir) = path.parent() else {
        return false;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let sum = checksum(parts.iter().copied());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        "{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| -> std::io::Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(out, "{MAGIC} v{VERSION} {head} {commits} {len} {sum:016x}")?;
        for part in parts {
            out.write_all(part)?;
        }
        // No fsync: a file cut short by a crash fails the length check.
        out.flush()?;
        drop(out);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_cache_loads_back_and_damage_is_rejected() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = path(tmp.path(), "content/", &["log", "-z"]);
        assert!(file.starts_with(tmp.path().join("lorebook")));
        assert_eq!(load(&file), None, "no file yet");
        assert!(store(&file, "abc123", 2, &[b"\x1eone", b"\x1etwo\0"]));
        let cached = load(&file).expect("loads");
        assert_eq!(cached.head, "abc123");
        assert_eq!(cached.commits, 2);
        assert_eq!(cached.body, b"\x1eone\x1etwo\0");
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(file.parent().expect("dir"))
            .expect("read dir")
            .collect();
        assert_eq!(names.len(), 1);

        let good = std::fs::read(&file).expect("read");
        // Truncated, a byte changed, a foreign header, garbage: all rejected.
        std::fs::write(&file, &good[..good.len() - 1]).expect("write");
        assert_eq!(load(&file), None);
        let mut flipped = good.clone();
        if let Some(last) = flipped.last_mut() {
            *last = b'x';
        }
        std::fs::write(&file, &flipped).expect("write");
        assert_eq!(load(&file), None);
        let foreign = String::from_utf8_lossy(&good).replace(" v1 ", " v0 ");
        std::fs::write(&file, foreign).expect("write");
        assert_eq!(load(&file), None);
        std::fs::write(&file, b"\xff\xfe\n\x1e").expect("write");
        assert_eq!(load(&file), None);
    }

    #[test]
    fn key_depends_on_prefix_and_arguments() {
        let dir = Path::new("/g");
        let a = path(dir, "content/", &["log"]);
        assert_ne!(a, path(dir, "docs/", &["log"]));
        assert_ne!(a, path(dir, "content/", &["log", "-M"]));
        assert_eq!(a, path(dir, "content/", &["log"]));
    }

    #[test]
    fn unwritable_directory_is_not_an_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        // A file where the cache directory should be: create_dir_all fails.
        std::fs::write(tmp.path().join("lorebook"), "x").expect("write");
        let file = path(tmp.path(), "", &[]);
        assert!(!store(&file, "abc", 0, &[]));
        assert_eq!(load(&file), None);
    }
}
