"""Reads a coopsim workbook back with openpyxl (independent of coopsim's C
code) and checks it against the JSON of the same run: one sheet per run plus
the comparison, every member's share in every run and year, frozen header
rows, kroner number formats, column widths, valid unique sheet names.

usage: xlsx_check.py BOOK.xlsx DOC.json [LANG]"""
import json
import sys

import openpyxl

book, doc_path = sys.argv[1], sys.argv[2]
lang = sys.argv[3] if len(sys.argv) > 3 else "en"
doc = json.load(open(doc_path, encoding="utf-8"))
wb = openpyxl.load_workbook(book)
runs = doc["runs"]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


names = wb.sheetnames
check(len(names) == len(runs) + 1, f"{len(names)} sheets for {len(runs)} runs: {names}")
check(names[-1] == ("Sammenligning" if lang == "nb" else "Comparison"), f"last sheet {names[-1]!r}")
check(len({n.lower() for n in names}) == len(names), f"sheet names not unique: {names}")
for n in names:
    check(len(n) <= 31 and not any(ch in n for ch in "[]:*?/\\"), f"invalid sheet name {n!r}")
    check(n != "History", "History is reserved by Excel")

head = {"en": ("member", "total", "code"), "nb": ("kommune", "sum", "kommunenr.")}[lang]
checked = 0
for run, name in zip(runs, names):
    ws = wb[name]
    check(ws.freeze_panes == "A2", f"{name}: frozen at {ws.freeze_panes}, not under the header")
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header) if h is not None}
    for h in head:
        check(h in col, f"{name}: no column {h!r} in {header}")
    if failures:
        break
    rows = {}
    for r in ws.iter_rows(min_row=2):
        if r[0].value is None:
            break  # the years' table starts after a blank row
        rows[(r[1].value, r[col[head[2]]].value)] = r
    check(len(rows) == len(run["rows"]), f"{name}: {len(rows)} member rows, JSON has {len(run['rows'])}")
    for jr in run["rows"]:
        r = rows.get((jr["year"], jr["code"]))
        if r is None:
            failures.append(f"{name}: no row for {jr['year']} {jr['code']}")
            continue
        cell = r[col[head[1]]]
        check(cell.value == jr["total"], f"{name} {jr['year']} {jr['code']}: {cell.value} != {jr['total']}")
        check(isinstance(cell.value, int), f"{name}: total stored as {type(cell.value).__name__}, not a number")
        check("#,##0" in cell.number_format and "kr" in cell.number_format,
              f"{name}: total's number format {cell.number_format!r}")
        check(r[col[head[0]]].value == jr["name"], f"{name}: name {r[col[head[0]]].value!r} != {jr['name']!r}")
        checked += 1
    width = ws.column_dimensions["D"].width
    longest = max(len(jr["name"]) for jr in run["rows"]) if run["rows"] else 0
    check(width is not None and width >= longest, f"{name}: member column {width} narrower than {longest}")
    # the key's label, source and assumption are in the sheet
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for y in run["years"]:
        for k in ("key", "key_label", "key_source", "key_assumption"):
            if y.get(k):
                check(y[k] in texts, f"{name}: {k} {y[k]!r} not in the sheet")

# the comparison: each member's share in each run, by year and code
ws = wb[names[-1]]
check(ws.freeze_panes == "E2", f"comparison frozen at {ws.freeze_panes}")
header = [c.value for c in ws[1]]
run_cols = [header.index(run["scenario"]) for run in runs]
grid = {}
for r in ws.iter_rows(min_row=2):
    if r[2].value:  # a member's line (totals have no code)
        grid[(r[1].value, r[2].value)] = r
for i, run in enumerate(runs):
    for jr in run["rows"]:
        r = grid.get((jr["year"], jr["code"]))
        if r is None:
            failures.append(f"comparison: no line for {jr['year']} {jr['code']}")
            continue
        check(r[run_cols[i]].value == jr["total"],
              f"comparison {run['scenario']} {jr['year']} {jr['code']}: {r[run_cols[i]].value} != {jr['total']}")
        checked += 1
for (year, code), r in grid.items():
    base = next((jr["total"] for jr in runs[0]["rows"] if jr["year"] == year and jr["code"] == code), None)
    for i in range(1, len(runs)):
        here = next((jr["total"] for jr in runs[i]["rows"] if jr["year"] == year and jr["code"] == code), None)
        if here is not None and base is not None:
            diff = r[run_cols[i] + 1]
            check(diff.value == here - base, f"comparison diff {year} {code} run {i}: {diff.value} != {here - base}")
            pct = r[run_cols[i] + 2]
            check(base == 0 or abs(pct.value - (here - base) / base) < 1e-12, f"comparison % {year} {code}")
            check("%" in pct.number_format, f"percent format {pct.number_format!r}")

if failures:
    print("\n".join(failures[:30]))
    print(f"{len(failures)} problems")
    sys.exit(1)
print(f"ok: {len(names)} sheets, {checked} figures match the JSON")
