#!/usr/bin/env bash
# The manual pages are clean mdoc and cannot fall behind the programs:
# mandoc's lint finds nothing at warning level; radioctl.1 has every command
# `radioctl help` lists and every option each command's help names;
# radiod.8 every option of `radiod --help` and every metric radiod exports;
# radiod.conf.5 every key of radiod.conf.example; radiod-protocol.7 every
# request and status code of radio.proto; `make install` installs all four.
. "$(dirname "$0")/integration/lib.sh"

man=$top_srcdir/man
pages=(radiod.8 radioctl.1 radiod.conf.5 radiod-protocol.7)

command -v mandoc >/dev/null || bail "mandoc not found: install the Debian package 'mandoc' (tools/deps --install)"

for p in "${pages[@]}"; do
	out=$(mandoc -Tlint -W warning "$man/$p" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "$p: mandoc -Tlint -W warning reports nothing"
	else
		not_ok "$p: mandoc -Tlint -W warning reports nothing" "exit $rc" "$out"
	fi
done

# in_page PAGE REGEX: the page's source has a line matching REGEX.
in_page() { grep -Eq -- "$2" "$man/$1"; }

# Every command of `radioctl help` has an item of its own in radioctl.1.
commands=$("$RADIOCTL" help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ -n "$commands" ] || bail "radioctl help listed no commands"
missing=()
for c in $commands; do
	in_page radioctl.1 "^\.It Cm $c( |$)" || missing+=("$c")
done
check "radioctl.1 describes every command radioctl help lists ($(echo $commands | wc -w))" \
	test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radioctl.1: ${missing[*]}"

# Every --option a command's help names (the global ones are in OPTIONS),
# and those of its subcommands' help: the words of the alternatives after
# the command in its usage line ("eq [show|set|band|bypass]").  --help never
# connects, so nothing is run.
options_of() { # COMMAND: its options and its subcommands'
	local help usage w
	help=$("$RADIOCTL" help "$1")
	echo "$help"
	usage=$(echo "$help" | sed -n "1s/.*\[--json\] $1 \([^ ]*\).*/\1/p")
	# and those the help sends to: "see 'radioctl inject file --help'"
	usage+=" $(echo "$help" | grep -oE "radioctl $1 [a-z]+ --help" | awk '{ print $3 }')"
	for w in $(echo "$usage" | tr -d '[]' | tr '|' ' '); do
		case $w in *[!a-z]*) continue ;; esac
		"$RADIOCTL" "$1" "$w" --help 2>/dev/null
	done
}
missing=()
n=0
for c in $commands; do
	[ "$c" = help ] && continue
	for o in $(options_of "$c" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		n=$((n + 1))
		in_page radioctl.1 "Fl Fl ${o#--}( |$)" || missing+=("$c $o")
	done
done
check "radioctl.1 names every option of every command's help ($n)" test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radioctl.1: ${missing[*]}"

# The exit codes radioctl --help lists.
codes=$("$RADIOCTL" --help | awk '/^exit status:/ { on = 1; next } on && $1 ~ /^[0-9]+$/ { print $1 }')
missing=()
for e in $codes; do
	awk -v e="$e" '/^\.Sh EXIT STATUS/ { on = 1 } /^\.Sh / && !/EXIT STATUS/ { on = 0 }
		on && $0 == ".It " e { found = 1 } END { exit !found }' "$man/radioctl.1" || missing+=("$e")
done
check "radioctl.1 explains every exit status radioctl --help lists ($(echo $codes | wc -w))" \
	test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radioctl.1's EXIT STATUS: ${missing[*]}"

# Every long option of `radiod --help`.
missing=()
for o in $("$RADIOD" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
	in_page radiod.8 "Fl Fl ${o#--}( |$)" || missing+=("$o")
done
check "radiod.8 describes every option radiod --help lists" test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radiod.8: ${missing[*]}"

# Every metric name the exposition writes.
metrics=$(grep -oE '"radiod_[a-z0-9_]+' "$top_srcdir/proto/metrics_text.c" | tr -d '"' | sort -u)
metrics+=" radiod_jitter_seconds radiod_processing_seconds radiod_wakeup_seconds"
missing=()
for m in $metrics; do
	[ "$m" = radiod_ ] && continue
	grep -q -- "$m" "$man/radiod.8" || missing+=("$m")
done
check "radiod.8 lists every metric radiod exports" test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radiod.8: ${missing[*]}"

# Every key and section of the example configuration.
example=$top_srcdir/daemon/radiod.conf.example
missing=()
n=0
for k in $(sed -n 's/^;\{0,1\}\([a-z_]*\) *=.*/\1/p' "$example"); do
	n=$((n + 1))
	in_page radiod.conf.5 "^\.It Cm $k No = " || missing+=("$k")
done
for s in $(sed -n 's/^\[\([a-z]*\)\]$/\1/p' "$example"); do
	in_page radiod.conf.5 "^\.Ss \[$s\]$" || missing+=("[$s]")
done
check "radiod.conf.5 describes every key of radiod.conf.example ($n)" test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radiod.conf.5: ${missing[*]}"

# Every request of radio.proto's Request, and every status code.
proto=$top_srcdir/proto/radio.proto
requests=$(awk '/^message Request \{/ { on = 1 } on && /^}/ { exit }
	on && /^    [A-Z][A-Za-z]+ [a-z_]+ = [0-9]+;/ { print $1 }' "$proto")
[ -n "$requests" ] || bail "no requests found in $proto"
missing=()
for r in $requests; do
	in_page radiod-protocol.7 "Vt $r( |$)" || missing+=("$r")
done
check "radiod-protocol.7 describes every request of radio.proto ($(echo $requests | wc -w))" \
	test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radiod-protocol.7: ${missing[*]}"
codes=$(awk '/^  enum Code \{/ { on = 1; next } on && /}/ { exit }
	on && /^ +[A-Z_]+ = [0-9]+;/ { print $1 }' "$proto")
missing=()
for c in $codes; do
	in_page radiod-protocol.7 "^\.It Dv $c$" || missing+=("$c")
done
check "radiod-protocol.7 explains every status code of radio.proto" test "${#missing[@]}" -eq 0
[ "${#missing[@]}" -eq 0 ] || diag "not in radiod-protocol.7: ${missing[*]}"

# `make install` puts them in section folders.
dest=$T_DIR/dest
if ${MAKE:-make} -C "$top_builddir" install-man DESTDIR="$dest" >"$T_DIR/install.log" 2>&1; then
	missing=()
	for p in "${pages[@]}"; do
		[ -n "$(find "$dest" -path "*/man${p##*.}/$p" -type f)" ] || missing+=("$p")
	done
	check "make install installs the four pages in their sections" test "${#missing[@]}" -eq 0
else
	not_ok "make install installs the four pages in their sections" "$(tail -5 "$T_DIR/install.log")"
fi

finish
