//! Versions (issue 22, item 3) on the versioned fixture
//! (`tests/fixtures/versions`: 3.x is the working tree, 2.x and 1.x are
//! folders of the site), and a git repository made here whose old tag is a
//! version: URLs under `/<version>/`, the switcher's links (the same page,
//! else the version's home), the banner on old versions only, one search
//! index and one sitemap per version, `check` naming a version's own files.

use std::path::{Path, PathBuf};

use crate::common::{
    alternates, broken_links, built_site, index_text, lorebook, nav_links, owned, read, site, tree,
};

/// The version switcher's links, as `(name, href, missing)`.
fn switcher(html: &str) -> Vec<(String, String, bool)> {
    nav_links(html, "<nav class=\"lang-switch version-switch\"").expect("a version switcher")
}

/// The language switcher's links, as `(name, href, missing)`, if any.
fn languages(html: &str) -> Option<Vec<(String, String, bool)>> {
    nav_links(html, "<nav class=\"lang-switch\" ")
}

/// The banner's link, when the page has the old-version banner.
fn banner(html: &str) -> Option<String> {
    let start = html.find("class=\"callout callout-warning version-banner\"")?;
    let rest = &html[start..];
    let href = rest.split("<a href=\"").nth(1)?.split('"').next()?;
    Some(href.to_string())
}

#[test]
fn each_version_publishes_under_its_name_and_the_latest_at_the_root() {
    let (_tmp, out) = built_site("versions");
    for f in [
        "index.html",
        "guide/install/index.html",
        "guide/new-feature/index.html",
        "search/index.html",
        "sitemap.xml",
        "robots.txt",
        "2.x/index.html",
        "2.x/guide/install/index.html",
        "2.x/guide/old-only/index.html",
        "2.x/search/index.html",
        "2.x/sitemap.xml",
        "2.x/assets/search.min.js",
        "1.x/index.html",
        "1.x/faq/index.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    for f in [
        "2.x/guide/new-feature/index.html",
        "guide/old-only/index.html",
        "2.x/robots.txt",
        "1.x/guide/install/index.html",
        "3.x/index.html",
    ] {
        assert!(!out.join(f).exists(), "{f} published");
    }
    let old = read(&out.join("2.x/guide/install/index.html"));
    let new = read(&out.join("guide/install/index.html"));
    assert!(old.contains("legacyinstaller") && new.contains("helmchart"));
    // Only the working tree's pages can be edited.
    assert!(new.contains("https://git.example/edit/content/guide/install.md"));
    assert!(!old.contains("git.example/edit"));
    assert_eq!(broken(&out), Vec::<String>::new());
}

/// Links of every version that do not resolve inside the output; the 404
/// pages' links are absolute paths under the base URL's `/kb/`.
fn broken(out: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for b in broken_links(out) {
        let absolute = b
            .split_once("/404.html -> /kb/")
            .map(|(_, path)| path.split('#').next().unwrap_or(""));
        match absolute {
            Some(p) if p.is_empty() || p.ends_with('/') => {
                if !out.join(p).join("index.html").is_file() {
                    broken.push(b);
                }
            }
            Some(p) if out.join(p).is_file() => {}
            _ => broken.push(b),
        }
    }
    broken
}

#[test]
fn the_switcher_keeps_the_page_when_the_version_has_it() {
    let (_tmp, out) = built_site("versions");
    let latest = read(&out.join("guide/install/index.html"));
    assert_eq!(
        switcher(&latest),
        owned(&[
            ("3.x", "./", false),
            ("2.x", "../../2.x/guide/install/", false),
            ("1.x", "../../1.x/", true),
        ])
    );
    assert!(latest.contains("<li><a href=\"./\" aria-current=\"true\">3.x</a></li>"));
    let old = read(&out.join("2.x/guide/old-only/index.html"));
    assert_eq!(
        switcher(&old),
        owned(&[
            ("3.x", "../../../", true),
            ("2.x", "./", false),
            ("1.x", "../../../1.x/", true),
        ])
    );
    let home = read(&out.join("1.x/index.html"));
    assert_eq!(
        switcher(&home),
        owned(&[
            ("3.x", "../", false),
            ("2.x", "../2.x/", false),
            ("1.x", "./", false),
        ])
    );
}

