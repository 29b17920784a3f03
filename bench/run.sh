#!/bin/sh
# make bench: coopsim's times beside references run in the same command.
# (a) the Monte Carlo job against plain Lua 5.4 and (when Debian's
#     python3-numpy is installed) vectorised numpy, on the same flat model;
# (b) a cold `coopsim run scenarios/helgeland.lua`, best of 20.
set -eu
bin=${1:-build/coopsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
echo "== (b) cold run: coopsim run scenarios/helgeland.lua (best of 20)"
best=""
for i in $(seq 20); do
  s=$(date +%s%N); "$bin" run scenarios/helgeland.lua > /dev/null; e=$(date +%s%N)
  t=$(( (e - s) / 1000 ))
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
echo "coopsim run scenarios/helgeland.lua: $(awk -v t="$best" 'BEGIN { printf "%.1f", t / 1000 }') ms"
