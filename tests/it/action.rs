//! The GitHub Action (`action.yml`) and the workflows shipped as examples:
//! they parse, use only inputs the action declares, and the action's check
//! and build steps, run as GitHub runs them, annotate a site in a subfolder
//! with paths from the repository root and build it. (`.ci/run` also lints
//! the workflows with actionlint.)

use std::path::Path;

use serde_yaml::Value;

use crate::common::{copy_dir, manifest_dir};

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(manifest_dir().join(rel)).expect(rel);
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn workflows() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "example-site/.github/workflows"] {
        for entry in std::fs::read_dir(manifest_dir().join(dir)).expect(dir) {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

fn action_inputs() -> Vec<String> {
    let action = yaml("action.yml");
    action["inputs"]
        .as_mapping()
        .expect("inputs")
        .keys()
        .map(|k| k.as_str().expect("input name").to_string())
        .collect()
}

/// The steps of the action, by name.
fn action_step(name: &str) -> Value {
    let action = yaml("action.yml");
    action["runs"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step named {name}"))
        .clone()
}

#[test]
fn the_action_is_a_composite_with_the_documented_inputs() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action_inputs();
    for want in [
        "root",
        "version",
        "check",
        "build",
        "base-url",
        "deny-warnings",
    ] {
        assert!(inputs.iter().any(|i| i == want), "no input {want}");
    }
    for step in action["runs"]["steps"].as_sequence().expect("steps") {
        if step.get("run").is_some() {
            assert_eq!(
                step["shell"], "bash",
                "composite run steps need a shell: {step:?}"
            );
        }
    }
    // Every `inputs.X` the action reads is declared.
    let text = std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap();
    for used in text.split("inputs.").skip(1) {
        let name: String = used
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(
            inputs.contains(&name),
            "action.yml reads undeclared input {name}"
        );
    }
}

#[test]
fn workflows_parse_and_pass_the_action_only_inputs_it_declares() {
    let inputs = action_inputs();
    let files = workflows();
    assert!(files.len() >= 5, "{files:?}");
    let mut uses_action = 0;
    for file in &files {
        let wf = yaml(file);
        assert!(wf.get("on").is_some(), "{file}: no trigger");
        let jobs = wf["jobs"]
            .as_mapping()
            .unwrap_or_else(|| panic!("{file}: no jobs"));
        for (job, body) in jobs {
            let steps = body["steps"].as_sequence();
            for step in steps.into_iter().flatten() {
                let uses = step["uses"].as_str().unwrap_or("");
                if uses == "./" || uses.starts_with("lorebook/lorebook@") {
                    uses_action += 1;
                    for key in step["with"]
                        .as_mapping()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k)
                    {
                        let key = key.as_str().unwrap_or("");
                        assert!(
                            inputs.iter().any(|i| i == key),
                            "{file}: job {job:?} passes unknown input {key}"
                        );
                    }
                }
            }
        }
    }
    assert!(uses_action >= 4, "the examples use the action");
    // The release builds every platform the action installs.
    let release =
        std::fs::read_to_string(manifest_dir().join(".github/workflows/release.yml")).unwrap();
    let action = std::fs::read_to_string(manifest_dir().join("action.yml")).unwrap();
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            release.contains(target),
            "release.yml does not build {target}"
        );
        assert!(
            action.contains(target),
            "action.yml does not install {target}"
        );
    }
    assert!(
        release.contains("sha256sum"),
        "release.yml writes checksums"
    );
}

/// Run one of the action's `run:` scripts with bash as a runner would:
/// from `workspace`, with the step's `env` (inputs filled in) and
/// `GITHUB_OUTPUT`.
fn run_step(name: &str, workspace: &Path, inputs: &[(&str, &str)]) -> (bool, String, String) {
    let step = action_step(name);
    let script = step["run"].as_str().expect("run script");
    let out_file = workspace.join("github-output");
    std::fs::write(&out_file, "").unwrap();
    let bin_dir = assert_cmd::cargo::cargo_bin("lorebook")
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(workspace)
        .env_clear()
        .env("PATH", path)
        .env("HOME", workspace)
        .env("NO_COLOR", "1")
        .env("GITHUB_OUTPUT", &out_file);
    for (key, value) in step["env"].as_mapping().into_iter().flatten() {
        let key = key.as_str().expect("env name");
        let value = value.as_str().unwrap_or("");
        // `${{ inputs.x }}` becomes the input's value (or the empty default).
        let filled = match value
            .strip_prefix("${{ inputs.")
            .and_then(|v| v.strip_suffix(" }}"))
        {
            Some(input) => inputs
                .iter()
                .find(|(k, _)| *k == input)
                .map_or("", |(_, v)| *v),
            None => value,
        };
        cmd.env(key, filled);
    }
    let out = cmd.output().expect("bash runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        std::fs::read_to_string(&out_file).unwrap_or_default(),
    )
}

