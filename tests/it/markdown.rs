//! Markdown rendering pinned down: insta snapshots of the fixture pages in
//! `tests/fixtures/markdown/pages/` (HTML, title, summary, headings, links),
//! and every CommonMark and GFM spec example in
//! `tests/fixtures/markdown/spec/` (source and licence in its README), which
//! the renderer must pass but for the differences lorebook makes on purpose.

use std::fmt::Write as _;
use std::path::Path;

use lorebook::content::parse_page;
use lorebook::markdown::{render, MarkdownOptions, PageContext, Rendered};

use crate::common::manifest_dir;

fn options(unsafe_html: bool) -> MarkdownOptions {
    MarkdownOptions {
        highlight: true,
        unsafe_html,
        site: None,
    }
}

/// What a snapshot shows of a rendered page: the facts later stages read,
/// then the HTML.
fn describe(title: &str, description: &str, rendered: &Rendered) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "title: {title}");
    let _ = writeln!(out, "title_id: {:?}", rendered.title_id);
    let _ = writeln!(out, "description: {description}");
    let _ = writeln!(out, "words: {}", rendered.word_count);
    for h in &rendered.headings {
        let _ = writeln!(out, "heading: h{} #{} {:?}", h.level, h.id, h.text);
    }
    for l in &rendered.links {
        let kind = if l.is_image { "image" } else { "link" };
        let _ = writeln!(
            out,
            "{kind} {}:{} {:?} -> {:?}",
            l.line, l.col, l.dest, l.target
        );
    }
    for s in &rendered.sections {
        let _ = writeln!(out, "text #{:?}: {:?}", s.anchor, s.text);
    }
    let _ = writeln!(out, "----");
    out.push_str(&rendered.html());
    out
}

/// A fixture page loaded as `content/guide/<name>.md` would be.
fn page_snapshot(name: &str, unsafe_html: bool) -> String {
    let path = manifest_dir().join(format!("tests/fixtures/markdown/pages/{name}.md"));
    let text = std::fs::read_to_string(&path).expect("fixture page");
    let rel = format!("guide/{name}.md");
    let shown = Path::new("content").join(&rel);
    let loaded = parse_page(&text, &rel, &shown, &options(unsafe_html)).expect("page parses");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let page = lorebook::content::Page::from_loaded(loaded);
    describe(&page.title, &page.description, &page.rendered)
}

#[test]
fn fixture_pages_render_as_snapshotted() {
    let dir = manifest_dir().join("tests/fixtures/markdown/pages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture pages")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".md")
                .map(String::from)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 7, "fixture pages found: {names:?}");
    for name in &names {
        insta::assert_snapshot!(format!("page_{name}"), page_snapshot(name, false));
    }
}

#[test]
fn raw_html_is_kept_only_when_allowed() {
    insta::assert_snapshot!("page_raw-html_unsafe", page_snapshot("raw-html", true));
}

/// One spec example: its number, Markdown and expected HTML.
struct Example {
    number: usize,
    markdown: String,
    html: String,
}

/// Examples in the specs' format: 32 backticks and `example N`, the
/// Markdown, a line holding `.`, the HTML, 32 backticks.
fn examples(file: &str) -> Vec<Example> {
    let text = std::fs::read_to_string(
        manifest_dir()
            .join("tests/fixtures/markdown/spec")
            .join(file),
    )
    .expect("spec file");
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find(&format!("{fence} example ")) {
        rest = &rest[start + fence.len() + " example ".len()..];
        let (number, body) = rest.split_once('\n').expect("example header");
        let end = body
            .find(&format!("\n{fence}\n"))
            .map_or(body.len(), |e| e + 1);
        let block = &body[..end];
        let (markdown, html) = if let Some(html) = block.strip_prefix(".\n") {
            ("", html)
        } else {
            let (md, html) = block.split_once("\n.\n").expect("example separator");
            (md, html)
        };
        out.push(Example {
            number: number.trim().parse().expect("example number"),
            markdown: if markdown.is_empty() {
                String::new()
            } else {
                format!("{markdown}\n")
            },
            html: html.to_string(),
        });
        rest = &body[end..];
    }
    out
}

