//! Forum answers and contributor credit in built sites.

use std::process::Command;

use crate::common::{lorebook, read, site, tree};

#[test]
fn answer_pages_section_listings_and_promotions_are_linked() {
    let (_t, root) = site("example-site");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    let files = tree(&out);
    let answers: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("answers/") && k.ends_with("index.html"))
        .collect();
    for source in ["community", "stackexchange", "github", "office-hours"] {
        assert!(
            answers
                .iter()
                .any(|k| k.starts_with(&format!("answers/{source}/"))),
            "no answers from {source}"
        );
    }
    let sync = read(&out.join("sync/index.html"));
    assert!(
        sync.contains("Community answers"),
        "section lists its answers"
    );
    let promoted =
        "answers/community/1311-selective-sync-exclude-node-modules-everywhere/index.html";
    let page = read(&out.join("sync/selective-sync/index.html"));
    assert!(
        page.contains(
            "../../answers/community/1311-selective-sync-exclude-node-modules-everywhere/"
        ),
        "page links to the answer it promotes"
    );
    let answer = read(&out.join(promoted));
    assert!(
        answer.contains(r#"href="../../../sync/selective-sync/""#),
        "answer links back to the promoting page"
    );
    let se = files
        .keys()
        .find(|k| k.starts_with("answers/stackexchange/"))
        .unwrap();
    let se_html = String::from_utf8_lossy(&files[se.as_str()]);
    assert!(
        se_html.contains("CC BY-SA"),
        "Stack Exchange answers carry their licence"
    );
    assert!(
        crate::common::broken_links(&out).is_empty(),
        "{:?}",
        crate::common::broken_links(&out)
    );
}

#[test]
fn no_script_from_forum_html_survives_anywhere() {
    let (_t, root) = site("example-site");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    for (path, bytes) in tree(&root.join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes).to_lowercase();
        // The theme's own scripts are external files, and one inline line
        // that applies the reader's colour theme before the first paint;
        // anything else is injected.
        let scripts = html.matches("<script").count();
        let theme_scripts = html.matches("<script src=").count()
            + html
                .matches("<script>try{var t=localstorage.getitem(\"lorebook-theme\");")
                .count();
        assert_eq!(scripts, theme_scripts, "{path} has an inline script");
        assert!(!html.contains("onerror="), "{path} has an event handler");
        assert!(
            !html.contains("javascript:"),
            "{path} has a javascript: URL"
        );
    }
}

#[test]
fn unknown_promoted_answer_id_is_an_error_on_its_line() {
    let (_t, root) = site("example-site");
    let page = root.join("content/sync/conflicts.md");
    let text = read(&page).replacen("---\n", "---\nanswers: [community:99999]\n", 1);
    std::fs::write(&page, text).unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "content/sync/conflicts.md:2:1: error: `answers:` names `community:99999`, which no forum source provides",
        ));
}

fn git(root: &std::path::Path, args: &[&str], name: &str, email: &str) {
    let ok = Command::new("git")
        .current_dir(root)
        .args([
            "-c",
            &format!("user.name={name}"),
            "-c",
            &format!("user.email={email}"),
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", root)
        .env("GIT_AUTHOR_DATE", "2026-02-03T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-02-03T10:00:00Z")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn pages_credit_git_authors_and_no_email_reaches_the_output() {
    let (_t, root) = site("basic");
    git(&root, &["init", "-q"], "x", "x@x");
    git(
        &root,
        &["add", "."],
        "Ana Lima",
        "ana.lima@secret-mail.example",
    );
    git(
        &root,
        &["commit", "-q", "-m", "first"],
        "Ana Lima",
        "ana.lima@secret-mail.example",
    );
    std::fs::write(
        root.join("content/guide/a-first.md"),
        read(&root.join("content/guide/a-first.md")) + "\nMore text.\n",
    )
    .unwrap();
    git(
        &root,
        &["commit", "-q", "-am", "edit"],
        "Bo Chen",
        "bo@hidden-host.example",
    );
    // The second build reads authorship from the history cache the first
    // wrote inside .git (which holds emails); the output still has none.
    for _ in 0..2 {
        lorebook()
            .args(["build", "--root"])
            .arg(&root)
            .assert()
            .success();
    }
    let cache = std::fs::read_dir(root.join(".git/lorebook"))
        .unwrap()
        .count();
    assert_eq!(cache, 1, "one history cache file under .git");
    let out = root.join("public");
    let page = read(&out.join("guide/a-first/index.html"));
    assert!(page.contains("Written by"), "page shows its authors");
    assert!(page.contains("Ana Lima") && page.contains("Bo Chen"));
    assert!(
        page.contains("Updated <time datetime=\"2026-02-03\">"),
        "last-updated date from git"
    );
    let list = read(&out.join("contributors/index.html"));
    assert!(
        list.find("Ana Lima").unwrap() < list.find("Bo Chen").unwrap(),
        "main author ranks first"
    );
    assert!(out.join("contributors/ana-lima/index.html").is_file());
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "ana.lima@secret-mail.example",
            "secret-mail",
            "hidden-host",
            "bo@",
        ] {
            assert!(!text.contains(secret), "{path} leaks `{secret}`");
        }
    }
}

#[test]
fn a_broken_export_fails_the_build_unless_keep_going() {
    let (_t, root) = site("example-site");
    std::fs::write(
        root.join("forum/discourse/broken.json"),
        "{\"post_stream\": {\"posts\": [\n",
    )
    .unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("forum/discourse/broken.json"));
    assert!(!root.join("public").exists());
    lorebook()
        .args(["build", "--keep-going", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicates::str::contains("warning:"))
        .stderr(predicates::str::contains("broken.json"));
    // The good exports of the same source are still published.
    assert!(root.join("public/answers/community").is_dir());
}

#[test]
fn check_warns_about_a_contributor_forum_source_that_is_not_configured() {
    use predicates::prelude::PredicateBooleanExt;
    let (_t, root) = site("example-site");
    // The shipped example names only configured sources: no warning.
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicates::str::contains("contributors.yaml").not());
    // `discourse` is the export's type; the source is named `community`.
    let yaml = root.join("contributors.yaml");
    let text = read(&yaml).replace("{ community: acme-support }", "{ comunity: acme-support }");
    std::fs::write(&yaml, &text).unwrap();
    let line = text.lines().position(|l| l.contains("comunity:")).unwrap() + 1;
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicates::str::contains(format!(
            "contributors.yaml:{line}: warning: `acme-support` of Acme Docs Team is listed for forum source `comunity`, which lorebook.yaml does not configure\n  hint: did you mean `community`?"
        )));
}

