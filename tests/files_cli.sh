#!/bin/sh
# Files and stores no stranger can misuse (issue 12), through `coopsim run`
# and `coopsim runs`: each attack state is made before the run (no race),
# and the test shows what happens to it.
#   - r:write through a folder that is a symbolic link, at each position
#   - --out and r:write over a device, a FIFO, a folder, a run store
#   - a new run store only under a store's name (--db, r:save)
#   - at most 16 files, also without a report of the command line
#   - a partial write says what was written and what was not
#   - the stored scenario text is the bytes that ran (read once)
#   - run numbers are checked; a failing standard output is an error, told once
# usage: files_cli.sh COOPSIM SOURCE_DIR
set -u
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-files-cli-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# scenario NAME LUA...: a small scenario file whose run is r, then the lines given
scenario() {
  name=$1
  shift
  {
    cat <<'EOF'
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal {},
}
local r = cs.scenario("Grunnlag", { coop }):run { from = 2023, to = 2023 }
print("SCENARIO RAN")
EOF
    for line in "$@"; do echo "$line"; done
  } >"$name"
}

# expect NAME PATTERN ARGS...: coopsim exits non-zero and stderr has PATTERN
expect() {
  name=$1 pattern=$2
  shift 2
  "$coopsim" "$@" >out 2>err && fail "$name: exited 0"
  grep -q -- "$pattern" err || fail "$name: expected '$pattern' in: $(cat err)"
}

# --- r:write through a symbolic link, at each position of the path ---------------
mkdir -p a/b outside/b
scenario deep.lua 'r:write("a/b/out.csv")'
mv a a.real && ln -s outside a
expect link_first "the folder \"a\" is a symbolic link" run deep.lua
rm a && mv a.real a
mv a/b a/b.real && ln -s ../outside/b a/b
expect link_second "the folder \"b\" is a symbolic link" run deep.lua
rm a/b && mv a/b.real a/b
echo keep >outside/victim.csv
ln -s ../../outside/victim.csv a/b/out.csv
expect link_last "a/b/out.csv is a symbolic link; only a missing or regular file is replaced" run deep.lua
grep -qx keep outside/victim.csv || fail "a link's target was written through"
[ -z "$(ls outside/b)" ] || fail "something landed outside: $(ls outside/b)"
rm a/b/out.csv
"$coopsim" run deep.lua >out 2>err || fail "deep.lua without links: $(cat err)"
grep -q "^scenario,cooperation" a/b/out.csv || fail "a/b/out.csv was not written"
# the scenario's own folder, named by its path, and by an absolute path below it
mkdir -p scen
scenario scen/own.lua 'r:write("scen/own.csv")' "r:write(\"$dir/scen/abs.csv\")" 'r:write("../x.csv")'
expect up_a_folder "goes up a folder" run scen/own.lua
[ -s scen/own.csv ] && [ -s scen/abs.csv ] || fail "the scenario's folder was not written below"
[ -e x.csv ] && fail "../x.csv was written"

# --- never over a device, a FIFO, a folder or a run store -----------------------
scenario plain.lua
if mknod full.csv c 1 7 2>/dev/null; then # /dev/full's numbers, made here
  expect out_device "full.csv is a device; only a missing or regular file is replaced" \
    run plain.lua --out full.csv
  [ -c full.csv ] || fail "--out replaced a device node with a file"
else
  echo "files_cli: no device node (not root?): the device case is not run"
fi
mkfifo pipe.csv
expect out_fifo "pipe.csv is a FIFO (named pipe)" run plain.lua --out pipe.csv
[ -p pipe.csv ] || fail "--out replaced a FIFO"
mkdir folder.csv
expect out_folder "folder.csv is a folder" run plain.lua --out folder.csv
"$coopsim" run plain.lua --db runs.db >/dev/null 2>err || fail "making runs.db: $(cat err)"
cp runs.db runs.before
scenario over.lua 'r:write("runs.db", { format = "csv" })'
expect write_over_store "\"runs.db\" does not end in a report's extension" run over.lua
cmp -s runs.db runs.before || fail "r:write replaced a run store"
cp runs.db store.csv
scenario over2.lua 'r:write("store.csv")'
expect write_over_store_content "store.csv is an SQLite database (a run store?); a report never replaces one" \
  run over2.lua
cmp -s store.csv runs.before || fail "r:write replaced a run store named store.csv"
expect out_over_store "store.csv is an SQLite database" run plain.lua --out store.csv
expect out_store_name "a report is not written under a run store's name" run plain.lua --out new.db --format csv
[ -e new.db ] && fail "--out new.db was written"

# --- a new run store only under a store's name -------------------------------------
expect db_new_csv "out.csv does not exist, and a new run store is made only under a store's name" \
  run plain.lua --db out.csv
