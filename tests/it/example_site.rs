//! The example site in two languages and two versions (issue 22): English
//! with a partial German translation (`content/de/`), and version 4.1 (the
//! folder `versions/4.1/`, with a German page of its own) beside the latest,
//! 4.2. Built from a copy: the German and 4.1 pages are published and
//! linked, the switchers lead to the same page where it exists and to the
//! home where it does not, 4.1 carries the banner, and each language of
//! each version searches its own index. `languages.rs` and `versions.rs`
//! test the features on small fixtures; this is the worked example.

use std::path::Path;

use crate::common::{broken_links, built_site, index_text, nav_links, owned, read};

/// The links of a page's switcher (`lang-switch` for languages,
/// `version-switch` for versions) as `(label, href, missing)`.
fn switcher(html: &str, class: &str) -> Vec<(String, String, bool)> {
    let open = format!("<nav class=\"lang-switch{class}\"");
    nav_links(html, &open).unwrap_or_else(|| panic!("no {open}"))
}

fn languages(html: &str) -> Vec<(String, String, bool)> {
    switcher(html, "")
}

fn versions(html: &str) -> Vec<(String, String, bool)> {
    switcher(html, " version-switch")
}

/// The site URL (`de/sync/`) a relative href on the page at `page` leads to.
fn target(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
    for seg in href.split('/').filter(|s| !s.is_empty()) {
        match seg {
            "." => {}
            ".." => {
                parts.pop().expect("stays inside the site");
            }
            s => parts.push(s),
        }
    }
    parts.iter().map(|p| format!("{p}/")).collect()
}

/// `(label, site URL, missing)` of a switcher, each URL an existing page.
fn targets(
    out: &Path,
    page: &str,
    links: &[(String, String, bool)],
) -> Vec<(String, String, bool)> {
    links
        .iter()
        .map(|(label, href, missing)| {
            let url = target(page, href);
            assert!(
                out.join(&url).join("index.html").is_file(),
                "{page}: {label} leads to {url}, which is not built"
            );
            (label.clone(), url, *missing)
        })
        .collect()
}

