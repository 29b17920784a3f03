#!/bin/sh
# The workbook of a scenario file, and its invoice list's workbook, read
# back independently: openpyxl always (Debian's python3-openpyxl), and
# LibreOffice's own reading of the workbook when it is installed (converted
# to CSV headless; compared with coopsim's CSV).
# usage: xlsx_test.sh COOPSIM SOURCE_DIR SCENARIO [LANG]
set -eu
bin=$1
src=$2
scenario=$3
lang=${4:-en}
py=/usr/bin/python3
$py -c "import openpyxl" 2>/dev/null || { echo "python3-openpyxl is missing (make deps installs it)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$src"
"$bin" run "$scenario" --format xlsx --out "$dir/book.xlsx" --lang "$lang" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$bin" run "$scenario" --format json 2>/dev/null >"$dir/doc.json"
$py "$src/tests/reports/xlsx_check.py" "$dir/book.xlsx" "$dir/doc.json" "$lang"
# the invoice list's workbook of the same runs (--format invoices, a .xlsx name)
"$bin" run "$scenario" --format invoices --out "$dir/invoices.xlsx" --lang "$lang" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
$py "$src/tests/reports/invoices_check.py" "$dir/invoices.xlsx" "$dir/doc.json" "$lang"
office=$(command -v libreoffice || command -v soffice || true)
if [ -n "$office" ]; then
  # the first sheet as LibreOffice reads it: every member's total, year and code
  HOME="$dir" timeout 600 "$office" --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$dir" "$dir/book.xlsx" >/dev/null 2>&1
  $py - "$dir/book.csv" "$dir/doc.json" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="replace")))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
head = rows[0]
col = head.index("total") if "total" in head else head.index("sum")  # en / nb
got = {(r[1], r[2]): r[col] for r in rows[1:] if len(r) > 2 and r[2]}
bad = [(j["year"], j["code"]) for j in doc["runs"][0]["rows"]
       if "".join(ch for ch in got.get((str(j["year"]), j["code"]), "") if ch.isdigit() or ch == "-") != str(j["total"])]
if bad:
    print("LibreOffice reads other totals:", bad[:5]); sys.exit(1)
print("ok: LibreOffice reads the same", len(doc["runs"][0]["rows"]), "totals")
PY
else
  echo "libreoffice not installed: its conversion check skipped (openpyxl checked)"
fi
