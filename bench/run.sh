#!/bin/sh
# make bench: coopsim's times beside references run in the same command.
# (a) the Monte Carlo job against plain Lua 5.4 and (when Debian's
#     python3-numpy is installed) vectorised numpy, on the same flat model;
# (b) a cold `coopsim run scenarios/helgeland.lua` against lua5.4 running
#     bench/helgeland_reference.lua (best of 20 each), the totals checked
#     equal, and the cost of a fork+pipe+waitpid sandbox measured alone;
# (c) bench/national.lua (357 municipalities, 17 cooperations, 2024-2053,
#     9 runs compared) against bench/national_reference.lua, best of
#     BENCH_NATIONAL_RUNS (10), peak resident memory, totals checked equal;
# (d) the result path (issue 17): each export of bench/national.lua and of
#     scenarios/helgeland.lua (csv, json, xlsx, html, --db, `runs export`)
#     against the plain run of the same file timed in this same command,
#     best of BENCH_EXPORT_RUNS (5) each, per member-year besides totals,
#     and for the national one each once more after a BENCH_PAUSE (3) s
#     pause, as a planner's first command after a while meets memory;
# (e) start-up: `coopsim run bench/empty.lua` against `lua5.4 -e ''`, best
#     of BENCH_STARTUP_RUNS (200), with --version and --trusted beside it
#     for where the time goes;
# (f) the Monte Carlo job as one whole command (bench/mc_whole.lua: start-up,
#     exact run, draws, percentiles, report) against the plain Lua run of (a),
#     best of BENCH_MC_RUNS (3), the means compared, and once after a pause;
# (g) memory's first touch in 4 KB and in 2 MB pages (bench/page_touch.c).
# Times of (d)-(f) are taken by bench/best_of.c (no shell in the figure).
set -eu
bin=${1:-build/coopsim}
case ${BENCH_PAUSE:-3} in
  '' | *[!0-9]*) echo "BENCH_PAUSE must be whole seconds, not ${BENCH_PAUSE}" >&2; exit 2 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== (a) Monte Carlo: Helgeland 2024-2033, ${BENCH_DRAWS:-100000} draws, 17 members"
BENCH_MODEL_LUA="$tmp/model.lua" BENCH_MODEL_JSON="$tmp/model.json" "$bin" run --trusted bench/mc_job.lua | tee "$tmp/coopsim.txt"
s=$(date +%s%N)
lua5.4 bench/mc_reference.lua "$tmp/model.lua" | tee "$tmp/lua.txt"
lua_whole=$(( ($(date +%s%N) - s) / 1000 )) # the whole plain Lua command, for (f)
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

# (d)-(f) time with best_of (bench/best_of.c): "BEST_US PEAK_KB"
cc -O2 -o "$tmp/best_of" bench/best_of.c
bo() { "$tmp/best_of" "$@"; }
# verdict RATIO LIMIT: "met" when RATIO <= LIMIT
verdict() { awk -v r="$1" -v l="$2" 'BEGIN { print (r <= l ? "met" : "NOT met") }'; }

# exports FILE TARGETS: the export table of FILE; TARGETS=yes prints the
# issue's targets (national), else the ratios alone (for the scaling)
exports() {
  f=$1; targets=$2; n=${BENCH_EXPORT_RUNS:-5}
  rows=$(( $("$bin" run "$f" --format csv 2>/dev/null | wc -l) - 1 ))
  rm -f "$tmp/store.db"
  "$bin" run "$f" --db "$tmp/store.db" > /dev/null 2>&1
  id=$("$bin" runs list --db "$tmp/store.db" | awk 'NR == 2 { print $1 }')
  set -- \
    "plain run" "" "" "$bin run $f" \
    "--format csv --out F" 3 64 "$bin run $f --format csv --out $tmp/o.csv" \
    "--format json --out F" 5 "" "$bin run $f --format json --out $tmp/o.json" \
    "--out F.xlsx" 5 "" "$bin run $f --out $tmp/o.xlsx" \
    "--format html --out F" 5 "" "$bin run $f --format html --out $tmp/o.html" \
    "--db F.db (a new store)" 5 "" "-r $tmp/o.db $bin run $f --db $tmp/o.db" \
    "runs export $id --format csv" 3 "" "$bin runs export $id --db $tmp/store.db --format csv --out $tmp/e.csv"
  echo "$f: $rows member-years (rows of its CSV), best of $n"
  [ "$targets" = yes ] && echo "(and, for the targets, each once more after a ${BENCH_PAUSE:-3} s pause, as a planner's first command: page_touch in (g))"
  printf '%-30s %10s %9s %10s %7s  %s\n' "command" "ms" "peak MB" "us/m-year" "ratio" "target"
  plain=""; plain_cold=""
  while [ $# -ge 4 ]; do
    what=$1; limit=$2; mb=$3; cmd=$4; shift 4
    # shellcheck disable=SC2086 # cmd is words without spaces in them
    r=$(bo "$n" $cmd) || { echo "$what: FAILED"; continue; }
    t=${r% *}; kb=${r#* }
    [ -n "$plain" ] || plain=$t
    ratio=$(awk -v t="$t" -v p="$plain" 'BEGIN { printf "%.2f", t / p }')
    tgt=""
    if [ -n "$limit" ] && [ "$targets" = yes ]; then
      tgt="<= ${limit}x: $(verdict "$ratio" "$limit")"
      [ -z "$mb" ] || tgt="$tgt; < $mb MB: $(verdict "$(( kb / 1024 ))" "$(( mb - 1 ))")"
    fi
    awk -v w="$what" -v t="$t" -v kb="$kb" -v r="$ratio" -v m="$rows" -v g="$tgt" 'BEGIN {
      printf "%-30s %10.1f %9.1f %10.3f %6sx  %s\n", w, t / 1000, kb / 1024, t / m, r, g }'
    if [ "$targets" = yes ]; then
      sleep "${BENCH_PAUSE:-3}"
      # shellcheck disable=SC2086
      c=$(bo 1 $cmd) || { echo "$what after a pause: FAILED"; continue; }
      c=${c% *}
      [ -n "$plain_cold" ] || plain_cold=$c
      awk -v t="$c" -v p="$plain_cold" 'BEGIN {
        printf "%-30s %10.1f %9s %10s %6.2fx  (after a pause, against the plain run after one)\n", "  after a pause", t / 1000, "", "", t / p }'
    fi
  done
}
echo "== (d) the result path: exports against the plain run of the same file (load $(cut -d' ' -f1-3 /proc/loadavg))"
exports bench/national.lua yes
exports scenarios/helgeland.lua no

