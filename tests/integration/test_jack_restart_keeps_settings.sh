#!/usr/bin/env bash
# jackd killed (SIGKILL) and started again under the same name, 100 times
# in a row (RADIOD_TEST_JACK_RESTARTS): radiod stays up and reports
# "disconnected" meanwhile, joins each new server within 5 s of it being
# up, with the EQ and volume it had; its callback counter never goes
# backwards and counts on.  On the first and the last round and every 10th,
# an injected sine comes out with the same boost and attenuation (measured
# from outside: three 0.6 s readings, too long for every round).  radiod
# runs under a stand-in for systemd's watchdog (tests/notify_listen,
# WATCHDOG_USEC=400000): across all the restarts WATCHDOG=1 never pauses
# for a whole watchdog interval - radiod keeps feeding it while it retries
# (daemon/service.h) - so it never hangs.
#
# Timing: notify_listen stamps what it receives with CLOCK_MONOTONIC; the
# test sends it markers of its own (systemd-notify) just before each kill
# and as soon as jackd answers, and radiod's STATUS= lines say when it saw
# the server go and when it ran again.  The rejoin time is the stamp of
# STATUS=running minus the "jackd up" marker's: no polling interval in it.
#
# /dev/shm: a SIGKILLed jackd leaves its socket and semaphores there (and
# its shared memory, which the next server reclaims); the next server under
# that name takes them over, so they do not pile up (checked), and the
# last, clean stop removes them (checked).  Each kill also leaks mutexes in
# libjack's metadata database, /dev/shm/jack_db-UID, which every JACK
# server and client of the user shares: after about 160 such kills every
# one of them fails to open it (and leaks memory that AddressSanitizer
# reports) - other tests' too.  A jackd that stops cleanly removes that
# database and the next one starts a new one, so every 50 kills the test
# starts and stops a scratch server.
. "$(dirname "$0")/lib.sh"

ROUNDS=${RADIOD_TEST_JACK_RESTARTS:-100}
LEVEL_EVERY=10	# the level is measured on rounds 1, 10, 20, ... and the last
DB_RESET_EVERY=50
FREQ=700	# the distinctive band's centre: +5.5 dB there
WANT=-22	# -20 dBFS sine, +5.5 dB band, -7.5 dB volume
WATCHDOG_USEC=400000
NOTIFY_LISTEN=${NOTIFY_LISTEN:-$top_builddir/tests/notify_listen}
NOTIFY=$T_DIR/notify
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || bail "RADIOD_TEST_JACK_RESTARTS='$ROUNDS' is not a count of rounds"
command -v systemd-notify >/dev/null || bail "systemd-notify (package systemd) is not installed"
direct_radioctl

# state_is info|stats STATE: what radiod's GetInfo or GetStats says.
state_is() {
	local j s
	j=$("$RADIOCTL" --json "$1") && json_value s state "$j" && test "$s" = "$2"
}
# GetStats: the state and the callback counter, into st and cb.
st="" cb=0
read_stats() {
	local j
	j=$("$RADIOCTL" --json stats) && json_value st state "$j" && json_value cb callbacks "$j"
}
callbacks_above() { read_stats && test "$cb" -gt "$1"; }

# mark NAME: a marker on the notification log, stamped like radiod's lines.
mark() { NOTIFY_SOCKET=$NOTIFY systemd-notify "MARK=$1" || bail "systemd-notify MARK=$1 failed"; }
# after_mark NAME WHAT...: the stamp of the first line starting with the
# last WHAT, found after marker NAME and the WHATs before it in that order;
# fails while there is none.
after_mark() {
	local m=$1
	shift
	awk -v m="MARK=$m" -v seq="$*" '
		BEGIN { n = split(seq, want, " ") }
		!on {
			if ($3 == m && (on = 1) && n == 0) { print $1; found = 1; exit }
			next
		}
		index($3, want[k + 1]) == 1 && ++k == n { print $1; found = 1; exit }
		END { exit !found }' "$T_DIR/notify.log"
}

