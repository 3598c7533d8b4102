//! Links inside the site in every form, and the link policy (`links:` in
//! lorebook.yaml) obeyed by `check` and `build`, on `tests/fixtures/links`.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{lorebook, main_of, read, site};

const CONFIG: &str = "title: Links Fixture\nbase_url: https://docs.example.com/kb/\n";

fn with_policy(root: &Path, links: &str) {
    std::fs::write(root.join("lorebook.yaml"), format!("{CONFIG}{links}")).unwrap();
}

fn without_broken_pages(root: &Path) {
    std::fs::remove_file(root.join("content/guides/broken.md")).unwrap();
    std::fs::remove_file(root.join("content/legacy/broken.md")).unwrap();
}

/// `check --format json` as (severity, kind, path:line) triples, sorted.
fn problems(root: &Path, extra: &[&str]) -> Vec<(String, String, String)> {
    let out = lorebook()
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let mut v: Vec<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap_or("-").to_string(),
                format!("{}:{}", d["path"].as_str().unwrap(), d["line"]),
            )
        })
        .collect();
    v.sort();
    v
}

fn triple(sev: &str, kind: &str, at: &str) -> (String, String, String) {
    (sev.into(), kind.into(), at.into())
}

#[test]
fn links_inside_the_site_resolve_in_every_form_and_become_relative() {
    let (_t, root) = site("links");
    without_broken_pages(&root);
    lorebook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .success();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let html = read(&root.join("public/guides/forms/index.html"));
    let main = main_of(&html);
    for href in [
        "href=\"../install/\">relative",
        "href=\"../install/\">root with slash",
        "href=\"../install/\">root md",
        "href=\"../install/\">root bare",
        "href=\"../install/\">under base path",
        "href=\"../configure/#options\">own host",
        "href=\"../configure/\">own host, http",
        "href=\"../\">section",
        "href=\"../../\">home",
        "href=\"../install/#6-install-acme\">dropped title",
        "href=\"../install/#options\">root with anchor",
        "href=\"https://docs.example.com/blog/\">elsewhere on the host",
        "src=\"../../img/logo.svg\"",
        "src=\"../shot.png\"",
    ] {
        assert!(main.contains(href), "{href} not in {main}");
    }
    // The page title keeps the id of the `# Title` it replaced.
    let install = read(&root.join("public/guides/install/index.html"));
    assert!(
        install.contains("<h1 id=\"6-install-acme\">Installing Acme</h1>"),
        "{}",
        main_of(&install)
    );
}

#[test]
fn a_missing_anchor_on_the_dropped_title_is_still_reported() {
    let (_t, root) = site("links");
    without_broken_pages(&root);
    std::fs::write(
        root.join("content/guides/more.md"),
        "---\ntitle: More\n---\n[x](install.md#7-install-acme)\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`guides/install.md` has no heading with id `#7-install-acme`",
        ))
        .stderr(predicate::str::contains("did you mean `#6-install-acme`?"));
}

#[test]
fn by_default_internal_problems_are_errors_and_own_host_and_http_warnings() {
    let (_t, root) = site("links");
    let p = problems(&root, &[]);
    let mut want = Vec::new();
    for dir in ["guides", "legacy"] {
        let at = |line: usize| format!("content/{dir}/broken.md:{line}");
        want.push(triple("error", "broken_page", &at(4)));
        want.push(triple("error", "broken_anchor", &at(5)));
        want.push(triple("error", "missing_file", &at(6)));
        want.push(triple("error", "site_absolute", &at(7)));
        want.push(triple("warning", "own_host", &at(8)));
        want.push(triple("warning", "insecure_http", &at(9)));
    }
    want.sort();
    assert_eq!(p, want);
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guides/broken.md:7:3: error: link from the site root to a page that does not exist: `/product/module/foo`\n  \
             note: `/product/module/foo` is linked from 2 pages, e.g. content/guides/broken.md:7, content/legacy/broken.md:7\n",
        ))
        .stderr(predicate::str::contains(
            "content/guides/broken.md:6:3: error: image not found: `missing.png`\n  hint: did you mean `shot.png`?\n",
        ));
    assert!(!root.join("public").exists());
}

#[test]
fn warn_lets_the_build_through_and_deny_warnings_still_fails() {
    let (_t, root) = site("links");
    with_policy(&root, "links:\n  level: warn\n");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "content/legacy/broken.md:4:3: warning: link to a page that does not exist: `nope.md`",
        ));
    assert!(root.join("public/legacy/broken/index.html").is_file());
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success();
    lorebook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    assert!(problems(&root, &[])
        .iter()
        .all(|(sev, _, _)| sev == "warning"));
}

#[test]
fn ignore_drops_a_kind_and_the_others_keep_their_level() {
    let (_t, root) = site("links");
    with_policy(
        &root,
        "links:\n  site_absolute: ignore\n  missing_file: warn\n  own_host: error\n  insecure_http: ignore\n",
    );
    let mut kinds: Vec<(String, String)> = problems(&root, &[])
        .into_iter()
        .map(|(s, k, _)| (s, k))
        .collect();
    let mut want = Vec::new();
    for _ in 0..2 {
        want.push(("error".to_string(), "broken_anchor".to_string()));
        want.push(("error".to_string(), "broken_page".to_string()));
        want.push(("error".to_string(), "own_host".to_string()));
        want.push(("warning".to_string(), "missing_file".to_string()));
    }
    want.sort();
    kinds.sort();
    assert_eq!(kinds, want);

    with_policy(&root, "links:\n  level: ignore\n");
    assert_eq!(problems(&root, &[]), Vec::new());
}

