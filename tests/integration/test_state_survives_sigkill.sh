#!/usr/bin/env bash
# The state survives SIGKILL at random moments of 1,000 back-to-back saves
# (RADIOD_TEST_KILL_ROUNDS), EQ saves and preset saves: every start finds,
# in state.json and in presets.json alike, the last save or the one before
# it - never a torn file, never the defaults once something was saved - a
# save cut short leaves the file it was to replace as it was, and no file
# is ever found damaged.
#
# Each round starts radiod (--save-delay 20: a save 20 ms after a change),
# reads what it restored, sets band 0 to a gain that encodes the round, and
# kills radiod with SIGKILL.  The rounds take turns:
#   1. EQ saved (state.json), the kill a random 0..45 ms after the change:
#      before, during or after the save;
#   2. the kill a random few hundred microseconds after state.json.tmp
#      appears: in the middle of the save;
#   3. then SavePreset "kill" (written at once, before the reply), the kill
#      a random 0..15 ms after the request goes out;
#   4. the kill in the middle of writing presets.json.
# (Rounds 3 and 4 change the EQ too: a state save is due meanwhile.)  A
# temp file found after a kill is a save that was cut short: radiod removes
# it at the next start and logs it, and the test counts them.
#
# Cheap rounds: radioctl runs without libtool's wrapper script
# (direct_radioctl), the request that finds radiod up is the one that reads
# the EQ, and the replies are read by bash, not jq.  In the sanitizer
# build, LeakSanitizer's check at exit (some 13 ms a process) is off while
# the rounds run: a radiod killed with SIGKILL never reaches it anyway, and
# radioctl's is the other tests' business; the last radiod, stopped
# cleanly, runs with it.
#
# No JACK server runs here (radiod keeps retrying; saving does not involve
# JACK): a JACK client killed while connected leaks mutexes in libjack's
# metadata database, /dev/shm/jack_db-UID, which every JACK client of the
# user shares; about 165 such kills exhaust it, and from then on every
# JACK client of that user - other tests' too - fails to open it (and
# leaks memory that AddressSanitizer reports) until it is recreated.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/state_lib.sh"

ROUNDS=${RADIOD_TEST_KILL_ROUNDS:-1000}
DELAY_MS=20
PRESET="kill"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || bail "RADIOD_TEST_KILL_ROUNDS='$ROUNDS' is not a count of rounds"
direct_radioctl

# gain_of_round VAR ROUND: distinct in consecutive rounds, within -24..+24
# dB, never the default 0: -19.75, -19.55, ... +19.85, -19.95, ...
gain_of_round() {
	local c=$((-1995 + 20 * ($2 % 200))) sign=
	((c < 0)) && sign=- c=$((-c))
	printf -v "$1" '%s%d.%02d' "$sign" $((c / 100)) $((c % 100))
}

# Each start asks for the EQ until radiod answers (run_radiod): band 0's
# gain into got.  The gain of band 0 of preset $PRESET, the only one there
# ever is, into pgot ("" when there is none).
RADIOD_PROBE="--json eq show"
read_band0() { json_value got gain_db "$RADIOD_ANSWER"; }
read_preset() {
	local j
	j=$("$RADIOCTL" --json preset list) || return 1
	pgot=
	[[ $j != *"\"name\":\"$PRESET\""* ]] || json_value pgot gain_db "$j"
}

# Kills radiod a random 0..MAX_MS milliseconds from now.
kill_after_random() { # MAX_MS
	local nap
	printf -v nap '0.%03d' $((RANDOM % ($1 + 1)))
	sleep "$nap"
	kill_radiod
}

# Kills radiod a random moment after FILE's temp file appears (spins: a
# save takes about a millisecond); bounded, kills anyway at the end.
kill_mid_save() { # FILE
	local tmp=$STATE_DIR/$1.tmp i extra=$((RANDOM % 300))
	for ((i = 0; i < 200000; i++)); do
		[ -e "$tmp" ] && break
	done
	for ((i = 0; i < extra; i++)); do :; done
	kill_radiod
}

# What a start found of FILE, which the round before last saved with NEW
# while it held OLD; CUT: that round's kill left FILE's temp file (the save
# was cut short); ONCE: that round saved FILE once, so a cut-short save
# must have left OLD (two state saves are due in a preset round).
declare -A new old cut_new cut_old bad
judge() { # ROUND FILE GOT NEW OLD CUT ONCE
	local f=$2
	if same_number "$3" "$4"; then
		new[$f]=$((${new[$f]:-0} + 1))
		[ -n "$6" ] && cut_new[$f]=$((${cut_new[$f]:-0} + 1))
		if [ -n "$6" ] && [ -n "$7" ]; then
			bad[$f]=$((${bad[$f]:-0} + 1))
			diag "round $1: $f held the new save $3 although that save was cut short"
		fi
	elif same_number "$3" "$5"; then
		old[$f]=$((${old[$f]:-0} + 1))
		[ -n "$6" ] && cut_old[$f]=$((${cut_old[$f]:-0} + 1))
	else
		bad[$f]=$((${bad[$f]:-0} + 1))
		diag "round $1: $f gave band 0 '$3'; the last save was '$4', the one before '$5'"
	fi
}

