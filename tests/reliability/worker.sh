#!/bin/sh
# RELIABILITY.md items 11, 12 and 14, and files a sandboxed scenario asks
# for, through `coopsim run` and its worker process:
#   11  a backtracking pattern match: killed at the wall-clock limit
#   12  a __gc finalizer that never ends: refused; the parent never hangs
#   14  10^7 result rows, a 100 MB string printed, a print loop: limits
#   r:write / r:save in the sandbox: carried out by the parent, and only
#   below the current folder or the scenario's folder
# usage: worker.sh COOPSIM SOURCE_DIR
coopsim=$1
src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/coopsim-worker-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect NAME PATTERN [coopsim args...]: exits non-zero, stderr matches PATTERN
expect() {
  name=$1 pattern=$2
  shift 2
  start=$(date +%s)
  "$coopsim" "$@" >out 2>err && fail "$name: exited 0"
  grep -q "$pattern" err || fail "$name: expected '$pattern' in: $(head -c 600 err)"
  echo "$name: $(head -n 1 err) ($(($(date +%s) - start)) s)"
}

# --- 11: the backtracking find runs in C, where no hook reaches it ---------
cat > rel11.lua <<'EOF'
print(("a"):rep(3000):find(".-.-.-.-b"))
EOF
echo "before" > untouched.txt
expect rel11_backtracking "rel11.lua: timeout: the scenario ran longer than 2 s (--timeout)" \
  run --timeout 2 rel11.lua --format csv --out rel11.csv
[ -e rel11.csv ] && fail "rel11: a report was written"
ls | grep -q '\.tmp' && fail "rel11: a temporary file was left"

# coopsim test ends a file at the wall-clock limit too
"$coopsim" test --timeout 2 rel11.lua >out 2>&1 && fail "test rel11.lua passed"
grep -q "FAIL rel11.lua: timeout: ran longer than 2 s" out || fail "coopsim test timeout: $(cat out)"

# nor read through a golden file that is a symbolic link
mkdir -p gl && cp "$src/scenarios/steinkjer_inderoy.lua" gl/a.lua && echo secret > secret.txt
ln -s ../secret.txt gl/a.expected.csv
"$coopsim" test gl >out 2>&1 && fail "test through a linked golden file passed"
grep -q "is not a plain file" out || fail "linked golden file: $(cat out)"

# --- 12: a finalizer that never ends ------------------------------------
cat > rel12.lua <<'EOF'
local t = setmetatable({}, { __gc = function() while true do end end })
EOF
expect rel12_gc_loop "rel12.lua:1: setmetatable: a metatable with __gc is not allowed" \
  run rel12.lua
# the same through the string metatable and rawset: still no finalizer
cat > rel12b.lua <<'EOF'
local mt = {}
local t = setmetatable({}, mt)
mt.__gc = function() while true do end end -- too late: t is not marked
t = nil
collectgarbage("collect")
EOF
expect rel12_gc_late 'collectgarbage("collect") is not available' run rel12b.lua

# --- 14: output and result limits ----------------------------------------
cat > rel14_rows.lua <<'EOF'
local cs = coopsim
local coop = cs.cooperation {
  name = "Alle", members = { "1812", "1813", "1815", "1816", "1833", "1834", "1835", "1836" },
  costs = { { name = "Drift", amount = 1000000 } }, key = cs.keys.equal {},
}
local s = cs.scenario("Mange", { coop })
assert(not pcall(function() coopsim._max_rows = nil end)) -- the limit is not the scenario's to lift
for i = 1, 1e7 do s:run { from = 2022, to = 2023 } end -- 16 rows each
EOF
expect rel14_rows "result limit: the runs hold more than 1000 rows" \
  run rel14_rows.lua --max-rows 1000
cat > rel14_string.lua <<'EOF'
local s = string.rep("x", 100 * 1024 * 1024)
print(s)
EOF
expect rel14_string "rel14_string.lua:2: output limit: the scenario printed more than 64 MB" \
  run rel14_string.lua
cat > rel14_print.lua <<'EOF'
while true do print("coopsim") end
EOF
expect rel14_print "rel14_print.lua:1: output limit" run rel14_print.lua
cat > rel14_mem.lua <<'EOF'
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end
EOF
expect rel14_memory "rel14_mem.lua:2: memory limit: the scenario needed more than 32 MB" \
  run --max-memory 32 rel14_mem.lua
