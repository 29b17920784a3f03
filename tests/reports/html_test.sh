#!/bin/sh
# The HTML report in headless Chromium: it loads with no console errors,
# its SVG charts are in the rendered DOM, and a screenshot is produced.
# usage: html_test.sh COOPSIM SOURCE_DIR SCENARIO [LANG]
set -eu
bin=$1
src=$2
scenario=$3
lang=${4:-en}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is missing (make deps installs Debian's chromium)"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$src"
"$bin" run "$scenario" --out "$dir/report.html" --lang "$lang" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
runs=$("$bin" run "$scenario" --format json 2>/dev/null | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)['runs']))")
flags="--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=$dir/profile"
HOME=$dir timeout 600 "$chromium" $flags --enable-logging=stderr --v=0 --window-size=1200,2000 \
  --screenshot="$dir/shot.png" "file://$dir/report.html" >"$dir/shot.out" 2>"$dir/shot.err" || {
  echo "chromium failed:"; tail -20 "$dir/shot.err"; exit 1; }
HOME=$dir timeout 600 "$chromium" $flags --dump-dom "file://$dir/report.html" >"$dir/dom.html" 2>"$dir/dom.err" || {
  echo "chromium --dump-dom failed:"; tail -20 "$dir/dom.err"; exit 1; }
fail=0
# console messages from the page (Chromium logs them as CONSOLE lines)
if grep -E "Uncaught|CONSOLE[(:]|Refused to|Failed to load|ERR_FILE_NOT_FOUND|net::ERR" "$dir/shot.err" "$dir/dom.err"; then
  echo "the page logged errors"; fail=1
fi
charts=$(grep -o '<svg class="chart"' "$dir/dom.html" | wc -l)
bars=$(grep -o '<rect ' "$dir/dom.html" | wc -l)
# a totals chart per cooperation, and per year a shares chart and (with variants) a differences chart or note
[ "$charts" -ge 2 ] || { echo "only $charts charts in the rendered page"; fail=1; }
[ "$bars" -ge 10 ] || { echo "only $bars bars in the rendered page"; fail=1; }
grep -q '</html>' "$dir/dom.html" || { echo "the DOM was not dumped whole"; fail=1; }
size=$(wc -c <"$dir/shot.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || { echo "screenshot missing or blank ($size bytes)"; fail=1; }
head -c 8 "$dir/shot.png" | od -An -c | grep -q 'P   N   G' || { echo "the screenshot is not a PNG"; fail=1; }
# self-contained: no URL but SVG's namespace
if grep -o 'https\?://[^" ]*' "$dir/report.html" | grep -v '^http://www.w3.org/2000/svg$'; then
  echo "the report refers to external resources"; fail=1
fi
[ "$fail" = 0 ] && echo "ok: $runs runs, $charts charts, $bars bars rendered, screenshot $size bytes"
[ -n "${COOPSIM_KEEP_SHOT:-}" ] && cp "$dir/shot.png" "$COOPSIM_KEEP_SHOT"
exit $fail
