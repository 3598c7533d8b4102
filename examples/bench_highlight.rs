//! lorebook's highlighter over the distinct code blocks of a corpus, timed
//! like the engines in bench/highlighters (scripts/bench-highlight.sh runs
//! both on the same blocks).
//!
//!     cargo run --release --example bench_highlight -- CORPUS/content

#[path = "../bench/highlighters/src/harness.rs"]
mod harness;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bench_highlight CONTENT_DIR");
        std::process::exit(2);
    };
    let blocks = harness::blocks(std::path::Path::new(&dir));
    harness::run("lorebook (arborium, tree-sitter)", &blocks, || {
        Box::new(|lang: &str, code: &str| lorebook::highlight::highlight_uncached(lang, code))
    });
}
