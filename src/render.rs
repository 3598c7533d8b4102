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
use crate::timings::{Stage, Timings};
use crate::urls::{self, escape_html, relative};

/// Where [`render_owned`] hands each finished file: the build writes it to the
/// staging directory at once, `serve` keeps it in memory. Returns the bytes
/// the file takes; an error is reported as a diagnostic for the file.
pub(crate) type Sink<'a> = dyn Fn(OutputFile) -> Result<u64, Diagnostic> + Sync + 'a;

/// One file [`render_owned`] produced: its path and size, not its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub(crate) path: std::path::PathBuf,
    pub(crate) bytes: u64,
}

/// What a render makes beyond the pages of the site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RenderOptions {
    pub(crate) search_index: SearchIndex,
}

/// Whether a render makes the search index files (`search/`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum SearchIndex {
    /// Made from the site, as a build does (when search is enabled).
    #[default]
    Build,
    /// Left out: the caller makes them (`serve` keeps a live index). The
    /// search page is still rendered when search is enabled.
    Omit,
}

/// Render the whole site into memory, sorted by path.
pub(crate) fn render(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render_with_options(site, theme, RenderOptions::default())
}

/// [`render`] with [`RenderOptions`].
pub(crate) fn render_with_options(
    site: &Site,
    theme: &Theme,
    opts: RenderOptions,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let files = std::sync::Mutex::new(Vec::new());
    let sink = |f: OutputFile| {
        let len = f.len();
        match files.lock() {
            Ok(mut v) => v.push(f),
            Err(_) => return Err(Diagnostic::error(&f.path, "render sink poisoned")),
        }
        Ok(len)
    };
    let timings = Timings::new();
    let pages = render_pages(site, theme, &sink, &timings);
    render_rest(site, theme, &sink, pages, &timings, opts)?;
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Render the whole site of a build, handing every file to `sink` as soon as
/// it is made (its bytes are dropped after), so memory does not grow with
/// the output. Once the pages are written, their HTML, headings and links
/// are freed (nothing rendered later reads them; links were checked when the
/// site was loaded): at 100,000 pages the pages' HTML is most of the model.
/// Returns what was written, sorted by path; two files with one path fail
/// the render (the sink has then seen both: the caller discards its output).
pub(crate) fn render_owned(
    site: &mut Site,
    theme: &Theme,
    sink: &Sink,
    timings: &Timings,
) -> Result<Vec<Written>, Vec<Diagnostic>> {
    let pages = timings.time(Stage::Render, || render_pages(site, theme, sink, timings));
    for page in &mut site.pages {
        page.rendered.html = String::new();
        page.rendered.packed = None;
        page.rendered.headings = Vec::new();
        page.rendered.links = Vec::new();
    }
    render_rest(site, theme, sink, pages, timings, RenderOptions::default())
}

fn emit_to<'s>(sink: &'s Sink) -> impl Fn(OutputFile) -> Result<Written, Diagnostic> + Sync + 's {
    move |f: OutputFile| {
        let path = f.path.clone();
        sink(f).map(|bytes| Written { path, bytes })
    }
}

/// Every page, in parallel, each handed to the sink as soon as it is made.
fn render_pages(
    site: &Site,
    theme: &Theme,
    sink: &Sink,
    timings: &Timings,
) -> Vec<Result<Written, Diagnostic>> {
    let emit = emit_to(sink);
    site.pages
        .par_iter()
        .map(|page| {
            timings
                .time(Stage::Templates, || render_page(site, theme, page))
                .and_then(&emit)
        })
        .collect()
}

