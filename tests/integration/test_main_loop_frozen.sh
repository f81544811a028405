#!/usr/bin/env bash
# radiod's control thread (the main thread, the libevent loop) frozen while
# its other threads - JACK's real-time thread, libjack's - run on: the
# thread is stopped with ptrace (tests/freeze_thread), no hook in the
# daemon.  With WATCHDOG_USEC=400000 on a stand-in NOTIFY_SOCKET
# (tests/notify_listen): WATCHDOG=1 comes up to the freeze, no WATCHDOG=1
# later than one watchdog interval (400 ms) after the freeze began, none
# for the rest of the freeze (five intervals at least), so systemd would
# restart a radiod whose control loop hangs.  Meanwhile the audio does not
# care: an injected -20 dBFS sine still comes out of radiod:out_1 at
# -20 dBFS (tests/jack_level, from outside) and the callbacks count on at
# JACK's rate.  After the release WATCHDOG=1 resumes within one interval,
# radiod answers radioctl again, has not taken its own pause for an audio
# stall, and stops with exit 0.
. "$(dirname "$0")/lib.sh"

FREEZE_THREAD=${FREEZE_THREAD:-$top_builddir/tests/freeze_thread}
NOTIFY_LISTEN=${NOTIFY_LISTEN:-$top_builddir/tests/notify_listen}
NOTIFY=$T_DIR/notify
WATCHDOG_USEC=400000
INTERVAL=0.4		# one watchdog interval, WATCHDOG_USEC in seconds
FREEZE_MIN_MS=2000	# the freeze lasts five intervals at least

scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
if [ "$(id -u)" -ne 0 ] && [ "$scope" -gt 0 ]; then
	echo "1..0 # SKIP not root and kernel.yama.ptrace_scope=$scope: ptrace cannot stop a thread of radiod"
	exit 0
fi
# ptrace can be refused for other reasons (a container without
# CAP_SYS_PTRACE, a seccomp filter): try it on a process of this test's own.
sleep 30 &
probe=$!
"$FREEZE_THREAD" -t 0.1 "$probe" >/dev/null 2>"$T_DIR/probe.err"
rc=$?
kill "$probe"
wait "$probe" 2>/dev/null
case $rc in
0) ;;
77)
	echo "1..0 # SKIP ptrace is not permitted here: $(head -1 "$T_DIR/probe.err")"
	exit 0
	;;
*) bail "freeze_thread cannot stop a sleep(1) of this test (exit $rc): $(head -1 "$T_DIR/probe.err")" ;;
esac

