"""Reads a coopsim workbook back with openpyxl and the zip's own XML
(independent of coopsim's C code) and checks it against the JSON of the same
runs:

- sheets: Comparison, Chart, one per run, Years, Assumptions (in bokmål with
  LANG nb), valid unique Excel names, the fixed ones where they belong even
  when a run is named like one of them;
- every sheet but Chart is one Excel table with a filter on its header row,
  the header frozen;
- each run's sheet: every row of the JSON with its parts (a column per part
  name), the rounding and the total; parts + rounding = total on every row;
  the table's total row is SUBTOTAL(109) over its column and its value is
  the column's sum;
- the Years sheet's sum of shares is a formula over the run sheet's totals:
  evaluated here from the cells it names, it equals the JSON's sum of shares
  and the value stored with it;
- the comparison: every member's share in every run, the differences, the
  total row's sums;
- a native bar chart per cooperation and year whose series name, categories
  and values point at the comparison's cells holding the right members and
  shares;
- the assumptions: each key's description, label, source and assumption,
  each run's options, the cost lines and grants with their amounts, the
  scenario file, SSB as the source of populations;
- the money cycle (SPEC 7.3), where the JSON has it: each row's
  difference, settlement and invoice, its shares by service, a member gone
  in a year (settlement only) with no share, each year's accounts, and
  where a run has settlements a sheet Invoiced after Chart comparing what
  each member is invoiced as the comparison compares shares.

usage: xlsx_check.py BOOK.xlsx DOC.json [LANG]"""
import json
import re
import sys
import zipfile

import openpyxl

book, doc_path = sys.argv[1], sys.argv[2]
lang = sys.argv[3] if len(sys.argv) > 3 else "en"
doc = json.load(open(doc_path, encoding="utf-8"))
wb = openpyxl.load_workbook(book)                  # formulas as written
values = openpyxl.load_workbook(book, data_only=True)  # the values stored with them
runs = doc["runs"]
failures = []
checked = 0

NB = lang == "nb"
W = {  # the words the checks look for, in the report's language
    "Comparison": "Sammenligning" if NB else "Comparison",
    "Chart": "Diagram" if NB else "Chart",
    "Years": "År" if NB else "Years",
    "Assumptions": "Forutsetninger" if NB else "Assumptions",
    "member": "kommune" if NB else "member",
    "code": "kommunenr." if NB else "code",
    "year": "år" if NB else "year",
    "cooperation": "samarbeid" if NB else "cooperation",
    "total": "sum" if NB else "total",
    "rounding": "avrunding" if NB else "rounding",
    "population source": "kilde for innbyggertall" if NB else "population source",
    "sum of shares": "sum andeler" if NB else "sum of shares",
    "scenario": "scenario",
    "Invoiced": "Fakturert" if NB else "Invoiced",
    "difference": "avvik" if NB else "difference",
    "settlement": "avregning" if NB else "settlement",
    "invoice": "faktura" if NB else "invoice",
    "actual cost": "kostnad regnskap" if NB else "actual cost",
    "actual grants": "tilskudd regnskap" if NB else "actual grants",
    "actual net cost": "netto kostnad regnskap" if NB else "actual net cost",
}


def no_share(jr):
    """A member gone in a year, invoiced only its settlement (SPEC 7.3)."""
    return bool(jr.get("settlement_only"))


def invoiced(jr):
    return jr["invoice"] if "invoice" in jr else jr["total"]


settles = any(jr.get("settlement_only") or jr.get("settlement", 0) != 0 for run in runs for jr in run["rows"])


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def fold(name):
    return name.lower()


# ---- sheets -------------------------------------------------------------------
names = wb.sheetnames
fixed_first = [W["Comparison"], W["Chart"]] + ([W["Invoiced"]] if settles else [])
fixed_last = [W["Years"], W["Assumptions"]]
check(len(names) == len(runs) + len(fixed_first) + 2, f"{len(names)} sheets for {len(runs)} runs: {names}")
check(names[:len(fixed_first)] == fixed_first and names[-2:] == fixed_last, f"fixed sheets out of place: {names}")
run_sheets = names[len(fixed_first):-2]
check(len({fold(n) for n in names}) == len(names), f"sheet names not unique: {names}")
for n in names:
    check(0 < len(n) <= 31 and not any(ch in n for ch in "[]:*?/\\") and n[0] != "'" and n[-1] != "'",
          f"invalid sheet name {n!r}")
    check(fold(n) != "history", "History is reserved by Excel")
