"""Checks golden files (NAME.expected.csv, the CSV report in English)
independently of coopsim: the thirteen columns R.csv always had come
first; then one column per part name ("part_equal", ...) and "rounding";
on every row each part_X is its exact part (from the `parts` column)
rounded, empty where the row has no such part, and the rounded parts
plus `rounding` equal `total` (SPEC 7.5).

After `rounding`, with services, a column per service ("service_NAME"):
the row's services add up to its total (SPEC 7.2); with the money cycle,
"difference", "settlement" and "invoice": invoice = total + settlement, and
a member gone in a year (settlement only) has no total, parts or rounding
(SPEC 7.3).

With --old OLDFILE (pairs: --old OLD NEW) the old file's columns must be
unchanged on every row of the new one: the only differences are the new
columns.

usage: golden_columns.py FILE...
       golden_columns.py --old OLD NEW [--old OLD NEW ...]"""
import csv
import io
import sys
from fractions import Fraction

OLD_COLUMNS = ["scenario", "cooperation", "year", "code", "name", "population", "population_date",
               "population_source", "parts", "exact", "total", "due", "payee"]


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    return rows[0], rows[1:]


def check_file(path, problems):
    head, rows = read(path)
    if head[:13] != OLD_COLUMNS:
        problems.append(f"{path}: the first columns are {head[:13]}")
        return 0
    extra = head[13:]
    money = extra[-3:] == ["difference", "settlement", "invoice"]
    if money:
        extra = extra[:-3]
    services = []
    while extra and extra[-1].startswith("service_"):
        services.insert(0, extra.pop()[len("service_"):])
    if not extra or extra[-1] != "rounding" or not all(c.startswith("part_") for c in extra[:-1]):
        problems.append(f"{path}: after the old columns {head[13:]}, not part_..., rounding[, service_...]"
                        "[, difference, settlement, invoice]")
        return 0
    parts = [c[len("part_"):] for c in extra[:-1]]
    for n, row in enumerate(rows, 2):
        if len(row) != len(head):
            problems.append(f"{path}:{n}: {len(row)} cells for {len(head)} columns")
            continue
        cell = dict(zip(head, row))
        if money:
            if cell["invoice"] == "" or cell["settlement"] == "":
                problems.append(f"{path}:{n}: no settlement or invoice")
                continue
            share = int(cell["total"]) if cell["total"] != "" else 0
            if share + int(cell["settlement"]) != int(cell["invoice"]):
                problems.append(f"{path}:{n}: invoice {cell['invoice']} is not total {share} + settlement "
                                f"{cell['settlement']}")
            if cell["total"] == "":
                # settlement only: nothing of a share
                if any(cell[c] != "" for c in head[13:] if c.startswith(("part_", "service_")) or c == "rounding") \
                        or cell["parts"] or cell["exact"]:
                    problems.append(f"{path}:{n}: a settlement-only row with parts of a share")
                continue
        if services and any(cell["service_" + sv] != "" for sv in services):
            got = sum(int(cell["service_" + sv]) for sv in services if cell["service_" + sv] != "")
            if got != int(cell["total"]):
                problems.append(f"{path}:{n}: the services add up to {got}, total {cell['total']}")
        exact = {}
        for item in cell["parts"].split():
            name, _, value = item.rpartition("=")
            exact[name] = Fraction(value)
        total = int(cell["total"])
        added = int(cell["rounding"])
        for p in parts:
            v = cell["part_" + p]
            if p not in exact:
                if v != "":
                    problems.append(f"{path}:{n}: part_{p} is {v!r} but the row has no part {p}")
                continue
            if v == "":
                problems.append(f"{path}:{n}: part_{p} empty but the row has {p}={exact[p]}")
                continue
            if abs(Fraction(int(v)) - exact[p]) > Fraction(1, 2):
                problems.append(f"{path}:{n}: part_{p} {v} is not {exact[p]} rounded")
            added += int(v)
        missing = set(exact) - set(parts)
        if missing:
            problems.append(f"{path}:{n}: parts {sorted(missing)} have no column")
        if added != total:
            problems.append(f"{path}:{n}: parts + rounding = {added}, total {total}")
    return len(rows)


def check_old(old, new, problems):
    ohead, orows = read(old)
    nhead, nrows = read(new)
    if len(orows) != len(nrows):
        problems.append(f"{new}: {len(nrows)} rows, {old} had {len(orows)}")
        return
    for n, (o, r) in enumerate(zip(orows, nrows), 2):
        now = dict(zip(nhead, r))
        for col, value in zip(ohead, o):
            if now.get(col) != value:
                problems.append(f"{new}:{n}: column {col} was {value!r}, is {now.get(col)!r}")


def main(argv):
    problems, rows, files = [], 0, 0
    i = 0
    while i < len(argv):
        if argv[i] == "--old":
            check_old(argv[i + 1], argv[i + 2], problems)
            rows += check_file(argv[i + 2], problems)
            i += 3
        else:
            rows += check_file(argv[i], problems)
            i += 1
        files += 1
    if problems:
        print("\n".join(problems[:40]))
        print(f"{len(problems)} problems")
        return 1
    print(f"ok: {files} golden files, {rows} rows: the parts and the rounding add up to the total")
    return 0


sys.exit(main(sys.argv[1:]))
