#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests (browser tests
# included; they need Chromium and fail under CI=true when it is missing),
# then the search client's Node tests, then lorebook's own documentation
# (docs/, a lorebook site) checked with lorebook.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets "$@"
if [ -d tests/js ] && ls tests/js/*.test.mjs >/dev/null 2>&1; then
  cargo build --quiet --bin lorebook
  node --test tests/js/
fi
echo "== docs/ (lorebook check --root docs --deny-warnings)"
deny=--deny-warnings
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null || echo false)" = true ]; then
  # A shallow clone warns that page authors are incomplete; that warning
  # is about the clone, not the docs, so it does not fail the suite here.
  deny=""
fi
cargo run --quiet --bin lorebook -- check --root docs $deny
