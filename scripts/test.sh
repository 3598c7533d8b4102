#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests (browser tests
# included; they need Chromium and fail under CI=true when it is missing),
# then the search client's Node tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets "$@"
if [ -d tests/js ] && ls tests/js/*.test.mjs >/dev/null 2>&1; then
  cargo build --quiet --bin lorebook
  node --test tests/js/
fi
