#include "daemon/capture.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHANNELS 32u

struct job {
	uint32_t id;
	uint32_t n;
	struct capture_signal sig[CAPTURE_MAX_SIGNALS];
	uint32_t frames, skip;
	float *buf;		/* n x frames, signal after signal */
};

struct capture {
	uint32_t channels;

	/* control thread; the RT thread reads job while it owns it */
	struct job job;
	uint32_t last_id;
	bool have;		/* job is a recording someone may ask about */
	bool zombie;		/* job was cancelled: free its memory once IDLE */

	/* RT thread */
	struct job rt;
	bool rt_on;
	uint32_t rt_pos, rt_skip;
	uint32_t blk_from, blk_count;	/* frames of this block recorded */

	_Atomic int state;		/* enum capture_phase */
	_Atomic uint32_t recorded;
};

struct capture *capture_create(uint32_t channels, const char **err)
{
	struct capture *c;

	if (channels < 1 || channels > MAX_CHANNELS) {
		*err = "capture: channels must be 1..32";
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		*err = "capture: out of memory";
		return NULL;
	}
	c->channels = channels;
	atomic_init(&c->state, CAPTURE_IDLE);
	return c;
}

void capture_reset(struct capture *c)
{
	free(c->job.buf);
	c->job.buf = NULL;
	c->have = c->zombie = c->rt_on = false;
	atomic_store_explicit(&c->state, CAPTURE_IDLE, memory_order_relaxed);
	atomic_store_explicit(&c->recorded, 0, memory_order_relaxed);
}

void capture_destroy(struct capture *c)
{
	if (!c)
		return;
	free(c->job.buf);
	free(c);
}

/* Frees a cancelled recording's memory once the RT thread has let go. */
static void collect(struct capture *c)
{
	if (c->zombie && atomic_load_explicit(&c->state, memory_order_acquire) == CAPTURE_IDLE) {
		free(c->job.buf);
		c->job.buf = NULL;
		c->zombie = false;
	}
}

int capture_start(struct capture *c, const struct capture_signal *sig, uint32_t n,
		  uint32_t frames, uint32_t skip_frames, uint32_t *job, const char **err)
{
	int s;

	if (n < 1 || n > CAPTURE_MAX_SIGNALS) {
		*err = "capture: 1 to 4 signals";
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (sig[i].point != CAPTURE_AT_INPUT && sig[i].point != CAPTURE_AT_CHAIN &&
		    sig[i].point != CAPTURE_AT_OUTPUT) {
			*err = "capture: unknown point";
			return -EINVAL;
		}
		if (sig[i].channel >= c->channels) {
			*err = "capture: no such channel";
			return -EINVAL;
		}
	}
	if (frames < CAPTURE_MIN_FRAMES || frames > CAPTURE_MAX_FRAMES) {
		*err = "capture: frames must be 64 .. 1048576";
		return -EINVAL;
	}
	collect(c);
	s = atomic_load_explicit(&c->state, memory_order_acquire);
	if (s == CAPTURE_ARMED || s == CAPTURE_RUNNING || s == CAPTURE_CANCELLING) {
		*err = "capture: a recording is in progress";
		return -EBUSY;
	}
	free(c->job.buf);
	c->job.buf = NULL;
	c->have = false;
	c->job.buf = malloc((size_t)n * frames * sizeof(float));
	if (!c->job.buf) {
		*err = "capture: out of memory";
		return -ENOMEM;
	}
	/* Touched here, so the RT thread never takes a page fault in it. */
	memset(c->job.buf, 0, (size_t)n * frames * sizeof(float));
	c->job.id = ++c->last_id ? c->last_id : ++c->last_id;
	c->job.n = n;
	memcpy(c->job.sig, sig, n * sizeof *sig);
	c->job.frames = frames;
	c->job.skip = skip_frames;
	c->have = true;
	atomic_store_explicit(&c->recorded, 0, memory_order_relaxed);
	atomic_store_explicit(&c->state, CAPTURE_ARMED, memory_order_release);
	*job = c->job.id;
	return 0;
}

