#!/usr/bin/env bash
# Nothing in radiod assumes a fixed period: JACK's buffer size changed
# while it runs (512 -> 256 -> 4096 -> 128 frames; 4096 is larger than the
# test-signal scratch buffer and than the spectrum's hop) is reported by
# GetInfo, the callbacks go on, and an injected sine through a +12 dB band
# comes out at the same level at every size.
. "$(dirname "$0")/lib.sh"

period_is() { test "$("$RADIOCTL" --json info | jq -r .period_frames)" = "$1"; }
callbacks() { "$RADIOCTL" --json stats | jq -r .callbacks; }

start_jackd 48000 512
start_radiod
check "volume 0 dB" "$RADIOCTL" volume 0 --ramp 0
check "band 0: peaking 1 kHz, +12 dB, Q 4" \
	"$RADIOCTL" eq band 0 --type peaking --freq 1000 --gain 12 --q 4 --on
check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
lvl=$(out_level 1000)
diag "512 frames: 1 kHz at radiod:out_1 is $lvl dBFS"
check "512 frames: the sine comes out at -8 dBFS" within "$lvl" -8 0.2

for frames in 256 4096 128; do
	# jack_bufsize has no server option: it takes JACK_DEFAULT_SERVER.
	check "jack_bufsize $frames" env JACK_DEFAULT_SERVER="$JACK_SERVER" jack_bufsize "$frames"
	if wait_until 5 period_is "$frames"; then
		ok "$frames frames: GetInfo reports the new period"
	else
		not_ok "$frames frames: GetInfo reports the new period" \
			"period: $("$RADIOCTL" --json info | jq -r .period_frames)"
	fi
	cb=$(callbacks)
	check "$frames frames: the callbacks go on" \
		wait_until 5 sh -c "test \$(\"$RADIOCTL\" --json stats | jq -r .callbacks) -gt $cb"
	check "$frames frames: still running" \
		test "$("$RADIOCTL" --json info | jq -r .state)" = STATE_RUNNING
	lvl=$(out_level 1000)
	diag "$frames frames: 1 kHz at radiod:out_1 is $lvl dBFS"
	check "$frames frames: the sine comes out at -8 dBFS" within "$lvl" -8 0.2
done
check "radiod logged each new period" test "$(grep -c 'JACK period is now' "$T_DIR/radiod.log")" -eq 3
finish
