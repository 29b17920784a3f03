#!/bin/sh
# `coopsim runs compare` of stored runs with the money cycle (SPEC 7.3): what
# each run invoices (share + settlement) beside the shares, a member gone
# shown with "no share" and its settlement. Accounts 330 001 (run 1) and
# 360 001 (run 2) against a budget of 300 000 in equal thirds: the
# differences 10 001 / 10 000 / 10 000 and 20 001 / 20 000 / 20 000 (the
# krone left to 1832 Hemnes, the lowest code); the host's row counts what it
# bears itself (share + settlement) in the totals.
# usage: money_compare.sh COOPSIM SOURCE_DIR
set -u
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-money-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
"$coopsim" run "$src/tests/runs/money_a.lua" --db runs.db >/dev/null 2>err || fail "run 1: $(cat err)"
"$coopsim" run "$src/tests/runs/money_b.lua" --db runs.db >/dev/null 2>err || fail "run 2: $(cat err)"
"$coopsim" runs compare 1 2 --db runs.db >out 2>&1 || fail "runs compare exited $?"
grep -q "run 1       run 2     diff kr   invoice 1   invoice 2     diff kr$" out || fail "no invoice columns: $(cat out)"
# 2024: Hemnes's share 150 000 in both; invoice 160 001 against 170 001
grep -q "^2024  1832  Hemnes  *150 000     150 000           0     160 001     170 001     +10 000$" out ||
  fail "Hemnes 2024: $(cat out)"
grep -q "^2024  1834  Lurøy  *no share    no share           0      10 000      20 000     +10 000$" out ||
  fail "Lurøy's settlement-only row: $(cat out)"
grep -q "^2024        total  *300 000     300 000           0     330 001     360 001     +30 000$" out ||
  fail "2024 total: $(cat out)"
if [ $failures -eq 0 ]; then echo "money_compare: all checks passed"; else exit 1; fi
