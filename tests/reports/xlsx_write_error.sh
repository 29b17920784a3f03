#!/bin/sh
# A workbook that cannot be written whole: the file size limit (ulimit -f,
# SIGXFSZ ignored, so a write past it fails with EFBIG as on a full disk)
# lets the Helgeland workbook through but not the national one (about 6 MB).
# The error names the file and the system's reason; the workbook that was
# there is left as it was, and no temporary file is left beside it.
# usage: xlsx_write_error.sh COOPSIM SOURCE_DIR
set -u
bin=$1
src=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$src"
limited() { (ulimit -f 1024; "$@"); } # 512 KB; coopsim ignores SIGXFSZ itself (cli/main.c)
limited "$bin" run scenarios/helgeland.lua --out "$dir/book.xlsx" >/dev/null 2>"$dir/err" || { cat "$dir/err"; fail "the small workbook failed"; }
cp "$dir/book.xlsx" "$dir/before.xlsx"
limited "$bin" run bench/national.lua --out "$dir/book.xlsx" >/dev/null 2>"$dir/err" && fail "a workbook past the limit succeeded"
grep -q "book.xlsx: cannot write the workbook (File too large)" "$dir/err" || { cat "$dir/err"; fail "the error does not say what failed"; }
cmp -s "$dir/book.xlsx" "$dir/before.xlsx" || fail "the workbook that was there changed"
[ "$(ls -A "$dir" | sort | tr '\n' ' ')" = "before.xlsx book.xlsx err " ] || fail "left behind: $(ls -A "$dir")"
echo "ok: a workbook past the file size limit fails naming the file and the reason, and changes nothing"
