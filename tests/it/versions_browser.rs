//! Versions in a real headless Chromium (issue 22): the version switcher of
//! an old version's page leads to the same page in the latest when clicked
//! (and a German page's to the German page of the other version), and each
//! version's search page finds its own version's pages only. With the
//! latest under an alias, the site root leads to it over HTTP and from
//! `file://` (without scripts, through its meta refresh: Chromium's
//! `--dump-dom` needs scripts, so `versions.rs` checks that page's bytes).
//! Skips like `search_browser.rs` when Chromium is missing (fails under
//! `CI`).

use crate::common::{built_site, lorebook, site};
use crate::search_browser::{
    browser_or_skip, dump_dom, search_page_hrefs, serve, write_click_probe,
};

#[test]
fn the_switcher_keeps_the_page_and_each_version_searches_its_own_pages() {
    let Some(browser) =
        browser_or_skip("the_switcher_keeps_the_page_and_each_version_searches_its_own_pages")
    else {
        return;
    };
    let (_tmp, out) = built_site("versions");
    // On the 2.x page, click the switcher's 3.x link.
    write_click_probe(
        &out,
        "2.x/guide/install/",
        ".version-switch a",
        Some("3.x"),
        "helmchart",
    );
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /guide/install/ lang=en banner=false"),
        "{dom}"
    );
    assert!(!dom.contains("word=-1"), "the latest page's text: {dom}");

    // "Install" is a page of both 3.x and 2.x; each search page finds its
    // own version's only.
    let dom = dump_dom(&browser, &format!("{base}2.x/search/?q=install"));
    let hrefs = search_page_hrefs(&dom);
    assert!(
        hrefs.contains(&format!("{base}2.x/guide/install/")),
        "{hrefs:?} {dom}"
    );
    assert!(
        hrefs.iter().all(|h| h.starts_with(&format!("{base}2.x/"))),
        "{hrefs:?}"
    );
    let dom = dump_dom(&browser, &format!("{base}search/?q=install"));
    let hrefs = search_page_hrefs(&dom);
    assert!(
        hrefs.contains(&format!("{base}guide/install/")),
        "{hrefs:?}"
    );
    assert!(
        hrefs
            .iter()
            .all(|h| !h.contains("/2.x/") && !h.contains("/1.x/")),
        "{hrefs:?}"
    );
}

#[test]
fn switching_version_on_a_german_page_stays_in_german() {
    let Some(browser) = browser_or_skip("switching_version_on_a_german_page_stays_in_german")
    else {
        return;
    };
    let (_tmp, out) = built_site("versions-i18n");
    // The latest's German page: click its switcher's 2.x link.
    write_click_probe(
        &out,
        "de/guide/install/",
        ".version-switch a",
        Some("2.x"),
        "Altinstallationsskript",
    );
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /2.x/de/guide/install/ lang=de banner=true"),
        "{dom}"
    );
    assert!(!dom.contains("word=-1"), "the 2.x German text: {dom}");
}

#[test]
fn the_root_leads_to_the_latest_under_its_alias() {
    let Some(browser) = browser_or_skip("the_root_leads_to_the_latest_under_its_alias") else {
        return;
    };
    let (_tmp, root) = site("versions");
    let config = root.join("lorebook.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(
        &config,
        text.replace(
            "  - name: \"3.x\"\n",
            "  - name: \"3.x\"\n    alias: latest\n",
        ),
    )
    .expect("write");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    // The latest's home says so; the root's page does not.
    let arrived =
        |dom: &str| dom.contains("Start with the") && dom.contains("aria-current=\"true\">3.x</a>");
    assert!(!arrived(
        &std::fs::read_to_string(out.join("index.html")).expect("root")
    ));
    let file = format!("file://{}/index.html", out.display());
    assert!(arrived(&dump_dom(&browser, &file)), "from file://");
    let base = serve(out, "/");
    assert!(arrived(&dump_dom(&browser, &base)), "over HTTP");
}
