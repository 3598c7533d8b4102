//! Hugo: `hugo.toml|yaml|json` (or `config.*`: title, baseURL,
//! params.description, contentDir), the content folder with YAML (`---`),
//! TOML (`+++`) or JSON front matter, and `static/`. `_index.md` stays;
//! a leaf bundle's `index.md` becomes a page named after its folder (its
//! images stay in the folder; links to them follow); `{{< ref >}}` / `{{< relref >}}` become relative `.md`
//! links; `highlight`, `figure` and `notice` shortcodes become fenced code,
//! images and GitHub alerts; other shortcodes are left and listed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_yaml::Value;

use super::convert::{self, Note};
use super::front::{date_only, split_front, value_str, value_tags, NewFront};
use super::links::Links;
use super::new_site::{self, notes_at, Contents, Imported};
use super::source::{md_name, read_text, read_tree, Format, Source};
use crate::diagnostics::Diagnostic;

const CONFIGS: [&str; 6] = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.json",
];

/// A config or front matter in any of Hugo's three formats, as YAML values.
fn parse_any(
    text: &str,
    format: &str,
    shown: &str,
    first_line: usize,
) -> Result<Value, Diagnostic> {
    match format {
        "toml" => toml::from_str::<toml::Table>(text)
            .map_err(|e| {
                let line = e.span().map_or(0, |s| {
                    first_line + text[..s.start.min(text.len())].matches('\n').count()
                });
                Diagnostic::error(shown, format!("TOML: {}", e.message())).at(line, 0)
            })
            .and_then(|t| {
                serde_yaml::to_value(t).map_err(|e| Diagnostic::error(shown, e.to_string()))
            }),
        "json" => serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| {
                Diagnostic::error(shown, format!("JSON: {e}")).at(first_line + e.line() - 1, 0)
            })
            .and_then(|j| {
                serde_yaml::to_value(j).map_err(|e| Diagnostic::error(shown, e.to_string()))
            }),
        _ => crate::yaml::parse_value(text, Path::new(shown), first_line),
    }
}

fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let m = v.as_mapping()?;
    m.iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
}

fn get_str(v: &Value, key: &str) -> Option<String> {
    get(v, key).and_then(value_str)
}

pub fn import(src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let mut config = None;
    for name in CONFIGS {
        if let Some(text) = read_text(src, name).map_err(|d| vec![d])? {
            let format = name.rsplit('.').next().unwrap_or("toml");
            config = Some((
                name,
                parse_any(&text, format, name, 1).map_err(|d| vec![d])?,
            ));
            break;
        }
    }
    let Some((name, config)) = config else {
        return Err(vec![Diagnostic::error(
            src,
            "no `hugo.toml` or `config.toml` here: give the folder that holds it",
        )]);
    };
    let content_dir = get_str(&config, "contentDir").unwrap_or_else(|| "content".into());
    let mut source = read_tree(src, &content_dir, true)?;
    if src.join("static").is_dir() {
        source.statics = read_tree(src, "static", false)?.assets;
    }
    Ok(convert_tree(&config, name, &source))
}

/// Front matter of a Hugo page: (format, text, first line), body, body line.
fn split(text: &str) -> (Option<(&'static str, &str, usize)>, &str, usize) {
    if let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    {
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == "+++" {
                let front = &rest[..offset];
                let body = &rest[offset + line.len()..];
                return (
                    Some(("toml", front, 2)),
                    body,
                    3 + front.matches('\n').count(),
                );
            }
            offset += line.len();
        }
        return (None, text, 1);
    }
    if text.starts_with('{') {
        // JSON front matter ends at the line that closes the object.
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            offset += line.len();
            if line.trim_end() == "}" {
                let body = &text[offset..];
                return (
                    Some(("json", &text[..offset], 1)),
                    body,
                    1 + text[..offset].matches('\n').count(),
                );
            }
        }
        return (None, text, 1);
    }
    match split_front(text) {
        (Some((yaml, line)), body, body_line) => (Some(("yaml", yaml, line)), body, body_line),
        (None, body, line) => (None, body, line),
    }
}

/// `a/b/index.md` (a leaf bundle: a page with its files) -> `a/b.md`, its
/// files staying in `a/b/` (links to them are rewritten); `.markdown` ->
/// `.md`.
fn new_paths(source: &Source) -> BTreeMap<String, String> {
    let mut moved = BTreeMap::new();
    for (f, _) in &source.pages {
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        let new = if name.eq_ignore_ascii_case("index.md") {
            match f.rel.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}.md"),
                None => "_index.md".to_string(),
            }
        } else {
            md_name(&f.rel)
        };
        moved.insert(f.rel.clone(), new);
    }
    for a in &source.assets {
        moved.insert(a.rel.clone(), a.rel.clone());
    }
    moved
}

