/*
 * cmd_measure.c - radioctl measure thd|response|latency: play a test signal
 * in radiod, record what its chain makes of it with radiod's measurement
 * tap (StartCapture / ReadCapture), and analyse the recording here with
 * libdsp (analysis.h) and clients/measure.h.
 *
 * Every measurement replaces the selected channel's input with its signal
 * (InjectSignal mode REPLACE) and stops the signal when it is done, also
 * when it fails or is interrupted, so nothing keeps playing.
 */
#include "clients/ctl.h"
#include "clients/ctl_term.h"
#include "clients/measure.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libdsp/analysis.h"
#include "libdsp/eq.h"

/* Frames per ReadCapture (radiod sends at most 32768). */
#define READ_FRAMES 32768u
/* How long the chain gets to settle after the signal starts: longer than
 * the EQ's 20 ms coefficient ramp and radiod's default 50 ms volume ramp. */
#define SETTLE_S 0.1
#define POLL_MS 20
#define MAX_POINTS 512
/* A recording's length, as StartCapture takes it. */
#define CAPTURE_MIN_FRAMES 64.0
#define CAPTURE_MAX_FRAMES 1048576.0

enum kind { THD, RESPONSE, LATENCY };

struct measure {
	struct ctl *ctl;
	struct ctl_interrupt in;
	enum kind kind;
	uint32_t channel;	/* 1-based */
	double level_dbfs;
	double freq_hz;		/* thd */
	double from_hz, to_hz;	/* response */
	long per_octave;
	double length_s;
	bool have_level, have_length, have_freq, have_from, have_to, have_per_octave;
	/* from radiod */
	uint32_t rate, period, channels;
	/* the recording */
	uint32_t n_sig, frames, skip;
	float *sig[2];
	bool signal_on;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int get_info(struct measure *m)
{
	struct ctl *ctl = m->ctl;
	Radio__Reply *reply;
	int r = radioclient_get_info(ctl->rc, &reply);

	if (r < 0)
		return ctl_client_error(ctl, r);
	m->rate = reply->info->sample_rate_hz;
	m->period = reply->info->period_frames;
	m->channels = reply->info->channels;
	r = reply->info->state == RADIO__ENGINE_STATE__STATE_RUNNING;
	radioclient_reply_free(reply);
	if (!r || !m->rate)
		return ctl_fail(ctl, CTL_REFUSED, "measure: radiod's engine is not running (JACK "
				"is away); see 'radioctl info'");
	if (m->channel > m->channels)
		return ctl_fail(ctl, CTL_USAGE, "measure: --channel %u, but radiod has %u "
				"channels", m->channel, m->channels);
	return CTL_OK;
}

static int play(struct measure *m, Radio__InjectSignal *sig)
{
	int r;

	sig->has_mode = 1;
	sig->mode = RADIO__INJECT_MODE__REPLACE;
	sig->has_channel_mask = 1;
	sig->channel_mask = 1u << (m->channel - 1);
	sig->has_level_dbfs = 1;
	sig->level_dbfs = m->level_dbfs;
	r = radioclient_inject(m->ctl->rc, sig, NULL);
	if (r < 0)
		return ctl_client_error(m->ctl, r);
	m->signal_on = true;
	return CTL_OK;
}

/* Stops the signal; keeps the first error, reports one of its own only
 * when there was none. */
static int stop(struct measure *m, int code)
{
	int r;

	if (!m->signal_on)
		return code;
	m->signal_on = false;
	r = radioclient_stop_signal(m->ctl->rc);
	if (r < 0 && code == CTL_OK)
		return ctl_client_error(m->ctl, r);
	return code;
}

/* Starts recording the n signals of points (at the measured channel) for
 * frames frames after skip frames. */
static int record_start(struct measure *m, const Radio__CapturePoint *points, uint32_t n,
			uint32_t frames, uint32_t skip)
{
	struct ctl *ctl = m->ctl;
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__StartCapture start = RADIO__START_CAPTURE__INIT;
	Radio__CaptureSignal cs[2], *cs_p[2];
	int r;

	for (uint32_t i = 0; i < n; i++) {
		radio__capture_signal__init(&cs[i]);
		cs[i].has_point = cs[i].has_channel = 1;
		cs[i].point = points[i];
		cs[i].channel = m->channel - 1;
		cs_p[i] = &cs[i];
		m->sig[i] = malloc((size_t)frames * sizeof(float));
		if (!m->sig[i])
			return ctl_fail(ctl, CTL_FAILURE, "measure: out of memory");
	}
	start.n_signal = n;
	start.signal = cs_p;
	start.has_frames = start.has_skip_frames = 1;
	start.frames = frames;
	start.skip_frames = skip;
	req.body_case = RADIO__REQUEST__BODY_START_CAPTURE;
	req.start_capture = &start;
	r = radioclient_request(ctl->rc, &req, NULL);
	if (r < 0)
		return ctl_client_error(ctl, r);
	m->n_sig = n;
	m->frames = frames;
	m->skip = skip;
	return CTL_OK;
}

/* Waits for the recording started by record_start() and reads it into
 * m->sig[]. */
static int record_collect(struct measure *m)
{
	struct ctl *ctl = m->ctl;
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__ReadCapture read = RADIO__READ_CAPTURE__INIT;
	Radio__Reply *reply = NULL;
	uint32_t n = m->n_sig, frames = m->frames;
	double deadline;
	int r;

	/* Its length, then the timeout at most. */
	deadline = mono_s() + (double)(m->skip + frames) / m->rate + ctl->timeout_ms / 1000.0;
	if (ctl_interrupt_wait(&m->in, (int)(1000.0 * (m->skip + frames) / m->rate)))
		return ctl_fail(ctl, CTL_FAILURE, "measure: interrupted; the test signal was "
				"stopped");
	req.body_case = RADIO__REQUEST__BODY_READ_CAPTURE;
	req.read_capture = &read;
	read.has_offset_frames = read.has_max_frames = 1;
	for (;;) {
		r = radioclient_request(ctl->rc, &req, &reply);
		if (r < 0)
			return ctl_client_error(ctl, r);
		if (!reply->capture) {
			radioclient_reply_free(reply);
			return ctl_fail(ctl, CTL_PROTOCOL, "read_capture: the reply carries no "
					"capture");
		}
		if (!reply->capture->done) {
			radioclient_reply_free(reply);
			if (mono_s() > deadline)
				return ctl_fail(ctl, CTL_TIMEOUT, "read_capture: the capture did not "
						"finish within %d ms of its length", ctl->timeout_ms);
			if (ctl_interrupt_wait(&m->in, POLL_MS))
				return ctl_fail(ctl, CTL_FAILURE, "measure: interrupted; the test "
						"signal was stopped");
			continue;
		}
		if (reply->capture->n_signal == 0 && read.max_frames == 0) {
			/* Done: now read it. */
			radioclient_reply_free(reply);
			read.max_frames = READ_FRAMES;
			continue;
		}
		if (reply->capture->n_signal != n) {
			radioclient_reply_free(reply);
			return ctl_fail(ctl, CTL_PROTOCOL, "read_capture: the reply carries %zu "
					"signals, not %u", reply->capture->n_signal, n);
		}
		for (uint32_t i = 0; i < n; i++) {
			const Radio__CaptureData *d = reply->capture->signal[i];

			if (d->n_sample == 0 || read.offset_frames + d->n_sample > frames ||
			    d->n_sample != reply->capture->signal[0]->n_sample) {
				radioclient_reply_free(reply);
				return ctl_fail(ctl, CTL_PROTOCOL, "read_capture: a reply with %zu "
						"samples at frame %u of %u", d->n_sample,
						read.offset_frames, frames);
			}
			memcpy(m->sig[i] + read.offset_frames, d->sample,
			       d->n_sample * sizeof(float));
		}
		read.offset_frames += (uint32_t)reply->capture->signal[0]->n_sample;
		radioclient_reply_free(reply);
		if (read.offset_frames == frames)
			return CTL_OK;
	}
}

static uint32_t frames_of(const struct measure *m, double seconds)
{
	double f = seconds * m->rate;

	return f < CAPTURE_MIN_FRAMES ? CAPTURE_MIN_FRAMES
	       : f > CAPTURE_MAX_FRAMES ? CAPTURE_MAX_FRAMES
					: (uint32_t)f;
}

/* ------------------------------------------------------------------ JSON */

/*
 * Adds what every measurement has (measurement, channel, sample_rate_hz,
 * frames) to o, which holds its own figures (NULL: out of memory), and
 * prints it.  json_pack's "o" takes a value's reference even when packing
 * fails, so nothing leaks on the way.
 */
static int json_out(struct measure *m, const char *what, json_t *o)
{
	json_t *head = json_pack("{s:s, s:I, s:I, s:I}", "measurement", what, "channel",
				 (json_int_t)m->channel, "sample_rate_hz", (json_int_t)m->rate,
				 "frames", (json_int_t)m->frames);
	int r = -ENOMEM;

	if (head && o && json_object_update(head, o) == 0)
		r = ctl_json_print(m->ctl->out, head);
	json_decref(head);
	json_decref(o);
	if (r == -ENOMEM)
		return ctl_fail(m->ctl, CTL_FAILURE, "measure: out of memory");
	if (r < 0)
		return ctl_fail(m->ctl, CTL_FAILURE, "measure: cannot write the output");
	return CTL_OK;
}

/* ----------------------------------------------------------------- THD */

static int run_thd(struct measure *m)
{
	Radio__InjectSignal sig = RADIO__INJECT_SIGNAL__INIT;
	Radio__CapturePoint at = RADIO__CAPTURE_POINT__CAPTURE_OUTPUT;
	struct thd_result res;
	const char *err = NULL;
	FILE *o = m->ctl->out;
	int r;

	if (!(m->freq_hz < 0.45 * m->rate))
		return ctl_fail(m->ctl, CTL_USAGE, "measure thd: --freq %g Hz is too high for "
				"%u Hz (below %g Hz)", m->freq_hz, m->rate, 0.45 * m->rate);
	sig.has_kind = sig.has_freq_hz = 1;
	sig.kind = RADIO__SIGNAL_KIND__SINE;
	sig.freq_hz = m->freq_hz;
	r = play(m, &sig);
	if (r == CTL_OK)
		r = record_start(m, &at, 1, frames_of(m, m->length_s),
				 (uint32_t)(SETTLE_S * m->rate));
	if (r == CTL_OK)
		r = record_collect(m);
	r = stop(m, r);
	if (r != CTL_OK)
		return r;
	if (analysis_thd(m->sig[0], m->frames, m->rate, m->freq_hz, &res, &err) < 0)
		return ctl_fail(m->ctl, CTL_FAILURE, "measure thd: no sine in the output of "
				"channel %u (%s): is it muted, or the volume at -120 dB?",
				m->channel, err);
	if (m->ctl->json)
		return json_out(m, "thd",
				json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
					  "freq_hz", ctl_json_real(m->freq_hz),
					  "level_dbfs", ctl_json_real(m->level_dbfs),
					  "fundamental_hz", ctl_json_real(res.fundamental_hz),
					  "fundamental_dbfs", ctl_json_real(res.fundamental_dbfs),
					  "thd_db", ctl_json_real(res.thd_db),
					  "thd_percent", ctl_json_real(res.thd_percent),
					  "thdn_db", ctl_json_real(res.thdn_db),
					  "snr_db", ctl_json_real(res.snr_db)));
	fprintf(o, "%-14s channel %u output, %u frames at %u Hz\n", "measured", m->channel,
		m->frames, m->rate);
	fprintf(o, "%-14s %g Hz sine at %.1f dBFS, replacing the input\n", "signal", m->freq_hz,
		m->level_dbfs);
	fprintf(o, "%-14s %.3f Hz at %.2f dBFS\n", "fundamental", res.fundamental_hz,
		res.fundamental_dbfs);
	fprintf(o, "%-14s %.1f dB (%.2g %%)\n", "THD", res.thd_db, res.thd_percent);
	fprintf(o, "%-14s %.1f dB\n", "THD+N", res.thdn_db);
	fprintf(o, "%-14s %.1f dB\n", "SNR", res.snr_db);
	return CTL_OK;
}

