//! The output stage, the only code that writes the built site. It refuses
//! dangerous output directories, writes everything into a fresh directory
//! beside the output, and swaps it in only when every file is written, so a
//! failed or killed build leaves the previous `public/` as it was. It never
//! deletes anything but its own output and its own temporary directories.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// One file of the built site, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: Contents,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copy this source file as is.
    Copy(PathBuf),
}

impl OutputFile {
    pub fn bytes(path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.into()),
        }
    }

    /// The file's size in bytes (reads the metadata of copied files).
    pub fn len(&self) -> u64 {
        match &self.contents {
            Contents::Bytes(b) => b.len() as u64,
            Contents::Copy(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Name of the marker file that says a directory is lorebook's output.
pub const MARKER: &str = ".lorebook-output";

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into `{path}`: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Lexically normalize a path (`a/./b/../c` -> `a/c`) without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn canonical_or_normal(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        // The output may not exist yet: canonicalize its parent.
        match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => std::fs::canonicalize(parent)
                .map(|p| p.join(name))
                .unwrap_or_else(|_| normalize(path)),
            _ => normalize(path),
        }
    })
}

/// Refuse output directories whose replacement would destroy something that
/// is not lorebook's output: `/`, the home directory, the site root, the
/// content directory, any parent of the site, or a non-empty folder that
/// lorebook did not create.
pub fn check_output_dir(
    output: &Path,
    root: &Path,
    protected: &[&Path],
) -> Result<(), OutputError> {
    let out = canonical_or_normal(output);
    let root = canonical_or_normal(root);
    let refuse = |reason: &str| {
        Err(OutputError::Refused {
            path: output.to_path_buf(),
            reason: reason.to_string(),
        })
    };
    if out.parent().is_none() {
        return refuse("it is the file system root");
    }
    // Replacing the output swaps a folder in at its path: a link there
    // would silently become a real folder (and its target be left stale).
    if std::fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse(
            "it is a symbolic link; point --output (or `output_dir`) at the real folder instead",
        );
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if canonical_or_normal(&home) == out {
            return refuse("it is the home directory");
        }
    }
    if root.starts_with(&out) {
        return refuse("it is the site root or one of its parents");
    }
    for p in protected {
        let p = canonical_or_normal(p);
        if p.starts_with(&out) || out.starts_with(&p) {
            return refuse(&format!("it overlaps `{}`", p.display()));
        }
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        let non_empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty {
            return refuse("it holds files that lorebook did not write (no `.lorebook-output` marker); empty it or choose another --output");
        }
    }
    if out.exists() && !out.is_dir() {
        return refuse("it is a file");
    }
    Ok(())
}

/// Write `files` as the new contents of `output`, atomically replacing the
/// previous build. `root` and `protected` are checked first.
pub fn write_site(
    output: &Path,
    root: &Path,
    protected: &[&Path],
    files: &[OutputFile],
) -> Result<(), OutputError> {
    let staging = Staging::create(output, root, protected)?;
    files
        .par_iter()
        .try_for_each(|f| staging.write(f).map(|_| ()))?;
    staging.commit()
}

/// A build being written: a fresh directory beside the output, filled file
/// by file as the render produces them (so the whole site never has to be in
/// memory), then swapped in by [`Staging::commit`]. Dropped without a commit,
/// it removes itself and the previous output stays as it was.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    parent: PathBuf,
    name: String,
    /// Directories already created under `dir` (relative to it), so each
    /// is made once.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Check `output` (see [`check_output_dir`]), clean our own leftovers
    /// from killed builds, and create the staging directory with its marker.
    pub fn create(output: &Path, root: &Path, protected: &[&Path]) -> Result<Staging, OutputError> {
        check_output_dir(output, root, protected)?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        clean_stale_temporaries(&parent, &name);

        let dir = parent.join(format!(".{name}.lorebook-new-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        let staging = Staging {
            dir,
            output: output.to_path_buf(),
            parent,
            name,
            made: Default::default(),
            committed: false,
        };
        // The marker goes first so a half-written staging dir is recognisably ours.
        let marker = staging.dir.join(MARKER);
        std::fs::write(
            &marker,
            "This directory is written by lorebook and replaced on every build.\n",
        )
        .map_err(io(&marker))?;
        Ok(staging)
    }

    /// Write one file into the staging directory; returns its size in bytes.
    /// Safe to call from many threads at once.
    pub fn write(&self, f: &OutputFile) -> Result<u64, OutputError> {
        if f.path.is_absolute()
            || f.path.as_os_str().is_empty()
            || f.path
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(OutputError::Refused {
                path: f.path.clone(),
                reason: "an output path must stay inside the output directory".into(),
            });
        }
        let dest = self.dir.join(&f.path);
        if let Some(parent) = f.path.parent() {
            self.make_dirs(parent)?;
        }
        match &f.contents {
            Contents::Bytes(b) => std::fs::write(&dest, b)
                .map(|_| b.len() as u64)
                .map_err(io(&dest)),
            // Name the destination (a full disk is about where we write),
            // and the source in the message.
            Contents::Copy(src) => std::fs::copy(src, &dest).map_err(|e| OutputError::Io {
                path: dest.clone(),
                source: std::io::Error::new(e.kind(), format!("{e} (copying `{}`)", src.display())),
            }),
        }
    }

    /// Create `rel` (relative to the staging directory) and its missing
    /// parents, each with one `mkdir`, parents first, so no call fails
    /// (create_dir_all on a deep new path first fails on the missing parent,
    /// then retries). The lock is not held while creating (threads waited
    /// on it; see "System calls" in docs/content/benchmarks.md); a directory is recorded
    /// only once it exists, and one made by another thread meanwhile is
    /// accepted.
    fn make_dirs(&self, rel: &Path) -> Result<(), OutputError> {
        let missing: Vec<PathBuf> = match self.made.lock() {
            Ok(made) => rel
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && !made.contains(*a))
                .map(Path::to_path_buf)
                .collect(),
            Err(_) => {
                let dir = self.dir.join(rel);
                return std::fs::create_dir_all(&dir).map_err(io(&dir));
            }
        };
        if missing.is_empty() {
            return Ok(());
        }
        for dir in missing.iter().rev() {
            let path = self.dir.join(dir);
            match std::fs::create_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
                Err(e) => return Err(io(&path)(e)),
            }
        }
        if let Ok(mut made) = self.made.lock() {
            made.extend(missing);
        }
        Ok(())
    }

    /// Swap the finished staging directory in place of the output.
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.committed = true;
        swap_in(&self.dir, &self.output, &self.parent, &self.name)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.dir);
        }
    }
}

