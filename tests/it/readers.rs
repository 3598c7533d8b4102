//! What readers get in every built page (issue 20), checked in the output:
//! the navigation tree (one content-hashed script plus the page's own
//! branch), "Ask the community" prefilled per page, "Was this page
//! helpful?", the `analytics:` snippet, and the listed bugs (licence line,
//! answer tags, counts, 404 search box, placeholder, contributors table).
//! Browser behaviour is in `readers_browser.rs`.

use std::path::Path;

use crate::common::{broken_links, lorebook, read, site, tree};

fn build(root: &Path) -> std::path::PathBuf {
    lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .success();
    root.join("public")
}

fn append(root: &Path, yaml: &str) {
    let config = root.join("lorebook.yaml");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(yaml);
    std::fs::write(&config, text).expect("config");
}

#[test]
fn every_page_carries_its_branch_and_the_one_tree_script() {
    let (_t, root) = site("example-site");
    let out = build(&root);
    let files = tree(&out);
    // One script per language (English, German), shared by its pages.
    let scripts: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("assets/nav-") && k.ends_with(".js"))
        .collect();
    assert_eq!(scripts.len(), 2, "{scripts:?}");
    let text = |s: &str| String::from_utf8_lossy(&files[s]).into_owned();
    let (en, de): (Vec<&String>, Vec<&String>) = scripts
        .into_iter()
        .partition(|s| text(s).starts_with("lorebookNav([\"Acme Relay Help Center\",\"\","));
    assert_eq!((en.len(), de.len()), (1, 1), "{en:?} {de:?}");
    let (en, de) = (en[0], de[0]);
    let script = text(en);
    // Every section and page is in the tree.
    for url in ["sync/selective-sync/", "api/", "getting-started/"] {
        assert!(
            script.contains(&format!("\"{url}\"")),
            "{url} not in the tree"
        );
    }
    assert!(
        !script.contains("\"de/"),
        "German pages are in their own tree"
    );
    let german = text(de);
    assert!(german.starts_with("lorebookNav([\"Acme Relay Hilfe-Center\",\"de/\","));
    assert!(german.contains("\"de/sync/selective-sync/\""));
    assert!(!german.contains("\"api/"), "untranslated sections stay out");
    let page = read(&out.join("sync/selective-sync/index.html"));
    assert!(page.contains(&format!("data-tree=\"../../{en}\"")));
    let seite = read(&out.join("de/sync/selective-sync/index.html"));
    assert!(seite.contains(&format!("data-tree=\"../../../{de}\"")));
    assert!(page.contains("<span class=\"nav-row\"><a href=\"../\">Sync</a></span>"));
    assert!(page.contains("<a href=\"./\" aria-current=\"page\">Selective sync</a>"));
    // Section and answer pages have the sidebar too, their branch open.
    let section = read(&out.join("sync/index.html"));
    assert!(section.contains("id=\"site-nav\""));
    assert!(section.contains("<a href=\"./\" aria-current=\"page\">Sync</a>"));
    let answer =
        read(&out.join(
            "answers/community/1311-selective-sync-exclude-node-modules-everywhere/index.html",
        ));
    assert!(answer.contains("id=\"site-nav\""));
    assert!(answer.contains("<span class=\"nav-row\"><a href=\"../../../sync/\">Sync</a></span>"));
    // "On this page" is its own column beside the article.
    assert!(page.contains("<aside class=\"toc-col\">"));
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
}

#[test]
fn the_tree_script_is_renamed_when_the_tree_changes_and_only_then() {
    let (_t, root) = site("example-site");
    let name = |out: &Path| {
        tree(out)
            .into_keys()
            .find(|k| k.starts_with("assets/nav-"))
            .expect("tree script")
    };
    let first = name(&build(&root));
    // Page text changes: same tree, same name (the browser cache holds).
    let file = root.join("content/sync/selective-sync.md");
    let text = read(&file);
    std::fs::write(
        &file,
        text.replace("Selective sync decides", "Selective sync picks"),
    )
    .unwrap();
    assert_eq!(name(&build(&root)), first);
    // A title changes: a new name.
    std::fs::write(
        &file,
        read(&file).replacen("title: Selective sync", "title: Choosing folders", 1),
    )
    .unwrap();
    assert_ne!(name(&build(&root)), first);
}

#[test]
fn ask_the_community_is_prefilled_on_every_page_and_the_404() {
    let (_t, root) = site("example-site");
    let out = build(&root);
    let page = read(&out.join("sync/selective-sync/index.html"));
    assert!(page.contains(
        "<a class=\"ask-link\" href=\"https://community.acmerelay.example/new-topic?title=Selective%20sync\">Ask the community</a>"
    ));
    // The query goes in the browser: the template is on <body>.
    assert!(
        page.contains("data-ask=\"https://community.acmerelay.example/new-topic?title={title}\"")
    );
    let nf = read(&out.join("404.html"));
    assert!(nf.contains("Didn't find it?") && nf.contains("new-topic?title="));
    // "Was this page helpful?" is on pages and answers; no beacon unless set.
    assert!(page.contains("Was this page helpful?"));
    assert!(!page.contains("data-feedback-beacon"));
}

