//! Trust signals (#27): what answer pages and listings show about who wrote
//! and accepted an answer, whether the docs team verified it and whether it
//! may be outdated; and that a person who asked to be hidden appears nowhere
//! in the output or the search index.

use std::path::Path;
use std::process::Command;

use crate::common::{lorebook, main_of, read, tree, unpack_shard};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// 2026-06-01T00:00:00Z: the as-of date of every build here.
const AS_OF: &str = "1780272000";

const CONFIG: &str = "title: Trust Test
base_url: https://help.example/
product: { version: \"4.2\", version_tags: [\"v*\"] }
insights: { answer_stale_months: 24 }
forum:
  - type: lorebook
    name: help
    path: forum/help.yaml
    url: https://forum.example
    licence: CC BY 4.0
    default_section: answers
";

/// One question per combination of signals, in lorebook's own format.
const FORUM: &str = "questions:
  - id: staff
    title: Staff at trust level 4, accepted by the asker, verified
    url: https://forum.example/t/staff
    tags: [sync]
    asked: 2026-03-01T09:00:00Z
    reviewed: 2026-04-01
    author: { username: eve, name: Eve, trust_level: 1 }
    body: Sync stops.
    answers:
      - accepted: true
        score: 12
        date: 2026-03-01T10:00:00Z
        accepted_by: asker
        author: { username: kim, name: Kim, staff: true, trust_level: 4 }
        body: Restart the agent.
  - id: maintainer
    title: A maintainer's answer chosen by a maintainer, about an old version
    url: https://forum.example/t/maintainer
    tags: [v3.1]
    asked: 2026-02-01T09:00:00Z
    author: { username: eve, name: Eve }
    body: Where is the export button?
    answers:
      - accepted: true
        score: 4
        date: 2026-02-01T10:00:00Z
        accepted_by: maintainer
        author: { username: lee, name: Lee, association: MEMBER }
        body: Under Settings.
  - id: reputation
    title: High reputation and badges, old and never verified
    url: https://forum.example/t/reputation
    asked: 2023-01-01T09:00:00Z
    author: { username: nat, name: Nat, reputation: -4 }
    body: Why is it slow?
    answers:
      - accepted: true
        score: 30
        date: 2023-01-02T10:00:00Z
        accepted_by: asker
        author: { username: ola, name: Ola, reputation: 15210, moderator: true, badges: { gold: 2, silver: 9, bronze: 40 } }
        body: Turn off the watcher.
  - id: deleted
    title: An answer by a deleted account
    url: https://forum.example/t/deleted
    asked: 2026-05-01T09:00:00Z
    body: Is there a CLI?
    answers:
      - accepted: true
        score: 1
        date: 2026-05-01T10:00:00Z
        author: { username: gone_user, name: gone_user, url: https://forum.example/u/gone_user, deleted: true }
        body: Yes, `relay`.
";

fn build(root: &Path) -> std::path::PathBuf {
    lorebook()
        .env("SOURCE_DATE_EPOCH", AS_OF)
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .success();
    root.join("public")
}

fn answer_page(out: &Path, id: &str) -> String {
    let dir = out.join("answers/help");
    let entry = std::fs::read_dir(&dir)
        .expect("answers folder")
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{id}-"))
        })
        .unwrap_or_else(|| panic!("no page for {id}"));
    read(&entry.path().join("index.html"))
}

#[test]
fn answer_pages_show_role_standing_acceptance_verification_and_age() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write(&root, "lorebook.yaml", CONFIG);
    write(&root, "forum/help.yaml", FORUM);
    write(&root, "content/_index.md", "# Home\n");
    let out = build(&root);
    for id in ["staff", "maintainer", "reputation", "deleted"] {
        let html = answer_page(&out, id);
        insta::assert_snapshot!(format!("answer_{id}_main"), main_of(&html));
    }
    let listing = read(&out.join("answers/index.html"));
    insta::assert_snapshot!("answer_listing_main", main_of(&listing));
    // The deleted account has no credit page; the others do.
    let people = read(&out.join("contributors/index.html"));
    assert!(!people.contains("gone_user"), "{people}");
    assert!(people.contains("Ola"), "{people}");
}