/// Everything but the pages: sections, answers, tags, contributors, 404,
/// insights, aliases, search, sitemaps, feeds, assets; then the collision
/// check over all that was written (`results` holds the pages').
fn render_rest(
    site: &Site,
    theme: &Theme,
    sink: &Sink,
    mut results: Vec<Result<Written, Diagnostic>>,
    timings: &Timings,
    opts: RenderOptions,
) -> Result<Vec<Written>, Vec<Diagnostic>> {
    let emit = emit_to(sink);
    let emit = &emit;
    let html_start = std::time::Instant::now();
    results.extend(
        site.sections
            .values()
            .map(|s| render_section(site, theme, s).and_then(emit)),
    );
    results.extend(
        site.forum
            .answers
            .par_iter()
            .map(|a| render_answer(site, theme, a).and_then(emit))
            .collect::<Vec<_>>(),
    );
    results.extend(
        render_tags(site, theme)
            .into_iter()
            .map(|r| r.and_then(emit)),
    );
    results.extend(
        render_contributors(site, theme)
            .into_iter()
            .map(|r| r.and_then(emit)),
    );
    results.push(render_404(site, theme).and_then(emit));
    results.extend(render_insights(site, theme).map(|r| r.and_then(emit)));

    let mut written = Vec::with_capacity(results.len() + 16);
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(w) => written.push(w),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        diags.sort();
        diags.dedup();
        return Err(diags);
    }
    let mut files = render_aliases(site);
    timings.add(Stage::Render, html_start.elapsed());
    // Search: the index under search/ and the search page.
    let search = timings.time(Stage::Search, || match opts.search_index {
        SearchIndex::Build => search_files(site, theme),
        SearchIndex::Omit if site.config.search.enabled => search_pages(site, theme),
        SearchIndex::Omit => Ok(Vec::new()),
    });
    let search = search.map_err(|d| vec![d])?;
    files.extend(search);
    let write_start = std::time::Instant::now();
    files.extend(sitemaps(site));
    files.extend(crate::llms::files(site));
    for (path, feed) in crate::feeds::pages_feeds(site) {
        files.push(OutputFile::bytes(path, feed));
    }
    if !site.forum.answers.is_empty() {
        files.push(OutputFile::bytes(
            crate::insights::FEED_PATH,
            crate::feeds::answers(site),
        ));
    }
    files.push(OutputFile::bytes(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            site.config.base_url.absolute(SITEMAP)
        ),
    ));
    for lang in site.config.languages.all() {
        let nav = site.nav_tree(&site.config.languages.prefix(lang));
        files.push(OutputFile::bytes(nav.path.as_str(), nav.script.clone()));
    }
    // The vendored mermaid (megabytes) is published only for diagrams.
    let mermaid = site.pages.iter().any(|p| p.rendered.mermaid);
    for (path, bytes) in &theme.assets {
        if !mermaid && path.starts_with(MERMAID_DIR) {
            continue;
        }
        if path.starts_with(STEM_DIR) && !publishes_stemmer(site, path) {
            continue;
        }
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
    let rest: Vec<Result<Written, Diagnostic>> = files.into_par_iter().map(emit).collect();
    timings.add(Stage::Write, write_start.elapsed());
    for r in rest {
        match r {
            Ok(w) => written.push(w),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        diags.sort();
        diags.dedup();
        return Err(diags);
    }
    check_collisions(&mut written)?;
    Ok(written)
}

/// Where the theme keeps its vendored mermaid.
pub const MERMAID_DIR: &str = "assets/vendor/mermaid/";

/// Where the theme keeps the search client's stemmers (`<code>.js`, one
/// per Snowball language other than English, their LICENSE and a README)
/// and its code for other languages than English (`lang.js`, minified into
/// `lang.min.js`, which search.js loads).
pub const STEM_DIR: &str = "assets/stem/";

/// Whether a file under [`STEM_DIR`] is published: a language's stemmer
/// only for a site that searches in that language, the LICENSE only beside
/// one (an English site publishes none of them).
fn publishes_stemmer(site: &Site, path: &str) -> bool {
    let search = &site.config.search;
    let langs = search.all_langs();
    let name = path.strip_prefix(STEM_DIR).unwrap_or(path);
    search.enabled
        && match name.strip_suffix(".js") {
            // The client's code for other languages: for any but English.
            Some("lang" | "lang.min") => langs.iter().any(|l| l.needs_lang_file()),
            Some(code) => langs
                .iter()
                .any(|l| l.needs_stemmer_file() && l.code() == code),
            // Their licence beside them; the README is for maintainers.
            None => name == "LICENSE" && langs.iter().any(|l| l.needs_stemmer_file()),
        }
}

/// Two producers of one output path is a bug or a content conflict; report it.
fn check_collisions(files: &mut [Written]) -> Result<(), Vec<Diagnostic>> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let diags: Vec<Diagnostic> = files
        .windows(2)
        .filter(|w| w[0].path == w[1].path)
        .map(|w| {
            Diagnostic::error(
                w[1].path.clone(),
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
pub(crate) struct SiteView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) language: &'a str,
    /// The page's language is written right to left (`dir="rtl"`).
    pub(crate) rtl: bool,
    /// Where the page's language's search index is, from the site root,
    /// for languages other than the default (`de/search/`).
    pub(crate) search_index: Option<String>,
    /// The page in every language of the site (empty on a one-language
    /// site): the language switcher.
    pub(crate) translations: Vec<TranslationView>,
    /// `<link rel="alternate" hreflang>` of the versions that exist, then
    /// `x-default` (empty on a one-language site).
    pub(crate) alternates: Vec<AlternateView>,
    pub(crate) base_url: String,
    /// Top-level sections for the header navigation: at most `NAV_SHOWN`,
    /// the current page's own section always among them.
    pub(crate) nav: Vec<LinkView>,
    /// How many top-level sections there are in all.
    pub(crate) nav_total: usize,
    /// The home page's list of every section, when `nav` leaves some out.
    pub(crate) nav_all_href: Option<String>,
    pub(crate) feed_href: String,
    pub(crate) search_href: String,
    pub(crate) tags_href: String,
    pub(crate) home_href: String,
    /// The contributors page, when the site credits anyone.
    pub(crate) contributors_href: Option<String>,
    /// The insights page.
    pub(crate) insights_href: String,
    /// The Atom feed of community answers, when the site has answers.
    pub(crate) answers_feed_href: Option<String>,
}

/// One entry of the language switcher.
#[derive(Serialize, Clone)]
pub(crate) struct TranslationView {
    pub(crate) code: String,
    /// The language's own name.
    pub(crate) name: String,
    /// The translation, else that language's home.
    pub(crate) href: String,
    /// This is the page's own language.
    pub(crate) current: bool,
    /// The page has no translation in this language (`href` is its home).
    pub(crate) missing: bool,
}

/// One alternate version of a page, by absolute URL.
#[derive(Serialize, Clone)]
pub(crate) struct AlternateView {
    pub(crate) hreflang: String,
    pub(crate) href: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct LinkView {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) active: bool,
}

#[derive(Serialize)]
pub(crate) struct TocView<'a> {
    pub(crate) level: u8,
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
}

#[derive(Serialize)]
pub(crate) struct ListItemView {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) description: String,
    pub(crate) tags: Vec<LinkView>,
}

#[derive(Serialize)]
pub(crate) struct PageView<'a> {
    pub(crate) title: &'a str,
    /// Id of the `# Title` heading the page started with (dropped from
    /// the content in favour of the title): links to it keep working.
    pub(crate) title_id: Option<&'a str>,
    pub(crate) description: &'a str,
    /// Rendered Markdown: trusted HTML, printed unescaped.
    pub(crate) content_html: &'a str,
    /// The page has a mermaid diagram: the template loads the vendored
    /// mermaid and `assets/diagrams.js`.
    pub(crate) mermaid: bool,
    pub(crate) toc: Vec<TocView<'a>>,
    pub(crate) tags: Vec<LinkView>,
    pub(crate) breadcrumbs: Vec<LinkView>,
    pub(crate) source: &'a str,
    pub(crate) edit_href: Option<String>,
    pub(crate) reviewed: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) word_count: usize,
    pub(crate) reading_minutes: usize,
    pub(crate) prev: Option<LinkView>,
    pub(crate) next: Option<LinkView>,
    /// Pages of the same section, for a local navigation list (bounded).
    pub(crate) siblings: Vec<LinkView>,
    /// Forum answers this page promotes (`answers:` in front matter).
    pub(crate) related_answers: Vec<AnswerListItem>,
    /// Authors from git, main author first (at most three shown).
    pub(crate) authors: Vec<LinkView>,
    /// How many more authors there are beyond `authors`.
    pub(crate) more_authors: usize,
    /// Last-updated date from git.
    pub(crate) updated: Option<String>,
    /// The "may be outdated" note, when the page is stale.
    pub(crate) outdated: Option<crate::insights::OutdatedNote>,
}

#[derive(Serialize)]
pub(crate) struct SectionView<'a> {
    pub(crate) title: &'a str,
    /// As [`PageView::title_id`].
    pub(crate) title_id: Option<&'a str>,
    pub(crate) description: &'a str,
    pub(crate) content_html: &'a str,
    pub(crate) toc: Vec<TocView<'a>>,
    pub(crate) breadcrumbs: Vec<LinkView>,
    pub(crate) pages: Vec<ListItemView>,
    pub(crate) subsections: Vec<SubsectionView>,
    pub(crate) edit_href: Option<String>,
    /// Forum answers that land in this section ("Community answers").
    pub(crate) answers: Vec<AnswerListItem>,
}

#[derive(Serialize)]
pub(crate) struct AnswerListItem {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) score: i64,
    pub(crate) author: String,
    pub(crate) source: String,
    /// The author's role on the forum ("Staff", "Maintainer"...).
    pub(crate) role: Option<&'static str>,
    /// Reputation, formatted (`1,067`), where the forum has one.
    pub(crate) reputation: Option<String>,
    /// Trust level, where the forum has one.
    pub(crate) trust_level: Option<u8>,
    /// The day the docs team verified it.
    pub(crate) verified: Option<String>,
    /// It may be outdated (see `insights::trust`).
    pub(crate) outdated: bool,
}

