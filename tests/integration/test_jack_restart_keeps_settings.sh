#!/usr/bin/env bash
# jackd killed (SIGKILL) and started again under the same name, three times
# over: radiod stays up and reports "disconnected" meanwhile, joins the new
# server within 5 s of it being up, and plays with the EQ and volume it had
# (an injected sine comes out with the same boost and attenuation); its
# callback counter keeps counting and never goes backwards.
. "$(dirname "$0")/lib.sh"

ROUNDS=3
FREQ=700	# the distinctive band's centre: +5.5 dB there
WANT=-22	# -20 dBFS sine, +5.5 dB band, -7.5 dB volume

state_of() { # info|stats
	"$RADIOCTL" --json "$1" | jq -r .state
}
callbacks() { "$RADIOCTL" --json stats | jq -r .callbacks; }
is_state() { test "$(state_of "$1")" = "$2"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

start_jackd 48000 512
start_radiod
check "set a distinctive band: 2 = peaking $FREQ Hz, +5.5 dB, Q 2.5" \
	"$RADIOCTL" eq band 2 --type peaking --freq "$FREQ" --gain 5.5 --q 2.5 --on
check "volume -7.5 dB" "$RADIOCTL" volume -7.5 --ramp 0
eq_before=$("$RADIOCTL" --json eq show | jq -S -c .)
vol_before=$("$RADIOCTL" --json volume | jq -S -c .)
check "inject a -20 dBFS $FREQ Hz sine" "$RADIOCTL" inject sine --freq "$FREQ" --level -20
lvl=$(out_level "$FREQ")
diag "before any restart: $FREQ Hz at radiod:out_1 is $lvl dBFS"
check "before: the sine comes out at $WANT dBFS (band and volume applied)" within "$lvl" "$WANT" 0.2

worst_ms=0
for round in $(seq 1 "$ROUNDS"); do
	cb_before=$(callbacks)
	kill -KILL "$JACKD_PID"
	wait "$JACKD_PID" 2>/dev/null
	if wait_until 5 is_state info STATE_DISCONNECTED; then
		ok "round $round: jackd killed: GetInfo says disconnected"
	else
		not_ok "round $round: jackd killed: GetInfo says disconnected" "state: $(state_of info)"
	fi
	check "round $round: GetStats says disconnected too" is_state stats STATE_DISCONNECTED
	check "round $round: radiod is still running" kill -0 "$RADIOD_PID"

	t_launch=$(date +%s%N)
	start_jackd 48000 512
	up_ms=$(ms_since "$t_launch")
	if wait_until 10 is_state info STATE_RUNNING; then
		ms=$(($(ms_since "$t_launch") - up_ms))
		[ "$ms" -lt 0 ] && ms=0
		[ "$ms" -gt "$worst_ms" ] && worst_ms=$ms
		diag "round $round: jackd up after $up_ms ms; radiod running $ms ms after that"
		check "round $round: radiod rejoins within 5 s of the server being up" test "$ms" -lt 5000
	else
		not_ok "round $round: radiod rejoins within 5 s of the server being up" \
			"state: $(state_of info)"
	fi
	check "round $round: the EQ is as before" test "$("$RADIOCTL" --json eq show | jq -S -c .)" = "$eq_before"
	check "round $round: the volume is as before" test "$("$RADIOCTL" --json volume | jq -S -c .)" = "$vol_before"
	cb_after=$(callbacks)
	diag "round $round: callbacks $cb_before before the kill, $cb_after after the rejoin"
	check "round $round: the callback counter did not go backwards" test "$cb_after" -ge "$cb_before"
	check "round $round: and it counts on" wait_until 5 sh -c "test \$(\"$RADIOCTL\" --json stats | jq -r .callbacks) -gt $cb_after"
	check "round $round: inject the sine again (it does not outlive the server)" \
		"$RADIOCTL" inject sine --freq "$FREQ" --level -20
	lvl=$(out_level "$FREQ")
	diag "round $round: $FREQ Hz at radiod:out_1 is $lvl dBFS"
	check "round $round: the sine comes out at $WANT dBFS again (band and volume applied)" \
		within "$lvl" "$WANT" 0.2
done
diag "slowest rejoin after the server was up: $worst_ms ms over $ROUNDS rounds"
check "radiod logged each loss" test "$(grep -c 'JACK server went away' "$T_DIR/radiod.log")" -eq "$ROUNDS"
finish
