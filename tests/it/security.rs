//! Security round two (issue 25): links and images taken from forum data,
//! and the referrer policy of every page.

use std::path::Path;

use crate::common::{lorebook, site, tree};

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const CONFIG: &str = "title: Links Test
base_url: https://help.example/
forum:
  - type: lorebook
    name: help
    path: forum/help.yaml
    url: https://forum.example
    default_section: answers
";

const FORUM: &str = "questions:
  - id: q1
    title: Where do links from the forum go
    url: https://forum.example/t/q1
    asked: 2026-03-01T09:00:00Z
    author: { username: eve, name: Eve, url: https://forum.example/u/eve }
    body: Question.
    answers:
      - accepted: true
        score: 3
        date: 2026-03-01T10:00:00Z
        author: { username: mallory, name: Mallory, url: https://spam.example/mallory }
        body_html: '<p>See <img src=\"https://img.example/x.png\" alt=\"x\"> and <a href=\"https://spam.example/buy\">this</a>.</p>'
  - id: q2
    title: An answer whose thread lives elsewhere
    url: https://elsewhere.example/t/q2
    asked: 2026-03-01T09:00:00Z
    author: { username: eve, name: Eve }
    body: Question two.
    answers:
      - accepted: true
        score: 1
        date: 2026-03-01T10:00:00Z
        author: { username: kim, name: Kim, url: https://forum.example/u/kim }
        body: Answer two.
";

/// Every `<a ...>` start tag in `html` whose `href` is `href`.
fn anchors_to<'a>(html: &'a str, href: &str) -> Vec<&'a str> {
    let needle = format!("href=\"{href}\"");
    html.match_indices("<a ")
        .filter_map(|(i, _)| {
            let end = html[i..].find('>').map(|e| i + e + 1)?;
            let tag = &html[i..end];
            tag.contains(&needle).then_some(tag)
        })
        .collect()
}

#[test]
fn links_from_forum_data_leaving_the_forum_are_nofollow_and_images_send_no_referrer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write(&root, "lorebook.yaml", CONFIG);
    write(
        &root,
        "content/_index.md",
        "---\ntitle: Home\n---\nWelcome.\n",
    );
    write(&root, "forum/help.yaml", FORUM);
    write(
        &root,
        "contributors.yaml",
        "people:\n  - name: Kim\n    forum: { help: kim }\n    links: { Blog: https://kim.example/ }\n",
    );
    lorebook()
        .args(["-q", "build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let public = tree(&root.join("public"));
    let mut all = String::new();
    for (path, bytes) in &public {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains(r#"<meta name="referrer" content="strict-origin-when-cross-origin">"#)
                || html.contains("http-equiv=\"refresh\""),
            "{path} has no referrer policy"
        );
        all.push_str(&html);
    }
    // Off the forum's host: nofollow ugc noopener, never rel="me".
    for href in [
        "https://spam.example/mallory",
        "https://spam.example/buy",
        "https://elsewhere.example/t/q2",
    ] {
        let tags = anchors_to(&all, href);
        assert!(!tags.is_empty(), "no link to {href}");
        for tag in tags {
            assert!(tag.contains("nofollow ugc noopener"), "{tag}");
            assert!(!tag.contains("\"me\""), "{tag}");
        }
    }
    // The forum's own thread and member pages may stay plain, but are
    // never rel="me" (the forum, not the person, supplied them).
    for href in ["https://forum.example/t/q1", "https://forum.example/u/kim"] {
        for tag in anchors_to(&all, href) {
            assert!(!tag.contains("rel=\"me\""), "{tag}");
        }
    }
    assert!(!anchors_to(&all, "https://forum.example/t/q1").is_empty());
    // A link the person declared keeps rel="me".
    let declared = anchors_to(&all, "https://kim.example/");
    assert!(!declared.is_empty() && declared.iter().all(|t| t.contains("rel=\"me\"")));
    // Images from forum bodies send no referrer.
    let img = all
        .match_indices("<img")
        .map(|(i, _)| &all[i..i + all[i..].find('>').unwrap_or(0)])
        .find(|t| t.contains("img.example/x.png"))
        .expect("forum image published");
    assert!(img.contains("referrerpolicy=\"no-referrer\""), "{img}");
}

/// Issue 25 item 6: text from files (here a front matter key) that holds
/// terminal escape sequences is printed escaped, never raw.
#[test]
fn escape_sequences_in_diagnostics_reach_the_terminal_escaped() {
    let (_t, root) = site("basic");
    std::fs::write(
        root.join("content/esc.md"),
        "---\ntitle: T\n\"\\e[2J\\e]0;pwned\\a\": 1\n---\nBody.\n",
    )
    .unwrap();
    let err = build_fails(&root);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("\\x1b[2J"), "{err}");
}

/// `lorebook build` fails with exit 1; its stderr.
fn build_fails(root: &Path) -> String {
    let out = lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    String::from_utf8_lossy(&out).into_owned()
}
