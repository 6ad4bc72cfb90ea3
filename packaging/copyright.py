#!/usr/bin/env python3
"""Write the machine-readable (DEP-5) copyright file for the `edgeverify` binary of TARGET.

The binary links statically every crate in edgeverify-agent's normal-dependency graph for that
target (proc-macros and build-only crates are not in it), so each such crate gets a stanza: crates
that offer Apache-2.0 (alone or as one choice of an OR) are distributed under it, whose text is in
/usr/share/common-licenses on Debian; for every other crate, its own licence files are copied in
verbatim, with their copyright lines. `--static-libc musl` adds musl libc and LLVM's libunwind,
which the static musl binary also contains.

    python3 packaging/copyright.py TARGET [--static-libc musl] > copyright
"""
import argparse
import json
import os
import re
import subprocess
import sys

AGENT = "edgeverify-agent"
LICENSE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|UNLICENSE|COPYRIGHT)", re.IGNORECASE)
# The terms of the Apache License 2.0 inside a crate's licence file (ring's LICENSE-BoringSSL):
# Debian policy wants a reference to common-licenses instead of another copy.
APACHE_TERMS = re.compile(
    r"Apache License\s+Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS", re.DOTALL)

HEADER = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: edgeverify
Upstream-Contact: see SECURITY.md (/usr/share/doc/edgeverify/SECURITY.md)
Source: {repository}
Comment: /usr/bin/edgeverify is built from the edgeverify workspace and links statically the
 Rust crates listed below (from crates.io, versions pinned by Cargo.lock) and the Rust standard
 library (MIT OR Apache-2.0, distributed here under Apache-2.0).

Files: *
Copyright: the edgeverify contributors
License: Apache-2.0
"""

APACHE = """\
License: Apache-2.0
 On Debian systems, the complete text of the Apache License, Version 2.0 can be found in
 /usr/share/common-licenses/Apache-2.0; it is also in LICENSE in the edgeverify source.
"""

MUSL = """\
Files: (static musl binary) musl libc
Copyright: Rich Felker, et al.
License: MIT
 musl libc is linked into the static binary. Its licence (MIT) and the list of its authors
 are in the file COPYRIGHT of the musl source (https://musl.libc.org/), also installed by
 Debian's musl package as /usr/share/doc/musl/copyright.

Files: (static musl binary) LLVM libunwind
Copyright: the LLVM project contributors
License: Apache-2.0 WITH LLVM-exception
 LLVM's libunwind (from Debian's libunwind-14-dev) is linked into the static binary. Its
 licence is the Apache License 2.0 with the LLVM exception; see
 /usr/share/doc/libunwind-14-dev/copyright on a Debian system.
"""


def cargo_metadata(target):
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", target],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def linked_packages(meta):
    """The agent and every crate it links for this target: normal edges, no proc-macros."""
    pkgs = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    agent = next(p["id"] for p in meta["packages"] if p["name"] == AGENT)
    seen, todo = set(), [agent]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            if not any(k["kind"] is None for k in dep["dep_kinds"]):
                continue
            kinds = {k for t in pkgs[dep["pkg"]]["targets"] for k in t["kind"]}
            if "proc-macro" in kinds:
                continue
            todo.append(dep["pkg"])
    return sorted((pkgs[i] for i in seen), key=lambda p: (p["name"], p["version"]))


def offers_apache(expr):
    """True for `Apache-2.0`, `MIT OR Apache-2.0`, `MIT/Apache-2.0` (old cargo syntax)…"""
    if expr is None:
        return False
    return any(alt.strip() == "Apache-2.0" for alt in re.split(r"\s+OR\s+|/", expr))


def indent(text):
    """DEP-5 continuation lines: one leading space, empty lines as ' .'."""
    lines = text.replace("\t", "    ").rstrip().splitlines()
    return "\n".join(" " + l.rstrip() if l.strip() else " ." for l in lines)


def crate_stanza(p):
    authors = ", ".join(a.split(" <")[0] for a in p.get("authors") or []) or f"the {p['name']} authors"
    expr = p.get("license") or "see the crate's licence files"
    head = f"Files: crates.io/{p['name']}-{p['version']}/*\nCopyright: {authors}\n"
    if offers_apache(expr) and "AND" not in expr:
        return head + f"License: Apache-2.0\nComment: offered as {expr}; used under Apache-2.0.\n"
    crate_dir = os.path.dirname(p["manifest_path"])
    files = sorted(f for f in os.listdir(crate_dir) if LICENSE_FILE.match(f))
    if not files:
        sys.exit(f"copyright.py: {p['name']} {p['version']} ({expr}) ships no licence file")
    texts = []
    for f in files:
        with open(os.path.join(crate_dir, f), encoding="utf-8", errors="replace") as fh:
            text = APACHE_TERMS.sub(
                "[The terms of the Apache License, Version 2.0: /usr/share/common-licenses/Apache-2.0]",
                fh.read())
            texts.append(f"[{f}]\n\n{text}")
    return head + f"License: {expr}\n" + indent("\n\n".join(texts)) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--static-libc", choices=["musl"])
    args = ap.parse_args()
    meta = cargo_metadata(args.target)
    ours = {p["id"] for p in meta["packages"] if p["source"] is None}
    repository = next(p["repository"] for p in meta["packages"] if p["name"] == AGENT)
    parts = [HEADER.format(repository=repository)]
    parts += [crate_stanza(p) for p in linked_packages(meta) if p["id"] not in ours]
    if args.static_libc == "musl":
        parts.append(MUSL)
    parts.append(APACHE)
    sys.stdout.write("\n".join(parts))


if __name__ == "__main__":
    main()
