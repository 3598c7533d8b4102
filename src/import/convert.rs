//! Text conversions shared by the importers, all pure: admonitions
//! (`!!! note` of MkDocs, `:::note` of Docusaurus) into GitHub alerts,
//! MkDocs content tabs into titled paragraphs, link destinations rewritten
//! in place (found with pulldown-cmark, so code is never touched), and
//! front matter mapped to lorebook's keys. Whatever cannot be mapped is a
//! [`Note`] at its line.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// Something the importer could not map, at a 1-based line of the file
/// (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub message: String,
}

impl Note {
    pub fn new(line: usize, message: impl Into<String>) -> Note {
        Note {
            line,
            message: message.into(),
        }
    }
}

/// The GitHub alert an admonition type becomes, and whether that loses
/// something (its own colour or icon).
pub fn alert_for(kind: &str) -> (&'static str, bool) {
    match kind.to_ascii_lowercase().as_str() {
        "note" => ("NOTE", false),
        "info" => ("NOTE", false),
        "tip" | "hint" => ("TIP", false),
        "important" => ("IMPORTANT", false),
        "warning" | "caution" | "attention" => ("WARNING", false),
        "danger" | "error" => ("CAUTION", false),
        "success" | "check" | "done" => ("TIP", true),
        "failure" | "fail" | "missing" | "bug" => ("CAUTION", true),
        _ => ("NOTE", true),
    }
}

/// Fenced code state of a line-by-line scan: fences are not converted.
#[derive(Default)]
struct Fence {
    open: Option<(char, usize)>,
}

impl Fence {
    /// Feed a line; true while it is part of a fenced code block
    /// (fence lines included).
    fn inside(&mut self, line: &str) -> bool {
        let t = line.trim_start();
        let run = |c: char| t.chars().take_while(|&x| x == c).count();
        match self.open {
            Some((c, n)) => {
                if run(c) >= n && t.trim_start_matches(c).trim().is_empty() {
                    self.open = None;
                }
                true
            }
            None => {
                for c in ['`', '~'] {
                    let n = run(c);
                    if n >= 3 {
                        self.open = Some((c, n));
                        return true;
                    }
                }
                false
            }
        }
    }
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

/// `line` without its first `n` columns of indentation.
fn dedent(line: &str, n: usize) -> &str {
    let mut cols = 0;
    for (i, c) in line.char_indices() {
        if cols >= n {
            return &line[i..];
        }
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4 - cols % 4,
            _ => return &line[i..],
        }
    }
    ""
}

fn quote_lines(out: &mut String, body: &str) {
    for l in body.lines() {
        if l.trim().is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(l);
            out.push('\n');
        }
    }
}

/// `> [!NOTE]`, an optional bold title, then `body` quoted.
fn alert(out: &mut String, kind: &str, title: Option<&str>, body: &str) {
    let (alert, _) = alert_for(kind);
    out.push_str(&format!("> [!{alert}]\n"));
    if let Some(t) = title.map(str::trim).filter(|t| !t.is_empty()) {
        out.push_str(&format!("> **{t}**\n"));
        if !body.trim().is_empty() {
            out.push_str(">\n");
        }
    }
    quote_lines(out, body.trim_matches('\n'));
}

