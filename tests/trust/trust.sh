#!/bin/sh
# Issue 12: what a scenario file from someone else can and cannot do to the
# figures coopsim reports, stores and compares (tests/trust/forge.lua and
# the files made below), through `coopsim run`, `--db` and `coopsim test`.
# usage: trust.sh COOPSIM SOURCE_DIR
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-trust-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cp "$src/tests/trust/forge.lua" .

# the report: the figures the model computed (by hand: 28 072 and 71 928)
"$coopsim" run forge.lua --format csv --out forge.csv 2>err || fail "forge.lua: $(cat err)"
grep -q '^Grunnlag,Træna og Rødøy,2023,1835,Træna,450,.*,28072,' forge.csv || fail "report: Træna is not 28072: $(cat forge.csv)"
grep -q '^Etterpå,Træna og Rødøy,2023,1836,Rødøy,1153,.*,71928,' forge.csv || fail "report: Rødøy is not 71928: $(cat forge.csv)"
[ "$(grep -c '^[GE]' forge.csv)" = 4 ] || fail "report: not the four rows of the two runs: $(cat forge.csv)"
# the store
"$coopsim" run forge.lua --db forge.db >/dev/null 2>err || fail "--db: $(cat err)"
"$coopsim" runs show 1 --db forge.db >show.txt 2>err || fail "runs show: $(cat err)"
grep -q '1835  *Træna .*28,072' show.txt || fail "stored: Træna is not 28 072: $(cat show.txt)"
# a store from someone else is checked like a worker's results: a name that
# would send an escape sequence to the terminal is refused, not shown
cp forge.db forged.db
python3 -c "import sqlite3; c = sqlite3.connect('forged.db'); c.execute(\"UPDATE run_rows SET name = 'Tr' || char(27) || '[2J' WHERE code = '1835'\"); c.commit()"
"$coopsim" runs show 1 --db forged.db >show.txt 2>err && fail "a forged store was shown"
grep -q 'field "name": byte 3 is a control character' err || fail "forged store: $(cat err)"
# coopsim test: the golden file the model's figures make passes, a forged one fails
cp forge.csv forge.expected.csv
"$coopsim" test forge.lua >out 2>&1 || fail "test with the true golden file: $(cat out)"
sed 's/,28072,/,1,/' forge.csv > forge.expected.csv
"$coopsim" test forge.lua >out 2>&1 && fail "test passed with a forged golden file"
grep -q "column total: expected 1, actual 28072" out || fail "the forged figure is not named: $(cat out)"
# a golden file with a NUL byte in it does not pass
printf '\000' | cat forge.csv - > forge.expected.csv
"$coopsim" test forge.lua >out 2>&1 && fail "a golden file with a NUL byte passed"
grep -q "NUL byte" out || fail "the NUL byte is not named: $(cat out)"
rm forge.expected.csv

# the parent's own budget for what comes back (--max-memory): refused whole,
# nothing written (the national benchmark's 96 246 rows take more than 16 MB)
"$coopsim" run "$src/bench/national.lua" --format csv --out national.csv --max-memory 16 >/dev/null 2>err &&
  fail "16 MB of results were taken"
grep -q "the results are larger than 16 MB (the memory the parent gives them; --max-memory); nothing was written" err ||
  fail "parent budget: $(tail -n 2 err)"
[ -e national.csv ] && fail "a report was written from results past the budget"

# every write can fail: what a scenario prints, and any command's output
echo 'print("Træna")' > prints.lua
"$coopsim" run prints.lua >/dev/full 2>err && fail "printing to a full disk exited 0"
"$coopsim" run forge.lua --format csv >/dev/full 2>err && fail "a report to a full disk exited 0"
grep -q "No space left on device" err || fail "a full disk is not named: $(cat err)"
"$coopsim" -e 'print("x")' >/dev/full 2>err && fail "print to a full disk in -e exited 0"
"$coopsim" --help >/dev/full 2>err && fail "--help to a full disk exited 0"

