#!/usr/bin/env bash
# Reloading radiod.conf (SIGHUP and `radioctl reload`): a file with an error
# is refused as a whole - the running configuration stays and the log and
# the reply name the file and line - and a good file applies at once, to the
# clients already connected too.  What is observed: control.max_clients (a
# client over the limit is refused) and control.idle_timeout_s (a quiet
# client is closed); a restart-only key is named, not applied.
. "$(dirname "$0")/lib.sh"

HOLD=${HOLD_CLIENT:-$top_builddir/tests/hold_client}
CONF=$T_DIR/radiod.conf
REFUSED="configuration refused, the running one stays"

# logged N TEXT: the log holds TEXT at least N times (fixed string).
logged() { [ "$(grep -cF -- "$2" "$T_DIR/radiod.log")" -ge "$1" ]; }
log_has() { grep -qF -- "$1" "$T_DIR/radiod.log"; }
# refused: radioctl info is turned away for want of a free client slot.
# radiod answers "too many clients" and closes; radioctl may see the close
# before the answer, so radiod's log says which it was.
refused() {
	local n
	n=$(grep -cF "refused a client: too many clients" "$T_DIR/radiod.log")
	! "$RADIOCTL" info >/dev/null 2>&1 &&
		wait_until 5 logged $((n + 1)) "refused a client: too many clients"
}
# reload_by_signal TEXT: SIGHUP, then wait for the next log line with TEXT.
reload_by_signal() {
	local n
	n=$(grep -cF -- "$1" "$T_DIR/radiod.log")
	kill -HUP "$RADIOD_PID"
	wait_until 5 logged $((n + 1)) "$1"
}

start_jackd 48000 512
printf '[control]\nmax_clients = 1\n' >"$CONF"
start_radiod -c "$CONF"

check "GetInfo names the configuration file" \
	sh -c "\"$RADIOCTL\" --json info | jq -e --arg f '$CONF' '.config_file == \$f'"

"$HOLD" "$SOCK" >"$T_DIR/hold.out" 2>&1 &
HOLD_PID=$!
T_PIDS+=("$HOLD_PID")
wait_until 5 grep -q '^answered OK' "$T_DIR/hold.out" || bail "hold_client was not answered"
check "max_clients = 1: with one client connected, another is refused" refused

# The line that would raise the limit comes before the error: nothing of a
# bad file applies.
printf '[control]\nmax_clients = 2\nmax_client = 3\n' >"$CONF"
reload_by_signal "configuration refused" || not_ok "SIGHUP with a bad file is logged"
check "SIGHUP with a bad file: the log names file, line and reason" \
	log_has "SIGHUP: $REFUSED: $CONF:3: unknown key 'max_client' in [control]"
check "after the refused reload max_clients is still 1" refused

printf '[control]\nmax_clients = 2\n' >"$CONF"
reload_by_signal "configuration reloaded" || not_ok "SIGHUP with a good file is logged"
check "SIGHUP with a good file: the log names the change" \
	log_has "SIGHUP: configuration reloaded from $CONF: control.max_clients 1 -> 2"
check "after the good reload a second client is served" "$RADIOCTL" info

# The idle timeout applies to the client connected since the start.
printf '[control]\nmax_clients = 2\nidle_timeout_s = 1\n' >"$CONF"
reload_by_signal "control.idle_timeout_s 300 -> 1" || not_ok "SIGHUP: idle timeout 300 -> 1 logged"
if wait_until 10 grep -q '^closed' "$T_DIR/hold.out"; then
	ok "idle_timeout_s = 1 closes the quiet client that was already connected"
	held=$(sed -n 's/^closed after \(.*\) s$/\1/p' "$T_DIR/hold.out")
	diag "the quiet client was closed $held s after its answer (timeout 1 s, set by the reload)"
else
	not_ok "idle_timeout_s = 1 closes the quiet client that was already connected" \
		"$(cat "$T_DIR/hold.out")"
fi

printf '[control]\nmax_clients = 2\n[jack]\n\nchannels = 9\n' >"$CONF"
out=$("$RADIOCTL" reload 2>&1)
rc=$?
check "radioctl reload with a bad file exits 1" test "$rc" -eq 1
check "radioctl reload with a bad file names file, line and reason" \
	grep -qF "reload_config: $CONF:5: channels: '9' is not a number in 1..8" <<<"$out"
check "the refused ReloadConfig is logged with the line" \
	log_has "$REFUSED: $CONF:5: channels:"

rm -f "$CONF"
out=$("$RADIOCTL" reload 2>&1)
rc=$?
check "radioctl reload with the file gone exits 1" test "$rc" -eq 1
check "radioctl reload with the file gone says so" \
	grep -qF "$CONF: No such file or directory" <<<"$out"

# A restart-only key: the rest applies, the key is named, and it is not applied.
printf '[jack]\nchannels = 4\n[control]\nmax_clients = 3\n' >"$CONF"
out=$("$RADIOCTL" reload 2>&1)
rc=$?
check "radioctl reload of a file changing jack.channels exits 0" test "$rc" -eq 0
check "radioctl reload says jack.channels changes at the next restart" \
	grep -qF "jack.channels changes at the next restart" <<<"$out"
check "the log warns that jack.channels changes at the next restart" \
	log_has "jack.channels changes at the next restart"
check "the same reload applied max_clients" \
	log_has "control.max_clients 2 -> 3, control.idle_timeout_s 1 -> 300"
check "radiod still runs 2 channels" \
	sh -c "\"$RADIOCTL\" --json info | jq -e '.channels == 2'"
json_reload_names_channels() {
	"$RADIOCTL" --json reload | jq -e '.code == "OK" and (.message | test("jack.channels"))'
}
check "radioctl --json reload gives the reply's Status" json_reload_names_channels

finish
