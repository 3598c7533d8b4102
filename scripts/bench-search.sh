#!/usr/bin/env bash
# Benchmark of the search index: builds it for 2,000 and 10,000 generated pages
# and prints index bytes per page, file count, bytes fetched by a cold one- and
# two-word query (JS included), query latency in Node and build time; then runs
# Pagefind over the same pages and prints ratios. Figures, not a pass/fail test.
# Text comes from real prose on this machine (crate READMEs in the cargo
# registry, /usr/share/common-licenses); PAGES="2000 10000" by default.
# Needs cargo, node >= 20 and (for the comparison) npm.
#
# Real-corpus mode: `scripts/bench-search.sh real [CORPUS_DIR]` builds the
# corpus of scripts/corpus-real.py (PowerShell-Docs + tldr, 10.5k pages; its
# SOURCES.md records source and licence; PSDOCS / TLDR name local clones,
# default: their public URLs) when CORPUS_DIR has none, builds it with
# lorebook, runs Pagefind over the same HTML (`main` as its root selector, so
# neither engine indexes navigation), and runs the queries of
# scripts/search-queries.json (right pages fixed in advance) cold in headless
# Chromium through puppeteer-core: MRR@10, S@1, S@5 by kind, bytes and times.
# Environment: PROFILE=release|debug, LOREBOOK=binary (instead of building
# one, e.g. an older version for before/after figures), CHROMIUM=/usr/bin/chromium,
# KEEP=DIR (keep the built site there).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = real ]; then
  corpus=${2:-/tmp/lorebook-bench/real-docs}
  if [ ! -f "$corpus/lorebook.yaml" ]; then
    args=()
    [ -n "${PSDOCS:-}" ] && args+=(--psdocs "$PSDOCS")
    [ -n "${TLDR:-}" ] && args+=(--tldr "$TLDR")
    python3 scripts/corpus-real.py "$corpus" "${args[@]}"
  fi
  profile=${PROFILE:-release}
  if [ -n "${LOREBOOK:-}" ]; then bin=$LOREBOOK; profile="given binary $LOREBOOK"
  elif [ "$profile" = release ]; then cargo build --quiet --release --bin lorebook; bin=target/release/lorebook
  else cargo build --quiet --bin lorebook; bin=target/debug/lorebook; fi
  site=${KEEP:-$work/site}
  rm -rf "$site" && mkdir -p "$site"
  cp -r "$corpus/." "$site/src"
  # Link problems of the copied docs are not what is measured here.
  printf 'links:\n  level: ignore\n' >>"$site/src/lorebook.yaml"
  start=$(date +%s.%N)
  "$bin" build --quiet --root "$site/src" --output "$site/public" >/dev/null
  echo "lorebook build ($profile): $(echo "$(date +%s.%N) - $start" | bc) s"
  (cd "$work" && npm install --silent --no-audit --no-fund pagefind@1.6.0 puppeteer-core@25 >/dev/null 2>&1) ||
    { echo "npm install of pagefind and puppeteer-core failed" >&2; exit 1; }
  start=$(date +%s.%N)
  "$work/node_modules/.bin/pagefind" --site "$site/public" --root-selector main >/dev/null
  echo "pagefind build: $(echo "$(date +%s.%N) - $start" | bc) s"
  du -sb "$site/public/search" "$site/public/pagefind" | sed 's/^/index bytes: /'
  echo "index gzip bytes: lorebook $(cat "$site"/public/search/* | gzip -6 | wc -c) (all files concatenated)"
  node scripts/bench-search-real.mjs "$site/public" scripts/search-queries.json "$work/node_modules" "${CHROMIUM:-/usr/bin/chromium}"
  exit 0
fi

corpus=$work/corpus.txt
registry=${CARGO_HOME:-$HOME/.cargo}/registry/src
for f in "$registry"/*/*/README.md /usr/share/common-licenses/*; do
  [ -f "$f" ] || continue
  sed -e 's/[`*#|>\[\]()]/ /g' "$f" >>"$corpus"
  printf '\f' >>"$corpus"
done

# PROFILE=debug gives the same byte figures faster (build times are then not
# representative).
profile=${PROFILE:-release}
if [ "$profile" = release ]; then
  cargo build --quiet --release --example search_bench
else
  cargo build --quiet --example search_bench
fi
bench=target/$profile/examples/search_bench

pagefind=""
if (cd "$work" && npm install --silent --no-audit --no-fund pagefind@1.6.0 >/dev/null 2>&1); then
  pagefind="$work/node_modules/.bin/pagefind"
else
  echo "note: npm install pagefind failed; Pagefind is not measured" >&2
fi

for pages in ${PAGES:-2000 10000}; do
  out=$work/$pages
  build=$("$bench" "$pages" "$corpus" "$out")
  pf_secs=""
  if [ -n "$pagefind" ]; then
    start=$(date +%s.%N)
    "$pagefind" --site "$out/site" >/dev/null
    pf_secs=$(echo "$(date +%s.%N) - $start" | bc)
  fi
  node scripts/bench-search-client.mjs "$out/site" themes/default/static/assets/search.min.js "$build" $pf_secs
done
