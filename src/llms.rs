//! The copy of the site for machines (issue 21), each part on by default
//! and switched off under `llms:` in lorebook.yaml. Pure.
//!
//! - `llms.txt`: the site map in the llms.txt format: the title, the
//!   description as a quote, then one `- [Title](url): description` line
//!   per page under a heading per section, and one per community answer.
//! - `llms-full.txt`: every page's Markdown (includes and variables
//!   expanded) and every answer, with its credit and licence, in one file.
//! - `<page>/index.md` beside each `index.html`: the page's Markdown with
//!   its front matter resolved (title, description, address, tags, dates);
//!   answers get theirs too, with the credit and licence they require.

use crate::content::Page;
use crate::forum::Answer;
use crate::output::OutputFile;
use crate::site::Site;

/// The files of the copy, as the config asks.
pub fn files(site: &Site) -> Vec<OutputFile> {
    let llms = &site.config.llms;
    let mut files = Vec::new();
    if llms.pages {
        for page in &site.pages {
            if let Some(md) = page_markdown(site, page) {
                files.push(OutputFile::bytes(format!("{}index.md", page.url), md));
            }
        }
        for answer in &site.forum.answers {
            files.push(OutputFile::bytes(
                format!("{}index.md", answer.url()),
                answer_markdown(site, answer),
            ));
        }
    }
    if llms.txt {
        files.push(OutputFile::bytes("llms.txt", llms_txt(site)));
    }
    if llms.full {
        files.push(OutputFile::bytes("llms-full.txt", llms_full(site)));
    }
    files
}

/// What a body edit of the `changed` pages changes in the copy (for
/// `serve`): their Markdown, `llms-full.txt`, and `llms.txt` when
/// `listings` (a description or date moved).
pub fn affected(site: &Site, changed: &[usize], listings: bool) -> Vec<OutputFile> {
    let llms = &site.config.llms;
    let mut files = Vec::new();
    if llms.pages {
        for page in changed.iter().filter_map(|&i| site.pages.get(i)) {
            if let Some(md) = page_markdown(site, page) {
                files.push(OutputFile::bytes(format!("{}index.md", page.url), md));
            }
        }
    }
    if llms.txt && listings {
        files.push(OutputFile::bytes("llms.txt", llms_txt(site)));
    }
    if llms.full {
        files.push(OutputFile::bytes("llms-full.txt", llms_full(site)));
    }
    files
}

/// Pages in reading order: each section's pages, sections by key.
fn pages_in_order(site: &Site) -> impl Iterator<Item = (&str, &Page)> {
    site.sections.values().flat_map(move |s| {
        s.pages
            .iter()
            .filter_map(move |&i| site.pages.get(i))
            .map(move |p| (s.title.as_str(), p))
    })
}

/// One line of text: newlines and runs of spaces folded.
fn line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a page is read: its Markdown copy when there is one.
fn page_href(site: &Site, url: &str) -> String {
    let base = site.config.base_url.absolute(url);
    if site.config.llms.pages {
        format!("{base}index.md")
    } else {
        base
    }
}

fn llms_txt(site: &Site) -> String {
    let mut out = format!("# {}\n\n", line(&site.config.title));
    if !site.config.description.trim().is_empty() {
        out.push_str(&format!("> {}\n\n", line(&site.config.description)));
    }
    if site.config.llms.pages {
        out.push_str(
            "Every page has its Markdown next to it: add `index.md` to its address. \
             `llms-full.txt` holds them all.\n\n",
        );
    }
    let mut section = None;
    for (title, page) in pages_in_order(site) {
        if section != Some(title) {
            if section.is_some() {
                out.push('\n');
            }
            out.push_str(&format!("## {}\n\n", line(title)));
            section = Some(title);
        }
        out.push_str(&format!(
            "- [{}]({})",
            line(&page.title),
            page_href(site, &page.url)
        ));
        if !page.description.trim().is_empty() {
            out.push_str(&format!(": {}", line(&page.description)));
        }
        out.push('\n');
    }
    if !site.forum.answers.is_empty() {
        out.push_str("\n## Community answers\n\n");
        for a in &site.forum.answers {
            out.push_str(&format!(
                "- [{}]({}): {}\n",
                line(&a.title),
                page_href(site, &a.url()),
                credit_line(site, a)
            ));
        }
    }
    out
}

