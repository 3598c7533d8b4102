#!/usr/bin/env bash
# Benchmark of the search index: builds it for 2,000 and 10,000 generated pages
# and prints index bytes per page, file count, bytes fetched by a cold one- and
# two-word query (JS included), query latency in Node and build time; then runs
# Pagefind over the same pages and prints ratios. Figures, not a pass/fail test.
# Text comes from real prose on this machine (crate READMEs in the cargo
# registry, /usr/share/common-licenses); PAGES="2000 10000" by default.
# Needs cargo, node >= 20 and (for the comparison) npm.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
  node scripts/bench-search-client.mjs "$out/site" themes/default/static/assets/search.js "$build" $pf_secs
done
