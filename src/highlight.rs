//! Syntax highlighting of fenced code at build time: a block's language and
//! text in, HTML spans with CSS classes out (`<span class="hl-keyword">`),
//! styled by [`css`] (`assets/highlight.css`). Pure and deterministic.
//!
//! The engine is arborium: tree-sitter grammars with highlight queries whose
//! many capture names it folds into a small fixed set of classes (`hl-`
//! followed by keyword, function, string, comment, type, variable, constant,
//! number, operator, punctuation, property, attribute, tag, macro, label,
//! namespace, constructor, title, strong, emphasis, link, literal,
//! strikethrough, diff-add, diff-delete, embedded, error). It replaced
//! syntect's regex grammars, which were much slower on the real code of a
//! large docs site (figures: docs/content/benchmarks.md, "Highlighters on
//! the corpus's code").
//!
//! `console` blocks mark prompts `<span class="hl-prompt">$ </span>`,
//! highlight the command as shell and output lines as
//! `<span class="hl-output">…</span>`. Unknown languages, `text`-like names
//! and blocks too large to be worth it are left plain (the caller escapes
//! them). A block's HTML depends only on its language and text, so it is
//! computed once per process.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Blocks larger than this (bytes) or with a line longer than
/// [`MAX_LINE`] are not highlighted: huge or minified text costs more than
/// it gives.
pub const MAX_BYTES: usize = 256 * 1024;
pub const MAX_LINE: usize = 4096;

/// Most bytes (code and HTML) the cache keeps; past this it is emptied and
/// refilled, so a long `serve` session cannot grow it without bound. Bytes,
/// not entries: a bound on entries emptied the cache in the middle of a
/// real docs site's build (docs/content/benchmarks.md).
const CACHE_BYTES: usize = 64 << 20;

/// How a fence language is highlighted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Mode {
    Plain,
    /// A grammar, by arborium's language name (aliases are resolved by it).
    Grammar(String),
    /// Shell session: `$ ` prompts highlighted as shell, the rest is output.
    Console,
}

fn mode_for(lang: &str) -> Mode {
    let lower = lang.to_ascii_lowercase();
    match lower.as_str() {
        "" | "text" | "txt" | "plain" | "plaintext" | "http" | "output" | "log" => Mode::Plain,
        "console" | "shell-session" | "shellsession" | "terminal" => Mode::Console,
        "ksh" => Mode::Grammar("bash".into()),
        "json5" => Mode::Grammar("json".into()),
        "mjs" => Mode::Grammar("javascript".into()),
        "python2" => Mode::Grammar("python".into()),
        _ => Mode::Grammar(lower),
    }
}

/// The highlighted HTML of `code` as a `lang` block (the inside of
/// `<code>`), or None when it stays plain text.
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    let mode = mode_for(lang);
    if mode == Mode::Plain || too_big(code) {
        return None;
    }
    cached(&mode, code, || compute(&mode, code))
}

/// [`highlight`] without the cache (for benchmarks).
pub fn highlight_uncached(lang: &str, code: &str) -> Option<String> {
    let mode = mode_for(lang);
    if mode == Mode::Plain || too_big(code) {
        return None;
    }
    guarded(|| compute(&mode, code))
}

fn too_big(code: &str) -> bool {
    code.len() > MAX_BYTES || code.lines().any(|l| l.len() > MAX_LINE)
}

fn compute(mode: &Mode, code: &str) -> Option<String> {
    match mode {
        Mode::Grammar(name) => grammar(name, code),
        Mode::Console => console(code),
        Mode::Plain => None,
    }
}

#[derive(Default)]
struct Cache {
    map: HashMap<(Mode, String), Option<String>>,
    bytes: usize,
}

