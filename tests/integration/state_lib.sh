# state_lib.sh - what the state tests (test_state_*.sh) share; sourced
# after lib.sh.  These tests stop and start radiod many times on one state
# directory, so every run's log is appended to radiod.log (where finish()
# looks for sanitizer reports), and RADIOD_PID stays the latest run's.

STATE_DIR=$T_DIR/state
JACK_FIRST_AUDIO=${JACK_FIRST_AUDIO:-$top_builddir/tests/jack_first_audio}
RADIOD_RUNS=0

# run_radiod [ARGS...]: radiod (-v) on the test's JACK server, socket and
# state directory; returns once it answers (bounded: 15 s).
run_radiod() {
	local i
	mkdir -p "$STATE_DIR"
	RADIOD_RUNS=$((RADIOD_RUNS + 1))
	echo "### run $RADIOD_RUNS: radiod $*" >>"$T_DIR/radiod.log"
	"$RADIOD" -f -v -n "$JACK_SERVER" -s "$SOCK" -S "$STATE_DIR" "$@" >>"$T_DIR/radiod.log" 2>&1 &
	RADIOD_PID=$!
	T_PIDS+=("$RADIOD_PID")
	for ((i = 0; i < 1500; i++)); do
		"$RADIOCTL" --timeout 1000 info >/dev/null 2>&1 && return 0
		kill -0 "$RADIOD_PID" 2>/dev/null || break
		sleep 0.01
	done
	bail "radiod did not answer on $SOCK within 15 s (run $RADIOD_RUNS)"
}

# stop_radiod: SIGTERM; returns radiod's exit status (bounded: 5 s, then
# SIGKILL and 137).
stop_radiod() {
	local i
	kill -TERM "$RADIOD_PID" 2>/dev/null
	for ((i = 0; i < 500; i++)); do
		kill -0 "$RADIOD_PID" 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL "$RADIOD_PID" 2>/dev/null
	wait "$RADIOD_PID" 2>/dev/null
}

# kill_radiod: SIGKILL, the power cut of a test.
kill_radiod() {
	kill -KILL "$RADIOD_PID" 2>/dev/null
	wait "$RADIOD_PID" 2>/dev/null
	return 0
}

# same_number A B: equal as numbers (what jq prints of a double).
same_number() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }'; }

# logged_count TEXT: lines of all runs' logs holding TEXT.
logged_count() { grep -cF -- "$1" "$T_DIR/radiod.log"; }
