import sys, json, helm_python as h
cases = json.load(sys.stdin)
out = []
for mode, e in cases:
    f = {"typed": h.parse_set_string, "string": h.parse_set_string_values, "json": h.parse_set_json, "literal": h.parse_set_literal}[mode]
    try:
        out.append({"ok": json.dumps(f(e), sort_keys=True, separators=(",", ":"))})
    except Exception as ex:
        out.append({"err": str(ex)})
print(json.dumps(out))
