/*
 * paths.h - where radiod's control socket lives by default.
 *
 * Shared by the daemon and its clients so both agree without configuration:
 *   root:           /run/radiod/control.sock
 *   any other user: $XDG_RUNTIME_DIR/radiod/control.sock, or
 *                   /tmp/radiod-UID/control.sock when XDG_RUNTIME_DIR is unset
 * Clients let RADIOD_SOCKET override it (radio_client_socket_path()).
 * Any thread; no allocation.
 */
#ifndef RADIOD_PROTO_PATHS_H
#define RADIOD_PROTO_PATHS_H

#include <stddef.h>

#define RADIO_SYSTEM_SOCKET "/run/radiod/control.sock"
/* The longest path a sockaddr_un holds, terminator excluded. */
#define RADIO_SOCKET_PATH_MAX 107

/* Writes the default socket path for this user into buf.
 * Returns 0, or -ENAMETOOLONG when it does not fit in len bytes or in a
 * sockaddr_un. */
int radio_default_socket_path(char *buf, size_t len);

/* RADIOD_SOCKET when set and not empty, else the default above. */
int radio_client_socket_path(char *buf, size_t len);

#endif
