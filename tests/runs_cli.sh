#!/bin/sh
# Stored runs on the command line: coopsim run FILE --db DB, coopsim runs
# list|show|compare|export; and RELIABILITY 24 for the CLI: a bad --db file is
# refused before the scenario runs, and is left as it was.
# usage: runs_cli.sh COOPSIM SOURCE_DIR
set -u
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-runs-cli-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cp "$src/tests/runs/budget.lua" "$src/tests/runs/budget_higher.lua" .
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --- storing and reading back ---------------------------------------------------
"$coopsim" run budget.lua --db runs.db >out 2>err || fail "run --db exited $?: $(cat err)"
grep -q "SCENARIO RAN" out || fail "the scenario did not run"
grep -qx "saved run 1 to runs.db" err || fail "no 'saved run 1': $(cat err)"
"$coopsim" run budget_higher.lua --db runs.db --format csv >/dev/null 2>err || fail "second run exited $?"
grep -qx "saved run 2 to runs.db" err || fail "no 'saved run 2': $(cat err)"

"$coopsim" runs list --db runs.db >out 2>&1 || fail "runs list exited $?"
grep -q "^   1  .*budget.lua$" out || fail "runs list lacks run 1: $(cat out)"
grep -q "^   2  .*budget_higher.lua$" out || fail "runs list lacks run 2: $(cat out)"
grep -q "Baseline, Vefsn withdraws" out || fail "runs list lacks the scenario names"

"$coopsim" runs show 2 --db runs.db >out 2>&1 || fail "runs show exited $?"
grep -q "^scenario file: budget_higher.lua$" out || fail "runs show: no file: $(head -5 out)"
grep -q "^options: --db runs.db --format csv$" out || fail "runs show: options: $(head -8 out)"
grep -q "^registry: embedded sha256:" out || fail "runs show: no registry version"
grep -q "Felles stilling" out || fail "runs show: no table"

# compare: the second against the first, member by member and year, in kroner
"$coopsim" runs compare 1 2 --db runs.db >out 2>&1 || fail "runs compare exited $?"
grep -q "^2025        total  *1 000 000   1 060 000     +60 000$" out || fail "runs compare: no 2025 total: $(cat out)"
grep -q "^2023  1824  Vefsn  .*+17 486$" out || fail "runs compare: no Vefsn 2023 line"
grep -q "the scenario files differ" out || fail "runs compare: the files' hashes not compared"
"$coopsim" runs compare 1 1 --db runs.db >out 2>&1 || fail "runs compare 1 1 exited $?"
grep -q "+[1-9]" out && fail "a run compared with itself shows differences"

# export gives what a fresh run gives, byte for byte
for f in json csv md; do
  "$coopsim" run budget.lua --format $f >fresh.$f 2>/dev/null || fail "run --format $f"
  "$coopsim" runs export 1 --db runs.db --format $f >stored.$f 2>err || fail "export $f: $(cat err)"
  cmp -s fresh.$f stored.$f || fail "export --format $f differs from the fresh run"
done
"$coopsim" runs export 1 --db runs.db --out stored.csv 2>/dev/null || fail "export --out"
cmp -s fresh.csv stored.csv || fail "export --out stored.csv differs"

# verify reads the whole file; a run edited past its CHECKs is refused when
# it is read (the reader checks what it reads), the other run reads as saved
"$coopsim" runs verify --db runs.db >out 2>&1 || fail "runs verify exited $?: $(cat out)"
grep -qx "runs.db: every page, value, reference and count checked: ok" out || fail "runs verify: $(cat out)"
cp runs.db edited.db
python3 -c "import sqlite3; c = sqlite3.connect('edited.db'); c.execute('pragma ignore_check_constraints = on'); c.execute('update run_rows set months = 13 where run_id = 2 and scenario = 0 and idx = 0'); c.commit()"
"$coopsim" runs export 2 --db edited.db --out edited.csv >out 2>&1 && fail "an edited run was exported"
grep -q 'stored run 2 is damaged (run_rows, field "months": 13 outside 0..12)' out || fail "edited run: $(cat out)"
[ -e edited.csv ] && fail "an edited run left a report"
"$coopsim" runs show 2 --db edited.db >out 2>&1 && fail "an edited run was shown"
"$coopsim" runs export 1 --db edited.db --format csv >stored1.csv 2>err || fail "run 1 of the edited store: $(cat err)"
cmp -s fresh.csv stored1.csv || fail "run 1 of the edited store differs from the fresh run"
"$coopsim" runs verify --db edited.db >out 2>&1 && fail "runs verify passed an edited store"
grep -q "CHECK constraint failed in run_rows" out || fail "runs verify of the edited store: $(cat out)"

