#!/usr/bin/env bash
# radiod's figures are true: the frames it counts match JACK's frame clock,
# callbacks match frames / period, there are no xruns on the dummy backend,
# and the xruns it counts are the ones JACK reports to another client.
. "$(dirname "$0")/lib.sh"

start_jackd 48000 256
start_radiod
sleep 0.5

snap() { "$RADIOCTL" --json stats >"$1" && "$JACK_PROBE" -s "$JACK_SERVER" frames >"$1.jack"; }
JACK_PROBE=${JACK_PROBE:-$top_builddir/tests/jack_probe}

snap "$T_DIR/s0.json"
t0=$(date +%s%N)
wait_until 30 sh -c "\"$RADIOCTL\" --json stats | jq -e '.callbacks > $(jq .callbacks "$T_DIR/s0.json") + 1000'" ||
	bail "radiod did not run 1000 callbacks within 30 s"
snap "$T_DIR/s1.json"
el_s=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')

c0=$(jq .callbacks "$T_DIR/s0.json") c1=$(jq .callbacks "$T_DIR/s1.json")
f0=$(jq .frames "$T_DIR/s0.json") f1=$(jq .frames "$T_DIR/s1.json")
j0=$(cat "$T_DIR/s0.json.jack") j1=$(cat "$T_DIR/s1.json.jack")
dc=$((c1 - c0)) df=$((f1 - f0)) dj=$(((j1 - j0) & 0xffffffff))
diag "callbacks +$dc, frames +$df, JACK frame clock +$dj, wall ${el_s}s"
check "frames == callbacks x period" test "$df" -eq $((dc * 256))
# The two reads are a radioctl round trip apart: allow 8 periods either way.
check "radiod's frames match JACK's frame clock within 8 periods" within "$df" "$dj" $((8 * 256))
check "callbacks match wall-clock time within 10 %" within "$dc" "$(awk -v s="$el_s" 'BEGIN { print s * 48000 / 256 }')" "$(awk -v s="$el_s" 'BEGIN { print s * 48000 / 256 / 10 + 10 }')"
check_xruns

for h in jitter processing wakeup; do
	n=$(jq -r ".timing[] | select(.name == \"$h\") | .count" "$T_DIR/s1.json")
	# jitter is an interval: the first callback after activation has none
	check "$h histogram counts every callback" test "${n:-0}" -ge $((c1 - 1))
	p99=$(jq -r ".timing[] | select(.name == \"$h\") | .p99_ns" "$T_DIR/s1.json")
	diag "$h: p50 $(jq -r ".timing[] | select(.name == \"$h\") | .p50_ns" "$T_DIR/s1.json") ns, p99 $p99 ns, max $(jq -r ".timing[] | select(.name == \"$h\") | .max_ns" "$T_DIR/s1.json") ns"
done
check "the raw histograms come with stats" test "$(jq '.histogram | length' "$T_DIR/s1.json")" -eq 3
check "processing p50 is above zero" at_least "$(jq -r '.timing[] | select(.name == "processing") | .p50_ns' "$T_DIR/s1.json")" 1

# The machine's own late wake-ups (JackTimedDriver lines) can land between
# radiod's stats read and the probe joining: those count for radiod alone.
noise() { grep -c 'JackTimedDriver::Process XRun' "$T_DIR/jackd.log"; }
n0=$(noise)
x0=$("$RADIOCTL" --json stats | jq .xruns)
seen=$("$JACK_PROBE" -s "$JACK_SERVER" xruns 3) || bail "jack_probe could not overrun the graph"
x1=$("$RADIOCTL" --json stats | jq .xruns)
n1=$(noise)
dx=$((x1 - x0)) dn=$((n1 - n0))
diag "jack_probe overran 3 cycles; JACK reported $seen xruns to it; radiod counted $dx; machine noise in the window $dn"
check "JACK reported the forced xruns" test "$seen" -ge 1
check "radiod counts every xrun JACK reports, and only those" \
	sh -c "[ $dx -ge $seen ] && [ $dx -le $((seen + dn)) ]"

check "reset" "$RADIOCTL" reset
check "after reset the counts start again" test "$("$RADIOCTL" --json stats | jq .callbacks)" -lt "$c1"
finish
