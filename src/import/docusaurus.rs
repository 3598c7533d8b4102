//! Docusaurus: the docs plugin's folder (`docs/`, `.md` and `.mdx`),
//! `_category_.json|yml` files, `static/`, and from
//! `docusaurus.config.js|ts` (JavaScript, not run: read by pattern) the
//! title, tagline, url, baseUrl, docs path, routeBasePath and editUrl.
//!
//! The site's `base_url` is the docs' old address (`url` + `baseUrl` +
//! `routeBasePath`), so pages keep their URLs and `/docs/...` links resolve.
//! Number prefixes (`01-intro.md`) become weights and leave the names;
//! `index.md`, `README.md` and `folder/folder.md` become `_index.md`;
//! `slug` and `id` that moved a page become `aliases`; `:::note`
//! admonitions become GitHub alerts; MDX imports are dropped and tabs made
//! titled paragraphs, each reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_yaml::Value;

use super::convert::{self, Note};
use super::front::{date_only, split_front, value_str, value_tags, NewFront};
use super::links::Links;
use super::new_site::{self, notes_at, Contents, Imported};
use super::source::{md_name, read_text, read_tree, Format, Source};
use crate::diagnostics::Diagnostic;

const CONFIGS: [&str; 4] = [
    "docusaurus.config.js",
    "docusaurus.config.ts",
    "docusaurus.config.mjs",
    "docusaurus.config.cjs",
];

/// What was read from the JavaScript config.
#[derive(Debug, Clone, Default, PartialEq)]
struct SiteConfig {
    file: String,
    title: Option<String>,
    tagline: Option<String>,
    url: Option<String>,
    base_url: Option<String>,
    docs_path: Option<String>,
    route_base_path: Option<String>,
    edit_url: Option<String>,
}

/// `key: 'value'` (or "value", `value`) the first time it appears.
fn js_string(text: &str, key: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        let before = rest[..i].chars().last();
        let after = rest[i + key.len()..].trim_start();
        rest = &rest[i + key.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(after) = after.strip_prefix(':') else {
            continue;
        };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if !matches!(quote, '\'' | '"' | '`') {
            continue;
        }
        let end = after[1..].find(quote)?;
        return Some(after[1..1 + end].to_string());
    }
    None
}

fn read_config(file: &str, text: &str) -> SiteConfig {
    // The docs plugin's options sit in `docs: { ... }`.
    let docs = text.find("docs:").map_or("", |i| &text[i..]);
    SiteConfig {
        file: file.to_string(),
        title: js_string(text, "title"),
        tagline: js_string(text, "tagline"),
        url: js_string(text, "url"),
        base_url: js_string(text, "baseUrl"),
        docs_path: js_string(docs, "path"),
        route_base_path: js_string(docs, "routeBasePath"),
        edit_url: js_string(docs, "editUrl"),
    }
}

pub fn import(src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let mut config = None;
    for name in CONFIGS {
        if let Some(text) = read_text(src, name).map_err(|d| vec![d])? {
            config = Some(read_config(name, &text));
            break;
        }
    }
    let config = config.unwrap_or_default();
    let docs_dir = config.docs_path.clone().unwrap_or_else(|| "docs".into());
    let mut source = read_tree(src, &docs_dir, true)?;
    if src.join("static").is_dir() {
        let statics = read_tree(src, "static", false)?;
        source.statics = statics.assets;
    }
    for a in &source.assets {
        if matches!(
            file_name(&a.rel),
            "_category_.json" | "_category_.yml" | "_category_.yaml"
        ) {
            let text = std::fs::read_to_string(&a.path).map_err(|e| {
                vec![Diagnostic::error(
                    format!("{docs_dir}/{}", a.rel),
                    format!("cannot read: {e}"),
                )]
            })?;
            source.extra.insert(a.rel.clone(), text);
        }
    }
    for name in ["sidebars.js", "sidebars.ts", "blog"] {
        if src.join(name).exists() {
            source.extra.insert(name.to_string(), String::new());
        }
    }
    Ok(convert_tree(&config, &source))
}