/// Help sites repeat the same snippets (install commands, config files) on
/// many pages: each distinct (language, text) is highlighted once.
fn cached(mode: &Mode, code: &str, f: impl FnOnce() -> Option<String>) -> Option<String> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (mode.clone(), code.to_string());
    if let Ok(c) = cache.lock() {
        if let Some(hit) = c.map.get(&key) {
            return hit.clone();
        }
    }
    // Computed outside the lock: two threads may both compute a block the
    // first time, which is harmless (same input, same output).
    let value = guarded(f);
    if let Ok(mut c) = cache.lock() {
        let size = code.len() + value.as_ref().map_or(0, String::len);
        if c.bytes + size > CACHE_BYTES {
            c.map.clear();
            c.bytes = 0;
        }
        c.bytes += size;
        c.map.insert(key, value.clone());
    }
    value
}

/// The highlighter is third-party code run on user input: a panic inside it
/// must not take the build down, the block is then shown plain.
fn guarded(f: impl FnOnce() -> Option<String>) -> Option<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .ok()
        .flatten()
}

/// Compiled grammars, shared by every thread's highlighter (each grammar is
/// compiled the first time a block needs it).
fn store() -> Arc<arborium::GrammarStore> {
    static STORE: OnceLock<Arc<arborium::GrammarStore>> = OnceLock::new();
    STORE
        .get_or_init(|| Arc::new(arborium::GrammarStore::new()))
        .clone()
}

thread_local! {
    /// A highlighter holds a parser, which is not shareable between threads:
    /// one per rayon worker, over the shared grammars.
    static HIGHLIGHTER: RefCell<arborium::Highlighter> = RefCell::new(
        arborium::Highlighter::with_store_and_config(
            store(),
            arborium::Config {
                // A code block is one language: no CSS-in-HTML and the like.
                max_injection_depth: 0,
                html_format: arborium::HtmlFormat::ClassNamesWithPrefix("hl".into()),
            },
        ),
    );
}

fn grammar(lang: &str, code: &str) -> Option<String> {
    // The highlighter drops the text's trailing newlines: they are added
    // back as they were.
    let body = code.trim_end_matches(['\n', '\r']);
    let html = HIGHLIGHTER.with(|h| h.try_borrow_mut().ok()?.highlight(lang, body).ok())?;
    if !same_text(&html, body) {
        return None;
    }
    let mut out = html;
    out.push_str(&code[body.len()..]);
    Some(out)
}

/// True when `html`, without its tags and with entities decoded, is `text`:
/// highlighting must never change, drop or add a character of the code.
fn same_text(html: &str, text: &str) -> bool {
    let mut rest = text.as_bytes();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => match html[i..].find('>') {
                Some(end) => i += end + 1,
                None => return false,
            },
            b'&' => {
                let Some(end) = html[i..].find(';') else {
                    return false;
                };
                let ch: &[u8] = match &html[i..i + end + 1] {
                    "&amp;" => b"&",
                    "&lt;" => b"<",
                    "&gt;" => b">",
                    "&quot;" => b"\"",
                    "&#39;" | "&#x27;" | "&apos;" => b"'",
                    _ => return false,
                };
                match rest.strip_prefix(ch) {
                    Some(r) => rest = r,
                    None => return false,
                }
                i += end + 1;
            }
            b => {
                match rest.split_first() {
                    Some((&c, r)) if c == b => rest = r,
                    _ => return false,
                }
                i += 1;
            }
        }
    }
    rest.is_empty()
}

fn console(code: &str) -> Option<String> {
    let mut out = String::with_capacity(code.len() * 3);
    for line in code.split_inclusive('\n') {
        let prompt = ["$ ", "# ", "> ", "% "]
            .iter()
            .find(|p| line.starts_with(*p))
            .filter(|_| line.len() > 2);
        match prompt {
            Some(p) => {
                out.push_str("<span class=\"hl-prompt\">");
                escape_into(&mut out, p);
                out.push_str("</span>");
                let command = &line[p.len()..];
                match grammar("bash", command) {
                    Some(h) => out.push_str(&h),
                    None => escape_into(&mut out, command),
                }
            }
            None => {
                let body = line.trim_end_matches('\n');
                if !body.is_empty() {
                    out.push_str("<span class=\"hl-output\">");
                    escape_into(&mut out, body);
                    out.push_str("</span>");
                }
                out.push_str(&line[body.len()..]);
            }
        }
    }
    Some(out)
}

