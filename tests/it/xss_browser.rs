//! Script injection, checked in a real headless Chromium: a site generated
//! here carries payloads in every untrusted place (forum exports of all three
//! importers: titles, bodies, answers, usernames, tags, links; page front
//! matter: title, description, tags, aliases; Markdown text, raw HTML, link
//! and image URLs, heading ids and code languages under
//! `markdown.unsafe_html: false`; and so the search index). Every page kind
//! is loaded, search results included, and must show no trace of a payload
//! having run, nor a `javascript:`/`data:text/html` link or an event handler
//! attribute left in the DOM.
//!
//! Each payload, if it ran, sets `document.title` to 170107 (`0x5EED*7`),
//! a number that appears nowhere in the source, so finding it in the DOM
//! means a script ran. The control builds the same site with
//! `unsafe_html: true` (writers' raw HTML is trusted, see SECURITY.md) and
//! asserts that the detector does see the Markdown page's scripts run.

use std::path::{Path, PathBuf};

use crate::common::{lorebook, tree};
use crate::search_browser::{browser_or_skip, dump_dom, serve};

/// What a payload that ran leaves in the page title.
const RAN: &str = "170107";
/// The payload's script.
const JS: &str = "document.title=0x5EED*7";

fn markdown_page() -> String {
    // `<script>document.title=0x5EED*7</script>`, base64.
    let b64 = "PHNjcmlwdD5kb2N1bWVudC50aXRsZT0weDVFRUQqNzwvc2NyaXB0Pg==";
    format!(
        r#"---
title: "<script>{JS}</script> Quokka title"
description: "\"><img src=x onerror={JS}> quokka"
tags: ["<svg onload={JS}>", "'onmouseover={JS} x='", "quokka"]
aliases: ["old/\"><script>{JS}</script>/"]
---
Quokka payloads in Markdown text.

<script>{JS}</script>

<ScRiPt>{JS}</ScRiPt>

<img src=x onerror={JS}>

<svg onload={JS}><circle r="1"/></svg>

<style>body {{ background: url("javascript:{JS}") }}</style>

<iframe src="javascript:{JS}"></iframe>

<img src=x onerror={JS}

Inline <b onmouseover={JS}>bold</b>, "><script>{JS}</script> and 'onmouseover={JS} x='.

[js link](javascript:{JS}) [mixed case](JaVaScRiPt:{JS}) [entity](&#x6a;avascript:{JS})
[data](data:text/html;base64,{b64}) [vb](vbscript:msgbox)
[title attr](https://example.com "\"><script>{JS}</script>")
![image](javascript:{JS}) <javascript:{JS}>
[reference link][ref]

[ref]: javascript:{JS}

## Heading <img src=x onerror={JS}>

## Heading id {{#x"onmouseover="{JS}}}

```"><script>{JS}</script>
code
```
"#
    )
}

fn discourse_topic() -> String {
    let cooked = format!(
        "<p>quokka question<script>{JS}</script><img src=x onerror={JS}></p>\
         <svg onload={JS}></svg><a href=\"javascript:{JS}\">a</a>\
         <a href=\"&#x6a;avascript:{JS}\">b</a><a href=\"data:text/html;base64,PHNjcmlwdD4=\">c</a>\
         <style>*{{}}</style><iframe src=\"javascript:{JS}\"></iframe><img src=x onerror={JS}"
    );
    let answer = format!(
        "<p>quokka answer<ScRiPt>{JS}</ScRiPt></p><a href=x onclick={JS}>x</a>\
         <div>\"><script>{JS}</script></div><form action=\"javascript:{JS}\"><button>b</button></form>"
    );
    serde_json::json!({
        "id": 501,
        "title": format!("<script>{JS}</script> quokka discourse"),
        "slug": "x",
        "tags": [format!("<svg onload={JS}>"), "quokka"],
        "accepted_answer": {"post_number": 2},
        "post_stream": {"posts": [
            {"id": 1, "post_number": 1, "topic_id": 501, "username": format!("<img src=x onerror={JS}>"),
             "name": format!("\"><script>{JS}</script>"), "avatar_template": format!("javascript:{JS}"),
             "created_at": "2026-01-01T00:00:00Z", "cooked": cooked},
            {"id": 2, "post_number": 2, "topic_id": 501, "username": "ana", "name": format!("'onmouseover={JS} x='"),
             "created_at": "2026-01-02T00:00:00Z", "cooked": answer, "accepted_answer": true}
        ]}
    })
    .to_string()
}

/// Text escaped for an XML attribute value.
fn xml_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn stackexchange_posts() -> String {
    let title = xml_attr(&format!("<ScRiPt>{JS}</ScRiPt> quokka stack exchange"));
    let q_body = xml_attr(&format!(
        "<p>quokka</p><script>{JS}</script><img src=x onerror={JS}><a href=\"JaVaScRiPt:{JS}\">x</a>"
    ));
    let a_body = xml_attr(&format!(
        "<p>answer</p><svg><script>{JS}</script></svg><a href=\"data:text/html,x\">d</a>"
    ));
    let tags = xml_attr(&format!("|quokka|'onmouseover={JS}|"));
    let name = xml_attr(&format!("<img src=x onerror={JS}>"));
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2025-01-01T00:00:00.000" Score="3" Body="{q_body}" OwnerUserId="7" Title="{title}" Tags="{tags}" ContentLicense="CC BY-SA 4.0" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2025-01-02T00:00:00.000" Score="5" Body="{a_body}" OwnerDisplayName="{name}" ContentLicense="CC BY-SA 4.0" />
</posts>
"#
    )
}

fn stackexchange_users() -> String {
    let name = xml_attr(&format!("\"><script>{JS}</script>"));
    let avatar = xml_attr(&format!("javascript:{JS}"));
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<users>
  <row Id="7" DisplayName="{name}" ProfileImageUrl="{avatar}" />
</users>
"#
    )
}