# errors: no store named, an unknown run, a failing scenario stores nothing
"$coopsim" runs list >out 2>&1 && fail "runs list without --db succeeded"
grep -q "give --db FILE" out || fail "runs without --db: unhelpful: $(cat out)"
"$coopsim" runs show 9 --db runs.db >out 2>&1 && fail "runs show 9 succeeded"
grep -q "no stored run 9" out || fail "runs show 9: $(cat out)"
"$coopsim" runs list --db missing.db >out 2>&1 && fail "runs list on a missing file succeeded"
[ -e missing.db ] && fail "runs list created missing.db"
printf 'error("broken scenario")\n' >broken.lua
"$coopsim" run broken.lua --db runs.db >out 2>&1 && fail "a failing scenario exited 0"
grep -q "saved" out && fail "a failing scenario printed saved"
"$coopsim" runs list --db runs.db | grep -q "^   3 " && fail "a failing scenario was stored"

# r:save and cs.save from Lua
cp "$src/tests/runs/save.lua" .
"$coopsim" run --trusted save.lua >out 2>&1 || fail "save.lua exited $?: $(cat out)"
grep -q "^save.lua:12: save: argument 3 is not a run" out || fail "cs.save error without file:line: $(cat out)"
grep -q "^save.lua:15: save: no/such/folder/x.db: cannot open" out || fail "r:save error: $(cat out)"
"$coopsim" runs list --db lua.db >out 2>&1 || fail "runs list lua.db"
grep -q "^   2  .*save.lua$" out || fail "cs.save did not store run 2: $(cat out)"
grep -qx "  *Equal, Later" out || fail "cs.save did not store both runs: $(cat out)"

# --- RELIABILITY 24: bad files refused before anything runs ---------------------
refused() { # NAME FILE PATTERN
  cp "$2" before
  "$coopsim" run budget.lua --db "$2" >out 2>&1 && fail "$1: run --db succeeded"
  grep -q "SCENARIO RAN" out && fail "$1: the scenario ran before the store was refused"
  grep -q "saved" out && fail "$1: printed saved"
  grep -q "$3" out || fail "$1: expected '$3' in: $(cat out)"
  cmp -s before "$2" || fail "$1: the file was changed"
}
head -c 20000 /dev/urandom >random.db
refused "random bytes" random.db "file is not a database"
cp runs.db cut.db
truncate -s 5000 cut.db
refused "truncated" cut.db "malformed"
cp runs.db wrongid.db
printf 'CooR' | dd of=wrongid.db bs=1 seek=68 conv=notrunc 2>/dev/null
refused "wrong application_id" wrongid.db "not a coopsim run store (application_id 0x436f6f52)"
cp runs.db newer.db
printf '\000\000\000\143' | dd of=newer.db bs=1 seek=60 conv=notrunc 2>/dev/null
refused "newer user_version" newer.db "made by a newer coopsim"
mkdir folder.db
"$coopsim" run budget.lua --db folder.db >out 2>&1 && fail "a folder as --db succeeded"
grep -q "SCENARIO RAN" out && fail "folder: the scenario ran"

# --- COOPSIM_LANG: the default of --lang, for show and for a report -------------
COOPSIM_LANG=nb "$coopsim" runs show 1 --db runs.db >out 2>&1 || fail "COOPSIM_LANG=nb runs show: $(cat out)"
grep -q "^kjøring 1, lagret " out || fail "COOPSIM_LANG=nb: runs show is not in bokmål: $(head -3 out)"
COOPSIM_LANG=nb "$coopsim" runs show 1 --db runs.db --lang en >out 2>&1
grep -q "^run 1, stored " out || fail "--lang en does not win over COOPSIM_LANG: $(head -3 out)"
COOPSIM_LANG=sv "$coopsim" runs show 1 --db runs.db >out 2>&1 && fail "COOPSIM_LANG=sv was taken"
grep -q 'COOPSIM_LANG="sv": unknown language (en, nb)' out || fail "COOPSIM_LANG=sv: $(cat out)"
COOPSIM_LANG=nb "$coopsim" run budget.lua --format table >out 2>/dev/null
grep -q "kommunenr" out || fail "COOPSIM_LANG=nb run --format table is not in bokmål: $(head -5 out)"
LANG=nb_NO.UTF-8 LC_ALL=nb_NO.UTF-8 "$coopsim" run budget.lua --format table >out 2>/dev/null
grep -q "kommunenr" out && fail "LANG or LC_ALL was read"

