//! Writing features (issue 21): includes and variables, tabs, details and
//! figures, math, image sizes, the copy for machines and mermaid, on the
//! `writing` fixture site.

use predicates::prelude::*;

use crate::common::{lorebook, read, site};

/// Build the fixture and return the `<div class="prose">` of a page.
fn prose(root: &std::path::Path, url: &str) -> String {
    let html = read(&root.join("public").join(url).join("index.html"));
    let start = html.find("<div class=\"prose\">").expect("page has prose");
    let end = html[start..]
        .find("\n</div>\n  ")
        .map_or(html.len(), |e| start + e + 7);
    html[start..end].to_string()
}

fn build(root: &std::path::Path) {
    lorebook()
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .assert()
        .success();
}

#[test]
fn includes_and_variables_expand_outside_code() {
    let (_t, root) = site("writing");
    build(&root);
    let html = prose(&root, "guides/upgrade");
    insta::assert_snapshot!("upgrade_prose", html);
    assert!(html.contains("Back up your data before you upgrade Acme Relay."));
    // The snippet's relative link resolves from the page that includes it.
    assert!(html.contains("href=\"../backup/\""), "{html}");
    assert!(html.contains("<code>{{ page.title }}</code>"), "{html}");
}

#[test]
fn check_reports_an_include_cycle_at_the_directive_naming_the_cycle() {
    let (_t, root) = site("writing");
    std::fs::write(
        root.join("snippets/a.md"),
        "A\n\n<!-- include: snippets/b.md -->\n",
    )
    .unwrap();
    std::fs::write(
        root.join("snippets/b.md"),
        "B\n\n<!-- include: snippets/a.md -->\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/guides/loop.md"),
        "# Loop\n\n<!-- include: snippets/a.md -->\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "snippets/b.md:3:1: error: include cycle: snippets/a.md → snippets/b.md → snippets/a.md",
        ))
        .stderr(predicate::str::contains("included from `content/guides/loop.md`"));
}

#[test]
fn check_reports_an_undefined_variable_at_file_line_with_a_hint() {
    let (_t, root) = site("writing");
    std::fs::write(
        root.join("content/guides/typo.md"),
        "---\ntitle: Typo\n---\n\nRelay {{ product.verison }} is out.\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guides/typo.md:5:7: error: undefined variable `product.verison`",
        ))
        .stderr(predicate::str::contains("did you mean `product.version`?"));
}

#[test]
fn check_finds_a_broken_link_inside_a_snippet_at_the_including_line() {
    let (_t, root) = site("writing");
    std::fs::write(root.join("snippets/broken.md"), "See [gone](gone.md).\n").unwrap();
    std::fs::write(
        root.join("content/guides/uses-broken.md"),
        "# Uses\n\nText.\n\n<!-- include: snippets/broken.md -->\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/guides/uses-broken.md:5:"))
        .stderr(predicate::str::contains("gone.md"));
}

#[test]
fn tabs_render_as_a_tab_list_and_labelled_panels() {
    let (_t, root) = site("writing");
    build(&root);
    let html = prose(&root, "guides/uninstall");
    insta::assert_snapshot!("uninstall_prose", html);
}

#[test]
fn details_and_figures_come_from_plain_markdown() {
    let (_t, root) = site("writing");
    build(&root);
    let html = prose(&root, "guides/troubleshooting");
    insta::assert_snapshot!("troubleshooting_prose", html);
    assert!(html.contains("<details class=\"details\">\n<summary>Why does sync stop after a password change?</summary>"), "{html}");
    assert!(
        html.contains("<figcaption>The icon turns green when your files are in sync.</figcaption>"),
        "{html}"
    );
}

#[test]
fn math_is_mathml_in_the_page_and_invalid_tex_fails_at_file_line() {
    let (_t, root) = site("writing");
    build(&root);
    let html = prose(&root, "guides/billing");
    insta::assert_snapshot!("billing_prose", html);
    assert!(html.contains("<math display=\"block\">"), "{html}");
    assert!(!html.contains("<script"), "{html}");

    std::fs::write(
        root.join("content/guides/broken-math.md"),
        "---\ntitle: Broken\n---\n\nThe rate is $\\frac{1}{2}$ or $\\rate{x}$.\n",
    )
    .unwrap();
    lorebook()
        .args(["check", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guides/broken-math.md:5:30: error: invalid TeX:",
        ));
}