# server_files: how many of /dev/shm's entries name this test's server or
# its scratch server (jack_NAME_UID_0, jack_sem.UID_NAME_CLIENT).
server_files() {
	local f=(/dev/shm/*_"$JACK_SERVER"_* /dev/shm/*_"$JACK_SERVER-db"_*) n=0 i
	for i in "${f[@]}"; do
		[ -e "$i" ] && n=$((n + 1))
	done
	echo "$n"
}

# reset_jack_db: a scratch server started and stopped cleanly removes
# libjack's metadata database, and with it the mutexes killed servers
# leaked there.
reset_jack_db() {
	local name=$JACK_SERVER-db pid
	JACK_NO_AUDIO_RESERVATION=1 jackd -n "$name" -d dummy >"$T_DIR/jackd-db.log" 2>&1 &
	pid=$!
	T_PIDS+=("$pid")
	wait_until 15 jack_lsp -s "$name" system:playback_1 ||
		bail "the scratch server jackd -n $name did not come up within 15 s"
	stop_pid "$pid" 5
	forget_pid "$pid"
	resets=$((resets + 1))
}

# db_errors FILE: libjack's complaints about its metadata database.
db_errors() { grep -c -e 'BDB[0-9]' -e 'DB environment' "$1"; }

shm_before=$(server_files)
start_jackd 48000 512
"$NOTIFY_LISTEN" -t 3600 "$NOTIFY" >"$T_DIR/notify.log" 2>&1 &
T_PIDS+=("$!")
wait_until 5 test -S "$NOTIFY" || bail "notify_listen did not bind $NOTIFY"
NOTIFY_SOCKET=$NOTIFY WATCHDOG_USEC=$WATCHDOG_USEC start_radiod -v
check "radiod feeds the stand-in watchdog" wait_until 5 grep -q ' WATCHDOG=1$' "$T_DIR/notify.log"
check "set a distinctive band: 2 = peaking $FREQ Hz, +5.5 dB, Q 2.5" \
	"$RADIOCTL" eq band 2 --type peaking --freq "$FREQ" --gain 5.5 --q 2.5 --on
check "volume -7.5 dB" "$RADIOCTL" volume -7.5 --ramp 0
eq_before=$("$RADIOCTL" --json eq show)
vol_before=$("$RADIOCTL" --json volume)
check "inject a -20 dBFS $FREQ Hz sine" "$RADIOCTL" inject sine --freq "$FREQ" --level -20
lvl=$(out_level "$FREQ")
diag "before any restart: $FREQ Hz at radiod:out_1 is $lvl dBFS"
check "before: the sine comes out at $WANT dBFS (band and volume applied)" within "$lvl" "$WANT" 0.2
read_stats || bail "radioctl stats failed"
cb_last=$cb

# Each aspect's failures are counted, and said in a diagnostic, round by
# round; one check per aspect at the end.
declare -A failed=([lost]=0 [join]=0 [settings]=0 [counter]=0 [level]=0 [db]=0)
fail() { # ASPECT MESSAGE
	failed[$1]=$((failed[$1] + 1))
	diag "round $round: $2"
}
resets=0 levels=0 rejoin_ms=() lost_ms=() up_ms=()
t_start=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
	mark "kill-$round"
	kill -KILL "$JACKD_PID"
	wait "$JACKD_PID" 2>/dev/null
	forget_pid "$JACKD_PID"
	[ "$round" -eq 1 ] && shm_killed_first=$(server_files)
	[ "$round" -eq "$ROUNDS" ] && shm_killed_last=$(server_files)
	if ! wait_until 5 after_mark "kill-$round" STATUS=disconnected; then
		fail lost "no STATUS=disconnected within 5 s of the kill"
	fi
	state_is info STATE_DISCONNECTED || fail lost "GetInfo does not say disconnected"
	state_is stats STATE_DISCONNECTED || fail lost "GetStats does not say disconnected"
	kill -0 "$RADIOD_PID" || bail "round $round: radiod is gone"
	((round % DB_RESET_EVERY)) || reset_jack_db

	t_launch=${EPOCHREALTIME/./}
	start_jackd 48000 512
	up_ms+=($(((${EPOCHREALTIME/./} - t_launch) / 1000)))
	mark "up-$round"
	[ "$(db_errors "$T_DIR/jackd.log")" -eq 0 ] || fail db "jackd: $(grep -m1 DB "$T_DIR/jackd.log")"
	if ! wait_until 10 after_mark "kill-$round" STATUS=disconnected STATUS=running; then
		fail join "radiod not running 10 s after the server came up"
		continue
	fi
	# The figures, in ms: the loss seen after the kill; running after the
	# server answered (0 when radiod was quicker than the test's jack_lsp).
	read -r lost joined < <(awk -v k="$(after_mark "kill-$round")" \
		-v l="$(after_mark "kill-$round" STATUS=disconnected)" \
		-v u="$(after_mark "up-$round")" \
		-v r="$(after_mark "kill-$round" STATUS=disconnected STATUS=running)" \
		'BEGIN { j = r - u; printf "%d %d\n", (l - k) * 1000, (j > 0 ? j : 0) * 1000 }')
	lost_ms+=("$lost")
	rejoin_ms+=("$joined")
	[ "$joined" -lt 5000 ] || fail join "radiod running $joined ms after the server came up"
	state_is info STATE_RUNNING || fail join "GetInfo does not say running"
	read_stats || bail "round $round: radioctl stats failed"
	[ "$st" = STATE_RUNNING ] || fail join "GetStats says $st, not running"
	[ "$cb" -ge "$cb_last" ] || fail counter "callbacks went back from $cb_last to $cb"
	cb_last=$cb
	eq=$("$RADIOCTL" --json eq show)
	[ "$eq" = "$eq_before" ] || fail settings "the EQ is $eq, not $eq_before"
	vol=$("$RADIOCTL" --json volume)
	[ "$vol" = "$vol_before" ] || fail settings "the volume is $vol, not $vol_before"
	if wait_until 5 callbacks_above "$cb_last"; then
		cb_last=$cb
	else
		fail counter "callbacks stuck at $cb_last"
	fi
	if [ "$round" -eq 1 ] || [ "$round" -eq "$ROUNDS" ] || ((round % LEVEL_EVERY == 0)); then
		levels=$((levels + 1))
		# The test signal does not outlive the server: inject it again.
		"$RADIOCTL" inject sine --freq "$FREQ" --level -20 >/dev/null ||
			fail level "inject sine failed"
		lvl=$(out_level "$FREQ")
		diag "round $round: $FREQ Hz at radiod:out_1 is $lvl dBFS"
		within "$lvl" "$WANT" 0.2 || fail level "the sine comes out at $lvl dBFS, not $WANT"
	fi
done
elapsed=$((SECONDS - t_start))

# median, p95 and max of a list of integers
figures() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR)
	printf "median %d, p95 %d, max %d", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.999)], v[NR] }'; }
diag "$ROUNDS restarts in $elapsed s; $levels of them with the level measured; $resets metadata database resets"
diag "jackd answering after its launch (ms): $(figures "${up_ms[@]}")"
diag "radiod saw the server go after the kill (ms): $(figures "${lost_ms[@]}")"
diag "radiod running after the server answered (ms): $(figures "${rejoin_ms[@]}")"
read -r pings gap_max gap_at < <(awk '/ WATCHDOG=1$/ { if (p && $1 - p > g) { g = $1 - p; at = p }
	p = $1; n++ } END { printf "%d %.3f %.3f\n", n, g, at }' "$T_DIR/notify.log")
diag "watchdog: $pings pings; the longest pause $gap_max s (from $gap_at on the notification clock), the interval $(awk -v u="$WATCHDOG_USEC" 'BEGIN { print u / 1e6 }') s"
check "every round: radiod said disconnected while the server was away (GetInfo, GetStats, STATUS=)" \
	test "${failed[lost]}" -eq 0
check "every round: radiod running again within 5 s of the server being up" test "${failed[join]}" -eq 0
check "every round: the EQ and the volume as before" test "${failed[settings]}" -eq 0
check "every round: the callback counter never went backwards and counted on" test "${failed[counter]}" -eq 0
check "each of the $levels rounds measured: the sine came out at $WANT dBFS (band and volume applied)" \
	test "${failed[level]}" -eq 0 -a "$levels" -gt 0
check "WATCHDOG=1 never paused for a watchdog interval across the restarts" \
	awk -v g="$gap_max" -v u="$WATCHDOG_USEC" 'BEGIN { exit !(g > 0 && g < u / 1e6) }'
check "radiod logged each loss" test "$(grep -c 'JACK server went away' "$T_DIR/radiod.log")" -eq "$ROUNDS"
diag "/dev/shm entries naming the server: $shm_before before, $shm_killed_first after the first kill, $shm_killed_last after the last"
check "what killed servers leave in /dev/shm does not pile up" test "$shm_killed_last" -eq "$shm_killed_first"
if [ "${failed[db]}" -eq 0 ] && [ "$(db_errors "$T_DIR/radiod.log")" -eq 0 ]; then
	ok "libjack's metadata database stayed usable (no complaint from jackd or radiod)"
else
	not_ok "libjack's metadata database stayed usable (no complaint from jackd or radiod)" \
		"jackd rounds with a complaint: ${failed[db]}" \
		"$(grep -n -e 'BDB[0-9]' -e 'DB environment' -e '^### ' "$T_DIR/radiod.log" | tail -n 5)"
fi

# A clean stop of both: radiod first (finish's checks), then jackd.
stop_pid "$RADIOD_PID" 5
rc=$?
check "radiod exits 0 at the end" test "$rc" -eq 0
check "no sanitizer report from radiod" sh -c "! grep -q Sanitizer '$T_DIR/radiod.log'"
forget_pid "$RADIOD_PID"
RADIOD_PID=
stop_pid "$JACKD_PID" 5
forget_pid "$JACKD_PID"
check "after the last, clean stop no /dev/shm entry names the server" test "$(server_files)" -eq 0
finish
