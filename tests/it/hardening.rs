//! Hostile and broken inputs: a clear error naming the file, never a panic
//! or a hang, and nothing lost.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{lorebook, site, tree};

/// Build must fail with exit 1 (not crash) and name `file` on stderr.
fn fails_naming(root: &Path, file: &str) -> String {
    let out = lorebook()
        .args(["build", "--root"])
        .arg(root)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out).into_owned();
    assert!(err.contains(file), "stderr should name {file}:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn invalid_utf8_page_is_reported_with_its_line() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/bad.md"),
        b"---\ntitle: x\n---\nok line\nbad \xff\xfe here\n",
    )
    .unwrap();
    let err = fails_naming(&root, "content/bad.md:5:5");
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn binary_file_named_md_is_reported() {
    let (_t, root) = site("basic");
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0, 0, 0, 0x0d];
    bytes.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(root.join("content/image.md"), bytes).unwrap();
    let err = fails_naming(&root, "content/image.md");
    assert!(err.contains("binary"), "{err}");
}

#[test]
fn empty_page_builds() {
    let (_t, root) = site("basic");
    std::fs::write(root.join("content/empty.md"), "").unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert!(root.join("public/empty/index.html").is_file());
}

#[test]
fn unclosed_front_matter_is_an_error_on_line_one() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/open.md"),
        "---\ntitle: Open\n\n# Heading\n",
    )
    .unwrap();
    let err = fails_naming(&root, "content/open.md:1:1");
    assert!(err.contains("not closed"), "{err}");
}