# --- a store of version 1 (made by the coopsim before year events) -------------
# read as it is (nothing written); upgraded in one transaction when a run is
# stored in it, the old run kept whole
cp "$src/tests/fixtures/rundb/version1.db" old.db
cksum old.db >before
"$coopsim" runs show 1 --db old.db >old1.txt 2>err || fail "version 1: runs show: $(cat err)"
grep -q "Vefsn withdraws" old1.txt || fail "version 1: the stored run: $(head -5 old1.txt)"
cksum old.db | cmp -s - before || fail "version 1: reading changed the file"
"$coopsim" run budget.lua --db old.db >/dev/null 2>err || fail "version 1: run --db: $(cat err)"
grep -qx "saved run 2 to old.db" err || fail "version 1: no 'saved run 2': $(cat err)"
python3 -c "import sqlite3; c = sqlite3.connect('old.db'); print(c.execute('pragma user_version').fetchone()[0], c.execute('pragma integrity_check').fetchone()[0], c.execute('select count(*) from run_year_events where run_id = 2').fetchone()[0])" >state.txt
[ "$(cat state.txt)" = "3 ok 2" ] || fail "version 1: after the upgrade (version, integrity, run 2's events): $(cat state.txt)"
"$coopsim" runs show 1 --db old.db >old1b.txt 2>err || fail "version 1: runs show after the upgrade: $(cat err)"
cmp -s old1.txt old1b.txt || fail "version 1: run 1 reads differently after the upgrade"
"$coopsim" runs export 2 --db old.db --format json >export2.json 2>err || fail "version 1: export 2: $(cat err)"
"$coopsim" run budget.lua --format json >fresh2.json 2>/dev/null
cmp -s export2.json fresh2.json || fail "version 1: run 2 (with its events) does not export as it ran"

# the upgrade to version 3 (exact amounts as øre) takes an amount only when
# it is exactly the text coopsim writes: one with leading zeros is not taken
# for other øre, and the store is left as it was
cp "$src/tests/fixtures/rundb/version1.db" odd.db
python3 -c "import sqlite3; c = sqlite3.connect('odd.db'); c.execute(\"update run_parts set exact = '00' || exact where rowid = (select min(rowid) from run_parts)\"); c.commit()"
refused "an older store's odd amount" odd.db "cannot upgrade the run store"

# the old run shows its key as stored (in English: version 1 kept none in
# bokmål), the new one in bokmål, and the options line in words
"$coopsim" runs show 1 --db old.db --lang nb >old1nb.txt 2>err || fail "version 1: runs show --lang nb: $(cat err)"
grep -q "^nøkkel: .* by population" old1nb.txt || fail "version 1: run 1's key: $(grep nøkkel old1nb.txt)"
"$coopsim" runs show 2 --db old.db --lang nb >old2nb.txt 2>err || fail "version 1: runs show 2: $(cat err)"
grep -q "^nøkkel: 20 % likt + 80 % etter innbyggertall" old2nb.txt || fail "run 2's key in bokmål: $(grep nøkkel old2nb.txt)"
grep -q "^valg: avrunding: største rest" old2nb.txt || fail "run 2's options in bokmål: $(grep valg old2nb.txt)"

