#!/bin/sh
# print_lang.sh COOPSIM SRC: what a scenario prints of results follows the
# session's language (issue 16): `coopsim run --lang nb` and COOPSIM_LANG=nb
# make print(r), print(cs.compare(...)) and r:explain(m, y) bokmål; without
# them (or with --lang en) they stay English; an unknown COOPSIM_LANG is an
# error naming the value and the scenario's line. The figures are worked
# out in tests/lang/print_lang.lua.
coopsim=$1
src=$2
file=tests/lang/print_lang.lua
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "print_lang: $*" >&2
  exit 1
}
# has FILE TEXT: FILE holds the line TEXT (runs of spaces count as one)
has() {
  tr -s ' ' <"$1" | grep -qxF -- "$(printf '%s' "$2" | tr -s ' ')" || fail "$3: no line \"$2\" in: $(cat "$1")"
}
# the part of the output between the "== print(r)" marker and "== end"
prints() { sed -n '/^== print(r)$/,/^== end$/p' "$1"; }

# --- bokmål: --lang nb, COOPSIM_LANG=nb --------------------------------------
for how in flag env; do
  if [ $how = flag ]; then
    "$coopsim" run $file --lang nb >"$tmp/out" 2>"$tmp/err" || fail "--lang nb: $(cat "$tmp/err")"
  else
    COOPSIM_LANG=nb "$coopsim" run $file >"$tmp/out" 2>"$tmp/err" || fail "COOPSIM_LANG=nb: $(cat "$tmp/err")"
  fi
  head -1 "$tmp/out" | grep -qx "SESSION nb" || fail "$how: r:explain without lang is not bokmål: $(head -1 "$tmp/out")"
  prints "$tmp/out" >"$tmp/p"
  # print(r): the reports' table
  has "$tmp/p" "Lurøy går ut: Regnskap, 2023-2024" "$how print(r)"
  has "$tmp/p" "  år  kommunenr.  kommune                innbyggere     likt  avrunding      sum   avvik  avregning  faktura  forfall     betales til" "$how print(r)"
  has "$tmp/p" "2024  1832        Hemnes                      4 459  150 000          0  150 000             10 500  160 500  2024-01-31  Rana - Raane" "$how print(r)"
  has "$tmp/p" "2024  1834        Lurøy (kun avregning)                                                      10 500   10 500  2024-01-31  Rana - Raane" "$how print(r)"
  grep -q "^valg: avrunding: største rest; " "$tmp/p" || fail "$how print(r): the options line is not bokmål"
  # print(cs.compare(...))
  has "$tmp/p" "sammenligning av Grunnlag, Lurøy går ut (Regnskap)" "$how compare"
  has "$tmp/p" "  år  kommunenr.  kommune       Grunnlag  Lurøy går ut  endring kr  endring %  faktura Grunnlag  faktura Lurøy går ut  endring kr" "$how compare"
  has "$tmp/p" "2024  1832        Hemnes         100 000       150 000      50 000    +50,0 %           110 500               160 500      50 000" "$how compare"
  has "$tmp/p" "2024  1834        Lurøy          100 000       uttrådt    -100 000                      110 500                10 500    -100 000" "$how compare"
  has "$tmp/p" "                  sum            300 000       300 000           0     +0,0 %           331 500               331 500           0" "$how compare"
  # r:explain
  has "$tmp/p" "scenario Lurøy går ut: 1834 Lurøy, budsjettår 2023, Regnskap" "$how explain"
  has "$tmp/p" "  oppsagt 2022-03-01; oppsigelsestiden løper ut 2023-12-31: 2023 er siste år" "$how explain"
  has "$tmp/p" "  regnskap 2023: nettokostnad 331 500 mot budsjettets 300 000: andel etter regnskapet 110 500 kr, avvik +10 500 kr (avregnes på neste års faktura)" "$how explain"
  has "$tmp/p" "  forfall 2023-01-31; fakturert av Rana" "$how explain"
done
# --lang nb without --format: the scenario's prints first, then the table
"$coopsim" run $file --lang nb >"$tmp/out" 2>"$tmp/err" || fail "--lang nb: $(cat "$tmp/err")"
end=$(grep -n '^== end$' "$tmp/out" | cut -d: -f1)
table=$(grep -n '^Grunnlag: Regnskap, 2023-2024$' "$tmp/out" | cut -d: -f1)
[ -n "$end" ] && [ -n "$table" ] && [ "$end" -lt "$table" ] || fail "--lang nb: the prints are not before the table"

# --- English: no flag, --lang en over COOPSIM_LANG=nb ------------------------
for how in none en; do
  if [ $how = none ]; then
    env -u COOPSIM_LANG "$coopsim" run $file >"$tmp/out" 2>"$tmp/err" || fail "no language: $(cat "$tmp/err")"
  else
    COOPSIM_LANG=nb "$coopsim" run $file --lang en >"$tmp/out" 2>"$tmp/err" || fail "--lang en: $(cat "$tmp/err")"
  fi
  head -1 "$tmp/out" | grep -qx "SESSION en" || fail "$how: r:explain without lang is not English: $(head -1 "$tmp/out")"
  prints "$tmp/out" >"$tmp/p"
  has "$tmp/p" "year  code  member                 population   equal    total  difference  settlement  invoice  due         payee" "$how print(r)"
  grep -q "^options: rounding=largest_remainder " "$tmp/p" || fail "$how print(r): the options line is not English"
  has "$tmp/p" "comparison of Grunnlag, Lurøy går ut (Regnskap)" "$how compare"
  has "$tmp/p" "2024  1832        Hemnes         100 000       150 000   50 000  +50.0 %           110 500               160 500   50 000" "$how compare"
  has "$tmp/p" "2024  1834        Lurøy          100 000     withdrawn  -100 000                    110 500                10 500  -100 000" "$how compare"
  has "$tmp/p" "scenario Lurøy går ut: 1834 Lurøy, budget year 2023, Regnskap" "$how explain"
  has "$tmp/p" "  due 2023-01-31; invoiced by Rana" "$how explain"
done

# --- an unknown COOPSIM_LANG: an error naming it and the line ----------------
COOPSIM_LANG=sv "$coopsim" run $file >"$tmp/out" 2>"$tmp/err" && fail "COOPSIM_LANG=sv was taken"
grep -q 'print_lang.lua:[0-9]*: .*COOPSIM_LANG="sv": unknown language (en, nb)' "$tmp/err" ||
  fail "COOPSIM_LANG=sv: $(cat "$tmp/err")"
echo "print_lang: all checks passed"
