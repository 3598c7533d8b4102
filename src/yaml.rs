//! The one module that talks to serde_yaml: config, front matter,
//! contributors.yaml and lorebook's own forum format all parse through here,
//! so YAML errors always come out as diagnostics with the line in the user's
//! file (the caller passes where the YAML block starts).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{closest, Diagnostic};

/// Parse `text` as YAML into `T`. `first_line` is the 1-based line in the file
/// at which `text` starts (1 for a whole file, 2 for front matter after `---`).
/// `known_keys` feeds the "did you mean" hint for unknown keys.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Result<T, Diagnostic> {
    // A byte-order mark is not YAML content (editors on Windows add one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Err((line, message)) = check_aliases(text) {
        return Err(Diagnostic::error(path, message)
            .at(line + first_line - 1, 0)
            .with_hint(
                "write the repeated value out, or use fewer and smaller anchors (`&name`)",
            ));
    }
    if text.trim().is_empty() {
        // An empty document deserializes as unit; give structs their defaults
        // by parsing an empty mapping instead.
        return serde_yaml::from_str("{}")
            .map_err(|e| to_diagnostic(&e, text, path, first_line, known_keys));
    }
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, text, path, first_line, known_keys))
}

/// Like [`parse`], but a mapping with problems still gives a value, so one
/// typo in a page's front matter does not hide the page: each top-level key
/// is read on its own, every key that fails is reported (all of them, each at
/// its own line) and left out, and the value is read from the others.
pub(crate) fn parse_lenient<T: DeserializeOwned + Default>(
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> (T, Vec<Diagnostic>) {
    let whole = match parse::<T>(text, path, first_line, known_keys) {
        Ok(value) => return (value, Vec::new()),
        Err(d) => d,
    };
    let mut diags = Vec::new();
    // The keys that read well, with blank lines in place of the others so
    // that positions stay those of the file.
    let mut kept = String::with_capacity(text.len());
    for block in top_level_blocks(text) {
        if !block.has_data() {
            kept.push_str(&"\n".repeat(block.text.lines().count()));
            continue;
        }
        match parse::<T>(block.text, path, first_line + block.line - 1, known_keys) {
            Ok(_) => kept.push_str(block.text),
            Err(d) => {
                diags.push(d);
                kept.push_str(&"\n".repeat(block.text.lines().count()));
            }
        }
    }
    let value = match parse::<T>(&kept, path, first_line, known_keys) {
        Ok(value) => value,
        Err(d) => {
            diags.push(d);
            T::default()
        }
    };
    if diags.is_empty() {
        // Not a mapping of keys (or a problem no single key shows).
        diags.push(whole);
    }
    diags.sort();
    diags.dedup();
    (value, diags)
}

/// A run of lines of a YAML mapping: one top-level key with everything
/// under it (indented lines, comments, blank lines), or the lines before
/// the first key.
struct Block<'a> {
    /// 1-based line of the block's first line in the text.
    line: usize,
    text: &'a str,
}

impl Block<'_> {
    /// Holds more than comments and blank lines.
    fn has_data(&self) -> bool {
        self.text
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    }
}

fn top_level_blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks: Vec<Block<'_>> = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let starts_key = !line.starts_with([' ', '\t', '#', '-', ']', '}', '\r', '\n']);
        match blocks.last_mut() {
            Some(last) if !starts_key => {
                last.text = &text[offset - last.text.len()..offset + line.len()];
            }
            _ => blocks.push(Block {
                line: i + 1,
                text: &text[offset..offset + line.len()],
            }),
        }
        offset += line.len();
    }
    blocks
}