/// The URL path a page had (no slashes around): its path without the
/// extension, its folder for `_index.md` and `index.md`.
fn old_route(rel: &str) -> String {
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    let stem = stem
        .strip_suffix("/_index")
        .or_else(|| stem.strip_suffix("/index"))
        .unwrap_or(stem);
    if stem == "_index" || stem == "index" {
        String::new()
    } else {
        stem.to_string()
    }
}

fn map_front(
    value: Option<Value>,
    text: &str,
    first: usize,
    rel: &str,
    notes: &mut Vec<Note>,
) -> NewFront {
    let mut front = NewFront::default();
    let Some(map) = value.as_ref().and_then(Value::as_mapping) else {
        return front;
    };
    let mut link_title = None;
    let mut summary = None;
    for (k, v) in map {
        let Some(key) = value_str(k) else {
            continue;
        };
        let line = convert::key_line(text, &key, first);
        match key.to_ascii_lowercase().as_str() {
            "title" => front.title = value_str(v),
            "linktitle" => link_title = value_str(v),
            "description" => front.description = value_str(v),
            "summary" => summary = value_str(v),
            "tags" | "categories" => front.tags.extend(value_tags(v)),
            "weight" => front.weight = v.as_i64(),
            "draft" => front.draft = v.as_bool().unwrap_or(false),
            "date" | "publishdate" => {
                if front.date.is_none() {
                    front.date = value_str(v).and_then(|d| date_only(&d));
                }
            }
            "aliases" => front.aliases.extend(value_tags(v)),
            "slug" => {
                if let Some(slug) = value_str(v) {
                    // A bundle's slug replaces its folder's name.
                    let own = rel.strip_suffix("/index.md").unwrap_or(rel);
                    let dir = own.rsplit_once('/').map_or("", |(d, _)| d);
                    let old = [dir, slug.trim_matches('/')]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/");
                    front.aliases.push(format!("{old}/"));
                }
            }
            "url" => {
                if let Some(url) = value_str(v) {
                    front.aliases.push(url);
                }
            }
            _ => notes.push(Note::new(
                line,
                format!("front matter `{key}` has no lorebook equivalent; dropped"),
            )),
        }
    }
    if front.title.is_none() {
        front.title = link_title;
    }
    if front.description.is_none() {
        front.description = summary;
    }
    front.tags.sort();
    front.tags.dedup();
    front
}

/// One `{{< name args >}}` / `{{% name args %}}` found at `start..end`.
struct Shortcode<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    args: &'a str,
    closing: bool,
}

fn next_shortcode(text: &str, from: usize) -> Option<Shortcode<'_>> {
    let mut at = from;
    loop {
        let i = at + text.get(at..)?.find("{{")?;
        let rest = &text[i + 2..];
        let delim = rest.trim_start().chars().next()?;
        if delim != '<' && delim != '%' {
            at = i + 2;
            continue;
        }
        let close = if delim == '<' { ">}}" } else { "%}}" };
        let open_len = 2 + rest.find(delim)? + 1;
        let end_rel = text[i + open_len..].find(close)?;
        let inner = text[i + open_len..i + open_len + end_rel].trim();
        let end = i + open_len + end_rel + close.len();
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(r) => (true, r.trim()),
            None => (
                false,
                inner.trim_start_matches("/*").trim_end_matches("*/").trim(),
            ),
        };
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        return Some(Shortcode {
            start: i,
            end,
            name,
            args: args.trim(),
            closing,
        });
    }
}

/// `key="value"` or the n-th positional argument of a shortcode.
fn arg(args: &str, key: &str, position: usize) -> Option<String> {
    let mut positional = Vec::new();
    let mut rest = args.trim();
    while !rest.is_empty() {
        let (k, r) = match rest.find('=') {
            Some(eq) if !rest[..eq].contains(['"', ' ']) => (Some(&rest[..eq]), &rest[eq + 1..]),
            _ => (None, rest),
        };
        let r = r.trim_start();
        let (value, after) = if let Some(q) = r.strip_prefix('"') {
            let e = q.find('"')?;
            (&q[..e], &q[e + 1..])
        } else {
            let e = r.find(char::is_whitespace).unwrap_or(r.len());
            (&r[..e], &r[e..])
        };
        match k {
            Some(k) if k == key => return Some(value.to_string()),
            Some(_) => {}
            None => positional.push(value),
        }
        rest = after.trim_start();
    }
    positional.get(position).map(|s| s.to_string())
}

