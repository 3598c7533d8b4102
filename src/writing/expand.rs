//! Includes and variables: a page body in, the body writers meant out,
//! with a map from each line of the result to the line of the page it
//! came from (so links and problems are reported where the writer can act).
//!
//! - `<!-- include: snippets/warning.md -->` alone on its line (in a list
//!   or a quote too: the included lines get the same prefix) is replaced by
//!   the snippet, itself expanded. Links in a snippet resolve from the page
//!   that includes it. A snippet that includes itself, directly or not, is
//!   an error naming the cycle.
//! - `{{ name }}` (letters, digits, `_`, `-`, dots) is replaced by the site
//!   variable; an unknown name is an error. `\{{` keeps the braces. Code
//!   spans, code blocks and math are left alone.
//!
//! The code and the directives are found with pulldown-cmark itself, so a
//! directive shown in a code block stays as written. Text without `{{` or
//! `<!--` is not parsed twice.

use std::collections::BTreeSet;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use super::{Problem, Writing, SNIPPETS_DIR};

/// How deep includes may nest.
pub const MAX_DEPTH: usize = 16;

/// A page body after includes and variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// For each line of `text`, the 0-based line of the page body it comes
    /// from (an included line: the line of the page's directive).
    pub lines: Vec<u32>,
    /// Snippets used (paths relative to `snippets/`), sorted.
    pub includes: Vec<String>,
    pub problems: Vec<Problem>,
}

/// Expand `body`; None when it holds nothing to expand (the common case).
pub fn expand(body: &str, writing: &Writing) -> Option<Expanded> {
    if !needs_expansion(body) {
        return None;
    }
    let mut out = Out::default();
    let mut stack = Vec::new();
    expand_into(body, None, None, writing, &mut stack, &mut out);
    if out.text == body && out.problems.is_empty() && out.includes.is_empty() {
        return None;
    }
    Some(Expanded {
        text: out.text,
        lines: out.lines,
        includes: out.includes.into_iter().collect(),
        problems: out.problems,
    })
}

fn needs_expansion(text: &str) -> bool {
    text.contains("{{") || text.contains("<!--")
}

#[derive(Default)]
struct Out {
    text: String,
    lines: Vec<u32>,
    includes: BTreeSet<String>,
    problems: Vec<Problem>,
}

impl Out {
    fn push_line(&mut self, line: &str, origin: u32) {
        self.text.push_str(line);
        let n = line.matches('\n').count().max(1);
        self.lines.extend(std::iter::repeat_n(origin, n));
    }
}

/// Where directives and code are in one text.
struct Scan {
    /// Byte ranges that are code or math (sorted by start).
    code: Vec<Range<usize>>,
    /// Include directives: the byte where `<!--` starts, and the path.
    includes: Vec<(usize, String)>,
}

fn scan(text: &str) -> Scan {
    let mut code = Vec::new();
    let mut includes = Vec::new();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH;
    for (ev, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(_))
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => code.push(range),
            Event::Start(Tag::HtmlBlock) => {
                if let Some(path) = text.get(range.clone()).and_then(include_directive) {
                    let at = range.start + text[range].find("<!--").unwrap_or(0);
                    includes.push((at, path));
                }
            }
            _ => {}
        }
    }
    code.sort_by_key(|r| r.start);
    Scan { code, includes }
}

/// `<!-- include: path -->` (one line) -> `path`.
pub fn include_directive(block: &str) -> Option<String> {
    let inner = block
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    if inner.contains('\n') {
        return None;
    }
    let path = inner.strip_prefix("include:")?.trim();
    (!path.is_empty()).then(|| path.to_string())
}