#[test]
fn yaml_alias_bomb_is_rejected_quickly() {
    let (_t, root) = site("basic");
    let mut y = String::from(
        "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        y.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    y.push_str("title: *i\n---\n");
    std::fs::write(root.join("content/bomb.md"), y).unwrap();
    fails_naming(&root, "content/bomb.md");
}

#[test]
fn deeply_nested_markdown_does_not_overflow() {
    let (_t, root) = site("basic");
    let quotes = ">".repeat(10_000) + " deep\n";
    let lists: String = (0..10_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    std::fs::write(root.join("content/quotes.md"), quotes).unwrap();
    std::fs::write(root.join("content/lists.md"), lists).unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
}

#[test]
fn a_fifty_megabyte_page_builds() {
    let (_t, root) = site("basic");
    let para = "Relay keeps your files in sync across every device you own. ".repeat(20) + "\n\n";
    let mut text = String::from("---\ntitle: Huge\n---\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("## A heading\n\n");
        text.push_str(&para);
    }
    std::fs::write(root.join("content/huge.md"), text).unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content_is_reported() {
    let (_t, root) = site("basic");
    std::os::unix::fs::symlink(root.join("content"), root.join("content/guide/loop")).unwrap();
    let err = fails_naming(&root, "content/guide/loop");
    assert!(err.contains("loop"), "{err}");
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    let (_t, root) = site("basic");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(root.join("content").join(name), "# Caf\n").unwrap();
    let err = fails_naming(&root, "content/caf");
    assert!(err.contains("not valid UTF-8"), "{err}");
}

#[cfg(unix)]
#[test]
fn unreadable_page_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, root) = site("basic");
    let path = root.join("content/secret.md");
    std::fs::write(&path, "# Secret\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // `page_whose_read_fails_is_reported_even_as_root` covers root.
        eprintln!("skipped: running as a user who can read mode-000 files (root)");
        return;
    }
    let err = fails_naming(&root, "content/secret.md");
    assert!(err.contains("cannot read"), "{err}");
}

/// Root reads mode-000 files, so this uses a file whose read fails for
/// everyone: `/proc/self/mem` (reading address 0 is an I/O error).
#[cfg(target_os = "linux")]
#[test]
fn page_whose_read_fails_is_reported_even_as_root() {
    let (_t, root) = site("basic");
    lorebook()
        .args(["-q", "build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let before = tree(&root.join("public"));
    std::os::unix::fs::symlink("/proc/self/mem", root.join("content/secret.md")).unwrap();
    let err = fails_naming(&root, "content/secret.md");
    // A link out of the site is refused before it is read (issue 25).
    assert!(err.contains("outside the site"), "{err}");
    assert_eq!(
        before,
        tree(&root.join("public")),
        "previous output changed"
    );
}

#[cfg(unix)]
#[test]
fn read_only_output_location_is_an_io_error_and_keeps_old_output() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, root) = site("basic");
    let parent = tmp.path().join("ro");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("public");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let before = tree(&out);
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = parent.join("probe");
    if std::fs::write(&probe, "x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The root-proof tests above cover root.
        eprintln!("skipped: running as a user who can write read-only folders (root)");
        return;
    }
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(before, tree(&out));
}

/// Writes that fail for root too: a file size limit (as on a full disk:
/// `EFBIG`, with `SIGXFSZ` ignored as `trap ""` does) stops the write of the
/// staging folder; the error names the file and public/ stays as it was.
#[cfg(unix)]
#[test]
fn failed_output_write_keeps_the_previous_output_even_as_root() {
    let (_t, root) = site("basic");
    lorebook()
        .args(["-q", "build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let before = tree(&root.join("public"));
    std::fs::write(root.join("content/guide/a-first.md"), "# Changed\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("lorebook");
    let mut sh = std::process::Command::new("sh");
    let out = crate::common::hermetic(&mut sh)
        .arg("-c")
        .arg(r#"trap "" XFSZ; ulimit -f 1; exec "$0" build --root "$1""#)
        .arg(&bin)
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write `"), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(
        before,
        tree(&root.join("public")),
        "previous output changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lorebook-new"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// Output locations no one can create, root included: under a regular file,
/// and on the read-only sysfs.
#[cfg(target_os = "linux")]
#[test]
fn output_location_that_cannot_be_created_is_an_io_error_even_as_root() {
    let (tmp, root) = site("basic");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "keep me").unwrap();
    for out in [
        file.join("public"),
        std::path::PathBuf::from("/sys/lorebook-test/public"),
    ] {
        let assert = lorebook()
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        let parent = out.parent().unwrap().display().to_string();
        assert!(
            stderr.contains(&format!("cannot write `{parent}`")),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert!(!std::path::Path::new("/sys/lorebook-test").exists());
}

#[cfg(unix)]
#[test]
fn killing_a_build_midway_keeps_the_previous_output() {
    let (_t, root) = site("basic");
    // Enough pages that the write phase takes a while.
    for i in 0..3000 {
        let body = format!(
            "# Page {i}\n\n{}\n",
            "Some words about syncing files. ".repeat(200)
        );
        std::fs::write(root.join(format!("content/guide/gen-{i:04}.md")), body).unwrap();
    }
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let before = tree(&root.join("public"));
    std::fs::write(root.join("content/guide/a-first.md"), "# Changed\n").unwrap();
    for delay_ms in [50u64, 150, 300, 600] {
        let mut child = crate::common::lorebook_process()
            .args(["-q", "build", "--root"])
            .arg(&root)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let after = tree(&root.join("public"));
        if status.success() {
            // The build finished before the kill: the new output is whole.
            assert!(String::from_utf8_lossy(&after["guide/a-first/index.html"]).contains("Changed"));
            return;
        }
        assert_eq!(
            before.len(),
            after.len(),
            "killed after {delay_ms} ms: file count changed"
        );
        assert!(
            before == after,
            "killed after {delay_ms} ms: output changed"
        );
    }
}

/// Issue 25 item 1: a link in `static/` or `content/` whose target leaves the
/// site is an error at the link's path in `build` and `check`, and the
/// target is never published.
#[cfg(unix)]
#[test]
fn symlinks_leaving_the_site_are_errors_and_never_published() {
    let (tmp, root) = site("basic");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "TOKEN=hunter2\n").unwrap();
    std::fs::write(outside.join("page.md"), "# Outside\n\nTOKEN=hunter2\n").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("static/passwd.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("static/dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("page.md"), root.join("content/x.md")).unwrap();
    // A link that stays inside the site is fine.
    std::fs::write(root.join("static/inside.txt"), "inside\n").unwrap();
    std::os::unix::fs::symlink("inside.txt", root.join("static/alias.txt")).unwrap();

    let err = fails_naming(&root, "static/passwd.txt");
    for link in ["static/dir", "content/x.md"] {
        assert!(err.contains(link), "stderr should name {link}:\n{err}");
    }
    assert!(err.contains("outside the site"), "{err}");
    assert!(!err.contains("static/alias.txt"), "{err}");
    assert!(!root.join("public").exists(), "nothing is published");

    let out = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("static/passwd.txt"), "{err}");
    assert!(err.contains("outside the site"), "{err}");

    // Without the bad links the site builds and the inside link is published.
    for link in ["static/passwd.txt", "static/dir", "content/x.md"] {
        std::fs::remove_file(root.join(link)).unwrap();
    }
    lorebook()
        .args(["-q", "build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let public = tree(&root.join("public"));
    assert_eq!(
        public.get("alias.txt").map(Vec::as_slice),
        Some(&b"inside\n"[..])
    );
    assert!(public
        .values()
        .all(|b| !String::from_utf8_lossy(b).contains("hunter2")));
}

/// Issue 25 item 9: file names that publish under misleading URLs warn.
#[test]
fn risky_file_names_warn() {
    let (_t, root) = site("basic");
    std::fs::create_dir_all(root.join("static")).unwrap();
    for name in [
        "a%2e%2e.txt",
        "b%2Fc.txt",
        "Logo.png",
        "logo.png",
        "tab\tname.txt",
    ] {
        std::fs::write(root.join("static").join(name), "x").unwrap();
    }
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("static/a%2e%2e.txt") && err.contains("percent-encoded"),
        "{err}"
    );
    assert!(err.contains("static/b%2Fc.txt"), "{err}");
    assert!(err.contains("only in case"), "{err}");
    assert!(err.contains("control characters"), "{err}");
}

/// Issue 25 item 9: a file where the site needs a folder is a diagnostic
/// naming both sources, not an I/O error on the staging path.
#[test]
fn a_file_where_a_folder_is_needed_names_both_sources() {
    let (_t, root) = site("basic");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/guide"), "x").unwrap();
    let err = fails_naming(&root, "static/guide");
    assert!(err.contains("both a file"), "{err}");
    assert!(err.contains("content/guide"), "{err}");
    assert!(!err.contains("lorebook-new"), "{err}");
}

/// Issue 25 item 9: forum diagnostics name the export relative to the site,
/// without `/./`, at its line.
#[test]
fn forum_diagnostics_show_clean_relative_paths() {
    let (_t, root) = site("basic");
    let config = std::fs::read_to_string(root.join("lorebook.yaml")).unwrap();
    std::fs::write(
        root.join("lorebook.yaml"),
        format!("{config}\nforum:\n  - type: discourse\n    name: d\n    path: ./forum/t.json\n    licence: CC BY 4.0\n"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("forum")).unwrap();
    std::fs::write(root.join("forum/t.json"), "{\n  \"id\": 1,\n  oops\n}\n").unwrap();
    let err = fails_naming(&root, "forum/t.json:3");
    assert!(!err.contains("/./"), "{err}");
    assert!(!err.contains(&root.display().to_string()), "{err}");
}
