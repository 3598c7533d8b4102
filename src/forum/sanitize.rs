//! The one gate every piece of forum HTML passes through before it reaches a
//! page or the search index: ammonia with a strict allow-list, links made
//! absolute against the forum's URL and marked `rel="nofollow ugc noopener"`,
//! headings demoted so they sit under the page's own headings, plus the plain
//! text extraction used for search.

use std::borrow::Cow;

use ammonia::{Builder, Url, UrlRelative};
use pulldown_cmark::{html, Options, Parser};

/// Tags whose whole content is dropped, not just the tag.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template",
    "textarea", "select", "frame", "frameset", "applet",
];

/// Image types that may stay as `data:` URLs (no SVG: it can carry script).
const DATA_IMAGE_PREFIXES: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/jpg",
    "data:image/gif",
    "data:image/webp",
    "data:image/avif",
];

/// A reusable sanitizer for one forum source (one base URL).
pub struct Sanitizer {
    builder: Builder<'static>,
}

impl Sanitizer {
    /// `base` is the forum's URL; relative links and images are resolved
    /// against it. Without a base (or with an unparsable one) relative URLs
    /// are removed, since they would otherwise point into the wiki.
    pub fn new(base: Option<&str>) -> Sanitizer {
        let mut builder = Builder::default();
        builder
            .rm_tags(["form"])
            .add_clean_content_tags(DROP_WITH_CONTENT.iter().copied())
            .add_url_schemes(["data"])
            .link_rel(Some("nofollow ugc noopener"))
            // Images load from wherever the forum post points: do not tell
            // those hosts which wiki page the reader is on.
            .set_tag_attribute_value("img", "referrerpolicy", "no-referrer")
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                let lower = as_browsers_read(value);
                if lower.starts_with("data:") {
                    let image = element == "img"
                        && attribute == "src"
                        && DATA_IMAGE_PREFIXES.iter().any(|p| lower.starts_with(p));
                    if !image {
                        return None;
                    }
                }
                Some(Cow::Borrowed(value))
            });
        let relative = base
            .map(|b| {
                if b.ends_with('/') {
                    b.to_string()
                } else {
                    format!("{b}/")
                }
            })
            .and_then(|b| Url::parse(&b).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map_or(UrlRelative::Deny, UrlRelative::RewriteWithBase);
        builder.url_relative(relative);
        Sanitizer { builder }
    }

    /// Sanitize untrusted HTML for display inside a page.
    pub fn clean(&self, html: &str) -> String {
        let flat = limit_nesting(html, MAX_NESTING);
        let cleaned = self.builder.clean(&flat).to_string();
        demote_headings(&cleaned)
    }
}

