//! Rendering: turns the [`Site`] model and a [`Theme`] into the list of
//! output files. Pure: no I/O (files to copy are passed through as paths),
//! deterministic, and parallel over pages with rayon.
//!
//! Templates see the view structs defined here, never the model itself.
//! Every href they get is already relative to the page being rendered (see
//! `crate::urls`), so templates never build URLs; `root` is the prefix back
//! to the site root for theme assets.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Page, Section};
use crate::diagnostics::Diagnostic;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::theme::Theme;
use crate::urls::{self, escape_html, relative};

/// Render the whole site.
pub fn render(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut results: Vec<Result<OutputFile, Diagnostic>> = site
        .pages
        .par_iter()
        .map(|page| render_page(site, theme, page))
        .collect();
    results.extend(
        site.sections
            .values()
            .map(|s| render_section(site, theme, s)),
    );
    results.extend(render_tags(site, theme));
    results.push(render_404(site, theme));

    let mut files = Vec::with_capacity(results.len() + 16);
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        diags.sort();
        diags.dedup();
        return Err(diags);
    }
    files.extend(render_aliases(site));
    files.push(OutputFile::bytes("sitemap.xml", sitemap(site)));
    files.push(OutputFile::bytes("atom.xml", feed(site)));
    files.push(OutputFile::bytes(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            site.config.base_url.absolute("sitemap.xml")
        ),
    ));
    for (path, bytes) in &theme.assets {
        files.push(OutputFile::bytes(path.as_str(), bytes.clone()));
    }
    files.push(OutputFile::bytes(
        "assets/highlight.css",
        crate::markdown::highlight_css(),
    ));
    for asset in site.assets.iter().chain(site.static_files.iter()) {
        files.push(OutputFile {
            path: asset.rel.clone().into(),
            contents: Contents::Copy(asset.path.clone()),
        });
    }
    check_collisions(&mut files)?;
    Ok(files)
}

/// Two producers of one output path is a bug or a content conflict; report it.
fn check_collisions(files: &mut [OutputFile]) -> Result<(), Vec<Diagnostic>> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let diags: Vec<Diagnostic> = files
        .windows(2)
        .filter(|w| w[0].path == w[1].path)
        .map(|w| {
            let shown = match &w[1].contents {
                Contents::Copy(p) => p.clone(),
                Contents::Bytes(_) => w[1].path.clone(),
            };
            Diagnostic::error(
                shown,
                format!("two files would be written to `{}`", w[0].path.display()),
            )
        })
        .collect();
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

// ---------------------------------------------------------------------------
// Views

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: String,
    /// Top-level sections, for the header navigation.
    pub nav: Vec<LinkView>,
    pub feed_href: String,
    pub search_href: String,
    pub tags_href: String,
    pub home_href: String,
}

#[derive(Serialize, Clone)]
pub struct LinkView {
    pub title: String,
    pub href: String,
    pub active: bool,
}

#[derive(Serialize)]
pub struct TocView<'a> {
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
}

#[derive(Serialize)]
pub struct ListItemView {
    pub title: String,
    pub href: String,
    pub description: String,
    pub tags: Vec<LinkView>,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Rendered Markdown: trusted HTML, printed unescaped.
    pub content_html: &'a str,
    pub toc: Vec<TocView<'a>>,
    pub tags: Vec<LinkView>,
    pub breadcrumbs: Vec<LinkView>,
    pub source: &'a str,
    pub edit_href: Option<String>,
    pub reviewed: Option<String>,
    pub date: Option<String>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    /// Pages of the same section, for a local navigation list (bounded).
    pub siblings: Vec<LinkView>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub content_html: &'a str,
    pub toc: Vec<TocView<'a>>,
    pub breadcrumbs: Vec<LinkView>,
    pub pages: Vec<ListItemView>,
    pub subsections: Vec<SubsectionView>,
    pub edit_href: Option<String>,
}

#[derive(Serialize)]
pub struct SubsectionView {
    pub title: String,
    pub href: String,
    pub description: String,
    pub page_count: usize,
    pub pages: Vec<LinkView>,
}

#[derive(Serialize)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub pages: Vec<ListItemView>,
}

