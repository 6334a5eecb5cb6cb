import sys, json, helm_python as h
c = h.Chart.load(sys.argv[1])
out = []
for u in json.load(sys.stdin):
    try:
        c.validate_schema(c.merge_values(u))
        out.append("")
    except Exception as ex:
        out.append(str(ex))
print(json.dumps(out))
