/*
 * session.h - a benchmark session of radiod: what `radioctl record` writes
 * and `radioctl compare` and `radioctl plot` read.
 *
 * A session holds where and on what it was recorded (metadata), one row of
 * figures per interval, and the session's histograms. Every figure comes
 * from the raw sparse histograms of GetStats with libdsp's histogram maths:
 * an interval is the delta of two consecutive snapshots, the session's
 * histograms are the sum of the intervals (the delta of the first and last
 * snapshots when nothing reset radiod's statistics meanwhile). radiod's own
 * percentiles and its reset baseline play no part: the recording starts at
 * its own first snapshot, and a ResetStats during it is detected (counts
 * that go backwards); the interval holding it then counts what came after
 * the reset, and the session counts the resets.
 *
 * The file: one JSON document (jansson), UTF-8. Times are integer ns where
 * the name ends in _ns, seconds where it ends in _s.
 *
 *   format            "radiod-session"
 *   version           1; a reader refuses a newer version
 *   label             the user's text ("" when none)
 *   started           UTC, "2025-01-31T12:00:00Z", at the first snapshot
 *   interval_s        the interval asked for
 *   duration_s        first to last snapshot
 *   interrupted       stopped early by a signal
 *   resets            ResetStats seen during the recording
 *   host              {name, kernel, arch, cpu, cpus}: the machine radioctl
 *                     (and so radiod, over a Unix socket) runs on
 *   radiod            {version, protocol_version, jack_version, jack_server,
 *                     sample_rate_hz, period_frames, channels, config_file,
 *                     config_sha256 ("" when radiod did not send one),
 *                     rt_policy, rt_priority, realtime}, from GetInfo at the
 *                     start
 *   radioctl_version
 *   totals            {callbacks, frames, xruns, inject_underruns}
 *   intervals         [{t_s (end, since the start), elapsed_s, callbacks,
 *                     frames, xruns, inject_underruns, sample_rate_hz,
 *                     period_frames, budget_p99, budget_max (processing
 *                     time / period, a fraction; absent when unknown),
 *                     reset (only when true), timing: {NAME: {count,
 *                     p50_ns, p99_ns, p999_ns, max_ns}}}]
 *   histograms        [{name, is_signed, count, sum_ns, min_ns, max_ns,
 *                     clamped, buckets: [[index, count], ...]}]: the sparse
 *                     pairs of libdsp/histogram.h, ascending index
 *
 * Reading checks everything: a file that is not JSON, not a session, of a
 * newer version, or with a field missing, of the wrong type or out of range
 * is refused with a message naming the file and the field
 * ("a.json: intervals[3].timing.jitter.p99_ns: not an integer").
 *
 * Errors: functions return 0 or a negative errno and write one sentence
 * into err. Single-threaded; nothing is shared between sessions.
 */
#ifndef RADIOD_CLIENTS_SESSION_H
#define RADIOD_CLIENTS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "clients/radioclient.h"
#include "libdsp/histogram.h"

#define SESSION_FORMAT "radiod-session"
#define SESSION_VERSION 1
/* Timing histograms a session keeps (radiod sends 3). */
#define SESSION_MAX_TIMINGS 8
#define SESSION_NAME_MAX 32	/* a histogram's name, terminator included */
/* 24 h at 1 s; the file stays under about 50 MB. */
#define SESSION_MAX_INTERVALS 100000u
/* A file larger than this is refused before it is parsed. */
#define SESSION_MAX_FILE_BYTES (256L * 1024 * 1024)
#define SESSION_LABEL_MAX 256	/* bytes, terminator excluded */

/* One timing histogram over a stretch of time. */
struct session_figures {
	uint64_t count;
	int64_t p50_ns, p99_ns, p999_ns, max_ns;
};

struct session_interval {
	double t_s;		/* its end, seconds since the first snapshot */
	double elapsed_s;	/* its length */
	uint64_t callbacks, frames, xruns, inject_underruns;
	uint32_t sample_rate_hz, period_frames;
	double budget_p99, budget_max;	/* NAN when unknown */
	bool reset;		/* radiod's statistics were reset within it */
	struct session_figures timing[SESSION_MAX_TIMINGS];	/* as session.hist */
};

/* Strings are never NULL once a session is created ("" when unknown). */
struct session_meta {
	char *label;
	char *started;
	double interval_s;
	bool interrupted;
	char *host, *kernel, *arch, *cpu;
	uint32_t cpus;
	char *radiod_version;
	uint32_t protocol_version;
	char *jack_version, *jack_server;
	uint32_t sample_rate_hz, period_frames, channels;
	char *config_file, *config_sha256;
	char *rt_policy;
	int32_t rt_priority;
	bool realtime;
	char *radioctl_version;
};

struct session_hist {
	char name[SESSION_NAME_MAX];
	struct histogram_snapshot *snap;	/* the whole session */
};

struct session_recorder;

