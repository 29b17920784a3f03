#!/bin/sh
# Runs coopsim's libFuzzer harnesses one after another:
#   sh tests/fuzz/run.sh [--fresh] BUILD_DIR SECONDS [NAME...]
# BUILD_DIR is a build configured with -DCOOPSIM_FUZZ=ON (the harnesses are in
# BUILD_DIR/tests/fuzz). Each harness starts from its committed seeds in
# tests/fuzz/corpus/NAME (for scenario also scenarios/*.lua; both only read)
# and keeps the inputs it finds in
# BUILD_DIR/fuzz-corpus/NAME (with --fresh: BUILD_DIR/fuzz-ctest/NAME, emptied
# first, for the short runs of `make test`, which try a fixed number of inputs
# from a fixed seed and ignore SECONDS). A crash, leak, sanitizer report or
# timeout is saved in BUILD_DIR/fuzz-artifacts/ and the script exits non-zero
# after the remaining harnesses have run.
set -u
fresh=0
if [ "${1:-}" = --fresh ]; then fresh=1; shift; fi
if [ $# -lt 2 ]; then
  echo "usage: sh $0 [--fresh] BUILD_DIR SECONDS [NAME...]" >&2
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=${*:-"ssb registry numbers doc wire scenario table"}

# per harness: the largest input worth trying and the time one input may take
options() {
  case $1 in
    ssb) echo "-max_len=8192 -timeout=10 -dict=$here/ssb.dict" ;;
    registry) echo "-max_len=8192 -timeout=10 -dict=$here/registry.dict" ;;
    numbers) echo "-max_len=1024 -timeout=5" ;;
    table) echo "-max_len=8192 -timeout=10 -dict=$here/table.dict" ;;
    doc) echo "-max_len=16384 -timeout=10 -dict=$here/doc.dict" ;;
    wire) echo "-max_len=16384 -timeout=10" ;;
    # print() output is not wanted (-close_fd_mask=1 closes stdout); a seed
    # scenario runs for seconds under the sanitizers
    scenario) echo "-max_len=16384 -timeout=60 -close_fd_mask=1 -dict=$here/scenario.dict" ;;
    *) echo "-max_len=4096 -timeout=10" ;;
  esac
}

# inputs per harness in a short run: about four seconds each under the
# sanitizers on the 2-core development machine
short_runs() {
  case $1 in
    numbers) echo 50000 ;;
    ssb | table) echo 40000 ;;
    registry) echo 30000 ;;
    doc) echo 25000 ;;
    wire) echo 10000 ;;
    scenario) echo 1000 ;;
    *) echo 10000 ;;
  esac
}

status=0
mkdir -p "$build/fuzz-artifacts"
for name in $names; do
  exe=$build/tests/fuzz/fuzz_$name
  if [ ! -x "$exe" ]; then
    echo "run.sh: $exe is not built" >&2
    status=1
    continue
  fi
  if [ $fresh = 1 ]; then
    work=$build/fuzz-ctest/$name
    rm -rf "$work"
  else
    work=$build/fuzz-corpus/$name
  fi
  mkdir -p "$work"
  if [ $fresh = 1 ]; then echo "== fuzz_$name: $(short_runs "$name") inputs from seed 1"; else echo "== fuzz_$name: $seconds s"; fi
  if [ "$name" = scenario ]; then
    # RELIABILITY item 7: 10^6 nested "(" (made here rather than committed)
    deep=$build/fuzz-artifacts/nested_parens_1e6.lua
    { printf 'return '; head -c 1000000 /dev/zero | tr '\0' '('; } >"$deep"
    if ! "$exe" -close_fd_mask=1 "$deep"; then
      echo "run.sh: fuzz_scenario failed on $deep" >&2
      status=1
    fi
  fi
  # the project's scenario files are seeds too, read where they are; the
  # short runs leave them out: they take seconds each under the sanitizers,
  # and the `scenarios` test already runs them under ASan+UBSan
  extra=
  if [ "$name" = scenario ] && [ $fresh = 0 ]; then extra=$here/../../scenarios; fi
  # the short runs of `make test` are the same every time: a fixed seed and a
  # number of inputs (a few seconds each here), never a time, so a busy
  # machine tries the same inputs as a quiet one and a run fails only for a
  # defect those inputs reach (a random seed made CI fail at random on a
  # latent defect); the long runs (make fuzz) take a new seed and a time
  if [ $fresh = 1 ]; then
    budget="-seed=1 -runs=$(short_runs "$name")"
  else
    budget="-max_total_time=$seconds"
  fi
  # one process (no -jobs: with it libFuzzer forks and logs to fuzz-N.log)
  # shellcheck disable=SC2046,SC2086 # options() is a list of words, $extra may be empty
  if ! "$exe" $(options "$name") $budget -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-artifacts/$name-" "$work" "$here/corpus/$name" $extra; then
    echo "run.sh: fuzz_$name failed; the input is in $build/fuzz-artifacts/" >&2
    status=1
  fi
done
exit $status