/// MkDocs (Python-Markdown admonition, pymdownx.details and tabbed):
/// `!!! type "Title"`, `??? type`, `???+ type` and `=== "Tab"` blocks
/// indented by four spaces. `first_line` is the file line of `text`'s
/// first line, for notes.
pub fn mkdocs_blocks(text: &str, first_line: usize, notes: &mut Vec<Note>) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut fence = Fence::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if fence.inside(line) {
            out.push_str(line);
            i += 1;
            continue;
        }
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let indent = indent_of(trimmed);
        let head = trimmed.trim_start();
        let block = parse_mkdocs_head(head);
        let Some(block) = block else {
            out.push_str(line);
            i += 1;
            continue;
        };
        // The body: following lines indented deeper (blank lines included
        // while more indented lines follow).
        let mut j = i + 1;
        let mut last = i;
        while j < lines.len() {
            let l = lines[j].trim_end_matches(['\n', '\r']);
            if l.trim().is_empty() {
                j += 1;
                continue;
            }
            if indent_of(l) >= indent + 4 {
                last = j;
                j += 1;
            } else {
                break;
            }
        }
        let body: String = lines[i + 1..=last]
            .iter()
            .map(|l| {
                let l = l.trim_end_matches(['\n', '\r']);
                format!("{}\n", dedent(l, indent + 4))
            })
            .collect();
        let line_no = first_line + i;
        let inner = mkdocs_blocks(&body, line_no + 1, notes);
        let mut converted = String::new();
        match block {
            MkdocsHead::Admonition {
                kind,
                title,
                collapsible,
                extra,
            } => {
                let (alert_name, lossy) = alert_for(kind);
                if lossy {
                    notes.push(Note::new(
                        line_no,
                        format!("admonition type `{kind}` has no GitHub alert; written as `[!{alert_name}]`"),
                    ));
                }
                if collapsible {
                    notes.push(Note::new(line_no, "collapsible admonition written open"));
                }
                if !extra.is_empty() {
                    notes.push(Note::new(
                        line_no,
                        format!("admonition options `{extra}` dropped"),
                    ));
                }
                alert(&mut converted, kind, title, &inner);
            }
            MkdocsHead::Tab { title } => {
                notes.push(Note::new(
                    line_no,
                    format!("content tab `{title}` written as a titled paragraph (lorebook has no tabs)"),
                ));
                converted.push_str(&format!("**{title}**\n\n"));
                converted.push_str(inner.trim_matches('\n'));
                converted.push('\n');
            }
        }
        let prefix = " ".repeat(indent);
        for l in converted.lines() {
            if !l.is_empty() {
                out.push_str(&prefix);
            }
            out.push_str(l);
            out.push('\n');
        }
        i = last + 1;
    }
    out
}

enum MkdocsHead<'a> {
    Admonition {
        kind: &'a str,
        title: Option<&'a str>,
        collapsible: bool,
        extra: String,
    },
    Tab {
        title: &'a str,
    },
}

fn parse_mkdocs_head(head: &str) -> Option<MkdocsHead<'_>> {
    if let Some(rest) = head.strip_prefix("=== ") {
        let title = rest.trim().trim_start_matches('!').trim();
        let title = title.strip_prefix('"')?.strip_suffix('"')?;
        return Some(MkdocsHead::Tab { title });
    }
    let (rest, collapsible) = if let Some(r) = head.strip_prefix("!!! ") {
        (r, false)
    } else if let Some(r) = head.strip_prefix("???+ ") {
        (r, true)
    } else if let Some(r) = head.strip_prefix("??? ") {
        (r, true)
    } else {
        return None;
    };
    let rest = rest.trim();
    let (words, title) = match rest.find('"') {
        Some(q) => {
            let t = &rest[q + 1..];
            let end = t.rfind('"')?;
            (&rest[..q], Some(&t[..end]))
        }
        None => (rest, None),
    };
    let mut words = words.split_whitespace();
    let kind = words.next()?;
    if !kind
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let extra = words.collect::<Vec<_>>().join(" ");
    Some(MkdocsHead::Admonition {
        kind,
        title,
        collapsible,
        extra,
    })
}

/// Docusaurus admonitions: `:::type`, `:::type Title`, `:::type[Title]`,
/// `:::type{title="Title"}` up to a line of as many colons; nested ones use
/// more colons.
pub fn docusaurus_admonitions(text: &str, first_line: usize, notes: &mut Vec<Note>) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut fence = Fence::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if fence.inside(line) {
            out.push_str(line);
            i += 1;
            continue;
        }
        let t = line.trim();
        let colons = t.chars().take_while(|&c| c == ':').count();
        let head = &t[colons..];
        let kind_len = head
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(head.len());
        if colons < 3 || kind_len == 0 {
            out.push_str(line);
            i += 1;
            continue;
        }
        let kind = &head[..kind_len];
        let title = docusaurus_title(head[kind_len..].trim());
        // Find the closing line, skipping fenced code.
        let mut inner_fence = Fence::default();
        let mut end = None;
        for (j, l) in lines.iter().enumerate().skip(i + 1) {
            if inner_fence.inside(l) {
                continue;
            }
            let lt = l.trim();
            if lt.len() == colons && lt.chars().all(|c| c == ':') {
                end = Some(j);
                break;
            }
        }
        let Some(end) = end else {
            notes.push(Note::new(
                first_line + i,
                format!("`:::{kind}` is never closed; left as written"),
            ));
            out.push_str(line);
            i += 1;
            continue;
        };
        let body: String = lines[i + 1..end].concat();
        let inner = docusaurus_admonitions(&body, first_line + i + 1, notes);
        let (alert_name, lossy) = alert_for(kind);
        if lossy {
            notes.push(Note::new(
                first_line + i,
                format!(
                    "admonition type `{kind}` has no GitHub alert; written as `[!{alert_name}]`"
                ),
            ));
        }
        alert(&mut out, kind, title.as_deref(), &inner);
        i = end + 1;
    }
    out
}

