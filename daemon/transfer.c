#include "daemon/transfer.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/capture.h"
#include "daemon/inject_stream.h"

struct transfer {
	struct engine *engine;

	struct control_peer *stream_owner;	/* NULL: nobody (or gone) */

	struct control_peer *capture_owner;
	uint32_t capture_job;
	uint32_t capture_frames;
	uint32_t capture_rate;
	uint32_t n_signal;
	struct capture_signal signal[CAPTURE_MAX_SIGNALS];

	/* reply bodies */
	Radio__StreamStatus status;
	Radio__Capture capture;
	Radio__CaptureData data[CAPTURE_MAX_SIGNALS];
	Radio__CaptureData *data_p[CAPTURE_MAX_SIGNALS];
};

struct transfer *transfer_create(struct engine *e, const char **err)
{
	struct transfer *t = calloc(1, sizeof *t);

	if (!t) {
		*err = "transfer: out of memory";
		return NULL;
	}
	t->engine = e;
	return t;
}

void transfer_destroy(struct transfer *t)
{
	free(t);
}

bool transfer_handles(Radio__Request__BodyCase body)
{
	return body == RADIO__REQUEST__BODY_INJECT_STREAM ||
	       body == RADIO__REQUEST__BODY_INJECT_AUDIO ||
	       body == RADIO__REQUEST__BODY_START_CAPTURE ||
	       body == RADIO__REQUEST__BODY_READ_CAPTURE;
}

static __attribute__((format(printf, 4, 5))) Radio__Status__Code
refuse(char *msg, size_t len, Radio__Status__Code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return code;
}

static bool running(const struct transfer *t)
{
	return engine_state(t->engine) == ENGINE_RUNNING;
}

static uint32_t rate_of(const struct transfer *t)
{
	return (uint32_t)engine_validation_rate(t->engine);
}

