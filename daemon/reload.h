/*
 * reload.h - a new radiod.conf for a running radiod (SIGHUP, ReloadConfig).
 *
 * The file is read and validated as a whole first, with the command-line
 * overrides radiod started with (config_read); a file with an error changes
 * nothing, and the error names the file and line.  From a good file, the
 * keys daemon/config.h marks "reload" apply at once:
 *   control.max_clients, idle_timeout_s, client_buffer_kib  to every client
 *       from now on, the connected ones included (control_set_limits);
 *   control.group    to the next request (the access policy);
 *   audio.ramp_ms    to the next SetVolume without a ramp, and to mute.
 * The other keys keep the values radiod started with, and the result names
 * those that differ ("jack.channels changes at the next restart"): such a
 * file is applied for the rest rather than refused, so that one edit of a
 * restart-only key does not block every later reload, and the note is
 * repeated at each reload until radiod restarts.
 *
 * Control thread only.
 */
#ifndef RADIOD_DAEMON_RELOAD_H
#define RADIOD_DAEMON_RELOAD_H

#include <stddef.h>

#include "daemon/access.h"
#include "daemon/config.h"
#include "daemon/control.h"
#include "daemon/engine.h"

/* What a reload changes. */
struct reload_target {
	struct control *control;
	struct engine *engine;
	struct access_policy *access;
};

struct reload_result {
	unsigned n_changed;
	char changed[1024];	/* "control.max_clients 1 -> 2, ..."; "" when none */
	unsigned n_restart;
	char restart[512];	/* "jack.channels, audio.eq_bands"; "" when none */
};

/*
 * Reads path with the overrides ov (n_ov of them) and applies it to running
 * and the targets as above.  Returns 0 with res filled in, or a negative
 * errno (as config_read's) with the reason in err; then nothing changed.
 */
int reload_config(struct config *running, const char *path, const struct config_override *ov,
		  size_t n_ov, const struct reload_target *t, struct reload_result *res,
		  char *err, size_t err_len);

#endif
