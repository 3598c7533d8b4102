//! The site model: an immutable value holding everything the render stage
//! needs (config, pages, sections, tags, forum answers, contributors, the
//! as-of date). Built whole by [`Site::new`] from what the load stages read
//! ([`Inputs`]); nothing in it touches the disk.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;
use crate::content::{Asset, Content, Page, Section};
use crate::contributors::{History, PersonEntry};
use crate::diagnostics::Diagnostic;
use crate::forum::ForumData;
use crate::insights::search_log::MissedQuery;
use crate::urls;

/// Languages other than the default have a home of their own: `de` is a
/// root (no parent, not listed under the site's home), titled with the
/// site's title in that language unless its `_index.md` gives one. Each
/// declared language gets its home even without pages, so the language
/// switcher always has somewhere to go.
fn detach_language_roots(langs: &crate::lang::Languages, sections: &mut BTreeMap<String, Section>) {
    for lang in langs.others() {
        crate::content::ensure_section(sections, &lang.code);
        if let Some(s) = sections.get_mut(&lang.code) {
            s.parent = None;
            if s.front.title.is_none() && s.rendered.title.is_none() {
                s.title = lang.title.clone();
            }
            if s.front.description.is_none() && s.description.is_empty() {
                s.description = lang.description.clone();
            }
        }
        if let Some(root) = sections.get_mut("") {
            root.subsections.retain(|k| *k != lang.code);
        }
    }
}

/// What the load stages read, which [`Site::new`] assembles into the model.
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    pub content: Content,
    /// Files under `static/`.
    pub static_files: Vec<Asset>,
    pub forum: ForumData,
    /// Git history of `content/`; `None` outside git (pages are then
    /// credited to nobody, forum authors still are).
    pub history: Option<&'a History>,
    /// The people of `contributors.yaml`.
    pub people: Vec<PersonEntry>,
    /// Searches that found nothing, from `insights.search_log:`.
    pub search_log: Vec<MissedQuery>,
}

/// A tag and the pages that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    pub slug: String,
    /// The spelling first seen (pages are visited in source order).
    pub name: String,
    pub url: String,
    /// Indexes into `Site::pages`, in title order.
    pub pages: Vec<usize>,
}

/// Everything a build knows, after loading.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: BTreeMap<String, Section>,
    pub assets: Vec<Asset>,
    /// Files under `static/`, published at the same path from the root.
    pub static_files: Vec<Asset>,
    /// What links from the site root resolve against (see `links::paths`).
    pub paths: std::sync::Arc<crate::links::paths::SitePaths>,
    /// Snippets, variables and image sizes pages were rendered with.
    pub writing: std::sync::Arc<crate::writing::Writing>,
    pub tags: BTreeMap<String, Tag>,
    pub forum: ForumData,
    /// Answers listed under "Community answers" per section key (indexes
    /// into `forum.answers`, highest score first).
    pub answers_by_section: BTreeMap<String, Vec<usize>>,
    /// Answer id -> the page that promotes it (`answers:` in front matter).
    pub promoted_by: BTreeMap<String, usize>,
    /// People credited for pages and answers (git history, declared
    /// people and forum authors; see `crate::contributors`).
    pub contributors: crate::contributors::Contributors,
    /// The date insights and "may be outdated" notes are computed for, never
    /// the wall clock: `Config::source_date`, else [`Site::newest_date`].
    pub as_of: Option<NaiveDate>,
    /// The navigation tree script per language home key, made once on
    /// first use (see `crate::nav`).
    pub(crate) nav: std::sync::OnceLock<BTreeMap<String, crate::nav::NavTree>>,
    /// The tree of a site without sections (never published).
    pub(crate) no_nav: crate::nav::NavTree,
    /// The URLs a translation may be at, made on first use (see
    /// [`Site::publishes`]).
    pub(crate) translatable: std::sync::OnceLock<std::collections::BTreeSet<String>>,
    /// Searches that found nothing, from `insights.search_log:`.
    pub search_log: Vec<MissedQuery>,
    /// Where this site is among the versions of `versions:` (None on a
    /// one-version site and in `serve`): set by the build once every
    /// version is loaded, read for the switcher and the banner.
    pub versions: Option<crate::versions::Placement>,
}

impl Site {
    /// Assemble the whole model (answers placed in sections, promotions,
    /// tags, contributors, the as-of date) and report problems that need the
    /// whole site (unknown `answers:` ids, alias collisions).
    pub fn new(config: Config, inputs: Inputs<'_>) -> (Site, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let Inputs {
            content,
            static_files,
            forum,
            history,
            people,
            search_log,
        } = inputs;
        let Content {
            pages,
            mut sections,
            assets,
            paths,
            writing,
        } = content;

