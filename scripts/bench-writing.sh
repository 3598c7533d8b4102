#!/usr/bin/env bash
# What the writing features of issue 21 cost a build: the same generated
# corpus (scripts/gen_corpus.py) without them and with WRITING_SHARE of its
# pages using an include (with variables), a tab group and math; each built
# RUNS times, the median wall time and peak RSS printed.
#
#   scripts/bench-writing.sh [PAGES...]      default: 10000
#
# Environment: BENCH_DIR=/tmp/lorebook-bench-writing, RUNS=5,
# WRITING_SHARE=0.2, LOREBOOK=target/release/lorebook (built if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/lorebook-bench-writing}"
RUNS="${RUNS:-5}"
SHARE="${WRITING_SHARE:-0.2}"
LOREBOOK="${LOREBOOK:-$ROOT/target/release/lorebook}"
if [ ! -x "$LOREBOOK" ]; then
  (cd "$ROOT" && cargo build --release --quiet --bin lorebook)
fi
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000)
mkdir -p "$BENCH_DIR"

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# one timed build of CORPUS: prints "wall_s peak_kib cpu_s" (CPU: user +
# system, steadier than wall time on a machine shared with other work)
once() {
  local out="$BENCH_DIR/out"
  rm -rf "$out"
  # Flush the last run's writes first: at 10,000 pages (250 MB of output)
  # their write-back otherwise lands in the next run's system time.
  sync
  { /usr/bin/time -f "%e %M %U %S" "$LOREBOOK" -q build --root "$1" --output "$out" >/dev/null; } 2>&1 | tail -1 | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}'
}

echo "| pages | pages using the features | wall without (s) | wall with (s) | wall growth | CPU without (s) | CPU with (s) | CPU growth | peak MiB without | peak MiB with |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  plain="$BENCH_DIR/plain-$n" writing="$BENCH_DIR/writing-$n"
  rm -rf "$plain" "$writing"
  WRITING_SHARE=0 python3 "$ROOT/scripts/gen_corpus.py" "$n" "$plain"
  WRITING_SHARE="$SHARE" python3 "$ROOT/scripts/gen_corpus.py" "$n" "$writing"
  used=$(grep -rl -- '<!-- tabs -->' "$writing/content" | wc -l)
  # Alternate the two, so a change in the machine's load hits both alike.
  : > "$BENCH_DIR/plain.txt"; : > "$BENCH_DIR/writing.txt"
  for _ in $(seq "$RUNS"); do
    once "$plain" >> "$BENCH_DIR/plain.txt"
    once "$writing" >> "$BENCH_DIR/writing.txt"
  done
  w0=$(cut -d' ' -f1 "$BENCH_DIR/plain.txt" | median)
  w1=$(cut -d' ' -f1 "$BENCH_DIR/writing.txt" | median)
  m0=$(cut -d' ' -f2 "$BENCH_DIR/plain.txt" | median | awk '{printf "%.0f", $1/1024}')
  m1=$(cut -d' ' -f2 "$BENCH_DIR/writing.txt" | median | awk '{printf "%.0f", $1/1024}')
  c0=$(cut -d' ' -f3 "$BENCH_DIR/plain.txt" | median)
  c1=$(cut -d' ' -f3 "$BENCH_DIR/writing.txt" | median)
  growth=$(awk -v a="$w0" -v b="$w1" 'BEGIN {printf "%+.1f%%", (b / a - 1) * 100}')
  cgrowth=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%+.1f%%", (b / a - 1) * 100}')
  echo "| $n | $used | $w0 | $w1 | $growth | $c0 | $c1 | $cgrowth | $m0 | $m1 |"
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $RUNS runs each, median; $("$LOREBOOK" --version)"
