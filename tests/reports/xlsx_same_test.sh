#!/bin/sh
# xlsx_same.py, the comparison of two workbooks' content, on a scenario's
# workbook: written twice it is the same content (its bytes differ: the time
# of writing in docProps/core.xml), and each kind of change the comparison
# exists to catch is caught and named: one cell's figure, one cell's number
# format, a table removed, a chart series' values pointing elsewhere, a
# chart's axis turned, the frozen pane moved, a column's width, the sheets'
# language.
# usage: xlsx_same_test.sh COOPSIM SOURCE_DIR SCENARIO
set -eu
bin=$1
src=$2
scenario=$3
py=/usr/bin/python3
same="$src/tests/reports/xlsx_same.py"
$py -c "import openpyxl" 2>/dev/null || { echo "python3-openpyxl is missing (make deps installs it)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$src"
"$bin" run "$scenario" --out "$dir/a.xlsx" >/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$bin" run "$scenario" --out "$dir/b.xlsx" >/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$bin" run "$scenario" --out "$dir/nb.xlsx" --lang nb >/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
$py "$same" "$dir/a.xlsx" "$dir/b.xlsx" >"$dir/out" || { cat "$dir/out"; fail "one scenario written twice differs"; }
grep -q "^same content: .* [1-9][0-9]* tables, [1-9][0-9]* charts" "$dir/out" || { cat "$dir/out"; fail "no tables or charts compared"; }

# Each change: a copy of a.xlsx with one part edited (Python's zipfile;
# the edit must apply exactly once), then the comparison must fail (exit
# 1) and print the expected line.
# usage: changed NAME PART OLD NEW EXPECTED-REGEX
changed() {
  $py - "$dir/a.xlsx" "$dir/$1.xlsx" "$2" "$3" "$4" <<'PY' || fail "$1: cannot make the edited copy"
import re, sys, zipfile
src, dst, part, old, new = sys.argv[1:6]
zin = zipfile.ZipFile(src)
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == part:
            text, n = re.subn(old, new, data.decode("utf-8"), count=1)
            if n != 1:
                sys.exit(f"{part}: {old!r} not found")
            data = text.encode("utf-8")
        zout.writestr(item, data)
PY
  set +e
  $py "$same" "$dir/a.xlsx" "$dir/$1.xlsx" >"$dir/out" 2>&1
  rc=$?
  set -e
  [ $rc -eq 1 ] || { cat "$dir/out"; fail "$1: exit $rc, not 1"; }
  grep -Eq "$5" "$dir/out" || { cat "$dir/out"; fail "$1: the difference is not named ($5)"; }
}
# the first figure of four digits or more on the first run's sheet (sheet3:
# Comparison, Chart, then the runs)
changed figure xl/worksheets/sheet3.xml '(<c(?: r="[A-Z]+[0-9]+")? s="[0-9]+"><v>)([0-9]{4,})(</v>)' '\g<1>1\g<2>\g<3>' \
  '^[^:]+: [A-Z]+[0-9]+: value [0-9.]+ against 1[0-9.]+'
changed format xl/styles.xml 'formatCode="#,##0 &quot;kr&quot;"' 'formatCode="#,##0.0 &quot;kr&quot;"' \
  "number format '#,##0 \"kr\"' against '#,##0.0 \"kr\"'"
changed table xl/worksheets/sheet3.xml '<tableParts count="1"><tablePart r:id="rId[0-9]+"/></tableParts>' '' \
  "tables \[.Run_1.\] against \[\]"
changed chart xl/charts/chart1.xml '(<c:val><c:numRef><c:f>Comparison!\$E\$)([0-9]+)' '\g<1>9\g<2>' \
  '^Chart: chart 1 series 1: values'
changed axis xl/charts/chart1.xml '<c:orientation val="maxMin"/>' '<c:orientation val="minMax"/>' \
  '^Chart: chart 1: axes'
changed frozen xl/worksheets/sheet1.xml 'xSplit="4" ySplit="1" topLeftCell="E2"' 'xSplit="3" ySplit="1" topLeftCell="D2"' '^Comparison: frozen at'
changed width xl/worksheets/sheet1.xml '(<col min="1" max="1" width=")[0-9.]+' '\g<1>42' \
  '^Comparison: column A: width'
set +e
$py "$same" "$dir/a.xlsx" "$dir/nb.xlsx" >"$dir/out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "^sheets \['Comparison'" "$dir/out" || { cat "$dir/out"; fail "the English and the Norwegian workbook compare as the same ($rc)"; }
set +e
$py "$same" "$dir/a.xlsx" "$dir/missing.xlsx" >"$dir/out" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "missing.xlsx: cannot read the workbook" "$dir/out" || { cat "$dir/out"; fail "a missing workbook: exit $rc"; }
echo "ok: the same workbook twice is the same content; a figure, a format, a table, a chart series, an axis, a frozen pane, a width and the language each differ"
