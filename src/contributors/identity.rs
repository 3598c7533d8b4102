//! Who is who: the site's declared people (`contributors.yaml`), bots, and
//! `.mailmap`.
//!
//! - `contributors.yaml` merges git identities (names or emails) and forum
//!   usernames into one person with a display name, an optional slug, avatar
//!   and links. Parsed only through `crate::yaml`; unknown keys, duplicate
//!   slugs, identities claimed twice and non-http(s) URLs are diagnostics
//!   naming the file and line.
//! - Bots ([`is_bot`]: `*[bot]` names or emails, and `contributors.exclude`
//!   globs matched against name and email) get no credit.
//! - `.mailmap` is applied after the history is read ([`map_identities`]):
//!   the distinct authors and `Co-authored-by:` identities go through one
//!   batched `git check-mailmap --stdin` call, so editing `.mailmap` never
//!   makes the history cache stale.
//!
//! ```yaml
//! people:
//!   - slug: ana-lima            # optional, else made from the name
//!     name: Ana Lima
//!     git: ["Ana Lima", "ana@acme.example"]   # git names or emails
//!     forum: { discourse: ana, stackexchange: "1234" }  # source -> username/id
//!     avatar: https://example.com/ana.png
//!     links: { github: "https://github.com/analima" }
//!     hide_avatar: true          # no picture anywhere, not even the forum's
//!   - name: Sam Roe
//!     forum: { discourse: sroe }
//!     hide: true                 # no credit page, never ranked or listed;
//!                                # their answers show the forum name, unlinked
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::path::Path;

use globset::GlobSet;
use serde::Deserialize;

use super::git;
use super::record::{contact, parse_contact, Identity, RawCommit};
use crate::diagnostics::Diagnostic;
use crate::yaml;

const KEYS: &[&str] = &[
    "people",
    "slug",
    "name",
    "git",
    "forum",
    "avatar",
    "links",
    "hide",
    "hide_avatar",
];

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    people: Vec<RawPerson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    slug: Option<String>,
    name: String,
    #[serde(default)]
    git: Vec<String>,
    #[serde(default)]
    forum: BTreeMap<String, Scalar>,
    avatar: Option<String>,
    #[serde(default)]
    links: BTreeMap<String, String>,
    #[serde(default)]
    hide: bool,
    #[serde(default)]
    hide_avatar: bool,
}

/// A forum user id may be written as a number (`stackexchange: 1234`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(i) => i.to_string(),
        }
    }
}

/// One person as declared in contributors.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonEntry {
    pub slug: Option<String>,
    pub name: String,
    /// Git names (no `@`) and emails (with `@`), as written.
    pub git: Vec<String>,
    /// Forum source name -> username or user id.
    pub forum: BTreeMap<String, String>,
    pub avatar: Option<String>,
    /// Link label -> URL, sorted by label.
    pub links: BTreeMap<String, String>,
    /// 1-based line of the entry in the file, for later diagnostics.
    pub line: usize,
    /// Forum source name -> 1-based line where it is written.
    pub forum_lines: BTreeMap<String, usize>,
    /// `hide: true`: the person asked not to be listed.
    pub hidden: bool,
    /// `hide_avatar: true`: no picture of them anywhere.
    pub hide_avatar: bool,
}

/// Read `path` (shown in diagnostics as `shown`). A missing file is no error:
/// the site simply declares nobody.
pub fn load(path: &Path, shown: &Path) -> (Vec<PersonEntry>, Vec<Diagnostic>) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, shown),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Vec::new(), Vec::new()),
        Err(e) => (
            Vec::new(),
            vec![Diagnostic::error(
                shown,
                format!("cannot read the contributors file: {e}"),
            )],
        ),
    }
}