got="" pgot="" gain=""
s_new="" s_old="" s_cut="" s_once=""
p_new="" p_old="" p_cut="" p_pending=""
spotted_s=0 spotted_p=0 preset_rounds=0
declare -A before during after
asan_options=${ASAN_OPTIONS-unset}
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
t_start=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
	kind=$(((round - 1) % 4 + 1))
	run_radiod --save-delay "$DELAY_MS"
	read_band0 || bail "round $round: no band 0 in radioctl's answer: $RADIOD_ANSWER"
	if [ "$round" -eq 1 ]; then
		# Nothing was ever saved: the default EQ.
		same_number "$got" 0 || { bad[state.json]=1; diag "round 1: band 0 is $got, not 0"; }
	else
		judge $((round - 1)) state.json "$got" "$s_new" "$s_old" "$s_cut" "$s_once"
	fi
	if [ "$kind" -ge 3 ]; then
		read_preset || bail "round $round: radioctl preset list failed"
		if [ -n "$p_pending" ]; then
			judge "$p_pending" presets.json "$pgot" "$p_new" "$p_old" "$p_cut" 1
		elif [ -n "$pgot" ]; then
			bad[presets.json]=1
			diag "round $round: a preset '$PRESET' ($pgot) before any was saved"
		fi
	fi

	gain_of_round gain "$round"
	"$RADIOCTL" eq band 0 --gain "$gain" >/dev/null || bail "round $round: eq band failed"
	s_old=$got s_new=$gain s_once=1
	case $kind in
	1) kill_after_random 45 ;;
	2) kill_mid_save state.json ;;
	*)
		"$RADIOCTL" --timeout 2000 preset save "$PRESET" >/dev/null 2>&1 &
		ctl=$!
		if [ "$kind" -eq 3 ]; then
			kill_after_random 15
		else
			kill_mid_save presets.json
		fi
		wait "$ctl"
		p_old=$pgot p_new=$gain p_pending=$round s_once=
		preset_rounds=$((preset_rounds + 1))
		p_cut=
		[ -e "$STATE_DIR/presets.json.tmp" ] && p_cut=1 spotted_p=$((spotted_p + 1))
		;;
	esac
	s_cut=
	[ -e "$STATE_DIR/state.json.tmp" ] && s_cut=1 spotted_s=$((spotted_s + 1))
done
elapsed=$((SECONDS - t_start))
if [ "$asan_options" = unset ]; then unset ASAN_OPTIONS; else ASAN_OPTIONS=$asan_options; fi
run_radiod
read_band0 || bail "the last start: no band 0 in radioctl's answer: $RADIOD_ANSWER"
judge "$ROUNDS" state.json "$got" "$s_new" "$s_old" "$s_cut" "$s_once"
if [ -n "$p_pending" ]; then
	read_preset || bail "the last start: radioctl preset list failed"
	judge "$p_pending" presets.json "$pgot" "$p_new" "$p_old" "$p_cut" 1
fi
removed_s=$(logged_count "state.json.tmp, left by a save that was cut short")
removed_p=$(logged_count "presets.json.tmp, left by a save that was cut short")
damaged=$(logged_count unusable)
set_aside=$(find "$STATE_DIR" -name '*.corrupt-*' | wc -l)

diag "$ROUNDS rounds in $elapsed s ($((elapsed * 1000 / ROUNDS)) ms a round), $preset_rounds of them saving a preset"
for f in state.json presets.json; do
	n=${new[$f]:-0} o=${old[$f]:-0} cn=${cut_new[$f]:-0} co=${cut_old[$f]:-0}
	during[$f]=$((cn + co)) before[$f]=$((o - co)) after[$f]=$((n - cn))
	diag "$f: kills before a save ${before[$f]}, in the middle ${during[$f]} (a temp file" \
		"left), after ${after[$f]}; the next start found the new save $n times, the old $o" \
		"times, neither ${bad[$f]:-0} times"
done
diag "temp files left by kills: state.json $spotted_s (radiod removed $removed_s at start)," \
	"presets.json $spotted_p (removed $removed_p)"
diag "damaged files: $damaged logged unusable, $set_aside set aside"
check "state.json: every start found the last save or the one before (after a cut-short save: the one before)" \
	test "${bad[state.json]:-0}" -eq 0
check "presets.json: every start found the last save or the one before (after a cut-short save: the one before)" \
	test "${bad[presets.json]:-0}" -eq 0
check "no file was ever found damaged" test "$damaged" -eq 0 -a "$set_aside" -eq 0
check "every state.json.tmp left by a kill was removed at the next start" \
	test "$removed_s" -eq "$spotted_s"
check "every presets.json.tmp left by a kill was removed at the next start" \
	test "$removed_p" -eq "$spotted_p"
# A preset save takes so little time that a few hundred rounds are needed
# to be sure of all three.
if [ "$ROUNDS" -ge 400 ]; then
	for f in state.json presets.json; do
		check "$f: some kills came before a save, some in the middle, some after" \
			test "${before[$f]}" -gt 0 -a "${during[$f]}" -gt 0 -a "${after[$f]}" -gt 0
	done
fi
check "no temp file is left after a clean start" \
	test ! -e "$STATE_DIR/state.json.tmp" -a ! -e "$STATE_DIR/presets.json.tmp"
finish
