/*
 * session.c - benchmark sessions: recording from GetStats replies, the
 * JSON file, and comparing two sessions (see session.h).
 */
#include "config.h"

#include "clients/session.h"

#include "clients/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* 17 significant digits: a session read back is the session written, to
 * the last bit (radioctl's other JSON is for people and has 15). */
#define SESSION_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))
#define PROCESSING "processing"	/* the histogram the budget comes from */

__attribute__((format(printf, 3, 4)))
static void say(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ the struct */

enum { N_META_STRINGS = 13 };

static void meta_strings(struct session_meta *m, char **f[N_META_STRINGS])
{
	char **all[N_META_STRINGS] = {
		&m->label, &m->started, &m->host, &m->kernel, &m->arch, &m->cpu,
		&m->radiod_version, &m->jack_version, &m->jack_server, &m->config_file,
		&m->config_sha256, &m->rt_policy, &m->radioctl_version,
	};

	memcpy(f, all, sizeof all);
}

int session_set(char **field, const char *value)
{
	/* jansson writes only valid UTF-8, and radiod's strings (a JACK server
	 * name, a path) are not promised to be. */
	json_t *text = ctl_json_text(value ? value : "");
	char *copy = text ? strdup(json_string_value(text)) : NULL;

	json_decref(text);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

struct session_recorder {
	struct histogram_snapshot *prev[SESSION_MAX_TIMINGS];
	struct histogram_snapshot *cur[SESSION_MAX_TIMINGS];
	struct histogram_snapshot *delta[SESSION_MAX_TIMINGS];
	uint64_t callbacks, frames, xruns, inject_underruns;
	double daemon_elapsed_s;
	double t0;
};

static void recorder_free(struct session_recorder *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < SESSION_MAX_TIMINGS; i++) {
		histogram_snapshot_destroy(r->prev[i]);
		histogram_snapshot_destroy(r->cur[i]);
		histogram_snapshot_destroy(r->delta[i]);
	}
	free(r);
}

struct session *session_create(void)
{
	struct session *s = calloc(1, sizeof *s);
	char **f[N_META_STRINGS];

	if (!s)
		return NULL;
	meta_strings(&s->meta, f);
	for (size_t i = 0; i < N_META_STRINGS; i++) {
		if (session_set(f[i], "") < 0) {
			session_free(s);
			return NULL;
		}
	}
	if (session_set(&s->meta.radioctl_version, PACKAGE_VERSION) < 0) {
		session_free(s);
		return NULL;
	}
	return s;
}

void session_free(struct session *s)
{
	char **f[N_META_STRINGS];

	if (!s)
		return;
	meta_strings(&s->meta, f);
	for (size_t i = 0; i < N_META_STRINGS; i++)
		free(*f[i]);
	for (size_t i = 0; i < s->n_hist; i++)
		histogram_snapshot_destroy(s->hist[i].snap);
	free(s->intervals);
	recorder_free(s->rec);
	free(s);
}

int session_find(const struct session *s, const char *name)
{
	for (size_t i = 0; i < s->n_hist; i++)
		if (strcmp(s->hist[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void figures_of(const struct histogram_snapshot *h, struct session_figures *f)
{
	f->count = histogram_snapshot_count(h);
	f->p50_ns = histogram_snapshot_percentile(h, 50.0);
	f->p99_ns = histogram_snapshot_percentile(h, 99.0);
	f->p999_ns = histogram_snapshot_percentile(h, 99.9);
	f->max_ns = histogram_snapshot_max(h);
}

void session_figures(const struct session *s, size_t i, struct session_figures *f)
{
	figures_of(s->hist[i].snap, f);
}

/* A slot for one more interval; NULL when out of memory. */
static struct session_interval *grow(struct session *s)
{
	if (s->n_intervals == s->cap_intervals) {
		size_t cap = s->cap_intervals ? 2 * s->cap_intervals : 64;
		struct session_interval *n = reallocarray(s->intervals, cap, sizeof *n);

		if (!n)
			return NULL;
		s->intervals = n;
		s->cap_intervals = cap;
	}
	memset(&s->intervals[s->n_intervals], 0, sizeof s->intervals[0]);
	return &s->intervals[s->n_intervals++];
}

/* ------------------------------------------------------------ metadata */

int session_meta_from_info(struct session_meta *m, const Radio__Info *in)
{
	const Radio__RtThread *rt = in->rt_thread;
	int r = 0;

	r |= session_set(&m->radiod_version, in->daemon_version);
	r |= session_set(&m->jack_version, in->jack_version);
	r |= session_set(&m->jack_server, in->jack_server);
	r |= session_set(&m->config_file, in->config_file);
	r |= session_set(&m->config_sha256, in->config_sha256);
	r |= session_set(&m->rt_policy, rt ? rt->policy : NULL);
	m->protocol_version = in->has_protocol_version ? in->protocol_version : 0;
	m->sample_rate_hz = in->has_sample_rate_hz ? in->sample_rate_hz : 0;
	m->period_frames = in->has_period_frames ? in->period_frames : 0;
	m->channels = in->has_channels ? in->channels : 0;
	m->rt_priority = rt && rt->has_priority ? rt->priority : 0;
	m->realtime = rt && rt->has_realtime && rt->realtime;
	return r ? -ENOMEM : 0;
}

/* The CPU's name from /proc/cpuinfo: "model name" on x86, "Model" or
 * "Hardware" on many ARM boards; "" when none says. */
static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "Model", "Hardware", "cpu model" };
	char line[512], found[sizeof keys / sizeof keys[0]][256] = { { 0 } };
	FILE *f = fopen("/proc/cpuinfo", "re");

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			size_t n = strlen(keys[k]);
			const char *v = colon + 1;

			if (found[k][0] || strncmp(line, keys[k], n) != 0 ||
			    strspn(line + n, " \t") != (size_t)(colon - line - (ptrdiff_t)n))
				continue;
			v += strspn(v, " \t");
			snprintf(found[k], sizeof found[k], "%.*s", (int)strcspn(v, "\n"), v);
		}
	}
	fclose(f);
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (found[k][0]) {
			snprintf(buf, len, "%s", found[k]);
			return;
		}
	}
}

int session_meta_from_host(struct session_meta *m)
{
	struct utsname u;
	char kernel[sizeof u.sysname + sizeof u.release + sizeof u.version + 3];
	char cpu[256];
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int r = 0;

	if (uname(&u) == 0) {
		snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.version);
		r |= session_set(&m->host, u.nodename);
		r |= session_set(&m->kernel, kernel);
		r |= session_set(&m->arch, u.machine);
	}
	cpu_model(cpu, sizeof cpu);
	r |= session_set(&m->cpu, cpu);
	m->cpus = n > 0 ? (uint32_t)n : 0;
	return r ? -ENOMEM : 0;
}