/// How many sibling links a page shows: bounded so output grows linearly.
const SIBLINGS_SHOWN: usize = 60;
/// How many pages a subsection card lists on its parent section page.
const SUBSECTION_PAGES_SHOWN: usize = 8;

/// Context shared by every HTML page: site, root prefix, canonical URL.
pub fn base_context(site: &Site, current: &str) -> tera::Context {
    let mut ctx = tera::Context::new();
    let root = urls::root_prefix(current);
    let top: Vec<LinkView> = site
        .root_section()
        .map(|r| {
            r.subsections
                .iter()
                .filter_map(|k| site.sections.get(k))
                .map(|s| LinkView {
                    title: s.title.clone(),
                    href: relative(current, &s.url),
                    active: current.starts_with(&s.url),
                })
                .collect()
        })
        .unwrap_or_default();
    let c = &site.config;
    ctx.insert(
        "site",
        &SiteView {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            base_url: c.base_url.absolute(""),
            nav: top,
            feed_href: relative(current, "atom.xml"),
            search_href: relative(current, "search/"),
            tags_href: relative(current, "tags/"),
            home_href: relative(current, ""),
        },
    );
    ctx.insert("root", &root);
    ctx.insert("current_url", current);
    ctx.insert("canonical", &c.base_url.absolute(current));
    ctx
}

fn breadcrumbs(site: &Site, section_key: &str, current: &str, include_last: bool) -> Vec<LinkView> {
    let chain = site.ancestry(section_key);
    let n = chain.len();
    chain
        .into_iter()
        .enumerate()
        .filter(|(i, _)| include_last || *i + 1 < n)
        .map(|(_, s)| LinkView {
            title: if s.key.is_empty() {
                site.config.title.clone()
            } else {
                s.title.clone()
            },
            href: relative(current, &s.url),
            active: false,
        })
        .collect()
}

fn toc(rendered: &crate::markdown::Rendered) -> Vec<TocView<'_>> {
    rendered
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocView {
            level: h.level,
            id: &h.id,
            text: &h.text,
        })
        .collect()
}

fn tag_links(site: &Site, tags: &[String], current: &str) -> Vec<LinkView> {
    let mut seen = std::collections::BTreeSet::new();
    tags.iter()
        .filter_map(|t| site.tags.get(&urls::path_slug(t)))
        .filter(|t| seen.insert(t.slug.clone()))
        .map(|t| LinkView {
            title: t.name.clone(),
            href: relative(current, &t.url),
            active: false,
        })
        .collect()
}

fn edit_href(site: &Site, source: Option<&str>) -> Option<String> {
    let template = site.config.edit_url.as_ref()?;
    let source = source?;
    Some(template.replace("{path}", &format!("content/{source}")))
}

fn list_item(site: &Site, page: &Page, current: &str) -> ListItemView {
    ListItemView {
        title: page.title.clone(),
        href: relative(current, &page.url),
        description: page.description.clone(),
        tags: tag_links(site, &page.front.tags, current),
    }
}

fn page_link(page: &Page, current: &str) -> LinkView {
    LinkView {
        title: page.title.clone(),
        href: relative(current, &page.url),
        active: page.url == current,
    }
}

fn html_file(url: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{url}index.html"))
}

