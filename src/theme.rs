//! Themes: finds the theme's templates and static files (the default theme is
//! embedded in the binary; a site may ship its own under `themes/<name>/`),
//! applies the site's `templates/` overrides by name, and compiles them with
//! Tera. Reads template files here, once per build; rendering is elsewhere.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::Diagnostic;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// A loaded theme: compiled templates and the static files to publish.
pub struct Theme {
    pub tera: tera::Tera,
    /// Static files (output path relative to the site root -> bytes).
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Where each template came from, for error messages.
    pub template_sources: BTreeMap<String, PathBuf>,
    /// The strings templates print (`t.<key>`), per language code: English,
    /// then the theme's `i18n/<code>.yaml`, then the site's (see
    /// [`Theme::strings`]).
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    no_strings: BTreeMap<String, String>,
}

/// Where a site overrides theme strings: `i18n/<code>.yaml` at its root.
pub const SITE_STRINGS_DIR: &str = "i18n";

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.template_sources.keys())
            .finish()
    }
}

/// The only view fields a template may print unescaped, as
/// `{{ path.to.field | safe }}` and nothing else: HTML that lorebook made
/// itself. `content_html` is Markdown rendered by `markdown::render` (pages,
/// sections) or an answer body cleaned by `forum::sanitize`;
/// `question_html` is a forum question cleaned by `forum::sanitize`;
/// `svg_html` is a trend chart drawn by `insights::bar_chart_svg` from
/// counts and escaped labels. A unit
/// test scans the default theme's templates against this list (and against
/// `autoescape false`), so any other unescaped value fails the build's tests.
pub const TRUSTED_HTML_FIELDS: &[&str] = &[
    "content_html",
    "question_html",
    "svg_html",
    "nav_html",
    "analytics_html",
];

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "tag.html",
    "tags.html",
    "404.html",
    "answer.html",
];

impl Theme {
    /// Load the configured theme and the site's overrides.
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
        let mut assets = BTreeMap::new();
        let mut diags = Vec::new();

        let local = config.themes_dir.join(&config.theme);
        if local.is_dir() {
            read_tree(
                &local.join("templates"),
                &config.root,
                &mut |rel, path, bytes| {
                    insert_template(&mut templates, &mut diags, rel, path, bytes)
                },
            );
            read_tree(&local.join("static"), &config.root, &mut |rel, _, bytes| {
                assets.insert(rel.to_string(), bytes);
            });
        } else if config.theme == "default" {
            for (rel, bytes) in DEFAULT_THEME {
                if let Some(name) = rel.strip_prefix("templates/") {
                    let shown = PathBuf::from(format!("<default theme>/templates/{name}"));
                    insert_template(&mut templates, &mut diags, name, &shown, bytes.to_vec());
                } else if let Some(name) = rel.strip_prefix("static/") {
                    assets.insert(name.to_string(), bytes.to_vec());
                }
            }
        } else {
            return Err(vec![Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("theme `{}` not found in `themes/`", config.theme),
            )
            .with_hint(
                "use `theme: default` or add the theme folder under `themes/`",
            )]);
        }

        read_tree(
            &config.templates_dir,
            &config.root,
            &mut |rel, path, bytes| insert_template(&mut templates, &mut diags, rel, path, bytes),
        );

        for name in REQUIRED_TEMPLATES {
            if !templates.contains_key(*name) {
                diags.push(Diagnostic::error(
                    local.strip_prefix(&config.root).unwrap_or(&local),
                    format!("the theme has no `{name}` template"),
                ));
            }
        }
        let strings = load_strings(
            config,
            local.is_dir().then_some(local.as_path()),
            &mut diags,
        );
        if !diags.is_empty() {
            return Err(diags);
        }
        let mut theme = Theme::compile(templates, assets)?;
        theme.strings = strings;
        Ok(theme)
    }

    /// The strings of language `code` (every key: missing ones are
    /// English); the first language's for a code the site does not have.
    pub fn strings(&self, code: &str) -> &BTreeMap<String, String> {
        self.strings
            .get(code)
            .or_else(|| self.strings.values().next())
            .unwrap_or(&self.no_strings)
    }

    fn compile(
        templates: BTreeMap<String, (String, PathBuf)>,
        assets: BTreeMap<String, Vec<u8>>,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Escape `& < > " '` but leave `/` readable in every href.
        tera.set_escape_fn(escape_for_tera);
        let sources: BTreeMap<String, PathBuf> = templates
            .iter()
            .map(|(k, (_, p))| (k.clone(), p.clone()))
            .collect();
        let list: Vec<(String, String)> = templates
            .into_iter()
            .map(|(k, (text, _))| (k, text))
            .collect();
        if let Err(e) = tera.add_raw_templates(list) {
            let msg = error_chain(&e);
            // Tera names the template in its message; point at that file when we can.
            let path = sources
                .iter()
                .find(|(name, _)| msg.contains(name.as_str()))
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| PathBuf::from("templates"));
            return Err(vec![Diagnostic::error(
                path,
                format!("template error: {msg}"),
            )]);
        }
        Ok(Theme {
            tera,
            assets,
            template_sources: sources,
            strings: BTreeMap::new(),
            no_strings: BTreeMap::new(),
        })
    }

    /// Render a template; errors become diagnostics naming the template file.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let path = self
                .template_sources
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(name));
            Diagnostic::error(path, format!("template error: {}", error_chain(&e)))
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.template_sources.contains_key(name)
    }
}

