#!/usr/bin/env bash
# FFTW's wisdom in the state directory (daemon/wisdom.h): the first start
# measures the spectrum's transform and saves what FFTW learnt as
# fftw-wisdom, in the state files' format; the next start loads it and
# plans the transform from it (nothing new to save).  A file that fails its
# checksum, and one with a valid checksum that FFTW does not take as
# wisdom, are each set aside with a log line; radiod measures again, saves
# fresh wisdom and its spectrum works every time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

WISDOM=$STATE_DIR/fftw-wisdom

# loudest_band_hz: the centre of the loudest band of one spectrum update.
loudest_band_hz() {
	"$RADIOCTL" --json spectrum --count 1 --interval 50 |
		jq '[.band_db, .centre_hz] | transpose | max_by(.[0]) | .[1]'
}
# crc32_of FILE: CRC-32 (IEEE) of FILE in 8 lower-case hex digits: gzip's
# trailer holds it, little-endian.
crc32_of() { gzip -c "$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'; }
run_saved() { test "$(logged_count "fftw wisdom: saved $WISDOM")" -eq "$1"; }

start_jackd 48000 512

# 1. The first start: nothing there yet; measured, then saved.
run_radiod
check "first start: the log says there is no wisdom yet" \
	grep -qF "fftw wisdom: none in $STATE_DIR yet" "$T_DIR/radiod.log"
if wait_until 10 run_saved 1; then
	ok "first start: the wisdom is saved once JACK is joined"
else
	not_ok "first start: the wisdom is saved once JACK is joined" "$(grep wisdom "$T_DIR/radiod.log")"
fi
header=$(head -n 1 "$WISDOM")
diag "fftw-wisdom: $(wc -c <"$WISDOM") bytes, header '$header'"
check "its header: kind, version, checksum and size" \
	grep -qE '^radiod-fftw-wisdom 1 crc32=[0-9a-f]{8} size=[0-9]+$' "$WISDOM"
tail -n +2 "$WISDOM" >"$T_DIR/payload"
check "the checksum in the header is the payload's" \
	test "crc32=$(crc32_of "$T_DIR/payload")" = "$(echo "$header" | cut -d' ' -f3)"
check "the payload is FFTW's single-precision wisdom" grep -q '^(fftw-3[.0-9]* fftwf_wisdom' "$T_DIR/payload"
check "inject a -20 dBFS 1 kHz sine" "$RADIOCTL" inject sine --freq 1000 --level -20
check "the spectrum's loudest band is 1 kHz" within "$(loudest_band_hz)" 1000 0.5
stop_radiod
check "radiod stops cleanly" test $? -eq 0

# 2. The next start plans from the file and has nothing new to save.
run_radiod
check "second start: the wisdom is loaded and covers the spectrum's transform" grep -qF \
	"fftw wisdom: loaded $WISDOM: the spectrum's transform is planned from it" "$T_DIR/radiod.log"
wait_until 10 sh -c "\"$RADIOCTL\" --json info | jq -e '.state == \"STATE_RUNNING\"' >/dev/null" ||
	not_ok "second start: radiod joins JACK"
check "inject the sine again" "$RADIOCTL" inject sine --freq 1000 --level -20
check "second start: the spectrum's loudest band is 1 kHz" within "$(loudest_band_hz)" 1000 0.5
check "second start: nothing new was saved" run_saved 1
stop_radiod
check "radiod stops cleanly again" test $? -eq 0

# 3. One byte of the payload changed: the checksum fails.
offset=$(($(head -n 1 "$WISDOM" | wc -c) + 5))
byte=$(dd if="$WISDOM" bs=1 skip="$offset" count=1 2>/dev/null)
new=X
[ "$byte" = X ] && new=Y
printf '%s' "$new" | dd of="$WISDOM" bs=1 seek="$offset" conv=notrunc 2>/dev/null
run_radiod
check "a damaged fftw-wisdom is set aside, the log naming it and why" grep -qF \
	"state file $WISDOM is unusable (checksum mismatch: the header says" "$T_DIR/radiod.log"
check "it is kept as fftw-wisdom.corrupt-*" \
	test "$(ls "$STATE_DIR" | grep -c '^fftw-wisdom\.corrupt-')" -eq 1
if wait_until 10 run_saved 2; then
	ok "fresh wisdom is saved in its place"
else
	not_ok "fresh wisdom is saved in its place" "$(grep wisdom "$T_DIR/radiod.log")"
fi
check "inject the sine again" "$RADIOCTL" inject sine --freq 1000 --level -20
check "the spectrum works: loudest band 1 kHz" within "$(loudest_band_hz)" 1000 0.5
stop_radiod
check "radiod stops cleanly (3)" test $? -eq 0

# 4. A valid header and checksum around a payload FFTW rejects.
printf '(not-fftw-wisdom 1 2 3)\n' >"$T_DIR/bad"
{
	printf 'radiod-fftw-wisdom 1 crc32=%s size=%d\n' "$(crc32_of "$T_DIR/bad")" \
		"$(wc -c <"$T_DIR/bad")"
	cat "$T_DIR/bad"
} >"$WISDOM"
run_radiod
check "wisdom FFTW does not accept is set aside too, saying so" grep -qF \
	"state file $WISDOM is unusable (FFTW does not accept it as wisdom)" "$T_DIR/radiod.log"
check "two files set aside now" test "$(ls "$STATE_DIR" | grep -c '^fftw-wisdom\.corrupt-')" -eq 2
if wait_until 10 run_saved 3; then
	ok "and fresh wisdom is saved again"
else
	not_ok "and fresh wisdom is saved again" "$(grep wisdom "$T_DIR/radiod.log")"
fi
check "inject the sine again" "$RADIOCTL" inject sine --freq 1000 --level -20
check "the spectrum works: loudest band 1 kHz" within "$(loudest_band_hz)" 1000 0.5
check "the saved file passes its checks" test "$(tail -n +2 "$WISDOM" | wc -c)" -eq \
	"$(head -n 1 "$WISDOM" | sed 's/.* size=//')"
finish
