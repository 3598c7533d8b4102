#!/usr/bin/env bash
# Benchmark the Stack Exchange importer: generate a dump of POSTS rows
# (default one million, about 1 GB) in a streaming way, import it, and print
# throughput (MB/s of Posts.xml) and peak memory (max RSS).
# Targets: >= 100 MB/s, < 300 MiB.
#
# usage: scripts/bench-forum.sh [POSTS] [MIN_SCORE]
#   MIN_SCORE defaults to 10 (about 17% of the accepted answers pass, as a site
#   importing a large public dump would filter); `none` keeps every accepted
#   answer, and memory then grows with what is kept (~1.3 GB for 167k pages).
#   WORK=/path/to/scratch  where the dump goes (default: a temp dir, removed after)
set -euo pipefail
cd "$(dirname "$0")/.."

posts=${1:-1000000}
min_score=${2:-10}
[ "$min_score" = none ] && min_score=
work=${WORK:-}
cleanup=0
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/lorebook-bench-forum.XXXXXX")
  cleanup=1
fi
trap '[ "$cleanup" = 1 ] && rm -rf "$work"' EXIT

cargo build --release --quiet --example bench_forum
bin=target/release/examples/bench_forum

if [ ! -f "$work/Posts.xml" ]; then
  echo "generating $posts posts in $work ..."
  "$bin" gen "$work" "$posts"
fi
size=$(stat -c %s "$work/Posts.xml")
echo "Posts.xml: $((size / 1000000)) MB"

timefile=$(mktemp)
/usr/bin/time -v -o "$timefile" "$bin" import "$work" $min_score | tee "$work/result.txt"
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$timefile")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timefile")
rm -f "$timefile"

tput=$(awk '/throughput_mb_s/ {print $2}' "$work/result.txt")
echo "----"
echo "min_score:    ${min_score:-none}"
echo "throughput:   ${tput} MB/s (target >= 100)"
echo "peak RSS:     $((rss_kb / 1024)) MiB (target < 300)"
echo "wall clock:   ${wall}"
