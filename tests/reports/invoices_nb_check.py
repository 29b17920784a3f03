"""Reads coopsim's invoice list as Norwegian Excel gets it (--format
invoices-nb) independently of coopsim's C code and checks it against the JSON
of the same runs:

- the file starts with the UTF-8 byte order mark (Excel then reads æ, ø, å),
  and decodes as UTF-8; fields are separated by ';';
- every amount is whole kroner with a decimal comma ("-15633,00"), never a
  decimal point;
- each member's lines of a year sum to what the JSON's row is invoiced
  (share + settlement), the host has none, and every scenario, cooperation
  and member name is the JSON's exactly (with æ, ø and å: the scenario must
  have all three).

usage: invoices_nb_check.py INVOICES.csv DOC.json"""
import csv
import io
import json
import re
import sys

raw = open(sys.argv[1], "rb").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


check(raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark")
text = raw[3:].decode("utf-8")
for ch in "æøå":
    check(ch in text.lower(), f"no {ch} in the invoice list")
rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
head, lines = rows[0], rows[1:]
check(len(head) == 12, f"{len(head)} columns: {head}")
col = {name: i for i, name in enumerate(head)}
amount = col.get("amount", col.get("beløp"))
got = {}
for n, r in enumerate(lines):
    check(len(r) == len(head), f"line {n + 2}: {len(r)} fields")
    a = r[amount]
    if not check(re.fullmatch(r"-?\d+,00", a), f"line {n + 2}: amount {a!r} is not kroner with a decimal comma"):
        continue
    key = (r[0], r[1], int(r[3]), r[4])
    got[key] = got.get(key, 0) + int(a[:-3])
    names = (r[0], r[1], r[5])
    got.setdefault(("names",) + key, names)
want = {}
for run in doc["runs"]:
    for row in run["rows"]:
        if row.get("host"):
            continue
        key = (run["scenario"], row["cooperation"], row["year"], row["code"])
        v = row.get("invoice", row["total"])
        if v:
            want[key] = v
        if ("names",) + key in got:
            check(got[("names",) + key] == (run["scenario"], row["cooperation"], row["name"]),
                  f"{key}: names {got[('names',) + key]}")
sums = {k: v for k, v in got.items() if k[0] != "names" and v != 0}
check(sums == want, f"the lines' sums differ from the JSON's invoices: "
      f"{sorted(set(sums.items()) ^ set(want.items()))[:6]}")
check(not any(row.get("host") and (run["scenario"], row["cooperation"], row["year"], row["code"]) in got
              for run in doc["runs"] for row in run["rows"]), "the host is invoiced")
if failures:
    print("\n".join(failures[:20]))
    sys.exit(1)
print(f"ok: {len(lines)} invoice lines with a decimal comma, BOM and æøå; {len(want)} member-years match the JSON")