        // Answers land in wiki sections; a section that only answers use is
        // created so they have a listing.
        let mut answers_by_section: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in forum.answers.iter().enumerate() {
            let key = a.section.trim_matches('/').to_string();
            crate::content::ensure_section(&mut sections, &key);
            answers_by_section.entry(key).or_default().push(i);
        }
        for list in answers_by_section.values_mut() {
            list.sort_by_key(|&i| {
                (
                    -forum.answers[i].score,
                    forum.answers[i].title.to_lowercase(),
                )
            });
        }
        detach_language_roots(&config.languages, &mut sections);
        let ids: BTreeMap<&str, usize> = forum
            .answers
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let mut promoted_by = BTreeMap::new();
        for (pi, page) in pages.iter().enumerate() {
            let line = page.front_matter_lines.get("answers").copied().unwrap_or(0);
            for id in &page.front.answers {
                if ids.contains_key(id.as_str()) {
                    promoted_by.entry(id.clone()).or_insert(pi);
                } else {
                    let d = Diagnostic::error(
                        &page.shown_path,
                        format!("`answers:` names `{id}`, which no forum source provides"),
                    )
                    .at(line, usize::from(line > 0));
                    let best = crate::diagnostics::closest(id, ids.keys().copied());
                    diags.push(match best {
                        Some(b) => d.with_hint(format!("did you mean `{b}`?")),
                        None => d.with_hint(
                            "ids are `<source name>:<question id>`, e.g. `discourse:1234`",
                        ),
                    });
                }
            }
        }

        let mut forum = forum;
        for a in &mut forum.answers {
            a.folded = promoted_by.contains_key(&a.id);
            // An answer is published in the language of its section.
            a.url_prefix = config
                .languages
                .prefix(config.languages.of(a.section.trim_matches('/')));
        }

