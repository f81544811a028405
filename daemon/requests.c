/* The build's config.h (PACKAGE_VERSION), not daemon/config.h. */
#include <config.h>

#include "daemon/requests.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/persist.h"
#include "daemon/transfer.h"
#include "proto/band_type.h"
#include "libdsp/gain.h"
#include "libdsp/histogram.h"

#define N_TIMINGS 3

static const char *const timing_name[N_TIMINGS] = {"jitter", "processing", "wakeup"};

static const char scheme_description[] =
	"log-linear, int64 ns: index(v) = v for 0 <= v < 128; above, with e = floor(log2 v) "
	"and s = e - 6, index(v) = 64 s + (v >> s) (64 linear buckets per octave); "
	"index(-v) = -index(v); a bucket's value is its lowest value plus half its width; "
	"values beyond +-60 s are recorded at the limit";

/* Protobuf messages of every body, in memory that outlives one call. */
struct bodies {
	Radio__Stats stats;
	Radio__Timing timing[N_TIMINGS];
	Radio__Timing *timing_p[N_TIMINGS];
	Radio__Histogram hist[N_TIMINGS];
	Radio__Histogram *hist_p[N_TIMINGS];
	int32_t idx[N_TIMINGS][HISTOGRAM_MAX_PAIRS];
	uint64_t cnt[N_TIMINGS][HISTOGRAM_MAX_PAIRS];
	Radio__RtThread stats_rt;
	char stats_policy[16];

	Radio__Meters meters;
	Radio__ChannelMeter channel[ENGINE_MAX_CHANNELS];
	Radio__ChannelMeter *channel_p[ENGINE_MAX_CHANNELS];

	Radio__Spectrum spectrum;
	float centre_hz[SPECTRUM_BANDS];
	float band_db[SPECTRUM_BANDS];
	float peak_db[SPECTRUM_BANDS];

	Radio__Info info;
	Radio__RtThread info_rt;
	Radio__HistogramScheme scheme;
	char info_policy[16];
	struct engine_info einfo;

	Radio__Eq eq;
	Radio__EqBand band[EQ_MAX_BANDS];
	Radio__EqBand *band_p[EQ_MAX_BANDS];

	Radio__Volume volume;
};

struct event_slot {
	Radio__ServerMessage sm;
	Radio__Event ev;
	double built_at;	/* monotonic seconds; < 0: never */
};

/* ListPresets' reply: every preset with its bands. */
struct presets_body {
	Radio__Presets presets;
	Radio__Preset preset[STATE_MAX_PRESETS];
	Radio__Preset *preset_p[STATE_MAX_PRESETS];
	Radio__Eq eq[STATE_MAX_PRESETS];
	Radio__EqBand band[STATE_MAX_PRESETS][EQ_MAX_BANDS];
	Radio__EqBand *band_p[STATE_MAX_PRESETS][EQ_MAX_BANDS];
};

struct requests {
	struct engine *engine;
	struct control *control;
	double start;		/* monotonic seconds */

	/* who may write: default_access (root and radiod's uid) until set */
	struct access_policy default_access;
	const struct access_policy *access;
	const struct log *log;	/* refusals; NULL: none */
	const char *config_file;	/* "" when none */
	const char *config_sha256;	/* "" when none */
	requests_reload_fn reload;
	void *reload_arg;
	struct persist *persist;	/* saved settings and presets; NULL: none */
	struct transfer *transfer;	/* audio over the socket: streams, captures */

	struct engine_stats baseline;
	struct engine_stats now;
	struct engine_stats delta;
	struct control_counters control_baseline;
	/* the statistics at start, for GetStats.since_start (monitoring) */
	struct engine_stats origin;
	struct control_counters control_origin;

	/* the reply */
	Radio__ServerMessage sm;
	Radio__Reply reply;
	Radio__Status status;
	char message[1024];	/* a reload's refusal names a path */
	struct bodies r;

	/* events */
	struct event_slot slot[3];
	struct bodies ev;

