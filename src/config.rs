//! Site configuration: `lorebook.yaml` parsed into a raw schema that rejects
//! unknown keys, then resolved into the [`Config`] the rest of the program
//! uses (paths joined, base URL split, defaults applied, globs compiled).
//! Raw and resolved values never share a struct.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
pub use crate::forum::source::{ForumKind, ForumSource};
use crate::urls::BaseUrl;
use crate::yaml;

pub const CONFIG_FILE: &str = "lorebook.yaml";

// ---------------------------------------------------------------------------
// Raw schema: exactly what the YAML may contain.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Option<String>,
    description: Option<String>,
    language: Option<String>,
    /// The languages with a tree of their own, by code (see `lang`).
    languages: Option<BTreeMap<String, Option<RawLanguage>>>,
    theme: Option<String>,
    edit_url: Option<String>,
    #[serde(default)]
    forum: Vec<RawForumSource>,
    #[serde(default)]
    contributors: RawContributors,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    insights: RawInsights,
    /// The product the help centre documents (its current version).
    #[serde(default)]
    product: RawProduct,
    /// The link policy (see `links::policy`).
    #[serde(default)]
    links: crate::links::policy::RawLinks,
    /// Section that forum answers land in when no tag maps them.
    answers_section: Option<String>,
    /// How many entries the Atom feed keeps.
    feed_limit: Option<usize>,
    /// Where "Ask the community" leads (see `support`).
    support: Option<crate::support::RawSupport>,
    /// What "Was this page helpful?" does.
    feedback: Option<crate::support::RawFeedback>,
    /// HTML placed in every page's head (an analytics snippet).
    analytics: Option<String>,
    /// Site variables for `{{ name }}` in pages (see `writing::expand`).
    #[serde(default)]
    variables: BTreeMap<String, RawVariable>,
    /// The copy of the site for machines (see `llms`).
    #[serde(default)]
    llms: RawLlms,
    /// Versions of the documentation built side by side (see `versions`).
    #[serde(default)]
    versions: Vec<RawVersion>,
}

/// One entry of `versions:`: the working tree (neither `ref:` nor
/// `folder:`), a git ref's `content/`, or a folder of Markdown.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    name: String,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    folder: Option<String>,
    /// Published under `/<alias>/` instead of `/<name>/` (the latest:
    /// instead of the site root, which then sends readers there).
    alias: Option<String>,
}

/// One language under `languages:` (every key optional: `de: {}`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    /// The language's own name, for the switcher.
    name: Option<String>,
    /// The site's title in the language.
    title: Option<String>,
    description: Option<String>,
    /// `rtl` or `ltr` (default: from the code).
    dir: Option<String>,
    /// The languages this language's search index is stemmed in (default:
    /// the language itself when it has a stemmer, else `search.languages`).
    search: Option<Vec<String>>,
}

