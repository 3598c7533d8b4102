#!/usr/bin/env bash
# Run every cargo-fuzz target in fuzz/ for SECONDS_PER_TARGET (default 60),
# one after another, and report per target: runs and whether it crashed.
# Exits 1 when any target crashed, timed out or ran out of memory (the input
# is saved under fuzz/artifacts/<target>/). Not part of CI.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Corpora live in fuzz/corpus/<target>/ (not in git) and are seeded from the
# forum fixtures, the test fixture sites and the example site.
set -u
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-60}
shift || true

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

seed() { # seed TARGET FILES...
    local dir=fuzz/corpus/$1
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)"
    done
}
seed_with_flag() { # seed TARGET FLAGBYTE FILES... (targets that read a first flag byte)
    local dir=fuzz/corpus/$1 flag=$2
    shift 2
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] || continue
        { printf "\\x$flag"; cat "$f"; } >"$dir/seed-$flag-$(sha1sum "$f" | cut -c1-16)"
    done
}

shopt -s globstar nullglob
fix=tests/fixtures/forum
md=(tests/fixtures/**/*.md example-site/content/**/*.md src/starter/**/*.md)
seed frontmatter "${md[@]}"
seed tokenize "${md[@]}"
seed_with_flag markdown 00 "${md[@]}"
seed_with_flag markdown 33 "${md[@]}"
seed forum_discourse "$fix"/discourse/*.json example-site/forum/**/*.json
seed forum_github "$fix"/github-discussions/*.json
seed forum_stackexchange "$fix"/stackexchange/*.xml
seed forum_yaml example-site/forum/**/*.yaml tests/fixtures/**/forum/**/*.yaml
mkdir -p fuzz/corpus/forum_yaml fuzz/corpus/request
printf 'questions:\n  - id: 1\n    title: &t "x"\n    body: *t\n    answers: [{accepted: true, body: *t}]\n' >fuzz/corpus/forum_yaml/seed-alias
printf 'GET /a/ HTTP/1.1\r\nHost: localhost:1111\r\n\r\n' >fuzz/corpus/request/seed-1
printf 'GET /%%2e%%2e/x HTTP/1.1\r\nHost: rebind.example\r\n\r\n' >fuzz/corpus/request/seed-2
printf 'HEAD /a HTTP/1.0\r\n\r\n' >fuzz/corpus/request/seed-3
printf 'GET /__lorebook/events?since=x HTTP/1.1\r\nHost: [::1]\r\n\r\n' >fuzz/corpus/request/seed-4
mkdir -p fuzz/corpus/sanitize fuzz/corpus/resolve
printf '\x01<p>Hi <a href="/u/ana" onclick="x()">ana</a><script>alert(1)</script><img src=x onerror=alert(1)></p>' >fuzz/corpus/sanitize/seed-html
printf '\x00/a/b%%20c/?q=1' >fuzz/corpus/resolve/seed-1
printf '\x01/%%2e%%2e/etc/passwd' >fuzz/corpus/resolve/seed-2
printf '\x00/install' >fuzz/corpus/resolve/seed-3

echo "building fuzz targets..."
if ! (cd fuzz && cargo +nightly fuzz build -O >/dev/null 2>&1); then
    echo "fuzz build failed; run: cd fuzz && cargo +nightly fuzz build -O" >&2
    exit 2
fi

failed=0
printf '%-22s %12s  %s\n' target runs result
for t in "${targets[@]}"; do
    log=fuzz/artifacts/$t.log
    mkdir -p "fuzz/artifacts/$t"
    # The binaries cargo-fuzz built, run directly (no cargo while fuzzing).
    bin=$(ls fuzz/target/*/release/"$t" 2>/dev/null | head -1)
    "$bin" "fuzz/corpus/$t" -artifact_prefix="fuzz/artifacts/$t/" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    if [ $rc -eq 0 ]; then
        result=ok
    else
        failed=1
        kind=$(grep -o 'ERROR: libFuzzer: [a-z-]*\|panicked at [^ ]*' "$log" | head -1)
        artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | sed 's/.*written to //' | head -1)
        result="FAILED (${kind:-exit $rc}) ${artifact:+input: $artifact} log: $log"
    fi
    printf '%-22s %12s  %s\n' "$t" "${runs:-?}" "$result"
done
exit $failed
