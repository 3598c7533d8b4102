//! Runs one highlighter (chosen by cargo feature) over the distinct code
//! blocks of a corpus and prints its table; see `harness.rs` and
//! scripts/bench-highlight.sh.
//!
//!     cargo run --release --features syntect-fancy -- CORPUS/content

mod harness;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bench-highlighters CONTENT_DIR");
        std::process::exit(2);
    };
    let blocks = harness::blocks(std::path::Path::new(&dir));
    #[cfg(any(feature = "syntect-fancy", feature = "syntect-onig"))]
    harness::run(
        if cfg!(feature = "syntect-onig") {
            "syntect 5, Oniguruma"
        } else {
            "syntect 5, fancy-regex (lorebook before)"
        },
        &blocks,
        syntect_engine,
    );
    #[cfg(feature = "tree-sitter")]
    harness::run("tree-sitter-highlight 0.25", &blocks, tree_sitter_engine);
    let _ = blocks;
}

/// What lorebook did before: syntect's default syntaxes, classed spans.
#[cfg(any(feature = "syntect-fancy", feature = "syntect-onig"))]
fn syntect_engine() -> harness::Highlight {
    use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
    use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
    use syntect::util::LinesWithEndings;
    let set = SyntaxSet::load_defaults_newlines();
    Box::new(move |lang: &str, code: &str| {
        let token = match lang {
            "csharp" => "cs",
            "python" => "py",
            "rust" => "rs",
            other => other,
        };
        let syntax = set.find_syntax_by_token(token)?;
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut out = String::with_capacity(code.len() * 3);
        for line in LinesWithEndings::from(code) {
            let ops = state.parse_line(line, &set).ok()?;
            let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
            let (html, _) = line_tokens_to_classed_spans(line, &ops, style, &mut stack).ok()?;
            out.push_str(&html);
        }
        Some(out)
    })
}

/// The tree-sitter project's highlighter with the grammar crates' own
/// highlight queries, classes from the capture names.
#[cfg(feature = "tree-sitter")]
fn tree_sitter_engine() -> harness::Highlight {
    use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};
    const NAMES: &[&str] = &[
        "attribute", "boolean", "comment", "constant", "constant.builtin", "constructor",
        "escape", "function", "function.builtin", "function.method", "keyword", "label",
        "module", "number", "operator", "property", "punctuation", "punctuation.bracket",
        "punctuation.delimiter", "punctuation.special", "string", "string.special", "tag",
        "type", "type.builtin", "variable", "variable.builtin", "variable.parameter",
    ];
    let classes: Vec<String> = NAMES
        .iter()
        .map(|n| format!("class=\"hl-{}\"", n.replace('.', " hl-")))
        .collect();
    let config = |lang: tree_sitter_language::LanguageFn, name: &str, query: &str| {
        let mut c = HighlightConfiguration::new(lang.into(), name, query, "", "")
            .expect("grammar's highlight query compiles");
        c.configure(NAMES);
        c
    };
    let configs: std::collections::HashMap<&str, HighlightConfiguration> = [
        ("yaml", config(tree_sitter_yaml::LANGUAGE, "yaml", tree_sitter_yaml::HIGHLIGHTS_QUERY)),
        ("csharp", config(tree_sitter_c_sharp::LANGUAGE, "c_sharp", tree_sitter_c_sharp::HIGHLIGHTS_QUERY)),
        ("xml", config(tree_sitter_xml::LANGUAGE_XML, "xml", tree_sitter_xml::XML_HIGHLIGHT_QUERY)),
        ("json", config(tree_sitter_json::LANGUAGE, "json", tree_sitter_json::HIGHLIGHTS_QUERY)),
        ("bash", config(tree_sitter_bash::LANGUAGE, "bash", tree_sitter_bash::HIGHLIGHT_QUERY)),
        ("python", config(tree_sitter_python::LANGUAGE, "python", tree_sitter_python::HIGHLIGHTS_QUERY)),
        ("rust", config(tree_sitter_rust::LANGUAGE, "rust", tree_sitter_rust::HIGHLIGHTS_QUERY)),
        ("go", config(tree_sitter_go::LANGUAGE, "go", tree_sitter_go::HIGHLIGHTS_QUERY)),
        ("powershell", config(tree_sitter_powershell::LANGUAGE, "powershell", tree_sitter_powershell::HIGHLIGHTS_QUERY)),
    ]
    .into_iter()
    .collect();
    let mut highlighter = Highlighter::new();
    let mut renderer = HtmlRenderer::new();
    Box::new(move |lang: &str, code: &str| {
        let config = configs.get(lang)?;
        let events = highlighter.highlight(config, code.as_bytes(), None, |_| None).ok()?;
        renderer.reset();
        let attrs = |h: tree_sitter_highlight::Highlight, out: &mut Vec<u8>| {
            out.extend_from_slice(classes[h.0].as_bytes())
        };
        renderer.render(events, code.as_bytes(), &attrs).ok()?;
        Some(String::from_utf8_lossy(&renderer.html).into_owned())
    })
}
