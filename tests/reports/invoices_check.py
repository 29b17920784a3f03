"""Reads coopsim's invoice list workbook (--format invoices --out FILE.xlsx)
back with openpyxl, independently of coopsim's C code, and checks it against
the JSON of the same runs:

- one sheet, Invoices (Fakturaer with LANG nb), holding one Excel table with
  a filter on its header row, the header frozen;
- the columns scenario, cooperation, payee, year, code, member, due, line,
  service, instalment, settles, amount (in bokmål with LANG nb);
- every invoice line of every member and year, as this script makes them
  from the JSON (SPEC 7.3): a row with instalments gives their lines; a row
  without gives its share (a line per service) and its settlement, due on
  the row's due date; the host is not invoiced; no line of 0 kr;
- names with æ, ø and å exactly as in the JSON; codes as text (0301 keeps
  its zero); years, instalments and settled years as numbers; due dates as
  Excel dates; amounts as numbers with a kroner format;
- the total row: SUBTOTAL(109) over the amounts, its stored value their sum,
  which is what the JSON's rows are invoiced (share + settlement).

usage: invoices_check.py BOOK.xlsx DOC.json [LANG]"""
import datetime
import json
import re
import sys

import openpyxl

book, doc_path = sys.argv[1], sys.argv[2]
lang = sys.argv[3] if len(sys.argv) > 3 else "en"
NB = lang == "nb"
doc = json.load(open(doc_path, encoding="utf-8"))
wb = openpyxl.load_workbook(book)
values = openpyxl.load_workbook(book, data_only=True)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


HEAD_EN = ["scenario", "cooperation", "payee", "year", "code", "member", "due", "line", "service",
           "instalment", "settles", "amount"]
HEAD_NB = ["scenario", "samarbeid", "betales til", "år", "kommunenr.", "kommune", "forfall", "linje", "tjeneste",
           "termin", "avregning for", "beløp"]
HEAD = HEAD_NB if NB else HEAD_EN
KIND = {"share": "andel" if NB else "share", "settlement": "avregning" if NB else "settlement"}


def expected_lines():
    """Every invoice line, ordered by run, cooperation, code, year, as the JSON has them."""
    out = []
    for ri, run in enumerate(doc["runs"]):
        rows = sorted(enumerate(run["rows"]), key=lambda p: (p[1]["cooperation"].encode(), p[1]["code"].encode(),
                                                               p[1]["year"], p[0]))
        for _, row in rows:
            if row.get("host"):
                continue
            money = "invoice" in row

            def line(due, kind, service, instalment, settles, amount):
                if amount != 0:
                    out.append((run["scenario"], row["cooperation"], row.get("payee"), row["year"], row["code"],
                                row["name"], due, kind, service, instalment or None, settles or None, amount))
            if money and row.get("invoices"):
                for inv in row["invoices"]:
                    check(sum(l["amount"] for l in inv["lines"]) == inv["amount"],
                          f"JSON {row['year']} {row['code']}: an invoice is not its lines")
                    for l in inv["lines"]:
                        line(inv["due"], l["kind"], l.get("service"), l.get("instalment"), l.get("settles"), l["amount"])
                continue
            if not row.get("settlement_only"):
                if row.get("services"):
                    for s in row["services"]:
                        line(row.get("due"), "share", s["name"], None, None, s["kroner"])
                else:
                    line(row.get("due"), "share", None, None, None, row["total"])
            if money:
                line(row.get("due"), "settlement", None, None, row["year"] - 1, row["settlement"])
    return out


want = expected_lines()
# what the JSON's rows are invoiced in all: share + settlement of every row but the host's
invoiced = sum(r.get("invoice", r["total"]) for run in doc["runs"] for r in run["rows"] if not r.get("host"))

check(wb.sheetnames == (["Fakturaer"] if NB else ["Invoices"]), f"sheets {wb.sheetnames}")
ws = wb.worksheets[0]
vws = values.worksheets[0]
tables = list(ws.tables.values())
if check(len(tables) == 1, f"{len(tables)} tables, not one"):
    t = tables[0]
    check(t.autoFilter is not None and t.autoFilter.ref, "the table has no filter")
    check(ws.freeze_panes == "A2", f"header not frozen ({ws.freeze_panes})")
    (c0, r0, c1, r1) = openpyxl.utils.cell.range_boundaries(t.ref)
    head = [ws.cell(r0, c).value for c in range(c0, c1 + 1)]
    check(head == HEAD, f"header {head}")
    check([tc.name for tc in t.tableColumns] == HEAD, "the table's columns are not its header")
    check(t.totalsRowCount == 1, "no total row")
    last = r1 - 1
    rows = [[ws.cell(r, c) for c in range(c0, c1 + 1)] for r in range(r0 + 1, last + 1)]
    if not want:
        rows = [r for r in rows if any(c.value is not None for c in r)]  # Excel's one empty data row
    check(len(rows) == len(want), f"{len(rows)} lines, the JSON gives {len(want)}")
    for n, (r, w) in enumerate(zip(rows, want)):
        scen, coop, payee, year, code, name, due, kind, service, instalment, settles, amount = w
        got = [c.value for c in r]
        where = f"line {n + 2} ({year} {code} {due} {kind})"
        check(got[0] == scen and got[1] == coop and got[2] == payee, f"{where}: {got[:3]}")
        check(got[3] == year and isinstance(got[3], int), f"{where}: year {got[3]!r}")
        check(got[4] == code and isinstance(got[4], str), f"{where}: code {got[4]!r} is not the text {code!r}")
        check(got[5] == name, f"{where}: member {got[5]!r} != {name!r}")
        if due:
            d = datetime.datetime.strptime(due, "%Y-%m-%d")
            check(got[6] == d and r[6].is_date and "yy" in r[6].number_format,
                  f"{where}: due {got[6]!r} ({r[6].number_format}) is not the date {due}")
        else:
            check(got[6] is None, f"{where}: due {got[6]!r}, none in the JSON")
        check(got[7] == KIND[kind], f"{where}: line {got[7]!r}")
        check(got[8] == service, f"{where}: service {got[8]!r} != {service!r}")
        check(got[9] == instalment, f"{where}: instalment {got[9]!r} != {instalment!r}")
        check(got[10] == settles, f"{where}: settles {got[10]!r} != {settles!r}")
        check(got[11] == amount and isinstance(got[11], int), f"{where}: amount {got[11]!r} != {amount}")
        check("#,##0" in r[11].number_format and "kr" in r[11].number_format, f"{where}: format {r[11].number_format}")
    total = ws.cell(r1, c1)
    check(re.fullmatch(r"=SUBTOTAL\(109,\[.*\]\)", str(total.value or "")) is not None,
          f"the total is {total.value!r}, not SUBTOTAL(109)")
    stored = vws.cell(r1, c1).value
    check(stored == sum(w[-1] for w in want), f"the total stored {stored}, the lines sum to {sum(w[-1] for w in want)}")
    check(stored == invoiced, f"the total {stored} is not what the rows are invoiced ({invoiced})")

if failures:
    print("\n".join(failures[:30]))
    print(f"{len(failures)} problems")
    sys.exit(1)
print(f"ok: {len(want)} invoice lines, {invoiced} kr in all, match the JSON")