fn escape_into(out: &mut String, text: &str) {
    out.push_str(&crate::urls::escape_html(text));
}

/// CSS for highlighted code, light and dark.
pub fn css() -> String {
    let mut css = String::from(
        "/* lorebook code highlighting: classes are hl- plus a highlight category */\n",
    );
    push_theme(&mut css, LIGHT, "");
    css.push_str("@media (prefers-color-scheme: dark) {\n");
    push_theme(&mut css, DARK, "  ");
    css.push_str("}\n");
    css
}

/// (selectors, declarations); later rules win over earlier ones.
type Theme = &'static [(&'static str, &'static str)];

const LIGHT: Theme = &[
    ("pre.code", "background: #f6f8fa; color: #1f2328"),
    (".hl-comment", "color: #5f6b77; font-style: italic"),
    (".hl-string, .hl-literal", "color: #0a3069"),
    (".hl-number, .hl-constant", "color: #0550ae"),
    (".hl-keyword", "color: #b1261c"),
    (".hl-operator, .hl-punctuation", "color: #1f2328"),
    (".hl-function, .hl-macro", "color: #6639ba"),
    (".hl-type, .hl-constructor, .hl-namespace", "color: #7a4100"),
    (".hl-tag", "color: #116329"),
    (".hl-attribute, .hl-label", "color: #953800"),
    (".hl-property", "color: #0550ae"),
    (".hl-variable", "color: #24292f"),
    (".hl-title", "color: #0550ae; font-weight: bold"),
    (".hl-strong", "font-weight: bold"),
    (".hl-emphasis", "font-style: italic"),
    (".hl-link", "color: #0a3069; text-decoration: underline"),
    (".hl-strikethrough", "text-decoration: line-through"),
    (".hl-diff-add", "color: #116329; background: #dafbe1"),
    (".hl-diff-delete", "color: #82071e; background: #ffebe9"),
    (".hl-error", "color: #82071e"),
    (".hl-prompt", "color: #5f6b77; user-select: none"),
    (".hl-output", "color: #4b5563"),
];

const DARK: Theme = &[
    ("pre.code", "background: #161b22; color: #e6edf3"),
    (".hl-comment", "color: #8b949e; font-style: italic"),
    (".hl-string, .hl-literal", "color: #a5d6ff"),
    (".hl-number, .hl-constant", "color: #79c0ff"),
    (".hl-keyword", "color: #ff7b72"),
    (".hl-operator, .hl-punctuation", "color: #e6edf3"),
    (".hl-function, .hl-macro", "color: #d2a8ff"),
    (".hl-type, .hl-constructor, .hl-namespace", "color: #ffa657"),
    (".hl-tag", "color: #7ee787"),
    (".hl-attribute, .hl-label", "color: #ffa657"),
    (".hl-property", "color: #79c0ff"),
    (".hl-variable", "color: #e6edf3"),
    (".hl-title", "color: #79c0ff; font-weight: bold"),
    (".hl-strong", "font-weight: bold"),
    (".hl-emphasis", "font-style: italic"),
    (".hl-link", "color: #a5d6ff; text-decoration: underline"),
    (".hl-strikethrough", "text-decoration: line-through"),
    (".hl-diff-add", "color: #aff5b4; background: #033a16"),
    (".hl-diff-delete", "color: #ffdcd7; background: #67060c"),
    (".hl-error", "color: #ffa198"),
    (".hl-prompt", "color: #8b949e; user-select: none"),
    (".hl-output", "color: #c9d1d9"),
];

