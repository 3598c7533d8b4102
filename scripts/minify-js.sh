#!/usr/bin/env bash
# Writes the minified search client the theme loads, with terser (pinned
# below, installed from npm into a temporary folder), from the readable
# sources beside them (edit those):
#   themes/default/static/assets/search.js     -> search.min.js
#   themes/default/static/assets/stem/lang.js  -> stem/lang.min.js (other
#                                                 languages than English)
# The first line of each records its source's SHA-256; tests/js/search.test.mjs
# fails when the two drift apart, so run this after every change to either
# source. Needs node and npm; tests and CI do not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
assets=themes/default/static/assets
terser_version=5.51.4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund "terser@$terser_version" >/dev/null)
minify() {
  local src=$assets/$1 dest=$assets/$2 what=$3 hash
  hash=$(sha256sum "$src" | cut -c1-64)
  {
    printf '/* lorebook %s, minified by scripts/minify-js.sh (terser %s) from %s sha256:%s; edit that file. */\n' \
      "$what" "$terser_version" "$(basename "$src")" "$hash"
    "$work/node_modules/.bin/terser" "$src" --compress passes=2 --mangle
  } >"$dest.tmp"
  mv "$dest.tmp" "$dest"
  echo "$dest: $(wc -c <"$dest") bytes, $(gzip -6 -c "$dest" | wc -c) gzipped (source $(wc -c <"$src") / $(gzip -6 -c "$src" | wc -c))"
}
minify search.js search.min.js 'search client'
minify stem/lang.js stem/lang.min.js 'search client, other languages'
