#include "daemon/inject_stream.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jack/ringbuffer.h>

/* Frames deinterleaved per pass through the scratch buffer. */
#define RT_FRAMES 1024u
#define CMD_RING_COMMANDS 16u
#define FLOAT_BYTES ((uint32_t)sizeof(float))

enum cmd_type {
	CMD_OPEN,
	CMD_END,
	CMD_STOP,
};

struct stream_cmd {
	enum cmd_type type;
	uint32_t gen;
	/* CMD_OPEN */
	uint64_t offset;	/* where this stream's audio starts, in ring bytes ever written */
	uint64_t prefill_bytes;
	uint32_t channels;
	uint32_t n_map;		/* channels fed */
	uint8_t map[INJECT_STREAM_MAX_CHANNELS];
	bool replace;
	uint32_t mask;
};

/* The RT thread's own copy of the stream it plays. */
struct rt_side {
	struct stream_cmd cmd;	/* landing slot: the stream being played */
	struct stream_cmd next;	/* landing slot for the command being read */
	uint64_t read;		/* ring bytes ever read or skipped */
	uint64_t played, underruns;
	bool on, playing, draining;
};

struct inject_stream {
	jack_ringbuffer_t *audio;
	jack_ringbuffer_t *cmds;
	uint32_t max_channels;

	/* control thread */
	uint64_t written;	/* ring bytes ever written */
	uint64_t offset;	/* where the current stream's audio starts */
	uint32_t gen;		/* the current (or last) stream; 0: none yet */
	uint32_t channels;
	bool open;		/* not stopped by the control side */
	enum inject_stream_end ended;	/* why it was stopped, when !open */

	/* RT thread */
	struct rt_side rt;
	float scratch[RT_FRAMES * INJECT_STREAM_MAX_CHANNELS];

	/* written by the RT thread, read by the control thread */
	_Atomic uint32_t rt_gen;	/* the stream whose counters these are */
	_Atomic uint64_t played, underruns;
	_Atomic uint32_t ended_gen;	/* the last stream that drained */
};

