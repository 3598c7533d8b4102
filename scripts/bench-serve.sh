#!/usr/bin/env bash
# Measures `lorebook serve` latency on a generated site (scripts/gen_corpus.py,
# 10,000 pages unless given): the time from a file write to the `reload` event
# on the live-reload stream, for a one-page body edit and for a template edit
# (median of RUNS), and the start-up time. Prints figures; it is not a test.
#
#   scripts/bench-serve.sh                 # builds the release binary first
#   scripts/bench-serve.sh 100000          # the 100,000-page site
#   LOREBOOK=target/debug/lorebook scripts/bench-serve.sh
#   RUNS=3 scripts/bench-serve.sh 2000
#   SITE=/tmp/corpus-100k scripts/bench-serve.sh   # reuse a generated corpus
#   PAUSE=2 ...    # seconds of quiet before each edit (default 1); an edit
#                  # also waits for the search index update that follows the
#                  # previous one (its log line), so edits never queue
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
pages="${1:-${PAGES:-10000}}"
runs="${RUNS:-5}"
port="${PORT:-18765}"
bin="${LOREBOOK:-}"
if [[ -z "$bin" ]]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
  bin="$repo/target/release/lorebook"
fi

# SITE=dir reuses a corpus generated before (it is restored after the edits).
site="${SITE:-}"
keep_site="${SITE:+yes}"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  if [[ -z "$keep_site" ]]; then rm -rf "$site"; fi
}
trap cleanup EXIT

if [[ -z "$site" ]]; then
  site="$(mktemp -d)"
  echo "generating $pages pages in $site (scripts/gen_corpus.py)"
  python3 "$repo/scripts/gen_corpus.py" "$pages" "$site" >/dev/null
fi
mkdir -p "$site/templates"
cp "$repo/themes/default/templates/page.html" "$site/templates/page.html"

echo "starting $bin serve"
start=$(date +%s%N)
"$bin" serve --root "$site" --port "$port" >/dev/null 2>"$site.log" &
server_pid=$!
# No time limit (100,000 pages take minutes); stop if the server exits.
while kill -0 "$server_pid" 2>/dev/null; do
  if grep -q "Serving at" "$site.log" 2>/dev/null; then break; fi
  sleep 0.2
done
grep -q "Serving at" "$site.log" || { cat "$site.log"; exit 1; }
echo "first build and serve: $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -E '^Vm(HWM|RSS)' "/proc/$server_pid/status" | tr -s ' \t' ' ' | sed 's/^/server memory after start-up: /'

python3 - "$site" "$port" "$runs" "${PAUSE:-1}" "$site.log" <<'PY'
import os, socket, statistics, sys, time
root, port, runs, pause = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
log = sys.argv[5]

def index_updates():
    with open(log, errors="replace") as f:
        return f.read().count("Updated the search index")

follow_ups = None  # unknown until the first page edit: small sites have none

def settle(before):
    """Wait for the search index update that follows a page edit on large
    sites (at most 20 s to learn whether there is one, then 120 s), so the
    next edit does not queue behind it."""
    global follow_ups
    if follow_ups is False:
        return
    deadline = time.monotonic() + (120 if follow_ups else 20)
    while index_updates() == before and time.monotonic() < deadline:
        time.sleep(0.1)
    follow_ups = index_updates() > before

def stream():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__lorebook/events?since=bench HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(600)
    return s, s.makefile("rb")

def wait_event(f, name):
    want = ("event: " + name).encode()
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("stream closed")
        if line.strip() == want:
            return

def measure(label, path, edit, follow_up):
    s, f = stream()
    wait_event(f, "reload")  # `since=bench` is stale: the first event is at once
    times = []
    original = open(path).read()
    for i in range(runs):
        time.sleep(pause)
        before = index_updates()
        t0 = time.monotonic()
        with open(path, "w") as out:
            out.write(edit(original, i))
        wait_event(f, "reload")
        times.append((time.monotonic() - t0) * 1000)
        if follow_up:
            settle(before)
    s.close()
    with open(path, "w") as out:
        out.write(original)
    time.sleep(1)
    print(f"{label}: median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}, runs {runs}) write -> reload event")

import glob
page = sorted(glob.glob(os.path.join(root, "content", "*", "*", "page-*.md")))[0]
# A body-only edit: a sentence added at the end (title, tags and links unchanged).
measure("one-page edit", page, lambda t, i: t + f"\nEdited {i} times with extra words.\n", True)
tpl = os.path.join(root, "templates", "page.html")
measure("template edit", tpl, lambda t, i: t + f"\n<!-- edit {i} -->\n", False)
PY
echo "server log (per-page edits, then search index updates that followed the reload):"
grep "changed:" "$site.log" | tail -n "$runs" || true
grep "Updated the search index" "$site.log" | tail -n "$runs" || true
echo "server log (last lines):"
tail -n 4 "$site.log"
rm -f "$site.log"