/// Parse and validate the text of a contributors file. On a YAML error no
/// entries are returned; validation errors drop only the offending entry.
pub fn parse(text: &str, shown: &Path) -> (Vec<PersonEntry>, Vec<Diagnostic>) {
    let raw: RawFile = match yaml::parse(text, shown, 1, KEYS) {
        Ok(raw) => raw,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let entry_lines = entry_lines(text);
    let mut diags = Vec::new();
    let mut entries = Vec::new();
    let mut slugs: HashMap<String, usize> = HashMap::new();
    let mut claimed: HashMap<String, usize> = HashMap::new();
    for (i, p) in raw.people.into_iter().enumerate() {
        let line = entry_lines.get(i).copied().unwrap_or(0);
        let at = |needle: &str| find_line(text, line, needle).unwrap_or(line);
        let mut ok = true;
        if p.name.trim().is_empty() {
            diags.push(Diagnostic::error(shown, "a person needs a non-empty `name`").at(line, 0));
            ok = false;
        }
        let slug = p
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(crate::urls::path_slug);
        if let (Some(given), Some(slug)) = (p.slug.as_deref(), slug.as_deref()) {
            if given.trim() != slug {
                diags.push(
                    Diagnostic::error(shown, format!("slug `{given}` is not URL-safe"))
                        .at(at("slug"), 0)
                        .with_hint(format!("use `{slug}`")),
                );
                ok = false;
            } else if let Some(first) = slugs.insert(slug.to_string(), line) {
                diags.push(
                    Diagnostic::error(shown, format!("slug `{slug}` is used twice"))
                        .at(at("slug"), 0)
                        .with_hint(format!("first used by the person at line {first}")),
                );
                ok = false;
            }
        }
        let mut keys: Vec<String> = p
            .git
            .iter()
            .map(|g| format!("git:{}", g.trim().to_lowercase()))
            .collect();
        let forum: BTreeMap<String, String> = p
            .forum
            .into_iter()
            .map(|(k, v)| (k, v.into_string()))
            .collect();
        keys.extend(
            forum
                .iter()
                .map(|(s, u)| format!("forum:{s}:{}", u.trim().to_lowercase())),
        );
        for key in keys {
            if let Some(first) = claimed.insert(key.clone(), line) {
                let what = key.split_once(':').map_or(key.as_str(), |(_, w)| w);
                diags.push(
                    Diagnostic::error(shown, format!("`{what}` is claimed by two people"))
                        .at(line, 0)
                        .with_hint(format!("also listed for the person at line {first}")),
                );
                ok = false;
            }
        }
        for url in p.avatar.iter().chain(p.links.values()) {
            if !is_web_url(url) {
                diags.push(
                    Diagnostic::error(shown, format!("`{url}` is not an http(s) URL"))
                        .at(at(url), 0)
                        .with_hint("links and avatars must start with https:// or http://"),
                );
                ok = false;
            }
        }
        let forum_key = at("forum");
        let forum_lines = forum
            .keys()
            .map(|source| {
                let line = find_line(text, forum_key, source).unwrap_or(forum_key);
                (source.clone(), line)
            })
            .collect();
        if ok {
            entries.push(PersonEntry {
                slug,
                name: p.name.trim().to_string(),
                git: p.git.iter().map(|g| g.trim().to_string()).collect(),
                forum,
                avatar: p.avatar,
                links: p.links,
                line,
                forum_lines,
                hidden: p.hide,
                hide_avatar: p.hide_avatar,
            });
        }
    }
    (entries, diags)
}

/// Warnings for forum usernames listed under a source that `lorebook.yaml`
/// does not configure (`forum:` entries' `name`): such an account can never
/// match an answer, so the person's forum credit silently goes missing.
/// Pure; `shown` names the contributors file.
pub fn check_sources(entries: &[PersonEntry], sources: &[&str], shown: &Path) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for entry in entries {
        for (source, user) in &entry.forum {
            if sources.contains(&source.as_str()) {
                continue;
            }
            let line = entry.forum_lines.get(source).copied().unwrap_or(entry.line);
            let hint = match crate::diagnostics::closest(source, sources.iter().copied()) {
                Some(name) => format!("did you mean `{name}`?"),
                None if sources.is_empty() => {
                    "lorebook.yaml configures no forum sources".to_string()
                }
                None => {
                    let mut names = sources.to_vec();
                    names.sort_unstable();
                    format!("configured forum sources: {}", names.join(", "))
                }
            };
            diags.push(
                Diagnostic::warning(
                    shown,
                    format!(
                        "`{user}` of {} is listed for forum source `{source}`, which lorebook.yaml does not configure",
                        entry.name
                    ),
                )
                .at(line, 0)
                .with_hint(hint),
            );
        }
    }
    diags
}

fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && lower.len() > 8
}

/// 1-based lines where each `people:` list item starts (`- ` at the list's
/// indentation). Good enough for pointing at an entry.
fn entry_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_people = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if depth == 0 && !trimmed.starts_with('-') {
            in_people = trimmed.starts_with("people:");
            continue;
        }
        if in_people && trimmed.starts_with('-') && *indent.get_or_insert(depth) == depth {
            out.push(i + 1);
        }
    }
    out
}

/// First line at or after `from` containing `needle`.
fn find_line(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
}

