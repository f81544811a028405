#!/usr/bin/env bash
# radiod's very first sound after a start already has the restored EQ and
# fades in from silence to the restored volume (no pop at ignition).
#
# An independent JACK client plays a 1 kHz and a 4 kHz sine (-20 dBFS
# each) and records radiod's output from its first non-silent block; radiod
# autoconnects to it at start.  The saved EQ boosts 4 kHz by 12 dB, so the
# level difference of the two tones shows the EQ whatever the volume ramp
# is doing; their level shows the fade-in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

WINDOW_MS=20	# whole periods of both tones, and many: the fade-in changes
		# the level by 4.6 dB within the first window

start_jackd 48000 512
run_radiod
check "save a +12 dB band at 4 kHz" "$RADIOCTL" eq band 7 --type peaking --freq 4000 --gain 12 --q 2
check "save volume -6 dB" "$RADIOCTL" volume -6
stop_radiod
check "the settings were saved at stop" grep -q '"volume_db": -6.0' "$STATE_DIR/state.json"

cat >"$T_DIR/radiod.conf" <<EOF
[jack]
channels = 1
autoconnect = yes
connect_in = first_audio_src:out
connect_out = first_audio_rec:in
EOF
"$JACK_FIRST_AUDIO" -s "$JACK_SERVER" -f 1000,4000 -l -20 -w "$WINDOW_MS" -d 1.2 -t 20 \
	>"$T_DIR/first.out" 2>"$T_DIR/first.err" &
fa=$!
T_PIDS+=("$fa")
wait_until 15 grep -q '^ready' "$T_DIR/first.out" || bail "jack_first_audio did not start: $(cat "$T_DIR/first.err")"
run_radiod -c "$T_DIR/radiod.conf"
wait_until 30 sh -c "! kill -0 $fa" || bail "jack_first_audio did not finish within 30 s"
wait "$fa"
rc=$?
check "radiod's first sound was recorded" test "$rc" -eq 0
[ "$rc" -eq 0 ] || bail "jack_first_audio: $(cat "$T_DIR/first.err")"

# t_ms hz1 hz2 per window
sed -n 's/^t_ms=\([^ ]*\) hz1_dbfs=\([^ ]*\) hz2_dbfs=\([^ ]*\)$/\1 \2 \3/p' "$T_DIR/first.out" >"$T_DIR/windows"
read -r _ first_lo first_hi < <(head -1 "$T_DIR/windows")
# settled: the mean over the windows from 800 ms on
read -r settled_lo settled_hi < <(awk '$1 >= 800 { lo += $2; hi += $3; n++ }
	END { printf "%.3f %.3f\n", lo / n, hi / n }' "$T_DIR/windows")
first_eq=$(awk -v a="$first_hi" -v b="$first_lo" 'BEGIN { print a - b }')
settled_eq=$(awk -v a="$settled_hi" -v b="$settled_lo" 'BEGIN { print a - b }')
below=$(awk -v a="$settled_hi" -v b="$first_hi" 'BEGIN { print a - b }')
reached=$(awk -v s="$settled_hi" '$3 >= s - 0.5 { print $1; exit }' "$T_DIR/windows")
diag "first ${WINDOW_MS} ms: 1 kHz $first_lo dBFS, 4 kHz $first_hi dBFS (EQ $first_eq dB)"
diag "settled: 1 kHz $settled_lo dBFS, 4 kHz $settled_hi dBFS (EQ $settled_eq dB)"
diag "the first sound is $below dB below the restored level, reached (within 0.5 dB) at $reached ms"

check "settled: 4 kHz comes out at -20 + 12 (EQ) - 6 (volume) = -14 dBFS (+- 0.1)" \
	within "$settled_hi" -14 0.1
check "settled: 1 kHz, outside the band, at -20 - 6 = -26 dBFS (+- 0.5)" within "$settled_lo" -26 0.5
check "the first ${WINDOW_MS} ms already have the EQ (4 kHz over 1 kHz within 0.5 dB of settled)" \
	within "$first_eq" "$settled_eq" 0.5
check "the first sound is at least 60 dB below the restored level" at_least "$below" 60
check "the fade-in never steps down" awk 'NR > 1 && $3 < prev - 0.1 { exit 1 } { prev = $3 }' \
	"$T_DIR/windows"
# ENGINE_FADE_IN_MS: 500 ms from radiod's first block, which comes a block
# or two before the first sound.
check "the fade-in takes the documented 500 ms (reached 400 .. 600 ms after the first sound)" \
	test -n "$reached" -a "${reached:-0}" -ge 400 -a "${reached:-9999}" -le 600
check "GetEq right after the start returns the restored band" \
	test "$("$RADIOCTL" --json eq show | jq -c '.band[7] | [.freq_hz, .gain_db, .q]')" = '[4000,12,2]'
finish
