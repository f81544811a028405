#!/usr/bin/env bash
# A save that fails is logged once, with the file and the reason; radiod
# goes on serving, retries every 5 s, and saves the latest settings as soon
# as the cause is gone.  The failure here: a directory stands where
# state.json goes, so the rename step fails (even for root).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

start_jackd 48000 512
run_radiod --save-delay 20
mkdir "$STATE_DIR/state.json"
failed="cannot save $STATE_DIR/state.json: rename: Is a directory; retrying every 5 s"

check "volume -8 dB" "$RADIOCTL" volume -8
check "the failed save is logged with the file, the step and the reason" \
	wait_until 5 grep -qF "$failed" "$T_DIR/radiod.log"
check "radiod goes on answering" "$RADIOCTL" info
check "the failed save left no temp file" test ! -e "$STATE_DIR/state.json.tmp"
check "volume -10 dB meanwhile" "$RADIOCTL" volume -10
check "radiod retries after 5 s" wait_until 10 grep -qF "(still failing)" "$T_DIR/radiod.log"
check "the failure is logged once at warning level, not at every retry" \
	test "$(logged_count "$failed")" -eq 1

rmdir "$STATE_DIR/state.json"
check "once the cause is gone, a retry saves the latest settings" \
	wait_until 10 grep -q '"volume_db": -10.0,' "$STATE_DIR/state.json"
check "and the log says it saved again" \
	grep -qF "state: saved $STATE_DIR/state.json again" "$T_DIR/radiod.log"
kill_radiod
run_radiod
check "the settings saved after the failure are restored" \
	test "$("$RADIOCTL" --json volume | jq -c .db)" = -10
finish
