//! MkDocs (and Material for MkDocs): `mkdocs.yml` (site_name, site_url,
//! site_description, repo_url + edit_uri, docs_dir, nav) and the docs
//! folder. `index.md` (or `README.md`) is its folder's `_index.md`; the
//! order of `nav` becomes weights, its titles the titles of pages that have
//! none; `!!! note` admonitions become GitHub alerts and `=== "Tab"` blocks
//! titled paragraphs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_yaml::Value;

use super::convert::{self, Note};
use super::front::{date_only, split_front, value_str, value_tags, NewFront};
use super::links::Links;
use super::new_site::{self, notes_at, Contents, Imported};
use super::source::{md_name, read_text, read_tree, Format, Source};
use crate::diagnostics::Diagnostic;

const CONFIG: [&str; 2] = ["mkdocs.yml", "mkdocs.yaml"];

pub fn import(src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let mut found = None;
    for name in CONFIG {
        if let Some(text) = read_text(src, name).map_err(|d| vec![d])? {
            found = Some((name, text));
            break;
        }
    }
    let Some((name, text)) = found else {
        return Err(vec![Diagnostic::error(
            src,
            "no `mkdocs.yml` here: give the folder that holds it",
        )]);
    };
    let config = crate::yaml::parse_value(&text, Path::new(name), 1).map_err(|d| vec![d])?;
    let docs_dir = get_str(&config, "docs_dir").unwrap_or_else(|| "docs".into());
    let mut source = read_tree(src, &docs_dir, true)?;
    source.extra.insert(name.to_string(), text);
    Ok(convert_tree(&config, name, &source))
}

fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_mapping()?.get(Value::String(key.into()))
}

fn get_str(v: &Value, key: &str) -> Option<String> {
    get(v, key).and_then(value_str)
}

/// One entry of `nav`.
#[derive(Debug, Clone, PartialEq)]
enum Nav {
    Page { title: Option<String>, path: String },
    Section { title: String, children: Vec<Nav> },
    Link,
}

