#include "daemon/reload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int reload_config(struct config *running, const char *path, const struct config_override *ov,
		  size_t n_ov, const struct reload_target *t, struct reload_result *res,
		  char *err, size_t err_len)
{
	struct config *next = malloc(sizeof *next);
	struct control_limits limits;
	int r;

	if (!next) {
		snprintf(err, err_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	r = config_read(next, path, ov, n_ov, err, err_len);
	if (r < 0) {
		free(next);
		return r;
	}
	res->n_changed = config_diff(running, next, CONFIG_AT_RELOAD, true, res->changed,
				     sizeof res->changed);
	res->n_restart = config_diff(running, next, CONFIG_AT_RESTART, false, res->restart,
				     sizeof res->restart);
	config_take_reloadable(running, next);
	free(next);

	/* Every reloadable key of config.c's table, from running. */
	limits.max_clients = running->max_clients;
	limits.idle_timeout_s = running->idle_timeout_s;
	limits.out_limit = (size_t)running->client_buffer_kib * 1024;
	control_set_limits(t->control, &limits);
	access_policy_init(t->access, t->access->self_uid, running);
	engine_set_default_ramp_ms(t->engine, running->ramp_ms);
	return 0;
}