/// Parse an arbitrary YAML value (for callers that walk it themselves).
pub(crate) fn parse_value(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<serde_yaml::Value, Diagnostic> {
    parse(text, path, first_line, &[])
}

/// A YAML value as text (for files lorebook writes: `lorebook import`).
pub(crate) fn to_string(value: &serde_yaml::Value) -> String {
    // Serializing a Value cannot fail (its keys are YAML values already).
    serde_yaml::to_string(value).unwrap_or_default()
}

fn to_diagnostic(
    err: &serde_yaml::Error,
    text: &str,
    path: &Path,
    first_line: usize,
    known_keys: &[&str],
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; we print the location ourselves.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let mut diag = Diagnostic::error(path, tidy_message(&message));
    if let Some(loc) = err.location() {
        diag = diag.at(loc.line() + first_line - 1, loc.column());
    } else if first_line > 1 {
        diag = diag.at(first_line, 1);
    }
    if let Some(open) = unclosed(text) {
        // The parser notices an unclosed bracket or quote only where the
        // text stops making sense, often lines later: point at the opener.
        let (line, col) = (open.line + first_line - 1, open.col);
        let noticed = err
            .location()
            .map(|l| (l.line() + first_line - 1, l.column()));
        if !matches!(noticed, Some(n) if n < (line, col)) {
            let closer = match open.ch {
                '[' => ']',
                '{' => '}',
                q => q,
            };
            diag.message = format!("unclosed `{}`: {}", open.ch, diag.message);
            diag = diag.at(line, col).with_hint(if open.ch == '[' || open.ch == '{' {
                format!(
                    "close it with `{closer}` before the next key, or quote the whole value if the `{}` is text",
                    open.ch
                )
            } else {
                format!("end the text with `{closer}` on this line, or remove the opening quote")
            });
            return diag;
        }
    }
    if let Some(key) = duplicate_field(&message) {
        // serde reports a repeated key with no position: find it.
        if let Some((first, again)) = repeated_key(text, key) {
            diag = diag.at(again + first_line - 1, 1).with_hint(format!(
                "`{key}` is first given at line {}; merge the two into one",
                first + first_line - 1
            ));
        }
        return diag;
    }
    if let Some(key) = unknown_field(&message) {
        diag.message = format!("unknown key `{key}`");
        // serde names the keys valid where the unknown one is (nested
        // mappings included); `known_keys` are the top level's.
        let expected = expected_fields(&message);
        let known_keys: &[&str] = if expected.is_empty() {
            known_keys
        } else {
            &expected
        };
        match closest(key, known_keys.iter().copied()) {
            Some(best) => diag = diag.with_hint(format!("did you mean `{best}`?")),
            None => {
                if !known_keys.is_empty() {
                    diag = diag.with_hint(format!("valid keys here: {}", known_keys.join(", ")));
                }
            }
        }
    }
    diag
}

/// An opening bracket or quote that is never closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Open {
    ch: char,
    /// 1-based line and column (in characters) in the text.
    line: usize,
    col: usize,
    /// Indentation of the line it is on.
    indent: usize,
}