fn llms_full(site: &Site) -> String {
    let mut out = format!("# {}\n\n", line(&site.config.title));
    if !site.config.description.trim().is_empty() {
        out.push_str(&format!("> {}\n\n", line(&site.config.description)));
    }
    for (_, page) in pages_in_order(site) {
        let Some(body) = page.rendered.markdown() else {
            continue;
        };
        out.push_str(&format!(
            "---\n\n# {}\n\nSource: {}\n\n{}\n\n",
            line(&page.title),
            site.config.base_url.absolute(&page.url),
            body.trim()
        ));
    }
    for a in &site.forum.answers {
        out.push_str("---\n\n");
        out.push_str(answer_body(site, a).trim_end());
        out.push_str("\n\n");
    }
    out
}

/// A quoted YAML string.
fn yaml_str(text: &str) -> String {
    serde_json::to_string(&line(text)).unwrap_or_else(|_| "\"\"".into())
}

fn page_markdown(site: &Site, page: &Page) -> Option<String> {
    let body = page.rendered.markdown()?;
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_str(&page.title)));
    if !page.description.trim().is_empty() {
        out.push_str(&format!("description: {}\n", yaml_str(&page.description)));
    }
    out.push_str(&format!(
        "url: {}\n",
        yaml_str(&site.config.base_url.absolute(&page.url))
    ));
    if !page.front.tags.is_empty() {
        let tags: Vec<String> = page.front.tags.iter().map(|t| yaml_str(t)).collect();
        out.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    if let Some(date) = crate::feeds::page_date(site, page) {
        out.push_str(&format!("updated: {date}\n"));
    }
    if let Some(r) = &page.front.reviewed {
        out.push_str(&format!("reviewed: {}\n", r.0));
    }
    out.push_str("---\n\n");
    if page.rendered.title.is_none() {
        // The title came from front matter: the body gets it as a heading.
        out.push_str(&format!("# {}\n\n", line(&page.title)));
    }
    out.push_str(body.trim_start_matches('\n'));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
}

/// "Answered by NAME on FORUM · score N · licence L".
fn credit_line(site: &Site, a: &Answer) -> String {
    let mut parts = vec![format!(
        "answered by {}",
        site.contributors.shown_name(&a.source, &a.author)
    )];
    parts.push(format!("score {}", a.score));
    if let Some(l) = &a.licence {
        parts.push(format!("licence {}", line(l)));
    }
    parts.join(", ")
}

/// The question, the accepted answers (as text) and the credit.
fn answer_body(site: &Site, a: &Answer) -> String {
    let mut out = format!("# {}\n\n", line(&a.title));
    if let Some(url) = &a.thread_url {
        out.push_str(&format!("Source: {url}\n"));
    }
    out.push_str(&format!("Credit: {}\n\n", credit_line(site, a)));
    let question = crate::forum::sanitize::html_to_text(&a.question_html);
    if !question.trim().is_empty() {
        out.push_str(&format!("## Question\n\n{}\n\n", question.trim()));
    }
    for reply in &a.accepted {
        out.push_str(&format!(
            "## Accepted answer by {}\n\n{}\n\n",
            site.contributors.shown_name(&a.source, &reply.author),
            crate::forum::sanitize::html_to_text(&reply.html).trim()
        ));
    }
    out
}

fn answer_markdown(site: &Site, a: &Answer) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_str(&a.title)));
    out.push_str(&format!(
        "url: {}\n",
        yaml_str(&site.config.base_url.absolute(&a.url()))
    ));
    if let Some(t) = &a.thread_url {
        out.push_str(&format!("source: {}\n", yaml_str(t)));
    }
    out.push_str(&format!(
        "author: {}\n",
        yaml_str(&site.contributors.shown_name(&a.source, &a.author))
    ));
    if let Some(l) = &a.licence {
        out.push_str(&format!("licence: {}\n", yaml_str(l)));
    }
    out.push_str("---\n\n");
    out.push_str(&answer_body(site, a));
    out.trim_end().to_string() + "\n"
}
