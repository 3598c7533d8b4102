//! Markdown rendering with link rewriting: never panics; with
//! `unsafe_html: false` the HTML holds nothing that runs script, and link
//! positions are inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lorebook::markdown::{render, MarkdownOptions, PageContext};
use lorebook_fuzz::check_html;

/// (source, url) pairs at different depths, so relative links climb.
const PAGES: &[(&str, &str)] = &[
    ("index.md", ""),
    ("a.md", "a/"),
    ("a/b.md", "a/b/"),
    ("a/b/_index.md", "a/b/"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let (source, url) = PAGES[usize::from(flags >> 4) % PAGES.len()];
    let page = PageContext {
        source,
        url,
        body_offset: usize::from(flags & 4) * 10,
        body_line: 1 + usize::from(flags & 8),
        line_map: None,
    };
    let opts = MarkdownOptions {
        highlight: flags & 1 != 0,
        unsafe_html: flags & 2 != 0,
        site: None,
        writing: None,
    };
    let out = render(body, &page, &opts);
    if !opts.unsafe_html {
        if let Err(why) = check_html(&out.html) {
            panic!("unsafe HTML from Markdown: {why}\n{}", out.html);
        }
    }
    let lines = body.lines().count().max(1) + page.body_line;
    for link in &out.links {
        assert!(
            link.line >= page.body_line && link.line <= lines,
            "{link:?}"
        );
    }
    for h in &out.headings {
        assert!(!h.id.is_empty(), "{h:?}");
    }
});