fn render_page(site: &Site, theme: &Theme, page: &Page) -> Result<OutputFile, Diagnostic> {
    let current = page.url.as_str();
    let mut ctx = base_context(site, current);
    let section = site.sections.get(&page.section);
    let order: &[usize] = section.map_or(&[], |s| s.pages.as_slice());
    let pos = order.iter().position(|&i| site.pages[i].url == page.url);
    let neighbour = |delta: isize| -> Option<LinkView> {
        let p = pos? as isize + delta;
        let idx = *order.get(usize::try_from(p).ok()?)?;
        Some(page_link(&site.pages[idx], current))
    };
    let start = pos.unwrap_or(0).saturating_sub(SIBLINGS_SHOWN / 2);
    let siblings = order
        .iter()
        .skip(start)
        .take(SIBLINGS_SHOWN)
        .map(|&i| page_link(&site.pages[i], current))
        .collect();
    let view = PageView {
        title: &page.title,
        description: &page.description,
        content_html: &page.rendered.html,
        toc: toc(&page.rendered),
        tags: tag_links(site, &page.front.tags, current),
        breadcrumbs: breadcrumbs(site, &page.section, current, true),
        source: &page.source,
        edit_href: edit_href(site, Some(&page.source)),
        reviewed: page.front.reviewed.map(|d| d.0.to_string()),
        date: page.front.date.map(|d| d.0.to_string()),
        word_count: page.rendered.word_count,
        reading_minutes: page.rendered.word_count.div_ceil(220).max(1),
        prev: neighbour(-1),
        next: neighbour(1),
        siblings,
    };
    ctx.insert("page", &view);
    ctx.insert(
        "section_title",
        &section.map(|s| s.title.as_str()).unwrap_or(""),
    );
    let template = page.front.template.as_deref().unwrap_or("page.html");
    let html = theme
        .render(template, &ctx)
        .map_err(|d| attach(d, &page.shown_path))?;
    Ok(OutputFile::bytes(html_file(current), html))
}

/// Template errors name the template; say which page was being rendered too.
fn attach(mut d: Diagnostic, page: &std::path::Path) -> Diagnostic {
    d.message = format!(
        "{} (while rendering `{}`)",
        d.message,
        crate::diagnostics::display_path(page)
    );
    d
}

fn render_section(site: &Site, theme: &Theme, section: &Section) -> Result<OutputFile, Diagnostic> {
    let current = section.url.as_str();
    let mut ctx = base_context(site, current);
    let subsections = section
        .subsections
        .iter()
        .filter_map(|k| site.sections.get(k))
        .map(|s| SubsectionView {
            title: s.title.clone(),
            href: relative(current, &s.url),
            description: s.description.clone(),
            page_count: s.pages.len(),
            pages: s
                .pages
                .iter()
                .take(SUBSECTION_PAGES_SHOWN)
                .map(|&i| page_link(&site.pages[i], current))
                .collect(),
        })
        .collect();
    let view = SectionView {
        title: &section.title,
        description: &section.description,
        content_html: &section.rendered.html,
        toc: toc(&section.rendered),
        breadcrumbs: breadcrumbs(site, &section.key, current, false),
        pages: section
            .pages
            .iter()
            .map(|&i| list_item(site, &site.pages[i], current))
            .collect(),
        subsections,
        edit_href: edit_href(site, section.source.as_deref()),
    };
    ctx.insert("section", &view);
    let default = if section.key.is_empty() {
        "index.html"
    } else {
        "section.html"
    };
    let template = section.front.template.as_deref().unwrap_or(default);
    let shown = section.source.as_ref().map_or_else(
        || std::path::PathBuf::from("content").join(&section.key),
        |s| std::path::PathBuf::from("content").join(s),
    );
    let html = theme
        .render(template, &ctx)
        .map_err(|d| attach(d, &shown))?;
    Ok(OutputFile::bytes(html_file(current), html))
}

fn render_tags(site: &Site, theme: &Theme) -> Vec<Result<OutputFile, Diagnostic>> {
    let mut out: Vec<Result<OutputFile, Diagnostic>> = site
        .tags
        .values()
        .map(|tag| {
            let current = tag.url.as_str();
            let mut ctx = base_context(site, current);
            let view = TagView {
                name: &tag.name,
                pages: tag
                    .pages
                    .iter()
                    .map(|&i| list_item(site, &site.pages[i], current))
                    .collect(),
            };
            ctx.insert("tag", &view);
            theme
                .render("tag.html", &ctx)
                .map(|html| OutputFile::bytes(html_file(current), html))
        })
        .collect();
    let current = "tags/";
    let mut ctx = base_context(site, current);
    let all: Vec<(LinkView, usize)> = site
        .tags
        .values()
        .map(|t| {
            (
                LinkView {
                    title: t.name.clone(),
                    href: relative(current, &t.url),
                    active: false,
                },
                t.pages.len(),
            )
        })
        .collect();
    #[derive(Serialize)]
    struct TagCount {
        #[serde(flatten)]
        link: LinkView,
        count: usize,
    }
    let all: Vec<TagCount> = all
        .into_iter()
        .map(|(link, count)| TagCount { link, count })
        .collect();
    ctx.insert("tags", &all);
    out.push(
        theme
            .render("tags.html", &ctx)
            .map(|html| OutputFile::bytes(html_file(current), html)),
    );
    out
}

