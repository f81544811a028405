/*
 * cmd_live.c - radioctl's live views: spectrum, meters, watch.
 *
 * Each subscribes to radiod's Events (Subscribe) and draws every event it
 * gets: on a terminal one view redrawn in place, elsewhere one plain line
 * per event (a header line first where the columns need naming), and with
 * --json one JSON document per event - the Event's body as radio.proto
 * has it.  They run until --count events were drawn, --duration seconds
 * passed, or Ctrl-C (SIGINT, SIGTERM, SIGHUP), and exit 0 then with the
 * terminal as it was.
 */
#include "clients/ctl.h"
#include "clients/ctl_term.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Waits for an event in slices this long, so Ctrl-C is seen at once. */
#define SLICE_MS 50
/* The views' dB scales: the spectrum's -96 .. 0 dBFS like `spectrum`
 * once; meters -60 .. 0, where music and test signals live. */
#define VIEW_SPECTRUM_FLOOR -96.0
#define VIEW_METER_FLOOR -60.0
/* Peak hold of the meters (radiod's spectrum holds its own peaks). */
#define HOLD_S 2.0
#define HOLD_FALL_DB_PER_S 20.0

enum view_kind { VIEW_SPECTRUM, VIEW_METERS, VIEW_WATCH };

struct view {
	enum view_kind kind;
	struct ctl *ctl;
	struct ctl_screen screen;
	uint32_t interval_ms;
	long count;		/* events to draw; 0 = no limit */
	double duration_s;	/* 0 = no limit */
	double t0, last_t;	/* when the first / last event came */
	long drawn;
	bool header_done;	/* plain mode: the header line is out */
	/* meters: peak hold */
	float hold_db[CTL_MAX_CHANNELS];
	double hold_t[CTL_MAX_CHANNELS];
	uint64_t clipped_seen[CTL_MAX_CHANNELS];
	double clip_t[CTL_MAX_CHANNELS];
	/* watch: the previous event's counters, for rates */
	uint64_t prev_callbacks, prev_xruns;
	double prev_elapsed;
	bool have_prev;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "1k", "12.5k", "500", "31.5": a compact frequency label. */
static const char *freq_label(char *buf, size_t len, double hz)
{
	if (hz >= 1000)
		snprintf(buf, len, "%.3gk", hz / 1000);
	else
		snprintf(buf, len, "%.3g", hz);
	return buf;
}

static int clamp_int(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ------------------------------------------------------------ spectrum */

static void spectrum_plain(struct view *v, const Radio__Spectrum *s)
{
	FILE *o = v->ctl->out;
	char lb[16];

	if (!v->header_done) {
		fputs("# time_s, then the level in dBFS of each third-octave band at", o);
		for (size_t i = 0; i < s->n_centre_hz; i++)
			fprintf(o, " %s", freq_label(lb, sizeof lb, s->centre_hz[i]));
		fputs(" Hz\n", o);
		v->header_done = true;
	}
	fprintf(o, "%.2f", v->last_t - v->t0);
	for (size_t i = 0; i < s->n_band_db; i++)
		fprintf(o, " %.1f", s->band_db[i]);
	fputc('\n', o);
	fflush(o);
}

/* Columns: a 6-character dB axis, then two per band. */
static void spectrum_screen(struct view *v, const Radio__Spectrum *s, uint64_t dropped)
{
	static const int steps_db[] = { 2, 3, 4, 6, 8, 12 };
	struct ctl_screen *sc = &v->screen;
	size_t n = s->n_band_db;
	int rows, cols, height, step = 12;
	char line[512], lb[16];

	/* The width is fixed (68 columns); the height follows the terminal,
	 * in whole dB per row so the axis reads 0, -12, -24, ... */
	ctl_screen_size(sc, &rows, &cols);
	for (size_t i = 0; i < sizeof steps_db / sizeof steps_db[0]; i++) {
		if (-VIEW_SPECTRUM_FLOOR / steps_db[i] <= rows - 5) {
			step = steps_db[i];
			break;
		}
	}
	height = (int)(-VIEW_SPECTRUM_FLOOR / step);
	ctl_screen_begin(sc);
	ctl_screen_line(sc, "radiod spectrum, dBFS per third octave  ('#' level, '-' peak hold)"
			"  seq %" PRIu64 "%s", s->seq, dropped ? "  (events dropped)" : "");
	for (int r = 0; r < height; r++) {
		double top = -r * step, bottom = top - step;
		size_t k = 0;

		if ((r * step) % 12 == 0)
			k += (size_t)snprintf(line, sizeof line, "%4.0f |", top);
		else
			k += (size_t)snprintf(line, sizeof line, "     |");
		for (size_t b = 0; b < n && k + 3 < sizeof line; b++) {
			double level = s->band_db[b];
			double peak = b < s->n_peak_db ? s->peak_db[b] : VIEW_SPECTRUM_FLOOR;
			char ch = ' ';

			if (level > bottom + step / 2.0)
				ch = '#';
			else if (peak > bottom && peak <= top + 1e-9 && peak > VIEW_SPECTRUM_FLOOR)
				ch = '-';
			line[k++] = ch;
			line[k++] = ' ';
		}
		line[k] = '\0';
		ctl_screen_line(sc, "%s", line);
	}
	memset(line, '-', 2 * n);
	line[2 * n] = '\0';
	ctl_screen_line(sc, "     +%s", line);
	/* The octaves' labels (31.5 Hz is band 2, then every third), each
	 * under its column. */
	memset(line, ' ', sizeof line);
	for (size_t b = 2; b < n && b < s->n_centre_hz; b += 3) {
		size_t at = 2 * b, len;

		freq_label(lb, sizeof lb, s->centre_hz[b]);
		len = strlen(lb);
		if (at + len < sizeof line - 1)
			memcpy(line + at, lb, len);
	}
	line[2 * n + 4 < sizeof line ? 2 * n + 4 : sizeof line - 1] = '\0';
	ctl_screen_line(sc, "  Hz  %s", line);
	ctl_screen_end(sc);
}

/* -------------------------------------------------------------- meters */

static void meters_hold(struct view *v, const Radio__Meters *m)
{
	double now = v->last_t;

	for (size_t c = 0; c < m->n_channel && c < CTL_MAX_CHANNELS; c++) {
		const Radio__ChannelMeter *ch = m->channel[c];
		double dt = now - v->hold_t[c];

		if (v->drawn == 0 || ch->peak_dbfs >= v->hold_db[c]) {
			v->hold_db[c] = ch->peak_dbfs;
			v->hold_t[c] = now;
		} else if (dt > HOLD_S) {
			v->hold_db[c] -= (float)(HOLD_FALL_DB_PER_S * (dt - HOLD_S));
			v->hold_t[c] = now - HOLD_S;
			if (v->hold_db[c] < ch->peak_dbfs)
				v->hold_db[c] = ch->peak_dbfs;
		}
		if (ch->clipped > v->clipped_seen[c] && v->drawn > 0)
			v->clip_t[c] = now;
		v->clipped_seen[c] = ch->clipped;
	}
}

static void meters_plain(struct view *v, const Radio__Meters *m)
{
	FILE *o = v->ctl->out;

	fprintf(o, "%.2f", v->last_t - v->t0);
	for (size_t c = 0; c < m->n_channel; c++)
		fprintf(o, " ch%zu peak=%.1f rms=%.1f clipped=%" PRIu64, c + 1,
			m->channel[c]->peak_dbfs, m->channel[c]->rms_dbfs, m->channel[c]->clipped);
	fputc('\n', o);
	fflush(o);
}

/* Position of db on a bar of width cells from VIEW_METER_FLOOR to 0 dBFS. */
static int meter_cells(double db, int width)
{
	if (!isfinite(db) || db <= VIEW_METER_FLOOR)
		return 0;
	return clamp_int((int)((db - VIEW_METER_FLOOR) / -VIEW_METER_FLOOR * width + 0.5), 0, width);
}

static void meters_screen(struct view *v, const Radio__Meters *m, uint64_t dropped)
{
	struct ctl_screen *sc = &v->screen;
	int rows, cols, width;
	char bar[256];

	ctl_screen_size(sc, &rows, &cols);
	width = clamp_int(cols - 58, 20, (int)sizeof bar - 1);
	ctl_screen_begin(sc);
	ctl_screen_line(sc, "radiod meters, %.0f .. 0 dBFS  ('#' RMS, '|' peak, '!' peak hold)%s",
			VIEW_METER_FLOOR, dropped ? "  (events dropped)" : "");
	ctl_screen_line(sc, "%s", "");
	for (size_t c = 0; c < m->n_channel && c < CTL_MAX_CHANNELS; c++) {
		const Radio__ChannelMeter *ch = m->channel[c];
		int rms = meter_cells(ch->rms_dbfs, width);
		int peak = meter_cells(ch->peak_dbfs, width);
		int hold = meter_cells(v->hold_db[c], width);
		bool clip = v->clip_t[c] > 0 && v->last_t - v->clip_t[c] < HOLD_S;

		for (int i = 0; i < width; i++)
			bar[i] = i < rms ? '#' : '.';
		if (peak > 0)
			bar[peak - 1] = '|';
		if (hold > 0)
			bar[hold - 1] = '!';
		bar[width] = '\0';
		ctl_screen_line(sc, "ch%-2zu [%s]  peak %6.1f  rms %6.1f  hold %6.1f  "
				"clipped %" PRIu64 "%s", c + 1, bar, ch->peak_dbfs, ch->rms_dbfs,
				v->hold_db[c], ch->clipped, clip ? "  CLIP" : "");
	}
	ctl_screen_end(sc);
}

/* --------------------------------------------------------------- watch */

static const Radio__Timing *timing_named(const Radio__Stats *s, const char *name)
{
	for (size_t i = 0; i < s->n_timing; i++)
		if (s->timing[i]->name && strcmp(s->timing[i]->name, name) == 0)
			return s->timing[i];
	return NULL;
}

static const char *const timing_names[] = { "jitter", "processing", "wakeup" };

static void watch_plain(struct view *v, const Radio__Stats *s)
{
	FILE *o = v->ctl->out;

	fprintf(o, "elapsed_s=%.1f state=%s rate_hz=%" PRIu32 " period=%" PRIu32
		" callbacks=%" PRIu64 " xruns=%" PRIu64 " dsp_load_pct=%.1f",
		s->elapsed_s, ctl_state_name(s->state), s->sample_rate_hz, s->period_frames,
		s->callbacks, s->xruns, s->dsp_load_percent);
	if (s->has_budget_p99)
		fprintf(o, " budget_p99_pct=%.1f budget_max_pct=%.1f", s->budget_p99 * 100,
			s->budget_max * 100);
	fprintf(o, " inject_underruns=%" PRIu64, s->inject_underruns);
	for (size_t i = 0; i < sizeof timing_names / sizeof timing_names[0]; i++) {
		const Radio__Timing *t = timing_named(s, timing_names[i]);

		if (t && t->count)
			fprintf(o, " %s_us=%.2f/%.2f/%.2f/%.2f", timing_names[i], t->p50_ns / 1e3,
				t->p99_ns / 1e3, t->p999_ns / 1e3, t->max_ns / 1e3);
	}
	fputc('\n', o);
	fflush(o);
}

static void watch_screen(struct view *v, const Radio__Stats *s, uint64_t dropped)
{
	struct ctl_screen *sc = &v->screen;
	double per_s = 0, dt = s->elapsed_s - v->prev_elapsed;
	uint64_t new_xruns = 0;
	char period_ms[32] = "", num[32];

	if (v->have_prev && dt > 0 && s->callbacks >= v->prev_callbacks) {
		per_s = (double)(s->callbacks - v->prev_callbacks) / dt;
		new_xruns = s->xruns >= v->prev_xruns ? s->xruns - v->prev_xruns : 0;
	}
	if (s->sample_rate_hz)
		snprintf(period_ms, sizeof period_ms, " (%.3f ms)",
			 1000.0 * s->period_frames / s->sample_rate_hz);
	ctl_screen_begin(sc);
	ctl_screen_line(sc, "radiod watch, every %.1f s since the last reset  (Ctrl-C quits)%s",
			v->interval_ms / 1000.0, dropped ? "  (events dropped)" : "");
	ctl_screen_line(sc, "%s", "");
	ctl_screen_line(sc, "state             %-12s rate / period     %" PRIu32 " Hz / %" PRIu32
			" frames%s", ctl_state_name(s->state), s->sample_rate_hz,
			s->period_frames, period_ms);
	snprintf(num, sizeof num, "%.1f s", s->elapsed_s);
	ctl_screen_line(sc, "elapsed           %-12s callbacks         %" PRIu64 " (%.1f/s)", num,
			s->callbacks, per_s);
	ctl_screen_line(sc, "xruns             %-12" PRIu64 " new xruns         %" PRIu64,
			s->xruns, new_xruns);
	snprintf(num, sizeof num, "%.1f %%", s->dsp_load_percent);
	if (s->has_budget_p99)
		ctl_screen_line(sc, "DSP load          %-12s budget p99 / max  %.1f %% / %.1f %%",
				num, s->budget_p99 * 100, s->budget_max * 100);
	else
		ctl_screen_line(sc, "DSP load          %-12s budget p99 / max  -", num);
	ctl_screen_line(sc, "inject underruns  %-12" PRIu64 " events dropped    %" PRIu64,
			s->inject_underruns, s->events_dropped);
	ctl_screen_line(sc, "%s", "");
	ctl_screen_line(sc, "%-12s %10s %10s %10s %10s %10s", "timing (us)", "count", "p50", "p99",
			"p99.9", "max");
	for (size_t i = 0; i < sizeof timing_names / sizeof timing_names[0]; i++) {
		const Radio__Timing *t = timing_named(s, timing_names[i]);

		if (!t || !t->count)
			ctl_screen_line(sc, "%-12s %10s %10s %10s %10s %10s", timing_names[i], "0",
					"-", "-", "-", "-");
		else
			ctl_screen_line(sc, "%-12s %10" PRIu64 " %10.2f %10.2f %10.2f %10.2f",
					timing_names[i], t->count, t->p50_ns / 1e3, t->p99_ns / 1e3,
					t->p999_ns / 1e3, t->max_ns / 1e3);
	}
	ctl_screen_end(sc);
	v->prev_callbacks = s->callbacks;
	v->prev_xruns = s->xruns;
	v->prev_elapsed = s->elapsed_s;
	v->have_prev = true;
}

/* ---------------------------------------------------------------- loop */

static int draw(struct view *v, const Radio__Event *ev)
{
	const ProtobufCMessage *body = NULL;

	switch (v->kind) {
	case VIEW_SPECTRUM:
		if (ev->body_case != RADIO__EVENT__BODY_SPECTRUM)
			return 0;
		body = &ev->spectrum->base;
		break;
	case VIEW_METERS:
		if (ev->body_case != RADIO__EVENT__BODY_METERS)
			return 0;
		body = &ev->meters->base;
		meters_hold(v, ev->meters);
		break;
	case VIEW_WATCH:
		if (ev->body_case != RADIO__EVENT__BODY_STATS)
			return 0;
		body = &ev->stats->base;
		break;
	}
	if (v->ctl->json) {
		if (ctl_json_message(v->ctl->out, body) < 0)
			return -EIO;
		fflush(v->ctl->out);
	} else if (!v->screen.tty) {
		if (v->kind == VIEW_SPECTRUM)
			spectrum_plain(v, ev->spectrum);
		else if (v->kind == VIEW_METERS)
			meters_plain(v, ev->meters);
		else
			watch_plain(v, ev->stats);
	} else if (v->kind == VIEW_SPECTRUM) {
		spectrum_screen(v, ev->spectrum, ev->dropped);
	} else if (v->kind == VIEW_METERS) {
		meters_screen(v, ev->meters, ev->dropped);
	} else {
		watch_screen(v, ev->stats, ev->dropped);
	}
	return ferror(v->ctl->out) ? -EIO : 1;
}

/*
 * Subscribes and draws events until the count, the duration or an
 * interrupt.  No event for the --timeout (or three intervals, whichever is
 * longer) means radiod stopped sending: exit 4.
 */
static int run_view(struct view *v)
{
	struct ctl *ctl = v->ctl;
	struct ctl_interrupt in;
	double start, quiet_s;
	int r, code = CTL_OK;

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_subscribe(ctl->rc, v->kind == VIEW_WATCH, v->kind == VIEW_METERS,
				  v->kind == VIEW_SPECTRUM, v->interval_ms);
	if (r < 0)
		return ctl_client_error(ctl, r);
	quiet_s = fmax(ctl->timeout_ms / 1000.0, 3.0 * v->interval_ms / 1000.0);
	ctl_screen_open(&v->screen, ctl->out);
	ctl_interrupt_hold(&in);
	start = v->last_t = mono_s();
	for (;;) {
		Radio__Event *ev = NULL;
		double now = mono_s();
		int wait = SLICE_MS;

		if (v->count && v->drawn >= v->count)
			break;
		if (v->duration_s > 0) {
			double left = start + v->duration_s - now;

			if (left <= 0)
				break;
			if (left * 1000 < wait)
				wait = (int)(left * 1000) + 1;
		}
		if (ctl_interrupt_wait(&in, 0))
			break;
		r = radioclient_next_event(ctl->rc, &ev, wait);
		if (r == -ETIMEDOUT) {
			if (mono_s() - v->last_t > quiet_s) {
				code = ctl_fail(ctl, CTL_TIMEOUT,
						"%s: no event from radiod for %.1f s", ctl->command,
						quiet_s);
				break;
			}
			continue;
		}
		if (r < 0) {
			code = ctl_client_error(ctl, r);
			break;
		}
		v->last_t = mono_s();
		if (v->drawn == 0)
			v->t0 = v->last_t;
		r = draw(v, ev);
		radioclient_event_free(ev);
		if (r < 0) {
			code = ctl_fail(ctl, CTL_FAILURE, "%s: cannot write the output",
					ctl->command);
			break;
		}
		v->drawn += r;
	}
	ctl_screen_close(&v->screen);
	ctl_interrupt_release(&in);
	/* Best effort: the connection closes right after anyway. */
	if (code == CTL_OK || code == CTL_TIMEOUT)
		radioclient_unsubscribe(ctl->rc);
	return code;
}

enum { OPT_INTERVAL = 1, OPT_COUNT, OPT_DURATION, OPT_LIVE, OPT_ONCE };

/* Parses the options every view takes; mode (NULL: not taken) gets
 * spectrum's --live or --once. */
static int parse_view(struct ctl *ctl, int argc, char **argv, struct view *v,
		      const char *synopsis, const char *help, bool *helped, int *mode)
{
	static const struct ctl_option opts[] = {
		{ "interval", OPT_INTERVAL, true },
		{ "count", OPT_COUNT, true },
		{ "duration", OPT_DURATION, true },
		{ "live", OPT_LIVE, false },
		{ "once", OPT_ONCE, false },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	const char *val;
	long n;
	int r;

	*helped = false;
	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			*helped = true;
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			return ctl_unexpected(ctl, val);
		case OPT_INTERVAL:
			if (ctl_parse_long(ctl, "--interval", val, 20, 60000, &n) != CTL_OK)
				return CTL_USAGE;
			v->interval_ms = (uint32_t)n;
			break;
		case OPT_COUNT:
			if (ctl_parse_long(ctl, "--count", val, 1, 100000000L, &v->count) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_DURATION:
			if (ctl_parse_double(ctl, "--duration", val, 0.001, CTL_DURATION_MAX,
					     &v->duration_s) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_LIVE:
		case OPT_ONCE:
			if (!mode)
				return ctl_fail(ctl, CTL_USAGE, "%s: unknown option '%s' (see "
						"'radioctl %s --help')", ctl->command,
						r == OPT_LIVE ? "--live" : "--once", ctl->command);
			if (*mode && *mode != r)
				return ctl_fail(ctl, CTL_USAGE, "%s: --live and --once together",
						ctl->command);
			*mode = r;
			break;
		}
	}
	return CTL_OK;
}

#define VIEW_OPTIONS_HELP \
	"  --interval MS  how often radiod sends an update: 20 .. 60000\n" \
	"  --count N      stop after N updates\n" \
	"  --duration S   stop after S seconds\n" \
	"Without --count or --duration it runs until Ctrl-C. On a terminal the view\n" \
	"is redrawn in place; otherwise each update is one plain line; with --json\n" \
	"each update is one JSON document (one per line).\n"

int cmd_spectrum(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"spectrum [--live|--once] [--interval MS] [--count N] [--duration S]";
	static const char help[] =
		"The 31 third-octave bands of the output (dBFS), from radiod's 2048-point\n"
		"FFT. On a terminal: a live view, bars with peak hold, redrawn at every\n"
		"update until Ctrl-C. Otherwise, and with --once: the bands once, a line\n"
		"each with centre frequency, level and peak hold.\n"
		"\n"
		"  --live         the live view even when the output is not a terminal: one\n"
		"                 line per update, time in seconds then the 31 levels\n"
		"  --once         the bands once, even on a terminal\n"
		VIEW_OPTIONS_HELP
		"(--count or --duration imply --live; default interval 100 ms.)\n";
	struct view v = { .kind = VIEW_SPECTRUM, .ctl = ctl, .interval_ms = 100 };
	struct ctl_screen probe;
	Radio__Reply *reply;
	bool helped;
	int mode = 0;
	int r = parse_view(ctl, argc, argv, &v, synopsis, help, &helped, &mode);

	if (r != CTL_OK || helped)
		return r;
	ctl_screen_open(&probe, ctl->out);
	if (mode == OPT_ONCE && (v.count || v.duration_s > 0))
		return ctl_fail(ctl, CTL_USAGE, "spectrum: --once does not take --count or "
				"--duration");
	if (mode == OPT_LIVE || v.count || v.duration_s > 0 || (mode != OPT_ONCE && probe.tty))
		return run_view(&v);
	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	r = radioclient_get_spectrum(ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if (ctl->json)
		r = ctl_json_message(ctl->out, &reply->spectrum->base);
	else
		ctl_print_spectrum(ctl->out, reply->spectrum);
	radioclient_reply_free(reply);
	return r < 0 ? ctl_fail(ctl, CTL_FAILURE, "spectrum: cannot write the output") : CTL_OK;
}

int cmd_meters(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "meters [--interval MS] [--count N] [--duration S]";
	static const char help[] =
		"Live level meters of every output channel: peak and RMS since the previous\n"
		"update (dBFS), a peak hold (the highest peak of the last 2 s, then falling\n"
		"20 dB/s), and the samples clipped since the last reset ('CLIP' for 2 s after\n"
		"new ones). Plain lines: time in seconds, then per channel peak=, rms=,\n"
		"clipped=.\n"
		"\n"
		VIEW_OPTIONS_HELP
		"(Default interval 100 ms. radiod's meters report the maxima since they were\n"
		"last read by anyone: two readers at once share them.)\n";
	struct view v = { .kind = VIEW_METERS, .ctl = ctl, .interval_ms = 100 };
	bool helped;
	int r = parse_view(ctl, argc, argv, &v, synopsis, help, &helped, NULL);

	if (r != CTL_OK || helped)
		return r;
	return run_view(&v);
}

int cmd_watch(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "watch [--interval MS] [--count N] [--duration S]";
	static const char help[] =
		"Live statistics in one table, refreshed at every update: engine state, sample\n"
		"rate and period, callbacks (and per second), xruns (and new ones), JACK's DSP\n"
		"load, budget use (processing time / period, p99 and max), injected-audio\n"
		"underruns, and p50/p99/p99.9/max of each timing histogram (interval jitter,\n"
		"processing time, wake-up latency) in microseconds - all since radiod started\n"
		"or the last 'radioctl reset'. Plain lines: key=value pairs, timings as\n"
		"NAME_us=p50/p99/p99.9/max.\n"
		"\n"
		VIEW_OPTIONS_HELP
		"(Default interval 1000 ms.)\n";
	struct view v = { .kind = VIEW_WATCH, .ctl = ctl, .interval_ms = 1000 };
	bool helped;
	int r = parse_view(ctl, argc, argv, &v, synopsis, help, &helped, NULL);

	if (r != CTL_OK || helped)
		return r;
	return run_view(&v);
}