/// A URL attribute as a browser's URL parser sees its scheme: leading C0
/// controls and spaces dropped, tabs and newlines removed anywhere, ASCII
/// lowercased. (`\u{1}data:` and `da\nta:` are both `data:` to a browser.)
fn as_browsers_read(value: &str) -> String {
    value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Elements nested deeper than this in forum HTML lose their tags (their
/// text stays). The HTML parser's work per tag grows with the depth of
/// open elements, so without a bound a hostile export of nested `<div>` or
/// `>` quotes costs time with the square of its size.
pub const MAX_NESTING: usize = 64;

/// Elements that never hold content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose start tag closes an open one of the same name (`<li>`
/// after `<li>`), so lists written without end tags do not count as nesting.
const SELF_CLOSING_SIBLINGS: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option"];

/// Elements whose content is raw text: no tags inside count.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noscript",
];

/// Drop the start and end tags of elements nested deeper than `max` (one
/// lexical pass, linear in the input; the sanitizer still sees and cleans
/// everything that remains, so dropping tags cannot let anything through).
fn limit_nesting(html: &str, max: usize) -> Cow<'_, str> {
    let b = html.as_bytes();
    // Cheap exit: fewer start tags than the limit cannot nest deeper.
    if b.iter().filter(|&&c| c == b'<').count() <= max {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    // Open elements: name and whether its tags were kept.
    let mut open: Vec<(String, bool)> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut depth = 0usize;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"<!--") {
            i = find(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let mut name_end = name_start;
        while name_end < b.len() && b[name_end].is_ascii_alphanumeric() {
            name_end += 1;
        }
        if name_end == name_start || !b[name_start].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let name = html[name_start..name_end].to_ascii_lowercase();
        let end = tag_end(b, name_end);
        if closing {
            // A stray end tag (nothing of that name open) is left to the
            // sanitizer; the count makes that check O(1).
            if counts.get(name.as_str()).is_some_and(|&c| c > 0) {
                // Close everything above it too (implicitly closed); each
                // element is popped once, so this is linear overall.
                while let Some((n, kept)) = open.pop() {
                    if kept {
                        depth -= 1;
                    }
                    if let Some(c) = counts.get_mut(n.as_str()) {
                        *c -= 1;
                    }
                    if n == name {
                        if !kept {
                            out.push_str(&html[last..i]);
                            last = end;
                        }
                        break;
                    }
                }
            }
            i = end;
            continue;
        }
        let self_closed = end >= 2 && b[end - 2] == b'/';
        if VOID.contains(&name.as_str()) || self_closed {
            i = end;
            continue;
        }
        if SELF_CLOSING_SIBLINGS.contains(&name.as_str())
            && open.last().is_some_and(|(n, _)| *n == name)
        {
            if let Some((n, kept)) = open.pop() {
                if kept {
                    depth -= 1;
                }
                if let Some(c) = counts.get_mut(n.as_str()) {
                    *c -= 1;
                }
            }
        }
        *counts.entry(name.clone()).or_insert(0) += 1;
        let keep = depth < max;
        if keep {
            depth += 1;
        } else {
            out.push_str(&html[last..i]);
            last = end;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Skip to its end tag; the sanitizer handles the content.
            let close = format!("</{name}");
            i = find_ascii_ci(b, end, close.as_bytes()).unwrap_or(b.len());
            open.push((name, keep));
            continue;
        }
        open.push((name, keep));
        i = end;
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// Offset just past the `>` that ends a tag whose name ends at `from`
/// (quoted attribute values may hold `>`), or the text's end.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut quote = None;
    while i < b.len() {
        match (quote, b[i]) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b[i]),
            (None, b'>') => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ascii_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Sanitize one fragment with a fresh sanitizer (convenience for tests and
/// one-off uses; importers keep one `Sanitizer` per source).
pub fn sanitize(html: &str, base: Option<&str>) -> String {
    Sanitizer::new(base).clean(html)
}

/// Shift `h1`..`h6` down by two levels (capped at `h6`) so forum headings do
/// not compete with the page title and the "Question"/"Answer" headings.
/// Works on ammonia's serialized output, where every `<` starts a tag.
fn demote_headings(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let close = bytes.get(i + 1) == Some(&b'/');
            let h = i + 1 + usize::from(close);
            if let (Some(b'h'), Some(&d)) = (bytes.get(h), bytes.get(h + 1)) {
                let next = bytes.get(h + 2).copied();
                if (b'1'..=b'6').contains(&d) && matches!(next, Some(b'>' | b' ' | b'/')) {
                    let level = (d - b'0' + 2).min(6);
                    out.push_str(&html[last..h + 1]);
                    out.push(char::from(b'0' + level));
                    last = h + 2;
                    i = h + 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&html[last..]);
    out
}

/// Plain text of sanitized HTML, for search and excerpts: tags removed,
/// entities decoded, whitespace collapsed, block boundaries kept as spaces.
pub fn html_to_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        raw.push_str(&rest[..lt]);
        let after = &rest[lt..];
        match after.find('>') {
            Some(gt) => {
                raw.push(' ');
                rest = &after[gt + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    raw.push_str(rest);
    let decoded = decode_entities(&raw);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decode the entities ammonia emits (`&lt;` `&gt;` `&amp;` `&quot;` `&nbsp;`
/// and numeric ones).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[1..e];
            let ch = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Render forum Markdown (GitHub Discussions bodies, lorebook's own
/// format) to HTML GitHub-style: tables, strikethrough, task lists,
/// footnotes. The HTML is untrusted: it goes through [`Sanitizer::clean`]
/// like any forum HTML.
pub(crate) fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Option<&str> = Some("https://forum.example.com");

    #[test]
    fn removes_script_style_and_their_content() {
        let out = sanitize(
            "<p>hi</p><script>alert(1)</script><style>p{}</style><iframe src=x>f</iframe>",
            BASE,
        );
        assert_eq!(out, "<p>hi</p>");
    }

    #[test]
    fn removes_event_handlers_and_inline_styles() {
        let out = sanitize(
            r#"<img src="/a.png" onerror="alert(1)" style="x:y"><p onclick="e()" style="color:red">t</p>"#,
            BASE,
        );
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("style"), "{out}");
        assert!(
            out.contains(r#"src="https://forum.example.com/a.png""#),
            "{out}"
        );
    }

    #[test]
    fn removes_script_urls_and_non_image_data_urls() {
        let out = sanitize(
            r#"<a href="javascript:alert(1)">a</a><a href="JaVaScRiPt:alert(1)">b</a><a href="vbscript:x">c</a><a href="data:text/html,<script>x</script>">d</a>"#,
            BASE,
        );
        assert!(!out.to_ascii_lowercase().contains("script:"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        assert!(out.contains(">d</a>"), "{out}");
    }

    #[test]
    fn data_urls_hidden_behind_controls_or_newlines_are_removed() {
        // Found by the sanitize fuzz target: browsers drop the leading
        // control characters and the newline and open a data: document.
        for href in [
            "\u{1}\u{1}data:text/html,x",
            "da\nta:text/html,x",
            " \tDATA:text/html,x",
        ] {
            let html = format!("<a href=\"{href}\">d</a><img src=\"\u{1}data:image/svg+xml,x\">");
            for base in [BASE, None] {
                let out = sanitize(&html, base);
                assert!(
                    !out.to_ascii_lowercase().contains("data:"),
                    "{href:?}: {out}"
                );
                assert!(out.contains(">d</a>"), "{out}");
            }
        }
    }

    #[test]
    fn keeps_data_images_but_not_svg_data() {
        let out = sanitize(
            r#"<img src="data:image/png;base64,iVBORw0KGgo="><img src="data:image/svg+xml;base64,PHN2Zz4=">"#,
            BASE,
        );
        assert!(out.contains("data:image/png;base64"), "{out}");
        assert!(!out.contains("svg"), "{out}");
    }

    #[test]
    fn drops_forms_svg_math_and_object() {
        let out = sanitize(
            "<form action=/x><input name=a>keep</form><svg><script>x</script></svg><math><mi>x</mi></math><object data=x></object><embed src=x>",
            BASE,
        );
        assert_eq!(out, "keep");
    }

    #[test]
    fn links_get_ugc_rel_and_absolute_urls() {
        let out = sanitize(
            r#"<a href="/u/ana">Ana</a> <a href="https://x.example/">x</a>"#,
            BASE,
        );
        assert!(
            out.contains(
                r#"<a href="https://forum.example.com/u/ana" rel="nofollow ugc noopener">Ana</a>"#
            ),
            "{out}"
        );
        assert!(
            out.contains(r#"<a href="https://x.example/" rel="nofollow ugc noopener">x</a>"#),
            "{out}"
        );
    }

    #[test]
    fn relative_urls_are_dropped_without_a_base() {
        let out = sanitize(r#"<a href="/u/ana">Ana</a>"#, None);
        assert!(!out.contains("/u/ana"), "{out}");
        assert!(out.contains("Ana"), "{out}");
    }

    #[test]
    fn keeps_code_tables_lists_quotes_and_demotes_headings() {
        let out = sanitize(
            "<h1>T</h1><h2 id=x>S</h2><h6>s</h6><hr><pre><code>a &lt; b</code></pre><table><tr><td>1</td></tr></table><ul><li>i</li></ul><blockquote>q</blockquote>",
            BASE,
        );
        assert!(out.starts_with("<h3>T</h3><h4"), "{out}");
        assert!(out.contains("<h6>s</h6><hr>"), "{out}");
        assert!(out.contains("<pre><code>a &lt; b</code></pre>"), "{out}");
        assert!(out.contains("<td>1</td>"), "{out}");
        assert!(out.contains("<li>i</li>"), "{out}");
        assert!(out.contains("<blockquote>q</blockquote>"), "{out}");
    }

    #[test]
    fn text_drops_tags_and_decodes_entities() {
        assert_eq!(
            html_to_text("<p>a &lt; b &amp;&#x20AC;</p><p>caf&#233;\n  x</p>"),
            "a < b &€ café x"
        );
    }

    /// Issue 25 item 5: nesting beyond MAX_NESTING loses its tags (the text
    /// stays), so the HTML parser's work stays linear in the input.
    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let depth = 5_000;
        let html = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let out = sanitize(&html, BASE);
        assert!(out.contains("deep text"));
        assert!(out.matches("<div>").count() <= MAX_NESTING, "{}", out.len());
        let quotes = format!(
            "{}q{}",
            "<blockquote><p>".repeat(depth),
            "</p></blockquote>".repeat(depth)
        );
        let out = sanitize(&quotes, BASE);
        assert!(out.matches("<blockquote>").count() <= MAX_NESTING);
        assert!(out.contains('q'));
    }

    #[test]
    fn shallow_html_is_left_as_it_was() {
        let html = "<ul><li>a<li>b<li>c</ul><div><p>x</p><p>y</div>";
        assert!(matches!(limit_nesting(html, 2), Cow::Owned(_)));
        assert_eq!(limit_nesting(html, 64), html);
        // Lists without end tags do not count as nesting.
        let list = format!("<ul>{}</ul>", "<li>item".repeat(500));
        assert_eq!(limit_nesting(&list, 3), list);
        // Tags beyond the limit go; stray end tags and raw text stay.
        assert_eq!(
            limit_nesting("<b><i><u>x</u></i></b></s><script><b></script>", 2),
            "<b><i>x</i></b></s><script><b></script>"
        );
    }
}