/// Shortcodes to Markdown; `ref` and `relref` to the old path of their
/// target (rewritten later with every other link).
fn shortcodes(
    body: &str,
    rel: &str,
    by_name: &BTreeMap<&str, Vec<&str>>,
    exists: &dyn Fn(&str) -> bool,
    first_line: usize,
    notes: &mut Vec<Note>,
) -> String {
    let line_at = |offset: usize| first_line + body[..offset].matches('\n').count();
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(sc) = next_shortcode(body, from) {
        from = sc.end;
        if sc.closing {
            continue;
        }
        let line = line_at(sc.start);
        let paired = |name: &str| -> Option<(usize, usize)> {
            let mut at = sc.end;
            while let Some(c) = next_shortcode(body, at) {
                if c.closing && c.name == name {
                    return Some((c.start, c.end));
                }
                at = c.end;
            }
            None
        };
        let replacement = match sc.name {
            "ref" | "relref" => {
                let target = arg(sc.args, "path", 0).unwrap_or_default();
                let (path, anchor) = match target.split_once('#') {
                    Some((p, a)) => (p.to_string(), format!("#{a}")),
                    None => (target.clone(), String::new()),
                };
                let found = resolve_ref(rel, &path, by_name, exists);
                match found {
                    Some(old) => Some((format!("@/{old}{anchor}"), sc.end)),
                    None => {
                        notes.push(Note::new(
                            line,
                            format!(
                                "`{}` finds no page; left as written",
                                &body[sc.start..sc.end]
                            ),
                        ));
                        None
                    }
                }
            }
            "highlight" => paired("highlight").map(|(cs, ce)| {
                let lang = arg(sc.args, "lang", 0).unwrap_or_default();
                let code = body[sc.end..cs].trim_matches('\n');
                (format!("```{lang}\n{code}\n```"), ce)
            }),
            "figure" => {
                let src = arg(sc.args, "src", 99).unwrap_or_default();
                let alt = arg(sc.args, "alt", 99).unwrap_or_default();
                let caption = arg(sc.args, "caption", 99)
                    .map(|c| format!("\n\n*{c}*"))
                    .unwrap_or_default();
                Some((format!("![{alt}]({src}){caption}"), sc.end))
            }
            "notice" | "alert" | "callout" | "admonition" | "hint" => {
                paired(sc.name).map(|(cs, ce)| {
                    let kind = arg(sc.args, "type", 0).unwrap_or_else(|| "note".into());
                    let title = arg(sc.args, "title", 1);
                    let inner = body[sc.end..cs].trim_matches('\n');
                    let mut text = String::new();
                    let (alert, lossy) = convert::alert_for(&kind);
                    if lossy {
                        notes.push(Note::new(
                            line,
                            format!("`{}` type `{kind}` written as `[!{alert}]`", sc.name),
                        ));
                    }
                    text.push_str(&format!("> [!{alert}]\n"));
                    if let Some(t) = title {
                        text.push_str(&format!("> **{t}**\n>\n"));
                    }
                    for l in inner.lines() {
                        text.push_str(if l.trim().is_empty() { ">" } else { "> " });
                        text.push_str(l);
                        text.push('\n');
                    }
                    (text.trim_end().to_string(), ce)
                })
            }
            other => {
                notes.push(Note::new(
                    line,
                    format!("shortcode `{other}` is not supported; left as written"),
                ));
                None
            }
        };
        if let Some((text, end)) = replacement {
            out.push_str(&body[last..sc.start]);
            out.push_str(&text);
            last = end;
            from = end;
        }
    }
    out.push_str(&body[last..]);
    out
}

