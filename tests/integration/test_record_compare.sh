#!/usr/bin/env bash
# radioctl record, compare and plot against the real radiod on the dummy
# backend: a recorded session holds what radiod did and where, compares
# cleanly with itself, is flagged against a session with twice the
# processing time and more xruns (naming those rows), and plots to a real
# PNG and SVG.
. "$(dirname "$0")/lib.sh"

printf '[audio]\nramp_ms = 40\n' >"$T_DIR/radiod.conf"
start_jackd 48000 256
start_radiod -c "$T_DIR/radiod.conf"

A=$T_DIR/a.json
check "record 4 s in 1 s intervals" \
	"$RADIOCTL" record --duration 4 --interval 1 -o "$A" --label idle
[ -s "$A" ] || bail "record wrote no session"

check "the file is a radiod session, version 1" \
	jq -e '.format == "radiod-session" and .version == 1' "$A"
check "it holds 4 intervals, 1 s apart" \
	jq -e '(.intervals | length) == 4 and all(.intervals[]; .elapsed_s > 0.9 and .elapsed_s < 1.5)' "$A"
cb=$(jq .totals.callbacks "$A")
dur=$(jq .duration_s "$A")
diag "4 s session: $cb callbacks in $dur s, $(jq .totals.xruns "$A") xruns"
check "its callbacks match 48000 / 256 per second within 10 %" \
	within "$cb" "$(awk -v d="$dur" 'BEGIN { print d * 48000 / 256 }')" \
	"$(awk -v d="$dur" 'BEGIN { print d * 48000 / 256 / 10 }')"
check "each histogram counts every callback of the session" \
	jq -e --argjson cb "$cb" 'all(.histograms[]; .count >= $cb - 2 and .count <= $cb + 2)' "$A"
check "each interval's p50 <= p99 <= p99.9 <= max" \
	jq -e 'all(.intervals[].timing[]; .p50_ns <= .p99_ns and .p99_ns <= .p999_ns and .p999_ns <= .max_ns)' "$A"
check "the metadata names the JACK setup" \
	jq -e '.radiod.sample_rate_hz == 48000 and .radiod.period_frames == 256' "$A"
check "the metadata names this host and kernel" \
	jq -e --arg h "$(uname -n)" --arg k "$(uname -r)" '.host.name == $h and (.host.kernel | contains($k))' "$A"
check "the label is kept" jq -e '.label == "idle"' "$A"
sha=$(sha256sum "$T_DIR/radiod.conf" | cut -d' ' -f1)
check "config_sha256 is the SHA-256 of radiod's configuration file" \
	jq -e --arg s "$sha" '.radiod.config_sha256 == $s' "$A"
check "radioctl info shows the same hash" \
	sh -c "\"$RADIOCTL\" --json info | jq -e --arg s $sha '.config_sha256 == \$s'"

out=$("$RADIOCTL" compare "$A" "$A" 2>&1)
rc=$?
check "a session compared with itself exits 0" test "$rc" -eq 0
check "and says so" grep -q "^B is within the thresholds of A$" <<<"$out"
check "compare --json says it did not regress" \
	sh -c "\"$RADIOCTL\" --json compare \"$A\" \"$A\" | jq -e '.regressed == false and (.rows | length) > 10'"

# B: every processing time doubled (for values >= 128 ns the bucket index
# grows by 64, one octave), and 3 more xruns.
B=$T_DIR/b.json
jq '(.histograms[] | select(.name == "processing")) |=
      (.buckets |= map([.[0] + 64, .[1]]) | .min_ns *= 2 | .max_ns *= 2 | .sum_ns *= 2)
    | .totals.xruns += 3 | .intervals[-1].xruns += 3 | .label = "twice as slow"' "$A" >"$B" ||
	bail "jq could not make the regressed session"
CMP=$T_DIR/compare.out
"$RADIOCTL" compare "$A" "$B" --min-change-us 1 >"$CMP" 2>"$T_DIR/compare.err"
rc=$?
diag "compare A B:"
while IFS= read -r l; do diag "  $l"; done <"$CMP"
check "a regressed session exits 1" test "$rc" -eq 1
check "the processing p99 row is flagged" grep -Eq "^processing p99 .*REGRESSED$" "$CMP"
check "the xruns row is flagged" grep -Eq "^xruns .*REGRESSED$" "$CMP"
check "the unchanged jitter p99 is shown, not flagged" \
	sh -c "grep -q '^jitter p99 ' \"$CMP\" && ! grep -q '^jitter p99 .*REGRESSED' \"$CMP\""
check "the last line names the regressions" \
	grep -Eq "^B regressed past the thresholds in [0-9]+ figures: xruns, processing p99" "$CMP"
check "radioctl's message says B regressed" grep -q "regressed against" "$T_DIR/compare.err"
check "the other way round it is an improvement: exit 0" \
	"$RADIOCTL" compare "$B" "$A" --min-change-us 1
check "raising the thresholds lets it pass" \
	"$RADIOCTL" compare "$A" "$B" --threshold-p99 150 --threshold-p999 150 --threshold-xruns 3

head -c 300 "$A" >"$T_DIR/cut.json"
"$RADIOCTL" compare "$A" "$T_DIR/cut.json" >/dev/null 2>"$T_DIR/cut.err"
rc=$?
check "a damaged session file exits 7" test "$rc" -eq 7
check "naming the file and what is wrong" grep -q "cut.json:1:300: not JSON" "$T_DIR/cut.err"

check "plot writes a PNG" "$RADIOCTL" plot "$A" -o "$T_DIR/a.png"
check "whose first bytes are PNG's signature" \
	test "$(head -c 8 "$T_DIR/a.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
check "plot writes an SVG" "$RADIOCTL" plot "$B" -o "$T_DIR/b.svg"
check "whose root element is <svg>" \
	sh -c "grep -q '^<svg' \"$T_DIR/b.svg\" && tail -n 3 \"$T_DIR/b.svg\" | grep -q '^</svg>'"
env PATH=/nonexistent "$RADIOCTL" plot "$A" -o "$T_DIR/c.png" >/dev/null 2>"$T_DIR/plot.err"
rc=$?
check "without gnuplot, plot exits 6" test "$rc" -eq 6
check "saying how to install it" grep -q "gnuplot is not installed (on Debian: apt-get install gnuplot-nox)" "$T_DIR/plot.err"

# SIGTERM (a soak script's timeout) ends a recording early, keeping it.
C=$T_DIR/c.json
"$RADIOCTL" record --duration 60 --interval 0.5 -o "$C" >"$T_DIR/record.out" 2>&1 &
rec=$!
T_PIDS+=("$rec")
wait_until 15 grep -q "^ *1\.0 " "$T_DIR/record.out" || bail "record printed no interval within 15 s"
kill -TERM "$rec"
wait "$rec"
rc=$?
check "a recording ended by SIGTERM exits 0" test "$rc" -eq 0
check "its session is written, marked interrupted and short" \
	jq -e '.interrupted == true and .duration_s < 30 and (.intervals | length) >= 2' "$C"
check "and compares like any other" "$RADIOCTL" compare "$A" "$C" --threshold-max 100000 \
	--threshold-p999 100000 --threshold-p99 100000 --threshold-xruns 1000

printf '[audio]\nramp_ms = 60\n' >"$T_DIR/radiod.conf"
check "reload a changed configuration file" "$RADIOCTL" reload
sha=$(sha256sum "$T_DIR/radiod.conf" | cut -d' ' -f1)
check "radioctl info shows the new file's hash" \
	sh -c "\"$RADIOCTL\" --json info | jq -e --arg s $sha '.config_sha256 == \$s'"
finish
