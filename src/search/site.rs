//! From the `Site` model to search documents and files: every page (and
//! section index with its own `_index.md`) becomes a `SearchDoc` of kind
//! `Page`, every forum answer one of kind `Answer`; `render_files` adds the
//! index under `search/` and the search page `search/index.html`.

use crate::diagnostics::Diagnostic;
use crate::markdown::TextSection;
use crate::output::OutputFile;
use crate::site::Site;
use crate::theme::Theme;

use super::{build_index, DocKind, SearchDoc};

/// Template of the search page (optional in custom themes).
pub const SEARCH_TEMPLATE: &str = "search.html";

/// Titles of the sections above `section_key`, outermost first (the home
/// section is left out: every page is under it).
fn breadcrumb(site: &Site, section_key: &str) -> Vec<String> {
    site.ancestry(section_key)
        .into_iter()
        .filter(|s| !s.key.is_empty())
        .map(|s| s.title.clone())
        .collect()
}

/// The text of a rendered page, or its description when it has none.
fn sections_or(sections: &[TextSection], description: &str) -> Vec<TextSection> {
    if sections.is_empty() && !description.trim().is_empty() {
        vec![TextSection {
            anchor: None,
            heading: String::new(),
            text: description.to_string(),
        }]
    } else {
        sections.to_vec()
    }
}

/// Search documents of a site: pages, section indexes, forum answers.
pub fn site_docs(site: &Site) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for page in &site.pages {
        docs.push(page_doc(site, page));
    }
    for section in site.sections.values() {
        if section.source.is_none() || section.key.is_empty() {
            continue;
        }
        let parent = section.parent.as_deref().unwrap_or("");
        docs.push(SearchDoc {
            url: section.url.clone(),
            title: section.title.clone(),
            breadcrumb: breadcrumb(site, parent),
            kind: DocKind::Page,
            sections: sections_or(&section.rendered.sections, &section.description),
        });
    }
    for answer in &site.forum.answers {
        docs.push(answer_doc(site, answer));
    }
    docs
}

/// The search document of one page.
pub fn page_doc(site: &Site, page: &crate::content::Page) -> SearchDoc {
    SearchDoc {
        url: page.url.clone(),
        title: page.title.clone(),
        breadcrumb: breadcrumb(site, &page.section),
        kind: DocKind::Page,
        sections: sections_or(&page.rendered.sections, &page.description),
    }
}

/// URL of an answer page: `<section>/<slug>/`.
/// NOTE for the forum merge: keep this in step with where answer pages render.
pub fn answer_url(answer: &crate::forum::Answer) -> String {
    answer.url()
}

fn answer_doc(site: &Site, answer: &crate::forum::Answer) -> SearchDoc {
    SearchDoc {
        url: answer_url(answer),
        title: answer.title.clone(),
        breadcrumb: breadcrumb(site, answer.section.trim_matches('/')),
        kind: DocKind::Answer,
        sections: vec![TextSection {
            anchor: None,
            heading: String::new(),
            text: answer.text.clone(),
        }],
    }
}

/// The search index files and the search page.
pub fn render_files(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostic> {
    if !site.config.search.enabled {
        return Ok(Vec::new());
    }
    let mut files = build_index(&site_docs(site));
    files.extend(search_page(site, theme)?);
    Ok(files)
}

/// The search page `search/index.html`, when the theme has one.
pub fn search_page(site: &Site, theme: &Theme) -> Result<Option<OutputFile>, Diagnostic> {
    if !theme.has_template(SEARCH_TEMPLATE) {
        return Ok(None);
    }
    let current = "search/";
    let mut ctx = crate::render::base_context(site, current);
    ctx.insert("title", "Search");
    let html = theme.render(SEARCH_TEMPLATE, &ctx)?;
    Ok(Some(OutputFile::bytes("search/index.html", html)))
}
