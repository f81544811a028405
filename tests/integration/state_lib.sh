# state_lib.sh - what the state tests (test_state_*.sh) share; sourced
# after lib.sh.  These tests stop and start radiod many times on one state
# directory, so every run's log is appended to radiod.log (where finish()
# looks for sanitizer reports), and RADIOD_PID stays the latest run's.

STATE_DIR=$T_DIR/state
JACK_FIRST_AUDIO=${JACK_FIRST_AUDIO:-$top_builddir/tests/jack_first_audio}
RADIOD_RUNS=0

# run_radiod [ARGS...]: radiod (-v) on the test's JACK server, socket and
# state directory; returns once it answers (bounded: 15 s).  What it asks
# until the answer comes is "radioctl $RADIOD_PROBE" (default: info), and
# the answer is left in RADIOD_ANSWER: a test that needs a reply at once
# saves a radioctl run that way.
RADIOD_PROBE=info
# shellcheck disable=SC2034 # read by the tests
RADIOD_ANSWER=
run_radiod() {
	local i
	mkdir -p "$STATE_DIR"
	RADIOD_RUNS=$((RADIOD_RUNS + 1))
	echo "### run $RADIOD_RUNS: radiod $*" >>"$T_DIR/radiod.log"
	"$RADIOD" -f -v -n "$JACK_SERVER" -s "$SOCK" -S "$STATE_DIR" "$@" >>"$T_DIR/radiod.log" 2>&1 &
	RADIOD_PID=$!
	T_PIDS+=("$RADIOD_PID")
	for ((i = 0; i < 1500; i++)); do
		# shellcheck disable=SC2086,SC2034 # RADIOD_PROBE is words
		RADIOD_ANSWER=$("$RADIOCTL" --timeout 1000 $RADIOD_PROBE 2>/dev/null) && return 0
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
	local rc=$?
	forget_pid "$RADIOD_PID"
	return "$rc"
}

# kill_radiod: SIGKILL, the power cut of a test.
kill_radiod() {
	kill -KILL "$RADIOD_PID" 2>/dev/null
	wait "$RADIOD_PID" 2>/dev/null
	forget_pid "$RADIOD_PID"
	return 0
}

# same_number A B: equal as numbers (what jq prints of a double); "" (no
# value) equals only "".  Equal strings are told without starting awk.
same_number() {
	[ "$1" = "$2" ] && return 0
	[ -n "$1" ] && [ -n "$2" ] || return 1
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }'
}

# logged_count TEXT: lines of all runs' logs holding TEXT.
logged_count() { grep -cF -- "$1" "$T_DIR/radiod.log"; }
