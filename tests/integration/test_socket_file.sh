#!/usr/bin/env bash
# The control socket's path, through the real radiod: a path longer than a
# Unix socket holds, a relative one, and one where a regular file is each
# stop radiod at setup (exit 1) with a log line naming the option or the
# path and the reason, leaving the file alone; a stale socket (its radiod died by
# SIGKILL) is replaced; a second radiod on a socket where one listens
# refuses to start and the first goes on answering.
. "$(dirname "$0")/lib.sh"

# refused NAME SOCKET WANT: radiod -s SOCKET exits 1 with WANT in its log.
refused() {
	local name=$1 sock=$2 want=$3 rc
	timeout 20 "$RADIOD" -f -n "$JACK_SERVER" -s "$sock" -S "$T_DIR/state-$name" \
		>"$T_DIR/$name.log" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF -- "$want" "$T_DIR/$name.log"; then
		ok "$name: radiod exits 1 saying \"$want\""
	else
		not_ok "$name: radiod exits 1 saying \"$want\"" "exit $rc" "$(cat "$T_DIR/$name.log")"
	fi
}

# A path of 120 bytes: sockaddr_un holds 108 with the terminator.
long=$T_DIR/$(printf 'x%.0s' $(seq 1 $((120 - ${#T_DIR} - 1))))
diag "the long path is ${#long} bytes"
refused too-long "$long" "-s: socket: longer than 107 characters"
check "too-long: nothing was created" test ! -e "$long"

refused relative "relative/control.sock" "-s: socket: 'relative/control.sock' is not an absolute path"

echo "keep me" >"$T_DIR/regular"
refused regular-file "$T_DIR/regular" "$T_DIR/regular exists and is not a socket"
check "regular-file: the file is left as it was" test "$(cat "$T_DIR/regular")" = "keep me"

# A stale socket: radiod killed with SIGKILL leaves its socket file behind.
# It runs without a JACK server (killing a JACK client leaks libjack's
# shared locks; see test_state_survives_sigkill.sh).
"$RADIOD" -f -n "no-such-server-$$" -s "$SOCK" -S "$T_DIR/state-stale" >"$T_DIR/stale1.log" 2>&1 &
pid=$!
T_PIDS+=("$pid")
wait_until 15 "$RADIOCTL" --timeout 1000 info >/dev/null || bail "radiod did not answer on $SOCK"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check "SIGKILL leaves the socket file behind" test -S "$SOCK"
check "and nobody answers on it" sh -c "! \"$RADIOCTL\" --timeout 1000 info >/dev/null 2>&1"

start_jackd 48000 512
start_radiod
check "a new radiod replaces the stale socket and answers on it" "$RADIOCTL" info

refused second "$SOCK" "another radiod is listening on $SOCK"
check "second: the first radiod still answers" "$RADIOCTL" info
check "second: the socket file is still there" test -S "$SOCK"
finish