/* ------------------------------------------------------------ response */

static int run_response(struct measure *m)
{
	Radio__InjectSignal sig = RADIO__INJECT_SIGNAL__INIT;
	Radio__CapturePoint at[2] = { RADIO__CAPTURE_POINT__CAPTURE_CHAIN,
				      RADIO__CAPTURE_POINT__CAPTURE_OUTPUT };
	double freqs[MAX_POINTS], mag[MAX_POINTS], designed[MAX_POINTS];
	double to = m->have_to ? m->to_hz : fmin(20000.0, 0.45 * m->rate);
	double volume_db, worst = 0, worst_hz = 0;
	struct eq_design d;
	Radio__Reply *reply;
	const char *err = NULL;
	FILE *o = m->ctl->out;
	size_t n;
	bool muted;
	int r;

	if (!(to <= 0.45 * m->rate))
		return ctl_fail(m->ctl, CTL_USAGE, "measure response: --to %g Hz is too high for "
				"%u Hz (at most %g Hz)", to, m->rate, 0.45 * m->rate);
	if (!(m->from_hz < to))
		return ctl_fail(m->ctl, CTL_USAGE, "measure response: --from %g Hz is not below "
				"--to %g Hz", m->from_hz, to);
	n = measure_log_freqs(m->from_hz, to, (unsigned)m->per_octave, freqs, MAX_POINTS);

	/* What the chain should do: the EQ as designed, and the volume. */
	r = radioclient_get_eq(m->ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(m->ctl, r);
	r = measure_eq_design(reply->eq, m->rate, &d, &err);
	radioclient_reply_free(reply);
	if (r < 0)
		return ctl_fail(m->ctl, CTL_PROTOCOL, "measure response: %s", err);
	r = radioclient_get_volume(m->ctl->rc, &reply);
	if (r < 0)
		return ctl_client_error(m->ctl, r);
	volume_db = reply->volume->db;
	muted = reply->volume->muted;
	radioclient_reply_free(reply);
	if (muted)
		return ctl_fail(m->ctl, CTL_REFUSED, "measure response: radiod is muted; unmute "
				"it first ('radioctl mute off')");

	sig.has_kind = sig.has_seed = 1;
	sig.kind = RADIO__SIGNAL_KIND__WHITE_NOISE;
	sig.seed = 1;
	r = play(m, &sig);
	if (r == CTL_OK)
		r = record_start(m, at, 2, frames_of(m, m->length_s),
				 (uint32_t)(SETTLE_S * m->rate));
	if (r == CTL_OK)
		r = record_collect(m);
	r = stop(m, r);
	if (r != CTL_OK)
		return r;
	if (analysis_response(m->sig[0], m->sig[1], m->frames, m->rate, freqs, n, mag, NULL,
			      &err) < 0)
		return ctl_fail(m->ctl, CTL_FAILURE, "measure response: %s", err);
	for (size_t i = 0; i < n; i++) {
		designed[i] = eq_response(&d, m->rate, freqs[i], NULL) + volume_db;
		if (isfinite(mag[i]) && fabs(mag[i] - designed[i]) > fabs(worst)) {
			worst = mag[i] - designed[i];
			worst_hz = freqs[i];
		}
	}
	if (m->ctl->json) {
		json_t *pts = json_array();

		for (size_t i = 0; pts && i < n; i++) {
			json_t *p = json_pack("{s:o, s:o, s:o, s:o}",
					      "freq_hz", ctl_json_real(freqs[i]),
					      "measured_db", ctl_json_real(mag[i]),
					      "designed_db", ctl_json_real(designed[i]),
					      "deviation_db", ctl_json_real(mag[i] - designed[i]));

			if (json_array_append_new(pts, p) < 0) {
				json_decref(pts);
				pts = NULL;
			}
		}
		return json_out(m, "response",
				json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
					  "level_dbfs", ctl_json_real(m->level_dbfs),
					  "volume_db", ctl_json_real(volume_db),
					  "from_hz", ctl_json_real(freqs[0]),
					  "to_hz", ctl_json_real(freqs[n - 1]),
					  "max_deviation_db", ctl_json_real(worst),
					  "max_deviation_hz", ctl_json_real(worst_hz),
					  "points", pts));
	}
	fprintf(o, "%-14s channel %u, from the chain's input (before the EQ) to its output,\n"
		"%-14s white noise at %.1f dBFS RMS, %u frames at %u Hz\n", "measured", m->channel,
		"", m->level_dbfs, m->frames, m->rate);
	fprintf(o, "%-14s the EQ radiod reports, designed at %u Hz, plus the volume (%.1f dB)\n\n",
		"designed", m->rate, volume_db);
	fprintf(o, "%10s %12s %12s %13s\n", "freq Hz", "measured dB", "designed dB",
		"deviation dB");
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%10.1f %12.3f %12.3f %13.3f\n", freqs[i], mag[i], designed[i],
			mag[i] - designed[i]);
	fprintf(o, "\n%-14s %.3f dB at %.1f Hz (%.0f .. %.0f Hz)\n", "max deviation", worst,
		worst_hz, freqs[0], freqs[n - 1]);
	return CTL_OK;
}