fn render_404(site: &Site, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    // The 404 page is served at any depth, so its links are absolute paths
    // from the configured base URL rather than relative.
    let mut ctx = base_context(site, "");
    let base = site.config.base_url.path.clone();
    let absolute = |rel: &str| format!("{base}{rel}");
    let c = &site.config;
    let nav: Vec<LinkView> = site
        .root_section()
        .map(|r| {
            r.subsections
                .iter()
                .filter_map(|k| site.sections.get(k))
                .map(|s| LinkView {
                    title: s.title.clone(),
                    href: absolute(&s.url),
                    active: false,
                })
                .collect()
        })
        .unwrap_or_default();
    ctx.insert(
        "site",
        &SiteView {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            base_url: c.base_url.absolute(""),
            nav,
            feed_href: absolute("atom.xml"),
            search_href: absolute("search/"),
            tags_href: absolute("tags/"),
            home_href: base.clone(),
        },
    );
    ctx.insert("root", &base);
    ctx.insert("canonical", &c.base_url.absolute("404.html"));
    theme
        .render("404.html", &ctx)
        .map(|html| OutputFile::bytes("404.html", html))
}

fn render_aliases(site: &Site) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for page in &site.pages {
        for alias in &page.front.aliases {
            let from = Site::normalize_alias(alias);
            if from.is_empty() || from.contains("..") {
                continue;
            }
            let href = escape_html(&relative(&from, &page.url));
            let canonical = escape_html(&site.config.base_url.absolute(&page.url));
            let title = escape_html(&page.title);
            let html = format!(
                "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<link rel=\"canonical\" href=\"{canonical}\"><meta name=\"robots\" content=\"noindex\">\
<meta http-equiv=\"refresh\" content=\"0; url={href}\"></head>\
<body><p>This page has moved to <a href=\"{href}\">{title}</a>.</p></body></html>\n",
                lang = escape_html(&site.config.language),
            );
            let path = if from.ends_with(".html") {
                from.clone()
            } else {
                format!("{from}index.html")
            };
            out.push(OutputFile::bytes(path, html));
        }
    }
    out
}

/// The date shown for a page in feeds and sitemaps, if it has one.
fn page_date(page: &Page) -> Option<chrono::NaiveDate> {
    page.front
        .date
        .map(|d| d.0)
        .max(page.front.reviewed.map(|d| d.0))
}

fn sitemap(site: &Site) -> String {
    let mut urls: BTreeMap<String, Option<chrono::NaiveDate>> = BTreeMap::new();
    for s in site.sections.values() {
        urls.insert(s.url.clone(), None);
    }
    for p in &site.pages {
        urls.insert(p.url.clone(), page_date(p));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, date) in urls {
        out.push_str("  <url><loc>");
        out.push_str(&escape_html(&site.config.base_url.absolute(&url)));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn feed(site: &Site) -> String {
    let c = &site.config;
    let mut entries: Vec<(&Page, chrono::NaiveDate)> = site
        .pages
        .iter()
        .filter_map(|p| Some((p, page_date(p)?)))
        .collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.url.cmp(&b.0.url)));
    entries.truncate(c.feed_limit);
    let stamp = |d: chrono::NaiveDate| format!("{d}T00:00:00Z");
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| stamp(e.1));
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_html(&c.language),
        escape_html(&c.title),
        escape_html(&c.description),
        escape_html(&c.base_url.absolute("atom.xml")),
        escape_html(&c.base_url.absolute("")),
        escape_html(&c.base_url.absolute("")),
        updated
    );
    for (page, date) in entries {
        let url = escape_html(&c.base_url.absolute(&page.url));
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape_html(&page.title),
            stamp(date),
            escape_html(&page.description)
        ));
    }
    out.push_str("</feed>\n");
    out
}
