#!/usr/bin/env python3
"""Print the module import graph of the crate and the import cycles in it.

Usage: scripts/module-graph.py [--under MODULE] [--tests] [--edges]
                               [--ignore-parents] [SRC]

Reads every `.rs` file under SRC (default: `src/` of this repository), maps
each file to its module (`src/a/mod.rs` and `src/a.rs` are `a`,
`src/a/b.rs` is `a::b`, `src/lib.rs` and `src/main.rs` are the crate root)
and records an edge A -> B whenever A names something in module B: `use`
statements (nested braces expanded) and paths written inline
(`crate::x::y`, `super::x`, `self::x`, or a child module's name). A path is
resolved to the longest module prefix it names; inside an inline module
(`mod tests { use super::*; }`) `super` is the file's own module. `mod x;`
declarations are not imports. Items marked `#[cfg(test)]` (test modules, test-only
functions) are skipped unless `--tests` is given.

Prints, with `--edges`, every edge (`from -> to`, sorted), then each cycle:
every strongly connected component of more than one module (Tarjan), with
the edges inside it, and finally `cycles: N`. `--under contributors` keeps
only modules inside `contributors` (the module itself and its
descendants). `--ignore-parents` drops edges from a module to one of its
ancestors (children using types their `mod.rs` defines), to see the other
cycles. Exit status 0 whether or not there are cycles.
"""
import os
import re
import sys

ROOTS = {"lib.rs", "main.rs"}
KEYWORDS = {"crate", "super", "self"}


def module_of(src, path):
    rel = os.path.relpath(path, src).replace(os.sep, "/")
    if rel in ROOTS:
        return ""
    parts = rel[:-3].split("/")
    if parts[-1] == "mod":
        parts.pop()
    return "::".join(parts)


def strip_comments_and_strings(text):
    """Blank out comments, string and char literals (keeping line breaks),
    so paths inside them are not read as imports."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + len(m.group(0)))
            j = n if j < 0 else j + len(close)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('x', '\n', '\u{1f}'), not a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def drop_test_items(text):
    """Blank out each item marked `#[cfg(test)]`: up to its `;` when that
    comes before any `{` (`mod tests;`), else to the brace closing its
    first `{`. `text` has no comments or strings left."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]", text)
        if not m:
            return text
        start, i = m.start(), m.end()
        semi, brace = text.find(";", i), text.find("{", i)
        if brace < 0 or (0 <= semi < brace):
            end = len(text) if semi < 0 else semi + 1
        else:
            depth, end = 0, len(text)
            for k in range(brace, len(text)):
                if text[k] == "{":
                    depth += 1
                elif text[k] == "}":
                    depth -= 1
                    if depth == 0:
                        end = k + 1
                        break
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def inline_modules(text):
    """The spans (opening to closing brace) of the inline modules in `text`
    (`mod tests { ... }`), which has no comments or strings left."""
    spans = []
    for m in re.finditer(r"\bmod\s+\w+\s*\{", text):
        depth, start = 0, m.end() - 1
        for k in range(start, len(text)):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    spans.append((start, k))
                    break
    return spans


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e] (aliases dropped)."""
    tree = re.sub(r"\s+as\s+\w+", "", tree)
    tree = re.sub(r"\s+", "", tree)
    depth, start = 0, None
    for k, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                start = k
            depth += 1
        elif ch == "}":
            depth -= 1
    if start is None:
        return [tree]
    prefix = tree[:start]
    inner = tree[start + 1:tree.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    if cur:
        parts.append(cur)
    out = []
    for p in parts:
        if not p:
            continue
        for e in expand_use(p):
            out.append(prefix + e if e != "self" else prefix.rstrip(":"))
    return out


def resolve(current, path, modules, inline=0):
    """The module a path names, seen from module `current`, or None.
    `inline` is how many inline modules (`mod tests { ... }`) of the file
    enclose the path: their `super` stays in the file's module, and their
    `self` names their own items."""
    segs = [s for s in path.split("::") if s]
    if not segs:
        return None
    base = current.split("::") if current else []
    head = segs[0]
    if head == "crate":
        base, segs = [], segs[1:]
    elif head in ("super", "self"):
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                if inline:
                    inline -= 1
                elif not base:
                    return None
                else:
                    base = base[:-1]
            elif inline:
                return None
            segs = segs[1:]
    else:
        # A child module of `current` named directly (`use git::History`),
        # or a top-level module from the crate root.
        if "::".join(base + [head]) not in modules:
            if current == "" and head in modules:
                base = []
            else:
                return None
    best = "::".join(base)
    if best not in modules:
        return None
    for k in range(len(segs)):
        cand = "::".join(base + segs[:k + 1])
        if cand in modules:
            best = cand
        else:
            break
    return best


def main():
    args = sys.argv[1:]
    under = None
    tests = False
    edges_out = False
    parents = True
    src = None
    while args:
        a = args.pop(0)
        if a == "--under":
            under = args.pop(0)
        elif a == "--tests":
            tests = True
        elif a == "--edges":
            edges_out = True
        elif a == "--ignore-parents":
            parents = False
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            src = a
    if src is None:
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    files = {}
    for dirpath, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith(".rs"):
                p = os.path.join(dirpath, name)
                files[p] = module_of(src, p)
    modules = set(files.values())
    edges = set()
    for path, mod in sorted(files.items()):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = strip_comments_and_strings(text)
        if not tests:
            text = drop_test_items(text)
        spans = inline_modules(text)

        def depth(pos):
            return sum(1 for a, b in spans if a < pos < b)

        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            paths.extend((p, depth(m.start())) for p in expand_use(m.group(1)))
        blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))
        body = re.sub(r"\buse\s+[^;]+;", blank, text)
        body = re.sub(r"\bmod\s+\w+\s*;", blank, body)
        for m in re.finditer(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", body):
            paths.append((m.group(1), depth(m.start())))
        # Inline paths through a child module (`git::read_history(..)`).
        for child in (x for x in modules if x.startswith(mod + "::" if mod else "") and x.count("::") == (mod.count("::") + 1 if mod else 0)):
            name = child.rsplit("::", 1)[-1]
            for m in re.finditer(r"(?<![\w:])" + re.escape(name) + r"::\w+", body):
                paths.append((m.group(0), depth(m.start())))
        for p, inline in paths:
            target = resolve(mod, p, modules, inline)
            if target is not None and target != mod:
                edges.add((mod or "crate", target or "crate"))

    def inside(m):
        return under is None or m == under or m.startswith(under + "::")

    def ancestor(a, b):
        return b == "crate" or a.startswith(b + "::")

    edges = sorted(
        (a, b)
        for a, b in edges
        if inside(a) and inside(b) and (parents or not ancestor(a, b))
    )
    if edges_out:
        for a, b in edges:
            print(f"{a} -> {b}")
    graph = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            connect(v)
    cycles = sorted(c for c in sccs if len(c) > 1)
    for comp in cycles:
        inner = [f"{a} -> {b}" for a, b in edges if a in comp and b in comp]
        print("cycle: " + ", ".join(comp))
        for e in inner:
            print("  " + e)
    print(f"cycles: {len(cycles)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
