#!/usr/bin/env bash
# What radiod tells systemd, seen on a stand-in NOTIFY_SOCKET
# (tests/notify_listen), with WATCHDOG_USEC=400000 and WATCHDOG_PID set to
# radiod's pid: READY=1 with a STATUS= line once audio runs; WATCHDOG=1
# every 200 ms while JACK's real-time thread runs; no WATCHDOG=1 while the
# thread stalls (jackd stopped with SIGSTOP, radiod still a member), again
# once it continues; fed while JACK is away and radiod retries (the
# decision in daemon/service.h); STATUS= follows; STOPPING=1 at the end.
# The stall is reported and so is its end: STATUS= says stalled, the log
# has a warning with how long no block came and an info line with how long
# the stall lasted; GetInfo and GetStats have no state of their own for it
# (radiod is still a member of the graph: STATE_RUNNING), and there it
# shows as a callback count that stands still, and counts on once jackd
# continues.
. "$(dirname "$0")/lib.sh"

NOTIFY_LISTEN=${NOTIFY_LISTEN:-$top_builddir/tests/notify_listen}
NOTIFY=$T_DIR/notify
INTERVAL_MS=200	# half of WATCHDOG_USEC
STOPPED=

cont_jackd() { [ -n "$STOPPED" ] && kill -CONT "$JACKD_PID" 2>/dev/null; STOPPED=; }
trap 'cont_jackd; cleanup' EXIT

notes() { grep -c " $1" "$T_DIR/notify.log"; }
more_notes_than() { test "$(notes "$1")" -gt "$2"; }
seen() { grep -q " $1" "$T_DIR/notify.log"; }
callbacks() { "$RADIOCTL" --timeout 1000 --json stats | jq -e .callbacks; }
callbacks_above() { test "$(callbacks)" -gt "$1"; }
state() { "$RADIOCTL" --timeout 1000 --json info | jq -r .state; }
# Seconds between consecutive WATCHDOG=1 after line number $1 of the log.
ping_gaps() {
	tail -n +"$1" "$T_DIR/notify.log" | awk '/ WATCHDOG=1$/ { if (p) print $1 - p; p = $1 }'
}

start_jackd 48000 512
"$NOTIFY_LISTEN" -t 120 "$NOTIFY" >"$T_DIR/notify.log" 2>&1 &
T_PIDS+=("$!")
wait_until 5 test -S "$NOTIFY" || bail "notify_listen did not bind $NOTIFY"

mkdir -p "$T_DIR/state"
# exec keeps the shell's pid, so WATCHDOG_PID names radiod itself.
NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=400000 bash -c 'export WATCHDOG_PID=$$; exec "$@"' radiod \
	"$RADIOD" -f -n "$JACK_SERVER" -s "$SOCK" -S "$T_DIR/state" >"$T_DIR/radiod.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
wait_until 15 "$RADIOCTL" --timeout 1000 info || bail "radiod did not answer on $SOCK within 15 s"

if wait_until 5 seen READY=1; then ok "READY=1 is sent"; else not_ok "READY=1 is sent"; fi
check "READY=1 comes from radiod's pid" grep -q "pid=$RADIOD_PID READY=1" "$T_DIR/notify.log"
check "with a STATUS= line giving state, rate, period and xruns" \
	grep -Eq " STATUS=running: JACK server '$JACK_SERVER', 48000 Hz, 512 frames/period, 2 channels, [0-9]+ xruns" \
	"$T_DIR/notify.log"
check "READY=1 follows the engine joining (radiod's log)" grep -q "joined server" "$T_DIR/radiod.log"

# Running: a ping every 200 ms.
from=$(($(wc -l <"$T_DIR/notify.log") + 1))
n0=$(notes WATCHDOG=1)
check "WATCHDOG=1 keeps coming while audio runs" wait_until 5 more_notes_than WATCHDOG=1 $((n0 + 8))
gaps=$(ping_gaps "$from")
mean=$(echo "$gaps" | awk '{ s += $1; n++ } END { if (n) printf "%.3f", s / n }')
max=$(echo "$gaps" | sort -g | tail -1)
diag "running: $(echo "$gaps" | wc -l) intervals between pings, mean $mean s, longest $max s"
check "the pings are $INTERVAL_MS ms apart on average (+-50 ms)" within "$mean" 0.2 0.05

