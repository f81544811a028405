/*
 * cmd_compare.c - radioctl compare: two benchmark sessions side by side,
 * and an exit status a soak script can gate on (clients/session.h).
 */
#include "clients/ctl.h"
#include "clients/session.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_P99 = 1, OPT_P999, OPT_MAX, OPT_XRUNS, OPT_MIN_CHANGE };

#define PCT_MAX 1e6

static const char *unit_name(enum session_unit u)
{
	switch (u) {
	case SESSION_UNIT_NS:
		return "ns";
	case SESSION_UNIT_SECONDS:
		return "s";
	case SESSION_UNIT_FRACTION:
		return "fraction";
	case SESSION_UNIT_COUNT:
	default:
		return "count";
	}
}

/* A figure as people read it: microseconds, seconds, percent, counts. */
static const char *value_text(char *buf, size_t len, enum session_unit u, double v)
{
	if (!isfinite(v))
		return "-";
	switch (u) {
	case SESSION_UNIT_NS:
		snprintf(buf, len, "%.2f us", v / 1e3);
		break;
	case SESSION_UNIT_SECONDS:
		snprintf(buf, len, "%.1f s", v);
		break;
	case SESSION_UNIT_FRACTION:
		snprintf(buf, len, "%.2f %%", v * 100);
		break;
	case SESSION_UNIT_COUNT:
		snprintf(buf, len, "%.0f", v);
		break;
	}
	return buf;
}

/* Counts change by a number, the rest by a percentage of A. */
static const char *delta_text(char *buf, size_t len, const struct session_row *r)
{
	if (!isfinite(r->delta))
		return "-";
	if (r->unit == SESSION_UNIT_COUNT || !isfinite(r->delta_pct))
		return r->unit == SESSION_UNIT_COUNT
			       ? (snprintf(buf, len, "%+.0f", r->delta), buf)
			       : value_text(buf, len, r->unit, r->delta);
	snprintf(buf, len, "%+.1f %%", r->delta_pct);
	return buf;
}

static const char *limit_text(char *buf, size_t len, const struct session_row *r)
{
	switch (r->gate) {
	case SESSION_GATE_PERCENT:
		snprintf(buf, len, "+%g %%", r->limit);
		return buf;
	case SESSION_GATE_EXTRA:
		snprintf(buf, len, "+%g", r->limit);
		return buf;
	case SESSION_GATE_NONE:
	default:
		return "";
	}
}

static void print_session_line(FILE *out, const char *which, const char *file,
			       const struct session *s)
{
	const struct session_meta *m = &s->meta;

	fprintf(out, "%s  %s: \"%s\", %s, %s, %u Hz / %u frames, %.1f s%s\n", which, file,
		m->label, m->started, m->host, m->sample_rate_hz, m->period_frames,
		s->duration_s, m->interrupted ? " (interrupted)" : "");
}

static void print_table(struct ctl *ctl, const char *fa, const struct session *a,
			const char *fb, const struct session *b,
			const struct session_comparison *c)
{
	FILE *o = ctl->out;

	print_session_line(o, "A", fa, a);
	print_session_line(o, "B", fb, b);
	fprintf(o, "\n%-28s %13s %13s %11s %8s\n", "", "A", "B", "delta", "limit");
	for (size_t i = 0; i < c->n_rows; i++) {
		const struct session_row *r = &c->row[i];
		char va[32], vb[32], d[32], l[32];

		fprintf(o, "%-28s %13s %13s %11s %8s%s\n", r->name,
			value_text(va, sizeof va, r->unit, r->a),
			value_text(vb, sizeof vb, r->unit, r->b), delta_text(d, sizeof d, r),
			limit_text(l, sizeof l, r), r->regressed ? "  REGRESSED" : "");
	}
	if (c->n_notes)
		fputc('\n', o);
	for (size_t i = 0; i < c->n_notes; i++)
		fprintf(o, "note: %s\n", c->note[i]);
	fputc('\n', o);
	if (!c->n_regressed) {
		fprintf(o, "B is within the thresholds of A\n");
		return;
	}
	fprintf(o, "B regressed past the thresholds in %u figure%s:", c->n_regressed,
		c->n_regressed == 1 ? "" : "s");
	for (size_t i = 0, k = 0; i < c->n_rows; i++)
		if (c->row[i].regressed)
			fprintf(o, "%s %s", k++ ? "," : "", c->row[i].name);
	fputc('\n', o);
}

