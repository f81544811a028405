#!/usr/bin/env bash
# Socket activation with systemd's own systemd-socket-activate: it binds
# the socket, starts radiod on the first connection and passes the socket
# (LISTEN_FDS).  radioctl talks to radiod through it, radiod creates no
# socket of its own, and at exit leaves the passed socket where it is.  A
# descriptor that is not a listening Unix stream socket is refused by name.
. "$(dirname "$0")/lib.sh"

ACT_SOCK=$T_DIR/activated.sock
OWN_SOCK=$T_DIR/own.sock	# what radiod would create without activation

command -v systemd-socket-activate >/dev/null ||
	bail "systemd-socket-activate is not installed (package systemd)"

start_jackd 48000 512
mkdir -p "$T_DIR/state"
# It passes on only the variables named with -E; the sanitizers' settings
# must reach radiod.
pass_env=()
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS TSAN_OPTIONS RTSAN_OPTIONS; do
	[ -n "${!v:-}" ] && pass_env+=(-E "$v")
done
# Without --accept it execs radiod in its own process: $! is radiod.
systemd-socket-activate -l "$ACT_SOCK" "${pass_env[@]}" \
	"$RADIOD" -f -n "$JACK_SERVER" -s "$OWN_SOCK" -S "$T_DIR/state" >"$T_DIR/radiod.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
wait_until 10 test -S "$ACT_SOCK" || bail "systemd-socket-activate did not bind $ACT_SOCK"

export RADIOD_SOCKET=$ACT_SOCK
# The first connection starts radiod; it answers once it has joined JACK.
"$RADIOCTL" --timeout 15000 --json info >"$T_DIR/info.json" 2>&1
check "radioctl gets an answer through the activation socket" test "$(jq -r .state "$T_DIR/info.json")" = STATE_RUNNING
check "the answer comes from the process systemd-socket-activate started" \
	test "$(jq -r .pid "$T_DIR/info.json")" = "$RADIOD_PID"
check "radiod logged that it serves the passed socket" \
	grep -q "socket activation: serving $ACT_SOCK, not $OWN_SOCK" "$T_DIR/radiod.log"
check "radiod created no socket of its own" test ! -e "$OWN_SOCK"
check "a write goes through too" "$RADIOCTL" volume -3 --ramp 0
check "and reads back" test "$("$RADIOCTL" --json volume | jq .db)" = -3

kill -TERM "$RADIOD_PID"
wait "$RADIOD_PID"
rc=$?
check "SIGTERM: radiod exits 0" test "$rc" -eq 0
check "SIGTERM: the passed socket is left in place" test -S "$ACT_SOCK"
check "no sanitizer report from radiod" sh -c "! grep -q Sanitizer '$T_DIR/radiod.log'"
RADIOD_PID=

# LISTEN_FDS naming a descriptor that is a plain file: refused, exit 1.
: >"$T_DIR/not-a-socket"
bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@" 3<"'"$T_DIR/not-a-socket"'"' radiod \
	"$RADIOD" -f -n "$JACK_SERVER" -s "$OWN_SOCK" -S "$T_DIR/state" >"$T_DIR/bad.log" 2>&1
rc=$?
check "a passed descriptor that is not a socket: exit 1" test "$rc" -eq 1
check "and the log says what was wrong" \
	grep -q "socket activation: descriptor 3 is not a listening Unix stream socket" "$T_DIR/bad.log"
finish