/// True for bots: names or emails ending in `[bot]` (GitHub apps, e.g.
/// `dependabot[bot]` and `49699333+dependabot[bot]@users.noreply.github.com`)
/// and anything `exclude` matches (name or email).
pub fn is_bot(id: &Identity, exclude: &GlobSet) -> bool {
    let name = id.name.trim();
    let local = id.email.split('@').next().unwrap_or("");
    ends_with_bot(name)
        || ends_with_bot(local)
        || exclude.is_match(name)
        || (!id.email.is_empty() && exclude.is_match(id.email.trim()))
}

/// Whether `text`, lowercased, ends with `[bot]`, without lowercasing it: no
/// character outside ASCII lowercases to one of `[bot]`, so comparing the
/// last five bytes ignoring ASCII case says the same.
fn ends_with_bot(text: &str) -> bool {
    text.len()
        .checked_sub(5)
        .and_then(|at| text.as_bytes().get(at..))
        .is_some_and(|tail| tail.eq_ignore_ascii_case(b"[bot]"))
}

/// Map commit authors and co-authors through `.mailmap` with one batched
/// `git check-mailmap --stdin` call for all distinct identities (what
/// `git log --use-mailmap` would print for authors). Identities the mailmap
/// does not change are left exactly as they were.
pub fn map_identities(env: &[(&str, &OsStr)], dir: &Path, commits: &mut [RawCommit]) {
    let mut distinct: HashSet<(&str, &str)> = HashSet::new();
    for commit in commits.iter() {
        distinct.insert((&commit.author.name, &commit.author.email));
        for id in commit.co_authors.iter().filter(|id| !id.email.is_empty()) {
            distinct.insert((&id.name, &id.email));
        }
    }
    let mut wanted: Vec<(String, String)> = distinct
        .into_iter()
        .map(|(n, e)| (n.to_string(), e.to_string()))
        .collect();
    if wanted.is_empty() {
        return;
    }
    wanted.sort();
    let sent: Vec<String> = wanted.iter().map(|(n, e)| contact(n, e)).collect();
    let mut input = sent.join("\n");
    input.push('\n');
    let Some(out) = git::with_input(env, dir, &["check-mailmap", "--stdin"], input.into_bytes())
    else {
        return;
    };
    let out = String::from_utf8_lossy(&out);
    let mapped: Vec<&str> = out.lines().collect();
    if mapped.len() != wanted.len() {
        return;
    }
    // name -> email -> mapped identity, only for identities that change.
    let mut table: HashMap<String, HashMap<String, Identity>> = HashMap::new();
    for (((name, email), sent), line) in wanted.into_iter().zip(&sent).zip(mapped) {
        if line == sent.as_str() {
            continue;
        }
        if let Some(to) = parse_contact(line) {
            table.entry(name).or_default().insert(email, to);
        }
    }
    if table.is_empty() {
        return;
    }
    let lookup = |id: &Identity| {
        table
            .get(id.name.as_str())
            .and_then(|m| m.get(id.email.as_str()))
            .cloned()
    };
    for commit in commits.iter_mut() {
        if let Some(to) = lookup(&commit.author) {
            commit.author = to;
        }
        for id in &mut commit.co_authors {
            if let Some(to) = lookup(id) {
                *id = to;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> (Vec<PersonEntry>, Vec<Diagnostic>) {
        parse(text, Path::new("contributors.yaml"))
    }

    #[test]
    fn reads_a_full_entry() {
        let (people, diags) = p(concat!(
            "people:\n",
            "  - slug: ana-lima\n",
            "    name: Ana Lima\n",
            "    git: [\"Ana Lima\", ana@acme.example]\n",
            "    forum: { discourse: ana, stackexchange: 1234 }\n",
            "    avatar: https://img.example/ana.png\n",
            "    links: { github: \"https://github.com/analima\" }\n",
            "  - name: Bo\n",
        ));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(people.len(), 2);
        let ana = &people[0];
        assert_eq!(ana.slug.as_deref(), Some("ana-lima"));
        assert_eq!(ana.git, vec!["Ana Lima", "ana@acme.example"]);
        assert_eq!(
            ana.forum.get("stackexchange").map(String::as_str),
            Some("1234")
        );
        assert_eq!(ana.forum.get("discourse").map(String::as_str), Some("ana"));
        assert_eq!(ana.line, 2);
        assert_eq!(people[1].line, 8);
        assert_eq!(people[1].slug, None);
    }

    #[test]
    fn reads_hide_and_hide_avatar() {
        let (people, diags) = p(
            "people:\n  - name: Ana\n    hide: true\n  - name: Bo\n    hide_avatar: true\n  - name: Cy\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let flags: Vec<(bool, bool)> = people.iter().map(|e| (e.hidden, e.hide_avatar)).collect();
        assert_eq!(flags, [(true, false), (false, true), (false, false)]);
    }

    #[test]
    fn unknown_key_is_an_error_with_line_and_hint() {
        let (people, diags) = p("people:\n  - name: Ana\n    avtar: https://x.example/a.png\n");
        assert!(people.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "unknown key `avtar`");
        assert_eq!(diags[0].line, 3);
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `avatar`?"));
    }

    #[test]
    fn rejects_duplicate_slugs_and_double_claims() {
        let (people, diags) = p(concat!(
            "people:\n",
            "  - name: Ana\n",
            "    slug: ana\n",
            "    git: [ana@x.example]\n",
            "  - name: Ana Two\n",
            "    slug: ana\n",
            "  - name: Other\n",
            "    git: [ANA@x.example]\n",
        ));
        assert_eq!(people.len(), 1);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("slug `ana` is used twice"));
        assert_eq!(diags[0].line, 6);
        assert!(diags[1].message.contains("claimed by two people"));
        assert_eq!(diags[1].line, 7);
    }

    #[test]
    fn rejects_script_urls() {
        let (people, diags) =
            p("people:\n  - name: Ana\n    links: { x: \"javascript:alert(1)\" }\n");
        assert!(people.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
    }

    #[test]
    fn forum_user_of_an_unconfigured_source_is_a_warning_at_its_line() {
        let (people, diags) = p(concat!(
            "people:\n",
            "  - name: Ana\n",
            "    forum: { comunity: ana }\n",
            "  - name: Bo\n",
            "    git: [bo@x.example]\n",
            "    forum:\n",
            "      community: bo\n",
            "      stack: \"77\"\n",
            "      zzz: bo\n",
        ));
        assert!(diags.is_empty(), "{diags:?}");
        let sources = ["community", "stackexchange"];
        let w = check_sources(&people, &sources, Path::new("contributors.yaml"));
        let found: Vec<(usize, &str, Option<&str>)> = w
            .iter()
            .map(|d| (d.line, d.message.as_str(), d.hint.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    3,
                    "`ana` of Ana is listed for forum source `comunity`, which lorebook.yaml does not configure",
                    Some("did you mean `community`?"),
                ),
                (
                    8,
                    "`77` of Bo is listed for forum source `stack`, which lorebook.yaml does not configure",
                    Some("configured forum sources: community, stackexchange"),
                ),
                (
                    9,
                    "`bo` of Bo is listed for forum source `zzz`, which lorebook.yaml does not configure",
                    Some("configured forum sources: community, stackexchange"),
                ),
            ]
        );
        assert!(w.iter().all(|d| !d.is_error()));
        assert!(check_sources(
            &people,
            &["community", "comunity", "stack", "zzz"],
            Path::new("c")
        )
        .is_empty());
    }

    #[test]
    fn empty_file_declares_nobody() {
        let (people, diags) = p("");
        assert!(people.is_empty() && diags.is_empty());
    }

    fn globs(patterns: &[&str]) -> GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            b.add(globset::Glob::new(p).expect("glob"));
        }
        b.build().expect("globset")
    }

    #[test]
    fn recognises_bots() {
        let ex = globs(&["*@robots.example"]);
        let id = |n: &str, e: &str| Identity {
            name: n.into(),
            email: e.into(),
        };
        assert!(is_bot(&id("renovate[bot]", "x@y"), &ex));
        assert!(is_bot(
            &id("Someone", "1+github-actions[bot]@users.noreply.github.com"),
            &ex
        ));
        assert!(is_bot(&id("Rick", "rick@robots.example"), &ex));
        assert!(!is_bot(&id("Ana", "ana@x.example"), &ex));
    }

    fn ident(name: &str, email: &str) -> Identity {
        Identity {
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn bot_suffix_is_matched_ignoring_case_and_only_at_the_end() {
        let none = GlobSet::empty();
        let bot = |n: &str, e: &str| is_bot(&ident(n, e), &none);
        assert!(bot("Renovate[BOT]", "r@x.example"));
        assert!(bot("  renovate[Bot]  ", "r@x.example"));
        assert!(bot("Ünïcödé[bot]", "u@x.example"));
        assert!(bot("Someone", "42+Helper[BOT]@users.noreply.github.com"));
        assert!(bot("[bot]", ""));
        assert!(!bot("[bot] Ana", "ana@x.example"));
        assert!(!bot("Ana", "ana@x.example[bot]"));
        assert!(!bot("bot]", "ot]@x.example"));
        assert!(!bot("Ana", ""));
        // Multi-byte characters right before the suffix's bytes.
        assert!(!bot("é[bo", "ü@x.example"));
        assert!(!bot("\u{212a}[bot\u{212a}", "k@x.example"));
    }
}
