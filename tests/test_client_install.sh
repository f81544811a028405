#!/bin/sh
# test_client_install.sh - libradioclient is usable as installed: `make
# install` of the client library into a DESTDIR, then a program that
# includes <radioclient/radioclient.h>, builds a request with the generated
# RADIO__*__INIT macros and links with `pkg-config --cflags --libs
# radioclient` alone, runs and gets the library's error for a missing
# socket. Also: the library exports only radioclient_* and radio__*.
# Reports TAP. Needs CC and MAKE from the test environment (tests/clients.am).
set -u

echo "1..3"
: "${top_builddir:=.}" "${CC:=cc}" "${MAKE:=make}" "${SAN_CFLAGS:=}" "${SAN_LDFLAGS:=}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/radioclient-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

# Only the client library's own install targets: the rest of the tree need
# not be built for this.
if ! $MAKE -s -C "$top_builddir" DESTDIR="$dest" install-libLTLIBRARIES \
	install-radioclientincludeHEADERS install-nodist_radioclientincludeHEADERS \
	install-pkgconfigDATA >"$tmp/install.log" 2>&1; then
	echo "not ok 1 - make install of the client library"
	sed 's/^/# /' "$tmp/install.log"
	echo "ok 2 # SKIP nothing installed"
	echo "ok 3 # SKIP nothing installed"
	exit 0
fi
echo "ok 1 - make install of the client library"

pc=$(find "$dest" -name radioclient.pc | head -n 1)
lib=$(find "$dest" -name 'libradioclient.so*' -type f | head -n 1)
cat >"$tmp/use.c" <<'C'
#include <radioclient/radioclient.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct radioclient *rc = radioclient_create();
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo body = RADIO__GET_INFO__INIT;
	int err;

	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &body;
	if (!rc || strcmp(radioclient_request_name(&req), "get_info") != 0)
		return 1;
	err = radioclient_connect(rc, "/nonexistent/radiod.sock");
	printf("%d %s\n", err == -ENOENT, radioclient_error(rc));
	radioclient_close(rc);
	return err == -ENOENT ? 0 : 1;
}
C
# PKG_CONFIG_SYSROOT_DIR puts $dest in front of the -I and -L paths.
if flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest \
		pkg-config --cflags --libs radioclient 2>"$tmp/pc.log") &&
	$CC $SAN_CFLAGS -o "$tmp/use" "$tmp/use.c" $flags $SAN_LDFLAGS >"$tmp/cc.log" 2>&1 &&
	out=$(LD_LIBRARY_PATH=$(dirname "$lib") "$tmp/use" 2>&1) &&
	[ "$out" = "1 cannot connect to /nonexistent/radiod.sock: No such file or directory (is radiod running?)" ]
then
	echo "ok 2 - a program builds with pkg-config radioclient and runs"
else
	echo "not ok 2 - a program builds with pkg-config radioclient and runs"
	echo "# flags: ${flags:-}"
	echo "# output: ${out:-}"
	cat "$tmp/pc.log" "$tmp/cc.log" 2>/dev/null | sed 's/^/# /'
fi

extra=$(nm -D --defined-only "$lib" 2>/dev/null | awk '{ print $NF }' |
	grep -v -E '^(radioclient_|radio__)' | grep -v -E '^_(init|fini|edata|end|_bss_start)$' || true)
if [ -z "$extra" ] && nm -D --defined-only "$lib" | grep -q ' radioclient_connect$'; then
	echo "ok 3 - the library exports only radioclient_* and radio__*"
else
	echo "not ok 3 - the library exports only radioclient_* and radio__*"
	echo "$extra" | sed 's/^/# /'
fi