/* A real, or null when the figure is missing. */
static json_t *number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *session_summary(const char *file, const struct session *s)
{
	const struct session_meta *m = &s->meta;

	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:f,s:b}", "file", file, "label", m->label,
			 "started", m->started, "host", m->host, "sample_rate_hz",
			 (int)m->sample_rate_hz, "period_frames", (int)m->period_frames,
			 "duration_s", s->duration_s, "interrupted", m->interrupted);
}

static int print_json(struct ctl *ctl, const char *fa, const struct session *a, const char *fb,
		      const struct session *b, const struct session_thresholds *t,
		      const struct session_comparison *c)
{
	json_t *rows = json_array(), *notes = json_array(), *regressions = json_array(), *doc;
	int r;

	for (size_t i = 0; rows && i < c->n_rows; i++) {
		const struct session_row *w = &c->row[i];
		json_t *row = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:b}", "name", w->name,
					"unit", unit_name(w->unit), "a", number(w->a), "b",
					number(w->b), "delta", number(w->delta), "delta_percent",
					number(w->delta_pct), "gate",
					w->gate == SESSION_GATE_PERCENT ? "percent"
					: w->gate == SESSION_GATE_EXTRA ? "extra"
									: "none",
					"limit", number(w->limit), "regressed", w->regressed);

		if (json_array_append_new(rows, row) < 0 ||
		    (w->regressed &&
		     json_array_append_new(regressions, json_string(w->name)) < 0)) {
			json_decref(rows);
			rows = NULL;
		}
	}
	for (size_t i = 0; notes && i < c->n_notes; i++) {
		if (json_array_append_new(notes, json_string(c->note[i])) < 0) {
			json_decref(notes);
			notes = NULL;
		}
	}
	doc = json_pack("{s:o,s:o,s:{s:f,s:f,s:f,s:f,s:f},s:o,s:o,s:b,s:o}", "a",
			session_summary(fa, a), "b", session_summary(fb, b), "thresholds",
			"p99_percent", t->p99_pct, "p999_percent", t->p999_pct, "max_percent",
			t->max_pct, "xruns", t->xruns, "min_change_ns", t->min_change_ns, "rows",
			rows, "notes", notes, "regressed", c->n_regressed > 0, "regressions",
			regressions);
	r = ctl_json_print(ctl->out, doc);
	json_decref(doc);
	return r < 0 ? ctl_fail(ctl, CTL_FAILURE, "compare: out of memory or cannot write") : 0;
}

static int load(struct ctl *ctl, const char *path, struct session **s)
{
	char err[512];
	int r = session_load(path, s, err, sizeof err);

	if (r == -ENOMEM)
		return ctl_fail(ctl, CTL_FAILURE, "compare: %s", err);
	if (r < 0)
		return ctl_fail(ctl, CTL_BAD_INPUT, "compare: %s (a session file is written by "
				"'radioctl record')", err);
	return CTL_OK;
}

