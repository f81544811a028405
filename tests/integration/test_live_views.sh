#!/usr/bin/env bash
# radioctl spectrum, meters and watch: plain lines (and JSON lines) when the
# output is not a terminal, stopping by themselves after --count updates or
# --duration seconds; on a real terminal (tmux) one view redrawn in place,
# which Ctrl-C ends with exit 0 and the cursor shown again.
. "$(dirname "$0")/lib.sh"

start_jackd 48000 512
start_radiod
check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
wait_until 5 sh -c "\"$RADIOCTL\" --json stats | jq -e '.meters.channel[0].peak_dbfs > -30'" ||
	bail "the injected sine never reached the meters"

# --- plain lines
"$RADIOCTL" meters --count 3 --interval 50 >"$T_DIR/meters.txt"
rc=$?
check "meters --count 3 exits 0" test "$rc" -eq 0
check "meters --count 3 prints 3 lines" test "$(wc -l <"$T_DIR/meters.txt")" -eq 3
peak=$(tail -n 1 "$T_DIR/meters.txt" | sed -n 's/.* ch1 peak=\([^ ]*\) .*/\1/p')
diag "meters: $(tail -n 1 "$T_DIR/meters.txt")"
check "a meters line gives ch1's peak of the -20 dBFS sine" within "$peak" -20 0.1
check "and every channel's peak, RMS and clipped count" \
	grep -q ' ch2 peak=-20.0 rms=-[0-9.]* clipped=0$' "$T_DIR/meters.txt"

"$RADIOCTL" spectrum --count 2 --interval 50 >"$T_DIR/spectrum.txt"
check "spectrum --count 2: a header naming the bands, then 2 lines" \
	test "$(grep -c '^#.*20 25 31.5 .* 1k .* 20k Hz$' "$T_DIR/spectrum.txt")" -eq 1
check "each line holds the time and the 31 band levels" \
	test "$(awk '!/^#/ && NF == 32' "$T_DIR/spectrum.txt" | wc -l)" -eq 2
loud=$(awk '!/^#/ { m = 2; for (i = 3; i <= NF; i++) if ($i > $m) m = i; print m - 1 }' \
	"$T_DIR/spectrum.txt" | tail -n 1)
check "the loudest band is the 18th, 1 kHz" test "$loud" -eq 18

"$RADIOCTL" --json spectrum --count 2 --interval 50 >"$T_DIR/spectrum.json"
check "--json: one document per update" test "$(jq -c . "$T_DIR/spectrum.json" | wc -l)" -eq 2
centre=$(tail -n 1 "$T_DIR/spectrum.json" |
	jq '[.band_db, .centre_hz] | transpose | max_by(.[0]) | .[1]')
check "the JSON's loudest band is centred on 1000 Hz" within "$centre" 1000 0.5

check "spectrum without a terminal prints the bands once" \
	sh -c "\"$RADIOCTL\" spectrum | awk 'NR > 1' | wc -l | grep -qx 31"

"$RADIOCTL" watch --count 2 --interval 200 >"$T_DIR/watch.txt"
diag "watch: $(tail -n 1 "$T_DIR/watch.txt")"
check "watch --count 2 prints 2 lines" test "$(wc -l <"$T_DIR/watch.txt")" -eq 2
for key in rate_hz=48000 period=512 'callbacks=[0-9]' 'xruns=[0-9]' 'dsp_load_pct=' \
	'budget_p99_pct=' 'jitter_us=[-0-9.]*/[-0-9.]*/[-0-9.]*/[-0-9.]*' 'processing_us=' \
	'wakeup_us='; do
	check "a watch line has $key" grep -q " $key" "$T_DIR/watch.txt"
done
c1=$(sed -n '1s/.* callbacks=\([0-9]*\).*/\1/p' "$T_DIR/watch.txt")
c2=$(sed -n '2s/.* callbacks=\([0-9]*\).*/\1/p' "$T_DIR/watch.txt")
check "the counters move between updates ($c1 -> $c2)" test "$c2" -gt "$c1"

start=$SECONDS
"$RADIOCTL" meters --duration 0.5 >/dev/null
rc=$?
check "--duration 0.5 ends by itself with exit 0" test "$rc" -eq 0
check "within 3 s" test $((SECONDS - start)) -le 3
"$RADIOCTL" watch --interval 5 >/dev/null 2>&1
rc=$?
check "an interval below 20 ms is a usage error (exit 2)" test "$rc" -eq 2

# --- a real terminal: tmux, on its own socket, killed by PID at the end.
# Each view runs under bash, which tells the exit status afterwards: bash
# goes on after a child that survived Ctrl-C and quits with one it killed.
TMUX_SOCK=$T_DIR/tmux.sock
tmx() { tmux -S "$TMUX_SOCK" "$@"; }
if ! tmx -f /dev/null new-session -d -s live -x 100 -y 40 "sleep 600"; then
	bail "tmux cannot start a server"
