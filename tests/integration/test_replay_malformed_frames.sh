#!/usr/bin/env bash
# 10,000 malformed frames (random bytes, truncated frames, oversize lengths,
# undecodable payloads, requests with values out of range; a fixed seed)
# against a live radiod playing a sine: every one is answered with an error
# or a close, a bystander connection is answered throughout, the audio
# callbacks keep coming and no xrun is radiod's.
#   REPLAY_COUNT, REPLAY_SEED override the count and the seed.
. "$(dirname "$0")/lib.sh"
REPLAY_FRAMES=${REPLAY_FRAMES:-$top_builddir/tests/replay_frames}

start_jackd 48000 512
start_radiod
check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
c0=$("$RADIOCTL" --json stats | jq .callbacks)
"$REPLAY_FRAMES" "$SOCK" "${REPLAY_COUNT:-10000}" "${REPLAY_SEED:-20261126}" \
	>"$T_DIR/replay.out" 2>"$T_DIR/replay.err"
rc=$?
sed 's/^/# /' "$T_DIR/replay.out"
head -n 20 "$T_DIR/replay.err" | sed 's/^/# /'
counts=$(grep '^frames=' "$T_DIR/replay.out")
[ -n "$counts" ] || bail "replay_frames printed no counts (exit $rc): $(tail -n 5 "$T_DIR/replay.err")"
field() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$counts"; }

check "every frame was tried" test "$(field frames)" -eq "${REPLAY_COUNT:-10000}"
check "every frame got an error reply or a close (no answer: $(field no_answer))" \
	test "$(field no_answer)" -eq 0
check "every frame got the answer its kind calls for (unexpected: $(field unexpected))" \
	test "$(field unexpected)" -eq 0
check "the bystander was answered every time ($(field bystander_queries) queries)" \
	test "$(field bystander_failures)" -eq 0 -a "$(field bystander_queries)" -gt 0
check "replay_frames exits 0" test "$rc" -eq 0

check "radiod still answers radioctl" "$RADIOCTL" info
c1=$("$RADIOCTL" --json stats | jq .callbacks)
diag "callbacks during the replay: $((c1 - c0))"
wait_until 5 sh -c "\"$RADIOCTL\" --json stats | jq -e '.callbacks > $c1 + 50'"
check "the audio callbacks kept advancing" test $? -eq 0
check "callbacks advanced during the replay" test "$c1" -gt "$c0"
check_xruns
finish