/* ------------------------------------------------------------ recording */

/* The histogram of st named name, or NULL. */
static const Radio__Histogram *stats_histogram(const Radio__Stats *st, const char *name)
{
	for (size_t i = 0; i < st->n_histogram; i++)
		if (st->histogram[i]->name && strcmp(st->histogram[i]->name, name) == 0)
			return st->histogram[i];
	return NULL;
}

/* Decodes radiod's sparse pairs into snap (checked by libdsp). */
static int decode(const Radio__Histogram *h, struct histogram_snapshot *snap, char *err,
		  size_t err_len)
{
	struct histogram_totals t = { h->sum_ns, h->min_ns, h->max_ns, h->clamped };

	if (h->n_index != h->n_bucket_count ||
	    histogram_snapshot_is_signed(snap) != (h->has_is_signed && h->is_signed) ||
	    histogram_snapshot_from_sparse(snap, h->index, h->bucket_count, h->n_index, &t) < 0) {
		say(err, err_len, "radiod's histogram '%s' does not decode (indices and counts "
		    "do not make a histogram of libdsp's scheme)", h->name);
		return -EPROTO;
	}
	return 0;
}

static bool fits_json(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX;
}

int session_record_start(struct session *s, const Radio__Stats *st, double t_s, char *err,
			 size_t err_len)
{
	struct session_recorder *r;
	char started[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t n = st->n_histogram < SESSION_MAX_TIMINGS ? st->n_histogram : SESSION_MAX_TIMINGS;

	if (n == 0) {
		say(err, err_len, "radiod sent no histograms with its statistics");
		return -EPROTO;
	}
	r = calloc(1, sizeof *r);
	if (!r)
		goto nomem;
	recorder_free(s->rec);
	s->rec = r;
	for (size_t i = 0; i < n; i++) {
		const Radio__Histogram *h = st->histogram[i];
		bool is_signed = h->has_is_signed && h->is_signed;

		if (!h->name || !h->name[0] || strlen(h->name) >= SESSION_NAME_MAX ||
		    stats_histogram(st, h->name) != h) {
			say(err, err_len, "radiod sent a histogram without a usable name ('%s')",
			    h->name ? h->name : "");
			return -EPROTO;
		}
		snprintf(s->hist[i].name, sizeof s->hist[i].name, "%s", h->name);
		s->hist[i].snap = histogram_snapshot_create(is_signed, NULL);
		r->prev[i] = histogram_snapshot_create(is_signed, NULL);
		r->cur[i] = histogram_snapshot_create(is_signed, NULL);
		r->delta[i] = histogram_snapshot_create(is_signed, NULL);
		s->n_hist = i + 1;
		if (!s->hist[i].snap || !r->prev[i] || !r->cur[i] || !r->delta[i])
			goto nomem;
		if (decode(h, r->prev[i], err, err_len) < 0)
			return -EPROTO;
	}
	r->callbacks = st->callbacks;
	r->frames = st->frames;
	r->xruns = st->xruns;
	r->inject_underruns = st->inject_underruns;
	r->daemon_elapsed_s = st->elapsed_s;
	r->t0 = t_s;
	if (!gmtime_r(&now, &tm) || !strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm))
		started[0] = '\0';
	if (session_set(&s->meta.started, started) < 0)
		goto nomem;
	return 0;
nomem:
	say(err, err_len, "out of memory");
	return -ENOMEM;
}

/* Budget use of the processing figures, for a period of frames at rate. */
static double budget(int64_t ns, uint32_t rate, uint32_t frames)
{
	if (!rate || !frames)
		return NAN;
	return (double)ns / (1e9 * frames / rate);
}

