//! Shared by `bench/highlighters` and lorebook's `examples/bench_highlight.rs`:
//! the fenced code blocks of a corpus, each distinct (language, text) once
//! (what lorebook's per-block cache leaves to highlight), and a timer that
//! runs one highlighter over them and prints a table per language.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// The languages compared: those of the real docs corpus and example-site
/// that every engine measured has a grammar for, plus PowerShell.
pub fn canonical(lang: &str) -> Option<&'static str> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "yaml" | "yml" => "yaml",
        "xml" => "xml",
        "csharp" | "cs" | "c#" => "csharp",
        "json" => "json",
        "bash" | "sh" | "shell" | "zsh" => "bash",
        "python" | "py" => "python",
        "rust" | "rs" => "rust",
        "go" | "golang" => "go",
        "powershell" | "pwsh" | "ps1" => "powershell",
        _ => return None,
    })
}

/// Every distinct fenced block of the `.md` files under `dir` whose
/// language [`canonical`] knows, in a stable order.
pub fn blocks(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut set = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if entry.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let mut current: Option<(&'static str, String)> = None;
        for event in Parser::new(&text) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let lang = info.split([' ', ',', '{']).next().unwrap_or("");
                    current = canonical(lang).map(|l| (l, String::new()));
                }
                Event::Text(t) => {
                    if let Some((_, code)) = current.as_mut() {
                        code.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some(block) = current.take() {
                        set.insert(block);
                    }
                }
                _ => {}
            }
        }
    }
    set.into_iter().collect()
}

/// A highlighter under test: language and code in, HTML out (None: plain).
pub type Highlight = Box<dyn FnMut(&str, &str) -> Option<String>>;

/// Time `make()` (setup), the first block of each language (lazy grammar
/// compilation), then RUNS passes (default 3) over every block; print the
/// median pass per language. `ALL` excludes PowerShell, which syntect's
/// default set has no grammar for.
pub fn run(name: &str, blocks: &[(&'static str, String)], make: impl FnOnce() -> Highlight) {
    let start = Instant::now();
    let mut highlight = make();
    let setup_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = Instant::now();
    let mut seen = BTreeSet::new();
    for (lang, code) in blocks {
        if seen.insert(*lang) {
            highlight(lang, code);
        }
    }
    let first_ms = start.elapsed().as_secs_f64() * 1e3;
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    // language -> (blocks, code bytes, html bytes, plain blocks, pass times)
    let mut per: BTreeMap<&str, (usize, usize, usize, usize, Vec<f64>)> = BTreeMap::new();
    for run in 0..runs.max(1) {
        let mut pass: BTreeMap<&str, f64> = BTreeMap::new();
        for (lang, code) in blocks {
            let t = Instant::now();
            let html = highlight(lang, code);
            *pass.entry(lang).or_default() += t.elapsed().as_secs_f64();
            if run == 0 {
                let row = per.entry(lang).or_default();
                row.0 += 1;
                row.1 += code.len();
                match html {
                    Some(h) => row.2 += h.len(),
                    None => row.3 += 1,
                }
            }
        }
        for (lang, secs) in pass {
            if let Some(row) = per.get_mut(lang) {
                row.4.push(secs);
            }
        }
    }
    println!("## {name}: setup {setup_ms:.1} ms, first block of each language {first_ms:.1} ms, median of {runs} pass(es)");
    println!(
        "{:<11} {:>6} {:>8} {:>9} {:>7} {:>9} {:>6}",
        "language", "blocks", "code_KB", "ms", "MB/s", "html_KB", "plain"
    );
    let mut all = (0, 0, 0.0, 0);
    for (lang, (n, bytes, html, plain, mut times)) in per {
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2] * 1e3;
        println!(
            "{:<11} {:>6} {:>8.1} {:>9.1} {:>7.2} {:>9.1} {:>6}",
            lang,
            n,
            bytes as f64 / 1e3,
            ms,
            bytes as f64 / 1e3 / ms,
            html as f64 / 1e3,
            plain
        );
        if lang != "powershell" {
            all = (all.0 + n, all.1 + bytes, all.2 + ms, all.3 + html);
        }
    }
    println!(
        "{:<11} {:>6} {:>8.1} {:>9.1} {:>7.2} {:>9.1}",
        "ALL",
        all.0,
        all.1 as f64 / 1e3,
        all.2,
        all.1 as f64 / 1e3 / all.2,
        all.3 as f64 / 1e3
    );
}