#[test]
fn only_old_versions_carry_the_banner_to_the_latest() {
    let (_tmp, out) = built_site("versions");
    for f in [
        "index.html",
        "guide/install/index.html",
        "search/index.html",
    ] {
        assert_eq!(banner(&read(&out.join(f))), None, "{f}");
    }
    let old = read(&out.join("2.x/guide/install/index.html"));
    assert_eq!(banner(&old).as_deref(), Some("../../../guide/install/"));
    assert!(old.contains("documentation of version 2.x."));
    assert!(old.contains("See the latest version (3.x)."));
    // A page the latest does not have leads to the latest's home.
    let gone = read(&out.join("2.x/guide/old-only/index.html"));
    assert_eq!(banner(&gone).as_deref(), Some("../../../"));
    // The 404 page of an old version links with absolute paths.
    let missing = read(&out.join("2.x/404.html"));
    assert!(missing.contains("<a href=\"/kb/\">See the latest version (3.x).</a>"));
}

#[test]
fn each_version_searches_its_own_index() {
    let (_tmp, out) = built_site("versions");
    let latest = index_text(&out, "search");
    let two = index_text(&out, "2.x/search");
    let one = index_text(&out, "1.x/search");
    assert!(latest.contains("helmchart") && !latest.contains("legacyinstaller"));
    assert!(two.contains("legacyinstaller") && !two.contains("helmchart"));
    assert!(two.contains("frobnicator") && !latest.contains("frobnicator"));
    assert!(one.contains("antiquated") && !two.contains("antiquated"));
    assert!(!latest.contains("antiquated"));
    // An old version's pages load the script (and so the index) of their
    // own version's folder.
    let page = read(&out.join("2.x/guide/install/index.html"));
    assert!(page.contains("<script src=\"../../assets/search.min.js\" defer>"));
}

#[test]
fn each_version_has_its_sitemap_and_canonical_urls_under_its_folder() {
    let (_tmp, out) = built_site("versions");
    let root = read(&out.join("sitemap.xml"));
    assert!(root.contains("<loc>https://docs.example/kb/guide/install/</loc>"));
    assert!(!root.contains("/kb/2.x/"));
    let two = read(&out.join("2.x/sitemap.xml"));
    assert!(two.contains("<loc>https://docs.example/kb/2.x/guide/install/</loc>"));
    assert!(two.contains("<loc>https://docs.example/kb/2.x/guide/old-only/</loc>"));
    assert!(!two.contains("<loc>https://docs.example/kb/guide/"));
    let page = read(&out.join("2.x/guide/install/index.html"));
    assert!(page
        .contains("<link rel=\"canonical\" href=\"https://docs.example/kb/2.x/guide/install/\">"));
}

#[test]
fn a_versioned_build_is_deterministic() {
    let (_tmp, out) = built_site("versions");
    let first = tree(&out);
    let (_tmp2, again) = built_site("versions");
    assert!(first == tree(&again), "two builds differ");
}

#[test]
fn check_names_a_broken_link_in_an_old_version_by_its_file() {
    let (_tmp, root) = site("versions");
    let page = root.join("versions/2.x/guide/install.md");
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, format!("{text}\nSee [gone](nowhere.md).\n")).expect("write");
    let assert = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("versions/2.x/guide/install.md:5:"), "{err}");
    assert!(err.contains("nowhere.md"), "{err}");
    // The same link in the latest version would be at content/: it is not.
    assert!(!err.contains("content/guide/install.md"), "{err}");
}

#[test]
fn a_missing_folder_is_an_error_at_its_line() {
    let (_tmp, root) = site("versions");
    let config = root.join("lorebook.yaml");
    let text = read(&config).replace("folder: versions/1.x", "folder: versions/0.x");
    std::fs::write(&config, text).expect("write");
    let assert = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains(
            "lorebook.yaml:8:1: error: versions: `1.x`: the folder `versions/0.x` does not exist"
        ),
        "{err}"
    );
    assert!(!root.join("public").exists());
}