int session_record_next(struct session *s, const Radio__Stats *st, double t_s, char *err,
			size_t err_len)
{
	struct session_recorder *r = s->rec;
	struct session_interval *iv;
	struct histogram_snapshot *swap;
	bool reset;
	int p;

	if (s->n_intervals >= SESSION_MAX_INTERVALS) {
		say(err, err_len, "more than %u intervals (use a longer --interval)",
		    SESSION_MAX_INTERVALS);
		return -E2BIG;
	}
	for (size_t i = 0; i < s->n_hist; i++) {
		const Radio__Histogram *h = stats_histogram(st, s->hist[i].name);

		if (!h) {
			say(err, err_len, "radiod stopped sending the histogram '%s'",
			    s->hist[i].name);
			return -EPROTO;
		}
		if (decode(h, r->cur[i], err, err_len) < 0)
			return -EPROTO;
	}
	/* A ResetStats by anyone moves radiod's baseline: its counts go back. */
	reset = st->callbacks < r->callbacks || st->frames < r->frames || st->xruns < r->xruns ||
		st->inject_underruns < r->inject_underruns || st->elapsed_s < r->daemon_elapsed_s;
	for (size_t i = 0; i < s->n_hist && !reset; i++)
		reset = histogram_snapshot_delta(r->delta[i], r->cur[i], r->prev[i]) == -ERANGE;

	iv = grow(s);
	if (!iv) {
		say(err, err_len, "out of memory");
		return -ENOMEM;
	}
	iv->t_s = t_s - r->t0;
	iv->elapsed_s = iv->t_s - (s->n_intervals > 1 ? s->intervals[s->n_intervals - 2].t_s : 0);
	iv->reset = reset;
	if (reset) {
		/* What came after the reset is all this interval can know. */
		iv->callbacks = st->callbacks;
		iv->frames = st->frames;
		iv->xruns = st->xruns;
		iv->inject_underruns = st->inject_underruns;
		s->resets++;
	} else {
		iv->callbacks = st->callbacks - r->callbacks;
		iv->frames = st->frames - r->frames;
		iv->xruns = st->xruns - r->xruns;
		iv->inject_underruns = st->inject_underruns - r->inject_underruns;
	}
	iv->sample_rate_hz = st->has_sample_rate_hz ? st->sample_rate_hz : s->meta.sample_rate_hz;
	iv->period_frames = st->has_period_frames ? st->period_frames : s->meta.period_frames;
	for (size_t i = 0; i < s->n_hist; i++) {
		if (reset) {
			histogram_snapshot_clear(r->delta[i]);
			histogram_snapshot_merge(r->delta[i], r->cur[i]);
		}
		figures_of(r->delta[i], &iv->timing[i]);
		if (histogram_snapshot_merge(s->hist[i].snap, r->delta[i]) < 0) {
			s->n_intervals--;
			say(err, err_len, "the histogram '%s' overflows", s->hist[i].name);
			return -EPROTO;
		}
		swap = r->prev[i];
		r->prev[i] = r->cur[i];
		r->cur[i] = swap;
	}
	p = session_find(s, PROCESSING);
	iv->budget_p99 = p < 0 ? NAN : budget(iv->timing[p].p99_ns, iv->sample_rate_hz,
					      iv->period_frames);
	iv->budget_max = p < 0 ? NAN : budget(iv->timing[p].max_ns, iv->sample_rate_hz,
					      iv->period_frames);

	s->callbacks += iv->callbacks;
	s->frames += iv->frames;
	s->xruns += iv->xruns;
	s->inject_underruns += iv->inject_underruns;
	s->duration_s = iv->t_s;
	r->callbacks = st->callbacks;
	r->frames = st->frames;
	r->xruns = st->xruns;
	r->inject_underruns = st->inject_underruns;
	r->daemon_elapsed_s = st->elapsed_s;
	if (!fits_json(s->callbacks) || !fits_json(s->frames) || !fits_json(s->xruns) ||
	    !fits_json(s->inject_underruns)) {
		say(err, err_len, "radiod's counters are beyond 2^63");
		return -EPROTO;
	}
	return 0;
}

/* ------------------------------------------------------------ writing */

static json_t *figures_json(const struct session_figures *f)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)f->count, "p50_ns",
			 (json_int_t)f->p50_ns, "p99_ns", (json_int_t)f->p99_ns, "p999_ns",
			 (json_int_t)f->p999_ns, "max_ns", (json_int_t)f->max_ns);
}

