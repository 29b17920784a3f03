#!/bin/sh
# The HTML report in headless Chromium, as a council member would get it:
# it loads with no console errors; screenshots of the summary and of the
# whole page are written to OUTDIR (look at them); it prints to PDF on A4;
# and the rendered DOM holds the summary and every figure of every member in
# every run, on the charts too (html_check.py, against the JSON).
# usage: html_test.sh COOPSIM SOURCE_DIR SCENARIO LANG OUTDIR [full]
# Without "full" only the summary's screenshot is taken and nothing printed
# (each Chromium start takes seconds on a busy machine).
set -eu
bin=$1
src=$2
scenario=$3
lang=$4
outdir=$5
full=${6:-}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is missing (make test installs Debian's chromium)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$outdir"
name=$(basename "$scenario" .lua)-$lang
cd "$src"
"$bin" run "$scenario" --out "$dir/report.html" --lang "$lang" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$bin" run "$scenario" --format json >"$dir/doc.json" 2>/dev/null
flags="--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --user-data-dir=$dir/profile"
shot() { # window-size, png
  HOME=$dir timeout 600 "$chromium" $flags --enable-logging=stderr --v=0 --window-size="$1" \
    --screenshot="$2" "file://$dir/report.html" >"$dir/shot.out" 2>>"$dir/shot.err" || {
    echo "chromium failed:"; tail -20 "$dir/shot.err"; exit 1; }
}
shot 1000,1300 "$outdir/$name-summary.png"
shots="$outdir/$name-summary.png"
if [ "$full" = full ]; then
  shot 1200,9000 "$outdir/$name-page.png"
  shots="$shots $outdir/$name-page.png"
  HOME=$dir timeout 600 "$chromium" $flags --no-pdf-header-footer --print-to-pdf="$dir/report.pdf" \
    "file://$dir/report.html" >/dev/null 2>"$dir/pdf.err" || { echo "printing failed:"; tail -20 "$dir/pdf.err"; exit 1; }
fi
HOME=$dir timeout 600 "$chromium" $flags --dump-dom "file://$dir/report.html" >"$dir/dom.html" 2>"$dir/dom.err" || {
  echo "chromium --dump-dom failed:"; tail -20 "$dir/dom.err"; exit 1; }
fail=0
# console messages from the page (Chromium logs them as CONSOLE lines)
if grep -E "Uncaught|CONSOLE[(:]|Refused to|Failed to load|ERR_FILE_NOT_FOUND|net::ERR" "$dir/shot.err" "$dir/dom.err"; then
  echo "the page logged errors"; fail=1
fi
grep -q '</html>' "$dir/dom.html" || { echo "the DOM was not dumped whole"; fail=1; }
# the screenshots: PNGs of the window's size, not blank
for f in $shots; do
  /usr/bin/python3 - "$f" <<'PY' || fail=1
import struct, sys
data = open(sys.argv[1], "rb").read()
ok = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
w, h = struct.unpack(">II", data[16:24]) if ok else (0, 0)
if not ok or w < 900 or h < 1200 or len(data) < 40000:
    print(f"{sys.argv[1]}: not a screenshot of the page ({w}x{h}, {len(data)} bytes)"); sys.exit(1)
PY
done
# printed: a PDF of A4 pages (595 x 842 points)
if [ "$full" = full ]; then
  /usr/bin/python3 - "$dir/report.pdf" <<'PY' || fail=1
import re, sys
data = open(sys.argv[1], "rb").read()
pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
boxes = [tuple(float(x) for x in b.split()) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)]
# A4 is 210 x 297 mm: 595.3 x 841.9 points
a4 = boxes and all(len(b) == 4 and abs(b[2] - b[0] - 595.3) < 1.5 and abs(b[3] - b[1] - 841.9) < 1.5 for b in boxes)
if not data.startswith(b"%PDF") or pages < 1 or not a4:
    print(f"printing: {pages} pages, A4: {bool(a4)}"); sys.exit(1)
print(f"printed: {pages} A4 pages")
PY
fi
/usr/bin/python3 "$src/tests/reports/html_check.py" "$dir/dom.html" "$dir/doc.json" "$lang" || fail=1
[ "$fail" = 0 ] && echo "ok: screenshots in $shots"
exit $fail