void capture_cancel(struct capture *c, uint32_t job)
{
	int s;

	collect(c);
	if (!c->have || c->job.id != job)
		return;
	c->have = false;
	s = atomic_load_explicit(&c->state, memory_order_acquire);
	for (;;) {
		if (s == CAPTURE_ARMED || s == CAPTURE_RUNNING) {
			/* The RT thread may move it on meanwhile: then look again. */
			if (atomic_compare_exchange_weak_explicit(&c->state, &s, CAPTURE_CANCELLING,
								  memory_order_acq_rel,
								  memory_order_acquire)) {
				c->zombie = true;
				return;
			}
			continue;
		}
		break;
	}
	/* IDLE or DONE: the RT thread has let go already. */
	free(c->job.buf);
	c->job.buf = NULL;
	atomic_store_explicit(&c->state, CAPTURE_IDLE, memory_order_relaxed);
}

int capture_progress(struct capture *c, uint32_t job, uint32_t *recorded)
{
	collect(c);
	if (!c->have || c->job.id != job)
		return -ENOENT;
	if (recorded)
		*recorded = atomic_load_explicit(&c->recorded, memory_order_relaxed);
	return atomic_load_explicit(&c->state, memory_order_acquire);
}

const float *capture_samples(const struct capture *c, uint32_t job, uint32_t i)
{
	if (!c->have || c->job.id != job || i >= c->job.n ||
	    atomic_load_explicit(&c->state, memory_order_acquire) != CAPTURE_DONE)
		return NULL;
	return c->job.buf + (size_t)i * c->job.frames;
}

/* ---------------------------------------------------------------- RT side */

static void rt_begin_block(struct capture *c, uint32_t n) DSP_RT;

/* At the block's INPUT tap: takes or drops a recording, and decides which
 * frames of the block it records. */
static void rt_begin_block(struct capture *c, uint32_t n)
{
	int s = atomic_load_explicit(&c->state, memory_order_acquire);
	uint32_t skip;

	if (s == CAPTURE_ARMED &&
	    atomic_compare_exchange_strong_explicit(&c->state, &s, CAPTURE_RUNNING,
						    memory_order_acq_rel, memory_order_acquire)) {
		c->rt = c->job;
		c->rt_on = true;
		c->rt_pos = 0;
		c->rt_skip = c->rt.skip;
		s = CAPTURE_RUNNING;
	}
	if (s == CAPTURE_CANCELLING) {
		c->rt_on = false;
		atomic_store_explicit(&c->state, CAPTURE_IDLE, memory_order_release);
	}
	c->blk_count = 0;
	if (!c->rt_on)
		return;
	skip = c->rt_skip < n ? c->rt_skip : n;
	c->rt_skip -= skip;
	c->blk_from = skip;
	c->blk_count = n - skip;
	if (c->blk_count > c->rt.frames - c->rt_pos)
		c->blk_count = c->rt.frames - c->rt_pos;
}

void capture_rt_tap(struct capture *c, enum capture_point at, const float *const *buf,
		    uint32_t n)
{
	if (at == CAPTURE_AT_INPUT)
		rt_begin_block(c, n);
	if (!c->rt_on)
		return;
	for (uint32_t i = 0; i < c->rt.n; i++) {
		if (c->rt.sig[i].point != at || c->blk_count == 0)
			continue;
		memcpy(c->rt.buf + (size_t)i * c->rt.frames + c->rt_pos,
		       buf[c->rt.sig[i].channel] + c->blk_from, c->blk_count * sizeof(float));
	}
	if (at != CAPTURE_AT_OUTPUT)
		return;
	c->rt_pos += c->blk_count;
	atomic_store_explicit(&c->recorded, c->rt_pos, memory_order_relaxed);
	if (c->rt_pos == c->rt.frames) {
		int s = CAPTURE_RUNNING;

		c->rt_on = false;
		/* A cancel that came meanwhile gets its acknowledgement instead. */
		if (!atomic_compare_exchange_strong_explicit(&c->state, &s, CAPTURE_DONE,
							     memory_order_acq_rel,
							     memory_order_acquire))
			atomic_store_explicit(&c->state, CAPTURE_IDLE, memory_order_release);
	}
}
