#include "daemon/engine.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <fftw3.h>
#include <jack/jack.h>
#include <jack/ringbuffer.h>

#include "daemon/capture.h"
#include "daemon/inject_stream.h"
#include "libdsp/gain.h"
#include "libdsp/histogram.h"
#include "libdsp/meter.h"
#include "libdsp/rt.h"

/* Frames of test signal generated per siggen_process call: any block size
 * works, larger blocks take several passes. */
#define RT_SCRATCH_FRAMES 1024
#define DEFAULT_RATE 48000.0

enum cmd_type {
	CMD_EQ,
	CMD_VOLUME,
	CMD_MUTE,
	CMD_INJECT,
	CMD_STOP_SIGNAL,
};

/* One fixed-size command; everything in it is ready to install. */
struct engine_cmd {
	enum cmd_type type;
	union {
		struct eq_design eq;
		struct {
			double db, ramp_ms;
		} volume;
		struct {
			bool mute;
			double ramp_ms;
		} mute;
		struct {
			struct siggen gen;
			uint32_t mask;
			bool replace;
		} inject;
	} u;
};

/*
 * State only the RT thread touches while the client is active.  It reads
 * the client and its ports from here, not from struct engine: a client is
 * detached from the engine at once but closed later (engine_detach), and
 * this copy stays as it was until the next attach, which comes after that
 * close.
 */
struct rt_state {
	jack_client_t *client;
	jack_port_t *in_port[ENGINE_MAX_CHANNELS];
	jack_port_t *out_port[ENGINE_MAX_CHANNELS];
	struct engine_cmd cmd;	/* landing slot, not on the RT stack */
	struct siggen gen;
	bool inject_on;
	bool inject_replace;
	uint32_t inject_mask;
	int64_t prev_start_ns;	/* 0: no earlier callback since activation */
	uint32_t prev_frames;
	float *in[ENGINE_MAX_CHANNELS];
	float *out[ENGINE_MAX_CHANNELS];
	float scratch[RT_SCRATCH_FRAMES];
};

struct engine {
	/* control thread */
	struct config cfg;
	const struct log *log;
	enum engine_state state;
	jack_client_t *client;
	jack_port_t *in[ENGINE_MAX_CHANNELS];
	jack_port_t *out[ENGINE_MAX_CHANNELS];
	char client_name[CONFIG_NAME_MAX];
	uint32_t rate;		/* of the DSP below; 0 before the first connection */
	struct eq_params eq;	/* the settings, kept across reconnects */
	double volume_db;
	bool muted;
	uint64_t clipped_base[ENGINE_MAX_CHANNELS];	/* of meters already destroyed */
	uint64_t clipped_seen[ENGINE_MAX_CHANNELS];	/* totals at the last meter read */
	bool dropped;		/* the server shut us down: the client is dead */
	jack_ringbuffer_t *ring;
	int efd;
	/* Audio streamed in by a client, and the measurement tap: made once,
	 * reset at each attach; the RT thread uses them while active. */
	struct inject_stream *stream;
	struct capture *capture;

	/* DSP, built per connection; used by the RT thread while active */
	struct eq *dsp_eq;
	struct gain *gain;
	struct meter *meter;
	struct spectrum *spectrum;
	struct rt_state *rt;

	/* written by the RT thread, read by the control thread */
	struct histogram *h_jitter, *h_processing, *h_wakeup;
	_Atomic uint64_t callbacks, frames, liveness;
	/* Injected audio that was late: a streamed file's blocks that found
	 * its ring short (inject_stream.h); a generated signal cannot underrun. */
	_Atomic uint64_t inject_underruns;
	_Atomic uint32_t rt_rate;	/* the rate the RT thread computes periods with */

	/* written by JACK's notification thread */
	_Atomic uint64_t xruns;
	_Atomic uint32_t period;
	_Atomic unsigned events;
	char shutdown_reason[256];
};

/* ---------------------------------------------------------------- RT side */

static int64_t rt_now_ns(void) DSP_RT;
static void rt_bump(_Atomic uint64_t *c, uint64_t by) DSP_RT;
static void rt_apply_commands(struct engine *e) DSP_RT;
static void rt_inject(struct engine *e, uint32_t n_frames) DSP_RT;
static void rt_measurement_tap(struct engine *e, float *const *buf, uint32_t n_frames) DSP_RT;
static int rt_process(jack_nframes_t n_frames, void *arg) DSP_RT;

static int64_t rt_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC is served by the vDSO: no system call. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The RT thread is the only writer: load + store, no read-modify-write. */
static void rt_bump(_Atomic uint64_t *c, uint64_t by)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
			      memory_order_relaxed);
}

