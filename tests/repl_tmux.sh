#!/bin/sh
# The REPL in a real terminal: tmux types, completes and reads the screen.
# Every step waits for what the REPL printed, never for a time: the waits'
# limits (60 s) only end a test that has already failed.
# Usage: repl_tmux.sh COOPSIM_BINARY SOURCE_DIR. Exit 77 (skipped) without tmux.
set -u
bin=$1
src=$2
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
home=$(mktemp -d)
sock="coopsim-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; tmux -L "$sock-2" kill-server 2>/dev/null; rm -rf "$home"' EXIT
cd "$src" || exit 1
start() { tmux -L "$sock" new-session -d -x 160 -y 50 "env HOME=$home ASAN_OPTIONS=detect_leaks=0 $bin repl; echo REPL-ENDED; sleep 600" || fail "tmux could not start a session"; }
screen() { tmux -L "$sock" capture-pane -p -S -300; }
fail() { echo "FAIL: $1"; screen; exit 1; }
# wait_for TEXT: polls the screen until TEXT shows. The deadline is only a
# guard against a hang (a busy machine must not fail the test), so it is
# long: each wait returns as soon as the text is there.
wait_for() {
  i=0
  while [ $i -lt 3000 ]; do
    screen | grep -F -q -- "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  fail "not on the screen: $1"
}
type_line() { tmux -L "$sock" send-keys -l -- "$1"; tmux -L "$sock" send-keys Enter; }
start
wait_for "coopsim>"
# completion of the API: cs.keys.sp<Tab> -> cs.keys.split(
tmux -L "$sock" send-keys -l -- 'cs.keys.sp'; tmux -L "$sock" send-keys Tab
wait_for "cs.keys.split("
tmux -L "$sock" send-keys C-u
# completion of a municipality name inside a string
tmux -L "$sock" send-keys -l -- 'cs.municipality("Hattf'; tmux -L "$sock" send-keys Tab
wait_for 'cs.municipality("Hattfjelldal"'
tmux -L "$sock" send-keys -l -- ').code'; tmux -L "$sock" send-keys Enter
wait_for '"1826"'
# multi-line input, an error that does not end the session, then a result
type_line 'for i = 1, 2 do'
type_line 'print("line " .. i)'
type_line 'end'
wait_for "line 2"
type_line 'error("bo" .. "om!")'
wait_for "boom!"
# the multi-line chunk is in the history file already, as one entry (after its timestamp line)
grep -A2 '^#[0-9]' "$home/.coopsim_history" | grep -q -x 'for i = 1, 2 do' ||
  fail "the history file lacks the chunk: $(cat "$home/.coopsim_history")"
/usr/bin/python3 - "$home/.coopsim_history" <<'PY' || fail "the chunk is not one entry in the history file"
import re, sys
entries = re.split(r"^#\d+\n", open(sys.argv[1], encoding="utf-8").read(), flags=re.M)
sys.exit(0 if 'for i = 1, 2 do\nprint("line " .. i)\nend\n' in entries else 1)
PY
# Ctrl-C at the prompt clears the line; the session goes on. The terminal
# turns Ctrl-C into a signal at once and drops what the REPL has not read:
# it is sent once the REPL has shown the line
tmux -L "$sock" send-keys -l -- 'this would be a syntax error ('
wait_for 'coopsim> this would be a syntax error ('
tmux -L "$sock" send-keys C-c
wait_for 'this would be a syntax error (^C'
type_line '"after ctrl-c: " .. 6 * 7'
wait_for '"after ctrl-c: 42"'
screen | grep -q "unexpected symbol" && fail "the cleared line was run"
# Ctrl-C in an open chunk drops the chunk
type_line 'for i = 1, 2 do'
wait_for '>> '
tmux -L "$sock" send-keys C-c
wait_for '>> ^C'
type_line '"fresh " .. 1'
wait_for '"fresh 1"'
# a run made by a scenario file of one's own, kept in `runs`
type_line '.load --trusted scenarios/helgeland.lua'
wait_for 'loaded scenarios/helgeland.lua: 4 runs in `runs`: [1] Baseline, [2] Grant continues'
type_line 'runs[1]:share("Brønnøy", 2023) + 0, runs["Vefsn withdraws"]:share("Vefsn", 2025), #runs'
wait_for '69473'
screen | grep -F '69473' | grep -q 'nil' || fail "runs[\"Vefsn withdraws\"] does not hold the run"
type_line 'r = cs.scenario("x", { cs.cooperation { name = "T", members = { "Rana", "Vefsn" }, base_year = 2023, costs = { { name = "D", amount = 100 } }, key = cs.keys.equal() } }):run { from = 2023 }'
type_line 'r:share("Rana", 2023) * 11'
wait_for "550"
type_line '.help'
wait_for ".load --trusted"
# Ctrl-C interrupts a long run (sent once the run has said it started) and returns to the prompt
type_line 'print("looping " .. 6 * 7) while true do end'
wait_for "looping 42"
tmux -L "$sock" send-keys C-c
wait_for "interrupted!"
type_line '"still here: " .. 6 * 7'
wait_for "still here: 42"
# Ctrl-D ends the session; a new one brings the chunk back from the history as one entry
# (on a server of its own: a server told to exit may still hold its socket)
tmux -L "$sock" send-keys C-d
wait_for "REPL-ENDED"
tmux -L "$sock" kill-server 2>/dev/null
sock="$sock-2"
start
wait_for "coopsim>"
# reverse search finds the whole chunk: Enter runs all three lines
tmux -L "$sock" send-keys C-r
tmux -L "$sock" send-keys -l -- 'for i = 1'
wait_for "(reverse-i-search)\`for i = 1'"
tmux -L "$sock" send-keys Enter
wait_for "line 2"
screen | grep -q '^>> ' && fail "the chunk came back as a single line"
echo "REPL in tmux: ok"
exit 0
