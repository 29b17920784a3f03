#!/bin/sh
# data/ is what coopsim's importer makes of SSB's raw files (shared/data, beside
# the clone), byte for byte; and SSB's raw StatBank exports in every encoding
# and separator give the same figures. Exit 77 (skipped) without shared/.
set -eu
bin=$1
src=$2
raw="$src/../shared/data/raw"
[ -d "$raw" ] || { echo "no $raw: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
k="$raw/ssb_klass131_kommuneendringer"
p="$raw/ssb_07459_csdata"
"$bin" data import --data-dir "$tmp" "$k"/Kommuneinndeling_*.json "$k/changetables.json" \
  "$p/kommune_folkemengde_1jan_2015_2026.csv"
for f in municipalities.csv population.csv changes.csv split_fractions.csv; do
  cmp "$tmp/$f" "$src/data/$f" || { echo "data/$f differs from the importer's output"; exit 1; }
done
for f in "$p"/Personer*.csv; do
  out=$("$bin" data import --data-dir "$tmp" "$f")
  echo "$(basename "$f"): $out"
  echo "$out" | grep -q "population 0 rows added, 0 changed" || { echo "$f changes the registry"; exit 1; }
done
echo "data/ reproduced from SSB's files"