static uint32_t count_bits(uint32_t v)
{
	uint32_t n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

struct inject_stream *inject_stream_create(uint32_t channels, const char **err)
{
	struct inject_stream *s;
	size_t bytes = (size_t)INJECT_STREAM_RING_FRAMES * channels * FLOAT_BYTES;

	if (channels < 1 || channels > INJECT_STREAM_MAX_CHANNELS) {
		*err = "inject stream: channels must be 1..8";
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		*err = "inject stream: out of memory";
		return NULL;
	}
	s->max_channels = channels;
	/* JACK rounds the size up to a power of two and keeps one byte free:
	 * asking for one more than the frames need gives at least them. */
	s->audio = jack_ringbuffer_create(bytes + 1);
	s->cmds = jack_ringbuffer_create(CMD_RING_COMMANDS * sizeof(struct stream_cmd) + 1);
	if (!s->audio || !s->cmds) {
		*err = "inject stream: out of memory";
		inject_stream_destroy(s);
		return NULL;
	}
	/* Best effort, as the command ring: with mlockall in force it is done. */
	jack_ringbuffer_mlock(s->audio);
	jack_ringbuffer_mlock(s->cmds);
	return s;
}

void inject_stream_destroy(struct inject_stream *s)
{
	if (!s)
		return;
	if (s->audio)
		jack_ringbuffer_free(s->audio);
	if (s->cmds)
		jack_ringbuffer_free(s->cmds);
	free(s);
}

static bool drained(const struct inject_stream *s)
{
	return atomic_load_explicit(&s->ended_gen, memory_order_acquire) == s->gen;
}

static bool active(const struct inject_stream *s)
{
	return s->gen != 0 && s->open && !drained(s);
}

void inject_stream_reset(struct inject_stream *s)
{
	if (active(s)) {
		s->open = false;
		s->ended = INJECT_STREAM_LOST;
	}
	jack_ringbuffer_reset(s->audio);
	jack_ringbuffer_reset(s->cmds);
	s->written = 0;
	s->offset = 0;
	memset(&s->rt, 0, sizeof s->rt);
}

static int push(struct inject_stream *s, const struct stream_cmd *cmd)
{
	if (jack_ringbuffer_write_space(s->cmds) < sizeof *cmd)
		return -EAGAIN;
	jack_ringbuffer_write(s->cmds, (const char *)cmd, sizeof *cmd);
	return 0;
}

int inject_stream_open(struct inject_stream *s, uint32_t channels, uint32_t mask, bool replace,
		       uint32_t prefill_frames)
{
	uint32_t all = (1u << s->max_channels) - 1;
	struct stream_cmd cmd = {.type = CMD_OPEN};
	uint64_t frame_bytes = (uint64_t)channels * FLOAT_BYTES;
	uint64_t capacity;
	int r;

	if (mask == 0)
		mask = all;
	if (channels < 1 || channels > s->max_channels || (mask & ~all) ||
	    (channels > 1 && channels > count_bits(mask)))
		return -EINVAL;
	capacity = jack_ringbuffer_write_space(s->audio) + jack_ringbuffer_read_space(s->audio);
	if (prefill_frames > capacity / frame_bytes / 2)
		prefill_frames = (uint32_t)(capacity / frame_bytes / 2);
	cmd.gen = s->gen + 1 ? s->gen + 1 : 1;
	cmd.offset = s->written;
	cmd.prefill_bytes = prefill_frames * frame_bytes;
	cmd.channels = channels;
	cmd.replace = replace;
	cmd.mask = mask;
	for (uint32_t c = 0; c < s->max_channels; c++)
		if (mask & (1u << c))
			cmd.map[cmd.n_map++] = (uint8_t)c;
	r = push(s, &cmd);
	if (r < 0)
		return r;
	s->gen = cmd.gen;
	s->offset = cmd.offset;
	s->channels = channels;
	s->open = true;
	s->ended = INJECT_STREAM_NOT_ENDED;
	return 0;
}

uint32_t inject_stream_write(struct inject_stream *s, const float *x, uint32_t n_frames)
{
	size_t frame_bytes = (size_t)s->channels * FLOAT_BYTES;
	size_t room, n;

	if (!active(s))
		return 0;
	room = jack_ringbuffer_write_space(s->audio) / frame_bytes;
	n = n_frames < room ? n_frames : room;
	jack_ringbuffer_write(s->audio, (const char *)x, n * frame_bytes);
	s->written += n * frame_bytes;
	return (uint32_t)n;
}

int inject_stream_end(struct inject_stream *s)
{
	struct stream_cmd cmd = {.type = CMD_END, .gen = s->gen};

	return active(s) ? push(s, &cmd) : 0;
}

int inject_stream_stop(struct inject_stream *s, enum inject_stream_end why)
{
	struct stream_cmd cmd = {.type = CMD_STOP, .gen = s->gen};
	int r;

	if (!active(s))
		return 0;
	r = push(s, &cmd);
	if (r == 0) {
		s->open = false;
		s->ended = why;
	}
	return r;
}

void inject_stream_status(const struct inject_stream *s, struct inject_stream_status *st)
{
	size_t frame_bytes = (size_t)(s->channels ? s->channels : 1) * FLOAT_BYTES;
	size_t queued = jack_ringbuffer_read_space(s->audio);
	size_t mine = (size_t)(s->written - s->offset);

	memset(st, 0, sizeof *st);
	st->active = active(s);
	if (s->gen == 0)
		return;
	if (!s->open)
		st->ended = s->ended;
	else if (drained(s))
		st->ended = INJECT_STREAM_DRAINED;
	st->channels = s->channels;
	st->capacity_frames =
		(uint32_t)((jack_ringbuffer_write_space(s->audio) + queued) / frame_bytes);
	/* Before the RT thread skips what an earlier stream left, the ring
	 * holds more than this stream wrote. */
	st->queued_frames = (uint32_t)((queued < mine ? queued : mine) / frame_bytes);
	st->free_frames = (uint32_t)(jack_ringbuffer_write_space(s->audio) / frame_bytes);
	if (atomic_load_explicit(&s->rt_gen, memory_order_acquire) == s->gen) {
		st->played_frames = atomic_load_explicit(&s->played, memory_order_relaxed);
		st->underruns = atomic_load_explicit(&s->underruns, memory_order_relaxed);
	}
}

/* ---------------------------------------------------------------- RT side */

static void rt_apply(struct inject_stream *s) DSP_RT;
static void rt_publish(struct inject_stream *s) DSP_RT;
static void rt_play(struct inject_stream *s, float *const *out, uint32_t from, uint32_t n) DSP_RT;

static void rt_publish(struct inject_stream *s)
{
	atomic_store_explicit(&s->played, s->rt.played, memory_order_relaxed);
	atomic_store_explicit(&s->underruns, s->rt.underruns, memory_order_relaxed);
}

static void rt_apply(struct inject_stream *s)
{
	struct rt_side *rt = &s->rt;

	/* Bounded: the ring holds at most CMD_RING_COMMANDS commands. */
	while (jack_ringbuffer_read_space(s->cmds) >= sizeof rt->next) {
		jack_ringbuffer_read(s->cmds, (char *)&rt->next, sizeof rt->next);
		switch (rt->next.type) {
		case CMD_OPEN:
			/* Everything before offset was written before this
			 * command, so it is in the ring: skip it. */
			jack_ringbuffer_read_advance(s->audio, (size_t)(rt->next.offset - rt->read));
			rt->read = rt->next.offset;
			rt->cmd = rt->next;
			rt->on = true;
			rt->playing = rt->draining = false;
			rt->played = rt->underruns = 0;
			rt_publish(s);
			atomic_store_explicit(&s->rt_gen, rt->cmd.gen, memory_order_release);
			break;
		case CMD_END:
			if (rt->on && rt->next.gen == rt->cmd.gen)
				rt->draining = true;
			break;
		case CMD_STOP:
			if (rt->next.gen == rt->cmd.gen)
				rt->on = false;
			break;
		}
	}
}

/* Plays n frames from the ring into frames from .. from+n-1 of out. */
static void rt_play(struct inject_stream *s, float *const *out, uint32_t from, uint32_t n)
{
	const struct stream_cmd *c = &s->rt.cmd;
	uint32_t ch = c->channels;

	while (n) {
		uint32_t m = n < RT_FRAMES ? n : RT_FRAMES;
		size_t bytes = (size_t)m * ch * FLOAT_BYTES;

		jack_ringbuffer_read(s->audio, (char *)s->scratch, bytes);
		s->rt.read += bytes;
		if (ch == 1) {
			for (uint32_t k = 0; k < c->n_map; k++) {
				float *o = out[c->map[k]] + from;

				for (uint32_t i = 0; i < m; i++)
					o[i] += s->scratch[i];
			}
		} else {
			for (uint32_t k = 0; k < ch; k++) {
				float *o = out[c->map[k]] + from;

				for (uint32_t i = 0; i < m; i++)
					o[i] += s->scratch[(size_t)i * ch + k];
			}
		}
		from += m;
		n -= m;
	}
}

uint32_t inject_stream_process(struct inject_stream *s, float *const *out, uint32_t n_frames)
{
	struct rt_side *rt = &s->rt;
	const struct stream_cmd *c = &rt->cmd;
	size_t frame_bytes, queued;
	uint32_t take, underrun = 0;

	rt_apply(s);
	if (!rt->on)
		return 0;
	/* Replace: the selected channels carry the stream alone, silence
	 * where it has nothing (filling, a gap). */
	if (c->replace)
		for (uint32_t k = 0; k < c->n_map; k++)
			memset(out[c->map[k]], 0, (size_t)n_frames * sizeof(float));
	frame_bytes = (size_t)c->channels * FLOAT_BYTES;
	queued = jack_ringbuffer_read_space(s->audio) / frame_bytes;
	if (!rt->playing) {
		if (queued * frame_bytes < c->prefill_bytes && !rt->draining)
			return 0;
		rt->playing = true;
	}
	take = queued < n_frames ? (uint32_t)queued : n_frames;
	rt_play(s, out, 0, take);
	rt->played += take;
	if (take < n_frames) {
		if (rt->draining) {
			rt->on = false;
			rt_publish(s);
			atomic_store_explicit(&s->ended_gen, c->gen, memory_order_release);
			return 0;
		}
		rt->underruns++;
		underrun = 1;
	}
	rt_publish(s);
	return underrun;
}
