#!/bin/sh
# Every report of every shipped scenario, in every format and language, kept
# in a folder (snap) or compared with such a folder (check): a change to the
# report writers that must leave existing outputs alone is checked with
#   same_outputs.sh snap build/coopsim /tmp/before      (on the old tree)
#   same_outputs.sh check build/coopsim /tmp/before     (on the new tree)
# Workbooks are compared part by part (the zip's XML), without the time of
# writing in docProps/core.xml.
# usage: same_outputs.sh snap|check COOPSIM DIR [SCENARIO ...]
set -eu
mode=$1
bin=$2
dir=$3
shift 3
[ $# -gt 0 ] || set -- scenarios/*.lua tests/reports/names.lua
case $mode in snap) mkdir -p "$dir" ;; check) [ -d "$dir" ] || { echo "no snapshot in $dir"; exit 1; } ;; *) echo "snap or check"; exit 2 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
differ=0
checked=0
for scen in "$@"; do
  base=$(echo "$scen" | tr '/' '_')
  for lang in en nb; do
    for f in table csv csv-nb json md html xlsx; do
      name="$base.$lang.$f"
      if [ "$f" = xlsx ]; then
        "$bin" run "$scen" --format xlsx --lang "$lang" --out "$work/$name.xlsx" >/dev/null 2>"$work/err" || true
        /usr/bin/python3 - "$work/$name.xlsx" "$work/$name" <<'PY'
import sys, zipfile
try:
    z = zipfile.ZipFile(sys.argv[1])
except Exception as e:
    open(sys.argv[2], "w").write(f"no workbook: {e}\n"); sys.exit(0)
with open(sys.argv[2], "wb") as out:
    for n in sorted(z.namelist()):
        if n == "docProps/core.xml":
            continue
        out.write(f"== {n}\n".encode()); out.write(z.read(n)); out.write(b"\n")
PY
      else
        "$bin" run "$scen" --format "$f" --lang "$lang" >"$work/$name" 2>"$work/err" || true
      fi
      sed "s|$work|WORK|g" "$work/err" >>"$work/$name"
      if [ "$mode" = snap ]; then
        cp "$work/$name" "$dir/$name"
      elif [ -f "$dir/$name" ]; then
        checked=$((checked + 1))
        if ! cmp -s "$work/$name" "$dir/$name"; then
          echo "differs: $scen --format $f --lang $lang"
          differ=$((differ + 1))
        fi
      fi
    done
  done
done
if [ "$mode" = check ]; then
  echo "$checked outputs compared, $differ differ"
  [ "$differ" -eq 0 ]
fi
