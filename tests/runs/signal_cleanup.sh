#!/bin/sh
# A signal that ends `coopsim run` while it writes a report to --out removes
# the report's hidden temporary file (core/temp_files.c): SIGTERM and SIGHUP
# sent as soon as the temporary file of the national report is seen, as
# JSON (written as the runs arrive: .r.json.XXXX lives through the
# transfer) and as a workbook (written at the end, on two threads). After
# each, the folder holds no hidden file, and coopsim either died of the
# signal, with no report or (the signal just after the rename) the whole
# one, or had finished (status 0) with the whole report; any other status
# fails. (SIGINT is not sent: a shell starts a background job with SIGINT
# ignored, and coopsim keeps it so.)
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
for case in json:TERM json:HUP json:TERM xlsx:HUP xlsx:TERM xlsx:HUP; do
  fmt=${case%%:*}
  sig=${case#*:}
  case $sig in TERM) num=15 ;; HUP) num=1 ;; esac
  rm -rf out && mkdir out
  "$coopsim" run national.lua --format $fmt --out out/r.$fmt >/dev/null 2>&1 &
  pid=$!
  seen=0
  tries=0
  # (an ended process stays a zombie until waited for: kill -0 still
  # succeeds, so the loop also ends once the report is there, and after
  # 20 000 looks in any case)
  while kill -0 $pid 2>/dev/null && [ ! -e out/r.$fmt ] && [ $tries -lt 20000 ]; do
    if [ -n "$(find out -name ".r.$fmt.*" 2>/dev/null)" ]; then
      kill -s $sig $pid
      seen=1
      break
    fi
    tries=$((tries + 1))
  done
  wait $pid
  status=$?
  hidden=$(ls -A out | grep '^\.')
  [ -z "$hidden" ] || fail "$fmt SIG$sig (status $status): left $hidden"
  whole=0
  if [ -e out/r.$fmt ]; then
    if [ $fmt = json ]; then cmp -s out/r.json whole.json && whole=1
    else /usr/bin/python3 -c 'import sys, zipfile; sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' \
      out/r.xlsx 2>/dev/null && whole=1; fi
    [ $whole -eq 1 ] || fail "$fmt SIG$sig (status $status): r.$fmt is not the whole report"
  fi
  if [ $status -eq $((128 + num)) ]; then
    [ $seen -eq 1 ] || fail "$fmt: status $status without a signal"
    [ -e out/r.$fmt ] || killed=$((killed + 1))
  elif [ $status -ne 0 ]; then
    fail "$fmt SIG$sig: status $status, neither 0 nor $((128 + num)): $(ls -A out | tr '\n' ' ')"
  elif [ $whole -ne 1 ]; then
    fail "$fmt SIG$sig: status 0 without the report"
  fi
  echo "$fmt SIG$sig: seen $seen, status $status, left: $(ls -A out | tr '\n' ' ')"
done
# the temporary files live for a third of a second or more: at least one of
# the six signals arrives while one does (each needs only the poll above)
[ $killed -ge 1 ] || fail "no signal ended coopsim while it wrote the report"
if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "signal_cleanup: all checks passed"
