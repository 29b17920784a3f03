#!/bin/sh
# analysis_lang.sh COOPSIM SRC: what a scenario prints of a sweep, a
# decomposition and a Monte Carlo run follows the session's language
# (issue 16): bokmål with `--lang nb` or COOPSIM_LANG=nb, English without.
# Runs the shipped scenarios/analysis.lua and scenarios/montecarlo.lua.
coopsim=$1
src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "analysis_lang: $*" >&2
  exit 1
}
# has FILE TEXT WHAT: a line of FILE begins with TEXT (runs of spaces count as one)
has() {
  tr -s ' ' <"$1" | grep -qF -- "$(printf '%s' "$2" | tr -s ' ')" || fail "$3: no \"$2\" in: $(head -40 "$1")"
}

"$coopsim" run scenarios/analysis.lua --lang nb >"$tmp/nb" 2>"$tmp/err" || fail "analysis --lang nb: $(cat "$tmp/err")"
has "$tmp/nb" "variasjon av key.equal, budsjettår 2025" "sweep nb"
has "$tmp/nb" "kommunenr. kommune key.equal=0 key.equal=0.1" "sweep nb header"
has "$tmp/nb" "dekomponering av Grant continues, Vefsn withdraws mot Baseline (Shapley-verdier over endringene)" "decomposition nb"
has "$tmp/nb" "år kommunenr. kommune Baseline Grant continues, Vefsn withdraws endring" "decomposition nb header"
COOPSIM_LANG=nb "$coopsim" run scenarios/analysis.lua >"$tmp/env" 2>"$tmp/err" || fail "analysis COOPSIM_LANG=nb: $(cat "$tmp/err")"
has "$tmp/env" "variasjon av key.equal, budsjettår 2025" "sweep COOPSIM_LANG=nb"
"$coopsim" run scenarios/analysis.lua >"$tmp/en" 2>"$tmp/err" || fail "analysis: $(cat "$tmp/err")"
has "$tmp/en" "sweep of key.equal, budget year 2025" "sweep en"
has "$tmp/en" "code member key.equal=0 key.equal=0.1" "sweep en header"
has "$tmp/en" "decomposition of Grant continues, Vefsn withdraws against Baseline (Shapley values over the modifications)" "decomposition en"
grep -q "variasjon\|dekomponering" "$tmp/en" && fail "bokmål in the English run"

"$coopsim" run scenarios/montecarlo.lua --lang nb >"$tmp/mcnb" 2>"$tmp/err" || fail "montecarlo --lang nb: $(cat "$tmp/err")"
has "$tmp/mcnb" "Monte Carlo av " "Monte Carlo nb"
has "$tmp/mcnb" ": 20000 trekninger, frø 1" "Monte Carlo nb"
has "$tmp/mcnb" "år kommunenr. kommune eksakt kjøring snitt p5 p50 p95" "Monte Carlo nb header"
"$coopsim" run scenarios/montecarlo.lua >"$tmp/mcen" 2>"$tmp/err" || fail "montecarlo: $(cat "$tmp/err")"
has "$tmp/mcen" ": 20000 draws, seed 1" "Monte Carlo en"
has "$tmp/mcen" "year code member exact run mean p5 p50 p95" "Monte Carlo en header"
echo "analysis_lang: all checks passed"