struct session {
	struct session_meta meta;
	size_t n_hist;
	struct session_hist hist[SESSION_MAX_TIMINGS];
	size_t n_intervals;
	struct session_interval *intervals;
	double duration_s;
	uint64_t resets;
	uint64_t callbacks, frames, xruns, inject_underruns;	/* the totals */
	struct session_recorder *rec;	/* while recording */
	size_t cap_intervals;
};

/* An empty session (every string ""), or NULL when out of memory. */
struct session *session_create(void);
/* NULL is a no-op. */
void session_free(struct session *s);

/* Replaces one of s->meta's strings with a copy of value (NULL: ""), its
 * invalid UTF-8 replaced by U+FFFD. Returns 0 or -ENOMEM. */
int session_set(char **field, const char *value);

/* Fills meta from GetInfo's reply: radiod's and JACK's figures. */
int session_meta_from_info(struct session_meta *m, const Radio__Info *info);
/* Fills meta's host fields from uname(2) and /proc/cpuinfo. */
int session_meta_from_host(struct session_meta *m);

/* ---- recording ---- */

/* The first GetStats reply (with histograms) at t_s, any monotonic seconds:
 * the recording's origin; once per session. Sets meta.started from the
 * real-time clock.
 * Returns 0, -EPROTO when the reply has no usable histograms (err says
 * which), or -ENOMEM. */
int session_record_start(struct session *s, const Radio__Stats *st, double t_s, char *err,
			 size_t err_len);
/* The next reply, at t_s: adds the interval since the previous one and
 * grows the session's histograms. -EPROTO when a histogram is missing or
 * does not decode, -E2BIG past SESSION_MAX_INTERVALS, -ENOMEM. */
int session_record_next(struct session *s, const Radio__Stats *st, double t_s, char *err,
			size_t err_len);

/* ---- the file ---- */

/* The session as the file's JSON document; NULL when out of memory. */
json_t *session_to_json(const struct session *s);
/* Checks doc and builds a session from it. name prefixes the messages.
 * Returns 0, -EINVAL (err names the field) or -ENOMEM. */
int session_from_json(const json_t *doc, const char *name, struct session **out, char *err,
		      size_t err_len);
/* Writes the file atomically (a temporary file beside it, then rename), so
 * a reader sees the old file or the whole new one. */
int session_save(const struct session *s, const char *path, char *err, size_t err_len);
/* Reads and checks the file: -ENOENT and friends when it cannot be read,
 * -EFBIG when too large, -EINVAL when it is not a valid session. */
int session_load(const char *path, struct session **out, char *err, size_t err_len);

/* The figures of histogram i over the whole session. */
void session_figures(const struct session *s, size_t i, struct session_figures *f);
/* Index of the histogram named name, or -1. */
int session_find(const struct session *s, const char *name);

/* ---- comparing two sessions ---- */

/* What B may do worse than A before compare calls it a regression.
 * Percentages are of A's value; a change smaller than min_change_ns is
 * never a regression (a few microseconds of noise on a small figure would
 * otherwise be a large percentage). */
struct session_thresholds {
	double p99_pct;		/* each histogram's p99 */
	double p999_pct;	/* each histogram's p99.9 */
	double max_pct;		/* each histogram's maximum */
	double xruns;		/* xruns beyond A's, scaled to B's duration */
	double min_change_ns;
};

#define SESSION_DEFAULT_P99_PCT 25.0
#define SESSION_DEFAULT_P999_PCT 50.0
#define SESSION_DEFAULT_MAX_PCT 100.0
#define SESSION_DEFAULT_XRUNS 0.0
#define SESSION_DEFAULT_MIN_CHANGE_NS 20000.0

void session_thresholds_default(struct session_thresholds *t);

enum session_unit {
	SESSION_UNIT_COUNT,
	SESSION_UNIT_NS,
	SESSION_UNIT_SECONDS,
	SESSION_UNIT_FRACTION,
};

enum session_gate {
	SESSION_GATE_NONE,	/* shown, never a regression */
	SESSION_GATE_PERCENT,	/* limit is a percentage of A */
	SESSION_GATE_EXTRA,	/* limit is how many more than A (scaled) */
};

struct session_row {
	char name[64];		/* "processing p99" */
	enum session_unit unit;
	double a, b;		/* NAN when that session lacks the figure */
	double delta;		/* b - a */
	double delta_pct;	/* 100 * delta / |a|; NAN when a is 0 or missing */
	enum session_gate gate;
	double limit;
	bool regressed;
};

#define SESSION_MAX_ROWS (8 + 5 * 2 * SESSION_MAX_TIMINGS)
#define SESSION_MAX_NOTES 6

struct session_comparison {
	size_t n_rows;
	struct session_row row[SESSION_MAX_ROWS];
	size_t n_notes;
	char note[SESSION_MAX_NOTES][192];	/* why the two may not compare */
	unsigned n_regressed;
};

/* Compares B against A: one row per counter and per figure of each
 * histogram either holds (matched by name), and notes when the two ran on
 * different machines, JACK setups or configurations. */
void session_compare(const struct session *a, const struct session *b,
		     const struct session_thresholds *t, struct session_comparison *c);

#endif