#[test]
fn the_actions_check_annotates_a_subfolder_site_and_its_build_writes_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let workspace = tmp.path().join("repo");
    copy_dir(
        &manifest_dir().join("tests/fixtures/basic"),
        &workspace.join("kb"),
    );
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(&workspace)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &workspace)
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    let inputs = [("root", "kb"), ("deny-warnings", "false")];
    let (ok, stdout, _) = run_step("Check the site", &workspace, &inputs);
    assert!(ok, "{stdout}");

    std::fs::write(
        workspace.join("kb/content/bad.md"),
        "# Bad\n\n[x](nowhere.md)\n",
    )
    .unwrap();
    let (ok, stdout, _) = run_step("Check the site", &workspace, &inputs);
    assert!(!ok, "a broken link fails the check");
    assert!(
        stdout.contains("::error file=kb/content/bad.md,line=3,col=1::"),
        "{stdout}"
    );
    std::fs::remove_file(workspace.join("kb/content/bad.md")).unwrap();

    let inputs = [
        ("root", "kb"),
        ("base-url", "https://preview.example/pr-7/"),
        ("output", ""),
    ];
    let (ok, stdout, outputs) = run_step("Build the site", &workspace, &inputs);
    assert!(ok, "{stdout}");
    assert_eq!(outputs.trim(), "output-dir=kb/public");
    let sitemap = std::fs::read_to_string(workspace.join("kb/public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("https://preview.example/pr-7/"),
        "{sitemap}"
    );
}

/// The install step against a fake release (a `curl` that serves files from
/// a folder and a `cargo` that records its arguments): the archive is
/// verified and put on the PATH; a wrong checksum stops the job; no binary
/// for the version falls back to `cargo install --locked`.
#[cfg(unix)]
#[test]
fn the_actions_install_verifies_the_checksum_and_falls_back_to_cargo() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let (release, fake_bin, runner_temp) =
        (work.join("release"), work.join("bin"), work.join("rt"));
    for d in [&release, &fake_bin, &runner_temp] {
        std::fs::create_dir_all(d).unwrap();
    }
    let script = |name: &str, body: &str| {
        let path = fake_bin.join(name);
        std::fs::write(&path, format!("#!/usr/bin/env bash\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    // curl ... -o FILE URL: copy the URL's last part from the release folder.
    script(
        "curl",
        &format!(
            "out=''; url=''\nwhile [ $# -gt 0 ]; do case \"$1\" in -o) out=\"$2\"; shift 2;; -*) shift;; *) url=\"$1\"; shift;; esac; done\n\
             src=\"{}/${{url##*/}}\"\n[ -f \"$src\" ] || exit 22\ncp \"$src\" \"$out\"",
            release.display()
        ),
    );
    script(
        "cargo",
        &format!("echo \"$*\" > {}/cargo-args", work.display()),
    );

    let name = "lorebook-v9.9.9-x86_64-unknown-linux-gnu";
    std::fs::create_dir_all(work.join("stage").join(name)).unwrap();
    std::fs::write(
        work.join("stage").join(name).join("lorebook"),
        "#!/bin/sh\n",
    )
    .unwrap();
    let tar = std::process::Command::new("tar")
        .arg("-C")
        .arg(work.join("stage"))
        .args(["-czf"])
        .arg(release.join(format!("{name}.tar.gz")))
        .arg(name)
        .status()
        .unwrap();
    assert!(tar.success());
    let sha = std::process::Command::new("sha256sum")
        .arg(release.join(format!("{name}.tar.gz")))
        .output()
        .unwrap();
    let digest = String::from_utf8_lossy(&sha.stdout)
        .split(' ')
        .next()
        .unwrap()
        .to_string();

    let step = action_step("Install lorebook");
    let run = |version: &str, checksum: &str| {
        std::fs::write(
            release.join(format!("{name}.tar.gz.sha256")),
            format!("{checksum}  {name}.tar.gz\n"),
        )
        .unwrap();
        let (path_file, out_file) = (work.join("github-path"), work.join("github-output"));
        std::fs::write(&path_file, "").unwrap();
        std::fs::write(&out_file, "").unwrap();
        let _ = std::fs::remove_file(work.join("cargo-args"));
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(step["run"].as_str().unwrap())
            .current_dir(work)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", fake_bin.display()))
            .env("WANTED", version)
            .env("ACTION_REPO", "example/lorebook")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_OUTPUT", &out_file)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            std::fs::read_to_string(&path_file).unwrap(),
            std::fs::read_to_string(work.join("cargo-args")).ok(),
        )
    };

    let (ok, stdout, path, cargo) = run("9.9.9", &digest);
    assert!(ok, "{stdout}");
    assert_eq!(
        path.trim(),
        runner_temp
            .join("lorebook-bin")
            .join(name)
            .display()
            .to_string()
    );
    assert!(runner_temp
        .join("lorebook-bin")
        .join(name)
        .join("lorebook")
        .is_file());
    assert_eq!(cargo, None, "no cargo install when the binary is there");

    let (ok, stdout, path, _) = run("9.9.9", &"0".repeat(64));
    assert!(!ok, "a wrong checksum must fail");
    assert!(stdout.contains("::error::checksum mismatch"), "{stdout}");
    assert_eq!(path, "", "nothing put on the PATH");

    let (ok, stdout, _, cargo) = run("v1.2.3", &digest);
    assert!(ok, "{stdout}");
    assert_eq!(
        cargo.as_deref().map(str::trim),
        Some("install --locked lorebook --version 1.2.3")
    );
}