static void rt_apply_commands(struct engine *e)
{
	struct rt_state *rt = e->rt;
	struct engine_cmd *cmd = &rt->cmd;

	/* Bounded: the ring holds at most ENGINE_RING_COMMANDS commands. */
	while (jack_ringbuffer_read_space(e->ring) >= sizeof *cmd) {
		jack_ringbuffer_read(e->ring, (char *)cmd, sizeof *cmd);
		switch (cmd->type) {
		case CMD_EQ:
			eq_set_design(e->dsp_eq, &cmd->u.eq);
			break;
		case CMD_VOLUME:
			gain_set_volume(e->gain, cmd->u.volume.db, cmd->u.volume.ramp_ms);
			break;
		case CMD_MUTE:
			gain_set_mute(e->gain, cmd->u.mute.mute, cmd->u.mute.ramp_ms);
			break;
		case CMD_INJECT:
			rt->gen = cmd->u.inject.gen;
			rt->inject_mask = cmd->u.inject.mask;
			rt->inject_replace = cmd->u.inject.replace;
			rt->inject_on = true;
			break;
		case CMD_STOP_SIGNAL:
			rt->inject_on = false;
			break;
		}
	}
}

static void rt_inject(struct engine *e, uint32_t n_frames)
{
	struct rt_state *rt = e->rt;
	uint32_t channels = e->cfg.channels;

	if (!rt->inject_on)
		return;
	for (uint32_t done = 0; done < n_frames;) {
		uint32_t n = n_frames - done;

		if (n > RT_SCRATCH_FRAMES)
			n = RT_SCRATCH_FRAMES;
		siggen_process(&rt->gen, rt->scratch, n);
		for (uint32_t c = 0; c < channels; c++) {
			float *out = rt->out[c] + done;

			if (!(rt->inject_mask & (1u << c)))
				continue;
			if (rt->inject_replace) {
				memcpy(out, rt->scratch, n * sizeof(float));
			} else {
				for (uint32_t i = 0; i < n; i++)
					out[i] += rt->scratch[i];
			}
		}
		done += n;
	}
	if (siggen_done(&rt->gen))
		rt->inject_on = false;
}

/* Where measurement capture (a response or THD run) takes the processed
 * output. */
static void rt_measurement_tap(struct engine *e, float *const *buf, uint32_t n_frames)
{
	capture_rt_tap(e->capture, CAPTURE_AT_OUTPUT, (const float *const *)buf, n_frames);
}

static int rt_process(jack_nframes_t n_frames, void *arg)
{
	struct engine *e = arg;
	struct rt_state *rt = e->rt;
	uint32_t channels = e->cfg.channels;
	int64_t start = rt_now_ns(), end, wakeup = -1;
	jack_nframes_t cycle_frames;
	jack_time_t cycle_usecs, next_usecs;
	float period_usecs;

	if (jack_get_cycle_times(rt->client, &cycle_frames, &cycle_usecs, &next_usecs,
				 &period_usecs) == 0) {
		jack_time_t now = jack_get_time();

		wakeup = now > cycle_usecs ? (int64_t)(now - cycle_usecs) * 1000 : 0;
	}

	rt_apply_commands(e);

	for (uint32_t c = 0; c < channels; c++) {
		rt->in[c] = jack_port_get_buffer(rt->in_port[c], n_frames);
		rt->out[c] = jack_port_get_buffer(rt->out_port[c], n_frames);
		/* Processing runs in place on the output buffers. */
		if (rt->out[c] != rt->in[c])
			memcpy(rt->out[c], rt->in[c], n_frames * sizeof(float));
	}
	/* The input as it came: an input port fed by our own output (a
	 * latency loop) may share that port's buffer, so before anything is
	 * written to the outputs. */
	capture_rt_tap(e->capture, CAPTURE_AT_INPUT, (const float *const *)rt->out, n_frames);
	rt_inject(e, n_frames);
	rt_bump(&e->inject_underruns,
		inject_stream_process(e->stream, rt->out, n_frames));
	capture_rt_tap(e->capture, CAPTURE_AT_CHAIN, (const float *const *)rt->out, n_frames);
	eq_process(e->dsp_eq, (const float *const *)rt->out, rt->out, n_frames);
	gain_process(e->gain, rt->out, n_frames);
	meter_process(e->meter, (const float *const *)rt->out, n_frames);
	spectrum_process(e->spectrum, (const float *const *)rt->out, n_frames);
	rt_measurement_tap(e, rt->out, n_frames);

	end = rt_now_ns();
	if (rt->prev_start_ns) {
		uint32_t rate = atomic_load_explicit(&e->rt_rate, memory_order_relaxed);
		int64_t nominal = (int64_t)((uint64_t)rt->prev_frames * 1000000000u / rate);

		histogram_record(e->h_jitter, start - rt->prev_start_ns - nominal);
	}
	rt->prev_start_ns = start;
	rt->prev_frames = n_frames;
	histogram_record(e->h_processing, end - start);
	if (wakeup >= 0)
		histogram_record(e->h_wakeup, wakeup);
	rt_bump(&e->callbacks, 1);
	rt_bump(&e->frames, n_frames);
	atomic_store_explicit(&e->liveness,
			      atomic_load_explicit(&e->liveness, memory_order_relaxed) + 1,
			      memory_order_release);
	return 0;
}

