//! The site model: an immutable value holding everything the render stage
//! needs (config, pages, sections, tags, forum answers). Built once per build
//! from what the load stages read; nothing in it touches the disk.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::{Asset, Content, Page, Section};
use crate::diagnostics::Diagnostic;
use crate::forum::ForumData;
use crate::urls;

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
    pub tags: BTreeMap<String, Tag>,
    pub forum: ForumData,
}

impl Site {
    /// Assemble the model and report problems that need the whole site
    /// (alias collisions).
    pub fn new(
        config: Config,
        content: Content,
        static_files: Vec<Asset>,
        forum: ForumData,
    ) -> (Site, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let Content {
            pages,
            sections,
            assets,
        } = content;

        let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            for name in &page.front.tags {
                let slug = urls::path_slug(name);
                let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                    url: format!("tags/{slug}/"),
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

        let site = Site {
            config,
            pages,
            sections,
            assets,
            static_files,
            tags,
            forum,
        };
        diags.extend(site.check_aliases());
        (site, diags)
    }

    pub fn root_section(&self) -> Option<&Section> {
        self.sections.get("")
    }

    /// Sections from the root down to `key`, root included.
    pub fn ancestry(&self, key: &str) -> Vec<&Section> {
        let mut chain = Vec::new();
        let mut cur = self.sections.get(key);
        while let Some(s) = cur {
            chain.push(s);
            cur = s.parent.as_deref().and_then(|p| self.sections.get(p));
        }
        chain.reverse();
        chain
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