	struct presets_body presets;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------- reply */

static Radio__ServerMessage *reply_start(struct requests *rq, const Radio__Request *req)
{
	radio__server_message__init(&rq->sm);
	radio__reply__init(&rq->reply);
	radio__status__init(&rq->status);
	rq->sm.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	rq->sm.reply = &rq->reply;
	rq->reply.has_id = req->has_id;
	rq->reply.id = req->id;
	rq->reply.status = &rq->status;
	rq->status.has_code = true;
	rq->status.code = RADIO__STATUS__CODE__OK;
	rq->message[0] = '\0';
	rq->status.message = rq->message;
	return &rq->sm;
}

static __attribute__((format(printf, 3, 4))) Radio__ServerMessage *
fail(struct requests *rq, Radio__Status__Code code, const char *fmt, ...)
{
	va_list ap;

	rq->status.code = code;
	va_start(ap, fmt);
	vsnprintf(rq->message, sizeof rq->message, fmt, ap);
	va_end(ap);
	rq->reply.body_case = RADIO__REPLY__BODY__NOT_SET;
	return &rq->sm;
}

/* A negative errno from the engine as a Status. */
static Radio__ServerMessage *fail_errno(struct requests *rq, const char *what, int r,
					const char *err)
{
	Radio__Status__Code code = RADIO__STATUS__CODE__INVALID_ARGUMENT;

	if (r == -EAGAIN)
		code = RADIO__STATUS__CODE__RESOURCE_EXHAUSTED;
	else if (r == -ENOTCONN)
		code = RADIO__STATUS__CODE__UNAVAILABLE;
	else if (r == -ENOMEM)
		code = RADIO__STATUS__CODE__INTERNAL;
	if (!err)
		return fail(rq, code, "%s: %s", what, strerror(-r));
	/* libdsp names its module ("eq: band 3 q must be ..."); the request
	 * name replaces it. */
	size_t word = strcspn(err, " :");
	if (err[word] == ':' && err[word + 1] == ' ')
		err += word + 2;
	return fail(rq, code, "%s: %s", what, err);
}

/* ---------------------------------------------------------------- bodies */

/* p as the wire Eq eq, its bands in band[] and band_p[] (EQ_MAX_BANDS). */
static Radio__Eq *eq_fill(Radio__Eq *eq, Radio__EqBand *band, Radio__EqBand **band_p,
			  const struct eq_params *p)
{
	radio__eq__init(eq);
	for (uint32_t i = 0; i < p->n_bands; i++) {
		Radio__EqBand *w = &band[i];

		radio__eq_band__init(w);
		w->has_type = w->has_freq_hz = w->has_q = w->has_gain_db = w->has_enabled = true;
		w->type = radio_band_type_to_wire(p->band[i].type);
		w->freq_hz = p->band[i].freq;
		w->q = p->band[i].q;
		w->gain_db = p->band[i].gain_db;
		w->enabled = p->band[i].enabled;
		band_p[i] = w;
	}
	eq->n_band = p->n_bands;
	eq->band = band_p;
	eq->has_preamp_db = eq->has_bypass = true;
	eq->preamp_db = p->preamp_db;
	eq->bypass = p->bypass;
	return eq;
}

static Radio__Eq *eq_body(struct bodies *b, const struct eq_params *p)
{
	return eq_fill(&b->eq, b->band, b->band_p, p);
}

static Radio__Volume *volume_body(struct requests *rq, struct bodies *b)
{
	double db;
	bool muted;

	engine_get_volume(rq->engine, &db, &muted);
	radio__volume__init(&b->volume);
	b->volume.has_db = b->volume.has_muted = true;
	b->volume.db = db;
	b->volume.muted = muted;
	return &b->volume;
}

static void rt_thread_body(Radio__RtThread *w, const struct engine_rt_thread *rt, char *policy,
			   size_t policy_len)
{
	radio__rt_thread__init(w);
	snprintf(policy, policy_len, "%s", rt->policy[0] ? rt->policy : "none");
	w->policy = policy;
	w->has_priority = w->has_realtime = true;
	w->priority = rt->priority;
	w->realtime = rt->realtime;
}

static Radio__Info *info_body(struct requests *rq, struct bodies *b)
{
	struct engine_info *ei = &b->einfo;
	Radio__Info *w = &b->info;

	engine_get_info(rq->engine, ei);
	radio__info__init(w);
	w->daemon_version = (char *)PACKAGE_VERSION;
	w->has_protocol_version = true;
	w->protocol_version = RADIO__VERSION__PROTOCOL_VERSION;
	w->jack_version = (char *)(ei->jack_version ? ei->jack_version : "");
	w->jack_server = ei->server;
	w->client_name = ei->client_name;
	w->has_sample_rate_hz = w->has_period_frames = w->has_channels = true;
	w->sample_rate_hz = ei->sample_rate;
	w->period_frames = ei->period_frames;
	w->channels = ei->channels;
	w->has_state = true;
	w->state = (Radio__EngineState)ei->state;
	w->has_uptime_s = true;
	w->uptime_s = now_s() - rq->start;
	rt_thread_body(&b->info_rt, &ei->rt, b->info_policy, sizeof b->info_policy);
	w->rt_thread = &b->info_rt;
	w->has_eq_bands = true;
	w->eq_bands = ei->eq_bands;
	radio__histogram_scheme__init(&b->scheme);
	b->scheme.has_sub_bucket_bits = true;
	b->scheme.sub_bucket_bits = HISTOGRAM_SUB_BUCKET_BITS;
	b->scheme.description = (char *)scheme_description;
	w->histogram_scheme = &b->scheme;
	w->has_pid = true;
	w->pid = (uint32_t)getpid();
	w->config_file = (char *)rq->config_file;
	w->config_sha256 = (char *)rq->config_sha256;
	w->active_preset = (char *)(rq->persist ? persist_active_preset(rq->persist) : "");
	w->volume = volume_body(rq, b);
	return w;
}

/* Clipped counts since base (the baseline, or the origin). */
static Radio__Meters *meters_body(struct requests *rq, struct bodies *b,
				  const struct engine_stats *base)
{
	struct engine_meter m[ENGINE_MAX_CHANNELS];
	uint32_t n = engine_read_meters(rq->engine, m, ENGINE_MAX_CHANNELS);

	radio__meters__init(&b->meters);
	for (uint32_t c = 0; c < n; c++) {
		Radio__ChannelMeter *w = &b->channel[c];

		radio__channel_meter__init(w);
		w->has_peak_dbfs = w->has_rms_dbfs = w->has_clipped = true;
		w->peak_dbfs = m[c].peak_dbfs;
		w->rms_dbfs = m[c].rms_dbfs;
		/* Since base, like every other figure of Stats. */
		w->clipped = m[c].clipped - base->n.clipped[c];
		b->channel_p[c] = w;
	}
	b->meters.n_channel = n;
	b->meters.channel = b->channel_p;
	return &b->meters;
}

static void timing_body(Radio__Timing *w, const char *name,
			const struct histogram_snapshot *s)
{
	radio__timing__init(w);
	w->name = (char *)name;
	w->has_count = true;
	w->count = histogram_snapshot_count(s);
	if (w->count == 0)
		return;
	w->has_min_ns = w->has_mean_ns = w->has_max_ns = true;
	w->has_p50_ns = w->has_p90_ns = w->has_p99_ns = w->has_p999_ns = true;
	w->min_ns = (double)histogram_snapshot_min(s);
	w->mean_ns = histogram_snapshot_mean(s);
	w->max_ns = (double)histogram_snapshot_max(s);
	w->p50_ns = (double)histogram_snapshot_percentile(s, 50.0);
	w->p90_ns = (double)histogram_snapshot_percentile(s, 90.0);
	w->p99_ns = (double)histogram_snapshot_percentile(s, 99.0);
	w->p999_ns = (double)histogram_snapshot_percentile(s, 99.9);
}

static void histogram_body(Radio__Histogram *w, const char *name,
			   const struct histogram_snapshot *s, int32_t *idx, uint64_t *cnt)
{
	struct histogram_totals t;
	int n = histogram_snapshot_to_sparse(s, idx, cnt, HISTOGRAM_MAX_PAIRS);

	histogram_snapshot_totals(s, &t);
	radio__histogram__init(w);
	w->name = (char *)name;
	w->has_is_signed = w->has_count = w->has_sum_ns = w->has_min_ns = true;
	w->has_max_ns = w->has_clamped = true;
	w->is_signed = histogram_snapshot_is_signed(s);
	w->count = histogram_snapshot_count(s);
	w->sum_ns = t.sum;
	w->min_ns = t.min;
	w->max_ns = t.max;
	w->clamped = t.clamped;
	w->n_index = w->n_bucket_count = n > 0 ? (size_t)n : 0;
	w->index = idx;
	w->bucket_count = cnt;
}

/* The statistics since the baseline, or since radiod started (since_start:
 * ResetStats does not move that origin).  Meters are read (and their maxima
 * reset) only when with_meters. */
static Radio__Stats *stats_body(struct requests *rq, struct bodies *b, bool with_histograms,
				bool with_meters, bool since_start)
{
	struct engine_info *ei = &b->einfo;
	struct control_counters cc = {0};
	Radio__Stats *w = &b->stats;
	const struct histogram_snapshot *h[N_TIMINGS];
	const struct engine_stats *base = since_start ? &rq->origin : &rq->baseline;
	const struct control_counters *cbase =
		since_start ? &rq->control_origin : &rq->control_baseline;

	radio__stats__init(w);
	/* Meters first: reading them refreshes the clipped counts the
	 * snapshot takes. */
	if (with_meters)
		w->meters = meters_body(rq, b, base);
	engine_get_info(rq->engine, ei);
	engine_stats_take(rq->engine, &rq->now);
	engine_stats_delta(&rq->delta, &rq->now, base);
	h[0] = rq->delta.jitter;
	h[1] = rq->delta.processing;
	h[2] = rq->delta.wakeup;

	w->has_state = w->has_elapsed_s = w->has_callbacks = w->has_frames = true;
	w->has_xruns = w->has_dsp_load_percent = w->has_inject_underruns = true;
	w->state = (Radio__EngineState)ei->state;
	w->elapsed_s = rq->delta.time_s;
	w->callbacks = rq->delta.n.callbacks;
	w->frames = rq->delta.n.frames;
	w->xruns = rq->delta.n.xruns;
	w->dsp_load_percent = ei->dsp_load_percent;
	w->inject_underruns = rq->delta.n.inject_underruns;
	if (ei->sample_rate && ei->period_frames && histogram_snapshot_count(h[1])) {
		double period_ns = 1e9 * ei->period_frames / ei->sample_rate;

		w->has_budget_p99 = w->has_budget_max = true;
		w->budget_p99 = (double)histogram_snapshot_percentile(h[1], 99.0) / period_ns;
		w->budget_max = (double)histogram_snapshot_max(h[1]) / period_ns;
	}
	for (int i = 0; i < N_TIMINGS; i++) {
		timing_body(&b->timing[i], timing_name[i], h[i]);
		b->timing_p[i] = &b->timing[i];
		if (with_histograms) {
			histogram_body(&b->hist[i], timing_name[i], h[i], b->idx[i], b->cnt[i]);
			b->hist_p[i] = &b->hist[i];
		}
	}
	w->n_timing = N_TIMINGS;
	w->timing = b->timing_p;
	w->n_histogram = with_histograms ? N_TIMINGS : 0;
	w->histogram = b->hist_p;
	w->has_sample_rate_hz = w->has_period_frames = true;
	w->sample_rate_hz = ei->sample_rate;
	w->period_frames = ei->period_frames;
	rt_thread_body(&b->stats_rt, &ei->rt, b->stats_policy, sizeof b->stats_policy);
	w->rt_thread = &b->stats_rt;
	if (rq->control)
		control_get_counters(rq->control, &cc);
	w->has_events_dropped = w->has_clients_dropped = w->has_client_errors = true;
	w->events_dropped = cc.events_dropped - cbase->events_dropped;
	w->clients_dropped = cc.clients_dropped - cbase->clients_dropped;
	w->client_errors = cc.client_errors - cbase->client_errors;
	w->volume = volume_body(rq, b);
	return w;
}

static Radio__Spectrum *spectrum_body(struct requests *rq, struct bodies *b)
{
	struct spectrum_frame f;
	Radio__Spectrum *w = &b->spectrum;

	engine_read_spectrum(rq->engine, &f);
	radio__spectrum__init(w);
	for (int i = 0; i < SPECTRUM_BANDS; i++) {
		b->centre_hz[i] = (float)spectrum_band_centre_hz[i];
		b->band_db[i] = f.band_db[i];
		b->peak_db[i] = f.peak_db[i];
	}
	w->n_centre_hz = w->n_band_db = w->n_peak_db = SPECTRUM_BANDS;
	w->centre_hz = b->centre_hz;
	w->band_db = b->band_db;
	w->peak_db = b->peak_db;
	w->has_seq = true;
	w->seq = f.seq;
	return w;
}

/* -------------------------------------------------------------- requests */

static Radio__ServerMessage *reply_eq(struct requests *rq)
{
	struct eq_params p;

	engine_get_eq(rq->engine, &p);
	rq->reply.body_case = RADIO__REPLY__BODY_EQ;
	rq->reply.eq = eq_body(&rq->r, &p);
	return &rq->sm;
}

static Radio__ServerMessage *reply_volume(struct requests *rq)
{
	rq->reply.body_case = RADIO__REPLY__BODY_VOLUME;
	rq->reply.volume = volume_body(rq, &rq->r);
	return &rq->sm;
}

/* Applies the fields w has to band i of p; the message names request what. */
static Radio__ServerMessage *apply_band(struct requests *rq, const char *what, uint32_t i,
					struct eq_band *band, bool has_type, Radio__BandType type,
					bool has_freq, double freq, bool has_q, double q,
					bool has_gain, double gain, bool has_enabled, bool enabled)
{
	double rate = engine_validation_rate(rq->engine);
	double top = EQ_FREQ_MAX_OF_RATE * rate;

	if (has_type && radio_band_type_from_wire(type, &band->type) < 0)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "%s: band %u type %d unknown (0..7)", what, i, (int)type);
	/* The numbers in the message; eq_params_validate checks again. */
	if (has_freq && !(freq >= EQ_FREQ_MIN_HZ && freq <= top))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "%s: band %u freq %g Hz out of range %g..%g Hz (0.49 x %g Hz)", what,
			    i, freq, EQ_FREQ_MIN_HZ, top, rate);
	if (has_q && !(q >= EQ_Q_MIN && q <= EQ_Q_MAX))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "%s: band %u q %g out of range %g..%g", what, i, q, EQ_Q_MIN, EQ_Q_MAX);
	if (has_gain && !(gain >= EQ_GAIN_MIN_DB && gain <= EQ_GAIN_MAX_DB))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "%s: band %u gain %g dB out of range %g..+%g", what, i, gain,
			    EQ_GAIN_MIN_DB, EQ_GAIN_MAX_DB);
	if (has_freq)
		band->freq = freq;
	if (has_q)
		band->q = q;
	if (has_gain)
		band->gain_db = gain;
	if (has_enabled)
		band->enabled = enabled;
	return NULL;
}

