#!/usr/bin/env bash
# The EQ, volume, mute, presets and the active preset survive a restart:
# saved at SIGTERM even before the save delay is up, saved within the delay
# after a change, and restored as they were (compared as radioctl --json
# prints them).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

start_jackd 48000 512

# A save delay of a minute: only the stop can have saved what follows.
run_radiod --save-delay 60000
check "set a 3-band EQ with a preamp" "$RADIOCTL" eq set --preamp -2.5 \
	--band lowshelf:80:4.5:0.7 --band peaking:1k:-3.1:1.4:off --band highshelf:8k:2.25:0.7
check "save it as preset 'warm'" "$RADIOCTL" preset save warm
check "change band 1 and save that as 'bright'" sh -c \
	"\"$RADIOCTL\" eq band 1 --gain 6 --on >/dev/null && \"$RADIOCTL\" preset save bright"
check "load 'warm' again" "$RADIOCTL" preset load warm
check "bypass on" "$RADIOCTL" eq bypass on
check "volume -17.5 dB" "$RADIOCTL" volume -17.5
check "mute on" "$RADIOCTL" mute on
"$RADIOCTL" --json eq show >"$T_DIR/eq.before"
"$RADIOCTL" --json volume >"$T_DIR/volume.before"
"$RADIOCTL" --json preset list >"$T_DIR/presets.before"
check "a saved preset is on disk when the request returns" test -s "$STATE_DIR/presets.json"
check "the settings are not saved before the delay is up" test ! -e "$STATE_DIR/state.json"

t0=$(date +%s%N)
stop_radiod
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
diag "radiod stopped in $ms ms, saving on the way"
check "SIGTERM: radiod exits 0" test "$rc" -eq 0
check "SIGTERM saves the settings" test -s "$STATE_DIR/state.json"
check "SIGTERM: the stop still takes under a second" test "$ms" -lt 1000

run_radiod
"$RADIOCTL" --json eq show >"$T_DIR/eq.after"
"$RADIOCTL" --json volume >"$T_DIR/volume.after"
"$RADIOCTL" --json preset list >"$T_DIR/presets.after"
check "restart: the EQ is exactly as before" cmp "$T_DIR/eq.before" "$T_DIR/eq.after"
check "restart: the EQ has the 3 bands and the bypass" \
	test "$(jq -c '[(.band | length), .bypass, .preamp_db]' "$T_DIR/eq.after")" = '[3,true,-2.5]'
check "restart: volume and mute are as before" cmp "$T_DIR/volume.before" "$T_DIR/volume.after"
check "restart: volume is -17.5 dB, muted" \
	test "$(jq -c '[.db, .muted]' "$T_DIR/volume.after")" = '[-17.5,true]'
check "restart: the presets are as before" cmp "$T_DIR/presets.before" "$T_DIR/presets.after"
check "restart: 'warm' is still the active preset" \
	test "$("$RADIOCTL" --json info | jq -r .active_preset)" = warm
check "restart: the log says what was restored" grep -qF \
	"state: restored from state.json: volume -17.5 dB (muted), 3 EQ bands (bypassed), preset 'warm'; presets: 2" \
	"$T_DIR/radiod.log"

# The default delay: a change is on disk half a second later.
check "volume -9 dB" "$RADIOCTL" volume -9
t0=$(date +%s%N)
if wait_until 5 grep -q '"volume_db": -9.0,' "$STATE_DIR/state.json"; then
	ok "a change is saved within the save delay"
	diag "saved $((($(date +%s%N) - t0) / 1000000)) ms after the change (delay 500 ms)"
else
	not_ok "a change is saved within the save delay" "$(cat "$STATE_DIR/state.json")"
fi
check "the save left no temp file" test ! -e "$STATE_DIR/state.json.tmp"
check "the save before the last is kept as the backup" \
	grep -q '"volume_db": -17.5,' "$STATE_DIR/state.json.bak"
saved=$(grep -o 'saved [^ ]*/state.json in [0-9.]* ms' "$T_DIR/radiod.log" | tail -1)
diag "radiod: $saved"

# A stream of changes, never 500 ms apart, is still saved within 4 x 500 ms
# of its first change (plus a second for noticing it on a busy machine;
# without the bound nothing would be saved before the stream ends).
t0=$(date +%s%N)
first_saved=""
for ((i = 0; i < 40; i++)); do
	"$RADIOCTL" volume "-2$((i % 2)).5" >/dev/null
	if grep -q '"volume_db": -2[01].5,' "$STATE_DIR/state.json"; then
		first_saved=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
	sleep 0.1
done
diag "a stream of changes every ~100 ms was first saved after ${first_saved:-(never)} ms"
check "a stream of changes is saved while it goes on, 2 s after its start" \
	test -n "$first_saved" -a "${first_saved:-9999}" -le 3000

check "volume -9 dB again" "$RADIOCTL" volume -9
wait_until 5 grep -q '"volume_db": -9.0,' "$STATE_DIR/state.json" || bail "-9 dB was not saved"
kill_radiod
run_radiod
check "SIGKILL after the save: the volume is the saved -9 dB" \
	test "$("$RADIOCTL" --json volume | jq -c .db)" = -9
check "no state file was ever found damaged" test "$(logged_count unusable)" -eq 0
finish
