//! The pipeline on fixture sites: output layout, ordering, links, sub-path
//! deploys, determinism and atomic replacement.

use crate::common::{broken_links, lorebook, main_of, read, site, tree};

fn build(root: &std::path::Path, extra: &[&str]) {
    lorebook()
        .args(["build", "--root"])
        .arg(root)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn builds_clean_urls_sections_tags_aliases_and_site_files() {
    let (_tmp, root) = site("basic");
    build(&root, &[]);
    let out = root.join("public");
    for f in [
        "index.html",
        "guide/index.html",
        "guide/a-first/index.html",
        "guide/deep/index.html",
        "guide/deep/page/index.html",
        "tags/index.html",
        "tags/alpha/index.html",
        "tags/beta/index.html",
        "old/first/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "atom.xml",
        "img/logo.svg",
        "assets/site.css",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    assert!(
        !out.join("draft/index.html").exists(),
        "drafts are left out by default"
    );
    let alias = read(&out.join("old/first/index.html"));
    assert!(alias.contains("url=../../guide/a-first/"), "{alias}");
    let beta = read(&out.join("tags/beta/index.html"));
    assert!(beta.contains("First") && beta.contains("Second"));
}

#[test]
fn drafts_are_built_with_the_flag() {
    let (_tmp, root) = site("basic");
    build(&root, &["--drafts"]);
    assert!(root.join("public/draft/index.html").is_file());
}

#[test]
fn section_lists_pages_by_weight_then_title() {
    let (_tmp, root) = site("basic");
    build(&root, &[]);
    let html = read(&root.join("public/guide/index.html"));
    let main = main_of(&html);
    let pos = |t: &str| {
        main.find(&format!(">{t}<"))
            .unwrap_or_else(|| panic!("{t} not listed"))
    };
    assert!(pos("First") < pos("Second"), "weight 1 before weight 2");
    assert!(
        pos("Second") < pos("Aardvark"),
        "unweighted pages come last"
    );
    assert!(main.contains("Deep section"), "subsections are listed");
}

#[test]
fn page_shows_breadcrumbs_and_edit_link() {
    let (_tmp, root) = site("basic");
    build(&root, &[]);
    let html = read(&root.join("public/guide/deep/page/index.html"));
    let main = main_of(&html);
    assert!(
        main.contains(r#"<a href="../../../">Basic Fixture</a>"#),
        "{main}"
    );
    assert!(main.contains(r#"<a href="../../">Guide</a>"#), "{main}");
    assert!(main.contains(r#"<a href="../">Deep section</a>"#), "{main}");
    assert!(main.contains("https://git.example/edit/content/guide/deep/page.md"));
}

#[test]
fn every_internal_link_of_the_example_site_resolves() {
    let (_tmp, root) = site("example-site");
    build(&root, &[]);
    let broken = broken_links(&root.join("public"));
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn sub_path_base_url_keeps_links_working() {
    let (_tmp, root) = site("basic");
    build(&root, &["--base-url", "https://preview.example/kb/pr-7/"]);
    let out = root.join("public");
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://preview.example/kb/pr-7/guide/a-first/</loc>"),
        "{sitemap}"
    );
    let page = read(&out.join("guide/a-first/index.html"));
    assert!(page.contains(
        r#"<link rel="canonical" href="https://preview.example/kb/pr-7/guide/a-first/">"#
    ));
    // The 404 page is served at any depth: its links are absolute under the sub-path.
    let nf = read(&out.join("404.html"));
    assert!(nf.contains(r#"href="/kb/pr-7/assets/site.css""#), "{nf}");
    assert!(nf.contains(r#"href="/kb/pr-7/guide/""#), "{nf}");
    assert!(broken_links(&out).is_empty());
}

#[test]
fn two_builds_are_byte_identical() {
    builds_twice_the_same("example-site", 50);
    // A multilingual site: per-language trees, indexes and alternates.
    builds_twice_the_same("i18n", 40);
}

fn builds_twice_the_same(name: &str, at_least: usize) {
    let (tmp, root) = site(name);
    let a = tmp.path().join("out-a");
    let b = tmp.path().join("out-b");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&a)
        .assert()
        .success();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&b)
        .assert()
        .success();
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > at_least, "{name} should produce many files");
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (_tmp, root) = site("basic");
    build(&root, &[]);
    let before = tree(&root.join("public"));
    std::fs::write(
        root.join("content/guide/a-first.md"),
        "---
title: [unclosed
---
",
    )
    .unwrap();
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("content/guide/a-first.md:2"));
    assert_eq!(before, tree(&root.join("public")));
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lorebook-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn streamed_build_writes_exactly_the_files_render_makes_in_memory() {
    // `build` writes each file as it is rendered; `serve` collects them with
    // `render::render`. Both must give the same tree, byte for byte. Like
    // `serve`, `render_all` renders the working tree's version alone (no
    // switcher, no `4.1/`), so the example site is compared without its
    // `versions:`; `versions.rs` covers a versioned build.
    let (tmp, root) = site("example-site");
    crate::common::drop_config_key(&root, "versions");
    let out = tmp.path().join("out");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let config = lorebook::config::Config::load(&root, &Default::default()).expect("config");
    let (_, files, _) = lorebook::build::render_all(&config).expect("render");
    let mut built = tree(&out);
    assert!(built.remove(".lorebook-output").is_some(), "marker written");
    assert!(
        files.len() > 50,
        "the example site should produce many files"
    );
    let memory: std::collections::BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|f| {
            let bytes = match &f.contents {
                lorebook::output::Contents::Bytes(b) => b.clone(),
                lorebook::output::Contents::Copy(p) => std::fs::read(p).expect("asset"),
            };
            (f.path.to_string_lossy().replace('\\', "/"), bytes)
        })
        .collect();
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        memory.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &memory {
        assert!(bytes == &built[path], "{path} differs");
    }
}

/// A tag on many pages is listed 100 pages at a time, with previous/next
/// links, so no tag page grows with the size of the site.
#[test]
fn long_tag_lists_are_split_into_linked_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("lorebook.yaml"), "title: Many\n").unwrap();
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    for i in 0..250 {
        std::fs::write(
            content.join(format!("p{i:03}.md")),
            format!("---\ntitle: Page {i:03}\ntags: [common]\n---\nBody {i}.\n"),
        )
        .unwrap();
    }
    build(root, &[]);
    let out = root.join("public");
    let first = read(&out.join("tags/common/index.html"));
    let second = read(&out.join("tags/common/page/2/index.html"));
    let third = read(&out.join("tags/common/page/3/index.html"));
    assert!(!out.join("tags/common/page/4").exists());
    let count = |html: &str| main_of(html).matches("class=\"page-list-title\"").count();
    assert_eq!(
        (count(&first), count(&second), count(&third)),
        (100, 100, 50)
    );
    for html in [&first, &second, &third] {
        assert!(html.contains("250 pages"), "{html}");
    }
    assert!(first.contains("page 1 of 3") && !first.contains("rel=\"prev\""));
    assert!(first.contains("rel=\"next\" href=\"page/2/\""), "{first}");
    assert!(second.contains("rel=\"prev\" href=\"../../\""), "{second}");
    assert!(second.contains("rel=\"next\" href=\"../3/\""), "{second}");
    assert!(third.contains("rel=\"prev\" href=\"../2/\"") && !third.contains("rel=\"next\""));
    // Every page is listed exactly once across the three.
    let all = format!("{first}{second}{third}");
    for i in 0..250 {
        assert_eq!(
            all.matches(&format!(">Page {i:03}<")).count(),
            1,
            "Page {i:03}"
        );
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

/// The header lists at most 8 top-level sections on every page, always with
/// the page's own section, and links to the home page's list of all of them:
/// a site with hundreds of sections does not repeat them all on every page.
#[test]
fn header_nav_is_bounded_and_keeps_the_current_section() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("lorebook.yaml"), "title: Wide\n").unwrap();
    let content = root.join("content");
    for i in 0..12 {
        let dir = content.join(format!("s{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Section {i:02}\n---\n"),
        )
        .unwrap();
        std::fs::write(dir.join("page.md"), format!("# Page in {i:02}\n")).unwrap();
    }
    build(root, &[]);
    let out = root.join("public");
    let nav = |html: &str| -> String {
        let start = html.find("class=\"top-nav\"").expect("a header nav");
        let end = start + html[start..].find("</nav>").unwrap();
        html[start..end].to_string()
    };
    let listed = |nav: &str| -> Vec<String> {
        (0..12)
            .map(|i| format!("Section {i:02}"))
            .filter(|t| nav.contains(&format!(">{t}</a>")))
            .collect()
    };
    // A page in an early section: the first eight.
    let early = nav(&read(&out.join("s01/page/index.html")));
    let want: Vec<String> = (0..8).map(|i| format!("Section {i:02}")).collect();
    assert_eq!(listed(&early), want, "{early}");
    assert!(
        early.contains("href=\"../../#sections\">All 12 sections</a>"),
        "{early}"
    );
    assert!(
        early.contains("aria-current=\"true\">Section 01</a>"),
        "{early}"
    );
    // A page in the last section: seven of the first, then its own, current.
    let late = nav(&read(&out.join("s11/page/index.html")));
    let mut want: Vec<String> = (0..7).map(|i| format!("Section {i:02}")).collect();
    want.push("Section 11".to_string());
    assert_eq!(listed(&late), want, "{late}");
    assert!(
        late.contains("aria-current=\"true\">Section 11</a>"),
        "{late}"
    );
    // The home page lists every section under the anchor the link targets.
    let home = read(&out.join("index.html"));
    assert!(home.contains("id=\"sections\""), "{home}");
    for i in 0..12 {
        assert!(home.contains(&format!(">Section {i:02}</a>")), "{i}");
    }
    assert_eq!(broken_links(&out), Vec::<String>::new());
}

/// Issue 17: in a shallow clone `build -q` credited the last committer with
/// every page and said nothing; it warns as `check` does.
#[test]
fn quiet_build_in_a_shallow_clone_warns_that_authors_are_incomplete() {
    let (tmp, root) = site("basic");
    let git = |dir: &std::path::Path, args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .expect("git runs")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "first"]);
    std::fs::write(root.join("content/guide/a-first.md"), "# First, edited\n").unwrap();
    git(&root, &["commit", "-q", "-am", "second"]);
    let url = format!("file://{}", root.display());
    git(
        tmp.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let out = lorebook()
        .args(["-q", "build", "--root"])
        .arg(tmp.path().join("shallow"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("warning: the git clone is shallow"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn timings_flag_prints_every_stage_after_the_build() {
    let (_tmp, root) = site("example-site");
    let out = lorebook()
        .args(["build", "-q", "--timings", "--root"])
        .arg(&root)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rows: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("timings:"))
        .skip(2)
        .map(|l| l.trim_start().split("  ").next().unwrap_or(""))
        .collect();
    // example-site has code in several languages: every stage did work.
    assert_eq!(
        rows,
        [
            "theme",
            "load",
            "read",
            "markdown",
            "highlight",
            "pack",
            "git history",
            "model",
            "render",
            "templates",
            "write files",
            "search",
            "write",
            "total"
        ],
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "timings go to stderr");

    let plain = lorebook()
        .args(["build", "-q", "--root"])
        .arg(&root)
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(
        !String::from_utf8_lossy(&plain.stderr).contains("timings:"),
        "printed only when asked"
    );
}
