#!/usr/bin/env bash
# Benchmark the Stack Exchange importer: generate a dump of POSTS rows
# (default one million, about 1 GB) in a streaming way, import it, and print
# throughput (MB/s of Posts.xml) and peak memory (max RSS).
# Targets: >= 100 MB/s, < 300 MiB.
#
# `scripts/bench-forum.sh pull [THREADS]` benchmarks `lorebook forum pull`
# instead: a loopback server (examples/bench_forum_pull.rs) plays Discourse,
# the Stack Exchange API and GitHub's GraphQL API with THREADS threads each
# (default 10,000; 40% solved), and the script prints, per forum, the wall
# time, peak memory and requests of a full pull into an empty folder, then
# of an incremental pull after 10 threads changed upstream.
#
# usage: scripts/bench-forum.sh [POSTS] [MIN_SCORE]
#   MIN_SCORE defaults to 10 (about 17% of the accepted answers pass, as a site
#   importing a large public dump would filter); `none` keeps every accepted
#   answer, and memory then grows with what is kept (~1.3 GB for 167k pages).
#   WORK=/path/to/scratch  where the dump goes (default: a temp dir, removed after)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = pull ]; then
  threads=${2:-10000}
  cargo build --release --quiet --bin lorebook --example bench_forum_pull
  bin=target/release/lorebook
  work=$(mktemp -d "${TMPDIR:-/tmp}/lorebook-bench-pull.XXXXXX")
  target/release/examples/bench_forum_pull serve "$threads" "$work/addr" &
  server=$!
  trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 50); do [ -s "$work/addr" ] && break; sleep 0.1; done
  addr=$(cat "$work/addr")
  mkdir -p "$work/site/content"
  echo "# Help" > "$work/site/content/_index.md"
  pace="requests_per_second: 100000, concurrency: 4, timeout_seconds: 30"
  cat > "$work/site/lorebook.yaml" <<YAML
title: Pull benchmark
forum:
  - type: discourse
    name: discourse
    path: forum/discourse
    url: https://community.example
    licence: CC BY-SA 4.0
    pull: {api_url: "http://$addr/d", $pace}
  - type: stackexchange
    name: stackexchange
    path: forum/stackexchange
    url: https://relay.stackexchange.example
    pull: {api_url: "http://$addr/se/2.3", $pace}
  - type: github-discussions
    name: github
    path: forum/github
    url: https://github.com/acme/relay
    licence: CC BY 4.0
    pull: {api_url: "http://$addr/gh/graphql", $pace}
YAML
  run() { # source mode
    local timefile out
    timefile=$(mktemp)
    out=$(GITHUB_TOKEN=bench /usr/bin/time -v -o "$timefile" "$bin" -q forum pull --root "$work/site" --source "$1")
    local rss wall cpu requests
    rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$timefile")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timefile")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$timefile")
    requests=$(echo "$out" | sed -n 's/.*(\([0-9]*\) requests.*/\1/p')
    rm -f "$timefile"
    printf '%-14s %-12s %10s %7s s %9s MiB %9s   %s\n' "$1" "$2" "$wall" "$cpu" "$((rss / 1024))" "$requests" \
      "$(echo "$out" | sed -n 's/^[^:]*: \([^;]*\);.*/\1/p')"
  }
  echo "threads per forum: $threads (loopback server at $addr; load average $(cut -d' ' -f1 /proc/loadavg))"
  printf '%-14s %-12s %10s %9s %13s %9s   %s\n' source pull wall CPU "peak RSS" requests changes
  for s in discourse stackexchange github; do run "$s" full; done
  curl -s -X POST "http://$addr/_bench/touch?n=10" > /dev/null
  for s in discourse stackexchange github; do run "$s" incremental; done
  files=$(find "$work/site/forum" -type f | wc -l)
  size=$(du -sk "$work/site/forum" | cut -f1)
  echo "snapshot: $files files, $((size / 1024)) MiB"
  timefile=$(mktemp)
  /usr/bin/time -v -o "$timefile" "$bin" -q check --root "$work/site" > /dev/null 2>&1 || true
  echo "lorebook check reading the snapshots: $(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timefile"), peak RSS $(( $(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$timefile") / 1024 )) MiB"
  rm -f "$timefile"
  exit 0
fi

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
