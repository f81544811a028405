#!/usr/bin/env bash
# The shipped units pass systemd's own checks: `systemd-analyze verify` is
# clean, `systemd-analyze security` rates radiod.service 2.5 or lower ("OK"
# or better) without the settings JACK cannot live with, and radiod runs
# behind the socket the way radiod.socket hands it over.
. "$(dirname "$0")/integration/lib.sh"

unit_in=$top_srcdir/systemd/radiod.service.in
sock_unit=$top_srcdir/systemd/radiod.socket
mkdir -p "$T_DIR/units"
# The unit as installed, pointing at this build's radiod so verify can find it.
radiod_abs=$(cd "$(dirname "$RADIOD")" && pwd)/$(basename "$RADIOD")
sed -e "s|@sbindir@/radiod|$radiod_abs|" -e "s|@sysconfdir@|/etc|" "$unit_in" >"$T_DIR/units/radiod.service"
cp "$sock_unit" "$T_DIR/units/radiod.socket"

out=$(cd "$T_DIR/units" && systemd-analyze verify --man=no radiod.service radiod.socket 2>&1)
if [ -z "$out" ]; then ok "systemd-analyze verify is clean"; else not_ok "systemd-analyze verify is clean" "$out"; fi

sec=$(systemd-analyze security --offline=true "$T_DIR/units/radiod.service" 2>&1)
score=$(echo "$sec" | sed -n 's/.*Overall exposure level for radiod.service: \([0-9.]*\).*/\1/p')
diag "systemd-analyze security: ${score:-?} ($(echo "$sec" | tail -n 1))"
check "security exposure is 2.5 or lower" at_most "${score:-99}" 2.5
check "RestrictRealtime stays off (JACK's process thread is SCHED_FIFO)" \
	grep -qx "RestrictRealtime=no" "$unit_in"
check "Type=notify with a watchdog" sh -c "grep -qx 'Type=notify' '$unit_in' && grep -q '^WatchdogSec=' '$unit_in'"
check "StateDirectory, RuntimeDirectory, LimitRTPRIO, LimitMEMLOCK set" \
	sh -c "for k in StateDirectory RuntimeDirectory LimitRTPRIO LimitMEMLOCK; do grep -q \"^\$k=\" '$unit_in' || exit 1; done"

# Socket activation with what radiod.socket says: a stream socket at
# ListenStream= with SocketMode=; here under the test's own directory.
mode=$(sed -n 's/^SocketMode=//p' "$sock_unit")
check "radiod.socket is a stream socket at /run/radiod/control.sock" \
	grep -qx "ListenStream=/run/radiod/control.sock" "$sock_unit"
start_jackd 48000 512
mkdir -p "$T_DIR/state"
systemd-socket-activate -l "$SOCK" -E JACK_NO_AUDIO_RESERVATION=1 \
	"$RADIOD" -f -n "$JACK_SERVER" -S "$T_DIR/state" >"$T_DIR/radiod.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
wait_until 5 test -S "$SOCK" || bail "systemd-socket-activate did not create $SOCK"
chmod "$mode" "$SOCK"
check "radioctl reaches radiod through the activation socket" \
	wait_until 15 "$RADIOCTL" --timeout 1000 info
check "radiod took the socket it was given (it says so in its log)" \
	grep -qi "socket activation\|LISTEN_FDS\|systemd" "$T_DIR/radiod.log"
kill -TERM "$RADIOD_PID"
wait "$RADIOD_PID"
rc=$?
check "radiod exits 0 on SIGTERM" test "$rc" -eq 0
check "radiod leaves the activation socket to its owner" test -S "$SOCK"
finish