#[test]
fn a_folder_outside_the_site_is_refused() {
    let (tmp, root) = site("versions");
    let outside = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("_index.md"), "# Elsewhere\n").expect("write");
    let config = root.join("lorebook.yaml");
    for folder in ["../elsewhere", outside.to_str().expect("utf-8")] {
        let text = read(&config).replace("folder: versions/2.x", &format!("folder: {folder}"));
        std::fs::write(&config, &text).expect("write");
        let assert = lorebook()
            .args(["build", "--root"])
            .arg(&root)
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            err.contains(&format!("lorebook.yaml:6:1: error: versions: `2.x`: the folder `{folder}` is outside the site")),
            "{err}"
        );
        std::fs::write(
            &config,
            text.replace(&format!("folder: {folder}"), "folder: versions/2.x"),
        )
        .expect("write");
    }
    assert!(!root.join("public").exists());
}

#[test]
fn a_latest_folder_named_like_a_version_is_refused() {
    let (_tmp, root) = site("versions");
    std::fs::create_dir_all(root.join("content/2.x")).expect("mkdir");
    std::fs::write(root.join("content/2.x/clash.md"), "# Clash\n").expect("write");
    let assert = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("lorebook.yaml:5:1: error: versions: `2.x` is published under `/2.x/`"),
        "{err}"
    );
}

/// Run git in `dir` with a fixed identity and no user or system config.
fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

/// A site in a git repository (in a subfolder, `docs/`): tag `v1` holds
/// the old text, the working tree the new one.
fn git_site(versions: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    let root = repo.join("docs");
    std::fs::create_dir_all(root.join("content/guide")).expect("mkdir");
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("content/_index.md"), "# Home\n").expect("write");
    std::fs::write(root.join("content/guide/_index.md"), "# Guide\n").expect("write");
    std::fs::write(
        root.join("content/guide/setup.md"),
        "# Setup\n\nThe old way uses the zephyrtool.\n",
    )
    .expect("write");
    std::fs::write(
        root.join("content/guide/retired.md"),
        "# Retired\n\nGone later.\n",
    )
    .expect("write");
    std::fs::write(root.join("lorebook.yaml"), "title: Git Help\n").expect("write");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    git(&repo, &["tag", "v1"]);
    std::fs::write(
        root.join("content/guide/setup.md"),
        "# Setup\n\nThe new way uses the quasarwizard.\n",
    )
    .expect("write");
    std::fs::remove_file(root.join("content/guide/retired.md")).expect("rm");
    std::fs::write(
        root.join("lorebook.yaml"),
        format!("title: Git Help\nversions:\n{versions}"),
    )
    .expect("write");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "two"]);
    (tmp, root)
}

#[test]
fn a_git_tag_is_built_under_its_name() {
    let (_tmp, root) = git_site("  - name: latest\n  - name: \"1.0\"\n    ref: v1\n");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    let old = read(&out.join("1.0/guide/setup/index.html"));
    assert!(old.contains("zephyrtool") && !old.contains("quasarwizard"));
    assert!(out.join("1.0/guide/retired/index.html").is_file());
    let new = read(&out.join("guide/setup/index.html"));
    assert!(new.contains("quasarwizard") && !new.contains("zephyrtool"));
    assert!(!out.join("guide/retired/index.html").exists());
    assert_eq!(
        switcher(&read(&out.join("1.0/guide/retired/index.html"))),
        owned(&[("latest", "../../../", true), ("1.0", "./", false)])
    );
    assert!(index_text(&out, "1.0/search").contains("zephyrtool"));
    assert!(!index_text(&out, "search").contains("zephyrtool"));
    // A second build reads the tree it wrote the first time.
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert!(read(&out.join("1.0/guide/setup/index.html")).contains("zephyrtool"));
}

#[test]
fn a_missing_ref_is_an_error_at_its_line() {
    let (_tmp, root) = git_site("  - name: latest\n  - name: \"0.9\"\n    ref: v0.9\n");
    let assert = lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("lorebook.yaml:5:1: error: versions: `0.9`: no branch, tag or commit `v0.9`"),
        "{err}"
    );
}

/// Break a link in the tree of tag `v1` (line 3 of
/// `content/guide/retired.md`): a new commit, tagged again.
fn break_link_at_v1(root: &Path) {
    let repo = root.parent().expect("repo").to_path_buf();
    git(&repo, &["checkout", "-q", "v1"]);
    std::fs::write(
        root.join("content/guide/retired.md"),
        "# Retired\n\nSee [missing](missing.md).\n",
    )
    .expect("write");
    git(&repo, &["commit", "-q", "-am", "broken"]);
    git(&repo, &["tag", "-f", "v1"]);
    git(&repo, &["checkout", "-q", "main"]);
}