/// lorebook's HTML brought back to the spec's where lorebook adds to it on
/// purpose: heading wrappers with ids and self-links, lazy loading of
/// images, the `code` class and `data-lang` of code blocks.
fn normalize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<div class=\"heading\"><h") {
        out.push_str(&rest[..i]);
        rest = &rest[i + "<div class=\"heading\">".len()..];
        // <hN id="...">
        let level = &rest[2..3];
        let open_end = rest.find('>').expect("heading tag end");
        out.push_str(&format!("<h{level}>"));
        rest = &rest[open_end + 1..];
        let close = format!("</h{level}>");
        let c = rest.find(&close).expect("heading close");
        out.push_str(&rest[..c]);
        out.push_str(&close);
        rest = &rest[c + close.len()..];
        let div_end = rest.find("</div>").expect("heading wrapper end");
        rest = &rest[div_end + "</div>".len()..];
    }
    out.push_str(rest);
    let mut html = out.replace("<img loading=\"lazy\" decoding=\"async\" ", "<img ");
    while let Some(i) = html.find("<pre class=\"code\"") {
        let end = i + html[i..].find('>').expect("pre end");
        html.replace_range(i..=end, "<pre>");
    }
    html
}

/// HTML without the line breaks between tags, which the spec's HTML and
/// pulldown-cmark's writer place differently (in tables) and which do not
/// change what a browser shows.
fn squeeze(html: &str) -> String {
    html.replace(">\n<", "><")
}

/// The numbers of the examples whose HTML differs from the spec's.
fn failing(file: &str) -> Vec<usize> {
    let opts = MarkdownOptions {
        highlight: false,
        unsafe_html: true,
        site: None,
    };
    // The home page's index: relative links are relative to the site root,
    // so they are written as the spec writes them.
    let page = PageContext {
        source: "_index.md",
        url: "",
        body_offset: 0,
        body_line: 1,
    };
    let mut failed = Vec::new();
    for ex in examples(file) {
        let rendered = render(&ex.markdown, &page, &opts);
        let mut expected = ex.html.clone();
        // A first level-1 heading is the page's title, not part of its HTML.
        if rendered.title.is_some() {
            if let Some(end) = expected.find("</h1>\n") {
                expected.replace_range(..end + "</h1>\n".len(), "");
            }
        }
        let got = normalize(&rendered.html());
        if squeeze(&got) != squeeze(&expected) {
            // Shown when a test using this fails.
            eprintln!(
                "{file} example {}:\n{}\n--- expected:\n{expected}--- lorebook:\n{got}",
                ex.number, ex.markdown
            );
            failed.push(ex.number);
        }
    }
    failed
}

#[test]
fn spec_files_hold_every_example() {
    let count = |f| examples(f).len();
    assert_eq!(count("commonmark.txt"), 652);
    assert_eq!(count("gfm-tables.txt"), 9);
    assert_eq!(count("gfm-strikethrough.txt"), 3);
    assert_eq!(count("gfm-tasklist.txt"), 2);
    let first = &examples("commonmark.txt")[0];
    assert_eq!(first.markdown, "\tfoo\tbaz\t\tbim\n");
    assert_eq!(first.html, "<pre><code>foo\tbaz\t\tbim\n</code></pre>\n");
}

#[test]
fn normalize_undoes_only_the_heading_and_code_additions() {
    assert_eq!(
        normalize("<div class=\"heading\"><h2 id=\"a-b\">A <em>b</em></h2><a class=\"anchor\" href=\"#a-b\" aria-label=\"Link to section: A b\">#</a></div>\n<p>x</p>\n"),
        "<h2>A <em>b</em></h2>\n<p>x</p>\n"
    );
    assert_eq!(
        normalize(
            "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">x</code></pre>"
        ),
        "<pre><code class=\"language-rust\">x</code></pre>"
    );
}

/// The CommonMark examples lorebook renders differently on purpose:
/// - 211: quotes in code are written `&quot;` (the code escaper's; a
///   browser shows the same text);
/// - 484: a link to a Markdown file leads to the page it becomes
///   (`./target.md` -> `target/`).
const COMMONMARK_DIFFERENCES: &[usize] = &[211, 484];

#[test]
fn commonmark_spec_examples_pass() {
    assert_eq!(failing("commonmark.txt"), COMMONMARK_DIFFERENCES);
}

#[test]
fn gfm_spec_examples_pass() {
    for file in [
        "gfm-tables.txt",
        "gfm-strikethrough.txt",
        "gfm-tasklist.txt",
    ] {
        assert_eq!(failing(file), Vec::<usize>::new(), "{file}");
    }
}
