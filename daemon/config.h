/*
 * config.h - radiod.conf, an INI file (inih), validated as a whole.
 *
 *   [jack]
 *   server = NAME          JACK server to join; empty = the default server
 *   client_name = NAME     radiod's JACK client name (1..63 chars), "radiod"
 *   channels = N           in/out port pairs in_1..in_N, out_1..out_N: 1..8, 2
 *   autoconnect = BOOL     connect ports at start: no
 *   connect_in = PORTS     with autoconnect: ports feeding in_1, in_2, ...;
 *                          empty = the physical capture ports
 *   connect_out = PORTS    with autoconnect: ports fed by out_1, ...; empty =
 *                          the physical playback ports
 *   [control]
 *   socket = PATH          control socket; empty = proto/paths.h's default
 *   max_clients = N        1..1024, 32
 *   idle_timeout_s = N     close a client that sent nothing and has no
 *                          subscription after N s; 0 = never; 0..86400, 300
 *   client_buffer_kib = N  per-client output buffer: 64..65536 KiB, 1024
 *   [audio]
 *   eq_bands = N           1..16, 8
 *   ramp_ms = MS           default volume ramp: 0..10000, 50
 *   volume_db = DB         volume at start (ramped up from silence): -120..12, 0
 *
 * BOOL is yes/no, true/false, on/off or 1/0; PORTS is a list of JACK port
 * names separated by spaces or commas.  Lines may be up to 198 characters.
 * An unknown section or key, a bad value, or a line inih cannot parse is an
 * error naming the file and line; nothing is applied from a file with an
 * error.
 *
 * Control thread only; no process-wide state.
 */
#ifndef RADIOD_DAEMON_CONFIG_H
#define RADIOD_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_MAX_CHANNELS 8
#define CONFIG_NAME_MAX 64	/* server and client names, terminator included */
#define CONFIG_PORT_NAME_MAX 320	/* JACK2's full port name size */
#define CONFIG_PATH_MAX 108	/* a sockaddr_un path, terminator included */

struct config {
	/* [jack] */
	char server[CONFIG_NAME_MAX];
	char client_name[CONFIG_NAME_MAX];
	uint32_t channels;
	bool autoconnect;
	uint32_t n_connect_in;
	uint32_t n_connect_out;
	char connect_in[CONFIG_MAX_CHANNELS][CONFIG_PORT_NAME_MAX];
	char connect_out[CONFIG_MAX_CHANNELS][CONFIG_PORT_NAME_MAX];
	/* [control] */
	char socket[CONFIG_PATH_MAX];
	uint32_t max_clients;
	uint32_t idle_timeout_s;
	uint32_t client_buffer_kib;
	/* [audio] */
	uint32_t eq_bands;
	double ramp_ms;
	double volume_db;
};

void config_defaults(struct config *cfg);

/*
 * Reads the file at path over cfg (which holds the defaults or an earlier
 * configuration).  On error returns a negative errno (-ENOENT and friends
 * when it cannot be read, -EINVAL for its content), leaves cfg untouched and
 * writes "PATH:LINE: reason" (or "PATH: reason") into err.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t err_len);

/* The same from an open stream; name is used in messages. */
int config_load_stream(struct config *cfg, FILE *f, const char *name, char *err,
		       size_t err_len);

#endif
