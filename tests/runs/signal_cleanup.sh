#!/bin/sh
# A signal that ends `coopsim run` while it writes a report to --out removes
# the report's hidden temporary file (core/temp_files.c): SIGTERM and SIGHUP
# sent as soon as the national JSON report's temporary file (.r.json.XXXX,
# written as the runs arrive) is seen. Afterwards the folder holds no hidden
# file, and either coopsim died of the signal and wrote no r.json, or it had
# just finished and r.json is the whole report. (SIGINT is not sent: a shell
# starts a background job with SIGINT ignored, and coopsim keeps it so.)
# usage: signal_cleanup.sh COOPSIM SOURCE_DIR
set -u
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-signal-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cp "$src/bench/national.lua" .
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$coopsim" run national.lua --format json >whole.json 2>/dev/null || fail "run --format json exited $?"
killed=0
for sig in TERM HUP TERM HUP TERM HUP; do
  rm -rf out && mkdir out
  "$coopsim" run national.lua --format json --out out/r.json >/dev/null 2>&1 &
  pid=$!
  seen=0
  tries=0
  # (an ended process stays a zombie until waited for: kill -0 still
  # succeeds, so the loop also ends once r.json is there, and after 20 000
  # looks in any case)
  while kill -0 $pid 2>/dev/null && [ ! -e out/r.json ] && [ $tries -lt 20000 ]; do
    if [ -n "$(find out -name '.r.json.*' 2>/dev/null)" ]; then
      kill -s $sig $pid
      seen=1
      break
    fi
    tries=$((tries + 1))
  done
  wait $pid
  status=$?
  hidden=$(ls -A out | grep '^\.')
  [ -z "$hidden" ] || fail "SIG$sig (status $status): left $hidden"
  if [ $status -eq 0 ]; then
    cmp -s out/r.json whole.json || fail "SIG$sig came late (status 0) but r.json is not the report"
  else
    [ $seen -eq 1 ] || fail "status $status without a signal"
    [ -e out/r.json ] && fail "SIG$sig (status $status): r.json written"
    [ $status -gt 128 ] && killed=$((killed + 1))
  fi
  echo "SIG$sig: seen $seen, status $status, left: $(ls -A out | tr '\n' ' ')"
done
# the temporary file lives from the first run to the last: at least one of the
# six signals arrives while it does (each needs only the poll above to see it)
[ $killed -ge 1 ] || fail "no signal ended coopsim while it wrote the report"
if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "signal_cleanup: all checks passed"
