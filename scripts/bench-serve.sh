#!/usr/bin/env bash
# Measures `lorebook serve` latency on a generated 10,000-page site: the time
# from a file write to the `reload` event on the live-reload stream, for a
# one-page edit and for a template edit (median of RUNS). Prints figures; it is
# not a test.
#
#   scripts/bench-serve.sh                 # builds the release binary first
#   LOREBOOK=target/debug/lorebook scripts/bench-serve.sh
#   PAGES=2000 RUNS=3 scripts/bench-serve.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
pages="${PAGES:-10000}"
runs="${RUNS:-5}"
port="${PORT:-18765}"
bin="${LOREBOOK:-}"
if [[ -z "$bin" ]]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
  bin="$repo/target/release/lorebook"
fi

site="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$site"
}
trap cleanup EXIT

echo "generating $pages pages in $site"
python3 - "$site" "$pages" <<'PY'
import os, sys
root, pages = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(root, "content"), exist_ok=True)
with open(os.path.join(root, "lorebook.yaml"), "w") as f:
    f.write("title: Bench\n")
sections = max(1, pages // 100)
for s in range(sections):
    d = os.path.join(root, "content", f"section-{s:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "_index.md"), "w") as f:
        f.write(f"---\ntitle: Section {s}\n---\nPages about topic {s}.\n")
for p in range(pages):
    d = os.path.join(root, "content", f"section-{p % sections:03d}")
    with open(os.path.join(d, f"page-{p:05d}.md"), "w") as f:
        f.write(f"---\ntitle: Page {p}\ndescription: About page {p}\ntags: [tag-{p % 50}]\n---\n\n# Page {p}\n\n"
                + "Some words about the product and how to use it. " * 40 + "\n")
PY
mkdir -p "$site/templates"
cp "$repo/themes/default/templates/page.html" "$site/templates/page.html"

echo "starting $bin serve"
start=$(date +%s%N)
"$bin" serve --root "$site" --port "$port" >/dev/null 2>"$site.log" &
server_pid=$!
for _ in $(seq 600); do
  if grep -q "Serving at" "$site.log" 2>/dev/null; then break; fi
  sleep 0.1
done
grep -q "Serving at" "$site.log" || { cat "$site.log"; exit 1; }
echo "first build and serve: $(( ($(date +%s%N) - start) / 1000000 )) ms"

python3 - "$site" "$port" "$runs" <<'PY'
import os, socket, statistics, sys, time
root, port, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def stream():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__lorebook/events?since=bench HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(120)
    return s, s.makefile("rb")

def wait_event(f, name):
    want = ("event: " + name).encode()
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("stream closed")
        if line.strip() == want:
            return

def measure(label, path, edit):
    s, f = stream()
    wait_event(f, "reload")  # `since=bench` is stale: the first event is at once
    times = []
    original = open(path).read()
    for i in range(runs):
        time.sleep(0.3)
        t0 = time.monotonic()
        with open(path, "w") as out:
            out.write(edit(original, i))
        wait_event(f, "reload")
        times.append((time.monotonic() - t0) * 1000)
    s.close()
    with open(path, "w") as out:
        out.write(original)
    time.sleep(1)
    print(f"{label}: median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}, runs {runs}) write -> reload event")

page = os.path.join(root, "content", "section-000", "page-00000.md")
measure("one-page edit", page, lambda t, i: t.replace("description: About page 0", f"description: Edit {i}")
        .replace("Some words", f"Edit {i} words", 1))
tpl = os.path.join(root, "templates", "page.html")
measure("template edit", tpl, lambda t, i: t + f"\n<!-- edit {i} -->\n")
PY
echo "server log (last lines):"
tail -n 4 "$site.log"
rm -f "$site.log"
