//! mdBook: `book.toml` (`[book]` title, description, src; `[output.html]`
//! site-url, edit-url-template) and the source folder. `SUMMARY.md` gives
//! the order (weights) and the titles of chapters that have no `#` heading;
//! `README.md` is its folder's `_index.md`; `{{#include}}` and the other
//! preprocessor links are listed, not run; mdbook-admonish fences
//! (```` ```admonish note ````) become GitHub alerts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::convert::{self, Note};
use super::front::NewFront;
use super::links::Links;
use super::new_site::{self, notes_at, Contents, Imported};
use super::source::{md_name, read_text, read_tree, Format, Source};
use crate::diagnostics::Diagnostic;

pub fn import(src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let Some(text) = read_text(src, "book.toml").map_err(|d| vec![d])? else {
        return Err(vec![Diagnostic::error(
            src,
            "no `book.toml` here: give the folder that holds it",
        )]);
    };
    let config: toml::Table = toml::from_str(&text).map_err(|e| {
        vec![Diagnostic::error(
            "book.toml",
            format!("TOML: {}", e.message()),
        )]
    })?;
    let book = config.get("book").and_then(toml::Value::as_table);
    let src_dir = book
        .and_then(|b| b.get("src"))
        .and_then(toml::Value::as_str)
        .unwrap_or("src")
        .to_string();
    let source = read_tree(src, &src_dir, true)?;
    Ok(convert_tree(&config, &source))
}

fn str_at<'t>(t: &'t toml::Table, path: &[&str]) -> Option<&'t str> {
    let (last, tables) = path.split_last()?;
    let mut cur = t;
    for p in tables {
        cur = cur.get(*p)?.as_table()?;
    }
    cur.get(*last)?.as_str()
}

