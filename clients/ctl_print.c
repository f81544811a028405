/*
 * ctl_print.c - radioctl's human output: one "key  value" line per figure,
 * tables with a header line, "-" for a figure radiod did not send. Scripts
 * should use --json; these lines are for people but kept stable.
 */
#include "clients/ctl.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#define KEY_WIDTH 17

__attribute__((format(printf, 3, 4)))
static void kv(FILE *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%-*s", KEY_WIDTH, key);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* "-" when absent. */
static const char *u64_text(char *buf, size_t len, protobuf_c_boolean has, uint64_t v)
{
	if (!has)
		return "-";
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static const char *num_text(char *buf, size_t len, protobuf_c_boolean has, double v, int decimals)
{
	if (!has)
		return "-";
	if (isinf(v))
		return v < 0 ? "-inf" : "inf";
	if (isnan(v))
		return "nan";
	snprintf(buf, len, "%.*f", decimals, v);
	return buf;
}

/* "12.5 dB", or "-" alone when the figure is absent. */
static const char *with_unit(char *buf, size_t len, const char *num, const char *unit)
{
	if (strcmp(num, "-") == 0)
		return num;
	snprintf(buf, len, "%.31s %.8s", num, unit);
	return buf;
}

static const char *str_text(const char *s)
{
	return s && s[0] ? s : "-";
}

static void print_rt(FILE *out, const Radio__RtThread *rt)
{
	char prio[24];

	if (!rt) {
		kv(out, "RT thread", "-");
		return;
	}
	kv(out, "RT thread", "%s, priority %s%s", str_text(rt->policy),
	   rt->has_priority ? (snprintf(prio, sizeof prio, "%" PRId32, rt->priority), prio) : "-",
	   rt->has_realtime && !rt->realtime ? "  <-- NOT REAL-TIME" : "");
}

/* Loud, first thing on the screen: figures from a thread that is not
 * real-time say little about the product. */
static void warn_not_realtime(FILE *out, const Radio__RtThread *rt)
{
	if (!rt || !rt->has_realtime || rt->realtime)
		return;
	fprintf(out,
		"WARNING: radiod's audio thread is NOT real-time (%s, priority %" PRId32 "):\n"
		"WARNING: its timing figures do not show real-time behaviour. Give radiod an\n"
		"WARNING: RT priority (LimitRTPRIO= in its unit, or the audio group's rtprio).\n\n",
		str_text(rt->policy), rt->has_priority ? rt->priority : 0);
}

static void print_rate_period(FILE *out, protobuf_c_boolean has_rate, uint32_t rate,
			      protobuf_c_boolean has_period, uint32_t period)
{
	char r[16], p[16], ms[32] = "";

	if (has_rate && has_period && rate)
		snprintf(ms, sizeof ms, " (%.3f ms)", 1000.0 * period / rate);
	kv(out, "rate / period", "%s Hz / %s frames%s", u64_text(r, sizeof r, has_rate, rate),
	   u64_text(p, sizeof p, has_period, period), ms);
}

static void print_duration(FILE *out, const char *key, protobuf_c_boolean has, double s)
{
	if (!has || !isfinite(s) || s < 0) {
		kv(out, key, "-");
		return;
	}
	if (s < 60)
		kv(out, key, "%.1f s", s);
	else
		kv(out, key, "%.0f s (%dh %02dm %02ds)", s, (int)(s / 3600), (int)fmod(s / 60, 60),
		   (int)fmod(s, 60));
}

void ctl_print_info(FILE *out, const Radio__Info *in)
{
	char a[32], b[32];

	warn_not_realtime(out, in->rt_thread);
	kv(out, "radiod", "%s", str_text(in->daemon_version));
	kv(out, "protocol", "%s (radioctl speaks %d)",
	   u64_text(a, sizeof a, in->has_protocol_version, in->protocol_version),
	   RADIO__VERSION__PROTOCOL_VERSION);
	kv(out, "pid", "%s", u64_text(a, sizeof a, in->has_pid, in->pid));
	kv(out, "state", "%s", in->has_state ? ctl_state_name(in->state) : "-");
	print_duration(out, "uptime", in->has_uptime_s, in->uptime_s);
	kv(out, "JACK", "version %s, server %s, client %s", str_text(in->jack_version),
	   str_text(in->jack_server), str_text(in->client_name));
	print_rate_period(out, in->has_sample_rate_hz, in->sample_rate_hz, in->has_period_frames,
			  in->period_frames);
	kv(out, "channels", "%s", u64_text(a, sizeof a, in->has_channels, in->channels));
	kv(out, "EQ bands", "%s", u64_text(b, sizeof b, in->has_eq_bands, in->eq_bands));
	print_rt(out, in->rt_thread);
	/* The scheme's full description is for scripts: --json has it. */
	if (in->histogram_scheme)
		kv(out, "histograms", "log-linear, %s sub-bucket bits",
		   u64_text(a, sizeof a, in->histogram_scheme->has_sub_bucket_bits,
			    in->histogram_scheme->sub_bucket_bits));
}

static void print_timing(FILE *out, const Radio__Timing *t)
{
	char b[7][24], c[24];

	fprintf(out, "%-12s %10s %9s %9s %9s %9s %9s %9s %9s\n", str_text(t->name),
		u64_text(c, sizeof c, t->has_count, t->count),
		num_text(b[0], sizeof b[0], t->has_min_ns, t->min_ns / 1000, 2),
		num_text(b[1], sizeof b[1], t->has_p50_ns, t->p50_ns / 1000, 2),
		num_text(b[2], sizeof b[2], t->has_p90_ns, t->p90_ns / 1000, 2),
		num_text(b[3], sizeof b[3], t->has_p99_ns, t->p99_ns / 1000, 2),
		num_text(b[4], sizeof b[4], t->has_p999_ns, t->p999_ns / 1000, 2),
		num_text(b[5], sizeof b[5], t->has_max_ns, t->max_ns / 1000, 2),
		num_text(b[6], sizeof b[6], t->has_mean_ns, t->mean_ns / 1000, 2));
}

static void print_meters(FILE *out, const Radio__Meters *m)
{
	if (!m || m->n_channel == 0)
		return;
	fprintf(out, "\n%-12s %10s %9s %9s\n", "meters", "peak dBFS", "rms dBFS", "clipped");
	for (size_t i = 0; i < m->n_channel; i++) {
		const Radio__ChannelMeter *c = m->channel[i];
		char name[24], p[24], r[24], k[24];

		snprintf(name, sizeof name, "ch%zu", i + 1);
		fprintf(out, "%-12s %10s %9s %9s\n", name,
			num_text(p, sizeof p, c->has_peak_dbfs, c->peak_dbfs, 1),
			num_text(r, sizeof r, c->has_rms_dbfs, c->rms_dbfs, 1),
			u64_text(k, sizeof k, c->has_clipped, c->clipped));
	}
}

void ctl_print_stats(FILE *out, const Radio__Stats *s)
{
	char a[32], b[32], u1[64], u2[64];

	warn_not_realtime(out, s->rt_thread);
	kv(out, "state", "%s", s->has_state ? ctl_state_name(s->state) : "-");
	print_duration(out, "elapsed", s->has_elapsed_s, s->elapsed_s);
	print_rate_period(out, s->has_sample_rate_hz, s->sample_rate_hz, s->has_period_frames,
			  s->period_frames);
	kv(out, "callbacks", "%s", u64_text(a, sizeof a, s->has_callbacks, s->callbacks));
	kv(out, "frames", "%s", u64_text(a, sizeof a, s->has_frames, s->frames));
	kv(out, "xruns", "%s", u64_text(a, sizeof a, s->has_xruns, s->xruns));
	kv(out, "DSP load", "%s",
	   with_unit(u1, sizeof u1,
		     num_text(a, sizeof a, s->has_dsp_load_percent, s->dsp_load_percent, 1), "%"));
	kv(out, "budget", "p99 %s, max %s",
	   with_unit(u1, sizeof u1, num_text(a, sizeof a, s->has_budget_p99, s->budget_p99 * 100, 1),
		     "%"),
	   with_unit(u2, sizeof u2, num_text(b, sizeof b, s->has_budget_max, s->budget_max * 100, 1),
		     "%"));
	print_rt(out, s->rt_thread);
	kv(out, "inject underruns", "%s",
	   u64_text(a, sizeof a, s->has_inject_underruns, s->inject_underruns));

	if (s->n_timing) {
		fprintf(out, "\n%-12s %10s %9s %9s %9s %9s %9s %9s %9s\n", "timing (us)", "count",
			"min", "p50", "p90", "p99", "p99.9", "max", "mean");
		for (size_t i = 0; i < s->n_timing; i++)
			print_timing(out, s->timing[i]);
	}
	print_meters(out, s->meters);

	fputc('\n', out);
	kv(out, "events dropped", "%s",
	   u64_text(a, sizeof a, s->has_events_dropped, s->events_dropped));
	kv(out, "clients dropped", "%s",
	   u64_text(a, sizeof a, s->has_clients_dropped, s->clients_dropped));
	kv(out, "client errors", "%s",
	   u64_text(a, sizeof a, s->has_client_errors, s->client_errors));
}

void ctl_print_eq(FILE *out, const Radio__Eq *eq)
{
	char a[32];

	char u[64];

	kv(out, "preamp", "%s",
	   with_unit(u, sizeof u, num_text(a, sizeof a, eq->has_preamp_db, eq->preamp_db, 1), "dB"));
	kv(out, "bypass", "%s", !eq->has_bypass ? "-" : eq->bypass ? "on" : "off");
	if (eq->n_band == 0)
		return;
	fprintf(out, "\n%-4s  %-10s %9s %8s %6s  %s\n", "band", "type", "freq Hz", "gain dB", "Q",
		"on");
	for (size_t i = 0; i < eq->n_band; i++) {
		const Radio__EqBand *b = eq->band[i];
		char f[24], g[24], q[24];

		if (b->has_gain_db && isfinite(b->gain_db))
			snprintf(g, sizeof g, "%+.1f", b->gain_db);
		else
			snprintf(g, sizeof g, "-");
		fprintf(out, "%4zu  %-10s %9s %8s %6s  %s\n", i,
			b->has_type ? ctl_band_type_name(b->type) : "-",
			num_text(f, sizeof f, b->has_freq_hz, b->freq_hz, 1), g,
			num_text(q, sizeof q, b->has_q, b->q, 2),
			!b->has_enabled ? "-" : b->enabled ? "on" : "off");
	}
}

void ctl_print_volume(FILE *out, const Radio__Volume *v)
{
	char a[32];

	char u[64];

	kv(out, "volume", "%s",
	   with_unit(u, sizeof u, num_text(a, sizeof a, v->has_db, v->db, 1), "dB"));
	kv(out, "muted", "%s", !v->has_muted ? "-" : v->muted ? "yes" : "no");
}

/* Bars span -96 .. 0 dBFS. */
#define BAR_FLOOR_DB -96.0
#define BAR_WIDTH 40

void ctl_print_spectrum(FILE *out, const Radio__Spectrum *s)
{
	fprintf(out, "%9s %11s %10s\n", "centre Hz", "level dBFS", "peak dBFS");
	for (size_t i = 0; i < s->n_band_db; i++) {
		char c[24], l[24], p[24], bar[BAR_WIDTH + 1];
		bool has_centre = i < s->n_centre_hz, has_peak = i < s->n_peak_db;
		double db = s->band_db[i];
		int n = 0;

		if (isfinite(db) && db > BAR_FLOOR_DB)
			n = (int)((db - BAR_FLOOR_DB) / -BAR_FLOOR_DB * BAR_WIDTH + 0.5);
		n = n < 0 ? 0 : n > BAR_WIDTH ? BAR_WIDTH : n;
		memset(bar, '#', (size_t)n);
		bar[n] = '\0';
		fprintf(out, "%9s %11s %10s%s%s\n",
			num_text(c, sizeof c, has_centre, has_centre ? s->centre_hz[i] : 0, 0),
			num_text(l, sizeof l, 1, db, 1),
			num_text(p, sizeof p, has_peak, has_peak ? s->peak_db[i] : 0, 1),
			n ? "  " : "", bar);
	}
}
