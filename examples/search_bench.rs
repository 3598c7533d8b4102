//! Generates N pages of realistic text (sentences of a real-text corpus, pages
//! grouped into sections that share a source, as topics are on a real site),
//! builds the search index and times it. Used by `scripts/bench-search.sh`.
//!
//! Usage: `search_bench PAGES CORPUS OUT_DIR`. Writes `OUT_DIR/site/search/`,
//! one HTML page per generated page under `OUT_DIR/site/` (for Pagefind) and
//! prints one JSON line of figures.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use lorebook::markdown::TextSection;
use lorebook::output::Contents;
use lorebook::search::{build_index, DocKind, SearchDoc};
use lorebook::urls::{escape_html, slugify};

/// Deterministic generator (64-bit LCG; quality is not the point).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

fn sentences(corpus: &str) -> Vec<Vec<String>> {
    // Paragraph groups separated by form feeds are "sources" (one per file).
    corpus
        .split('\u{c}')
        .map(|src| {
            src.split(['.', '!', '?', '\n'])
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| s.split(' ').count() >= 5)
                .collect::<Vec<String>>()
        })
        .filter(|v| v.len() >= 5)
        .collect()
}

fn words(s: &str, n: usize) -> String {
    let mut w: Vec<&str> = s.split(' ').take(n).collect();
    w.retain(|x| !x.is_empty());
    let mut out = w.join(" ");
    if let Some(first) = out.get(..1) {
        out = format!("{}{}", first.to_uppercase(), out.get(1..).unwrap_or(""));
    }
    out
}

fn generate(pages: usize, sources: &[Vec<String>]) -> Vec<SearchDoc> {
    let mut rng = Rng(42);
    let all: Vec<&String> = sources.iter().flatten().collect();
    let mut docs = Vec::with_capacity(pages);
    for i in 0..pages {
        let section = i / 20;
        let src = &sources[section % sources.len()];
        let sentence = |rng: &mut Rng| -> String {
            if rng.below(10) < 7 {
                src[rng.below(src.len())].clone()
            } else {
                all[rng.below(all.len())].clone()
            }
        };
        let title = words(&sentence(&mut rng), rng.range(2, 6));
        let mut sections = Vec::new();
        let n_sections = rng.range(2, 5);
        for s in 0..n_sections {
            let heading = if s == 0 {
                String::new()
            } else {
                words(&sentence(&mut rng), rng.range(1, 4))
            };
            let mut text = String::new();
            for _ in 0..rng.range(1, 4) {
                for _ in 0..rng.range(2, 5) {
                    text.push_str(&sentence(&mut rng));
                    text.push_str(". ");
                }
                text.push('\n');
            }
            let anchor = if s == 0 {
                None
            } else {
                Some(format!("{}-{s}", slugify(&heading)))
            };
            sections.push(TextSection {
                anchor,
                heading,
                text,
                link_chars: 0,
            });
        }
        docs.push(SearchDoc {
            url: format!("s{section:04}/p{i:05}/"),
            title,
            description: String::new(),
            breadcrumb: vec![format!("Section {section}")],
            kind: if i % 10 == 9 {
                DocKind::Answer
            } else {
                DocKind::Page
            },
            sections,
            langs: Default::default(),
        });
    }
    docs
}

fn html(doc: &SearchDoc) -> String {
    let mut body = format!("<h1>{}</h1>\n", escape_html(&doc.title));
    for s in &doc.sections {
        if let Some(a) = &s.anchor {
            body.push_str(&format!(
                "<h2 id=\"{}\">{}</h2>\n",
                escape_html(a),
                escape_html(&s.heading)
            ));
        }
        for p in s.text.lines() {
            body.push_str(&format!("<p>{}</p>\n", escape_html(p)));
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><main>{body}</main></body></html>\n",
        escape_html(&doc.title)
    )
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(pages: usize, corpus: &Path, out: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let sources = sentences(&text);
    if sources.is_empty() {
        return Err("corpus has no usable text".into());
    }
    let docs = generate(pages, &sources);
    let words: usize = docs
        .iter()
        .flat_map(|d| &d.sections)
        .map(|s| s.text.split_whitespace().count())
        .sum();
    let units: usize = docs.iter().map(|d| d.sections.len()).sum();
    let start = Instant::now();
    let files = build_index(&docs);
    let build_secs = start.elapsed().as_secs_f64();
    let site = out.join("site");
    let mut bytes = 0usize;
    // Bytes by file kind: t = term shards, d = unit blocks, n/m = directories.
    let mut by_kind = std::collections::BTreeMap::<char, (usize, usize)>::new();
    for f in &files {
        if let Contents::Bytes(b) = &f.contents {
            bytes += b.len();
            let kind = f
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.chars().next())
                .unwrap_or('?');
            let e = by_kind.entry(kind).or_default();
            e.0 += 1;
            e.1 += b.len();
            write(&site.join(&f.path), b)?;
        }
    }
    for d in &docs {
        write(&site.join(&d.url).join("index.html"), html(d).as_bytes())?;
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .map(|(k, (n, b))| format!("\"{k}\":[{n},{b}]"))
        .collect();
    println!(
        "{{\"pages\":{pages},\"units\":{units},\"words\":{words},\"files\":{},\"bytes\":{bytes},\"build_secs\":{build_secs:.4},\"by_kind\":{{{}}}}}",
        files.len(),
        kinds.join(",")
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(pages), Some(corpus), Some(out)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: search_bench PAGES CORPUS OUT_DIR");
        return ExitCode::from(2);
    };
    let Ok(pages) = pages.parse::<usize>() else {
        eprintln!("error: PAGES must be a number");
        return ExitCode::from(2);
    };
    match run(pages, Path::new(corpus), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