fn github_discussion() -> String {
    serde_json::json!([{
        "number": 9,
        "title": format!("\"><img src=x onerror={JS}> quokka github"),
        "url": format!("javascript:{JS}"),
        "createdAt": "2026-02-01T10:00:00Z",
        "author": {"login": format!("<svg onload={JS}>"), "url": format!("javascript:{JS}"),
                   "avatarUrl": format!("data:text/html,<script>{JS}</script>")},
        "labels": {"nodes": [{"name": format!("<script>{JS}</script>")}, {"name": "quokka"}]},
        "body": format!("quokka **question** <script>{JS}</script> [x](javascript:{JS})"),
        "answerChosenAt": "2026-02-02T10:00:00Z",
        "answer": {"body": format!("answer <img src=x onerror={JS}> <a href=\"&#x6a;avascript:{JS}\">y</a>"),
                   "createdAt": "2026-02-01T12:00:00Z", "url": format!("javascript:{JS}"),
                   "author": {"login": "bo", "name": format!("'onmouseover={JS} x='"), "url": format!("JaVaScRiPt:{JS}")}}
    }])
    .to_string()
}

fn native_forum() -> String {
    format!(
        r#"questions:
  - id: 3
    title: "<script>{JS}</script> quokka office hours"
    url: "javascript:{JS}"
    tags: ["<img src=x onerror={JS}>"]
    author: {{ username: "<svg onload={JS}>", url: "javascript:{JS}", avatar: "javascript:{JS}" }}
    body: "quokka <script>{JS}</script>"
    answers:
      - accepted: true
        url: "javascript:{JS}"
        author: {{ username: ana, name: "\"><script>{JS}</script>", url: "javascript:{JS}" }}
        body: "[x](javascript:{JS}) <img src=x onerror={JS}>"
"#
    )
}