fn docusaurus_title(rest: &str) -> Option<String> {
    if let Some(t) = rest.strip_prefix('[') {
        return t.rfind(']').map(|e| t[..e].to_string());
    }
    if let Some(attrs) = rest.strip_prefix('{') {
        let t = attrs.split("title=").nth(1)?;
        let t = t.trim_start_matches(['"', '\'']);
        let end = t.find(['"', '\''])?;
        return Some(t[..end].to_string());
    }
    Some(rest.to_string()).filter(|t| !t.is_empty())
}

/// Rewrite every link and image destination of the Markdown `text`
/// (inline links and reference definitions; never inside code) through
/// `f`, which returns the new destination or None to keep it.
pub fn rewrite_links(text: &str, mut f: impl FnMut(&str, usize) -> Option<String>) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let parser = Parser::new_ext(text, Options::all()).into_offset_iter();
    let defs: Vec<(String, Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, d)| (d.dest.to_string(), d.span.clone()))
        .collect();
    for (ev, range) in parser {
        let dest = match &ev {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => dest_url.to_string(),
            _ => continue,
        };
        if let Some(at) = inline_dest(text, &range, &dest) {
            if let Some(new) = f(&dest, line_of(at.start)) {
                edits.push((at, new));
            }
        }
    }
    for (dest, span) in defs {
        let slice = &text[span.clone()];
        let Some(colon) = slice.find("]:") else {
            continue;
        };
        if let Some(pos) = slice[colon..].find(dest.as_str()) {
            let start = span.start + colon + pos;
            if let Some(new) = f(&dest, line_of(start)) {
                edits.push((start..start + dest.len(), new));
            }
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    edits.dedup_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (r, new) in edits {
        if r.start < last {
            continue;
        }
        out.push_str(&text[last..r.start]);
        out.push_str(&new);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Where `dest` is written in the inline link spanning `range`: after the
/// last `](` (reference links have none: they are edited at their
/// definition).
fn inline_dest(text: &str, range: &Range<usize>, dest: &str) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    if dest.is_empty() {
        return None;
    }
    let open = slice.rfind("](")? + 2;
    let pos = slice[open..].find(dest)?;
    let start = range.start + open + pos;
    Some(start..start + dest.len())
}

/// `../a/./b.md` resolved against the folder of `from` (both `/`-separated,
/// relative to the content root); None when it climbs out.
pub fn resolve(from: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A relative link from the file `from` to the file `to` (both relative to
/// the content root).
pub fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // A file and a folder of the same name are not a common prefix.
    let common = common.min(to_parts.len() - 1);
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// Split a destination into its path and its `?query#fragment` suffix.
pub fn split_dest(dest: &str) -> (&str, &str) {
    let end = dest.find(['?', '#']).unwrap_or(dest.len());
    dest.split_at(end)
}

/// True for `https:`, `mailto:` and other schemes, and `//host` links.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(c) => {
            let scheme = &dest[..c];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|f| f.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The 1-based line of `key:` at the top level of a YAML front matter
/// whose first line is `first_line` of the file (0 when not found).
pub fn key_line(yaml: &str, key: &str, first_line: usize) -> usize {
    // YAML `key:`, TOML `key =`, JSON `"key":`.
    yaml.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.strip_prefix(key).is_some_and(|r| {
                r.trim_start_matches('"')
                    .trim_start()
                    .starts_with([':', '='])
            })
        })
        .map_or(0, |i| first_line + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mkdocs_admonitions_become_github_alerts() {
        let mut notes = Vec::new();
        let md = "Intro.\n\n!!! warning \"Back up first\"\n    Your data may be lost.\n\n    ```sh\n    cp a b\n    ```\n\nAfter.\n";
        let out = mkdocs_blocks(md, 1, &mut notes);
        assert_eq!(
            out,
            "Intro.\n\n> [!WARNING]\n> **Back up first**\n>\n> Your data may be lost.\n>\n> ```sh\n> cp a b\n> ```\n\nAfter.\n"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn mkdocs_collapsible_nested_and_unknown_types_are_noted() {
        let mut notes = Vec::new();
        let md = "??? abstract\n    Outer.\n\n    !!! tip\n        Inner.\n";
        let out = mkdocs_blocks(md, 10, &mut notes);
        assert_eq!(out, "> [!NOTE]\n> Outer.\n>\n> > [!TIP]\n> > Inner.\n");
        let lines: Vec<(usize, &str)> =
            notes.iter().map(|n| (n.line, n.message.as_str())).collect();
        assert_eq!(
            lines,
            [
                (
                    10,
                    "admonition type `abstract` has no GitHub alert; written as `[!NOTE]`"
                ),
                (10, "collapsible admonition written open"),
            ]
        );
    }

    #[test]
    fn mkdocs_tabs_become_titled_paragraphs_and_code_is_untouched() {
        let mut notes = Vec::new();
        let md =
            "=== \"Linux\"\n    apt install acme\n\n```\n!!! note\n    not an admonition\n```\n";
        let out = mkdocs_blocks(md, 1, &mut notes);
        assert_eq!(
            out,
            "**Linux**\n\napt install acme\n\n```\n!!! note\n    not an admonition\n```\n"
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].line, 1);
    }

    #[test]
    fn docusaurus_admonitions_in_every_title_form() {
        let mut notes = Vec::new();
        for (head, title) in [
            (":::tip", None),
            (":::tip Pro tip", Some("Pro tip")),
            (":::tip[Pro tip]", Some("Pro tip")),
            (":::tip{title=\"Pro tip\"}", Some("Pro tip")),
        ] {
            let out = docusaurus_admonitions(&format!("{head}\nUse it.\n:::\n"), 1, &mut notes);
            let want = match title {
                Some(t) => format!("> [!TIP]\n> **{t}**\n>\n> Use it.\n"),
                None => "> [!TIP]\n> Use it.\n".to_string(),
            };
            assert_eq!(out, want, "{head}");
        }
        let out = docusaurus_admonitions(
            "::::danger\nOuter\n\n:::info\nInner\n:::\n\n```\n:::\n```\n::::\n",
            1,
            &mut notes,
        );
        assert_eq!(
            out,
            "> [!CAUTION]\n> Outer\n>\n> > [!NOTE]\n> > Inner\n>\n> ```\n> :::\n> ```\n"
        );
        assert!(notes.is_empty());
        let out = docusaurus_admonitions(":::note\nnever closed\n", 5, &mut notes);
        assert_eq!(out, ":::note\nnever closed\n");
        assert_eq!(notes[0].line, 5);
    }

    #[test]
    fn links_are_rewritten_in_place_and_code_is_not() {
        let md = "See [a](a.md#x) and ![i](img/p.png \"t\").\n\n`[no](a.md)`\n\n[ref]: a.md\n\nUse [ref].\n";
        let out = rewrite_links(md, |d, line| {
            Some(format!("{}@{line}", d.replace("a.md", "b.md")))
        });
        assert_eq!(
            out,
            "See [a](b.md#x@1) and ![i](img/p.png@1 \"t\").\n\n`[no](a.md)`\n\n[ref]: b.md@5\n\nUse [ref].\n"
        );
    }

    #[test]
    fn relative_paths_between_files() {
        assert_eq!(relative("a/b.md", "a/c.md"), "c.md");
        assert_eq!(relative("a/b.md", "x/y.md"), "../x/y.md");
        assert_eq!(relative("b.md", "x/y.md"), "x/y.md");
        assert_eq!(relative("a/b/c.md", "a/_index.md"), "../_index.md");
        assert_eq!(resolve("a/b.md", "../c/./d.md").as_deref(), Some("c/d.md"));
        assert_eq!(resolve("a.md", "../x.md"), None);
    }
}