# jackd stopped: the real-time thread stalls, the pings stop.
at_stop=$(wc -l <"$T_DIR/notify.log")
kill -STOP "$JACKD_PID"
STOPPED=1
t_stop=$(date +%s%N)
# A block in flight and one tick may still count: allow one interval.
sleep 0.3
n1=$(notes WATCHDOG=1)
t_ask=$(date +%s%N)
c1=$(callbacks)
ask_ms=$((($(date +%s%N) - t_ask) / 1000000))
# Absence is measured over a window: six intervals, far past one tick.
sleep 1.2
n2=$(notes WATCHDOG=1)
c2=$(callbacks)
diag "jackd stopped: $((n2 - n1)) pings in the 1.2 s window (six intervals)"
diag "jackd stopped: GetStats answered in $ask_ms ms; callbacks $c1, then $c2 after the window"
check "jackd stopped: no WATCHDOG=1 for six intervals" test "$n2" -eq "$n1"
check "jackd stopped: GetStats answers, and its callback count stands still" test "$c2" = "$c1"
check "jackd stopped: GetInfo still says running (radiod is a member of the graph)" \
	test "$(state)" = STATE_RUNNING
if wait_until 5 seen "STATUS=stalled: no audio block from JACK server '$JACK_SERVER'"; then
	ok "jackd stopped: STATUS= says the audio stalled"
	diag "STATUS=$(grep -m1 -o "STATUS=stalled.*" "$T_DIR/notify.log" | cut -d= -f2-)"
else
	not_ok "jackd stopped: STATUS= says the audio stalled"
fi
check "jackd stopped: radiod's log says the watchdog is no longer fed" \
	grep -q "no audio block for .*the systemd watchdog is no longer fed" "$T_DIR/radiod.log"
diag "radiod's log: $(grep -m1 "no audio block for" "$T_DIR/radiod.log")"

cont_jackd
stopped_ms=$((($(date +%s%N) - t_stop) / 1000000))
check "jackd continues: the pings resume" wait_until 5 more_notes_than WATCHDOG=1 $((n2 + 3))
longest=$(ping_gaps "$at_stop" | sort -g | tail -1)
diag "jackd was stopped for $stopped_ms ms; the longest gap between pings was $longest s"
check "jackd continues: radiod's log says audio runs again" \
	wait_until 5 grep -q "JACK processes audio again" "$T_DIR/radiod.log"
again=$(grep -m1 "JACK processes audio again" "$T_DIR/radiod.log")
stall_s=$(sed -n 's/.*again after \([0-9.]*\) s.*/\1/p' <<<"$again")
diag "radiod's log: $again"
# The stall is timed from the last block to the first one after it, to a
# status check (SERVICE_CHECK_MS, 250 ms): about as long as jackd was stopped.
check "jackd continues: the log gives the stall's length as jackd's stop (+-0.5 s)" \
	within "${stall_s:-none}" "$(awk -v m="$stopped_ms" 'BEGIN { print m / 1000 }')" 0.5
check "jackd continues: STATUS= says running again" \
	wait_until 5 sh -c "tail -n 5 '$T_DIR/notify.log' | grep -q ' STATUS=running'"
check "jackd continues: GetStats's callback count goes on" wait_until 5 callbacks_above $((c2 + 10))
check "jackd continues: GetInfo says running" test "$(state)" = STATE_RUNNING

# jackd gone: radiod is disconnected and retries - the watchdog stays fed.
stop_pid "$JACKD_PID" 5
if wait_until 5 seen "STATUS=disconnected: JACK server '$JACK_SERVER' is away, retrying"; then
	ok "jackd gone: STATUS= says disconnected, retrying"
else
	not_ok "jackd gone: STATUS= says disconnected, retrying"
fi
n3=$(notes WATCHDOG=1)
check "jackd gone: WATCHDOG=1 keeps coming while radiod retries" \
	wait_until 5 more_notes_than WATCHDOG=1 $((n3 + 5))
start_jackd 48000 512
check "jackd back: STATUS= says running" \
	wait_until 10 sh -c "tail -n 5 '$T_DIR/notify.log' | grep -q ' STATUS=running'"
check "READY=1 was sent only once" test "$(notes READY=1)" -eq 1

kill -TERM "$RADIOD_PID"
wait "$RADIOD_PID"
rc=$?
check "SIGTERM: radiod exits 0" test "$rc" -eq 0
check "SIGTERM: STOPPING=1 is sent" seen STOPPING=1
check "no sanitizer report from radiod" sh -c "! grep -q Sanitizer '$T_DIR/radiod.log'"
RADIOD_PID=
finish