# --- review 3: the read path refuses what a real run never holds ----------------
# each edit of a sound store (run 1 of runs.db) must be refused by show, export
# (every format), compare and verify alike, naming the field; list names the
# damaged run and still lists the others
edit() { # NAME SQL: NAME.db is runs.db with SQL applied (CHECKs and keys off)
  cp runs.db "$1.db"
  python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma foreign_keys = off'); c.execute('pragma ignore_check_constraints = on'); c.executescript(sys.argv[2]); c.commit()" "$1.db" "$2" ||
    fail "$1: the edit failed"
}
strict_off() { # NAME: NAME.db's tables stripped of STRICT (the columns stay as they are)
  python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma writable_schema = on'); c.execute(\"update sqlite_schema set sql = replace(sql, ') STRICT', ')') where type = 'table'\"); c.commit()" "$1.db" ||
    fail "$1: cannot strip STRICT"
}
refused_by_all() { # NAME PATTERN: every reader of NAME.db refuses run 1 with PATTERN
  for c in "show 1" "export 1 --format csv" "export 1 --format json" "export 1 --format html" "compare 1 2" "verify"; do
    # shellcheck disable=SC2086
    "$coopsim" runs $c --db "$1.db" >out 2>&1 && fail "$1: runs $c accepted it"
    # verify may meet a CHECK the edit broke first (integrity_check)
    grep -q "$2" out || { [ "$c" = verify ] && grep -q "CHECK constraint failed in" out; } ||
      fail "$1: runs $c: expected '$2' in: $(head -c 400 out | cat -v)"
    grep -q "$(printf '\033')" out && fail "$1: runs $c printed an escape character"
  done
  "$coopsim" runs export 1 --db "$1.db" --format html --out "$1.html" >/dev/null 2>&1
  [ -e "$1.html" ] && fail "$1: export --out wrote a report"
}
# D1: the runs row's texts and the scenario names checked like every other text
edit d1esc "update runs set coopsim_version = char(27) || '[2J' || char(27) || '[31mPWNED' where id = 1"
refused_by_all d1esc 'damaged (runs, field "coopsim_version": .*control character'
edit d1cr "update runs set options = 'x' || char(13) || 'options: --trusted' where id = 1"
refused_by_all d1cr 'runs, field "options": .*control character'
edit d1utf8 "update runs set coopsim_version = cast(X'302e31fffe' as text) where id = 1"
refused_by_all d1utf8 'runs, field "coopsim_version": '
cp runs.db d1blob.db
strict_off d1blob
python3 -c "import sqlite3; c = sqlite3.connect('d1blob.db'); c.execute(\"update runs set options = X'2d2d78' where id = 1\"); c.commit()"
refused_by_all d1blob 'is not as coopsim makes it'
edit d1name "update run_scenarios set name = char(27) || '[31mESC' where run_id = 1 and idx = 0"
refused_by_all d1name 'run_scenarios, field "name"'
"$coopsim" runs list --db d1name.db >out 2>err && fail "d1name: runs list exited 0"
grep -q "$(printf '\033')" out err && fail "d1name: runs list printed an escape character"
# D2: a NUL inside the file's name does not cut it short
edit d2nul "update runs set scenario_file = cast(X'2f746d702f612e6c7561002e2e2f6576696c' as text) where id = 1"
refused_by_all d2nul 'runs, field "scenario_file": .*NUL'
# D3: export makes the runs row's checks show and compare make
edit d3sha "update runs set created = 'yesterday', scenario_sha256 = null where id = 1"
refused_by_all d3sha 'runs, field "created": not a real UTC time'
edit d3hex "update runs set scenario_sha256 = upper(scenario_sha256) where id = 1"
refused_by_all d3hex 'runs, field "scenario_sha256"'
# D9: created a real UTC time
for t in 2026-19-39T29:59:69Z 2026-02-30T12:00:00Z 2026-04-31T00:00:00Z 2026-01-01T24:00:00Z 2026-01-01T00:00:60Z 2026-00-10T00:00:00Z; do
  edit d9 "update runs set created = '$t' where id = 1"
  refused_by_all d9 'runs, field "created": not a real UTC time'
done
edit d9leap "update runs set created = '2024-02-29T23:59:59Z' where id = 1"
"$coopsim" runs show 1 --db d9leap.db >/dev/null 2>err || fail "a leap day's time was refused: $(cat err)"
# D8: the stored scenario text is the file its SHA-256 names
edit d8 "update runs set scenario_text = cast('print(1)' as blob) where id = 1"
refused_by_all d8 'runs, field "scenario_text": its SHA-256 is'
# D6: figures edited within the schema's limits break the relations of a real run
edit d6total "update run_rows set total = total + 1000 where run_id = 1 and scenario = 0 and idx = 0"
refused_by_all d6total 'field "total": .* is not the exact share .* rounded'
edit d6parts "delete from run_parts where run_id = 1 and scenario = 0 and row_idx = 0; update run_rows set nparts = 0 where run_id = 1 and scenario = 0 and idx = 0"
refused_by_all d6parts 'field "parts": none, but the exact share is'
edit d6sum "update run_years set sum_shares = sum_shares + 1 where run_id = 1 and scenario = 0 and idx = 0"
refused_by_all d6sum 'field "sum_shares": .* is not the sum of the year'
edit d6part "update run_parts set rounded = rounded + 1 where run_id = 1 and scenario = 0 and row_idx = 0 and idx = 0"
refused_by_all d6part 'field "rounded": .* is not the exact part .* rounded'
edit d6exact "update run_parts set exact_ore = 100000 where run_id = 1 and scenario = 0 and row_idx = 0 and idx = 0; update run_parts set rounded = 1000 where run_id = 1 and scenario = 0 and row_idx = 0 and idx = 0"
refused_by_all d6exact 'field "parts": their exact amounts add up to'
# D7: the run's period is the span of its years
edit d7 "update run_scenarios set year_to = 2090 where run_id = 1 and idx = 0"
refused_by_all d7 'field "to": the run is .*-2090, but its years are'
# D5: verify refuses what the readers refuse
edit d5order "update run_parts set idx = 5 where run_id = 1 and scenario = 0 and row_idx = 0 and idx = 1"
refused_by_all d5order 'damaged (parts out of order)'
cp runs.db d5strict.db
strict_off d5strict
for c in "verify" "show 1" "list"; do
  # shellcheck disable=SC2086
  "$coopsim" runs $c --db d5strict.db >out 2>&1 && fail "a store stripped of STRICT: runs $c accepted it"
  grep -q 'its table run.* is not as coopsim makes it' out || fail "d5strict: runs $c: $(head -c 300 out)"