static uint32_t count_bits(uint32_t v)
{
	uint32_t n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* "client 3 (pid 1234)" */
static const char *who(const struct control_peer *p, char *buf, size_t len)
{
	snprintf(buf, len, "client %llu (pid %d)", (unsigned long long)control_peer_id(p),
		 (int)control_peer_cred(p)->pid);
	return buf;
}

/* ---------------------------------------------------------------- stream */

static Radio__StreamStatus *status_body(struct transfer *t, uint32_t accepted)
{
	struct inject_stream_status st;
	Radio__StreamStatus *w = &t->status;

	inject_stream_status(engine_inject_stream(t->engine), &st);
	radio__stream_status__init(w);
	w->has_active = w->has_ended = w->has_sample_rate_hz = w->has_channels = true;
	w->has_capacity_frames = w->has_accepted_frames = w->has_queued_frames = true;
	w->has_free_frames = w->has_played_frames = w->has_underruns = true;
	w->active = st.active;
	w->ended = (Radio__StreamEnd)st.ended;
	w->sample_rate_hz = rate_of(t);
	w->channels = st.channels;
	w->capacity_frames = st.capacity_frames;
	w->accepted_frames = accepted;
	w->queued_frames = st.queued_frames;
	w->free_frames = st.free_frames;
	w->played_frames = st.played_frames;
	w->underruns = st.underruns;
	return w;
}

static bool stream_active(struct transfer *t)
{
	struct inject_stream_status st;

	inject_stream_status(engine_inject_stream(t->engine), &st);
	return st.active;
}

static Radio__Status__Code do_inject_stream(struct transfer *t, struct control_peer *peer,
					    const Radio__InjectStream *m, Radio__Reply *reply,
					    char *msg, size_t len)
{
	uint32_t channels = engine_channels(t->engine);
	uint32_t mask = m->has_channel_mask ? m->channel_mask : 0;
	uint32_t prefill = m->has_prefill_ms ? m->prefill_ms : TRANSFER_DEFAULT_PREFILL_MS;
	bool replace = false;
	const char *err = NULL;
	char owner[64];
	int r;

	if (!running(t))
		return refuse(msg, len, RADIO__STATUS__CODE__UNAVAILABLE,
			      "inject_stream: the engine is not running (JACK is away)");
	if (stream_active(t) && t->stream_owner != peer) {
		if (t->stream_owner)
			return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
				      "inject_stream: %s is streaming audio; 'radioctl stop' "
				      "ends its stream", who(t->stream_owner, owner, sizeof owner));
		return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
			      "inject_stream: the stream of a client that left is still playing "
			      "out; retry in a moment or end it with 'radioctl stop'");
	}
	if (!m->has_channels)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_stream: channels missing");
	if (m->channels < 1 || m->channels > channels)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_stream: channels %u out of range 1..%u (radiod's channels)",
			      m->channels, channels);
	if (mask >> channels)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_stream: channel_mask 0x%x selects a channel beyond the %u "
			      "radiod has", mask, channels);
	if (m->channels > 1 && m->channels > count_bits(mask ? mask : (1u << channels) - 1))
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_stream: %u channels of audio but channel_mask 0x%x selects "
			      "only %u channels", m->channels, mask, count_bits(mask));
	if (m->has_mode) {
		if (m->mode != RADIO__INJECT_MODE__MIX && m->mode != RADIO__INJECT_MODE__REPLACE)
			return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				      "inject_stream: mode %d unknown (0 mix, 1 replace)",
				      (int)m->mode);
		replace = m->mode == RADIO__INJECT_MODE__REPLACE;
	}
	if (prefill > TRANSFER_MAX_PREFILL_MS)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_stream: prefill_ms %u out of range 0..%u", prefill,
			      TRANSFER_MAX_PREFILL_MS);
	/* A stream plays in place of the test signal, and of an earlier stream
	 * of this client (this stops both). */
	r = engine_stop_signal(t->engine, &err);
	if (r == 0)
		r = inject_stream_open(engine_inject_stream(t->engine), m->channels, mask, replace,
				       (uint32_t)((uint64_t)prefill * rate_of(t) / 1000));
	if (r == -EAGAIN)
		return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
			      "inject_stream: the command queue is full; retry");
	if (r < 0)
		return refuse(msg, len, RADIO__STATUS__CODE__INTERNAL, "inject_stream: %s",
			      err ? err : strerror(-r));
	t->stream_owner = peer;
	reply->body_case = RADIO__REPLY__BODY_STREAM;
	reply->stream = status_body(t, 0);
	return RADIO__STATUS__CODE__OK;
}

static Radio__Status__Code do_inject_audio(struct transfer *t, struct control_peer *peer,
					   const Radio__InjectAudio *m, Radio__Reply *reply,
					   char *msg, size_t len)
{
	struct inject_stream *s = engine_inject_stream(t->engine);
	struct inject_stream_status st;
	uint32_t accepted = 0;

	if (t->stream_owner != peer)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "inject_audio: no stream of yours: send inject_stream first");
	if (!running(t))
		inject_stream_stop(s, INJECT_STREAM_LOST);
	inject_stream_status(s, &st);
	if (st.active && m->n_sample) {
		if (m->n_sample % st.channels)
			return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				      "inject_audio: %zu samples are not whole frames of %u "
				      "channels", m->n_sample, st.channels);
		for (size_t i = 0; i < m->n_sample; i++)
			if (!(fabsf(m->sample[i]) <= TRANSFER_MAX_SAMPLE))
				return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
					      "inject_audio: sample %zu is %g; samples must be "
					      "finite and within +-%g", i, (double)m->sample[i],
					      (double)TRANSFER_MAX_SAMPLE);
		accepted = inject_stream_write(s, m->sample, (uint32_t)(m->n_sample / st.channels));
	}
	if (st.active && m->has_end && m->end && inject_stream_end(s) < 0)
		return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
			      "inject_audio: took %u frames but the command queue is full: send "
			      "end again", accepted);
	reply->body_case = RADIO__REPLY__BODY_STREAM;
	reply->stream = status_body(t, accepted);
	return RADIO__STATUS__CODE__OK;
}