# cs.expect decides in C, on raw values: a value with __eq cannot pass itself off
cat > eq.lua <<'EOS'
local liar = setmetatable({}, { __eq = function() return true end })
coopsim.expect(setmetatable({}, getmetatable(liar)), liar, "two tables that say they are equal")
EOS
"$coopsim" test eq.lua >out 2>&1 && fail "an __eq metamethod passed an expectation"
grep -q "1 checks, some failed" out || fail "eq.lua: $(cat out)"

# errors that name what is wrong
expect() {
  name=$1 pattern=$2
  shift 2
  "$coopsim" "$@" >out 2>err && fail "$name: exited 0"
  grep -q -- "$pattern" err || fail "$name: expected '$pattern' in: $(head -c 600 err)"
}
cat > table_error.lua <<'EOS'
local x = 1
error({ code = 42 })
EOS
expect error_object_table "table_error.lua:2: (error object is a table value)" run table_error.lua
cat > custom.lua <<'EOS'
local cs = coopsim
local coop = cs.cooperation { name = "T", members = { "1835", "1836" }, period = { from = "2023-01-01" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.custom(function() return 7 end) }
cs.scenario("S", { coop }):run { from = 2023, to = 2023 }
EOS
expect custom_key_number "returned the number 7, expected a table" run custom.lua
cat > override.lua <<'EOS'
local cs = coopsim
local coop = cs.cooperation { name = "T", members = { "1835", "1836" }, period = { from = "2023-01-01" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.population {} }
cs.scenario("S", { coop }):population(function() return -5 end):run { from = 2023, to = 2023 }
EOS
expect population_override_value "gave the number -5; a population must be a number from 0 to 10^10" run override.lua
expect option_without_value "coopsim run: --out needs a value" run forge.lua --out
expect global_option_without_value "coopsim: --data-dir needs a value" run forge.lua --data-dir
expect out_twice "coopsim run: --out given twice" run forge.lua --out a.csv --out b.csv
expect db_twice "coopsim run: --db given twice" run forge.lua --db a.db --db b.db
expect runs_out_twice "coopsim runs: --out given twice (a.csv and b.csv)" runs export 1 --db forge.db --out a.csv --out b.csv
expect runs_db_twice "coopsim runs: --db given twice" runs list --db forge.db --db other.db
[ -e a.csv ] || [ -e b.csv ] || [ -e other.db ] && fail "an option given twice made a file"
# --out -: standard output, as without --out; no file named "-"
"$coopsim" run forge.lua --format csv --out - >dash.csv 2>err || fail "run --out -: $(cat err)"
cmp -s dash.csv forge.csv || fail "run --out - is not the CSV report"
"$coopsim" runs export 1 --db forge.db --format csv --out - >dash.csv 2>err || fail "runs export --out -: $(cat err)"
grep -q '^Grunnlag,Træna og Rødøy,2023,1835,Træna,450,.*,28072,' dash.csv || fail "runs export --out -: $(cat dash.csv)"
[ -e ./- ] && fail "--out - made a file named -"
expect out_dash_workbook "give --out FILE" runs export 1 --db forge.db --format xlsx --out -
# a store's name is a file's name, never an SQLite URI (nolock=1 would read without locks)
cp forge.db 'file:forge.db'
"$coopsim" runs list --db 'file:forge.db' >out 2>err || fail "a store named file:forge.db: $(cat err)"
grep -q 'forge.lua' out || fail "a store named file:forge.db: $(cat out)"
expect uri_not_taken "file:forge.db?nolock=1" runs list --db 'file:forge.db?nolock=1'
mkdir -p empty
expect data_dir_first "coopsim: --data-dir empty:" --data-dir empty run forge.lua
grep -q "forge.lua:" err && fail "a --data-dir error names the scenario's line: $(cat err)"
expect registry_db_first "coopsim: --registry-db nowhere.db:" --registry-db nowhere.db test forge.lua

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "trust: all checks passed"
