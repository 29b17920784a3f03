#!/bin/sh
# The invoice list of a scenario as Norwegian Excel opens it (--format
# invoices-nb: BOM, ';', decimal comma), checked against the JSON of the same
# runs by invoices_nb_check.py.
# usage: invoices_nb_test.sh COOPSIM SOURCE_DIR SCENARIO
set -eu
bin=$1
src=$2
scenario=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$src"
"$bin" run "$scenario" --format invoices-nb >"$dir/invoices.csv" 2>"$dir/err" || { cat "$dir/err"; exit 1; }
"$bin" run "$scenario" --format json >"$dir/doc.json" 2>/dev/null
/usr/bin/python3 "$src/tests/reports/invoices_nb_check.py" "$dir/invoices.csv" "$dir/doc.json"