#[test]
fn check_names_a_git_version_file_by_its_ref() {
    let (_tmp, root) = git_site("  - name: latest\n  - name: \"1.0\"\n    ref: v1\n");
    break_link_at_v1(&root);
    let assert = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("v1:content/guide/retired.md:3:"), "{err}");
}

#[test]
fn github_annotations_attach_to_files_only_when_they_are_checked_out() {
    let (_tmp, root) = git_site(
        "  - name: latest\n  - name: \"1.0\"\n    ref: v1\n  - name: \"0.9\"\n    folder: old\n",
    );
    break_link_at_v1(&root);
    std::fs::create_dir_all(root.join("old")).expect("mkdir");
    std::fs::write(
        root.join("old/_index.md"),
        "# Old\n\nSee [gone](gone.md).\n",
    )
    .expect("write");
    let assert = lorebook()
        .args(["check", "--format", "github", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    // The folder version's file exists in the checkout (the site is in
    // `docs/` of the repository): a file annotation at its line.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=docs/old/_index.md,line=3,col=")),
        "{out}"
    );
    // The tag's file does not: no `file=`, its ref and path in the title,
    // as `git show` takes them.
    let tagged: Vec<&&str> = lines.iter().filter(|l| l.contains("retired")).collect();
    assert_eq!(tagged.len(), 1, "{out}");
    assert!(
        tagged[0].starts_with("::error title=v1%3Adocs/content/guide/retired.md%3A3%3A"),
        "{out}"
    );
    assert!(tagged[0].contains("missing.md"), "{out}");
    assert!(tagged[0].contains("the git ref `v1`"), "{out}");
    assert!(
        !out.contains("file=v1") && !out.contains("file=docs/v1"),
        "{out}"
    );
    // The JSON format names the ref beside the path.
    let assert = lorebook()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let json: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("json");
    let retired = json
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["path"] == "v1:content/guide/retired.md")
        .expect("the tag's problem");
    assert_eq!(retired["ref"], "v1");
    let old = json
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["path"] == "old/_index.md")
        .expect("the folder's problem");
    assert!(old.get("ref").is_none(), "{old}");
}

// Languages and versions together (`tests/fixtures/versions-i18n`: English
// and German in 3.x, the working tree; 2.x with a partial German tree; 1.x
// in English only).

#[test]
fn a_translation_of_an_old_version_is_under_the_version_then_the_language() {
    let (_tmp, out) = built_site("versions-i18n");
    for f in [
        "de/index.html",
        "de/guide/install/index.html",
        "de/search/index.html",
        "2.x/de/index.html",
        "2.x/de/guide/install/index.html",
        "2.x/de/search/index.html",
        "2.x/de/atom.xml",
        "1.x/faq/index.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // 1.x has no German tree: it publishes no German home, search or
    // feed, and its pages no language switcher nor alternates.
    for f in [
        "2.x/de/guide/new-feature/index.html",
        "2.x/de/guide/old-only/index.html",
        "1.x/de",
        "de/2.x",
    ] {
        assert!(!out.join(f).exists(), "{f} published");
    }
    let faq = read(&out.join("1.x/faq/index.html"));
    assert_eq!(languages(&faq), None);
    assert_eq!(alternates(&faq), Vec::<(String, String)>::new());
    let page = read(&out.join("2.x/de/guide/install/index.html"));
    assert!(page.contains("<html lang=\"de\""));
    assert!(page.contains("Altinstallationsskript"));
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://docs.example/kb/2.x/de/guide/install/\">"
    ));
    assert_eq!(broken(&out), Vec::<String>::new());
}

#[test]
fn the_language_switcher_of_an_old_version_stays_in_it() {
    let (_tmp, out) = built_site("versions-i18n");
    let de = read(&out.join("2.x/de/guide/install/index.html"));
    assert_eq!(
        languages(&de),
        Some(owned(&[
            ("English", "../../../guide/install/", false),
            ("Deutsch", "./", false),
        ]))
    );
    // A page without a German translation leads to 2.x's German home.
    let en = read(&out.join("2.x/guide/old-only/index.html"));
    assert_eq!(
        languages(&en),
        Some(owned(&[
            ("English", "./", false),
            ("Deutsch", "../../de/", true),
        ]))
    );
}

