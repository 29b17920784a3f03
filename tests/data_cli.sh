#!/bin/sh
# `coopsim data` as a user meets it: names of several words without quotes,
# change types named, columns aligned by characters (æ, ø, å), a reversed
# year range refused, the territory's figures with their source, and a
# failed write to stdout an exit status (> /dev/full).
set -u
bin=$1
fail() { echo "FAIL: $*"; exit 1; }
out=$("$bin" data show Indre Østfold) || fail "data show Indre Østfold: exit $?"
echo "$out" | grep -q "^3118 Indre Østfold" || fail "data show Indre Østfold: $out"
out=$("$bin" data show Indre Østfold 2021-06-01) || fail "data show Indre Østfold 2021-06-01"
echo "$out" | grep -q "^3014 Indre Østfold" || fail "a name at a date: $out"
out=$("$bin" data population 5001 2018 2021) || fail "data population 5001"
echo "$out" | grep -q "territory as on 2021-12-31" || fail "population header: $out"
echo "$out" | grep -q "^  2019     202 235  predecessors  5001 Trondheim 196 159 + 5030 Klæbu 6 076$" ||
  fail "Trondheim 2019 with Klæbu: $out"
echo "$out" | grep -q "^  2020     205 163  registry$" || fail "Trondheim 2020: $out"
out=$("$bin" data population Haram 2019 2024) || fail "data population Haram"
echo "$out" | grep -q "^  2019       9 383  predecessors  1534 Haram 9 383$" || fail "Haram 2019: $out"
echo "$out" | grep -q "^  2023       9 309  proxy         0.137875 x (1507 Ålesund 67 520) = 9 309$" ||
  fail "Haram 2023: $out"
err=$("$bin" data population 5001 2021 2019 2>&1 >/dev/null)
[ $? -eq 2 ] || fail "a reversed range must fail"
echo "$err" | grep -q "reversed" || fail "reversed range message: $err"
out=$("$bin" data changes 2024) || fail "data changes 2024"
echo "$out" | grep -q "1507 Ålesund *-> 1580 Haram *split$" || fail "split named: $out"
echo "$out" | grep -q "1833 Rana *-> 1833 Rana - Raane *name change$" || fail "name change named"
echo "$out" | grep -q "3001 Halden *-> 3101 Halden *county change$" || fail "county change named"
# every arrow in the same character column, whatever the names' letters
cols=$(echo "$out" | grep -- '->' | while IFS= read -r line; do
  before=${line%%->*}
  printf '%s\n' "$before" | LC_ALL=C.UTF-8 wc -m
done | sort -u | wc -l)
[ "$cols" -eq 1 ] || fail "the arrows of data changes 2024 are in $cols columns"
out=$("$bin" data history 5001) || fail "data history 5001"
echo "$out" | grep -q "5030 Klæbu *-> 5001 Trondheim *merger$" || fail "history names the merger: $out"
for cmd in "show Rana" "history 1833" "population 1833 2019 2020" "changes 2020"; do
  # shellcheck disable=SC2086
  err=$("$bin" data $cmd 2>&1 >/dev/full)
  [ $? -ne 0 ] || fail "data $cmd > /dev/full exited 0"
  echo "$err" | grep -q "cannot write to standard output" || fail "data $cmd > /dev/full: $err"
done
echo "coopsim data: all checks passed"
