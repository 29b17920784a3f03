#!/bin/sh
# The libraries coopsim opens only when a command needs them (SQLite,
# jansson, readline, libdeflate, nettle): the binary is not linked to them, and
# when one cannot be loaded the command that needs it fails with a message
# naming the library and its Debian package, changing nothing, while a run
# that does not need it works.
# Usage: lazy_libs.sh COOPSIM_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "lazy_libs: FAIL: $*"; exit 1; }

# not linked: an empty run maps none of them
needed=$(readelf -d "$bin" | awk '/NEEDED/ { print $NF }')
for lib in sqlite readline tinfo jansson nettle seccomp deflate xlsxwriter; do
  case $needed in *$lib*) fail "the binary is linked to $lib: $needed" ;; esac
done

# files that are not libraries, found first under the sonames
mkdir "$tmp/lib"
for so in libsqlite3.so.0 libjansson.so.4 libreadline.so.8 libdeflate.so.0; do
  printf 'not a library' > "$tmp/lib/$so"
done
broken() { LD_LIBRARY_PATH="$tmp/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$@"; }

# a run that needs none of them works
out=$(broken "$bin" run "$src/scenarios/helgeland.lua" --format csv 2>/dev/null) || fail "a plain run failed"
[ "$out" = "$(cat "$src/scenarios/helgeland.expected.csv")" ] || fail "a plain run's report differs"

# SQLite: a store, a registry database
broken "$bin" run "$src/scenarios/helgeland.lua" --db "$tmp/runs.db" > /dev/null 2> "$tmp/err" && fail "--db without SQLite succeeded"
grep -q "runs.db: cannot open the database: SQLite (libsqlite3.so.0, Debian package libsqlite3-0) cannot be loaded" "$tmp/err" ||
  fail "--db without SQLite: $(cat "$tmp/err")"
[ -e "$tmp/runs.db" ] && fail "--db without SQLite made a file"
broken "$bin" runs list --db "$tmp/runs.db" > /dev/null 2> "$tmp/err" && fail "runs list without SQLite succeeded"
grep -q "SQLite (libsqlite3.so.0, Debian package libsqlite3-0) cannot be loaded" "$tmp/err" || fail "runs list: $(cat "$tmp/err")"
broken "$bin" --registry-db "$tmp/reg.db" -e 'print(1)' > /dev/null 2> "$tmp/err" && fail "--registry-db without SQLite succeeded"
grep -q "SQLite (libsqlite3.so.0, Debian package libsqlite3-0) cannot be loaded" "$tmp/err" || fail "--registry-db: $(cat "$tmp/err")"
# with the library, the same store works
"$bin" run "$src/scenarios/helgeland.lua" --db "$tmp/runs.db" > /dev/null 2>&1 || fail "--db with SQLite failed"
"$bin" runs list --db "$tmp/runs.db" | grep -q helgeland.lua || fail "the stored run is not listed"

# nettle: a store opened for writing needs its digests; known before a file is made
mkdir "$tmp/nettle"
printf 'not a library' > "$tmp/nettle/libnettle.so.8"
LD_LIBRARY_PATH="$tmp/nettle${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin" run "$src/scenarios/helgeland.lua" \
  --db "$tmp/n.db" > /dev/null 2> "$tmp/err" && fail "--db without nettle succeeded"
grep -q "n.db: cannot compute a SHA-256: nettle (libnettle.so.8, Debian package libnettle8) cannot be loaded" "$tmp/err" ||
  fail "--db without nettle: $(cat "$tmp/err")"
[ -e "$tmp/n.db" ] && fail "--db without nettle made a file"

# jansson: importing a KLASS file
echo '{"classificationItems": []}' > "$tmp/klass.json"
mkdir "$tmp/data"
broken "$bin" data import --data-dir "$tmp/data" "$tmp/klass.json" > /dev/null 2> "$tmp/err" && fail "import without jansson succeeded"
grep -q "jansson (libjansson.so.4, Debian package libjansson4) cannot be loaded" "$tmp/err" || fail "import: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/data")" ] || fail "import without jansson wrote $(ls "$tmp/data")"

# libdeflate: a workbook (coopsim writes its own OOXML; the archive's deflate is libdeflate's)
broken "$bin" run "$src/scenarios/helgeland.lua" --out "$tmp/r.xlsx" > /dev/null 2> "$tmp/err" && fail "a workbook without libdeflate succeeded"
grep -q "r.xlsx: cannot write the workbook: libdeflate (libdeflate.so.0, Debian package libdeflate0) cannot be loaded" "$tmp/err" || fail "workbook: $(cat "$tmp/err")"
[ -e "$tmp/r.xlsx" ] && fail "a workbook without libdeflate was written"

# readline: the interactive REPL (a terminal from script(1)); piped input needs none
echo 'print("piped " .. 6 * 7)' | broken "$bin" 2>&1 | grep -q "piped 42" || fail "the REPL on a pipe needed readline"
if command -v script > /dev/null 2>&1; then
  LD_LIBRARY_PATH="$tmp/lib" script -qec "$bin repl" /dev/null < /dev/null > "$tmp/out" 2>&1
  grep -q "the REPL cannot start: GNU readline (libreadline.so.8, Debian package libreadline8) cannot be loaded" "$tmp/out" ||
    fail "the REPL without readline: $(cat "$tmp/out")"
else
  echo "lazy_libs: script(1) not installed: the REPL's message is not checked"
fi
echo "lazy_libs: all checks passed"
