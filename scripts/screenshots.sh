#!/usr/bin/env bash
# The screenshot gallery of docs/content/screenshots.md: example-site's home,
# a long page, an answer, contributors, insights, search and 404, at
# 1366x900 and 390x844, light and dark (28 WebP images in
# docs/static/screenshots/). Runs tests/browser/readers.mjs (which checks
# the reader's features on the way) in headless Chromium with SCREENSHOTS set.
#
#   scripts/screenshots.sh            needs chromium, node and python3
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="${OUT:-$ROOT/docs/static/screenshots}"
work=$(mktemp -d "${TMPDIR:-/tmp}/lorebook-shots.XXXXXX")
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  if [ -n "${browser:-}" ]; then kill "$browser" 2>/dev/null || true; wait "$browser" 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
cargo build --quiet --bin lorebook
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Built in place (authors and dates come from the repository's history),
# into the scratch folder.
mkdir -p "$work/site"
target/debug/lorebook build --quiet --root example-site -o "$work/site/public"
# Every page but the aliases (they only redirect).
(cd "$work/site/public" && find . -name index.html -print0 | xargs -0 grep -L 'http-equiv="refresh"' \
  | sed 's|^\./||; s|index\.html$||' | sort) >"$work/pages.txt"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site/public" >/dev/null 2>&1 &
server=$!
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --remote-debugging-port=0 \
  --user-data-dir="$work/profile" about:blank >/dev/null 2>&1 &
browser=$!
for _ in $(seq 100); do [ -s "$work/profile/DevToolsActivePort" ] && break; sleep 0.1; done
devtools=$(head -1 "$work/profile/DevToolsActivePort")
mkdir -p "$OUT"
rm -f "$OUT"/*.webp "$OUT"/*.png
SCREENSHOTS="$OUT" node --experimental-websocket tests/browser/readers.mjs "$devtools" "http://127.0.0.1:$port/" "$work/pages.txt"
ls "$OUT" | wc -l
