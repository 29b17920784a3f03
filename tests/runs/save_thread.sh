#!/bin/sh
# `coopsim run --db` saves each run as it arrives on a thread of the parent
# (cli/run.c save_arrived, save_thread), reading the run where the wire's
# reader put it, while the next is read. With the national bench (9 runs, 96 246 rows):
#   - the stored run is the document the run makes, and the store verifies;
#   - a document the parent refuses part-way (--max-memory: a later run, or
#     the whole document once every run was handed to the thread) is refused
#     with the reader's message and leaves nothing stored: the reader frees
#     the document once the thread has stopped (CS_WIRE_REFUSED; a release
#     build whose thread went on reading crashed here);
#   - a save that fails on the thread (a file size limit: EFBIG, as on a
#     full disk) is told as before, "nothing was saved", and stores nothing.
# The JSON report of --out is written as the runs arrive too, on a thread of
# its own (core/report_stream.c): the file is the report written whole (to
# standard output), and a refused document leaves no file, temporary or not.
# usage: save_thread.sh COOPSIM SOURCE_DIR
set -u
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-save-thread-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cp "$src/bench/national.lua" .
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# stored DB: how many runs DB holds (0 when none)
stored() { "$coopsim" runs list --db "$1" 2>/dev/null | grep -c '^ *[0-9][0-9]* '; }

# --- saved whole, with a report written beside it ------------------------------
"$coopsim" run national.lua --format json >direct.json 2>/dev/null || fail "run --format json exited $?"
"$coopsim" run national.lua --db whole.db --format csv --out report.csv >out 2>err ||
  fail "run --db exited $?: $(cat err)"
grep -qx "saved run 1 to whole.db" err || fail "no 'saved run 1': $(cat err)"
"$coopsim" runs export 1 --db whole.db --format csv >stored.csv 2>err || fail "export csv: $(cat err)"
cmp -s report.csv stored.csv || fail "the report written beside the save is not the stored run's"
"$coopsim" runs export 1 --db whole.db --format json >stored.json 2>err || fail "export: $(cat err)"
cmp -s stored.json direct.json || fail "the stored run is not the document"
"$coopsim" runs verify --db whole.db >out 2>&1 || fail "runs verify: $(cat out)"

# --- the JSON report written as the runs arrive ------------------------------------
"$coopsim" run national.lua --format json --out streamed.json >out 2>err || fail "json --out exited $?: $(cat err)"
grep -qx "wrote streamed.json" err || fail "no 'wrote streamed.json': $(cat err)"
cmp -s streamed.json direct.json || fail "the JSON written as the runs arrived is not the report written whole"
cmp -s streamed.json stored.json || fail "the JSON written beside nothing is not the stored run's"
# refused part-way (16 MB) or once every run was handed over (64 MB: the
# whole): no file, hidden ones included; accepted: the report, and nothing else
refused=0
for mb in 16 64; do
  rm -rf jsonref && mkdir jsonref
  if (cd jsonref && "$coopsim" --max-memory $mb run ../national.lua --format json --out r.json >out 2>err); then
    cmp -s jsonref/r.json direct.json || fail "--max-memory $mb: accepted, but r.json is not the report"
    left=$(ls -A jsonref | grep -v -x -e out -e err -e r.json)
  else
    refused=$((refused + 1))
    grep -q "nothing was written" jsonref/err || fail "--max-memory $mb: $(head -c 600 jsonref/err)"
    grep -q "^wrote" jsonref/err && fail "--max-memory $mb: the report was written: $(cat jsonref/err)"
    left=$(ls -A jsonref | grep -v -x -e out -e err)
  fi
  [ -z "$left" ] || fail "--max-memory $mb: files left: $left"
  echo "json --max-memory $mb: $(head -n 1 jsonref/err)"
done
[ $refused -ge 1 ] || fail "no --max-memory refused the JSON report's document"

# --- refused part-way by the parent ---------------------------------------------
refused=0
for mb in 16 64; do
  rm -f mem.db
  if "$coopsim" --max-memory $mb run national.lua --db mem.db >out 2>err; then
    [ "$(stored mem.db)" -eq 1 ] || fail "--max-memory $mb: accepted but not stored: $(cat err)"
  else
    refused=$((refused + 1))
    grep -q "larger than $mb MB (the memory the parent gives them; --max-memory); nothing was written" err ||
      fail "--max-memory $mb: $(head -c 600 err)"
    grep -q "saved" err && fail "--max-memory $mb: a refused document was saved: $(cat err)"
    [ "$(stored mem.db)" -eq 0 ] || fail "--max-memory $mb: a refused document was stored"
  fi
  echo "--max-memory $mb: $(head -n 1 err)"
done
[ $refused -ge 1 ] || fail "no --max-memory refused the document"

# --- failed on the thread ---------------------------------------------------------
"$coopsim" run national.lua --db full.db --max-rows 1 >/dev/null 2>&1 # makes the empty store
[ -s full.db ] || fail "full.db was not made"
# coopsim ignores SIGXFSZ itself (cli/main.c): a write past the limit fails
(ulimit -f 4096; "$coopsim" run national.lua --db full.db >out 2>err) && fail "a save past the size limit succeeded"
grep -q "^coopsim run: full.db: nothing was saved: run [0-9]" err || fail "size limit: $(head -c 600 err)"
[ "$(stored full.db)" -eq 0 ] || fail "size limit: something was stored"
"$coopsim" runs verify --db full.db >out 2>&1 || fail "runs verify after the failed save: $(cat out)"
echo "size limit: $(head -n 1 err)"

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "save_thread: all checks passed"