notes() { grep -c " $1" "$T_DIR/notify.log"; }
more_notes_than() { test "$(notes "$1")" -gt "$2"; }
seen() { grep -q " $1" "$T_DIR/notify.log"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# pings_in FROM TO: the stamps of the WATCHDOG=1 received in (FROM, TO].
pings_in() {
	awk -v f="$1" -v t="$2" '/ WATCHDOG=1$/ && $1 > f && $1 <= t { print $1 }' "$T_DIR/notify.log"
}
ping_after() { [ -n "$(pings_in "$1" 1e12)" ]; }
# thread_state TID: the one-letter state of a thread of radiod.
thread_state() { sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$RADIOD_PID/task/$1/status"; }

# jack_level joins the server while radiod is frozen: should that hang (a
# server waiting on a client that does not answer), the test must not.
cat >"$T_DIR/jack_level" <<EOF
#!/bin/sh
exec timeout 20 "$JACK_LEVEL" "\$@"
EOF
chmod +x "$T_DIR/jack_level"
JACK_LEVEL=$T_DIR/jack_level

start_jackd 48000 512
"$NOTIFY_LISTEN" -t 120 "$NOTIFY" >"$T_DIR/notify.log" 2>&1 &
T_PIDS+=("$!")
wait_until 5 test -S "$NOTIFY" || bail "notify_listen did not bind $NOTIFY"

mkdir -p "$T_DIR/state"
NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=$WATCHDOG_USEC \
	"$RADIOD" -f -n "$JACK_SERVER" -s "$SOCK" -S "$T_DIR/state" >"$T_DIR/radiod.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
wait_until 15 "$RADIOCTL" --timeout 1000 info || bail "radiod did not answer on $SOCK within 15 s"
wait_until 5 seen READY=1 || bail "radiod sent no READY=1"

check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
check "volume 0 dB" "$RADIOCTL" volume 0 --ramp 0
wait_until 5 sh -c "\"$RADIOCTL\" --json stats | jq -e '.meters.channel[0].peak_dbfs > -30'" ||
	bail "the injected sine never reached the meters"
before=$(out_level 1000)
diag "before the freeze: 1 kHz at radiod:out_1 is $before dBFS"
check "before the freeze: the sine comes out at -20 dBFS (+-0.2 dB)" within "$before" -20 0.2
n0=$(notes WATCHDOG=1)
check "WATCHDOG=1 comes while the loop runs" wait_until 5 more_notes_than WATCHDOG=1 $((n0 + 3))

stats0=$("$RADIOCTL" --json stats)
"$FREEZE_THREAD" -t 60 "$RADIOD_PID" >"$T_DIR/freeze.log" 2>&1 &
FREEZE_PID=$!
T_PIDS+=("$FREEZE_PID")
wait_until 5 grep -q " stopped tid=$RADIOD_PID " "$T_DIR/freeze.log" ||
	bail "freeze_thread did not stop radiod's main thread: $(cat "$T_DIR/freeze.log")"
t_frozen=$(date +%s%N)

# Exactly one thread stopped: the main one in "tracing stop", every other
# one running or sleeping as before.
states=
others_stopped=0
for task in /proc/"$RADIOD_PID"/task/*; do
	tid=${task##*/}
	s=$(thread_state "$tid")
	states="$states $tid=$s"
	if [ "$tid" != "$RADIOD_PID" ] && [[ "$s" == [tT] ]]; then
		others_stopped=$((others_stopped + 1))
	fi
done
diag "frozen: radiod's threads (tid=state, main $RADIOD_PID):$states"
check "frozen: radiod's main thread is in tracing stop" test "$(thread_state "$RADIOD_PID")" = t
check "frozen: none of radiod's other threads is stopped" test "$others_stopped" -eq 0
check "frozen: radiod does not answer radioctl (300 ms timeout)" \
	sh -c "! \"$RADIOCTL\" --timeout 300 info"
during=$(out_level 1000)
diag "frozen: 1 kHz at radiod:out_1 is $during dBFS"
check "frozen: the sine still comes out at -20 dBFS (+-0.2 dB)" within "$during" -20 0.2
# Absence is measured over a window: the rest of the freeze's minimum.
left_ms=$((FREEZE_MIN_MS - $(ms_since "$t_frozen")))
[ "$left_ms" -gt 0 ] && sleep "$(awk -v m="$left_ms" 'BEGIN { print m / 1000 }')"

kill -TERM "$FREEZE_PID"
wait "$FREEZE_PID"
rc=$?
forget_pid "$FREEZE_PID"
check "freeze_thread releases the thread (exit 0)" test "$rc" -eq 0
check "freeze_thread says when it released the thread" grep -q " released tid=$RADIOD_PID " "$T_DIR/freeze.log"
t_s=$(awk '/ stopped / { print $1 }' "$T_DIR/freeze.log")
stop_ms=$(awk '/ stopped / { sub("asked=", "", $4); printf "%.1f", ($1 - $4) * 1000 }' "$T_DIR/freeze.log")
t_r=$(awk '/ released / { print $1 }' "$T_DIR/freeze.log")
held=$(awk '/ released / { sub("held=", "", $4); print $4 }' "$T_DIR/freeze.log")

t_back=$(date +%s%N)
if wait_until 5 "$RADIOCTL" --timeout 1000 info; then
	diag "released: radiod answered radioctl $(ms_since "$t_back") ms after the release"
	ok "released: radiod answers radioctl again"
else
	not_ok "released: radiod answers radioctl again"
fi
check "released: GetInfo says running" \
	test "$("$RADIOCTL" --timeout 1000 --json info | jq -r .state)" = STATE_RUNNING
stats1=$("$RADIOCTL" --json stats)
wait_until 5 ping_after "$t_r" || true

# The watchdog's side: times from notify_listen, on freeze_thread's clock.
last_before=$(pings_in 0 "$t_s" | tail -1)
during_pings=$(pings_in "$t_s" "$t_r")
late=$(pings_in "$(awk -v s="$t_s" -v i="$INTERVAL" 'BEGIN { printf "%.6f", s + i }')" "$t_r" | wc -l)
first_after=$(pings_in "$t_r" 1e12 | head -1)
diag "freeze held $held s (stopped at $t_s, $stop_ms ms after PTRACE_INTERRUPT; released at $t_r; CLOCK_MONOTONIC)"
diag "last WATCHDOG=1 before the freeze: $(awk -v a="$last_before" -v s="$t_s" 'BEGIN { printf "%.0f", (s - a) * 1000 }') ms before it began"
diag "WATCHDOG=1 during the freeze: $(echo -n "$during_pings" | grep -c .)${during_pings:+ (the latest $(awk -v a="$(echo "$during_pings" | tail -1)" -v s="$t_s" 'BEGIN { printf "%.0f", (a - s) * 1000 }') ms after it began)}; later than $INTERVAL s after it began: $late"
if [ -n "$first_after" ]; then
	diag "first WATCHDOG=1 after the release: $(awk -v a="$first_after" -v r="$t_r" 'BEGIN { printf "%.1f", (a - r) * 1000 }') ms after it; silence $(awk -v a="$first_after" -v b="$last_before" 'BEGIN { printf "%.3f", a - b }') s between pings"
fi
check "the pings ran up to the freeze: the last came less than one watchdog interval before it" \
	at_most "$(awk -v a="$last_before" -v s="$t_s" 'BEGIN { print s - a }')" "$INTERVAL"
check "no WATCHDOG=1 later than one watchdog interval after the freeze began" test "$late" -eq 0
if [ -n "$first_after" ]; then
	check "WATCHDOG=1 resumes within one watchdog interval of the release" \
		at_most "$(awk -v a="$first_after" -v r="$t_r" 'BEGIN { print a - r }')" "$INTERVAL"
	check "the silence outlasted WATCHDOG_USEC: systemd would restart radiod" \
		at_least "$(awk -v a="$first_after" -v b="$last_before" 'BEGIN { print a - b }')" "$INTERVAL"
else
	not_ok "WATCHDOG=1 resumes within one watchdog interval of the release" \
		"no WATCHDOG=1 after $t_r in 5 s"
fi

# The audio's side: JACK called radiod all along, at its rate.
calls=$(jq -n --argjson a "$stats0" --argjson b "$stats1" '$b.callbacks - $a.callbacks')
secs=$(jq -n --argjson a "$stats0" --argjson b "$stats1" '$b.elapsed_s - $a.elapsed_s | . * 1000 | round / 1000')
want=$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 48000 / 512 }')
diag "callbacks across the freeze: $calls in $secs s; 48000 Hz / 512 frames gives $want"
check "the callbacks counted on through the freeze (90 % of JACK's rate at least)" \
	at_least "$calls" "$(awk -v w="$want" 'BEGIN { print 0.9 * w }')"
check "radiod did not take the freeze for an audio stall (log)" \
	sh -c "! grep -q 'no audio block' '$T_DIR/radiod.log'"
check "radiod did not take the freeze for an audio stall (STATUS=)" sh -c "! grep -q ' STATUS=stalled' '$T_DIR/notify.log'"
finish
