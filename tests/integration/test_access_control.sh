#!/usr/bin/env bash
# Access control: a peer of another uid outside the control group (radioctl
# run through setpriv as uid 65534 with no groups) can read everything and
# is refused every write, each refusal naming the rule; root's writes work,
# and so do those of a peer in the control group, as its primary or as a
# supplementary group; a reload moves the group.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP not root: setpriv cannot run radioctl as another uid"
	exit 0
fi
command -v setpriv >/dev/null || bail "setpriv (util-linux) is missing"

NOBODY=65534
# A gid used only through setpriv: no group needs to exist for it.
CONTROL_GID=4242
CONF=$T_DIR/radiod.conf

# uid 65534 reaches the socket: lib.sh's temp dir is 0700.
chmod 0711 "$T_DIR"

# uid 65534 must run radioctl; a build tree it cannot read (or a libtool
# wrapper that wants to write in .libs) gets radioctl copied out.
AS_ENV=()
AS_RADIOCTL=$RADIOCTL
runs_as_nobody() { setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
	env "${AS_ENV[@]}" "$AS_RADIOCTL" --help >/dev/null 2>&1; }
if ! runs_as_nobody; then
	mkdir -p "$T_DIR/bin"
	if [ "$(head -c 2 "$RADIOCTL")" = "#!" ]; then
		libs=$(dirname "$RADIOCTL")/.libs
		cp "$libs/radioctl" "$T_DIR/bin/radioctl" 2>/dev/null ||
			cp "$libs/lt-radioctl" "$T_DIR/bin/radioctl" || bail "no binary behind $RADIOCTL"
		cp -P "$libs"/libradioclient.so* "$T_DIR/bin/"
		AS_ENV=("LD_LIBRARY_PATH=$T_DIR/bin")
	else
		cp "$RADIOCTL" "$T_DIR/bin/radioctl"
	fi
	chmod -R a+rX "$T_DIR/bin"
	AS_RADIOCTL=$T_DIR/bin/radioctl
	runs_as_nobody || bail "uid $NOBODY cannot run radioctl, not even copied to $T_DIR/bin"
	diag "radioctl copied to $T_DIR/bin for uid $NOBODY"
fi

# as WHO RADIOCTL-ARGS...: radioctl as uid 65534, with WHO's groups.
as() {
	local groups=()
	case $1 in
	stranger) groups=("--regid=$NOBODY" --clear-groups) ;;
	member) groups=("--regid=$NOBODY" "--groups=$CONTROL_GID") ;;
	primary) groups=("--regid=$CONTROL_GID" --clear-groups) ;;
	esac
	shift
	setpriv --reuid=$NOBODY "${groups[@]}" env "${AS_ENV[@]}" "$AS_RADIOCTL" "$@"
}
stranger_reads_stats_json() { as stranger --json stats | jq -e '.callbacks > 0'; }

# Every write radioctl can send, and the request it becomes.
WRITES=(
	"set_volume|volume -6"
	"set_mute|mute on"
	"set_band|eq band 0 --gain 3"
	"set_eq|eq set --band peaking:1k:3:1"
	"set_bypass|eq bypass on"
	"inject_signal|inject sine --freq 1000 --level -30"
	"stop_signal|stop"
	"reset_stats|reset"
	"reload_config|reload"
	"save_preset|preset save access-test"
	"load_preset|preset load access-test"
	"delete_preset|preset delete access-test"
)

start_jackd 48000 512
printf '[control]\nsocket_mode = 0666\nsocket_group = %s\ngroup = %s\n' \
	"$CONTROL_GID" "$CONTROL_GID" >"$CONF"
start_radiod -c "$CONF"

check "the socket file has mode 0666" test "$(stat -c %a "$SOCK")" = 666
check "the socket file has group $CONTROL_GID" test "$(stat -c %g "$SOCK")" = "$CONTROL_GID"

for cmd in info stats "eq show" volume spectrum "preset list"; do
	# shellcheck disable=SC2086
	check "uid $NOBODY outside the group can read: radioctl $cmd" as stranger $cmd
done
check "uid $NOBODY outside the group gets the statistics as JSON" stranger_reads_stats_json

"$RADIOCTL" --json eq >"$T_DIR/eq.before"
"$RADIOCTL" --json volume >"$T_DIR/volume.before"
denied0=$(grep -c "permission denied" "$T_DIR/radiod.log")
rule="permission denied: uid $NOBODY is not root, not radiod's uid 0"
rule+=" and not in group '$CONTROL_GID'"
for w in "${WRITES[@]}"; do
	req=${w%%|*}
	cmd=${w#*|}
	# shellcheck disable=SC2086
	out=$(as stranger $cmd 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF "radioctl: $req: $rule" <<<"$out"; then
		ok "uid $NOBODY outside the group is refused: radioctl $cmd"
	else
		not_ok "uid $NOBODY outside the group is refused: radioctl $cmd" "exit $rc" "$out"
	fi
done
denied=$(($(grep -c "permission denied" "$T_DIR/radiod.log") - denied0))
check "radiod logged each of the ${#WRITES[@]} refusals" test "$denied" -eq "${#WRITES[@]}"
check "the refused writes left the EQ as it was" \
	sh -c "\"$RADIOCTL\" --json eq | cmp -s - \"$T_DIR/eq.before\""
check "the refused writes left the volume as it was" \
	sh -c "\"$RADIOCTL\" --json volume | cmp -s - \"$T_DIR/volume.before\""

for w in "${WRITES[@]}"; do
	cmd=${w#*|}
	# shellcheck disable=SC2086
	check "root may write: radioctl $cmd" "$RADIOCTL" $cmd
done

check "a peer with the control group as a supplementary group may write" as member volume -3
check "its write took effect" \
	sh -c "\"$RADIOCTL\" --json volume | jq -e '.db == -3'"
check "a peer with the control group as its primary group may write" as primary volume -4
check "a peer in the control group may reload" as member reload

printf '[control]\nsocket_mode = 0666\nsocket_group = %s\ngroup = %s\n' \
	"$CONTROL_GID" 4243 >"$CONF"
check "root reloads with another control group" "$RADIOCTL" reload
out=$(as member volume -5 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -qF "not in group '4243'" <<<"$out"; then
	ok "after the reload the old group's member is refused, naming the new group"
else
	not_ok "after the reload the old group's member is refused, naming the new group" \
		"exit $rc" "$out"
fi

finish
