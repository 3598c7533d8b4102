//! The link policy: how bad each kind of link problem is (`error`, `warn`
//! or `ignore`), for the whole site and for pages matched by path globs,
//! and which destinations are not checked at all (`skip_prefixes`) or not
//! for their anchor (`skip_anchor_prefixes`).
//!
//! `links:` in lorebook.yaml is parsed into `RawLinks` (unknown keys and
//! values are errors at their line, like every other key) and resolved into
//! a [`LinkPolicy`] (globs compiled). The link checker asks
//! [`LinkPolicy::level`] for every problem it finds, so `build`, `serve` and
//! `check` obey the same policy.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Severity};

/// What is wrong with a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// A relative link to a `.md` page that does not exist.
    BrokenPage,
    /// A link to a page (or the same page) whose `#anchor` has no heading.
    BrokenAnchor,
    /// An image or another file (relative, or from the root with a file
    /// extension) that is in neither `content/` nor `static/`.
    MissingFile,
    /// A link written from the site root (`/a/b/`) that matches no page.
    SiteAbsolute,
    /// A full link to the site's own `base_url` that matches nothing in it.
    OwnHost,
    /// An `http://` link to another host.
    InsecureHttp,
}

impl LinkKind {
    pub const ALL: [LinkKind; 6] = [
        LinkKind::BrokenPage,
        LinkKind::BrokenAnchor,
        LinkKind::MissingFile,
        LinkKind::SiteAbsolute,
        LinkKind::OwnHost,
        LinkKind::InsecureHttp,
    ];

    /// The key in `links:` (and the `kind` of its diagnostics).
    pub fn key(self) -> &'static str {
        match self {
            LinkKind::BrokenPage => "broken_page",
            LinkKind::BrokenAnchor => "broken_anchor",
            LinkKind::MissingFile => "missing_file",
            LinkKind::SiteAbsolute => "site_absolute",
            LinkKind::OwnHost => "own_host",
            LinkKind::InsecureHttp => "insecure_http",
        }
    }

    pub fn from_key(key: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Level when lorebook.yaml says nothing.
    pub fn default_level(self) -> Level {
        match self {
            LinkKind::OwnHost | LinkKind::InsecureHttp => Level::Warn,
            _ => Level::Error,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How a kind of problem is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Ignore,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Ignore => None,
        }
    }
}

const LEVELS: &[&str] = &["error", "warn", "ignore"];

// ---------------------------------------------------------------------------
// Raw schema.

/// `links:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLinks {
    /// Every kind at once (Zola's `internal_level`); the per-kind keys win.
    level: Option<Level>,
    broken_page: Option<Level>,
    broken_anchor: Option<Level>,
    missing_file: Option<Level>,
    site_absolute: Option<Level>,
    own_host: Option<Level>,
    insecure_http: Option<Level>,
    #[serde(default)]
    skip_prefixes: Vec<String>,
    #[serde(default)]
    skip_anchor_prefixes: Vec<String>,
    /// Glob (content-relative page path) -> a level or per-kind levels, in
    /// order; a later rule overrides an earlier one.
    #[serde(default)]
    paths: RawPathRules,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKinds {
    broken_page: Option<Level>,
    broken_anchor: Option<Level>,
    missing_file: Option<Level>,
    site_absolute: Option<Level>,
    own_host: Option<Level>,
    insecure_http: Option<Level>,
}

impl RawKinds {
    fn levels(&self) -> [Option<Level>; 6] {
        [
            self.broken_page,
            self.broken_anchor,
            self.missing_file,
            self.site_absolute,
            self.own_host,
            self.insecure_http,
        ]
    }
}

/// One path rule's value: `warn`, or `{ site_absolute: ignore, ... }`.
#[derive(Debug)]
enum RawRule {
    All(Level),
    Kinds([Option<Level>; 6]),
}