/* After a change of the EQ, volume or mute: to be saved (persist.h). */
static void settings_changed(struct requests *rq)
{
	if (rq->persist)
		persist_changed(rq->persist);
}

static Radio__ServerMessage *set_eq_params(struct requests *rq, const char *what,
					   const struct eq_params *p)
{
	const char *err = NULL;
	int r = engine_set_eq(rq->engine, p, &err);

	if (r < 0)
		return fail_errno(rq, what, r, err);
	settings_changed(rq);
	return reply_eq(rq);
}

static Radio__ServerMessage *do_set_eq(struct requests *rq, const Radio__SetEq *m)
{
	struct eq_params cur, p, def;
	const Radio__Eq *w = m->eq;
	Radio__ServerMessage *bad;

	if (!w)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT, "set_eq: eq missing");
	if (w->n_band < 1 || w->n_band > EQ_MAX_BANDS)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "set_eq: %zu bands; 1..%d allowed", w->n_band, EQ_MAX_BANDS);
	engine_get_eq(rq->engine, &cur);
	eq_params_default(&def, (uint32_t)w->n_band);
	p = cur;
	p.n_bands = (uint32_t)w->n_band;
	for (uint32_t i = 0; i < p.n_bands; i++) {
		const Radio__EqBand *b = w->band[i];

		p.band[i] = i < cur.n_bands ? cur.band[i] : def.band[i];
		bad = apply_band(rq, "set_eq", i, &p.band[i], b->has_type, b->type,
				 b->has_freq_hz, b->freq_hz, b->has_q, b->q, b->has_gain_db,
				 b->gain_db, b->has_enabled, b->enabled);
		if (bad)
			return bad;
	}
	if (w->has_preamp_db && !(w->preamp_db >= EQ_GAIN_MIN_DB && w->preamp_db <= EQ_GAIN_MAX_DB))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "set_eq: preamp %g dB out of range %g..+%g", w->preamp_db,
			    EQ_GAIN_MIN_DB, EQ_GAIN_MAX_DB);
	if (w->has_preamp_db)
		p.preamp_db = w->preamp_db;
	if (w->has_bypass)
		p.bypass = w->bypass;
	return set_eq_params(rq, "set_eq", &p);
}