#[test]
fn images_get_width_height_lazy_loading_after_the_first_and_a_budget() {
    let (_t, root) = site("writing");
    build(&root);
    let html = prose(&root, "guides/troubleshooting");
    assert!(
        html.contains("<img src=\"../img/settings.png\" alt=\"The settings window\" width=\"320\" height=\"200\" decoding=\"async\" />"),
        "{html}"
    );
    assert!(
        html.contains(
            "alt=\"The sync icon in the menu bar\" width=\"64\" height=\"40\" loading=\"lazy\""
        ),
        "{html}"
    );
    // Over the configured budget: a warning at the image's line.
    let config = root.join("lorebook.yaml");
    let mut text = read(&config);
    text.push_str("markdown:\n  image_budget_kb: 4\n");
    std::fs::write(&config, text).unwrap();
    lorebook()
        .args(["check", "--deny-warnings", "--root"])
        .arg(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/guides/troubleshooting.md:26:1: warning: image `img/network-map.png` is 5 KB, over the 4 KB budget",
        ))
        .stderr(predicate::str::contains("markdown.image_budget_kb"));
}

#[test]
fn a_copy_for_machines_sits_next_to_the_site() {
    let (_t, root) = site("writing");
    build(&root);
    let out = root.join("public");
    let llms = read(&out.join("llms.txt"));
    insta::assert_snapshot!("llms_txt", llms);
    // Each page's Markdown: front matter resolved, includes and variables
    // expanded, the title heading kept.
    let page = read(&out.join("guides/upgrade/index.md"));
    insta::assert_snapshot!("upgrade_index_md", page);
    let full = read(&out.join("llms-full.txt"));
    assert!(
        full.contains(
            "# Upgrade to the latest release\n\nSource: https://help.acme.example/guides/upgrade/"
        ),
        "{full}"
    );
    assert!(
        full.contains("Back up your data before you upgrade Acme Relay."),
        "{full}"
    );
    assert!(!full.contains("<!-- include"), "{full}");

    // All optional.
    let config = root.join("lorebook.yaml");
    let mut text = read(&config);
    text.push_str("llms:\n  txt: false\n  full: false\n  pages: false\n");
    std::fs::write(&config, text).unwrap();
    build(&root);
    assert!(!out.join("llms.txt").exists());
    assert!(!out.join("llms-full.txt").exists());
    assert!(!out.join("guides/upgrade/index.md").exists());
}

#[test]
fn answers_in_the_copy_keep_their_credit_and_licence() {
    let (_t, root) = site("example-site");
    build(&root);
    let out = root.join("public");
    let llms = read(&out.join("llms.txt"));
    assert!(llms.contains("## Community answers"), "{llms}");
    let full = read(&out.join("llms-full.txt"));
    assert!(full.contains("Credit: answered by "), "{full}");
    assert!(full.contains("licence CC BY-SA"), "{full}");
    let answer_md = walkdir::WalkDir::new(out.join("answers"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == "index.md")
        .expect("an answer's Markdown");
    let text = read(answer_md.path());
    assert!(text.starts_with("---\ntitle: "), "{text}");
    assert!(text.contains("\nauthor: "), "{text}");
    assert!(text.contains("## Accepted answer by "), "{text}");
}

#[test]
fn mermaid_is_published_and_loaded_only_for_diagrams() {
    let (_t, root) = site("writing");
    build(&root);
    let out = root.join("public");
    let page = read(&out.join("guides/sync-flow/index.html"));
    assert!(
        page.contains("<script src=\"../../assets/vendor/mermaid/mermaid.min.js\" defer></script>"),
        "{page}"
    );
    assert!(
        page.contains("<pre class=\"code mermaid-source\" data-lang=\"mermaid\">"),
        "{page}"
    );
    assert!(!read(&out.join("guides/install/index.html")).contains("mermaid.min.js"));
    assert!(out.join("assets/vendor/mermaid/LICENSE").exists());
    // The pinned copy, not a CDN.
    assert!(!page.contains("cdn"), "{page}");
    std::fs::remove_file(root.join("content/guides/sync-flow.md")).unwrap();
    build(&root);
    assert!(!out.join("assets/vendor/mermaid/mermaid.min.js").exists());
}
