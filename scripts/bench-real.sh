#!/usr/bin/env bash
# Real-content benchmark: lorebook on real documentation no one on the
# project wrote, full of links that point outside the copy, under each link
# policy. Prints one table: failing builds against passing ones.
#
#   scripts/bench-real.sh [CORPUS_DIR...]
#
# Default corpora (built when missing, nothing committed):
#   $BENCH_DIR/real-docs      scripts/corpus-real.py (PowerShell-Docs + tldr,
#                             10.5k pages; PSDOCS / TLDR name local clones)
#   $BENCH_DIR/real-packages  scripts/corpus-packages.py (the .md files of
#                             Debian and npm packages, 3.6k pages)
#
# For each corpus, three sites share its content (hard links) and differ in
# lorebook.yaml: the default policy (internal problems are errors: the build
# fails), `links: {level: warn}` (the build passes with warnings) and
# `links: {level: ignore}` (the passing reference). Columns:
#   problems   link problems found (check, default policy)
#   check_s    `lorebook check` with the default policy
#   fail_s     `lorebook build` with the default policy (fails: exit 1)
#   warn_s     `lorebook build` with `warn` (passes, prints a summary)
#   pass_s     `lorebook build` with `ignore` (passes, prints nothing)
#   fail/pass, warn/pass  ratios of the medians (target: at most 1.2)
#   deny       exit code of `check --deny-warnings` with `warn` (1: still fails)
#
# Environment: BENCH_DIR=/tmp/lorebook-bench, RUNS=3 (median), PSDOCS, TLDR
# (sources for corpus-real.py; default: their public URLs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/lorebook-bench}
RUNS=${RUNS:-3}
mkdir -p "$BENCH_DIR"
cargo build --release --quiet --bin lorebook
LOREBOOK="$ROOT/target/release/lorebook"

CORPORA=("$@")
if [ ${#CORPORA[@]} -eq 0 ]; then
  if [ ! -f "$BENCH_DIR/real-docs/lorebook.yaml" ]; then
    args=()
    [ -n "${PSDOCS:-}" ] && args+=(--psdocs "$PSDOCS")
    [ -n "${TLDR:-}" ] && args+=(--tldr "$TLDR")
    python3 scripts/corpus-real.py "$BENCH_DIR/real-docs" "${args[@]}"
  fi
  if [ ! -f "$BENCH_DIR/real-packages/lorebook.yaml" ]; then
    python3 scripts/corpus-packages.py "$BENCH_DIR/real-packages"
  fi
  CORPORA=("$BENCH_DIR/real-docs" "$BENCH_DIR/real-packages")
fi

measure() { python3 "$ROOT/scripts/measure.py" "$@" 2>>"$BENCH_DIR/real.log" | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Median wall seconds of RUNS runs of "$@" and the last exit code.
timed() {
  local walls=() code=0 line
  for _ in $(seq "$RUNS"); do
    line=$(measure "$@")
    walls+=("$(echo "$line" | cut -d' ' -f1)")
    code=$(echo "$line" | cut -d' ' -f3)
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $code"
}
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "-" }'; }

# site CORPUS POLICY -> a site sharing CORPUS's content, with POLICY.
site() {
  local corpus=$1 policy=$2 dir="$BENCH_DIR/sites/$(basename "$1")-$2"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -al "$corpus/content" "$dir/content"
  grep -v '^links:' "$corpus/lorebook.yaml" | grep -v '^  level:' > "$dir/lorebook.yaml"
  [ "$policy" = default ] || printf 'links:\n  level: %s\n' "$policy" >> "$dir/lorebook.yaml"
  echo "$dir"
}

HDR='%-14s %6s %8s %8s %8s %8s %8s %9s %9s %5s\n'
printf "\n$HDR" corpus pages problems check_s fail_s warn_s pass_s fail/pass warn/pass deny
for corpus in "${CORPORA[@]}"; do
  name=$(basename "$corpus")
  pages=$(find "$corpus/content" -name '*.md' | wc -l)
  d=$(site "$corpus" default); w=$(site "$corpus" warn); i=$(site "$corpus" ignore)
  out="$BENCH_DIR/out-real"
  "$LOREBOOK" check --format json --root "$d" >"$BENCH_DIR/problems.json" 2>/dev/null || true
  problems=$(python3 -c 'import json,sys; print(sum(1 for x in json.load(open(sys.argv[1])) if x.get("kind")))' "$BENCH_DIR/problems.json")
  read -r cs _ < <(timed "$LOREBOOK" -q check --root "$d")
  read -r fs fc < <(timed "$LOREBOOK" -q build --root "$d" --output "$out-fail")
  read -r ws wc < <(timed "$LOREBOOK" -q build --root "$w" --output "$out-warn")
  read -r ps pc < <(timed "$LOREBOOK" -q build --root "$i" --output "$out-pass")
  deny=0; "$LOREBOOK" -q check --deny-warnings --root "$w" >/dev/null 2>&1 || deny=$?
  [ "$fc" = 1 ] || echo "note: the default-policy build of $name exited $fc (expected 1)" >&2
  [ "$wc" = 0 ] && [ "$pc" = 0 ] || echo "note: a passing build of $name failed (warn $wc, ignore $pc); see $BENCH_DIR/real.log" >&2
  printf "$HDR" "$name" "$pages" "$problems" "$cs" "$fs" "$ws" "$ps" "$(ratio "$fs" "$ps")" "$(ratio "$ws" "$ps")" "$deny"
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); lorebook $("$LOREBOOK" --version | cut -d' ' -f2); median of $RUNS runs"