static Radio__ServerMessage *do_set_band(struct requests *rq, const Radio__SetBand *m)
{
	struct eq_params p;
	Radio__ServerMessage *bad;

	engine_get_eq(rq->engine, &p);
	if (!m->has_index)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT, "set_band: index missing");
	if (m->index >= p.n_bands)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "set_band: band %u out of range 0..%u", m->index, p.n_bands - 1);
	bad = apply_band(rq, "set_band", m->index, &p.band[m->index], m->has_type, m->type,
			 m->has_freq_hz, m->freq_hz, m->has_q, m->q, m->has_gain_db, m->gain_db,
			 m->has_enabled, m->enabled);
	if (bad)
		return bad;
	return set_eq_params(rq, "set_band", &p);
}

static Radio__ServerMessage *do_set_bypass(struct requests *rq, const Radio__SetBypass *m)
{
	struct eq_params p;

	if (!m->has_bypass)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "set_bypass: bypass missing");
	engine_get_eq(rq->engine, &p);
	p.bypass = m->bypass;
	return set_eq_params(rq, "set_bypass", &p);
}

static Radio__ServerMessage *do_set_volume(struct requests *rq, const Radio__SetVolume *m)
{
	double ramp = m->has_ramp_ms ? m->ramp_ms : engine_default_ramp_ms(rq->engine);
	const char *err = NULL;
	int r;

	if (!m->has_db)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT, "set_volume: db missing");
	if (!(m->db >= GAIN_MIN_DB && m->db <= GAIN_MAX_DB))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "volume: %g dB out of range %g..+%g", m->db, GAIN_MIN_DB, GAIN_MAX_DB);
	if (!(ramp >= 0 && ramp <= GAIN_MAX_RAMP_MS))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "volume: ramp %g ms out of range 0..%g", ramp, GAIN_MAX_RAMP_MS);
	r = engine_set_volume(rq->engine, m->db, ramp, &err);
	if (r < 0)
		return fail_errno(rq, "volume", r, err);
	settings_changed(rq);
	return reply_volume(rq);
}

