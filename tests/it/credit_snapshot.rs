//! Snapshots of the credit pages (`/contributors/` and one person's page) of
//! a small site whose history, forum export and contributors.yaml are
//! scripted here: three git authors (one with two identities), an accepted
//! forum answer by one of them, and a forum-only answerer. Only the `<main>`
//! element is snapshotted, so theme chrome changes do not churn it.

use std::path::Path;
use std::process::Command;

use crate::common::{lorebook, main_of, read, tree};

/// Run git in `root` as `who` = (name, email) at noon UTC on `day`.
fn git(root: &Path, args: &[&str], who: (&str, &str), day: &str) {
    let date = format!("{day}T12:00:00Z");
    let out = Command::new("git")
        .current_dir(root)
        .args([
            "-c",
            &format!("user.name={}", who.0),
            "-c",
            &format!("user.email={}", who.1),
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", root)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn lines(prefix: &str, n: usize) -> String {
    (1..=n).map(|i| format!("{prefix} line {i}.\n")).collect()
}

const ANA_HOME: (&str, &str) = ("Ana Lima", "ana@home.example");
const ANA_WORK: (&str, &str) = ("A. Lima", "ana@work.example");
const BO: (&str, &str) = ("Bo Chen", "bo@bo-mail.example");
const CY: (&str, &str) = ("Cy Dee", "cy@cy-mail.example");

/// The scripted site, built; returns the output folder.
fn build_site(root: &Path) -> std::path::PathBuf {
    write(
        root,
        "lorebook.yaml",
        concat!(
            "title: Credit Test\n",
            "base_url: https://help.example/\n",
            "forum:\n",
            "  - type: lorebook\n",
            "    name: help\n",
            "    path: forum/help.yaml\n",
            "    url: https://forum.example\n",
            "    default_section: guide\n",
        ),
    );
    write(
        root,
        "contributors.yaml",
        concat!(
            "people:\n",
            "  - slug: ana\n",
            "    name: Ana Lima\n",
            "    git: [ana@home.example, ana@work.example]\n",
            "    forum: { help: ana_l }\n",
            "    links: { github: \"https://github.com/ana-example\" }\n",
        ),
    );
    write(
        root,
        "forum/help.yaml",
        concat!(
            "questions:\n",
            "  - id: q1\n",
            "    title: How do I upgrade without losing settings?\n",
            "    url: https://forum.example/t/q1\n",
            "    score: 3\n",
            "    asked: 2025-03-01T09:00:00Z\n",
            "    author: { username: eve, name: Eve }\n",
            "    body: |\n",
            "      Upgrading reset my settings.\n",
            "    answers:\n",
            "      - accepted: true\n",
            "        score: 7\n",
            "        date: 2025-03-02T09:00:00Z\n",
            "        author: { username: ana_l, name: Ana L., url: https://forum.example/u/ana_l }\n",
            "        body: |\n",
            "          Export them first with `tool export`.\n",
            "  - id: q2\n",
            "    title: Where are the logs?\n",
            "    url: https://forum.example/t/q2\n",
            "    score: 1\n",
            "    asked: 2025-03-03T09:00:00Z\n",
            "    author: { username: eve, name: Eve }\n",
            "    body: |\n",
            "      I cannot find the log files.\n",
            "    answers:\n",
            "      - accepted: true\n",
            "        score: 2\n",
            "        date: 2025-03-04T09:00:00Z\n",
            "        author: { username: dora, name: Dora Q, url: https://forum.example/u/dora }\n",
            "        body: |\n",
            "          In the `logs` folder.\n",
        ),
    );
    git(root, &["init", "-q", "-b", "main"], ANA_HOME, "2025-01-01");
    // Ana writes the install guide (10 lines) and the FAQ (4 lines).
    write(
        root,
        "content/guide/install.md",
        &format!("# Install\n\n{}", lines("Install", 8)),
    );
    write(
        root,
        "content/faq.md",
        &format!("# FAQ\n\n{}", lines("FAQ", 2)),
    );
    git(root, &["add", "-A"], ANA_HOME, "2025-01-10");
    git(
        root,
        &["commit", "-q", "-m", "install, faq"],
        ANA_HOME,
        "2025-01-10",
    );
    // Bo writes the upgrade guide (6 lines) and adds 2 lines to install.
    write(
        root,
        "content/guide/upgrade.md",
        &format!("# Upgrade\n\n{}", lines("Upgrade", 4)),
    );
    write(
        root,
        "content/guide/install.md",
        &format!("# Install\n\n{}{}", lines("Install", 8), lines("Bo", 2)),
    );
    git(root, &["add", "-A"], BO, "2025-02-01");
    git(root, &["commit", "-q", "-m", "upgrade"], BO, "2025-02-01");
    // Ana, from her work address, adds 3 lines to the upgrade guide.
    write(
        root,
        "content/guide/upgrade.md",
        &format!("# Upgrade\n\n{}{}", lines("Upgrade", 4), lines("Ana", 3)),
    );
    git(
        root,
        &["commit", "-q", "-am", "upgrade notes"],
        ANA_WORK,
        "2025-03-05",
    );
    // Cy adds one line to the FAQ.
    write(
        root,
        "content/faq.md",
        &format!("# FAQ\n\n{}{}", lines("FAQ", 2), lines("Cy", 1)),
    );
    git(root, &["commit", "-q", "-am", "faq"], CY, "2025-04-01");

    lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .success();
    root.join("public")
}

#[test]
fn credit_pages_show_pages_shares_answers_and_links_without_emails() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    let out = build_site(&root);

    let person = read(&out.join("contributors/ana/index.html"));
    let list = read(&out.join("contributors/index.html"));
    for (page, html) in [("person", &person), ("list", &list)] {
        for secret in ["@home.example", "@work.example", "bo-mail", "cy-mail"] {
            assert!(!html.contains(secret), "{page} page leaks `{secret}`");
        }
    }
    insta::assert_snapshot!("contributor_page_main", main_of(&person));
    insta::assert_snapshot!("contributors_index_main", main_of(&list));

    // No other output file leaks an email either.
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("@home.example"), "{path} leaks an email");
    }
}