static json_t *interval_json(const struct session *s, const struct session_interval *iv)
{
	json_t *timing = json_object();
	json_t *o;

	for (size_t i = 0; timing && i < s->n_hist; i++) {
		if (json_object_set_new(timing, s->hist[i].name, figures_json(&iv->timing[i])) < 0) {
			json_decref(timing);
			timing = NULL;
		}
	}
	o = json_pack("{s:f,s:f,s:I,s:I,s:I,s:I,s:i,s:i,s:o}", "t_s", iv->t_s, "elapsed_s",
		      iv->elapsed_s, "callbacks", (json_int_t)iv->callbacks, "frames",
		      (json_int_t)iv->frames, "xruns", (json_int_t)iv->xruns, "inject_underruns",
		      (json_int_t)iv->inject_underruns, "sample_rate_hz", (int)iv->sample_rate_hz,
		      "period_frames", (int)iv->period_frames, "timing", timing);
	if (o && isfinite(iv->budget_p99) && isfinite(iv->budget_max) &&
	    (json_object_set_new(o, "budget_p99", json_real(iv->budget_p99)) < 0 ||
	     json_object_set_new(o, "budget_max", json_real(iv->budget_max)) < 0)) {
		json_decref(o);
		return NULL;
	}
	if (o && iv->reset && json_object_set_new(o, "reset", json_true()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *histogram_json(const struct session_hist *h)
{
	int32_t *idx = malloc(HISTOGRAM_MAX_PAIRS * sizeof *idx);
	uint64_t *cnt = malloc(HISTOGRAM_MAX_PAIRS * sizeof *cnt);
	json_t *buckets = idx && cnt ? json_array() : NULL;
	int n = buckets ? histogram_snapshot_to_sparse(h->snap, idx, cnt, HISTOGRAM_MAX_PAIRS) : 0;
	struct histogram_totals t;

	histogram_snapshot_totals(h->snap, &t);
	for (int k = 0; buckets && k < n; k++) {
		if (json_array_append_new(buckets, json_pack("[i,I]", (int)idx[k],
							      (json_int_t)cnt[k])) < 0) {
			json_decref(buckets);
			buckets = NULL;
		}
	}
	free(idx);
	free(cnt);
	return json_pack("{s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:o}", "name", h->name, "is_signed",
			 histogram_snapshot_is_signed(h->snap), "count",
			 (json_int_t)histogram_snapshot_count(h->snap), "sum_ns", (json_int_t)t.sum,
			 "min_ns", (json_int_t)t.min, "max_ns", (json_int_t)t.max, "clamped",
			 (json_int_t)t.clamped, "buckets", buckets);
}

json_t *session_to_json(const struct session *s)
{
	const struct session_meta *m = &s->meta;
	json_t *intervals = json_array(), *hists = json_array();

	for (size_t i = 0; intervals && i < s->n_intervals; i++) {
		if (json_array_append_new(intervals, interval_json(s, &s->intervals[i])) < 0) {
			json_decref(intervals);
			intervals = NULL;
		}
	}
	for (size_t i = 0; hists && i < s->n_hist; i++) {
		if (json_array_append_new(hists, histogram_json(&s->hist[i])) < 0) {
			json_decref(hists);
			hists = NULL;
		}
	}
	/* "o" takes the reference even when json_pack fails. */
	return json_pack(
		"{s:s,s:i,s:s,s:s,s:f,s:f,s:b,s:I,"
		"s:{s:s,s:s,s:s,s:s,s:i},"
		"s:{s:s,s:i,s:s,s:s,s:i,s:i,s:i,s:s,s:s,s:s,s:i,s:b},"
		"s:s,s:{s:I,s:I,s:I,s:I},s:o,s:o}",
		"format", SESSION_FORMAT, "version", SESSION_VERSION, "label", m->label,
		"started", m->started, "interval_s", m->interval_s, "duration_s", s->duration_s,
		"interrupted", m->interrupted, "resets", (json_int_t)s->resets,
		"host", "name", m->host, "kernel", m->kernel, "arch", m->arch, "cpu", m->cpu,
		"cpus", (int)m->cpus,
		"radiod", "version", m->radiod_version, "protocol_version", (int)m->protocol_version,
		"jack_version", m->jack_version, "jack_server", m->jack_server, "sample_rate_hz",
		(int)m->sample_rate_hz, "period_frames", (int)m->period_frames, "channels",
		(int)m->channels, "config_file", m->config_file, "config_sha256", m->config_sha256,
		"rt_policy", m->rt_policy, "rt_priority", (int)m->rt_priority, "realtime",
		m->realtime,
		"radioctl_version", m->radioctl_version,
		"totals", "callbacks", (json_int_t)s->callbacks, "frames", (json_int_t)s->frames,
		"xruns", (json_int_t)s->xruns, "inject_underruns", (json_int_t)s->inject_underruns,
		"intervals", intervals, "histograms", hists);
}

int session_save(const struct session *s, const char *path, char *err, size_t err_len)
{
	char tmp[4096];
	json_t *doc;
	FILE *f;
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= sizeof tmp) {
		say(err, err_len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	doc = session_to_json(s);
	if (!doc) {
		say(err, err_len, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* A file left by a killed radioctl of the same pid is stale. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		r = -errno;
		say(err, err_len, "cannot create %s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		json_decref(doc);
		return r;
	}
	r = json_dumpf(doc, f, SESSION_JSON_FLAGS) < 0 || fputc('\n', f) == EOF ||
			    fflush(f) != 0 || fsync(fd) != 0
		    ? -(errno ? errno : EIO)
		    : 0;
	json_decref(doc);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r < 0) {
		say(err, err_len, "cannot write %s: %s", path, strerror(-r));
		unlink(tmp);
	}
	return r;
}

/* ------------------------------------------------------------ reading */

/* Where a reader is: the file's name, and the field being read for
 * messages. */
struct rd {
	const char *name;
	char *err;
	size_t err_len;
};

__attribute__((format(printf, 3, 4)))
static int bad(struct rd *rd, const char *field, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	say(rd->err, rd->err_len, "%s: %s%s%s", rd->name, field, field[0] ? ": " : "", what);
	return -EINVAL;
}

/* path.key, for messages. */
static const char *at(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, "%s%s%s", path, path[0] ? "." : "", key);
	return buf;
}

static int member(struct rd *rd, const json_t *o, const char *path, const char *key,
		  json_t **v)
{
	char f[160];

	*v = json_object_get(o, key);
	if (!*v)
		return bad(rd, at(f, sizeof f, path, key), "missing");
	return 0;
}

static int get_object(struct rd *rd, const json_t *o, const char *path, const char *key,
		      json_t **v)
{
	char f[160];
	int r = member(rd, o, path, key, v);

	if (r == 0 && !json_is_object(*v))
		return bad(rd, at(f, sizeof f, path, key), "not an object");
	return r;
}

static int get_string(struct rd *rd, const json_t *o, const char *path, const char *key,
		      size_t max, char **dst)
{
	char f[160];
	json_t *v;
	int r = member(rd, o, path, key, &v);

	if (r < 0)
		return r;
	if (!json_is_string(v))
		return bad(rd, at(f, sizeof f, path, key), "not a string");
	if (json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v))
		return bad(rd, at(f, sizeof f, path, key),
			   "longer than %zu bytes or holding a NUL", max);
	if (session_set(dst, json_string_value(v)) < 0) {
		say(rd->err, rd->err_len, "%s: out of memory", rd->name);
		return -ENOMEM;
	}
	return 0;
}

static int get_int(struct rd *rd, const json_t *o, const char *path, const char *key,
		   int64_t min, int64_t max, int64_t *dst)
{
	char f[160];
	json_t *v;
	int r = member(rd, o, path, key, &v);

	if (r < 0)
		return r;
	if (!json_is_integer(v))
		return bad(rd, at(f, sizeof f, path, key), "not an integer");
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return bad(rd, at(f, sizeof f, path, key),
			   "%" PRId64 " is out of range %" PRId64 " .. %" PRId64,
			   (int64_t)json_integer_value(v), min, max);
	*dst = json_integer_value(v);
	return 0;
}

static int get_u64(struct rd *rd, const json_t *o, const char *path, const char *key,
		   uint64_t *dst)
{
	int64_t v;
	int r = get_int(rd, o, path, key, 0, INT64_MAX, &v);

	if (r == 0)
		*dst = (uint64_t)v;
	return r;
}

static int get_u32(struct rd *rd, const json_t *o, const char *path, const char *key,
		   uint32_t *dst)
{
	int64_t v;
	int r = get_int(rd, o, path, key, 0, UINT32_MAX, &v);

	if (r == 0)
		*dst = (uint32_t)v;
	return r;
}

/* A number (an integer is one too) in [min, max]. */
static int get_real(struct rd *rd, const json_t *o, const char *path, const char *key,
		    double min, double max, double *dst)
{
	char f[160];
	json_t *v;
	int r = member(rd, o, path, key, &v);

	if (r < 0)
		return r;
	if (!json_is_number(v))
		return bad(rd, at(f, sizeof f, path, key), "not a number");
	if (!(json_number_value(v) >= min && json_number_value(v) <= max))
		return bad(rd, at(f, sizeof f, path, key), "%g is out of range %g .. %g",
			   json_number_value(v), min, max);
	*dst = json_number_value(v);
	return 0;
}

static int get_bool(struct rd *rd, const json_t *o, const char *path, const char *key,
		    bool *dst)
{
	char f[160];
	json_t *v;
	int r = member(rd, o, path, key, &v);

	if (r < 0)
		return r;
	if (!json_is_boolean(v))
		return bad(rd, at(f, sizeof f, path, key), "not true or false");
	*dst = json_is_true(v);
	return 0;
}

#define MAX_SECONDS 1e9	/* 31 years: beyond any session */
#define MAX_TEXT 4096	/* metadata strings; the label is shorter */

static int read_meta(struct rd *rd, const json_t *doc, struct session *s)
{
	struct session_meta *m = &s->meta;
	json_t *host, *radiod;
	int64_t prio;
	int r = 0;

	if ((r = get_string(rd, doc, "", "label", SESSION_LABEL_MAX, &m->label)) ||
	    (r = get_string(rd, doc, "", "started", MAX_TEXT, &m->started)) ||
	    (r = get_real(rd, doc, "", "interval_s", 0, MAX_SECONDS, &m->interval_s)) ||
	    (r = get_real(rd, doc, "", "duration_s", 0, MAX_SECONDS, &s->duration_s)) ||
	    (r = get_bool(rd, doc, "", "interrupted", &m->interrupted)) ||
	    (r = get_u64(rd, doc, "", "resets", &s->resets)) ||
	    (r = get_string(rd, doc, "", "radioctl_version", MAX_TEXT, &m->radioctl_version)))
		return r;
	if ((r = get_object(rd, doc, "", "host", &host)) ||
	    (r = get_string(rd, host, "host", "name", MAX_TEXT, &m->host)) ||
	    (r = get_string(rd, host, "host", "kernel", MAX_TEXT, &m->kernel)) ||
	    (r = get_string(rd, host, "host", "arch", MAX_TEXT, &m->arch)) ||
	    (r = get_string(rd, host, "host", "cpu", MAX_TEXT, &m->cpu)) ||
	    (r = get_u32(rd, host, "host", "cpus", &m->cpus)))
		return r;
	if ((r = get_object(rd, doc, "", "radiod", &radiod)) ||
	    (r = get_string(rd, radiod, "radiod", "version", MAX_TEXT, &m->radiod_version)) ||
	    (r = get_u32(rd, radiod, "radiod", "protocol_version", &m->protocol_version)) ||
	    (r = get_string(rd, radiod, "radiod", "jack_version", MAX_TEXT, &m->jack_version)) ||
	    (r = get_string(rd, radiod, "radiod", "jack_server", MAX_TEXT, &m->jack_server)) ||
	    (r = get_u32(rd, radiod, "radiod", "sample_rate_hz", &m->sample_rate_hz)) ||
	    (r = get_u32(rd, radiod, "radiod", "period_frames", &m->period_frames)) ||
	    (r = get_u32(rd, radiod, "radiod", "channels", &m->channels)) ||
	    (r = get_string(rd, radiod, "radiod", "config_file", MAX_TEXT, &m->config_file)) ||
	    (r = get_string(rd, radiod, "radiod", "config_sha256", MAX_TEXT,
			    &m->config_sha256)) ||
	    (r = get_string(rd, radiod, "radiod", "rt_policy", MAX_TEXT, &m->rt_policy)) ||
	    (r = get_int(rd, radiod, "radiod", "rt_priority", INT32_MIN, INT32_MAX, &prio)) ||
	    (r = get_bool(rd, radiod, "radiod", "realtime", &m->realtime)))
		return r;
	m->rt_priority = (int32_t)prio;
	return 0;
}

/* Reads histograms[k] into s->hist[k]; idx and cnt hold HISTOGRAM_MAX_PAIRS. */
static int read_histogram(struct rd *rd, const json_t *h, size_t k, struct session *s,
			  int32_t *idx, uint64_t *cnt)
{
	struct session_hist *sh = &s->hist[k];
	struct histogram_totals t;
	char path[48], f[160];
	char *name = NULL;
	json_t *buckets, *pair;
	uint64_t count, sum = 0;
	bool is_signed;
	size_t i;
	int r;

	snprintf(path, sizeof path, "histograms[%zu]", k);
	if (!json_is_object(h))
		return bad(rd, path, "not an object");
	r = get_string(rd, h, path, "name", SESSION_NAME_MAX - 1, &name);
	if (r == 0 && (!name[0] || session_find(s, name) >= 0))
		r = bad(rd, at(f, sizeof f, path, "name"), "'%s' is empty or appears twice",
			name);
	if (r == 0)
		snprintf(sh->name, sizeof sh->name, "%s", name);
	free(name);
	if (r < 0 || (r = get_bool(rd, h, path, "is_signed", &is_signed)) ||
	    (r = get_u64(rd, h, path, "count", &count)) ||
	    (r = get_int(rd, h, path, "sum_ns", INT64_MIN, INT64_MAX, &t.sum)) ||
	    (r = get_int(rd, h, path, "min_ns", -HISTOGRAM_MAX_VALUE, HISTOGRAM_MAX_VALUE,
			 &t.min)) ||
	    (r = get_int(rd, h, path, "max_ns", -HISTOGRAM_MAX_VALUE, HISTOGRAM_MAX_VALUE,
			 &t.max)) ||
	    (r = get_u64(rd, h, path, "clamped", &t.clamped)) ||
	    (r = member(rd, h, path, "buckets", &buckets)))
		return r;
	at(f, sizeof f, path, "buckets");
	if (!json_is_array(buckets) || json_array_size(buckets) > HISTOGRAM_MAX_PAIRS)
		return bad(rd, f, "not an array of at most %d [index, count] pairs",
			   HISTOGRAM_MAX_PAIRS);
	json_array_foreach(buckets, i, pair) {
		json_t *x = json_array_get(pair, 0), *c = json_array_get(pair, 1);

		if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_integer(x) ||
		    !json_is_integer(c) || json_integer_value(x) < -HISTOGRAM_MAX_INDEX ||
		    json_integer_value(x) > HISTOGRAM_MAX_INDEX || json_integer_value(c) <= 0)
			return bad(rd, f, "[%zu] is not [index, count] with |index| <= %d and "
				   "count > 0", i, HISTOGRAM_MAX_INDEX);
		idx[i] = (int32_t)json_integer_value(x);
		cnt[i] = (uint64_t)json_integer_value(c);
		if (sum + cnt[i] < sum)
			return bad(rd, f, "the counts add up to more than 2^64");
		sum += cnt[i];
	}
	if (sum != count)
		return bad(rd, at(f, sizeof f, path, "count"),
			   "%" PRIu64 " is not the sum of the bucket counts (%" PRIu64 ")", count,
			   sum);
	sh->snap = histogram_snapshot_create(is_signed, NULL);
	s->n_hist = k + 1;
	if (!sh->snap) {
		say(rd->err, rd->err_len, "%s: out of memory", rd->name);
		return -ENOMEM;
	}
	if (histogram_snapshot_from_sparse(sh->snap, idx, cnt, json_array_size(buckets), &t) < 0)
		return bad(rd, path, "not a histogram: indices must ascend (%s), min_ns and "
			   "max_ns lie in the first and last bucket, clamped <= count",
			   is_signed ? "signed" : "unsigned: none below 0");
	return 0;
}

static int read_figures(struct rd *rd, const json_t *o, const char *path,
			struct session_figures *fg)
{
	const int64_t lo = -HISTOGRAM_MAX_VALUE, hi = HISTOGRAM_MAX_VALUE;
	int r;

	if ((r = get_u64(rd, o, path, "count", &fg->count)) ||
	    (r = get_int(rd, o, path, "p50_ns", lo, hi, &fg->p50_ns)) ||
	    (r = get_int(rd, o, path, "p99_ns", lo, hi, &fg->p99_ns)) ||
	    (r = get_int(rd, o, path, "p999_ns", lo, hi, &fg->p999_ns)) ||
	    (r = get_int(rd, o, path, "max_ns", lo, hi, &fg->max_ns)))
		return r;
	return 0;
}

static int read_interval(struct rd *rd, const json_t *o, size_t k, struct session *s)
{
	struct session_interval *iv = &s->intervals[k];
	char path[48], tpath[96], f[160];
	json_t *timing, *v;
	const char *key;
	int r;

	snprintf(path, sizeof path, "intervals[%zu]", k);
	if (!json_is_object(o))
		return bad(rd, path, "not an object");
	if ((r = get_real(rd, o, path, "t_s", 0, MAX_SECONDS, &iv->t_s)) ||
	    (r = get_real(rd, o, path, "elapsed_s", 0, MAX_SECONDS, &iv->elapsed_s)) ||
	    (r = get_u64(rd, o, path, "callbacks", &iv->callbacks)) ||
	    (r = get_u64(rd, o, path, "frames", &iv->frames)) ||
	    (r = get_u64(rd, o, path, "xruns", &iv->xruns)) ||
	    (r = get_u64(rd, o, path, "inject_underruns", &iv->inject_underruns)) ||
	    (r = get_u32(rd, o, path, "sample_rate_hz", &iv->sample_rate_hz)) ||
	    (r = get_u32(rd, o, path, "period_frames", &iv->period_frames)) ||
	    (r = get_object(rd, o, path, "timing", &timing)))
		return r;
	if (k > 0 && iv->t_s < s->intervals[k - 1].t_s)
		return bad(rd, at(f, sizeof f, path, "t_s"), "%g is before the interval before",
			   iv->t_s);
	iv->budget_p99 = iv->budget_max = NAN;
	if (json_object_get(o, "budget_p99") &&
	    ((r = get_real(rd, o, path, "budget_p99", 0, DBL_MAX, &iv->budget_p99)) ||
	     (r = get_real(rd, o, path, "budget_max", 0, DBL_MAX, &iv->budget_max))))
		return r;
	iv->reset = false;
	if (json_object_get(o, "reset") && (r = get_bool(rd, o, path, "reset", &iv->reset)))
		return r;
	at(tpath, sizeof tpath, path, "timing");
	json_object_foreach((json_t *)timing, key, v) {
		if (session_find(s, key) < 0)
			return bad(rd, at(f, sizeof f, tpath, key), "no histogram of that name");
	}
	for (size_t i = 0; i < s->n_hist; i++) {
		if ((r = get_object(rd, timing, tpath, s->hist[i].name, &v)) ||
		    (r = read_figures(rd, v, at(f, sizeof f, tpath, s->hist[i].name),
				      &iv->timing[i])))
			return r;
	}
	return 0;
}

/* The totals must be what the intervals add up to: a hand-edited file that
 * changed one and not the other would compare as something it is not. */
static int check_totals(struct rd *rd, const json_t *doc, struct session *s)
{
	static const char *const names[] = { "callbacks", "frames", "xruns", "inject_underruns" };
	uint64_t *const total[] = { &s->callbacks, &s->frames, &s->xruns, &s->inject_underruns };
	uint64_t sum[4] = { 0 }, hsum[SESSION_MAX_TIMINGS] = { 0 };
	json_t *totals;
	char f[160];
	int r = get_object(rd, doc, "", "totals", &totals);

	for (size_t k = 0; k < s->n_intervals; k++) {
		const struct session_interval *iv = &s->intervals[k];

		sum[0] += iv->callbacks;
		sum[1] += iv->frames;
		sum[2] += iv->xruns;
		sum[3] += iv->inject_underruns;
		for (size_t i = 0; i < s->n_hist; i++)
			hsum[i] += iv->timing[i].count;
	}
	for (size_t i = 0; r == 0 && i < 4; i++) {
		r = get_u64(rd, totals, "totals", names[i], total[i]);
		if (r == 0 && *total[i] != sum[i])
			return bad(rd, at(f, sizeof f, "totals", names[i]),
				   "%" PRIu64 " is not the sum over the intervals (%" PRIu64 ")",
				   *total[i], sum[i]);
	}
	for (size_t i = 0; r == 0 && i < s->n_hist; i++) {
		if (histogram_snapshot_count(s->hist[i].snap) != hsum[i])
			return bad(rd, "histograms",
				   "'%s' counts %" PRIu64 " values, the intervals %" PRIu64,
				   s->hist[i].name, histogram_snapshot_count(s->hist[i].snap),
				   hsum[i]);
	}
	return r;
}

int session_from_json(const json_t *doc, const char *name, struct session **out, char *err,
		      size_t err_len)
{
	struct rd rd = { name, err, err_len };
	int32_t *idx = NULL;
	uint64_t *cnt = NULL;
	struct session *s;
	json_t *v, *hists, *intervals;
	int64_t version;
	size_t i;
	int r;

	*out = NULL;
	if (!json_is_object(doc))
		return bad(&rd, "", "not a radiod session (not a JSON object)");
	v = json_object_get(doc, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), SESSION_FORMAT) != 0)
		return bad(&rd, "", "not a radiod session (no \"format\": \"%s\")",
			   SESSION_FORMAT);
	if ((r = get_int(&rd, doc, "", "version", 1, INT32_MAX, &version)))
		return r;
	if (version > SESSION_VERSION)
		return bad(&rd, "version", "%" PRId64 " is newer than this radioctl reads (%d): "
			   "use a newer radioctl", version, SESSION_VERSION);
	s = session_create();
	if (!s) {
		say(err, err_len, "%s: out of memory", name);
		return -ENOMEM;
	}
	if ((r = read_meta(&rd, doc, s)) || (r = member(&rd, doc, "", "histograms", &hists)))
		goto fail;
	if (!json_is_array(hists) || json_array_size(hists) > SESSION_MAX_TIMINGS) {
		r = bad(&rd, "histograms", "not an array of at most %d histograms",
			SESSION_MAX_TIMINGS);
		goto fail;
	}
	idx = malloc(HISTOGRAM_MAX_PAIRS * sizeof *idx);
	cnt = malloc(HISTOGRAM_MAX_PAIRS * sizeof *cnt);
	if (!idx || !cnt) {
		say(err, err_len, "%s: out of memory", name);
		r = -ENOMEM;
		goto fail;
	}
	json_array_foreach(hists, i, v) {
		if ((r = read_histogram(&rd, v, i, s, idx, cnt)))
			goto fail;
	}
	if ((r = member(&rd, doc, "", "intervals", &intervals)))
		goto fail;
	if (!json_is_array(intervals) || json_array_size(intervals) > SESSION_MAX_INTERVALS) {
		r = bad(&rd, "intervals", "not an array of at most %u intervals",
			SESSION_MAX_INTERVALS);
		goto fail;
	}
	s->intervals = calloc(json_array_size(intervals) + 1, sizeof *s->intervals);
	if (!s->intervals) {
		say(err, err_len, "%s: out of memory", name);
		r = -ENOMEM;
		goto fail;
	}
	s->cap_intervals = json_array_size(intervals) + 1;
	json_array_foreach(intervals, i, v) {
		if ((r = read_interval(&rd, v, i, s)))
			goto fail;
		s->n_intervals = i + 1;
	}
	if ((r = check_totals(&rd, doc, s)))
		goto fail;
	free(idx);
	free(cnt);
	*out = s;
	return 0;
fail:
	free(idx);
	free(cnt);
	session_free(s);
	return r;
}