/// A value under `variables:`: a scalar, or a map of further names.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawVariable {
    Text(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Map(BTreeMap<String, RawVariable>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLlms {
    txt: Option<bool>,
    full: Option<bool>,
    pages: Option<bool>,
}

const CONFIG_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "name",
    "dir",
    "theme",
    "edit_url",
    "forum",
    "contributors",
    "search",
    "markdown",
    "insights",
    "product",
    "version",
    "version_tags",
    "answer_stale_months",
    "links",
    "answers_section",
    "feed_limit",
    "support",
    "feedback",
    "analytics",
    "variables",
    "llms",
    "txt",
    "full",
    "pages",
    "math",
    "image_budget_kb",
    "versions",
    "ref",
    "folder",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForumSource {
    #[serde(rename = "type")]
    kind: ForumKind,
    path: String,
    /// Short name used in ids (`discourse:1234`) and URLs; defaults to the type.
    name: Option<String>,
    url: Option<String>,
    licence: Option<String>,
    #[serde(default)]
    min_score: i64,
    #[serde(default)]
    sections: BTreeMap<String, String>,
    default_section: Option<String>,
    /// How `lorebook forum pull` fetches this source from its API.
    pull: Option<RawPull>,
    /// The language of its questions and answers: they go to that
    /// language's tree and search index.
    language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPull {
    api_url: Option<String>,
    site: Option<String>,
    repository: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    api_key_env: Option<String>,
    api_username_env: Option<String>,
    token_env: Option<String>,
    unanswered: Option<bool>,
    requests_per_second: Option<f64>,
    concurrency: Option<usize>,
    timeout_seconds: Option<f64>,
    retries: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContributors {
    #[serde(default)]
    exclude: Vec<String>,
    file: Option<String>,
    #[serde(default)]
    gravatar: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    languages: Option<Vec<String>>,
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    unsafe_html: Option<bool>,
    highlight: Option<bool>,
    math: Option<bool>,
    image_budget_kb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInsights {
    stale_months: Option<u32>,
    answer_stale_months: Option<u32>,
    show_outdated_note: Option<bool>,
    candidate_min_score: Option<i64>,
    /// A CSV or JSON export of searches (see `insights::search_log`).
    search_log: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    version: Option<String>,
    version_tags: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------
// Resolved settings.

/// How `lorebook forum pull` fetches one source (the `pull:` map of a forum
/// source). Defaults that depend on the forum (API address, rate) are
/// applied by `forum::pull`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullSettings {
    /// The API's address when it is not derived from `url` (and for tests:
    /// a loopback server).
    pub api_url: Option<String>,
    /// Stack Exchange: the `site` parameter (default: `url`'s host).
    pub site: Option<String>,
    /// GitHub: `owner/name` (default: from `url`).
    pub repository: Option<String>,
    /// Discourse: category paths as in their URLs (`support/5`); GitHub:
    /// category names or slugs.
    pub categories: Vec<String>,
    /// Only questions with at least one of these tags (labels on GitHub).
    pub tags: Vec<String>,
    /// Names of environment variables holding credentials, never the
    /// credentials themselves.
    pub api_key_env: Option<String>,
    pub api_username_env: Option<String>,
    pub token_env: Option<String>,
    /// Also pull questions without an accepted answer (for insights).
    pub unanswered: bool,
    pub requests_per_second: Option<f64>,
    pub concurrency: Option<usize>,
    pub timeout_seconds: Option<f64>,
    pub retries: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ContributorsSettings {
    pub exclude: globset::GlobSet,
    pub exclude_patterns: Vec<String>,
    /// Absolute path of contributors.yaml (may not exist).
    pub file: PathBuf,
    pub gravatar: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchSettings {
    pub enabled: bool,
    /// `search.languages` as written.
    pub languages: Vec<String>,
    /// The languages the default language's pages are tokenized and
    /// stemmed in (the first is the main one; see `search::lang`).
    pub langs: crate::search::lang::Langs,
    /// The same for each other language of the site, by code (issue 22:
    /// a translated tree's index is stemmed in its own language).
    pub translated: Vec<(String, crate::search::lang::Langs)>,
}

impl SearchSettings {
    /// The languages the pages of the site language `code` are indexed in.
    pub fn langs_for(&self, code: &str) -> crate::search::lang::Langs {
        self.translated
            .iter()
            .find(|(c, _)| c == code)
            .map_or(self.langs, |&(_, l)| l)
    }

    /// Every language any of the site's indexes is stemmed in (what the
    /// client may need stemmers for).
    pub fn all_langs(&self) -> crate::search::lang::Langs {
        self.translated
            .iter()
            .fold(self.langs, |all, &(_, l)| all.with(l))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownSettings {
    /// Keep raw HTML written in pages (writers are trusted by default).
    pub unsafe_html: bool,
    pub highlight: bool,
    /// `$…$` and `$$…$$` rendered to MathML (`markdown.math`, default on).
    pub math: bool,
    /// Images larger than this many bytes are reported as warnings
    /// (`markdown.image_budget_kb`, default 500; 0 turns the check off).
    pub image_budget: u64,
}

/// `llms:`: the copy of the site for machines, each part on by default.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmsSettings {
    /// `llms.txt`: one line per page.
    pub txt: bool,
    /// `llms-full.txt`: every page's Markdown and every answer in one file.
    pub full: bool,
    /// Each page's Markdown next to its HTML (`a/b/index.md`).
    pub pages: bool,
}

impl LlmsSettings {
    /// Whether pages keep their expanded Markdown for the copy.
    pub fn keeps_markdown(&self) -> bool {
        self.full || self.pages
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InsightSettings {
    pub stale_months: u32,
    /// An accepted answer older than this (and not reviewed since) shows
    /// "may be outdated".
    pub answer_stale_months: u32,
    pub show_outdated_note: bool,
    /// Accepted answers scored at least this, and promoted by no page, are
    /// listed on /insights/ as candidates to fold into a page.
    pub candidate_min_score: i64,
    /// `insights.search_log:`: the export of searches, as written and
    /// resolved against the site root.
    pub search_log: Option<(String, PathBuf)>,
}

/// `product:`: the current version, and how forum tags name versions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductSettings {
    /// The current release (`4.2`); answers tagged with an older version
    /// show "may be outdated".
    pub version: Option<String>,
    /// Tag patterns, `*` standing for the version (`relay-*`); default
    /// `*` and `v*`.
    pub version_tags: Vec<String>,
}

/// Everything the build needs to know, resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub config_path: PathBuf,
    pub content_dir: PathBuf,
    pub static_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub themes_dir: PathBuf,
    pub output_dir: PathBuf,
    pub title: String,
    pub description: String,
    /// The default language's code (at the site root).
    pub language: String,
    /// Every language, the default first (`languages:`; see `lang`).
    pub languages: crate::lang::Languages,
    pub base_url: BaseUrl,
    pub theme: String,
    pub edit_url: Option<String>,
    pub forum: Vec<ForumSource>,
    /// `pull:` settings by forum source name (sources without one are not
    /// pulled).
    pub forum_pull: BTreeMap<String, PullSettings>,
    pub contributors: ContributorsSettings,
    pub search: SearchSettings,
    pub markdown: MarkdownSettings,
    pub insights: InsightSettings,
    pub product: ProductSettings,
    /// How each kind of link problem is reported, and the site's own
    /// addresses that links may be written with.
    pub links: crate::links::policy::LinkPolicy,
    pub answers_section: String,
    pub feed_limit: usize,
    /// "Ask the community", "Was this page helpful?" and `analytics:`.
    pub support: crate::support::Support,
    pub drafts: bool,
    /// Skip broken forum exports with a warning instead of failing.
    pub keep_going: bool,
    /// `variables:` by dotted name (`product.name`), with the built-in
    /// `site.title`, `site.description`, `site.base_url` and
    /// `product.version` (see `writing::expand`).
    pub variables: BTreeMap<String, String>,
    pub llms: LlmsSettings,
    /// `versions:`, in the order written (empty: a one-version site).
    pub versions: Vec<crate::versions::spec::VersionSpec>,
    /// The day `SOURCE_DATE_EPOCH` names, when it is set and valid (read by
    /// [`Config::load`]): the as-of date of insights and "may be outdated"
    /// notes (see `Site::as_of`), so output never depends on the wall clock.
    pub source_date: Option<chrono::NaiveDate>,
    /// The overrides this config was resolved with ([`Config::reload`]).
    overrides: Overrides,
}

/// Why [`Config::load`] failed. The variant decides the exit code of the
/// command line: a missing or unreadable file is a usage or I/O error, a
/// file with problems is an error in the site.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConfigError {
    /// No `lorebook.yaml` in the given root (a wrong `--root`, or no site yet).
    #[error("{0}")]
    Missing(Diagnostic),
    /// `lorebook.yaml` exists but cannot be read.
    #[error("{0}")]
    Unreadable(Diagnostic),
    /// The file was read and has problems, all of them listed.
    #[error("{} problem(s) in `lorebook.yaml`", .0.len())]
    Invalid(Vec<Diagnostic>),
}

impl ConfigError {
    /// The diagnostics to show.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ConfigError::Missing(d) | ConfigError::Unreadable(d) => std::slice::from_ref(d),
            ConfigError::Invalid(d) => d,
        }
    }
}

impl From<ConfigError> for Vec<Diagnostic> {
    fn from(e: ConfigError) -> Vec<Diagnostic> {
        match e {
            ConfigError::Missing(d) | ConfigError::Unreadable(d) => vec![d],
            ConfigError::Invalid(d) => d,
        }
    }
}

/// The day a `SOURCE_DATE_EPOCH` value (seconds since 1970, UTC) names;
/// `None` when it is unset or not a number.
pub fn source_date(epoch: Option<&str>) -> Option<chrono::NaiveDate> {
    let secs = epoch?.trim().parse::<i64>().ok()?;
    chrono::DateTime::from_timestamp(secs, 0).map(|t| t.date_naive())
}

/// Options from the command line that override or complete the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Skip broken forum exports with a warning instead of failing.
    pub keep_going: bool,
    /// Show progress of long reads on stderr (see `crate::progress::wanted`).
    pub progress: bool,
}

impl Config {
    /// The content folder as diagnostics name it: relative to the site root
    /// (`content`, a version's `archive/2.x`).
    pub fn content_shown(&self) -> &Path {
        self.content_dir
            .strip_prefix(&self.root)
            .unwrap_or(&self.content_dir)
    }

    /// Read and resolve `<root>/lorebook.yaml`, and read `SOURCE_DATE_EPOCH`
    /// into [`Config::source_date`]. All problems are returned at once.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let config_path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let text = match std::fs::read_to_string(&config_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing(
                    Diagnostic::error(&shown, "no `lorebook.yaml` in the site root").with_hint(
                        format!(
                            "run `lorebook init {}` to create a site, or pass --root",
                            crate::diagnostics::display_path(root)
                        ),
                    ),
                ))
            }
            Err(e) => {
                return Err(ConfigError::Unreadable(Diagnostic::error(
                    &shown,
                    format!("cannot read: {e}"),
                )))
            }
        };
        let mut config = Config::from_str(&text, root, overrides).map_err(ConfigError::Invalid)?;
        config.source_date = source_date(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref());
        Ok(config)
    }

    /// [`Config::load`] again from the same root with the same overrides
    /// (`lorebook serve` after `lorebook.yaml` changed).
    pub fn reload(&self) -> Result<Config, ConfigError> {
        Config::load(&self.root, &self.overrides)
    }

    /// Resolve configuration text as if it were `<root>/lorebook.yaml`.
    pub fn from_str(
        text: &str,
        root: &Path,
        overrides: &Overrides,
    ) -> Result<Config, Vec<Diagnostic>> {
        let shown = PathBuf::from(CONFIG_FILE);
        let raw: RawConfig = yaml::parse(text, &shown, 1, CONFIG_KEYS).map_err(|d| vec![d])?;
        resolve(raw, text, root, overrides)
    }
}

