/*
 * config.h - radiod.conf, an INI file (inih), validated as a whole.
 *
 * Every key, its default and its legal range; "reload" marks the keys a
 * reload (SIGHUP, ReloadConfig) applies at once, the others take effect at
 * the next start of radiod:
 *
 *   [jack]
 *   server = NAME          JACK server to join (-n overrides it); empty = the
 *                          default server; 0..63 characters; default empty
 *   client_name = NAME     radiod's JACK client name, 1..63 characters;
 *                          default "radiod"
 *   channels = N           in/out port pairs in_1..in_N, out_1..out_N:
 *                          1..8; default 2
 *   autoconnect = BOOL     connect the ports at start; default no
 *   connect_in = PORTS     with autoconnect: the ports feeding in_1, in_2, ...
 *                          (at most `channels`); empty = the physical capture
 *                          ports; default empty
 *   connect_out = PORTS    with autoconnect: the ports fed by out_1, ...;
 *                          empty = the physical playback ports; default empty
 *   [control]
 *   socket = PATH          control socket: an absolute path of up to 107
 *                          characters (-s overrides it); empty = the default
 *                          of proto/paths.h; default empty
 *   socket_mode = OCTAL    mode of the socket file radiod creates: 0000..0777;
 *                          default 0660.  Whoever may connect may read every
 *                          setting and statistic: 0666 makes them
 *                          world-readable (writes stay restricted, see group)
 *   socket_group = GROUP   group of the socket file; empty = radiod's group;
 *                          default empty.  socket, socket_mode and
 *                          socket_group do not apply to a socket systemd
 *                          passes (socket activation): radiod.socket's
 *                          ListenStream=, SocketMode= and SocketGroup= do
 *   group = GROUP          (reload) peers in this group may change settings
 *                          (daemon/access.h); empty = only root and radiod's
 *                          own user may; default empty
 *   max_clients = N        (reload) 1..1024; default 32.  Lowering it closes
 *                          nobody: new clients are refused until fewer remain
 *   idle_timeout_s = N     (reload) close a client that sent nothing and has
 *                          no subscription after N s; 0 = never; 0..86400;
 *                          default 300
 *   client_buffer_kib = N  (reload) per-client output buffer: 64..65536 KiB;
 *                          default 1024
 *   [audio]
 *   eq_bands = N           bands of the EQ at start when no saved state
 *                          brings its own: 1..16; default 8
 *   ramp_ms = MS           (reload) the volume ramp of a SetVolume without
 *                          one, and of mute: 0..10000; default 50
 *   volume_db = DB         volume at start when no saved state brings its
 *                          own (ramped up from silence): -120..12; default 0
 *   [metrics]
 *   enabled = BOOL         serve the statistics to Prometheus over HTTP at
 *                          http://LISTEN/metrics (daemon/metrics.h);
 *                          default no
 *   listen = ADDR          where: ADDRESS[:PORT]; default 127.0.0.1:9469.
 *                          Anyone who reaches it reads every statistic
 *                          (nothing can be changed through it): keep it on
 *                          loopback unless the network is trusted
 *
 * BOOL is yes/no, true/false, on/off or 1/0.  PORTS is a list of JACK port
 * names separated by spaces or commas.  GROUP is a group name, resolved when
 * the file is read (an unknown group is an error), or a numeric gid.  OCTAL
 * is 1 to 4 octal digits.  ADDR is a numeric IPv4 address or an IPv6 one
 * in brackets ("[::1]:9469"; names are not looked up), then optionally ':'
 * and a port 0..65535 (0: any free port, which radiod logs; none:
 * CONFIG_DEFAULT_METRICS_PORT).
 *
 * Syntax: "[section]" lines and "key = value" lines (':' works too); leading
 * whitespace is ignored, so a line is always one key (no continuation
 * lines); lines starting with ';' or '#' and text after " ;" are comments;
 * a line holds up to 198 characters.  A key may appear once: a second one
 * is an error, not a silent override.  An unknown section or key, a bad
 * value, a duplicate key or a line inih cannot parse is an error naming the
 * file and line, and nothing is applied from a file with an error.
 *
 * Control thread only; no process-wide state.  Reading a file with a GROUP
 * looks the group up in the group database (NSS), which may block.
 */
#ifndef RADIOD_DAEMON_CONFIG_H
#define RADIOD_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CONFIG_MAX_CHANNELS 8
#define CONFIG_NAME_MAX 64	/* server, client and group names, terminator included */
#define CONFIG_PORT_NAME_MAX 320	/* JACK2's full port name size */
#define CONFIG_PATH_MAX 108	/* a sockaddr_un path, terminator included */
#define CONFIG_DEFAULT_SOCKET_MODE 0660
#define CONFIG_LISTEN_MAX 64	/* "[IPv6]:PORT" as written, terminator included */
#define CONFIG_DEFAULT_METRICS_PORT 9469

/* A listening address as written, and its parts. */
struct config_listen {
	char text[CONFIG_LISTEN_MAX];
	char host[CONFIG_LISTEN_MAX];	/* numeric, without brackets */
	uint16_t port;			/* 0 = any free port */
};

/* A group as written ("" = none) and the gid it named when read. */
struct config_group {
	char name[CONFIG_NAME_MAX];
	gid_t gid;
};

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
	uint32_t socket_mode;
	struct config_group socket_group;
	struct config_group group;
	uint32_t max_clients;
	uint32_t idle_timeout_s;
	uint32_t client_buffer_kib;
	/* [audio] */
	uint32_t eq_bands;
	double ramp_ms;
	double volume_db;
	/* [metrics] */
	bool metrics_enabled;
	struct config_listen metrics_listen;
};

/* A command-line option that overrides a key of the file. */
struct config_override {
	const char *key;	/* "jack.server" */
	const char *value;
	const char *option;	/* "-n", for messages */
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

/*
 * Sets one key ("section.key") from text, with the file's validation.
 * Returns 0, or -EINVAL with "KEY: reason" in err (cfg untouched).
 */
int config_set(struct config *cfg, const char *key, const char *value, char *err,
	       size_t err_len);

/*
 * What radiod runs on: the defaults, then the file at path (NULL: none),
 * then the n overrides in order.  All or nothing: on error cfg is untouched,
 * the return is as config_load's and err names the file and line, or the
 * option ("-n: server: longer than 63 characters").
 */
int config_read(struct config *cfg, const char *path, const struct config_override *ov,
		size_t n, char *err, size_t err_len);

/* Whether a reload applies a key at once (see the list above). */
enum config_when {
	CONFIG_AT_RELOAD,
	CONFIG_AT_RESTART,
};

/*
 * Lists the keys of one kind whose values differ between a and b:
 * "jack.channels, audio.eq_bands" ("" when none).  With values, each name is
 * followed by both values ("control.max_clients 1 -> 2").  A list that does
 * not fit ends in "...".  Returns how many keys differ.
 */
unsigned config_diff(const struct config *a, const struct config *b, enum config_when when,
		     bool values, char *out, size_t out_len);

/* Copies the keys a reload applies at once from next into running. */
void config_take_reloadable(struct config *running, const struct config *next);

#endif