/// `01-intro` -> (`intro`, Some(1)); Docusaurus' number prefixes.
fn strip_number(name: &str) -> (&str, Option<i64>) {
    let digits = name.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return (name, None);
    }
    let rest = name[digits..].trim_start();
    let sep = rest
        .chars()
        .take_while(|c| matches!(c, '-' | '_' | '.'))
        .count();
    let rest = rest[sep..].trim_start();
    let only_extension = matches!(rest, "md" | "mdx" | "markdown");
    if sep == 0 || rest.is_empty() || rest.starts_with('.') || only_extension {
        return (name, None);
    }
    (rest, name[..digits].parse().ok())
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The new path of every file, with the weight its number prefix gave.
/// `home`: the doc whose `slug` is `/` (the docs' home page), when the docs
/// have no index page of their own.
fn new_paths(
    source: &Source,
    home: Option<&str>,
    notes: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, BTreeMap<String, i64>) {
    let strip_dirs = |dir: &str| -> String {
        dir.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| strip_number(s).0)
            .collect::<Vec<_>>()
            .join("/")
    };
    let join = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let pages: BTreeSet<&str> = source.pages.iter().map(|(f, _)| f.rel.as_str()).collect();
    let mut moved = BTreeMap::new();
    let mut weights = BTreeMap::new();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for rel in &pages {
        let dir = parent(rel);
        let name = file_name(rel);
        let (bare, number) = strip_number(name);
        let bare_stem = stem(bare);
        let folder = file_name(dir);
        let is_index = bare_stem.eq_ignore_ascii_case("index")
            || (bare_stem.eq_ignore_ascii_case("readme")
                && !["index.md", "index.mdx"]
                    .iter()
                    .any(|n| pages.contains(join(dir, n).as_str())))
            || (!folder.is_empty()
                && stem(strip_number(folder).0) == bare_stem
                && !["index.md", "index.mdx", "README.md", "README.mdx"]
                    .iter()
                    .any(|n| pages.contains(join(dir, n).as_str())));
        let is_index = is_index || home == Some(*rel);
        let new_name = if is_index {
            "_index.md".to_string()
        } else {
            md_name(bare)
        };
        let mut new = join(&strip_dirs(dir), &new_name);
        if let Some(first) = taken.get(&new) {
            notes.push(Diagnostic::warning(
                format!("{}/{rel}", source.shown_dir),
                format!(
                    "would become `{new}` like `{}/{first}`; its number prefix is kept",
                    source.shown_dir
                ),
            ));
            new = join(&strip_dirs(dir), &md_name(name));
        }
        taken.insert(new.clone(), rel.to_string());
        if let Some(n) = number {
            weights.insert(rel.to_string(), n * 10);
        }
        moved.insert(rel.to_string(), new);
    }
    for a in &source.assets {
        let new = join(&strip_dirs(parent(&a.rel)), file_name(&a.rel));
        moved.insert(a.rel.clone(), new);
    }
    (moved, weights)
}

/// The URL a doc had (relative to the docs route): its folder (number
/// prefixes off) and its id or slug; `index` pages are their folder.
fn old_route(rel: &str, id: Option<&str>, slug: Option<&str>) -> String {
    let dir: Vec<&str> = parent(rel)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| strip_number(s).0)
        .collect();
    let dir = dir.join("/");
    if let Some(slug) = slug {
        if let Some(abs) = slug.strip_prefix('/') {
            return abs.trim_end_matches('/').to_string();
        }
        return [dir.as_str(), slug.trim_end_matches('/')]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("/");
    }
    let name = stem(strip_number(file_name(rel)).0);
    let last = id.unwrap_or(name);
    let folder = file_name(&dir);
    if id.is_none()
        && (name.eq_ignore_ascii_case("index")
            || name.eq_ignore_ascii_case("readme")
            || (!folder.is_empty() && folder == name))
    {
        return dir;
    }
    [dir.as_str(), last]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}

struct PageFront {
    front: NewFront,
    id: Option<String>,
    slug: Option<String>,
    sidebar_label: Option<String>,
}