/// Expand `text` (the page when `file` is None, else a snippet) into
/// `out`. `anchor`: the page line every line of a snippet maps to.
fn expand_into(
    text: &str,
    file: Option<&str>,
    anchor: Option<u32>,
    w: &Writing,
    stack: &mut Vec<String>,
    out: &mut Out,
) {
    let scan = if needs_expansion(text) {
        scan(text)
    } else {
        Scan {
            code: Vec::new(),
            includes: Vec::new(),
        }
    };
    let mut next_include = scan.includes.iter().peekable();
    let mut start = 0;
    for (idx, line) in text.split_inclusive('\n').enumerate() {
        let line_range = start..start + line.len();
        start = line_range.end;
        let origin = anchor.unwrap_or(idx as u32);
        let place = |col: usize| (file.map(str::to_string), idx + 1, col);
        let directive = next_include
            .next_if(|(at, _)| line_range.contains(at))
            .map(|(at, path)| (at - line_range.start, path));
        if let Some((col, path)) = directive {
            let prefix = &line[..col];
            if include(path, prefix, place(col + 1), origin, w, stack, out) {
                continue;
            }
            // Not included: the directive stays (a comment, hidden).
            out.push_line(line, origin);
            continue;
        }
        if !line.contains("{{") {
            out.push_line(line, origin);
            continue;
        }
        let substituted = substitute(line, line_range.start, &scan.code, w, &place, out);
        out.push_line(&substituted, origin);
    }
}

/// Include one snippet; false when it could not be (the problem is
/// recorded).
fn include(
    path: &str,
    prefix: &str,
    (file, line, col): (Option<String>, usize, usize),
    origin: u32,
    w: &Writing,
    stack: &mut Vec<String>,
    out: &mut Out,
) -> bool {
    let problem = |message: String, hint: Option<String>| Problem {
        file: file.clone(),
        line,
        col,
        error: true,
        message,
        hint,
    };
    let Some(name) = snippet_name(path) else {
        out.problems.push(problem(
            format!("cannot include `{path}`: includes come from the `{SNIPPETS_DIR}/` folder"),
            Some(format!(
                "write the path from the site root, e.g. `{SNIPPETS_DIR}/warning.md`"
            )),
        ));
        return false;
    };
    let Some(snippet) = w.snippets.get(&name) else {
        let hint = crate::diagnostics::closest(&name, w.snippets.keys().map(String::as_str))
            .map(|b| format!("did you mean `{SNIPPETS_DIR}/{b}`?"))
            .or_else(|| Some(format!("create `{SNIPPETS_DIR}/{name}` in the site root")));
        out.problems.push(problem(
            format!("no snippet `{SNIPPETS_DIR}/{name}` to include"),
            hint,
        ));
        return false;
    };
    if stack.contains(&name) {
        let mut chain: Vec<String> = stack
            .iter()
            .skip_while(|s| **s != name)
            .map(|s| format!("{SNIPPETS_DIR}/{s}"))
            .collect();
        chain.push(format!("{SNIPPETS_DIR}/{name}"));
        out.problems.push(problem(
            format!("include cycle: {}", chain.join(" → ")),
            Some("remove one of these includes".into()),
        ));
        return false;
    }
    if stack.len() >= MAX_DEPTH {
        out.problems.push(problem(
            format!("includes nested more than {MAX_DEPTH} deep"),
            None,
        ));
        return false;
    }
    out.includes.insert(name.clone());
    // The included lines sit in the same container as the directive: a
    // quote's `>` stays, anything else becomes spaces.
    let cont: String = prefix
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect();
    let mut inner = Out::default();
    stack.push(name.clone());
    expand_into(
        snippet,
        Some(&format!("{SNIPPETS_DIR}/{name}")),
        Some(origin),
        w,
        stack,
        &mut inner,
    );
    stack.pop();
    out.problems.append(&mut inner.problems);
    out.includes.append(&mut inner.includes);
    for (i, l) in inner.text.split_inclusive('\n').enumerate() {
        let p = if i == 0 { prefix } else { cont.as_str() };
        let mut line = String::with_capacity(p.len() + l.len() + 1);
        if !l.trim().is_empty() {
            line.push_str(p);
        } else {
            line.push_str(p.trim_end());
        }
        line.push_str(l);
        if !line.ends_with('\n') {
            line.push('\n');
        }
        out.push_line(&line, origin);
    }
    // A blank line after, as after the comment on GitHub: the next text
    // of the page starts a new block.
    out.push_line(&format!("{}\n", cont.trim_end()), origin);
    true
}