# the next run works
"$coopsim" run "$src/scenarios/helgeland.lua" --format csv >helgeland.csv 2>err ||
  fail "the run after the limits failed: $(cat err)"

# --- files a sandboxed scenario asks for ---------------------------------
mkdir -p sub
cat > sub/asks.lua <<'EOF'
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal {},
}
local r = cs.scenario("Grunnlag", { coop }):run { from = 2023, to = 2023 }
assert(r:save("runs.db") == nil, "in the sandbox the parent stores the run")
r:write("here.csv")
r:write(os and "x" or "report.md")
EOF
"$coopsim" run sub/asks.lua >out 2>err || fail "asks.lua exited $?: $(cat err)"
[ -s here.csv ] || fail "r:write below the current folder was not written"
[ -s report.md ] || fail "r:write of the md report was not written"
grep -q "saved run 1 to runs.db" err || fail "r:save was not carried out: $(cat err)"
"$coopsim" runs list --db runs.db | grep -q "asks.lua" || fail "the stored run is not listed"
cat > sub/escape.lua <<'EOF'
local cs = coopsim
local coop = cs.cooperation {
  name = "T", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal {},
}
-- the format given, so that the path itself is what the parent refuses
cs.scenario("S", { coop }):run { from = 2023, to = 2023 }:write("/tmp/../etc/coopsim-escape.csv", { format = "csv" })
EOF
expect sandbox_write_outside "is outside the current folder and the scenario's folder" \
  run sub/escape.lua
[ -e /etc/coopsim-escape.csv ] && fail "a sandboxed scenario wrote to /etc"
# no hidden files, no other extensions (a scenario must not replace ~/.bashrc)
sed 's|/tmp/../etc/coopsim-escape.csv|.bashrc|' sub/escape.lua > sub/dot.lua
expect sandbox_write_hidden "names a hidden file or folder" run sub/dot.lua
sed 's|/tmp/../etc/coopsim-escape.csv|notes.sh|' sub/escape.lua > sub/ext.lua
expect sandbox_write_extension "does not end in a report's extension" run sub/ext.lua
[ -e .bashrc ] || [ -e notes.sh ] && fail "a hidden file or a script was written"
# names with control characters never reach a report
sed 's|name = "T"|name = "T\\nrm -rf x\\n"|; s|/tmp/../etc/coopsim-escape.csv|ctl.md|' sub/escape.lua > sub/ctl.lua
expect sandbox_control_chars "control character" run sub/ctl.lua
[ -e ctl.md ] && fail "a report with a control character in a name was written"
# a name that begins like a spreadsheet formula stays text in CSV
sed "s|name = \"T\"|name = '=HYPERLINK(\"http://x/\")'|; s|/tmp/../etc/coopsim-escape.csv|inj.csv|" sub/escape.lua > sub/inj.lua
"$coopsim" run sub/inj.lua 2>err || fail "inj.lua: $(cat err)"
grep -q "\"'=HYPERLINK" inj.csv || fail "a formula-like name was not kept as text: $(head -2 inj.csv)"
# not through a symbolic link either, even one inside the folder
echo "keep" > target.txt
ln -s "$dir/target.txt" sub/link.csv
sed 's|/tmp/../etc/coopsim-escape.csv|sub/link.csv|' sub/escape.lua > sub/link.lua
expect sandbox_write_symlink "is a symbolic link" run sub/link.lua
grep -q keep target.txt || fail "a symbolic link's target was overwritten"
# reading: below the scenario's folder only, or --allow-read
echo "year,amount" > sub/data.csv
cat > sub/reads.lua <<'EOF'
assert(coopsim.read_file("data.csv"):find("year"))
print(#coopsim.read_file(DIR or "../outside.txt"))
EOF
echo "secret" > outside.txt
expect sandbox_read_outside "only below their own folder" run sub/reads.lua
"$coopsim" run --allow-read . sub/reads.lua >out 2>err || fail "--allow-read: $(cat err)"
# --trusted says so
"$coopsim" run --trusted sub/reads.lua >out 2>err
grep -q "trusted: sub/reads.lua runs with the whole Lua standard library" err ||
  fail "--trusted does not say so: $(cat err)"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "worker: all checks passed"