fn resolve(
    raw: RawConfig,
    text: &str,
    root: &Path,
    ov: &Overrides,
) -> Result<Config, Vec<Diagnostic>> {
    let shown = PathBuf::from(CONFIG_FILE);
    let mut diags = Vec::new();
    let key_line = |key: &str| -> usize {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or(0, |i| i + 1)
    };

    let languages = resolve_languages(&raw, &shown, &key_line, &mut diags);
    let versions = resolve_versions(&raw.versions, text, root, &shown, &mut diags);

    // Links may be written with the site's address from lorebook.yaml or
    // the one given on the command line (a preview deploy).
    let link_bases: Vec<BaseUrl> = [raw.base_url.as_deref(), ov.base_url.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|u| BaseUrl::parse(u).ok())
        .collect();
    let base_src = ov
        .base_url
        .clone()
        .or(raw.base_url)
        .unwrap_or_else(|| "http://localhost/".into());
    let base_url = match BaseUrl::parse(&base_src) {
        Ok(b) => b,
        Err(msg) => {
            let d = Diagnostic::error(&shown, format!("base_url: {msg}"));
            diags.push(if ov.base_url.is_some() {
                d
            } else {
                d.at(key_line("base_url"), 1)
            });
            BaseUrl::parse("http://localhost/").expect("constant URL parses")
        }
    };

    if raw.title.trim().is_empty() {
        diags.push(Diagnostic::error(&shown, "`title` must not be empty").at(key_line("title"), 1));
    }

    let mut forum = Vec::new();
    let mut forum_pull = BTreeMap::new();
    let answers_section = raw.answers_section.unwrap_or_else(|| "community".into());
    let mut names = std::collections::BTreeSet::new();
    for src in raw.forum {
        let name = src.name.unwrap_or_else(|| src.kind.as_str().to_string());
        if !names.insert(name.clone()) {
            diags.push(
                Diagnostic::error(&shown, format!("two forum sources are named `{name}`"))
                    .at(key_line("forum"), 1)
                    .with_hint("give each source a distinct `name:`"),
            );
        }
        if let Some(p) = src.pull {
            if src.kind == ForumKind::Lorebook {
                diags.push(
                    Diagnostic::error(
                        &shown,
                        format!("forum source `{name}`: a `type: lorebook` source has no API to pull from"),
                    )
                    .at(key_line("pull"), 1)
                    .with_hint("remove `pull:`, or set `type:` to discourse, stackexchange or github-discussions"),
                );
            }
            let positive = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v > 0.0);
            if !positive(p.requests_per_second)
                || !positive(p.timeout_seconds)
                || p.concurrency == Some(0)
            {
                diags.push(
                    Diagnostic::error(
                        &shown,
                        format!("forum source `{name}`: `requests_per_second`, `timeout_seconds` and `concurrency` must be above 0"),
                    )
                    .at(key_line("pull"), 1),
                );
            }
            forum_pull.insert(
                name.clone(),
                PullSettings {
                    api_url: p.api_url.map(|u| u.trim_end_matches('/').to_string()),
                    site: p.site,
                    repository: p.repository,
                    categories: p.categories,
                    tags: p.tags,
                    api_key_env: p.api_key_env,
                    api_username_env: p.api_username_env,
                    token_env: p.token_env,
                    unanswered: p.unanswered.unwrap_or(true),
                    requests_per_second: p.requests_per_second,
                    concurrency: p.concurrency,
                    timeout_seconds: p.timeout_seconds,
                    retries: p.retries,
                },
            );
        }
        // A source in another language than the default places its answers
        // in that language's tree (`de/community/…`).
        let prefix = match src.language.as_deref() {
            None => String::new(),
            Some(code) => match languages.get(code) {
                Some(l) => languages.prefix(l),
                None => {
                    diags.push(
                        Diagnostic::error(
                            &shown,
                            format!(
                                "forum source `{name}`: language `{code}` is not declared (declared: {})",
                                languages.listed()
                            ),
                        )
                        .at(
                            text.lines()
                                .position(|l| {
                                    l.trim_start().trim_start_matches("- ").trim_end()
                                        == format!("language: {code}")
                                })
                                .map_or_else(|| key_line("forum"), |i| i + 1),
                            1,
                        )
                        .with_hint("add it under `languages:`, or correct the code"),
                    );
                    String::new()
                }
            },
        };
        let mut sections = src.sections;
        if !prefix.is_empty() {
            for s in sections.values_mut() {
                *s = format!("{prefix}{}", s.trim_matches('/'));
            }
        }
        forum.push(ForumSource {
            kind: src.kind,
            name,
            path: root.join(&src.path),
            url: src.url.map(|u| u.trim_end_matches('/').to_string()),
            licence: src.licence,
            min_score: src.min_score,
            sections,
            default_section: format!(
                "{prefix}{}",
                src.default_section
                    .unwrap_or_else(|| answers_section.clone())
            ),
            progress: ov.progress,
        });
    }

    let mut builder = globset::GlobSetBuilder::new();
    for pat in &raw.contributors.exclude {
        match globset::Glob::new(pat) {
            Ok(g) => {
                builder.add(g);
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    &shown,
                    format!("contributors.exclude: bad pattern `{pat}`: {e}"),
                )
                .at(key_line("exclude"), 1),
            ),
        }
    }
    let exclude = builder
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());

    let links_line = key_line("links");
    let pattern_line = |pattern: &str| -> usize {
        text.lines()
            .enumerate()
            .skip(links_line)
            .find(|(_, l)| {
                let l = l.trim_start().trim_start_matches(['\'', '"']);
                l.strip_prefix(pattern)
                    .is_some_and(|rest| rest.trim_start_matches(['\'', '"']).starts_with(':'))
            })
            .map_or(links_line, |(i, _)| i + 1)
    };
    let links = match crate::links::policy::resolve(raw.links, &shown, &pattern_line) {
        Ok(mut p) => {
            p.bases = link_bases;
            p
        }
        Err(d) => {
            diags.extend(d);
            Default::default()
        }
    };

    let support = match crate::support::resolve(
        raw.support,
        raw.feedback,
        raw.analytics,
        &forum,
        &shown,
        &key_line,
    ) {
        Ok(s) => s,
        Err(d) => {
            diags.extend(d);
            Default::default()
        }
    };

    let search_codes = raw
        .search
        .languages
        .unwrap_or_else(|| vec![default_search_code(&languages.default_language().code)]);
    let langs = search_languages(
        &search_codes,
        "search.languages",
        &|code| value_line(text, &["search", "languages"], code),
        &shown,
        &mut diags,
    );
    let translated = translated_search_languages(
        raw.languages.as_ref(),
        &languages,
        langs,
        text,
        &shown,
        &mut diags,
    );

    if !diags.is_empty() {
        return Err(diags);
    }

    let output_dir = match &ov.output {
        Some(p) if p.is_absolute() => p.clone(),
        Some(p) => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.clone()),
        None => root.join("public"),
    };

    let version = raw
        .product
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let variables = flatten_variables(
        raw.variables,
        &raw.title,
        raw.description.as_deref(),
        &base_url,
        version,
    );

    Ok(Config {
        root: root.to_path_buf(),
        config_path: root.join(CONFIG_FILE),
        content_dir: root.join("content"),
        static_dir: root.join("static"),
        templates_dir: root.join("templates"),
        themes_dir: root.join("themes"),
        output_dir,
        title: raw.title,
        description: raw.description.unwrap_or_default(),
        language: languages.default_language().code.clone(),
        languages,
        base_url,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
        edit_url: raw.edit_url,
        forum,
        forum_pull,
        contributors: ContributorsSettings {
            exclude,
            exclude_patterns: raw.contributors.exclude,
            file: root.join(
                raw.contributors
                    .file
                    .as_deref()
                    .unwrap_or("contributors.yaml"),
            ),
            gravatar: raw.contributors.gravatar,
        },
        search: SearchSettings {
            enabled: raw.search.enabled.unwrap_or(true),
            languages: search_codes,
            langs,
            translated,
        },
        markdown: MarkdownSettings {
            unsafe_html: raw.markdown.unsafe_html.unwrap_or(true),
            highlight: raw.markdown.highlight.unwrap_or(true),
            math: raw.markdown.math.unwrap_or(true),
            image_budget: raw.markdown.image_budget_kb.unwrap_or(500) * 1024,
        },
        insights: InsightSettings {
            stale_months: raw.insights.stale_months.unwrap_or(12),
            answer_stale_months: raw.insights.answer_stale_months.unwrap_or(24),
            show_outdated_note: raw.insights.show_outdated_note.unwrap_or(true),
            candidate_min_score: raw.insights.candidate_min_score.unwrap_or(5),
            search_log: raw.insights.search_log.map(|p| {
                let path = root.join(&p);
                (p, path)
            }),
        },
        product: ProductSettings {
            version: raw
                .product
                .version
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
            version_tags: raw
                .product
                .version_tags
                .unwrap_or_else(|| vec!["*".into(), "v*".into()]),
        },
        links,
        answers_section,
        feed_limit: raw.feed_limit.unwrap_or(30),
        support,
        drafts: ov.drafts,
        keep_going: ov.keep_going,
        variables,
        llms: LlmsSettings {
            txt: raw.llms.txt.unwrap_or(true),
            full: raw.llms.full.unwrap_or(true),
            pages: raw.llms.pages.unwrap_or(true),
        },
        versions,
        source_date: None,
        overrides: ov.clone(),
    })
}