/* ------------------------------------------------------------- latency */

static int run_latency(struct measure *m)
{
	Radio__InjectSignal sig = RADIO__INJECT_SIGNAL__INIT;
	Radio__CapturePoint at[2] = { RADIO__CAPTURE_POINT__CAPTURE_OUTPUT,
				      RADIO__CAPTURE_POINT__CAPTURE_INPUT };
	uint32_t frames = frames_of(m, m->length_s);
	double clarity, ms;
	const char *err = NULL;
	FILE *o = m->ctl->out;
	size_t lag;
	int r;

	/* The recording runs first, so it holds the impulse. */
	sig.has_kind = sig.has_freq_hz = sig.has_duration_s = 1;
	sig.kind = RADIO__SIGNAL_KIND__IMPULSE;
	sig.freq_hz = 0;
	/* Silence after the impulse for as long as the recording, so the
	 * input stays replaced and nothing circles the loop. */
	sig.duration_s = 2.0 * frames / m->rate + 1.0;
	r = record_start(m, at, 2, frames, 0);
	if (r == CTL_OK)
		r = play(m, &sig);
	if (r == CTL_OK)
		r = record_collect(m);
	r = stop(m, r);
	if (r != CTL_OK)
		return r;
	if (measure_delay(m->sig[0], m->sig[1], m->frames, &lag, &clarity, &err) < 0)
		return ctl_fail(m->ctl, CTL_FAILURE, "measure latency: %s: connect a loop from "
				"radiod's out_%u to its in_%u (jack_connect, or a cable through "
				"the sound card) and try again", err, m->channel, m->channel);
	ms = 1000.0 * (double)lag / m->rate;
	if (m->ctl->json)
		return json_out(m, "latency",
				json_pack("{s:I, s:o, s:I, s:o, s:o}",
					  "latency_frames", (json_int_t)lag,
					  "latency_ms", ctl_json_real(ms),
					  "period_frames", (json_int_t)m->period,
					  "periods", ctl_json_real(m->period ? (double)lag / m->period
									     : NAN),
					  "clarity_db", ctl_json_real(clarity)));
	fprintf(o, "%-14s %zu frames = %.3f ms", "latency", lag, ms);
	if (m->period)
		fprintf(o, " = %.2f periods of %u frames", (double)lag / m->period, m->period);
	fprintf(o, " at %u Hz\n", m->rate);
	fprintf(o, "%-14s out_%u -> outside radiod -> in_%u, an impulse at %.1f dBFS\n", "path",
		m->channel, m->channel, m->level_dbfs);
	fprintf(o, "%-14s %.1f dB (correlation peak over its RMS)\n", "clarity", clarity);
	return CTL_OK;
}

