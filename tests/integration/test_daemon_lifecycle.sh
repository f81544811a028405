#!/usr/bin/env bash
# radiod starts on a private JACK server, says what it runs on, and stops
# cleanly on SIGTERM: exit 0 within a second, socket removed.
. "$(dirname "$0")/lib.sh"

check "radiod --version exits 0" "$RADIOD" --version
check "radiod --help exits 0" "$RADIOD" --help
"$RADIOD" --no-such-option >"$T_DIR/badopt.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok "an unknown option exits 2"; else not_ok "an unknown option exits 2" "exit $rc"; fi

"$RADIOD" -f -n "no-such-server-$$" -s "$T_DIR/none.sock" -S "$T_DIR/state0" >"$T_DIR/noserver.log" 2>&1 &
pid=$!
T_PIDS+=("$pid")
if wait_until 10 grep -qi "jack" "$T_DIR/noserver.log"; then
	ok "without a JACK server radiod says so in its log"
else
	not_ok "without a JACK server radiod says so in its log" "$(cat "$T_DIR/noserver.log")"
fi
stop_pid "$pid" 3

start_jackd 48000 512
start_radiod
"$RADIOCTL" --json info >"$T_DIR/info.json" 2>&1
check "info: state is running" test "$(jq -r .state "$T_DIR/info.json")" = STATE_RUNNING
check "info: rate 48000" test "$(jq -r .sample_rate_hz "$T_DIR/info.json")" = 48000
check "info: period 512" test "$(jq -r .period_frames "$T_DIR/info.json")" = 512
check "info: 2 channels" test "$(jq -r .channels "$T_DIR/info.json")" = 2
check "info: protocol version 1" test "$(jq -r .protocol_version "$T_DIR/info.json")" = 1
check "info: names the JACK server" test "$(jq -r .jack_server "$T_DIR/info.json")" = "$JACK_SERVER"
check "info: reports the RT thread's policy" test -n "$(jq -r '.rt_thread.policy // empty' "$T_DIR/info.json")"
check "radiod registered in_1 and out_2 with JACK" jack_lsp -s "$JACK_SERVER" radiod:in_1 radiod:out_2

kill -TERM "$RADIOD_PID"
t0=$(date +%s%N)
wait "$RADIOD_PID"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
diag "radiod stopped in $ms ms, exit $rc"
check "SIGTERM: radiod exits 0" test "$rc" -eq 0
check "SIGTERM: radiod stops within a second" test "$ms" -lt 1000
check "SIGTERM: the socket is removed" test ! -e "$SOCK"
finish