for run, n in zip(runs, run_sheets):
    want = re.sub(r"[\[\]:*?/\\]", "_", run["scenario"])[:31].strip("' ")
    check(n == want or n.startswith(want[:24]) or n.startswith("Run"),
          f"sheet {n!r} does not carry the run's name {run['scenario']!r}")


def table_of(ws):
    """The sheet's one table: (table, header list, {header: column index}, data rows as cell lists)."""
    tables = list(ws.tables.values())
    if not check(len(tables) == 1, f"{ws.title}: {len(tables)} tables, not one"):
        return None
    t = tables[0]
    check(t.autoFilter is not None and t.autoFilter.ref, f"{ws.title}: the table has no filter")
    check(t.headerRowCount in (None, 1), f"{ws.title}: the table has no header row")
    (c0, r0), (c1, r1) = openpyxl.utils.cell.range_boundaries(t.ref)[:2], openpyxl.utils.cell.range_boundaries(t.ref)[2:]
    head = [ws.cell(r0, c).value for c in range(c0, c1 + 1)]
    cols = [tc.name for tc in t.tableColumns]
    check(head == cols, f"{ws.title}: header cells {head} are not the table's columns {cols}")
    check(len({fold(h) for h in cols}) == len(cols), f"{ws.title}: column names repeat: {cols}")
    check(ws.freeze_panes is not None and ws.freeze_panes[1:] == "2", f"{ws.title}: header not frozen ({ws.freeze_panes})")
    last = r1 - (1 if t.totalsRowCount else 0)
    rows = [[ws.cell(r, c) for c in range(c0, c1 + 1)] for r in range(r0 + 1, last + 1)]
    total = [ws.cell(r1, c) for c in range(c0, c1 + 1)] if t.totalsRowCount else None
    return t, cols, {h: i for i, h in enumerate(cols)}, rows, total


def check_total_row(ws, t, cols, rows, total, summed):
    """Each column in summed: SUBTOTAL(109) of the column, its stored value the column's sum."""
    if not check(total is not None, f"{ws.title}: no total row"):
        return
    vws = values[ws.title]
    for name in summed:
        i = cols.index(name)
        cell = total[i]
        f = str(cell.value or "")
        check(re.fullmatch(r"=SUBTOTAL\(109,.*\[.*\]\)", f) is not None, f"{ws.title}: total of {name!r} is {f!r}")
        want = sum(r[i].value for r in rows if isinstance(r[i].value, (int, float)))
        got = vws.cell(cell.row, cell.column).value
        check(got is not None and abs(got - want) < 1e-6, f"{ws.title}: total of {name!r} stored {got}, the column sums to {want}")


# ---- each run's sheet ----------------------------------------------------------------
for run, n in zip(runs, run_sheets):
    ws = wb[n]
    got = table_of(ws)
    if not got:
        continue
    t, cols, col, rows, total = got
    for h in (W["member"], W["code"], W["total"], W["rounding"], W["year"], W["cooperation"]):
        check(h in col, f"{n}: no column {h!r} in {cols}")
    if failures:
        break
    # the part columns lie between the population's source and the rounding, in the JSON's order
    part_names = []
    for jr in run["rows"]:
        for p in jr["parts"]:
            if p["name"] not in part_names:
                part_names.append(p["name"])
    first = col[W["population source"]] + 1
    part_cols = list(range(first, col[W["rounding"]]))
    check(len(part_cols) == len(part_names), f"{n}: {len(part_cols)} part columns for parts {part_names}")
    by_key = {(r[col[W["year"]]].value, r[col[W["code"]]].value, r[col[W["cooperation"]]].value): r for r in rows}
    check(len(rows) == len(run["rows"]), f"{n}: {len(rows)} rows, JSON has {len(run['rows'])}")
    for jr in run["rows"]:
        r = by_key.get((jr["year"], jr["code"], jr["cooperation"]))
        if not check(r is not None, f"{n}: no row for {jr['year']} {jr['code']}"):
            continue
        cell = r[col[W["total"]]]
        if no_share(jr):
            check(cell.value is None and r[col[W["rounding"]]].value is None,
                  f"{n} {jr['year']} {jr['code']}: a settlement-only row with a share {cell.value!r}")
            check(all(r[c].value is None for c in range(col[W["population source"]] + 1, col[W["rounding"]])),
                  f"{n} {jr['year']} {jr['code']}: a settlement-only row with parts")
        else:
            check(cell.value == jr["total"] and isinstance(cell.value, int),
                  f"{n} {jr['year']} {jr['code']}: total {cell.value!r} != {jr['total']}")
        if "invoice" in jr:
            for k, h in (("settlement", W["settlement"]), ("invoice", W["invoice"])):
                check(h in col and r[col[h]].value == jr[k], f"{n} {jr['year']} {jr['code']}: {k} "
                      f"{r[col[h]].value if h in col else 'no column'!r} != {jr[k]}")
            check(jr["invoice"] == jr["total"] + jr["settlement"], f"JSON {jr['year']} {jr['code']}: invoice")
            if "difference" in jr:
                h = W["difference"]
                check(h in col and r[col[h]].value == jr["difference"],
                      f"{n} {jr['year']} {jr['code']}: difference != {jr['difference']}")
        for sv in jr.get("services", []):
            check(sv["name"] in col and r[col[sv["name"]]].value == sv["kroner"],
                  f"{n} {jr['year']} {jr['code']}: service {sv['name']} != {sv['kroner']}")
        if no_share(jr):
            checked += 1
            continue
        check("#,##0" in cell.number_format and "kr" in cell.number_format, f"{n}: total's format {cell.number_format!r}")
        check(r[col[W["member"]]].value == jr["name"], f"{n}: name {r[col[W['member']]].value!r} != {jr['name']!r}")
        parts = {p["name"]: p["rounded"] for p in jr["parts"]}
        added = 0
        for name, c in zip(part_names, part_cols):
            v = r[c].value
            check(v == parts.get(name), f"{n} {jr['year']} {jr['code']}: part {name} {v!r} != {parts.get(name)!r}")
            added += v or 0
        rounding = r[col[W["rounding"]]].value
        check(added + rounding == jr["total"],
              f"{n} {jr['year']} {jr['code']}: parts {added} + rounding {rounding} != total {jr['total']}")
        checked += 1
    check_total_row(ws, t, cols, rows, total, [cols[c] for c in part_cols] + [W["rounding"], W["total"]])
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(col[W["member"]] + 1)].width
    longest = max((len(jr["name"]) for jr in run["rows"]), default=0)
    check(width is not None and width >= longest, f"{n}: member column {width} narrower than {longest}")