/* --------------------------------------------------------------- capture */

static void drop_capture(struct transfer *t)
{
	if (t->capture_owner)
		capture_cancel(engine_capture(t->engine), t->capture_job);
	t->capture_owner = NULL;
}

static Radio__Capture *capture_body(struct transfer *t, bool done, uint32_t recorded)
{
	Radio__Capture *w = &t->capture;

	radio__capture__init(w);
	w->has_done = w->has_frames = w->has_recorded_frames = w->has_sample_rate_hz = true;
	w->done = done;
	w->frames = t->capture_frames;
	w->recorded_frames = recorded;
	w->sample_rate_hz = t->capture_rate;
	return w;
}

static Radio__Status__Code do_start_capture(struct transfer *t, struct control_peer *peer,
					    const Radio__StartCapture *m, Radio__Reply *reply,
					    char *msg, size_t len)
{
	struct capture_signal sig[CAPTURE_MAX_SIGNALS];
	uint32_t channels = engine_channels(t->engine);
	uint32_t max_skip = TRANSFER_MAX_SKIP_S * rate_of(t);
	const char *err = NULL;
	char owner[64];
	uint32_t job;
	int r;

	if (!running(t))
		return refuse(msg, len, RADIO__STATUS__CODE__UNAVAILABLE,
			      "start_capture: the engine is not running (JACK is away)");
	if (t->capture_owner && t->capture_owner != peer)
		return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
			      "start_capture: %s holds the capture until it disconnects; retry "
			      "then", who(t->capture_owner, owner, sizeof owner));
	if (m->n_signal < 1 || m->n_signal > CAPTURE_MAX_SIGNALS)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "start_capture: %zu signals; 1..%d allowed", m->n_signal,
			      CAPTURE_MAX_SIGNALS);
	for (size_t i = 0; i < m->n_signal; i++) {
		const Radio__CaptureSignal *w = m->signal[i];

		if (w->point != RADIO__CAPTURE_POINT__CAPTURE_INPUT &&
		    w->point != RADIO__CAPTURE_POINT__CAPTURE_CHAIN &&
		    w->point != RADIO__CAPTURE_POINT__CAPTURE_OUTPUT)
			return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				      "start_capture: signal %zu: point %d unknown (0 input, 1 "
				      "chain, 2 output)", i, (int)w->point);
		if (w->channel >= channels)
			return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
				      "start_capture: signal %zu: channel %u out of range 0..%u",
				      i, w->channel, channels - 1);
		sig[i].point = (enum capture_point)w->point;
		sig[i].channel = w->channel;
	}
	if (!m->has_frames)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "start_capture: frames missing");
	if (m->frames < CAPTURE_MIN_FRAMES || m->frames > CAPTURE_MAX_FRAMES)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "start_capture: frames %u out of range %u..%u", m->frames,
			      CAPTURE_MIN_FRAMES, CAPTURE_MAX_FRAMES);
	if (m->has_skip_frames && m->skip_frames > max_skip)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "start_capture: skip_frames %u out of range 0..%u (%u s)",
			      m->skip_frames, max_skip, TRANSFER_MAX_SKIP_S);
	drop_capture(t);
	r = capture_start(engine_capture(t->engine), sig, (uint32_t)m->n_signal, m->frames,
			  m->has_skip_frames ? m->skip_frames : 0, &job, &err);
	if (r == -EBUSY)
		return refuse(msg, len, RADIO__STATUS__CODE__RESOURCE_EXHAUSTED,
			      "start_capture: the previous capture is still being stopped; retry");
	if (r < 0)
		return refuse(msg, len, r == -ENOMEM ? RADIO__STATUS__CODE__RESOURCE_EXHAUSTED
						     : RADIO__STATUS__CODE__INTERNAL,
			      "start_capture: %s", err);
	t->capture_owner = peer;
	t->capture_job = job;
	t->capture_frames = m->frames;
	t->capture_rate = rate_of(t);
	t->n_signal = (uint32_t)m->n_signal;
	memcpy(t->signal, sig, m->n_signal * sizeof *sig);
	reply->body_case = RADIO__REPLY__BODY_CAPTURE;
	reply->capture = capture_body(t, false, 0);
	return RADIO__STATUS__CODE__OK;
}

