#!/usr/bin/env bash
# The state survives SIGKILL at random moments of 200 back-to-back saves:
# every start finds the last saved state or the one before it - never a
# torn file, never the defaults once something was saved - and no file is
# ever found damaged.
#
# Each round starts radiod (--save-delay 20: a save 20 ms after a change),
# reads the EQ it restored, sets band 0 to a gain that encodes the round,
# and kills radiod with SIGKILL: in odd rounds after a random 0..45 ms (so
# before, during or after the save), in even rounds a random few hundred
# microseconds after the save's temp file appears (in the middle of the
# save).  A temp file found at the next start is a save that was cut short:
# radiod logs it, and the test counts them.
#
# No JACK server runs here (radiod keeps retrying; saving does not involve
# JACK): a JACK client killed while connected leaks mutexes in libjack's
# metadata database, /dev/shm/jack_db-UID, which every JACK client of the
# user shares; about 165 such kills exhaust it, and from then on every
# JACK client of that user - other tests' too - fails to open it (and
# leaks memory that AddressSanitizer reports) until it is recreated.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

ROUNDS=${STATE_KILL_ROUNDS:-200}
DELAY_MS=20

# Distinct in consecutive rounds, within -24..+24 dB, never the default 0.
gain_of_round() { awk -v i="$1" 'BEGIN { printf "%.2f", -20 + 0.2 * (i % 200) + 0.05 }'; }
band0() { "$RADIOCTL" --json eq show | jq -r '.band[0].gain_db'; }

# Kills radiod a random moment after its save's temp file appears (spins:
# a save takes about a millisecond); bounded, kills anyway at the end.
kill_mid_save() {
	local tmp=$STATE_DIR/state.json.tmp i extra=$((RANDOM % 300))
	for ((i = 0; i < 200000; i++)); do
		[ -e "$tmp" ] && break
	done
	for ((i = 0; i < extra; i++)); do :; done
	kill_radiod
}

bad=0 newest=0 older=0 spotted=0
previous="" before_previous=""
t_start=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
	run_radiod --save-delay "$DELAY_MS"
	got=$(band0)
	if [ "$round" -eq 1 ]; then
		# Nothing was ever saved: the default EQ.
		same_number "$got" 0 || { bad=$((bad + 1)); diag "round 1: band 0 is $got, not 0"; }
	elif same_number "$got" "$previous"; then
		newest=$((newest + 1))
	elif [ -n "$before_previous" ] && same_number "$got" "$before_previous"; then
		older=$((older + 1))
	else
		bad=$((bad + 1))
		diag "round $round: band 0 is $got; the last save was $previous, the one before $before_previous"
	fi
	# What may be on disk after this round: this round's gain or what
	# this round started with.
	before_previous=$got
	previous=$(gain_of_round "$round")
	"$RADIOCTL" eq band 0 --gain "$previous" >/dev/null || bail "round $round: eq band failed"
	if ((round % 2)); then
		sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.4f", (r % 46) / 1000 }')"
		kill_radiod
	else
		kill_mid_save
	fi
	[ -e "$STATE_DIR/state.json.tmp" ] && spotted=$((spotted + 1))
done
elapsed=$((SECONDS - t_start))
run_radiod
final=$(band0)
cut=$(logged_count "left by a save that was cut short")

diag "$ROUNDS rounds in $elapsed s: the start found the newest save $newest times, the one before $older times"
diag "$spotted kills left a temp file (a save cut short); radiod removed $cut at start"
check "every start found the last save or the one before (rounds 2..$ROUNDS)" test "$bad" -eq 0
check "no state file was ever found damaged" test "$(logged_count unusable)" -eq 0
check "every temp file left by a kill was removed at the next start" test "$cut" -eq "$spotted"
check "some kills landed in the middle of a save" test "$cut" -gt 0
check "the last start found the last save or the one before" \
	sh -c "awk -v a='$final' -v b='$previous' -v c='$before_previous' \
		'BEGIN { exit !(a + 0 == b + 0 || a + 0 == c + 0) }'"
check "no temp file is left after a clean run" test ! -e "$STATE_DIR/state.json.tmp"
finish