fn parse_nav(v: &Value) -> Vec<Nav> {
    let Some(items) = v.as_sequence() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(path) => Some(nav_target(None, path)),
            Value::Mapping(m) => {
                let (k, v) = m.iter().next()?;
                let title = value_str(k)?;
                match v {
                    Value::String(path) => Some(nav_target(Some(title), path)),
                    Value::Sequence(_) => Some(Nav::Section {
                        title,
                        children: parse_nav(v),
                    }),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

fn nav_target(title: Option<String>, path: &str) -> Nav {
    if convert::is_external(path) || path.starts_with('/') {
        Nav::Link
    } else {
        Nav::Page {
            title,
            path: path.trim_start_matches("./").to_string(),
        }
    }
}

/// Pages in nav order with their nav titles, and each nav section's title
/// with the pages under it.
fn flatten<'n>(
    nav: &'n [Nav],
    pages: &mut Vec<(&'n str, Option<&'n str>)>,
    sections: &mut Vec<(&'n str, Vec<&'n str>)>,
) {
    for item in nav {
        match item {
            Nav::Page { title, path } => pages.push((path, title.as_deref())),
            Nav::Section { title, children } => {
                let start = pages.len();
                flatten(children, pages, sections);
                let under = pages[start..].iter().map(|(p, _)| *p).collect();
                sections.push((title, under));
            }
            Nav::Link => {}
        }
    }
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// New paths: `index.md` / `README.md` -> `_index.md`, `.markdown` -> `.md`.
fn new_paths(source: &Source) -> BTreeMap<String, String> {
    let rels: BTreeSet<&str> = source.pages.iter().map(|(f, _)| f.rel.as_str()).collect();
    let mut moved = BTreeMap::new();
    for rel in &rels {
        let dir = parent(rel);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let join = |n: &str| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        };
        let is_index = name.eq_ignore_ascii_case("index.md")
            || (name.eq_ignore_ascii_case("readme.md")
                && !rels.contains(join("index.md").as_str()));
        let new = if is_index {
            join("_index.md")
        } else {
            md_name(rel)
        };
        moved.insert(rel.to_string(), new);
    }
    for a in &source.assets {
        moved.insert(a.rel.clone(), a.rel.clone());
    }
    moved
}

/// Front matter keys lorebook keeps from MkDocs pages.
fn map_front(yaml: Option<(&str, usize)>, shown: &Path, notes: &mut Vec<Note>) -> NewFront {
    let mut front = NewFront::default();
    let Some((text, first)) = yaml else {
        return front;
    };
    let value = match crate::yaml::parse_value(text, shown, first) {
        Ok(v) => v,
        Err(d) => {
            notes.push(Note::new(
                d.line,
                format!("front matter not read: {}", d.message),
            ));
            return front;
        }
    };
    let Some(map) = value.as_mapping() else {
        return front;
    };
    for (k, v) in map {
        let Some(key) = value_str(k) else {
            continue;
        };
        match key.as_str() {
            "title" => front.title = value_str(v),
            "description" => front.description = value_str(v),
            "tags" => front.tags = value_tags(v),
            "date" => front.date = value_str(v).and_then(|d| date_only(&d)),
            "draft" => front.draft = v.as_bool().unwrap_or(false),
            other => notes.push(Note::new(
                convert::key_line(text, other, first),
                format!("front matter `{other}` has no lorebook equivalent; dropped"),
            )),
        }
    }
    front
}

/// Does the body start with a `# Heading` (lorebook's title fallback)?
fn starts_with_h1(body: &str) -> bool {
    body.trim_start().starts_with("# ")
}

fn convert_tree(config: &Value, config_name: &str, source: &Source) -> Imported {
    let mut notes: Vec<Diagnostic> = Vec::new();
    let config_text = source.extra.get(config_name).map_or("", String::as_str);
    let config_line = |key: &str| convert::key_line(config_text, key, 1);

    let title = get_str(config, "site_name").unwrap_or_else(|| "Imported docs".into());
    let base_url = get_str(config, "site_url");
    let edit_url = match (get_str(config, "repo_url"), get_str(config, "edit_uri")) {
        (Some(repo), edit) => {
            let edit = edit.unwrap_or_else(|| "edit/main/docs/".into());
            let edit = edit.trim_matches('/');
            let docs = source.shown_dir.trim_matches('/');
            let prefix = edit
                .strip_suffix(docs)
                .unwrap_or(edit)
                .trim_end_matches('/');
            Some(format!("{}/{prefix}/{{path}}", repo.trim_end_matches('/')))
        }
        _ => None,
    };
    for key in [
        "theme",
        "plugins",
        "markdown_extensions",
        "extra",
        "extra_css",
        "extra_javascript",
        "hooks",
    ] {
        if get(config, key).is_some() {
            notes.push(
                Diagnostic::warning(
                    config_name,
                    format!(
                        "`{key}` is not imported (lorebook has its own theme, search and Markdown)"
                    ),
                )
                .at(config_line(key), 0),
            );
        }
    }
    if edit_url.is_some() {
        notes.push(
            Diagnostic::warning(
                config_name,
                "edit_url made from repo_url and edit_uri for pages under content/: check the branch",
            )
            .at(config_line("repo_url"), 0),
        );
    }

    let moved = new_paths(source);
    let nav = get(config, "nav").map(parse_nav).unwrap_or_default();
    let mut nav_pages = Vec::new();
    let mut nav_sections = Vec::new();
    flatten(&nav, &mut nav_pages, &mut nav_sections);
    let mut weight: BTreeMap<&str, i64> = BTreeMap::new();
    let mut nav_title: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, (path, t)) in nav_pages.iter().enumerate() {
        weight.entry(path).or_insert(10 * (i as i64 + 1));
        if let Some(t) = t {
            nav_title.entry(path).or_insert(t);
        }
        if !moved.contains_key(*path) {
            notes.push(
                Diagnostic::warning(
                    config_name,
                    format!("nav names `{path}`, which is not in `{}`", source.shown_dir),
                )
                .at(config_line("nav"), 0),
            );
        }
    }
    // A folder's order is its first page's in nav; its title, that of the
    // nav section whose pages all live in it.
    let mut folder_weight: BTreeMap<String, i64> = BTreeMap::new();
    for (path, w) in &weight {
        let mut dir = parent(path);
        loop {
            let e = folder_weight.entry(dir.to_string()).or_insert(*w);
            *e = (*e).min(*w);
            if dir.is_empty() {
                break;
            }
            dir = parent(dir);
        }
    }
    let mut folder_title: BTreeMap<String, String> = BTreeMap::new();
    for (title, pages) in &nav_sections {
        let dirs: BTreeSet<&str> = pages.iter().map(|p| parent(p)).collect();
        match dirs.iter().next() {
            Some(d) if dirs.len() == 1 && !d.is_empty() => {
                folder_title.entry(d.to_string()).or_insert_with(|| title.to_string());
            }
            _ if !pages.is_empty() => notes.push(
                Diagnostic::warning(
                    config_name,
                    format!("nav section `{title}` gathers pages of several folders; lorebook's sections are folders"),
                )
                .at(config_line("nav"), 0),
            ),
            _ => {}
        }
    }

    let route = |r: &str| -> Option<String> {
        let base = base_url
            .as_deref()
            .and_then(|b| crate::urls::BaseUrl::parse(b).ok())
            .map(|b| b.path)
            .unwrap_or_else(|| "/".into());
        let path = r
            .strip_prefix(base.as_str())
            .or_else(|| r.strip_prefix('/'))?;
        let path = path.trim_end_matches('/');
        [
            format!("{path}.md"),
            format!("{path}/index.md"),
            format!("{path}/README.md"),
            path.to_string(),
        ]
        .into_iter()
        .find(|c| moved.contains_key(c))
    };
    let statics = BTreeSet::new();
    let links = Links {
        moved: &moved,
        route: &route,
        statics: &statics,
    };

    let mut files = BTreeMap::new();
    let mut pages = 0;
    let mut index_folders = BTreeSet::new();
    for (file, text) in &source.pages {
        let shown = format!("{}/{}", source.shown_dir, file.rel);
        let new = &moved[&file.rel];
        let mut page_notes = Vec::new();
        let (yaml, body, body_line) = split_front(text);
        let mut front = map_front(yaml, Path::new(&shown), &mut page_notes);
        if front.title.is_none() && !starts_with_h1(body) {
            front.title = nav_title.get(file.rel.as_str()).map(|t| t.to_string());
        }
        let is_index = new.ends_with("_index.md");
        if is_index {
            let dir = parent(new).to_string();
            front.weight = folder_weight.get(&dir).copied();
            if front.title.is_none() && !starts_with_h1(body) {
                front.title = folder_title.get(&dir).cloned();
            }
            index_folders.insert(dir);
        } else {
            front.weight = weight.get(file.rel.as_str()).copied();
        }
        for (i, line) in body.lines().enumerate() {
            if line.trim_start().starts_with("--8<--") {
                page_notes.push(Note::new(
                    body_line + i,
                    "snippet include (`--8<--`) is not supported; left as written",
                ));
            }
        }
        let body = convert::mkdocs_blocks(body, body_line, &mut page_notes);
        let body = links.rewrite(&body, &file.rel, new, body_line, &mut page_notes);
        files.insert(
            format!("content/{new}"),
            Contents::Text(format!("{}{body}", front.to_text())),
        );
        notes.extend(notes_at(&shown, page_notes));
        pages += 1;
    }
    // Folders named in nav without an index page get one for their title
    // and order.
    for (dir, title) in &folder_title {
        if !index_folders.contains(dir) {
            let front = NewFront {
                title: Some(title.clone()),
                weight: folder_weight.get(dir).copied(),
                ..Default::default()
            };
            files.insert(
                format!("content/{dir}/_index.md"),
                Contents::Text(front.to_text()),
            );
        }
    }
    for a in &source.assets {
        files.insert(format!("content/{}", a.rel), Contents::Copy(a.path.clone()));
    }
    files.insert(
        "lorebook.yaml".into(),
        Contents::Text(new_site::config_text(
            Format::Mkdocs,
            &title,
            base_url.as_deref(),
            get_str(config, "site_description").as_deref(),
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
    fn nav_forms_are_read_in_order() {
        let v: Value = serde_yaml::from_str(
            "- index.md\n- Install: install.md\n- Guide:\n  - guide/a.md\n  - Second: guide/b.md\n- GitHub: https://github.com/x\n",
        )
        .unwrap();
        let nav = parse_nav(&v);
        let mut pages = Vec::new();
        let mut sections = Vec::new();
        flatten(&nav, &mut pages, &mut sections);
        assert_eq!(
            pages,
            [
                ("index.md", None),
                ("install.md", Some("Install")),
                ("guide/a.md", None),
                ("guide/b.md", Some("Second"))
            ]
        );
        assert_eq!(sections, [("Guide", vec!["guide/a.md", "guide/b.md"])]);
    }
}