done
cp d5strict.db d5strict_before.db
"$coopsim" run budget.lua --db d5strict.db >out 2>&1 && fail "a run was stored in a store stripped of STRICT"
cmp -s d5strict.db d5strict_before.db || fail "d5strict: the file was changed"
# D4: list names the damaged run and still lists the sound ones
edit d4 "update runs set registry_version = '' where id = 1"
"$coopsim" runs list --db d4.db >out 2>err && fail "d4: runs list exited 0 with a damaged run"
grep -q '^   1  DAMAGED, not read: runs, field "registry_version": empty$' out || fail "d4: run 1 not named: $(cat out)"
grep -q "^   2  .*budget_higher.lua$" out || fail "d4: the sound run 2 not listed: $(cat out)"
grep -q 'stored run 1 is damaged (runs, field "registry_version": empty)' err || fail "d4: stderr: $(cat err)"
"$coopsim" runs show 2 --db d4.db >/dev/null 2>err || fail "d4: run 2 unreadable: $(cat err)"
# the nit: a store whose user_version was reset to 0, opened for writing
cp runs.db nit.db
printf '\000\000\000\000' | dd of=nit.db bs=1 seek=60 conv=notrunc 2>/dev/null
refused "user_version 0" nit.db "its schema version (user_version) is 0"

# --- every scenario that runs, stored and exported, is byte for byte what
# `coopsim run` writes (the read path's checks refuse no real run): as JSON
# every one, and in each other format every fifth
mkdir all && cd all || exit 1
for f in "$src"/scenarios/*.lua "$src"/tests/*/*.lua; do
  # run in a copy of its folder (a scenario may read files beside it, or write)
  rm -rf one.db w && cp -R "$(dirname "$f")" w || fail "cannot copy $f's folder"
  d=$dir/all/w
  f=$(basename "$f")
  # a scenario that fails, or needs its own arguments, stores nothing: skipped
  (cd "$d" && "$coopsim" run "$f" --db "$dir/all/one.db" >/dev/null 2>&1) || continue
  [ -e one.db ] || continue
  ids=$("$coopsim" runs list --db one.db 2>&1) || fail "$f: runs list: $ids"
  "$coopsim" runs verify --db one.db >out 2>&1 || fail "$f: runs verify: $(cat out)"
  # JSON holds the whole document: every file; the other formats (made from
  # the same document) in turn, one a file, so each is met many times
  n=${n:-0}
  other=$(echo csv md table html xlsx | cut -d' ' -f$((n % 5 + 1)))
  n=$((n + 1))
  for fmt in json $other; do
    (cd "$d" && "$coopsim" run "$f" --format $fmt --out "$dir/all/fresh.$fmt" >/dev/null 2>&1) || fail "$f: run --format $fmt"
    "$coopsim" runs export 1 --db one.db --format $fmt --out stored.$fmt >/dev/null 2>err || fail "$f: export $fmt: $(cat err)"
    if [ $fmt = xlsx ]; then
      # a workbook's zip holds its time: compare the sheets' XML
      python3 -c "import zipfile, sys; a = zipfile.ZipFile(sys.argv[1]); b = zipfile.ZipFile(sys.argv[2]); sys.exit(0 if [a.read(n) for n in a.namelist() if not n.startswith('docProps')] == [b.read(n) for n in b.namelist() if not n.startswith('docProps')] else 1)" fresh.xlsx stored.xlsx ||
        fail "$f: the exported workbook differs from the run's"
    else
      cmp -s fresh.$fmt stored.$fmt || fail "$f: export --format $fmt differs from coopsim run"
    fi
  done
  stored=$((${stored:-0} + 1))
done
cd "$dir" || exit 1
[ "${stored:-0}" -ge 15 ] || fail "only ${stored:-0} scenarios were stored and compared"

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "runs_cli: all checks passed"