#[test]
fn the_version_switcher_of_a_translation_stays_in_its_language() {
    let (_tmp, out) = built_site("versions-i18n");
    // 2.x has the German page; 1.x has no German at all: its home.
    let page = read(&out.join("de/guide/install/index.html"));
    assert_eq!(
        switcher(&page),
        owned(&[
            ("3.x", "./", false),
            ("2.x", "../../../2.x/de/guide/install/", false),
            ("1.x", "../../../1.x/", true),
        ])
    );
    // 2.x has German but not this page: its German home.
    let new = read(&out.join("de/guide/new-feature/index.html"));
    assert_eq!(
        switcher(&new),
        owned(&[
            ("3.x", "./", false),
            ("2.x", "../../../2.x/de/", true),
            ("1.x", "../../../1.x/", true),
        ])
    );
    let old = read(&out.join("2.x/de/guide/install/index.html"));
    assert_eq!(
        switcher(&old),
        owned(&[
            ("3.x", "../../../../de/guide/install/", false),
            ("2.x", "./", false),
            ("1.x", "../../../../1.x/", true),
        ])
    );
    assert_eq!(
        banner(&old).as_deref(),
        Some("../../../../de/guide/install/")
    );
    assert!(old.contains("Sie lesen die Dokumentation der Version 2.x."));
    // A German page of 2.x that 3.x no longer has: 3.x's German home.
    let home = read(&out.join("2.x/de/index.html"));
    assert_eq!(banner(&home).as_deref(), Some("../../de/"));
}

#[test]
fn an_old_version_has_its_own_alternates_and_sitemap() {
    let (_tmp, out) = built_site("versions-i18n");
    let kb = "https://docs.example/kb";
    let page = read(&out.join("2.x/de/guide/install/index.html"));
    assert_eq!(
        alternates(&page),
        vec![
            ("en".to_string(), format!("{kb}/2.x/guide/install/")),
            ("de".to_string(), format!("{kb}/2.x/de/guide/install/")),
            ("x-default".to_string(), format!("{kb}/2.x/guide/install/")),
        ]
    );
    let sitemap = read(&out.join("2.x/sitemap.xml"));
    let entry = format!(
        "<url><loc>{kb}/2.x/de/guide/install/</loc>\n    <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{kb}/2.x/guide/install/\"/>"
    );
    assert!(sitemap.contains(&entry), "{sitemap}");
    // Only 2.x's own URLs, every one under /kb/2.x/.
    let locs: Vec<&str> = sitemap
        .split("href=\"")
        .skip(1)
        .chain(sitemap.split("<loc>").skip(1))
        .map(|s| s.split(['"', '<']).next().unwrap_or(""))
        .collect();
    assert!(locs.len() > 10, "{sitemap}");
    assert!(
        locs.iter().all(|l| l.starts_with(&format!("{kb}/2.x/"))),
        "{locs:?}"
    );
    let root = read(&out.join("sitemap.xml"));
    assert!(root.contains(&format!("<loc>{kb}/de/guide/new-feature/</loc>")));
    assert!(!root.contains("/kb/2.x/") && !root.contains("/kb/1.x/"));
    let one = read(&out.join("1.x/sitemap.xml"));
    assert!(!one.contains("xhtml:link"), "{one}");
}

#[test]
fn each_version_and_language_has_its_own_search_index() {
    let (_tmp, out) = built_site("versions-i18n");
    let words = [
        ("search", "helmchart"),
        ("de/search", "steuerradpaket"),
        ("2.x/search", "legacyinstaller"),
        ("2.x/de/search", "altinstallationsskript"),
        ("1.x/search", "antiquated"),
    ];
    for (dir, own) in words {
        let text = index_text(&out, dir).to_lowercase();
        for (other, word) in words {
            assert_eq!(
                text.contains(word),
                other == dir,
                "{dir} and `{word}` (of {other})"
            );
        }
        assert!(text.contains(own), "{dir}");
    }
    // A German page of 2.x loads 2.x's German index.
    let page = read(&out.join("2.x/de/guide/install/index.html"));
    assert!(
        page.contains(
            "<script src=\"../../../assets/search.min.js\" data-index=\"de/search/\" defer>"
        ),
        "{page}"
    );
}

