#include "proto/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* n is what snprintf wanted to write into len bytes. */
static int fits(size_t len, int n)
{
	return n < 0 || (size_t)n >= len || n > RADIO_SOCKET_PATH_MAX ? -ENAMETOOLONG : 0;
}

int radio_default_socket_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t uid = getuid();

	if (uid == 0)
		return fits(len, snprintf(buf, len, "%s", RADIO_SYSTEM_SOCKET));
	if (xdg && xdg[0] == '/')
		return fits(len, snprintf(buf, len, "%s/radiod/control.sock", xdg));
	return fits(len, snprintf(buf, len, "/tmp/radiod-%u/control.sock", (unsigned)uid));
}

int radio_client_socket_path(char *buf, size_t len)
{
	const char *env = getenv("RADIOD_SOCKET");

	if (env && env[0])
		return fits(len, snprintf(buf, len, "%s", env));
	return radio_default_socket_path(buf, len);
}