fn push_theme(css: &mut String, theme: Theme, indent: &str) {
    for (selectors, decls) in theme {
        css.push_str(indent);
        css.push_str(selectors);
        css.push_str(" { ");
        css.push_str(decls);
        css.push_str("; }\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One small sample per language the example site and the real docs
    /// corpus use, with a token each grammar must class.
    const SAMPLES: &[(&str, &str, &str)] = &[
        ("bash", "# note\necho \"$HOME\"\n", "hl-comment"),
        ("sh", "if [ -f x ]; then echo hi; fi\n", "hl-keyword"),
        ("python", "def f(x):\n    return 'a'\n", "hl-keyword"),
        ("json", "{\"a\": 1, \"b\": true}\n", "hl-string"),
        ("yaml", "key: value # c\nlist:\n  - 1\n", "hl-comment"),
        ("rust", "fn main() { let x = 1; }\n", "hl-keyword"),
        ("go", "package main\nfunc main() {}\n", "hl-keyword"),
        (
            "powershell",
            "Get-Item $env:HOME | Out-Null # c\n",
            "hl-comment",
        ),
        ("csharp", "public class A { int x = 1; }\n", "hl-keyword"),
        ("xml", "<a href=\"x\">t</a>\n", "hl-tag"),
        ("toml", "[a]\nb = \"c\"\n", "hl-string"),
        ("javascript", "const a = () => 1;\n", "hl-keyword"),
        ("typescript", "let a: number = 1;\n", "hl-keyword"),
        ("cmd", "@echo off\nset A=1\n", "hl-keyword"),
    ];

    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn every_site_language_is_highlighted_with_hl_classes_and_keeps_its_text() {
        for (lang, code, class) in SAMPLES {
            let html = highlight(lang, code).unwrap_or_else(|| panic!("{lang} stayed plain"));
            assert!(html.contains(&format!("class=\"{class}")), "{lang}: {html}");
            assert_eq!(text_of(&html), *code, "{lang}: {html}");
        }
    }

    #[test]
    fn text_like_and_unknown_languages_stay_plain() {
        for lang in ["text", "output", "log", "no-such-language", "gitignore"] {
            assert_eq!(highlight(lang, "a < b\n"), None, "{lang}");
        }
    }

    #[test]
    fn huge_blocks_and_long_lines_stay_plain() {
        assert_eq!(highlight("rust", &"x".repeat(MAX_LINE + 1)), None);
        assert_eq!(
            highlight("rust", &"let a = 1;\n".repeat(MAX_BYTES / 10)),
            None
        );
    }

    #[test]
    fn trailing_newlines_are_kept() {
        let html = highlight("python", "x = 1\n\n\n").unwrap();
        assert!(html.ends_with("\n\n\n"), "{html:?}");
        assert_eq!(text_of(&html), "x = 1\n\n\n");
    }

    #[test]
    fn console_marks_prompts_output_and_highlights_commands() {
        let html = highlight("console", "$ echo hi # c\nhi\n").unwrap();
        assert!(
            html.starts_with("<span class=\"hl-prompt\">$ </span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-output\">hi</span>\n"),
            "{html}"
        );
        assert!(html.contains("hl-comment"), "{html}");
    }

    #[test]
    fn html_in_code_is_escaped() {
        let html = highlight("python", "x = '<script>alert(1)</script>'\n").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn a_changed_text_is_detected() {
        assert!(same_text("<span class=\"hl-a\">a &lt; b</span>", "a < b"));
        assert!(!same_text("<span>a b</span>", "a  b"));
        assert!(!same_text("a", "ab"));
        assert!(!same_text("a &bogus; b", "a & b"));
    }

    #[test]
    fn css_styles_the_classes_in_light_and_dark() {
        let css = css();
        for class in [
            ".hl-keyword",
            ".hl-string",
            ".hl-comment",
            ".hl-function",
            ".hl-prompt",
        ] {
            assert_eq!(css.matches(class).count(), 2, "{class}: light and dark");
        }
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
    }
}
