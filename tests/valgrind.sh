#!/bin/sh
# The unit tests and a few scenario runs under valgrind (memcheck):
#   sh tests/valgrind.sh BUILD_DIR
# BUILD_DIR is a build without sanitizers (valgrind and ASan do not mix),
# with the cmocka tests (`make valgrind` makes build-valgrind). Any memory
# error, or a leak valgrind calls definite, fails the run; the children that
# `coopsim test -j` forks are followed too.
set -u
if [ $# -ne 1 ]; then
  echo "usage: sh $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
src=$(cd "$(dirname "$0")/.." && pwd)
# Errors are marked in the log, because a forked worker's errors do not
# reach the exit status of the command that forked it.
vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --trace-children=yes
    --error-markers=VALGRIND-ERROR-BEGIN,VALGRIND-ERROR-END --suppressions=$src/tests/valgrind.supp"
status=0
failed=""

# check NAME ok|fails COMMAND...: the command under valgrind must exit 0 (ok)
# or with an error of its own (fails); 99 is valgrind's exit code
check() {
  name=$1
  want=$2
  shift 2
  printf '%s ... ' "$name"
  $vg "$@" >"$build/valgrind-$name.log" 2>&1
  rc=$?
  if [ $rc = 99 ] || grep -q VALGRIND-ERROR-BEGIN "$build/valgrind-$name.log"; then
    echo "memory errors (see $build/valgrind-$name.log)"
    failed="$failed $name"
    status=1
  elif [ $want = fails ] && [ $rc = 0 ]; then
    echo "succeeded but should fail (see $build/valgrind-$name.log)"
    failed="$failed $name"
    status=1
  elif [ $want = ok ] && [ $rc != 0 ]; then
    echo "failed with exit code $rc (see $build/valgrind-$name.log)"
    failed="$failed $name"
    status=1
  else
    echo ok
  fi
}

for t in "$build"/test_*; do
  [ -x "$t" ] || continue
  case $(basename "$t") in
    # forks and kills a writer at each of its 107 steps: hours under valgrind
    test_rundb_kill) echo "$(basename "$t") ... skipped (too slow)"; continue ;;
    # valgrind does not emulate seccomp: the filter cannot be installed there
    test_confine) echo "$(basename "$t") ... skipped (no seccomp under valgrind)"; continue ;;
  esac
  check "$(basename "$t")" ok "$t"
done
cd "$src" || exit 2
# a sandboxed worker refuses to run where seccomp cannot be installed (as
# under valgrind): these run in the process, with the same code for the rest
check run_helgeland ok "$build/coopsim" run --trusted scenarios/helgeland.lua
check test_scenarios ok "$build/coopsim" test --trusted -j 2 scenarios
check data_show ok "$build/coopsim" data show Rana
# errors: a Lua error raised in a binding, and linter errors after the runs
check lua_error fails "$build/coopsim" -e "coopsim.municipality('Rnaa')"
check lint_strict fails "$build/coopsim" run --strict tests/lint/lint.lua

if [ $status = 0 ]; then echo "valgrind: clean"; else echo "valgrind: problems in:$failed"; fi
exit $status
