/*
 * config_hash.h - the SHA-256 of radiod's configuration file, which GetInfo
 * reports (Info.config_sha256) so that benchmark sessions recorded with
 * `radioctl record` tell configurations apart.
 *
 * The bytes of the file are hashed as they are on disk, comments included:
 * two files differing only in a comment hash differently, which is what
 * "the same file" means to a person comparing sessions.  The hash is taken
 * right after the file was read and accepted (at start, at each successful
 * reload).
 *
 * Control thread only (it reads a file: it may block).
 */
#ifndef RADIOD_DAEMON_CONFIG_HASH_H
#define RADIOD_DAEMON_CONFIG_HASH_H

#include <stddef.h>

/* 64 lowercase hex digits and the terminator. */
#define CONFIG_HASH_HEX_SIZE 65

/*
 * Writes the SHA-256 of the file at path into hex.  Returns 0, or a negative
 * errno with "PATH: reason" in err; then hex is "".
 */
int config_hash_file(const char *path, char hex[CONFIG_HASH_HEX_SIZE], char *err,
		     size_t err_len);

#endif