# ---- the years: sums as formulas over the shares --------------------------------------------
SUMPRODUCT = re.compile(r"=SUMPRODUCT\(EXACT\('((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+),\$([A-Z]+)(\d+)\)"
                        r"\*\('((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)=\$([A-Z]+)(\d+)\)"
                        r"\*'((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)\)")


def column(sheet, letter, r0, r1):
    ws = wb[sheet.replace("''", "'")]
    c = openpyxl.utils.column_index_from_string(letter)
    return [ws.cell(r, c).value for r in range(int(r0), int(r1) + 1)]


ws = wb[W["Years"]]
got = table_of(ws)
if got:
    t, cols, col, rows, _ = got
    jyears = [(run["scenario"], y) for run in runs for y in run["years"]]
    check(len(rows) == len(jyears), f"years: {len(rows)} rows, JSON has {len(jyears)}")
    for r, (scen, y) in zip(rows, jyears):
        check(r[col[W["scenario"]]].value == scen and r[col[W["year"]]].value == y["year"],
              f"years: row {r[0].row} is not {scen} {y['year']}")
        cell = r[col[W["sum of shares"]]]
        stored = values[ws.title].cell(cell.row, cell.column).value
        f = str(cell.value)
        m = SUMPRODUCT.fullmatch(f)
        if not check(m is not None, f"years: sum of shares of {scen} {y['year']} is not a formula over the shares: {f!r}"):
            continue
        g = m.groups()
        coops = column(g[0], g[1], g[2], g[4])
        yrs = column(g[7], g[8], g[9], g[11])
        totals = column(g[14], g[15], g[16], g[18])
        want_coop = ws[f"{g[5]}{g[6]}"].value
        want_year = ws[f"{g[12]}{g[13]}"].value
        check(int(g[6]) == cell.row and int(g[13]) == cell.row, f"years: the formula on row {cell.row} reads row {g[6]}")
        check(want_coop == y["cooperation"] and want_year == y["year"], f"years: criteria {want_coop} {want_year}")
        # an empty cell (a settlement-only row's share) counts 0, as in Excel
        s = sum(tt or 0 for c, yy, tt in zip(coops, yrs, totals) if c == want_coop and yy == want_year)
        check(s == y["sum_shares"], f"years: {scen} {y['year']}: the formula gives {s}, JSON's sum of shares {y['sum_shares']}")
        check(stored == y["sum_shares"], f"years: {scen} {y['year']}: value stored {stored}, sum of shares {y['sum_shares']}")
        for k, h in (("actual_cost", W["actual cost"]), ("actual_grants", W["actual grants"]),
                     ("actual_net", W["actual net cost"])):
            if k in y:
                check(h in col and abs(r[col[h]].value - float(y[k])) < 0.005,
                      f"years: {scen} {y['year']}: {k} {r[col[h]].value if h in col else 'no column'!r} != {y[k]}")
        checked += 1

