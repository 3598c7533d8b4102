#!/usr/bin/env bash
# Writes themes/default/static/assets/search.min.js, the search client the
# theme loads, from search.js beside it (the readable source: edit that one)
# with terser (pinned below, installed from npm into a temporary folder).
# The first line records the source's SHA-256; tests/js/search.test.mjs
# fails when the two drift apart, so run this after every change to
# search.js. Needs node and npm; tests and CI do not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
src=themes/default/static/assets/search.js
dest=themes/default/static/assets/search.min.js
terser_version=5.51.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund "terser@$terser_version" >/dev/null)
hash=$(sha256sum "$src" | cut -c1-64)
{
  printf '/* lorebook search client, minified by scripts/minify-js.sh (terser %s) from search.js sha256:%s; edit that file. */\n' \
    "$terser_version" "$hash"
  "$work/node_modules/.bin/terser" "$src" --compress passes=2 --mangle
} >"$dest.tmp"
mv "$dest.tmp" "$dest"
echo "$dest: $(wc -c <"$dest") bytes, $(gzip -6 -c "$dest" | wc -c) gzipped (source $(wc -c <"$src") / $(gzip -6 -c "$src" | wc -c))"
