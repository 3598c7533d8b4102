//! The binary's surface: help, version, exit codes, error format, init.

use predicates::prelude::*;

use crate::common::{lorebook, site};

#[test]
fn prints_version() {
    lorebook()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_lists_every_command_and_each_has_help() {
    let out = lorebook()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    for cmd in ["init", "build", "serve", "check"] {
        assert!(text.contains(cmd), "--help lacks {cmd}:\n{text}");
        lorebook()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn usage_errors_exit_2() {
    lorebook().arg("frobnicate").assert().code(2);
    lorebook()
        .args(["build", "--no-such-flag"])
        .assert()
        .code(2);
}

#[test]
fn missing_config_exits_2_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `lorebook.yaml`"))
        .stderr(predicate::str::contains("lorebook init"));
}

/// The exit code comes from the kind of failure, whatever the message says:
/// an unreadable `lorebook.yaml` is an I/O error (2) for every command, a
/// file with problems an error in the site (1).
#[test]
fn config_failures_exit_by_kind_for_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let every_command_exits = |code: i32, says: &str| {
        for command in ["build", "check", "insights"] {
            lorebook()
                .args([command, "--root"])
                .arg(tmp.path())
                .assert()
                .code(code)
                .stderr(predicate::str::contains(says));
        }
    };
    std::fs::create_dir(tmp.path().join("lorebook.yaml")).unwrap();
    every_command_exits(2, "cannot read");
    std::fs::remove_dir(tmp.path().join("lorebook.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("lorebook.yaml"),
        "title: T\nno_such_key: 1\n",
    )
    .unwrap();
    every_command_exits(1, "no_such_key");
    lorebook()
        .args(["check", "--format", "json", "--root"])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no_such_key"));
}

#[test]
fn unknown_config_key_names_file_line_and_closest_key() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("lorebook.yaml"),
        "title: T\nbase_url: https://x.example/\ntitel: oops\n",
    )
    .unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "lorebook.yaml:3:1: error: unknown key `titel`",
        ))
        .stderr(predicate::str::contains("hint: did you mean `title`?"));
}

#[test]
fn every_bad_page_is_reported_in_one_run_with_its_own_line() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("content/guide/bad1.md"),
        "---\ntitle: One\nwieght: 2\n---\nbody\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/guide/bad2.md"),
        "---\ntitle: Two\n\ntags: [a\n---\nbody\n",
    )
    .unwrap();
    let out = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("content/guide/bad1.md:3:1: error: unknown key `wieght`"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `weight`?"), "{err}");
    assert!(err.contains("content/guide/bad2.md:"), "{err}");
    assert!(
        !root.join("public").exists(),
        "a failed first build must not create public/"
    );
}

#[test]
fn init_writes_a_site_that_builds_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kb");
    lorebook().arg("init").arg(&dir).assert().success();
    assert!(dir.join("lorebook.yaml").is_file());
    lorebook()
        .args(["check", "--root"])
        .arg(&dir)
        .assert()
        .success();
    lorebook()
        .args(["build", "--root"])
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("built "));
    assert!(dir.join("public/index.html").is_file());
    assert!(dir
        .join("public/getting-started/install/index.html")
        .is_file());
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("lorebook.yaml"), "title: Mine\n").unwrap();
    lorebook()
        .arg("init")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("lorebook.yaml")).unwrap(),
        "title: Mine\n"
    );
}

#[test]
fn check_reports_in_github_and_json_formats() {
    let (_tmp, root) = site("basic");
    std::fs::write(
        root.join("content/bad.md"),
        "---\ntitle: Bad\nwieght: 2\n---\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--format", "github", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=content/bad.md,line=3,col=1::unknown key `wieght`",
        ));
    let out = lorebook()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let first = &json[0];
    assert_eq!(first["path"], "content/bad.md");
    assert_eq!(first["line"], 3);
    assert_eq!(first["severity"], "error");
}

#[test]
fn check_writes_nothing() {
    let (_tmp, root) = site("basic");
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert!(!root.join("public").exists());
}