/// Remove one of our staging or old-output directories with its marker
/// last, so a removal cut short by a kill still leaves a marked directory
/// (std's `remove_dir_all` may delete the marker first and then stop).
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)?.flatten() {
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path)?,
            _ => std::fs::remove_file(&path)?,
        }
    }
    match std::fs::remove_file(dir.join(MARKER)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::remove_dir(dir)
}

/// Put the finished `staging` directory in place of `output`. On Linux this
/// is one atomic exchange, so the output path never stops existing, even if
/// the process is killed; elsewhere it is two renames.
pub(crate) fn swap_in(
    staging: &Path,
    output: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    if output.exists() && exchange(staging, output) {
        // `staging` now holds the previous build.
        let _ = remove_ours(staging);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.lorebook-old-{}", std::process::id()));
    let had_old = output.exists();
    if had_old {
        std::fs::rename(output, &old).map_err(|e| {
            let _ = std::fs::remove_dir_all(staging);
            OutputError::Io {
                path: output.to_path_buf(),
                source: e,
            }
        })?;
    }
    if let Err(e) = std::fs::rename(staging, output) {
        if had_old {
            let _ = std::fs::rename(&old, output);
        }
        let _ = std::fs::remove_dir_all(staging);
        return Err(OutputError::Io {
            path: output.to_path_buf(),
            source: e,
        });
    }
    if had_old {
        let _ = remove_ours(&old);
    }
    Ok(())
}

/// Atomically exchange two directories (Linux `renameat2`). False when the
/// system cannot, so the caller falls back to renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(ca), Ok(cb)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings for the call's duration.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Remove our own leftovers from builds that were killed mid-way: folders
/// named `.<output>.lorebook-new-<pid>` or `.<output>.lorebook-old-<pid>`
/// beside the output whose process is gone, marked or not (a kill between
/// `mkdir` and writing the marker leaves one unmarked). Nothing outside
/// that exact pattern is touched, and neither is the folder of a build that
/// is still running in another process.
fn clean_stale_temporaries(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| staging_pid(f, name)) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && (pid == std::process::id() || !process_alive(pid)) {
            let path = entry.path();
            if path.join(MARKER).exists() {
                let _ = remove_ours(&path);
            } else {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// The process id in a staging folder name of the output `name`, when
/// `file_name` follows the pattern exactly.
fn staging_pid(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let digits = rest
        .strip_prefix(".lorebook-new-")
        .or_else(|| rest.strip_prefix(".lorebook-old-"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // Cannot tell: keep other processes' folders.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_home_and_site_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        let content = site.join("content");
        assert!(check_output_dir(Path::new("/"), &site, &[]).is_err());
        assert!(check_output_dir(&site, &site, &[]).is_err());
        assert!(check_output_dir(tmp.path(), &site, &[]).is_err());
        assert!(check_output_dir(&content, &site, &[&content]).is_err());
        assert!(check_output_dir(&site.join("content/x"), &site, &[&content]).is_err());
        assert!(check_output_dir(&site.join("public"), &site, &[&content]).is_ok());
    }

    #[test]
    fn refuses_foreign_non_empty_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let out = tmp.path().join("docs");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep").unwrap();
        std::fs::create_dir_all(&site).unwrap();
        let err = write_site(&out, &site, &[], &[OutputFile::bytes("a.html", "x")]).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
        assert_eq!(
            std::fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn replaces_previous_output_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        write_site(&out, &site, &[], &[OutputFile::bytes("old.html", "old")]).unwrap();
        write_site(&out, &site, &[], &[OutputFile::bytes("a/new.html", "new")]).unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("a/new.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(&site)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("lorebook-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn writes_files_into_new_nested_directories_from_many_threads() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        let files: Vec<OutputFile> = (0..200)
            .map(|i| OutputFile::bytes(format!("s{}/p{i}/deep/index.html", i % 7), format!("{i}")))
            .chain([OutputFile::bytes("s0/index.html", "top")])
            .collect();
        write_site(&out, &site, &[], &files).unwrap();
        for i in [0, 13, 199] {
            let page = out.join(format!("s{}/p{i}/deep/index.html", i % 7));
            assert_eq!(std::fs::read_to_string(page).unwrap(), i.to_string());
        }
        assert_eq!(
            std::fs::read_to_string(out.join("s0/index.html")).unwrap(),
            "top"
        );
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        write_site(&out, &site, &[], &[OutputFile::bytes("index.html", "v1")]).unwrap();
        let bad = OutputFile {
            path: "x.png".into(),
            contents: Contents::Copy(tmp.path().join("does-not-exist.png")),
        };
        assert!(write_site(
            &out,
            &site,
            &[],
            &[OutputFile::bytes("index.html", "v2"), bad]
        )
        .is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "v1"
        );
    }

    /// Issue 25 item 3: folders left by killed builds are removed by the next
    /// build whether or not they got their marker; folders of a live build
    /// and anything outside the staging pattern are kept.
    #[test]
    fn next_build_removes_stale_staging_folders_marked_or_not() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let out = site.join("public");
        // A pid that cannot exist (above every pid_max).
        let dead = i32::MAX as u32;
        let unmarked = site.join(format!(".public.lorebook-new-{dead}"));
        std::fs::create_dir_all(unmarked.join("a/b")).unwrap();
        std::fs::write(unmarked.join("a/b/index.html"), "half").unwrap();
        let marked = site.join(format!(".public.lorebook-old-{}", dead - 1));
        std::fs::create_dir_all(marked.join("x")).unwrap();
        std::fs::write(marked.join(MARKER), "").unwrap();
        let foreign = [
            site.join(".public.lorebook-new-12x"),
            site.join(".other.lorebook-new-2147483647"),
            site.join("public.lorebook-new-2147483647"),
        ];
        for f in &foreign {
            std::fs::create_dir_all(f).unwrap();
            std::fs::write(f.join("keep.txt"), "keep").unwrap();
        }
        write_site(&out, &site, &[], &[OutputFile::bytes("index.html", "x")]).unwrap();
        assert!(!unmarked.exists(), "unmarked stale staging folder kept");
        assert!(!marked.exists(), "marked stale folder kept");
        for f in &foreign {
            assert!(f.join("keep.txt").exists(), "{} was touched", f.display());
        }
    }

    #[test]
    fn staging_of_a_live_process_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        // pid 1 is always alive.
        let other = site.join(".public.lorebook-new-1");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("busy.html"), "busy").unwrap();
        write_site(
            &site.join("public"),
            &site,
            &[],
            &[OutputFile::bytes("i.html", "x")],
        )
        .unwrap();
        assert!(other.join("busy.html").exists());
    }

    #[test]
    fn removal_of_our_folder_deletes_the_marker_last() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(".public.lorebook-old-5");
        std::fs::create_dir_all(dir.join("deep/er")).unwrap();
        std::fs::write(dir.join(MARKER), "").unwrap();
        std::fs::write(dir.join("deep/er/f"), "").unwrap();
        remove_ours(&dir).unwrap();
        assert!(!dir.exists());
        assert_eq!(staging_pid(".public.lorebook-old-5", "public"), Some(5));
        assert_eq!(staging_pid(".public.lorebook-old-", "public"), None);
        assert_eq!(staging_pid(".publicx.lorebook-old-5", "public"), None);
    }

    /// Issue 25 item 9: a `public/` that is a link is refused, not replaced.
    #[cfg(unix)]
    #[test]
    fn refuses_an_output_that_is_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let real = tmp.path().join("real");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(&real).unwrap();
        let out = site.join("public");
        std::os::unix::fs::symlink(&real, &out).unwrap();
        let err = write_site(&out, &site, &[], &[OutputFile::bytes("a.html", "x")]).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_failed_copy_names_the_destination() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let bad = OutputFile {
            path: "img/x.png".into(),
            contents: Contents::Copy(tmp.path().join("missing.png")),
        };
        let err = write_site(&site.join("public"), &site, &[], &[bad]).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("img/x.png") && shown.contains("missing.png"),
            "{shown}"
        );
    }
}
