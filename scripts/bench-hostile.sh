#!/usr/bin/env bash
# Hostile forum exports cost linear time (issue 25): build a small site whose
# only forum export is generated at 1x, 2x and 4x its base size, and print
# the wall time of `lorebook check` for each. Linear cost shows as time
# roughly doubling from one size to the next; the quadratic cost this guards
# against showed as x4 (1 MB of nested <div> took 140 s before the fix).
#
#   scripts/bench-hostile.sh [CASE...]    cases: div quote discourse (default: all)
#
# LOREBOOK=path/to/lorebook uses that binary (for example target/debug/lorebook);
# by default a release binary is built. SCALE multiplies every base size (1).
# Prints figures only; nothing is asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${LOREBOOK:-}" ]; then
  cargo build --release --quiet --bin lorebook
  LOREBOOK=target/release/lorebook
fi
scale=${SCALE:-1}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(div quote discourse)
work=$(mktemp -d "${TMPDIR:-/tmp}/lorebook-bench-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT

site() { # site DIR TYPE
  mkdir -p "$1/content" "$1/forum"
  printf -- '---\ntitle: Home\n---\nHi.\n' >"$1/content/_index.md"
  cat >"$1/lorebook.yaml" <<YAML
title: Hostile
forum:
  - type: $2
    name: f
    path: forum
    url: https://forum.example
YAML
}

# Discourse topic whose accepted answer is N nested <div>s.
gen_div() { # DIR N
  python3 - "$1/forum/t.json" "$2" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
cooked = "<div>" * n + "deep" + "</div>" * n
posts = [
    {"id": 1, "post_number": 1, "username": "a", "cooked": "<p>Q?</p>", "topic_id": 1},
    {"id": 2, "post_number": 2, "username": "b", "cooked": cooked, "topic_id": 1, "accepted_answer": True},
]
json.dump({"id": 1, "title": "Deep", "slug": "deep", "post_stream": {"posts": posts},
           "accepted_answer": {"post_number": 2, "username": "b"}}, open(path, "w"))
PY
}

# GitHub discussion whose answer is N nested `>` quotes (Markdown).
gen_quote() { # DIR N
  python3 - "$1/forum/d.json" "$2" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
body = ">" * n + " deep\n"
d = {"number": 1, "title": "Quotes", "body": "Q?", "url": "https://forum.example/d/1",
     "author": {"login": "a"},
     "answer": {"body": body, "url": "https://forum.example/d/1#a", "author": {"login": "b"}}}
json.dump([d], open(path, "w"))
PY
}

# Discourse topic with N posts, every other one accepted.
gen_discourse() { # DIR N
  python3 - "$1/forum/t.json" "$2" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
posts = [{"id": i, "post_number": i, "username": f"u{i % 97}", "cooked": f"<p>post {i}</p>",
          "topic_id": 1, "staff": i % 13 == 0} for i in range(1, n + 1)]
accepted = [{"post_number": i, "username": f"u{i % 97}", "accepter_username": "u1"}
            for i in range(2, n + 1, 2)]
json.dump({"id": 1, "title": "Many", "slug": "many", "post_stream": {"posts": posts},
           "accepted_answers": accepted}, open(path, "w"))
PY
}

base_div=$((50000 * scale))
base_quote=$((16000 * scale))
base_discourse=$((20000 * scale))

printf '%-10s %4s %10s %10s %9s  %s\n' case size input_kb seconds ratio check
for c in "${cases[@]}"; do
  prev=""
  for mult in 1 2 4; do
    dir="$work/$c-$mult"
    case $c in
      div) site "$dir" discourse; gen_div "$dir" $((base_div * mult)) ;;
      quote) site "$dir" github-discussions; gen_quote "$dir" $((base_quote * mult)) ;;
      discourse) site "$dir" discourse; gen_discourse "$dir" $((base_discourse * mult)) ;;
      *) echo "unknown case $c" >&2; exit 2 ;;
    esac
    kb=$(($(du -sk "$dir/forum" | cut -f1)))
    start=$(date +%s.%N)
    status=ok
    "$LOREBOOK" -q check --root "$dir" >/dev/null 2>"$dir.err" || status="exit $?"
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    ratio=""
    [ -n "$prev" ] && ratio=$(printf 'x%.2f' "$(echo "$secs / $prev" | bc -l)")
    printf '%-10s %3sx %10s %10.2f %9s  %s\n' "$c" "$mult" "$kb" "$secs" "$ratio" "$status"
    prev=$secs
  done
done