/* ------------------------------------------- JACK's notification thread */

static void wake_control(struct engine *e, unsigned bits)
{
	uint64_t one = 1;
	ssize_t w;

	atomic_fetch_or_explicit(&e->events, bits, memory_order_release);
	/* An eventfd write only fails when the counter would overflow, and
	 * then the control thread is already woken. */
	w = write(e->efd, &one, sizeof one);
	(void)w;
}

static int on_xrun(void *arg)
{
	struct engine *e = arg;

	atomic_fetch_add_explicit(&e->xruns, 1, memory_order_relaxed);
	return 0;
}

/* Async-signal-safe, as JACK asks: plain stores, an atomic, write(2). */
static void on_shutdown(jack_status_t code, const char *reason, void *arg)
{
	struct engine *e = arg;
	size_t i = 0;

	(void)code;
	if (!(atomic_load_explicit(&e->events, memory_order_relaxed) & ENGINE_EV_SHUTDOWN)) {
		for (; reason && reason[i] && i < sizeof e->shutdown_reason - 1; i++)
			e->shutdown_reason[i] = reason[i];
		e->shutdown_reason[i] = '\0';
	}
	wake_control(e, ENGINE_EV_SHUTDOWN);
}

static int on_sample_rate(jack_nframes_t rate, void *arg)
{
	struct engine *e = arg;

	if (rate != atomic_load_explicit(&e->rt_rate, memory_order_relaxed))
		wake_control(e, ENGINE_EV_RATE);
	return 0;
}

/* Nothing in the chain depends on the period: record it and tell. */
static int on_buffer_size(jack_nframes_t frames, void *arg)
{
	struct engine *e = arg;

	if (atomic_exchange_explicit(&e->period, frames, memory_order_relaxed) != frames)
		wake_control(e, ENGINE_EV_BUFSIZE);
	return 0;
}

/* ---------------------------------------------------------- control side */

static void destroy_dsp(struct engine *e)
{
	if (e->meter) {
		struct meter_reading r[ENGINE_MAX_CHANNELS];
		uint32_t n = meter_read(e->meter, r, ENGINE_MAX_CHANNELS);

		for (uint32_t c = 0; c < n; c++)
			e->clipped_base[c] += r[c].clipped;
	}
	eq_destroy(e->dsp_eq);
	gain_destroy(e->gain);
	meter_destroy(e->meter);
	spectrum_destroy(e->spectrum);
	e->dsp_eq = NULL;
	e->gain = NULL;
	e->meter = NULL;
	e->spectrum = NULL;
}

static int build_dsp(struct engine *e, uint32_t rate, const char **err)
{
	uint32_t ch = e->cfg.channels;

	destroy_dsp(e);
	e->dsp_eq = eq_create(ch, rate, EQ_DEFAULT_RAMP_MS, err);
	if (!e->dsp_eq)
		return -EINVAL;
	e->gain = gain_create(ch, rate, err);
	if (!e->gain)
		return -EINVAL;
	e->meter = meter_create(ch, rate, 0, err);
	if (!e->meter)
		return -EINVAL;
	/* Measured planning: the fastest transform for this CPU, from the
	 * wisdom engine_open_client() or the state directory left
	 * (daemon/wisdom.h), so well under a millisecond here. */
	struct spectrum_config sc;
	int64_t t0 = rt_now_ns();

	spectrum_config_default(&sc);
	sc.measure_fft = true;
	e->spectrum = spectrum_create(ch, rate, &sc, err);
	if (!e->spectrum)
		return -EINVAL;
	double ms = (double)(rt_now_ns() - t0) / 1e6;

	if (ms >= 20.0)
		log_info(e->log, "spectrum: its transform planned by measurement in %.0f ms", ms);
	else
		log_debug(e->log, "spectrum: its transform planned in %.1f ms", ms);
	e->rate = rate;
	return 0;
}

/*
 * The kept EQ at a rate it may not fit (a band above 0.49 x rate after a
 * rate change): such bands are pulled down to the limit for this design
 * only, so the user's settings survive a later return to the old rate.
 */
