#!/usr/bin/env bash
# radioctl measure, through radiod's measurement tap: a sine through a flat
# EQ has THD below -100 dB; the measured response with a +6 dB band matches
# the designed curve within 0.3 dB from 100 Hz to 10 kHz; the latency of a
# JACK loop from radiod's out_1 back to its in_1 is exactly one period on
# the dummy backend; no loop is an error that says what to connect; no
# measurement leaves its signal playing.
. "$(dirname "$0")/lib.sh"

PERIOD=512
start_jackd 48000 "$PERIOD"
start_radiod
# radiod fades its volume in over 500 ms when it joins JACK: measure after.
wait_until 10 sh -c "\"$RADIOCTL\" --json info | jq -e '.uptime_s > 1'" ||
	bail "radiod's uptime never passed 1 s"

ch1_silent() { # radiod's own meter: nothing on channel 1
	"$RADIOCTL" --json stats >/dev/null
	sleep 0.2
	"$RADIOCTL" --json stats | jq -e '.meters.channel[0].peak_dbfs < -100' >/dev/null
}

# --- THD+N of a sine through the flat EQ
check "measure thd runs" sh -c "\"$RADIOCTL\" --json measure thd --freq 1000 --level -6 \
	>\"$T_DIR/thd.json\""
diag "thd: $(cat "$T_DIR/thd.json")"
thd=$(jq -r .thd_db "$T_DIR/thd.json")
check "THD of a 1 kHz sine through a flat EQ is below -100 dB ($thd dB)" at_most "$thd" -100
check "THD+N too" jq -e '.thdn_db < -100' "$T_DIR/thd.json"
check "the fundamental is the sine: 1000 Hz at -6 dBFS" \
	jq -e '(.fundamental_hz - 1000 | fabs) < 0.01 and (.fundamental_dbfs + 6 | fabs) < 0.01' \
	"$T_DIR/thd.json"
check "the measurement stops its sine" ch1_silent

# --- frequency response against the designed curve
check "a +6 dB peaking band at 1 kHz" \
	"$RADIOCTL" eq band 3 --type peaking --freq 1000 --gain 6 --q 1.4 --on
sleep 0.2 # the 20 ms coefficient ramp is long over
check "measure response runs" sh -c "\"$RADIOCTL\" --json measure response --from 100 \
	--to 10k --per-octave 6 >\"$T_DIR/response.json\""
dev=$(jq -r .max_deviation_db "$T_DIR/response.json")
at_1k=$(jq -r '.points[] | select((.freq_hz - 1000 | fabs) < 0.01) | .measured_db' \
	"$T_DIR/response.json")
diag "response: max deviation $dev dB at $(jq -r .max_deviation_hz "$T_DIR/response.json") Hz," \
	"$(jq '.points | length' "$T_DIR/response.json") points, measured $at_1k dB at 1 kHz"
check "the measured response matches the designed curve within 0.3 dB, 100 Hz .. 10 kHz" \
	jq -e '[.points[] | .deviation_db | fabs] | max <= 0.3' "$T_DIR/response.json"
check "the band's +6 dB shows at 1 kHz" within "$at_1k" 6 0.3
check "the points span 100 Hz .. 10 kHz" \
	jq -e '.points[0].freq_hz == 100 and .points[-1].freq_hz == 10000' "$T_DIR/response.json"
check "the table form ends with the largest deviation" \
	sh -c "\"$RADIOCTL\" measure response --from 100 --to 10k | tail -n 1 | grep -q '^max deviation'"
check "the measurement stops its noise" ch1_silent
check "flat EQ again" "$RADIOCTL" eq band 3 --gain 0

# --- round-trip latency through a JACK loop
"$RADIOCTL" measure latency >/dev/null 2>"$T_DIR/noloop.err"
rc=$?
check "without a loop, measure latency fails (exit 6)" test "$rc" -eq 6
check "saying what to connect" grep -q "connect a loop from radiod's out_1 to its in_1" \
	"$T_DIR/noloop.err"
check "connect radiod:out_1 to radiod:in_1" jack_connect -s "$JACK_SERVER" radiod:out_1 radiod:in_1
check "measure latency runs" sh -c "\"$RADIOCTL\" --json measure latency >\"$T_DIR/latency.json\""
diag "latency: $(cat "$T_DIR/latency.json")"
lat=$(jq -r .latency_frames "$T_DIR/latency.json")
check "the loop's latency is exactly one period ($lat = $PERIOD frames)" test "$lat" -eq "$PERIOD"
check "the human form says it in frames, ms and periods" \
	sh -c "\"$RADIOCTL\" measure latency | grep -q '^latency *512 frames = 10.667 ms = 1.00 periods'"
check "disconnect the loop" jack_disconnect -s "$JACK_SERVER" radiod:out_1 radiod:in_1
check "the measurement stops its impulse" ch1_silent

# --- arguments
"$RADIOCTL" measure noise >/dev/null 2>&1
rc=$?
check "an unknown measurement is a usage error (exit 2)" test "$rc" -eq 2
"$RADIOCTL" measure thd --to 5k >/dev/null 2>&1
rc=$?
check "an option of another measurement is a usage error (exit 2)" test "$rc" -eq 2
"$RADIOCTL" measure thd --channel 3 >/dev/null 2>"$T_DIR/ch.err"
rc=$?
check "a channel radiod does not have is a usage error (exit 2)" test "$rc" -eq 2
check "naming radiod's channel count" grep -q 'radiod has 2 channels' "$T_DIR/ch.err"
finish
