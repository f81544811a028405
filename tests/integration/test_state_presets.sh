#!/usr/bin/env bash
# radioctl preset save|load|list|delete against the real radiod: a preset
# holds the bands and the preamp; loading applies them and makes the preset
# active; a change of a band by hand clears "active", bypass and volume do
# not; names are checked; at most 64 presets; errors name the cause and
# exit with radioctl's documented codes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

start_jackd 48000 512
run_radiod

active() { "$RADIOCTL" --json info | jq -r .active_preset; }
band_gain() { "$RADIOCTL" --json eq show | jq -r ".band[$1].gain_db"; }

check "no presets at first" test "$("$RADIOCTL" preset list)" = "no presets"
check "no active preset at first" test "$(active)" = ""

check "band 2 +5 dB, preamp via eq set" "$RADIOCTL" eq set --preamp -1.5 \
	--band peaking:100:0:1 --band peaking:1k:0:1 --band peaking:2k:5:1.4
check "preset save jazz" "$RADIOCTL" preset save jazz
check "saving makes it the active preset" test "$(active)" = jazz
check "band 2 to -7 dB by hand" "$RADIOCTL" eq band 2 --gain -7
check "a change by hand clears the active preset" test "$(active)" = ""
check "preset save 'late night' (a name with a space)" "$RADIOCTL" preset save "late night"

out=$("$RADIOCTL" --json preset load jazz)
check "preset load jazz prints the EQ it applied" test "$(echo "$out" | jq -r '.band[2].gain_db')" = 5
check "the EQ now has jazz's band 2" test "$(band_gain 2)" = 5
check "and jazz's preamp" test "$("$RADIOCTL" --json eq show | jq -r .preamp_db)" = -1.5
check "loading makes it active" test "$(active)" = jazz
check "preset list marks the active one" \
	test "$("$RADIOCTL" preset list | grep '^\*' | awk '{print $2}')" = jazz
check "preset list --json: sorted by name, active named" \
	test "$("$RADIOCTL" --json preset list | jq -c '[[.preset[].name], .active]')" = \
	'[["jazz","late night"],"jazz"]'
check "a preset holds no bypass switch" \
	test "$("$RADIOCTL" --json preset list | jq -c '[.preset[].eq | has("bypass")]')" = '[false,false]'

check "eq bypass on" "$RADIOCTL" eq bypass on
check "bypass leaves the preset active" test "$(active)" = jazz
check "loading a preset keeps the bypass switch" \
	test "$("$RADIOCTL" --json preset load "late night" | jq -r .bypass)" = true
check "eq bypass off" "$RADIOCTL" eq bypass off
check "volume -3" "$RADIOCTL" volume -3
check "volume leaves the preset active" test "$(active)" = "late night"

check "preset delete 'late night'" "$RADIOCTL" preset delete "late night"
check "deleting the active preset clears it" test "$(active)" = ""
check "one preset left" test "$("$RADIOCTL" --json preset list | jq '.preset | length')" -eq 1

"$RADIOCTL" preset load blues >"$T_DIR/err.out" 2>&1
rc=$?
check "loading an unknown preset exits 1" test "$rc" -eq 1
check "and says there is no such preset" \
	grep -qF 'radioctl: load_preset: no preset named "blues"' "$T_DIR/err.out"
"$RADIOCTL" preset delete blues >"$T_DIR/err.out" 2>&1
rc=$?
check "deleting an unknown preset exits 1" test "$rc" -eq 1
check "and names it" grep -qF 'delete_preset: no preset named "blues"' "$T_DIR/err.out"
"$RADIOCTL" preset save "a/b" >"$T_DIR/err.out" 2>&1
rc=$?
check "a name with '/' is a usage error (exit 2)" test "$rc" -eq 2
check "and the message says which characters are allowed" \
	grep -qF "may hold only A-Z a-z 0-9, space, '.', '_' and '-'" "$T_DIR/err.out"
"$RADIOCTL" preset save .hidden >/dev/null 2>&1
rc=$?
check "a name starting with '.' is a usage error" test "$rc" -eq 2
"$RADIOCTL" preset save >/dev/null 2>&1
rc=$?
check "save without a name is a usage error" test "$rc" -eq 2

for ((i = 1; i < 64; i++)); do
	"$RADIOCTL" preset save "p$i" >/dev/null 2>&1 || break
done
check "64 presets can be saved" test "$("$RADIOCTL" --json preset list | jq '.preset | length')" -eq 64
"$RADIOCTL" preset save one-too-many >"$T_DIR/err.out" 2>&1
rc=$?
check "a 65th preset is refused with exit 1" test "$rc" -eq 1
check "and the message gives the limit" \
	grep -qF "save_preset: 64 presets already, the most radiod keeps: delete one first" "$T_DIR/err.out"
check "saving over an existing name still works at the limit" "$RADIOCTL" preset save p7
check "every preset op was logged" test "$(logged_count "state: saved preset '")" -ge 65
finish
