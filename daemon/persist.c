/*
 * persist.c - restore at start, debounced saves, presets (see persist.h).
 */
#include "daemon/persist.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct persist {
	struct engine *engine;
	const struct log *log;
	struct state_dir *dir;
	struct event *timer;
	uint32_t delay_ms;
	bool dirty;		/* changed since the last save */
	bool failing;		/* the last save failed: retrying */
	bool have_saved;	/* saved holds what state.json holds */
	int64_t first_ms, last_ms;	/* the first and latest unsaved change */
	struct state_settings saved;
	char active[STATE_PRESET_NAME_MAX + 1];
	struct state_presets *presets;
	struct state_presets *next;	/* scratch for a preset change */
	/* save figures, for the log */
	uint64_t saves;
	double save_ms_sum, save_ms_max;
};

static __attribute__((format(printf, 3, 4))) void say(char *buf, size_t len, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void schedule(struct persist *p, int64_t in_ms)
{
	struct timeval tv;

	if (in_ms < 0)
		in_ms = 0;
	tv.tv_sec = (time_t)(in_ms / 1000);
	tv.tv_usec = (suseconds_t)(in_ms % 1000) * 1000;
	evtimer_add(p->timer, &tv);
}

/* The settings as the engine holds them now. */
static void snapshot(struct persist *p, struct state_settings *s)
{
	memset(s, 0, sizeof *s);
	engine_get_eq(p->engine, &s->eq);
	engine_get_volume(p->engine, &s->volume_db, &s->muted);
	snprintf(s->active_preset, sizeof s->active_preset, "%s", p->active);
}

/* Clears the active preset when the EQ no longer is that preset. */
static void check_active(struct persist *p)
{
	struct eq_params eq;
	int i;

	if (!p->active[0])
		return;
	i = state_presets_find(p->presets, p->active);
	engine_get_eq(p->engine, &eq);
	if (i < 0 || !state_eq_same_preset(&eq, &p->presets->preset[i].eq)) {
		log_debug(p->log, "state: the EQ no longer is preset '%s': no active preset",
			  p->active);
		p->active[0] = '\0';
	}
}

static int save_now(struct persist *p, char *err, size_t err_len)
{
	struct state_settings s;
	double t0, ms;
	int r;

	snapshot(p, &s);
	if (p->have_saved && state_settings_equal(&s, &p->saved)) {
		p->dirty = false;
		return 0;
	}
	t0 = now_s();
	r = state_save_settings(p->dir, &s, err, err_len);
	ms = (now_s() - t0) * 1e3;
	if (r < 0)
		return r;
	p->saved = s;
	p->have_saved = true;
	p->dirty = false;
	p->saves++;
	p->save_ms_sum += ms;
	if (ms > p->save_ms_max)
		p->save_ms_max = ms;
	log_debug(p->log, "state: saved %s/%s in %.2f ms", state_dir_path(p->dir),
		  STATE_SETTINGS_FILE, ms);
	return 0;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct persist *p = arg;
	char err[512];

	(void)fd;
	(void)what;
	if (save_now(p, err, sizeof err) < 0) {
		/* Once at the warning level: a full disk is not news every 5 s. */
		if (!p->failing)
			log_warning(p->log, "%s; retrying every %d s", err, PERSIST_RETRY_MS / 1000);
		else
			log_debug(p->log, "%s (still failing)", err);
		p->failing = true;
		schedule(p, PERSIST_RETRY_MS);
		return;
	}
	if (p->failing)
		log_info(p->log, "state: saved %s/%s again", state_dir_path(p->dir),
			 STATE_SETTINGS_FILE);
	p->failing = false;
}

void persist_changed(struct persist *p)
{
	int64_t now = now_ms();

	check_active(p);
	if (!p->dirty)
		p->first_ms = now;
	p->dirty = true;
	p->last_ms = now;
	/* While saves fail, the retry timer stands: no hammering a full or
	 * broken disk on every change. */
	if (!p->failing)
		schedule(p, persist_save_due(p->first_ms, p->last_ms, p->delay_ms) - now);
}

int persist_flush(struct persist *p, char *err, size_t err_len)
{
	if (!p->dirty)
		return 0;
	evtimer_del(p->timer);
	return save_now(p, err, err_len);
}

/* Installs s in the engine (not connected yet: nothing ramps). */
static void install(struct persist *p, const struct state_settings *s)
{
	const char *why = NULL;

	if (engine_set_eq(p->engine, &s->eq, &why) < 0)
		log_warning(p->log, "state: the saved EQ cannot be used (%s): using the default EQ",
			    why ? why : "refused");
	if (engine_set_volume(p->engine, s->volume_db, 0, &why) < 0)
		log_warning(p->log, "state: the saved volume cannot be used (%s)",
			    why ? why : "refused");
	if (engine_set_mute(p->engine, s->muted, &why) < 0)
		log_warning(p->log, "state: the saved mute cannot be used (%s)",
			    why ? why : "refused");
}

static void log_restored(struct persist *p, enum state_source src)
{
	struct state_settings s;
	const char *from = src == STATE_FROM_FILE ? "restored from " STATE_SETTINGS_FILE
			 : src == STATE_FROM_BACKUP ? "restored from " STATE_SETTINGS_FILE ".bak"
			 : "nothing saved: defaults";

	snapshot(p, &s);
	log_info(p->log, "state: %s: volume %.1f dB%s, %u EQ bands%s, %s%s%s; presets: %u "
		 "(saving %u ms after a change)", from, s.volume_db, s.muted ? " (muted)" : "",
		 s.eq.n_bands, s.eq.bypass ? " (bypassed)" : "",
		 s.active_preset[0] ? "preset '" : "no active preset", s.active_preset,
		 s.active_preset[0] ? "'" : "", p->presets->n, p->delay_ms);
}

struct persist *persist_create(struct event_base *base, struct engine *e, const char *state_dir,
			       uint32_t save_delay_ms, const struct log *lg, char *err,
			       size_t err_len)
{
	struct persist *p = calloc(1, sizeof *p);
	struct state_settings s;
	enum state_source src;

	if (!p) {
		say(err, err_len, "state: out of memory");
		return NULL;
	}
	p->engine = e;
	p->log = lg;
	p->delay_ms = save_delay_ms;
	p->presets = calloc(1, sizeof *p->presets);
	p->next = calloc(1, sizeof *p->next);
	p->timer = evtimer_new(base, on_timer, p);
	if (!p->presets || !p->next || !p->timer) {
		say(err, err_len, "state: out of memory");
		goto fail;
	}
	if (state_dir_open(&p->dir, state_dir, lg, err, err_len) < 0)
		goto fail;

	state_load_presets(p->dir, p->presets);
	/* The engine holds the configured defaults: the base of a load. */
	snapshot(p, &s);
	src = state_load_settings(p->dir, &s);
	if (src != STATE_DEFAULTS) {
		install(p, &s);
		snprintf(p->active, sizeof p->active, "%s", s.active_preset);
		check_active(p);
		/* What state.json holds, so that changing a setting and back
		 * writes nothing; restored from the backup, state.json is gone
		 * and the first save writes whatever it finds. */
		p->saved = s;
		p->have_saved = src == STATE_FROM_FILE;
	}
	log_restored(p, src);
	return p;

fail:
	persist_destroy(p);
	return NULL;
}

void persist_destroy(struct persist *p)
{
	if (!p)
		return;
	if (p->saves)
		log_debug(p->log, "state: %llu saves, mean %.2f ms, longest %.2f ms",
			  (unsigned long long)p->saves, p->save_ms_sum / (double)p->saves,
			  p->save_ms_max);
	if (p->timer)
		event_free(p->timer);
	state_dir_close(p->dir);
	free(p->presets);
	free(p->next);
	free(p);
}

struct state_dir *persist_state_dir(struct persist *p)
{
	return p->dir;
}

const char *persist_active_preset(const struct persist *p)
{
	return p->active;
}

const struct state_presets *persist_presets(const struct persist *p)
{
	return p->presets;
}

/* 0 when name is a valid preset name, else -EINVAL with err set. */
static int check_name(const char *name, char *err, size_t err_len)
{
	const char *problem;

	if (!name) {
		say(err, err_len, "name missing");
		return -EINVAL;
	}
	problem = state_preset_name_problem(name);
	if (problem) {
		say(err, err_len, "preset name \"%.80s\" %s", name, problem);
		return -EINVAL;
	}
	return 0;
}

static int no_such_preset(const char *name, char *err, size_t err_len)
{
	say(err, err_len, "no preset named \"%s\"", name);
	return -ENOENT;
}

/* Writes p->next and makes it the presets; *ms: how long the write took. */
static int commit_presets(struct persist *p, double *ms, char *err, size_t err_len)
{
	struct state_presets *t;
	double t0 = now_s();
	int r = state_save_presets(p->dir, p->next, err, err_len);

	*ms = (now_s() - t0) * 1e3;
	if (r < 0)
		return r;
	t = p->presets;
	p->presets = p->next;
	p->next = t;
	return 0;
}

int persist_save_preset(struct persist *p, const char *name, char *err, size_t err_len)
{
	struct eq_params eq;
	double ms = 0;
	int r = check_name(name, err, err_len);

	if (r < 0)
		return r;
	engine_get_eq(p->engine, &eq);
	*p->next = *p->presets;
	r = state_presets_put(p->next, name, &eq);
	if (r == -ENOSPC) {
		say(err, err_len, "%d presets already, the most radiod keeps: delete one first",
		    STATE_MAX_PRESETS);
		return r;
	}
	if (r == 0)
		r = commit_presets(p, &ms, err, err_len);
	if (r < 0)
		return r;
	snprintf(p->active, sizeof p->active, "%s", name);
	persist_changed(p);
	log_info(p->log, "state: saved preset '%s' (%u kept; %s written in %.2f ms)", name,
		 p->presets->n, STATE_PRESETS_FILE, ms);
	return 0;
}

int persist_load_preset(struct persist *p, const char *name, char *err, size_t err_len)
{
	struct eq_params eq, cur;
	const char *why = NULL;
	int i, r = check_name(name, err, err_len);

	if (r < 0)
		return r;
	i = state_presets_find(p->presets, name);
	if (i < 0)
		return no_such_preset(name, err, err_len);
	engine_get_eq(p->engine, &cur);
	eq = p->presets->preset[i].eq;
	eq.bypass = cur.bypass;
	r = engine_set_eq(p->engine, &eq, &why);
	if (r < 0) {
		say(err, err_len, "preset \"%s\": %s", name, why ? why : strerror(-r));
		return r;
	}
	snprintf(p->active, sizeof p->active, "%s", name);
	persist_changed(p);
	log_info(p->log, "state: loaded preset '%s'", name);
	return 0;
}

int persist_delete_preset(struct persist *p, const char *name, char *err, size_t err_len)
{
	double ms;
	int r = check_name(name, err, err_len);

	if (r < 0)
		return r;
	*p->next = *p->presets;
	if (state_presets_remove(p->next, name) < 0)
		return no_such_preset(name, err, err_len);
	r = commit_presets(p, &ms, err, err_len);
	if (r < 0)
		return r;
	log_info(p->log, "state: deleted preset '%s' (%u kept; %s written in %.2f ms)", name,
		 p->presets->n, STATE_PRESETS_FILE, ms);
	if (strcmp(p->active, name) == 0) {
		p->active[0] = '\0';
		persist_changed(p);
	}
	return 0;
}
