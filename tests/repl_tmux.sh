#!/bin/sh
# The REPL in a real terminal: tmux types, completes and reads the screen.
# Usage: repl_tmux.sh COOPSIM_BINARY SOURCE_DIR. Exit 77 (skipped) without tmux.
set -u
bin=$1
src=$2
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
home=$(mktemp -d)
sock="coopsim-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$home"' EXIT
cd "$src" || exit 1
tmux -L "$sock" new-session -d -x 160 -y 50 "env HOME=$home ASAN_OPTIONS=detect_leaks=0 $bin repl"
screen() { tmux -L "$sock" capture-pane -p -S -200; }
# wait_for TEXT: polls the screen until TEXT shows. The deadline is only a
# guard against a hang (a busy machine must not fail the test), so it is
# long: each wait returns as soon as the text is there.
wait_for() {
  i=0
  while [ $i -lt 3000 ]; do
    screen | grep -F -q -- "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  echo "not on the screen after 300 s: $1"; screen; exit 1
}
type_line() { tmux -L "$sock" send-keys -l -- "$1"; tmux -L "$sock" send-keys Enter; }
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
type_line 'dofile("scenarios/helgeland.lua")'
wait_for "212 565"
type_line 'r = cs.scenario("x", { cs.cooperation { name = "T", members = { "Rana", "Vefsn" }, base_year = 2023, costs = { { name = "D", amount = 100 } }, key = cs.keys.equal() } }):run { from = 2023 }'
type_line '"share: " .. r:share("Rana", 2023)'
wait_for "share: 50"
type_line '.help'
wait_for "cs.compare"
# Ctrl-C interrupts a long run and returns to the prompt: sent once the loop
# says it runs (sent earlier, it would reach readline, not the loop)
type_line 'print("looping " .. 6 * 7) while true do end'
wait_for "looping 42"
tmux -L "$sock" send-keys C-c
wait_for "interrupted!"
type_line '"still here: " .. 6 * 7'
wait_for "still here: 42"
echo "REPL in tmux: ok"
exit 0