fi
T_PIDS+=("$(tmx display -p -t live '#{pid}')")
tmx set-option -g default-shell /bin/bash

# run_in_pane VIEW: `radioctl VIEW` in a fresh window named VIEW, which says
# EXIT=status when it ends; what reaches the terminal is kept in VIEW.raw.
run_in_pane() {
	tmx new-window -d -t live -n "$1" \
		"env RADIOD_SOCKET='$SOCK' '$RADIOCTL' $1; echo EXIT=\$?; sleep 600"
	tmx pipe-pane -t "live:$1" -o "cat >'$T_DIR/$1.raw'"
}
pane() { tmx capture-pane -p -t "live:$1"; }
shows() { pane "$1" | grep -q "$2"; } # VIEW REGEX
ended() { shows "$1" 'EXIT=[0-9]*$'; }
exit_status() { pane "$1" | sed -n 's/.*EXIT=\([0-9]*\)$/\1/p'; }
# The last thing radioctl wrote, right before bash's EXIT=, is the escape
# that shows the cursor again.
cursor_shown() { tr -d '\r\n' <"$T_DIR/$1.raw" | grep -q $'\e\\[?25hEXIT='; }
cursor_hidden() { test "$(tmx display -p -t "live:$1" '#{cursor_flag}')" = 0; }

run_in_pane spectrum
wait_until 10 shows spectrum '31.5  63' || not_ok "the spectrum view appears in the terminal"
pane spectrum >"$T_DIR/spectrum.screen"
diag "$(sed -n '1p;$p' "$T_DIR/spectrum.screen")"
check "the view has its title at the top" sh -c "head -n 1 '$T_DIR/spectrum.screen' | grep -q '^radiod spectrum'"
check "a dB axis from 0 down" grep -q '^   0 |' "$T_DIR/spectrum.screen"
check "bars" grep -q '#' "$T_DIR/spectrum.screen"
check "the octaves' labels" grep -q '31.5  63    125   250   500   1k    2k    4k    8k    16k' \
	"$T_DIR/spectrum.screen"
check "the title appears once: redrawn in place, not scrolled" \
	test "$(grep -c '^radiod spectrum' "$T_DIR/spectrum.screen")" -eq 1
check "the cursor is hidden while it runs" cursor_hidden spectrum
tmx send-keys -t live:spectrum C-c
wait_until 5 ended spectrum
check "Ctrl-C ends the view" ended spectrum
check "with exit 0" test "$(exit_status spectrum)" = 0
check "and the cursor is shown again" cursor_shown spectrum

run_in_pane watch
wait_until 10 shows watch '^wakeup' || not_ok "the watch view appears in the terminal"
elapsed() { pane watch | sed -n 's/^elapsed *\([0-9.]*\) s.*/\1/p'; }
e1=$(elapsed)
moved() { [ "$(elapsed)" != "$e1" ]; }
wait_until 5 moved
pane watch >"$T_DIR/watch2.screen"
e2=$(elapsed)
diag "watch view:"
while IFS= read -r l; do diag "  $l"; done < <(sed '/^$/d' "$T_DIR/watch2.screen")
check "the watch table refreshes in place (elapsed $e1 -> $e2 s)" at_least "$e2" "$e1"
check "... and moved" test "$e1" != "$e2"
check "it shows one row per timing histogram" \
	test "$(grep -cE '^(jitter|processing|wakeup) +[0-9]+ ' "$T_DIR/watch2.screen")" -eq 3
check "with rate, period, xruns, DSP load and budget" \
	sh -c "grep -q 'rate / period *48000 Hz / 512 frames' '$T_DIR/watch2.screen' &&
	       grep -q '^xruns' '$T_DIR/watch2.screen' &&
	       grep -q '^DSP load.*budget p99 / max' '$T_DIR/watch2.screen'"
tmx send-keys -t live:watch C-c
wait_until 5 ended watch
check "Ctrl-C ends watch with exit 0" test "$(exit_status watch)" = 0
check "and the cursor is shown again" cursor_shown watch

run_in_pane meters
wait_until 10 shows meters '^ch2' || not_ok "the meters view appears in the terminal"
check "a meter bar per channel, at the sine's peak" shows meters '^ch1 *\[#*[.|!]*\]  peak  -20.0'
check "... for each channel" shows meters '^ch2 *\[#*[.|!]*\]  peak  -20.0'
tmx send-keys -t live:meters C-c
wait_until 5 ended meters
check "Ctrl-C ends meters with exit 0" test "$(exit_status meters)" = 0
tmx kill-server
finish