/* --------------------------------------------------------------- command */

enum {
	OPT_CHANNEL = 1, OPT_LEVEL, OPT_LENGTH, OPT_FREQ, OPT_FROM, OPT_TO, OPT_PER_OCTAVE
};

static int not_for(struct ctl *ctl, const char *option, const char *what)
{
	return ctl_fail(ctl, CTL_USAGE, "measure %s: %s does not apply (see 'radioctl measure "
			"--help')", what, option);
}

int cmd_measure(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "measure thd|response|latency [OPTIONS]";
	static const char help[] =
		"Plays a test signal in radiod on one channel (replacing its input), records\n"
		"what radiod's chain makes of it with radiod's measurement tap, and analyses\n"
		"the recording. The signal stops at the end, also after an error or Ctrl-C\n"
		"(which ends the measurement with exit status 6).\n"
		"\n"
		"  thd       a sine through the chain: THD (harmonics 2..10), THD+N and SNR\n"
		"            of the output, by least-squares sine fitting (libdsp)\n"
		"  response  white noise through the chain: its frequency response, from the\n"
		"            chain's input (before the EQ) to its output, beside the response\n"
		"            the EQ radiod reports was designed to have, plus the volume;\n"
		"            the largest deviation is the last line\n"
		"  latency   an impulse out of out_N and back into in_N, through whatever\n"
		"            connects them outside radiod: the round-trip delay in frames,\n"
		"            milliseconds and periods, as jack_iodelay measures it. Connect\n"
		"            the loop first, e.g. jack_connect radiod:out_1 radiod:in_1\n"
		"\n"
		"  --channel N      the channel measured, 1-based (default 1)\n"
		"  --level DBFS     the signal's level, -120 .. 0: a sine's and an impulse's\n"
		"                   peak (default -6), the noise's RMS (default -20)\n"
		"  --length S       seconds recorded: thd 0.5, response 131072 frames,\n"
		"                   latency 0.5 (the longest latency it finds)\n"
		"  --freq HZ        thd: the sine's frequency (default 1000; 'k' suffix: x1000)\n"
		"  --from HZ        response: the lowest frequency shown (default 20)\n"
		"  --to HZ          response: the highest (default 20k, at most 0.45 x rate)\n"
		"  --per-octave N   response: points per octave, 1 .. 48 (default 6)\n"
		"\n"
		"With --json: one document with the figures (thd: fundamental_hz, thd_db,\n"
		"thdn_db, snr_db, ...; response: points[] of freq_hz, measured_db,\n"
		"designed_db, deviation_db, and max_deviation_db; latency: latency_frames,\n"
		"latency_ms, periods).\n"
		"\n"
		"Examples: radioctl measure thd --freq 997 --level -3\n"
		"          radioctl measure response --from 100 --to 10k --json\n"
		"          jack_connect radiod:out_1 radiod:in_1 && radioctl measure latency\n";
	static const struct ctl_option opts[] = {
		{ "channel", OPT_CHANNEL, true },
		{ "level", OPT_LEVEL, true },
		{ "length", OPT_LENGTH, true },
		{ "freq", OPT_FREQ, true },
		{ "from", OPT_FROM, true },
		{ "to", OPT_TO, true },
		{ "per-octave", OPT_PER_OCTAVE, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	struct measure m = { .ctl = ctl, .channel = 1, .freq_hz = 1000, .from_hz = 20,
			     .per_octave = 6 };
	const char *val, *what = NULL;
	long ch;
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (what)
				return ctl_unexpected(ctl, val);
			what = val;
			break;
		case OPT_CHANNEL:
			if (ctl_parse_long(ctl, "--channel", val, 1, CTL_MAX_CHANNELS, &ch) != CTL_OK)
				return CTL_USAGE;
			m.channel = (uint32_t)ch;
			break;
		case OPT_LEVEL:
			if (ctl_parse_double(ctl, "--level", val, CTL_LEVEL_MIN, CTL_LEVEL_MAX,
					     &m.level_dbfs) != CTL_OK)
				return CTL_USAGE;
			m.have_level = true;
			break;
		case OPT_LENGTH:
			if (ctl_parse_double(ctl, "--length", val, 0.01, 20, &m.length_s) != CTL_OK)
				return CTL_USAGE;
			m.have_length = true;
			break;
		case OPT_FREQ:
			if (ctl_parse_freq(ctl, "--freq", val, CTL_FREQ_MIN, CTL_FREQ_MAX,
					   &m.freq_hz) != CTL_OK)
				return CTL_USAGE;
			m.have_freq = true;
			break;
		case OPT_FROM:
			if (ctl_parse_freq(ctl, "--from", val, CTL_FREQ_MIN, CTL_FREQ_MAX,
					   &m.from_hz) != CTL_OK)
				return CTL_USAGE;
			m.have_from = true;
			break;
		case OPT_TO:
			if (ctl_parse_freq(ctl, "--to", val, CTL_FREQ_MIN, CTL_FREQ_MAX, &m.to_hz) !=
			    CTL_OK)
				return CTL_USAGE;
			m.have_to = true;
			break;
		case OPT_PER_OCTAVE:
			if (ctl_parse_long(ctl, "--per-octave", val, 1, 48, &m.per_octave) != CTL_OK)
				return CTL_USAGE;
			m.have_per_octave = true;
			break;
		}
	}
	if (!what)
		return ctl_fail(ctl, CTL_USAGE, "measure: what? thd, response or latency (usage: "
				"radioctl %s)", synopsis);
	if (strcmp(what, "thd") == 0)
		m.kind = THD;
	else if (strcmp(what, "response") == 0)
		m.kind = RESPONSE;
	else if (strcmp(what, "latency") == 0)
		m.kind = LATENCY;
	else
		return ctl_fail(ctl, CTL_USAGE, "measure: '%s' is not a measurement (thd, "
				"response, latency)", what);
	if (m.have_freq && m.kind != THD)
		return not_for(ctl, "--freq", what);
	if ((m.have_from || m.have_to || m.have_per_octave) && m.kind != RESPONSE)
		return not_for(ctl, "--from, --to and --per-octave", what);
	if (!m.have_level)
		m.level_dbfs = m.kind == RESPONSE ? -20 : -6;

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	if ((r = get_info(&m)) != CTL_OK)
		return r;
	if (!m.have_length)
		m.length_s = m.kind == RESPONSE ? 131072.0 / m.rate : 0.5;
	ctl_interrupt_hold(&m.in);
	switch (m.kind) {
	case THD:
		r = run_thd(&m);
		break;
	case RESPONSE:
		r = run_response(&m);
		break;
	case LATENCY:
		r = run_latency(&m);
		break;
	}
	ctl_interrupt_release(&m.in);
	free(m.sig[0]);
	free(m.sig[1]);
	return r;
}
