#!/usr/bin/env python3
"""Generate a deterministic lorebook site of N realistic Markdown pages.

Usage: gen_corpus.py N OUT_DIR [--html-only]

Pages have front matter (title, description, tags, weight), headings,
paragraphs drawn from a Zipf-like vocabulary, lists, tables, fenced code in
several languages, GitHub alerts and relative links (with anchors) to other
generated pages, spread over about N/50 folders in two levels, like a real
help center. The same N always gives the same bytes.

WRITING_SHARE=0.2 (environment; default 0) gives that share of the pages
the writing features of issue 21 as well: an include of a snippet that
uses site variables, a tab group per operating system, and inline and
display math (appended after the page's own content, from a separate
random stream, so the rest of every page is the same bytes as without).
"""
import os
import random
import sys

BASE_WORDS = """
account access acme address agent alert api app application archive auth authentication automatic backup bandwidth
batch billing block branch browser bucket cache certificate change channel check client cloud cluster code command
commit config configuration conflict connect connection console container copy cpu credential dashboard data database
date default delete deploy desktop device directory disk domain download drive email enable encryption endpoint error
event export feature file filter firewall folder format gateway group guide header history host hostname identity
image import index install instance integration interface invoice ipv6 job key language latency library license limit
link linux list load local lock log login logout mac macos memory message metric migration mobile mode monitor mount
network node notification offline option order owner package page pagination parameter partition password patch path
payment performance permission plan platform plugin policy port preference preview privacy process profile project
protocol proxy query queue quota rate record recovery region release remote report repository request reset resource
response restore retry role rollback route rule runtime sample scan schedule schema scope script sdk search secret
security selective server service session setting setup share shell signature snapshot socket source ssh ssl stack
status storage stream subscription support sync system table tag team template tenant terminal test thread timeout
token trace transfer trigger tunnel update upgrade upload usage user version view volume vpn webhook window windows
workspace zone
""".split()

FILLER = """the a to of and in is for on with that this you your it can be by from when if or as are not will
use using should must may then into each after before only also more than new any all which how what why
""".split()

LANGS = {
    "bash": ["relay sync --folder ~/Documents --dry-run", "relay status --json | jq '.folders[]'",
             "export RELAY_TOKEN=$(relay auth token)", "curl -H \"Authorization: Bearer $RELAY_TOKEN\" https://api.example.com/v2/files"],
    "python": ["import relay", "client = relay.Client(token=os.environ['RELAY_TOKEN'])",
               "for page in client.files.list(limit=100):", "    print(page.name, page.size)"],
    "json": ['{', '  "folder": "/Documents",', '  "selective": true,', '  "exclude": ["*.tmp", "node_modules"]', '}'],
    "yaml": ["sync:", "  folders:", "    - path: ~/Documents", "      exclude: ['*.tmp']", "  bandwidth: 5MB/s"],
    "rust": ["use relay::Client;", "fn main() -> Result<(), relay::Error> {",
             "    let client = Client::from_env()?;", "    client.sync(\"/Documents\")?;", "    Ok(())", "}"],
    "go": ["package main", "import \"example.com/relay\"", "func main() {", "\tc := relay.NewClient()",
           "\tif err := c.Sync(\"/Documents\"); err != nil { panic(err) }", "}"],
}
ALERTS = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]


def make_vocab(rng):
    words = list(BASE_WORDS)
    syll = ["ra", "lo", "ve", "ni", "ta", "ko", "mi", "su", "de", "fa", "ri", "po", "ga", "le", "zu", "ch", "sh", "ber"]
    while len(words) < 6000:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4)))
        words.append(w)
    return words


def zipf_pick(rng, vocab):
    # rank-frequency roughly 1/r: pick index by inverse transform of a power law
    i = int(len(vocab) ** rng.random()) - 1
    return vocab[min(i, len(vocab) - 1)]


def sentence(rng, vocab, n=None):
    n = n or rng.randint(8, 20)
    out = []
    for _ in range(n):
        out.append(rng.choice(FILLER) if rng.random() < 0.35 else zipf_pick(rng, vocab))
    s = " ".join(out)
    return s[0].upper() + s[1:] + "."


def paragraph(rng, vocab):
    return " ".join(sentence(rng, vocab) for _ in range(rng.randint(2, 5)))


def title(rng, vocab):
    words = [zipf_pick(rng, vocab) for _ in range(rng.randint(2, 5))]
    t = " ".join(words)
    return t[0].upper() + t[1:]


def slug(text):
    out = []
    for ch in text.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)