#[test]
fn support_feedback_and_analytics_come_from_lorebook_yaml() {
    let (_t, root) = site("example-site");
    append(
        &root,
        "support:\n  url: https://github.com/acme/relay\n  kind: github-discussions\n  category: help\n  label: Ask on GitHub\n\
         feedback:\n  beacon: https://stats.example/fb\n  no_link: https://github.com/acme/relay/issues/new?title={title}\n\
         analytics: <script defer data-domain=\"help.acme\" src=\"https://plausible.io/js/script.js\"></script>\n",
    );
    let out = build(&root);
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert!(
            html.contains("<script defer data-domain=\"help.acme\" src=\"https://plausible.io/js/script.js\"></script>\n</head>"),
            "{path} has no analytics snippet"
        );
    }
    let page = read(&out.join("sync/selective-sync/index.html"));
    assert!(page.contains(
        "href=\"https://github.com/acme/relay/discussions/new?category=help&amp;title=Selective%20sync\">Ask on GitHub</a>"
    ));
    assert!(page.contains("data-feedback-beacon=\"https://stats.example/fb\""));
    assert!(page.contains(
        "data-feedback-no=\"https://github.com/acme/relay/issues/new?title=Selective%20sync\""
    ));
}

#[test]
fn a_bad_support_block_is_an_error_on_its_line() {
    let (_t, root) = site("example-site");
    append(&root, "support:\n  url: https://x.example\n  kind: jira\n");
    let lines = read(&root.join("lorebook.yaml")).lines().count();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure()
        .stderr(predicates::str::contains(format!(
            "lorebook.yaml:{lines}:1: error: support.kind: unknown kind `jira`"
        )));
    assert!(!root.join("public").exists());
}

/// Issue 20's bug list, each in the built output.
#[test]
fn listed_reader_bugs_stay_fixed() {
    let (_t, root) = site("example-site");
    let out = build(&root);
    let files = tree(&out);
    let mut answers = 0;
    for (path, bytes) in &files {
        let html = String::from_utf8_lossy(bytes);
        // "Content from the community community".
        assert!(!html.contains("community community"), "{path}");
        // The placeholder says nothing about a key phones do not have.
        assert!(!html.contains("press /"), "{path}");
        if path.starts_with("answers/") && path.ends_with("index.html") {
            answers += 1;
            // A tag looks like a link only when it is one.
            assert!(!html.contains("<span class=\"tag\">"), "{path}");
            for piece in html.split("<a class=\"tag\" href=\"").skip(1) {
                assert!(piece.starts_with("../../../tags/"), "{path}");
            }
        }
    }
    assert!(answers > 10);
    let answer = read(&out.join(
        "answers/community/1204-desktop-app-stuck-on-preparing-to-sync-after-upgrading-to-4-2/index.html",
    ));
    assert!(answer.contains("<a class=\"tag\" href=\"../../../tags/sync/\">sync</a>"));
    assert!(answer.contains("<span class=\"tag tag-plain\">desktop</span>"));
    assert!(!out.join("tags/desktop").exists());
    assert!(
        answer.contains("Content from community.acmerelay.example, licensed under CC BY-SA 4.0.")
    );
    let gh = read(&out.join(
        "answers/github/214-relay-sync-watch-uses-100-cpu-on-a-folder-with-200k-files/index.html",
    ));
    assert!(gh.contains("Content from github.com/acme-relay/relay-cli, licensed under CC BY 4.0."));
    // The 404 page's search box is the styled one.
    let nf = read(&out.join("404.html"));
    assert!(nf.contains("<input id=\"nf-q\" class=\"search-input\" type=\"search\" name=\"q\">"));
    // The contributors table scrolls inside its own box on a phone.
    let people = read(&out.join("contributors/index.html"));
    assert!(people.contains(
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"Contributors table\" tabindex=\"0\">\n  <table class=\"contributors\">"
    ));
}

#[test]
fn counts_agree_with_their_nouns() {
    let (_t, root) = site("example-site");
    // One page, one section, no forum: "1 page, 1 section, 0 answers".
    std::fs::remove_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("content/only.md"),
        "---\ntitle: Only\n---\nText.\n",
    )
    .unwrap();
    crate::common::drop_config_key(&root, "forum");
    // Its other versions and languages would add their own pages and homes.
    crate::common::drop_config_key(&root, "versions");
    crate::common::drop_config_key(&root, "languages");
    // Without forums, answers.yaml would name answers no source provides.
    std::fs::remove_file(root.join("answers.yaml")).unwrap();
    let assert = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("built 1 page, 1 section, 0 answers, "),
        "{err}"
    );
}

#[test]
fn insights_list_what_readers_searched_for_and_did_not_find() {
    let (_t, root) = site("example-site");
    let out = build(&root);
    let insights = read(&out.join("insights/index.html"));
    let at = insights
        .find("What readers searched for and did not find")
        .expect("missed searches section");
    let rest = &insights[at..];
    // example-site/search-log.csv: "sso login" 37 + "SSO  Login" 5.
    assert!(
        rest.contains("<tr><td>sso login</td><td>42</td></tr><tr><td>webdav</td><td>41</td></tr>"),
        "{rest}"
    );
    assert!(!rest[..rest.find("</table>").unwrap()].contains("reset password"));
    // A broken export stops the build at its line.
    std::fs::write(
        root.join("search-log.csv"),
        "query,count\nsso,1\nproxy,lots\n",
    )
    .unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "search-log.csv:3:1: error: search log: `lots` in `count` is not a whole number",
        ));
}