/// True when this source tree is a git work tree (the example site's page
/// authors come from this repository's own history).
fn in_git_checkout() -> bool {
    Command::new("git")
        .current_dir(crate::common::manifest_dir())
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn example_site_credits_authors_on_every_page_and_combines_git_and_forum_credit() {
    if !in_git_checkout() {
        eprintln!("SKIP: not a git checkout, the example site has no history");
        return;
    }
    // Built in place (not copied): its history is this repository's.
    let root = crate::common::manifest_dir().join("example-site");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let pages: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .filter(|e| !read(e.path()).contains("\ndraft: true\n"))
        .map(|e| {
            let rel = e.path().strip_prefix(root.join("content")).unwrap();
            rel.with_extension("").to_string_lossy().replace('\\', "/")
        })
        .collect();
    assert!(pages.len() > 5, "{pages:?}");
    assert!(pages.iter().any(|p| p.starts_with("de/")), "{pages:?}");
    for page in &pages {
        let html = read(&out.join(page).join("index.html"));
        let written_by = if page.starts_with("de/") {
            "Verfasst von"
        } else {
            "Written by"
        };
        assert!(html.contains(written_by), "{page} shows no authors");
    }
    // The maintainers wrote the pages and answer on the forum as one person.
    let team = read(&out.join("contributors/docs-team/index.html"));
    let team = crate::common::main_of(&team);
    assert!(team.contains("Acme Docs Team"));
    assert!(team.contains("Main author"), "lists pages: {team}");
    assert!(
        team.contains("answers/community/1350-"),
        "lists the accepted answer: {team}"
    );
    // Forum accounts on three sources are one person.
    let daniel = read(&out.join("contributors/daniel-chen/index.html"));
    let daniel = crate::common::main_of(&daniel);
    for source in ["community", "github", "office-hours"] {
        assert!(
            daniel.contains(&format!("answers/{source}/")),
            "no {source} answer: {daniel}"
        );
    }
    assert!(!out.join("contributors/daniel-chen-2").exists());
}

/// Issue 24: a forum author merged into a person by `contributors.yaml` is
/// shown by the declared name on answer pages, answer lists and the answers
/// feed, never by the forum login (example-site's `sofia-l` on GitHub
/// Discussions, who has no display name there).
#[test]
fn declared_person_is_shown_by_the_declared_name_not_the_forum_login() {
    let (_t, root) = site("example-site");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    let answer = read(&out.join(
        "answers/github/214-relay-sync-watch-uses-100-cpu-on-a-folder-with-200k-files/index.html",
    ));
    assert!(
        answer
            .contains(r#"By <a href="../../../contributors/sofia-lindqvist/">Sofia Lindqvist</a>"#),
        "answer page names the declared person"
    );
    let sync = read(&out.join("sync/index.html"));
    assert!(
        sync.contains(
            r#"Answered by Sofia Lindqvist <span class="trust-role">Maintainer</span> · github"#
        ),
        "{sync}"
    );
    let feed = read(&out.join("answers.xml"));
    assert!(feed.contains("<author><name>Sofia Lindqvist</name></author>"));
    // The login stays only where it is the login: profile links.
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        for shown in [
            ">sofia-l<",
            "By sofia-l",
            "by sofia-l",
            "<name>sofia-l</name>",
        ] {
            assert!(!text.contains(shown), "{path} shows {shown:?}");
        }
    }
}
