#!/usr/bin/env bash
# A damaged state file is set aside with a log line naming the file, the
# reason and where it went; radiod then uses the save before the last one
# (state.json.bak), or the defaults when that is damaged too, and goes on
# saving normally.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

volume() { "$RADIOCTL" --json volume | jq -r .db; }
saved_volume() { grep -q "\"volume_db\": $1," "$STATE_DIR/state.json" 2>/dev/null; }

start_jackd 48000 512
run_radiod --save-delay 50
check "volume -11 dB" "$RADIOCTL" volume -11
wait_until 5 saved_volume -11.0 || bail "volume -11 was not saved"
check "volume -13 dB" "$RADIOCTL" volume -13
wait_until 5 saved_volume -13.0 || bail "volume -13 was not saved"
stop_radiod
check "radiod stops cleanly" test $? -eq 0

# One byte of the payload changes: the JSON stays valid, the checksum does not.
offset=$(($(head -1 "$STATE_DIR/state.json" | wc -c) + 40))
byte=$(dd if="$STATE_DIR/state.json" bs=1 skip="$offset" count=1 2>/dev/null)
new=X
[ "$byte" = X ] && new=Y
printf '%s' "$new" | dd of="$STATE_DIR/state.json" bs=1 seek="$offset" conv=notrunc 2>/dev/null
run_radiod --save-delay 50
check "a damaged state.json is set aside with a log line naming it and why" grep -qF \
	"state file $STATE_DIR/state.json is unusable (checksum mismatch: the header says" \
	"$T_DIR/radiod.log"
aside=$(ls "$STATE_DIR" | grep '^state\.json\.corrupt-' | head -1)
check "the log line says where it went" grep -qF "moved it to $STATE_DIR/$aside" "$T_DIR/radiod.log"
check "the damaged file is kept as it was" \
	sh -c "test \"\$(dd if='$STATE_DIR/$aside' bs=1 skip=$offset count=1 2>/dev/null)\" = $new"
check "the log says the save before the last one is used" \
	grep -qF "state: using $STATE_DIR/state.json.bak, the save before the last one" "$T_DIR/radiod.log"
check "the volume is that of the save before: -11 dB" test "$(volume)" = -11
stop_radiod
check "radiod stops cleanly again" test $? -eq 0

# Now the backup is cut short too: defaults.
size=$(stat -c %s "$STATE_DIR/state.json.bak")
truncate -s $((size / 2)) "$STATE_DIR/state.json.bak"
run_radiod --save-delay 50
check "a truncated backup is set aside, and the log says so" grep -qE \
	"state file $STATE_DIR/state.json.bak is unusable \(truncated: [0-9]+ of [0-9]+ payload bytes\): moved it to $STATE_DIR/state.json.bak.corrupt-" \
	"$T_DIR/radiod.log"
check "with nothing usable the log says defaults are used" \
	grep -qF "state: no usable state.json in $STATE_DIR: using defaults" "$T_DIR/radiod.log"
check "the volume is the default 0 dB" test "$(volume)" = 0
check "the EQ is the default flat one" \
	test "$("$RADIOCTL" --json eq show | jq '[.band[].gain_db] | map(select(. != 0)) | length')" -eq 0

check "volume -4 dB" "$RADIOCTL" volume -4
check "the next change is saved normally" wait_until 5 saved_volume -4.0
kill_radiod
run_radiod
check "and restored after a SIGKILL" test "$(volume)" = -4
check "the damaged files stay set aside" \
	test "$(ls "$STATE_DIR" | grep -c 'corrupt-')" -eq 2
finish
