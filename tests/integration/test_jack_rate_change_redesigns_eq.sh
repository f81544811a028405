#!/usr/bin/env bash
# The EQ is designed for the rate JACK runs at.  A narrow +12 dB band at
# 1 kHz is measured at its centre and on its flank with jackd at 44.1 kHz;
# jackd is then stopped and started again at 48 kHz under the same name.
# radiod joins at the new rate and both measurements repeat.  The design
# (RBJ peaking) gives +12 dB at 1 kHz and +7.36 dB at 1.1 kHz at either
# rate; coefficients left from 44.1 kHz would move the band up by 8.8 % to
# 1088 Hz: +7.94 dB at 1 kHz and +11.89 dB at 1.1 kHz.
. "$(dirname "$0")/lib.sh"

BAND=(eq band 0 --type peaking --freq 1000 --gain 12 --q 4 --on)
CENTRE=1000
FLANK=1100

level_of_sine() { # FREQ: inject a -20 dBFS sine there, print its level at radiod:out_1
	"$RADIOCTL" inject sine --freq "$1" --level -20 >/dev/null || return 1
	out_level "$1"
}
is_state() { test "$("$RADIOCTL" --json info | jq -r .state)" = "$1"; }

start_jackd 44100 512
start_radiod
check "volume 0 dB" "$RADIOCTL" volume 0 --ramp 0
check "band 0: peaking 1 kHz, +12 dB, Q 4" "$RADIOCTL" "${BAND[@]}"
check "info: 44100 Hz" test "$("$RADIOCTL" --json info | jq -r .sample_rate_hz)" = 44100
c44=$(level_of_sine "$CENTRE")
f44=$(level_of_sine "$FLANK")
diag "44100 Hz: $CENTRE Hz comes out at $c44 dBFS, $FLANK Hz at $f44 dBFS"
check "44100 Hz: the band's centre gets +12 dB (-8 dBFS)" within "$c44" -8 0.2
check "44100 Hz: the flank at $FLANK Hz gets +7.36 dB (-12.64 dBFS)" within "$f44" -12.64 0.2

stop_pid "$JACKD_PID" 5
if wait_until 5 is_state STATE_DISCONNECTED; then
	ok "jackd stopped: radiod says disconnected"
else
	not_ok "jackd stopped: radiod says disconnected"
fi
start_jackd 48000 512
if wait_until 10 is_state STATE_RUNNING; then
	ok "jackd at 48000 Hz: radiod joins it"
else
	not_ok "jackd at 48000 Hz: radiod joins it"
fi
check "info: 48000 Hz" test "$("$RADIOCTL" --json info | jq -r .sample_rate_hz)" = 48000
c48=$(level_of_sine "$CENTRE")
f48=$(level_of_sine "$FLANK")
diag "48000 Hz: $CENTRE Hz comes out at $c48 dBFS, $FLANK Hz at $f48 dBFS"
check "48000 Hz: the band's centre still gets +12 dB (-8 dBFS)" within "$c48" -8 0.2
check "48000 Hz: the flank at $FLANK Hz is where it was at 44100 Hz (+-0.2 dB)" \
	within "$f48" "$f44" 0.2
check "radiod logged the rate it joined at" grep -q "joined server '$JACK_SERVER' as '[^']*': 48000 Hz" "$T_DIR/radiod.log"
finish
