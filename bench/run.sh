#!/bin/sh
# make bench: coopsim's times beside references run in the same command.
# (a) the Monte Carlo job against plain Lua 5.4 and (when Debian's
#     python3-numpy is installed) vectorised numpy, on the same flat model;
# (b) a cold `coopsim run scenarios/helgeland.lua` against lua5.4 running
#     bench/helgeland_reference.lua (best of 20 each), the totals checked
#     equal, and the cost of a fork+pipe+waitpid sandbox measured alone;
# (c) bench/national.lua (357 municipalities, 17 cooperations, 2024-2053,
#     9 runs compared) against bench/national_reference.lua, best of
#     BENCH_NATIONAL_RUNS (10), peak resident memory, totals checked equal.
set -eu
bin=${1:-build/coopsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== (a) Monte Carlo: Helgeland 2024-2033, ${BENCH_DRAWS:-100000} draws, 17 members"
BENCH_MODEL_LUA="$tmp/model.lua" BENCH_MODEL_JSON="$tmp/model.json" "$bin" run --trusted bench/mc_job.lua | tee "$tmp/coopsim.txt"
lua5.4 bench/mc_reference.lua "$tmp/model.lua" | tee "$tmp/lua.txt"
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 bench/mc_numpy.py "$tmp/model.json" | tee "$tmp/numpy.txt"
else
  echo "numpy     (python3-numpy not installed: skipped)"
  : > "$tmp/numpy.txt"
fi
rate() { awk '{ for (i = 1; i <= NF; i++) if ($i == "s") { print $(i-1); exit } }' "$1"; }
c=$(rate "$tmp/coopsim.txt"); l=$(rate "$tmp/lua.txt"); n=$(rate "$tmp/numpy.txt" || true)
awk -v c="$c" -v l="$l" -v n="$n" 'BEGIN {
  printf "coopsim is %.1fx plain Lua", l / c
  if (n != "") printf " and %.1fx numpy", n / c
  printf " on the same job\n" }'

# best N CMD...: the best wall time of N runs, in microseconds
best() {
  n=$1; shift
  b=""
  for i in $(seq "$n"); do
    s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N)
    t=$(( (e - s) / 1000 ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
  done
  echo "$b"
}
ms() { awk -v t="$1" 'BEGIN { printf "%.1f ms", t / 1000 }'; }
# the same figures: "scenario,cooperation,year,code,total" from coopsim's rows
totals() { "$bin" run "$1" --format csv 2>/dev/null | awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $4 "," $11 }' | sort; }

echo "== (b) cold run: coopsim run scenarios/helgeland.lua vs lua5.4 bench/helgeland_reference.lua (best of 20)"
totals scenarios/helgeland.lua | awk -F, '{ print $1 "," $3 "," $4 "," $5 }' > "$tmp/b_coopsim.csv"
lua5.4 bench/helgeland_reference.lua --totals | sort > "$tmp/b_lua.csv"
if cmp -s "$tmp/b_coopsim.csv" "$tmp/b_lua.csv"; then
  echo "totals: the same $(wc -l < "$tmp/b_lua.csv") member-years in both"
else
  echo "totals: DIFFER ($(diff "$tmp/b_coopsim.csv" "$tmp/b_lua.csv" | grep -c '^<') rows)"
fi
"$bin" run scenarios/helgeland.lua > /dev/null # warm the page cache
tb=$(best 20 "$bin" run scenarios/helgeland.lua)
tl=$(best 20 lua5.4 bench/helgeland_reference.lua)
tt=$(best 20 /bin/true)
echo "coopsim run scenarios/helgeland.lua:      $(ms "$tb")"
echo "lua5.4 bench/helgeland_reference.lua:     $(ms "$tl")"
echo "/bin/true (the timing's own cost):         $(ms "$tt")"
awk -v c="$tb" -v l="$tl" 'BEGIN { printf "coopsim takes %.2fx the time of plain Lua\n", c / l }'
if cc -O2 -o "$tmp/fork_cost" bench/fork_cost.c 2>/dev/null; then
  "$tmp/fork_cost" 200 0
  "$tmp/fork_cost" 200 8
fi

echo "== (c) national: 357 municipalities, 17 cooperations, 2024-2053, baseline + 8 variants (best of ${BENCH_NATIONAL_RUNS:-10})"
totals bench/national.lua > "$tmp/c_coopsim.csv"
lua5.4 bench/national_reference.lua --totals | sort > "$tmp/c_lua.csv"
if cmp -s "$tmp/c_coopsim.csv" "$tmp/c_lua.csv"; then
  echo "totals: the same $(wc -l < "$tmp/c_lua.csv") member-years in both"
else
  echo "totals: $(diff "$tmp/c_coopsim.csv" "$tmp/c_lua.csv" | grep -c '^<') of $(wc -l < "$tmp/c_lua.csv") member-years differ (floating point in the reference)"
fi
tc=$(best "${BENCH_NATIONAL_RUNS:-10}" "$bin" run bench/national.lua)
tr=$(best "${BENCH_NATIONAL_RUNS:-10}" lua5.4 bench/national_reference.lua)
rc=$(/usr/bin/time -f %M "$bin" run bench/national.lua 2>&1 > /dev/null | tail -1)
rr=$(/usr/bin/time -f %M lua5.4 bench/national_reference.lua 2>&1 > /dev/null | tail -1)
echo "coopsim run bench/national.lua:           $(ms "$tc"), peak RSS $(( rc / 1024 )) MB"
echo "lua5.4 bench/national_reference.lua:      $(ms "$tr"), peak RSS $(( rr / 1024 )) MB"
awk -v c="$tc" -v l="$tr" 'BEGIN { printf "coopsim takes %.1fx the time of plain Lua\n", c / l }'