/// `versions:` resolved: names checked (they are URL segments), one entry
/// the working tree, each other a `ref:` or a `folder:`. Whether a folder or
/// a ref exists is found when the versions are prepared (`versions::prepare`),
/// at the same lines.
fn resolve_versions(
    raw: &[RawVersion],
    text: &str,
    root: &Path,
    shown: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<crate::versions::spec::VersionSpec> {
    use crate::versions::spec::{line_of, valid_name, VersionSource, VersionSpec};
    let mut out = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let mut working = Vec::new();
    let start = line_of(text, "versions", "", 0);
    for v in raw {
        let line = line_of(text, "name", &v.name, start);
        let name = v.name.trim();
        if !valid_name(name) {
            diags.push(
                Diagnostic::error(shown, format!("versions: `{name}` is not a valid version name"))
                    .at(line, 1)
                    .with_hint("use letters, digits, `.`, `-` and `_` (it is the version's folder in the URL), not starting with `.`"),
            );
            continue;
        }
        if !names.insert(name.to_string()) {
            let again = line_of(text, "name", name, line + 1);
            diags.push(
                Diagnostic::error(shown, format!("versions: two versions are named `{name}`"))
                    .at(again, 1)
                    .with_hint("give each version a distinct `name:`"),
            );
            continue;
        }
        let source = match (&v.git_ref, &v.folder) {
            (Some(_), Some(_)) => {
                diags.push(
                    Diagnostic::error(
                        shown,
                        format!("versions: `{name}` has both `ref:` and `folder:`"),
                    )
                    .at(line, 1)
                    .with_hint("a version is read from one git ref or one folder: keep one"),
                );
                continue;
            }
            (Some(r), None) => VersionSource::GitRef(r.trim().to_string()),
            (None, Some(f)) => {
                let rel = f.trim().trim_end_matches('/').to_string();
                VersionSource::Folder {
                    path: root.join(&rel),
                    shown: rel,
                }
            }
            (None, None) => {
                working.push(line);
                VersionSource::WorkingTree
            }
        };
        out.push(VersionSpec {
            name: name.to_string(),
            source,
            line,
            alias: v.alias.as_ref().map(|a| {
                let a = a.trim().to_string();
                let at = line_of(text, "alias", &a, line);
                (a, at)
            }),
        });
    }
    // An alias is a folder of the output like a name: one per version.
    for (i, v) in out.iter().enumerate() {
        let Some((alias, at)) = &v.alias else {
            continue;
        };
        if !valid_name(alias) {
            diags.push(
                Diagnostic::error(
                    shown,
                    format!("versions: `{}`: `{alias}` is not a valid alias", v.name),
                )
                .at(*at, 1)
                .with_hint("use letters, digits, `.`, `-` and `_` (it is the version's folder in the URL), not starting with `.`"),
            );
            continue;
        }
        let taken = out.iter().enumerate().find(|(j, w)| {
            *j != i && (w.name == *alias || w.alias.as_ref().is_some_and(|(b, _)| b == alias))
        });
        if let Some((j, w)) = taken {
            // Two aliases alike are reported once, at the second.
            if w.name == *alias || j < i {
                let what = if w.name == *alias {
                    format!("the name of version `{}`", w.name)
                } else {
                    format!("the alias of version `{}`", w.name)
                };
                diags.push(
                    Diagnostic::error(
                        shown,
                        format!("versions: `{}`: the alias `{alias}` is {what}", v.name),
                    )
                    .at(*at, 1)
                    .with_hint(
                        "each version is published in a folder of its own: give it another alias",
                    ),
                );
            }
        }
    }
    if !raw.is_empty() && working.len() != 1 {
        let line = working.get(1).copied().unwrap_or(start);
        diags.push(
            Diagnostic::error(
                shown,
                format!(
                    "versions: {} of them are the working tree; exactly one must be (the latest, built at the site root)",
                    working.len()
                ),
            )
            .at(line, 1)
            .with_hint("give every version but the latest a `ref:` (a git branch or tag) or a `folder:`"),
        );
    }
    out
}

/// `language:` and `languages:` resolved: the default language first (its
/// title and description are the site's unless `languages:` gives its own),
/// codes checked (they are URL segments).
fn resolve_languages(
    raw: &RawConfig,
    shown: &Path,
    key_line: &dyn Fn(&str) -> usize,
    diags: &mut Vec<Diagnostic>,
) -> crate::lang::Languages {
    use crate::lang::{is_rtl, native_name, valid_code, Language, Languages};
    let default_code = raw.language.clone().unwrap_or_else(|| "en".into());
    let description = raw.description.clone().unwrap_or_default();
    let Some(declared) = &raw.languages else {
        return Languages::single(&default_code, &raw.title, &description);
    };
    let check = |code: &str, key: &str, diags: &mut Vec<Diagnostic>| {
        if !valid_code(code) {
            diags.push(
                Diagnostic::error(shown, format!("`{code}` is not a language code"))
                    .at(key_line(key), 1)
                    .with_hint("use a lowercase code such as `de`, `fr` or `pt-br`"),
            );
        }
    };
    check(&default_code, "language", diags);
    let make = |code: &str, raw_lang: Option<&RawLanguage>, diags: &mut Vec<Diagnostic>| {
        let rtl = match raw_lang.and_then(|l| l.dir.as_deref()) {
            Some("rtl") => true,
            Some("ltr") => false,
            Some(other) => {
                diags.push(
                    Diagnostic::error(
                        shown,
                        format!("languages.{code}.dir: `{other}` is neither `ltr` nor `rtl`"),
                    )
                    .at(key_line("dir"), 1),
                );
                is_rtl(code)
            }
            None => is_rtl(code),
        };
        Language {
            code: code.to_string(),
            name: raw_lang
                .and_then(|l| l.name.clone())
                .unwrap_or_else(|| native_name(code).unwrap_or(code).to_string()),
            title: raw_lang
                .and_then(|l| l.title.clone())
                .unwrap_or_else(|| raw.title.clone()),
            description: raw_lang
                .and_then(|l| l.description.clone())
                .unwrap_or_else(|| description.clone()),
            rtl,
        }
    };
    let default = make(
        &default_code,
        declared.get(&default_code).and_then(Option::as_ref),
        diags,
    );
    let mut others = Vec::new();
    for (code, settings) in declared {
        if *code == default_code {
            continue;
        }
        check(code, "languages", diags);
        others.push(make(code, settings.as_ref(), diags));
    }
    Languages::new(default, others)
}

/// The default of `search.languages`: the site's language when it has a
/// stemmer (a German site is searched in German), else English (a site in
/// Japanese still stems the English words of its pages).
fn default_search_code(language: &str) -> String {
    stemmed_language(language)
        .map_or("en", |l| l.code())
        .to_string()
}

/// The search language of the site language `code` when it has a stemmer.
fn stemmed_language(code: &str) -> Option<crate::search::lang::Lang> {
    crate::search::lang::Lang::from_code(code).filter(|l| l.stemmer().is_some())
}

/// The search languages of every language but the default:
/// `languages.<code>.search` when given, else the language itself when it
/// has a stemmer, else the default language's (`langs`).
fn translated_search_languages(
    declared: Option<&BTreeMap<String, Option<RawLanguage>>>,
    languages: &crate::lang::Languages,
    langs: crate::search::lang::Langs,
    text: &str,
    shown: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, crate::search::lang::Langs)> {
    use crate::search::lang::Langs;
    // The default language's list is `search.languages`: a `search:` under
    // its `languages:` entry would be ignored, so it is an error.
    let default = &languages.default_language().code;
    if declared
        .and_then(|d| d.get(default))
        .and_then(Option::as_ref)
        .is_some_and(|l| l.search.is_some())
    {
        diags.push(
            Diagnostic::error(
                shown,
                format!("languages.{default}.search: `{default}` is the default language"),
            )
            .at(value_line(text, &["languages", default, "search"], ""), 1)
            .with_hint("the default language's pages are searched in `search.languages`: move the list there"),
        );
    }
    languages
        .others()
        .iter()
        .map(|lang| {
            let given = declared
                .and_then(|d| d.get(&lang.code))
                .and_then(Option::as_ref)
                .and_then(|l| l.search.as_ref());
            let set = match given {
                Some(codes) => search_languages(
                    codes,
                    &format!("languages.{}.search", lang.code),
                    &|code| value_line(text, &["languages", &lang.code, "search"], code),
                    shown,
                    diags,
                ),
                None => stemmed_language(&lang.code).map_or(langs, Langs::one),
            };
            (lang.code.clone(), set)
        })
        .collect()
}

/// A list of search language codes resolved; an unknown code is an error
/// at its line (`line` finds it), with the valid codes.
fn search_languages(
    codes: &[String],
    key: &str,
    line: &dyn Fn(&str) -> usize,
    shown: &Path,
    diags: &mut Vec<Diagnostic>,
) -> crate::search::lang::Langs {
    use crate::search::lang::{Lang, Langs};
    let mut langs = Vec::new();
    for code in codes {
        match Lang::from_code(code) {
            Some(l) => langs.push(l),
            None => diags.push(
                Diagnostic::error(shown, format!("{key}: unknown language `{code}`"))
                    .at(line(code), 1)
                    .with_hint(format!("valid codes: {}", Lang::valid_codes())),
            ),
        }
    }
    if codes.is_empty() {
        diags.push(
            Diagnostic::error(shown, format!("{key}: no language given"))
                .at(line(""), 1)
                .with_hint("leave the key out for the default, or name at least one language"),
        );
    }
    Langs::of(&langs)
}

/// The 1-based line of `value` in the list under the nested key `path`
/// (`["search", "languages"]`: `languages:` inside the top-level `search:`),
/// written `[a, b]` on the key's line or as `- a` lines below it; the key's
/// line when the value is not found, the deepest key found otherwise (0
/// when not even the first is).
fn value_line(text: &str, path: &[&str], value: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_key = |l: &str, key: &str| {
        let t = l.trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        t.strip_prefix(key).is_some_and(|r| {
            let r = r.strip_prefix('"').unwrap_or(r);
            r.trim_start().starts_with(':')
        })
    };
    // Walk down the path: each key inside the block of the one before.
    let mut start = None;
    let mut parent_indent: Option<usize> = None;
    for key in path {
        let from = start.map_or(0, |s| s + 1);
        let found = lines.iter().enumerate().skip(from).find_map(|(i, l)| {
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                return None;
            }
            match parent_indent {
                Some(p) if indent(l) <= p => Some(None),
                None if indent(l) > 0 => None,
                _ => is_key(l, key).then_some(Some(i)),
            }
        });
        match found.flatten() {
            Some(i) => {
                parent_indent = Some(indent(lines[i]));
                start = Some(i);
            }
            None => return start.map_or(0, |s| s + 1),
        }
    }
    let Some(start) = start else { return 0 };
    let key_indent = indent(lines[start]);
    let has = |l: &str| {
        l.split(|c: char| {
            c.is_whitespace() || matches!(c, '[' | ']' | ',' | '\'' | '"' | ':' | '#')
        })
        .any(|w| !value.is_empty() && w == value)
    };
    for (i, l) in lines.iter().enumerate().skip(start) {
        if i > start
            && !l.trim().is_empty()
            && indent(l) <= key_indent
            && !l.trim_start().starts_with('-')
        {
            break;
        }
        let body = if i == start {
            l.split_once(':').map_or("", |(_, r)| r)
        } else {
            l
        };
        if has(body.trim_start().trim_start_matches('-')) {
            return i + 1;
        }
    }
    start + 1
}