/// The strings of every language of the site: the default theme's English
/// (`i18n/en.yaml`, which names every key), the theme's `i18n/en.yaml` and
/// the site's `i18n/en.yaml` over it; then, per language, its own files
/// from the theme and the site over that English. `local` is the theme's
/// folder when the theme is not the embedded default.
fn load_strings(
    config: &Config,
    local: Option<&Path>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    type Strings = BTreeMap<String, String>;
    let embedded = |code: &str| -> Option<(String, PathBuf)> {
        let name = format!("i18n/{code}.yaml");
        DEFAULT_THEME
            .iter()
            .find(|(rel, _)| *rel == name)
            .map(|(_, b)| {
                (
                    String::from_utf8_lossy(b).into_owned(),
                    PathBuf::from(format!("<default theme>/{name}")),
                )
            })
    };
    let from_disk = |path: PathBuf, diags: &mut Vec<Diagnostic>| -> Option<(String, PathBuf)> {
        if !path.is_file() {
            return None;
        }
        let shown = path
            .strip_prefix(&config.root)
            .unwrap_or(&path)
            .to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(text) => Some((text, shown)),
            Err(e) => {
                diags.push(Diagnostic::error(shown, format!("cannot read: {e}")));
                None
            }
        }
    };
    let theme_file = |code: &str, diags: &mut Vec<Diagnostic>| match local {
        Some(dir) => from_disk(dir.join("i18n").join(format!("{code}.yaml")), diags),
        None => embedded(code),
    };
    let site_file = |code: &str, diags: &mut Vec<Diagnostic>| {
        from_disk(
            config
                .root
                .join(SITE_STRINGS_DIR)
                .join(format!("{code}.yaml")),
            diags,
        )
    };
    let parse = |file: Option<(String, PathBuf)>,
                 known: Option<&Strings>,
                 diags: &mut Vec<Diagnostic>|
     -> Strings {
        let Some((text, shown)) = file else {
            return Strings::new();
        };
        let keys: Vec<&str> = known
            .map(|k| k.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let strings: Strings = match crate::yaml::parse(&text, &shown, 1, &keys) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d.with_hint("a strings file maps keys to text: `search: \"Suche\"`"));
                return Strings::new();
            }
        };
        if let Some(known) = known {
            for key in strings.keys().filter(|k| !known.contains_key(*k)) {
                let line = text
                    .lines()
                    .position(|l| {
                        l.trim_start()
                            .trim_start_matches(['"', '\''])
                            .starts_with(key.as_str())
                    })
                    .map_or(0, |i| i + 1);
                let d = Diagnostic::error(&shown, format!("unknown theme string `{key}`"))
                    .at(line, usize::from(line > 0));
                diags.push(
                    match crate::diagnostics::closest(key, keys.iter().copied()) {
                        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                        None => d.with_hint("the keys are those of the theme's `i18n/en.yaml`"),
                    },
                );
            }
        }
        strings
    };
    let mut english = parse(embedded("en"), None, diags);
    english.extend(parse(theme_file("en", diags), None, diags));
    let site_en = parse(site_file("en", diags), Some(&english), diags);
    english.extend(site_en);
    let mut out = BTreeMap::new();
    for lang in config.languages.all() {
        let mut strings = english.clone();
        if lang.code != "en" {
            strings.extend(parse(theme_file(&lang.code, diags), None, diags));
            let own = parse(site_file(&lang.code, diags), Some(&english), diags);
            strings.extend(own);
        }
        out.insert(lang.code.clone(), strings);
    }
    out
}

fn escape_for_tera(text: &str) -> String {
    crate::urls::escape_html(text)
}

fn insert_template(
    templates: &mut BTreeMap<String, (String, PathBuf)>,
    diags: &mut Vec<Diagnostic>,
    rel: &str,
    path: &Path,
    bytes: Vec<u8>,
) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            templates.insert(rel.to_string(), (text, path.to_path_buf()));
        }
        Err(_) => diags.push(Diagnostic::error(path, "template is not valid UTF-8")),
    }
}

/// Tera hides the useful part of an error in its source chain.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ")
}