#[derive(Serialize)]
pub(crate) struct SubsectionView {
    pub(crate) title: String,
    pub(crate) href: String,
    pub(crate) description: String,
    pub(crate) page_count: usize,
    pub(crate) pages: Vec<LinkView>,
}

#[derive(Serialize)]
pub(crate) struct TagView<'a> {
    pub(crate) name: &'a str,
    /// The pages listed on this page of the tag (at most [`TAG_PAGE_SIZE`]).
    pub(crate) pages: Vec<ListItemView>,
    /// Pages with the tag in all.
    pub(crate) total: usize,
    /// Present when the tag's list spans more than one page.
    pub(crate) pagination: Option<PaginationView>,
}

/// Links between the pages of a long list.
#[derive(Serialize)]
pub(crate) struct PaginationView {
    /// 1-based number of this page.
    pub(crate) page: usize,
    pub(crate) pages: usize,
    pub(crate) prev_href: Option<String>,
    pub(crate) next_href: Option<String>,
}

/// Pages listed per tag page: a tag on 10,000 pages gets 100 list pages of
/// a readable size instead of one page of several megabytes.
pub(crate) const TAG_PAGE_SIZE: usize = 100;

/// URL of page `n` (1-based) of a list at `url`: `url` itself, then
/// `url/page/2/`, ...
fn list_page_url(url: &str, n: usize) -> String {
    if n <= 1 {
        url.to_string()
    } else {
        format!("{url}page/{n}/")
    }
}

/// How many sibling links a page shows: bounded so output grows linearly.
const SIBLINGS_SHOWN: usize = 60;
/// How many pages a subsection card lists on its parent section page.
const SUBSECTION_PAGES_SHOWN: usize = 8;

/// How many top-level sections the header navigation lists on every page:
/// bounded, like the sibling list, so each page's size does not grow with the
/// number of sections (docs/content/benchmarks.md, "Site builds").
const NAV_SHOWN: usize = 8;

/// The top-level sections the header shows on `current`: the first
/// [`NAV_SHOWN`], with the last of them replaced by the section `current` is
/// in when that one would not be shown.
fn nav_shown<'a>(tops: &[&'a Section], current: &str) -> Vec<&'a Section> {
    let mut shown: Vec<&Section> = tops.iter().copied().take(NAV_SHOWN).collect();
    if tops.len() > NAV_SHOWN {
        let active = tops
            .iter()
            .skip(NAV_SHOWN)
            .find(|s| current.starts_with(&s.url));
        if let (Some(active), Some(last)) = (active, shown.last_mut()) {
            *last = active;
        }
    }
    shown
}

/// The header navigation of `current`: the shown links, how many top-level
/// sections there are, and the link to all of them when some are left out.
/// `href` turns a site URL into the link written in the page.
fn top_nav(
    site: &Site,
    current: &str,
    href: &dyn Fn(&str) -> String,
) -> (Vec<LinkView>, usize, Option<String>) {
    let tops: Vec<&Section> = site
        .sections
        .get(site.home_key(current))
        .map(|r| {
            r.subsections
                .iter()
                .filter_map(|k| site.sections.get(k))
                .collect()
        })
        .unwrap_or_default();
    let nav: Vec<LinkView> = nav_shown(&tops, current)
        .into_iter()
        .map(|s| LinkView {
            title: s.title.clone(),
            href: href(&s.url),
            active: !current.is_empty() && current.starts_with(&s.url),
        })
        .collect();
    let all = (tops.len() > nav.len()).then(|| href("#sections"));
    (nav, tops.len(), all)
}

/// Template of the search page (optional in custom themes).
pub const SEARCH_TEMPLATE: &str = "search.html";