#[test]
fn path_rules_relax_a_folder_and_a_later_rule_wins() {
    let (_t, root) = site("links");
    with_policy(
        &root,
        "links:\n  insecure_http: ignore\n  own_host: ignore\n  paths:\n    legacy/**: warn\n    legacy/broken.md: { broken_anchor: error }\n",
    );
    let p = problems(&root, &[]);
    let legacy: Vec<_> = p.iter().filter(|t| t.2.contains("legacy/")).collect();
    let guides: Vec<_> = p.iter().filter(|t| t.2.contains("guides/")).collect();
    assert_eq!(
        legacy,
        [
            &triple("error", "broken_anchor", "content/legacy/broken.md:5"),
            &triple("warning", "broken_page", "content/legacy/broken.md:4"),
            // A rule's level stands for every kind, over the site-wide ones.
            &triple("warning", "insecure_http", "content/legacy/broken.md:9"),
            &triple("warning", "missing_file", "content/legacy/broken.md:6"),
            &triple("warning", "own_host", "content/legacy/broken.md:8"),
            &triple("warning", "site_absolute", "content/legacy/broken.md:7"),
        ]
    );
    assert!(
        guides.iter().all(|t| t.0 == "error") && guides.len() == 4,
        "{guides:?}"
    );

    // Only legacy/ broken: the build goes through with warnings.
    std::fs::remove_file(root.join("content/guides/broken.md")).unwrap();
    std::fs::write(
        root.join("content/legacy/broken.md"),
        "---\ntitle: B\n---\n[page](nope.md) [root](/product/x)\n",
    )
    .unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
}

#[test]
fn skip_prefixes_are_not_checked_and_skip_anchor_prefixes_skip_only_anchors() {
    let (_t, root) = site("links");
    with_policy(
        &root,
        "links:\n  insecure_http: ignore\n  skip_prefixes: ['/product/', '/legacy/', 'https://docs.example.com/kb/nowhere/']\n  skip_anchor_prefixes: ['/guides/install']\n",
    );
    // Prefixes are about where links go: legacy/'s relative links land in
    // /legacy/ too. The anchor of `/guides/install` is not checked.
    assert_eq!(
        problems(&root, &[]),
        [
            triple("error", "broken_page", "content/guides/broken.md:4"),
            triple("error", "missing_file", "content/guides/broken.md:6"),
        ]
    );
}

#[test]
fn unknown_keys_and_levels_in_links_are_errors_at_their_line() {
    let (_t, root) = site("links");
    with_policy(&root, "links:\n  broken_page: warn\n  brokn_anchor: warn\n");
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "lorebook.yaml:5:3: error: unknown key `brokn_anchor`",
        ))
        .stderr(predicate::str::contains("did you mean `broken_anchor`?"));
    with_policy(&root, "links:\n  paths:\n    legacy/**: loud\n");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("lorebook.yaml:5:"))
        .stderr(predicate::str::contains("`loud`"));
}

#[test]
fn json_and_github_formats_list_every_occurrence_with_kind_and_target() {
    let (_t, root) = site("links");
    for i in 0..30 {
        std::fs::write(
            root.join(format!("content/guides/p{i:02}.md")),
            "---\ntitle: P\n---\n[gone](/product/module/foo/)\n",
        )
        .unwrap();
    }
    let out = lorebook()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let foo: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["target"] == "/product/module/foo/")
        .collect();
    assert_eq!(foo.len(), 30);
    assert!(foo.iter().all(|d| d["kind"] == "site_absolute"));
    let out = lorebook()
        .args(["check", "--format", "github", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("`/product/module/foo/`").count(), 30, "{text}");
}

#[test]
fn human_format_folds_one_target_and_caps_each_kind() {
    let (_t, root) = site("links");
    without_broken_pages(&root);
    for i in 0..30 {
        std::fs::write(
            root.join(format!("content/guides/p{i:02}.md")),
            format!("---\ntitle: P\n---\n[gone](/product/module/foo/) [own{i}](nope{i}.md)\n"),
        )
        .unwrap();
    }
    let out = lorebook()
        .args(["check", "--max-problems", "5", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    // Once as a problem, once in its note.
    assert_eq!(err.matches("/product/module/foo/").count(), 2, "{err}");
    assert!(
        err.contains("note: `/product/module/foo/` is linked from 30 pages, e.g. content/guides/p00.md:4, content/guides/p01.md:4, content/guides/p02.md:4, …"),
        "{err}"
    );
    assert_eq!(
        err.matches("link to a page that does not exist").count(),
        5,
        "{err}"
    );
    assert!(err.contains("60 problems (60 errors, 0 warnings)"), "{err}");
    assert!(
        err.contains("by kind: broken_page 30 · site_absolute 30"),
        "{err}"
    );
    assert!(err.contains("by folder: guides 60"), "{err}");
    assert!(err.contains("25 not shown: at most 5 per kind"), "{err}");
    // 0 prints every one.
    let out = lorebook()
        .args(["build", "--max-problems", "0", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("link to a page that does not exist").count(),
        30,
        "{err}"
    );
}

#[test]
fn a_path_rule_that_matches_no_page_is_a_warning_at_its_line() {
    let (_t, root) = site("links");
    without_broken_pages(&root);
    with_policy(
        &root,
        "links:\n  paths:\n    legacy/**: warn\n    'content/legacy/**': warn\n",
    );
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "lorebook.yaml:6:1: warning: links.paths: `content/legacy/**` matches no page",
        ))
        .stderr(predicate::str::contains("`legacy/**` matches no page").not());
}