#[test]
fn refuses_output_directories_that_would_destroy_sources() {
    let (_tmp, root) = site("basic");
    for bad in [
        root.clone(),
        root.join("content"),
        root.parent().unwrap().to_path_buf(),
    ] {
        lorebook()
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing"));
    }
    assert!(root.join("content/guide/a-first.md").is_file());
}

/// A long Stack Exchange import draws its progress on a terminal and stays
/// silent when stderr is a pipe or `CI` is set.
#[test]
fn forum_import_shows_progress_on_a_terminal_only() {
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` missing"
        );
        eprintln!("SKIP: no `script` to run the binary under a terminal");
        return;
    }
    let example = crate::common::manifest_dir().join("example-site");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let bin = assert_cmd::cargo::cargo_bin("lorebook");
    let command = format!(
        "{} build --root {} --output {}",
        bin.display(),
        example.display(),
        out.display()
    );
    let run_in_terminal = |ci: Option<&str>| {
        let mut cmd = std::process::Command::new(script);
        cmd.args(["-qec", &command, "/dev/null"]).env_remove("CI");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let shown = run_in_terminal(None);
    assert!(
        shown.contains("reading Posts.xml (pass 1 of 2)")
            && shown.contains("reading Posts.xml (pass 2 of 2)"),
        "{shown:?}"
    );
    assert!(!run_in_terminal(Some("true")).contains("reading Posts.xml"));
    // Through a pipe: the build's own lines only.
    let piped = lorebook()
        .args(["build", "--root"])
        .arg(&example)
        .arg("--output")
        .arg(&out)
        .env_remove("CI")
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    assert!(!String::from_utf8_lossy(&piped).contains("reading Posts.xml"));
}

/// Issue 17: paths in messages were printed as `…/site/.` and `…/./public`.
#[test]
fn messages_show_clean_paths() {
    let (_t, root) = site("basic");
    let real = root.canonicalize().unwrap();
    let out = lorebook()
        .current_dir(root.join("content"))
        .args(["check", "--root", ".."])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!("checked `{}`", real.display())),
        "{err}"
    );
    let out = lorebook()
        .current_dir(&root)
        .args(["build", "--root", ".", "--output", "./out"])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!("into `{}`", real.join("out").display())),
        "{err}"
    );
    assert!(!err.contains("/./") && !err.contains("/.`"), "{err}");
}

/// Every command and flag, as clap knows them, for the generated files.
fn commands_and_flags() -> (Vec<String>, Vec<String>) {
    let help = |args: &[&str]| {
        let out = lorebook().args(args).arg("--help").assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let top = help(&[]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description goes on with deeper indentation.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    assert!(commands.len() >= 7, "{top}");
    let flags = help(&["check"])
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(',').to_string())
        .collect();
    (commands, flags)
}

#[test]
fn completions_cover_every_command_and_the_bash_script_parses() {
    let (commands, flags) = commands_and_flags();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = lorebook().args(["completions", shell]).assert().success();
        let script = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        for word in commands.iter().chain(&flags) {
            // fish writes `-l root` for `--root`.
            let word = if shell == "fish" {
                word.trim_start_matches('-')
            } else {
                word.as_str()
            };
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let out = lorebook().args(["completions", "bash"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lorebook.bash");
    std::fs::write(&file, &out.get_output().stdout).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n rejects the completion script");
    lorebook().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_lists_every_command_and_man_dir_writes_one_page_per_command() {
    let (commands, flags) = commands_and_flags();
    let out = lorebook().arg("man").assert().success();
    let page = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(page.contains(".TH lorebook 1"), "{page}");
    for c in &commands {
        assert!(page.contains(c.as_str()), "man page lacks {c}");
    }
    let dir = tempfile::tempdir().unwrap();
    let man = dir.path().join("man");
    lorebook()
        .args(["man", "--dir"])
        .arg(&man)
        .assert()
        .success();
    for c in &commands {
        assert!(
            man.join(format!("lorebook-{c}.1")).is_file(),
            "no page for {c}"
        );
    }
    // roff escapes `-` as `\-`.
    let check = std::fs::read_to_string(man.join("lorebook-check.1")).unwrap();
    for f in &flags {
        let escaped = f.replace('-', "\\-");
        assert!(check.contains(&escaped), "lorebook-check.1 lacks {f}");
    }
}