#[test]
fn answers_yaml_verifies_an_imported_answer_and_bad_ids_fail_the_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write(&root, "lorebook.yaml", CONFIG);
    write(&root, "forum/help.yaml", FORUM);
    write(&root, "content/_index.md", "# Home\n");
    write(
        &root,
        "answers.yaml",
        "answers:\n  - id: help:reputation\n    reviewed: 2026-05-20\n",
    );
    let out = build(&root);
    let html = answer_page(&out, "reputation");
    assert!(
        html.contains("Verified by the docs team on <time datetime=\"2026-05-20\">"),
        "{html}"
    );
    assert!(
        !html.contains("may be outdated"),
        "a review clears the age note"
    );

    write(
        &root,
        "answers.yaml",
        "answers:\n  - id: help:reputaton\n    reviewed: 2026-05-20\n",
    );
    let failed = lorebook()
        .env("SOURCE_DATE_EPOCH", AS_OF)
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert!(stderr.contains("answers.yaml:2"), "{stderr}");
    assert!(
        stderr.contains("did you mean `help:reputation`?"),
        "{stderr}"
    );
}

/// Run git in `root` as `who` = (name, email).
fn git(root: &Path, args: &[&str], who: (&str, &str)) {
    let out = Command::new("git")
        .current_dir(root)
        .args(["-c", &format!("user.name={}", who.0)])
        .args(["-c", &format!("user.email={}", who.1)])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", root)
        .env("GIT_AUTHOR_DATE", "2026-05-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-05-01T12:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
}

#[test]
fn a_hidden_person_appears_nowhere_in_the_output_or_the_search_index() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write(&root, "lorebook.yaml", CONFIG);
    write(
        &root,
        "contributors.yaml",
        "people:
  - name: Priya Secretname
    git: [priya@hidden.example]
    forum: { help: kim }
    avatar: https://img.example/priya.png
    hide: true
  - name: Ola Faceless
    forum: { help: ola }
    hide_avatar: true
",
    );
    let forum = FORUM.replace(
        "author: { username: kim, name: Kim, staff: true, trust_level: 4 }",
        "author: { username: kim, name: Kim, staff: true, trust_level: 4, avatar: https://img.example/kim-forum.png }",
    )
    .replace(
        "author: { username: ola, name: Ola,",
        "author: { username: ola, name: Ola, avatar: https://img.example/ola-forum.png,",
    );
    write(&root, "forum/help.yaml", &forum);
    write(
        &root,
        "content/guide.md",
        "---\nanswers: [\"help:staff\"]\n---\n# Guide\n\nThe zebrafish setting controls sync.\n",
    );
    git(
        &root,
        &["init", "-q", "-b", "main"],
        ("Priya Secretname", "priya@hidden.example"),
    );
    git(
        &root,
        &["add", "-A"],
        ("Priya Secretname", "priya@hidden.example"),
    );
    git(
        &root,
        &["commit", "-q", "-m", "guide"],
        ("Priya Secretname", "priya@hidden.example"),
    );
    let out = build(&root);

    let files: Vec<(String, String)> = tree(&out)
        .into_iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let text = unpack_shard(&text).unwrap_or(text);
            (path, text)
        })
        .collect();
    // The check below can see into the index: a word of the page is there.
    assert!(
        files
            .iter()
            .any(|(p, t)| p.starts_with("search/") && t.contains("zebrafish")),
        "the search index cannot be read here any more"
    );
    for (path, text) in &files {
        for secret in [
            "Priya",
            "Secretname",
            "priya-secretname",
            "hidden.example",
            "priya.png",
            "kim-forum.png",
            "ola-forum.png",
        ] {
            assert!(!text.contains(secret), "{path} shows `{secret}`");
        }
    }
    // Her answer still shows the name the forum gave, with no credit link.
    let staff = answer_page(&out, "staff");
    assert!(staff.contains("By Kim"), "{staff}");
    assert!(!staff.contains("contributors/kim"), "{staff}");
    // The guide she wrote credits nobody.
    let guide = read(&out.join("guide/index.html"));
    assert!(!guide.contains("Written by"), "{guide}");
    // Ola keeps a credit page, without a picture.
    assert!(out.join("contributors/ola-faceless/index.html").is_file());
}
