//! `lorebook import`: the MkDocs, Docusaurus, Hugo and mdBook sample trees under
//! `tests/fixtures/import/` become lorebook sites that check clean and
//! build, with what could not be mapped listed at file:line.

use std::path::Path;

use predicates::prelude::*;

use crate::common::{lorebook, manifest_dir, read, tree};

fn fixture(name: &str) -> std::path::PathBuf {
    manifest_dir().join("tests/fixtures/import").join(name)
}

/// Every text file of the imported site, for a snapshot.
fn listing(site: &Path) -> String {
    let mut out = String::new();
    for (rel, bytes) in tree(site) {
        match String::from_utf8(bytes) {
            Ok(text) if !rel.ends_with(".png") && !rel.ends_with(".svg") => {
                out.push_str(&format!("=== {rel}\n{text}"));
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(&format!("=== {rel} (copied)\n")),
        }
    }
    out
}

fn import(format: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = lorebook()
        .args(["import", format])
        .arg(fixture(format))
        .arg("--output")
        .arg(&site)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{err}");
    (tmp, site, err)
}

fn check_and_build(site: &Path) {
    lorebook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(site)
        .assert()
        .success();
    lorebook()
        .args(["build", "--root"])
        .arg(site)
        .assert()
        .success();
}

#[test]
fn mkdocs_tree_imports_checks_clean_and_builds() {
    let (_t, site, err) = import("mkdocs");
    for note in [
        "mkdocs.yml:6: warning: `theme` is not imported",
        "docs/billing/invoices.md:10: warning: snippet include (`--8<--`) is not supported",
        "docs/getting-started/configure.md:3: warning: front matter `status` has no lorebook equivalent; dropped",
        "docs/getting-started/configure.md:7: warning: admonition type `abstract` has no GitHub alert; written as `[!NOTE]`",
        "docs/getting-started/index.md:3: warning: front matter `hide` has no lorebook equivalent; dropped",
        "docs/getting-started/install.md:6: warning: content tab `Linux` written as a titled paragraph",
        "docs/getting-started/install.md:20: warning: collapsible admonition written open",
        "imported 5 pages from MkDocs",
    ] {
        assert!(err.contains(note), "{note} not in {err}");
    }
    insta::assert_snapshot!("mkdocs_imported_site", listing(&site));
    check_and_build(&site);
    let install = read(&site.join("public/getting-started/install/index.html"));
    assert!(install.contains("callout callout-warning"), "{install}");
    assert!(
        install.contains("href=\"../../\">home page</a>"),
        "{install}"
    );
}

#[test]
fn docusaurus_tree_imports_checks_clean_and_builds() {
    let (_t, site, err) = import("docusaurus");
    for note in [
        "blog: warning: the blog is not imported",
        "docs/01-tutorial-basics/01-create-a-page.md:3: warning: front matter `keywords` has no lorebook equivalent; dropped",
        "docs/01-tutorial-basics/02-create-a-document.mdx:5: warning: MDX `import Tabs` dropped",
        "docs/01-tutorial-basics/02-create-a-document.mdx:17: warning: tab `Markdown` written as a titled paragraph",
        "docusaurus.config.js: warning: JavaScript is not run",
        "imported 4 pages from Docusaurus",
    ] {
        assert!(err.contains(note), "{note} not in {err}");
    }
    assert!(
        !err.contains("/img/logo.svg"),
        "static files resolve: {err}"
    );
    insta::assert_snapshot!("docusaurus_imported_site", listing(&site));
    check_and_build(&site);
    // The old URL of the doc whose id changed redirects to it.
    assert!(site
        .join("public/tutorial-basics/create-doc/index.html")
        .is_file());
    let page = read(&site.join("public/tutorial-basics/create-a-page/index.html"));
    assert!(page.contains("callout callout-tip"), "{page}");
    assert!(
        page.contains("href=\"../create-a-document/#front-matter\""),
        "{page}"
    );
}

#[test]
fn hugo_tree_imports_checks_clean_and_builds() {
    let (_t, site, err) = import("hugo");
    for note in [
        "content/docs/_index.md:4: warning: front matter `bookCollapseSection` has no lorebook equivalent; dropped",
        "content/docs/configure.md:4: warning: front matter `toc` has no lorebook equivalent; dropped",
        "content/docs/install/index.md:20: warning: shortcode `youtube` is not supported; left as written",
        "imported 5 pages from Hugo",
    ] {
        assert!(err.contains(note), "{note} not in {err}");
    }
    insta::assert_snapshot!("hugo_imported_site", listing(&site));
    check_and_build(&site);
    let install = read(&site.join("public/docs/install/index.html"));
    assert!(install.contains("callout callout-warning"), "{install}");
    assert!(
        install.contains("href=\"../configure/#options\""),
        "{install}"
    );
    // The slug's old URL redirects.
    assert!(site.join("public/docs/setup/index.html").is_file());
}

#[test]
fn mdbook_tree_imports_checks_clean_and_builds() {
    let (_t, site, err) = import("mdbook");
    for note in [
        "src/SUMMARY.md:10: warning: draft chapter `Later` has no file; skipped",
        "src/extra.md: warning: not in SUMMARY.md (mdBook skips it); imported anyway",
        "src/guide/install.md:7: warning: `{{#include}}` is an mdBook preprocessor link; left as written",
        "imported 5 pages from mdBook",
    ] {
        assert!(err.contains(note), "{note} not in {err}");
    }
    insta::assert_snapshot!("mdbook_imported_site", listing(&site));
    check_and_build(&site);
    let guide = read(&site.join("public/guide/index.html"));
    assert!(guide.contains("href=\"configure/#options\""), "{guide}");
}

#[test]
fn import_never_writes_into_a_folder_that_has_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    lorebook()
        .args(["import", "mkdocs"])
        .arg(fixture("mkdocs"))
        .arg("--output")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists and is not empty"));
    assert_eq!(read(&tmp.path().join("keep.txt")), "mine");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn import_of_a_folder_without_its_config_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    lorebook()
        .args(["import", "mkdocs"])
        .arg(tmp.path())
        .arg("--output")
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `mkdocs.yml` here"));
}