static int design_for_rate(struct engine *e, struct eq_design *d, const char **err)
{
	struct eq_params p = e->eq;
	double top = EQ_FREQ_MAX_OF_RATE * e->rate;

	for (uint32_t b = 0; b < p.n_bands; b++) {
		if (p.band[b].freq > top) {
			log_warning(e->log, "eq band %u at %g Hz does not fit %u Hz: using %g Hz",
				    b, p.band[b].freq, e->rate, top);
			p.band[b].freq = top;
		}
	}
	return eq_design(d, &p, e->rate, err);
}

/*
 * A new eq glides from flat to its first design like to any other: that
 * glide is run here on silence, before activation, so the first block
 * already has the user's EQ.  The filters' memory stays zero (silence in,
 * silence out): nothing is left to ring.
 */
static int settle_eq(struct eq *eq, uint32_t channels, uint32_t rate, const char **err)
{
	/* Twice the glide: it is rounded up to whole groups of frames. */
	uint32_t left = (uint32_t)ceil(2.0 * EQ_DEFAULT_RAMP_MS * rate / 1000.0);
	float *buf = calloc((size_t)channels * RT_SCRATCH_FRAMES, sizeof(float));
	float *ch[ENGINE_MAX_CHANNELS];

	if (!buf) {
		*err = "eq: out of memory";
		return -ENOMEM;
	}
	for (uint32_t c = 0; c < channels; c++)
		ch[c] = buf + (size_t)c * RT_SCRATCH_FRAMES;
	while (left) {
		uint32_t n = left < RT_SCRATCH_FRAMES ? left : RT_SCRATCH_FRAMES;

		eq_process(eq, (const float *const *)ch, ch, n);
		left -= n;
	}
	free(buf);
	return 0;
}

static int install_settings(struct engine *e, const char **err)
{
	struct eq_design d;
	int r = design_for_rate(e, &d, err);

	if (r < 0)
		return r;
	/* No RT thread yet: the calls below run before activation. */
	if (eq_set_design(e->dsp_eq, &d) < 0) {
		*err = "eq: the design is unstable";
		return -EINVAL;
	}
	r = settle_eq(e->dsp_eq, e->cfg.channels, e->rate, err);
	if (r < 0)
		return r;
	if (e->muted)
		gain_set_mute(e->gain, true, 0);
	/* The gain starts silent: this fades in, no pop at ignition nor when
	 * JACK comes back. */
	gain_set_volume(e->gain, e->volume_db, ENGINE_FADE_IN_MS);
	return 0;
}

static void autoconnect_side(struct engine *e, bool input)
{
	jack_port_t **own = input ? e->in : e->out;
	uint32_t n_named = input ? e->cfg.n_connect_in : e->cfg.n_connect_out;
	const char **found = NULL;

	if (n_named == 0) {
		unsigned long flags = JackPortIsPhysical | (input ? JackPortIsOutput : JackPortIsInput);

		found = jack_get_ports(e->client, NULL, JACK_DEFAULT_AUDIO_TYPE, flags);
		if (!found) {
			log_warning(e->log, "autoconnect: no physical %s ports",
				    input ? "capture" : "playback");
			return;
		}
	}
	for (uint32_t c = 0; c < e->cfg.channels; c++) {
		const char *other = n_named ? (c < n_named ? (input ? e->cfg.connect_in[c]
								    : e->cfg.connect_out[c])
						       : NULL)
					    : found[c];
		const char *mine = jack_port_name(own[c]);
		int r;

		if (!other)
			break;
		r = input ? jack_connect(e->client, other, mine) : jack_connect(e->client, mine, other);
		if (r != 0 && r != EEXIST)
			log_warning(e->log, "autoconnect: cannot connect %s to %s",
				    input ? other : mine, input ? mine : other);
		else
			log_debug(e->log, "autoconnect: %s -> %s", input ? other : mine,
				  input ? mine : other);
	}
	jack_free(found);
}

static const char *jack_status_str(jack_status_t st)
{
	if (st & JackServerFailed)
		return "no JACK server is running under that name";
	if (st & JackVersionError)
		return "the JACK server speaks another protocol version";
	if (st & JackNameNotUnique)
		return "the client name is taken";
	if (st & JackShmFailure)
		return "cannot access JACK's shared memory";
	if (st & JackInitFailure)
		return "JACK could not initialise the client";
	return "jack_client_open failed";
}