# ---- the comparison ---------------------------------------------------------------------------
def comparison(sheet, figure, has_figure):
    """The comparison sheet `sheet` of figure(row) (the share, or what is invoiced) for the rows with
    has_figure(row): each run's column, the changes, the total row. Returns its lines by
    (cooperation, year, code), the runs' columns and each (run, cooperation, year, code)'s figure."""
    global checked
    ws = wb[sheet]
    got = table_of(ws)
    grid, run_cols = {}, []
    share = {(i, jr["cooperation"], jr["year"], jr["code"]): figure(jr)
             for i, run in enumerate(runs) for jr in run["rows"] if has_figure(jr)}
    if not got:
        return grid, run_cols, share
    t, cols, col, rows, total = got
    check(ws.freeze_panes == "E2", f"{sheet}: frozen at {ws.freeze_panes}")
    # run i's figure in column 4 (the baseline) or 5 + 3 (i - 1), its changes beside it; the
    # header is its name, " (2)" added when two runs share a name
    run_cols = [4 if i == 0 else 5 + 3 * (i - 1) for i in range(len(runs))]
    for i, run in enumerate(runs):
        h = cols[run_cols[i]] if run_cols[i] < len(cols) else None
        if not check(h is not None and (h == run["scenario"][:255] or re.fullmatch(re.escape(run["scenario"][:240]) + r" \(\d+\)", h)),
                     f"{sheet}: column {run_cols[i]} is {h!r}, not run {run['scenario']!r}"):
            run_cols[i] = None
    for r in rows:
        grid[(r[col[W["cooperation"]]].value, r[1].value, r[2].value)] = r
    check(len(grid) == len({k[1:] for k in share}), f"{sheet}: {len(grid)} lines for {len({k[1:] for k in share})} members and years")
    for i, run in enumerate(runs):
        if not check(run_cols[i] is not None, f"{sheet}: no column for {run['scenario']!r}"):
            continue
        for jr in run["rows"]:
            if not has_figure(jr):
                continue
            r = grid.get((jr["cooperation"], jr["year"], jr["code"]))
            if not check(r is not None, f"{sheet}: no line for {jr['year']} {jr['code']}"):
                continue
            check(r[run_cols[i]].value == figure(jr),
                  f"{sheet} {run['scenario']} {jr['year']} {jr['code']}: {r[run_cols[i]].value} != {figure(jr)}")
            checked += 1
    for (coop, year, code), r in grid.items():
        base = share.get((0, coop, year, code))
        for i in range(1, len(runs)):
            here = share.get((i, coop, year, code))
            if run_cols[i] is None:
                continue
            if here is None and base is None:
                continue
            d = r[run_cols[i] + 1].value
            check(d == (here or 0) - (base or 0), f"{sheet} diff {year} {code} run {i}: {d} != {(here or 0) - (base or 0)}")
            if here is not None and base:
                pct = r[run_cols[i] + 2]
                check(abs(pct.value - (here - base) / base) < 1e-12 and "%" in pct.number_format, f"{sheet} % {year} {code}")
    check_total_row(ws, t, cols, rows, total, [cols[c] for c in run_cols if c is not None])
    return grid, run_cols, share


grid, run_cols, share = comparison(W["Comparison"], lambda jr: jr["total"], lambda jr: not no_share(jr))
got = grid
ws = wb[W["Comparison"]]
if settles:
    comparison(W["Invoiced"], invoiced, lambda jr: True)

