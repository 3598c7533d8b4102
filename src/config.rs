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
    /// The languages pages are tokenized and stemmed in (the first is the
    /// main one; see `search::lang`).
    pub langs: crate::search::lang::Langs,
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
    pub language: String,
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
        forum.push(ForumSource {
            kind: src.kind,
            name,
            path: root.join(&src.path),
            url: src.url.map(|u| u.trim_end_matches('/').to_string()),
            licence: src.licence,
            min_score: src.min_score,
            sections: src.sections,
            default_section: src
                .default_section
                .unwrap_or_else(|| answers_section.clone()),
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

    let languages = raw.search.languages.unwrap_or_else(|| vec!["en".into()]);
    let langs = search_languages(&languages, text, &shown, &mut diags);

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
        language: raw.language.unwrap_or_else(|| "en".into()),
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
            languages,
            langs,
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
        source_date: None,
        overrides: ov.clone(),
    })
}

/// `search.languages` resolved; an unknown code is an error at its line,
/// with the valid codes.
fn search_languages(
    codes: &[String],
    text: &str,
    shown: &Path,
    diags: &mut Vec<Diagnostic>,
) -> crate::search::lang::Langs {
    use crate::search::lang::{Lang, Langs};
    let mut langs = Vec::new();
    for code in codes {
        match Lang::from_code(code) {
            Some(l) => langs.push(l),
            None => diags.push(
                Diagnostic::error(
                    shown,
                    format!("search.languages: unknown language `{code}`"),
                )
                .at(value_line(text, "languages", code), 1)
                .with_hint(format!("valid codes: {}", Lang::valid_codes())),
            ),
        }
    }
    if codes.is_empty() {
        diags.push(
            Diagnostic::error(shown, "search.languages: no language given")
                .at(value_line(text, "languages", ""), 1)
                .with_hint("leave `languages:` out for English, or name at least one language"),
        );
    }
    Langs::of(&langs)
}

/// The 1-based line of `value` in the list under `key:` (written `[a, b]`
/// on the key's line or as `- a` lines below it); the key's line when not
/// found (0 when the key is not either).
fn value_line(text: &str, key: &str, value: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    }) else {
        return 0;
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
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
