//! Translated pages in a real headless Chromium (issue 22): the language
//! switcher of a German page leads to its English translation when clicked,
//! the German search page finds German pages only, and French search
//! stems in French ("synchroniser" finds "synchronisation"). Skips like
//! `search_browser.rs` when Chromium is missing (fails under `CI`).

use crate::common::{lorebook, site};
use crate::search_browser::{browser_or_skip, dump_dom, serve};

/// `href`s of the search page's result links, in order.
fn result_hrefs(dom: &str) -> Vec<String> {
    let start = dom
        .find("id=\"search-page-results\"")
        .expect("search page results container");
    dom[start..]
        .split("class=\"search-result\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = site("i18n");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    (tmp, root.join("public"))
}

#[test]
fn the_switcher_leads_to_the_translation_and_german_search_finds_german_pages() {
    let Some(browser) = browser_or_skip(
        "the_switcher_leads_to_the_translation_and_german_search_finds_german_pages",
    ) else {
        return;
    };
    let (_tmp, out) = built();
    // A probe page beside the site (same origin): it opens the German page
    // in a frame, clicks its switcher's English link, and writes down where
    // the frame went.
    std::fs::write(
        out.join("probe.html"),
        r#"<!doctype html><html><body><p id="where">waiting</p>
<iframe id="f" src="de/guide/install/"></iframe>
<script>
var f = document.getElementById('f'), clicked = false;
f.addEventListener('load', function () {
  var d = f.contentDocument;
  if (!clicked) {
    clicked = true;
    d.querySelector('.lang-switch a[hreflang="en"]').click();
    return;
  }
  document.getElementById('where').textContent =
    'went to ' + f.contentWindow.location.pathname + ' lang=' + d.documentElement.lang +
    ' title=' + d.title;
});
</script></body></html>"#,
    )
    .expect("probe");
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /guide/install/ lang=en title=Install Acme · Acme Help"),
        "{dom}"
    );

    // "Acme" is on pages of every language; the German page searches the
    // German index only.
    let dom = dump_dom(&browser, &format!("{base}de/search/?q=acme"));
    let hrefs = result_hrefs(&dom);
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
    let hrefs = result_hrefs(&dom);
    assert!(
        hrefs.contains(&format!("{base}guide/install/")),
        "{hrefs:?}"
    );
    assert!(hrefs.iter().all(|h| !h.contains("/de/")), "{hrefs:?}");

    // French search stems in French (its stemmer loaded by the page):
    // "synchroniser" finds the page about "synchronisation".
    let dom = dump_dom(&browser, &format!("{base}fr/search/?q=synchroniser"));
    let hrefs = result_hrefs(&dom);
    assert_eq!(
        hrefs.first(),
        Some(&format!("{base}fr/synchronisation/")),
        "{dom}"
    );
}
