#!/usr/bin/env bash
# Languages and versions at scale (issue 22): the real 10k-page corpus built
# as one site, against the same corpus with two languages and two versions
# (four copies of every page). Prints build time, peak memory, output size
# and files for each, and the ratios.
#
#   scripts/bench-i18n.sh [CORPUS_DIR]
#
# Default corpus: $BENCH_DIR/real-docs, made by scripts/corpus-real.py
# (PowerShell-Docs + tldr pages, 10.5k pages; nothing is committed).
#
# The sites share the corpus's files through hard links and differ in
# lorebook.yaml:
#   one      the corpus as it is
#   l2v2     `languages: {de: …}` with content/de/ a copy of content/ (a
#            stand-in translation: the same pages, indexed with the German
#            stemmer), and `versions:` with the working tree and an older
#            version `prev` from the folder versions/prev/ (again content/
#            with its de/ tree): 4 × the pages
# Link problems are ignored in both (`links: {level: ignore}`): the corpus
# links outside itself, and link checking is measured by bench-real.sh.
#
# Environment: BENCH_DIR=/tmp/lorebook-bench, RUNS=3 (median), LOREBOOK (a
# binary to measure instead of building target/release/lorebook).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/lorebook-bench}
RUNS=${RUNS:-3}
mkdir -p "$BENCH_DIR"
if [ -z "${LOREBOOK:-}" ]; then
  cargo build --release --quiet --bin lorebook
  LOREBOOK="$ROOT/target/release/lorebook"
fi

CORPUS=${1:-$BENCH_DIR/real-docs}
if [ ! -f "$CORPUS/lorebook.yaml" ]; then
  python3 scripts/corpus-real.py "$CORPUS"
fi

config() {
  grep -v '^links:' "$CORPUS/lorebook.yaml" | grep -v '^  level:'
  printf 'links:\n  level: ignore\n'
}

# one: the corpus as it is.
ONE="$BENCH_DIR/i18n-one"
rm -rf "$ONE"; mkdir -p "$ONE"
cp -al "$CORPUS/content" "$ONE/content"
config > "$ONE/lorebook.yaml"

# l2v2: two languages × two versions.
MULTI="$BENCH_DIR/i18n-l2v2"
rm -rf "$MULTI"; mkdir -p "$MULTI/versions/prev"
tree() { # tree DIR: the corpus's content with a de/ copy inside
  cp -al "$CORPUS/content" "$1"
  mkdir -p "$1/de"
  for entry in "$CORPUS/content"/*; do
    cp -al "$entry" "$1/de/"
  done
}
tree "$MULTI/content"
tree "$MULTI/versions/prev/content"
{
  config
  printf 'languages:\n  de:\n    title: Echte Dokumentation\n'
  printf 'versions:\n  - name: "cur"\n  - name: "prev"\n    folder: versions/prev/content\n'
} > "$MULTI/lorebook.yaml"

measure() { python3 "$ROOT/scripts/measure.py" "$@" 2>>"$BENCH_DIR/i18n.log" | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row NAME SITE: median wall seconds and peak MiB of RUNS builds, then the
# output's bytes and files.
row() {
  local name=$1 site=$2 walls=() rss=() line
  for _ in $(seq "$RUNS"); do
    line=$(measure "$LOREBOOK" build --root "$site")
    [ "$(echo "$line" | cut -d' ' -f3)" = 0 ] || { echo "build of $site failed (see $BENCH_DIR/i18n.log)" >&2; exit 1; }
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    rss+=("$(echo "$line" | cut -d' ' -f2)")
  done
  local pages bytes files
  pages=$(find "$site/content" "$site/versions" -name '*.md' 2>/dev/null | wc -l)
  bytes=$(du -sb "$site/public" | cut -f1)
  files=$(find "$site/public" -type f | wc -l)
  echo "$name $pages $(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rss[@]}" | median) $bytes $files"
}

echo "lorebook: $LOREBOOK ($("$LOREBOOK" --version)); corpus: $CORPUS; runs: $RUNS; $(nproc) cores" >&2
A=$(row one "$ONE")
B=$(row l2v2 "$MULTI")
printf '\n%-6s %7s %8s %9s %12s %8s\n' site pages wall_s peak_MiB output_bytes files
for r in "$A" "$B"; do
  # shellcheck disable=SC2086
  printf '%-6s %7s %8s %9s %12s %8s\n' $r
done
echo "$A $B" | awk '{ printf "\nl2v2 / one: pages %.2f×, time %.2f×, peak memory %.2f×, output %.2f×, files %.2f×\n", $8/$2, $9/$3, $10/$4, $11/$5, $12/$6 }'