jack_client_t *engine_open_client(const char *server, const char *name, char *err,
				  size_t err_len, int *r)
{
	jack_options_t opts = JackNoStartServer;
	jack_status_t st = 0;
	jack_client_t *client;

	if (server && server[0])
		client = jack_client_open(name, opts | JackServerName, &st, server);
	else
		client = jack_client_open(name, opts, &st);
	if (!client) {
		snprintf(err, err_len, "cannot join JACK server '%s': %s (status 0x%x)",
			 server && server[0] ? server : "default", jack_status_str(st),
			 (unsigned)st);
		*r = st & JackServerFailed ? -ECONNREFUSED : -EIO;
		return NULL;
	}
	/* Here, off the control thread, the spectrum's transform is planned
	 * by measurement (the first time in a process without wisdom: about
	 * 200 ms), so that build_dsp() on the control thread plans it from
	 * the wisdom in microseconds.  Out of memory here only moves the
	 * measuring there. */
	spectrum_plan_ahead();
	return client;
}

int engine_attach(struct engine *e, jack_client_t *client, char *err, size_t err_len)
{
	const char *why = NULL;
	char name[32];
	int r;

	if (e->client) {
		snprintf(err, err_len, "already joined to a JACK server");
		jack_client_close(client);
		return -EISCONN;
	}
	e->client = client;
	snprintf(e->client_name, sizeof e->client_name, "%s", jack_get_client_name(e->client));

	uint32_t rate = jack_get_sample_rate(e->client);

	r = build_dsp(e, rate, &why);
	if (r == 0)
		r = install_settings(e, &why);
	if (r < 0) {
		snprintf(err, err_len, "cannot set up the DSP at %u Hz: %s", rate,
			 why ? why : "error");
		goto fail;
	}
	memset(e->rt, 0, sizeof *e->rt);
	e->rt->client = e->client;
	jack_ringbuffer_reset(e->ring);
	inject_stream_reset(e->stream);
	capture_reset(e->capture);
	atomic_store_explicit(&e->rt_rate, rate, memory_order_relaxed);
	atomic_store_explicit(&e->period, jack_get_buffer_size(e->client), memory_order_relaxed);
	atomic_store_explicit(&e->events, 0, memory_order_relaxed);
	e->shutdown_reason[0] = '\0';

	for (uint32_t c = 0; c < e->cfg.channels; c++) {
		snprintf(name, sizeof name, "in_%u", c + 1);
		e->in[c] = jack_port_register(e->client, name, JACK_DEFAULT_AUDIO_TYPE,
					      JackPortIsInput, 0);
		snprintf(name, sizeof name, "out_%u", c + 1);
		e->out[c] = jack_port_register(e->client, name, JACK_DEFAULT_AUDIO_TYPE,
					       JackPortIsOutput, 0);
		if (!e->in[c] || !e->out[c]) {
			snprintf(err, err_len, "cannot register JACK port %s", name);
			r = -EIO;
			goto fail;
		}
		e->rt->in_port[c] = e->in[c];
		e->rt->out_port[c] = e->out[c];
	}
	if (jack_set_process_callback(e->client, rt_process, e) ||
	    jack_set_xrun_callback(e->client, on_xrun, e) ||
	    jack_set_sample_rate_callback(e->client, on_sample_rate, e) ||
	    jack_set_buffer_size_callback(e->client, on_buffer_size, e)) {
		snprintf(err, err_len, "cannot set the JACK callbacks");
		r = -EIO;
		goto fail;
	}
	jack_on_info_shutdown(e->client, on_shutdown, e);
	if (jack_activate(e->client)) {
		snprintf(err, err_len, "cannot activate the JACK client");
		r = -EIO;
		goto fail;
	}
	e->state = ENGINE_RUNNING;
	if (e->cfg.autoconnect) {
		autoconnect_side(e, true);
		autoconnect_side(e, false);
	}
	return 0;

fail:
	jack_client_close(e->client);
	e->client = NULL;
	e->state = ENGINE_DISCONNECTED;
	return r;
}

jack_client_t *engine_detach(struct engine *e)
{
	jack_client_t *client = e->client;

	if (client) {
		/* A client the server already dropped has no graph to leave. */
		if (!e->dropped)
			jack_deactivate(client);
		e->client = NULL;
		memset(e->in, 0, sizeof e->in);
		memset(e->out, 0, sizeof e->out);
	}
	e->dropped = false;
	if (e->state != ENGINE_STOPPING)
		e->state = ENGINE_DISCONNECTED;
	return client;
}

void engine_disconnect(struct engine *e)
{
	jack_client_t *client = engine_detach(e);

	if (client)
		jack_client_close(client);
}

void engine_stop(struct engine *e)
{
	e->state = ENGINE_STOPPING;
	engine_disconnect(e);
}

struct engine *engine_create(const struct config *cfg, const struct log *lg, const char **err)
{
	struct engine *e = calloc(1, sizeof *e);

