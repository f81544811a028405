#!/usr/bin/env bash
# Under systemd radiod's stderr is the journal's stream, named by
# JOURNAL_STREAM=DEV:INO; radiod then prefixes each line with its syslog
# priority ("<6>" info, "<4>" warning, "<7>" debug) for journald to read.
# Here stderr is a file and JOURNAL_STREAM names that file, which is all
# radiod can see of the convention.  When JOURNAL_STREAM names another
# file (stderr redirected since), lines stay plain.
. "$(dirname "$0")/lib.sh"

start_jackd 48000 512
: >"$T_DIR/radiod.log"
devino=$(stat -c '%d:%i' "$T_DIR/radiod.log")
diag "JOURNAL_STREAM=$devino (the log file)"
# start_radiod truncates the same file: its device and inode stay.
JOURNAL_STREAM=$devino start_radiod -v

check "info lines carry <6>" grep -q "^<6>JACK: joined server '$JACK_SERVER'" "$T_DIR/radiod.log"
check "debug lines carry <7>" grep -q "^<7>" "$T_DIR/radiod.log"
check "no line has the plain 'radiod: LEVEL:' prefix" sh -c "! grep -q '^radiod: ' '$T_DIR/radiod.log'"
stop_pid "$JACKD_PID" 5
if wait_until 5 grep -q "^<4>JACK server went away" "$T_DIR/radiod.log"; then
	ok "warnings carry <4>"
else
	not_ok "warnings carry <4>"
fi
finish_journal_part() {
	kill -TERM "$RADIOD_PID"
	wait "$RADIOD_PID"
	check "radiod exits 0" test $? -eq 0
	check "no sanitizer report from radiod" sh -c "! grep -q Sanitizer '$T_DIR/radiod.log'"
}
finish_journal_part

# JOURNAL_STREAM left over from a parent whose stderr was the journal.
: >"$T_DIR/other"
other=$(stat -c '%d:%i' "$T_DIR/other")
JOURNAL_STREAM=$other "$RADIOD" -f -n "$JACK_SERVER" -s "$T_DIR/plain.sock" -S "$T_DIR/state" \
	>"$T_DIR/plain.log" 2>&1 &
RADIOD_PID=$!
T_PIDS+=("$RADIOD_PID")
if wait_until 10 grep -q "^radiod: warning: cannot join JACK server" "$T_DIR/plain.log"; then
	ok "JOURNAL_STREAM naming another file: plain lines"
else
	not_ok "JOURNAL_STREAM naming another file: plain lines" "$(head -3 "$T_DIR/plain.log")"
fi
kill -TERM "$RADIOD_PID"
wait "$RADIOD_PID"
check "radiod exits 0" test $? -eq 0
RADIOD_PID=
finish