        // Each language has its own tags (`tags/x/`, `de/tags/x/`), keyed
        // by their URL prefix and slug (see `Site::tag_key`).
        let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            let prefix = config.languages.prefix(config.languages.of(&page.url));
            for name in &page.front.tags {
                let slug = urls::path_slug(name);
                let tag = tags
                    .entry(format!("{prefix}{slug}"))
                    .or_insert_with(|| Tag {
                        url: format!("{prefix}tags/{slug}/"),
                        slug,
                        name: name.trim().to_string(),
                        pages: Vec::new(),
                    });
                if !tag.pages.contains(&i) {
                    tag.pages.push(i);
                }
            }
        }
        for tag in tags.values_mut() {
            tag.pages
                .sort_by_key(|&i| (pages[i].title.to_lowercase(), pages[i].url.clone()));
        }

        // Forum authors are credited after `folded` is set: a folded answer
        // earns its author more.
        let no_history = History::default();
        let contributors = crate::contributors::build(
            history.unwrap_or(&no_history),
            &people,
            &forum.answers,
            &config.contributors,
        );
        let mut site = Site {
            config,
            pages,
            sections,
            assets,
            static_files,
            paths,
            writing,
            tags,
            forum,
            answers_by_section,
            promoted_by,
            contributors,
            as_of: None,
            nav: std::sync::OnceLock::new(),
            no_nav: crate::nav::NavTree::empty(),
            translatable: std::sync::OnceLock::new(),
            search_log,
            versions: None,
        };
        site.as_of = site.config.source_date.or_else(|| site.newest_date());
        diags.extend(site.check_aliases());
        diags.extend(site.check_file_folder_collisions());
        (site, diags)
    }

    /// The newest date the site's data holds: its newest commit to
    /// `content/`, else the newest `date:`/`reviewed:` of pages and dates of
    /// forum questions and answers (asked, answered, accepted). `None` when
    /// there is none. The as-of date when `SOURCE_DATE_EPOCH` is unset.
    pub fn newest_date(&self) -> Option<NaiveDate> {
        let git = self
            .contributors
            .activity
            .iter()
            .map(|c| c.time)
            .chain(self.contributors.pages.values().map(|p| p.updated))
            .max();
        if let Some(t) = git {
            return Some(t.date_naive());
        }
        let pages = self.pages.iter().flat_map(|p| {
            [p.front.date, p.front.reviewed]
                .into_iter()
                .flatten()
                .map(|d| d.0)
        });
        let answers = self.forum.answers.iter().flat_map(|a| {
            let replies = a.accepted.iter().flat_map(|r| [r.date, r.accepted_at]);
            [a.asked, a.answered]
                .into_iter()
                .chain(replies)
                .flatten()
                .map(|t| t.date_naive())
        });
        let questions = self
            .forum
            .unanswered
            .iter()
            .filter_map(|q| q.asked.map(|t| t.date_naive()));
        pages.chain(answers).chain(questions).max()
    }

    /// The navigation tree script (`crate::nav`) of the language `url` is
    /// in, made on first use (one per language, all at once).
    pub(crate) fn nav_tree(&self, url: &str) -> &crate::nav::NavTree {
        let trees = self.nav.get_or_init(|| {
            self.config
                .languages
                .all()
                .iter()
                .map(|l| {
                    let key = self.config.languages.root_key(l);
                    (key.to_string(), crate::nav::NavTree::of(self.outline(key)))
                })
                .collect()
        });
        let key = self.home_key(url);
        trees
            .get(key)
            .or_else(|| trees.get(""))
            .unwrap_or(&self.no_nav)
    }

    /// What the navigation of the language `url` is in is drawn from:
    /// sections, pages, the language's home and the site's title in it.
    pub(crate) fn outline(&self, url: &str) -> crate::nav::Outline<'_> {
        let lang = self.language_of(url);
        crate::nav::Outline {
            sections: &self.sections,
            pages: &self.pages,
            root: self.config.languages.root_key(lang),
            title: if self.config.languages.is_multilingual() {
                &lang.title
            } else {
                &self.config.title
            },
        }
    }

    /// Whether the site publishes a page at `url` that the language
    /// switcher may link to: pages, sections, answers, tag pages and each
    /// language's tag list and search page.
    pub fn publishes(&self, url: &str) -> bool {
        self.switchable().contains(url)
    }

    /// Every URL a switcher (language or version) may point at.
    pub fn switchable(&self) -> &std::collections::BTreeSet<String> {
        self.translatable.get_or_init(|| {
            let langs = &self.config.languages;
            let mut urls: std::collections::BTreeSet<String> = self
                .published_urls()
                .into_iter()
                .map(str::to_string)
                .collect();
            urls.extend(self.forum.answers.iter().map(|a| a.url()));
            urls.extend(self.tags.values().map(|t| t.url.clone()));
            for lang in langs.all() {
                let home = langs.prefix(lang);
                urls.insert(format!("{home}tags/"));
                if self.config.search.enabled {
                    urls.insert(format!("{home}search/"));
                }
            }
            urls
        })
    }

    /// The language a site URL (or content path) is in.
    pub fn language_of(&self, url: &str) -> &crate::lang::Language {
        self.config.languages.of(url)
    }

    /// The key of the home section of the language `url` is in (`` for the
    /// default language, `de`).
    pub fn home_key(&self, url: &str) -> &str {
        self.config.languages.root_key(self.language_of(url))
    }

    /// The tag `name` as the pages of `url`'s language use it.
    pub fn tag_of(&self, url: &str, name: &str) -> Option<&Tag> {
        let prefix = self.config.languages.prefix(self.language_of(url));
        self.tags.get(&format!("{prefix}{}", urls::path_slug(name)))
    }

    pub fn root_section(&self) -> Option<&Section> {
        self.sections.get("")
    }

    /// Sections from the root down to `key`, root included.
    pub fn ancestry(&self, key: &str) -> Vec<&Section> {
        crate::content::ancestry(&self.sections, key)
    }

    /// Every URL the site publishes as a page or section, for collision checks.
    pub fn published_urls(&self) -> std::collections::BTreeSet<&str> {
        self.pages
            .iter()
            .map(|p| p.url.as_str())
            .chain(self.sections.values().map(|s| s.url.as_str()))
            .collect()
    }

    /// Normalize an alias as written (`/old/page`, `old/page/`, `old/page.html`).
    pub fn normalize_alias(alias: &str) -> String {
        let a = alias.trim().trim_start_matches('/');
        if a.ends_with(".html") || a.ends_with('/') || a.is_empty() {
            a.to_string()
        } else {
            format!("{a}/")
        }
    }

    /// An output path that one source writes as a file and another needs as
    /// a folder (`static/tags` beside the tag pages, an alias
    /// `assets/site.css/`) would fail the write with an I/O error on the
    /// staging path; report it here instead, naming both sources.
    fn check_file_folder_collisions(&self) -> Vec<Diagnostic> {
        let root = &self.config.root;
        let shown = |p: &Path| crate::diagnostics::display_path(p.strip_prefix(root).unwrap_or(p));
        // Output files and who writes them.
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for a in self.static_files.iter().chain(&self.assets) {
            files.entry(a.rel.clone()).or_insert_with(|| shown(&a.path));
        }
        for f in [
            "assets/site.css",
            "assets/highlight.css",
            "robots.txt",
            "sitemap.xml",
            "404.html",
        ] {
            files
                .entry(f.to_string())
                .or_insert_with(|| "lorebook's own output".into());
        }
        // Output folders (every ancestor of a file or page) and who needs them.
        let mut folders: BTreeMap<String, String> = BTreeMap::new();
        let mut need = |path: &str, who: &str, is_folder: bool| {
            let mut cur = path.trim_end_matches('/');
            if !is_folder {
                cur = cur.rsplit_once('/').map_or("", |(d, _)| d);
            }
            while !cur.is_empty() {
                folders
                    .entry(cur.to_string())
                    .or_insert_with(|| who.to_string());
                cur = cur.rsplit_once('/').map_or("", |(d, _)| d);
            }
        };
        for p in &self.pages {
            need(&p.url, &format!("content/{}", p.source), true);
            for alias in &p.front.aliases {
                let norm = Self::normalize_alias(alias);
                need(
                    &norm,
                    &format!("an alias of content/{}", p.source),
                    norm.ends_with('/'),
                );
            }
        }
        for s in self.sections.values() {
            let who = s.source.as_ref().map_or_else(
                || format!("section `{}`", s.key),
                |src| format!("content/{src}"),
            );
            need(&s.url, &who, true);
        }
        for t in self.tags.values() {
            need(&t.url, "the tag pages", true);
        }
        for a in &self.forum.answers {
            need(&a.url(), "the forum answers", true);
        }
        for (path, who) in &files {
            need(path, who, false);
        }
        files
            .iter()
            .filter_map(|(path, file_source)| {
                let folder_source = folders.get(path)?;
                Some(
                    Diagnostic::error(
                        file_source.as_str(),
                        format!(
                            "`{path}` would be both a file (from `{file_source}`) and a folder (for {folder_source})"
                        ),
                    )
                    .with_hint("rename the file, or move what needs the folder"),
                )
            })
            .collect()
    }

    fn check_aliases(&self) -> Vec<Diagnostic> {
        let published = self.published_urls();
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut diags = Vec::new();
        for page in &self.pages {
            let line = page.front_matter_lines.get("aliases").copied().unwrap_or(0);
            let col = usize::from(line > 0);
            for alias in &page.front.aliases {
                let norm = Self::normalize_alias(alias);
                if norm.is_empty() || norm.contains("..") {
                    diags.push(Diagnostic::error(
                        &page.shown_path,
                        format!("alias `{alias}` is not a usable URL path"),
                    ));
                } else if published.contains(norm.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            &page.shown_path,
                            format!("alias `{alias}` is the URL of an existing page"),
                        )
                        .at(line, col)
                        .with_hint("remove the alias, or move the page that lives there"),
                    );
                } else if let Some(other) = seen.insert(norm, &page.source) {
                    diags.push(
                        Diagnostic::error(
                            &page.shown_path,
                            format!("alias `{alias}` is also claimed by `content/{other}`"),
                        )
                        .at(line, col),
                    );
                }
            }
        }
        diags
    }
}

/// A site made from texts, for the unit tests of the stages that read the
/// model: `config` is lorebook.yaml, `pages` are `(path under content/,
/// whole file)`. Markdown is rendered without highlighting, raw HTML kept.
#[cfg(test)]
pub(crate) fn test_site(config: &str, pages: &[(&str, String)], forum: ForumData) -> Site {
    let config = Config::from_str(
        config,
        std::path::Path::new("/s"),
        &crate::config::Overrides::default(),
    )
    .expect("test config");
    let opts = crate::markdown::MarkdownOptions {
        highlight: false,
        unsafe_html: true,
        site: None,
        writing: None,
    };
    let loaded = pages
        .iter()
        .map(|(path, text)| {
            let shown = std::path::Path::new("content").join(path);
            crate::content::parse_page(text, path, &shown, &opts).expect("test page")
        })
        .collect();
    let inputs = Inputs {
        content: Content::from_loaded(loaded),
        forum,
        ..Default::default()
    };
    Site::new(config, inputs).0
}