echo "== (e) start-up: an empty scenario against lua5.4 -e '' (best of ${BENCH_STARTUP_RUNS:-200}; load $(cut -d' ' -f1-3 /proc/loadavg))"
n=${BENCH_STARTUP_RUNS:-200}
tl=$(bo "$n" lua5.4 -e ''); tl=${tl% *}
tv=$(bo "$n" "$bin" --version); tv=${tv% *}
tt=$(bo "$n" "$bin" run --trusted bench/empty.lua); tt=${tt% *}
te=$(bo "$n" "$bin" run bench/empty.lua); te=${te% *}
tn=$(bo "$n" /bin/true); tn=${tn% *}
echo "lua5.4 -e '':                              $(ms "$tl")"
echo "coopsim --version (linking, no Lua):       $(ms "$tv")"
echo "coopsim run --trusted bench/empty.lua:     $(ms "$tt")  (no worker)"
echo "coopsim run bench/empty.lua:               $(ms "$te")  (the sandboxed worker: $(ms $(( te - tt ))))"
echo "/bin/true (spawn and wait alone):           $(ms "$tn")"
r=$(awk -v c="$te" -v l="$tl" 'BEGIN { printf "%.2f", c / l }')
echo "coopsim run of an empty file takes ${r}x lua5.4 -e '' (target <= 2x: $(verdict "$r" 2))"

echo "== (f) Monte Carlo as one whole command: coopsim run bench/mc_whole.lua (${BENCH_DRAWS:-100000} draws; best of ${BENCH_MC_RUNS:-3}) against (a)'s plain Lua command (load $(cut -d' ' -f1-3 /proc/loadavg))"
sed "s/^local draws = 100000\$/local draws = ${BENCH_DRAWS:-100000}/" bench/mc_whole.lua > "$tmp/mc_whole.lua"
"$bin" run "$tmp/mc_whole.lua" > "$tmp/mc_whole.txt"
tw=$(bo "${BENCH_MC_RUNS:-3}" "$bin" run "$tmp/mc_whole.lua"); tw=${tw% *}
my=$(awk '/member-years, Rana 2033 mean/ { print $1 }' "$tmp/mc_whole.txt")
cm=$(awk '/member-years, Rana 2033 mean/ { print $NF }' "$tmp/mc_whole.txt")
lm=$(awk '{ for (i = 1; i < NF; i++) if ($i == "mean") { sub(/\)$/, "", $(i+1)); print $(i+1) } }' "$tmp/lua.txt")
awk -v c="$tw" -v l="$lua_whole" -v m="$my" 'BEGIN {
  printf "coopsim run bench/mc_whole.lua:            %.3f s, %.1f M member-years/s (%d member-years)\n", c / 1e6, m / c, m
  printf "lua5.4 bench/mc_reference.lua (whole):     %.3f s, %.2f M member-years/s\n", l / 1e6, m / l }'
r=$(awk -v c="$tw" -v l="$lua_whole" 'BEGIN { printf "%.1f", l / c }')
echo "coopsim is ${r}x plain Lua per member-year, the whole command (target >= 50x: $(verdict 50 "$r"))"
sleep "${BENCH_PAUSE:-3}"
tc=$(bo 1 "$bin" run "$tmp/mc_whole.lua"); tc=${tc% *}
awk -v c="$tc" -v l="$lua_whole" -v p="${BENCH_PAUSE:-3}" 'BEGIN {
  printf "after a %s s pause, once: %.3f s, %.1fx plain Lua\n", p, c / 1e6, l / c }'
awk -v c="$cm" -v l="$lm" 'BEGIN { d = c - l; if (d < 0) d = -d
  printf "Rana 2033 mean: coopsim %.2f, plain Lua %.2f (differ by %.2f kr, %.4f %%)\n", c, l, d, 100 * d / l }'

echo "== (g) memory touched for the first time: 32 MB in 4 KB and in 2 MB pages, after a ${BENCH_PAUSE:-3} s pause and at once after (why coopsim asks for no huge pages: core/doc_arena.c)"
if cc -O2 -o "$tmp/page_touch" bench/page_touch.c 2>/dev/null; then
  "$tmp/page_touch" 32 "${BENCH_PAUSE:-3}"
else
  echo "page_touch: not built (no C compiler)"
fi
