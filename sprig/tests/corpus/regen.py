#!/usr/bin/env python3
"""Check (default) or rewrite (--update) the sprig corpus against the reference renderer.

Each corpus file (*.corpus) holds cases:

    === NAME
    <template, one or more lines>
    --- out
    <expected output, zero or more lines>

or, for a case that must fail,

    --- err
    <substring of the function's error message>

Expected output is what `helm template` (Helm v4) renders for the template as the whole
content of one template file, with no values. Cases whose output is not reproducible
(random, time) use only deterministic projections (`len`, `regexMatch`, ...).

Usage:
    regen.py [--update] [FILE...]          # needs the helm-python-sdk venv (see README)
    regen.py --probe 'TEMPLATE' ...         # print what the reference renders
"""
import glob
import os
import re
import shutil
import sys
import tempfile

import helm_python as helm

HERE = os.path.dirname(os.path.abspath(__file__))
ERR_CALL = re.compile(r"error calling [A-Za-z0-9_]+: (.*)$", re.S)


def parse(path):
    cases = []
    cur = None
    mode = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if line.startswith("=== "):
            cur = {"name": line[4:], "tpl": [], "out": [], "kind": None}
            cases.append(cur)
            mode = "tpl"
        elif line in ("--- out", "--- err") and cur is not None and mode == "tpl":
            cur["kind"] = line[4:]
            mode = "out"
        elif cur is not None:
            cur[mode].append(line)
    return cases


def write(path, cases):
    with open(path, "w", encoding="utf-8") as f:
        for c in cases:
            f.write("=== %s\n" % c["name"])
            f.write("\n".join(c["tpl"]) + "\n")
            f.write("--- %s\n" % c["kind"])
            for line in c["out"]:
                f.write(line + "\n")


def render(templates):
    """Render {name: text}; returns {name: ("out", text) | ("err", msg)}."""
    tmp = tempfile.mkdtemp(prefix="sprig-corpus-")
    try:
        os.makedirs(os.path.join(tmp, "templates"))
        with open(os.path.join(tmp, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: t\nversion: 0.1.0\n")
        for name, text in templates.items():
            with open(os.path.join(tmp, "templates", name), "w", encoding="utf-8") as f:
                f.write(text)
        with helm.Chart.load(tmp) as ch:
            try:
                r = ch.render(values={}, name="rel", namespace="ns",
                              is_install=True, is_upgrade=False)
            except Exception as e:  # one failing case fails the batch
                if len(templates) == 1:
                    msg = str(e)
                    m = ERR_CALL.search(msg)
                    return {n: ("err", m.group(1) if m else msg) for n in templates}
                return None
        return {n: ("out", r["t/templates/" + n]) for n in templates}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def render_all(tpls):
    names = {"c%04d.txt" % i: t for i, t in enumerate(tpls)}
    res = render(names)
    if res is None:
        res = {}
        for n, t in names.items():
            res.update(render({n: t}))
    return [res["c%04d.txt" % i] for i in range(len(tpls))]


def main(argv):
    if argv and argv[0] == "--probe":
        for t, (k, v) in zip(argv[1:], render_all(argv[1:])):
            print("%s\t%s: %r" % (t, k, v))
        return 0
    update = "--update" in argv
    files = [a for a in argv if not a.startswith("--")] or sorted(
        glob.glob(os.path.join(HERE, "*.corpus")))
    bad = 0
    total = 0
    for path in files:
        cases = parse(path)
        results = render_all(["\n".join(c["tpl"]) for c in cases])
        for c, (kind, val) in zip(cases, results):
            total += 1
            got_lines = val.split("\n")
            if update:
                c["kind"], c["out"] = kind, got_lines
                continue
            ok = kind == c["kind"] and (
                got_lines == c["out"] if kind == "out" else "\n".join(c["out"]) in val)
            if not ok:
                bad += 1
                print("MISMATCH %s :: %s\n  want %s %r\n  got  %s %r" % (
                    os.path.basename(path), c["name"], c["kind"], "\n".join(c["out"]),
                    kind, val))
        if update:
            write(path, cases)
    print("%d cases, %d mismatches" % (total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
