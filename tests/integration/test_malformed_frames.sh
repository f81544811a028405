#!/usr/bin/env bash
# Malformed frames, oversize lengths and garbage get an error (and a close
# where the stream cannot go on) while the audio and the other clients carry on.
. "$(dirname "$0")/lib.sh"
RAW_FRAMES=${RAW_FRAMES:-$top_builddir/tests/raw_frames}

start_jackd 48000 512
start_radiod
c0=$("$RADIOCTL" --json stats | jq .callbacks)
"$RAW_FRAMES" "$SOCK" >"$T_DIR/raw.out" 2>&1 || bail "raw_frames failed: $(cat "$T_DIR/raw.out")"
sed 's/^/# /' "$T_DIR/raw.out"

expect() { # case status closed
	local line
	line=$(grep "^$1 " "$T_DIR/raw.out")
	check "$1: $2, closed=$3, bystander answered" \
		test "$line" = "$1 status=$2 closed=$3 bystander=ok"
}
expect oversize_length MALFORMED yes
expect max_length MALFORMED yes
expect garbage_payload MALFORMED yes
expect zero_length MALFORMED yes
expect no_body UNKNOWN_REQUEST no
expect volume_out_of_range INVALID_ARGUMENT no
expect band_out_of_range INVALID_ARGUMENT no
check "truncated_frame: closed without a reply, bystander answered" \
	grep -qx "truncated_frame status=none closed=yes bystander=ok" "$T_DIR/raw.out"

check "radiod still answers radioctl" "$RADIOCTL" info
wait_until 5 sh -c "\"$RADIOCTL\" --json stats | jq -e '.callbacks > $c0 + 50'"
check "the audio kept running" test $? -eq 0
check_xruns
check "the errors were counted" at_least "$("$RADIOCTL" --json stats | jq '.client_errors // 0')" 4
finish
