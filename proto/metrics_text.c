/*
 * metrics_text.c - Stats as Prometheus text exposition (see metrics_text.h).
 */
#include "proto/metrics_text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "libdsp/histogram.h"

#define NS_PER_S INT64_C(1000000000)

/* 1-2-5 steps from 1 us to 100 ms: 5 decades of three, and the last. */
static const int64_t positive_bounds_ns[] = {
	1000, 2000, 5000,
	10000, 20000, 50000,
	100000, 200000, 500000,
	1000000, 2000000, 5000000,
	10000000, 20000000, 50000000,
	100000000,
};

#define N_POSITIVE (sizeof positive_bounds_ns / sizeof positive_bounds_ns[0])

size_t metrics_text_bounds(int is_signed, int64_t *bounds_ns)
{
	size_t n = 0;

	if (is_signed) {
		for (size_t i = N_POSITIVE; i-- > 0;)
			bounds_ns[n++] = -positive_bounds_ns[i];
		bounds_ns[n++] = 0;
	}
	for (size_t i = 0; i < N_POSITIVE; i++)
		bounds_ns[n++] = positive_bounds_ns[i];
	return n;
}

int metrics_text_check_histogram(const Radio__Histogram *h)
{
	int32_t lowest = h->is_signed ? -HISTOGRAM_MAX_INDEX : 0;
	uint64_t total = 0;

	if (h->n_index != h->n_bucket_count)
		return -EBADMSG;
	for (size_t k = 0; k < h->n_index; k++) {
		if (h->index[k] < lowest || h->index[k] > HISTOGRAM_MAX_INDEX)
			return -EBADMSG;
		if (k > 0 && h->index[k] <= h->index[k - 1])
			return -EBADMSG;
		if (h->bucket_count[k] > UINT64_MAX - total)
			return -EBADMSG;
		total += h->bucket_count[k];
	}
	return 0;
}

uint64_t metrics_text_cumulative(const Radio__Histogram *h, int64_t bound_ns)
{
	/* The bucket holding the bound counts as at or below it (see the
	 * header): everything up to and including its index. */
	int32_t last = histogram_index_of(bound_ns);
	uint64_t n = 0;

	for (size_t k = 0; k < h->n_index && h->index[k] <= last; k++)
		n += h->bucket_count[k];
	return n;
}

/* ------------------------------------------------------------- writing */

/* Nanoseconds as exact decimal seconds ("-0.000012500"): no rounding
 * through a double before Prometheus parses it. */
