#!/usr/bin/env python3
"""Rebuild the real-documentation benchmark corpus as a lorebook site.

No one on the project wrote this content. It is two public documentation
trees, pinned to the commits below, copied the way a team migrating its docs
would copy them: every Markdown file, its `title` and `description` kept as
YAML front matter and every other front-matter key dropped; links left as
they are (relative `.md` links, site-absolute `/powershell/...` links into
the product's docs host, links to pages and images not in the copy).

  * PowerShell-Docs (https://github.com/MicrosoftDocs/PowerShell-Docs):
    reference and conceptual docs of a command-line product. Documentation
    under CC BY 4.0 (LICENSE.md), code samples under MIT (LICENSE-CODE.md).
  * tldr-pages (https://github.com/tldr-pages/tldr): the English pages/
    tree, a community cheat-sheet collection. CC BY 4.0 (LICENSE.md).
    With --tldr-languages, translated trees (pages.fr, pages.de, ...) too,
    under content/<lang>/.

Usage:
  scripts/corpus-real.py OUT [--psdocs SRC] [--tldr SRC] [--images]
                             [--tldr-languages fr,de,...]

SRC is anything `git clone` takes: a URL (the default, needs the network) or
a local clone / bare git directory. The corpus is written to OUT (replaced),
with SOURCES.md saying where each part came from and under which licence.
Nothing here is committed: the corpus is rebuilt by this script.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

PSDOCS = ("https://github.com/MicrosoftDocs/PowerShell-Docs",
          "27138b21b41de3e2b43cfcac4a56861ca419d5eb")
TLDR = ("https://github.com/tldr-pages/tldr",
        "08e345f42639f67d99282813247ac670dc6e87cb")

FRONT = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)


def checkout(src, commit, into):
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", src, into], check=True)
    # A snapshot may lack large binary blobs (images): checkout then reports
    # them and goes on; only Markdown (and, with --images, what is there) is used.
    r = subprocess.run(["git", "-C", into, "checkout", "--quiet", commit],
                       stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        print(f"warning: checkout of {src} was incomplete (missing blobs)", file=sys.stderr)


def yaml_str(value):
    value = value.strip().strip("'\"")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert(text):
    """Keep title and description of the front matter, drop every other key."""
    m = FRONT.match(text)
    if not m:
        return text
    kept = []
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("title", "description") and value.strip():
            kept.append(f"{key.strip()}: {yaml_str(value)}")
    body = text[m.end():]
    return ("---\n" + "\n".join(kept) + "\n---\n" + body) if kept else body


def copy_tree(src_root, rel_dirs, dst_root, images, count):
    for rel in rel_dirs:
        top = os.path.join(src_root, rel)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                src = os.path.join(dirpath, name)
                out = os.path.join(dst_root, os.path.relpath(src, src_root))
                if name.endswith(".md"):
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    # utf-8-sig: a byte-order mark before `---` would hide
                    # the front matter from FRONT (and keep every key).
                    with open(src, encoding="utf-8-sig", errors="replace") as f:
                        text = f.read()
                    with open(out, "w", encoding="utf-8") as f:
                        f.write(convert(text))
                    count[0] += 1
                elif images and name.lower().endswith((".png", ".jpg", ".gif", ".svg")):
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    shutil.copyfile(src, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--psdocs", default=PSDOCS[0])
    ap.add_argument("--tldr", default=TLDR[0])
    ap.add_argument("--images", action="store_true", help="copy images too")
    ap.add_argument("--tldr-languages", default="", help="e.g. fr,de,ja")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(out, "content")
    os.makedirs(content)
    with tempfile.TemporaryDirectory() as tmp:
        ps, tl = os.path.join(tmp, "psdocs"), os.path.join(tmp, "tldr")
        checkout(args.psdocs, PSDOCS[1], ps)
        checkout(args.tldr, TLDR[1], tl)
        n = [0]
        copy_tree(os.path.join(ps, "reference"),
                  ["docs-conceptual", "5.1", "7.4", "7.5", "7.6", "7.7"],
                  os.path.join(content, "powershell"), args.images, n)
        copy_tree(tl, ["pages"], os.path.join(content, "tldr"), args.images, n)
        for lang in filter(None, args.tldr_languages.split(",")):
            copy_tree(os.path.join(tl, f"pages.{lang}"), ["."],
                      os.path.join(content, lang, "tldr"), args.images, n)
    with open(os.path.join(out, "lorebook.yaml"), "w") as f:
        f.write("title: Real docs corpus\nbase_url: https://docs.example.com/\n")
    with open(os.path.join(out, "SOURCES.md"), "w") as f:
        f.write(
            "# Sources\n\n"
            f"- content/powershell/: {PSDOCS[0]} at {PSDOCS[1]}, reference/ "
            "(docs-conceptual, 5.1, 7.4-7.7). Docs CC BY 4.0, code MIT.\n"
            f"- content/tldr/: {TLDR[0]} at {TLDR[1]}, pages/. CC BY 4.0.\n"
            "Front matter reduced to title and description; links untouched.\n")
    print(f"{n[0]} Markdown files in {content}", file=sys.stderr)


if __name__ == "__main__":
    main()