/// `snippets/a/b.md`, `a/b.md`, `./a.md` -> `a/b.md`; None for paths that
/// leave the folder.
fn snippet_name(path: &str) -> Option<String> {
    let path = path.trim().trim_start_matches("./");
    let rel = path
        .strip_prefix(SNIPPETS_DIR)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(path);
    let ok = !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel.split('/').all(|p| !p.is_empty() && p != "..");
    ok.then(|| rel.to_string())
}

/// Replace `{{ name }}` in one line (at byte `base` of its text), outside
/// `code` ranges.
fn substitute(
    line: &str,
    base: usize,
    code: &[Range<usize>],
    w: &Writing,
    place: &dyn Fn(usize) -> (Option<String>, usize, usize),
    out: &mut Out,
) -> String {
    let mut result = String::with_capacity(line.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(found) = line[from..].find("{{") {
        let at = from + found;
        from = at + 2;
        if line[..at].ends_with('\\') || in_code(base + at, code) {
            continue;
        }
        let Some((name, len)) = variable_at(&line[at..]) else {
            continue;
        };
        result.push_str(&line[last..at]);
        match w.variables.get(name) {
            Some(value) => result.push_str(value),
            None => {
                let (file, line_no, _) = place(0);
                let col = line[..at].chars().count() + 1;
                let hint = crate::diagnostics::closest(name, w.variables.keys().map(String::as_str))
                    .map(|b| format!("did you mean `{b}`?"))
                    .unwrap_or_else(|| {
                        "define it under `variables:` in lorebook.yaml, or write `\\{{` to keep the braces".into()
                    });
                out.problems.push(Problem {
                    file,
                    line: line_no,
                    col,
                    error: true,
                    message: format!("undefined variable `{name}`"),
                    hint: Some(hint),
                });
                result.push_str(&line[at..at + len]);
            }
        }
        last = at + len;
        from = last;
    }
    result.push_str(&line[last..]);
    result
}

fn in_code(offset: usize, code: &[Range<usize>]) -> bool {
    let i = code.partition_point(|r| r.start <= offset);
    code[..i].iter().rev().take(4).any(|r| r.contains(&offset))
}

/// At `{{`: the variable name and the length of the whole `{{ name }}`.
fn variable_at(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix("{{")?;
    let trimmed = rest.trim_start_matches(' ');
    let lead = rest.len() - trimmed.len();
    let name_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(trimmed.len());
    let name = &trimmed[..name_len];
    let after = &trimmed[name_len..];
    let close = after.trim_start_matches(' ');
    let gap = after.len() - close.len();
    if !close.starts_with("}}") || !valid_name(name) {
        return None;
    }
    Some((name, 2 + lead + name_len + gap + 2))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writing(snippets: &[(&str, &str)]) -> Writing {
        Writing {
            snippets: snippets
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            variables: [("product.version", "4.2"), ("product.name", "Acme")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Writing::default()
        }
    }

    #[test]
    fn text_without_directives_is_left_alone() {
        assert_eq!(expand("# A\n\nPlain {text}.\n", &writing(&[])), None);
    }

    #[test]
    fn variables_are_replaced_outside_code() {
        let e = expand(
            "Install {{ product.name }} {{product.version}}.\n\n`{{ product.name }}`\n\n```\n{{ x }}\n```\n\n\\{{ product.name }} and {{< hugo >}} and $\\frac{{a}}{b}$\n",
            &writing(&[]),
        )
        .unwrap();
        assert_eq!(
            e.text,
            "Install Acme 4.2.\n\n`{{ product.name }}`\n\n```\n{{ x }}\n```\n\n\\{{ product.name }} and {{< hugo >}} and $\\frac{{a}}{b}$\n"
        );
        assert!(e.problems.is_empty(), "{:?}", e.problems);
    }

    #[test]
    fn undefined_variable_is_an_error_at_its_line_and_column() {
        let e = expand("One\n\nSee {{ product.verison }}.\n", &writing(&[])).unwrap();
        assert_eq!(e.problems.len(), 1);
        let p = &e.problems[0];
        assert_eq!((p.file.as_deref(), p.line, p.col), (None, 3, 5));
        assert_eq!(p.message, "undefined variable `product.verison`");
        assert_eq!(p.hint.as_deref(), Some("did you mean `product.version`?"));
    }

    #[test]
    fn include_replaces_the_directive_line_and_maps_lines_to_it() {
        let w = writing(&[(
            "warn.md",
            "> [!WARNING]\n> Back up {{ product.name }} first.\n",
        )]);
        let e = expand("Intro\n<!-- include: snippets/warn.md -->\nAfter\n", &w).unwrap();
        assert_eq!(
            e.text,
            "Intro\n> [!WARNING]\n> Back up Acme first.\n\nAfter\n"
        );
        assert_eq!(e.lines, [0, 1, 1, 1, 2]);
        assert_eq!(e.includes, ["warn.md"]);
    }

    #[test]
    fn include_in_a_list_item_or_quote_keeps_the_container() {
        let w = writing(&[("s.md", "First\n\nSecond\n")]);
        let e = expand("- item\n  <!-- include: s.md -->\n", &w).unwrap();
        assert_eq!(e.text, "- item\n  First\n\n  Second\n\n");
        let e = expand("> <!-- include: s.md -->\n", &w).unwrap();
        assert_eq!(e.text, "> First\n>\n> Second\n>\n");
    }

    #[test]
    fn directive_in_code_is_shown_not_included() {
        let w = writing(&[("s.md", "X\n")]);
        let md = "```md\n<!-- include: snippets/s.md -->\n```\n";
        assert_eq!(expand(md, &w), None);
    }

    #[test]
    fn nested_includes_expand_and_cycles_are_named() {
        let w = writing(&[
            ("a.md", "A\n\n<!-- include: snippets/b.md -->\n"),
            ("b.md", "B\n\n<!-- include: snippets/c.md -->\n"),
            ("c.md", "C\n\n<!-- include: snippets/a.md -->\n"),
            ("ok.md", "<!-- include: leaf.md -->\n"),
            ("leaf.md", "Leaf\n"),
        ]);
        let e = expand("<!-- include: snippets/ok.md -->\n", &w).unwrap();
        assert_eq!(e.text, "Leaf\n\n\n");
        assert!(e.problems.is_empty());
        assert_eq!(e.includes, ["leaf.md", "ok.md"]);

        let e = expand("Top\n\n<!-- include: snippets/a.md -->\n", &w).unwrap();
        assert_eq!(e.problems.len(), 1, "{:?}", e.problems);
        let p = &e.problems[0];
        assert_eq!(p.file.as_deref(), Some("snippets/c.md"));
        assert_eq!((p.line, p.col), (3, 1));
        assert_eq!(
            p.message,
            "include cycle: snippets/a.md → snippets/b.md → snippets/c.md → snippets/a.md"
        );
        assert!(e.text.starts_with("Top\n\nA\n\nB\n\nC\n"), "{}", e.text);
    }

    #[test]
    fn missing_or_outside_snippets_are_errors_with_hints() {
        let w = writing(&[("warning.md", "W\n")]);
        let e = expand("<!-- include: snippets/warnings.md -->\n", &w).unwrap();
        assert_eq!(
            e.problems[0].message,
            "no snippet `snippets/warnings.md` to include"
        );
        assert_eq!(
            e.problems[0].hint.as_deref(),
            Some("did you mean `snippets/warning.md`?")
        );
        let e = expand("<!-- include: ../secret.md -->\n", &w).unwrap();
        assert!(e.problems[0].message.contains("`snippets/` folder"));
        // An ordinary comment is no directive.
        assert_eq!(expand("<!-- a note -->\n", &w), None);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let w = writing(&[("s.md", "{{")]);
        for md in [
            "{{",
            "{{ }}",
            "{{ a.}}",
            "{{ .a }}",
            "é{{ product.name }}ü",
            "<!-- include: -->",
            "<!-- include: s.md -->",
            "<!--",
            "\\{{",
        ] {
            let _ = expand(md, &w);
        }
    }
}
