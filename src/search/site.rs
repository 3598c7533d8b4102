//! From the `Site` model to search documents and files: every page (and
//! section index with its own `_index.md`) becomes a `SearchDoc` of kind
//! `Page`, every forum answer one of kind `Answer`; `site_index` writes the
//! index under `search/` (the search page is rendered by `render.rs`).

use crate::markdown::TextSection;
use crate::output::OutputFile;
use crate::site::Site;

use std::borrow::Cow;

use super::model::{DocKind, SearchDoc};

/// Titles of the sections above `section_key`, outermost first (the home
/// section, the site's or a language's, is left out: every page of the
/// index is under it).
fn breadcrumb(site: &Site, section_key: &str) -> Vec<String> {
    site.ancestry(section_key)
        .into_iter()
        .filter(|s| s.parent.is_some())
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
            link_chars: 0,
        }]
    } else {
        sections.to_vec()
    }
}

/// Search documents of a site: pages, section indexes, forum answers.
pub fn site_docs(site: &Site) -> Vec<SearchDoc> {
    sources(site).iter().map(|s| s.doc(site)).collect()
}

/// What a search document is made from, so the index can make documents a
/// chunk at a time instead of copying every page's text first.
enum Source<'a> {
    Page(&'a crate::content::Page),
    Section(&'a crate::content::Section),
    Answer(&'a crate::forum::Answer),
}

impl Source<'_> {
    /// The kind, URL and title [`super::index::doc_order`] sorts by.
    fn key(&self) -> (DocKind, Cow<'_, str>, &str) {
        match self {
            Source::Page(p) => (DocKind::Page, Cow::Borrowed(p.url.as_str()), &p.title),
            Source::Section(s) => (DocKind::Page, Cow::Borrowed(s.url.as_str()), &s.title),
            Source::Answer(a) => (DocKind::Answer, Cow::Owned(answer_url(a)), &a.title),
        }
    }

    fn doc(&self, site: &Site) -> SearchDoc {
        match self {
            Source::Page(p) => page_doc(site, p),
            Source::Section(section) => {
                let parent = section.parent.as_deref().unwrap_or("");
                SearchDoc {
                    url: section.url.clone(),
                    title: section.title.clone(),
                    description: section.description.clone(),
                    breadcrumb: breadcrumb(site, parent),
                    kind: DocKind::Page,
                    sections: sections_or(&section.rendered.sections, &section.description),
                    langs: langs_of(site, &section.url),
                }
            }
            Source::Answer(a) => answer_doc(site, a),
        }
    }
}

/// Every document's source: pages, section indexes with their own
/// `_index.md`, forum answers.
fn sources(site: &Site) -> Vec<Source<'_>> {
    let pages = site.pages.iter().map(Source::Page);
    let sections = site
        .sections
        .values()
        .filter(|s| s.source.is_some() && s.parent.is_some())
        .map(Source::Section);
    let answers = site.forum.answers.iter().map(Source::Answer);
    pages.chain(sections).chain(answers).collect()
}

/// One index per language (issue 22): the default language's under
/// `search/`, each other's under `<code>/search/`, each holding only that
/// language's pages, sections and answers, so a page searches its own
/// language. A one-language site gets exactly [`site_index`]'s files.
pub fn language_indexes(site: &Site) -> Vec<OutputFile> {
    let langs = &site.config.languages;
    langs
        .all()
        .iter()
        .flat_map(|lang| language_index(site, lang))
        .collect()
}

/// The index of one language, its files under that language's prefix.
pub fn language_index(site: &Site, lang: &crate::lang::Language) -> Vec<OutputFile> {
    let sources: Vec<Source<'_>> = sources(site)
        .into_iter()
        .filter(|s| site.language_of(&s.key().1).code == lang.code)
        .collect();
    let files = index_of(site, sources);
    under(&site.config.languages.prefix(lang), files)
}

