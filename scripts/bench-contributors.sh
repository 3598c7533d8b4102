#!/usr/bin/env bash
# Benchmark of contributor credit: generates a git repository of PAGES pages
# and COMMITS commits with `git fast-import` (a few seconds), clones it
# (hardlinked, so the benchmark's commits and history cache stay out of the
# generated repository), then times the authorship extraction (read_history +
# merging into people, median of RUNS runs) cold (no history cache), warm
# (cache at HEAD) and after one new commit, with examples/bench_contributors.rs
# built at opt-level 2 (the dev profile already optimizes dependencies, so
# this avoids a full release build), then times a full `lorebook build` of
# the clone with a warm cache (median of RUNS) and prints authorship's share
# of it.
#
# Usage: scripts/bench-contributors.sh [DIR]   (default: a temp dir, removed)
# Env:   PAGES (10000), COMMITS (50000), AUTHORS (300), RUNS (3)
set -euo pipefail

PAGES=${PAGES:-10000}
COMMITS=${COMMITS:-50000}
AUTHORS=${AUTHORS:-300}
RUNS=${RUNS:-3}
repo_root=$(cd "$(dirname "$0")/.." && pwd)

if [[ $# -ge 1 ]]; then
    dir=$1
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
site="$dir/site"

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

if [[ ! -d "$site/.git" ]]; then
    rm -rf "$site"
    git init -q -b main "$site"
    echo "generating $PAGES pages, $COMMITS commits ..." >&2
    start=$(date +%s.%N)
    # One commit per step: the first PAGES commits create pages, the rest edit
    # a pseudo-random page (appending a line); every 400th edit renames the
    # page instead and every 7th carries a Co-authored-by trailer.
    awk -v pages="$PAGES" -v commits="$COMMITS" -v authors="$AUTHORS" '
    function data(s) { printf "data %d\n%s\n", length(s), s }
    BEGIN {
        srand(42); t = 1500000000
        for (c = 1; c <= commits; c++) {
            a = int(rand() * authors); t += 600
            msg = "change " c
            if (c % 7 == 0) msg = msg "\n\nCo-authored-by: Helper " (a + 1) % authors " <helper" (a + 1) % authors "@example.com>"
            printf "commit refs/heads/main\n"
            printf "author Author %d <author%d@example.com> %d +0000\n", a, a, t
            printf "committer Author %d <author%d@example.com> %d +0000\n", a, a, t
            data(msg)
            if (c <= pages) {
                p = c - 1; path[p] = sprintf("content/section-%d/page-%d.md", p % 50, p)
                body[p] = "# Page " p "\n\nIntroduction to page " p " of the generated site.\n"
                printf "M 100644 inline %s\n", path[p]; data(body[p])
            } else {
                p = int(rand() * pages)
                if (c % 400 == 0) {
                    old = path[p]; path[p] = sprintf("content/moved-%d/page-%d.md", p % 10, p)
                    printf "R %s %s\n", old, path[p]
                } else {
                    body[p] = body[p] "Line added by commit " c ".\n"
                    printf "M 100644 inline %s\n", path[p]; data(body[p])
                }
            }
            printf "\n"
        }
    }' | git -C "$site" fast-import --quiet
    git -C "$site" checkout -q main
    printf 'title: Bench\n' > "$site/lorebook.yaml"
    end=$(date +%s.%N)
    echo "generated in $(echo "$end - $start" | bc) s" >&2
fi

# The clone the benchmark may commit to (and reset): fresh each time.
work="$dir/cache-bench"
rm -rf "$work"
git clone -q --local "$site" "$work"
cp "$site/lorebook.yaml" "$work/lorebook.yaml"
site=$work

export CARGO_PROFILE_DEV_OPT_LEVEL=2
echo "building the benchmark program and lorebook (opt-level 2) ..." >&2
cargo build --quiet --example bench_contributors --bin lorebook --manifest-path "$repo_root/Cargo.toml"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
report=$("$repo_root/target/debug/examples/bench_contributors" "$site/content" "$RUNS")
echo "$report"
authorship=$(echo "$report" | awk '/^authorship extraction total/ { print $(NF-1) }')

# A full build of the same site with a warm history cache (one untimed build
# first puts the cache at HEAD), median of RUNS; then the same build with git
# hidden (GIT_DIR pointing nowhere: no history), so the difference is what
# authorship really adds to a build (it runs beside content loading).
bin="$repo_root/target/debug/lorebook"
out="$dir/public"
"$bin" build --root "$site" --output "$out" >/dev/null 2>&1 || true
median_build() {
    local times=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$out"
        local start end
        start=$(date +%s.%N)
        if ! "$@" "$bin" build --root "$site" --output "$out" >/dev/null 2>"$dir/build.err" \
            || [[ ! -f "$out/index.html" ]]; then
            echo "full build failed:" >&2
            cat "$dir/build.err" >&2
            exit 1
        fi
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}
build=$(median_build env)
nogit=$(median_build env GIT_DIR="$dir/no-such-git-dir")
echo "full build (lorebook build, warm history cache, median of $RUNS): $build s"
echo "same build without git history: $nogit s (authorship adds $(echo "$build - $nogit" | bc) s)"
echo "authorship share of the full build (standalone warm time / build): $(echo "scale=1; 100 * $authorship / $build" | bc) %"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
