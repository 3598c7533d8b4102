//! Translated pages in a real headless Chromium (issue 22): the language
//! switcher of a German page leads to its English translation when clicked,
//! the German search page finds German pages only, and French search
//! stems in French ("synchroniser" finds "synchronisation"). Skips like
//! `search_browser.rs` when Chromium is missing (fails under `CI`).

use crate::common::built_site;
use crate::search_browser::{
    browser_or_skip, dump_dom, search_page_hrefs, serve, write_click_probe,
};

#[test]
fn the_switcher_leads_to_the_translation_and_german_search_finds_german_pages() {
    let Some(browser) = browser_or_skip(
        "the_switcher_leads_to_the_translation_and_german_search_finds_german_pages",
    ) else {
        return;
    };
    let (_tmp, out) = built_site("i18n");
    // On the German page, click the switcher's English link.
    write_click_probe(
        &out,
        "de/guide/install/",
        ".lang-switch a[hreflang=\"en\"]",
        None,
        "installer",
    );
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /guide/install/ lang=en banner=false title=Install Acme · Acme Help"),
        "{dom}"
    );

    // "Acme" is on pages of every language; the German page searches the
    // German index only.
    let dom = dump_dom(&browser, &format!("{base}de/search/?q=acme"));
    let hrefs = search_page_hrefs(&dom);
    assert!(!hrefs.is_empty(), "no German results: {dom}");
    for h in &hrefs {
        assert!(h.starts_with(&format!("{base}de/")), "{h} is not German");
    }
    assert!(
        hrefs.contains(&format!("{base}de/guide/install/")),
        "{hrefs:?}"
    );
    // And the English search page finds no German page.
    let dom = dump_dom(&browser, &format!("{base}search/?q=acme"));
    let hrefs = search_page_hrefs(&dom);
    assert!(
        hrefs.contains(&format!("{base}guide/install/")),
        "{hrefs:?}"
    );
    assert!(hrefs.iter().all(|h| !h.contains("/de/")), "{hrefs:?}");

    // French search stems in French (its stemmer loaded by the page):
    // "synchroniser" finds the page about "synchronisation".
    let dom = dump_dom(&browser, &format!("{base}fr/search/?q=synchroniser"));
    let hrefs = search_page_hrefs(&dom);
    assert_eq!(
        hrefs.first(),
        Some(&format!("{base}fr/synchronisation/")),
        "{dom}"
    );
}
