//! Versions in a real headless Chromium (issue 22): the version switcher of
//! an old version's page leads to the same page in the latest when clicked
//! (and a German page's to the German page of the other version), and each
//! version's search page finds its own version's pages only. With the
//! latest under an alias, the site root leads to it over HTTP and from
//! `file://` (without scripts, through its meta refresh: Chromium's
//! `--dump-dom` needs scripts, so `versions.rs` checks that page's bytes).
//! Skips like `search_browser.rs` when Chromium is missing (fails under
//! `CI`).

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

#[test]
fn the_switcher_keeps_the_page_and_each_version_searches_its_own_pages() {
    let Some(browser) =
        browser_or_skip("the_switcher_keeps_the_page_and_each_version_searches_its_own_pages")
    else {
        return;
    };
    let (_tmp, root) = site("versions");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    // A probe page beside the site (same origin): it opens the 2.x page in
    // a frame, clicks its switcher's 3.x link, and writes down where the
    // frame went.
    std::fs::write(
        out.join("probe.html"),
        r#"<!doctype html><html><body><p id="where">waiting</p>
<iframe id="f" src="2.x/guide/install/"></iframe>
<script>
var f = document.getElementById('f'), clicked = false;
f.addEventListener('load', function () {
  var d = f.contentDocument;
  if (!clicked) {
    clicked = true;
    var links = d.querySelectorAll('.version-switch a');
    for (var i = 0; i < links.length; i++) {
      if (links[i].textContent === '3.x') { links[i].click(); return; }
    }
    document.getElementById('where').textContent = 'no 3.x link';
    return;
  }
  document.getElementById('where').textContent =
    'went to ' + f.contentWindow.location.pathname + ' banner=' +
    (d.querySelector('.version-banner') !== null) + ' text=' +
    d.querySelector('main').textContent.indexOf('helmchart');
});
</script></body></html>"#,
    )
    .expect("probe");
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /guide/install/ banner=false text="),
        "{dom}"
    );
    assert!(!dom.contains("text=-1"), "the latest page's text: {dom}");

    // "Install" is a page of both 3.x and 2.x; each search page finds its
    // own version's only.
    let dom = dump_dom(&browser, &format!("{base}2.x/search/?q=install"));
    let hrefs = result_hrefs(&dom);
    assert!(
        hrefs.contains(&format!("{base}2.x/guide/install/")),
        "{hrefs:?} {dom}"
    );
    assert!(
        hrefs.iter().all(|h| h.starts_with(&format!("{base}2.x/"))),
        "{hrefs:?}"
    );
    let dom = dump_dom(&browser, &format!("{base}search/?q=install"));
    let hrefs = result_hrefs(&dom);
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
    let (_tmp, root) = site("versions-i18n");
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    let out = root.join("public");
    // The latest's German page in a frame: click its switcher's 2.x link,
    // then note where the frame went, its language and its text.
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
    var links = d.querySelectorAll('.version-switch a');
    for (var i = 0; i < links.length; i++) {
      if (links[i].textContent === '2.x') { links[i].click(); return; }
    }
    document.getElementById('where').textContent = 'no 2.x link';
    return;
  }
  document.getElementById('where').textContent =
    'went to ' + f.contentWindow.location.pathname + ' lang=' +
    d.documentElement.lang + ' text=' +
    d.querySelector('main').textContent.indexOf('Altinstallationsskript');
});
</script></body></html>"#,
    )
    .expect("probe");
    let base = serve(out, "/");
    let dom = dump_dom(&browser, &format!("{base}probe.html"));
    assert!(
        dom.contains("went to /2.x/de/guide/install/ lang=de text="),
        "{dom}"
    );
    assert!(!dom.contains("text=-1"), "the 2.x German text: {dom}");
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
