//! The one gate every piece of forum HTML passes through before it reaches a
//! page or the search index: ammonia with a strict allow-list, links made
//! absolute against the forum's URL and marked `rel="nofollow ugc noopener"`,
//! headings demoted so they sit under the page's own headings, plus the plain
//! text extraction used for search.

use std::borrow::Cow;

use ammonia::{Builder, Url, UrlRelative};

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
            .strip_comments(true)
            .attribute_filter(|element, attribute, value| {
                let lower = value.trim_start().to_ascii_lowercase();
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
        let cleaned = self.builder.clean(html).to_string();
        demote_headings(&cleaned)
    }
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
}
