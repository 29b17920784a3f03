#!/bin/sh
# The kernel's confinement of `coopsim run`'s worker (core/confine.c), end
# to end:
#   - every shipped scenario and test scenario gives, confined, what it
#     gives unsandboxed in-process (--trusted): the same output, messages
#     and exit status; the golden files match the confined run's CSV;
#   - Monte Carlo on two threads runs confined (scenarios/montecarlo.lua);
#   - coopsim.read_file below the scenario's folder and an --allow-read
#     folder works, above it and through a link out of it does not;
#   - a run store opened before the worker starts is still written (by the
#     parent);
#   - the registry from --data-dir or --registry-db is read before the
#     worker is confined; one that cannot be opened is reported before
#     anything runs;
#   - a worker stopped by SIGSYS (the filter's kill) is explained;
#   - --help says what is active.
# usage: worker.sh COOPSIM SOURCE_DIR
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-confine-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- the scenarios, confined and not --------------------------------------
# (tests/reports/write.lua, tests/reuse/reuse.lua and tests/runs/save.lua
# need --trusted by design: os, collectgarbage, r:save's number)
cd "$src" || exit 1
n=0
for f in scenarios/*.lua tests/compare/*.lua tests/lint/*.lua tests/projection/*.lua \
         tests/regression/*.lua tests/reliability/*.lua tests/reports/names.lua \
         tests/runs/budget*.lua bench/national.lua; do
  "$coopsim" run "$f" >"$dir/c.out" 2>"$dir/c.err"
  c=$?
  "$coopsim" run --trusted "$f" >"$dir/t.out" 2>"$dir/t.err"
  t=$?
  grep -v "^coopsim: --trusted: " "$dir/t.err" >"$dir/t.err2"
  [ "$c" = "$t" ] || fail "$f: exit status $c confined, $t trusted"
  cmp -s "$dir/c.out" "$dir/t.out" || fail "$f: the output differs from the trusted run's"
  # the whole document (the worker sends it as it is made, a run at a time)
  rm -f "$dir/c.json" "$dir/t.json"
  "$coopsim" run "$f" --format json --out "$dir/c.json" >/dev/null 2>&1
  "$coopsim" run --trusted "$f" --format json --out "$dir/t.json" >/dev/null 2>&1
  # (neither is written when the scenario fails)
  [ ! -f "$dir/c.json" ] && [ ! -f "$dir/t.json" ] || cmp -s "$dir/c.json" "$dir/t.json" || fail "$f: the JSON document differs from the trusted run's"
  cmp -s "$dir/c.err" "$dir/t.err2" || fail "$f: the messages differ: $(diff "$dir/c.err" "$dir/t.err2" | head -5)"
  grep -q "not allowed\|Landlock" "$dir/c.err" && fail "$f: $(head -3 "$dir/c.err")"
  golden=${f%.lua}.expected.csv
  # drift.lua differs from its golden file on purpose
  if [ -f "$golden" ] && [ "$f" != tests/regression/drift.lua ]; then
    "$coopsim" run "$f" --format csv >"$dir/c.csv" 2>/dev/null
    cmp -s "$dir/c.csv" "$golden" || fail "$f: the confined run's CSV differs from $golden"
  fi
  n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n scenario files were compared"
echo "confine: $n scenario files give the same results confined"
grep -q "threads = 2" scenarios/montecarlo.lua || fail "montecarlo.lua no longer uses two threads"

# --- reading data files ------------------------------------------------------
cd "$dir" || exit 1
mkdir -p sub extra
echo "year,amount" > sub/data.csv
echo "from extra" > extra/more.txt
echo "secret" > outside.txt
ln -s ../outside.txt sub/link.txt
cat > sub/reads.lua <<'EOF'
assert(coopsim.read_file("data.csv"):find("year"))
print(#coopsim.read_file(EXTRA or "data.csv"))
EOF
"$coopsim" run sub/reads.lua >out 2>err || fail "read below the folder: $(cat err)"
[ "$(cat out)" = 12 ] || fail "read below the folder printed $(cat out)"
sed "s|EXTRA or|\"$dir/extra/more.txt\" or|" sub/reads.lua > sub/reads_extra.lua
"$coopsim" run --allow-read extra sub/reads_extra.lua >out 2>err || fail "--allow-read: $(cat err)"
[ "$(cat out)" = 11 ] || fail "--allow-read printed $(cat out)"
for what in '"../outside.txt"' '"link.txt"' '"/etc/passwd"'; do
  echo "print(coopsim.read_file($what))" > sub/above.lua
  "$coopsim" run sub/above.lua >out 2>err && fail "read $what: exited 0"
  grep -q "only below their own folder" err || fail "read $what: $(cat err)"
  grep -q secret out && fail "read $what: the secret was printed"
done

# --- a run store opened before the worker, written by the parent ------------
cp "$src/tests/runs/budget.lua" sub/budget.lua
"$coopsim" run sub/budget.lua --db runs.db >out 2>err || fail "--db: $(cat err)"
grep -q "saved run 1 to runs.db" err || fail "--db: $(cat err)"

# --- the registry from CSVs or SQLite, read before confinement ---------------
"$coopsim" run --data-dir "$src/data" "$src/scenarios/helgeland.lua" >out 2>err ||
  fail "--data-dir: $(cat err)"
"$coopsim" run "$src/scenarios/helgeland.lua" >out2 2>/dev/null
cmp -s out out2 || fail "--data-dir: other figures than the built-in registry's"
"$coopsim" data import "$src/tests/fixtures/ssb/statbank_2027.csv" --registry-db reg.db >/dev/null 2>err ||
  fail "data import: $(cat err)"
echo 'print((coopsim.population("1833", 2027)))' > sub/pop2027.lua
"$coopsim" run --registry-db reg.db sub/pop2027.lua >out 2>err || fail "--registry-db: $(cat err)"
[ "$(cat out)" = 26500 ] || fail "--registry-db printed $(cat out) $(cat err)"

# --- a registry that cannot be opened ---------------------------------------
echo 'print("ran")' > sub/empty.lua
"$coopsim" run --data-dir "$dir/no-such-folder" sub/empty.lua >out 2>err && fail "bad --data-dir: exited 0"
grep -q "^coopsim: --data-dir $dir/no-such-folder: .*No such file" err ||
  fail "bad --data-dir: $(cat err)"
grep -q ran out && fail "bad --data-dir: the scenario ran"

# --- a worker killed by SIGSYS is explained ----------------------------------
# The scenario says "ready" on stderr (prints go there with --format), then
# loops; only then is its worker sent SIGSYS, as the filter would.
if command -v pgrep >/dev/null 2>&1; then
  cat > sub/loop.lua <<'EOF'
print("ready")
while true do end
EOF
  "$coopsim" run --timeout 120 sub/loop.lua --format csv >out 2>err &
  parent=$!
  while ! grep -q ready err && kill -0 "$parent" 2>/dev/null; do sleep 0.05; done
  worker=$(pgrep -P "$parent")
  [ -n "$worker" ] && kill -s SYS "$worker"
  wait "$parent" && fail "SIGSYS: exited 0"
  grep -q "sub/loop.lua: the scenario's worker made a system call that is not allowed" err ||
    fail "SIGSYS: $(cat err)"
  [ -s out ] && fail "SIGSYS: a report was written"
else
  echo "confine: no pgrep, the SIGSYS message is not checked"
fi

# --- --help ---------------------------------------------------------------
"$coopsim" --help > help.txt || fail "--help failed"
grep -q "system-call filter (seccomp): yes; Landlock: " help.txt || fail "--help: $(tail -3 help.txt)"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "confine: all checks passed"
