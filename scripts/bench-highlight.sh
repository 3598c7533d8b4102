#!/usr/bin/env bash
# Highlighter comparison on the real code blocks of a corpus: every distinct
# fenced block (what lorebook's per-block cache leaves to do) in the
# languages of the real docs corpus and example-site, highlighted to HTML
# with CSS classes by each engine in turn, single-threaded. Prints one table
# per engine (per language: blocks, KB of code, median ms of RUNS passes,
# MB/s, KB of HTML, blocks left plain).
#
#   scripts/bench-highlight.sh [CONTENT_DIR]    default: $REAL_CORPUS/content
#
# Engines: lorebook's own (arborium: tree-sitter grammars, examples/
# bench_highlight.rs), syntect 5 with fancy-regex (lorebook before) and with
# Oniguruma, and tree-sitter-highlight with the grammar crates' queries
# (bench/highlighters, its own workspace: built into this target/).
# Environment: RUNS=3 passes per engine; ENGINES to pick a subset.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${1:-}
if [ -z "$DIR" ] && [ -n "${REAL_CORPUS:-}" ]; then DIR="$REAL_CORPUS/content"; fi
if [ -z "$DIR" ]; then
  echo "bench-highlight: skipped: no corpus (pass CONTENT_DIR or set REAL_CORPUS; scripts/corpus-real.py builds one)"
  exit 0
fi
export CARGO_TARGET_DIR="$ROOT/target"
ENGINES=${ENGINES:-"lorebook syntect-fancy syntect-onig tree-sitter"}
for engine in $ENGINES; do
  if [ "$engine" = lorebook ]; then
    cargo build --release --quiet --example bench_highlight
    "$ROOT/target/release/examples/bench_highlight" "$DIR"
  else
    cargo build --release --quiet --manifest-path bench/highlighters/Cargo.toml --features "$engine"
    "$ROOT/target/release/bench-highlighters" "$DIR"
  fi
  echo
done
echo "machine: $(nproc) cores; one thread per engine; ALL = every language but PowerShell (syntect has no grammar for it)"
