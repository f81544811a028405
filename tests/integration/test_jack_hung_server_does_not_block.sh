#!/usr/bin/env bash
# A JACK server that accepts connections but does not answer (jackd stopped
# with SIGSTOP) keeps libjack's jack_client_open() waiting without a
# timeout.  radiod joins on a helper thread, so meanwhile it answers its
# clients at once, says "starting", holds back READY=1 and warns in its
# log.  The watchdog stays fed while the attempt is young (radiod is
# retrying) and goes hungry once it has been stuck for 10 s, so that
# systemd would restart it (daemon/service.h).  radiod joins as soon as the
# server continues, and a SIGTERM during the wait still stops it cleanly
# within a second.
. "$(dirname "$0")/lib.sh"

NOTIFY_LISTEN=${NOTIFY_LISTEN:-$top_builddir/tests/notify_listen}
NOTIFY=$T_DIR/notify
STOPPED=

cont_jackd() { [ -n "$STOPPED" ] && kill -CONT "$JACKD_PID" 2>/dev/null; STOPPED=; }
# Whatever happens, jackd must not stay stopped: the cleanup could not stop it.
trap 'cont_jackd; cleanup' EXIT

notes() { grep -c " $1" "$T_DIR/notify.log"; }
more_notes_than() { test "$(notes "$1")" -gt "$2"; }
state_is() { test "$("$RADIOCTL" --timeout 1000 --json info | jq -r .state)" = "$1"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

start_jackd 48000 512
"$NOTIFY_LISTEN" -t 120 "$NOTIFY" >"$T_DIR/notify.log" 2>&1 &
T_PIDS+=("$!")
wait_until 5 test -S "$NOTIFY" || bail "notify_listen did not bind $NOTIFY"

kill -STOP "$JACKD_PID"
STOPPED=1
mkdir -p "$T_DIR/state"
t0=$(date +%s%N)
NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=400000 \
	"$RADIOD" -f -n "$JACK_SERVER" -s "$SOCK" -S "$T_DIR/state" >"$T_DIR/radiod.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
wait_until 10 "$RADIOCTL" --timeout 1000 info || bail "radiod did not answer on $SOCK within 10 s"
diag "radiod answered $(ms_since "$t0") ms after it started, the server stopped"

t1=$(date +%s%N)
"$RADIOCTL" --timeout 1000 --json info >"$T_DIR/info.json"
ms=$(ms_since "$t1")
diag "GetInfo answered in $ms ms while the join waits"
check "while the server does not answer, GetInfo answers within 500 ms" test "$ms" -lt 500
check "and says starting" test "$(jq -r .state "$T_DIR/info.json")" = STATE_STARTING
if wait_until 10 grep -q "has not ended after 5 s" "$T_DIR/radiod.log"; then
	ok "radiod warns that joining has not ended after 5 s"
else
	not_ok "radiod warns that joining has not ended after 5 s"
fi
check "no READY=1 while no audio runs" test "$(notes READY=1)" -eq 0
check "the STATUS= line says it is joining" grep -q "STATUS=starting: joining JACK server '$JACK_SERVER'" "$T_DIR/notify.log"
w=$(notes WATCHDOG=1)
check "the watchdog is fed while the attempt is young" wait_until 5 more_notes_than WATCHDOG=1 $((w + 3))
if wait_until 15 grep -q "joining JACK has not ended after 10 s: the systemd watchdog is no longer fed" \
	"$T_DIR/radiod.log"; then
	ok "after 10 s stuck, radiod says the watchdog is no longer fed"
else
	not_ok "after 10 s stuck, radiod says the watchdog is no longer fed"
fi
sleep 0.3 # a tick already under way
w=$(notes WATCHDOG=1)
# Absence is measured over a window: six intervals.
sleep 1.2
check "and no WATCHDOG=1 comes for six intervals" test "$(notes WATCHDOG=1)" -eq "$w"

t2=$(date +%s%N)
cont_jackd
if wait_until 10 state_is STATE_RUNNING; then
	diag "radiod running $(ms_since "$t2") ms after the server continued"
	ok "the server continues: radiod joins it"
else
	not_ok "the server continues: radiod joins it"
fi
if wait_until 5 grep -q " READY=1" "$T_DIR/notify.log"; then
	ok "READY=1 once audio runs"
else
	not_ok "READY=1 once audio runs"
fi
check "radiod logged when joining ended" grep -q "joining JACK server '$JACK_SERVER' ended after" "$T_DIR/radiod.log"
w=$(notes WATCHDOG=1)
check "the watchdog is fed again" wait_until 5 more_notes_than WATCHDOG=1 $((w + 3))

# A second radiod, started while the server is stopped again, is stopped
# by SIGTERM during its wait: the helper thread is left in libjack, radiod
# still exits 0 at once.
kill -STOP "$JACKD_PID"
STOPPED=1
"$RADIOD" -f -n "$JACK_SERVER" -s "$T_DIR/second.sock" -S "$T_DIR/state2" \
	>"$T_DIR/second.log" 2>&1 &
second=$!
T_PIDS+=("$second")
wait_until 10 "$RADIOCTL" --socket "$T_DIR/second.sock" --timeout 1000 info ||
	bail "the second radiod did not answer within 10 s"
kill -TERM "$second"
t3=$(date +%s%N)
wait "$second"
rc=$?
ms=$(ms_since "$t3")
diag "the second radiod stopped in $ms ms, exit $rc, while its join waited"
check "SIGTERM while the join waits: exit 0" test "$rc" -eq 0
check "SIGTERM while the join waits: stopped within a second" test "$ms" -lt 1000
check "SIGTERM while the join waits: its socket is removed" test ! -e "$T_DIR/second.sock"
cont_jackd
check "the first radiod still runs after the server continued" wait_until 10 state_is STATE_RUNNING
finish
