#!/usr/bin/env bash
# radioctl inject file: a 44.1 kHz file streamed into radiod at 48 kHz comes
# out at its frequency and level (measured from outside by jack_level), to
# the end without underruns; a stereo file feeds the channels in order;
# Ctrl-C ends it cleanly; a stalled client shows as underruns; files that
# cannot be read are refused with exit 7 naming the file and the reason.
. "$(dirname "$0")/lib.sh"
MAKE_WAV=${MAKE_WAV:-$top_builddir/tests/make_wav}

start_jackd 48000 512
start_radiod

tone_at() { # HZ [PORT]: level of HZ at PORT, or "-inf"
	out_level "$@"
}

# rms_at PORT: RMS (dBFS) of the port, by jack_level
rms_at() {
	"$JACK_LEVEL" -s "$JACK_SERVER" -f 1000 -d 0.4 -k 0.1 "$1" |
		sed -n 's/.*rms_dbfs=\([^ ]*\).*/\1/p'
}

streaming() { # audio reaches radiod's meters
	"$RADIOCTL" --json stats | jq -e '.meters.channel[0].peak_dbfs > -60' >/dev/null
}

silent() { # nothing on radiod's meters since they were last read
	"$RADIOCTL" --json stats | jq -e '.meters.channel[0].peak_dbfs < -100' >/dev/null
}

"$MAKE_WAV" -r 44100 -f 1000 -l -20 -d 1 "$T_DIR/tone.wav" || bail "make_wav failed"
"$MAKE_WAV" -r 44100 -f 1000 -l -20 -d 2 "$T_DIR/short.wav" || bail "make_wav failed"
"$MAKE_WAV" -r 44100 -c 2 -f 500,3000 -l -12 -d 1 "$T_DIR/stereo.flac" || bail "make_wav failed"

# --- a looped 44.1 kHz tone at 48 kHz, measured from outside
"$RADIOCTL" --json inject file "$T_DIR/tone.wav" --loop >"$T_DIR/loop.json" 2>"$T_DIR/loop.err" &
LOOP_PID=$!
T_PIDS+=("$LOOP_PID")
wait_until 10 streaming || bail "the looped file never reached radiod's meters"
l1=$(tone_at 1000 radiod:out_1)
l2=$(tone_at 1000 radiod:out_2)
r1=$(rms_at radiod:out_1)
diag "1 kHz at 44.1 kHz, looped, at 48 kHz: out_1 $l1 dBFS, out_2 $l2 dBFS, out_1 RMS $r1 dBFS"
check "the tone arrives at 1 kHz, -20 +- 0.2 dBFS on out_1" within "$l1" -20 0.2
check "a mono file feeds every channel: out_2 too" within "$l2" -20 0.2
check "nothing but the tone: RMS is the sine's, -23.01 +- 0.2 dBFS" within "$r1" -23.01 0.2
kill -INT "$LOOP_PID"
wait "$LOOP_PID"
rc=$?
check "Ctrl-C ends a looped file with exit 0" test "$rc" -eq 0
check "the summary says it was interrupted" jq -e '.interrupted == true' "$T_DIR/loop.json"
check "and that it looped" jq -e '.loops >= 1' "$T_DIR/loop.json"
diag "looped run: $(cat "$T_DIR/loop.json")"
check "Ctrl-C drains: no underrun" jq -e '.underruns == 0' "$T_DIR/loop.json"
wait_until 5 silent
check "after the drain the output is silent again" silent

# --- a file played to its end
"$RADIOCTL" reset
check "a 2 s file plays to its end with exit 0" \
	sh -c "\"$RADIOCTL\" --json inject file \"$T_DIR/short.wav\" >\"$T_DIR/short.json\""
diag "2 s file: $(cat "$T_DIR/short.json")"
check "all of it is played: 96000 frames at 48 kHz (+- 16)" \
	jq -e '(.played_frames - 96000) | fabs <= 16' "$T_DIR/short.json"
check "no underrun in a normal run" jq -e '.underruns == 0 and .interrupted == false' \
	"$T_DIR/short.json"
under=$("$RADIOCTL" --json stats | jq -r '.inject_underruns')
check "radiod's statistics count no underrun either" test "$under" -eq 0
check "the human summary names the resampling" \
	sh -c "\"$RADIOCTL\" inject file \"$T_DIR/tone.wav\" | grep -q '44100 Hz -> 48000 Hz'"

