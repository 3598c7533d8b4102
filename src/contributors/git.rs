//! The git command line, for what lorebook still asks it: where the
//! content directory's repository is and whether it is shallow (the probe of
//! [`super::read`]), the id of HEAD, and `.mailmap` (`git check-mailmap`, in
//! [`super::identity`]). One process per build for each, never one per
//! file; the history itself is read in process ([`super::odb`]).

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The id of HEAD, cheap enough to call before every rebuild under serve:
/// history is re-read only when it changes. `None` outside git.
pub fn head_id(dir: &Path) -> Option<String> {
    head_id_env(&[], dir)
}

/// [`head_id`] with extra environment (tests use it to stay hermetic).
pub(super) fn head_id_env(env: &[(&str, &OsStr)], dir: &Path) -> Option<String> {
    let out = output(env, dir, &["rev-parse", "--verify", "-q", "HEAD"])?;
    let id = String::from_utf8_lossy(&out).trim().to_string();
    (!id.is_empty()).then_some(id)
}

/// Run git in `dir` with `env` added; its output on success.
pub(super) fn output(env: &[(&str, &OsStr)], dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .current_dir(dir)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// Run git with `input` on its standard input; its output on success.
pub(super) fn with_input(
    env: &[(&str, &OsStr)],
    dir: &Path,
    args: &[&str],
    input: Vec<u8>,
) -> Option<Vec<u8>> {
    let mut child = Command::new("git")
        .current_dir(dir)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Write from a thread so a full stdout pipe cannot deadlock us.
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    out.status.success().then_some(out.stdout)
}

/// The test oracle: the history as `git log` itself prints it, which the
/// in-process reader must equal record for record.
#[cfg(test)]
pub(super) mod oracle {
    use std::ffi::OsStr;
    use std::path::Path;

    use super::super::record::{parse_log, RawCommit, LOG_ARGS};

    /// `git log` with the record format's arguments, run in `dir` on HEAD.
    pub fn log(env: &[(&str, &OsStr)], dir: &Path) -> Vec<RawCommit> {
        let out = super::output(env, dir, LOG_ARGS).expect("git log runs");
        parse_log(&out)
    }
}