static Radio__ServerMessage *do_set_mute(struct requests *rq, const Radio__SetMute *m)
{
	const char *err = NULL;
	int r;

	if (!m->has_mute)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT, "set_mute: mute missing");
	r = engine_set_mute(rq->engine, m->mute, &err);
	if (r < 0)
		return fail_errno(rq, "mute", r, err);
	settings_changed(rq);
	return reply_volume(rq);
}

static int kind_from_wire(Radio__SignalKind w, enum siggen_kind *k)
{
	switch (w) {
	case RADIO__SIGNAL_KIND__SINE:
		*k = SIGGEN_SINE;
		return 0;
	case RADIO__SIGNAL_KIND__SWEEP:
		*k = SIGGEN_SWEEP;
		return 0;
	case RADIO__SIGNAL_KIND__WHITE_NOISE:
		*k = SIGGEN_WHITE;
		return 0;
	case RADIO__SIGNAL_KIND__PINK_NOISE:
		*k = SIGGEN_PINK;
		return 0;
	case RADIO__SIGNAL_KIND__IMPULSE:
		*k = SIGGEN_IMPULSE;
		return 0;
	case RADIO__SIGNAL_KIND__MULTITONE:
		*k = SIGGEN_MULTITONE;
		return 0;
	default:
		return -EINVAL;
	}
}