static void print_seconds(FILE *out, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	fprintf(out, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", mag / NS_PER_S,
		mag % NS_PER_S);
}

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(FILE *out, const char *name, bool has, uint64_t v, const char *help)
{
	if (!has)
		return;
	header(out, name, "counter", help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

static void gauge(FILE *out, const char *name, bool has, double v, const char *help)
{
	if (!has)
		return;
	header(out, name, "gauge", help);
	fprintf(out, "%s %.9g\n", name, v);
}

/* What each timing of radiod measures; engine.h defines them. */
static const struct {
	const char *name;
	const char *help;
} timing_help[] = {
	{ "jitter", "Interval jitter of radiod's JACK callbacks: start-to-start interval "
		    "minus the nominal period; negative = early." },
	{ "processing", "Time radiod's JACK callback takes, entry to exit." },
	{ "wakeup", "Latency from the start of JACK's cycle to radiod's callback "
		    "(JACK's clock, 1 us steps)." },
};

/* A histogram name as it may appear in a metric name: [a-z0-9_], 1..32. */
static bool name_usable(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 0 && n <= 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void histogram(FILE *out, const Radio__Histogram *h)
{
	int64_t bounds[METRICS_TEXT_MAX_BOUNDS];
	size_t n_bounds = metrics_text_bounds(h->is_signed, bounds);
	const char *help = "A timing histogram of radiod.";
	char name[64];
	uint64_t total = 0;

	for (size_t i = 0; i < sizeof timing_help / sizeof timing_help[0]; i++)
		if (strcmp(h->name, timing_help[i].name) == 0)
			help = timing_help[i].help;
	snprintf(name, sizeof name, "radiod_%s_seconds", h->name);
	header(out, name, "histogram", help);
	for (size_t i = 0; i < n_bounds; i++) {
		/* %g gives the shortest form Prometheus' own clients print:
		 * "1e-06", "0.1"; every bound is exact in 6 digits. */
		fprintf(out, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name,
			(double)bounds[i] / (double)NS_PER_S, metrics_text_cumulative(h, bounds[i]));
	}
	/* From the buckets, not h->count: +Inf must equal _count. */
	for (size_t k = 0; k < h->n_bucket_count; k++)
		total += h->bucket_count[k];
	fprintf(out, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, total);
	fprintf(out, "%s_sum ", name);
	print_seconds(out, h->sum_ns);
	fprintf(out, "\n%s_count %" PRIu64 "\n", name, total);
}

static const char *const state_label[] = {
	[RADIO__ENGINE_STATE__STATE_STARTING] = "starting",
	[RADIO__ENGINE_STATE__STATE_RUNNING] = "running",
	[RADIO__ENGINE_STATE__STATE_DISCONNECTED] = "disconnected",
	[RADIO__ENGINE_STATE__STATE_STOPPING] = "stopping",
};

int metrics_text_write(FILE *out, const Radio__Stats *s)
{
	for (size_t i = 0; i < s->n_histogram; i++)
		if (metrics_text_check_histogram(s->histogram[i]) < 0)
			return -EBADMSG;

	if (s->has_state) {
		/* A state set: one series per state, 1 for the current one, so
		 * that a query needs no knowledge of the numbering. */
		header(out, "radiod_engine_state", "gauge",
		       "The audio engine's state: 1 for the current one.");
		for (size_t i = 0; i < sizeof state_label / sizeof state_label[0]; i++)
			fprintf(out, "radiod_engine_state{state=\"%s\"} %d\n", state_label[i],
				(size_t)s->state == i);
	}
	gauge(out, "radiod_uptime_seconds", s->has_elapsed_s, s->elapsed_s,
	      "Seconds the figures cover: since radiod started.");
	counter(out, "radiod_callbacks_total", s->has_callbacks, s->callbacks,
		"JACK process callbacks radiod has run.");
	counter(out, "radiod_frames_total", s->has_frames, s->frames,
		"Audio frames radiod has processed.");
	counter(out, "radiod_xruns_total", s->has_xruns, s->xruns,
		"xruns the JACK server reported, across reconnections.");
	counter(out, "radiod_inject_underruns_total", s->has_inject_underruns,
		s->inject_underruns, "Blocks in which injected audio ran out (underruns).");
	if (s->meters && s->meters->n_channel > 0) {
		header(out, "radiod_clipped_samples_total", "counter",
		       "Output samples at or over full scale (NaN and infinite ones too), per "
		       "channel (1 = out_1).");
		for (size_t c = 0; c < s->meters->n_channel; c++)
			fprintf(out, "radiod_clipped_samples_total{channel=\"%zu\"} %" PRIu64 "\n",
				c + 1, s->meters->channel[c]->clipped);
	}
	counter(out, "radiod_client_errors_total", s->has_client_errors, s->client_errors,
		"Control-socket frames refused as malformed or too large.");
	counter(out, "radiod_events_dropped_total", s->has_events_dropped, s->events_dropped,
		"Subscription events dropped because a client read too slowly.");
	counter(out, "radiod_clients_dropped_total", s->has_clients_dropped, s->clients_dropped,
		"Control clients dropped: too slow, stalled, or over max_clients.");
	gauge(out, "radiod_dsp_load_ratio", s->has_dsp_load_percent, s->dsp_load_percent / 100.0,
	      "JACK's DSP load (0..1): the share of the period the whole graph used.");
	gauge(out, "radiod_budget_p99_ratio", s->has_budget_p99, s->budget_p99,
	      "99th percentile of radiod's processing time divided by the period.");
	gauge(out, "radiod_budget_max_ratio", s->has_budget_max, s->budget_max,
	      "Longest processing time divided by the period.");
	gauge(out, "radiod_sample_rate_hertz", s->has_sample_rate_hz && s->sample_rate_hz,
	      s->sample_rate_hz, "JACK's sample rate.");
	gauge(out, "radiod_period_frames", s->has_period_frames && s->period_frames,
	      s->period_frames, "JACK's period (block size) in frames.");
	gauge(out, "radiod_realtime", s->rt_thread && s->rt_thread->has_realtime,
	      s->rt_thread && s->rt_thread->realtime,
	      "1 when radiod's audio thread runs real-time; the timings mean little when 0.");
	gauge(out, "radiod_volume_decibels", s->volume && s->volume->has_db,
	      s->volume ? s->volume->db : 0, "The output volume in dB (-120..+12).");
	gauge(out, "radiod_muted", s->volume && s->volume->has_muted,
	      s->volume && s->volume->muted, "1 when the output is muted.");
	for (size_t i = 0; i < s->n_histogram; i++)
		if (name_usable(s->histogram[i]->name))
			histogram(out, s->histogram[i]);
	fflush(out);
	return ferror(out) ? -EIO : 0;
}