#[test]
fn the_german_tree_and_version_4_1_are_published_and_every_link_resolves() {
    let (_tmp, out) = built_site("example-site");
    for f in [
        "de/index.html",
        "de/getting-started/install-linux/index.html",
        "de/sync/selective-sync/index.html",
        "de/account/two-factor/index.html",
        "de/troubleshooting/sync-stuck/index.html",
        "de/search/index.html",
        "de/atom.xml",
        "4.1/index.html",
        "4.1/sync/selective-sync/index.html",
        "4.1/troubleshooting/sync-stuck/index.html",
        "4.1/search/index.html",
        "4.1/sitemap.xml",
        "4.1/de/index.html",
        "4.1/de/getting-started/install-linux/index.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Left untranslated on purpose, and new in 4.2.
    for f in [
        "de/api/index.html",
        "de/sync/conflicts/index.html",
        "4.1/sync/advanced/lan-sync/index.html",
        "4.1/de/sync/selective-sync/index.html",
    ] {
        assert!(!out.join(f).exists(), "{f} should not exist");
    }
    let home = read(&out.join("de/index.html"));
    assert!(home.contains("<html lang=\"de\""), "{home}");
    assert!(
        home.contains("<title>Acme Relay Hilfe-Center</title>"),
        "{home}"
    );
    // The German snippet is included in the German page, variables expanded.
    let stuck = read(&out.join("de/troubleshooting/sync-stuck/index.html"));
    assert!(stuck.contains("Wenn Ihnen hier nichts weiterhilft:"));
    assert!(stuck.contains("support@acme-relay.example") && !stuck.contains("{{"));
    // Each version's text is its own (the Markdown copy beside each page):
    // the option renamed in 4.2.
    let old = read(&out.join("4.1/troubleshooting/sync-stuck/index.md"));
    let new = read(&out.join("troubleshooting/sync-stuck/index.md"));
    assert!(old.contains("\nrelay repair --reindex\n"), "{old}");
    assert!(new.contains("\nrelay repair --rebuild-index\n") && !new.contains("--reindex"));
    let broken = broken_links(&out);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn a_translated_page_switches_to_its_translation_and_its_other_version() {
    let (_tmp, out) = built_site("example-site");
    let page = "de/getting-started/install-linux/";
    let html = read(&out.join(page).join("index.html"));
    assert_eq!(
        targets(&out, page, &languages(&html)),
        owned(&[
            ("English", "getting-started/install-linux/", false),
            ("Deutsch", page, false),
        ])
    );
    // 4.1 has this German page too.
    assert_eq!(
        targets(&out, page, &versions(&html)),
        owned(&[
            ("4.2", page, false),
            ("4.1", "4.1/de/getting-started/install-linux/", false),
        ])
    );
    // Alternates name both languages; the German page is in German.
    assert!(html.contains("<html lang=\"de\""));
    assert!(html.contains("hreflang=\"en\"") && html.contains("hreflang=\"x-default\""));
    // And back: the English page leads to the German one.
    let en = read(&out.join("getting-started/install-linux/index.html"));
    assert_eq!(
        targets(&out, "getting-started/install-linux/", &languages(&en)),
        owned(&[
            ("English", "getting-started/install-linux/", false),
            ("Deutsch", page, false),
        ])
    );
}

#[test]
fn an_untranslated_or_newer_page_falls_back_to_the_home() {
    let (_tmp, out) = built_site("example-site");
    // No German API section: its Deutsch entry is the German home, dimmed.
    let page = "api/authentication/";
    let html = read(&out.join(page).join("index.html"));
    assert_eq!(
        targets(&out, page, &languages(&html)),
        owned(&[("English", page, false), ("Deutsch", "de/", true)])
    );
    // LAN sync is new in 4.2: its 4.1 entry is the 4.1 home, dimmed.
    let page = "sync/advanced/lan-sync/";
    let html = read(&out.join(page).join("index.html"));
    assert_eq!(
        targets(&out, page, &versions(&html)),
        owned(&[("4.2", page, false), ("4.1", "4.1/", true)])
    );
    // A German page 4.1 has no translation of: 4.1's German home, dimmed
    // (the reader stays in German).
    let page = "de/sync/selective-sync/";
    let html = read(&out.join(page).join("index.html"));
    assert_eq!(
        targets(&out, page, &versions(&html)),
        owned(&[("4.2", page, false), ("4.1", "4.1/de/", true)])
    );
    // The latest carries no banner.
    assert!(!html.contains("version-banner"));
}

#[test]
fn version_4_1_carries_the_banner_to_the_same_page_in_4_2() {
    let (_tmp, out) = built_site("example-site");
    let banner = |html: &str| -> String {
        let start = html
            .find("class=\"callout callout-warning version-banner\"")
            .expect("a banner");
        let rest = &html[start..];
        rest.split("<a href=\"")
            .nth(1)
            .expect("a link")
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    let page = "4.1/sync/selective-sync/";
    let html = read(&out.join(page).join("index.html"));
    assert!(html.contains("You are reading the documentation of version 4.1."));
    assert_eq!(target(page, &banner(&html)), "sync/selective-sync/");
    assert_eq!(
        targets(&out, page, &versions(&html)),
        owned(&[("4.2", "sync/selective-sync/", false), ("4.1", page, false)])
    );
    // The renamed CLI command is the 4.1 one.
    let md = read(&out.join(page).join("index.md"));
    assert!(md.contains("\nrelay exclude add ") && !md.contains("relay selective"));
    // In German, in the German theme strings, to the German latest.
    let page = "4.1/de/getting-started/install-linux/";
    let html = read(&out.join(page).join("index.html"));
    assert!(html.contains("Sie lesen die Dokumentation der Version 4.1."));
    assert_eq!(
        target(page, &banner(&html)),
        "de/getting-started/install-linux/"
    );
    assert!(html.contains("relay-daemon.service"));
}

#[test]
fn each_language_of_each_version_searches_its_own_pages() {
    let (_tmp, out) = built_site("example-site");
    let en = index_text(&out, "search");
    let de = index_text(&out, "de/search");
    let old = index_text(&out, "4.1/search");
    let old_de = index_text(&out, "4.1/de/search");
    for (name, text) in [("en", &en), ("de", &de), ("4.1", &old), ("4.1/de", &old_de)] {
        assert!(!text.is_empty(), "{name}: empty index");
    }
    // Titles and URLs, not index bytes: the German tree's stemming may change.
    assert!(
        de.contains("Selektive Synchronisierung") && !en.contains("Selektive Synchronisierung")
    );
    assert!(en.contains("Selective sync") && !de.contains("Selective sync"));
    assert!(en.contains("sync/advanced/lan-sync/") && !old.contains("lan-sync"));
    assert!(old.contains("sync/selective-sync/") && !old.contains("de/getting-started"));
    assert!(old_de.contains("Relay unter Linux installieren"));
    assert!(
        !old_de.contains("Selektive Synchronisierung"),
        "4.2-only German page"
    );
    // Each page names its own index.
    let page = read(&out.join("4.1/de/getting-started/install-linux/index.html"));
    assert!(
        page.contains("<script src=\"../../../assets/search.min.js\" data-index=\"de/search/\""),
        "{page}"
    );
}