fn map_front(yaml: Option<(&str, usize)>, shown: &Path, notes: &mut Vec<Note>) -> PageFront {
    let mut out = PageFront {
        front: NewFront::default(),
        id: None,
        slug: None,
        sidebar_label: None,
    };
    let Some((text, first)) = yaml else {
        return out;
    };
    let value = match crate::yaml::parse_value(text, shown, first) {
        Ok(v) => v,
        Err(d) => {
            notes.push(Note::new(
                d.line,
                format!("front matter not read: {}", d.message),
            ));
            return out;
        }
    };
    let Some(map) = value.as_mapping() else {
        return out;
    };
    for (k, v) in map {
        let Some(key) = value_str(k) else {
            continue;
        };
        let f = &mut out.front;
        match key.as_str() {
            "title" => f.title = value_str(v),
            "description" => f.description = value_str(v),
            "tags" => f.tags = value_tags(v),
            "draft" => f.draft = v.as_bool().unwrap_or(false),
            "date" => f.date = value_str(v).and_then(|d| date_only(&d)),
            "sidebar_position" => {
                f.weight = v
                    .as_f64()
                    .or_else(|| value_str(v).and_then(|s| s.parse().ok()))
                    .map(|p| (p * 10.0).round() as i64)
            }
            "sidebar_label" => out.sidebar_label = value_str(v),
            "id" => out.id = value_str(v),
            "slug" => out.slug = value_str(v),
            other => notes.push(Note::new(
                convert::key_line(text, other, first),
                format!("front matter `{other}` has no lorebook equivalent; dropped"),
            )),
        }
    }
    out
}

/// MDX that is not Markdown: `import`/`export` lines (dropped), `<Tabs>`
/// and `<TabItem label="X">` (made titled paragraphs), other components
/// (kept, reported).
fn mdx(body: &str, first_line: usize, notes: &mut Vec<Note>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_fence: Option<String> = None;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let n = first_line + i;
        let t = line.trim();
        if let Some(f) = &in_fence {
            if t.starts_with(f.as_str()) {
                in_fence = None;
            }
            out.push_str(line);
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = Some(t.chars().take_while(|c| *c == '`' || *c == '~').collect());
            out.push_str(line);
            continue;
        }
        if (t.starts_with("import ") || t.starts_with("export ")) && line == line.trim_start() {
            notes.push(Note::new(
                n,
                format!(
                    "MDX `{}` dropped",
                    t.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
                ),
            ));
            continue;
        }
        if t.starts_with("<TabItem") {
            let label = js_attr(t, "label")
                .or_else(|| js_attr(t, "value"))
                .unwrap_or_default();
            notes.push(Note::new(
                n,
                format!("tab `{label}` written as a titled paragraph (lorebook has no tabs)"),
            ));
            out.push_str(&format!("**{label}**\n\n"));
            continue;
        }
        if t.starts_with("<Tabs") || t == "</Tabs>" || t == "</TabItem>" {
            continue;
        }
        if let Some(rest) = t.strip_prefix('<') {
            if rest.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                notes.push(Note::new(
                    n,
                    format!("MDX component `<{name}>` kept as written (it is not HTML)"),
                ));
            }
        }
        out.push_str(line);
    }
    out
}

fn js_attr(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[i..];
    let quote = rest.chars().next()?;
    if !matches!(quote, '"' | '\'') {
        return None;
    }
    let end = rest[1..].find(quote)?;
    Some(rest[1..1 + end].to_string())
}

/// `_category_.json` / `_category_.yml`: label, position, description.
fn category(text: &str, json: bool) -> Option<NewFront> {
    let v: Value = if json {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|j| serde_yaml::to_value(j).ok())?
    } else {
        crate::yaml::parse_value(text, Path::new("_category_.yml"), 1).ok()?
    };
    let get = |k: &str| v.as_mapping()?.get(Value::String(k.into()));
    Some(NewFront {
        title: get("label").and_then(value_str),
        weight: get("position")
            .and_then(Value::as_f64)
            .map(|p| (p * 10.0).round() as i64),
        description: get("link")
            .and_then(|l| l.as_mapping()?.get(Value::String("description".into())))
            .and_then(value_str),
        ..Default::default()
    })
}

