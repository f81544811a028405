#!/usr/bin/env bash
# A +6 dB band at the frequency of an injected -20 dBFS sine raises the level
# by 6 +- 0.2 dB, seen by radiod's own meters and by an independent JACK
# client recording radiod's output.
. "$(dirname "$0")/lib.sh"

start_jackd 48000 512
start_radiod

meter_rms() { # channel: RMS since the previous read, after one clearing read
	"$RADIOCTL" --json stats >/dev/null
	sleep 0.4 # the meter integrates over its 300 ms window
	"$RADIOCTL" --json stats | jq -r ".meters.channel[$1].rms_dbfs"
}

outside() { # level of 1 kHz at radiod:out_1, measured by jack_level
	"$JACK_LEVEL" -s "$JACK_SERVER" -f 1000 -d 0.5 -k 0.2 radiod:out_1 |
		sed -n 's/.*level_dbfs=\([^ ]*\).*/\1/p'
}

check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
check "volume 0 dB" "$RADIOCTL" volume 0 --ramp 0
wait_until 5 sh -c "\"$RADIOCTL\" --json stats | jq -e '.meters.channel[0].peak_dbfs > -30'" ||
	bail "the injected sine never reached the meters"
sleep 0.3
before_m=$(meter_rms 0)
before_o=$(outside)
diag "before: meter rms $before_m dBFS, jack_level $before_o dBFS"
check "jack_level sees the sine at -20 dBFS" within "$before_o" -20 0.2
check "meter RMS of a -20 dBFS sine is -23.01 dBFS" within "$before_m" -23.01 0.1

check "set band 0 to +6 dB peaking at 1 kHz" \
	"$RADIOCTL" eq band 0 --type peaking --freq 1000 --gain 6 --q 1.0 --on
sleep 0.2 # the 20 ms coefficient ramp is long over
after_m=$(meter_rms 0)
after_o=$(outside)
diag "after: meter rms $after_m dBFS, jack_level $after_o dBFS"
d_m=$(awk -v a="$after_m" -v b="$before_m" 'BEGIN { print a - b }')
d_o=$(awk -v a="$after_o" -v b="$before_o" 'BEGIN { print a - b }')
diag "rise: meters $d_m dB, jack_level $d_o dB"
check "meters: the band raises the level by 6 +- 0.2 dB" within "$d_m" 6 0.2
check "jack_level: the band raises the level by 6 +- 0.2 dB" within "$d_o" 6 0.2

check "eq bypass on" "$RADIOCTL" eq bypass on
sleep 0.2
byp=$(outside)
check "bypass returns the level to -20 dBFS" within "$byp" -20 0.2
finish