static Radio__ServerMessage *do_inject(struct requests *rq, const Radio__InjectSignal *m)
{
	struct siggen_params p = {
		.kind = SIGGEN_SINE,
		.freq_hz = 1000.0,
		.freq_end_hz = 20000.0,
		.level_dbfs = -20.0,
		.seed = 1,
	};
	const char *err = NULL;
	bool replace = false;
	int r;

	if (m->has_kind && kind_from_wire(m->kind, &p.kind) < 0)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "inject: signal kind %d unknown (0..5)", (int)m->kind);
	if (m->has_mode) {
		if (m->mode != RADIO__INJECT_MODE__MIX && m->mode != RADIO__INJECT_MODE__REPLACE)
			return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				    "inject: mode %d unknown (0 mix, 1 replace)", (int)m->mode);
		replace = m->mode == RADIO__INJECT_MODE__REPLACE;
	}
	if (m->has_freq_hz)
		p.freq_hz = m->freq_hz;
	if (m->has_freq_end_hz)
		p.freq_end_hz = m->freq_end_hz;
	if (m->has_level_dbfs)
		p.level_dbfs = m->level_dbfs;
	if (m->has_duration_s)
		p.duration_s = m->duration_s;
	if (m->has_seed)
		p.seed = m->seed;
	if (m->n_tone_hz > SIGGEN_MAX_TONES)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "inject: %zu tones; at most %d", m->n_tone_hz, SIGGEN_MAX_TONES);
	p.n_tones = (uint32_t)m->n_tone_hz;
	for (size_t i = 0; i < m->n_tone_hz; i++)
		p.tone_hz[i] = m->tone_hz[i];
	if (!(p.level_dbfs >= -120.0 && p.level_dbfs <= 0.0))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "inject: level %g dBFS out of range -120..0", p.level_dbfs);
	if (m->has_channel_mask && m->channel_mask >> engine_channels(rq->engine))
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "inject: channel_mask 0x%x selects a channel beyond the %u radiod has",
			    m->channel_mask, engine_channels(rq->engine));
	r = engine_inject(rq->engine, &p, m->has_channel_mask ? m->channel_mask : 0, replace, &err);
	if (r < 0)
		return fail_errno(rq, "inject", r, err);
	return &rq->sm;
}

static Radio__ServerMessage *do_subscribe(struct requests *rq, struct control_peer *peer,
					  const Radio__Subscribe *m)
{
	uint32_t interval = m->has_interval_ms ? m->interval_ms : 1000;

	if (interval < 20 || interval > 60000)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "subscribe: interval %u ms out of range 20..60000", interval);
	control_subscribe(peer, m->has_stats && m->stats, m->has_meters && m->meters,
			  m->has_spectrum && m->spectrum, interval);
	return &rq->sm;
}

/* OK may carry a note: the keys that wait for a restart. */
static Radio__ServerMessage *do_reload(struct requests *rq, struct control_peer *peer)
{
	char msg[sizeof rq->message - 32];

	if (!rq->reload)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			    "reload_config: radiod runs without a configuration file (-c)");
	msg[0] = '\0';
	if (rq->reload(rq->reload_arg, peer, msg, sizeof msg) < 0)
		return fail(rq, RADIO__STATUS__CODE__INVALID_ARGUMENT, "reload_config: %s", msg);
	snprintf(rq->message, sizeof rq->message, "%s", msg);
	return &rq->sm;
}

/* --------------------------------------------------------------- presets */

static Radio__Presets *presets_body(struct requests *rq)
{
	const struct state_presets *ps = persist_presets(rq->persist);
	struct presets_body *b = &rq->presets;

	radio__presets__init(&b->presets);
	for (uint32_t i = 0; i < ps->n; i++) {
		Radio__Preset *w = &b->preset[i];

		radio__preset__init(w);
		w->name = (char *)ps->preset[i].name;
		w->eq = eq_fill(&b->eq[i], b->band[i], b->band_p[i], &ps->preset[i].eq);
		/* A preset holds no bypass switch (daemon/persist.h). */
		w->eq->has_bypass = false;
		b->preset_p[i] = w;
	}
	b->presets.n_preset = ps->n;
	b->presets.preset = b->preset_p;
	b->presets.active = (char *)persist_active_preset(rq->persist);
	return &b->presets;
}