/// Hugo's `ref` lookup: from the content root (`/a/b.md`), relative to the
/// page, or a file name unique in the site; `.md` may be left out.
fn resolve_ref(
    rel: &str,
    path: &str,
    by_name: &BTreeMap<&str, Vec<&str>>,
    exists: &dyn Fn(&str) -> bool,
) -> Option<String> {
    if path.is_empty() {
        return Some(rel.to_string());
    }
    let candidates = |p: &str| -> Vec<String> {
        let p = p.trim_end_matches('/');
        vec![
            p.to_string(),
            format!("{p}.md"),
            format!("{p}/_index.md"),
            format!("{p}/index.md"),
        ]
    };
    let from_root = path.strip_prefix('/').map(|p| p.to_string());
    let relative = convert::resolve(rel, path);
    for base in [from_root, relative].into_iter().flatten() {
        if let Some(found) = candidates(&base).into_iter().find(|c| exists(c)) {
            return Some(found);
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = if name.ends_with(".md") {
        name.to_string()
    } else {
        format!("{name}.md")
    };
    match by_name.get(name.as_str()).map(Vec::as_slice) {
        Some([one]) => Some(one.to_string()),
        _ => None,
    }
}

fn convert_tree(config: &Value, config_name: &str, source: &Source) -> Imported {
    let mut notes = Vec::new();
    let title = get_str(config, "title").unwrap_or_else(|| "Imported docs".into());
    let base_url = get_str(config, "baseURL").filter(|b| b.contains("://"));
    let description = get(config, "params").and_then(|p| get_str(p, "description"));
    for key in [
        "theme",
        "menu",
        "menus",
        "markup",
        "taxonomies",
        "outputs",
        "languages",
        "module",
    ] {
        if get(config, key).is_some() {
            notes.push(Diagnostic::warning(
                config_name,
                format!(
                    "`{key}` is not imported (lorebook has its own theme, sections and Markdown)"
                ),
            ));
        }
    }
    let moved = new_paths(source);
    let rels: BTreeSet<&str> = moved.keys().map(String::as_str).collect();
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (f, _) in &source.pages {
        by_name
            .entry(f.rel.rsplit('/').next().unwrap_or(&f.rel))
            .or_default()
            .push(&f.rel);
    }
    let routes: BTreeMap<String, String> = source
        .pages
        .iter()
        .map(|(f, _)| (old_route(&f.rel), f.rel.clone()))
        .collect();
    let base_path = base_url
        .as_deref()
        .and_then(|b| crate::urls::BaseUrl::parse(b).ok())
        .map_or_else(|| "/".to_string(), |b| b.path);
    let route = |r: &str| -> Option<String> {
        let p = r
            .strip_prefix(base_path.as_str())
            .or_else(|| r.strip_prefix('/'))?;
        routes.get(p.trim_end_matches('/')).cloned()
    };
    let statics: BTreeSet<String> = source.statics.iter().map(|s| s.rel.clone()).collect();
    let links = Links {
        moved: &moved,
        route: &route,
        statics: &statics,
    };
    let exists = |p: &str| rels.contains(p);

    let mut files = BTreeMap::new();
    let mut pages = 0;
    for (file, text) in &source.pages {
        let shown = format!("{}/{}", source.shown_dir, file.rel);
        let new = &moved[&file.rel];
        let mut page_notes = Vec::new();
        let (front, body, body_line) = split(text);
        let value = match front {
            Some((format, t, line)) => match parse_any(t, format, &shown, line) {
                Ok(v) => Some((v, t, line)),
                Err(d) => {
                    page_notes.push(Note::new(
                        d.line,
                        format!("front matter not read: {}", d.message),
                    ));
                    None
                }
            },
            None => None,
        };
        let front = match value {
            Some((v, t, line)) => map_front(Some(v), t, line, &file.rel, &mut page_notes),
            None => NewFront::default(),
        };
        let body = shortcodes(
            body,
            &file.rel,
            &by_name,
            &exists,
            body_line,
            &mut page_notes,
        );
        let body = links.rewrite(&body, &file.rel, new, body_line, &mut page_notes);
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
    for s in &source.statics {
        files.insert(format!("static/{}", s.rel), Contents::Copy(s.path.clone()));
    }
    files.insert(
        "lorebook.yaml".into(),
        Contents::Text(new_site::config_text(
            Format::Hugo,
            &title,
            base_url.as_deref(),
            description.as_deref(),
            None,
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
    fn toml_front_matter_is_read() {
        let (front, body, line) = split("+++\ntitle = \"Install\"\nweight = 3\n+++\nBody\n");
        let (format, text, first) = front.unwrap();
        assert_eq!((format, first, body, line), ("toml", 2, "Body\n", 5));
        let v = parse_any(text, format, "a.md", first).unwrap();
        let mut notes = Vec::new();
        let f = map_front(Some(v), text, first, "a.md", &mut notes);
        assert_eq!(f.title.as_deref(), Some("Install"));
        assert_eq!(f.weight, Some(3));
    }

    #[test]
    fn refs_figures_highlights_and_notices_become_markdown() {
        let by_name: BTreeMap<&str, Vec<&str>> = [("install.md", vec!["docs/install.md"])]
            .into_iter()
            .collect();
        let exists = |p: &str| p == "docs/install.md" || p == "docs/_index.md";
        let mut notes = Vec::new();
        let body = "See [it]({{< ref \"install.md#linux\" >}}) and [up]({{< relref \"/docs\" >}}).\n\n{{< highlight go >}}\nfmt.Println()\n{{< /highlight >}}\n\n{{< figure src=\"a.png\" alt=\"A\" caption=\"Cap\" >}}\n\n{{% notice warning %}}\nCareful.\n{{% /notice %}}\n\n{{< youtube abc >}}\n";
        let out = shortcodes(body, "blog/post.md", &by_name, &exists, 1, &mut notes);
        assert_eq!(
            out,
            "See [it](@/docs/install.md#linux) and [up](@/docs/_index.md).\n\n```go\nfmt.Println()\n```\n\n![A](a.png)\n\n*Cap*\n\n> [!WARNING]\n> Careful.\n\n{{< youtube abc >}}\n"
        );
        assert_eq!(
            notes,
            [Note::new(
                13,
                "shortcode `youtube` is not supported; left as written"
            )]
        );
    }
}