def writing_features(rng, vocab):
    """An include, a tab group and math, as a writer would use them."""
    os_steps = {
        "Windows": "Open **Settings** and choose **Apps**.",
        "macOS": "Open **System Settings** and choose **General**.",
        "Linux": "Run `relay doctor` in a terminal.",
    }
    parts = ["## Before you start\n\n<!-- include: snippets/backup-first.md -->\n\n"]
    parts.append("## Steps for your system\n\n<!-- tabs -->\n\n")
    for name, step in os_steps.items():
        parts.append(f"### {name}\n\n1. {step}\n2. {sentence(rng, vocab, 8)}\n\n")
    parts.append("<!-- /tabs -->\n\n")
    a, b = rng.randint(2, 9), rng.randint(10, 99)
    parts.append(f"## Cost\n\nEach transfer of $p$ GB costs $0.0{a} \\times p$ dollars, at most:\n\n"
                 f"$$\n\\text{{fee}} = \\min\\left({b}, \\sum_{{i=1}}^{{n}} 0.0{a}\\, p_i\\right)\n$$\n\n")
    return "".join(parts)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(n * 7919 + 17)
    vocab = make_vocab(rng)

    folders_top = max(1, n // 500)
    per_folder = 50
    n_folders = max(1, (n + per_folder - 1) // per_folder)
    folders = []
    for i in range(n_folders):
        top = f"area-{i % folders_top:02d}"
        folders.append(f"{top}/topic-{i:04d}")

    # Plan all pages first so links can point at real pages and headings.
    pages = []
    for i in range(n):
        folder = folders[i % n_folders]
        t = title(rng, vocab)
        heads = [title(rng, vocab) for _ in range(rng.randint(3, 6))]
        pages.append({"path": f"{folder}/page-{i:05d}.md", "title": f"{t} {i}", "heads": heads})

    share = float(os.environ.get("WRITING_SHARE", "0") or 0)
    wrng = random.Random(n * 31 + 5)

    os.makedirs(os.path.join(out, "content"), exist_ok=True)
    with open(os.path.join(out, "lorebook.yaml"), "w") as f:
        f.write(f"title: Generated corpus ({n} pages)\nbase_url: https://bench.example/\n")
        if share > 0:
            f.write("product:\n  version: \"4.2\"\nvariables:\n  product:\n    name: Acme Relay\n"
                    "  support:\n    email: support@bench.example\n")
    if share > 0:
        os.makedirs(os.path.join(out, "snippets"), exist_ok=True)
        with open(os.path.join(out, "snippets", "backup-first.md"), "w") as f:
            f.write("> [!WARNING]\n> Back up your data before you upgrade {{ product.name }} "
                    "{{ product.version }}.\n\n<!-- include: snippets/contact.md -->\n")
        with open(os.path.join(out, "snippets", "contact.md"), "w") as f:
            f.write("Questions? Write to {{ support.email }} with the output of `relay version`.\n")
    with open(os.path.join(out, "content", "_index.md"), "w") as f:
        f.write("---\ntitle: Generated corpus\n---\n\nA generated help center for benchmarks.\n")
    for top in sorted({p.split("/")[0] for p in folders}):
        os.makedirs(os.path.join(out, "content", top), exist_ok=True)
        with open(os.path.join(out, "content", top, "_index.md"), "w") as f:
            f.write(f"---\ntitle: {top.replace('-', ' ').title()}\ndescription: {sentence(rng, vocab, 8)}\n---\n")
    for folder in folders:
        os.makedirs(os.path.join(out, "content", folder), exist_ok=True)
        with open(os.path.join(out, "content", folder, "_index.md"), "w") as f:
            f.write(f"---\ntitle: {title(rng, vocab)}\ndescription: {sentence(rng, vocab, 10)}\n---\n")

    for i, page in enumerate(pages):
        parts = []
        tags = sorted({zipf_pick(rng, BASE_WORDS) for _ in range(rng.randint(1, 3))})
        parts.append("---\n")
        parts.append(f"title: {page['title']}\n")
        parts.append(f"description: {sentence(rng, vocab, 12)}\n")
        parts.append(f"tags: [{', '.join(tags)}]\n")
        parts.append(f"weight: {rng.randint(1, 100)}\n")
        parts.append("---\n\n")
        parts.append(paragraph(rng, vocab) + "\n\n")
        seen = {}
        for h in page["heads"]:
            parts.append(f"## {h}\n\n")
            for _ in range(rng.randint(1, 3)):
                parts.append(paragraph(rng, vocab) + "\n\n")
            r = rng.random()
            if r < 0.35:
                lang = rng.choice(sorted(LANGS))
                parts.append(f"```{lang}\n" + "\n".join(LANGS[lang]) + "\n```\n\n")
            elif r < 0.5:
                parts.append("| Setting | Default | Meaning |\n|---|---|---|\n")
                for _ in range(rng.randint(2, 5)):
                    parts.append(f"| `{zipf_pick(rng, BASE_WORDS)}` | {rng.randint(0, 100)} | {sentence(rng, vocab, 6)} |\n")
                parts.append("\n")
            elif r < 0.65:
                for _ in range(rng.randint(3, 6)):
                    parts.append(f"- {sentence(rng, vocab, 8)}\n")
                parts.append("\n")
            elif r < 0.72:
                parts.append(f"> [!{rng.choice(ALERTS)}]\n> {sentence(rng, vocab)}\n\n")
            if rng.random() < 0.5:
                other = pages[rng.randrange(n)]
                rel = os.path.relpath(other["path"], os.path.dirname(page["path"]))
                anchor = slug(rng.choice(other["heads"]))
                parts.append(f"See also [{other['title']}]({rel}#{anchor}).\n\n")
        if share > 0 and wrng.random() < share:
            parts.append(writing_features(wrng, vocab))
        with open(os.path.join(out, "content", page["path"]), "w") as f:
            f.write("".join(parts))


if __name__ == "__main__":
    main()