impl<'de> Deserialize<'de> for RawRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawRule, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRule;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`error`, `warn`, `ignore` or a mapping of link kinds to levels")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRule, E> {
                Level::deserialize(de::value::StrDeserializer::<E>::new(v))
                    .map(RawRule::All)
                    .map_err(|_| E::unknown_variant(v, LEVELS))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRule, A::Error> {
                let kinds = RawKinds::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawRule::Kinds(kinds.levels()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `paths:` mapping, in the order written.
#[derive(Debug, Default)]
struct RawPathRules(Vec<(String, RawRule)>);

impl<'de> Deserialize<'de> for RawPathRules {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawPathRules, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPathRules;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of path globs to levels, e.g. `legacy/**: warn`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPathRules, A::Error> {
                let mut rules = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, RawRule>()? {
                    rules.push((k, v));
                }
                Ok(RawPathRules(rules))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawPathRules, E> {
                Ok(RawPathRules::default())
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------
// Resolved policy.

/// One `paths:` rule, compiled.
#[derive(Debug, Clone)]
struct PathRule {
    pattern: String,
    /// Line of the pattern in lorebook.yaml (0: unknown).
    line: usize,
    glob: globset::GlobMatcher,
    levels: [Option<Level>; 6],
}

/// The resolved link policy.
#[derive(Debug, Clone)]
pub struct LinkPolicy {
    levels: [Level; 6],
    rules: Vec<PathRule>,
    /// Destinations starting with one of these are not checked. A prefix
    /// starting with `/` is compared with the link's path in the site
    /// (`/a/b.md`, `/a/b/`), any other with the destination as written.
    pub skip_prefixes: Vec<String>,
    /// Links to these (same matching) have their `#anchor` not checked.
    pub skip_anchor_prefixes: Vec<String>,
    /// The site's own addresses (`base_url` of lorebook.yaml, and
    /// `--base-url` when given): links written with them in full point
    /// into the site.
    pub bases: Vec<crate::urls::BaseUrl>,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        LinkPolicy {
            levels: LinkKind::ALL.map(LinkKind::default_level),
            rules: Vec::new(),
            skip_prefixes: Vec::new(),
            skip_anchor_prefixes: Vec::new(),
            bases: Vec::new(),
        }
    }
}

impl LinkPolicy {
    /// The level of a `kind` problem on the page at `source` (relative to
    /// `content/`).
    pub fn level(&self, kind: LinkKind, source: &str) -> Level {
        let mut level = self.levels[kind.index()];
        for rule in &self.rules {
            if let Some(l) = rule.levels[kind.index()] {
                if rule.glob.is_match(source) {
                    level = l;
                }
            }
        }
        level
    }

    /// True when the link (destination as written, path in the site) is not
    /// to be checked.
    pub fn skips(&self, dest: &str, site_path: Option<&str>) -> bool {
        matches_prefix(&self.skip_prefixes, dest, site_path)
    }

    /// True when the link's anchor is not to be checked.
    pub fn skips_anchor(&self, dest: &str, site_path: Option<&str>) -> bool {
        matches_prefix(&self.skip_anchor_prefixes, dest, site_path)
    }

    /// Path rules that match none of `sources`: (pattern, its line).
    pub fn unused_rules<'s>(
        &self,
        sources: impl Iterator<Item = &'s str> + Clone,
    ) -> Vec<(&str, usize)> {
        self.rules
            .iter()
            .filter(|r| !sources.clone().any(|s| r.glob.is_match(s)))
            .map(|r| (r.pattern.as_str(), r.line))
            .collect()
    }
}

fn matches_prefix(prefixes: &[String], dest: &str, site_path: Option<&str>) -> bool {
    prefixes.iter().any(|p| {
        if p.starts_with('/') {
            site_path.is_some_and(|sp| sp.starts_with(p.as_str())) || dest.starts_with(p.as_str())
        } else {
            dest.starts_with(p.as_str())
        }
    })
}

/// Resolve `links:`; `key_line` finds the line of a key or pattern in
/// lorebook.yaml for diagnostics.
pub(crate) fn resolve(
    raw: RawLinks,
    shown: &Path,
    key_line: &dyn Fn(&str) -> usize,
) -> Result<LinkPolicy, Vec<Diagnostic>> {
    let mut policy = LinkPolicy::default();
    if let Some(all) = raw.level {
        policy.levels = [all; 6];
    }
    let kinds = RawKinds {
        broken_page: raw.broken_page,
        broken_anchor: raw.broken_anchor,
        missing_file: raw.missing_file,
        site_absolute: raw.site_absolute,
        own_host: raw.own_host,
        insecure_http: raw.insecure_http,
    };
    for (i, l) in kinds.levels().into_iter().enumerate() {
        if let Some(l) = l {
            policy.levels[i] = l;
        }
    }
    let mut diags = Vec::new();
    for (pattern, rule) in raw.paths.0 {
        let levels = match rule {
            RawRule::All(l) => [Some(l); 6],
            RawRule::Kinds(k) => k,
        };
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build();
        match glob {
            Ok(g) => policy.rules.push(PathRule {
                line: key_line(&pattern),
                pattern,
                glob: g.compile_matcher(),
                levels,
            }),
            Err(e) => diags.push(
                Diagnostic::error(shown, format!("links.paths: bad pattern `{pattern}`: {e}"))
                    .at(key_line(&pattern), 1),
            ),
        }
    }
    policy.skip_prefixes = raw.skip_prefixes;
    policy.skip_anchor_prefixes = raw.skip_anchor_prefixes;
    if diags.is_empty() {
        Ok(policy)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<LinkPolicy, Diagnostic> {
        let raw: RawLinks = crate::yaml::parse(yaml, Path::new("lorebook.yaml"), 1, &[])?;
        resolve(raw, Path::new("lorebook.yaml"), &|_| 0).map_err(|mut d| d.remove(0))
    }

    #[test]
    fn defaults_are_errors_for_internal_links_and_warnings_for_the_rest() {
        let p = LinkPolicy::default();
        assert_eq!(p.level(LinkKind::BrokenPage, "a.md"), Level::Error);
        assert_eq!(p.level(LinkKind::BrokenAnchor, "a.md"), Level::Error);
        assert_eq!(p.level(LinkKind::MissingFile, "a.md"), Level::Error);
        assert_eq!(p.level(LinkKind::SiteAbsolute, "a.md"), Level::Error);
        assert_eq!(p.level(LinkKind::OwnHost, "a.md"), Level::Warn);
        assert_eq!(p.level(LinkKind::InsecureHttp, "a.md"), Level::Warn);
    }

    #[test]
    fn level_sets_every_kind_and_a_kind_key_wins() {
        let p = parse("level: warn\nbroken_anchor: ignore\n").unwrap();
        assert_eq!(p.level(LinkKind::BrokenPage, "a.md"), Level::Warn);
        assert_eq!(p.level(LinkKind::OwnHost, "a.md"), Level::Warn);
        assert_eq!(p.level(LinkKind::BrokenAnchor, "a.md"), Level::Ignore);
    }

    #[test]
    fn path_rules_apply_in_order_and_stay_within_folders() {
        let p = parse(
            "paths:\n  legacy/**: warn\n  legacy/keep/*.md: { broken_page: error }\n  '*.md': { site_absolute: ignore }\n",
        )
        .unwrap();
        assert_eq!(p.level(LinkKind::BrokenPage, "legacy/a/b.md"), Level::Warn);
        assert_eq!(
            p.level(LinkKind::BrokenAnchor, "legacy/keep/b.md"),
            Level::Warn
        );
        assert_eq!(
            p.level(LinkKind::BrokenPage, "legacy/keep/b.md"),
            Level::Error
        );
        assert_eq!(p.level(LinkKind::BrokenPage, "guides/a.md"), Level::Error);
        // `*` does not cross a folder.
        assert_eq!(p.level(LinkKind::SiteAbsolute, "top.md"), Level::Ignore);
        assert_eq!(p.level(LinkKind::SiteAbsolute, "guides/a.md"), Level::Error);
    }

    #[test]
    fn unknown_levels_and_kinds_are_errors_at_their_line() {
        let e = parse("broken_page: warning\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("warning"), "{}", e.message);
        let e = parse("paths:\n  legacy/**: loud\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(
            e.message.contains("loud") && e.message.contains("warn"),
            "{}",
            e.message
        );
        let e = parse("paths:\n  legacy/**:\n    broken_pages: warn\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("broken_pages"), "{}", e.message);
        let e = parse("brokn_page: warn\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("brokn_page"), "{}", e.message);
    }

    #[test]
    fn a_bad_glob_is_an_error() {
        let e = parse("paths:\n  'legacy/[': warn\n").unwrap_err();
        assert!(e.message.contains("legacy/["), "{}", e.message);
    }

    #[test]
    fn skip_prefixes_match_written_destinations_and_site_paths() {
        let p = parse("skip_prefixes: ['/api/', 'https://intranet.example/']\n").unwrap();
        assert!(p.skips("/api/v1/", Some("/api/v1/")));
        assert!(p.skips("../api/x.md", Some("/api/x.md")));
        assert!(p.skips("https://intranet.example/x", None));
        assert!(!p.skips("/guides/", Some("/guides/")));
    }
}
