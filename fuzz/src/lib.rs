//! Invariant checks shared by the fuzz targets: a small scanner over HTML
//! that lorebook produced (sanitized forum bodies, Markdown rendered with
//! `unsafe_html: false`) which finds anything that could run script.
//!
//! The scanner reads output the way a browser would: every `<` that starts a
//! tag is a tag (text is always escaped), attribute values are
//! entity-decoded and stripped of the tabs and newlines browsers ignore in
//! URLs before their scheme is checked.

/// Elements that must never appear in untrusted output.
const DANGEROUS_TAGS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "form",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
];

/// Attributes holding a URL that a browser may navigate to or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "cite",
    "ping",
    "srcset",
];

/// `Err(reason)` when `html` holds markup that could run script.
pub fn check_html(html: &str) -> Result<(), String> {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let mut j = start + 1;
        match bytes.get(j) {
            Some(b'!') | Some(b'?') => {
                return Err(format!("markup declaration or comment at byte {start}"));
            }
            Some(b'/') => {
                let end = html[j..]
                    .find('>')
                    .ok_or_else(|| format!("unterminated end tag at byte {start}"))?;
                i = j + end + 1;
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => {
                i = start + 1;
                continue;
            }
        }
        let name_end = html[j..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |k| j + k);
        let name = html[j..name_end].to_ascii_lowercase();
        if DANGEROUS_TAGS.contains(&name.as_str()) {
            return Err(format!("<{name}> at byte {start}"));
        }
        j = name_end;
        // attributes
        loop {
            while bytes
                .get(j)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                j += 1;
            }
            match bytes.get(j) {
                None => return Err(format!("unterminated <{name}> at byte {start}")),
                Some(b'>') => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            let attr_end = html[j..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
                .map_or(html.len(), |k| j + k);
            let attr = html[j..attr_end].to_ascii_lowercase();
            if attr.is_empty() {
                return Err(format!("odd attribute syntax in <{name}> at byte {j}"));
            }
            if attr.starts_with("on") {
                return Err(format!("event handler `{attr}` on <{name}> at byte {j}"));
            }
            let at = j;
            j = attr_end;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if bytes.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            let value = match bytes.get(j) {
                Some(q @ (b'"' | b'\'')) => {
                    let q = *q as char;
                    let end = html[j + 1..]
                        .find(q)
                        .ok_or_else(|| format!("unterminated value in <{name}> at byte {j}"))?;
                    let v = &html[j + 1..j + 1 + end];
                    j = j + 1 + end + 1;
                    v
                }
                _ => {
                    let end = html[j..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |k| j + k);
                    let v = &html[j..end];
                    j = end;
                    v
                }
            };
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                check_url(&name, &attr, value)?;
            }
            // The one style the renderer writes itself: a table column's
            // alignment. Any other inline style is an error.
            let alignment = matches!(name.as_str(), "th" | "td")
                && matches!(
                    value,
                    "text-align: left" | "text-align: center" | "text-align: right"
                );
            if attr == "style" && !alignment {
                return Err(format!("style attribute on <{name}> at byte {at}"));
            }
        }
        i = j;
    }
    Ok(())
}

/// `Err` when an attribute URL would run script (or load an HTML document
/// from a `data:` URL).
pub fn check_url(element: &str, attr: &str, value: &str) -> Result<(), String> {
    let url: String = decode_entities(value)
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c <= ' ')
        .to_ascii_lowercase();
    let data_image = element == "img" && attr == "src" && url.starts_with("data:image/");
    if url.starts_with("javascript:")
        || url.starts_with("vbscript:")
        || (url.starts_with("data:") && !data_image)
    {
        return Err(format!("{attr}={value:?} on <{element}>"));
    }
    Ok(())
}

/// Numeric character references and the few named ones that matter in URLs.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let body_end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map_or(rest.len(), |k| k + 1);
        let body = &rest[1..body_end];
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.map(|n| char::from_u32(n).unwrap_or('\u{fffd}'))
        } else {
            match body.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                "lpar" => Some('('),
                "rpar" => Some(')'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                let skip = if rest[body_end..].starts_with(';') {
                    body_end + 1
                } else {
                    body_end
                };
                rest = &rest[skip..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Err` when a URL taken from a forum export (a profile, avatar or thread
/// link) is anything but http(s).
pub fn check_plain_url(url: &str) -> Result<(), String> {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(())
    } else {
        Err(format!("non-http URL {url:?}"))
    }
}

/// Import `data` as one export file of `kind` and check what comes out.
pub fn check_forum(kind: lorebook::config::ForumKind, file: &str, data: &[u8]) {
    use std::collections::BTreeMap;
    let source = lorebook::config::ForumSource {
        kind,
        name: "fuzz".into(),
        path: std::path::PathBuf::from("/fuzz").join(file),
        url: Some("https://forum.example/".into()),
        licence: Some("CC BY-SA 4.0".into()),
        min_score: 0,
        sections: BTreeMap::from([("install".to_string(), "getting-started".to_string())]),
        default_section: "community".into(),
        progress: false,
    };
    let (forum, diags) = lorebook::forum::parse_bytes(&source, data);
    for d in &diags {
        assert_eq!(d.path, source.path, "diagnostic about another file: {d}");
    }
    for a in &forum.answers {
        assert!(!a.accepted.is_empty());
        let url = a.url();
        assert!(
            url.starts_with("answers/fuzz/") && url.ends_with('/'),
            "{url}"
        );
        for segment in url.trim_end_matches('/').split('/') {
            assert!(
                !segment.is_empty() && segment != "." && segment != "..",
                "{url}"
            );
            assert!(!segment.contains(['\\', '?', '#', '%']), "{url}");
        }
        for html in std::iter::once(&a.question_html).chain(a.accepted.iter().map(|r| &r.html)) {
            if let Err(why) = check_html(html) {
                panic!("unsafe forum HTML: {why}\n{html}");
            }
        }
        let authors = a
            .question_author
            .iter()
            .chain(a.accepted.iter().map(|r| &r.author));
        let urls = authors
            .flat_map(|p| [p.profile_url.as_deref(), p.avatar_url.as_deref()])
            .chain(a.accepted.iter().map(|r| r.url.as_deref()))
            .chain([a.thread_url.as_deref()]);
        for u in urls.flatten() {
            if let Err(why) = check_plain_url(u) {
                panic!("answer {}: {why}", a.id);
            }
        }
    }
    for q in &forum.unanswered {
        if let Some(u) = &q.url {
            if let Err(why) = check_plain_url(u) {
                panic!("question {}: {why}", q.id);
            }
        }
    }
}