// The latest version under an alias (`alias:` on the working tree's entry).

/// The versioned fixture with `lorebook.yaml` edited by `edit`.
fn site_with(edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = site("versions");
    let config = root.join("lorebook.yaml");
    std::fs::write(&config, edit(read(&config))).expect("write");
    (tmp, root)
}

/// The fixture with `alias: latest` on 3.x (line 5 of lorebook.yaml).
fn aliased() -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = site_with(|t| {
        t.replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: latest\n",
        )
    });
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    (tmp, root.join("public"))
}

/// The error output of a failed build of `root`.
fn build_errors(root: &Path) -> String {
    let assert = lorebook()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .code(1);
    assert!(!root.join("public").exists());
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn the_latest_under_an_alias_is_built_there_and_the_root_sends_readers_to_it() {
    let (_tmp, out) = aliased();
    for f in [
        "latest/index.html",
        "latest/guide/install/index.html",
        "latest/guide/new-feature/index.html",
        "latest/search/index.html",
        "latest/sitemap.xml",
        "latest/404.html",
        "2.x/guide/install/index.html",
        "1.x/faq/index.html",
        "index.html",
        "404.html",
        "robots.txt",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    for f in [
        "guide",
        "search",
        "assets",
        "sitemap.xml",
        "latest/robots.txt",
        "3.x",
    ] {
        assert!(!out.join(f).exists(), "{f} published");
    }
    assert_eq!(
        read(&out.join("index.html")),
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Versioned Help</title>\
<link rel=\"canonical\" href=\"https://docs.example/kb/latest/\"><meta name=\"robots\" content=\"noindex\">\
<script>location.replace(\"latest/\"+(location.protocol===\"file:\"?\"index.html\":\"\")+location.search+location.hash)</script>\
<meta http-equiv=\"refresh\" content=\"0; url=latest/index.html\"></head>\
<body><p><a href=\"latest/index.html\">Versioned Help (3.x)</a></p></body></html>\n"
    );
    // Crawlers read robots.txt at the root only: it names the latest's
    // sitemap, under the alias.
    assert_eq!(
        read(&out.join("robots.txt")),
        "User-agent: *\nAllow: /\nSitemap: https://docs.example/kb/latest/sitemap.xml\n"
    );
    // Hosts serve the root's 404.html for any missing path: the latest's,
    // whose links are absolute.
    let missing = read(&out.join("404.html"));
    assert_eq!(missing, read(&out.join("latest/404.html")));
    assert!(missing.contains("href=\"/kb/latest/guide/\""), "{missing}");
    assert_eq!(broken(&out), Vec::<String>::new());
    // The working tree is still the one pages can be edited from.
    let page = read(&out.join("latest/guide/install/index.html"));
    assert!(page.contains("https://git.example/edit/content/guide/install.md"));
}

#[test]
fn switcher_banner_and_canonical_urls_point_at_the_alias() {
    let (_tmp, out) = aliased();
    let old = read(&out.join("2.x/guide/install/index.html"));
    assert_eq!(
        switcher(&old),
        owned(&[
            ("3.x", "../../../latest/guide/install/", false),
            ("2.x", "./", false),
            ("1.x", "../../../1.x/", true),
        ])
    );
    assert_eq!(
        banner(&old).as_deref(),
        Some("../../../latest/guide/install/")
    );
    let latest = read(&out.join("latest/guide/install/index.html"));
    assert_eq!(
        switcher(&latest),
        owned(&[
            ("3.x", "./", false),
            ("2.x", "../../../2.x/guide/install/", false),
            ("1.x", "../../../1.x/", true),
        ])
    );
    assert_eq!(banner(&latest), None);
    assert!(latest.contains(
        "<link rel=\"canonical\" href=\"https://docs.example/kb/latest/guide/install/\">"
    ));
    let sitemap = read(&out.join("latest/sitemap.xml"));
    assert!(sitemap.contains("<loc>https://docs.example/kb/latest/guide/install/</loc>"));
    assert!(!sitemap.contains("<loc>https://docs.example/kb/guide/"));
    assert!(read(&out.join("latest/atom.xml")).contains("https://docs.example/kb/latest/"));
    let missing = read(&out.join("2.x/404.html"));
    assert!(missing.contains("<a href=\"/kb/latest/\">See the latest version (3.x).</a>"));
    // The latest's search is its own, under the alias.
    let index = index_text(&out, "latest/search");
    assert!(index.contains("helmchart") && !index.contains("legacyinstaller"));
}

#[test]
fn an_old_version_may_have_an_alias() {
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "    folder: versions/2.x\n",
            "    folder: versions/2.x\n    alias: stable\n",
        )
    });
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    assert!(out.join("stable/guide/install/index.html").is_file());
    assert!(!out.join("2.x").exists());
    // The latest stays at the root: no redirect page there.
    assert!(read(&out.join("index.html")).contains("Versioned Help"));
    assert!(out.join("guide/install/index.html").is_file());
    assert_eq!(
        switcher(&read(&out.join("guide/install/index.html"))),
        owned(&[
            ("3.x", "./", false),
            ("2.x", "../../stable/guide/install/", false),
            ("1.x", "../../1.x/", true),
        ])
    );
    let old = read(&out.join("stable/guide/install/index.html"));
    assert!(old.contains("documentation of version 2.x."));
    assert!(old.contains(
        "<link rel=\"canonical\" href=\"https://docs.example/kb/stable/guide/install/\">"
    ));
    assert_eq!(broken(&out), Vec::<String>::new());
}

