#!/usr/bin/env bash
# radioctl against the real radiod: every command does what it says, values
# come back as applied, errors name the cause and exit with the documented code.
. "$(dirname "$0")/lib.sh"

start_jackd 48000 512
start_radiod

check "stats prints a table" sh -c "\"$RADIOCTL\" stats | grep -qi 'processing'"
check "eq show lists 8 bands" test "$("$RADIOCTL" --json eq show | jq '.band | length')" -eq 8
check "eq band applies and reports the value" \
	test "$("$RADIOCTL" --json eq band 2 --gain -4.5 | jq '.band[2].gain_db')" = "-4.5"
check "eq set with three bands" \
	test "$("$RADIOCTL" --json eq set --preamp -3 --band peaking:100:3:1 --band lowshelf:80:2:0.7 \
		--band highshelf:8k:-2:0.7 | jq '.band | length')" -eq 3
check "volume -6 is applied" test "$("$RADIOCTL" --json volume -6 --ramp 10 | jq .db)" = "-6"
check "mute on" test "$("$RADIOCTL" --json mute on | jq .muted)" = true
check "mute off" test "$("$RADIOCTL" --json mute off | jq .muted)" = false
for kind in sine sweep noise pink impulse multitone; do
	case $kind in
	sweep) extra=(--freq 20 --to 20000 --duration 2) ;;
	multitone) extra=(--tones 100,1000,5000) ;;
	noise | pink) extra=(--seed 3) ;;
	*) extra=(--freq 1000) ;;
	esac
	check "inject $kind" "$RADIOCTL" inject "$kind" "${extra[@]}" --level -30
done
check "stop" "$RADIOCTL" stop
check "spectrum lists 31 bands" test "$("$RADIOCTL" --json spectrum | jq '.band_db | length')" -eq 31

"$RADIOCTL" eq band 9 --gain 3 >"$T_DIR/err.out" 2>&1
rc=$?
check "an out-of-range band exits 1" test "$rc" -eq 1
check "and the message names the band" grep -q "band 9" "$T_DIR/err.out"
"$RADIOCTL" --socket "$T_DIR/nothing.sock" info >"$T_DIR/err2.out" 2>&1
rc=$?
check "no daemon: exit 3" test "$rc" -eq 3
check "no daemon: the message names the socket and the cause" \
	grep -q "cannot connect to $T_DIR/nothing.sock: No such file or directory (is radiod running?)" "$T_DIR/err2.out"
"$RADIOCTL" volume loud >/dev/null 2>&1
check "a bad number exits 2" test $? -eq 2
finish