	if (!e) {
		*err = "engine: out of memory";
		return NULL;
	}
	/* FFTW's planner runs on two threads here (engine_open_client() on
	 * the connector's, build_dsp() and destroy_dsp() on the control
	 * thread); this makes its calls take turns.  fftwf_execute() on the
	 * RT thread is not a planner call and takes no lock. */
	fftwf_make_planner_thread_safe();
	e->cfg = *cfg;
	e->log = lg;
	e->state = ENGINE_STARTING;
	e->efd = -1;
	if (cfg->channels < 1 || cfg->channels > ENGINE_MAX_CHANNELS) {
		*err = "engine: channels must be 1..8";
		goto fail;
	}
	if (cfg->eq_bands < 1 || cfg->eq_bands > EQ_MAX_BANDS) {
		*err = "engine: eq_bands must be 1..16";
		goto fail;
	}
	eq_params_default(&e->eq, cfg->eq_bands);
	e->volume_db = cfg->volume_db;
	e->rt = calloc(1, sizeof *e->rt);
	e->ring = jack_ringbuffer_create(ENGINE_RING_COMMANDS * sizeof(struct engine_cmd) + 1);
	e->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!e->rt || !e->ring || e->efd < 0) {
		*err = "engine: out of memory or file descriptors";
		goto fail;
	}
	/* Best effort: with mlockall in force this is already done. */
	jack_ringbuffer_mlock(e->ring);
	e->h_jitter = histogram_create(true, err);
	if (!e->h_jitter)
		goto fail;
	e->h_processing = histogram_create(false, err);
	if (!e->h_processing)
		goto fail;
	e->h_wakeup = histogram_create(false, err);
	if (!e->h_wakeup)
		goto fail;
	e->stream = inject_stream_create(cfg->channels, err);
	if (!e->stream)
		goto fail;
	e->capture = capture_create(cfg->channels, err);
	if (!e->capture)
		goto fail;
	return e;

fail:
	engine_destroy(e);
	return NULL;
}

void engine_destroy(struct engine *e)
{
	if (!e)
		return;
	engine_stop(e);
	destroy_dsp(e);
	histogram_destroy(e->h_jitter);
	histogram_destroy(e->h_processing);
	histogram_destroy(e->h_wakeup);
	inject_stream_destroy(e->stream);
	capture_destroy(e->capture);
	if (e->ring)
		jack_ringbuffer_free(e->ring);
	if (e->efd >= 0)
		close(e->efd);
	free(e->rt);
	free(e);
}

enum engine_state engine_state(const struct engine *e)
{
	return e->state;
}

uint32_t engine_channels(const struct engine *e)
{
	return e->cfg.channels;
}

const char *engine_state_name(enum engine_state s)
{
	switch (s) {
	case ENGINE_STARTING:
		return "starting";
	case ENGINE_RUNNING:
		return "running";
	case ENGINE_DISCONNECTED:
		return "disconnected";
	case ENGINE_STOPPING:
		return "stopping";
	}
	return "unknown";
}

int engine_notify_fd(const struct engine *e)
{
	return e->efd;
}