/// The search index files and the search page, when search is on.
fn search_files(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostic> {
    if !site.config.search.enabled {
        return Ok(Vec::new());
    }
    let mut files = crate::search::site::language_indexes(site);
    files.extend(search_pages(site, theme)?);
    Ok(files)
}

/// The search page of every language (`search/`, `de/search/`, ...).
pub(crate) fn search_pages(site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostic> {
    let langs = &site.config.languages;
    let mut files = Vec::new();
    for lang in langs.all() {
        files.extend(search_page(site, theme, &langs.prefix(lang))?);
    }
    Ok(files)
}

/// The search page `<prefix>search/index.html`, when the theme has one.
pub fn search_page(
    site: &Site,
    theme: &Theme,
    prefix: &str,
) -> Result<Option<OutputFile>, Diagnostic> {
    if !theme.has_template(SEARCH_TEMPLATE) {
        return Ok(None);
    }
    let current = format!("{prefix}search/");
    let mut ctx = base_context(site, theme, &current);
    ctx.insert("title", "Search");
    let html = theme.render(SEARCH_TEMPLATE, &ctx)?;
    Ok(Some(OutputFile::bytes(html_file(&current), html)))
}

/// Context shared by every HTML page: site, root prefix, canonical URL.
pub(crate) fn base_context(site: &Site, theme: &Theme, current: &str) -> tera::Context {
    let mut ctx = tera::Context::new();
    let root = urls::root_prefix(current);
    let (nav, nav_total, nav_all_href) = top_nav(site, current, &|url| relative(current, url));
    let c = &site.config;
    let lang = site.language_of(current);
    let home = c.languages.prefix(lang);
    let (translations, alternates) = translations(site, current, &|url| relative(current, url));
    ctx.insert(
        "site",
        &SiteView {
            title: &lang.title,
            description: &lang.description,
            language: &lang.code,
            rtl: lang.rtl,
            search_index: (!home.is_empty()).then(|| format!("{home}search/")),
            translations,
            alternates,
            base_url: c.base_url.absolute(""),
            nav,
            nav_total,
            nav_all_href,
            feed_href: relative(current, &format!("{home}atom.xml")),
            search_href: relative(current, &format!("{home}search/")),
            tags_href: relative(current, &format!("{home}tags/")),
            home_href: relative(current, &home),
            contributors_href: (!site.contributors.people.is_empty())
                .then(|| relative(current, "contributors/")),
            insights_href: relative(current, crate::insights::PAGE_URL),
            answers_feed_href: (!site.forum.answers.is_empty())
                .then(|| relative(current, crate::insights::FEED_PATH)),
        },
    );
    ctx.insert("root", &root);
    ctx.insert("current_url", current);
    ctx.insert("canonical", &c.base_url.absolute(current));
    ctx.insert(
        "nav_html",
        &crate::nav::sections_html(site.outline(current), &|url| relative(current, url)),
    );
    ctx.insert("nav_src", &site.nav_tree(current).path);
    ctx.insert("nav_section", site.home_key(current));
    ctx.insert("t", theme.strings(&lang.code));
    let own = site
        .versions
        .as_ref()
        .and_then(|p| p.current())
        .map_or("", |v| v.prefix.as_str());
    let from = format!("{own}{current}");
    insert_versions(&mut ctx, site, current, &|url| relative(&from, url));
    insert_support(&mut ctx, site, "");
    ctx
}

/// One entry of the version switcher.
#[derive(Serialize, Clone)]
pub(crate) struct VersionView {
    pub(crate) name: String,
    /// The same page in that version, else its home.
    pub(crate) href: String,
    /// The page's own version.
    pub(crate) current: bool,
    /// The latest version (the working tree, at the site root).
    pub(crate) latest: bool,
    /// That version has no page here (`href` is its home).
    pub(crate) missing: bool,
}

/// The note on the pages of an old version.
#[derive(Serialize)]
pub(crate) struct VersionBanner {
    /// The page's own version.
    pub(crate) name: String,
    pub(crate) latest: String,
    /// The same page in the latest version, else its home.
    pub(crate) href: String,
}

/// `versions` (the switcher; empty on a one-version site) and
/// `version_banner` (on old versions only) for the page at `current`;
/// `href` makes a link from a URL relative to the whole site's root.
fn insert_versions(
    ctx: &mut tera::Context,
    site: &Site,
    current: &str,
    href: &dyn Fn(&str) -> String,
) {
    let mut views = Vec::new();
    let mut banner = None;
    if let Some(placement) = &site.versions {
        let langs = &site.config.languages;
        let lang_home = langs.prefix(site.language_of(current));
        for (i, v) in placement.all.iter().enumerate() {
            let (target, exists) = placement.target(current, &lang_home, v);
            let view = VersionView {
                name: v.name.clone(),
                href: href(&target),
                current: i == placement.own,
                latest: v.latest,
                missing: !exists,
            };
            if v.latest {
                if let Some(own) = placement.current().filter(|o| !o.latest) {
                    banner = Some(VersionBanner {
                        name: own.name.clone(),
                        latest: v.name.clone(),
                        href: view.href.clone(),
                    });
                }
            }
            views.push(view);
        }
    }
    ctx.insert("versions", &views);
    ctx.insert("version_banner", &banner);
}

/// The language switcher and the alternates of the page at `current`: for
/// each language, the same path in it when the site publishes it, else that
/// language's home. Empty on a one-language site.
fn translations(
    site: &Site,
    current: &str,
    href: &dyn Fn(&str) -> String,
) -> (Vec<TranslationView>, Vec<AlternateView>) {
    let langs = &site.config.languages;
    if !langs.is_multilingual() {
        return (Vec::new(), Vec::new());
    }
    let own = site.language_of(current);
    let mut switcher = Vec::new();
    let mut alternates = Vec::new();
    for lang in langs.all() {
        let url = langs.translate(current, lang);
        let exists = site.publishes(&url);
        if exists {
            alternates.push(AlternateView {
                hreflang: lang.code.clone(),
                href: site.config.base_url.absolute(&url),
            });
        }
        let target = if exists { url } else { langs.prefix(lang) };
        switcher.push(TranslationView {
            code: lang.code.clone(),
            name: lang.name.clone(),
            href: href(&target),
            current: lang.code == own.code,
            missing: !exists,
        });
    }
    let default_url = langs.translate(current, langs.default_language());
    if site.publishes(&default_url) {
        alternates.push(AlternateView {
            hreflang: "x-default".into(),
            href: site.config.base_url.absolute(&default_url),
        });
    }
    if alternates.len() < 3 {
        // A page in one language only has no alternates to announce.
        alternates.clear();
    }
    (switcher, alternates)
}

/// What templates see of `support:`, `feedback:` and `analytics:`.
#[derive(Serialize)]
pub(crate) struct SupportView<'a> {
    /// The new-question URL with `{title}` for the query (site.js fills it).
    pub(crate) ask_template: Option<&'a str>,
    /// The same, prefilled with the title of the page (`ask_href`).
    pub(crate) ask_href: Option<String>,
    pub(crate) label: &'a str,
    pub(crate) feedback_beacon: Option<&'a str>,
    /// Where "No" leads, prefilled with the page title.
    pub(crate) feedback_no_href: Option<String>,
    /// The `analytics:` snippet, as the site's owner wrote it.
    pub(crate) analytics_html: Option<&'a str>,
}

/// `support` in the context, its links prefilled with `title`.
fn insert_support(ctx: &mut tera::Context, site: &Site, title: &str) {
    let s = &site.config.support;
    ctx.insert(
        "support",
        &SupportView {
            ask_template: s.ask.as_deref(),
            ask_href: s.ask.as_deref().map(|t| crate::support::fill(t, title)),
            label: &s.label,
            feedback_beacon: s.feedback_beacon.as_deref(),
            feedback_no_href: s
                .feedback_no
                .as_deref()
                .map(|t| crate::support::fill(t, title)),
            analytics_html: s.analytics.as_deref(),
        },
    );
}

/// The sidebar (`nav_html`: the branch to `section_key`, see
/// `crate::nav::sidebar_html`) and the tree script's path (`nav_src`,
/// from the root: templates prefix it with `root`).
fn insert_nav(
    ctx: &mut tera::Context,
    site: &Site,
    section_key: &str,
    current: &str,
    href: &dyn Fn(&str) -> String,
) {
    ctx.insert(
        "nav_html",
        &crate::nav::sidebar_html(site.outline(current), section_key, current, href),
    );
    ctx.insert("nav_src", &site.nav_tree(current).path);
    ctx.insert("nav_section", section_key);
}

fn breadcrumbs(site: &Site, section_key: &str, current: &str, include_last: bool) -> Vec<LinkView> {
    let chain = site.ancestry(section_key);
    let n = chain.len();
    chain
        .into_iter()
        .enumerate()
        .filter(|(i, _)| include_last || *i + 1 < n)
        .map(|(_, s)| LinkView {
            title: if s.key == site.home_key(current) {
                site.language_of(current).title.clone()
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
        .filter_map(|t| site.tag_of(current, t))
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
    let mut ctx = base_context(site, theme, current);
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
    let (authors, more_authors) = page_authors(site, page, current);
    let html = page.rendered.html();
    let view = PageView {
        title: &page.title,
        title_id: page.rendered.title_id.as_deref(),
        mermaid: page.rendered.mermaid,
        description: &page.description,
        content_html: &html,
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
        authors,
        more_authors,
        updated: site
            .contributors
            .page(&page.source)
            .map(|c| c.updated.format("%Y-%m-%d").to_string()),
        outdated: crate::insights::outdated_note(site, page),
        related_answers: page
            .front
            .answers
            .iter()
            .filter_map(|id| site.forum.answers.iter().find(|a| &a.id == id))
            .map(|a| answer_item(site, a, current))
            .collect(),
    };
    ctx.insert("page", &view);
    insert_nav(&mut ctx, site, &page.section, current, &|url| {
        relative(current, url)
    });
    insert_support(&mut ctx, site, &page.title);
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
    let mut ctx = base_context(site, theme, current);
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
    let html = section.rendered.html();
    let view = SectionView {
        title: &section.title,
        title_id: section.rendered.title_id.as_deref(),
        description: &section.description,
        content_html: &html,
        toc: toc(&section.rendered),
        breadcrumbs: breadcrumbs(site, &section.key, current, false),
        pages: section
            .pages
            .iter()
            .map(|&i| list_item(site, &site.pages[i], current))
            .collect(),
        subsections,
        edit_href: edit_href(site, section.source.as_deref()),
        answers: site
            .answers_by_section
            .get(&section.key)
            .into_iter()
            .flatten()
            .map(|&i| answer_item(site, &site.forum.answers[i], current))
            .collect(),
    };
    ctx.insert("section", &view);
    insert_nav(&mut ctx, site, &section.key, current, &|url| {
        relative(current, url)
    });
    let home = section.key.is_empty() || site.config.languages.is_other_root(&section.key);
    if !home {
        insert_support(&mut ctx, site, &section.title);
    }
    let default = if home { "index.html" } else { "section.html" };
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
        .flat_map(|tag| render_tag(site, theme, tag))
        .collect();
    let langs = &site.config.languages;
    for lang in langs.all() {
        out.push(render_tag_index(site, theme, lang));
    }
    out
}

/// `tags/` of one language (`de/tags/`): its tags and their page counts.
fn render_tag_index(
    site: &Site,
    theme: &Theme,
    lang: &crate::lang::Language,
) -> Result<OutputFile, Diagnostic> {
    let current = format!("{}tags/", site.config.languages.prefix(lang));
    let current = current.as_str();
    let mut ctx = base_context(site, theme, current);
    let all: Vec<(LinkView, usize)> = site
        .tags
        .values()
        .filter(|t| site.language_of(&t.url).code == lang.code)
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
    theme
        .render("tags.html", &ctx)
        .map(|html| OutputFile::bytes(html_file(current), html))
}

fn render_tag(
    site: &Site,
    theme: &Theme,
    tag: &crate::site::Tag,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let chunks: Vec<&[usize]> = tag.pages.chunks(TAG_PAGE_SIZE).collect();
    let count = chunks.len().max(1);
    (1..=count)
        .map(|n| {
            let current = list_page_url(&tag.url, n);
            let mut ctx = base_context(site, theme, &current);
            let href = |k: usize| relative(&current, &list_page_url(&tag.url, k));
            let view = TagView {
                name: &tag.name,
                pages: chunks
                    .get(n - 1)
                    .copied()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|&i| site.pages.get(i))
                    .map(|p| list_item(site, p, &current))
                    .collect(),
                total: tag.pages.len(),
                pagination: (count > 1).then(|| PaginationView {
                    page: n,
                    pages: count,
                    prev_href: (n > 1).then(|| href(n - 1)),
                    next_href: (n < count).then(|| href(n + 1)),
                }),
            };
            ctx.insert("tag", &view);
            theme
                .render("tag.html", &ctx)
                .map(|html| OutputFile::bytes(html_file(&current), html))
        })
        .collect()
}

fn render_404(site: &Site, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    // The 404 page is served at any depth, so its links are absolute paths
    // from the configured base URL rather than relative.
    let mut ctx = base_context(site, theme, "");
    let base = site.config.base_url.path.clone();
    let absolute = |rel: &str| format!("{base}{rel}");
    let c = &site.config;
    let (nav, nav_total, nav_all_href) = top_nav(site, "", &absolute);
    ctx.insert(
        "site",
        &SiteView {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            rtl: c.languages.default_language().rtl,
            search_index: None,
            translations: Vec::new(),
            alternates: Vec::new(),
            base_url: c.base_url.absolute(""),
            nav,
            nav_total,
            nav_all_href,
            feed_href: absolute("atom.xml"),
            search_href: absolute("search/"),
            tags_href: absolute("tags/"),
            home_href: base.clone(),
            contributors_href: (!site.contributors.people.is_empty())
                .then(|| absolute("contributors/")),
            insights_href: absolute(crate::insights::PAGE_URL),
            answers_feed_href: (!site.forum.answers.is_empty())
                .then(|| absolute(crate::insights::FEED_PATH)),
        },
    );
    ctx.insert("root", &base);
    if let Some(p) = &site.versions {
        // Served at any depth: links to the versions' homes, absolute.
        let root_path = p.root_path.clone();
        insert_versions(&mut ctx, site, "", &|url| format!("{root_path}{url}"));
    }
    ctx.insert("canonical", &c.base_url.absolute("404.html"));
    ctx.insert(
        "nav_html",
        &crate::nav::sections_html(site.outline(""), &absolute),
    );
    theme
        .render("404.html", &ctx)
        .map(|html| OutputFile::bytes("404.html", html))
}

/// `insights/`: figures about the wiki and its community (see
/// `crate::insights`).
/// Themes without an `insights.html` template get no page.
fn render_insights(site: &Site, theme: &Theme) -> Option<Result<OutputFile, Diagnostic>> {
    if !theme.has_template("insights.html") {
        return None;
    }
    let current = crate::insights::PAGE_URL;
    let mut ctx = base_context(site, theme, current);
    let insights = crate::insights::Insights::compute(site, site.as_of);
    ctx.insert("insights", &insights.view(site, current));
    Some(
        theme
            .render("insights.html", &ctx)
            .map(|html| OutputFile::bytes(html_file(current), html)),
    )
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
                lang = escape_html(&site.language_of(&page.url).code),
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

fn answer_item(site: &Site, a: &crate::forum::Answer, current: &str) -> AnswerListItem {
    let standing = a.author.standing;
    AnswerListItem {
        title: a.title.clone(),
        href: relative(current, &a.url()),
        score: a.score,
        author: site.contributors.shown_name(&a.source, &a.author),
        source: a.source.clone(),
        role: standing.role.map(crate::forum::Role::label),
        reputation: standing.reputation.map(thousands),
        trust_level: standing.trust_level,
        verified: day_of(crate::insights::trust::verified(site, a)),
        outdated: crate::insights::trust::outdated(site, a).is_some(),
    }
}

/// `1067` as `1,067`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn day_of(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// What the forum shows about a member, for templates.
#[derive(Serialize)]
pub(crate) struct StandingView {
    /// "Staff", "Moderator", "Maintainer"...
    pub(crate) role: Option<&'static str>,
    /// What the role means, for a tooltip.
    pub(crate) role_title: Option<&'static str>,
    /// Speaks for the product (staff, moderators, maintainers).
    pub(crate) official: bool,
    pub(crate) reputation: Option<String>,
    pub(crate) trust_level: Option<u8>,
    /// Gold, silver, bronze.
    pub(crate) badges: Option<[u32; 3]>,
}

impl StandingView {
    fn of(s: crate::forum::Standing) -> StandingView {
        StandingView {
            role: s.role.map(crate::forum::Role::label),
            role_title: s.role.map(crate::forum::Role::explained),
            official: s.role.is_some_and(crate::forum::Role::is_official),
            reputation: s.reputation.map(thousands),
            trust_level: s.trust_level,
            badges: s.badges.map(|b| [b.gold, b.silver, b.bronze]),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct AuthorView {
    pub(crate) name: String,
    pub(crate) username: String,
    /// The author's forum profile (an attribution link: plain on the
    /// configured forum's host, `nofollow ugc noopener` anywhere else).
    pub(crate) profile_href: Option<String>,
    pub(crate) profile_rel: Option<&'static str>,
    pub(crate) avatar_url: Option<String>,
    /// The author's credit page on this site, when there is one.
    pub(crate) credit_href: Option<String>,
    pub(crate) standing: StandingView,
    /// The account was deleted upstream.
    pub(crate) deleted: bool,
}

#[derive(Serialize)]
pub(crate) struct ReplyView {
    /// Sanitized forum HTML.
    pub(crate) content_html: String,
    pub(crate) author: AuthorView,
    pub(crate) score: i64,
    pub(crate) date: Option<String>,
    pub(crate) href: Option<String>,
    pub(crate) rel: Option<&'static str>,
    pub(crate) licence: Option<String>,
    /// "the asker", "forum staff", "a maintainer"...
    pub(crate) accepted_by: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct AnswerView {
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) kind: &'static str,
    /// Sanitized forum HTML of the question.
    pub(crate) question_html: String,
    pub(crate) question_author: Option<AuthorView>,
    pub(crate) question_score: i64,
    pub(crate) accepted: Vec<ReplyView>,
    pub(crate) asked: Option<String>,
    pub(crate) answered: Option<String>,
    pub(crate) thread_href: Option<String>,
    pub(crate) thread_rel: Option<&'static str>,
    pub(crate) licence: Option<String>,
    pub(crate) is_stackexchange: bool,
    /// The forum's tags: linked to the wiki's tag page when one exists.
    pub(crate) tags: Vec<AnswerTagView>,
    /// Where the content comes from, for the licence line: the forum's
    /// host (`community.example.com`), else the source's name.
    pub(crate) forum_label: String,
    pub(crate) breadcrumbs: Vec<LinkView>,
    pub(crate) promoted_by: Option<LinkView>,
    /// The day the docs team verified it (`reviewed:`, or the promoting
    /// page's last review or update).
    pub(crate) verified: Option<String>,
    /// Why it may be outdated.
    pub(crate) outdated: Option<crate::insights::trust::AnswerOutdated>,
}

#[derive(Serialize)]
pub(crate) struct AnswerTagView {
    pub(crate) title: String,
    pub(crate) href: Option<String>,
}

/// An answer's forum tags; those the wiki also uses link to its tag page.
fn answer_tags(site: &Site, tags: &[String], current: &str) -> Vec<AnswerTagView> {
    tags.iter()
        .map(|t| AnswerTagView {
            title: t.clone(),
            href: site
                .tag_of(current, t)
                .map(|tag| relative(current, &tag.url)),
        })
        .collect()
}

/// The forum's address without the scheme (`community.example.com`,
/// `github.com/owner/repo`); the source's name when it has no URL.
fn forum_label(site: &Site, source: &str) -> String {
    site.config
        .forum
        .iter()
        .find(|f| f.name == source)
        .and_then(|f| f.url.as_deref())
        .and_then(|u| u.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.trim_end_matches('/'))
        .filter(|rest| !rest.is_empty())
        .map_or_else(|| source.to_string(), str::to_string)
}

fn author_view(site: &Site, source: &str, a: &crate::forum::Author, current: &str) -> AuthorView {
    let privacy = site.contributors.privacy(source, &a.username);
    AuthorView {
        name: site.contributors.shown_name(source, a),
        username: a.username.clone(),
        profile_href: a.profile_url.clone().filter(|_| !a.deleted),
        profile_rel: forum_rel(site, source, a.profile_url.as_deref()),
        avatar_url: a
            .avatar_url
            .clone()
            .filter(|_| !privacy.hide_avatar && !privacy.hidden && !a.deleted),
        credit_href: credit_url(site, source, a).map(|u| relative(current, &u)),
        standing: StandingView::of(a.standing),
        deleted: a.deleted,
    }
}

/// `rel` of a link taken from forum data: none when it points at the
/// configured forum's own host (thread and member pages), else
/// `nofollow ugc noopener`, so an export cannot lend the wiki's standing to
/// other sites.
fn forum_rel(site: &Site, source: &str, url: Option<&str>) -> Option<&'static str> {
    let url = url?;
    let base = site
        .config
        .forum
        .iter()
        .find(|f| f.name == source)
        .and_then(|f| f.url.as_deref());
    if base.is_some_and(|b| crate::forum::same_host(url, b)) {
        None
    } else {
        Some(crate::contributors::credit::FORUM_REL)
    }
}

/// The credit page of a forum author.
fn credit_url(site: &Site, source: &str, author: &crate::forum::Author) -> Option<String> {
    site.contributors
        .person_for_forum_author(source, &author.username)
        .map(|p| format!("contributors/{}/", p.slug))
}

/// Authors shown on a page ("Written by A, B and 3 others").
const AUTHORS_SHOWN: usize = 3;

fn page_authors(site: &Site, page: &Page, current: &str) -> (Vec<LinkView>, usize) {
    let Some(credit) = site.contributors.page(&page.source) else {
        return (Vec::new(), 0);
    };
    let shown = credit
        .authors
        .iter()
        .take(AUTHORS_SHOWN)
        .map(|a| LinkView {
            title: a.name.clone(),
            href: relative(current, &format!("contributors/{}/", a.slug)),
            active: false,
        })
        .collect();
    (shown, credit.authors.len().saturating_sub(AUTHORS_SHOWN))
}

#[derive(Serialize)]
struct PersonPageView {
    title: String,
    href: String,
    share: u32,
    commits: u32,
    main_author: bool,
}

#[derive(Serialize)]
struct PersonAnswerView {
    title: String,
    href: Option<String>,
    score: i64,
    source: String,
    folded: bool,
}

/// The credit score's points, for the "How this is counted" note.
fn credit_points() -> BTreeMap<&'static str, u64> {
    use crate::contributors::credit as c;
    BTreeMap::from([
        ("main_author", c::POINTS_MAIN_AUTHOR),
        ("other_page", c::POINTS_OTHER_PAGE),
        ("commit", c::POINTS_PER_COMMIT),
        ("commit_cap", c::COMMIT_CAP),
        ("answer", c::POINTS_PER_ANSWER),
        ("answer_score_cap", c::ANSWER_SCORE_CAP.unsigned_abs()),
        ("folded", c::POINTS_FOLDED_ANSWER),
        ("top_min", c::TOP_ANSWERER_MIN as u64),
    ])
}

/// `contributors/` (everyone, ranked) and `contributors/<slug>/` per person.
fn render_contributors(site: &Site, theme: &Theme) -> Vec<Result<OutputFile, Diagnostic>> {
    let people = &site.contributors.people;
    if people.is_empty() || !theme.has_template("contributors.html") {
        return Vec::new();
    }
    let by_source: BTreeMap<&str, &Page> =
        site.pages.iter().map(|p| (p.source.as_str(), p)).collect();
    let answers: BTreeMap<&str, &crate::forum::Answer> = site
        .forum
        .answers
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mut out = Vec::new();
    let current = "contributors/";
    let mut ctx = base_context(site, theme, current);
    #[derive(Serialize)]
    struct Row<'a> {
        #[serde(flatten)]
        person: &'a crate::contributors::Person,
        href: String,
    }
    let rows: Vec<Row<'_>> = people
        .iter()
        .map(|p| Row {
            person: p,
            href: relative(current, &format!("contributors/{}/", p.slug)),
        })
        .collect();
    ctx.insert("people", &rows);
    out.push(
        theme
            .render("contributors.html", &ctx)
            .map(|html| OutputFile::bytes(html_file(current), html)),
    );
    if !theme.has_template("contributor.html") {
        return out;
    }
    for p in people {
        let url = format!("contributors/{}/", p.slug);
        let current = url.as_str();
        let mut ctx = base_context(site, theme, current);
        let pages: Vec<PersonPageView> = p
            .pages
            .iter()
            .filter_map(|pp| {
                let page = by_source.get(pp.path.as_str())?;
                Some(PersonPageView {
                    title: page.title.clone(),
                    href: relative(current, &page.url),
                    share: pp.share,
                    commits: pp.commits,
                    main_author: pp.main_author,
                })
            })
            .collect();
        let answer_views: Vec<PersonAnswerView> = p
            .answers
            .iter()
            .map(|a| PersonAnswerView {
                title: a.title.clone(),
                href: answers
                    .get(a.id.as_str())
                    .map(|ans| relative(current, &ans.url())),
                score: a.score,
                source: a.source.clone(),
                folded: a.folded,
            })
            .collect();
        ctx.insert("person", p);
        ctx.insert("person_pages", &pages);
        ctx.insert("person_answers", &answer_views);
        ctx.insert("points", &credit_points());
        ctx.insert("contributors_href", &relative(current, "contributors/"));
        out.push(
            theme
                .render("contributor.html", &ctx)
                .map(|html| OutputFile::bytes(html_file(current), html)),
        );
    }
    out
}

fn day(d: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn render_answer(
    site: &Site,
    theme: &Theme,
    a: &crate::forum::Answer,
) -> Result<OutputFile, Diagnostic> {
    let url = a.url();
    let current = url.as_str();
    let mut ctx = base_context(site, theme, current);
    let view = AnswerView {
        title: a.title.clone(),
        source: a.source.clone(),
        kind: a.kind.as_str(),
        question_html: a.question_html.clone(),
        question_author: a
            .question_author
            .as_ref()
            .map(|q| author_view(site, &a.source, q, current)),
        question_score: a.question_score,
        accepted: a
            .accepted
            .iter()
            .map(|r| ReplyView {
                content_html: r.html.clone(),
                author: author_view(site, &a.source, &r.author, current),
                score: r.score,
                date: day(r.date),
                href: r.url.clone(),
                rel: forum_rel(site, &a.source, r.url.as_deref()),
                licence: r.licence.clone(),
                accepted_by: r.accepted_by.map(crate::forum::AcceptedBy::label),
            })
            .collect(),
        asked: day(a.asked),
        answered: day(a.answered),
        thread_href: a.thread_url.clone(),
        thread_rel: forum_rel(site, &a.source, a.thread_url.as_deref()),
        licence: a.licence.clone(),
        is_stackexchange: a.kind == crate::forum::source::ForumKind::Stackexchange,
        tags: answer_tags(site, &a.tags, current),
        forum_label: forum_label(site, &a.source),
        breadcrumbs: breadcrumbs(site, a.section.trim_matches('/'), current, true),
        promoted_by: site
            .promoted_by
            .get(&a.id)
            .map(|&i| page_link(&site.pages[i], current)),
        verified: day_of(crate::insights::trust::verified(site, a)),
        outdated: crate::insights::trust::outdated(site, a),
    };
    ctx.insert("answer", &view);
    insert_nav(
        &mut ctx,
        site,
        a.section.trim_matches('/'),
        current,
        &|url| relative(current, url),
    );
    insert_support(&mut ctx, site, &a.title);
    let html = theme
        .render("answer.html", &ctx)
        .map_err(|d| attach(d, std::path::Path::new(&format!("forum answer {}", a.id))))?;
    Ok(OutputFile::bytes(html_file(current), html))
}

/// Name of the sitemap robots.txt points at: the only sitemap, or the
/// sitemap index when the site has more URLs than one sitemap may hold.
const SITEMAP: &str = "sitemap.xml";
/// Most URLs one sitemap file may list (the sitemaps.org protocol's limit).
const SITEMAP_MAX_URLS: usize = 50_000;

/// The sitemap files: `sitemap.xml` alone, or, past [`SITEMAP_MAX_URLS`],
/// `sitemap.xml` as a sitemap index of `sitemap-1.xml`, `sitemap-2.xml`, ...
fn sitemaps(site: &Site) -> Vec<OutputFile> {
    sitemaps_with_limit(site, SITEMAP_MAX_URLS)
}

fn sitemaps_with_limit(site: &Site, limit: usize) -> Vec<OutputFile> {
    let mut urls: BTreeMap<String, Option<chrono::NaiveDate>> = BTreeMap::new();
    for s in site.sections.values() {
        urls.insert(s.url.clone(), None);
    }
    for p in &site.pages {
        urls.insert(p.url.clone(), crate::feeds::page_date(site, p));
    }
    for a in &site.forum.answers {
        urls.insert(a.url(), a.answered.map(|d| d.date_naive()));
    }
    let urls: Vec<(String, Option<chrono::NaiveDate>)> = urls.into_iter().collect();
    let limit = limit.max(1);
    if urls.len() <= limit {
        return vec![OutputFile::bytes(SITEMAP, urlset(site, &urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (i, chunk) in urls.chunks(limit).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str("  <sitemap><loc>");
        index.push_str(&escape_html(&site.config.base_url.absolute(&name)));
        index.push_str("</loc>");
        if let Some(d) = chunk.iter().filter_map(|(_, d)| *d).max() {
            index.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        index.push_str("</sitemap>\n");
        files.push(OutputFile::bytes(name, urlset(site, chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(OutputFile::bytes(SITEMAP, index));
    files
}

fn urlset(site: &Site, urls: &[(String, Option<chrono::NaiveDate>)]) -> String {
    let langs = &site.config.languages;
    let multilingual = langs.is_multilingual();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if multilingual {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for (url, date) in urls {
        out.push_str("  <url><loc>");
        out.push_str(&escape_html(&site.config.base_url.absolute(url)));
        out.push_str("</loc>");
        if let Some(d) = date {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        if multilingual {
            // Every version of the page, itself included, and x-default
            // (Google's form: the same set under each of them).
            let (_, alternates) = translations(site, url, &|u| u.to_string());
            for a in alternates {
                out.push_str(&format!(
                    "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    escape_html(&a.hreflang),
                    escape_html(&a.href)
                ));
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

// ---------------------------------------------------------------------------
// Partial re-render (used by `lorebook serve`)

/// Re-render what a body-only edit of the pages at `changed` (indexes into
/// `site.pages`) can alter: those pages, the section pages above them (their
/// listings show page descriptions), their tag pages, the sitemap and the
/// feed.
/// Valid only when the edit kept every page's title, weight, tags, aliases
/// and draft flag, so section order, tag membership and neighbours' links are
/// unchanged; `serve` checks that and otherwise renders the whole site.
/// With `listings` false (the pages' descriptions and dates are unchanged
/// too, so no listing, sitemap or feed shows anything new), only the pages
/// themselves are rendered.
pub(crate) fn render_affected(
    site: &Site,
    theme: &Theme,
    changed: &[usize],
    listings: bool,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut section_keys = std::collections::BTreeSet::new();
    let mut results = Vec::new();
    for &i in changed {
        let Some(page) = site.pages.get(i) else {
            continue;
        };
        results.push(render_page(site, theme, page));
        if !listings {
            continue;
        }
        let mut key = Some(page.section.clone());
        while let Some(k) = key {
            key = site.sections.get(&k).and_then(|s| s.parent.clone());
            section_keys.insert(k);
        }
    }
    for key in &section_keys {
        if let Some(section) = site.sections.get(key) {
            results.push(render_section(site, theme, section));
        }
    }
    if listings {
        results.extend(
            site.tags
                .values()
                .filter(|tag| tag.pages.iter().any(|i| changed.contains(i)))
                .flat_map(|tag| render_tag(site, theme, tag)),
        );
        // Page dates and reviews feed the insights page.
        results.extend(render_insights(site, theme));
    }
    let mut files = Vec::with_capacity(results.len() + 2);
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
    if listings {
        files.extend(sitemaps(site));
        for (path, feed) in crate::feeds::pages_feeds(site) {
            files.push(OutputFile::bytes(path, feed));
        }
    }
    files.extend(crate::llms::affected(site, changed, listings));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_of(pages: usize) -> Site {
        let pages: Vec<(String, String)> = (0..pages)
            .map(|i| (format!("p{i}.md"), format!("# Page {i}\n")))
            .collect();
        let pages: Vec<(&str, String)> =
            pages.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
        let config = "title: T\nbase_url: https://kb.example/\n";
        crate::site::test_site(config, &pages, Default::default())
    }

    fn text(f: &OutputFile) -> String {
        match &f.contents {
            Contents::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
            Contents::Copy(_) => panic!("sitemaps are generated"),
        }
    }

    fn locs(xml: &str) -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn omitting_the_search_index_keeps_the_search_page_and_all_else() {
        let site = site_of(3);
        let theme = Theme::load(&site.config).expect("default theme");
        let omit = RenderOptions {
            search_index: SearchIndex::Omit,
        };
        let full = render(&site, &theme).expect("renders");
        let without = render_with_options(&site, &theme, omit).expect("renders");
        let under_search = |files: &[OutputFile]| -> Vec<String> {
            files
                .iter()
                .map(|f| f.path.to_string_lossy().into_owned())
                .filter(|p| p.starts_with("search/"))
                .collect()
        };
        assert_eq!(under_search(&without), ["search/index.html"]);
        assert!(under_search(&full).len() > 1, "{:?}", under_search(&full));
        let index_files =
            |f: &&OutputFile| f.path.starts_with("search") && !f.path.ends_with("index.html");
        let rest: Vec<&OutputFile> = full.iter().filter(|f| !index_files(f)).collect();
        assert_eq!(rest.len(), without.len());
        for (a, b) in rest.iter().zip(&without) {
            assert_eq!(a.path, b.path);
            assert!(a.contents == b.contents, "{} differs", a.path.display());
        }
        // With search off, neither makes anything under search/.
        let mut off = site;
        off.config.search.enabled = false;
        let none = render_with_options(&off, &theme, omit).expect("renders");
        assert!(under_search(&none).is_empty());
    }

    #[test]
    fn small_site_has_one_sitemap_listing_every_url() {
        let files = sitemaps_with_limit(&site_of(4), 10);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, std::path::Path::new("sitemap.xml"));
        let xml = text(&files[0]);
        assert!(xml.contains("<urlset"), "{xml}");
        // The root section and four pages.
        assert_eq!(locs(&xml).len(), 5, "{xml}");
        assert!(xml.contains("<loc>https://kb.example/p3/</loc>"), "{xml}");
    }

    #[test]
    fn sitemap_over_the_limit_is_split_under_an_index() {
        // 7 pages + the root section = 8 URLs; a limit of 3 gives 3 files.
        let files = sitemaps_with_limit(&site_of(7), 3);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = text(&files[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert_eq!(
            locs(&index),
            [
                "https://kb.example/sitemap-1.xml",
                "https://kb.example/sitemap-2.xml",
                "https://kb.example/sitemap-3.xml"
            ]
        );
        let mut all = Vec::new();
        for f in &files[..3] {
            let xml = text(f);
            assert!(xml.contains("<urlset"), "{xml}");
            let l = locs(&xml);
            assert!(!l.is_empty() && l.len() <= 3, "{xml}");
            all.extend(l);
        }
        assert_eq!(all.len(), 8);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, all, "each URL once, in order");
        assert!(all.contains(&"https://kb.example/".to_string()));
        assert!(all.contains(&"https://kb.example/p6/".to_string()));
    }
}
