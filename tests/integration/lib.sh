# lib.sh - shared harness of the integration tests (sourced, bash).
#
# Every test starts what it needs — a private jackd on the dummy backend under
# a server name no other test uses, the real radiod, the real radioctl — and
# stops what it started, by PID, whatever happens.  Every wait is on a
# condition and bounded.  Results are TAP: one line per check.

set -u

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
RADIOD=${RADIOD:-$top_builddir/daemon/radiod}
RADIOCTL=${RADIOCTL:-$top_builddir/clients/radioctl}
JACK_LEVEL=${JACK_LEVEL:-$top_builddir/tests/jack_level}

T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/radiod-test.XXXXXX")
T_NAME=$(basename "$0" .sh)
JACK_SERVER="rdt-$$-${RANDOM}"
SOCK=$T_DIR/control.sock
export RADIOD_SOCKET=$SOCK
T_PIDS=()
T_COUNT=0
T_FAILED=0

ok() { # description
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT - $*"
}

not_ok() { # description [details...]
	T_COUNT=$((T_COUNT + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_COUNT - $1"
	shift
	local l
	for l in "$@"; do echo "# $l"; done
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local d=$1
	shift
	local out
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "command: $*" "$out"; fi
}

diag() { echo "# $*"; }

# bail REASON: a precondition failed; the rest of this script cannot run.
bail() {
	echo "Bail out! $T_NAME: $*"
	exit 1
}

# wait_until SECONDS COMMAND...: polls the condition until it holds; bounded.
wait_until() {
	local limit=$1
	shift
	local deadline=$((SECONDS + limit))
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

# stop_pid PID [SECONDS]: SIGTERM, wait (bounded), then SIGKILL. Returns the exit status.
stop_pid() {
	local pid=$1 limit=${2:-5} i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < limit * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# forget_pid PID: the test reaped that process itself (wait); cleanup must
# not signal its number, which the system may have given to another
# process since (pid_max can be 32768: a test that starts thousands of
# processes goes round).
forget_pid() {
	local i
	for i in "${!T_PIDS[@]}"; do
		[ "${T_PIDS[$i]}" = "$1" ] && unset 'T_PIDS[i]'
	done
	T_PIDS=("${T_PIDS[@]}")
}

cleanup() {
	local i
	for ((i = ${#T_PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${T_PIDS[$i]}" 3
	done
	if [ "$T_FAILED" -gt 0 ] || [ -n "${KEEP_TEST_DIR:-}" ]; then
		local f
		for f in "$T_DIR"/*.log; do
			[ -f "$f" ] || continue
			echo "# --- $f (last 30 lines)"
			tail -n 30 "$f" | sed 's/^/# /'
		done
	fi
	rm -rf "$T_DIR"
}

# finish: stops radiod (when this test started it) and checks it went
# cleanly: exit 0 and no sanitizer report in its log — in the sanitizer
# builds this is where an allocation on the RT thread (RealtimeSanitizer) or
# a memory error (AddressSanitizer) would show; then prints the plan.
finish() {
	if [ -n "${RADIOD_PID:-}" ] && kill -0 "$RADIOD_PID" 2>/dev/null; then
		kill -TERM "$RADIOD_PID"
		local rc i
		for ((i = 0; i < 100; i++)); do
			kill -0 "$RADIOD_PID" 2>/dev/null || break
			sleep 0.05
		done
		wait "$RADIOD_PID"
		rc=$?
		check "radiod exits 0 at the end" test "$rc" -eq 0
	fi
	if [ -n "${RADIOD_PID:-}" ]; then
		if grep -q "Sanitizer" "$T_DIR/radiod.log"; then
			not_ok "no sanitizer report from radiod" "$(grep -A12 Sanitizer "$T_DIR/radiod.log" | head -30)"
		else
			ok "no sanitizer report from radiod"
		fi
	fi
	echo "1..$T_COUNT"
	exit 0
}

trap cleanup EXIT
trap 'exit 130' INT TERM

# start_jackd [RATE] [PERIOD]: a private JACK server on the dummy backend.
start_jackd() {
	local rate=${1:-48000} period=${2:-512}
	JACK_NO_AUDIO_RESERVATION=1 jackd -n "$JACK_SERVER" -d dummy -r "$rate" -p "$period" \
		>"$T_DIR/jackd.log" 2>&1 &
	JACKD_PID=$!
	T_PIDS+=("$JACKD_PID")
	wait_until 15 jack_lsp -s "$JACK_SERVER" system:playback_1 ||
		bail "jackd -n $JACK_SERVER did not come up within 15 s"
}

# start_radiod [ARGS...]: the real daemon on the private server, foreground.
start_radiod() {
	mkdir -p "$T_DIR/state"
	"$RADIOD" -f -n "$JACK_SERVER" -s "$SOCK" -S "$T_DIR/state" "$@" >"$T_DIR/radiod.log" 2>&1 &
	RADIOD_PID=$!
	T_PIDS+=("$RADIOD_PID")
	wait_until 15 "$RADIOCTL" --timeout 1000 info ||
		bail "radiod did not answer on $SOCK within 15 s"
}

# direct_radioctl: RADIOCTL becomes the program itself rather than
# libtool's wrapper script, which runs a shell and sed before it on every
# call (some 10 ms, twice that under AddressSanitizer); the wrapper's
# library path is exported instead.  For tests that run radioctl hundreds
# of times.  Leaves RADIOCTL as it is when there is no such program or it
# does not run.
direct_radioctl() {
	local libs bin path
	libs=$(cd "${RADIOCTL%/*}/.libs" 2>/dev/null && pwd) || return 0
	bin=$libs/${RADIOCTL##*/} path=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	[ -x "$bin" ] && LD_LIBRARY_PATH=$path "$bin" --version >/dev/null 2>&1 || return 0
	export LD_LIBRARY_PATH=$path
	RADIOCTL=$bin
}

# json_value VAR KEY JSON: VAR = the first plain value of KEY in JSON (a
# number, true or false, or a string's text); fails when there is none.
# Enough for radioctl's one-line replies, and no jq to start.
json_value() {
	[[ $3 =~ "\"$2\":"\"?([^\",}]*) ]] || return 1
	printf -v "$1" '%s' "${BASH_REMATCH[1]}"
}

# within VALUE WANT TOL: |VALUE - WANT| <= TOL, in floating point.
within() {
	awk -v v="$1" -v w="$2" -v t="$3" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d <= t) }'
}

# at_least VALUE MIN / at_most VALUE MAX
at_least() { awk -v v="$1" -v m="$2" 'BEGIN { exit !(v >= m) }'; }
at_most() { awk -v v="$1" -v m="$2" 'BEGIN { exit !(v <= m) }'; }

# xruns on the dummy backend: JACK logs each one, and says which client was
# late when a client was.  The machine's own scheduling noise (the timed
# driver waking late) is not radiod's doing; a late radiod is.
jack_xruns_logged() { grep -c 'XRun' "$T_DIR/jackd.log"; }
xruns_blamed_on_radiod() { grep -c 'client = radiod ' "$T_DIR/jackd.log"; }

# check_xruns: every xrun radiod counted is one JACK reported, and radiod's
# work fits the period: p99.9 of its processing time is below one period.
# (On a busy virtual machine a thread can lose the CPU for milliseconds in
# the middle of a block, and JACK then blames whichever client was running;
# the worst block and JACK's blame are logged as diagnostics, not held
# against radiod.)
check_xruns() {
	local json x logged blamed maxp p999 period_ns
	json=$("$RADIOCTL" --json stats)
	x=$(jq .xruns <<<"$json")
	maxp=$(jq '.timing[] | select(.name == "processing") | .max_ns' <<<"$json")
	p999=$(jq '.timing[] | select(.name == "processing") | .p999_ns' <<<"$json")
	period_ns=$(jq '.period_frames * 1e9 / .sample_rate_hz' <<<"$json")
	logged=$(jack_xruns_logged)
	blamed=$(xruns_blamed_on_radiod)
	diag "xruns: radiod counted $x, JACK logged $logged ($blamed naming radiod); processing p99.9 ${p999} ns, max ${maxp} ns, period ${period_ns} ns"
	if [[ "$p999" =~ ^[0-9.e+]+$ ]]; then
		check "radiod's work fits the period: processing p99.9 below one period" at_most "$p999" "$period_ns"
	else
		not_ok "radiod's work fits the period: processing p99.9 below one period" "no processing figure in: $json"
	fi
	check "every xrun radiod counted is one JACK reported" test "$x" -le "$logged"
}

# out_level HZ [PORT]: the level (dBFS) of HZ at PORT (radiod:out_1), measured
# by jack_level from outside radiod.  A cycle the busy machine skips (an
# xrun) tears the sine; jack_level records again when JACK reports one, and
# the median of three readings outvotes a tear JACK did not report.
out_level() {
	local i
	for i in 1 2 3; do
		# Bounded: libjack waits without a limit on a server that is stopped.
		timeout 30 "$JACK_LEVEL" -s "$JACK_SERVER" -f "$1" -d 0.4 -k 0.2 "${2:-radiod:out_1}" |
			sed -n 's/.*level_dbfs=\([^ ]*\).*/\1/p'
	done | sort -g | sed -n 2p
}