int cmd_compare(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"compare A.json B.json [--threshold-p99 PCT] [--threshold-p999 PCT]\n"
		"        [--threshold-max PCT] [--threshold-xruns N] [--min-change-us US]";
	char help[2048];
	static const struct ctl_option opts[] = {
		{ "threshold-p99", OPT_P99, true },
		{ "threshold-p999", OPT_P999, true },
		{ "threshold-max", OPT_MAX, true },
		{ "threshold-xruns", OPT_XRUNS, true },
		{ "min-change-us", OPT_MIN_CHANGE, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	struct session_thresholds t;
	struct session_comparison *c;
	struct session *sa = NULL, *sb = NULL;
	const char *file[2] = { NULL, NULL }, *val;
	double us;
	int r;

	session_thresholds_default(&t);
	snprintf(help, sizeof help,
		 "Compares session B (the candidate) with session A (the reference), both\n"
		 "written by 'radioctl record': counters, budget use, and each timing\n"
		 "histogram's p50, p99, p99.9, maximum and worst interval p99, computed from\n"
		 "the sessions' histograms, with the change from A to B. Notes say when the\n"
		 "two ran on different machines, JACK setups or configurations.\n"
		 "\n"
		 "B regresses when, for any histogram, a figure grows by more than its\n"
		 "threshold (a percentage of A's value, and by at least --min-change-us), or\n"
		 "when B has more xruns than A would have had over B's duration, plus N:\n"
		 "  --threshold-p99 PCT    p99 (default %g)\n"
		 "  --threshold-p999 PCT   p99.9 (default %g)\n"
		 "  --threshold-max PCT    maximum (default %g)\n"
		 "  --threshold-xruns N    extra xruns allowed (default %g)\n"
		 "  --min-change-us US     smaller changes never regress (default %g)\n"
		 "\n"
		 "With --json: both sessions' summaries, the thresholds, every row (a, b,\n"
		 "delta, delta_percent, the limit, regressed; times in ns, null when a\n"
		 "session lacks the figure), the notes and the names of the regressions.\n"
		 "\n"
		 "exit status: 0 B is within the thresholds, 1 B regressed (the table names\n"
		 "the rows), 2 bad command line, 7 a session file cannot be read or is not a\n"
		 "valid session (the message names the file and what is wrong).\n"
		 "\n"
		 "Example, in a soak script:\n"
		 "  radioctl record --duration 10m --interval 10s -o today.json\n"
		 "  radioctl compare baseline.json today.json || echo 'timing regressed'\n",
		 SESSION_DEFAULT_P99_PCT, SESSION_DEFAULT_P999_PCT, SESSION_DEFAULT_MAX_PCT,
		 SESSION_DEFAULT_XRUNS, SESSION_DEFAULT_MIN_CHANGE_NS / 1e3);
	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (file[1])
				return ctl_unexpected(ctl, val);
			file[file[0] ? 1 : 0] = val;
			break;
		case OPT_P99:
			if (ctl_parse_double(ctl, "--threshold-p99", val, 0, PCT_MAX, &t.p99_pct))
				return CTL_USAGE;
			break;
		case OPT_P999:
			if (ctl_parse_double(ctl, "--threshold-p999", val, 0, PCT_MAX, &t.p999_pct))
				return CTL_USAGE;
			break;
		case OPT_MAX:
			if (ctl_parse_double(ctl, "--threshold-max", val, 0, PCT_MAX, &t.max_pct))
				return CTL_USAGE;
			break;
		case OPT_XRUNS:
			if (ctl_parse_double(ctl, "--threshold-xruns", val, 0, 1e12, &t.xruns))
				return CTL_USAGE;
			break;
		case OPT_MIN_CHANGE:
			if (ctl_parse_double(ctl, "--min-change-us", val, 0, 6e7, &us))
				return CTL_USAGE;
			t.min_change_ns = us * 1e3;
			break;
		}
	}
	if (!file[1])
		return ctl_fail(ctl, CTL_USAGE, "compare: two session files are needed (usage: "
				"radioctl compare A.json B.json)");
	if ((r = load(ctl, file[0], &sa)) != CTL_OK)
		return r;
	if ((r = load(ctl, file[1], &sb)) != CTL_OK) {
		session_free(sa);
		return r;
	}
	c = malloc(sizeof *c);
	if (!c) {
		r = ctl_fail(ctl, CTL_FAILURE, "compare: out of memory");
	} else {
		session_compare(sa, sb, &t, c);
		if (ctl->json)
			r = print_json(ctl, file[0], sa, file[1], sb, &t, c);
		else
			print_table(ctl, file[0], sa, file[1], sb, c);
		if (r == CTL_OK && c->n_regressed)
			r = ctl_fail(ctl, CTL_REFUSED, "compare: %s regressed against %s in %u "
				     "figure%s", file[1], file[0], c->n_regressed,
				     c->n_regressed == 1 ? "" : "s");
	}
	free(c);
	session_free(sa);
	session_free(sb);
	return r;
}