/* Save, load, list and delete (daemon/persist.h has the rules). */
static Radio__ServerMessage *do_preset(struct requests *rq, const Radio__Request *req)
{
	Radio__Status__Code code = RADIO__STATUS__CODE__INTERNAL;	/* a file error */
	const char *what;
	char err[256];
	int r;

	if (!rq->persist)
		return fail(rq, RADIO__STATUS__CODE__UNAVAILABLE, "presets: radiod keeps no state");
	switch (req->body_case) {
	case RADIO__REQUEST__BODY_SAVE_PRESET:
		what = "save_preset";
		r = persist_save_preset(rq->persist, req->save_preset->name, err, sizeof err);
		break;
	case RADIO__REQUEST__BODY_LOAD_PRESET:
		what = "load_preset";
		r = persist_load_preset(rq->persist, req->load_preset->name, err, sizeof err);
		if (r == 0)
			return reply_eq(rq);
		break;
	case RADIO__REQUEST__BODY_DELETE_PRESET:
		what = "delete_preset";
		r = persist_delete_preset(rq->persist, req->delete_preset->name, err, sizeof err);
		break;
	default:
		rq->reply.body_case = RADIO__REPLY__BODY_PRESETS;
		rq->reply.presets = presets_body(rq);
		return &rq->sm;
	}
	if (r == 0)
		return &rq->sm;
	if (r == -EINVAL || r == -ENOENT || r == -ERANGE)
		code = RADIO__STATUS__CODE__INVALID_ARGUMENT;
	else if (r == -ENOSPC || r == -EAGAIN)
		code = RADIO__STATUS__CODE__RESOURCE_EXHAUSTED;
	return fail(rq, code, "%s: %s", what, err);
}

static void reset_stats(struct requests *rq)
{
	struct engine_meter m[ENGINE_MAX_CHANNELS];

	/* Refreshes the clipped counts the baseline takes. */
	engine_read_meters(rq->engine, m, ENGINE_MAX_CHANNELS);
	engine_stats_take(rq->engine, &rq->baseline);
	if (rq->control)
		control_get_counters(rq->control, &rq->control_baseline);
}

Radio__ServerMessage *requests_handle(void *arg, struct control_peer *peer,
				      const Radio__Request *req)
{
	struct requests *rq = arg;
	const char *err = NULL;
	char denied[256];
	int r;

	reply_start(rq, req);
	/* The one access check: every request passes here. */
	if (access_check(rq->access, control_peer_cred(peer), req, denied, sizeof denied) < 0) {
		if (rq->log)
			log_info(rq->log, "client %llu (pid %d): %s",
				 (unsigned long long)control_peer_id(peer),
				 (int)control_peer_cred(peer)->pid, denied);
		return fail(rq, RADIO__STATUS__CODE__PERMISSION_DENIED, "%s", denied);
	}
	switch (req->body_case) {
	case RADIO__REQUEST__BODY_GET_INFO:
		rq->reply.body_case = RADIO__REPLY__BODY_INFO;
		rq->reply.info = info_body(rq, &rq->r);
		return &rq->sm;
	case RADIO__REQUEST__BODY_GET_STATS:
		rq->reply.body_case = RADIO__REPLY__BODY_STATS;
		rq->reply.stats = stats_body(rq, &rq->r, req->get_stats->histograms, true,
					     req->get_stats->since_start);
		return &rq->sm;
	case RADIO__REQUEST__BODY_RESET_STATS:
		reset_stats(rq);
		return &rq->sm;
	case RADIO__REQUEST__BODY_GET_EQ:
		return reply_eq(rq);
	case RADIO__REQUEST__BODY_SET_EQ:
		return do_set_eq(rq, req->set_eq);
	case RADIO__REQUEST__BODY_SET_BAND:
		return do_set_band(rq, req->set_band);
	case RADIO__REQUEST__BODY_GET_VOLUME:
		return reply_volume(rq);
	case RADIO__REQUEST__BODY_SET_VOLUME:
		return do_set_volume(rq, req->set_volume);
	case RADIO__REQUEST__BODY_SET_MUTE:
		return do_set_mute(rq, req->set_mute);
	case RADIO__REQUEST__BODY_SET_BYPASS:
		return do_set_bypass(rq, req->set_bypass);
	case RADIO__REQUEST__BODY_INJECT_SIGNAL:
		return do_inject(rq, req->inject_signal);
	case RADIO__REQUEST__BODY_STOP_SIGNAL:
		r = engine_stop_signal(rq->engine, &err);
		return r < 0 ? fail_errno(rq, "stop", r, err) : &rq->sm;
	case RADIO__REQUEST__BODY_GET_SPECTRUM:
		rq->reply.body_case = RADIO__REPLY__BODY_SPECTRUM;
		rq->reply.spectrum = spectrum_body(rq, &rq->r);
		return &rq->sm;
	case RADIO__REQUEST__BODY_SUBSCRIBE:
		return do_subscribe(rq, peer, req->subscribe);
	case RADIO__REQUEST__BODY_UNSUBSCRIBE:
		control_subscribe(peer, false, false, false, 0);
		return &rq->sm;
	case RADIO__REQUEST__BODY_RELOAD_CONFIG:
		return do_reload(rq, peer);
	case RADIO__REQUEST__BODY_SAVE_PRESET:
	case RADIO__REQUEST__BODY_LOAD_PRESET:
	case RADIO__REQUEST__BODY_LIST_PRESETS:
	case RADIO__REQUEST__BODY_DELETE_PRESET:
		return do_preset(rq, req);
	case RADIO__REQUEST__BODY_INJECT_STREAM:
	case RADIO__REQUEST__BODY_INJECT_AUDIO:
	case RADIO__REQUEST__BODY_START_CAPTURE:
	case RADIO__REQUEST__BODY_READ_CAPTURE:
		rq->status.code = transfer_handle(rq->transfer, peer, req, &rq->reply, rq->message,
						  sizeof rq->message);
		return &rq->sm;
	default:
		return fail(rq, RADIO__STATUS__CODE__UNKNOWN_REQUEST,
			    "unknown request: no body this daemon knows (protocol version %d)",
			    RADIO__VERSION__PROTOCOL_VERSION);
	}
}