/// The first flow bracket (`[`, `{`) or quote that is not closed: still open
/// at the end of the text, or when a later line is no more indented than
/// the opener's line (a new key, where YAML cannot continue the value).
/// A light scan, only used to place an error the parser already found.
fn unclosed(text: &str) -> Option<Open> {
    let mut flows: Vec<Open> = Vec::new();
    let mut quote: Option<Open> = None;
    // Lines of a block scalar (`|`, `>`) are text: skip those indented more than this.
    let mut block_scalar: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line.trim_start();
        if let Some(bi) = block_scalar {
            if rest.is_empty() || indent > bi {
                continue;
            }
            block_scalar = None;
        }
        if rest.is_empty() || (quote.is_none() && rest.starts_with('#')) {
            continue;
        }
        if let Some(open) = quote.or_else(|| flows.first().copied()) {
            let closes = match quote {
                Some(q) => rest.starts_with(q.ch),
                None => rest.starts_with([']', '}']),
            };
            if indent <= open.indent && !closes {
                return quote.or_else(|| flows.last().copied());
            }
        }
        let chars: Vec<char> = line.chars().collect();
        let mut at_value = quote.is_none();
        let mut after_space = true;
        let mut c = chars.len() - rest.chars().count();
        while c < chars.len() {
            let ch = chars[c];
            let next = chars.get(c + 1).copied();
            let here = Open {
                ch,
                line: i + 1,
                col: c + 1,
                indent,
            };
            if let Some(q) = quote {
                if q.ch == '"' && ch == '\\' {
                    c += 2;
                    continue;
                }
                if ch == q.ch {
                    if q.ch == '\'' && next == Some('\'') {
                        c += 2;
                        continue;
                    }
                    quote = None;
                    at_value = false;
                }
                c += 1;
                continue;
            }
            let ends_indicator = matches!(next, None | Some(' ' | '\t'));
            match ch {
                ' ' | '\t' => {
                    after_space = true;
                    c += 1;
                    continue;
                }
                '#' if after_space => break,
                '[' | '{' if at_value => flows.push(here),
                ']' | '}' if !flows.is_empty() => {
                    flows.pop();
                    at_value = false;
                }
                ',' if !flows.is_empty() => at_value = true,
                '"' | '\'' if at_value => {
                    quote = Some(here);
                    at_value = false;
                }
                ':' if ends_indicator
                    || (!flows.is_empty() && matches!(next, Some(',' | ']' | '}'))) =>
                {
                    at_value = true;
                }
                '-' | '?' if at_value && ends_indicator && flows.is_empty() => {}
                '|' | '>' if at_value && flows.is_empty() => {
                    block_scalar = Some(indent);
                    break;
                }
                '&' | '!' if at_value => {
                    // An anchor or a tag: the value comes after it.
                    while c < chars.len() && chars[c] != ' ' {
                        c += 1;
                    }
                    continue;
                }
                _ => at_value = false,
            }
            after_space = false;
            c += 1;
        }
    }
    quote.or_else(|| flows.last().copied())
}

fn duplicate_field(message: &str) -> Option<&str> {
    let rest = message.split("duplicate field `").nth(1)?;
    rest.split('`').next()
}

/// The 1-based lines of the first two `key:` of one mapping: at the same
/// indentation, with no line of a parent mapping or a new list item between.
fn repeated_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut first: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = line.len() - trimmed.len();
        let mut rest = trimmed;
        if let Some(item) = rest.strip_prefix("- ") {
            // A list item starts a new mapping at the item's indentation.
            indent += 2;
            rest = item.trim_start();
            first = first.filter(|&(_, at)| at < indent);
        }
        first = first.filter(|&(_, at)| at <= indent);
        let is_key = rest
            .strip_prefix(key)
            .is_some_and(|after| after.trim_start().starts_with(':'));
        if !is_key {
            continue;
        }
        match first {
            Some((line_no, at)) if at == indent => return Some((line_no, i + 1)),
            Some(_) => {}
            None => first = Some((i + 1, indent)),
        }
    }
    None
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.split("unknown field `").nth(1)?;
    rest.split('`').next()
}

/// The keys in serde's "expected one of `a`, `b`" (or "expected `a`").
fn expected_fields(message: &str) -> Vec<&str> {
    let Some(rest) = message.split(", expected ").nth(1) else {
        return Vec::new();
    };
    rest.split('`').skip(1).step_by(2).collect()
}

fn tidy_message(message: &str) -> String {
    message
        .trim_start_matches("invalid type: ")
        .to_string()
        .replace("invalid type: ", "")
}

/// Alias uses a YAML text may hold at most.
pub const MAX_ALIASES: usize = 10_000;
/// Bytes that expanding aliases may add to a YAML text at most.
pub const MAX_ALIAS_BYTES: u64 = 16 * 1024 * 1024;