/// Write the payload site under `root` with the given `unsafe_html`.
fn write_site(root: &Path, unsafe_html: bool) {
    let files: Vec<(&str, String)> = vec![
        (
            "lorebook.yaml",
            format!(
                r#"title: XSS Fixture
base_url: https://xss.example/
markdown:
  unsafe_html: {unsafe_html}
forum:
  - {{ type: discourse, name: disc, path: forum/discourse, url: https://forum.example, licence: CC BY-SA 4.0 }}
  - {{ type: stackexchange, name: se, path: forum/stackexchange, url: https://se.example }}
  - {{ type: github-discussions, name: gh, path: forum/github, url: https://github.com/acme/x, licence: CC BY 4.0 }}
  - {{ type: lorebook, name: oh, path: forum/oh.yaml, url: https://oh.example, licence: CC BY 4.0 }}
"#
            ),
        ),
        (
            "content/_index.md",
            format!("---\ntitle: \"Home <ScRiPt>{JS}</ScRiPt>\"\n---\nWelcome.\n"),
        ),
        (
            "content/payloads/_index.md",
            format!(
                "---\ntitle: \"Payloads '\\\"><img src=x onerror={JS}>\"\ndescription: \"&#x6a;avascript:{JS}\"\n---\nSection <script>{JS}</script> quokka.\n"
            ),
        ),
        ("content/payloads/markdown.md", markdown_page()),
        ("forum/discourse/501.json", discourse_topic()),
        ("forum/stackexchange/Posts.xml", stackexchange_posts()),
        ("forum/stackexchange/Users.xml", stackexchange_users()),
        ("forum/github/discussions.json", github_discussion()),
        ("forum/oh.yaml", native_forum()),
    ];
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, text).expect("write fixture");
    }
}

fn build(unsafe_html: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write_site(&root, unsafe_html);
    lorebook()
        .args(["build", "--root"])
        .arg(&root)
        .assert()
        .success();
    (tmp, root.join("public"))
}

/// `rel` (a path in the output) as a URL path, every unusual byte escaped.
fn url_path(rel: &str) -> String {
    let rel = rel.strip_suffix("index.html").unwrap_or(rel);
    let mut out = String::new();
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Attributes in a serialized DOM that could run script: event handlers,
/// and URLs with a script or HTML-document scheme. Browsers drop tabs and
/// newlines in URLs and ignore leading spaces, so the check does too.
fn dangerous_attributes(dom: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = dom.as_bytes();
    let mut i = 0;
    while let Some(off) = dom[i..].find('<') {
        let start = i + off;
        let mut j = start + 1;
        if !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
            i = j;
            continue;
        }
        let name_end = dom[j..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(dom.len(), |k| j + k);
        let tag = dom[j..name_end].to_ascii_lowercase();
        j = name_end;
        // Attributes: serialized DOM always quotes values with `"`.
        loop {
            while bytes
                .get(j)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                j += 1;
            }
            if bytes.get(j).is_none_or(|c| *c == b'>') {
                j += 1;
                break;
            }
            let name_end = dom[j..]
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
                .map_or(dom.len(), |k| j + k);
            let attr = dom[j..name_end].to_ascii_lowercase();
            j = name_end;
            let mut value = String::new();
            if dom[j..].starts_with("=\"") {
                let end = dom[j + 2..].find('"').map_or(dom.len(), |k| j + 2 + k);
                value = dom[j + 2..end]
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                j = (end + 1).min(dom.len());
            }
            let url: String = value
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .trim_start_matches(|c: char| c <= ' ')
                .to_ascii_lowercase();
            let script_url = url.starts_with("javascript:")
                || url.starts_with("vbscript:")
                || url.starts_with("data:text/html");
            if attr.starts_with("on") || (script_url && attr != "content") {
                found.push(format!("<{tag} {attr}=\"{value}\">"));
            }
        }
        // The raw text of scripts and styles is not markup.
        if tag == "script" || tag == "style" {
            j = dom[j..]
                .find(&format!("</{tag}"))
                .map_or(dom.len(), |k| j + k);
        }
        i = j.min(dom.len());
    }
    found
}

/// Load `url` and return what shows that a payload ran.
fn traces(browser: &Path, url: &str) -> Vec<String> {
    let dom = dump_dom(browser, url);
    assert!(dom.contains("</html>"), "{url} did not load: {dom}");
    let mut found = dangerous_attributes(&dom);
    if dom.contains(RAN) {
        found.push(format!("a payload ran (title set to {RAN})"));
    }
    found
}

#[test]
fn payloads_in_forum_exports_front_matter_and_markdown_never_run() {
    let test = "payloads_in_forum_exports_front_matter_and_markdown_never_run";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let (_tmp, out) = build(false);
    let pages: Vec<String> = tree(&out)
        .into_keys()
        .filter(|rel| rel.ends_with(".html"))
        .collect();
    // Every page kind is there, so every template is exercised.
    for kind in [
        "index.html",
        "payloads/index.html",
        "payloads/markdown/index.html",
        "tags/index.html",
        "contributors/index.html",
        "search/index.html",
        "404.html",
    ] {
        assert!(pages.iter().any(|p| p == kind), "no {kind} in {pages:?}");
    }
    for prefix in [
        "answers/disc/",
        "answers/se/",
        "answers/gh/",
        "answers/oh/",
        "tags/",
        "old/",
    ] {
        assert!(
            pages
                .iter()
                .any(|p| p.starts_with(prefix) && p.len() > prefix.len() + 10),
            "no page under {prefix} in {pages:?}"
        );
    }
    let base = serve(out, "/");
    let mut urls: Vec<String> = pages
        .iter()
        .map(|p| format!("{base}{}", url_path(p)))
        .collect();
    // Search results render titles and text of every payload page.
    urls.push(format!("{base}search/?q=quokka"));
    let mut failures = Vec::new();
    for url in &urls {
        for t in traces(&browser, url) {
            failures.push(format!("{url}: {t}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The search page did show results for the payload pages.
    let dom = dump_dom(&browser, &format!("{base}search/?q=quokka"));
    let results = dom.matches("class=\"search-result\"").count();
    assert!(results >= 4, "only {results} results for quokka: {dom}");
}

#[test]
fn detector_sees_trusted_raw_html_run_under_unsafe_html() {
    let test = "detector_sees_trusted_raw_html_run_under_unsafe_html";
    let Some(browser) = browser_or_skip(test) else {
        return;
    };
    let (_tmp, out) = build(true);
    let base = serve(out.clone(), "/");
    let found = traces(&browser, &format!("{base}payloads/markdown/"));
    assert!(
        found.iter().any(|t| t.contains(RAN)),
        "the writer's script did not run, so the detector cannot be trusted: {found:?}"
    );
    assert!(
        found
            .iter()
            .any(|t| t.contains("href=\"javascript:document.title")),
        "the writer's javascript: link was not seen: {found:?}"
    );
    assert!(
        found.iter().any(|t| t.contains(" onerror=")),
        "the writer's event handler was not seen: {found:?}"
    );
    // Forum content stays sanitized even when writers are trusted.
    let answers: Vec<String> = tree(&out)
        .into_keys()
        .filter(|rel| rel.starts_with("answers/") && rel.ends_with(".html"))
        .collect();
    assert!(!answers.is_empty());
    for rel in answers {
        let found = traces(&browser, &format!("{base}{}", url_path(&rel)));
        assert!(found.is_empty(), "{rel}: {found:?}");
    }
}