grep -q "SCENARIO RAN" out && fail "--db out.csv: the scenario ran before the refusal"
grep -q "nothing was run" err || fail "--db out.csv: does not say nothing was run: $(cat err)"
[ -e out.csv ] && fail "--db out.csv created out.csv"
"$coopsim" run plain.lua --db store.csv >/dev/null 2>err || fail "an existing store named store.csv: $(cat err)"
grep -q "saved run 2 to store.csv" err || fail "store.csv: $(cat err)"
scenario save_csv.lua 'r:save("x.csv")'
expect save_new_csv "x.csv does not exist, and a new run store is made only under a store's name" run save_csv.lua
grep -q "the scenario ran, but its runs were not stored" err || fail "r:save refusal: $(cat err)"
grep -q "nothing was run" err && fail "r:save refusal says nothing was run, but it ran: $(cat err)"
[ -e x.csv ] && fail "r:save created x.csv"
mkdir -p d
ln -s ../runs.db d/link.db
scenario save_link.lua 'r:save("d/link.db")'
expect save_link "d/link.db is a symbolic link" run save_link.lua
cmp -s runs.db runs.before || fail "r:save wrote through a link"
scenario save_ok.lua 'r:save("d/new.db")'
"$coopsim" run save_ok.lua >/dev/null 2>err || fail "r:save d/new.db: $(cat err)"
grep -q "saved run 1 to d/new.db" err || fail "r:save d/new.db: $(cat err)"
[ -e d/new.db-journal ] && fail "a journal was left beside d/new.db"

# --- at most 16 files -----------------------------------------------------------------
lines16="" lines17=""
i=1
while [ $i -le 17 ]; do
  [ $i -le 16 ] && lines16="$lines16 r:write(\"f16_$i.csv\")"
  lines17="$lines17 r:write(\"f17_$i.csv\")"
  i=$((i + 1))
done
scenario many16.lua "$lines16"
scenario many17.lua "$lines17"
"$coopsim" run many16.lua >/dev/null 2>err || fail "16 files refused: $(cat err)"
[ "$(ls f16_*.csv | wc -l)" -eq 16 ] || fail "16 files were not all written"
expect seventeen "asked for more than 16 files" run many17.lua
ls f17_*.csv >/dev/null 2>&1 && fail "some of 17 files were written"

# --- a partial write says what was written and what not --------------------------------
mkdir -p b.csv
scenario partial.lua 'r:write("a.csv")' 'r:write("b.csv")' 'r:write("c.csv")'
expect partial "of the 3 files the scenario asked for, written: a.csv; not written: b.csv, c.csv" run partial.lua
[ -s a.csv ] || fail "a.csv was not written"
[ -e c.csv ] && fail "c.csv was written after the failure"
expect partial_after_out "of the 3 files the scenario asked for, none was written; not written: a.csv, b.csv, c.csv" \
  run partial.lua --out folder.csv

# a path with a terminal escape sequence is refused and never echoed
scenario esc.lua 'r:write("ok.csv")' 'r:write("/\27[2Jx.csv")'
expect control_path "the path holds a control character" run esc.lua
od -c err | grep -q '033' && fail "an escape sequence from a scenario reached the terminal: $(od -c err | head -3)"
grep -q "not written: /?\[2Jx.csv" err || fail "the summary does not mask the control character: $(cat err)"

# --- the stored text is the bytes that ran ---------------------------------------------
# from a pipe: a second read of /dev/stdin finds nothing
scenario piped.lua
cat piped.lua | "$coopsim" run /dev/stdin --db piped.db >/dev/null 2>err || fail "piped run: $(cat err)"
"$coopsim" runs show 1 --db piped.db >out 2>&1 || fail "runs show piped: $(cat out)"
want=$(sha256sum piped.lua | cut -c1-64)
grep -q "^sha256: $want ($(wc -c <piped.lua) bytes stored)" out ||
  fail "the stored text is not what ran: $(grep sha256 out) (want $want)"

# --- run numbers; standard output that fails ----------------------------------------------
"$coopsim" run plain.lua --db ids.db >/dev/null 2>err || fail "making ids.db: $(cat err)"
for id in 1e3 -1 0 99999999999999999999 12abc ""; do
  "$coopsim" runs show "$id" --db ids.db >out 2>&1 && fail "runs show '$id' succeeded"
  grep -q "the run number \"$id\"" out || fail "runs show '$id': $(cat out)"
done
"$coopsim" runs show 9223372036854775807 --db ids.db >out 2>&1 && fail "runs show 2^63-1 succeeded"
grep -q "no stored run 9223372036854775807" out || fail "runs show 2^63-1: $(cat out)"
if [ -w /dev/full ]; then
  for cmd in "list" "show 1" "compare 1 1" "export 1 --format csv"; do
    # shellcheck disable=SC2086
    "$coopsim" runs $cmd --db ids.db >/dev/full 2>err && fail "runs $cmd > /dev/full exited 0"
    grep -q "standard output" err || fail "runs $cmd > /dev/full: $(cat err)"
    # one failure, one message (the writer's, runs' and main's checks said it up to three times)
    [ "$(wc -l < err)" -eq 1 ] || fail "runs $cmd > /dev/full: not one message: $(cat err)"
    grep -q "Success" err && fail "runs $cmd > /dev/full: a message with errno 0: $(cat err)"
  done
  "$coopsim" run plain.lua --format csv >/dev/full 2>err && fail "run --format csv > /dev/full exited 0"
  [ "$(grep -c "standard output" err)" -eq 1 ] || fail "run --format csv > /dev/full: not one message: $(cat err)"
  "$coopsim" --help >/dev/full 2>err && fail "--help > /dev/full exited 0"
  [ "$(wc -l < err)" -eq 1 ] && grep -q "cannot write to standard output (No space left on device)" err ||
    fail "--help > /dev/full: $(cat err)"
else
  echo "files_cli: no /dev/full: the standard output cases are not run"
fi

if [ $failures -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "files_cli: all checks passed"