fn convert_tree(config: &SiteConfig, source: &Source) -> Imported {
    let mut notes = Vec::new();
    if config.file.is_empty() {
        notes.push(Diagnostic::warning(
            "docusaurus.config.js",
            "no docusaurus.config.js|ts: title and addresses are defaults",
        ));
    } else {
        notes.push(Diagnostic::warning(
            config.file.as_str(),
            "JavaScript is not run: only title, tagline, url, baseUrl and the docs path, routeBasePath and editUrl were read",
        ));
    }
    if source.extra.contains_key("sidebars.js") || source.extra.contains_key("sidebars.ts") {
        notes.push(Diagnostic::warning(
            "sidebars.js",
            "not read: the order comes from sidebar_position, number prefixes and _category_ files",
        ));
    }
    if source.extra.contains_key("blog") {
        notes.push(Diagnostic::warning("blog", "the blog is not imported"));
    }
    let route_base = config
        .route_base_path
        .clone()
        .unwrap_or_else(|| "docs".into());
    let route_base = route_base.trim_matches('/');
    let site_root = format!(
        "{}/",
        config
            .base_url
            .as_deref()
            .unwrap_or("/")
            .trim_end_matches('/')
    );
    let docs_root = if route_base.is_empty() {
        site_root.clone()
    } else {
        format!("{site_root}{route_base}/")
    };
    let base_url = config
        .url
        .as_deref()
        .map(|u| format!("{}{docs_root}", u.trim_end_matches('/')));

    // Every doc's old route, for `/docs/...` links and aliases.
    let mut fronts = Vec::new();
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for (file, text) in &source.pages {
        let shown = format!("{}/{}", source.shown_dir, file.rel);
        let mut page_notes = Vec::new();
        let (yaml, body, body_line) = split_front(text);
        let pf = map_front(yaml, Path::new(&shown), &mut page_notes);
        let route = old_route(&file.rel, pf.id.as_deref(), pf.slug.as_deref());
        routes
            .entry(route.clone())
            .or_insert_with(|| file.rel.clone());
        fronts.push((pf, route, body, body_line, page_notes));
    }
    let has_root_index = source.pages.iter().any(|(f, _)| {
        matches!(
            f.rel.to_ascii_lowercase().as_str(),
            "index.md" | "index.mdx" | "readme.md" | "readme.mdx"
        )
    });
    let home = routes
        .get("")
        .filter(|_| !has_root_index)
        .map(String::as_str);
    let (moved, prefix_weights) = new_paths(source, home, &mut notes);
    let route = |r: &str| -> Option<String> {
        let path = r.strip_prefix(docs_root.as_str()).or_else(|| {
            // Written without baseUrl, or the docs at the site root.
            r.strip_prefix(&format!("/{route_base}/"))
                .or_else(|| (route_base.is_empty()).then(|| r.trim_start_matches('/')))
        })?;
        let path = path.trim_end_matches('/');
        routes.get(path).cloned()
    };
    let statics: BTreeSet<String> = source.statics.iter().map(|s| s.rel.clone()).collect();
    let links = Links {
        moved: &moved,
        route: &route,
        statics: &statics,
    };

    let mut files = BTreeMap::new();
    let mut pages = 0;
    let mut index_folders = BTreeSet::new();
    for ((file, _), (mut pf, old, body, body_line, mut page_notes)) in
        source.pages.iter().zip(fronts)
    {
        let shown = format!("{}/{}", source.shown_dir, file.rel);
        let new = &moved[&file.rel];
        if pf.front.weight.is_none() {
            pf.front.weight = prefix_weights.get(&file.rel).copied();
        }
        if pf.front.title.is_none() && !body.trim_start().starts_with("# ") {
            pf.front.title = pf.sidebar_label.take();
        }
        let new_route = new
            .trim_end_matches(".md")
            .trim_end_matches("_index")
            .trim_end_matches('/');
        if old != new_route {
            pf.front.aliases.push(format!("{old}/"));
        }
        if new.ends_with("_index.md") {
            index_folders.insert(parent(new).to_string());
        }
        let body = if file.rel.ends_with(".mdx") {
            mdx(body, body_line, &mut page_notes)
        } else {
            body.to_string()
        };
        let body = convert::docusaurus_admonitions(&body, body_line, &mut page_notes);
        let body = links.rewrite(&body, &file.rel, new, body_line, &mut page_notes);
        files.insert(
            format!("content/{new}"),
            Contents::Text(format!("{}{body}", pf.front.to_text())),
        );
        notes.extend(notes_at(&shown, page_notes));
        pages += 1;
    }
    for a in &source.assets {
        let name = file_name(&a.rel);
        let json = name == "_category_.json";
        if json || name == "_category_.yml" || name == "_category_.yaml" {
            let text = source.extra.get(&a.rel).map_or("", String::as_str);
            let dir = parent(&moved[&a.rel]).to_string();
            match category(text, json) {
                Some(front) if !index_folders.contains(&dir) => {
                    files.insert(
                        format!("content/{dir}/_index.md"),
                        Contents::Text(front.to_text()),
                    );
                }
                Some(_) => notes.push(Diagnostic::warning(
                    format!("{}/{}", source.shown_dir, a.rel),
                    "the folder has an index page already; its label and position are not used",
                )),
                None => notes.push(Diagnostic::warning(
                    format!("{}/{}", source.shown_dir, a.rel),
                    "cannot read this category file; skipped",
                )),
            }
            continue;
        }
        files.insert(
            format!("content/{}", moved[&a.rel]),
            Contents::Copy(a.path.clone()),
        );
    }
    for s in &source.statics {
        files.insert(format!("static/{}", s.rel), Contents::Copy(s.path.clone()));
    }
    let edit_url = config
        .edit_url
        .as_deref()
        .map(|e| format!("{}/{{path}}", e.trim_end_matches('/')));
    files.insert(
        "lorebook.yaml".into(),
        Contents::Text(new_site::config_text(
            Format::Docusaurus,
            config.title.as_deref().unwrap_or("Imported docs"),
            base_url.as_deref(),
            config.tagline.as_deref(),
            edit_url.as_deref(),
        )),
    );
    Imported {
        files,
        notes,
        pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes_come_off() {
        assert_eq!(strip_number("01-intro.md"), ("intro.md", Some(1)));
        assert_eq!(strip_number("2. Basics"), ("Basics", Some(2)));
        assert_eq!(strip_number("10_x"), ("x", Some(10)));
        assert_eq!(strip_number("2024.md"), ("2024.md", None));
        assert_eq!(strip_number("intro.md"), ("intro.md", None));
    }

    #[test]
    fn old_routes_follow_docusaurus_rules() {
        assert_eq!(
            old_route("01-basics/02-install.md", None, None),
            "basics/install"
        );
        assert_eq!(old_route("basics/index.md", None, None), "basics");
        assert_eq!(old_route("basics/basics.md", None, None), "basics");
        assert_eq!(
            old_route("basics/x.md", Some("setup"), None),
            "basics/setup"
        );
        assert_eq!(old_route("basics/x.md", None, Some("/start")), "start");
        assert_eq!(old_route("basics/x.md", None, Some("go")), "basics/go");
    }

    #[test]
    fn the_config_is_read_by_pattern() {
        let js = "const config = {\n  title: 'Acme Docs',\n  tagline: \"Fast answers\",\n  url: 'https://acme.example',\n  baseUrl: '/kb/',\n  presets: [['classic', { docs: { sidebarPath: './sidebars.js', routeBasePath: 'guide', editUrl: 'https://github.com/acme/docs/tree/main/' } }]],\n};\n";
        let c = read_config("docusaurus.config.js", js);
        assert_eq!(c.title.as_deref(), Some("Acme Docs"));
        assert_eq!(c.tagline.as_deref(), Some("Fast answers"));
        assert_eq!(c.url.as_deref(), Some("https://acme.example"));
        assert_eq!(c.base_url.as_deref(), Some("/kb/"));
        assert_eq!(c.route_base_path.as_deref(), Some("guide"));
        assert_eq!(c.docs_path, None);
        assert_eq!(
            c.edit_url.as_deref(),
            Some("https://github.com/acme/docs/tree/main/")
        );
    }

    #[test]
    fn mdx_imports_and_tabs_are_made_markdown() {
        let mut notes = Vec::new();
        let out = mdx(
            "import Tabs from '@theme/Tabs';\n\n<Tabs>\n<TabItem value=\"mac\" label=\"macOS\">\n\nbrew install acme\n\n</TabItem>\n</Tabs>\n\n<Highlight color=\"red\">x</Highlight>\n",
            5,
            &mut notes,
        );
        assert_eq!(
            out,
            "\n**macOS**\n\n\nbrew install acme\n\n\n<Highlight color=\"red\">x</Highlight>\n"
        );
        let lines: Vec<usize> = notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, [5, 8, 15]);
    }
}