# ---- the charts: native bar charts pointing at the comparison's cells ---------------------------
with zipfile.ZipFile(book) as z:
    charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    blocks = {}
    for run in runs:
        for jr in run["rows"]:
            if not no_share(jr):
                blocks.setdefault((jr["cooperation"], jr["year"]), set()).add(jr["code"])
    check(len(charts) == len(blocks), f"{len(charts)} charts for {len(blocks)} cooperation-years")
    # the chart sheet's drawing holds them all
    sheet_idx = names.index(W["Chart"]) + 1
    rels = z.read(f"xl/worksheets/_rels/sheet{sheet_idx}.xml.rels").decode() if \
        f"xl/worksheets/_rels/sheet{sheet_idx}.xml.rels" in z.namelist() else ""
    check("drawing" in rels, "the chart sheet has no drawing")
    for name in charts:
        x = z.read(name).decode("utf-8")
        check("<c:barChart>" in x and '<c:barDir val="bar"/>' in x, f"{name}: not a bar chart")
        refs = re.findall(r"<c:f>([^<]*)</c:f>", x)
        sers = x.count("<c:ser>")
        check(sers >= 1 and len(refs) == 3 * sers, f"{name}: {sers} series, references {refs}")
        for k in range(sers):
            tx, cat, val = refs[3 * k: 3 * k + 3]
            ref = r"'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?"
            m, mv, mt = re.fullmatch(ref, cat), re.fullmatch(ref, val), re.fullmatch(ref, tx)
            if not check(m and mv and mt and m.group(1) == W["Comparison"] and mt.group(3) == "1",
                         f"{name}: references {tx} {cat} {val}"):
                continue
            run_name = ws[f"{mt.group(2)}1"].value
            c = openpyxl.utils.column_index_from_string(mt.group(2)) - 1
            i = run_cols.index(c) if c in run_cols else None
            if not check(i is not None and mv.group(2) == mt.group(2), f"{name}: series {run_name!r} is no run's column"):
                continue
            r0, r1 = int(m.group(3)), int(m.group(5) or m.group(3))
            lines = [grid_row for grid_row in ws.iter_rows(min_row=r0, max_row=r1)]
            years = {ln[1].value for ln in lines}
            coops = {ln[0].value for ln in lines}
            check(len(years) == 1 and len(coops) == 1, f"{name}: rows {r0}-{r1} span {years} {coops}")
            key = (next(iter(coops)), next(iter(years)))
            check({ln[2].value for ln in lines} == blocks.get(key, set()), f"{name}: rows {r0}-{r1} are not {key}'s members")
            check(int(mv.group(3)) == r0 and int(mv.group(5) or mv.group(3)) == r1,
                  f"{name}: values {val} not on the categories' rows")
            for ln in lines:
                v = ws[f"{mv.group(2)}{ln[0].row}"].value
                want = share.get((i, key[0], key[1], ln[2].value)) if got else None
                check(v == want or (want is None and isinstance(v, str)), f"{name}: {run_name} {ln[2].value}: {v} != {want}")
            checked += 1

# ---- the assumptions and sources ------------------------------------------------------------------
ws = wb[W["Assumptions"]]
got = table_of(ws)
if got:
    t, cols, col, rows, _ = got
    texts = {c.value for r in rows for c in r if isinstance(c.value, str)}
    facts = [[c.value for c in r] for r in rows]
    check(any("SSB" in s for s in texts), "assumptions: SSB not named as the source of populations")
    if doc.get("scenario_file"):
        check(doc["scenario_file"] in texts, "assumptions: the scenario file is not named")
    for run in runs:
        if run.get("options") and not NB:
            check(run["options"] in texts, f"assumptions: options of {run['scenario']} missing")
        if run.get("options") and NB:  # in words (report_lang.c, cs_rl_options), not as code
            words = {"rounding=largest_remainder": "avrunding: største rest",
                     "settle=next_year": "avregning: på neste års faktura",
                     "settle=none": "avregning: vises, faktureres ikke"}
            known = [w for o, w in words.items() if o in run["options"].split()]
            if known:
                check(run["options"] not in texts, f"assumptions: options of {run['scenario']} as code in bokmål")
            for w in known:
                check(any(w in s for s in texts), f"assumptions: {w!r} of {run['scenario']} missing")
        for y in run["years"]:
            # the key's description in the workbook's language (bokmål when the
            # document has it), never the other language's
            key = "key_nb" if NB and y.get("key_nb") else "key"
            other = "key" if key == "key_nb" else None
            if other and y[other] != y[key]:
                check(y[other] not in texts, f"assumptions: the English key {y[other]!r} in a workbook in bokmål")
            for k in (key, "key_label", "key_source", "key_assumption"):
                if y.get(k):
                    check(y[k] in texts, f"assumptions: {k} {y[k]!r} of {run['scenario']} missing")
            for kind in ("lines", "grant_list"):
                for line in y.get(kind, []):
                    ok = any(f[0] == run["scenario"] and f[1] == y["cooperation"] and f[2] <= y["year"] <= f[3]
                             and f[5] == line["name"] and abs((f[7] or 0) - float(line["amount"])) < 0.005 for f in facts)
                    check(ok, f"assumptions: {run['scenario']} {y['year']} {line['name']} {line['amount']} missing")
        checked += 1

if failures:
    print("\n".join(failures[:30]))
    print(f"{len(failures)} problems")
    sys.exit(1)
print(f"ok: {len(names)} sheets, {checked} figures and references match the JSON")