/// Chapters of SUMMARY.md in order: (path, title, line).
fn summary(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line
            .trim_start()
            .trim_start_matches(['-', '*'])
            .trim_start();
        let t = t
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            .trim_start();
        let Some(rest) = t.strip_prefix('[') else {
            continue;
        };
        let Some(close) = rest.find("](") else {
            continue;
        };
        let title = rest[..close].to_string();
        let Some(end) = rest[close + 2..].find(')') else {
            continue;
        };
        let path = rest[close + 2..close + 2 + end].trim();
        let path = path.trim_start_matches("./");
        out.push((path.to_string(), title, i + 1));
    }
    out
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// mdbook-admonish fences to alerts.
fn admonish(body: &str, first_line: usize, notes: &mut Vec<Note>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut lines = body.split_inclusive('\n').enumerate();
    while let Some((i, line)) = lines.next() {
        let t = line.trim_start();
        let Some(info) = t.strip_prefix("```admonish") else {
            out.push_str(line);
            continue;
        };
        let mut words = info.split_whitespace();
        let kind = words.next().unwrap_or("note");
        let title = info
            .split_once("title=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map(|(t, _)| t.to_string());
        let (alert, lossy) = convert::alert_for(kind);
        if lossy {
            notes.push(Note::new(
                first_line + i,
                format!("admonish type `{kind}` written as `[!{alert}]`"),
            ));
        }
        out.push_str(&format!("> [!{alert}]\n"));
        if let Some(t) = title {
            out.push_str(&format!("> **{t}**\n>\n"));
        }
        for (_, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            let l = l.trim_end_matches(['\n', '\r']);
            out.push_str(if l.trim().is_empty() { ">" } else { "> " });
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

fn convert_tree(config: &toml::Table, source: &Source) -> Imported {
    let mut notes = Vec::new();
    let title = str_at(config, &["book", "title"]).unwrap_or("Imported book");
    let description = str_at(config, &["book", "description"]);
    let base_url = str_at(config, &["output", "html", "site-url"])
        .filter(|u| u.contains("://"))
        .map(str::to_string);
    let edit_url = str_at(config, &["output", "html", "edit-url-template"]).map(|t| {
        notes.push(Diagnostic::warning(
            "book.toml",
            "edit-url-template kept: its {path} now means `content/...`; check the folder in it",
        ));
        t.to_string()
    });
    let summary_text = source
        .pages
        .iter()
        .find(|(f, _)| f.rel == "SUMMARY.md")
        .map(|(_, t)| t.as_str());
    let chapters = summary_text.map(summary).unwrap_or_default();
    if summary_text.is_none() {
        notes.push(Diagnostic::warning(
            format!("{}/SUMMARY.md", source.shown_dir),
            "no SUMMARY.md: pages are ordered by title",
        ));
    }
    let rels: BTreeSet<&str> = source.pages.iter().map(|(f, _)| f.rel.as_str()).collect();
    let mut weight: BTreeMap<&str, i64> = BTreeMap::new();
    let mut nav_title: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, (path, t, line)) in chapters.iter().enumerate() {
        if path.is_empty() {
            notes.push(
                Diagnostic::warning(
                    format!("{}/SUMMARY.md", source.shown_dir),
                    format!("draft chapter `{t}` has no file; skipped"),
                )
                .at(*line, 0),
            );
            continue;
        }
        if !rels.contains(path.as_str()) {
            notes.push(
                Diagnostic::warning(
                    format!("{}/SUMMARY.md", source.shown_dir),
                    format!("`{path}` is not in `{}`", source.shown_dir),
                )
                .at(*line, 0),
            );
        }
        weight.entry(path).or_insert(10 * (i as i64 + 1));
        nav_title.entry(path).or_insert(t);
    }
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
    let mut moved = BTreeMap::new();
    for (f, _) in &source.pages {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        let dir = parent(&f.rel);
        let new = if name.eq_ignore_ascii_case("readme.md") || name.eq_ignore_ascii_case("index.md")
        {
            if dir.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{dir}/_index.md")
            }
        } else {
            md_name(&f.rel)
        };
        moved.insert(f.rel.clone(), new);
    }
    for a in &source.assets {
        moved.insert(a.rel.clone(), a.rel.clone());
    }
    let route = |r: &str| -> Option<String> {
        let p = r.trim_start_matches('/').trim_end_matches(".html");
        [
            format!("{p}.md"),
            format!("{p}/README.md"),
            format!("{p}/index.md"),
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
    for (file, text) in &source.pages {
        if file.rel == "SUMMARY.md" {
            continue;
        }
        let shown = format!("{}/{}", source.shown_dir, file.rel);
        let new = &moved[&file.rel];
        let mut page_notes = Vec::new();
        if summary_text.is_some() && !weight.contains_key(file.rel.as_str()) {
            page_notes.push(Note::new(
                0,
                "not in SUMMARY.md (mdBook skips it); imported anyway",
            ));
        }
        let mut front = NewFront::default();
        if !text.trim_start().starts_with("# ") {
            front.title = nav_title.get(file.rel.as_str()).map(|t| t.to_string());
        }
        front.weight = if new.ends_with("_index.md") {
            folder_weight.get(parent(new)).copied()
        } else {
            weight.get(file.rel.as_str()).copied()
        };
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find("{{#") {
                let name: String = line[at + 3..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                page_notes.push(Note::new(
                    i + 1,
                    format!("`{{{{#{name}}}}}` is an mdBook preprocessor link; left as written"),
                ));
            }
        }
        let body = admonish(text, 1, &mut page_notes);
        let body = links.rewrite(&body, &file.rel, new, 1, &mut page_notes);
        files.insert(
            format!("content/{new}"),
            Contents::Text(format!("{}{body}", front.to_text())),
        );
        notes.extend(notes_at(&shown, page_notes));
        pages += 1;
    }
    for a in &source.assets {
        files.insert(format!("content/{}", a.rel), Contents::Copy(a.path.clone()));
    }
    files.insert(
        "lorebook.yaml".into(),
        Contents::Text(new_site::config_text(
            Format::Mdbook,
            title,
            base_url.as_deref(),
            description,
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
    fn summary_lists_chapters_in_order() {
        let s = "# Summary\n\n[Introduction](README.md)\n\n# User guide\n\n- [Install](guide/install.md)\n    - [Linux](./guide/linux.md)\n1. [Numbered](n.md)\n- [Draft]()\n---\n";
        let c = summary(s);
        let paths: Vec<(&str, &str, usize)> = c
            .iter()
            .map(|(p, t, l)| (p.as_str(), t.as_str(), *l))
            .collect();
        assert_eq!(
            paths,
            [
                ("README.md", "Introduction", 3),
                ("guide/install.md", "Install", 7),
                ("guide/linux.md", "Linux", 8),
                ("n.md", "Numbered", 9),
                ("", "Draft", 10)
            ]
        );
    }

    #[test]
    fn admonish_fences_become_alerts() {
        let mut notes = Vec::new();
        let out = admonish(
            "```admonish warning title=\"Careful\"\nHot.\n```\nAfter.\n",
            1,
            &mut notes,
        );
        assert_eq!(out, "> [!WARNING]\n> **Careful**\n>\n> Hot.\nAfter.\n");
        assert!(notes.is_empty());
    }
}