/// Flatten `variables:` into dotted names, after the built-in ones (which
/// a site's own `variables:` may override).
fn flatten_variables(
    raw: BTreeMap<String, RawVariable>,
    title: &str,
    description: Option<&str>,
    base_url: &BaseUrl,
    version: Option<&str>,
) -> BTreeMap<String, String> {
    fn walk(prefix: &str, map: BTreeMap<String, RawVariable>, out: &mut BTreeMap<String, String>) {
        for (key, value) in map {
            let name = if prefix.is_empty() {
                key
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                RawVariable::Text(t) => {
                    out.insert(name, t);
                }
                RawVariable::Bool(b) => {
                    out.insert(name, b.to_string());
                }
                RawVariable::Int(i) => {
                    out.insert(name, i.to_string());
                }
                RawVariable::Float(f) => {
                    out.insert(name, f.to_string());
                }
                RawVariable::Map(m) => walk(&name, m, out),
            }
        }
    }
    let mut out = BTreeMap::new();
    out.insert("site.title".to_string(), title.to_string());
    out.insert(
        "site.description".to_string(),
        description.unwrap_or_default().to_string(),
    );
    out.insert("site.base_url".to_string(), base_url.absolute(""));
    if let Some(v) = version {
        out.insert("product.version".to_string(), v.to_string());
    }
    walk("", raw, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::from_str(text, Path::new("/site"), &Overrides::default())
    }

    #[test]
    fn versions_resolve_in_their_order_with_their_lines() {
        use crate::versions::spec::VersionSource;
        let c = load("title: Help\nversions:\n  - name: \"3.x\"\n  - name: 2.x\n    ref: release-2\n  - name: 1.x\n    folder: old/1.x/\n").unwrap();
        let got: Vec<(&str, &VersionSource, usize)> = c
            .versions
            .iter()
            .map(|v| (v.name.as_str(), &v.source, v.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("3.x", &VersionSource::WorkingTree, 3),
                ("2.x", &VersionSource::GitRef("release-2".into()), 4),
                (
                    "1.x",
                    &VersionSource::Folder {
                        shown: "old/1.x".into(),
                        path: PathBuf::from("/site/old/1.x"),
                    },
                    6
                ),
            ]
        );
        assert!(load("title: Help\n").unwrap().versions.is_empty());
    }

    #[test]
    fn version_errors_are_at_their_line() {
        let errors = |text: &str| -> Vec<(usize, String)> {
            load(text)
                .unwrap_err()
                .into_iter()
                .map(|d| (d.line, d.message))
                .collect()
        };
        // An unknown key, with the keys it may have meant.
        let e = load("title: Help\nversions:\n  - name: a\n  - name: b\n    branch: main\n")
            .unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].line, 5, "{e:?}");
        assert!(e[0].message.contains("branch"), "{e:?}");
        // Both sources at once; two working trees.
        assert_eq!(
            errors(
                "title: Help\nversions:\n  - name: a\n  - name: b\n    ref: v1\n    folder: old\n"
            ),
            vec![(4, "versions: `b` has both `ref:` and `folder:`".to_string())]
        );
        assert_eq!(
            errors("title: Help\nversions:\n  - name: a\n  - name: b\n"),
            vec![(4, "versions: 2 of them are the working tree; exactly one must be (the latest, built at the site root)".to_string())]
        );
        assert_eq!(
            errors("title: Help\nversions:\n  - name: a\n    ref: v1\n"),
            vec![(2, "versions: 0 of them are the working tree; exactly one must be (the latest, built at the site root)".to_string())]
        );
        // Names are URL segments, and distinct.
        assert_eq!(
            errors("title: Help\nversions:\n  - name: a\n  - name: ../up\n    ref: v1\n"),
            vec![(
                4,
                "versions: `../up` is not a valid version name".to_string()
            )]
        );
        assert_eq!(
            errors("title: Help\nversions:\n  - name: a\n  - name: b\n    ref: v1\n  - name: b\n    ref: v2\n"),
            vec![(6, "versions: two versions are named `b`".to_string())]
        );
    }

    #[test]
    fn source_date_epoch_names_a_day_or_nothing() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        // 2024-01-01T00:00:00Z, and one second before.
        assert_eq!(source_date(Some("1704067200")), day(2024, 1, 1));
        assert_eq!(source_date(Some(" 1704067199\n")), day(2023, 12, 31));
        assert_eq!(source_date(Some("not a number")), None);
        assert_eq!(source_date(Some("")), None);
        assert_eq!(source_date(None), None);
        assert_eq!(source_date(Some(&i64::MAX.to_string())), None);
    }

    #[test]
    fn load_errors_say_what_kind_of_failure_they_are() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = Config::load(dir.path(), &Overrides::default()).expect_err("no file");
        assert!(matches!(err, ConfigError::Missing(_)), "{err:?}");
        assert!(err.diagnostics()[0].message.contains("no `lorebook.yaml`"));
        std::fs::create_dir(dir.path().join(CONFIG_FILE)).expect("a folder in its place");
        let err = Config::load(dir.path(), &Overrides::default()).expect_err("unreadable");
        assert!(matches!(err, ConfigError::Unreadable(_)), "{err:?}");
        std::fs::remove_dir(dir.path().join(CONFIG_FILE)).expect("rmdir");
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "title: T\nbogus: 1\nalso: 2\n",
        )
        .expect("config");
        let err = Config::load(dir.path(), &Overrides::default()).expect_err("invalid");
        let ConfigError::Invalid(diags) = &err else {
            panic!("{err:?}");
        };
        assert!(!diags.is_empty());
        assert_eq!(Vec::<Diagnostic>::from(err.clone()), *diags);
    }

    #[test]
    fn reload_keeps_the_overrides() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(CONFIG_FILE), "title: One\n").expect("config");
        let ov = Overrides {
            drafts: true,
            keep_going: true,
            base_url: Some("https://preview.example/docs/".into()),
            ..Overrides::default()
        };
        let first = Config::load(dir.path(), &ov).expect("loads");
        std::fs::write(dir.path().join(CONFIG_FILE), "title: Two\n").expect("edit");
        let again = first.reload().expect("reloads");
        assert_eq!(again.title, "Two");
        assert!(again.drafts && again.keep_going);
        assert_eq!(again.base_url.path, first.base_url.path);
        assert_eq!(again.base_url.path, "/docs/");
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = load("title: Acme\n").unwrap();
        assert_eq!(c.title, "Acme");
        assert_eq!(c.base_url.path, "/");
        assert_eq!(c.output_dir, Path::new("/site/public"));
        assert!(c.search.enabled);
    }

    #[test]
    fn unknown_key_is_an_error_with_line_and_hint() {
        let errs = load("title: Acme\ntheme: default\ntitel: x\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert_eq!(
            e.to_string(),
            "lorebook.yaml:3:1: error: unknown key `titel`\n  hint: did you mean `title`?"
        );
    }

    #[test]
    fn search_languages_resolve_and_unknown_codes_are_errors_at_their_line() {
        use crate::search::lang::Lang;
        let c = load("title: A\n").unwrap();
        assert!(c.search.langs.is_default());
        let c = load("title: A\nsearch:\n  languages: [de-CH, EN, ja]\n").unwrap();
        assert_eq!(c.search.langs.codes(), vec!["de", "en", "ja"]);
        let errs = load("title: A\nsearch:\n  languages: [de, xx]\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = errs[0].to_string();
        assert!(
            e.starts_with("lorebook.yaml:3:1: error: search.languages: unknown language `xx`"),
            "{e}"
        );
        let hint = errs[0].hint.as_deref().unwrap_or("");
        assert!(
            hint.contains("de (German)") && hint.contains("ta (Tamil)"),
            "{hint}"
        );
        assert_eq!(hint.matches(" (").count(), Lang::all().count(), "{hint}");
        // A block list: each bad code at its own line.
        let errs = load("title: A\nsearch:\n  enabled: true\n  languages:\n    - fr\n    - klingon\n    - 'q'\nfeed_limit: 3\n")
            .unwrap_err();
        let at: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            at,
            vec![
                (6, "search.languages: unknown language `klingon`"),
                (7, "search.languages: unknown language `q`")
            ]
        );
        let errs = load("title: A\nsearch:\n  languages: []\n").unwrap_err();
        assert_eq!(errs[0].line, 3, "{}", errs[0]);
    }

    #[test]
    fn each_site_language_is_searched_in_its_own_language_unless_told() {
        let text = "title: A\nlanguages:\n  de: {}\n  ja: {}\n  fr:\n    search: [fr, en]\n  pt-br: {}\nsearch:\n  languages: [en, da]\n";
        let c = load(text).unwrap();
        let s = &c.search;
        assert_eq!(s.langs_for("en").codes(), vec!["en", "da"]);
        // A language with a stemmer: its own; Japanese has none: the site's.
        assert_eq!(s.langs_for("de").codes(), vec!["de"]);
        assert_eq!(s.langs_for("ja").codes(), vec!["en", "da"]);
        assert_eq!(s.langs_for("fr").codes(), vec!["fr", "en"]);
        // A regional code stems in its language.
        assert_eq!(s.langs_for("pt-br").codes(), vec!["pt"]);
        assert_eq!(s.all_langs().codes(), vec!["en", "da", "de", "fr", "pt"]);

        // Without `search.languages`, a German site is searched in German,
        // a Japanese one in English.
        let c = load("title: A\nlanguage: de\n").unwrap();
        assert_eq!(c.search.langs.codes(), vec!["de"]);
        let c = load("title: A\nlanguage: ja\n").unwrap();
        assert!(c.search.langs.is_default());
    }

    #[test]
    fn the_default_language_s_search_list_is_search_languages_only() {
        let text = "title: A\nlanguages:\n  en:\n    title: A\n    search: [en, de]\n  de: {}\n";
        let errs = load(text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            (errs[0].line, errs[0].message.as_str()),
            (5, "languages.en.search: `en` is the default language")
        );
        assert!(load(
            "title: A\nlanguages:\n  en:\n    title: A\n  de: {}\nsearch:\n  languages: [en, de]\n"
        )
        .is_ok());
    }

    #[test]
    fn a_language_s_unknown_search_code_is_an_error_at_its_own_line() {
        // `languages:` (the site's) comes before `search: languages:`, and
        // both lists hold a bad code: each is reported where it is written.
        let text = "title: A\nlanguages:\n  fr:\n    title: Aide\n    search:\n      - fr\n      - xx\nsearch:\n  languages: [en, yy]\n";
        let errs = load(text).unwrap_err();
        let at: Vec<(usize, String)> = errs.iter().map(|e| (e.line, e.message.clone())).collect();
        assert_eq!(
            at,
            vec![
                (9, "search.languages: unknown language `yy`".to_string()),
                (7, "languages.fr.search: unknown language `xx`".to_string()),
            ]
        );
    }

    #[test]
    fn nested_unknown_key_is_reported() {
        let errs = load("title: A\nforum:\n  - type: discourse\n    path: f\n    licnce: x\n")
            .unwrap_err();
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.contains("licnce"));
        // The hint comes from the keys valid there, not the top level's.
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `licence`?"));
        let errs = load("title: A\nlinks:\n  paths:\n    a/**: { own_hots: warn }\n").unwrap_err();
        assert_eq!(errs[0].line, 4);
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `own_host`?"));
    }

    #[test]
    fn override_base_url_wins() {
        let ov = Overrides {
            base_url: Some("https://preview.example/pr-7/".into()),
            ..Default::default()
        };
        let c = Config::from_str(
            "title: A\nbase_url: https://x.example/\n",
            Path::new("/s"),
            &ov,
        )
        .unwrap();
        assert_eq!(c.base_url.path, "/pr-7/");
    }

    #[test]
    fn pull_settings_resolve_by_source_name() {
        let c = load("title: A\nforum:\n  - type: discourse\n    path: forum/d\n    url: https://d.example\n    pull:\n      api_url: http://127.0.0.1:9/\n      categories: [support/5]\n      api_key_env: D_KEY\n  - type: stackexchange\n    path: dump\n").unwrap();
        assert_eq!(c.forum_pull.len(), 1);
        let p = &c.forum_pull["discourse"];
        assert_eq!(p.api_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(p.categories, ["support/5"]);
        assert_eq!(p.api_key_env.as_deref(), Some("D_KEY"));
        assert!(p.unanswered);
    }

    #[test]
    fn pull_on_a_lorebook_source_and_typos_in_pull_are_errors() {
        let errs =
            load("title: A\nforum:\n  - type: lorebook\n    path: f\n    pull: {}\n").unwrap_err();
        assert!(errs[0].message.contains("no API"), "{}", errs[0]);
        assert_eq!(errs[0].line, 5);
        let errs = load(
            "title: A\nforum:\n  - type: discourse\n    path: f\n    pull:\n      api_kye_env: K\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].line, 6);
        assert!(errs[0].message.contains("api_kye_env"), "{}", errs[0]);
        let errs = load(
            "title: A\nforum:\n  - type: discourse\n    path: f\n    pull: {concurrency: 0}\n",
        )
        .unwrap_err();
        assert!(errs[0].message.contains("above 0"), "{}", errs[0]);
    }

    #[test]
    fn languages_resolve_with_the_default_first() {
        let c = load("title: Help\ndescription: D\nlanguage: en\nlanguages:\n  fr: {}\n  de:\n    title: Hilfe\n    name: German\n  ar: {}\n  he:\n    dir: ltr\n").unwrap();
        let codes: Vec<&str> = c.languages.all().iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["en", "ar", "de", "fr", "he"]);
        assert_eq!(c.language, "en");
        let de = c.languages.get("de").unwrap();
        assert_eq!((de.title.as_str(), de.name.as_str()), ("Hilfe", "German"));
        let fr = c.languages.get("fr").unwrap();
        // Unset: the site's title and description, the language's own name.
        assert_eq!(
            (fr.title.as_str(), fr.description.as_str(), fr.name.as_str()),
            ("Help", "D", "Français")
        );
        assert!(c.languages.get("ar").unwrap().rtl);
        assert!(
            !c.languages.get("he").unwrap().rtl,
            "dir: overrides the code"
        );
        // Without `languages:`, one language, as before.
        let one = load("title: Help\nlanguage: de\n").unwrap();
        assert!(!one.languages.is_multilingual());
        assert_eq!(one.languages.default_language().code, "de");
    }

    #[test]
    fn bad_language_codes_and_directions_are_errors_at_their_line() {
        let errs = load("title: A\nlanguages:\n  de: {}\n  ../x: {}\n").unwrap_err();
        assert!(
            errs[0].message.contains("`../x` is not a language code"),
            "{}",
            errs[0]
        );
        assert_eq!(errs[0].line, 2);
        let errs = load("title: A\nlanguages:\n  de:\n    dir: up\n").unwrap_err();
        assert!(
            errs[0].message.contains("neither `ltr` nor `rtl`"),
            "{}",
            errs[0]
        );
        assert_eq!(errs[0].line, 4);
        let errs = load("title: A\nlanguages:\n  de:\n    titel: x\n").unwrap_err();
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn a_forum_source_in_a_language_places_its_answers_in_that_tree() {
        let c = load("title: A\nlanguages:\n  de: {}\nforum:\n  - type: discourse\n    path: f\n    language: de\n    sections: {install: guide/}\n  - type: stackexchange\n    path: g\n").unwrap();
        assert_eq!(c.forum[0].default_section, "de/community");
        assert_eq!(c.forum[0].sections["install"], "de/guide");
        assert_eq!(c.forum[1].default_section, "community");
        let errs = load("title: A\nlanguages:\n  de: {}\nforum:\n  - type: discourse\n    path: f\n    language: nl\n").unwrap_err();
        assert!(
            errs[0]
                .message
                .contains("language `nl` is not declared (declared: `en`, `de`)"),
            "{}",
            errs[0]
        );
        assert_eq!(errs[0].line, 7);
    }

    #[test]
    fn forum_sources_resolve() {
        let c = load("title: A\nforum:\n  - type: stackexchange\n    path: forum/se\n    url: https://q.example/\n    sections: {install: getting-started}\n").unwrap();
        let f = &c.forum[0];
        assert_eq!(f.kind, ForumKind::Stackexchange);
        assert_eq!(f.name, "stackexchange");
        assert_eq!(f.path, Path::new("/site/forum/se"));
        assert_eq!(f.url.as_deref(), Some("https://q.example"));
        assert_eq!(f.sections["install"], "getting-started");
        assert_eq!(f.default_section, "community");
    }
}