Radio__ServerMessage *requests_event(void *arg, enum control_event_kind kind)
{
	struct requests *rq = arg;
	struct event_slot *s = &rq->slot[kind];
	double t = now_s();

	if (s->built_at >= 0 && (t - s->built_at) * 1000.0 < REQUESTS_EVENT_REUSE_MS)
		return &s->sm;
	radio__server_message__init(&s->sm);
	radio__event__init(&s->ev);
	s->sm.msg_case = RADIO__SERVER_MESSAGE__MSG_EVENT;
	s->sm.event = &s->ev;
	switch (kind) {
	case CONTROL_EVENT_STATS:
		s->ev.body_case = RADIO__EVENT__BODY_STATS;
		s->ev.stats = stats_body(rq, &rq->ev, false, false, false);
		break;
	case CONTROL_EVENT_METERS:
		s->ev.body_case = RADIO__EVENT__BODY_METERS;
		s->ev.meters = meters_body(rq, &rq->ev, &rq->baseline);
		break;
	case CONTROL_EVENT_SPECTRUM:
		s->ev.body_case = RADIO__EVENT__BODY_SPECTRUM;
		s->ev.spectrum = spectrum_body(rq, &rq->ev);
		break;
	default:
		return NULL;
	}
	s->built_at = t;
	return &s->sm;
}

struct requests *requests_create(struct engine *e, const char **err)
{
	struct requests *rq = calloc(1, sizeof *rq);

	if (!rq) {
		*err = "requests: out of memory";
		return NULL;
	}
	rq->engine = e;
	rq->start = now_s();
	rq->default_access.self_uid = geteuid();
	rq->access = &rq->default_access;
	rq->config_file = "";
	rq->config_sha256 = "";
	for (int i = 0; i < 3; i++)
		rq->slot[i].built_at = -1;
	rq->transfer = transfer_create(e, err);
	if (!rq->transfer ||
	    engine_stats_init(&rq->baseline, err) < 0 || engine_stats_init(&rq->now, err) < 0 ||
	    engine_stats_init(&rq->delta, err) < 0 || engine_stats_init(&rq->origin, err) < 0) {
		requests_destroy(rq);
		return NULL;
	}
	engine_stats_take(e, &rq->baseline);
	engine_stats_take(e, &rq->origin);
	return rq;
}

void requests_destroy(struct requests *rq)
{
	if (!rq)
		return;
	engine_stats_free(&rq->baseline);
	engine_stats_free(&rq->now);
	engine_stats_free(&rq->delta);
	engine_stats_free(&rq->origin);
	transfer_destroy(rq->transfer);
	free(rq);
}

void requests_peer_closed(void *arg, struct control_peer *peer)
{
	struct requests *rq = arg;

	transfer_peer_closed(rq->transfer, peer);
}

void requests_set_access(struct requests *rq, const struct access_policy *p,
			 const struct log *lg)
{
	rq->access = p;
	rq->log = lg;
}

void requests_set_reload(struct requests *rq, const char *config_file, requests_reload_fn fn,
			 void *arg)
{
	rq->config_file = config_file ? config_file : "";
	rq->reload = fn;
	rq->reload_arg = arg;
}

void requests_set_config_hash(struct requests *rq, const char *sha256_hex)
{
	rq->config_sha256 = sha256_hex ? sha256_hex : "";
}

void requests_set_persist(struct requests *rq, struct persist *p)
{
	rq->persist = p;
}

void requests_set_control(struct requests *rq, struct control *c)
{
	rq->control = c;
	if (c) {
		control_get_counters(c, &rq->control_baseline);
		rq->control_origin = rq->control_baseline;
	}
}

const Radio__Stats *requests_stats(struct requests *rq, bool since_start)
{
	return stats_body(rq, &rq->r, true, true, since_start);
}
