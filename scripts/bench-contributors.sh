#!/usr/bin/env bash
# Benchmark of contributor credit: generates a git repository of PAGES pages
# and COMMITS commits with `git fast-import` and repacks it (half a minute),
# clones it
# (hardlinked, so the benchmark's commits and history cache stay out of the
# generated repository), then times the authorship extraction (read_history +
# merging into people, median of RUNS runs) cold (no history cache: the
# in-process reader, then the git command line for comparison), warm (cache
# at HEAD) and after one new commit, with examples/bench_contributors.rs
# built at opt-level 2 (the dev profile already optimizes dependencies, so
# this avoids a full release build), then times full `lorebook build`s of the
# clone with a cold and a warm cache and without git (median of RUNS each)
# and prints authorship's share of the cold and the warm build.
#
# Usage: scripts/bench-contributors.sh [DIR]   (default: a temp dir, removed)
# Env:   PAGES (10000), COMMITS (50000), AUTHORS (300), RUNS (3),
#        PAGE_BYTES (4000: about the size of each new page's paragraphs; the
#        scale benchmark's pages average 4.1 KB; 0 gives three-line pages),
#        OUT (where the full builds write; default a /dev/shm directory)
set -euo pipefail

PAGES=${PAGES:-10000}
PAGE_BYTES=${PAGE_BYTES:-4000}
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

# The generated repository is reused while its parameters are the same.
params="pages=$PAGES commits=$COMMITS authors=$AUTHORS page_bytes=$PAGE_BYTES repacked"
if [[ ! -d "$site/.git" || "$(cat "$dir/params" 2>/dev/null)" != "$params" ]]; then
    rm -rf "$site"
    git init -q -b main "$site"
    echo "generating $PAGES pages, $COMMITS commits ..." >&2
    start=$(date +%s.%N)
    # One commit per step: the first PAGES commits create pages (a title, an
    # introduction and about PAGE_BYTES of paragraphs), the rest edit a
    # pseudo-random page (appending a line); every 400th edit renames the
    # page instead and every 7th carries a Co-authored-by trailer.
    awk -v pages="$PAGES" -v commits="$COMMITS" -v authors="$AUTHORS" -v page_bytes="$PAGE_BYTES" '
    function data(s) { printf "data %d\n%s\n", length(s), s }
    function filler(p,    s, line, w) {
        s = ""
        while (length(s) < page_bytes) {
            line = "Step " length(s) " of page " p ":"
            for (w = 0; w < 12; w++) line = line " " words[int(rand() * nwords)]
            s = s "\n" line ".\n"
        }
        return s
    }
    BEGIN {
        srand(42); t = 1500000000
        nwords = split("install configure server client token proxy cache build deploy error log " \
            "upgrade backup restore network login account permission plugin theme search index", words)
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
                body[p] = "# Page " p "\n\nIntroduction to page " p " of the generated site.\n" filler(p)
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
    # Repacked as a server or `git gc` stores it: fast-import deltas each
    # blob on the one written before it, whatever its path (chains 25 deep
    # on average, 50 at most), which no clone has and which makes reading
    # any blob several times slower (after `repack -adf` the average
    # depth is 1).
    git -C "$site" repack -q -adf
    printf 'title: Bench\n' > "$site/lorebook.yaml"
    echo "$params" > "$dir/params"
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
cold_authorship=$(echo "$report" | awk '/^cold authorship total/ { print $(NF-1) }')

# Full builds of the same site, median of RUNS each: cold (history cache
# deleted before each build, as in a fresh CI clone), warm (cache at HEAD)
# and with git hidden (GIT_DIR pointing nowhere: no history), so the
# differences are what authorship really adds to a build (it runs beside
# content loading). The output goes to OUT (default: a directory in
# /dev/shm when there is one, else DIR/public): on a slow disk, creating
# 10,000 directories and files costs seconds that vary from run to run and
# would hide the difference. Each build starts after `sync`.
bin="$repo_root/target/debug/lorebook"
if [[ -z "${OUT:-}" ]]; then
    if [[ -d /dev/shm && -w /dev/shm ]]; then OUT=$(mktemp -d /dev/shm/lorebook-bench-XXXXXX); else OUT="$dir/public"; fi
fi
out="$OUT/public"
cache_dir="$(git -C "$site" rev-parse --absolute-git-dir)/lorebook"
"$bin" build --root "$site" --output "$out" >/dev/null 2>&1 || true
median_build() {
    local state=$1
    shift
    local times=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$out"
        [[ $state == cold ]] && rm -rf "$cache_dir"
        sync
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
cold_build=$(median_build cold env)
build=$(median_build warm env)
nogit=$(median_build warm env GIT_DIR="$dir/no-such-git-dir")
rm -rf "$out"
[[ $OUT == /dev/shm/lorebook-bench-* ]] && rm -rf "$OUT"
pct() { echo "scale=1; 100 * $1 / $2" | bc; }
echo "full builds (lorebook build, output in $OUT, median of $RUNS):"
echo "  cold history cache:   $cold_build s (authorship adds $(echo "$cold_build - $nogit" | bc) s)"
echo "  warm history cache:   $build s (authorship adds $(echo "$build - $nogit" | bc) s)"
echo "  without git history:  $nogit s"
echo "authorship share of the full build (standalone time / build):"
echo "  cold: $cold_authorship s of $cold_build s = $(pct "$cold_authorship" "$cold_build") %"
echo "  warm: $authorship s of $build s = $(pct "$authorship" "$build") %"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