#[test]
fn alias_collisions_are_errors_at_their_line() {
    // The alias of 3.x (line 6) is the name of 2.x.
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: \"2.x\"\n",
        )
    });
    let err = build_errors(&root);
    assert!(
        err.contains("lorebook.yaml:5:1: error: versions: `3.x`: the alias `2.x` is the name of version `2.x`"),
        "{err}"
    );
    // Two versions with one alias: at the second (line 10).
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "    folder: versions/2.x\n",
            "    folder: versions/2.x\n    alias: old\n",
        )
        .replace(
            "    folder: versions/1.x\n",
            "    folder: versions/1.x\n    alias: old\n",
        )
    });
    let err = build_errors(&root);
    assert!(
        err.contains("lorebook.yaml:10:1: error: versions: `1.x`: the alias `old` is the alias of version `2.x`"),
        "{err}"
    );
    assert_eq!(err.matches("the alias `old`").count(), 1, "{err}");
    // Not a folder name.
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: ../up\n",
        )
    });
    let err = build_errors(&root);
    assert!(
        err.contains("lorebook.yaml:5:1: error: versions: `3.x`: `../up` is not a valid alias"),
        "{err}"
    );
    // An old version's alias where the latest, at the root, has a folder.
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "    folder: versions/2.x\n",
            "    folder: versions/2.x\n    alias: stable\n",
        )
    });
    std::fs::create_dir_all(root.join("content/stable")).expect("mkdir");
    std::fs::write(root.join("content/stable/clash.md"), "# Clash\n").expect("write");
    let err = build_errors(&root);
    assert!(
        err.contains("lorebook.yaml:7:1: error: versions: `2.x` is published under `/stable/`, where the latest version already publishes `stable/"),
        "{err}"
    );
    // Under its alias, the latest's own `2.x/` folder no longer clashes:
    // it is at /latest/2.x/.
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: latest\n",
        )
    });
    std::fs::create_dir_all(root.join("content/2.x")).expect("mkdir");
    std::fs::write(root.join("content/2.x/clash.md"), "# Clash\n").expect("write");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    assert!(root.join("public/latest/2.x/clash/index.html").is_file());
    assert!(root.join("public/2.x/guide/old-only/index.html").is_file());
}

#[test]
fn check_reports_alias_collisions_too() {
    let (_tmp, root) = site_with(|t| {
        t.replace(
            "    folder: versions/1.x\n",
            "    folder: versions/1.x\n    alias: robots.txt\n",
        )
        .replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: latest\n",
        )
    });
    let assert = lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("lorebook.yaml:10:1: error: versions: `1.x` is published under `/robots.txt/`, where the latest version already publishes `robots.txt`"),
        "{err}"
    );
}