static Radio__Status__Code do_read_capture(struct transfer *t, struct control_peer *peer,
					   const Radio__ReadCapture *m, Radio__Reply *reply,
					   char *msg, size_t len)
{
	struct capture *c = engine_capture(t->engine);
	uint32_t max = m->has_max_frames ? m->max_frames : 0;
	uint32_t offset = m->has_offset_frames ? m->offset_frames : 0;
	uint32_t recorded = 0, n;
	Radio__Capture *w;
	int phase;

	if (t->capture_owner != peer)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "read_capture: no capture of yours: send start_capture first");
	if (max > TRANSFER_MAX_READ_FRAMES)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "read_capture: max_frames %u out of range 0..%u", max,
			      TRANSFER_MAX_READ_FRAMES);
	if (offset > t->capture_frames)
		return refuse(msg, len, RADIO__STATUS__CODE__INVALID_ARGUMENT,
			      "read_capture: offset_frames %u beyond the capture's %u frames",
			      offset, t->capture_frames);
	phase = capture_progress(c, t->capture_job, &recorded);
	/* A recording that finished stays readable after JACK left; one that
	 * was running has lost its audio thread. */
	if (phase < 0 || (phase != CAPTURE_DONE && !running(t))) {
		drop_capture(t);
		return refuse(msg, len, RADIO__STATUS__CODE__UNAVAILABLE,
			      "read_capture: the capture was lost: JACK went away");
	}
	w = capture_body(t, phase == CAPTURE_DONE, recorded);
	if (phase == CAPTURE_DONE && max > 0) {
		n = t->capture_frames - offset < max ? t->capture_frames - offset : max;
		w->has_offset_frames = true;
		w->offset_frames = offset;
		for (uint32_t i = 0; i < t->n_signal; i++) {
			Radio__CaptureData *d = &t->data[i];

			radio__capture_data__init(d);
			d->has_point = d->has_channel = true;
			d->point = (Radio__CapturePoint)t->signal[i].point;
			d->channel = t->signal[i].channel;
			d->n_sample = n;
			/* protobuf-c only reads it while packing the reply. */
			d->sample = (float *)capture_samples(c, t->capture_job, i) + offset;
			t->data_p[i] = d;
		}
		w->n_signal = t->n_signal;
		w->signal = t->data_p;
	}
	reply->body_case = RADIO__REPLY__BODY_CAPTURE;
	reply->capture = w;
	return RADIO__STATUS__CODE__OK;
}

Radio__Status__Code transfer_handle(struct transfer *t, struct control_peer *peer,
				    const Radio__Request *req, Radio__Reply *reply, char *msg,
				    size_t msg_len)
{
	switch (req->body_case) {
	case RADIO__REQUEST__BODY_INJECT_STREAM:
		return do_inject_stream(t, peer, req->inject_stream, reply, msg, msg_len);
	case RADIO__REQUEST__BODY_INJECT_AUDIO:
		return do_inject_audio(t, peer, req->inject_audio, reply, msg, msg_len);
	case RADIO__REQUEST__BODY_START_CAPTURE:
		return do_start_capture(t, peer, req->start_capture, reply, msg, msg_len);
	case RADIO__REQUEST__BODY_READ_CAPTURE:
		return do_read_capture(t, peer, req->read_capture, reply, msg, msg_len);
	default:
		return refuse(msg, msg_len, RADIO__STATUS__CODE__INTERNAL,
			      "transfer: not a transfer request");
	}
}

void transfer_peer_closed(struct transfer *t, struct control_peer *peer)
{
	if (t->stream_owner == peer) {
		/* As if it had sent end: what it sent plays out, no click. */
		inject_stream_end(engine_inject_stream(t->engine));
		t->stream_owner = NULL;
	}
	if (t->capture_owner == peer)
		drop_capture(t);
}