unsigned engine_take_events(struct engine *e, char *reason, size_t reason_len)
{
	uint64_t v;
	unsigned bits;

	if (read(e->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		return 0;
	bits = atomic_exchange_explicit(&e->events, 0, memory_order_acquire);
	if (bits & ENGINE_EV_SHUTDOWN) {
		e->dropped = e->client != NULL;
		if (reason && reason_len)
			snprintf(reason, reason_len, "%s",
				 e->shutdown_reason[0] ? e->shutdown_reason : "no reason given");
	}
	return bits;
}

uint64_t engine_liveness(const struct engine *e)
{
	return atomic_load_explicit(&e->liveness, memory_order_acquire);
}

uint64_t engine_xruns(const struct engine *e)
{
	return atomic_load_explicit(&e->xruns, memory_order_relaxed);
}

static void policy_name(int policy, char *buf, size_t len)
{
	const char *s;

	switch (policy) {
	case SCHED_FIFO:
		s = "SCHED_FIFO";
		break;
	case SCHED_RR:
		s = "SCHED_RR";
		break;
	case SCHED_OTHER:
		s = "SCHED_OTHER";
		break;
#ifdef SCHED_BATCH
	case SCHED_BATCH:
		s = "SCHED_BATCH";
		break;
#endif
#ifdef SCHED_IDLE
	case SCHED_IDLE:
		s = "SCHED_IDLE";
		break;
#endif
	default:
		snprintf(buf, len, "policy %d", policy);
		return;
	}
	snprintf(buf, len, "%s", s);
}

void engine_get_info(struct engine *e, struct engine_info *info)
{
	memset(info, 0, sizeof *info);
	info->state = e->state;
	snprintf(info->server, sizeof info->server, "%s",
		 e->cfg.server[0] ? e->cfg.server : "default");
	snprintf(info->client_name, sizeof info->client_name, "%s",
		 e->client_name[0] ? e->client_name : e->cfg.client_name);
	info->jack_version = jack_get_version_string();
	info->sample_rate = e->rate;
	info->period_frames = atomic_load_explicit(&e->period, memory_order_relaxed);
	info->channels = e->cfg.channels;
	info->eq_bands = e->eq.n_bands;
	if (e->client && e->state == ENGINE_RUNNING) {
		jack_native_thread_t t = jack_client_thread_id(e->client);
		struct sched_param sp;
		int policy;

		if (t && pthread_getschedparam(t, &policy, &sp) == 0) {
			policy_name(policy, info->rt.policy, sizeof info->rt.policy);
			info->rt.priority = sp.sched_priority;
		}
		info->rt.realtime = jack_is_realtime(e->client) != 0;
		info->dsp_load_percent = jack_cpu_load(e->client);
	}
}

double engine_validation_rate(const struct engine *e)
{
	return e->rate ? e->rate : DEFAULT_RATE;
}

double engine_default_ramp_ms(const struct engine *e)
{
	return e->cfg.ramp_ms;
}

void engine_set_default_ramp_ms(struct engine *e, double ramp_ms)
{
	e->cfg.ramp_ms = ramp_ms;
}

/* Queues cmd when running.  0, or -EAGAIN when the ring is full. */
static int push(struct engine *e, const struct engine_cmd *cmd)
{
	if (e->state != ENGINE_RUNNING)
		return 0;
	if (jack_ringbuffer_write_space(e->ring) < sizeof *cmd)
		return -EAGAIN;
	jack_ringbuffer_write(e->ring, (const char *)cmd, sizeof *cmd);
	return 0;
}

void engine_get_eq(const struct engine *e, struct eq_params *p)
{
	*p = e->eq;
}

int engine_set_eq(struct engine *e, const struct eq_params *p, const char **err)
{
	struct engine_cmd local = {.type = CMD_EQ};
	int r;

	r = eq_design(&local.u.eq, p, engine_validation_rate(e), err);
	if (r < 0)
		return r;
	r = push(e, &local);
	if (r < 0) {
		*err = "the command queue is full; retry";
		return r;
	}
	e->eq = *p;
	return 0;
}

void engine_get_volume(const struct engine *e, double *db, bool *muted)
{
	*db = e->volume_db;
	*muted = e->muted;
}

int engine_set_volume(struct engine *e, double db, double ramp_ms, const char **err)
{
	struct engine_cmd cmd = {.type = CMD_VOLUME};
	int r;

	if (ramp_ms < 0)
		ramp_ms = e->cfg.ramp_ms;
	if (!(db >= GAIN_MIN_DB && db <= GAIN_MAX_DB)) {
		*err = "volume must be -120 .. +12 dB";
		return -ERANGE;
	}
	if (!(ramp_ms <= GAIN_MAX_RAMP_MS)) {
		*err = "volume ramp must be 0 .. 10000 ms";
		return -ERANGE;
	}
	cmd.u.volume.db = db;
	cmd.u.volume.ramp_ms = ramp_ms;
	r = push(e, &cmd);
	if (r < 0) {
		*err = "the command queue is full; retry";
		return r;
	}
	e->volume_db = db;
	return 0;
}

int engine_set_mute(struct engine *e, bool mute, const char **err)
{
	struct engine_cmd cmd = {.type = CMD_MUTE};
	int r;

	cmd.u.mute.mute = mute;
	cmd.u.mute.ramp_ms = e->cfg.ramp_ms;
	r = push(e, &cmd);
	if (r < 0) {
		*err = "the command queue is full; retry";
		return r;
	}
	e->muted = mute;
	return 0;
}

int engine_inject(struct engine *e, const struct siggen_params *p, uint32_t mask,
		  bool replace, const char **err)
{
	struct engine_cmd cmd = {.type = CMD_INJECT};
	uint32_t all = (1u << e->cfg.channels) - 1;
	int r;

	if (e->state != ENGINE_RUNNING) {
		*err = "the engine is not running (JACK is away)";
		return -ENOTCONN;
	}
	if (mask == 0)
		mask = all;
	if (mask & ~all) {
		*err = "channel_mask selects a channel radiod does not have";
		return -ERANGE;
	}
	r = siggen_init(&cmd.u.inject.gen, p, e->rate, err);
	if (r < 0)
		return r;
	cmd.u.inject.mask = mask;
	cmd.u.inject.replace = replace;
	r = push(e, &cmd);
	/* The signal plays in place of a streamed file. */
	if (r == 0)
		r = inject_stream_stop(e->stream, INJECT_STREAM_STOPPED);
	if (r < 0)
		*err = "the command queue is full; retry";
	return r;
}

int engine_stop_signal(struct engine *e, const char **err)
{
	struct engine_cmd cmd = {.type = CMD_STOP_SIGNAL};
	int r = push(e, &cmd);

	if (r == 0)
		r = inject_stream_stop(e->stream, INJECT_STREAM_STOPPED);
	if (r < 0)
		*err = "the command queue is full; retry";
	return r;
}

uint32_t engine_read_meters(struct engine *e, struct engine_meter *m, uint32_t n)
{
	struct meter_reading r[ENGINE_MAX_CHANNELS];
	uint32_t ch = e->cfg.channels < n ? e->cfg.channels : n;
	uint32_t got = e->meter ? meter_read(e->meter, r, ch) : 0;

	for (uint32_t c = 0; c < ch; c++) {
		if (c < got) {
			m[c].peak_dbfs = r[c].peak_dbfs;
			m[c].rms_dbfs = r[c].rms_dbfs;
			m[c].clipped = e->clipped_base[c] + r[c].clipped;
		} else {
			m[c].peak_dbfs = METER_FLOOR_DB;
			m[c].rms_dbfs = METER_FLOOR_DB;
			m[c].clipped = e->clipped_base[c];
		}
		e->clipped_seen[c] = m[c].clipped;
	}
	return ch;
}

struct inject_stream *engine_inject_stream(struct engine *e)
{
	return e->stream;
}

struct capture *engine_capture(struct engine *e)
{
	return e->capture;
}

bool engine_read_spectrum(struct engine *e, struct spectrum_frame *out)
{
	if (!e->spectrum) {
		memset(out, 0, sizeof *out);
		for (int b = 0; b < SPECTRUM_BANDS; b++) {
			out->band_db[b] = SPECTRUM_FLOOR_DB;
			out->peak_db[b] = SPECTRUM_FLOOR_DB;
		}
		return false;
	}
	return spectrum_read(e->spectrum, out);
}

int engine_stats_init(struct engine_stats *s, const char **err)
{
	memset(s, 0, sizeof *s);
	s->jitter = histogram_snapshot_create(true, err);
	s->processing = histogram_snapshot_create(false, err);
	s->wakeup = histogram_snapshot_create(false, err);
	if (!s->jitter || !s->processing || !s->wakeup) {
		engine_stats_free(s);
		return -ENOMEM;
	}
	return 0;
}

void engine_stats_free(struct engine_stats *s)
{
	histogram_snapshot_destroy(s->jitter);
	histogram_snapshot_destroy(s->processing);
	histogram_snapshot_destroy(s->wakeup);
	s->jitter = s->processing = s->wakeup = NULL;
}

void engine_stats_take(struct engine *e, struct engine_stats *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->time_s = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
	s->n.callbacks = atomic_load_explicit(&e->callbacks, memory_order_relaxed);
	s->n.frames = atomic_load_explicit(&e->frames, memory_order_relaxed);
	s->n.xruns = atomic_load_explicit(&e->xruns, memory_order_relaxed);
	s->n.inject_underruns = atomic_load_explicit(&e->inject_underruns, memory_order_relaxed);
	/* A copy racing the writer (-EAGAIN) is still monotonic: good enough. */
	histogram_snapshot_take(e->h_jitter, s->jitter);
	histogram_snapshot_take(e->h_processing, s->processing);
	histogram_snapshot_take(e->h_wakeup, s->wakeup);
	for (uint32_t c = 0; c < ENGINE_MAX_CHANNELS; c++)
		s->n.clipped[c] = e->clipped_seen[c];
}

int engine_stats_delta(struct engine_stats *out, const struct engine_stats *newer,
		       const struct engine_stats *older)
{
	int r = histogram_snapshot_delta(out->jitter, newer->jitter, older->jitter);

	if (r == 0)
		r = histogram_snapshot_delta(out->processing, newer->processing, older->processing);
	if (r == 0)
		r = histogram_snapshot_delta(out->wakeup, newer->wakeup, older->wakeup);
	out->time_s = newer->time_s - older->time_s;
	out->n.callbacks = newer->n.callbacks - older->n.callbacks;
	out->n.frames = newer->n.frames - older->n.frames;
	out->n.xruns = newer->n.xruns - older->n.xruns;
	out->n.inject_underruns = newer->n.inject_underruns - older->n.inject_underruns;
	for (uint32_t c = 0; c < ENGINE_MAX_CHANNELS; c++)
		out->n.clipped[c] = newer->n.clipped[c] - older->n.clipped[c];
	return r;
}