/// The search documents of one language (what [`language_index`] indexes).
pub fn language_docs(site: &Site, lang: &crate::lang::Language) -> Vec<SearchDoc> {
    sources(site)
        .iter()
        .filter(|s| site.language_of(&s.key().1).code == lang.code)
        .map(|s| s.doc(site))
        .collect()
}

/// Index files moved under a language's URL prefix (`de/`): `search/x.js`
/// becomes `de/search/x.js`. The default language's prefix is empty.
pub fn under(prefix: &str, files: Vec<OutputFile>) -> Vec<OutputFile> {
    if prefix.is_empty() {
        return files;
    }
    files
        .into_iter()
        .map(|mut f| {
            f.path = std::path::Path::new(prefix).join(&f.path);
            f
        })
        .collect()
}

/// The site's search index, its documents made a chunk at a time in index
/// order (the same files as `build_index(&site_docs(site))`).
pub fn site_index(site: &Site) -> Vec<OutputFile> {
    index_of(site, sources(site))
}

/// The index of `sources` in index order (each document carries the
/// languages it is tokenized in, those of its tree: [`langs_of`]).
fn index_of(site: &Site, mut sources: Vec<Source<'_>>) -> Vec<OutputFile> {
    sources.sort_by_cached_key(|s| {
        let (kind, url, title) = s.key();
        let (kind, slug, url, title) = super::index::order_key(kind, &url, title);
        (kind, slug, url.to_string(), title.to_string())
    });
    super::index::build_made(
        &sources,
        |s| Cow::Owned(s.doc(site)),
        super::shards::write_weighed,
    )
}

/// The search document of one page.
pub fn page_doc(site: &Site, page: &crate::content::Page) -> SearchDoc {
    SearchDoc {
        url: page.url.clone(),
        title: page.title.clone(),
        description: page.description.clone(),
        breadcrumb: breadcrumb(site, &page.section),
        kind: DocKind::Page,
        sections: sections_or(&page.rendered.sections, &page.description),
        langs: langs_of(site, &page.url),
    }
}

/// URL of an answer page: `<section>/<slug>/`.
/// NOTE for the forum merge: keep this in step with where answer pages render.
pub fn answer_url(answer: &crate::forum::Answer) -> String {
    answer.url()
}

/// The languages a document at `url` is tokenized in: those of the site
/// language whose tree it is in (a `/de/` page is stemmed in German).
fn langs_of(site: &Site, url: &str) -> super::lang::Langs {
    site.config.search.langs_for(&site.language_of(url).code)
}

fn answer_doc(site: &Site, answer: &crate::forum::Answer) -> SearchDoc {
    let url = answer_url(answer);
    SearchDoc {
        langs: langs_of(site, &url),
        url,
        title: answer.title.clone(),
        description: String::new(),
        breadcrumb: breadcrumb(site, answer.section.trim_matches('/')),
        kind: DocKind::Answer,
        sections: vec![TextSection {
            anchor: None,
            heading: String::new(),
            text: answer.text.clone(),
            link_chars: 0,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};

    fn bytes(files: &[OutputFile]) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| match &f.contents {
                crate::output::Contents::Bytes(b) => (f.path.display().to_string(), b.clone()),
                crate::output::Contents::Copy(p) => (f.path.display().to_string(), {
                    p.display().to_string().into_bytes()
                }),
            })
            .collect();
        out.sort();
        out
    }

    /// The chunked index (documents made on demand) is the index of every
    /// document made first: pages, section indexes and forum answers.
    #[test]
    fn chunked_site_index_equals_the_index_of_all_documents() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        let config = Config::load(&root, &Overrides::default()).unwrap();
        let (site, _) = crate::build::load(&config).unwrap();
        let docs = site_docs(&site);
        assert!(docs.iter().any(|d| d.kind == DocKind::Answer));
        assert!(docs.len() > super::super::index::ANALYZE_CHUNK / 64);
        let chunked = site_index(&site);
        assert!(chunked.len() > 3);
        assert_eq!(bytes(&chunked), bytes(&crate::search::build_index(&docs)));
    }
}