fn read_tree(dir: &Path, root: &Path, f: &mut dyn FnMut(&str, &Path, Vec<u8>)) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if let Ok(bytes) = std::fs::read(entry.path()) {
            let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
            f(&rel, shown, bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way `text` (a template) prints a value unescaped other than
    /// `{{ a.b.<trusted field> | safe }}`, and every `autoescape` switch.
    fn unescaped_outputs(text: &str) -> Vec<String> {
        let mut bad = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{']) {
            let after = &rest[open..];
            let close = match after.get(..2) {
                Some("{{") => "}}",
                Some("{%") => "%}",
                _ => {
                    rest = &after[1..];
                    continue;
                }
            };
            let Some(end) = after.find(close) else {
                bad.push(format!("unclosed tag: {after}"));
                break;
            };
            let tag = &after[..end + 2];
            rest = &after[end + 2..];
            let inner = tag[2..tag.len() - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
            let words: Vec<&str> = inner
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .collect();
            if words.contains(&"autoescape") {
                bad.push(tag.to_string());
                continue;
            }
            if !words.contains(&"safe") {
                continue;
            }
            let parts: Vec<&str> = inner.split('|').map(str::trim).collect();
            let trusted = close == "}}"
                && parts.len() == 2
                && parts[1] == "safe"
                && parts[0].split('.').all(|seg| {
                    !seg.is_empty() && seg.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
                && parts[0]
                    .rsplit('.')
                    .next()
                    .is_some_and(|field| TRUSTED_HTML_FIELDS.contains(&field));
            if !trusted {
                bad.push(tag.to_string());
            }
        }
        bad
    }

    #[test]
    fn default_templates_print_unescaped_only_trusted_html_fields() {
        let mut checked = 0;
        for (name, bytes) in DEFAULT_THEME {
            if !name.starts_with("templates/") {
                continue;
            }
            let text = std::str::from_utf8(bytes).expect("templates are UTF-8");
            assert_eq!(unescaped_outputs(text), Vec::<String>::new(), "{name}");
            checked += 1;
        }
        assert!(checked >= REQUIRED_TEMPLATES.len());
        assert!(TRUSTED_HTML_FIELDS.iter().all(|f| f.ends_with("_html")));
    }

    #[test]
    fn template_scan_catches_every_other_unescaped_output() {
        for tag in [
            "{{ page.title | safe }}",
            "{{ page.title|safe }}",
            "{{- page.description | safe -}}",
            "{{ page.content_html | upper | safe }}",
            "{{ page.title ~ page.content_html | safe }}",
            "{{ config.extra_html | safe }}",
            "{% set x = page.title | safe %}",
            "{% filter safe %}{{ page.title }}{% endfilter %}",
            "{% autoescape false %}{{ page.title }}{% endautoescape %}",
        ] {
            assert!(!unescaped_outputs(tag).is_empty(), "not caught: {tag}");
        }
        assert!(unescaped_outputs(
            "{{ page.content_html | safe }} {{ r.question_html|safe }} {{ page.safety }}"
        )
        .is_empty());
    }

    #[test]
    fn default_theme_is_embedded_with_required_templates() {
        let names: Vec<&str> = DEFAULT_THEME.iter().map(|(n, _)| *n).collect();
        for t in REQUIRED_TEMPLATES {
            assert!(
                names.contains(&format!("templates/{t}").as_str()),
                "missing {t}"
            );
        }
    }

    /// Every string file the default theme ships has exactly English's
    /// keys (a misspelt key would silently show English), and every
    /// `t.<key>` the templates print is one of them.
    #[test]
    fn shipped_strings_match_english_and_the_templates() {
        let strings = |code: &str| -> BTreeMap<String, String> {
            let name = format!("i18n/{code}.yaml");
            let (_, bytes) = DEFAULT_THEME
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("{name} is shipped"));
            crate::yaml::parse(
                std::str::from_utf8(bytes).expect("UTF-8"),
                Path::new(&name),
                1,
                &[],
            )
            .expect("parses")
        };
        let english = strings("en");
        for code in ["de", "fr", "ar"] {
            let other = strings(code);
            let keys = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(&other), keys(&english), "{code}.yaml");
            assert!(other.values().all(|v| !v.trim().is_empty()), "{code}");
        }
        for (name, bytes) in DEFAULT_THEME
            .iter()
            .filter(|(n, _)| n.starts_with("templates/"))
        {
            let text = String::from_utf8_lossy(bytes);
            // `t.<key>` where `t` is a whole name (not `site.`, `list.`).
            for (at, _) in text.match_indices("t.") {
                let whole = at == 0
                    || !text[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if !whole {
                    continue;
                }
                let key: String = text[at + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                assert!(
                    english.contains_key(&key),
                    "{name} prints unknown `t.{key}`"
                );
            }
        }
    }
}
