#!/usr/bin/env python3
"""Regenerate goyaml's golden files from the real Helm library.

Usage (from the repository root, with the oracle virtualenv set up once via
`bash ../shared/tools/helm-oracle/setup .venv-oracle` or any venv holding helm-python-sdk):

    .venv-oracle/bin/python goyaml/tests/regen_golden.py [--out DIR]

Writes DIR/from_yaml.json (values files read by Helm: sigs.k8s.io/yaml over go-yaml v2,
as JSON text or the error message) and DIR/to_yaml.json (Helm's toYaml, toJson, toRawJson
and toPrettyJson of JSON values, rendered through a scratch chart). DIR defaults to
goyaml/tests/golden next to this script. The cases below are ours; the expected outputs
come only from Helm.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import helm_python as helm
from helm_python import _native

# ------------------------------------------------------------------ reading cases
BOOLS = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
         "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
         "yEs", "oN", "tRUE", "Yes please"]
NUMBERS = ["0", "010", "0o10", "08", "09.5", "0x1F", "0X1f", "-0x1F", "0b101", "-0b101", "1_000",
           "0x_1F", "+1", "-1", "+0", "-0", ".5", "-.5", "+.5", "1.", "1e3", "1E3", "1.0",
           "1.5e-7", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808",
           "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
           "18446744073709551616", "12345678901234567890", "0.1", "3.0e+5", "1_0.5",
           "1__0", "0o", "0x", "1e", "1.2.3", "1:30", "190:20:30", "1:30.5", "-1:30",
           "0777", "0999", "123456789", "1e21", "1e20", "0.0000001", "4244"]
NULLS = ["~", "null", "Null", "NULL", "nULL", "", "'~'", "\"null\""]
STAMPS = ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z",
          "2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10 -5", "2001-02-30", "2001-1-2"]
FLOATS_SPECIAL = [".inf", "-.inf", "+.inf", ".Inf", ".NaN", ".nan", ".INF"]

READ_CASES = []


def rc(name, text):
    READ_CASES.append((name, text))


for i, s in enumerate(BOOLS):
    rc("bool_%02d" % i, "v: %s\n" % s)
for i, s in enumerate(NUMBERS):
    rc("num_%02d" % i, "v: %s\n" % s)
for i, s in enumerate(NULLS):
    rc("null_%02d" % i, "v: %s\n" % s)
for i, s in enumerate(STAMPS):
    rc("stamp_%02d" % i, "v: %s\n" % s)
for i, s in enumerate(FLOATS_SPECIAL):
    rc("special_%02d" % i, "v: %s\n" % s)
for i, s in enumerate(["on", "yes", "y", "n", "off", "1", "1.5", "0x10", "010", "true",
                       "3.14159265", "1e3", "-1", "12345678901234567890", ".inf", "2001-12-14"]):
    rc("key_%02d" % i, "%s: v\n" % s)
rc("key_null", "~: v\n")
rc("key_null_word", "null: v\n")
rc("key_seq", "? [a, b]\n: v\n")
rc("key_map", "? {a: 1}\n: v\n")
rc("key_quoted", "'on': a\n\"1\": b\n")
rc("key_dup", "a: 1\nb: 2\na: 3\n")
rc("key_int_and_string", "1: a\nx: 2\n")
rc("empty", "")
rc("comment_only", "# nothing\n")
rc("doc_marker_only", "---\n")
rc("multi_doc", "a: 1\n---\nb: 2\n")
rc("multi_doc_bad_second", "a: 1\n---\nb: [\n")
rc("top_list", "- a\n- b\n")
rc("top_scalar", "hello\n")
rc("top_null", "null\n")
rc("anchors", "a: &x {k: 1, j: [1, 2]}\nb: *x\nc: &s str\nd: *s\n")
rc("anchor_redefined", "a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
rc("alias_unknown", "a: *nope\n")
rc("alias_self", "a: &x [1, *x]\n")
rc("merge_single", "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n")
rc("merge_before", "base: &b {a: 1, b: 2}\nx:\n  b: 3\n  <<: *b\n")
rc("merge_list", "p: &p {a: 1, b: 1}\nq: &q {b: 2, c: 2}\nx:\n  <<: [*p, *q]\n")
rc("merge_list_inline", "q: &q {b: 2}\nx:\n  <<: [{a: 1, b: 1}, *q]\n  c: 3\n")
rc("merge_scalar", "a: &s 1\nx:\n  <<: *s\n")
rc("merge_list_scalar", "x:\n  <<: [1]\n")
rc("merge_quoted", "x:\n  '<<': {a: 1}\n")
rc("merge_nested", "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n")
rc("tag_str", "a: !!str 123\nb: !!str true\nc: !!str\n")
rc("tag_int", "a: !!int \"12\"\nb: !!int 0x10\n")
rc("tag_int_bad", "a: !!int abc\n")
rc("tag_float", "a: !!float 1\nb: !!float \"2.5\"\n")
rc("tag_float_bad", "a: !!float yes\n")
rc("tag_bool", "a: !!bool yes\nb: !!bool \"off\"\n")
rc("tag_bool_bad", "a: !!bool 1\n")
rc("tag_binary", "a: !!binary aGVsbG8gd29ybGQ=\n")
rc("tag_binary_bad", "a: !!binary not*base64\n")
rc("tag_custom", "a: !foo 123\nb: !foo {x: 1}\nc: ! 12\n")
rc("tag_null", "a: !!null ~\n")
rc("tag_timestamp", "a: !!timestamp 2001-12-14\n")
rc("tag_seq_map", "a: !!seq [1]\nb: !!map {x: 1}\n")
rc("quoted", "a: \"yes\"\nb: '010'\nc: \"\\u263A \\x41 \\t\"\nd: 'it''s'\ne: \"\\U0001F600\"\n")
rc("block_literal", "a: |\n  line1\n  line2\nb: |-\n  x\nc: |+\n  y\n\nd: >\n  folded\n  text\n\n  para\n")
rc("block_indent", "a: |2\n    indented\n  x\n")
rc("plain_multiline", "a: this is\n  a long\n  plain\n\n  scalar\n")
rc("flow", "a: {b: [1, 2, {c: d}], e: f}\nf: [yes, no, 010]\n")
rc("nested", "a:\n  b:\n    c:\n    - 1\n    - x: y\n      z: [ ]\n  d: {}\n")
rc("seq_of_seq", "- - a\n  - b\n- - c\n")
rc("comments", "a: 1 # one\n# full\nb: \"#not\"\nc: x#y\n")
rc("unicode", "a: é😀\nb: \"\\u00e9\"\n")
rc("crlf", "a: 1\r\nb: two\r\n")
rc("bom", "\ufeffa: 1\n")
rc("document_end", "a: 1\n...\n")
rc("explicit_doc", "--- \na: 1\n")
rc("directive", "%YAML 1.1\n---\na: 1\n")
rc("err_mapping_values", "a: b: c\n")
rc("err_mapping_values_line3", "a: 1\nb: 2\nc: d: e\n")
rc("err_unclosed_flow", "a: [1, 2\n")
rc("err_unclosed_quote", "a: \"abc\n")
rc("err_tab_indent", "a:\n\tb: 1\n")
rc("err_bad_indent", "a:\n  b: 1\n c: 2\n")
rc("err_block_seq", "a:\n  - 1\n  b: 2\n")
rc("err_alias_key_merge", "a: [\n")
rc("err_control_char", "a: \x01\n")
rc("err_duplicate_anchor_use", "a: *x\nb: &x 1\n")
rc("err_line5_scanner", "a: 1\nb: 2\nc: 3\nd: 4\ne: 'x\n")
rc("err_flow_key", "{a: 1, b}\n")
rc("deep_flow", "a: " + "[" * 50 + "]" * 50 + "\n")
rc("big_ints_in_list", "a: [1, 2.0, 3.5, 1e6, 100000000000000000000]\n")
rc("html", "a: \"<b>&</b>\"\nb: \"\\u2028\"\n")

def random_read_cases(n, seed=1128):
    """Deterministic pseudo-random YAML documents: block and flow nesting, anchors, aliases,
    merge keys, tags and YAML 1.1 scalars."""
    import random
    rnd = random.Random(seed)
    scalars = BOOLS + NUMBERS + NULLS[:5] + STAMPS[:4] + [
        "plain text", "a b c", "'single ''q'''", '"dq \\u00e9 \\t"', "!!str 12", "!!int '3'",
        "!!float 2", "x:y", "-x", "é", "0.5e3", "1_2_3", "0x_A", "+.5", "~"]
    keys = ["a", "b", "on", "yes", "1", "1.5", "key", "k2", "10", "9", "true", "0x1", "'q'", "n"]

    def flow(depth):
        r = rnd.random()
        if depth > 2 or r < 0.5:
            return rnd.choice(scalars) or "''"
        if r < 0.75:
            return "[" + ", ".join(flow(depth + 1) for _ in range(rnd.randint(0, 3))) + "]"
        return "{" + ", ".join("%s: %s" % (rnd.choice(keys), flow(depth + 1))
                               for _ in range(rnd.randint(0, 3))) + "}"

    def block(indent, depth, anchors):
        lines = []
        pad = " " * indent
        for _ in range(rnd.randint(1, 4)):
            k = rnd.choice(keys)
            r = rnd.random()
            if depth < 3 and r < 0.3:
                anc = ""
                if rnd.random() < 0.3:
                    name = "a%d" % len(anchors)
                    anchors.append(name)
                    anc = " &" + name
                lines.append("%s%s:%s" % (pad, k, anc))
                lines.extend(block(indent + 2, depth + 1, anchors))
            elif depth < 3 and r < 0.45:
                lines.append("%s%s:" % (pad, k))
                for _ in range(rnd.randint(1, 3)):
                    lines.append("%s- %s" % (pad, flow(2)))
            elif anchors and r < 0.55:
                if rnd.random() < 0.5:
                    lines.append("%s<<: *%s" % (pad, rnd.choice(anchors)))
                else:
                    lines.append("%s%s: *%s" % (pad, k, rnd.choice(anchors)))
            elif r < 0.65:
                lines.append("%s%s: |%s" % (pad, k, rnd.choice(["", "-", "+"])))
                lines.append("%s  text line" % pad)
                lines.append("%s   more" % pad)
            else:
                lines.append("%s%s: %s" % (pad, k, flow(0)))
        return lines

    return [("rand_%03d" % i, "\n".join(block(0, 0, [])) + "\n") for i in range(n)]


for _name, _text in random_read_cases(300):
    rc(_name, _text)


# ------------------------------------------------------------------ writing cases
WRITE_CASES = []


def wc(name, value):
    WRITE_CASES.append((name, value))


STRINGS = ["", "abc", "yes", "Yes", "YES", "on", "On", "off", "y", "Y", "n", "N", "no", "true",
           "False", "null", "Null", "~", "1", "-1", "+1", "1.0", "1.5", ".5", "0777", "010", "08",
           "0x1F", "0b1", "1e3", "1E3", "1_000", "1e400", "12:30", "1:2:3", "190:20:30.15",
           "2001-12-14", "2001-12-14T21:59:43Z", "2001-02-30", ".inf", ".nan", "-.inf",
           " leading", "trailing ", " both ", "a: b", "a:b", "a :b", "a #b", "a#b", "#a", "- a",
           "-a", "-", "--", "---", "--- a", "...", "...a", "*a", "&a", "!a", "@a", "`a", "%a",
           "|a", ">a", "'a", "\"a", "{a", "}a", "[a", "]a", ",a", "a,b", "a[b]", "a{b}", "?a",
           "? a", "?", ":a", ": a", ":", "a:", "a?", "<<", "=", "a'b", "a\"b", "a\\b",
           "a\nb", "a\nb\n", "a\nb\n\n", "a\n\n", "\n", "\n\n", "\na", " a\nb", "a\n b",
           "a \nb", "a\n\nb", "a\tb", "\ta", "a\rb", "a\r\nb\n", "\u0000", "\u0001", "\u007f",
           "\u0085", "\u00a0", "a\u00a0b", "é", "ü ß", "日本語", "😀", "emoji😀", "a\u2028b",
           "a\u2029", "\ufeff", "\ufeffa", "\ue000", "\ufffd", "a\u001bb", "it's", "say \"hi\"",
           "tab\tand\nnewline", "multi\nline with trailing \nspace", "http://example.com/a?b=c#d",
           "key=value", "a  b", "a   b   c", "*", "&", "!", "|", ">", "%", "@", "`",
           "0", "00", "0.0", "-0", "+0", "1e", "e1", "Infinity", "NaN", "nan", "inf",
           "\ufeffab", "x\ufeffab", "\ufeff\ufeffa", "\ufeff \u00e9", "\ufeff\n", "a\u0085b",
           "a \u0085 b", "\u0085\u0085", "a\u0085\u0085b", "\u0080", "\ufffe", "x\u0085",
           "\u00e9\ufeff", "a\u007fb", "\u009f"]
for i, s in enumerate(STRINGS):
    wc("str_%03d" % i, s)

WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
LONG = " ".join(WORDS * 4)
wc("long_plain", LONG)
wc("long_plain_in_map", {"description": LONG})
wc("long_plain_nested", {"a": {"b": {"c": [LONG]}}})
wc("long_single", " " + LONG)
wc("long_single_in_map", {"k": "- " + LONG})
wc("long_double", "\t" + LONG)
wc("long_double_spaces", "\t" + "word  " * 30)
wc("long_double_in_list", ["x\t" + LONG])
wc("long_word", "x" * 200)
wc("long_words", ("y" * 90 + " ") * 3)
wc("long_words_map", {"k": ("y" * 90 + " ") * 3 + "end"})
wc("long_unicode", " ".join(["éèêë"] * 40))
wc("long_literal", LONG + "\n" + LONG)
wc("long_key", {"k" * 129: 1, "j" * 128: 2})
wc("long_key_value", {"k" * 130: LONG})
wc("key_newline", {"a\nb": 1})
wc("key_newline_map", {"a\nb\n": {"x": 1}})
wc("exactly_80", {"abcdefgh": "w " * 40})
wc("near_80", "a" * 79 + " b c")
wc("near_81", "a" * 80 + " b c")
wc("near_82", "a" * 81 + " b c")
for i, s in enumerate(["<<", "", "yes", "1", "a: b", " x", "a\tb", "é", "😀", "-", "key with spaces",
                       "null", "~", "true", "12:30", "#c", "a#b"]):
    wc("key_%02d" % i, {s: "v"})
wc("key_order", {k: 1 for k in ["", "9", "10", "B", "a", "a9", "a10", "b", "a01", "a1", "a001",
                                "a0", "a00", "_", "-", "Z", "z", "é", "ä", "01", "001", "1",
                                "a-b", "a_b", "a.b", "aB", "AB", "x10y2", "x9y10", "x10y10",
                                "99999999999999999999", "99999999999999999998"]})
# go-yaml v2's key comparison is not transitive for some key sets (9 < 10 < 1a < 9); Go then
# prints such keys in an order that depends on map iteration, so none of those are used here.
wc("key_order_camel", {k: True for k in ["enabled", "enableIPv4", "enableIPv6", "image",
                                         "ipv4NativeRoutingCIDR", "k8sServiceHost",
                                         "k8sServicePort", "kubeProxyReplacement", "l2announcements",
                                         "l7Proxy", "MTU", "mtu", "bpf", "BPF"]})
NUMS = [0, 1, -1, 1.5, -2.5, 1e-7, 1e-6, 1e20, 1e21, 1e6, 123456789, 0.0025, 0.1, -0.0,
        12345678901234567890, 9223372036854775807, 1e300, 5e-324, 100000, 1234567.5,
        4294967296, 3.0, 2.5e-5, 0.0001, 18446744073709551615]
for i, n in enumerate(NUMS):
    wc("num_%02d" % i, n)
wc("nums_in_map", {"n%02d" % i: n for i, n in enumerate(NUMS)})
wc("true", True)
wc("false", False)
wc("null", None)
wc("empty_map", {})
wc("empty_list", [])
wc("map_of_empty", {"a": {}, "b": [], "c": None, "d": ""})
wc("list_of_empty", [{}, [], None, ""])
wc("nested_lists", [[1, [2, [3, []]]], [[]], []])
wc("list_of_maps", [{"a": 1, "b": [1, 2]}, {"c": {"d": "e"}}])
wc("map_of_lists", {"a": [1, 2], "b": [[3], {"x": [4]}]})
wc("deep", {"a": {"b": {"c": {"d": {"e": [{"f": {"g": "h"}}]}}}}})
wc("literal_in_list", ["a\nb", "c\n", " d\ne"])
wc("literal_in_map", {"a": "x\ny\n", "b": "x\n\n", "c": "\nlead", "d": " lead\nx"})
wc("literal_keep_end", {"z": "a\n\n"})
wc("literal_keep_root", "a\n\n")
wc("literal_nested", {"a": {"b": ["x\ny"]}})
wc("literal_with_blank_lines", "a\n\n\nb\n")
wc("literal_unicode", "é\n😀\n")
wc("literal_tab", "a\n\tb\n")
wc("literal_crlf", "a\r\nb\n")
wc("pod_spec", {"containers": [{"name": "agent", "image": "quay.io/cilium/cilium:v1.18.5",
                                "args": ["--config-dir=/tmp/cilium/config-map"],
                                "env": [{"name": "K8S_NODE_NAME",
                                         "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                    "fieldPath": "spec.nodeName"}}}],
                                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                                "securityContext": {"capabilities": {"add": ["NET_ADMIN", "SYS_MODULE"],
                                                                     "drop": ["ALL"]},
                                                    "privileged": False},
                                "ports": [{"containerPort": 9962, "hostPort": 9962,
                                           "name": "prometheus", "protocol": "TCP"}]}],
                "tolerations": [{"operator": "Exists"}], "nodeSelector": {"kubernetes.io/os": "linux"}})
wc("json_html", {"h": "<b>&amp;</b>", "u": "\u2028\u2029", "c": "\u0001\u001f\b\f\n\r\t\u007f"})
wc("reparse_in_map", {"a\u0085b": ["x\u0085y", {"k": "\u0085"}], "n": 1.5})
wc("json_keys", {"b": 1, "a": 2, "B": 3, "10": 4, "9": 5, "": 6})



def random_cases(n, seed=20261128):
    """Deterministic pseudo-random strings and trees aimed at folding and quoting rules."""
    import random
    rnd = random.Random(seed)
    alphabet = ["a", "b", "x", "Z", "0", "1", " ", " ", " ", "  ", ":", "#", "-", "'", "\"", "\\",
                "\t", "\n", "\n\n", "é", "日", "😀", "?", ",", "[", "{", "&", "*", "!", "|", ">",
                "%", "@", "`", ".", "~", "yes", "1.5", "null", "\u2028", "\u00a0"]

    def rstr():
        kind = rnd.random()
        if kind < 0.5:
            words = [rnd.choice(["a", "bb", "ccc", "dddd", "e" * rnd.randint(5, 30)])
                     for _ in range(rnd.randint(5, 40))]
            sep = rnd.choice([" ", " ", "  ", " : ", " # ", "\n"])
            t = sep.join(words)
            if rnd.random() < 0.3:
                t = rnd.choice(alphabet) + t
            if rnd.random() < 0.2:
                t = t + rnd.choice(alphabet)
            return t
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))

    def rtree(depth):
        r = rnd.random()
        if depth > 3 or r < 0.4:
            return rstr()
        if r < 0.7:
            return {rstr()[:rnd.choice([5, 20, 140])]: rtree(depth + 1) for _ in range(rnd.randint(1, 4))}
        return [rtree(depth + 1) for _ in range(rnd.randint(1, 4))]

    return [("rand_%03d" % i, rtree(0)) for i in range(n)]


for _name, _value in random_cases(300):
    wc(_name, _value)

SEP = "@@GOYAML@@"


def render_write_cases():
    tmp = tempfile.mkdtemp(prefix="goyaml-golden-")
    try:
        os.makedirs(os.path.join(tmp, "templates"))
        with open(os.path.join(tmp, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: goyaml-golden\nversion: 0.1.0\n")
        tpl = ("{{- range $k, $v := .Values.cases }}"
               "%(s)s {{ $k }} toYaml\n{{ toYaml $v }}\n"
               "%(s)s {{ $k }} toJson\n{{ toJson $v }}\n"
               "%(s)s {{ $k }} toRawJson\n{{ toRawJson $v }}\n"
               "%(s)s {{ $k }} toPrettyJson\n{{ toPrettyJson $v }}\n"
               "{{- end }}%(s)s END\n") % {"s": SEP}
        with open(os.path.join(tmp, "templates", "t.yaml"), "w") as f:
            f.write(tpl)
        chart = helm.Chart.load(tmp)
        values = {"cases": {name: value for name, value in WRITE_CASES}}
        files = chart.render(values=values, name="golden", namespace="default")
        out = files["goyaml-golden/templates/t.yaml"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results = {}
    parts = out.split(SEP + " ")
    for part in parts[1:]:
        head, _, body = part.partition("\n")
        if head == "END":
            continue
        name, kind = head.split(" ")
        # every section but the last of an iteration ends with the template's own newline
        # (the one before `{{- end }}` is trimmed)
        if kind != "toPrettyJson":
            assert body.endswith("\n"), (name, kind)
            body = body[:-1]
        results.setdefault(name, {})[kind] = body
    cases = []
    for name, value in WRITE_CASES:
        r = results[name]
        if name.startswith("rand_"):
            # keep the file small: the random trees target toYaml's folding and quoting
            r = {"toYaml": r["toYaml"]}
        cases.append({"name": name, "value_json": json.dumps(value), **r})
    return cases

# ------------------------------------------------------------------ fromJson / fromYaml cases
JSON_CASES = [
    '{"a":1,"b":[1,2.5,"x"],"c":{"d":null}}', '{}', '{"a":1,"a":2}', '[1,2]', '"str"', '1', 'null',
    '', ' ', '{', '{"a":}', '{"a" 1}', '[1 2]', '{1:2}', '{"a":1} x', 'tru', 'nul', 'x',
    '{"a":1e400}', '{"a":-0}', '{"a":12345678901234567890}', '{"a":1.0e-7}', '{"a":01}',
    '{"a":1.}', '{"a":-}', '{"a":"\\u00e9\\ud83d\\ude00\\ud800"}', '{"a":"\\x"}', '{"a":"\t"}',
    '{"a":"<>&\\u2028"}', '{"a":[]}', '{"a":true,"b":false}', '  {"a" : [ 1 , { } ] }  ',
    '{"a":"\\/\\b\\f\\n\\r\\t"}', '{"a":1E+2}', '{"a":"\\u12"}', '[', ']',
]
FROM_YAML_CASES = [
    "a: 1\nb: [x, y]\n", "", "- a\n- b\n", "x", "a: .inf\n", "a: b: c\n", "on: yes\n",
    "a: 010\nb: 0x1F\nc: 1e3\n", "a: &x 1\nb: *x\n", "{a: [1, {b: 2}]}",
]


def render_from_cases():
    tmp = tempfile.mkdtemp(prefix="goyaml-golden-")
    try:
        os.makedirs(os.path.join(tmp, "templates"))
        with open(os.path.join(tmp, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: goyaml-golden\nversion: 0.1.0\n")
        tpl = ("{{- range $k, $v := .Values.json }}%(s)s {{ $k }}\n{{ $v | fromJson | toJson }}\n{{ end }}"
               "{{- range $k, $v := .Values.yaml }}%(s)s {{ $k }}\n{{ $v | fromYaml | toJson }}\n{{ end }}"
               "%(s)s END\n") % {"s": SEP}
        with open(os.path.join(tmp, "templates", "t.yaml"), "w") as f:
            f.write(tpl)
        chart = helm.Chart.load(tmp)
        values = {"json": {"j%03d" % i: t for i, t in enumerate(JSON_CASES)},
                  "yaml": {"y%03d" % i: t for i, t in enumerate(FROM_YAML_CASES)}}
        out = chart.render(values=values, name="golden", namespace="default")["goyaml-golden/templates/t.yaml"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = {}
    for part in out.split(SEP + " ")[1:]:
        head, _, body = part.partition("\n")
        if head == "END":
            continue
        res[head] = body[:-1]
    cases = [{"name": "j%03d" % i, "func": "fromJson", "input": t, "toJson": res["j%03d" % i]}
             for i, t in enumerate(JSON_CASES)]
    cases += [{"name": "y%03d" % i, "func": "fromYaml", "input": t, "toJson": res["y%03d" % i]}
              for i, t in enumerate(FROM_YAML_CASES)]
    return cases



def read_cases():
    cases = []
    for name, text in READ_CASES:
        try:
            out = _native.call_string("helm_values_from_yaml", text)
            cases.append({"name": name, "input": text, "json": out})
        except helm.HelmError as e:
            cases.append({"name": name, "input": text, "error": str(e)})
    return cases


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    meta = {"helm_sdk": helm.helm_sdk_version() if callable(getattr(helm, "helm_sdk_version", None)) else "",
            "helm_c": helm.helm_c_version() if callable(getattr(helm, "helm_c_version", None)) else ""}
    with open(os.path.join(a.out, "from_yaml.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": meta, "cases": read_cases()}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(a.out, "to_yaml.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": meta, "cases": render_write_cases()}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(a.out, "from_funcs.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": meta, "cases": render_from_cases()}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote goldens to %s (%d read cases, %d write cases)" % (a.out, len(READ_CASES), len(WRITE_CASES)))


if __name__ == "__main__":
    sys.exit(main())