int session_load(const char *path, struct session **out, char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	json_error_t jerr;
	struct stat st;
	json_t *doc;
	int r;

	*out = NULL;
	if (!f) {
		r = -errno;
		say(err, err_len, "cannot read %s: %s", path, strerror(errno));
		return r;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		say(err, err_len, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_size > SESSION_MAX_FILE_BYTES) {
		fclose(f);
		say(err, err_len, "%s: %lld bytes is larger than any session (%ld MiB at most)",
		    path, (long long)st.st_size, SESSION_MAX_FILE_BYTES / (1024 * 1024));
		return -EFBIG;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	fclose(f);
	if (!doc) {
		say(err, err_len, "%s:%d:%d: not JSON: %s", path, jerr.line, jerr.column,
		    jerr.text);
		return -EINVAL;
	}
	r = session_from_json(doc, path, out, err, err_len);
	json_decref(doc);
	return r;
}

/* ------------------------------------------------------------ comparing */

void session_thresholds_default(struct session_thresholds *t)
{
	t->p99_pct = SESSION_DEFAULT_P99_PCT;
	t->p999_pct = SESSION_DEFAULT_P999_PCT;
	t->max_pct = SESSION_DEFAULT_MAX_PCT;
	t->xruns = SESSION_DEFAULT_XRUNS;
	t->min_change_ns = SESSION_DEFAULT_MIN_CHANGE_NS;
}

static struct session_row *add_row(struct session_comparison *c, const char *name,
				   enum session_unit unit, double a, double b)
{
	struct session_row *r;

	if (c->n_rows == SESSION_MAX_ROWS)
		return NULL;
	r = &c->row[c->n_rows++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->unit = unit;
	r->a = a;
	r->b = b;
	r->delta = b - a;
	r->delta_pct = isfinite(a) && a != 0 ? 100.0 * (b - a) / fabs(a) : NAN;
	r->gate = SESSION_GATE_NONE;
	r->limit = NAN;
	return r;
}

static void gate_percent(struct session_row *r, double pct, double min_change)
{
	if (!r)
		return;
	r->gate = SESSION_GATE_PERCENT;
	r->limit = pct;
	r->regressed = isfinite(r->delta) && r->delta > fabs(r->a) * pct / 100.0 &&
		       r->delta > min_change;
}

__attribute__((format(printf, 2, 3)))
static void note(struct session_comparison *c, const char *fmt, ...)
{
	va_list ap;

	if (c->n_notes == SESSION_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(c->note[c->n_notes++], sizeof c->note[0], fmt, ap);
	va_end(ap);
}

static void timing_rows(struct session_comparison *c, const struct session *a,
			const struct session *b, const char *name,
			const struct session_thresholds *t)
{
	struct session_figures fa = { 0 }, fb = { 0 };
	int ia = session_find(a, name), ib = session_find(b, name);
	double worst_a = NAN, worst_b = NAN;
	char label[64];

	if (ia >= 0)
		session_figures(a, (size_t)ia, &fa);
	if (ib >= 0)
		session_figures(b, (size_t)ib, &fb);
	for (size_t k = 0; ia >= 0 && k < a->n_intervals; k++)
		if (!(a->intervals[k].timing[ia].p99_ns <= worst_a))
			worst_a = (double)a->intervals[k].timing[ia].p99_ns;
	for (size_t k = 0; ib >= 0 && k < b->n_intervals; k++)
		if (!(b->intervals[k].timing[ib].p99_ns <= worst_b))
			worst_b = (double)b->intervals[k].timing[ib].p99_ns;
#define FIG(f, which) ((which) >= 0 ? (double)(f) : NAN)
	snprintf(label, sizeof label, "%s p50", name);
	add_row(c, label, SESSION_UNIT_NS, FIG(fa.p50_ns, ia), FIG(fb.p50_ns, ib));
	snprintf(label, sizeof label, "%s p99", name);
	gate_percent(add_row(c, label, SESSION_UNIT_NS, FIG(fa.p99_ns, ia), FIG(fb.p99_ns, ib)),
		     t->p99_pct, t->min_change_ns);
	snprintf(label, sizeof label, "%s p99.9", name);
	gate_percent(add_row(c, label, SESSION_UNIT_NS, FIG(fa.p999_ns, ia),
			     FIG(fb.p999_ns, ib)),
		     t->p999_pct, t->min_change_ns);
	snprintf(label, sizeof label, "%s max", name);
	gate_percent(add_row(c, label, SESSION_UNIT_NS, FIG(fa.max_ns, ia), FIG(fb.max_ns, ib)),
		     t->max_pct, t->min_change_ns);
	snprintf(label, sizeof label, "%s worst interval p99", name);
	add_row(c, label, SESSION_UNIT_NS, worst_a, worst_b);
#undef FIG
	if (ia < 0 || ib < 0)
		note(c, "the histogram '%s' is only in %s", name, ia < 0 ? "B" : "A");
}

static double session_budget(const struct session *s, bool max)
{
	struct session_figures f;
	int p = session_find(s, PROCESSING);

	if (p < 0)
		return NAN;
	session_figures(s, (size_t)p, &f);
	return budget(max ? f.max_ns : f.p99_ns, s->meta.sample_rate_hz, s->meta.period_frames);
}

void session_compare(const struct session *a, const struct session *b,
		     const struct session_thresholds *t, struct session_comparison *c)
{
	const struct session_meta *ma = &a->meta, *mb = &b->meta;
	struct session_row *r;
	double expected;

	memset(c, 0, sizeof *c);
	add_row(c, "duration", SESSION_UNIT_SECONDS, a->duration_s, b->duration_s);
	add_row(c, "callbacks", SESSION_UNIT_COUNT, (double)a->callbacks, (double)b->callbacks);
	r = add_row(c, "xruns", SESSION_UNIT_COUNT, (double)a->xruns, (double)b->xruns);
	/* A's xruns as a rate over B's length: a longer B may have more. */
	expected = a->duration_s > 0 ? (double)a->xruns * b->duration_s / a->duration_s
				     : (double)a->xruns;
	r->gate = SESSION_GATE_EXTRA;
	r->limit = t->xruns;
	r->regressed = (double)b->xruns - expected > t->xruns;
	add_row(c, "inject underruns", SESSION_UNIT_COUNT, (double)a->inject_underruns,
		(double)b->inject_underruns);
	add_row(c, "budget p99", SESSION_UNIT_FRACTION, session_budget(a, false),
		session_budget(b, false));
	add_row(c, "budget max", SESSION_UNIT_FRACTION, session_budget(a, true),
		session_budget(b, true));
	for (size_t i = 0; i < a->n_hist; i++)
		timing_rows(c, a, b, a->hist[i].name, t);
	for (size_t i = 0; i < b->n_hist; i++)
		if (session_find(a, b->hist[i].name) < 0)
			timing_rows(c, a, b, b->hist[i].name, t);
	for (size_t i = 0; i < c->n_rows; i++)
		c->n_regressed += c->row[i].regressed;

	if (strcmp(ma->host, mb->host) != 0 || strcmp(ma->cpu, mb->cpu) != 0)
		note(c, "different machines: A on %s (%s), B on %s (%s)", ma->host, ma->cpu,
		     mb->host, mb->cpu);
	if (ma->sample_rate_hz != mb->sample_rate_hz || ma->period_frames != mb->period_frames)
		note(c, "different JACK setups: A %u Hz / %u frames, B %u Hz / %u frames",
		     ma->sample_rate_hz, ma->period_frames, mb->sample_rate_hz, mb->period_frames);
	if (strcmp(ma->config_sha256, mb->config_sha256) != 0)
		note(c, "different radiod configurations (config_sha256 %.12s vs %.12s)",
		     ma->config_sha256[0] ? ma->config_sha256 : "none",
		     mb->config_sha256[0] ? mb->config_sha256 : "none");
	if (ma->realtime != mb->realtime)
		note(c, "the audio thread was real-time in %s only", ma->realtime ? "A" : "B");
	if (a->resets || b->resets)
		note(c, "radiod's statistics were reset during a recording (A %" PRIu64
		     ", B %" PRIu64 " times): what came before each reset is lost",
		     a->resets, b->resets);
}