/// Refuse YAML whose aliases would expand beyond [`MAX_ALIASES`] uses or
/// [`MAX_ALIAS_BYTES`] bytes (an "alias bomb": one anchored megabyte used
/// 8,000 times is 8 GB in memory). serde_yaml bounds the number of
/// repetitions but not their size, so this lexical pre-scan runs first:
/// it finds anchors (`&a`) and aliases (`*a`) where a YAML node can start,
/// takes an anchored node to run until the next line indented no deeper
/// than the anchor's line, and adds up what every alias would copy, nested
/// aliases included. Linear in the text. Returns the 1-based line of the
/// alias that crosses a limit, and the message.
fn check_aliases(text: &str) -> Result<(), (usize, String)> {
    let scan = scan_anchors(text);
    if scan.aliases.is_empty() {
        return Ok(());
    }
    // Where each anchored node ends: the start of the next line (after the
    // anchor's) that is indented no deeper and holds data; lines with only
    // blanks or comments do not end it. "Next line with indent <= mine" for
    // every line at once, with a stack.
    let lines = &scan.lines;
    let mut next_le = vec![text.len(); lines.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.blank {
            continue;
        }
        while let Some(&top) = stack.last() {
            if lines[top].indent >= l.indent {
                next_le[top] = l.start;
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(i);
    }
    // Events in text order: anchor start, alias, anchor end (an end at the
    // same offset as a start comes first).
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Ev {
        End(usize),
        Start(usize),
        Alias(usize),
    }
    let mut events: Vec<(usize, Ev)> =
        Vec::with_capacity(scan.anchors.len() * 2 + scan.aliases.len());
    let mut ends = vec![0; scan.anchors.len()];
    for (i, a) in scan.anchors.iter().enumerate() {
        let end = next_le[a.line].max(a.offset);
        ends[i] = end;
        events.push((a.offset, Ev::Start(i)));
        events.push((end, Ev::End(i)));
    }
    for (i, a) in scan.aliases.iter().enumerate() {
        events.push((a.offset, Ev::Alias(i)));
    }
    events.sort_unstable();
    // For each open anchor, the bytes its aliases add; closed anchors keep
    // their whole expanded size.
    let mut size: Vec<Option<u64>> = vec![None; scan.anchors.len()];
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut total: u64 = 0;
    let mut uses = 0usize;
    for (_, ev) in events {
        match ev {
            Ev::Start(i) => open.push((i, 0)),
            Ev::End(_) => {
                if let Some((i, extra)) = open.pop() {
                    let own = (ends[i] - scan.anchors[i].offset) as u64;
                    size[i] = Some(own.saturating_add(extra));
                    if let Some(parent) = open.last_mut() {
                        parent.1 = parent.1.saturating_add(extra);
                    }
                }
            }
            Ev::Alias(i) => {
                let alias = &scan.aliases[i];
                // An alias of a node still open refers to itself: serde_yaml
                // rejects that; it adds nothing here.
                let Some(value) = size[alias.target] else {
                    continue;
                };
                uses += 1;
                total = total.saturating_add(value);
                if let Some(top) = open.last_mut() {
                    top.1 = top.1.saturating_add(value);
                }
                if uses > MAX_ALIASES {
                    return Err((
                        alias.line + 1,
                        format!(
                            "more than {MAX_ALIASES} YAML aliases (`*name`); this file is refused"
                        ),
                    ));
                }
                if total > MAX_ALIAS_BYTES {
                    return Err((
                        alias.line + 1,
                        format!(
                            "YAML aliases (`*name`) would expand this file by more than {} MB; it is refused",
                            MAX_ALIAS_BYTES / (1024 * 1024)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

struct ScanLine {
    start: usize,
    indent: usize,
    /// Only blanks or a comment (or the inside of a block scalar or a
    /// multi-line quoted string, which never ends a node).
    blank: bool,
}

struct Anchor {
    offset: usize,
    /// 0-based index into `lines` of the anchor's line.
    line: usize,
}

struct AliasUse {
    offset: usize,
    line: usize,
    target: usize,
}

struct Scan {
    lines: Vec<ScanLine>,
    anchors: Vec<Anchor>,
    aliases: Vec<AliasUse>,
}

fn scan_anchors(text: &str) -> Scan {
    let b = text.as_bytes();
    let mut lines: Vec<ScanLine> = Vec::new();
    let mut anchors: Vec<Anchor> = Vec::new();
    let mut aliases = Vec::new();
    let mut names: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    let is_space = |c: u8| c == b' ' || c == b'\t' || c == b'\r' || c == b'\n';
    let ends_name = |c: u8| is_space(c) || matches!(c, b',' | b'[' | b']' | b'{' | b'}');
    let mut i = 0;
    let mut flow = 0usize;
    // Indent of the line that opened a block scalar (`|`, `>`).
    let mut block: Option<usize> = None;
    while i < b.len() {
        // Start of a line.
        let start = i;
        let mut j = i;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let indent = j - start;
        let eol = memchr_nl(b, j);
        let empty = j >= eol || b[j] == b'#' || b[j..eol].iter().all(|&c| is_space(c));
        if let Some(bi) = block {
            if empty || indent > bi {
                lines.push(ScanLine {
                    start,
                    indent,
                    blank: true,
                });
                i = eol + 1;
                continue;
            }
            block = None;
        }
        let line_no = lines.len();
        lines.push(ScanLine {
            start,
            indent,
            // A line inside a flow collection never ends a node.
            blank: empty || flow > 0,
        });
        // Scan the line (a quoted string may run over several).
        let mut node_start = true;
        let mut k = j;
        while k < b.len() && b[k] != b'\n' {
            let c = b[k];
            if node_start {
                match c {
                    b' ' | b'\t' | b'\r' => k += 1,
                    b'#' => k = memchr_nl(b, k),
                    b'-' | b'?' | b':' if k + 1 >= b.len() || is_space(b[k + 1]) => k += 1,
                    b'&' | b'*' | b'!' => {
                        let s = k + 1;
                        let mut e = s;
                        while e < b.len() && !ends_name(b[e]) {
                            e += 1;
                        }
                        let name = &b[s..e];
                        if c == b'&' {
                            names.insert(name, anchors.len());
                            anchors.push(Anchor {
                                offset: k,
                                line: line_no,
                            });
                        } else if c == b'*' {
                            if let Some(&target) = names.get(name) {
                                aliases.push(AliasUse {
                                    offset: k,
                                    line: line_no,
                                    target,
                                });
                            }
                            node_start = false;
                        }
                        k = e;
                    }
                    b'[' | b'{' => {
                        flow += 1;
                        k += 1;
                    }
                    b']' | b'}' => {
                        flow = flow.saturating_sub(1);
                        node_start = false;
                        k += 1;
                    }
                    b',' if flow > 0 => k += 1,
                    b'\'' | b'"' => {
                        // Skip the quoted scalar, which may span lines; its
                        // inner lines never end a node.
                        let q = c;
                        k += 1;
                        while k < b.len() {
                            if b[k] == b'\\' && q == b'"' {
                                k += 2;
                            } else if b[k] == q {
                                if q == b'\'' && b.get(k + 1) == Some(&b'\'') {
                                    k += 2;
                                } else {
                                    k += 1;
                                    break;
                                }
                            } else {
                                if b[k] == b'\n' {
                                    lines.push(ScanLine {
                                        start: k + 1,
                                        indent: usize::MAX,
                                        blank: true,
                                    });
                                }
                                k += 1;
                            }
                        }
                        node_start = false;
                    }
                    b'|' | b'>' if flow == 0 => {
                        block = Some(indent);
                        k = memchr_nl(b, k);
                    }
                    _ => {
                        node_start = false;
                        k += 1;
                    }
                }
            } else {
                match c {
                    b':' if k + 1 >= b.len() || is_space(b[k + 1]) || flow > 0 => {
                        node_start = true;
                        k += 1;
                    }
                    b'#' if k > 0 && is_space(b[k - 1]) => k = memchr_nl(b, k),
                    b',' if flow > 0 => {
                        node_start = true;
                        k += 1;
                    }
                    b']' | b'}' if flow > 0 => {
                        flow -= 1;
                        k += 1;
                    }
                    _ => k += 1,
                }
            }
        }
        i = k.min(b.len()) + 1;
    }
    Scan {
        lines,
        anchors,
        aliases,
    }
}

/// Offset of the next `\n` at or after `from`, or the text's length.
fn memchr_nl(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn a_repeated_key_is_reported_at_its_second_line() {
        let text = "title: A\nweight: 1\n# note\ntitle: B\n";
        let err = parse::<T>(text, Path::new("lorebook.yaml"), 1, &[]).unwrap_err();
        assert_eq!(err.line, 4, "{err:?}");
        assert!(err.message.contains("duplicate"), "{err:?}");
        assert!(
            err.hint.as_deref().unwrap_or("").contains("line 1"),
            "{err:?}"
        );
        // In a list, the same key in two items is not a repeat.
        let list = "items:\n  - name: a\n    path: x\n  - name: b\n    path: y\n    path: z\n";
        assert_eq!(repeated_key(list, "path"), Some((5, 6)));
        assert_eq!(repeated_key(list, "name"), None);
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let err = parse::<T>(
            "title: x\ntitel: y\n",
            Path::new("a.md"),
            2,
            &["title", "weight"],
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.line, 3);
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn type_error_has_file_line() {
        let err = parse::<T>("title: x\nweight: heavy\n", Path::new("a.md"), 2, &[]).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.message.contains("weight") || err.message.contains("i64"),
            "{}",
            err.message
        );
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        weight: Option<i64>,
    }

    const KEYS: &[&str] = &["title", "tags", "weight"];

    fn lenient(text: &str) -> (Front, Vec<Diagnostic>) {
        parse_lenient(text, Path::new("a.md"), 2, KEYS)
    }

    fn at(d: &Diagnostic) -> (usize, usize) {
        (d.line, d.col)
    }

    #[test]
    fn lenient_parse_reports_every_bad_key_and_keeps_the_good_ones() {
        let (front, diags) = lenient("title: Hi\ntag: extra\ntags: [a]\nwieght: 3\nweight: 4\n");
        assert_eq!(
            front,
            Front {
                title: Some("Hi".into()),
                tags: vec!["a".into()],
                weight: Some(4)
            }
        );
        let shown: Vec<_> = diags.iter().map(|d| (at(d), d.message.as_str())).collect();
        assert_eq!(
            shown,
            [
                ((3, 1), "unknown key `tag`"),
                ((5, 1), "unknown key `wieght`")
            ]
        );
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn lenient_parse_of_good_yaml_is_the_plain_parse() {
        let text = "title: Hi\n# note\ntags:\n  - a\n  - b\n";
        let (front, diags) = lenient(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            front,
            parse::<Front>(text, Path::new("a.md"), 2, KEYS).unwrap()
        );
    }

    #[test]
    fn lenient_parse_places_nested_errors_in_the_file() {
        let (front, diags) = lenient("title: Hi\ntags:\n  - a\n  - {b: c}\nweight: x\n");
        assert_eq!(front.title.as_deref(), Some("Hi"));
        let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [5, 6], "{diags:?}");
    }

    #[test]
    fn lenient_parse_of_something_that_is_not_a_mapping_still_reports_it() {
        let (front, diags) = lenient("- just\n- a list\n");
        assert_eq!(front, Front::default());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].line, 2);
    }

    #[test]
    fn unclosed_bracket_is_reported_where_it_opens_with_a_hint() {
        // The parser itself notices this at the line after the `[` line.
        let text = "title: X\n\ntags: [sync, performance\nweight: 40\n";
        let raw = serde_yaml::from_str::<serde_yaml::Value>(text).unwrap_err();
        assert_eq!(raw.location().map(|l| l.line()), Some(4));
        let err = parse::<Front>(text, Path::new("a.md"), 2, KEYS).unwrap_err();
        assert_eq!(at(&err), (4, 7), "{err}");
        assert!(err.message.starts_with("unclosed `[`"), "{}", err.message);
        assert!(err.hint.as_deref().unwrap_or("").contains("`]`"), "{err:?}");
    }

    #[test]
    fn unclosed_quotes_and_braces_are_reported_where_they_open() {
        for (text, want, ch) in [
            ("title: \"abc\nweight: 3\n", (2, 8), '"'),
            ("title: 'abc\nweight: 3\n", (2, 8), '\''),
            ("weight: 1\ntags: {a: 1\ntitle: x\n", (3, 7), '{'),
            ("title: x\ntags: [a, [b, c]\nweight: 1\n", (3, 7), '['),
        ] {
            let err = parse::<Front>(text, Path::new("a.md"), 2, KEYS).unwrap_err();
            assert_eq!(at(&err), want, "{text:?}: {err}");
            assert!(
                err.message.starts_with(&format!("unclosed `{ch}`")),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn brackets_and_quotes_inside_text_are_not_openers() {
        for text in [
            "title: it's [not a list\nweight: x\n",
            "title: |\n  it is [here\n  and \"there\nweight: x\n",
            "title: \"a\n  b\"\ntags: [x,\n  y]\nweight: x\n",
            "title: 'it''s' # [comment\nweight: x\n",
        ] {
            assert_eq!(unclosed(text), None, "{text:?}");
            let err = parse::<Front>(text, Path::new("a.md"), 2, KEYS).unwrap_err();
            assert!(!err.message.contains("unclosed"), "{text:?}: {err}");
        }
    }

    /// Issue 25 item 4: one anchored value aliased many times is refused
    /// before serde_yaml expands it, at the line of the alias that crosses
    /// the limit.
    #[test]
    fn large_anchor_aliased_many_times_is_refused_at_its_line() {
        let big = "x".repeat(1024 * 1024);
        let mut y = format!("title: t\nbig: &b \"{big}\"\nmany:\n");
        for _ in 0..40 {
            y.push_str("  - *b\n");
        }
        let err = parse::<serde_yaml::Value>(&y, Path::new("forum/q.yaml"), 1, &[]).unwrap_err();
        assert!(err.message.contains("aliases"), "{err}");
        // Each alias copies a bit over 1 MiB: the 16th crosses 16 MiB (line 3 + 16).
        assert_eq!(err.line, 19, "{err}");
    }

    #[test]
    fn nested_alias_bomb_is_refused() {
        let mut y = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            y.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        let err = check_aliases(&y).unwrap_err();
        assert!(err.1.contains("aliases"), "{err:?}");
        // A multi-line flow sequence at indent 0 still counts as the node.
        let mut y = format!("a: &a [\n\"{}\",\n]\nb: [", "y".repeat(1 << 20));
        y.push_str(&"*a,".repeat(20));
        y.push_str("]\n");
        assert!(check_aliases(&y).is_err());
    }

    #[test]
    fn ordinary_aliases_and_markdown_stars_pass() {
        let y = "defaults: &d\n  weight: 1\n  draft: false\npage:\n  <<: *d\n  title: A *bold* claim & more\nbody: |\n  *not an alias*\n  &neither\nlist: [*d, *d]\n";
        assert!(check_aliases(y).is_ok());
        let v: serde_yaml::Value = parse(y, Path::new("a.yaml"), 1, &[]).unwrap();
        assert!(v.get("page").is_some());
    }

    #[test]
    fn byte_order_mark_is_accepted() {
        let v: serde_yaml::Value = parse(
            "\u{feff}title: Hello\nbase_url: /\n",
            Path::new("lorebook.yaml"),
            1,
            &[],
        )
        .unwrap();
        assert_eq!(v.get("title").and_then(|t| t.as_str()), Some("Hello"));
    }
}
