#!/bin/sh
# html_sections.sh COOPSIM TEST: the HTML report of documents with several
# cooperations (scenarios/history.lua, regional_council.lua,
# trondelag_reform.lua, tests/reports/sections.lua, whose cooperations'
# details each pass the 256 KB a report's buffer holds, and
# tests/reports/sections_money.lua, settlements and invoices in two
# cooperations) made with its details on two threads, against one
# thread's, byte for byte, by test_report_sections (its html_same).
set -eu
bin=$1 t=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
docs=""
for f in scenarios/history.lua scenarios/regional_council.lua scenarios/trondelag_reform.lua tests/reports/sections.lua \
  tests/reports/sections_money.lua; do
  out="$tmp/$(basename "$f" .lua).json"
  (cd "$root" && "$bin" run "$f" --format json --out "$out" > /dev/null)
  docs="$docs $out"
done
# shellcheck disable=SC2086 # one argument per document
"$t" $docs
echo "html_sections: all checks passed"