# --- a stereo file feeds the selected channels in order
"$RADIOCTL" inject file "$T_DIR/stereo.flac" --loop --replace >/dev/null 2>&1 &
ST_PID=$!
T_PIDS+=("$ST_PID")
wait_until 10 streaming || bail "the stereo file never reached radiod's meters"
a=$(tone_at 500 radiod:out_1)
b=$(tone_at 3000 radiod:out_2)
x=$(tone_at 3000 radiod:out_1)
diag "stereo FLAC: 500 Hz on out_1 $a dBFS, 3 kHz on out_2 $b dBFS, 3 kHz on out_1 $x dBFS"
check "its first channel goes to out_1" within "$a" -12 0.2
check "its second channel goes to out_2" within "$b" -12 0.2
check "and not to out_1" at_most "$x" -80
# A second client may not take over a stream that plays.
out=$("$RADIOCTL" inject file "$T_DIR/tone.wav" 2>&1)
rc=$?
check "another client's file is refused while one plays (exit 1)" test "$rc" -eq 1
check "naming the streaming client and how to stop it" \
	sh -c "echo \"$out\" | grep -q 'is streaming audio.*radioctl stop'"
# radioctl stop ends it; the streaming radioctl says so.
"$RADIOCTL" stop
wait "$ST_PID"
rc=$?
check "radioctl stop ends a stream; its radioctl exits 1" test "$rc" -eq 1

# --- a client that dies: radiod plays what it was sent, then stops
"$RADIOCTL" reset
"$RADIOCTL" inject file "$T_DIR/tone.wav" --loop >/dev/null 2>&1 &
KILL_PID=$!
T_PIDS+=("$KILL_PID")
wait_until 10 streaming || bail "the file of the client to kill never reached radiod's meters"
kill -KILL "$KILL_PID"
wait "$KILL_PID" 2>/dev/null
wait_until 5 silent
check "the stream of a client that died plays out and stops" silent
under=$("$RADIOCTL" --json stats | jq -r '.inject_underruns')
check "as an end, not as underruns" test "$under" -eq 0
"$RADIOCTL" inject file "$T_DIR/tone.wav" >/dev/null 2>&1
rc=$?
check "and the next client may stream" test "$rc" -eq 0

# --- a client that stalls longer than the buffer: underruns, counted
"$RADIOCTL" reset
"$RADIOCTL" --json inject file "$T_DIR/short.wav" --buffer 100 >"$T_DIR/stall.json" &
SL_PID=$!
T_PIDS+=("$SL_PID")
wait_until 10 streaming || bail "the stalled file never reached radiod's meters"
kill -STOP "$SL_PID"
sleep 0.5
kill -CONT "$SL_PID"
wait "$SL_PID"
diag "stalled run: $(cat "$T_DIR/stall.json")"
check "a client stalled for 0.5 s with 100 ms buffered causes underruns" \
	jq -e '.underruns > 0' "$T_DIR/stall.json"
s_under=$("$RADIOCTL" --json stats | jq -r '.inject_underruns')
c_under=$(jq -r '.underruns' "$T_DIR/stall.json")
check "radiod's statistics count the same underruns ($c_under)" test "$s_under" -eq "$c_under"

# --- files that cannot be read
out=$("$RADIOCTL" inject file "$T_DIR/nothing.wav" 2>&1)
rc=$?
check "a missing file exits 7" test "$rc" -eq 7
check "naming the file and the system's reason" \
	sh -c "echo \"$out\" | grep -q 'nothing.wav.*No such file or directory'"
head -c 8192 /dev/urandom >"$T_DIR/garbage.wav"
out=$("$RADIOCTL" inject file "$T_DIR/garbage.wav" 2>&1)
rc=$?
check "a file that is not audio exits 7" test "$rc" -eq 7
check "naming the file and libsndfile's reason" \
	sh -c "echo \"$out\" | grep -q 'garbage.wav: Format not recognised'"
"$RADIOCTL" inject file >/dev/null 2>&1
rc=$?
check "no file given is a usage error (exit 2)" test "$rc" -eq 2
finish
